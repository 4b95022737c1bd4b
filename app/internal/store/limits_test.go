package store

import (
	"context"
	"errors"
	"github.com/automatonic/chronos/app/collections"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"gorm.io/gorm"
)

// TestAllOnHasManyIsOneContainment: `all` on a hasMany field is one test
// with one bind parameter, whatever the number of values, and means the
// same on both dialects.
func TestAllOnHasManyIsOneContainment(t *testing.T) {
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			svc := newService(db)
			mk := func(in map[string]any) int64 {
				t.Helper()
				res, err := svc.Create(ctx, admin, collections.PagesSlug, in, content.WriteOptions{})
				if err != nil {
					t.Fatalf("create: %v", err)
				}
				return res.Doc["id"].(int64)
			}
			a := mk(map[string]any{"title": "A", "_status": "published"})
			b := mk(map[string]any{"title": "B", "_status": "published"})
			mk(map[string]any{"title": "Both", "_status": "published", "related": []any{a, b}})
			mk(map[string]any{"title": "Only A", "_status": "published", "related": []any{a}})
			ids := func(vs ...int64) string {
				s := make([]string, len(vs))
				for i, v := range vs {
					s[i] = strconv.FormatInt(v, 10)
				}
				return strings.Join(s, ",")
			}
			for _, tc := range []struct{ q, want string }{
				{"where[related][all]=" + ids(a, b), "both"},
				{"where[related][all]=" + ids(a), "both,only-a"},
				{"where[related][all]=" + ids(a, b, 999999), ""},
			} {
				p := mustParse(t, tc.q+"&sort=slug")
				l, err := svc.Find(ctx, admin, collections.PagesSlug, p, content.ReadOptionsFrom(p))
				if err != nil {
					t.Fatalf("%s: %v", tc.q, err)
				}
				var got []string
				for _, d := range l.Docs {
					got = append(got, d["slug"].(string))
				}
				if strings.Join(got, ",") != tc.want {
					t.Errorf("%s: got %v, want %s", tc.q, got, tc.want)
				}
			}
			// The rendered SQL holds one parameter for 500 values.
			many := make([]string, query.MaxValues)
			for i := range many {
				many[i] = strconv.Itoa(i + 1)
			}
			reg := collections.MustRegistry()
			pages, _ := reg.Get(collections.PagesSlug)
			f, err := reg.CompileWhere(pages, mustParse(t, "where[related][all]="+strings.Join(many, ",")).Where, admin)
			if err != nil {
				t.Fatal(err)
			}
			tbl, _ := tableFor(pages)
			sql, args, err := db.Content().where(tbl, f)
			if err != nil || len(args) != 1 || strings.Count(sql, "?") != 1 {
				t.Fatalf("all of %d values: %d args, err %v, sql %s", len(many), len(args), err, sql)
			}
		})
	}
}

// TestWhereOverBindParamLimit: a clause whose parts are each within the
// parser's caps but whose product is not is a *query.LimitError.
func TestWhereOverBindParamLimit(t *testing.T) {
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	vals := make([]string, query.MaxValues)
	for i := range vals {
		vals[i] = "s" + strconv.Itoa(i)
	}
	var b strings.Builder
	for i := 0; i*query.MaxValues <= MaxBindParams; i++ {
		b.WriteString("&where[or][" + strconv.Itoa(i) + "][slug][in]=" + strings.Join(vals, ","))
	}
	p := mustParse(t, b.String()[1:])
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			_, err := newService(db).Find(context.Background(), admin, collections.PagesSlug, p, content.ReadOptionsFrom(p))
			var le *query.LimitError
			if !errors.As(err, &le) || le.Max != MaxBindParams {
				t.Fatalf("err %T %v, want a LimitError on bind parameters", err, err)
			}
		})
	}
}

// TestStatementTimeoutIsUnavailable: a statement cut by the database's
// statement timeout or by the request's deadline is ErrUnavailable (503),
// not an internal error. On PostgreSQL the statement never finishes in the
// time given, so the outcome does not depend on timing. The SQLite driver
// (glebarez/go-sqlite) stops watching the context once a query is prepared,
// so a running SELECT cannot be interrupted there: its subtest covers a
// deadline that passed before the statement, and SQLite's work per request
// is bounded by the query caps instead.
func TestStatementTimeoutIsUnavailable(t *testing.T) {
	endless := "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
	for name, db := range openBoth(t) {
		t.Run(name+"/deadline", func(t *testing.T) {
			ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			defer cancel()
			p := mustParse(t, "where[slug][equals]=x")
			_, err := newService(db).Find(ctx, nil, collections.PagesSlug, p, content.ReadOptionsFrom(p))
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("err %v, want ErrUnavailable", err)
			}
		})
		if name != string(Postgres) {
			continue
		}
		t.Run(name+"/running-query-deadline", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			var n int64
			if err := classify(db.gdb.WithContext(ctx).Raw(endless).Scan(&n).Error); !errors.Is(err, ErrUnavailable) {
				t.Fatalf("err %v, want ErrUnavailable", err)
			}
		})
		t.Run(name+"/statement_timeout", func(t *testing.T) {
			var n int64
			err := db.gdb.Transaction(func(tx *gorm.DB) error {
				if err := tx.Exec("SET LOCAL statement_timeout = 100").Error; err != nil {
					return err
				}
				return tx.Raw(endless).Scan(&n).Error
			})
			if err = classify(err); !errors.Is(err, ErrUnavailable) {
				t.Fatalf("err %v, want ErrUnavailable", err)
			}
		})
	}
}

