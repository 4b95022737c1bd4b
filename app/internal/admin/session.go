package admin

import (
	"net/http"
	"time"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/gin-gonic/gin"
)

// Sessions while editing (see session.js). A signed-in page tells its
// scripts when the session ends (<html data-session-*>); the scripts refresh
// it through Payload's POST /api/{auth}/refresh-token while the editor is
// active, warn sessionWarn before it ends, and before a form is submitted ask
// GET /admin/session whether it still holds. When it does not, the form stays
// on the page and a sign-in dialog (POST /api/{auth}/login) restores the
// session in place; the new session's CSRF token then goes into the form and
// the save goes through.

// sessionWarn is how long before the session ends an idle editor is warned.
const sessionWarn = 5 * time.Minute

// sessionView is what the page scripts read about the session.
type sessionView struct {
	Exp   int64  // token expiry, unix seconds
	Now   int64  // server time, unix milliseconds (the scripts correct their clock by it)
	TTL   int64  // token lifetime in seconds: a refresh extends the session by this much
	Warn  int64  // seconds before expiry the editor is warned
	Email string // prefills the in-place sign-in
	Auth  string // the auth collection's slug, for its REST endpoints
}

// session describes the caller's session for the page scripts; nil when
// nobody is signed in with a session token (API keys do not expire).
func (a *Admin) session(c *gin.Context) *sessionView {
	p := principalOf(c)
	if p == nil || p.Strategy != auth.StrategyLocalJWT || p.ExpiresAt.IsZero() {
		return nil
	}
	col, ok := a.content.Registry().AuthCollection()
	if !ok {
		return nil
	}
	return &sessionView{Exp: p.ExpiresAt.Unix(), Now: a.now().UnixMilli(), TTL: int64(a.auth.TokenTTL() / time.Second),
		Warn: int64(sessionWarn / time.Second), Email: p.User.Email, Auth: col.Slug}
}

// sessionState answers GET /admin/session with JSON, never a redirect: the
// session's expiry and the CSRF token forms must carry now (a new sign-in
// is a new session, so its token differs). Signed out it answers 401 with
// the signed-out CSRF token.
func (a *Admin) sessionState(c *gin.Context) {
	s := a.session(c)
	if s == nil {
		c.JSON(http.StatusUnauthorized, gin.H{"signedIn": false, "now": a.now().UnixMilli(), "csrf": a.csrfToken(c)})
		return
	}
	c.JSON(http.StatusOK, gin.H{"signedIn": true, "exp": s.Exp, "now": s.Now, "ttl": s.TTL, "warn": s.Warn,
		"email": s.Email, "csrf": a.csrfToken(c)})
}
