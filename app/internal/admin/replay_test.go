package admin_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
)

var hiddenRe = regexp.MustCompile(`<input type="hidden" name="(_replay[a-z_]*)" value="([^"]*)">`)

// signOut drops the session cookie, as a browser does when it expires.
func (s *site) signOut(t *testing.T) {
	t.Helper()
	u, _ := url.Parse(s.url)
	s.client.Jar.SetCookies(u, []*http.Cookie{{Name: auth.CookieName, Value: "", Path: "/", MaxAge: -1}})
}

// TestSignedOutSaveIsCarried: a no-JavaScript save that arrives after the
// session ended gets the sign-in page carrying the form (nothing stored
// yet); signing in there runs the save. A carried form that was altered,
// a cross-site POST, or a POST from a client without the admin's CSRF seed
// cookie are not carried or replayed.
func TestSignedOutSaveIsCarried(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	ctx := context.Background()
	admin := &content.Actor{ID: 1, Email: "a@example.com", Roles: []string{content.RoleAdmin}}
	res, err := s.app.Content().Create(ctx, admin, collections.PagesSlug, map[string]any{"title": "Team"}, content.WriteOptions{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := content.RelationID(res.Doc["id"])
	path := "/admin/collections/" + collections.PagesSlug + "/" + strconv.FormatInt(id, 10)
	old := s.token(t, path)
	s.signOut(t)
	title := func() string {
		d, err := s.app.Content().FindByID(ctx, admin, collections.PagesSlug, id, content.ReadOptions{Draft: true})
		if err != nil {
			t.Fatal(err)
		}
		return d["title"].(string)
	}
	save := url.Values{"_csrf": {old}, "title": {"Team and friends"}, "_action": {"draft"}}

	// From another site (even with the seed cookie): the old redirect,
	// nothing carried.
	req, _ := http.NewRequest(http.MethodPost, s.url+path, strings.NewReader(save.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cross-origin signed-out save: %d, want a redirect", resp.StatusCode)
	}
	cross := &http.Client{CheckRedirect: s.client.CheckRedirect} // no cookies: no CSRF seed
	resp, err = cross.PostForm(s.url+path, save)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save without the admin's seed cookie: %d, want a redirect", resp.StatusCode)
	}

	resp, body := s.post(t, path, save)
	fields := map[string]string{}
	for _, m := range hiddenRe.FindAllStringSubmatch(body, -1) {
		fields[m[1]] = html.UnescapeString(m[2])
	}
	if resp.StatusCode != http.StatusUnauthorized || fields["_replay_path"] != path || fields["_replay_sig"] == "" {
		t.Fatalf("signed-out save: %d, carried %v", resp.StatusCode, fields)
	}
	if carried, _ := url.ParseQuery(fields["_replay"]); carried.Get("title") != "Team and friends" || carried.Has("_csrf") {
		t.Fatalf("carried form %q", fields["_replay"])
	}
	if got := title(); got != "Team" {
		t.Fatalf("stored while signed out: %q", got)
	}
	login := func(replay string) (*http.Response, string) {
		t.Helper()
		return s.post(t, "/admin/login", url.Values{"_csrf": {s.token(t, "/admin/login")}, "email": {"a@example.com"}, "password": {"long-enough-password"},
			"_replay_path": {fields["_replay_path"]}, "_replay": {replay}, "_replay_sig": {fields["_replay_sig"]}, "redirect": {path}})
	}
	// Altered: the sign-in works, the save does not run.
	altered := url.Values{"title": {"Someone else's words"}, "_action": {"draft"}}
	if resp, _ := login(altered.Encode()); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
		t.Fatalf("sign-in with an altered form: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := title(); got != "Team" {
		t.Fatalf("an altered carried form was saved: %q", got)
	}
	s.signOut(t)
	// As carried: signing in saves.
	resp, _ = login(fields["_replay"])
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
		t.Fatalf("sign-in replaying the save: %d → %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := title(); got != "Team and friends" {
		t.Fatalf("after signing in, stored title %q", got)
	}
}
