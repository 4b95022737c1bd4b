package s3

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/internal/objectstore"
	"github.com/automatonic/chronos/app/internal/objectstore/storetest"
	"github.com/automatonic/chronos/app/internal/testenv"
)

// TestUploadPartBoundaries puts bodies at and around the part size, of
// known and unknown size: each comes back whole, a body that fits one
// part is one PutObject (a plain ETag), a longer one a multipart upload of
// as many parts as it fills (an ETag ending in -<parts>), and an upload
// never holds more than Concurrency part buffers.
func TestUploadPartBoundaries(t *testing.T) {
	s := newTestS3(t, testenv.S3(t), "", smallParts)
	const p = minPartSize
	for i, tc := range []struct {
		n     int
		known bool
		parts int // 0: one PutObject
	}{
		{0, false, 0},
		{p - 1, false, 0},
		{p, true, 0},
		{p, false, 1}, // full, and the end only shows on the next read
		{p + 1, false, 2},
		{2 * p, false, 2},
		{2 * p, true, 2},
		{3*p + 7, false, 4},
		{3*p + 7, true, 4},
	} {
		name := fmt.Sprintf("%d known=%v", tc.n, tc.known)
		t.Run(name, func(t *testing.T) {
			body := storetest.RandBytes(uint64(30+i), tc.n)
			size := int64(-1)
			if tc.known {
				size = int64(tc.n)
			}
			key := fmt.Sprintf("b/%d.bin", i)
			if err := s.Put(t.Context(), key, storetest.OnlyReader{R: bytes.NewReader(body)}, size, objectstore.PutOptions{}); err != nil {
				t.Fatalf("Put: %v", err)
			}
			obj, err := s.Get(t.Context(), key, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := storetest.ReadAll(t, obj.Body); !bytes.Equal(got, body) {
				t.Fatalf("stored %d bytes that differ from the %d put", len(got), len(body))
			}
			if got := partsOf(obj.ETag); got != tc.parts {
				t.Errorf("ETag %s: %d parts, want %d (0: one PutObject)", obj.ETag, got, tc.parts)
			}
		})
	}
	// Linux keeps released buffers for the next upload: the pool holds
	// what one upload needed at most.
	if runtime.GOOS == "linux" && s.parts.made != s.concurrency {
		t.Errorf("the uploads mapped %d part buffers, want %d (Concurrency)", s.parts.made, s.concurrency)
	}
}

// partsOf is the part count of a multipart ETag ("…-3"), 0 for another.
func partsOf(etag string) int {
	_, n, ok := strings.Cut(strings.Trim(etag, `"`), "-")
	if !ok {
		return 0
	}
	var parts int
	_, _ = fmt.Sscan(n, &parts)
	return parts
}

// TestUploadBodyErrors checks that a body that fails or disagrees with its
// size stores nothing, whether it ends within the first part or later: a
// truncated body (io.ErrUnexpectedEOF, as mime/multipart reports a cut
// request) is an error, never a short object, and a body of exactly one
// part declared one byte shorter or longer is ErrSizeMismatch.
func TestUploadBodyErrors(t *testing.T) {
	s := newTestS3(t, testenv.S3(t), "", smallParts)
	truncated := func(n int) io.Reader {
		return io.MultiReader(bytes.NewReader(storetest.RandBytes(40, n)), errorAfter{io.ErrUnexpectedEOF})
	}
	exact := func() io.Reader { return bytes.NewReader(storetest.RandBytes(41, minPartSize)) }
	for _, tc := range []struct {
		name string
		r    io.Reader
		size int64
		want error
	}{
		{"truncated in the first part", truncated(1000), -1, io.ErrUnexpectedEOF},
		{"truncated at the part size", truncated(minPartSize), -1, io.ErrUnexpectedEOF},
		{"truncated in the third part", truncated(2*minPartSize + 10), -1, io.ErrUnexpectedEOF},
		{"one part declared one byte short", exact(), minPartSize - 1, objectstore.ErrSizeMismatch},
		{"one part declared one byte long", exact(), minPartSize + 1, objectstore.ErrSizeMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Put(t.Context(), "bad.bin", storetest.OnlyReader{R: tc.r}, tc.size, objectstore.PutOptions{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("Put = %v, want %v", err, tc.want)
			}
			if _, err := s.Head(t.Context(), "bad.bin"); !errors.Is(err, objectstore.ErrNotFound) {
				t.Fatalf("Head after the failed Put = %v, want ErrNotFound", err)
			}
			if left := listMultipartUploads(t, s); len(left) != 0 {
				t.Fatalf("multipart uploads left: %v", left)
			}
		})
	}
}

// errorAfter fails every read with err.
type errorAfter struct{ err error }

func (e errorAfter) Read([]byte) (int, error) { return 0, e.err }

// smallParts sets S3's minimum part size, so a few MiB make a multipart
// upload.
func smallParts(c *Config) { c.PartSize = minPartSize }
