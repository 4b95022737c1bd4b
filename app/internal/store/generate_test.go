package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/automatonic/chronos/app/internal/testenv"
)

// notes is a drafts-enabled test collection whose fields each step changes.
func notes(fields ...content.Field) *content.Collection {
	return &content.Collection{
		Slug: "notes", Singular: "Note", Plural: "Notes", Drafts: true,
		Access: content.Access{Read: content.Anyone, Create: content.Anyone, Update: content.Anyone, Delete: content.Anyone, ReadVersions: content.Anyone},
		Fields: fields,
	}
}

func withNotes(t *testing.T, fields ...content.Field) (*content.Registry, Schema) {
	t.Helper()
	reg, err := content.NewRegistry(0, append(collections.All(), notes(fields...))...)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Derive(reg)
	if err != nil {
		t.Fatal(err)
	}
	return reg, s
}

func derived(t *testing.T) Schema {
	t.Helper()
	s, err := Derive(collections.MustRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writePlan plans old → new into dir (numbered after the embedded
// migrations) and returns the plan.
func writePlan(t *testing.T, dir, name string, old, new Schema, allow bool) Plan {
	t.Helper()
	plan, err := PlanMigration(old, new, allow)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := Migrations(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WriteMigration(dir, name, len(ms)+1, plan, new); err != nil {
		t.Fatal(err)
	}
	return plan
}

// openWithMigrations opens a fresh database of dialect d with the
// migrations in dir beside the embedded ones (not applied yet).
func openWithMigrations(t *testing.T, d Dialect, dir string) *DB {
	t.Helper()
	o := Options{SQLitePath: filepath.Join(t.TempDir(), "test.db"), MaxConns: 2, ExtraMigrations: os.DirFS(dir)}
	if d == Postgres {
		o = Options{PostgresURL: testenv.Postgres(t), MaxConns: 2, ExtraMigrations: os.DirFS(dir)}
	}
	db, err := Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestCommittedMigrationsMatchDefinitions is `cms migrate check` in the
// test suite: the committed snapshot and the committed migrations give
// exactly what app/collections defines.
func TestCommittedMigrationsMatchDefinitions(t *testing.T) {
	snap, err := CommittedSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	diffs, err := CheckMigrations(context.Background(), derived(t), snap, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) > 0 {
		t.Fatalf("definitions and committed migrations disagree:\n%s", strings.Join(diffs, "\n"))
	}
}

// TestCheckFailsWithoutMigration: a definition change that needs a
// migration is reported until one is written; a plain field needs none.
func TestCheckFailsWithoutMigration(t *testing.T) {
	base := derived(t)
	_, withTable := withNotes(t, content.Field{Name: "title", Type: content.Text, Index: true})
	if d := SnapshotDiff(base, withTable); len(d) == 0 || !strings.Contains(strings.Join(d, "\n"), "create table notes") {
		t.Fatalf("new collection not reported: %v", d)
	}
	_, plainAdded := withNotes(t, content.Field{Name: "title", Type: content.Text, Index: true}, content.Field{Name: "body", Type: content.Textarea})
	if d := SnapshotDiff(withTable, plainAdded); len(d) != 0 {
		t.Fatalf("a plain field needs no migration, got %v", d)
	}
	_, indexed := withNotes(t, content.Field{Name: "title", Type: content.Text, Index: true}, content.Field{Name: "body", Type: content.Textarea, Index: true})
	if d := SnapshotDiff(plainAdded, indexed); len(d) == 0 {
		t.Fatal("indexing a field was not reported")
	}
	tmp := t.TempDir()
	diffs, err := CheckMigrations(context.Background(), withTable, withTable, tmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(diffs, "\n"), "table notes (notes) is missing") {
		t.Fatalf("check of migrations without the notes table: %v", diffs)
	}
}

// TestRemovingAFieldIsRefused names the field and writes nothing unless
// destruction is allowed, and then says so in the SQL.
func TestRemovingAFieldIsRefused(t *testing.T) {
	_, old := withNotes(t, content.Field{Name: "title", Type: content.Text}, content.Field{Name: "summary", Type: content.Text, Index: true})
	_, new := withNotes(t, content.Field{Name: "title", Type: content.Text})
	_, err := PlanMigration(old, new, false)
	var de *DestructiveError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "remove field notes.summary") || !strings.Contains(err.Error(), "--allow-destructive") {
		t.Fatalf("got %v, want a DestructiveError naming notes.summary and --allow-destructive", err)
	}
	// A plain field (in the JSON data column, no column of its own) and a
	// field inside a group are named the same way.
	_, oldPlain := withNotes(t, content.Field{Name: "title", Type: content.Text}, content.Field{Name: "body", Type: content.Textarea},
		content.Field{Name: "meta", Type: content.Group, Fields: []content.Field{{Name: "description", Type: content.Text}, {Name: "keywords", Type: content.Text}}})
	_, newPlain := withNotes(t, content.Field{Name: "title", Type: content.Text},
		content.Field{Name: "meta", Type: content.Group, Fields: []content.Field{{Name: "description", Type: content.Text}}})
	if _, err := PlanMigration(oldPlain, newPlain, false); !errors.As(err, &de) ||
		!strings.Contains(err.Error(), "remove field notes.body") || !strings.Contains(err.Error(), "remove field notes.meta.keywords") {
		t.Fatalf("got %v, want a DestructiveError naming notes.body and notes.meta.keywords", err)
	}
	_, noTable := withNotes(t)
	reg := collections.MustRegistry()
	plain, _ := Derive(reg)
	if _, err := PlanMigration(noTable, plain, false); err == nil || !strings.Contains(err.Error(), "drop table notes") {
		t.Fatalf("dropping a collection: got %v", err)
	}
	plan, err := PlanMigration(old, new, true)
	if err != nil {
		t.Fatal(err)
	}
	f := plan.File(Postgres, "0009_x")
	if !strings.Contains(f, "DESTRUCTIVE") || !strings.Contains(f, "DROP COLUMN summary") || !strings.Contains(f, "data - 'summary'") {
		t.Fatalf("destructive plan:\n%s", f)
	}
	again, _ := PlanMigration(old, new, true)
	if again.File(SQLite, "0009_x") != plan.File(SQLite, "0009_x") || again.File(Postgres, "0009_x") != f {
		t.Fatal("the same inputs gave different files")
	}
}

// TestIdentifiersFit refuses names PostgreSQL would truncate.
func TestIdentifiersFit(t *testing.T) {
	c := notes(content.Field{Name: "title", Type: content.Text, Index: true})
	c.DBName = strings.Repeat("n", 60)
	reg, err := content.NewRegistry(0, append(collections.All(), c)...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Derive(reg); err == nil || !strings.Contains(err.Error(), "longer than 63 bytes") {
		t.Fatalf("got %v", err)
	}
}

// TestGeneratedMigrationsKeepData creates a collection, renames a promoted
// and a plain field with RenamedFrom, then widens a column (a SQLite table
// rebuild), on both dialects: every value survives and the database
// matches the definitions after each step.
func TestGeneratedMigrationsKeepData(t *testing.T) {
	ctx := context.Background()
	snap, err := CommittedSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	reg1, s1 := withNotes(t,
		content.Field{Name: "summary", Type: content.Text, Index: true},
		content.Field{Name: "body", Type: content.Text},
		content.Field{Name: "rank", Type: content.Number, Integer: true, Index: true})
	reg2, s2 := withNotes(t,
		content.Field{Name: "abstract", Type: content.Text, Index: true, RenamedFrom: "summary"},
		content.Field{Name: "text", Type: content.Text, RenamedFrom: "body"},
		content.Field{Name: "rank", Type: content.Number, Integer: true, Index: true})
	reg3, s3 := withNotes(t,
		content.Field{Name: "abstract", Type: content.Text, Index: true},
		content.Field{Name: "text", Type: content.Text},
		content.Field{Name: "rank", Type: content.Number, Index: true})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}

	for _, d := range []Dialect{SQLite, Postgres} {
		t.Run(string(d), func(t *testing.T) {
			// Each step's migration is generated just before it is applied.
			dir := t.TempDir()
			writePlan(t, dir, "notes", snap, s1, false)
			db := openWithMigrations(t, d, dir)
			step := func(want Schema) {
				t.Helper()
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				diffs, err := db.Verify(ctx, want)
				if err != nil {
					t.Fatal(err)
				}
				if len(diffs) > 0 {
					t.Fatalf("after migrating: %v", diffs)
				}
			}
			step(s1)
			svc1 := content.NewService(reg1, db.Content(), content.Hooks{}, nil, log)
			res, err := svc1.Create(ctx, admin, "notes", map[string]any{"summary": "kept", "body": "plain", "rank": 7, "_status": "published"}, content.WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			id, _ := content.RelationID(res.Doc["id"])

			check := func(reg *content.Registry, where string) {
				t.Helper()
				svc := content.NewService(reg, db.Content(), content.Hooks{}, nil, log)
				p, err := query.Parse(where)
				if err != nil {
					t.Fatal(err)
				}
				l, err := svc.Find(ctx, admin, "notes", p, content.ReadOptions{Draft: true})
				if err != nil {
					t.Fatal(err)
				}
				if len(l.Docs) != 1 {
					t.Fatalf("%s: %d docs", where, len(l.Docs))
				}
				doc := l.Docs[0]
				if got := fmt.Sprintf("%v %v %v %v", doc["id"], doc["abstract"], doc["text"], doc["rank"]); got != fmt.Sprintf("%d kept plain 7", id) {
					t.Fatalf("after renames: %v", doc)
				}
				vs, err := svc.FindVersions(ctx, admin, "notes", query.Params{})
				if err != nil || len(vs.Docs) != 1 || vs.Docs[0]["version"].(content.Doc)["abstract"] != "kept" {
					t.Fatalf("versions after renames: %v %v", vs.Docs, err)
				}
			}
			writePlan(t, dir, "rename", s1, s2, false)
			step(s2)
			check(reg2, "where[abstract][equals]=kept&sort=abstract")
			if plan := writePlan(t, dir, "widen_rank", s2, s3, false); !plan.FKOff || !strings.Contains(plan.File(SQLite, "x"), "__new_notes") {
				t.Fatalf("widening a SQLite column must rebuild the table:\n%s", plan.File(SQLite, "x"))
			}
			step(s3)
			check(reg3, "where[rank][greater_than]=6.5&sort=-rank")
		})
	}
}

// TestFailedMigrationLeavesNoTrace: a migration whose second statement
// fails is rolled back whole and the error names that statement.
func TestFailedMigrationLeavesNoTrace(t *testing.T) {
	ctx := context.Background()
	ms, err := Migrations(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	name := fmt.Sprintf("%04d_broken", len(ms)+1)
	for _, d := range []Dialect{Postgres, SQLite} {
		if err := os.MkdirAll(filepath.Join(dir, string(d)), 0o755); err != nil {
			t.Fatal(err)
		}
		sql := "CREATE TABLE half_done (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n"
		if err := os.WriteFile(filepath.Join(dir, string(d), name+".sql"), []byte(sql), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []Dialect{SQLite, Postgres} {
		t.Run(string(d), func(t *testing.T) {
			db := openWithMigrations(t, d, dir)
			_, err = db.Migrate(ctx)
			if err == nil || !strings.Contains(err.Error(), "statement 2 failed (INSERT INTO no_such_table VALUES (1);)") {
				t.Fatalf("got %v, want the failing statement named", err)
			}
			live, err := db.live(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := live["half_done"]; ok {
				t.Fatal("the first statement of the failed migration stayed")
			}
			st, err := db.Status(ctx)
			if err != nil || len(st.Pending) != 1 || st.Pending[0] != name {
				t.Fatalf("status %+v, %v: the failed migration must stay pending", st, err)
			}
		})
	}
}

// TestFailedIndexMigrationIsRepeatable: a PostgreSQL no-transaction
// migration (index builds) that fails names the statement, stays pending,
// and applies whole once the cause is gone, the index it had built before
// the failure included.
func TestFailedIndexMigrationIsRepeatable(t *testing.T) {
	ctx := context.Background()
	ms, err := Migrations(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	name := fmt.Sprintf("%04d_indexes", len(ms)+1)
	files := map[Dialect]string{
		Postgres: "-- chronos:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS pages_probe_idx;\nCREATE INDEX CONCURRENTLY pages_probe_idx ON pages (created_at, id);\n" +
			"DROP INDEX CONCURRENTLY IF EXISTS probe_later_idx;\nCREATE INDEX CONCURRENTLY probe_later_idx ON probe_later (id);\n",
		SQLite: "SELECT 1;\n",
	}
	for d, sql := range files {
		if err := os.MkdirAll(filepath.Join(dir, string(d)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, string(d), name+".sql"), []byte(sql), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := openWithMigrations(t, Postgres, dir)
	_, err = db.Migrate(ctx)
	if err == nil || !strings.Contains(err.Error(), "statement 4 failed (CREATE INDEX CONCURRENTLY probe_later_idx ON probe_later (id);)") {
		t.Fatalf("got %v, want the failing statement named", err)
	}
	st, err := db.Status(ctx)
	if err != nil || len(st.Pending) != 1 || st.Pending[0] != name {
		t.Fatalf("status %+v, %v: the failed migration must stay pending", st, err)
	}
	if err := db.gdb.Exec("CREATE TABLE probe_later (id bigint)").Error; err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("the repeated migration: %v", err)
	}
	var n int64
	if err := db.gdb.Raw(`SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE c.relname IN ('pages_probe_idx', 'probe_later_idx') AND i.indisvalid`).Scan(&n).Error; err != nil || n != 2 {
		t.Fatalf("valid indexes after the repeat: %d, %v; want 2", n, err)
	}
}
