package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/automatonic/chronos/app/internal/query"
	"log/slog"
	"strings"
	"time"
)

// Input limits, documented for the README: longer values are a 400
// ValidationError on the field.
const (
	MaxEmailLength = 254 // RFC 5321 path limit
	maxTokenInput  = 256 // bytes of a reset token or API key accepted at all
)

// Defaults of Config.
const (
	DefaultTokenTTL         = 7200 * time.Second
	DefaultMaxLoginAttempts = 5
	DefaultLockoutDuration  = 10 * time.Minute
	DefaultResetTokenTTL    = time.Hour
)

// APIKeyPrefix starts every API key, so leaked keys are recognisable by
// secret scanners.
const APIKeyPrefix = "chr_"

// Config configures the auth service.
type Config struct {
	Secret            []byte        // CMS secret; JWT signing key is derived from it
	TokenTTL          time.Duration // JWT and session lifetime; default 7200 s
	MaxLoginAttempts  int           // failed logins before lockout; default 5
	LockoutDuration   time.Duration // default 10 min
	PasswordMinLength int           // characters; default and floor 8
	ResetTokenTTL     time.Duration // default 1 h
	Production        bool          // no mailer: refuse to print reset links
	PublicURL         string        // base of reset links, e.g. https://cms.example.com
}

// Deps are the collaborators of the service.
type Deps struct {
	Store Store
	// Accounts writes new user documents with their credentials: the
	// content service (content is the only writer of documents).
	Accounts Accounts
	// Users is the auth collection's definition: its fields' rules (email,
	// name, roles) are the only ones a user's profile is checked by.
	Users  *content.Collection
	Mailer Mailer       // nil: no SMTP configured
	Logger *slog.Logger // nil: slog.Default()
	Now    func() time.Time
	Hasher *Hasher // nil: NewHasher(DefaultArgon2Params(), 0)
}

// Service implements users and authentication: registration, login,
// sessions, tokens, API keys, lockout, password reset and role rules.
type Service struct {
	cfg      Config
	store    Store
	accounts Accounts
	users    *content.Collection // the auth collection: the rules of profile fields
	mailer   Mailer
	log      *slog.Logger
	now      func() time.Time
	hasher   *Hasher
	policy   *PasswordPolicy
	signer   *TokenSigner
	// firstRegister admits one first-register attempt at a time in this
	// process, so a burst of them costs one password hash: the ones that
	// wait see the user the first one created and are refused cheaply.
	// Across processes Store.CreateFirstUser is still what decides.
	firstRegister chan struct{}
}

// NewService checks cfg, fills defaults and returns the service.
func NewService(cfg Config, deps Deps) (*Service, error) {
	if len(cfg.Secret) == 0 {
		return nil, errors.New("auth: config: secret is empty")
	}
	if deps.Store == nil {
		return nil, errors.New("auth: no store")
	}
	if deps.Users == nil || !deps.Users.Auth {
		return nil, errors.New("auth: no users collection")
	}
	if deps.Accounts == nil {
		return nil, errors.New("auth: no accounts writer")
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = DefaultTokenTTL
	}
	if cfg.TokenTTL < time.Second {
		return nil, fmt.Errorf("auth: config: token TTL %v is below one second", cfg.TokenTTL)
	}
	if cfg.MaxLoginAttempts <= 0 {
		cfg.MaxLoginAttempts = DefaultMaxLoginAttempts
	}
	if cfg.LockoutDuration <= 0 {
		cfg.LockoutDuration = DefaultLockoutDuration
	}
	if cfg.ResetTokenTTL <= 0 {
		cfg.ResetTokenTTL = DefaultResetTokenTTL
	}
	if cfg.PasswordMinLength != 0 && cfg.PasswordMinLength < MinPasswordMinLength {
		return nil, fmt.Errorf("auth: config: password minimum length %d is below %d",
			cfg.PasswordMinLength, MinPasswordMinLength)
	}
	s := &Service{
		cfg:      cfg,
		store:    deps.Store,
		accounts: deps.Accounts,
		users:    deps.Users,
		mailer:   deps.Mailer,
		log:      deps.Logger,
		now:      deps.Now,
		hasher:   deps.Hasher,
		policy:   NewPasswordPolicy(cfg.PasswordMinLength),
		signer:   NewTokenSigner(cfg.Secret),

		firstRegister: make(chan struct{}, 1),
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.hasher == nil {
		s.hasher = NewHasher(DefaultArgon2Params(), 0)
	}
	return s, nil
}

// Policy returns the password policy in force.
func (s *Service) Policy() *PasswordPolicy { return s.policy }

// TokenTTL returns the configured token lifetime.
func (s *Service) TokenTTL() time.Duration { return s.cfg.TokenTTL }

// clock returns now in UTC at the millisecond precision Payload stores.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// Principal is the caller of a request.
type Principal struct {
	User       User
	Strategy   string    // StrategyLocalJWT or StrategyAPIKey
	Token      string    `json:"-"` // the JWT used ("" for API keys); never log it
	SessionID  string    // the JWT's sid
	ExpiresAt  time.Time // token expiry (zero for API keys)
	APIKeyID   int64     // key used, for StrategyAPIKey
	FromCookie bool      // token came from the payload-token cookie: CSRF checks apply
}

// LogValue keeps the token out of logs.
func (p *Principal) LogValue() slog.Value {
	if p == nil {
		return slog.StringValue("anonymous")
	}
	return slog.GroupValue(slog.Int64("user_id", p.User.ID), slog.String("strategy", p.Strategy))
}

// IsAdmin reports whether the principal has the admin role.
func (p *Principal) IsAdmin() bool { return p != nil && p.User.HasRole(content.RoleAdmin) }

// AuthResult is the outcome of a successful login, registration, reset or
// refresh: the user, their sessions and the new token.
type AuthResult struct {
	User      User
	Sessions  []Session
	SessionID string
	Token     string    `json:"-"` // JWT; goes to the body and the payload-token cookie
	ExpiresAt time.Time // token expiry; Payload's `exp` is ExpiresAt.Unix()
}

// LogValue keeps the token out of logs.
func (r *AuthResult) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("user_id", r.User.ID), slog.String("sid", r.SessionID))
}

