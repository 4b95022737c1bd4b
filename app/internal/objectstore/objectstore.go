// Package objectstore keeps media files: the Store interface, its plain Go
// types and sentinel errors, and the local-disk implementation (the
// embedded default). The S3 implementation lives in objectstore/s3, the
// only package of the module that imports aws-sdk-go-v2, so domain packages
// can use these types without reaching the SDK (internal/repocheck).
package objectstore

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/automatonic/chronos/app/internal/fault"
)

// Sentinel errors. Implementations wrap them with %w, so callers test with
// errors.Is.
var (
	// ErrNotFound reports that no object exists under the key.
	ErrNotFound = fault.New(fault.NotFound, "Not Found")
	// ErrUnavailable reports that the store could not be reached or answered
	// with a server error (connection refused, timeout, 5xx): fault kind
	// Unavailable, so clients are told to retry (HTTP 503).
	ErrUnavailable = fault.New(fault.Unavailable, "objectstore: store unavailable")
	// ErrUnsupported reports an operation the implementation cannot do, such
	// as presigning on local disk; callers fall back to proxy delivery.
	ErrUnsupported = fault.New(fault.Unsupported, "The object store cannot do that.")
	// ErrInvalidKey reports a key that fails ValidateKey.
	ErrInvalidKey = fault.New(fault.Invalid, "Invalid object key.")
	// ErrInvalidRange reports a byte range that does not overlap the object
	// (HTTP 416).
	ErrInvalidRange = fault.New(fault.Invalid, "Range Not Satisfiable")
	// ErrSizeMismatch reports a Put whose body length differs from the
	// declared size; nothing is stored.
	ErrSizeMismatch = fault.New(fault.Invalid, "The body size differs from the declared size.")
	// ErrExists reports a Create whose keys all hold objects already:
	// nothing was stored and nothing was replaced.
	ErrExists = fault.New(fault.Conflict, "An object already exists under that name.")
)

// MaxPresignTTL is the longest presign lifetime S3 accepts (SigV4 limit).
const MaxPresignTTL = 7 * 24 * time.Hour

// Store is what the app needs from a blob store. Keys are relative,
// slash-separated paths (see ValidateKey); implementations add their own
// prefix. Every method honours ctx cancellation.
type Store interface {
	// Put stores the body under key, replacing any existing object; readers
	// never see a partial object. size is the exact body length, or -1 when
	// unknown (large and unknown-size bodies are streamed, never buffered
	// whole).
	Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) error
	// Create stores the body under the first of keys that holds no object
	// and returns that key. Checking a key and writing it are one atomic
	// step, so two Creates never get the same key and an existing object
	// is never replaced: uploads get unique names from the store itself,
	// with no registry. opts gives the headers for the key taken
	// (Content-Disposition names it). ErrExists when every key is taken,
	// or when a body too long to send twice lost a race for the key it
	// was sent to (S3 streams such a body once; local disk never loses).
	// A failed Create stores nothing.
	Create(ctx context.Context, keys iter.Seq[string], r io.Reader, size int64, opts func(key string) PutOptions) (string, error)
	// Get streams the object, or the byte range rng of it when rng is not
	// nil. The caller closes Object.Body.
	Get(ctx context.Context, key string, rng *Range) (*Object, error)
	// Head returns the object's metadata.
	Head(ctx context.Context, key string) (Info, error)
	// Delete removes the objects; keys that do not exist are not an error.
	Delete(ctx context.Context, keys ...string) error
	// List calls fn for every object whose key starts with prefix, in no
	// guaranteed order (S3 lists lexically, local disk walks directories);
	// an error from fn stops the walk and is returned. Info has Key, Size
	// and LastModified (and ETag on S3); ContentType needs a Head.
	List(ctx context.Context, prefix string, fn func(Info) error) error
	// PresignPut returns a URL a client can PUT exactly size bytes of
	// contentType to within ttl, and the headers it must send with the
	// request. ErrUnsupported when the store cannot presign.
	PresignPut(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (url string, headers map[string]string, err error)
	// PresignGet returns a URL that reads the object within ttl.
	// ErrUnsupported when the store cannot presign.
	PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error)
	// Ping checks that the store is reachable and usable (readiness probe).
	Ping(ctx context.Context) error
}

// PutOptions are the HTTP headers stored with an object and sent back when
// it is read.
type PutOptions struct {
	ContentType        string
	CacheControl       string
	ContentDisposition string
}

// Range is an HTTP byte range. Start and End are inclusive offsets; End < 0
// means "to the end of the object". A Suffix > 0 asks for the last Suffix
// bytes instead and overrides Start and End.
type Range struct {
	Start  int64
	End    int64
	Suffix int64
}

// String renders the range as an HTTP Range header value.
func (r Range) String() string {
	switch {
	case r.Suffix > 0:
		return fmt.Sprintf("bytes=-%d", r.Suffix)
	case r.End < 0:
		return fmt.Sprintf("bytes=%d-", r.Start)
	default:
		return fmt.Sprintf("bytes=%d-%d", r.Start, r.End)
	}
}

