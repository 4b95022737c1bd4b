package auth

import (
	"bytes"
	"context"
	"errors"
	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// syncBuffer is a concurrency-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type fakeMailer struct {
	mu   sync.Mutex
	sent []Mail
}

func (m *fakeMailer) Send(_ context.Context, msg Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

func (m *fakeMailer) last(t *testing.T) Mail {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.sent) == 0 {
		t.Fatal("no mail sent")
	}
	return m.sent[len(m.sent)-1]
}

type env struct {
	svc    *Service
	store  *fakeStore
	clock  *fakeClock
	logs   *syncBuffer
	mailer *fakeMailer
	ctx    context.Context
}

const (
	adminEmail = "admin@example.com"
	adminPass  = "admin-pass-123"
)

// testUsers is the users definition of the real content model.
func testUsers(t testing.TB) *content.Collection {
	t.Helper()
	reg, err := collections.Registry(0)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := reg.AuthCollection()
	if !ok {
		t.Fatal("no auth collection")
	}
	return c
}

func newEnv(t testing.TB, mut func(*Config, *Deps)) *env {
	t.Helper()
	clk := newFakeClock()
	st := newFakeStore(clk.Now, testUsers(t))
	logs := &syncBuffer{}
	m := &fakeMailer{}
	cfg := Config{Secret: []byte("test-secret"), PublicURL: "https://cms.example.com/"}
	deps := Deps{
		Store: st, Accounts: st, Users: testUsers(t), Mailer: m, Now: clk.Now, Hasher: NewHasher(cheapParams, 0),
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mut != nil {
		mut(&cfg, &deps)
	}
	svc, err := NewService(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	return &env{svc: svc, store: st, clock: clk, logs: logs, mailer: m, ctx: context.Background()}
}

// register creates the first (admin) user and returns the login result.
func (e *env) register(t testing.TB) *AuthResult {
	t.Helper()
	res, err := e.svc.FirstRegister(e.ctx, Registration{Email: adminEmail, Password: adminPass, Name: "Admin"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (e *env) auth(t testing.TB, header, cookie string) *Principal {
	t.Helper()
	p, err := e.svc.Authenticate(e.ctx, Credentials{Authorization: header, Cookie: cookie})
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	return p
}

func (e *env) login(t testing.TB, email, pass string) *AuthResult {
	t.Helper()
	res, err := e.svc.Login(e.ctx, email, pass)
	if err != nil {
		t.Fatalf("Login(%s): %v", email, err)
	}
	return res
}

func (e *env) principal(t testing.TB, res *AuthResult) *Principal {
	t.Helper()
	p := e.auth(t, "JWT "+res.Token, "")
	if p == nil {
		t.Fatal("fresh token is anonymous")
	}
	return p
}

// assertNoSecrets fails when any secret appears in the logs.
func (e *env) assertNoSecrets(t *testing.T, secrets ...string) {
	t.Helper()
	logs := e.logs.String()
	for _, s := range secrets {
		if s != "" && strings.Contains(logs, s) {
			t.Errorf("secret %.12q… found in logs:\n%s", s, logs)
		}
	}
}

func wantField(t *testing.T, err error, path, msgPart string) {
	t.Helper()
	for _, fe := range fault.FieldsOf(err) {
		if fe.Path == path && strings.Contains(fe.Message, msgPart) {
			return
		}
	}
	t.Fatalf("err = %v; want field error on %q containing %q", err, path, msgPart)
}

func TestFirstRegister(t *testing.T) {
	e := newEnv(t, nil)
	if ok, err := e.svc.Init(e.ctx); ok || err != nil {
		t.Fatalf("Init = %v, %v; want false", ok, err)
	}
	_, err := e.svc.FirstRegister(e.ctx, Registration{Email: adminEmail})
	wantField(t, err, "password", "required")
	_, err = e.svc.FirstRegister(e.ctx, Registration{Email: "not-an-email", Password: adminPass})
	wantField(t, err, "email", "valid email")
	_, err = e.svc.FirstRegister(e.ctx, Registration{Email: adminEmail, Password: "password"})
	wantField(t, err, "password", "too common")

	res, err := e.svc.FirstRegister(e.ctx, Registration{Email: " Admin@Example.com ", Password: adminPass, Name: "Admin"})
	if err != nil {
		t.Fatal(err)
	}
	if res.User.Email != adminEmail || !res.User.HasRole(content.RoleAdmin) || res.User.Name != "Admin" {
		t.Fatalf("user = %+v", res.User)
	}
	if len(res.Sessions) != 1 || res.Sessions[0].ID != res.SessionID {
		t.Fatalf("sessions = %+v, sid %s", res.Sessions, res.SessionID)
	}
	if want := e.clock.Now().Add(DefaultTokenTTL).Unix(); res.ExpiresAt.Unix() != want {
		t.Fatalf("exp = %d, want %d", res.ExpiresAt.Unix(), want)
	}
	p := e.principal(t, res)
	if p.User.ID != res.User.ID || p.Strategy != StrategyLocalJWT || p.SessionID != res.SessionID || p.FromCookie {
		t.Fatalf("principal = %+v", p)
	}
	if ok, _ := e.svc.Init(e.ctx); !ok {
		t.Fatal("Init false after registration")
	}
	_, err = e.svc.FirstRegister(e.ctx, Registration{Email: "other@example.com", Password: "x-pass-123456"})
	if !errors.Is(err, ErrAlreadyInitialized) || fault.Message(err) != msgForbidden {
		t.Fatalf("second FirstRegister err = %v", err)
	}
	e.assertNoSecrets(t, adminPass, res.Token)
}

// A burst of first-registers creates one user and spends one password
// hash: the others wait their turn and are refused before hashing.
func TestFirstRegisterConcurrent(t *testing.T) {
	var hashes atomic.Int32
	e := newEnv(t, func(_ *Config, d *Deps) {
		real := d.Hasher.argonKey
		d.Hasher.argonKey = func(pw, salt []byte, tm, mem uint32, th uint8, kl uint32) []byte {
			hashes.Add(1)
			return real(pw, salt, tm, mem, th, kl)
		}
	})
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = e.svc.FirstRegister(e.ctx, Registration{
				Email: "admin" + string(rune('a'+i)) + "@example.com", Password: adminPass})
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, ErrAlreadyInitialized):
			t.Fatalf("unexpected error %v", err)
		}
	}
	if n, _ := e.store.CountUsers(e.ctx); ok != 1 || n != 1 {
		t.Fatalf("%d registrations succeeded, %d users; want 1 and 1", ok, n)
	}
	if got := hashes.Load(); got != 1 {
		t.Fatalf("%d password hashes for one registration, want 1", got)
	}
}

func TestLoginValidation(t *testing.T) {
	e := newEnv(t, nil)
	e.register(t)
	_, err := e.svc.Login(e.ctx, adminEmail, "")
	wantField(t, err, "password", msgRequired)
	_, err = e.svc.Login(e.ctx, "", "")
	wantField(t, err, "email", msgRequired)
	wantField(t, err, "password", msgRequired)
	if _, err := e.svc.Login(e.ctx, "ADMIN@example.com", adminPass); err != nil {
		t.Fatalf("login is not case-insensitive on email: %v", err)
	}
}

func TestLoginUnknownEmailDoesDummyWork(t *testing.T) {
	e := newEnv(t, nil)
	e.register(t)
	var mu sync.Mutex
	calls := 0
	real := e.svc.hasher.argonKey
	e.svc.hasher.argonKey = func(pw, salt []byte, tm, mem uint32, th uint8, kl uint32) []byte {
		mu.Lock()
		calls++
		mu.Unlock()
		return real(pw, salt, tm, mem, th, kl)
	}
	_, err := e.svc.Login(e.ctx, "nobody@example.com", "whatever-pass")
	if !errors.Is(err, ErrInvalidCredentials) || fault.Message(err) != "The email or password provided is incorrect." {
		t.Fatalf("unknown email err = %v", err)
	}
	if calls != 1 {
		t.Fatalf("unknown email did %d derivations, want 1 (same as a wrong password)", calls)
	}
	_, err = e.svc.Login(e.ctx, adminEmail, "wrong-pass-1")
	if !errors.Is(err, ErrInvalidCredentials) || calls != 2 {
		t.Fatalf("wrong password err = %v, derivations %d", err, calls)
	}
}

func TestLockoutSequence(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.principal(t, e.register(t))
	if _, err := e.svc.CreateUser(e.ctx, admin, Registration{Email: "ed@example.com", Password: "editor-pass-123"}); err != nil {
		t.Fatal(err)
	}
	for i := range DefaultMaxLoginAttempts {
		if _, err := e.svc.Login(e.ctx, "ed@example.com", "bad-password"); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("failure %d: err = %v", i+1, err)
		}
	}
	_, err := e.svc.Login(e.ctx, "ed@example.com", "editor-pass-123")
	// The lock is not told apart from a wrong password (or an unknown
	// address), with the right password or not.
	if !errors.Is(err, ErrLocked) || fault.Message(err) != fault.Message(ErrInvalidCredentials) {
		t.Fatalf("after 5 failures, right password: err = %v (%q); want ErrLocked with the wrong-password message", err, fault.Message(err))
	}
	if _, err := e.svc.Login(e.ctx, "ed@example.com", "bad-password"); !errors.Is(err, ErrLocked) || fault.Message(err) != fault.Message(ErrInvalidCredentials) {
		t.Fatalf("locked, wrong password: err = %v (%q)", err, fault.Message(err))
	}
	_, unknown := e.svc.Login(e.ctx, "nobody@example.com", "editor-pass-123")
	if fault.Message(unknown) != fault.Message(err) {
		t.Fatalf("unknown address %q, locked account %q: must read the same", fault.Message(unknown), fault.Message(err))
	}
	e.login(t, adminEmail, adminPass) // other accounts are unaffected
	if err := e.svc.Unlock(e.ctx, nil, "ed@example.com"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("anonymous unlock err = %v", err)
	}
	if err := e.svc.Unlock(e.ctx, admin, "ed@example.com"); err != nil {
		t.Fatal(err)
	}
	e.login(t, "ed@example.com", "editor-pass-123")
	if r := e.store.record(2); r.LoginAttempts != 0 || !r.LockUntil.IsZero() {
		t.Fatalf("after login attempts=%d lockUntil=%v", r.LoginAttempts, r.LockUntil)
	}

	// The lock also expires on its own, and the count starts afresh.
	for range DefaultMaxLoginAttempts {
		_, _ = e.svc.Login(e.ctx, "ed@example.com", "bad-password")
	}
	e.clock.Advance(DefaultLockoutDuration - time.Second)
	if _, err := e.svc.Login(e.ctx, "ed@example.com", "editor-pass-123"); !errors.Is(err, ErrLocked) {
		t.Fatalf("before lock expiry err = %v", err)
	}
	e.clock.Advance(2 * time.Second)
	if _, err := e.svc.Login(e.ctx, "ed@example.com", "bad-password"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("after expiry err = %v", err)
	}
	if r := e.store.record(2); r.LoginAttempts != 1 {
		t.Fatalf("attempts after expired lock = %d, want 1", r.LoginAttempts)
	}
	e.login(t, "ed@example.com", "editor-pass-123")
}

func TestUnlockByEditorForbidden(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.principal(t, e.register(t))
	if _, err := e.svc.CreateUser(e.ctx, admin, Registration{Email: "ed@example.com", Password: "editor-pass-123"}); err != nil {
		t.Fatal(err)
	}
	ed := e.principal(t, e.login(t, "ed@example.com", "editor-pass-123"))
	if err := e.svc.Unlock(e.ctx, ed, adminEmail); !errors.Is(err, ErrForbidden) {
		t.Fatalf("editor unlock err = %v", err)
	}
	if _, err := e.svc.CreateUser(e.ctx, ed, Registration{Email: "x@example.com", Password: "x-pass-12345"}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("editor create err = %v", err)
	}
}

func TestLogoutRevokes(t *testing.T) {
	e := newEnv(t, nil)
	a := e.register(t)
	b := e.login(t, adminEmail, adminPass)
	c := e.login(t, adminEmail, adminPass)
	if len(c.Sessions) != 3 {
		t.Fatalf("sessions = %d, want 3", len(c.Sessions))
	}
	pa := e.principal(t, a)
	if err := e.svc.Logout(e.ctx, pa, false); err != nil {
		t.Fatal(err)
	}
	if p := e.auth(t, "JWT "+a.Token, ""); p != nil {
		t.Fatal("logged-out token still authenticates")
	}
	pb := e.principal(t, b)
	e.principal(t, c)
	if err := e.svc.Logout(e.ctx, pb, true); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*AuthResult{b, c} {
		if p := e.auth(t, "Bearer "+r.Token, ""); p != nil {
			t.Fatal("token survived logout allSessions")
		}
	}
	if err := e.svc.Logout(e.ctx, nil, false); !errors.Is(err, ErrNoUser) || fault.Message(err) != "No User" {
		t.Fatalf("anonymous logout err = %v", err)
	}
}

func TestAuthenticateSourcesAndAnonymous(t *testing.T) {
	e := newEnv(t, nil)
	res := e.register(t)
	if p := e.auth(t, "Bearer "+res.Token, ""); p == nil || p.FromCookie {
		t.Fatalf("bearer principal = %+v", p)
	}
	if p := e.auth(t, "", res.Token); p == nil || !p.FromCookie || p.Token != res.Token {
		t.Fatalf("cookie principal = %+v", p)
	}
	if p := e.auth(t, "", ""); p != nil {
		t.Fatal("no credentials authenticated")
	}
	parts := strings.Split(res.Token, ".")
	other, _ := NewTokenSigner([]byte("other")).Sign(Claims{ID: 1, Collection: "users", Email: adminEmail, SID: res.SessionID,
		IssuedAt: e.clock.Now().Unix(), ExpiresAt: e.clock.Now().Unix() + 60})
	for name, header := range map[string]string{
		"garbage":          "JWT not-a-token",
		"tampered":         "JWT " + parts[0] + "." + parts[1] + "x." + parts[2],
		"bad signature":    "JWT " + parts[0] + "." + parts[1] + ".AAAA",
		"other secret":     "JWT " + other,
		"unknown scheme":   "Basic YWRtaW46cGFzcw==",
		"api key garbage":  "users API-Key chr_nope",
		"api key no chr":   "users API-Key " + res.Token,
		"lower-case jwt":   "jwt " + res.Token,
		"wrong collection": "media API-Key chr_x",
	} {
		t.Run(name, func(t *testing.T) {
			if p := e.auth(t, header, ""); p != nil {
				t.Fatalf("authenticated as %+v", p.User)
			}
		})
	}
	t.Run("header wins over cookie", func(t *testing.T) {
		if p := e.auth(t, "JWT garbage", res.Token); p != nil {
			t.Fatal("invalid header token fell back to cookie")
		}
	})
	t.Run("expired", func(t *testing.T) {
		e.clock.Advance(DefaultTokenTTL)
		if p := e.auth(t, "JWT "+res.Token, ""); p != nil {
			t.Fatal("expired token authenticated")
		}
	})
	e.assertNoSecrets(t, res.Token, parts[2])
}

func TestRefreshToken(t *testing.T) {
	e := newEnv(t, nil)
	res := e.register(t)
	e.clock.Advance(time.Hour)
	p := e.principal(t, res)
	ref, err := e.svc.RefreshToken(e.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if ref.SessionID != res.SessionID {
		t.Fatal("refresh changed the session")
	}
	if want := e.clock.Now().Add(DefaultTokenTTL); !ref.Sessions[0].ExpiresAt.Equal(want) {
		t.Fatalf("session expiresAt = %v, want %v", ref.Sessions[0].ExpiresAt, want)
	}
	e.clock.Advance(90 * time.Minute) // past the first token's exp
	if p := e.auth(t, "JWT "+res.Token, ""); p != nil {
		t.Fatal("old token valid past its exp")
	}
	if p := e.auth(t, "JWT "+ref.Token, ""); p == nil {
		t.Fatal("refreshed token invalid inside the extended session")
	}
	if _, err := e.svc.RefreshToken(e.ctx, nil); !errors.Is(err, ErrForbidden) {
		t.Fatalf("anonymous refresh err = %v", err)
	}
}

func TestAPIKeys(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.principal(t, e.register(t))
	res, err := e.svc.CreateUser(e.ctx, admin, Registration{Email: "ed@example.com", Password: "editor-pass-123", Roles: []string{content.RoleEditor}})
	if err != nil {
		t.Fatal(err)
	}
	ed := UserOf(res.Doc)
	edP := e.principal(t, e.login(t, "ed@example.com", "editor-pass-123"))

	key, k, err := e.svc.CreateAPIKey(e.ctx, edP, ed.ID, "site build")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, APIKeyPrefix) || len(key) != len(APIKeyPrefix)+43 || !strings.HasPrefix(key, k.Prefix) {
		t.Fatalf("key %q / prefix %q malformed", key[:8], k.Prefix)
	}
	for _, fk := range e.store.keys {
		if strings.Contains(fk.hash, key) || fk.hash == key {
			t.Fatal("key stored in clear")
		}
	}
	p := e.auth(t, "users API-Key "+key, "")
	if p == nil || p.User.ID != ed.ID || p.Strategy != StrategyAPIKey || p.IsAdmin() {
		t.Fatalf("api key principal = %+v", p)
	}
	// An API key cannot mint keys, change the password or refresh.
	if _, _, err := e.svc.CreateAPIKey(e.ctx, p, ed.ID, "x"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("key minting with a key: %v", err)
	}
	if err := e.svc.ChangePassword(e.ctx, p, "editor-pass-123", "new-editor-pass-1", false); !errors.Is(err, ErrForbidden) {
		t.Fatalf("password change with a key: %v", err)
	}
	// An editor cannot manage an admin's keys; an admin can manage the editor's.
	if _, _, err := e.svc.CreateAPIKey(e.ctx, edP, admin.User.ID, "x"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("editor creating admin key: %v", err)
	}
	if ks, err := e.svc.ListAPIKeys(e.ctx, admin, ed.ID); err != nil || len(ks) != 1 {
		t.Fatalf("ListAPIKeys = %v, %v", ks, err)
	}
	if err := e.svc.RevokeAPIKey(e.ctx, admin, ed.ID, k.ID); err != nil {
		t.Fatal(err)
	}
	if p := e.auth(t, "users API-Key "+key, ""); p != nil {
		t.Fatal("revoked key authenticates")
	}
	if err := e.svc.RevokeAPIKey(e.ctx, admin, ed.ID, k.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second revoke err = %v", err)
	}
	e.assertNoSecrets(t, key, key[len(APIKeyPrefix):])
}

func TestLastAdminRule(t *testing.T) {
	e := newEnv(t, nil)
	reg := e.register(t)
	admin := e.principal(t, reg)
	editor := []string{content.RoleEditor}
	_, err := e.svc.UpdateUser(e.ctx, admin, admin.User.ID, UserUpdate{Roles: &editor})
	wantField(t, err, "roles", "admin")
	_, err = e.svc.DeleteUser(e.ctx, admin, admin.User.ID)
	wantField(t, err, "roles", "admin")

	res, err := e.svc.CreateUser(e.ctx, admin, Registration{Email: "second@example.com", Password: "second-pass-123", Roles: []string{content.RoleAdmin}})
	if err != nil {
		t.Fatal(err)
	}
	second := UserOf(res.Doc)
	if _, err := e.svc.UpdateUser(e.ctx, admin, admin.User.ID, UserUpdate{Roles: &editor}); err != nil {
		t.Fatalf("demote with another admin: %v", err)
	}
	// admin is now an editor: it can no longer manage users.
	admin = e.auth(t, "JWT "+reg.Token, "")
	if _, err := e.svc.DeleteUser(e.ctx, admin, second.ID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("editor delete err = %v", err)
	}
	secondP := e.principal(t, e.login(t, "second@example.com", "second-pass-123"))
	_, err = e.svc.DeleteUser(e.ctx, secondP, second.ID)
	wantField(t, err, "roles", "admin")
	// Editors cannot grant themselves roles.
	adminRole := []string{content.RoleAdmin}
	if _, err := e.svc.UpdateUser(e.ctx, admin, admin.User.ID, UserUpdate{Roles: &adminRole}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("self-promotion err = %v", err)
	}
	bogus := []string{"root"}
	_, err = e.svc.UpdateUser(e.ctx, secondP, admin.User.ID, UserUpdate{Roles: &bogus})
	wantField(t, err, "roles", "invalid selection")
}

func TestCreateUserValidation(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.principal(t, e.register(t))
	_, err := e.svc.CreateUser(e.ctx, admin, Registration{Email: adminEmail, Password: "another-pass-1"})
	wantField(t, err, "email", "already registered")
	_, err = e.svc.CreateUser(e.ctx, admin, Registration{Email: "x@example.com", Password: "x@example.com"})
	wantField(t, err, "password", "same as the email")
	_, err = e.svc.CreateUser(e.ctx, admin, Registration{Email: strings.Repeat("a", 250) + "@x.io", Password: "long-email-pass"})
	wantField(t, err, "email", "valid email")
	_, err = e.svc.CreateUser(e.ctx, admin, Registration{Email: "n@example.com", Password: "name-pass-123", Name: strings.Repeat("n", 201)})
	wantField(t, err, "name", "max length")
}

func TestLegacyPayloadImportRehash(t *testing.T) {
	v := loadVectors(t)
	for _, tc := range []struct{ name, hash string }{
		{"legacy 25k/512", v.Legacy},
		{"v1 600k/32", v.V1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			id := e.store.insertRaw("imported@example.com", tc.hash, v.Salt, content.RoleAdmin)
			if _, err := e.svc.Login(e.ctx, "imported@example.com", "wrong horse"); !errors.Is(err, ErrInvalidCredentials) {
				t.Fatalf("wrong password err = %v", err)
			}
			e.login(t, "imported@example.com", v.Password)
			r := e.store.record(id)
			if !strings.HasPrefix(r.Hash, "$argon2id$") || r.Salt != "" {
				t.Fatalf("not re-hashed: hash %.20q salt %q", r.Hash, r.Salt)
			}
			e.login(t, "imported@example.com", v.Password)
			if r2 := e.store.record(id); r2.Hash != r.Hash {
				t.Fatal("current hash re-hashed again")
			}
			e.assertNoSecrets(t, v.Password, tc.hash, v.Salt, r.Hash)
		})
	}
}

