package server

import (
	"time"

	"github.com/automatonic/chronos/app/internal/auth"
)

// Option adjusts how Build assembles the App. Production passes none; the
// options exist so tests can replace what they cannot control otherwise.
type Option func(*buildOptions)

type buildOptions struct {
	limiterNow func() time.Time // nil: the wall clock
	clock      func() time.Time // nil: the wall clock
}

// WithRateLimitClock makes the per-IP login rate limiters (REST and admin)
// read the time from now instead of the wall clock. A test that holds the
// time still can assert "the 11th request is refused" however slowly its
// requests run; with the wall clock a slow machine refills the bucket
// (one token per 6 s) before the 11th request arrives.
func WithRateLimitClock(now func() time.Time) Option {
	return func(o *buildOptions) { o.limiterNow = now }
}

// WithClock makes sessions (token issue, expiry and refresh) and the
// admin's notion of now read the time from now instead of the wall clock,
// so a test can end a session without waiting for it: advance the clock
// past the token lifetime and the next request is signed out.
func WithClock(now func() time.Time) Option {
	return func(o *buildOptions) { o.clock = now }
}

// loginLimiter returns a new login rate limiter on the configured clock.
func (o buildOptions) loginLimiter() *auth.RateLimiter {
	cfg := auth.DefaultLoginRateLimit()
	cfg.Now = o.limiterNow
	return auth.NewRateLimiter(cfg)
}
