package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"syscall"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

var sqliteUnique = regexp.MustCompile(`UNIQUE constraint failed: ([a-z_]+)\.([a-z_]+)`)

// classify maps driver errors onto domain errors at the storage boundary:
// unique violations become uniqueViolation (see uniqueFor), connection failures
// ErrUnavailable, a missing row content.ErrNotFound.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return content.ErrNotFound
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "23505":
			return uniqueError(pg.TableName, constraintColumn(pg.TableName, pg.ConstraintName), err)
		case strings.HasPrefix(pg.Code, "08"), pg.Code == "57P01", pg.Code == "57P02", pg.Code == "57P03", pg.Code == "53300":
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		case pg.Code == "57014", pg.Code == "53200", pg.Code == "54001":
			// query_canceled (statement_timeout, or the request's deadline),
			// out_of_memory, statement_too_complex: the database refused
			// the work, not the request — 503, the client may retry.
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return err
	}
	if m := sqliteUnique.FindStringSubmatch(err.Error()); m != nil {
		return uniqueError(m[1], m[2], err)
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), errors.Is(err, driver.ErrBadConn),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, net.ErrClosed):
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	msg := err.Error()
	if strings.Contains(msg, "conn closed") || strings.Contains(msg, "unexpected EOF") || strings.Contains(msg, "broken pipe") ||
		strings.Contains(msg, "failed to connect") {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) || strings.Contains(msg, "interrupted (9)") {
		// SQLite interrupts a statement when its context ends.
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// constraintColumn reads the column from an index name "<table>_<col>_key".
func constraintColumn(table, constraint string) string {
	c := strings.TrimSuffix(strings.TrimPrefix(constraint, table+"_"), "_key")
	return c
}

// uniqueViolation is a unique constraint failure on table.column. The
// Repo that wrote the row turns it into content.UniqueError, naming the
// field from the collection's definition.
type uniqueViolation struct {
	table, column string
	cause         error
}

func (e *uniqueViolation) Error() string {
	return "unique constraint on " + e.table + "." + e.column + ": " + e.cause.Error()
}

func (e *uniqueViolation) Unwrap() error { return e.cause }

func uniqueError(tableName, col string, cause error) error {
	return &uniqueViolation{table: tableName, column: col, cause: cause}
}

// uniqueFor maps a unique violation on c's table to content.UniqueError.
func uniqueFor(c *content.Collection, t *table, err error) error {
	var uv *uniqueViolation
	if !errors.As(err, &uv) || uv.table != t.name {
		return err
	}
	for path, cd := range t.cols {
		if cd.name == uv.column {
			return &content.UniqueError{Collection: c.Slug, Field: path}
		}
	}
	return err
}
