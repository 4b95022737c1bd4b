package browsertest

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/chromedp/chromedp"
)

// navLink is one navItems row of a global as the REST API answers it.
type navLink struct {
	Link struct {
		Type      string `json:"type"`
		NewTab    bool   `json:"newTab"`
		Reference *struct {
			RelationTo string `json:"relationTo"`
			Value      any    `json:"value"`
		} `json:"reference"`
		URL   string `json:"url"`
		Label string `json:"label"`
	} `json:"link"`
}

// readNav reads a global's navItems anonymously through the REST API.
func readNav(t *testing.T, base, slug string) []navLink {
	t.Helper()
	code, body := anonGet(t, base+"/api/globals/"+slug+"?depth=0")
	var g struct {
		NavItems []navLink `json:"navItems"`
	}
	if err := json.Unmarshal(body, &g); code != http.StatusOK || err != nil {
		t.Fatalf("GET /api/globals/%s: %d %s", slug, code, body)
	}
	return g.NavItems
}

// firstAdmin registers the first user (an admin) and returns them as an
// actor for seeding through the service.
func firstAdmin(t *testing.T, srv *cms) *content.Actor {
	t.Helper()
	if _, err := srv.App.Auth().FirstRegister(context.Background(), auth.Registration{Email: adminEmail, Password: adminPassword}); err != nil {
		t.Fatal(err)
	}
	return &content.Actor{ID: 1, Email: adminEmail, Roles: []string{content.RoleAdmin}}
}

