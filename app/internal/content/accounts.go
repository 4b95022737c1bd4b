package content

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/automatonic/chronos/app/internal/query"
)

// ErrAccountsExist refuses a first registration (NewAccount.First) once
// an account exists.
var ErrAccountsExist = fault.New(fault.Forbidden, "You are not allowed to perform this action.")

// msgEmailTaken is Payload's message for an auth collection's email in use.
const msgEmailTaken = "A user with the given email is already registered."

// Credentials are the secret columns of an auth collection's row (the
// password hash), stored with a new account in the same transaction as
// its document. Content writes them and never reads them: the auth
// service owns them (and sessions, API keys, reset tokens, lockout).
type Credentials struct {
	Hash string // argon2id PHC string or Payload PBKDF2 hash
	Salt string // Payload's hex salt; "" for argon2id
}

// LogValue keeps the hash out of logs.
func (Credentials) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// NewAccount is a document of the auth collection to create with its
// credentials.
type NewAccount struct {
	// Input holds the profile fields (email, name, roles, …), checked by
	// the collection's definition like any document's.
	Input       map[string]any
	Credentials Credentials
	// Errors are the caller's own findings on the same request (the
	// password policy): reported with the definition's, and nothing is
	// stored.
	Errors []FieldError
	// First refuses with ErrAccountsExist when any account exists,
	// atomically with the insert (the first registration).
	First bool
}

// CreateAccount creates a document of the auth collection and stores its
// credentials, in one transaction. It is the auth service's write path:
// auth decides who may create an account (an admin, the first
// registration, the CLI) and hashes the password before calling; content
// validates the profile by the definition and shapes the answer for actor.
func (s *Service) CreateAccount(ctx context.Context, actor *Actor, a NewAccount, opts WriteOptions) (WriteResult, error) {
	c, ok := s.reg.AuthCollection()
	if !ok {
		return WriteResult{}, fmt.Errorf("%w: no auth collection", ErrNotSupported)
	}
	rec, err := s.prepare(ctx, c, a.Input, nil, opts)
	if err = withFieldErrors(c, 0, err, a.Errors); err != nil {
		return WriteResult{}, err
	}
	err = s.store.InTx(ctx, func(tx Store) error {
		if a.First {
			if err := firstAccount(ctx, tx, c); err != nil {
				return err
			}
		}
		var err error
		if rec, err = tx.Create(ctx, c, rec); err != nil {
			return err
		}
		return tx.SetCredentials(ctx, c, rec.ID, a.Credentials)
	})
	if errors.Is(err, ErrAccountsExist) {
		return WriteResult{}, err
	}
	if err != nil {
		return WriteResult{}, s.writeError(c, 0, err)
	}
	s.written(c)
	docs, err := s.docs(ctx, actor, c, []Record{rec}, opts.ReadOptions)
	if err != nil {
		return WriteResult{}, err
	}
	return WriteResult{Doc: docs[0], Message: c.Singular + " successfully created."}, nil
}

// AccountChange is a change of a document of the auth collection: profile
// fields and, optionally, new credentials.
type AccountChange struct {
	// Input holds the profile fields to change, checked by the
	// collection's definition like any update's.
	Input map[string]any
	// Credentials, when set, replace the stored ones in the same
	// transaction (a new password).
	Credentials *Credentials
	// Errors are the caller's own findings on the same request (the
	// password policy, the current password): reported with the
	// definition's, and nothing is stored.
	Errors []FieldError
}

// UpdateAccount changes a document of the auth collection, and its
// credentials when given, in one transaction: the auth service's update
// path. Access is the collection's update rule (auth decides beforehand
// who may change roles or credentials); the profile is validated by the
// definition; the collection's Guard (someone stays admin) runs in the
// transaction.
func (s *Service) UpdateAccount(ctx context.Context, actor *Actor, id int64, ch AccountChange, opts WriteOptions) (WriteResult, error) {
	c, uf, err := s.account(actor, func(c *Collection) Rule { return c.Access.Update(actor) })
	if err != nil {
		return WriteResult{}, err
	}
	var res WriteResult
	err = s.inTx(ctx, func(tx *Service) error {
		rec, err := tx.lockGuarded(ctx, c, id, uf)
		if err != nil {
			return err
		}
		p, err := tx.planUpdate(ctx, c, rec, ch.Input, nil, opts)
		if err = withFieldErrors(c, id, err, ch.Errors); err != nil {
			return err
		}
		if res, err = tx.commitUpdate(ctx, actor, c, rec, p, opts); err != nil {
			return err
		}
		if ch.Credentials != nil {
			if err := tx.store.SetCredentials(ctx, c, id, *ch.Credentials); err != nil {
				return s.writeError(c, id, err)
			}
		}
		after := rec
		after.Data = p.data
		return tx.guard(ctx, c, toDoc(c, rec), toDoc(c, after))
	})
	if err != nil {
		return WriteResult{}, err
	}
	return res, nil
}

