// Package jsonschema is the small, ordered JSON Schema (draft 7 subset) that
// Chronos derives from its content definitions: the same intermediate Payload
// builds in configToJSONSchema, from which both payload-types.ts and the
// OpenAPI components are generated. Properties and definitions keep their
// order, so everything derived from a schema is deterministic.
package jsonschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Schema is one JSON Schema. Zero fields are omitted.
type Schema struct {
	Ref         string // "#/definitions/<name>"
	Title       string
	Description string
	// Type is one type or several ("string", "null"); several marshal as an
	// array.
	Type []string
	// Const is a string constant (blockType, relationTo).
	Const string
	// Enum lists the allowed values; nil entries stand for null.
	Enum       []any
	Format     string
	Properties []Property
	// Required names the required properties, in Payload's order.
	Required []string
	// AdditionalProperties false closes an object; nil leaves it open
	// (which TypeScript renders as an index signature).
	AdditionalProperties *bool
	Items                *Schema
	OneOf                []*Schema
	// TSType overrides the TypeScript type (json-schema-to-typescript's
	// tsType keyword, which Payload's Lexical schema uses).
	TSType string
	// ReadOnly marks values set by the system (upload metadata).
	ReadOnly bool
	// Nested holds schemas stored under their own keys instead of
	// properties (Payload's definitions.auth.<slug>), reachable by a
	// "#/definitions/<name>/<key>" reference.
	Nested []Property
}

// Property is one named property of an object schema.
type Property struct {
	Name   string
	Schema *Schema
}

// Document is a schema with named definitions, in order (Payload's
// `definitions`), and the root (Payload's `Config`).
type Document struct {
	Definitions []Property
	Root        *Schema
}

// Closed returns a pointer to false, for AdditionalProperties.
func Closed() *bool { f := false; return &f }

// Open returns a pointer to true, for AdditionalProperties.
func Open() *bool { t := true; return &t }

// Types returns t, with "null" added when nullable (Payload's
// withNullableJSONSchemaType).
func Types(t string, nullable bool) []string {
	if nullable {
		return []string{t, "null"}
	}
	return []string{t}
}

// DefRef returns a reference to the definition name.
func DefRef(name string) *Schema { return &Schema{Ref: "#/definitions/" + name} }

// RefName returns the definition a "#/definitions/…" reference names.
func RefName(ref string) (string, bool) {
	const p = "#/definitions/"
	if len(ref) > len(p) && ref[:len(p)] == p {
		return ref[len(p):], true
	}
	return "", false
}

// Prop returns the named property of s.
func (s *Schema) Prop(name string) (*Schema, bool) {
	for _, p := range s.Properties {
		if p.Name == name {
			return p.Schema, true
		}
	}
	return nil, false
}

// IsRequired reports whether the property is required.
func (s *Schema) IsRequired(name string) bool {
	for _, r := range s.Required {
		if r == name {
			return true
		}
	}
	return false
}

// Nullable reports whether s admits null.
func (s *Schema) Nullable() bool {
	for _, t := range s.Type {
		if t == "null" {
			return true
		}
	}
	return false
}

// Definition returns the named definition of d; "auth/users" names a
// nested schema.
func (d *Document) Definition(name string) (*Schema, bool) {
	top, rest, nested := strings.Cut(name, "/")
	for _, p := range d.Definitions {
		if p.Name != top {
			continue
		}
		if !nested {
			return p.Schema, true
		}
		for _, n := range p.Schema.Nested {
			if n.Name == rest {
				return n.Schema, true
			}
		}
	}
	return nil, false
}

// Marshaler rewrites references when marshalling (OpenAPI points at
// components instead of definitions) and can drop the TSType keyword.
type Marshaler struct {
	// Ref maps a definition name to the reference written; nil keeps
	// "#/definitions/<name>".
	Ref func(name string) string
	// OpenAPI writes tsType as the x-tsType extension and readOnly as is.
	OpenAPI bool
}

// MarshalJSON writes s in a fixed key order.
func (s *Schema) MarshalJSON() ([]byte, error) { return Marshaler{}.Marshal(s) }

// MarshalJSON writes the document as Payload's schema: definitions, then
// the root's keys.
func (d *Document) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	m := Marshaler{}
	b.WriteString(`{"definitions":{`)
	for i, p := range d.Definitions {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(&b, p.Name)
		b.WriteByte(':')
		if err := m.write(&b, p.Schema); err != nil {
			return nil, err
		}
	}
	b.WriteString(`},"root":`)
	if err := m.write(&b, d.Root); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Marshal writes s.
