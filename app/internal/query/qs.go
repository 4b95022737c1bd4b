package query

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of the bracket parser. They match the qs options Payload passes to
// qs-esm (depth 10, arrayLimit 1000, qs's default parameterLimit 1000), except
// that exceeding depth or parameter count is an error here instead of qs's
// silent truncation: a truncated where clause would widen the query.
const (
	MaxDepth      = 10   // bracket segments after the parameter name
	MaxParams     = 1000 // &-separated parameters
	MaxArrayIndex = 1000 // a[1001]=x makes a map key "1001", not a list slot
)

// Caps on the work one where clause may ask for. Each is enforced where it
// is first countable and answered with a *LimitError (400), never by
// truncating the clause. They are far above what Payload's admin and SDK
// send (a page of ids, a search box) and far below what hurts a database.
const (
	MaxValues     = 500 // values of one in/not_in/all condition
	MaxConditions = 100 // conditions of one where clause, and/or nesting included
	MaxLikeWords  = 20  // words of one like/not_like value (each is a LIKE test)
	// MaxValueBytes bounds one value of any operator: an equality on any
	// stored link (2048 bytes) fits; SQLite refuses LIKE patterns over
	// 50,000 bytes, and a long search term is work on either dialect.
	MaxValueBytes = 4096
)

// qsNode is the ordered tree built by the bracket parser: either a leaf
// string or an object whose keys keep their first-seen order, which keeps
// Parse deterministic and its errors in request order.
type qsNode struct {
	leaf  bool
	value string
	keys  []string
	kids  map[string]*qsNode
}

func newObject() *qsNode { return &qsNode{kids: map[string]*qsNode{}} }

func (n *qsNode) set(key string, kid *qsNode) {
	if _, ok := n.kids[key]; !ok {
		n.keys = append(n.keys, key)
	}
	n.kids[key] = kid
}

// nextIndex is the slot `a[]=x` or a repeated `a=x` appends to.
func (n *qsNode) nextIndex() string {
	next := 0
	for _, k := range n.keys {
		if i, ok := arrayIndex(k); ok && i >= next {
			next = i + 1
		}
	}
	return strconv.Itoa(next)
}

// arrayIndex reports whether key is a canonical list index (no sign, no
// leading zeros, at most MaxArrayIndex), as qs decides between list and map.
func arrayIndex(key string) (int, bool) {
	if key == "" || len(key) > 4 || (len(key) > 1 && key[0] == '0') {
		return 0, false
	}
	i := 0
	for _, c := range []byte(key) {
		if c < '0' || c > '9' {
			return 0, false
		}
		i = i*10 + int(c-'0')
	}
	return i, i <= MaxArrayIndex
}

// isList reports whether n is an object whose keys are all list indexes; qs
// turns such objects into arrays (compacting holes).
func (n *qsNode) isList() bool {
	if n.leaf || len(n.keys) == 0 {
		return false
	}
	for _, k := range n.keys {
		if _, ok := arrayIndex(k); !ok {
			return false
		}
	}
	return true
}

// items returns the children of a list node in index order.
func (n *qsNode) items() []*qsNode {
	keys := append([]string(nil), n.keys...)
	sort.Slice(keys, func(i, j int) bool {
		a, _ := arrayIndex(keys[i])
		b, _ := arrayIndex(keys[j])
		return a < b
	})
	out := make([]*qsNode, len(keys))
	for i, k := range keys {
		out[i] = n.kids[k]
	}
	return out
}

// ParseQS parses a raw query string (with or without a leading "?") the way
// qs-esm does for Payload, strictly. The result maps each name to one of:
//
//   - string: a plain value (`a=x`; `a` alone gives "");
//   - map[string]any: bracketed keys (`a[b]=x` → {"b": "x"});
//   - []any: an object whose keys are all list indexes 0..MaxArrayIndex
//     (`a[0]=x&a[1]=y`, `a[]=x&a[]=y`, a repeated `a=x&a=y`), in index order
//     with holes compacted, as qs does; elements are again string, map or list.
//
// Brackets may be raw or percent-encoded, `+` is a space. Malformed brackets,
// bad percent-encoding, invalid UTF-8, NUL bytes, a key that is both a value
// and an object, more than MaxDepth brackets or more than MaxParams
// parameters are a *SyntaxError.
func ParseQS(raw string) (map[string]any, error) {
	root, err := parseTree(raw)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(root.keys))
	for _, k := range root.keys {
		out[k] = root.kids[k].toAny()
	}
	return out, nil
}

func (n *qsNode) toAny() any {
	if n.leaf {
		return n.value
	}
	if n.isList() {
		items := n.items()
		out := make([]any, len(items))
		for i, it := range items {
			out[i] = it.toAny()
		}
		return out
	}
	out := make(map[string]any, len(n.keys))
	for _, k := range n.keys {
		out[k] = n.kids[k].toAny()
	}
	return out
}

