package content

import (
	"strings"

	"github.com/automatonic/chronos/app/internal/query"
)

// CompileSort checks sort fields: system fields and indexed fields only, so
// every sort is served by an index. The default is -createdAt.
func CompileSort(c *Collection, s []query.SortField) ([]SortKey, error) {
	if len(s) == 0 {
		return []SortKey{{Field: "createdAt", Desc: true}}, nil
	}
	var bad []string
	out := make([]SortKey, 0, len(s))
	for _, f := range s {
		name := f.Path
		ok := false
		if _, sys := systemField(c, name); sys {
			ok = true
		} else if fd, found := c.Field(name); found && (fd.Index || fd.Unique) {
			ok = true
		}
		if !ok || strings.Contains(name, ".") {
			bad = append(bad, name)
			continue
		}
		out = append(out, SortKey{Field: name, Desc: f.Desc})
	}
	if len(bad) > 0 {
		return nil, &query.Error{Paths: bad}
	}
	return out, nil
}

// versionsCollection describes the versions of c as a collection so that
// where clauses on versions (parent, latest, version.title, ...) compile with
// the same machinery.
func versionsCollection(c *Collection) *Collection {
	versionFields := append([]Field{}, c.Fields...)
	versionFields = append(versionFields,
		Field{Name: "_status", Type: Select, Options: []string{StatusDraft, StatusPublished}},
		Field{Name: "createdAt", Type: Date},
		Field{Name: "updatedAt", Type: Date},
	)
	return &Collection{
		Slug:     "_" + c.Slug + "_versions",
		Singular: c.Singular + " Version", Plural: c.Plural + " Versions",
		Fields: []Field{
			{Name: "parent", Type: Relationship, RelationTo: c.Slug, Index: true},
			{Name: "latest", Type: Checkbox, Index: true},
			{Name: "version", Type: Group, Fields: versionFields},
		},
		Access: c.Access,
	}
}
