package cli

import (
	"context"

	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/store"
)

func openDB(ctx context.Context, cfg *config.Config) (*store.DB, error) {
	return store.Open(ctx, store.Options{PostgresURL: cfg.PostgresURL, SQLitePath: cfg.SQLitePath, MaxConns: 2})
}
