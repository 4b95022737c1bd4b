package content

import (
	"context"
	"net/url"
)

// Attachment is the file part of a write to the upload collection, finished
// by the upload kind's service before the write (the object store holds
// the files, under names it created unique): the read-only
// field values (filename, mimeType, filesize, width, height, focal point,
// sizes) and the stored objects the document owns after the write.
// Content stores Fields with the document and, in the same transaction,
// writes the object index rows of Files and releases the index rows of the
// objects the document owned before and no longer does
// (WriteResult.Released). Content does no file work and calls nobody
// back: the write is one pass.
type Attachment struct {
	Fields map[string]any
	// Files lists every object the document owns after the write; empty
	// leaves the object index alone (a preset document whose objects are
	// elsewhere).
	Files []File
}

// File is one stored object of an upload document, as the object index
// records it.
type File struct {
	Filename    string // the object key below the store prefix
	SizeName    string // "" for the original, "thumbnail", "thumbnail-webp", ...
	ContentType string
	Filesize    int64
}

// setFiles records a's files as document id's objects on tx and returns
// the names the document no longer owns (nothing without files).
func setFiles(ctx context.Context, tx Store, c *Collection, id int64, a *Attachment) ([]string, error) {
	if a == nil || len(a.Files) == 0 {
		return nil, nil
	}
	return tx.SetFiles(ctx, c, id, a.Files)
}

// FileURLs is how the upload collection's stored files are addressed,
// registered by the upload kind as data (Behavior.Files): a file's URL is
// Prefix followed by its escaped name ("/api/media/file/" when the CMS
// serves files, the public base URL when a CDN does), and thumbnailURL is
// the URL of the size named Thumbnail. The URLs are never stored: they
// follow the delivery mode and cannot go stale.
type FileURLs struct {
	Prefix    string
	Thumbnail string
}

// URL is the URL of the stored file name.
func (f *FileURLs) URL(name string) string { return f.Prefix + url.PathEscape(name) }

// Render sets d's url, thumbnailURL and every sizes.*.url from the stored
// filenames (nothing when select projected filename away).
func (f *FileURLs) Render(d Doc) {
	if _, has := d["filename"]; !has {
		return
	}
	d["url"] = f.urlOf(d["filename"])
	d["thumbnailURL"] = nil
	sizes, _ := d["sizes"].(map[string]any)
	for k, v := range sizes {
		if m, ok := v.(map[string]any); ok {
			m["url"] = f.urlOf(m["filename"])
			if k == f.Thumbnail {
				d["thumbnailURL"] = m["url"]
			}
		}
	}
}

// urlOf is the URL of a stored filename value, nil when there is none.
func (f *FileURLs) urlOf(name any) any {
	if n, ok := name.(string); ok && n != "" {
		return f.URL(n)
	}
	return nil
}
