package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// golden is payload-types.ts as the real Payload 3.90.2 `generate:types`
// writes it for a config equivalent to the definitions
// (scripts/payload-types.sh rebuilds it).
const golden = "../../../scripts/payload-types/payload-types.ts"

// TestTypesGolden compares `cms types` for the shipped definitions with the
// committed output of Payload's own generator.
func TestTypesGolden(t *testing.T) {
	code, stdout, stderr := run(t, "", nil, "types", "--out", "-")
	if code != 0 {
		t.Fatalf("cms types: exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(want) {
		t.Errorf("cms types differs from Payload's %s (after changing the definitions, run scripts/payload-types.sh); first difference at line %s", golden, firstDiffLine(stdout, string(want)))
	}
	// Deterministic: a second run writes the same bytes.
	if _, again, _ := run(t, "", nil, "types", "--out", "-"); again != stdout {
		t.Error("two runs of cms types differ")
	}
}

// TestTypesOut writes the file, then leaves an unchanged one alone.
func TestTypesOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "payload-types.ts")
	code, stdout, stderr := run(t, "", nil, "types", "--out", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, want, _ := run(t, "", nil, "types", "--out", "-")
	if string(b) != want {
		t.Error("--out wrote something else than stdout gets")
	}
	if _, stdout, _ = run(t, "", nil, "types", "--out", path); stdout != path+" is up to date\n" {
		t.Errorf("second run: %q", stdout)
	}
	if code, _, _ := run(t, "", nil, "types", "extra"); code != 2 {
		t.Errorf("an extra argument: exit %d, want 2", code)
	}
}

func firstDiffLine(a, b string) string {
	line := 1
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			break
		}
		if a[i] == '\n' {
			line++
		}
	}
	return strconv.Itoa(line)
}
