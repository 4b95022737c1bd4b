package collections

import "github.com/automatonic/chronos/app/internal/content"

// Users is the auth collection: the auth kind adds email (unique) and the
// credentials, which the auth service keeps.
func Users() *content.Collection {
	return &content.Collection{
		Slug: UsersSlug, Singular: "User", Plural: "Users",
		Auth: true, UseAsTitle: "email",
		Access: content.Access{
			Read:         content.SelfOrAdmin,
			Create:       content.AdminOnly,
			Update:       content.SelfOrAdmin,
			Delete:       content.AdminOnly,
			ReadVersions: content.Nobody,
			Unlock:       content.AdminOnly,
		},
		Admin: content.CollectionAdmin{
			Columns:        []string{"email", "name", "roles", "createdAt", "updatedAt"},
			DefaultColumns: 4,
			Search:         []string{"email", "name"},
			DefaultSort:    "email",
			Group:          "Collections",
		},
		Fields: []content.Field{
			{Name: "name", Type: content.Text, Index: true, MaxLength: 200},
			{Name: "roles", Type: content.Select, HasMany: true, Options: []string{content.RoleAdmin, content.RoleEditor}},
		},
	}
}
