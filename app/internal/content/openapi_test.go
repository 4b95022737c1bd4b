package content_test

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/jsonschema"
	"github.com/automatonic/chronos/app/internal/tstypes"
)

var testSchemaOptions = content.SchemaOptions{ImageSizes: []string{"thumbnail", "thumbnail-webp", "card", "card-webp"}}

func loadOpenAPI(t *testing.T, reg *content.Registry) *openapi3.T {
	t.Helper()
	b, err := reg.OpenAPI("http://localhost:8080", "test", testSchemaOptions)
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
	return doc
}

// TestOpenAPIIsValid validates the generated document and checks it
// describes every collection and field of the registry.
func TestOpenAPIIsValid(t *testing.T) {
	reg := collections.MustRegistry()
	doc := loadOpenAPI(t, reg)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	for _, c := range reg.Entities() {
		s := doc.Components.Schemas[content.TypeName(c.Slug)]
		if s == nil {
			t.Fatalf("no schema for %s", c.Slug)
		}
		for _, f := range c.Fields {
			if s.Value.Properties[f.Name] == nil {
				t.Errorf("%s schema lacks field %s", c.Slug, f.Name)
			}
		}
		switch {
		case c.Global:
			if doc.Paths.Find("/api/globals/"+c.Slug) == nil {
				t.Errorf("path of global %s missing", c.Slug)
			}
		case doc.Paths.Find("/api/"+c.Slug) == nil || doc.Paths.Find("/api/"+c.Slug+"/{id}") == nil:
			t.Errorf("paths of %s missing", c.Slug)
		}
	}
	layout := doc.Components.Schemas["Page"].Value.Properties["layout"].Value
	if n := len(layout.Items.Value.OneOf); n != 5 {
		t.Errorf("layout has %d block variants, want 5", n)
	}
}

// tsMember is one top-level property of an interface in payload-types.ts.
type tsMember struct {
	optional, nullable bool
}

// tsInterface reads the top-level properties of `export interface name`
// from a payload-types.ts: name, `?`, and whether its type ends in `| null`.
func tsInterface(t *testing.T, ts, name string) map[string]tsMember {
	t.Helper()
	start := strings.Index(ts, "\nexport interface "+name+" {\n")
	if start < 0 {
		t.Fatalf("payload-types.ts has no interface %s", name)
	}
	body := ts[start+len("\nexport interface "+name+" {\n"):]
	body = body[:strings.Index(body, "\n}\n")]
	prop := regexp.MustCompile(`^  ('[^']+'|[A-Za-z_$][A-Za-z0-9_$]*)(\?)?:(.*)$`)
	out := map[string]tsMember{}
	types := map[string]string{}
	var cur string
	for _, line := range strings.Split(body, "\n") {
		if m := prop.FindStringSubmatch(line); m != nil {
			cur = strings.Trim(m[1], "'")
			out[cur] = tsMember{optional: m[2] == "?"}
			line = m[3]
		}
		types[cur] += line + "\n"
	}
	// A type admits null when `null` appears outside nested object types.
	word := regexp.MustCompile(`\bnull\b`)
	for name, typ := range types {
		var top strings.Builder
		depth := 0
		for _, r := range typ {
			switch r {
			case '{':
				depth++
			case '}':
				depth--
			default:
				if depth == 0 {
					top.WriteRune(r)
				}
			}
		}
		m := out[name]
		m.nullable = word.MatchString(top.String())
		out[name] = m
	}
	return out
}

// TestOpenAPIAgreesWithTypeScript proves that GET /api/openapi.json and
// payload-types.ts describe every collection and global alike: the same fields, the
// same required ones, the same nullable ones, and the same schema for each
// (both are derived from the content JSON Schema, checked here from their
// outputs).
func TestOpenAPIAgreesWithTypeScript(t *testing.T) {
	reg := collections.MustRegistry()
	doc := loadOpenAPI(t, reg)
	tsb, err := tstypes.Generate(reg.JSONSchema(testSchemaOptions))
	if err != nil {
		t.Fatal(err)
	}
	ts := string(tsb)
	js := reg.JSONSchema(testSchemaOptions)
	names := map[string]string{}
	for _, d := range js.Definitions {
		names[d.Name] = d.Schema.Title
		if names[d.Name] == "" {
			names[d.Name] = d.Name
		}
	}
	toComponents := jsonschema.Marshaler{OpenAPI: true, Ref: func(n string) string { return "#/components/schemas/" + names[n] }}
	if len(reg.Globals()) == 0 {
		t.Fatal("the definitions have no global to compare")
	}
	for _, c := range reg.Entities() {
		name := content.TypeName(c.Slug)
		oa := doc.Components.Schemas[name].Value
		tsm := tsInterface(t, ts, name)
		def, _ := js.Definition(c.Slug)
		if len(oa.Properties) != len(tsm) || len(def.Properties) != len(tsm) {
			t.Errorf("%s: OpenAPI has %d properties, TypeScript %d, JSON Schema %d", name, len(oa.Properties), len(tsm), len(def.Properties))
		}
		required := map[string]bool{}
		for _, r := range oa.Required {
			required[r] = true
		}
		for _, p := range def.Properties {
			field := name + "." + p.Name
			o := oa.Properties[p.Name]
			m, inTS := tsm[p.Name]
			switch {
			case o == nil:
				t.Errorf("%s: missing from OpenAPI", field)
				continue
			case !inTS:
				t.Errorf("%s: missing from TypeScript", field)
				continue
			}
			if required[p.Name] == m.optional {
				t.Errorf("%s: OpenAPI required=%v, TypeScript optional=%v", field, required[p.Name], m.optional)
			}
			if nullable(o.Value) != m.nullable {
				t.Errorf("%s: OpenAPI nullable=%v, TypeScript nullable=%v", field, nullable(o.Value), m.nullable)
			}
			// The OpenAPI property is the JSON Schema property, refs
			// pointed at components.
			want, err := toComponents.Marshal(p.Schema)
			if err != nil {
				t.Fatal(err)
			}
			got, err := o.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if !sameJSON(t, got, want) {
				t.Errorf("%s: OpenAPI schema %s, JSON Schema %s", field, got, want)
			}
		}
		for f := range tsm {
			if oa.Properties[f] == nil {
				t.Errorf("%s.%s: in TypeScript only", name, f)
			}
		}
	}
}

// nullable reports whether the schema admits null at its top: a null type
// or a null member of oneOf.
func nullable(s *openapi3.Schema) bool {
	if s.Type != nil && s.Type.IncludesNull() {
		return true
	}
	for _, o := range s.OneOf {
		if o.Value != nil && nullable(o.Value) {
			return true
		}
	}
	return false
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}
