// Package testmodel holds content definitions that exist only for tests:
// a collection added the way a team adds one (a definition plus a
// generated migration), to prove the engine serves it with no other file
// changed. Only tests import it.
package testmodel

import (
	"os"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/server"
	"github.com/automatonic/chronos/app/internal/store"
)

// Testimonials is a collection that exists only in tests: drafts, a
// required text, a select, a relationship to pages, an upload, an array
// and rich text.
func Testimonials() *content.Collection {
	return &content.Collection{
		Slug: "testimonials", Singular: "Testimonial", Plural: "Testimonials",
		Drafts: true, UseAsTitle: "author",
		Access: content.Access{
			Read:   content.PublishedOrSignedIn,
			Create: content.SignedIn, Update: content.SignedIn, Delete: content.SignedIn, ReadVersions: content.SignedIn,
		},
		Admin: content.CollectionAdmin{Columns: []string{"author", "rating", "_status", "updatedAt"}, Search: []string{"author"}, DefaultSort: "-updatedAt"},
		Fields: []content.Field{
			{Name: "author", Type: content.Text, Required: true, Index: true, MaxLength: 120},
			{Name: "rating", Type: content.Select, Options: []string{"1", "2", "3", "4", "5"}, Index: true},
			{Name: "page", Type: content.Relationship, RelationTo: collections.PagesSlug},
			{Name: "photo", Type: content.Upload, RelationTo: collections.MediaSlug},
			{Name: "highlights", Type: content.Array, MaxRows: 3, Fields: []content.Field{{Name: "text", Type: content.Text, Required: true}}},
			{Name: "body", Type: content.RichText},
		},
	}
}

// Settings is a global that exists only in tests: two independent text
// fields, so that concurrent saves of different fields can be told apart.
func Settings() *content.Collection {
	return &content.Collection{
		Slug: "settings", Singular: "Settings", Plural: "Settings", Global: true,
		Access: content.Access{Read: content.Anyone, Update: content.SignedIn},
		Fields: []content.Field{
			{Name: "siteName", Type: content.Text, MaxLength: 200},
			{Name: "tagline", Type: content.Text, MaxLength: 200},
		},
	}
}

// WithTestimonials registers testimonials next to the shipped collections
// and generates its migration from the committed snapshot, as
// `cms migrate create` does.
func WithTestimonials(t testing.TB) *server.Model {
	t.Helper()
	return With(t, "testimonials", Testimonials())
}

// With registers the given collections and globals next to the shipped
// ones and generates their migration (named name) from the committed
// snapshot, as `cms migrate create` does.
func With(t testing.TB, name string, added ...*content.Collection) *server.Model {
	t.Helper()
	reg, err := content.NewRegistry(0, append(collections.All(), added...)...)
	if err != nil {
		t.Fatal(err)
	}
	want, err := store.Derive(reg)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := store.CommittedSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	plan, err := store.PlanMigration(snap, want, false)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := store.Migrations(store.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := store.WriteMigration(dir, name, len(ms)+1, plan, want); err != nil {
		t.Fatal(err)
	}
	return &server.Model{Registry: reg, ExtraMigrations: os.DirFS(dir)}
}
