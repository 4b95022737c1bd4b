package apitest

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/automatonic/chronos/app/collections"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
)

const allowedOrigin = "http://allowed.example"

// lexical returns a one-paragraph Lexical document.
func lexical(text string) string {
	return `{"root":{"type":"root","format":"","indent":0,"version":1,"direction":"ltr","children":[{"type":"paragraph","format":"","indent":0,"version":1,"direction":"ltr","textFormat":0,"textStyle":"","children":[{"type":"text","detail":0,"format":0,"mode":"normal","style":"","text":` + strconv.Quote(text) + `,"version":1}]}]}}`
}

// seedContent creates the users, media and pages the content scenarios
// query, and sets {{admin}}, {{editor}} (tokens) and {{home}}, {{about}},
// {{alpha}}, {{beta}}, {{secret}}, {{hero}}, {{notes}} (ids).
func seedContent(t *testing.T, e *env) {
	t.Helper()
	adminID := e.createUser(t, "admin@example.com", "admin-pass-123", "Admin", "admin")
	e.createUser(t, "editor@example.com", "editor-pass-123", "Editor", "editor")
	e.set("admin", e.login(t, "admin@example.com", "admin-pass-123"))
	e.set("editor", e.login(t, "editor@example.com", "editor-pass-123"))
	e.set("adminID", strconv.FormatInt(adminID, 10))

	actor := &content.Actor{ID: adminID, Email: "admin@example.com", Roles: []string{content.RoleAdmin}}
	n := func(v int) json.Number { return json.Number(strconv.Itoa(v)) }
	uploads := []struct {
		key           string
		input, system map[string]any
	}{
		{"hero", map[string]any{"alt": "Hero image", "focalX": n(50), "focalY": n(50)}, map[string]any{
			"url": "/api/media/file/hero.png", "thumbnailURL": "/api/media/file/hero-400x300.png", "filename": "hero.png",
			"mimeType": "image/png", "filesize": n(126431), "width": n(1200), "height": n(800),
			"sizes": map[string]any{"thumbnail": map[string]any{"url": "/api/media/file/hero-400x300.png", "width": n(400), "height": n(300), "mimeType": "image/png", "filesize": n(97926), "filename": "hero-400x300.png"}},
		}},
		{"notes", map[string]any{"alt": "Notes"}, map[string]any{
			"url": "/api/media/file/notes.txt", "filename": "notes.txt", "mimeType": "text/plain", "filesize": n(47),
		}},
	}
	for _, m := range uploads {
		res, err := e.app.Content().Create(context.Background(), actor, collections.MediaSlug, m.input, content.WriteOptions{Attachment: media.Preset(m.system)})
		if err != nil {
			t.Fatalf("seed media %s: %v", m.key, err)
		}
		e.set(m.key, fmt.Sprint(res.Doc["id"]))
	}
	pages := []struct{ key, body string }{
		{"home", `{"title":"Home","slug":"home","_status":"published","publishedAt":"2026-01-15T10:00:00.000Z",
			"heroImage":{{hero}},"author":{{adminID}},"content":` + lexical("Welcome home") + `,
			"meta":{"title":"Home meta","description":"The home page","image":{{hero}}},
			"layout":[{"blockType":"hero","heading":"Big hero","media":{{hero}}},{"blockType":"content","richText":` + lexical("Block text") + `}]}`},
		{"about", `{"title":"About us","slug":"about","_status":"published","publishedAt":"2026-02-01T00:00:00.000Z","related":[{{home}}]}`},
		{"alpha", `{"title":"Blog alpha","slug":"blog-alpha","_status":"published","publishedAt":"2026-03-01T08:00:00.000Z","related":[{{home}},{{about}}]}`},
		{"beta", `{"title":"Blog beta","slug":"blog-beta","_status":"published","publishedAt":"2026-03-02T08:00:00.000Z"}`},
		{"secret", `{"title":"Secret draft","slug":"secret-draft"}`},
	}
	for _, p := range pages {
		res := e.do(t, request{Method: "POST", Path: "/api/pages?depth=0", Body: p.body,
			Headers: map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}})
		if res.Status != 201 {
			t.Fatalf("seed page %s: %d %s", p.key, res.Status, truncate(string(res.Raw), 800))
		}
		e.set(p.key, res.str(t, "doc.id"))
	}
}

// previewH are the headers of @payloadcms/live-preview's populate request,
// with an Authorization value unless auth is "".
func previewH(auth string) map[string]string {
	h := map[string]string{"X-Payload-HTTP-Method-Override": "GET", "Content-Type": "application/json"}
	if auth != "" {
		h["Authorization"] = auth
	}
	return h
}

var (
	adminH  = map[string]string{"Authorization": "JWT {{admin}}"}
	editorH = map[string]string{"Authorization": "JWT {{editor}}"}
)

// slugs is the expected docs of a list, as {slug} objects in order.
func slugs(ss ...string) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = `{"slug":"` + s + `"}`
	}
	return `[` + strings.Join(parts, ",") + `]`
}

// list expects a list answer with exactly these slugs (default sort:
// newest first).
func list(ss ...string) string {
	return fmt.Sprintf(`{"docs":%s,"totalDocs":%d}`, slugs(ss...), len(ss))
}

func queryError(path string) string {
	return `{"errors":[{"name":"QueryError","data":[{"path":"` + path + `"}],"message":"The following path cannot be queried: ` + path + `"}]}`
}

// TestContentScenarios covers the REST dialect of issue 4 on both
// dialects: every where operator, and/or nesting, dotted paths, pagination
// edge cases, depth and population, select/populate, drafts, versions,
// bulk operations with partial failure, duplicate, error envelopes, method
// override, CORS and gzip.
func TestContentScenarios(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, map[string]string{contract.CMSCORSOrigins: allowedOrigin})
		seedContent(t, e)
		t.Run("where", func(t *testing.T) { runScenarios(t, e, whereScenarios()) })
		t.Run("pagination", func(t *testing.T) { runScenarios(t, e, paginationScenarios()) })
		t.Run("depth-select", func(t *testing.T) { runScenarios(t, e, depthScenarios()) })
		t.Run("drafts-versions", func(t *testing.T) { runScenarios(t, e, draftScenarios()) })
		t.Run("bulk", func(t *testing.T) { runScenarios(t, e, bulkScenarios()) })
		t.Run("errors", func(t *testing.T) { runScenarios(t, e, errorScenarios()) })
		t.Run("http", func(t *testing.T) { runScenarios(t, e, httpScenarios()) })
	})
}

