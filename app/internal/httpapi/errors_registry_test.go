package httpapi_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/cli"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/automatonic/chronos/app/internal/httpapi"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/objectstore"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/automatonic/chronos/app/internal/richtext"
	"github.com/automatonic/chronos/app/internal/server"
	"github.com/automatonic/chronos/app/internal/store"
)

// Messages the registry expects more than once.
const (
	notFound    = "Not Found"
	forbidden   = "You are not allowed to perform this action."
	serverError = "Something went wrong."
	unavailable = "The service is temporarily unavailable. Please retry."
)

// answer is what a client gets for an error: status and envelope message.
type answer struct {
	err    error
	status int
	msg    string
}

// registry lists every exported error of app/internal, by package and
// name, with the answer the REST API gives for it. For error types the
// value is a sample. TestRegistryIsComplete proves it lists them all.
func registry() map[string]answer {
	return map[string]answer{
		// auth
		"auth.ErrInvalidCredentials": {auth.ErrInvalidCredentials, http.StatusUnauthorized, "The email or password provided is incorrect."},
		"auth.ErrLocked":             {auth.ErrLocked, http.StatusUnauthorized, "This user is locked due to having too many failed login attempts."},
		"auth.ErrForbidden":          {auth.ErrForbidden, http.StatusForbidden, forbidden},
		"auth.ErrNotFound":           {auth.ErrNotFound, http.StatusNotFound, notFound},
		"auth.ErrAlreadyInitialized": {auth.ErrAlreadyInitialized, http.StatusForbidden, forbidden},
		"auth.ErrNoUser":             {auth.ErrNoUser, http.StatusBadRequest, "No User"},
		"auth.ErrResetTokenInvalid":  {auth.ErrResetTokenInvalid, http.StatusForbidden, "Token is either invalid or has expired."},
		"auth.ErrLastAdmin":          {auth.ErrLastAdmin, http.StatusBadRequest, "The following field is invalid: roles"},
		"auth.ErrTokenMalformed":     {auth.ErrTokenMalformed, http.StatusUnauthorized, "The token is malformed."},
		"auth.ErrTokenAlgorithm":     {auth.ErrTokenAlgorithm, http.StatusUnauthorized, "The token's algorithm is not allowed."},
		"auth.ErrTokenSignature":     {auth.ErrTokenSignature, http.StatusUnauthorized, "The token's signature is invalid."},
		"auth.ErrTokenExpired":       {auth.ErrTokenExpired, http.StatusUnauthorized, "The token has expired."},
		"auth.ErrTokenNotYetValid":   {auth.ErrTokenNotYetValid, http.StatusUnauthorized, "The token was issued in the future."},
		"auth.ErrMalformedHash":      {auth.ErrMalformedHash, http.StatusInternalServerError, serverError},

		// content
		"content.ErrNotFound":      {content.ErrNotFound, http.StatusNotFound, notFound},
		"content.ErrForbidden":     {content.ErrForbidden, http.StatusForbidden, forbidden},
		"content.ErrUnknownSlug":   {content.ErrUnknownSlug, http.StatusNotFound, notFound},
		"content.ErrUnknownGlobal": {content.ErrUnknownGlobal, http.StatusNotFound, notFound},
		"content.ErrMissingWhere":  {content.ErrMissingWhere, http.StatusBadRequest, "Missing 'where' query of documents."},
		"content.ErrNotSupported":  {content.ErrNotSupported, http.StatusBadRequest, "This operation is not supported by this collection."},
		"content.ErrLocked":        {content.ErrLocked, http.StatusLocked, "This document is currently locked by another user."},
		"content.ErrAccountsExist": {content.ErrAccountsExist, http.StatusForbidden, forbidden},
		"content.ValidationError": {&content.ValidationError{Collection: "pages", Errors: []content.FieldError{{Path: "title", Label: "Title", Message: "This field is required."}}},
			http.StatusBadRequest, "The following field is invalid: Title"},
		"content.UniqueError":     {&content.UniqueError{Collection: "pages", Field: "slug"}, http.StatusBadRequest, "The following field is invalid: slug"},
		"content.QueryValueError": {&content.QueryValueError{Path: "publishedAt", Value: "abc", Expects: "a date"}, http.StatusBadRequest, `Invalid value "abc" for path publishedAt: expected a date`},

		// query
		"query.Error":       {&query.Error{Paths: []string{"password"}}, http.StatusBadRequest, "The following path cannot be queried: password"},
		"query.LimitError":  {&query.LimitError{Path: "id", What: "values per condition", Max: 100, Given: 101}, http.StatusBadRequest, "Query too large at id: 101 values per condition given, the limit is 100"},
		"query.SyntaxError": {&query.SyntaxError{Param: "limit", Message: "limit must be an integer"}, http.StatusBadRequest, "limit must be an integer"},

		// richtext
		"richtext.ValidationError": {&richtext.ValidationError{Path: "root", Message: "not an object"}, http.StatusBadRequest, "rich text: root: not an object"},

		// media
		"media.ErrNoFile":             {media.ErrNoFile, http.StatusBadRequest, "No files were uploaded."},
		"media.ErrEmptyFile":          {media.ErrEmptyFile, http.StatusBadRequest, "The uploaded file is empty."},
		"media.ErrTooLarge":           {media.ErrTooLarge, http.StatusRequestEntityTooLarge, "The file is too large."},
		"media.ErrNameConflict":       {media.ErrNameConflict, http.StatusConflict, "Generated file name already taken; please retry the upload."},
		"media.ErrBadToken":           {media.ErrBadToken, http.StatusBadRequest, "Invalid or expired upload token."},
		"media.ErrNotUploaded":        {media.ErrNotUploaded, http.StatusBadRequest, "The file has not been uploaded to the store yet."},
		"media.ErrInterrupted":        {media.ErrInterrupted, http.StatusBadRequest, "Invalid multipart body."},
		"media.ErrBodyTooLarge":       {media.ErrBodyTooLarge, http.StatusRequestEntityTooLarge, "The request body is too large."},
		"media.ErrPresignUnsupported": {media.ErrPresignUnsupported, http.StatusNotImplemented, "Direct uploads need an S3 object store; upload through POST /api/media instead."},
		"media.ErrFileNotFound":       {media.ErrFileNotFound, http.StatusNotFound, notFound},
		"media.ErrOneFile":            {media.ErrOneFile, http.StatusBadRequest, "Only one file can be uploaded at a time."},
		"media.ErrInvalidPayload":     {media.ErrInvalidPayload, http.StatusBadRequest, "Invalid JSON"},
		"media.ErrTypeNotAllowed":     {media.ErrTypeNotAllowed, http.StatusBadRequest, "File type not allowed."},
		"media.ErrTypeMismatch":       {media.ErrTypeMismatch, http.StatusBadRequest, "File content does not match its extension."},
		"media.ErrImageTooLarge":      {media.ErrImageTooLarge, http.StatusBadRequest, "Image too large."},
		"media.ErrNotProcessable":     {media.ErrNotProcessable, http.StatusBadRequest, "Not a processable image."},
		"media.ErrBadImage":           {media.ErrBadImage, http.StatusBadRequest, "Corrupt image."},
		"media.ErrNoUniqueName":       {media.ErrNoUniqueName, http.StatusConflict, "No free filename; please retry the upload."},

		// objectstore
		"objectstore.ErrNotFound":     {objectstore.ErrNotFound, http.StatusNotFound, notFound},
		"objectstore.ErrUnavailable":  {objectstore.ErrUnavailable, http.StatusServiceUnavailable, unavailable},
		"objectstore.ErrUnsupported":  {objectstore.ErrUnsupported, http.StatusNotImplemented, "The object store cannot do that."},
		"objectstore.ErrInvalidKey":   {objectstore.ErrInvalidKey, http.StatusBadRequest, "Invalid object key."},
		"objectstore.ErrInvalidRange": {objectstore.ErrInvalidRange, http.StatusBadRequest, "Range Not Satisfiable"},
		"objectstore.ErrSizeMismatch": {objectstore.ErrSizeMismatch, http.StatusBadRequest, "The body size differs from the declared size."},
		"objectstore.ErrExists":       {objectstore.ErrExists, http.StatusConflict, "An object already exists under that name."},

		// store
		"store.ErrUnavailable":   {store.ErrUnavailable, http.StatusServiceUnavailable, unavailable},
		"store.DestructiveError": {&store.DestructiveError{Changes: []string{"drop column x"}}, http.StatusInternalServerError, serverError},

		// fault itself: an error without a public message gets its kind's.
		"fault.Error": {&fault.Error{Kind: fault.RateLimited}, http.StatusTooManyRequests, "Too many attempts. Please wait and try again."},

		// Start-up and command-line errors: never a request's, so Internal.
		"config.Error":             {&config.Error{Problems: []string{"PORT: not a number"}}, http.StatusInternalServerError, serverError},
		"server.ErrSchemaOutdated": {server.ErrSchemaOutdated, http.StatusInternalServerError, serverError},
		"server.ErrSchemaMismatch": {server.ErrSchemaMismatch, http.StatusInternalServerError, serverError},
		"cli.ErrUsage":             {cli.ErrUsage, http.StatusInternalServerError, serverError},
	}
}

