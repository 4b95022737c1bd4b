package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"github.com/automatonic/chronos/app/collections"
	"image/color"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// seed fills a CMS with a believable site: users, images, pages.
func seed(t *testing.T, srv *cms, withMedia bool) {
	t.Helper()
	ctx := context.Background()
	res, err := srv.App.Auth().FirstRegister(ctx, auth.Registration{Email: adminEmail, Password: adminPassword, Name: "Ada Admin"})
	if err != nil {
		t.Fatalf("seed first user: %v", err)
	}
	p, err := srv.App.Auth().Authenticate(ctx, auth.Credentials{Cookie: res.Token})
	if err != nil || p == nil {
		t.Fatalf("seed principal: %v", err)
	}
	for _, u := range []auth.Registration{
		{Email: "eddie@example.com", Name: "Eddie Editor", Password: "another-long-password", Roles: []string{content.RoleEditor}},
		{Email: "maria@example.com", Name: "María Marketing", Password: "another-long-password", Roles: []string{content.RoleEditor}},
	} {
		if _, err := srv.App.Auth().CreateUser(ctx, p, u); err != nil {
			t.Fatalf("seed user: %v", err)
		}
	}
	var mediaIDs []int64
	if withMedia {
		dir := t.TempDir()
		palette := []color.RGBA{{R: 240}, {R: 30}, {R: 120}, {R: 200}, {R: 80}, {R: 160}}
		for i, c := range palette {
			path := writePNG(t, dir, fmt.Sprintf("photo-%d.png", i+1), c)
			id, err := uploadFile(srv.URL, res.Token, path, fmt.Sprintf("Campaign photo %d", i+1))
			if err != nil {
				t.Fatalf("seed upload: %v", err)
			}
			mediaIDs = append(mediaIDs, id)
		}
	}
	actor := &content.Actor{ID: p.User.ID, Email: p.User.Email, Roles: p.User.Roles}
	titles := []string{"Home", "About us", "Pricing", "Contact", "Careers", "Blog", "Spring launch", "Customer stories",
		"Security", "Privacy policy", "Terms of service", "Integrations", "Partners", "Press", "Events", "Help centre",
		"Product tour", "Compare plans", "Enterprise", "Status", "Roadmap", "Changelog", "Community", "Webinars", "Team"}
	for i, title := range titles {
		layout := []any{
			map[string]any{"blockType": "hero", "heading": title, "subheading": "Everything you need to know about " + title + "."},
			map[string]any{"blockType": "content", "richText": paragraph("Chronos makes " + title + " easy to keep up to date.")},
			map[string]any{"blockType": "callToAction", "heading": "Ready to start?", "links": []any{map[string]any{"label": "Sign up", "url": "/signup"}}},
		}
		input := map[string]any{"title": title, "layout": layout, "meta": map[string]any{"title": title + " · Example", "description": "Learn about " + title + " at Example Inc."}}
		if len(mediaIDs) > 0 {
			input["heroImage"] = mediaIDs[i%len(mediaIDs)]
			layout[0].(map[string]any)["media"] = mediaIDs[i%len(mediaIDs)]
		}
		if i%3 != 0 {
			input["_status"] = content.StatusPublished
		}
		if _, err := srv.App.Content().Create(ctx, actor, collections.PagesSlug, input, content.WriteOptions{}); err != nil {
			t.Fatalf("seed page %q: %v", title, err)
		}
	}
}

