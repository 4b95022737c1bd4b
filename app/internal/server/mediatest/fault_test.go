package mediatest

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/testenv"
)

// TestS3StoppedMidUpload stops a private S3 server while a 48 MiB upload is
// streaming through the CMS: the client gets a clean 503, and once the
// server is back there is no row, no object, and gc finds nothing besides
// the multipart debris it cleans.
func TestS3StoppedMidUpload(t *testing.T) {
	p := testenv.StartS3(t)
	c := newCMS(t, mergeVars(s3Vars(p.Bucket(t)), map[string]string{"CMS_UPLOAD_MAX_BYTES": fmt.Sprint(256 << 20)}))

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	const total, stopAt = 48 << 20, 16 << 20
	stopped := make(chan error, 1)
	go func() {
		defer pw.Close()
		_ = mw.WriteField("alt", "big")
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="big.pdf"`)
		h.Set("Content-Type", "application/pdf")
		fw, err := mw.CreatePart(h)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		if _, err := io.WriteString(fw, "%PDF-1.4\n"); err != nil {
			return
		}
		buf := make([]byte, 1<<20)
		for sent := 0; sent < total; sent += len(buf) {
			if sent == stopAt {
				// The CMS has read 16 MiB and is inside the multipart
				// upload (5 MiB parts): the store goes away.
				stopped <- p.Stop()
			}
			_, _ = rand.Read(buf)
			if _, err := fw.Write(buf); err != nil {
				return // the CMS answered and closed the body
			}
		}
		_ = mw.Close()
	}()
	req, err := http.NewRequest("POST", c.srv.URL+"/api/media", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "JWT "+c.token)
	res, err := c.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if err := <-stopped; err != nil {
		t.Fatalf("stop S3: %v", err)
	}
	if res.StatusCode != 503 || !strings.Contains(string(body), "temporarily unavailable") {
		t.Fatalf("status %d %s, want 503", res.StatusCode, body)
	}
	if rows := c.rows(t); len(rows) != 0 {
		t.Errorf("rows after the failed upload: %v", rows)
	}
	if r := c.do(t, "GET", "/api/media", nil, "", true); !strings.Contains(string(r.body), `"totalDocs":0`) {
		t.Errorf("documents after the failed upload: %s", r.body)
	}
	if err := p.Start(); err != nil {
		t.Fatalf("restart S3: %v", err)
	}
	if objs := c.objects(t); len(objs) != 0 {
		t.Errorf("objects after the failed upload: %v", objs)
	}
	rep, err := c.app.Media().GC(context.Background(), media.GCOptions{})
	if err != nil || !rep.Empty() {
		t.Errorf("gc dry run: %+v, %v", rep, err)
	}
	// The abort may not have reached the stopped server: gc aborts the
	// debris (here with a zero-ish age; the default is a day).
	rep, err = c.app.Media().GC(context.Background(), media.GCOptions{Apply: true, IncompleteAge: 1})
	if err != nil {
		t.Fatalf("gc apply: %v", err)
	}
	t.Logf("multipart uploads aborted by gc: %d", rep.IncompleteCleaned)
	rep, err = c.app.Media().GC(context.Background(), media.GCOptions{Apply: true, IncompleteAge: 1})
	if err != nil || !rep.Empty() {
		t.Errorf("second gc: %+v, %v", rep, err)
	}
	c.requireConsistent(t)
	// The CMS works again.
	res2 := c.upload(t, part{Name: "file", File: "hero.png", Type: "image/png", Data: testPNG(t, 500, 400)}, part{Name: "alt", Data: []byte("back")})
	if res2.status != 201 {
		t.Errorf("upload after restart: %d %s", res2.status, res2.body)
	}
	c.requireConsistent(t)
}
