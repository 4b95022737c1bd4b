package content

import "strconv"

// Visit is one field value met by Walk.
type Visit struct {
	// Path is the dotted document path ("layout.2.links.0.url").
	Path  string
	Field *Field
	// Holder is the map that holds the value under Field.Name.
	Holder map[string]any
	Value  any
}

// Walk calls visit for every declared field of data, depth first, in
// definition order. It is the one walker over groups, arrays and blocks:
// when visit returns true for a group, array or blocks field, Walk goes on
// into its object or rows (a row of an unknown block type, or a value of
// the wrong shape, is skipped).
func Walk(fields []Field, data map[string]any, visit func(Visit) bool) {
	walk(fields, data, "", visit)
}

func walk(fields []Field, data map[string]any, prefix string, visit func(Visit) bool) {
	for i := range fields {
		f := &fields[i]
		path := joinPath(prefix, f.Name)
		v := data[f.Name]
		if !visit(Visit{Path: path, Field: f, Holder: data, Value: v}) {
			continue
		}
		switch f.Type {
		case Group:
			if sub, ok := v.(map[string]any); ok {
				walk(f.Fields, sub, path, visit)
			}
		case Array, Blocks:
			list, _ := v.([]any)
			for j, it := range list {
				if row, ok := it.(map[string]any); ok {
					walk(rowFields(f, row), row, path+"."+strconv.Itoa(j), visit)
				}
			}
		}
	}
}

// WalkFields calls fn for every field definition under fields, depth first;
// the path has no row indexes ("layout.links.url"), and the fields of every
// block type of a blocks field share its path. fn returning false skips the
// field's children.
func WalkFields(fields []Field, prefix string, fn func(path string, f *Field) bool) {
	for i := range fields {
		f := &fields[i]
		path := joinPath(prefix, f.Name)
		if !fn(path, f) {
			continue
		}
		WalkFields(f.Fields, path, fn)
		for _, b := range f.Blocks {
			WalkFields(b.Fields, path, fn)
		}
	}
}

// rowFields returns the fields of one row of an array or blocks field: the
// array's fields, or those of the row's block type (none for an unknown one).
func rowFields(f *Field, row map[string]any) []Field {
	if f.Type != Blocks {
		return f.Fields
	}
	bt, _ := row["blockType"].(string)
	if b, ok := f.Block(bt); ok {
		return b.Fields
	}
	return nil
}

// Block returns the block type with the given slug of a blocks field.
func (f *Field) Block(slug string) (*Block, bool) {
	for i := range f.Blocks {
		if f.Blocks[i].Slug == slug {
			return &f.Blocks[i], true
		}
	}
	return nil, false
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}
