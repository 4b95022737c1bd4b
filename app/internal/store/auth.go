package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"gorm.io/gorm"
)

// AuthStore implements auth.Store: the credentials of the auth
// collection's rows (hash, lockout), sessions, API keys, reset tokens and
// preferences. User documents are written by content: created, updated
// and deleted through Repo (SetCredentials in the same transaction; Delete
// takes the user's sessions, keys, tokens and preferences with the row).
type AuthStore struct {
	db    *DB
	g     *gorm.DB
	table string // the auth collection's table
}

var _ auth.Store = (*AuthStore)(nil)

// Auth returns the auth.Store of db for the auth collection c.
func (db *DB) Auth(c *content.Collection) *AuthStore {
	return &AuthStore{db: db, g: db.gdb, table: TableName(c)}
}

func (s *AuthStore) r() *Repo { return &Repo{db: s.db, g: s.g, rd: s.g} }

// authErr maps store errors for the auth service.
func authErr(err error) error {
	err = classify(err)
	if errors.Is(err, content.ErrNotFound) {
		return auth.ErrNotFound
	}
	return err
}

const userCols = "id, created_at, updated_at, email, name, data, hash, salt, login_attempts, lock_until"

// scanUser scans userCols and then, into extra, any further columns.
func (s *AuthStore) scanUser(rows *sql.Rows, extra ...any) (auth.UserRecord, error) {
	var (
		u                       auth.UserRecord
		created, updated, until any
		name                    sql.NullString
		data                    any
	)
	if err := rows.Scan(append([]any{&u.ID, &created, &updated, &u.Email, &name, &data, &u.Hash, &u.Salt, &u.LoginAttempts, &until}, extra...)...); err != nil {
		return u, fmt.Errorf("scan user: %w", err)
	}
	var err error
	if u.CreatedAt, err = toTime(created); err != nil {
		return u, err
	}
	if u.UpdatedAt, err = toTime(updated); err != nil {
		return u, err
	}
	if u.LockUntil, err = toTime(until); err != nil {
		return u, err
	}
	u.Name = name.String
	m, err := decodeData(data)
	if err != nil {
		return u, err
	}
	if list, ok := m["roles"].([]any); ok {
		for _, r := range list {
			if s, ok := r.(string); ok {
				u.Roles = append(u.Roles, s)
			}
		}
	}
	return u, nil
}

func (s *AuthStore) userWhere(ctx context.Context, g *gorm.DB, cond string, arg any) (auth.UserRecord, error) {
	rows, err := g.WithContext(ctx).Raw("SELECT "+userCols+" FROM "+s.table+" WHERE "+cond, arg).Rows()
	if err != nil {
		return auth.UserRecord{}, authErr(err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return auth.UserRecord{}, authErr(err)
		}
		return auth.UserRecord{}, auth.ErrNotFound
	}
	return s.scanUser(rows)
}

// CountUsers implements auth.Store.
func (s *AuthStore) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	if err := s.g.WithContext(ctx).Raw("SELECT count(*) FROM " + s.table).Scan(&n).Error; err != nil {
		return 0, authErr(err)
	}
	return n, nil
}

// UserByID implements auth.Store.
func (s *AuthStore) UserByID(ctx context.Context, id int64) (auth.UserRecord, error) {
	return s.userWhere(ctx, s.db.reads, "id = ?", id)
}

// UserByEmail implements auth.Store.
func (s *AuthStore) UserByEmail(ctx context.Context, email string) (auth.UserRecord, error) {
	return s.userWhere(ctx, s.db.reads, "email = ?", email)
}

func (s *AuthStore) execOne(ctx context.Context, q string, args ...any) error {
	res := s.g.WithContext(ctx).Exec(q, args...)
	if res.Error != nil {
		return authErr(res.Error)
	}
	if res.RowsAffected == 0 {
		return auth.ErrNotFound
	}
	return nil
}

// SetPassword implements auth.Store.
func (s *AuthStore) SetPassword(ctx context.Context, id int64, hash, salt string) error {
	return s.execOne(ctx, "UPDATE "+s.table+" SET hash = ?, salt = ? WHERE id = ?", hash, salt, id)
}

// IncrementLoginAttempts implements auth.Store.
func (s *AuthStore) IncrementLoginAttempts(ctx context.Context, id int64) (int, error) {
	var n []int
	if err := s.g.WithContext(ctx).Raw("UPDATE "+s.table+" SET login_attempts = login_attempts + 1 WHERE id = ? RETURNING login_attempts", id).Scan(&n).Error; err != nil {
		return 0, authErr(err)
	}
	if len(n) == 0 {
		return 0, auth.ErrNotFound
	}
	return n[0], nil
}

// LockUser implements auth.Store.
func (s *AuthStore) LockUser(ctx context.Context, id int64, until time.Time) error {
	return s.execOne(ctx, "UPDATE "+s.table+" SET lock_until = ? WHERE id = ?", s.r().timeArg(until), id)
}

