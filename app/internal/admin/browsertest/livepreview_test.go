package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/server"
	"github.com/automatonic/chronos/app/internal/testenv"
	"github.com/chromedp/chromedp"
)

// frontendDir is the test front end: a page using the real
// @payloadcms/live-preview, pinned in its package-lock.json.
const frontendDir = "testdata/frontend"

// frontReport is one thing the test front end saw: a message (raw, with
// its origin) or a render of the SDK's merged document.
type frontReport struct {
	Kind   string         `json:"kind"`
	Origin string         `json:"origin"`
	Data   map[string]any `json:"data"`
	Doc    map[string]any `json:"doc"`
}

// frontend is the site's front end on its own origin.
type frontend struct {
	URL     string
	mu      sync.Mutex
	cms     string
	reports chan frontReport
}

// startFrontend serves the test front end: any page path is index.html
// (which names the CMS), /app.js the page's module, /lp/ the SDK's ES
// modules from node_modules, and /report collects what the page saw.
func startFrontend(t *testing.T) *frontend {
	t.Helper()
	testenv.NPMInstall(t, frontendDir)
	sdk := filepath.Join(testenv.NPMPackage(t, frontendDir, "@payloadcms/live-preview"), "dist")
	page, err := os.ReadFile(filepath.Join(frontendDir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	f := &frontend{reports: make(chan frontReport, 1024)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /app.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		http.ServeFile(w, r, filepath.Join(frontendDir, "app.js"))
	})
	mux.HandleFunc("GET /lp/{file}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if !strings.HasSuffix(name, ".js") || strings.Contains(name, "..") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/javascript")
		http.ServeFile(w, r, filepath.Join(sdk, name))
	})
	mux.HandleFunc("POST /report", func(w http.ResponseWriter, r *http.Request) {
		var rep frontReport
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&rep); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		f.reports <- rep
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		cms := f.cms
		f.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(strings.ReplaceAll(string(page), "{{CMS}}", cms)))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func (f *frontend) setCMS(u string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cms = u
}

// await returns the first report that satisfies ok; the timeout only
// bounds a failing test.
func (f *frontend) await(t *testing.T, what string, ok func(frontReport) bool) frontReport {
	t.Helper()
	deadline := time.After(stepTimeout)
	var seen []string
	for {
		select {
		case r := <-f.reports:
			if ok(r) {
				return r
			}
			b, _ := json.Marshal(r)
			seen = append(seen, string(b))
		case <-deadline:
			t.Fatalf("front end: no %s; it saw:\n%s", what, strings.Join(seen, "\n"))
		}
	}
}

// noAutosave is the shipped model with autosave off, so nothing but the
// test's own saves writes pages while the preview runs.
func noAutosave(t *testing.T) *server.Model {
	t.Helper()
	defs := collections.All()
	for _, d := range defs {
		d.Autosave = 0
	}
	reg, err := content.NewRegistry(0, defs...)
	if err != nil {
		t.Fatal(err)
	}
	return &server.Model{Registry: reg}
}

