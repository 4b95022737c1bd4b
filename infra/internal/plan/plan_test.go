package plan_test

import (
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/automatonic/chronos/infra/internal/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got+"\n" != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it after review):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestDatabaseFor(t *testing.T) {
	tests := []struct {
		stack              string
		deletionProtection bool
		multiAZ            bool
		skipFinalSnapshot  bool
		finalSnapshotID    string
		protect            bool
		minBackup          int
	}{
		{stack: "dev", skipFinalSnapshot: true, minBackup: 1},
		{stack: "prod", deletionProtection: true, multiAZ: true, finalSnapshotID: "chronos-prod-final", protect: true, minBackup: 7},
	}
	for _, tt := range tests {
		t.Run(tt.stack, func(t *testing.T) {
			c := parseStack(t, tt.stack)
			d := plan.DatabaseFor(c)
			if d.Engine != "postgres" || d.EngineVersion != "16" || d.ParameterGroupFamily != "postgres16" {
				t.Errorf("engine = %s %s family %s", d.Engine, d.EngineVersion, d.ParameterGroupFamily)
			}
			if d.Parameters["rds.force_ssl"] != "1" {
				t.Errorf("rds.force_ssl = %q", d.Parameters["rds.force_ssl"])
			}
			if d.StorageType != "gp3" || !d.StorageEncrypted || d.MaxAllocatedStorage <= d.AllocatedStorage {
				t.Errorf("storage = %s encrypted=%v %d..%d", d.StorageType, d.StorageEncrypted, d.AllocatedStorage, d.MaxAllocatedStorage)
			}
			if !d.AutoMinorUpgrade || d.AllowMajorUpgrade {
				t.Errorf("upgrades: minor=%v major=%v", d.AutoMinorUpgrade, d.AllowMajorUpgrade)
			}
			if !d.CopyTagsToSnapshot || d.BackupRetentionDays < tt.minBackup {
				t.Errorf("backups: copy tags=%v retention=%d", d.CopyTagsToSnapshot, d.BackupRetentionDays)
			}
			if !d.PerformanceInsights || d.PerformanceInsightDays != 7 {
				t.Errorf("performance insights = %v/%d", d.PerformanceInsights, d.PerformanceInsightDays)
			}
			if !slices.Contains(d.LogExports, "postgresql") {
				t.Errorf("log exports = %v", d.LogExports)
			}
			if d.DeletionProtection != tt.deletionProtection || d.MultiAZ != tt.multiAZ || d.SkipFinalSnapshot != tt.skipFinalSnapshot || d.FinalSnapshotID != tt.finalSnapshotID || d.Protect != tt.protect {
				t.Errorf("lifecycle = deletion %v multiAZ %v skipFinal %v finalID %q protect %v", d.DeletionProtection, d.MultiAZ, d.SkipFinalSnapshot, d.FinalSnapshotID, d.Protect)
			}
			// Both stacks run the CMS on ECS: the database is private.
			if d.PubliclyAccessible || len(d.Ingress) != 0 || len(c.DB.AllowedCIDRs) != 0 {
				t.Errorf("public=%v ingress=%v", d.PubliclyAccessible, d.Ingress)
			}
			for i, in := range d.Ingress {
				if in.CIDR != c.DB.AllowedCIDRs[i].String() {
					t.Errorf("ingress %d = %s", i, in.CIDR)
				}
			}
		})
	}
}

func TestDatabaseWithoutAllowlistIsPrivate(t *testing.T) {
	values := validDev()
	values["chronos:dbAllowedCidrs"] = "[]"
	c, err := plan.Parse("dev", plan.MapSource(values, []string{"chronos:dbPassword"}))
	if err != nil {
		t.Fatal(err)
	}
	if d := plan.DatabaseFor(c); d.PubliclyAccessible || len(d.Ingress) != 0 {
		t.Errorf("public=%v ingress=%v, want private with no rules", d.PubliclyAccessible, d.Ingress)
	}
}

func TestPerformanceInsightsSupported(t *testing.T) {
	tests := map[string]bool{
		"db.t4g.micro": true, "db.t4g.small": true, "db.m7g.large": true, "db.r6g.xlarge": true,
		"db.t2.micro": false, "db.m3.medium": false,
	}
	for class, want := range tests {
		t.Run(class, func(t *testing.T) {
			if got := plan.PerformanceInsightsSupported(class); got != want {
				t.Errorf("= %v, want %v", got, want)
			}
		})
	}
}

func TestPostgresURL(t *testing.T) {
	tests := []struct{ name, password string }{
		{"plain", "Simple-Password-123"},
		{"url-special", "p#ss:w%rd?&=+x y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := plan.PostgresURL("chronos_admin", tt.password, "db.example.com", 5432, "chronos")
			u, err := url.Parse(s)
			if err != nil {
				t.Fatal(err)
			}
			pw, _ := u.User.Password()
			if pw != tt.password || u.User.Username() != "chronos_admin" {
				t.Errorf("credentials did not round-trip: %q", u.User)
			}
			if u.Host != "db.example.com:5432" || u.Path != "/chronos" || u.Query().Get("sslmode") != "require" {
				t.Errorf("url = %s", u.Redacted())
			}
		})
	}
}

