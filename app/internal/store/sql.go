package store

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
)

// renderer turns a content.Filter into a parameterised WHERE clause. Field
// names reach the SQL text only after content allow-listed them against the
// collection's definition; every value is a bind parameter.
type renderer struct {
	d     Dialect
	args  []any
	alias int
	// probe renders SQLite's trigram conditions as +id IN (…): the unary
	// plus keeps the planner from driving the query by the matches (a
	// rowid lookup and a sort for each), so it walks the ORDER BY index
	// and probes the matches instead (see searchProbeMin).
	probe bool
}

// scope is where a path is evaluated: a table row, or an element of a JSON
// array (then t is nil and src is the element).
type scope struct {
	t     *table
	alias string
	src   string // JSON source expression
}

func (r *renderer) arg(v any) string {
	r.args = append(r.args, v)
	return "?"
}

func (r *renderer) next(prefix string) string {
	r.alias++
	return fmt.Sprintf("%s%d", prefix, r.alias)
}

func (r *renderer) rootScope(t *table, alias string) scope {
	return scope{t: t, alias: alias, src: alias + ".data"}
}

func (r *renderer) filter(s scope, f content.Filter) (string, error) {
	if f.False {
		return "1=0", nil
	}
	var parts []string
	if f.Cond != nil {
		sql, err := r.cond(s, f.Cond.Path, f.Cond)
		if err != nil {
			return "", err
		}
		parts = append(parts, sql)
	}
	for _, sub := range f.And {
		sql, err := r.filter(s, sub)
		if err != nil {
			return "", err
		}
		if sql != "1=1" {
			parts = append(parts, sql)
		}
	}
	if len(f.Or) > 0 {
		var ors []string
		for _, sub := range f.Or {
			sql, err := r.filter(s, sub)
			if err != nil {
				return "", err
			}
			ors = append(ors, "("+sql+")")
		}
		parts = append(parts, "("+strings.Join(ors, " OR ")+")")
	}
	switch len(parts) {
	case 0:
		return "1=1", nil
	case 1:
		return parts[0], nil
	}
	return "(" + strings.Join(parts, " AND ") + ")", nil
}

func negative(op query.Operator) bool {
	return op == query.NotEquals || op == query.NotIn || op == query.NotLike
}

func positive(op query.Operator) query.Operator {
	switch op {
	case query.NotEquals:
		return query.Equals
	case query.NotIn:
		return query.In
	case query.NotLike:
		return query.Like
	}
	return op
}

// cond renders one condition whose remaining path is path, in scope s.
func (r *renderer) cond(s scope, path []content.Segment, c *content.Cond) (string, error) {
	// The first step into a JSON array turns the rest into EXISTS over its
	// elements.
	for i, seg := range path {
		if !seg.Many {
			continue
		}
		last := i == len(path)-1
		elems, elem := r.elements(s, path[:i+1])
		es := scope{alias: elem, src: r.elemSrc(elem)}
		if last && c.Op == query.Exists && c.Join == nil {
			b, _ := c.Values[0].(bool)
			if b {
				return "EXISTS (SELECT 1 FROM " + elems + ")", nil
			}
			return "NOT EXISTS (SELECT 1 FROM " + elems + ")", nil
		}
		if c.Op == query.All && last && c.Join == nil {
			return r.containsAll(s, path[:i+1], c)
		}
		pc := *c
		neg := negative(c.Op)
		if neg {
			pc.Op = positive(c.Op)
		}
		var inner string
		var err error
		if last {
			inner, err = r.leafIn(es, nil, &pc)
		} else {
			inner, err = r.cond(es, path[i+1:], &pc)
		}
		if err != nil {
			return "", err
		}
		sql := "EXISTS (SELECT 1 FROM " + elems + " WHERE " + inner + ")"
		if neg {
			sql = "NOT " + sql
		}
		return sql, nil
	}
	return r.leafIn(s, path, c)
}

