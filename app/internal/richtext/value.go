package richtext

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// ValidateValue is Validate for a value already decoded the way the API
// decodes a request body (encoding/json with UseNumber: map[string]any,
// []any, string, json.Number, bool and nil). Its verdict and error are
// those of Validate on the value's json.Marshal encoding, without encoding
// and decoding the value again: the value is measured as json.Marshal
// would write it (the MaxBytes limit), searched for NUL characters, and
// its own maps are checked.
//
// A value holding anything else — other Go types, nil maps or slices,
// strings that are not UTF-8, numbers json.Marshal would rewrite, nesting
// deeper than maxShapeDepth — is encoded and validated as Validate does,
// so the verdict never depends on the shape. An error that is not a
// *ValidationError says the value cannot be encoded as JSON.
func ValidateValue(v any) error {
	var m measure
	if !m.value(v, 0) {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("richtext: encode: %w", err)
		}
		return Validate(b)
	}
	switch {
	case m.size > MaxBytes:
		return &ValidationError{Message: fmt.Sprintf("is larger than %d bytes", MaxBytes)}
	case m.nul:
		return &ValidationError{Message: "contains a NUL character"}
	case v == nil:
		return nil
	}
	root, err := validateState(v)
	if err != nil {
		return err
	}
	return checkLinkURLs(root, "root", 1)
}

// maxShapeDepth bounds the nesting ValidateValue walks itself; deeper
// values (and cyclic ones) take the encoding path, whose decoder refuses
// nesting past encoding/json's own limit of 10,000.
const maxShapeDepth = 1000

// measure walks a decoded JSON value, adding up the length of its
// json.Marshal encoding and noting NUL characters.
type measure struct {
	size int
	nul  bool
}

// value measures v and reports whether v has the decoded-JSON shape, in
// which a json.Marshal and decode round trip gives back an equal value.
func (m *measure) value(v any, depth int) bool {
	switch x := v.(type) {
	case nil:
		m.size += len("null")
	case bool:
		m.size += len("false")
		if x {
			m.size--
		}
	case string:
		return m.string(x)
	case json.Number:
		if !validNumber(string(x)) {
			return false // json.Marshal refuses it, or writes "" as 0
		}
		m.size += len(x)
	case map[string]any:
		if x == nil || depth >= maxShapeDepth {
			return false
		}
		m.size += len("{}") + max(2*len(x)-1, 0) // a colon per key, commas between
		for k, e := range x {
			if !m.string(k) || !m.value(e, depth+1) {
				return false
			}
		}
	case []any:
		if x == nil || depth >= maxShapeDepth {
			return false
		}
		m.size += len("[]") + max(len(x)-1, 0)
		for _, e := range x {
			if !m.value(e, depth+1) {
				return false
			}
		}
	default:
		return false
	}
	return true
}

// string adds the length of s as json.Marshal quotes it (HTML-safe
// escaping, \u2028 and \u2029 escaped); false when s is not UTF-8.
func (m *measure) string(s string) bool {
	n := len(`""`)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == 0:
				m.nul = true
				n += len(`\u0000`)
			case c == '\\' || c == '"' || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += len(`\u0000`)
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return false // json.Marshal would write U+FFFD
		case r == '\u2028' || r == '\u2029':
			n += len(`\u2028`)
		default:
			n += size
		}
		i += size
	}
	m.size += n
	return true
}

// validNumber reports whether s is a JSON number literal: what json.Marshal
// writes as is for a json.Number.
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i = digits(s, i)
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		if i+1 >= len(s) || !isDigit(s[i+1]) {
			return false
		}
		i = digits(s, i+1)
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || !isDigit(s[i]) {
			return false
		}
		i = digits(s, i)
	}
	return i == len(s)
}

func digits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
