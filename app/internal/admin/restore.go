package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/gin-gonic/gin"
)

// versionPage lists a page of 20 versions of a document (or global),
// newest first.
func (a *Admin) versionPage(ctx context.Context, actor *content.Actor, col *content.Collection, id int64, pg int) (content.List, error) {
	params := query.Params{Sort: []query.SortField{{Path: "updatedAt", Desc: true}}, Page: pg, Limit: 20, LimitSet: true, Pagination: true, Depth: 0, DepthSet: true}
	if col.Global {
		return a.content.FindGlobalVersions(ctx, actor, col.Slug, params)
	}
	params.Where = query.Where{Conds: []query.Cond{{Path: "parent", Op: query.Equals, Values: []string{strconv.FormatInt(id, 10)}}}}
	return a.content.FindVersions(ctx, actor, col.Slug, params)
}

// versionChoice is one version offered to compare against.
type versionChoice struct {
	Value    string
	Label    string
	Selected bool
}

// version shows one version, field by field against the current document
// (or ?against= another version), with a restore button.
func (a *Admin) version(c *gin.Context, p *auth.Principal, col *content.Collection, id, vid int64) {
	ctx := c.Request.Context()
	actor := actorOf(p)
	v, err := a.loadVersion(ctx, actor, col, id, vid)
	if err != nil {
		a.errorPage(c, err)
		return
	}
	body, _ := v["version"].(map[string]any)
	base := docURL(col, id)
	// The versions to compare with: the current document and the 20 most
	// recent versions.
	others, err := a.versionPage(ctx, actor, col, id, 1)
	if err != nil {
		a.errorPage(c, err)
		return
	}
	against := c.Query("against")
	choices := []versionChoice{{Value: "", Label: "Current document", Selected: against == ""}}
	for _, o := range others.Docs {
		oid, _ := content.RelationID(o["id"])
		if oid == vid {
			continue
		}
		ob, _ := o["version"].(map[string]any)
		choices = append(choices, versionChoice{Value: strconv.FormatInt(oid, 10),
			Label: fmtDate(o["updatedAt"]) + " (" + scalarString(ob["_status"]) + ")", Selected: against == strconv.FormatInt(oid, 10)})
	}
	var right map[string]any
	rightLabel := "Current"
	if n, perr := strconv.ParseInt(against, 10, 64); perr == nil && n > 0 {
		ov, err := a.loadVersion(ctx, actor, col, id, n)
		if err != nil {
			a.errorPage(c, err)
			return
		}
		right, _ = ov["version"].(map[string]any)
		rightLabel = "Version of " + fmtDate(ov["updatedAt"])
	} else {
		cur, err := a.loadDoc(ctx, actor, col, id)
		if err != nil {
			a.errorPage(c, err)
			return
		}
		right = cur
	}
	a.render(c, http.StatusOK, "version", page{Title: "Version", Nav: col.Slug, Data: map[string]any{
		"Collection": col, "Base": base, "Version": v, "Body": body, "VID": vid,
		"Title": scalarString(body[col.UseAsTitle]), "Status": scalarString(body["_status"]),
		"Diff": diff(col, body, right), "Against": choices, "RightLabel": rightLabel,
	}})
}

// restore asks first (what restoring does to the live document), then
// restores the version as it was, or as a new draft that leaves the live
// document as it is ("restore as draft").
func (a *Admin) restore(c *gin.Context, p *auth.Principal, col *content.Collection, id, vid int64) {
	base := docURL(col, id)
	self := fmt.Sprintf("%s/versions/%d", base, vid)
	if !a.checkForm(c, self) {
		return
	}
	ctx := c.Request.Context()
	actor := actorOf(p)
	v, err := a.loadVersion(ctx, actor, col, id, vid)
	if err != nil {
		a.errorPage(c, err)
		return
	}
	body, _ := v["version"].(map[string]any)
	mode := c.PostForm("mode")
	if mode != "draft" && mode != "as-is" {
		cur, err := a.loadDoc(ctx, actor, col, id)
		if err != nil {
			a.errorPage(c, err)
			return
		}
		st, err := a.editorStatus(ctx, actor, col, id, cur)
		if err != nil {
			a.errorPage(c, err)
			return
		}
		live := st == content.StatusPublished || st == StatusChanged
		a.render(c, http.StatusOK, "restore", page{Title: "Restore this version?", Nav: col.Slug, Data: map[string]any{
			"Collection": col, "Base": base, "Self": self, "Version": v, "Live": live,
			"VersionStatus": scalarString(body["_status"]), "Diff": diff(col, body, cur),
		}})
		return
	}
	switch {
	case mode == "draft":
		input := map[string]any{}
		for _, f := range col.Fields {
			if val, ok := body[f.Name]; ok && !f.ReadOnly {
				input[f.Name] = val
			}
		}
		input["_status"] = content.StatusDraft
		opts := content.WriteOptions{Draft: true, ReadOptions: content.ReadOptions{Depth: 0}}
		if col.Global {
			_, err = a.content.UpdateGlobal(ctx, actor, col.Slug, input, opts)
		} else {
			_, err = a.content.Update(ctx, actor, col.Slug, id, input, opts)
		}
	case col.Global:
		_, err = a.content.RestoreGlobalVersion(ctx, actor, col.Slug, vid, content.ReadOptions{Depth: 0})
	default:
		_, err = a.content.RestoreVersion(ctx, actor, col.Slug, vid, content.ReadOptions{Depth: 0})
	}
	var ve *content.ValidationError
	switch {
	case errors.Is(err, content.ErrNotFound):
		a.notFound(c)
		return
	case errors.Is(err, content.ErrForbidden):
		a.flash(c, "error", content.ErrForbidden.Error())
		c.Redirect(http.StatusSeeOther, self)
		return
	case errors.As(err, &ve):
		a.flash(c, "error", "This version cannot be restored: "+ve.Error())
		c.Redirect(http.StatusSeeOther, self)
		return
	case err != nil:
		a.errorPage(c, err)
		return
	}
	if mode == "draft" {
		a.flash(c, "success", "Version restored as a draft; the live "+col.Singular+" is unchanged until you publish.")
	} else {
		a.flash(c, "success", "Version restored.")
	}
	c.Redirect(http.StatusSeeOther, base)
}
