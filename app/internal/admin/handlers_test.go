package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/automatonic/chronos/app/collections"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/automatonic/chronos/app/internal/server"
)

// site is a CMS on SQLite with one admin and a cookie-keeping client.
type site struct {
	url    string
	client *http.Client
	app    *server.App
}

func newSite(t testing.TB) *site { return newSiteLog(t, slog.New(slog.DiscardHandler)) }

func newSiteLog(t testing.TB, logger *slog.Logger) *site {
	t.Helper()
	cfg, err := config.Load(map[string]string{
		contract.CMSDataDir: t.TempDir(), contract.PayloadSecret: "handlers-test-secret-0123456789abcdef",
		contract.CMSPreviewURL: "https://www.example.com/api/preview",
	})
	if err != nil {
		t.Fatal(err)
	}
	app, err := server.Build(context.Background(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &site{url: srv.URL, client: c, app: app}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (s *site) get(t testing.TB, path string) (*http.Response, string) {
	t.Helper()
	resp, err := s.client.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (s *site) post(t testing.TB, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, b := s.send(t, http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	return resp, string(b)
}

// send sends a same-origin request with the site's cookies and reads the
// whole answer.
func (s *site) send(t testing.TB, method, path, contentType string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, s.url+path, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Origin", s.url)
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// api sends body as JSON to the REST API and returns the status and the
// answer's body.
func (s *site) api(t testing.TB, method, path string, body any) (int, []byte) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	resp, raw := s.send(t, method, path, "application/json", bytes.NewReader(b))
	return resp.StatusCode, raw
}

// token reads a CSRF token from a page.
func (s *site) token(t testing.TB, path string) string {
	t.Helper()
	_, body := s.get(t, path)
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token on %s", path)
	}
	return m[1]
}

func (s *site) signIn(t *testing.T) {
	t.Helper()
	if _, err := s.app.Auth().FirstRegister(context.Background(), auth.Registration{Email: "a@example.com", Password: "long-enough-password"}); err != nil {
		t.Fatal(err)
	}
	resp, _ := s.post(t, "/admin/login", url.Values{"_csrf": {s.token(t, "/admin/login")}, "email": {"a@example.com"}, "password": {"long-enough-password"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
}

func TestAnonymousRedirects(t *testing.T) {
	s := newSite(t)
	for path, want := range map[string]string{
		"/admin":                   "/admin/create-first-user",
		"/admin/collections/pages": "/admin/create-first-user",
		"/admin/login":             "/admin/create-first-user",
	} {
		resp, _ := s.get(t, path)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != want {
			t.Errorf("%s: %d → %q, want %q", path, resp.StatusCode, loc, want)
		}
	}
}

func TestCSRFRequired(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	resp, _ := s.post(t, "/admin/collections/pages/create", url.Values{"title": {"No token"}, "_action": {"publish"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("without token: %d", resp.StatusCode)
	}
	n, err := s.app.Content().Count(context.Background(), &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}, collections.PagesSlug, queryZero())
	if err != nil || n != 0 {
		t.Fatalf("a page was created without a CSRF token (%d, %v)", n, err)
	}
	tok := s.token(t, "/admin/collections/pages/create")
	resp, _ = s.post(t, "/admin/collections/pages/create", url.Values{"_csrf": {tok}, "title": {"With token"}, "_action": {"publish"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/collections/pages/") {
		t.Fatalf("with token: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A cross-site Origin is refused even with a valid token.
	req, _ := http.NewRequest(http.MethodPost, s.url+"/admin/collections/pages/create", strings.NewReader(url.Values{"_csrf": {tok}, "title": {"Evil"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err = s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n, _ := s.app.Content().Count(context.Background(), &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}, collections.PagesSlug, queryZero()); n != 1 {
		t.Fatalf("cross-site post created a page (count %d)", n)
	}
}

// TestNoServerErrors tries bad input on every route: nothing answers 5xx,
// every HTML page carries the CSP, and bad form input re-renders with the
// typed value kept.
func TestNoServerErrors(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	tok := s.token(t, "/admin")
	gets := []string{
		"/admin", "/admin/account", "/admin/collections/pages", "/admin/collections/media", "/admin/collections/users",
		"/admin/collections/pages?page=-1&limit=9999&sort=-content&search=%25%27%22&status=bogus&from=2026-13-40&cols=nope",
		"/admin/collections/pages?page=999999", "/admin/collections/media?view=list&sort=filesize",
		"/admin/collections/pages/create", "/admin/collections/pages/0", "/admin/collections/pages/abc", "/admin/collections/pages/99",
		"/admin/collections/pages/99/versions", "/admin/collections/pages/99/versions/1", "/admin/collections/pages/1/versions/x",
		"/admin/collections/nope", "/admin/collections/users/1", "/admin/collections/users/999", "/admin/collections/media/5",
		"/admin/collections/users/create", "/admin/reset/bogus", "/admin/forgot", "/admin/logout", "/admin/static/nope.css",
		"/admin/collections/pages/1/delete", "/admin/collections/media/create",
	}
	for _, p := range gets {
		resp, _ := s.get(t, p)
		if resp.StatusCode >= 500 {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("GET %s: no CSP", p)
		}
	}
	posts := []struct {
		path string
		form url.Values
	}{
		{"/admin/collections/pages/create", url.Values{"title": {strings.Repeat("x", 400)}, "slug": {"!!!"}, "publishedAt": {"soon"}, "content": {"{"}, "heroImage": {"-3"}, "related": {"a,b"}}},
		{"/admin/collections/pages/create", url.Values{"title": {"T"}, "layout": {""}, "layout.0.blockType": {"nope"}, "layout.0.id": {"x"}}},
		{"/admin/collections/pages/create", url.Values{"title": {"T"}, "_op": {"remove:layout.5"}}},
		{"/admin/collections/pages/create", url.Values{"title": {"T"}, "_op": {"add:layout:hero"}, "layout": {""}}},
		{"/admin/collections/pages/create", url.Values{"title": {"T"}, "content": {`{"root":{"type":"root","children":[{"type":"text","text":"bad"}]}}`}}},
		{"/admin/collections/pages/create", url.Values{"title": {"T"}, "heroImage": {"12345"}}},
		{"/admin/collections/pages/bulk", url.Values{"action": {"publish"}, "ids": {"1", "x", "-1"}}},
		{"/admin/collections/pages/bulk", url.Values{"action": {"explode"}, "ids": {"1"}}},
		{"/admin/collections/pages/bulk", url.Values{"action": {"delete"}, "ids": {"999"}, "confirm": {"yes"}}},
		{"/admin/collections/pages/77", url.Values{"title": {"x"}}},
		{"/admin/collections/pages/77/versions/5/restore", nil},
		{"/admin/collections/users/create", url.Values{"email": {"not-an-email"}, "password": {"short"}, "role": {"god"}}},
		{"/admin/collections/users/1", url.Values{"_action": {"update"}, "email": {"bad"}, "roles": {"editor"}}},
		{"/admin/collections/users/1", url.Values{"_action": {"create-key"}, "keyname": {""}}},
		{"/admin/collections/users/1", url.Values{"_action": {"revoke-key"}, "key": {"abc"}}},
		{"/admin/collections/users/999", url.Values{"_action": {"unlock"}}},
		{"/admin/account", url.Values{"_action": {"password"}, "current": {"wrong"}, "new": {"x"}, "confirm": {"y"}}},
		{"/admin/account", url.Values{"_action": {"profile"}, "email": {""}}},
		{"/admin/account", url.Values{"_action": {"nope"}}},
		{"/admin/collections/media/create", url.Values{"alt": {"x"}}},
		{"/admin/reset/bogus", url.Values{"password": {"long-enough-password"}, "confirm": {"long-enough-password"}}},
		{"/admin/forgot", url.Values{"email": {"nobody"}}},
	}
	for _, p := range posts {
		f := url.Values{"_csrf": {tok}}
		for k, v := range p.form {
			f[k] = v
		}
		resp, body := s.post(t, p.path, f)
		if resp.StatusCode >= 500 {
			t.Errorf("POST %s %v: %d", p.path, p.form, resp.StatusCode)
		}
		if strings.Contains(body, "Something went wrong") {
			t.Errorf("POST %s: error page", p.path)
		}
	}
	// Bad input is shown next to its field, keeping what was typed.
	resp, body := s.post(t, "/admin/collections/pages/create", url.Values{"_csrf": {tok}, "title": {"Keep me"}, "publishedAt": {"soon"}, "_action": {"publish"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `value="Keep me"`) || !strings.Contains(body, `id="f-publishedAt-err"`) {
		t.Errorf("inline error: %d\n%s", resp.StatusCode, body)
	}
}

func TestStaticAssets(t *testing.T) {
	s := newSite(t)
	_, body := s.get(t, "/admin/create-first-user")
	m := regexp.MustCompile(`href="(/admin/static/admin\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no checksummed stylesheet link in\n%s", body)
	}
	resp, css := s.get(t, m[1])
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || len(css) < 1000 {
		t.Fatalf("stylesheet: %d %v", resp.StatusCode, resp.Header)
	}
	if strings.Contains(css, "@import") || strings.Contains(css, "http://") || strings.Contains(css, "https://") {
		t.Error("stylesheet loads something from outside")
	}
}

func TestPreviewLink(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	tok := s.token(t, "/admin/collections/pages/create")
	resp, _ := s.post(t, "/admin/collections/pages/create", url.Values{"_csrf": {tok}, "title": {"Preview me"}})
	_, body := s.get(t, resp.Header.Get("Location"))
	m := regexp.MustCompile(`href="(https://www\.example\.com/api/preview\?[^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no preview link")
	}
	u, _ := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	if u.Query().Get("slug") != "preview-me" || u.Query().Get("token") == "" {
		t.Fatalf("preview link %s", u)
	}
}

func queryZero() query.Where { return query.Where{} }

func TestEditorsCannotManageUsers(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	res, err := s.app.Auth().FirstRegister(ctx, auth.Registration{Email: "a@example.com", Password: "long-enough-password"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.app.Auth().Authenticate(ctx, auth.Credentials{Cookie: res.Token})
	if _, err := s.app.Auth().CreateUser(ctx, p, auth.Registration{Email: "e@example.com", Password: "long-enough-password", Roles: []string{content.RoleEditor}}); err != nil {
		t.Fatal(err)
	}
	resp, _ := s.post(t, "/admin/login", url.Values{"_csrf": {s.token(t, "/admin/login")}, "email": {"e@example.com"}, "password": {"long-enough-password"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("editor sign in: %d", resp.StatusCode)
	}
	for _, path := range []string{"/admin/collections/users", "/admin/collections/users/1", "/admin/collections/users/create"} {
		if resp, _ := s.get(t, path); resp.StatusCode != http.StatusForbidden {
			t.Errorf("editor GET %s: %d, want 403", path, resp.StatusCode)
		}
	}
	if _, body := s.get(t, "/admin"); strings.Contains(body, `href="/admin/collections/users"`) {
		t.Error("editors see the Users navigation entry")
	}
}

func TestDeleteMediaWarnsWhenUsed(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	ctx := context.Background()
	actor := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	m, err := s.app.Content().Create(ctx, actor, collections.MediaSlug, map[string]any{"alt": "x"}, content.WriteOptions{Attachment: media.Preset(map[string]any{"filename": "x.png", "mimeType": "image/png", "url": "/api/media/file/x.png"})})
	if err != nil {
		t.Fatal(err)
	}
	mid, _ := content.RelationID(m.Doc["id"])
	if _, err := s.app.Content().Create(ctx, actor, collections.PagesSlug, map[string]any{"title": "Uses it", "heroImage": mid}, content.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	_, body := s.get(t, "/admin/collections/media/"+strconv.FormatInt(mid, 10)+"/delete")
	if !strings.Contains(body, "used by 1 page") || !strings.Contains(body, "Uses it") {
		t.Fatalf("no used-by warning:\n%s", body)
	}
}

func TestSlugUniqueInline(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	tok := s.token(t, "/admin/collections/pages/create")
	if resp, _ := s.post(t, "/admin/collections/pages/create", url.Values{"_csrf": {tok}, "title": {"First"}, "slug": {"same"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first page: %d", resp.StatusCode)
	}
	resp, body := s.post(t, "/admin/collections/pages/create", url.Values{"_csrf": {tok}, "title": {"Second"}, "slug": {"same"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="f-slug-err"`) || !strings.Contains(body, "unique") || !strings.Contains(body, `value="Second"`) {
		t.Fatalf("duplicate slug: %d\n%s", resp.StatusCode, body)
	}
}

// TestLockoutMessage: a locked account reads as a wrong password, even with
// the right one, and as an unknown address does, so the sign-in page tells
// no stranger that an address has an account (issue 17).
func TestLockoutMessage(t *testing.T) {
	s := newSite(t)
	if _, err := s.app.Auth().FirstRegister(context.Background(), auth.Registration{Email: "a@example.com", Password: "long-enough-password"}); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		s.post(t, "/admin/login", url.Values{"_csrf": {s.token(t, "/admin/login")}, "email": {"a@example.com"}, "password": {"wrong-password"}})
	}
	flash := regexp.MustCompile(`data-flash="error">([^<]*)<`)
	login := func(email, password string) (int, string) {
		resp, body := s.post(t, "/admin/login", url.Values{"_csrf": {s.token(t, "/admin/login")}, "email": {email}, "password": {password}})
		m := flash.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no error message:\n%s", email, body)
		}
		return resp.StatusCode, m[1]
	}
	lockedStatus, locked := login("a@example.com", "long-enough-password")
	unknownStatus, unknown := login("nobody@example.com", "long-enough-password")
	if locked != unknown || lockedStatus != unknownStatus || strings.Contains(locked, "locked") {
		t.Fatalf("locked account: %d %q; unknown address: %d %q; want the same", lockedStatus, locked, unknownStatus, unknown)
	}
}

// BenchmarkPageList measures the page list over 10,000 pages (sorted by an
// indexed column, deep in the pagination): go test -bench PageList -run ^$
func BenchmarkPageList(b *testing.B) {
	s := newSite(b)
	ctx := context.Background()
	res, err := s.app.Auth().FirstRegister(ctx, auth.Registration{Email: "a@example.com", Password: "long-enough-password"})
	if err != nil {
		b.Fatal(err)
	}
	actor := &content.Actor{ID: res.User.ID, Roles: []string{content.RoleAdmin}}
	for i := range 10_000 {
		if _, err := s.app.Content().Create(ctx, actor, collections.PagesSlug, map[string]any{"title": "Page " + strconv.Itoa(i), "_status": content.StatusPublished}, content.WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	s.post(b, "/admin/login", url.Values{"_csrf": {s.token(b, "/admin/login")}, "email": {"a@example.com"}, "password": {"long-enough-password"}})
	b.ResetTimer()
	for b.Loop() {
		resp, body := s.get(b, "/admin/collections/pages?sort=title&page=350&limit=25&status=published")
		if resp.StatusCode != 200 || !strings.Contains(body, "list-table") {
			b.Fatalf("list: %d", resp.StatusCode)
		}
	}
}

// syncBuffer is a log sink the server may write from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestForgotAndReset(t *testing.T) {
	logs := &syncBuffer{}
	s := newSiteLog(t, slog.New(slog.NewTextHandler(logs, nil)))
	ctx := context.Background()
	reg, err := s.app.Auth().FirstRegister(ctx, auth.Registration{Email: "a@example.com", Password: "long-enough-password"})
	if err != nil {
		t.Fatal(err)
	}
	// newKey mints an API key for the user; keyWorks tells whether it
	// still authenticates.
	newKey := func() string {
		t.Helper()
		p := &auth.Principal{User: reg.User, Strategy: auth.StrategyLocalJWT, SessionID: reg.SessionID}
		key, _, err := s.app.Auth().CreateAPIKey(ctx, p, reg.User.ID, "site")
		if err != nil {
			t.Fatal(err)
		}
		return key
	}
	keyWorks := func(key string) bool {
		t.Helper()
		p, err := s.app.Auth().Authenticate(ctx, auth.Credentials{Authorization: auth.UsersCollection + " API-Key " + key})
		if err != nil {
			t.Fatal(err)
		}
		return p != nil
	}
	key := newKey()
	resp, body := s.post(t, "/admin/forgot", url.Values{"_csrf": {s.token(t, "/admin/forgot")}, "email": {"a@example.com"}})
	if resp.StatusCode != 200 || !strings.Contains(body, "on its way") {
		t.Fatalf("forgot: %d", resp.StatusCode)
	}
	// Without SMTP, development logs the link (the auth service's choice).
	m := regexp.MustCompile(`/admin/reset/([A-Za-z0-9_-]+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no reset link logged:\n%s", logs.String())
	}
	path := "/admin/reset/" + m[1]
	resp, body = s.post(t, path, url.Values{"_csrf": {s.token(t, path)}, "password": {"short"}, "confirm": {"short"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `class="field-error"`) {
		t.Fatalf("weak password accepted: %d", resp.StatusCode)
	}
	if _, body := s.get(t, path); !strings.Contains(body, `name="revokeApiKeys"`) {
		t.Fatal("the reset form does not offer to revoke API keys")
	}
	resp, _ = s.post(t, path, url.Values{"_csrf": {s.token(t, path)}, "password": {"a-new-long-password"}, "confirm": {"a-new-long-password"}, "revokeApiKeys": {"true"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Fatalf("reset: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if keyWorks(key) {
		t.Fatal("the API key still works after a reset that revokes API keys")
	}
	if resp, _ := s.get(t, "/admin/account"); resp.StatusCode != 200 {
		t.Fatalf("not signed in after reset: %d", resp.StatusCode)
	}
	resp, body = s.post(t, path, url.Values{"_csrf": {s.token(t, path)}, "password": {"another-long-password"}, "confirm": {"another-long-password"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "invalid or has expired") {
		t.Fatalf("token reused: %d", resp.StatusCode)
	}
	// Changing the password on the account page offers the same: without
	// the box the keys stay, with it they go.
	change := func(cur, next string, revoke bool) {
		t.Helper()
		v := url.Values{"_csrf": {s.token(t, "/admin/account")}, "_action": {"password"}, "current": {cur}, "new": {next}, "confirm": {next}}
		if revoke {
			v.Set("revokeApiKeys", "true")
		}
		if resp, body := s.post(t, "/admin/account", v); resp.StatusCode >= 400 || strings.Contains(body, `class="field-error"`) {
			t.Fatalf("change password: %d", resp.StatusCode)
		}
	}
	key = newKey()
	change("a-new-long-password", "a-third-long-password", false)
	if !keyWorks(key) {
		t.Fatal("a password change without revokeApiKeys revoked the API key")
	}
	change("a-third-long-password", "a-fourth-long-password", true)
	if keyWorks(key) {
		t.Fatal("the API key still works after a password change that revokes API keys")
	}
}

func TestInviteUser(t *testing.T) {
	logs := &syncBuffer{}
	s := newSiteLog(t, slog.New(slog.NewTextHandler(logs, nil)))
	s.signIn(t)
	resp, _ := s.post(t, "/admin/collections/users/create", url.Values{"_csrf": {s.token(t, "/admin/collections/users/create")},
		"email": {"new@example.com"}, "role": {"editor"}, "invite": {"on"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("invite: %d", resp.StatusCode)
	}
	if !strings.Contains(logs.String(), "/admin/reset/") {
		t.Fatal("no set-password link sent to the invited user")
	}
}

func TestSchedule(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	tok := s.token(t, "/admin/collections/pages/create")
	resp, _ := s.post(t, "/admin/collections/pages/create", url.Values{"_csrf": {tok}, "title": {"Later"}})
	page := resp.Header.Get("Location")
	at := time.Now().UTC().Add(48 * time.Hour).Format("2006-01-02T15:04")
	resp, _ = s.post(t, page+"/schedule", url.Values{"_csrf": {tok}, "schedule_action": {"publish"}, "schedule_at": {at}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page {
		t.Fatalf("schedule: %d", resp.StatusCode)
	}
	_, body := s.get(t, page)
	m := regexp.MustCompile(`name="cancel" value="(\d+)"`).FindStringSubmatch(body)
	if !strings.Contains(body, "Scheduled to publish") || m == nil {
		t.Fatalf("no pending job shown:\n%s", body)
	}
	past := time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04")
	s.post(t, page+"/schedule", url.Values{"_csrf": {tok}, "schedule_action": {"publish"}, "schedule_at": {past}})
	if _, body = s.get(t, page); !strings.Contains(body, "in the future") {
		t.Error("a past time was accepted")
	}
	s.post(t, page+"/schedule", url.Values{"_csrf": {tok}, "schedule_action": {"explode"}, "schedule_at": {at}})
	if _, body = s.get(t, page); !strings.Contains(body, "must be publish or unpublish") {
		t.Errorf("an unknown action was accepted:\n%s", body)
	}
	s.post(t, page+"/schedule", url.Values{"_csrf": {tok}, "cancel": {m[1]}})
	if _, body = s.get(t, page); !strings.Contains(body, "Schedule cancelled") || strings.Contains(body, `name="cancel"`) {
		t.Errorf("job not cancelled:\n%s", body)
	}
}
