package faulttest

import (
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/testenv"
)

// TestPostgresRestartUnderLoad stops PostgreSQL while clients keep reading:
// every answer while it is down must be a quick 503 (never a 500, never a
// hang up to the request timeout), and within 5 s of PostgreSQL returning
// every request must succeed again — same CMS process, same pool.
func TestPostgresRestartUnderLoad(t *testing.T) {
	cluster := testenv.PostgresCluster(t)
	c := startCMS(t, cluster.Database(t), map[string]string{contract.CMSDBMaxConns: "8"})
	seedPages(t, c.app, 20, 2)
	urls := []string{
		c.base + "/api/pages?limit=5&depth=0",
		c.base + "/api/pages?where[slug][equals]=fault-page-3&depth=1",
		c.base + "/api/pages/count",
	}
	client := &http.Client{Timeout: 40 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}

	// Phase is what the load loop is measuring.
	const (
		up = iota
		down
		recovering
		transition // not recorded: the state of the server is changing
	)
	var (
		phase   atomic.Int32
		mu      sync.Mutex
		byPhase [3]map[int]int // status → count
		slowest [3]time.Duration
		stop    = make(chan struct{})
		wg      sync.WaitGroup
	)
	for i := range byPhase {
		byPhase[i] = map[int]int{}
	}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p := phase.Load()
				status, took, _ := get(client, urls[i%len(urls)])
				if p == transition || phase.Load() != p {
					continue // straddled a transition: belongs to neither phase
				}
				mu.Lock()
				if p == down && status == http.StatusOK {
					t.Logf("200 while PostgreSQL is down: %s", urls[i%len(urls)])
				}
				byPhase[p][status]++
				slowest[p] = max(slowest[p], took)
				mu.Unlock()
			}
		}()
	}
	defer func() { close(stop); wg.Wait() }()

	// Up: a healthy baseline under load.
	if !eventually(10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return byPhase[up][http.StatusOK] >= 50 }) {
		t.Fatalf("before the restart: want ≥ 50 successful requests, got %v", snapshot(&mu, &byPhase[up]))
	}

	// Down.
	phase.Store(transition)
	if err := cluster.Stop(); err != nil {
		t.Fatalf("stop PostgreSQL: %v", err)
	}
	phase.Store(down)
	downFrom := time.Now()
	if !eventually(10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return sum(byPhase[down]) >= 50 }) {
		t.Fatalf("while PostgreSQL is down: want ≥ 50 answers in 10 s (requests hang?), got %v", snapshot(&mu, &byPhase[down]))
	}
	if status, _, err := get(client, c.base+"/readyz"); status != http.StatusServiceUnavailable {
		t.Errorf("/readyz while PostgreSQL is down: status %d (%v), want 503", status, err)
	}
	downFor := time.Since(downFrom)

	// Back up: the same process must recover by itself.
	phase.Store(transition)
	if err := cluster.Start(); err != nil {
		t.Fatalf("start PostgreSQL: %v", err)
	}
	back := time.Now()
	var firstOK time.Duration
	if !eventually(5*time.Second, func() bool {
		s, _, _ := get(client, urls[0])
		firstOK = time.Since(back)
		return s == http.StatusOK
	}) {
		t.Fatalf("no successful request within 5 s of PostgreSQL returning; load saw %v", snapshot(&mu, &byPhase[recovering]))
	}
	// From here on every request must succeed.
	phase.Store(recovering)
	if !eventually(10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return sum(byPhase[recovering]) >= 200 }) {
		t.Fatalf("after recovery: want ≥ 200 answers in 10 s, got %v", snapshot(&mu, &byPhase[recovering]))
	}
	close(stop)
	wg.Wait()
	stop = make(chan struct{}) // for the deferred close

	t.Logf("up: %v (slowest %v); down %v: %v (slowest %v); first 200 %v after restart; after: %v (slowest %v)",
		byPhase[up], slowest[up], downFor.Round(time.Millisecond), byPhase[down], slowest[down], firstOK.Round(time.Millisecond),
		byPhase[recovering], slowest[recovering])
	if n := byPhase[up][http.StatusOK]; n != sum(byPhase[up]) {
		t.Errorf("before the restart: %v, want only 200s", byPhase[up])
	}
	if n := byPhase[down][http.StatusServiceUnavailable]; n != sum(byPhase[down]) {
		t.Errorf("while PostgreSQL is down: %v, want only 503s", byPhase[down])
	}
	if slowest[down] > 3*time.Second {
		t.Errorf("while PostgreSQL is down the slowest answer took %v; want < 3 s (fail fast, not at the request timeout)", slowest[down])
	}
	if n := byPhase[recovering][http.StatusOK]; n != sum(byPhase[recovering]) {
		t.Errorf("after PostgreSQL returned: %v, want only 200s", byPhase[recovering])
	}
}

func sum(m map[int]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func snapshot(mu *sync.Mutex, m *map[int]int) map[int]int {
	mu.Lock()
	defer mu.Unlock()
	out := map[int]int{}
	for k, v := range *m {
		out[k] = v
	}
	return out
}
