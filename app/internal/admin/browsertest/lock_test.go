package browsertest

import (
	"context"
	"image/color"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
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

// takeOver takes the lock over in place (the page's script handles the
// take-over form) and waits for the banner to go. It runs outside b.run,
// which would fail on the refusal still listed in the error summary.
func takeOver(t *testing.T, b *browser) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, click(`#lock-takeover`), chromedp.WaitNotPresent(`#lock-banner`)); err != nil {
		t.Fatalf("take over: %v%s", err, b.where())
	}
}

// TestTwoEditorsOnAGlobalAndAMedia: the header global and a media document
// are locked as pages are. The first editor to open one holds it; a second
// editor sees who, has a save refused with what they typed kept (nothing is
// stored), takes over explicitly and saves; the first editor learns while
// typing that they lost it.
func TestTwoEditorsOnAGlobalAndAMedia(t *testing.T) {
	srv := startCMS(t, nil)
	ctx := context.Background()
	actor := firstAdmin(t, srv)
	const editorEmail, editorPassword = "editor@example.com", "another-horse-battery-staple"
	if _, err := srv.App.Auth().CreateUserAsSystem(ctx, auth.Registration{Email: editorEmail, Password: editorPassword, Roles: []string{content.RoleEditor}}); err != nil {
		t.Fatal(err)
	}
	login, err := srv.App.Auth().Login(ctx, adminEmail, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	mediaID, _ := content.RelationID(uploadPNG(t, srv, login.Token, writePNG(t, t.TempDir(), "harbour.png", color.RGBA{G: 90}))["id"])
	u := srv.URL
	header := u + "/admin/globals/" + collections.HeaderSlug
	mediaEdit := u + "/admin/collections/" + collections.MediaSlug + "/" + strconv.FormatInt(mediaID, 10)

	a := newBrowser(t, u, 1280, 900)
	signIn(t, a, u, adminEmail, adminPassword)
	b := newBrowser(t, u, 1280, 900)
	signIn(t, b, u, editorEmail, editorPassword)

	// The header global.
	a.run(t, "first editor opens the header", chromedp.Navigate(header), visible(`#editor-form[data-lock-held="true"]`))
	b.run(t, "second editor opens it", chromedp.Navigate(header), visible(`#lock-banner[data-lock-state="taken"] #lock-takeover`))
	if who := get(t, b, "holder", text(`#lock-holder`)); who != adminEmail {
		t.Fatalf("header lock holder shown as %q", who)
	}
	b.run(t, "type a link", click(`button[value="add:navItems"]`), visible(`#f-navItems-0-link-label`),
		choose(`#f-navItems-0-link-type`, "custom"), keys(`#f-navItems-0-link-url`, "https://example.com/help"), keys(`#f-navItems-0-link-label`, "Help"))
	b.expectError(t, "save refused", "is editing this header", submit(`#save-draft`))
	if v := get(t, b, "kept", value(`#f-navItems-0-link-label`)); v != "Help" {
		t.Fatalf("typed label after the refused save: %q", v)
	}
	if doc, err := srv.App.Content().FindGlobal(ctx, actor, collections.HeaderSlug, content.ReadOptions{Draft: true}); err != nil || len(asList(doc["navItems"])) != 0 {
		t.Fatalf("a header save without the lock was stored: %v %v", doc["navItems"], err)
	}
	takeOver(t, b)
	b.run(t, "save after taking over", submit(`#save-draft`), visible(`[data-flash="success"]`))
	if doc, err := srv.App.Content().FindGlobal(ctx, actor, collections.HeaderSlug, content.ReadOptions{Draft: true}); err != nil || len(asList(doc["navItems"])) != 1 {
		t.Fatalf("header after the save: %v %v", doc["navItems"], err)
	}
	a.run(t, "first editor types and learns", click(`button[value="add:navItems"]`), visible(`#f-navItems-0-link-label`),
		keys(`#f-navItems-0-link-label`, "X"), visible(`#lock-banner[data-lock-state="lost"]`))
	if who := get(t, a, "new holder", text(`#lock-holder`)); who != editorEmail {
		t.Fatalf("new header holder shown as %q", who)
	}

	// A media document. (The first editor's header page holds unsaved
	// typing, so leaving it would ask first: they use another window.)
	a = newBrowser(t, u, 1280, 900)
	signIn(t, a, u, adminEmail, adminPassword)
	a.run(t, "first editor opens the media", chromedp.Navigate(mediaEdit), visible(`#media-form[data-lock-held="true"]`))
	b.run(t, "second editor opens it", chromedp.Navigate(mediaEdit), visible(`#lock-banner[data-lock-state="taken"] #lock-takeover`))
	b.expectError(t, "media save refused", "is editing this media", clear(`#f-alt`), keys(`#f-alt`, "Harbour at dawn"), submit(`#save`))
	if v := get(t, b, "alt kept", value(`#f-alt`)); v != "Harbour at dawn" {
		t.Fatalf("typed alt after the refused save: %q", v)
	}
	stored := func() any {
		doc, err := srv.App.Content().FindByID(ctx, actor, collections.MediaSlug, mediaID, content.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return doc["alt"]
	}
	if alt := stored(); alt != "Seed" {
		t.Fatalf("a media save without the lock was stored: %v", alt)
	}
	takeOver(t, b)
	b.run(t, "media save after taking over", submit(`#save`), visible(`[data-flash="success"]`))
	if alt := stored(); alt != "Harbour at dawn" {
		t.Fatalf("media alt after the save: %v", alt)
	}
	a.run(t, "first editor types in the media and learns", keys(`#f-alt`, "!"), visible(`#lock-banner[data-lock-state="lost"]`))
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
