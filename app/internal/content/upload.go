package content

import "context"

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
