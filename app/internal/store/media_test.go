package store

import (
	"context"
	"errors"
	"fmt"
	"github.com/automatonic/chronos/app/collections"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/query"
)

// TestMediaFilesRegistry exercises the object index on both dialects:
// atomic claims (direct uploads' reservations) under contention, rows
// written with their document (a reservation taken over, a fresh name
// inserted, another document's name refused), cascade on document delete,
// pending reservations and lookups.
func TestMediaFilesRegistry(t *testing.T) {
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			mf := db.MediaFiles()

			// 16 concurrent uploads of "hero.png" get 16 distinct names.
			var (
				mu  sync.Mutex
				got = map[string]bool{}
				wg  sync.WaitGroup
			)
			for range 16 {
				wg.Go(func() {
					n, err := media.UniqueFilename(ctx, "hero.png", func(ctx context.Context, c string) (bool, error) {
						ok, err := mf.Claim(ctx, media.File{Filename: c})
						return !ok, err
					})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					defer mu.Unlock()
					if got[n] {
						t.Errorf("name %s handed out twice", n)
					}
					got[n] = true
				})
			}
			wg.Wait()
			if !got["hero.png"] || !got["hero-15.png"] || len(got) != 16 {
				t.Fatalf("names %v", got)
			}
			if ok, err := mf.Claim(ctx, media.File{Filename: "hero.png"}); ok || err != nil {
				t.Fatalf("claim of a taken name: %v, %v", ok, err)
			}

			svc := newService(db)
			admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
			files := []content.File{
				{Filename: "hero.png", ContentType: "image/png", Filesize: 10},
				{Filename: "hero-1.png", SizeName: "thumbnail", ContentType: "image/png", Filesize: 5},
			}
			// The document and its objects' rows are written in one
			// transaction (content.Store.SetFiles).
			res, err := svc.Create(ctx, admin, collections.MediaSlug, map[string]any{"alt": "x"},
				content.WriteOptions{Attachment: &content.Attachment{Fields: map[string]any{"filename": "hero.png"}, Files: files}})
			if err != nil {
				t.Fatal(err)
			}
			id := res.Doc["id"].(int64)
			// A name another document owns is refused, with everything
			// else of that write: the document and the rows of its other
			// (unreserved) files, which it would have inserted.
			for _, bad := range [][]content.File{files[:1], {{Filename: "fresh.png"}, files[1]}} {
				_, err := svc.Create(ctx, admin, collections.MediaSlug, map[string]any{"alt": "y"},
					content.WriteOptions{Attachment: &content.Attachment{Fields: map[string]any{"filename": bad[0].Filename}, Files: bad}})
				if err == nil {
					t.Errorf("attach of %v (naming another document's file) was accepted", bad)
				}
			}
			if n, err := svc.Count(ctx, admin, collections.MediaSlug, query.Where{}); err != nil || n != 1 {
				t.Errorf("documents after refused attaches = %d, %v; want 1 (rolled back)", n, err)
			}
			if _, err := mf.Get(ctx, "fresh.png"); !errors.Is(err, media.ErrFileNotFound) {
				t.Errorf("row of a refused write's file: %v, want none", err)
			}
			f, err := mf.Get(ctx, "hero.png")
			if err != nil || f.MediaID != id || f.Filesize != 10 || f.ContentType != "image/png" || f.CreatedAt.IsZero() {
				t.Errorf("get = %+v, %v", f, err)
			}
			if _, err := mf.Get(ctx, "nope.png"); !errors.Is(err, media.ErrFileNotFound) {
				t.Errorf("get missing: %v", err)
			}
			by, err := mf.ByMedia(ctx, id)
			if err != nil || len(by) != 2 {
				t.Errorf("by media = %v, %v", by, err)
			}
			orig, err := mf.Originals(ctx)
			if err != nil || len(orig) != 1 || orig[0].Filename != "hero.png" {
				t.Errorf("originals = %v, %v", orig, err)
			}
			known, err := mf.Known(ctx, []string{"hero.png", "hero-3.png", "zzz.png"})
			if err != nil || !known["hero.png"] || !known["hero-3.png"] || known["zzz.png"] {
				t.Errorf("known = %v, %v", known, err)
			}
			pending, err := mf.Pending(ctx, time.Now().Add(time.Minute))
			if err != nil || len(pending) != 14 {
				t.Errorf("pending = %d, %v", len(pending), err)
			}
			if old, _ := mf.Pending(ctx, time.Now().Add(-time.Hour)); len(old) != 0 {
				t.Errorf("pending older than an hour = %v", old)
			}
			if ok, err := mf.Mark(ctx, "hero-2.png", "", "locked"); !ok || err != nil {
				t.Errorf("mark a pending row: %v, %v", ok, err)
			}
			if ok, err := mf.Mark(ctx, "hero-2.png", "", "locked"); ok || err != nil {
				t.Errorf("mark twice: %v, %v", ok, err)
			}
			if ok, err := mf.Mark(ctx, "hero.png", "image/png", "locked"); ok || err != nil {
				t.Errorf("mark an attached row: %v, %v", ok, err)
			}
			// An update that owns fewer objects releases the others' rows
			// and names them.
			up, err := svc.Update(ctx, admin, collections.MediaSlug, id, map[string]any{},
				content.WriteOptions{Attachment: &content.Attachment{Fields: map[string]any{"sizes": nil}, Files: files[:1]}})
			if err != nil || len(up.Released) != 1 || up.Released[0] != "hero-1.png" {
				t.Errorf("released = %v, %v; want [hero-1.png]", up.Released, err)
			}
			if by, _ := mf.ByMedia(ctx, id); len(by) != 1 {
				t.Errorf("rows after release = %v", by)
			}
			var names []string
			for i := 2; i < 16; i++ {
				names = append(names, fmt.Sprintf("hero-%d.png", i))
			}
			if err := mf.Release(ctx, names...); err != nil {
				t.Fatal(err)
			}
			// Deleting the document cascades to its rows.
			if _, err := svc.Delete(ctx, admin, collections.MediaSlug, id, content.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if all, err := mf.All(ctx); err != nil || len(all) != 0 {
				t.Errorf("rows after delete: %v, %v", all, err)
			}
		})
	}
}
