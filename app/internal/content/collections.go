package content

// Collection slugs.
const (
	Pages = "pages"
	Media = "media"
	Users = "users"
)

// Roles of users.
const (
	RoleAdmin  = "admin"
	RoleEditor = "editor"
)

// Status values of drafts-enabled documents.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// DefaultMaxVersions is Payload's default per-document version cap.
const DefaultMaxVersions = 20

func linkFields() []Field {
	return []Field{
		{Name: "label", Type: Text, MaxLength: 200},
		{Name: "url", Type: Text, MaxLength: 2048},
		{Name: "newTab", Type: Checkbox},
	}
}

// Registry holds the collection definitions of this CMS.
type Registry struct {
	byslug map[string]*Collection
	order  []*Collection
}

// NewRegistry returns the collections Pages, Media and Users. maxVersions <= 0
// means DefaultMaxVersions.
func NewRegistry(maxVersions int) *Registry {
	if maxVersions <= 0 {
		maxVersions = DefaultMaxVersions
	}
	pages := &Collection{
		Slug: Pages, Singular: "Page", Plural: "Pages", Drafts: true, MaxVersions: maxVersions, UseAsTitle: "title",
		Fields: []Field{
			{Name: "title", Type: Text, Required: true, Index: true, MaxLength: 300},
			{Name: "slug", Type: Text, Unique: true, Index: true, MaxLength: 200},
			{Name: "content", Type: RichText},
			{Name: "publishedAt", Type: Date, Index: true},
			{Name: "meta", Type: Group, Fields: []Field{
				{Name: "title", Type: Text, MaxLength: 300},
				{Name: "description", Type: Textarea, MaxLength: 1000},
				{Name: "image", Type: Upload, RelationTo: Media},
			}},
			{Name: "heroImage", Label: "Hero Image", Type: Upload, RelationTo: Media},
			{Name: "author", Type: Relationship, RelationTo: Users},
			{Name: "related", Type: Relationship, RelationTo: Pages, HasMany: true},
			{Name: "layout", Type: Blocks, Blocks: []Block{
				{Slug: "hero", Label: "Hero", Fields: []Field{
					{Name: "heading", Type: Text, MaxLength: 300},
					{Name: "subheading", Type: Textarea, MaxLength: 1000},
					{Name: "media", Type: Upload, RelationTo: Media},
					{Name: "links", Type: Array, Fields: linkFields()},
				}},
				{Slug: "content", Label: "Content", Fields: []Field{
					{Name: "richText", Label: "Rich Text", Type: RichText},
				}},
				{Slug: "mediaBlock", Label: "Media", Fields: []Field{
					{Name: "media", Type: Upload, RelationTo: Media, Required: true},
					{Name: "caption", Type: Text, MaxLength: 500},
				}},
				{Slug: "callToAction", Label: "Call to Action", Fields: []Field{
					{Name: "heading", Type: Text, MaxLength: 300},
					{Name: "richText", Label: "Rich Text", Type: RichText},
					{Name: "links", Type: Array, Fields: linkFields()},
				}},
				{Slug: "features", Label: "Features", Fields: []Field{
					{Name: "items", Type: Array, Fields: []Field{
						{Name: "title", Type: Text, MaxLength: 300},
						{Name: "description", Type: Textarea, MaxLength: 1000},
						{Name: "icon", Type: Upload, RelationTo: Media},
					}},
				}},
			}},
		},
		Access: pagesAccess(),
	}
	media := &Collection{
		Slug: Media, Singular: "Media", Plural: "Media", Upload: true, UseAsTitle: "filename",
		Fields: []Field{
			{Name: "alt", Type: Text, Required: true, Index: true, MaxLength: 500},
			{Name: "caption", Type: Text, MaxLength: 1000},
			{Name: "url", Type: Text, ReadOnly: true},
			{Name: "thumbnailURL", Label: "Thumbnail URL", Type: Text, ReadOnly: true},
			{Name: "filename", Type: Text, Unique: true, Index: true, ReadOnly: true},
			{Name: "mimeType", Label: "MIME Type", Type: Text, Index: true, ReadOnly: true},
			{Name: "filesize", Type: Number, Index: true, ReadOnly: true},
			{Name: "width", Type: Number, ReadOnly: true},
			{Name: "height", Type: Number, ReadOnly: true},
			{Name: "focalX", Type: Number},
			{Name: "focalY", Type: Number},
			{Name: "sizes", Type: JSON, ReadOnly: true},
		},
		Access: mediaAccess(),
	}
	users := &Collection{
		Slug: Users, Singular: "User", Plural: "Users", Auth: true, UseAsTitle: "email",
		Fields: []Field{
			{Name: "email", Type: Email, Required: true, Unique: true, Index: true, MaxLength: 254},
			{Name: "name", Type: Text, Index: true, MaxLength: 200},
			{Name: "roles", Type: Select, HasMany: true, Options: []string{RoleAdmin, RoleEditor}},
		},
		Access: usersAccess(),
	}
	r := &Registry{byslug: map[string]*Collection{}}
	for _, c := range []*Collection{pages, media, users} {
		r.byslug[c.Slug] = c
		r.order = append(r.order, c)
	}
	return r
}

// Get returns the collection with the given slug.
func (r *Registry) Get(slug string) (*Collection, bool) {
	c, ok := r.byslug[slug]
	return c, ok
}

// All returns every collection in definition order.
func (r *Registry) All() []*Collection { return r.order }
