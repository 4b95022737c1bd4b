package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/gin-gonic/gin"
)

// Headers of every served file: the bytes were sniffed on upload, but a
// browser must still never execute them in the CMS's origin.
const (
	fileCSP = "default-src 'none'; sandbox"
	// multipartSlack is what a multipart body may hold besides the file:
	// boundaries, part headers, _payload and form fields.
	multipartSlack = 4 << 20
	// readBufferSize is the read buffer of a multipart upload.
	readBufferSize = 256 << 10
	// maxFieldBytes bounds one plain form field.
	maxFieldBytes = 64 << 10
)

// mediaErr turns the media domain's client errors into public errors;
// everything else goes to statusOf unchanged (403, 404, validation, 503).
func mediaErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, media.ErrInterrupted):
		return bodyErr(err) // 413 for the body limit, else 400
	case errors.Is(err, media.ErrNoFile):
		return Public(http.StatusBadRequest, media.ErrNoFile.Error())
	case errors.Is(err, media.ErrTooLarge):
		_, detail, _ := strings.Cut(err.Error(), media.ErrTooLarge.Error()+": ")
		return Public(http.StatusRequestEntityTooLarge, "The file is too large ("+detail+").")
	case isUploadError(err), errors.Is(err, media.ErrBadToken), errors.Is(err, media.ErrNotUploaded):
		return Public(http.StatusBadRequest, sentence(err)+".")
	case errors.Is(err, media.ErrNameConflict), errors.Is(err, media.ErrNoUniqueName):
		return Public(http.StatusConflict, sentence(err)+"; please retry the upload.")
	case errors.Is(err, media.ErrPresignUnsupported):
		return Public(http.StatusNotImplemented, media.ErrPresignUnsupported.Error())
	}
	return err
}

// sentence renders a domain error for clients: without the package
// prefixes, capitalised.
func sentence(err error) string {
	msg := strings.ReplaceAll(err.Error(), "media: ", "")
	r, n := utf8.DecodeRuneInString(msg)
	return string(unicode.ToUpper(r)) + msg[n:]
}

// mediaCreate handles POST /api/media: multipart with a file (streamed to
// the store), or JSON {"upload": "<token>", ...fields} finalising a direct
// upload. JSON without a token is Payload's "No files were uploaded.".
func (a *API) mediaCreate(c *gin.Context) {
	actor := caller(c).Actor
	if !a.uploads.CanCreate(actor) {
		a.fail(c, content.ErrForbidden) // before a byte of the body is read
		return
	}
	p, ok := a.params(c)
	if !ok {
		return
	}
	opts := content.WriteOptions{ReadOptions: readOptions(c, p), Draft: p.Draft}
	ctx := c.Request.Context()
	if c.ContentType() != "multipart/form-data" {
		in, ok := a.body(c)
		if !ok {
			return
		}
		token, _ := in["upload"].(string)
		if token == "" {
			a.fail(c, mediaErr(media.ErrNoFile))
			return
		}
		delete(in, "upload")
		res, err := a.uploads.Finalize(ctx, actor, token, in, opts)
		if err != nil {
			a.fail(c, mediaErr(err))
			return
		}
		a.json(c, http.StatusCreated, docEnvelope{Doc: res.Doc, Message: res.Message})
		return
	}
	up, in, err := a.readMultipart(c, actor)
	if err != nil {
		a.fail(c, mediaErr(err))
		return
	}
	if up == nil {
		a.fail(c, mediaErr(media.ErrNoFile))
		return
	}
	res, err := a.uploads.Create(ctx, actor, up, in, opts)
	if err != nil {
		a.fail(c, mediaErr(err))
		return
	}
	a.json(c, http.StatusCreated, docEnvelope{Doc: res.Doc, Message: res.Message})
}

// mediaUpdate handles PATCH /api/media/:id: multipart with a file replaces
// the file, anything else updates fields only.
func (a *API) mediaUpdate(c *gin.Context) {
	id, ok := a.id(c)
	if !ok {
		return
	}
	actor := caller(c).Actor
	if c.ContentType() != "multipart/form-data" {
		a.update(content.Media)(c)
		return
	}
	if !a.uploads.CanUpdate(actor) {
		a.fail(c, content.ErrForbidden)
		return
	}
	p, ok := a.params(c)
	if !ok {
		return
	}
	opts := content.WriteOptions{ReadOptions: readOptions(c, p), Draft: p.Draft}
	up, in, err := a.readMultipart(c, actor)
	if err != nil {
		a.fail(c, mediaErr(err))
		return
	}
	var res content.WriteResult
	if up == nil {
		res, err = a.content.Update(c.Request.Context(), actor, content.Media, id, in, opts)
	} else {
		res, err = a.uploads.Replace(c.Request.Context(), actor, id, up, in, opts)
	}
	if err != nil {
		a.fail(c, mediaErr(err))
		return
	}
	a.json(c, http.StatusOK, docEnvelope{Doc: res.Doc, Message: res.Message})
}

// uploadIdleTimeout is how long an upload may stall: the read deadline
// moves on whenever bytes arrive, so a large upload on a slow link takes as
// long as it needs, and a stalled one is cut.
const uploadIdleTimeout = 30 * time.Second

// progressDeadline extends the connection's read deadline on every read.
type progressDeadline struct {
	r  io.Reader
	rc *http.ResponseController
}

