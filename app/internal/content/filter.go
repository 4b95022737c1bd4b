package content

import (
	"fmt"
	"github.com/automatonic/chronos/app/internal/fault"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/automatonic/chronos/app/internal/query"
)

// Filter is a where clause checked against a collection's fields and typed:
// every path is allow-listed and every value converted, so the store can
// render it to parameterised SQL without judging anything itself.
type Filter struct {
	And  []Filter
	Or   []Filter // at least one must hold when non-empty
	Cond *Cond
	// False makes the filter match nothing (a join into a collection the
	// caller may not read).
	False bool
}

// IsZero reports whether the filter constrains nothing.
func (f Filter) IsZero() bool { return len(f.And) == 0 && len(f.Or) == 0 && f.Cond == nil && !f.False }

// Segment is one step of a condition's path.
type Segment struct {
	Name string
	// Field is the field stepped into; nil for system fields (id,
	// createdAt, updatedAt, _status, blockType, array row id).
	Field *Field
	// Many is true when the value at this step is a JSON array whose
	// elements the rest of the path applies to (array, blocks, hasMany).
	Many bool
}

// Cond is one typed condition.
type Cond struct {
	Path []Segment
	// Type is the leaf's type; Number for ids, Date for timestamps, Text
	// for _status and blockType.
	Type   FieldType
	Op     query.Operator
	Values []any // string, float64, bool or time.Time per Type; int64 for ids
	// Join, when set, says the last path segment is a relation and the
	// condition holds when the related document matches Join.Sub.
	Join *Join
}

// Join is a condition on related documents.
type Join struct {
	Target *Collection
	Sub    Filter
}

// PathString renders the path as sent ("meta.title").
func (c *Cond) PathString() string {
	parts := make([]string, len(c.Path))
	for i, s := range c.Path {
		parts[i] = s.Name
	}
	return strings.Join(parts, ".")
}

// QueryValueError is a where value of the wrong type (greater_than=abc on a
// date). It is a QueryError on the wire.
type QueryValueError struct {
	Path    string
	Value   string
	Expects string
}

// FaultKind: a wrong where value is invalid input.
func (e *QueryValueError) FaultKind() fault.Kind { return fault.Invalid }

func (e *QueryValueError) Error() string {
	return fmt.Sprintf("Invalid value %q for path %s: expected %s", e.Value, e.Path, e.Expects)
}

// systemField describes the fields every collection has without declaring
// them.
func systemField(c *Collection, name string) (FieldType, bool) {
	switch name {
	case "id":
		return Number, true
	case "createdAt", "updatedAt":
		return Date, true
	case "_status":
		return Text, c.Drafts
	}
	return "", false
}

// Compiler turns query.Where into Filter for a collection; it resolves
// joins with the registry and applies the target's read access for actor.
type compiler struct {
	reg   *Registry
	actor *Actor
	depth int
}

// CompileWhere checks and types w against c. Unknown paths and operators are
// a *query.Error listing every bad path; wrongly typed values a
// *QueryValueError.
func (r *Registry) CompileWhere(c *Collection, w query.Where, actor *Actor) (Filter, error) {
	cp := compiler{reg: r, actor: actor}
	var bad []string
	f, err := cp.where(c, c.Fields, w, &bad)
	if len(bad) > 0 {
		return Filter{}, &query.Error{Paths: bad}
	}
	if err != nil {
		return Filter{}, err
	}
	return f, nil
}

func (cp *compiler) where(c *Collection, fields []Field, w query.Where, bad *[]string) (Filter, error) {
	var out Filter
	for _, qc := range w.Conds {
		cond, err := cp.cond(c, fields, qc, bad)
		if err != nil {
			return Filter{}, err
		}
		if cond != nil {
			out.And = append(out.And, *cond)
		}
	}
	for _, sub := range w.And {
		f, err := cp.where(c, fields, sub, bad)
		if err != nil {
			return Filter{}, err
		}
		out.And = append(out.And, f)
	}
	if len(w.Or) > 0 {
		var or Filter
		for _, sub := range w.Or {
			f, err := cp.where(c, fields, sub, bad)
			if err != nil {
				return Filter{}, err
			}
			or.Or = append(or.Or, f)
		}
		out.And = append(out.And, or)
	}
	return out, nil
}

