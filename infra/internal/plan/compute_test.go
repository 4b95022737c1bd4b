package plan_test

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/automatonic/chronos/infra/internal/plan"
)

const (
	testCMSSecret = "test-cms-secret-0123456789abcdef0123456789"
	testDigest    = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

// validECSDev is a valid development stack that runs the CMS on ECS.
func validECSDev() map[string]string {
	v := validDev()
	v["chronos:compute"] = "ecs"
	v["chronos:cmsImage"] = testDigest
	v["chronos:cmsSecret"] = testCMSSecret
	v["chronos:dbAllowedCidrs"] = "[]"
	return v
}

// validECSProd is a valid production stack on ECS with a private database.
func validECSProd() map[string]string {
	v := validECSDev()
	v["chronos:production"] = "true"
	v["chronos:dbBackupRetentionDays"] = "7"
	v["chronos:corsOrigins"] = `["https://www.example.com"]`
	v["chronos:cmsMinTasks"] = "2"
	v["chronos:cmsMaxTasks"] = "4"
	v["chronos:dbInstanceClass"] = "db.t4g.small"
	return v
}

func validLightsailDev() map[string]string {
	v := validDev()
	v["chronos:compute"] = "lightsail"
	v["chronos:database"] = "lightsail"
	v["chronos:cmsSecret"] = testCMSSecret
	v["chronos:dbAllowedCidrs"] = "[]"
	v["chronos:dbPassword"] = testPassword // 33 characters: enough for a public database
	return v
}

var secrets = []string{"chronos:dbPassword", "chronos:cmsSecret"}

func TestComputeBaselinesAreValid(t *testing.T) {
	for name, tc := range map[string]struct {
		stack  string
		values map[string]string
	}{
		"ecs dev":       {"dev", validECSDev()},
		"ecs prod":      {"prod", validECSProd()},
		"lightsail dev": {"dev", validLightsailDev()},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := plan.Parse(tc.stack, plan.MapSource(tc.values, secrets))
			if err != nil {
				t.Fatal(err)
			}
			if !c.Compute.Runs() || !c.HasCMSSecret {
				t.Errorf("compute = %+v, has secret %v", c.Compute, c.HasCMSSecret)
			}
		})
	}
	c, err := plan.Parse("dev", plan.MapSource(validDev(), secrets))
	if err != nil {
		t.Fatal(err)
	}
	if c.Compute.Kind != plan.ComputeNone || c.Compute.Database != plan.DatabaseRDS || c.Compute.Serving() {
		t.Errorf("default compute = %+v, want none on rds", c.Compute)
	}
}

