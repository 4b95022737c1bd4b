package s3

import (
	"errors"
	"io"
	"sync"
)

// publishEvery is how many bytes the filler reads into a fillingPart
// before waking the reads waiting for them (not every few-KiB read of a
// multipart body).
const publishEvery = 64 << 10

// fillingPart is the body of a part sent while it is read from the
// upload into buf: a read waits for bytes the filler has not written yet.
// It is a full part to the SDK (Seek from the end is len(buf)), so a
// failed attempt can be retried from its start; when the upload ends short
// of a full part, the filler stops it and sends what it got as the last
// part. Only the filler writes buf, only beyond filled.
type fillingPart struct {
	buf    []byte
	mu     sync.Mutex
	cond   sync.Cond
	filled int   // bytes of buf written so far (written by the filler under mu)
	off    int64 // the read position
	err    error // set by stop: every read fails with it
	// done is closed when the filling ends; short is then whether it
	// ended before buf was full.
	done  chan struct{}
	short bool
}

func newFillingPart(buf []byte) *fillingPart {
	p := &fillingPart{buf: buf, done: make(chan struct{})}
	p.cond.L = &p.mu
	return p
}

// Read implements io.Reader.
func (p *fillingPart) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for p.err == nil && p.off >= int64(p.filled) && p.off < int64(len(p.buf)) {
		p.cond.Wait()
	}
	switch {
	case p.err != nil:
		return 0, p.err
	case p.off >= int64(len(p.buf)):
		return 0, io.EOF
	}
	n := copy(b, p.buf[p.off:p.filled])
	p.off += int64(n)
	return n, nil
}

// Seek implements io.Seeker over the full part.
func (p *fillingPart) Seek(offset int64, whence int) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += p.off
	case io.SeekEnd:
		offset += int64(len(p.buf))
	default:
		return 0, errors.New("objectstore: seek: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("objectstore: seek: negative position")
	}
	p.off = offset
	return offset, nil
}

// stop fails every read from now on with err (the first err given).
func (p *fillingPart) stop(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.cond.Broadcast()
	p.mu.Unlock()
}

// fillFrom reads r into buf, waking waiting reads every publishEvery
// bytes, and returns like fill: nil when buf is full, io.EOF when r ended
// first, or r's error. done is closed when it returns.
func (p *fillingPart) fillFrom(r io.Reader) (int, error) {
	var err error
	n := 0
	for n < len(p.buf) && err == nil {
		var m int
		m, err = fill(r, p.buf[n:min(n+publishEvery, len(p.buf))])
		n += m
		p.mu.Lock()
		p.filled = n
		p.cond.Broadcast()
		p.mu.Unlock()
	}
	p.short = n < len(p.buf)
	close(p.done)
	return n, err
}