// cond resolves one condition. A nil result with no error means the path was
// recorded as bad.
func (cp *compiler) cond(c *Collection, fields []Field, qc query.Cond, bad *[]string) (*Filter, error) {
	names := strings.Split(qc.Path, ".")
	var path []Segment
	cur := fields
	for i, name := range names {
		last := i == len(names)-1
		if name == "" {
			return cp.bad(qc, bad)
		}
		if t, ok := systemField(c, name); ok && i == 0 && last {
			return cp.leaf(c, []Segment{{Name: name}}, t, qc, bad)
		}
		f, ok := findField(cur, name)
		if !ok && i > 0 {
			// Inside arrays and blocks rows carry an id, blocks a blockType.
			if (name == "id" || name == "blockType") && last && path[len(path)-1].Many {
				return cp.leaf(c, append(path, Segment{Name: name}), Text, qc, bad)
			}
			f, ok = blocksField(path[len(path)-1], name)
		}
		if !ok {
			return cp.bad(qc, bad)
		}
		seg := Segment{Name: name, Field: f}
		switch f.Type {
		case Group:
			if last {
				return cp.bad(qc, bad)
			}
			path = append(path, seg)
			cur = f.Fields
		case Array, Blocks:
			seg.Many = true
			path = append(path, seg)
			if last {
				if qc.Op != query.Exists {
					return cp.bad(qc, bad)
				}
				return cp.leaf(c, path, f.Type, qc, bad)
			}
			cur = f.Fields
		default:
			return cp.fieldCond(c, path, seg, names[i+1:], qc, bad)
		}
	}
	return cp.bad(qc, bad)
}

// bad records the condition's path as one that cannot be queried.
func (cp *compiler) bad(qc query.Cond, bad *[]string) (*Filter, error) {
	*bad = append(*bad, qc.Path)
	return nil, nil
}

// blocksField finds a field of any block type of the blocks field seg
// names (a where path searches across block types).
func blocksField(seg Segment, name string) (*Field, bool) {
	if seg.Field == nil || seg.Field.Type != Blocks {
		return nil, false
	}
	return blockField(seg.Field, name)
}

// fieldCond resolves a condition on a field that ends the path or, for a
// relation, continues into its target (rest: the names after it).
func (cp *compiler) fieldCond(c *Collection, path []Segment, seg Segment, rest []string, qc query.Cond, bad *[]string) (*Filter, error) {
	f, last := seg.Field, len(rest) == 0
	switch f.Type {
	case Upload, Relationship:
		seg.Many = f.HasMany
		return cp.relationCond(c, append(path, seg), f, rest, qc, bad)
	case RichText, JSON:
		if !last || (qc.Op != query.Exists && qc.Op != query.Like && qc.Op != query.Contains && qc.Op != query.NotLike) {
			return cp.bad(qc, bad)
		}
		return cp.leaf(c, append(path, seg), f.Type, qc, bad)
	}
	if !last {
		return cp.bad(qc, bad)
	}
	seg.Many = f.HasMany
	return cp.leaf(c, append(path, seg), f.Type, qc, bad)
}

// relationCond resolves a condition on a relation field (path ends with
// it): its id, a polymorphic value's relationTo or value, or a field of the
// target through a join.
func (cp *compiler) relationCond(c *Collection, path []Segment, f *Field, rest []string, qc query.Cond, bad *[]string) (*Filter, error) {
	last := len(rest) == 0
	if f.Polymorphic() {
		// {relationTo, value}: query value (an id) or relationTo.
		if last && qc.Op == query.Exists {
			return cp.leaf(c, path, f.Type, qc, bad)
		}
		if len(rest) != 1 || (rest[0] != "value" && rest[0] != "relationTo") {
			return cp.bad(qc, bad)
		}
		t := Number
		if rest[0] == "relationTo" {
			t = Text
		}
		return cp.leaf(c, append(path, Segment{Name: rest[0]}), t, qc, bad)
	}
	if last {
		return cp.leaf(c, path, Number, qc, bad)
	}
	// A path through a relation becomes a join on the target.
	// `all` across a join would ask one related document's scalar
	// to equal every value: refused on both dialects alike.
	target, ok := cp.reg.Get(f.RelationTo)
	if cp.depth >= 3 || qc.Op == query.All || !ok {
		return cp.bad(qc, bad)
	}
	return cp.join(path, target, rest, qc, bad)
}

