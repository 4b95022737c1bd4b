// Command payloadconfig prints a Payload 3 config equivalent to the CMS's
// content definitions, for running the real `payload generate:types` on it
// (scripts/payload-types.sh).
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/payloadconfig"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "payloadconfig:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	var sizes []payloadconfig.ImageSize
	for _, s := range media.DefaultSizes() {
		sizes = append(sizes, payloadconfig.ImageSize{Name: s.Name, Width: s.Width, Height: s.Height, WebP: true})
	}
	reg, err := collections.Registry(0)
	if err != nil {
		return err
	}
	return payloadconfig.Write(w, reg.All(), reg.Globals(), sizes)
}
