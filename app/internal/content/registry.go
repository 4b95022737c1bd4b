package content

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
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

// minAutosave is the shortest autosave interval a definition may ask for
// (Payload's website template uses 100 ms).
const minAutosave = 100 * time.Millisecond

// DefaultMaxVersions is Payload's default per-document version cap.
const DefaultMaxVersions = 20

// Registry holds the collection and global definitions of this CMS,
// checked and completed with the fields their kind adds.
type Registry struct {
	byslug   map[string]*Collection
	order    []*Collection
	globals  []*Collection
	byglobal map[string]*Collection
}

var slugPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{0,40}$`)
var namePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,50}$`)

// mimePattern is a MIME type or a major type wildcard ("image/*").
var mimePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/(\*|[a-z0-9][a-z0-9!#$&^_.+-]{0,126})$`)

// NewRegistry checks the definitions and returns their registry.
// defaultMaxVersions applies to drafts-enabled definitions without their
// own MaxVersions (<= 0 means DefaultMaxVersions). Every problem is
// reported at once.
func NewRegistry(defaultMaxVersions int, defs ...*Collection) (*Registry, error) {
	if defaultMaxVersions <= 0 {
		defaultMaxVersions = DefaultMaxVersions
	}
	r := &Registry{byslug: map[string]*Collection{}, byglobal: map[string]*Collection{}}
	var errs []error
	seen := map[string]bool{}
	for _, d := range defs {
		c := withKindFields(d)
		if c.Drafts && c.MaxVersions <= 0 {
			c.MaxVersions = defaultMaxVersions
		}
		if !slugPattern.MatchString(c.Slug) {
			errs = append(errs, fmt.Errorf("slug %q: use lower-case letters, digits and hyphens, starting with a letter", c.Slug))
		}
		if seen[c.Slug] {
			errs = append(errs, fmt.Errorf("slug %q is defined twice", c.Slug))
		}
		seen[c.Slug] = true
		if c.Global {
			r.globals = append(r.globals, c)
			r.byglobal[c.Slug] = c
			continue
		}
		r.byslug[c.Slug] = c
		r.order = append(r.order, c)
	}
	for _, c := range append(slices.Clone(r.order), r.globals...) {
		errs = append(errs, r.check(c)...)
	}
	if n := countKind(r.order, func(c *Collection) bool { return c.Auth }); n > 1 {
		errs = append(errs, fmt.Errorf("%d auth collections: at most one is supported", n))
	}
	if n := countKind(r.order, func(c *Collection) bool { return c.Upload }); n > 1 {
		errs = append(errs, fmt.Errorf("%d upload collections: at most one is supported", n))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("content definitions: %w", err)
	}
	return r, nil
}

func countKind(cs []*Collection, pred func(*Collection) bool) int {
	n := 0
	for _, c := range cs {
		if pred(c) {
			n++
		}
	}
	return n
}

// withKindFields returns a copy of d with the fields its kind adds: the
// auth collection's email first, the upload collection's file metadata
// last (Payload's order).
func withKindFields(d *Collection) *Collection {
	c := *d
	c.Fields = slices.Clone(d.Fields)
	if c.Auth {
		if _, ok := c.Field("email"); !ok {
			c.Fields = append([]Field{{Name: "email", Type: Email, Required: true, Unique: true, MaxLength: 254}}, c.Fields...)
		}
	}
	if c.Upload {
		for _, f := range uploadFields() {
			if _, ok := c.Field(f.Name); !ok {
				c.Fields = append(c.Fields, f)
			}
		}
	}
	return &c
}

// uploadFields are the fields of the upload kind, set by the media domain.
func uploadFields() []Field {
	return []Field{
		{Name: "url", Type: Text, ReadOnly: true},
		{Name: "thumbnailURL", Label: "Thumbnail URL", Type: Text, ReadOnly: true},
		{Name: "filename", Type: Text, Unique: true, ReadOnly: true},
		{Name: "mimeType", Label: "MIME Type", Type: Text, Index: true, ReadOnly: true},
		{Name: "filesize", Type: Number, Integer: true, Index: true, ReadOnly: true},
		{Name: "width", Type: Number, ReadOnly: true},
		{Name: "height", Type: Number, ReadOnly: true},
		{Name: "focalX", Type: Number},
		{Name: "focalY", Type: Number},
		{Name: "sizes", Type: JSON, ReadOnly: true},
	}
}

// systemNames are document keys no definition may use for a top-level field.
var systemNames = []string{"id", "createdAt", "updatedAt", "_status", "globalType", "collection"}

// check reports the problems of one definition.
func (r *Registry) check(c *Collection) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{c.Slug}, args...)...))
	}
	if c.Singular == "" || c.Plural == "" {
		bad("Singular and Plural labels are required")
	}
	if c.Access.Read == nil || c.Access.Update == nil {
		bad("access rules Read and Update are required")
	}
	if !c.Global && (c.Access.Create == nil || c.Access.Delete == nil) {
		bad("access rules Create and Delete are required")
	}
	if c.Drafts && c.Access.ReadVersions == nil {
		bad("drafts need a ReadVersions access rule")
	}
	if c.Autosave != 0 && (!c.Drafts || c.Autosave < minAutosave) {
		bad("Autosave needs Drafts and an interval of at least %v", minAutosave)
	}
	if c.Global && (c.Auth || c.Upload) {
		bad("a global cannot be an auth or upload collection")
	}
	for _, f := range c.Fields {
		if slices.Contains(systemNames, f.Name) {
			bad("field %q is a system field", f.Name)
		}
		if k, ok := kinds[f.Type]; ok && f.Promoted() && k.Column(&f) == ColNone {
			bad("field %q: a %s field cannot be indexed or unique", f.Name, f.Type)
		}
		if f.Promoted() && f.HasMany {
			bad("field %q: a hasMany field cannot be indexed or unique", f.Name)
		}
		if f.SlugLocked && (f.SlugFrom == "" || !c.Drafts) {
			bad("field %q: SlugLocked needs SlugFrom and a collection with drafts", f.Name)
		}
		if f.SlugFrom != "" {
			src, ok := c.Field(f.SlugFrom)
			if f.Type != Text || !ok || src.Type != Text {
				bad("field %q: SlugFrom must name a top-level text field and be on a text field", f.Name)
			}
		}
	}
	WalkFields(c.Fields, "", func(path string, f *Field) bool {
		errs = append(errs, r.checkField(c, path, f)...)
		return true
	})
	if c.UseAsTitle != "" {
		if _, ok := c.Field(c.UseAsTitle); !ok {
			bad("UseAsTitle %q is not a field", c.UseAsTitle)
		}
	}
	for _, name := range append(slices.Clone(c.Admin.Columns), c.Admin.Search...) {
		if _, ok := c.Field(name); !ok && !slices.Contains(systemNames, name) {
			bad("admin column or search field %q is not a field", name)
		}
	}
	errs = append(errs, checkLivePreview(c)...)
	if s := strings.TrimPrefix(c.Admin.DefaultSort, "-"); s != "" {
		if f, ok := c.Field(s); !(ok && f.Promoted()) && !slices.Contains([]string{"id", "createdAt", "updatedAt"}, s) {
			bad("admin DefaultSort %q must be an indexed field or a timestamp", s)
		}
	}
	return errs
}

