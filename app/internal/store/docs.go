package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
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
		inner := &Repo{db: r.db, g: tx, rd: tx, changed: new(bool)}
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
	defer rows.Close()
	var out []content.Record
	for rows.Next() {
		var (
			rec              content.Record
			created, updated any
			status           sql.NullString
			data             any
		)
		if err := rows.Scan(&rec.ID, &created, &updated, &status, &data); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		var err error
		if rec.CreatedAt, err = toTime(created); err != nil {
			return nil, err
		}
		if rec.UpdatedAt, err = toTime(updated); err != nil {
			return nil, err
		}
		rec.Status = status.String
		if rec.Data, err = decodeData(data); err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, classify(rows.Err())
}

func decodeData(v any) (map[string]any, error) {
	var b []byte
	switch x := v.(type) {
	case []byte:
		b = x
	case string:
		b = []byte(x)
	case nil:
		return map[string]any{}, nil
	default:
		return nil, fmt.Errorf("store: unexpected data type %T", v)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("store: decode data: %w", err)
	}
	return m, nil
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

// Find implements content.Store.
func (r *Repo) Find(ctx context.Context, c *content.Collection, q content.Find) ([]content.Record, int64, error) {
	t, err := tableFor(c)
	if err != nil {
		return nil, 0, err
	}
	where, args, err := r.where(t, q.Filter)
	if err != nil {
		return nil, 0, err
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
	recs, err := r.scanRecords(rows)
	if err != nil {
		return nil, 0, err
	}
	more := q.Limit > 0 && len(recs) > q.Limit
	if more {
		recs = recs[:q.Limit]
	}
	total := int64(q.Offset + len(recs))
	if more || (q.Limit > 0 && q.Offset > 0 && len(recs) == 0) {
		if err := r.rd.WithContext(ctx).Raw("SELECT count(*) FROM "+t.name+" t WHERE "+where, args...).Scan(&total).Error; err != nil {
			return nil, 0, classify(fmt.Errorf("count %s: %w", t.name, err))
		}
	}
	return recs, total, nil
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
	var n int64
	if err := r.rd.WithContext(ctx).Raw("SELECT count(*) FROM "+t.name+" t WHERE "+where, args...).Scan(&n).Error; err != nil {
		return 0, classify(fmt.Errorf("count %s: %w", t.name, err))
	}
	return n, nil
}

// Existing implements content.Store.
func (r *Repo) Existing(ctx context.Context, c *content.Collection, ids []int64) ([]int64, error) {
	t, err := tableFor(c)
	if err != nil {
		return nil, err
	}
	var out []int64
	for len(ids) > 0 {
		n := min(len(ids), getManyChunk)
		a := make([]any, n)
		for i, id := range ids[:n] {
			a[i] = id
		}
		ids = ids[n:]
		var got []int64
		q := "SELECT id FROM " + t.name + " WHERE id IN (" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
		if err := r.rd.WithContext(ctx).Raw(q, a...).Scan(&got).Error; err != nil {
			return nil, classify(fmt.Errorf("existing %s: %w", t.name, err))
		}
		out = append(out, got...)
	}
	return out, nil
}

// GetMany implements content.Store.
func (r *Repo) GetMany(ctx context.Context, c *content.Collection, ids []int64, f content.Filter) ([]content.Record, error) {
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
		recs, err := r.scanRecords(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	return out, nil
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

func encodeData(m map[string]any) (string, error) {
	if m == nil {
		m = map[string]any{}
	}
	b, err := json.Marshal(m)
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
	names, vals := r.columnValues(t, rec)
	names = append(names, "updated_at", "data")
	vals = append(vals, r.timeArg(rec.UpdatedAt), data)
	sets := make([]string, len(names))
	for i, n := range names {
		sets[i] = n + " = ?"
	}
	vals = append(vals, rec.ID)
	res := r.g.WithContext(ctx).Exec("UPDATE "+t.name+" SET "+strings.Join(sets, ", ")+" WHERE id = ?", vals...)
	if res.Error != nil {
		return rec, uniqueFor(c, t, classify(fmt.Errorf("update %s: %w", t.name, res.Error)))
	}
	if res.RowsAffected == 0 {
		return rec, content.ErrNotFound
	}
	return rec, r.written(ctx)
}

// Delete implements content.Store.
func (r *Repo) Delete(ctx context.Context, c *content.Collection, id int64) error {
	t, err := tableFor(c)
	if err != nil {
		return err
	}
	res := r.g.WithContext(ctx).Exec("DELETE FROM "+t.name+" WHERE id = ?", id)
	if res.Error != nil {
		return classify(fmt.Errorf("delete %s: %w", t.name, res.Error))
	}
	if res.RowsAffected == 0 {
		return content.ErrNotFound
	}
	return r.written(ctx)
}

// bump advances the content generation in the current transaction (see
// migration 0003): other processes drop their cached responses when they
// see the new value.
func (r *Repo) bump(ctx context.Context) error {
	if err := r.g.WithContext(ctx).Exec("UPDATE content_generation SET n = n + 1 WHERE id = 1").Error; err != nil {
		return classify(fmt.Errorf("bump generation: %w", err))
	}
	return nil
}

// Generation reads the content generation.
func (db *DB) Generation(ctx context.Context) (int64, error) {
	var n int64
	if err := db.reads.WithContext(ctx).Raw("SELECT n FROM content_generation WHERE id = 1").Scan(&n).Error; err != nil {
		return 0, classify(fmt.Errorf("read generation: %w", err))
	}
	return n, nil
}

func (r *Repo) scanVersions(rows *sql.Rows) ([]content.Version, error) {
	defer rows.Close()
	var out []content.Version
	for rows.Next() {
		var (
			v                content.Version
			created, updated any
			data             any
		)
		if err := rows.Scan(&v.ID, &v.Parent, &v.Status, &v.Latest, &v.Autosave, &created, &updated, &data); err != nil {
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
	t, err := versionsTableFor(c)
	if err != nil {
		return v, err
	}
	data, err := encodeData(v.Data)
	if err != nil {
		return v, err
	}
	parent, err := tableFor(c)
	if err != nil {
		return v, err
	}
	steps := func(tx *gorm.DB) error {
		// Saves of one document queue on its row: without the lock two
		// concurrent saves each clear the old latest flag and each insert
		// a new one. The unique index <table>_versions_one_latest (derived
		// for every versions table) backs this up.
		if r.db.dialect == Postgres {
			if err := tx.Exec("SELECT 1 FROM "+parent.name+" WHERE id = ? FOR UPDATE", v.Parent).Error; err != nil {
				return err
			}
		}
		if err := tx.Exec("UPDATE "+t.name+" SET latest = ? WHERE parent_id = ? AND latest = ?", r.boolArg(false), v.Parent, r.boolArg(true)).Error; err != nil {
			return err
		}
		q := "INSERT INTO " + t.name + " (parent_id, status, latest, autosave, created_at, updated_at, data) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"
		if err := tx.Raw(q, v.Parent, v.Status, r.boolArg(true), r.boolArg(v.Autosave), r.timeArg(v.CreatedAt), r.timeArg(v.UpdatedAt), data).Scan(&v.ID).Error; err != nil {
			return err
		}
		if keep > 0 {
			// Prune everything older than the newest keep versions in one go.
			return tx.Exec("DELETE FROM "+t.name+" WHERE parent_id = ? AND id NOT IN (SELECT id FROM "+t.name+" WHERE parent_id = ? ORDER BY id DESC LIMIT ?)", v.Parent, v.Parent, keep).Error
		}
		return nil
	}
	if r.changed != nil {
		err = steps(r.g.WithContext(ctx)) // already in InTx's transaction
	} else {
		err = r.g.WithContext(ctx).Transaction(steps)
	}
	if err != nil {
		return v, classify(fmt.Errorf("create version: %w", err))
	}
	v.Latest = true
	return v, nil
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
	return r.oneVersion(ctx, c, "t.parent_id = ?", parent)
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
	return nil
}
