package content

import (
	"strings"

	js "github.com/automatonic/chronos/app/internal/jsonschema"
)

// SchemaOptions completes what the definitions leave to the runtime.
type SchemaOptions struct {
	// ImageSizes are the keys of an upload collection's `sizes` object
	// (media's configured sizes and their WebP variants).
	ImageSizes []string
}

// JSONSchema returns the JSON Schema of every collection and global, in
// Payload's intermediate form (configToJSONSchema of Payload 3.90): one
// definition per entity ("pages") and per select shape ("pages_select"),
// Payload's built-in collections, the auth operations, and the root that
// becomes the `Config` interface. payload-types.ts (package tstypes) and the
// OpenAPI components are both generated from it.
func (r *Registry) JSONSchema(o SchemaOptions) *js.Document {
	return ConfigSchema(r.order, r.globals, o)
}

// Payload's built-in collections, present in every Payload 3.90 config.
const (
	payloadKV              = "payload-kv"
	payloadLockedDocuments = "payload-locked-documents"
	payloadPreferences     = "payload-preferences"
	payloadMigrations      = "payload-migrations"
)

// timestampFields are added to every collection and global.
var timestampNames = []string{"updatedAt", "createdAt"}

// uploadFieldNames are the fields an upload collection gets, in Payload's
// order.
var uploadFieldNames = []string{"url", "thumbnailURL", "filename", "mimeType", "filesize", "width", "height", "focalX", "focalY", "sizes"}

// authFieldNames are the fields an auth collection gets, in Payload's order.
var authFieldNames = []string{"email", "resetPasswordToken", "resetPasswordExpiration", "salt", "hash", "resetPasswordRequestedAt", "loginAttempts", "lockUntil", "sessions"}

// ConfigSchema is JSONSchema for the given collections and globals.
func ConfigSchema(collections, globals []*Collection, o SchemaOptions) *js.Document {
	all := append(append([]*Collection{}, collections...), builtinCollections(collections)...)
	g := &schemaGen{o: o}
	doc := &js.Document{}
	doc.Definitions = append(doc.Definitions, js.Property{Name: "supportedTimezones", Schema: timezonesSchema()})
	for _, e := range append(append([]*Collection{}, globals...), all...) {
		fields := g.entityFields(e, e.isGlobal(globals))
		doc.Definitions = append(doc.Definitions,
			js.Property{Name: e.Slug, Schema: g.entitySchema(e, fields)},
			js.Property{Name: e.Slug + "_select", Schema: g.selectSchema(fields, e.isGlobal(globals))})
	}
	doc.Definitions = append(doc.Definitions, js.Property{Name: "collections_widget", Schema: &js.Schema{
		Type: []string{"object"}, AdditionalProperties: js.Closed(),
		Properties: []js.Property{
			{Name: "data", Schema: &js.Schema{Type: []string{"object"}, AdditionalProperties: js.Open()}},
			{Name: "width", Schema: &js.Schema{Type: []string{"string"}, Enum: []any{"full"}}},
		},
		Required: []string{"width"},
	}})
	doc.Definitions = append(doc.Definitions, g.interfaces...)
	auth := &js.Schema{}
	for _, c := range collections {
		if c.Auth {
			auth.Nested = append(auth.Nested, js.Property{Name: c.Slug, Schema: authOperationsSchema(c)})
		}
	}
	doc.Definitions = append(doc.Definitions, js.Property{Name: "auth", Schema: auth})

	entities := func(list []*Collection, suffix string) *js.Schema {
		s := &js.Schema{Type: []string{"object"}, AdditionalProperties: js.Closed(), Properties: []js.Property{}}
		for _, c := range list {
			s.Properties = append(s.Properties, js.Property{Name: c.Slug, Schema: js.DefRef(c.Slug + suffix)})
			s.Required = append(s.Required, c.Slug)
		}
		return s
	}
	empty := func() *js.Schema {
		return &js.Schema{Type: []string{"object"}, AdditionalProperties: js.Closed(), Properties: []js.Property{}}
	}
	authOps := empty()
	user := &js.Schema{OneOf: []*js.Schema{}}
	for _, c := range collections {
		if c.Auth {
			authOps.Properties = append(authOps.Properties, js.Property{Name: c.Slug, Schema: js.DefRef("auth/" + c.Slug)})
			authOps.Required = append(authOps.Required, c.Slug)
			user.OneOf = append(user.OneOf, js.DefRef(c.Slug))
		}
	}
	doc.Root = &js.Schema{
		Title: "Config", Type: []string{"object"}, AdditionalProperties: js.Closed(),
		Properties: []js.Property{
			{Name: "auth", Schema: authOps},
			{Name: "blocks", Schema: empty()},
			{Name: "collections", Schema: entities(all, "")},
			{Name: "collectionsJoins", Schema: empty()},
			{Name: "collectionsSelect", Schema: entities(all, "_select")},
			{Name: "db", Schema: &js.Schema{Type: []string{"object"}, AdditionalProperties: js.Closed(),
				Properties: []js.Property{{Name: "defaultIDType", Schema: &js.Schema{Type: []string{"number"}}}}, Required: []string{"defaultIDType"}}},
			{Name: "fallbackLocale", Schema: &js.Schema{Type: []string{"null"}}},
			{Name: "globals", Schema: entities(globals, "")},
			{Name: "globalsSelect", Schema: entities(globals, "_select")},
			{Name: "locale", Schema: &js.Schema{Type: []string{"null"}}},
			{Name: "widgets", Schema: &js.Schema{Type: []string{"object"}, AdditionalProperties: js.Closed(),
				Properties: []js.Property{{Name: "collections", Schema: js.DefRef("collections_widget")}}, Required: []string{"collections"}}},
			{Name: "user", Schema: user},
			{Name: "jobs", Schema: &js.Schema{Type: []string{"object"}, AdditionalProperties: js.Closed(),
				Properties: []js.Property{{Name: "tasks", Schema: &js.Schema{}}, {Name: "workflows", Schema: &js.Schema{}}},
				Required:   []string{"tasks", "workflows"}}},
		},
		Required: []string{"user", "locale", "fallbackLocale", "collections", "collectionsSelect", "collectionsJoins", "globalsSelect", "globals", "auth", "db", "jobs", "blocks", "widgets"},
	}
	return doc
}

