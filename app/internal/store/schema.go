package store

import (
	"fmt"
	"slices"
	"strings"

	"github.com/automatonic/chronos/app/internal/content"
)

// Schema is the storage a registry of definitions needs: one table per
// collection or global (system columns, promoted fields, the JSON data
// column), a versions table per drafts-enabled one, and their indexes. It
// is derived, never written by hand; `cms migrate create` diffs it against
// the committed snapshot (migrations/schema.json) to write migrations, and
// `serve` compares it with the live database.
type Schema struct {
	Tables []TableDef `json:"tables"`
}

// TableDef is one derived table.
type TableDef struct {
	Name string `json:"name"`
	// Entity is the slug of the collection or global it stores.
	Entity string `json:"entity"`
	// Versions marks the versions table of Entity.
	Versions bool        `json:"versions,omitempty"`
	Columns  []ColumnDef `json:"columns"`
	Indexes  []IndexDef  `json:"indexes"`
	// Fields lists the entity's field paths and types (data column
	// included), so removals, renames and type changes are detected.
	Fields []FieldDef `json:"fields,omitempty"`
	// Search are the columns with a trigram search index (Admin.Search).
	Search []string `json:"search,omitempty"`
}

// ColumnDef is one column. Type is logical: id, ref, int, float, text,
// time, bool, json.
type ColumnDef struct {
	Name    string `json:"name"`
	Type    string `json:"type"`
	NotNull bool   `json:"notNull,omitempty"`
	// Default is a logical default: "draft", "{}", "", "0", "false".
	Default *string `json:"default,omitempty"`
	// Field is the top-level field a promoted column holds.
	Field string `json:"field,omitempty"`
	// References is the table a ref column points at (ON DELETE CASCADE).
	References string `json:"references,omitempty"`
}

// IndexDef is one index.
type IndexDef struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique,omitempty"`
	// WhereTrue makes a partial index on rows where this boolean column is
	// true.
	WhereTrue string `json:"whereTrue,omitempty"`
}

// FieldDef is one field path of an entity.
type FieldDef struct {
	Path string `json:"path"`
	Type string `json:"type"`
	// RenamedFrom is the definition's RenamedFrom (top-level fields).
	RenamedFrom string `json:"-"`
}

// MaxIdentifier is PostgreSQL's identifier limit in bytes; every derived
// name must fit, so nothing is silently truncated.
const MaxIdentifier = 63

// TableName returns the table of a collection or global.
func TableName(c *content.Collection) string {
	if c.DBName != "" {
		return c.DBName
	}
	return snake(c.Slug)
}

// ColumnName returns the column of a promoted field.
func ColumnName(f *content.Field) string {
	n := snake(f.Name)
	if f.IsRelation() {
		n += "_id"
	}
	return n
}

