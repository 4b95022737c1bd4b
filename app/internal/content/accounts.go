package content

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/automatonic/chronos/app/internal/fault"
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
	if err = withFieldErrors(c, err, a.Errors); err != nil {
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

// withFieldErrors adds extra field errors to a validation result: each
// after the errors of the fields before it in c's order (a password's
// after the email's), unknown paths last.
func withFieldErrors(c *Collection, err error, extra []FieldError) error {
	if len(extra) == 0 {
		return err
	}
	var ve *ValidationError
	switch {
	case err == nil:
		ve = &ValidationError{Collection: c.Slug}
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
