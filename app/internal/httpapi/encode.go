package httpapi

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/automatonic/chronos/app/internal/content"
)

// appendJSON appends v as JSON. Documents are trees of map[string]any,
// []any, strings, numbers, booleans and nil; for those it writes what
// encoding/json writes (sorted keys, HTML-safe escaping, the same number
// format) without reflection, which was 40% of a read's CPU. Other types
// fall back to encoding/json.
func appendJSON(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float64:
		return appendFloat(b, x)
	case json.Number:
		if x == "" {
			return append(b, '0'), nil
		}
		return append(b, x...), nil
	case map[string]any:
		return appendMap(b, x)
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case []content.Doc:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendMap(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case listEnvelope:
		return appendList(b, x)
	case docEnvelope:
		b = append(b, `{"doc":`...)
		b, err := appendMap(b, x.Doc)
		if err != nil {
			return b, err
		}
		b = append(b, `,"message":`...)
		b = appendString(b, x.Message)
		return append(b, '}'), nil
	}
	j, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(b, j...), nil
}

func appendMap(b []byte, m map[string]any) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		var err error
		if b, err = appendJSON(b, m[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

func appendIntPtr(b []byte, p *int) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*p), 10)
}

// appendList writes the pagination envelope in Payload's key order.
func appendList(b []byte, l listEnvelope) ([]byte, error) {
	b = append(b, `{"docs":`...)
	var err error
	if l.Docs == nil {
		b = append(b, "[]"...)
	} else if b, err = appendJSON(b, l.Docs); err != nil {
		return b, err
	}
	b = append(b, `,"hasNextPage":`...)
	b = strconv.AppendBool(b, l.HasNextPage)
	b = append(b, `,"hasPrevPage":`...)
	b = strconv.AppendBool(b, l.HasPrevPage)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(l.Limit), 10)
	b = append(b, `,"nextPage":`...)
	b = appendIntPtr(b, l.NextPage)
	b = append(b, `,"page":`...)
	b = strconv.AppendInt(b, int64(l.Page), 10)
	b = append(b, `,"pagingCounter":`...)
	b = strconv.AppendInt(b, int64(l.PagingCounter), 10)
	b = append(b, `,"prevPage":`...)
	b = appendIntPtr(b, l.PrevPage)
	b = append(b, `,"totalDocs":`...)
	b = strconv.AppendInt(b, l.TotalDocs, 10)
	b = append(b, `,"totalPages":`...)
	b = strconv.AppendInt(b, int64(l.TotalPages), 10)
	return append(b, '}'), nil
}

// appendFloat formats like encoding/json (ES6 number formatting).
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, &json.UnsupportedValueError{Str: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hex = "0123456789abcdef"

// appendString escapes like encoding/json with HTML escaping on.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
