package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Load bounds one load run: it stops after Duration or MaxRequests requests,
// whichever comes first, so a run can never go on unbounded.
type Load struct {
	Conns       int           // concurrent connections (one worker each)
	Duration    time.Duration // measured time
	MaxRequests int           // cap on measured requests; 0 means no cap
	Warmup      time.Duration // unmeasured run first (connections, caches, JIT-free but GC-warm)
	Timeout     time.Duration // per request
}

// NewRequest builds the i-th request of a run. It must be safe for
// concurrent use.
type NewRequest func(ctx context.Context, i int) (*http.Request, error)

// Result is what one run measured.
type Result struct {
	Requests   int           `json:"requests"`
	Errors     int           `json:"errors"`
	Elapsed    time.Duration `json:"elapsedNs"`
	RPS        float64       `json:"rps"`
	P50        time.Duration `json:"p50Ns"`
	P95        time.Duration `json:"p95Ns"`
	P99        time.Duration `json:"p99Ns"`
	Max        time.Duration `json:"maxNs"`
	BodyBytes  int64         `json:"avgBodyBytes"` // mean response body size
	FirstError string        `json:"firstError,omitempty"`
}

// NewClient returns an HTTP client whose transport keeps exactly conns
// keep-alive connections to one host, so each worker owns a connection.
func NewClient(conns int, timeout time.Duration) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     60 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

// Run drives load with o.Conns workers, each sending one request at a time
// (closed loop), and measures latency from send to the last body byte. A
// response counts as an error unless its status is 2xx; its body is read in
// full either way so the connection is reused.
func Run(ctx context.Context, o Load, newReq NewRequest) (Result, error) {
	if o.Conns <= 0 {
		return Result{}, errors.New("bench: Conns must be positive")
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	client := NewClient(o.Conns, o.Timeout)
	defer client.CloseIdleConnections()
	if o.Warmup > 0 {
		if _, err := run(ctx, client, o.Conns, o.Warmup, 0, newReq); err != nil {
			return Result{}, err
		}
	}
	return run(ctx, client, o.Conns, o.Duration, o.MaxRequests, newReq)
}

type worker struct {
	lat      []time.Duration
	bytes    int64
	errs     int
	firstErr string
}

func run(ctx context.Context, client *http.Client, conns int, d time.Duration, maxReq int, newReq NewRequest) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var next atomic.Int64
	workers := make([]worker, conns)
	var buildErr atomic.Pointer[error]
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func(wk *worker) {
			defer wg.Done()
			wk.lat = make([]time.Duration, 0, 4096)
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if maxReq > 0 && i >= maxReq {
					return
				}
				// The request is not bound to ctx: a request in flight when
				// the run ends completes and is counted, not cut.
				req, err := newReq(context.Background(), i)
				if err != nil {
					buildErr.CompareAndSwap(nil, &err)
					cancel()
					return
				}
				t0 := time.Now()
				n, err := do(client, req)
				lat := time.Since(t0)
				wk.lat = append(wk.lat, lat)
				wk.bytes += n
				if err != nil {
					wk.errs++
					if wk.firstErr == "" {
						wk.firstErr = err.Error()
					}
				}
			}
		}(&workers[w])
	}
	wg.Wait()
	elapsed := time.Since(start)
	if p := buildErr.Load(); p != nil {
		return Result{}, fmt.Errorf("bench: build request: %w", *p)
	}
	var all []time.Duration
	r := Result{Elapsed: elapsed}
	var bytes int64
	for _, wk := range workers {
		all = append(all, wk.lat...)
		bytes += wk.bytes
		r.Errors += wk.errs
		if r.FirstError == "" {
			r.FirstError = wk.firstErr
		}
	}
	r.Requests = len(all)
	if r.Requests > 0 {
		r.BodyBytes = bytes / int64(r.Requests)
	}
	if elapsed > 0 {
		r.RPS = float64(r.Requests) / elapsed.Seconds()
	}
	slices.Sort(all)
	r.P50, r.P95, r.P99 = Percentile(all, 50), Percentile(all, 95), Percentile(all, 99)
	if len(all) > 0 {
		r.Max = all[len(all)-1]
	}
	return r, nil
}

// do sends req, reads the whole body and returns its size.
func do(client *http.Client, req *http.Request) (int64, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	n, cerr := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return n, fmt.Errorf("%s %s: status %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	if cerr != nil {
		return n, fmt.Errorf("%s %s: reading body: %w", req.Method, req.URL.Path, cerr)
	}
	return n, nil
}

// Percentile returns the nearest-rank p-th percentile of sorted.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999) - 1
	rank = max(0, min(rank, len(sorted)-1))
	return sorted[rank]
}
