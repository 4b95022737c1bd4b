// Command cms is the Chronos headless CMS. See `cms --help`.
package main

import (
	"context"
	"os"

	"github.com/automatonic/chronos/app/internal/cli"
)

// version is stamped by the build: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	os.Exit(cli.Run(context.Background(), cli.OS(version)))
}
