package s3

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/automatonic/chronos/app/internal/objectstore/storetest"
)

// TestFillingPart reads a part while it is filled: the reader gets every
// byte in order, the part seeks as a full part (so a retry starts over),
// and once stopped every read fails with the stop's error.
func TestFillingPart(t *testing.T) {
	const size = 3*publishEvery + 100
	want := storetest.RandBytes(50, size)
	fp := newFillingPart(make([]byte, size))
	filled := make(chan error, 1)
	go func() {
		_, err := fp.fillFrom(storetest.OnlyReader{R: bytes.NewReader(want)})
		filled <- err
	}()
	got, err := io.ReadAll(fp)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes (%v) while filling, want the %d filled", len(got), err, size)
	}
	if err := <-filled; err != nil {
		t.Fatalf("fill of a full part = %v, want nil", err)
	}
	if fp.short {
		t.Fatal("a full part is marked short")
	}
	if end, err := fp.Seek(0, io.SeekEnd); err != nil || end != size {
		t.Fatalf("Seek to the end = %d, %v; want %d", end, err, size)
	}
	if _, err := fp.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if again, err := io.ReadAll(fp); err != nil || !bytes.Equal(again, want) {
		t.Fatalf("re-read after a seek to the start: %d bytes, %v", len(again), err)
	}
	stop := errors.New("stopped")
	fp.stop(stop)
	if _, err := fp.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if n, err := fp.Read(make([]byte, 10)); n != 0 || !errors.Is(err, stop) {
		t.Fatalf("Read after stop = %d, %v; want 0, the stop's error", n, err)
	}
}

// TestFillingPartShort fills a part from a body that ends before it is
// full: fillFrom reports io.EOF with the bytes read and marks it short,
// and a read waiting past them is released by stop.
func TestFillingPartShort(t *testing.T) {
	fp := newFillingPart(make([]byte, 2*publishEvery))
	n, err := fp.fillFrom(storetest.OnlyReader{R: bytes.NewReader(make([]byte, 1000))})
	if n != 1000 || !errors.Is(err, io.EOF) || !fp.short {
		t.Fatalf("fillFrom = %d, %v, short %v; want 1000, io.EOF, true", n, err, fp.short)
	}
	read := make(chan error, 1)
	go func() {
		_, err := io.ReadAll(fp) // waits after 1000 bytes
		read <- err
	}()
	fp.stop(errShortPart)
	if err := <-read; !errors.Is(err, errShortPart) {
		t.Fatalf("a read waiting past a short part ended with %v, want errShortPart", err)
	}
}
