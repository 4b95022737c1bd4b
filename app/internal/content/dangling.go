package content

import (
	"context"
	"fmt"
	"slices"
)

// pruneDangling returns data without the relation values (upload and
// relationship fields, also in groups, arrays and blocks) that point at
// documents deleted since they were set: data itself when none does (it
// is not copied: a copy per update was a tenth of a PATCH's CPU), else a
// pruned copy, data left as it is. Payload clears such references when
// the target is deleted (its foreign keys cascade); we keep relations inside
// the document, so they are dropped on the document's next write — without
// this, an unrelated edit would be refused with "invalid relationships".
// Rich text nodes are left alone: they are not validated as relations.
//
// It also returns the relation ids it found stored, by target collection,
// so that checkRelations need not ask for them again in the same write.
func (s *Service) pruneDangling(ctx context.Context, c *Collection, data map[string]any) (map[string]any, knownIDs, error) {
	refs := map[string][]relRef{}
	eachRelation(c.Fields, data, false, func(r relRef) {
		if _, ok := RelationID(r.get()); ok {
			refs[r.target] = append(refs[r.target], r)
		}
	})
	ask := map[*Collection][]int64{}
	for slug, rs := range refs {
		target, ok := s.reg.Get(slug)
		if !ok {
			continue
		}
		for _, r := range rs {
			if id, _ := RelationID(r.get()); !slices.Contains(ask[target], id) {
				ask[target] = append(ask[target], id)
			}
		}
	}
	stored, err := s.store.Existing(ctx, ask)
	if err != nil {
		return nil, nil, fmt.Errorf("check stored relations: %w", err)
	}
	dangling := false
	known := knownIDs{}
	for target := range ask {
		found := make(map[int64]bool, len(stored[target]))
		for _, id := range stored[target] {
			found[id] = true
		}
		known[target.Slug] = found
		for _, r := range refs[target.Slug] {
			if id, _ := RelationID(r.get()); !found[id] {
				dangling = true
			}
		}
	}
	if !dangling {
		return data, known, nil
	}
	data, _ = deepCopy(data).(map[string]any)
	eachRelation(c.Fields, data, false, func(r relRef) {
		if id, ok := RelationID(r.get()); ok && known[r.target] != nil && !known[r.target][id] {
			r.set(nil)
		}
	})
	dropNilRelations(c.Fields, data)
	return data, known, nil
}

// knownIDs are relation targets found stored earlier in the same write:
// collection slug → id → true.
type knownIDs map[string]map[int64]bool

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