// containsAll renders `all` on a JSON array (a hasMany field) as one
// containment test with one bind parameter holding every value, so its cost
// does not grow with a clause per value: PostgreSQL's jsonb @>, and on SQLite
// "no wanted value is missing from the array".
func (r *renderer) containsAll(s scope, path []content.Segment, c *content.Cond) (string, error) {
	want := make([]any, len(c.Values))
	for i, v := range c.Values {
		switch x := v.(type) {
		case time.Time:
			want[i] = content.FormatTime(x)
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				want[i] = int64(x)
			} else {
				want[i] = x
			}
		default:
			want[i] = v
		}
	}
	arr, err := json.Marshal(want)
	if err != nil {
		return "", fmt.Errorf("store: all values: %w", err)
	}
	if r.d == Postgres {
		return "COALESCE(" + s.src + " #> '{" + jsonKeys(path, ",") + "}' @> CAST(" + r.arg(string(arr)) + " AS jsonb), false)", nil
	}
	return "NOT EXISTS (SELECT 1 FROM json_each(" + r.arg(string(arr)) + ") AS w WHERE w.value NOT IN (SELECT e.value FROM json_each(" +
		s.src + ", '$." + jsonKeys(path, ".") + "') AS e))", nil
}

// elements renders the FROM item iterating a JSON array at path in s and
// returns it with the element alias.
func (r *renderer) elements(s scope, path []content.Segment) (string, string) {
	alias := r.next("e")
	if r.d == Postgres {
		arr := s.src + " #> '{" + jsonKeys(path, ",") + "}'"
		return fmt.Sprintf("jsonb_array_elements(CASE WHEN jsonb_typeof(%s) = 'array' THEN %s ELSE '[]'::jsonb END) AS %s(value)", arr, arr, alias), alias
	}
	return fmt.Sprintf("json_each(%s, '$.%s') AS %s", s.src, jsonKeys(path, "."), alias), alias
}

func (r *renderer) elemSrc(alias string) string { return alias + ".value" }

func jsonKeys(path []content.Segment, sep string) string {
	keys := make([]string, 0, len(path))
	for _, p := range path {
		keys = append(keys, p.Name)
	}
	return strings.Join(keys, sep)
}

// expr returns the SQL expression for path in s and how it is typed.
// A nil/empty path means the scope's value itself (an array element).
func (r *renderer) expr(s scope, path []content.Segment, t content.FieldType) (string, colKind) {
	if s.t != nil && len(path) > 0 {
		key := jsonKeys(path, ".")
		if col, ok := s.t.cols[key]; ok {
			return s.alias + "." + col.name, col.kind
		}
		if s.t.versions && path[0].Name == "version" {
			path = path[1:]
		}
	}
	kind := kText
	switch t {
	case content.Number:
		kind = kInt
	case content.Checkbox:
		kind = kBool
	}
	if r.d == Postgres {
		var e string
		if len(path) == 0 {
			e = "(" + s.src + " #>> '{}')"
		} else {
			e = "(" + s.src + " #>> '{" + jsonKeys(path, ",") + "}')"
		}
		switch kind {
		case kInt:
			return e + "::numeric", kInt
		case kBool:
			return e + "::boolean", kBool
		}
		return e, kText
	}
	if len(path) == 0 {
		return s.src, kind
	}
	return "json_extract(" + s.src + ", '$." + jsonKeys(path, ".") + "')", kind
}

// value converts a typed filter value for a column kind and dialect.
func (r *renderer) value(v any, kind colKind) any {
	switch x := v.(type) {
	case time.Time:
		if kind == kTime && r.d == Postgres {
			return x.UTC()
		}
		if kind == kTime {
			return formatTime(x)
		}
		return content.FormatTime(x)
	case float64:
		if kind == kText {
			return trimFloat(x)
		}
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	case bool:
		if r.d == SQLite {
			if x {
				return 1
			}
			return 0
		}
		return x
	}
	return v
}

// param binds a typed filter value. A fraction or a number beyond int64
// compared with an integer column is bound as double precision: PostgreSQL
// would type the parameter bigint and refuse it (SQLite compares integers
// and reals as numbers anyway), so both dialects compare numerically.
func (r *renderer) param(v any, kind colKind) string {
	val := r.value(v, kind)
	if _, isFloat := val.(float64); isFloat && kind == kInt && r.d == Postgres {
		return "CAST(" + r.arg(val) + " AS double precision)"
	}
	return r.arg(val)
}

func trimFloat(f float64) string {
	if f == math.Trunc(f) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprint(f)
}

