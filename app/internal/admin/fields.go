package admin

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
)

// Form inputs are named by the document path Payload uses in validation
// errors ("title", "meta.description", "layout.0.links.1.url"), so a
// content.ValidationError lands next to its input without translation.

// option is one choice of a select.
type option struct {
	Value    string
	Label    string
	Selected bool
	Thumb    string
}

// fieldView is one field as the editor template draws it.
type fieldView struct {
	Name      string
	Path      string
	ID        string
	Label     string
	Kind      string // text, textarea, email, number, checkbox, date, richtext, upload, relationship, ids, group, array, blocks, json
	Str       string
	Checked   bool
	Required  bool
	MaxLength int
	Counter   int // recommended length shown by a character counter (SEO)
	Error     string
	Options   []option
	Children  []fieldView
	Rows      []rowView
	Blocks    []option // block types offered by a blocks field
	Thumb     string   // preview of a chosen upload
	Help      string   // a hint under the input
	// Key names an array or blocks field in the schema, without row
	// indexes, a block row contributing its block type ("layout",
	// "layout.hero.links"): it finds the list's row templates.
	Key string
	// Picker is the searchable picker of an upload or relationship field
	// (pickers.go); nil for other fields.
	Picker *pickerView
	// When shows the field only while a sibling holds a value
	// (Payload's admin.condition); the form still posts it.
	When *content.Condition
}

// rowView is one array row or block.
type rowView struct {
	Index     int
	Path      string
	RowID     string
	BlockType string
	Label     string
	Name      string // what the row's buttons call it: "Hero 2", "Row 2"
	Base      string // Name without the number: the block's label or "Row"
	Summary   string
	Fields    []fieldView
	First     bool
	Last      bool
	Open      bool
	Error     bool
}

// builder turns documents (or re-submitted form data) into field views.
type builder struct {
	errs map[string]string
	// pickers are the choices of single relations by target collection
	// (the auth collection) or, for uploads, by uploadChoicesKey.
	pickers map[string][]option
	// picked are the titles and thumbnails of the documents the form's
	// relations hold, by pickKey.
	picked map[string]picked
	reg    *content.Registry
	// polys are the "slug:id" choices of polymorphic relations by target.
	polys  map[string][]option
	open   string // row path to show expanded (just added or moved)
	thumbs map[string]string
	scope  string // the schema key of the fields being built (see fieldView.Key)
}

func fieldLabel(f *content.Field) string {
	if f.Label != "" {
		return f.Label
	}
	return humanize(f.Name)
}

// humanize turns a field name into a label: "publishedAt" → "Published
// at", "url" → "URL", "newTab" → "New tab".
func humanize(name string) string {
	if name == "" {
		return ""
	}
	var words []string
	start := 0
	for i := 1; i < len(name); i++ {
		if name[i] >= 'A' && name[i] <= 'Z' && name[i-1] >= 'a' && name[i-1] <= 'z' {
			words = append(words, name[start:i])
			start = i
		}
	}
	words = append(words, name[start:])
	for i, w := range words {
		switch lw := strings.ToLower(w); lw {
		case "url", "id", "seo", "api":
			words[i] = strings.ToUpper(lw)
		default:
			if i == 0 {
				words[i] = strings.ToUpper(lw[:1]) + lw[1:]
			} else {
				words[i] = lw
			}
		}
	}
	return strings.Join(words, " ")
}

