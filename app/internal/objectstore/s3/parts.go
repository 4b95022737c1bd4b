package s3

import (
	"context"
	"sync"
)

// partPool keeps a Store's part buffers for reuse across uploads. On Linux
// they are mapped outside the Go heap: a streamed upload's parts are its
// only large allocation, and on the heap they would double the GC's heap
// goal (GOGC=100) and leave garbage behind every upload; mapped, a body
// shorter than a part costs only the pages it touches, and an upload that
// ends gives its pages back to the kernel while the mapping stays for the
// next one. Elsewhere they are ordinary heap slices the GC frees.
type partPool struct {
	size int
	mu   sync.Mutex
	free [][]byte
	made int // buffers made so far (tests check reuse)
}

func newPartPool(size int) *partPool { return &partPool{size: size} }

// get returns a free buffer of the pool's size, or a new one.
func (p *partPool) get() ([]byte, error) {
	p.mu.Lock()
	if n := len(p.free); n > 0 {
		b := p.free[n-1]
		p.free = p.free[:n-1]
		p.mu.Unlock()
		return b, nil
	}
	p.mu.Unlock()
	b, err := newPartBuffer(p.size)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.made++
	p.mu.Unlock()
	return b, nil
}

// put gives b's memory back to the system and keeps b for reuse where
// the platform allows it. Nothing may read or write b once it is put.
func (p *partPool) put(b []byte) {
	b = b[:cap(b)]
	if !releasePartBuffer(b) {
		return
	}
	p.mu.Lock()
	p.free = append(p.free, b)
	p.mu.Unlock()
}

// partSet is one upload's share of the pool: at most n buffers, taken as
// the upload needs them (a body that ends within its first part takes
// one), handed back by each part's send when S3 has it, and returned to
// the pool together by release once no send is running.
type partSet struct {
	pool *partPool
	free chan []byte
	held [][]byte
}

// upload starts the buffers of one upload of at most n parts in memory.
func (p *partPool) upload(n int) *partSet {
	return &partSet{pool: p, free: make(chan []byte, n)}
}

// get returns a buffer for the next part: a handed-back one, a new one
// while fewer than n are held, or else the first handed back; it waits
// for that until ctx ends (its cause is the error). Only the goroutine
// reading the body calls get.
func (s *partSet) get(ctx context.Context) ([]byte, error) {
	select {
	case b := <-s.free:
		return b, nil
	default:
	}
	if len(s.held) < cap(s.free) {
		b, err := s.pool.get()
		if err != nil {
			return nil, err
		}
		s.held = append(s.held, b)
		return b, nil
	}
	select {
	case b := <-s.free:
		return b, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// handBack makes b (a part's slice of a held buffer) free for the next
// part. It never blocks: at most n buffers are held.
func (s *partSet) handBack(b []byte) { s.free <- b[:cap(b)] }

// release returns every held buffer to the pool. The caller makes sure no
// send still reads one.
func (s *partSet) release() {
	for _, b := range s.held {
		s.pool.put(b)
	}
	s.held = nil
}
