package repocheck

import (
	"slices"
	"strings"
	"testing"
)

const module = "github.com/automatonic/chronos"

// ignoredPackages are skipped by the boundary checks. depsanchor only pins
// go.mod entries while the real importers are being written.
var ignoredPackages = []string{module + "/internal/depsanchor"}

// A family is a group of third-party import paths with one owner.
type family struct {
	name     string
	prefixes []string
	// allowed reports whether a package (import path relative to the module,
	// e.g. "app/internal/store") may import the family directly.
	allowed func(rel string) bool
}

func under(rel string, dirs ...string) bool {
	for _, d := range dirs {
		if rel == d || strings.HasPrefix(rel, d+"/") {
			return true
		}
	}
	return false
}

func families() []family {
	return []family{
		{
			name:     "gin",
			prefixes: []string{"github.com/gin-gonic/", "github.com/gin-contrib/"},
			allowed: func(rel string) bool {
				// app/cmd/cmsbench holds the gin + pgx baseline handler that issue 8
				// asks for; it is a separate binary, never linked into cms.
				return under(rel, "app/internal/httpapi", "app/internal/admin", "app/internal/server", "app/cmd/cmsbench")
			},
		},
		{
			name:     "gorm",
			prefixes: []string{"gorm.io/", "github.com/glebarez/sqlite"},
			allowed:  func(rel string) bool { return under(rel, "app/internal/store") },
		},
		{
			name:     "aws-sdk-go-v2",
			prefixes: []string{"github.com/aws/aws-sdk-go-v2", "github.com/aws/smithy-go"},
			allowed:  func(rel string) bool { return under(rel, s3Package) },
		},
		{
			name:     "pulumi",
			prefixes: []string{"github.com/pulumi/"},
			allowed:  func(rel string) bool { return under(rel, "infra") },
		},
	}
}

func (f family) matches(importPath string) bool {
	for _, p := range f.prefixes {
		if importPath == strings.TrimSuffix(p, "/") || strings.HasPrefix(importPath, p) {
			return true
		}
	}
	return false
}

// isStdlib reports whether an import path belongs to the standard library:
// its first element has no dot.
func isStdlib(importPath string) bool {
	first, _, _ := strings.Cut(importPath, "/")
	return !strings.Contains(first, ".")
}

// s3Package is the object store's S3 implementation, the one home of
// aws-sdk-go-v2. Domain packages use objectstore's plain types and may not
// import it (TestDomainPackagesArePure).
const s3Package = "app/internal/objectstore/s3"

// domainPackages may not depend on any family, even through other packages.
var domainPackages = []string{
	"app/internal/content", "app/internal/auth", "app/internal/media",
	"app/internal/query", "app/internal/richtext", "app/internal/fault",
}

func modulePackages(t *testing.T) map[string]goPackage {
	t.Helper()
	out := map[string]goPackage{}
	for _, p := range listPackages(t) {
		if slices.Contains(ignoredPackages, p.ImportPath) || !strings.HasPrefix(p.ImportPath, module) {
			continue
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		out[rel] = p
	}
	return out
}

// TestImportBoundaries enforces DESIGN.md's boundaries on the direct imports
// of non-test files: gin only in httpapi/admin/server, gorm only in store,
// aws-sdk only in objectstore/s3, pulumi only under infra/. Test files may
// import what they need.
func TestImportBoundaries(t *testing.T) {
	pkgs := modulePackages(t)
	for _, f := range families() {
		t.Run(f.name, func(t *testing.T) {
			for rel, p := range pkgs {
				if f.allowed(rel) {
					continue
				}
				for _, imp := range p.Imports {
					if f.matches(imp) {
						t.Errorf("%s imports %s: %s belongs only in its owning package (DESIGN.md, Boundaries)", rel, imp, f.name)
					}
				}
			}
		})
	}
}

// TestDomainPackagesArePure checks transitive dependencies: a domain
// package reaching gin, gorm, aws-sdk or pulumi through another package is
// as wrong as importing it.
func TestDomainPackagesArePure(t *testing.T) {
	pkgs := modulePackages(t)
	for rel, p := range pkgs {
		if !under(rel, domainPackages...) {
			continue
		}
		for _, dep := range p.Deps {
			for _, f := range families() {
				if f.matches(dep) {
					t.Errorf("domain package %s depends on %s (%s); define a small interface instead", rel, dep, f.name)
				}
			}
			if dep == module+"/"+s3Package {
				t.Errorf("domain package %s depends on %s; use objectstore's types and let the server pick the store", rel, dep)
			}
		}
	}
}

// TestAppDoesNotLinkPulumi keeps the Pulumi SDK out of the CMS binary.
func TestAppDoesNotLinkPulumi(t *testing.T) {
	pulumi := families()[3]
	for rel, p := range modulePackages(t) {
		if !under(rel, "app") {
			continue
		}
		for _, dep := range p.Deps {
			if pulumi.matches(dep) {
				t.Errorf("%s depends on %s: pulumi belongs under infra/ only", rel, dep)
				break
			}
		}
	}
}

// TestContractIsStdlibOnly: app/contract is imported by infra and app alike,
// so it may import nothing but the standard library.
func TestContractIsStdlibOnly(t *testing.T) {
	p, ok := modulePackages(t)["app/contract"]
	if !ok {
		t.Fatal("app/contract not found by go list")
	}
	for _, dep := range p.Deps {
		if !isStdlib(dep) {
			t.Errorf("app/contract depends on %s; it must use the standard library only", dep)
		}
	}
}

// TestFamilyMatching guards the matcher itself, so the checks above can fail.
func TestFamilyMatching(t *testing.T) {
	fs := families()
	tests := []struct {
		family, importPath string
		want               bool
	}{
		{"gin", "github.com/gin-gonic/gin", true},
		{"gin", "github.com/gin-gonic/gin/binding", true},
		{"gorm", "gorm.io/gorm", true},
		{"gorm", "gorm.io/driver/postgres", true},
		{"gorm", "github.com/glebarez/sqlite", true},
		{"gorm", "github.com/jackc/pgx/v5", false},
		{"aws-sdk-go-v2", "github.com/aws/aws-sdk-go-v2/service/s3", true},
		{"pulumi", "github.com/pulumi/pulumi/sdk/v3/go/pulumi", true},
		{"pulumi", "net/http", false},
	}
	for _, tc := range tests {
		t.Run(tc.family+"/"+tc.importPath, func(t *testing.T) {
			i := slices.IndexFunc(fs, func(f family) bool { return f.name == tc.family })
			if got := fs[i].matches(tc.importPath); got != tc.want {
				t.Fatalf("matches(%q) = %v, want %v", tc.importPath, got, tc.want)
			}
		})
	}
	if !isStdlib("net/http") || isStdlib("github.com/x/y") || isStdlib("golang.org/x/text") {
		t.Fatal("isStdlib is wrong")
	}
	if under("app/internal/objectstore", s3Package) || !under(s3Package+"/x", s3Package) {
		t.Fatal("under is wrong for the S3 package")
	}
	if !under("app/internal/store/sqlgen", "app/internal/store") || under("app/internal/storefront", "app/internal/store") {
		t.Fatal("under is wrong")
	}
}
