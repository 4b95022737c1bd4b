package docjson

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
	return members(scanner{src: b})
}

// ValidMembers is Members of text already checked as JSON: a value that
// Members, ValidMembers, Elements or ValidElements returned. It steps over
// the values without checking them again (text that is not JSON gives an
// error or members of no meaning, never a panic).
func ValidMembers(b []byte) ([]Member, error) {
	return members(scanner{src: b, checked: true})
}

func members(s scanner) ([]Member, error) {
	b := s.src
	s.ws()
	if s.next() != '{' {
		return nil, errNoCanonicalForm
	}
	s.i++
	s.ws()
	out := make([]Member, 0, 16)
	if s.next() == '}' {
		s.i++
		return out, s.end()
	}
	for {
		key, err := s.memberKey()
		if err != nil {
			return nil, err
		}
		vstart := s.i
		if err := s.skip(1); err != nil {
			return nil, err
		}
		out = append(out, Member{Key: key, Value: b[vstart:s.i]})
		more, err := s.more('}')
		if err != nil {
			return nil, err
		}
		if !more {
			return out, s.end()
		}
	}
}

// Elements returns the texts of the elements of the JSON array text b.
func Elements(b []byte) ([][]byte, error) {
	return elements(scanner{src: b})
}

// ValidElements is Elements of text already checked as JSON, as
// ValidMembers is of Members.
func ValidElements(b []byte) ([][]byte, error) {
	return elements(scanner{src: b, checked: true})
}

func elements(s scanner) ([][]byte, error) {
	b := s.src
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
		more, err := s.more(']')
		if err != nil {
			return nil, err
		}
		if !more {
			return out, s.end()
		}
	}
}

// memberKey reads an object member's key and the colon after it,
// leaving the cursor at the value.
func (s *scanner) memberKey() ([]byte, error) {
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
	return key, nil
}

// more reads what follows a member or element: a comma (more follows,
// the cursor at it) or the container's close (consumed); anything else
// is not JSON.
func (s *scanner) more(close byte) (bool, error) {
	s.ws()
	switch s.next() {
	case ',':
		s.i++
		s.ws()
		return true, nil
	case close:
		s.i++
		return false, nil
	}
	return false, errNoCanonicalForm
}

// end checks that only space follows the cursor.
func (s *scanner) end() error {
	if s.ws(); s.i != len(s.src) {
		return errNoCanonicalForm
	}
	return nil
}

// skip steps over the value at the cursor, checking it is JSON (unless
// the scanner's text is checked already).
func (s *scanner) skip(depth int) error {
	if s.checked {
		return s.skipChecked()
	}
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

// skipChecked steps over the value at the cursor of checked text: a
// string to its closing quote, a container to its matching bracket, a
// number or literal to the next delimiter or space.
func (s *scanner) skipChecked() error {
	switch s.next() {
	case '"':
		return s.skipString()
	case '{', '[':
		return s.skipContainerChecked()
	}
	for s.i < len(s.src) {
		switch s.src[s.i] {
		case ',', '}', ']', ':', '"', ' ', '\t', '\n', '\r':
			return nil
		}
		s.i++
	}
	return nil
}

// skipContainerChecked steps over the object or array at the cursor of
// checked text, counting brackets outside strings.
func (s *scanner) skipContainerChecked() error {
	depth := 0
	for s.i < len(s.src) {
		switch s.src[s.i] {
		case '"':
			if err := s.skipString(); err != nil {
				return err
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				s.i++
				return nil
			}
		}
		s.i++
	}
	return errNoCanonicalForm
}

// skipString steps over the string at the cursor of checked text.
func (s *scanner) skipString() error {
	for s.i++; s.i < len(s.src); s.i++ {
		switch s.src[s.i] {
		case '"':
			s.i++
			return nil
		case '\\':
			s.i++
		}
	}
	s.i = len(s.src)
	return errNoCanonicalForm
}