// Credentials are what a request presents.
type Credentials struct {
	Authorization string // Authorization header value
	Cookie        string // value of the payload-token cookie
}

// LogValue keeps credentials out of logs.
func (Credentials) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// Registration is the input of FirstRegister and CreateUser.
type Registration struct {
	Email    string
	Password string `json:"-"`
	Name     string
	Roles    []string // CreateUser only; default [editor]
}

// LogValue keeps the password out of logs.
func (r Registration) LogValue() slog.Value { return slog.StringValue(r.Email) }

// UserUpdate is the input of UpdateUser; nil fields are unchanged.
type UserUpdate struct {
	Email    *string
	Name     *string
	Roles    *[]string
	Password *string `json:"-"`
	// CurrentPassword re-authenticates a user changing their own email or
	// password: a stolen session token alone cannot take the account over.
	CurrentPassword *string `json:"-"`
	// RevokeAPIKeys deletes the user's API keys along with a password
	// change (a leaked key is the usual reason for one).
	RevokeAPIKeys bool
}

// Init reports whether any user exists (GET /api/users/init).
func (s *Service) Init(ctx context.Context) (bool, error) {
	n, err := s.store.CountUsers(ctx)
	if err != nil {
		return false, fmt.Errorf("auth: counting users: %w", err)
	}
	return n > 0, nil
}

// FirstRegister creates the first user, as admin, and logs them in. Once a
// user exists it returns ErrAlreadyInitialized; concurrent calls create one
// user (content.NewAccount.First is atomic).
func (s *Service) FirstRegister(ctx context.Context, in Registration) (*AuthResult, error) {
	select {
	case s.firstRegister <- struct{}{}:
		defer func() { <-s.firstRegister }()
	case <-ctx.Done():
		return nil, fmt.Errorf("auth: waiting for another first-register: %w", ctx.Err())
	}
	// Cheap early refusal, so that a registered CMS never spends a hash on
	// this endpoint; the atomic insert is what decides.
	if ok, err := s.Init(ctx); err != nil {
		return nil, err
	} else if ok {
		return nil, ErrAlreadyInitialized
	}
	res, err := s.createAccount(ctx, nil, in, []string{content.RoleAdmin}, true)
	if errors.Is(err, content.ErrAccountsExist) {
		return nil, ErrAlreadyInitialized
	}
	if err != nil {
		return nil, err
	}
	u := UserOf(res.Doc)
	s.log.InfoContext(ctx, "first user registered", "user_id", u.ID)
	return s.startSession(ctx, u)
}

// createAccount checks what only auth knows of a new user (the password
// policy, that a user has a role), hashes a good password and has content
// create the document with its credentials in one transaction: the
// profile is checked there, by the users definition, and its errors come
// back with auth's.
func (s *Service) createAccount(ctx context.Context, actor *content.Actor, in Registration, roles []string, first bool) (content.WriteResult, error) {
	var errs []fault.FieldError
	if err := s.policy.Check(in.Password, strings.ToLower(strings.TrimSpace(in.Email))); err != nil {
		errs = append(errs, fault.FieldsOf(err)...)
	}
	if len(roles) == 0 {
		errs = append(errs, fault.FieldError{Path: "roles", Message: msgRequired})
	}
	var cr content.Credentials
	if len(errs) == 0 {
		hash, err := s.hasher.Hash(ctx, in.Password)
		if err != nil {
			return content.WriteResult{}, err
		}
		cr.Hash = hash
	}
	list := make([]any, len(roles))
	for i, r := range roles {
		list[i] = r
	}
	input := map[string]any{"email": strings.TrimSpace(in.Email), "roles": list}
	if name := strings.TrimSpace(in.Name); name != "" {
		input["name"] = name
	}
	return s.accounts.CreateAccount(ctx, actor, content.NewAccount{Input: input, Credentials: cr, Errors: errs, First: first}, content.WriteOptions{})
}

