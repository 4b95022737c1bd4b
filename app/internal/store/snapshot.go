package store

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// SnapshotFile is the committed schema snapshot beside the migrations.
const SnapshotFile = "schema.json"

// CommittedSnapshot returns the snapshot embedded with the migrations.
func CommittedSnapshot() (Schema, error) {
	b, err := fs.ReadFile(migrationFS, "migrations/"+SnapshotFile)
	if err != nil {
		return Schema{}, fmt.Errorf("store: read embedded snapshot: %w", err)
	}
	return ParseSnapshot(b)
}

// SnapshotDiff lists what the definitions change against the snapshot
// (empty: the committed migrations cover the definitions; a plain field
// added to the data column needs no migration and is not listed).
func SnapshotDiff(snapshot, derived Schema) []string {
	plan, err := PlanMigration(snapshot, derived, true)
	if err != nil {
		return []string{err.Error()}
	}
	return append(plan.Changes, plan.Destructive...)
}

var migrationName = regexp.MustCompile(`^[a-z0-9_]{1,50}$`)

// WriteMigration writes plan as NNNN_name.sql in dir/postgres and
// dir/sqlite, numbered after every migration there and at least minNext,
// and the new snapshot as dir/schema.json. It returns the files written.
func WriteMigration(dir, name string, minNext int, plan Plan, snapshot Schema) ([]string, error) {
	if !migrationName.MatchString(name) {
		return nil, fmt.Errorf("migration name %q: use lower-case letters, digits and underscores", name)
	}
	next := minNext
	for _, d := range []Dialect{Postgres, SQLite} {
		entries, err := os.ReadDir(filepath.Join(dir, string(d)))
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		for _, e := range entries {
			num, _, _ := strings.Cut(e.Name(), "_")
			if n, err := strconv.Atoi(num); err == nil && n >= next {
				next = n + 1
			}
		}
	}
	var files []string
	if !plan.Empty() {
		full := fmt.Sprintf("%04d_%s", next, name)
		for _, d := range []Dialect{Postgres, SQLite} {
			if err := os.MkdirAll(filepath.Join(dir, string(d)), 0o755); err != nil {
				return nil, err
			}
			f := filepath.Join(dir, string(d), full+".sql")
			if err := os.WriteFile(f, []byte(plan.File(d, full)), 0o644); err != nil {
				return nil, err
			}
			files = append(files, f)
		}
		if len(plan.PostgresIndexes) > 0 {
			idx := fmt.Sprintf("%04d_%s_indexes", next+1, name)
			for _, d := range []Dialect{Postgres, SQLite} {
				f := filepath.Join(dir, string(d), idx+".sql")
				if err := os.WriteFile(f, []byte(plan.IndexFile(d, idx, full)), 0o644); err != nil {
					return nil, err
				}
				files = append(files, f)
			}
		}
	}
	b, err := snapshot.Snapshot()
	if err != nil {
		return nil, err
	}
	f := filepath.Join(dir, SnapshotFile)
	if err := os.WriteFile(f, b, 0o644); err != nil {
		return nil, err
	}
	return append(files, f), nil
}

// CheckMigrations applies the embedded migrations (plus extra) to a fresh
// SQLite database in tmpDir and compares it with want; it also compares
// the committed snapshot. It returns every difference.
func CheckMigrations(ctx context.Context, want Schema, snapshot Schema, tmpDir string, extra fs.FS) ([]string, error) {
	diffs := SnapshotDiff(snapshot, want)
	for i := range diffs {
		diffs[i] = "not in a migration: " + diffs[i]
	}
	db, err := Open(ctx, Options{SQLitePath: filepath.Join(tmpDir, "check.db"), MaxConns: 1, ExtraMigrations: extra})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	live, err := db.Verify(ctx, want)
	if err != nil {
		return nil, err
	}
	for _, d := range live {
		diffs = append(diffs, "the migrations leave: "+d)
	}
	return diffs, nil
}
