package s3

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/automatonic/chronos/app/internal/objectstore"
	"github.com/automatonic/chronos/app/internal/objectstore/storetest"
	"github.com/automatonic/chronos/app/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestS3Conformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) objectstore.Store {
		return newTestS3(t, testenv.S3(t), "media/")
	}, func(t *testing.T, s objectstore.Store) []string {
		return listMultipartUploads(t, s.(*Store))
	})
}

// newTestS3 is a Store on srv under prefix; tune changes its Config
// before it is opened (e.g. a smaller PartSize).
func newTestS3(t *testing.T, srv testenv.S3Server, prefix string, tune ...func(*Config)) *Store {
	t.Helper()
	cfg := Config{
		Bucket:          srv.Bucket,
		Region:          srv.Region,
		AccessKeyID:     srv.AccessKey,
		SecretAccessKey: srv.SecretKey,
		Endpoint:        srv.Endpoint,
		ForcePathStyle:  true,
		Prefix:          prefix,
	}
	for _, f := range tune {
		f(&cfg)
	}
	s, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func listMultipartUploads(t *testing.T, s *Store) []string {
	t.Helper()
	out, err := s.client.ListMultipartUploads(t.Context(), &awss3.ListMultipartUploadsInput{Bucket: aws.String(s.bucket)})
	if err != nil {
		t.Fatalf("ListMultipartUploads: %v", err)
	}
	var keys []string
	for _, u := range out.Uploads {
		keys = append(keys, aws.ToString(u.Key))
	}
	return keys
}

// TestS3Prefix checks that keys land under the configured prefix in the
// bucket and come back without it.
func TestS3Prefix(t *testing.T) {
	srv := testenv.S3(t)
	s := newTestS3(t, srv, "site/media/")
	storetest.MustPut(t, s, "hero.png", []byte("png"), objectstore.PutOptions{ContentType: "image/png"})
	b, err := os.ReadFile(filepath.Join(srv.Root, srv.Bucket, "site", "media", "hero.png"))
	if err != nil || string(b) != "png" {
		t.Fatalf("object not under the prefix in the bucket: %q, %v", b, err)
	}
	if got := storetest.ListKeys(t, s, ""); len(got) != 1 || got[0] != "hero.png" {
		t.Fatalf("List = %v, want [hero.png]", got)
	}
	// A store without the prefix sees the full key; one with another
	// prefix sees nothing.
	if got := storetest.ListKeys(t, newTestS3(t, srv, ""), ""); len(got) != 1 || got[0] != "site/media/hero.png" {
		t.Fatalf("unprefixed List = %v", got)
	}
	if got := storetest.ListKeys(t, newTestS3(t, srv, "other/"), ""); len(got) != 0 {
		t.Fatalf("other prefix List = %v", got)
	}
}

// TestS3Unavailable stops the server and expects every operation to fail
// fast with objectstore.ErrUnavailable (the HTTP layer's 503), then to work again after a
// restart.
func TestS3Unavailable(t *testing.T) {
	p := testenv.StartS3(t)
	srv := p.Bucket(t)
	s := newTestS3(t, srv, "")
	ctx := t.Context()
	storetest.MustPut(t, s, "before.txt", []byte("x"), objectstore.PutOptions{})
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}

	ops := map[string]func() error{
		"Put": func() error { return s.Put(ctx, "k", strings.NewReader("abc"), 3, objectstore.PutOptions{}) },
		"PutStream": func() error {
			return s.Put(ctx, "k", storetest.OnlyReader{R: bytes.NewReader(storetest.RandBytes(8, 10<<20))}, -1, objectstore.PutOptions{})
		},
		"Get":    func() error { _, err := s.Get(ctx, "before.txt", nil); return err },
		"Head":   func() error { _, err := s.Head(ctx, "before.txt"); return err },
		"Delete": func() error { return s.Delete(ctx, "before.txt") },
		"List":   func() error { return s.List(ctx, "", func(objectstore.Info) error { return nil }) },
		"Ping":   func() error { return s.Ping(ctx) },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			err := op()
			if !errors.Is(err, objectstore.ErrUnavailable) {
				t.Fatalf("%s with the server stopped = %v, want objectstore.ErrUnavailable", name, err)
			}
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("%s took %v to report the outage", name, d)
			}
			t.Logf("%s: %v after %v", name, err, time.Since(start).Round(time.Millisecond))
		})
	}

	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after restart: %v", err)
	}
	if _, err := s.Head(ctx, "k"); !errors.Is(err, objectstore.ErrNotFound) {
		t.Fatalf("Head(k) after failed puts = %v, want objectstore.ErrNotFound", err)
	}
	if got := listMultipartUploads(t, s); len(got) != 0 {
		t.Errorf("multipart uploads left after the outage: %v", got)
	}
}