func resetToken(t *testing.T, m Mail) string {
	t.Helper()
	const marker = "https://cms.example.com/admin/reset/"
	i := strings.Index(m.Text, marker)
	if i < 0 {
		t.Fatalf("no reset link in mail:\n%s", m.Text)
	}
	return strings.Fields(m.Text[i+len(marker):])[0]
}

func TestPasswordReset(t *testing.T) {
	e := newEnv(t, nil)
	first := e.register(t)
	if err := e.svc.ForgotPassword(e.ctx, "nobody@example.com"); err != nil {
		t.Fatalf("unknown email err = %v", err)
	}
	if len(e.mailer.sent) != 0 {
		t.Fatal("mail sent for unknown email")
	}
	wantField(t, e.svc.ForgotPassword(e.ctx, ""), "email", msgRequired)

	// Lock the account too: a reset clears the lock.
	for range DefaultMaxLoginAttempts {
		_, _ = e.svc.Login(e.ctx, adminEmail, "bad-password")
	}
	if err := e.svc.ForgotPassword(e.ctx, "ADMIN@example.com"); err != nil {
		t.Fatal(err)
	}
	m := e.mailer.last(t)
	tok := resetToken(t, m)
	if m.To != adminEmail {
		t.Fatalf("mail to %q", m.To)
	}
	_, err := e.svc.ResetPassword(e.ctx, tok, "password123", false)
	wantField(t, err, "password", "too common")
	res, err := e.svc.ResetPassword(e.ctx, tok, "brand-new-pass-1", false) // token survived the rejected password
	if err != nil {
		t.Fatal(err)
	}
	if p := e.auth(t, "JWT "+first.Token, ""); p != nil {
		t.Fatal("session from before the reset survived")
	}
	e.principal(t, res)
	e.login(t, adminEmail, "brand-new-pass-1")
	if _, err := e.svc.ResetPassword(e.ctx, tok, "another-new-pass-2", false); !errors.Is(err, ErrResetTokenInvalid) ||
		fault.Message(err) != "Token is either invalid or has expired." {
		t.Fatalf("second use err = %v", err)
	}

	// Expiry after one hour.
	if err := e.svc.ForgotPassword(e.ctx, adminEmail); err != nil {
		t.Fatal(err)
	}
	tok2 := resetToken(t, e.mailer.last(t))
	e.clock.Advance(DefaultResetTokenTTL)
	if _, err := e.svc.ResetPassword(e.ctx, tok2, "another-new-pass-2", false); !errors.Is(err, ErrResetTokenInvalid) {
		t.Fatalf("expired token err = %v", err)
	}
	e.assertNoSecrets(t, tok, tok2, "brand-new-pass-1", res.Token)
}

