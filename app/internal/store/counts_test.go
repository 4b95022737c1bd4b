package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
)

// TestRowCountersMatchCountStar checks the counts read from row_counts
// (migration 0013) against count(*) after creates, a bulk create, status
// changes both ways, a delete and a bulk delete, on both dialects: for
// every row, for each status, and through the service for an anonymous
// caller (published only) and an admin.
func TestRowCountersMatchCountStar(t *testing.T) {
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	var anon *content.Actor // not signed in: published documents only
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			svc := newService(db)
			check := func(step string) {
				t.Helper()
				for _, tc := range []struct{ tbl, where string }{
					{"pages", "1=1"}, {"pages", "status = 'published'"}, {"pages", "status = 'draft'"}, {"media", "1=1"}, {"users", "1=1"},
				} {
					var want int64
					if err := db.gdb.Raw("SELECT count(*) FROM " + tc.tbl + " WHERE " + tc.where).Scan(&want).Error; err != nil {
						t.Fatal(err)
					}
					var got int64
					c := db.Content()
					tb := &table{name: tc.tbl, cols: map[string]column{"_status": {"status", kText, false}}}
					f := content.Filter{}
					if tc.where != "1=1" {
						st := tc.where[len("status = '") : len(tc.where)-1]
						f = content.Filter{And: []content.Filter{{Cond: &content.Cond{Path: []content.Segment{{Name: "_status"}}, Type: content.Text, Op: query.Equals, Values: []any{st}}}}}
					}
					if _, ok := countedStatus(tb, f); !ok {
						t.Fatalf("%s: %s %s is not counted from the counters", step, tc.tbl, tc.where)
					}
					got, err := c.count(ctx, tb, f, "0=1", nil) // the fallback would answer 0
					if err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Errorf("%s: %s where %s: counters say %d, count(*) %d", step, tc.tbl, tc.where, got, want)
					}
				}
				for _, a := range []*content.Actor{anon, admin} {
					n, err := svc.Count(ctx, a, collections.PagesSlug, query.Where{})
					if err != nil {
						t.Fatal(err)
					}
					l, err := svc.Find(ctx, a, collections.PagesSlug, query.Params{Limit: 1, LimitSet: true, Page: 1, Pagination: true}, content.ReadOptions{})
					if err != nil {
						t.Fatal(err)
					}
					if l.TotalDocs != n {
						t.Errorf("%s: find says %d documents, count %d", step, l.TotalDocs, n)
					}
				}
			}
			check("empty")
			var ids []int64
			for i := range 6 {
				st := []string{"published", "draft"}[i%2]
				doc, err := svc.Create(ctx, admin, collections.PagesSlug, map[string]any{"title": "Page " + strconv.Itoa(i), "slug": "p" + strconv.Itoa(i), "_status": st}, content.WriteOptions{Draft: st == "draft"})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, doc.Doc["id"].(int64))
			}
			if _, err := svc.Create(ctx, admin, collections.MediaSlug, map[string]any{"alt": "a"}, content.WriteOptions{Attachment: imageFile("a")}); err != nil {
				t.Fatal(err)
			}
			check("created")
			recs := make([]content.Record, 5)
			for i := range recs {
				recs[i] = content.Record{Status: "published", Data: map[string]any{"title": "Bulk", "slug": "b" + strconv.Itoa(i)}}
			}
			if _, err := db.BulkCreate(ctx, mustCollection(t, collections.PagesSlug), recs); err != nil {
				t.Fatal(err)
			}
			check("bulk created")
			if _, err := svc.Update(ctx, admin, collections.PagesSlug, ids[1], map[string]any{"_status": "published"}, content.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Update(ctx, admin, collections.PagesSlug, ids[2], map[string]any{"title": "Renamed"}, content.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			check("published a draft")
			if _, err := svc.Delete(ctx, admin, collections.PagesSlug, ids[0], content.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			check("deleted")
			if _, err := svc.DeleteMany(ctx, admin, collections.PagesSlug, mustParse(t, "where[title][equals]=Bulk").Where, content.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			check("bulk deleted")
		})
	}
}

