package bench

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// PeakMeter samples this process's live heap while work runs and reads
// its peak RSS (VmHWM, reset through /proc/self/clear_refs at the start so
// that preparing the input does not count). For in-process benchmarks.
type PeakMeter struct {
	stop     chan struct{}
	wg       sync.WaitGroup
	peakHeap atomic.Uint64
	rssReset bool
}

// StartPeakMeter collects garbage, resets the RSS peak and starts sampling.
func StartPeakMeter() *PeakMeter {
	runtime.GC()
	debug.FreeOSMemory()
	m := &PeakMeter{stop: make(chan struct{})}
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

// Report stops sampling and reports peak-heap-MiB and, where the kernel
// allows the reset, peak-RSS-MiB as benchmark metrics.
func (m *PeakMeter) Report(b *testing.B) {
	close(m.stop)
	m.wg.Wait()
	b.ReportMetric(float64(m.peakHeap.Load())/(1<<20), "peak-heap-MiB")
	if m.rssReset {
		if kb := selfVmHWM(); kb > 0 {
			b.ReportMetric(float64(kb)/1024, "peak-RSS-MiB")
		}
	}
}

// selfVmHWM returns this process's peak resident set size in KiB, 0 when
// unknown.
func selfVmHWM() int64 {
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
