package apitest

import (
	"testing"

	"github.com/automatonic/chronos/app/internal/server"
)

// TestPayloadTypesEndpoint: GET /api/payload-types.ts serves `cms types`'s
// file to signed-in callers and refuses anonymous ones.
func TestPayloadTypesEndpoint(t *testing.T) {
	e := newEnv(t, dialectSQLite, nil)
	e.createUser(t, "types-editor@example.com", "types-editor-pass-1", "Types Editor", "editor")
	tok := e.login(t, "types-editor@example.com", "types-editor-pass-1")

	anon := e.do(t, request{Method: "GET", Path: "/api/payload-types.ts"})
	if anon.Status != 403 {
		t.Errorf("anonymous: status %d, want 403: %s", anon.Status, truncate(string(anon.Raw), 200))
	}
	res := e.do(t, request{Method: "GET", Path: "/api/payload-types.ts", Headers: map[string]string{"Authorization": "JWT " + tok}})
	if res.Status != 200 {
		t.Fatalf("signed in: status %d: %s", res.Status, truncate(string(res.Raw), 200))
	}
	want, err := server.DefaultPayloadTypes()
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Raw) != string(want) {
		t.Error("GET /api/payload-types.ts differs from cms types")
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
}
