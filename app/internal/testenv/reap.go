//go:build unix

package testenv

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// staleDirs returns the temp dirs matching pattern whose owning test binary
// is gone: a binary killed by a test timeout never runs Main's cleanup, and
// its Postgres (started by pg_ctl, so not our child) would run on forever.
// Dirs without an owner file are left alone: they may be being set up.
func staleDirs(pattern string) []string {
	dirs, _ := filepath.Glob(pattern)
	var stale []string
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			stale = append(stale, d)
		}
	}
	return stale
}

// reapStale stops and removes Postgres clusters and S3 roots left by dead
// test binaries. Best effort: errors are ignored.
func reapStale() {
	for _, d := range staleDirs(filepath.Join(pgTempParent(), "chronos-pg-*")) {
		bin, err := findPGBin()
		if err != nil {
			return
		}
		c := &Cluster{bin: bin, base: d, running: true}
		if fi, err := os.Stat(d); err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok && os.Geteuid() == 0 && st.Uid != 0 {
				c.runAs = "postgres"
			}
		}
		_ = c.destroy()
	}
	for _, d := range staleDirs(filepath.Join(os.TempDir(), "chronos-s3-*")) {
		_ = os.RemoveAll(d) // versitygw itself died with its parent (dieWithParent)
	}
}
