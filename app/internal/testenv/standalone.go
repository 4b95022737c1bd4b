package testenv

import (
	"context"
	"fmt"
	"net/url"
)

// StartPostgres starts a throwaway PostgreSQL cluster outside a test — for
// the bench command, which needs the same disposable server the tests use —
// and creates one empty database on it. It returns that database's URL and
// stop, which stops the cluster and deletes its files; call stop on every
// exit path. A cluster left behind by a killed process is reaped by the next
// start (see reapStale).
func StartPostgres(ctx context.Context) (dbURL string, stop func(), err error) {
	bin, err := findPGBin()
	if err != nil {
		return "", nil, fmt.Errorf("testenv: PostgreSQL server binaries (initdb, pg_ctl) not found; install them with: %s: %w", pgInstall, err)
	}
	c, err := startCluster(bin)
	if err != nil {
		return "", nil, fmt.Errorf("testenv: start PostgreSQL: %w", err)
	}
	stop = func() { _ = c.destroy() }
	name := randomName("bench_")
	if err := createDatabase(ctx, c.adminURL(), name); err != nil {
		stop()
		return "", nil, fmt.Errorf("testenv: %w", err)
	}
	u, err := url.Parse(c.adminURL())
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("testenv: parse admin URL: %w", err)
	}
	u.Path = "/" + name
	return u.String(), stop, nil
}