// labelPath names the field at a document path by its labels, as an
// editor reads the form: "layout.1.media" → "Layout › Media 2 › Media" (a
// block is its block's label and position, an array row "Row n"). A path
// the fields do not describe is returned as it is.
func labelPath(fields []content.Field, data map[string]any, path string) string {
	segs := strings.Split(path, ".")
	var parts []string
	for i := 0; i < len(segs); i++ {
		f, ok := findField(fields, segs[i])
		if !ok {
			return path
		}
		parts = append(parts, fieldLabel(f))
		switch f.Type {
		case content.Group:
			fields = f.Fields
			data, _ = data[f.Name].(map[string]any)
		case content.Array, content.Blocks:
			if i+1 >= len(segs) {
				continue
			}
			n, err := strconv.Atoi(segs[i+1])
			if err != nil || n < 0 {
				return path
			}
			i++
			list, _ := data[f.Name].([]any)
			var row map[string]any
			if n < len(list) {
				row, _ = list[n].(map[string]any)
			}
			data = row
			fields = f.Fields
			label := fmt.Sprintf("Row %d", n+1)
			if f.Type == content.Blocks {
				bt, _ := row["blockType"].(string)
				bl, ok := f.Block(bt)
				if !ok {
					return strings.Join(parts, " › ") + " › " + label
				}
				fields, label = bl.Fields, fmt.Sprintf("%s %d", bl.Label, n+1)
			}
			parts = append(parts, label)
		default:
			if i+1 < len(segs) {
				return path
			}
		}
	}
	return strings.Join(parts, " › ")
}

