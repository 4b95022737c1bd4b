package apitest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/auth"
)

const (
	msgForbidden = `{"errors":[{"message":"You are not allowed to perform this action."}]}`
	anonymousMe  = `{"user":null,"message":"Account"}`
)

// userFieldErr is a users ValidationError on one path.
func userFieldErr(path, msg string) string {
	return `{"errors":[{"name":"ValidationError","data":{"collection":"users","errors":[{"path":"` + path + `","message":` + msg + `}]},"message":"<string>"}]}`
}

// meAs expects /api/users/me to show the user with this email.
func meAs(email, strategy string) string {
	return `{"user":{"email":"` + email + `","collection":"users","_strategy":"` + strategy + `","hash":"<absent>","salt":"<absent>"},"collection":"users","strategy":"` + strategy + `","message":"Account"}`
}

const authUserShape = `{"id":"<id>","email":"<string>","createdAt":"<date>","updatedAt":"<date>","collection":"users","_strategy":"local-jwt",
	"sessions":"<nonnull>","hash":"<absent>","salt":"<absent>","password":"<absent>","loginAttempts":"<absent>","lockUntil":"<absent>"}`

// TestAuthScenarios covers the auth endpoints of issue 5 on both dialects:
// init and (concurrent) first-register, login success and every failure,
// lockout and unlock, the login rate limit, tokens (JWT, Bearer, cookie,
// tampered, expired, revoked), refresh, logout (one and all sessions), API
// keys, the cookie CSRF origin check, roles and the last-admin rule,
// forgot/reset password.
func TestAuthScenarios(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, map[string]string{contract.CMSCORSOrigins: allowedOrigin})
		t.Run("first-register", func(t *testing.T) { runScenarios(t, e, firstRegisterScenarios()) })
		t.Run("concurrent-first-register", func(t *testing.T) { concurrentFirstRegister(t, e) })
		if t.Failed() {
			t.Fatal("no admin; stopping")
		}
		e.set("editorID", fmt.Sprint(e.createUser(t, "editor@example.com", "editor-pass-123", "Editor", "editor")))
		e.set("editor", e.login(t, "editor@example.com", "editor-pass-123"))
		e.createUser(t, "locked@example.com", "locked-pass-123", "Locked", "editor")
		t.Run("login", func(t *testing.T) { runScenarios(t, e, loginScenarios()) })
		t.Run("lockout", func(t *testing.T) { runScenarios(t, e, lockoutScenarios()) })
		t.Run("rate-limit", func(t *testing.T) { rateLimit(t, e) })
		t.Run("tokens", func(t *testing.T) { runScenarios(t, e, tokenScenarios()) })
		t.Run("api-keys", func(t *testing.T) { runScenarios(t, e, apiKeyScenarios()) })
		t.Run("csrf", func(t *testing.T) { runScenarios(t, e, csrfScenarios()) })
		t.Run("users", func(t *testing.T) { runScenarios(t, e, userScenarios()) })
		t.Run("password-reset", func(t *testing.T) { runScenarios(t, e, resetScenarios()) })
	})
}