func whereScenarios() []Scenario {
	sel := "&depth=0&select[slug]=true"
	return []Scenario{
		{Name: "equals", Path: "/api/pages?where[slug][equals]=home" + sel, WantStatus: 200, WantJSON: list("home")},
		{Name: "equals percent-encoded", Path: "/api/pages?where%5Bslug%5D%5Bequals%5D=home" + sel, WantStatus: 200, WantJSON: list("home")},
		{Name: "not_equals anonymous sees published only", Path: "/api/pages?where[slug][not_equals]=home" + sel, WantStatus: 200, WantJSON: list("blog-beta", "blog-alpha", "about")},
		{Name: "not_equals logged in sees drafts", Path: "/api/pages?where[slug][not_equals]=home" + sel, Headers: adminH, WantStatus: 200, WantJSON: list("secret-draft", "blog-beta", "blog-alpha", "about")},
		{Name: "in comma list", Path: "/api/pages?where[slug][in]=home,about" + sel, WantStatus: 200, WantJSON: list("about", "home")},
		{Name: "in indexed", Path: "/api/pages?where[slug][in][0]=home&where[slug][in][1]=blog-beta" + sel, WantStatus: 200, WantJSON: list("blog-beta", "home")},
		{Name: "not_in", Path: "/api/pages?where[slug][not_in]=home,about" + sel, WantStatus: 200, WantJSON: list("blog-beta", "blog-alpha")},
		{Name: "all on hasMany", Path: "/api/pages?where[related][all]={{home}},{{about}}" + sel, WantStatus: 200, WantJSON: list("blog-alpha")},
		{Name: "in on hasMany", Path: "/api/pages?where[related][in]={{home}}" + sel, WantStatus: 200, WantJSON: list("blog-alpha", "about")},
		{Name: "equals on hasMany", Path: "/api/pages?where[related][equals]={{about}}" + sel, WantStatus: 200, WantJSON: list("blog-alpha")},
		{Name: "id in", Path: "/api/pages?where[id][in]={{home}},{{beta}}" + sel, WantStatus: 200, WantJSON: list("blog-beta", "home")},
		{Name: "exists true", Path: "/api/pages?where[heroImage][exists]=true" + sel, WantStatus: 200, WantJSON: list("home")},
		{Name: "exists false", Path: "/api/pages?where[heroImage][exists]=false" + sel, WantStatus: 200, WantJSON: list("blog-beta", "blog-alpha", "about")},
		{Name: "greater_than date", Path: "/api/pages?where[publishedAt][greater_than]=2026-02-01T00:00:00.000Z" + sel, WantStatus: 200, WantJSON: list("blog-beta", "blog-alpha")},
		{Name: "greater_than_equal date", Path: "/api/pages?where[publishedAt][greater_than_equal]=2026-02-01T00:00:00.000Z" + sel, WantStatus: 200, WantJSON: list("blog-beta", "blog-alpha", "about")},
		{Name: "less_than date", Path: "/api/pages?where[publishedAt][less_than]=2026-02-01T00:00:00.000Z" + sel, WantStatus: 200, WantJSON: list("home")},
		{Name: "less_than_equal date", Path: "/api/pages?where[publishedAt][less_than_equal]=2026-02-01" + sel, WantStatus: 200, WantJSON: list("about", "home")},
		{Name: "greater_than id", Path: "/api/pages?where[id][greater_than]={{alpha}}" + sel, WantStatus: 200, WantJSON: list("blog-beta")},
		{Name: "like every word any order case-insensitive", Path: "/api/pages?where[title][like]=ALPHA%20blog" + sel, WantStatus: 200, WantJSON: list("blog-alpha")},
		{Name: "like one word", Path: "/api/pages?where[title][like]=blog" + sel, WantStatus: 200, WantJSON: list("blog-beta", "blog-alpha")},
		{Name: "not_like", Path: "/api/pages?where[title][not_like]=blog" + sel, WantStatus: 200, WantJSON: list("about", "home")},
		{Name: "contains substring case-insensitive", Path: "/api/pages?where[title][contains]=OG%20AL" + sel, WantStatus: 200, WantJSON: list("blog-alpha")},
		{Name: "contains no match", Path: "/api/pages?where[title][contains]=alpha%20blog" + sel, WantStatus: 200, WantJSON: list()},
		{Name: "or", Path: "/api/pages?where[or][0][slug][equals]=home&where[or][1][slug][equals]=about" + sel, WantStatus: 200, WantJSON: list("about", "home")},
		{Name: "and inside or", Path: "/api/pages?where[or][0][and][0][title][like]=blog&where[or][0][and][1][publishedAt][greater_than]=2026-03-01T12:00:00Z&where[or][1][slug][equals]=home" + sel,
			WantStatus: 200, WantJSON: list("blog-beta", "home")},
		{Name: "or inside and", Path: "/api/pages?where[and][0][or][0][slug][equals]=home&where[and][0][or][1][slug][equals]=about&where[and][1][related][exists]=true" + sel,
			WantStatus: 200, WantJSON: list("about")},
		{Name: "top-level conditions are ANDed", Path: "/api/pages?where[title][like]=blog&where[publishedAt][less_than]=2026-03-02T00:00:00Z" + sel, WantStatus: 200, WantJSON: list("blog-alpha")},
		{Name: "dotted group path", Path: "/api/pages?where[meta.title][equals]=Home%20meta" + sel, WantStatus: 200, WantJSON: list("home")},
		{Name: "dotted upload join", Path: "/api/pages?where[heroImage.alt][like]=hero" + sel, WantStatus: 200, WantJSON: list("home")},
		{Name: "dotted relation join", Path: "/api/pages?where[related.slug][equals]=home" + sel, WantStatus: 200, WantJSON: list("blog-alpha", "about")},
		{Name: "dotted group upload join", Path: "/api/pages?where[meta.image.mimeType][equals]=image/png" + sel, WantStatus: 200, WantJSON: list("home")},
		{Name: "join cannot see drafts anonymously", Path: "/api/pages?where[related.slug][equals]=secret-draft" + sel, WantStatus: 200, WantJSON: list()},
		{Name: "blocks blockType", Path: "/api/pages?where[layout.blockType][equals]=hero" + sel, WantStatus: 200, WantJSON: list("home")},
		{Name: "blocks field", Path: "/api/pages?where[layout.heading][equals]=Big%20hero" + sel, WantStatus: 200, WantJSON: list("home")},
		{Name: "status draft anonymous", Path: "/api/pages?where[_status][equals]=draft" + sel, WantStatus: 200, WantJSON: list()},
		{Name: "status draft logged in", Path: "/api/pages?where[_status][equals]=draft" + sel, Headers: adminH, WantStatus: 200, WantJSON: list("secret-draft")},
		{Name: "count", Path: "/api/pages/count?where[_status][equals]=published", Headers: adminH, WantStatus: 200, WantJSON: `{"totalDocs":4}`},
		{Name: "count anonymous", Path: "/api/pages/count", WantStatus: 200, WantJSON: `{"totalDocs":4}`},
		{Name: "sort by title", Path: "/api/pages?sort=title" + sel, WantStatus: 200, WantJSON: list("about", "blog-alpha", "blog-beta", "home")},
		{Name: "sort multiple", Path: "/api/pages?sort=-publishedAt,title" + sel, WantStatus: 200, WantJSON: list("blog-beta", "blog-alpha", "about", "home")},
	}
}

