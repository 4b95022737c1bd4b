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
	res, err := srv.App.Content().FindVersions(context.Background(), actor, collections.PagesSlug, query.Params{
		Where: query.Where{Conds: []query.Cond{{Path: "parent", Op: query.Equals, Values: []string{strconv.FormatInt(id, 10)}}}},
		Sort:  []query.SortField{{Path: "id"}}, Page: 1, Limit: 100, LimitSet: true, Pagination: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range res.Docs {
		body, _ := v["version"].(map[string]any)
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
