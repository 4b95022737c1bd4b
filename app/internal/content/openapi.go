package content

import (
	"encoding/json"
	"fmt"

	js "github.com/automatonic/chronos/app/internal/jsonschema"
)

// OpenAPI renders an OpenAPI 3.1 document of the REST API (GET
// /api/openapi.json). Its document schemas are the definitions of the
// content JSON Schema (JSONSchema), the same that payload-types.ts is
// generated from, under their TypeScript names.
func (r *Registry) OpenAPI(serverURL, version string, o SchemaOptions) ([]byte, error) {
	schemas, err := r.componentSchemas(o)
	if err != nil {
		return nil, err
	}
	for k, v := range map[string]any{
		"Error": obj(map[string]any{
			"errors": map[string]any{"type": "array", "items": obj(map[string]any{
				"name": str(), "message": str(), "data": map[string]any{},
			}, "message")},
		}, "errors"),
		"RouteNotFound": obj(map[string]any{"message": str()}, "message"),
	} {
		schemas[k] = v
	}
	b := &openAPIBuilder{schemas: schemas, paths: map[string]any{}}
	b.common = map[string]any{
		"400": b.errResp("Validation or query error"),
		"403": b.errResp("Not allowed"),
		"404": b.errResp("Not found"),
	}
	for _, c := range r.order {
		b.collectionPaths(c)
	}
	for _, g := range r.globals {
		b.globalPaths(g)
	}
	if au, ok := r.AuthCollection(); ok {
		b.authPaths(au)
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": "Chronos CMS REST API (Payload 3 dialect)", "version": version},
		"servers": []any{map[string]any{"url": serverURL}},
		"paths":   b.paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"jwt":    map[string]any{"type": "apiKey", "in": "header", "name": "Authorization", "description": "`JWT <token>` or `Bearer <token>`"},
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": "payload-token"},
				"apiKey": map[string]any{"type": "apiKey", "in": "header", "name": "Authorization", "description": "`<auth collection slug> API-Key <key>`"},
			},
		},
		"security": []any{map[string]any{"jwt": []any{}}, map[string]any{"cookie": []any{}}, map[string]any{"apiKey": []any{}}, map[string]any{}},
	}
	return json.MarshalIndent(doc, "", "  ")
}

// openAPIBuilder collects the paths and component schemas of the OpenAPI
// document.
type openAPIBuilder struct {
	schemas map[string]any
	paths   map[string]any
	common  map[string]any // the error responses of every operation
}

func (b *openAPIBuilder) errResp(desc string) map[string]any {
	return map[string]any{"description": desc, "content": jsonContent(ref("Error"))}
}

// collectionPaths adds the find, count, by-id and (unless auth) write
// operations of collection c, and its versions with drafts.
func (b *openAPIBuilder) collectionPaths(c *Collection) {
	name := TypeName(c.Slug)
	b.schemas[name+"List"] = listSchema(ref(name))
	findParams := []any{
		qp("where", "Payload where clause in qs bracket syntax, e.g. where[slug][equals]=home", "object"),
		qp("sort", "Comma-separated fields; '-' prefix for descending (indexed fields only)", "string"),
		qp("limit", "Page size (default 10; 0 = all)", "integer"),
		qp("page", "Page number (1-based)", "integer"),
		qp("depth", "Relationship population depth (default 2, max 10)", "integer"),
		qp("select", "Field projection: select[field]=true|false", "object"),
		qp("populate", "Projection of populated documents: populate[<collection>][<field>]=true", "object"),
		qp("draft", "Read latest drafts (signed-in callers)", "boolean"),
		qp("pagination", "false returns every document", "boolean"),
		qp("richText", "html adds <field>_html beside rich text fields", "string"),
	}
	list := map[string]any{
		"summary": "Find " + c.Plural, "operationId": "find" + name, "parameters": findParams,
		"responses": merge(b.common, map[string]any{"200": map[string]any{"description": "A page of documents", "content": jsonContent(ref(name + "List"))}}),
	}
	item := map[string]any{
		"get": map[string]any{
			"summary": "Find a " + c.Singular + " by id", "operationId": "find" + name + "ByID", "parameters": []any{pathID(), findParams[4], findParams[5], findParams[7]},
			"responses": merge(b.common, map[string]any{"200": map[string]any{"description": "The document", "content": jsonContent(ref(name))}}),
		},
	}
	p := map[string]any{"get": list}
	docEnv := obj(map[string]any{"doc": ref(name), "message": str()}, "doc", "message")
	if !c.Auth {
		b.writePaths(c, name, p, item, docEnv)
	}
	b.paths["/api/"+c.Slug] = p
	b.paths["/api/"+c.Slug+"/{id}"] = item
	b.paths["/api/"+c.Slug+"/count"] = map[string]any{"get": map[string]any{
		"summary": "Count " + c.Plural, "operationId": "count" + name, "parameters": []any{findParams[0]},
		"responses": merge(b.common, map[string]any{"200": map[string]any{"description": "Count", "content": jsonContent(obj(map[string]any{"totalDocs": map[string]any{"type": "integer"}}, "totalDocs"))}}),
	}}
	if c.Drafts {
		b.versionPaths(c, name, findParams)
	}
}

