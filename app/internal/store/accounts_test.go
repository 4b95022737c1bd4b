package store

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/automatonic/chronos/app/internal/query"
)

func adminsOnly() query.Where {
	return query.Where{Conds: []query.Cond{{Path: "roles", Op: query.Equals, Values: []string{content.RoleAdmin}}}}
}

// accountsService is content with the users' Guard registered, as the
// server wires it.
func accountsService(t *testing.T, db *DB) *content.Service {
	t.Helper()
	svc := newService(db)
	if err := svc.Use(collections.UsersSlug, content.Behavior{Guard: auth.KeepAnAdmin}); err != nil {
		t.Fatal(err)
	}
	return svc
}

func newAccount(t *testing.T, svc *content.Service, email, role string) int64 {
	t.Helper()
	res, err := svc.CreateAccount(context.Background(), nil, content.NewAccount{
		Input:       map[string]any{"email": email, "roles": []any{role}},
		Credentials: content.Credentials{Hash: "h-" + email},
	}, content.WriteOptions{})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	id, _ := content.RelationID(res.Doc["id"])
	return id
}

// TestConcurrentDemotionsKeepAnAdmin: two admins demote each other at the
// same time, many times over; the users' Guard runs in each write's
// transaction with the table locked, so exactly one demotion passes every
// time and one admin is left.
func TestConcurrentDemotionsKeepAnAdmin(t *testing.T) {
	ctx := context.Background()
	root := &content.Actor{ID: 0, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			svc := accountsService(t, db)
			a := newAccount(t, svc, "a@example.com", content.RoleAdmin)
			b := newAccount(t, svc, "b@example.com", content.RoleAdmin)
			admin := []any{content.RoleAdmin}
			editor := []any{content.RoleEditor}
			for round := range 20 {
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i, id := range []int64{a, b} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, errs[i] = svc.UpdateAccount(ctx, root, id, content.AccountChange{Input: map[string]any{"roles": editor}}, content.WriteOptions{})
					}()
				}
				wg.Wait()
				refused := 0
				for _, err := range errs {
					switch {
					case errors.Is(err, auth.ErrLastAdmin):
						refused++
					case err != nil:
						t.Fatalf("round %d: %v", round, err)
					}
				}
				n, err := svc.Count(ctx, root, collections.UsersSlug, adminsOnly())
				if err != nil {
					t.Fatal(err)
				}
				if refused != 1 || n != 1 {
					t.Fatalf("round %d: %d demotions refused, %d admins left; want 1 and 1", round, refused, n)
				}
				for _, id := range []int64{a, b} {
					if _, err := svc.UpdateAccount(ctx, root, id, content.AccountChange{Input: map[string]any{"roles": admin}}, content.WriteOptions{}); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}

// TestAccountUpdateAndDelete: content writes a user's profile and new
// hash in one transaction, validated by the users definition; the last
// admin can be neither demoted nor deleted; a deleted user's sessions,
// keys, reset tokens and preferences go with the row.
func TestAccountUpdateAndDelete(t *testing.T) {
	ctx := context.Background()
	root := &content.Actor{ID: 0, Roles: []string{content.RoleAdmin}}
	now := time.Now().UTC().Truncate(time.Millisecond)
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			svc := accountsService(t, db)
			creds := db.Auth(collections.Users())
			a := newAccount(t, svc, "a@example.com", content.RoleAdmin)
			e := newAccount(t, svc, "e@example.com", content.RoleEditor)
			res, err := svc.UpdateAccount(ctx, root, e, content.AccountChange{
				Input:       map[string]any{"email": "New@Example.com", "name": "Ed"},
				Credentials: &content.Credentials{Hash: "new-hash"},
			}, content.WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Doc["email"] != "new@example.com" || res.Doc["name"] != "Ed" {
				t.Fatalf("updated doc = %v", res.Doc)
			}
			if rec, err := creds.UserByID(ctx, e); err != nil || rec.Hash != "new-hash" || rec.Email != "new@example.com" {
				t.Fatalf("stored user = %+v, %v", rec, err)
			}
			_, err = svc.UpdateAccount(ctx, root, e, content.AccountChange{
				Input:       map[string]any{"email": "a@example.com"},
				Credentials: &content.Credentials{Hash: "lost"},
			}, content.WriteOptions{})
			if fes := fault.FieldsOf(err); len(fes) != 1 || fes[0].Path != "email" {
				t.Fatalf("taken email: %v", err)
			}
			if rec, _ := creds.UserByID(ctx, e); rec.Hash != "new-hash" {
				t.Fatalf("a refused update stored the hash %q", rec.Hash)
			}
			_, err = svc.UpdateAccount(ctx, root, a, content.AccountChange{Input: map[string]any{"roles": []any{content.RoleEditor}}}, content.WriteOptions{})
			if !errors.Is(err, auth.ErrLastAdmin) {
				t.Fatalf("demoting the last admin: %v", err)
			}
			if _, err := svc.DeleteAccount(ctx, root, a, content.ReadOptions{}); !errors.Is(err, auth.ErrLastAdmin) {
				t.Fatalf("deleting the last admin: %v", err)
			}
			if err := creds.CreateSession(ctx, e, auth.Session{ID: "s1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if err := creds.SetPreference(ctx, e, "admin.theme", "dark", now); err != nil {
				t.Fatal(err)
			}
			if res, err := svc.DeleteAccount(ctx, root, e, content.ReadOptions{}); err != nil || res.Doc["email"] != "new@example.com" {
				t.Fatalf("delete: %v, %v", res.Doc, err)
			}
			if ss, _ := creds.ListSessions(ctx, e); len(ss) != 0 {
				t.Fatalf("sessions left: %v", ss)
			}
			if v, _ := creds.Preference(ctx, e, "admin.theme"); v != "" {
				t.Fatalf("preference left: %q", v)
			}
			if _, err := creds.UserByID(ctx, e); !errors.Is(err, auth.ErrNotFound) {
				t.Fatalf("deleted user: %v", err)
			}
		})
	}
}
