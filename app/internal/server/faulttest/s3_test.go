package faulttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/automatonic/chronos/app/collections"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/automatonic/chronos/app/internal/testenv"
)

// TestS3StoppedDuringUploads stops the S3 server while uploads run and
// while it is down: every upload must end as 201 or a clean 503 (never a
// 500, never a hang), uploads work again once S3 is back, and afterwards
// every media row has its objects and every object belongs to a row.
func TestS3StoppedDuringUploads(t *testing.T) {
	s3p := testenv.StartS3(t)
	b := s3p.Bucket(t)
	c := startCMS(t, testPostgres(t), map[string]string{
		contract.S3Bucket: b.Bucket, contract.S3Endpoint: b.Endpoint, contract.S3Region: b.Region,
		contract.S3AccessKeyID: b.AccessKey, contract.S3SecretAccessKey: b.SecretKey, contract.S3ForcePathStyle: "true",
	})
	token := adminToken(t, c)
	client := &http.Client{Timeout: 40 * time.Second}
	upload := func(i int) (int, time.Duration, string) {
		body, ctype := multipartImage(t, i)
		req, _ := http.NewRequest(http.MethodPost, c.base+"/api/media", body)
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Authorization", "JWT "+token)
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, time.Since(t0), err.Error()
		}
		defer resp.Body.Close()
		var env map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&env)
		return resp.StatusCode, time.Since(t0), fmt.Sprint(env)
	}

	// Up.
	if status, _, msg := upload(0); status != http.StatusCreated {
		t.Fatalf("upload with S3 up: %d %s", status, msg)
	}

	// Stopped in the middle of uploads: 4 clients upload in a loop; S3 is
	// stopped once some have succeeded, and each client stops after its
	// first 503 (or 40 uploads).
	var wg sync.WaitGroup
	var mu sync.Mutex
	during := map[int]int{}
	var slowest time.Duration
	created := make(chan struct{}, 100)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 40 {
				status, took, _ := upload(100 + w*40 + n)
				mu.Lock()
				during[status]++
				slowest = max(slowest, took)
				mu.Unlock()
				if status == http.StatusCreated {
					created <- struct{}{}
				} else {
					return
				}
			}
		}()
	}
	for range 4 {
		<-created
	}
	if err := s3p.Stop(); err != nil {
		t.Fatalf("stop S3: %v", err)
	}
	wg.Wait()
	if during[http.StatusCreated]+during[http.StatusServiceUnavailable] != sum(during) || during[http.StatusServiceUnavailable] == 0 {
		t.Errorf("uploads while S3 was stopped: statuses %v; want 201s, then only 503s", during)
	}
	if slowest > 10*time.Second {
		t.Errorf("slowest upload around the stop took %v; want < 10 s", slowest)
	}

	// Down.
	for i := 20; i < 24; i++ {
		status, took, msg := upload(i)
		if status != http.StatusServiceUnavailable || took > 10*time.Second {
			t.Errorf("upload with S3 down: %d in %v (%s); want a 503 within 10 s", status, took, msg)
		}
	}

	// Back.
	if err := s3p.Start(); err != nil {
		t.Fatalf("start S3: %v", err)
	}
	if !eventually(5*time.Second, func() bool { s, _, _ := upload(30); return s == http.StatusCreated }) {
		t.Errorf("uploads do not succeed within 5 s of S3 returning")
	}
	t.Logf("during the stop: %v (slowest %v)", during, slowest)

	// No rows without objects, ever. Objects without rows can be left by an
	// upload whose object was written just before S3 went away and whose
	// cleanup then failed; by design `cms media gc` (media.Service.GC)
	// finds and deletes them, so the test asserts that it sees every one and
	// that none remain after it ran.
	rows, missing, orphans := bucketState(t, c, b)
	if rows < 2 {
		t.Errorf("only %d media rows after the test; want at least the uploads made while S3 was up", rows)
	}
	for name := range missing {
		t.Errorf("media row refers to %q, which is not in the bucket", name)
	}
	if len(orphans) > 0 {
		t.Logf("the outage left %d objects without rows: %v; running media GC", len(orphans), orphans)
		// No upload is in flight now: every object without a row is
		// debris, however young (the default grace of a day protects
		// uploads in flight from a gc run in production).
		rep, err := c.app.Media().GC(context.Background(), media.GCOptions{Apply: true, Grace: time.Nanosecond})
		if err != nil {
			t.Fatalf("media GC: %v", err)
		}
		for name := range orphans {
			if !slices.ContainsFunc(rep.OrphanObjects, func(k string) bool { return path.Base(k) == name }) {
				t.Errorf("object %q belongs to no media row and media GC does not report it (found %v)", name, rep.OrphanObjects)
			}
		}
		if _, _, left := bucketState(t, c, b); len(left) > 0 {
			t.Errorf("objects without rows after media GC: %v", left)
		}
	}
}

// bucketState compares the media rows with the objects in the bucket. It
// returns the number of rows, the file names rows refer to that have no
// object, and the objects no row refers to.
func bucketState(t *testing.T, c *cms, b testenv.S3Server) (rows int, missing, orphans map[string]bool) {
	t.Helper()
	list, err := c.app.Content().Find(context.Background(), admin, collections.MediaSlug, query.Params{Limit: 1000, LimitSet: true, Pagination: true}, content.ReadOptions{})
	if err != nil {
		t.Fatalf("list media: %v", err)
	}
	want := map[string]bool{} // every file name a row refers to
	for _, d := range list.Docs {
		want[fmt.Sprint(d["filename"])] = true
		if sizes, ok := d["sizes"].(map[string]any); ok {
			for _, s := range sizes {
				if m, ok := s.(map[string]any); ok && m["filename"] != nil {
					want[fmt.Sprint(m["filename"])] = true
				}
			}
		}
	}
	have := map[string]bool{}
	root := filepath.Join(b.Root, b.Bucket)
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") && p != root {
			if d.IsDir() {
				return filepath.SkipDir // gateway internals
			}
			return nil
		}
		if !d.IsDir() {
			have[d.Name()] = true
		}
		return nil
	})
	missing, orphans = map[string]bool{}, map[string]bool{}
	for name := range want {
		if !have[name] {
			missing[name] = true
		}
	}
	for name := range have {
		if !want[name] {
			orphans[name] = true
		}
	}
	return len(list.Docs), missing, orphans
}

// multipartImage is a POST /api/media body: a small PNG (distinct per i)
// and the _payload part, the way Payload's client sends it.
func multipartImage(t *testing.T, i int) (*bytes.Buffer, string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), uint8(i * 17), 255})
		}
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="fault-%d.png"`, i))
	h.Set("Content-Type", "image/png")
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(part, img); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteField("_payload", fmt.Sprintf(`{"alt":"fault image %d"}`, i)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, w.FormDataContentType()
}