func (c *Collection) isGlobal(globals []*Collection) bool {
	for _, g := range globals {
		if g == c {
			return true
		}
	}
	return false
}

// builtinCollections are the collections every Payload 3.90 config has.
// Chronos does not serve them; they are typed so that code written against
// Payload's types compiles unchanged.
func builtinCollections(collections []*Collection) []*Collection {
	var docTargets, userTargets []string
	for _, c := range collections {
		docTargets = append(docTargets, c.Slug)
		if c.Auth {
			userTargets = append(userTargets, c.Slug)
		}
	}
	return []*Collection{
		{Slug: payloadKV, Fields: []Field{
			{Name: "key", Type: Text, Required: true},
			{Name: "data", Type: JSON, Required: true},
		}},
		{Slug: payloadLockedDocuments, Fields: []Field{
			{Name: "document", Type: Relationship, RelationToAny: docTargets},
			{Name: "globalSlug", Type: Text},
			{Name: "user", Type: Relationship, RelationToAny: userTargets, Required: true},
		}},
		{Slug: payloadPreferences, Fields: []Field{
			{Name: "user", Type: Relationship, RelationToAny: userTargets, Required: true},
			{Name: "key", Type: Text},
			{Name: "value", Type: JSON},
		}},
		{Slug: payloadMigrations, Fields: []Field{
			{Name: "name", Type: Text},
			{Name: "batch", Type: Number},
		}},
	}
}

type schemaGen struct {
	o SchemaOptions
	// interfaces are the definitions hoisted by an InterfaceName, in the
	// order met.
	interfaces []js.Property
}

// hoist registers s as the named definition and returns a reference to it.
func (g *schemaGen) hoist(name string, s *js.Schema) *js.Schema {
	if _, ok := (&js.Document{Definitions: g.interfaces}).Definition(name); !ok {
		g.interfaces = append(g.interfaces, js.Property{Name: name, Schema: s})
	}
	return js.DefRef(name)
}

