package admin

import (
	"encoding/json"

	"github.com/automatonic/chronos/app/internal/content"
)

// linkTarget is a collection the rich text editor's internal links can
// point at: the editor searches it by its title field.
type linkTarget struct {
	Slug  string `json:"slug"`
	Label string `json:"label"`
	Title string `json:"title"`
}

// linkTargets returns, as JSON for <html data-link-targets>, the
// collections internal links may target: every collection but the auth and
// upload ones (as Payload's link feature, which enables all collections by
// default; users are not pages to link to, uploads have their own node).
func linkTargets(r *content.Registry) string {
	var out []linkTarget
	for _, c := range r.All() {
		if c.Auth || c.Upload {
			continue
		}
		title := c.UseAsTitle
		if title == "" {
			title = "id"
		}
		out = append(out, linkTarget{Slug: c.Slug, Label: c.Plural, Title: title})
	}
	b, err := json.Marshal(out)
	if err != nil || out == nil {
		return "[]"
	}
	return string(b)
}

// imagePick returns, as JSON for <html data-image-pick>, the picker config
// of the rich text editor's image button: the upload collection's media
// drawer limited to images (an inline upload node shows a picture).
func imagePick(uploads *content.Collection) string {
	b, err := json.Marshal(pickConfig{Label: "Image", Upload: true, Mime: []string{"image/*"}, Targets: []pickTarget{pickTargetOf(uploads)}})
	if err != nil {
		return ""
	}
	return string(b)
}