func TestPasswordResetConcurrentSingleUse(t *testing.T) {
	e := newEnv(t, nil)
	e.register(t)
	if err := e.svc.ForgotPassword(e.ctx, adminEmail); err != nil {
		t.Fatal(err)
	}
	tok := resetToken(t, e.mailer.last(t))
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 8 {
		wg.Go(func() {
			if _, err := e.svc.ResetPassword(e.ctx, tok, "concurrent-pass-1", false); err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if ok != 1 {
		t.Fatalf("%d resets succeeded with one token, want 1", ok)
	}
}

func TestForgotPasswordWithoutMailer(t *testing.T) {
	t.Run("development logs the link", func(t *testing.T) {
		e := newEnv(t, func(_ *Config, d *Deps) { d.Mailer = nil })
		e.register(t)
		if err := e.svc.ForgotPassword(e.ctx, adminEmail); err != nil {
			t.Fatal(err)
		}
		logs := e.logs.String()
		if !strings.Contains(logs, "level=INFO") || !strings.Contains(logs, "https://cms.example.com/admin/reset/") {
			t.Fatalf("reset link not logged:\n%s", logs)
		}
	})
	t.Run("production refuses quietly", func(t *testing.T) {
		e := newEnv(t, func(c *Config, d *Deps) { d.Mailer = nil; c.Production = true })
		e.register(t)
		if err := e.svc.ForgotPassword(e.ctx, adminEmail); err != nil {
			t.Fatalf("err = %v, want generic success", err)
		}
		logs := e.logs.String()
		if !strings.Contains(logs, "level=ERROR") || strings.Contains(logs, "/admin/reset/") {
			t.Fatalf("logs:\n%s", logs)
		}
		if len(e.store.resets) != 0 {
			t.Fatal("reset token created without a way to deliver it")
		}
	})
}

func TestChangePasswordRevokesOtherSessions(t *testing.T) {
	e := newEnv(t, nil)
	other := e.register(t)
	cur := e.login(t, adminEmail, adminPass)
	p := e.principal(t, cur)
	if err := e.svc.ChangePassword(e.ctx, p, "wrong-current", "changed-pass-1", false); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("wrong current err = %v", err)
	}
	wantField(t, e.svc.ChangePassword(e.ctx, p, adminPass, "short", false), "password", "minimum length")
	if err := e.svc.ChangePassword(e.ctx, p, adminPass, "changed-pass-1", false); err != nil {
		t.Fatal(err)
	}
	if e.auth(t, "JWT "+other.Token, "") != nil {
		t.Fatal("other session survived password change")
	}
	e.principal(t, cur)
	e.login(t, adminEmail, "changed-pass-1")
}

func TestUpdateOwnPasswordKeepsCurrentSession(t *testing.T) {
	e := newEnv(t, nil)
	other := e.register(t)
	cur := e.principal(t, e.login(t, adminEmail, adminPass))
	pw, current := "updated-pass-12", adminPass
	if _, err := e.svc.UpdateUser(e.ctx, cur, cur.User.ID, UserUpdate{Password: &pw, CurrentPassword: &current}); err != nil {
		t.Fatal(err)
	}
	if e.auth(t, "JWT "+other.Token, "") != nil {
		t.Fatal("other session survived")
	}
	if e.auth(t, "JWT "+cur.Token, "") == nil {
		t.Fatal("current session revoked")
	}
}

func TestNewServiceConfig(t *testing.T) {
	st := newFakeStore(time.Now, testUsers(t))
	if _, err := NewService(Config{}, Deps{Store: st, Accounts: st, Users: testUsers(t)}); err == nil {
		t.Fatal("empty secret accepted")
	}
	if _, err := NewService(Config{Secret: []byte("s"), PasswordMinLength: 6}, Deps{Store: st, Accounts: st, Users: testUsers(t)}); err == nil {
		t.Fatal("min length 6 accepted")
	}
	s, err := NewService(Config{Secret: []byte("s")}, Deps{Store: st, Accounts: st, Users: testUsers(t), Hasher: NewHasher(cheapParams, 0)})
	if err != nil || s.TokenTTL() != DefaultTokenTTL || s.Policy().MinLength() != 8 {
		t.Fatalf("defaults: %v", err)
	}
}

func TestNewUUID(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		u := newUUID()
		if len(u) != 36 || u[14] != '4' || !strings.ContainsRune("89ab", rune(u[19])) || seen[u] {
			t.Fatalf("bad uuid %s", u)
		}
		seen[u] = true
	}
}

// BenchmarkLogin measures a full login (argon2id verify with the default
// parameters, session creation, token signing) against the in-memory store.
func BenchmarkLogin(b *testing.B) {
	e := newEnv(b, func(_ *Config, d *Deps) {
		d.Hasher = NewHasher(DefaultArgon2Params(), 0)
		d.Logger = slog.New(slog.DiscardHandler)
	})
	e.register(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.svc.Login(e.ctx, adminEmail, adminPass); err != nil {
			b.Fatal(err)
		}
		// Keep the session list short so the fake store stays O(1).
		_ = e.store.DeleteSessions(e.ctx, 1, "")
	}
}

// BenchmarkLoginParallel reports login throughput with concurrent clients;
// logins/s = 1e9 / ns/op.
func BenchmarkLoginParallel(b *testing.B) {
	e := newEnv(b, func(_ *Config, d *Deps) {
		d.Hasher = NewHasher(DefaultArgon2Params(), 0)
		d.Logger = slog.New(slog.DiscardHandler)
	})
	e.register(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.svc.Login(e.ctx, adminEmail, adminPass); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func TestLogValuesRedact(t *testing.T) {
	var buf syncBuffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	rec := UserRecord{User: User{ID: 3}, Hash: "$argon2id$secrethash", Salt: "saltsalt"}
	p := &Principal{User: User{ID: 3}, Strategy: StrategyLocalJWT, Token: "tok.en.sig"}
	res := &AuthResult{User: User{ID: 3}, Token: "tok.en.sig"}
	log.Info("x", "rec", rec, "p", p, "res", res,
		"cred", Credentials{Authorization: "JWT tok.en.sig"}, "reg", Registration{Email: "a@b.co", Password: "pw-secret"})
	for _, s := range []string{"secrethash", "saltsalt", "tok.en.sig", "pw-secret"} {
		if strings.Contains(buf.String(), s) {
			t.Fatalf("%q logged: %s", s, buf.String())
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"Admin@Example.COM", "admin@example.com", true},
		{"  a.b+tag@sub.example.org ", "a.b+tag@sub.example.org", true},
		{"", "", false},
		{"admin@localhost", "", false},
		{"Admin <admin@example.com>", "", false},
		{"a@b@example.com", "", false},
		{"no-at.example.com", "", false},
		{"a@example.com\r\nBcc: x@y.z", "", false},
		{strings.Repeat("a", 250) + "@x.io", "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, fe := newEnv(t, nil).svc.normalizeEmail(tc.in)
			if (fe == nil) != tc.ok || got != tc.want {
				t.Fatalf("normalizeEmail(%q) = %q, %v", tc.in, got, fe)
			}
		})
	}
}

// TestCredentialsNeedSessionAndCurrentPassword: an API key cannot change
// its user's email or password; a session changing its own needs the
// current password; a password change revokes outstanding reset tokens and,
// when asked, the API keys.
func TestCredentialsNeedSessionAndCurrentPassword(t *testing.T) {
	e := newEnv(t, nil)
	e.register(t)
	cur := e.principal(t, e.login(t, adminEmail, adminPass))
	key, _, err := e.svc.CreateAPIKey(e.ctx, cur, cur.User.ID, "ci")
	if err != nil {
		t.Fatal(err)
	}
	viaKey := e.auth(t, "users API-Key "+key, "")
	email, pw, wrong, right := "new@example.com", "updated-pass-12", "wrong-pass-123", adminPass
	for _, up := range []UserUpdate{{Email: &email, CurrentPassword: &right}, {Password: &pw, CurrentPassword: &right}} {
		if _, err := e.svc.UpdateUser(e.ctx, viaKey, cur.User.ID, up); !errors.Is(err, ErrForbidden) {
			t.Fatalf("API key update %+v: err %v, want ErrForbidden", up, err)
		}
	}
	name := "Renamed"
	if _, err := e.svc.UpdateUser(e.ctx, viaKey, cur.User.ID, UserUpdate{Name: &name}); err != nil {
		t.Fatalf("API key may rename: %v", err)
	}
	wantField(t, second(e.svc.UpdateUser(e.ctx, cur, cur.User.ID, UserUpdate{Email: &email})), "currentPassword", msgRequired)
	wantField(t, second(e.svc.UpdateUser(e.ctx, cur, cur.User.ID, UserUpdate{Password: &pw, CurrentPassword: &wrong})), "currentPassword", msgWrongCurrentPassword)

	if err := e.svc.ForgotPassword(e.ctx, adminEmail); err != nil {
		t.Fatal(err)
	}
	tok := resetToken(t, e.mailer.last(t))
	if _, err := e.svc.UpdateUser(e.ctx, cur, cur.User.ID, UserUpdate{Password: &pw, CurrentPassword: &right, RevokeAPIKeys: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ResetPassword(e.ctx, tok, "reset-after-change-1", false); !errors.Is(err, ErrResetTokenInvalid) {
		t.Fatalf("reset token mailed before the change still works: %v", err)
	}
	if e.auth(t, "users API-Key "+key, "") != nil {
		t.Fatal("API key survived a password change that revoked keys")
	}
}

func second[T any](_ T, err error) error { return err }
