package browsertest

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/chromedp/chromedp"
)

// liveTitle reads a page's title anonymously (what the site shows).
func liveTitle(t *testing.T, base string, id int64) string {
	t.Helper()
	code, body := anonGet(t, base+"/api/"+collections.PagesSlug+"/"+strconv.FormatInt(id, 10)+"?depth=0")
	var d struct {
		Title string `json:"title"`
	}
	if err := json.Unmarshal(body, &d); code != http.StatusOK || err != nil {
		t.Fatalf("live page %d: %d %s", id, code, body)
	}
	return d.Title
}

// TestChangedStatusAndSafeRestore: a published page with a newer draft
// shows "changed" in the list and the editor, counts as published, keeps
// Unpublish; a version shows a field-by-field diff; restore asks first,
// and "restore as draft" keeps the live page live.
func TestChangedStatusAndSafeRestore(t *testing.T) {
	srv := startCMS(t, nil)
	ctx := context.Background()
	actor := firstAdmin(t, srv)
	res, err := srv.App.Content().Create(ctx, actor, collections.PagesSlug, map[string]any{"title": "Pricing", "_status": "published"}, content.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := content.RelationID(res.Doc["id"])
	b := newBrowser(t, srv.URL, 1280, 900)
	u := srv.URL
	edit := u + "/admin/collections/" + collections.PagesSlug + "/" + strconv.FormatInt(id, 10)
	signIn(t, b, u, adminEmail, adminPassword)

	b.run(t, "edit a live page", chromedp.Navigate(edit), visible(`#f-title`), setValue(`#f-title`, "Pricing 2027"),
		submit(`#save-draft`), visible(`#doc-status`))
	if st := get(t, b, "status", text(`#doc-status`)); st != "changed" {
		t.Fatalf("editor status of a live page with a newer draft: %q", st)
	}
	if n := get(t, b, "unpublish kept", chromedp.Evaluate[int](`document.querySelectorAll('#unpublish').length`)); n != 1 {
		t.Fatal("a changed page lost its Unpublish button")
	}
	if got := liveTitle(t, u, id); got != "Pricing" {
		t.Fatalf("saving a draft changed the live title: %q", got)
	}
	list := u + "/admin/collections/" + collections.PagesSlug
	b.run(t, "published filter", chromedp.Navigate(list+"?status=published"), visible(`#list-table`))
	row := get(t, b, "row", text(`#list-table tbody`))
	if !strings.Contains(row, "Pricing 2027") || !strings.Contains(row, "changed") {
		t.Fatalf("published list does not show the changed page: %q", row)
	}
	b.run(t, "draft filter", chromedp.Navigate(list+"?status=draft"), visible(`main`))
	if n := get(t, b, "no drafts", chromedp.Evaluate[int](`document.querySelectorAll('#list-table tbody tr').length`)); n != 0 {
		t.Fatalf("the changed page is listed under drafts (%d rows)", n)
	}

	// The first version against the current draft: status and title
	// differ; the slug does not, as a published page's slug is locked
	// (it no longer follows the title once the page is live).
	b.run(t, "versions", chromedp.Navigate(edit+"/versions"), visible(`#versions-table`),
		submit(`#versions-table tbody tr:last-child a`), visible(`#diff-table`))
	diff := get(t, b, "diff", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#diff-table tbody tr')).map(r=>Array.from(r.children).map(c=>c.textContent.trim()).join("|"))`))
	if len(diff) != 2 || diff[0] != "Status|published|draft" || diff[1] != "Title|Pricing|Pricing 2027" {
		t.Fatalf("diff against the current draft: %q", diff)
	}
	b.run(t, "compare with the other version", eval(`document.querySelector('#against').selectedIndex = 1`), submit(`#compare`), visible(`#diff-table`))
	if h := get(t, b, "compared column", text(`#diff-table thead th:last-child`)); !strings.HasPrefix(h, "Version of ") {
		t.Fatalf("compared with %q, want another version", h)
	}
	if rows := get(t, b, "rows", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#diff-table tbody tr')).map(r=>r.children[0].textContent.trim())`)); strings.Join(rows, ",") != "Status,Title" {
		t.Fatalf("diff against the second version: rows %q, want Status and Title", rows)
	}

	// Restore asks, then restores as a draft: the site keeps the live page.
	b.run(t, "restore asks first", submit(`#restore`), visible(`#restore-draft`))
	b.run(t, "restore as draft", submit(`#restore-draft`), visible(`#f-title`))
	if v := get(t, b, "title", value(`#f-title`)); v != "Pricing" {
		t.Fatalf("title after restoring the first version as a draft: %q", v)
	}
	if got := liveTitle(t, u, id); got != "Pricing" {
		t.Fatalf("live title after restore as draft: %q", got)
	}
	// Publishing a newer draft and then restoring an old draft as it was
	// warns that it takes the page off the site.
	b.run(t, "draft again", setValue(`#f-title`, "Pricing (beta)"), submit(`#save-draft`), visible(`#doc-status`),
		chromedp.Navigate(edit+"/versions"), visible(`#versions-table`),
		submit(`#versions-table tbody tr:first-child a`), visible(`#restore`), submit(`#restore`), visible(`#restore-warning`))
	if label := get(t, b, "as-is label", text(`#restore-confirm`)); label != "Restore and unpublish" {
		t.Fatalf("restoring a draft over a live page is offered as %q", label)
	}
}
