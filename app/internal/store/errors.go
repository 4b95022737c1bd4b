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
// unique violations become content.UniqueError, connection failures
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
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// constraintColumn reads the column from an index name "<table>_<col>_key".
func constraintColumn(table, constraint string) string {
	c := strings.TrimSuffix(strings.TrimPrefix(constraint, table+"_"), "_key")
	return c
}

var tableCollections = map[string]string{"pages": content.Pages, "media": content.Media, "users": content.Users}

func uniqueError(tableName, col string, cause error) error {
	slug := tableCollections[tableName]
	field := col
	for _, c := range []string{content.Pages, content.Media, content.Users} {
		if c != slug {
			continue
		}
		t, err := tableFor(&content.Collection{Slug: c})
		if err != nil {
			break
		}
		for path, cd := range t.cols {
			if cd.name == col {
				field = path
			}
		}
	}
	if slug == "" {
		return cause
	}
	return &content.UniqueError{Collection: slug, Field: field}
}
