package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/internal/auth"
)

// keep stands for the email the user has, in an update case.
const keep = "\x00keep"

// updateCase is one change to an existing user's profile.
type updateCase struct {
	name                  string
	email, userName, role string
	passw                 string // "" keeps the password
	accept                bool
	// profile: only the email and the name change, which the account
	// form (a user changing their own) can say too.
	profile bool
}

// updateSurface changes a user through one surface: it posts c and
// returns nil when it was accepted, else what the surface answered.
type updateSurface func(t *testing.T, c updateCase) *answer

// surface is a way of changing a profile and the profile it changes, as
// stored.
type surface struct {
	do     updateSurface
	stored func() *profile
}

// sameAnswerOnUpdate drives PATCH /api/users/:id and the admin's user form
// (an admin changing another user) and the admin's account form (a user
// changing their own email and name) with one table of changes: all of
// them accept and refuse the same ones, the two that change another user
// leave the same profile, and for a refused change all answer the same
// fault kind, message and field errors, those of the users definition and
// the password policy (no surface checks lengths of its own).
func sameAnswerOnUpdate(t *testing.T) {
	cases := []updateCase{
		{name: "rename", email: keep, userName: "Tess", role: "editor", accept: true, profile: true},
		{name: "201 characters", email: keep, userName: strings.Repeat("n", 201), role: "editor", profile: true},
		{name: "not an email", email: "not-an-email", userName: "X", role: "editor", profile: true},
		{name: "no dot in the domain", email: "a@localhost", role: "editor", profile: true},
		{name: "no email", email: "", role: "editor", profile: true},
		{name: "email too long", email: strings.Repeat("e", 250) + "@example.com", role: "editor", profile: true},
		{name: "taken email", email: "other@example.com", role: "editor", profile: true},
		{name: "unknown role", email: keep, role: "root"},
		{name: "short password", email: keep, role: "editor", passw: "short"},
		{name: "password too long", email: keep, role: "editor", passw: strings.Repeat("p", 257)},
		{name: "two problems", email: "bad-email", role: "editor", passw: "short"},
		{name: "new email", email: "moved@example.com", userName: "Tess", role: "editor", accept: true, profile: true},
	}
	surfaces := map[string]surface{"rest": updateByREST(t), "admin user": updateByAdminUser(t), "account": updateByAccount(t)}
	answers := map[string][]*answer{}
	for via, sf := range surfaces {
		for _, tc := range cases {
			if via == "account" && !tc.profile {
				answers[via] = append(answers[via], nil)
				continue
			}
			answers[via] = append(answers[via], sf.do(t, tc))
		}
	}
	// The accepted changes leave one profile: the same row through REST
	// and the user form, the same email and name through the account.
	rest, user, own := surfaces["rest"].stored(), surfaces["admin user"].stored(), surfaces["account"].stored()
	if !reflect.DeepEqual(rest, user) || rest == nil || own == nil || own.Email != rest.Email || own.Name != rest.Name ||
		rest.Email != "moved@example.com" || rest.Name != "Tess" {
		t.Errorf("stored profiles differ: rest %+v, admin user %+v, account %+v", rest, user, own)
	}
	for i, tc := range cases {
		rest := answers["rest"][i]
		for via := range surfaces {
			got := answers[via][i]
			if via == "account" && !tc.profile {
				continue
			}
			if (got == nil) != tc.accept {
				t.Errorf("%s via %s: accepted = %v, want %v (%+v)", tc.name, via, got == nil, tc.accept, got)
				continue
			}
			if tc.accept || via == "rest" {
				continue
			}
			if len(rest.Fields) == 0 {
				t.Errorf("%s: refused without a field error: %+v", tc.name, rest)
			}
			if got.Kind != rest.Kind || !reflect.DeepEqual(got.Fields, rest.Fields) || (len(got.Fields) == 0 && got.Message != rest.Message) {
				t.Errorf("%s: %s answers differently:\nrest %+v\n%s %+v", tc.name, via, rest, via, got)
			}
		}
	}
}

// updateSite is a signed-in admin's site with another user to change
// (target) and one whose email is taken.
func updateSite(t *testing.T) (*site, int64) {
	t.Helper()
	s := newSite(t)
	s.signIn(t)
	ctx := context.Background()
	res, err := s.app.Auth().CreateUserAsSystem(ctx, auth.Registration{Email: "target@example.com", Password: "long-enough-password", Roles: []string{"editor"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Auth().CreateUserAsSystem(ctx, auth.Registration{Email: "other@example.com", Password: "long-enough-password", Roles: []string{"editor"}}); err != nil {
		t.Fatal(err)
	}
	id, _ := res.Doc["id"].(int64)
	return s, id
}

// emailOr is c's email, or current when c keeps it.
func emailOr(c updateCase, current string) string {
	if c.email == keep {
		return current
	}
	return c.email
}

// storedAs reads the stored profile of the user email points at.
func storedAs(t *testing.T, s *site, email *string) func() *profile {
	return func() *profile { return storedUsers(t, s.app)[*email] }
}

func updateByREST(t *testing.T) surface {
	s, id := updateSite(t)
	email := "target@example.com"
	return surface{stored: storedAs(t, s, &email), do: func(t *testing.T, c updateCase) *answer {
		in := map[string]any{"email": emailOr(c, email), "name": c.userName, "roles": []string{c.role}}
		if c.passw != "" {
			in["password"] = c.passw
		}
		if status, raw := s.api(t, http.MethodPatch, "/api/users/"+strconv.FormatInt(id, 10), in); status != http.StatusOK {
			return restAnswer(t, status, raw)
		}
		email = emailOr(c, email)
		return nil
	}}
}

func updateByAdminUser(t *testing.T) surface {
	s, id := updateSite(t)
	path := "/admin/collections/users/" + strconv.FormatInt(id, 10)
	return formSurface(t, s, path, "target@example.com", func(t *testing.T, c updateCase, email string) url.Values {
		return url.Values{"_csrf": {s.token(t, path)}, "_action": {"update"}, "email": {email}, "name": {c.userName},
			"roles": {c.role}, "password": {c.passw}}
	})
}

func updateByAccount(t *testing.T) surface {
	s, _ := updateSite(t)
	return formSurface(t, s, "/admin/account", "a@example.com", func(t *testing.T, c updateCase, email string) url.Values {
		return url.Values{"_csrf": {s.token(t, "/admin/account")}, "_action": {"profile"}, "email": {email}, "name": {c.userName},
			"currentPassword": {"long-enough-password"}}
	})
}

// formSurface is an admin form at path that updates the user whose email
// is email: form builds a case's fields given the email the case asks for.
// A redirect is a saved change, a 400 page the refusal.
func formSurface(t *testing.T, s *site, path, email string, form func(t *testing.T, c updateCase, email string) url.Values) surface {
	return surface{stored: storedAs(t, s, &email), do: func(t *testing.T, c updateCase) *answer {
		resp, page := s.post(t, path, form(t, c, emailOr(c, email)))
		switch resp.StatusCode {
		case http.StatusSeeOther:
			email = emailOr(c, email)
			return nil
		case http.StatusBadRequest:
			return adminAnswer(resp.StatusCode, page)
		}
		t.Fatalf("%s: POST %s = %d", c.name, path, resp.StatusCode)
		return nil
	}}
}
