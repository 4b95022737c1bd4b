package objectstore

import (
	"errors"
	"testing"
)

func TestParseRange(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want *Range
		err  bool
	}{
		{"", nil, false},
		{"bytes=0-99", &Range{Start: 0, End: 99}, false},
		{"bytes=100-", &Range{Start: 100, End: -1}, false},
		{"bytes=-500", &Range{Suffix: 500}, false},
		{"bytes=0-1,5-6", nil, false}, // multi-range: served whole
		{"bytes=9-3", nil, true},
		{"bytes=-0", nil, true},
		{"items=0-1", nil, true},
		{"bytes=abc", nil, true},
		{"bytes=1-x", nil, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseRange(tc.in)
			if (err != nil) != tc.err || (err != nil && !errors.Is(err, ErrInvalidRange)) {
				t.Fatalf("err = %v, want error %v", err, tc.err)
			}
			if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
