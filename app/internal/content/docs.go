package content

import (
	"github.com/automatonic/chronos/app/internal/docjson"
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
	// poly: the place holds a {relationTo, value} object whose value is
	// the relation.
	poly bool
	// node is the Lexical node type of a rich text relation ("upload",
	// "relationship", "link" or "autolink"); "" outside rich text.
	node string
}

// eachRelation calls fn for every relation value reachable in data through
// fields: upload and relationship fields (also inside groups, arrays and
// blocks) and, when richText is true, upload/relationship nodes of rich
// text.
func eachRelation(fields []Field, data map[string]any, richText bool, fn func(relRef)) {
	Walk(fields, data, func(v Visit) bool {
		f := v.Field
		if v.Value == nil {
			return false
		}
		switch {
		case f.IsRelation():
			one := func(index int, val any) {
				r := relRef{holder: v.Holder, key: f.Name, index: index, target: f.RelationTo, poly: f.Polymorphic()}
				if r.poly {
					m, _ := val.(map[string]any)
					r.target, _ = m["relationTo"].(string)
					if r.target == "" {
						return
					}
				}
				fn(r)
			}
			if f.HasMany {
				list, _ := v.Value.([]any)
				for j, it := range list {
					one(j, it)
				}
			} else {
				one(-1, v.Value)
			}
		case f.Type == RichText && richText:
			eachRichTextRelation(v.Value, fn)
		}
		return true
	})
}

// eachRichTextRelation visits the relations of a Lexical tree: the value of
// upload and relationship nodes and the doc.value of internal links.
func eachRichTextRelation(v any, fn func(relRef)) {
	var walk func(n map[string]any, depth int)
	walk = func(n map[string]any, depth int) {
		if depth > 64 {
			return
		}
		switch t, _ := n["type"].(string); t {
		case "upload", "relationship":
			if rel, _ := n["relationTo"].(string); rel != "" && n["value"] != nil {
				fn(relRef{holder: n, key: "value", index: -1, target: rel, node: t})
			}
		case "link", "autolink":
			fields, _ := n["fields"].(map[string]any)
			if doc, ok := fields["doc"].(map[string]any); ok {
				if rel, _ := doc["relationTo"].(string); rel != "" && doc["value"] != nil {
					fn(relRef{holder: doc, key: "value", index: -1, target: rel, node: t})
				}
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

// reduceRichText replaces every relation value of a Lexical tree by the id
// it holds, in place, so a document populated by a read (an upload's url,
// a user's email) is never stored or shown from the stored copy: relations
// are populated on read only, through the target's access rules. It
// reports false when a value holds no valid id.
func reduceRichText(v any) bool {
	ok := true
	eachRichTextRelation(v, func(r relRef) {
		id, valid := RelationID(r.get())
		if !valid {
			ok = false
			return
		}
		r.set(id)
	})
	return ok
}

func (r relRef) slot() any {
	if r.index < 0 {
		return r.holder[r.key]
	}
	list, _ := r.holder[r.key].([]any)
	if r.index < len(list) {
		return list[r.index]
	}
	return nil
}

func (r relRef) get() any {
	v := r.slot()
	if r.poly {
		m, _ := v.(map[string]any)
		return m["value"]
	}
	return v
}

// set replaces the relation value; nil removes a polymorphic entry whole.
func (r relRef) set(v any) {
	if r.poly && v != nil {
		if m, ok := r.slot().(map[string]any); ok {
			m["value"] = v
		}
		return
	}
	if r.index < 0 {
		r.holder[r.key] = v
		return
	}
	if list, _ := r.holder[r.key].([]any); r.index < len(list) {
		list[r.index] = v
	}
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
			switch {
			case f.HasMany:
				list, _ := v.([]any)
				cp := append([]any{}, list...)
				if f.Polymorphic() {
					for j := range cp {
						cp[j] = polyValue(cp[j])
					}
				}
				out[f.Name] = cp
			case f.Polymorphic() && v == nil:
				// Payload keeps polymorphic relations in a side table, so
				// an unset one is absent rather than null.
			case f.Polymorphic():
				out[f.Name] = polyValue(v)
			default:
				out[f.Name] = normalizeID(f, v)
			}
		case RichText:
			// Records are decoded per request and never shared, so the
			// value is used as is (copying it was 10% of a read). Values
			// stored before writes were reduced may hold populated
			// documents: only their ids are shown.
			reduceRichText(v)
			out[f.Name] = v
		case JSON:
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

// polyValue copies a {relationTo, value} object with an integer id.
func polyValue(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{"relationTo": m["relationTo"], "value": m["value"]}
	if id, ok := RelationID(m["value"]); ok {
		out["value"] = id
	}
	return out
}

// asMap returns v as an object: a decoded one, or stored text of one
// (docjson.Raw, from an encoded read) decoded now, so a select reaches
// into it as into the decoded value.
func asMap(v any) (map[string]any, bool) {
	if raw, ok := v.(docjson.Raw); ok {
		d, err := docjson.Decode(raw)
		if err != nil {
			return nil, false
		}
		v = d
	}
	m, ok := v.(map[string]any)
	return m, ok
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
		if f.IsRelation() && f.HasMany && !f.Polymorphic() {
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
				if sub, ok := asMap(v); ok {
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
			if sub, isMap := asMap(v); isMap {
				out[k] = project(sub, child, false)
				continue
			}
		}
		out[k] = v
	}
	return out
}
