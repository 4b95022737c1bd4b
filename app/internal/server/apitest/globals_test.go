package apitest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
)

// globalsDir finds shared/payload-contract-globals beside the contract.
func globalsDir(t testing.TB) string {
	t.Helper()
	return filepath.Join(filepath.Dir(contractDir(t)), "payload-contract-globals")
}

var rowID = regexp.MustCompile(`^[0-9a-f]{24}$`)

// rowIDs turns recorded array row ids (random 24-hex) into placeholders.
func rowIDs(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && k == "id" && rowID.MatchString(s) {
				x[k] = "<string>"
				continue
			}
			x[k] = rowIDs(val)
		}
	case []any:
		for i := range x {
			x[i] = rowIDs(x[i])
		}
	}
	return v
}

// TestContractGlobals replays the recorded Payload 3.90 exchanges of the
// header and footer globals (never saved, update, access, depth with
// access, drafts, versions, validation, unknown slug) on both dialects.
func TestContractGlobals(t *testing.T) {
	dir := globalsDir(t)
	fixtures := loadFixturesFrom(t, dir, 20)
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, nil)
		r := &replayer{e: e, dir: dir, globals: true}
		for _, f := range fixtures {
			if !t.Run(strings.TrimSuffix(f.File, ".json"), func(t *testing.T) { r.step(t, f) }) {
				t.Fatalf("stopping the replay at %s", f.File)
			}
		}
		t.Run("more", func(t *testing.T) { globalScenarios(t, e, r.token) })
	})
}