func paginationScenarios() []Scenario {
	sel := "&depth=0&select[slug]=true"
	return []Scenario{
		{Name: "default envelope", Path: "/api/pages?depth=0", WantStatus: 200, WantJSON: `{"hasNextPage":false,"hasPrevPage":false,"limit":10,"nextPage":null,"page":1,"pagingCounter":1,"prevPage":null,"totalDocs":4,"totalPages":1}`},
		{Name: "page 2 of 2", Path: "/api/pages?limit=3&page=2" + sel, WantStatus: 200,
			WantJSON: `{"docs":[{"slug":"home"}],"hasNextPage":false,"hasPrevPage":true,"limit":3,"nextPage":null,"page":2,"pagingCounter":4,"prevPage":1,"totalDocs":4,"totalPages":2}`},
		{Name: "page 1 of 2", Path: "/api/pages?limit=3" + sel, WantStatus: 200,
			WantJSON: `{"hasNextPage":true,"hasPrevPage":false,"limit":3,"nextPage":2,"page":1,"pagingCounter":1,"prevPage":null,"totalPages":2}`},
		{Name: "page past the end", Path: "/api/pages?limit=2&page=99" + sel, WantStatus: 200,
			WantJSON: `{"docs":[],"hasNextPage":false,"hasPrevPage":true,"limit":2,"nextPage":null,"page":99,"pagingCounter":197,"prevPage":98,"totalDocs":4,"totalPages":2}`},
		{Name: "limit=0 returns all", Path: "/api/pages?limit=0" + sel, WantStatus: 200,
			WantJSON: `{"docs":` + slugs("blog-beta", "blog-alpha", "about", "home") + `,"hasNextPage":false,"hasPrevPage":false,"limit":0,"nextPage":null,"page":1,"pagingCounter":1,"prevPage":null,"totalDocs":4,"totalPages":1}`},
		{Name: "pagination=false returns all", Path: "/api/pages?pagination=false&limit=1" + sel, WantStatus: 200,
			WantJSON: `{"docs":` + slugs("blog-beta", "blog-alpha", "about", "home") + `,"limit":0,"page":1,"totalPages":1,"hasNextPage":false}`},
		{Name: "empty result", Path: "/api/pages?where[slug][equals]=nope" + sel, WantStatus: 200,
			WantJSON: `{"docs":[],"hasNextPage":false,"hasPrevPage":false,"limit":10,"nextPage":null,"page":1,"pagingCounter":1,"prevPage":null,"totalDocs":0,"totalPages":1}`},
		{Name: "bad limit", Path: "/api/pages?limit=abc", WantStatus: 400, WantJSON: `{"errors":[{"message":"<string>"}]}`},
		{Name: "media list", Path: "/api/media?limit=1", WantStatus: 200, WantJSON: `{"docs":[{"id":{{notes}},"alt":"Notes"}],"totalDocs":2,"totalPages":2,"hasNextPage":true,"nextPage":2}`},
		{Name: "users list is admin-only in full", Path: "/api/users?sort=id", Headers: adminH, WantStatus: 200,
			WantJSON: `{"docs":[{"email":"admin@example.com","collection":"users","hash":"<absent>","salt":"<absent>"},{"email":"editor@example.com"}],"totalDocs":2}`},
	}
}

const heroDoc = `{"id":{{hero}},"alt":"Hero image","url":"/api/media/file/hero.png","thumbnailURL":"/api/media/file/hero-400x300.png","filename":"hero.png","mimeType":"image/png","filesize":126431,"width":1200,"height":800,"focalX":50,"focalY":50,"sizes":{"thumbnail":{"url":"/api/media/file/hero-400x300.png","width":400,"height":300,"mimeType":"image/png","filesize":97926,"filename":"hero-400x300.png"}},"createdAt":"<date>","updatedAt":"<date>"}`

func depthScenarios() []Scenario {
	return []Scenario{
		{Name: "depth 0 keeps ids", Path: "/api/pages/{{home}}?depth=0", WantStatus: 200,
			WantJSON: `{"id":{{home}},"heroImage":{{hero}},"author":{{adminID}},"meta":{"title":"Home meta","description":"The home page","image":{{hero}}},"related":[],
				"layout":[{"blockType":"hero","heading":"Big hero","media":{{hero}},"id":"<string>"},{"blockType":"content","id":"<string>"}],"_status":"published","publishedAt":"2026-01-15T10:00:00.000Z"}`},
		{Name: "depth 1 populates uploads; users stay ids for anonymous", Path: "/api/pages/{{home}}?depth=1", WantStatus: 200,
			WantJSON: `{"heroImage":` + heroDoc + `,"author":{{adminID}},"meta":{"image":{"id":{{hero}},"alt":"Hero image","filename":"hero.png"}},"layout":[{"media":{"id":{{hero}},"alt":"Hero image"}},{"blockType":"content"}]}`},
		{Name: "depth 1 populates the author for a logged-in reader", Path: "/api/pages/{{home}}?depth=1", Headers: adminH, WantStatus: 200,
			WantJSON: `{"author":{"id":{{adminID}},"email":"admin@example.com","name":"Admin","collection":"users","hash":"<absent>","salt":"<absent>","password":"<absent>"}}`},
		{Name: "default depth is 2", Path: "/api/pages/{{alpha}}", WantStatus: 200,
			WantJSON: `{"related":[{"id":{{home}},"slug":"home","heroImage":{"id":{{hero}},"alt":"Hero image"}},{"id":{{about}},"related":[{"id":{{home}},"heroImage":{{hero}}}]}]}`},
		{Name: "depth 1 nested relations stay ids", Path: "/api/pages/{{alpha}}?depth=1", WantStatus: 200,
			WantJSON: `{"related":[{"id":{{home}},"heroImage":{{hero}}},{"id":{{about}},"related":[{{home}}]}]}`},
		{Name: "depth 2 nested upload embedded", Path: "/api/pages/{{about}}?depth=2", WantStatus: 200,
			WantJSON: `{"related":[{"id":{{home}},"heroImage":` + heroDoc + `}]}`},
		{Name: "list at depth 1", Path: "/api/pages?where[slug][equals]=home&depth=1", WantStatus: 200,
			WantJSON: `{"docs":[{"heroImage":{"id":{{hero}},"filename":"hero.png"}}],"totalDocs":1}`},
		{Name: "draft relation hidden from anonymous stays id", Setup: func(t *testing.T, e *env) {
			res := e.do(t, request{Method: "PATCH", Path: "/api/pages/{{beta}}?depth=0", Body: `{"related":[{{secret}}]}`, Headers: map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}})
			if res.Status != 200 {
				t.Fatalf("setup: %d %s", res.Status, res.Raw)
			}
		}, Path: "/api/pages/{{beta}}?depth=1", WantStatus: 200, WantJSON: `{"related":[{{secret}}]}`},
		{Name: "select include", Path: "/api/pages/{{home}}?select[title]=true&select[meta][title]=true", WantStatus: 200,
			WantJSON: `{"id":{{home}},"title":"Home","meta":{"title":"Home meta","description":"<absent>"},"slug":"<absent>","content":"<absent>","heroImage":"<absent>"}`},
		{Name: "select exclude", Path: "/api/pages/{{home}}?select[content]=false&select[layout]=false&depth=0", WantStatus: 200,
			WantJSON: `{"id":{{home}},"title":"Home","slug":"home","content":"<absent>","layout":"<absent>","heroImage":{{hero}}}`},
		{Name: "select in a list", Path: "/api/pages?where[slug][equals]=home&select[title]=true", WantStatus: 200,
			WantJSON: `{"docs":[{"id":{{home}},"title":"Home","slug":"<absent>"}]}`},
		{Name: "populate restricts populated fields", Path: "/api/pages/{{home}}?depth=1&select[heroImage]=true&populate[media][filename]=true&populate[media][url]=true", WantStatus: 200,
			WantJSON: `{"id":{{home}},"heroImage":{"id":{{hero}},"filename":"hero.png","url":"/api/media/file/hero.png","alt":"<absent>","sizes":"<absent>"},"title":"<absent>"}`},
		{Name: "rich text html on request", Path: "/api/pages/{{home}}?depth=0&richText=html&select[content]=true", WantStatus: 200,
			WantJSON: `{"id":{{home}},"content":{"root":{"type":"root"}}}`,
			After: func(t *testing.T, e *env, res *response) {
				// select happens after decoration; the HTML field is only
				// present without select, check it without.
				r2 := e.do(t, request{Method: "GET", Path: "/api/pages/{{home}}?depth=0&richText=html"})
				html, _ := dig(r2.JSON, "content_html").(string)
				if !strings.Contains(html, "Welcome home") {
					t.Errorf("content_html = %q", html)
				}
			}},
		{Name: "media by id is public", Path: "/api/media/{{hero}}", WantStatus: 200, WantJSON: heroDoc},
	}
}

