package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focused is the element that has the focus, described for comparisons:
// its id, or its _op value, or its data attribute.
const focused = `(function(){var e=document.activeElement;if(!e)return "";
	if(e.id)return "#"+e.id;if(e.name==="_op")return "op:"+e.value;if(e.hasAttribute("data-insert-block"))return "insert:"+e.getAttribute("data-insert-block");
	var r=e.closest("[data-rte-for]");if(r)return "rte:"+r.getAttribute("data-rte-for");if(e.tagName==="SUMMARY")return "summary:"+e.closest("li").getAttribute("data-row");
	return e.tagName})()`

func wantFocus(t *testing.T, b *browser, name, want string) {
	t.Helper()
	if got := get(t, b, name+": focus", chromedp.Evaluate[string](focused)); got != want {
		t.Fatalf("%s: focus on %q, want %q", name, got, want)
	}
}

// samePage marks the document; stillSamePage fails when it was replaced
// (a reload or a form post happened in between).
func samePage() step { return eval(`document.body.setAttribute("data-same-page","1")`) }
func stillSamePage(t *testing.T, b *browser, name string) {
	t.Helper()
	if !get(t, b, name+": same page", chromedp.Evaluate[bool](`document.body.hasAttribute("data-same-page")`)) {
		t.Fatalf("%s: the page was reloaded", name)
	}
}

