package server

import (
	"sync"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/tstypes"
)

// SchemaOptions are the runtime facts the content JSON Schema needs
// besides the definitions: the keys of a media document's sizes.
func SchemaOptions() content.SchemaOptions {
	return content.SchemaOptions{ImageSizes: media.SizeKeys(media.DefaultSizes())}
}

// DefaultPayloadTypes renders payload-types.ts for the definitions the CMS
// serves, app/collections (`cms types`).
func DefaultPayloadTypes() ([]byte, error) {
	reg, err := collections.Registry(0)
	if err != nil {
		return nil, err
	}
	return PayloadTypes(reg)
}

// PayloadTypes renders payload-types.ts for the definitions of reg (what
// `cms types` writes and GET /api/payload-types.ts serves).
func PayloadTypes(reg *content.Registry) ([]byte, error) {
	return tstypes.Generate(reg.JSONSchema(SchemaOptions()))
}

// openAPIOnce renders the OpenAPI document on first use and keeps it.
func openAPIOnce(reg *content.Registry, publicURL string) func() ([]byte, error) {
	return sync.OnceValues(func() ([]byte, error) { return reg.OpenAPI(publicURL, "1", SchemaOptions()) })
}

// typesOnce renders payload-types.ts on first use and keeps it.
func typesOnce(reg *content.Registry) func() ([]byte, error) {
	return sync.OnceValues(func() ([]byte, error) { return PayloadTypes(reg) })
}