func draftScenarios() []Scenario {
	jsonAdmin := map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}
	return []Scenario{
		{Name: "create without status is a draft", Method: "POST", Path: "/api/pages?depth=0", Headers: jsonAdmin, Body: `{"title":"Versioned","slug":"versioned"}`,
			WantStatus: 201, WantJSON: `{"doc":{"id":"<id>","title":"Versioned","_status":"draft"},"message":"Page successfully created."}`,
			After: func(t *testing.T, e *env, res *response) { e.set("versioned", res.str(t, "doc.id")) }},
		{Name: "draft-only doc is 404 for anonymous", Path: "/api/pages/{{versioned}}", WantStatus: 404, WantJSON: `{"errors":[{"message":"Not Found"}]}`},
		{Name: "draft-only doc visible when logged in", Path: "/api/pages/{{versioned}}", Headers: editorH, WantStatus: 200, WantJSON: `{"title":"Versioned","_status":"draft"}`},
		{Name: "publish", Method: "PATCH", Path: "/api/pages/{{versioned}}?depth=0", Headers: jsonAdmin, Body: `{"_status":"published"}`,
			WantStatus: 200, WantJSON: `{"doc":{"id":{{versioned}},"title":"Versioned","_status":"published"},"message":"Updated successfully."}`},
		{Name: "save a draft over the published doc", Method: "PATCH", Path: "/api/pages/{{versioned}}?draft=true&depth=0", Headers: jsonAdmin, Body: `{"title":"Versioned (draft)","_status":"draft"}`,
			WantStatus: 200, WantJSON: `{"doc":{"id":{{versioned}},"title":"Versioned (draft)","_status":"draft"},"message":"Draft saved successfully."}`},
		{Name: "published read unchanged", Path: "/api/pages/{{versioned}}", Headers: adminH, WantStatus: 200, WantJSON: `{"title":"Versioned","_status":"published"}`},
		{Name: "anonymous read unchanged", Path: "/api/pages/{{versioned}}", WantStatus: 200, WantJSON: `{"title":"Versioned","_status":"published"}`},
		{Name: "draft=true reads the draft", Path: "/api/pages/{{versioned}}?draft=true", Headers: adminH, WantStatus: 200, WantJSON: `{"id":{{versioned}},"title":"Versioned (draft)","_status":"draft"}`},
		{Name: "draft=true ignored for anonymous", Path: "/api/pages/{{versioned}}?draft=true", WantStatus: 200, WantJSON: `{"title":"Versioned"}`},
		{Name: "list with draft=true shows drafts", Path: "/api/pages?where[slug][equals]=versioned&draft=true&depth=0", Headers: adminH, WantStatus: 200, WantJSON: `{"docs":[{"title":"Versioned (draft)"}]}`},
		// draft=true on a find queries the latest versions (Payload's
		// queryDrafts): what the draft says is what matches.
		{Name: "list with draft=true matches the draft, not the published row", Path: "/api/pages?where[title][equals]=Versioned&draft=true&depth=0", Headers: adminH, WantStatus: 200, WantJSON: `{"docs":[],"totalDocs":0}`},
		{Name: "list with draft=true finds by the draft's title", Path: "/api/pages?where[title][equals]=Versioned%20(draft)&draft=true&depth=0", Headers: editorH, WantStatus: 200, WantJSON: `{"docs":[{"id":{{versioned}},"title":"Versioned (draft)","_status":"draft"}],"totalDocs":1}`},
		{Name: "list without draft matches the published row", Path: "/api/pages?where[title][equals]=Versioned%20(draft)&depth=0", Headers: adminH, WantStatus: 200, WantJSON: `{"docs":[],"totalDocs":0}`},
		{Name: "create a draft-only page", Method: "POST", Path: "/api/pages?draft=true&depth=0", Headers: jsonAdmin, Body: `{"title":"Never published","slug":"never-published"}`,
			WantStatus: 201, WantJSON: `{"doc":{"slug":"never-published","_status":"draft"}}`,
			After: func(t *testing.T, e *env, res *response) { e.set("draftOnly", res.str(t, "doc.id")) }},
		{Name: "rename the draft-only page's slug in a draft", Method: "PATCH", Path: "/api/pages/{{draftOnly}}?draft=true&depth=0", Headers: jsonAdmin, Body: `{"slug":"draft-only-slug","_status":"draft"}`,
			WantStatus: 200, WantJSON: `{"doc":{"slug":"draft-only-slug","_status":"draft"}}`},
		{Name: "draft-only page found by its draft slug", Path: "/api/pages?where[slug][equals]=draft-only-slug&draft=true&depth=0&limit=1", Headers: adminH, WantStatus: 200,
			WantJSON: `{"docs":[{"id":{{draftOnly}},"title":"Never published","slug":"draft-only-slug","_status":"draft"}],"totalDocs":1}`},
		{Name: "draft-only page not found by its old slug with draft=true", Path: "/api/pages?where[slug][equals]=never-published&draft=true&depth=0", Headers: adminH, WantStatus: 200, WantJSON: `{"docs":[],"totalDocs":0}`},
		{Name: "draft slug in and/or with id", Path: "/api/pages?where[or][0][slug][equals]=draft-only-slug&where[or][1][slug][equals]=home&where[id][in]={{draftOnly}},{{home}}&draft=true&depth=0&sort=title", Headers: adminH, WantStatus: 200,
			WantJSON: `{"docs":[{"slug":"home"},{"slug":"draft-only-slug"}],"totalDocs":2}`},
		{Name: "draft slug anonymous with draft=true is not found", Path: "/api/pages?where[slug][equals]=draft-only-slug&draft=true&depth=0", WantStatus: 200, WantJSON: `{"docs":[],"totalDocs":0}`},
		{Name: "draft slug anonymous by id with draft=true is 404", Path: "/api/pages/{{draftOnly}}?draft=true", WantStatus: 404},
		{Name: "draft=true where on an unknown path is a QueryError", Path: "/api/pages?where[nope][equals]=x&draft=true", Headers: adminH, WantStatus: 400, WantJSON: queryError("nope")},
		{Name: "create draft without title via draft=true", Method: "POST", Path: "/api/pages?draft=true&depth=0", Headers: jsonAdmin, Body: `{"slug":"untitled-draft"}`,
			WantStatus: 201, WantJSON: `{"doc":{"title":null,"slug":"untitled-draft","_status":"draft"}}`},
		{Name: "versions list", Path: "/api/pages/versions?where[parent][equals]={{versioned}}&sort=-updatedAt&depth=0", Headers: adminH, WantStatus: 200,
			WantJSON: `{"docs":[
				{"id":"<id>","parent":{{versioned}},"latest":true,"version":{"title":"Versioned (draft)","_status":"draft","id":"<absent>"},"createdAt":"<date>","updatedAt":"<date>"},
				{"id":"<id>","parent":{{versioned}},"latest":false,"version":{"title":"Versioned","_status":"published"}},
				{"id":"<id>","parent":{{versioned}},"latest":false,"version":{"title":"Versioned","_status":"draft"}}],
				"totalDocs":3,"limit":10,"page":1}`,
			After: func(t *testing.T, e *env, res *response) {
				e.set("vPublished", res.str(t, "docs.1.id"))
				e.set("vDraft", res.str(t, "docs.0.id"))
			}},
		{Name: "versions where on version fields", Path: "/api/pages/versions?where[version.title][equals]=Versioned%20(draft)&depth=0", Headers: adminH, WantStatus: 200,
			WantJSON: `{"totalDocs":1,"docs":[{"parent":{{versioned}}}]}`},
		{Name: "versions anonymous", Path: "/api/pages/versions", WantStatus: 403, WantJSON: `{"errors":[{"message":"You are not allowed to perform this action."}]}`},
		{Name: "version by id", Path: "/api/pages/versions/{{vPublished}}?depth=0", Headers: adminH, WantStatus: 200,
			WantJSON: `{"id":{{vPublished}},"parent":{{versioned}},"version":{"title":"Versioned","_status":"published"},"latest":false}`},
		{Name: "version by id anonymous", Path: "/api/pages/versions/{{vPublished}}", WantStatus: 403},
		{Name: "version 404", Path: "/api/pages/versions/999999", Headers: adminH, WantStatus: 404, WantJSON: `{"errors":[{"message":"Not Found"}]}`},
		{Name: "restore", Method: "POST", Path: "/api/pages/versions/{{vPublished}}?depth=0", Headers: adminH, WantStatus: 200,
			WantJSON: `{"id":{{versioned}},"title":"Versioned","_status":"published","message":"Restored Successfully."}`},
		{Name: "restored is current", Path: "/api/pages/{{versioned}}?draft=true", Headers: adminH, WantStatus: 200, WantJSON: `{"title":"Versioned","_status":"published"}`},
		{Name: "restore adds a version", Path: "/api/pages/versions?where[parent][equals]={{versioned}}&depth=0", Headers: adminH, WantStatus: 200, WantJSON: `{"totalDocs":4}`},
		{Name: "restore anonymous", Method: "POST", Path: "/api/pages/versions/{{vDraft}}", WantStatus: 403},
		{Name: "duplicate", Method: "POST", Path: "/api/pages/{{home}}/duplicate?depth=0", Headers: adminH, WantStatus: 201,
			WantJSON: `{"doc":{"id":"<id>","title":"Home","slug":"home-copy","_status":"draft","heroImage":{{hero}}},"message":"Page successfully created."}`},
		{Name: "duplicate again gets a fresh slug", Method: "POST", Path: "/api/pages/{{home}}/duplicate?depth=0", Headers: adminH, WantStatus: 201,
			WantJSON: `{"doc":{"slug":"home-copy-2","_status":"draft"}}`},
		{Name: "duplicate anonymous", Method: "POST", Path: "/api/pages/{{home}}/duplicate", WantStatus: 403},
		{Name: "duplicate 404", Method: "POST", Path: "/api/pages/999999/duplicate", Headers: adminH, WantStatus: 404},
	}
}

