package repocheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// maxFuncLines is the longest a function of app/internal may be (issue
// 14): past it, split it into named helpers.
const maxFuncLines = 80

// longFuncExempt are the functions allowed past maxFuncLines, by
// "path:name", with the reason.
var longFuncExempt = map[string]string{
	// A declarative table: one entry per field type, nothing to split.
	"app/internal/content/kinds.go:init": "the field-kind table",
	// Test code in a non-test file: the object-store conformance suite
	// every store implementation's tests run.
	"app/internal/objectstore/storetest/storetest.go:Run": "a test suite",
}

// TestNoLongFunctions fails for a function of app/internal (tests aside)
// longer than maxFuncLines lines, counted from func to the closing brace.
func TestNoLongFunctions(t *testing.T) {
	root := repoRoot(t)
	fset := token.NewFileSet()
	seen := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(root, "app", "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1
			key := rel + ":" + fd.Name.Name
			if _, ok := longFuncExempt[key]; ok {
				seen[key] = true
				continue
			}
			if n > maxFuncLines {
				t.Errorf("%s:%d %s is %d lines (limit %d): split it into named helpers", rel, fset.Position(fd.Pos()).Line, fd.Name.Name, n, maxFuncLines)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range longFuncExempt {
		if !seen[key] {
			t.Errorf("exemption %s names no function any more: remove it", key)
		}
	}
}
