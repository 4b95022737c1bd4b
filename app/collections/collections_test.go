package collections_test

import (
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
)

// TestDefinitionsAreValid checks every definition through the registry.
func TestDefinitionsAreValid(t *testing.T) {
	if _, err := collections.Registry(0); err != nil {
		t.Fatal(err)
	}
}

// engine are the packages that must know no collection by name.
var engine = []string{"content", "store", "httpapi", "admin"}

// TestEngineNamesNoSlug fails when a string literal of an engine package's
// Go source names a collection or global of this CMS, as a whole literal or
// as a URL path segment: everything the engine does for a collection it
// must derive from the definition. The admin's templates and static
// scripts and styles are scanned too: a slug quoted whole ("media") or as
// a URL path segment (/admin/collections/users) fails.
func TestEngineNamesNoSlug(t *testing.T) {
	var slugs []string
	for _, c := range append(collections.All(), collections.Header(), collections.Footer()) {
		slugs = append(slugs, c.Slug)
	}
	// A slug as a whole literal, or as a URL path segment ("/api/media/",
	// "/admin/collections/users/%d").
	alt := strings.Join(slugs, "|")
	word := regexp.MustCompile(`^(` + alt + `)$|/(` + alt + `)($|[/?#%\[])`)
	quoted := regexp.MustCompile("[\"'`](" + alt + ")[\"'`]|/(" + alt + ")($|[/?#%\\[\"'`\\s])")
	found := 0
	for _, pkg := range engine {
		root := filepath.Join("..", "internal", pkg)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() && d.Name() == "node_modules" {
				return filepath.SkipDir // npm packages of the editor's build, not engine code
			}
			if err != nil || d.IsDir() {
				return err
			}
			switch {
			case strings.HasSuffix(path, "_test.go"), strings.Contains(path, "testdata"):
				return nil
			case strings.HasSuffix(path, ".go"):
				for _, hit := range goStrings(t, path) {
					if strings.Contains(hit.text, "github.com/") {
						continue // an import path
					}
					if word.MatchString(hit.text) && !notASlug[filepath.Base(path)+":"+hit.text] {
						t.Errorf("%s:%d names a collection in %q", path, hit.line, hit.text)
						found++
					}
				}
			case strings.HasSuffix(path, ".html"), strings.HasSuffix(path, ".js"), strings.HasSuffix(path, ".css"):
				src, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				for i, line := range strings.Split(string(src), "\n") {
					if m := quoted.FindString(line); m != "" {
						t.Errorf("%s:%d names a collection in %q", path, i+1, m)
						found++
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if found > 0 {
		t.Errorf("%d places in the engine name a collection slug", found)
	}
}

// notASlug are literals that equal a slug by accident, with the reason.
var notASlug = map[string]bool{
	"openapi.go:header": true, // OpenAPI's parameter location `in: header`
}

type literal struct {
	line int
	text string
}

// goStrings returns the string literals of a Go file.
func goStrings(t *testing.T, path string) []literal {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	file := fset.AddFile(path, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0)
	var out []literal
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.STRING {
			text, err := strconv.Unquote(lit)
			if err != nil {
				text = lit
			}
			out = append(out, literal{line: fset.Position(pos).Line, text: text})
		}
	}
}

// TestKindsAreComplete fails when a field type lacks a behaviour entry.
func TestKindsAreComplete(t *testing.T) {
	for _, ft := range content.FieldTypes {
		k, ok := content.KindOf(ft)
		if !ok {
			t.Errorf("field type %s has no kind entry", ft)
			continue
		}
		if k.Validate == nil || k.Column == nil || k.JSONSchema == nil || k.Widget == "" {
			t.Errorf("field type %s lacks a behaviour (validate, column, JSON Schema or widget)", ft)
		}
		if k.Ops != 0 && k.QueryValue == nil {
			t.Errorf("field type %s has operators but no query value parser", ft)
		}
	}
}
