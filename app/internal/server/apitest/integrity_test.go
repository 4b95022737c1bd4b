package apitest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/automatonic/chronos/app/internal/testmodel"
)

// TestNoLostUpdates: two writers PATCH different fields of one document at
// the same time, 50 rounds; after each round both acknowledged changes are
// in the document, whichever ran first. And 50 parallel draft saves of one
// page, and of the header global (never saved, then published), leave
// exactly one latest version. Both dialects.
func TestNoLostUpdates(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, nil)
		seedContent(t, e)
		h := map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}
		t.Run("concurrent patches of different fields", func(t *testing.T) {
			createPage(`{"title":"Race","slug":"race","_status":"published"}`)(t, e)
			id := e.get("last")
			for round := 0; round < 50; round++ {
				title := fmt.Sprintf("Title %d", round)
				desc := fmt.Sprintf("Description %d", round)
				bodies := []string{`{"title":"` + title + `"}`, `{"meta":{"description":"` + desc + `"}}`}
				var wg sync.WaitGroup
				start := make(chan struct{})
				status := make([]int, len(bodies))
				for i, b := range bodies {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						res := e.do(t, request{Method: "PATCH", Path: "/api/pages/" + id + "?depth=0", Headers: h, Body: b})
						status[i] = res.Status
					}()
				}
				close(start)
				wg.Wait()
				if status[0] != 200 || status[1] != 200 {
					t.Fatalf("round %d: statuses %v", round, status)
				}
				got := e.do(t, request{Method: "GET", Path: "/api/pages/" + id + "?depth=0", Headers: h})
				if got.str(t, "title") != title || got.str(t, "meta.description") != desc {
					t.Fatalf("round %d: lost an acknowledged change: title %q, meta.description %q", round, got.str(t, "title"), got.str(t, "meta.description"))
				}
			}
		})
		t.Run("parallel draft saves leave one latest version", func(t *testing.T) {
			createPage(`{"title":"Drafty","slug":"drafty","_status":"published"}`)(t, e)
			id := e.get("last")
			allAtOnce(t, e, 50, func(i int) request {
				return request{Method: "PATCH", Path: "/api/pages/" + id + "?draft=true&depth=0", Headers: h, Body: fmt.Sprintf(`{"title":"Draft %d"}`, i)}
			})
			wantOneLatest(t, e, "/api/pages/versions?depth=0&limit=100&where[parent][equals]="+id+"&where[latest][equals]=true", h)
		})
		t.Run("parallel draft saves of a global leave one latest version", func(t *testing.T) {
			// Never saved first: the first saves race to create the
			// global's one row. Then again once it is published.
			save := func(i int) request {
				return request{Method: "POST", Path: "/api/globals/header?draft=true&depth=0", Headers: h,
					Body: fmt.Sprintf(`{"navItems":[{"link":{"type":"custom","url":"/d","label":"Draft %d"}}]}`, i)}
			}
			latest := "/api/globals/header/versions?depth=0&limit=100&where[latest][equals]=true"
			allAtOnce(t, e, 50, save)
			wantOneLatest(t, e, latest, h)
			if res := e.do(t, request{Method: "GET", Path: "/api/globals/header?depth=0"}); res.Status != 200 || dig(res.JSON, "id") != nil || fmt.Sprint(dig(res.JSON, "navItems")) != "[]" {
				t.Fatalf("anonymous read after drafts only: %d %s", res.Status, truncate(string(res.Raw), 300))
			}
			res := e.do(t, request{Method: "POST", Path: "/api/globals/header?depth=0", Headers: h,
				Body: `{"_status":"published","navItems":[{"link":{"type":"custom","url":"/","label":"Live"}}]}`})
			if res.Status != 200 {
				t.Fatalf("publish: %d %s", res.Status, truncate(string(res.Raw), 300))
			}
			allAtOnce(t, e, 50, save)
			wantOneLatest(t, e, latest, h)
			if res := e.do(t, request{Method: "GET", Path: "/api/globals/header?depth=0"}); res.Status != 200 || res.str(t, "navItems.0.link.label") != "Live" {
				t.Fatalf("anonymous read after the drafts: %d %s", res.Status, truncate(string(res.Raw), 300))
			}
		})
	})
}

// TestNoLostGlobalUpdates: two writers save different fields of one global
// at the same time, 50 rounds, the first while the global was never saved
// (the racing first saves create its one row once); after each round both
// acknowledged changes are in the global. The global is defined only here
// (testmodel.Settings), with its generated migration. Both dialects.
func TestNoLostGlobalUpdates(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnvModel(t, dialect, nil, testmodel.With(t, "settings", testmodel.Settings()))
		e.createUser(t, "admin@example.com", "admin-pass-123", "Admin", "admin")
		h := map[string]string{"Authorization": "JWT " + e.login(t, "admin@example.com", "admin-pass-123"), "Content-Type": "application/json"}
		if res := e.do(t, request{Method: "GET", Path: "/api/globals/settings?depth=0"}); res.Status != 200 || dig(res.JSON, "siteName") != nil {
			t.Fatalf("never saved: %d %s", res.Status, truncate(string(res.Raw), 300))
		}
		for round := 0; round < 50; round++ {
			name := fmt.Sprintf("Site %d", round)
			tagline := fmt.Sprintf("Tagline %d", round)
			bodies := []string{`{"siteName":"` + name + `"}`, `{"tagline":"` + tagline + `"}`}
			allAtOnce(t, e, len(bodies), func(i int) request {
				return request{Method: "POST", Path: "/api/globals/settings?depth=0", Headers: h, Body: bodies[i]}
			})
			got := e.do(t, request{Method: "GET", Path: "/api/globals/settings?depth=0"})
			if got.Status != 200 || dig(got.JSON, "siteName") != name || dig(got.JSON, "tagline") != tagline {
				t.Fatalf("round %d: lost an acknowledged change: %d %s", round, got.Status, truncate(string(got.Raw), 300))
			}
		}
	})
}

// allAtOnce sends n requests from n goroutines released together and
// fails unless every one answers 200.
func allAtOnce(t *testing.T, e *env, n int, req func(i int) request) {
	t.Helper()
	var wg sync.WaitGroup
	start := make(chan struct{})
	status := make([]int, n)
	for i := range status {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status[i] = e.do(t, req(i)).Status
		}()
	}
	close(start)
	wg.Wait()
	for i, s := range status {
		if s != 200 {
			t.Fatalf("request %d: status %d", i, s)
		}
	}
}

// wantOneLatest fails unless the versions list at path has exactly one
// document.
func wantOneLatest(t *testing.T, e *env, path string, h map[string]string) {
	t.Helper()
	res := e.do(t, request{Method: "GET", Path: path, Headers: h})
	if res.Status != 200 {
		t.Fatalf("versions: %d %s", res.Status, truncate(string(res.Raw), 300))
	}
	if n := dig(res.JSON, "totalDocs"); n != float64(1) {
		t.Fatalf("latest versions: %v, want 1", n)
	}
}
