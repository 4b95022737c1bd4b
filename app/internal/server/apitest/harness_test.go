package apitest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/server"
	"github.com/automatonic/chronos/app/internal/testenv"
)

// Dialects every suite runs on.
const (
	dialectSQLite   = "sqlite"
	dialectPostgres = "postgres"
)

var allDialects = []string{dialectSQLite, dialectPostgres}

// testSecret signs the tests' JWTs; long enough for production rules too.
const testSecret = "apitest-secret-0123456789abcdef0123456789abcdef"

// forEachDialect runs fn as a subtest per dialect. Each dialect gets its own
// databases, so the subtests may run in parallel with each other.
func forEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	t.Helper()
	for _, d := range allDialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

// env is one running CMS: an App on a fresh database served by httptest.
type env struct {
	t       testing.TB
	dialect string
	app     *server.App
	srv     *httptest.Server
	logs    *logCapture
	// vars are substituted for {{name}} in scenario paths, headers and
	// string bodies (tokens, ids captured by earlier steps).
	mu   sync.Mutex
	vars map[string]string
	// clients by source address: each loopback address is its own client IP
	// for the per-IP login rate limit, so suites do not starve each other.
	clients map[string]*http.Client
	// limiterClock is the login rate limiters' clock (wall time until a
	// test freezes it).
	limiterClock *stoppableClock
}

// stoppableClock follows the wall clock until Freeze holds it still.
type stoppableClock struct {
	mu     sync.Mutex
	frozen time.Time // zero: running
}

func (c *stoppableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen.IsZero() {
		return c.frozen
	}
	return time.Now()
}

// Freeze holds the clock at the current time until the returned function
// is called.
func (c *stoppableClock) Freeze() (thaw func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen = time.Now()
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.frozen = time.Time{}
	}
}

// newEnv builds a CMS on a fresh database of the dialect. extra env vars
// (CMS_CORS_ORIGINS, ...) are added to the configuration.
func newEnv(t testing.TB, dialect string, extra map[string]string) *env {
	t.Helper()
	return newEnvModel(t, dialect, extra, nil)
}

