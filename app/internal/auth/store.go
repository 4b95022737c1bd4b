package auth

import (
	"context"

	"github.com/automatonic/chronos/app/internal/content"
	"log/slog"
	"slices"
	"time"
)

// CookieName is Payload's session cookie, read by the REST API and the
// admin alike.
const CookieName = "payload-token"

// Authentication strategies, as Payload names them in `_strategy`.
const (
	StrategyLocalJWT = "local-jwt"
	StrategyAPIKey   = "api-key"
)

// User is a user document without secrets.
type User struct {
	ID        int64
	Email     string // lower-cased
	Name      string
	Roles     []string
	CreatedAt time.Time
	UpdatedAt time.Time // zero when never updated (Payload answers null)
}

// HasRole reports whether u has role r.
func (u User) HasRole(r string) bool { return slices.Contains(u.Roles, r) }

// UserRecord is a user with the columns only this package may read. It never
// leaves the auth and store packages.
type UserRecord struct {
	User
	Hash          string    `json:"-"` // argon2id PHC string or Payload PBKDF2 hash
	Salt          string    `json:"-"` // Payload's hex salt; "" for argon2id hashes
	LoginAttempts int       // consecutive failed logins
	LockUntil     time.Time // zero when not locked
}

// LogValue keeps hashes out of logs: a logged UserRecord shows its id only.
func (r UserRecord) LogValue() slog.Value { return slog.Int64Value(r.ID) }

// Session is one login of a user (Payload's users.sessions entry). Its ID is
// the JWT's sid.
type Session struct {
	ID        string // UUID v4
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIKey describes a stored API key; the key itself is never stored.
type APIKey struct {
	ID        int64
	UserID    int64
	Name      string
	Prefix    string // first characters of the key, for recognising it in lists
	CreatedAt time.Time
}

// NewAPIKey is what Store needs to insert an API key.
type NewAPIKey struct {
	UserID    int64
	Name      string
	Prefix    string
	Hash      string // hex SHA-256 of the full key
	CreatedAt time.Time
}

// UserStore persists users. Methods return ErrNotFound for a missing user.
type UserStore interface {
	// CountUsers returns the number of users.
	CountUsers(ctx context.Context) (int64, error)
	// UserByID returns the user with id.
	UserByID(ctx context.Context, id int64) (UserRecord, error)
	// UserByEmail returns the user with the (lower-cased) email.
	UserByEmail(ctx context.Context, email string) (UserRecord, error)
	// SetPassword replaces the user's hash and salt.
	SetPassword(ctx context.Context, id int64, hash, salt string) error
	// IncrementLoginAttempts atomically adds one failed login and returns
	// the new count (UPDATE ... SET login_attempts = login_attempts + 1
	// RETURNING login_attempts).
	IncrementLoginAttempts(ctx context.Context, id int64) (int, error)
	// LockUser sets LockUntil.
	LockUser(ctx context.Context, id int64, until time.Time) error
	// ResetLoginAttempts sets LoginAttempts to 0 and clears LockUntil.
	ResetLoginAttempts(ctx context.Context, id int64) error
}

// SessionStore persists sessions. Methods return ErrNotFound for a missing
// session.
type SessionStore interface {
	// CreateSession adds s to the user's sessions.
	CreateSession(ctx context.Context, userID int64, s Session) error
	// Session returns the user's session sid.
	Session(ctx context.Context, userID int64, sid string) (Session, error)
	// UserSession returns the user userID and its session sid in one read
	// (a request's token check); ErrNotFound when either is missing.
	UserSession(ctx context.Context, userID int64, sid string) (UserRecord, Session, error)
	// ListSessions returns the user's sessions, oldest first.
	ListSessions(ctx context.Context, userID int64) ([]Session, error)
	// ExtendSession sets the session's ExpiresAt.
	ExtendSession(ctx context.Context, userID int64, sid string, expiresAt time.Time) error
	// DeleteSession removes one session.
	DeleteSession(ctx context.Context, userID int64, sid string) error
	// DeleteSessions removes all of the user's sessions except keepSID
	// ("" removes all).
	DeleteSessions(ctx context.Context, userID int64, keepSID string) error
	// DeleteExpiredSessions removes the user's sessions with ExpiresAt <= now.
	DeleteExpiredSessions(ctx context.Context, userID int64, now time.Time) error
}

// APIKeyStore persists API keys. Methods return ErrNotFound for a missing
// key.
type APIKeyStore interface {
	// CreateAPIKey inserts k.
	CreateAPIKey(ctx context.Context, k NewAPIKey) (APIKey, error)
	// ListAPIKeys returns the user's keys, oldest first.
	ListAPIKeys(ctx context.Context, userID int64) ([]APIKey, error)
	// DeleteAPIKey deletes key keyID if it belongs to userID.
	DeleteAPIKey(ctx context.Context, userID, keyID int64) error
	// APIKeyByHash returns the key whose hash (hex SHA-256) is hash. The
	// hash column should be unique and indexed.
	APIKeyByHash(ctx context.Context, hash string) (APIKey, error)
}

// ResetTokenStore persists password reset tokens (hashed, one per user).
type ResetTokenStore interface {
	// CreateResetToken stores the token hash for the user, replacing any
	// earlier one.
	CreateResetToken(ctx context.Context, userID int64, hash string, expiresAt time.Time) error
	// ResetTokenUser returns the user of an unexpired token without using
	// it up; ErrNotFound when there is none.
	ResetTokenUser(ctx context.Context, hash string, now time.Time) (int64, error)
	// ConsumeResetToken deletes an unexpired token and returns its user, in
	// one statement (DELETE ... WHERE hash = ? AND expires_at > ? RETURNING
	// user_id) so a token is used at most once; ErrNotFound otherwise.
	ConsumeResetToken(ctx context.Context, hash string, now time.Time) (int64, error)
	// DeleteResetTokens deletes the user's outstanding reset tokens.
	DeleteResetTokens(ctx context.Context, userID int64) error
}

// PreferenceStore keeps a user's admin preferences (Payload's
// payload-preferences): small named values, such as the admin's theme.
type PreferenceStore interface {
	// Preference returns the user's value for name; "" when unset.
	Preference(ctx context.Context, userID int64, name string) (string, error)
	// SetPreference stores the user's value for name, replacing any.
	SetPreference(ctx context.Context, userID int64, name, value string, at time.Time) error
}

// Accounts writes user documents: creates them with their credentials,
// updates them (with a new hash when the password changes) and deletes
// them, each in one transaction; content.Service implements it (content
// is the only writer of documents, auth only of credentials, sessions,
// API keys, reset tokens, lockout and preferences).
type Accounts interface {
	CreateAccount(ctx context.Context, actor *content.Actor, a content.NewAccount, opts content.WriteOptions) (content.WriteResult, error)
	UpdateAccount(ctx context.Context, actor *content.Actor, id int64, ch content.AccountChange, opts content.WriteOptions) (content.WriteResult, error)
	DeleteAccount(ctx context.Context, actor *content.Actor, id int64, opts content.ReadOptions) (content.WriteResult, error)
}

// Store is everything the auth service persists. The gorm store implements
// it; tests use an in-memory fake.
type Store interface {
	UserStore
	SessionStore
	APIKeyStore
	ResetTokenStore
	PreferenceStore
}

// Mail is one plain-text email.
type Mail struct {
	To      string
	Subject string
	Text    string
}

// Mailer sends email (SMTP in production).
type Mailer interface {
	// Send delivers m.
	Send(ctx context.Context, m Mail) error
}
