package query

import (
	"fmt"
	"strconv"
	"strings"
)

// lookupOperator maps a wire name to its Operator. A switch rather than a
// map keeps the package free of mutable globals.
func lookupOperator(name string) (Operator, bool) {
	switch op := Operator(name); op {
	case Equals, NotEquals, In, NotIn, All, Exists,
		GreaterThan, GreaterThanEqual, LessThan, LessThanEqual,
		Like, NotLike, Contains, Near, Within, Intersects:
		return op, true
	}
	return "", false
}

// IsList reports whether op takes a list of values (in, not_in, all).
func (op Operator) IsList() bool { return op == In || op == NotIn || op == All }

// Valid reports whether op is one of Payload's where operators.
func (op Operator) Valid() bool { _, ok := lookupOperator(string(op)); return ok }

// Parse parses the raw query string of a request (with or without the
// leading "?"). Method-override requests (POST with
// X-Payload-HTTP-Method-Override: GET) carry the same query string as an
// application/x-www-form-urlencoded body: pass the body to Parse unchanged.
//
// Recognised parameters: where, sort, limit, page, depth, pagination, draft,
// select, populate. Others (locale, fallback-locale, trash, joins, cache
// busters) are ignored. A malformed query string or parameter value is a
// *SyntaxError; a where clause naming an unknown operator or a path without an
// operator is an *Error listing every such dotted path (`where[slug][bogus]=x`
// → "slug.bogus"), after any *SyntaxError. Parse does not know collections:
// the caller checks paths and value types.
//
// Where paths: bracketed and dotted segments are joined with dots, so
// `where[meta][title][equals]` and `where[meta.title][equals]` both give
// Path "meta.title". and/or take a list (`where[or][0][...]`) or an
// index-keyed map; an `and`/`or` that is not list-shaped is an ordinary path.
// in/not_in/all take a comma list (`in=a,b`, split; "" gives no values) or an
// indexed list (`in[0]=a`, items not split); other operators take exactly one
// value, kept verbatim (near's "lng,lat,max,min" too).
//
// A where clause beyond MaxConditions, MaxValues, MaxValueBytes or
// MaxLikeWords is a *LimitError naming the first path that went over.
func Parse(raw string) (Params, error) {
	root, err := parseTree(raw)
	if err != nil {
		return Params{}, err
	}
	p := Params{Page: 1, Pagination: true}
	var bad []string
	for _, name := range root.keys {
		n := root.kids[name]
		switch name {
		case "where":
			wp := whereParser{}
			p.Where, err = wp.clause(n, "where")
			bad = append(bad, wp.bad...)
		case "sort":
			p.Sort, err = parseSort(n)
		case "limit":
			p.Limit, err = parseUint(n, name, 0)
			p.LimitSet = err == nil
		case "page":
			p.Page, err = parseUint(n, name, 1)
		case "depth":
			p.Depth, err = parseUint(n, name, 0)
			p.DepthSet = err == nil
		case "pagination":
			var b bool
			b, err = parseBool(n, name)
			p.Pagination = b
		case "draft":
			p.Draft, err = parseBool(n, name)
		case "select":
			p.Select, err = parseSelect(n, name)
		case "populate":
			p.Populate, err = parsePopulate(n)
		}
		if err != nil {
			return Params{}, err
		}
	}
	if len(bad) > 0 {
		return Params{}, &Error{Paths: dedupe(bad)}
	}
	return p, nil
}

