package auth

import (
	"context"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/automatonic/chronos/app/internal/query"
	"slices"
	"sync"
	"time"
)

// fakeStore is an in-memory Store. One mutex makes every method atomic, which
// is the behaviour the real store must provide with transactions.
type fakeStore struct {
	mu       sync.Mutex
	now      func() time.Time
	nextUser int64
	nextKey  int64
	users    map[int64]*UserRecord
	sessions map[int64][]Session
	keys     map[int64]fakeKey
	resets   map[string]fakeReset // by token hash
	prefs    map[int64]map[string]string
	def      *content.Collection // the users definition
}

type fakeKey struct {
	APIKey
	hash string
}

type fakeReset struct {
	userID  int64
	expires time.Time
}

func newFakeStore(now func() time.Time, def *content.Collection) *fakeStore {
	return &fakeStore{
		def:      def,
		now:      now,
		users:    map[int64]*UserRecord{},
		sessions: map[int64][]Session{},
		keys:     map[int64]fakeKey{},
		resets:   map[string]fakeReset{},
		prefs:    map[int64]map[string]string{},
	}
}

func (f *fakeStore) CountUsers(context.Context) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return int64(len(f.users)), nil
}

func (f *fakeStore) insert(email, name string, roles []string, hash, salt string) (User, error) {
	for _, r := range f.users {
		if r.Email == email {
			return User{}, fault.Field("email", "A user with the given email is already registered.")
		}
	}
	f.nextUser++
	rec := &UserRecord{
		User: User{ID: f.nextUser, Email: email, Name: name, Roles: slices.Clone(roles), CreatedAt: f.now()},
		Hash: hash, Salt: salt,
	}
	f.users[rec.ID] = rec
	return rec.User, nil
}

