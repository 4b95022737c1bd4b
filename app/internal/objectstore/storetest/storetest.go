// Package storetest is the behaviour every objectstore.Store shares, as a
// test suite each implementation runs against itself (local disk in
// objectstore, S3 in objectstore/s3).
package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/objectstore"
)

// Run runs the behaviour every objectstore.Store must share against the store
// newStore returns (a fresh, empty one per call).
func Run(t *testing.T, newStore func(t *testing.T) objectstore.Store, leftovers func(t *testing.T, s objectstore.Store) []string) {
	ctx := t.Context()

	t.Run("RoundTrip", func(t *testing.T) {
		s := newStore(t)
		body := []byte("hello, chronos\n")
		opts := objectstore.PutOptions{ContentType: "text/plain; charset=utf-8", CacheControl: "public, max-age=60", ContentDisposition: `inline; filename="a.txt"`}
		before := time.Now().Add(-time.Minute)
		MustPut(t, s, "docs/a.txt", body, opts)
		obj, err := s.Get(ctx, "docs/a.txt", nil)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		got := ReadAll(t, obj.Body)
		if !bytes.Equal(got, body) {
			t.Fatalf("body = %q, want %q", got, body)
		}
		if obj.Size != int64(len(body)) || obj.Length != int64(len(body)) || obj.ContentRange != "" {
			t.Errorf("Size %d Length %d ContentRange %q, want %d %d \"\"", obj.Size, obj.Length, obj.ContentRange, len(body), len(body))
		}
		if obj.ContentType != opts.ContentType || obj.CacheControl != opts.CacheControl || obj.ContentDisposition != opts.ContentDisposition {
			t.Errorf("headers = %q %q %q, want %q %q %q", obj.ContentType, obj.CacheControl, obj.ContentDisposition,
				opts.ContentType, opts.CacheControl, opts.ContentDisposition)
		}
		if !strings.HasPrefix(obj.ETag, `"`) || len(obj.ETag) < 3 {
			t.Errorf("ETag = %q, want a quoted validator", obj.ETag)
		}
		if obj.LastModified.Before(before) || obj.Key != "docs/a.txt" {
			t.Errorf("LastModified %v Key %q", obj.LastModified, obj.Key)
		}
	})

	t.Run("DefaultContentType", func(t *testing.T) {
		s := newStore(t)
		MustPut(t, s, "blob", []byte{1, 2, 3}, objectstore.PutOptions{})
		info, err := s.Head(ctx, "blob")
		if err != nil {
			t.Fatalf("Head: %v", err)
		}
		if info.ContentType != objectstore.DefaultContentType {
			t.Errorf("ContentType = %q, want %q", info.ContentType, objectstore.DefaultContentType)
		}
	})

	t.Run("EmptyBody", func(t *testing.T) {
		s := newStore(t)
		MustPut(t, s, "empty", nil, objectstore.PutOptions{})
		obj, err := s.Get(ctx, "empty", nil)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got := ReadAll(t, obj.Body); len(got) != 0 || obj.Size != 0 {
			t.Errorf("got %d bytes, Size %d", len(got), obj.Size)
		}
	})

	t.Run("StreamedUnknownSize20MiB", func(t *testing.T) {
		s := newStore(t)
		const n = 20 << 20 // > 2 parts: exercises multipart on S3
		want := sha256.New()
		src := io.TeeReader(io.LimitReader(RandReader(1), n), want)
		if err := s.Put(ctx, "big/video.bin", OnlyReader{src}, -1, objectstore.PutOptions{ContentType: "video/mp4"}); err != nil {
			t.Fatalf("Put: %v", err)
		}
		obj, err := s.Get(ctx, "big/video.bin", nil)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		defer obj.Body.Close()
		got := sha256.New()
		m, err := io.Copy(got, obj.Body)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if m != n || obj.Size != n {
			t.Fatalf("read %d bytes, Size %d, want %d", m, obj.Size, n)
		}
		if !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
			t.Fatal("streamed body differs from what was put")
		}
		info, err := s.Head(ctx, "big/video.bin")
		if err != nil || info.Size != n || info.ContentType != "video/mp4" {
			t.Fatalf("Head = %+v, %v", info, err)
		}
	})

	t.Run("StreamedKnownSizeMultipart", func(t *testing.T) {
		s := newStore(t)
		body := RandBytes(2, 9<<20+17)
		if err := s.Put(ctx, "known.bin", OnlyReader{bytes.NewReader(body)}, int64(len(body)), objectstore.PutOptions{}); err != nil {
			t.Fatalf("Put: %v", err)
		}
		obj, err := s.Get(ctx, "known.bin", nil)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got := ReadAll(t, obj.Body); !bytes.Equal(got, body) {
			t.Fatalf("body differs (%d vs %d bytes)", len(got), len(body))
		}
	})

	t.Run("Overwrite", func(t *testing.T) {
		s := newStore(t)
		MustPut(t, s, "k", []byte("first version"), objectstore.PutOptions{ContentType: "text/plain"})
		MustPut(t, s, "k", []byte("second"), objectstore.PutOptions{ContentType: "image/png"})
		obj, err := s.Get(ctx, "k", nil)
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if got := ReadAll(t, obj.Body); string(got) != "second" || obj.ContentType != "image/png" {
			t.Fatalf("got %q %q", got, obj.ContentType)
		}
	})

	t.Run("SizeMismatchStoresNothing", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			body []byte
			size int64
		}{
			{"shorter", []byte("12345"), 10},
			{"longer", []byte("1234567890"), 5},
		} {
			t.Run(tc.name, func(t *testing.T) {
				s := newStore(t)
				err := s.Put(ctx, "m", bytes.NewReader(tc.body), tc.size, objectstore.PutOptions{})
				if !errors.Is(err, objectstore.ErrSizeMismatch) {
					t.Fatalf("Put = %v, want objectstore.ErrSizeMismatch", err)
				}
				if _, err := s.Head(ctx, "m"); !errors.Is(err, objectstore.ErrNotFound) {
					t.Fatalf("Head after failed Put = %v, want objectstore.ErrNotFound", err)
				}
			})
		}
	})

	t.Run("FailingBodyStoresNothing", func(t *testing.T) {
		s := newStore(t)
		boom := errors.New("client went away")
		// 12 MiB then an error: on S3 the first part is already uploaded,
		// so the multipart upload must be aborted.
		r := io.MultiReader(io.LimitReader(RandReader(3), 12<<20), errReader{boom})
		err := s.Put(ctx, "partial.bin", OnlyReader{r}, -1, objectstore.PutOptions{})
		if !errors.Is(err, boom) {
			t.Fatalf("Put = %v, want the body's error", err)
		}
		if _, err := s.Head(ctx, "partial.bin"); !errors.Is(err, objectstore.ErrNotFound) {
			t.Fatalf("Head = %v, want objectstore.ErrNotFound", err)
		}
		if left := leftovers(t, s); len(left) != 0 {
			t.Errorf("a failed Put left behind: %v", left)
		}
	})

	t.Run("CanceledPutStoresNothing", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		r := io.MultiReader(io.LimitReader(RandReader(4), 1<<20), cancelReader{cancel}, io.LimitReader(RandReader(5), 1<<20))
		err := s.Put(cctx, "c.bin", OnlyReader{r}, -1, objectstore.PutOptions{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Put = %v, want context.Canceled", err)
		}
		if _, err := s.Head(ctx, "c.bin"); !errors.Is(err, objectstore.ErrNotFound) {
			t.Fatalf("Head = %v, want objectstore.ErrNotFound", err)
		}
	})

	t.Run("Range", func(t *testing.T) {
		s := newStore(t)
		body := RandBytes(6, 1000)
		MustPut(t, s, "r.bin", body, objectstore.PutOptions{ContentType: "application/pdf"})
		for _, tc := range []struct {
			rng        objectstore.Range
			start, end int64
		}{
			{objectstore.Range{Start: 0, End: 99}, 0, 99},
			{objectstore.Range{Start: 990, End: -1}, 990, 999},
			{objectstore.Range{Start: 500, End: 5000}, 500, 999},
			{objectstore.Range{Suffix: 10}, 990, 999},
			{objectstore.Range{Suffix: 5000}, 0, 999},
			{objectstore.Range{Start: 999, End: 999}, 999, 999},
		} {
			t.Run(tc.rng.String(), func(t *testing.T) {
				obj, err := s.Get(ctx, "r.bin", &tc.rng)
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				got := ReadAll(t, obj.Body)
				if !bytes.Equal(got, body[tc.start:tc.end+1]) {
					t.Errorf("body = %d bytes, want bytes %d-%d", len(got), tc.start, tc.end)
				}
				wantCR := fmt.Sprintf("bytes %d-%d/1000", tc.start, tc.end)
				if obj.ContentRange != wantCR || obj.Length != tc.end-tc.start+1 || obj.Size != 1000 {
					t.Errorf("ContentRange %q Length %d Size %d, want %q %d 1000", obj.ContentRange, obj.Length, obj.Size, wantCR, tc.end-tc.start+1)
				}
				if obj.ContentType != "application/pdf" {
					t.Errorf("ContentType = %q", obj.ContentType)
				}
			})
		}
		for _, rng := range []objectstore.Range{{Start: 1000, End: -1}, {Start: 5000, End: 6000}, {Start: 10, End: 5}} {
			t.Run("unsatisfiable "+rng.String(), func(t *testing.T) {
				if _, err := s.Get(ctx, "r.bin", &rng); !errors.Is(err, objectstore.ErrInvalidRange) {
					t.Fatalf("Get = %v, want objectstore.ErrInvalidRange", err)
				}
			})
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		s := newStore(t)
		MustPut(t, s, "dir/file", []byte("x"), objectstore.PutOptions{})
		for _, key := range []string{"missing.png", "dir/missing", "dir"} {
			if _, err := s.Get(ctx, key, nil); !errors.Is(err, objectstore.ErrNotFound) {
				t.Errorf("Get(%q) = %v, want objectstore.ErrNotFound", key, err)
			}
			if _, err := s.Head(ctx, key); !errors.Is(err, objectstore.ErrNotFound) {
				t.Errorf("Head(%q) = %v, want objectstore.ErrNotFound", key, err)
			}
		}
		if err := s.Delete(ctx, "missing.png"); err != nil {
			t.Errorf("Delete(missing) = %v, want nil", err)
		}
	})

	t.Run("DeleteSeveral", func(t *testing.T) {
		s := newStore(t)
		for _, k := range []string{"img/a.png", "img/a-400x300.png", "img/a-400x300.webp", "img/b.png"} {
			MustPut(t, s, k, []byte(k), objectstore.PutOptions{})
		}
		if err := s.Delete(ctx, "img/a.png", "img/a-400x300.png", "img/a-400x300.webp", "img/never.png"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if got := ListKeys(t, s, ""); !slices.Equal(got, []string{"img/b.png"}) {
			t.Fatalf("left = %v, want [img/b.png]", got)
		}
	})

	t.Run("List", func(t *testing.T) {
		s := newStore(t)
		all := []string{"a/1", "a/2.png", "a/b/3", "ab/4", "b/5", "top"}
		for _, k := range all {
			MustPut(t, s, k, []byte(k), objectstore.PutOptions{})
		}
		for _, tc := range []struct {
			prefix string
			want   []string
		}{
			{"", all},
			{"a/", []string{"a/1", "a/2.png", "a/b/3"}},
			{"a", []string{"a/1", "a/2.png", "a/b/3", "ab/4"}},
			{"a/b", []string{"a/b/3"}},
			{"a/2", []string{"a/2.png"}},
			{"zzz/", nil},
		} {
			t.Run(strconv.Quote(tc.prefix), func(t *testing.T) {
				if got := ListKeys(t, s, tc.prefix); !slices.Equal(got, tc.want) {
					t.Errorf("List(%q) = %v, want %v", tc.prefix, got, tc.want)
				}
			})
		}
		var sizes int64
		_ = s.List(ctx, "a/1", func(in objectstore.Info) error { sizes += in.Size; return nil })
		if sizes != 3 {
			t.Errorf("List sizes = %d, want 3", sizes)
		}
		stop := errors.New("stop")
		calls := 0
		err := s.List(ctx, "", func(objectstore.Info) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("List with failing fn = %v after %d calls, want stop after 1", err, calls)
		}
	})

	t.Run("InvalidKeys", func(t *testing.T) {
		s := newStore(t)
		for _, key := range []string{"", "../etc/passwd", "a/../../b", "/abs", "a//b", ".hidden", "a/.meta", "a\\b", "a\x00b", "a\nb", "dir/", "\xff"} {
			t.Run(strconv.Quote(key), func(t *testing.T) {
				if err := s.Put(ctx, key, strings.NewReader("x"), 1, objectstore.PutOptions{}); !errors.Is(err, objectstore.ErrInvalidKey) {
					t.Errorf("Put = %v, want objectstore.ErrInvalidKey", err)
				}
				if _, err := s.Get(ctx, key, nil); !errors.Is(err, objectstore.ErrInvalidKey) {
					t.Errorf("Get = %v, want objectstore.ErrInvalidKey", err)
				}
				if _, err := s.Head(ctx, key); !errors.Is(err, objectstore.ErrInvalidKey) {
					t.Errorf("Head = %v, want objectstore.ErrInvalidKey", err)
				}
				if err := s.Delete(ctx, "fine", key); !errors.Is(err, objectstore.ErrInvalidKey) {
					t.Errorf("Delete = %v, want objectstore.ErrInvalidKey", err)
				}
			})
		}
		if err := s.List(ctx, "../", func(objectstore.Info) error { return nil }); !errors.Is(err, objectstore.ErrInvalidKey) {
			t.Errorf("List(../) = %v, want objectstore.ErrInvalidKey", err)
		}
	})

	t.Run("Create", func(t *testing.T) { runCreate(t, newStore) })

	t.Run("Ping", func(t *testing.T) {
		if err := newStore(t).Ping(ctx); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})

	t.Run("Presign", func(t *testing.T) {
		s := newStore(t)
		body := RandBytes(7, 4096)
		url, headers, err := s.PresignPut(ctx, "direct/upload.png", "image/png", int64(len(body)), 5*time.Minute)
		if errors.Is(err, objectstore.ErrUnsupported) {
			if _, err := s.PresignGet(ctx, "x", time.Minute); !errors.Is(err, objectstore.ErrUnsupported) {
				t.Fatalf("PresignGet = %v, want objectstore.ErrUnsupported like PresignPut", err)
			}
			t.Log("store cannot presign: objectstore.ErrUnsupported, as documented")
			return
		}
		if err != nil {
			t.Fatalf("PresignPut: %v", err)
		}
		if headers["Content-Type"] != "image/png" {
			t.Errorf("headers = %v, want Content-Type image/png", headers)
		}
		put := func(ct string, b []byte) int {
			req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range headers {
				req.Header.Set(k, v)
			}
			req.Header.Set("Content-Type", ct)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("PUT: %v", err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			return resp.StatusCode
		}
		// The signature covers type and length: a client cannot swap them.
		if code := put("text/html", body); code != http.StatusForbidden {
			t.Errorf("PUT with another content type = %d, want 403", code)
		}
		if code := put("image/png", body[:100]); code != http.StatusForbidden {
			t.Errorf("PUT with another length = %d, want 403", code)
		}
		if _, err := s.Head(ctx, "direct/upload.png"); !errors.Is(err, objectstore.ErrNotFound) {
			t.Fatalf("Head after rejected PUTs = %v, want objectstore.ErrNotFound", err)
		}
		if code := put("image/png", body); code != http.StatusOK {
			t.Fatalf("presigned PUT = %d, want 200", code)
		}
		info, err := s.Head(ctx, "direct/upload.png")
		if err != nil {
			t.Fatalf("Head: %v", err)
		}
		if info.Size != int64(len(body)) || info.ContentType != "image/png" {
			t.Errorf("Head = size %d type %q", info.Size, info.ContentType)
		}

		getURL, err := s.PresignGet(ctx, "direct/upload.png", time.Minute)
		if err != nil {
			t.Fatalf("PresignGet: %v", err)
		}
		resp, err := http.Get(getURL)
		if err != nil {
			t.Fatalf("GET: %v", err)
		}
		got := ReadAll(t, resp.Body)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, body) {
			t.Fatalf("presigned GET = %d, %d bytes", resp.StatusCode, len(got))
		}
		for _, ttl := range []time.Duration{0, -time.Second, objectstore.MaxPresignTTL + time.Second} {
			if _, err := s.PresignGet(ctx, "direct/upload.png", ttl); err == nil {
				t.Errorf("PresignGet ttl %v accepted", ttl)
			}
		}
	})
}

// MustPut puts body under key or fails the test.
func MustPut(t *testing.T, s objectstore.Store, key string, body []byte, opts objectstore.PutOptions) {
	t.Helper()
	if err := s.Put(t.Context(), key, bytes.NewReader(body), int64(len(body)), opts); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

// ReadAll reads and closes rc or fails the test.
func ReadAll(t *testing.T, rc io.ReadCloser) []byte {
	t.Helper()
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return b
}

// ListKeys lists the keys under prefix, sorted, or fails the test.
func ListKeys(t *testing.T, s objectstore.Store, prefix string) []string {
	t.Helper()
	var keys []string
	if err := s.List(t.Context(), prefix, func(in objectstore.Info) error { keys = append(keys, in.Key); return nil }); err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	slices.Sort(keys)
	return keys
}

// RandReader is a deterministic byte stream (incompressible, reproducible).
func RandReader(seed uint64) io.Reader {
	var s [32]byte
	s[0] = byte(seed)
	return rand.NewChaCha8(s)
}

// RandBytes returns n bytes of RandReader(seed).
func RandBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	_, _ = io.ReadFull(RandReader(seed), b)
	return b
}

// OnlyReader hides io.Seeker, io.ReaderAt and io.WriterTo so stores see a
// plain stream, as from an HTTP request body.
type OnlyReader struct{ R io.Reader }

// Read implements io.Reader.
func (o OnlyReader) Read(p []byte) (int, error) { return o.R.Read(p) }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// cancelReader cancels the context when the copy reaches it.
type cancelReader struct{ cancel context.CancelFunc }

func (c cancelReader) Read([]byte) (int, error) { c.cancel(); return 0, io.EOF }

// names yields key and then "<key>-1" … "<key>-<n>", as uploads try names.
func names(key string, n int) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := 0; i <= n; i++ {
			k := key
			if i > 0 {
				k += "-" + strconv.Itoa(i)
			}
			if !yield(k) {
				return
			}
		}
	}
}

