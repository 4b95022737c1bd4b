package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Mem is one snapshot of a process's resident memory, in bytes, read from a
// single /proc/<pid>/status. The kernel computes both figures in that one
// read, so RSS ≤ Peak always holds within a snapshot — which is not true of
// two separate reads (the process can grow between them).
type Mem struct {
	RSS  int64 // VmRSS: resident now
	Peak int64 // VmHWM: the high-water mark since start or the last reset
}

// Memory reads pid's current and peak resident set size in one snapshot.
// Linux only.
func Memory(pid int) (Mem, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Mem{}, fmt.Errorf("bench: %w", err)
	}
	return parseStatus(b, pid)
}

// PeakRSS returns the peak resident set size (VmHWM) of process pid, in
// bytes. Linux only.
func PeakRSS(pid int) (int64, error) {
	m, err := Memory(pid)
	return m.Peak, err
}

// RSS returns the current resident set size (VmRSS) of pid, in bytes.
func RSS(pid int) (int64, error) {
	m, err := Memory(pid)
	return m.RSS, err
}

// ResetPeakRSS resets pid's VmHWM to its current RSS (Linux ≥ 4.0, writing
// "5" to clear_refs), so the next PeakRSS is the peak of what follows. It
// needs the right to write the process's clear_refs (our own child: yes).
func ResetPeakRSS(pid int) error {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		return fmt.Errorf("bench: reset peak RSS: %w", err)
	}
	return nil
}

// parseStatus takes VmRSS and VmHWM out of the text of /proc/<pid>/status.
func parseStatus(status []byte, pid int) (Mem, error) {
	var m Mem
	var seen int
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		line := sc.Text()
		var dst *int64
		switch {
		case strings.HasPrefix(line, "VmRSS:"):
			dst = &m.RSS
		case strings.HasPrefix(line, "VmHWM:"):
			dst = &m.Peak
		default:
			continue
		}
		key, rest, _ := strings.Cut(line, ":")
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return Mem{}, fmt.Errorf("bench: unexpected %s line %q in /proc/%d/status", key, line, pid)
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return Mem{}, fmt.Errorf("bench: parse %q: %w", line, err)
		}
		*dst = kb << 10
		seen++
	}
	if err := sc.Err(); err != nil {
		return Mem{}, fmt.Errorf("bench: read /proc/%d/status: %w", pid, err)
	}
	if seen != 2 {
		return Mem{}, fmt.Errorf("bench: no VmRSS/VmHWM in /proc/%d/status", pid)
	}
	return m, nil
}
