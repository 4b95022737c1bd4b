package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
)

// TestUpdateVersionedKeepsCapAndOneLatest drives UpdateVersioned the way
// the service's update does (row locked, versions counted) and without
// the lock or the count (its fallback), for caps of 1, 2 and none: after
// every save the document's row and its newest version hold the same
// data, exactly one version (the newest) is latest, and the count is
// min(saves, cap); a missing row is ErrNotFound and writes nothing.
func TestUpdateVersionedKeepsCapAndOneLatest(t *testing.T) {
	ctx := context.Background()
	reg := mustRegistry(3)
	pages, _ := reg.Get(collections.PagesSlug)
	for name, db := range openBoth(t) {
		for _, keep := range []int{1, 2, 0} {
			for _, locked := range []bool{true, false} {
				t.Run(name+"/keep"+itoa(int64(keep))+map[bool]string{true: "/locked", false: "/unlocked"}[locked], func(t *testing.T) {
					repo := db.Content()
					now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
					rec, err := repo.Create(ctx, pages, content.Record{CreatedAt: now, UpdatedAt: now, Status: content.StatusDraft,
						Data: map[string]any{"title": "v0", "slug": "versioned-" + name + itoa(int64(keep)) + map[bool]string{true: "l", false: "u"}[locked]}})
					if err != nil {
						t.Fatal(err)
					}
					for i := 1; i <= 4; i++ {
						err := repo.InTx(ctx, func(tx content.Store) error {
							cur := rec
							if locked {
								if cur, err = tx.Lock(ctx, pages, rec.ID, content.Filter{}); err != nil {
									return err
								}
								if _, err := tx.LatestVersion(ctx, pages, rec.ID); err != nil && !errors.Is(err, content.ErrNotFound) {
									return err
								}
							}
							cur.Data = map[string]any{"title": "v" + itoa(int64(i)), "slug": rec.Data["slug"]}
							cur.UpdatedAt = now.Add(time.Duration(i) * time.Second)
							v := content.Version{Parent: rec.ID, Status: content.StatusPublished, CreatedAt: cur.UpdatedAt, UpdatedAt: cur.UpdatedAt, Data: cur.Data}
							_, v, err = tx.UpdateVersioned(ctx, pages, cur, v, keep)
							if err == nil && (!v.Latest || v.ID == 0) {
								t.Errorf("save %d: version %+v", i, v)
							}
							return err
						})
						if err != nil {
							t.Fatalf("save %d: %v", i, err)
						}
						checkVersions(t, db, rec.ID, i, keep)
					}
					before := generation(t, db)
					_, _, err = repo.UpdateVersioned(ctx, pages, content.Record{ID: rec.ID + 1000, Data: map[string]any{"title": "x"}},
						content.Version{Parent: rec.ID + 1000, Data: map[string]any{"title": "x"}}, keep)
					if !errors.Is(err, content.ErrNotFound) {
						t.Fatalf("missing row: err %v, want ErrNotFound", err)
					}
					if after := generation(t, db); after != before {
						t.Fatalf("missing row bumped the generation %d → %d", before, after)
					}
				})
			}
		}
	}
}

func checkVersions(t *testing.T, db *DB, parent int64, saves, keep int) {
	t.Helper()
	var rows []struct {
		ID     int64
		Latest bool
		Title  string
	}
	q := "SELECT id, latest, data->>'title' AS title FROM pages_versions WHERE parent_id = ? ORDER BY id DESC"
	if db.dialect == SQLite {
		q = "SELECT id, latest, json_extract(data, '$.title') AS title FROM pages_versions WHERE parent_id = ? ORDER BY id DESC"
	}
	if err := db.gdb.Raw(q, parent).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	want := saves
	if keep > 0 {
		want = min(saves, keep)
	}
	var row string
	if err := db.gdb.Raw("SELECT "+map[Dialect]string{Postgres: "data->>'title'", SQLite: "json_extract(data, '$.title')"}[db.dialect]+" FROM pages WHERE id = ?", parent).Scan(&row).Error; err != nil {
		t.Fatal(err)
	}
	latest := 0
	for _, r := range rows {
		if r.Latest {
			latest++
		}
	}
	if len(rows) != want || latest != 1 || !rows[0].Latest || rows[0].Title != row || row != "v"+itoa(int64(saves)) {
		t.Fatalf("after %d saves (cap %d): %d versions, %d latest, newest %+v, row title %q", saves, keep, len(rows), latest, rows[0], row)
	}
}