// UserOf reads the user of a user document as content shapes it.
func UserOf(d content.Doc) User {
	var u User
	u.ID, _ = content.RelationID(d["id"])
	u.Email, _ = d["email"].(string)
	u.Name, _ = d["name"].(string)
	roles, _ := d["roles"].([]any)
	for _, r := range roles {
		if s, ok := r.(string); ok {
			u.Roles = append(u.Roles, s)
		}
	}
	if s, ok := d["createdAt"].(string); ok {
		u.CreatedAt, _ = content.ParseDate(s)
	}
	if s, ok := d["updatedAt"].(string); ok {
		u.UpdatedAt, _ = content.ParseDate(s)
	}
	return u
}

// checkField checks one profile field by the users definition and returns
// its normalised value.
func (s *Service) checkField(name string, value any) (any, *fault.FieldError) {
	out, err := content.CheckFields(s.users, map[string]any{name: value}, false)
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		return nil, &fields[0]
	}
	return out[name], nil
}

// normalizeEmail trims an email and checks it by the users definition
// (which lower-cases it).
func (s *Service) normalizeEmail(raw string) (string, *fault.FieldError) {
	e := strings.TrimSpace(raw)
	if e == "" {
		return "", &fault.FieldError{Path: "email", Message: msgRequired}
	}
	v, fe := s.checkField("email", e)
	if fe != nil {
		return "", fe
	}
	return v.(string), nil
}

// validateName trims a name and checks it by the users definition.
func (s *Service) validateName(raw string) (string, *fault.FieldError) {
	v, fe := s.checkField("name", strings.TrimSpace(raw))
	if fe != nil {
		return "", fe
	}
	n, _ := v.(string)
	return n, nil
}

// Login checks email and password and starts a session. Unknown emails cost
// the same hashing work as wrong passwords (DummyVerify) and both give
// ErrInvalidCredentials. After MaxLoginAttempts consecutive failures the
// account is locked for LockoutDuration: the error is then ErrLocked too,
// for the log, but its public message is ErrInvalidCredentials' (no
// account enumeration). A correct password
// stored in an older format (Payload PBKDF2, weaker argon2id) is re-hashed.
func (s *Service) Login(ctx context.Context, email, password string) (*AuthResult, error) {
	var errs []fault.FieldError
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" {
		errs = append(errs, fault.FieldError{Path: "email", Message: msgRequired})
	}
	if password == "" {
		errs = append(errs, fault.FieldError{Path: "password", Message: msgRequired})
	}
	if len(errs) > 0 {
		return nil, fault.Fields(errs...)
	}
	if len(email) > MaxEmailLength {
		return nil, ErrInvalidCredentials // cannot exist; reveals nothing about users
	}
	if _, fe := s.normalizeEmail(email); fe != nil {
		// A malformed address cannot belong to anyone: a clear 400 (issue 5)
		// that reveals nothing about accounts and costs no hash.
		return nil, fault.Fields(*fe)
	}
	rec, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		s.hasher.DummyVerify(ctx, password)
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("auth: loading user: %w", err)
	}
	now := s.clock()
	if !rec.LockUntil.IsZero() && rec.LockUntil.After(now) {
		// Answered as a wrong password, at a hash's cost, and whatever the
		// password: a lockout must not tell a stranger that the address
		// has an account, nor confirm a guessed password.
		s.hasher.DummyVerify(ctx, password)
		return nil, errLoginLocked
	}
	ok, rehash, err := s.hasher.Verify(ctx, password, rec.Hash, rec.Salt)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		s.log.WarnContext(ctx, "login: stored password hash unusable", "user_id", rec.ID, "error", err)
	}
	if !ok {
		if err := s.recordFailure(ctx, rec, now); err != nil {
			return nil, err
		}
		return nil, ErrInvalidCredentials
	}
	if rec.LoginAttempts > 0 || !rec.LockUntil.IsZero() {
		if err := s.store.ResetLoginAttempts(ctx, rec.ID); err != nil {
			return nil, fmt.Errorf("auth: resetting login attempts: %w", err)
		}
	}
	if rehash {
		s.rehash(ctx, rec.ID, password)
	}
	return s.startSession(ctx, rec.User)
}

// recordFailure counts a failed password check and locks the account when
// the limit is reached. An expired lock starts a fresh count.
func (s *Service) recordFailure(ctx context.Context, rec UserRecord, now time.Time) error {
	if !rec.LockUntil.IsZero() && !rec.LockUntil.After(now) {
		if err := s.store.ResetLoginAttempts(ctx, rec.ID); err != nil {
			return fmt.Errorf("auth: resetting login attempts: %w", err)
		}
	}
	n, err := s.store.IncrementLoginAttempts(ctx, rec.ID)
	if err != nil {
		return fmt.Errorf("auth: counting failed login: %w", err)
	}
	if n >= s.cfg.MaxLoginAttempts {
		if err := s.store.LockUser(ctx, rec.ID, now.Add(s.cfg.LockoutDuration)); err != nil {
			return fmt.Errorf("auth: locking user: %w", err)
		}
		s.log.WarnContext(ctx, "user locked after failed logins", "user_id", rec.ID, "attempts", n)
	}
	return nil
}

