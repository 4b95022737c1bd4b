package content

import (
	"context"
	"time"
)

// Document locks, as Payload's admin holds them by default (lockDocuments,
// its payload-locked-documents collection): the editor who opens a
// document holds it while editing, another editor sees who does and may
// take over explicitly, and saves by anyone but the holder are refused.
// Locks are an admin concern here: they are not a collection and the REST
// API neither shows nor enforces them (see README).

// LockDuration is how long a lock holds without being renewed (Payload's
// default lockDocuments.duration, 300 s).
const LockDuration = 5 * time.Minute

// DocLock is an editor's hold on a document.
type DocLock struct {
	Collection string
	DocID      int64
	UserID     int64
	UserLabel  string // who holds it, as shown to others (their email)
	UpdatedAt  time.Time
}

// LockStore persists document locks.
type LockStore interface {
	// ClaimLock gives l's document to l.UserID when it is free, already
	// theirs, last renewed before stale, or force is set, and returns the
	// lock as it stands afterwards (another user's when not given).
	ClaimLock(ctx context.Context, l DocLock, stale time.Time, force bool) (DocLock, error)
	// ReleaseLock drops the document's lock if userID holds it.
	ReleaseLock(ctx context.Context, collection string, docID, userID int64) error
}

// ClaimLock claims (or renews) the actor's lock on a document they may
// update; force takes it over from another editor. The returned lock is
// the holder's: compare its UserID with the actor's.
func (s *Service) ClaimLock(ctx context.Context, actor *Actor, slug string, id int64, force bool) (DocLock, error) {
	c, err := s.collection(slug)
	if err != nil {
		return DocLock{}, err
	}
	if !actor.SignedIn() {
		return DocLock{}, ErrForbidden
	}
	uf, err := s.accessFilter(c, c.Access.Update(actor), actor)
	if err != nil {
		return DocLock{}, err
	}
	if _, err := s.load(ctx, c, id, uf); err != nil {
		return DocLock{}, err
	}
	locks, ok := s.store.(LockStore)
	if !ok {
		return DocLock{}, ErrNotSupported
	}
	now := s.now().UTC()
	return locks.ClaimLock(ctx, DocLock{Collection: c.Slug, DocID: id, UserID: actor.ID, UserLabel: actor.Email, UpdatedAt: now},
		now.Add(-LockDuration), force)
}

// ReleaseLock drops the actor's lock on a document, if they hold it.
func (s *Service) ReleaseLock(ctx context.Context, actor *Actor, slug string, id int64) error {
	if !actor.SignedIn() {
		return ErrForbidden
	}
	locks, ok := s.store.(LockStore)
	if !ok {
		return ErrNotSupported
	}
	return locks.ReleaseLock(ctx, slug, id, actor.ID)
}
