package faulttest

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/automatonic/chronos/app/collections"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/server"
	"github.com/automatonic/chronos/app/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// cms is a CMS served in-process on a loopback port.
type cms struct {
	app    *server.App
	addr   string // host:port
	base   string // http://host:port
	cancel context.CancelFunc
	done   chan struct{} // closed when ServeListener returned
	err    error         // ServeListener's result, once done is closed
	closed *closeLog     // connections the server closed
}

// closeLog records the remote address of every connection the server
// closed. net/http closes a connection from the goroutine that served it,
// after its handler returned: a connection recorded here left no handler
// behind.
type closeLog struct {
	mu     sync.Mutex
	remote map[string]bool
}

func (l *closeLog) has(remote string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.remote[remote]
}

// loggingListener hands out connections whose Close is recorded in log
// before the socket closes, so a client that saw the server end the
// connection finds it there.
type loggingListener struct {
	net.Listener
	log *closeLog
}

func (l loggingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &loggedConn{Conn: c, log: l.log}, nil
}

type loggedConn struct {
	net.Conn
	log *closeLog
}

func (c *loggedConn) Close() error {
	c.log.mu.Lock()
	c.log.remote[c.RemoteAddr().String()] = true
	c.log.mu.Unlock()
	return c.Conn.Close()
}

// startCMS builds the CMS against dbURL (migrating it) with env overrides
// and serves it on 127.0.0.1:0 until the test ends (or stop is called).
func startCMS(t *testing.T, dbURL string, env map[string]string) *cms {
	t.Helper()
	vars := map[string]string{
		contract.PostgresURL:    dbURL,
		contract.PayloadSecret:  strings.Repeat("fault-test-secret-", 3),
		contract.CMSAutoMigrate: "true",
		contract.CMSDataDir:     t.TempDir(),
		contract.CMSLogLevel:    "error",
		// These tests exercise the database path under failure and load;
		// the response cache would answer their repeated anonymous GETs
		// from memory instead.
		contract.CMSCacheBytes: "0",
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := config.Load(vars)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	app, err := server.Build(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		cancel()
		t.Fatalf("build: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		cancel()
		app.Close()
		t.Fatalf("listen: %v", err)
	}
	c := &cms{app: app, addr: ln.Addr().String(), base: "http://" + ln.Addr().String(), cancel: cancel, done: make(chan struct{}),
		closed: &closeLog{remote: map[string]bool{}}}
	go func() {
		c.err = app.ServeListener(ctx, loggingListener{Listener: ln, log: c.closed}, nil)
		close(c.done)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-c.done:
		case <-time.After(25 * time.Second):
			t.Errorf("ServeListener did not return 25 s after its context was cancelled")
		}
		app.Close()
	})
	return c
}

// testPostgres is a fresh database on the shared throwaway cluster.
func testPostgres(t *testing.T) string { return testenv.Postgres(t) }

// admin is the actor seeding uses; pages only need a signed-in actor.
var admin = &content.Actor{ID: 1, Email: "fault@example.com", Roles: []string{content.RoleAdmin}}

// seedPages creates n published pages whose rich text body has paras
// paragraphs (each ~200 bytes), so list responses have a known size.
func seedPages(t *testing.T, app *server.App, n, paras int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		var kids []any
		for p := range paras {
			kids = append(kids, map[string]any{"type": "paragraph", "version": json.Number("1"), "children": []any{
				map[string]any{"type": "text", "version": json.Number("1"), "text": fmt.Sprintf("Page %d paragraph %d. %s", i, p, strings.Repeat("lorem ipsum dolor ", 10))},
			}})
		}
		in := map[string]any{
			"title": fmt.Sprintf("Fault page %d", i), "slug": fmt.Sprintf("fault-page-%d", i), "_status": content.StatusPublished,
			"content": map[string]any{"root": map[string]any{"type": "root", "version": json.Number("1"), "children": kids}},
		}
		if _, err := app.Content().Create(ctx, admin, collections.PagesSlug, in, content.WriteOptions{}); err != nil {
			t.Fatalf("seed page %d: %v", i, err)
		}
	}
}

// noKeepAlive is a client whose connections close after each request, so
// they leave no server goroutines behind.
func noKeepAlive(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{DisableKeepAlives: true}}
}

// get returns the status of GET u and the time it took; status 0 means a
// transport error (err says which).
func get(client *http.Client, u string) (status int, took time.Duration, err error) {
	t0 := time.Now()
	resp, err := client.Get(u)
	if err != nil {
		return 0, time.Since(t0), err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(t0), err
}

// eventually polls cond every 20 ms until it holds or limit passes. It is for
// conditions with no event to wait on (goroutines exiting, a restarted
// server accepting connections), never to order the test's own steps.
func eventually(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}
