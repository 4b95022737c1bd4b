// Package query parses the query string of a REST request in Payload's qs
// bracket dialect (where, sort, limit, page, depth, select, populate, draft,
// pagination) into plain values. It knows nothing of collections or SQL:
// content checks paths against a collection's allow-list, store renders SQL.
package query

import (
	"fmt"

	"github.com/automatonic/chronos/app/internal/fault"
)

// Operator is a where operator as spelled on the wire.
type Operator string

// The where operators of Payload 3.
const (
	Equals           Operator = "equals"
	NotEquals        Operator = "not_equals"
	In               Operator = "in"
	NotIn            Operator = "not_in"
	All              Operator = "all"
	Exists           Operator = "exists"
	GreaterThan      Operator = "greater_than"
	GreaterThanEqual Operator = "greater_than_equal"
	LessThan         Operator = "less_than"
	LessThanEqual    Operator = "less_than_equal"
	Like             Operator = "like"
	NotLike          Operator = "not_like"
	Contains         Operator = "contains"
	Near             Operator = "near"
	Within           Operator = "within"
	Intersects       Operator = "intersects"
)

// Where is a parsed where clause. It holds when every Cond holds, every And
// clause holds and, if Or is not empty, at least one Or clause holds.
type Where struct {
	Conds []Cond
	And   []Where
	Or    []Where
}

// IsZero reports whether w constrains nothing.
func (w Where) IsZero() bool { return len(w.Conds) == 0 && len(w.And) == 0 && len(w.Or) == 0 }

// Cond is one `where[path][op]=value` condition.
type Cond struct {
	Path   string   // dotted field path as sent: "slug", "meta.title", "heroImage.alt"
	Op     Operator // a known operator (the parser rejects unknown ones)
	Values []string // one value for scalar operators; every item for in/not_in/all
}

// SortField is one entry of `sort=-publishedAt,title`.
type SortField struct {
	Path string
	Desc bool
}

// Select is a field projection. A nil child means the whole field.
// Exclude is true for `select[x]=false` (everything but the listed fields).
type Select struct {
	Exclude bool
	Fields  map[string]*Select
}

// Params is everything a find/findByID/update/delete request can say in its
// query string. Zero values mean "not given"; see the *Set fields.
type Params struct {
	Where      Where
	Sort       []SortField
	Limit      int  // valid only when LimitSet
	LimitSet   bool //
	Page       int  // 1 when not given
	Pagination bool // false for pagination=false
	Depth      int  // valid only when DepthSet
	DepthSet   bool //
	Draft      bool
	Select     *Select            // nil: every field
	Populate   map[string]*Select // collection slug → projection of populated docs
}

// Error is a query that names a path that cannot be queried or an unknown
// operator; it becomes Payload's QueryError (400) with data [{path}].
type Error struct {
	Paths []string
}

// FaultKind: a query on a path that cannot be queried is invalid input.
func (e *Error) FaultKind() fault.Kind { return fault.Invalid }

func (e *Error) Error() string {
	if len(e.Paths) == 1 {
		return "The following path cannot be queried: " + e.Paths[0]
	}
	s := "The following paths cannot be queried: "
	for i, p := range e.Paths {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s
}

// LimitError is a where clause beyond one of the caps that bound the work a
// single request can cause (values per condition, conditions per query,
// words of a like, bind parameters of the rendered SQL). It becomes
// Payload's QueryError (400) with data [{path}] and a message naming the
// limit.
type LimitError struct {
	Path  string // the where path (or parameter) that went over the limit
	What  string // what is counted, e.g. "values per condition"
	Max   int
	Given int // how many were given; 0 when counting stopped at the limit
}

// FaultKind: a query over a cap is invalid input.
func (e *LimitError) FaultKind() fault.Kind { return fault.Invalid }

func (e *LimitError) Error() string {
	if e.Given <= e.Max {
		return fmt.Sprintf("Query too large at %s: more than %d %s (the limit)", e.Path, e.Max, e.What)
	}
	return fmt.Sprintf("Query too large at %s: %d %s given, the limit is %d", e.Path, e.Given, e.What, e.Max)
}

// SyntaxError is a malformed query string (unbalanced brackets, a non-integer
// limit, ...). It becomes a 400 with Message in Payload's plain error envelope.
type SyntaxError struct {
	Param   string
	Message string
}

func (e *SyntaxError) Error() string { return e.Message }

// FaultKind: a malformed query string is invalid input.
func (e *SyntaxError) FaultKind() fault.Kind { return fault.Invalid }
