package server

import (
	"encoding/json"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/richtext"
)

// afterRead decorates documents as Payload shows them.
func afterRead(c *content.Collection, d content.Doc) {
	if c.Auth {
		d["collection"] = c.Slug
		if _, ok := d["sessions"]; !ok {
			d["sessions"] = []any{}
		}
	}
}

// richTextHTML renders a stored Lexical value for ?richText=html; populated
// upload nodes become images.
func richTextHTML(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return richtext.HTML(b, richtext.Options{MediaURL: richtext.PopulatedImage})
}
