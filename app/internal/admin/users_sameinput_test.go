package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/cli"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/automatonic/chronos/app/internal/server"
)

// userCase is one input to the three ways of creating a user.
type userCase struct {
	name                         string
	email, userName, role, passw string
	accept                       bool
	// again: the email repeats an earlier case's (a taken email), so a
	// stored row for it is the earlier case's.
	again bool
}

// profile is what a stored user row says.
type profile struct {
	Email, Name string
	Roles       []any
}

// answer is what a surface tells the user of a refused input: the fault
// kind (by name), the public message and the field errors by path. All
// three surfaces derive them from the same error; the admin shows field
// errors next to their fields instead of the message that names them, so
// its message is compared only when it has no field errors.
type answer struct {
	Kind    string
	Message string
	Fields  map[string]string
}

// TestUsersSameInputSameAnswer drives `cms users create`, POST /api/users
// and the admin's new-user form with the same table of inputs (and, in
// "updates", the surfaces that change a profile): all three
// accept and refuse the same ones, store the same profile for the ones
// they accept and, for the ones they refuse, answer the same kind of error
// with the same message and field errors, because all three go through
// auth to the users definition and word the error it returns.
func TestUsersSameInputSameAnswer(t *testing.T) {
	cases := []userCase{
		{name: "plain", email: "Ann@Example.com", userName: "Ann", role: "editor", passw: "long-enough-password", accept: true},
		{name: "admin role", email: "boss@example.com", userName: "Boss", role: "admin", passw: "long-enough-password", accept: true},
		{name: "name trimmed", email: "trim@example.com", userName: "  Bo  ", role: "editor", passw: "long-enough-password", accept: true},
		{name: "no name", email: "anon@example.com", role: "editor", passw: "long-enough-password", accept: true},
		{name: "200 characters of two bytes", email: "wide@example.com", userName: strings.Repeat("é", 200), role: "editor", passw: "long-enough-password", accept: true},
		{name: "201 characters", email: "long@example.com", userName: strings.Repeat("n", 201), role: "editor", passw: "long-enough-password"},
		{name: "not an email", email: "not-an-email", userName: "X", role: "editor", passw: "long-enough-password"},
		{name: "no dot in the domain", email: "a@localhost", userName: "X", role: "editor", passw: "long-enough-password"},
		{name: "no email", role: "editor", passw: "long-enough-password"},
		{name: "email too long", email: strings.Repeat("e", 250) + "@example.com", role: "editor", passw: "long-enough-password"},
		{name: "taken email", email: "ANN@example.com", userName: "Ann again", role: "editor", passw: "long-enough-password", again: true},
		{name: "unknown role", email: "root@example.com", role: "root", passw: "long-enough-password"},
		{name: "short password", email: "short@example.com", userName: "X", role: "editor", passw: "short"},
		{name: "password is the email", email: "same@example.com", userName: "X", role: "editor", passw: "same@example.com"},
		{name: "password too long", email: "huge@example.com", role: "editor", passw: strings.Repeat("p", 257)},
		{name: "two problems", email: "bad-email", role: "editor", passw: "short"},
	}
	rows, answers := map[string]map[string]*profile{}, map[string][]*answer{}
	rows["cli"], answers["cli"] = createByCLI(t, cases)
	rows["rest"], answers["rest"] = createByREST(t, cases)
	rows["admin"], answers["admin"] = createByAdmin(t, cases)
	for i, tc := range cases {
		key := strings.ToLower(tc.email)
		for via := range rows {
			if got := answers[via][i] == nil; got != tc.accept {
				t.Errorf("%s via %s: accepted = %v, want %v (%+v)", tc.name, via, got, tc.accept, answers[via][i])
			}
			if !tc.again && (rows[via][key] != nil) != tc.accept {
				t.Errorf("%s via %s: stored = %v, want %v", tc.name, via, rows[via][key] != nil, tc.accept)
			}
		}
		if !reflect.DeepEqual(rows["cli"][key], rows["rest"][key]) || !reflect.DeepEqual(rows["cli"][key], rows["admin"][key]) {
			t.Errorf("%s: stored rows differ: cli %+v, rest %+v, admin %+v", tc.name, rows["cli"][key], rows["rest"][key], rows["admin"][key])
		}
		cli, rest, adm := answers["cli"][i], answers["rest"][i], answers["admin"][i]
		if tc.accept || cli == nil || rest == nil || adm == nil {
			continue
		}
		if len(cli.Fields) == 0 {
			t.Errorf("%s: refused without a field error: %+v", tc.name, cli)
		}
		if !reflect.DeepEqual(cli, rest) {
			t.Errorf("%s: CLI and REST answer differently:\ncli  %+v\nrest %+v", tc.name, cli, rest)
		}
		if adm.Kind != cli.Kind || !reflect.DeepEqual(adm.Fields, cli.Fields) || (len(adm.Fields) == 0 && adm.Message != cli.Message) {
			t.Errorf("%s: the admin answers differently:\ncli   %+v\nadmin %+v", tc.name, cli, adm)
		}
	}
	// Profile updates: REST and the admin's user and account forms (the
	// CLI creates users only).
	t.Run("updates", sameAnswerOnUpdate)
}

