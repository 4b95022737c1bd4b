package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The PocketBase side of the side-by-side run (--pocketbase): collections
// equivalent to the CMS's pages and media, and the conversion of the
// documents the CMS serves at depth=0 into PocketBase records. Everything
// here is pure (no I/O) so the payloads are unit-tested.

// Collection ids are given, not generated, so the relation fields can name
// their target before it is created.
const (
	pbMediaCollection = "pbc_bench_media"
	pbPagesCollection = "pbc_bench_pages"
)

// pbField is one PocketBase field and the CMS document key it holds.
type pbField struct {
	Name     string // PocketBase field name
	From     string // the CMS document's key (depth=0)
	Type     string // text, number, json, date or relation
	Target   string // relation: the target collection's id
	Many     bool   // relation: a list of ids (the CMS's hasMany)
	Required bool
	Max      int // text: the CMS's MaxLength
}

// pbMediaFields mirror the media collection: its own fields (alt,
// caption) and what the upload kind adds.
func pbMediaFields() []pbField {
	return []pbField{
		{Name: "alt", From: "alt", Type: "text", Required: true, Max: 500},
		{Name: "caption", From: "caption", Type: "text", Max: 1000},
		{Name: "url", From: "url", Type: "text"},
		{Name: "thumbnailURL", From: "thumbnailURL", Type: "text"},
		{Name: "filename", From: "filename", Type: "text"},
		{Name: "mimeType", From: "mimeType", Type: "text"},
		{Name: "filesize", From: "filesize", Type: "number"},
		{Name: "width", From: "width", Type: "number"},
		{Name: "height", From: "height", Type: "number"},
		{Name: "focalX", From: "focalX", Type: "number"},
		{Name: "focalY", From: "focalY", Type: "number"},
		{Name: "sizes", From: "sizes", Type: "json"},
		{Name: "createdAt", From: "createdAt", Type: "date"},
		{Name: "updatedAt", From: "updatedAt", Type: "date"},
	}
}

// pbPageFields mirror the pages collection. The rich text, the meta group
// and the layout blocks are JSON fields holding the CMS's bytes; the hero
// image is a relation to media (what expand=hero populates); related is a
// relation to pages, added after the collection exists (pbRelatedField).
// The author stays the CMS user's id: PocketBase has no such user.
func pbPageFields() []pbField {
	return []pbField{
		{Name: "title", From: "title", Type: "text", Required: true, Max: 300},
		{Name: "slug", From: "slug", Type: "text", Required: true, Max: 200},
		{Name: "status", From: "_status", Type: "text"},
		{Name: "publishedAt", From: "publishedAt", Type: "date"},
		{Name: "content", From: "content", Type: "json"},
		{Name: "meta", From: "meta", Type: "json"},
		{Name: "hero", From: "heroImage", Type: "relation", Target: pbMediaCollection},
		{Name: "author", From: "author", Type: "number"},
		{Name: "layout", From: "layout", Type: "json"},
		{Name: "createdAt", From: "createdAt", Type: "date"},
		{Name: "updatedAt", From: "updatedAt", Type: "date"},
	}
}

// pbRelatedField is pages.related; PocketBase refuses a relation to a
// collection that does not exist yet, itself included.
func pbRelatedField() pbField {
	return pbField{Name: "related", From: "related", Type: "relation", Target: pbPagesCollection, Many: true}
}

// pbJSONMaxSize is the JSON fields' limit: PocketBase's default is 1 MiB.
const pbJSONMaxSize = 8 << 20

// pbFieldJSON is the field as PocketBase's collections API takes it.
func pbFieldJSON(f pbField) map[string]any {
	m := map[string]any{"name": f.Name, "type": f.Type, "required": f.Required}
	switch f.Type {
	case "text":
		m["max"] = f.Max
	case "json":
		m["maxSize"] = pbJSONMaxSize
	case "relation":
		m["collectionId"] = f.Target
		m["maxSelect"] = 1
		if f.Many {
			m["maxSelect"] = 999
		}
	}
	return m
}

