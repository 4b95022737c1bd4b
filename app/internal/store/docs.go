package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/docjson"
	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/automatonic/chronos/app/internal/query"
	"gorm.io/gorm"
)

// Repo implements content.Store on a DB (or on one of its transactions).
type Repo struct {
	db *DB
	g  *gorm.DB // writes (and reads inside a transaction)
	rd *gorm.DB // reads: the read pool, or the transaction
	// changed, inside a transaction InTx began, records that it wrote
	// content: InTx bumps the content generation once, as the last
	// statement before COMMIT. The generation row is one hot row every
	// writer updates; bumped at the first write, its lock was held through
	// the rest of the transaction (versions, pruning) and serialised all
	// writers. Nil outside such a transaction: every write bumps at once.
	changed *bool
	// locked, inside such a transaction, holds the rows Lock locked in
	// it (table name → ids): CreateVersion need not lock its parent again.
	locked map[string]map[int64]bool
	// lockedData, beside locked, holds each locked row's decoded data
	// until LatestVersion hands it over instead of decoding a version that
	// holds the same document (a published document's latest version), or
	// the row is written (forgetLocked).
	lockedData map[string]map[int64]map[string]any
	// versions, inside such a transaction, counts the versions of parents
	// locked in it (versions table → parent id → count), as LatestVersion
	// read them: every version writer holds the parent's lock, so the
	// count stays exact, and CreateVersion skips the pruning DELETE while
	// the count is within the cap.
	versions map[string]map[int64]int
}

var _ content.Store = (*Repo)(nil)

// Content returns the content.Store of db.
func (db *DB) Content() *Repo { return &Repo{db: db, g: db.gdb, rd: db.reads} }

func (r *Repo) renderer() *renderer { return &renderer{d: r.db.dialect} }

// InTx runs fn in a transaction. Inside a transaction InTx began, fn runs
// in it directly (no savepoint: two round trips saved per nesting, and
// every caller gives up the whole transaction on an error anyway). When
// fn wrote content, the outermost InTx bumps the content generation just
// before it commits.
func (r *Repo) InTx(ctx context.Context, fn func(tx content.Store) error) error {
	if r.changed != nil {
		return fn(r)
	}
	err := r.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Reads in a transaction see its own writes: same connection.
		inner := &Repo{db: r.db, g: tx, rd: tx, changed: new(bool), locked: map[string]map[int64]bool{},
			lockedData: map[string]map[int64]map[string]any{}, versions: map[string]map[int64]int{}}
		if err := fn(inner); err != nil {
			return err
		}
		if *inner.changed {
			return (&Repo{db: r.db, g: tx}).bump(ctx)
		}
		return nil
	})
	return classify(err)
}

// written bumps the content generation, or, inside InTx, leaves it to the
// end of the transaction.
func (r *Repo) written(ctx context.Context) error {
	if r.changed != nil {
		*r.changed = true
		return nil
	}
	return r.bump(ctx)
}

const docCols = "t.id, t.created_at, t.updated_at, %s, t.data"

func (r *Repo) selectList(t *table) string {
	status := "''"
	if _, ok := t.cols["_status"]; ok {
		status = "t.status"
	}
	return fmt.Sprintf(docCols, status)
}

func (r *Repo) scanRecords(rows *sql.Rows) ([]content.Record, error) {
	return r.scanRecordsAs(rows, false)
}

