package browsertest

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/testenv"
	"github.com/automatonic/chronos/app/internal/testmodel"
	"github.com/chromedp/chromedp"
)

// TestAddedCollection: a collection that exists only in a test (a
// definition plus its generated migration) is listed, created, validated,
// published, searched and filtered in the admin with no admin change, on
// SQLite and on PostgreSQL (one after the other: one Chromium at a time).
func TestAddedCollection(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			var extra map[string]string
			if dialect == "postgres" {
				extra = map[string]string{contract.PostgresURL: testenv.Postgres(t), contract.CMSAutoMigrate: "true"}
			}
			addedCollectionFlow(t, startCMSModel(t, extra, testmodel.WithTestimonials(t)))
		})
	}
}

func addedCollectionFlow(t *testing.T, srv *cms) {
	ctx := context.Background()
	actor := firstAdmin(t, srv)
	home, err := srv.App.Content().Create(ctx, actor, collections.PagesSlug, map[string]any{"title": "Home", "_status": "published"}, content.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	photo, err := srv.App.Content().Create(ctx, actor, collections.MediaSlug, map[string]any{"alt": "Ada"}, content.WriteOptions{Attachment: media.Preset(map[string]any{"url": "/api/media/file/ada.png", "filename": "ada.png", "mimeType": "image/png", "filesize": 10.0})})
	if err != nil {
		t.Fatal(err)
	}
	homeID, _ := content.RelationID(home.Doc["id"])
	photoID, _ := content.RelationID(photo.Doc["id"])
	slug := testmodel.Testimonials().Slug
	b := newBrowser(t, srv.URL, 1280, 900)
	u := srv.URL
	signIn(t, b, u, adminEmail, adminPassword)

	b.run(t, "sidebar entry", submit(`.sidebar a[href="/admin/collections/`+slug+`"]`), visible(`#create-`+slug))
	b.run(t, "create", submit(`#create-`+slug), visible(`#f-author`))
	b.expectError(t, "author required", "required", setValue(`#f-rating`, "5"), submit(`#publish`))
	if v := get(t, b, "rating kept", value(`#f-rating`)); v != "5" {
		t.Fatalf("rating not kept across the error: %q", v)
	}
	// The row is added in place, so the error summary of the refused
	// publish stays until the next save. The page relation is a searchable
	// picker derived from the definition.
	b.run(t, "fill in and save draft", keys(`#f-author`, "Ada Lovelace"), search(pick("page")+` .pk-search`, "Home"), options(pick("page"), "Home", 1, "Home"),
		click(pick("page")+` .pk-option`), until(`document.querySelector('#f-page').value === "`+strconv.FormatInt(homeID, 10)+`"`),
		setValue(`#f-photo`, strconv.FormatInt(photoID, 10)),
		click(`button[value="add:highlights"]`), visible(`#f-highlights-0-text`), keys(`#f-highlights-0-text`, "Fast"),
		submit(`#save-draft`), visible(`[data-flash="success"]`))
	m := regexp.MustCompile(`/` + slug + `/(\d+)$`).FindStringSubmatch(get(t, b, "location", chromedp.Location()))
	if m == nil {
		t.Fatal("no document URL after saving")
	}
	if code, _ := anonGet(t, u+"/api/"+slug+"/"+m[1]); code != http.StatusNotFound {
		t.Fatalf("a draft testimonial is visible anonymously: %d", code)
	}
	b.run(t, "publish", submit(`#publish`), visible(`#unpublish`))
	code, body := anonGet(t, u+"/api/"+slug+"/"+m[1]+"?depth=0")
	var doc struct {
		Author     string `json:"author"`
		Rating     string `json:"rating"`
		Status     string `json:"_status"`
		Page       any    `json:"page"`
		Photo      any    `json:"photo"`
		Highlights []struct {
			Text string `json:"text"`
		} `json:"highlights"`
	}
	if err := json.Unmarshal(body, &doc); code != http.StatusOK || err != nil {
		t.Fatalf("published testimonial: %d %s", code, body)
	}
	pageID, _ := content.RelationID(doc.Page)
	gotPhoto, _ := content.RelationID(doc.Photo)
	if doc.Author != "Ada Lovelace" || doc.Rating != "5" || doc.Status != "published" || pageID != homeID || gotPhoto != photoID ||
		len(doc.Highlights) != 1 || doc.Highlights[0].Text != "Fast" {
		t.Fatalf("published testimonial: %s", body)
	}

	// The list: its columns, search on the declared field, status filter.
	b.run(t, "list", chromedp.Navigate(u+"/admin/collections/"+slug+"?search=lovel&status=published"), visible(`#list-table`))
	cells := get(t, b, "row", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#list-table tbody tr:first-child td')).map(td=>td.textContent.trim())`))
	joined := ""
	for _, c := range cells {
		joined += c + "|"
	}
	if !regexp.MustCompile(`Ada Lovelace\|5\|published\|`).MatchString(joined) {
		t.Fatalf("list row: %q", cells)
	}
	b.run(t, "empty search", chromedp.Navigate(u+"/admin/collections/"+slug+"?search=grace"), visible(`main`))
	if n := get(t, b, "no rows", chromedp.Evaluate[int](`document.querySelectorAll('#list-table tbody tr').length`)); n != 0 {
		t.Fatalf("search for another author shows %d rows", n)
	}
}
