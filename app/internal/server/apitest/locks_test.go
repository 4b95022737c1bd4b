package apitest

import (
	"context"
	"strconv"
	"testing"

	"github.com/automatonic/chronos/app/internal/content"
)

// TestLockScenarios: document locks over REST as Payload 3.90 enforces
// them (checkDocumentLockStatus): an update or delete of a document another
// user holds is 423 Locked unless ?overrideLock=true, one by the holder goes
// through and keeps the lock, an override drops it, a bulk update reports
// the locked document as its error; a global's REST update is not checked
// (Payload's handler passes no overrideLock) and drops the lock; media
// documents are locked like pages. GET /api/payload-locked-documents lists
// the locks in force. On both dialects.
func TestLockScenarios(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, nil)
		seedContent(t, e)
		runScenarios(t, e, lockScenarios())
	})
}

// lockAs makes the editor (from /api/users/me) hold the lock of slug's id
// ("" for a global).
func lockAs(slug, idVar string) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		t.Helper()
		me := e.do(t, request{Path: "/api/users/me", Headers: editorH})
		uid, err := strconv.ParseInt(me.str(t, "user.id"), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		e.set("editorID", strconv.FormatInt(uid, 10))
		var id int64
		if idVar != "" {
			if id, err = strconv.ParseInt(e.expand("{{"+idVar+"}}"), 10, 64); err != nil {
				t.Fatal(err)
			}
		}
		l, err := e.app.Content().ClaimLock(context.Background(), &content.Actor{ID: uid, Email: "editor@example.com", Roles: []string{content.RoleEditor}}, slug, id, false)
		if err != nil || l.UserID != uid {
			t.Fatalf("claim %s %d: %+v %v", slug, id, l, err)
		}
	}
}

