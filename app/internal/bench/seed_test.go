package bench

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/automatonic/chronos/app/internal/server"
	"github.com/automatonic/chronos/app/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestBulkSeedStoresWhatTheServiceStores seeds the same data set twice —
// document by document through the service's Create, and validated by the
// service but stored with BulkCreate — and compares everything the API
// reads back: documents with their columns' filters and sorts, versions
// with latest and status. Only timestamps and the random ids of array and
// block rows may differ.
func TestBulkSeedStoresWhatTheServiceStores(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			// 210 pages: past the first 200, so related pages are in play.
			opts := SeedOptions{Pages: 210, Media: 8, Workers: 1, Seed: 3}
			one := seedApp(t, dialect, opts, false)
			bulk := seedApp(t, dialect, opts, true)
			for _, q := range []struct{ slug, raw string }{
				{collections.PagesSlug, "limit=1000&sort=id&depth=0&draft=true"},
				{collections.PagesSlug, "limit=1000&sort=-publishedAt&depth=0"},
				{collections.PagesSlug, "limit=1000&sort=id&depth=0&where[title][like]=alpine%20meadow"},
				{collections.PagesSlug, "limit=1000&sort=id&depth=0&where[slug][contains]=page-001"},
				{collections.PagesSlug, "limit=5&sort=id&depth=1&where[related][exists]=true"},
				{collections.MediaSlug, "limit=1000&sort=id&depth=0"},
				{collections.MediaSlug, "limit=1000&sort=-filesize&depth=0&where[alt][like]=harbor"},
			} {
				a, b := find(t, one, q.slug, q.raw), find(t, bulk, q.slug, q.raw)
				if a != b {
					t.Errorf("%s?%s differs at byte %d:\nservice: …%s\nbulk:    …%s", q.slug, q.raw, firstDiff(a, b), around(a, firstDiff(a, b)), around(b, firstDiff(a, b)))
				}
				if len(a) < 100 {
					t.Errorf("%s?%s: suspiciously small answer %s", q.slug, q.raw, a)
				}
			}
			for _, slug := range []string{collections.HeaderSlug, collections.FooterSlug} {
				a, b := global(t, one, slug), global(t, bulk, slug)
				if a != b {
					t.Errorf("global %s differs at byte %d:\nservice: …%s\nbulk:    …%s", slug, firstDiff(a, b), around(a, firstDiff(a, b)), around(b, firstDiff(a, b)))
				}
			}
			for _, raw := range []string{"limit=1000&sort=id", "limit=1000&sort=id&where[latest][equals]=true"} {
				a, b := versions(t, one, raw), versions(t, bulk, raw)
				if a != b {
					t.Errorf("versions?%s differs at byte %d:\nservice: …%s\nbulk:    …%s", raw, firstDiff(a, b), around(a, firstDiff(a, b)), around(b, firstDiff(a, b)))
				}
			}
		})
	}
}

var admin = &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}

func seedApp(t *testing.T, dialect string, opts SeedOptions, bulk bool) *server.App {
	t.Helper()
	app := newApp(t, dialect)
	if bulk {
		opts.Bulk = app.DB()
	}
	if _, err := Seed(context.Background(), app.Content(), app.Auth(), opts); err != nil {
		t.Fatal(err)
	}
	return app
}

