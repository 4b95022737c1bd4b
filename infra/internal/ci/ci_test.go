package ci_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const workflows = "../../../.github/workflows"

// actionlint finds the linter: $ACTIONLINT, PATH, or the team's tool cache.
func actionlint(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ACTIONLINT"); p != "" {
		return p
	}
	if p, err := exec.LookPath("actionlint"); err == nil {
		return p
	}
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, ".cache", "chronos", "bin", "actionlint")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	const msg = "actionlint not found; install it with GOBIN=$HOME/.cache/chronos/bin go install github.com/rhysd/actionlint/cmd/actionlint@latest"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func TestActionlint(t *testing.T) {
	bin := actionlint(t)
	files := []string{filepath.Join(workflows, "preview.yml"), filepath.Join(workflows, "deploy.yml")}
	out, err := exec.Command(bin, append([]string{"-no-color"}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("actionlint: %v\n%s", err, out)
	}
}

// workflow is the part of a workflow file the checks below read.
type workflow struct {
	On          map[string]any    `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]struct {
		If          string `yaml:"if"`
		Environment any    `yaml:"environment"`
		Strategy    struct {
			Matrix map[string]any `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []struct {
			Uses string            `yaml:"uses"`
			With map[string]string `yaml:"with"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func load(t *testing.T, name string) workflow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(workflows, name))
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(b, &w); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return w
}

// with returns the inputs of the first step using an action with prefix.
func (w workflow) with(job, prefix string) (map[string]string, bool) {
	for _, s := range w.Jobs[job].Steps {
		if strings.HasPrefix(s.Uses, prefix) {
			return s.With, true
		}
	}
	return nil, false
}

func TestPreviewWorkflow(t *testing.T) {
	w := load(t, "preview.yml")
	if _, ok := w.On["pull_request"]; !ok || len(w.On) != 1 {
		t.Errorf("triggers = %v, want pull_request only", w.On)
	}
	if w.Permissions["id-token"] != "write" || w.Permissions["pull-requests"] != "write" || w.Permissions["contents"] != "read" {
		t.Errorf("permissions = %v", w.Permissions)
	}
	job := w.Jobs["preview"]
	if !strings.Contains(job.If, "head.repo.full_name == github.repository") {
		t.Errorf("fork pull requests are not skipped: if = %q", job.If)
	}
	var stacks []string
	for _, s := range job.Strategy.Matrix["stack"].([]any) {
		stacks = append(stacks, s.(string))
	}
	if !slices.Equal(stacks, []string{"dev", "prod"}) {
		t.Errorf("matrix stacks = %v", stacks)
	}
	goSetup, ok := w.with("preview", "actions/setup-go@")
	if !ok || goSetup["cache"] != "true" || goSetup["go-version-file"] != "go.mod" {
		t.Errorf("setup-go = %v, want go.mod version with the build cache", goSetup)
	}
	aws, ok := w.with("preview", "aws-actions/configure-aws-credentials@")
	if !ok || !strings.Contains(aws["role-to-assume"], "vars.") {
		t.Errorf("AWS credentials = %v, want an OIDC role from repository variables", aws)
	}
	pu, ok := w.with("preview", "pulumi/actions@")
	if !ok || pu["command"] != "preview" || pu["comment-on-pr"] != "true" || pu["stack-name"] != "${{ matrix.stack }}" || !strings.Contains(pu["cloud-url"], "vars.") {
		t.Errorf("pulumi/actions = %v", pu)
	}
}

func TestDeployWorkflow(t *testing.T) {
	w := load(t, "deploy.yml")
	if _, ok := w.On["push"]; !ok {
		t.Error("dev is not deployed on push")
	}
	if _, ok := w.On["workflow_dispatch"]; !ok {
		t.Error("prod has no manual trigger")
	}
	dev, prod := w.Jobs["dev"], w.Jobs["prod"]
	if !strings.Contains(dev.If, "'push'") {
		t.Errorf("dev job if = %q", dev.If)
	}
	if !strings.Contains(prod.If, "'workflow_dispatch'") || !strings.Contains(prod.If, "refs/heads/main") {
		t.Errorf("prod job if = %q, want manual runs from main only", prod.If)
	}
	if prod.Environment != "production" {
		t.Errorf("prod environment = %v, want the protected production environment", prod.Environment)
	}
	for job, stack := range map[string]string{"dev": "dev", "prod": "prod"} {
		pu, ok := w.with(job, "pulumi/actions@")
		if !ok || pu["command"] != "up" || pu["stack-name"] != stack {
			t.Errorf("%s: pulumi/actions = %v", job, pu)
		}
		build, ok := w.with(job, "docker/build-push-action@")
		if !ok || build["platforms"] != "linux/amd64,linux/arm64" || !strings.Contains(build["outputs"], "push-by-digest=true") {
			t.Errorf("%s: image build = %v, want a multi-arch push by digest", job, build)
		}
		var setsDigest, bootstraps bool
		for _, s := range w.Jobs[job].Steps {
			setsDigest = setsDigest || strings.Contains(s.Run, "pulumi config set chronos:cmsImage \"$DIGEST\"") && s.Env["DIGEST"] == "${{ steps.build.outputs.digest }}"
			bootstraps = bootstraps || strings.Contains(s.Run, "pulumi up --yes --skip-preview --stack "+stack)
		}
		if !setsDigest || !bootstraps {
			t.Errorf("%s: sets cmsImage to the pushed digest %v, bootstraps the repository %v", job, setsDigest, bootstraps)
		}
	}
}