// leafIn renders a condition on a scalar at path in s (or the element itself).
func (r *renderer) leafIn(s scope, path []content.Segment, c *content.Cond) (string, error) {
	if c.Join != nil {
		return r.join(s, path, c)
	}
	if pre, exact := r.searchIndex(s, path, c, true); exact {
		return pre, nil
	}
	e, kind := r.expr(s, path, c.Type)
	sql, err := r.op(e, kind, c.Op, c.Values)
	if err != nil {
		return "", err
	}
	if pre, _ := r.searchIndex(s, path, c, false); pre != "" {
		sql = "(" + sql + " AND " + pre + ")" // after: its args follow the LIKE's
	}
	return sql, nil
}

// searchIndex narrows a like/contains on a SQLite column with a trigram
// index to the rows its <table>_search FTS5 table finds (see
// searchPhrases). When the phrases decide the condition exactly (exact),
// no LIKE is needed: the LIKE would fold and re-check every candidate row
// in Go, which cost more than the index lookup. With onlyExact, nothing is
// rendered unless exact (no argument is bound). PostgreSQL needs nothing
// here: its GIN index is on the very LOWER(column) expression the LIKE
// uses.
func (r *renderer) searchIndex(s scope, path []content.Segment, c *content.Cond, onlyExact bool) (sql string, exact bool) {
	if r.d != SQLite || s.t == nil {
		return "", false
	}
	phrases, exact := searchPhrases(s.t, path, c)
	if len(phrases) == 0 || onlyExact && !exact {
		return "", false
	}
	fts := s.t.name + "_search"
	parts := make([]string, len(phrases))
	for i, ph := range phrases {
		id := s.alias + ".id"
		if r.probe {
			id = "+" + id
		}
		parts[i] = id + " IN (SELECT rowid FROM " + fts + " WHERE " + fts + " MATCH " + r.arg(ph) + ")"
	}
	if exact && len(parts) > 1 {
		return "(" + strings.Join(parts, " AND ") + ")", true
	}
	return strings.Join(parts, " AND "), exact
}

// searchPhrases returns the FTS5 phrase queries that narrow a like or
// contains on a column of t with a trigram index (Admin.Search) to the
// rows that can match, one per word of three or more characters. The
// <table>_search table holds the column folded by chronos_lower, the same
// folding the LIKE applies, and a phrase query on the trigram tokenizer
// matches a substring of three or more characters, so for terms of 3 to
// searchRunes characters the phrases decide the condition exactly (exact).
// Shorter words have no trigram and longer ones are looked up by a prefix:
// then the candidates are a superset and the LIKE decides.
func searchPhrases(t *table, path []content.Segment, c *content.Cond) (phrases []string, exact bool) {
	if len(path) == 0 || c.Join != nil || (c.Op != query.Like && c.Op != query.Contains) {
		return nil, false
	}
	col, ok := t.cols[jsonKeys(path, ".")]
	if !ok || !col.search {
		return nil, false
	}
	v, _ := c.Values[0].(string)
	terms := []string{strings.ToLower(v)}
	if c.Op == query.Like {
		terms = strings.Fields(strings.ToLower(v))
	}
	exact = len(terms) > 0
	for _, term := range terms {
		n := utf8.RuneCountInString(term)
		exact = exact && n >= 3 && n <= searchRunes && utf8.ValidString(term) && !strings.ContainsRune(term, 0)
		if n < 3 {
			continue
		}
		// A phrase query costs FTS5 time quadratic in its length (16 KiB:
		// seconds, uninterruptible). Any substring narrows to a superset
		// of the rows the LIKE keeps, so a long term is looked up by its
		// first searchRunes characters.
		term = prefixRunes(term, searchRunes)
		phrases = append(phrases, "{"+col.name+"} : \""+strings.ReplaceAll(term, `"`, `""`)+"\"")
	}
	return phrases, exact
}

// searchRunes is the longest prefix of a like/contains term the SQLite
// search index is asked for.
const searchRunes = 64

