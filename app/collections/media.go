package collections

import "github.com/automatonic/chronos/app/internal/content"

// Media is the upload collection: the upload kind adds url, filename,
// mimeType, filesize, width, height, focal point and sizes.
func Media() *content.Collection {
	return &content.Collection{
		Slug: MediaSlug, Singular: "Media", Plural: "Media",
		Upload: true, UseAsTitle: "filename",
		Access: content.Access{
			Read:   content.Anyone,
			Create: content.SignedIn, Update: content.SignedIn, Delete: content.SignedIn,
			ReadVersions: content.Nobody,
			Unlock:       content.Nobody,
		},
		Admin: content.CollectionAdmin{
			Columns:        []string{"filename", "alt", "mimeType", "filesize", "createdAt", "updatedAt"},
			DefaultColumns: 5,
			Search:         []string{"alt", "filename"},
			DefaultSort:    "-updatedAt",
			Group:          "Collections",
			Grid:           true,
			Dashboard:      true,
		},
		Fields: []content.Field{
			{Name: "alt", Type: content.Text, Required: true, Index: true, MaxLength: 500},
			{Name: "caption", Type: content.Text, MaxLength: 1000},
		},
	}
}