// rehash stores a current argon2id hash of a verified password. Failure is
// logged, not returned: the login itself succeeded.
func (s *Service) rehash(ctx context.Context, userID int64, password string) {
	hash, err := s.hasher.Hash(ctx, password)
	if err == nil {
		err = s.store.SetPassword(ctx, userID, hash, "")
	}
	if err != nil {
		s.log.WarnContext(ctx, "login: re-hashing password failed", "user_id", userID, "error", err)
		return
	}
	s.log.InfoContext(ctx, "password re-hashed with argon2id", "user_id", userID)
}

// startSession creates a session for u, prunes expired ones and signs a
// token carrying the new session id.
func (s *Service) startSession(ctx context.Context, u User) (*AuthResult, error) {
	now := s.clock()
	if err := s.store.DeleteExpiredSessions(ctx, u.ID, now); err != nil {
		return nil, fmt.Errorf("auth: pruning sessions: %w", err)
	}
	sess := Session{ID: newUUID(), CreatedAt: now, ExpiresAt: now.Add(s.cfg.TokenTTL)}
	if err := s.store.CreateSession(ctx, u.ID, sess); err != nil {
		return nil, fmt.Errorf("auth: creating session: %w", err)
	}
	return s.issue(ctx, u, sess.ID, now)
}

// issue signs a token for session sid of u and loads the user's sessions.
func (s *Service) issue(ctx context.Context, u User, sid string, now time.Time) (*AuthResult, error) {
	exp := now.Add(s.cfg.TokenTTL)
	tok, err := s.signer.Sign(Claims{
		ID: u.ID, Collection: UsersCollection, Email: u.Email, SID: sid,
		IssuedAt: now.Unix(), ExpiresAt: exp.Unix(),
	})
	if err != nil {
		return nil, err
	}
	sessions, err := s.store.ListSessions(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("auth: listing sessions: %w", err)
	}
	// Re-read the user: session changes bump updatedAt, as in Payload.
	if rec, err := s.store.UserByID(ctx, u.ID); err == nil {
		u = rec.User
	}
	return &AuthResult{User: u, Sessions: sessions, SessionID: sid, Token: tok, ExpiresAt: time.Unix(exp.Unix(), 0).UTC()}, nil
}

// Sessions returns a user's sessions, for rendering user documents.
func (s *Service) Sessions(ctx context.Context, userID int64) ([]Session, error) {
	ss, err := s.store.ListSessions(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("auth: listing sessions: %w", err)
	}
	return ss, nil
}

// Authenticate identifies the caller from, in Payload's order, an
// `Authorization: JWT <t>` or `Bearer <t>` header, the payload-token cookie,
// or an `Authorization: users API-Key <key>` header. A missing, malformed,
// tampered, expired or revoked credential yields (nil, nil): the caller is
// anonymous. Only infrastructure failures are errors.
func (s *Service) Authenticate(ctx context.Context, c Credentials) (*Principal, error) {
	h := strings.TrimSpace(c.Authorization)
	switch {
	case strings.HasPrefix(h, "JWT "):
		return s.authJWT(ctx, strings.TrimSpace(h[len("JWT "):]), false)
	case strings.HasPrefix(h, "Bearer "):
		return s.authJWT(ctx, strings.TrimSpace(h[len("Bearer "):]), false)
	case strings.HasPrefix(h, UsersCollection+" API-Key "):
		return s.authAPIKey(ctx, strings.TrimSpace(h[len(UsersCollection+" API-Key "):]))
	case c.Cookie != "":
		return s.authJWT(ctx, c.Cookie, true)
	}
	return nil, nil
}

func (s *Service) authJWT(ctx context.Context, token string, fromCookie bool) (*Principal, error) {
	now := s.clock()
	claims, err := s.signer.Parse(token, now)
	if err != nil {
		s.log.DebugContext(ctx, "token rejected", "reason", err)
		return nil, nil
	}
	if claims.Collection != UsersCollection {
		return nil, nil
	}
	// The user and the session in one read: every authenticated request
	// pays it, and no cache may serve a revoked session or a deleted user.
	rec, sess, err := s.store.UserSession(ctx, claims.ID, claims.SID)
	if errors.Is(err, ErrNotFound) {
		s.log.DebugContext(ctx, "token rejected", "reason", "user deleted or session revoked", "user_id", claims.ID)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: loading token user and session: %w", err)
	}
	if !sess.ExpiresAt.After(now) {
		return nil, nil
	}
	return &Principal{
		User: rec.User, Strategy: StrategyLocalJWT, Token: token, SessionID: claims.SID,
		ExpiresAt: time.Unix(claims.ExpiresAt, 0).UTC(), FromCookie: fromCookie,
	}, nil
}

