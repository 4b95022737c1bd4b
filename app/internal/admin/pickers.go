package admin

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
)

// Pickers: every upload and relationship field is drawn as its plain
// input (a select of recent choices, or ids typed as text) inside a
// [data-pick] box that carries what static/pickers.js needs to replace it
// by a searchable picker: the targets (slug, labels, title and search
// fields, default sort, all from the definitions), the field's MIME types
// and the current choices with their titles and thumbnails. The script
// searches through the REST API a page at a time and writes the choice
// back into the plain input, which is what the form posts, with or
// without JavaScript.

// pickTarget is a collection a picker searches.
type pickTarget struct {
	Slug     string   `json:"slug"`
	Singular string   `json:"singular"`
	Plural   string   `json:"plural"`
	Title    string   `json:"title"`            // field shown as a choice's title ("" : the id)
	Search   []string `json:"search,omitempty"` // fields the search box matches (like)
	Sort     string   `json:"sort"`             // order of the choices
	Drafts   bool     `json:"drafts,omitempty"` // search the latest drafts too
}

// pickConfig is the JSON of a picker's data-pick attribute.
type pickConfig struct {
	Label   string       `json:"label"`
	Upload  bool         `json:"upload,omitempty"`
	Many    bool         `json:"many,omitempty"`
	Poly    bool         `json:"poly,omitempty"`
	Mime    []string     `json:"mime,omitempty"`
	Targets []pickTarget `json:"targets"`
}

// picked is a current choice as a picker shows it.
type picked struct {
	Value string `json:"value"` // as the plain input holds it: "12", or "pages:12" (polymorphic)
	Label string `json:"label"`
	Thumb string `json:"thumb,omitempty"`
	Mime  string `json:"mime,omitempty"`
}

// pickerView is what the field template needs of a picker.
type pickerView struct {
	Config string // JSON of pickConfig
	Picked string // JSON list of picked
	// Names are the current choices' titles, shown under a plain ids
	// input so that it reads without JavaScript too.
	Names string
}

// pickTargetOf describes col for a picker.
func pickTargetOf(col *content.Collection) pickTarget {
	t := pickTarget{Slug: col.Slug, Singular: col.Singular, Plural: col.Plural, Title: col.UseAsTitle,
		Search: col.Admin.Search, Sort: col.Admin.DefaultSort, Drafts: col.Drafts}
	if len(t.Search) == 0 && t.Title != "" {
		t.Search = []string{t.Title}
	}
	if t.Sort == "" {
		t.Sort = "-updatedAt"
	}
	return t
}

// pickKey names a picked document: "slug:id".
func pickKey(slug string, id int64) string { return slug + ":" + strconv.FormatInt(id, 10) }

// relationRef is one document a relation value points at.
type relationRef struct {
	slug string
	id   int64
}

// relationRefs lists the documents the relation field f holding v points
// at, in order: ids, {relationTo, value} objects (polymorphic) and
// populated documents alike; values that are no id are skipped.
func relationRefs(f *content.Field, v any) []relationRef {
	vals := []any{v}
	if f.HasMany {
		vals, _ = v.([]any)
	}
	var out []relationRef
	for _, it := range vals {
		slug, idv := f.RelationTo, it
		if m, ok := it.(map[string]any); ok && f.Polymorphic() {
			slug, _ = m["relationTo"].(string)
			idv = m["value"]
		}
		if m, ok := idv.(map[string]any); ok {
			idv = m["id"]
		}
		if id, ok := content.RelationID(idv); ok && slug != "" {
			out = append(out, relationRef{slug: slug, id: id})
		}
	}
	return out
}

// pickerOf builds the picker of a relation field holding v.
func (b *builder) pickerOf(f *content.Field, v any) *pickerView {
	cfg := pickConfig{Label: fieldLabel(f), Upload: f.Type == content.Upload, Many: f.HasMany, Poly: f.Polymorphic(), Mime: f.MimeTypes}
	for _, slug := range f.Targets() {
		if col, ok := b.reg.Get(slug); ok {
			cfg.Targets = append(cfg.Targets, pickTargetOf(col))
		}
	}
	list := []picked{}
	var names []string
	for _, r := range relationRefs(f, v) {
		p, known := b.picked[pickKey(r.slug, r.id)]
		if !known {
			p = picked{Label: "#" + strconv.FormatInt(r.id, 10)}
		}
		p.Value = strconv.FormatInt(r.id, 10)
		if f.Polymorphic() {
			p.Value = r.slug + ":" + p.Value
		}
		list = append(list, p)
		names = append(names, p.Label)
	}
	return &pickerView{Config: mustJSON(cfg), Picked: mustJSON(list), Names: strings.Join(names, ", ")}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "null"
	}
	return string(b)
}

