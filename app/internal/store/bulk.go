package store

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/automatonic/chronos/app/internal/content"
	"gorm.io/gorm"
)

// bulkRows bounds the rows of one multi-row INSERT: below both dialects'
// bind-parameter limits for the widest table, and large enough that the
// round trips stop mattering.
const bulkRows = 500

// BulkCreate stores records of c prepared by content.Service.Prepare in
// one transaction with multi-row INSERTs: the same rows Create would write
// one by one (with drafts, each record's first version too, latest), and
// one content-generation bump (on PostgreSQL with COPY, the versions
// copied from the rows by the server). It returns the new ids in the order
// of recs. For loaders (the benchmark's seeding), not the API: it runs no
// hooks and emits no events.
func (db *DB) BulkCreate(ctx context.Context, c *content.Collection, recs []content.Record) ([]int64, error) {
	t, err := tableFor(c)
	if err != nil {
		return nil, err
	}
	r := db.Content()
	var paths []string
	for _, p := range slices.Sorted(maps.Keys(t.cols)) {
		if _, sys := systemCols[p]; !sys {
			paths = append(paths, p)
		}
	}
	names := make([]string, 0, len(paths)+3)
	for _, p := range paths {
		names = append(names, t.cols[p].name)
	}
	names = append(names, "created_at", "updated_at", "data")
	// Each document is encoded once: its row and its first version hold
	// the same JSON.
	rows := make([][]any, len(recs))
	for i, rec := range recs {
		row := make([]any, 0, len(names))
		for _, p := range paths {
			if p == "_status" {
				row = append(row, rec.Status)
			} else {
				row = append(row, r.promote(rec.Data[p], t.cols[p].kind))
			}
		}
		data, err := encodeData(rec.Data)
		if err != nil {
			return nil, err
		}
		rows[i] = append(row, r.timeArg(rec.CreatedAt), r.timeArg(rec.UpdatedAt), data)
	}
	var ids []int64
	if db.dialect == Postgres {
		ids, err = db.copyCreate(ctx, c, t, names, rows)
	} else {
		ids, err = db.insertCreate(ctx, c, t, names, recs, rows)
	}
	if err != nil {
		return nil, classify(fmt.Errorf("bulk create %s: %w", c.Slug, err))
	}
	return ids, nil
}

// insertCreate is BulkCreate with multi-row INSERTs (SQLite).
func (db *DB) insertCreate(ctx context.Context, c *content.Collection, t *table, names []string, recs []content.Record, rows [][]any) ([]int64, error) {
	r := db.Content()
	ids := make([]int64, 0, len(rows))
	err := db.gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for chunk := range slices.Chunk(rows, bulkRows) {
			vals := make([]any, 0, len(chunk)*len(names))
			for _, row := range chunk {
				vals = append(vals, row...)
			}
			got, err := insertReturningIDs(tx, t.name, names, len(chunk), vals)
			if err != nil {
				return err
			}
			ids = append(ids, got...)
		}
		if c.Drafts {
			if err := db.bulkVersions(tx, r, c, versionRows(r, recs, rows, ids)); err != nil {
				return err
			}
		}
		return (&Repo{db: db, g: tx, rd: tx}).bump(ctx)
	})
	return ids, err
}

// versionRows are the first versions (versionNames) of recs, stored as
// rows (the times and the encoded data at the end of each, as BulkCreate
// builds them) with ids.
func versionRows(r *Repo, recs []content.Record, rows [][]any, ids []int64) [][]any {
	out := make([][]any, len(rows))
	for i, row := range rows {
		n := len(row)
		out[i] = []any{ids[i], recs[i].Status, r.boolArg(true), row[n-3], row[n-2], row[n-1]}
	}
	return out
}

// versionNames are the columns versionRows fills.
var versionNames = []string{"parent_id", "status", "latest", "created_at", "updated_at", "data"}

// bulkVersions writes each new record's first version, as CreateVersion
// does for a document without versions (nothing to unmark or prune).
func (db *DB) bulkVersions(tx *gorm.DB, r *Repo, c *content.Collection, rows [][]any) error {
	vt, err := versionsTableFor(c)
	if err != nil {
		return err
	}
	for chunk := range slices.Chunk(rows, bulkRows) {
		vals := make([]any, 0, len(chunk)*len(versionNames))
		for _, row := range chunk {
			vals = append(vals, row...)
		}
		if _, err := insertReturningIDs(tx, vt.name, versionNames, len(chunk), vals); err != nil {
			return err
		}
	}
	return nil
}

// insertReturningIDs inserts n rows in one statement and returns their ids
// in the order of the rows. Both dialects number the rows of one INSERT …
// VALUES in the order of the list (a sequence / the rowid, one row after
// the other), so the ids sorted ascending line up with the rows whatever
// order RETURNING yields them in.
func insertReturningIDs(tx *gorm.DB, table string, names []string, n int, vals []any) ([]int64, error) {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + ")"
	q := "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + " RETURNING id"
	var ids []int64
	if err := tx.Raw(q, vals...).Scan(&ids).Error; err != nil {
		return nil, fmt.Errorf("insert %s: %w", table, err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("insert %s: %d ids for %d rows", table, len(ids), n)
	}
	slices.Sort(ids)
	return ids, nil
}
