package content

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// mimeUse is one value of an upload field limited by MimeTypes.
type mimeUse struct {
	path string
	f    *Field
	id   int64
}

// limitedUploads calls fn for every id held by an upload field with
// MimeTypes in data.
func limitedUploads(fields []Field, data map[string]any, fn func(mimeUse)) {
	Walk(fields, data, func(vis Visit) bool {
		f := vis.Field
		if f.Type != Upload || len(f.MimeTypes) == 0 || vis.Value == nil {
			return true
		}
		vals := []any{vis.Value}
		if f.HasMany {
			vals, _ = vis.Value.([]any)
		}
		for _, it := range vals {
			if id, ok := RelationID(it); ok {
				fn(mimeUse{path: vis.Path, f: f, id: id})
			}
		}
		return true
	})
}

// checkMimeTypes refuses the upload values whose file is of a MIME type
// their field does not accept (Field.MimeTypes): a PDF cannot become an
// image field's value, whichever client writes it. A file the stored
// document (base, nil on create) already held in a limited field is not
// checked again, as checkRelations keeps a since-deleted target: editing
// around an old choice still saves, every new choice is checked. Missing
// files are left to checkRelations, which reports them.
func (s *Service) checkMimeTypes(ctx context.Context, c *Collection, data, base map[string]any, v *validator) error {
	had := map[relKey]bool{}
	limitedUploads(c.Fields, base, func(u mimeUse) { had[relKey{u.f.RelationTo, u.id}] = true })
	var uses []mimeUse
	want := map[string]map[int64]bool{}
	limitedUploads(c.Fields, data, func(u mimeUse) {
		if had[relKey{u.f.RelationTo, u.id}] {
			return
		}
		uses = append(uses, u)
		if want[u.f.RelationTo] == nil {
			want[u.f.RelationTo] = map[int64]bool{}
		}
		want[u.f.RelationTo][u.id] = true
	})
	files := map[relKey]UploadType{}
	for _, slug := range slices.Sorted(maps.Keys(want)) {
		target, ok := s.reg.Get(slug)
		if !ok {
			continue
		}
		types, err := s.store.UploadTypes(ctx, target, slices.Sorted(maps.Keys(want[slug])))
		if err != nil {
			return fmt.Errorf("check upload types: %w", err)
		}
		for id, ut := range types {
			files[relKey{slug, id}] = ut
		}
	}
	for _, u := range uses {
		fl, ok := files[relKey{u.f.RelationTo, u.id}]
		if !ok || u.f.MimeAllowed(fl.MimeType) {
			continue
		}
		name, mt := fl.Filename, fl.MimeType
		if name == "" {
			name = fmt.Sprintf("file %d", u.id)
		}
		if mt == "" {
			mt = "of an unknown type"
		}
		v.errs = append(v.errs, FieldError{Path: u.path, Label: u.f.label(),
			Message: fmt.Sprintf("This field accepts %s files only: %s is %s.", strings.Join(u.f.MimeTypes, " or "), name, mt)})
	}
	return nil
}
