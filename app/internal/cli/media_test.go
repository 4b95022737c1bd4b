package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/objectstore"
)

// TestMediaGC runs `cms media gc` on local disk: an object without a row
// younger than the grace period is left alone (it may be an upload in
// flight), the dry run reports an older one and keeps it, --apply deletes
// it, and a clean store reports nothing.
func TestMediaGC(t *testing.T) {
	dir := t.TempDir()
	environ := []string{contract.CMSDataDir + "=" + dir, contract.PayloadSecret + "=cli-test-secret-0123456789abcdef0123456789", contract.CMSAutoMigrate + "=true"}
	code, out, errs := run(t, "", environ, "media", "gc", "--env-file", "")
	if code != 0 || !strings.Contains(out, "objects without a row: 0 found") || !strings.Contains(out, "dry run") {
		t.Fatalf("empty gc: %d\n%s\n%s", code, out, errs)
	}
	st, err := objectstore.NewLocal(filepath.Join(dir, "uploads"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Put(context.Background(), "orphan.png", strings.NewReader("x"), 1, objectstore.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	// Just written, it may be an upload in flight: left alone.
	code, out, errs = run(t, "", environ, "media", "gc", "--env-file", "")
	if code != 0 || !strings.Contains(out, "objects without a row: 0 found") || !strings.Contains(out, "less than 24h0m0s ago (maybe uploads in flight): 1 left alone") {
		t.Fatalf("young orphan: %d\n%s\n%s", code, out, errs)
	}
	// Written two days ago, it is an orphan.
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "uploads", "orphan.png"), old, old); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "", environ, "media", "gc", "--env-file", "")
	if code != 0 || !strings.Contains(out, "objects without a row: 1 found\n  orphan.png") {
		t.Fatalf("dry run: %d\n%s\n%s", code, out, errs)
	}
	if _, err := st.Head(context.Background(), "orphan.png"); err != nil {
		t.Fatalf("dry run deleted the orphan: %v", err)
	}
	code, out, errs = run(t, "", environ, "media", "gc", "--apply", "--env-file", "")
	if code != 0 || !strings.Contains(out, "objects without a row: 1 deleted") {
		t.Fatalf("apply: %d\n%s\n%s", code, out, errs)
	}
	if _, err := st.Head(context.Background(), "orphan.png"); err == nil {
		t.Fatal("orphan survived --apply")
	}
	if code, _, _ := run(t, "", environ, "media", "nope"); code != 2 {
		t.Errorf("unknown subcommand exit %d", code)
	}
}
