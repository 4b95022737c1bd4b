package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

//go:embed migrations
var migrationFS embed.FS

// advisoryLockKey identifies the migration lock on PostgreSQL ("chronos!").
const advisoryLockKey = 0x6368726f6e6f7321

// Migration is one embedded, forward-only SQL file. Its leading comment
// lines may carry directives (PostgreSQL only):
//
//	-- chronos:no-transaction              run outside a transaction, one
//	                                       statement (ending in ";" at the end
//	                                       of a line) at a time — for CREATE
//	                                       INDEX CONCURRENTLY
//	-- chronos:requires-extension NAME     create the extension first; when
//	                                       that is impossible, log a warning and
//	                                       record the migration without running it
type Migration struct {
	Version   int
	Name      string
	SQL       string
	NoTx      bool
	Extension string
}

const (
	directiveNoTx      = "-- chronos:no-transaction"
	directiveExtension = "-- chronos:requires-extension "
)

// parseDirectives reads the directives of m's leading comment lines.
func (m *Migration) parseDirectives() {
	for line := range strings.Lines(m.SQL) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "--") {
			return
		}
		if line == directiveNoTx {
			m.NoTx = true
		}
		if ext, ok := strings.CutPrefix(line, directiveExtension); ok {
			m.Extension = strings.TrimSpace(ext)
		}
	}
}

// statements splits a no-transaction migration into its statements: each
// ends with ";" at the end of a line; comment lines are dropped.
func (m Migration) statements() []string {
	var out []string
	var cur strings.Builder
	for line := range strings.Lines(m.SQL) {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if rest := strings.TrimSpace(cur.String()); rest != "" {
		out = append(out, rest)
	}
	return out
}

// Migrations returns the migrations of a dialect in order.
func Migrations(d Dialect) ([]Migration, error) {
	dir := path.Join("migrations", string(d))
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration %s: name must be NNNN_name.sql", name)
		}
		b, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("store: read %s: %w", name, err)
		}
		m := Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(b)}
		m.parseDirectives()
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migration versions must be 1..n without gaps, found %d at position %d", m.Version, i+1)
		}
	}
	return out, nil
}

// SchemaStatus says how far the database's schema is.
type SchemaStatus struct {
	Current int // highest applied version (0: empty database)
	Latest  int // highest embedded version
	Pending []string
}

// UpToDate reports whether no migration is pending.
func (s SchemaStatus) UpToDate() bool { return len(s.Pending) == 0 && s.Current == s.Latest }

func (db *DB) ensureMigrationsTable(ctx context.Context, tx *gorm.DB) error {
	ts := "TIMESTAMPTZ NOT NULL DEFAULT now()"
	if db.dialect == SQLite {
		ts = "TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP"
	}
	return tx.WithContext(ctx).Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at " + ts + ")").Error
}

func (db *DB) appliedVersions(ctx context.Context, tx *gorm.DB) (map[int]bool, error) {
	var versions []int
	if err := tx.WithContext(ctx).Raw("SELECT version FROM schema_migrations").Scan(&versions).Error; err != nil {
		return nil, err
	}
	out := make(map[int]bool, len(versions))
	for _, v := range versions {
		out[v] = true
	}
	return out, nil
}

// Status reads the schema status without changing anything.
func (db *DB) Status(ctx context.Context) (SchemaStatus, error) {
	ms, err := Migrations(db.dialect)
	if err != nil {
		return SchemaStatus{}, err
	}
	st := SchemaStatus{Latest: len(ms)}
	var exists bool
	q := "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations')"
	if db.dialect == SQLite {
		q = "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')"
	}
	if err := db.gdb.WithContext(ctx).Raw(q).Scan(&exists).Error; err != nil {
		return SchemaStatus{}, classify(fmt.Errorf("store: schema status: %w", err))
	}
	applied := map[int]bool{}
	if exists {
		if applied, err = db.appliedVersions(ctx, db.gdb); err != nil {
			return SchemaStatus{}, classify(fmt.Errorf("store: schema status: %w", err))
		}
	}
	for _, m := range ms {
		if applied[m.Version] {
			st.Current = max(st.Current, m.Version)
		} else {
			st.Pending = append(st.Pending, m.Name)
		}
	}
	for v := range applied {
		if v > st.Latest {
			return st, fmt.Errorf("store: database schema version %d is newer than this binary knows (%d): run a newer cms", v, st.Latest)
		}
	}
	return st, nil
}