// writePaths adds create, update and delete of collection c (multipart
// for an upload collection).
func (b *openAPIBuilder) writePaths(c *Collection, name string, p, item, docEnv map[string]any) {
	write := map[string]any{"required": true, "content": jsonContent(ref(name))}
	if c.Upload {
		write = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": obj(map[string]any{
			"file": map[string]any{"type": "string", "format": "binary"}, "_payload": map[string]any{"type": "string", "description": "JSON of the other fields"},
			"alt": str(),
		}, "file")}}}
	}
	p["post"] = map[string]any{"summary": "Create a " + c.Singular, "operationId": "create" + name, "requestBody": write,
		"responses": merge(b.common, map[string]any{"201": map[string]any{"description": "Created", "content": jsonContent(docEnv)}})}
	item["patch"] = map[string]any{"summary": "Update a " + c.Singular, "operationId": "update" + name, "parameters": []any{pathID()},
		"requestBody": write, "responses": merge(b.common, map[string]any{"200": map[string]any{"description": "Updated", "content": jsonContent(docEnv)}})}
	item["delete"] = map[string]any{"summary": "Delete a " + c.Singular, "operationId": "delete" + name, "parameters": []any{pathID()},
		"responses": merge(b.common, map[string]any{"200": map[string]any{"description": "Deleted", "content": jsonContent(docEnv)}})}
}

// versionPaths adds the versions operations of a drafts collection.
func (b *openAPIBuilder) versionPaths(c *Collection, name string, findParams []any) {
	vname := name + "Version"
	b.schemas[vname] = obj(map[string]any{
		"id": map[string]any{"type": "number"}, "parent": map[string]any{"oneOf": []any{map[string]any{"type": "number"}, ref(name)}},
		"version": ref(name), "createdAt": dateTime(), "updatedAt": dateTime(), "latest": map[string]any{"type": "boolean"},
	}, "id", "parent", "version")
	b.schemas[vname+"List"] = listSchema(ref(vname))
	b.paths["/api/"+c.Slug+"/versions"] = map[string]any{"get": map[string]any{
		"summary": "Find versions of " + c.Plural, "operationId": "find" + name + "Versions", "parameters": findParams[:5],
		"responses": merge(b.common, map[string]any{"200": map[string]any{"description": "Versions", "content": jsonContent(ref(vname + "List"))}}),
	}}
	b.paths["/api/"+c.Slug+"/versions/{id}"] = map[string]any{
		"get": map[string]any{"summary": "Find a version", "operationId": "find" + name + "VersionByID", "parameters": []any{pathID()},
			"responses": merge(b.common, map[string]any{"200": map[string]any{"description": "Version", "content": jsonContent(ref(vname))}})},
		"post": map[string]any{"summary": "Restore a version", "operationId": "restore" + name + "Version", "parameters": []any{pathID()},
			"responses": merge(b.common, map[string]any{"200": map[string]any{"description": "Restored document", "content": jsonContent(ref(name))}})},
	}
}

