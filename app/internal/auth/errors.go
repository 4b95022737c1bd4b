package auth

import "github.com/automatonic/chronos/app/internal/fault"

// Sentinel errors of the auth service, each with its kind and the message
// Payload 3 shows for the same situation.
var (
	// ErrInvalidCredentials: wrong email or password.
	ErrInvalidCredentials = fault.New(fault.Unauthorized, "The email or password provided is incorrect.")
	// ErrLocked: too many failed logins; the account is locked.
	ErrLocked = fault.New(fault.Unauthorized, "This user is locked due to having too many failed login attempts.")
	// ErrForbidden: the caller may not do this.
	ErrForbidden = fault.New(fault.Forbidden, msgForbidden)
	// ErrNotFound: no such user, session, key or token. Store implementations
	// return it (wrapped or not) for missing rows.
	ErrNotFound = fault.New(fault.NotFound, "Not Found")
	// ErrAlreadyInitialized: first-register after a user exists.
	ErrAlreadyInitialized = fault.New(fault.Forbidden, msgForbidden)
	// ErrNoUser: logout without a logged-in user.
	ErrNoUser = fault.New(fault.Invalid, "No User")
	// ErrResetTokenInvalid: unknown, used or expired reset token.
	ErrResetTokenInvalid = fault.New(fault.Forbidden, "Token is either invalid or has expired.")
	// ErrLastAdmin is KeepAnAdmin's answer to an update or delete that
	// would leave no admin: an Invalid error on "roles".
	ErrLastAdmin = fault.Field("roles", "At least one user must keep the admin role.")
	// errLoginLocked is a login refused by a lock: ErrInvalidCredentials
	// (all the caller is told) wrapping ErrLocked (for errors.Is and the log).
	errLoginLocked = ErrInvalidCredentials.Wrap(ErrLocked)
)

// Messages of field errors, as Payload 3 words them.
const (
	msgRequired             = "This field is required."
	msgInvalidEmail         = "Please enter a valid email address."
	msgWrongCurrentPassword = "The current password is incorrect."
	msgForbidden            = "You are not allowed to perform this action."
)