// entityFields returns the data fields of an entity in Payload's order:
// its own fields, the timestamps, then the fields its kind adds (auth,
// upload) and _status for drafts. A field the definition declares itself
// (media's `filename`, users' `email`) keeps its definition but takes
// Payload's place.
func (g *schemaGen) entityFields(c *Collection, global bool) []Field {
	var system []string
	if c.Auth {
		system = append(system, authFieldNames...)
	}
	if c.Upload {
		system = append(system, uploadFieldNames...)
	}
	isSystem := func(name string) bool {
		for _, s := range system {
			if s == name {
				return true
			}
		}
		return false
	}
	var out []Field
	for _, f := range c.Fields {
		if !isSystem(f.Name) && f.Name != "updatedAt" && f.Name != "createdAt" {
			out = append(out, f)
		}
	}
	if global && c.Drafts { // a global's _status comes before its timestamps
		out = append(out, statusField())
	}
	if c.Slug != payloadKV { // Payload's kv store has no timestamps
		for _, n := range timestampNames {
			out = append(out, Field{Name: n, Type: Date, Required: !global})
		}
	}
	for _, n := range system {
		if f, ok := c.Field(n); ok && n != "sizes" {
			out = append(out, *f)
			continue
		}
		out = append(out, g.systemField(n))
	}
	if !global && c.Drafts {
		out = append(out, statusField())
	}
	return out
}

func statusField() Field {
	return Field{Name: "_status", Type: Select, Options: []string{StatusDraft, StatusPublished}}
}

// systemField is Payload's definition of a field an auth or upload
// collection gets.
func (g *schemaGen) systemField(name string) Field {
	switch name {
	case "email":
		return Field{Name: name, Type: Email, Required: true}
	case "resetPasswordExpiration", "resetPasswordRequestedAt", "lockUntil":
		return Field{Name: name, Type: Date}
	case "loginAttempts", "filesize", "width", "height", "focalX", "focalY":
		return Field{Name: name, Type: Number}
	case "sessions":
		return Field{Name: name, Type: Array, Fields: []Field{
			{Name: "id", Type: Text, Required: true},
			{Name: "createdAt", Type: Date},
			{Name: "expiresAt", Type: Date, Required: true},
		}}
	case "sizes":
		var sizes []Field
		for _, s := range g.o.ImageSizes {
			sizes = append(sizes, Field{Name: s, Type: Group, Fields: []Field{
				{Name: "url", Type: Text}, {Name: "width", Type: Number}, {Name: "height", Type: Number},
				{Name: "mimeType", Type: Text}, {Name: "filesize", Type: Number}, {Name: "filename", Type: Text},
			}})
		}
		return Field{Name: name, Type: Group, Fields: sizes}
	}
	return Field{Name: name, Type: Text}
}

// entitySchema is Payload's entityToJSONSchema: id first, the fields, then
// password and collection on auth collections.
func (g *schemaGen) entitySchema(c *Collection, fields []Field) *js.Schema {
	fields = append([]Field{{Name: "id", Type: Number, Required: true}}, fields...)
	if c.Auth {
		fields = append(fields, Field{Name: "password", Type: Text})
	}
	s := g.fieldsSchema(fields)
	s.Title = TypeName(c.Slug)
	if c.Auth {
		s.Properties = append(s.Properties, js.Property{Name: "collection", Schema: &js.Schema{Type: []string{"string"}, Enum: []any{c.Slug}}})
		s.Required = append(s.Required, "collection")
	}
	return s
}

// fieldsSchema is a closed object of the fields (Payload's
// fieldsToJSONSchema).
func (g *schemaGen) fieldsSchema(fields []Field) *js.Schema {
	s := &js.Schema{Type: []string{"object"}, AdditionalProperties: js.Closed(), Properties: []js.Property{}}
	for i := range fields {
		f := &fields[i]
		req := fieldIsRequired(f)
		fs := kinds[f.Type].JSONSchema(g, f, req)
		if f.Admin.Description != "" && fs.Ref == "" {
			fs.Description = f.Admin.Description
		}
		s.Properties = append(s.Properties, js.Property{Name: f.Name, Schema: fs})
		if req {
			s.Required = append(s.Required, f.Name)
		}
	}
	return s
}

