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
	eachRelation(c.Fields, data, false, func(r relRef) {
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

// dropNilRelations removes the nil entries pruneDangling left in hasMany
// relation lists.
func dropNilRelations(fields []Field, data map[string]any) {
	Walk(fields, data, func(v Visit) bool {
		if list, isList := v.Value.([]any); v.Field.IsRelation() && v.Field.HasMany && isList {
			v.Holder[v.Field.Name] = slices.DeleteFunc(list, func(e any) bool { return e == nil })
		}
		return true
	})
}