// loadPicked reads the title (and thumbnail) of every document the
// relation fields of doc point at: one query per target collection for
// the ids the document holds, never the whole collection. Collections the
// user may not read are skipped (their choices show as #id).
func (a *Admin) loadPicked(ctx context.Context, actor *content.Actor, fields []content.Field, doc map[string]any) (map[string]picked, error) {
	ids := map[string][]string{}
	content.Walk(fields, doc, func(vis content.Visit) bool {
		f := vis.Field
		if !f.IsRelation() || vis.Value == nil {
			return true
		}
		for _, r := range relationRefs(f, vis.Value) {
			if id := strconv.FormatInt(r.id, 10); !slices.Contains(ids[r.slug], id) {
				ids[r.slug] = append(ids[r.slug], id)
			}
		}
		return true
	})
	out := map[string]picked{}
	for slug, list := range ids {
		col, ok := a.content.Registry().Get(slug)
		if !ok {
			continue
		}
		for len(list) > 0 {
			n := min(len(list), query.MaxValues)
			chunk := list[:n]
			list = list[n:]
			res, err := a.content.Find(ctx, actor, slug, query.Params{Page: 1, Limit: n, LimitSet: true, Pagination: true,
				Where: query.Where{Conds: []query.Cond{{Path: "id", Op: query.In, Values: chunk}}}}, content.ReadOptions{Depth: 0, Draft: col.Drafts})
			if errors.Is(err, content.ErrForbidden) {
				break
			}
			if err != nil {
				return nil, err
			}
			for _, d := range res.Docs {
				id, _ := content.RelationID(d["id"])
				p := picked{Label: docTitle(col, d)}
				if col.Upload {
					p.Thumb = thumbURL(d)
					p.Mime, _ = d["mimeType"].(string)
				}
				out[pickKey(slug, id)] = p
			}
		}
	}
	return out, nil
}

// uploadChoicesKey names the choices of an upload field in builder.pickers:
// its target and MIME types (fields with the same ones share the list).
func uploadChoicesKey(f *content.Field) string {
	return f.RelationTo + "|" + strings.Join(f.MimeTypes, ",")
}

// loadUploadChoices loads, for every distinct MIME limit of the upload
// fields among fields, the 200 most recent files it accepts: the choices
// of the plain select (the picker searches the whole library instead).
func (a *Admin) loadUploadChoices(ctx context.Context, actor *content.Actor, b *builder, fields []content.Field) error {
	var err error
	content.WalkFields(fields, "", func(_ string, f *content.Field) bool {
		key := uploadChoicesKey(f)
		if f.Type != content.Upload || err != nil {
			return true
		}
		if _, done := b.pickers[key]; done {
			return true
		}
		b.pickers[key] = []option{}
		var where query.Where
		for _, m := range f.MimeTypes {
			op, val := query.Equals, m
			if major, ok := strings.CutSuffix(m, "/*"); ok {
				op, val = query.Like, major+"/"
			}
			where.Or = append(where.Or, query.Where{Conds: []query.Cond{{Path: "mimeType", Op: op, Values: []string{val}}}})
		}
		var docs content.List
		docs, err = a.content.Find(ctx, actor, f.RelationTo, query.Params{Page: 1, Limit: 200, LimitSet: true, Pagination: true, Where: where,
			Sort: []query.SortField{{Path: "createdAt", Desc: true}}}, content.ReadOptions{Depth: 0})
		for _, d := range docs.Docs {
			if mt, _ := d["mimeType"].(string); !f.MimeAllowed(mt) {
				continue
			}
			id := idString(d["id"])
			label, _ := d["filename"].(string)
			if alt, _ := d["alt"].(string); alt != "" {
				label += " — " + alt
			}
			t := thumbURL(d)
			b.pickers[key] = append(b.pickers[key], option{Value: id, Label: label, Thumb: t})
			b.thumbs[id] = t
		}
		return true
	})
	return err
}
