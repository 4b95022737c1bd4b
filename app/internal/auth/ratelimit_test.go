package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// fakeClock is a manually advanced clock, safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 24, 23, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestRateLimiterBucket(t *testing.T) {
	clk := newFakeClock()
	l := NewRateLimiter(RateLimitConfig{Capacity: 3, Per: 10 * time.Second, MaxKeys: 100, Now: clk.Now})
	for i := range 3 {
		if ok, _ := l.Allow("1.2.3.4"); !ok {
			t.Fatalf("request %d denied within burst", i+1)
		}
	}
	ok, retry := l.Allow("1.2.3.4")
	if ok || retry != 10*time.Second {
		t.Fatalf("4th request = %v, %v; want false, 10s", ok, retry)
	}
	if ok, _ := l.Allow("5.6.7.8"); !ok {
		t.Fatal("other key denied")
	}
	clk.Advance(4 * time.Second)
	if ok, retry := l.Allow("1.2.3.4"); ok || retry != 6*time.Second {
		t.Fatalf("after 4s = %v, %v; want false, 6s", ok, retry)
	}
	clk.Advance(6 * time.Second)
	if ok, _ := l.Allow("1.2.3.4"); !ok {
		t.Fatal("denied after refill")
	}
	if ok, _ := l.Allow("1.2.3.4"); ok {
		t.Fatal("second request allowed after refilling one token")
	}
}

func TestRateLimiterBoundedMemory(t *testing.T) {
	clk := newFakeClock()
	l := NewRateLimiter(RateLimitConfig{Capacity: 2, Per: time.Second, MaxKeys: 10, Now: clk.Now})
	for i := range 100 {
		l.Allow(fmt.Sprintf("10.0.0.%d", i))
	}
	if n := l.Len(); n != 10 {
		t.Fatalf("Len = %d, want 10 (MaxKeys)", n)
	}
	// Idle buckets that have refilled are dropped on the next call.
	clk.Advance(2 * time.Second)
	l.Allow("fresh")
	if n := l.Len(); n != 1 {
		t.Fatalf("Len after idle = %d, want 1", n)
	}
}

func TestRateLimiterConcurrent(t *testing.T) {
	clk := newFakeClock()
	l := NewRateLimiter(RateLimitConfig{Capacity: 50, Per: time.Hour, MaxKeys: 10, Now: clk.Now})
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if ok, _ := l.Allow("k"); ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if allowed != 50 {
		t.Fatalf("allowed %d of 160, want exactly 50", allowed)
	}
}
