package testenv

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// EnvPostgresURL names a server to use instead of a throwaway cluster. Tests
// still get a fresh database on it per call (the URL's user must be allowed
// to CREATE DATABASE).
const EnvPostgresURL = "TEST_POSTGRES_URL"

const pgInstall = "apt-get install -y postgresql"

// sharedPG is the once-per-binary Postgres: either the TEST_POSTGRES_URL
// server or a throwaway cluster. Package-level by necessity (see package doc).
var sharedPG struct {
	once     sync.Once
	adminURL string
	missing  bool
	err      error
}

// createMu serialises CREATE DATABASE within a binary: concurrent copies of
// template1 can fail with "source database is being accessed by other users".
var createMu sync.Mutex

// Postgres returns the URL of a fresh, empty database that no other test
// uses. The server is TEST_POSTGRES_URL when set, otherwise a throwaway
// cluster started once per test binary (the package needs TestMain calling
// Main). The database is dropped when the test ends.
func Postgres(t testing.TB) string {
	t.Helper()
	if os.Getenv(EnvPostgresURL) == "" {
		requireMain(t, "the throwaway PostgreSQL cluster") // before starting it, so nothing leaks
	}
	sharedPG.once.Do(func() {
		if u := os.Getenv(EnvPostgresURL); u != "" {
			sharedPG.adminURL = u
			return
		}
		bin, err := findPGBin()
		if err != nil {
			sharedPG.missing = true
			sharedPG.err = err
			return
		}
		c, err := startCluster(bin)
		if err != nil {
			sharedPG.err = err
			return
		}
		onExit(func() { _ = c.destroy() })
		sharedPG.adminURL = c.adminURL()
	})
	if sharedPG.missing {
		missing(t, "PostgreSQL server binaries (initdb, pg_ctl) — "+sharedPG.err.Error(), pgInstall)
	}
	if sharedPG.err != nil {
		t.Fatalf("testenv: start PostgreSQL: %v", sharedPG.err)
	}
	return newDatabase(t, sharedPG.adminURL)
}

// Cluster is a private throwaway PostgreSQL cluster for fault tests: Stop and
// Start it while clients are connected. It keeps its port across restarts.
type Cluster struct {
	bin     string // directory holding initdb, pg_ctl, postgres
	base    string // temp dir: data/, the unix socket, the log
	port    int
	runAs   string // "postgres" when we are root, else ""
	mu      sync.Mutex
	running bool
}

// PostgresCluster starts a private cluster for this test and stops it (and
// deletes its files) when the test ends. It always needs local binaries,
// even when TEST_POSTGRES_URL is set, because it must be restartable.
func PostgresCluster(t testing.TB) *Cluster {
	t.Helper()
	bin, err := findPGBin()
	if err != nil {
		missing(t, "PostgreSQL server binaries (initdb, pg_ctl) — "+err.Error(), pgInstall)
	}
	c, err := startCluster(bin)
	if err != nil {
		t.Fatalf("testenv: start PostgreSQL cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.destroy(); err != nil {
			t.Logf("testenv: stop PostgreSQL cluster: %v", err)
		}
	})
	return c
}

// Port is the TCP port the cluster listens on (127.0.0.1).
func (c *Cluster) Port() int { return c.port }

// Database creates a fresh empty database on the cluster and returns its URL.
// The cluster must be running.
func (c *Cluster) Database(t testing.TB) string {
	t.Helper()
	return newDatabase(t, c.adminURL())
}

// Stop shuts the cluster down (fast mode: open sessions are disconnected).
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running {
		return nil
	}
	if err := c.pgctl("-m", "fast", "-w", "stop"); err != nil {
		return err
	}
	c.running = false
	return nil
}

// Crash stops the cluster the way a crash would (immediate mode: no
// checkpoint; the next Start runs crash recovery).
func (c *Cluster) Crash() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.running {
		return nil
	}
	if err := c.pgctl("-m", "immediate", "-w", "stop"); err != nil {
		return err
	}
	c.running = false
	return nil
}

// Start starts a stopped cluster again on the same port.
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		return nil
	}
	// fsync and full_page_writes only protect against an OS crash, which a
	// throwaway cluster need not survive. synchronous_commit stays on, so a
	// committed transaction survives Crash as it would in production.
	opts := fmt.Sprintf("-p %d -k '%s' -c listen_addresses=127.0.0.1 -c fsync=off "+
		"-c full_page_writes=off -c max_connections=200 -c shared_buffers=32MB", c.port, c.base)
	if err := c.pgctl("-l", filepath.Join(c.base, "postgres.log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		return fmt.Errorf("%w\n%s", err, c.logTail())
	}
	c.running = true
	return nil
}

func (c *Cluster) adminURL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port)
}

func (c *Cluster) pgctl(args ...string) error {
	full := append([]string{"-D", filepath.Join(c.base, "data")}, args...)
	return c.run("pg_ctl", full...)
}

