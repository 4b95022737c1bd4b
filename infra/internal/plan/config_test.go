package plan_test

import (
	"errors"
	"maps"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/automatonic/chronos/infra/internal/plan"
	"github.com/automatonic/chronos/infra/internal/stackfile"
)

// repoRoot is where Pulumi.yaml and the stack files live.
const repoRoot = "../../.."

// testPassword stands in for the encrypted stack secret.
const testPassword = "Test-Passw0rd-for-mocks-only-1234"

var stacks = []string{"dev", "prod"}

// loadStack returns a real stack file's configuration with the DB password
// supplied as a secret, the way `pulumi config set --secret` would.
func loadStack(t *testing.T, stack string) (map[string]string, []string) {
	t.Helper()
	s, err := stackfile.Load(filepath.Join(repoRoot, "Pulumi.yaml"), filepath.Join(repoRoot, "Pulumi."+stack+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	values := maps.Clone(s.Values)
	values[plan.FullKey(plan.KeyDBPassword)] = testPassword
	values[plan.FullKey(plan.KeyCMSSecret)] = testCMSSecret
	secret := append(slices.Clone(s.Secure), plan.FullKey(plan.KeyDBPassword), plan.FullKey(plan.KeyCMSSecret))
	return values, secret
}

func parseStack(t *testing.T, stack string) plan.Config {
	t.Helper()
	values, secret := loadStack(t, stack)
	c, err := plan.Parse(stack, plan.MapSource(values, secret))
	if err != nil {
		t.Fatalf("stack %s: %v", stack, err)
	}
	return c
}

func TestParseRealStacks(t *testing.T) {
	tests := []struct {
		stack        string
		production   bool
		bucket       string
		origins      []string
		minBackup    int
		cmsUser      string
		publicDB     bool
		httpsOnly    bool
		instanceStem string
	}{
		{stack: "dev", production: false, bucket: "automatonic-assets-dev", origins: []string{"http://localhost:3000", "https://preview.automatonic.com"}, minBackup: 1, cmsUser: "payload-cms-user-dev", publicDB: false, instanceStem: "db.t4g."},
		{stack: "prod", production: true, bucket: "automatonic-assets-prod", origins: []string{"https://automatonic.com", "https://www.automatonic.com"}, minBackup: 7, cmsUser: "payload-cms-user-prod", publicDB: false, httpsOnly: true, instanceStem: "db.t4g."},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			c := parseStack(t, tt.stack)
			if c.Region != "us-east-1" {
				t.Errorf("region = %q, want us-east-1", c.Region)
			}
			if c.Production != tt.production {
				t.Errorf("production = %v, want %v", c.Production, tt.production)
			}
			if c.BucketName != tt.bucket {
				t.Errorf("bucket = %q, want %q", c.BucketName, tt.bucket)
			}
			if !slices.Equal(c.CORSOrigins, tt.origins) {
				t.Errorf("origins = %q, want %q", c.CORSOrigins, tt.origins)
			}
			if c.DB.BackupRetentionDays < tt.minBackup {
				t.Errorf("backup retention = %d, want >= %d", c.DB.BackupRetentionDays, tt.minBackup)
			}
			if c.CMSUserName != tt.cmsUser {
				t.Errorf("cms user = %q, want %q", c.CMSUserName, tt.cmsUser)
			}
			if c.DB.EngineVersion != "16" {
				t.Errorf("engine version = %q, want 16", c.DB.EngineVersion)
			}
			if !strings.HasPrefix(c.DB.InstanceClass, tt.instanceStem) {
				t.Errorf("instance class = %q", c.DB.InstanceClass)
			}
			if got := len(c.DB.AllowedCIDRs) > 0; got != tt.publicDB {
				t.Errorf("has allowlist = %v, want %v", got, tt.publicDB)
			}
			for _, p := range c.DB.AllowedCIDRs {
				if p.Bits() == 0 {
					t.Errorf("stack allows the whole internet: %s", p)
				}
			}
			if tt.httpsOnly {
				for _, o := range c.CORSOrigins {
					if !strings.HasPrefix(o, "https://") {
						t.Errorf("production origin %q is not https", o)
					}
				}
			}
			if c.DB.Username == "postgres" || c.DB.Username == "admin" {
				t.Errorf("default master user name %q", c.DB.Username)
			}
		})
	}
}

