// Package browsertest drives the admin UI in a real headless Chromium
// (Debian's chromium via chromedp) against a complete CMS on SQLite
// (TestAddedCollection also on PostgreSQL).
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/server"
	"github.com/automatonic/chronos/app/internal/testenv"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// cms is a running CMS on an httptest server.
type cms struct {
	URL string
	App *server.App
}

// startCMS builds the whole server (API + admin) on a fresh SQLite file.
func startCMS(t *testing.T, extra map[string]string) *cms {
	t.Helper()
	return startCMSModel(t, extra, nil)
}

// startCMSModel is startCMS for a given content model (nil: the shipped
// collections) and build options.
func startCMSModel(t *testing.T, extra map[string]string, model *server.Model, opts ...server.Option) *cms {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{
		contract.CMSDataDir:    dir,
		contract.PayloadSecret: "browser-test-secret-0123456789abcdef",
		contract.CMSEnv:        config.Development,
	}
	for k, v := range extra {
		env[k] = v
	}
	cfg, err := config.Load(env)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("ADMIN_TEST_LOG") != "" {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	var app *server.App
	if model == nil {
		app, err = server.Build(context.Background(), cfg, logger, opts...)
	} else {
		app, err = server.BuildModel(context.Background(), cfg, logger, *model, opts...)
	}
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	t.Cleanup(app.Close)
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	return &cms{URL: srv.URL, App: app}
}

// browser is a headless Chromium tab that records every request and fails
// the test on requests off the CMS origin, 5xx answers, JavaScript
// exceptions, console errors and CSP violations.
type browser struct {
	ctx    context.Context
	origin string
	mu     sync.Mutex
	// also are further origins a test lets the page reach (the live
	// preview's front end); see allow.
	also []string
	reqs []string
	bad  []string
}

type void = chromedp.Void
type step = chromedp.Action[void]

func newBrowser(t *testing.T, origin string, width, height int) *browser {
	t.Helper()
	path := testenv.Chromium(t)
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.WindowSize(width, height), chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("hide-scrollbars", true)} // full-page screenshots otherwise lose a scrollbar's width
	for _, f := range testenv.ChromiumFlags() {
		name, val, hasVal := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if hasVal {
			opts = append(opts, chromedp.Flag(name, val))
		} else {
			opts = append(opts, chromedp.Flag(name, true))
		}
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	b := &browser{ctx: ctx, origin: origin}
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			u := e.Request.URL
			b.reqs = append(b.reqs, u)
			if !b.allowed(u) && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				b.bad = append(b.bad, "request off the CMS origin: "+u)
			}
		case *network.EventResponseReceived:
			if e.Response.Status >= 500 {
				b.bad = append(b.bad, fmt.Sprintf("HTTP %d from %s", e.Response.Status, e.Response.URL))
			}
		case *runtime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			b.bad = append(b.bad, "JavaScript exception: "+msg)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range e.Args {
					if a.Description != "" {
						args = append(args, a.Description)
					} else {
						args = append(args, string(a.Value))
					}
				}
				b.bad = append(b.bad, "console."+string(e.Type)+": "+strings.Join(args, " "))
			}
		case *log.EventEntryAdded:
			if strings.Contains(e.Entry.Text, "Content Security Policy") {
				b.bad = append(b.bad, "CSP violation: "+e.Entry.Text)
			}
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	return b
}

// allowed reports whether u is on the CMS origin or one the test allowed
// (b.mu held).
func (b *browser) allowed(u string) bool {
	for _, o := range append([]string{b.origin}, b.also...) {
		if u == o || strings.HasPrefix(u, o+"/") {
			return true
		}
	}
	return false
}

// allow lets the page make requests to origin too (scheme://host:port).
func (b *browser) allow(origin string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.also = append(b.also, origin)
}

// stepTimeout bounds each step so a missing element fails with its name
// instead of hanging the suite. It is a hang guard, not a speed check: a
// sign-in (argon2) on a 2-core machine at load 45 took over 20 s and failed
// TestSessionRefreshAndWarning with the dashboard already rendered, so it
// is generous.
const stepTimeout = 90 * time.Second

// run performs steps; a failure names the step.
func (b *browser) run(t *testing.T, name string, steps ...step) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v%s", name, err, b.where())
	}
	b.check(t, name)
}

// where describes the current page, for failure messages.
func (b *browser) where() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	txt, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 600) : ""`))
	return "\n  at " + loc + "\n  page text: " + strings.ReplaceAll(txt, "\n", " ⏎ ")
}

// get runs an action that returns a value.
func get[T any](t *testing.T, b *browser, name string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// check fails on recorded problems and on an error flash in the page.
func (b *browser) check(t *testing.T, name string) {
	t.Helper()
	b.mu.Lock()
	bad := append([]string(nil), b.bad...)
	b.mu.Unlock()
	if len(bad) > 0 {
		t.Fatalf("%s: %s", name, strings.Join(bad, "\n"))
	}
	flash := get(t, b, name+": read flash", chromedp.Evaluate[string](`(function(){var e=document.querySelector('[data-flash="error"]');return e?e.textContent.trim():""})()`))
	if flash != "" {
		t.Fatalf("%s: error shown: %s", name, flash)
	}
}

// expectError runs steps that must end on a page showing an error flash
// or inline field error containing want.
func (b *browser) expectError(t *testing.T, name, want string, steps ...step) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	steps = append(steps, visible(`[data-flash="error"], .field-error`))
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	text := get(t, b, name, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('[data-flash="error"], .field-error')).map(e=>e.textContent.trim()).join(" | ")`))
	if !strings.Contains(text, want) {
		t.Fatalf("%s: error %q does not mention %q", name, text, want)
	}
}

func visible(sel string) step     { return chromedp.WaitVisible(chromedp.CSS(sel)) }
func click(sel string) step       { return chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible) }
func keys(sel, v string) step     { return chromedp.SendKeys(chromedp.CSS(sel), v) }
func setValue(sel, v string) step { return chromedp.SetValue(chromedp.CSS(sel), v) }

// clear empties an input (SetValue refuses the empty string).
func clear(sel string) step {
	return eval(`document.querySelector(` + strconv.Quote(sel) + `).value = ""`)
}

func eval(js string) step                      { return chromedp.Evaluate[void](js) }
func value(sel string) chromedp.Action[string] { return chromedp.Value(chromedp.CSS(sel)) }
func text(sel string) chromedp.Action[string]  { return chromedp.TextContent(chromedp.CSS(sel)) }

// submit clicks sel and waits until a new document has loaded.
func submit(sel string) step {
	return chromedp.Steps(
		eval(`document.body.setAttribute("data-stale","1")`),
		click(sel),
		chromedp.WaitReady(chromedp.CSS(`body:not([data-stale])`)),
	)
}

// anonGet fetches url without the browser's cookies, for "see it via the API".
func anonGet(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func decodeJSON(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