func parseTree(raw string) (*qsNode, error) {
	raw = strings.TrimPrefix(raw, "?")
	root := newObject()
	if raw == "" {
		return root, nil
	}
	count := 0
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		if count++; count > MaxParams {
			return nil, &SyntaxError{Message: fmt.Sprintf("too many query parameters (more than %d)", MaxParams)}
		}
		// Like qs: a "]=" marks the end of a bracketed key, so a key may hold "=".
		pos := strings.Index(part, "]=")
		if pos >= 0 {
			pos++
		} else {
			pos = strings.IndexByte(part, '=')
		}
		rawKey, rawVal := part, ""
		if pos >= 0 {
			rawKey, rawVal = part[:pos], part[pos+1:]
		}
		key, err := decode(rawKey)
		if err != nil {
			return nil, &SyntaxError{Message: fmt.Sprintf("invalid query parameter name %q: %v", truncate(rawKey), err)}
		}
		if key == "" {
			continue
		}
		val, err := decode(rawVal)
		if err != nil {
			return nil, &SyntaxError{Param: key, Message: fmt.Sprintf("invalid value for %s: %v", truncate(key), err)}
		}
		segs, err := splitKey(key)
		if err != nil {
			return nil, err
		}
		if err := insert(root, segs, val, key); err != nil {
			return nil, err
		}
	}
	return root, nil
}

func decode(s string) (string, error) {
	s = strings.ReplaceAll(s, "+", " ")
	d, err := url.PathUnescape(s)
	if err != nil {
		return "", fmt.Errorf("bad percent-encoding")
	}
	if !utf8.ValidString(d) {
		return "", fmt.Errorf("not valid UTF-8")
	}
	if strings.IndexByte(d, 0) >= 0 {
		// PostgreSQL text cannot hold NUL; reject it here instead of failing in SQL.
		return "", fmt.Errorf("contains a NUL byte")
	}
	return d, nil
}

// splitKey splits `where[or][0][slug]` into where, or, 0, slug. An empty
// segment (`a[]`) means "append".
func splitKey(key string) ([]string, error) {
	bad := func(why string) error {
		return &SyntaxError{Param: key, Message: fmt.Sprintf("malformed query parameter name %q: %s", truncate(key), why)}
	}
	open := strings.IndexByte(key, '[')
	if open < 0 {
		if strings.IndexByte(key, ']') >= 0 {
			return nil, bad("unbalanced brackets")
		}
		return []string{key}, nil
	}
	if open == 0 {
		return nil, bad("no name before the brackets")
	}
	segs := []string{key[:open]}
	if strings.IndexByte(segs[0], ']') >= 0 {
		return nil, bad("unbalanced brackets")
	}
	rest := key[open:]
	for rest != "" {
		if rest[0] != '[' {
			return nil, bad("text after the brackets")
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return nil, bad("unbalanced brackets")
		}
		seg := rest[1:end]
		if strings.IndexByte(seg, '[') >= 0 {
			return nil, bad("nested brackets")
		}
		segs = append(segs, seg)
		if len(segs)-1 > MaxDepth {
			return nil, &SyntaxError{Param: key, Message: fmt.Sprintf("query parameter %q is nested deeper than %d levels", truncate(key), MaxDepth)}
		}
		rest = rest[end+1:]
	}
	return segs, nil
}

// insert stores val at segs below n.
func insert(n *qsNode, segs []string, val, key string) error {
	conflict := func() error {
		return &SyntaxError{Param: key, Message: fmt.Sprintf("query parameter %q conflicts with another parameter", truncate(key))}
	}
	for i, seg := range segs {
		if n.leaf {
			return conflict()
		}
		if seg == "" {
			if i == 0 {
				return conflict()
			}
			seg = n.nextIndex()
		}
		last := i == len(segs)-1
		kid, ok := n.kids[seg]
		if last {
			switch {
			case !ok:
				n.set(seg, &qsNode{leaf: true, value: val})
			case kid.leaf:
				// qs combines repeated keys (`a=x&a=y`) into a list.
				list := newObject()
				list.set("0", kid)
				list.set("1", &qsNode{leaf: true, value: val})
				n.set(seg, list)
			case kid.isList():
				kid.set(kid.nextIndex(), &qsNode{leaf: true, value: val})
			default:
				return conflict()
			}
			return nil
		}
		if !ok {
			kid = newObject()
			n.set(seg, kid)
		}
		n = kid
	}
	return nil
}

// truncate keeps error messages (which may be echoed to clients) short.
func truncate(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
