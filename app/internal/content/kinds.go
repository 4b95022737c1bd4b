package content

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/automatonic/chronos/app/internal/query"
	"github.com/automatonic/chronos/app/internal/richtext"
)

// ColumnType is how a promoted field is stored in its own SQL column.
type ColumnType string

// Column types. ColNone: the kind lives only in the JSON document.
const (
	ColNone  ColumnType = ""
	ColText  ColumnType = "text"
	ColInt   ColumnType = "int"
	ColFloat ColumnType = "float"
	ColTime  ColumnType = "time"
	ColBool  ColumnType = "bool"
)

// ops is a set of where operators a kind supports on a leaf.
type ops uint8

const (
	opEq       ops = 1 << iota // equals, not_equals, in, not_in, all, exists
	opCompare                  // greater_than, ..., less_than_equal
	opLike                     // like, not_like
	opContains                 // contains
)

func (o ops) allows(op query.Operator) bool {
	switch op {
	case query.Equals, query.NotEquals, query.In, query.NotIn, query.All, query.Exists:
		return o&opEq != 0 || op == query.Exists
	case query.GreaterThan, query.GreaterThanEqual, query.LessThan, query.LessThanEqual:
		return o&opCompare != 0
	case query.Like, query.NotLike:
		return o&opLike != 0
	case query.Contains:
		return o&opContains != 0
	}
	return false
}

// Kind is the behaviour of one field type: every feature that treats
// fields differently by type reads it from here (validation, storage,
// queries, population, the admin widget, OpenAPI/JSON Schema and
// TypeScript). kinds_test.go fails when a type lacks an entry.
type Kind struct {
	// Validate converts one non-nil JSON value for f; a non-empty string is
	// the error message.
	Validate func(v *validator, f *Field, raw, old any, path string) (any, string)
	// Column is the SQL column type of a promoted field (ColNone: cannot be
	// indexed or unique).
	Column func(f *Field) ColumnType
	// Ops are the where operators on a value of this kind.
	Ops ops
	// QueryValue converts a where value.
	QueryValue func(raw string) (any, error)
	// Populates: values point at documents that depth replaces.
	Populates bool
	// Widget names the admin input (see admin/fields.go).
	Widget string
	// Schema is the field's JSON Schema (OpenAPI 3.0 dialect, with refs to
	// components/schemas by collection name).
	Schema func(f *Field, s *schemas) map[string]any
	// TS is the field's TypeScript type (payload-types.ts style).
	TS func(f *Field, t TSNames) string
}

// TSNames names the TypeScript interface of a collection's documents.
type TSNames func(slug string) string

// kinds is the table of field behaviour, one entry per FieldType.
var kinds map[FieldType]Kind

// KindOf returns the behaviour of a field type.
func KindOf(t FieldType) (Kind, bool) {
	k, ok := kinds[t]
	return k, ok
}

func col(t ColumnType) func(*Field) ColumnType { return func(*Field) ColumnType { return t } }

func textValue(_ *validator, f *Field, raw, _ any, _ string) (any, string) {
	s, ok := raw.(string)
	if !ok {
		if n, isNum := raw.(json.Number); isNum {
			s, ok = n.String(), true
		}
	}
	if !ok {
		return nil, "This field must be a string."
	}
	if !utf8.ValidString(s) {
		return nil, "This field must be valid UTF-8."
	}
	if f.MaxLength > 0 && utf8.RuneCountInString(s) > f.MaxLength {
		return nil, fmt.Sprintf("This value must be shorter than the max length of %d characters.", f.MaxLength)
	}
	return s, ""
}

func stringQuery(raw string) (any, error) { return raw, nil }

func numberQuery(raw string) (any, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("a number")
	}
	return f, nil
}

func nullable(s map[string]any, f *Field) map[string]any {
	if !f.Required {
		s["nullable"] = true
	}
	return s
}

func tsNull(t string, f *Field) string {
	if f.Required {
		return t
	}
	return "(" + t + ") | null"
}

func tsUnion(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, " | ")
}

func enum(vals []string) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

func optionValue(_ *validator, f *Field, raw, _ any, _ string) (any, string) {
	if f.HasMany {
		list, ok := raw.([]any)
		if !ok {
			return nil, "This field must be a list."
		}
		out := make([]any, 0, len(list))
		for _, it := range list {
			s, ok := it.(string)
			if !ok || !slices.Contains(f.Options, s) {
				return nil, fmt.Sprintf("This field has an invalid selection: %v", it)
			}
			if !slices.Contains(out, any(s)) {
				out = append(out, s)
			}
		}
		return out, ""
	}
	s, ok := raw.(string)
	if !ok || !slices.Contains(f.Options, s) {
		return nil, fmt.Sprintf("This field has an invalid selection: %v", raw)
	}
	return s, ""
}

