package browsertest

import (
	"context"
	"strconv"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/chromedp/chromedp"
)

// versionTitles lists the titles of a page's versions, oldest first.
func versionTitles(t *testing.T, srv *cms, actor *content.Actor, id int64) []string {
	t.Helper()
	where := query.Where{Conds: []query.Cond{{Path: "parent", Op: query.Equals, Values: []string{strconv.FormatInt(id, 10)}}}}
	res, err := srv.App.Content().FindVersions(context.Background(), actor, collections.PagesSlug, oldestFirst(where))
	var out []string
	for _, body := range versionBodies(t, res, err) {
		title, _ := body["title"].(string)
		out = append(out, title)
	}
	return out
}

// autosaved waits for the editor's n-th autosave.
func autosaved(n int) step {
	return chromedp.WaitVisible(`#autosave-status[data-autosave-state="saved"][data-autosave-count="` + strconv.Itoa(n) + `"]`)
}

// TestAutosaveCoalescing: pages declare autosave; typing saves the draft
// after the interval, and the autosaves between two manual saves make one
// version (Payload's rule), holding the latest text. A manual save then
// starts a new version, and the next autosave burst one more. Saving by
// hand after autosaves is not refused as someone else's save.
func TestAutosaveCoalescing(t *testing.T) {
	srv, actor, id, edit := startWithPage(t, &testClock{}, "Team")
	b := newBrowser(t, srv.URL, 1280, 900)
	signIn(t, b, srv.URL, adminEmail, adminPassword)
	b.run(t, "open the editor", chromedp.Navigate(edit), visible(`#f-title`))
	start := versionTitles(t, srv, actor, id)
	if len(start) != 1 {
		t.Fatalf("versions before editing: %q", start)
	}

	// One burst: three autosaves, each waited for.
	b.run(t, "first autosave", keys(`#f-title`, "A"), autosaved(1))
	b.run(t, "second autosave", keys(`#f-title`, "B"), autosaved(2))
	b.run(t, "third autosave", keys(`#f-title`, "C"), autosaved(3))
	burst := get(t, b, "typed", value(`#f-title`))
	if got := versionTitles(t, srv, actor, id); len(got) != 2 || got[1] != burst {
		t.Fatalf("versions after one burst of 3 autosaves: %q, want [Team, %q]", got, burst)
	}
	if st := get(t, b, "status", text(`#doc-status`)); st != content.StatusDraft {
		t.Fatalf("status after autosave: %q", st)
	}

	// A manual save makes its own version; the next burst another.
	b.run(t, "type more", keys(`#f-title`, "D"))
	manual := get(t, b, "typed", value(`#f-title`))
	b.run(t, "save by hand", submit(`#save-draft`), visible(`[data-flash="success"]`))
	b.run(t, "next burst", keys(`#f-title`, "E"), autosaved(1), keys(`#f-title`, "F"), autosaved(2))
	last := get(t, b, "typed", value(`#f-title`))
	got := versionTitles(t, srv, actor, id)
	want := []string{"Team", burst, manual, last}
	if len(got) != len(want) {
		t.Fatalf("versions: %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("versions: %q, want %q", got, want)
		}
	}
	if title := draftTitle(t, srv, actor, id); title != last {
		t.Fatalf("draft title %q", title)
	}
	// Nothing is left to lose: leaving does not ask.
	guard := `(function(){var e=new Event("beforeunload",{cancelable:true});window.dispatchEvent(e);return e.defaultPrevented})()`
	if get(t, b, "guard after autosave", chromedp.Evaluate[bool](guard)) {
		t.Fatal("leaving after everything was autosaved still asks")
	}
}