// globalScenarios cover what the recording leaves out, after its state:
// header has versions 1 (published), 2 and 3 (drafts); footer has 4 rows.
func globalScenarios(t *testing.T, e *env, token string) {
	auth := map[string]string{"Authorization": "JWT " + token}
	row := func(label string) map[string]any {
		return map[string]any{"link": map[string]any{"type": "custom", "url": "/" + label, "label": label}}
	}
	var seven []any
	for i := range 7 {
		seven = append(seven, row("r"+strconv.Itoa(i)))
	}
	runScenarios(t, e, []Scenario{
		{Name: "a seventh row is refused", Method: "POST", Path: "/api/globals/footer", Headers: auth,
			Body: map[string]any{"navItems": seven}, WantStatus: 400,
			WantJSON: `{"errors":[{"name":"ValidationError","data":{"global":"footer","errors":[{"path":"navItems","message":"This field can only have up to 6 rows."}]}}]}`},
		{Name: "navItems must be a list", Method: "POST", Path: "/api/globals/footer", Headers: auth,
			Body: map[string]any{"navItems": "home"}, WantStatus: 400,
			WantJSON: `{"errors":[{"name":"ValidationError","data":{"global":"footer","errors":[{"path":"navItems","message":"This field must be a list."}]}}]}`},
		{Name: "a reference outside relationTo is refused", Method: "POST", Path: "/api/globals/footer", Headers: auth,
			Body: map[string]any{"navItems": []any{map[string]any{"link": map[string]any{"label": "x", "reference": map[string]any{"relationTo": "media", "value": 1}}}}}, WantStatus: 400,
			WantJSON: `{"errors":[{"name":"ValidationError","data":{"global":"footer","errors":[{"path":"navItems.0.link.reference"}]}}]}`},
		{Name: "a reference to a missing page is refused", Method: "POST", Path: "/api/globals/footer", Headers: auth,
			Body: map[string]any{"navItems": []any{map[string]any{"link": map[string]any{"label": "x", "reference": map[string]any{"relationTo": "pages", "value": 999}}}}}, WantStatus: 400,
			WantJSON: `{"errors":[{"name":"ValidationError","data":{"global":"footer","errors":[{"path":"navItems.0.link.reference","message":"This relationship field has the following invalid relationships: 999"}]}}]}`},
		{Name: "refused writes left the footer as it was", Path: "/api/globals/footer?depth=0",
			WantStatus: 200, WantJSON: `{"id":1,"globalType":"footer","navItems":[{"link":{"label":"Home"}},{"link":{"label":"About"}},{"link":{"label":"Docs"}},{"link":{"label":"Draft"}}]}`},
		{Name: "the type defaults to reference", Method: "POST", Path: "/api/globals/footer?depth=0", Headers: auth,
			Body:       map[string]any{"navItems": []any{map[string]any{"link": map[string]any{"label": "Home", "reference": map[string]any{"relationTo": "pages", "value": 1}}}}},
			WantStatus: 200, WantJSON: `{"message":"Updated successfully.","result":{"id":1,"globalType":"footer","navItems":[{"id":"<string>","link":{"type":"reference","newTab":null,"url":null,"label":"Home","reference":{"relationTo":"pages","value":1}}}]}}`},
		{Name: "select leaves globalType out unless asked", Path: "/api/globals/footer?depth=0&select[navItems]=true",
			WantStatus: 200, WantJSON: `{"id":1,"navItems":[{"link":{"label":"Home"}}],"globalType":"<absent>","updatedAt":"<absent>"}`},
		{Name: "populate projects the referenced page", Path: "/api/globals/footer?depth=1&populate[pages][title]=true",
			WantStatus: 200, WantJSON: `{"navItems":[{"link":{"reference":{"relationTo":"pages","value":{"id":1,"title":"Home","slug":"<absent>"}}}}]}`},
		{Name: "method override reads", Method: "POST", Path: "/api/globals/footer?depth=0", Headers: map[string]string{"X-Payload-HTTP-Method-Override": "GET"},
			WantStatus: 200, WantJSON: `{"id":1,"globalType":"footer","navItems":[{"link":{"label":"Home"}}]}`},
		{Name: "live preview read of a global answers the posted data", Method: "POST", Path: "/api/globals/footer?depth=0", Headers: previewH("JWT " + token),
			Body:       `{"data":{"navItems":[{"link":{"label":"Unsaved"}}]},"depth":0,"flattenLocales":false}`,
			WantStatus: 200, WantJSON: `{"id":1,"globalType":"footer","navItems":[{"link":{"label":"Unsaved"}}]}`},
		{Name: "the live preview read stored nothing", Path: "/api/globals/footer?depth=0", WantStatus: 200, WantJSON: `{"navItems":[{"link":{"label":"Home"}}]}`},
		{Name: "anonymous draft=true reads the published header", Path: "/api/globals/header?draft=true&depth=0",
			WantStatus: 200, WantJSON: `{"_status":"published","navItems":[{"link":{"label":"Home"}},{"link":{"label":"Blog"}}]}`},
		{Name: "versions need a signed-in user", Path: "/api/globals/header/versions", WantStatus: 403},
		{Name: "a version by id", Path: "/api/globals/header/versions/1?depth=0", Headers: auth,
			WantStatus: 200, WantJSON: `{"id":1,"parent":"<absent>","latest":false,"version":{"_status":"published","globalType":"header","navItems":[{"link":{"label":"Home"}},{"link":{"label":"Blog"}}]}}`},
		{Name: "restore needs update access", Method: "POST", Path: "/api/globals/header/versions/2", WantStatus: 403},
		{Name: "restore a draft version", Method: "POST", Path: "/api/globals/header/versions/2?depth=0", Headers: auth,
			WantStatus: 200, WantJSON: `{"message":"Restored Successfully.","doc":{"_status":"draft","globalType":"header","navItems":[{"link":{"label":"Home"}},{"link":{"label":"Blog"}},{"link":{"label":"About"}}]}}`},
		{Name: "the restore is the newest version", Path: "/api/globals/header/versions?sort=-createdAt&depth=0&limit=1", Headers: auth,
			WantStatus: 200, WantJSON: `{"totalDocs":4,"docs":[{"latest":true,"version":{"_status":"draft"}}]}`},
		{Name: "publish again", Method: "POST", Path: "/api/globals/header?depth=0", Headers: auth,
			Body: map[string]any{"_status": "published", "navItems": []any{row("Only")}}, WantStatus: 200,
			WantJSON: `{"message":"Updated successfully.","result":{"id":"<absent>","_status":"published","globalType":"header","navItems":[{"link":{"label":"Only","type":"custom"}}]}}`},
		{Name: "anonymous reads the new header", Path: "/api/globals/header?depth=0",
			WantStatus: 200, WantJSON: `{"_status":"published","navItems":[{"link":{"label":"Only"}}]}`},
		{Name: "anonymous access lists the globals", Path: "/api/access",
			WantStatus: 200, WantJSON: `{"globals":{"header":{"read":true},"footer":{"read":true}}}`},
		{Name: "signed-in access lists the globals", Path: "/api/access", Headers: auth,
			WantStatus: 200, WantJSON: `{"globals":{"header":{"read":true,"update":true,"readVersions":true},"footer":{"read":true,"update":true}}}`},
		{Name: "anonymous global access", Method: "POST", Path: "/api/globals/footer/access",
			WantStatus: 200, WantJSON: `{"read":true,"update":false}`},
		{Name: "unknown global versions", Path: "/api/globals/nope/versions", WantStatus: 404},
		{Name: "a global without drafts has no versions", Path: "/api/globals/footer/versions", Headers: auth, WantStatus: 404},
		{Name: "the globals are in the OpenAPI document", Path: "/api/openapi.json",
			WantStatus: 200, WantJSON: `{"paths":{"/api/globals/header":{"get":{"operationId":"findGlobalHeader"}},"/api/globals/header/versions":{"get":{}},"/api/globals/footer":{"post":{"operationId":"updateGlobalFooter"}}}}`},
	})
}

