package content

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/automatonic/chronos/app/internal/query"
)

// relationPaths lists the dotted paths of relation fields (outside rich
// text) that point at target, through groups, arrays and blocks; for a
// polymorphic field the path of its value.
func relationPaths(fields []Field, target string) []string {
	var out []string
	WalkFields(fields, "", func(path string, f *Field) bool {
		if f.IsRelation() && slices.Contains(f.Targets(), target) {
			if f.Polymorphic() {
				path += ".value"
			}
			if !slices.Contains(out, path) {
				out = append(out, path)
			}
		}
		return true
	})
	return out
}

// detach removes references to a deleted document from every document
// that points at it, inside the delete's transaction — what Payload's
// foreign keys do — so nobody reads a dangling id afterwards. Versions keep
// their snapshot; restoring one prunes what no longer exists.
func (s *Service) detach(ctx context.Context, tx Store, target *Collection, id int64) error {
	bound := *s
	bound.store = tx
	for _, c := range s.reg.Entities() {
		paths := relationPaths(c.Fields, target.Slug)
		if len(paths) == 0 {
			continue
		}
		var w query.Where
		for _, p := range paths {
			w.Or = append(w.Or, query.Where{Conds: []query.Cond{{Path: p, Op: query.Equals, Values: []string{strconv.FormatInt(id, 10)}}}})
		}
		f, err := s.reg.CompileWhere(c, w, systemActor)
		if err != nil {
			return fmt.Errorf("detach %s: %w", c.Slug, err)
		}
		recs, _, err := tx.Find(ctx, c, Find{Filter: f})
		if err != nil {
			return fmt.Errorf("detach %s: %w", c.Slug, err)
		}
		for _, r := range recs {
			data, _, err := bound.pruneDangling(ctx, c, r.Data)
			if err != nil {
				return err
			}
			r.Data = data
			if _, err := tx.Update(ctx, c, r); err != nil {
				return fmt.Errorf("detach %s %d: %w", c.Slug, r.ID, err)
			}
		}
	}
	return nil
}
