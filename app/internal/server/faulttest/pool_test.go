package faulttest

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/jackc/pgx/v5"
)

// TestPoolBoundUnder500Concurrent fires 500 requests at once at a CMS whose
// pool is CMS_DB_MAX_CONNS=5 and watches the database from both sides: the
// server's own sessions in pg_stat_activity and the pool's DB.Stats(). The
// requests must all succeed and neither view may ever exceed 5 — and the
// pool must have been contended (waits > 0), or the bound was not tested.
func TestPoolBoundUnder500Concurrent(t *testing.T) {
	const maxConns, requests = 5, 500
	dbURL := testPostgres(t)
	c := startCMS(t, dbURL, map[string]string{contract.CMSDBMaxConns: "5"})
	seedPages(t, c.app, 30, 2)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	watch, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect watcher: %v", err)
	}
	defer watch.Close(context.Background())
	var (
		maxPG, maxOpen int
		samples        int
		stopWatch      = make(chan struct{})
		watched        = make(chan error, 1)
	)
	go func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopWatch:
				watched <- nil
				return
			case <-tick.C:
			}
			var n int
			if err := watch.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
				watched <- err
				return
			}
			open, _, _, _ := c.app.DB().Stats()
			maxPG, maxOpen, samples = max(maxPG, n), max(maxOpen, open), samples+1
		}
	}()

	client := &http.Client{Timeout: 45 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: requests}}
	// API requests only: /readyz bounds its own wait at 3 s, so under this
	// flood it may rightly answer 503, and its cancelled ping costs the
	// pool a connection (closed and replaced), which PostgreSQL shows
	// twice for a moment.
	urls := []string{"/api/pages?limit=10&depth=1", "/api/pages?where[title][like]=fault&depth=0", "/api/pages/count",
		"/api/pages?where[slug][equals]=fault-page-3&depth=1"}
	start := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[int]int{}
	for i := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status, _, _ := get(client, c.base+urls[i%len(urls)])
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	close(stopWatch)
	if err := <-watched; err != nil {
		t.Fatalf("watcher: %v", err)
	}
	_, _, _, waits := c.app.DB().Stats()
	t.Logf("statuses %v; max server sessions in pg_stat_activity %d, max pool open %d (%d samples); pool waits %d",
		statuses, maxPG, maxOpen, samples, waits)
	if statuses[http.StatusOK] != requests {
		t.Errorf("statuses %v, want %d × 200", statuses, requests)
	}
	if maxPG > maxConns || maxOpen > maxConns {
		t.Errorf("the CMS opened up to %d sessions (pg_stat_activity) / %d (pool), configured max %d", maxPG, maxOpen, maxConns)
	}
	if waits == 0 || maxPG == 0 {
		t.Errorf("the pool was never contended (waits %d, max sessions %d): the bound was not exercised", waits, maxPG)
	}
}