func findField(fields []content.Field, name string) (*content.Field, bool) {
	for i := range fields {
		if fields[i].Name == name {
			return &fields[i], true
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

func inputID(path string) string { return "f-" + strings.ReplaceAll(path, ".", "-") }

// polyString renders a {relationTo, value} relation as "slug:id".
func polyString(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return ""
	}
	to, _ := m["relationTo"].(string)
	id := idString(m["value"])
	if m2, ok := m["value"].(map[string]any); ok {
		id = idString(m2["id"])
	}
	if to == "" || id == "" {
		return ""
	}
	return to + ":" + id
}

// build describes fields filled from data.
func (b *builder) build(fields []content.Field, data map[string]any, prefix string) []fieldView {
	out := make([]fieldView, 0, len(fields))
	for i := range fields {
		f := &fields[i]
		if f.ReadOnly {
			continue
		}
		out = append(out, b.field(f, data[f.Name], joinPath(prefix, f.Name)))
	}
	return out
}

// field describes one field holding v at path.
func (b *builder) field(f *content.Field, v any, path string) fieldView {
	fv := fieldView{Name: f.Name, Path: path, ID: inputID(path), Label: fieldLabel(f), Required: f.Required,
		MaxLength: f.MaxLength, Error: b.errs[path], Kind: string(f.Type), When: f.Admin.Condition}
	if f.IsRelation() {
		fv.Picker = b.pickerOf(f, v)
	}
	switch f.Type {
	case content.Text, content.Textarea, content.Email, content.Number:
		fv.Str = scalarString(v)
	case content.Checkbox:
		fv.Checked = v == true
	case content.Date:
		fv.Str = dateInput(v)
	case content.RichText:
		fv.Kind = "richtext"
		fv.Str = jsonString(v, false)
	case content.JSON:
		fv.Str = jsonString(v, true)
	case content.Select, content.Radio:
		choices(f, v, &fv)
	case content.Upload:
		fv.Str = idString(v)
		cur := b.picked[f.RelationTo+":"+fv.Str]
		fv.Options = selectOptions(b.pickers[uploadChoicesKey(f)], fv.Str, cur.Label)
		fv.Thumb = b.thumbs[fv.Str]
		if fv.Thumb == "" {
			fv.Thumb = cur.Thumb
		}
	case content.Relationship:
		b.relationship(f, v, &fv)
	case content.Group:
		sub, _ := v.(map[string]any)
		outer := b.scope
		b.scope = joinPath(outer, f.Name)
		fv.Children = b.build(f.Fields, sub, path)
		b.scope = outer
	case content.Array, content.Blocks:
		list, _ := v.([]any)
		fv.Key = joinPath(b.scope, f.Name)
		fv.Rows = b.rows(f, list, path)
		for _, bl := range f.Blocks {
			fv.Blocks = append(fv.Blocks, option{Value: bl.Slug, Label: bl.Label})
		}
	}
	return fv
}

// choices fills the options of a select (checks when it has many) or
// radio field, marking the chosen ones.
func choices(f *content.Field, v any, fv *fieldView) {
	chosen := map[string]bool{}
	if f.Type == content.Select && f.HasMany {
		fv.Kind = "checks"
		list, _ := v.([]any)
		for _, x := range list {
			chosen[scalarString(x)] = true
		}
	} else {
		fv.Str = scalarString(v)
		chosen[fv.Str] = true
	}
	for _, o := range f.Options {
		fv.Options = append(fv.Options, option{Value: o, Label: humanize(o), Selected: chosen[o]})
	}
}

// relationship picks the input of a relationship field: a select when its
// target's choices are known, otherwise ids typed as text (or slug:id for a
// polymorphic relation).
func (b *builder) relationship(f *content.Field, v any, fv *fieldView) {
	opts, picker := b.pickers[f.RelationTo]
	switch {
	case f.Polymorphic():
		fv.Kind = "poly"
		fv.Str = polyString(v)
		fv.Help = "collection:id, e.g. " + f.RelationToAny[0] + ":1."
		var all []option
		for _, to := range f.RelationToAny {
			all = append(all, b.polys[to]...)
		}
		if len(all) > 0 {
			fv.Kind = "relationship"
			fv.Options = selectOptions(all, fv.Str, b.picked[fv.Str].Label)
		}
	case f.HasMany:
		fv.Kind = "ids"
		fv.Str = idList(v)
	case picker:
		fv.Str = idString(v)
		fv.Options = selectOptions(opts, fv.Str, b.picked[f.RelationTo+":"+fv.Str].Label)
	default:
		fv.Kind = "ids"
		fv.Str = idString(v)
	}
}

// rows describes the rows of an array or blocks field; a block row takes
// its fields and label from its block type.
func (b *builder) rows(f *content.Field, list []any, path string) []rowView {
	var out []rowView
	for j, it := range list {
		row, _ := it.(map[string]any)
		rv := b.row(f, row, fmt.Sprintf("%s.%d", path, j), j)
		rv.First, rv.Last = j == 0, j == len(list)-1
		rv.Open = rv.Open || len(list) <= 3
		out = append(out, rv)
	}
	return out
}

// row describes row number j of the list field f, at path rp. It is open
// when it has errors or holds the row just added or moved (b.open), so a
// row added inside a collapsed block is shown.
func (b *builder) row(f *content.Field, row map[string]any, rp string, j int) rowView {
	rv := rowView{Index: j, Path: rp, Base: "Row"}
	rv.RowID, _ = row["id"].(string)
	fs := f.Fields
	key := joinPath(b.scope, f.Name)
	if f.Type == content.Blocks {
		rv.BlockType, _ = row["blockType"].(string)
		fs = nil
		if bl, ok := f.Block(rv.BlockType); ok {
			fs, rv.Base = bl.Fields, bl.Label
		}
		key += "." + rv.BlockType
	}
	rv.Name = fmt.Sprintf("%s %d", rv.Base, j+1)
	rv.Label = rv.Base
	if f.Type != content.Blocks {
		rv.Label = rv.Name
	}
	rv.Summary = rowSummary(row)
	outer := b.scope
	b.scope = key
	rv.Fields = b.build(fs, row, rp)
	b.scope = outer
	rv.Error = b.hasErrorUnder(rp)
	rv.Open = rv.Error || b.open == rp || strings.HasPrefix(b.open, rp+".")
	return rv
}

// rowTemplate is a new, empty row of a list field, rendered into the
// editor as a <template> that blocks.js copies to add or insert a row
// without a round trip. Its path is templateRow; the copy is renamed.
type rowTemplate struct {
	Key   string // the list's fieldView.Key
	Block string // the block type ("" for an array row)
	Row   rowView
}

// templateRow is the path of a row template ("__ROW__.heading", ids
// "f-__ROW__-heading"); it cannot be a document path.
const templateRow = "__ROW__"

// templates describes one new row of every array field and of every block
// type of every blocks field among fields (nested lists included), for the
// schema scope of fields.
func (b *builder) templates(fields []content.Field, scope string) []rowTemplate {
	var out []rowTemplate
	outer := b.scope
	defer func() { b.scope = outer }()
	for i := range fields {
		f := &fields[i]
		if f.ReadOnly {
			continue
		}
		key := joinPath(scope, f.Name)
		switch f.Type {
		case content.Group:
			out = append(out, b.templates(f.Fields, key)...)
		case content.Array:
			b.scope = scope
			rv := b.row(f, map[string]any{}, templateRow, 0)
			rv.First, rv.Last, rv.Open = true, true, true
			out = append(out, rowTemplate{Key: key, Row: rv})
			out = append(out, b.templates(f.Fields, key)...)
		case content.Blocks:
			for _, bl := range f.Blocks {
				b.scope = scope
				rv := b.row(f, map[string]any{"blockType": bl.Slug}, templateRow, 0)
				rv.First, rv.Last, rv.Open = true, true, true
				out = append(out, rowTemplate{Key: key, Block: bl.Slug, Row: rv})
				out = append(out, b.templates(bl.Fields, key+"."+bl.Slug)...)
			}
		}
	}
	return out
}

func (b *builder) hasErrorUnder(prefix string) bool {
	for p := range b.errs {
		if strings.HasPrefix(p, prefix+".") || p == prefix {
			return true
		}
	}
	return false
}

// rowSummary is a short text shown on a collapsed row.
func rowSummary(row map[string]any) string {
	for _, k := range []string{"heading", "title", "label", "caption", "blockName"} {
		if s, _ := row[k].(string); strings.TrimSpace(s) != "" {
			if len(s) > 60 {
				s = s[:60] + "…"
			}
			return s
		}
	}
	return ""
}

// selectOptions marks cur among all, adding it (labelled label, or #id)
// when it is not one of them.
func selectOptions(all []option, cur, label string) []option {
	out := make([]option, 0, len(all)+1)
	found := cur == ""
	for _, o := range all {
		o.Selected = o.Value == cur
		found = found || o.Selected
		out = append(out, o)
	}
	if !found {
		if label == "" {
			label = "#" + cur
		}
		out = append(out, option{Value: cur, Label: label, Selected: true})
	}
	return out
}

func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	return fmt.Sprint(v)
}

func idString(v any) string {
	if v == nil {
		return ""
	}
	if id, ok := content.RelationID(v); ok {
		return strconv.FormatInt(id, 10)
	}
	return scalarString(v)
}

func idList(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	list, _ := v.([]any)
	parts := make([]string, 0, len(list))
	for _, it := range list {
		parts = append(parts, idString(it))
	}
	return strings.Join(parts, ", ")
}

// dateLayout is the value format of <input type="datetime-local">; the
// admin treats it as UTC and says so next to the input.
const dateLayout = "2006-01-02T15:04"

func dateInput(v any) string {
	s, _ := v.(string)
	if s == "" {
		return ""
	}
	if t, err := content.ParseDate(s); err == nil {
		return t.UTC().Format(dateLayout)
	}
	return s
}

func jsonString(v any, indent bool) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s // re-shown as typed after a parse error
	}
	var b []byte
	var err error
	if indent {
		b, err = json.MarshalIndent(v, "", "  ")
	} else {
		b, err = json.Marshal(v)
	}
	if err != nil {
		return ""
	}
	return string(b)
}