// TestLivePreview: the editor shows the front end beside the form, on the
// front end's origin only (CSP frame-src), and sends it the unsaved values
// through @payloadcms/live-preview's contract as the editor types; the
// front end's real SDK has the CMS populate them (method override with
// data) and renders the draft — while the database is unchanged.
// Breakpoints size the frame.
func TestLivePreview(t *testing.T) {
	fe, srv := startPreviewCMS(t)
	ctx := context.Background()
	reg, err := srv.App.Auth().FirstRegister(ctx, auth.Registration{Email: adminEmail, Password: adminPassword, Name: "Ada Admin"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := srv.App.Auth().Authenticate(ctx, auth.Credentials{Cookie: reg.Token})
	if err != nil || p == nil {
		t.Fatalf("principal: %v", err)
	}
	actor := &content.Actor{ID: p.User.ID, Email: p.User.Email, Roles: p.User.Roles}
	res, err := srv.App.Content().Create(ctx, actor, collections.PagesSlug, map[string]any{
		"title": "Spring sale", "slug": "spring-sale", "author": p.User.ID}, content.WriteOptions{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := content.RelationID(res.Doc["id"])
	stored := func() (string, int) {
		t.Helper()
		d, err := srv.App.Content().FindByID(ctx, actor, collections.PagesSlug, id, content.ReadOptions{Draft: true})
		if err != nil {
			t.Fatal(err)
		}
		title, _ := d["title"].(string)
		return title, len(versionTitles(t, srv, actor, id))
	}
	title0, versions0 := stored()

	b := newBrowser(t, srv.URL, 1440, 900)
	b.allow(fe.URL)
	signIn(t, b, srv.URL, adminEmail, adminPassword)
	edit := fmt.Sprintf("%s/admin/collections/%s/%d", srv.URL, collections.PagesSlug, id)
	b.run(t, "open the live preview", chromedp.Navigate(edit), visible(`#live-preview-open`), submit(`#live-preview-open`),
		visible(`#live-preview-iframe`), visible(`#live-breakpoint`))

	// The frame is the front end's page for the document, and the CSP
	// lets the admin frame that origin and nothing else.
	src := get(t, b, "frame src", chromedp.Evaluate[string](`document.getElementById("live-preview-iframe").src`))
	if src != fe.URL+"/spring-sale" {
		t.Fatalf("frame src = %q, want %q", src, fe.URL+"/spring-sale")
	}
	resp, err := http.Get(edit + "/preview")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "; frame-src "+fe.URL+"; ") || strings.Contains(csp, "*") {
		t.Fatalf("CSP %q must frame %s only", csp, fe.URL)
	}

	// On ready, the admin sends the form's values: Payload's message shape,
	// from the CMS origin, and the SDK renders them populated.
	msg := fe.await(t, "first live preview message", func(r frontReport) bool {
		return r.Kind == "message" && r.Data["type"] == "payload-live-preview" && r.Data["data"] != nil
	})
	if msg.Origin != srv.URL || msg.Data["collectionSlug"] != collections.PagesSlug {
		t.Fatalf("message from %q for %v, want from %q for %q", msg.Origin, msg.Data["collectionSlug"], srv.URL, collections.PagesSlug)
	}
	if d, _ := msg.Data["data"].(map[string]any); d["title"] != "Spring sale" || d["id"] != float64(id) || d["author"] != float64(p.User.ID) {
		t.Fatalf("message data = %v, want the form's values with id %d and the author's id", d, id)
	}
	fe.await(t, "render of the saved values", func(r frontReport) bool {
		a, _ := r.Doc["author"].(map[string]any)
		return r.Kind == "render" && r.Doc["title"] == "Spring sale" && a["email"] == adminEmail
	})

	// Typing sends the unsaved draft; the front end shows it populated.
	b.run(t, "type a new title", eval(`(function(){var e=document.getElementById("f-title");e.focus();e.setSelectionRange(e.value.length,e.value.length)})()`),
		keys(`#f-title`, " now 20 off"))
	want := "Spring sale now 20 off"
	r := fe.await(t, "render of the typed title", func(r frontReport) bool { return r.Kind == "render" && r.Doc["title"] == want })
	if a, _ := r.Doc["author"].(map[string]any); a["email"] != adminEmail || r.Doc["id"] != float64(id) {
		t.Fatalf("rendered draft = %v, want the author populated and id %d", r.Doc, id)
	}
	b.run(t, "the editor says the preview is live", visible(`#live-state[data-state="live"]`))
	if title, versions := stored(); title != title0 || versions != versions0 {
		t.Fatalf("after previewing: stored title %q with %d versions, want %q with %d (nothing written)", title, versions, title0, versions0)
	}

	// A breakpoint gives the frame the device's size, scaled to fit.
	b.run(t, "mobile breakpoint", setValue(`#live-breakpoint`, "mobile"),
		eval(`document.getElementById("live-breakpoint").dispatchEvent(new Event("change"))`),
		chromedp.WaitVisible(`#live-preview-iframe[data-breakpoint="mobile"]`))
	w := get(t, b, "frame width", chromedp.Evaluate[string](`document.getElementById("live-preview-iframe").style.width`))
	if w != "375px" {
		t.Fatalf("mobile frame width = %q, want 375px", w)
	}

	// Saving from the preview keeps the preview open and stores the draft.
	b.run(t, "save the draft", submit(`#save-draft`), visible(`#live-preview-iframe`))
	if title, _ := stored(); title != want {
		t.Fatalf("after saving: stored title %q, want %q", title, want)
	}
}

// TestLivePreviewGlobal: the header global's editor has the same live
// preview as a page's — the front end's home page (where the header shows)
// framed beside the form, breakpoints, and the unsaved values sent with
// globalSlug through @payloadcms/live-preview's contract; the SDK has the
// CMS populate them (POST /api/globals/header with the method override) —
// and nothing is stored until the editor saves.
func TestLivePreviewGlobal(t *testing.T) {
	fe, srv := startPreviewCMS(t)
	ctx := context.Background()
	actor := firstAdmin(t, srv)
	page, err := srv.App.Content().Create(ctx, actor, collections.PagesSlug, map[string]any{"title": "About", "slug": "about", "_status": "published"}, content.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pageID, _ := content.RelationID(page.Doc["id"])
	nav := []any{map[string]any{"link": map[string]any{"type": "reference", "label": "About",
		"reference": map[string]any{"relationTo": collections.PagesSlug, "value": pageID}}}}
	if _, err := srv.App.Content().UpdateGlobal(ctx, actor, collections.HeaderSlug, map[string]any{"navItems": nav, "_status": "published"}, content.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	versions0 := len(globalVersions(t, srv, actor, collections.HeaderSlug))

	b := newBrowser(t, srv.URL, 1440, 900)
	b.allow(fe.URL)
	signIn(t, b, srv.URL, adminEmail, adminPassword)
	b.run(t, "open the header's live preview", chromedp.Navigate(srv.URL+"/admin/globals/"+collections.HeaderSlug),
		visible(`#live-preview-open`), submit(`#live-preview-open`), visible(`#live-preview-iframe`), visible(`#live-breakpoint`))
	if src := get(t, b, "frame src", chromedp.Evaluate[string](`document.getElementById("live-preview-iframe").src`)); src != fe.URL+"/" {
		t.Fatalf("frame src = %q, want %q", src, fe.URL+"/")
	}
	msg := fe.await(t, "first live preview message", func(r frontReport) bool {
		return r.Kind == "message" && r.Data["type"] == "payload-live-preview" && r.Data["data"] != nil
	})
	if msg.Origin != srv.URL || msg.Data["globalSlug"] != collections.HeaderSlug || msg.Data["collectionSlug"] != nil {
		t.Fatalf("message from %q for global %v (collection %v), want from %q for global %q", msg.Origin, msg.Data["globalSlug"], msg.Data["collectionSlug"], srv.URL, collections.HeaderSlug)
	}
	// label returns the first link's label and its page's title when the
	// front end's render has it populated.
	label := func(r frontReport) (string, string) {
		items, _ := r.Doc["navItems"].([]any)
		if len(items) == 0 {
			return "", ""
		}
		row, _ := items[0].(map[string]any)
		link, _ := row["link"].(map[string]any)
		l, _ := link["label"].(string)
		ref, _ := link["reference"].(map[string]any)
		doc, _ := ref["value"].(map[string]any)
		title, _ := doc["title"].(string)
		return l, title
	}
	fe.await(t, "render of the saved header", func(r frontReport) bool {
		l, title := label(r)
		return r.Kind == "render" && l == "About" && title == "About"
	})

	b.run(t, "type a new label", eval(`(function(){var e=document.getElementById("f-navItems-0-link-label");e.focus();e.setSelectionRange(e.value.length,e.value.length)})()`),
		keys(`#f-navItems-0-link-label`, " us"))
	fe.await(t, "render of the typed label, populated", func(r frontReport) bool {
		l, title := label(r)
		return r.Kind == "render" && l == "About us" && title == "About"
	})
	b.run(t, "the editor says the preview is live", visible(`#live-state[data-state="live"]`))
	if n := len(globalVersions(t, srv, actor, collections.HeaderSlug)); n != versions0 {
		t.Fatalf("previewing wrote the header: %d versions, want %d", n, versions0)
	}
	if got := readNav(t, srv.URL, collections.HeaderSlug); len(got) != 1 || got[0].Link.Label != "About" {
		t.Fatalf("live header after previewing: %+v", got)
	}

	b.run(t, "tablet breakpoint", setValue(`#live-breakpoint`, "tablet"),
		eval(`document.getElementById("live-breakpoint").dispatchEvent(new Event("change"))`),
		chromedp.WaitVisible(`#live-preview-iframe[data-breakpoint="tablet"]`))
	if w := get(t, b, "frame width", chromedp.Evaluate[string](`document.getElementById("live-preview-iframe").style.width`)); w != "768px" {
		t.Fatalf("tablet frame width = %q, want 768px", w)
	}
	b.run(t, "save the draft from the preview", submit(`#save-draft`), visible(`#live-preview-iframe`))
	if got := globalVersions(t, srv, actor, collections.HeaderSlug); len(got) != versions0+1 || got[len(got)-1] != "About us" {
		t.Fatalf("header versions after saving from the preview: %q", got)
	}
}

// startPreviewCMS starts the test front end and a CMS (autosave off) whose
// live preview points at it, each knowing the other's origin.
func startPreviewCMS(t *testing.T) (*frontend, *cms) {
	t.Helper()
	fe := startFrontend(t)
	srv := startCMSModel(t, map[string]string{
		contract.CMSPreviewURL:  fe.URL + "/next/preview",
		contract.CMSCORSOrigins: fe.URL,
	}, noAutosave(t))
	fe.setCMS(srv.URL)
	return fe, srv
}