// snake turns "publishedAt" into "published_at" and "my-slug" into
// "my_slug".
func snake(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
			b.WriteByte('_')
		case c >= 'A' && c <= 'Z':
			if i > 0 && s[i-1] >= 'a' && s[i-1] <= 'z' || i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
				b.WriteByte('_')
			}
			b.WriteByte(c + 'a' - 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func lit(s string) *string { return &s }

func colType(t content.ColumnType) string {
	switch t {
	case content.ColInt:
		return "int"
	case content.ColFloat:
		return "float"
	case content.ColTime:
		return "time"
	case content.ColBool:
		return "bool"
	}
	return "text"
}

// Derive returns the storage schema of every collection and global of reg,
// or an error naming every identifier that is too long.
func Derive(reg *content.Registry) (Schema, error) {
	var s Schema
	for _, c := range reg.Entities() {
		s.Tables = append(s.Tables, deriveTable(c))
		if c.Drafts {
			s.Tables = append(s.Tables, deriveVersions(c))
		}
	}
	var long []string
	for _, t := range s.Tables {
		names := []string{t.Name}
		for _, c := range t.Columns {
			names = append(names, c.Name)
		}
		for _, ix := range t.Indexes {
			names = append(names, ix.Name)
		}
		for _, n := range names {
			if len(n) > MaxIdentifier {
				long = append(long, n)
			}
		}
	}
	if len(long) > 0 {
		return Schema{}, fmt.Errorf("store: identifiers longer than %d bytes (set DBName or shorten the field): %s", MaxIdentifier, strings.Join(long, ", "))
	}
	return s, nil
}

func deriveTable(c *content.Collection) TableDef {
	name := TableName(c)
	t := TableDef{Name: name, Entity: c.Slug}
	t.Columns = []ColumnDef{
		{Name: "id", Type: "id"},
		{Name: "created_at", Type: "time", NotNull: true},
		{Name: "updated_at", Type: "time", NotNull: true},
	}
	t.Indexes = []IndexDef{{Name: name + "_created_at_idx", Columns: []string{"created_at"}}}
	if c.Drafts {
		t.Columns = append(t.Columns, ColumnDef{Name: "status", Type: "text", NotNull: true, Default: lit(content.StatusDraft)})
		t.Indexes = append(t.Indexes,
			IndexDef{Name: name + "_updated_at_idx", Columns: []string{"updated_at"}},
			IndexDef{Name: name + "_status_idx", Columns: []string{"status"}})
	}
	for i := range c.Fields {
		f := &c.Fields[i]
		if !f.Promoted() {
			continue
		}
		col := ColumnName(f)
		// The auth kind's email identifies an account: never null.
		t.Columns = append(t.Columns, ColumnDef{Name: col, Type: colType(content.ColumnOf(f)), Field: f.Name, NotNull: c.Auth && f.Name == "email"})
		if slices.Contains(c.Admin.Search, f.Name) {
			t.Search = append(t.Search, col)
		}
		if f.Unique {
			t.Indexes = append(t.Indexes, IndexDef{Name: name + "_" + col + "_key", Columns: []string{col}, Unique: true})
		} else {
			t.Indexes = append(t.Indexes, IndexDef{Name: name + "_" + col + "_idx", Columns: []string{col}})
		}
	}
	t.Columns = append(t.Columns, ColumnDef{Name: "data", Type: "json", NotNull: true, Default: lit("{}")})
	if c.Auth {
		// Credentials of the auth kind, kept by the auth service.
		t.Columns = append(t.Columns,
			ColumnDef{Name: "hash", Type: "text", NotNull: true, Default: lit("")},
			ColumnDef{Name: "salt", Type: "text", NotNull: true, Default: lit("")},
			ColumnDef{Name: "login_attempts", Type: "int", NotNull: true, Default: lit("0")},
			ColumnDef{Name: "lock_until", Type: "time"})
	}
	content.WalkFields(c.Fields, "", func(path string, f *content.Field) bool {
		fd := FieldDef{Path: path, Type: string(f.Type)}
		if !strings.Contains(path, ".") {
			fd.RenamedFrom = f.RenamedFrom
		}
		t.Fields = append(t.Fields, fd)
		return true
	})
	// Block types share a path: keep each path once.
	t.Fields = slices.CompactFunc(sortedFields(t.Fields), func(a, b FieldDef) bool { return a.Path == b.Path && a.Type == b.Type })
	return t
}

func sortedFields(fs []FieldDef) []FieldDef {
	slices.SortStableFunc(fs, func(a, b FieldDef) int { return strings.Compare(a.Path, b.Path) })
	return fs
}

func deriveVersions(c *content.Collection) TableDef {
	parent := TableName(c)
	name := parent + "_versions"
	return TableDef{Name: name, Entity: c.Slug, Versions: true,
		Columns: []ColumnDef{
			{Name: "id", Type: "id"},
			{Name: "parent_id", Type: "ref", NotNull: true, References: parent},
			{Name: "status", Type: "text", NotNull: true, Default: lit(content.StatusDraft)},
			{Name: "latest", Type: "bool", NotNull: true, Default: lit("false")},
			{Name: "autosave", Type: "bool", NotNull: true, Default: lit("false")},
			{Name: "created_at", Type: "time", NotNull: true},
			{Name: "updated_at", Type: "time", NotNull: true},
			{Name: "data", Type: "json", NotNull: true, Default: lit("{}")},
		},
		Indexes: []IndexDef{
			{Name: name + "_parent_idx", Columns: []string{"parent_id", "id"}},
			// At most one latest version per document: a second is refused
			// by the schema, whatever the writers do.
			{Name: name + "_one_latest", Columns: []string{"parent_id"}, Unique: true, WhereTrue: "latest"},
			{Name: name + "_created_at_idx", Columns: []string{"created_at"}},
			{Name: name + "_updated_at_idx", Columns: []string{"updated_at"}},
		},
	}
}

// Table returns the table with the given name.
func (s Schema) Table(name string) (TableDef, bool) {
	for _, t := range s.Tables {
		if t.Name == name {
			return t, true
		}
	}
	return TableDef{}, false
}

// Column returns the column with the given name.
func (t TableDef) Column(name string) (ColumnDef, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return ColumnDef{}, false
}

// Index returns the index with the given name.
func (t TableDef) Index(name string) (IndexDef, bool) {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix, true
		}
	}
	return IndexDef{}, false
}