func (m Marshaler) Marshal(s *Schema) ([]byte, error) {
	var b bytes.Buffer
	if err := m.write(&b, s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (m Marshaler) write(b *bytes.Buffer, s *Schema) error {
	if s == nil {
		b.WriteString("{}")
		return nil
	}
	b.WriteByte('{')
	o := &object{b: b}
	if err := m.writeHead(o, s); err != nil {
		return err
	}
	if err := m.writeChildren(o, s); err != nil {
		return err
	}
	if err := m.writeTail(o, s); err != nil {
		return err
	}
	b.WriteByte('}')
	return nil
}

// object writes the members of one JSON object, with commas between.
type object struct {
	b *bytes.Buffer
	n int
}

// key starts a member.
func (o *object) key(k string) {
	if o.n > 0 {
		o.b.WriteByte(',')
	}
	o.n++
	writeString(o.b, k)
	o.b.WriteByte(':')
}

// writeHead writes the members before the sub-schemas: $ref, title,
// description, type, const, enum and format.
func (m Marshaler) writeHead(o *object, s *Schema) error {
	b := o.b
	if s.Ref != "" {
		o.key("$ref")
		ref := s.Ref
		if name, ok := RefName(ref); ok && m.Ref != nil {
			ref = m.Ref(name)
		}
		writeString(b, ref)
	}
	if s.Title != "" {
		o.key("title")
		writeString(b, s.Title)
	}
	if s.Description != "" {
		o.key("description")
		writeString(b, s.Description)
	}
	switch len(s.Type) {
	case 0:
	case 1:
		o.key("type")
		writeString(b, s.Type[0])
	default:
		o.key("type")
		v, _ := json.Marshal(s.Type)
		b.Write(v)
	}
	if s.Const != "" {
		o.key("const")
		writeString(b, s.Const)
	}
	if s.Enum != nil {
		o.key("enum")
		v, err := json.Marshal(s.Enum)
		if err != nil {
			return fmt.Errorf("jsonschema: enum: %w", err)
		}
		b.Write(v)
	}
	if s.Format != "" {
		o.key("format")
		writeString(b, s.Format)
	}
	return nil
}

// writeChildren writes properties, required, additionalProperties, items
// and oneOf.
func (m Marshaler) writeChildren(o *object, s *Schema) error {
	b := o.b
	if s.Properties != nil {
		o.key("properties")
		b.WriteByte('{')
		for i, p := range s.Properties {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, p.Name)
			b.WriteByte(':')
			if err := m.write(b, p.Schema); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	}
	if len(s.Required) > 0 {
		o.key("required")
		v, _ := json.Marshal(s.Required)
		b.Write(v)
	}
	if s.AdditionalProperties != nil {
		o.key("additionalProperties")
		fmt.Fprint(b, *s.AdditionalProperties)
	}
	if s.Items != nil {
		o.key("items")
		if err := m.write(b, s.Items); err != nil {
			return err
		}
	}
	if s.OneOf != nil {
		o.key("oneOf")
		b.WriteByte('[')
		for i, x := range s.OneOf {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := m.write(b, x); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	}
	return nil
}

// writeTail writes tsType (x-tsType in OpenAPI), readOnly and the nested
// members.
func (m Marshaler) writeTail(o *object, s *Schema) error {
	if s.TSType != "" {
		if m.OpenAPI {
			o.key("x-tsType")
		} else {
			o.key("tsType")
		}
		writeString(o.b, s.TSType)
	}
	if s.ReadOnly {
		o.key("readOnly")
		o.b.WriteString("true")
	}
	for _, p := range s.Nested {
		o.key(p.Name)
		if err := m.write(o.b, p.Schema); err != nil {
			return err
		}
	}
	return nil
}

func writeString(b *bytes.Buffer, s string) {
	v, _ := json.Marshal(s)
	b.Write(v)
}

// SafeName is json-schema-to-typescript's toSafeString: the first letter and
// every letter after a non-alphanumeric upper-cased, those dropped
// ("payload-kv" → "PayloadKv", "pages_select" → "PagesSelect"). It names
// definitions in TypeScript and in OpenAPI.
func SafeName(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		alnum := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !alnum {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}
