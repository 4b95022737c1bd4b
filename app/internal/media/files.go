package media

import (
	"context"
	"time"
)

// File is one row of the object index (media_files): one stored object of
// a media document. Filename is the object key below the store prefix and
// the primary key. Rows are written with their document (content's
// Store.SetFiles, in the write's transaction); the only row without a
// document (MediaID 0) is a direct upload's reservation, whose object the
// browser writes between two requests.
type File struct {
	Filename    string
	MediaID     int64
	SizeName    string // "" for the original, "thumbnail", "thumbnail-webp", ...
	ContentType string
	Filesize    int64
	CreatedAt   time.Time
}

// Files is the object index as the media service needs it; the store
// package implements it on the media_files table.
type Files interface {
	// Claim inserts a pending row for f.Filename (a direct upload's
	// reservation) and reports false, nil when a row holds the name.
	Claim(ctx context.Context, f File) (bool, error)
	// Mark atomically moves a pending row's content type from `from` to
	// `to` and reports whether it did; a direct upload's finalise uses it
	// as a lock, so one token cannot create two documents.
	Mark(ctx context.Context, name, from, to string) (bool, error)
	// Release deletes the rows; missing names are not an error.
	Release(ctx context.Context, names ...string) error
	// Get returns the row of name, attached or pending; content.ErrNotFound
	// style sentinel: ErrFileNotFound when absent.
	Get(ctx context.Context, name string) (File, error)
	// ByMedia returns the rows attached to mediaID.
	ByMedia(ctx context.Context, mediaID int64) ([]File, error)
	// Known returns which of names have a row.
	Known(ctx context.Context, names []string) (map[string]bool, error)
	// Pending returns the unattached rows created before cutoff.
	Pending(ctx context.Context, cutoff time.Time) ([]File, error)
	// Originals returns the attached rows of originals (SizeName "").
	Originals(ctx context.Context) ([]File, error)
}
