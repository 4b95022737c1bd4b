package mediatest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/testenv"
	_ "golang.org/x/image/webp"
)

// TestMedia runs the same media suite against local disk and versitygw,
// through the HTTP API.
func TestMedia(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			suite(t, b)
		})
	}
}

func suite(t *testing.T, b backend) {
	hero := testPNG(t, 1200, 800)
	notes := []byte("Meeting notes: bring the slides and the budget.\n")

	t.Run("upload round trip, sizes, range, conditional", func(t *testing.T) {
		c := newCMS(t, b.vars(t))
		res := c.upload(t, part{Name: "file", File: "hero.png", Type: "image/png", Data: hero}, part{Name: "_payload", Data: []byte(`{"alt":"Hero image"}`)})
		if res.status != 201 {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		doc := res.json(t)["doc"].(map[string]any)
		if doc["filename"] != "hero.png" || doc["url"] != "/api/media/file/hero.png" || doc["mimeType"] != "image/png" ||
			num(doc["width"]) != 1200 || num(doc["height"]) != 800 || num(doc["filesize"]) != len(hero) || num(doc["focalX"]) != 50 {
			t.Fatalf("doc = %v", doc)
		}
		if doc["thumbnailURL"] != "/api/media/file/hero-400x300.png" {
			t.Errorf("thumbnailURL = %v", doc["thumbnailURL"])
		}
		want := map[string][3]any{
			"thumbnail": {"hero-400x300.png", 400, 300}, "card": {"hero-768x512.png", 768, 512},
			"thumbnail-webp": {"hero-400x300.webp", 400, 300}, "card-webp": {"hero-768x512.webp", 768, 512},
		}
		for name, w := range want {
			s := sizeOf(t, doc, name)
			if s["filename"] != w[0] || num(s["width"]) != w[1] || num(s["height"]) != w[2] || s["url"] != "/api/media/file/"+w[0].(string) {
				t.Errorf("sizes.%s = %v", name, s)
			}
		}
		if s := sizeOf(t, doc, "hero"); s["filename"] != nil || s["url"] != nil {
			t.Errorf("hero size (an upscale) = %v, want nulls", s)
		}

		got := c.do(t, "GET", "/api/media/file/hero.png", nil, "", false)
		if got.status != 200 || !bytes.Equal(got.body, hero) {
			t.Fatalf("download: %d, %d bytes (want %d identical)", got.status, len(got.body), len(hero))
		}
		for k, v := range map[string]string{
			"Content-Type": "image/png", "Content-Length": strconv.Itoa(len(hero)), "Accept-Ranges": "bytes",
			"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox",
			"Cache-Control": "public, max-age=86400", "Content-Disposition": `inline; filename=hero.png`,
		} {
			if g := got.header.Get(k); g != v {
				t.Errorf("%s = %q, want %q", k, g, v)
			}
		}
		etag := got.header.Get("ETag")
		if etag == "" || got.header.Get("Last-Modified") == "" {
			t.Errorf("ETag %q, Last-Modified %q", etag, got.header.Get("Last-Modified"))
		}
		if r := c.do(t, "GET", "/api/media/file/hero.png", nil, "", false, "If-None-Match", etag); r.status != 304 || len(r.body) != 0 {
			t.Errorf("If-None-Match: %d with %d bytes", r.status, len(r.body))
		}
		r := c.do(t, "GET", "/api/media/file/hero.png", nil, "", false, "Range", "bytes=0-99")
		if r.status != 206 || !bytes.Equal(r.body, hero[:100]) || r.header.Get("Content-Range") != fmt.Sprintf("bytes 0-99/%d", len(hero)) {
			t.Errorf("range: %d %q %d bytes", r.status, r.header.Get("Content-Range"), len(r.body))
		}
		r = c.do(t, "GET", "/api/media/file/hero.png", nil, "", false, "Range", "bytes=-10")
		if r.status != 206 || !bytes.Equal(r.body, hero[len(hero)-10:]) {
			t.Errorf("suffix range: %d %d bytes", r.status, len(r.body))
		}
		if r := c.do(t, "GET", "/api/media/file/hero.png", nil, "", false, "Range", fmt.Sprintf("bytes=%d-", len(hero)+10)); r.status != 416 || r.header.Get("Content-Range") != fmt.Sprintf("bytes */%d", len(hero)) {
			t.Errorf("range past the end: %d %q", r.status, r.header.Get("Content-Range"))
		}
		if r := c.do(t, "GET", "/api/media/file/hero.png", nil, "", false, "Range", "bytes=5-1"); r.status != 416 {
			t.Errorf("malformed range: %d", r.status)
		}
		if r := c.do(t, "HEAD", "/api/media/file/hero.png", nil, "", false); r.status != 200 || len(r.body) != 0 || r.header.Get("Content-Length") != strconv.Itoa(len(hero)) {
			t.Errorf("HEAD: %d %d bytes, length %q", r.status, len(r.body), r.header.Get("Content-Length"))
		}
		for name, w := range want {
			f := w[0].(string)
			r := c.do(t, "GET", "/api/media/file/"+f, nil, "", false)
			if r.status != 200 {
				t.Fatalf("size %s: %d", name, r.status)
			}
			cfg, format, err := image.DecodeConfig(bytes.NewReader(r.body))
			if err != nil || cfg.Width != w[1] || cfg.Height != w[2] || "image/"+format != r.header.Get("Content-Type") {
				t.Errorf("size %s: %dx%d %s (%v), content-type %s", name, cfg.Width, cfg.Height, format, err, r.header.Get("Content-Type"))
			}
		}
		if r := c.do(t, "GET", "/api/media/file/does-not-exist.png", nil, "", false); r.status != 404 || !strings.Contains(string(r.body), `"Not Found"`) {
			t.Errorf("missing file: %d %s", r.status, r.body)
		}
		// GET by id decorates the same way.
		id := num(doc["id"])
		if r := c.do(t, "GET", "/api/media/"+strconv.Itoa(id), nil, "", false); r.status != 200 || r.json(t)["url"] != "/api/media/file/hero.png" {
			t.Errorf("get by id: %d %s", r.status, r.body)
		}
		// A text file, alt as a plain form field, no _payload.
		res = c.upload(t, part{Name: "file", File: "notes.txt", Type: "text/plain", Data: notes}, part{Name: "alt", Data: []byte("Notes")})
		if res.status != 201 {
			t.Fatalf("text upload: %d %s", res.status, res.body)
		}
		tdoc := res.json(t)["doc"].(map[string]any)
		if tdoc["alt"] != "Notes" || tdoc["width"] != nil || tdoc["thumbnailURL"] != nil || tdoc["focalX"] != nil || sizeOf(t, tdoc, "thumbnail")["filename"] != nil {
			t.Errorf("text doc = %v", tdoc)
		}
		r = c.do(t, "GET", "/api/media/file/notes.txt", nil, "", false)
		if r.status != 200 || !bytes.Equal(r.body, notes) || r.header.Get("Content-Disposition") != "attachment; filename=notes.txt" {
			t.Errorf("text download: %d %q %q", r.status, r.body, r.header.Get("Content-Disposition"))
		}
		c.requireConsistent(t)
	})

	t.Run("duplicate name, replace, delete removes every object", func(t *testing.T) {
		c := newCMS(t, b.vars(t))
		var ids []int
		for i, want := range []string{"hero.png", "hero-1.png"} {
			res := c.upload(t, part{Name: "file", File: "hero.png", Type: "image/png", Data: hero}, part{Name: "_payload", Data: []byte(`{"alt":"Hero"}`)})
			doc := res.json(t)["doc"].(map[string]any)
			if res.status != 201 || doc["filename"] != want {
				t.Fatalf("upload %d: %d filename %v, want %s", i, res.status, doc["filename"], want)
			}
			if i == 1 && sizeOf(t, doc, "thumbnail")["filename"] != "hero-1-400x300.png" {
				t.Errorf("duplicate thumbnail = %v", sizeOf(t, doc, "thumbnail"))
			}
			ids = append(ids, num(doc["id"]))
		}
		c.requireConsistent(t)

		// Replace the second image by a text file: sizes and dimensions go.
		body, ct := multipartBody(t, part{Name: "file", File: "notes.txt", Type: "text/plain", Data: notes})
		res := c.do(t, "PATCH", "/api/media/"+strconv.Itoa(ids[1]), body, ct, true)
		if res.status != 200 {
			t.Fatalf("replace: %d %s", res.status, res.body)
		}
		doc := res.json(t)["doc"].(map[string]any)
		if doc["filename"] != "notes.txt" || doc["width"] != nil || doc["alt"] != "Hero" || sizeOf(t, doc, "card")["filename"] != nil {
			t.Errorf("replaced doc = %v", doc)
		}
		objs := c.objects(t)
		for _, k := range objs {
			if strings.HasPrefix(k, "hero-1") {
				t.Errorf("old object %s left after replace", k)
			}
		}
		// A JSON PATCH updates fields only.
		res = c.do(t, "PATCH", "/api/media/"+strconv.Itoa(ids[1]), strings.NewReader(`{"alt":"Edited"}`), "application/json", true)
		if res.status != 200 || res.json(t)["doc"].(map[string]any)["filename"] != "notes.txt" {
			t.Errorf("json patch: %d %s", res.status, res.body)
		}
		c.requireConsistent(t)

		for _, id := range ids {
			if r := c.do(t, "DELETE", "/api/media/"+strconv.Itoa(id), nil, "", true); r.status != 200 {
				t.Fatalf("delete %d: %d %s", id, r.status, r.body)
			}
		}
		if objs, rows := c.objects(t), c.rows(t); len(objs) != 0 || len(rows) != 0 {
			t.Errorf("after delete: objects %v, rows %v", objs, rows)
		}
		if r := c.do(t, "GET", "/api/media/file/hero.png", nil, "", false); r.status != 404 {
			t.Errorf("deleted file served: %d", r.status)
		}
	})

	t.Run("rejections leave nothing behind", func(t *testing.T) {
		c := newCMS(t, mergeVars(b.vars(t), map[string]string{contract.CMSUploadMaxBytes: strconv.Itoa(1 << 20)}))
		bigPDF := append([]byte("%PDF-1.4\n"), make([]byte, 2<<20)...)
		_, _ = rand.Read(bigPDF[9:])
		cases := []struct {
			name   string
			parts  []part
			auth   bool
			status int
			msg    string
		}{
			{"anonymous", []part{{Name: "file", File: "hero.png", Type: "image/png", Data: hero}, {Name: "_payload", Data: []byte(`{"alt":"x"}`)}}, false, 403, "You are not allowed to perform this action."},
			{"php named jpg", []part{{Name: "file", File: "shell.jpg", Type: "image/jpeg", Data: []byte("<?php system($_GET['c']); ?>")}, {Name: "_payload", Data: []byte(`{"alt":"x"}`)}}, true, 400, "does not match"},
			{"html named jpg", []part{{Name: "file", File: "page.jpg", Type: "image/jpeg", Data: []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")}, {Name: "_payload", Data: []byte(`{"alt":"x"}`)}}, true, 400, "not allowed"},
			{"svg", []part{{Name: "file", File: "logo.svg", Type: "image/svg+xml", Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`)}, {Name: "alt", Data: []byte("x")}}, true, 400, "not allowed"},
			{"decompression bomb", []part{{Name: "file", File: "bomb.png", Type: "image/png", Data: bombPNG(100000, 100000)}, {Name: "alt", Data: []byte("x")}}, true, 400, "too large"},
			{"over the limit", []part{{Name: "file", File: "big.pdf", Type: "application/pdf", Data: bigPDF}, {Name: "alt", Data: []byte("x")}}, true, 413, "too large"},
			{"missing alt", []part{{Name: "file", File: "hero.png", Type: "image/png", Data: hero}, {Name: "_payload", Data: []byte(`{}`)}}, true, 400, "The following field is invalid: Alt"},
			{"payload first, then a bad file", []part{{Name: "_payload", Data: []byte(`{"alt":"x"}`)}, {Name: "file", File: "x.png", Type: "image/png", Data: []byte("GIF89a not a png")}}, true, 400, "does not match"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				body, ct := multipartBody(t, tc.parts...)
				r := c.do(t, "POST", "/api/media", body, ct, tc.auth)
				if r.status != tc.status || !strings.Contains(string(r.body), tc.msg) || !strings.HasPrefix(string(r.body), `{"errors":[`) {
					t.Errorf("status %d body %s, want %d containing %q", r.status, r.body, tc.status, tc.msg)
				}
				if objs, rows := c.objects(t), c.rows(t); len(objs) != 0 || len(rows) != 0 {
					t.Errorf("left behind: objects %v, rows %v", objs, rows)
				}
			})
		}
		// A body cut off in the middle of the file (the client went away).
		whole, ct := multipartBody(t, part{Name: "file", File: "cut.pdf", Type: "application/pdf", Data: bigPDF[:600<<10]}, part{Name: "alt", Data: []byte("x")})
		if r := c.do(t, "POST", "/api/media", bytes.NewReader(whole.Bytes()[:300<<10]), ct, true); r.status != 400 || !strings.Contains(string(r.body), "Invalid multipart body.") {
			t.Errorf("truncated body: %d %s", r.status, r.body)
		}
		if objs, rows := c.objects(t), c.rows(t); len(objs) != 0 || len(rows) != 0 {
			t.Errorf("truncated body left behind: objects %v, rows %v", objs, rows)
		}
		if r := c.do(t, "POST", "/api/media", strings.NewReader(`{"alt":"no file"}`), "application/json", true); r.status != 400 || string(r.body) != `{"errors":[{"message":"No files were uploaded."}]}` {
			t.Errorf("no file: %d %s", r.status, r.body)
		}
		if r := c.do(t, "GET", "/api/media", nil, "", true); r.json(t)["totalDocs"] != float64(0) {
			t.Errorf("documents were created: %s", r.body)
		}
		c.requireConsistent(t)
	})

	t.Run("path traversal filename is neutralised", func(t *testing.T) {
		c := newCMS(t, b.vars(t))
		small := testPNG(t, 64, 48)
		for _, name := range []string{"../../../etc/passwd.png", `..\..\win.png`, ".hidden.png", "a\x00b\u202e.png"} {
			res := c.upload(t, part{Name: "file", File: name, Type: "image/png", Data: small}, part{Name: "alt", Data: []byte("x")})
			if res.status != 201 {
				t.Fatalf("%q: %d %s", name, res.status, res.body)
			}
			fn := res.json(t)["doc"].(map[string]any)["filename"].(string)
			if strings.ContainsAny(fn, "/\\\x00\u202e") || strings.HasPrefix(fn, ".") || strings.Contains(fn, "..") {
				t.Errorf("%q stored as %q", name, fn)
			}
		}
		if objs := c.objects(t); !slices.Contains(objs, "passwd.png") || !slices.Contains(objs, "win.png") {
			t.Errorf("objects %v", objs)
		}
		c.requireConsistent(t)
	})

	t.Run("direct browser upload", func(t *testing.T) {
		c := newCMS(t, b.vars(t))
		req := func(name, typ string, size int) response {
			body, _ := json.Marshal(map[string]any{"filename": name, "mimeType": typ, "filesize": size})
			return c.do(t, "POST", "/api/media/presign", bytes.NewReader(body), "application/json", true)
		}
		if !b.s3 {
			if r := req("hero.png", "image/png", len(hero)); r.status != 501 || !strings.Contains(string(r.body), "upload through POST /api/media") {
				t.Errorf("local presign: %d %s", r.status, r.body)
			}
			c.requireConsistent(t)
			return
		}
		if r := c.do(t, "POST", "/api/media/presign", strings.NewReader(`{"filename":"a.png","mimeType":"image/png","filesize":10}`), "application/json", false); r.status != 403 {
			t.Errorf("anonymous presign: %d", r.status)
		}
		if r := req("big.png", "image/png", 1<<40); r.status != 413 {
			t.Errorf("oversized presign: %d %s", r.status, r.body)
		}
		if r := req("x.png", "text/html", 10); r.status != 400 {
			t.Errorf("html presign: %d %s", r.status, r.body)
		}
		put := func(d map[string]any, data []byte) {
			t.Helper()
			hr, err := http.NewRequest(d["method"].(string), d["url"].(string), bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range d["headers"].(map[string]any) {
				if !strings.EqualFold(k, "host") {
					hr.Header.Set(k, v.(string))
				}
			}
			hr.ContentLength = int64(len(data))
			res, err := http.DefaultClient.Do(hr)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Fatalf("presigned PUT: %d %s", res.StatusCode, b)
			}
		}
		r := req("direct.png", "image/png", len(hero))
		if r.status != 200 {
			t.Fatalf("presign: %d %s", r.status, r.body)
		}
		d := r.json(t)
		if d["key"] != "direct.png" || d["method"] != "PUT" || d["token"] == "" {
			t.Fatalf("presign answer %v", d)
		}
		fin, _ := json.Marshal(map[string]any{"upload": d["token"], "alt": "Direct"})
		// Finalising before the PUT fails and keeps the reservation.
		if r := c.do(t, "POST", "/api/media", bytes.NewReader(fin), "application/json", true); r.status != 400 || !strings.Contains(string(r.body), "not been uploaded") {
			t.Errorf("finalise before the PUT: %d %s", r.status, r.body)
		}
		put(d, hero)
		res := c.do(t, "POST", "/api/media", bytes.NewReader(fin), "application/json", true)
		if res.status != 201 {
			t.Fatalf("finalise: %d %s", res.status, res.body)
		}
		doc := res.json(t)["doc"].(map[string]any)
		if doc["filename"] != "direct.png" || num(doc["width"]) != 1200 || sizeOf(t, doc, "thumbnail")["filename"] != "direct-400x300.png" {
			t.Errorf("finalised doc %v", doc)
		}
		if g := c.do(t, "GET", "/api/media/file/direct.png", nil, "", false); g.status != 200 || !bytes.Equal(g.body, hero) {
			t.Errorf("direct download: %d %d bytes", g.status, len(g.body))
		}
		// The token is single-use.
		if r := c.do(t, "POST", "/api/media", bytes.NewReader(fin), "application/json", true); r.status != 400 {
			t.Errorf("reused token: %d %s", r.status, r.body)
		}
		// Declared PNG, uploaded HTML: rejected and deleted on finalise.
		r = req("sneaky.png", "image/png", 40)
		d = r.json(t)
		put(d, []byte("<html><script>alert(1)</script></html>\n\n"))
		fin, _ = json.Marshal(map[string]any{"upload": d["token"], "alt": "x"})
		if r := c.do(t, "POST", "/api/media", bytes.NewReader(fin), "application/json", true); r.status != 400 {
			t.Errorf("spoofed direct upload: %d %s", r.status, r.body)
		}
		if slices.Contains(c.objects(t), "sneaky.png") || slices.Contains(c.rows(t), "sneaky.png") {
			t.Errorf("spoofed direct upload left behind")
		}
		// A forged token.
		fin, _ = json.Marshal(map[string]any{"upload": "ZGlyZWN0LnBuZw.9999999999.AAAA", "alt": "x"})
		if r := c.do(t, "POST", "/api/media", bytes.NewReader(fin), "application/json", true); r.status != 400 {
			t.Errorf("forged token: %d %s", r.status, r.body)
		}
		c.requireConsistent(t)
	})

	t.Run("readiness includes the object store", func(t *testing.T) {
		c := newCMS(t, b.vars(t))
		checks := c.app.Ready(context.Background())
		if err, ok := checks["objectstore"]; !ok || err != nil {
			t.Errorf("objectstore check: present %v, err %v", ok, err)
		}
	})
}

func mergeVars(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestMediaPostgres runs the suite once on PostgreSQL (local disk store):
// the name registry's INSERT … ON CONFLICT and the cascade are dialect
// specific.
func TestMediaPostgres(t *testing.T) {
	suite(t, backend{name: "local-postgres", vars: func(t testing.TB) map[string]string {
		return map[string]string{contract.PostgresURL: testenv.Postgres(t)}
	}})
}

// TestDeliveryModes checks the URLs of public and presign delivery and the
// presigned redirect.
func TestDeliveryModes(t *testing.T) {
	srv := testenv.S3(t)
	hero := testPNG(t, 800, 600)
	t.Run("public", func(t *testing.T) {
		c := newCMS(t, mergeVars(s3Vars(srv), map[string]string{contract.S3PublicURL: "https://cdn.example.com", contract.CMSMediaDelivery: "public"}))
		res := c.upload(t, part{Name: "file", File: "hero.png", Type: "image/png", Data: hero}, part{Name: "alt", Data: []byte("x")})
		doc := res.json(t)["doc"].(map[string]any)
		if doc["url"] != "https://cdn.example.com/media/hero.png" || doc["thumbnailURL"] != "https://cdn.example.com/media/hero-400x300.png" {
			t.Errorf("public urls: %v %v", doc["url"], doc["thumbnailURL"])
		}
		c.requireConsistent(t)
	})
	t.Run("presign", func(t *testing.T) {
		srv := testenv.S3(t)
		c := newCMS(t, mergeVars(s3Vars(srv), map[string]string{contract.CMSMediaDelivery: "presign"}))
		res := c.upload(t, part{Name: "file", File: "hero.png", Type: "image/png", Data: hero}, part{Name: "alt", Data: []byte("x")})
		doc := res.json(t)["doc"].(map[string]any)
		if doc["url"] != "/api/media/file/hero.png" {
			t.Fatalf("url %v", doc["url"])
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		r, err := client.Get(c.srv.URL + "/api/media/file/hero.png")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		loc := r.Header.Get("Location")
		if r.StatusCode != 302 || !strings.HasPrefix(loc, srv.Endpoint) || !strings.Contains(loc, "X-Amz-Signature") {
			t.Fatalf("redirect %d %q", r.StatusCode, loc)
		}
		g, err := http.Get(loc)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(g.Body)
		g.Body.Close()
		if g.StatusCode != 200 || !bytes.Equal(b, hero) {
			t.Errorf("presigned GET: %d, %d bytes", g.StatusCode, len(b))
		}
	})
}

// TestSizeNameConflict: a generated size whose name another file already
// holds fails the upload with 409 and leaves nothing of it behind.
func TestSizeNameConflict(t *testing.T) {
	c := newCMS(t, nil)
	small := testPNG(t, 64, 48)
	if r := c.upload(t, part{Name: "file", File: "hero-400x300.png", Type: "image/png", Data: small}, part{Name: "alt", Data: []byte("x")}); r.status != 201 {
		t.Fatalf("first upload: %d %s", r.status, r.body)
	}
	before := c.objects(t)
	r := c.upload(t, part{Name: "file", File: "hero.png", Type: "image/png", Data: testPNG(t, 1200, 800)}, part{Name: "alt", Data: []byte("x")})
	if r.status != 409 || !strings.Contains(string(r.body), "hero-400x300.png") {
		t.Errorf("conflicting size: %d %s", r.status, r.body)
	}
	if after := c.objects(t); !slices.Equal(before, after) {
		t.Errorf("objects %v, want %v", after, before)
	}
	c.requireConsistent(t)
}
