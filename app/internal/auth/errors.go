package auth

import (
	"errors"
	"strings"
)

// Sentinel errors of the auth service. The HTTP layer maps them to statuses;
// PublicMessage gives the Payload-compatible text to show.
var (
	// ErrInvalidCredentials: wrong email or password (401).
	ErrInvalidCredentials = errors.New("auth: invalid credentials")
	// ErrLocked: too many failed logins; the account is locked (401).
	ErrLocked = errors.New("auth: account locked")
	// ErrForbidden: the caller may not do this (403).
	ErrForbidden = errors.New("auth: forbidden")
	// ErrNotFound: no such user, session, key or token. Store implementations
	// return it (wrapped or not) for missing rows (404).
	ErrNotFound = errors.New("auth: not found")
	// ErrAlreadyInitialized: first-register after a user exists (403).
	ErrAlreadyInitialized = errors.New("auth: already initialized")
	// ErrNoUser: logout without a logged-in user (400 "No User").
	ErrNoUser = errors.New("auth: no user")
	// ErrResetTokenInvalid: unknown, used or expired reset token (403).
	ErrResetTokenInvalid = errors.New("auth: reset token invalid or expired")
	// ErrEmailTaken is returned by Store when the email is already used;
	// the service turns it into a *FieldError on "email".
	ErrEmailTaken = errors.New("auth: email already registered")
	// ErrLastAdmin is returned by Store when an update or delete would leave
	// no admin; the service turns it into a *FieldError on "roles".
	ErrLastAdmin = errors.New("auth: at least one admin must remain")
)

// Messages Payload 3 uses for the same situations.
const (
	msgRequired             = "This field is required."
	msgInvalidEmail         = "Please enter a valid email address."
	msgEmailTaken           = "A user with the given email is already registered."
	msgLastAdmin            = "At least one user must keep the admin role."
	msgWrongCurrentPassword = "The current password is incorrect."
	msgInvalidCredentials   = "The email or password provided is incorrect."
	msgLocked               = "This user is locked due to having too many failed login attempts."
	msgForbidden            = "You are not allowed to perform this action."
	msgNotFound             = "Not Found"
	msgNoUser               = "No User"
	msgResetTokenInvalid    = "Token is either invalid or has expired."
)

// PublicMessage returns the user-facing (Payload-compatible) message for a
// sentinel error of this package, or "" when err is not one of them.
func PublicMessage(err error) string {
	switch {
	case errors.Is(err, ErrInvalidCredentials):
		return msgInvalidCredentials
	case errors.Is(err, ErrLocked):
		return msgLocked
	case errors.Is(err, ErrForbidden), errors.Is(err, ErrAlreadyInitialized):
		return msgForbidden
	case errors.Is(err, ErrNotFound):
		return msgNotFound
	case errors.Is(err, ErrNoUser):
		return msgNoUser
	case errors.Is(err, ErrResetTokenInvalid):
		return msgResetTokenInvalid
	}
	return ""
}

// FieldError is a validation failure of one input field; the HTTP layer
// renders it as one entry of Payload's ValidationError envelope.
type FieldError struct {
	Path    string // field name, e.g. "password"
	Message string // user-facing message
}

// Error implements error.
func (e *FieldError) Error() string { return "auth: " + e.Path + ": " + e.Message }

// ValidationErrors are several field errors reported together, in field
// order.
type ValidationErrors []*FieldError

// Error implements error.
func (v ValidationErrors) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Path + ": " + e.Message
	}
	return "auth: invalid input: " + strings.Join(parts, "; ")
}

// FieldErrors returns the field errors carried by err (a *FieldError or
// ValidationErrors, possibly wrapped), or nil.
func FieldErrors(err error) []*FieldError {
	var many ValidationErrors
	if errors.As(err, &many) {
		return many
	}
	var one *FieldError
	if errors.As(err, &one) {
		return []*FieldError{one}
	}
	return nil
}
