package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/gin-gonic/gin"
)

// Document locking (content/locks.go) in the editor: opening or saving a
// document claims its lock for the editor; another editor opening it sees
// who holds it and may take over ({doc}/lock, a plain form, so it works
// without JavaScript). A save by someone who does not hold the lock is
// refused with the typed input kept. With JavaScript the page renews the
// lock while its editor types, learns when it was taken over, and releases
// it when leaving (session.js). Saved documents of every collection but
// users (media included) and globals are locked; the saves themselves pass
// EnforceLock, so content refuses a save that lost the lock in between.

// lockView is the editor's view of a document's lock.
type lockView struct {
	Held   bool   // the viewer holds it
	Holder string // who does (when not the viewer)
	Since  string // when they last worked on it
	URL    string // {doc}/lock
	Noun   string // "page", "header": what is locked
	Back   string // where "Go back" leads
}

func lockable(col *content.Collection, id int64) bool {
	return (id != 0 || col.Global) && !col.Auth
}

// claimLock claims (force: takes over) the lock of a document for p.
func (a *Admin) claimLock(ctx context.Context, p *auth.Principal, col *content.Collection, id int64, force bool) (*lockView, error) {
	if !lockable(col, id) {
		return nil, nil
	}
	l, err := a.content.ClaimLock(ctx, actorOf(p), col.Slug, id, force)
	if errors.Is(err, content.ErrNotSupported) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v := &lockView{Held: l.UserID == p.User.ID, URL: docURL(col, id) + "/lock", Noun: strings.ToLower(col.Singular), Back: "/admin/collections/" + col.Slug}
	if col.Global {
		v.Back = "/admin"
	}
	if !v.Held {
		v.Holder, v.Since = l.UserLabel, fmtDate(l.UpdatedAt)
	}
	return v, nil
}

// lockRefusal is the refusal of a save by someone who does not hold the
// document's lock ("" when they do, or nobody else does: the save claims it).
func (a *Admin) lockRefusal(ctx context.Context, p *auth.Principal, col *content.Collection, id int64) string {
	v, err := a.claimLock(ctx, p, col, id, false)
	if err != nil || v == nil || v.Held {
		return ""
	}
	return fmt.Sprintf("%s is editing this %s (since %s) and holds it. Your changes were not saved; they are still in the form: "+
		"take over editing to save them.", v.Holder, strings.ToLower(col.Singular), v.Since)
}

// lockAction renews (default), takes over (_lock=takeover) or releases
// (_lock=release) the caller's lock. The page scripts get JSON; the plain
// take-over form returns to the editor.
func (a *Admin) lockAction(c *gin.Context, p *auth.Principal, col *content.Collection, id int64) {
	back := docURL(col, id)
	if !a.csrfOK(c, c.PostForm(csrfField)) {
		if wantsJSON(c) {
			c.JSON(http.StatusForbidden, gin.H{"message": "Your session changed or the form expired; reload the page."})
			return
		}
		a.checkForm(c, back)
		return
	}
	ctx := c.Request.Context()
	if c.PostForm("_lock") == "release" {
		if err := a.content.ReleaseLock(ctx, actorOf(p), col.Slug, id); err != nil && !errors.Is(err, content.ErrNotSupported) {
			a.log.ErrorContext(ctx, "admin: release lock", "collection", col.Slug, "id", id, "err", err)
		}
		c.Status(http.StatusNoContent)
		return
	}
	takeover := c.PostForm("_lock") == "takeover"
	v, err := a.claimLock(ctx, p, col, id, takeover)
	switch {
	case err != nil && wantsJSON(c):
		// The kind's status and public message, as on the error page:
		// never the error's own text.
		status, _, msg := pageOf(err)
		if status >= http.StatusInternalServerError {
			a.logFailure(c, err)
		}
		c.JSON(status, gin.H{"message": "This document cannot be locked: " + msg})
		return
	case err != nil:
		a.errorPage(c, err)
		return
	case v == nil:
		a.notFound(c)
		return
	}
	if wantsJSON(c) {
		c.JSON(http.StatusOK, gin.H{"held": v.Held, "holder": v.Holder, "since": v.Since})
		return
	}
	if takeover {
		a.flash(c, "success", "You took over editing. The previous editor is told when they next type or save.")
	}
	c.Redirect(http.StatusSeeOther, back)
}
