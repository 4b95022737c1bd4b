package testenv

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// VersitygwVersion is the versitygw release scripts/test.sh installs.
const VersitygwVersion = "v1.8.0"

// s3Install is the command that installs versitygw where findVersitygw looks.
func s3Install() string {
	return "GOBIN=" + CacheBinDir() + " go install github.com/versity/versitygw/cmd/versitygw@" + VersitygwVersion
}

// S3Server describes one fresh bucket on a running S3-compatible server. Use
// path-style addressing (S3_FORCE_PATH_STYLE=true) against Endpoint.
type S3Server struct {
	Endpoint  string // http://127.0.0.1:PORT
	Region    string
	AccessKey string
	SecretKey string
	Bucket    string // empty and used by no other test
	Root      string // posix root of the gateway: objects are files under Root/Bucket/
}

// sharedS3 is the once-per-binary gateway. Package-level by necessity (see
// package doc).
var sharedS3 struct {
	once    sync.Once
	proc    *S3Process
	missing bool
	err     error
}

// S3 returns a fresh empty bucket on a versitygw server started once per test
// binary (the package needs TestMain calling Main).
func S3(t testing.TB) S3Server {
	t.Helper()
	requireMain(t, "the versitygw S3 server") // before starting it, so nothing leaks
	sharedS3.once.Do(func() {
		bin, err := findVersitygw()
		if err != nil {
			sharedS3.missing, sharedS3.err = true, err
			return
		}
		p, err := startS3(bin)
		if err != nil {
			sharedS3.err = err
			return
		}
		onExit(func() { _ = p.destroy() })
		sharedS3.proc = p
	})
	if sharedS3.missing {
		missing(t, "versitygw — "+sharedS3.err.Error(), s3Install())
	}
	if sharedS3.err != nil {
		t.Fatalf("testenv: start versitygw: %v", sharedS3.err)
	}
	return sharedS3.proc.Bucket(t)
}

// S3Process is a private versitygw server for fault tests: Stop and Start it
// while clients are using it. It keeps its port and data across restarts.
type S3Process struct {
	bin       string
	root      string // temp dir; the posix root is root/data
	port      int
	accessKey string
	secretKey string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// StartS3 starts a private versitygw server for this test and stops it (and
// removes its data) when the test ends.
func StartS3(t testing.TB) *S3Process {
	t.Helper()
	bin, err := findVersitygw()
	if err != nil {
		missing(t, "versitygw — "+err.Error(), s3Install())
	}
	p, err := startS3(bin)
	if err != nil {
		t.Fatalf("testenv: start versitygw: %v", err)
	}
	t.Cleanup(func() {
		if err := p.destroy(); err != nil {
			t.Logf("testenv: stop versitygw: %v", err)
		}
	})
	return p
}

// Endpoint is the server's base URL.
func (p *S3Process) Endpoint() string { return "http://127.0.0.1:" + strconv.Itoa(p.port) }

// Bucket creates a fresh empty bucket and returns the server's coordinates.
// The posix backend treats every directory under its root as a bucket, so a
// bucket is made with mkdir: nothing here needs to sign S3 requests.
func (p *S3Process) Bucket(t testing.TB) S3Server {
	t.Helper()
	name := randomName("test-") // S3 bucket names: lowercase, digits, '-'
	dir := filepath.Join(p.root, "data", name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatalf("testenv: create bucket: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return S3Server{
		Endpoint:  p.Endpoint(),
		Region:    "us-east-1",
		AccessKey: p.accessKey,
		SecretKey: p.secretKey,
		Bucket:    name,
		Root:      filepath.Join(p.root, "data"),
	}
}

// Stop kills the server (SIGTERM) and waits for it to exit.
func (p *S3Process) Stop() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return nil
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.cmd = nil
	return nil
}

// Start starts a stopped server again on the same port with the same data,
// and returns once it answers HTTP.
func (p *S3Process) Start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return nil
	}
	logf, err := os.OpenFile(filepath.Join(p.root, "versitygw.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	defer logf.Close() // the child keeps its own descriptor
	cmd := exec.Command(p.bin,
		"--port", "127.0.0.1:"+strconv.Itoa(p.port),
		"--region", "us-east-1",
		"--quiet",
		"posix", filepath.Join(p.root, "data"))
	// Credentials through the environment keep them out of `ps`.
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID="+p.accessKey, "ROOT_SECRET_ACCESS_KEY="+p.secretKey)
	// Output goes to a file, never to the test binary's stdout: go test waits
	// for that pipe to close, so a child holding it would hang the run.
	cmd.Stdout, cmd.Stderr = logf, logf
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.bin, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	if err := waitHTTP(p.Endpoint(), done, 30*time.Second); err != nil {
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("%w\n%s", err, tail(filepath.Join(p.root, "versitygw.log")))
	}
	p.cmd, p.done = cmd, done
	return nil
}

func (p *S3Process) destroy() error {
	err := p.Stop()
	return errors.Join(err, os.RemoveAll(p.root))
}

func startS3(bin string) (*S3Process, error) {
	reapStale()
	root, err := os.MkdirTemp("", "chronos-s3-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	if err := markOwner(root); err != nil {
		_ = os.RemoveAll(root)
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(root, "data"), 0o755); err != nil {
		_ = os.RemoveAll(root)
		return nil, fmt.Errorf("posix root: %w", err)
	}
	p := &S3Process{bin: bin, root: root, accessKey: "testenvaccess", secretKey: randomName("secret")}
	if p.port, err = freePort(); err != nil {
		_ = os.RemoveAll(root)
		return nil, err
	}
	if err := p.Start(); err != nil {
		_ = os.RemoveAll(root)
		return nil, err
	}
	return p, nil
}

// waitHTTP polls base until it answers any HTTP status (an unsigned request
// gets 403), the process exits, or the timeout passes.
func waitHTTP(base string, exited <-chan struct{}, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
		if resp, err := client.Do(req); err == nil {
			_ = resp.Body.Close()
			return nil
		}
		select {
		case <-exited:
			return errors.New("versitygw exited before answering")
		case <-ctx.Done():
			return fmt.Errorf("versitygw did not answer on %s within %v", base, timeout)
		case <-tick.C:
		}
	}
}

// findVersitygw looks in CacheBinDir, then on PATH.
func findVersitygw() (string, error) {
	p := filepath.Join(CacheBinDir(), "versitygw")
	if isExec(p) {
		return p, nil
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("not in %s or on PATH", CacheBinDir())
}

func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return filepath.Base(path) + ":\n" + string(b)
}