// globalPaths adds the read, update, access and versions operations of
// global g.
func (b *openAPIBuilder) globalPaths(g *Collection) {
	name := TypeName(g.Slug)
	readParams := []any{
		qp("depth", "Relationship population depth (default 2, max 10)", "integer"),
		qp("select", "Field projection: select[field]=true|false", "object"),
		qp("populate", "Projection of populated documents: populate[<collection>][<field>]=true", "object"),
		qp("draft", "Read the latest draft (signed-in callers)", "boolean"),
	}
	b.paths["/api/globals/"+g.Slug] = map[string]any{
		"get": map[string]any{"summary": "Read the " + g.Singular + " global", "operationId": "findGlobal" + name, "parameters": readParams,
			"responses": merge(b.common, map[string]any{"200": map[string]any{"description": "The global (its empty shape when never saved)", "content": jsonContent(ref(name))}})},
		"post": map[string]any{"summary": "Update the " + g.Singular + " global", "operationId": "updateGlobal" + name, "parameters": readParams,
			"requestBody": map[string]any{"required": true, "content": jsonContent(ref(name))},
			"responses":   merge(b.common, map[string]any{"200": map[string]any{"description": "Updated", "content": jsonContent(obj(map[string]any{"message": str(), "result": ref(name)}, "message", "result"))}})},
	}
	b.paths["/api/globals/"+g.Slug+"/access"] = map[string]any{"post": map[string]any{"summary": "The caller's permissions on " + g.Singular, "operationId": "globalAccess" + name,
		"responses": merge(b.common, map[string]any{"200": map[string]any{"description": "Permissions", "content": jsonContent(obj(map[string]any{"read": map[string]any{}, "update": map[string]any{}}))}})}}
	if g.Drafts {
		vname := name + "Version"
		b.schemas[vname] = obj(map[string]any{
			"id": map[string]any{"type": "number"}, "version": ref(name), "createdAt": dateTime(), "updatedAt": dateTime(), "latest": map[string]any{"type": "boolean"},
		}, "id", "version")
		b.schemas[vname+"List"] = listSchema(ref(vname))
		b.paths["/api/globals/"+g.Slug+"/versions"] = map[string]any{"get": map[string]any{"summary": "Versions of " + g.Singular, "operationId": "findGlobalVersions" + name,
			"responses": merge(b.common, map[string]any{"200": map[string]any{"description": "Versions", "content": jsonContent(ref(vname + "List"))}})}}
		b.paths["/api/globals/"+g.Slug+"/versions/{id}"] = map[string]any{
			"get": map[string]any{"summary": "A version of " + g.Singular, "operationId": "findGlobalVersion" + name, "parameters": []any{pathID()},
				"responses": merge(b.common, map[string]any{"200": map[string]any{"description": "Version", "content": jsonContent(ref(vname))}})},
			"post": map[string]any{"summary": "Restore a version of " + g.Singular, "operationId": "restoreGlobalVersion" + name, "parameters": []any{pathID()},
				"responses": merge(b.common, map[string]any{"200": map[string]any{"description": "Restored", "content": jsonContent(obj(map[string]any{"doc": ref(name), "message": str()}, "doc", "message"))}})},
		}
	}

}

// authPaths adds login and me of the auth collection.
func (b *openAPIBuilder) authPaths(au *Collection) {
	b.paths["/api/"+au.Slug+"/login"] = map[string]any{"post": map[string]any{
		"summary": "Sign in", "operationId": "login",
		"requestBody": map[string]any{"required": true, "content": jsonContent(obj(map[string]any{"email": map[string]any{"type": "string", "format": "email"}, "password": str()}, "email", "password"))},
		"responses": map[string]any{
			"200": map[string]any{"description": "Signed in; sets the payload-token cookie", "content": jsonContent(obj(map[string]any{"message": str(), "token": str(), "exp": map[string]any{"type": "integer"}, "user": ref(TypeName(au.Slug))}, "token", "user"))},
			"400": b.errResp("Missing fields"), "401": b.errResp("Wrong email or password, or locked"), "429": b.errResp("Too many attempts"),
		},
	}}
	b.paths["/api/"+au.Slug+"/me"] = map[string]any{"get": map[string]any{"summary": "The caller's account", "operationId": "me",
		"responses": map[string]any{"200": map[string]any{"description": "user is null when anonymous", "content": jsonContent(obj(map[string]any{"user": map[string]any{"oneOf": []any{ref(TypeName(au.Slug)), map[string]any{"type": "null"}}}, "message": str()}, "message"))}}}}

}