func generation(t *testing.T, db *DB) int64 {
	t.Helper()
	n, err := db.Generation(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUserSessionRefusesRevokedAndDeleted: the token check's one read
// finds a user with a live session, and nothing once the session is
// deleted (logout) or the user is, on both dialects.
func TestUserSessionRefusesRevokedAndDeleted(t *testing.T) {
	ctx := context.Background()
	users, _ := mustRegistry(3).Get(collections.UsersSlug)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			s := db.Auth(users)
			rec, err := db.Content().Create(ctx, users, content.Record{CreatedAt: now, UpdatedAt: now,
				Data: map[string]any{"email": "session@example.com", "name": "Session", "roles": []any{"editor"}}})
			if err != nil {
				t.Fatal(err)
			}
			for _, sid := range []string{"s1", "s2"} {
				if err := s.CreateSession(ctx, rec.ID, auth.Session{ID: sid, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			u, ss, err := s.UserSession(ctx, rec.ID, "s1")
			if err != nil || u.ID != rec.ID || u.Email != "session@example.com" || ss.ID != "s1" || !ss.ExpiresAt.Equal(now.Add(time.Hour)) {
				t.Fatalf("live session: %+v %+v %v", u, ss, err)
			}
			if err := s.DeleteSession(ctx, rec.ID, "s1"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.UserSession(ctx, rec.ID, "s1"); !errors.Is(err, auth.ErrNotFound) {
				t.Fatalf("revoked session: err %v, want ErrNotFound", err)
			}
			if _, _, err := s.UserSession(ctx, rec.ID+1, "s2"); !errors.Is(err, auth.ErrNotFound) {
				t.Fatalf("another user's session: err %v, want ErrNotFound", err)
			}
			if err := db.Content().Delete(ctx, users, rec.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.UserSession(ctx, rec.ID, "s2"); !errors.Is(err, auth.ErrNotFound) {
				t.Fatalf("deleted user: err %v, want ErrNotFound", err)
			}
		})
	}
}

// TestLatestVersionAfterLockIsCurrent: in one transaction, a published
// page's latest version read after Lock is the row's document (the data
// Lock decoded), a second read answers it again, and after the row and
// its version are rewritten a read answers the new document, not what Lock
// decoded.
func TestLatestVersionAfterLockIsCurrent(t *testing.T) {
	ctx := context.Background()
	reg := mustRegistry(3)
	pages, _ := reg.Get(collections.PagesSlug)
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			repo := db.Content()
			now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			data := map[string]any{"title": "v0", "slug": "current-" + name}
			rec, err := repo.Create(ctx, pages, content.Record{CreatedAt: now, UpdatedAt: now, Status: content.StatusPublished, Data: data})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := repo.CreateVersion(ctx, pages, content.Version{Parent: rec.ID, Status: content.StatusPublished, CreatedAt: now, UpdatedAt: now, Data: data}, 0); err != nil {
				t.Fatal(err)
			}
			title := func(tx content.Store) string {
				v, err := tx.LatestVersion(ctx, pages, rec.ID)
				if err != nil {
					t.Fatal(err)
				}
				s, _ := v.Data["title"].(string)
				return s
			}
			err = repo.InTx(ctx, func(tx content.Store) error {
				cur, err := tx.Lock(ctx, pages, rec.ID, content.Filter{})
				if err != nil {
					return err
				}
				if a, b := title(tx), title(tx); a != "v0" || b != "v0" {
					t.Errorf("latest after Lock: %q then %q, want v0 twice", a, b)
				}
				cur.Data = map[string]any{"title": "v1", "slug": data["slug"]}
				v := content.Version{Parent: rec.ID, Status: content.StatusPublished, CreatedAt: now, UpdatedAt: now, Data: cur.Data}
				if _, _, err := tx.UpdateVersioned(ctx, pages, cur, v, 0); err != nil {
					return err
				}
				if got := title(tx); got != "v1" {
					t.Errorf("latest after the write: %q, want v1", got)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
