package bench

import (
	"context"
	"runtime/debug"
	"syscall"
	"testing"
	"time"
)

// BenchmarkBulkSeed is cmsbench's bulk seed at a small size: 3,000 pages and
// 600 media validated by the content service (6 workers) and stored with
// COPY on PostgreSQL, into a fresh database per op, at the seed's GOGC of
// 300. cpu-ms/doc is this process's user+sys CPU (getrusage) over the seed
// divided by its documents: the figure the shared machine's load disturbs
// least. PostgreSQL's own CPU is not in it; the admin's password hash and
// the two globals are (≈ 0.2 s of CPU per op).
//
//	CI=true go test -run '^$' -bench BulkSeed -benchtime 1x -count 6 ./app/internal/bench
func BenchmarkBulkSeed(b *testing.B) {
	opts := SeedOptions{Pages: 3000, Media: 600, Workers: 6, Seed: 8}
	defer debug.SetGCPercent(debug.SetGCPercent(300))
	var cpu time.Duration
	b.ReportAllocs()
	for range b.N {
		b.StopTimer()
		app := newApp(b, "postgres")
		opts.Bulk = app.DB()
		before := cpuTime(b)
		b.StartTimer()
		if _, err := Seed(context.Background(), app.Content(), app.Auth(), opts); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime(b) - before
		b.StartTimer()
	}
	docs := float64(b.N * (opts.Pages + opts.Media))
	b.ReportMetric(float64(cpu.Microseconds())/1e3/docs, "cpu-ms/doc")
}

// cpuTime is the user+sys CPU this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
