package store

import (
	"context"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
)

// TestDocumentLocksOnBothDialects: a free lock is claimed, renewed by its
// holder, refused to another user until it is stale or taken over, and
// released only by its holder.
func TestDocumentLocksOnBothDialects(t *testing.T) {
	ctx := context.Background()
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			r := db.Content()
			t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			claim := func(user int64, at time.Time, force bool) content.DocLock {
				t.Helper()
				l, err := r.ClaimLock(ctx, content.DocLock{Collection: "pages", DocID: 7, UserID: user, UserLabel: "u" + string(rune('0'+user)), UpdatedAt: at},
					at.Add(-content.LockDuration), force)
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			if l := claim(1, t0, false); l.UserID != 1 || !l.UpdatedAt.Equal(t0) {
				t.Fatalf("free lock: %+v", l)
			}
			if l := claim(1, t0.Add(time.Minute), false); l.UserID != 1 || !l.UpdatedAt.Equal(t0.Add(time.Minute)) {
				t.Fatalf("renewal: %+v", l)
			}
			if l := claim(2, t0.Add(2*time.Minute), false); l.UserID != 1 || l.UserLabel != "u1" {
				t.Fatalf("another user got a held lock: %+v", l)
			}
			if l := claim(2, t0.Add(3*time.Minute), true); l.UserID != 2 {
				t.Fatalf("take-over: %+v", l)
			}
			if l := claim(1, t0.Add(3*time.Minute+content.LockDuration+time.Second), false); l.UserID != 1 {
				t.Fatalf("stale lock not claimable: %+v", l)
			}
			if err := r.ReleaseLock(ctx, "pages", 7, 2); err != nil {
				t.Fatal(err)
			}
			if l := claim(2, t0.Add(10*time.Minute), false); l.UserID != 1 {
				t.Fatalf("a non-holder's release freed the lock: %+v", l)
			}
			if err := r.ReleaseLock(ctx, "pages", 7, 1); err != nil {
				t.Fatal(err)
			}
			if l := claim(2, t0.Add(10*time.Minute), false); l.UserID != 2 {
				t.Fatalf("released lock not free: %+v", l)
			}
		})
	}
}