// TestDeclaredErrorsAnswer asserts the status and envelope message of every
// exported error.
func TestDeclaredErrorsAnswer(t *testing.T) {
	for name, a := range registry() {
		t.Run(name, func(t *testing.T) {
			status, msg := httpapi.StatusOf(a.err)
			if status != a.status || msg != a.msg {
				t.Errorf("%s answers %d %q, want %d %q", name, status, msg, a.status, a.msg)
			}
		})
	}
}

// TestRegistryIsComplete reads the source of app/internal and fails for an
// exported error (a package-level Err* variable or an exported type with an
// Error method) that the registry does not list, and for a registry entry
// that no longer exists.
func TestRegistryIsComplete(t *testing.T) {
	declared := declaredErrors(t, "..")
	listed := registry()
	for _, name := range declared {
		if _, ok := listed[name]; !ok {
			t.Errorf("%s is an exported error missing from the registry: give it a fault kind and list its answer", name)
		}
	}
	for name := range listed {
		if !slices.Contains(declared, name) {
			t.Errorf("registry lists %s, which is not declared", name)
		}
	}
}

// madeError reports whether a package variable's value is an error built
// by fault or the standard library (fault.New, fault.Field, errors.New,
// fmt.Errorf, or a fault error's Say, Wrap or Detail), whatever its name.
func madeError(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	if id, ok := sel.X.(*ast.Ident); ok && (id.Name == "fault" || id.Name == "errors" || id.Name == "fmt" && sel.Sel.Name == "Errorf") {
		return sel.Sel.Name != "Is" && sel.Sel.Name != "As" && sel.Sel.Name != "FieldsOf"
	}
	return slices.Contains([]string{"Say", "Wrap", "Detail"}, sel.Sel.Name)
}

// declaredErrors lists "pkg.Name" for the exported errors declared in the
// non-test Go files under root.
func declaredErrors(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		pkg := f.Name.Name
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				if d.Tok != token.VAR {
					continue
				}
				for _, spec := range d.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if n.IsExported() && (strings.HasPrefix(n.Name, "Err") || i < len(vs.Values) && madeError(vs.Values[i])) {
							out = append(out, pkg+"."+n.Name)
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil || d.Name.Name != "Error" || d.Type.Params.NumFields() != 0 {
					continue
				}
				typ := d.Recv.List[0].Type
				if star, ok := typ.(*ast.StarExpr); ok {
					typ = star.X
				}
				if id, ok := typ.(*ast.Ident); ok && id.IsExported() {
					out = append(out, pkg+"."+id.Name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
