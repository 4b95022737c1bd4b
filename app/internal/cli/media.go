package cli

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/server"
)

const mediaGCSynopsis = `Find and remove media orphans in both directions (dry run unless --apply):
  - objects in the store without a media_files row, last written more than --grace ago,
  - direct uploads' reservations that were never finished (older than 24 h) and their objects,
  - media documents whose original object is missing (deleted with --apply),
  - unfinished multipart uploads (aborted with --apply when older than --incomplete-age).
Uploads in progress are safe while younger than --grace: an upload writes its objects
first and their rows with its document, so a younger object without a row may be one.`

func runMedia(ctx context.Context, e *Env, args []string) error {
	if len(args) == 0 || args[0] != "gc" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(e.Stdout, "Usage: cms media gc [--apply] [--grace 24h] [--incomplete-age 24h]")
			return nil
		}
		return fmt.Errorf("%w: expected `cms media gc`", ErrUsage)
	}
	fs := flags(e, "media gc [flags]", mediaGCSynopsis)
	envFile := fs.String("env-file", ".env", "optional .env file")
	apply := fs.Bool("apply", false, "delete what is found (default: report only)")
	age := fs.Duration("incomplete-age", media.PendingTTL, "abort unfinished multipart uploads older than this (with --apply)")
	grace := fs.Duration("grace", media.PendingTTL, "leave objects without a row that were written less than this ago (uploads in flight); keep it above the longest upload")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := loadConfig(e, *envFile, nil)
	if err != nil {
		return err
	}
	if _, err := config.EnsureDevSecret(cfg); err != nil {
		return err
	}
	app, err := server.Build(ctx, cfg, slog.New(slog.NewTextHandler(e.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer app.Close()
	rep, err := app.Media().GC(ctx, media.GCOptions{Apply: *apply, IncompleteAge: *age, Grace: *grace})
	printGC(e, rep, *age, *grace)
	return err
}

func printGC(e *Env, rep media.GCReport, age, grace time.Duration) {
	verb := "found"
	if rep.Applied {
		verb = "deleted"
	}
	fmt.Fprintf(e.Stdout, "objects without a row: %d %s\n", len(rep.OrphanObjects), verb)
	for _, k := range rep.OrphanObjects {
		fmt.Fprintln(e.Stdout, "  "+k)
	}
	if rep.Recent > 0 {
		fmt.Fprintf(e.Stdout, "objects without a row written less than %s ago (maybe uploads in flight): %d left alone\n", grace, rep.Recent)
	}
	fmt.Fprintf(e.Stdout, "abandoned upload reservations (older than %s): %d %s\n", media.PendingTTL, len(rep.StalePending), verb)
	for _, k := range rep.StalePending {
		fmt.Fprintln(e.Stdout, "  "+k)
	}
	fmt.Fprintf(e.Stdout, "media documents whose original is missing: %d %s\n", len(rep.MissingOriginals), verb)
	for _, f := range rep.MissingOriginals {
		fmt.Fprintf(e.Stdout, "  media %d: %s\n", f.MediaID, f.Filename)
	}
	if rep.Applied {
		fmt.Fprintf(e.Stdout, "unfinished multipart uploads older than %s aborted: %d\n", age, rep.IncompleteCleaned)
	} else {
		fmt.Fprintln(e.Stdout, "dry run: nothing was changed; run with --apply to delete")
	}
}
