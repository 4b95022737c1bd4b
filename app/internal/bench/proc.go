package bench

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// PeakRSS returns the peak resident set size (VmHWM) of process pid, in
// bytes. Linux only.
func PeakRSS(pid int) (int64, error) {
	return procStatusKB(pid, "VmHWM:")
}

// RSS returns the current resident set size (VmRSS) of pid, in bytes.
func RSS(pid int) (int64, error) {
	return procStatusKB(pid, "VmRSS:")
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

func procStatusKB(pid int, key string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("bench: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, key) {
			continue
		}
		fields := strings.Fields(strings.TrimPrefix(line, key))
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("bench: unexpected %q in /proc/%d/status", line, pid)
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("bench: parse %q: %w", line, err)
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("bench: read /proc/%d/status: %w", pid, err)
	}
	return 0, errors.New("bench: no " + key + " in /proc/" + strconv.Itoa(pid) + "/status")
}
