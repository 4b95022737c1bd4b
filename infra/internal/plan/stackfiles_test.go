package plan_test

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/automatonic/chronos/infra/internal/plan"
	"github.com/automatonic/chronos/infra/internal/stackfile"
)

func TestProjectFileDeclaresEveryKey(t *testing.T) {
	proj, err := stackfile.LoadProject(filepath.Join(repoRoot, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if proj.Name != plan.Project || proj.Runtime != "go" || proj.Main != "infra/" {
		t.Errorf("project = %q runtime %v main %q, want chronos / go / infra/", proj.Name, proj.Runtime, proj.Main)
	}
	var names []string
	for _, k := range plan.Keys() {
		names = append(names, k.Name)
		d, ok := proj.Config[k.Name]
		if !ok {
			t.Errorf("Pulumi.yaml does not declare %s", k.Name)
			continue
		}
		if d.Type != k.Type || d.Description != k.Description || d.Secret != k.Secret {
			t.Errorf("%s: Pulumi.yaml type %q secret %v description %q; code says %q %v %q", k.Name, d.Type, d.Secret, d.Description, k.Type, k.Secret, k.Description)
		}
		if k.Type == "array" && d.Items["type"] != "string" {
			t.Errorf("%s: array items must be declared as strings", k.Name)
		}
		switch {
		case k.Required && d.Default != nil:
			t.Errorf("%s is required but Pulumi.yaml gives it a default", k.Name)
		case !k.Required:
			got, err := stackfile.Encode(d.Default)
			if d.Default == nil || err != nil || got != k.Default {
				t.Errorf("%s: Pulumi.yaml default %v, code default %q", k.Name, d.Default, k.Default)
			}
		}
	}
	for name := range proj.Config {
		if !slices.Contains(names, name) {
			t.Errorf("Pulumi.yaml declares %s, which the program does not read", name)
		}
	}
}

// secretLooking matches key names that must never hold plaintext.
var secretLooking = regexp.MustCompile(`(?i)(password|passwd|secret|token|privatekey|credential)`)

// secretValue matches values that look like credentials whatever the key.
var secretValue = regexp.MustCompile(`AKIA[0-9A-Z]{16}|ASIA[0-9A-Z]{16}|-----BEGIN|postgres(ql)?://[^:/]+:[^@]+@`)

func stackFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "Pulumi.*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stacks {
		if !slices.Contains(files, filepath.Join(repoRoot, "Pulumi."+s+".yaml")) {
			t.Fatalf("stack file Pulumi.%s.yaml missing (found %v)", s, files)
		}
	}
	return files
}

func TestStackFilesDeclareNoPlaintextSecret(t *testing.T) {
	for _, file := range stackFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			s, err := stackfile.Load(filepath.Join(repoRoot, "Pulumi.yaml"), file)
			if err != nil {
				t.Fatal(err)
			}
			for key, v := range s.Raw {
				full := key
				if !strings.Contains(full, ":") {
					full = plan.Project + ":" + full
				}
				secure := slices.Contains(s.Secure, full)
				if (slices.Contains(plan.SecretKeys(), full) || secretLooking.MatchString(key)) && !secure {
					t.Errorf("%s holds a plaintext value; set it with `pulumi config set --secret %s`", key, full)
				}
				if enc, err := stackfile.Encode(v); !secure && err == nil && secretValue.MatchString(enc) {
					t.Errorf("%s holds something that looks like a credential", key)
				}
			}
		})
	}
}

// TestPlaintextSecretCheckCanFail feeds the check above a bad stack file, so
// a bug that blinds it shows up here.
func TestPlaintextSecretCheckCanFail(t *testing.T) {
	if !secretLooking.MatchString("chronos:dbPassword") || !secretLooking.MatchString("chronos:cmsSecret") {
		t.Error("secret key names are not recognised")
	}
	if !secretValue.MatchString("AKIAABCDEFGHIJKLMNOP") || !secretValue.MatchString("postgres://u:p@h/db") {
		t.Error("credential-looking values are not recognised")
	}
	for _, k := range []string{"chronos:dbPassword", "chronos:cmsSecret"} {
		if !slices.Contains(plan.SecretKeys(), k) {
			t.Errorf("SecretKeys misses %s", k)
		}
	}
}

func TestStackFilesUseKnownKeys(t *testing.T) {
	known := []string{plan.RegionKey}
	for _, k := range plan.Keys() {
		known = append(known, plan.FullKey(k.Name))
	}
	for _, file := range stackFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			s, err := stackfile.Load(filepath.Join(repoRoot, "Pulumi.yaml"), file)
			if err != nil {
				t.Fatal(err)
			}
			for key := range s.Raw {
				if !slices.Contains(known, key) {
					t.Errorf("%s is not a key the program reads (typo?); known keys: %v", key, known)
				}
			}
		})
	}
}