// paragraph is the seeded pages' rich text: a heading, a paragraph with
// text and a bold link, and a bulleted list with an italic item.
//
// The state is what Lexical itself serialises (every node the editor
// supports, with the properties Lexical requires: a list without indent
// made the editor refuse it), so the editor shows it, not the
// "unsupported features" notice (richTextSupported).
func paragraph(text string) map[string]any {
	return map[string]any{"root": map[string]any{"type": "root", "version": 1, "direction": "ltr", "format": "", "indent": 0, "children": []any{
		map[string]any{"type": "heading", "tag": "h2", "version": 1, "direction": "ltr", "format": "", "indent": 0, "children": []any{
			map[string]any{"type": "text", "text": "Why it matters", "format": 0, "version": 1}}},
		map[string]any{"type": "paragraph", "version": 1, "direction": "ltr", "format": "", "indent": 0, "children": []any{
			map[string]any{"type": "text", "text": text + " ", "format": 0, "version": 1},
			map[string]any{"type": "link", "version": 3, "format": "", "id": "6b14cb6bea83d5ea1463c0c7",
				"fields": map[string]any{"url": "https://example.com", "newTab": false, "linkType": "custom"}, "children": []any{
					map[string]any{"type": "text", "text": "Read more", "format": 1, "version": 1}}}}},
		map[string]any{"type": "list", "listType": "bullet", "start": 1, "tag": "ul", "version": 1, "direction": "ltr", "format": "", "indent": 0, "children": []any{
			map[string]any{"type": "listitem", "value": 1, "version": 1, "direction": "ltr", "format": "", "indent": 0,
				"children": []any{map[string]any{"type": "text", "text": "Fast", "format": 0, "version": 1}}},
			map[string]any{"type": "listitem", "value": 2, "version": 1, "direction": "ltr", "format": "", "indent": 0,
				"children": []any{map[string]any{"type": "text", "text": "Friendly", "format": 2, "version": 1}}}}},
	}}}
}

// draftVersion saves a draft of page id with a retitled hero and a changed
// description, so its versions have a diff to show, and returns the
// published version's id (the diff's other side is the current draft).
func draftVersion(t *testing.T, srv *cms, id int64) int64 {
	t.Helper()
	ctx := context.Background()
	admin, err := srv.App.Auth().Authenticate(ctx, auth.Credentials{Cookie: login(t, srv.URL).token})
	if err != nil || admin == nil {
		t.Fatalf("principal: %v", err)
	}
	actor := &content.Actor{ID: admin.User.ID, Email: admin.User.Email, Roles: admin.User.Roles}
	doc, err := srv.App.Content().FindByID(ctx, actor, collections.PagesSlug, id, content.ReadOptions{Depth: 0})
	if err != nil {
		t.Fatal(err)
	}
	layout, _ := doc["layout"].([]any)
	if len(layout) > 0 {
		hero, _ := layout[0].(map[string]any)
		hero["heading"] = "Meet the team behind Example"
	}
	if _, err := srv.App.Content().Update(ctx, actor, collections.PagesSlug, id, map[string]any{
		"title": "About Example", "layout": layout, "meta": map[string]any{"description": "Who we are, what we build and why."}},
		content.WriteOptions{Draft: true}); err != nil {
		t.Fatal(err)
	}
	res, err := srv.App.Content().FindVersions(ctx, actor, collections.PagesSlug, query.Params{
		Where: query.Where{Conds: []query.Cond{{Path: "parent", Op: query.Equals, Values: []string{strconv.FormatInt(id, 10)}}}},
		Sort:  []query.SortField{{Path: "id"}}, Page: 1, Limit: 1, LimitSet: true, Pagination: true,
	})
	if err != nil || len(res.Docs) == 0 {
		t.Fatalf("versions of page %d: %v", id, err)
	}
	vid, _ := content.RelationID(res.Docs[0]["id"])
	return vid
}

// uploadFile posts a file to the REST API as a signed-in user.
func uploadFile(base, token, path, alt string) (int64, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("alt", alt)
	fw, err := w.CreateFormFile("file", filepath.Base(path))
	if err != nil {
		return 0, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	_, _ = fw.Write(b)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/media", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "JWT "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var out struct {
		Doc map[string]any `json:"doc"`
	}
	if err := decodeJSON(resp.Body, &out); err != nil || resp.StatusCode >= 300 {
		return 0, fmt.Errorf("upload %s: status %d: %v", path, resp.StatusCode, err)
	}
	id, _ := content.RelationID(out.Doc["id"])
	return id, nil
}

