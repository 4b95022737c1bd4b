package store

import (
	"context"
	"github.com/automatonic/chronos/app/collections"
	"log/slog"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/automatonic/chronos/app/internal/testenv"
)

// seedBench fills a fresh PostgreSQL database with n published pages, each
// with a hero image, meta image, two related pages, blocks and rich text.
func seedBench(b *testing.B, n int) (*content.Service, *DB) {
	b.Helper()
	ctx := context.Background()
	db, err := Open(ctx, Options{PostgresURL: testenv.Postgres(b), MaxConns: 8})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	svc := content.NewService(collections.MustRegistry(), db.Content(), content.Hooks{}, nil, slog.New(slog.DiscardHandler))
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	rich := map[string]any{"root": map[string]any{"type": "root", "version": 1, "children": []any{
		map[string]any{"type": "paragraph", "version": 1, "children": []any{map[string]any{"type": "text", "version": 1, "text": "Lorem ipsum dolor sit amet, consectetur adipiscing elit.", "format": 1}}},
	}}}
	var ids []any
	for i := 0; i < n; i++ {
		m, err := svc.Create(ctx, admin, collections.MediaSlug, map[string]any{"alt": "Image " + strconv.Itoa(i)}, content.WriteOptions{Attachment: imageFile("Image " + strconv.Itoa(i))})
		if err != nil {
			b.Fatal(err)
		}
		in := map[string]any{
			"title": "Page " + strconv.Itoa(i), "_status": "published", "publishedAt": "2026-03-01T08:00:00Z",
			"content": rich, "heroImage": m.Doc["id"], "meta": map[string]any{"title": "Meta", "image": m.Doc["id"]},
			"layout": []any{
				map[string]any{"blockType": "hero", "heading": "Hello", "media": m.Doc["id"]},
				map[string]any{"blockType": "content", "richText": rich},
			},
		}
		if len(ids) >= 2 {
			in["related"] = []any{ids[len(ids)-1], ids[len(ids)-2]}
		}
		p, err := svc.Create(ctx, admin, collections.PagesSlug, in, content.WriteOptions{ReadOptions: content.ReadOptions{Depth: 0}})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, p.Doc["id"])
	}
	return svc, db
}

// benchFind runs one find query in a loop and checks it returns want docs.
func benchFind(b *testing.B, raw string, want int) {
	svc, _ := seedBench(b, 200)
	ctx := context.Background()
	p, err := query.Parse(raw)
	if err != nil {
		b.Fatal(err)
	}
	opts := content.ReadOptionsFrom(p)
	b.ReportAllocs()
	for b.Loop() { // b.Loop resets the timer after the seeding above
		l, err := svc.Find(ctx, nil, collections.PagesSlug, p, opts)
		if err != nil || len(l.Docs) != want {
			b.Fatalf("%s: %v (%d docs, want %d)", raw, err, len(l.Docs), want)
		}
	}
}

// BenchmarkFindBySlugDepth1 is GET /api/pages?where[slug][equals]=…&depth=1
// below HTTP: compile, query, populate, shape.
func BenchmarkFindBySlugDepth1(b *testing.B) { benchFind(b, "where[slug][equals]=page-150&depth=1", 1) }

// BenchmarkList100 is GET /api/pages?limit=100&sort=-publishedAt&depth=0.
func BenchmarkList100(b *testing.B) { benchFind(b, "limit=100&sort=-publishedAt&depth=0", 100) }

// BenchmarkUpdatePage is PATCH /api/pages/:id?depth=0 {title} below HTTP,
// versions on (drafts, at most 50 kept), from concurrent writers on
// different pages: lock, merge over the latest version, relation checks,
// update, new version, pruning.
func BenchmarkUpdatePage(b *testing.B) {
	const pages = 200
	svc, _ := seedBench(b, pages)
	ctx := context.Background()
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := next.Add(1)
			id := 1 + n%pages
			in := map[string]any{"title": "Updated " + strconv.FormatInt(n, 10)}
			if _, err := svc.Update(ctx, admin, collections.PagesSlug, id, in, content.WriteOptions{}); err != nil {
				b.Fatalf("update page %d: %v", id, err)
			}
		}
	})
}
