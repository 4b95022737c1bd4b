// Package testenv gives tests the real services they need — a throwaway
// PostgreSQL cluster, a versitygw S3 server and a Chromium binary — instead
// of relying on what a developer happens to have running.
//
// Shared services (Postgres, S3) are started at most once per test binary
// and stopped by Main, so every package that uses them must have
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
//
// A call without it fails the test with that message rather than leaking a
// server process. Each call still gets its own isolation: Postgres returns a
// fresh empty database, S3 a fresh empty bucket.
//
// Fault tests that stop and restart a service get a private instance from
// PostgresCluster or StartS3; those are stopped by t.Cleanup and need no
// TestMain.
//
// When a binary is missing, the test is skipped with the command that
// installs it — unless CI=true, where it fails: CI installs everything
// (scripts/test.sh), so a missing service there is a bug, not a reason to
// skip.
//
// The package keeps a little package-level state (the once-per-binary
// services and the list of stop functions). That is unavoidable: Go has no
// per-binary cleanup hook other than TestMain, and the point is to share one
// server across the tests of a binary.
package testenv
