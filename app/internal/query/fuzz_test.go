package query

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, fails only with this package's
// three error types, and is deterministic. Seeds: testdata/fuzz/FuzzParse.
// Longer run: go test ./app/internal/query -run '^$' -fuzz FuzzParse -fuzztime 10m
func FuzzParse(f *testing.F) {
	f.Add("?where[slug][equals]=home&depth=1")
	f.Fuzz(func(t *testing.T, raw string) {
		p1, err1 := Parse(raw)
		if err1 != nil {
			var qe *Error
			var se *SyntaxError
			var le *LimitError
			if !errors.As(err1, &qe) && !errors.As(err1, &se) && !errors.As(err1, &le) {
				t.Fatalf("Parse(%q) error %T: %v", raw, err1, err1)
			}
			if err1.Error() == "" {
				t.Fatalf("Parse(%q): empty error message", raw)
			}
		}
		p2, err2 := Parse(raw)
		if !reflect.DeepEqual(p1, p2) || !reflect.DeepEqual(err1, err2) {
			t.Fatalf("Parse(%q) not deterministic: %#v %v / %#v %v", raw, p1, err1, p2, err2)
		}
		if err1 == nil {
			if p1.Page < 1 || p1.Limit < 0 || p1.Depth < 0 {
				t.Fatalf("Parse(%q) out of range: %#v", raw, p1)
			}
			checkWhere(t, raw, p1.Where)
		}
		if _, err := ParseQS(raw); err != nil && !isSyntax(err1) {
			t.Fatalf("ParseQS and Parse disagree on %q: %v / %v", raw, err, err1)
		}
	})
}

func isSyntax(err error) bool {
	var se *SyntaxError
	return errors.As(err, &se)
}

func checkWhere(t *testing.T, raw string, w Where) {
	t.Helper()
	for _, c := range w.Conds {
		if !c.Op.Valid() || c.Path == "" {
			t.Fatalf("Parse(%q): bad cond %#v", raw, c)
		}
		if !c.Op.IsList() && len(c.Values) != 1 {
			t.Fatalf("Parse(%q): scalar op with %d values", raw, len(c.Values))
		}
	}
	for _, s := range w.And {
		checkWhere(t, raw, s)
	}
	for _, s := range w.Or {
		checkWhere(t, raw, s)
	}
}
