// Package media holds the upload pipeline's pure parts: content sniffing
// against an allow-list, filename sanitising and de-duplication, and image
// work (dimensions, bomb checks, EXIF orientation, resized variants in the
// original format and WebP) bounded by a semaphore. It knows nothing of
// HTTP, the database or S3: callers hand it readers and a sink.
package media

import (
	"bytes"
	"fmt"
	"github.com/automatonic/chronos/app/internal/fault"
	"net/http"
	"path"
	"slices"
	"strings"
)

// SniffLen is how many leading bytes Sniff wants; fewer work for short
// files. 512 is what http.DetectContentType reads; MP4 and WebM brands
// appear well within it.
const SniffLen = 512

// Content types the package recognises.
const (
	TypePNG   = "image/png"
	TypeJPEG  = "image/jpeg"
	TypeGIF   = "image/gif"
	TypeWebP  = "image/webp"
	TypeAVIF  = "image/avif"
	TypeSVG   = "image/svg+xml"
	TypePDF   = "application/pdf"
	TypeMP4   = "video/mp4"
	TypeWebM  = "video/webm"
	TypeText  = "text/plain"
	TypeHTML  = "text/html"
	TypeOctet = "application/octet-stream"
)

// Errors of the sniffing step (invalid input).
var (
	// ErrTypeNotAllowed reports content whose sniffed type is not in the
	// allow-list.
	ErrTypeNotAllowed = fault.New(fault.Invalid, "File type not allowed.")
	// ErrTypeMismatch reports a filename extension that claims another type
	// than the content (a PHP or HTML file named .jpg).
	ErrTypeMismatch = fault.New(fault.Invalid, "File content does not match its extension.")
)

// DefaultAllowed is the default allow-list: raster images, PDF, video and
// plain text. SVG is deliberately absent and cannot be added (see
// NewPolicy).
func DefaultAllowed() []string {
	return []string{TypePNG, TypeJPEG, TypeGIF, TypeWebP, TypeAVIF, TypePDF, TypeMP4, TypeWebM, TypeText}
}

// Policy decides which uploads are accepted.
type Policy struct {
	allowed []string
}

// NewPolicy builds a policy from an allow-list of exact types or families
// ("image/*"); an empty list means DefaultAllowed. SVG is refused even when
// listed: an SVG is a document that can run script, and rather than ship an
// SVG sanitiser that must be perfect we reject it (rasterise it before
// uploading). Any other type is served with nosniff and a restrictive CSP by
// the HTTP layer.
func NewPolicy(allowed []string) (Policy, error) {
	if len(allowed) == 0 {
		allowed = DefaultAllowed()
	}
	out := make([]string, 0, len(allowed))
	for _, a := range allowed {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == TypeSVG || a == TypeHTML || a == "text/*" || a == "*/*" {
			return Policy{}, fmt.Errorf("media: %q cannot be allowed: it can carry script", a)
		}
		if !strings.Contains(a, "/") {
			return Policy{}, fmt.Errorf("media: %q is not a MIME type", a)
		}
		out = append(out, a)
	}
	return Policy{allowed: out}, nil
}

// Allows reports whether the content type is on the allow-list. SVG and
// HTML never are, even through a family wildcard like "image/*".
func (p Policy) Allows(contentType string) bool {
	if contentType == TypeSVG || contentType == TypeHTML {
		return false
	}
	for _, a := range p.allowed {
		if a == contentType {
			return true
		}
		if fam, ok := strings.CutSuffix(a, "/*"); ok && strings.HasPrefix(contentType, fam+"/") {
			return true
		}
	}
	return false
}

// Check sniffs head (the first SniffLen bytes or the whole file) and returns
// the content type and the extension the stored file gets. It fails with
// ErrTypeNotAllowed for types off the list and ErrTypeMismatch when the
// filename's extension names a known type other than the content's: the
// bytes decide the type, a mismatching name is treated as an attack.
func (p Policy) Check(head []byte, filename string) (contentType, ext string, err error) {
	ct := Sniff(head)
	if !p.Allows(ct) {
		return "", "", ErrTypeNotAllowed.Detail("%s", ct)
	}
	claimed := strings.ToLower(path.Ext(filename))
	if want, known := extTypes[claimed]; known && want != ct {
		return "", "", ErrTypeMismatch.Detail("%q holds %s", claimed, ct)
	}
	if ct == TypeText && looksLikeScript(head) {
		// Text a web server elsewhere could execute or render is not plain.
		return "", "", ErrTypeMismatch.Detail("text holds markup or script")
	}
	return ct, ExtensionFor(ct, filename), nil
}