// run runs a Postgres tool, as the postgres user when we are root: initdb
// and postgres refuse to run as root.
func (c *Cluster) run(tool string, args ...string) error {
	path := filepath.Join(c.bin, tool)
	var cmd *exec.Cmd
	if c.runAs != "" {
		cmd = exec.Command("runuser", append([]string{"-u", c.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = c.base
	// A PGDATA/PGPORT from the caller's environment must not redirect pg_ctl.
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "PG") })
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", tool, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

func (c *Cluster) logTail() string { return tail(filepath.Join(c.base, "postgres.log")) }

// destroy stops the cluster at once and removes its files.
func (c *Cluster) destroy() error {
	c.mu.Lock()
	var err error
	if c.running {
		err = c.pgctl("-m", "immediate", "-w", "stop")
		c.running = false
	}
	c.mu.Unlock()
	return errors.Join(err, os.RemoveAll(c.base))
}

// startCluster runs initdb into a new temp dir and starts postgres on a free
// loopback port.
func startCluster(bin string) (*Cluster, error) {
	reapStale()
	base, err := os.MkdirTemp(pgTempParent(), "chronos-pg-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	if err := markOwner(base); err != nil {
		_ = os.RemoveAll(base)
		return nil, err
	}
	c := &Cluster{bin: bin, base: base}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			_ = os.RemoveAll(base)
			return nil, fmt.Errorf("running as root and there is no postgres user to run initdb as (%s creates it): %w", pgInstall, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(base, uid, gid); err != nil {
			_ = os.RemoveAll(base)
			return nil, fmt.Errorf("chown %s: %w", base, err)
		}
		c.runAs = "postgres"
	}
	if err := c.run("initdb", "-D", filepath.Join(base, "data"), "-A", "trust", "-U", "postgres",
		"-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		_ = os.RemoveAll(base)
		return nil, err
	}
	if c.port, err = freePort(); err != nil {
		_ = os.RemoveAll(base)
		return nil, err
	}
	if err := c.Start(); err != nil {
		_ = c.destroy()
		return nil, err
	}
	return c, nil
}

// pgTempParent picks where the cluster's temp dir goes. The unix socket lives
// there too, and its path must stay under the kernel's ~107-byte limit; when
// we are root the postgres user must be able to traverse every ancestor. A
// TMPDIR that fails either test is replaced by /tmp.
func pgTempParent() string {
	dir := os.TempDir()
	if len(dir) > 64 {
		return "/tmp"
	}
	if os.Geteuid() == 0 {
		for d := dir; ; d = filepath.Dir(d) {
			fi, err := os.Stat(d)
			if err != nil || fi.Mode().Perm()&0o001 == 0 {
				return "/tmp"
			}
			if d == filepath.Dir(d) {
				break
			}
		}
	}
	return dir
}

// findPGBin returns the directory of the newest installed server binaries:
// /usr/lib/postgresql/<ver>/bin, else the directory of initdb on PATH.
func findPGBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(a)), 64)
		vb, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(b)), 64)
		return cmp.Compare(vb, va) // newest first
	})
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		d := filepath.Dir(p)
		if isExec(filepath.Join(d, "pg_ctl")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", errors.New("no initdb/pg_ctl/postgres in /usr/lib/postgresql/*/bin or on PATH")
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// freePort asks the kernel for a free loopback TCP port. The port is released
// before the server binds it; the window is tiny and a clash fails loudly.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// randomName returns prefix followed by 16 random hex digits.
func randomName(prefix string) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// newDatabase creates test_<random> on the server of adminURL, returns its
// URL, and drops it when the test ends.
func newDatabase(t testing.TB, adminURL string) string {
	t.Helper()
	name := randomName("test_")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := createDatabase(ctx, adminURL, name); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := execAdmin(ctx, adminURL, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Logf("testenv: drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(adminURL)
	if err != nil {
		t.Fatalf("testenv: parse %s: %v", EnvPostgresURL, err) // the URL itself may hold a password: not printed
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

func createDatabase(ctx context.Context, adminURL, name string) error {
	createMu.Lock()
	defer createMu.Unlock()
	stmt := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	var err error
	// Another binary sharing a TEST_POSTGRES_URL server may be copying
	// template1 at the same moment (SQLSTATE 55006); that clears in
	// milliseconds, so retry a few times before failing.
	for attempt := range 10 {
		err = execAdmin(ctx, adminURL, stmt)
		var pgErr *pgconn.PgError
		if err == nil || !errors.As(err, &pgErr) || pgErr.Code != "55006" {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("create database %s: %w", name, ctx.Err())
		case <-time.After(time.Duration(50*(attempt+1)) * time.Millisecond):
		}
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func execAdmin(ctx context.Context, adminURL, stmt string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, stmt)
	return err
}