func optionSchema(f *Field, _ *schemas) map[string]any {
	s := map[string]any{"type": "string", "enum": enum(f.Options)}
	if f.HasMany {
		return map[string]any{"type": "array", "items": s}
	}
	return nullable(s, f)
}

func optionTS(f *Field, _ TSNames) string {
	if f.HasMany {
		return "(" + tsUnion(f.Options) + ")[] | null"
	}
	return tsNull(tsUnion(f.Options), f)
}

// relationValue reads one relation value: an id, or for a polymorphic
// field a {relationTo, value} object.
func relationValue(f *Field, it any) (any, bool) {
	if !f.Polymorphic() {
		id, ok := RelationID(it)
		return id, ok
	}
	m, ok := it.(map[string]any)
	if !ok {
		return nil, false
	}
	to, _ := m["relationTo"].(string)
	if !slices.Contains(f.RelationToAny, to) {
		return nil, false
	}
	id, ok := RelationID(m["value"])
	if !ok {
		return nil, false
	}
	return map[string]any{"relationTo": to, "value": id}, true
}

func relationValidate(_ *validator, f *Field, raw, _ any, _ string) (any, string) {
	if f.HasMany {
		list, ok := raw.([]any)
		if !ok {
			return nil, "This field must be a list of ids."
		}
		out := make([]any, 0, len(list))
		for _, it := range list {
			v, ok := relationValue(f, it)
			if !ok {
				return nil, fmt.Sprintf("This relationship field has the following invalid relationships: %v", it)
			}
			out = append(out, v)
		}
		return out, ""
	}
	v, ok := relationValue(f, raw)
	if !ok {
		return nil, fmt.Sprintf("This relationship field has the following invalid relationships: %v", raw)
	}
	return v, ""
}

func relationColumn(f *Field) ColumnType {
	if f.HasMany || f.Polymorphic() {
		return ColNone
	}
	return ColInt
}

func relationSchema(f *Field, s *schemas) map[string]any {
	one := func(slug string) map[string]any {
		return map[string]any{"oneOf": []any{map[string]any{"type": "integer"}, s.ref(slug)}}
	}
	var item map[string]any
	if f.Polymorphic() {
		var variants []any
		for _, t := range f.RelationToAny {
			variants = append(variants, obj(map[string]any{
				"relationTo": map[string]any{"type": "string", "enum": []any{t}}, "value": one(t),
			}, "relationTo", "value"))
		}
		item = map[string]any{"oneOf": variants}
	} else {
		item = one(f.RelationTo)
	}
	if f.HasMany {
		return map[string]any{"type": "array", "items": item}
	}
	return nullable(item, f)
}

func relationTS(f *Field, t TSNames) string {
	var parts []string
	if f.Polymorphic() {
		for _, slug := range f.RelationToAny {
			parts = append(parts, fmt.Sprintf("{ relationTo: %q; value: number | %s }", slug, t(slug)))
		}
	} else {
		parts = []string{"number | " + t(f.RelationTo)}
	}
	if f.HasMany {
		return "(" + strings.Join(parts, " | ") + ")[] | null"
	}
	return tsNull(strings.Join(parts, " | "), f)
}

func rowsSchema(f *Field, s *schemas) map[string]any {
	if f.Type == Array {
		props := s.props(f.Fields)
		props["id"] = map[string]any{"type": "string"}
		return map[string]any{"type": "array", "items": obj(props, requiredNames(f.Fields)...)}
	}
	var variants []any
	for _, b := range f.Blocks {
		props := s.props(b.Fields)
		props["id"] = map[string]any{"type": "string"}
		props["blockName"] = map[string]any{"type": "string", "nullable": true}
		props["blockType"] = map[string]any{"type": "string", "enum": []any{b.Slug}}
		variants = append(variants, obj(props, append([]string{"blockType"}, requiredNames(b.Fields)...)...))
	}
	return map[string]any{"type": "array", "items": map[string]any{"oneOf": variants}}
}