// parser reads a submitted editor form back into document input.
type parser struct {
	form url.Values
	errs map[string]string
}

func (p *parser) has(path string) bool {
	_, ok := p.form[path]
	return ok
}

func (p *parser) last(path string) string {
	v := p.form[path]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

// rowIndexes lists the row indexes present under path, in order.
func (p *parser) rowIndexes(path string) []int {
	seen := map[int]bool{}
	pre := path + "."
	for k := range p.form {
		if !strings.HasPrefix(k, pre) {
			continue
		}
		idx, _, _ := strings.Cut(k[len(pre):], ".")
		if n, err := strconv.Atoi(idx); err == nil && n >= 0 && n < 1000 {
			seen[n] = true
		}
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// parse reads fields under prefix. Only fields present in the form are
// returned, so fields the editor does not show keep their stored values.
// Values that cannot be converted stay as typed (a string) with an error.
func (p *parser) parse(fields []content.Field, prefix string) map[string]any {
	out := map[string]any{}
	for i := range fields {
		f := &fields[i]
		if f.ReadOnly {
			continue
		}
		if v, ok := p.field(f, joinPath(prefix, f.Name)); ok {
			out[f.Name] = v
		}
	}
	return out
}

// field reads the field at path; ok is false when the form does not carry it.
func (p *parser) field(f *content.Field, path string) (v any, ok bool) {
	switch f.Type {
	case content.Group:
		if !p.hasPrefix(path + ".") {
			return nil, false
		}
		return p.parse(f.Fields, path), true
	case content.Array, content.Blocks:
		if !p.has(path) && !p.hasPrefix(path+".") {
			return nil, false
		}
		return p.rows(f, path), true
	}
	if !p.has(path) {
		return nil, false
	}
	switch {
	case f.Type == content.Select && f.HasMany:
		vals := []any{}
		for _, v := range p.form[path] {
			if v != "" {
				vals = append(vals, v)
			}
		}
		return vals, true
	case f.Type == content.Textarea || f.Type == content.Text:
		raw := strings.ReplaceAll(p.last(path), "\r\n", "\n")
		if strings.TrimSpace(raw) == "" {
			return nil, true
		}
		return raw, true
	}
	raw := strings.TrimSpace(p.last(path))
	if raw == "" && f.Type != content.Checkbox {
		if f.Type == content.Relationship && f.HasMany {
			return []any{}, true
		}
		return nil, true
	}
	v, problem := convert(f, raw)
	if problem != "" {
		p.errs[path] = problem
		return raw, true
	}
	return v, true
}

// rows reads the rows of an array or blocks field at path. Rows are
// renumbered densely, so errors from the service (which counts rows) match
// the re-rendered form.
func (p *parser) rows(f *content.Field, path string) []any {
	rows := []any{}
	for n, idx := range p.rowIndexes(path) {
		src := fmt.Sprintf("%s.%d", path, idx)
		fs := f.Fields
		row := map[string]any{}
		if f.Type == content.Blocks {
			bt := p.last(src + ".blockType")
			row["blockType"] = bt
			fs = nil
			if bl, ok := f.Block(bt); ok {
				fs = bl.Fields
			}
		}
		if id := p.last(src + ".id"); id != "" {
			row["id"] = id
		}
		dst := fmt.Sprintf("%s.%d", path, n)
		sub := &parser{form: p.renumber(src, dst), errs: p.errs}
		for k, v := range sub.parse(fs, dst) {
			row[k] = v
		}
		rows = append(rows, row)
	}
	return rows
}

// convert turns a non-empty typed value into the field's type; problem
// says what to enter instead when it cannot.
func convert(f *content.Field, raw string) (v any, problem string) {
	switch f.Type {
	case content.Number:
		n, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return nil, "Enter a number."
		}
		return n, ""
	case content.Checkbox:
		return raw == "true" || raw == "on", ""
	case content.Date:
		t, err := time.Parse(dateLayout, raw)
		if err != nil {
			if t, err = content.ParseDate(raw); err != nil {
				return nil, "Enter a date and time."
			}
		}
		return content.FormatTime(t.UTC()), ""
	case content.RichText, content.JSON:
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return nil, "This is not valid JSON."
		}
		return v, ""
	case content.Relationship, content.Upload:
		return relation(f, raw)
	default:
		return raw, ""
	}
}

// relation reads a relation typed as "slug:id" (polymorphic), as ids
// separated by commas (has many) or as one id.
func relation(f *content.Field, raw string) (v any, problem string) {
	if f.Polymorphic() {
		to, id, ok := strings.Cut(raw, ":")
		n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
		if !ok || err != nil || n <= 0 {
			return nil, "Enter collection:id, e.g. " + f.RelationToAny[0] + ":1."
		}
		return map[string]any{"relationTo": strings.TrimSpace(to), "value": n}, ""
	}
	if f.HasMany {
		ids := []any{}
		for _, s := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' }) {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 {
				return nil, "Enter document ids separated by commas."
			}
			ids = append(ids, n)
		}
		return ids, ""
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		return nil, "Choose a document."
	}
	return n, ""
}

