package tstypes

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/internal/content"
)

// referenceDefinitions are Chronos definitions equivalent to
// testdata/payload-reference.config.ts, the config Payload 3.90.2's
// `payload generate:types` turned into testdata/payload-reference.ts.
func referenceDefinitions() (collections, globals []*content.Collection) {
	users := &content.Collection{Slug: "users", Auth: true, UseAsTitle: "email", Fields: []content.Field{
		{Name: "name", Type: content.Text, Required: true},
	}}
	media := &content.Collection{Slug: "media", Upload: true, Fields: []content.Field{
		{Name: "alt", Type: content.Text, Required: true},
	}}
	pages := &content.Collection{Slug: "pages", Drafts: true, UseAsTitle: "title", Fields: []content.Field{
		{Name: "title", Type: content.Text, Required: true},
		{Name: "slug", Type: content.Text, Unique: true, Index: true},
		{Name: "content", Type: content.RichText},
		{Name: "publishedAt", Type: content.Date},
		{Name: "meta", Type: content.Group, Fields: []content.Field{
			{Name: "title", Type: content.Text},
			{Name: "description", Type: content.Textarea},
		}},
		{Name: "heroImage", Type: content.Upload, RelationTo: "media"},
		{Name: "author", Type: content.Relationship, RelationTo: "users"},
		{Name: "related", Type: content.Relationship, RelationTo: "pages", HasMany: true},
		{Name: "layout", Type: content.Blocks, Blocks: []content.Block{
			{Slug: "hero", InterfaceName: "HeroBlock", Fields: []content.Field{
				{Name: "heading", Type: content.Text, Required: true},
				{Name: "image", Type: content.Upload, RelationTo: "media"},
			}},
			{Slug: "cta", Fields: []content.Field{
				{Name: "label", Type: content.Text},
				{Name: "style", Type: content.Select, Options: []string{"primary", "secondary"}},
			}},
		}},
	}}
	header := &content.Collection{Slug: "header", Fields: []content.Field{
		{Name: "navItems", Type: content.Array, Fields: []content.Field{
			{Name: "label", Type: content.Text, Required: true},
			{Name: "page", Type: content.Relationship, RelationTo: "pages"},
		}},
	}}
	return []*content.Collection{users, media, pages}, []*content.Collection{header}
}

// TestPayloadReference proves the emitter speaks Payload's dialect: for
// the reference config it writes, byte for byte, the file Payload 3.90.2
// generated.
func TestPayloadReference(t *testing.T) {
	cols, globals := referenceDefinitions()
	got, err := Generate(content.ConfigSchema(cols, globals, content.SchemaOptions{ImageSizes: []string{"thumbnail", "card"}}))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/payload-reference.ts")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		if os.Getenv("TSTYPES_DUMP") != "" {
			_ = os.WriteFile(os.Getenv("TSTYPES_DUMP"), got, 0o644)
		}
		t.Errorf("output differs from Payload's at line %s", firstDiff(string(got), string(want)))
	}
}

// firstDiff describes the first differing line of a and b.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y || i >= len(al) || i >= len(bl) {
			return fmt.Sprintf("%d:\n\tgot:  %s\n\twant: %s", i+1, x, y)
		}
	}
	return "none"
}
