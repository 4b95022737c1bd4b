package media

import (
	"context"
	"fmt"
	"iter"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/automatonic/chronos/app/internal/fault"
)

// MaxStemBytes caps the part of a filename before the extension, leaving
// room for "-<n>" and "-<w>x<h>" suffixes within common 255-byte limits.
const MaxStemBytes = 100

// maxUniqueTries bounds UniqueFilename's search.
const maxUniqueTries = 1000

// ErrNoUniqueName reports that UniqueFilename ran out of candidates.
var ErrNoUniqueName = fault.New(fault.Conflict, "No free filename; please retry the upload.")

// SanitizeFilename turns a client-supplied name into a safe stored name
// with the extension ext (from Policy.Check): only the last path element
// is kept (no traversal through "/" or "\"), the text is NFC-normalised
// (so NFD names from macOS match), control and format characters are
// dropped, whitespace and characters that are unsafe in URLs or on common
// filesystems become '-', runs of '-' collapse, leading dots go (no hidden
// files), and the stem is capped at MaxStemBytes. An empty result becomes
// "file".
func SanitizeFilename(name, ext string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ToValidUTF8(name, "")
	name = norm.NFC.String(name)
	stem := name
	if e := path.Ext(name); e != "" && len(e) < len(name) {
		stem = strings.TrimSuffix(name, e)
	}

	var b strings.Builder
	dash := false
	for _, r := range stem {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			continue // NUL, bidi overrides, zero-width joiners...
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == '_' || r == '.':
			b.WriteRune(r)
			dash = false
		default: // space, '-', punctuation, symbols
			if !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	s := strings.Trim(b.String(), "-.")
	s = truncateUTF8(s, MaxStemBytes)
	s = strings.TrimRight(s, "-.")
	if s == "" {
		s = "file"
	}
	return s + strings.ToLower(ext)
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Candidates yields the names an upload of name may take, in order: name,
// then "<stem>-<n><ext>" for n = 1, 2, ... ("hero.png", "hero-1.png", …),
// as Payload numbers them, up to maxUniqueTries names.
func Candidates(name string) iter.Seq[string] {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	return func(yield func(string) bool) {
		for n := 0; n < maxUniqueTries; n++ {
			candidate := name
			if n > 0 {
				candidate = stem + "-" + strconv.Itoa(n) + ext
			}
			if !yield(candidate) {
				return
			}
		}
	}
}

// UniqueFilename returns the first of Candidates(name) that exists reports
// free. exists should report names of originals and of generated sizes
// alike. The check-then-use race is the caller's to close; uploads do not
// use it: the object store's Create takes the first free candidate
// atomically.
func UniqueFilename(ctx context.Context, name string, exists func(ctx context.Context, name string) (bool, error)) (string, error) {
	for candidate := range Candidates(name) {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		taken, err := exists(ctx, candidate)
		if err != nil {
			return "", fmt.Errorf("media: unique filename for %q: %w", name, err)
		}
		if !taken {
			return candidate, nil
		}
	}
	return "", ErrNoUniqueName.Wrap(fmt.Errorf("%q after %d tries", name, maxUniqueTries))
}

// SizeFilename names a generated size: "<stem>-<w>x<h><ext>" where ext
// includes the dot (".png", ".webp").
func SizeFilename(original string, w, h int, ext string) string {
	stem := strings.TrimSuffix(original, path.Ext(original))
	return stem + "-" + strconv.Itoa(w) + "x" + strconv.Itoa(h) + ext
}
