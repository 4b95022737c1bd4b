package browsertest

import (
	"context"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/chromedp/chromedp"
)

// TestTwoEditorsOnOnePage: the first editor to open a page holds its lock;
// a second editor (another browser) sees who and can take over explicitly;
// the first then learns, while typing, that they lost it, keeps what they
// typed, has a save refused, and can take it back and save.
func TestTwoEditorsOnOnePage(t *testing.T) {
	srv, actor, id, edit := startWithPage(t, &testClock{}, "Team")
	const editorEmail, editorPassword = "editor@example.com", "another-horse-battery-staple"
	if _, err := srv.App.Auth().CreateUserAsSystem(context.Background(), auth.Registration{Email: editorEmail, Password: editorPassword, Roles: []string{content.RoleEditor}}); err != nil {
		t.Fatal(err)
	}
	a := newBrowser(t, srv.URL, 1280, 900)
	signIn(t, a, srv.URL, adminEmail, adminPassword)
	a.run(t, "first editor opens", chromedp.Navigate(edit), visible(`#f-title`))
	if n := get(t, a, "no banner", chromedp.Evaluate[int](`document.querySelectorAll('#lock-banner').length`)); n != 0 {
		t.Fatal("the first editor sees a lock banner")
	}

	b := newBrowser(t, srv.URL, 1280, 900)
	signIn(t, b, srv.URL, editorEmail, editorPassword)
	b.run(t, "second editor opens", chromedp.Navigate(edit), visible(`#lock-banner[data-lock-state="taken"] #lock-takeover`))
	if who := get(t, b, "holder", text(`#lock-holder`)); who != adminEmail {
		t.Fatalf("lock holder shown as %q", who)
	}
	b.run(t, "take over", click(`#lock-takeover`), chromedp.WaitNotPresent(`#lock-banner`), visible(`#editor-form[data-lock-held="true"]`))

	a.run(t, "first editor types and learns", keys(`#f-title`, "X"), visible(`#lock-banner[data-lock-state="lost"]`))
	if who := get(t, a, "new holder", text(`#lock-holder`)); who != editorEmail {
		t.Fatalf("new holder shown as %q", who)
	}
	typed := get(t, a, "typed", value(`#f-title`))
	a.expectError(t, "save refused", "is editing this page", submit(`#save-draft`))
	if v := get(t, a, "kept", value(`#f-title`)); v != typed {
		t.Fatalf("typed title after the refused save: %q, typed %q", v, typed)
	}
	if got := draftTitle(t, srv, actor, id); got != "Team" {
		t.Fatalf("a save without the lock was stored: %q", got)
	}
	// Taking it back in place and saving stores the typing.
	// (b.run would fail on the refusal still listed in the error summary.)
	ctx, cancel := context.WithTimeout(a.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, click(`#lock-takeover`), chromedp.WaitNotPresent(`#lock-banner`)); err != nil {
		t.Fatalf("take back: %v", err)
	}
	if v := get(t, a, "still kept", value(`#f-title`)); v != typed {
		t.Fatalf("typed title after taking over: %q, typed %q", v, typed)
	}
	a.run(t, "save", submit(`#save-draft`), visible(`[data-flash="success"]`))
	if got := draftTitle(t, srv, actor, id); got != typed {
		t.Fatalf("stored %q, typed %q", got, typed)
	}
	b.run(t, "second editor types", keys(`#f-title`, "Y"), visible(`#lock-banner[data-lock-state="lost"]`))
	if who := get(t, b, "holder", text(`#lock-holder`)); !strings.EqualFold(who, adminEmail) {
		t.Fatalf("holder shown as %q", who)
	}
}