// storedLayout reads a page's draft layout through the service.
func storedLayout(t *testing.T, srv *cms, actor *content.Actor, id int64) []map[string]any {
	t.Helper()
	doc, err := srv.App.Content().FindByID(context.Background(), actor, collections.PagesSlug, id, content.ReadOptions{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc["layout"])
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// blockShape is a block reduced to what the test typed: type, heading,
// caption, link labels and urls, feature titles and rich text's text.
func blockShape(bl map[string]any) string {
	s := fmt.Sprint(bl["blockType"])
	for _, k := range []string{"heading", "caption"} {
		if v, ok := bl[k].(string); ok {
			s += " " + k + "=" + v
		}
	}
	for _, k := range []string{"links", "items"} {
		rows, _ := bl[k].([]any)
		for _, r := range rows {
			m, _ := r.(map[string]any)
			s += fmt.Sprintf(" %s[%v|%v|%v]", k, m["label"], m["url"], m["title"])
		}
	}
	if rt, ok := bl["richText"]; ok && rt != nil {
		raw, _ := json.Marshal(rt)
		for _, m := range regexp.MustCompile(`"text":"([^"]*)"`).FindAllStringSubmatch(string(raw), -1) {
			s += " text=" + m[1]
		}
	}
	return s
}

func layoutShapes(layout []map[string]any) []string {
	out := make([]string, 0, len(layout))
	for _, bl := range layout {
		out = append(out, blockShape(bl))
	}
	return out
}

// rowIDs lists the ids of the blocks and of their nested rows.
func rowIDs(layout []map[string]any) []string {
	var ids []string
	for _, bl := range layout {
		ids = append(ids, fmt.Sprint(bl["id"]))
		for _, k := range []string{"links", "items"} {
			rows, _ := bl[k].([]any)
			for _, r := range rows {
				ids = append(ids, fmt.Sprint(r.(map[string]any)["id"]))
			}
		}
	}
	return ids
}

// TestBlocksInPlace edits a page's layout without a round trip: add (a
// link row inside a hero shown at once), insert between, duplicate (with
// its nested rows), move, remove, collapse and expand all, all in one
// document with the focus kept; then saves, reloads and compares the
// stored layout, and edits once more after the reload.
func TestBlocksInPlace(t *testing.T) {
	srv := startCMS(t, nil)
	actor := firstAdmin(t, srv)
	b := newBrowser(t, srv.URL, 1280, 900)
	u := srv.URL
	signIn(t, b, u, adminEmail, adminPassword)

	b.run(t, "new page", chromedp.Navigate(u+"/admin/collections/pages/create"), visible(`#f-title`),
		keys(`#f-title`, "In place"), samePage())
	if n := get(t, b, "bars", chromedp.Evaluate[int](`document.querySelectorAll('#f-layout > .rows-bar [data-rows-all]').length`)); n != 2 {
		t.Fatalf("layout has %d collapse/expand buttons, want 2", n)
	}

	// Add: a hero, focused on its heading; a link inside it; a content
	// block whose rich text editor is set up; a call to action.
	b.run(t, "add hero", click(`[data-add-block="hero"]`), visible(`#f-layout-0-heading`))
	wantFocus(t, b, "add hero", "#f-layout-0-heading")
	b.run(t, "type hero", keys(`#f-layout-0-heading`, "Hero one"),
		click(`button[value="add:layout.0.links"]`), visible(`#f-layout-0-links-0-label`))
	wantFocus(t, b, "add link", "#f-layout-0-links-0-label")
	if s := get(t, b, "summary", text(`#row-layout\.0 > details > summary .row-summary`)); s != "— Hero one" {
		t.Fatalf("hero summary while typing: %q", s)
	}
	b.run(t, "type link", keys(`#f-layout-0-links-0-label`, "Docs"), keys(`#f-layout-0-links-0-url`, "/docs"),
		click(`[data-add-block="content"]`), visible(`[data-rte-for="f-layout-1-richText"] .rte-body`))
	wantFocus(t, b, "add content", "rte:f-layout-1-richText")
	b.run(t, "type rich text", typeText("Body copy"),
		visible(`[data-rte-for="f-layout-1-richText"] .rte-body p`),
		click(`[data-add-block="callToAction"]`), visible(`#f-layout-2-heading`), keys(`#f-layout-2-heading`, "Act now"))

	// Insert between: a features block before the content block, with an
	// item; the content block and its editor move to layout.2.
	b.run(t, "open insert menu", click(`#row-layout\.1 > .row-insert > button`), visible(`#row-layout\.1 .insert-menu`))
	wantFocus(t, b, "insert menu", "insert:hero")
	b.run(t, "insert features", click(`#row-layout\.1 .insert-menu [data-insert-block="features"]`), visible(`button[value="add:layout.1.items"]`))
	if n := get(t, b, "menu closed", chromedp.Evaluate[int](`document.querySelectorAll('.insert-menu').length`)); n != 0 {
		t.Fatalf("%d insert menus still open", n)
	}
	b.run(t, "feature item", click(`button[value="add:layout.1.items"]`), visible(`#f-layout-1-items-0-title`),
		keys(`#f-layout-1-items-0-title`, "Fast"), visible(`[data-rte-for="f-layout-2-richText"] .rte-body`))

	// Duplicate the hero with its link; the copy is layout.1, focused.
	b.run(t, "duplicate hero", click(`button[value="dup:layout.0"]`), visible(`#f-layout-1-links-0-url`))
	wantFocus(t, b, "duplicate", "#f-layout-1-heading")
	if v := get(t, b, "copied url", value(`#f-layout-1-links-0-url`)); v != "/docs" {
		t.Fatalf("duplicated link url %q", v)
	}
	if v := get(t, b, "copied row id", value(`input[name="layout.1.id"]`)); v != "" {
		t.Fatalf("the duplicate kept a row id: %q", v)
	}
	b.run(t, "edit copy", clear(`#f-layout-1-heading`), keys(`#f-layout-1-heading`, "Hero two"))

	// Layout now: hero, hero (copy), features, content, call to action.
	// Move the call to action up twice; the focus stays on its button.
	b.run(t, "move up", click(`button[value="up:layout.4"]`), visible(`#f-layout-3-heading`))
	wantFocus(t, b, "move up", "op:up:layout.3")
	b.run(t, "move up again", enterKey(), visible(`#f-layout-2-heading`))
	wantFocus(t, b, "move up again", "op:up:layout.2")
	if v := get(t, b, "moved", value(`#f-layout-2-heading`)); v != "Act now" {
		t.Fatalf("layout.2.heading after the moves %q", v)
	}
	if lbl := get(t, b, "relabelled", chromedp.Evaluate[string](`document.querySelector('button[value="up:layout.2"]').getAttribute("aria-label")`)); lbl != "Move Call to Action 3 up" {
		t.Fatalf("moved row's button label %q", lbl)
	}
	// Move the first hero down: its up button becomes enabled.
	b.run(t, "move first down", click(`button[value="down:layout.0"]`), visible(`#f-layout-1-heading`))
	wantFocus(t, b, "move down", "op:down:layout.1")

	// Remove the features block (layout.3 now); the focus goes to the
	// next row.
	b.run(t, "remove features", click(`button[value="remove:layout.3"]`), visible(`[data-rte-for="f-layout-3-richText"]`))
	wantFocus(t, b, "remove", "summary:layout.3")
	want := []string{"hero heading=Hero two links[Docs|/docs|<nil>]", "hero heading=Hero one links[Docs|/docs|<nil>]",
		"callToAction heading=Act now", "content text=Body copy"}

	// Collapse and expand all.
	b.run(t, "collapse all", click(`#f-layout > .rows-bar [data-rows-all="close"]`))
	if n := get(t, b, "open rows", chromedp.Evaluate[int](`document.querySelectorAll('#f-layout li.row > details[open]').length`)); n != 0 {
		t.Fatalf("%d rows open after collapse all", n)
	}
	b.run(t, "expand all", click(`#f-layout > .rows-bar [data-rows-all="open"]`), visible(`#f-layout-0-links-0-url`))
	if n := get(t, b, "closed rows", chromedp.Evaluate[int](`document.querySelectorAll('#f-layout li.row > details:not([open])').length`)); n != 0 {
		t.Fatalf("%d rows closed after expand all", n)
	}
	stillSamePage(t, b, "layout edited")
	// Every input's name and id follow its row's place.
	bad := get(t, b, "names", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#f-layout li.row')).flatMap(function(li){
		var p=li.getAttribute("data-row"), id="f-"+p.replace(/\./g,"-");
		var rows=li.parentElement.querySelectorAll(":scope > li.row"), i=Array.prototype.indexOf.call(rows, li);
		var out=[]; if(p!==li.parentElement.parentElement.getAttribute("data-rows")+"."+i) out.push("row "+p+" at "+i);
		li.querySelectorAll(":scope > details > .row-fields [name]").forEach(function(c){ var n=c.name==="_op"?c.value.split(":")[1]:c.name;
			if(n.indexOf(p+".")!==0) out.push(n+" in "+p); if(c.id&&c.id.indexOf(id+"-")!==0) out.push(c.id+" in "+p); });
		return out;})`))
	if len(bad) > 0 {
		t.Fatalf("names out of place: %v", bad)
	}

	b.run(t, "save", submit(`#save-draft`), visible(`#doc-status`))
	m := regexp.MustCompile(`/pages/(\d+)$`).FindStringSubmatch(get(t, b, "location", chromedp.Location()))
	if m == nil {
		t.Fatal("no page id after saving")
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	layout := storedLayout(t, srv, actor, id)
	if got := layoutShapes(layout); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("stored layout:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	ids := rowIDs(layout)
	seen := map[string]bool{}
	for _, x := range ids {
		if x == "" || x == "<nil>" || seen[x] {
			t.Fatalf("row ids not unique and set: %v", ids)
		}
		seen[x] = true
	}

	// Reloaded, the form shows the stored layout; one more round of edits
	// (remove the copy, duplicate the content block) saves as expected.
	b.run(t, "reload", chromedp.Navigate(u+"/admin/collections/pages/"+m[1]), chromedp.WaitReady(chromedp.CSS(`[data-rte-for="f-layout-3-richText"] .rte-body`)), samePage())
	if v := get(t, b, "reloaded", value(`#f-layout-0-heading`)); v != "Hero two" {
		t.Fatalf("reloaded layout.0.heading %q", v)
	}
	b.run(t, "remove copy", click(`button[value="remove:layout.0"]`), chromedp.WaitReady(chromedp.CSS(`[data-rte-for="f-layout-2-richText"]`)),
		click(`button[value="dup:layout.2"]`), visible(`[data-rte-for="f-layout-3-richText"] .rte-body p`))
	stillSamePage(t, b, "second round")
	b.run(t, "save again", submit(`#save-draft`), visible(`#doc-status`))
	layout2 := storedLayout(t, srv, actor, id)
	want2 := []string{want[1], want[2], want[3], want[3]}
	if got := layoutShapes(layout2); strings.Join(got, "\n") != strings.Join(want2, "\n") {
		t.Fatalf("stored layout after the second round:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want2, "\n"))
	}
	if layout2[0]["id"] != layout[1]["id"] || layout2[2]["id"] != layout[3]["id"] || layout2[3]["id"] == layout[3]["id"] {
		t.Fatalf("row ids: kept rows must keep theirs, the copy gets a new one: before %v after %v", rowIDs(layout), rowIDs(layout2))
	}
}

// tabTo presses Tab until the focused element matches sel (at most 300
// times), as a keyboard user moves through the page.
func tabTo(sel string) step {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		check := fmt.Sprintf(`(function(){var e=document.activeElement;return !!(e&&e.matches(%s))})()`, strconv.Quote(sel))
		for i := 0; i < 300; i++ {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
				return err
			}
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](check))
			if err != nil {
				return err
			}
			if ok {
				return nil
			}
		}
		return fmt.Errorf("%s not reached by Tab", sel)
	})
}