// CreateAccount stands in for content.Service.CreateAccount: the profile
// is checked by the users definition (content.CheckFields), the caller's
// errors come with it, and the document carries what content's would.
func (f *fakeStore) CreateAccount(_ context.Context, _ *content.Actor, a content.NewAccount, _ content.WriteOptions) (content.WriteResult, error) {
	out, err := content.CheckFields(f.def, a.Input, true)
	fields := append(fault.FieldsOf(err), a.Errors...)
	if len(fields) > 0 {
		return content.WriteResult{}, &content.ValidationError{Collection: f.def.Slug, Errors: fields}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if a.First && len(f.users) > 0 {
		return content.WriteResult{}, content.ErrAccountsExist
	}
	var roles []string
	list, _ := out["roles"].([]any)
	for _, r := range list {
		roles = append(roles, r.(string))
	}
	name, _ := out["name"].(string)
	u, err := f.insert(out["email"].(string), name, roles, a.Credentials.Hash, a.Credentials.Salt)
	if err != nil {
		return content.WriteResult{}, err
	}
	doc := content.Doc{"id": u.ID, "email": u.Email, "name": u.Name, "roles": list, "createdAt": content.FormatTime(u.CreatedAt)}
	return content.WriteResult{Doc: doc, Message: "User successfully created."}, nil
}

func (f *fakeStore) UserByID(_ context.Context, id int64) (UserRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.users[id]
	if !ok {
		return UserRecord{}, ErrNotFound
	}
	c := *r
	c.Roles = slices.Clone(r.Roles)
	return c, nil
}

func (f *fakeStore) UserByEmail(ctx context.Context, email string) (UserRecord, error) {
	f.mu.Lock()
	var id int64
	for _, r := range f.users {
		if r.Email == email {
			id = r.ID
		}
	}
	f.mu.Unlock()
	return f.UserByID(ctx, id)
}

// userDoc is the document content would shape of r.
func userDoc(r *UserRecord) content.Doc {
	roles := make([]any, len(r.Roles))
	for i, x := range r.Roles {
		roles[i] = x
	}
	return content.Doc{"id": r.ID, "email": r.Email, "name": r.Name, "roles": roles, "createdAt": content.FormatTime(r.CreatedAt)}
}

// guard runs KeepAnAdmin as content runs the users' Guard: after the
// write, on the users as the write left them.
func (f *fakeStore) guard(ctx context.Context, before, after content.Doc) error {
	count := func(_ context.Context, w query.Where) (int64, error) {
		var n int64
		for _, r := range f.users {
			if w.IsZero() || r.HasRole(content.RoleAdmin) {
				n++
			}
		}
		return n, nil
	}
	return KeepAnAdmin(ctx, content.Change{Before: before, After: after, Count: count})
}

// UpdateAccount stands in for content.Service.UpdateAccount: the changed
// fields are checked by the users definition, the caller's errors come
// with them, the credentials are stored with the change and the users'
// Guard (KeepAnAdmin) runs on the result, atomically.
func (f *fakeStore) UpdateAccount(ctx context.Context, actor *content.Actor, id int64, ch content.AccountChange, _ content.WriteOptions) (content.WriteResult, error) {
	out, err := content.CheckFields(f.def, ch.Input, false)
	if fields := append(fault.FieldsOf(err), ch.Errors...); len(fields) > 0 {
		return content.WriteResult{}, &content.ValidationError{Collection: f.def.Slug, ID: id, Errors: fields}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.users[id]
	if !ok || (!actor.IsAdmin() && actor.ID != id) {
		return content.WriteResult{}, content.ErrNotFound
	}
	next := *r
	if e, ok := out["email"].(string); ok {
		for _, o := range f.users {
			if o.ID != id && o.Email == e {
				return content.WriteResult{}, fault.Field("email", "A user with the given email is already registered.")
			}
		}
		next.Email = e
	}
	if _, ok := out["name"]; ok {
		next.Name, _ = out["name"].(string)
	}
	if list, ok := out["roles"].([]any); ok {
		next.Roles = nil
		for _, x := range list {
			next.Roles = append(next.Roles, x.(string))
		}
	}
	if ch.Credentials != nil {
		next.Hash, next.Salt = ch.Credentials.Hash, ch.Credentials.Salt
	}
	next.UpdatedAt = f.now()
	f.users[id] = &next
	if err := f.guard(ctx, userDoc(r), userDoc(&next)); err != nil {
		f.users[id] = r
		return content.WriteResult{}, err
	}
	return content.WriteResult{Doc: userDoc(&next), Message: "Updated successfully."}, nil
}

// DeleteAccount stands in for content.Service.DeleteAccount: the user
// goes with their sessions and keys, unless the users' Guard refuses.
func (f *fakeStore) DeleteAccount(ctx context.Context, actor *content.Actor, id int64, _ content.ReadOptions) (content.WriteResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.users[id]
	if !ok || !actor.IsAdmin() {
		return content.WriteResult{}, content.ErrNotFound
	}
	delete(f.users, id)
	if err := f.guard(ctx, userDoc(r), nil); err != nil {
		f.users[id] = r
		return content.WriteResult{}, err
	}
	delete(f.sessions, id)
	for kid, k := range f.keys {
		if k.UserID == id {
			delete(f.keys, kid)
		}
	}
	return content.WriteResult{Doc: userDoc(r), Message: "Deleted successfully."}, nil
}

func (f *fakeStore) withUser(id int64, fn func(*UserRecord)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.users[id]
	if !ok {
		return ErrNotFound
	}
	fn(r)
	return nil
}

func (f *fakeStore) SetPassword(_ context.Context, id int64, hash, salt string) error {
	return f.withUser(id, func(r *UserRecord) { r.Hash, r.Salt = hash, salt })
}

func (f *fakeStore) IncrementLoginAttempts(_ context.Context, id int64) (int, error) {
	var n int
	err := f.withUser(id, func(r *UserRecord) { r.LoginAttempts++; n = r.LoginAttempts })
	return n, err
}

func (f *fakeStore) LockUser(_ context.Context, id int64, until time.Time) error {
	return f.withUser(id, func(r *UserRecord) { r.LockUntil = until })
}

func (f *fakeStore) ResetLoginAttempts(_ context.Context, id int64) error {
	return f.withUser(id, func(r *UserRecord) { r.LoginAttempts, r.LockUntil = 0, time.Time{} })
}

func (f *fakeStore) CreateSession(_ context.Context, userID int64, s Session) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessions[userID] = append(f.sessions[userID], s)
	return nil
}

func (f *fakeStore) Session(_ context.Context, userID int64, sid string) (Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.sessions[userID] {
		if s.ID == sid {
			return s, nil
		}
	}
	return Session{}, ErrNotFound
}

func (f *fakeStore) UserSession(ctx context.Context, userID int64, sid string) (UserRecord, Session, error) {
	u, err := f.UserByID(ctx, userID)
	if err != nil {
		return u, Session{}, err
	}
	ss, err := f.Session(ctx, userID, sid)
	return u, ss, err
}

func (f *fakeStore) ListSessions(_ context.Context, userID int64) ([]Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sessions[userID]), nil
}

