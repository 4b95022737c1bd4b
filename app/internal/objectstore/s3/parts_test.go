package s3

import (
	"context"
	"errors"
	"testing"
)

// TestPartSet checks one upload's buffers: at most n, taken from the pool
// only as needed, a handed-back buffer reused whole, and no wait past the
// context when all n are out.
func TestPartSet(t *testing.T) {
	pool := newPartPool(4096)
	set := pool.upload(2)
	a, err := set.get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	b, err := set.get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 4096 || len(b) != 4096 || &a[0] == &b[0] {
		t.Fatalf("two buffers of 4096 bytes expected, got %d and %d bytes (same: %v)", len(a), len(b), &a[0] == &b[0])
	}
	if pool.made != 2 {
		t.Fatalf("pool made %d buffers, want 2", pool.made)
	}
	// Both are out: get waits, and gives up with the context's cause.
	stop := errors.New("upload failed")
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(stop)
	if _, err := set.get(ctx); !errors.Is(err, stop) {
		t.Fatalf("get with every buffer out and the context ended = %v, want its cause", err)
	}
	// A part's slice handed back comes out as its whole buffer.
	set.handBack(a[:10])
	c, err := set.get(ctx)
	if err != nil || len(c) != 4096 || &c[0] != &a[0] {
		t.Fatalf("get after a hand-back = %d bytes, %v; want the handed-back buffer whole", len(c), err)
	}
	set.release()
	if len(set.held) != 0 || pool.made != 2 {
		t.Fatalf("after release: %d held, pool made %d", len(set.held), pool.made)
	}
}
