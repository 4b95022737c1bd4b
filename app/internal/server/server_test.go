package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/store"
	"github.com/automatonic/chronos/app/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func newApp(t testing.TB, env map[string]string, opts ...Option) *App {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	if env[contract.CMSDataDir] == "" {
		env[contract.CMSDataDir] = t.TempDir()
	}
	if env[contract.PayloadSecret] == "" {
		env[contract.PayloadSecret] = strings.Repeat("s", 32)
	}
	cfg, err := config.Load(env)
	if err != nil {
		t.Fatal(err)
	}
	app, err := Build(context.Background(), cfg, slog.New(slog.DiscardHandler), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	return app
}

func TestHealthAndReadiness(t *testing.T) {
	srv := httptest.NewServer(newApp(t, nil).Handler())
	defer srv.Close()
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
}

func TestBuildRefusesOutdatedSchemaWithoutAutoMigrate(t *testing.T) {
	url := testenv.Postgres(t)
	cfg, err := config.Load(map[string]string{contract.PostgresURL: url, contract.CMSDataDir: t.TempDir(), contract.PayloadSecret: strings.Repeat("s", 32)})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.AutoMigrate {
		t.Fatal("auto-migrate must default to off for PostgreSQL")
	}
	_, err = Build(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if !errors.Is(err, ErrSchemaOutdated) || !strings.Contains(err.Error(), "cms migrate") {
		t.Fatalf("got %v, want ErrSchemaOutdated naming `cms migrate`", err)
	}
	db, err := store.Open(context.Background(), store.Options{PostgresURL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	app, err := Build(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("after migrate: %v", err)
	}
	app.Close()
}

// TestRateLimitIgnoresSpoofedForwardedFor: without trusted proxies, a client
// cannot escape the login rate limit by inventing X-Forwarded-For values.
func TestRateLimitIgnoresSpoofedForwardedFor(t *testing.T) {
	// The limiter's clock stands still: however long the 12 logins take,
	// no token is refilled, so a 429 must come unless the spoofed header
	// gave each request a bucket of its own.
	frozen := time.Now()
	h := newApp(t, nil, WithRateLimitClock(func() time.Time { return frozen })).Handler()
	limited := 0
	for i := 0; i < 12; i++ {
		req := httptest.NewRequest(http.MethodPost, "/api/users/login", strings.NewReader(`{"email":"nobody@example.com","password":"wrong-password"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i))
		req.RemoteAddr = "192.0.2.1:4000"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusTooManyRequests {
			limited++
			if rec.Header().Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		}
	}
	if limited == 0 {
		t.Fatal("spoofed X-Forwarded-For bypassed the login rate limit")
	}
}

// BenchmarkLoginHTTP measures POST /api/users/login through the whole
// handler stack (argon2id verify, session insert, JWT) on SQLite. Each
// request has its own client address so the per-IP limit does not interfere.
func BenchmarkLoginHTTP(b *testing.B) {
	app := newApp(b, nil)
	if _, err := app.Auth().CreateUserAsSystem(context.Background(), auth.Registration{Email: "bench@example.com", Password: "bench-password-123", Roles: []string{content.RoleAdmin}}); err != nil {
		b.Fatal(err)
	}
	h := app.Handler()
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			req := httptest.NewRequest(http.MethodPost, "/api/users/login", strings.NewReader(`{"email":"bench@example.com","password":"bench-password-123"}`))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1", i>>16&255, i>>8&255, i&255)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("login: %d %s", rec.Code, rec.Body.String())
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
}

// TestBuildRefusesASchemaThatMissesDefinitions: a collection defined without
// its migration stops serve, naming what the database lacks.
func TestBuildRefusesASchemaThatMissesDefinitions(t *testing.T) {
	cfg, err := config.Load(map[string]string{contract.CMSDataDir: t.TempDir(), contract.PayloadSecret: strings.Repeat("s", 32), contract.CMSAutoMigrate: "true"})
	if err != nil {
		t.Fatal(err)
	}
	extra := &content.Collection{Slug: "notes", Singular: "Note", Plural: "Notes",
		Access: content.Access{Read: content.Anyone, Create: content.Anyone, Update: content.Anyone, Delete: content.Anyone},
		Fields: []content.Field{{Name: "title", Type: content.Text, Index: true}}}
	reg, err := content.NewRegistry(0, append(collections.All(), extra)...)
	if err != nil {
		t.Fatal(err)
	}
	_, err = BuildModel(context.Background(), cfg, slog.New(slog.DiscardHandler), Model{Registry: reg})
	if !errors.Is(err, ErrSchemaMismatch) || !strings.Contains(err.Error(), "table notes (notes) is missing") {
		t.Fatalf("got %v, want ErrSchemaMismatch naming the notes table", err)
	}
}
