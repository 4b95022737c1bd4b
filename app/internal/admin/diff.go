package admin

import (
	"fmt"
	"strings"

	"github.com/automatonic/chronos/app/internal/content"
)

// diffLine is one leaf value of a document, labelled as an editor reads
// it ("Layout › Hero 1 › Heading").
type diffLine struct {
	Path  string
	Label string
	Value string
}

// diffRow is one field that differs between two versions.
type diffRow struct {
	Label       string
	Left, Right string
}

// flatten lists a document's leaf values in field order. Rich text is
// compared by its text, relations by their ids, arrays and blocks row by
// row.
func flatten(fields []content.Field, data map[string]any, path, label string, out []diffLine) []diffLine {
	for i := range fields {
		f := &fields[i]
		p, l := joinPath(path, f.Name), fieldLabel(f)
		if label != "" {
			l = label + " › " + l
		}
		v := data[f.Name]
		switch f.Type {
		case content.Group:
			sub, _ := v.(map[string]any)
			out = flatten(f.Fields, sub, p, l, out)
		case content.Array, content.Blocks:
			list, _ := v.([]any)
			if len(list) == 0 {
				out = append(out, diffLine{Path: p, Label: l, Value: "(none)"})
			}
			for j, it := range list {
				row, _ := it.(map[string]any)
				fs, rl := f.Fields, fmt.Sprintf("%s %d", l, j+1)
				if f.Type == content.Blocks {
					bt, _ := row["blockType"].(string)
					fs = nil
					for _, b := range f.Blocks {
						if b.Slug == bt {
							fs, rl = b.Fields, fmt.Sprintf("%s › %s %d", l, b.Label, j+1)
						}
					}
					out = append(out, diffLine{Path: fmt.Sprintf("%s.%d.blockType", p, j), Label: rl, Value: bt})
				}
				out = flatten(fs, row, fmt.Sprintf("%s.%d", p, j), rl, out)
			}
		default:
			out = append(out, diffLine{Path: p, Label: l, Value: leafString(f, v)})
		}
	}
	return out
}

// leafString renders a leaf value for comparison.
func leafString(f *content.Field, v any) string {
	switch {
	case v == nil:
		return ""
	case f.Type == content.RichText:
		var words []string
		var walk func(any)
		walk = func(n any) {
			switch x := n.(type) {
			case map[string]any:
				if t, ok := x["text"].(string); ok {
					words = append(words, t)
				}
				for _, k := range []string{"root", "children"} {
					walk(x[k])
				}
			case []any:
				for _, c := range x {
					walk(c)
				}
			}
		}
		walk(v)
		return strings.Join(words, " ")
	case f.Polymorphic():
		return polyString(v)
	case f.Type == content.Relationship || f.Type == content.Upload:
		if f.HasMany {
			return idList(v)
		}
		return idString(v)
	case f.Type == content.JSON:
		return jsonString(v, false)
	}
	if list, ok := v.([]any); ok {
		parts := make([]string, 0, len(list))
		for _, x := range list {
			parts = append(parts, scalarString(x))
		}
		return strings.Join(parts, ", ")
	}
	return scalarString(v)
}

// diff lists the fields whose values differ between left and right, in
// field order (left's rows first, then rows only right has), with the
// status first.
func diff(col *content.Collection, left, right map[string]any) []diffRow {
	var rows []diffRow
	if col.Drafts && scalarString(left["_status"]) != scalarString(right["_status"]) {
		rows = append(rows, diffRow{Label: "Status", Left: scalarString(left["_status"]), Right: scalarString(right["_status"])})
	}
	l := flatten(col.Fields, left, "", "", nil)
	r := flatten(col.Fields, right, "", "", nil)
	rv := make(map[string]diffLine, len(r))
	for _, x := range r {
		rv[x.Path] = x
	}
	seen := map[string]bool{}
	for _, x := range l {
		seen[x.Path] = true
		if y := rv[x.Path]; y.Value != x.Value {
			rows = append(rows, diffRow{Label: x.Label, Left: x.Value, Right: y.Value})
		}
	}
	for _, y := range r {
		if !seen[y.Path] && y.Value != "" {
			rows = append(rows, diffRow{Label: y.Label, Right: y.Value})
		}
	}
	return rows
}
