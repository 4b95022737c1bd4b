package httpapi

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// Headers every API response carries, as Payload sends them.
const (
	allowMethods = "PUT, PATCH, POST, GET, DELETE, OPTIONS"
	allowHeaders = "Origin, X-Requested-With, Content-Type, Accept, Authorization, Content-Encoding, x-apollo-tracing, X-Payload-HTTP-Method-Override"
)

// headers sets Payload's API headers and CORS for allowed origins.
func (a *API) headers(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Access-Control-Allow-Methods", allowMethods)
	h.Set("Access-Control-Allow-Headers", allowHeaders)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Origin")
	if o := c.GetHeader("Origin"); o != "" && a.origins[o] {
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Access-Control-Allow-Credentials", "true")
		h.Set("Access-Control-Expose-Headers", "Content-Range, ETag")
	}
}

// sameSite reports whether a cookie-authenticated write comes from a page
// we trust: the CMS itself or an allowed origin. Requests without Origin
// and Sec-Fetch-Site are not from a browser form and keep their cookie.
// `Origin: null` (sandboxed frames, data: and file: pages, cross-origin
// redirects) is an opaque origin: never ours.
func (a *API) sameSite(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		if a.origins[o] || o == a.selfOrigin {
			return true
		}
		if u, err := url.Parse(o); err == nil && u.Host == r.Host {
			return true
		}
		return false
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "same-site", "none":
		return true
	}
	return false
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// identify resolves the caller once per request.
func (a *API) identify(c *gin.Context) {
	if c.Request.Method == http.MethodOptions || a.auth == nil {
		c.Next()
		return
	}
	cl, err := a.auth.Identify(c.Request.Context(), c.Request)
	if err != nil {
		a.fail(c, err)
		c.Abort()
		return
	}
	if cl.ViaCookie && !safeMethod(c.Request.Method) && !a.sameSite(c.Request) {
		// A cross-site form cannot act with the user's cookie.
		cl = Caller{}
	}
	c.Set(callerKey, cl)
	c.Next()
}

// gzip compresses responses when the client asks (Payload behind next start
// does not; this is one of our improvements).
func (a *API) gzip(c *gin.Context) {
	if !strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") || c.Request.Method == http.MethodHead ||
		strings.HasPrefix(c.Request.URL.Path, "/api/"+a.uploadSlug()+"/file/") {
		c.Next()
		return
	}
	gz, _ := a.gzipPool.Get().(*gzip.Writer)
	if gz == nil {
		gz, _ = gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	}
	gz.Reset(c.Writer)
	c.Header("Content-Encoding", "gzip")
	// Added beside Vary: Origin (set by headers), not replacing it: a
	// cache must key on both.
	c.Writer.Header().Add("Vary", "Accept-Encoding")
	c.Writer = &gzipWriter{ResponseWriter: c.Writer, gz: gz}
	defer func() {
		c.Header("Content-Length", "")
		_ = gz.Close()
		a.gzipPool.Put(gz)
	}()
	c.Next()
}

type gzipWriter struct {
	gin.ResponseWriter
	gz *gzip.Writer
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	w.Header().Del("Content-Length")
	return w.gz.Write(b)
}

func (w *gzipWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// MaxOverrideBytes caps the body of a method-override request: a query
// string within the where caps (query.MaxConditions × query.MaxValues)
// fits; more only costs memory before the parser refuses it.
const MaxOverrideBytes = 128 << 10

// overrideJSONKey marks a request that MethodOverride turned into a GET
// with its JSON body kept for the handler (see overrideBody).
type overrideJSONKey struct{}

// MethodOverride turns `POST` with `X-Payload-HTTP-Method-Override: GET`
// into a GET. A form-encoded body is a query string, for queries too long
// for a URL. A JSON body (Content-Type application/json) stays for the
// handler: the document reads take Payload's live-preview body `{data,
// depth, draft, locale}` from it (see overrideBody); other reads ignore it.
func MethodOverride(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.EqualFold(r.Header.Get("X-Payload-HTTP-Method-Override"), "GET") &&
			requireJSON(r) == nil {
			r2 := r.Clone(context.WithValue(r.Context(), overrideJSONKey{}, true))
			r2.Method = http.MethodGet
			next.ServeHTTP(w, r2)
			return
		}
		if r.Method == http.MethodPost && strings.EqualFold(r.Header.Get("X-Payload-HTTP-Method-Override"), "GET") {
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxOverrideBytes))
			if err != nil {
				// In Payload's envelope and content type (http.Error would
				// send text/plain).
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				_, _ = w.Write([]byte(`{"errors":[{"message":"The request body is too large."}]}`))
				return
			}
			r2 := r.Clone(r.Context())
			r2.Method = http.MethodGet
			q := strings.TrimPrefix(string(body), "?")
			if r.URL.RawQuery != "" {
				q = r.URL.RawQuery + "&" + q
			}
			r2.URL.RawQuery = q
			r2.Body = http.NoBody
			r2.ContentLength = 0
			next.ServeHTTP(w, r2)
			return
		}
		next.ServeHTTP(w, r)
	})
}
