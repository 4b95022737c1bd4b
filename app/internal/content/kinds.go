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

	js "github.com/automatonic/chronos/app/internal/jsonschema"
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
	// JSONSchema is the field's JSON Schema in Payload's configToJSONSchema
	// form (jsonschema.go), from which both OpenAPI and payload-types.ts
	// are generated; required says whether the value may be null.
	JSONSchema func(g *schemaGen, f *Field, required bool) *js.Schema
}

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
	if strings.IndexByte(s, 0) >= 0 {
		return nil, msgNUL
	}
	if f.MaxLength > 0 && utf8.RuneCountInString(s) > f.MaxLength {
		return nil, fmt.Sprintf("This value must be shorter than the max length of %d characters.", f.MaxLength)
	}
	if f.Link && s != "" {
		if _, ok := richtext.SafeURL(s); !ok {
			return nil, msgUnsafeURL
		}
	}
	return s, ""
}

// msgNUL refuses U+0000 in stored text, on both dialects: PostgreSQL's
// text and jsonb cannot hold it (SQLite could), and one rule for both keeps
// a document portable. Rich text refuses it too (richtext.ValidateValue).
const msgNUL = "This field must not contain a NUL character."

// hasNUL reports whether a JSON value holds U+0000 in a string or key
// (depth-bounded like the JSON decoder's nesting).
func hasNUL(v any, depth int) bool {
	if depth > 10000 {
		return false
	}
	switch x := v.(type) {
	case string:
		return strings.IndexByte(x, 0) >= 0
	case map[string]any:
		for k, e := range x {
			if strings.IndexByte(k, 0) >= 0 || hasNUL(e, depth+1) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasNUL(e, depth+1) {
				return true
			}
		}
	}
	return false
}

// msgUnsafeURL refuses a link target with another scheme than these.
const msgUnsafeURL = "This field must be an http(s), mailto: or tel: URL, or a relative one."

func stringQuery(raw string) (any, error) { return raw, nil }

func numberQuery(raw string) (any, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("a number")
	}
	return f, nil
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

func init() {
	text := Kind{
		Validate: textValue, Column: col(ColText), Ops: opEq | opCompare | opLike | opContains, QueryValue: stringQuery, Widget: "text",
		JSONSchema: textSchema,
	}
	textarea := text
	textarea.Widget = "textarea"
	textarea.JSONSchema = stringSchema
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
				if err != nil || addr.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
					return nil, "Please enter a valid email address."
				}
				return strings.ToLower(s), ""
			},
			Column: col(ColText), Ops: opEq | opCompare | opLike | opContains, QueryValue: stringQuery, Widget: "email",
			JSONSchema: stringSchema,
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
			JSONSchema: numberSchema,
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
			JSONSchema: checkboxSchema,
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
			JSONSchema: stringSchema,
		},
		Select: {
			Validate: optionValue, Column: col(ColText), Ops: opEq | opLike | opContains, QueryValue: stringQuery, Widget: "select",
			JSONSchema: optionSchema,
		},
		Radio: {
			Validate: optionValue, Column: col(ColText), Ops: opEq | opLike | opContains, QueryValue: stringQuery, Widget: "radio",
			JSONSchema: optionSchema,
		},
		RichText: {
			Validate: func(_ *validator, _ *Field, raw, _ any, _ string) (any, string) {
				if err := richtext.ValidateValue(raw); err != nil {
					var ve *richtext.ValidationError
					if errors.As(err, &ve) {
						return nil, "Invalid rich text at " + ve.Path + ": " + ve.Message
					}
					return nil, "This field must be rich text (Lexical JSON)."
				}
				// Stored as {relationTo, value: id}; checkRelations checks
				// the targets.
				out := deepCopy(raw)
				if !reduceRichText(out) {
					return nil, "Invalid rich text: an upload, relationship or internal link must point at a document id."
				}
				return out, ""
			},
			Column: col(ColNone), Ops: opLike | opContains, QueryValue: stringQuery, Widget: "richtext",
			JSONSchema: richTextSchema,
		},
		Upload: {
			Validate: relationValidate, Column: relationColumn, Ops: opEq | opCompare, QueryValue: numberQuery, Populates: true, Widget: "upload",
			JSONSchema: relationshipSchema,
		},
		Relationship: {
			Validate: relationValidate, Column: relationColumn, Ops: opEq | opCompare, QueryValue: numberQuery, Populates: true, Widget: "relationship",
			JSONSchema: relationshipSchema,
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
			JSONSchema: groupSchema,
		},
		Array: {
			Validate: func(v *validator, f *Field, raw, _ any, path string) (any, string) { return v.rows(f, raw, path) },
			Column:   col(ColNone), Widget: "array", JSONSchema: arraySchema,
		},
		Blocks: {
			Validate: func(v *validator, f *Field, raw, _ any, path string) (any, string) { return v.rows(f, raw, path) },
			Column:   col(ColNone), Widget: "blocks", JSONSchema: blocksSchema,
		},
		JSON: {
			Validate: func(_ *validator, _ *Field, raw, _ any, _ string) (any, string) {
				if hasNUL(raw, 0) {
					return nil, msgNUL
				}
				return raw, ""
			},
			Column: col(ColNone), Ops: opLike | opContains, QueryValue: stringQuery, Widget: "json",
			JSONSchema: jsonFieldSchema,
		},
	}
}

// ColumnOf returns the column type of a promoted field.
func ColumnOf(f *Field) ColumnType { return kinds[f.Type].Column(f) }