// fieldIsRequired is Payload's rule: a required field, or a group with a
// required field (arrays are not made required by their rows); a field
// shown on a condition never is.
func fieldIsRequired(f *Field) bool {
	if f.Admin.Condition != nil {
		return false
	}
	if f.Required {
		return true
	}
	if f.Type == Group {
		for i := range f.Fields {
			if fieldIsRequired(&f.Fields[i]) {
				return true
			}
		}
	}
	return false
}

// The JSON Schema of each field kind (Kind.JSONSchema): Payload's
// fieldsToJSONSchema cases. required says whether null is excluded.

func textSchema(g *schemaGen, f *Field, required bool) *js.Schema {
	if f.HasMany {
		return &js.Schema{Type: js.Types("array", !required), Items: &js.Schema{Type: []string{"string"}}}
	}
	return stringSchema(g, f, required)
}

func stringSchema(_ *schemaGen, _ *Field, required bool) *js.Schema {
	return &js.Schema{Type: js.Types("string", !required)}
}

func numberSchema(_ *schemaGen, f *Field, required bool) *js.Schema {
	if f.HasMany {
		return &js.Schema{Type: js.Types("array", !required), Items: &js.Schema{Type: []string{"number"}}}
	}
	return &js.Schema{Type: js.Types("number", !required)}
}

func checkboxSchema(_ *schemaGen, _ *Field, required bool) *js.Schema {
	return &js.Schema{Type: js.Types("boolean", !required)}
}

// optionSchema types a select or radio: a union of its options.
func optionSchema(_ *schemaGen, f *Field, required bool) *js.Schema {
	var enum []any
	for _, o := range f.Options {
		enum = append(enum, o)
	}
	if f.HasMany {
		return &js.Schema{Type: js.Types("array", !required), Items: &js.Schema{Type: []string{"string"}, Enum: enum}}
	}
	return &js.Schema{Type: js.Types("string", !required), Enum: enum}
}

// richTextSchema is the output schema of Payload's Lexical editor.
func richTextSchema(_ *schemaGen, _ *Field, required bool) *js.Schema {
	integer := func() *js.Schema { return &js.Schema{Type: []string{"integer"}} }
	return &js.Schema{
		Type: js.Types("object", !required),
		Properties: []js.Property{{Name: "root", Schema: &js.Schema{
			Type: []string{"object"}, AdditionalProperties: js.Closed(),
			Properties: []js.Property{
				{Name: "type", Schema: &js.Schema{Type: []string{"string"}}},
				{Name: "children", Schema: &js.Schema{Type: []string{"array"}, Items: &js.Schema{
					Type: []string{"object"}, AdditionalProperties: js.Open(),
					Properties: []js.Property{
						{Name: "type", Schema: &js.Schema{Type: []string{"string"}, TSType: "any"}},
						{Name: "version", Schema: integer()},
					},
					Required: []string{"type", "version"},
				}}},
				{Name: "direction", Schema: &js.Schema{OneOf: []*js.Schema{{Enum: []any{"ltr", "rtl"}}, {Type: []string{"null"}}}}},
				{Name: "format", Schema: &js.Schema{Type: []string{"string"}, Enum: []any{"left", "start", "center", "right", "end", "justify", ""}}},
				{Name: "indent", Schema: integer()},
				{Name: "version", Schema: integer()},
			},
			Required: []string{"children", "direction", "format", "indent", "type", "version"},
		}}},
		Required: []string{"root"},
	}
}

