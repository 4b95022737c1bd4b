package s3

import (
	"bytes"
	"testing"
)

// TestPartPoolReusesReleasedPages checks the Linux pool: released buffers
// are kept and handed to the next upload (no new mapping), their pages
// given back to the kernel (they read as zeros again).
func TestPartPoolReusesReleasedPages(t *testing.T) {
	pool := newPartPool(3 * 4096)
	set := pool.upload(2)
	var bufs [][]byte
	for range 2 {
		b, err := set.get(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		copy(b, bytes.Repeat([]byte{0xAB}, len(b)))
		bufs = append(bufs, b)
	}
	set.release()
	if len(pool.free) != 2 {
		t.Fatalf("pool keeps %d buffers after release, want 2", len(pool.free))
	}
	next := pool.upload(2)
	defer next.release()
	for range 2 {
		b, err := next.get(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if &b[0] != &bufs[0][0] && &b[0] != &bufs[1][0] {
			t.Fatal("the next upload got a new buffer, not a released one")
		}
		if !bytes.Equal(b, make([]byte, len(b))) {
			t.Fatal("a released buffer still holds its old bytes: its pages were not given back")
		}
	}
	if pool.made != 2 {
		t.Fatalf("pool made %d buffers for two uploads of two, want 2", pool.made)
	}
}
