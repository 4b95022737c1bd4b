package docjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"unicode/utf8"
)

// errNoCanonicalForm is Canonical's (and Members') refusal: the text is not
// JSON, or it is JSON whose decoded value this package cannot promise to
// write as Append would (an object with a repeated key, a number outside
// float64's range, nesting deeper than MaxDepth). Decode such text with
// encoding/json instead.
var errNoCanonicalForm = errors.New("docjson: no canonical form for this text")

// MaxDepth is the deepest nesting Canonical transcodes (encoding/json
// decodes up to 10,000; deeper stored values take the decoding path).
const MaxDepth = 1000

// member is one member of an object being transcoded: its decoded key and
// where its `"key":value` text lies in the output.
type member struct {
	key        []byte
	start, end int
}

type scanner struct {
	src     []byte
	i       int
	members []member // a stack: each object's members above its parent's
	scratch []byte   // reordering room, used by one object at a time
	// checked says src was already checked as JSON (see ValidMembers):
	// skip steps over values without checking them again.
	checked bool
}

// Canonical appends to dst the text Append writes for the value src decodes
// to with encoding/json (json.Unmarshal into an any: objects as maps, so
// keys sorted and the last of a repeated key kept; numbers as float64;
// strings unescaped, invalid UTF-8 as U+FFFD), without decoding it: text
// already in that form (what json.Marshal stored) is copied a run at a
// time, other text (PostgreSQL's jsonb output, other escapes and number
// spellings) is rewritten. It returns an error, and dst as it was,
// where it cannot promise those bytes.
func Canonical(dst, src []byte) ([]byte, error) {
	s := scanner{src: src}
	s.ws()
	out, err := s.value(dst, 0)
	if err == nil {
		s.ws()
		if s.i != len(src) {
			err = errNoCanonicalForm
		}
	}
	if err != nil {
		return dst, err
	}
	return out, nil
}

func (s *scanner) ws() {
	for s.i < len(s.src) {
		switch s.src[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next returns the byte at the cursor (0 at the end).
func (s *scanner) next() byte {
	if s.i < len(s.src) {
		return s.src[s.i]
	}
	return 0
}

func (s *scanner) value(dst []byte, depth int) ([]byte, error) {
	switch c := s.next(); {
	case c == '{':
		return s.object(dst, depth+1)
	case c == '[':
		return s.array(dst, depth+1)
	case c == '"':
		start, plain, err := s.str()
		if err != nil {
			return dst, err
		}
		return appendStringText(dst, s.src[start:s.i], plain)
	case c == '-' || c >= '0' && c <= '9':
		start, err := s.number()
		if err != nil {
			return dst, err
		}
		return appendNumberText(dst, s.src[start:s.i])
	default:
		start, err := s.literal()
		if err != nil {
			return dst, err
		}
		return append(dst, s.src[start:s.i]...), nil
	}
}

func (s *scanner) array(dst []byte, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return dst, errNoCanonicalForm
	}
	s.i++
	dst = append(dst, '[')
	s.ws()
	if s.next() == ']' {
		s.i++
		return append(dst, ']'), nil
	}
	for {
		var err error
		if dst, err = s.value(dst, depth); err != nil {
			return dst, err
		}
		s.ws()
		switch s.next() {
		case ',':
			s.i++
			s.ws()
			dst = append(dst, ',')
		case ']':
			s.i++
			return append(dst, ']'), nil
		default:
			return dst, errNoCanonicalForm
		}
	}
}

// object transcodes members in their order and records where each one's
// text went; when the keys were not strictly ascending (jsonb orders them
// by length first) it rewrites them sorted.
func (s *scanner) object(dst []byte, depth int) ([]byte, error) {
	if depth > MaxDepth {
		return dst, errNoCanonicalForm
	}
	s.i++
	if s.members == nil {
		s.members = make([]member, 0, 32) // a few levels of Lexical nodes
	}
	mark, base := len(dst), len(s.members)
	defer func() { s.members = s.members[:base] }()
	dst = append(dst, '{')
	s.ws()
	if s.next() == '}' {
		s.i++
		return append(dst, '}'), nil
	}
	sorted := true
	for {
		start, plain, err := s.str()
		if err != nil {
			return dst, err
		}
		key, err := stringValue(s.src[start:s.i], plain)
		if err != nil {
			return dst, err
		}
		if n := len(s.members); n > base && bytes.Compare(s.members[n-1].key, key) >= 0 {
			sorted = false
		}
		m := member{key: key, start: len(dst)}
		if dst, err = appendStringText(dst, s.src[start:s.i], plain); err != nil {
			return dst, err
		}
		if s.ws(); s.next() != ':' {
			return dst, errNoCanonicalForm
		}
		s.i++
		s.ws()
		dst = append(dst, ':')
		if dst, err = s.value(dst, depth); err != nil {
			return dst, err
		}
		m.end = len(dst)
		s.members = append(s.members, m)
		s.ws()
		switch s.next() {
		case ',':
			s.i++
			s.ws()
			dst = append(dst, ',')
		case '}':
			s.i++
			if sorted {
				return append(dst, '}'), nil
			}
			return s.reorder(dst, mark, s.members[base:])
		default:
			return dst, errNoCanonicalForm
		}
	}
}

// reorder rewrites the members written after dst[mark] ('{') in key order
// and closes the object; a repeated key has no canonical form here.
func (s *scanner) reorder(dst []byte, mark int, ms []member) ([]byte, error) {
	sortMembers(ms)
	for i := 1; i < len(ms); i++ {
		if bytes.Equal(ms[i-1].key, ms[i].key) {
			return dst, errNoCanonicalForm
		}
	}
	if n := len(dst) - mark; cap(s.scratch) < n {
		// Room for the largest object at once: the text of the whole
		// value holds it (but for escapes).
		s.scratch = make([]byte, 0, max(n, len(s.src)))
	}
	s.scratch = append(s.scratch[:0], dst[mark:]...)
	dst = dst[:mark+1]
	for i, m := range ms {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, s.scratch[m.start-mark:m.end-mark]...)
	}
	return append(dst, '}'), nil
}

// sortMembers sorts ms by key: in place by insertion for the few members
// most objects have (no call per comparison), else with slices.SortFunc.
func sortMembers(ms []member) {
	if len(ms) > 12 {
		slices.SortFunc(ms, func(a, b member) int { return bytes.Compare(a.key, b.key) })
		return
	}
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && bytes.Compare(ms[j-1].key, ms[j].key) > 0; j-- {
			ms[j-1], ms[j] = ms[j], ms[j-1]
		}
	}
}