// TestGlobalSaveFiresWebhook: saving a global tells the site to revalidate
// its layout (the dispatcher delivers asynchronously; the test waits for
// the delivery itself, not for time).
func TestGlobalSaveFiresWebhook(t *testing.T) {
	got := make(chan map[string]any, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		got <- body
	}))
	defer hook.Close()
	e := newEnv(t, dialectSQLite, map[string]string{contract.CMSWebhookURLs: hook.URL, contract.CMSWebhookSecret: strings.Repeat("w", 32)})
	e.createUser(t, "admin@example.com", "admin-pass-123", "Admin", "admin")
	token := e.login(t, "admin@example.com", "admin-pass-123")
	res := e.do(t, request{Method: "POST", Path: "/api/globals/footer", Headers: map[string]string{"Authorization": "JWT " + token, "Content-Type": "application/json"},
		Body: []byte(`{"navItems":[{"link":{"type":"custom","url":"/x","label":"X"}}]}`)})
	if res.Status != 200 {
		t.Fatalf("update: %d %s", res.Status, res.Raw)
	}
	select {
	case body := <-got:
		if body["global"] != "footer" || body["type"] != "update" {
			t.Fatalf("webhook body %v, want type update for global footer", body)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no webhook delivered for the global save")
	}
}

// TestFirstDraftOfAGlobal: the first save of a never-saved drafts global
// as a draft creates no live document, as in Payload (whose draft saves
// write versions only): every read but a signed-in draft read answers the
// never-saved shape until a save that is not a draft. Both dialects.
func TestFirstDraftOfAGlobal(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, nil)
		seedContent(t, e)
		auth := map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}
		items := func(label string) string {
			return `"navItems":[{"link":{"label":"` + label + `","reference":{"relationTo":"pages","value":{{home}}}}}]`
		}
		link := func(label string) string { return "{" + items(label) + "}" }
		neverSaved := `{"navItems":[],"_status":"draft","id":"<absent>","globalType":"<absent>","createdAt":"<absent>","updatedAt":"<absent>"}`
		runScenarios(t, e, []Scenario{
			{Name: "never saved", Path: "/api/globals/header", WantStatus: 200, WantJSON: neverSaved},
			{Name: "the first save is a draft", Method: "POST", Path: "/api/globals/header?draft=true&depth=0", Headers: auth, Body: link("Secret"),
				WantStatus: 200, WantJSON: `{"message":"Draft saved successfully.","result":{"_status":"draft","globalType":"<absent>","navItems":[{"link":{"label":"Secret","type":"reference"}}]}}`},
			{Name: "anonymous still reads the never-saved shape", Path: "/api/globals/header?depth=1", WantStatus: 200, WantJSON: neverSaved},
			{Name: "anonymous draft=true too", Path: "/api/globals/header?draft=true&depth=0", WantStatus: 200, WantJSON: neverSaved},
			{Name: "a signed-in read without draft too", Path: "/api/globals/header?depth=0", Headers: auth, WantStatus: 200, WantJSON: neverSaved},
			{Name: "a signed-in draft read shows the draft", Path: "/api/globals/header?draft=true&depth=0", Headers: auth,
				WantStatus: 200, WantJSON: `{"_status":"draft","navItems":[{"link":{"label":"Secret"}}]}`},
			{Name: "a second draft", Method: "POST", Path: "/api/globals/header?draft=true&depth=0", Headers: auth, Body: link("Secret 2"),
				WantStatus: 200, WantJSON: `{"message":"Draft saved successfully.","result":{"_status":"draft","navItems":[{"link":{"label":"Secret 2"}}]}}`},
			{Name: "anonymous after the second draft", Path: "/api/globals/header?depth=0", WantStatus: 200, WantJSON: neverSaved},
			{Name: "both drafts are versions, one latest", Path: "/api/globals/header/versions?depth=0&sort=-createdAt", Headers: auth,
				WantStatus: 200, WantJSON: `{"totalDocs":2,"docs":[{"latest":true,"version":{"_status":"draft","navItems":[{"link":{"label":"Secret 2"}}]}},{"latest":false}]}`},
			{Name: "publish", Method: "POST", Path: "/api/globals/header?depth=0", Headers: auth, Body: `{"_status":"published",` + items("Live") + "}",
				WantStatus: 200, WantJSON: `{"message":"Updated successfully.","result":{"_status":"published","globalType":"header","navItems":[{"link":{"label":"Live"}}]}}`},
			{Name: "anonymous reads the published header", Path: "/api/globals/header?depth=0",
				WantStatus: 200, WantJSON: `{"_status":"published","globalType":"header","createdAt":"<string>","navItems":[{"link":{"label":"Live"}}]}`},
			{Name: "a later draft", Method: "POST", Path: "/api/globals/header?draft=true&depth=0", Headers: auth, Body: link("Next"), WantStatus: 200},
			{Name: "anonymous still reads the published header", Path: "/api/globals/header?depth=0",
				WantStatus: 200, WantJSON: `{"_status":"published","navItems":[{"link":{"label":"Live"}}]}`},
		})
	})
}
