package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/objectstore"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/gin-gonic/gin"
)

// fileCSP is sent with every served file: the bytes were sniffed on
// upload, but a browser must still never execute them in the CMS's origin.
const fileCSP = "default-src 'none'; sandbox"

// mediaCreate handles POST /api/media: multipart with a file (streamed to
// the store), or JSON {"upload": "<token>", ...fields} finalising a direct
// upload. JSON without a token is Payload's "No files were uploaded.".
func (a *API) mediaCreate(c *gin.Context) error {
	return a.mediaWrite(c, 0, http.StatusCreated)
}

// mediaUpdate handles PATCH /api/media/:id: multipart with a file replaces
// the file, anything else updates fields only.
func (a *API) mediaUpdate(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if c.ContentType() != "multipart/form-data" {
		// Fields only; the media service recuts the sizes when the
		// focal point moves.
		a.write(http.StatusOK, true, true, func(ctx context.Context, actor *content.Actor, id int64, in map[string]any, c *gin.Context, p query.Params) (content.WriteResult, error) {
			return a.uploads.CreateOrReplace(ctx, actor, id, nil, in, writeOptions(c, p))
		})(c)
		return nil
	}
	return a.mediaWrite(c, id, http.StatusOK)
}

// mediaWrite is the upload of a create (id 0) or a replace: the media
// service checks access before a byte of the body is read, reads the
// multipart body and writes the document, in one call.
func (a *API) mediaWrite(c *gin.Context, id int64, status int) error {
	actor := caller(c).Actor
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	opts := content.WriteOptions{ReadOptions: readOptions(c, p), Draft: p.Draft, EnforceLock: c.Query("overrideLock") != "true"}
	var res content.WriteResult
	if id == 0 && c.ContentType() != "multipart/form-data" {
		res, err = a.finalizeUpload(c, opts)
	} else {
		res, err = a.uploads.Receive(c.Writer, c.Request, actor, id, opts, a.maxJSONBytes)
	}
	if err != nil {
		return err
	}
	a.json(c, status, docEnvelope{Doc: res.Doc, Message: res.Message})
	return nil
}

// finalizeUpload creates the document of a direct upload from a JSON body
// {"upload": token, ...fields}.
func (a *API) finalizeUpload(c *gin.Context, opts content.WriteOptions) (content.WriteResult, error) {
	if !a.uploads.CanCreate(caller(c).Actor) {
		return content.WriteResult{}, content.ErrForbidden // before the body is read
	}
	in, err := a.readBody(c)
	if err != nil {
		return content.WriteResult{}, err
	}
	token, _ := in["upload"].(string)
	if token == "" {
		return content.WriteResult{}, media.ErrNoFile
	}
	delete(in, "upload")
	return a.uploads.Finalize(c.Request.Context(), caller(c).Actor, token, in, opts)
}

// presignRequest is the body of POST /api/media/presign.
type presignRequest struct {
	Filename string `json:"filename"`
	MimeType string `json:"mimeType"`
	Filesize int64  `json:"filesize"`
}

// mediaPresign handles POST /api/media/presign: a presigned PUT for a
// direct browser upload, then POST /api/media {"upload": token, ...}.
func (a *API) mediaPresign(c *gin.Context) error {
	actor := caller(c).Actor
	if !a.uploads.CanCreate(actor) {
		return content.ErrForbidden
	}
	if err := requireJSON(c.Request); err != nil {
		return err
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10))
	if err != nil {
		return err
	}
	var req presignRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return errInvalidJSON.Wrap(err)
	}
	if req.Filename == "" || req.MimeType == "" {
		return errPresignInput
	}
	d, err := a.uploads.PresignUpload(c.Request.Context(), actor, req.Filename, req.MimeType, req.Filesize)
	if err != nil {
		return err
	}
	a.json(c, http.StatusOK, d)
	return nil
}

// mediaFile handles GET and HEAD /api/media/file/:filename: read access
// through the document, then the object with Range, ETag, Last-Modified
// and cache headers, or a redirect to a presigned GET.
func (a *API) mediaFile(c *gin.Context) {
	name := c.Param("filename")
	rng, err := objectstore.ParseRange(c.GetHeader("Range"))
	if err != nil {
		a.rangeNotSatisfiable(c)
		return
	}
	if c.GetHeader("If-Range") != "" {
		rng = nil // a conditional range: send the whole file (RFC 9110 allows it)
	}
	served, err := a.uploads.Open(c.Request.Context(), caller(c).Actor, name, rng)
	if errors.Is(err, objectstore.ErrInvalidRange) {
		// RFC 9110 §15.5.17: tell the client the current length.
		if whole, err := a.uploads.Open(c.Request.Context(), caller(c).Actor, name, nil); err == nil && whole.Blob != nil {
			whole.Blob.Body.Close()
			c.Header("Content-Range", "bytes */"+strconv.FormatInt(whole.Blob.Size, 10))
		}
		a.rangeNotSatisfiable(c)
		return
	}
	if err != nil {
		a.fail(c, err) // mediaFile streams, so it answers its errors itself
		return
	}
	if served.Redirect != "" {
		c.Header("Cache-Control", "no-store")
		c.Redirect(http.StatusFound, served.Redirect)
		return
	}
	b := served.Blob
	defer b.Body.Close()
	ct := served.File.ContentType
	if ct == "" {
		ct = b.ContentType
	}
	h := c.Writer.Header()
	h.Set("Content-Type", ct)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", fileCSP)
	h.Set("Content-Disposition", media.Disposition(ct, name))
	h.Set("Accept-Ranges", "bytes")
	h.Set("Cache-Control", media.CacheControl)
	if b.ETag != "" {
		h.Set("ETag", b.ETag)
	}
	if !b.LastModified.IsZero() {
		h.Set("Last-Modified", b.LastModified.UTC().Format(http.TimeFormat))
	}
	if notModified(c.Request, b.ETag, b.LastModified) {
		c.Status(http.StatusNotModified)
		return
	}
	status := http.StatusOK
	if b.ContentRange != "" {
		status = http.StatusPartialContent
		h.Set("Content-Range", b.ContentRange)
	}
	h.Set("Content-Length", strconv.FormatInt(b.Length, 10))
	c.Status(status)
	if c.Request.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(c.Writer, b.Body); err != nil {
		// Headers are gone; the client sees a short body.
		a.log.Warn("send media file", "file", name, "err", err)
	}
}

func (a *API) rangeNotSatisfiable(c *gin.Context) {
	a.json(c, http.StatusRequestedRangeNotSatisfiable, errorEnvelope{Errors: []apiError{{Message: "Range Not Satisfiable"}}})
}

// notModified evaluates If-None-Match (weak comparison) and, without it,
// If-Modified-Since.
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if etag == "" {
			return false
		}
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !modified.IsZero() {
		t, err := http.ParseTime(ims)
		return err == nil && !modified.Truncate(time.Second).After(t)
	}
	return false
}
