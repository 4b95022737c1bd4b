package admin

import (
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/gin-gonic/gin"
)

// No lost work without JavaScript. A form saved after the session ended
// (the page scripts would have signed in in place; without them the save
// arrives signed out) is not dropped: the sign-in page is answered in
// place of the save and carries the submitted form in hidden fields, and
// signing in there replays the save as the new session (the save's own
// handler runs, with its CSRF check, validation and stale-save and lock
// checks, and answers as it would have). Nothing is stored on the server.
// Guards:
//   - only url-encoded POSTs to the editors (/admin/collections/…,
//     /admin/globals/…) that come from this admin: the browser's SameSite=
//     Strict CSRF seed cookie must be there (a cross-site POST never
//     carries it) and Origin, when sent, must be this host;
//   - the carried form is at most replayMaxBytes and HMAC-signed with the
//     path under a key of its own, bound to the browser's CSRF seed, so the
//     sign-in form replays only what this server handed this browser, and
//     only to an editor path (no open redirect);
//   - the sign-in POST itself passes the signed-out CSRF check, and the
//     replayed save gets the new session's token and is checked again.

// replayMaxBytes caps the form a sign-in page carries.
const replayMaxBytes = 1 << 20

// Fields of the sign-in form that carry a save.
const (
	replayPathField = "_replay_path"
	replayBodyField = "_replay"
	replaySigField  = "_replay_sig"
)

// replayView is the save a sign-in page carries.
type replayView struct {
	Path, Body, Sig string
}

// replayablePath reports whether a save to path may be carried.
func replayablePath(path string) bool {
	return (strings.HasPrefix(path, "/admin/collections/") || strings.HasPrefix(path, "/admin/globals/")) &&
		safeRedirect(path) == path && !strings.Contains(path, "..")
}

func (a *Admin) replaySig(c *gin.Context, path, body string) string {
	return base64.RawURLEncoding.EncodeToString(mac(a.keys.replay, c.GetString(csrfCookie), path, body))
}

// carrySave answers a signed-out save with the sign-in page carrying it,
// and reports whether it did (false: the caller redirects as before).
func (a *Admin) carrySave(c *gin.Context) bool {
	r := c.Request
	if r.Method != http.MethodPost || c.ContentType() != "application/x-www-form-urlencoded" || !replayablePath(r.URL.Path) || wantsJSON(c) {
		return false
	}
	if ck, err := r.Cookie(csrfCookie); err != nil || ck.Value == "" || ck.Value != c.GetString(csrfCookie) {
		return false // not from a page of this admin in this browser
	}
	if !sameOrigin(c) {
		return false
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, replayMaxBytes+1))
	if err != nil || len(raw) > replayMaxBytes {
		a.flash(c, "error", "Your session ended and the form was too large to keep. Sign in and make your changes again.")
		return false
	}
	vals, err := url.ParseQuery(string(raw))
	if err != nil {
		return false
	}
	vals.Del(csrfField) // the old session's; the replay gets the new one
	body := vals.Encode()
	f := newForm()
	a.render(c, http.StatusUnauthorized, "login", page{Title: "Sign in", Bare: true, Data: map[string]any{
		"Form": f, "Redirect": r.URL.Path,
		"Replay": &replayView{Path: r.URL.Path, Body: body, Sig: a.replaySig(c, r.URL.Path, body)},
	}})
	return true
}

// replayedSave returns the save a sign-in form carries, if its signature
// holds.
func (a *Admin) replayedSave(c *gin.Context) (path, body string, ok bool) {
	path, body = c.PostForm(replayPathField), c.PostForm(replayBodyField)
	if path == "" || !replayablePath(path) || len(body) > replayMaxBytes {
		return "", "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(c.PostForm(replaySigField))
	want, _ := base64.RawURLEncoding.DecodeString(a.replaySig(c, path, body))
	if err != nil || !hmac.Equal(got, want) {
		return "", "", false
	}
	return path, body, true
}

// replaySave runs the carried save as the session of token, which the
// sign-in just issued: the request becomes the save's POST with the new
// session cookie and its CSRF token, and the router handles it anew.
func (a *Admin) replaySave(c *gin.Context, token, path, body string) error {
	p, err := a.auth.Authenticate(c.Request.Context(), auth.Credentials{Cookie: token})
	if err != nil {
		return err
	}
	if p == nil || a.engine == nil {
		return errors.New("admin: replay: the new session does not authenticate")
	}
	vals, err := url.ParseQuery(body)
	if err != nil {
		return err
	}
	vals.Set(csrfField, a.csrfTokenFor(c.GetString(csrfCookie), p.SessionID))
	enc := vals.Encode()
	req := c.Request.Clone(c.Request.Context())
	req.URL = &url.URL{Path: path}
	req.RequestURI = path
	req.Body = io.NopCloser(strings.NewReader(enc))
	req.ContentLength = int64(len(enc))
	req.Header.Set("Content-Length", strconv.Itoa(len(enc)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Form, req.PostForm = nil, nil
	req.Header.Del("Cookie")
	for _, ck := range c.Request.Cookies() {
		if ck.Name != auth.CookieName {
			req.AddCookie(ck)
		}
	}
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: token})
	c.Request = req
	a.engine.HandleContext(c)
	return nil
}
