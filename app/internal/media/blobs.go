package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Errors of the storage side of the service. The server's adapter maps the
// object store's sentinels onto them, so media never imports the store.
var (
	// ErrBlobNotFound reports a missing object.
	ErrBlobNotFound = errors.New("media: object not found")
	// ErrInvalidRange reports an unsatisfiable byte range (HTTP 416).
	ErrInvalidRange = errors.New("media: range not satisfiable")
	// ErrPresignUnsupported reports a store that cannot presign (local
	// disk): browsers upload through the CMS instead.
	ErrPresignUnsupported = errors.New("media: direct uploads need an S3 object store; upload through POST /api/media instead")
	// ErrUnavailable reports that the object store is down; it implements
	// Unavailable() bool so the HTTP layer answers 503.
	ErrUnavailable error = unavailableError{}
)

type unavailableError struct{}

func (unavailableError) Error() string     { return "media: object store unavailable" }
func (unavailableError) Unavailable() bool { return true }

// BlobMeta are the headers stored with an object.
type BlobMeta struct {
	ContentType        string
	CacheControl       string
	ContentDisposition string
}

// BlobInfo describes a stored object.
type BlobInfo struct {
	Key          string
	Size         int64
	ContentType  string
	ETag         string // quoted
	LastModified time.Time
}

// Range is one HTTP byte range: Start..End inclusive, End < 0 for "to the
// end"; Suffix > 0 asks for the last Suffix bytes instead.
type Range struct {
	Start, End, Suffix int64
}

// Blob is an object being read; with a range Body holds Length bytes and
// ContentRange is the Content-Range header value.
type Blob struct {
	BlobInfo
	Body         io.ReadCloser
	Length       int64
	ContentRange string
}

// Blobs is the object store as the media service needs it. Keys are the
// stored filenames; the store adds its own prefix.
type Blobs interface {
	// Put streams r under key; size is the exact length or -1. A failed Put
	// leaves no object behind.
	Put(ctx context.Context, key string, r io.Reader, size int64, meta BlobMeta) error
	Get(ctx context.Context, key string, rng *Range) (*Blob, error)
	Head(ctx context.Context, key string) (BlobInfo, error)
	Delete(ctx context.Context, keys ...string) error
	// List calls fn for every object of the store.
	List(ctx context.Context, fn func(BlobInfo) error) error
	PresignPut(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (url string, headers map[string]string, err error)
	PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error)
	// CleanIncomplete removes unfinished multipart uploads older than
	// olderThan (0, nil when the store has none).
	CleanIncomplete(ctx context.Context, olderThan time.Duration) (int, error)
}

// ParseRange parses a single-range HTTP Range header ("bytes=0-99",
// "bytes=100-", "bytes=-500"). An empty header and multi-range requests
// give nil, nil (served whole, as RFC 9110 allows); a malformed range is
// ErrInvalidRange.
func ParseRange(h string) (*Range, error) {
	if h == "" {
		return nil, nil
	}
	spec, ok := strings.CutPrefix(h, "bytes=")
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrInvalidRange, h)
	}
	if strings.Contains(spec, ",") {
		return nil, nil
	}
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrInvalidRange, h)
	}
	num := func(s string) (int64, bool) {
		if s == "" || len(s) > 18 || strings.TrimLeft(s, "0123456789") != "" {
			return 0, false
		}
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	if first == "" {
		n, ok := num(last)
		if !ok || n == 0 {
			return nil, fmt.Errorf("%w: %q", ErrInvalidRange, h)
		}
		return &Range{Suffix: n}, nil
	}
	start, ok := num(first)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrInvalidRange, h)
	}
	r := &Range{Start: start, End: -1}
	if last != "" {
		end, ok := num(last)
		if !ok || end < start {
			return nil, fmt.Errorf("%w: %q", ErrInvalidRange, h)
		}
		r.End = end
	}
	return r, nil
}
