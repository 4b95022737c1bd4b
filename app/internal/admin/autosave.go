package admin

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/gin-gonic/gin"
)

// Autosave (Payload's versions.drafts.autosave): with JavaScript, the
// editor of a collection or global that declares an Autosave interval
// posts the form to {doc}/autosave that long after typing stops
// (session.js); a new document's form posts to {collection}/create/autosave,
// which creates the draft document, and then edits it in place under its
// own URL. The draft is saved with content.WriteOptions.Autosave, so the
// autosaves since the last manual save update one version. The answer is
// JSON; the form stays.

// wantsJSON reports whether the request comes from the page scripts, which
// want JSON answers rather than redirects and pages.
func wantsJSON(c *gin.Context) bool {
	return strings.Contains(c.GetHeader("Accept"), "application/json")
}

// autosaveError is one problem of an autosave, for the page scripts.
type autosaveError struct {
	Path    string `json:"path"`
	Label   string `json:"label"` // the field's labels ("Layout › Media 1 › Media")
	Message string `json:"message"`
}

// autosave saves the submitted editor form as an autosaved draft: of a
// stored document, of a global, or — id 0 of a collection — of a new
// document, which the first autosave creates (as a draft) and whose edit
// URL the answer gives, so the page goes on editing it in place.
func (a *Admin) autosave(c *gin.Context, p *auth.Principal, col *content.Collection, id int64) {
	fail := func(status int, msg string, errs ...autosaveError) {
		c.JSON(status, gin.H{"message": msg, "errors": errs})
	}
	if !a.csrfOK(c, c.PostForm(csrfField)) {
		fail(http.StatusForbidden, "Your session changed or the form expired; reload the page.")
		return
	}
	ctx := c.Request.Context()
	actor := actorOf(p)
	pr := &parser{form: c.Request.PostForm, errs: map[string]string{}}
	input := pr.parse(col.Fields, "")
	if len(pr.errs) > 0 {
		fail(http.StatusBadRequest, "Not autosaved: a field needs correcting.", fieldErrors(col.Fields, input, pr.errs)...)
		return
	}
	if msg := a.staleSave(ctx, actor, col, id, c.PostForm("_seen")); msg != "" {
		fail(http.StatusConflict, msg)
		return
	}
	if msg := a.lockRefusal(ctx, p, col, id); msg != "" {
		fail(http.StatusConflict, msg)
		return
	}
	input["_status"] = content.StatusDraft
	res, err := a.write(ctx, actor, col, id, input,
		content.WriteOptions{ReadOptions: content.ReadOptions{Depth: 0}, Draft: true, Autosave: true})
	if status, msg, errs := autosaveFailure(col, input, err); status != 0 {
		if status == http.StatusInternalServerError {
			a.log.ErrorContext(ctx, "admin: autosave", "collection", col.Slug, "id", id, "err", err)
		}
		fail(status, msg, errs...)
		return
	}
	created := id == 0 && !col.Global
	if created {
		id, _ = content.RelationID(res.Doc["id"])
	}
	// The stored updatedAt (not the written one, which the database may
	// round) is what the next save is checked against.
	stored, err := a.loadDoc(ctx, actor, col, id)
	if err != nil {
		a.log.ErrorContext(ctx, "admin: autosave reload", "collection", col.Slug, "id", id, "err", err)
		fail(http.StatusInternalServerError, "Autosaved, but the page could not be brought up to date; reload it.")
		return
	}
	status, err := a.editorStatus(ctx, actor, col, id, stored)
	if err != nil {
		status = ""
	}
	out := gin.H{"message": res.Message, "updatedAt": scalarString(stored["updatedAt"]),
		"at": fmtDate(stored["updatedAt"]), "status": status}
	if created {
		out["id"], out["url"], out["autosaveURL"] = id, docURL(col, id), docURL(col, id)+"/autosave"
		// The new document is the editor's, as if it had been opened.
		if lv, err := a.claimLock(ctx, p, col, id, false); err == nil && lv != nil && lv.Held {
			out["lockURL"] = lv.URL
		}
	}
	c.JSON(http.StatusOK, out)
}

// autosaveFailure maps a failed autosave write to its answer (status 0:
// it did not fail).
func autosaveFailure(col *content.Collection, input map[string]any, err error) (int, string, []autosaveError) {
	var ve *content.ValidationError
	switch {
	case err == nil:
		return 0, "", nil
	case errors.As(err, &ve):
		errs := map[string]string{}
		for _, fe := range ve.Errors {
			if _, dup := errs[fe.Path]; !dup {
				errs[fe.Path] = fe.Message
			}
		}
		return http.StatusBadRequest, "Not autosaved: a field needs correcting.", fieldErrors(col.Fields, input, errs)
	case errors.Is(err, content.ErrNotFound):
		return http.StatusNotFound, "This document no longer exists.", nil
	case errors.Is(err, content.ErrForbidden):
		return http.StatusForbidden, content.ErrForbidden.Error(), nil
	}
	return http.StatusInternalServerError, "Not autosaved: something went wrong on the server.", nil
}

func fieldErrors(fields []content.Field, data map[string]any, m map[string]string) []autosaveError {
	out := make([]autosaveError, 0, len(m))
	for _, path := range slices.Sorted(maps.Keys(m)) {
		out = append(out, autosaveError{Path: path, Label: labelPath(fields, data, path), Message: m[path]})
	}
	return out
}
