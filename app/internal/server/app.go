package server

import (
	"context"
	"errors"
	"fmt"
	"github.com/automatonic/chronos/app/collections"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/admin"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/httpapi"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/objectstore"
	"github.com/automatonic/chronos/app/internal/store"
	"github.com/automatonic/chronos/app/internal/webhook"
	"github.com/gin-gonic/gin"
)

// ErrSchemaOutdated means the database needs `cms migrate` first.
var ErrSchemaOutdated = errors.New("database schema is not current")

// Admin is the admin UI as the server sees it.
type Admin interface {
	Register(r *gin.Engine)
}

// App is a composed CMS: its dependencies, services and handlers.
type App struct {
	cfg     *config.Config
	log     *slog.Logger
	db      *store.DB
	content *content.Service
	auth    *auth.Service
	api     *httpapi.API
	admin   Admin
	checks  map[string]func(context.Context) error
	media   *media.Service
	objects objectstore.Store
	closers []func() error
}

// Build opens the database (migrating it when allowed), the object store,
// and wires the services and handlers for the content model of
// app/collections.
func Build(ctx context.Context, cfg *config.Config, log *slog.Logger, opts ...Option) (*App, error) {
	reg, err := collections.Registry(0)
	if err != nil {
		return nil, err
	}
	return BuildModel(ctx, cfg, log, Model{Registry: reg}, opts...)
}

// Model is a content model with the migrations beyond the embedded ones
// that its extra definitions need (tests add collections this way).
type Model struct {
	Registry        *content.Registry
	ExtraMigrations fs.FS
}

// BuildModel is Build for a given content model.
func BuildModel(ctx context.Context, cfg *config.Config, log *slog.Logger, m Model, opts ...Option) (*App, error) {
	var o buildOptions
	for _, opt := range opts {
		opt(&o)
	}
	reg := m.Registry
	a := &App{cfg: cfg, log: log, checks: map[string]func(context.Context) error{}}
	// CMS_DB_MAX_CONNS bounds every connection this process opens: on
	// PostgreSQL one of them is kept for readiness checks (below).
	poolSize := cfg.DBMaxConns
	separateHealth := !cfg.UsesSQLite() && poolSize >= 2
	if separateHealth {
		poolSize--
	}
	db, err := store.Open(ctx, store.Options{PostgresURL: cfg.PostgresURL, SQLitePath: cfg.SQLitePath, MaxConns: poolSize, Logger: log, ExtraMigrations: m.ExtraMigrations})
	if err != nil {
		return nil, err
	}
	a.db = db
	a.closers = append(a.closers, db.Close)
	if err := a.ensureSchema(ctx, reg); err != nil {
		a.Close()
		return nil, err
	}
	var cache *httpapi.ResponseCache
	hooks := content.Hooks{RichTextHTML: richTextHTML}
	if cfg.CacheBytes > 0 {
		cache = httpapi.NewResponseCache(cfg.CacheBytes, db.Generation)
		hooks.AfterWrite = func(*content.Collection) { cache.Invalidate() }
	}
	if err := a.buildServices(ctx, reg, hooks, o); err != nil {
		a.Close()
		return nil, err
	}
	a.buildUIs(reg, cache, o)
	if err := a.addReadiness(ctx, m, separateHealth); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// events returns the webhook dispatcher of the configured URLs (nil
// without any), closed with the app.
func (a *App) events() content.Events {
	if len(a.cfg.WebhookURLs) == 0 {
		return nil
	}
	d := webhook.New(webhook.Options{URLs: a.cfg.WebhookURLs, Secret: []byte(a.cfg.WebhookSecret), Logger: a.log})
	a.closers = append(a.closers, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		d.Close(ctx)
		return nil
	})
	return d
}

// buildServices builds the domain services: content, media (registered on
// the upload collection) and auth (its KeepAnAdmin guards the auth
// collection).
func (a *App) buildServices(ctx context.Context, reg *content.Registry, hooks content.Hooks, o buildOptions) error {
	cfg := a.cfg
	a.content = content.NewService(reg, a.db.Content(), hooks, a.events(), a.log)
	if err := a.buildMedia(ctx); err != nil {
		return err
	}
	if up, ok := reg.UploadCollection(); ok {
		if err := a.content.Use(up.Slug, a.media.Behavior()); err != nil {
			return err
		}
	}
	if users, ok := reg.AuthCollection(); ok {
		if err := a.content.Use(users.Slug, content.Behavior{Guard: auth.KeepAnAdmin}); err != nil {
			return err
		}
	}
	authSvc, err := auth.NewService(auth.Config{
		Secret: []byte(cfg.Secret), TokenTTL: cfg.TokenTTL, MaxLoginAttempts: cfg.LoginMaxAttempts,
		LockoutDuration: cfg.LockoutDuration, PasswordMinLength: cfg.PasswordMinLength,
		Production: cfg.Production(), PublicURL: cfg.PublicURL,
	}, auth.Deps{Store: a.db.Auth(authCollection(reg)), Accounts: a.content, Users: authCollection(reg), Mailer: newMailer(cfg), Logger: a.log, Now: o.clock})
	if err != nil {
		return err
	}
	a.auth = authSvc
	return nil
}