// scanRecordsAs scans records, leaving each one's data as its stored JSON
// text (Record.Raw) when raw is set.
func (r *Repo) scanRecordsAs(rows *sql.Rows, raw bool) ([]content.Record, error) {
	defer rows.Close()
	var out []content.Record
	for rows.Next() {
		var row recordRow
		if err := rows.Scan(row.dest()...); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		rec, err := row.record(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, classify(rows.Err())
}

// recordRow is a document row as scanned: the columns of selectList.
type recordRow struct {
	id               int64
	created, updated any
	status           sql.NullString
	data             any
}

// dest returns the scan destinations of the row's columns.
func (row *recordRow) dest() []any {
	return []any{&row.id, &row.created, &row.updated, &row.status, &row.data}
}

// record converts the row, leaving its data as stored text when raw is set.
func (row *recordRow) record(raw bool) (content.Record, error) {
	rec := content.Record{ID: row.id, Status: row.status.String}
	var err error
	if rec.CreatedAt, err = toTime(row.created); err != nil {
		return rec, err
	}
	if rec.UpdatedAt, err = toTime(row.updated); err != nil {
		return rec, err
	}
	if raw {
		rec.Raw, err = dataText(row.data)
	} else {
		rec.Data, err = decodeData(row.data)
	}
	return rec, err
}

func decodeData(v any) (map[string]any, error) {
	if v == nil {
		return map[string]any{}, nil
	}
	b, err := dataText(v)
	if err != nil {
		return nil, err
	}
	m, err := content.DecodeData(b)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return m, nil
}

// dataText returns a scanned data column's JSON text ({} for NULL).
func dataText(v any) ([]byte, error) {
	switch x := v.(type) {
	case []byte:
		return x, nil
	case string:
		return []byte(x), nil
	case nil:
		return []byte("{}"), nil
	}
	return nil, fmt.Errorf("store: unexpected data type %T", v)
}

// MaxBindParams caps the bind parameters of one rendered where clause. The
// parser's caps (query.MaxConditions, query.MaxValues) bound each part; this
// bounds their product, below SQLite's and PostgreSQL's own limits, so an
// over-large clause is a 400 naming the limit instead of a driver error.
const MaxBindParams = 2000

func (r *Repo) where(t *table, f content.Filter) (string, []any, error) {
	rd := r.renderer()
	sql, err := rd.filter(rd.rootScope(t, "t"), f)
	if err == nil && len(rd.args) > MaxBindParams {
		return "", nil, &query.LimitError{Path: "where", What: "bind parameters per query", Max: MaxBindParams, Given: len(rd.args)}
	}
	return sql, rd.args, err
}

// findWhere renders a list query's clause: q.Filter on the documents and,
// with q.Latest, a condition on each document's latest version (a draft
// read: Payload's queryDrafts) as a subquery on the versions table, so the
// documents' own sort and pagination still apply.
func (r *Repo) findWhere(c *content.Collection, t *table, q content.Find) (string, []any, error) {
	rd := r.renderer()
	sql, err := rd.filter(rd.rootScope(t, "t"), q.Filter)
	if err != nil {
		return "", nil, err
	}
	if q.Latest != nil {
		vt, err := versionsTableFor(c)
		if err != nil {
			return "", nil, err
		}
		sub, err := rd.filter(rd.rootScope(vt, "lv"), *q.Latest)
		if err != nil {
			return "", nil, err
		}
		sql = "(" + sql + ") AND t.id IN (SELECT lv.parent_id FROM " + vt.name + " lv WHERE " + sub + ")"
	}
	if len(rd.args) > MaxBindParams {
		return "", nil, &query.LimitError{Path: "where", What: "bind parameters per query", Max: MaxBindParams, Given: len(rd.args)}
	}
	return sql, rd.args, nil
}

// Find implements content.Store.
func (r *Repo) Find(ctx context.Context, c *content.Collection, q content.Find) ([]content.Record, int64, error) {
	t, err := tableFor(c)
	if err != nil {
		return nil, 0, err
	}
	where, args, err := r.findWhere(c, t, q)
	if err != nil {
		return nil, 0, err
	}
	total, counted := int64(0), false
	if r.db.dialect == SQLite && q.Limit > 0 && strings.Contains(where, "_search WHERE") {
		// A search: count first (the trigram index answers it), then
		// pick the plan by how many rows match (searchProbeMin).
		if total, err = r.count(ctx, t, q.Filter, where, args); err != nil {
			return nil, 0, err
		}
		counted = true
		all, err := r.count(ctx, t, content.Filter{}, "1=1", nil) // the row counters
		if err != nil {
			return nil, 0, err
		}
		if total >= searchProbeMin || total*searchProbeShare >= all {
			rd := &renderer{d: r.db.dialect, probe: true}
			if where, err = rd.filter(rd.rootScope(t, "t"), q.Filter); err != nil {
				return nil, 0, err
			}
			args = rd.args
		}
	}
	sqlText := "SELECT " + r.selectList(t) + " FROM " + t.name + " t WHERE " + where + orderBy(t, "t", q.Sort)
	if q.Limit > 0 {
		// One row more than the page: when it does not come back, the
		// total is known without a count query (a lookup by slug, the
		// last page).
		sqlText += fmt.Sprintf(" LIMIT %d OFFSET %d", q.Limit+1, q.Offset)
	}
	rows, err := r.rd.WithContext(ctx).Raw(sqlText, args...).Rows()
	if err != nil {
		return nil, 0, classify(fmt.Errorf("find %s: %w", t.name, err))
	}
	recs, err := r.scanRecordsAs(rows, q.Raw)
	if err != nil {
		return nil, 0, err
	}
	more := q.Limit > 0 && len(recs) > q.Limit
	if more {
		recs = recs[:q.Limit]
	}
	if counted {
		return recs, total, nil
	}
	total = int64(q.Offset + len(recs))
	if more || (q.Limit > 0 && q.Offset > 0 && len(recs) == 0) {
		if total, err = r.count(ctx, t, q.Filter, where, args); err != nil {
			return nil, 0, err
		}
	}
	return recs, total, nil
}

// searchProbeMin is how many matches make a SQLite search walk the sort
// column's index and probe the trigram index's rows for each entry,
// instead of reading every match and sorting them: the walk stops after
// the page, about (offset+limit) × rows/matches entries, while reading
// the matches costs a row lookup (and a sort) per match. Below it the
// matches are few and reading them is cheaper than walking the index.
const searchProbeMin = 500

// searchProbeShare: a search matching at least 1/searchProbeShare of the
// table's rows also probes (walking the index past the page costs about a
// hundredth of a row lookup and sort per entry, measured on SQLite 3.40).
const searchProbeShare = 150

// count counts the rows of t that match f (rendered as where and args):
// from the row counters of migration 0013 when f asks for nothing or for
// one status and t has counters, else with count(*).
func (r *Repo) count(ctx context.Context, t *table, f content.Filter, where string, args []any) (int64, error) {
	if status, ok := countedStatus(t, f); ok {
		q := "SELECT CASE WHEN EXISTS (SELECT 1 FROM row_counted WHERE tbl = ?) THEN (SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM row_counts WHERE tbl = ?"
		cargs := []any{t.name, t.name}
		if status != nil {
			q += " AND status = ?"
			cargs = append(cargs, *status)
		}
		var n sql.NullInt64
		if err := r.rd.WithContext(ctx).Raw(q+") END", cargs...).Scan(&n).Error; err != nil {
			return 0, classify(fmt.Errorf("count %s: %w", t.name, err))
		}
		if n.Valid {
			return n.Int64, nil
		}
	}
	if r.db.dialect == SQLite {
		if q, qargs, ok, err := r.sqliteCount(t, f); err != nil || ok {
			if err != nil {
				return 0, err
			}
			var n int64
			if err := r.rd.WithContext(ctx).Raw(q, qargs...).Scan(&n).Error; err != nil {
				return 0, classify(fmt.Errorf("count %s: %w", t.name, err))
			}
			return n, nil
		}
	}
	var n int64
	if err := r.rd.WithContext(ctx).Raw("SELECT count(*) FROM "+t.name+" t WHERE "+where, args...).Scan(&n).Error; err != nil {
		return 0, classify(fmt.Errorf("count %s: %w", t.name, err))
	}
	return n, nil
}

// sqliteCount renders a count that SQLite answers from indexes where the
// plain count(*) would read every matching row:
//   - a like/contains that the trigram index decides exactly is counted in
//     the <table>_search table alone;
//   - a filter on one status plus other conditions (every anonymous read
//     of a drafts-enabled collection) is the count without the status
//     condition, which an index can answer, minus the rows of the other
//     statuses that match, found through the status index (drafts are
//     few; status is NOT NULL). Both in one statement: one snapshot.
//
// ok is false when neither applies.
func (r *Repo) sqliteCount(t *table, f content.Filter) (q string, args []any, ok bool, err error) {
	status, rest := splitStatus(t, f)
	if status == nil {
		q, args, ok = ftsCount(t, f)
		return q, args, ok, nil
	}
	if len(rest.And) == 0 {
		return "", nil, false, nil
	}
	total, targs, isFTS := ftsCount(t, rest)
	restSQL, rargs, err := r.where(t, rest)
	if err != nil {
		return "", nil, false, err
	}
	if !isFTS {
		total, targs = "SELECT count(*) FROM "+t.name+" t WHERE "+restSQL, rargs
	}
	others := "SELECT count(*) FROM " + t.name + " t INDEXED BY " + t.name + "_status_idx WHERE (t.status < ? OR t.status > ?) AND " + restSQL
	args = append(append(append([]any{}, targs...), *status, *status), rargs...)
	return "SELECT (" + total + ") - (" + others + ")", args, true, nil
}

// ftsCount renders the count of a filter that is one like/contains the
// trigram index decides exactly (searchPhrases) as a count in the
// <table>_search table, which holds one row per row of the table.
// An or of such conditions (the admin's search over several columns) is
// one FTS5 query with OR.
func ftsCount(t *table, f content.Filter) (string, []any, bool) {
	leaves := flattenAnd(f)
	if len(leaves) != 1 || t.versions {
		return "", nil, false
	}
	branches := []content.Filter{leaves[0]}
	if len(leaves[0].Or) > 0 {
		branches = leaves[0].Or
	}
	var exprs []string
	for _, b := range branches {
		bl := flattenAnd(b)
		if len(bl) != 1 || bl[0].Cond == nil {
			return "", nil, false
		}
		phrases, exact := searchPhrases(t, bl[0].Cond.Path, bl[0].Cond)
		if !exact {
			return "", nil, false
		}
		exprs = append(exprs, "("+strings.Join(phrases, " AND ")+")")
	}
	fts := t.name + "_search"
	return "SELECT count(*) FROM " + fts + " WHERE " + fts + " MATCH ?", []any{strings.Join(exprs, " OR ")}, true
}

// flattenAnd returns the conjuncts of f: each is a single condition, a
// disjunction or False.
func flattenAnd(f content.Filter) []content.Filter {
	var out []content.Filter
	if f.Cond != nil {
		out = append(out, content.Filter{Cond: f.Cond})
	}
	for _, sub := range f.And {
		out = append(out, flattenAnd(sub)...)
	}
	if len(f.Or) > 0 {
		out = append(out, content.Filter{Or: f.Or})
	}
	if f.False {
		out = append(out, content.Filter{False: true})
	}
	return out
}

// splitStatus splits f into one equality on t's status column (status,
// nil when f has none or more than one) and the other conjuncts (rest).
func splitStatus(t *table, f content.Filter) (status *string, rest content.Filter) {
	if _, has := t.cols["_status"]; !has || t.versions {
		return nil, f
	}
	for _, leaf := range flattenAnd(f) {
		c := leaf.Cond
		if c != nil && c.Join == nil && c.Op == query.Equals && len(c.Path) == 1 && c.Path[0].Name == "_status" && len(c.Values) == 1 {
			if s, ok := c.Values[0].(string); ok && status == nil {
				status = &s
				continue
			} else if ok {
				return nil, f
			}
		}
		rest.And = append(rest.And, leaf)
	}
	return status, rest
}

// countedStatus reports whether the rows matching f can be counted from the
// row counters: f is empty (status nil: every row) or one equality on the
// status column (status: that value).
func countedStatus(t *table, f content.Filter) (status *string, ok bool) {
	if t.versions {
		return nil, false
	}
	if len(flattenAnd(f)) == 0 {
		return nil, true
	}
	status, rest := splitStatus(t, f)
	return status, status != nil && len(rest.And) == 0
}

// Count implements content.Store.
func (r *Repo) Count(ctx context.Context, c *content.Collection, f content.Filter) (int64, error) {
	t, err := tableFor(c)
	if err != nil {
		return 0, err
	}
	where, args, err := r.where(t, f)
	if err != nil {
		return 0, err
	}
	return r.count(ctx, t, f, where, args)
}

// Existing implements content.Store: one statement (a UNION ALL of one
// SELECT per collection) for every getManyChunk ids, so a write's relation
// check is one round trip however many collections it points at.
func (r *Repo) Existing(ctx context.Context, ask map[*content.Collection][]int64) (map[*content.Collection][]int64, error) {
	out := map[*content.Collection][]int64{}
	colls := slices.SortedFunc(maps.Keys(ask), func(a, b *content.Collection) int { return strings.Compare(a.Slug, b.Slug) })
	var (
		parts []string
		args  []any
		kinds []*content.Collection
	)
	flush := func() error {
		if len(parts) == 0 {
			return nil
		}
		rows, err := r.rd.WithContext(ctx).Raw(strings.Join(parts, " UNION ALL "), args...).Rows()
		if err != nil {
			return classify(fmt.Errorf("existing: %w", err))
		}
		defer rows.Close()
		for rows.Next() {
			var k, id int64
			if err := rows.Scan(&k, &id); err != nil {
				return fmt.Errorf("existing: scan: %w", err)
			}
			out[kinds[k]] = append(out[kinds[k]], id)
		}
		parts, args = parts[:0], args[:0]
		return classify(rows.Err())
	}
	for _, c := range colls {
		t, err := tableFor(c)
		if err != nil {
			return nil, err
		}
		ids := ask[c]
		for len(ids) > 0 {
			n := min(len(ids), getManyChunk-len(args))
			if n == 0 {
				if err := flush(); err != nil {
					return nil, err
				}
				continue
			}
			k := len(kinds)
			kinds = append(kinds, c)
			parts = append(parts, "SELECT "+strconv.Itoa(k)+", id FROM "+t.name+" WHERE id IN ("+strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+")")
			for _, id := range ids[:n] {
				args = append(args, id)
			}
			ids = ids[n:]
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// GetMany implements content.Store.
func (r *Repo) GetMany(ctx context.Context, c *content.Collection, ids []int64, f content.Filter) ([]content.Record, error) {
	return r.getMany(ctx, c, ids, f, false)
}

// GetManyText implements content.Store.
func (r *Repo) GetManyText(ctx context.Context, c *content.Collection, ids []int64, f content.Filter) ([]content.Record, error) {
	return r.getMany(ctx, c, ids, f, true)
}

func (r *Repo) getMany(ctx context.Context, c *content.Collection, ids []int64, f content.Filter, raw bool) ([]content.Record, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	t, err := tableFor(c)
	if err != nil {
		return nil, err
	}
	where, args, err := r.where(t, f)
	if err != nil {
		return nil, err
	}
	// Populating a large page asks for many ids: a bounded number of bind
	// parameters per statement keeps every request under the drivers' limits.
	var out []content.Record
	for len(ids) > 0 {
		n := min(len(ids), getManyChunk)
		ph := strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
		a := append([]any(nil), args...)
		for _, id := range ids[:n] {
			a = append(a, id)
		}
		ids = ids[n:]
		sqlText := "SELECT " + r.selectList(t) + " FROM " + t.name + " t WHERE " + where + " AND t.id IN (" + ph + ")"
		rows, err := r.rd.WithContext(ctx).Raw(sqlText, a...).Rows()
		if err != nil {
			return nil, classify(fmt.Errorf("get %s: %w", t.name, err))
		}
		recs, err := r.scanRecordsAs(rows, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
}

// getEachArgs bounds the bind parameters of one GetEach statement: at
// least one whole part (a filter of MaxBindParams and getManyChunk ids),
// below both dialects' limits.
const getEachArgs = MaxBindParams + 2*getManyChunk

// GetEach implements content.Store: the gets go in one statement, a UNION
// ALL of one SELECT per get (per getManyChunk ids of it), each row tagged
// with its get's index — one round trip for a populate level on both
// dialects, where GetMany per collection took one each. A statement takes
// parts while their bind parameters fit getEachArgs.
func (r *Repo) GetEach(ctx context.Context, gets []content.Get) ([][]content.Record, error) {
	out := make([][]content.Record, len(gets))
	var (
		parts []string
		args  []any
	)
	for k, g := range gets {
		if len(g.IDs) == 0 {
			continue
		}
		t, err := tableFor(g.C)
		if err != nil {
			return nil, err
		}
		where, wargs, err := r.where(t, g.Filter)
		if err != nil {
			return nil, err
		}
		head := "SELECT " + strconv.Itoa(k) + ", " + r.selectList(t) + " FROM " + t.name + " t WHERE " + where + " AND t.id IN ("
		for ids := g.IDs; len(ids) > 0; {
			n := min(len(ids), getManyChunk)
			if len(parts) > 0 && len(args)+len(wargs)+n > getEachArgs {
				if err := r.getEachRows(ctx, gets, out, parts, args); err != nil {
					return nil, err
				}
				parts, args = parts[:0], args[:0]
			}
			parts = append(parts, head+strings.TrimSuffix(strings.Repeat("?, ", n), ", ")+")")
			args = append(args, wargs...)
			for _, id := range ids[:n] {
				args = append(args, id)
			}
			ids = ids[n:]
		}
	}
	if len(parts) > 0 {
		if err := r.getEachRows(ctx, gets, out, parts, args); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// getEachRows runs one GetEach statement of parts and adds its records to
// out by their get's index.
func (r *Repo) getEachRows(ctx context.Context, gets []content.Get, out [][]content.Record, parts []string, args []any) error {
	rows, err := r.rd.WithContext(ctx).Raw(strings.Join(parts, " UNION ALL "), args...).Rows()
	if err != nil {
		return classify(fmt.Errorf("get each: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k   int
			row recordRow
		)
		if err := rows.Scan(append([]any{&k}, row.dest()...)...); err != nil {
			return fmt.Errorf("get each: scan: %w", err)
		}
		if k < 0 || k >= len(gets) {
			return fmt.Errorf("get each: row of get %d of %d", k, len(gets))
		}
		rec, err := row.record(gets[k].Text)
		if err != nil {
			return err
		}
		out[k] = append(out[k], rec)
	}
	return classify(rows.Err())
}

// Lock implements content.Store: SELECT … FOR UPDATE on PostgreSQL. SQLite
// has no row locks and needs none: the pool's one connection belongs to the
// transaction, so transactions of this process run one after the other.
func (r *Repo) Lock(ctx context.Context, c *content.Collection, id int64, f content.Filter) (content.Record, error) {
	t, err := tableFor(c)
	if err != nil {
		return content.Record{}, err
	}
	where, args, err := r.where(t, f)
	if err != nil {
		return content.Record{}, err
	}
	sqlText := "SELECT " + r.selectList(t) + " FROM " + t.name + " t WHERE " + where + " AND t.id = ?"
	if r.db.dialect == Postgres {
		sqlText += " FOR UPDATE OF t"
	}
	rows, err := r.g.WithContext(ctx).Raw(sqlText, append(args, id)...).Rows()
	if err != nil {
		return content.Record{}, classify(fmt.Errorf("lock %s: %w", t.name, err))
	}
	recs, err := r.scanRecords(rows)
	if err != nil {
		return content.Record{}, err
	}
	if len(recs) == 0 {
		return content.Record{}, content.ErrNotFound
	}
	if r.locked != nil {
		if r.locked[t.name] == nil {
			r.locked[t.name] = map[int64]bool{}
		}
		r.locked[t.name][id] = true
		if r.lockedData[t.name] == nil {
			r.lockedData[t.name] = map[int64]map[string]any{}
		}
		r.lockedData[t.name][id] = recs[0].Data
	}
	return recs[0], nil
}

// LockTable implements content.Store: LOCK TABLE on PostgreSQL (SHARE ROW
// EXCLUSIVE conflicts with itself and with writes, not with reads). SQLite
// needs nothing: its one writer connection belongs to the transaction.
func (r *Repo) LockTable(ctx context.Context, c *content.Collection) error {
	t, err := tableFor(c)
	if err != nil {
		return err
	}
	if r.db.dialect != Postgres {
		return nil
	}
	if err := r.g.WithContext(ctx).Exec("LOCK TABLE " + t.name + " IN SHARE ROW EXCLUSIVE MODE").Error; err != nil {
		return classify(fmt.Errorf("lock table %s: %w", t.name, err))
	}
	return nil
}

// getManyChunk is how many ids one GetMany statement asks for.
const getManyChunk = 1000

// columnValues extracts the promoted columns of data.
func (r *Repo) columnValues(t *table, rec content.Record) ([]string, []any) {
	var names []string
	var vals []any
	for path, col := range t.cols {
		if _, sys := systemCols[path]; sys {
			continue
		}
		var v any
		if path == "_status" {
			v = rec.Status
		} else {
			v = r.promote(rec.Data[path], col.kind)
		}
		names = append(names, col.name)
		vals = append(vals, v)
	}
	return names, vals
}

func (r *Repo) promote(v any, kind colKind) any {
	switch kind {
	case kText:
		s, ok := v.(string)
		if !ok {
			return nil
		}
		return s
	case kTime:
		s, ok := v.(string)
		if !ok || s == "" {
			return nil
		}
		t, err := content.ParseDate(s)
		if err != nil {
			return nil
		}
		return r.timeArg(t)
	case kBool:
		b, ok := v.(bool)
		if !ok {
			return nil
		}
		return r.boolArg(b)
	case kFloat:
		n, ok := v.(float64)
		if !ok {
			if jn, isNum := v.(json.Number); isNum {
				f, err := jn.Float64()
				return map[bool]any{true: f, false: nil}[err == nil]
			}
			return nil
		}
		return n
	case kInt:
		switch x := v.(type) {
		case float64:
			return int64(x)
		case int64:
			return x
		case int:
			return int64(x)
		case json.Number:
			n, _ := x.Int64()
			return n
		}
		return nil
	}
	return nil
}

func (r *Repo) timeArg(t time.Time) any {
	if r.db.dialect == SQLite {
		return formatTime(t)
	}
	return t.UTC()
}

// encodeData is a document's stored JSON text: docjson's form (what
// encoding/json writes, without its reflection: json.Marshal was an eighth
// of a PATCH's CPU and a fifth of the seed's).
func encodeData(m map[string]any) (string, error) {
	if m == nil {
		m = map[string]any{}
	}
	b, err := docjson.AppendMap(make([]byte, 0, 4096), m)
	if err != nil {
		return "", fmt.Errorf("store: encode data: %w", err)
	}
	return string(b), nil
}

// Create implements content.Store.
func (r *Repo) Create(ctx context.Context, c *content.Collection, rec content.Record) (content.Record, error) {
	t, err := tableFor(c)
	if err != nil {
		return rec, err
	}
	data, err := encodeData(rec.Data)
	if err != nil {
		return rec, err
	}
	names, vals := r.columnValues(t, rec)
	names = append(names, "created_at", "updated_at", "data")
	vals = append(vals, r.timeArg(rec.CreatedAt), r.timeArg(rec.UpdatedAt), data)
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ")
	var id int64
	q := "INSERT INTO " + t.name + " (" + strings.Join(names, ", ") + ") VALUES (" + ph + ") RETURNING id"
	if err := r.g.WithContext(ctx).Raw(q, vals...).Scan(&id).Error; err != nil {
		return rec, uniqueFor(c, t, classify(fmt.Errorf("insert %s: %w", t.name, err)))
	}
	rec.ID = id
	return rec, r.written(ctx)
}

// Update implements content.Store.
func (r *Repo) Update(ctx context.Context, c *content.Collection, rec content.Record) (content.Record, error) {
	t, err := tableFor(c)
	if err != nil {
		return rec, err
	}
	data, err := encodeData(rec.Data)
	if err != nil {
		return rec, err
	}
	return r.update(ctx, c, t, rec, data)
}

// forgetLocked drops the decoded data Lock kept of row id of table: it was
// handed over, or the row changed.
func (r *Repo) forgetLocked(table string, id int64) { delete(r.lockedData[table], id) }

// Delete implements content.Store.
func (r *Repo) Delete(ctx context.Context, c *content.Collection, id int64) error {
	t, err := tableFor(c)
	if err != nil {
		return err
	}
	if c.Auth {
		if err := r.deleteAuthRows(ctx, id); err != nil {
			return err
		}
	}
	r.forgetLocked(t.name, id)
	res := r.g.WithContext(ctx).Exec("DELETE FROM "+t.name+" WHERE id = ?", id)
	if res.Error != nil {
		return classify(fmt.Errorf("delete %s: %w", t.name, res.Error))
	}
	if res.RowsAffected == 0 {
		return content.ErrNotFound
	}
	return r.written(ctx)
}

// deleteAuthRows deletes the rows the auth service keeps of user id
// besides the row's credentials (the foreign keys cascade too, but
// preferences have none).
func (r *Repo) deleteAuthRows(ctx context.Context, id int64) error {
	for _, t := range []string{"users_sessions", "users_api_keys", "users_password_resets", "users_preferences"} {
		if err := r.g.WithContext(ctx).Exec("DELETE FROM "+t+" WHERE user_id = ?", id).Error; err != nil {
			return classify(fmt.Errorf("delete %s: %w", t, err))
		}
	}
	return nil
}

// SetCredentials implements content.Store: the hash and salt columns of
// an auth collection's row, which only the auth store reads.
func (r *Repo) SetCredentials(ctx context.Context, c *content.Collection, id int64, cr content.Credentials) error {
	if !c.Auth {
		return fmt.Errorf("set credentials: %s is not an auth collection", c.Slug)
	}
	t, err := tableFor(c)
	if err != nil {
		return err
	}
	res := r.g.WithContext(ctx).Exec("UPDATE "+t.name+" SET hash = ?, salt = ? WHERE id = ?", cr.Hash, cr.Salt, id)
	if res.Error != nil {
		return classify(fmt.Errorf("set credentials %s: %w", t.name, res.Error))
	}
	if res.RowsAffected == 0 {
		return content.ErrNotFound
	}
	return nil
}

// SetFiles implements content.Store on the object index (media_files,
// whose rows reference the upload collection's table): each file's row is
// inserted for document id with its metadata (or, for a direct upload's
// reservation or a file id already owns, updated), then the rows of id's
// other objects are deleted and their names returned. One statement per
// file: INSERT … ON CONFLICT DO UPDATE … WHERE the row is a reservation or
// id's, so a name another document owns changes nothing and fails the
// write.
func (r *Repo) SetFiles(ctx context.Context, c *content.Collection, id int64, files []content.File) ([]string, error) {
	if !c.Upload {
		return nil, fmt.Errorf("set files: %s is not an upload collection", c.Slug)
	}
	g := r.g.WithContext(ctx)
	now := r.timeArg(time.Now())
	names := make([]string, 0, len(files))
	for _, f := range files {
		res := g.Exec(`INSERT INTO media_files (filename, media_id, size_name, content_type, filesize, created_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (filename) DO UPDATE SET media_id = excluded.media_id, size_name = excluded.size_name, content_type = excluded.content_type, filesize = excluded.filesize
WHERE media_files.media_id IS NULL OR media_files.media_id = excluded.media_id`,
			f.Filename, id, f.SizeName, f.ContentType, f.Filesize, now)
		if res.Error != nil {
			return nil, classify(fmt.Errorf("attach %s: %w", f.Filename, res.Error))
		}
		if res.RowsAffected != 1 {
			return nil, fmt.Errorf("attach %s to %s %d: %w", f.Filename, c.Slug, id, errNameOwned)
		}
		names = append(names, f.Filename)
	}
	var released []string
	if err := g.Raw("DELETE FROM media_files WHERE media_id = ? AND filename NOT IN ? RETURNING filename", id, names).Scan(&released).Error; err != nil {
		return nil, classify(fmt.Errorf("release files of %s %d: %w", c.Slug, id, err))
	}
	return released, nil
}

// errNameOwned is a file attached under a name another document's row
// holds. Uploads create only names no object holds, so that row outlived
// its object (removed from the store by hand); `cms media gc --apply`
// deletes a document whose original is gone.
var errNameOwned = fault.New(fault.Conflict, "Another media document owns this file name; please retry under another name.")

// generationShards is how many rows the content generation is the sum of
// (migration 0011): each write bumps one picked at random, so concurrent
// writers rarely queue on the same row lock until the other commits.
const generationShards = 16

// bump advances the content generation in the current transaction (see
// migrations 0003 and 0011): other processes drop their cached responses
// when they see the new value.
func (r *Repo) bump(ctx context.Context) error {
	res := r.g.WithContext(ctx).Exec("UPDATE content_generation SET n = n + 1 WHERE id = ?", 1+rand.IntN(generationShards))
	if res.Error != nil {
		return classify(fmt.Errorf("bump generation: %w", res.Error))
	}
	if res.RowsAffected != 1 {
		return fmt.Errorf("bump generation: %d rows bumped, want 1 (migration 0011 not applied?)", res.RowsAffected)
	}
	return nil
}

// Generation reads the content generation: the sum of its shards, which
// grows by one at every committed content write.
func (db *DB) Generation(ctx context.Context) (int64, error) {
	var n int64
	if err := db.reads.WithContext(ctx).Raw("SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM content_generation").Scan(&n).Error; err != nil {
		return 0, classify(fmt.Errorf("read generation: %w", err))
	}
	return n, nil
}

func (r *Repo) scanVersions(rows *sql.Rows) ([]content.Version, error) {
	return r.scanVersionRows(rows)
}

// scanVersionRows scans versionCols and then, into extra, any further
// columns.
func (r *Repo) scanVersionRows(rows *sql.Rows, extra ...any) ([]content.Version, error) {
	defer rows.Close()
	var out []content.Version
	for rows.Next() {
		var (
			v                content.Version
			created, updated any
			data             any
		)
		dest := []any{&v.ID, &v.Parent, &v.Status, &v.Latest, &v.Autosave, &created, &updated, &data}
		dest = append(dest, extra...)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("scan version: %w", err)
		}
		var err error
		if v.CreatedAt, err = toTime(created); err != nil {
			return nil, err
		}
		if v.UpdatedAt, err = toTime(updated); err != nil {
			return nil, err
		}
		if v.Data, err = decodeData(data); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, classify(rows.Err())
}

const versionCols = "t.id, t.parent_id, t.status, t.latest, t.autosave, t.created_at, t.updated_at, t.data"

// CreateVersion implements content.Store.
func (r *Repo) CreateVersion(ctx context.Context, c *content.Collection, v content.Version, keep int) (content.Version, error) {
	data, err := encodeData(v.Data)
	if err != nil {
		return v, err
	}
	return r.createVersion(ctx, c, v, keep, data)
}

// insertLatest clears the parent's latest flag and inserts v as its new
// latest version, setting v.ID. On PostgreSQL it is one statement: the
// INSERT reads the clearing UPDATE's result (a count of it), so the UPDATE
// runs to completion first and the one-latest unique index sees the old
// flag cleared.
func (r *Repo) insertLatest(tx *gorm.DB, t *table, v *content.Version, data string) error {
	if r.db.dialect == Postgres {
		q := "WITH old AS (UPDATE " + t.name + " SET latest = false WHERE parent_id = ? AND latest RETURNING 1) " +
			"INSERT INTO " + t.name + " (parent_id, status, latest, autosave, created_at, updated_at, data) " +
			"SELECT ?::bigint, ?::text, true, ?::boolean, ?::timestamptz, ?::timestamptz, ?::jsonb FROM (SELECT count(*) FROM old) cleared RETURNING id"
		return tx.Raw(q, v.Parent, v.Parent, v.Status, v.Autosave, r.timeArg(v.CreatedAt), r.timeArg(v.UpdatedAt), data).Scan(&v.ID).Error
	}
	if err := tx.Exec("UPDATE "+t.name+" SET latest = ? WHERE parent_id = ? AND latest = ?", r.boolArg(false), v.Parent, r.boolArg(true)).Error; err != nil {
		return err
	}
	q := "INSERT INTO " + t.name + " (parent_id, status, latest, autosave, created_at, updated_at, data) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"
	return tx.Raw(q, v.Parent, v.Status, r.boolArg(true), r.boolArg(v.Autosave), r.timeArg(v.CreatedAt), r.timeArg(v.UpdatedAt), data).Scan(&v.ID).Error
}

func (r *Repo) boolArg(b bool) any {
	if r.db.dialect == SQLite {
		if b {
			return 1
		}
		return 0
	}
	return b
}

// FindVersions implements content.Store.
func (r *Repo) FindVersions(ctx context.Context, c *content.Collection, q content.Find) ([]content.Version, int64, error) {
	t, err := versionsTableFor(c)
	if err != nil {
		return nil, 0, err
	}
	where, args, err := r.where(t, q.Filter)
	if err != nil {
		return nil, 0, err
	}
	sqlText := "SELECT " + versionCols + " FROM " + t.name + " t WHERE " + where + orderBy(t, "t", q.Sort)
	if q.Limit > 0 {
		sqlText += fmt.Sprintf(" LIMIT %d OFFSET %d", q.Limit, q.Offset)
	}
	rows, err := r.rd.WithContext(ctx).Raw(sqlText, args...).Rows()
	if err != nil {
		return nil, 0, classify(fmt.Errorf("find versions: %w", err))
	}
	vs, err := r.scanVersions(rows)
	if err != nil {
		return nil, 0, err
	}
	var total int64
	if err := r.rd.WithContext(ctx).Raw("SELECT count(*) FROM "+t.name+" t WHERE "+where, args...).Scan(&total).Error; err != nil {
		return nil, 0, classify(fmt.Errorf("count versions: %w", err))
	}
	return vs, total, nil
}

func (r *Repo) oneVersion(ctx context.Context, c *content.Collection, cond string, arg any) (content.Version, error) {
	t, err := versionsTableFor(c)
	if err != nil {
		return content.Version{}, err
	}
	rows, err := r.rd.WithContext(ctx).Raw("SELECT "+versionCols+" FROM "+t.name+" t WHERE "+cond+" ORDER BY t.id DESC LIMIT 1", arg).Rows()
	if err != nil {
		return content.Version{}, classify(fmt.Errorf("get version: %w", err))
	}
	vs, err := r.scanVersions(rows)
	if err != nil {
		return content.Version{}, err
	}
	if len(vs) == 0 {
		return content.Version{}, content.ErrNotFound
	}
	return vs[0], nil
}

// GetVersion implements content.Store.
func (r *Repo) GetVersion(ctx context.Context, c *content.Collection, id int64) (content.Version, error) {
	return r.oneVersion(ctx, c, "t.id = ?", id)
}

// UpdateVersion implements content.Store.
func (r *Repo) UpdateVersion(ctx context.Context, c *content.Collection, v content.Version) (content.Version, error) {
	t, err := versionsTableFor(c)
	if err != nil {
		return v, err
	}
	data, err := encodeData(v.Data)
	if err != nil {
		return v, err
	}
	res := r.g.WithContext(ctx).Exec("UPDATE "+t.name+" SET status = ?, autosave = ?, updated_at = ?, data = ? WHERE id = ? AND parent_id = ?",
		v.Status, r.boolArg(v.Autosave), r.timeArg(v.UpdatedAt), data, v.ID, v.Parent)
	if res.Error != nil {
		return v, classify(fmt.Errorf("update version: %w", res.Error))
	}
	if res.RowsAffected == 0 {
		return v, content.ErrNotFound
	}
	v.Latest = true
	return v, nil
}

// LatestVersion implements content.Store.
func (r *Repo) LatestVersion(ctx context.Context, c *content.Collection, parent int64) (content.Version, error) {
	pt, err := tableFor(c)
	if err != nil {
		return content.Version{}, err
	}
	if !r.locked[pt.name][parent] {
		return r.oneVersion(ctx, c, "t.parent_id = ?", parent)
	}
	// The parent is locked in this transaction: count its versions in the
	// same statement, for CreateVersion's pruning, and send the version's
	// data only when it differs from the locked row's, decoded already.
	t, err := versionsTableFor(c)
	if err != nil {
		return content.Version{}, err
	}
	cached, have := r.lockedData[pt.name][parent]
	cols, sameExpr := versionCols, "0"
	if have {
		cols = strings.Replace(versionCols, "t.data", "CASE WHEN t.data = p.data THEN NULL ELSE t.data END", 1)
		sameExpr = "CASE WHEN t.data = p.data THEN 1 ELSE 0 END"
	}
	q := "SELECT " + cols + ", (SELECT count(*) FROM " + t.name + " WHERE parent_id = ?), " + sameExpr + " FROM " + t.name +
		" t JOIN " + pt.name + " p ON p.id = t.parent_id WHERE t.parent_id = ? ORDER BY t.id DESC LIMIT 1"
	rows, err := r.rd.WithContext(ctx).Raw(q, parent, parent).Rows()
	if err != nil {
		return content.Version{}, classify(fmt.Errorf("latest version: %w", err))
	}
	var n, same int
	vs, err := r.scanVersionRows(rows, &n, &same)
	if err != nil {
		return content.Version{}, err
	}
	if r.versions[t.name] == nil {
		r.versions[t.name] = map[int64]int{}
	}
	r.versions[t.name][parent] = n
	if len(vs) == 0 {
		// No version: nothing was counted by the statement either.
		r.versions[t.name][parent] = 0
		return content.Version{}, content.ErrNotFound
	}
	if same == 1 {
		// The same document as the row: the data Lock decoded, handed
		// over rather than copied (the Record Lock returned holds the
		// same maps), so a later call in this transaction sends it again.
		vs[0].Data = cached
		r.forgetLocked(pt.name, parent)
	}
	return vs[0], nil
}

// LatestVersions implements content.Store.
func (r *Repo) LatestVersions(ctx context.Context, c *content.Collection, parents []int64) (map[int64]content.Version, error) {
	out := map[int64]content.Version{}
	if len(parents) == 0 {
		return out, nil
	}
	t, err := versionsTableFor(c)
	if err != nil {
		return nil, err
	}
	args := make([]any, 0, len(parents))
	for _, p := range parents {
		args = append(args, p)
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(parents)), ", ")
	q := "SELECT " + versionCols + " FROM " + t.name + " t WHERE t.id IN (SELECT max(id) FROM " + t.name + " WHERE parent_id IN (" + ph + ") GROUP BY parent_id)"
	rows, err := r.rd.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return nil, classify(fmt.Errorf("latest versions: %w", err))
	}
	vs, err := r.scanVersions(rows)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		out[v.Parent] = v
	}
	return out, nil
}

// DeleteVersions implements content.Store.
func (r *Repo) DeleteVersions(ctx context.Context, c *content.Collection, parent int64) error {
	t, err := versionsTableFor(c)
	if err != nil {
		return err
	}
	if err := r.g.WithContext(ctx).Exec("DELETE FROM "+t.name+" WHERE parent_id = ?", parent).Error; err != nil {
		return classify(fmt.Errorf("delete versions: %w", err))
	}
	delete(r.versions[t.name], parent)
	return nil
}