// prefixRunes returns s cut to its first n runes.
func prefixRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// join renders `relation IN (SELECT id FROM target WHERE sub)`.
func (r *renderer) join(s scope, path []content.Segment, c *content.Cond) (string, error) {
	target, err := tableFor(c.Join.Target)
	if err != nil {
		return "", err
	}
	e, _ := r.expr(s, path, content.Number)
	if r.d == Postgres {
		e = "(" + strings.TrimSuffix(e, "::numeric") + ")::bigint"
	}
	alias := r.next("j")
	sub, err := r.filter(r.rootScope(target, alias), c.Join.Sub)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s IN (SELECT %s.id FROM %s %s WHERE %s)", e, alias, target.name, alias, sub), nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// text lower-cases an expression for case-insensitive matching, Unicode
// letters included (see chronos_lower for SQLite; PostgreSQL folds by the
// database's LC_CTYPE, which is UTF-8 aware on RDS and in the tests).
func (r *renderer) text(e string) string {
	if r.d == SQLite {
		return "chronos_lower(CAST(" + e + " AS TEXT))"
	}
	return "LOWER(CAST(" + e + " AS TEXT))"
}

func (r *renderer) op(e string, kind colKind, op query.Operator, vals []any) (string, error) {
	switch op {
	case query.Equals:
		return e + " = " + r.param(vals[0], kind), nil
	case query.NotEquals:
		return "(" + e + " IS NULL OR " + e + " <> " + r.param(vals[0], kind) + ")", nil
	case query.In, query.NotIn, query.All:
		if len(vals) == 0 {
			if op == query.NotIn {
				return "1=1", nil
			}
			return "1=0", nil
		}
		if op == query.All {
			// A scalar equal to every value: one test per value, bounded
			// by query.MaxValues.
			var parts []string
			for _, v := range vals {
				parts = append(parts, e+" = "+r.param(v, kind))
			}
			return "(" + strings.Join(parts, " AND ") + ")", nil
		}
		ph := make([]string, len(vals))
		for i, v := range vals {
			ph[i] = r.param(v, kind)
		}
		list := "(" + strings.Join(ph, ", ") + ")"
		if op == query.NotIn {
			return "(" + e + " IS NULL OR " + e + " NOT IN " + list + ")", nil
		}
		return e + " IN " + list, nil
	case query.Exists:
		if b, _ := vals[0].(bool); b {
			return e + " IS NOT NULL", nil
		}
		return e + " IS NULL", nil
	case query.GreaterThan:
		return e + " > " + r.param(vals[0], kind), nil
	case query.GreaterThanEqual:
		return e + " >= " + r.param(vals[0], kind), nil
	case query.LessThan:
		return e + " < " + r.param(vals[0], kind), nil
	case query.LessThanEqual:
		return e + " <= " + r.param(vals[0], kind), nil
	case query.Contains:
		s, _ := vals[0].(string)
		return r.text(e) + ` LIKE ` + r.arg("%"+escapeLike(strings.ToLower(s))+"%") + ` ESCAPE '\'`, nil
	case query.Like, query.NotLike:
		s, _ := vals[0].(string)
		words := strings.Fields(strings.ToLower(s))
		if len(words) == 0 {
			return "1=1", nil
		}
		var parts []string
		for _, w := range words {
			parts = append(parts, r.text(e)+` LIKE `+r.arg("%"+escapeLike(w)+"%")+` ESCAPE '\'`)
		}
		sql := "(" + strings.Join(parts, " AND ") + ")"
		if op == query.NotLike {
			return "(" + e + " IS NULL OR NOT " + sql + ")", nil
		}
		return sql, nil
	}
	return "", fmt.Errorf("store: operator %q not supported", op)
}

// orderBy renders ORDER BY for checked sort keys, with id as tie-breaker so
// pages are stable.
func orderBy(t *table, alias string, keys []content.SortKey) string {
	var parts []string
	hasID := false
	for _, k := range keys {
		col, ok := t.cols[k.Field]
		if !ok && t.versions {
			col, ok = t.cols["version."+k.Field]
		}
		if !ok {
			continue
		}
		// NULLs order as PostgreSQL (and so Payload) orders them: last
		// ascending, first descending; SQLite would do the opposite.
		dir := " ASC NULLS LAST"
		if k.Desc {
			dir = " DESC NULLS FIRST"
		}
		parts = append(parts, alias+"."+col.name+dir)
		hasID = hasID || col.name == "id"
	}
	if !hasID {
		parts = append(parts, alias+".id DESC")
	}
	return " ORDER BY " + strings.Join(parts, ", ")
}