// plainText marks the bytes a string's text holds as AppendString writes
// them (plainByte, ASCII only): str steps over runs of them at once.
var plainText = func() (t [256]bool) {
	for c := 0; c < utf8.RuneSelf; c++ {
		t[c] = plainByte(byte(c))
	}
	return t
}()

// str scans a string at the cursor and returns where it starts (its
// opening quote; the cursor ends after the closing one) and whether
// AppendString writes its decoded value as the text between the quotes.
func (s *scanner) str() (start int, plain bool, err error) {
	if s.next() != '"' {
		return 0, false, errNoCanonicalForm
	}
	start, plain = s.i, true
	s.i++
	for s.i < len(s.src) {
		if plainText[s.src[s.i]] {
			s.i++
			for s.i < len(s.src) && plainText[s.src[s.i]] {
				s.i++
			}
			continue
		}
		c := s.src[s.i]
		switch {
		case c == '"':
			s.i++
			return start, plain, nil
		case c == '\\':
			plain = false
			if err := s.escape(); err != nil {
				return 0, false, err
			}
		case c < 0x20:
			return 0, false, errNoCanonicalForm
		case c < utf8.RuneSelf:
			plain = plain && plainByte(c)
			s.i++
		default:
			r, size := utf8.DecodeRune(s.src[s.i:])
			if (r == utf8.RuneError && size == 1) || r == '\u2028' || r == '\u2029' {
				plain = false
			}
			s.i += size
		}
	}
	return 0, false, errNoCanonicalForm
}

// escape checks the escape at the cursor and steps over it.
func (s *scanner) escape() error {
	if s.i+1 >= len(s.src) {
		return errNoCanonicalForm
	}
	switch s.src[s.i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.i += 2
		return nil
	case 'u':
		if s.i+6 > len(s.src) {
			return errNoCanonicalForm
		}
		for _, h := range s.src[s.i+2 : s.i+6] {
			if !isHex(h) {
				return errNoCanonicalForm
			}
		}
		s.i += 6
		return nil
	}
	return errNoCanonicalForm
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// number scans a JSON number at the cursor.
func (s *scanner) number() (int, error) {
	start := s.i
	if s.next() == '-' {
		s.i++
	}
	switch c := s.next(); {
	case c == '0':
		s.i++
	case c >= '1' && c <= '9':
		s.digits()
	default:
		return 0, errNoCanonicalForm
	}
	if s.next() == '.' {
		s.i++
		if s.digits() == 0 {
			return 0, errNoCanonicalForm
		}
	}
	if c := s.next(); c == 'e' || c == 'E' {
		s.i++
		if c := s.next(); c == '+' || c == '-' {
			s.i++
		}
		if s.digits() == 0 {
			return 0, errNoCanonicalForm
		}
	}
	return start, nil
}

func (s *scanner) digits() int {
	n := 0
	for c := s.next(); c >= '0' && c <= '9'; c = s.next() {
		s.i++
		n++
	}
	return n
}

// literal scans true, false or null at the cursor.
func (s *scanner) literal() (int, error) {
	start := s.i
	for _, w := range [...]string{"true", "false", "null"} {
		if len(s.src)-s.i >= len(w) && string(s.src[s.i:s.i+len(w)]) == w {
			s.i += len(w)
			return start, nil
		}
	}
	return 0, errNoCanonicalForm
}

// appendStringText appends a scanned string's canonical text.
func appendStringText(dst, text []byte, plain bool) ([]byte, error) {
	if plain {
		return append(dst, text...), nil
	}
	var v string
	if err := json.Unmarshal(text, &v); err != nil {
		return dst, errNoCanonicalForm
	}
	return AppendString(dst, v), nil
}

// stringValue returns a scanned string's decoded bytes (the text itself
// when plain).
func stringValue(text []byte, plain bool) ([]byte, error) {
	if plain {
		return text[1 : len(text)-1], nil
	}
	var v string
	if err := json.Unmarshal(text, &v); err != nil {
		return nil, errNoCanonicalForm
	}
	return []byte(v), nil
}

// appendNumberText appends the text of the float64 a scanned number
// decodes to: an integer of up to 15 digits is its own text (float64
// holds it exactly and prints it back the same), anything else is parsed
// and formatted as encoding/json does.
func appendNumberText(dst, text []byte) ([]byte, error) {
	digits := text
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) <= 15 && bytes.IndexAny(digits, ".eE") < 0 {
		return append(dst, text...), nil
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil {
		return dst, errNoCanonicalForm
	}
	return AppendFloat(dst, f)
}
