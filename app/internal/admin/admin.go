// Package admin is the CMS's admin UI: server-rendered html/template pages
// with embedded, checksummed static assets, on gin. It calls the same
// content and auth services as the REST API and signs users in with the
// same payload-token cookie. Every core flow works without JavaScript;
// scripts add the rich text editor, upload progress and drag-and-drop.
//
// Design notes:
//
//   - URLs follow Payload's admin (/admin/collections/{slug}/{id}/versions…).
//     Everything under /admin/collections is dispatched by collections,
//     because gin cannot mix /:id with static segments such as create.
//   - Form inputs are named by document path ("layout.0.links.1.url"), the
//     paths content.ValidationError reports, so errors land next to their
//     inputs. Layout edits (add, move, remove rows and blocks) are submit
//     buttons handled on the server, so they work without JavaScript.
//   - CSRF: a random per-browser cookie (chronos-csrf, SameSite=Strict) and
//     a form token that is an HMAC of it and the session id, plus an Origin
//     check. Multipart forms carry the token in the query string, so the
//     body can be streamed on unread.
//   - Uploads: with JavaScript the media library posts each file to
//     /api/media (or PUTs it to S3 with a presigned URL when S3 is set) with
//     a progress bar per file. Without JavaScript the plain form posts to
//     /admin/collections/media/create, which streams it into the same
//     media service the REST API calls.
//   - Flash messages are signed one-time cookies; preview links carry a
//     token from PreviewToken, checked with VerifyPreviewToken.
//   - Every page has a CSP without inline script or style, and loads
//     nothing from other origins.
package admin

import (
	"crypto/hmac"
	"crypto/sha256"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/gin-gonic/gin"
)

// Options configure the admin UI.
type Options struct {
	Content *content.Service
	Auth    *auth.Service
	// Media takes the no-JavaScript uploads; nil turns them off.
	Media  *media.Service
	Logger *slog.Logger
	// Secret is the CMS secret; CSRF tokens, flash cookies and preview
	// tokens are HMACs under keys derived from it.
	Secret []byte
	// SecureCookie sets Secure on cookies (the public URL is https).
	SecureCookie bool
	// PreviewURL is the front end's preview endpoint (CMS_PREVIEW_URL); ""
	// hides the preview link.
	PreviewURL string
	// MediaOrigin is an extra origin images may load from (S3_PUBLIC_URL).
	MediaOrigin string
	// UploadOrigin is the object store's origin when browsers upload
	// straight to it with presigned PUTs (S3); "" keeps uploads on the CMS.
	// See UploadOrigin.
	UploadOrigin string
	// Limiter bounds sign-in and forgot-password attempts per client IP;
	// nil means no limit.
	Limiter *auth.RateLimiter
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Admin is the admin UI handler set.
type Admin struct {
	content    *content.Service
	auth       *auth.Service
	log        *slog.Logger
	keys       keys
	secure     bool
	previewURL string
	// previewOrigin is the front end's origin (CMS_PREVIEW_URL's): the
	// one origin the live preview frames and posts messages to.
	previewOrigin string
	csp           string
	now           func() time.Time
	views         *views
	media         *media.Service // nil: uploads are off
	mediaOrigin   string
	limiter       *auth.RateLimiter
	direct        bool
	// engine is the router Register mounted the admin on: a sign-in
	// replays a carried save through it (replay.go).
	engine *gin.Engine
}

// keys are per-purpose HMAC keys derived from the CMS secret so that a token
// of one kind can never be replayed as another.
type keys struct{ csrf, flash, preview, replay []byte }

func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("chronos-admin:" + purpose))
	return m.Sum(nil)
}

