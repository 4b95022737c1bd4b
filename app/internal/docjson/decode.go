package docjson

import (
	"encoding/json"
	"strconv"
)

// Decode decodes the JSON text b as json.Unmarshal into an any does
// (objects as map[string]any, arrays as []any, numbers as float64): text
// the scanner reads exactly as encoding/json would is decoded here, a
// string that needs unescaping through encoding/json, and any text this
// decoder refuses (not JSON, a number float64 cannot hold, nesting past
// MaxDepth) whole through encoding/json, which gives its value or error.
func Decode(b []byte) (any, error) {
	s := scanner{src: b}
	s.ws()
	if v, err := s.decode(0); err == nil && s.end() == nil {
		return v, nil
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// DecodeObject decodes the JSON text b as json.Unmarshal into a
// map[string]any that is not nil does (text null gives a nil map), as
// Decode does.
func DecodeObject(b []byte) (map[string]any, error) {
	s := scanner{src: b}
	s.ws()
	if s.next() == '{' {
		if m, err := s.decodeObject(1); err == nil && s.end() == nil {
			return m, nil
		}
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// decode decodes the value at the cursor, depth containers deep.
func (s *scanner) decode(depth int) (any, error) {
	switch c := s.next(); {
	case c == '{':
		return s.decodeObject(depth + 1)
	case c == '[':
		return s.decodeArray(depth + 1)
	case c == '"':
		start, plain, err := s.str()
		if err != nil {
			return nil, err
		}
		v, err := stringValue(s.src[start:s.i], plain)
		return string(v), err
	case c == '-' || c >= '0' && c <= '9':
		start, err := s.number()
		if err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(string(s.src[start:s.i]), 64)
		if err != nil {
			return nil, errNoCanonicalForm
		}
		return f, nil
	default:
		start, err := s.literal()
		if err != nil {
			return nil, err
		}
		switch s.src[start] {
		case 't':
			return true, nil
		case 'f':
			return false, nil
		}
		return nil, nil
	}
}

// decodeObject decodes the object at the cursor (a repeated key keeps
// its last value, as encoding/json does).
func (s *scanner) decodeObject(depth int) (map[string]any, error) {
	if depth > MaxDepth {
		return nil, errNoCanonicalForm
	}
	s.i++
	s.ws()
	m := map[string]any{}
	if s.next() == '}' {
		s.i++
		return m, nil
	}
	for {
		key, err := s.memberKey()
		if err != nil {
			return nil, err
		}
		if m[string(key)], err = s.decode(depth); err != nil {
			return nil, err
		}
		more, err := s.more('}')
		if err != nil {
			return nil, err
		}
		if !more {
			return m, nil
		}
	}
}

// decodeArray decodes the array at the cursor (an empty one as an empty
// slice, not nil, as encoding/json does).
func (s *scanner) decodeArray(depth int) ([]any, error) {
	if depth > MaxDepth {
		return nil, errNoCanonicalForm
	}
	s.i++
	s.ws()
	out := make([]any, 0, 4)
	if s.next() == ']' {
		s.i++
		return out, nil
	}
	for {
		v, err := s.decode(depth)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		more, err := s.more(']')
		if err != nil {
			return nil, err
		}
		if !more {
			return out, nil
		}
	}
}