func (p *parser) hasPrefix(pre string) bool {
	for k := range p.form {
		if strings.HasPrefix(k, pre) {
			return true
		}
	}
	return false
}

// renumber returns the form with keys under from moved to to (only the
// keys under from are kept; that is all a row's parser needs).
func (p *parser) renumber(from, to string) url.Values {
	if from == to {
		return p.form
	}
	out := url.Values{}
	for k, v := range p.form {
		if strings.HasPrefix(k, from+".") {
			out[to+k[len(from):]] = v
		}
	}
	return out
}

// rowOp is a layout edit requested by a button of the form: add a row or
// block, remove, move up or down. It is applied to the parsed input and
// the form is shown again (no save), which works without JavaScript.
type rowOp struct {
	Kind  string // add, remove, up, down, dup (duplicate)
	Path  string // the list (add) or the row (remove, up, down)
	Block string // block type to add
}

func parseRowOp(s string) (rowOp, bool) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(s) > 300 {
		return rowOp{}, false
	}
	op := rowOp{Kind: parts[0], Path: parts[1]}
	switch op.Kind {
	case "add":
		if len(parts) == 3 {
			op.Block = parts[2]
		}
		return op, true
	case "remove", "up", "down", "dup":
		return op, true
	}
	return rowOp{}, false
}

