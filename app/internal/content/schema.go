// Package content holds the content engine: the definition types of
// collections and globals (fields, validation, access rules), documents, and
// the services the REST API and the admin UI call. It knows no collection by
// name: the definitions live in app/collections and reach the engine through
// NewRegistry. It imports no HTTP framework, ORM or SDK; it states what it
// needs from storage in the Store interface.
package content

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// FieldType is the kind of a field, named as in Payload. Each type has one
// entry in the kinds table (kinds.go) that says how it behaves.
type FieldType string

// Field types.
const (
	Text         FieldType = "text"
	Textarea     FieldType = "textarea"
	Email        FieldType = "email"
	Number       FieldType = "number"
	Checkbox     FieldType = "checkbox"
	Date         FieldType = "date"
	Select       FieldType = "select"
	Radio        FieldType = "radio"
	RichText     FieldType = "richText"
	Upload       FieldType = "upload"
	Relationship FieldType = "relationship"
	Group        FieldType = "group"
	Array        FieldType = "array"
	Blocks       FieldType = "blocks"
	JSON         FieldType = "json"
)

// FieldTypes lists every field type; the completeness tests range over it.
var FieldTypes = []FieldType{Text, Textarea, Email, Number, Checkbox, Date, Select, Radio, RichText, Upload, Relationship, Group, Array, Blocks, JSON}

// Field is one field of a collection, global, group, array row or block.
type Field struct {
	Name  string
	Label string
	Type  FieldType
	// Required refuses an empty value (except on draft saves).
	Required bool
	// Unique adds a unique constraint; the field gets its own column.
	Unique bool
	// Index stores the field in its own indexed column: it can be sorted on
	// and filtered by an index.
	Index bool
	// HasMany: a relationship, upload or select with several values.
	HasMany bool
	// RelationTo is the target collection of a relationship or upload.
	RelationTo string
	// RelationToAny makes a relationship polymorphic: its values are
	// {relationTo, value} objects naming one of these collections (Payload's
	// `relationTo: [...]`), even with a single target.
	RelationToAny []string
	// MimeTypes limit an upload field to files of these MIME types, exact
	// ("application/pdf") or by major type ("image/*"), as Payload's
	// upload.mimeTypes are written: a write that points the field at another
	// file is refused with a field error (MimeAllowed), and the admin's
	// media drawer offers only these. Empty allows every file.
	MimeTypes []string
	// Options are the values of a select or radio.
	Options []string
	// DefaultValue is used when a create leaves the field unset (radio,
	// select, checkbox, text, number).
	DefaultValue any
	MaxLength    int
	// Link makes a text field a link target: only http(s), mailto:, tel:
	// and relative URLs are stored (richtext.SafeURL, the rule rich text
	// links follow too), so no javascript: or data: URL reaches a page.
	Link bool
	// Integer makes a number accept integers only (stored as BIGINT when it
	// has a column).
	Integer bool
	// MinRows and MaxRows bound an array or blocks field (0: no bound;
	// every list is capped at 500 rows anyway).
	MinRows, MaxRows int
	Fields           []Field // group, array
	Blocks           []Block // blocks
	// ReadOnly fields are set by the system (upload metadata) and ignored
	// on write.
	ReadOnly bool
	// SlugFrom declares a slug field: when left empty it is derived from
	// the named text field, and a given value is made URL-safe.
	SlugFrom string
	// SlugLocked (with SlugFrom, on a collection with drafts) locks the
	// slug once the document is published: it no longer follows its
	// source field. Only an explicit new slug changes it; an emptied one
	// keeps the published slug instead of being derived again, and the
	// admin stops deriving it as the title is typed.
	SlugLocked bool
	// RenamedFrom names the field's previous name, so the migration
	// generator renames its column (and data) instead of dropping it.
	RenamedFrom string
	// Admin holds presentation hints for the admin UI.
	Admin FieldAdmin
}