func lockScenarios() []Scenario {
	jsonAdmin := map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}
	jsonEditor := map[string]string{"Authorization": "JWT {{editor}}", "Content-Type": "application/json"}
	locked := func(id, verb string) string {
		if verb == "deleted" {
			return `{"errors":[{"message":"Document with ID {{` + id + `}} is currently locked and cannot be deleted."}]}`
		}
		return `{"errors":[{"message":"Document with ID {{` + id + `}} is currently locked by another user and cannot be updated."}]}`
	}
	return []Scenario{
		{Name: "no locks", Path: "/api/payload-locked-documents", Headers: adminH, WantStatus: 200,
			WantJSON: `{"docs":[],"totalDocs":0,"page":1,"totalPages":1}`},
		{Name: "locks are not public", Path: "/api/payload-locked-documents", WantStatus: 403,
			WantJSON: `{"errors":[{"message":"You are not allowed to perform this action."}]}`},
		{Name: "listed while held", Setup: lockAs("pages", "beta"), Path: "/api/payload-locked-documents", Headers: adminH, WantStatus: 200,
			WantJSON: `{"docs":[{"document":{"relationTo":"pages","value":{{beta}}},"globalSlug":null,"user":{"relationTo":"users","value":{{editorID}}},"updatedAt":"<date>"}],"totalDocs":1}`},
		{Name: "update by another user is locked", Method: "PATCH", Path: "/api/pages/{{beta}}?depth=0", Headers: jsonAdmin, Body: `{"title":"Not while locked"}`,
			WantStatus: 423, WantJSON: locked("beta", "updated")},
		{Name: "unchanged", Path: "/api/pages/{{beta}}?depth=0", Headers: adminH, WantStatus: 200, WantJSON: `{"title":"Blog beta"}`},
		{Name: "overrideLock=false is the default", Method: "PATCH", Path: "/api/pages/{{beta}}?depth=0&overrideLock=false", Headers: jsonAdmin, Body: `{"title":"x"}`,
			WantStatus: 423},
		{Name: "delete by another user is locked", Method: "DELETE", Path: "/api/pages/{{beta}}", Headers: adminH,
			WantStatus: 423, WantJSON: locked("beta", "deleted")},
		{Name: "bulk update reports the locked document", Method: "PATCH", Path: "/api/pages?where[slug][in]=blog-alpha,blog-beta&depth=0", Headers: jsonAdmin,
			Body: `{"meta":{"description":"bulk"}}`, WantStatus: 400,
			WantJSON: `{"docs":[{"id":{{alpha}}}],"errors":[{"id":{{beta}},"isPublic":true,"message":"Document with ID {{beta}} is currently locked by another user and cannot be updated."}],"message":"Unable to update 1 out of 2 Pages."}`},
		{Name: "bulk delete reports the locked document", Method: "DELETE", Path: "/api/pages?where[slug][equals]=blog-beta", Headers: adminH, WantStatus: 400,
			WantJSON: `{"docs":[],"errors":[{"id":{{beta}},"isPublic":true,"message":"Document with ID {{beta}} is currently locked and cannot be deleted."}],"message":"Unable to delete 1 out of 1 Pages."}`},
		{Name: "the holder updates", Method: "PATCH", Path: "/api/pages/{{beta}}?depth=0", Headers: jsonEditor, Body: `{"title":"Blog beta by its editor"}`,
			WantStatus: 200, WantJSON: `{"doc":{"title":"Blog beta by its editor"}}`},
		{Name: "and still holds it", Path: "/api/payload-locked-documents", Headers: adminH, WantStatus: 200, WantJSON: `{"totalDocs":1}`},
		{Name: "overrideLock=true goes through", Method: "PATCH", Path: "/api/pages/{{beta}}?depth=0&overrideLock=true", Headers: jsonAdmin, Body: `{"title":"Blog beta"}`,
			WantStatus: 200, WantJSON: `{"doc":{"title":"Blog beta"}}`},
		{Name: "and drops the lock", Path: "/api/payload-locked-documents", Headers: adminH, WantStatus: 200, WantJSON: `{"docs":[],"totalDocs":0}`},
		{Name: "unlocked: update", Method: "PATCH", Path: "/api/pages/{{beta}}?depth=0", Headers: jsonAdmin, Body: `{"title":"Blog beta"}`, WantStatus: 200},
		{Name: "media is locked too", Setup: lockAs("media", "notes"), Method: "PATCH", Path: "/api/media/{{notes}}?depth=0", Headers: jsonAdmin,
			Body: `{"alt":"Not while locked"}`, WantStatus: 423, WantJSON: locked("notes", "updated")},
		{Name: "media holder updates", Method: "PATCH", Path: "/api/media/{{notes}}?depth=0", Headers: jsonEditor, Body: `{"alt":"Notes"}`,
			WantStatus: 200, WantJSON: `{"doc":{"alt":"Notes"}}`},
		{Name: "the holder deletes and the lock goes", Setup: lockAs("pages", "secret"), Method: "DELETE", Path: "/api/pages/{{secret}}", Headers: editorH, WantStatus: 200},
		{Name: "only the media lock is left", Path: "/api/payload-locked-documents", Headers: adminH, WantStatus: 200,
			WantJSON: `{"docs":[{"document":{"relationTo":"media","value":{{notes}}}}],"totalDocs":1}`},
		{Name: "global lock listed", Setup: lockAs("header", ""), Path: "/api/payload-locked-documents", Headers: adminH, WantStatus: 200,
			WantJSON: `{"docs":[{"document":null,"globalSlug":"header","user":{"relationTo":"users","value":{{editorID}}}},{"document":{"relationTo":"media"}}],"totalDocs":2}`},
		{Name: "a global's REST update is not lock-checked", Method: "POST", Path: "/api/globals/header?depth=0", Headers: jsonAdmin, Body: `{}`,
			WantStatus: 200, WantJSON: `{"message":"Updated successfully."}`},
		{Name: "and drops its lock", Path: "/api/payload-locked-documents", Headers: adminH, WantStatus: 200, WantJSON: `{"docs":[{"document":{"relationTo":"media"}}],"totalDocs":1}`},
	}
}
