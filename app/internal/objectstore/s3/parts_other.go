//go:build !linux

package s3

// newPartBuffer allocates a part buffer on the heap (no page release
// outside Linux).
func newPartBuffer(size int) ([]byte, error) { return make([]byte, size), nil }

// releasePartBuffer lets the GC free b: kept in the pool, a heap buffer
// would stay resident between uploads.
func releasePartBuffer([]byte) bool { return false }