func (p progressDeadline) Read(b []byte) (int, error) {
	_ = p.rc.SetReadDeadline(time.Now().Add(uploadIdleTimeout))
	return p.r.Read(b)
}

// readMultipart streams a multipart body part by part: the file goes to
// the store as it arrives (before or after _payload; the SDK sends it
// first), _payload is JSON, other parts are plain fields (so `alt` as its
// own part works, unlike Payload). On error nothing stays staged.
func (a *API) readMultipart(c *gin.Context, actor *content.Actor) (up *media.Upload, in map[string]any, err error) {
	ctx := c.Request.Context()
	defer func() {
		if err != nil && up != nil {
			a.uploads.Discard(ctx, up)
			up = nil
		}
	}()
	limited := http.MaxBytesReader(c.Writer, c.Request.Body, a.uploads.MaxBytes()+multipartSlack)
	// mime/multipart reads through a 4 KiB buffer; a larger one in front
	// turns a 1 GiB upload's quarter million small socket reads into few
	// large ones (memory: one buffer per upload in flight).
	c.Request.Body = struct {
		io.Reader
		io.Closer
	}{bufio.NewReaderSize(progressDeadline{r: limited, rc: http.NewResponseController(c.Writer)}, readBufferSize), limited}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		return nil, nil, Public(http.StatusBadRequest, "Invalid multipart body.")
	}
	fields := map[string]any{}
	var payload map[string]any
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up, nil, bodyErr(err)
		}
		name := part.FormName()
		switch {
		case part.FileName() != "" || name == "file":
			if name != "file" {
				part.Close()
				continue // Payload reads only the `file` part
			}
			if up != nil {
				return up, nil, Public(http.StatusBadRequest, "Only one file can be uploaded at a time.")
			}
			up, err = a.uploads.Stage(ctx, actor, part.FileName(), part)
			if err != nil {
				return nil, nil, err
			}
		case name == "_payload":
			raw, err := io.ReadAll(io.LimitReader(part, a.maxJSONBytes+1))
			if err != nil {
				return up, nil, bodyErr(err)
			}
			if int64(len(raw)) > a.maxJSONBytes {
				return up, nil, &http.MaxBytesError{Limit: a.maxJSONBytes}
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			if err := dec.Decode(&payload); err != nil || dec.More() {
				return up, nil, Public(http.StatusBadRequest, msgInvalidJSON)
			}
		default:
			raw, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return up, nil, bodyErr(err)
			}
			if len(raw) > maxFieldBytes {
				return up, nil, &http.MaxBytesError{Limit: maxFieldBytes}
			}
			fields[name] = formValue(name, string(raw))
		}
	}
	for k, v := range payload {
		fields[k] = v
	}
	return up, fields, nil
}

// formValue types a plain form field: the focal point is numeric.
func formValue(name, v string) any {
	if name == "focalX" || name == "focalY" {
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return json.Number(v)
		}
	}
	return v
}

// bodyErr keeps a body-size error (413) and makes anything else 400.
func bodyErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return Public(http.StatusBadRequest, "Invalid multipart body.")
}

// presignRequest is the body of POST /api/media/presign.
type presignRequest struct {
	Filename string `json:"filename"`
	MimeType string `json:"mimeType"`
	Filesize int64  `json:"filesize"`
}

// mediaPresign handles POST /api/media/presign: a presigned PUT for a
// direct browser upload, then POST /api/media {"upload": token, ...}.
func (a *API) mediaPresign(c *gin.Context) {
	actor := caller(c).Actor
	if !a.uploads.CanCreate(actor) {
		a.fail(c, content.ErrForbidden)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10))
	if err != nil {
		a.fail(c, bodyErr(err))
		return
	}
	var req presignRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		a.fail(c, Public(http.StatusBadRequest, msgInvalidJSON))
		return
	}
	if req.Filename == "" || req.MimeType == "" {
		a.fail(c, Public(http.StatusBadRequest, "filename, mimeType and filesize are required."))
		return
	}
	d, err := a.uploads.PresignUpload(c.Request.Context(), actor, req.Filename, req.MimeType, req.Filesize)
	if err != nil {
		a.fail(c, mediaErr(err))
		return
	}
	a.json(c, http.StatusOK, d)
}

// mediaFile handles GET and HEAD /api/media/file/:filename: read access
// through the document, then the object with Range, ETag, Last-Modified
// and cache headers, or a redirect to a presigned GET.
func (a *API) mediaFile(c *gin.Context) {
	name := c.Param("filename")
	rng, err := media.ParseRange(c.GetHeader("Range"))
	if err != nil {
		a.rangeNotSatisfiable(c)
		return
	}
	if c.GetHeader("If-Range") != "" {
		rng = nil // a conditional range: send the whole file (RFC 9110 allows it)
	}
	served, err := a.uploads.Open(c.Request.Context(), caller(c).Actor, name, rng)
	if errors.Is(err, media.ErrInvalidRange) {
		// RFC 9110 §15.5.17: tell the client the current length.
		if whole, err := a.uploads.Open(c.Request.Context(), caller(c).Actor, name, nil); err == nil && whole.Blob != nil {
			whole.Blob.Body.Close()
			c.Header("Content-Range", "bytes */"+strconv.FormatInt(whole.Blob.Size, 10))
		}
		a.rangeNotSatisfiable(c)
		return
	}
	if err != nil {
		a.fail(c, err)
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
