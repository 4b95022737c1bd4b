package content

import (
	"github.com/automatonic/chronos/app/internal/query"
)

// Doc is a document as the API shows it: JSON-ready values keyed by field
// name, plus id, createdAt, updatedAt (and _status, collection, ...).
type Doc = map[string]any

// relRef is one place in a document that holds a relation value.
type relRef struct {
	holder map[string]any
	key    string
	index  int // -1: holder[key] is the value; else holder[key].([]any)[index]
	target string
}

// eachRelation calls fn for every relation value reachable in data through
// fields: upload and relationship fields (also inside groups, arrays and
// blocks) and upload/relationship nodes of rich text.
func eachRelation(fields []Field, data map[string]any, fn func(relRef)) {
	for i := range fields {
		f := &fields[i]
		v, ok := data[f.Name]
		if !ok || v == nil {
			continue
		}
		switch f.Type {
		case Upload, Relationship:
			if f.HasMany {
				list, _ := v.([]any)
				for j := range list {
					fn(relRef{holder: data, key: f.Name, index: j, target: f.RelationTo})
				}
			} else {
				fn(relRef{holder: data, key: f.Name, index: -1, target: f.RelationTo})
			}
		case Group:
			if sub, ok := v.(map[string]any); ok {
				eachRelation(f.Fields, sub, fn)
			}
		case Array, Blocks:
			list, _ := v.([]any)
			for _, it := range list {
				row, ok := it.(map[string]any)
				if !ok {
					continue
				}
				eachRelation(rowFields(f, row), row, fn)
			}
		case RichText:
			eachRichTextRelation(v, fn)
		}
	}
}

// eachRichTextRelation visits upload and relationship nodes of a Lexical tree.
func eachRichTextRelation(v any, fn func(relRef)) {
	var walk func(n map[string]any, depth int)
	walk = func(n map[string]any, depth int) {
		if depth > 64 {
			return
		}
		if t, _ := n["type"].(string); t == "upload" || t == "relationship" {
			if rel, _ := n["relationTo"].(string); rel != "" && n["value"] != nil {
				fn(relRef{holder: n, key: "value", index: -1, target: rel})
			}
		}
		if root, ok := n["root"].(map[string]any); ok {
			walk(root, depth+1)
		}
		children, _ := n["children"].([]any)
		for _, c := range children {
			if cm, ok := c.(map[string]any); ok {
				walk(cm, depth+1)
			}
		}
	}
	if m, ok := v.(map[string]any); ok {
		walk(m, 0)
	}
}

func (r relRef) get() any {
	if r.index < 0 {
		return r.holder[r.key]
	}
	list, _ := r.holder[r.key].([]any)
	if r.index < len(list) {
		return list[r.index]
	}
	return nil
}

func (r relRef) set(v any) {
	if r.index < 0 {
		r.holder[r.key] = v
		return
	}
	if list, _ := r.holder[r.key].([]any); r.index < len(list) {
		list[r.index] = v
	}
}

// rowFields returns the fields of one row of an array or blocks field: the
// array's fields, or those of the row's block type (none for an unknown one).
func rowFields(f *Field, row map[string]any) []Field {
	if f.Type != Blocks {
		return f.Fields
	}
	bt, _ := row["blockType"].(string)
	for _, b := range f.Blocks {
		if b.Slug == bt {
			return b.Fields
		}
	}
	return nil
}

// shape fills every declared field so unset fields come back as null,
// groups as objects of nulls and lists as [] (Payload's read shape). Groups,
// rows and lists are new; rich text and JSON values are shared with data.
func shape(fields []Field, data map[string]any) map[string]any {
	out := make(map[string]any, len(fields)+4)
	for i := range fields {
		f := &fields[i]
		v := data[f.Name]
		switch f.Type {
		case Group:
			sub, _ := v.(map[string]any)
			out[f.Name] = shape(f.Fields, sub)
		case Array, Blocks:
			list, _ := v.([]any)
			rows := make([]any, 0, len(list))
			for _, it := range list {
				row, ok := it.(map[string]any)
				if !ok {
					continue
				}
				nr := shape(rowFields(f, row), row)
				nr["id"] = row["id"]
				if f.Type == Blocks {
					nr["blockType"] = row["blockType"]
					nr["blockName"] = row["blockName"]
				}
				rows = append(rows, nr)
			}
			out[f.Name] = rows
		case Upload, Relationship, Select:
			if f.HasMany {
				list, _ := v.([]any)
				out[f.Name] = append([]any{}, list...)
			} else {
				out[f.Name] = normalizeID(f, v)
			}
		case RichText, JSON:
			// Records are decoded per request and never shared, so the
			// value is used as is (copying it was 10% of a read).
			out[f.Name] = v
		default:
			out[f.Name] = v
		}
	}
	return out
}

// normalizeID turns JSON-decoded float ids into int64 so they print as
// integers and compare cleanly.
func normalizeID(f *Field, v any) any {
	if f.Type == Select || v == nil {
		return v
	}
	if id, ok := RelationID(v); ok {
		return id
	}
	return v
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// toDoc builds the API document of a record.
func toDoc(c *Collection, r Record) Doc {
	d := shape(c.Fields, r.Data)
	for i := range c.Fields {
		f := &c.Fields[i]
		if (f.Type == Upload || f.Type == Relationship) && f.HasMany {
			list, _ := d[f.Name].([]any)
			for j, it := range list {
				if id, ok := RelationID(it); ok {
					list[j] = id
				}
			}
		}
	}
	d["id"] = r.ID
	d["createdAt"] = FormatTime(r.CreatedAt)
	d["updatedAt"] = FormatTime(r.UpdatedAt)
	if c.Drafts {
		d["_status"] = r.Status
	}
	return d
}

// project applies a select to a document: include mode keeps id and the
// listed fields (nested for groups), exclude mode drops the listed fields.
func project(d map[string]any, sel *query.Select, keepID bool) map[string]any {
	if sel == nil {
		return d
	}
	if sel.Exclude {
		out := make(map[string]any, len(d))
		for k, v := range d {
			child, listed := sel.Fields[k]
			switch {
			case !listed:
				out[k] = v
			case child != nil:
				if sub, ok := v.(map[string]any); ok {
					out[k] = project(sub, child, false)
				}
			}
		}
		return out
	}
	out := make(map[string]any, len(sel.Fields)+1)
	if keepID {
		if id, ok := d["id"]; ok {
			out["id"] = id
		}
	}
	for k, child := range sel.Fields {
		v, ok := d[k]
		if !ok {
			continue
		}
		if child != nil {
			if sub, isMap := v.(map[string]any); isMap {
				out[k] = project(sub, child, false)
				continue
			}
		}
		out[k] = v
	}
	return out
}