// ResetLoginAttempts implements auth.Store.
func (s *AuthStore) ResetLoginAttempts(ctx context.Context, id int64) error {
	return s.execOne(ctx, "UPDATE "+s.table+" SET login_attempts = 0, lock_until = NULL WHERE id = ?", id)
}

// CreateSession implements auth.Store.
func (s *AuthStore) CreateSession(ctx context.Context, userID int64, ss auth.Session) error {
	r := s.r()
	return authErr(s.g.WithContext(ctx).Exec("INSERT INTO users_sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		ss.ID, userID, r.timeArg(ss.CreatedAt), r.timeArg(ss.ExpiresAt)).Error)
}

func (s *AuthStore) sessions(ctx context.Context, cond string, args ...any) ([]auth.Session, error) {
	rows, err := s.db.reads.WithContext(ctx).Raw("SELECT id, created_at, expires_at FROM users_sessions WHERE "+cond+" ORDER BY created_at, id", args...).Rows()
	if err != nil {
		return nil, authErr(err)
	}
	defer rows.Close()
	var out []auth.Session
	for rows.Next() {
		var ss auth.Session
		var c, e any
		if err := rows.Scan(&ss.ID, &c, &e); err != nil {
			return nil, err
		}
		if ss.CreatedAt, err = toTime(c); err != nil {
			return nil, err
		}
		if ss.ExpiresAt, err = toTime(e); err != nil {
			return nil, err
		}
		out = append(out, ss)
	}
	return out, authErr(rows.Err())
}

// Session implements auth.Store.
func (s *AuthStore) Session(ctx context.Context, userID int64, sid string) (auth.Session, error) {
	ss, err := s.sessions(ctx, "user_id = ? AND id = ?", userID, sid)
	if err != nil {
		return auth.Session{}, err
	}
	if len(ss) == 0 {
		return auth.Session{}, auth.ErrNotFound
	}
	return ss[0], nil
}

// UserSession implements auth.Store: the user and its session in one
// statement, so a request's token costs one pool connection and one round
// trip (a revoked session or a deleted user is no row: ErrNotFound).
func (s *AuthStore) UserSession(ctx context.Context, userID int64, sid string) (auth.UserRecord, auth.Session, error) {
	q := "SELECT u." + strings.ReplaceAll(userCols, ", ", ", u.") + ", s.created_at, s.expires_at FROM " + s.table +
		" u JOIN users_sessions s ON s.user_id = u.id AND s.id = ? WHERE u.id = ?"
	rows, err := s.db.reads.WithContext(ctx).Raw(q, sid, userID).Rows()
	if err != nil {
		return auth.UserRecord{}, auth.Session{}, authErr(err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return auth.UserRecord{}, auth.Session{}, authErr(err)
		}
		return auth.UserRecord{}, auth.Session{}, auth.ErrNotFound
	}
	var created, expires any
	u, err := s.scanUser(rows, &created, &expires)
	if err != nil {
		return u, auth.Session{}, err
	}
	ss := auth.Session{ID: sid}
	if ss.CreatedAt, err = toTime(created); err != nil {
		return u, ss, err
	}
	if ss.ExpiresAt, err = toTime(expires); err != nil {
		return u, ss, err
	}
	return u, ss, nil
}

// ListSessions implements auth.Store.
func (s *AuthStore) ListSessions(ctx context.Context, userID int64) ([]auth.Session, error) {
	return s.sessions(ctx, "user_id = ?", userID)
}

// ExtendSession implements auth.Store.
func (s *AuthStore) ExtendSession(ctx context.Context, userID int64, sid string, exp time.Time) error {
	return s.execOne(ctx, "UPDATE users_sessions SET expires_at = ? WHERE user_id = ? AND id = ?", s.r().timeArg(exp), userID, sid)
}

// DeleteSession implements auth.Store.
func (s *AuthStore) DeleteSession(ctx context.Context, userID int64, sid string) error {
	return s.execOne(ctx, "DELETE FROM users_sessions WHERE user_id = ? AND id = ?", userID, sid)
}

// DeleteSessions implements auth.Store.
func (s *AuthStore) DeleteSessions(ctx context.Context, userID int64, keep string) error {
	return authErr(s.g.WithContext(ctx).Exec("DELETE FROM users_sessions WHERE user_id = ? AND id <> ?", userID, keep).Error)
}

// DeleteExpiredSessions implements auth.Store.
func (s *AuthStore) DeleteExpiredSessions(ctx context.Context, userID int64, now time.Time) error {
	return authErr(s.g.WithContext(ctx).Exec("DELETE FROM users_sessions WHERE user_id = ? AND expires_at <= ?", userID, s.r().timeArg(now)).Error)
}

// CreateAPIKey implements auth.Store.
func (s *AuthStore) CreateAPIKey(ctx context.Context, k auth.NewAPIKey) (auth.APIKey, error) {
	var id int64
	err := s.g.WithContext(ctx).Raw("INSERT INTO users_api_keys (user_id, name, key_hash, hint, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
		k.UserID, k.Name, k.Hash, k.Prefix, s.r().timeArg(k.CreatedAt)).Scan(&id).Error
	if err != nil {
		return auth.APIKey{}, authErr(err)
	}
	return auth.APIKey{ID: id, UserID: k.UserID, Name: k.Name, Prefix: k.Prefix, CreatedAt: k.CreatedAt}, nil
}

func (s *AuthStore) keys(ctx context.Context, cond string, args ...any) ([]auth.APIKey, error) {
	rows, err := s.db.reads.WithContext(ctx).Raw("SELECT id, user_id, name, hint, created_at FROM users_api_keys WHERE "+cond+" ORDER BY id", args...).Rows()
	if err != nil {
		return nil, authErr(err)
	}
	defer rows.Close()
	var out []auth.APIKey
	for rows.Next() {
		var k auth.APIKey
		var c any
		if err := rows.Scan(&k.ID, &k.UserID, &k.Name, &k.Prefix, &c); err != nil {
			return nil, err
		}
		if k.CreatedAt, err = toTime(c); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, authErr(rows.Err())
}

// ListAPIKeys implements auth.Store.
func (s *AuthStore) ListAPIKeys(ctx context.Context, userID int64) ([]auth.APIKey, error) {
	return s.keys(ctx, "user_id = ?", userID)
}

// DeleteAPIKey implements auth.Store.
func (s *AuthStore) DeleteAPIKey(ctx context.Context, userID, keyID int64) error {
	return s.execOne(ctx, "DELETE FROM users_api_keys WHERE user_id = ? AND id = ?", userID, keyID)
}

// APIKeyByHash implements auth.Store.
func (s *AuthStore) APIKeyByHash(ctx context.Context, hash string) (auth.APIKey, error) {
	ks, err := s.keys(ctx, "key_hash = ?", hash)
	if err != nil {
		return auth.APIKey{}, err
	}
	if len(ks) == 0 {
		return auth.APIKey{}, auth.ErrNotFound
	}
	return ks[0], nil
}

// CreateResetToken implements auth.Store.
func (s *AuthStore) CreateResetToken(ctx context.Context, userID int64, hash string, exp time.Time) error {
	r := s.r()
	return authErr(s.g.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("DELETE FROM users_password_resets WHERE user_id = ?", userID).Error; err != nil {
			return err
		}
		return tx.Exec("INSERT INTO users_password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			hash, userID, r.timeArg(time.Now()), r.timeArg(exp)).Error
	}))
}

// ResetTokenUser implements auth.Store.
func (s *AuthStore) ResetTokenUser(ctx context.Context, hash string, now time.Time) (int64, error) {
	var ids []int64
	if err := s.g.WithContext(ctx).Raw("SELECT user_id FROM users_password_resets WHERE token_hash = ? AND expires_at > ?", hash, s.r().timeArg(now)).Scan(&ids).Error; err != nil {
		return 0, authErr(err)
	}
	if len(ids) == 0 {
		return 0, auth.ErrNotFound
	}
	return ids[0], nil
}

// DeleteResetTokens implements auth.Store.
func (s *AuthStore) DeleteResetTokens(ctx context.Context, userID int64) error {
	if err := s.g.WithContext(ctx).Exec("DELETE FROM users_password_resets WHERE user_id = ?", userID).Error; err != nil {
		return authErr(err)
	}
	return nil
}

// ConsumeResetToken implements auth.Store.
func (s *AuthStore) ConsumeResetToken(ctx context.Context, hash string, now time.Time) (int64, error) {
	var ids []int64
	if err := s.g.WithContext(ctx).Raw("DELETE FROM users_password_resets WHERE token_hash = ? AND expires_at > ? RETURNING user_id", hash, s.r().timeArg(now)).Scan(&ids).Error; err != nil {
		return 0, authErr(err)
	}
	if len(ids) == 0 {
		return 0, auth.ErrNotFound
	}
	return ids[0], nil
}

// Preference implements auth.Store.
func (s *AuthStore) Preference(ctx context.Context, userID int64, name string) (string, error) {
	var values []string
	err := s.db.reads.WithContext(ctx).Raw("SELECT value FROM users_preferences WHERE user_id = ? AND name = ?", userID, name).Scan(&values).Error
	if err != nil {
		return "", fmt.Errorf("read preference: %w", classify(err))
	}
	if len(values) == 0 {
		return "", nil
	}
	return values[0], nil
}

// SetPreference implements auth.Store.
func (s *AuthStore) SetPreference(ctx context.Context, userID int64, name, value string, at time.Time) error {
	err := s.g.WithContext(ctx).Exec("INSERT INTO users_preferences (user_id, name, value, updated_at) VALUES (?, ?, ?, ?) "+
		"ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
		userID, name, value, s.r().timeArg(at)).Error
	if err != nil {
		return fmt.Errorf("store preference: %w", classify(err))
	}
	return nil
}