// richTextSupported fails when a rich text field of the page is shown as
// JSON because the editor could not load it.
func richTextSupported(t *testing.T, b *browser) {
	t.Helper()
	state := get(t, b, "rich text editors", chromedp.Evaluate[string](`(function(){
		var n=document.querySelector("[data-rte-unsupported]");
		if (n) return "unsupported: "+n.textContent;
		var areas=document.querySelectorAll("textarea[data-richtext]"), eds=document.querySelectorAll(".rte [data-lexical]");
		if (!areas.length || areas.length!==eds.length) return areas.length+" fields, "+eds.length+" editors";
		return "";
	})()`))
	if state != "" {
		t.Fatalf("rich text on the page editor: %s (want each field in the visual editor)", state)
	}
}

// TestScreenshots saves PNGs of the main screens at desktop and phone
// widths into $SCREENSHOTS_DIR (scripts/screenshots.sh sets it). Without
// the variable it only checks that every screen renders cleanly.
func TestScreenshots(t *testing.T) {
	out := os.Getenv("SCREENSHOTS_DIR")
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	fe := startFrontend(t)
	srv := startCMS(t, map[string]string{contract.CMSPreviewURL: fe.URL + "/next/preview", contract.CMSCORSOrigins: fe.URL})
	fe.setCMS(srv.URL)
	seed(t, srv, uploadsAvailable(t, srv.URL))
	vid := draftVersion(t, srv, 2)
	sizes := []struct {
		name string
		w, h int64
	}{{"desktop", 1440, 900}, {"phone", 390, 844}}
	for _, sz := range sizes {
		b := newBrowser(t, srv.URL, int(sz.w), int(sz.h))
		b.allow(fe.URL)
		// capture writes the whole page, or only the viewport for a modal
		// (a full-page capture of an open dialog shows it mid-page).
		capture := func(name string, a chromedp.Action[[]byte]) {
			t.Helper()
			if out == "" {
				return
			}
			png := get(t, b, "screenshot "+name, a)
			if err := os.WriteFile(filepath.Join(out, name+"-"+sz.name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		shot := func(name string) { t.Helper(); capture(name, chromedp.FullScreenshot(100)) }
		b.run(t, "viewport", chromedp.EmulateViewport(sz.w, sz.h))
		b.run(t, "sign-in page", chromedp.Navigate(srv.URL+"/admin/login"), visible(`#login-submit`))
		shot("sign-in")
		b.run(t, "sign in", keys(`#email`, adminEmail), keys(`#password`, adminPassword), submit(`#login-submit`), visible(`#new-page`))
		shot("dashboard")
		b.run(t, "page list", chromedp.Navigate(srv.URL+"/admin/collections/pages"), visible(`#list-table`))
		shot("page-list")
		b.run(t, "page editor", chromedp.Navigate(srv.URL+"/admin/collections/pages/2"), visible(`#f-title`), visible(`.rte-body`))
		richTextSupported(t, b)
		shot("page-editor")
		b.run(t, "media drawer", click(`.field[data-path="heroImage"] .pk-open`), visible(`dialog.pk-drawer .pk-grid button`))
		capture("media-drawer", chromedp.CaptureScreenshot())
		b.run(t, "version diff", chromedp.Navigate(fmt.Sprintf("%s/admin/collections/pages/2/versions/%d", srv.URL, vid)), visible(`.diff`))
		shot("version-diff")
		b.run(t, "live preview", chromedp.Navigate(srv.URL+"/admin/collections/pages/2/preview"), visible(`#live-preview-iframe`),
			visible(`#live-state[data-state="live"]`))
		fe.await(t, "a render of the draft", func(r frontReport) bool { return r.Kind == "render" })
		shot("live-preview")
		b.run(t, "media library", chromedp.Navigate(srv.URL+"/admin/collections/media"), visible(`#upload`))
		shot("media-library")
		b.run(t, "user list", chromedp.Navigate(srv.URL+"/admin/collections/users"), visible(`#list-table`))
		shot("user-list")
		b.run(t, "account", chromedp.Navigate(srv.URL+"/admin/account"), visible(`#change-password`))
		shot("account")
		b.run(t, "dark mode", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}})
			return err
		}), chromedp.Navigate(srv.URL+"/admin/collections/pages/2"), visible(`.rte-body`))
		shot("page-editor-dark")
		b.run(t, "dark list", chromedp.Navigate(srv.URL+"/admin/collections/media"), visible(`#upload`))
		shot("media-library-dark")
	}
}
