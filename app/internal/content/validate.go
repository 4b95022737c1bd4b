package content

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/automatonic/chronos/app/internal/richtext"
	"golang.org/x/text/unicode/norm"
)

// FieldError is one invalid field of a ValidationError.
type FieldError struct {
	Path      string `json:"path"`
	Label     string `json:"label,omitempty"`
	Message   string `json:"message"`
	TableName string `json:"tableName,omitempty"`
}

// ValidationError lists the invalid fields of a write, as Payload's
// ValidationError (400).
type ValidationError struct {
	Collection string
	ID         int64 // 0 on create
	Errors     []FieldError
}

func (e *ValidationError) Error() string {
	names := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		names[i] = fe.Label
		if names[i] == "" {
			names[i] = fe.Path
		}
	}
	if len(names) == 1 {
		return "The following field is invalid: " + names[0]
	}
	return "The following fields are invalid: " + strings.Join(names, ", ")
}

// Messages of validation errors, as Payload words them.
const (
	msgRequired = "This field is required."
	msgUnique   = "Value must be unique"
)

type validator struct {
	errs  []FieldError
	draft bool // drafts skip required checks
}

func (v *validator) add(path string, f *Field, msg string) {
	v.errs = append(v.errs, FieldError{Path: path, Label: f.label(), Message: msg})
}

func joinPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// normalize merges input over base (nil on create) following fields and
// returns the new field values. Unknown keys are dropped, as Payload does.
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
			}
			v.required(f, path, out[f.Name])
			continue
		}
		if f.Type == Group {
			sub, ok := raw.(map[string]any)
			if raw == nil {
				sub, ok = map[string]any{}, true
			}
			if !ok {
				v.add(path, f, "This field must be an object.")
				continue
			}
			oldSub, _ := old.(map[string]any)
			out[f.Name] = v.normalize(f.Fields, sub, oldSub, path)
			continue
		}
		val, err := v.value(f, raw, path)
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

// value converts one JSON value for a field; a non-empty string is the
// error message.
func (v *validator) value(f *Field, raw any, path string) (any, string) {
	if raw == nil {
		if f.Type == Array || f.Type == Blocks || (f.HasMany && f.Type != Select) {
			return []any{}, ""
		}
		return nil, ""
	}
	switch f.Type {
	case Text, Textarea:
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
	case Email:
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
	case Number:
		n, ok := number(raw)
		if !ok {
			return nil, fmt.Sprintf("%q is not a valid number.", fmt.Sprint(raw))
		}
		return n, ""
	case Checkbox:
		b, ok := raw.(bool)
		if !ok {
			return nil, "This field must be true or false."
		}
		return b, ""
	case Date:
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
	case Select:
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
	case RichText:
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
	case Upload, Relationship:
		if f.HasMany {
			list, ok := raw.([]any)
			if !ok {
				return nil, "This field must be a list of ids."
			}
			out := make([]any, 0, len(list))
			for _, it := range list {
				id, ok := RelationID(it)
				if !ok {
					return nil, fmt.Sprintf("This relationship field has the following invalid relationships: %v", it)
				}
				out = append(out, id)
			}
			return out, ""
		}
		id, ok := RelationID(raw)
		if !ok {
			return nil, fmt.Sprintf("This relationship field has the following invalid relationships: %v", raw)
		}
		return id, ""
	case Array:
		return v.rows(f, raw, path, nil)
	case Blocks:
		return v.rows(f, raw, path, f.Blocks)
	case JSON:
		return raw, ""
	}
	return nil, "This field has an unknown type."
}

// rows normalises array rows or blocks, keeping or assigning row ids.
func (v *validator) rows(f *Field, raw any, path string, blocks []Block) (any, string) {
	list, ok := raw.([]any)
	if !ok {
		return nil, "This field must be a list."
	}
	if len(list) > 500 {
		return nil, "This field has too many rows (at most 500)."
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
		if blocks != nil {
			blockType, _ = row["blockType"].(string)
			idx := slices.IndexFunc(blocks, func(b Block) bool { return b.Slug == blockType })
			if idx < 0 {
				v.errs = append(v.errs, FieldError{Path: rowPath + ".blockType", Label: "Block Type", Message: fmt.Sprintf("Unknown block type %q.", blockType)})
				continue
			}
			fields = blocks[idx].Fields
		}
		norm := v.normalize(fields, row, nil, rowPath)
		id, _ := row["id"].(string)
		if id == "" || len(id) > 64 {
			id = newRowID()
		}
		norm["id"] = id
		if blocks != nil {
			norm["blockType"] = blockType
			if name, ok := row["blockName"].(string); ok && len(name) <= 200 {
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