// TestIDValuesAreIntegers: ids and relations take integer ids (a fraction
// or a number beyond int64 is a QueryValueError on both dialects); other
// numbers compare as numbers, whatever their size.
func TestIDValuesAreIntegers(t *testing.T) {
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			svc := newService(db)
			if _, err := svc.Create(ctx, admin, collections.MediaSlug, map[string]any{"alt": "x"}, content.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{"where[id][equals]=1e19", "where[id][equals]=1.5", "where[id][in]=1,1.5",
				"where[id][equals]=99999999999999999999", "where[heroImage][equals]=1.5", "where[related][all]=1.5"} {
				p := mustParse(t, q)
				_, err := svc.Find(ctx, admin, collections.PagesSlug, p, content.ReadOptionsFrom(p))
				var qve *content.QueryValueError
				if !errors.As(err, &qve) {
					t.Errorf("%s: err %T %v, want QueryValueError", q, err, err)
				}
			}
			for _, q := range []string{"where[filesize][equals]=1e19", "where[filesize][greater_than]=1e19", "where[filesize][equals]=1.5",
				"where[filesize][less_than]=-1e300", "where[focalX][equals]=1e19"} {
				p := mustParse(t, q)
				l, err := svc.Find(ctx, admin, collections.MediaSlug, p, content.ReadOptionsFrom(p))
				if err != nil || len(l.Docs) != 0 {
					t.Errorf("%s: %d docs, err %v; want none and no error", q, len(l.Docs), err)
				}
			}
		})
	}
}

// TestPageDocsCap: an answer holds at most content.MaxPageDocs documents.
// limit=0, pagination=false and a larger limit are served up to the cap
// and refused with a LimitError on limit beyond it (never cut short), for
// anonymous callers and admins alike; a page within the cap is served.
// Both dialects.
func TestPageDocsCap(t *testing.T) {
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			svc := newService(db)
			col, _ := svc.Registry().Get(collections.PagesSlug)
			recs := make([]content.Record, content.MaxPageDocs)
			for i := range recs {
				rec, err := svc.Prepare(ctx, admin, collections.PagesSlug, map[string]any{"title": "P" + strconv.Itoa(i), "_status": "published"}, content.WriteOptions{})
				if err != nil {
					t.Fatal(err)
				}
				recs[i] = rec
			}
			if _, err := db.BulkCreate(ctx, col, recs); err != nil {
				t.Fatal(err)
			}
			find := func(actor *content.Actor, raw string) (content.List, error) {
				return svc.Find(ctx, actor, collections.PagesSlug, mustParse(t, raw), content.ReadOptions{})
			}
			// At the cap: everything, in one answer.
			for _, raw := range []string{"limit=0&depth=0", "pagination=false&depth=0", "limit=5000&depth=0"} {
				l, err := find(nil, raw)
				if err != nil || len(l.Docs) != content.MaxPageDocs {
					t.Fatalf("%s at the cap: %d docs, %v", raw, len(l.Docs), err)
				}
			}
			if _, err := svc.Create(ctx, admin, collections.PagesSlug, map[string]any{"title": "One more", "_status": "published"}, content.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			for _, actor := range []*content.Actor{nil, admin} {
				for _, raw := range []string{"limit=0&depth=0", "pagination=false&depth=0", "limit=5000&depth=0", "limit=5000&page=1&depth=0"} {
					_, err := find(actor, raw)
					var le *query.LimitError
					if !errors.As(err, &le) || le.Path != "limit" || le.Max != content.MaxPageDocs {
						t.Errorf("%s over the cap (admin %v): err %v, want a LimitError on limit", raw, actor != nil, err)
					}
				}
			}
			l, err := find(nil, "limit=1000&page=2&depth=0")
			if err != nil || len(l.Docs) != 1 || l.TotalDocs != int64(content.MaxPageDocs+1) {
				t.Fatalf("second page: %d docs of %d, %v", len(l.Docs), l.TotalDocs, err)
			}
		})
	}
}

// TestWhereValuesAreText: a where clause built without the REST parser
// (the admin's filters) with a NUL or broken UTF-8 in a value is a
// QueryValueError on both dialects, never a database error (PostgreSQL
// refuses such text).
func TestWhereValuesAreText(t *testing.T) {
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			svc := newService(db)
			for _, c := range []query.Cond{
				{Path: "title", Op: query.Equals, Values: []string{"a\x00b"}},
				{Path: "title", Op: query.Like, Values: []string{"caf\xc3"}},
				{Path: "title", Op: query.Contains, Values: []string{"\x00"}},
				{Path: "slug", Op: query.In, Values: []string{"home", "\xff"}},
				{Path: "meta.description", Op: query.NotEquals, Values: []string{"x\x00"}},
			} {
				p := query.Params{Page: 1, Pagination: true, Where: query.Where{Conds: []query.Cond{c}}}
				_, err := svc.Find(context.Background(), admin, collections.PagesSlug, p, content.ReadOptions{})
				var qve *content.QueryValueError
				if !errors.As(err, &qve) {
					t.Errorf("%s %s %q: err %T %v, want QueryValueError", c.Path, c.Op, c.Values, err, err)
				}
			}
			p := query.Params{Page: 1, Pagination: true, Where: query.Where{Conds: []query.Cond{{Path: "title", Op: query.Like, Values: []string{"café"}}}}}
			if _, err := svc.Find(context.Background(), admin, collections.PagesSlug, p, content.ReadOptions{}); err != nil {
				t.Fatalf("valid text: %v", err)
			}
		})
	}
}
