package server

import (
	"encoding/json"

	"github.com/automatonic/chronos/app/internal/richtext"
)

// richTextHTML renders a stored Lexical value for ?richText=html; populated
// upload nodes become images.
func richTextHTML(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return richtext.HTML(b, richtext.Options{MediaURL: richtext.PopulatedImage})
}