func TestParseComputeInvalid(t *testing.T) {
	tests := []struct {
		name   string
		stack  string
		base   func() map[string]string
		change map[string]string // "" deletes the key
		key    string
		want   string
	}{
		{name: "lightsail compute in production", stack: "prod", base: validECSProd, change: map[string]string{"chronos:compute": "lightsail"}, key: "chronos:compute", want: "dev and preview stacks only"},
		{name: "lightsail database in production", stack: "prod", base: validECSProd, change: map[string]string{"chronos:compute": "none", "chronos:database": "lightsail"}, key: "chronos:database", want: "dev and preview stacks only"},
		{name: "lightsail database with ecs", base: validECSDev, change: map[string]string{"chronos:database": "lightsail"}, key: "chronos:database", want: "outside the VPC"},
		{name: "lightsail database with an allowlist", base: validLightsailDev, change: map[string]string{"chronos:dbAllowedCidrs": `["203.0.113.0/24"]`}, key: "chronos:dbAllowedCidrs", want: "Lightsail database"},
		{name: "lightsail database with a short password", base: validLightsailDev, change: map[string]string{"chronos:dbPassword": "Only-16-chars-ok"}, key: "chronos:dbPassword", want: "expected 24-128"},
		{name: "unknown compute", base: validECSDev, change: map[string]string{"chronos:compute": "apprunner"}, key: "chronos:compute", want: "none, ecs or lightsail"},
		{name: "unknown database", base: validECSDev, change: map[string]string{"chronos:database": "aurora"}, key: "chronos:database", want: "rds or lightsail"},
		{name: "invalid Fargate pair", base: validECSDev, change: map[string]string{"chronos:cmsCpu": "256", "chronos:cmsMemory": "4096"}, key: "chronos:cmsMemory", want: "not a Fargate task size"},
		{name: "invalid Fargate cpu", base: validECSDev, change: map[string]string{"chronos:cmsCpu": "300"}, key: "chronos:cmsMemory", want: "not a Fargate task size"},
		{name: "one task in production", stack: "prod", base: validECSProd, change: map[string]string{"chronos:cmsMinTasks": "1"}, key: "chronos:cmsMinTasks", want: "at least 2 tasks"},
		{name: "min above max", base: validECSDev, change: map[string]string{"chronos:cmsMinTasks": "3", "chronos:cmsMaxTasks": "2"}, key: "chronos:cmsMaxTasks", want: "below chronos:cmsMinTasks"},
		{name: "connection budget over the limit", stack: "prod", base: validECSProd, change: map[string]string{"chronos:cmsMaxTasks": "10", "chronos:cmsDbMaxConns": "20"}, key: "chronos:cmsMaxTasks", want: "400 connections"},
		{name: "connection budget on micro", base: validECSDev, change: map[string]string{"chronos:dbInstanceClass": "db.t4g.micro", "chronos:cmsMaxTasks": "4", "chronos:cmsDbMaxConns": "10"}, key: "chronos:cmsMaxTasks", want: "80 connections"},
		{name: "connection budget of lightsail nodes", base: validLightsailDev, change: map[string]string{"chronos:database": "rds", "chronos:lightsailScale": "5", "chronos:cmsDbMaxConns": "20"}, key: "chronos:lightsailScale", want: "200 connections"},
		{name: "unknown connection limit", base: validECSDev, change: map[string]string{"chronos:dbInstanceClass": "db.x2g.large"}, key: "chronos:dbInstanceClass", want: "connection limit"},
		{name: "domain without zone or certificate in production", stack: "prod", base: validECSProd, change: map[string]string{"chronos:cmsDomain": "cms.example.com"}, key: "chronos:cmsDomain", want: "needs chronos:cmsHostedZoneId"},
		{name: "domain without zone or certificate in dev", base: validECSDev, change: map[string]string{"chronos:cmsDomain": "cms.example.com"}, key: "chronos:cmsDomain", want: "needs chronos:cmsHostedZoneId"},
		{name: "certificate outside us-east-1", base: validECSDev, change: map[string]string{"chronos:cmsDomain": "cms.example.com", "chronos:cmsCertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/01234567-89ab-cdef-0123-456789abcdef"}, key: "chronos:cmsCertificateArn", want: "us-east-1 only"},
		{name: "issuing a certificate outside us-east-1", base: validECSDev, change: map[string]string{"aws:region": "eu-west-1", "chronos:cmsDomain": "cms.example.com", "chronos:cmsHostedZoneId": "Z0123456789ABCDEFGHIJ"}, key: "chronos:cmsDomain", want: "cmsCertificateArn"},
		{name: "domain with scheme", base: validECSDev, change: map[string]string{"chronos:cmsDomain": "https://cms.example.com", "chronos:cmsHostedZoneId": "Z0123456789ABCDEFGHIJ"}, key: "chronos:cmsDomain", want: "host name"},
		{name: "zone without domain", base: validECSDev, change: map[string]string{"chronos:cmsHostedZoneId": "Z0123456789ABCDEFGHIJ"}, key: "chronos:cmsHostedZoneId", want: "only used with chronos:cmsDomain"},
		{name: "domain on lightsail", base: validLightsailDev, change: map[string]string{"chronos:cmsDomain": "cms.example.com", "chronos:cmsHostedZoneId": "Z0123456789ABCDEFGHIJ"}, key: "chronos:cmsDomain", want: "only used with chronos:compute ecs"},
		{name: "image by tag", base: validECSDev, change: map[string]string{"chronos:cmsImage": "chronos-cms:latest"}, key: "chronos:cmsImage", want: "digest"},
		{name: "image without compute", base: validDev, change: map[string]string{"chronos:cmsImage": testDigest}, key: "chronos:cmsImage", want: "only used with"},
		{name: "cms secret missing", base: validECSDev, change: map[string]string{"chronos:cmsSecret": ""}, key: "chronos:cmsSecret", want: "required with chronos:compute ecs"},
		{name: "allowlist in production with ecs", stack: "prod", base: validECSProd, change: map[string]string{"chronos:dbAllowedCidrs": `["198.51.100.10/32"]`}, key: "chronos:dbAllowedCidrs", want: "must be empty in production"},
		{name: "world-open in production even when switching", stack: "prod", base: validECSProd, change: map[string]string{"chronos:dbAllowedCidrs": `["0.0.0.0/0"]`, "chronos:allowPublicDatabase": "true"}, key: "chronos:dbAllowedCidrs", want: "never allowed in production"},
		{name: "spot in production", stack: "prod", base: validECSProd, change: map[string]string{"chronos:cmsSpot": "true"}, key: "chronos:cmsSpot", want: "false in production"},
		{name: "bad architecture", base: validECSDev, change: map[string]string{"chronos:cmsArchitecture": "arm64"}, key: "chronos:cmsArchitecture", want: "ARM64 or X86_64"},
		{name: "bad log retention", base: validECSDev, change: map[string]string{"chronos:cmsLogRetentionDays": "10"}, key: "chronos:cmsLogRetentionDays", want: "CloudWatch retention value"},
		{name: "cpu target out of range", base: validECSDev, change: map[string]string{"chronos:cmsCpuTarget": "95"}, key: "chronos:cmsCpuTarget", want: "between 20 and 90"},
		{name: "bad lightsail power", base: validLightsailDev, change: map[string]string{"chronos:lightsailPower": "huge"}, key: "chronos:lightsailPower", want: "nano"},
		{name: "bad lightsail bundle", base: validLightsailDev, change: map[string]string{"chronos:lightsailDbBundle": "db.t4g.micro"}, key: "chronos:lightsailDbBundle", want: "micro_2_0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := maps.Clone(tt.base())
			for k, v := range tt.change {
				if v == "" {
					delete(values, k)
				} else {
					values[k] = v
				}
			}
			stack := tt.stack
			if stack == "" {
				stack = "dev"
			}
			_, err := plan.Parse(stack, plan.MapSource(values, secrets))
			var ve *plan.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Parse = %v, want a *ValidationError", err)
			}
			for _, p := range ve.Problems {
				if p.Key == tt.key && strings.Contains(p.Message, tt.want) {
					if strings.Contains(err.Error(), testCMSSecret) || strings.Contains(err.Error(), testPassword) {
						t.Error("error leaks a secret")
					}
					return
				}
			}
			t.Errorf("no problem for %s containing %q in:\n%v", tt.key, tt.want, err)
		})
	}
}

