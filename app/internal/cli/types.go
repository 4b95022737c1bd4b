package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/automatonic/chronos/app/internal/server"
)

// runTypes writes payload-types.ts: the TypeScript types of the content
// definitions in the dialect of Payload 3.90's `payload generate:types`,
// for the Next.js site and `@payloadcms/sdk`.
func runTypes(_ context.Context, e *Env, args []string) error {
	fs := flags(e, "types [--out PATH]", "Write payload-types.ts (Payload 3.90's generate:types dialect) for the content definitions.\nNo database or configuration is needed.")
	out := fs.String("out", "payload-types.ts", "file to write (`-` for stdout)")
	if err := parse(fs, args); err != nil {
		return err
	}
	b, err := server.DefaultPayloadTypes()
	if err != nil {
		return fmt.Errorf("generate types: %w", err)
	}
	if *out == "-" {
		_, err := e.Stdout.Write(b)
		return err
	}
	// Like Payload, leave an unchanged file alone (no rebuild for watchers).
	if old, err := os.ReadFile(*out); err == nil && bytes.Equal(old, b) {
		fmt.Fprintf(e.Stdout, "%s is up to date\n", *out)
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".payload-types-*.ts")
	if err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("write %s: %w", *out, err)
	}
	fmt.Fprintf(e.Stdout, "wrote %s (%d bytes)\n", *out, len(b))
	return nil
}