// componentSchemas are the content JSON Schema's definitions of every
// collection (and the interfaces they hoist), named as in
// payload-types.ts, with references pointed at components.
func (r *Registry) componentSchemas(o SchemaOptions) (map[string]any, error) {
	doc := r.JSONSchema(o)
	names := map[string]string{}
	for _, d := range doc.Definitions {
		names[d.Name] = d.Schema.Title
		if names[d.Name] == "" {
			names[d.Name] = js.SafeName(d.Name)
		}
	}
	m := js.Marshaler{OpenAPI: true, Ref: func(name string) string { return "#/components/schemas/" + names[name] }}
	out := map[string]any{}
	var todo []string
	for _, c := range r.Entities() {
		todo = append(todo, c.Slug)
	}
	// Every collection, and every definition one refers to (hoisted block
	// interfaces).
	for len(todo) > 0 {
		name := todo[0]
		todo = todo[1:]
		if _, done := out[names[name]]; done {
			continue
		}
		s, ok := doc.Definition(name)
		if !ok {
			return nil, fmt.Errorf("openapi: no definition %q", name)
		}
		b, err := m.Marshal(s)
		if err != nil {
			return nil, fmt.Errorf("openapi: %s: %w", name, err)
		}
		out[names[name]] = json.RawMessage(b)
		todo = append(todo, refs(s)...)
	}
	return out, nil
}

// refs lists the definitions s refers to.
func refs(s *js.Schema) []string {
	if s == nil {
		return nil
	}
	var out []string
	if name, ok := js.RefName(s.Ref); ok {
		out = append(out, name)
	}
	for _, p := range s.Properties {
		out = append(out, refs(p.Schema)...)
	}
	out = append(out, refs(s.Items)...)
	for _, o := range s.OneOf {
		out = append(out, refs(o)...)
	}
	return out
}

func str() map[string]any         { return map[string]any{"type": "string"} }
func dateTime() map[string]any    { return map[string]any{"type": "string", "format": "date-time"} }
func ref(n string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + n} }

func obj(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		req := make([]any, len(required))
		for i, r := range required {
			req[i] = r
		}
		o["required"] = req
	}
	return o
}

func jsonContent(schema any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

func listSchema(item any) map[string]any {
	intOrNull := map[string]any{"type": []any{"integer", "null"}}
	return obj(map[string]any{
		"docs": map[string]any{"type": "array", "items": item}, "totalDocs": map[string]any{"type": "integer"},
		"limit": map[string]any{"type": "integer"}, "totalPages": map[string]any{"type": "integer"}, "page": map[string]any{"type": "integer"},
		"pagingCounter": map[string]any{"type": "integer"}, "hasPrevPage": map[string]any{"type": "boolean"}, "hasNextPage": map[string]any{"type": "boolean"},
		"prevPage": intOrNull, "nextPage": intOrNull,
	}, "docs", "totalDocs", "limit", "totalPages", "page", "pagingCounter", "hasPrevPage", "hasNextPage", "prevPage", "nextPage")
}

func qp(name, desc, typ string) map[string]any {
	p := map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": map[string]any{"type": typ}}
	if typ == "object" {
		p["style"] = "deepObject"
		p["explode"] = true
	}
	return p
}

func pathID() map[string]any {
	return map[string]any{"name": "id", "in": "path", "required": true, "schema": map[string]any{"type": "integer"}}
}

func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
