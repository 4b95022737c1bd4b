package browsertest

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/server"
	"github.com/chromedp/chromedp"
)

// testClock is the server's clock in a test: the wall clock plus an offset
// the test moves forward, so a session ends without anybody waiting.
type testClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

// startWithPage starts a CMS on clk with the first admin and one draft
// page, and returns the page's editor URL.
func startWithPage(t *testing.T, clk *testClock, title string) (*cms, *content.Actor, int64, string) {
	t.Helper()
	srv := startCMSModel(t, nil, nil, server.WithClock(clk.now))
	actor := firstAdmin(t, srv)
	res, err := srv.App.Content().Create(context.Background(), actor, collections.PagesSlug, map[string]any{"title": title}, content.WriteOptions{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := content.RelationID(res.Doc["id"])
	return srv, actor, id, srv.URL + "/admin/collections/" + collections.PagesSlug + "/" + strconv.FormatInt(id, 10)
}

func draftTitle(t *testing.T, srv *cms, actor *content.Actor, id int64) string {
	t.Helper()
	doc, err := srv.App.Content().FindByID(context.Background(), actor, collections.PagesSlug, id, content.ReadOptions{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := doc["title"].(string)
	return s
}

func sessionExp(t *testing.T, b *browser) int64 {
	t.Helper()
	v := get(t, b, "session expiry", chromedp.Evaluate[string](`document.documentElement.getAttribute("data-session-exp") || ""`))
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("data-session-exp %q: %v", v, err)
	}
	return n
}

// TestExpiredSessionMidEditLosesNothing: the session ends while an editor
// types; saving keeps the form on the page and asks to sign in there (a
// wrong password is refused in place), and after signing in the save goes
// through with everything typed.
func TestExpiredSessionMidEditLosesNothing(t *testing.T) {
	clk := &testClock{}
	srv, actor, id, edit := startWithPage(t, clk, "Team")
	b := newBrowser(t, srv.URL, 1280, 900)
	signIn(t, b, srv.URL, adminEmail, adminPassword)
	b.run(t, "open the editor", chromedp.Navigate(edit), visible(`#f-title`),
		keys(`#f-title`, " and friends"), keys(`#f-meta-description`, "Who we are."))
	typed := get(t, b, "typed title", value(`#f-title`))

	clk.advance(srv.App.Auth().TokenTTL() + time.Minute) // the session is over
	b.run(t, "save after the session ended", click(`#save-draft`), visible(`#session-dialog #session-password`))
	if v := get(t, b, "title kept", value(`#f-title`)); v != typed {
		t.Fatalf("title after the refused save: %q, typed %q", v, typed)
	}
	if email := get(t, b, "email prefilled", value(`#session-email`)); email != adminEmail {
		t.Fatalf("sign-in email %q", email)
	}
	if got := draftTitle(t, srv, actor, id); got != "Team" {
		t.Fatalf("saved without a session: %q", got)
	}
	b.run(t, "wrong password", keys(`#session-password`, "not-the-password"), click(`#session-signin`), visible(`#session-error`))
	if msg := get(t, b, "error", text(`#session-error`)); msg == "" {
		t.Fatal("no message for a wrong password")
	}
	b.run(t, "sign in in place", clear(`#session-password`), keys(`#session-password`, adminPassword),
		submit(`#session-signin`), visible(`[data-flash="success"]`))
	if v := get(t, b, "saved title", value(`#f-title`)); v != typed {
		t.Fatalf("title after signing in and saving: %q, typed %q", v, typed)
	}
	storedEditsKept(t, srv, actor, id, typed)
}

// TestSessionRefreshAndWarning: close to its end the editor warns and
// "Stay signed in" extends the session (Payload's refresh-token); past half
// its lifetime, typing in the editor extends it without asking.
func TestSessionRefreshAndWarning(t *testing.T) {
	clk := &testClock{}
	srv, _, _, edit := startWithPage(t, clk, "Team")
	ttl := srv.App.Auth().TokenTTL()
	b := newBrowser(t, srv.URL, 1280, 900)
	signIn(t, b, srv.URL, adminEmail, adminPassword)
	b.run(t, "fresh session: no warning", chromedp.Navigate(edit), visible(`#f-title`))
	if n := get(t, b, "banner", chromedp.Evaluate[int](`document.querySelectorAll('#session-banner:not([hidden])').length`)); n != 0 {
		t.Fatal("a fresh session shows the session banner")
	}

	clk.advance(ttl - 3*time.Minute)
	b.run(t, "warned before expiry", chromedp.Navigate(edit), visible(`#session-banner[data-session-state="expiring"] #session-action`))
	before := sessionExp(t, b)
	b.run(t, "stay signed in", click(`#session-action`), chromedp.WaitReady(`html[data-session-refreshed]`),
		chromedp.WaitNotVisible(`#session-banner`))
	after := sessionExp(t, b)
	if after <= before {
		t.Fatalf("expiry %d not extended beyond %d", after, before)
	}
	// The browser's session (the newest; registering made the first) ends then too.
	sessions, err := srv.App.Auth().Sessions(context.Background(), 1)
	if err != nil || len(sessions) == 0 {
		t.Fatalf("sessions: %v %v", sessions, err)
	}
	newest := sessions[0]
	for _, s := range sessions {
		if s.CreatedAt.After(newest.CreatedAt) {
			newest = s
		}
	}
	if newest.ExpiresAt.Unix() != after {
		t.Fatalf("server session ends %v, page expiry %d", newest.ExpiresAt, after)
	}

	clk.advance(ttl * 3 / 4) // past half, far from the warning
	b.run(t, "reopen", chromedp.Navigate(edit), visible(`#f-title`))
	if n := get(t, b, "banner", chromedp.Evaluate[int](`document.querySelectorAll('#session-banner:not([hidden])').length`)); n != 0 {
		t.Fatal("warned with a quarter of the session left")
	}
	before = sessionExp(t, b)
	b.run(t, "typing refreshes", keys(`#f-title`, "!"), chromedp.WaitReady(`html[data-session-refreshed]`))
	if after := sessionExp(t, b); after <= before {
		t.Fatalf("typing did not extend the session: %d after %d", after, before)
	}
}

// storedEditsKept checks that the page's stored draft holds the typed title
// and the meta description the expired-session tests type before saving.
func storedEditsKept(t *testing.T, srv *cms, actor *content.Actor, id int64, typed string) {
	t.Helper()
	if got := draftTitle(t, srv, actor, id); got != typed {
		t.Fatalf("stored title %q, typed %q", got, typed)
	}
	doc, err := srv.App.Content().FindByID(context.Background(), actor, collections.PagesSlug, id, content.ReadOptions{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if meta, _ := doc["meta"].(map[string]any); meta["description"] != "Who we are." {
		t.Fatalf("stored meta: %v", doc["meta"])
	}
}
