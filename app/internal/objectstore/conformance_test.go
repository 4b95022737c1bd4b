package objectstore_test

import (
	"os"
	"testing"

	"github.com/automatonic/chronos/app/internal/objectstore"
	"github.com/automatonic/chronos/app/internal/objectstore/storetest"
	"github.com/automatonic/chronos/app/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestLocalConformance(t *testing.T) {
	dirs := map[objectstore.Store]string{}
	storetest.Run(t, func(t *testing.T) objectstore.Store {
		dir := t.TempDir()
		s, err := objectstore.NewLocal(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		dirs[s] = dir
		return s
	}, func(t *testing.T, s objectstore.Store) []string {
		// A failed Put must leave no temporary file in the directory.
		entries, err := os.ReadDir(dirs[s])
		if err != nil {
			t.Fatal(err)
		}
		var left []string
		for _, e := range entries {
			left = append(left, e.Name())
		}
		return left
	})
}