// join compiles the rest of a path on the relation's target, limited to
// what the caller may read there.
func (cp *compiler) join(path []Segment, target *Collection, rest []string, qc query.Cond, bad *[]string) (*Filter, error) {
	sub := query.Where{Conds: []query.Cond{{Path: strings.Join(rest, "."), Op: qc.Op, Values: qc.Values}}}
	inner := compiler{reg: cp.reg, actor: cp.actor, depth: cp.depth + 1}
	var innerBad []string
	sf, err := inner.where(target, target.Fields, sub, &innerBad)
	if len(innerBad) > 0 {
		return cp.bad(qc, bad)
	}
	if err != nil {
		return nil, err
	}
	// Never let a join reveal what the caller may not read.
	rule := target.Access.Read(cp.actor)
	if !rule.Allow {
		sf = Filter{False: true}
	} else if rule.Where != nil {
		rf, err := inner.where(target, target.Fields, *rule.Where, &innerBad)
		if err != nil || len(innerBad) > 0 {
			return nil, fmt.Errorf("access rule of %s: %w", target.Slug, err)
		}
		sf = Filter{And: []Filter{sf, rf}}
	}
	return &Filter{Cond: &Cond{Path: path, Type: Number, Op: qc.Op, Join: &Join{Target: target, Sub: sf}}}, nil
}

func blockField(blocks *Field, name string) (*Field, bool) {
	for i := range blocks.Blocks {
		if f, ok := findField(blocks.Blocks[i].Fields, name); ok {
			return f, true
		}
	}
	return nil, false
}

// leaf checks the operator against the type and converts the values.
func (cp *compiler) leaf(c *Collection, path []Segment, t FieldType, qc query.Cond, bad *[]string) (*Filter, error) {
	cond := &Cond{Path: path, Type: t, Op: qc.Op}
	ps := cond.PathString()
	k := kinds[t]
	if !k.Ops.allows(qc.Op) {
		*bad = append(*bad, ps)
		return nil, nil
	}
	// Values are text the databases can hold, however the clause was
	// built (the REST parser refuses the rest already; the admin's
	// filters do not go through it): PostgreSQL refuses NUL and invalid
	// UTF-8 with an error that would be a 500.
	for _, raw := range qc.Values {
		if !utf8.ValidString(raw) || strings.IndexByte(raw, 0) >= 0 {
			return nil, &QueryValueError{Path: ps, Value: strings.ToValidUTF8(strings.ReplaceAll(raw, "\x00", ""), ""), Expects: "text without NUL, in UTF-8"}
		}
	}
	switch qc.Op {
	case query.Exists:
		if len(qc.Values) != 1 {
			return nil, &QueryValueError{Path: ps, Value: strings.Join(qc.Values, ","), Expects: "true or false"}
		}
		b, err := strconv.ParseBool(qc.Values[0])
		if err != nil {
			return nil, &QueryValueError{Path: ps, Value: qc.Values[0], Expects: "true or false"}
		}
		cond.Values = []any{b}
		return &Filter{Cond: cond}, nil
	case query.Like, query.NotLike, query.Contains:
		cond.Type = Text
		cond.Values = []any{strings.Join(qc.Values, ",")}
		return &Filter{Cond: cond}, nil
	}
	isID := isIDPath(path, t)
	for _, raw := range qc.Values {
		v, err := k.QueryValue(raw)
		if err == nil && isID {
			v, err = convertID(raw)
		}
		if err != nil {
			return nil, &QueryValueError{Path: ps, Value: raw, Expects: err.Error()}
		}
		cond.Values = append(cond.Values, v)
	}
	switch qc.Op {
	case query.In, query.NotIn, query.All:
		if len(cond.Values) == 0 && qc.Op == query.All {
			return nil, &QueryValueError{Path: ps, Value: "", Expects: "at least one value"}
		}
	default:
		if len(cond.Values) != 1 {
			return nil, &QueryValueError{Path: ps, Value: strings.Join(qc.Values, ","), Expects: "a single value"}
		}
	}
	return &Filter{Cond: cond}, nil
}

// isIDPath reports whether a Number path holds document ids: the id system
// field or a relation. Ids are integers, so a fraction or a number beyond
// int64 is a 400 on both dialects rather than a driver error on one and a
// silent non-match on the other.
func isIDPath(path []Segment, t FieldType) bool {
	if t != Number || len(path) == 0 {
		return false
	}
	last := path[len(path)-1]
	if last.Field == nil {
		return last.Name == "id" && len(path) == 1
	}
	return last.Field.Type == Upload || last.Field.Type == Relationship
}

// convertID reads a where value on an id path as an integer id.
func convertID(raw string) (any, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("an integer id")
	}
	return n, nil
}

// dateLayouts are the accepted spellings of dates, most specific first.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

// ParseDate parses an ISO 8601 date or date-time; a value without zone is UTC.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a valid date", s)
}

// FormatTime renders a timestamp as Payload does: UTC with milliseconds.
func FormatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