func (r *Registry) checkField(c *Collection, path string, f *Field) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: "+format, append([]any{c.Slug, path}, args...)...))
	}
	if !namePattern.MatchString(f.Name) {
		bad("field names are letters, digits and underscores")
	}
	if _, ok := kinds[f.Type]; !ok {
		bad("unknown field type %q", f.Type)
		return errs
	}
	switch f.Type {
	case Select, Radio:
		if len(f.Options) == 0 {
			bad("needs options")
		}
		if f.Type == Radio && f.HasMany {
			bad("a radio has one value")
		}
	case Upload, Relationship:
		targets := f.Targets()
		if len(targets) == 0 || (f.RelationTo != "" && f.Polymorphic()) {
			bad("set either RelationTo or RelationToAny")
		}
		for _, t := range targets {
			tc, ok := r.byslug[t]
			if !ok {
				bad("relation target %q is not a collection", t)
				continue
			}
			if f.Type == Upload && !tc.Upload {
				bad("upload target %q is not an upload collection", t)
			}
		}
		if f.Type == Upload && f.Polymorphic() {
			bad("an upload field has one target")
		}
		if len(f.MimeTypes) > 0 && f.Type != Upload {
			bad("MimeTypes limit upload fields only")
		}
		for _, m := range f.MimeTypes {
			if !mimePattern.MatchString(m) {
				bad("MIME type %q is not type/subtype or type/* in lower case", m)
			}
		}
	case Group, Array:
		if len(f.Fields) == 0 {
			bad("needs fields")
		}
	case Blocks:
		seen := map[string]bool{}
		for _, b := range f.Blocks {
			if !namePattern.MatchString(b.Slug) || seen[b.Slug] {
				bad("block slug %q is invalid or repeated", b.Slug)
			}
			seen[b.Slug] = true
		}
		if len(f.Blocks) == 0 {
			bad("needs blocks")
		}
	default:
		if f.HasMany && f.Type != Select {
			bad("hasMany is for relationships, uploads and selects")
		}
	}
	if f.MaxRows < 0 || f.MinRows < 0 || (f.MaxRows > 0 && f.MinRows > f.MaxRows) {
		bad("bad MinRows/MaxRows")
	}
	return errs
}

