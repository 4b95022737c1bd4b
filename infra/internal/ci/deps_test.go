package ci_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func goListDeps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

// TestInfraImportsOnlyUsedAWSPackages keeps the compile cost down: each
// pulumi-aws package is large, so the program links only the ones whose
// resources it declares (and the provider's shared internal package).
func TestInfraImportsOnlyUsedAWSPackages(t *testing.T) {
	const aws = "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	allowed := []string{aws + "/internal", aws + "/ec2", aws + "/iam", aws + "/rds", aws + "/s3", aws + "/vpc",
		// compute: ecs (registry, service, HTTPS edge) and lightsail.
		aws + "/ecr", aws + "/ecs", aws + "/lb", aws + "/cloudwatch", aws + "/secretsmanager", aws + "/appautoscaling",
		aws + "/cloudfront", aws + "/acm", aws + "/route53", aws + "/lightsail"}
	var used []string
	for _, p := range goListDeps(t, "github.com/automatonic/chronos/infra") {
		if strings.HasPrefix(p, "github.com/pulumi/pulumi-aws/") {
			used = append(used, p)
			if !slices.Contains(allowed, p) {
				t.Errorf("infra links %s; import only the pulumi-aws subpackages it uses", p)
			}
		}
	}
	if len(used) == 0 {
		t.Error("infra links no pulumi-aws package at all; is the import path right?")
	}
}

// TestPlanIsPure keeps every decision testable without Pulumi.
func TestPlanIsPure(t *testing.T) {
	for _, p := range goListDeps(t, "github.com/automatonic/chronos/infra/internal/plan") {
		if strings.HasPrefix(p, "github.com/pulumi/") {
			t.Errorf("infra/internal/plan imports %s; keep Pulumi in infra/internal/deploy", p)
		}
	}
}
