package collections

import "github.com/automatonic/chronos/app/internal/content"

// Footer is the site footer's navigation; it keeps no versions.
func Footer() *content.Collection {
	return &content.Collection{
		Slug: FooterSlug, Singular: "Footer", Plural: "Footer",
		Global: true,
		Access: content.Access{Read: content.Anyone, Update: content.SignedIn},
		Admin:  content.CollectionAdmin{Group: "Globals"},
		Fields: []content.Field{navItems()},
	}
}
