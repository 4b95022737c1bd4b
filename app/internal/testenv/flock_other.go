//go:build !unix

package testenv

// lockFile does not lock where flock does not exist: run those tests with
// -p 1 or install first (scripts/test.sh does).
func lockFile(string) (func(), error) { return func() {}, nil }
