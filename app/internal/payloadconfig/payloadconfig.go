// Package payloadconfig writes a Payload 3 config (payload.config.ts)
// equivalent to Chronos's content definitions, so that the real Payload
// `generate:types` can be run on it and its payload-types.ts compared with
// the one Chronos writes (scripts/payload-types.sh).
package payloadconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/automatonic/chronos/app/internal/content"
)

// ImageSize is one image size of the upload collection.
type ImageSize struct {
	Name          string
	Width, Height int
	WebP          bool
}

type field struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Required   bool   `json:"required,omitempty"`
	Unique     bool   `json:"unique,omitempty"`
	Index      bool   `json:"index,omitempty"`
	HasMany    bool   `json:"hasMany,omitempty"`
	RelationTo any    `json:"relationTo,omitempty"`
	// FilterOptions is the where clause Payload's admin and validation
	// apply to an upload field's choices (content.Field.MimeTypes).
	FilterOptions map[string]any `json:"filterOptions,omitempty"`
	Options       []string       `json:"options,omitempty"`
	MaxLength     int            `json:"maxLength,omitempty"`
	Fields        *[]field       `json:"fields,omitempty"`
	Blocks        []block        `json:"blocks,omitempty"`
}

type block struct {
	Slug          string  `json:"slug"`
	InterfaceName string  `json:"interfaceName,omitempty"`
	Fields        []field `json:"fields"`
}

type imageSize struct {
	Name          string         `json:"name"`
	Width         int            `json:"width,omitempty"`
	Height        int            `json:"height,omitempty"`
	FormatOptions map[string]any `json:"formatOptions,omitempty"`
}

type entity struct {
	Slug     string         `json:"slug"`
	Auth     bool           `json:"auth,omitempty"`
	Upload   map[string]any `json:"upload,omitempty"`
	Versions map[string]any `json:"versions,omitempty"`
	Admin    map[string]any `json:"admin,omitempty"`
	Access   map[string]any `json:"-"`
	Fields   []field        `json:"fields"`
}

// systemFields are the fields Payload adds itself to auth and upload
// collections; the config leaves them out as Payload's own configs do.
var systemFields = map[string]bool{
	"email": true, "url": true, "thumbnailURL": true, "filename": true, "mimeType": true, "filesize": true,
	"width": true, "height": true, "focalX": true, "focalY": true, "sizes": true,
}

// Write writes payload.config.ts for the collections and globals.
func Write(w io.Writer, collections, globals []*content.Collection, sizes []ImageSize) error {
	var cols, globs []entity
	for _, c := range collections {
		cols = append(cols, toEntity(c, sizes))
	}
	for _, g := range globals {
		globs = append(globs, toEntity(g, nil))
	}
	cj, err := marshal(cols)
	if err != nil {
		return err
	}
	gj, err := marshal(globs)
	if err != nil {
		return err
	}
	admin := ""
	for _, c := range collections {
		if c.Auth {
			admin = c.Slug
			break
		}
	}
	_, err = fmt.Fprintf(w, `// Written by `+"`go run ./app/cmd/payloadconfig`"+` from Chronos's content definitions
// (scripts/payload-types.sh). Do not edit: change the definitions instead.
import path from 'path'
import { fileURLToPath } from 'url'
import { buildConfig } from 'payload'
import { lexicalEditor } from '@payloadcms/richtext-lexical'
import { postgresAdapter } from '@payloadcms/db-postgres'

const dirname = path.dirname(fileURLToPath(import.meta.url))

export default buildConfig({
  secret: 'generate-types-only',
  editor: lexicalEditor(),
  admin: { user: %q },
  // generate:types never connects: the adapter only fixes the id type (number).
  db: postgresAdapter({ pool: { connectionString: 'postgres://u:p@127.0.0.1:1/none' } }),
  typescript: { outputFile: path.resolve(dirname, process.env.TYPES_OUT || 'payload-types.ts') },
  collections: %s as any,
  globals: %s as any,
})
`, admin, cj, gj)
	return err
}

func marshal(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("  ", "  ")
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("payloadconfig: %w", err)
	}
	return string(bytes.TrimRight(b.Bytes(), "\n")), nil
}

func toEntity(c *content.Collection, sizes []ImageSize) entity {
	e := entity{Slug: c.Slug, Auth: c.Auth}
	if c.UseAsTitle != "" {
		e.Admin = map[string]any{"useAsTitle": c.UseAsTitle}
	}
	if c.Drafts {
		e.Versions = map[string]any{"drafts": true}
		if c.Autosave > 0 {
			e.Versions["drafts"] = map[string]any{"autosave": map[string]any{"interval": c.Autosave.Milliseconds()}}
		}
		if c.MaxVersions > 0 {
			e.Versions["maxPerDoc"] = c.MaxVersions
		}
	}
	if c.Upload {
		var is []imageSize
		for _, s := range sizes {
			is = append(is, imageSize{Name: s.Name, Width: s.Width, Height: s.Height})
			if s.WebP {
				is = append(is, imageSize{Name: s.Name + "-webp", Width: s.Width, Height: s.Height, FormatOptions: map[string]any{"format": "webp"}})
			}
		}
		e.Upload = map[string]any{"imageSizes": is}
	}
	for _, f := range c.Fields {
		if (c.Auth || c.Upload) && systemFields[f.Name] {
			continue
		}
		e.Fields = append(e.Fields, toField(f))
	}
	if e.Fields == nil {
		e.Fields = []field{}
	}
	return e
}

func toFields(fs []content.Field) *[]field {
	out := []field{}
	for _, f := range fs {
		out = append(out, toField(f))
	}
	return &out
}

func toField(f content.Field) field {
	p := field{Name: f.Name, Type: string(f.Type), Required: f.Required, Unique: f.Unique, Index: f.Index && !f.Unique,
		HasMany: f.HasMany, Options: f.Options, MaxLength: f.MaxLength}
	switch f.Type {
	case content.Upload, content.Relationship:
		p.RelationTo = f.RelationTo
		if len(f.RelationToAny) > 0 {
			p.RelationTo = f.RelationToAny
		}
		p.FilterOptions = mimeFilter(f.MimeTypes)
	case content.Group, content.Array:
		p.Fields = toFields(f.Fields)
	case content.Blocks:
		for _, b := range f.Blocks {
			p.Blocks = append(p.Blocks, block{Slug: b.Slug, InterfaceName: b.InterfaceName, Fields: *toFields(b.Fields)})
		}
	}
	return p
}

// mimeFilter writes MimeTypes as Payload's filterOptions where clause on
// the upload's mimeType: a "type/*" pattern is `contains: "type/"`, an
// exact type `equals`; several are or-ed. None gives nil.
func mimeFilter(types []string) map[string]any {
	var or []any
	for _, t := range types {
		cond := map[string]any{"equals": t}
		if major, ok := strings.CutSuffix(t, "/*"); ok {
			cond = map[string]any{"contains": major + "/"}
		}
		or = append(or, map[string]any{"mimeType": cond})
	}
	switch len(or) {
	case 0:
		return nil
	case 1:
		return or[0].(map[string]any)
	}
	return map[string]any{"or": or}
}