func firstRegisterScenarios() []Scenario {
	return []Scenario{
		{Name: "init empty", Path: "/api/users/init", WantStatus: 200, WantJSON: `{"initialized":false}`},
		{Name: "me anonymous", Path: "/api/users/me", WantStatus: 200, WantJSON: anonymousMe},
		{Name: "missing password", Method: "POST", Path: "/api/users/first-register", Body: map[string]any{"email": "admin@example.com"},
			WantStatus: 400, WantJSON: `{"errors":[{"name":"ValidationError","data":{"collection":"users","errors":[{"message":"This field is required.","path":"password"}]},"message":"The following field is invalid: password"}]}`},
		{Name: "invalid email", Method: "POST", Path: "/api/users/first-register", Body: map[string]any{"email": "not-an-email", "password": "admin-pass-123"},
			WantStatus: 400, WantJSON: userFieldErr("email", `"Please enter a valid email address."`)},
		{Name: "password too short", Method: "POST", Path: "/api/users/first-register", Body: map[string]any{"email": "admin@example.com", "password": "short"},
			WantStatus: 400, WantJSON: userFieldErr("password", `"<string>"`)},
		{Name: "common password", Method: "POST", Path: "/api/users/first-register", Body: map[string]any{"email": "admin@example.com", "password": "password123"},
			WantStatus: 400, WantJSON: userFieldErr("password", `"<string>"`)},
		{Name: "over-long name", Method: "POST", Path: "/api/users/first-register", Body: map[string]any{"email": "admin@example.com", "password": "admin-pass-123", "name": strings.Repeat("n", 300)},
			WantStatus: 400, WantJSON: userFieldErr("name", `"<string>"`)},
		{Name: "malformed JSON", Method: "POST", Path: "/api/users/first-register", Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"email":`,
			WantStatus: 400, WantJSON: `{"errors":[{"message":"Invalid JSON"}]}`},
		{Name: "still not initialized", Path: "/api/users/init", WantStatus: 200, WantJSON: `{"initialized":false}`},
	}
}

// concurrentFirstRegister fires 10 first-registers at once: exactly one
// user is created, the others get 403.
func concurrentFirstRegister(t *testing.T, e *env) {
	const n = 10
	var wg sync.WaitGroup
	results := make([]*response, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = e.do(t, request{Method: "POST", Path: "/api/users/first-register",
				Body: map[string]any{"email": fmt.Sprintf("admin%d@example.com", i), "password": "admin-pass-123", "name": "Admin"}})
		}()
	}
	close(start)
	wg.Wait()
	winners := 0
	for i, res := range results {
		switch res.Status {
		case 200:
			winners++
			e.set("admin", res.str(t, "token"))
			e.set("adminEmail", fmt.Sprintf("admin%d@example.com", i))
			e.set("adminID", res.str(t, "user.id"))
			checkResponse(t, e, 200, `{"message":"Successfully registered first user.","exp":"<number>","token":"<JWT>","user":`+authUserShape+`}`,
				map[string]string{"Set-Cookie": `~^payload-token=[^;]+; Path=/; Expires=[^;]+; HttpOnly; SameSite=Lax$`}, res)
		case 403:
			checkResponse(t, e, 403, msgForbidden, nil, res)
		default:
			t.Errorf("first-register %d: status %d: %s", i, res.Status, res.Raw)
		}
	}
	if winners != 1 {
		t.Fatalf("%d first-registers succeeded, want exactly 1", winners)
	}
	runScenarios(t, e, []Scenario{
		{Name: "one user exists", Path: "/api/users", Headers: adminH, WantStatus: 200, WantJSON: `{"totalDocs":1,"docs":[{"email":"{{adminEmail}}","roles":["admin"]}]}`},
		{Name: "init done", Path: "/api/users/init", WantStatus: 200, WantJSON: `{"initialized":true}`},
		{Name: "first-register again", Method: "POST", Path: "/api/users/first-register", Body: map[string]any{"email": "late@example.com", "password": "late-pass-123"},
			WantStatus: 403, WantJSON: msgForbidden},
	})
}

func loginScenarios() []Scenario {
	const ip = "127.0.0.2" // its own rate-limit bucket
	login := func(name string, body any, status int, want string) Scenario {
		return Scenario{Name: name, Method: "POST", Path: "/api/users/login", Body: body, IP: ip, WantStatus: status, WantJSON: want}
	}
	wrong := `{"errors":[{"message":"The email or password provided is incorrect."}]}`
	return []Scenario{
		{Name: "success", Method: "POST", Path: "/api/users/login", IP: ip, Body: map[string]any{"email": "Editor@Example.com ", "password": "editor-pass-123"},
			WantStatus: 200, WantJSON: `{"message":"Authentication Passed","exp":"<number>","token":"<JWT>","user":` + authUserShape + `}`,
			WantHeaders: map[string]string{"Set-Cookie": `~^payload-token=[^;]+; Path=/; Expires=[^;]+; HttpOnly; SameSite=Lax$`, "Content-Type": "application/json"},
			After: func(t *testing.T, e *env, res *response) {
				if got := res.str(t, "user.email"); got != "editor@example.com" {
					t.Errorf("email = %q", got)
				}
				e.set("editorLogin", res.str(t, "token"))
			}},
		login("wrong password", map[string]any{"email": "editor@example.com", "password": "wrong-pass-123"}, 401, wrong),
		login("unknown email", map[string]any{"email": "nobody@example.com", "password": "wrong-pass-123"}, 401, wrong),
		login("missing password", map[string]any{"email": "editor@example.com"}, 400,
			`{"errors":[{"name":"ValidationError","data":{"collection":"users","errors":[{"message":"This field is required.","path":"password"}]},"message":"The following field is invalid: password"}]}`),
		login("missing both", map[string]any{}, 400,
			`{"errors":[{"name":"ValidationError","data":{"collection":"users","errors":[{"path":"email"},{"path":"password"}]},"message":"The following fields are invalid: email, password"}]}`),
		login("invalid email", map[string]any{"email": "not-an-email", "password": "editor-pass-123"}, 400, userFieldErr("email", `"Please enter a valid email address."`)),
		login("over-long password", map[string]any{"email": "editor@example.com", "password": strings.Repeat("p", 300)}, 400, userFieldErr("password", `"<string>"`)),
		login("over-long email", map[string]any{"email": strings.Repeat("e", 300) + "@example.com", "password": "editor-pass-123"}, 400, userFieldErr("email", `"<string>"`)),
		{Name: "malformed JSON", Method: "POST", Path: "/api/users/login", IP: ip, Headers: map[string]string{"Content-Type": "application/json"}, Body: `{"email":"x"`,
			WantStatus: 400, WantJSON: `{"errors":[{"message":"Invalid JSON"}]}`},
	}
}

func lockoutScenarios() []Scenario {
	const ip = "127.0.0.3"
	wrong := Scenario{Method: "POST", Path: "/api/users/login", IP: ip, Body: map[string]any{"email": "locked@example.com", "password": "wrong-pass-123"},
		WantStatus: 401, WantJSON: `{"errors":[{"message":"The email or password provided is incorrect."}]}`}
	var out []Scenario
	for i := 1; i <= 5; i++ {
		s := wrong
		s.Name = fmt.Sprintf("failure %d", i)
		out = append(out, s)
	}
	// A lock reads as a wrong password, whatever the password, so it tells
	// no stranger that the address has an account (Payload says "locked").
	locked := `{"errors":[{"message":"The email or password provided is incorrect."}]}`
	return append(out,
		Scenario{Name: "locked even with the right password", Method: "POST", Path: "/api/users/login", IP: ip,
			Body: map[string]any{"email": "locked@example.com", "password": "locked-pass-123"}, WantStatus: 401, WantJSON: locked},
		Scenario{Name: "an unknown address reads the same as a locked one", Method: "POST", Path: "/api/users/login", IP: ip,
			Body: map[string]any{"email": "nobody@example.com", "password": "locked-pass-123"}, WantStatus: 401, WantJSON: locked},
		Scenario{Name: "unlock by an editor is forbidden", Method: "POST", Path: "/api/users/unlock", Headers: editorH,
			Body: map[string]any{"email": "locked@example.com"}, WantStatus: 403, WantJSON: msgForbidden},
		Scenario{Name: "unlock anonymous is forbidden", Method: "POST", Path: "/api/users/unlock",
			Body: map[string]any{"email": "locked@example.com"}, WantStatus: 403},
		Scenario{Name: "unlock by an admin", Method: "POST", Path: "/api/users/unlock", Headers: adminH,
			Body: map[string]any{"email": "locked@example.com"}, WantStatus: 200, WantJSON: `{"message":"Success"}`},
		Scenario{Name: "login works after unlock", Method: "POST", Path: "/api/users/login", IP: ip,
			Body: map[string]any{"email": "locked@example.com", "password": "locked-pass-123"}, WantStatus: 200, WantJSON: `{"message":"Authentication Passed","user":{"email":"locked@example.com"}}`},
	)
}

// rateLimit: login and forgot-password share a per-IP bucket of 10.
func rateLimit(t *testing.T, e *env) {
	const ip = "127.0.0.4"
	// Time stands still for the limiter while the bucket is drained, so a
	// slow machine cannot refill a token before the 11th request.
	defer e.limiterClock.Freeze()()
	for i := range 10 {
		res := e.do(t, request{Method: "POST", Path: "/api/users/forgot-password", IP: ip, Body: map[string]any{"email": fmt.Sprintf("nobody%d@example.com", i)}})
		if res.Status != 200 {
			t.Fatalf("request %d: status %d: %s", i, res.Status, res.Raw)
		}
	}
	runScenarios(t, e, []Scenario{
		{Name: "11th request is limited", Method: "POST", Path: "/api/users/login", IP: ip, Body: map[string]any{"email": "editor@example.com", "password": "editor-pass-123"},
			WantStatus: 429, WantJSON: `{"errors":[{"message":"<string>"}]}`, WantHeaders: map[string]string{"Retry-After": `~^[1-9][0-9]*$`}},
		{Name: "other clients are not limited", Method: "POST", Path: "/api/users/forgot-password", IP: "127.0.0.5", Body: map[string]any{"email": "nobody@example.com"},
			WantStatus: 200, WantJSON: `{"message":"Success"}`},
	})
}

// tokenVariant returns the admin token re-signed or tampered.
func tokenVariant(t *testing.T, token string, edit func(c *auth.Claims), resign bool) string {
	t.Helper()
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c auth.Claims
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	edit(&c)
	if resign {
		s, err := auth.NewTokenSigner([]byte(testSecret)).Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	b, _ := json.Marshal(c)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
}

func tokenScenarios() []Scenario {
	jsonWith := func(h map[string]string) map[string]string {
		out := map[string]string{"Content-Type": "application/json"}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	return []Scenario{
		{Name: "me with JWT", Path: "/api/users/me", Headers: adminH, WantStatus: 200,
			WantJSON: `{"user":` + authUserShape + `,"collection":"users","strategy":"local-jwt","exp":"<number>","token":"{{admin}}","message":"Account"}`},
		{Name: "me with Bearer", Path: "/api/users/me", Headers: map[string]string{"Authorization": "Bearer {{admin}}"}, WantStatus: 200, WantJSON: meAs("{{adminEmail}}", "local-jwt")},
		{Name: "me with cookie", Path: "/api/users/me", Headers: map[string]string{"Cookie": "payload-token={{admin}}"}, WantStatus: 200, WantJSON: meAs("{{adminEmail}}", "local-jwt")},
		{Name: "me with a bad token", Path: "/api/users/me", Headers: map[string]string{"Authorization": "JWT not-a-token"}, WantStatus: 200, WantJSON: anonymousMe},
		{Name: "tampered claims are anonymous", Setup: func(t *testing.T, e *env) {
			e.set("tampered", tokenVariant(t, e.get("admin"), func(c *auth.Claims) { c.ID++ }, false))
		}, Path: "/api/users/me", Headers: map[string]string{"Authorization": "JWT {{tampered}}"}, WantStatus: 200, WantJSON: anonymousMe},
		{Name: "tampered token cannot write", Method: "POST", Path: "/api/pages", Headers: jsonWith(map[string]string{"Authorization": "JWT {{tampered}}"}),
			Body: `{"title":"x"}`, WantStatus: 403, WantJSON: msgForbidden},
		{Name: "token signed with another secret is anonymous", Setup: func(t *testing.T, e *env) {
			parts := strings.Split(e.get("admin"), ".")
			e.set("forged", parts[0]+"."+parts[1]+"."+base64.RawURLEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")))
		}, Path: "/api/users/me", Headers: map[string]string{"Authorization": "JWT {{forged}}"}, WantStatus: 200, WantJSON: anonymousMe},
		{Name: "expired token is anonymous", Setup: func(t *testing.T, e *env) {
			e.set("expired", tokenVariant(t, e.get("admin"), func(c *auth.Claims) {
				c.IssuedAt = time.Now().Add(-3 * time.Hour).Unix()
				c.ExpiresAt = time.Now().Add(-time.Hour).Unix()
			}, true))
		}, Path: "/api/users/me", Headers: map[string]string{"Authorization": "JWT {{expired}}"}, WantStatus: 200, WantJSON: anonymousMe},
		{Name: "expired token cannot write", Method: "POST", Path: "/api/pages", Headers: jsonWith(map[string]string{"Authorization": "JWT {{expired}}"}),
			Body: `{"title":"x"}`, WantStatus: 403},
		{Name: "re-signed valid token is accepted (control)", Setup: func(t *testing.T, e *env) {
			e.set("resigned", tokenVariant(t, e.get("admin"), func(*auth.Claims) {}, true))
		}, Path: "/api/users/me", Headers: map[string]string{"Authorization": "JWT {{resigned}}"}, WantStatus: 200, WantJSON: meAs("{{adminEmail}}", "local-jwt")},
		{Name: "refresh-token", Method: "POST", Path: "/api/users/refresh-token", Headers: adminH, WantStatus: 200,
			WantJSON:    `{"message":"Token refresh successful.","exp":"<number>","refreshedToken":"<JWT>","setCookie":true,"strategy":"local-jwt","user":` + authUserShape + `}`,
			WantHeaders: map[string]string{"Set-Cookie": `~^payload-token=[^;]+;`},
			After: func(t *testing.T, e *env, res *response) {
				r2 := e.do(t, request{Method: "GET", Path: "/api/users/me", Headers: map[string]string{"Authorization": "JWT " + res.str(t, "refreshedToken")}})
				checkResponse(t, e, 200, meAs(e.get("adminEmail"), "local-jwt"), nil, r2)
			}},
		{Name: "alg none token is anonymous", Setup: func(t *testing.T, e *env) {
			parts := strings.Split(e.get("admin"), ".")
			e.set("algNone", base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))+"."+parts[1]+".")
		}, Path: "/api/users/me", Headers: map[string]string{"Authorization": "JWT {{algNone}}"}, WantStatus: 200, WantJSON: anonymousMe},
		{Name: "refresh-token anonymous", Method: "POST", Path: "/api/users/refresh-token", WantStatus: 403, WantJSON: msgForbidden},
		{Name: "logout", Setup: func(t *testing.T, e *env) { e.set("session", e.login(t, "editor@example.com", "editor-pass-123")) },
			Method: "POST", Path: "/api/users/logout", Headers: map[string]string{"Authorization": "JWT {{session}}"},
			WantStatus: 200, WantJSON: `{"message":"Logout successful."}`,
			WantHeaders: map[string]string{"Set-Cookie": `~^payload-token=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; (Max-Age=0; )?HttpOnly; SameSite=Lax$`}},
		{Name: "logged-out token: me is anonymous", Path: "/api/users/me", Headers: map[string]string{"Authorization": "JWT {{session}}"}, WantStatus: 200, WantJSON: anonymousMe},
		{Name: "logged-out token: writes are 403", Method: "POST", Path: "/api/pages", Headers: jsonWith(map[string]string{"Authorization": "JWT {{session}}"}),
			Body: `{"title":"x"}`, WantStatus: 403, WantJSON: msgForbidden},
		{Name: "logged-out token: drafts hidden", Path: "/api/pages/versions", Headers: map[string]string{"Authorization": "JWT {{session}}"}, WantStatus: 403},
		{Name: "other sessions survive a logout", Path: "/api/users/me", Headers: editorH, WantStatus: 200, WantJSON: meAs("editor@example.com", "local-jwt")},
		{Name: "logged-out token cannot refresh", Method: "POST", Path: "/api/users/refresh-token", Headers: map[string]string{"Authorization": "JWT {{session}}"}, WantStatus: 403},
		{Name: "logout anonymous", Method: "POST", Path: "/api/users/logout", WantStatus: 400, WantJSON: `{"errors":[{"message":"No User"}]}`},
		{Name: "logout all sessions", Setup: func(t *testing.T, e *env) {
			e.set("s1", e.login(t, "editor@example.com", "editor-pass-123"))
			e.set("s2", e.login(t, "editor@example.com", "editor-pass-123"))
		}, Method: "POST", Path: "/api/users/logout?allSessions=true", Headers: map[string]string{"Authorization": "JWT {{s1}}"},
			WantStatus: 200, WantJSON: `{"message":"Logout successful."}`},
		{Name: "all sessions: s2 anonymous", Path: "/api/users/me", Headers: map[string]string{"Authorization": "JWT {{s2}}"}, WantStatus: 200, WantJSON: anonymousMe},
		{Name: "all sessions: earlier editor token anonymous", Path: "/api/users/me", Headers: editorH, WantStatus: 200, WantJSON: anonymousMe,
			After: func(t *testing.T, e *env, _ *response) {
				e.set("editor", e.login(t, "editor@example.com", "editor-pass-123"))
			}},
		{Name: "admin unaffected", Path: "/api/users/me", Headers: adminH, WantStatus: 200, WantJSON: meAs("{{adminEmail}}", "local-jwt")},
	}
}

func apiKeyScenarios() []Scenario {
	keyH := map[string]string{"Authorization": "users API-Key {{apiKey}}"}
	keyJSON := map[string]string{"Authorization": "users API-Key {{apiKey}}", "Content-Type": "application/json"}
	editorJSON := map[string]string{"Authorization": "JWT {{editor}}", "Content-Type": "application/json"}
	return []Scenario{
		{Name: "create API key", Method: "POST", Path: "/api/users/{{editorID}}/api-keys", Headers: editorJSON, Body: `{"name":"site"}`,
			WantStatus: 201, WantJSON: `{"key":"<string>","doc":{"id":"<id>","user":{{editorID}},"name":"site","prefix":"<string>","createdAt":"<date>","hash":"<absent>"}}`,
			WantHeaders: map[string]string{"Cache-Control": "no-store"},
			After: func(t *testing.T, e *env, res *response) {
				e.set("apiKey", res.str(t, "key"))
				e.set("apiKeyID", res.str(t, "doc.id"))
			}},
		{Name: "API key authenticates", Path: "/api/users/me", Headers: keyH, WantStatus: 200,
			WantJSON: `{"user":{"email":"editor@example.com"},"strategy":"api-key"}`},
		{Name: "API key can write", Method: "POST", Path: "/api/pages?depth=0", Headers: map[string]string{"Authorization": "users API-Key {{apiKey}}", "Content-Type": "application/json"},
			Body: `{"title":"Via API key","slug":"via-api-key"}`, WantStatus: 201, WantJSON: `{"doc":{"slug":"via-api-key","_status":"draft"}}`},
		{Name: "API key has the user's role", Path: "/api/users", Headers: keyH, WantStatus: 200, WantJSON: `{"totalDocs":1,"docs":[{"email":"editor@example.com"}]}`},
		// A leaked key must not take over its account: email and password
		// changes need an interactive session (and the current password).
		{Name: "API key cannot change the email", Method: "PATCH", Path: "/api/users/{{editorID}}", Headers: keyJSON,
			Body: `{"email":"attacker@example.com","currentPassword":"editor-pass-123"}`, WantStatus: 403, WantJSON: msgForbidden},
		{Name: "API key cannot change the password", Method: "PATCH", Path: "/api/users/{{editorID}}", Headers: keyJSON,
			Body: `{"password":"attacker-pass-123","currentPassword":"editor-pass-123"}`, WantStatus: 403, WantJSON: msgForbidden},
		{Name: "the refused changes did not happen", Method: "POST", Path: "/api/users/login", IP: "127.0.0.9",
			Body: map[string]any{"email": "editor@example.com", "password": "editor-pass-123"}, WantStatus: 200},
		{Name: "API key may change the name", Method: "PATCH", Path: "/api/users/{{editorID}}", Headers: keyJSON,
			Body: `{"name":"Editor"}`, WantStatus: 200, WantJSON: `{"doc":{"email":"editor@example.com","name":"Editor"}}`},
		{Name: "a session needs the current password to change its email", Method: "PATCH", Path: "/api/users/{{editorID}}", Headers: editorJSON,
			Body: `{"email":"editor2@example.com"}`, WantStatus: 400, WantJSON: userFieldErr("currentPassword", `"This field is required."`)},
		{Name: "a wrong current password is refused", Method: "PATCH", Path: "/api/users/{{editorID}}", Headers: editorJSON,
			Body: `{"password":"editor-pass-456","currentPassword":"wrong-pass-123"}`, WantStatus: 400, WantJSON: userFieldErr("currentPassword", `"The current password is incorrect."`)},
		{Name: "API key cannot mint keys", Method: "POST", Path: "/api/users/{{editorID}}/api-keys", Headers: map[string]string{"Authorization": "users API-Key {{apiKey}}", "Content-Type": "application/json"},
			Body: `{"name":"x"}`, WantStatus: 403},
		{Name: "editor cannot create keys for the admin", Method: "POST", Path: "/api/users/{{adminID}}/api-keys", Headers: editorJSON, Body: `{"name":"x"}`, WantStatus: 403},
		{Name: "list API keys", Path: "/api/users/{{editorID}}/api-keys", Headers: editorH, WantStatus: 200,
			WantJSON: `{"docs":[{"id":{{apiKeyID}},"name":"site","key":"<absent>","hash":"<absent>"}]}`},
		{Name: "unknown API key is anonymous", Path: "/api/users/me", Headers: map[string]string{"Authorization": "users API-Key chr_nope"}, WantStatus: 200, WantJSON: anonymousMe},
		{Name: "revoke API key", Method: "DELETE", Path: "/api/users/{{editorID}}/api-keys/{{apiKeyID}}", Headers: editorH, WantStatus: 200},
		{Name: "revoked key is anonymous", Path: "/api/users/me", Headers: keyH, WantStatus: 200, WantJSON: anonymousMe},
		{Name: "revoked key cannot write", Method: "POST", Path: "/api/pages", Headers: map[string]string{"Authorization": "users API-Key {{apiKey}}", "Content-Type": "application/json"},
			Body: `{"title":"x"}`, WantStatus: 403, WantJSON: msgForbidden},
	}
}

func csrfScenarios() []Scenario {
	cookie := func(extra map[string]string) map[string]string {
		h := map[string]string{"Cookie": "payload-token={{editor}}", "Content-Type": "application/json"}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	return []Scenario{
		{Name: "cookie write from a foreign Origin is 403", Method: "POST", Path: "/api/pages", Headers: cookie(map[string]string{"Origin": "http://evil.example"}),
			Body: `{"title":"CSRF","slug":"csrf"}`, WantStatus: 403, WantJSON: msgForbidden},
		{Name: "cookie write from an opaque Origin: null is 403", Method: "POST", Path: "/api/pages", Headers: cookie(map[string]string{"Origin": "null"}),
			Body: `{"title":"CSRF","slug":"csrf"}`, WantStatus: 403, WantJSON: msgForbidden},
		{Name: "cookie write from Origin: null with Sec-Fetch-Site same-origin is still 403", Method: "POST", Path: "/api/pages",
			Headers: cookie(map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-origin"}),
			Body:    `{"title":"CSRF","slug":"csrf"}`, WantStatus: 403},
		{Name: "cookie write as a CORS simple request (text/plain) is 415", Method: "POST", Path: "/api/pages",
			Headers: map[string]string{"Cookie": "payload-token={{editor}}", "Content-Type": "text/plain", "Sec-Fetch-Site": "same-origin"},
			Body:    `{"title":"CSRF","slug":"csrf"}`, WantStatus: 415, WantJSON: `{"errors":[{"message":"<string>"}]}`},
		{Name: "cookie write from a cross-site fetch is 403", Method: "POST", Path: "/api/pages", Headers: cookie(map[string]string{"Sec-Fetch-Site": "cross-site"}),
			Body: `{"title":"CSRF","slug":"csrf"}`, WantStatus: 403},
		{Name: "cookie logout from a foreign Origin is refused", Method: "POST", Path: "/api/users/logout", Headers: cookie(map[string]string{"Origin": "http://evil.example"}),
			WantStatus: 400, WantJSON: `{"errors":[{"message":"No User"}]}`},
		{Name: "cookie read from a foreign Origin still works (GET is safe)", Path: "/api/users/me", Headers: map[string]string{"Cookie": "payload-token={{editor}}", "Origin": "http://evil.example"},
			WantStatus: 200, WantJSON: meAs("editor@example.com", "local-jwt"), WantHeaders: map[string]string{"Access-Control-Allow-Origin": "<absent>"}},
		{Name: "cookie write from an allowed Origin works", Method: "POST", Path: "/api/pages?depth=0", Headers: cookie(map[string]string{"Origin": allowedOrigin}),
			Body: `{"title":"Cookie ok","slug":"cookie-ok"}`, WantStatus: 201, WantJSON: `{"doc":{"slug":"cookie-ok"}}`,
			WantHeaders: map[string]string{"Access-Control-Allow-Origin": allowedOrigin, "Access-Control-Allow-Credentials": "true"}},
		{Name: "cookie write same-origin fetch works", Method: "POST", Path: "/api/pages?depth=0", Headers: cookie(map[string]string{"Sec-Fetch-Site": "same-origin"}),
			Body: `{"title":"Cookie same","slug":"cookie-same"}`, WantStatus: 201},
		{Name: "header token from a foreign Origin is not subject to CSRF", Method: "POST", Path: "/api/pages?depth=0",
			Headers: map[string]string{"Authorization": "JWT {{editor}}", "Origin": "http://evil.example", "Content-Type": "application/json"},
			Body:    `{"title":"Header ok","slug":"header-ok"}`, WantStatus: 201},
	}
}

func userScenarios() []Scenario {
	jsonAdmin := map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}
	return []Scenario{
		{Name: "admin creates a user", Method: "POST", Path: "/api/users", Headers: jsonAdmin, Body: `{"email":"new@example.com","password":"new-pass-1234","name":"New"}`,
			WantStatus: 201, WantJSON: `{"doc":{"id":"<id>","email":"new@example.com","name":"New","roles":["editor"],"collection":"users","sessions":[],"createdAt":"<date>","updatedAt":"<date>","hash":"<absent>","salt":"<absent>"},"message":"User successfully created."}`,
			After: func(t *testing.T, e *env, res *response) { e.set("newID", res.str(t, "doc.id")) }},
		{Name: "duplicate email", Method: "POST", Path: "/api/users", Headers: jsonAdmin, Body: `{"email":"NEW@example.com","password":"new-pass-1234"}`,
			WantStatus: 400, WantJSON: userFieldErr("email", `"A user with the given email is already registered."`)},
		{Name: "create with invalid email", Method: "POST", Path: "/api/users", Headers: jsonAdmin, Body: `{"email":"nope","password":"new-pass-1234"}`,
			WantStatus: 400, WantJSON: userFieldErr("email", `"Please enter a valid email address."`)},
		{Name: "create with an unknown role", Method: "POST", Path: "/api/users", Headers: jsonAdmin, Body: `{"email":"r@example.com","password":"new-pass-1234","roles":["root"]}`,
			WantStatus: 400, WantJSON: userFieldErr("roles", `"<string>"`)},
		{Name: "create with over-long email", Method: "POST", Path: "/api/users", Headers: jsonAdmin, Body: `{"email":"` + strings.Repeat("a", 260) + `@example.com","password":"new-pass-1234"}`,
			WantStatus: 400, WantJSON: userFieldErr("email", `"<string>"`)},
		{Name: "anonymous cannot create users", Method: "POST", Path: "/api/users", Body: map[string]any{"email": "anon@example.com", "password": "anon-pass-123"}, WantStatus: 403, WantJSON: msgForbidden},
		{Name: "editor cannot create users", Method: "POST", Path: "/api/users", Headers: map[string]string{"Authorization": "JWT {{editor}}", "Content-Type": "application/json"},
			Body: `{"email":"e2@example.com","password":"new-pass-1234"}`, WantStatus: 403, WantJSON: msgForbidden},
		{Name: "anonymous cannot list users", Path: "/api/users", WantStatus: 403, WantJSON: msgForbidden},
		{Name: "editor lists only self", Path: "/api/users", Headers: editorH, WantStatus: 200, WantJSON: `{"totalDocs":1,"docs":[{"id":{{editorID}}}]}`},
		{Name: "editor cannot read another user", Path: "/api/users/{{adminID}}", Headers: editorH, WantStatus: 404},
		{Name: "editor reads self", Path: "/api/users/{{editorID}}", Headers: editorH, WantStatus: 200, WantJSON: `{"email":"editor@example.com","hash":"<absent>"}`},
		{Name: "admin reads a user", Path: "/api/users/{{newID}}", Headers: adminH, WantStatus: 200, WantJSON: `{"id":{{newID}},"email":"new@example.com","collection":"users","sessions":[]}`},
		{Name: "editor updates own name", Method: "PATCH", Path: "/api/users/{{editorID}}", Headers: map[string]string{"Authorization": "JWT {{editor}}", "Content-Type": "application/json"},
			Body: `{"name":"Editor Renamed"}`, WantStatus: 200, WantJSON: `{"doc":{"name":"Editor Renamed"},"message":"Updated successfully."}`},
		{Name: "editor cannot promote self", Method: "PATCH", Path: "/api/users/{{editorID}}", Headers: map[string]string{"Authorization": "JWT {{editor}}", "Content-Type": "application/json"},
			Body: `{"roles":["admin"]}`, WantStatus: 403},
		{Name: "editor cannot update others", Method: "PATCH", Path: "/api/users/{{newID}}", Headers: map[string]string{"Authorization": "JWT {{editor}}", "Content-Type": "application/json"},
			Body: `{"name":"x"}`, WantStatus: 403},
		{Name: "editor cannot delete users", Method: "DELETE", Path: "/api/users/{{newID}}", Headers: editorH, WantStatus: 403},
		{Name: "demoting the last admin", Method: "PATCH", Path: "/api/users/{{adminID}}", Headers: jsonAdmin, Body: `{"roles":["editor"]}`,
			WantStatus: 400, WantJSON: `{"errors":[{"name":"ValidationError","data":{"collection":"users","errors":[{"path":"roles","message":"At least one user must keep the admin role."}]}}]}`},
		{Name: "deleting the last admin", Method: "DELETE", Path: "/api/users/{{adminID}}", Headers: adminH,
			WantStatus: 400, WantJSON: `{"errors":[{"name":"ValidationError","data":{"collection":"users","errors":[{"path":"roles"}]}}]}`},
		{Name: "still admin", Path: "/api/users/{{adminID}}", Headers: adminH, WantStatus: 200, WantJSON: `{"roles":["admin"]}`},
		{Name: "promote a second admin", Method: "PATCH", Path: "/api/users/{{newID}}", Headers: jsonAdmin, Body: `{"roles":["admin","editor"]}`,
			WantStatus: 200, WantJSON: `{"doc":{"roles":["admin","editor"]}}`},
		{Name: "now the first admin may be demoted… by the other", Method: "DELETE", Path: "/api/users/{{newID}}", Headers: adminH,
			WantStatus: 200, WantJSON: `{"doc":{"id":{{newID}},"email":"new@example.com"},"message":"Deleted successfully."}`},
		{Name: "deleted user is gone", Path: "/api/users/{{newID}}", Headers: adminH, WantStatus: 404},
		{Name: "password change keeps the own session, revokes the others", Setup: func(t *testing.T, e *env) {
			e.set("other", e.login(t, "editor@example.com", "editor-pass-123"))
		}, Method: "PATCH", Path: "/api/users/{{editorID}}", Headers: map[string]string{"Authorization": "JWT {{editor}}", "Content-Type": "application/json"},
			Body: `{"password":"changed-pass-123","currentPassword":"editor-pass-123"}`, WantStatus: 200, WantJSON: `{"doc":{"email":"editor@example.com","hash":"<absent>","password":"<absent>"}}`,
			After: func(t *testing.T, e *env, _ *response) {
				checkResponse(t, e, 200, meAs("editor@example.com", "local-jwt"), nil, e.do(t, request{Method: "GET", Path: "/api/users/me", Headers: editorH}))
				checkResponse(t, e, 200, anonymousMe, nil, e.do(t, request{Method: "GET", Path: "/api/users/me", Headers: map[string]string{"Authorization": "JWT {{other}}"}}))
				// The reset flow below starts from the original password.
				e.set("other", e.login(t, "editor@example.com", "changed-pass-123"))
				res := e.do(t, request{Method: "PATCH", Path: "/api/users/{{editorID}}", Headers: map[string]string{"Authorization": "JWT {{other}}", "Content-Type": "application/json"}, Body: `{"password":"editor-pass-123","currentPassword":"changed-pass-123"}`})
				if res.Status != 200 {
					t.Fatalf("restore password: %d %s", res.Status, res.Raw)
				}
			}},
		{Name: "update unknown user", Method: "PATCH", Path: "/api/users/999999", Headers: jsonAdmin, Body: `{"name":"x"}`, WantStatus: 404},
	}
}

var reResetLink = regexp.MustCompile(`/admin/reset/([A-Za-z0-9_-]+)`)

func resetScenarios() []Scenario {
	grab := func(t *testing.T, e *env, _ *response) {
		line := e.logs.find("password reset link", "user_id="+e.get("editorID"))
		m := reResetLink.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("no reset link logged; log line %q", line)
		}
		e.set("resetToken", m[1])
	}
	return []Scenario{
		{Name: "forgot-password known email", Method: "POST", Path: "/api/users/forgot-password", IP: "127.0.0.6", Body: map[string]any{"email": "editor@example.com"},
			WantStatus: 200, WantJSON: `{"message":"Success"}`, After: grab},
		{Name: "forgot-password unknown email", Method: "POST", Path: "/api/users/forgot-password", IP: "127.0.0.6", Body: map[string]any{"email": "nobody@example.com"},
			WantStatus: 200, WantJSON: `{"message":"Success"}`},
		{Name: "forgot-password missing email", Method: "POST", Path: "/api/users/forgot-password", IP: "127.0.0.6", Body: map[string]any{},
			WantStatus: 400, WantJSON: userFieldErr("email", `"This field is required."`)},
		{Name: "reset with a bad token", Method: "POST", Path: "/api/users/reset-password", Body: map[string]any{"token": "nope", "password": "brand-new-pass-1"},
			WantStatus: 403, WantJSON: `{"errors":[{"message":"Token is either invalid or has expired."}]}`},
		{Name: "reset with a weak password keeps the token", Method: "POST", Path: "/api/users/reset-password", Body: `{"token":"{{resetToken}}","password":"short"}`,
			Headers: map[string]string{"Content-Type": "application/json"}, WantStatus: 400, WantJSON: userFieldErr("password", `"<string>"`)},
		{Name: "reset-password", Method: "POST", Path: "/api/users/reset-password", Body: `{"token":"{{resetToken}}","password":"brand-new-pass-1"}`,
			Headers:    map[string]string{"Content-Type": "application/json"},
			WantStatus: 200, WantJSON: `{"message":"Password reset successfully.","token":"<JWT>","user":{"email":"editor@example.com"}}`,
			After: func(t *testing.T, e *env, res *response) { e.set("afterReset", res.str(t, "token")) }},
		{Name: "reset revokes older sessions", Path: "/api/users/me", Headers: editorH, WantStatus: 200, WantJSON: anonymousMe},
		{Name: "reset token is single-use", Method: "POST", Path: "/api/users/reset-password", Body: `{"token":"{{resetToken}}","password":"another-pass-12"}`,
			Headers: map[string]string{"Content-Type": "application/json"}, WantStatus: 403},
		{Name: "new session works", Path: "/api/users/me", Headers: map[string]string{"Authorization": "JWT {{afterReset}}"}, WantStatus: 200, WantJSON: meAs("editor@example.com", "local-jwt")},
		{Name: "old password no longer works", Method: "POST", Path: "/api/users/login", IP: "127.0.0.6", Body: map[string]any{"email": "editor@example.com", "password": "editor-pass-123"}, WantStatus: 401},
		{Name: "new password works", Method: "POST", Path: "/api/users/login", IP: "127.0.0.6", Body: map[string]any{"email": "editor@example.com", "password": "brand-new-pass-1"}, WantStatus: 200},
		// A reset offers to revoke the account's API keys (a leaked key
		// is a reason to reset); without revokeApiKeys they stay.
		{Name: "an API key before the resets", Method: "POST", Path: "/api/users/{{editorID}}/api-keys", Headers: map[string]string{"Authorization": "JWT {{afterReset}}", "Content-Type": "application/json"},
			Body: `{"name":"kept-or-revoked"}`, WantStatus: 201, After: func(t *testing.T, e *env, res *response) { e.set("resetKey", res.str(t, "key")) }},
		{Name: "forgot-password for a reset keeping keys", Method: "POST", Path: "/api/users/forgot-password", IP: "127.0.0.17", Body: map[string]any{"email": "editor@example.com"},
			WantStatus: 200, After: grab},
		{Name: "reset without revokeApiKeys", Method: "POST", Path: "/api/users/reset-password", Body: `{"token":"{{resetToken}}","password":"brand-new-pass-2"}`,
			Headers: map[string]string{"Content-Type": "application/json"}, WantStatus: 200},
		{Name: "the API key survives a plain reset", Path: "/api/users/me", Headers: map[string]string{"Authorization": "users API-Key {{resetKey}}"},
			WantStatus: 200, WantJSON: `{"user":{"email":"editor@example.com"},"strategy":"api-key"}`},
		{Name: "forgot-password for a reset revoking keys", Method: "POST", Path: "/api/users/forgot-password", IP: "127.0.0.17", Body: map[string]any{"email": "editor@example.com"},
			WantStatus: 200, After: grab},
		{Name: "reset with revokeApiKeys", Method: "POST", Path: "/api/users/reset-password", Body: `{"token":"{{resetToken}}","password":"brand-new-pass-3","revokeApiKeys":true}`,
			Headers: map[string]string{"Content-Type": "application/json"}, WantStatus: 200},
		{Name: "the API key is revoked by the reset", Path: "/api/users/me", Headers: map[string]string{"Authorization": "users API-Key {{resetKey}}"},
			WantStatus: 200, WantJSON: anonymousMe},
	}
}