// New returns the admin UI. It panics only if the embedded templates do
// not parse, which the package's tests rule out.
func New(o Options) *Admin {
	a := &Admin{
		content: o.Content, auth: o.Auth, media: o.Media, log: o.Logger, secure: o.SecureCookie,
		previewURL: strings.TrimSpace(o.PreviewURL), now: o.Now, limiter: o.Limiter,
		keys: keys{csrf: derive(o.Secret, "csrf"), flash: derive(o.Secret, "flash"), preview: derive(o.Secret, "preview"), replay: derive(o.Secret, "replay")},
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	img := "'self' data: blob:"
	if u, err := url.Parse(o.MediaOrigin); err == nil && u.Scheme != "" && u.Host != "" {
		a.mediaOrigin = u.Scheme + "://" + u.Host
		img += " " + a.mediaOrigin
	}
	connect := "'self'"
	if u, err := url.Parse(o.UploadOrigin); err == nil && u.Scheme != "" && u.Host != "" {
		connect += " " + u.Scheme + "://" + u.Host
		a.direct = true
		if o := u.Scheme + "://" + u.Host; o != a.mediaOrigin {
			img += " " + o // presigned media delivery redirects images there
		}
	}
	// Only the front end may be framed (the live preview); nothing else.
	frame := "'none'"
	if a.previewOrigin = originOf(a.previewURL); a.previewOrigin != "" {
		frame = a.previewOrigin
	}
	a.csp = "default-src 'self'; img-src " + img + "; style-src 'self'; script-src 'self'; connect-src " + connect +
		"; frame-src " + frame + "; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
	v, err := newViews()
	if err != nil {
		panic("admin: templates: " + err.Error())
	}
	a.views = v
	return a
}

// Register mounts the admin routes on r.
func (a *Admin) Register(r *gin.Engine) {
	a.engine = r
	r.GET("/admin/static/:file", a.static)
	g := r.Group("/admin", a.headers, a.identify, a.csrfCookie)
	g.GET("", a.dashboard)
	g.GET("/login", a.loginPage)
	g.POST("/login", a.login)
	g.GET("/logout", a.logoutPage)
	g.POST("/logout", a.logout)
	g.GET("/create-first-user", a.firstUserPage)
	g.POST("/create-first-user", a.firstUser)
	g.GET("/forgot", a.forgotPage)
	g.POST("/forgot", a.forgot)
	g.GET("/reset/:token", a.resetPage)
	g.POST("/reset/:token", a.reset)
	g.GET("/session", a.sessionState)
	g.GET("/account", a.accountPage)
	g.POST("/account", a.accountAction)
	g.GET("/collections/*path", a.collections)
	g.POST("/collections/*path", a.collections)
	g.GET("/globals/*path", a.globals)
	g.POST("/globals/*path", a.globals)
}

// headers sets the CSP and no-store on every admin page.
func (a *Admin) headers(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", a.csp)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	c.Next()
}

const (
	principalKey = "admin.principal"
)

// identify resolves the signed-in user from the payload-token cookie.
func (a *Admin) identify(c *gin.Context) {
	ck, err := c.Request.Cookie(auth.CookieName)
	if err != nil || ck.Value == "" {
		c.Next()
		return
	}
	p, err := a.auth.Authenticate(c.Request.Context(), auth.Credentials{Cookie: ck.Value})
	if err != nil {
		a.errorPage(c, err)
		c.Abort()
		return
	}
	if p != nil {
		c.Set(principalKey, p)
	}
	c.Next()
}

func principalOf(c *gin.Context) *auth.Principal {
	v, _ := c.Get(principalKey)
	p, _ := v.(*auth.Principal)
	return p
}

func actorOf(p *auth.Principal) *content.Actor {
	if p == nil {
		return nil
	}
	return &content.Actor{ID: p.User.ID, Email: p.User.Email, Roles: p.User.Roles}
}

// requireUser answers with a redirect to sign-in (or first-user) and
// returns nil when nobody is signed in.
func (a *Admin) requireUser(c *gin.Context) *auth.Principal {
	if p := principalOf(c); p != nil {
		return p
	}
	ok, err := a.auth.Init(c.Request.Context())
	if err != nil {
		a.errorPage(c, err)
		return nil
	}
	if !ok {
		c.Redirect(http.StatusSeeOther, "/admin/create-first-user")
		return nil
	}
	if a.carrySave(c) {
		return nil
	}
	target := "/admin/login"
	if c.Request.Method == http.MethodGet && c.Request.URL.Path != "/admin" {
		target += "?redirect=" + url.QueryEscape(c.Request.URL.RequestURI())
	}
	c.Redirect(http.StatusSeeOther, target)
	return nil
}

func (a *Admin) setSessionCookie(c *gin.Context, token string, exp time.Time) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: auth.CookieName, Value: token, Path: "/", Expires: exp.UTC(),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secure,
	})
}

func (a *Admin) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: auth.CookieName, Value: "", Path: "/", Expires: time.Unix(0, 0).UTC(), MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secure,
	})
}

// safeRedirect keeps redirects inside the admin.
func safeRedirect(target string) string {
	if !strings.HasPrefix(target, "/admin") || strings.HasPrefix(target, "//") || strings.ContainsAny(target, "\\\r\n") {
		return "/admin"
	}
	return target
}

// UploadOrigin is the origin browsers PUT presigned uploads to for an S3
// bucket: the custom endpoint (path style or virtual-hosted) or AWS's
// virtual-hosted bucket host. An empty bucket gives "".
func UploadOrigin(bucket, region, endpoint string, pathStyle bool) string {
	if bucket == "" {
		return ""
	}
	if endpoint == "" {
		if region == "" {
			region = "us-east-1"
		}
		return "https://" + bucket + ".s3." + region + ".amazonaws.com"
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return ""
	}
	if pathStyle {
		return u.Scheme + "://" + u.Host
	}
	return u.Scheme + "://" + bucket + "." + u.Host
}