// sqlType renders a logical column type in a dialect.
func sqlType(d Dialect, c ColumnDef) string {
	pg := d == Postgres
	switch c.Type {
	case "id":
		if pg {
			return "BIGSERIAL PRIMARY KEY"
		}
		return "INTEGER PRIMARY KEY AUTOINCREMENT"
	case "ref", "int":
		return "BIGINT"
	case "float":
		if pg {
			return "DOUBLE PRECISION"
		}
		return "REAL"
	case "time":
		if pg {
			return "TIMESTAMPTZ"
		}
		return "TEXT"
	case "bool":
		return "BOOLEAN"
	case "json":
		if pg {
			return "JSONB"
		}
		return "TEXT"
	}
	return "TEXT"
}

func sqlDefault(d Dialect, c ColumnDef) string {
	if c.Default == nil {
		return ""
	}
	v := *c.Default
	switch c.Type {
	case "bool":
		if d == SQLite {
			if v == "true" {
				return "1"
			}
			return "0"
		}
		return strings.ToUpper(v)
	case "int", "float":
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// columnSQL renders a column definition.
func columnSQL(d Dialect, c ColumnDef) string {
	s := c.Name + " " + sqlType(d, c)
	if c.NotNull {
		s += " NOT NULL"
	}
	if def := sqlDefault(d, c); def != "" {
		s += " DEFAULT " + def
	}
	if c.References != "" {
		s += " REFERENCES " + c.References + " (id) ON DELETE CASCADE"
	}
	return s
}

// createTableSQL renders CREATE TABLE and its indexes.
func createTableSQL(d Dialect, t TableDef) []string {
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = "    " + columnSQL(d, c)
	}
	out := []string{"CREATE TABLE " + t.Name + " (\n" + strings.Join(cols, ",\n") + "\n)"}
	for _, ix := range t.Indexes {
		out = append(out, createIndexSQL(d, t.Name, ix))
	}
	return out
}

func createIndexSQL(d Dialect, table string, ix IndexDef) string {
	s := "CREATE "
	if ix.Unique {
		s += "UNIQUE "
	}
	s += "INDEX " + ix.Name + " ON " + table + " (" + strings.Join(ix.Columns, ", ") + ")"
	if ix.WhereTrue != "" {
		if d == SQLite {
			s += " WHERE " + ix.WhereTrue + " = 1"
		} else {
			s += " WHERE " + ix.WhereTrue
		}
	}
	return s
}