// relationshipSchema types a relationship or upload: the target's id or
// the populated document; polymorphic values are {relationTo, value}.
func relationshipSchema(_ *schemaGen, f *Field, required bool) *js.Schema {
	idOrDoc := func(target string, idTypes []string) *js.Schema {
		return &js.Schema{OneOf: []*js.Schema{{Type: idTypes}, js.DefRef(target)}}
	}
	if targets := f.Targets(); f.Polymorphic() {
		variant := func(t string, objTypes []string) *js.Schema {
			return &js.Schema{
				Type: objTypes, AdditionalProperties: js.Closed(),
				Properties: []js.Property{
					{Name: "relationTo", Schema: &js.Schema{Const: t}},
					{Name: "value", Schema: idOrDoc(t, []string{"number"})},
				},
				Required: []string{"value", "relationTo"},
			}
		}
		var variants []*js.Schema
		for _, t := range targets {
			if f.HasMany {
				variants = append(variants, variant(t, []string{"object"}))
			} else {
				variants = append(variants, variant(t, js.Types("object", !required)))
			}
		}
		if f.HasMany {
			return &js.Schema{Type: js.Types("array", !required), Items: &js.Schema{OneOf: variants}}
		}
		return &js.Schema{OneOf: variants}
	}
	if f.HasMany {
		return &js.Schema{Type: js.Types("array", !required), Items: idOrDoc(f.RelationTo, []string{"number"})}
	}
	return idOrDoc(f.RelationTo, js.Types("number", !required))
}

// arraySchema: rows with an optional string id.
func groupSchema(g *schemaGen, f *Field, _ bool) *js.Schema { return g.fieldsSchema(f.Fields) }

func arraySchema(g *schemaGen, f *Field, required bool) *js.Schema {
	return &js.Schema{Type: js.Types("array", !required), Items: g.fieldsSchema(arrayRowFields(f))}
}

func arrayRowFields(f *Field) []Field {
	if _, ok := findField(f.Fields, "id"); ok {
		return f.Fields
	}
	return append(append([]Field{}, f.Fields...), Field{Name: "id", Type: Text})
}

func blockRowFields(b *Block) []Field {
	return append(append([]Field{}, b.Fields...), Field{Name: "id", Type: Text}, Field{Name: "blockName", Type: Text})
}

// blocksSchema: rows of one of the block shapes, each with a literal
// blockType.
func blocksSchema(g *schemaGen, f *Field, required bool) *js.Schema {
	items := &js.Schema{OneOf: []*js.Schema{}}
	for i := range f.Blocks {
		b := &f.Blocks[i]
		s := g.fieldsSchema(blockRowFields(b))
		s.Properties = append(s.Properties, js.Property{Name: "blockType", Schema: &js.Schema{Const: b.Slug}})
		s.Required = append([]string{"blockType"}, s.Required...)
		if b.InterfaceName != "" {
			s = g.hoist(b.InterfaceName, s)
		}
		items.OneOf = append(items.OneOf, s)
	}
	return &js.Schema{Type: js.Types("array", !required), Items: items}
}

func jsonFieldSchema(_ *schemaGen, _ *Field, _ bool) *js.Schema {
	return &js.Schema{Type: []string{"object", "array", "string", "number", "boolean", "null"}}
}

// selectSchema is the shape of Payload's `select` for the fields
// (fieldsToSelectJSONSchema): true/false per field, nested for groups,
// arrays and blocks.
func (g *schemaGen) selectSchema(fields []Field, global bool) *js.Schema {
	s := &js.Schema{Type: []string{"object"}, AdditionalProperties: js.Closed(), Properties: []js.Property{}}
	boolean := func() *js.Schema { return &js.Schema{Type: []string{"boolean"}} }
	for i := range fields {
		f := &fields[i]
		var p *js.Schema
		switch f.Type {
		case Group:
			p = &js.Schema{OneOf: []*js.Schema{boolean(), g.selectSchema(f.Fields, false)}}
		case Array:
			p = &js.Schema{OneOf: []*js.Schema{boolean(), g.selectSchema(arrayRowFields(f), false)}}
		case Blocks:
			bs := &js.Schema{Type: []string{"object"}, AdditionalProperties: js.Closed(), Properties: []js.Property{}}
			for j := range f.Blocks {
				b := &f.Blocks[j]
				sel := g.selectSchema(blockRowFields(b), false)
				if b.InterfaceName != "" {
					sel = g.hoist(b.InterfaceName+"_select", sel)
				}
				bs.Properties = append(bs.Properties, js.Property{Name: b.Slug, Schema: &js.Schema{OneOf: []*js.Schema{boolean(), sel}}})
			}
			p = &js.Schema{OneOf: []*js.Schema{boolean(), bs}}
		default:
			p = boolean()
		}
		s.Properties = append(s.Properties, js.Property{Name: f.Name, Schema: p})
	}
	if global {
		s.Properties = append(s.Properties, js.Property{Name: "globalType", Schema: boolean()})
	}
	return s
}

