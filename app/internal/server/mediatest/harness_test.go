package mediatest

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/objectstore"
	"github.com/automatonic/chronos/app/internal/server"
	"github.com/automatonic/chronos/app/internal/testenv"
)

// TestMain stops the shared test services after the tests.
func TestMain(m *testing.M) { testenv.Main(m) }

const testSecret = "mediatest-secret-0123456789abcdef0123456789abcdef"

// backend is one object store configuration the suite runs against.
type backend struct {
	name string
	s3   bool
	vars func(t testing.TB) map[string]string
}

func s3Vars(srv testenv.S3Server) map[string]string {
	return map[string]string{
		contract.S3Bucket: srv.Bucket, contract.S3Region: srv.Region, contract.S3AccessKeyID: srv.AccessKey,
		contract.S3SecretAccessKey: srv.SecretKey, contract.S3Endpoint: srv.Endpoint, contract.S3ForcePathStyle: "true",
		contract.S3Prefix: "media/",
	}
}

var backends = []backend{
	{name: "local", vars: func(testing.TB) map[string]string { return map[string]string{} }},
	{name: "s3", s3: true, vars: func(t testing.TB) map[string]string { return s3Vars(testenv.S3(t)) }},
}

// cms is one running CMS served by httptest with an admin token.
type cms struct {
	app   *server.App
	srv   *httptest.Server
	token string
}

// newCMS builds a CMS on a fresh SQLite database (or PostgreSQL when
// vars holds a URL) with the given settings.
func newCMS(t testing.TB, vars map[string]string) *cms {
	t.Helper()
	all := map[string]string{
		contract.CMSDataDir: t.TempDir(), contract.PayloadSecret: testSecret, contract.CMSAutoMigrate: "true",
	}
	for k, v := range vars {
		all[k] = v
	}
	cfg, err := config.Load(all)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	app, err := server.Build(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	srv := httptest.NewServer(app.Handler())
	t.Cleanup(func() {
		srv.Close()
		app.Close()
	})
	if _, err := app.Auth().CreateUserAsSystem(ctx, auth.Registration{Email: "admin@example.com", Password: "correct horse battery", Roles: []string{"admin"}}); err != nil {
		t.Fatalf("create admin: %v", err)
	}
	res, err := app.Auth().Login(ctx, "admin@example.com", "correct horse battery")
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return &cms{app: app, srv: srv, token: res.Token}
}

// part is one multipart part; File != "" makes it a file part.
type part struct {
	Name, File, Type string
	Data             []byte
}

func multipartBody(t testing.TB, parts ...part) (*bytes.Buffer, string) {
	t.Helper()
	return multipartBodyWith(t, "", parts...)
}

// multipartBodyWith is multipartBody with a fixed boundary ("" for a
// random one).
func multipartBodyWith(t testing.TB, boundary string, parts ...part) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if boundary != "" {
		if err := w.SetBoundary(boundary); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.File != "" {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.Name, p.File))
			h.Set("Content-Type", p.Type)
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, p.Name))
		}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pw.Write(p.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, w.FormDataContentType()
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode %d %q: %v", r.status, r.body, err)
	}
	return m
}

// do sends a request; auth adds the admin token.
func (c *cms) do(t testing.TB, method, path string, body io.Reader, ctype string, auth bool, hdr ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if auth {
		req.Header.Set("Authorization", "JWT "+c.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// upload posts a multipart create as the admin.
func (c *cms) upload(t testing.TB, parts ...part) response {
	t.Helper()
	body, ct := multipartBody(t, parts...)
	return c.do(t, "POST", "/api/media", body, ct, true)
}

// objects lists the store's keys.
func (c *cms) objects(t testing.TB) []string {
	t.Helper()
	var keys []string
	if err := c.app.Objects().List(context.Background(), "", func(in objectstore.Info) error {
		keys = append(keys, in.Key)
		return nil
	}); err != nil {
		t.Fatalf("list objects: %v", err)
	}
	sort.Strings(keys)
	return keys
}

// rows lists the media_files filenames.
func (c *cms) rows(t testing.TB) []string {
	t.Helper()
	fs, err := c.app.DB().MediaFiles().All(context.Background())
	if err != nil {
		t.Fatalf("media_files: %v", err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, f.Filename)
	}
	sort.Strings(out)
	return out
}

// requireConsistent checks that the store and the index hold exactly the
// same names and that gc finds nothing.
func (c *cms) requireConsistent(t testing.TB) {
	t.Helper()
	objs, rows := c.objects(t), c.rows(t)
	if !slices.Equal(objs, rows) {
		t.Errorf("objects %v != media_files rows %v", objs, rows)
	}
	rep, err := c.app.Media().GC(context.Background(), media.GCOptions{})
	if err != nil {
		t.Fatalf("gc: %v", err)
	}
	if !rep.Empty() {
		t.Errorf("gc dry run found %+v", rep)
	}
}

// testPNG encodes a w x h gradient (no metadata chunks, so the stored
// original is byte-identical to the upload).
func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) % 256), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombPNG is a valid PNG header declaring w x h pixels with almost no data:
// the decompression-bomb shape that must be refused before decoding.
func bombPNG(w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		var b bytes.Buffer
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
		return b.Bytes()
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	out := []byte("\x89PNG\r\n\x1a\n")
	out = append(out, chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func sizeOf(t testing.TB, doc map[string]any, name string) map[string]any {
	t.Helper()
	sizes, _ := doc["sizes"].(map[string]any)
	s, ok := sizes[name].(map[string]any)
	if !ok {
		t.Fatalf("sizes.%s missing in %v", name, doc["sizes"])
	}
	return s
}
