package media

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
)

// Limits of a multipart upload request.
const (
	// multipartSlack is what a multipart body may hold besides the file:
	// boundaries, part headers, _payload and form fields.
	multipartSlack = 4 << 20
	// readBufferSize is the read buffer of a multipart upload.
	readBufferSize = 256 << 10
	// maxFieldBytes bounds one plain form field.
	maxFieldBytes = 64 << 10
	// defaultPayloadBytes bounds _payload when the caller sets no limit.
	defaultPayloadBytes = 2 << 20
	// uploadIdleTimeout is how long an upload may stall: the read deadline
	// moves on whenever bytes arrive, so a large upload on a slow link
	// takes as long as it needs, and a stalled one is cut.
	uploadIdleTimeout = 30 * time.Second
)

// Errors of a multipart request.
var (
	// ErrOneFile reports a request with more than one file part.
	ErrOneFile = fault.New(fault.Invalid, "Only one file can be uploaded at a time.")
	// ErrInvalidPayload reports a _payload part that is not one JSON object.
	ErrInvalidPayload = fault.New(fault.Invalid, "Invalid JSON")
)

// bodyError classifies a failed read of the request body: over its limit
// (too large) or anything else (a malformed or interrupted body).
func bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return ErrBodyTooLarge.Wrap(err)
	}
	return ErrInterrupted.Wrap(err)
}

// progressDeadline extends the connection's read deadline on every read.
type progressDeadline struct {
	r  io.Reader
	rc *http.ResponseController
}

func (p progressDeadline) Read(b []byte) (int, error) {
	_ = p.rc.SetReadDeadline(time.Now().Add(uploadIdleTimeout))
	return p.r.Read(b)
}

// ReadMultipart streams a multipart/form-data request part by part, for
// the REST API and the admin alike: the `file` part goes to the store as
// it arrives (before or after _payload; the SDK sends it first), _payload
// is a JSON object, other parts are plain fields (so `alt` as its own part
// works, unlike Payload). The body is limited to MaxBytes plus room for
// the fields, and the connection's read deadline moves on as bytes arrive.
// _payload is bounded by maxJSONBytes (0: 2 MiB). up is nil when the
// request holds no file. On error nothing stays staged.
func (s *Service) ReadMultipart(w http.ResponseWriter, r *http.Request, actor *content.Actor, maxJSONBytes int64) (up *Upload, in map[string]any, err error) {
	ctx := r.Context()
	if maxJSONBytes <= 0 {
		maxJSONBytes = defaultPayloadBytes
	}
	defer func() {
		if err != nil && up != nil {
			s.Discard(ctx, up)
			up = nil
		}
	}()
	limited := http.MaxBytesReader(w, r.Body, s.cfg.MaxBytes+multipartSlack)
	// mime/multipart reads through a 4 KiB buffer; a larger one in front
	// turns a 1 GiB upload's quarter million small socket reads into few
	// large ones (memory: one buffer per upload in flight).
	r.Body = struct {
		io.Reader
		io.Closer
	}{bufio.NewReaderSize(progressDeadline{r: limited, rc: http.NewResponseController(w)}, readBufferSize), limited}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, ErrInterrupted.Wrap(err)
	}
	fields := map[string]any{}
	var payload map[string]any
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up, nil, bodyError(err)
		}
		name := part.FormName()
		switch {
		case part.FileName() != "" || name == "file":
			if name != "file" {
				part.Close()
				continue // Payload reads only the `file` part
			}
			if up != nil {
				return up, nil, ErrOneFile
			}
			if up, err = s.Stage(ctx, actor, part.FileName(), part); err != nil {
				return nil, nil, err
			}
		case name == "_payload":
			if payload, err = readPayload(part, maxJSONBytes); err != nil {
				return up, nil, err
			}
		default:
			raw, err := readPart(part, maxFieldBytes)
			if err != nil {
				return up, nil, err
			}
			fields[name] = formValue(name, string(raw))
		}
	}
	for k, v := range payload {
		fields[k] = v
	}
	return up, fields, nil
}

// readPart reads a part of at most limit bytes.
func readPart(r io.Reader, limit int64) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, bodyError(err)
	}
	if int64(len(raw)) > limit {
		return nil, ErrBodyTooLarge.Detail("a form field is over %d bytes", limit)
	}
	return raw, nil
}

// readPayload decodes the _payload part: one JSON object, numbers exact.
func readPayload(r io.Reader, limit int64) (map[string]any, error) {
	raw, err := readPart(r, limit)
	if err != nil {
		return nil, err
	}
	var payload map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&payload); err != nil || dec.More() {
		return nil, ErrInvalidPayload
	}
	return payload, nil
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

// Receive answers a multipart upload request whole, for the REST API and
// the admin alike: the access check before the body is read, the streamed
// file and fields (ReadMultipart), then the document (CreateOrReplace:
// the file work, then one write through content). id 0 creates a
// document, another id gets a new file or, without one, new field values.
func (s *Service) Receive(w http.ResponseWriter, r *http.Request, actor *content.Actor, id int64, opts content.WriteOptions, maxJSONBytes int64) (content.WriteResult, error) {
	if (id == 0 && !s.CanCreate(actor)) || (id != 0 && !s.CanUpdate(actor)) {
		return content.WriteResult{}, content.ErrForbidden
	}
	up, in, err := s.ReadMultipart(w, r, actor, maxJSONBytes)
	if err != nil {
		return content.WriteResult{}, err
	}
	return s.CreateOrReplace(r.Context(), actor, id, up, in, opts)
}

// CreateOrReplace is the upload of a multipart request: a new document
// (id 0) or a new file for document id. Without a file, an existing
// document's fields are updated and a create is ErrNoFile.
func (s *Service) CreateOrReplace(ctx context.Context, actor *content.Actor, id int64, up *Upload, in map[string]any, opts content.WriteOptions) (content.WriteResult, error) {
	switch {
	case up == nil && id == 0:
		return content.WriteResult{}, ErrNoFile
	case up == nil:
		return s.Update(ctx, actor, id, in, opts)
	case id == 0:
		return s.Create(ctx, actor, up, in, opts)
	}
	return s.Replace(ctx, actor, id, up, in, opts)
}
