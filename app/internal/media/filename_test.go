package media

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestSanitizeFilename(t *testing.T) {
	nfd := norm.NFD.String("Café Crème.png")
	for _, tc := range []struct {
		name, in, ext, want string
	}{
		{"plain", "hero.png", ".png", "hero.png"},
		{"traversal", "../../etc/passwd", ".txt", "passwd.txt"},
		{"windows traversal", `..\..\windows\system32\cmd.exe`, ".bin", "cmd.bin"},
		{"absolute", "/var/www/shell.php", ".txt", "shell.txt"},
		{"nul byte", "a\x00b.png", ".png", "ab.png"},
		{"control chars", "a\nb\r\tc\x1b.png", ".png", "abc.png"},
		{"bidi override", "invoice\u202Egnp.exe", ".png", "invoicegnp.png"},
		{"spaces", "  My Summer   Photo .JPG", ".jpg", "My-Summer-Photo.jpg"},
		{"punctuation", `what?<is>"this"|*.png`, ".png", "what-is-this.png"},
		{"hidden file", ".htaccess", ".txt", "htaccess.txt"},
		{"dots only", "...", ".png", "file.png"},
		{"empty", "", ".pdf", "file.pdf"},
		{"only slashes", "///", ".png", "file.png"},
		{"dotdot", "..", ".png", "file.png"},
		{"double ext", "archive.tar.gz", ".bin", "archive.tar.bin"},
		{"nfd to nfc", nfd, ".png", "Café-Crème.png"},
		{"nfc stays", "Café Crème.png", ".png", "Café-Crème.png"},
		{"cjk", "写真 2024.jpeg", ".jpeg", "写真-2024.jpeg"},
		{"invalid utf8", "a\xffb.png", ".png", "ab.png"},
		{"url chars", "a%2F..%2Fb#c?d&e.png", ".png", "a-2F..-2Fb-c-d-e.png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := SanitizeFilename(tc.in, tc.ext)
			if got != tc.want {
				t.Errorf("SanitizeFilename(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if strings.ContainsAny(got, "/\\\x00") || strings.HasPrefix(got, ".") {
				t.Errorf("unsafe result %q", got)
			}
			if !norm.NFC.IsNormalString(got) {
				t.Errorf("%q is not NFC", got)
			}
		})
	}
	t.Run("NFD and NFC give the same name", func(t *testing.T) {
		if a, b := SanitizeFilename(nfd, ".png"), SanitizeFilename(norm.NFC.String(nfd), ".png"); a != b {
			t.Fatalf("%q != %q", a, b)
		}
	})
	t.Run("length cap", func(t *testing.T) {
		got := SanitizeFilename(strings.Repeat("é", 300)+".png", ".png")
		if stem := strings.TrimSuffix(got, ".png"); len(stem) > MaxStemBytes || !strings.HasSuffix(got, ".png") {
			t.Fatalf("stem %d bytes: %q", len(stem), got)
		}
		if !norm.NFC.IsNormalString(got) || strings.ContainsRune(got, '\uFFFD') {
			t.Fatalf("cut inside a character: %q", got)
		}
	})
}

func TestUniqueFilename(t *testing.T) {
	ctx := t.Context()
	taken := func(names ...string) func(context.Context, string) (bool, error) {
		set := map[string]bool{}
		for _, n := range names {
			set[n] = true
		}
		return func(_ context.Context, n string) (bool, error) { return set[n], nil }
	}
	for _, tc := range []struct {
		name  string
		taken []string
		want  string
	}{
		{"hero.png", nil, "hero.png"},
		{"hero.png", []string{"hero.png"}, "hero-1.png"},
		{"hero.png", []string{"hero.png", "hero-1.png", "hero-2.png"}, "hero-3.png"},
		{"hero.png", []string{"hero-1.png"}, "hero.png"},
		{"notes", []string{"notes"}, "notes-1"},
	} {
		got, err := UniqueFilename(ctx, tc.name, taken(tc.taken...))
		if err != nil || got != tc.want {
			t.Errorf("UniqueFilename(%q, taken %v) = %q, %v; want %q", tc.name, tc.taken, got, err, tc.want)
		}
	}
	boom := errors.New("db down")
	if _, err := UniqueFilename(ctx, "a.png", func(context.Context, string) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Errorf("lookup error = %v, want %v", err, boom)
	}
	always := func(context.Context, string) (bool, error) { return true, nil }
	if _, err := UniqueFilename(ctx, "a.png", always); !errors.Is(err, ErrNoUniqueName) {
		t.Errorf("all taken = %v, want ErrNoUniqueName", err)
	}
}

func TestSizeFilename(t *testing.T) {
	for _, tc := range []struct{ orig, ext, want string }{
		{"hero.png", ".png", "hero-400x300.png"},
		{"hero-1.png", ".png", "hero-1-400x300.png"},
		{"hero.png", ".webp", "hero-400x300.webp"},
		{"photo.jpeg", ".jpeg", "photo-400x300.jpeg"},
	} {
		if got := SizeFilename(tc.orig, 400, 300, tc.ext); got != tc.want {
			t.Errorf("SizeFilename(%q, %q) = %q, want %q", tc.orig, tc.ext, got, tc.want)
		}
	}
}