// FieldAdmin holds presentation hints of a field.
type FieldAdmin struct {
	Description string
	// Counter is a recommended length shown by a character counter.
	Counter int
	// Condition shows the field in the editor only when the sibling field
	// named in the key holds the value (Payload's admin.condition, limited
	// to an equality); it never changes what is stored.
	Condition *Condition
}

// Condition is a sibling-equals-value test.
type Condition struct {
	Field  string
	Equals string
}

// Block is one block type of a blocks field.
type Block struct {
	Slug   string
	Label  string
	Fields []Field
	// InterfaceName names the block's type in payload-types.ts and
	// OpenAPI (Payload's interfaceName); without it the shape is inlined.
	InterfaceName string
}

// Collection defines a collection or a global: its fields, labels, kind,
// behaviour, access and admin hints. It is declared once (app/collections)
// and everything else — tables, REST routes, admin screens, OpenAPI — is
// derived from it.
type Collection struct {
	Slug     string
	Singular string
	Plural   string
	Fields   []Field
	// Global makes this a singleton (Payload's GlobalConfig): one document
	// at /api/globals/{slug}.
	Global bool
	// Drafts enables versions and drafts (_status).
	Drafts bool
	// MaxVersions caps the versions kept per document (0: the registry's
	// default).
	MaxVersions int
	// Autosave is Payload's versions.drafts.autosave.interval: the admin
	// saves a draft this long after the editor stops typing, and the
	// autosaves since the last manual save update one version instead of
	// adding one each. 0 turns autosave off; it needs Drafts.
	Autosave time.Duration
	// Upload makes this the upload collection: files are stored and the
	// upload fields (url, filename, mimeType, ...) are added.
	Upload bool
	// Auth makes this the auth collection: accounts sign in with email and
	// password; the email field is added.
	Auth   bool
	Access Access
	// UseAsTitle names the field shown as the document's title in lists.
	UseAsTitle string
	Admin      CollectionAdmin
	// DBName overrides the table name (default: the slug in snake_case).
	DBName string
}

// CollectionAdmin holds the admin hints of a collection or global.
type CollectionAdmin struct {
	// Columns are the list columns (field names, or id, createdAt,
	// updatedAt, _status); the first DefaultColumns of them show by default
	// (0: all).
	Columns        []string
	DefaultColumns int
	// Search names the fields the list's search box matches.
	Search []string
	// DefaultSort is the list's default sort ("-updatedAt").
	DefaultSort string
	// Group is the sidebar group ("Collections", "Globals").
	Group string
	// Grid shows the list as a grid of thumbnails by default (uploads).
	Grid bool
	// Dashboard counts the collection's documents on the dashboard.
	Dashboard bool
	// SEOPreview shows a search-result preview of meta.title,
	// meta.description and the slug field in the editor.
	SEOPreview bool
	// LivePreview is Payload's admin.livePreview: nil shows none.
	LivePreview *LivePreview
}

// LivePreview shows the front end beside the editor in an iframe, sized
// to a breakpoint, and sends it the unsaved values as the editor types
// through @payloadcms/live-preview's postMessage contract. The front end's
// origin is the deployment's (CMS_PREVIEW_URL's); the definition says
// which page of it shows a document.
type LivePreview struct {
	// URL is the front end's path of a document (Payload's url function):
	// each "{field}" is replaced by the saved document's value of that
	// top-level field, path-escaped ("/{slug}").
	URL string
	// Breakpoints are the device sizes offered besides "Responsive" (the
	// pane's own size).
	Breakpoints []Breakpoint
}

// Breakpoint is one device size of the live preview (Payload's
// admin.livePreview.breakpoints entry).
type Breakpoint struct {
	Name          string // stable key ("mobile")
	Label         string // shown in the size menu ("Mobile")
	Width, Height int    // CSS pixels
}

