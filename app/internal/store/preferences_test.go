package store

import (
	"context"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/collections"
)

// TestUserPreferencesOnBothDialects: a preference is unset, then stored,
// replaced, and kept apart per user and per name.
func TestUserPreferencesOnBothDialects(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			s := db.Auth(collections.Users())
			get := func(user int64, key string) string {
				t.Helper()
				v, err := s.Preference(ctx, user, key)
				if err != nil {
					t.Fatal(err)
				}
				return v
			}
			set := func(user int64, key, v string) {
				t.Helper()
				if err := s.SetPreference(ctx, user, key, v, t0); err != nil {
					t.Fatal(err)
				}
			}
			if v := get(1, "admin.theme"); v != "" {
				t.Fatalf("unset preference = %q", v)
			}
			set(1, "admin.theme", "dark")
			set(1, "admin.theme", "light")
			set(2, "admin.theme", "dark")
			set(1, "other", "x")
			if a, b, o := get(1, "admin.theme"), get(2, "admin.theme"), get(1, "other"); a != "light" || b != "dark" || o != "x" {
				t.Fatalf("preferences: user 1 %q, user 2 %q, other %q", a, b, o)
			}
		})
	}
}