func TestFargatePairs(t *testing.T) {
	for _, tc := range []struct {
		cpu, mem int
		ok       bool
	}{{256, 512, true}, {256, 2048, true}, {256, 3072, false}, {512, 1024, true}, {512, 512, false}, {1024, 8192, true}, {4096, 30720, true}, {8192, 20480, true}, {8192, 18432, false}, {300, 1024, false}} {
		if got := plan.FargatePairValid(tc.cpu, tc.mem); got != tc.ok {
			t.Errorf("FargatePairValid(%d, %d) = %v, want %v", tc.cpu, tc.mem, got, tc.ok)
		}
	}
}

func TestMaxConnections(t *testing.T) {
	for class, want := range map[string]int{"db.t4g.micro": 84, "db.t4g.small": 168, "db.m7g.large": 675, "db.r6g.8xlarge": 5000} {
		if got, ok := plan.MaxConnections(class); !ok || got != want {
			t.Errorf("MaxConnections(%s) = %d, %v; want %d", class, got, ok, want)
		}
	}
	if _, ok := plan.MaxConnections("db.x2g.large"); ok {
		t.Error("an unknown class has a connection limit")
	}
	if got := plan.PeakConnections(4, 10); got != 80 {
		t.Errorf("PeakConnections(4, 10) = %d, want 80 (doubled during a deploy)", got)
	}
}