// Get returns the collection with the given slug (globals excluded).
func (r *Registry) Get(slug string) (*Collection, bool) {
	c, ok := r.byslug[slug]
	return c, ok
}

// Global returns the global with the given slug.
func (r *Registry) Global(slug string) (*Collection, bool) {
	c, ok := r.byglobal[slug]
	return c, ok
}

// All returns every collection in definition order.
func (r *Registry) All() []*Collection { return r.order }

// Globals returns every global in definition order.
func (r *Registry) Globals() []*Collection { return r.globals }

// Entities returns collections then globals: everything that has a table.
func (r *Registry) Entities() []*Collection { return append(slices.Clone(r.order), r.globals...) }

// AuthCollection returns the auth collection.
func (r *Registry) AuthCollection() (*Collection, bool) {
	for _, c := range r.order {
		if c.Auth {
			return c, true
		}
	}
	return nil, false
}

// UploadCollection returns the upload collection.
func (r *Registry) UploadCollection() (*Collection, bool) {
	for _, c := range r.order {
		if c.Upload {
			return c, true
		}
	}
	return nil, false
}

// checkLivePreview checks a live preview declaration: a path template
// naming top-level scalar fields, and breakpoints with unique names and
// positive sizes.
func checkLivePreview(c *Collection) []error {
	lp := c.Admin.LivePreview
	if lp == nil {
		return nil
	}
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: live preview: "+format, append([]any{c.Slug}, args...)...))
	}
	if !strings.HasPrefix(lp.URL, "/") || strings.HasPrefix(lp.URL, "//") || strings.ContainsAny(lp.URL, "\\ \t\r\n") {
		bad("URL %q must be a path starting with one /", lp.URL)
	}
	if strings.Count(lp.URL, "{") != strings.Count(lp.URL, "}") {
		bad("URL %q has an unclosed {field}", lp.URL)
	}
	for _, name := range lp.placeholders() {
		f, ok := c.Field(name)
		if !ok || !(f.Type == Text || f.Type == Number || f.Type == Select) || f.HasMany {
			bad("URL placeholder {%s} must name a top-level text, number or select field", name)
		}
	}
	seen := map[string]bool{"responsive": true}
	for _, b := range lp.Breakpoints {
		if b.Name == "" || b.Label == "" || seen[b.Name] || b.Width <= 0 || b.Height <= 0 {
			bad("breakpoint %q needs a unique name (not responsive), a label and a positive width and height", b.Name)
		}
		seen[b.Name] = true
	}
	return errs
}
