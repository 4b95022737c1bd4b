package browsertest

import (
	"context"
	"strconv"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/chromedp/chromedp"
)

// TestStaleSaveAndUnsavedGuard: a save against a version newer than the
// one the form was opened on is refused with a clear message and keeps
// what was typed; leaving the editor with unsaved typing asks first.
func TestStaleSaveAndUnsavedGuard(t *testing.T) {
	srv := startCMS(t, nil)
	ctx := context.Background()
	actor := firstAdmin(t, srv)
	res, err := srv.App.Content().Create(ctx, actor, collections.PagesSlug, map[string]any{"title": "Team"}, content.WriteOptions{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := content.RelationID(res.Doc["id"])
	b := newBrowser(t, srv.URL, 1280, 900)
	u := srv.URL
	edit := u + "/admin/collections/" + collections.PagesSlug + "/" + strconv.FormatInt(id, 10)
	signIn(t, b, u, adminEmail, adminPassword)

	b.run(t, "open the editor", chromedp.Navigate(edit), visible(`#f-title`))
	guard := `(function(){var e=new Event("beforeunload",{cancelable:true});window.dispatchEvent(e);return e.defaultPrevented})()`
	if get(t, b, "clean form", chromedp.Evaluate[bool](guard)) {
		t.Fatal("an untouched form asks before leaving")
	}
	b.run(t, "type", keys(`#f-title`, " and friends"))
	if !get(t, b, "dirty form", chromedp.Evaluate[bool](guard)) {
		t.Fatal("typed changes are not guarded on leaving")
	}

	// Another editor saves meanwhile (through the service, as the API does).
	if _, err := srv.App.Content().Update(ctx, actor, collections.PagesSlug, id, map[string]any{"title": "Our team"}, content.WriteOptions{Draft: true}); err != nil {
		t.Fatal(err)
	}
	typed := get(t, b, "typed", value(`#f-title`))
	b.expectError(t, "stale save refused", "Someone else saved this page", submit(`#save-draft`))
	if v := get(t, b, "typing kept", value(`#f-title`)); v != typed || v == "Team" {
		t.Fatalf("typed title after the refused save: %q", v)
	}
	doc, err := srv.App.Content().FindByID(ctx, actor, collections.PagesSlug, id, content.ReadOptions{Draft: true})
	if err != nil || doc["title"] != "Our team" {
		t.Fatalf("the other editor's save was overwritten: %v %v", doc["title"], err)
	}
	// Reloaded on the newer version, the save goes through.
	b.run(t, "reload and save", chromedp.Navigate(edit), visible(`#f-title`), setValue(`#f-title`, "Our team and friends"),
		submit(`#save-draft`), visible(`[data-flash="success"]`))
	if v := get(t, b, "saved", value(`#f-title`)); v != "Our team and friends" {
		t.Fatalf("title after saving on the newer version: %q", v)
	}
}
