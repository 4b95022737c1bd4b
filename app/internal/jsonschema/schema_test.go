package jsonschema

import "testing"

// TestMarshalOrder: keys and properties come out in a fixed order, refs
// can be rewritten, and nested definitions resolve.
func TestMarshalOrder(t *testing.T) {
	s := &Schema{
		Title: "Page", Type: Types("object", false), AdditionalProperties: Closed(),
		Properties: []Property{
			{Name: "zeta", Schema: &Schema{Type: Types("string", true)}},
			{Name: "alpha", Schema: &Schema{OneOf: []*Schema{{Type: Types("number", true)}, DefRef("media")}}},
			{Name: "kind", Schema: &Schema{Const: "hero", TSType: "any"}},
		},
		Required: []string{"zeta"},
	}
	b, err := s.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"title":"Page","type":"object","properties":{"zeta":{"type":["string","null"]},"alpha":{"oneOf":[{"type":["number","null"]},{"$ref":"#/definitions/media"}]},"kind":{"const":"hero","tsType":"any"}},"required":["zeta"],"additionalProperties":false}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	b, err = Marshaler{OpenAPI: true, Ref: func(n string) string { return "#/components/schemas/" + n }}.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want = `{"title":"Page","type":"object","properties":{"zeta":{"type":["string","null"]},"alpha":{"oneOf":[{"type":["number","null"]},{"$ref":"#/components/schemas/media"}]},"kind":{"const":"hero","x-tsType":"any"}},"required":["zeta"],"additionalProperties":false}`
	if string(b) != want {
		t.Errorf("OpenAPI: got  %s\nwant %s", b, want)
	}
	doc := &Document{Definitions: []Property{{Name: "auth", Schema: &Schema{Nested: []Property{{Name: "users", Schema: s}}}}}}
	if got, ok := doc.Definition("auth/users"); !ok || got != s {
		t.Error("nested definition not found")
	}
	if _, ok := doc.Definition("auth/admins"); ok {
		t.Error("unknown nested definition found")
	}
}
