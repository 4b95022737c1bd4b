package content

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/automatonic/chronos/app/internal/fault"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FieldError is one invalid field of a ValidationError: the app's one
// field-error type.
type FieldError = fault.FieldError

// ValidationError lists the invalid fields of a write, as Payload's
// ValidationError (400).
type ValidationError struct {
	Collection string
	// Global: Collection names a global (the envelope says "global").
	Global bool
	ID     int64 // 0 on create
	Errors []FieldError
}

func (e *ValidationError) Error() string { return fault.FieldsMessage(e.Errors) }

// FaultKind: a ValidationError is invalid input.
func (e *ValidationError) FaultKind() fault.Kind { return fault.Invalid }

// FaultFields lists the invalid fields.
func (e *ValidationError) FaultFields() []fault.FieldError { return e.Errors }

// CheckFields validates input's values for c's fields by c's definition,
// as a write would, and returns them normalised. On create every field is
// checked (required ones must be given); otherwise only the fields input
// names. It stores nothing: it is for the auth service, which writes a
// user's profile fields together with the credentials, so that the users
// definition stays the one place their rules live.
func CheckFields(c *Collection, input map[string]any, create bool) (map[string]any, error) {
	fields := c.Fields
	if !create {
		fields = nil
		for _, f := range c.Fields {
			if _, ok := input[f.Name]; ok {
				fields = append(fields, f)
			}
		}
	}
	v := validator{create: create}
	out := v.normalize(fields, input, nil, "")
	if len(v.errs) > 0 {
		return nil, &ValidationError{Collection: c.Slug, Errors: v.errs}
	}
	return out, nil
}

// Messages of validation errors, as Payload words them.
const (
	msgRequired = "This field is required."
	msgUnique   = "Value must be unique"
)

type validator struct {
	errs   []FieldError
	draft  bool // drafts skip required checks
	create bool // unset fields take their DefaultValue
	// labels are the labels of the groups and rows being validated, so a
	// nested error reads "Nav Items 1 > Link > Label" as Payload's does.
	labels []string
}

func (v *validator) add(path string, f *Field, msg string) {
	label := f.label()
	if len(v.labels) > 0 {
		label = strings.Join(v.labels, " > ") + " > " + label
	}
	v.errs = append(v.errs, FieldError{Path: path, Label: label, Message: msg})
}

// within runs fn with label pushed onto the label path.
func (v *validator) within(label string, fn func()) {
	v.labels = append(v.labels, label)
	fn()
	v.labels = v.labels[:len(v.labels)-1]
}

// normalize merges input over base (nil on create) following fields and
// returns the new field values. Unknown keys are dropped, as Payload does.
// On create (base nil) an unset field takes its DefaultValue.
func (v *validator) normalize(fields []Field, input, base map[string]any, prefix string) map[string]any {
	out := make(map[string]any, len(fields))
	for i := range fields {
		f := &fields[i]
		path := joinPath(prefix, f.Name)
		old, hadOld := base[f.Name]
		raw, given := input[f.Name]
		if f.ReadOnly {
			if hadOld {
				out[f.Name] = old
			}
			continue
		}
		if !given {
			if hadOld {
				out[f.Name] = old
			} else if (base == nil || v.create) && f.DefaultValue != nil {
				out[f.Name] = f.DefaultValue
			}
			v.required(f, path, out[f.Name])
			continue
		}
		val, err := v.value(f, raw, old, path)
		if err != "" {
			v.add(path, f, err)
			continue
		}
		out[f.Name] = val
		v.required(f, path, val)
	}
	return out
}

func (v *validator) required(f *Field, path string, val any) {
	if !f.Required || v.draft {
		return
	}
	switch x := val.(type) {
	case nil:
	case string:
		if strings.TrimSpace(x) != "" {
			return
		}
	case []any:
		if len(x) > 0 {
			return
		}
	default:
		return
	}
	v.add(path, f, msgRequired)
}

// value converts one JSON value for a field through its kind; a non-empty
// string is the error message. null is an empty list for list kinds and an
// object of nulls for a group.
func (v *validator) value(f *Field, raw, old any, path string) (any, string) {
	if raw == nil {
		switch {
		case f.Type == Group:
			raw = map[string]any{}
		case f.Type == Array || f.Type == Blocks || (f.HasMany && f.Type != Select):
			return []any{}, ""
		default:
			return nil, ""
		}
	}
	k, ok := kinds[f.Type]
	if !ok {
		return nil, "This field has an unknown type."
	}
	return k.Validate(v, f, raw, old, path)
}

// maxRows caps every array and blocks field.
const maxRows = 500

// rows normalises array rows or blocks, keeping or assigning row ids.
func (v *validator) rows(f *Field, raw any, path string) (any, string) {
	list, ok := raw.([]any)
	if !ok {
		return nil, "This field must be a list."
	}
	if len(list) > maxRows {
		return nil, fmt.Sprintf("This field has too many rows (at most %d).", maxRows)
	}
	if f.MaxRows > 0 && len(list) > f.MaxRows {
		return nil, fmt.Sprintf("This field can only have up to %d rows.", f.MaxRows)
	}
	if f.MinRows > 0 && len(list) < f.MinRows && !v.draft {
		return nil, fmt.Sprintf("This field requires at least %d rows.", f.MinRows)
	}
	out := make([]any, 0, len(list))
	for i, it := range list {
		row, ok := it.(map[string]any)
		if !ok {
			return nil, fmt.Sprintf("Row %d must be an object.", i)
		}
		rowPath := fmt.Sprintf("%s.%d", path, i)
		fields := f.Fields
		var blockType string
		if f.Type == Blocks {
			blockType, _ = row["blockType"].(string)
			b, ok := f.Block(blockType)
			if !ok {
				v.errs = append(v.errs, FieldError{Path: rowPath + ".blockType", Label: "Block Type", Message: fmt.Sprintf("Unknown block type %q.", blockType)})
				continue
			}
			fields = b.Fields
		}
		var norm map[string]any
		v.within(fmt.Sprintf("%s %d", f.label(), i+1), func() { norm = v.normalize(fields, row, nil, rowPath) })
		id, _ := row["id"].(string)
		if id == "" || len(id) > 64 || strings.IndexByte(id, 0) >= 0 {
			id = newRowID()
		}
		norm["id"] = id
		if f.Type == Blocks {
			norm["blockType"] = blockType
			if name, ok := row["blockName"].(string); ok && len(name) <= 200 && strings.IndexByte(name, 0) < 0 {
				norm["blockName"] = name
			}
		}
		out = append(out, norm)
	}
	return out, ""
}

// newRowID makes a row id in the form Payload uses (24 hex characters).
func newRowID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func number(raw any) (float64, bool) {
	switch x := raw.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	case float64:
		return x, !math.IsInf(x, 0) && !math.IsNaN(x)
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// RelationID reads a relationship value: an id (number or numeric string) or
// a populated document holding one.
func RelationID(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := x.Int64()
		return n, err == nil && n > 0
	case float64:
		if x != math.Trunc(x) || x <= 0 || x > 1<<53 {
			return 0, false
		}
		return int64(x), true
	case int64:
		return x, x > 0
	case int:
		return int64(x), x > 0
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil && n > 0
	case map[string]any:
		return RelationID(x["id"])
	}
	return 0, false
}

// Slugify makes a URL-safe slug: lower-case ASCII letters and digits joined
// by single hyphens, accents folded ("Über uns" → "uber-uns").
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		default:
			dash = true
		}
		if b.Len() >= 120 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// validSlug reports whether s is already URL-safe.
func validSlug(s string) bool { return s != "" && Slugify(s) == s }
