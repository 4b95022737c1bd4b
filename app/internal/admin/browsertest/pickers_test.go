package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// until waits for a JavaScript condition on the page (polled on every
// animation frame, bounded by the step's timeout): the DOM condition a
// step is done on, never a sleep.
func until(js string) step { return chromedp.Poll[void](js) }

// choose sets a select's value as a user does: with a change event.
func choose(sel, v string) step {
	return eval(`(function(){var s=document.querySelector(` + strconv.Quote(sel) + `);s.value=` + strconv.Quote(v) +
		`;s.dispatchEvent(new Event("change",{bubbles:true}))})()`)
}

// search puts text into a search box at once, with one input event as
// typing ends: the picker then sends one search, so no earlier answer can
// be on screen when the step's condition is met.
func search(sel, text string) step {
	return eval(`(function(){var s=document.querySelector(` + strconv.Quote(sel) + `);s.focus();s.value=` + strconv.Quote(text) +
		`;s.dispatchEvent(new Event("input",{bubbles:true}))})()`)
}

// pick is the picker of the field at a document path.
func pick(path string) string { return `.field[data-path="` + path + `"] .pk` }

// uploadPNG uploads a real image through the REST API (as the admin's
// uploader does) and returns the stored document.
func uploadPNG(t *testing.T, srv *cms, token, file string) map[string]any {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if err := w.WriteField("_payload", `{"alt":"Seed"}`); err != nil {
		t.Fatal(err)
	}
	part, err := w.CreateFormFile("file", filepath.Base(file))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/api/"+collections.MediaSlug, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "JWT "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out struct {
		Doc map[string]any `json:"doc"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("upload %s: %d %s", file, res.StatusCode, raw)
	}
	return out.Doc
}

// count returns how many requests went to exactly u.
func (b *browser) count(u string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, r := range b.reqs {
		if r == u {
			n++
		}
	}
	return n
}

// apiRequests returns the list requests sent to /api/{slug}.
func (b *browser) apiRequests(base, slug string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, r := range b.reqs {
		if strings.HasPrefix(r, base+"/api/"+slug+"?") {
			out = append(out, r)
		}
	}
	return out
}

// pagedOnly fails when a picker asked for more than one page of limit
// documents at once: a picker never loads a whole collection.
func pagedOnly(t *testing.T, reqs []string, limit int) {
	t.Helper()
	if len(reqs) == 0 {
		t.Fatal("the picker sent no search request")
	}
	for _, r := range reqs {
		u, err := url.Parse(r)
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.Atoi(u.Query().Get("limit"))
		if err != nil || n <= 0 || n > limit || u.Query().Get("page") == "" || u.Query().Get("depth") != "0" {
			t.Fatalf("picker request %s: want depth=0 and a page of at most %d", r, limit)
		}
	}
}

// TestMediaDrawer: an upload field opens a drawer of thumbnails from the
// library, a page at a time, offering only the files the field accepts (a
// hero image: no PDF, no video); it searches, filters by type (a media
// block takes images and videos), uploads a new file from the drawer
// (refusing a PDF before sending it) and picks it; the choice is saved.
// A PDF forced into the plain input is refused by the server next to the
// field.
func TestMediaDrawer(t *testing.T) {
	srv := startCMS(t, nil)
	ctx := context.Background()
	actor := firstAdmin(t, srv)
	login, err := srv.App.Auth().Login(ctx, adminEmail, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	real := uploadPNG(t, srv, login.Token, writePNG(t, dir, "harbour.png", color.RGBA{R: 20}))
	// 25 more images share the real file, so every thumbnail loads.
	system := map[string]any{}
	for _, k := range []string{"url", "thumbnailURL", "mimeType", "filesize", "width", "height", "sizes"} {
		system[k] = real[k]
	}
	for i := 1; i <= 25; i++ {
		system["filename"] = fmt.Sprintf("photo-%02d.png", i)
		if _, err := srv.App.Content().Create(ctx, actor, collections.MediaSlug, map[string]any{"alt": "Photo"}, content.WriteOptions{Attachment: media.Preset(system)}); err != nil {
			t.Fatal(err)
		}
	}
	var pdfID, videoID string
	for _, f := range []struct {
		name, mime string
		id         *string
	}{{"report.pdf", "application/pdf", &pdfID}, {"clip.mp4", "video/mp4", &videoID}} {
		res, err := srv.App.Content().Create(ctx, actor, collections.MediaSlug, map[string]any{"alt": f.name}, content.WriteOptions{Attachment: media.Preset(map[string]any{"url": "/api/media/file/" + f.name, "filename": f.name, "mimeType": f.mime, "filesize": 10.0})})
		if err != nil {
			t.Fatal(err)
		}
		*f.id = fmt.Sprint(res.Doc["id"])
	}

	b := newBrowser(t, srv.URL, 1280, 900)
	u := srv.URL
	signIn(t, b, u, adminEmail, adminPassword)
	hero := pick("heroImage")
	b.run(t, "new page", chromedp.Navigate(u+"/admin/collections/pages/create"), visible(`#f-title`), keys(`#f-title`, "Drawer page"),
		visible(hero+` .pk-open`))
	if hidden := get(t, b, "plain select hidden", chromedp.Evaluate[bool](`document.querySelector('#f-heroImage').hidden`)); !hidden {
		t.Fatal("the plain hero image select is still shown beside the picker")
	}

	// The drawer: the first page of 24 images, then the other two; no PDF
	// and no video for a hero image.
	grid := `dialog.pk-drawer .pk-grid button`
	b.run(t, "open the drawer", click(hero+` .pk-open`), visible(`dialog.pk-drawer`),
		until(`document.querySelectorAll('`+grid+`').length === 24`), visible(`.pk-more-files`))
	if c := get(t, b, "count", text(`.pk-count`)); c != "Showing 24 of 26 files." {
		t.Fatalf("drawer count %q", c)
	}
	b.run(t, "load more", click(`.pk-more-files`), until(`document.querySelectorAll('`+grid+`').length === 26`))
	mimes := get(t, b, "types shown", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('`+grid+`')).map(b => b.dataset.mime)`))
	for _, m := range mimes {
		if m != "image/png" {
			t.Fatalf("a hero image's drawer offers a %s file", m)
		}
	}
	if n := get(t, b, "thumbnails", chromedp.Evaluate[int](`document.querySelectorAll('`+grid+` img').length`)); n != 26 {
		t.Fatalf("%d thumbnails, want 26", n)
	}
	if n := get(t, b, "one type, no filter", chromedp.Evaluate[int](`document.querySelectorAll('dialog .pk-type').length`)); n != 0 {
		t.Fatal("a field accepting one type offers a type filter")
	}

	// Search by file name.
	b.run(t, "search", search(`.pk-drawer-search`, "harbour"),
		until(`document.querySelector('.pk-grid').getAttribute('data-q') === "harbour" && document.querySelector('.pk-grid').getAttribute('aria-busy') === "false"`),
		until(`document.querySelectorAll('`+grid+`').length === 1`),
		until(`document.querySelector('.pk-count').textContent === "Showing 1 of 1 files."`))
	if title := get(t, b, "found", chromedp.Evaluate[string](`document.querySelector('`+grid+`').title`)); !strings.HasPrefix(title, "harbour.png") {
		t.Fatalf("search found %q", title)
	}

	// Upload from the drawer: a PDF is refused before it is sent, a PNG
	// is uploaded, chosen and the drawer closes.
	pdf := filepath.Join(dir, "brochure.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	uploads := func() int { return b.count(u + "/api/" + collections.MediaSlug) }
	before := uploads()
	b.run(t, "a PDF from the drawer", click(`.pk-upload-form summary`), visible(`.pk-upload-form input[type=file]`),
		chromedp.SetUploadFiles(chromedp.CSS(`.pk-upload-form input[type=file]`), []string{pdf}),
		keys(`.pk-upload-form input[type=text]`, "Brochure"), click(`.pk-upload-form .btn-primary`),
		until(`document.querySelector('.pk-upload-msg').textContent.indexOf("accepts image/* files only") >= 0`))
	if n := uploads(); n != before {
		t.Fatalf("the refused PDF was sent (%d uploads)", n-before)
	}
	if got := get(t, b, "accept", chromedp.Evaluate[string](`document.querySelector('.pk-upload-form input[type=file]').accept`)); got != "image/*" {
		t.Fatalf("the drawer's file input accepts %q", got)
	}
	fresh := writePNG(t, dir, "fresh-upload.png", color.RGBA{R: 200})
	b.run(t, "upload a PNG from the drawer", chromedp.SetUploadFiles(chromedp.CSS(`.pk-upload-form input[type=file]`), []string{fresh}),
		click(`.pk-upload-form .btn-primary`), until(`!document.querySelector('dialog.pk-drawer')`),
		visible(hero+` .pk-chip img.pk-thumb`))
	if got := get(t, b, "chip", text(hero+` .pk-chip-label`)); got != "fresh-upload.png" {
		t.Fatalf("hero chip %q after uploading", got)
	}
	if n := uploads(); n != before+1 {
		t.Fatalf("%d uploads from the drawer, want 1", n-before)
	}
	freshID := get(t, b, "chosen id", value(`#f-heroImage`))
	if freshID == "" || freshID == pdfID {
		t.Fatalf("hero select holds %q", freshID)
	}

	// A media block accepts images and videos: filter by type.
	media := pick("layout.0.media")
	b.run(t, "media block", click(`[data-add-block="mediaBlock"]`), visible(media+` .pk-open`),
		click(media+` .pk-open`), visible(`dialog.pk-drawer .pk-type`), until(`document.querySelectorAll('`+grid+`').length === 24`))
	opts := get(t, b, "filter options", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('dialog .pk-type option')).map(o => o.textContent)`))
	if strings.Join(opts, "|") != "All accepted types|Images|Videos" {
		t.Fatalf("type filter %v", opts)
	}
	b.run(t, "only videos", choose(`dialog .pk-type`, "video/*"), until(`document.querySelectorAll('`+grid+`').length === 1`),
		until(`document.querySelector('.pk-count').textContent === "Showing 1 of 1 files."`))
	if m := get(t, b, "video", chromedp.Evaluate[string](`document.querySelector('`+grid+`').dataset.mediaId`)); m != videoID {
		t.Fatalf("videos filter shows media %s, want %s", m, videoID)
	}
	b.run(t, "pick the video", click(grid), until(`!document.querySelector('dialog.pk-drawer')`), visible(media+` .pk-chip`))
	pagedOnly(t, b.apiRequests(u, collections.MediaSlug), 24)

	b.run(t, "save", submit(`#save-draft`), visible(`[data-flash="success"]`), visible(hero+` .pk-chip`))
	if got := get(t, b, "hero after reload", text(hero+` .pk-chip-label`)); got != "fresh-upload.png" {
		t.Fatalf("hero chip after saving: %q", got)
	}
	if got := get(t, b, "media after reload", text(media+` .pk-chip-label`)); got != "clip.mp4" {
		t.Fatalf("media block chip after saving: %q", got)
	}

	// The server refuses a PDF forced into the plain input (what a form
	// without JavaScript, or any client, could send), next to the field.
	b.expectError(t, "PDF hero refused", "accepts image/* files only: report.pdf is application/pdf",
		eval(`(function(){var s=document.querySelector('#f-heroImage'),o=document.createElement('option');o.value=`+strconv.Quote(pdfID)+`;s.appendChild(o);s.value=o.value})()`),
		submit(`#publish`))
	if inv := get(t, b, "hero invalid", chromedp.Evaluate[string](`document.querySelector('#f-heroImage').getAttribute('aria-invalid') || ""`)); inv != "true" {
		t.Fatal("the hero image input is not marked invalid")
	}
	m := regexp.MustCompile(`/pages/(\d+)$`).FindStringSubmatch(get(t, b, "location", chromedp.Location()))
	if m == nil {
		t.Fatal("no page id in the location")
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	doc, err := srv.App.Content().FindByID(ctx, actor, collections.PagesSlug, id, content.ReadOptions{Depth: 0, Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(doc["heroImage"]); got != freshID {
		t.Fatalf("stored hero image %s, want %s", got, freshID)
	}
}

// chips reads the chips of a picker: their values and labels, in order.
func chips(t *testing.T, b *browser, picker string) (values, labels []string) {
	t.Helper()
	res := get(t, b, "chips of "+picker, chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll('`+picker+` .pk-chip')).map(c => [c.dataset.value, c.querySelector('.pk-chip-label').textContent])`))
	for _, c := range res {
		values = append(values, c[0])
		labels = append(labels, c[1])
	}
	return values, labels
}

// options is the condition that the open list of a picker answers the
// search q (no search pending) with n choices, the first labelled first.
func options(picker, q string, n int, first string) step {
	return until(`(function(){var l=document.querySelector('` + picker + ` .pk-list');` +
		`if (l.hidden || l.getAttribute('aria-busy') !== 'false' || l.getAttribute('data-q') !== ` + strconv.Quote(q) + `) return false;` +
		`var o=l.querySelectorAll('.pk-option:not(.pk-more)');` +
		`return o.length === ` + strconv.Itoa(n) + ` && o[0].textContent === ` + strconv.Quote(first) + `})()`)
}

// TestRelationshipPicker: relationship fields search their target a page
// at a time through the REST API (40 pages, 10 at a time, "Load more"),
// pick with the keyboard or the mouse into chips; a hasMany field is
// reordered by dragging a chip and with the arrow keys on its handle,
// a chip is removed; the order is saved and shown again after a reload.
func TestRelationshipPicker(t *testing.T) {
	srv := startCMS(t, nil)
	ctx := context.Background()
	actor := firstAdmin(t, srv)
	ids := map[string]string{}
	titles := []string{"Zebra crossing", "Zeppelin"}
	for i := 1; i <= 38; i++ {
		titles = append(titles, fmt.Sprintf("Alpha %02d", i))
	}
	for _, title := range titles {
		res, err := srv.App.Content().Create(ctx, actor, collections.PagesSlug, map[string]any{"title": title, "_status": "published"}, content.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ids[title] = fmt.Sprint(res.Doc["id"])
	}
	b := newBrowser(t, srv.URL, 1280, 900)
	u := srv.URL
	signIn(t, b, u, adminEmail, adminPassword)
	related, author := pick("related"), pick("author")
	b.run(t, "new page", chromedp.Navigate(u+"/admin/collections/pages/create"), visible(`#f-title`), keys(`#f-title`, "Linking page"),
		visible(related+` .pk-search`))
	if hidden := get(t, b, "plain input hidden", chromedp.Evaluate[bool](`document.querySelector('#f-related').hidden`)); !hidden {
		t.Fatal("the plain ids input is still shown beside the picker")
	}

	// Focus lists the first page of 10 with a way to load more.
	b.run(t, "open the list", click(related+` .pk-search`), until(`document.querySelectorAll('`+related+` .pk-option:not(.pk-more)').length === 10`),
		visible(related+` .pk-more`))
	b.run(t, "load more", click(related+` .pk-more`), until(`document.querySelectorAll('`+related+` .pk-option:not(.pk-more)').length === 20`))

	// Search, then pick with the keyboard: ↓ Enter.
	b.run(t, "search Zep", search(related+` .pk-search`, "Zep"), options(related, "Zep", 1, "Zeppelin"),
		keys(related+` .pk-search`, kb.ArrowDown+kb.Enter), until(`document.querySelectorAll('`+related+` .pk-chip').length === 1`))
	b.run(t, "search Zebra", search(related+` .pk-search`, "Zebra"), options(related, "Zebra", 1, "Zebra crossing"),
		click(related+` .pk-option`), until(`document.querySelectorAll('`+related+` .pk-chip').length === 2`))
	b.run(t, "search Alpha 07", search(related+` .pk-search`, "Alpha 07"), options(related, "Alpha 07", 1, "Alpha 07"),
		click(related+` .pk-option`), until(`document.querySelectorAll('`+related+` .pk-chip').length === 3`))
	_, labels := chips(t, b, related)
	if strings.Join(labels, "|") != "Zeppelin|Zebra crossing|Alpha 07" {
		t.Fatalf("chips %v", labels)
	}

	// Drag the third chip onto the top half of the first.
	b.run(t, "drag Alpha 07 to the top", eval(`(function(){
		var c = document.querySelectorAll('`+related+` .pk-chip'), src = c[2], dst = c[0], dt = new DataTransfer();
		src.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
		var r = dst.getBoundingClientRect();
		dst.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt, clientY: r.top + 2}));
		dst.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt, clientY: r.top + 2}));
		src.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: dt}));
	})()`), until(`document.querySelector('`+related+` .pk-chip .pk-chip-label').textContent === "Alpha 07"`))
	want := strings.Join([]string{ids["Alpha 07"], ids["Zeppelin"], ids["Zebra crossing"]}, ", ")
	if got := get(t, b, "input after drag", value(`#f-related`)); got != want {
		t.Fatalf("related input after the drag %q, want %q", got, want)
	}
	// The keyboard: ↓ on the first chip's handle moves it down, focus stays.
	b.run(t, "move with the keyboard", chromedp.Focus(chromedp.CSS(related+` .pk-chip .pk-handle`)), chromedp.KeyEvent(kb.ArrowDown),
		until(`document.querySelectorAll('`+related+` .pk-chip .pk-chip-label')[1].textContent === "Alpha 07"`))
	if f := get(t, b, "focus kept", chromedp.Evaluate[string](`document.activeElement.closest('.pk-chip') ? document.activeElement.closest('.pk-chip').dataset.value : ""`)); f != ids["Alpha 07"] {
		t.Fatalf("focus after the keyboard move is on %q", f)
	}
	if msg := get(t, b, "announced", chromedp.Evaluate[string](`document.querySelector('`+related+` [aria-live]').textContent`)); msg != "Alpha 07 moved to position 2 of 3." {
		t.Fatalf("announcement %q", msg)
	}
	// Remove Zeppelin.
	b.run(t, "remove a chip", click(related+` .pk-chip[data-value="`+ids["Zeppelin"]+`"] .pk-remove`),
		until(`document.querySelectorAll('`+related+` .pk-chip').length === 2`))

	// A single relation: the author, picked among users.
	b.run(t, "author", click(author+` .pk-search`), search(author+` .pk-search`, "admin@"), options(author, "admin@", 1, adminEmail),
		click(author+` .pk-option`), until(`document.querySelectorAll('`+author+` .pk-chip').length === 1`))
	if n := get(t, b, "author list closed", chromedp.Evaluate[bool](`document.querySelector('`+author+` .pk-list').hidden`)); !n {
		t.Fatal("a single relation's list stays open after a pick")
	}
	pagedOnly(t, b.apiRequests(u, collections.PagesSlug), 10)

	b.run(t, "publish", submit(`#publish`), visible(`#unpublish`), visible(related+` .pk-chip`))
	values, labels := chips(t, b, related)
	// Zeppelin, Zebra, Alpha 07 → dragged: Alpha 07, Zeppelin, Zebra → ↓:
	// Zeppelin, Alpha 07, Zebra → Zeppelin removed.
	if strings.Join(labels, "|") != "Alpha 07|Zebra crossing" || strings.Join(values, ", ") != ids["Alpha 07"]+", "+ids["Zebra crossing"] {
		t.Fatalf("chips after reload: %v %v", labels, values)
	}
	if _, l := chips(t, b, author); len(l) != 1 || l[0] != adminEmail {
		t.Fatalf("author chip after reload: %v", l)
	}
	m := regexp.MustCompile(`/pages/(\d+)$`).FindStringSubmatch(get(t, b, "location", chromedp.Location()))
	code, body := anonGet(t, u+"/api/pages/"+m[1]+"?depth=0")
	var pg struct {
		Related []json.Number `json:"related"`
		Author  json.Number   `json:"author"`
	}
	if err := json.Unmarshal(body, &pg); err != nil || code != http.StatusOK {
		t.Fatalf("page: %d %s", code, body)
	}
	if len(pg.Related) != 2 || pg.Related[0].String() != ids["Alpha 07"] || pg.Related[1].String() != ids["Zebra crossing"] || pg.Author.String() != "1" {
		t.Fatalf("saved related %v, author %v", pg.Related, pg.Author)
	}
}

// TestGlobalLinkPicker: the header's link rows use the same picker for
// their page reference (searching pages a page at a time) and show the
// reference or the custom URL by the link's type (admin condition); the
// chosen page is published and shown again.
func TestGlobalLinkPicker(t *testing.T) {
	srv := startCMS(t, nil)
	ctx := context.Background()
	actor := firstAdmin(t, srv)
	var pricing string
	for i := 1; i <= 14; i++ {
		title := fmt.Sprintf("Guide %02d", i)
		if i == 9 {
			title = "Pricing"
		}
		res, err := srv.App.Content().Create(ctx, actor, collections.PagesSlug, map[string]any{"title": title, "_status": "published"}, content.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if i == 9 {
			pricing = fmt.Sprint(res.Doc["id"])
		}
	}
	b := newBrowser(t, srv.URL, 1280, 900)
	u := srv.URL
	signIn(t, b, u, adminEmail, adminPassword)
	ref := pick("navItems.0.link.reference")
	b.run(t, "header link", chromedp.Navigate(u+"/admin/globals/"+collections.HeaderSlug), visible(`#save-draft`),
		click(`button[value="add:navItems"]`), visible(ref+` .pk-search`), keys(`#f-navItems-0-link-label`, "Pricing"))
	if hidden := get(t, b, "custom URL hidden for a reference", chromedp.Evaluate[bool](`document.querySelector('.field[data-path="navItems.0.link.url"]').hidden`)); !hidden {
		t.Fatal("a reference link shows the custom URL field")
	}
	b.run(t, "pick the page", click(ref+` .pk-search`), search(ref+` .pk-search`, "Pric"), options(ref, "Pric", 1, "Pricing"),
		keys(ref+` .pk-search`, kb.ArrowDown+kb.Enter), until(`document.querySelectorAll('`+ref+` .pk-chip').length === 1`))
	if v := get(t, b, "reference value", value(`#f-navItems-0-link-reference`)); v != collections.PagesSlug+":"+pricing {
		t.Fatalf("reference input %q", v)
	}
	// A second, custom link: the URL shows, the reference hides.
	b.run(t, "custom link", click(`button[value="add:navItems"]`), visible(`#f-navItems-1-link-label`),
		choose(`#f-navItems-1-link-type`, "custom"), visible(`#f-navItems-1-link-url`),
		keys(`#f-navItems-1-link-url`, "https://example.com/docs"), keys(`#f-navItems-1-link-label`, "Docs"))
	if hidden := get(t, b, "reference hidden for a custom link", chromedp.Evaluate[bool](`document.querySelector('.field[data-path="navItems.1.link.reference"]').hidden`)); !hidden {
		t.Fatal("a custom link shows the page picker")
	}
	if _, l := chips(t, b, ref); len(l) != 1 || l[0] != "Pricing" {
		t.Fatalf("first row's chip after adding a row: %v", l)
	}
	pagedOnly(t, b.apiRequests(u, collections.PagesSlug), 10)
	b.run(t, "publish", submit(`#publish`), visible(`#unpublish`), visible(ref+` .pk-chip`))
	if _, l := chips(t, b, ref); len(l) != 1 || l[0] != "Pricing" {
		t.Fatalf("chip after reload: %v", l)
	}
	nav := readNav(t, u, collections.HeaderSlug)
	if len(nav) != 2 || nav[0].Link.Reference == nil || fmt.Sprint(nav[0].Link.Reference.Value) != pricing || nav[1].Link.URL != "https://example.com/docs" {
		t.Fatalf("published header: %+v", nav)
	}
}
