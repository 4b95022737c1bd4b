package collections

import (
	"time"

	"github.com/automatonic/chronos/app/internal/content"
)

// Header is the site header's navigation, as in Payload's website template,
// with drafts (at most 20 versions kept) that autosave like a page's, and a
// live preview on the front end's home page, where the header shows.
func Header() *content.Collection {
	return &content.Collection{
		Slug: HeaderSlug, Singular: "Header", Plural: "Header",
		Global: true, Drafts: true, MaxVersions: 20,
		// Payload's versions.drafts.autosave on a global: the editor saves
		// the draft 2 s after typing stops; one version per burst.
		Autosave: 2 * time.Second,
		Access:   content.Access{Read: content.Anyone, Update: content.SignedIn, ReadVersions: content.SignedIn},
		Admin: content.CollectionAdmin{Group: "Globals",
			LivePreview: &content.LivePreview{URL: "/", Breakpoints: breakpoints()}},
		Fields: []content.Field{navItems()},
	}
}

// navItems is at most six links (Payload website template's navItems).
func navItems() content.Field {
	return content.Field{Name: "navItems", Type: content.Array, MaxRows: 6, Fields: []content.Field{link()}}
}

// link is the website template's link group: an internal reference to a
// page or a custom URL, with a label.
func link() content.Field {
	return content.Field{Name: "link", Type: content.Group, Fields: []content.Field{
		{Name: "type", Type: content.Radio, Options: []string{"reference", "custom"}, DefaultValue: "reference"},
		{Name: "newTab", Label: "Open in new tab", Type: content.Checkbox},
		{Name: "reference", Label: "Document to link to", Type: content.Relationship, RelationToAny: []string{PagesSlug},
			Admin: content.FieldAdmin{Condition: &content.Condition{Field: "type", Equals: "reference"}}},
		{Name: "url", Label: "Custom URL", Type: content.Text, MaxLength: 2048, Link: true,
			Admin: content.FieldAdmin{Condition: &content.Condition{Field: "type", Equals: "custom"}}},
		{Name: "label", Type: content.Text, Required: true, MaxLength: 200},
	}}
}
