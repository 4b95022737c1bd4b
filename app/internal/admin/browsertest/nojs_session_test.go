package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestExpiredSessionWithoutJavaScriptLosesNothing: with scripts off, a save
// submitted after the session ended answers the sign-in page carrying the
// form (nothing stored yet); a wrong password keeps it carried; signing in
// saves everything typed and lands on the editor.
func TestExpiredSessionWithoutJavaScriptLosesNothing(t *testing.T) {
	clk := &testClock{}
	srv, actor, id, edit := startWithPage(t, clk, "Team")
	b := newBrowser(t, srv.URL, 1280, 900)
	b.run(t, "disable scripts", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	signIn(t, b, srv.URL, adminEmail, adminPassword)
	b.run(t, "type", chromedp.Navigate(edit), visible(`#f-title`),
		keys(`#f-title`, " and friends"), keys(`#f-meta-description`, "Who we are."))
	typed := get(t, b, "typed title", value(`#f-title`))
	if js := get(t, b, "js off", chromedp.Evaluate[bool](`document.documentElement.classList.contains("js")`)); js {
		t.Fatal("admin.js ran although scripts are disabled")
	}

	clk.advance(srv.App.Auth().TokenTTL() + time.Minute) // the session is over
	b.run(t, "save after the session ended", submit(`#save-draft`), visible(`#replay-note`), visible(`#login-submit`))
	if got := draftTitle(t, srv, actor, id); got != "Team" {
		t.Fatalf("saved without a session: %q", got)
	}
	b.expectError(t, "wrong password", "incorrect", keys(`#email`, adminEmail), keys(`#password`, "not-the-password"), submit(`#login-submit`))
	if n := get(t, b, "still carried", chromedp.Evaluate[int](`document.querySelectorAll('#replay-note, input[name=_replay]').length`)); n != 2 {
		t.Fatal("the form is no longer carried after a wrong password")
	}
	b.run(t, "sign in", keys(`#password`, adminPassword), submit(`#login-submit`), visible(`[data-flash="success"]`), visible(`#f-title`))
	if loc := get(t, b, "location", chromedp.Location()); !strings.HasSuffix(loc, edit[len(srv.URL):]) {
		t.Fatalf("after signing in: %s, want the editor %s", loc, edit)
	}
	if v := get(t, b, "saved title", value(`#f-title`)); v != typed {
		t.Fatalf("title after signing in: %q, typed %q", v, typed)
	}
	storedEditsKept(t, srv, actor, id, typed)
}