func bulkScenarios() []Scenario {
	jsonAdmin := map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}
	create := func(slug string) func(t *testing.T, e *env) {
		return func(t *testing.T, e *env) {
			res := e.do(t, request{Method: "POST", Path: "/api/pages?depth=0", Headers: jsonAdmin, Body: `{"title":"Bulk ` + slug + `","slug":"` + slug + `","_status":"published"}`})
			if res.Status != 201 {
				t.Fatalf("setup create %s: %d %s", slug, res.Status, res.Raw)
			}
			e.set(slug, res.str(t, "doc.id"))
		}
	}
	return []Scenario{
		{Name: "bulk update", Setup: func(t *testing.T, e *env) { create("bulk-a")(t, e); create("bulk-b")(t, e) },
			Method: "PATCH", Path: "/api/pages?where[slug][in]=bulk-a,bulk-b&depth=0", Headers: jsonAdmin, Body: `{"meta":{"description":"bulk edited"}}`,
			WantStatus: 200, WantJSON: `{"docs":[{"id":{{bulk-b}},"meta":{"description":"bulk edited"}},{"id":{{bulk-a}},"meta":{"description":"bulk edited"}}],"errors":[],"message":"Updated 2 Pages successfully."}`},
		{Name: "bulk update partial failure reports each document", Method: "PATCH", Path: "/api/pages?where[slug][in]=bulk-a,bulk-b&depth=0", Headers: jsonAdmin, Body: `{"slug":"bulk-same"}`,
			WantStatus: 400, WantJSON: `{"docs":[{"id":{{bulk-b}},"slug":"bulk-same"}],"errors":[{"id":{{bulk-a}},"isPublic":true,"message":"The following field is invalid: slug"}],"message":"Unable to update 1 out of 2 Pages."}`},
		{Name: "failed document unchanged", Path: "/api/pages/{{bulk-a}}?depth=0", Headers: adminH, WantStatus: 200, WantJSON: `{"slug":"bulk-a"}`},
		{Name: "bulk update validation error per document", Method: "PATCH", Path: "/api/pages?where[slug][in]=bulk-a,bulk-same&depth=0", Headers: jsonAdmin, Body: `{"title":""}`,
			WantStatus: 400, WantJSON: `{"docs":[],"errors":[{"id":{{bulk-b}},"isPublic":true,"message":"The following field is invalid: Title"},{"id":{{bulk-a}},"isPublic":true,"message":"The following field is invalid: Title"}],"message":"Unable to update 2 out of 2 Pages."}`},
		{Name: "bulk update no where", Method: "PATCH", Path: "/api/pages", Headers: jsonAdmin, Body: `{"title":"x"}`,
			WantStatus: 400, WantJSON: `{"errors":[{"message":"Missing 'where' query of documents to update."}]}`},
		{Name: "bulk update anonymous", Method: "PATCH", Path: "/api/pages?where[slug][equals]=bulk-a", Body: map[string]any{"title": "x"},
			WantStatus: 403, WantJSON: `{"errors":[{"message":"You are not allowed to perform this action."}]}`},
		{Name: "bulk delete", Method: "DELETE", Path: "/api/pages?where[slug][in]=bulk-a,bulk-same&depth=0", Headers: adminH,
			WantStatus: 200, WantJSON: `{"docs":[{"id":{{bulk-b}}},{"id":{{bulk-a}}}],"errors":[],"message":"Deleted 2 Pages successfully."}`},
		{Name: "bulk delete no match", Method: "DELETE", Path: "/api/pages?where[slug][equals]=bulk-a", Headers: adminH,
			WantStatus: 200, WantJSON: `{"docs":[],"errors":[],"message":"Deleted 0 Pages successfully."}`},
		{Name: "bulk delete no where", Method: "DELETE", Path: "/api/pages", Headers: adminH,
			WantStatus: 400, WantJSON: `{"errors":[{"message":"Missing 'where' query of documents to delete."}]}`},
		{Name: "bulk delete anonymous", Method: "DELETE", Path: "/api/pages?where[slug][equals]=home", WantStatus: 403},
		{Name: "delete by id", Setup: create("to-delete"), Method: "DELETE", Path: "/api/pages/{{to-delete}}?depth=0", Headers: editorH,
			WantStatus: 200, WantJSON: `{"doc":{"id":{{to-delete}},"slug":"to-delete"},"message":"Deleted successfully."}`},
		{Name: "deleted is gone", Path: "/api/pages/{{to-delete}}", Headers: adminH, WantStatus: 404},
		{Name: "deleted versions are gone", Path: "/api/pages/versions?where[parent][equals]={{to-delete}}", Headers: adminH, WantStatus: 200, WantJSON: `{"totalDocs":0}`},
		{Name: "delete 404", Method: "DELETE", Path: "/api/pages/{{to-delete}}", Headers: adminH, WantStatus: 404, WantJSON: `{"errors":[{"message":"Not Found"}]}`},
	}
}

