package apitest

import (
	"fmt"
	"sync"
	"testing"
)

// TestNoLostUpdates: two writers PATCH different fields of one document at
// the same time, 50 rounds; after each round both acknowledged changes are
// in the document, whichever ran first. And 50 parallel draft saves of one
// page leave exactly one latest version. Both dialects.
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
			var wg sync.WaitGroup
			start := make(chan struct{})
			status := make([]int, 50)
			for i := range status {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					res := e.do(t, request{Method: "PATCH", Path: "/api/pages/" + id + "?draft=true&depth=0", Headers: h,
						Body: fmt.Sprintf(`{"title":"Draft %d"}`, i)})
					status[i] = res.Status
				}()
			}
			close(start)
			wg.Wait()
			for i, s := range status {
				if s != 200 {
					t.Fatalf("save %d: status %d", i, s)
				}
			}
			res := e.do(t, request{Method: "GET", Path: "/api/pages/versions?depth=0&limit=100&where[parent][equals]=" + id + "&where[latest][equals]=true", Headers: h})
			if res.Status != 200 {
				t.Fatalf("versions: %d %s", res.Status, truncate(string(res.Raw), 300))
			}
			if n := dig(res.JSON, "totalDocs"); n != float64(1) {
				t.Fatalf("latest versions of one page: %v, want 1", n)
			}
		})
	})
}
