// Package httpapi is the REST API in Payload 3's dialect, on gin. Handlers
// are thin: bind, call a domain service with the request's context, respond.
// Errors reach the client only through statusOf.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/gin-gonic/gin"
)

// Caller is who sent a request.
type Caller struct {
	Actor *content.Actor // nil: anonymous
	// ViaCookie is true when the credentials came only from the
	// payload-token cookie (subject to the CSRF origin check).
	ViaCookie bool
	// Strategy, Token and Exp describe the credentials for /me.
	Strategy  string
	Token     string
	Exp       int64
	SessionID string
	// Principal is the auth service's view of the caller (nil: anonymous).
	Principal *auth.Principal
}

// Authenticator identifies the caller of a request. Invalid, expired or
// revoked credentials are anonymous, never an error (as Payload does); an
// error means the check itself failed (database down).
type Authenticator interface {
	Identify(ctx context.Context, r *http.Request) (Caller, error)
}

// Options configure the API.
type Options struct {
	Content       *content.Service
	Authenticator Authenticator
	Accounts      *Accounts // /api/users/* endpoints; nil disables them
	Uploads       Uploads   // media upload and file endpoints; nil disables them
	Logger        *slog.Logger
	PublicURL     string   // the CMS's own origin counts as same-site
	CORSOrigins   []string // allowed browser origins (CORS and cookie writes)
	MaxJSONBytes  int64    // JSON body limit (413 beyond)
	OpenAPI       func() ([]byte, error)
	// PayloadTypes renders payload-types.ts (served to signed-in callers).
	PayloadTypes func() ([]byte, error)
	// Cache, when set, answers anonymous reads from memory.
	Cache *ResponseCache
}

// API is the REST API.
type API struct {
	content      *content.Service
	auth         Authenticator
	accounts     *Accounts
	uploads      Uploads
	log          *slog.Logger
	selfOrigin   string
	origins      map[string]bool
	maxJSONBytes int64
	openapi      func() ([]byte, error)
	types        func() ([]byte, error)
	cache        *ResponseCache
	gzipPool     sync.Pool
	bufPool      sync.Pool
}

// New returns the API. Register mounts it on a gin engine.
func New(o Options) *API {
	a := &API{
		content: o.Content, auth: o.Authenticator, accounts: o.Accounts, uploads: o.Uploads,
		log: o.Logger, origins: map[string]bool{}, maxJSONBytes: o.MaxJSONBytes, openapi: o.OpenAPI, types: o.PayloadTypes, cache: o.Cache,
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.maxJSONBytes <= 0 {
		a.maxJSONBytes = 2 << 20
	}
	if u, err := url.Parse(o.PublicURL); err == nil && u.Host != "" {
		a.selfOrigin = u.Scheme + "://" + u.Host
	}
	for _, o := range o.CORSOrigins {
		a.origins[strings.TrimRight(o, "/")] = true
	}
	return a
}

// Register mounts every /api route on r, and the /api 404 on NoRoute when
// noRoute is true (the server composes it with the admin's).
func (a *API) Register(r *gin.Engine) {
	g := r.Group("/api", a.headers, a.gzip, a.identify, a.cached)
	g.OPTIONS("/*path", func(c *gin.Context) { a.json(c, http.StatusOK, map[string]any{}) })
	g.GET("/access", a.access)
	g.GET(lockedDocumentsPath, a.handle(a.lockedDocuments))
	if a.openapi != nil {
		g.GET("/openapi.json", a.handle(a.openAPI))
	}
	if a.types != nil {
		g.GET("/payload-types.ts", a.handle(a.payloadTypes))
	}
	if a.accounts != nil {
		a.registerAccounts(g)
	}
	if a.uploads != nil {
		a.registerUploads(g)
	}
	for _, c := range a.content.Registry().All() {
		a.registerCollection(g, c)
	}
	for _, gl := range a.content.Registry().Globals() {
		a.registerGlobal(g, gl)
	}
}

// NotFound answers an unknown /api route as Payload does (no errors array).
func (a *API) NotFound(c *gin.Context) {
	a.headers(c)
	a.json(c, http.StatusNotFound, map[string]string{"message": "Route not found \"" + c.Request.URL.Path + "\""})
}

// json writes v with Payload's content type (no charset).
func (a *API) json(c *gin.Context, status int, v any) {
	bp, _ := a.bufPool.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, 0, 16<<10)
		bp = &b
	}
	b, err := appendJSON((*bp)[:0], v)
	if err != nil {
		a.log.Error("encode response", "err", err)
		status, b = http.StatusInternalServerError, append(b[:0], `{"errors":[{"message":"Something went wrong."}]}`...)
	}
	c.Data(status, "application/json", b)
	if cap(b) <= 1<<20 { // do not keep huge buffers around
		*bp = b
		a.bufPool.Put(bp)
	}
}

// caller returns the request's caller set by identify.
func caller(c *gin.Context) Caller {
	v, _ := c.Get(callerKey)
	cl, _ := v.(Caller)
	return cl
}

const callerKey = "chronos.caller"
