package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/cli"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/automatonic/chronos/app/internal/server"
)

// userCase is one input to the three ways of creating a user.
type userCase struct {
	name                         string
	email, userName, role, passw string
	accept                       bool
}

// profile is what a stored user row says.
type profile struct {
	Email, Name string
	Roles       []any
}

// TestUsersSameInputSameAnswer drives `cms users create`, POST /api/users
// and the admin's new-user form with the same table of inputs: all three
// accept and refuse the same ones and store the same profile for the ones
// they accept, because all three go through auth to the users definition.
func TestUsersSameInputSameAnswer(t *testing.T) {
	cases := []userCase{
		{"plain", "Ann@Example.com", "Ann", "editor", "long-enough-password", true},
		{"admin role", "boss@example.com", "Boss", "admin", "long-enough-password", true},
		{"name trimmed", "trim@example.com", "  Bo  ", "editor", "long-enough-password", true},
		{"no name", "anon@example.com", "", "editor", "long-enough-password", true},
		{"200 characters of two bytes", "wide@example.com", strings.Repeat("é", 200), "editor", "long-enough-password", true},
		{"201 characters", "long@example.com", strings.Repeat("n", 201), "editor", "long-enough-password", false},
		{"not an email", "not-an-email", "X", "editor", "long-enough-password", false},
		{"no dot in the domain", "a@localhost", "X", "editor", "long-enough-password", false},
		{"short password", "short@example.com", "X", "editor", "short", false},
		{"password is the email", "same@example.com", "X", "editor", "same@example.com", false},
	}
	got := map[string]map[string]*profile{
		"cli":   createByCLI(t, cases),
		"rest":  createByREST(t, cases),
		"admin": createByAdmin(t, cases),
	}
	for _, tc := range cases {
		key := strings.ToLower(tc.email)
		for via, rows := range got {
			if (rows[key] != nil) != tc.accept {
				t.Errorf("%s via %s: stored = %v, want accepted = %v", tc.name, via, rows[key] != nil, tc.accept)
			}
		}
		if !reflect.DeepEqual(got["cli"][key], got["rest"][key]) || !reflect.DeepEqual(got["cli"][key], got["admin"][key]) {
			t.Errorf("%s: stored rows differ: cli %+v, rest %+v, admin %+v", tc.name, got["cli"][key], got["rest"][key], got["admin"][key])
		}
	}
}

// storedUsers reads every user of app as an admin, by email.
func storedUsers(t *testing.T, app *server.App) map[string]*profile {
	t.Helper()
	l, err := app.Content().Find(context.Background(), &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}, "users",
		query.Params{Limit: 100}, content.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*profile{}
	for _, d := range l.Docs {
		p := &profile{}
		p.Email, _ = d["email"].(string)
		p.Name, _ = d["name"].(string)
		p.Roles, _ = d["roles"].([]any)
		out[p.Email] = p
	}
	return out
}

func createByCLI(t *testing.T, cases []userCase) map[string]*profile {
	dir := t.TempDir()
	environ := []string{contract.CMSDataDir + "=" + dir}
	for _, tc := range cases {
		var out, errb bytes.Buffer
		args := []string{"users", "create", "--email", tc.email, "--name", tc.userName, "--role", tc.role, "--password-stdin", "--env-file", ""}
		code := cli.Run(context.Background(), &cli.Env{Args: args, Stdin: strings.NewReader(tc.passw + "\n"), Stdout: &out, Stderr: &errb, Environ: environ})
		if code != 0 && code != 1 {
			t.Fatalf("%s: cms users create exited %d: %s", tc.name, code, errb.String())
		}
	}
	cfg, err := config.Load(map[string]string{contract.CMSDataDir: dir, contract.PayloadSecret: "handlers-test-secret-0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	app, err := server.Build(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	return storedUsers(t, app)
}

func createByREST(t *testing.T, cases []userCase) map[string]*profile {
	s := newSite(t)
	s.signIn(t)
	for _, tc := range cases {
		body, _ := json.Marshal(map[string]any{"email": tc.email, "name": tc.userName, "roles": []string{tc.role}, "password": tc.passw})
		req, _ := http.NewRequest(http.MethodPost, s.url+"/api/users", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", s.url)
		resp, err := s.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: POST /api/users = %d", tc.name, resp.StatusCode)
		}
	}
	rows := storedUsers(t, s.app)
	delete(rows, "a@example.com") // the signed-in admin
	return rows
}

func createByAdmin(t *testing.T, cases []userCase) map[string]*profile {
	s := newSite(t)
	s.signIn(t)
	for _, tc := range cases {
		resp, _ := s.post(t, "/admin/collections/users/create", url.Values{"_csrf": {s.token(t, "/admin/collections/users/create")},
			"email": {tc.email}, "name": {tc.userName}, "role": {tc.role}, "password": {tc.passw}})
		if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: admin create = %d", tc.name, resp.StatusCode)
		}
	}
	rows := storedUsers(t, s.app)
	delete(rows, "a@example.com")
	return rows
}