// kindOfStatus names the fault kind whose HTTP status is status.
func kindOfStatus(status int) string {
	for _, k := range fault.Kinds() {
		if k.Status() == status {
			return k.String()
		}
	}
	return "status " + strconv.Itoa(status)
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

// cliAnswer reads `cms users create`'s refusal: "cms users: KIND:
// MESSAGE" and a line "  PATH: MESSAGE" per field error.
func cliAnswer(stderr string) *answer {
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	head := strings.TrimPrefix(lines[0], "cms users: ")
	kind, msg, _ := strings.Cut(head, ": ")
	a := &answer{Kind: kind, Message: msg, Fields: map[string]string{}}
	for _, l := range lines[1:] {
		path, m, _ := strings.Cut(strings.TrimPrefix(l, "  "), ": ")
		a.Fields[path] = m
	}
	return a
}

func createByCLI(t *testing.T, cases []userCase) (map[string]*profile, []*answer) {
	dir := t.TempDir()
	environ := []string{contract.CMSDataDir + "=" + dir}
	answers := make([]*answer, len(cases))
	for i, tc := range cases {
		var out, errb bytes.Buffer
		args := []string{"users", "create", "--email", tc.email, "--name", tc.userName, "--role", tc.role, "--password-stdin", "--env-file", ""}
		code := cli.Run(context.Background(), &cli.Env{Args: args, Stdin: strings.NewReader(tc.passw + "\n"), Stdout: &out, Stderr: &errb, Environ: environ})
		switch code {
		case 0:
		case 1:
			answers[i] = cliAnswer(errb.String())
		default:
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
	return storedUsers(t, app), answers
}

// restAnswer reads a Payload error envelope.
func restAnswer(t *testing.T, status int, body []byte) *answer {
	var env struct {
		Errors []struct {
			Message string
			Data    struct {
				Errors []struct{ Path, Message string }
			}
		}
	}
	if err := json.Unmarshal(body, &env); err != nil || len(env.Errors) != 1 {
		t.Fatalf("error envelope %s: %v", body, err)
	}
	a := &answer{Kind: kindOfStatus(status), Message: env.Errors[0].Message, Fields: map[string]string{}}
	for _, fe := range env.Errors[0].Data.Errors {
		a.Fields[fe.Path] = fe.Message
	}
	return a
}

func createByREST(t *testing.T, cases []userCase) (map[string]*profile, []*answer) {
	s := newSite(t)
	s.signIn(t)
	answers := make([]*answer, len(cases))
	for i, tc := range cases {
		in := map[string]any{"email": tc.email, "name": tc.userName, "roles": []string{tc.role}, "password": tc.passw}
		if status, raw := s.api(t, http.MethodPost, "/api/users", in); status != http.StatusCreated {
			answers[i] = restAnswer(t, status, raw)
		}
	}
	rows := storedUsers(t, s.app)
	delete(rows, "a@example.com") // the signed-in admin
	return rows, answers
}

var (
	// adminFieldRe finds the admin form's fields: the input's name (its
	// label's for) and what follows up to the field's end.
	adminFieldRe = regexp.MustCompile(`(?s)<div class="field[^"]*"><label for="(\w+)"(.*?)</div>`)
	// adminSetRe finds a group of checkboxes (the user page's roles) by
	// its legend, which names the field.
	adminSetRe   = regexp.MustCompile(`(?s)<fieldset class="field[^"]*"><legend>(\w+)</legend>(.*?)</fieldset>`)
	adminErrRe   = regexp.MustCompile(`<p class="field-error" role="alert">([^<]*)</p>`)
	adminFlashRe = regexp.MustCompile(`data-flash="error">([^<]*)</div>`)
)

// adminAnswer reads a re-rendered user form: the field errors next to
// their fields (the new-user form's role select and the user page's roles
// checkboxes show the roles field's) and the form's message.
func adminAnswer(status int, page string) *answer {
	a := &answer{Kind: kindOfStatus(status), Fields: map[string]string{}}
	if m := adminFlashRe.FindStringSubmatch(page); m != nil {
		a.Message = html.UnescapeString(m[1])
	}
	fields := adminFieldRe.FindAllStringSubmatch(page, -1)
	for _, f := range adminSetRe.FindAllStringSubmatch(page, -1) {
		fields = append(fields, []string{f[0], strings.ToLower(f[1]), f[2]})
	}
	for _, f := range fields {
		path := f[1]
		if path == "role" {
			path = "roles"
		}
		if m := adminErrRe.FindStringSubmatch(f[2]); m != nil {
			a.Fields[path] = html.UnescapeString(m[1])
		}
	}
	return a
}

func createByAdmin(t *testing.T, cases []userCase) (map[string]*profile, []*answer) {
	s := newSite(t)
	s.signIn(t)
	answers := make([]*answer, len(cases))
	for i, tc := range cases {
		resp, page := s.post(t, "/admin/collections/users/create", url.Values{"_csrf": {s.token(t, "/admin/collections/users/create")},
			"email": {tc.email}, "name": {tc.userName}, "role": {tc.role}, "password": {tc.passw}})
		switch resp.StatusCode {
		case http.StatusSeeOther:
		case http.StatusBadRequest:
			answers[i] = adminAnswer(resp.StatusCode, page)
		default:
			t.Fatalf("%s: admin create = %d", tc.name, resp.StatusCode)
		}
	}
	rows := storedUsers(t, s.app)
	delete(rows, "a@example.com")
	return rows, answers
}
