package apitest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/testenv"
)

// TestPayloadSDK runs test/sdk/compat.mjs — the official @payloadcms/sdk
// driving this CMS over HTTP — against a live CMS on SQLite and on
// PostgreSQL (findGlobal/updateGlobal included). It needs Node
// and `npm ci --prefix test/sdk`; under CI=true their absence fails.
func TestPayloadSDK(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "test", "sdk")
	node, err := exec.LookPath("node")
	if err != nil {
		needTool(t, "node (Node 20) not found on PATH; install Node 20")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@payloadcms", "sdk", "package.json")); err != nil {
		needTool(t, "test/sdk/node_modules is missing; run `npm ci --prefix test/sdk` (scripts/test.sh does)")
	}
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, nil)
		e.createUser(t, "sdk-admin@example.com", "sdk-admin-pass-1", "SDK Admin", "admin")

		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, node, "compat.mjs")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(),
			"REQUIRE_UPLOAD=true", // the media endpoints exist: a 404 there is a failure
			"BASE_URL="+e.srv.URL,
			"CMS_EMAIL=sdk-admin@example.com",
			"CMS_PASSWORD=sdk-admin-pass-1",
		)
		out, err := cmd.CombinedOutput()
		t.Logf("node compat.mjs on %s:\n%s", dialect, out)
		if err != nil {
			t.Fatalf("SDK compatibility run failed on %s: %v", dialect, err)
		}
	})
}

// needTool skips, or fails under CI=true, when a tool the test needs is
// missing.
func needTool(t *testing.T, msg string) {
	t.Helper()
	if testenv.InCI() {
		t.Fatal(msg + " — CI=true, so this is a failure, not a skip")
	}
	t.Skip(msg)
}

// repoRoot is the directory holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}
