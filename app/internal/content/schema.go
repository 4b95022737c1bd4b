// Package content holds the content model: collection definitions (fields,
// validation, access rules in one place), documents, and the services the
// REST API and the admin UI call. It imports no HTTP framework, ORM or SDK;
// it states what it needs from storage in the Store interface.
package content

// FieldType is the kind of a field, named as in Payload.
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
	RichText     FieldType = "richText"
	Upload       FieldType = "upload"
	Relationship FieldType = "relationship"
	Group        FieldType = "group"
	Array        FieldType = "array"
	Blocks       FieldType = "blocks"
	JSON         FieldType = "json"
)

// Field is one field of a collection, group, array row or block.
type Field struct {
	Name       string
	Label      string
	Type       FieldType
	Required   bool
	Unique     bool
	Index      bool // stored in its own indexed column; sortable
	HasMany    bool // relationship / select with several values
	RelationTo string
	Options    []string
	MaxLength  int
	Fields     []Field // group, array
	Blocks     []Block // blocks
	ReadOnly   bool    // set by the system (upload fields), ignored on write
}

// Block is one block type of a blocks field.
type Block struct {
	Slug   string
	Label  string
	Fields []Field
}

// Collection defines a collection: its fields, labels, behaviour and access.
type Collection struct {
	Slug        string
	Singular    string
	Plural      string
	Fields      []Field
	Drafts      bool
	MaxVersions int
	Upload      bool
	Auth        bool
	Access      Access
	// UseAsTitle names the field shown as the document's title in lists.
	UseAsTitle string
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
		if f.Index || f.Unique {
			out = append(out, f.Name)
		}
	}
	return out
}

// IsRelation reports whether the field points at other documents.
func (f *Field) IsRelation() bool { return f.Type == Upload || f.Type == Relationship }

// label returns the field's label, defaulting to the name in words as
// Payload's toWords does ("publishedAt" → "Published At").
func (f *Field) label() string {
	if f.Label != "" {
		return f.Label
	}
	if f.Name == "" {
		return ""
	}
	b := make([]byte, 0, len(f.Name)+4)
	for i := 0; i < len(f.Name); i++ {
		c := f.Name[i]
		if i > 0 && c >= 'A' && c <= 'Z' {
			if p := f.Name[i-1]; (p >= 'a' && p <= 'z') || (p >= '0' && p <= '9') {
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
