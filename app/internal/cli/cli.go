// Package cli implements the `cms` command: serve, migrate, users, env,
// media, types, version and healthcheck. Each subcommand has its own flag set and
// --help; secrets are never printed.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
)

// Env is the process environment the command runs in; tests fake it.
type Env struct {
	Args    []string
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Environ []string
	// Version is the release version stamped in by the build.
	Version string
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the CMS (HTTP API and admin UI)", runServe},
		{"migrate", "apply pending database migrations (the release step)", runMigrate},
		{"users", "manage users: `users create`", runUsers},
		{"media", "media maintenance: `media gc [--apply]` removes orphaned files", runMedia},
		{"types", "write payload-types.ts for the Next.js site: `types [--out PATH|-]`", runTypes},
		{"env", "turn `pulumi stack output --json --show-secrets` into a .env file", runEnv},
		{"version", "print the version", runVersion},
		{"healthcheck", "GET /healthz of a running CMS (for container health checks)", runHealthcheck},
	}
}

// ErrUsage is returned for bad command lines (exit status 2).
var ErrUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprintln(w, "cms — the Chronos headless CMS\n\nUsage: cms <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `cms <command> --help` for a command's flags. Configuration comes from the environment\nand an optional .env file (see the README's env table).")
}

// Run runs the command line in e and returns the process exit status.
func Run(ctx context.Context, e *Env) int {
	if len(e.Args) == 0 {
		usage(e.Stderr)
		return 2
	}
	name, args := e.Args[0], e.Args[1:]
	if name == "-h" || name == "--help" || name == "help" {
		usage(e.Stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, e, args)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, ErrUsage):
			fmt.Fprintln(e.Stderr, "cms "+name+":", err)
			return 2
		default:
			fmt.Fprintln(e.Stderr, "cms "+name+": "+err.Error())
			return 1
		}
	}
	fmt.Fprintf(e.Stderr, "cms: unknown command %q\n\n", name)
	usage(e.Stderr)
	return 2
}

// flags returns a flag set that prints its usage to stdout on --help.
func flags(e *Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("cms "+name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	fs.Usage = func() {
		fs.SetOutput(e.Stdout)
		fmt.Fprintf(e.Stdout, "Usage: cms %s\n\n%s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", ErrUsage, fs.Arg(0))
	}
	return nil
}

func runVersion(_ context.Context, e *Env, args []string) error {
	fs := flags(e, "version", "Print the version and build information.")
	if err := parse(fs, args); err != nil {
		return err
	}
	v := e.Version
	if v == "" {
		v = "dev"
	}
	line := "cms " + v
	if bi, ok := debug.ReadBuildInfo(); ok {
		line += " (" + bi.GoVersion
		var settings []string
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.time" {
				settings = append(settings, s.Key+"="+s.Value)
			}
		}
		sort.Strings(settings)
		if len(settings) > 0 {
			line += ", " + strings.Join(settings, ", ")
		}
		line += ")"
	}
	fmt.Fprintln(e.Stdout, line)
	return nil
}

// getenv reads a variable of e.
func (e *Env) getenv(k string) string {
	for _, kv := range e.Environ {
		if name, v, ok := strings.Cut(kv, "="); ok && name == k {
			return v
		}
	}
	return ""
}

// OS returns the Env of this process.
func OS(version string) *Env {
	return &Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Environ: os.Environ(), Version: version}
}