func errorScenarios() []Scenario {
	jsonAdmin := map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}
	valErr := func(path, msg string) string {
		return `{"errors":[{"name":"ValidationError","data":{"collection":"pages","errors":[{"path":"` + path + `","message":` + msg + `}]},"message":"<string>"}]}`
	}
	big := `{"title":"big","slug":"big","meta":{"description":"` + strings.Repeat("x", 3<<20) + `"}}`
	return []Scenario{
		{Name: "malformed where brackets", Path: "/api/pages?where[slug[equals]=home", WantStatus: 400, WantJSON: `{"errors":[{"message":"<string>"}]}`},
		{Name: "unclosed bracket", Path: "/api/pages?where[slug][equals=home", WantStatus: 400, WantJSON: `{"errors":[{"message":"<string>"}]}`},
		{Name: "unknown operator", Path: "/api/pages?where[slug][bogus]=x", WantStatus: 400, WantJSON: queryError("slug.bogus")},
		{Name: "non-queryable path", Path: "/api/pages?where[nope][equals]=x", WantStatus: 400, WantJSON: queryError("nope")},
		{Name: "non-queryable nested path", Path: "/api/pages?where[meta.nope][equals]=x", WantStatus: 400, WantJSON: queryError("meta.nope")},
		{Name: "several bad paths", Path: "/api/pages?where[a][equals]=x&where[b][equals]=y", WantStatus: 400,
			WantJSON: `{"errors":[{"name":"QueryError","data":[{"path":"a"},{"path":"b"}],"message":"The following paths cannot be queried: a, b"}]}`},
		{Name: "hidden auth field not queryable", Path: "/api/users?where[hash][exists]=true", Headers: adminH, WantStatus: 400, WantJSON: queryError("hash")},
		{Name: "greater_than=abc on a date", Path: "/api/pages?where[publishedAt][greater_than]=abc", WantStatus: 400,
			WantJSON: `{"errors":[{"name":"QueryError","data":[{"path":"publishedAt"}],"message":"<string>"}]}`},
		{Name: "exists=maybe", Path: "/api/pages?where[heroImage][exists]=maybe", WantStatus: 400, WantJSON: `{"errors":[{"name":"QueryError"}]}`},
		{Name: "non-numeric relation id in where", Path: "/api/pages?where[heroImage][equals]=abc", WantStatus: 400, WantJSON: `{"errors":[{"name":"QueryError"}]}`},
		{Name: "sort on a non-indexed field", Path: "/api/pages?sort=content", WantStatus: 400, WantJSON: queryError("content")},
		{Name: "duplicate slug", Method: "POST", Path: "/api/pages", Headers: jsonAdmin, Body: `{"title":"Another home","slug":"home"}`, WantStatus: 400,
			WantJSON: `{"errors":[{"name":"ValidationError","data":{"collection":"pages","errors":[{"message":"Value must be unique","path":"slug","tableName":"pages"}]},"message":"The following field is invalid: slug"}]}`},
		{Name: "required title", Method: "POST", Path: "/api/pages", Headers: jsonAdmin, Body: `{"slug":"no-title","_status":"published"}`, WantStatus: 400,
			WantJSON: `{"errors":[{"name":"ValidationError","data":{"collection":"pages","errors":[{"label":"Title","message":"This field is required.","path":"title"}]},"message":"The following field is invalid: Title"}]}`},
		{Name: "required title on PATCH carries the id", Method: "PATCH", Path: "/api/pages/{{home}}", Headers: jsonAdmin, Body: `{"title":""}`, WantStatus: 400,
			WantJSON: `{"errors":[{"name":"ValidationError","data":{"collection":"pages","id":{{home}},"errors":[{"path":"title","message":"This field is required."}]}}]}`},
		{Name: "invalid date", Method: "POST", Path: "/api/pages", Headers: jsonAdmin, Body: `{"title":"Bad date","publishedAt":"not-a-date"}`, WantStatus: 400,
			WantJSON: valErr("publishedAt", `"\"not-a-date\" is not a valid date."`)},
		{Name: "relationship to a missing document", Method: "POST", Path: "/api/pages", Headers: jsonAdmin, Body: `{"title":"Bad rel","heroImage":9999}`, WantStatus: 400,
			WantJSON: valErr("heroImage", `"<string>"`)},
		{Name: "hasMany relationship to a missing document", Method: "POST", Path: "/api/pages", Headers: jsonAdmin, Body: `{"title":"Bad rel","related":[{{home}},9999]}`, WantStatus: 400,
			WantJSON: valErr("related", `"<string>"`)},
		{Name: "rich text that is not Lexical", Method: "POST", Path: "/api/pages", Headers: jsonAdmin, Body: `{"title":"Bad rich text","content":"just a string"}`, WantStatus: 400,
			WantJSON: valErr("content", `"<string>"`)},
		{Name: "rich text with an unknown node", Method: "POST", Path: "/api/pages", Headers: jsonAdmin,
			Body: `{"title":"Bad node","content":{"root":{"type":"root","children":[{"type":"script","children":[]}]}}}`, WantStatus: 400,
			WantJSON: valErr("content", `"<string>"`)},
		{Name: "several invalid fields", Method: "POST", Path: "/api/pages", Headers: jsonAdmin, Body: `{"publishedAt":"nope"}`, WantStatus: 400,
			WantJSON: `{"errors":[{"name":"ValidationError","message":"The following fields are invalid: Title, Published At"}]}`},
		{Name: "invalid JSON", Method: "POST", Path: "/api/pages", Headers: jsonAdmin, Body: `{"title":`, WantStatus: 400, WantJSON: `{"errors":[{"message":"Invalid JSON"}]}`},
		{Name: "JSON array body", Method: "POST", Path: "/api/pages", Headers: jsonAdmin, Body: `[1,2]`, WantStatus: 400, WantJSON: `{"errors":[{"message":"Invalid JSON"}]}`},
		{Name: "trailing garbage", Method: "PATCH", Path: "/api/pages/{{home}}", Headers: jsonAdmin, Body: `{"title":"x"} {}`, WantStatus: 400, WantJSON: `{"errors":[{"message":"Invalid JSON"}]}`},
		{Name: "oversized JSON body", Method: "POST", Path: "/api/pages", Headers: jsonAdmin, Body: big, WantStatus: 413, WantJSON: `{"errors":[{"message":"<string>"}]}`},
		{Name: "anonymous create", Method: "POST", Path: "/api/pages", Body: map[string]any{"title": "x"}, WantStatus: 403,
			WantJSON: `{"errors":[{"message":"You are not allowed to perform this action."}]}`},
		{Name: "anonymous update", Method: "PATCH", Path: "/api/pages/{{home}}", Body: map[string]any{"title": "x"}, WantStatus: 403},
		{Name: "anonymous delete", Method: "DELETE", Path: "/api/pages/{{home}}", WantStatus: 403},
		{Name: "not found", Path: "/api/pages/999999", Headers: adminH, WantStatus: 404, WantJSON: `{"errors":[{"message":"Not Found"}]}`},
		{Name: "non-numeric id is 404 (Payload: 500)", Path: "/api/pages/not-a-number", WantStatus: 404, WantJSON: `{"errors":[{"message":"Not Found"}]}`},
		{Name: "update 404", Method: "PATCH", Path: "/api/pages/999999", Headers: jsonAdmin, Body: `{"title":"x"}`, WantStatus: 404},
		{Name: "unknown collection", Path: "/api/nope", WantStatus: 404, WantJSON: `{"message":"Route not found \"/api/nope\"","errors":"<absent>"}`},
		{Name: "PUT is not routed", Method: "PUT", Path: "/api/pages/{{home}}", Headers: jsonAdmin, Body: `{"title":"x"}`, WantStatus: 404,
			WantJSON: `{"message":"Route not found \"/api/pages/{{home}}\""}`},
		{Name: "home unchanged by the failed writes", Path: "/api/pages/{{home}}?depth=0", WantStatus: 200, WantJSON: `{"title":"Home","slug":"home"}`},
	}
}

