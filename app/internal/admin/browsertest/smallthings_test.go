package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/chromedp/chromedp"
)

// caretEnd puts the caret at the end of an input, so keys append.
func caretEnd(sel string) step {
	return eval(fmt.Sprintf(`(function(){var e=document.querySelector(%q);e.focus();e.setSelectionRange(e.value.length,e.value.length)})()`, sel))
}

// publishedPage creates a published page and, on top, a draft whose layout
// holds a media block without its (required) media.
func publishedPage(t *testing.T, srv *cms, title, slug string) (*content.Actor, int64) {
	t.Helper()
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
	res, err := srv.App.Content().Create(ctx, actor, collections.PagesSlug, map[string]any{"title": title, "slug": slug, "_status": content.StatusPublished}, content.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := content.RelationID(res.Doc["id"])
	if _, err := srv.App.Content().Update(ctx, actor, collections.PagesSlug, id, map[string]any{
		"layout": []any{map[string]any{"blockType": "mediaBlock", "caption": "No picture yet"}}}, content.WriteOptions{Draft: true}); err != nil {
		t.Fatal(err)
	}
	return actor, id
}

// TestSlugLockAndFieldLabels: a published page's slug no longer follows
// its title as the editor types (pages declare the slug SlugLocked; the
// server keeps it too, see the API scenarios), and a refused publish names
// the field by its labels, "Layout › Media 1 › Media", not its path.
func TestSlugLockAndFieldLabels(t *testing.T) {
	srv := startCMSModel(t, nil, noAutosave(t))
	actor, id := publishedPage(t, srv, "Summer", "summer")
	b := newBrowser(t, srv.URL, 1280, 900)
	signIn(t, b, srv.URL, adminEmail, adminPassword)
	edit := fmt.Sprintf("%s/admin/collections/%s/%d", srv.URL, collections.PagesSlug, id)
	b.run(t, "open the published page", chromedp.Navigate(edit), visible(`#f-title`), visible(`#slug-locked`))
	b.run(t, "retitle it", caretEnd(`#f-title`), keys(`#f-title`, " sale"))
	if got := get(t, b, "slug", value(`#f-slug`)); got != "summer" {
		t.Fatalf("slug after retitling a published page = %q, want summer", got)
	}
	b.expectError(t, "publish with a media block without media", "Layout › Media 1 › Media", submit(`#publish`))
	summary := get(t, b, "error summary", text(`#error-summary`))
	if want := "Layout › Media 1 › Media: This field is required."; !strings.Contains(summary, want) || strings.Contains(summary, "layout.0.media") {
		t.Fatalf("error summary %q: want %q and no code path", summary, want)
	}
	// An explicit edit changes the slug.
	b.run(t, "edit the slug", clear(`#f-slug`), keys(`#f-slug`, "summer-sale"), submit(`#save-draft`), visible(`#f-slug`))
	d, err := srv.App.Content().FindByID(context.Background(), actor, collections.PagesSlug, id, content.ReadOptions{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if d["slug"] != "summer-sale" || d["title"] != "Summer sale" {
		t.Fatalf("saved draft: slug %v title %v, want summer-sale and Summer sale", d["slug"], d["title"])
	}
}

// TestPhonePublishBar: on a 390 px phone the action bar's buttons (Save
// draft, Publish changes, Unpublish) are on screen when the editor opens,
// without scrolling, not covered, and show their whole labels.
func TestPhonePublishBar(t *testing.T) {
	srv := startCMSModel(t, nil, noAutosave(t))
	_, id := publishedPage(t, srv, "Winter", "winter")
	b := newBrowser(t, srv.URL, 390, 844)
	b.run(t, "phone viewport", chromedp.EmulateViewport(390, 844))
	signIn(t, b, srv.URL, adminEmail, adminPassword)
	b.run(t, "open the editor", chromedp.Navigate(fmt.Sprintf("%s/admin/collections/%s/%d", srv.URL, collections.PagesSlug, id)), visible(`#f-title`))
	if label := get(t, b, "publish label", text(`#publish`)); label != "Publish changes" {
		t.Fatalf("publish button of a published page says %q", label)
	}
	// Every action button of the bar, and its whole label, is inside the
	// viewport and inside the button (a label wider than its button was
	// clipped: "ublish change"), and the buttons do not overlap.
	for _, sel := range []string{"#save-draft", "#publish", "#unpublish"} {
		problem := get(t, b, sel+" on screen", chromedp.Evaluate[string](fmt.Sprintf(`(function(){
			var e=document.querySelector(%q), r=e.getBoundingClientRect();
			var x=r.left+r.width/2, y=r.top+r.height/2;
			if (window.scrollY!==0) return "page scrolled";
			if (r.top<0 || r.bottom>window.innerHeight || r.left<0 || r.right>window.innerWidth)
				return "box "+[r.left,r.top,r.right,r.bottom].join(",")+" outside the "+window.innerWidth+"x"+window.innerHeight+" viewport";
			if (!e.contains(document.elementFromPoint(x,y))) return "covered";
			if (e.scrollWidth>e.clientWidth || e.scrollHeight>e.clientHeight)
				return "label overflows its button: content "+e.scrollWidth+"x"+e.scrollHeight+" in "+e.clientWidth+"x"+e.clientHeight;
			var range=document.createRange(); range.selectNodeContents(e);
			var t=range.getBoundingClientRect();
			if (t.left<r.left || t.right>r.right || t.top<r.top || t.bottom>r.bottom)
				return "label "+[t.left,t.top,t.right,t.bottom].join(",")+" outside its button "+[r.left,r.top,r.right,r.bottom].join(",");
			var others=Array.from(document.querySelectorAll("#publish-bar .btn")).filter(function(o){return o!==e});
			for (var i=0;i<others.length;i++){var o=others[i].getBoundingClientRect();
				if (o.left<r.right && r.left<o.right && o.top<r.bottom && r.top<o.bottom) return "overlaps #"+others[i].id;}
			return "";
		})()`, sel)))
		if problem != "" {
			t.Fatalf("%s at 390×844: %s", sel, problem)
		}
	}
	// It still works from there: publishing is refused with the labelled error.
	b.expectError(t, "publish from the bar", "Layout › Media 1 › Media", submit(`#publish`))
}
