package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/objectstore"
)

// TestMediaGC runs `cms media gc` on local disk: the dry run reports an
// orphaned object and keeps it, --apply deletes it, and a clean store
// reports nothing.
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
