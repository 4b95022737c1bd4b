package store

import (
	"fmt"
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
)

type column struct {
	name string
	kind colKind
	// search: the column has a trigram index for like/contains (migration
	// 0004: a GIN index on PostgreSQL, the <table>_search FTS5 table on
	// SQLite).
	search bool
}

// table maps a collection onto its SQL table: which paths have their own
// column (indexed, sortable) — everything else lives in the JSON data column.
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

func newTable(name string, extra map[string]column) *table {
	t := &table{name: name, cols: map[string]column{}}
	for k, v := range systemCols {
		t.cols[k] = v
	}
	for k, v := range extra {
		t.cols[k] = v
	}
	return t
}

// tableFor returns the table of a collection (or of its versions).
func tableFor(c *content.Collection) (*table, error) {
	switch c.Slug {
	case content.Pages:
		return newTable("pages", map[string]column{
			"_status": {"status", kText, false}, "title": {"title", kText, true}, "slug": {"slug", kText, true},
			"publishedAt": {"published_at", kTime, false},
		}), nil
	case content.Media:
		return newTable("media", map[string]column{
			"alt": {"alt", kText, true}, "filename": {"filename", kText, true}, "mimeType": {"mime_type", kText, false},
			"filesize": {"filesize", kInt, false},
		}), nil
	case content.Users:
		return newTable("users", map[string]column{"email": {"email", kText, true}, "name": {"name", kText, true}}), nil
	}
	return nil, fmt.Errorf("store: no table for collection %q", c.Slug)
}

func versionsTableFor(c *content.Collection) (*table, error) {
	if c.Slug != content.Pages {
		return nil, fmt.Errorf("store: collection %q has no versions", c.Slug)
	}
	t := newTable("pages_versions", map[string]column{
		"parent": {"parent_id", kInt, false}, "latest": {"latest", kBool, false},
		"version._status": {"status", kText, false}, "version.createdAt": {"created_at", kTime, false}, "version.updatedAt": {"updated_at", kTime, false},
	})
	t.versions = true
	return t, nil
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
