package objectstore_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/objectstore"
	"github.com/automatonic/chronos/app/internal/objectstore/storetest"
)

func TestLocalCleanIncomplete(t *testing.T) {
	dir := t.TempDir()
	s, err := objectstore.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	storetest.MustPut(t, s, "img/a.png", []byte("png"), objectstore.PutOptions{})
	old := filepath.Join(dir, "img", ".tmp-0123456789abcdef-b.png")
	young := filepath.Join(dir, "img", ".tmp-fedcba9876543210-c.png")
	for _, p := range []string{old, young} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	n, err := s.CleanIncomplete(t.Context(), time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("CleanIncomplete = %d, %v; want 1", n, err)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("old temp file kept: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("young temp file removed: %v", err)
	}
	if got := storetest.ListKeys(t, s, ""); strings.Join(got, ",") != "img/a.png" {
		t.Errorf("objects = %v", got)
	}
}

// TestLocalSymlinkEscape plants a symlink to outside the root: os.Root
// refuses to follow it, so no key can read or write outside the directory.
func TestLocalSymlinkEscape(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("s3cr3t"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	s, err := objectstore.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if obj, err := s.Get(t.Context(), "link/secret", nil); err == nil {
		obj.Body.Close()
		t.Fatal("read a file outside the root through a symlink")
	}
	if err := s.Put(t.Context(), "link/planted", strings.NewReader("x"), 1, objectstore.PutOptions{}); err == nil {
		t.Fatal("wrote outside the root through a symlink")
	}
	if _, err := os.Stat(filepath.Join(outside, "planted")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file planted outside the root: %v", err)
	}
}
