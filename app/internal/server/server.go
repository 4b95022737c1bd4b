// Package server composes the CMS from its parts — config, store, services,
// the REST API and the admin UI — and runs the HTTP server with health
// checks, bounded timeouts and graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/config"
	"github.com/gin-gonic/gin"
)

// Timeouts of the HTTP server. Slow clients are cut by these, not by
// goroutines waiting forever.
const (
	readHeaderTimeout = 5 * time.Second
	idleTimeout       = 90 * time.Second
	requestTimeout    = 30 * time.Second
	// uploadTimeout bounds a whole upload request: with the per-read idle
	// timeout (httpapi) it sets the minimum average rate of an upload of
	// the largest allowed size (1 GiB in 30 minutes ≈ 0.6 MB/s).
	uploadTimeout   = 30 * time.Minute
	bodyReadTimeout = 60 * time.Second
	// jsonBodyReadTimeout bounds reading any other body (JSON, forms):
	// those are small, and a client trickling one must not hold a goroutine
	// and a connection for a minute.
	jsonBodyReadTimeout = 20 * time.Second
	// writeTimeout and fileWriteTimeout bound writing a response.
	writeTimeout     = 60 * time.Second
	fileWriteTimeout = 30 * time.Minute
	shutdownTimeout  = 20 * time.Second
	maxHeaderBytes   = 64 << 10
)

// Handler builds the CMS's HTTP handler around an App.
func (a *App) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.HandleMethodNotAllowed = false
	// The client IP (rate limits, logs) comes from X-Forwarded-For only when
	// the peer is a configured proxy; otherwise anyone could pick their IP.
	if err := r.SetTrustedProxies(a.cfg.TrustedProxies); err != nil {
		a.log.Error("trusted proxies", "err", err)
	}
	r.Use(a.recoverer, a.requestLog, a.deadlines)
	r.GET("/healthz", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", []byte(`{"status":"ok"}`)) })
	r.GET("/readyz", a.readyz)
	a.api.Register(r)
	if a.admin != nil {
		a.admin.Register(r)
	}
	r.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/api/") || c.Request.URL.Path == "/api" {
			a.api.NotFound(c)
			return
		}
		if c.Request.URL.Path == "/" {
			c.Redirect(http.StatusFound, "/admin")
			return
		}
		c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte("404 page not found\n"))
	})
	return a.readDeadline(securityHeaders(apiMethodOverride(r)))
}

// securityHeaders sets headers every response should carry.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func (a *App) recoverer(c *gin.Context) {
	defer func() {
		if rec := recover(); rec != nil {
			if rec == http.ErrAbortHandler {
				panic(rec)
			}
			a.log.Error("panic", "method", c.Request.Method, "path", c.Request.URL.Path, "panic", fmt.Sprint(rec))
			if !c.Writer.Written() {
				c.Data(http.StatusInternalServerError, "application/json", []byte(`{"errors":[{"message":"Something went wrong."}]}`))
			}
			c.Abort()
		}
	}()
	c.Next()
}

func (a *App) requestLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	status := c.Writer.Status()
	lvl := slog.LevelDebug
	if status >= 500 {
		lvl = slog.LevelWarn
	}
	a.log.LogAttrs(c.Request.Context(), lvl, "request",
		slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path),
		slog.Int("status", status), slog.Duration("took", time.Since(start)))
}

// readDeadline bounds reading the request body and writing the response.
// It wraps everything because
// the method override reads the body before gin runs; uploads get
// bodyReadTimeout (and extend theirs as bytes arrive), everything else
// jsonBodyReadTimeout.
func (a *App) readDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := jsonBodyReadTimeout
		if a.isUpload(r) {
			d = bodyReadTimeout
		}
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Now().Add(d))
		// A client that stops reading must not hold its goroutine for
		// ever: responses get writeTimeout, file downloads fileWriteTimeout
		// (1 GiB at ~0.6 MB/s).
		wd := writeTimeout
		if strings.HasPrefix(r.URL.Path, "/api/media/file/") {
			wd = fileWriteTimeout
		}
		_ = rc.SetWriteDeadline(time.Now().Add(wd))
		next.ServeHTTP(w, r)
	})
}

// deadlines bounds each request's work with a context timeout (the body's
// read deadline is set by readDeadline).
func (a *App) deadlines(c *gin.Context) {
	d := requestTimeout
	if a.isUpload(c.Request) {
		d = uploadTimeout
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), d)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// isUpload reports whether r is a file upload: a multipart POST or PATCH
// to the upload collection's routes (REST or admin). The Content-Type alone
// is the client's claim and would let any request pick the longer limits.
func (a *App) isUpload(r *http.Request) bool {
	if r.Method != http.MethodPost && r.Method != http.MethodPatch {
		return false
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return false
	}
	p := r.URL.Path
	for _, c := range a.content.Registry().All() {
		if !c.Upload {
			continue
		}
		for _, prefix := range []string{"/api/" + c.Slug, "/admin/collections/" + c.Slug} {
			if p == prefix || strings.HasPrefix(p, prefix+"/") {
				return true
			}
		}
	}
	return false
}

func (a *App) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	checks := a.Ready(ctx)
	status := http.StatusOK
	body := map[string]string{}
	for name, err := range checks {
		if err != nil {
			status = http.StatusServiceUnavailable
			body[name] = err.Error()
		} else {
			body[name] = "ok"
		}
	}
	c.JSON(status, body)
}

// Serve listens on the configured address and serves until ctx is done,
// then shuts down gracefully: new connections are refused and in-flight
// requests get shutdownTimeout to finish. ready, if set, is called with the
// bound address once listening.
func (a *App) Serve(ctx context.Context, ready func(addr net.Addr)) error {
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	return a.ServeListener(ctx, ln, ready)
}

// ServeListener is Serve on an existing listener.
func (a *App) ServeListener(ctx context.Context, ln net.Listener, ready func(addr net.Addr)) error {
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelDebug),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	bg, stopBG := context.WithCancel(ctx)
	defer stopBG()
	go a.runScheduler(bg)
	if ready != nil {
		ready(ln.Addr())
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("shutting down", "grace", shutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// NewLogger returns the process logger: JSON in production, text in dev.
func NewLogger(cfg *config.Config, w interface{ Write([]byte) (int, error) }) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.Production() {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// schedulerInterval is how often due scheduled publishes are run.
const schedulerInterval = 5 * time.Second

// runScheduler runs due scheduled jobs until ctx ends. Several CMS
// processes may run it against one database: each job runs once.
func (a *App) runScheduler(ctx context.Context) {
	t := time.NewTicker(schedulerInterval)
	defer t.Stop()
	for {
		if n, err := a.content.RunDue(ctx); err != nil && ctx.Err() == nil {
			a.log.Warn("scheduled jobs", "err", err)
		} else if n > 0 {
			a.log.Info("scheduled jobs ran", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
