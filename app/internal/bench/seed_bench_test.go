package bench

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/testenv"
	"github.com/jackc/pgx/v5"
)

// BenchmarkBulkSeed is cmsbench's bulk seed at a small size: 3,000 pages and
// 600 media validated by the content service (6 workers) and stored with
// COPY on PostgreSQL, into a fresh database per op, at the seed's GOGC of
// 300. cpu-ms/doc is this process's user+sys CPU (getrusage) over the seed
// divided by its documents: the figure the shared machine's load disturbs
// least. pg-cpu-ms/doc is the same for the PostgreSQL server testenv
// started (its processes' CPU from /proc; absent when the server is not a
// local process). The admin user is created before the measured part (its
// password hash would be ≈ 0.4 s of CPU); the two globals are in it.
//
//	CI=true go test -run '^$' -bench BulkSeed -benchtime 1x -count 6 ./app/internal/bench
func BenchmarkBulkSeed(b *testing.B) {
	opts := SeedOptions{Pages: 3000, Media: 600, Workers: 6, Seed: 8}
	defer debug.SetGCPercent(debug.SetGCPercent(300))
	pg := postmaster(b)
	var cpu, pgCPU time.Duration
	b.ReportAllocs()
	for range b.N {
		b.StopTimer()
		app := newApp(b, "postgres")
		opts.Bulk = app.DB()
		ds, actor, err := seedAdmin(context.Background(), app.Auth(), opts)
		if err != nil {
			b.Fatal(err)
		}
		before, pgBefore := cpuTime(b), clusterCPU(pg)
		b.StartTimer()
		if err := seedContent(context.Background(), app.Content(), actor, opts, ds); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		cpu += cpuTime(b) - before
		pgCPU += clusterCPU(pg) - pgBefore
		b.StartTimer()
	}
	docs := float64(b.N * (opts.Pages + opts.Media))
	b.ReportMetric(float64(cpu.Microseconds())/1e3/docs, "cpu-ms/doc")
	if pg != 0 {
		b.ReportMetric(float64(pgCPU.Microseconds())/1e3/docs, "pg-cpu-ms/doc")
	}
}

// cpuTime is the user+sys CPU this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// postmaster returns the PID of testenv's PostgreSQL server (the parent of
// a backend), or 0 when that is not a local postgres process.
func postmaster(b *testing.B) int {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testenv.Postgres(b))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	var backend int
	if err := conn.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&backend); err != nil {
		b.Fatal(err)
	}
	st, err := procStat(backend)
	if err != nil {
		return 0
	}
	if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", st.ppid)); err != nil || strings.TrimSpace(string(comm)) != "postgres" {
		return 0
	}
	return st.ppid
}

// clusterCPU is the CPU PostgreSQL's server pid and its children have used:
// its own and its exited children's (which it has reaped), plus its live
// children's.
func clusterCPU(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	st, err := procStat(pid)
	if err != nil {
		return 0
	}
	ticks := st.utime + st.stime + st.cutime + st.cstime
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if cs, err := procStat(child); err == nil && cs.ppid == pid {
			ticks += cs.utime + cs.stime
		}
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ
}

type stat struct{ ppid, utime, stime, cutime, cstime int }

// procStat reads the parent and the CPU ticks of pid from /proc/<pid>/stat.
func procStat(pid int) (stat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return stat{}, err
	}
	// Fields after the command's closing parenthesis: state, ppid, …;
	// utime..cstime are fields 14-17 of the whole line.
	end := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[end+1:]))
	if end < 0 || len(f) < 15 {
		return stat{}, fmt.Errorf("/proc/%d/stat: %q", pid, b)
	}
	var s stat
	for i, dst := range []*int{&s.ppid, &s.utime, &s.stime, &s.cutime, &s.cstime} {
		at := []int{1, 11, 12, 13, 14}[i]
		if *dst, err = strconv.Atoi(f[at]); err != nil {
			return stat{}, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
	}
	return s, nil
}
