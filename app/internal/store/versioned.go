package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/automatonic/chronos/app/internal/content"
	"gorm.io/gorm"
)

// UpdateVersioned implements content.Store: Update, then CreateVersion
// with the same data, encoded to JSON once for both rows.
//
// On PostgreSQL, inside a transaction InTx began with the parent locked
// by Lock (the update path), it is one statement: the row UPDATE, the
// clearing of the old latest flag, the version INSERT, the pruning (only
// when the count LatestVersion read says the cap is passed) and the
// content generation bump as data-modifying CTEs — one round trip instead
// of three or four while the row lock and a pool connection are held.
// The parent must be locked by an earlier statement: a statement's
// snapshot is taken before it waits for a row lock, so a lock taken
// inside this statement could not see versions a concurrent writer
// committed while it waited.
func (r *Repo) UpdateVersioned(ctx context.Context, c *content.Collection, rec content.Record, v content.Version, keep int) (content.Record, content.Version, error) {
	if r.changed == nil {
		err := r.InTx(ctx, func(tx content.Store) error {
			var err error
			rec, v, err = tx.(*Repo).UpdateVersioned(ctx, c, rec, v, keep)
			return err
		})
		return rec, v, err
	}
	t, err := tableFor(c)
	if err != nil {
		return rec, v, err
	}
	vt, err := versionsTableFor(c)
	if err != nil {
		return rec, v, err
	}
	data, err := encodeData(rec.Data)
	if err != nil {
		return rec, v, err
	}
	if r.db.dialect != Postgres || !r.locked[t.name][rec.ID] {
		if rec, err = r.update(ctx, c, t, rec, data); err != nil {
			return rec, v, err
		}
		v, err = r.createVersion(ctx, c, v, keep, data)
		return rec, v, err
	}
	r.forgetLocked(t.name, rec.ID)
	count, counted := r.versions[vt.name][rec.ID]
	prune := keep > 0 && (!counted || count+1 > keep)
	q, args := r.updateVersionedSQL(t, vt, rec, v, data, prune, keep)
	var ids []int64
	if err := r.g.WithContext(ctx).Raw(q, args...).Scan(&ids).Error; err != nil {
		delete(r.versions[vt.name], rec.ID)
		return rec, v, uniqueFor(c, t, classify(fmt.Errorf("update %s with version: %w", t.name, err)))
	}
	if len(ids) != 1 {
		return rec, v, content.ErrNotFound
	}
	// The statement bumped the generation, in this transaction, after
	// every earlier write of it: InTx need not bump again unless another
	// write follows.
	*r.changed = false
	v.ID, v.Latest = ids[0], true
	r.countVersion(vt.name, rec.ID, counted, count, keep)
	return rec, v, nil
}