func (s *Service) authAPIKey(ctx context.Context, key string) (*Principal, error) {
	if !strings.HasPrefix(key, APIKeyPrefix) || len(key) > maxTokenInput {
		return nil, nil
	}
	k, err := s.store.APIKeyByHash(ctx, hashSecret(key))
	if errors.Is(err, ErrNotFound) {
		s.log.DebugContext(ctx, "api key rejected", "reason", "unknown or revoked")
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: loading api key: %w", err)
	}
	rec, err := s.store.UserByID(ctx, k.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: loading api key user: %w", err)
	}
	return &Principal{User: rec.User, Strategy: StrategyAPIKey, APIKeyID: k.ID}, nil
}

// Logout ends the caller's session, or all their sessions. Without a
// logged-in caller it returns ErrNoUser (Payload: 400 "No User").
func (s *Service) Logout(ctx context.Context, p *Principal, allSessions bool) error {
	if p == nil {
		return ErrNoUser
	}
	var err error
	switch {
	case allSessions:
		err = s.store.DeleteSessions(ctx, p.User.ID, "")
	case p.SessionID != "":
		err = s.store.DeleteSession(ctx, p.User.ID, p.SessionID)
		if errors.Is(err, ErrNotFound) {
			err = nil // already gone: the outcome the caller wants
		}
	}
	if err != nil {
		return fmt.Errorf("auth: deleting session: %w", err)
	}
	return nil
}

// RefreshToken extends the caller's session by TokenTTL and issues a new
// token for it. Only JWT sessions can be refreshed; others get ErrForbidden.
func (s *Service) RefreshToken(ctx context.Context, p *Principal) (*AuthResult, error) {
	if p == nil || p.Strategy != StrategyLocalJWT || p.SessionID == "" {
		return nil, ErrForbidden
	}
	now := s.clock()
	err := s.store.ExtendSession(ctx, p.User.ID, p.SessionID, now.Add(s.cfg.TokenTTL))
	if errors.Is(err, ErrNotFound) {
		return nil, ErrForbidden
	}
	if err != nil {
		return nil, fmt.Errorf("auth: extending session: %w", err)
	}
	return s.issue(ctx, p.User, p.SessionID, now)
}

// ForgotPassword starts a password reset for email. To the caller it always
// succeeds (no account enumeration) unless the email is syntactically
// invalid or the store fails. With a mailer it sends the reset link; without
// one, development logs the link and production logs an error and sends
// nothing.
func (s *Service) ForgotPassword(ctx context.Context, email string) error {
	email, fe := s.normalizeEmail(email)
	if fe != nil {
		return fault.Fields(*fe)
	}
	if s.mailer == nil && s.cfg.Production {
		s.log.ErrorContext(ctx, "forgot-password: no SMTP server configured (SMTP_URL); no reset email sent")
		return nil
	}
	rec, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: loading user: %w", err)
	}
	token := randomToken()
	if err := s.store.CreateResetToken(ctx, rec.ID, hashSecret(token), s.clock().Add(s.cfg.ResetTokenTTL)); err != nil {
		return fmt.Errorf("auth: storing reset token: %w", err)
	}
	link := strings.TrimRight(s.cfg.PublicURL, "/") + "/admin/reset/" + token
	if s.mailer == nil {
		// Development only: the link is the one secret we print, so that a
		// developer without SMTP can still reset a password.
		s.log.InfoContext(ctx, "password reset link (development: no SMTP configured)", "user_id", rec.ID, "link", link)
		return nil
	}
	err = s.mailer.Send(ctx, Mail{
		To:      rec.Email,
		Subject: "Reset your password",
		Text: "You are receiving this because you (or someone else) have requested the reset of the password for your account.\n\n" +
			"Open this link to choose a new password; it is valid for " + s.cfg.ResetTokenTTL.String() + " and can be used once:\n\n" +
			link + "\n\nIf you did not request this, ignore this email and your password will remain unchanged.\n",
	})
	if err != nil {
		s.log.ErrorContext(ctx, "forgot-password: sending reset email failed", "user_id", rec.ID, "error", err)
	}
	return nil
}

// ResetPassword sets a new password with a reset token, which is used up,
// revokes all the user's sessions and other reset tokens (and, when
// revokeAPIKeys, the user's API keys), clears any lockout and logs the user
// in. An unknown, used or expired token gives ErrResetTokenInvalid; a
// rejected password gives a field error and leaves the token usable.
func (s *Service) ResetPassword(ctx context.Context, token, password string, revokeAPIKeys bool) (*AuthResult, error) {
	var errs []fault.FieldError
	if token == "" {
		errs = append(errs, fault.FieldError{Path: "token", Message: msgRequired})
	}
	if password == "" {
		errs = append(errs, fault.FieldError{Path: "password", Message: msgRequired})
	}
	if len(errs) > 0 {
		return nil, fault.Fields(errs...)
	}
	if len(token) > maxTokenInput {
		return nil, ErrResetTokenInvalid
	}
	th := hashSecret(token)
	now := s.clock()
	uid, err := s.store.ResetTokenUser(ctx, th, now)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrResetTokenInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("auth: loading reset token: %w", err)
	}
	rec, err := s.store.UserByID(ctx, uid)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrResetTokenInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("auth: loading user: %w", err)
	}
	if err := s.policy.Check(password, rec.Email); err != nil {
		return nil, err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	// Consuming is the single-use guarantee: of two concurrent resets with
	// the same token only one gets the user back.
	uid2, err := s.store.ConsumeResetToken(ctx, th, now)
	if errors.Is(err, ErrNotFound) || (err == nil && uid2 != uid) {
		return nil, ErrResetTokenInvalid
	}
	if err != nil {
		return nil, fmt.Errorf("auth: consuming reset token: %w", err)
	}
	if err := s.setPasswordRevoking(ctx, uid, hash, "", revokeAPIKeys); err != nil {
		return nil, err
	}
	if err := s.store.ResetLoginAttempts(ctx, uid); err != nil {
		return nil, fmt.Errorf("auth: resetting login attempts: %w", err)
	}
	s.log.InfoContext(ctx, "password reset", "user_id", uid)
	return s.startSession(ctx, rec.User)
}

