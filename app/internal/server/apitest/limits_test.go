package apitest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/bench"
	"github.com/automatonic/chronos/app/internal/httpapi"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/automatonic/chronos/app/internal/store"
	"github.com/automatonic/chronos/app/internal/testenv"
	"github.com/jackc/pgx/v5"
)

// maxBackendGrowth bounds how far one request may raise the PostgreSQL
// backend's peak RSS above its resident size before the request. The
// unbounded queries of the security test took 0.6 GB; at the caps a query
// needs a few MiB.
const maxBackendGrowth = 48 << 20

// numbers is "1,2,…,n".
func numbers(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = strconv.Itoa(i + 1)
	}
	return strings.Join(s, ",")
}

// letters is n varied lowercase letters (distinct trigrams, the costly
// case for a search index).
func letters(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + (i*7+i/26)%26)
	}
	return string(b)
}

func words(n int) string { return strings.TrimSpace(strings.Repeat("wörd ", n)) }

// orOf joins n copies of a condition into where[or][i]…
func orOf(n int, cond string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "&where[or][%d]%s", i, cond)
	}
	return b.String()[1:]
}

// limitCase is one cap: a query at the cap (200) and one past it (400
// QueryError naming the limit).
type limitCase struct {
	name, at, over, path, what string
}

func limitCases() []limitCase {
	return []limitCase{
		{"in", "where[related][in]=" + numbers(query.MaxValues), "where[related][in]=" + numbers(query.MaxValues+1), "related", "values per condition"},
		{"not_in", "where[related][not_in]=" + numbers(query.MaxValues), "where[related][not_in]=" + numbers(query.MaxValues+1), "related", "values per condition"},
		{"all", "where[related][all]=" + numbers(query.MaxValues), "where[related][all]=" + numbers(query.MaxValues+1), "related", "values per condition"},
		{"in on a join", "where[related.title][in]=" + numbers(query.MaxValues), "where[related.title][in]=" + numbers(query.MaxValues+1), "related.title", "values per condition"},
		{"like", "where[content][like]=" + url.QueryEscape(words(query.MaxLikeWords)), "where[content][like]=" + url.QueryEscape(words(query.MaxLikeWords+1)), "content", "words per like"},
		{"not_like", "where[title][not_like]=" + url.QueryEscape(words(query.MaxLikeWords)), "where[title][not_like]=" + url.QueryEscape(words(query.MaxLikeWords+1)), "title", "words per like"},
		{"conditions", orOf(query.MaxConditions, "[slug][equals]=x"), orOf(query.MaxConditions+1, "[slug][equals]=x"), "slug", "conditions per query"},
		// One value of any operator: a long search term was quadratic in
		// SQLite's search index and a 50 KB one a LIKE pattern SQLite
		// refuses (500).
		{"contains value", "where[title][contains]=" + letters(query.MaxValueBytes), "where[title][contains]=" + letters(query.MaxValueBytes+1), "title", "bytes per value"},
		{"like value", "where[title][like]=" + letters(query.MaxValueBytes), "where[title][like]=" + letters(query.MaxValueBytes+1), "title", "bytes per value"},
		{"equals value", "where[title][equals]=" + letters(query.MaxValueBytes), "where[title][equals]=" + letters(query.MaxValueBytes+1), "title", "bytes per value"},
		{"not_equals value", "where[slug][not_equals]=" + letters(query.MaxValueBytes), "where[slug][not_equals]=" + letters(query.MaxValueBytes+1), "slug", "bytes per value"},
		{"in value", "where[slug][in]=a," + letters(query.MaxValueBytes), "where[slug][in]=a," + letters(query.MaxValueBytes+1), "slug", "bytes per value"},
		// The caps multiply; the bind-parameter cap bounds the product. The
		// access rule of an anonymous read adds a parameter of its own, so
		// "at the cap" leaves it room.
		{"like conditions", orOf(query.MaxConditions, "[content][like]="+url.QueryEscape(words(store.MaxBindParams/query.MaxConditions-1))),
			orOf(query.MaxConditions+1, "[content][like]=x"), "content", "conditions per query"},
		{"bind parameters", orOf(store.MaxBindParams/query.MaxValues-1, "[related][in]="+numbers(query.MaxValues)) + "&where[slug][in]=" + numbers(query.MaxValues-10),
			orOf(store.MaxBindParams/query.MaxValues+1, "[related][in]="+numbers(query.MaxValues)), "where", "bind parameters per query"},
	}
}

