package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Node returns the path of node (Node 20 or later), skipping the test —
// or failing it under CI — when it is missing.
func Node(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		missing(t, "node (Node 20)", "apt-get install -y nodejs npm")
	}
	return p
}

// NPMPackage returns the directory of an npm package installed under
// dir/node_modules, skipping the test — or failing it under CI — when
// `npm ci` has not been run there.
func NPMPackage(t testing.TB, dir, pkg string) string {
	t.Helper()
	p := filepath.Join(dir, "node_modules", filepath.FromSlash(pkg))
	if _, err := os.Stat(filepath.Join(p, "package.json")); err != nil {
		missing(t, pkg+" under "+dir, "npm ci --prefix "+dir)
	}
	return p
}
