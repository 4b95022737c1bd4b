package bench

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
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
	m.rssReset = ResetPeakRSS(os.Getpid()) == nil
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
		if peak, err := PeakRSS(os.Getpid()); err == nil {
			b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MiB")
		}
	}
}
