// Package store is the persistence layer: PostgreSQL (production) and an
// embedded SQLite file (the default), behind one DB type. It is the only
// package that imports gorm; its rows never leave it — callers get the
// domain types of content and auth.
package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the SQL flavour of a DB.
type Dialect string

// Supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Options configure Open.
type Options struct {
	// PostgresURL selects PostgreSQL; empty selects SQLite at SQLitePath.
	PostgresURL string
	SQLitePath  string
	// MaxConns bounds the pool. On SQLite it bounds the read pool: writes
	// go through one connection (SQLite has a single writer anyway), reads
	// through up to MaxConns read-only connections beside it, which WAL
	// mode lets run in parallel with each other and with the writer.
	MaxConns int
	// StatementTimeout bounds each statement on PostgreSQL.
	StatementTimeout time.Duration
	Logger           *slog.Logger
	// ExtraMigrations holds migrations numbered after the embedded ones,
	// in postgres/ and sqlite/ (a content model extended outside this
	// binary's app/collections, as the tests do).
	ExtraMigrations fs.FS
}

// DB is an open database.
type DB struct {
	gdb     *gorm.DB // writes, transactions, and every read on PostgreSQL
	reads   *gorm.DB // reads outside transactions: gdb, or SQLite's read pool
	dialect Dialect
	log     *slog.Logger
	extra   fs.FS
}

// Open connects and configures the pool. It does not migrate.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 10
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = 15 * time.Second
	}
	gcfg := &gorm.Config{Logger: logger.Discard, SkipDefaultTransaction: true}
	var (
		gdb     *gorm.DB
		err     error
		dialect Dialect
	)
	if o.PostgresURL != "" {
		dialect = Postgres
		dsn, derr := postgresDSN(o.PostgresURL, o.StatementTimeout)
		if derr != nil {
			return nil, derr
		}
		gdb, err = gorm.Open(postgres.New(postgres.Config{DSN: dsn}), gcfg)
	} else {
		dialect = SQLite
		if o.SQLitePath == "" {
			return nil, errors.New("store: no PostgreSQL URL and no SQLite path")
		}
		if err := os.MkdirAll(filepath.Dir(o.SQLitePath), 0o700); err != nil {
			return nil, fmt.Errorf("store: create data dir: %w", err)
		}
		gdb, err = gorm.Open(sqlite.Open(sqliteDSN(o.SQLitePath, false)), gcfg)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dialect, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("store: pool: %w", err)
	}
	db := &DB{gdb: gdb, reads: gdb, dialect: dialect, log: o.Logger, extra: o.ExtraMigrations}
	if dialect == SQLite {
		sqlDB.SetMaxOpenConns(1)
		// Ping before the read pool opens: it creates the file and switches
		// it to WAL, which the read-only connections cannot do.
		if err := db.Ping(ctx); err != nil {
			_ = sqlDB.Close()
			return nil, err
		}
		if db.reads, err = openSQLiteReads(o.SQLitePath, o.MaxConns, gcfg); err != nil {
			_ = sqlDB.Close()
			return nil, err
		}
	} else {
		sqlDB.SetMaxOpenConns(o.MaxConns)
		sqlDB.SetMaxIdleConns(o.MaxConns)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.Ping(pctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// sqliteDSN is the connection string of the SQLite file at path; readOnly
// connections refuse writes (query_only), so a write routed to the read
// pool by mistake fails loudly instead of racing the writer.
// The writer switches the file to WAL (a persistent setting); readers do
// not touch the journal mode, so opening a reader takes no lock a write
// could wait for.
func sqliteDSN(path string, readOnly bool) string {
	if readOnly {
		return path + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=query_only(1)"
	}
	return path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
}

// openSQLiteReads opens the read pool beside SQLite's single writer. One
// connection would serialise every read behind the one before it (and
// behind writes): in WAL mode readers see the last committed state without
// blocking each other or the writer.
func openSQLiteReads(path string, maxConns int, gcfg *gorm.Config) (*gorm.DB, error) {
	rdb, err := gorm.Open(sqlite.Open(sqliteDSN(path, true)), gcfg)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite read pool: %w", err)
	}
	sqlDB, err := rdb.DB()
	if err != nil {
		return nil, fmt.Errorf("store: sqlite read pool: %w", err)
	}
	sqlDB.SetMaxOpenConns(maxConns)
	sqlDB.SetMaxIdleConns(maxConns)
	return rdb, nil
}

// postgresDSN adds the statement timeout to the URL unless it sets one.
// pgx sends unknown URL parameters as run-time parameters.
func postgresDSN(raw string, timeout time.Duration) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("store: POSTGRES_URL is not a valid URL")
	}
	q := u.Query()
	if !q.Has("statement_timeout") {
		q.Set("statement_timeout", fmt.Sprint(timeout.Milliseconds()))
	}
	if !q.Has("idle_in_transaction_session_timeout") {
		q.Set("idle_in_transaction_session_timeout", "60000")
	}
	if !q.Has("connect_timeout") {
		q.Set("connect_timeout", "5")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Dialect returns the SQL flavour.
func (db *DB) Dialect() Dialect { return db.dialect }

// Ping checks that the database answers (on SQLite, both pools).
func (db *DB) Ping(ctx context.Context) error {
	for _, g := range db.pools() {
		sqlDB, err := g.DB()
		if err != nil {
			return fmt.Errorf("store: pool: %w", err)
		}
		if err := sqlDB.PingContext(ctx); err != nil {
			return fmt.Errorf("store: ping %s: %w", db.dialect, redactErr(err))
		}
	}
	return nil
}

// pools returns the distinct connection pools of db.
func (db *DB) pools() []*gorm.DB {
	if db.reads == nil || db.reads == db.gdb {
		return []*gorm.DB{db.gdb}
	}
	return []*gorm.DB{db.gdb, db.reads}
}

// Stats reports pool statistics (open connections, waits), summed over
// the pools.
func (db *DB) Stats() (open, inUse, idle int, waitCount int64) {
	for _, g := range db.pools() {
		sqlDB, err := g.DB()
		if err != nil {
			continue
		}
		s := sqlDB.Stats()
		open, inUse, idle, waitCount = open+s.OpenConnections, inUse+s.InUse, idle+s.Idle, waitCount+s.WaitCount
	}
	return open, inUse, idle, waitCount
}

// Close closes the pools.
func (db *DB) Close() error {
	var errs []error
	for _, g := range db.pools() {
		sqlDB, err := g.DB()
		if err == nil {
			err = sqlDB.Close()
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// redactErr keeps driver errors from leaking a connection string.
func redactErr(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "postgres://") || strings.Contains(msg, "postgresql://") {
		return errors.New("connection failed (details hidden: they contain the connection URL)")
	}
	return err
}

// ErrUnavailable wraps errors caused by the database being unreachable, so
// clients are told to retry (fault.Unavailable, HTTP 503).
var ErrUnavailable = fault.New(fault.Unavailable, "database unavailable")
