// Package fault is the app's one error vocabulary: every error a client may
// see has a Kind (what went wrong, in terms a UI can act on) and a public
// message written for the client. Domain packages declare their errors with
// New; the REST API maps a Kind to a status and Payload's envelope in one
// function, the admin to a page or flash message in one function, and
// neither ever reads err.Error(), which stays free for the log.
//
// It imports only the standard library, so every package may use it.
package fault

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

// The kinds. Internal is the zero value: an error without a Kind is a bug
// or a failure the client cannot fix, shown as a generic message.
const (
	Internal     Kind = iota
	NotFound          // the thing does not exist or is hidden from the caller
	Forbidden         // the caller may not do this
	Unauthorized      // credentials are missing, wrong or expired
	Invalid           // the input is wrong; Fields says where, when known
	Conflict          // the input clashes with stored state (a taken email)
	TooLarge          // a body or file is over its limit
	Unavailable       // a dependency is down; retry later
	RateLimited       // too many attempts; retry later
	Unsupported       // this deployment cannot do it (presign on local disk)
)

var kindNames = [...]string{"internal", "not found", "forbidden", "unauthorized", "invalid", "conflict",
	"too large", "unavailable", "rate limited", "unsupported"}

// Kinds lists every Kind, for tests that cover them all.
func Kinds() []Kind {
	out := make([]Kind, len(kindNames))
	for i := range out {
		out[i] = Kind(i)
	}
	return out
}

// String names the kind.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindNames[k]
}

// FieldError is one invalid input field: its document path ("email",
// "layout.0.title") and a message for the client.
type FieldError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Error is an error with a kind and a public message. The public message of
// an Internal or Unavailable error is never shown: clients get a generic
// sentence for those, and the message serves the log.
type Error struct {
	Kind Kind
	// Public is the message shown to clients, a full sentence.
	Public string
	// Fields are per-field problems of an Invalid or Conflict error.
	Fields []FieldError
	// Err is what this error wraps: the sentinel it refines, the cause, or
	// both (errors.Join); nil for a sentinel.
	Err error
}

// New declares a sentinel error of kind with its public message.
func New(kind Kind, public string) *Error { return &Error{Kind: kind, Public: public} }

// Error returns the public message, then the wrapped error's text.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Public
	}
	return e.Public + " (" + e.Err.Error() + ")"
}

// Unwrap returns the wrapped errors.
func (e *Error) Unwrap() error { return e.Err }

// Detail returns an error of e's kind whose public message is e's with
// detail added ("File type not allowed: image/svg+xml."); errors.Is still
// finds e. detail must be fit for clients.
func (e *Error) Detail(format string, args ...any) *Error {
	msg := strings.TrimSuffix(e.Public, ".") + ": " + fmt.Sprintf(format, args...)
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return e.Say(msg)
}

// Say returns an error of e's kind with another public message, for a
// sentence that names the details itself; errors.Is still finds e.
func (e *Error) Say(public string) *Error {
	return &Error{Kind: e.Kind, Public: public, Fields: e.Fields, Err: e}
}

// Wrap returns e with cause attached for the log: errors.Is finds both e
// and cause, and clients see only e's public message.
func (e *Error) Wrap(cause error) *Error {
	if cause == nil {
		return e
	}
	return &Error{Kind: e.Kind, Public: e.Public, Fields: e.Fields, Err: errors.Join(e, cause)}
}

// WithFields returns e with field errors.
func (e *Error) WithFields(fields ...FieldError) *Error {
	return &Error{Kind: e.Kind, Public: e.Public, Fields: fields, Err: e}
}

// Of returns the outermost *Error in err's chain, or nil.
func Of(err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	return nil
}

// KindOf returns err's kind: that of the outermost *Error in its chain,
// or Internal.
func KindOf(err error) Kind {
	if fe := Of(err); fe != nil {
		return fe.Kind
	}
	return Internal
}
