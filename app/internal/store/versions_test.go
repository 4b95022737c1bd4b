package store

import (
	"context"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
)

// TestVersionCapAfterEverySave: the pruning DELETE is skipped while a
// document's version count (read with its latest version, under its row
// lock) is within the cap; after every save, drafts and autosaves
// included, the count is exactly min(saves, cap) with one latest version,
// the newest, on both dialects.
func TestVersionCapAfterEverySave(t *testing.T) {
	const maxVersions = 3 // newService's registry
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			svc := newService(db)
			res, err := svc.Create(ctx, admin, collections.PagesSlug, map[string]any{"title": "Capped", "_status": "published"}, content.WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			id := res.Doc["id"].(int64)
			saves := 1
			for i := range 8 {
				opts := content.WriteOptions{}
				in := map[string]any{"title": "Capped " + itoa(int64(i))}
				switch i % 4 {
				case 1:
					opts.Draft, in["_status"] = true, "draft"
				case 2:
					opts.Draft, opts.Autosave, in["_status"] = true, true, "draft"
				}
				if _, err := svc.Update(ctx, admin, collections.PagesSlug, id, in, opts); err != nil {
					t.Fatalf("save %d: %v", i, err)
				}
				saves++
				vl, err := svc.FindVersions(ctx, admin, collections.PagesSlug, mustParse(t, "where[parent][equals]="+itoa(id)+"&sort=-updatedAt&limit=100"))
				if err != nil {
					t.Fatal(err)
				}
				latest := 0
				for _, d := range vl.Docs {
					if d["latest"] == true {
						latest++
					}
				}
				// An autosave after a draft save updates that version
				// instead of adding one: count what the store holds.
				if vl.TotalDocs > maxVersions || latest != 1 || vl.Docs[0]["latest"] != true || int(vl.TotalDocs) != len(vl.Docs) {
					t.Fatalf("after save %d: %d versions (cap %d), %d latest, newest latest=%v", i, vl.TotalDocs, maxVersions, latest, vl.Docs[0]["latest"])
				}
				if saves >= maxVersions+2 && vl.TotalDocs != maxVersions {
					t.Fatalf("after %d saves: %d versions, want the cap %d", saves, vl.TotalDocs, maxVersions)
				}
			}
		})
	}
}