// Validate rejects ranges no server could satisfy whatever the object size.
func (r Range) Validate() error {
	if r.Suffix < 0 || r.Start < 0 || (r.Suffix == 0 && r.End >= 0 && r.End < r.Start) {
		return fmt.Errorf("%w: %s", ErrInvalidRange, r)
	}
	return nil
}

// resolve turns the range into absolute [start, end] offsets for an object
// of the given size, following RFC 9110 §14.1.2 (End past the size is
// clamped; a Start past the size is unsatisfiable).
func (r Range) resolve(size int64) (start, end int64, err error) {
	if err := r.Validate(); err != nil {
		return 0, 0, err
	}
	if r.Suffix > 0 {
		if size == 0 {
			return 0, 0, fmt.Errorf("%w: %s of empty object", ErrInvalidRange, r)
		}
		return max(size-r.Suffix, 0), size - 1, nil
	}
	if r.Start >= size {
		return 0, 0, fmt.Errorf("%w: %s of %d bytes", ErrInvalidRange, r, size)
	}
	end = r.End
	if end < 0 || end >= size {
		end = size - 1
	}
	return r.Start, end, nil
}

// Info describes a stored object.
type Info struct {
	Key                string // relative to the store's prefix
	Size               int64  // full object size in bytes
	ContentType        string
	CacheControl       string
	ContentDisposition string
	ETag               string // quoted, as sent in an HTTP ETag header
	LastModified       time.Time
}

// Object is an object being read. With a range, Body holds only Length
// bytes and ContentRange is the HTTP Content-Range value
// ("bytes 0-99/1234"); without one, Length equals Info.Size and
// ContentRange is empty.
type Object struct {
	Info
	Body         io.ReadCloser
	Length       int64
	ContentRange string
}

// maxKeyLen leaves room for a prefix within S3's 1024-byte key limit.
const maxKeyLen = 900

// ValidateKey reports whether key is acceptable to every implementation:
// non-empty valid UTF-8 of at most 900 bytes, slash-separated segments that
// are not empty, "." or "..", do not start with a dot (local disk keeps its
// bookkeeping files there) and hold no backslash or control character. The
// same rule for both stores keeps a deployment portable between them.
func ValidateKey(key string) error {
	if key == "" || len(key) > maxKeyLen || !utf8.ValidString(key) {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg[0] == '.' {
			return fmt.Errorf("%w: %q", ErrInvalidKey, key)
		}
	}
	for _, c := range key {
		if c == '\\' || unicode.IsControl(c) {
			return fmt.Errorf("%w: %q", ErrInvalidKey, key)
		}
	}
	return nil
}

// ValidatePrefix accepts "" (everything) or the beginning of a valid key,
// with or without a trailing slash ("images/" or "images/he").
func ValidatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if err := ValidateKey(strings.TrimSuffix(prefix, "/")); err != nil {
		return fmt.Errorf("%w: prefix %q", ErrInvalidKey, prefix)
	}
	return nil
}

// ValidatePresignTTL accepts a presign lifetime in (0, MaxPresignTTL].
func ValidatePresignTTL(ttl time.Duration) error {
	if ttl <= 0 || ttl > MaxPresignTTL {
		return fmt.Errorf("objectstore: presign ttl %s outside (0, %s]", ttl, MaxPresignTTL)
	}
	return nil
}

// DefaultContentType is what every store records when Put is given none,
// so they answer alike.
const DefaultContentType = "application/octet-stream"

// OrDefault returns s, or def when s is empty.
func OrDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// CheckSize wraps r so that reading more or fewer than want bytes fails
// with ErrSizeMismatch: a Put never commits a body whose length disagrees
// with its declared size.
func CheckSize(r io.Reader, want int64) io.Reader { return &sizeCheckReader{r: r, want: want} }

// sizeCheckReader fails the read that makes the body longer than declared,
// or the final read when it is shorter, so a Put never commits a body whose
// length disagrees with its declared size.
type sizeCheckReader struct {
	r    io.Reader
	want int64
	got  int64
}

func (s *sizeCheckReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.got += int64(n)
	if s.got > s.want {
		return n, fmt.Errorf("%w: more than %d bytes", ErrSizeMismatch, s.want)
	}
	if err == io.EOF && s.got != s.want {
		return n, fmt.Errorf("%w: got %d bytes, declared %d", ErrSizeMismatch, s.got, s.want)
	}
	return n, err
}

// ctxReader stops a copy when the context ends; S3 calls get this from the
// SDK, local disk copies need it explicitly.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Janitor is implemented by stores that can hold debris no reader sees:
// multipart uploads whose abort could not reach S3 (the server was down when
// the upload failed) and temporary files of a process killed mid-write.
// `cms media gc` calls it alongside its orphan sweep.
type Janitor interface {
	// CleanIncomplete removes unfinished uploads started more than
	// olderThan ago and returns how many it removed. Use an age well above
	// the longest upload, or it will abort uploads in progress.
	CleanIncomplete(ctx context.Context, olderThan time.Duration) (int, error)
}
