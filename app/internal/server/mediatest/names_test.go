package mediatest

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/automatonic/chronos/app/internal/media"
)

// TestUploadNames runs, on local disk and on S3, what makes a name unique
// now that the object store creates it (no reservation row): concurrent
// uploads of one name get different names, an upload in flight (its object
// written, its row not yet) is not collected by gc, and a write refused by
// the store removes the objects its upload wrote.
func TestUploadNames(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			t.Run("concurrent uploads of one name", func(t *testing.T) { concurrentSameName(t, newCMS(t, b.vars(t))) })
			t.Run("an upload in flight survives gc", func(t *testing.T) { inFlightSurvivesGC(t, newCMS(t, b.vars(t))) })
			t.Run("a refused write removes its objects", func(t *testing.T) { refusedWriteRemovesObjects(t, newCMS(t, b.vars(t))) })
		})
	}
}

// concurrentSameName uploads "same.png" four times at once: four names,
// each document with its own sizes, and the store and index agree.
func concurrentSameName(t *testing.T, c *cms) {
	const n = 4
	img := testPNG(t, 800, 600)
	names := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			body, ct := multipartBody(t, part{Name: "file", File: "same.png", Type: "image/png", Data: img}, part{Name: "alt", Data: []byte(fmt.Sprint(i))})
			req, err := http.NewRequest("POST", c.srv.URL+"/api/media", body)
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Content-Type", ct)
			req.Header.Set("Authorization", "JWT "+c.token)
			res, err := c.srv.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			raw, _ := io.ReadAll(res.Body)
			r := response{status: res.StatusCode, body: raw}
			if r.status != 201 {
				t.Errorf("upload %d: %d %s", i, r.status, raw)
				return
			}
			names[i], _ = r.json(t)["doc"].(map[string]any)["filename"].(string)
		})
	}
	wg.Wait()
	sort.Strings(names)
	if want := []string{"same-1.png", "same-2.png", "same-3.png", "same.png"}; !slices.Equal(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
	c.requireConsistent(t)
}

// inFlightSurvivesGC holds an upload open after its file part (the object
// is in the store, its document and index row are not written yet), runs
// gc with --apply, then lets the upload finish: the object was left alone
// and the document serves it.
func inFlightSurvivesGC(t *testing.T, c *cms) {
	img := testPNG(t, 300, 200)
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	rest := make(chan struct{})
	go func() {
		fw, err := mw.CreateFormFile("file", "inflight.png")
		if err == nil {
			_, err = fw.Write(img)
		}
		if err == nil {
			// The next part's header ends the file part: the CMS stores the
			// file and waits for the rest of the body.
			_, err = mw.CreateFormField("alt")
		}
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		<-rest
		_, _ = io.WriteString(pw, "in flight")
		_ = mw.Close()
		_ = pw.Close()
	}()
	req, err := http.NewRequest("POST", c.srv.URL+"/api/media", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "JWT "+c.token)
	done := make(chan response, 1)
	go func() {
		res, err := c.srv.Client().Do(req)
		if err != nil {
			done <- response{body: []byte(err.Error())}
			return
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		done <- response{status: res.StatusCode, body: raw}
	}()
	// Wait for the object (a condition, not a duration): the upload is
	// now between its object write and its document's transaction.
	for !slices.Contains(c.objects(t), "inflight.png") {
		select {
		case r := <-done:
			t.Fatalf("the upload ended before its object appeared: %d %s", r.status, r.body)
		default:
		}
	}
	if rows := c.rows(t); len(rows) != 0 {
		t.Fatalf("rows while the upload is in flight: %v", rows)
	}
	rep, err := c.app.Media().GC(context.Background(), media.GCOptions{Apply: true})
	if err != nil {
		t.Fatalf("gc: %v", err)
	}
	if len(rep.OrphanObjects) != 0 || rep.Recent != 1 {
		t.Errorf("gc during the upload: orphans %v, recent %d; want none and 1", rep.OrphanObjects, rep.Recent)
	}
	close(rest)
	r := <-done
	if r.status != 201 || !strings.Contains(string(r.body), `"filename":"inflight.png"`) {
		t.Fatalf("upload after gc: %d %s", r.status, r.body)
	}
	if got := c.do(t, "GET", "/api/media/file/inflight.png", nil, "", false); got.status != 200 || len(got.body) != len(img) {
		t.Errorf("download: %d, %d bytes (want %d)", got.status, len(got.body), len(img))
	}
	c.requireConsistent(t)
}

// refusedWriteRemovesObjects removes a document's objects from the store
// by hand (its rows stay), so the next upload of that name gets the name
// and writes its objects, but content's transaction refuses it (the
// filename is another document's): the answer is Payload's 400 "Value
// must be unique" on filename and nothing of that upload stays. gc --apply
// deletes the document whose original is gone, and the name is free again.
func refusedWriteRemovesObjects(t *testing.T, c *cms) {
	img := testPNG(t, 800, 600)
	upload := func() response {
		return c.upload(t, part{Name: "file", File: "gone.png", Type: "image/png", Data: img}, part{Name: "alt", Data: []byte("x")})
	}
	if r := upload(); r.status != 201 {
		t.Fatalf("first upload: %d %s", r.status, r.body)
	}
	if err := c.app.Objects().Delete(context.Background(), c.objects(t)...); err != nil {
		t.Fatal(err)
	}
	before := c.objects(t)
	if r := upload(); r.status != 400 || !strings.Contains(string(r.body), `{"path":"filename","message":"Value must be unique"`) {
		t.Errorf("upload over a row without its object: %d %s", r.status, r.body)
	}
	if after := c.objects(t); !slices.Equal(after, before) {
		t.Errorf("objects after the refused write %v, want %v", after, before)
	}
	if _, err := c.app.Media().GC(context.Background(), media.GCOptions{Apply: true}); err != nil {
		t.Fatalf("gc: %v", err)
	}
	if r := upload(); r.status != 201 || !strings.Contains(string(r.body), `"filename":"gone.png"`) {
		t.Errorf("upload after gc: %d %s", r.status, r.body)
	}
	c.requireConsistent(t)
}
