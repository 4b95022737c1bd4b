package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// inZone emulates the editor's time zone and locale.
func inZone(zone, locale string) step {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: locale})
		return err
	})
}

// TestDatesInEditorsZone: dates are stored in UTC and shown in the
// editor's time zone: the publish date input is typed in local time (and
// saved as UTC), and the dates the server writes ("… UTC") read local.
func TestDatesInEditorsZone(t *testing.T) {
	srv := startCMSModel(t, nil, noAutosave(t))
	actor, id := publishedPage(t, srv, "Autumn", "autumn")
	ctx := context.Background()
	if _, err := srv.App.Content().Update(ctx, actor, collections.PagesSlug, id, map[string]any{"publishedAt": "2026-07-01T12:00:00.000Z"},
		content.WriteOptions{Draft: true}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv.URL, 1280, 900)
	b.run(t, "New York", inZone("America/New_York", "en_US"))
	signIn(t, b, srv.URL, adminEmail, adminPassword)
	b.run(t, "open the editor", chromedp.Navigate(fmt.Sprintf("%s/admin/collections/%s/%d", srv.URL, collections.PagesSlug, id)),
		visible(`#f-publishedAt`), visible(`[data-local-time]`))
	if v := get(t, b, "local input", value(`#f-publishedAt`)); v != "2026-07-01T08:00" {
		t.Fatalf("publish date shown as %q, want 2026-07-01T08:00 (12:00 UTC in New York)", v)
	}
	if v := get(t, b, "submitted value", chromedp.Evaluate[string](`document.querySelector('input[name="publishedAt"]').value`)); v != "2026-07-01T12:00" {
		t.Fatalf("submitted publish date %q, want the UTC 2026-07-01T12:00", v)
	}
	meta := get(t, b, "dates", text(`.meta-list`))
	if strings.Contains(meta, "UTC") || !(strings.Contains(meta, "EST") || strings.Contains(meta, "EDT")) {
		t.Fatalf("last modified / created = %q, want New York time", meta)
	}
	if zone := get(t, b, "zone label", text(`[data-tz-label]`)); zone != "America/New_York" {
		t.Fatalf("zone label %q", zone)
	}
	b.run(t, "type a local time and save", setValue(`#f-publishedAt`, "2026-07-01T09:30"),
		eval(`document.getElementById("f-publishedAt").dispatchEvent(new Event("input", {bubbles: true}))`),
		submit(`#save-draft`), visible(`#f-publishedAt`))
	d, err := srv.App.Content().FindByID(ctx, actor, collections.PagesSlug, id, content.ReadOptions{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if d["publishedAt"] != "2026-07-01T13:30:00.000Z" {
		t.Fatalf("stored publishedAt %v, want 2026-07-01T13:30:00.000Z", d["publishedAt"])
	}
}
