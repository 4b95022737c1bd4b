package store

import (
	"context"
	"fmt"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
	"gorm.io/gorm"
)

// ClaimLock implements content.LockStore: one upsert whose conflict branch
// only overwrites a lock that is the claimant's, stale, or forced, so two
// editors claiming at once cannot both win.
func (r *Repo) ClaimLock(ctx context.Context, l content.DocLock, stale time.Time, force bool) (content.DocLock, error) {
	q := "INSERT INTO document_locks (entity, doc_id, user_id, user_label, updated_at) VALUES (?, ?, ?, ?, ?) " +
		"ON CONFLICT (entity, doc_id) DO UPDATE SET user_id = excluded.user_id, user_label = excluded.user_label, updated_at = excluded.updated_at"
	args := []any{l.Collection, l.DocID, l.UserID, l.UserLabel, r.timeArg(l.UpdatedAt)}
	if !force {
		q += " WHERE document_locks.user_id = excluded.user_id OR document_locks.updated_at < ?"
		args = append(args, r.timeArg(stale))
	}
	var out content.DocLock
	err := r.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(q, args...).Error; err != nil {
			return err
		}
		var err error
		out, err = scanLock(tx.Raw("SELECT "+lockCols+" FROM document_locks WHERE entity = ? AND doc_id = ?", l.Collection, l.DocID).Row())
		return err
	})
	if err != nil {
		return content.DocLock{}, classify(fmt.Errorf("claim lock: %w", err))
	}
	return out, nil
}

// ReleaseLock implements content.LockStore.
func (r *Repo) ReleaseLock(ctx context.Context, collection string, docID, userID int64) error {
	err := r.g.WithContext(ctx).Exec("DELETE FROM document_locks WHERE entity = ? AND doc_id = ? AND user_id = ?", collection, docID, userID).Error
	if err != nil {
		return classify(fmt.Errorf("release lock: %w", err))
	}
	return nil
}

const lockCols = "entity, doc_id, user_id, user_label, updated_at"

func scanLock(sc interface{ Scan(...any) error }) (content.DocLock, error) {
	var l content.DocLock
	var updated any
	if err := sc.Scan(&l.Collection, &l.DocID, &l.UserID, &l.UserLabel, &updated); err != nil {
		return content.DocLock{}, err
	}
	var err error
	l.UpdatedAt, err = toTime(updated)
	return l, err
}

// LockOf implements content.LockStore.
func (r *Repo) LockOf(ctx context.Context, collection string, docID int64) (content.DocLock, error) {
	rows, err := r.g.WithContext(ctx).Raw("SELECT "+lockCols+" FROM document_locks WHERE entity = ? AND doc_id = ?", collection, docID).Rows()
	if err != nil {
		return content.DocLock{}, classify(fmt.Errorf("lock of %s %d: %w", collection, docID, err))
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return content.DocLock{}, classify(fmt.Errorf("lock of %s %d: %w", collection, docID, err))
		}
		return content.DocLock{}, content.ErrNotFound
	}
	l, err := scanLock(rows)
	if err != nil {
		return content.DocLock{}, classify(fmt.Errorf("lock of %s %d: %w", collection, docID, err))
	}
	return l, nil
}

// Locks implements content.LockStore.
func (r *Repo) Locks(ctx context.Context, fresh time.Time) ([]content.DocLock, error) {
	rows, err := r.g.WithContext(ctx).Raw("SELECT "+lockCols+" FROM document_locks WHERE updated_at >= ? ORDER BY updated_at DESC, entity, doc_id",
		r.timeArg(fresh)).Rows()
	if err != nil {
		return nil, classify(fmt.Errorf("list locks: %w", err))
	}
	defer rows.Close()
	out := []content.DocLock{}
	for rows.Next() {
		l, err := scanLock(rows)
		if err != nil {
			return nil, classify(fmt.Errorf("list locks: %w", err))
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(fmt.Errorf("list locks: %w", err))
	}
	return out, nil
}
