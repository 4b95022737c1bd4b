package plan_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/infra/internal/plan"
)

const (
	testRepoARN   = "arn:aws:ecr:us-east-1:123456789012:repository/chronos-cms-prod"
	testLogARN    = "arn:aws:logs:us-east-1:123456789012:log-group:/chronos/prod/cms"
	testSecretARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:chronos/prod/cms-AbCdEf"
	testDistARN   = "arn:aws:cloudfront::123456789012:distribution/E1234567890ABC"
)

func ecsProd(t *testing.T) plan.Config {
	t.Helper()
	c, err := plan.Parse("prod", plan.MapSource(validECSProd(), secrets))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPolicyGoldenFiles(t *testing.T) {
	golden(t, "execution-policy.json", plan.ExecutionPolicy(testRepoARN, testLogARN, testSecretARN).JSON())
	golden(t, "assume-role-policy.json", plan.AssumeRolePolicy().JSON())
	golden(t, "bucket-policy-cdn.json", plan.BucketPolicyFor("automatonic-assets-prod", testDistARN).JSON())
	golden(t, "container-definitions-prod.json", plan.ServiceFor(ecsProd(t)).ContainerDefinitions(plan.Runtime{
		Image:          "123456789012.dkr.ecr.us-east-1.amazonaws.com/chronos-cms-prod@" + testDigest,
		Region:         "us-east-1",
		SecretARN:      testSecretARN,
		PublicURL:      "https://cms.example.com",
		TrustedProxies: plan.TrustedProxies("172.31.0.0/16", []string{"130.176.0.0/17", "15.158.0.0/16", "130.176.0.0/17"}),
	}))
	golden(t, "ecr-lifecycle.json", plan.RepositoryFor(ecsProd(t)).LifecycleJSON)
}

func TestExecutionPolicyReadsOnlyItsSecret(t *testing.T) {
	doc := plan.ExecutionPolicy(testRepoARN, testLogARN, testSecretARN)
	for _, s := range doc.Statement {
		for _, a := range s.Action {
			if strings.Contains(a, "*") {
				t.Errorf("%s: wildcard action %s", s.Sid, a)
			}
			if strings.HasPrefix(a, "secretsmanager:") || strings.HasPrefix(a, "ssm:") || strings.HasPrefix(a, "kms:") {
				if a != "secretsmanager:GetSecretValue" || !slices.Equal(s.Resource, []string{testSecretARN}) {
					t.Errorf("%s: %s on %v; only GetSecretValue on the stack's secret", s.Sid, a, s.Resource)
				}
			}
		}
		if slices.Contains(s.Resource, "*") && !slices.Equal(s.Action, []string{"ecr:GetAuthorizationToken"}) {
			t.Errorf("%s: resource * for %v", s.Sid, s.Action)
		}
	}
}

func TestBucketPolicyAdmitsOnlyTheDistribution(t *testing.T) {
	if got, want := plan.BucketPolicyFor("b", "").JSON(), plan.BucketPolicy("b").JSON(); got != want {
		t.Error("without a distribution the bucket policy must stay the TLS-only policy")
	}
	doc := plan.BucketPolicyFor("automatonic-assets-prod", testDistARN)
	var allows int
	for _, s := range doc.Statement {
		if s.Effect != "Allow" {
			continue
		}
		allows++
		if s.Condition["StringEquals"]["AWS:SourceArn"] != testDistARN {
			t.Errorf("allow statement without the distribution's ARN: %+v", s)
		}
		if !slices.Equal(s.Action, []string{"s3:GetObject"}) || !slices.Equal(s.Resource, []string{"arn:aws:s3:::automatonic-assets-prod/media/*"}) {
			t.Errorf("allow statement grants %v on %v, want GetObject on the media prefix", s.Action, s.Resource)
		}
	}
	if allows != 1 {
		t.Errorf("%d allow statements, want 1", allows)
	}
}

type containerDef struct {
	Name        string `json:"name"`
	Image       string `json:"image"`
	Environment []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"environment"`
	Secrets []struct {
		Name      string `json:"name"`
		ValueFrom string `json:"valueFrom"`
	} `json:"secrets"`
	LogConfiguration struct {
		Options map[string]string `json:"options"`
	} `json:"logConfiguration"`
}

func TestContainerEnvironment(t *testing.T) {
	s := plan.ServiceFor(ecsProd(t))
	raw := s.ContainerDefinitions(plan.Runtime{Image: "img@" + testDigest, Region: "us-east-1", SecretARN: testSecretARN, PublicURL: "https://d111.cloudfront.net", TrustedProxies: []string{"172.31.0.0/16"}})
	var defs []containerDef
	if err := json.Unmarshal([]byte(raw), &defs); err != nil || len(defs) != 1 {
		t.Fatalf("container definitions %v: %s", err, raw)
	}
	env := map[string]string{}
	for _, e := range defs[0].Environment {
		if contract.IsSecret(e.Name) {
			t.Errorf("secret %s in the plain environment", e.Name)
		}
		if _, ok := contract.Lookup(e.Name); !ok {
			t.Errorf("%s is not a contract variable", e.Name)
		}
		env[e.Name] = e.Value
	}
	want := map[string]string{
		contract.CMSEnv: "production", contract.CMSPublicURL: "https://d111.cloudfront.net", contract.S3PublicURL: "https://d111.cloudfront.net",
		contract.CMSMediaDelivery: "public", contract.S3Prefix: "media/", contract.CMSTrustedProxies: "172.31.0.0/16",
		contract.S3Bucket: "automatonic-assets-test", contract.CMSDBMaxConns: "10", contract.CMSAutoMigrate: "true",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("env %s = %q, want %q", k, env[k], v)
		}
	}
	var secretNames []string
	for _, s := range defs[0].Secrets {
		secretNames = append(secretNames, s.Name)
		if s.ValueFrom != testSecretARN+":"+s.Name+"::" {
			t.Errorf("secret %s from %s", s.Name, s.ValueFrom)
		}
	}
	if !slices.Equal(secretNames, []string{contract.PostgresURL, contract.PayloadSecret}) {
		t.Errorf("secrets = %v", secretNames)
	}
	if defs[0].LogConfiguration.Options["mode"] != "blocking" {
		t.Errorf("log options %v", defs[0].LogConfiguration.Options)
	}
}

func TestImageRef(t *testing.T) {
	repo := "123456789012.dkr.ecr.us-east-1.amazonaws.com/chronos-cms-dev"
	if got := plan.ImageRef(testDigest, repo); got != repo+"@"+testDigest {
		t.Errorf("bare digest -> %s", got)
	}
	full := "ghcr.io/automatonic/cms@" + testDigest
	if got := plan.ImageRef(full, repo); got != full {
		t.Errorf("full reference -> %s", got)
	}
}

func TestOriginVerifyValue(t *testing.T) {
	a, b := plan.OriginVerifyValue(testCMSSecret), plan.OriginVerifyValue(testCMSSecret+"x")
	if a == b || len(a) != 64 || strings.Contains(a, testCMSSecret) {
		t.Errorf("origin verify values %q %q", a, b)
	}
}
