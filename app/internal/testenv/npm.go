package testenv

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// LockStamp is the file, inside node_modules, that records the sha256 of
// the package-lock.json `npm ci` installed from; scripts/test.sh writes the
// same stamp, so either one installs and the other reuses.
const LockStamp = ".chronos-lock-sha256"

// NPMInstall makes dir/node_modules match dir/package-lock.json, running
// `npm ci` when the stamp is missing or stale, and returns dir/node_modules.
// Test binaries of different packages may call it at once: an exclusive
// lock on dir/node_modules.lock serialises them. Without npm the test
// skips (fails under CI); a failing `npm ci` fails it, with npm's output.
func NPMInstall(t testing.TB, dir string) string {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatalf("testenv: %s has no package-lock.json: %v", dir, err)
	}
	sum := sha256.Sum256(lock)
	want := hex.EncodeToString(sum[:])
	modules := filepath.Join(dir, "node_modules")
	stamp := filepath.Join(modules, LockStamp)
	if have, err := os.ReadFile(stamp); err == nil && strings.TrimSpace(string(have)) == want {
		return modules
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		missing(t, "npm (to install "+dir+"/node_modules)", "apt-get install -y nodejs npm")
	}
	unlock, err := lockFile(filepath.Join(dir, "node_modules.lock"))
	if err != nil {
		t.Fatalf("testenv: lock %s: %v", dir, err)
	}
	defer unlock()
	// Another binary may have installed while this one waited.
	if have, err := os.ReadFile(stamp); err == nil && strings.TrimSpace(string(have)) == want {
		return modules
	}
	cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("testenv: `npm ci` in %s failed (it needs the npm registry or a warm npm cache): %v\n%s", dir, err, out.String())
	}
	if err := os.WriteFile(stamp, []byte(want+"\n"), 0o644); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return modules
}
