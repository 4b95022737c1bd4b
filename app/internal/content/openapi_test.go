package content_test

import (
	"context"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIIsValid validates the generated document and checks it
// describes every collection and field of the registry.
func TestOpenAPIIsValid(t *testing.T) {
	reg := collections.MustRegistry()
	b, err := reg.OpenAPI("http://localhost:8080", "test")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	for _, c := range reg.All() {
		s := doc.Components.Schemas[strings.ToUpper(c.Slug[:1])+c.Slug[1:]]
		if s == nil {
			t.Fatalf("no schema for %s", c.Slug)
		}
		for _, f := range c.Fields {
			if s.Value.Properties[f.Name] == nil {
				t.Errorf("%s schema lacks field %s", c.Slug, f.Name)
			}
		}
		if doc.Paths.Find("/api/"+c.Slug) == nil || doc.Paths.Find("/api/"+c.Slug+"/{id}") == nil {
			t.Errorf("paths of %s missing", c.Slug)
		}
	}
	layout := doc.Components.Schemas["Pages"].Value.Properties["layout"].Value
	if n := len(layout.Items.Value.OneOf); n != 5 {
		t.Errorf("layout has %d block variants, want 5", n)
	}
}
