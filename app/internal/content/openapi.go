package content

import (
	"encoding/json"
)

// OpenAPI renders an OpenAPI 3.0 document of the REST API from the same
// collection definitions that drive validation, so front ends can generate
// types (GET /api/openapi.json).
func (r *Registry) OpenAPI(serverURL, version string) ([]byte, error) {
	schemas := map[string]any{
		"Error": obj(map[string]any{
			"errors": map[string]any{"type": "array", "items": obj(map[string]any{
				"name": str(), "message": str(), "data": map[string]any{},
			}, "message")},
		}, "errors"),
		"RouteNotFound": obj(map[string]any{"message": str()}, "message"),
	}
	paths := map[string]any{}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": jsonContent(ref("Error"))}
	}
	common := map[string]any{
		"400": errResp("Validation or query error"),
		"403": errResp("Not allowed"),
		"404": errResp("Not found"),
	}
	for _, c := range r.order {
		name := schemaName(c.Slug)
		schemas[name] = r.docSchema(c)
		schemas[name+"List"] = listSchema(ref(name))
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
			"responses": merge(common, map[string]any{"200": map[string]any{"description": "A page of documents", "content": jsonContent(ref(name + "List"))}}),
		}
		item := map[string]any{
			"get": map[string]any{
				"summary": "Find a " + c.Singular + " by id", "operationId": "find" + name + "ByID", "parameters": []any{pathID(), findParams[4], findParams[5], findParams[7]},
				"responses": merge(common, map[string]any{"200": map[string]any{"description": "The document", "content": jsonContent(ref(name))}}),
			},
		}
		p := map[string]any{"get": list}
		docEnv := obj(map[string]any{"doc": ref(name), "message": str()}, "doc", "message")
		if !c.Auth {
			write := map[string]any{"required": true, "content": jsonContent(ref(name))}
			if c.Upload {
				write = map[string]any{"required": true, "content": map[string]any{"multipart/form-data": map[string]any{"schema": obj(map[string]any{
					"file": map[string]any{"type": "string", "format": "binary"}, "_payload": map[string]any{"type": "string", "description": "JSON of the other fields"},
					"alt": str(),
				}, "file")}}}
			}
			p["post"] = map[string]any{"summary": "Create a " + c.Singular, "operationId": "create" + name, "requestBody": write,
				"responses": merge(common, map[string]any{"201": map[string]any{"description": "Created", "content": jsonContent(docEnv)}})}
			item["patch"] = map[string]any{"summary": "Update a " + c.Singular, "operationId": "update" + name, "parameters": []any{pathID()},
				"requestBody": write, "responses": merge(common, map[string]any{"200": map[string]any{"description": "Updated", "content": jsonContent(docEnv)}})}
			item["delete"] = map[string]any{"summary": "Delete a " + c.Singular, "operationId": "delete" + name, "parameters": []any{pathID()},
				"responses": merge(common, map[string]any{"200": map[string]any{"description": "Deleted", "content": jsonContent(docEnv)}})}
		}
		paths["/api/"+c.Slug] = p
		paths["/api/"+c.Slug+"/{id}"] = item
		paths["/api/"+c.Slug+"/count"] = map[string]any{"get": map[string]any{
			"summary": "Count " + c.Plural, "operationId": "count" + name, "parameters": []any{findParams[0]},
			"responses": merge(common, map[string]any{"200": map[string]any{"description": "Count", "content": jsonContent(obj(map[string]any{"totalDocs": map[string]any{"type": "integer"}}, "totalDocs"))}}),
		}}
		if c.Drafts {
			vname := name + "Version"
			schemas[vname] = obj(map[string]any{
				"id": map[string]any{"type": "integer"}, "parent": map[string]any{"oneOf": []any{map[string]any{"type": "integer"}, ref(name)}},
				"version": ref(name), "createdAt": dateTime(), "updatedAt": dateTime(), "latest": map[string]any{"type": "boolean"},
			}, "id", "parent", "version")
			schemas[vname+"List"] = listSchema(ref(vname))
			paths["/api/"+c.Slug+"/versions"] = map[string]any{"get": map[string]any{
				"summary": "Find versions of " + c.Plural, "operationId": "find" + name + "Versions", "parameters": findParams[:5],
				"responses": merge(common, map[string]any{"200": map[string]any{"description": "Versions", "content": jsonContent(ref(vname + "List"))}}),
			}}
			paths["/api/"+c.Slug+"/versions/{id}"] = map[string]any{
				"get": map[string]any{"summary": "Find a version", "operationId": "find" + name + "VersionByID", "parameters": []any{pathID()},
					"responses": merge(common, map[string]any{"200": map[string]any{"description": "Version", "content": jsonContent(ref(vname))}})},
				"post": map[string]any{"summary": "Restore a version", "operationId": "restore" + name + "Version", "parameters": []any{pathID()},
					"responses": merge(common, map[string]any{"200": map[string]any{"description": "Restored document", "content": jsonContent(ref(name))}})},
			}
		}
	}
	for _, g := range r.globals {
		name := schemaName(g.Slug)
		schemas[name] = r.docSchema(g)
		readParams := []any{
			qp("depth", "Relationship population depth (default 2, max 10)", "integer"),
			qp("select", "Field projection: select[field]=true|false", "object"),
			qp("populate", "Projection of populated documents: populate[<collection>][<field>]=true", "object"),
			qp("draft", "Read the latest draft (signed-in callers)", "boolean"),
		}
		paths["/api/globals/"+g.Slug] = map[string]any{
			"get": map[string]any{"summary": "Read the " + g.Singular + " global", "operationId": "findGlobal" + name, "parameters": readParams,
				"responses": merge(common, map[string]any{"200": map[string]any{"description": "The global (its empty shape when never saved)", "content": jsonContent(ref(name))}})},
			"post": map[string]any{"summary": "Update the " + g.Singular + " global", "operationId": "updateGlobal" + name, "parameters": readParams,
				"requestBody": map[string]any{"required": true, "content": jsonContent(ref(name))},
				"responses":   merge(common, map[string]any{"200": map[string]any{"description": "Updated", "content": jsonContent(obj(map[string]any{"message": str(), "result": ref(name)}, "message", "result"))}})},
		}
		paths["/api/globals/"+g.Slug+"/access"] = map[string]any{"post": map[string]any{"summary": "The caller's permissions on " + g.Singular, "operationId": "globalAccess" + name,
			"responses": merge(common, map[string]any{"200": map[string]any{"description": "Permissions", "content": jsonContent(obj(map[string]any{"read": map[string]any{}, "update": map[string]any{}}))}})}}
		if g.Drafts {
			vname := name + "Version"
			schemas[vname] = obj(map[string]any{
				"id": map[string]any{"type": "integer"}, "version": ref(name), "createdAt": dateTime(), "updatedAt": dateTime(), "latest": map[string]any{"type": "boolean"},
			}, "id", "version")
			schemas[vname+"List"] = listSchema(ref(vname))
			paths["/api/globals/"+g.Slug+"/versions"] = map[string]any{"get": map[string]any{"summary": "Versions of " + g.Singular, "operationId": "findGlobalVersions" + name,
				"responses": merge(common, map[string]any{"200": map[string]any{"description": "Versions", "content": jsonContent(ref(vname + "List"))}})}}
			paths["/api/globals/"+g.Slug+"/versions/{id}"] = map[string]any{
				"get": map[string]any{"summary": "A version of " + g.Singular, "operationId": "findGlobalVersion" + name, "parameters": []any{pathID()},
					"responses": merge(common, map[string]any{"200": map[string]any{"description": "Version", "content": jsonContent(ref(vname))}})},
				"post": map[string]any{"summary": "Restore a version of " + g.Singular, "operationId": "restoreGlobalVersion" + name, "parameters": []any{pathID()},
					"responses": merge(common, map[string]any{"200": map[string]any{"description": "Restored", "content": jsonContent(obj(map[string]any{"doc": ref(name), "message": str()}, "doc", "message"))}})},
			}
		}
	}
	if au, ok := r.AuthCollection(); ok {
		paths["/api/"+au.Slug+"/login"] = map[string]any{"post": map[string]any{
			"summary": "Sign in", "operationId": "login",
			"requestBody": map[string]any{"required": true, "content": jsonContent(obj(map[string]any{"email": map[string]any{"type": "string", "format": "email"}, "password": str()}, "email", "password"))},
			"responses": map[string]any{
				"200": map[string]any{"description": "Signed in; sets the payload-token cookie", "content": jsonContent(obj(map[string]any{"message": str(), "token": str(), "exp": map[string]any{"type": "integer"}, "user": ref(schemaName(au.Slug))}, "token", "user"))},
				"400": errResp("Missing fields"), "401": errResp("Wrong email or password, or locked"), "429": errResp("Too many attempts"),
			},
		}}
		paths["/api/"+au.Slug+"/me"] = map[string]any{"get": map[string]any{"summary": "The caller's account", "operationId": "me",
			"responses": map[string]any{"200": map[string]any{"description": "user is null when anonymous", "content": jsonContent(obj(map[string]any{"user": map[string]any{"nullable": true, "allOf": []any{ref(schemaName(au.Slug))}}, "message": str()}, "message"))}}}}
	}
	doc := map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "Chronos CMS REST API (Payload 3 dialect)", "version": version},
		"servers": []any{map[string]any{"url": serverURL}},
		"paths":   paths,
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

