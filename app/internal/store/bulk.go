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
// one content-generation bump. It returns the new ids in the order of
// recs. For loaders (the benchmark's seeding), not the API: it runs no
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
	ids := make([]int64, 0, len(recs))
	err = db.gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for chunk := range slices.Chunk(recs, bulkRows) {
			vals := make([]any, 0, len(chunk)*len(names))
			for _, rec := range chunk {
				for _, p := range paths {
					if p == "_status" {
						vals = append(vals, rec.Status)
					} else {
						vals = append(vals, r.promote(rec.Data[p], t.cols[p].kind))
					}
				}
				data, err := encodeData(rec.Data)
				if err != nil {
					return err
				}
				vals = append(vals, r.timeArg(rec.CreatedAt), r.timeArg(rec.UpdatedAt), data)
			}
			got, err := insertReturningIDs(tx, t.name, names, len(chunk), vals)
			if err != nil {
				return err
			}
			ids = append(ids, got...)
		}
		if c.Drafts {
			if err := db.bulkVersions(tx, r, c, recs, ids); err != nil {
				return err
			}
		}
		return (&Repo{db: db, g: tx, rd: tx}).bump(ctx)
	})
	if err != nil {
		return nil, classify(fmt.Errorf("bulk create %s: %w", c.Slug, err))
	}
	return ids, nil
}

// bulkVersions writes each new record's first version, as CreateVersion
// does for a document without versions (nothing to unmark or prune).
func (db *DB) bulkVersions(tx *gorm.DB, r *Repo, c *content.Collection, recs []content.Record, ids []int64) error {
	vt, err := versionsTableFor(c)
	if err != nil {
		return err
	}
	names := []string{"parent_id", "status", "latest", "created_at", "updated_at", "data"}
	for start := 0; start < len(recs); start += bulkRows {
		end := min(start+bulkRows, len(recs))
		vals := make([]any, 0, (end-start)*len(names))
		for i := start; i < end; i++ {
			data, err := encodeData(recs[i].Data)
			if err != nil {
				return err
			}
			vals = append(vals, ids[i], recs[i].Status, r.boolArg(true), r.timeArg(recs[i].CreatedAt), r.timeArg(recs[i].UpdatedAt), data)
		}
		if _, err := insertReturningIDs(tx, vt.name, names, end-start, vals); err != nil {
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