// updateVersionedSQL renders UpdateVersioned's one statement on
// PostgreSQL. Every later CTE reads upd (EXISTS / FROM upd), so none changes
// anything when the row is gone (the statement then answers no row); the INSERT
// reads the counts of the clearing UPDATE and the pruning DELETE, so both
// run to completion before it and the one-latest index sees the old flag
// cleared. The pruning keeps the newest keep-1 existing versions (the
// new one is the keep-th); with keep 1 it deletes all of them and there
// is no flag to clear (one statement must not both update and delete a
// row).
func (r *Repo) updateVersionedSQL(t, vt *table, rec content.Record, v content.Version, data string, prune bool, keep int) (string, []any) {
	names, vals := r.columnValues(t, rec)
	var b strings.Builder
	b.WriteString("WITH upd AS (UPDATE " + t.name + " SET ")
	for _, n := range names {
		b.WriteString(n + " = ?, ")
	}
	b.WriteString("updated_at = ?, data = ?::jsonb WHERE id = ? RETURNING id, data)")
	args := append(vals, r.timeArg(rec.UpdatedAt), data, rec.ID)
	cleared := "(SELECT 0) cleared"
	if !prune || keep > 1 {
		b.WriteString(", old AS (UPDATE " + vt.name + " SET latest = false WHERE parent_id = ? AND latest AND EXISTS (SELECT 1 FROM upd) RETURNING 1)")
		args = append(args, rec.ID)
		cleared = "(SELECT count(*) FROM old) cleared"
	}
	pruned := "(SELECT 0) pruned"
	if prune {
		b.WriteString(", gone AS (DELETE FROM " + vt.name + " WHERE parent_id = ? AND EXISTS (SELECT 1 FROM upd) AND id NOT IN (SELECT id FROM " +
			vt.name + " WHERE parent_id = ? ORDER BY id DESC LIMIT " + strconv.Itoa(keep-1) + ") RETURNING 1)")
		args = append(args, rec.ID, rec.ID)
		pruned = "(SELECT count(*) FROM gone) pruned"
	}
	b.WriteString(", gen AS (UPDATE content_generation SET n = n + 1 WHERE id = ? AND EXISTS (SELECT 1 FROM upd) RETURNING 1)")
	args = append(args, 1+rand.IntN(generationShards))
	b.WriteString(", ins AS (INSERT INTO " + vt.name + " (parent_id, status, latest, autosave, created_at, updated_at, data) " +
		"SELECT upd.id, ?::text, true, ?::boolean, ?::timestamptz, ?::timestamptz, upd.data FROM upd, " + cleared + ", " + pruned + " RETURNING id)")
	args = append(args, v.Status, v.Autosave, r.timeArg(v.CreatedAt), r.timeArg(v.UpdatedAt))
	b.WriteString(" SELECT id FROM ins") // gen runs all the same: a data-modifying CTE always does
	return b.String(), args
}

// countVersion records, after a version insert, how many versions the
// parent has now (when LatestVersion counted them in this transaction).
func (r *Repo) countVersion(table string, parent int64, counted bool, count, keep int) {
	if !counted {
		return
	}
	if keep > 0 {
		count = min(count+1, keep)
	} else {
		count++
	}
	r.versions[table][parent] = count
}

// update is Update with the document already encoded.
func (r *Repo) update(ctx context.Context, c *content.Collection, t *table, rec content.Record, data string) (content.Record, error) {
	names, vals := r.columnValues(t, rec)
	names = append(names, "updated_at", "data")
	vals = append(vals, r.timeArg(rec.UpdatedAt), data)
	sets := make([]string, len(names))
	for i, n := range names {
		sets[i] = n + " = ?"
	}
	vals = append(vals, rec.ID)
	r.forgetLocked(t.name, rec.ID)
	res := r.g.WithContext(ctx).Exec("UPDATE "+t.name+" SET "+strings.Join(sets, ", ")+" WHERE id = ?", vals...)
	if res.Error != nil {
		return rec, uniqueFor(c, t, classify(fmt.Errorf("update %s: %w", t.name, res.Error)))
	}
	if res.RowsAffected == 0 {
		return rec, content.ErrNotFound
	}
	return rec, r.written(ctx)
}

// createVersion is CreateVersion with the version's data already encoded.
func (r *Repo) createVersion(ctx context.Context, c *content.Collection, v content.Version, keep int, data string) (content.Version, error) {
	t, err := versionsTableFor(c)
	if err != nil {
		return v, err
	}
	parent, err := tableFor(c)
	if err != nil {
		return v, err
	}
	count, counted := r.versions[t.name][v.Parent]
	steps := func(tx *gorm.DB) error {
		// Saves of one document queue on its row: without the lock two
		// concurrent saves each clear the old latest flag and each insert
		// a new one. The unique index <table>_versions_one_latest (derived
		// for every versions table) backs this up. A row Lock locked
		// earlier in this transaction is still locked.
		if r.db.dialect == Postgres && !r.locked[parent.name][v.Parent] {
			if err := tx.Exec("SELECT 1 FROM "+parent.name+" WHERE id = ? FOR UPDATE", v.Parent).Error; err != nil {
				return err
			}
		}
		if err := r.insertLatest(tx, t, &v, data); err != nil {
			return err
		}
		if keep > 0 && (!counted || count+1 > keep) {
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
		delete(r.versions[t.name], v.Parent)
		return v, classify(fmt.Errorf("create version: %w", err))
	}
	r.countVersion(t.name, v.Parent, counted, count, keep)
	v.Latest = true
	return v, nil
}