func schemaName(slug string) string {
	b := []byte(slug)
	if len(b) > 0 && b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}

func (r *Registry) docSchema(c *Collection) map[string]any {
	sc := &schemas{ref: openAPIRef}
	props := sc.props(c.Fields)
	props["id"] = map[string]any{"type": "integer"}
	props["createdAt"] = dateTime()
	props["updatedAt"] = dateTime()
	req := []string{"id", "createdAt", "updatedAt"}
	if c.Global {
		// A never-saved global has no id or timestamps.
		props["globalType"] = map[string]any{"type": "string", "enum": []any{c.Slug}}
		req = nil
	}
	if c.Drafts {
		props["_status"] = map[string]any{"type": "string", "enum": []any{StatusDraft, StatusPublished}}
	}
	if c.Auth {
		props["collection"] = str()
		props["sessions"] = map[string]any{"type": "array", "items": obj(map[string]any{"id": str(), "createdAt": dateTime(), "expiresAt": dateTime()})}
	}
	for _, f := range c.Fields {
		if f.Required {
			req = append(req, f.Name)
		}
	}
	return obj(props, req...)
}

// schemas renders field JSON Schemas; ref points at a collection's
// document schema.
type schemas struct {
	ref func(slug string) map[string]any
}

func (s *schemas) props(fields []Field) map[string]any {
	props := make(map[string]any, len(fields))
	for i := range fields {
		props[fields[i].Name] = s.field(&fields[i])
	}
	return props
}

func (s *schemas) field(f *Field) map[string]any {
	out := kinds[f.Type].Schema(f, s)
	if f.Label != "" {
		out["title"] = f.Label
	}
	if f.Admin.Description != "" {
		out["description"] = f.Admin.Description
	}
	return out
}

// FieldSchema returns the JSON Schema of a field from its kind; ref returns
// the schema (or $ref) of a relation target's documents.
func FieldSchema(f *Field, ref func(slug string) map[string]any) map[string]any {
	s := &schemas{ref: ref}
	return s.field(f)
}

func openAPIRef(slug string) map[string]any { return ref(schemaName(slug)) }

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
	intOrNull := map[string]any{"type": "integer", "nullable": true}
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
