package admin

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/gin-gonic/gin"
)

// globals dispatches /admin/globals/{slug}[/autosave|/preview|/versions[/{id}[/restore]]]:
// a global is edited like one document of a collection, with the same
// form, autosave, live preview, versions and restore.
func (a *Admin) globals(c *gin.Context) {
	if principalOf(c) == nil && wantsJSON(c) {
		// The page scripts (autosave, live preview) learn the session ended.
		c.JSON(http.StatusUnauthorized, gin.H{"message": "Your session has ended."})
		return
	}
	p := a.requireUser(c)
	if p == nil {
		return
	}
	parts := strings.Split(strings.Trim(c.Param("path"), "/"), "/")
	g, ok := a.content.Registry().Global(parts[0])
	if !ok {
		a.notFound(c)
		return
	}
	get := c.Request.Method == http.MethodGet
	rest := parts[1:]
	switch {
	case len(rest) == 0 && get:
		doc, err := a.loadDoc(c.Request.Context(), actorOf(p), g, 0)
		if err != nil {
			a.errorPage(c, err)
			return
		}
		a.showEditor(c, p, g, 0, doc, nil, http.StatusOK, "")
	case len(rest) == 0:
		a.saveDoc(c, p, g, 0)
	case len(rest) == 1 && rest[0] == "autosave" && g.Autosave > 0 && !get:
		a.autosave(c, p, g, 0)
	case len(rest) == 1 && rest[0] == "preview" && a.livePreview(g) != nil:
		a.livePreviewRoute(c, p, g, 0)
	case len(rest) == 1 && rest[0] == "lock" && !get:
		a.lockAction(c, p, g, 0)
	case len(rest) == 1 && rest[0] == "versions" && get && g.Drafts:
		a.versions(c, p, g, 0)
	case len(rest) >= 2 && rest[0] == "versions" && g.Drafts:
		vid, err := strconv.ParseInt(rest[1], 10, 64)
		switch {
		case err != nil || vid <= 0:
			a.notFound(c)
		case len(rest) == 2 && get:
			a.version(c, p, g, 0, vid)
		case len(rest) == 3 && rest[2] == "restore" && !get:
			a.restore(c, p, g, 0, vid)
		default:
			a.notFound(c)
		}
	default:
		a.notFound(c)
	}
}

// docURL is the editor URL of a document: a global's, the create form of
// a collection (id 0), or a stored document's.
func docURL(col *content.Collection, id int64) string {
	switch {
	case col.Global:
		return "/admin/globals/" + col.Slug
	case id == 0:
		return "/admin/collections/" + col.Slug + "/create"
	}
	return fmt.Sprintf("/admin/collections/%s/%d", col.Slug, id)
}

// loadDoc reads a document (or a global) for the editor: its latest
// draft when the collection has drafts.
func (a *Admin) loadDoc(ctx context.Context, actor *content.Actor, col *content.Collection, id int64) (content.Doc, error) {
	opts := content.ReadOptions{Depth: 0, Draft: col.Drafts}
	if col.Global {
		return a.content.FindGlobal(ctx, actor, col.Slug, opts)
	}
	return a.content.FindByID(ctx, actor, col.Slug, id, opts)
}

// loadVersion reads one version of a document (or global); a version of
// another document is not found.
func (a *Admin) loadVersion(ctx context.Context, actor *content.Actor, col *content.Collection, id, vid int64) (content.Doc, error) {
	if col.Global {
		return a.content.FindGlobalVersionByID(ctx, actor, col.Slug, vid, content.ReadOptions{Depth: 0})
	}
	v, err := a.content.FindVersionByID(ctx, actor, col.Slug, vid, content.ReadOptions{Depth: 0})
	if err != nil {
		return nil, err
	}
	if parent, _ := content.RelationID(v["parent"]); parent != id {
		return nil, content.ErrNotFound
	}
	return v, nil
}