// TestKeyboardOnlyPageWithBlocks creates and publishes a page with blocks
// using the keyboard alone (Tab, Enter, Space and typing; no mouse).
func TestKeyboardOnlyPageWithBlocks(t *testing.T) {
	srv := startCMS(t, nil)
	actor := firstAdmin(t, srv)
	b := newBrowser(t, srv.URL, 1280, 900)
	u := srv.URL
	signIn(t, b, u, adminEmail, adminPassword)
	space := chromedp.KeyEvent(" ")

	b.run(t, "open new page", chromedp.Navigate(u+"/admin/collections/pages/create"), visible(`#f-title`), samePage(),
		tabTo(`#f-title`), chromedp.KeyEvent("Keyboard page"),
		tabTo(`[data-add-block="hero"]`), enterKey(), visible(`#f-layout-0-heading`))
	wantFocus(t, b, "Enter adds a hero", "#f-layout-0-heading")
	b.run(t, "hero and its link", chromedp.KeyEvent("Made with keys"),
		tabTo(`button[value="add:layout.0.links"]`), space, visible(`#f-layout-0-links-0-label`))
	wantFocus(t, b, "Space adds a link", "#f-layout-0-links-0-label")
	b.run(t, "link", chromedp.KeyEvent("Start"), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent("/start"),
		tabTo(`[data-add-block="content"]`), enterKey(), visible(`[data-rte-for="f-layout-1-richText"] .rte-body`))
	wantFocus(t, b, "Enter adds a content block", "rte:f-layout-1-richText")
	b.run(t, "rich text", chromedp.KeyEvent("Typed without a mouse"), visible(`[data-rte-for="f-layout-1-richText"] .rte-body p`),
		// Insert a call to action between the two blocks from the menu.
		tabTo(`#row-layout\.1 > .row-insert > button`), enterKey(), visible(`#row-layout\.1 .insert-menu`),
		tabTo(`[data-insert-block="callToAction"]`), space, visible(`#f-layout-1-heading`))
	wantFocus(t, b, "inserted", "#f-layout-1-heading")
	b.run(t, "cta heading", chromedp.KeyEvent("Between"),
		// Move the content block (layout.2) up to the top with the keyboard.
		tabTo(`button[value="up:layout.2"]`), enterKey(), visible(`[data-rte-for="f-layout-1-richText"]`))
	wantFocus(t, b, "moved once", "op:up:layout.1")
	b.run(t, "move to the top", space, visible(`[data-rte-for="f-layout-0-richText"]`))
	wantFocus(t, b, "at the top the focus goes to move down", "op:down:layout.0")
	stillSamePage(t, b, "keyboard editing")
	b.run(t, "publish", tabTo(`#publish`), enterKey(), visible(`#unpublish`))
	m := regexp.MustCompile(`/pages/(\d+)$`).FindStringSubmatch(get(t, b, "location", chromedp.Location()))
	if m == nil {
		t.Fatal("no page id after publishing")
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	want := []string{"content text=Typed without a mouse", "hero heading=Made with keys links[Start|/start|<nil>]", "callToAction heading=Between"}
	if got := layoutShapes(storedLayout(t, srv, actor, id)); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("stored layout:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
