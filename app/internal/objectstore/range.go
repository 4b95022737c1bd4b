package objectstore

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseRange parses a single-range HTTP Range header ("bytes=0-99",
// "bytes=100-", "bytes=-500"). An empty header and multi-range requests
// give nil, nil (served whole, as RFC 9110 allows); a malformed range is
// ErrInvalidRange.
func ParseRange(h string) (*Range, error) {
	if h == "" {
		return nil, nil
	}
	spec, ok := strings.CutPrefix(h, "bytes=")
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrInvalidRange, h)
	}
	if strings.Contains(spec, ",") {
		return nil, nil
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrInvalidRange, h)
	}
	num := func(s string) (int64, bool) {
		if s == "" || len(s) > 18 || strings.TrimLeft(s, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	if first == "" {
		n, ok := num(last)
		if !ok || n == 0 {
			return nil, fmt.Errorf("%w: %q", ErrInvalidRange, h)
		}
		return &Range{Suffix: n}, nil
	}
	start, ok := num(first)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrInvalidRange, h)
	}
	r := &Range{Start: start, End: -1}
	if last != "" {
		end, ok := num(last)
		if !ok || end < start {
			return nil, fmt.Errorf("%w: %q", ErrInvalidRange, h)
		}
		r.End = end
	}
	return r, nil
}
