// Package apitest holds the end-to-end API suites that prove Payload 3
// compatibility: scenario tables (request → status, JSON subset, headers)
// run against the full http.Handler of a CMS built by server.Build, on
// SQLite and on a real PostgreSQL; a replay of the recorded Payload
// exchanges in shared/payload-contract; and a run of the official
// @payloadcms/sdk against a live CMS (test/sdk). The package has no
// non-test code besides this file.
package apitest
