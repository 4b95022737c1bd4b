package docjson

import (
	"encoding/json"
	"strconv"
)

// Member is one member of a JSON object: its decoded key and its value's
// text (no surrounding space).
type Member struct {
	Key   []byte
	Value []byte
}

// Members returns the members of the JSON object text b in their order (a
// repeated key comes back each time: decoding keeps the last). Values are
// checked as JSON, not decoded. Text that is not an object, or not JSON,
// is an error.
func Members(b []byte) ([]Member, error) {
	s := scanner{src: b}
	s.ws()
	if s.next() != '{' {
		return nil, errNoCanonicalForm
	}
	s.i++
	s.ws()
	var out []Member
	if s.next() == '}' {
		s.i++
		return out, s.end()
	}
	for {
		start, plain, err := s.str()
		if err != nil {
			return nil, err
		}
		key, err := stringValue(s.src[start:s.i], plain)
		if err != nil {
			return nil, err
		}
		if s.ws(); s.next() != ':' {
			return nil, errNoCanonicalForm
		}
		s.i++
		s.ws()
		vstart := s.i
		if err := s.skip(1); err != nil {
			return nil, err
		}
		out = append(out, Member{Key: key, Value: b[vstart:s.i]})
		s.ws()
		switch s.next() {
		case ',':
			s.i++
			s.ws()
		case '}':
			s.i++
			return out, s.end()
		default:
			return nil, errNoCanonicalForm
		}
	}
}

// Elements returns the texts of the elements of the JSON array text b.
func Elements(b []byte) ([][]byte, error) {
	s := scanner{src: b}
	s.ws()
	if s.next() != '[' {
		return nil, errNoCanonicalForm
	}
	s.i++
	s.ws()
	var out [][]byte
	if s.next() == ']' {
		s.i++
		return out, s.end()
	}
	for {
		start := s.i
		if err := s.skip(1); err != nil {
			return nil, err
		}
		out = append(out, b[start:s.i])
		s.ws()
		switch s.next() {
		case ',':
			s.i++
			s.ws()
		case ']':
			s.i++
			return out, s.end()
		default:
			return nil, errNoCanonicalForm
		}
	}
}

// end checks that only space follows the cursor.
func (s *scanner) end() error {
	if s.ws(); s.i != len(s.src) {
		return errNoCanonicalForm
	}
	return nil
}

// skip steps over the value at the cursor, checking it is JSON.
func (s *scanner) skip(depth int) error {
	switch c := s.next(); {
	case c == '{' || c == '[':
		if depth > MaxDepth {
			return errNoCanonicalForm
		}
		return s.skipContainer(depth, c)
	case c == '"':
		_, _, err := s.str()
		return err
	case c == '-' || c >= '0' && c <= '9':
		start, err := s.number()
		if err == nil {
			// encoding/json refuses a number float64 cannot hold
			_, err = appendNumberText(nil, s.src[start:s.i])
		}
		return err
	default:
		_, err := s.literal()
		return err
	}
}

// skipContainer steps over an object (open '{') or array at the cursor.
func (s *scanner) skipContainer(depth int, open byte) error {
	closer := byte(']')
	if open == '{' {
		closer = '}'
	}
	s.i++
	s.ws()
	if s.next() == closer {
		s.i++
		return nil
	}
	for {
		if open == '{' {
			if _, _, err := s.str(); err != nil {
				return err
			}
			if s.ws(); s.next() != ':' {
				return errNoCanonicalForm
			}
			s.i++
			s.ws()
		}
		if err := s.skip(depth + 1); err != nil {
			return err
		}
		s.ws()
		switch s.next() {
		case ',':
			s.i++
			s.ws()
		case closer:
			s.i++
			return nil
		default:
			return errNoCanonicalForm
		}
	}
}

// Decode decodes the JSON text b as json.Unmarshal into an any does
// (numbers as float64): strings that need no unescaping, numbers and
// literals directly, the rest through encoding/json.
func Decode(b []byte) (any, error) {
	s := scanner{src: b}
	s.ws()
	switch c := s.next(); {
	case c == '"':
		start, plain, err := s.str()
		if stop := s.i; err == nil && plain && s.end() == nil {
			return string(b[start+1 : stop-1]), nil
		}
	case c == '-' || c >= '0' && c <= '9':
		start, err := s.number()
		if stop := s.i; err == nil && s.end() == nil {
			f, err := strconv.ParseFloat(string(b[start:stop]), 64)
			if err == nil {
				return f, nil
			}
		}
	case c == 't' || c == 'f' || c == 'n':
		start, err := s.literal()
		if err == nil && s.end() == nil {
			switch b[start] {
			case 't':
				return true, nil
			case 'f':
				return false, nil
			}
			return nil, nil
		}
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return v, nil
}