// TestGlobals edits the header (drafts, versions, restore) and the footer
// (no drafts) from the sidebar's Globals group: link rows with a page
// picker and a custom URL, a validation error, publish, and the result
// through the REST API.
func TestGlobals(t *testing.T) {
	// Autosave off: the versions counted here are the test's own saves
	// (TestAutosaveGlobal covers the header's autosave).
	srv := startCMSModel(t, nil, noAutosave(t))
	ctx := context.Background()
	actor := firstAdmin(t, srv)
	about, err := srv.App.Content().Create(ctx, actor, collections.PagesSlug, map[string]any{"title": "About", "_status": "published"}, content.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	aboutID, _ := content.RelationID(about.Doc["id"])
	ref := collections.PagesSlug + ":" + strconv.FormatInt(aboutID, 10)
	b := newBrowser(t, srv.URL, 1280, 900)
	u := srv.URL
	signIn(t, b, u, adminEmail, adminPassword)

	// The sidebar lists the globals under their group.
	group := get(t, b, "sidebar group", text(`.sidebar .nav-group`))
	if group != "Globals" {
		t.Fatalf("sidebar group %q", group)
	}
	b.run(t, "open header", submit(`.sidebar a[href="/admin/globals/header"]`), visible(`#save-draft`))
	if n := get(t, b, "no rows yet", chromedp.Evaluate[int](`document.querySelectorAll('[data-row]').length`)); n != 0 {
		t.Fatalf("a never-saved header shows %d rows", n)
	}

	// Two links: a page picked from the list, and a custom URL.
	b.run(t, "add a link", click(`button[value="add:navItems"]`), visible(`#f-navItems-0-link-label`),
		keys(`#f-navItems-0-link-label`, "About"), setValue(`#f-navItems-0-link-reference`, ref))
	b.run(t, "add a second link", click(`button[value="add:navItems"]`), visible(`#f-navItems-1-link-label`),
		choose(`#f-navItems-1-link-type`, "custom"), keys(`#f-navItems-1-link-url`, "https://example.com/docs"),
		click(`#f-navItems-1-link-newTab`), keys(`#f-navItems-1-link-label`, "Docs"))
	if v := get(t, b, "first row kept", value(`#f-navItems-0-link-label`)); v != "About" {
		t.Fatalf("first row's label after adding a row: %q", v)
	}
	b.run(t, "save draft", submit(`#save-draft`), visible(`[data-flash="success"]`))
	if st := get(t, b, "status", text(`#doc-status`)); st != "draft" {
		t.Fatalf("status after saving a draft: %q", st)
	}

	// A link needs a label: the error lands next to its input.
	b.expectError(t, "label required", "required", clear(`#f-navItems-0-link-label`), submit(`#publish`))
	if inv := get(t, b, "invalid input", chromedp.Evaluate[string](`document.querySelector('#f-navItems-0-link-label').getAttribute('aria-invalid') || ""`)); inv != "true" {
		t.Fatalf("label input not marked invalid")
	}
	b.run(t, "publish", keys(`#f-navItems-0-link-label`, "About us"), submit(`#publish`), visible(`#unpublish`))
	nav := readNav(t, u, collections.HeaderSlug)
	if len(nav) != 2 || nav[0].Link.Label != "About us" || nav[0].Link.Type != "reference" || nav[0].Link.Reference == nil ||
		nav[0].Link.Reference.RelationTo != collections.PagesSlug || nav[1].Link.Type != "custom" ||
		nav[1].Link.URL != "https://example.com/docs" || !nav[1].Link.NewTab || nav[1].Link.Label != "Docs" {
		t.Fatalf("published header: %+v", nav)
	}
	if id, _ := content.RelationID(nav[0].Link.Reference.Value); id != aboutID {
		t.Fatalf("header links to %v, want page %d", nav[0].Link.Reference.Value, aboutID)
	}
	if sel := get(t, b, "picker shows the page", value(`#f-navItems-0-link-reference`)); sel != ref {
		t.Fatalf("page picker after publish: %q", sel)
	}

	// Versions: the first draft is listed and can be restored.
	b.run(t, "versions", submit(`#versions-link`), visible(`#versions-table`))
	if n := get(t, b, "version rows", chromedp.Evaluate[int](`document.querySelectorAll('#versions-table tbody tr').length`)); n != 2 {
		t.Fatalf("header versions: %d rows, want 2", n)
	}
	b.run(t, "open the draft version", submit(`#versions-table tbody tr:last-child a`), visible(`#restore`))
	b.run(t, "restore it as a draft", submit(`#restore`), visible(`#restore-draft`), submit(`#restore-draft`), visible(`#f-navItems-0-link-label`))
	if v := get(t, b, "restored label", value(`#f-navItems-0-link-label`)); v != "About" {
		t.Fatalf("label after restoring the first draft: %q", v)
	}
	if st := get(t, b, "status", text(`#doc-status`)); st != "changed" {
		t.Fatalf("header status after restoring a draft over the live one: %q", st)
	}
	if nav := readNav(t, u, collections.HeaderSlug); len(nav) != 2 || nav[0].Link.Label != "About us" {
		t.Fatalf("restoring as a draft changed the live header: %+v", nav)
	}

	// The footer has no drafts: one Save, live at once, no versions.
	b.run(t, "open footer", submit(`.sidebar a[href="/admin/globals/footer"]`), visible(`#save`))
	if n := get(t, b, "no versions link", chromedp.Evaluate[int](`document.querySelectorAll('#versions-link, #save-draft').length`)); n != 0 {
		t.Fatal("the footer offers drafts or versions")
	}
	b.run(t, "footer link", click(`button[value="add:navItems"]`), visible(`#f-navItems-0-link-label`),
		choose(`#f-navItems-0-link-type`, "custom"), keys(`#f-navItems-0-link-url`, "/privacy"), keys(`#f-navItems-0-link-label`, "Privacy"),
		submit(`#save`), visible(`[data-flash="success"]`))
	if nav := readNav(t, u, collections.FooterSlug); len(nav) != 1 || nav[0].Link.Label != "Privacy" || nav[0].Link.URL != "/privacy" {
		t.Fatalf("footer: %+v", nav)
	}
	b.run(t, "footer has no versions page", chromedp.Navigate(u+"/admin/globals/footer/versions"), visible(`main`))
	if title := get(t, b, "title", chromedp.Title()); title != "Not found · Chronos" {
		t.Fatalf("footer versions page: %q", title)
	}
}
