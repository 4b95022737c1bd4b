package media

import (
	"bytes"
	"errors"
	"github.com/automatonic/chronos/app/collections"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/objectstore"
)

func newTestService(t *testing.T, delivery, publicBase string, now func() time.Time) *Service {
	t.Helper()
	cs := content.NewService(collections.MustRegistry(), nil, content.Hooks{}, nil, nil)
	s, err := NewService(Config{Content: cs, Blobs: nopBlobs{}, Files: nopFiles{}, MaxBytes: 1 << 20,
		Delivery: delivery, PublicBase: publicBase, Secret: []byte("test-secret"), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// nopBlobs and nopFiles satisfy the interfaces for tests of the pure parts.
type nopBlobs struct{ objectstore.Store }
type nopFiles struct{ Files }

func TestLimitReader(t *testing.T) {
	for _, tc := range []struct {
		name     string
		size     int
		exceeded bool
	}{
		{"under", 99, false},
		{"exactly the limit", 100, false},
		{"one byte over", 101, true},
		{"far over", 10_000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lr := &limitReader{r: iotest.OneByteReader(bytes.NewReader(make([]byte, tc.size))), left: 100}
			_, err := io.Copy(io.Discard, lr)
			if lr.exceeded != tc.exceeded || (err != nil) != tc.exceeded {
				t.Errorf("exceeded %v err %v, want %v", lr.exceeded, err, tc.exceeded)
			}
			if !tc.exceeded && lr.n != int64(tc.size) {
				t.Errorf("counted %d bytes", lr.n)
			}
		})
	}
}

func TestUploadToken(t *testing.T) {
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := newTestService(t, "", "", clock)
	tok := s.sign("hero.png", now.Add(PresignPutTTL))
	if name, err := s.verify(tok); err != nil || name != "hero.png" {
		t.Fatalf("verify = %q, %v", name, err)
	}
	parts := strings.Split(tok, ".")
	other := newTestService(t, "", "", clock)
	other.cfg.Secret = []byte("another secret")
	for name, bad := range map[string]string{
		"empty":          "",
		"two parts":      parts[0] + "." + parts[1],
		"other name":     "b3RoZXIucG5n." + parts[1] + "." + parts[2],
		"later expiry":   parts[0] + ".9999999999." + parts[2],
		"bad signature":  parts[0] + "." + parts[1] + ".AAAA",
		"other secret":   other.sign("hero.png", now.Add(PresignPutTTL)),
		"not base64 sig": parts[0] + "." + parts[1] + ".!!!",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := s.verify(bad); !errors.Is(err, ErrBadToken) {
				t.Errorf("verify(%q) = %v", bad, err)
			}
		})
	}
	if _, err := other.verify(tok); !errors.Is(err, ErrBadToken) {
		t.Errorf("token verified with another secret")
	}
	now = now.Add(2*PresignPutTTL + time.Second)
	if _, err := s.verify(tok); !errors.Is(err, ErrBadToken) {
		t.Errorf("expired token verified: %v", err)
	}
}

// TestFileURLs checks the URLs content renders from the upload kind's Files in
// each delivery mode: the file's, every size's and thumbnailURL (the
// thumbnail size's), nulls for sizes without a file, names escaped.
func TestFileURLs(t *testing.T) {
	doc := func() content.Doc {
		return content.Doc{"filename": "hero.png", "url": "/stale", "sizes": map[string]any{
			"thumbnail":      map[string]any{"filename": "hero-400x300.png", "url": "/stale"},
			"thumbnail-webp": map[string]any{"filename": "hero-400x300.webp"},
			"hero":           map[string]any{"filename": nil},
		}}
	}
	for _, tc := range []struct {
		delivery, base, url, thumb string
	}{
		{contract.DeliverProxy, "", "/api/media/file/hero.png", "/api/media/file/hero-400x300.png"},
		{contract.DeliverPresign, "", "/api/media/file/hero.png", "/api/media/file/hero-400x300.png"},
		{contract.DeliverPublic, "https://cdn.example.com/media", "https://cdn.example.com/media/hero.png", "https://cdn.example.com/media/hero-400x300.png"},
	} {
		t.Run(tc.delivery, func(t *testing.T) {
			s := newTestService(t, tc.delivery, tc.base, nil)
			d := doc()
			s.Behavior().Files.Render(d)
			sizes := d["sizes"].(map[string]any)
			if d["url"] != tc.url || d["thumbnailURL"] != tc.thumb || sizes["thumbnail"].(map[string]any)["url"] != tc.thumb ||
				sizes["hero"].(map[string]any)["url"] != nil || !strings.HasSuffix(sizes["thumbnail-webp"].(map[string]any)["url"].(string), "hero-400x300.webp") {
				t.Errorf("decorated %v", d)
			}
		})
	}
	s := newTestService(t, "", "", nil)
	text := content.Doc{"filename": "notes.txt", "sizes": map[string]any{"thumbnail": nullSize()}}
	s.Behavior().Files.Render(text)
	if text["thumbnailURL"] != nil || text["url"] != "/api/media/file/notes.txt" {
		t.Errorf("text doc %v", text)
	}
	escaped := content.Doc{"filename": "a b#?.png"}
	s.Behavior().Files.Render(escaped)
	if escaped["url"] != "/api/media/file/a%20b%23%3F.png" {
		t.Errorf("escaped url %v", escaped["url"])
	}
}

func TestDisposition(t *testing.T) {
	for ct, want := range map[string]string{
		TypePNG:  "inline; filename=a.png",
		TypeMP4:  "inline; filename=a.png",
		TypePDF:  "attachment; filename=a.png",
		TypeText: "attachment; filename=a.png",
	} {
		if got := Disposition(ct, "a.png"); got != want {
			t.Errorf("Disposition(%s) = %q, want %q", ct, got, want)
		}
	}
	if got := Disposition(TypePNG, "café.png"); !strings.HasPrefix(got, "inline; filename*=utf-8''caf%C3%A9.png") {
		t.Errorf("unicode disposition %q", got)
	}
}

func TestNewServiceValidates(t *testing.T) {
	cs := content.NewService(collections.MustRegistry(), nil, content.Hooks{}, nil, nil)
	ok := Config{Content: cs, Blobs: nopBlobs{}, Files: nopFiles{}, MaxBytes: 1, Secret: []byte("s")}
	for name, mut := range map[string]func(*Config){
		"no content":          func(c *Config) { c.Content = nil },
		"no max":              func(c *Config) { c.MaxBytes = 0 },
		"no secret":           func(c *Config) { c.Secret = nil },
		"public without base": func(c *Config) { c.Delivery = contract.DeliverPublic },
		"unknown delivery":    func(c *Config) { c.Delivery = "ftp" },
	} {
		t.Run(name, func(t *testing.T) {
			c := ok
			mut(&c)
			if _, err := NewService(c); err == nil {
				t.Error("accepted")
			}
		})
	}
	if _, err := NewService(ok); err != nil {
		t.Errorf("valid config: %v", err)
	}
}
