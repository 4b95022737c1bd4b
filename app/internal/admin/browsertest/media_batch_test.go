package browsertest

import (
	"context"
	"image/color"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/chromedp/chromedp"
)

// TestBatchUploadAltAndRefresh uploads three images at once, two with an
// alt text of their own and one taking the shared text; the library's grid
// shows them without a reload. Then the focal point set in the media editor
// recuts the thumbnail (a new file, shown in the grid; the 320x200 images
// are too small for 400x300, so the thumbnail is their 267x200 crop).
func TestBatchUploadAltAndRefresh(t *testing.T) {
	srv := startCMS(t, nil)
	actor := firstAdmin(t, srv)
	if !uploadsAvailable(t, srv.URL) {
		t.Fatal("POST /api/media is not mounted")
	}
	b := newBrowser(t, srv.URL, 1280, 900)
	u := srv.URL
	signIn(t, b, u, adminEmail, adminPassword)
	dir := t.TempDir()
	files := []string{writePNG(t, dir, "one.png", color.RGBA{R: 200}), writePNG(t, dir, "two.png", color.RGBA{R: 100}),
		writePNG(t, dir, "three.png", color.RGBA{R: 10})}

	b.run(t, "library", chromedp.Navigate(u+"/admin/collections/media"), visible(`#upload-submit`), visible(`#empty-state`), samePage(),
		chromedp.SetUploadFiles(chromedp.CSS(`#upload-file`), files), visible(`#upload-alt-2`))
	labels := get(t, b, "per-file labels", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-file-alts] label')).map(l => l.textContent)`))
	if strings.Join(labels, "|") != "Alt text for one.png|Alt text for two.png|Alt text for three.png" {
		t.Fatalf("per-file alt labels %q", labels)
	}
	// Without any alt text the first file's own input says so.
	b.run(t, "no alt text", click(`#upload-submit`), visible(`[data-file-alts] .field-error`))
	if f := get(t, b, "focus", chromedp.Evaluate[string](focused)); f != "#upload-alt-0" {
		t.Fatalf("missing alt text: focus on %s", f)
	}
	b.run(t, "upload three", keys(`#upload-alt-0`, "A red sunrise"), keys(`#upload-alt-2`, "A dark harbour"),
		keys(`#upload-alt`, "Shared description"), click(`#upload-submit`), visible(`[data-upload-summary]`),
		visible(`[data-list-results][data-refreshed] .grid .tile:nth-child(3)`))
	if s := get(t, b, "summary", chromedp.Evaluate[string](`document.querySelector('[data-upload-summary]').getAttribute('data-upload-summary')`)); s != "3/3" {
		t.Fatalf("upload summary %s", s)
	}
	stillSamePage(t, b, "after the upload")

	res, err := srv.App.Content().Find(context.Background(), actor, collections.MediaSlug, query.Params{Page: 1, Limit: 10, LimitSet: true}, content.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range res.Docs {
		got = append(got, d["filename"].(string)+"="+d["alt"].(string))
	}
	sort.Strings(got)
	if strings.Join(got, "|") != "one.png=A red sunrise|three.png=A dark harbour|two.png=Shared description" {
		t.Fatalf("stored alt texts %q", got)
	}

	// The focal point, set in the media editor, recuts the thumbnail.
	id := ""
	for _, d := range res.Docs {
		if d["filename"] == "one.png" {
			n, _ := content.RelationID(d["id"])
			id = strconv.FormatInt(n, 10)
		}
	}
	before := get(t, b, "thumbnail before", chromedp.Evaluate[string](`document.querySelector('.grid a[href$="/media/`+id+`"] img').getAttribute("src")`))
	b.run(t, "focal point", chromedp.Navigate(u+"/admin/collections/media/"+id), visible(`#f-focalX`),
		setValue(`#f-focalX`, "0"), setValue(`#f-focalY`, "0"), submit(`#save`), visible(`[data-flash="success"]`),
		chromedp.Navigate(u+"/admin/collections/media"), visible(`.grid .tile:nth-child(3)`))
	after := get(t, b, "thumbnail after", chromedp.Evaluate[string](`document.querySelector('.grid a[href$="/media/`+id+`"] img').getAttribute("src")`))
	if before != "/api/media/file/one-267x200.png" || after != "/api/media/file/one-267x200-f0-0.png" {
		t.Fatalf("thumbnail %s before, %s after the focal point moved", before, after)
	}
	b.run(t, "the new thumbnail loads", chromedp.Poll[void](`(function(){var i=document.querySelector('.grid a[href$="/media/`+id+`"] img');return i.complete&&i.naturalWidth===267})()`))
}
