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
	"net/http"
	"strings"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

// The kinds. Internal is the zero value: an error without a Kind is a bug
// or a failure the client cannot fix, shown as a generic message.
const (
	Internal        Kind = iota
	NotFound             // the thing does not exist or is hidden from the caller
	Forbidden            // the caller may not do this
	Unauthorized         // credentials are missing, wrong or expired
	Invalid              // the input is wrong; Fields says where, when known
	Conflict             // the input clashes with stored state (a taken email)
	TooLarge             // a body or file is over its limit
	Unavailable          // a dependency is down; retry later
	RateLimited          // too many attempts; retry later
	Unsupported          // this deployment cannot do it (presign on local disk)
	UnsupportedType      // the body's Content-Type is not one the route reads
	Locked               // another user holds the document's edit lock (Payload's Locked)
)

// kindTable is the one table of what each kind means to a client: its
// HTTP status (the REST API answers it, the admin renders it as the page
// status) and, for the kinds whose own message stays private or may be
// empty, the generic sentence clients see instead. Payload's wording.
var kindTable = [...]struct {
	name    string
	status  int
	generic string
	private bool // the error's own message is for the log only
}{
	Internal:        {"internal", http.StatusInternalServerError, "Something went wrong.", true},
	NotFound:        {"not found", http.StatusNotFound, "Not Found", false},
	Forbidden:       {"forbidden", http.StatusForbidden, "You are not allowed to perform this action.", false},
	Unauthorized:    {"unauthorized", http.StatusUnauthorized, "Unauthorized, you must be logged in to make this request.", false},
	Invalid:         {"invalid", http.StatusBadRequest, "The input is not valid.", false},
	Conflict:        {"conflict", http.StatusConflict, "The request conflicts with the stored data.", false},
	TooLarge:        {"too large", http.StatusRequestEntityTooLarge, "The request body is too large.", false},
	Unavailable:     {"unavailable", http.StatusServiceUnavailable, "The service is temporarily unavailable. Please retry.", true},
	RateLimited:     {"rate limited", http.StatusTooManyRequests, "Too many attempts. Please wait and try again.", false},
	Unsupported:     {"unsupported", http.StatusNotImplemented, "This server cannot do that.", false},
	UnsupportedType: {"unsupported media type", http.StatusUnsupportedMediaType, "The request body is not in a format this route reads.", false},
	Locked:          {"locked", http.StatusLocked, "This document is currently locked by another user.", false},
}

// Kinds lists every Kind, for tests that cover them all.
func Kinds() []Kind {
	out := make([]Kind, len(kindTable))
	for i := range out {
		out[i] = Kind(i)
	}
	return out
}

func (k Kind) known() bool { return k >= 0 && int(k) < len(kindTable) }

// String names the kind.
func (k Kind) String() string {
	if !k.known() {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindTable[k].name
}

// Status is the HTTP status of the kind (500 for an unknown kind).
func (k Kind) Status() int {
	if !k.known() {
		return http.StatusInternalServerError
	}
	return kindTable[k].status
}

// Private reports whether errors of this kind keep their message for the
// log: clients see the kind's generic sentence.
func (k Kind) Private() bool { return !k.known() || kindTable[k].private }

// Generic is the sentence shown for an error of this kind that has no
// public message of its own (or a private one).
func (k Kind) Generic() string {
	if !k.known() {
		return kindTable[Internal].generic
	}
	return kindTable[k].generic
}

// Typed is implemented by error types that carry data of their own for the
// client (a ValidationError's collection, a query error's paths) and so are
// not *Error values. They state their kind by method; their Error() text is
// their public message.
type Typed interface {
	error
	FaultKind() Kind
}

// Fielded is implemented by error types that list invalid fields.
type Fielded interface {
	error
	FaultFields() []FieldError
}

// FieldError is one invalid input field: its document path ("email",
// "layout.0.title") and a message for the client.
type FieldError struct {
	Path string `json:"path"`
	// Label is the field's label path ("Nav Items 1 > Link > Label"), when
	// it differs from the path.
	Label   string `json:"label,omitempty"`
	Message string `json:"message"`
	// TableName names the array or blocks table of a nested field
	// (Payload's envelope carries it).
	TableName string `json:"tableName,omitempty"`
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

// KindOf returns err's kind: that of the outermost *Error or Typed error in
// its chain, or Internal. A Typed error wrapped by an *Error gives way to it.
func KindOf(err error) Kind {
	if fe := Of(err); fe != nil {
		return fe.Kind
	}
	var t Typed
	if errors.As(err, &t) {
		return t.FaultKind()
	}
	return Internal
}

// Message is the sentence a client may see for err: its public message, or
// its kind's generic sentence when the kind is private or the message empty.
func Message(err error) string {
	k := KindOf(err)
	if k.Private() {
		return k.Generic()
	}
	msg := ""
	if fe := Of(err); fe != nil {
		msg = fe.Public
	} else if t := (Typed)(nil); errors.As(err, &t) {
		msg = t.Error()
	}
	if msg == "" {
		return k.Generic()
	}
	return msg
}

// FieldsOf returns the invalid fields err lists, or nil.
func FieldsOf(err error) []FieldError {
	if fe := Of(err); fe != nil && len(fe.Fields) > 0 {
		return fe.Fields
	}
	var f Fielded
	if errors.As(err, &f) {
		return f.FaultFields()
	}
	return nil
}

// Fields returns an Invalid error listing fields, worded as Payload words
// its ValidationError ("The following field is invalid: email"), or nil
// when fields is empty.
func Fields(fields ...FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Public: FieldsMessage(fields), Fields: fields}
}

// Field returns an Invalid error on one field.
func Field(path, message string) *Error {
	fields := []FieldError{{Path: path, Message: message}}
	return &Error{Kind: Invalid, Public: FieldsMessage(fields), Fields: fields}
}

// FieldsMessage is Payload's sentence naming invalid fields by label (or
// path when there is no label).
func FieldsMessage(fields []FieldError) string {
	names := make([]string, len(fields))
	for i, fe := range fields {
		names[i] = fe.Label
		if names[i] == "" {
			names[i] = fe.Path
		}
	}
	if len(names) == 1 {
		return "The following field is invalid: " + names[0]
	}
	return "The following fields are invalid: " + strings.Join(names, ", ")
}
