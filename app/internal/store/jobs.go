package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
	"gorm.io/gorm"
)

var _ content.JobStore = (*Repo)(nil)

const jobCols = "id, collection, doc_id, action, run_at, created_at, done_at, error"

func scanJobs(rows *sql.Rows) ([]content.Job, error) {
	defer rows.Close()
	var out []content.Job
	for rows.Next() {
		var j content.Job
		var runAt, created, done any
		if err := rows.Scan(&j.ID, &j.Collection, &j.DocID, &j.Action, &runAt, &created, &done, &j.Error); err != nil {
			return nil, fmt.Errorf("scan job: %w", err)
		}
		var err error
		if j.RunAt, err = toTime(runAt); err != nil {
			return nil, err
		}
		if j.CreatedAt, err = toTime(created); err != nil {
			return nil, err
		}
		if j.DoneAt, err = toTime(done); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, classify(rows.Err())
}

// CreateJob implements content.JobStore.
func (r *Repo) CreateJob(ctx context.Context, j content.Job) (content.Job, error) {
	err := r.g.WithContext(ctx).Raw("INSERT INTO scheduled_jobs (collection, doc_id, action, run_at, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
		j.Collection, j.DocID, j.Action, r.timeArg(j.RunAt), r.timeArg(j.CreatedAt)).Scan(&j.ID).Error
	return j, classify(err)
}

// ListJobs implements content.JobStore.
func (r *Repo) ListJobs(ctx context.Context, collection string, docID int64) ([]content.Job, error) {
	rows, err := r.g.WithContext(ctx).Raw("SELECT "+jobCols+" FROM scheduled_jobs WHERE collection = ? AND doc_id = ? ORDER BY run_at, id", collection, docID).Rows()
	if err != nil {
		return nil, classify(err)
	}
	return scanJobs(rows)
}

// DeleteJob implements content.JobStore (pending jobs only).
func (r *Repo) DeleteJob(ctx context.Context, collection string, docID, id int64) error {
	res := r.g.WithContext(ctx).Exec("DELETE FROM scheduled_jobs WHERE collection = ? AND doc_id = ? AND id = ? AND done_at IS NULL", collection, docID, id)
	if res.Error != nil {
		return classify(res.Error)
	}
	if res.RowsAffected == 0 {
		return content.ErrNotFound
	}
	return nil
}

// RunDueJob implements content.JobStore. On PostgreSQL the claim is
// SELECT … FOR UPDATE SKIP LOCKED inside the transaction that runs the job
// and marks it done, so concurrent schedulers never run a job twice. SQLite
// has a single connection, which serialises the same steps.
func (r *Repo) RunDueJob(ctx context.Context, now time.Time, fn func(ctx context.Context, tx content.Store, j content.Job) error) (bool, error) {
	ran := false
	err := r.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q := "SELECT " + jobCols + " FROM scheduled_jobs WHERE done_at IS NULL AND run_at <= ? ORDER BY run_at, id LIMIT 1"
		if r.db.dialect == Postgres {
			q += " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.Raw(q, r.timeArg(now)).Rows()
		if err != nil {
			return err
		}
		jobs, err := scanJobs(rows)
		if err != nil || len(jobs) == 0 {
			return err
		}
		j := jobs[0]
		ferr := tx.Transaction(func(inner *gorm.DB) error { return fn(ctx, &Repo{db: r.db, g: inner, rd: inner}, j) })
		msg := ""
		if ferr != nil {
			msg = ferr.Error()
			if len(msg) > 500 {
				msg = msg[:500]
			}
		}
		ran = true
		return tx.Exec("UPDATE scheduled_jobs SET done_at = ?, error = ? WHERE id = ?", r.timeArg(time.Now()), msg, j.ID).Error
	})
	return ran, classify(err)
}
