package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	_ "github.com/glebarez/go-sqlite" // the driver the CMS uses, for the SQLite baseline
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// sqliteScheme prefixes the baseline's database address when it reads the
// CMS's SQLite file instead of PostgreSQL.
const sqliteScheme = "sqlite:"

// errNoRow is the baseline's "no such page".
var errNoRow = errors.New("no row")

// slugQuery returns the baseline's one query, on PostgreSQL (pgx pool) or
// on the SQLite file (read-only pool of the same driver as the CMS).
func slugQuery(ctx context.Context, dbURL string, maxConns int) (func(ctx context.Context, slug string) ([]byte, error), func(), error) {
	if path, ok := strings.CutPrefix(dbURL, sqliteScheme); ok {
		db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
		if err != nil {
			return nil, nil, fmt.Errorf("baseline: open sqlite: %w", err)
		}
		db.SetMaxOpenConns(maxConns)
		db.SetMaxIdleConns(maxConns)
		return func(ctx context.Context, slug string) ([]byte, error) {
			var data []byte
			err := db.QueryRowContext(ctx, "SELECT data FROM pages WHERE slug = ?", slug).Scan(&data)
			if errors.Is(err, sql.ErrNoRows) {
				return nil, errNoRow
			}
			return data, err
		}, func() { _ = db.Close() }, nil
	}
	pcfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, nil, errors.New("baseline: invalid database URL")
	}
	pcfg.MaxConns = int32(maxConns)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, nil, fmt.Errorf("baseline: pool: %w", err)
	}
	return func(ctx context.Context, slug string) ([]byte, error) {
		var data []byte
		err := pool.QueryRow(ctx, "SELECT data FROM pages WHERE slug=$1", slug).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, errNoRow
		}
		return data, err
	}, pool.Close, nil
}

// serveBaseline is the yardstick: the least a Go service can do to answer a
// slug lookup — gin routing, one hand-written query on a pgx pool, the row's
// JSON decoded and re-encoded (on PostgreSQL, or on the SQLite file with
// --sqlite). It runs in its own process (cmsbench
// re-executes itself) so it gets the same treatment as the CMS. It is
// deliberately not part of the product.
func serveBaseline(ctx context.Context, addr, dbURL string, maxConns int) error {
	query, closeDB, err := slugQuery(ctx, dbURL, maxConns)
	if err != nil {
		return err
	}
	defer closeDB()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/healthz", func(c *gin.Context) { c.Status(http.StatusOK) })
	r.GET("/pages/:slug", func(c *gin.Context) {
		data, err := query(c.Request.Context(), c.Param("slug"))
		switch {
		case errors.Is(err, errNoRow):
			c.JSON(http.StatusNotFound, gin.H{"error": "not found"})
			return
		case err != nil:
			c.JSON(http.StatusServiceUnavailable, gin.H{"error": "database"})
			return
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			c.JSON(http.StatusInternalServerError, gin.H{"error": "decode"})
			return
		}
		c.JSON(http.StatusOK, doc)
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("baseline: listen: %w", err)
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("baseline: %w", err)
	}
	return nil
}