// lookupList finds the list at a dotted path in data and a setter for it.
func lookupList(data map[string]any, path string) ([]any, func([]any), bool) {
	segs := strings.Split(path, ".")
	var cur any = data
	for i, seg := range segs {
		last := i == len(segs)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				list, ok := c[seg].([]any)
				if !ok {
					if c[seg] != nil {
						return nil, nil, false
					}
					list = []any{}
				}
				return list, func(l []any) { c[seg] = l }, true
			}
			cur = c[seg]
		case []any:
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || n >= len(c) || last {
				return nil, nil, false
			}
			cur = c[n]
		default:
			return nil, nil, false
		}
	}
	return nil, nil, false
}

// apply performs op on data and returns the path of the row to show open.
func (op rowOp) apply(data map[string]any) (string, bool) {
	if op.Kind == "add" {
		list, set, ok := lookupList(data, op.Path)
		if !ok || len(list) >= 100 {
			return "", false
		}
		row := map[string]any{}
		if op.Block != "" {
			row["blockType"] = op.Block
		}
		set(append(list, row))
		return fmt.Sprintf("%s.%d", op.Path, len(list)), true
	}
	dot := strings.LastIndexByte(op.Path, '.')
	if dot < 0 {
		return "", false
	}
	n, err := strconv.Atoi(op.Path[dot+1:])
	if err != nil {
		return "", false
	}
	list, set, ok := lookupList(data, op.Path[:dot])
	if !ok || n < 0 || n >= len(list) {
		return "", false
	}
	switch op.Kind {
	case "remove":
		set(slices.Delete(slices.Clone(list), n, n+1))
		return "", true
	case "dup":
		if len(list) >= 100 {
			return "", false
		}
		cp := withoutRowIDs(list[n])
		if row, ok := cp.(map[string]any); ok {
			delete(row, "id")
		}
		set(slices.Insert(slices.Clone(list), n+1, cp))
		return fmt.Sprintf("%s.%d", op.Path[:dot], n+1), true
	case "up":
		if n == 0 {
			return op.Path, true
		}
		list[n-1], list[n] = list[n], list[n-1]
		return fmt.Sprintf("%s.%d", op.Path[:dot], n-1), true
	case "down":
		if n == len(list)-1 {
			return op.Path, true
		}
		list[n+1], list[n] = list[n], list[n+1]
		return fmt.Sprintf("%s.%d", op.Path[:dot], n+1), true
	}
	return "", false
}

// withoutRowIDs copies a row for a duplicate: every row inside it (nested
// arrays and blocks included) loses its id, so the copy gets new ones.
func withoutRowIDs(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = withoutRowIDs(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			if row, ok := withoutRowIDs(e).(map[string]any); ok {
				delete(row, "id")
				out[i] = row
				continue
			}
			out[i] = e
		}
		return out
	}
	return v
}
