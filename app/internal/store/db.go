// Package store is the persistence layer: PostgreSQL (production) and an
// embedded SQLite file (the default), behind one DB type. It is the only
// package that imports gorm; its rows never leave it — callers get the
// domain types of content and auth.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

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
	// MaxConns bounds the pool (PostgreSQL). SQLite uses one connection: a
	// single writer is what SQLite supports anyway.
	MaxConns int
	// StatementTimeout bounds each statement on PostgreSQL.
	StatementTimeout time.Duration
	Logger           *slog.Logger
}

// DB is an open database.
type DB struct {
	gdb     *gorm.DB
	dialect Dialect
	log     *slog.Logger
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
		dsn := o.SQLitePath + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
		gdb, err = gorm.Open(sqlite.Open(dsn), gcfg)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dialect, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, fmt.Errorf("store: pool: %w", err)
	}
	if dialect == SQLite {
		sqlDB.SetMaxOpenConns(1)
	} else {
		sqlDB.SetMaxOpenConns(o.MaxConns)
		sqlDB.SetMaxIdleConns(o.MaxConns)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		sqlDB.SetConnMaxLifetime(30 * time.Minute)
	}
	db := &DB{gdb: gdb, dialect: dialect, log: o.Logger}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.Ping(pctx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return db, nil
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

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.gdb.DB()
	if err != nil {
		return fmt.Errorf("store: pool: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", db.dialect, redactErr(err))
	}
	return nil
}

// Stats reports pool statistics (open connections, waits).
func (db *DB) Stats() (open, inUse, idle int, waitCount int64) {
	sqlDB, err := db.gdb.DB()
	if err != nil {
		return 0, 0, 0, 0
	}
	s := sqlDB.Stats()
	return s.OpenConnections, s.InUse, s.Idle, s.WaitCount
}

// Close closes the pool.
func (db *DB) Close() error {
	sqlDB, err := db.gdb.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
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
// the HTTP layer can answer 503 instead of 500. It says so through an
// Unavailable() bool method: httpapi recognises down dependencies by that
// behaviour, without importing store.
var ErrUnavailable error = unavailableError{}

type unavailableError struct{}

func (unavailableError) Error() string { return "database unavailable" }

// Unavailable marks the error as a dependency being down (HTTP 503).
func (unavailableError) Unavailable() bool { return true }
