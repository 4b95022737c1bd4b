package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// serveBaseline is the yardstick: the least a Go service can do to answer a
// slug lookup — gin routing, one hand-written query on a pgx pool, the row's
// JSON decoded and re-encoded. It runs in its own process (cmsbench
// re-executes itself) so it gets the same treatment as the CMS. It is
// deliberately not part of the product.
func serveBaseline(ctx context.Context, addr, dbURL string, maxConns int) error {
	pcfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return errors.New("baseline: invalid database URL")
	}
	pcfg.MaxConns = int32(maxConns)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return fmt.Errorf("baseline: pool: %w", err)
	}
	defer pool.Close()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/healthz", func(c *gin.Context) { c.Status(http.StatusOK) })
	r.GET("/pages/:slug", func(c *gin.Context) {
		var data []byte
		err := pool.QueryRow(c.Request.Context(), "SELECT data FROM pages WHERE slug=$1", c.Param("slug")).Scan(&data)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
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
