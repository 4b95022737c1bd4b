package auth

import (
	"container/list"
	"math"
	"sync"
	"time"
)

// RateLimitConfig configures a RateLimiter.
type RateLimitConfig struct {
	Capacity float64       // burst size: requests allowed at once from a full bucket
	Per      time.Duration // one token is added every Per
	MaxKeys  int           // most buckets kept; the least recently used go first
	Now      func() time.Time
}

// DefaultLoginRateLimit allows bursts of 10 login / forgot-password requests
// per IP and one more every 6 s (10 per minute sustained), tracking at most
// 10,000 IPs (about 1 MiB).
func DefaultLoginRateLimit() RateLimitConfig {
	return RateLimitConfig{Capacity: 10, Per: 6 * time.Second, MaxKeys: 10_000}
}

// RateLimiter is a per-key token bucket (e.g. per client IP). Memory is
// bounded by MaxKeys; buckets that have refilled completely are dropped
// because they are indistinguishable from new ones. It starts no goroutines.
// It is safe for concurrent use.
type RateLimiter struct {
	cfg  RateLimitConfig
	full time.Duration // time for an empty bucket to refill

	mu      sync.Mutex
	buckets map[string]*list.Element // of *bucket
	lru     *list.List               // front = most recently used
}

type bucket struct {
	key    string
	tokens float64
	last   time.Time
}

// NewRateLimiter returns a limiter; zero fields of cfg take the values of
// DefaultLoginRateLimit, and a nil Now is time.Now.
func NewRateLimiter(cfg RateLimitConfig) *RateLimiter {
	def := DefaultLoginRateLimit()
	if cfg.Capacity <= 0 {
		cfg.Capacity = def.Capacity
	}
	if cfg.Per <= 0 {
		cfg.Per = def.Per
	}
	if cfg.MaxKeys <= 0 {
		cfg.MaxKeys = def.MaxKeys
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &RateLimiter{
		cfg:     cfg,
		full:    time.Duration(math.Ceil(cfg.Capacity * float64(cfg.Per))),
		buckets: make(map[string]*list.Element),
		lru:     list.New(),
	}
}

// Allow takes one token from key's bucket. When the bucket is empty it
// returns false and how long until a token is available (for Retry-After).
func (l *RateLimiter) Allow(key string) (allowed bool, retryAfter time.Duration) {
	now := l.cfg.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evictIdle(now)

	var b *bucket
	if el, ok := l.buckets[key]; ok {
		b = el.Value.(*bucket)
		l.lru.MoveToFront(el)
		if elapsed := now.Sub(b.last); elapsed > 0 {
			b.tokens = math.Min(l.cfg.Capacity, b.tokens+float64(elapsed)/float64(l.cfg.Per))
			b.last = now
		}
	} else {
		if l.lru.Len() >= l.cfg.MaxKeys {
			oldest := l.lru.Back()
			l.lru.Remove(oldest)
			delete(l.buckets, oldest.Value.(*bucket).key)
		}
		b = &bucket{key: key, tokens: l.cfg.Capacity, last: now}
		l.buckets[key] = l.lru.PushFront(b)
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration(math.Ceil((1 - b.tokens) * float64(l.cfg.Per)))
	return false, wait
}

// evictIdle drops least-recently-used buckets that have been idle long
// enough to be full again. Each bucket is removed at most once, so the cost
// is amortised O(1) per Allow.
func (l *RateLimiter) evictIdle(now time.Time) {
	for {
		el := l.lru.Back()
		if el == nil {
			return
		}
		b := el.Value.(*bucket)
		if now.Sub(b.last) < l.full {
			return
		}
		l.lru.Remove(el)
		delete(l.buckets, b.key)
	}
}

// Len returns the number of buckets currently kept.
func (l *RateLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}