// setPasswordRevoking stores a new hash and revokes what the old password
// let in (revokeForNewPassword).
func (s *Service) setPasswordRevoking(ctx context.Context, userID int64, hash, keepSID string, revokeAPIKeys bool) error {
	if err := s.store.SetPassword(ctx, userID, hash, ""); err != nil {
		return fmt.Errorf("auth: setting password: %w", err)
	}
	return s.revokeForNewPassword(ctx, userID, keepSID, revokeAPIKeys)
}

// revokeForNewPassword deletes the user's sessions except keepSID, their
// reset tokens and, when revokeAPIKeys, their API keys: what a password
// change must end.
func (s *Service) revokeForNewPassword(ctx context.Context, userID int64, keepSID string, revokeAPIKeys bool) error {
	if err := s.store.DeleteSessions(ctx, userID, keepSID); err != nil {
		return fmt.Errorf("auth: revoking sessions: %w", err)
	}
	// A reset link mailed before the change must not undo it.
	if err := s.store.DeleteResetTokens(ctx, userID); err != nil {
		return fmt.Errorf("auth: revoking reset tokens: %w", err)
	}
	if revokeAPIKeys {
		return s.revokeAPIKeys(ctx, userID)
	}
	return nil
}

// ChangePassword changes the caller's own password after checking the
// current one, and revokes their other sessions and their reset tokens (and,
// when revokeAPIKeys, their API keys). A wrong current password
// counts as a failed login. Only JWT sessions may do this (a leaked API key
// must not be able to take over the account).
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next string, revokeAPIKeys bool) error {
	if p == nil || p.Strategy != StrategyLocalJWT {
		return ErrForbidden
	}
	rec, err := s.store.UserByID(ctx, p.User.ID)
	if err != nil {
		return fmt.Errorf("auth: loading user: %w", err)
	}
	now := s.clock()
	if !rec.LockUntil.IsZero() && rec.LockUntil.After(now) {
		return ErrLocked
	}
	ok, _, err := s.hasher.Verify(ctx, current, rec.Hash, rec.Salt)
	if err != nil && ctx.Err() != nil {
		return err
	}
	if !ok {
		if err := s.recordFailure(ctx, rec, now); err != nil {
			return err
		}
		return ErrInvalidCredentials
	}
	if err := s.policy.Check(next, rec.Email); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, next)
	if err != nil {
		return err
	}
	if err := s.setPasswordRevoking(ctx, rec.ID, hash, p.SessionID, revokeAPIKeys); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "password changed", "user_id", rec.ID)
	return nil
}

// Unlock clears the lockout of the user with email. Admins only.
func (s *Service) Unlock(ctx context.Context, actor *Principal, email string) error {
	if !actor.IsAdmin() {
		return ErrForbidden
	}
	email, fe := s.normalizeEmail(email)
	if fe != nil {
		return fault.Fields(*fe)
	}
	rec, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("auth: loading user: %w", err)
	}
	if err := s.store.ResetLoginAttempts(ctx, rec.ID); err != nil {
		return fmt.Errorf("auth: unlocking: %w", err)
	}
	s.log.InfoContext(ctx, "user unlocked", "user_id", rec.ID, "by", actor.User.ID)
	return nil
}

// CreateUser creates a user. Admins only; roles default to [editor]. The
// answer is the user document as content shapes it for the caller.
func (s *Service) CreateUser(ctx context.Context, actor *Principal, in Registration) (content.WriteResult, error) {
	if !actor.IsAdmin() {
		return content.WriteResult{}, ErrForbidden
	}
	return s.create(ctx, contentActor(actor), in)
}

// CreateUserAsSystem creates a user without an access check; it is for the
// `cms users create` command, which runs with database access anyway.
func (s *Service) CreateUserAsSystem(ctx context.Context, in Registration) (content.WriteResult, error) {
	return s.create(ctx, nil, in)
}

func (s *Service) create(ctx context.Context, actor *content.Actor, in Registration) (content.WriteResult, error) {
	roles := in.Roles
	if roles == nil {
		roles = []string{content.RoleEditor}
	}
	res, err := s.createAccount(ctx, actor, in, roles, false)
	if err != nil {
		return content.WriteResult{}, err
	}
	s.log.InfoContext(ctx, "user created", "user_id", res.Doc["id"])
	return res, nil
}