func rowsTS(f *Field, t TSNames) string {
	if f.Type == Array {
		return "{ " + TSFields(f.Fields, t) + "id?: string | null; }[] | null"
	}
	var parts []string
	for _, b := range f.Blocks {
		parts = append(parts, "{ "+TSFields(b.Fields, t)+"id?: string | null; blockName?: string | null; blockType: "+strconv.Quote(b.Slug)+"; }")
	}
	return "(" + strings.Join(parts, " | ") + ")[] | null"
}

// TSFields renders fields as TypeScript interface members.
func TSFields(fields []Field, t TSNames) string {
	var b strings.Builder
	for i := range fields {
		f := &fields[i]
		opt := "?"
		if f.Required {
			opt = ""
		}
		fmt.Fprintf(&b, "%s%s: %s; ", f.Name, opt, kinds[f.Type].TS(f, t))
	}
	return b.String()
}

func init() {
	text := Kind{
		Validate: textValue, Column: col(ColText), Ops: opEq | opCompare | opLike | opContains, QueryValue: stringQuery, Widget: "text",
		Schema: func(f *Field, _ *schemas) map[string]any {
			s := map[string]any{"type": "string"}
			if f.MaxLength > 0 {
				s["maxLength"] = f.MaxLength
			}
			return nullable(s, f)
		},
		TS: func(f *Field, _ TSNames) string { return tsNull("string", f) },
	}
	textarea := text
	textarea.Widget = "textarea"
	textarea.Ops = opEq | opLike | opContains
	kinds = map[FieldType]Kind{
		Text:     text,
		Textarea: textarea,
		Email: {
			Validate: func(_ *validator, _ *Field, raw, _ any, _ string) (any, string) {
				s, ok := raw.(string)
				if !ok {
					return nil, "Please enter a valid email address."
				}
				s = strings.TrimSpace(s)
				if s == "" {
					return "", ""
				}
				addr, err := mail.ParseAddress(s)
				if err != nil || addr.Address != s || len(s) > 254 {
					return nil, "Please enter a valid email address."
				}
				return strings.ToLower(s), ""
			},
			Column: col(ColText), Ops: opEq | opCompare | opLike | opContains, QueryValue: stringQuery, Widget: "email",
			Schema: func(f *Field, _ *schemas) map[string]any {
				return nullable(map[string]any{"type": "string", "format": "email"}, f)
			},
			TS: func(f *Field, _ TSNames) string { return tsNull("string", f) },
		},
		Number: {
			Validate: func(_ *validator, f *Field, raw, _ any, _ string) (any, string) {
				n, ok := number(raw)
				if !ok {
					return nil, fmt.Sprintf("%q is not a valid number.", fmt.Sprint(raw))
				}
				if f.Integer && n != math.Trunc(n) {
					return nil, fmt.Sprintf("%q is not a whole number.", fmt.Sprint(raw))
				}
				return n, ""
			},
			Column: func(f *Field) ColumnType {
				if f.Integer {
					return ColInt
				}
				return ColFloat
			},
			Ops: opEq | opCompare | opContains, QueryValue: numberQuery, Widget: "number",
			Schema: func(f *Field, _ *schemas) map[string]any {
				t := "number"
				if f.Integer {
					t = "integer"
				}
				return nullable(map[string]any{"type": t}, f)
			},
			TS: func(f *Field, _ TSNames) string { return tsNull("number", f) },
		},
		Checkbox: {
			Validate: func(_ *validator, _ *Field, raw, _ any, _ string) (any, string) {
				b, ok := raw.(bool)
				if !ok {
					return nil, "This field must be true or false."
				}
				return b, ""
			},
			Column: col(ColBool), Ops: opEq, Widget: "checkbox",
			QueryValue: func(raw string) (any, error) {
				b, err := strconv.ParseBool(raw)
				if err != nil {
					return nil, fmt.Errorf("true or false")
				}
				return b, nil
			},
			Schema: func(f *Field, _ *schemas) map[string]any { return nullable(map[string]any{"type": "boolean"}, f) },
			TS:     func(f *Field, _ TSNames) string { return tsNull("boolean", f) },
		},
		Date: {
			Validate: func(_ *validator, _ *Field, raw, _ any, _ string) (any, string) {
				s, ok := raw.(string)
				if !ok {
					return nil, fmt.Sprintf("%q is not a valid date.", fmt.Sprint(raw))
				}
				if s == "" {
					return nil, ""
				}
				t, err := ParseDate(s)
				if err != nil {
					return nil, fmt.Sprintf("%q is not a valid date.", s)
				}
				return FormatTime(t), ""
			},
			Column: col(ColTime), Ops: opEq | opCompare | opLike | opContains, Widget: "date",
			QueryValue: func(raw string) (any, error) {
				tm, err := ParseDate(raw)
				if err != nil {
					return nil, fmt.Errorf("a date (ISO 8601)")
				}
				return tm, nil
			},
			Schema: func(f *Field, _ *schemas) map[string]any { return nullable(dateTime(), f) },
			TS:     func(f *Field, _ TSNames) string { return tsNull("string", f) },
		},
		Select: {
			Validate: optionValue, Column: col(ColText), Ops: opEq | opLike | opContains, QueryValue: stringQuery, Widget: "select",
			Schema: optionSchema, TS: optionTS,
		},
		Radio: {
			Validate: optionValue, Column: col(ColText), Ops: opEq | opLike | opContains, QueryValue: stringQuery, Widget: "radio",
			Schema: optionSchema, TS: optionTS,
		},
		RichText: {
			Validate: func(_ *validator, _ *Field, raw, _ any, _ string) (any, string) {
				b, err := json.Marshal(raw)
				if err != nil {
					return nil, "This field must be rich text (Lexical JSON)."
				}
				if err := richtext.Validate(b); err != nil {
					var ve *richtext.ValidationError
					if errors.As(err, &ve) {
						return nil, "Invalid rich text at " + ve.Path + ": " + ve.Message
					}
					return nil, "This field must be rich text (Lexical JSON)."
				}
				return raw, ""
			},
			Column: col(ColNone), Ops: opLike | opContains, QueryValue: stringQuery, Widget: "richtext",
			Schema: func(f *Field, _ *schemas) map[string]any {
				return nullable(map[string]any{"type": "object", "description": "Lexical editor state (root → children)", "additionalProperties": true}, f)
			},
			TS: func(f *Field, _ TSNames) string {
				return tsNull("{ root: { type: string; children: { type: any; version: number; [k: string]: unknown }[]; direction: ('ltr' | 'rtl') | null; format: 'left' | 'start' | 'center' | 'right' | 'end' | 'justify' | ''; indent: number; version: number }; [k: string]: unknown }", f)
			},
		},
		Upload: {
			Validate: relationValidate, Column: relationColumn, Ops: opEq | opCompare, QueryValue: numberQuery, Populates: true, Widget: "upload",
			Schema: relationSchema, TS: relationTS,
		},
		Relationship: {
			Validate: relationValidate, Column: relationColumn, Ops: opEq | opCompare, QueryValue: numberQuery, Populates: true, Widget: "relationship",
			Schema: relationSchema, TS: relationTS,
		},
		Group: {
			Validate: func(v *validator, f *Field, raw, old any, path string) (any, string) {
				sub, ok := raw.(map[string]any)
				if !ok {
					return nil, "This field must be an object."
				}
				oldSub, _ := old.(map[string]any)
				var out map[string]any
				v.within(f.label(), func() { out = v.normalize(f.Fields, sub, oldSub, path) })
				return out, ""
			},
			Column: col(ColNone), Widget: "group",
			Schema: func(f *Field, s *schemas) map[string]any { return obj(s.props(f.Fields), requiredNames(f.Fields)...) },
			TS:     func(f *Field, t TSNames) string { return "{ " + TSFields(f.Fields, t) + "}" },
		},
		Array: {
			Validate: func(v *validator, f *Field, raw, _ any, path string) (any, string) { return v.rows(f, raw, path) },
			Column:   col(ColNone), Widget: "array", Schema: rowsSchema, TS: rowsTS,
		},
		Blocks: {
			Validate: func(v *validator, f *Field, raw, _ any, path string) (any, string) { return v.rows(f, raw, path) },
			Column:   col(ColNone), Widget: "blocks", Schema: rowsSchema, TS: rowsTS,
		},
		JSON: {
			Validate: func(_ *validator, _ *Field, raw, _ any, _ string) (any, string) { return raw, "" },
			Column:   col(ColNone), Ops: opLike | opContains, QueryValue: stringQuery, Widget: "json",
			Schema: func(*Field, *schemas) map[string]any { return map[string]any{} },
			TS: func(*Field, TSNames) string {
				return "{ [k: string]: unknown } | unknown[] | string | number | boolean | null"
			},
		},
	}
}

// ColumnOf returns the column type of a promoted field.
func ColumnOf(f *Field) ColumnType { return kinds[f.Type].Column(f) }

func requiredNames(fields []Field) []string {
	var out []string
	for _, f := range fields {
		if f.Required {
			out = append(out, f.Name)
		}
	}
	return out
}
