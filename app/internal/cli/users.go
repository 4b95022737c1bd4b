package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"log/slog"
	"strings"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/fault"
)

// PasswordEnv carries the password of `cms users create` when not on stdin.
const PasswordEnv = "CMS_USER_PASSWORD"

func runUsers(ctx context.Context, e *Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.Stdout, "Usage: cms users create --email EMAIL [--name NAME] [--role admin|editor] [--password-stdin]")
			return nil
		}
		return fmt.Errorf("%w: expected `cms users create`", ErrUsage)
	}
	fs := flags(e, "users create [flags]", "Create a user non-interactively (for bootstrapping a production database).\nThe password is read from stdin with --password-stdin, or from "+PasswordEnv+".")
	envFile := fs.String("env-file", ".env", "optional .env file")
	email := fs.String("email", "", "email address (required)")
	name := fs.String("name", "", "display name")
	role := fs.String("role", content.RoleEditor, "role: admin or editor (the users definition's roles)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if !given(fs, "email") {
		return fmt.Errorf("%w: --email is required", ErrUsage)
	}
	password, err := readPassword(e, *fromStdin)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(e, *envFile, nil)
	if err != nil {
		return err
	}
	if _, err := config.EnsureDevSecret(cfg); err != nil {
		return err
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.Status(ctx)
	if err != nil {
		return err
	}
	if !st.UpToDate() {
		if !cfg.AutoMigrate {
			return errors.New("database schema is not current: run `cms migrate` first")
		}
		if _, err := db.Migrate(ctx); err != nil {
			return err
		}
	}
	reg, err := collections.Registry(0)
	if err != nil {
		return err
	}
	users, ok := reg.AuthCollection()
	if !ok {
		return errors.New("the content model has no auth collection")
	}
	quiet := slog.New(slog.DiscardHandler)
	docs := content.NewService(reg, db.Content(), content.Hooks{}, nil, quiet)
	svc, err := auth.NewService(auth.Config{Secret: []byte(cfg.Secret), PasswordMinLength: cfg.PasswordMinLength, Production: cfg.Production()},
		auth.Deps{Store: db.Auth(users), Accounts: docs, Users: users, Logger: quiet})
	if err != nil {
		return err
	}
	res, err := svc.CreateUserAsSystem(ctx, auth.Registration{Email: *email, Password: password, Name: *name, Roles: []string{*role}})
	if err != nil {
		return faultError(err)
	}
	u := auth.UserOf(res.Doc)
	fmt.Fprintf(e.Stdout, "created user %d <%s> with role %s\n", u.ID, u.Email, *role)
	return nil
}

// readPassword reads the new user's password from the first line of stdin
// or from PasswordEnv.
func readPassword(e *Env, fromStdin bool) (string, error) {
	password := e.getenv(PasswordEnv)
	if fromStdin {
		line, err := bufio.NewReader(e.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", errors.New("no password on stdin")
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if password == "" {
		return "", fmt.Errorf("%w: give the password on stdin with --password-stdin or in %s", ErrUsage, PasswordEnv)
	}
	return password, nil
}

// given reports whether the flag name was on the command line.
func given(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// faultError words a refused command for the terminal from the error's
// fault kind, public message and field errors, the parts the REST API's
// Payload envelope and the admin's form show: "invalid: The following
// field is invalid: email" and a line "  email: Please enter a valid
// email address." per field. Internal errors pass through whole (this is
// the operator's own terminal).
func faultError(err error) error {
	kind := fault.KindOf(err)
	if kind == fault.Internal {
		return err
	}
	var b strings.Builder
	b.WriteString(kind.String() + ": " + fault.Message(err))
	for _, fe := range fault.FieldsOf(err) {
		b.WriteString("\n  " + fe.Path + ": " + fe.Message)
	}
	return errors.New(b.String())
}