// UpdateUser changes a user's profile (email, name, roles) and, with
// Password, their password. Admins may change anyone; other users only
// themselves and not their roles. Content writes the change (the users
// definition validates the profile, auth's password findings come back
// with its field errors) with the new hash in one transaction, where the
// users' Guard (KeepAnAdmin) refuses to demote the last admin. A password
// change then revokes the user's sessions, except the caller's own when
// they change their own password. The answer is the user document as
// content shapes it for the caller.
func (s *Service) UpdateUser(ctx context.Context, actor *Principal, id int64, in UserUpdate) (content.WriteResult, error) {
	if actor == nil || (!actor.IsAdmin() && (actor.User.ID != id || in.Roles != nil)) {
		return content.WriteResult{}, ErrForbidden
	}
	ch, err := s.accountChange(ctx, actor, id, in)
	if err != nil {
		return content.WriteResult{}, err
	}
	res, err := s.accounts.UpdateAccount(ctx, contentActor(actor), id, ch, content.WriteOptions{})
	if err != nil {
		return content.WriteResult{}, err
	}
	if ch.Credentials != nil {
		keep := ""
		if actor.User.ID == id {
			keep = actor.SessionID
		}
		if err := s.revokeForNewPassword(ctx, id, keep, in.RevokeAPIKeys); err != nil {
			return content.WriteResult{}, err
		}
	}
	return res, nil
}

// accountChange turns an update into content's: the profile input, auth's
// own findings (password policy, roles, the current password when the
// email or password changes) and the new password's hash when there is
// nothing to refuse.
func (s *Service) accountChange(ctx context.Context, actor *Principal, id int64, in UserUpdate) (content.AccountChange, error) {
	ch := content.AccountChange{Input: map[string]any{}}
	if in.Email != nil {
		ch.Input["email"] = strings.TrimSpace(*in.Email)
	}
	if in.Name != nil {
		ch.Input["name"] = nil // cleared
		if n := strings.TrimSpace(*in.Name); n != "" {
			ch.Input["name"] = n
		}
	}
	if in.Roles != nil {
		if len(*in.Roles) == 0 {
			ch.Errors = append(ch.Errors, fault.FieldError{Path: "roles", Message: msgRequired})
		}
		list := make([]any, len(*in.Roles))
		for i, r := range *in.Roles {
			list[i] = r
		}
		ch.Input["roles"] = list
	}
	if in.Password == nil && in.Email == nil {
		return ch, nil
	}
	// The email or password may change: auth's credentials decide who may.
	rec, err := s.store.UserByID(ctx, id)
	if err != nil {
		return ch, fmt.Errorf("auth: loading user: %w", err)
	}
	email := rec.Email
	if in.Email != nil {
		email = strings.ToLower(strings.TrimSpace(*in.Email))
	}
	if in.Password != nil {
		if err := s.policy.Check(*in.Password, email); err != nil {
			ch.Errors = append(ch.Errors, fault.FieldsOf(err)...)
		}
	}
	if len(ch.Errors) > 0 || (in.Password == nil && email == rec.Email) {
		return ch, nil
	}
	if err := s.mayChangeCredentials(ctx, actor, rec, in.CurrentPassword); err != nil {
		if fes := fault.FieldsOf(err); len(fes) > 0 {
			ch.Errors = append(ch.Errors, fes...)
			return ch, nil
		}
		return ch, err
	}
	if in.Password != nil {
		hash, err := s.hasher.Hash(ctx, *in.Password)
		if err != nil {
			return ch, err
		}
		ch.Credentials = &content.Credentials{Hash: hash}
	}
	return ch, nil
}

// contentActor is the caller as content's access rules see them.
func contentActor(p *Principal) *content.Actor {
	return &content.Actor{ID: p.User.ID, Email: p.User.Email, Roles: p.User.Roles}
}

// mayChangeCredentials decides whether actor may change rec's email or
// password. Only an interactive session may (a leaked API key must not take
// over its account), and a user changing their own needs their current
// password; a wrong one counts as a failed login.
func (s *Service) mayChangeCredentials(ctx context.Context, actor *Principal, rec UserRecord, current *string) error {
	if actor.Strategy != StrategyLocalJWT || actor.SessionID == "" {
		return ErrForbidden
	}
	if actor.User.ID != rec.ID {
		return nil
	}
	if current == nil || *current == "" {
		return fault.Field("currentPassword", msgRequired)
	}
	now := s.clock()
	if !rec.LockUntil.IsZero() && rec.LockUntil.After(now) {
		return ErrLocked
	}
	ok, _, err := s.hasher.Verify(ctx, *current, rec.Hash, rec.Salt)
	if err != nil && ctx.Err() != nil {
		return err
	}
	if !ok {
		if err := s.recordFailure(ctx, rec, now); err != nil {
			return err
		}
		return fault.Field("currentPassword", msgWrongCurrentPassword)
	}
	return nil
}