// validDev is a complete, valid development configuration that each case
// of TestParseInvalid breaks in one way.
func validDev() map[string]string {
	return map[string]string{
		"aws:region":                    "us-east-1",
		"chronos:bucketName":            "automatonic-assets-test",
		"chronos:corsOrigins":           `["http://localhost:3000","https://preview.example.com"]`,
		"chronos:dbAllowedCidrs":        `["203.0.113.0/24"]`,
		"chronos:dbPassword":            testPassword,
		"chronos:production":            "false",
		"chronos:dbBackupRetentionDays": "1",
	}
}

func TestParseInvalid(t *testing.T) {
	secret := []string{"chronos:dbPassword", "chronos:cmsSecret"}
	tests := []struct {
		name   string
		stack  string
		change map[string]string // "" value deletes the key
		plain  bool              // password stored without --secret
		key    string            // the key the problem must name
		want   string            // substring of the message
	}{
		{name: "missing region", change: map[string]string{"aws:region": ""}, key: "aws:region", want: "required"},
		{name: "malformed region", change: map[string]string{"aws:region": "US East"}, key: "aws:region", want: "like us-east-1"},
		{name: "world-open in prod", stack: "prod", change: map[string]string{"chronos:production": "true", "chronos:dbBackupRetentionDays": "7", "chronos:corsOrigins": `["https://www.example.com"]`, "chronos:dbAllowedCidrs": `["0.0.0.0/0"]`}, key: "chronos:dbAllowedCidrs", want: "never allowed in production"},
		{name: "world-open ipv6 in prod", stack: "prod", change: map[string]string{"chronos:production": "true", "chronos:dbBackupRetentionDays": "7", "chronos:corsOrigins": `["https://www.example.com"]`, "chronos:dbAllowedCidrs": `["::/0"]`}, key: "chronos:dbAllowedCidrs", want: "never allowed in production"},
		{name: "world-open without opt-in", change: map[string]string{"chronos:dbAllowedCidrs": `["0.0.0.0/0"]`}, key: "chronos:dbAllowedCidrs", want: "allowPublicDatabase: true"},
		{name: "opt-in refused in prod", stack: "prod", change: map[string]string{"chronos:production": "true", "chronos:dbBackupRetentionDays": "7", "chronos:corsOrigins": `["https://www.example.com"]`, "chronos:allowPublicDatabase": "true"}, key: "chronos:allowPublicDatabase", want: "only with chronos:compute ecs"},
		{name: "world-open with opt-in needs longer password", change: map[string]string{"chronos:dbAllowedCidrs": `["0.0.0.0/0"]`, "chronos:allowPublicDatabase": "true", "chronos:dbPassword": "Only-16-chars-ok"}, key: "chronos:dbPassword", want: "expected 24-128"},
		{name: "malformed CIDR", change: map[string]string{"chronos:dbAllowedCidrs": `["203.0.113.0/33"]`}, key: "chronos:dbAllowedCidrs", want: "not a CIDR block"},
		{name: "CIDR with host bits", change: map[string]string{"chronos:dbAllowedCidrs": `["203.0.113.7/24"]`}, key: "chronos:dbAllowedCidrs", want: "203.0.113.0/24"},
		{name: "CIDR list not a list", change: map[string]string{"chronos:dbAllowedCidrs": `[1, 2]`}, key: "chronos:dbAllowedCidrs", want: "list of strings"},
		{name: "unknown origin scheme", change: map[string]string{"chronos:corsOrigins": `["ftp://files.example.com"]`}, key: "chronos:corsOrigins", want: `unknown scheme "ftp"`},
		{name: "origin with path", change: map[string]string{"chronos:corsOrigins": `["https://example.com/app"]`}, key: "chronos:corsOrigins", want: "no path"},
		{name: "origin with trailing slash", change: map[string]string{"chronos:corsOrigins": `["https://example.com/"]`}, key: "chronos:corsOrigins", want: "trailing slash"},
		{name: "wildcard origin", change: map[string]string{"chronos:corsOrigins": `["*"]`}, key: "chronos:corsOrigins", want: "wildcards"},
		{name: "http origin in prod", stack: "prod", change: map[string]string{"chronos:production": "true", "chronos:dbBackupRetentionDays": "7", "chronos:corsOrigins": `["http://www.example.com"]`}, key: "chronos:corsOrigins", want: "must use https"},
		{name: "missing password", change: map[string]string{"chronos:dbPassword": ""}, key: "chronos:dbPassword", want: "required secret"},
		{name: "plaintext password", plain: true, key: "chronos:dbPassword", want: "plaintext"},
		{name: "short password", change: map[string]string{"chronos:dbPassword": "short"}, key: "chronos:dbPassword", want: "expected 16-128"},
		{name: "password with @", change: map[string]string{"chronos:dbPassword": "Long-enough-password@1234"}, key: "chronos:dbPassword", want: "printable ASCII"},
		{name: "short cms secret", change: map[string]string{"chronos:cmsSecret": "too-short"}, key: "chronos:cmsSecret", want: "at least 32"},
		{name: "missing bucket", change: map[string]string{"chronos:bucketName": ""}, key: "chronos:bucketName", want: "required"},
		{name: "bad bucket name", change: map[string]string{"chronos:bucketName": "Automatonic_Assets"}, key: "chronos:bucketName", want: "lowercase"},
		{name: "ip bucket name", change: map[string]string{"chronos:bucketName": "192.168.1.1"}, key: "chronos:bucketName", want: "IP address"},
		{name: "prod backups too short", stack: "prod", change: map[string]string{"chronos:production": "true", "chronos:corsOrigins": `["https://www.example.com"]`, "chronos:dbBackupRetentionDays": "3"}, key: "chronos:dbBackupRetentionDays", want: "between 7 and 35"},
		{name: "prod stack not marked production", stack: "prod", change: map[string]string{"chronos:corsOrigins": `["https://www.example.com"]`}, key: "chronos:production", want: "looks like production"},
		{name: "default master user", change: map[string]string{"chronos:dbUsername": "postgres"}, key: "chronos:dbUsername", want: "well-known default"},
		{name: "reserved db name", change: map[string]string{"chronos:dbName": "template1"}, key: "chronos:dbName", want: "lowercase identifier"},
		{name: "old engine", change: map[string]string{"chronos:dbEngineVersion": "16.3"}, key: "chronos:dbEngineVersion", want: "major version"},
		{name: "bad instance class", change: map[string]string{"chronos:dbInstanceClass": "t4g.micro"}, key: "chronos:dbInstanceClass", want: "db.t4g.micro"},
		{name: "storage cap below size", change: map[string]string{"chronos:dbAllocatedStorage": "100", "chronos:dbMaxAllocatedStorage": "50"}, key: "chronos:dbMaxAllocatedStorage", want: "greater than"},
		{name: "storage not a number", change: map[string]string{"chronos:dbAllocatedStorage": "twenty"}, key: "chronos:dbAllocatedStorage", want: "expected an integer"},
		{name: "bad boolean", change: map[string]string{"chronos:allowPublicDatabase": "yes please"}, key: "chronos:allowPublicDatabase", want: "true or false"},
		{name: "bad encryption", change: map[string]string{"chronos:bucketEncryption": "rot13"}, key: "chronos:bucketEncryption", want: "AES256 or aws:kms"},
		{name: "kms key without kms", change: map[string]string{"chronos:bucketKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100"}, key: "chronos:bucketKmsKeyArn", want: "only used with"},
		{name: "bad vpc id", change: map[string]string{"chronos:vpcId": "default"}, key: "chronos:vpcId", want: "vpc-"},
		{name: "reserved tag", change: map[string]string{"chronos:tags": `{"stack":"other"}`}, key: "chronos:tags", want: "set by the program"},
		{name: "tags not a map", change: map[string]string{"chronos:tags": `["a"]`}, key: "chronos:tags", want: "map of tag names"},
		{name: "stack name unusable in resource names", stack: "Dev_1", key: "stack", want: "lowercase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := validDev()
			for k, v := range tt.change {
				if v == "" {
					delete(values, k)
				} else {
					values[k] = v
				}
			}
			sec := secret
			if tt.plain {
				sec = nil
			}
			stack := tt.stack
			if stack == "" {
				stack = "dev"
			}
			_, err := plan.Parse(stack, plan.MapSource(values, sec))
			var ve *plan.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Parse = %v, want a *ValidationError", err)
			}
			for _, p := range ve.Problems {
				if p.Key == tt.key && strings.Contains(p.Message, tt.want) {
					return
				}
			}
			t.Errorf("no problem for %s containing %q in:\n%v", tt.key, tt.want, err)
		})
	}
}