// extTypes maps the extensions we recognise to the type their content must
// have. Extensions of dangerous types are listed so that naming content
// after them is a mismatch.
var extTypes = map[string]string{
	".png": TypePNG, ".apng": TypePNG,
	".jpg": TypeJPEG, ".jpeg": TypeJPEG, ".jpe": TypeJPEG, ".jfif": TypeJPEG,
	".gif": TypeGIF, ".webp": TypeWebP, ".avif": TypeAVIF,
	".svg": TypeSVG, ".svgz": TypeSVG,
	".pdf": TypePDF,
	".mp4": TypeMP4, ".m4v": TypeMP4,
	".webm": TypeWebM,
	".txt":  TypeText, ".text": TypeText, ".md": TypeText, ".csv": TypeText, ".log": TypeText,
	".html": TypeHTML, ".htm": TypeHTML, ".xhtml": TypeHTML, ".shtml": TypeHTML,
	".php": "application/x-httpd-php", ".phtml": "application/x-httpd-php", ".php5": "application/x-httpd-php",
	".phar": "application/x-httpd-php",
	".js":   "text/javascript", ".mjs": "text/javascript",
	".exe": "application/x-msdownload", ".sh": "application/x-sh",
}

// canonicalExt is the extension a type gets when the filename has none of
// its own.
var canonicalExt = map[string]string{
	TypePNG: ".png", TypeJPEG: ".jpg", TypeGIF: ".gif", TypeWebP: ".webp", TypeAVIF: ".avif",
	TypeSVG: ".svg", TypePDF: ".pdf", TypeMP4: ".mp4", TypeWebM: ".webm", TypeText: ".txt",
}

// ExtensionFor returns the extension (with dot, lower case) a file of
// contentType is stored with: the filename's own when it names that type
// (".jpeg" stays ".jpeg"), else the type's canonical one (".bin" for
// unknown types).
func ExtensionFor(contentType, filename string) string {
	e := strings.ToLower(path.Ext(filename))
	if t, ok := extTypes[e]; ok && t == contentType {
		return e
	}
	if c, ok := canonicalExt[contentType]; ok {
		return c
	}
	return ".bin"
}

// Sniff returns the content type of a file from its first bytes, without
// parameters ("text/plain", not "text/plain; charset=utf-8"). Formats the
// app cares about are checked explicitly; anything else falls back to
// http.DetectContentType.
func Sniff(head []byte) string {
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return TypeGIF
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return TypeWebP
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		// EBML: Matroska or WebM; the DocType element says which.
		if bytes.Contains(head, []byte("webm")) {
			return TypeWebM
		}
		return "video/x-matroska"
	}
	if t, ok := sniffISOBMFF(head); ok {
		return t
	}
	if isSVG(head) {
		return TypeSVG
	}
	ct := http.DetectContentType(head)
	ct, params, _ := strings.Cut(ct, ";")
	ct = strings.TrimSpace(ct)
	if ct == TypeText && !strings.Contains(params, "utf-8") {
		// UTF-16 text is rare in uploads and trips up consumers; treat it
		// as opaque.
		return TypeOctet
	}
	return ct
}

// sniffISOBMFF recognises the ftyp box of MP4 and AVIF files.
func sniffISOBMFF(head []byte) (string, bool) {
	if len(head) < 16 || string(head[4:8]) != "ftyp" {
		return "", false
	}
	size := int(head[0])<<24 | int(head[1])<<16 | int(head[2])<<8 | int(head[3])
	if size < 16 || size > len(head) {
		size = min(len(head), 64)
	}
	brands := [][]byte{head[8:12]} // major brand
	for i := 16; i+4 <= size; i += 4 {
		brands = append(brands, head[i:i+4]) // compatible brands
	}
	has := func(want ...string) bool {
		return slices.ContainsFunc(brands, func(b []byte) bool { return slices.Contains(want, string(b)) })
	}
	switch {
	case has("avif", "avis"):
		return TypeAVIF, true
	case has("heic", "heix", "mif1", "msf1"):
		return "image/heic", true
	case string(head[8:12]) == "qt  ":
		return "video/quicktime", true
	case has("isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "dash", "MSNV", "3gp4", "3gp5"):
		return TypeMP4, true
	}
	return "", false
}

// isSVG finds an <svg root element after an optional BOM, XML declaration,
// comments and doctype. SVG is detected so it can be rejected by name
// rather than slip through as text/xml or text/plain.
func isSVG(head []byte) bool {
	s := bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	for {
		s = bytes.TrimLeft(s, " \t\r\n")
		switch {
		case bytes.HasPrefix(s, []byte("<?")):
			i := bytes.Index(s, []byte("?>"))
			if i < 0 {
				return false
			}
			s = s[i+2:]
		case bytes.HasPrefix(s, []byte("<!--")):
			i := bytes.Index(s, []byte("-->"))
			if i < 0 {
				return false
			}
			s = s[i+3:]
		case len(s) >= 9 && strings.EqualFold(string(s[:9]), "<!DOCTYPE"):
			return bytes.Contains(bytes.ToLower(s), []byte("svg"))
		default:
			return len(s) >= 4 && strings.EqualFold(string(s[:4]), "<svg")
		}
	}
}

// looksLikeScript catches text that http.DetectContentType calls plain but
// that a PHP engine or a browser would treat as code or markup.
func looksLikeScript(head []byte) bool {
	l := bytes.ToLower(head)
	for _, m := range []string{"<?php", "<?=", "<script", "<html", "<body", "<iframe", "<svg", "<!doctype html"} {
		if bytes.Contains(l, []byte(m)) {
			return true
		}
	}
	return false
}
