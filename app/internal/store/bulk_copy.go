package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyCreate is BulkCreate on PostgreSQL: the ids are drawn from the
// table's sequence (what the column default would draw), then the rows
// go in with COPY and their first versions are copied from them, in one
// transaction on one pgx connection of the pool, with one generation bump.
func (db *DB) copyCreate(ctx context.Context, c *content.Collection, t *table, names []string, rows [][]any) ([]int64, error) {
	sqlDB, err := db.gdb.DB()
	if err != nil {
		return nil, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var ids []int64
	err = conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("driver connection is a %T, not pgx", dc)
		}
		return pgx.BeginFunc(ctx, sc.Conn(), func(tx pgx.Tx) error {
			ids, err = copyRows(ctx, tx, c, t, names, rows)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

func copyRows(ctx context.Context, tx pgx.Tx, c *content.Collection, t *table, names []string, rows [][]any) ([]int64, error) {
	got, err := tx.Query(ctx, "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)", t.name, len(rows))
	if err != nil {
		return nil, fmt.Errorf("draw ids: %w", err)
	}
	ids, err := pgx.CollectRows(got, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("draw ids: %w", err)
	}
	slices.Sort(ids)
	withIDs := make([][]any, len(rows))
	for i, row := range rows {
		withIDs[i] = append([]any{ids[i]}, row...)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, append([]string{"id"}, names...), pgx.CopyFromRows(withIDs)); err != nil {
		return nil, fmt.Errorf("copy %s: %w", t.name, err)
	}
	if c.Drafts {
		vt, err := versionsTableFor(c)
		if err != nil {
			return nil, err
		}
		// The first versions are copied from the rows by the server: the
		// documents are neither sent, parsed nor compressed twice.
		q := "INSERT INTO " + vt.name + " (" + strings.Join(versionNames, ", ") + ") SELECT id, status, true, created_at, updated_at, data FROM " +
			t.name + " WHERE id = ANY($1) ORDER BY id"
		if _, err := tx.Exec(ctx, q, ids); err != nil {
			return nil, fmt.Errorf("copy %s: %w", vt.name, err)
		}
	}
	if _, err := tx.Exec(ctx, "UPDATE content_generation SET n = n + 1 WHERE id = $1", 1+rand.IntN(generationShards)); err != nil {
		return nil, fmt.Errorf("bump generation: %w", err)
	}
	return ids, nil
}