func TestS3Config(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no bucket", Config{}},
		{"half credentials", Config{Bucket: "b", AccessKeyID: "id"}},
		{"bad prefix", Config{Bucket: "b", Prefix: "../x/"}},
		{"small parts", Config{Bucket: "b", PartSize: 1 << 20}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := New(t.Context(), tc.cfg); err == nil {
				t.Fatal("New accepted an invalid config")
			}
		})
	}
}

// TestS3StoppedMidUpload stops the server while a streamed upload is
// between parts: Put reports objectstore.ErrUnavailable, no object appears after the
// restart, and CleanIncomplete removes the multipart upload whose abort
// could not reach the stopped server.
func TestS3StoppedMidUpload(t *testing.T) {
	p := testenv.StartS3(t)
	s := newTestS3(t, p.Bucket(t), "media/")
	ctx := t.Context()
	reached, resume := make(chan struct{}), make(chan struct{})
	body := io.MultiReader(
		io.LimitReader(storetest.RandReader(10), 2*DefaultPartSize+1), // two parts sent, the third pending
		gateReader{reached: reached, resume: resume},
		io.LimitReader(storetest.RandReader(11), 2*DefaultPartSize),
	)
	errc := make(chan error, 1)
	go func() {
		errc <- s.Put(ctx, "video.mp4", storetest.OnlyReader{R: body}, -1, objectstore.PutOptions{ContentType: "video/mp4"})
	}()
	<-reached
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	close(resume)
	start := time.Now()
	if err := <-errc; !errors.Is(err, objectstore.ErrUnavailable) {
		t.Fatalf("Put = %v, want objectstore.ErrUnavailable", err)
	}
	t.Logf("Put failed %v after the server stopped", time.Since(start).Round(time.Millisecond))
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Head(ctx, "video.mp4"); !errors.Is(err, objectstore.ErrNotFound) {
		t.Fatalf("Head after failed Put = %v, want objectstore.ErrNotFound", err)
	}
	if got := storetest.ListKeys(t, s, ""); len(got) != 0 {
		t.Fatalf("objects after failed Put: %v", got)
	}
	left := listMultipartUploads(t, s)
	t.Logf("multipart uploads left by the outage: %v", left)
	if n, err := s.CleanIncomplete(ctx, 0); err != nil || n != len(left) {
		t.Fatalf("CleanIncomplete = %d, %v; want %d", n, err, len(left))
	}
	if got := listMultipartUploads(t, s); len(got) != 0 {
		t.Fatalf("multipart uploads after CleanIncomplete: %v", got)
	}
}

// gateReader signals when the copy reaches it and blocks until resumed.
type gateReader struct {
	reached chan<- struct{}
	resume  <-chan struct{}
}

func (g gateReader) Read([]byte) (int, error) {
	close(g.reached)
	<-g.resume
	return 0, io.EOF
}

// TestIfNoneMatchRefusesAnExistingKey checks what Create's uniqueness
// rests on, past its HeadObject look: the server refuses a PutObject and a
// CompleteMultipartUpload with If-None-Match: * on a key that exists
// (ErrExists), keeps the object, and leaves no multipart upload behind.
func TestIfNoneMatchRefusesAnExistingKey(t *testing.T) {
	s := newTestS3(t, testenv.S3(t), "media/")
	storetest.MustPut(t, s, "taken.bin", []byte("original"), objectstore.PutOptions{})
	for name, body := range map[string][]byte{"PutObject": []byte("small"), "multipart": storetest.RandBytes(1, 9<<20)} {
		b, err := s.readBody(t.Context(), storetest.OnlyReader{R: bytes.NewReader(body)}, -1)
		if err != nil {
			t.Fatal(err)
		}
		in := s.putInput("taken.bin", objectstore.PutOptions{})
		in.IfNoneMatch = aws.String("*")
		err = s.upload(t.Context(), in, b)
		b.parts.release()
		if err = s.wrap("create", "taken.bin", err); !errors.Is(err, objectstore.ErrExists) {
			t.Errorf("%s over an existing key: %v, want objectstore.ErrExists", name, err)
		}
	}
	obj, err := s.Get(t.Context(), "taken.bin", nil)
	if err != nil || string(storetest.ReadAll(t, obj.Body)) != "original" {
		t.Errorf("the existing object changed (%v)", err)
	}
	if left := listMultipartUploads(t, s); len(left) != 0 {
		t.Errorf("multipart uploads left: %v", left)
	}
}
