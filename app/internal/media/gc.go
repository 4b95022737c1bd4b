package media

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/objectstore"
)

// GCReport is what a garbage collection found and, with apply, did.
type GCReport struct {
	Applied bool
	// OrphanObjects are objects in the store without an index row, last
	// written more than the grace period ago.
	OrphanObjects []string
	// Recent counts objects without a row that are younger than the grace
	// period: uploads in flight (their rows come with their document's
	// write), or debris to collect on a later run. They are left alone.
	Recent int
	// StalePending are direct uploads' reservations (rows without a
	// document) older than PendingTTL; their objects go with them.
	StalePending []string
	// MissingOriginals are documents whose original object is gone.
	MissingOriginals []File
	// IncompleteCleaned counts aborted multipart uploads (apply only).
	IncompleteCleaned int
}

// Empty reports whether nothing was found.
func (r GCReport) Empty() bool {
	return len(r.OrphanObjects) == 0 && len(r.StalePending) == 0 && len(r.MissingOriginals) == 0 && r.IncompleteCleaned == 0
}

const gcBatch = 500

// GCOptions configure GC.
type GCOptions struct {
	// Apply deletes what was found; false is a dry run.
	Apply bool
	// IncompleteAge is the age beyond which unfinished multipart uploads
	// are aborted (default PendingTTL); keep it above the longest upload.
	IncompleteAge time.Duration
	// Grace is the age an object without an index row must reach to be
	// an orphan (default PendingTTL). An upload writes its objects before
	// the transaction that indexes them, so a younger object may belong
	// to an upload in flight; keep it above the longest upload.
	Grace time.Duration
}

// GC finds orphans in both directions: objects without a row, abandoned
// reservations, and documents whose original object is missing. With
// apply it deletes them (documents through content, so their remaining
// objects go too) and aborts multipart uploads older than o.IncompleteAge.
// Uploads in flight are safe: an object without a row is collected only
// once its last write is older than o.Grace (the store's LastModified),
// and reservations only after PendingTTL. An object is never collected
// while a row names it, so a name stays taken until then.
func (s *Service) GC(ctx context.Context, o GCOptions) (GCReport, error) {
	if o.IncompleteAge <= 0 {
		o.IncompleteAge = PendingTTL
	}
	if o.Grace <= 0 {
		o.Grace = PendingTTL
	}
	rep := GCReport{Applied: o.Apply}
	if err := s.findOrphans(ctx, &rep, s.now().Add(-o.Grace)); err != nil {
		return rep, err
	}
	pending, err := s.cfg.Files.Pending(ctx, s.now().Add(-PendingTTL))
	if err != nil {
		return rep, fmt.Errorf("media gc: pending names: %w", err)
	}
	for _, f := range pending {
		rep.StalePending = append(rep.StalePending, f.Filename)
	}
	if err := s.findMissingOriginals(ctx, &rep); err != nil {
		return rep, err
	}
	if !o.Apply {
		return rep, nil
	}
	if err := s.applyGC(ctx, &rep); err != nil {
		return rep, err
	}
	if j, ok := s.cfg.Blobs.(objectstore.Janitor); ok {
		n, err := j.CleanIncomplete(ctx, o.IncompleteAge)
		if err != nil {
			return rep, fmt.Errorf("media gc: clean incomplete uploads: %w", err)
		}
		rep.IncompleteCleaned = n
	}
	return rep, nil
}

// findOrphans lists every object and reports those no row names that
// were last written before cutoff (counting the younger ones), looking
// names up gcBatch at a time.
func (s *Service) findOrphans(ctx context.Context, rep *GCReport, cutoff time.Time) error {
	var batch []objectstore.Info
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		names := make([]string, len(batch))
		for i, in := range batch {
			names[i] = in.Key
		}
		known, err := s.cfg.Files.Known(ctx, names)
		if err != nil {
			return fmt.Errorf("media gc: look up names: %w", err)
		}
		for _, in := range batch {
			switch {
			case known[in.Key]:
			case in.LastModified.Before(cutoff):
				rep.OrphanObjects = append(rep.OrphanObjects, in.Key)
			default:
				rep.Recent++
			}
		}
		batch = batch[:0]
		return nil
	}
	err := s.cfg.Blobs.List(ctx, "", func(in objectstore.Info) error {
		batch = append(batch, in)
		if len(batch) >= gcBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("media gc: list objects: %w", err)
	}
	return nil
}

// findMissingOriginals reports the media rows whose original object is gone.
func (s *Service) findMissingOriginals(ctx context.Context, rep *GCReport) error {
	originals, err := s.cfg.Files.Originals(ctx)
	if err != nil {
		return fmt.Errorf("media gc: originals: %w", err)
	}
	for _, f := range originals {
		_, err := s.cfg.Blobs.Head(ctx, f.Filename)
		if errors.Is(err, objectstore.ErrNotFound) {
			rep.MissingOriginals = append(rep.MissingOriginals, f)
		} else if err != nil {
			return fmt.Errorf("media gc: head %s: %w", f.Filename, err)
		}
	}
	return nil
}

// applyGC deletes what the report found: orphan objects, abandoned uploads
// with their names, and the documents of missing originals.
func (s *Service) applyGC(ctx context.Context, rep *GCReport) error {
	for i := 0; i < len(rep.OrphanObjects); i += gcBatch {
		if err := s.cfg.Blobs.Delete(ctx, rep.OrphanObjects[i:min(i+gcBatch, len(rep.OrphanObjects))]...); err != nil {
			return fmt.Errorf("media gc: delete orphans: %w", err)
		}
	}
	for i := 0; i < len(rep.StalePending); i += gcBatch {
		names := rep.StalePending[i:min(i+gcBatch, len(rep.StalePending))]
		if err := s.cfg.Blobs.Delete(ctx, names...); err != nil {
			return fmt.Errorf("media gc: delete abandoned uploads: %w", err)
		}
		if err := s.cfg.Files.Release(ctx, names...); err != nil {
			return fmt.Errorf("media gc: release abandoned names: %w", err)
		}
	}
	system := &content.Actor{Roles: []string{content.RoleAdmin}}
	for _, f := range rep.MissingOriginals {
		if _, err := s.cfg.Content.Delete(ctx, system, s.slug(), f.MediaID, content.WriteOptions{}); err != nil && !errors.Is(err, content.ErrNotFound) {
			return fmt.Errorf("media gc: delete media %d: %w", f.MediaID, err)
		}
	}
	return nil
}