func httpScenarios() []Scenario {
	jsonAdmin := map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}
	return []Scenario{
		{Name: "method override GET with form body", Method: "POST", Path: "/api/pages",
			Headers: map[string]string{"X-Payload-HTTP-Method-Override": "GET", "Content-Type": "application/x-www-form-urlencoded"},
			Body:    "where[or][0][slug][equals]=home&where[or][1][slug][equals]=about&depth=0&select[slug]=true", WantStatus: 200, WantJSON: list("about", "home")},
		{Name: "method override keeps the caller", Method: "POST", Path: "/api/pages/count",
			Headers: map[string]string{"X-Payload-HTTP-Method-Override": "GET", "Content-Type": "application/x-www-form-urlencoded", "Authorization": "JWT {{admin}}"},
			Body:    "where[_status][equals]=draft", WantStatus: 200, WantJSON: `{"totalDocs":"<number>"}`},
		{Name: "method override with an oversized body", Method: "POST", Path: "/api/pages",
			Headers: map[string]string{"X-Payload-HTTP-Method-Override": "GET", "Content-Type": "application/x-www-form-urlencoded"},
			Body:    "where[slug][equals]=" + strings.Repeat("x", 1<<20+10), WantStatus: 413,
			WantJSON: `{"errors":[{"message":"<string>"}]}`, WantHeaders: map[string]string{"Content-Type": "application/json"}},
		// Live preview (@payloadcms/live-preview's mergeData): the front end
		// posts the editor's unsaved values with the method override and a
		// JSON body; the answer is the document shaped from them, populated,
		// and nothing is stored or cached.
		{Name: "live preview read answers the posted data, populated", Method: "POST", Path: "/api/pages/{{home}}", Headers: previewH("JWT {{admin}}"),
			Body:       `{"data":{"id":{{home}},"title":"Unsaved title","slug":"home","related":[{{about}}],"unknown":1,"_status":"draft"},"depth":1,"flattenLocales":false}`,
			WantStatus: 200, WantJSON: `{"id":"<number>","title":"Unsaved title","slug":"home","_status":"draft","related":[{"slug":"about","title":"About us"}],"unknown":"<absent>","createdAt":"<string>"}`},
		{Name: "live preview read at depth 0 keeps ids", Method: "POST", Path: "/api/pages/{{home}}", Headers: previewH("JWT {{admin}}"),
			Body: `{"data":{"title":"Unsaved title","related":[{{about}}]},"depth":0}`, WantStatus: 200, WantJSON: `{"title":"Unsaved title","related":["<number>"]}`},
		{Name: "live preview read stored nothing", Path: "/api/pages/{{home}}?depth=0&draft=true", Headers: adminH, WantStatus: 200, WantJSON: `{"title":"Home","_status":"published"}`},
		{Name: "live preview read of a draft the caller cannot read", Method: "POST", Path: "/api/pages/{{secret}}", Headers: previewH(""),
			Body: `{"data":{"title":"Leak?"}}`, WantStatus: 404},
		{Name: "anonymous read fills the cache", Path: "/api/pages/{{home}}?depth=0", WantStatus: 200, WantJSON: `{"title":"Home"}`},
		{Name: "anonymous live preview read of a published page", Method: "POST", Path: "/api/pages/{{home}}?depth=0", Headers: previewH(""),
			Body: `{"data":{"title":"Not for the cache"}}`, WantStatus: 200, WantJSON: `{"title":"Not for the cache"}`},
		{Name: "the cache still answers the stored page", Path: "/api/pages/{{home}}?depth=0", WantStatus: 200, WantJSON: `{"title":"Home"}`},
		{Name: "live preview read with a bad depth", Method: "POST", Path: "/api/pages/{{home}}", Headers: previewH("JWT {{admin}}"),
			Body: `{"data":{},"depth":"deep"}`, WantStatus: 400},
		{Name: "live preview preflight from an allowed origin", Method: "OPTIONS", Path: "/api/pages/{{home}}",
			Headers:    map[string]string{"Origin": allowedOrigin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-payload-http-method-override"},
			WantStatus: 200, WantHeaders: map[string]string{"Access-Control-Allow-Origin": allowedOrigin, "Access-Control-Allow-Credentials": "true",
				"Access-Control-Allow-Headers": "~X-Payload-HTTP-Method-Override"}},
		// The slug is locked once published (pages declare SlugLocked).
		{Name: "slug lock: a published page", Method: "POST", Path: "/api/pages?depth=0", Headers: jsonAdmin,
			Body: `{"title":"Launch","_status":"published"}`, WantStatus: 201, WantJSON: `{"doc":{"slug":"launch"}}`,
			After: func(t *testing.T, e *env, res *response) { e.set("launch", res.str(t, "doc.id")) }},
		{Name: "slug lock: an emptied slug keeps the published one", Method: "PATCH", Path: "/api/pages/{{launch}}?depth=0", Headers: jsonAdmin,
			Body: `{"title":"Launch day","slug":""}`, WantStatus: 200, WantJSON: `{"doc":{"title":"Launch day","slug":"launch"}}`},
		{Name: "slug lock: a draft of it keeps it too", Method: "PATCH", Path: "/api/pages/{{launch}}?depth=0&draft=true", Headers: jsonAdmin,
			Body: `{"title":"Launch week","slug":"","_status":"draft"}`, WantStatus: 200, WantJSON: `{"doc":{"title":"Launch week","slug":"launch"}}`},
		{Name: "slug lock: an explicit slug changes it", Method: "PATCH", Path: "/api/pages/{{launch}}?depth=0", Headers: jsonAdmin,
			Body: `{"slug":"launch-2027","_status":"published"}`, WantStatus: 200, WantJSON: `{"doc":{"slug":"launch-2027"}}`},
		{Name: "slug lock: a never-published page", Method: "POST", Path: "/api/pages?depth=0", Headers: jsonAdmin,
			Body: `{"title":"Draft one"}`, WantStatus: 201, WantJSON: `{"doc":{"slug":"draft-one"}}`,
			After: func(t *testing.T, e *env, res *response) { e.set("draftOne", res.str(t, "doc.id")) }},
		{Name: "slug lock: its emptied slug follows the title", Method: "PATCH", Path: "/api/pages/{{draftOne}}?depth=0&draft=true", Headers: jsonAdmin,
			Body: `{"title":"Draft two","slug":""}`, WantStatus: 200, WantJSON: `{"doc":{"slug":"draft-two"}}`},
		{Name: "preflight from an allowed origin", Method: "OPTIONS", Path: "/api/pages",
			Headers:    map[string]string{"Origin": allowedOrigin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,authorization"},
			WantStatus: 200, WantJSON: `{}`,
			WantHeaders: map[string]string{"Access-Control-Allow-Origin": allowedOrigin, "Access-Control-Allow-Credentials": "true",
				"Access-Control-Allow-Methods": "PUT, PATCH, POST, GET, DELETE, OPTIONS", "Content-Type": "application/json"}},
		{Name: "preflight from a foreign origin", Method: "OPTIONS", Path: "/api/pages",
			Headers:    map[string]string{"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
			WantStatus: 200, WantHeaders: map[string]string{"Access-Control-Allow-Origin": "<absent>", "Access-Control-Allow-Credentials": "<absent>"}},
		{Name: "GET from an allowed origin", Path: "/api/pages?limit=1&depth=0", Headers: map[string]string{"Origin": allowedOrigin},
			WantStatus: 200, WantHeaders: map[string]string{"Access-Control-Allow-Origin": allowedOrigin, "Vary": "~Origin"}},
		{Name: "GET from a foreign origin", Path: "/api/pages?limit=1&depth=0", Headers: map[string]string{"Origin": "http://evil.example"},
			WantStatus: 200, WantHeaders: map[string]string{"Access-Control-Allow-Origin": "<absent>"}},
		{Name: "gzip when asked", Path: "/api/pages?depth=2", Headers: map[string]string{"Accept-Encoding": "gzip, deflate"},
			WantStatus: 200, WantJSON: `{"totalDocs":"<number>"}`, WantHeaders: map[string]string{"Content-Encoding": "gzip", "Content-Type": "application/json"},
			After: func(t *testing.T, e *env, res *response) {
				if !res.Gzipped {
					t.Error("body not gzipped")
				}
			}},
		{Name: "gzip adds to Vary: Origin", Path: "/api/pages?limit=1&depth=0", Headers: map[string]string{"Accept-Encoding": "gzip", "Origin": allowedOrigin},
			WantStatus: 200, WantHeaders: map[string]string{"Content-Encoding": "gzip", "Access-Control-Allow-Origin": allowedOrigin},
			After: func(t *testing.T, e *env, res *response) {
				vary := strings.Join(res.Header.Values("Vary"), ",")
				if !strings.Contains(vary, "Origin") || !strings.Contains(vary, "Accept-Encoding") {
					t.Errorf("Vary = %q, want both Origin and Accept-Encoding", vary)
				}
			}},
		{Name: "no gzip unless asked", Path: "/api/pages?depth=0", WantStatus: 200, WantHeaders: map[string]string{"Content-Encoding": "<absent>"}},
		{Name: "gzip error bodies", Path: "/api/pages/999999", Headers: map[string]string{"Accept-Encoding": "gzip"}, WantStatus: 404,
			WantJSON: `{"errors":[{"message":"Not Found"}]}`, WantHeaders: map[string]string{"Content-Encoding": "gzip"}},
		{Name: "api headers on every answer", Path: "/api/nope", WantStatus: 404, WantHeaders: map[string]string{
			"Access-Control-Allow-Methods": "PUT, PATCH, POST, GET, DELETE, OPTIONS",
			"Access-Control-Allow-Headers": "Origin, X-Requested-With, Content-Type, Accept, Authorization, Content-Encoding, x-apollo-tracing, X-Payload-HTTP-Method-Override",
			"Content-Type":                 "application/json"}},
		{Name: "access anonymous", Path: "/api/access", WantStatus: 200,
			WantJSON: `{"collections":{"pages":{"read":{"permission":true,"where":{"_status":{"equals":"published"}}}},"media":{"read":true,"create":"<absent>"},"users":{"fields":{"email":"<absent>","name":"<absent>"},"read":"<absent>","create":"<absent>","update":"<absent>","delete":"<absent>","unlock":"<absent>"}},"globals":{"header":{"read":true,"update":"<absent>"}},"canAccessAdmin":"<absent>"}`},
		{Name: "access editor", Path: "/api/access", Headers: editorH, WantStatus: 200,
			WantJSON: `{"collections":{"pages":{"create":true,"read":true,"update":true,"delete":true,"readVersions":true},"users":{"create":false,"delete":false,"unlock":false,"read":{"permission":true}}},"canAccessAdmin":true}`},
		{Name: "access admin", Path: "/api/access", Headers: adminH, WantStatus: 200,
			WantJSON: `{"collections":{"users":{"create":true,"read":true,"update":true,"delete":true,"unlock":true}},"canAccessAdmin":true}`},
	}
}