func mustCollection(t *testing.T, slug string) *content.Collection {
	t.Helper()
	c, ok := mustRegistry(3).Get(slug)
	if !ok {
		t.Fatalf("no collection %s", slug)
	}
	return c
}

// TestFilteredCountsMatchTheirDefinition checks counts the SQLite store
// answers from indexes (a like the trigram index decides, counted in the
// search table; a status plus other conditions, counted as all matches
// minus the other statuses' matches) against the documents themselves, on
// both dialects, for an anonymous caller (published only) and an admin,
// through count and through find's totalDocs.
func TestFilteredCountsMatchTheirDefinition(t *testing.T) {
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	var anon *content.Actor // not signed in: published documents only
	words := []string{"alpine", "harbor", "Meadow", "über", "ab"}
	type page struct {
		title     string
		published bool
		month     int
	}
	var pages []page
	for i := range 40 {
		pages = append(pages, page{words[i%5] + " " + words[(i/5)%5] + " " + strconv.Itoa(i), i%3 != 0, 1 + i%12})
	}
	wheres := []struct {
		q    string
		want func(p page) bool
	}{
		{"where[title][like]=meadow", func(p page) bool { return strings.Contains(strings.ToLower(p.title), "meadow") }},
		{"where[title][like]=MEADOW%20alp", func(p page) bool {
			return strings.Contains(strings.ToLower(p.title), "meadow") && strings.Contains(strings.ToLower(p.title), "alp")
		}},
		{"where[title][contains]=ber%20al", func(p page) bool { return strings.Contains(strings.ToLower(p.title), "ber al") }},
		{"where[title][like]=ab", func(p page) bool { return strings.Contains(strings.ToLower(p.title), "ab") }},
		{"where[publishedAt][greater_than_equal]=2024-06-01T00:00:00.000Z", func(p page) bool { return p.month >= 6 }},
		{"where[title][like]=harbor&where[publishedAt][less_than]=2024-04-01T00:00:00.000Z", func(p page) bool {
			return strings.Contains(strings.ToLower(p.title), "harbor") && p.month < 4
		}},
		{"where[or][0][title][like]=meadow%20alp&where[or][1][slug][like]=p12", func(p page) bool {
			lt := strings.ToLower(p.title)
			return strings.Contains(lt, "meadow") && strings.Contains(lt, "alp") || strings.Contains("p"+strings.Fields(p.title)[2], "p12")
		}},
		{"where[_status][equals]=draft&where[title][like]=alpine", func(p page) bool {
			return !p.published && strings.Contains(strings.ToLower(p.title), "alpine")
		}},
	}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			svc := newService(db)
			for i, p := range pages {
				st := map[bool]string{true: "published", false: "draft"}[p.published]
				in := map[string]any{"title": p.title, "slug": "p" + strconv.Itoa(i), "_status": st,
					"publishedAt": fmt.Sprintf("2024-%02d-15T00:00:00.000Z", p.month)}
				if _, err := svc.Create(ctx, admin, collections.PagesSlug, in, content.WriteOptions{Draft: !p.published}); err != nil {
					t.Fatal(err)
				}
			}
			for _, w := range wheres {
				for _, a := range []*content.Actor{anon, admin} {
					var want int64
					for _, p := range pages {
						if w.want(p) && (p.published || a == admin) {
							want++
						}
					}
					params := mustParse(t, w.q)
					n, err := svc.Count(ctx, a, collections.PagesSlug, params.Where)
					if err != nil {
						t.Fatal(err)
					}
					params = mustParse(t, w.q+"&limit=1")
					l, err := svc.Find(ctx, a, collections.PagesSlug, params, content.ReadOptions{})
					if err != nil {
						t.Fatal(err)
					}
					if n != want || l.TotalDocs != want {
						t.Errorf("%s (signed in %v): count %d, totalDocs %d, want %d", w.q, a.SignedIn(), n, l.TotalDocs, want)
					}
				}
			}
		})
	}
}