func TestCMSPolicyGolden(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			c := parseStack(t, stack)
			doc := plan.IdentityFor(c).Policy
			golden(t, "iam-policy-"+stack+".json", doc.JSON())
			if p := plan.PolicyProblems(doc, c.BucketName, c.BucketKMSKeyARN); len(p) > 0 {
				t.Errorf("policy problems: %v", p)
			}
			var actions []string
			for _, s := range doc.Statement {
				actions = append(actions, s.Action...)
			}
			slices.Sort(actions)
			if !slices.Equal(actions, plan.CMSActions()) {
				t.Errorf("actions = %v, want exactly %v", actions, plan.CMSActions())
			}
			want := []string{"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"}
			if !slices.Equal(plan.CMSActions(), want) {
				t.Errorf("CMSActions = %v, want %v", plan.CMSActions(), want)
			}
		})
	}
}

func TestCMSPolicyWithCustomerKey(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100"
	doc := plan.CMSPolicy("automatonic-assets-dev", key)
	golden(t, "iam-policy-kms.json", doc.JSON())
	if p := plan.PolicyProblems(doc, "automatonic-assets-dev", key); len(p) > 0 {
		t.Errorf("policy problems: %v", p)
	}
}

func TestPolicyProblemsCatchesViolations(t *testing.T) {
	bad := plan.PolicyDocument{Version: "2012-10-17", Statement: []plan.Statement{
		{Sid: "A", Effect: "Allow", Action: []string{"s3:*"}, Resource: []string{"arn:aws:s3:::b/*"}},
		{Sid: "B", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"*"}},
		{Sid: "C", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::other/*"}},
	}}
	got := plan.PolicyProblems(bad, "b", "")
	for _, want := range []string{"A: wildcard action", "B: wildcard resource", "C: foreign resource"} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("missing %q in %v", want, got)
		}
	}
}

func TestCORSGolden(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			c := parseStack(t, stack)
			rules := plan.StorageFor(c).CORS
			golden(t, "cors-"+stack+".json", plan.CORSJSON(rules))
			var methods []string
			for _, r := range rules {
				if !slices.Equal(r.AllowedOrigins, c.CORSOrigins) {
					t.Errorf("rule %s origins = %v", r.ID, r.AllowedOrigins)
				}
				if !slices.Contains(r.ExposeHeaders, "ETag") {
					t.Errorf("rule %s does not expose ETag", r.ID)
				}
				if r.MaxAgeSeconds <= 0 {
					t.Errorf("rule %s max age = %d", r.ID, r.MaxAgeSeconds)
				}
				methods = append(methods, r.AllowedMethods...)
			}
			slices.Sort(methods)
			if want := []string{"GET", "HEAD", "POST", "PUT"}; !slices.Equal(methods, want) {
				t.Errorf("methods = %v, want %v", methods, want)
			}
		})
	}
}

func TestCORSNoOriginsNoRules(t *testing.T) {
	if r := plan.CORSRules(nil, 3000); r != nil {
		t.Errorf("rules = %v, want none", r)
	}
}

func TestBucketPolicyGolden(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			c := parseStack(t, stack)
			doc := plan.BucketPolicy(c.BucketName)
			golden(t, "bucket-policy-"+stack+".json", doc.JSON())
			var parsed map[string]any
			if err := json.Unmarshal([]byte(doc.JSON()), &parsed); err != nil {
				t.Fatal(err)
			}
			deny := doc.Statement[0]
			if deny.Effect != "Deny" || deny.Condition["Bool"]["aws:SecureTransport"] != "false" {
				t.Errorf("first statement does not deny insecure transport: %+v", deny)
			}
		})
	}
}

func TestIdentityRotation(t *testing.T) {
	tests := []struct {
		gen    int
		retain bool
		want   []int
	}{
		{gen: 1, want: []int{1}},
		{gen: 1, retain: true, want: []int{1}},
		{gen: 2, retain: true, want: []int{2, 1}},
		{gen: 2, want: []int{2}},
	}
	for _, tt := range tests {
		c := plan.Config{CMSUserName: "u", BucketName: "b", AccessKeyGeneration: tt.gen, RetainPreviousAccessKey: tt.retain}
		if got := plan.IdentityFor(c).KeyGenerations; !slices.Equal(got, tt.want) {
			t.Errorf("gen %d retain %v: generations = %v, want %v", tt.gen, tt.retain, got, tt.want)
		}
	}
	if a, b := plan.AccessKeyName("u", 1), plan.AccessKeyName("u", 2); a == b {
		t.Error("generations share a resource name; rotation would replace in place")
	}
}

func TestTags(t *testing.T) {
	for _, stack := range stacks {
		t.Run(stack, func(t *testing.T) {
			c := parseStack(t, stack)
			tags := plan.Tags(c)
			want := map[string]string{"project": "chronos", "stack": stack, "managed-by": "pulumi", "environment": stack}
			for k, v := range want {
				if tags[k] != v {
					t.Errorf("tag %s = %q, want %q", k, tags[k], v)
				}
			}
		})
	}
}
