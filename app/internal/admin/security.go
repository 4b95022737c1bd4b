package admin

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Cookies of the admin besides the session.
const (
	csrfCookie  = "chronos-csrf"
	flashCookie = "chronos-flash"
	csrfField   = "_csrf"
)

// PreviewTTL is how long a preview token stays valid.
const PreviewTTL = 10 * time.Minute

func mac(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return m.Sum(nil)
}

// csrfCookie makes sure the browser holds a random CSRF seed. The form
// token is an HMAC of that seed and the session id, so it is bound to both
// the browser and the signed-in session (double submit, signed).
func (a *Admin) csrfCookie(c *gin.Context) {
	if ck, err := c.Request.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 {
		c.Set(csrfCookie, ck.Value)
		c.Next()
		return
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	seed := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(c.Writer, &http.Cookie{Name: csrfCookie, Value: seed, Path: "/admin",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: a.secure})
	c.Set(csrfCookie, seed)
	c.Next()
}

// csrfToken returns the token forms of this request must carry.
func (a *Admin) csrfToken(c *gin.Context) string {
	seed := c.GetString(csrfCookie)
	sid := ""
	if p := principalOf(c); p != nil {
		sid = p.SessionID
	}
	return a.csrfTokenFor(seed, sid)
}

// csrfTokenFor is the token of the browser's CSRF seed and a session.
func (a *Admin) csrfTokenFor(seed, sid string) string {
	return base64.RawURLEncoding.EncodeToString(mac(a.keys.csrf, seed, sid))
}

// sameOrigin reports whether the request's Origin, when the browser sends
// one, is this host.
func sameOrigin(c *gin.Context) bool {
	o := c.GetHeader("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == c.Request.Host
}

// csrfOK checks a submitted token and, when the browser sends one, that the
// Origin is this host.
func (a *Admin) csrfOK(c *gin.Context, token string) bool {
	if !sameOrigin(c) {
		return false
	}
	if c.GetHeader("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || token == "" {
		return false
	}
	want, _ := base64.RawURLEncoding.DecodeString(a.csrfToken(c))
	return hmac.Equal(got, want)
}

// checkForm verifies the CSRF token of a url-encoded form; on failure it
// redirects back with a flash and returns false.
func (a *Admin) checkForm(c *gin.Context, back string) bool {
	if a.csrfOK(c, c.PostForm(csrfField)) {
		return true
	}
	a.flash(c, "error", "Your session changed or the form expired. Please try again.")
	c.Redirect(http.StatusSeeOther, safeRedirect(back))
	return false
}

type flashMsg struct {
	Kind string `json:"k"`
	Text string `json:"t"`
}

// flash sets a one-time message shown on the next page.
func (a *Admin) flash(c *gin.Context, kind, text string) {
	b, _ := json.Marshal(flashMsg{Kind: kind, Text: text})
	v := base64.RawURLEncoding.EncodeToString(b)
	sig := base64.RawURLEncoding.EncodeToString(mac(a.keys.flash, v))
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: v + "." + sig, Path: "/admin",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secure, MaxAge: 60})
}

// takeFlash reads and clears the flash message, if any and authentic.
func (a *Admin) takeFlash(c *gin.Context) *flashMsg {
	ck, err := c.Request.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/admin", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secure})
	v, sig, ok := strings.Cut(ck.Value, ".")
	if !ok {
		return nil
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(a.keys.flash, v)) {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil
	}
	var m flashMsg
	if json.Unmarshal(b, &m) != nil || m.Text == "" {
		return nil
	}
	switch m.Kind {
	case "success", "error", "info":
	default:
		m.Kind = "info"
	}
	return &m
}

// PreviewToken signs a draft preview grant for one document, valid for
// PreviewTTL: "<collection>.<id>.<expiry unix>.<base64url hmac>".
func PreviewToken(secret []byte, collection string, id int64, now time.Time) string {
	return signPreview(derive(secret, "preview"), collection, id, now)
}

func signPreview(key []byte, collection string, id int64, now time.Time) string {
	exp := strconv.FormatInt(now.Add(PreviewTTL).Unix(), 10)
	ids := strconv.FormatInt(id, 10)
	sig := base64.RawURLEncoding.EncodeToString(mac(key, collection, ids, exp))
	return collection + "." + ids + "." + exp + "." + sig
}

// VerifyPreviewToken checks a token made by PreviewToken and returns the
// collection and document id it grants.
func VerifyPreviewToken(secret []byte, token string, now time.Time) (collection string, id int64, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 4 {
		return "", 0, false
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil || !hmac.Equal(sig, mac(derive(secret, "preview"), parts[0], parts[1], parts[2])) {
		return "", 0, false
	}
	exp, err1 := strconv.ParseInt(parts[2], 10, 64)
	id, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || now.Unix() > exp {
		return "", 0, false
	}
	return parts[0], id, true
}