// DeleteAccount deletes a document of the auth collection (the store
// deletes its credentials, sessions, API keys, reset tokens and
// preferences with it) under the collection's delete access, with the
// collection's Guard in the transaction. The answer is the document as it
// was.
func (s *Service) DeleteAccount(ctx context.Context, actor *Actor, id int64, opts ReadOptions) (WriteResult, error) {
	c, df, err := s.account(actor, func(c *Collection) Rule { return c.Access.Delete(actor) })
	if err != nil {
		return WriteResult{}, err
	}
	var (
		res WriteResult
		rec Record
	)
	err = s.inTx(ctx, func(tx *Service) error {
		if rec, err = tx.lockGuarded(ctx, c, id, df); err != nil {
			return err
		}
		docs, err := tx.docs(ctx, actor, c, []Record{rec}, opts)
		if err != nil {
			return err
		}
		res = WriteResult{Doc: docs[0], Message: "Deleted successfully."}
		if err := tx.deleteRows(ctx, tx.store, c, id); err != nil {
			return s.writeError(c, id, err)
		}
		return tx.guard(ctx, c, toDoc(c, rec), nil)
	})
	if err != nil {
		return WriteResult{}, err
	}
	s.deleted(ctx, c, rec)
	return res, nil
}

// account returns the auth collection and the filter of its rule for
// actor (ErrForbidden when the rule denies).
func (s *Service) account(actor *Actor, rule func(c *Collection) Rule) (*Collection, Filter, error) {
	c, ok := s.reg.AuthCollection()
	if !ok {
		return nil, Filter{}, fmt.Errorf("%w: no auth collection", ErrNotSupported)
	}
	f, err := s.accessFilter(c, rule(c), actor)
	return c, f, err
}

// lockGuarded locks document id of c (if it matches f) for a write; when
// a Guard watches c, the whole table first, so guarded writes run one
// after another and each guard sees the ones before it committed.
func (s *Service) lockGuarded(ctx context.Context, c *Collection, id int64, f Filter) (Record, error) {
	if s.behaviors[c.Slug].Guard != nil {
		if err := s.store.LockTable(ctx, c); err != nil {
			return Record{}, err
		}
	}
	return s.store.Lock(ctx, c, id, f)
}

// guard runs c's Guard, if any, on a write in the current transaction.
func (s *Service) guard(ctx context.Context, c *Collection, before, after Doc) error {
	g := s.behaviors[c.Slug].Guard
	if g == nil {
		return nil
	}
	count := func(ctx context.Context, w query.Where) (int64, error) {
		f, err := s.reg.CompileWhere(c, w, nil)
		if err != nil {
			return 0, err
		}
		return s.store.Count(ctx, c, f)
	}
	return g(ctx, Change{Before: before, After: after, Count: count})
}

// firstAccount keeps other writers of the auth collection waiting and
// refuses when an account exists already.
func firstAccount(ctx context.Context, tx Store, c *Collection) error {
	if err := tx.LockTable(ctx, c); err != nil {
		return err
	}
	n, err := tx.Count(ctx, c, Filter{})
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrAccountsExist
	}
	return nil
}

// withFieldErrors adds extra field errors to a validation result of
// document id (0 for a new one): each after the errors of the fields
// before it in c's order (a password's after the email's), unknown paths
// last.
func withFieldErrors(c *Collection, id int64, err error, extra []FieldError) error {
	if len(extra) == 0 {
		return err
	}
	var ve *ValidationError
	switch {
	case err == nil:
		ve = &ValidationError{Collection: c.Slug, ID: id}
	case !errors.As(err, &ve):
		return err
	}
	all := append(slices.Clone(ve.Errors), extra...)
	order := func(e FieldError) int {
		for i, f := range c.Fields {
			if f.Name == e.Path {
				return i
			}
		}
		return len(c.Fields)
	}
	slices.SortStableFunc(all, func(a, b FieldError) int { return order(a) - order(b) })
	return &ValidationError{Collection: c.Slug, Global: ve.Global, ID: ve.ID, Errors: all}
}