// revokeAPIKeys deletes every API key of the user.
func (s *Service) revokeAPIKeys(ctx context.Context, userID int64) error {
	keys, err := s.store.ListAPIKeys(ctx, userID)
	if err != nil {
		return fmt.Errorf("auth: listing API keys: %w", err)
	}
	for _, k := range keys {
		if err := s.store.DeleteAPIKey(ctx, userID, k.ID); err != nil && !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("auth: revoking API key: %w", err)
		}
	}
	return nil
}

// DeleteUser deletes a user with their sessions, API keys, reset tokens
// and preferences. Admins only; content deletes the document, and the
// users' Guard (KeepAnAdmin) refuses to delete the last admin. The answer
// is the deleted document.
func (s *Service) DeleteUser(ctx context.Context, actor *Principal, id int64) (content.WriteResult, error) {
	if !actor.IsAdmin() {
		return content.WriteResult{}, ErrForbidden
	}
	res, err := s.accounts.DeleteAccount(ctx, contentActor(actor), id, content.ReadOptions{})
	if err != nil {
		return content.WriteResult{}, err
	}
	s.log.InfoContext(ctx, "user deleted", "user_id", id, "by", actor.User.ID)
	return res, nil
}

// adminsWhere matches the users with the admin role.
func adminsWhere() query.Where {
	return query.Where{Conds: []query.Cond{{Path: "roles", Op: query.Equals, Values: []string{content.RoleAdmin}}}}
}

// KeepAnAdmin is the users collection's Guard (content.Behavior): an
// update or delete that takes the admin role from the last user holding
// it is ErrLastAdmin. Content runs it in the write's transaction with the
// users table locked, so two concurrent demotions cannot both pass.
// That includes deleting the only user: it would open first-register to
// anyone.
func KeepAnAdmin(ctx context.Context, ch content.Change) error {
	if !docHasRole(ch.Before, content.RoleAdmin) || (ch.After != nil && docHasRole(ch.After, content.RoleAdmin)) {
		return nil
	}
	n, err := ch.Count(ctx, adminsWhere())
	if err != nil || n > 0 {
		return err
	}
	return ErrLastAdmin
}

// docHasRole reports whether the user document d has role r.
func docHasRole(d content.Doc, r string) bool { return UserOf(d).HasRole(r) }

// canManageKeys: a user for themselves, an admin for anyone, and only from
// a JWT session (an API key cannot mint or list keys).
func canManageKeys(actor *Principal, userID int64) bool {
	return actor != nil && actor.Strategy == StrategyLocalJWT && (actor.IsAdmin() || actor.User.ID == userID)
}

// CreateAPIKey creates an API key for userID and returns it. The key is
// shown this once; only its SHA-256 is stored. Format: "chr_" + 32 random
// bytes in unpadded base64url.
func (s *Service) CreateAPIKey(ctx context.Context, actor *Principal, userID int64, name string) (string, APIKey, error) {
	if !canManageKeys(actor, userID) {
		return "", APIKey{}, ErrForbidden
	}
	name, fe := s.validateName(name)
	if fe != nil {
		return "", APIKey{}, fault.Fields(*fe)
	}
	if _, err := s.store.UserByID(ctx, userID); err != nil {
		return "", APIKey{}, fmt.Errorf("auth: loading user: %w", err)
	}
	key := APIKeyPrefix + randomToken()
	k, err := s.store.CreateAPIKey(ctx, NewAPIKey{
		UserID: userID, Name: name, Prefix: key[:len(APIKeyPrefix)+6], Hash: hashSecret(key), CreatedAt: s.clock(),
	})
	if err != nil {
		return "", APIKey{}, fmt.Errorf("auth: creating api key: %w", err)
	}
	s.log.InfoContext(ctx, "api key created", "user_id", userID, "key_id", k.ID, "by", actor.User.ID)
	return key, k, nil
}

// ListAPIKeys lists a user's API keys (without the keys).
func (s *Service) ListAPIKeys(ctx context.Context, actor *Principal, userID int64) ([]APIKey, error) {
	if !canManageKeys(actor, userID) {
		return nil, ErrForbidden
	}
	ks, err := s.store.ListAPIKeys(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("auth: listing api keys: %w", err)
	}
	return ks, nil
}

// RevokeAPIKey deletes one of a user's API keys; it stops working at once.
func (s *Service) RevokeAPIKey(ctx context.Context, actor *Principal, userID, keyID int64) error {
	if !canManageKeys(actor, userID) {
		return ErrForbidden
	}
	if err := s.store.DeleteAPIKey(ctx, userID, keyID); err != nil {
		return fmt.Errorf("auth: revoking api key: %w", err)
	}
	s.log.InfoContext(ctx, "api key revoked", "user_id", userID, "key_id", keyID, "by", actor.User.ID)
	return nil
}

// hashSecret is the stored form of high-entropy secrets (API keys, reset
// tokens): they need no slow hash, and lookups by hash stay indexable.
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// randomToken returns 32 random bytes as unpadded base64url.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
