package content

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// pruneDangling returns a copy of data without the relation values (upload
// and relationship fields, also in groups, arrays and blocks) that point at
// documents deleted since they were set. Payload clears such references when
// the target is deleted (its foreign keys cascade); we keep relations inside
// the document, so they are dropped on the document's next write — without
// this, an unrelated edit would be refused with "invalid relationships".
// Rich text nodes are left alone: they are not validated as relations.
func (s *Service) pruneDangling(ctx context.Context, c *Collection, data map[string]any) (map[string]any, error) {
	data, _ = deepCopy(data).(map[string]any)
	refs := map[string][]relRef{}
	walkRelationFields(c.Fields, data, func(r relRef) {
		if _, ok := RelationID(r.get()); ok {
			refs[r.target] = append(refs[r.target], r)
		}
	})
	pruned := false
	for _, slug := range slices.Sorted(maps.Keys(refs)) {
		target, ok := s.reg.Get(slug)
		if !ok {
			continue
		}
		var ids []int64
		for _, r := range refs[slug] {
			id, _ := RelationID(r.get())
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		recs, err := s.store.GetMany(ctx, target, ids, Filter{})
		if err != nil {
			return nil, fmt.Errorf("check stored relations: %w", err)
		}
		found := make(map[int64]bool, len(recs))
		for _, r := range recs {
			found[r.ID] = true
		}
		for _, r := range refs[slug] {
			if id, _ := RelationID(r.get()); !found[id] {
				r.set(nil)
				pruned = true
			}
		}
	}
	if pruned {
		dropNilRelations(c.Fields, data)
	}
	return data, nil
}

// walkRelationFields is eachRelation without rich text.
func walkRelationFields(fields []Field, data map[string]any, fn func(relRef)) {
	eachRelation(withoutRichText(fields), data, fn)
}

// withoutRichText returns fields with rich text fields removed, at every
// level (groups, arrays, blocks).
func withoutRichText(fields []Field) []Field {
	out := make([]Field, 0, len(fields))
	for _, f := range fields {
		if f.Type == RichText {
			continue
		}
		if len(f.Fields) > 0 {
			f.Fields = withoutRichText(f.Fields)
		}
		if len(f.Blocks) > 0 {
			bs := make([]Block, len(f.Blocks))
			for i, b := range f.Blocks {
				b.Fields = withoutRichText(b.Fields)
				bs[i] = b
			}
			f.Blocks = bs
		}
		out = append(out, f)
	}
	return out
}

// dropNilRelations removes the nil entries pruneDangling left in hasMany
// relation lists.
func dropNilRelations(fields []Field, data map[string]any) {
	for i := range fields {
		f := &fields[i]
		v, ok := data[f.Name]
		if !ok || v == nil {
			continue
		}
		switch f.Type {
		case Upload, Relationship:
			if list, isList := v.([]any); f.HasMany && isList {
				data[f.Name] = slices.DeleteFunc(list, func(e any) bool { return e == nil })
			}
		case Group:
			if sub, ok := v.(map[string]any); ok {
				dropNilRelations(f.Fields, sub)
			}
		case Array, Blocks:
			list, _ := v.([]any)
			for _, it := range list {
				row, ok := it.(map[string]any)
				if !ok {
					continue
				}
				fs := f.Fields
				if f.Type == Blocks {
					bt, _ := row["blockType"].(string)
					fs = nil
					for _, b := range f.Blocks {
						if b.Slug == bt {
							fs = b.Fields
						}
					}
				}
				dropNilRelations(fs, row)
			}
		}
	}
}
