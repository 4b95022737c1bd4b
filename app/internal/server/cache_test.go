package server

import (
	"context"
	"encoding/json"
	"github.com/automatonic/chronos/app/internal/content"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/testenv"
)

type client struct {
	t   *testing.T
	url string
}

func (c client) do(method, path, token, body string) (*http.Response, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "JWT "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp, m
}

func login(t *testing.T, app *App, email string) string {
	t.Helper()
	ctx := context.Background()
	if _, err := app.Auth().CreateUserAsSystem(ctx, auth.Registration{Email: email, Password: "cache-test-pass-1", Roles: []string{content.RoleAdmin}}); err != nil && !strings.Contains(err.Error(), "email") {
		t.Fatal(err)
	}
	res, err := app.Auth().Login(ctx, email, "cache-test-pass-1")
	if err != nil {
		t.Fatal(err)
	}
	return res.Token
}

func titleOf(m map[string]any) string {
	docs, _ := m["docs"].([]any)
	if len(docs) != 1 {
		return ""
	}
	s, _ := docs[0].(map[string]any)["title"].(string)
	return s
}

func TestResponseCacheInvalidatesOnWrite(t *testing.T) {
	app := newApp(t, nil)
	srv := httptest.NewServer(app.Handler())
	defer srv.Close()
	c := client{t, srv.URL}
	tok := login(t, app, "cache@example.com")
	_, created := c.do("POST", "/api/pages", tok, `{"title":"Cached","_status":"published"}`)
	id := strconv.FormatInt(int64(created["doc"].(map[string]any)["id"].(float64)), 10)

	const q = "/api/pages?where[slug][equals]=cached&depth=1"
	r1, _ := c.do("GET", q, "", "")
	r2, m2 := c.do("GET", q, "", "")
	if r1.Header.Get("X-Cache") != "MISS" || r2.Header.Get("X-Cache") != "HIT" || titleOf(m2) != "Cached" {
		t.Fatalf("want MISS then HIT: %q %q %q", r1.Header.Get("X-Cache"), r2.Header.Get("X-Cache"), titleOf(m2))
	}
	if r, _ := c.do("GET", q, tok, ""); r.Header.Get("X-Cache") != "" {
		t.Fatal("a signed-in read went through the cache")
	}
	c.do("PATCH", "/api/pages/"+id, tok, `{"title":"Changed"}`)
	r3, m3 := c.do("GET", q, "", "")
	if r3.Header.Get("X-Cache") != "MISS" || titleOf(m3) != "Changed" {
		t.Fatalf("after a write: %q %q", r3.Header.Get("X-Cache"), titleOf(m3))
	}
}

// TestResponseCacheSeesWritesOfOtherProcesses: two CMS processes on one
// PostgreSQL; a write through one reaches the other's cached readers
// within the generation check interval.
func TestResponseCacheSeesWritesOfOtherProcesses(t *testing.T) {
	url := testenv.Postgres(t)
	env := func() map[string]string {
		return map[string]string{contract.PostgresURL: url, contract.CMSAutoMigrate: "true"}
	}
	reader, writer := newApp(t, env()), newApp(t, env())
	rs, ws := httptest.NewServer(reader.Handler()), httptest.NewServer(writer.Handler())
	defer rs.Close()
	defer ws.Close()
	rc, wc := client{t, rs.URL}, client{t, ws.URL}
	tok := login(t, writer, "writer@example.com")
	_, created := wc.do("POST", "/api/pages", tok, `{"title":"Shared","_status":"published"}`)
	id := strconv.FormatInt(int64(created["doc"].(map[string]any)["id"].(float64)), 10)
	const q = "/api/pages?where[slug][equals]=shared"
	rc.do("GET", q, "", "")
	if r, _ := rc.do("GET", q, "", ""); r.Header.Get("X-Cache") != "HIT" {
		t.Fatalf("reader did not cache: %q", r.Header.Get("X-Cache"))
	}
	wc.do("PATCH", "/api/pages/"+id, tok, `{"title":"Shared v2"}`)
	deadline := time.Now().Add(3 * time.Second)
	for {
		_, m := rc.do("GET", q, "", "")
		if titleOf(m) == "Shared v2" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("reader still serves %q 3 s after another process wrote", titleOf(m))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
