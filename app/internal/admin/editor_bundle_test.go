package admin_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/automatonic/chronos/app/internal/testenv"
)

// TestEditorBundleReproducible rebuilds static/editor.js (the Lexical
// editor the admin embeds) from editor/ with the packages pinned in
// editor/package-lock.json (`npm ci`, then esbuild) and requires the very
// bytes that are committed: the shipped bundle is what the source and the
// lock file say, and nobody edits it by hand.
func TestEditorBundleReproducible(t *testing.T) {
	dir, err := filepath.Abs("editor")
	if err != nil {
		t.Fatal(err)
	}
	node := testenv.Node(t)
	testenv.NPMInstall(t, dir)
	out := filepath.Join(t.TempDir(), "editor.js")
	cmd := exec.Command(node, "build.mjs", "--out", out)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node build.mjs: %v\n%s", err, b)
	}
	built, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join("static", "editor.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(built, committed) {
		i := 0
		for i < len(built) && i < len(committed) && built[i] == committed[i] {
			i++
		}
		t.Fatalf("static/editor.js (%d bytes) is not what editor/ builds (%d bytes; first difference at byte %d).\n"+
			"Rebuild it: cd app/internal/admin/editor && npm ci && node build.mjs — and commit the result.",
			len(committed), len(built), i)
	}
}
