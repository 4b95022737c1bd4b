//go:build !unix

package testenv

// reapStale is a no-op where signal 0 cannot probe a PID.
func reapStale() {}
