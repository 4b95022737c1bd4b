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
// editor of a collection that declares an Autosave interval posts the form
// to {doc}/autosave that long after typing stops (session.js). The draft is
// saved with content.WriteOptions.Autosave, so the autosaves since the last
// manual save update one version. The answer is JSON; the form stays.

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

// autosave saves the submitted editor form as an autosaved draft.
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
	res, err := a.content.Update(ctx, actor, col.Slug, id, input,
		content.WriteOptions{ReadOptions: content.ReadOptions{Depth: 0}, Draft: true, Autosave: true})
	var ve *content.ValidationError
	switch {
	case errors.As(err, &ve):
		errs := map[string]string{}
		for _, fe := range ve.Errors {
			if _, dup := errs[fe.Path]; !dup {
				errs[fe.Path] = fe.Message
			}
		}
		fail(http.StatusBadRequest, "Not autosaved: a field needs correcting.", fieldErrors(col.Fields, input, errs)...)
		return
	case errors.Is(err, content.ErrNotFound):
		fail(http.StatusNotFound, "This document no longer exists.")
		return
	case errors.Is(err, content.ErrForbidden):
		fail(http.StatusForbidden, content.ErrForbidden.Error())
		return
	case err != nil:
		a.log.ErrorContext(ctx, "admin: autosave", "collection", col.Slug, "id", id, "err", err)
		fail(http.StatusInternalServerError, "Not autosaved: something went wrong on the server.")
		return
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
	c.JSON(http.StatusOK, gin.H{"message": res.Message, "updatedAt": scalarString(stored["updatedAt"]),
		"at": fmtDate(stored["updatedAt"]), "status": status})
}

func fieldErrors(fields []content.Field, data map[string]any, m map[string]string) []autosaveError {
	out := make([]autosaveError, 0, len(m))
	for _, path := range slices.Sorted(maps.Keys(m)) {
		out = append(out, autosaveError{Path: path, Label: labelPath(fields, data, path), Message: m[path]})
	}
	return out
}