// TestAutosaveNewDocument: a new page's first autosave creates it as a
// draft (Payload creates the document on the first autosave and goes on
// under its edit URL); the page then edits that document in place — the
// address is its edit URL, later autosaves coalesce into its one version,
// and a save by hand updates it rather than creating a second page.
func TestAutosaveNewDocument(t *testing.T) {
	srv, actor, _, _ := startWithPage(t, &testClock{}, "Existing")
	b := newBrowser(t, srv.URL, 1280, 900)
	signIn(t, b, srv.URL, adminEmail, adminPassword)
	b.run(t, "open a new page", chromedp.Navigate(srv.URL+"/admin/collections/pages/create"),
		visible(`#editor-form[data-autosave][data-autosave-new]`))
	b.run(t, "first autosave creates the page", keys(`#f-title`, "Fresh"), autosaved(1),
		chromedp.WaitReady(`#editor-form[data-doc-id]:not([data-autosave-new])`))
	idText := get(t, b, "new id", chromedp.Evaluate[string](`document.getElementById("editor-form").getAttribute("data-doc-id")`))
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		t.Fatalf("data-doc-id %q", idText)
	}
	edit := "/admin/collections/pages/" + idText
	if path := get(t, b, "address", chromedp.Evaluate[string](`location.pathname`)); path != edit {
		t.Fatalf("address after the first autosave: %q, want %q", path, edit)
	}
	if action := get(t, b, "form action", chromedp.Evaluate[string](`document.getElementById("editor-form").getAttribute("action")`)); action != edit {
		t.Fatalf("form action after the first autosave: %q, want %q", action, edit)
	}
	b.run(t, "second autosave", keys(`#f-title`, "er"), autosaved(2))
	if got := versionTitles(t, srv, actor, id); len(got) != 1 || got[0] != "Fresher" {
		t.Fatalf("versions of the new page after 2 autosaves: %q, want [Fresher]", got)
	}
	pagesNow := func() int64 {
		n, err := srv.App.Content().Count(context.Background(), actor, collections.PagesSlug, query.Where{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := pagesNow(); n != 2 {
		t.Fatalf("%d pages after autosaving a new one, want 2", n)
	}
	// A save by hand updates the created page (no stale-save refusal, no
	// second page) and lands on its editor.
	b.run(t, "save by hand", keys(`#f-title`, "!"), submit(`#save-draft`), visible(`[data-flash="success"]`))
	if path := get(t, b, "address after saving", chromedp.Evaluate[string](`location.pathname`)); path != edit {
		t.Fatalf("address after saving: %q, want %q", path, edit)
	}
	if n := pagesNow(); n != 2 {
		t.Fatalf("%d pages after saving the autosaved one, want 2", n)
	}
	if title := draftTitle(t, srv, actor, id); title != "Fresher!" {
		t.Fatalf("draft title %q", title)
	}
	if got := versionTitles(t, srv, actor, id); len(got) != 2 || got[1] != "Fresher!" {
		t.Fatalf("versions after the manual save: %q", got)
	}
}

// globalVersions lists the labels of the first nav link of a global's
// versions, oldest first.
func globalVersions(t *testing.T, srv *cms, actor *content.Actor, slug string) []string {
	t.Helper()
	res, err := srv.App.Content().FindGlobalVersions(context.Background(), actor, slug, oldestFirst(query.Where{}))
	var out []string
	for _, body := range versionBodies(t, res, err) {
		items, _ := body["navItems"].([]any)
		label := ""
		if len(items) > 0 {
			row, _ := items[0].(map[string]any)
			link, _ := row["link"].(map[string]any)
			label, _ = link["label"].(string)
		}
		out = append(out, label)
	}
	return out
}

// TestAutosaveGlobal: the header declares drafts with autosave, so its
// editor autosaves the draft (one version per burst, the live header
// untouched); the footer has no drafts, so it has no autosave (in Payload
// autosave is part of drafts).
func TestAutosaveGlobal(t *testing.T) {
	srv := startCMS(t, nil)
	actor := firstAdmin(t, srv)
	b := newBrowser(t, srv.URL, 1280, 900)
	signIn(t, b, srv.URL, adminEmail, adminPassword)
	b.run(t, "open the header", chromedp.Navigate(srv.URL+"/admin/globals/"+collections.HeaderSlug),
		visible(`#editor-form[data-autosave]`), click(`button[value="add:navItems"]`), visible(`#f-navItems-0-link-label`),
		choose(`#f-navItems-0-link-type`, "custom"), keys(`#f-navItems-0-link-url`, "/blog"))
	b.run(t, "first autosave", keys(`#f-navItems-0-link-label`, "Bl"), autosaved(1))
	b.run(t, "second autosave", keys(`#f-navItems-0-link-label`, "og"), autosaved(2))
	if got := globalVersions(t, srv, actor, collections.HeaderSlug); len(got) != 1 || got[0] != "Blog" {
		t.Fatalf("header versions after one burst: %q, want [Blog]", got)
	}
	if nav := readNav(t, srv.URL, collections.HeaderSlug); len(nav) != 0 {
		t.Fatalf("autosaving a draft changed the live header: %+v", nav)
	}
	b.run(t, "publish", submit(`#publish`), visible(`#unpublish`))
	b.run(t, "next burst", eval(`(function(){var e=document.getElementById("f-navItems-0-link-label");e.focus();e.setSelectionRange(e.value.length,e.value.length)})()`),
		keys(`#f-navItems-0-link-label`, " posts"), autosaved(1), keys(`#f-navItems-0-link-label`, "!"), autosaved(2))
	want := []string{"Blog", "Blog", "Blog posts!"}
	if got := globalVersions(t, srv, actor, collections.HeaderSlug); len(got) != len(want) || got[2] != want[2] {
		t.Fatalf("header versions: %q, want %q", got, want)
	}
	if nav := readNav(t, srv.URL, collections.HeaderSlug); len(nav) != 1 || nav[0].Link.Label != "Blog" {
		t.Fatalf("live header after autosaving a newer draft: %+v", nav)
	}
	if st := get(t, b, "status", text(`#doc-status`)); st != "changed" {
		t.Fatalf("header status after autosaving over the live one: %q", st)
	}

	b.run(t, "open the footer", chromedp.Navigate(srv.URL+"/admin/globals/"+collections.FooterSlug), visible(`#save`))
	if n := get(t, b, "footer autosave", chromedp.Evaluate[int](`document.querySelectorAll('#editor-form[data-autosave], #autosave-status').length`)); n != 0 {
		t.Fatal("the footer (no drafts) autosaves")
	}
}

// oldestFirst asks for up to 100 versions matching where, oldest first.
func oldestFirst(where query.Where) query.Params {
	return query.Params{Where: where, Sort: []query.SortField{{Path: "id"}}, Page: 1, Limit: 100, LimitSet: true, Pagination: true}
}

// versionBodies returns the document each listed version holds.
func versionBodies(t *testing.T, res content.List, err error) []map[string]any {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]any, 0, len(res.Docs))
	for _, v := range res.Docs {
		body, _ := v["version"].(map[string]any)
		out = append(out, body)
	}
	return out
}
