package store

import (
	"context"
	"errors"
	"github.com/automatonic/chronos/app/collections"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/automatonic/chronos/app/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// openBoth opens a migrated SQLite file and a migrated fresh PostgreSQL
// database, so every test runs on both dialects.
func openBoth(t testing.TB) map[string]*DB {
	t.Helper()
	out := map[string]*DB{}
	for _, d := range []Dialect{SQLite, Postgres} {
		o := Options{SQLitePath: filepath.Join(t.TempDir(), "test.db"), MaxConns: 5}
		if d == Postgres {
			o = Options{PostgresURL: testenv.Postgres(t), MaxConns: 5}
		}
		db, err := Open(context.Background(), o)
		if err != nil {
			t.Fatalf("open %s: %v", d, err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatalf("migrate %s: %v", d, err)
		}
		out[string(d)] = db
	}
	return out
}

func TestMigrateIsIdempotentAndStatusCurrent(t *testing.T) {
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			done, err := db.Migrate(ctx)
			if err != nil || len(done) != 0 {
				t.Fatalf("second migrate applied %v, err %v; want nothing", done, err)
			}
			st, err := db.Status(ctx)
			if err != nil || !st.UpToDate() {
				t.Fatalf("status %+v err %v; want up to date", st, err)
			}
		})
	}
}

