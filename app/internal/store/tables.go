package store

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
)

// colKind is how a column's values are typed.
type colKind int

const (
	kText colKind = iota
	kTime
	kInt
	kBool
	kFloat
)

type column struct {
	name string
	kind colKind
	// search: the column has a trigram index for like/contains (a GIN
	// index on PostgreSQL, the <table>_search FTS5 table on SQLite): the
	// promoted fields a collection lists in Admin.Search.
	search bool
}

// table maps a collection onto its SQL table: which paths have their own
// column (indexed, sortable) — everything else lives in the JSON data column.
// It is derived from the definition (see schema.go for the DDL side).
type table struct {
	name     string
	cols     map[string]column // field path → column
	versions bool              // a versions table: paths start with "version."
}

var systemCols = map[string]column{
	"id":        {"id", kInt, false},
	"createdAt": {"created_at", kTime, false},
	"updatedAt": {"updated_at", kTime, false},
}

// tables caches derived tables by definition; definitions are immutable
// once registered.
var tables sync.Map // *content.Collection → *table

func kindOf(t content.ColumnType) colKind {
	switch t {
	case content.ColTime:
		return kTime
	case content.ColInt:
		return kInt
	case content.ColBool:
		return kBool
	case content.ColFloat:
		return kFloat
	}
	return kText
}

// tableFor returns the table of a collection or global.
func tableFor(c *content.Collection) (*table, error) {
	if t, ok := tables.Load(c); ok {
		return t.(*table), nil
	}
	t := &table{name: TableName(c), cols: map[string]column{}}
	for k, v := range systemCols {
		t.cols[k] = v
	}
	if c.Drafts {
		t.cols["_status"] = column{"status", kText, false}
	}
	for i := range c.Fields {
		f := &c.Fields[i]
		if f.Promoted() {
			t.cols[f.Name] = column{ColumnName(f), kindOf(content.ColumnOf(f)), slices.Contains(c.Admin.Search, f.Name)}
		}
	}
	tables.Store(c, t)
	return t, nil
}

// versionsTableFor returns the versions table of a drafts-enabled
// collection or global.
func versionsTableFor(c *content.Collection) (*table, error) {
	if !c.Drafts {
		return nil, fmt.Errorf("store: %q has no versions", c.Slug)
	}
	return &table{name: TableName(c) + "_versions", versions: true, cols: map[string]column{
		"id":     {"id", kInt, false},
		"parent": {"parent_id", kInt, false}, "latest": {"latest", kBool, false}, "autosave": {"autosave", kBool, false},
		"createdAt": {"created_at", kTime, false}, "updatedAt": {"updated_at", kTime, false},
		"version._status": {"status", kText, false}, "version.createdAt": {"created_at", kTime, false}, "version.updatedAt": {"updated_at", kTime, false},
	}}, nil
}

// timeLayout is how SQLite stores timestamps: fixed-width UTC text, so that
// text order is time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// toTime reads a timestamp column from either dialect.
func toTime(v any) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x.UTC(), nil
	case string:
		return parseTimeText(x)
	case []byte:
		return parseTimeText(string(x))
	case nil:
		return time.Time{}, nil
	}
	return time.Time{}, fmt.Errorf("store: unexpected timestamp type %T", v)
}

func parseTimeText(s string) (time.Time, error) {
	for _, l := range []string{timeLayout, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("store: bad timestamp %q", s)
}
