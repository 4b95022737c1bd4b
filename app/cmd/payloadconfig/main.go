// Command payloadconfig prints a Payload 3 config equivalent to the CMS's
// content definitions, for running the real `payload generate:types` on it
// (scripts/payload-types.sh).
package main

import (
	"fmt"
	"os"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/payloadconfig"
)

func main() {
	var sizes []payloadconfig.ImageSize
	for _, s := range media.DefaultSizes() {
		sizes = append(sizes, payloadconfig.ImageSize{Name: s.Name, Width: s.Width, Height: s.Height, WebP: true})
	}
	reg, err := collections.Registry(0)
	if err == nil {
		err = payloadconfig.Write(os.Stdout, reg.All(), reg.Globals(), sizes)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "payloadconfig:", err)
		os.Exit(1)
	}
}