// buildUIs builds the REST API and the admin on the services.
func (a *App) buildUIs(reg *content.Registry, cache *httpapi.ResponseCache, o buildOptions) {
	cfg, log := a.cfg, a.log
	a.api = httpapi.New(httpapi.Options{
		Content: a.content, Logger: log, PublicURL: cfg.PublicURL, CORSOrigins: cfg.CORSOrigins, Uploads: a.media,
		Authenticator: httpapi.Identifier{Auth: a.auth},
		OpenAPI:       openAPIOnce(reg, cfg.PublicURL),
		PayloadTypes:  typesOnce(reg),
		Cache:         cache,
		Accounts: &httpapi.Accounts{
			Auth: a.auth, Limiter: o.loginLimiter(),
			SecureCookie: strings.HasPrefix(cfg.PublicURL, "https://"),
		},
	})
	a.admin = admin.New(admin.Options{
		Content: a.content, Auth: a.auth, Media: a.media, Logger: log, Secret: []byte(cfg.Secret),
		SecureCookie: strings.HasPrefix(cfg.PublicURL, "https://"), PreviewURL: cfg.PreviewURL,
		MediaOrigin: cfg.S3.PublicURL, Limiter: o.loginLimiter(), Now: o.clock,
		UploadOrigin: admin.UploadOrigin(cfg.S3.Bucket, cfg.S3.Region, cfg.S3.Endpoint, cfg.S3.ForcePathStyle),
	})
}

// addReadiness adds the database and schema checks. Readiness has its own
// connection on PostgreSQL (separate): with the request pool saturated, a
// busy but healthy instance must not report itself unready.
func (a *App) addReadiness(ctx context.Context, m Model, separate bool) error {
	health := a.db
	if separate {
		var err error
		if health, err = store.Open(ctx, store.Options{PostgresURL: a.cfg.PostgresURL, MaxConns: 1, Logger: a.log, ExtraMigrations: m.ExtraMigrations}); err != nil {
			return err
		}
		a.closers = append(a.closers, health.Close)
	}
	a.checks["database"] = health.Ping
	a.checks["schema"] = func(ctx context.Context) error {
		st, err := health.Status(ctx)
		if err != nil {
			return err
		}
		if !st.UpToDate() {
			return fmt.Errorf("%w: pending %s", ErrSchemaOutdated, strings.Join(st.Pending, ", "))
		}
		return nil
	}
	return nil
}

func (a *App) ensureSchema(ctx context.Context, reg *content.Registry) error {
	if err := a.migrateIfAllowed(ctx); err != nil {
		return err
	}
	want, err := store.Derive(reg)
	if err != nil {
		return err
	}
	diffs, err := a.db.Verify(ctx, want)
	if err != nil {
		return err
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: the database does not match the definitions in app/collections: %s; run `cms migrate create NAME` and `cms migrate`",
			ErrSchemaMismatch, strings.Join(diffs, "; "))
	}
	return nil
}

// ErrSchemaMismatch means the database lacks tables, columns or indexes the
// content definitions need.
var ErrSchemaMismatch = errors.New("database schema does not match the content definitions")

func (a *App) migrateIfAllowed(ctx context.Context) error {
	st, err := a.db.Status(ctx)
	if err != nil {
		return err
	}
	if st.UpToDate() {
		return nil
	}
	if !a.cfg.AutoMigrate {
		return fmt.Errorf("%w: at version %d, this binary needs %d (pending: %s); run `cms migrate` first, or start with CMS_AUTO_MIGRATE=true",
			ErrSchemaOutdated, st.Current, st.Latest, strings.Join(st.Pending, ", "))
	}
	done, err := a.db.Migrate(ctx)
	if err != nil {
		return err
	}
	a.log.Info("migrated database", "applied", strings.Join(done, ", "))
	return nil
}

// Ready runs the readiness checks; a nil entry means healthy.
func (a *App) Ready(ctx context.Context) map[string]error {
	out := make(map[string]error, len(a.checks))
	for name, check := range a.checks {
		out[name] = check(ctx)
	}
	return out
}

// Content returns the content service (for the CLI and tests).
func (a *App) Content() *content.Service { return a.content }

// Auth returns the auth service (for the CLI and tests).
func (a *App) Auth() *auth.Service { return a.auth }

// DB returns the database (for the CLI and tests).
func (a *App) DB() *store.DB { return a.db }

// Close releases the App's resources.
func (a *App) Close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil {
			a.log.Warn("close", "err", err)
		}
	}
}

// apiMethodOverride applies Payload's method override to /api requests.
func apiMethodOverride(next http.Handler) http.Handler {
	mo := httpapi.MethodOverride(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			mo.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// authCollection returns the auth collection of reg (an empty definition
// when the model has none: the auth store then fails on use).
func authCollection(reg *content.Registry) *content.Collection {
	if c, ok := reg.AuthCollection(); ok {
		return c
	}
	return &content.Collection{}
}
