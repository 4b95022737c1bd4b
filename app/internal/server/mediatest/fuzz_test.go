package mediatest

import (
	"bytes"
	"strconv"
	"testing"
)

// fuzzBoundary is the fixed boundary of fuzzed bodies, so mutations of the
// seeds stay multipart-shaped often enough to reach the handler's logic.
const fuzzBoundary = "chronosfuzzboundary"

func fuzzBody(tb testing.TB, parts ...part) []byte {
	tb.Helper()
	body, _ := multipartBodyWith(tb, fuzzBoundary, parts...)
	return body.Bytes()
}

// FuzzUploadHandler posts arbitrary multipart bodies to POST /api/media
// (local disk, SQLite): never a 5xx or a panic, and whatever the outcome
// the store and the media_files index hold exactly the same objects.
// Seeds: testdata/fuzz/FuzzUploadHandler plus those below. Longer run:
// go test ./app/internal/server/mediatest -run '^$' -fuzz FuzzUploadHandler -fuzztime 10m
func FuzzUploadHandler(f *testing.F) {
	png := testPNG(f, 40, 30)
	f.Add(fuzzBody(f, part{Name: "file", File: "hero.png", Type: "image/png", Data: png}, part{Name: "_payload", Data: []byte(`{"alt":"Hero"}`)}))
	f.Add(fuzzBody(f, part{Name: "alt", Data: []byte("Notes")}, part{Name: "file", File: "notes.txt", Type: "text/plain", Data: []byte("hello\n")}))
	f.Add(fuzzBody(f, part{Name: "_payload", Data: []byte(`{"alt":1}`)}, part{Name: "file", File: "../../etc/passwd.png", Type: "image/png", Data: png[:20]}))
	f.Add(fuzzBody(f, part{Name: "file", File: "x.jpg", Type: "image/jpeg", Data: []byte("<?php echo 1; ?>")}, part{Name: "alt", Data: []byte("x")}))
	f.Add(fuzzBody(f, part{Name: "file", File: "bomb.png", Type: "image/png", Data: bombPNG(100000, 100000)}, part{Name: "alt", Data: []byte("b")}))
	f.Add([]byte("--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nunterminated"))
	f.Add([]byte{})
	c := newCMS(f, nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		res := c.do(t, "POST", "/api/media", bytes.NewReader(body), "multipart/form-data; boundary="+fuzzBoundary, true)
		if res.status >= 500 {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		if res.status == 201 {
			doc, _ := res.json(t)["doc"].(map[string]any)
			id := strconv.Itoa(num(doc["id"]))
			if d := c.do(t, "DELETE", "/api/media/"+id, nil, "", true); d.status != 200 {
				t.Fatalf("delete %s: %d %s", id, d.status, d.body)
			}
		}
		c.requireConsistent(t)
	})
}
