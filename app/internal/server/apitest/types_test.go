package apitest

import (
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/internal/server"
	"github.com/automatonic/chronos/app/internal/testmodel"
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

// TestAddedCollectionTypes: adding a definition (the test-only
// testimonials) changes payload-types.ts with no other code change — the
// served file gains its interface, its select type and its Config entries.
func TestAddedCollectionTypes(t *testing.T) {
	e := newEnvModel(t, dialectSQLite, nil, testmodel.WithTestimonials(t))
	e.createUser(t, "types-admin@example.com", "types-admin-pass-1", "Admin", "admin")
	tok := e.login(t, "types-admin@example.com", "types-admin-pass-1")
	res := e.do(t, request{Method: "GET", Path: "/api/payload-types.ts", Headers: map[string]string{"Authorization": "JWT " + tok}})
	if res.Status != 200 {
		t.Fatalf("status %d: %s", res.Status, truncate(string(res.Raw), 200))
	}
	shipped, err := server.DefaultPayloadTypes()
	if err != nil {
		t.Fatal(err)
	}
	got := string(res.Raw)
	for _, want := range []string{
		"    testimonials: Testimonial;\n",
		"    testimonials: TestimonialsSelect<false> | TestimonialsSelect<true>;\n",
		"export interface Testimonial {\n  id: number;\n  author: string;\n",
		"export interface TestimonialsSelect<T extends boolean = true> {\n",
		"        relationTo: 'testimonials';\n        value: number | Testimonial;\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("payload-types.ts lacks %q", want)
		}
		if strings.Contains(string(shipped), want) {
			t.Errorf("the shipped types already have %q", want)
		}
	}
}
