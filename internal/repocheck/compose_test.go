package repocheck

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/automatonic/chronos/app/contract"
)

// composeFile is the part of docker-compose.yml these tests read.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string              `yaml:"image"`
	Build       any                 `yaml:"build"`
	Entrypoint  any                 `yaml:"entrypoint"`
	Command     any                 `yaml:"command"`
	Environment yaml.Node           `yaml:"environment"`
	Healthcheck *struct{ Test any } `yaml:"healthcheck"`
	DependsOn   yaml.Node           `yaml:"depends_on"`
	Volumes     []string            `yaml:"volumes"`
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	if err := yaml.Unmarshal([]byte(readFile(t, "docker-compose.yml")), &c); err != nil {
		t.Fatalf("parse docker-compose.yml: %v", err)
	}
	return c
}

// environment returns a service's environment as a map; compose allows a
// mapping or a list of KEY=VALUE strings.
func environment(t *testing.T, n yaml.Node) map[string]string {
	t.Helper()
	env := map[string]string{}
	switch n.Kind {
	case 0:
	case yaml.MappingNode:
		var m map[string]string
		if err := n.Decode(&m); err != nil {
			t.Fatalf("environment: %v", err)
		}
		env = m
	case yaml.SequenceNode:
		var l []string
		if err := n.Decode(&l); err != nil {
			t.Fatalf("environment: %v", err)
		}
		for _, kv := range l {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
	default:
		t.Fatalf("environment: unexpected YAML kind %v", n.Kind)
	}
	return env
}

// dependsOn returns service → condition; the short list form means
// service_started.
func dependsOn(t *testing.T, n yaml.Node) map[string]string {
	t.Helper()
	deps := map[string]string{}
	switch n.Kind {
	case 0:
	case yaml.SequenceNode:
		var l []string
		if err := n.Decode(&l); err != nil {
			t.Fatalf("depends_on: %v", err)
		}
		for _, s := range l {
			deps[s] = "service_started"
		}
	case yaml.MappingNode:
		var m map[string]struct{ Condition string }
		if err := n.Decode(&m); err != nil {
			t.Fatalf("depends_on: %v", err)
		}
		for s, d := range m {
			deps[s] = cmpOr(d.Condition, "service_started")
		}
	}
	return deps
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestComposeCMSEnvIsContract: the cms service may only be configured through
// names of the env contract, so compose cannot drift from the code.
func TestComposeCMSEnvIsContract(t *testing.T) {
	c := loadCompose(t)
	cms, ok := c.Services["cms"]
	if !ok {
		t.Fatal("docker-compose.yml has no cms service")
	}
	env := environment(t, cms.Environment)
	if len(env) == 0 {
		t.Fatal("cms service has no environment")
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := contract.Lookup(k); !ok {
			t.Errorf("cms environment %s is not a name of app/contract", k)
		}
	}
	for _, want := range []string{contract.PostgresURL, contract.S3Bucket, contract.S3Endpoint,
		contract.S3ForcePathStyle, contract.S3AccessKeyID, contract.S3SecretAccessKey, contract.PayloadSecret} {
		if _, ok := env[want]; !ok {
			t.Errorf("cms environment lacks %s", want)
		}
	}
	if u := env[contract.PostgresURL]; !strings.Contains(u, "@timescaledb:5432/") {
		t.Errorf("POSTGRES_URL %q does not point at the timescaledb service", u)
	}
	if e := env[contract.S3Endpoint]; !strings.Contains(e, "://minio:9000") {
		t.Errorf("S3_ENDPOINT %q does not point at the minio service", e)
	}
}

// TestComposeServices checks the services issue 2 asks for and that every
// health condition has a healthcheck to wait on.
func TestComposeServices(t *testing.T) {
	c := loadCompose(t)
	db, ok := c.Services["timescaledb"]
	if !ok {
		t.Fatal("no timescaledb service")
	}
	if !strings.HasPrefix(db.Image, "timescale/timescaledb:") || !strings.Contains(db.Image, "pg16") {
		t.Errorf("timescaledb image %q is not timescale/timescaledb on PostgreSQL 16", db.Image)
	}
	dbEnv := environment(t, db.Environment)
	for k, def := range map[string]string{"POSTGRES_USER": "chronos_local", "POSTGRES_PASSWORD": "password", "POSTGRES_DB": "chronos_local"} {
		if v := dbEnv[k]; v != def && v != fmt.Sprintf("${%s:-%s}", k, def) {
			t.Errorf("timescaledb %s = %q, want %q or ${%s:-%s}", k, v, def, k, def)
		}
	}
	if !slices.ContainsFunc(db.Volumes, func(v string) bool {
		name, _, _ := strings.Cut(v, ":")
		_, declared := c.Volumes[name]
		return declared
	}) {
		t.Errorf("timescaledb has no named volume (volumes %v, declared %v)", db.Volumes, c.Volumes)
	}
	if _, ok := c.Services["minio"]; !ok {
		t.Error("no minio service")
	}
	bucketMade := false
	for name, s := range c.Services {
		text := fmt.Sprint(s.Entrypoint, s.Command)
		if strings.Contains(text, "mb") && strings.Contains(text, "automatonic-assets-dev") {
			bucketMade = true
			if cond := dependsOn(t, c.Services["cms"].DependsOn)[name]; cond != "service_completed_successfully" {
				t.Errorf("cms must wait for %s with service_completed_successfully, has %q", name, cond)
			}
		}
	}
	if !bucketMade {
		t.Error("no service creates the dev bucket automatonic-assets-dev (mc mb)")
	}
	cms := c.Services["cms"]
	if cms.Build == nil {
		t.Error("cms is not built from the Dockerfile")
	}
	if cond := dependsOn(t, cms.DependsOn)["timescaledb"]; cond != "service_healthy" {
		t.Errorf("cms depends_on timescaledb condition = %q, want service_healthy", cond)
	}
	for name, s := range c.Services {
		for dep, cond := range dependsOn(t, s.DependsOn) {
			target, ok := c.Services[dep]
			if !ok {
				t.Errorf("%s depends on unknown service %s", name, dep)
				continue
			}
			if cond == "service_healthy" && target.Healthcheck == nil {
				t.Errorf("%s waits for %s to be healthy, but %s has no healthcheck", name, dep, dep)
			}
		}
	}
}