func TestParseValidBaseline(t *testing.T) {
	// The baseline the invalid cases break must itself be valid, or those
	// cases could pass for the wrong reason.
	c, err := plan.Parse("dev", plan.MapSource(validDev(), []string{"chronos:dbPassword"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.CMSUserName != "payload-cms-user-dev" {
		t.Errorf("default cms user = %q", c.CMSUserName)
	}
	if c.DB.InstanceClass != "db.t4g.micro" || c.DB.AllocatedStorage != 20 || c.BucketEncryption != "AES256" {
		t.Errorf("defaults not applied: %+v", c)
	}
	want := []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24")}
	if !slices.Equal(c.DB.AllowedCIDRs, want) {
		t.Errorf("cidrs = %v", c.DB.AllowedCIDRs)
	}
}

func TestParseReportsEveryProblemAtOnce(t *testing.T) {
	values := validDev()
	delete(values, "aws:region")
	delete(values, "chronos:dbPassword")
	values["chronos:dbAllowedCidrs"] = `["10.0.0.0/8", "nonsense"]`
	values["chronos:corsOrigins"] = `["gopher://x.example.com"]`
	_, err := plan.Parse("dev", plan.MapSource(values, nil))
	var ve *plan.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Parse = %v, want a *ValidationError", err)
	}
	var keys []string
	for _, p := range ve.Problems {
		keys = append(keys, p.Key)
	}
	for _, k := range []string{"aws:region", "chronos:dbPassword", "chronos:dbAllowedCidrs", "chronos:corsOrigins"} {
		if !slices.Contains(keys, k) {
			t.Errorf("problem for %s missing; got %v", k, keys)
		}
	}
	if strings.Contains(err.Error(), testPassword) {
		t.Error("error message leaks the password")
	}
}

func TestParseNeverEchoesPassword(t *testing.T) {
	values := validDev()
	values["chronos:dbPassword"] = `bad"password/with@chars`
	_, err := plan.Parse("dev", plan.MapSource(values, nil))
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), values["chronos:dbPassword"]) {
		t.Errorf("error echoes the password: %v", err)
	}
}

func TestParseCommaSeparatedList(t *testing.T) {
	values := validDev()
	values["chronos:corsOrigins"] = "https://a.example.com, https://b.example.com"
	c, err := plan.Parse("dev", plan.MapSource(values, []string{"chronos:dbPassword"}))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://a.example.com", "https://b.example.com"}; !slices.Equal(c.CORSOrigins, want) {
		t.Errorf("origins = %q, want %q", c.CORSOrigins, want)
	}
}
