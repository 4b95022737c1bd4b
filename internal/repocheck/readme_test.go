package repocheck

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readmeCommands returns the commands of the README's opening shell
// blocks, in order: the first is the run command, the second the test
// command.
func readmeCommands(t *testing.T) []string {
	t.Helper()
	path := filepath.Join(repoRoot(t), "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("README.md must exist and open with the run and test commands in ```sh blocks: %v", err)
	}
	cmds := parseCommands(string(b))
	if len(cmds) < 2 {
		t.Fatalf("README.md: want the run and the test command in its first ```sh blocks, found %q", cmds)
	}
	return cmds
}

// parseCommands returns the command lines of the first shell-fenced blocks
// of a Markdown text, stopping after the block in which it has two.
func parseCommands(md string) []string {
	var cmds []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(md))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "```") {
			if in {
				in = false
				if len(cmds) >= 2 {
					break
				}
				continue
			}
			lang := strings.TrimPrefix(line, "```")
			in = lang == "sh" || lang == "bash" || lang == "shell" || lang == "console"
			continue
		}
		if !in || line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cmds = append(cmds, strings.TrimPrefix(line, "$ "))
	}
	return cmds
}

func TestParseCommands(t *testing.T) {
	tests := []struct {
		name, md string
		want     []string
	}{
		{"one block", "# X\n\n```sh\nmake run\nmake test\n```\n```sh\nother\n```\n", []string{"make run", "make test"}},
		{"two blocks", "```sh\n# start\n$ make run\n```\ntext\n```bash\nmake test\n```\n", []string{"make run", "make test"}},
		{"skips other languages", "```go\nx := 1\n```\n```sh\na\n```\n```sh\nb\n```\n", []string{"a", "b"}},
		{"none", "no code\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseCommands(tc.md); !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// ciRunCommands returns .ci/run's commands without the shebang, comments and
// the standard preamble (set -euo pipefail; cd to the repo root), and with
// a leading `exec ` removed.
func ciRunCommands(t *testing.T) []string {
	t.Helper()
	var cmds []string
	for _, line := range strings.Split(readFile(t, ".ci/run"), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "", strings.HasPrefix(line, "#"),
			strings.HasPrefix(line, "set -"),
			line == `cd "$(dirname "$0")/.."`:
			continue
		}
		cmds = append(cmds, strings.TrimPrefix(line, "exec "))
	}
	return cmds
}

// TestCIRunIsTheREADMETestCommand: .ci/run calls the README's test command
// and nothing else the README does not show.
func TestCIRunIsTheREADMETestCommand(t *testing.T) {
	want := readmeCommands(t)[1]
	got := ciRunCommands(t)
	if len(got) != 1 || got[0] != want {
		t.Fatalf(".ci/run runs %q, want exactly the README's test command %q", got, want)
	}
	fi, err := os.Stat(filepath.Join(repoRoot(t), ".ci/run"))
	if err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf(".ci/run must be executable (%v)", err)
	}
}

// TestWorkflowRunsTheTestCommand: GitHub Actions runs the same command.
func TestWorkflowRunsTheTestCommand(t *testing.T) {
	want := ciRunCommands(t)
	if len(want) != 1 {
		t.Fatalf(".ci/run has %d commands, want 1", len(want))
	}
	wf := readFile(t, ".github/workflows/ci.yml")
	re := regexp.MustCompile(`(?m)^\s*(?:-\s+)?run:\s*(.+)$`)
	for _, m := range re.FindAllStringSubmatch(wf, -1) {
		if strings.TrimSpace(m[1]) == want[0] {
			return
		}
	}
	t.Fatalf(".github/workflows/ci.yml has no step `run: %s`", want[0])
}

// TestMakeTestRunsTheScript: `make test` is scripts/test.sh, which installs
// the services testenv expects at the version it expects.
func TestMakeTestRunsTheScript(t *testing.T) {
	mk := readFile(t, "Makefile")
	if !regexp.MustCompile(`(?m)^test:.*\n\t+scripts/test\.sh\s*$`).MatchString(mk) {
		t.Error("Makefile's test target must run scripts/test.sh")
	}
	// app/internal/testenv cannot be imported from here (internal), so read
	// the constant from its source.
	m := regexp.MustCompile(`VersitygwVersion = "([^"]+)"`).FindStringSubmatch(readFile(t, "app/internal/testenv/s3.go"))
	if m == nil {
		t.Fatal("no VersitygwVersion constant in app/internal/testenv/s3.go")
	}
	if script := readFile(t, "scripts/test.sh"); !strings.Contains(script, "VERSITYGW_VERSION="+m[1]) {
		t.Errorf("scripts/test.sh does not install versitygw %s (testenv.VersitygwVersion)", m[1])
	}
}

// TestDockerfile checks what issue 2 asks of the image.
func TestDockerfile(t *testing.T) {
	df := readFile(t, "Dockerfile")
	for _, re := range []string{
		`(?m)^FROM .+ AS build`,           // multi-stage
		`CGO_ENABLED=0`,                   // static binary
		`(?m)^USER [1-9][0-9]*(:[0-9]+)?`, // non-root
		`(?m)^HEALTHCHECK .*\n?.*CMD \["/cms", "healthcheck"\]`,
		`(?m)^ENTRYPOINT \["/cms"\]`,
		`cms migrate`, // the release step is documented
	} {
		if !regexp.MustCompile(re).MatchString(df) {
			t.Errorf("Dockerfile does not match %s", re)
		}
	}
}

// TestReleaseBuildsAreStatic: every release build of the CMS (Dockerfile,
// `make build`, the bench's) uses build tags that keep purego out. purego
// makes the Go linker ask for an ELF interpreter even with CGO_ENABLED=0,
// and a binary that needs /lib64/ld-linux-x86-64.so.2 cannot start in the
// FROM scratch image ("no such file or directory").
func TestReleaseBuildsAreStatic(t *testing.T) {
	builds := map[string]*regexp.Regexp{
		"Dockerfile":               regexp.MustCompile(`go build -trimpath -tags ([\w,]+)`),
		"Makefile":                 regexp.MustCompile(`(?m)^GOTAGS\s*:=\s*([\w,]+)`),
		"app/cmd/cmsbench/main.go": regexp.MustCompile(`"-tags", "([\w,]+)"`),
	}
	for file, re := range builds {
		m := re.FindStringSubmatch(readFile(t, file))
		if m == nil {
			t.Errorf("%s: no build tags found (%s)", file, re)
			continue
		}
		cmd := exec.Command("go", "list", "-deps", "-tags", m[1], "./app/cmd/cms")
		cmd.Dir = repoRoot(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list -tags %s: %v", m[1], err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "github.com/ebitengine/purego") {
				t.Errorf("%s builds with -tags %s, which links %s: the binary would need a dynamic loader", file, m[1], dep)
				break
			}
		}
	}
}