// Path returns the front end path of doc by the URL template: each
// "{field}" replaced by doc's value of that field, path-escaped; ok is
// false when a value is missing (a document not yet given a slug).
func (lp *LivePreview) Path(doc map[string]any) (string, bool) {
	var b strings.Builder
	rest := lp.URL
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			return b.String(), true
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			b.WriteString(rest)
			return b.String(), true
		}
		b.WriteString(rest[:i])
		var v string
		switch x := doc[rest[i+1:i+j]].(type) {
		case string:
			v = x
		case json.Number:
			v = x.String()
		case int64:
			v = strconv.FormatInt(x, 10)
		case float64:
			v = strconv.FormatFloat(x, 'f', -1, 64)
		}
		if v == "" {
			return "", false
		}
		b.WriteString(url.PathEscape(v))
		rest = rest[i+j+1:]
	}
}

// placeholders returns the field names a URL template names.
func (lp *LivePreview) placeholders() []string {
	var out []string
	rest := lp.URL
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, rest[i+1:i+j])
		rest = rest[i+j+1:]
	}
}

// Field returns the top-level field with the given name.
func (c *Collection) Field(name string) (*Field, bool) { return findField(c.Fields, name) }

func findField(fields []Field, name string) (*Field, bool) {
	for i := range fields {
		if fields[i].Name == name {
			return &fields[i], true
		}
	}
	return nil, false
}

// IndexedFields returns the names of top-level fields stored in their own
// column (Index or Unique).
func (c *Collection) IndexedFields() []string {
	var out []string
	for _, f := range c.Fields {
		if f.Promoted() {
			out = append(out, f.Name)
		}
	}
	return out
}

// SlugField returns the field declared with SlugFrom, if any.
func (c *Collection) SlugField() (*Field, bool) {
	for i := range c.Fields {
		if c.Fields[i].SlugFrom != "" {
			return &c.Fields[i], true
		}
	}
	return nil, false
}

// Promoted reports whether a top-level field has its own column.
func (f *Field) Promoted() bool { return f.Index || f.Unique }

// IsRelation reports whether the field points at other documents.
func (f *Field) IsRelation() bool { return f.Type == Upload || f.Type == Relationship }

// Polymorphic reports whether values are {relationTo, value} objects.
func (f *Field) Polymorphic() bool { return len(f.RelationToAny) > 0 }

// MimeAllowed reports whether an upload field accepts a file of MIME type
// mt: any type without MimeTypes; otherwise one pattern must match, exactly
// or, for "type/*", by its major type (parameters and case are ignored).
func (f *Field) MimeAllowed(mt string) bool {
	if len(f.MimeTypes) == 0 {
		return true
	}
	mt, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(mt)), ";")
	mt = strings.TrimSpace(mt)
	for _, p := range f.MimeTypes {
		if major, ok := strings.CutSuffix(p, "/*"); ok {
			if strings.HasPrefix(mt, major+"/") && len(mt) > len(major)+1 {
				return true
			}
		} else if mt == p {
			return true
		}
	}
	return false
}

// Targets returns the collections a relation field may point at.
func (f *Field) Targets() []string {
	if f.Polymorphic() {
		return f.RelationToAny
	}
	if f.RelationTo != "" {
		return []string{f.RelationTo}
	}
	return nil
}

// Label returns the field's label, defaulting to the name in words as
// Payload's toWords does ("publishedAt" → "Published At").
func (f *Field) DisplayLabel() string { return f.label() }

// label returns the field's label, defaulting to the name in words as
// Payload's toWords does ("publishedAt" → "Published At").
func (f *Field) label() string {
	if f.Label != "" {
		return f.Label
	}
	return toWords(f.Name)
}

func toWords(name string) string {
	if name == "" {
		return ""
	}
	b := make([]byte, 0, len(name)+4)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if i > 0 && c >= 'A' && c <= 'Z' {
			if p := name[i-1]; (p >= 'a' && p <= 'z') || (p >= '0' && p <= '9') {
				b = append(b, ' ')
			}
		}
		b = append(b, c)
	}
	if b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}