// Migrate applies pending migrations, each in its own transaction. On
// PostgreSQL each transaction holds an advisory lock and re-reads what is
// applied, so concurrent `cms migrate` runs apply every migration once.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	ms, err := Migrations(db.dialect)
	if err != nil {
		return nil, err
	}
	if err := db.ensureMigrationsTable(ctx, db.gdb); err != nil {
		return nil, classify(fmt.Errorf("store: create schema_migrations: %w", err))
	}
	var done []string
	for _, m := range ms {
		if m.NoTx && db.dialect == Postgres {
			applied, err := db.migrateOutsideTx(ctx, m)
			if err != nil {
				return done, classify(fmt.Errorf("store: migrate: %w", err))
			}
			if applied {
				done = append(done, m.Name)
			}
			continue
		}
		applied := false
		err := db.gdb.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if db.dialect == Postgres {
				if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", int64(advisoryLockKey)).Error; err != nil {
					return fmt.Errorf("lock: %w", err)
				}
			}
			have, err := db.appliedVersions(ctx, tx)
			if err != nil {
				return err
			}
			if have[m.Version] {
				return nil
			}
			if err := tx.Exec(m.SQL).Error; err != nil {
				return fmt.Errorf("apply %s: %w", m.Name, err)
			}
			if err := db.record(tx, m); err != nil {
				return err
			}
			applied = true
			return nil
		})
		if err != nil {
			return done, classify(fmt.Errorf("store: migrate: %w", err))
		}
		if applied {
			done = append(done, m.Name)
		}
	}
	return done, nil
}

func (db *DB) record(tx *gorm.DB, m Migration) error {
	now := any(time.Now().UTC())
	if db.dialect == SQLite {
		now = formatTime(time.Now())
	}
	if err := tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.Version, m.Name, now).Error; err != nil {
		return fmt.Errorf("record %s: %w", m.Name, err)
	}
	return nil
}

// migrateOutsideTx applies a no-transaction migration on PostgreSQL: on one
// pinned connection, under the session form of the migration lock (the
// transaction form needs a transaction), without a statement timeout (an
// index build on a large table outlasts it), one statement at a time.
// CREATE INDEX CONCURRENTLY leaves reads and writes of the table running
// while it builds.
func (db *DB) migrateOutsideTx(ctx context.Context, m Migration) (bool, error) {
	applied := false
	err := db.gdb.WithContext(ctx).Connection(func(pinned *gorm.DB) error {
		// A fresh session per statement on the pinned connection: gorm keeps
		// an error on a session and skips later statements of it, which
		// would skip the unlock below after a failed statement.
		conn := func() *gorm.DB { return pinned.Session(&gorm.Session{NewDB: true}) }
		if err := conn().Exec("SELECT pg_advisory_lock(?)", int64(advisoryLockKey)).Error; err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		// The unlock must run even when ctx is done: a lock left on a pooled
		// connection would block every later migration.
		defer conn().WithContext(context.WithoutCancel(ctx)).Exec("SELECT pg_advisory_unlock(?)", int64(advisoryLockKey))
		have, err := db.appliedVersions(ctx, conn())
		if err != nil || have[m.Version] {
			return err
		}
		if err := conn().Exec("SET statement_timeout = 0").Error; err != nil {
			return fmt.Errorf("%s: %w", m.Name, err)
		}
		defer conn().WithContext(context.WithoutCancel(ctx)).Exec("RESET statement_timeout")
		if m.Extension != "" {
			if cerr := conn().Exec("CREATE EXTENSION IF NOT EXISTS " + quoteIdent(m.Extension)).Error; cerr != nil {
				// Not offered by the server, or no privilege: fall back.
				db.log.WarnContext(ctx, "cannot create extension", "extension", m.Extension, "err", cerr)
			}
			var ok bool
			if err := conn().Raw("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = ?)", m.Extension).Scan(&ok).Error; err != nil {
				return fmt.Errorf("%s: check extension %s: %w", m.Name, m.Extension, err)
			}
			if !ok {
				db.log.WarnContext(ctx, "migration skipped: its extension is not available; queries work as they did without it",
					"migration", m.Name, "extension", m.Extension)
				applied = true
				return db.record(conn(), m)
			}
		}
		for _, stmt := range m.statements() {
			if err := conn().Exec(stmt).Error; err != nil {
				return fmt.Errorf("apply %s: %w", m.Name, err)
			}
		}
		applied = true
		return db.record(conn(), m)
	})
	return applied, err
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