// newApp builds the CMS on a fresh, migrated database of dialect.
func newApp(t testing.TB, dialect string) *server.App {
	t.Helper()
	env := map[string]string{contract.PayloadSecret: "0123456789abcdef0123456789abcdef", contract.CMSAutoMigrate: "true",
		contract.CMSDataDir: filepath.Join(t.TempDir(), "data")}
	if dialect == "postgres" {
		env[contract.PostgresURL] = testenv.Postgres(t)
	}
	cfg, err := config.Load(env)
	if err != nil {
		t.Fatal(err)
	}
	app, err := server.Build(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	return app
}

// find returns a list answer as JSON without its timestamps.
func find(t *testing.T, app *server.App, slug, raw string) string {
	t.Helper()
	p, err := query.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	l, err := app.Content().Find(context.Background(), admin, slug, p, content.ReadOptionsFrom(p))
	if err != nil {
		t.Fatalf("find %s?%s: %v", slug, raw, err)
	}
	return withoutTimes(t, l)
}

// global returns a global read at depth=1 as JSON without its timestamps,
// after checking that it links six times, four of them to populated pages.
func global(t *testing.T, app *server.App, slug string) string {
	t.Helper()
	d, err := app.Content().FindGlobal(context.Background(), nil, slug, content.ReadOptions{Depth: 1})
	if err != nil {
		t.Fatalf("global %s: %v", slug, err)
	}
	out := withoutTimes(t, d)
	var g struct {
		NavItems []struct {
			Link struct {
				Reference *struct {
					Value struct {
						Slug string `json:"slug"`
					} `json:"value"`
				} `json:"reference"`
				URL *string `json:"url"`
			} `json:"link"`
		} `json:"navItems"`
	}
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatalf("global %s: %v in %s", slug, err, out)
	}
	populated, custom := 0, 0
	for _, n := range g.NavItems {
		if n.Link.Reference != nil && n.Link.Reference.Value.Slug != "" {
			populated++
		}
		if n.Link.URL != nil {
			custom++
		}
	}
	if len(g.NavItems) != navLinks || populated != navLinks-2 || custom != 2 {
		t.Errorf("global %s: want %d links, %d to populated pages and 2 custom, got %d, %d, %d: %s", slug, navLinks, navLinks-2, len(g.NavItems), populated, custom, out)
	}
	return out
}

func versions(t *testing.T, app *server.App, raw string) string {
	t.Helper()
	p, err := query.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	l, err := app.Content().FindVersions(context.Background(), admin, collections.PagesSlug, p)
	if err != nil {
		t.Fatalf("versions ?%s: %v", raw, err)
	}
	return withoutTimes(t, l)
}

func withoutTimes(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		t.Fatal(err)
	}
	var strip func(any)
	strip = func(v any) {
		switch m := v.(type) {
		case map[string]any:
			delete(m, "createdAt")
			delete(m, "updatedAt")
			if _, rowID := m["id"].(string); rowID {
				delete(m, "id") // array and block rows get random ids on every write
			}
			for _, c := range m {
				strip(c)
			}
		case []any:
			for _, c := range m {
				strip(c)
			}
		}
	}
	strip(x)
	out, _ := json.Marshal(x)
	return string(out)
}

func firstDiff(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func around(s string, i int) string { return s[max(0, i-150):min(len(s), i+150)] }

// TestFromJSONIsTheAPIsDecoding: literals of every shape the seed builds
// (and some it does not) converted directly equal their JSON decoded as
// the API decodes a request body.
func TestFromJSONIsTheAPIsDecoding(t *testing.T) {
	v := map[string]any{
		"title": "A", "n": 3, "id": int64(1) << 40, "neg": -7, "ids": []int64{4, 5}, "none": []int64{}, "b": true, "null": nil,
		"nested": map[string]any{"list": []any{map[string]any{"format": 0, "text": "x"}, "s", 2, []any{}}, "empty": map[string]any{}},
		"f":      1.5, "u": uint8(3), "t": time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "floats": []float64{0.25},
	}
	if got, want := fromJSON(v), roundTrip(v); !reflect.DeepEqual(got, want) {
		t.Errorf("fromJSON\n%#v\nthe API's decoding\n%#v", got, want)
	}
}

// TestPagesAreTheAPIsDecoding: the pages the seed builds are already what
// the API decodes from their JSON, so they need no conversion.
func TestPagesAreTheAPIsDecoding(t *testing.T) {
	for i := range 3 {
		r := rand.New(rand.NewPCG(1, uint64(i)))
		related := []int64{7, 9}[:i%3]
		page := pageDoc(i, r, []int64{1, 2, 3}, related, 4)
		if want := roundTrip(page); !reflect.DeepEqual(any(page), want) {
			t.Errorf("page %d\n%#v\nthe API's decoding\n%#v", i, page, want)
		}
	}
}
