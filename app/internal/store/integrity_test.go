package store

import (
	"context"
	"github.com/automatonic/chronos/app/collections"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
)

// TestOneLatestVersionIsEnforced: the schema itself refuses a second latest
// version of a document (unique partial index), on both dialects.
func TestOneLatestVersionIsEnforced(t *testing.T) {
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			res, err := newService(db).Create(ctx, admin, collections.PagesSlug, map[string]any{"title": "One"}, content.WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			r := db.Content()
			now := r.timeArg(time.Now())
			err = db.gdb.Exec("INSERT INTO pages_versions (parent_id, status, latest, created_at, updated_at, data) VALUES (?, 'draft', ?, ?, ?, '{}')",
				res.Doc["id"], r.boolArg(true), now, now).Error
			if err == nil {
				t.Fatal("a second latest version was stored")
			}
		})
	}
}
