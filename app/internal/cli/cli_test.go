package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/config"
)

func run(t *testing.T, stdin string, environ []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), &Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Environ: environ, Version: "v-test"})
	return code, out.String(), errb.String()
}

// fullOutputs is what `pulumi stack output --json --show-secrets` prints for
// a stack of infra/.
func fullOutputs() map[string]any {
	return map[string]any{
		contract.OutPostgresURL:     "postgres://chronos_admin:pw%40x@db.example.us-east-1.rds.amazonaws.com:5432/chronos?sslmode=require",
		contract.OutBucketName:      "automatonic-assets-dev",
		contract.OutRegion:          "us-east-1",
		contract.OutAccessKeyID:     "AKIAEXAMPLE",
		contract.OutSecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		contract.OutCORSOrigins:     []any{"http://localhost:3000", "https://preview.example.com"},
		contract.OutPayloadSecret:   strings.Repeat("k", 48),
		contract.OutDBEndpoint:      "db.example.us-east-1.rds.amazonaws.com:5432",
	}
}

// TestEnvRoundTrip proves that every stack output the contract maps reaches
// the config field it feeds, through `cms env` and config.Load in production.
func TestEnvRoundTrip(t *testing.T) {
	outs := fullOutputs()
	b, _ := json.Marshal(outs)
	code, stdout, stderr := run(t, string(b), nil, "env")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	env, err := config.ParseDotEnv(strings.NewReader(stdout))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(env)
	if err != nil {
		t.Fatalf("cms serve would refuse this .env: %v\n%s", err, stdout)
	}
	got := map[string]string{
		contract.OutPostgresURL: cfg.PostgresURL, contract.OutBucketName: cfg.S3.Bucket, contract.OutRegion: cfg.S3.Region,
		contract.OutAccessKeyID: cfg.S3.AccessKeyID, contract.OutSecretAccessKey: cfg.S3.SecretAccessKey,
		contract.OutCORSOrigins: strings.Join(cfg.CORSOrigins, ","), contract.OutPayloadSecret: cfg.Secret,
	}
	for out := range contract.Outputs() {
		want, _ := outputString(outs[out])
		if got[out] != want {
			t.Errorf("output %s: config has %q, want %q", out, got[out], want)
		}
	}
	if len(got) != len(contract.Outputs()) {
		t.Errorf("test covers %d outputs, contract maps %d", len(got), len(contract.Outputs()))
	}
	if !cfg.Production() {
		t.Error("the generated .env must select production")
	}
}

func TestEnvGeneratesSecretWhenStackHasNone(t *testing.T) {
	outs := fullOutputs()
	delete(outs, contract.OutPayloadSecret)
	b, _ := json.Marshal(outs)
	code, stdout, stderr := run(t, string(b), nil, "env")
	if code != 0 || !strings.Contains(stderr, "generated") || !strings.Contains(stdout, contract.PayloadSecret+"=") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestEnvReportsEveryProblem(t *testing.T) {
	outs := fullOutputs()
	delete(outs, contract.OutBucketName)
	delete(outs, contract.OutRegion)
	outs["surprise"] = "x"
	outs[contract.OutSecretAccessKey] = "[secret]"
	b, _ := json.Marshal(outs)
	code, _, stderr := run(t, string(b), nil, "env")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{`"bucketName"`, `"region"`, `unknown stack output "surprise"`, "--show-secrets"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %s:\n%s", want, stderr)
		}
	}
	if code, _, stderr := run(t, "not json", nil, "env"); code != 1 || !strings.Contains(stderr, "pulumi stack output") {
		t.Errorf("garbage input: exit %d %s", code, stderr)
	}
}

func TestHelpNeverShowsSecrets(t *testing.T) {
	environ := []string{contract.PayloadSecret + "=super-secret-value", contract.PostgresURL + "=postgres://u:pw-secret@h/db"}
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"migrate", "--help"}, {"env", "--help"}, {"users", "create", "--help"}, {"version", "--help"}} {
		code, out, errs := run(t, "", environ, args...)
		if code != 0 {
			t.Errorf("%v: exit %d %s", args, code, errs)
		}
		if strings.Contains(out+errs, "super-secret-value") || strings.Contains(out+errs, "pw-secret") {
			t.Errorf("%v leaks a secret", args)
		}
		if !strings.Contains(out, "Usage") && !strings.Contains(out, "cms") {
			t.Errorf("%v: no usage text: %q", args, out)
		}
	}
}

func TestServeRefusesBadProductionConfig(t *testing.T) {
	environ := []string{contract.CMSEnv + "=production", contract.PayloadSecret + "=short-secret-value"}
	code, _, stderr := run(t, "", environ, "serve", "--env-file", "")
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{contract.PostgresURL, contract.S3Bucket, contract.PayloadSecret} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not name %s: %s", want, stderr)
		}
	}
	if strings.Contains(stderr, "short-secret-value") {
		t.Error("stderr leaks the secret")
	}
}

func TestUsageErrors(t *testing.T) {
	if code, _, _ := run(t, "", nil, "nope"); code != 2 {
		t.Errorf("unknown command: exit %d", code)
	}
	if code, _, _ := run(t, "", nil, "users", "create"); code != 2 {
		t.Errorf("users create without email: exit %d", code)
	}
	if code, out, _ := run(t, "", nil, "version"); code != 0 || !strings.HasPrefix(out, "cms v-test") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestUsersCreateAndMigrateOnSQLite(t *testing.T) {
	dir := t.TempDir()
	environ := []string{contract.CMSDataDir + "=" + dir}
	if code, out, errs := run(t, "", environ, "migrate", "--env-file", ""); code != 0 || !strings.Contains(out, "0001_init") {
		t.Fatalf("migrate: %d %q %q", code, out, errs)
	}
	if code, out, _ := run(t, "", environ, "migrate", "--status", "--env-file", ""); code != 0 || !strings.Contains(out, "pending: none") {
		t.Fatalf("status: %d %q", code, out)
	}
	code, out, errs := run(t, "a-long-enough-passphrase\n", environ, "users", "create", "--email", "Boss@Example.com", "--role", "admin", "--password-stdin", "--env-file", "")
	if code != 0 || !strings.Contains(out, "boss@example.com") {
		t.Fatalf("users create: %d %q %q", code, out, errs)
	}
	if strings.Contains(out+errs, "a-long-enough-passphrase") {
		t.Fatal("password echoed")
	}
	code, _, errs = run(t, "password\n", environ, "users", "create", "--email", "x@example.com", "--password-stdin", "--env-file", "")
	if code != 1 || !strings.Contains(errs, "password") {
		t.Fatalf("weak password accepted: %d %q", code, errs)
	}
}
