package store

import (
	"context"
	"github.com/automatonic/chronos/app/collections"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
)

// TestOneLatestVersionIsEnforced: the schema itself refuses a second latest
// version of a document (unique partial index), on both dialects, for a
// collection and for a global.
func TestOneLatestVersionIsEnforced(t *testing.T) {
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			res, err := newService(db).Create(ctx, admin, collections.PagesSlug, map[string]any{"title": "One"}, content.WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			r := db.Content()
			now := r.timeArg(time.Now())
			err = db.gdb.Exec("INSERT INTO pages_versions (parent_id, status, latest, created_at, updated_at, data) VALUES (?, 'draft', ?, ?, ?, '{}')",
				res.Doc["id"], r.boolArg(true), now, now).Error
			if err == nil {
				t.Fatal("a second latest version of a page was stored")
			}
			var header int64
			if err := db.gdb.Raw("INSERT INTO header (created_at, updated_at, status, data) VALUES (?, ?, 'draft', '{}') RETURNING id", now, now).Scan(&header).Error; err != nil {
				t.Fatal(err)
			}
			insert := func() error {
				return db.gdb.Exec("INSERT INTO header_versions (parent_id, status, latest, created_at, updated_at, data) VALUES (?, 'draft', ?, ?, ?, '{}')",
					header, r.boolArg(true), now, now).Error
			}
			if err := insert(); err != nil {
				t.Fatal(err)
			}
			if insert() == nil {
				t.Fatal("a second latest version of the header was stored")
			}
		})
	}
}

// TestOneLatestIndexKeepsTheNewest: the generated migration that makes a
// versions table's latest index unique first clears the flag of all but
// the newest latest version of each document (rows from before the index
// may have several), on both dialects.
func TestOneLatestIndexKeepsTheNewest(t *testing.T) {
	ctx := context.Background()
	snap, err := CommittedSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	_, want := withNotes(t, content.Field{Name: "title", Type: content.Text, Index: true})
	// The notes table as migrations before the unique index made it.
	old := want
	old.Tables = nil
	for _, tb := range want.Tables {
		if tb.Name == "notes_versions" {
			tb.Indexes = append([]IndexDef(nil), tb.Indexes...)
			for i, ix := range tb.Indexes {
				if ix.Unique && ix.WhereTrue == "latest" {
					tb.Indexes[i] = IndexDef{Name: "notes_versions_latest_idx", Columns: ix.Columns, WhereTrue: ix.WhereTrue}
				}
			}
		}
		old.Tables = append(old.Tables, tb)
	}
	for _, d := range []Dialect{SQLite, Postgres} {
		t.Run(string(d), func(t *testing.T) {
			dir := t.TempDir()
			writePlan(t, dir, "notes", snap, old, false)
			db := openWithMigrations(t, d, dir)
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			r := db.Content()
			now := r.timeArg(time.Now())
			var parents [2]int64
			for i := range parents {
				if err := db.gdb.Raw("INSERT INTO notes (created_at, updated_at, status, data) VALUES (?, ?, 'draft', '{}') RETURNING id", now, now).Scan(&parents[i]).Error; err != nil {
					t.Fatal(err)
				}
			}
			// Three latest versions of the first note, one of the second, an
			// older non-latest one: as racing saves left them.
			newest := map[int64]int64{}
			for _, p := range []int64{parents[0], parents[0], parents[1], parents[0]} {
				var id int64
				if err := db.gdb.Raw("INSERT INTO notes_versions (parent_id, status, latest, created_at, updated_at, data) VALUES (?, 'draft', ?, ?, ?, '{}') RETURNING id",
					p, r.boolArg(true), now, now).Scan(&id).Error; err != nil {
					t.Fatal(err)
				}
				newest[p] = id
			}
			if err := db.gdb.Exec("INSERT INTO notes_versions (parent_id, status, latest, created_at, updated_at, data) VALUES (?, 'draft', ?, ?, ?, '{}')",
				parents[1], r.boolArg(false), now, now).Error; err != nil {
				t.Fatal(err)
			}
			writePlan(t, dir, "one_latest", old, want, false)
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if diffs, err := db.Verify(ctx, want); err != nil || len(diffs) > 0 {
				t.Fatalf("after migrating: %v %v", diffs, err)
			}
			var latest []struct{ ID, ParentID int64 }
			if err := db.gdb.Raw("SELECT id, parent_id FROM notes_versions WHERE latest = ? ORDER BY parent_id", r.boolArg(true)).Scan(&latest).Error; err != nil {
				t.Fatal(err)
			}
			if len(latest) != 2 || latest[0].ID != newest[parents[0]] || latest[1].ID != newest[parents[1]] {
				t.Fatalf("latest versions %+v, want the newest of each note %v", latest, newest)
			}
		})
	}
}
