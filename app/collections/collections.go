// Package collections declares the content model of this CMS: one
// definition per collection or global, read like Payload's
// collections/Pages.ts. Everything else — tables and migrations, REST
// routes, admin screens, OpenAPI, access reports — is derived from these
// definitions by the engine (app/internal/content, store, httpapi, admin),
// which knows no collection by name.
//
// To add a collection: write its definition in a new file here, add it to
// All, and run `cms migrate create <name>` (see the README).
package collections

import "github.com/automatonic/chronos/app/internal/content"

// Slugs of the collections and globals other code needs to name (seeders,
// tests). The engine never uses them.
const (
	PagesSlug  = "pages"
	MediaSlug  = "media"
	UsersSlug  = "users"
	HeaderSlug = "header"
	FooterSlug = "footer"
)

// All returns every definition of this CMS, collections then globals.
func All() []*content.Collection {
	return []*content.Collection{Pages(), Media(), Users(), Header(), Footer()}
}

// Registry checks All and returns its registry; maxVersions <= 0 keeps
// each definition's own cap (or content.DefaultMaxVersions).
func Registry(maxVersions int) (*content.Registry, error) {
	return content.NewRegistry(maxVersions, All()...)
}

// MustRegistry is Registry for tests and tools whose definitions are fixed.
func MustRegistry() *content.Registry {
	r, err := Registry(0)
	if err != nil {
		panic(err)
	}
	return r
}
