package main

import (
	"bytes"
	"os"
	"testing"
)

// TestCommittedConfigIsCurrent: the Payload config whose generate:types
// output is the golden payload-types.ts was written from the current
// definitions (else run scripts/payload-types.sh).
func TestCommittedConfigIsCurrent(t *testing.T) {
	var b bytes.Buffer
	if err := run(&b); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../../scripts/payload-types/payload.config.ts")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Error("scripts/payload-types/payload.config.ts is stale: run scripts/payload-types.sh")
	}
}
