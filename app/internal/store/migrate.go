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
	FKOff     bool
}

const (
	directiveNoTx      = "-- chronos:no-transaction"
	directiveExtension = "-- chronos:requires-extension "
	// directiveFKOff (SQLite) runs the migration with foreign keys off, as
	// a table rebuild needs, and checks them before committing.
	directiveFKOff = "-- chronos:foreign-keys-off"
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
		if line == directiveFKOff {
			m.FKOff = true
		}
		if ext, ok := strings.CutPrefix(line, directiveExtension); ok {
			m.Extension = strings.TrimSpace(ext)
		}
	}
}

// statements splits a migration into its statements: each ends with ";"
// at the end of a line, except inside a trigger body (BEGIN … END;) or a
// dollar-quoted PostgreSQL function body ($$ … $$;); comment lines are
// dropped.
func (m Migration) statements() []string {
	var out []string
	var cur strings.Builder
	inBody, inDollar := false, false
	for line := range strings.Lines(m.SQL) {
		t := strings.TrimSpace(line)
		if t == "" || (strings.HasPrefix(t, "--") && !inDollar) {
			continue
		}
		cur.WriteString(line)
		if strings.Count(t, "$$")%2 == 1 {
			inDollar = !inDollar
		}
		if inDollar {
			continue
		}
		upper := strings.ToUpper(t)
		if strings.HasSuffix(upper, " BEGIN") {
			inBody = true
		}
		if inBody {
			if upper == "END;" {
				inBody = false
				out = append(out, strings.TrimSpace(cur.String()))
				cur.Reset()
			}
			continue
		}
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

// apply runs m's statements one by one in tx; a failure names the
// statement (the caller's transaction then leaves the database as it was).
func (m Migration) apply(tx *gorm.DB) error {
	for i, st := range m.statements() {
		if err := tx.Exec(st).Error; err != nil {
			return fmt.Errorf("apply %s: statement %d failed (%s): %w", m.Name, i+1, brief(st), err)
		}
	}
	return nil
}

// brief shortens a statement for an error message.
func brief(st string) string {
	st = strings.Join(strings.Fields(st), " ")
	if len(st) > 160 {
		st = st[:160] + "…"
	}
	return st
}

// Migrations returns the embedded migrations of a dialect in order.
func Migrations(d Dialect) ([]Migration, error) {
	return migrationsFrom(migrationFS, path.Join("migrations", string(d)), nil)
}

// migrations returns the embedded migrations plus those of
// Options.ExtraMigrations (a directory with postgres/ and sqlite/, numbered
// after the embedded ones: a model extended in tests or by a plugin).
func (db *DB) migrations() ([]Migration, error) {
	ms, err := Migrations(db.dialect)
	if err != nil || db.extra == nil {
		return ms, err
	}
	return migrationsFrom(db.extra, string(db.dialect), ms)
}

func migrationsFrom(fsys fs.FS, dir string, out []Migration) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
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
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
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
			return nil, fmt.Errorf("store: migration versions must be 1..n without gaps or repeats, found %d (%s) at position %d: renumber the newer file", m.Version, m.Name, i+1)
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
	ms, err := db.migrations()
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
	ms, err := db.migrations()
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
		if m.FKOff && db.dialect == SQLite {
			applied, err := db.migrateFKOff(ctx, m)
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
			if err := m.apply(tx); err != nil {
				return err
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
		// Without a transaction the statements before a failing one stay
		// applied: such a migration is written to be run again whole (each
		// index build drops a half-built index first), stays pending, and
		// its error names the statement, as a transactional one's does.
		for i, stmt := range m.statements() {
			if err := conn().Exec(stmt).Error; err != nil {
				return fmt.Errorf("apply %s: statement %d failed (%s): %w", m.Name, i+1, brief(stmt), err)
			}
		}
		applied = true
		return db.record(conn(), m)
	})
	return applied, err
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// migrateFKOff applies a SQLite migration that rebuilds tables: on one
// pinned connection, foreign keys are switched off (which SQLite allows
// only outside a transaction), the migration runs in a transaction that
// fails when PRAGMA foreign_key_check reports a broken reference, and the
// keys are switched back on.
func (db *DB) migrateFKOff(ctx context.Context, m Migration) (bool, error) {
	applied := false
	err := db.gdb.WithContext(ctx).Connection(func(pinned *gorm.DB) error {
		if err := pinned.Exec("PRAGMA foreign_keys = OFF").Error; err != nil {
			return err
		}
		defer pinned.Exec("PRAGMA foreign_keys = ON")
		return pinned.Transaction(func(tx *gorm.DB) error {
			have, err := db.appliedVersions(ctx, tx)
			if err != nil || have[m.Version] {
				return err
			}
			if err := m.apply(tx); err != nil {
				return err
			}
			var broken []map[string]any
			if err := tx.Raw("PRAGMA foreign_key_check").Scan(&broken).Error; err != nil {
				return err
			}
			if len(broken) > 0 {
				return fmt.Errorf("apply %s: %d rows break foreign keys after the rebuild", m.Name, len(broken))
			}
			if err := db.record(tx, m); err != nil {
				return err
			}
			applied = true
			return nil
		})
	})
	return applied, err
}
