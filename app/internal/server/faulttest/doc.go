// Package faulttest breaks the CMS on purpose — PostgreSQL restarted under
// load, shutdown with requests in flight, slow clients, a flood of requests
// against a small pool, the object store stopped during uploads — and
// asserts that it recovers. It holds only tests; each is bounded well under
// a minute and talks to loopback only.
package faulttest
