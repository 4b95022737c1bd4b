package faulttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/automatonic/chronos/app/internal/content"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/query"
)

// TestGracefulShutdownUnderLoad cancels the serve context — what SIGTERM
// does in `cms serve` — while requests are in flight in both directions:
// large responses to clients that read slowly, and request bodies still
// being uploaded. Every one of them must complete with its full body, new
// connections must be refused from the moment shutdown starts, and
// ServeListener must return cleanly.
func TestGracefulShutdownUnderLoad(t *testing.T) {
	c := startCMS(t, testPostgres(t), nil)
	const pages, paras = 100, 300 // ~7 MB list: more than the socket buffers hold
	seedPages(t, c.app, pages, paras)
	token := adminToken(t, c)

	// A small receive buffer (set before connecting, so the kernel does not
	// autotune it) keeps most of a large response in the server's hands.
	dialer := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		return errors.Join(err, serr)
	}}
	client := &http.Client{Timeout: 40 * time.Second, Transport: &http.Transport{
		DialContext: dialer.DialContext, DisableKeepAlives: true, DisableCompression: true,
		ExpectContinueTimeout: 10 * time.Second,
	}}

	// In flight, server → client: headers received, body mostly unread.
	type download struct {
		resp *http.Response
		err  error
	}
	var downloads []download
	for range 3 {
		resp, err := client.Get(fmt.Sprintf("%s/api/pages?limit=%d&depth=0", c.base, pages))
		if err != nil {
			t.Fatalf("GET before shutdown: %v", err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET before shutdown: status %d", resp.StatusCode)
		}
		downloads = append(downloads, download{resp: resp})
	}
	defer func() {
		for _, d := range downloads {
			d.resp.Body.Close()
		}
	}()

	// In flight, client → server: with Expect: 100-continue the transport
	// sends the body only once the handler has started reading it, so a
	// returned first write proves the request is inside the handler.
	type upload struct {
		pw   *io.PipeWriter
		rest []byte
		res  chan download
	}
	var uploads []upload
	for i := range 3 {
		body, _ := json.Marshal(map[string]any{"title": fmt.Sprintf("Created during shutdown %d", i), "slug": fmt.Sprintf("shutdown-%d", i),
			"_status": "published", "meta": map[string]any{"description": string(bytes.Repeat([]byte("x"), 500))}})
		pr, pw := io.Pipe()
		req, _ := http.NewRequest(http.MethodPost, c.base+"/api/pages?depth=0", pr)
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Expect", "100-continue")
		req.Header.Set("Authorization", "JWT "+token)
		u := upload{pw: pw, rest: body[len(body)/2:], res: make(chan download, 1)}
		go func() {
			resp, err := client.Do(req)
			u.res <- download{resp, err}
		}()
		defer pw.Close() // unblocks the writer below if the test fails first
		wrote := make(chan error, 1)
		go func() { _, err := pw.Write(body[:len(body)/2]); wrote <- err }()
		select {
		case err := <-wrote:
			if err != nil {
				t.Fatalf("upload %d: first half: %v", i, err)
			}
		case r := <-u.res:
			t.Fatalf("upload %d was answered before its body was read (%v): the handler rejected it", i, r.err)
		case <-time.After(15 * time.Second):
			t.Fatalf("upload %d: the server never asked for the body (100 Continue)", i)
		}
		uploads = append(uploads, u)
	}

	// SIGTERM.
	c.cancel()

	// New connections are refused while the in-flight ones still run (they
	// cannot finish: we hold them).
	refused := eventually(3*time.Second, func() bool {
		conn, err := net.DialTimeout("tcp", c.addr, time.Second)
		if err == nil {
			conn.Close()
			return false
		}
		return errors.Is(err, syscall.ECONNREFUSED)
	})
	if !refused {
		t.Errorf("3 s after shutdown began, new connections to %s are still accepted", c.addr)
	}
	select {
	case <-c.done:
		t.Fatalf("ServeListener returned (%v) while requests were still in flight", c.err)
	default:
	}

	// Now let the in-flight requests finish.
	for i, u := range uploads {
		if _, err := u.pw.Write(u.rest); err != nil {
			t.Errorf("upload %d: second half after shutdown began: %v", i, err)
		}
		u.pw.Close()
	}
	for i, u := range uploads {
		r := <-u.res
		if r.err != nil {
			t.Errorf("upload %d: %v", i, r.err)
			continue
		}
		var out struct {
			Doc struct {
				Slug string `json:"slug"`
			} `json:"doc"`
		}
		err := json.NewDecoder(r.resp.Body).Decode(&out)
		r.resp.Body.Close()
		if r.resp.StatusCode != http.StatusCreated || err != nil || out.Doc.Slug != fmt.Sprintf("shutdown-%d", i) {
			t.Errorf("upload %d: status %d, decode %v, slug %q; want 201 with the created page", i, r.resp.StatusCode, err, out.Doc.Slug)
		}
	}
	for i, d := range downloads {
		var list struct {
			Docs []json.RawMessage `json:"docs"`
		}
		err := json.NewDecoder(d.resp.Body).Decode(&list)
		if err != nil || len(list.Docs) != pages {
			t.Errorf("download %d: decode %v, %d docs; want the full list of %d (body cut mid-way?)", i, err, len(list.Docs), pages)
		}
	}
	select {
	case <-c.done:
		if c.err != nil {
			t.Errorf("ServeListener: %v", c.err)
		}
	case <-time.After(25 * time.Second):
		t.Fatalf("ServeListener did not return after the in-flight requests completed")
	}
	// The pages created during shutdown are really stored.
	n, err := c.app.Content().Count(context.Background(), admin, "pages", query.Where{})
	if err != nil || n != pages+3 {
		t.Errorf("pages after shutdown: %d (%v), want %d", n, err, pages+3)
	}
}

// adminToken creates an admin user and returns a JWT for it.
func adminToken(t *testing.T, c *cms) string {
	t.Helper()
	ctx := context.Background()
	const email, password = "fault-admin@example.com", "Fault-test-password-42"
	if _, err := c.app.Auth().CreateUserAsSystem(ctx, auth.Registration{Email: email, Password: password, Name: "Fault", Roles: []string{content.RoleAdmin}}); err != nil {
		t.Fatalf("create admin: %v", err)
	}
	res, err := c.app.Auth().Login(ctx, email, password)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return res.Token
}
