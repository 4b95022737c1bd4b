package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/testenv"
)

// TestTypesCompileWithTSC type-checks a site's data layer
// (test/sdk/types/site.ts: PayloadSDK<Config> find, findByID, create,
// update and findGlobal on every collection and global, narrowing by
// blockType and relationTo) against the file `cms types` writes, with the
// TypeScript pinned in test/sdk/package-lock.json. broken.ts holds
// deliberate errors: tsc must report exactly those lines, so the check can
// fail.
func TestTypesCompileWithTSC(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	sdkDir := filepath.Join(root, "test", "sdk")
	node := testenv.Node(t)
	tsc := filepath.Join(testenv.NPMPackage(t, sdkDir, "typescript"), "bin", "tsc")
	testenv.NPMPackage(t, sdkDir, "@payloadcms/sdk")

	dir := t.TempDir()
	for _, f := range []string{"tsconfig.json", "site.ts", "broken.ts"} {
		b, err := os.ReadFile(filepath.Join(sdkDir, "types", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(sdkDir, "node_modules"), filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "", nil, "types", "--out", filepath.Join(dir, "payload-types.ts")); code != 0 {
		t.Fatalf("cms types: exit %d: %s", code, stderr)
	}

	// site.ts must cover every collection and global of the definitions.
	site, _ := os.ReadFile(filepath.Join(dir, "site.ts"))
	reg := collections.MustRegistry()
	for _, c := range reg.All() {
		for _, op := range []string{"find", "findByID", "create", "update"} {
			if !regexp.MustCompile(`sdk\.` + op + `\(\{ collection: '` + regexp.QuoteMeta(c.Slug) + `'`).Match(site) {
				t.Errorf("site.ts does not call sdk.%s on collection %s", op, c.Slug)
			}
		}
	}
	for _, g := range reg.Globals() {
		for _, op := range []string{"findGlobal", "updateGlobal"} {
			if !regexp.MustCompile(`sdk\.` + op + `\(\{ slug: '` + regexp.QuoteMeta(g.Slug) + `'`).Match(site) {
				t.Errorf("site.ts does not call sdk.%s on global %s", op, g.Slug)
			}
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, tsc, "--noEmit", "-p", "tsconfig.json", "--pretty", "false")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("tsc --noEmit:\n%s", out)
	if err == nil {
		t.Fatal("tsc reported no error, but broken.ts has deliberate ones")
	}
	if ctx.Err() != nil {
		t.Fatalf("tsc timed out: %v", ctx.Err())
	}
	// Errors: file(line,col): error TSnnnn: message
	errLine := regexp.MustCompile(`^(\S+)\((\d+),\d+\): error TS\d+:`)
	var got []string
	for _, l := range strings.Split(string(out), "\n") {
		if m := errLine.FindStringSubmatch(l); m != nil {
			got = append(got, m[1]+":"+m[2])
		}
	}
	var want []string
	broken, _ := os.ReadFile(filepath.Join(dir, "broken.ts"))
	for i, l := range strings.Split(string(broken), "\n") {
		if strings.Contains(l, "// EXPECT-ERROR") {
			want = append(want, "broken.ts:"+strconv.Itoa(i+1))
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("tsc errors at %v, want exactly %v (site.ts must compile cleanly)", got, want)
	}
}
