package store

import (
	"context"
	"errors"
	"github.com/automatonic/chronos/app/collections"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
)

// FuzzWhereSQL extends the where parser's fuzzing to the SQL it renders:
// every query string that parses is compiled against each collection (list
// and count) and each versions table (collections and globals with drafts)
// and run on SQLite (in process) and PostgreSQL (testenv), anonymously and
// as an admin. The only acceptable failures are the client errors the API answers
// with 4xx; any other error — a driver or SQL error, which would be a 5xx —
// fails. Seeds: f.Add below and testdata/fuzz/FuzzWhereSQL.
// Longer run: go test ./app/internal/store -run '^$' -fuzz FuzzWhereSQL -fuzztime 10m -parallel 1
func FuzzWhereSQL(f *testing.F) {
	for _, s := range []string{
		"where[slug][equals]=home&depth=1",
		"where[related][all]=1,2&where[related.title][like]=a b",
		"where[related.title][all]=x",
		"where[id][equals]=1e19",
		"where[id][equals]=1.5",
		"where[filesize][greater_than]=1e300",
		"where[or][0][title][like]=%25_&where[or][1][content][contains]=x",
		"where[layout.links.url][in]=a,b&where[layout.blockType][not_in]=hero",
		"where[meta.image.alt][exists]=true&where[heroImage.filesize][less_than]=-1",
		"where[publishedAt][greater_than_equal]=2026-01-01&where[_status][equals]=draft",
		"where[author.email][like]=admin&where[roles][all]=admin",
		"where[layout.items.title][not_like]=a&where[layout.media][in]=1",
		"where[title][not_equals]=&where[slug][not_in]=",
		"where[and][0][or][0][related][not_in]=1&where[and][1][createdAt][less_than]=2000",
		"where[title][equals]=%00&where[slug][like]=a%00b&where[meta.description][contains]=%00",
		"where[content][like]=%00&where[layout.links.url][in]=%00,b&sort=title",
		"where[version.title][equals]=x&where[parent][in]=1,1.5&where[latest][equals]=true",
		"where[version.navItems.link.reference][equals]=1&where[version._status][not_equals]=draft",
		"where[parent.title][all]=x&where[autosave][exists]=false&sort=-updatedAt",
	} {
		f.Add(s)
	}
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	ctx := context.Background()
	svcs := map[string]*content.Service{}
	for name, db := range openBoth(f) {
		svc := newService(db)
		m, err := svc.Create(ctx, admin, collections.MediaSlug, map[string]any{"alt": "Hero"}, content.WriteOptions{Attachment: imageFile("Hero")})
		if err != nil {
			f.Fatal(err)
		}
		home, err := svc.Create(ctx, admin, collections.PagesSlug, map[string]any{"title": "Home", "_status": "published", "heroImage": m.Doc["id"],
			"layout": []any{map[string]any{"blockType": "hero", "heading": "Hi", "links": []any{map[string]any{"url": "a"}}}}}, content.WriteOptions{})
		if err != nil {
			f.Fatal(err)
		}
		if _, err := svc.Create(ctx, admin, collections.PagesSlug, map[string]any{"title": "About", "related": []any{home.Doc["id"]}}, content.WriteOptions{}); err != nil {
			f.Fatal(err)
		}
		svcs[name] = svc
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := query.Parse(raw)
		if err != nil {
			return
		}
		for name, svc := range svcs {
			for _, actor := range []*content.Actor{nil, admin} {
				for _, r := range whereReads(svc, actor, p) {
					ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
					err := r.run(ctx)
					cancel()
					if err != nil && !clientError(err) {
						t.Fatalf("%s: %s (admin %v) %q: %T %v", name, r.name, actor != nil, raw, err, err)
					}
				}
			}
		}
	})
}

// whereRead is one read that renders a where clause to SQL.
type whereRead struct {
	name string
	run  func(context.Context) error
}

// whereReads lists every read that takes p's where clause: the list and
// count of each collection, and the versions list of each collection and
// global with drafts (its own table, version.* paths, parent and latest).
func whereReads(svc *content.Service, actor *content.Actor, p query.Params) []whereRead {
	var out []whereRead
	for _, c := range svc.Registry().All() {
		out = append(out,
			whereRead{"find " + c.Slug, func(ctx context.Context) error {
				_, err := svc.Find(ctx, actor, c.Slug, p, content.ReadOptionsFrom(p))
				return err
			}},
			whereRead{"count " + c.Slug, func(ctx context.Context) error {
				_, err := svc.Count(ctx, actor, c.Slug, p.Where)
				return err
			}})
		if c.Drafts {
			out = append(out, whereRead{"versions of " + c.Slug, func(ctx context.Context) error {
				_, err := svc.FindVersions(ctx, actor, c.Slug, p)
				return err
			}})
		}
	}
	for _, g := range svc.Registry().Globals() {
		if g.Drafts {
			out = append(out, whereRead{"versions of global " + g.Slug, func(ctx context.Context) error {
				_, err := svc.FindGlobalVersions(ctx, actor, g.Slug, p)
				return err
			}})
		}
	}
	return out
}

// clientError reports whether err is one the API answers with a 4xx.
func clientError(err error) bool {
	var (
		qe  *query.Error
		le  *query.LimitError
		se  *query.SyntaxError
		qve *content.QueryValueError
	)
	return errors.As(err, &qe) || errors.As(err, &le) || errors.As(err, &se) || errors.As(err, &qve) ||
		errors.Is(err, content.ErrForbidden) || errors.Is(err, content.ErrNotFound)
}
