package cli

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/server"
)

// loadConfig reads the environment and the .env file into a Config.
func loadConfig(e *Env, envFile string, overrides map[string]string) (*config.Config, error) {
	env, err := config.Environ(envFile, e.Environ)
	if err != nil {
		return nil, err
	}
	for k, v := range overrides {
		env[k] = v
	}
	return config.Load(env)
}

func runServe(ctx context.Context, e *Env, args []string) error {
	fs := flags(e, "serve [flags]", "Run the CMS. With no configuration it uses an embedded SQLite file and local disk\nunder ./data, migrates them, and serves the admin UI at http://127.0.0.1:8080/admin.")
	envFile := fs.String("env-file", ".env", "optional .env file (the environment wins over it)")
	addr := fs.String("addr", "", "listen address (overrides "+contract.CMSAddr+")")
	autoMigrate := fs.Bool("auto-migrate", false, "apply pending migrations on start (default: on only for embedded SQLite)")
	if err := parse(fs, args); err != nil {
		return err
	}
	over := map[string]string{}
	if *addr != "" {
		over[contract.CMSAddr] = *addr
	}
	if *autoMigrate {
		over[contract.CMSAutoMigrate] = "true"
	}
	cfg, err := loadConfig(e, *envFile, over)
	if err != nil {
		return err
	}
	log := server.NewLogger(cfg, e.Stderr)
	if warn, err := config.EnsureDevSecret(cfg); err != nil {
		return err
	} else if warn != "" {
		log.Warn(warn)
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	app, err := server.Build(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	return app.Serve(ctx, func(a net.Addr) {
		url := cfg.PublicURL
		if *addr != "" || strings.HasSuffix(cfg.Addr, ":0") {
			url = "http://" + a.String()
		}
		log.Info("chronos cms ready", "addr", a.String(), "env", cfg.Env, "database", dbKind(cfg), "media", mediaKind(cfg), "startup", time.Since(start).Round(time.Millisecond).String())
		fmt.Fprintf(e.Stdout, "Chronos CMS is running. Admin UI: %s/admin  API: %s/api\n", url, url)
	})
}

func dbKind(c *config.Config) string {
	if c.UsesSQLite() {
		return "sqlite " + c.SQLitePath
	}
	return "postgres"
}

func mediaKind(c *config.Config) string {
	if c.S3.Enabled() {
		return "s3 " + c.S3.Bucket
	}
	return "local disk"
}

func runMigrate(ctx context.Context, e *Env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "create":
			return runMigrateCreate(ctx, e, args[1:])
		case "check":
			return runMigrateCheck(ctx, e, args[1:])
		}
	}
	fs := flags(e, "migrate [flags]", "Apply pending database migrations, each in a transaction under a lock. Run it as the\nrelease step before starting a new version against PostgreSQL.")
	envFile := fs.String("env-file", ".env", "optional .env file")
	status := fs.Bool("status", false, "only print the schema status")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(e, *envFile, nil)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if *status {
		st, err := db.Status(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stdout, "schema version %d of %d; pending: %s\n", st.Current, st.Latest, orNone(st.Pending))
		return nil
	}
	done, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "applied: %s\n", orNone(done))
	return nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func runHealthcheck(ctx context.Context, e *Env, args []string) error {
	fs := flags(e, "healthcheck [flags]", "GET /healthz of a running CMS; exit 0 when it answers 200.")
	url := fs.String("url", "", "health URL (default: http://127.0.0.1:<port of CMS_ADDR>/healthz)")
	if err := parse(fs, args); err != nil {
		return err
	}
	target := *url
	if target == "" {
		addr := e.getenv(contract.CMSAddr)
		if addr == "" {
			addr = ":8080"
		}
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("%s: %w", contract.CMSAddr, err)
		}
		target = "http://127.0.0.1:" + port + "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d", target, resp.StatusCode)
	}
	return nil
}
