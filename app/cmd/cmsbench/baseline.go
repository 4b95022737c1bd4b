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

// baselineDB answers the baseline's queries: a page's data by slug, and
// documents by id (the ones a depth=1 page references), several
// collections at once.
type baselineDB struct {
	page   func(ctx context.Context, slug string) ([]byte, error)
	byIDs  func(ctx context.Context, ids map[string][]int64) (map[string]map[int64]json.RawMessage, error)
	closer func()
}

// idQueries are the baseline's by-id queries per collection, with one
// array parameter (PostgreSQL).
var idQueries = map[string]string{
	"media": "SELECT id, data FROM media WHERE id = ANY($1)",
	"pages": "SELECT id, data FROM pages WHERE id = ANY($1)",
	"users": "SELECT id, json_build_object('id', id, 'email', email, 'name', name) FROM users WHERE id = ANY($1)",
}

// slugQuery returns the baseline's queries, on PostgreSQL (pgx pool, the
// by-id queries pipelined in one batch) or on the SQLite file (read-only
// pool of the same driver as the CMS; the page query only).
func slugQuery(ctx context.Context, dbURL string, maxConns int) (*baselineDB, error) {
	if path, ok := strings.CutPrefix(dbURL, sqliteScheme); ok {
		db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
		if err != nil {
			return nil, fmt.Errorf("baseline: open sqlite: %w", err)
		}
		db.SetMaxOpenConns(maxConns)
		db.SetMaxIdleConns(maxConns)
		return &baselineDB{page: func(ctx context.Context, slug string) ([]byte, error) {
			var data []byte
			err := db.QueryRowContext(ctx, "SELECT data FROM pages WHERE slug = ?", slug).Scan(&data)
			if errors.Is(err, sql.ErrNoRows) {
				return nil, errNoRow
			}
			return data, err
		}, closer: func() { _ = db.Close() }}, nil
	}
	pcfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, errors.New("baseline: invalid database URL")
	}
	pcfg.MaxConns = int32(maxConns)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("baseline: pool: %w", err)
	}
	return &baselineDB{page: func(ctx context.Context, slug string) ([]byte, error) {
		var data []byte
		err := pool.QueryRow(ctx, "SELECT data FROM pages WHERE slug=$1", slug).Scan(&data)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, errNoRow
		}
		return data, err
	}, byIDs: func(ctx context.Context, ids map[string][]int64) (map[string]map[int64]json.RawMessage, error) {
		var b pgx.Batch
		var order []string
		for col, list := range ids {
			if len(list) > 0 {
				b.Queue(idQueries[col], list)
				order = append(order, col)
			}
		}
		out := map[string]map[int64]json.RawMessage{}
		br := pool.SendBatch(ctx, &b)
		defer br.Close()
		for _, col := range order {
			rows, err := br.Query()
			if err != nil {
				return nil, err
			}
			out[col] = map[int64]json.RawMessage{}
			for rows.Next() {
				var id int64
				var data []byte
				if err := rows.Scan(&id, &data); err != nil {
					rows.Close()
					return nil, err
				}
				out[col][id] = data
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}, closer: pool.Close}, nil
}

// eachRelation calls f for every place the seeded page references another
// document — the fields the CMS populates at depth=1 — and stores what f
// returns there.
func eachRelation(doc map[string]any, f func(col string, v any) any) {
	set := func(m map[string]any, key, col string) {
		if v, ok := m[key]; ok {
			m[key] = f(col, v)
		}
	}
	set(doc, "heroImage", "media")
	set(doc, "author", "users")
	if m, ok := doc["meta"].(map[string]any); ok {
		set(m, "image", "media")
	}
	if rel, ok := doc["related"].([]any); ok {
		for i, r := range rel {
			rel[i] = f("pages", r)
		}
	}
	layout, _ := doc["layout"].([]any)
	for _, b := range layout {
		blk, _ := b.(map[string]any)
		set(blk, "media", "media")
		items, _ := blk["items"].([]any)
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				set(m, "icon", "media")
			}
		}
	}
}

// relations lists the ids the page references, per collection.
func relations(doc map[string]any) map[string][]int64 {
	ids := map[string][]int64{}
	eachRelation(doc, func(col string, v any) any {
		if f, ok := v.(float64); ok {
			ids[col] = append(ids[col], int64(f))
		}
		return v
	})
	return ids
}

// populate replaces the referenced ids by the documents.
func populate(doc map[string]any, got map[string]map[int64]json.RawMessage) {
	eachRelation(doc, func(col string, v any) any {
		if f, ok := v.(float64); ok {
			if d, ok := got[col][int64(f)]; ok {
				return d
			}
		}
		return v
	})
}

// serveBaseline is the yardstick: the least a Go service can do to answer a
// slug lookup — gin routing, one hand-written query on a pgx pool, the row's
// JSON decoded and re-encoded (on PostgreSQL, or on the SQLite file with
// --sqlite). It runs in its own process (cmsbench
// re-executes itself) so it gets the same treatment as the CMS. It is
// deliberately not part of the product.
func serveBaseline(ctx context.Context, addr, dbURL string, maxConns int) error {
	db, err := slugQuery(ctx, dbURL, maxConns)
	if err != nil {
		return err
	}
	defer db.closer()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/healthz", func(c *gin.Context) { c.Status(http.StatusOK) })
	r.GET("/pages/:slug", func(c *gin.Context) {
		data, err := db.page(c.Request.Context(), c.Param("slug"))
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
	// The same page at depth=1: the page, then the documents it references
	// in one pipelined batch (media, related pages, the author).
	r.GET("/pages3/:slug", func(c *gin.Context) {
		if db.byIDs == nil {
			c.JSON(http.StatusNotImplemented, gin.H{"error": "PostgreSQL only"})
			return
		}
		data, err := db.page(c.Request.Context(), c.Param("slug"))
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
		got, err := db.byIDs(c.Request.Context(), relations(doc))
		if err != nil {
			c.JSON(http.StatusServiceUnavailable, gin.H{"error": "database"})
			return
		}
		populate(doc, got)
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
