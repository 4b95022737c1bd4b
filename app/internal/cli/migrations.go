package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/store"
)

// migrationsDir is where the migrations and the schema snapshot live,
// relative to the repository root.
const migrationsDir = "app/internal/store/migrations"

// runMigrateCreate writes the migration that takes the committed snapshot
// to the definitions of app/collections: non-interactive, deterministic.
func runMigrateCreate(_ context.Context, e *Env, args []string) error {
	fs := flags(e, "migrate create NAME [flags]", "Compare the definitions in app/collections with the committed schema snapshot and\nwrite one SQL migration per dialect plus the new snapshot. Renames follow RenamedFrom;\nchanges that lose data are refused unless --allow-destructive is given.")
	dir := fs.String("dir", migrationsDir, "the migrations directory (run from the repository root)")
	allow := fs.Bool("allow-destructive", false, "allow dropping tables or fields and narrowing types (the SQL says so)")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fs.Usage()
		return ErrUsage
	}
	name := args[0]
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	want, err := derivedSchema()
	if err != nil {
		return err
	}
	old, err := readSnapshot(*dir)
	if err != nil {
		return err
	}
	plan, err := store.PlanMigration(old, want, *allow)
	if err != nil {
		return err
	}
	files, err := store.WriteMigration(*dir, name, 1, plan, want)
	if err != nil {
		return err
	}
	if plan.Empty() {
		fmt.Fprintln(e.Stdout, "no schema change; snapshot refreshed:", strings.Join(files, ", "))
		return nil
	}
	fmt.Fprintln(e.Stdout, "wrote", strings.Join(files, ", "))
	for _, c := range plan.Changes {
		fmt.Fprintln(e.Stdout, "  "+c)
	}
	return nil
}

func readSnapshot(dir string) (store.Schema, error) {
	b, err := os.ReadFile(filepath.Join(dir, store.SnapshotFile))
	if errors.Is(err, os.ErrNotExist) {
		return store.Schema{}, nil
	}
	if err != nil {
		return store.Schema{}, err
	}
	return store.ParseSnapshot(b)
}

// runMigrateCheck fails when the definitions and the committed migrations
// disagree.
func runMigrateCheck(ctx context.Context, e *Env, args []string) error {
	fs := flags(e, "migrate check", "Fail when the definitions in app/collections need a migration that is not committed\n(the embedded migrations and snapshot of this binary).")
	if err := parse(fs, args); err != nil {
		return err
	}
	want, err := derivedSchema()
	if err != nil {
		return err
	}
	snap, err := store.CommittedSnapshot()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "cms-migrate-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	diffs, err := store.CheckMigrations(ctx, want, snap, tmp, nil)
	if err != nil {
		return err
	}
	if len(diffs) > 0 {
		return fmt.Errorf("the definitions need a migration (run `cms migrate create NAME`):\n  %s", strings.Join(diffs, "\n  "))
	}
	fmt.Fprintln(e.Stdout, "migrations match the definitions")
	return nil
}

// derivedSchema is the storage app/collections needs.
func derivedSchema() (store.Schema, error) {
	reg, err := collections.Registry(0)
	if err != nil {
		return store.Schema{}, err
	}
	return store.Derive(reg)
}