func authOperationsSchema(c *Collection) *js.Schema {
	creds := func() *js.Schema {
		return &js.Schema{
			AdditionalProperties: js.Closed(),
			Properties: []js.Property{
				{Name: "email", Schema: &js.Schema{Type: []string{"string"}}},
				{Name: "password", Schema: &js.Schema{Type: []string{"string"}}},
			},
			Required: []string{"email", "password"},
		}
	}
	return &js.Schema{
		Title: TypeName(c.Slug) + "AuthOperations", Type: []string{"object"}, AdditionalProperties: js.Closed(),
		Properties: []js.Property{
			{Name: "forgotPassword", Schema: creds()}, {Name: "login", Schema: creds()},
			{Name: "registerFirstUser", Schema: creds()}, {Name: "unlock", Schema: creds()},
		},
		Required: []string{"forgotPassword", "login", "registerFirstUser", "unlock"},
	}
}

// TypeName is the TypeScript interface name Payload gives an entity: the
// slug in singular, in PascalCase ("pages" → "Page",
// "payload-locked-documents" → "PayloadLockedDocument").
func TypeName(slug string) string {
	return js.SafeName(singular(slug))
}

// singular is the small part of pluralize.singular that slugs need.
func singular(s string) string {
	switch {
	case !strings.HasSuffix(s, "s"): // media, data, kv: already singular or uncountable
		return s
	case strings.HasSuffix(s, "ies"):
		return s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "sses"), strings.HasSuffix(s, "xes"), strings.HasSuffix(s, "ches"), strings.HasSuffix(s, "shes"):
		return s[:len(s)-2]
	case strings.HasSuffix(s, "ss"), strings.HasSuffix(s, "us"):
		return s
	case strings.HasSuffix(s, "s"):
		return s[:len(s)-1]
	}
	return s
}

// SupportedTimezones is Payload 3.90's default list of IANA time zones.
var SupportedTimezones = []string{
	"Pacific/Midway", "Pacific/Niue", "Pacific/Honolulu", "Pacific/Rarotonga", "America/Anchorage", "Pacific/Gambier",
	"America/Los_Angeles", "America/Tijuana", "America/Denver", "America/Phoenix", "America/Chicago", "America/Guatemala",
	"America/New_York", "America/Bogota", "America/Caracas", "America/Santiago", "America/Buenos_Aires", "America/Sao_Paulo",
	"Atlantic/South_Georgia", "Atlantic/Azores", "Atlantic/Cape_Verde", "Europe/London", "Europe/Berlin", "Africa/Lagos",
	"Europe/Athens", "Africa/Cairo", "Europe/Moscow", "Asia/Riyadh", "Asia/Dubai", "Asia/Baku", "Asia/Karachi",
	"Asia/Tashkent", "Asia/Calcutta", "Asia/Dhaka", "Asia/Almaty", "Asia/Jakarta", "Asia/Bangkok", "Asia/Shanghai",
	"Asia/Singapore", "Asia/Tokyo", "Asia/Seoul", "Australia/Brisbane", "Australia/Sydney", "Pacific/Guam",
	"Pacific/Noumea", "Pacific/Auckland", "Pacific/Fiji",
}

func timezonesSchema() *js.Schema {
	enum := make([]any, len(SupportedTimezones))
	for i, z := range SupportedTimezones {
		enum[i] = z
	}
	return &js.Schema{Description: "Supported timezones in IANA format.", Enum: enum}
}
