package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"median of odd", ms(1, 2, 3, 4, 5), 50, 3 * time.Millisecond},
		{"p99 of 100 is the 99th", hundred, 99, 99 * time.Millisecond},
		{"p95 of 100 is the 95th", hundred, 95, 95 * time.Millisecond},
		{"p100 is the max", hundred, 100, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("Percentile(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestRunCountsErrorsAndRespectsBounds(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		if r.URL.Path == "/fail" {
			http.Error(w, "no", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	tests := []struct {
		name       string
		load       Load
		path       func(i int) string
		wantReqs   int // exact when > 0
		wantErrors func(reqs, errs int) bool
	}{
		{"request cap", Load{Conns: 4, Duration: 10 * time.Second, MaxRequests: 200}, func(int) string { return "/ok" }, 200,
			func(_, errs int) bool { return errs == 0 }},
		{"every other fails", Load{Conns: 3, Duration: 10 * time.Second, MaxRequests: 100}, func(i int) string {
			if i%2 == 1 {
				return "/fail"
			}
			return "/ok"
		}, 100, func(_, errs int) bool { return errs == 50 }},
		{"time bound", Load{Conns: 2, Duration: 200 * time.Millisecond}, func(int) string { return "/ok" }, 0,
			func(reqs, errs int) bool { return reqs > 0 && errs == 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			res, err := Run(context.Background(), tt.load, func(ctx context.Context, i int) (*http.Request, error) {
				return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+tt.path(i), nil)
			})
			if err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took > tt.load.Duration+2*time.Second {
				t.Errorf("run took %v, bound %v", took, tt.load.Duration)
			}
			if tt.wantReqs > 0 && res.Requests != tt.wantReqs {
				t.Errorf("requests = %d, want %d", res.Requests, tt.wantReqs)
			}
			if !tt.wantErrors(res.Requests, res.Errors) {
				t.Errorf("requests %d, errors %d (first: %s)", res.Requests, res.Errors, res.FirstError)
			}
			if res.Requests > 0 && (res.P50 <= 0 || res.P50 > res.P99 || res.P99 > res.Max || res.RPS <= 0) {
				t.Errorf("inconsistent stats: %+v", res)
			}
		})
	}
}

func TestPeakRSSOfSelf(t *testing.T) {
	// One snapshot: RSS and its high-water mark come from the same read of
	// /proc/self/status, so the process growing between two reads cannot
	// make RSS exceed an older peak (the CI flake this test once was).
	m, err := Memory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS <= 0 || m.Peak < m.RSS {
		t.Errorf("VmRSS %d, VmHWM %d: want 0 < RSS ≤ peak", m.RSS, m.Peak)
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		status  string
		want    Mem
		wantErr bool
	}{
		{"both", "Name:\tx\nVmHWM:\t  200 kB\nVmRSS:\t  100 kB\n", Mem{RSS: 100 << 10, Peak: 200 << 10}, false},
		{"missing peak", "VmRSS:\t100 kB\n", Mem{}, true},
		{"bad unit", "VmRSS:\t100 MB\nVmHWM:\t1 kB\n", Mem{}, true},
		{"not a number", "VmRSS:\tx kB\nVmHWM:\t1 kB\n", Mem{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatus([]byte(tt.status), 1)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseStatus = %+v, %v; want %+v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
