package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
)

// TestPickersWithoutScript: the plain form behind the pickers. The editor
// draws each relation field's plain input inside a [data-pick] box whose
// config comes from the definitions (targets, title and search fields,
// MIME types); the hero image's select offers only images; a hasMany
// relation's ids input names its documents; and a PDF posted as the hero
// image (as a form without JavaScript could) is refused next to the field.
func TestPickersWithoutScript(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	ctx := context.Background()
	actor := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	media := func(name, mime string) string {
		m, err := s.app.Content().Create(ctx, actor, collections.MediaSlug, map[string]any{"alt": name}, content.WriteOptions{Attachment: media.Preset(map[string]any{"filename": name, "mimeType": mime, "url": "/api/media/file/" + name})})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(m.Doc["id"])
	}
	img, pdf := media("sea.png", "image/png"), media("terms.pdf", "application/pdf")
	page := func(input map[string]any) string {
		res, err := s.app.Content().Create(ctx, actor, collections.PagesSlug, input, content.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(res.Doc["id"])
	}
	home, about := page(map[string]any{"title": "Home"}), page(map[string]any{"title": "About"})
	id := page(map[string]any{"title": "Linked", "related": []any{about, home}, "heroImage": img})
	edit := "/admin/collections/pages/" + id
	_, body := s.get(t, edit)
	for _, want := range []string{
		`Document ids, separated by commas. Now: About, Home.`,
		`"slug":"` + collections.MediaSlug + `"`, `"mime":["image/*"]`, `"search":["title","slug"]`, `"title":"title"`,
		`"value":"` + img + `","label":"sea.png"`,
	} {
		if !strings.Contains(html.UnescapeString(body), want) {
			t.Errorf("editor lacks %s", want)
		}
	}
	sel := body[strings.Index(body, `id="f-heroImage"`):]
	sel = sel[:strings.Index(sel, "</select>")]
	if !strings.Contains(sel, `value="`+img+`"`) || strings.Contains(sel, `value="`+pdf+`"`) {
		t.Errorf("hero image select should list the image and not the PDF:\n%s", sel)
	}
	tok := s.token(t, edit)
	resp, body := s.post(t, edit, url.Values{"_csrf": {tok}, "_action": {"draft"}, "title": {"Linked"}, "heroImage": {pdf}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `id="f-heroImage-err"`) ||
		!strings.Contains(body, "This field accepts image/* files only: terms.pdf is application/pdf.") {
		t.Fatalf("a PDF hero image: %d\n%s", resp.StatusCode, body)
	}
}
