package collections

import (
	"time"

	"github.com/automatonic/chronos/app/internal/content"
)

// images limits an upload field to pictures: a hero, an SEO image or an
// icon cannot be a PDF.
func images() []string { return []string{"image/*"} }

// breakpoints are the live preview's device sizes (the website
// template's).
func breakpoints() []content.Breakpoint {
	return []content.Breakpoint{
		{Name: "mobile", Label: "Mobile", Width: 375, Height: 667},
		{Name: "tablet", Label: "Tablet", Width: 768, Height: 1024},
		{Name: "desktop", Label: "Desktop", Width: 1440, Height: 900},
	}
}

// Pages are the site's pages: drafts and versions, a slug derived from the
// title, SEO fields and a layout of blocks.
func Pages() *content.Collection {
	return &content.Collection{
		Slug: PagesSlug, Singular: "Page", Plural: "Pages",
		Drafts: true, UseAsTitle: "title",
		// Payload's versions.drafts.autosave.interval: the editor saves a
		// draft 2 s after typing stops; one version per burst.
		Autosave: 2 * time.Second,
		Access: content.Access{
			Read:   content.PublishedOrSignedIn,
			Create: content.SignedIn, Update: content.SignedIn, Delete: content.SignedIn,
			ReadVersions: content.SignedIn,
			Unlock:       content.Nobody,
		},
		Admin: content.CollectionAdmin{
			Columns:        []string{"title", "slug", "_status", "updatedAt", "publishedAt", "createdAt"},
			DefaultColumns: 4,
			Search:         []string{"title", "slug"},
			DefaultSort:    "-updatedAt",
			Group:          "Collections",
			Dashboard:      true,
			SEOPreview:     true,
			// Payload's admin.livePreview, with the website template's
			// breakpoints: the front end shows a page at /{slug}.
			LivePreview: &content.LivePreview{URL: "/{slug}", Breakpoints: breakpoints()},
		},
		Fields: []content.Field{
			{Name: "title", Type: content.Text, Required: true, Index: true, MaxLength: 300},
			// Locked once published: the address of a live page changes only
			// when someone edits the slug itself.
			{Name: "slug", Type: content.Text, Unique: true, MaxLength: 200, SlugFrom: "title", SlugLocked: true},
			{Name: "content", Type: content.RichText},
			{Name: "publishedAt", Type: content.Date, Index: true},
			{Name: "meta", Type: content.Group, Fields: []content.Field{
				{Name: "title", Type: content.Text, MaxLength: 300, Admin: content.FieldAdmin{Counter: 60}},
				{Name: "description", Type: content.Textarea, MaxLength: 1000, Admin: content.FieldAdmin{Counter: 160}},
				{Name: "image", Type: content.Upload, RelationTo: MediaSlug, MimeTypes: images()},
			}},
			{Name: "heroImage", Label: "Hero Image", Type: content.Upload, RelationTo: MediaSlug, MimeTypes: images()},
			{Name: "author", Type: content.Relationship, RelationTo: UsersSlug},
			{Name: "related", Type: content.Relationship, RelationTo: PagesSlug, HasMany: true},
			{Name: "layout", Type: content.Blocks, Blocks: []content.Block{
				{Slug: "hero", InterfaceName: "HeroBlock", Label: "Hero", Fields: []content.Field{
					{Name: "heading", Type: content.Text, MaxLength: 300},
					{Name: "subheading", Type: content.Textarea, MaxLength: 1000},
					{Name: "media", Type: content.Upload, RelationTo: MediaSlug, MimeTypes: images()},
					{Name: "links", Type: content.Array, Fields: simpleLink()},
				}},
				{Slug: "content", InterfaceName: "ContentBlock", Label: "Content", Fields: []content.Field{
					{Name: "richText", Label: "Rich Text", Type: content.RichText},
				}},
				{Slug: "mediaBlock", InterfaceName: "MediaBlock", Label: "Media", Fields: []content.Field{
					{Name: "media", Type: content.Upload, RelationTo: MediaSlug, Required: true, MimeTypes: []string{"image/*", "video/*"}},
					{Name: "caption", Type: content.Text, MaxLength: 500},
				}},
				{Slug: "callToAction", InterfaceName: "CallToActionBlock", Label: "Call to Action", Fields: []content.Field{
					{Name: "heading", Type: content.Text, MaxLength: 300},
					{Name: "richText", Label: "Rich Text", Type: content.RichText},
					{Name: "links", Type: content.Array, Fields: simpleLink()},
				}},
				{Slug: "features", InterfaceName: "FeaturesBlock", Label: "Features", Fields: []content.Field{
					{Name: "items", Type: content.Array, Fields: []content.Field{
						{Name: "title", Type: content.Text, MaxLength: 300},
						{Name: "description", Type: content.Textarea, MaxLength: 1000},
						{Name: "icon", Type: content.Upload, RelationTo: MediaSlug, MimeTypes: images()},
					}},
				}},
			}},
		},
	}
}

// simpleLink is the row of a block's links array.
func simpleLink() []content.Field {
	return []content.Field{
		{Name: "label", Type: content.Text, MaxLength: 200},
		{Name: "url", Type: content.Text, MaxLength: 2048, Link: true},
		{Name: "newTab", Type: content.Checkbox},
	}
}
