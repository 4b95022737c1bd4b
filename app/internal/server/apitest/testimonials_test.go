package apitest

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/testmodel"
)

// TestAddedCollection drives a definition-only collection through the REST
// scenario suite, OpenAPI and the access report, on both dialects.
func TestAddedCollection(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnvModel(t, dialect, nil, testmodel.WithTestimonials(t))
		e.createUser(t, "admin@example.com", "admin-pass-123", "Admin", "admin")
		token := e.login(t, "admin@example.com", "admin-pass-123")
		actor := &content.Actor{ID: 1, Email: "admin@example.com", Roles: []string{content.RoleAdmin}}
		page, err := e.app.Content().Create(context.Background(), actor, collections.PagesSlug, map[string]any{"title": "Home", "_status": "published"}, content.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		photo, err := e.app.Content().Create(context.Background(), actor, collections.MediaSlug, map[string]any{"alt": "Ada"}, content.WriteOptions{Attachment: media.Preset(map[string]any{"url": "/api/media/file/ada.png", "filename": "ada.png", "mimeType": "image/png", "filesize": 10.0})})
		if err != nil {
			t.Fatal(err)
		}
		e.set("page", idOf(page.Doc))
		e.set("photo", idOf(photo.Doc))
		auth := map[string]string{"Authorization": "JWT " + token}
		body := map[string]any{"root": map[string]any{"type": "root", "format": "", "indent": 0, "version": 1, "direction": "ltr",
			"children": []any{map[string]any{"type": "paragraph", "format": "", "indent": 0, "version": 1, "direction": "ltr",
				"children": []any{map[string]any{"type": "text", "text": "Great", "format": 0, "detail": 0, "mode": "normal", "style": "", "version": 1}}}}}}
		runScenarios(t, e, []Scenario{
			{Name: "create needs a user", Method: "POST", Path: "/api/testimonials", Body: map[string]any{"author": "x"}, WantStatus: 403},
			{Name: "required author", Method: "POST", Path: "/api/testimonials", Headers: auth, Body: map[string]any{"rating": "5"}, WantStatus: 400,
				WantJSON: `{"errors":[{"name":"ValidationError","data":{"collection":"testimonials","errors":[{"path":"author","message":"This field is required."}]}}]}`},
			{Name: "bad select and too many rows", Method: "POST", Path: "/api/testimonials", Headers: auth,
				Body: map[string]any{"author": "Ada", "rating": "9", "highlights": []any{map[string]any{"text": "a"}, map[string]any{"text": "b"}, map[string]any{"text": "c"}, map[string]any{"text": "d"}}}, WantStatus: 400,
				WantJSON: `{"errors":[{"name":"ValidationError","data":{"errors":[{"path":"rating"},{"path":"highlights","message":"This field can only have up to 3 rows."}]}}]}`},
			{Name: "create published", Method: "POST", Path: "/api/testimonials?depth=1", Headers: map[string]string{"Authorization": "JWT " + token, "Content-Type": "application/json"},
				Body:       `{"author":"Ada Lovelace","rating":"5","page":{{page}},"photo":{{photo}},"highlights":[{"text":"Fast"}],"_status":"published","body":` + mustJSON(t, body) + `}`,
				WantStatus: 201,
				WantJSON:   `{"message":"Testimonial successfully created.","doc":{"id":"<id>","author":"Ada Lovelace","rating":"5","_status":"published","page":{"title":"Home"},"photo":{"alt":"Ada"},"highlights":[{"id":"<string>","text":"Fast"}]}}`,
				After:      func(t *testing.T, e *env, res *response) { e.set("t1", res.str(t, "doc.id")) }},
			{Name: "create a draft", Method: "POST", Path: "/api/testimonials?draft=true", Headers: auth, Body: map[string]any{"author": "Grace"}, WantStatus: 201},
			{Name: "anonymous find sees published only, sorted by an indexed field", Path: "/api/testimonials?sort=author&depth=0",
				WantStatus: 200, WantJSON: `{"totalDocs":1,"docs":[{"author":"Ada Lovelace","page":"<id>"}]}`},
			{Name: "signed-in find with where on the select", Path: "/api/testimonials?where[rating][equals]=5&depth=0", Headers: auth,
				WantStatus: 200, WantJSON: `{"totalDocs":1}`},
			{Name: "like on the searched field", Path: "/api/testimonials?where[author][like]=lovel&depth=0", Headers: auth,
				WantStatus: 200, WantJSON: `{"totalDocs":1}`},
			{Name: "query through the relation", Path: "/api/testimonials?where[page.title][equals]=Home&depth=0",
				WantStatus: 200, WantJSON: `{"totalDocs":1}`},
			{Name: "unknown field is a QueryError", Path: "/api/testimonials?where[nope][equals]=1", WantStatus: 400,
				WantJSON: `{"errors":[{"name":"QueryError"}]}`},
			{Name: "sort on a plain field is refused", Path: "/api/testimonials?sort=body", WantStatus: 400},
			{Name: "update keeps a version", Method: "PATCH", Path: "/api/testimonials/{{t1}}?depth=0", Headers: auth,
				Body: map[string]any{"rating": "4"}, WantStatus: 200, WantJSON: `{"doc":{"rating":"4","author":"Ada Lovelace"}}`},
			{Name: "versions", Path: "/api/testimonials/versions?where[parent][equals]={{t1}}&depth=0", Headers: auth,
				WantStatus: 200, WantJSON: `{"totalDocs":2}`},
			{Name: "count", Path: "/api/testimonials/count", Headers: auth, WantStatus: 200, WantJSON: `{"totalDocs":2}`},
			{Name: "deleting the page detaches it", Method: "DELETE", Path: "/api/pages/{{page}}", Headers: auth, WantStatus: 200},
			{Name: "the relation is gone", Path: "/api/testimonials/{{t1}}?depth=0", Headers: auth, WantStatus: 200, WantJSON: `{"page":null}`},
			{Name: "access lists it", Path: "/api/access", Headers: auth, WantStatus: 200,
				WantJSON: `{"collections":{"testimonials":{"create":true,"read":true,"update":true,"delete":true,"readVersions":true}}}`},
			{Name: "anonymous access reads published only", Path: "/api/access", WantStatus: 200,
				WantJSON: `{"collections":{"testimonials":{"read":{"permission":true,"where":{"_status":{"equals":"published"}}}}}}`},
			{Name: "OpenAPI describes it", Path: "/api/openapi.json", WantStatus: 200,
				WantJSON: `{"paths":{"/api/testimonials":{"get":{"operationId":"findTestimonial"},"post":{}},"/api/testimonials/{id}":{"patch":{}},"/api/testimonials/versions":{"get":{}}},"components":{"schemas":{"Testimonial":{"required":["id","author","updatedAt","createdAt"],"properties":{"rating":{"enum":["1","2","3","4","5"]},"highlights":{"type":["array","null"]}}}}}}`},
			{Name: "delete", Method: "DELETE", Path: "/api/testimonials/{{t1}}", Headers: auth, WantStatus: 200},
		})
	})
}

func idOf(d content.Doc) string {
	id, _ := content.RelationID(d["id"])
	return strconv.FormatInt(id, 10)
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
