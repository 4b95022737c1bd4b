package media

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

func encodePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, gradient(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeGIF(t testing.TB, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := gif.Encode(&b, gradient(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// gradient is an opaque test image with distinct pixels.
func gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / max(w, 1)), uint8(y * 255 / max(h, 1)), 128, 255})
		}
	}
	return img
}

// ftyp builds an ISO-BMFF header with the given brands.
func ftyp(major string, compat ...string) []byte {
	n := 16 + 4*len(compat)
	b := []byte{0, 0, 0, byte(n), 'f', 't', 'y', 'p'}
	b = append(b, major...)
	b = append(b, 0, 0, 0, 0)
	for _, c := range compat {
		b = append(b, c...)
	}
	return append(b, make([]byte, 32)...)
}

func TestSniff(t *testing.T) {
	webm := []byte{0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm'}
	for _, tc := range []struct {
		name string
		head []byte
		want string
	}{
		{"png", encodePNG(t, 4, 4), TypePNG},
		{"jpeg", encodeJPEG(t, gradient(8, 8)), TypeJPEG},
		{"gif", encodeGIF(t, 4, 4), TypeGIF},
		{"webp lossy", []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"), TypeWebP},
		{"webp lossless", []byte("RIFF\x24\x00\x00\x00WEBPVP8L\x18\x00\x00\x00"), TypeWebP},
		{"avif", ftyp("avif", "mif1", "miaf"), TypeAVIF},
		{"avif by compatible brand", ftyp("mif1", "avif"), TypeAVIF},
		{"heic", ftyp("heic", "mif1"), "image/heic"},
		{"mp4", ftyp("isom", "iso2", "avc1", "mp41"), TypeMP4},
		{"mp4 mp42", ftyp("mp42", "isom"), TypeMP4},
		{"quicktime", ftyp("qt  ", "qt  "), "video/quicktime"},
		{"webm", webm, TypeWebM},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), TypePDF},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), TypeSVG},
		{"svg with prolog", []byte("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\">\n<svg>"), TypeSVG},
		{"svg upper case", []byte("  <SVG onload=alert(1)>"), TypeSVG},
		{"html", []byte("<!DOCTYPE html><html><body>hi</body></html>"), TypeHTML},
		{"plain text", []byte("Meeting notes\n- one\n- two\n"), TypeText},
		{"utf-8 text", []byte("Grüße aus Köln — ça va?\n"), TypeText},
		{"php looks like text", []byte("<?php system($_GET['c']); ?>"), TypeText},
		{"binary", []byte{0, 1, 2, 3, 0xFE, 0xFF, 0, 0}, TypeOctet},
		{"empty", nil, TypeText},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Sniff(tc.head); got != tc.want {
				t.Errorf("Sniff = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPolicyCheck(t *testing.T) {
	p, err := NewPolicy(nil)
	if err != nil {
		t.Fatal(err)
	}
	pngData := encodePNG(t, 2, 2)
	jpegData := encodeJPEG(t, gradient(4, 4))
	for _, tc := range []struct {
		name     string
		head     []byte
		filename string
		wantCT   string
		wantExt  string
		wantErr  error
	}{
		{"png", pngData, "hero.png", TypePNG, ".png", nil},
		{"png upper-case ext", pngData, "HERO.PNG", TypePNG, ".png", nil},
		{"jpeg keeps .jpeg", jpegData, "photo.jpeg", TypeJPEG, ".jpeg", nil},
		{"jpeg without ext", jpegData, "photo", TypeJPEG, ".jpg", nil},
		{"unknown ext replaced", jpegData, "photo.dat", TypeJPEG, ".jpg", nil},
		{"text", []byte("hello\n"), "notes.txt", TypeText, ".txt", nil},
		{"markdown stays", []byte("# Title\n"), "README.md", TypeText, ".md", nil},
		{"pdf", []byte("%PDF-1.4\n"), "doc.pdf", TypePDF, ".pdf", nil},
		{"mp4", ftyp("isom", "mp41"), "clip.mp4", TypeMP4, ".mp4", nil},

		{"php named jpg", []byte("<?php echo shell_exec($_GET['c']); ?>"), "cat.jpg", "", "", ErrTypeMismatch},
		{"php named txt", []byte("<?php phpinfo(); ?>"), "notes.txt", "", "", ErrTypeMismatch},
		{"php without ext", []byte("<?= `id` ?>"), "x", "", "", ErrTypeMismatch},
		{"html named jpg", []byte("<html><script>alert(1)</script></html>"), "cat.jpg", "", "", ErrTypeNotAllowed},
		{"png named jpg", pngData, "cat.jpg", "", "", ErrTypeMismatch},
		{"png named php", pngData, "shell.php", "", "", ErrTypeMismatch},
		{"jpeg named svg", jpegData, "logo.svg", "", "", ErrTypeMismatch},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), "logo.svg", "", "", ErrTypeNotAllowed},
		{"svg named png", []byte(`<svg onload="alert(1)"/>`), "logo.png", "", "", ErrTypeNotAllowed},
		{"binary", []byte{0, 1, 2, 0xFF}, "a.exe", "", "", ErrTypeNotAllowed},
		{"quicktime not default", ftyp("qt  "), "clip.mov", "", "", ErrTypeNotAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct, ext, err := p.Check(tc.head, tc.filename)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Check = %q %q %v, want %v", ct, ext, err, tc.wantErr)
				}
				return
			}
			if err != nil || ct != tc.wantCT || ext != tc.wantExt {
				t.Fatalf("Check = %q %q %v, want %q %q", ct, ext, err, tc.wantCT, tc.wantExt)
			}
		})
	}
}

func TestNewPolicy(t *testing.T) {
	for _, bad := range [][]string{{"image/svg+xml"}, {"text/html"}, {"*/*"}, {"text/*"}, {"png"}} {
		if _, err := NewPolicy(bad); err == nil {
			t.Errorf("NewPolicy(%v) accepted", bad)
		}
	}
	p, err := NewPolicy([]string{"image/*"})
	if err != nil {
		t.Fatal(err)
	}
	for ct, want := range map[string]bool{TypePNG: true, TypeAVIF: true, TypeSVG: false, TypePDF: false, TypeText: false} {
		if got := p.Allows(ct); got != want {
			t.Errorf("image/* Allows(%s) = %v, want %v", ct, got, want)
		}
	}
}
