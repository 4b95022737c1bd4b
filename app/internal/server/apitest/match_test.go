package apitest

import (
	"encoding/json"
	"testing"
)

// TestMatch proves the subset matcher can fail: each case states whether
// want must match got.
func TestMatch(t *testing.T) {
	cases := []struct {
		name      string
		want, got string
		ok        bool
	}{
		{"extra keys allowed", `{"a":1}`, `{"a":1,"b":2}`, true},
		{"missing key", `{"a":1,"c":3}`, `{"a":1}`, false},
		{"wrong number", `{"a":1}`, `{"a":2}`, false},
		{"null vs value", `{"a":null}`, `{"a":0}`, false},
		{"array length", `[1,2]`, `[1,2,3]`, false},
		{"array subset elements", `[{"id":1}]`, `[{"id":1,"x":2}]`, true},
		{"array order", `[1,2]`, `[2,1]`, false},
		{"date", `{"d":"<date>"}`, `{"d":"2026-11-24T23:58:38.098Z"}`, true},
		{"date without ms", `{"d":"<date>"}`, `{"d":"2026-11-24T23:58:38Z"}`, false},
		{"jwt", `{"t":"<JWT>"}`, `{"t":"eyJh.eyJp.c2ln"}`, true},
		{"jwt bad", `{"t":"<JWT>"}`, `{"t":"not-a-token"}`, false},
		{"id", `{"id":"<id>"}`, `{"id":7}`, true},
		{"id string", `{"id":"<id>"}`, `{"id":"7"}`, false},
		{"absent ok", `{"hash":"<absent>"}`, `{"a":1}`, true},
		{"absent violated", `{"hash":"<absent>"}`, `{"hash":"x"}`, false},
		{"any needs key", `{"a":"<any>"}`, `{}`, false},
		{"any null", `{"a":"<any>"}`, `{"a":null}`, true},
		{"nonnull", `{"a":"<nonnull>"}`, `{"a":null}`, false},
		{"nested", `{"a":{"b":[{"c":"x"}]}}`, `{"a":{"b":[{"c":"y"}]}}`, false},
		{"uuid", `{"u":"<uuid>"}`, `{"u":"54936cb6-fcd9-47ca-818b-d90528b5b5b5"}`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var want, got any
			if err := json.Unmarshal([]byte(c.want), &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(c.got), &got); err != nil {
				t.Fatal(err)
			}
			diffs := match("$", want, got)
			if (len(diffs) == 0) != c.ok {
				t.Errorf("match(%s, %s) diffs=%v, want ok=%v", c.want, c.got, diffs, c.ok)
			}
		})
	}
}