// disposition gives each key a header naming it.
func disposition(key string) objectstore.PutOptions {
	return objectstore.PutOptions{ContentType: "text/plain", ContentDisposition: `attachment; filename="` + key + `"`}
}

// runCreate checks Create: the first free key is taken, an existing object
// is never replaced, every key taken is ErrExists with nothing stored, and
// concurrent Creates of the same keys all get different ones, each with
// its own body; a streamed body longer than a part skips a taken key.
func runCreate(t *testing.T, newStore func(t *testing.T) objectstore.Store) {
	ctx := t.Context()
	s := newStore(t)
	got, err := s.Create(ctx, names("c/a.txt", 1), strings.NewReader("first"), 5, disposition)
	if err != nil || got != "c/a.txt" {
		t.Fatalf("Create on an empty store = %q, %v; want c/a.txt", got, err)
	}
	if got, err = s.Create(ctx, names("c/a.txt", 1), OnlyReader{strings.NewReader("second")}, -1, disposition); err != nil || got != "c/a.txt-1" {
		t.Fatalf("Create of a taken key = %q, %v; want c/a.txt-1", got, err)
	}
	if _, err = s.Create(ctx, names("c/a.txt", 1), strings.NewReader("third"), 5, disposition); !errors.Is(err, objectstore.ErrExists) {
		t.Fatalf("Create with every key taken = %v, want objectstore.ErrExists", err)
	}
	for key, want := range map[string]string{"c/a.txt": "first", "c/a.txt-1": "second"} {
		obj, err := s.Get(ctx, key, nil)
		if err != nil {
			t.Fatalf("Get %s: %v", key, err)
		}
		if body := ReadAll(t, obj.Body); string(body) != want || obj.ContentDisposition != disposition(key).ContentDisposition {
			t.Errorf("%s = %q, %q; want %q named after its key", key, body, obj.ContentDisposition, want)
		}
	}

	// A body longer than a part (streamed on S3) skips the taken key too.
	long := RandBytes(10, 9<<20)
	MustPut(t, s, "long.bin", []byte("taken"), objectstore.PutOptions{})
	if got, err := s.Create(ctx, names("long.bin", 1), OnlyReader{bytes.NewReader(long)}, -1, disposition); err != nil || got != "long.bin-1" {
		t.Fatalf("streamed Create = %q, %v; want long.bin-1", got, err)
	}
	if obj, err := s.Get(ctx, "long.bin-1", nil); err != nil || !bytes.Equal(ReadAll(t, obj.Body), long) {
		t.Fatalf("streamed Create stored another body (%v)", err)
	}

	// Eight writers of the same keys at once: eight different keys, each
	// holding its writer's body.
	const writers = 8
	bodies := make([][]byte, writers)
	keys := make([]string, writers)
	var wg sync.WaitGroup
	for i := range writers {
		bodies[i] = RandBytes(uint64(20+i), 1000+i)
		wg.Go(func() {
			k, err := s.Create(ctx, names("same.bin", writers-1), bytes.NewReader(bodies[i]), int64(len(bodies[i])), disposition)
			if err != nil {
				t.Errorf("writer %d: %v", i, err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	if got := ListKeys(t, s, "same.bin"); len(got) != writers {
		t.Fatalf("keys after %d concurrent Creates: %v (taken %v)", writers, got, keys)
	}
	for i, k := range keys {
		obj, err := s.Get(ctx, k, nil)
		if err != nil {
			t.Fatalf("Get %s: %v", k, err)
		}
		if !bytes.Equal(ReadAll(t, obj.Body), bodies[i]) {
			t.Errorf("writer %d's key %s holds another body", i, k)
		}
	}
}
