package browsertest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// prefersColorScheme emulates the device's light or dark setting.
func prefersColorScheme(v string) step {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}}})
		return err
	})
}

const (
	lightBG = "rgb(246, 247, 249)"
	darkBG  = "rgb(15, 17, 21)"
)

func background(t *testing.T, b *browser) string {
	t.Helper()
	return get(t, b, "background", chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
}

// adminHTML fetches an admin page as the holder of a session token, as a
// browser's first request would: the theme must already be in it.
func adminHTML(t *testing.T, base, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/admin/account", nil)
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: token})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestThemePerUser: each user picks auto, light or dark on the account page
// (no JavaScript needed); the choice is stored per user and written by the
// server into the page, so it applies from the first paint (no flash, no
// inline script, CSP intact); auto follows the device.
func TestThemePerUser(t *testing.T) {
	srv := startCMS(t, nil)
	ctx := context.Background()
	reg, err := srv.App.Auth().FirstRegister(ctx, auth.Registration{Email: adminEmail, Password: adminPassword, Name: "Ada Admin"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := srv.App.Auth().Authenticate(ctx, auth.Credentials{Cookie: reg.Token})
	if err != nil || p == nil {
		t.Fatalf("principal: %v", err)
	}
	if _, err := srv.App.Auth().CreateUser(ctx, p, auth.Registration{Email: "eddie@example.com", Name: "Eddie", Password: "another-long-password", Roles: []string{content.RoleEditor}}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv.URL, 1280, 900)
	b.run(t, "a light device", prefersColorScheme("light"))
	signIn(t, b, srv.URL, adminEmail, adminPassword)
	if bg := background(t, b); bg != lightBG {
		t.Fatalf("auto on a light device: background %s, want %s", bg, lightBG)
	}
	b.run(t, "choose dark", chromedp.Navigate(srv.URL+"/admin/account"), visible(`#theme-auto:checked`),
		click(`#theme-dark`), submit(`#save-theme`), visible(`#theme-dark:checked`), visible(`html[data-theme="dark"]`))
	if bg := background(t, b); bg != darkBG {
		t.Fatalf("dark: background %s, want %s", bg, darkBG)
	}
	if html := adminHTML(t, srv.URL, reg.Token); !strings.Contains(html, `<html lang="en" data-theme="dark"`) || !strings.Contains(html, `<meta name="color-scheme" content="dark">`) {
		t.Fatalf("the server's page does not carry the theme:\n%.300s", html)
	}

	// Another user on the same browser keeps their own (auto).
	b.run(t, "sign out", submit(`#sign-out`), visible(`#login-submit`))
	signIn(t, b, srv.URL, "eddie@example.com", "another-long-password")
	if has := get(t, b, "theme attribute", chromedp.Evaluate[bool](`document.documentElement.hasAttribute("data-theme")`)); has {
		t.Fatal("the second user got the first user's theme")
	}
	b.run(t, "a dark device", prefersColorScheme("dark"), chromedp.Navigate(srv.URL+"/admin"), visible(`#new-page`))
	if bg := background(t, b); bg != darkBG {
		t.Fatalf("auto on a dark device: background %s, want %s", bg, darkBG)
	}
	b.run(t, "choose light", chromedp.Navigate(srv.URL+"/admin/account"), click(`#theme-light`), submit(`#save-theme`),
		visible(`html[data-theme="light"]`))
	if bg := background(t, b); bg != lightBG {
		t.Fatalf("light on a dark device: background %s, want %s", bg, lightBG)
	}
	if v, _ := srv.App.Auth().Preference(ctx, p, "admin.theme"); v != "dark" {
		t.Fatalf("the first user's stored theme = %q, want dark", v)
	}
}
