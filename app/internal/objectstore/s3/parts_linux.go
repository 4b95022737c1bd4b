package s3

import (
	"fmt"
	"syscall"
)

// newPartBuffer maps size bytes of anonymous memory outside the Go heap:
// the kernel backs a page only once it is written.
func newPartBuffer(size int) ([]byte, error) {
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, fmt.Errorf("objectstore: map a %d-byte part buffer: %w", size, err)
	}
	return b, nil
}

// releasePartBuffer gives b's pages back to the kernel (MADV_DONTNEED: the
// resident set shrinks at once, and b reads as zeros until written again)
// and keeps the mapping for reuse: it is never unmapped, so no stray read
// of a finished upload's buffer can fault.
func releasePartBuffer(b []byte) bool {
	// A failed madvise leaves the pages resident; the buffer is still
	// valid memory, so it is reused all the same.
	_ = syscall.Madvise(b, syscall.MADV_DONTNEED)
	return true
}
