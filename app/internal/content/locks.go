package content

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/automatonic/chronos/app/internal/fault"
)

// Document locks, as Payload 3 holds them (lockDocuments, on by default;
// its payload-locked-documents collection): the editor who opens a
// document or global holds it while editing, another editor sees who does
// and may take over explicitly. Writes check the lock in one place
// (checkLock, from every update and delete), as Payload's
// checkDocumentLockStatus does:
//   - a write with EnforceLock (Payload's overrideLock=false, the default
//     of its REST update and delete routes for collections) is refused with
//     ErrLocked (423) while another user holds a fresh lock;
//   - a write that goes through over another user's lock or a stale one
//     drops that lock (Payload deletes it); the writer's own lock stays,
//     so an editor keeps their hold across their own saves and autosaves
//     (Payload drops it too and its admin claims it again on the next
//     keystroke);
//   - internal writes (jobs, seeds) do not enforce, as Payload's Local API
//     defaults to overrideLock=true, and neither does Payload's REST update
//     of a global (its handler passes no overrideLock).
// Users (auth collections) are not locked: the auth service writes them.

// LockDuration is how long a lock holds without being renewed (Payload's
// default lockDocuments.duration, 300 s).
const LockDuration = 5 * time.Minute

// ErrLocked is a write refused because another user holds the document's
// lock (Payload's Locked error, HTTP 423).
var ErrLocked = fault.New(fault.Locked, "This document is currently locked by another user.")

// DocLock is an editor's hold on a document, or on a global (DocID 0).
type DocLock struct {
	Collection string // the collection's or global's slug
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
	// LockOf returns the document's lock, ErrNotFound when there is none.
	LockOf(ctx context.Context, collection string, docID int64) (DocLock, error)
	// Locks lists the locks renewed after fresh, newest first.
	Locks(ctx context.Context, fresh time.Time) ([]DocLock, error)
}

// lockable reports whether documents of c take locks.
func lockable(c *Collection) bool { return !c.Auth }

// lockDocID is the id a lock on document id of c is stored under: 0 for a
// global (Payload keys a global's lock by its slug alone).
func lockDocID(c *Collection, id int64) int64 {
	if c.Global {
		return 0
	}
	return id
}

// lockTarget finds the collection or global slug names and checks that
// actor may update it (a global need not have been saved yet).
func (s *Service) lockTarget(ctx context.Context, actor *Actor, slug string, id int64) (*Collection, error) {
	if !actor.SignedIn() {
		return nil, ErrForbidden
	}
	c, err := s.collection(slug)
	if err != nil {
		g, gerr := s.global(slug)
		if gerr != nil {
			return nil, err
		}
		if _, err := s.accessFilter(g, rule(g.Access.Update, actor), actor); err != nil {
			return nil, err
		}
		return g, nil
	}
	if !lockable(c) {
		return nil, ErrNotSupported
	}
	uf, err := s.accessFilter(c, c.Access.Update(actor), actor)
	if err != nil {
		return nil, err
	}
	if _, err := s.load(ctx, c, id, uf); err != nil {
		return nil, err
	}
	return c, nil
}

// ClaimLock claims (or renews) the actor's lock on a document or global
// (slug names either; id is ignored for a global) they may update; force
// takes it over from another editor. The returned lock is the holder's:
// compare its UserID with the actor's.
func (s *Service) ClaimLock(ctx context.Context, actor *Actor, slug string, id int64, force bool) (DocLock, error) {
	c, err := s.lockTarget(ctx, actor, slug, id)
	if err != nil {
		return DocLock{}, err
	}
	locks, ok := s.store.(LockStore)
	if !ok {
		return DocLock{}, ErrNotSupported
	}
	now := s.now().UTC()
	return locks.ClaimLock(ctx, DocLock{Collection: c.Slug, DocID: lockDocID(c, id), UserID: actor.ID, UserLabel: actor.Email, UpdatedAt: now},
		now.Add(-LockDuration), force)
}

// ReleaseLock drops the actor's lock on a document or global, if they hold it.
func (s *Service) ReleaseLock(ctx context.Context, actor *Actor, slug string, id int64) error {
	if !actor.SignedIn() {
		return ErrForbidden
	}
	locks, ok := s.store.(LockStore)
	if !ok {
		return ErrNotSupported
	}
	if g, ok := s.reg.Global(slug); ok {
		id = lockDocID(g, id)
	}
	return locks.ReleaseLock(ctx, slug, id, actor.ID)
}

// Locks lists the locks in force (GET /api/payload-locked-documents):
// signed-in callers only, as Payload's collection allows.
func (s *Service) Locks(ctx context.Context, actor *Actor) ([]DocLock, error) {
	if !actor.SignedIn() {
		return nil, ErrForbidden
	}
	locks, ok := s.store.(LockStore)
	if !ok {
		return []DocLock{}, nil
	}
	return locks.Locks(ctx, s.now().UTC().Add(-LockDuration))
}

// checkLock is the lock check of a write (update: verb "updated", delete:
// "deleted") of document id of c by actor, run in the write's
// transaction: with enforce, another user's fresh lock refuses it;
// otherwise a lock that is not the actor's is dropped.
func (s *Service) checkLock(ctx context.Context, actor *Actor, c *Collection, id int64, enforce bool, verb string) error {
	locks, ok := s.store.(LockStore)
	if !ok || !lockable(c) {
		return nil
	}
	l, err := locks.LockOf(ctx, c.Slug, lockDocID(c, id))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("lock of %s %d: %w", c.Slug, id, err)
	}
	if actor.SignedIn() && l.UserID == actor.ID {
		return nil
	}
	if enforce && s.now().UTC().Sub(l.UpdatedAt) <= LockDuration {
		return lockedError(c, id, verb)
	}
	if err := locks.ReleaseLock(ctx, l.Collection, l.DocID, l.UserID); err != nil {
		return fmt.Errorf("drop lock of %s %d: %w", c.Slug, id, err)
	}
	return nil
}

// lockedError is Payload's message for a write refused by a lock.
func lockedError(c *Collection, id int64, verb string) error {
	switch {
	case c.Global:
		return ErrLocked.Say(fmt.Sprintf("Global with slug %q is currently locked by another user and cannot be %s.", c.Slug, verb))
	case verb == "deleted":
		return ErrLocked.Say(fmt.Sprintf("Document with ID %d is currently locked and cannot be deleted.", id))
	}
	return ErrLocked.Say(fmt.Sprintf("Document with ID %d is currently locked by another user and cannot be %s.", id, verb))
}