func TestStatusOfEmptyDatabaseIsOutdated(t *testing.T) {
	db, err := Open(context.Background(), Options{SQLitePath: filepath.Join(t.TempDir(), "empty.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := db.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.UpToDate() || st.Current != 0 || len(st.Pending) == 0 {
		t.Fatalf("status %+v: want pending migrations on an empty database", st)
	}
}

// TestDialectsHaveSameLogicalSchema proves both migration sets end at the
// same tables and columns (SQLite's FTS5 search tables, the counterpart of
// PostgreSQL's trigram indexes, and their shadow tables aside).
func TestDialectsHaveSameLogicalSchema(t *testing.T) {
	dbs := openBoth(t)
	schema := func(db *DB) []string {
		var rows []struct{ Tbl, Col string }
		q := `SELECT table_name AS tbl, column_name AS col FROM information_schema.columns WHERE table_schema = current_schema()`
		if db.dialect == SQLite {
			q = `SELECT m.name AS tbl, p.name AS col FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
				AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.sql LIKE 'CREATE VIRTUAL TABLE%' AND (m.name = v.name OR m.name LIKE v.name || '\_%' ESCAPE '\'))`
		}
		if err := db.gdb.Raw(q).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows {
			out = append(out, r.Tbl+"."+r.Col)
		}
		sort.Strings(out)
		return out
	}
	pg, lite := schema(dbs["postgres"]), schema(dbs["sqlite"])
	if !slices.Equal(pg, lite) {
		t.Fatalf("schemas differ:\npostgres: %v\nsqlite:   %v", pg, lite)
	}
	if len(pg) < 40 {
		t.Fatalf("suspiciously small schema: %v", pg)
	}
}

func newService(db *DB) *content.Service {
	return content.NewService(mustRegistry(3), db.Content(), content.Hooks{}, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func mustParse(t *testing.T, raw string) query.Params {
	t.Helper()
	p, err := query.Parse(raw)
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	return p
}

func TestContentScenarioOnBothDialects(t *testing.T) {
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			svc := newService(db)
			mk := func(slug string, in map[string]any) content.Doc {
				t.Helper()
				res, err := svc.Create(ctx, admin, slug, in, content.WriteOptions{})
				if err != nil {
					t.Fatalf("create %v: %v", in, err)
				}
				return res.Doc
			}
			hero, err := svc.Create(ctx, admin, collections.MediaSlug, map[string]any{"alt": "Hero image"}, content.WriteOptions{Attachment: imageFile("Hero image")})
			if err != nil {
				t.Fatal(err)
			}
			img := hero.Doc
			home := mk(collections.PagesSlug, map[string]any{"title": "Home", "_status": "published", "publishedAt": "2026-03-01T08:00:00Z",
				"meta": map[string]any{"title": "Home | Peer"}, "heroImage": img["id"],
				"layout": []any{map[string]any{"blockType": "hero", "heading": "Hi"}}})
			about := mk(collections.PagesSlug, map[string]any{"title": "Über uns", "_status": "published", "related": []any{home["id"]}})
			draft := mk(collections.PagesSlug, map[string]any{"title": "Draft page"})
			if about["slug"] != "uber-uns" || draft["_status"] != "draft" {
				t.Fatalf("slug %v status %v", about["slug"], draft["_status"])
			}
			// duplicate slug is a ValidationError on slug
			_, err = svc.Create(ctx, admin, collections.PagesSlug, map[string]any{"title": "x", "slug": "home"}, content.WriteOptions{})
			var ve *content.ValidationError
			if !errors.As(err, &ve) || ve.Errors[0].Path != "slug" || ve.Errors[0].Message != "Value must be unique" {
				t.Fatalf("duplicate slug: %v", err)
			}
			// relation to a missing document is a ValidationError
			_, err = svc.Create(ctx, admin, collections.PagesSlug, map[string]any{"title": "x", "heroImage": 9999}, content.WriteOptions{})
			if !errors.As(err, &ve) || ve.Errors[0].Path != "heroImage" {
				t.Fatalf("missing relation: %v", err)
			}

			find := func(actor *content.Actor, raw string) []string {
				t.Helper()
				p := mustParse(t, raw)
				l, err := svc.Find(ctx, actor, collections.PagesSlug, p, content.ReadOptionsFrom(p))
				if err != nil {
					t.Fatalf("find %q: %v", raw, err)
				}
				var slugs []string
				for _, d := range l.Docs {
					s, _ := d["slug"].(string)
					slugs = append(slugs, s)
				}
				return slugs
			}
			cases := []struct {
				actor *content.Actor
				q     string
				want  string
			}{
				{admin, "sort=slug", "draft-page,home,uber-uns"},
				{nil, "sort=slug", "home,uber-uns"},
				{admin, "where[slug][equals]=home", "home"},
				{admin, "where[slug][not_equals]=home&sort=slug", "draft-page,uber-uns"},
				{admin, "where[slug][in]=home,draft-page&sort=slug", "draft-page,home"},
				{admin, "where[slug][not_in]=home&sort=slug", "draft-page,uber-uns"},
				{admin, "where[title][like]=PAGE draft", "draft-page"},
				{admin, "where[title][contains]=ber", "uber-uns"},
				{admin, "where[title][like]=ÜBER", "uber-uns"},
				{admin, "where[title][contains]=über u", "uber-uns"},
				{admin, "where[title][not_like]=page&sort=slug", "home,uber-uns"},
				{admin, "where[meta.title][equals]=Home | Peer", "home"},
				{admin, "where[meta][title][like]=peer", "home"},
				{admin, "where[heroImage.alt][like]=hero", "home"},
				{admin, "where[heroImage][exists]=false&sort=slug", "draft-page,uber-uns"},
				{admin, "where[related][in]=" + itoa(home["id"]), "uber-uns"},
				{admin, "where[related.slug][equals]=home", "uber-uns"},
				{admin, "where[layout.blockType][equals]=hero", "home"},
				{admin, "where[layout.heading][equals]=Hi", "home"},
				{admin, "where[publishedAt][greater_than]=2026-01-01", "home"},
				{admin, "where[publishedAt][less_than_equal]=2026-01-01", ""},
				{admin, "where[_status][equals]=draft", "draft-page"},
				{admin, "where[id][in]=" + itoa(home["id"]) + "," + itoa(draft["id"]) + "&sort=id", "home,draft-page"},
				{admin, "where[or][0][slug][equals]=home&where[or][1][slug][equals]=uber-uns&sort=-slug", "uber-uns,home"},
				{admin, "where[and][0][slug][like]=u&where[and][1][title][like]=uns", "uber-uns"},
				{admin, "limit=1&page=2&sort=slug", "home"},
			}
			for _, c := range cases {
				if got := strings.Join(find(c.actor, c.q), ","); got != c.want {
					t.Errorf("%s: got %q want %q", c.q, got, c.want)
				}
			}
			// Anonymous cannot probe users through a join.
			if got := find(nil, "where[author.email][exists]=false"); len(got) != 0 {
				t.Errorf("anonymous join into users matched %v", got)
			}
			// Wrong value types are a QueryValueError, bad paths a query.Error.
			_, err = svc.Find(ctx, admin, collections.PagesSlug, mustParse(t, "where[publishedAt][greater_than]=abc"), content.ReadOptions{})
			var qv *content.QueryValueError
			if !errors.As(err, &qv) {
				t.Errorf("bad date: %v", err)
			}
			_, err = svc.Find(ctx, admin, collections.PagesSlug, mustParse(t, "where[nope][equals]=x"), content.ReadOptions{})
			var qe *query.Error
			if !errors.As(err, &qe) || qe.Paths[0] != "nope" {
				t.Errorf("bad path: %v", err)
			}

			// Population: depth 1 embeds the hero image; anonymous sees author as id.
			doc, err := svc.FindByID(ctx, nil, collections.PagesSlug, home["id"].(int64), content.ReadOptions{Depth: 1})
			if err != nil {
				t.Fatal(err)
			}
			if hi, ok := doc["heroImage"].(map[string]any); !ok || hi["alt"] != "Hero image" {
				t.Fatalf("heroImage not populated: %#v", doc["heroImage"])
			}
			// Anonymous cannot read drafts.
			if _, err := svc.FindByID(ctx, nil, collections.PagesSlug, draft["id"].(int64), content.ReadOptions{}); !errors.Is(err, content.ErrNotFound) {
				t.Fatalf("anonymous draft read: %v", err)
			}

			// Drafts: a draft save leaves the published document alone.
			hid := home["id"].(int64)
			if _, err := svc.Update(ctx, admin, collections.PagesSlug, hid, map[string]any{"title": "Home (draft edit)", "_status": "draft"}, content.WriteOptions{Draft: true}); err != nil {
				t.Fatal(err)
			}
			pub, _ := svc.FindByID(ctx, nil, collections.PagesSlug, hid, content.ReadOptions{})
			dr, _ := svc.FindByID(ctx, admin, collections.PagesSlug, hid, content.ReadOptions{Draft: true})
			if pub["title"] != "Home" || dr["title"] != "Home (draft edit)" || dr["_status"] != "draft" {
				t.Fatalf("published %v / draft %v", pub["title"], dr["title"])
			}
			// Version cap (3 in this registry) prunes the oldest.
			for i := 0; i < 4; i++ {
				if _, err := svc.Update(ctx, admin, collections.PagesSlug, hid, map[string]any{"title": "Home"}, content.WriteOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			vl, err := svc.FindVersions(ctx, admin, collections.PagesSlug, mustParse(t, "where[parent][equals]="+itoa(home["id"])+"&sort=-updatedAt"))
			if err != nil {
				t.Fatal(err)
			}
			if vl.TotalDocs != 3 || vl.Docs[0]["latest"] != true {
				t.Fatalf("versions: total %d, first %v", vl.TotalDocs, vl.Docs[0]["latest"])
			}
			// Restore an older version.
			oldest := vl.Docs[2]["id"].(int64)
			if _, err := svc.RestoreVersion(ctx, admin, collections.PagesSlug, oldest, content.ReadOptions{}); err != nil {
				t.Fatal(err)
			}
			// Bulk update with where.
			br, err := svc.UpdateMany(ctx, admin, collections.PagesSlug, mustParse(t, "where[slug][in]=home,uber-uns").Where, map[string]any{"meta": map[string]any{"description": "bulk"}}, content.WriteOptions{})
			if err != nil || len(br.Docs) != 2 || br.Message != "Updated 2 Pages successfully." {
				t.Fatalf("bulk: %+v %v", br.Message, err)
			}
			got, _ := svc.FindByID(ctx, admin, collections.PagesSlug, hid, content.ReadOptions{})
			if m := got["meta"].(map[string]any); m["title"] != "Home | Peer" || m["description"] != "bulk" {
				t.Fatalf("group merge lost a key: %v", m)
			}
			// Delete removes the page and its versions.
			if _, err := svc.Delete(ctx, admin, collections.PagesSlug, draft["id"].(int64), content.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			n, _ := svc.Count(ctx, admin, collections.PagesSlug, query.Where{})
			if n != 2 {
				t.Fatalf("count after delete = %d", n)
			}
		})
	}
}

func itoa(v any) string { return strconv.FormatInt(v.(int64), 10) }

type countingEvents struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *countingEvents) Publish(_ context.Context, e content.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[e.Type]++
}

// TestScheduledPublishRunsOnceWithRacingSchedulers runs two schedulers —
// two pools, as two CMS processes would have — against one PostgreSQL
// database, racing for the same due job: the page is published exactly once.
func TestScheduledPublishRunsOnceWithRacingSchedulers(t *testing.T) {
	ctx := context.Background()
	url := testenv.Postgres(t)
	open := func() *DB {
		db, err := Open(ctx, Options{PostgresURL: url, MaxConns: 4})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db1, db2 := open(), open()
	if _, err := db1.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	events := &countingEvents{n: map[string]int{}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s1 := content.NewService(collections.MustRegistry(), db1.Content(), content.Hooks{}, events, log)
	s2 := content.NewService(collections.MustRegistry(), db2.Content(), content.Hooks{}, events, log)
	for i := 0; i < 5; i++ {
		res, err := s1.Create(ctx, admin, collections.PagesSlug, map[string]any{"title": "Launch " + strconv.Itoa(i)}, content.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		id := res.Doc["id"].(int64)
		if _, err := s1.Update(ctx, admin, collections.PagesSlug, id, map[string]any{"title": "Launch day " + strconv.Itoa(i), "_status": "draft"}, content.WriteOptions{Draft: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := s1.Schedule(ctx, admin, collections.PagesSlug, id, content.ActionPublish, time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	ran := make([]int, 2)
	for i, s := range []*content.Service{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 5; k++ {
				n, err := s.RunDue(ctx)
				if err != nil {
					t.Error(err)
				}
				ran[i] += n
			}
		}()
	}
	wg.Wait()
	if ran[0]+ran[1] != 5 || events.n["publish"] != 5 {
		t.Fatalf("jobs run %v, publish events %d; want 5 and 5", ran, events.n["publish"])
	}
	l, err := s1.Find(ctx, nil, collections.PagesSlug, mustParse(t, "sort=title"), content.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if l.TotalDocs != 5 || l.Docs[0]["title"] != "Launch day 0" {
		t.Fatalf("published: %d, first %v", l.TotalDocs, l.Docs[0]["title"])
	}
	// Exactly one published version per page came from the scheduler.
	vl, err := s1.FindVersions(ctx, admin, collections.PagesSlug, mustParse(t, "where[version._status][equals]=published&limit=0"))
	if err != nil {
		t.Fatal(err)
	}
	if vl.TotalDocs != 5 {
		t.Fatalf("%d published versions, want 5", vl.TotalDocs)
	}
}

// countingStore counts the queries population makes: getMany per
// collection (a GetEach counts one for each of its gets), trips the calls
// (each a round trip).
type countingStore struct {
	content.Store
	mu      sync.Mutex
	getMany map[string]int
	trips   int
}

func (c *countingStore) GetEach(ctx context.Context, gets []content.Get) ([][]content.Record, error) {
	c.mu.Lock()
	c.trips++
	for _, g := range gets {
		c.getMany[g.C.Slug]++
	}
	c.mu.Unlock()
	return c.Store.GetEach(ctx, gets)
}

func (c *countingStore) GetMany(ctx context.Context, col *content.Collection, ids []int64, f content.Filter) ([]content.Record, error) {
	c.mu.Lock()
	c.trips++
	c.getMany[col.Slug]++
	c.mu.Unlock()
	return c.Store.GetMany(ctx, col, ids, f)
}

func (c *countingStore) GetManyText(ctx context.Context, col *content.Collection, ids []int64, f content.Filter) ([]content.Record, error) {
	c.mu.Lock()
	c.trips++
	c.getMany[col.Slug]++
	c.mu.Unlock()
	return c.Store.GetManyText(ctx, col, ids, f)
}

// TestPopulationIsOneQueryPerRelationPerLevel proves depth population is
// batched: the number of queries does not grow with the number of documents.
func TestPopulationIsOneQueryPerRelationPerLevel(t *testing.T) {
	ctx := context.Background()
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			plain := newService(db)
			var prev any
			for i := 0; i < 12; i++ {
				m, err := plain.Create(ctx, admin, collections.MediaSlug, map[string]any{"alt": "img " + strconv.Itoa(i)}, content.WriteOptions{Attachment: imageFile("img " + strconv.Itoa(i))})
				if err != nil {
					t.Fatal(err)
				}
				in := map[string]any{"title": "P" + strconv.Itoa(i), "_status": "published", "heroImage": m.Doc["id"], "meta": map[string]any{"image": m.Doc["id"]}}
				if prev != nil {
					in["related"] = []any{prev}
				}
				p, err := plain.Create(ctx, admin, collections.PagesSlug, in, content.WriteOptions{})
				if err != nil {
					t.Fatal(err)
				}
				prev = p.Doc["id"]
			}
			for _, encoded := range []bool{false, true} {
				cs := &countingStore{Store: db.Content(), getMany: map[string]int{}}
				svc := content.NewService(collections.MustRegistry(), cs, content.Hooks{}, nil, slog.New(slog.DiscardHandler))
				checkPopulation(t, svc, cs, content.ReadOptions{Depth: 2, Encoded: encoded})
			}
		})
	}
}

// checkPopulation reads 12 chained pages at depth 2 and checks the queries
// and the population.
func checkPopulation(t *testing.T, svc *content.Service, cs *countingStore, opts content.ReadOptions) {
	t.Helper()
	l, err := svc.Find(context.Background(), nil, collections.PagesSlug, mustParse(t, "limit=0&depth=2"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Docs) != 12 {
		t.Fatalf("%d docs", len(l.Docs))
	}
	// One query per target collection per level: level 1 media + pages,
	// level 2 media + pages of the related pages. Anonymous readers never
	// query users.
	if cs.getMany[collections.MediaSlug] != 2 || cs.getMany[collections.PagesSlug] != 2 || cs.getMany[collections.UsersSlug] != 0 {
		t.Fatalf("queries per collection: %v", cs.getMany)
	}
	// One round trip per level.
	if cs.trips != 2 {
		t.Fatalf("%d population round trips, want 2 (one per level)", cs.trips)
	}
	rel := l.Docs[0]["related"].([]any)[0].(map[string]any)
	if hi, ok := rel["heroImage"].(map[string]any); !ok || hi["alt"] == nil {
		t.Fatalf("depth 2 not populated: %#v", rel["heroImage"])
	}
	deep, ok := rel["related"].([]any)[0].(map[string]any)
	if !ok {
		t.Fatalf("depth 2 related not populated: %#v", rel["related"])
	}
	if _, ok := deep["heroImage"].(int64); !ok {
		t.Fatalf("depth 3 must stay ids: %#v", deep["heroImage"])
	}
}

// TestDeleteDetachesReferences: deleting a document clears every reference
// to it (top level, groups, hasMany, blocks, arrays in blocks), as Payload's
// foreign keys do, without touching the referring documents' other data.
func TestDeleteDetachesReferences(t *testing.T) {
	ctx := context.Background()
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			svc := newService(db)
			mk := func(slug string, in map[string]any) int64 {
				t.Helper()
				res, err := svc.Create(ctx, admin, slug, in, content.WriteOptions{})
				if err != nil {
					t.Fatal(err)
				}
				return res.Doc["id"].(int64)
			}
			image := func(alt string) int64 {
				t.Helper()
				res, err := svc.Create(ctx, admin, collections.MediaSlug, map[string]any{"alt": alt}, content.WriteOptions{Attachment: imageFile(alt)})
				if err != nil {
					t.Fatal(err)
				}
				return res.Doc["id"].(int64)
			}
			img, keep := image("gone"), image("kept")
			other := mk(collections.PagesSlug, map[string]any{"title": "Other"})
			page := mk(collections.PagesSlug, map[string]any{"title": "Uses it", "heroImage": img, "meta": map[string]any{"image": img, "title": "T"},
				"related": []any{other},
				"layout": []any{
					map[string]any{"blockType": "mediaBlock", "media": img, "caption": "c"},
					map[string]any{"blockType": "features", "items": []any{map[string]any{"title": "f", "icon": img}, map[string]any{"title": "g", "icon": keep}}},
				}})
			if _, err := svc.Delete(ctx, admin, collections.MediaSlug, img, content.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Delete(ctx, admin, collections.PagesSlug, other, content.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			d, err := svc.FindByID(ctx, admin, collections.PagesSlug, page, content.ReadOptions{Depth: 0})
			if err != nil {
				t.Fatal(err)
			}
			meta := d["meta"].(map[string]any)
			layout := d["layout"].([]any)
			items := layout[1].(map[string]any)["items"].([]any)
			switch {
			case d["heroImage"] != nil, meta["image"] != nil, meta["title"] != "T":
				t.Fatalf("top/group not detached: hero %v meta %v", d["heroImage"], meta)
			case len(d["related"].([]any)) != 0:
				t.Fatalf("hasMany not detached: %v", d["related"])
			case layout[0].(map[string]any)["media"] != nil || layout[0].(map[string]any)["caption"] != "c":
				t.Fatalf("block not detached: %v", layout[0])
			case items[0].(map[string]any)["icon"] != nil || items[1].(map[string]any)["icon"] != keep:
				t.Fatalf("array in block: %v", items)
			}
		})
	}
}

// mustRegistry is the app's content model with a version cap.
func mustRegistry(maxVersions int) *content.Registry {
	reg, err := content.NewRegistry(maxVersions, collections.All()...)
	if err != nil {
		panic(err)
	}
	return reg
}

// TestDerivedSchemaMatchesMigrations proves the tables derived from the
// definitions are exactly what the committed migrations create, on both
// dialects, so databases created by earlier migrations keep working.
func TestDerivedSchemaMatchesMigrations(t *testing.T) {
	want, err := Derive(collections.MustRegistry())
	if err != nil {
		t.Fatal(err)
	}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			if _, err := db.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			diffs, err := db.Verify(context.Background(), want)
			if err != nil {
				t.Fatal(err)
			}
			if len(diffs) > 0 {
				t.Errorf("database differs from the definitions:\n%s", strings.Join(diffs, "\n"))
			}
		})
	}
}

// TestGenerationBumpsOncePerCommittedWrite: a create or update (document,
// version and pruning in one transaction) advances the content generation
// by exactly one, at its commit; a refused write does not advance it, and
// neither does a relation check that found a deleted target.
func TestGenerationBumpsOncePerCommittedWrite(t *testing.T) {
	ctx := context.Background()
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			svc := newService(db)
			gen := func() int64 {
				t.Helper()
				n, err := db.Generation(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			g0 := gen()
			m, err := svc.Create(ctx, admin, collections.MediaSlug, map[string]any{"alt": "hero"}, content.WriteOptions{Attachment: imageFile("hero")})
			if err != nil {
				t.Fatal(err)
			}
			p, err := svc.Create(ctx, admin, collections.PagesSlug, map[string]any{"title": "Gen", "_status": "published", "heroImage": m.Doc["id"]}, content.WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if g := gen(); g != g0+2 {
				t.Fatalf("after two creates: generation %d, want %d", g, g0+2)
			}
			id, _ := content.RelationID(p.Doc["id"])
			if _, err := svc.Update(ctx, admin, collections.PagesSlug, id, map[string]any{"title": "Gen 2"}, content.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if g := gen(); g != g0+3 {
				t.Fatalf("after an update with a version: generation %d, want %d", g, g0+3)
			}
			if _, err := svc.Update(ctx, admin, collections.PagesSlug, id, map[string]any{"heroImage": 999999}, content.WriteOptions{}); err == nil {
				t.Fatal("an update to a missing hero image was accepted")
			}
			if g := gen(); g != g0+3 {
				t.Fatalf("after a refused update: generation %d, want %d", g, g0+3)
			}
			d, err := svc.FindByID(ctx, admin, collections.PagesSlug, id, content.ReadOptions{})
			if err != nil || d["title"] != "Gen 2" {
				t.Fatalf("page after the refused update: %v, %v", d["title"], err)
			}
		})
	}
}

// imageFile is the system part of a media document for an image, as an
// upload records it: upload fields that take images only accept it.
func imageFile(alt string) *content.Attachment {
	return &content.Attachment{Fields: map[string]any{"mimeType": "image/png", "filename": strings.NewReplacer(" ", "-").Replace(strings.ToLower(alt)) + ".png"}}
}
