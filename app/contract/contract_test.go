package contract

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the env table in README.md")

const (
	tableStart = "<!-- env-table:start -->"
	tableEnd   = "<!-- env-table:end -->"
)

// TestREADMEEnvTable fails when the README's env table and the contract
// disagree; -update rewrites the table.
func TestREADMEEnvTable(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, tableStart), strings.Index(s, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no %s … %s section", tableStart, tableEnd)
	}
	want := tableStart + "\n" + MarkdownTable() + tableEnd
	got := s[i : j+len(tableEnd)]
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(s[:i]+want+s[j+len(tableEnd):]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("README env table is out of date: run go test ./app/contract -update")
}

func TestOutputsMapOntoVariables(t *testing.T) {
	for out, name := range Outputs() {
		v, ok := Lookup(name)
		if !ok || v.Output != out {
			t.Errorf("output %s maps to %s, which does not name it back", out, name)
		}
	}
	for _, need := range []string{PostgresURL, S3Bucket, S3Region, S3AccessKeyID, S3SecretAccessKey, CMSCORSOrigins} {
		if v, _ := Lookup(need); v.Output == "" {
			t.Errorf("%s has no stack output", need)
		}
	}
	for _, secret := range []string{PostgresURL, S3SecretAccessKey, PayloadSecret, CMSSecret} {
		if !IsSecret(secret) {
			t.Errorf("%s must be secret", secret)
		}
	}
	seen := map[string]bool{}
	for _, n := range Names() {
		if seen[n] {
			t.Errorf("duplicate name %s", n)
		}
		seen[n] = true
	}
}