// pbCollectionJSON is the create payload of a base collection anyone may
// list and view (listRule and viewRule "", as the CMS's anonymous reads of
// published pages and of media), with its indexes.
func pbCollectionJSON(id, name string, fields []pbField, indexes []string) map[string]any {
	fs := make([]any, 0, len(fields))
	for _, f := range fields {
		fs = append(fs, pbFieldJSON(f))
	}
	return map[string]any{"id": id, "name": name, "type": "base", "listRule": "", "viewRule": "",
		"fields": fs, "indexes": indexes}
}

// pbMediaCollectionJSON and pbPagesCollectionJSON are the two collections
// with the CMS's indexes: pages title and publishedAt, unique slug (the
// CMS's FTS5 trigram table for title searches has no PocketBase
// equivalent: its `~` is a LIKE); media alt; and createdAt, the CMS's
// default sort, which the search scenario sorts by.
func pbMediaCollectionJSON() map[string]any {
	return pbCollectionJSON(pbMediaCollection, "media", pbMediaFields(), []string{
		"CREATE INDEX idx_media_alt ON media (alt)",
		"CREATE INDEX idx_media_createdAt ON media (createdAt)",
	})
}

func pbPagesCollectionJSON() map[string]any {
	return pbCollectionJSON(pbPagesCollection, "pages", pbPageFields(), []string{
		"CREATE UNIQUE INDEX idx_pages_slug ON pages (slug)",
		"CREATE INDEX idx_pages_title ON pages (title)",
		"CREATE INDEX idx_pages_publishedAt ON pages (publishedAt)",
		"CREATE INDEX idx_pages_createdAt ON pages (createdAt)",
	})
}

// pbID is the PocketBase record id of a CMS id: 15 characters of
// [a-z0-9], the default id field's pattern, ordered as the numbers are.
func pbID(raw json.RawMessage) (string, error) {
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || n < 0 {
		return "", fmt.Errorf("pocketbase: id %s is not a CMS id", raw)
	}
	return fmt.Sprintf("%015d", n), nil
}

// pbRecord converts a CMS document (depth=0, its values as the CMS
// encoded them) into a PocketBase record body. JSON fields are sent as
// strings of the CMS's bytes, which PocketBase stores and serves
// unchanged; relations become record ids. A document key no field holds
// is an error, so the two sides cannot silently hold different data.
func pbRecord(doc map[string]json.RawMessage, fields []pbField) (map[string]any, error) {
	id, err := pbID(doc["id"])
	if err != nil {
		return nil, err
	}
	rec := map[string]any{"id": id}
	held := map[string]bool{"id": true}
	for _, f := range fields {
		held[f.From] = true
		raw, ok := doc[f.From]
		if !ok || string(raw) == "null" {
			continue
		}
		v, err := pbValue(f, raw)
		if err != nil {
			return nil, fmt.Errorf("pocketbase: document %s field %s: %w", doc["id"], f.From, err)
		}
		rec[f.Name] = v
	}
	var extra []string
	for k := range doc {
		if !held[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		return nil, fmt.Errorf("pocketbase: document %s has keys no PocketBase field holds: %s", doc["id"], strings.Join(extra, ", "))
	}
	return rec, nil
}

// pbValue is one field's value in the record body.
func pbValue(f pbField, raw json.RawMessage) (any, error) {
	switch f.Type {
	case "json":
		return string(raw), nil
	case "relation":
		if !f.Many {
			return pbID(raw)
		}
		var ids []json.RawMessage
		if err := json.Unmarshal(raw, &ids); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(ids))
		for _, r := range ids {
			id, err := pbID(r)
			if err != nil {
				return nil, err
			}
			out = append(out, id)
		}
		return out, nil
	}
	return raw, nil // text, number, date: the CMS's JSON value as it is
}
