package main

import (
	"context"
	"fmt"
	"time"

	"github.com/automatonic/chronos/app/internal/bench"
	"github.com/jackc/pgx/v5"
)

// window is what one scenario's measured window took: the load's result
// and the CPU per request of the server process and, on PostgreSQL, of the
// database backends serving the bench's database.
type window struct {
	res   bench.Result
	cpuMs float64
	dbMs  float64 // 0 when not measured (SQLite, or backends out of reach)
	rss   int64
}

// measureWindow warms up, then measures req against the server pid with
// the CPU it (and, with db, the database's backends) used in the measured
// part only.
func measureWindow(ctx context.Context, load bench.Load, req bench.NewRequest, pid int, db *dbBackends) (window, error) {
	if load.Warmup > 0 {
		warm := load
		warm.Duration, warm.Warmup, warm.MaxRequests = load.Warmup, 0, 0
		if _, err := bench.Run(ctx, warm, req); err != nil {
			return window{}, err
		}
	}
	_ = bench.ResetPeakRSS(pid)
	cpu0, err := procCPU(pid)
	if err != nil {
		return window{}, err
	}
	db0 := db.cpu(ctx)
	measured := load
	measured.Warmup = 0
	res, err := bench.Run(ctx, measured, req)
	if err != nil {
		return window{}, err
	}
	cpu1, err := procCPU(pid)
	if err != nil {
		return window{}, err
	}
	w := window{res: res}
	w.rss, _ = bench.PeakRSS(pid)
	if res.Requests > 0 {
		w.cpuMs = ms(cpu1-cpu0) / float64(res.Requests)
		if d, ok := db.since(ctx, db0); ok {
			w.dbMs = ms(d) / float64(res.Requests)
		}
	}
	return w, nil
}

// dbBackends reads the CPU of the PostgreSQL backends of one database from
// /proc (the throwaway cluster runs on this machine as this user). A nil
// *dbBackends measures nothing.
type dbBackends struct {
	conn *pgx.Conn
}

// openBackends connects to dbURL to list its backends; it returns nil
// (nothing measured) when dbURL is empty.
func openBackends(ctx context.Context, dbURL string) (*dbBackends, error) {
	if dbURL == "" {
		return nil, nil
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("backends: %w", err)
	}
	return &dbBackends{conn: conn}, nil
}

func (b *dbBackends) close(ctx context.Context) {
	if b != nil {
		_ = b.conn.Close(ctx)
	}
}

// cpu returns each backend's CPU so far (its own connection's left out);
// nil when they cannot be read.
func (b *dbBackends) cpu(ctx context.Context) map[int]time.Duration {
	if b == nil {
		return nil
	}
	rows, err := b.conn.Query(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
	if err != nil {
		return nil
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil
	}
	out := make(map[int]time.Duration, len(pids))
	for _, p := range pids {
		d, err := procCPU(int(p))
		if err != nil {
			continue // gone, or another machine's
		}
		out[int(p)] = d
	}
	return out
}

// since returns the CPU the backends used after before was read: a
// backend started since counts whole, one gone since is lost.
func (b *dbBackends) since(ctx context.Context, before map[int]time.Duration) (time.Duration, bool) {
	if b == nil || before == nil {
		return 0, false
	}
	after := b.cpu(ctx)
	if len(after) == 0 {
		return 0, false
	}
	var d time.Duration
	for p, c := range after {
		d += c - before[p]
	}
	return d, true
}