// TestQueryLimits: every cap on the work of a query answers 400 with a
// QueryError naming the limit, one past the cap, for each operator, on both
// dialects; the same query at the cap succeeds. On PostgreSQL the test
// measures the peak RSS of the one backend serving the CMS around each query
// past the cap and at it: it stays bounded, whatever the operator.
func TestQueryLimits(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		extra := map[string]string{contract.CMSDBMaxConns: "1"}
		if dialect == dialectPostgres {
			extra[contract.PostgresURL] = testenv.Postgres(t)
		}
		e := newEnv(t, dialect, extra)
		seedContent(t, e)
		var backend func() int
		if dialect == dialectPostgres {
			backend = backendPID(t, extra[contract.PostgresURL])
		}
		// measure resets the backend's peak RSS and returns the check of
		// its growth (nothing to measure on SQLite).
		measure := func(t *testing.T) func() {
			if backend == nil {
				return func() {}
			}
			return peakOf(t, backend())
		}
		for _, lc := range limitCases() {
			t.Run(lc.name, func(t *testing.T) {
				done := measure(t)
				over := e.do(t, request{Method: "GET", Path: "/api/pages?depth=0&" + lc.over})
				done()
				checkResponse(t, e, 400, `{"errors":[{"name":"QueryError","data":[{"path":"`+lc.path+`"}],"message":"<string>"}]}`, nil, over)
				if msg := over.str(t, "errors.0.message"); !strings.Contains(msg, lc.what) {
					t.Errorf("message %q does not name the limit %q", msg, lc.what)
				}
				done = measure(t)
				at := e.do(t, request{Method: "GET", Path: "/api/pages?depth=0&" + lc.at})
				done()
				if at.Status != 200 {
					t.Fatalf("at the cap: %d %s", at.Status, truncate(string(at.Raw), 300))
				}
			})
		}
		t.Run("method override body", func(t *testing.T) {
			h := map[string]string{"X-Payload-HTTP-Method-Override": "GET", "Content-Type": "application/x-www-form-urlencoded"}
			at := e.do(t, request{Method: "POST", Path: "/api/pages?depth=0", Headers: h, Body: "where[related][all]=" + numbers(query.MaxValues)})
			if at.Status != 200 {
				t.Fatalf("override at the caps: %d %s", at.Status, truncate(string(at.Raw), 300))
			}
			big := "where[related][all]=" + numbers(25000)
			if len(big) <= httpapi.MaxOverrideBytes {
				t.Fatalf("test body too small: %d", len(big))
			}
			over := e.do(t, request{Method: "POST", Path: "/api/pages", Headers: h, Body: big})
			if over.Status != 413 {
				t.Fatalf("override body of %d bytes: %d, want 413", len(big), over.Status)
			}
		})
	})
}

// backendPID returns a function that finds the PID of the one client
// backend serving the CMS's database (the CMS runs with one connection).
func backendPID(t *testing.T, dbURL string) func() int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	return func() int {
		var pid int
		err := conn.QueryRow(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()
			AND pid <> pg_backend_pid() AND backend_type = 'client backend'`).Scan(&pid)
		if err != nil {
			t.Fatalf("find the CMS backend: %v", err)
		}
		return pid
	}
}

// peakOf resets pid's peak RSS and returns a function that fails the test
// when the peak since then rose more than maxBackendGrowth above the RSS at
// the reset.
func peakOf(t *testing.T, pid int) func() {
	t.Helper()
	if err := bench.ResetPeakRSS(pid); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("reset the backend's peak RSS: %v", err)
		}
		t.Skipf("cannot reset the backend's peak RSS (needs root): %v", err)
	}
	before, err := bench.Memory(pid)
	if err != nil {
		t.Fatal(err)
	}
	return func() {
		after, err := bench.Memory(pid)
		if err != nil {
			t.Fatal(err)
		}
		growth := after.Peak - before.RSS
		t.Logf("backend %d: RSS %.1f MiB, peak during the query %.1f MiB (+%.1f MiB)", pid,
			float64(before.RSS)/(1<<20), float64(after.Peak)/(1<<20), float64(growth)/(1<<20))
		if growth > maxBackendGrowth {
			t.Errorf("backend peak grew by %.1f MiB, more than %d MiB", float64(growth)/(1<<20), maxBackendGrowth>>20)
		}
	}
}

// TestStatementTimeoutAnswers503: on PostgreSQL a statement cut by the
// statement timeout answers 503 with Retry-After — reads, counts and
// writes alike — and the CMS serves again once the cause is gone. Each
// statement waits on a lock the test holds on the pages table, so it cannot
// finish within the timeout whatever the machine's speed. (SQLite's driver
// cannot interrupt a running statement: there the query caps bound the
// work, TestQueryLimits.)
func TestStatementTimeoutAnswers503(t *testing.T) {
	dbURL := testenv.Postgres(t)
	sep := "?"
	if strings.Contains(dbURL, "?") {
		sep = "&"
	}
	e := newEnv(t, dialectPostgres, map[string]string{contract.PostgresURL: dbURL + sep + "statement_timeout=500"})
	seedContent(t, e)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE pages IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	h := map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}
	for _, r := range []request{
		{Method: "GET", Path: "/api/pages?depth=0", Headers: h},
		{Method: "GET", Path: "/api/pages/{{home}}?depth=0", Headers: h},
		// A filtered count: an unfiltered one is read from the row
		// counters (migration 0013) and never waits on the pages table.
		{Method: "GET", Path: "/api/pages/count?where[title][equals]=Home", Headers: h},
		{Method: "PATCH", Path: "/api/pages/{{home}}?depth=0", Headers: h, Body: `{"title":"Blocked"}`},
	} {
		res := e.do(t, r)
		if res.Status != 503 || res.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s while the statement cannot finish: %d (Retry-After %q) %s", r.Method, r.Path, res.Status, res.Header.Get("Retry-After"), truncate(string(res.Raw), 300))
		}
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if res := e.do(t, request{Method: "GET", Path: "/api/pages/{{home}}?depth=0", Headers: h}); res.Status != 200 || res.str(t, "title") != "Home" {
		t.Fatalf("after the lock: %d %s", res.Status, truncate(string(res.Raw), 300))
	}
}