func (f *fakeStore) ExtendSession(_ context.Context, userID int64, sid string, exp time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, s := range f.sessions[userID] {
		if s.ID == sid {
			f.sessions[userID][i].ExpiresAt = exp
			return nil
		}
	}
	return ErrNotFound
}

func (f *fakeStore) deleteSessionsWhere(userID int64, del func(Session) bool) int {
	before := len(f.sessions[userID])
	f.sessions[userID] = slices.DeleteFunc(f.sessions[userID], del)
	return before - len(f.sessions[userID])
}

func (f *fakeStore) DeleteSession(_ context.Context, userID int64, sid string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.deleteSessionsWhere(userID, func(s Session) bool { return s.ID == sid }) == 0 {
		return ErrNotFound
	}
	return nil
}

func (f *fakeStore) DeleteSessions(_ context.Context, userID int64, keep string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleteSessionsWhere(userID, func(s Session) bool { return s.ID != keep })
	return nil
}

func (f *fakeStore) DeleteExpiredSessions(_ context.Context, userID int64, now time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleteSessionsWhere(userID, func(s Session) bool { return !s.ExpiresAt.After(now) })
	return nil
}

func (f *fakeStore) CreateAPIKey(_ context.Context, k NewAPIKey) (APIKey, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextKey++
	ak := APIKey{ID: f.nextKey, UserID: k.UserID, Name: k.Name, Prefix: k.Prefix, CreatedAt: k.CreatedAt}
	f.keys[ak.ID] = fakeKey{ak, k.Hash}
	return ak, nil
}

func (f *fakeStore) ListAPIKeys(_ context.Context, userID int64) ([]APIKey, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []APIKey
	for _, k := range f.keys {
		if k.UserID == userID {
			out = append(out, k.APIKey)
		}
	}
	slices.SortFunc(out, func(a, b APIKey) int { return int(a.ID - b.ID) })
	return out, nil
}

func (f *fakeStore) DeleteAPIKey(_ context.Context, userID, keyID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	k, ok := f.keys[keyID]
	if !ok || k.UserID != userID {
		return ErrNotFound
	}
	delete(f.keys, keyID)
	return nil
}

func (f *fakeStore) APIKeyByHash(_ context.Context, hash string) (APIKey, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range f.keys {
		if k.hash == hash {
			return k.APIKey, nil
		}
	}
	return APIKey{}, ErrNotFound
}

func (f *fakeStore) CreateResetToken(_ context.Context, userID int64, hash string, exp time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for h, r := range f.resets {
		if r.userID == userID {
			delete(f.resets, h)
		}
	}
	f.resets[hash] = fakeReset{userID, exp}
	return nil
}

func (f *fakeStore) ResetTokenUser(_ context.Context, hash string, now time.Time) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.resets[hash]
	if !ok || !r.expires.After(now) {
		return 0, ErrNotFound
	}
	return r.userID, nil
}

func (f *fakeStore) ConsumeResetToken(ctx context.Context, hash string, now time.Time) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.resets[hash]
	if !ok || !r.expires.After(now) {
		return 0, ErrNotFound
	}
	delete(f.resets, hash)
	return r.userID, nil
}

func (f *fakeStore) DeleteResetTokens(ctx context.Context, userID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for h, r := range f.resets {
		if r.userID == userID {
			delete(f.resets, h)
		}
	}
	return nil
}

// insertRaw adds a user with a given hash and salt (an imported Payload user).
func (f *fakeStore) insertRaw(email, hash, salt string, roles ...string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, _ := f.insert(email, "", roles, hash, salt)
	return u.ID
}

func (f *fakeStore) record(id int64) UserRecord {
	r, _ := f.UserByID(context.Background(), id)
	return r
}

var _ Store = (*fakeStore)(nil)

func (f *fakeStore) Preference(_ context.Context, userID int64, name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.prefs[userID][name], nil
}

func (f *fakeStore) SetPreference(_ context.Context, userID int64, name, value string, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.prefs[userID] == nil {
		f.prefs[userID] = map[string]string{}
	}
	f.prefs[userID][name] = value
	return nil
}
