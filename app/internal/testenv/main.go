package testenv

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// registry holds the stop functions of the shared services started in this
// test binary. It is package-level because the services outlive the test that
// started them (see the package doc).
var registry struct {
	mu    sync.Mutex
	stops []func()
}

// mainActive is set by Main; shared services refuse to start without it so a
// forgotten TestMain fails loudly instead of leaking server processes.
var mainActive atomic.Bool

// Main runs the tests of a package and then stops every shared service they
// started. Call it from TestMain:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
//
// It also stops the services when the binary is interrupted (SIGINT/SIGTERM).
func Main(m *testing.M) {
	mainActive.Store(true)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s, ok := <-sigs
		if !ok {
			return
		}
		fmt.Fprintf(os.Stderr, "testenv: %v: stopping services\n", s)
		stopAll()
		os.Exit(130)
	}()
	code := m.Run()
	signal.Stop(sigs)
	stopAll()
	os.Exit(code)
}

// onExit registers a stop function run by Main after the tests.
func onExit(f func()) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	registry.stops = append(registry.stops, f)
}

// stopAll runs the registered stop functions once, newest first.
func stopAll() {
	registry.mu.Lock()
	stops := registry.stops
	registry.stops = nil
	registry.mu.Unlock()
	for _, f := range slices.Backward(stops) {
		f()
	}
}

// requireMain fails the test when the package has no TestMain calling Main:
// without it a shared service would outlive the test binary.
func requireMain(t testing.TB, what string) {
	t.Helper()
	if !mainActive.Load() {
		t.Fatalf("testenv: %s is shared by the tests of a binary and stopped by testenv.Main; "+
			"add `func TestMain(m *testing.M) { testenv.Main(m) }` to this package", what)
	}
}

// InCI reports whether CI=true (or 1): then a missing service fails the test
// instead of skipping it.
func InCI() bool {
	v := strings.ToLower(strings.TrimSpace(os.Getenv("CI")))
	return v == "true" || v == "1" || v == "yes"
}

// missing skips the test (or fails it under CI) because a binary is absent.
func missing(t testing.TB, what, install string) {
	t.Helper()
	msg := fmt.Sprintf("testenv: %s not found; install it with: %s (scripts/test.sh does this)", what, install)
	if InCI() {
		t.Fatal(msg + " — CI=true, so this is a failure, not a skip")
	}
	t.Skip(msg)
}

// CacheBinDir is where scripts/test.sh installs Go-built tools (versitygw,
// actionlint): $CHRONOS_CACHE/bin, defaulting to $XDG_CACHE_HOME/chronos/bin
// or ~/.cache/chronos/bin.
func CacheBinDir() string {
	if d := os.Getenv("CHRONOS_CACHE"); d != "" {
		return filepath.Join(d, "bin")
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = filepath.Join(os.TempDir(), "cache")
	}
	return filepath.Join(base, "chronos", "bin")
}

// ownerFile, in each service's temp dir, holds the PID of the test binary
// that started it (see reapStale).
const ownerFile = "owner.pid"

// markOwner records this process as the owner of a service's temp dir.
func markOwner(dir string) error {
	return os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644)
}