func dedupe(paths []string) []string {
	seen := make(map[string]bool, len(paths))
	out := paths[:0]
	for _, p := range paths {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// whereParser collects the paths that cannot be queried so that one error
// names them all, as Payload's QueryError does.
type whereParser struct {
	bad   []string
	conds int
}

func (wp *whereParser) clause(n *qsNode, param string) (Where, error) {
	var w Where
	if n.leaf {
		return w, &SyntaxError{Param: param, Message: fmt.Sprintf("%s must be an object of conditions", truncate(param))}
	}
	for _, k := range n.keys {
		kid := n.kids[k]
		kp := param + "[" + k + "]"
		if (k == "and" || k == "or") && kid.isList() {
			for i, item := range kid.items() {
				sub, err := wp.clause(item, kp+"["+strconv.Itoa(i)+"]")
				if err != nil {
					return Where{}, err
				}
				if k == "and" {
					w.And = append(w.And, sub)
				} else {
					w.Or = append(w.Or, sub)
				}
			}
			continue
		}
		if err := wp.path(&w, k, kid, kp); err != nil {
			return Where{}, err
		}
	}
	return w, nil
}

// path handles the constraint object of one field path: operator keys make
// conditions, other keys extend the path.
func (wp *whereParser) path(w *Where, path string, n *qsNode, param string) error {
	// A list (a repeated key, `x[0]`) cannot hold operators either: report
	// the path once, as Payload does, not one path per item.
	if n.leaf || n.isList() {
		wp.bad = append(wp.bad, path)
		return nil
	}
	for _, k := range n.keys {
		kid := n.kids[k]
		kp := param + "[" + k + "]"
		if op, ok := lookupOperator(k); ok {
			vals, err := condValues(op, kid, kp)
			if err != nil {
				return err
			}
			if err := wp.check(path, op, vals); err != nil {
				return err
			}
			w.Conds = append(w.Conds, Cond{Path: path, Op: op, Values: vals})
			continue
		}
		if err := wp.path(w, path+"."+k, kid, kp); err != nil {
			return err
		}
	}
	return nil
}

// check enforces the caps of one condition and of the clause so far.
func (wp *whereParser) check(path string, op Operator, vals []string) error {
	if wp.conds++; wp.conds > MaxConditions {
		return &LimitError{Path: path, What: "conditions per query", Max: MaxConditions}
	}
	if len(vals) > MaxValues {
		return &LimitError{Path: path, What: "values per condition", Max: MaxValues, Given: len(vals)}
	}
	for _, v := range vals {
		if len(v) > MaxValueBytes {
			return &LimitError{Path: path, What: "bytes per value", Max: MaxValueBytes, Given: len(v)}
		}
	}
	if op == Like || op == NotLike {
		if n := len(strings.Fields(vals[0])); n > MaxLikeWords {
			return &LimitError{Path: path, What: "words per like", Max: MaxLikeWords, Given: n}
		}
	}
	return nil
}

func condValues(op Operator, n *qsNode, param string) ([]string, error) {
	if !op.IsList() {
		if !n.leaf {
			return nil, &SyntaxError{Param: param, Message: fmt.Sprintf("%s takes a single value", truncate(param))}
		}
		return []string{n.value}, nil
	}
	if n.leaf {
		if n.value == "" {
			return []string{}, nil
		}
		return strings.Split(n.value, ","), nil
	}
	if !n.isList() {
		return nil, &SyntaxError{Param: param, Message: fmt.Sprintf("%s takes a list of values", truncate(param))}
	}
	items := n.items()
	vals := make([]string, 0, len(items))
	for _, it := range items {
		if !it.leaf {
			return nil, &SyntaxError{Param: param, Message: fmt.Sprintf("%s takes a list of plain values", truncate(param))}
		}
		vals = append(vals, it.value)
	}
	return vals, nil
}

// parseSort accepts `sort=-publishedAt,title` and the list forms
// `sort[0]=-publishedAt&sort[1]=title` / repeated `sort=`; empty items are
// skipped.
func parseSort(n *qsNode) ([]SortField, error) {
	var raw []string
	switch {
	case n.leaf:
		raw = []string{n.value}
	case n.isList():
		for _, it := range n.items() {
			if !it.leaf {
				return nil, &SyntaxError{Param: "sort", Message: "sort must be a comma-separated list of fields"}
			}
			raw = append(raw, it.value)
		}
	default:
		return nil, &SyntaxError{Param: "sort", Message: "sort must be a comma-separated list of fields"}
	}
	var out []SortField
	// A field named again adds nothing to the order (its first mention
	// decides): it is dropped, so the ORDER BY has at most one term per
	// field whatever the URL repeats (SQLite refuses more than 2000 terms).
	seen := map[string]bool{}
	for _, r := range raw {
		for _, f := range strings.Split(r, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			sf := SortField{Path: f}
			if strings.HasPrefix(f, "-") {
				sf = SortField{Path: f[1:], Desc: true}
			}
			if sf.Path == "" || strings.HasPrefix(sf.Path, "-") {
				return nil, &SyntaxError{Param: "sort", Message: fmt.Sprintf("invalid sort field %q", truncate(f))}
			}
			if seen[sf.Path] {
				continue
			}
			seen[sf.Path] = true
			out = append(out, sf)
		}
	}
	return out, nil
}

func parseUint(n *qsNode, name string, min int) (int, error) {
	what := "a non-negative integer"
	if min == 1 {
		what = "a positive integer"
	}
	bad := &SyntaxError{Param: name, Message: name + " must be " + what}
	if !n.leaf || n.value == "" || len(n.value) > 9 {
		return 0, bad
	}
	v := 0
	for _, c := range []byte(n.value) {
		if c < '0' || c > '9' {
			return 0, bad
		}
		v = v*10 + int(c-'0')
	}
	if v < min {
		return 0, bad
	}
	return v, nil
}

func parseBool(n *qsNode, name string) (bool, error) {
	if n.leaf {
		switch n.value {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, &SyntaxError{Param: name, Message: fmt.Sprintf("%s must be true or false", name)}
}

// parseSelect reads `select[a]=true&select[b][c]=true` (include) or
// `select[a]=false` (exclude). Mixing true and false is an error because the
// result would depend on key order in Payload.
func parseSelect(n *qsNode, param string) (*Select, error) {
	if n.leaf {
		return nil, &SyntaxError{Param: param, Message: fmt.Sprintf("%s must name fields, e.g. %s[title]=true", truncate(param), truncate(param))}
	}
	mode := ""
	sel, err := buildSelect(n, param, &mode)
	if err != nil {
		return nil, err
	}
	sel.setExclude(mode == "false")
	return sel, nil
}

func buildSelect(n *qsNode, param string, mode *string) (*Select, error) {
	s := &Select{Fields: make(map[string]*Select, len(n.keys))}
	for _, k := range n.keys {
		kid := n.kids[k]
		kp := param + "[" + k + "]"
		if k == "" {
			return nil, &SyntaxError{Param: param, Message: fmt.Sprintf("%s has an empty field name", truncate(param))}
		}
		if !kid.leaf {
			sub, err := buildSelect(kid, kp, mode)
			if err != nil {
				return nil, err
			}
			s.Fields[k] = sub
			continue
		}
		if kid.value != "true" && kid.value != "false" {
			return nil, &SyntaxError{Param: kp, Message: fmt.Sprintf("%s must be true or false", truncate(kp))}
		}
		if *mode == "" {
			*mode = kid.value
		} else if *mode != kid.value {
			return nil, &SyntaxError{Param: kp, Message: "select cannot mix true and false"}
		}
		s.Fields[k] = nil
	}
	return s, nil
}

func (s *Select) setExclude(ex bool) {
	if s == nil {
		return
	}
	s.Exclude = ex
	for _, f := range s.Fields {
		f.setExclude(ex)
	}
}

// parsePopulate reads `populate[media][url]=true` into slug → projection.
func parsePopulate(n *qsNode) (map[string]*Select, error) {
	if n.leaf {
		return nil, &SyntaxError{Param: "populate", Message: "populate must map collections to fields, e.g. populate[media][url]=true"}
	}
	out := make(map[string]*Select, len(n.keys))
	for _, slug := range n.keys {
		sel, err := parseSelect(n.kids[slug], "populate["+slug+"]")
		if err != nil {
			return nil, err
		}
		out[slug] = sel
	}
	return out, nil
}

// Paths returns every distinct condition path in w, nested and/or clauses
// included, in the order they appear, for checking against a collection's
// queryable paths (an unknown one makes an *Error with all of them).
func (w Where) Paths() []string {
	var out []string
	seen := map[string]bool{}
	var walk func(Where)
	walk = func(w Where) {
		for _, c := range w.Conds {
			if !seen[c.Path] {
				seen[c.Path] = true
				out = append(out, c.Path)
			}
		}
		for _, s := range w.And {
			walk(s)
		}
		for _, s := range w.Or {
			walk(s)
		}
	}
	walk(w)
	return out
}