// newEnvModel is newEnv for a content model beyond app/collections (nil:
// app/collections).
func newEnvModel(t testing.TB, dialect string, extra map[string]string, model *server.Model) *env {
	t.Helper()
	vars := map[string]string{
		contract.CMSDataDir:     t.TempDir(),
		contract.PayloadSecret:  testSecret,
		contract.CMSAutoMigrate: "true",
		contract.CMSLogLevel:    "debug",
	}
	if dialect == dialectPostgres {
		vars[contract.PostgresURL] = testenv.Postgres(t)
	}
	for k, v := range extra {
		vars[k] = v
	}
	cfg, err := config.Load(vars)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	logs := &logCapture{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	clock := &stoppableClock{}
	var app *server.App
	if model != nil {
		app, err = server.BuildModel(ctx, cfg, slog.New(logs), *model, server.WithRateLimitClock(clock.Now))
	} else {
		app, err = server.Build(ctx, cfg, slog.New(logs), server.WithRateLimitClock(clock.Now))
	}
	if err != nil {
		t.Fatalf("build app (%s): %v", dialect, err)
	}
	srv := httptest.NewServer(app.Handler())
	e := &env{t: t, dialect: dialect, app: app, srv: srv, logs: logs, vars: map[string]string{}, clients: map[string]*http.Client{}, limiterClock: clock}
	t.Cleanup(func() {
		srv.Close()
		app.Close()
		if t.Failed() && os.Getenv("APITEST_LOGS") != "" {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return e
}

// set stores a variable for {{name}} substitution.
func (e *env) set(name, value string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.vars[name] = value
}

// get returns a variable (fails the test when unset).
func (e *env) get(name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	v, ok := e.vars[name]
	if !ok {
		e.t.Fatalf("variable {{%s}} is not set", name)
	}
	return v
}

// expand replaces {{name}} placeholders.
func (e *env) expand(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, v := range e.vars {
		s = strings.ReplaceAll(s, "{{"+k+"}}", v)
	}
	return s
}

// client returns an HTTP client whose connections come from the loopback
// address ip ("" = 127.0.0.1). Cookies are never stored: a test sends the
// ones it means to.
func (e *env) client(ip string) *http.Client {
	if ip == "" {
		ip = "127.0.0.1"
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if c, ok := e.clients[ip]; ok {
		return c
	}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	tr := &http.Transport{DialContext: d.DialContext, DisableCompression: true, MaxIdleConnsPerHost: 16}
	c := &http.Client{Transport: tr, Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	e.clients[ip] = c
	e.t.Cleanup(tr.CloseIdleConnections)
	return c
}

// response is a decoded answer.
type response struct {
	Status  int
	Header  http.Header
	Raw     []byte // body, gunzipped when the server compressed it
	Gzipped bool
	JSON    any // nil when the body is not JSON
}

// request is one HTTP request of a test.
type request struct {
	Method  string
	Path    string
	Headers map[string]string
	// Body: nil, string or []byte (sent as is), or a value sent as JSON
	// (Content-Type application/json added unless a header says otherwise).
	Body any
	IP   string // source loopback address; "" = 127.0.0.1
}

// do sends a request and decodes the answer.
func (e *env) do(t testing.TB, r request) *response {
	t.Helper()
	var body io.Reader
	ctype := ""
	switch b := r.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(e.expand(b))
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("encode body: %v", err)
		}
		body = bytes.NewReader(raw)
		ctype = "application/json"
	}
	req, err := http.NewRequest(r.Method, e.srv.URL+e.expand(r.Path), body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range r.Headers {
		if strings.EqualFold(k, "Host") {
			req.Host = e.expand(v)
			continue
		}
		req.Header.Set(k, e.expand(v))
	}
	res, err := e.client(r.IP).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	out := &response{Status: res.StatusCode, Header: res.Header, Raw: raw}
	if res.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		if out.Raw, err = io.ReadAll(zr); err != nil {
			t.Fatalf("gunzip body: %v", err)
		}
		out.Gzipped = true
	}
	if len(bytes.TrimSpace(out.Raw)) > 0 {
		var v any
		if json.Unmarshal(out.Raw, &v) == nil {
			out.JSON = v
		}
	}
	return out
}

// obj returns the body as an object (fails when it is not one).
func (r *response) obj(t testing.TB) map[string]any {
	t.Helper()
	m, ok := r.JSON.(map[string]any)
	if !ok {
		t.Fatalf("body is not a JSON object: %s", truncate(string(r.Raw), 400))
	}
	return m
}

// str reads a string at a dotted path of the body.
func (r *response) str(t testing.TB, path string) string {
	t.Helper()
	v := dig(r.JSON, path)
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprint(int64(x))
	}
	t.Fatalf("no string/number at %q in %s", path, truncate(string(r.Raw), 400))
	return ""
}

// dig follows a dotted path (object keys and array indexes).
func dig(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			if _, err := fmt.Sscan(p, &i); err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// login signs in through the auth service (no HTTP, so no rate-limit
// budget is used) and returns a JWT.
func (e *env) login(t testing.TB, email, password string) string {
	t.Helper()
	res, err := e.app.Auth().Login(context.Background(), email, password)
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return res.Token
}

// createUser creates a user through the auth service.
func (e *env) createUser(t testing.TB, email, password, name string, roles ...string) int64 {
	t.Helper()
	res, err := e.app.Auth().CreateUserAsSystem(context.Background(), auth.Registration{Email: email, Password: password, Name: name, Roles: roles})
	if err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return auth.UserOf(res.Doc).ID
}

// logCapture is a slog.Handler that keeps every record, so tests can read
// what the CMS logged (the development password-reset link).
type logCapture struct {
	mu    sync.Mutex
	lines []string
	attrs []slog.Attr
}

func (l *logCapture) Enabled(context.Context, slog.Level) bool { return true }

func (l *logCapture) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	for _, a := range l.attrs {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	l.mu.Lock()
	l.lines = append(l.lines, b.String())
	l.mu.Unlock()
	return nil
}

func (l *logCapture) WithAttrs(as []slog.Attr) slog.Handler {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Records share the line store; attributes are few, copy them.
	return &logView{root: l, attrs: append(append([]slog.Attr{}, l.attrs...), as...)}
}

func (l *logCapture) WithGroup(string) slog.Handler { return l }

// String returns everything logged so far.
func (l *logCapture) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// find returns the last logged line containing every needle.
func (l *logCapture) find(needles ...string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.lines) - 1; i >= 0; i-- {
		ok := true
		for _, n := range needles {
			if !strings.Contains(l.lines[i], n) {
				ok = false
				break
			}
		}
		if ok {
			return l.lines[i]
		}
	}
	return ""
}

// logView is a logCapture with extra attributes.
type logView struct {
	root  *logCapture
	attrs []slog.Attr
}

func (v *logView) Enabled(context.Context, slog.Level) bool { return true }

func (v *logView) Handle(ctx context.Context, r slog.Record) error {
	r2 := r.Clone()
	r2.AddAttrs(v.attrs...)
	return v.root.Handle(ctx, r2)
}

func (v *logView) WithAttrs(as []slog.Attr) slog.Handler {
	return &logView{root: v.root, attrs: append(append([]slog.Attr{}, v.attrs...), as...)}
}

func (v *logView) WithGroup(string) slog.Handler { return v }
