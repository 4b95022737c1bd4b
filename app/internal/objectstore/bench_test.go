package objectstore

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/automatonic/chronos/app/internal/testenv"
)

// BenchmarkS3Put streams a file of CHRONOS_BENCH_PUT_BYTES (default 1 GiB)
// to versitygw through Store.Put as an unknown-size stream (what an HTTP
// upload looks like) and, in the same run, through a direct aws-sdk
// PutObject of the same file. It reports throughput of both, their ratio,
// and the peak heap and peak RSS of the process during Store.Put.
//
//	go test ./app/internal/objectstore -run '^$' -bench S3Put -benchtime 1x
func BenchmarkS3Put(b *testing.B) {
	size := int64(1 << 30)
	if v := os.Getenv("CHRONOS_BENCH_PUT_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			b.Fatalf("CHRONOS_BENCH_PUT_BYTES=%q", v)
		}
		size = n
	}
	// CHRONOS_BENCH_PART_MIB and CHRONOS_BENCH_CONCURRENCY try other
	// multipart settings than the defaults.
	partMiB, _ := strconv.Atoi(os.Getenv("CHRONOS_BENCH_PART_MIB"))
	conc, _ := strconv.Atoi(os.Getenv("CHRONOS_BENCH_CONCURRENCY"))
	srv := testenv.S3(b)
	s, err := NewS3(b.Context(), S3Config{
		Bucket: srv.Bucket, Region: srv.Region, AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey,
		Endpoint: srv.Endpoint, ForcePathStyle: true, PartSize: int64(partMiB) << 20, Concurrency: conc,
	})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "upload.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(f, io.LimitReader(randReader(9), size)); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}

	var direct, store time.Duration
	for b.Loop() {
		// Baseline: one PutObject straight from the (seekable) file.
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		_, err = s.client.PutObject(b.Context(), &s3.PutObjectInput{
			Bucket: aws.String(s.bucket), Key: aws.String("direct.bin"), Body: f, ContentLength: aws.Int64(size),
		})
		direct += time.Since(start)
		_ = f.Close()
		if err != nil {
			b.Fatalf("direct PutObject: %v", err)
		}

		f, err = os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		m := startPeakMeter()
		start = time.Now()
		err = s.Put(b.Context(), "store.bin", onlyReader{f}, -1, PutOptions{ContentType: "video/mp4"})
		store += time.Since(start)
		m.stopAndReport(b)
		_ = f.Close()
		if err != nil {
			b.Fatalf("Store.Put: %v", err)
		}
	}
	mibps := func(d time.Duration) float64 {
		return float64(size) * float64(b.N) / (1 << 20) / d.Seconds()
	}
	b.ReportMetric(mibps(store), "store-MiB/s")
	b.ReportMetric(mibps(direct), "direct-MiB/s")
	b.ReportMetric(direct.Seconds()/store.Seconds(), "store/direct")
	b.ReportMetric(float64(size)/(1<<20), "file-MiB")
}

// peakMeter samples the live heap and reads the process's peak RSS
// (VmHWM, reset through /proc/self/clear_refs so setup does not count).
type peakMeter struct {
	stop     chan struct{}
	wg       sync.WaitGroup
	peakHeap atomic.Uint64
	rssReset bool
}

func startPeakMeter() *peakMeter {
	runtime.GC()
	debug.FreeOSMemory()
	m := &peakMeter{stop: make(chan struct{})}
	m.rssReset = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	m.wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > m.peakHeap.Load() {
				m.peakHeap.Store(v)
			}
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	})
	return m
}

func (m *peakMeter) stopAndReport(b *testing.B) {
	close(m.stop)
	m.wg.Wait()
	b.ReportMetric(float64(m.peakHeap.Load())/(1<<20), "peak-heap-MiB")
	if m.rssReset {
		if kb := vmHWM(); kb > 0 {
			b.ReportMetric(float64(kb)/1024, "peak-RSS-MiB")
		}
	}
}

// vmHWM returns the peak resident set size in KiB, 0 when unknown.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
