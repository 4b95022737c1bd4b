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
		var updated any
		row := tx.Raw("SELECT entity, doc_id, user_id, user_label, updated_at FROM document_locks WHERE entity = ? AND doc_id = ?", l.Collection, l.DocID).Row()
		if err := row.Scan(&out.Collection, &out.DocID, &out.UserID, &out.UserLabel, &updated); err != nil {
			return err
		}
		var err error
		out.UpdatedAt, err = toTime(updated)
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
