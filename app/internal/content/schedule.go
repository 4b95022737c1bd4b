package content

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"
)

// Scheduled actions.
const (
	ActionPublish   = "publish"
	ActionUnpublish = "unpublish"
)

// Job is a scheduled publish or unpublish of a document.
type Job struct {
	ID         int64
	Collection string
	DocID      int64
	Action     string
	RunAt      time.Time
	CreatedAt  time.Time
	DoneAt     time.Time // zero while pending
	Error      string    // why a run failed (the job is not retried)
}

// JobStore persists scheduled jobs.
type JobStore interface {
	CreateJob(ctx context.Context, j Job) (Job, error)
	ListJobs(ctx context.Context, collection string, docID int64) ([]Job, error)
	DeleteJob(ctx context.Context, collection string, docID, id int64) error
	// RunDueJob claims one pending job due at now — locking its row and
	// skipping rows other processes hold, so each job runs once across
	// processes — runs fn with a Store bound to the same transaction, and
	// marks the job done (with fn's error text if it failed). It reports
	// whether a job was claimed.
	RunDueJob(ctx context.Context, now time.Time, fn func(ctx context.Context, tx Store, j Job) error) (bool, error)
}

// systemActor runs scheduled jobs.
var systemActor = &Actor{ID: 0, Email: "scheduler", Roles: []string{RoleAdmin}}

// Schedule plans a publish or unpublish of a drafts-enabled document.
func (s *Service) Schedule(ctx context.Context, actor *Actor, slug string, id int64, action string, at time.Time) (Job, error) {
	c, err := s.collection(slug)
	if err != nil {
		return Job{}, err
	}
	if !c.Drafts {
		return Job{}, fmt.Errorf("%w: %s has no drafts", ErrNotSupported, slug)
	}
	uf, err := s.accessFilter(c, c.Access.Update(actor), actor)
	if err != nil {
		return Job{}, err
	}
	if _, err := s.load(ctx, c, id, uf); err != nil {
		return Job{}, err
	}
	var errs []FieldError
	if action != ActionPublish && action != ActionUnpublish {
		errs = append(errs, FieldError{Path: "action", Label: "Action", Message: "This field must be publish or unpublish."})
	}
	if at.IsZero() {
		errs = append(errs, FieldError{Path: "at", Label: "At", Message: "This field is required."})
	}
	if len(errs) > 0 {
		return Job{}, &ValidationError{Collection: slug, ID: id, Errors: errs}
	}
	jobs, ok := s.store.(JobStore)
	if !ok {
		return Job{}, ErrNotSupported
	}
	return jobs.CreateJob(ctx, Job{Collection: slug, DocID: id, Action: action, RunAt: at.UTC(), CreatedAt: s.now().UTC()})
}

// Jobs lists a document's scheduled jobs.
func (s *Service) Jobs(ctx context.Context, actor *Actor, slug string, id int64) ([]Job, error) {
	c, err := s.collection(slug)
	if err != nil {
		return nil, err
	}
	uf, err := s.accessFilter(c, c.Access.Update(actor), actor)
	if err != nil {
		return nil, err
	}
	if _, err := s.load(ctx, c, id, uf); err != nil {
		return nil, err
	}
	jobs, ok := s.store.(JobStore)
	if !ok {
		return nil, ErrNotSupported
	}
	return jobs.ListJobs(ctx, slug, id)
}

// CancelJob removes a pending job.
func (s *Service) CancelJob(ctx context.Context, actor *Actor, slug string, id, jobID int64) error {
	if _, err := s.Jobs(ctx, actor, slug, id); err != nil {
		return err
	}
	return s.store.(JobStore).DeleteJob(ctx, slug, id, jobID)
}

// RunDue runs every job due now and returns how many ran. Several
// processes may call it at once: each job runs exactly once.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	jobs, ok := s.store.(JobStore)
	if !ok {
		return 0, nil
	}
	n := 0
	for n < 1000 {
		ran, err := jobs.RunDueJob(ctx, s.now(), s.runJob)
		if err != nil {
			return n, err
		}
		if !ran {
			break
		}
		n++
	}
	return n, nil
}

func (s *Service) runJob(ctx context.Context, tx Store, j Job) error {
	c, err := s.collection(j.Collection)
	if err != nil {
		return err
	}
	bound := *s
	bound.store = tx
	rec, err := tx.Lock(ctx, c, j.DocID, Filter{})
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("document %d no longer exists", j.DocID)
	} else if err != nil {
		return err
	}
	var input map[string]any
	switch j.Action {
	case ActionPublish:
		base := rec.Data
		if v, err := tx.LatestVersion(ctx, c, rec.ID); err == nil {
			base = v.Data
		}
		input = maps.Clone(base)
		input["_status"] = StatusPublished
	case ActionUnpublish:
		input = map[string]any{"_status": StatusDraft}
	default:
		return fmt.Errorf("unknown action %q", j.Action)
	}
	_, err = bound.update(ctx, systemActor, c, rec, input, nil, WriteOptions{})
	if err == nil {
		s.log.Info("scheduled job ran", "collection", j.Collection, "id", j.DocID, "action", j.Action, "job", j.ID)
	}
	return err
}
