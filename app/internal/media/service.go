package media

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"math"
	"mime"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/automatonic/chronos/app/internal/objectstore"
	"github.com/automatonic/chronos/app/internal/query"
)

// Timings of the service.
const (
	// PresignPutTTL is how long a direct-upload URL is valid.
	PresignPutTTL = 15 * time.Minute
	// PresignGetTTL is how long a presigned download redirect is valid.
	PresignGetTTL = 5 * time.Minute
	// PendingTTL is the age after which `cms media gc` treats an object
	// without an index row, or a direct upload's reservation without a
	// document, as abandoned: an upload writes its objects before the
	// transaction that indexes them, so younger ones may be in flight.
	// Keep it above the longest upload.
	PendingTTL = 24 * time.Hour
	// FileRoute is the path files are served under (relative URLs, as
	// Payload sends them).
	FileRoute = "/api/media/file/"
	// CacheControl is sent with every file. Names are unique while a file
	// exists, but a deleted file's name can be claimed again by a later
	// upload, so the cache lifetime is a day (with ETag revalidation)
	// rather than a year with immutable.
	CacheControl = "public, max-age=86400"
)

// Errors of the upload flow, with their kinds and client messages.
var (
	// ErrNoFile is Payload's message for a create without a file.
	ErrNoFile = fault.New(fault.Invalid, "No files were uploaded.")
	// ErrEmptyFile reports a file of zero bytes.
	ErrEmptyFile = fault.New(fault.Invalid, "The uploaded file is empty.")
	// ErrTooLarge reports a file over the configured limit; nothing was kept.
	ErrTooLarge = fault.New(fault.TooLarge, "The file is too large.")
	// ErrNameConflict reports a generated size whose name another file
	// holds in the object store.
	ErrNameConflict = fault.New(fault.Conflict, "Generated file name already taken; please retry the upload.")
	// ErrBadToken reports a direct-upload token that is malformed, forged,
	// expired or already used.
	ErrBadToken = fault.New(fault.Invalid, "Invalid or expired upload token.")
	// ErrNotUploaded reports a direct-upload finalise before the object was
	// PUT to the store.
	ErrNotUploaded = fault.New(fault.Invalid, "The file has not been uploaded to the store yet.")
	// ErrInterrupted reports an upload whose request body failed (the
	// client went away or sent a truncated or malformed body); nothing was
	// kept.
	ErrInterrupted = fault.New(fault.Invalid, "Invalid multipart body.")
	// ErrBodyTooLarge reports a request body over its limit.
	ErrBodyTooLarge = fault.New(fault.TooLarge, "The request body is too large.")
	// ErrPresignUnsupported reports a store that cannot presign (local
	// disk): browsers upload through the CMS instead.
	ErrPresignUnsupported = fault.New(fault.Unsupported, "Direct uploads need an S3 object store; upload through POST /api/media instead.")
	// ErrFileNotFound is Files' sentinel for a missing row.
	ErrFileNotFound = fault.New(fault.NotFound, "Not Found")
)

// Config configures a Service.
type Config struct {
	Content   *content.Service
	Blobs     objectstore.Store
	Files     Files
	Policy    Policy
	Processor *Processor // nil: no image processing
	// MaxBytes is the largest accepted file.
	MaxBytes int64
	// Delivery is contract.DeliverProxy (default), contract.DeliverPublic or contract.DeliverPresign.
	Delivery string
	// PublicBase is the URL files are under in contract.DeliverPublic mode, with
	// the store prefix: "https://cdn.example.com/media/".
	PublicBase string
	// Secret signs direct-upload tokens.
	Secret []byte
	Logger *slog.Logger
	Now    func() time.Time
}

// Service is the media domain: uploads into the object store with their
// name registry, image sizes, read-time URLs, file delivery, deletes and
// garbage collection. Document rows go through content.Service, so access
// rules and validation stay there: the file work is done first and content
// gets it finished (content.Attachment), so an upload goes down through
// media, content and the store once and never comes back into media.
//
// Consistency: a name is unique because the object store creates it only
// where no object exists (objectstore.Store.Create, retrying "-1", "-2",
// …), so an upload needs no database until its one write: content inserts
// the index rows (Files) in the transaction that writes the document, and
// releases a replaced file's rows there. A name stays taken while its
// object exists, indexed or not, so a deleted document's names come free
// only once its objects are gone (rows are released before objects are
// deleted, never after). Any failure deletes the objects written. What a
// crash or an unreachable store can leave (objects without rows, direct
// upload reservations, multipart debris) is what GC collects, once older
// than PendingTTL, so an upload in flight is never taken for debris.
//
// The sizes field holds every configured size ("thumbnail", "card",
// "hero") in the original format and its WebP variant under
// "<name>-webp", each {url, width, height, mimeType, filesize, filename};
// sizes not generated (upscales, non-images) are objects of nulls, as
// Payload sends them. url, thumbnailURL and sizes.*.url are rendered on
// read by content from the filenames and the delivery mode's prefix
// (Behavior's Files), without a call into media.
type Service struct {
	cfg Config
	log *slog.Logger
	now func() time.Time
}

// NewService returns a Service.
func NewService(cfg Config) (*Service, error) {
	if cfg.Content == nil || cfg.Blobs == nil || cfg.Files == nil {
		return nil, errors.New("media: service needs content, blobs and files")
	}
	if cfg.MaxBytes <= 0 {
		return nil, errors.New("media: MaxBytes must be positive")
	}
	switch cfg.Delivery {
	case "":
		cfg.Delivery = contract.DeliverProxy
	case contract.DeliverProxy, contract.DeliverPresign:
	case contract.DeliverPublic:
		if cfg.PublicBase == "" {
			return nil, errors.New("media: public delivery needs a public base URL")
		}
		if !strings.HasSuffix(cfg.PublicBase, "/") {
			cfg.PublicBase += "/"
		}
	default:
		return nil, fmt.Errorf("media: unknown delivery %q", cfg.Delivery)
	}
	if len(cfg.Secret) == 0 {
		return nil, errors.New("media: a secret is needed to sign upload tokens")
	}
	if cfg.Policy.allowed == nil {
		cfg.Policy, _ = NewPolicy(nil)
	}
	s := &Service{cfg: cfg, log: cfg.Logger, now: cfg.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s, nil
}

// slug names the upload collection of the content registry.
func (s *Service) slug() string {
	if c, ok := s.cfg.Content.Registry().UploadCollection(); ok {
		return c.Slug
	}
	return ""
}

// MaxBytes returns the upload size limit.
func (s *Service) MaxBytes() int64 { return s.cfg.MaxBytes }

// CanCreate reports whether actor may upload (checked before reading a
// request body).
func (s *Service) CanCreate(actor *content.Actor) bool {
	c, ok := s.cfg.Content.Registry().UploadCollection()
	return ok && c.Access.Create(actor).Allow
}

// CanUpdate reports whether actor may replace files at all.
func (s *Service) CanUpdate(actor *content.Actor) bool {
	c, ok := s.cfg.Content.Registry().UploadCollection()
	return ok && c.Access.Update(actor).Allow
}

// Upload is a file stored in the object store whose document does not
// exist yet. Create or Replace turns it into a document; Discard removes it.
type Upload struct {
	Filename    string // stored name
	ContentType string // sniffed
	Size        int64
	reserved    []string                // a direct upload's reservation rows in Files
	written     []string                // objects put to the store, the original first
	files       map[string]content.File // final metadata by name
}

// Preset is the attachment of a document whose read-only values are given
// instead of computed from a staged file: for seeding documents whose
// objects are elsewhere or absent (tests, benchmarks). Neither the REST
// API nor the admin builds one; both stage the file (Stage,
// ReadMultipart).
func Preset(fields map[string]any) *content.Attachment {
	return &content.Attachment{Fields: fields}
}

func (u *Upload) fileList() []content.File {
	out := make([]content.File, 0, len(u.files))
	for _, n := range u.written {
		if f, ok := u.files[n]; ok {
			out = append(out, f)
		}
	}
	return out
}

// limitReader fails the read that goes past max.
type limitReader struct {
	r        io.Reader
	left     int64
	n        int64
	exceeded bool
	err      error // a read error of r other than EOF (client went away)
}

var errOverLimit = errors.New("media: over the size limit")

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// Probe one byte: exactly max bytes is fine, one more is not.
		var b [1]byte
		n, err := l.r.Read(b[:])
		if n > 0 {
			l.exceeded = true
			return 0, errOverLimit
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	l.left -= int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		l.err = err
	}
	return n, err
}

// Disposition is the Content-Disposition a file is served with: inline for
// raster images and video, attachment for everything else (PDF, text), so
// a document never renders in the CMS's origin.
func Disposition(contentType, name string) string {
	kind := "attachment"
	if Processable(contentType) || contentType == TypeAVIF || contentType == TypeMP4 || contentType == TypeWebM {
		kind = "inline"
	}
	if v := mime.FormatMediaType(kind, map[string]string{"filename": name}); v != "" {
		return v
	}
	return kind
}

func (s *Service) meta(contentType, name string) objectstore.PutOptions {
	return objectstore.PutOptions{ContentType: contentType, CacheControl: CacheControl, ContentDisposition: Disposition(contentType, name)}
}

// metaFor gives the headers of a contentType file under whichever name the
// store's Create takes.
func (s *Service) metaFor(contentType string) func(name string) objectstore.PutOptions {
	return func(name string) objectstore.PutOptions { return s.meta(contentType, name) }
}

// one is a single name for Create: a generated size either gets its name or
// conflicts.
func one(name string) iter.Seq[string] {
	return func(yield func(string) bool) { yield(name) }
}

// Stage streams a client's file into the store: it sniffs the first bytes
// against the policy, sanitises the name and creates the object under the
// first free one of name, name-1, … (the store's conditional create: no
// registry, no database), with the size limit. Nothing is kept when it
// fails. The caller must pass the Upload to Create, Replace or Discard.
func (s *Service) Stage(ctx context.Context, actor *content.Actor, clientName string, r io.Reader) (*Upload, error) {
	if !s.CanCreate(actor) && !s.CanUpdate(actor) {
		return nil, content.ErrForbidden
	}
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, bodyError(err)
	}
	head = head[:n]
	if n == 0 {
		return nil, ErrEmptyFile
	}
	ct, ext, err := s.cfg.Policy.Check(head, clientName)
	if err != nil {
		return nil, err
	}
	base := SanitizeFilename(clientName, ext)
	lr := &limitReader{r: io.MultiReader(bytes.NewReader(head), r), left: s.cfg.MaxBytes}
	name, err := s.cfg.Blobs.Create(ctx, Candidates(base), lr, -1, s.metaFor(ct))
	if err != nil {
		// A failed Create stores nothing (an object committed just before
		// the error surfaced is an orphan for gc).
		switch {
		case lr.exceeded:
			return nil, ErrTooLarge.Detail("over %d bytes", s.cfg.MaxBytes)
		case lr.err != nil:
			// The request body failed, not the store.
			return nil, bodyError(lr.err)
		case errors.Is(err, objectstore.ErrExists):
			return nil, ErrNoUniqueName.Wrap(err)
		}
		return nil, fmt.Errorf("media: store %s: %w", base, err)
	}
	up := &Upload{Filename: name, ContentType: ct, written: []string{name}, files: map[string]content.File{}}
	up.Size = lr.n
	up.files[name] = content.File{Filename: name, ContentType: ct, Filesize: lr.n}
	return up, nil
}

// Discard removes every object written for up (and a direct upload's
// reservation row). It runs on a context detached from the request's
// cancellation, because a client that went away is a common reason to
// discard.
func (s *Service) Discard(ctx context.Context, up *Upload) {
	if up == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if len(up.written) > 0 {
		if err := s.cfg.Blobs.Delete(ctx, up.written...); err != nil {
			// gc finds objects without a row.
			s.log.Warn("media: discard objects", "files", up.written, "err", err)
		}
	}
	if len(up.reserved) > 0 {
		if err := s.cfg.Files.Release(ctx, up.reserved...); err != nil {
			s.log.Warn("media: release names", "files", up.reserved, "err", err)
		}
	}
	up.written, up.reserved = nil, nil
}

// number reads a JSON number field of a request.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

func jnum[T int | int64](v T) json.Number { return json.Number(strconv.FormatInt(int64(v), 10)) }

func nullSize() map[string]any {
	return map[string]any{"width": nil, "height": nil, "mimeType": nil, "filesize": nil, "filename": nil}
}

// sizeKeys lists the keys of the sizes object: every configured size and
// its WebP variant "<name>-webp".
func (s *Service) sizeKeys() []string {
	if s.cfg.Processor == nil {
		return []string{ThumbnailSize, "card"}
	}
	return SizeKeys(s.cfg.Processor.Sizes())
}

// process generates the image sizes of up (streaming the stored original
// back from the store) and returns the read-only fields of the document.
// The focal point is input's, else the centre: a replaced file is a new
// picture, the old one's point means nothing for it.
func (s *Service) process(ctx context.Context, up *Upload, input map[string]any) (map[string]any, error) {
	sizes := map[string]any{}
	for _, k := range s.sizeKeys() {
		sizes[k] = nullSize()
	}
	system := map[string]any{
		"filename": up.Filename, "mimeType": up.ContentType, "filesize": jnum(up.Size),
		"width": nil, "height": nil, "sizes": sizes, "url": nil, "thumbnailURL": nil,
	}
	if s.cfg.Processor == nil || !Processable(up.ContentType) {
		system["focalX"], system["focalY"] = nil, nil
		return system, nil
	}
	focal := func(k string) *float64 {
		if f, ok := number(input[k]); ok {
			return &f
		}
		return nil
	}
	in := Input{Filename: up.Filename, ContentType: up.ContentType, FocalX: focal("focalX"), FocalY: focal("focalY")}
	obj, err := s.cfg.Blobs.Get(ctx, up.Filename, nil)
	if err != nil {
		return nil, fmt.Errorf("media: read back %s: %w", up.Filename, err)
	}
	defer obj.Body.Close()
	res, err := s.cfg.Processor.Process(ctx, obj.Body, in, func(ctx context.Context, out Output, body io.Reader) error {
		return s.sink(ctx, up, out, body)
	})
	if err != nil {
		return nil, err
	}
	system["width"], system["height"] = jnum(res.Info.Width), jnum(res.Info.Height)
	system["filesize"] = jnum(up.Size)
	if in.FocalX == nil {
		system["focalX"] = json.Number("50")
	}
	if in.FocalY == nil {
		system["focalY"] = json.Number("50")
	}
	for _, o := range res.Sizes {
		k := o.Size
		if o.WebP {
			k += "-webp"
		}
		sizes[k] = map[string]any{"width": jnum(o.Width), "height": jnum(o.Height), "mimeType": o.ContentType,
			"filesize": jnum(o.Filesize), "filename": o.Filename}
	}
	return system, nil
}

// sink stores one output of the processor: the metadata-stripped original
// over the upload (its own object), or a size under its generated name,
// which the store creates only if no object holds it.
func (s *Service) sink(ctx context.Context, up *Upload, out Output, body io.Reader) error {
	if out.Size == "" {
		if err := s.cfg.Blobs.Put(ctx, up.Filename, body, out.Filesize, s.meta(out.ContentType, up.Filename)); err != nil {
			return fmt.Errorf("media: store stripped original: %w", err)
		}
		up.Size = out.Filesize
		f := up.files[up.Filename]
		f.Filesize = out.Filesize
		up.files[up.Filename] = f
		return nil
	}
	err := s.storeSize(ctx, up, out, one(out.Filename), body)
	if errors.Is(err, objectstore.ErrExists) {
		return ErrNameConflict.Say("Generated file name " + out.Filename + " already taken; please retry the upload.")
	}
	return err
}

// storeSize creates one image size under the first free of names and
// records it on up (for rollback and for the document's sizes).
func (s *Service) storeSize(ctx context.Context, up *Upload, out Output, names iter.Seq[string], body io.Reader) error {
	name, err := s.cfg.Blobs.Create(ctx, names, body, out.Filesize, s.metaFor(out.ContentType))
	if err != nil {
		return fmt.Errorf("media: store %s: %w", out.Filename, err)
	}
	up.written = append(up.written, name)
	size := out.Size
	if out.WebP {
		size += "-webp"
	}
	up.files[name] = content.File{Filename: name, SizeName: size, ContentType: out.ContentType, Filesize: out.Filesize}
	return nil
}

func docID(d content.Doc) int64 {
	switch v := d["id"].(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	case json.Number:
		n, _ := v.Int64()
		return n
	}
	return 0
}

// attach finishes the file work of a staged upload before its write: the
// image sizes are generated now, and the attachment content stores with
// the document describes them and every object the document will own.
func (s *Service) attach(ctx context.Context, up *Upload, input map[string]any) (*content.Attachment, error) {
	fields, err := s.process(ctx, up, input)
	if err != nil {
		return nil, err
	}
	return &content.Attachment{Fields: fields, Files: up.fileList()}, nil
}

// Create makes the media document of a staged upload: it finishes the
// file work (image sizes), then has content create the row (validation
// there) with the object index in the same transaction. On any failure
// every object and name of the upload is removed.
func (s *Service) Create(ctx context.Context, actor *content.Actor, up *Upload, input map[string]any, opts content.WriteOptions) (res content.WriteResult, err error) {
	defer func() {
		if err != nil {
			s.Discard(ctx, up)
		}
	}()
	if !s.CanCreate(actor) {
		return content.WriteResult{}, content.ErrForbidden
	}
	if opts.Attachment, err = s.attach(ctx, up, input); err != nil {
		return content.WriteResult{}, err
	}
	return s.cfg.Content.Create(ctx, actor, s.slug(), input, opts)
}

// Replace swaps the file of document id for a staged upload: the file
// work first, then one update through content, which attaches the new
// objects and releases the old ones' rows in its transaction; the old
// objects are deleted after it. The read-only fields are recomputed (a
// non-image clears width, height and sizes, unlike Payload).
func (s *Service) Replace(ctx context.Context, actor *content.Actor, id int64, up *Upload, input map[string]any, opts content.WriteOptions) (res content.WriteResult, err error) {
	defer func() {
		if err != nil {
			s.Discard(ctx, up)
		}
	}()
	if !s.CanUpdate(actor) {
		return content.WriteResult{}, content.ErrForbidden
	}
	if opts.Attachment, err = s.attach(ctx, up, input); err != nil {
		return content.WriteResult{}, err
	}
	if res, err = s.cfg.Content.Update(ctx, actor, s.slug(), id, input, opts); err != nil {
		return content.WriteResult{}, err
	}
	s.deleteObjects(ctx, res.Released)
	return res, nil
}

// deleteObjects deletes objects whose index rows are gone already (a
// write released them); when the store is down gc deletes them later.
func (s *Service) deleteObjects(ctx context.Context, names []string) {
	if len(names) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := s.cfg.Blobs.Delete(ctx, names...); err != nil {
		s.log.Warn("media: delete objects", "files", names, "err", err)
	}
}

// docFiles lists the stored names of a document: its filename, its sizes'
// filenames and whatever the index attaches to it.
func (s *Service) docFiles(ctx context.Context, id int64, d content.Doc) []string {
	seen := map[string]bool{}
	var out []string
	add := func(v any) {
		if n, ok := v.(string); ok && n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	add(d["filename"])
	if sizes, ok := d["sizes"].(map[string]any); ok {
		for _, v := range sizes {
			if m, ok := v.(map[string]any); ok {
				add(m["filename"])
			}
		}
	}
	if id > 0 {
		files, err := s.cfg.Files.ByMedia(ctx, id)
		if err != nil {
			s.log.Warn("media: list files", "id", id, "err", err)
		}
		for _, f := range files {
			add(f.Filename)
		}
	}
	return out
}

// remove releases the rows of names, then deletes their objects: in that
// order, because an object keeps its name taken (the store creates no
// name that exists), while a row left without its object would refuse a
// later upload that takes the freed name. When the store is down the
// objects stay, without rows, for gc.
func (s *Service) remove(ctx context.Context, names []string) {
	if len(names) == 0 {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := s.cfg.Files.Release(rctx, names...); err != nil {
		s.log.Warn("media: release names", "files", names, "err", err)
	}
	s.deleteObjects(ctx, names)
}

// Behavior is the upload kind's part of content's read and delete path,
// registered on the upload collection (content.Service.Use): how its
// files are addressed, as data content renders URLs from on every read,
// and what a delete must remove. Writes need none: Create, Replace and
// Update hand content a finished Attachment.
func (s *Service) Behavior() content.Behavior {
	return content.Behavior{Files: s.files(), AfterDelete: s.afterDelete}
}

// afterDelete removes every object and index row of a deleted media
// document.
func (s *Service) afterDelete(ctx context.Context, d content.Doc) error {
	s.remove(ctx, s.docFiles(ctx, docID(d), d))
	return nil
}

// files is where the delivery mode puts the stored files: the public base
// URL, or the CMS's file route (proxy and presign, whose redirect is
// decided per request).
func (s *Service) files() *content.FileURLs {
	prefix := FileRoute
	if s.cfg.Delivery == contract.DeliverPublic {
		prefix = s.cfg.PublicBase
	}
	return &content.FileURLs{Prefix: prefix, Thumbnail: ThumbnailSize}
}

// URL returns the URL of a stored file in the configured delivery mode.
func (s *Service) URL(name string) string { return s.files().URL(name) }

// Served is a file ready to send: a stream, or a redirect in presign mode.
type Served struct {
	File     File
	Blob     *objectstore.Object
	Redirect string
}

// Open finds a file by name for GET /api/media/file/<name>: the index
// lookup, read access to its document through content, then the stream
// (with rng) or a presigned redirect. Unknown names, pending uploads and
// hidden documents are content.ErrNotFound.
func (s *Service) Open(ctx context.Context, actor *content.Actor, name string, rng *objectstore.Range) (Served, error) {
	f, err := s.cfg.Files.Get(ctx, name)
	if errors.Is(err, ErrFileNotFound) || (err == nil && f.MediaID == 0) {
		return Served{}, content.ErrNotFound
	}
	if err != nil {
		return Served{}, err
	}
	if _, err := s.cfg.Content.FindByID(ctx, actor, s.slug(), f.MediaID, content.ReadOptions{}); err != nil {
		return Served{}, err
	}
	if s.cfg.Delivery == contract.DeliverPresign {
		u, err := s.cfg.Blobs.PresignGet(ctx, name, PresignGetTTL)
		if err != nil {
			return Served{}, err
		}
		return Served{File: f, Redirect: u}, nil
	}
	b, err := s.cfg.Blobs.Get(ctx, name, rng)
	if errors.Is(err, objectstore.ErrNotFound) {
		s.log.Warn("media: indexed file missing from the store", "file", name, "media", f.MediaID)
		return Served{}, content.ErrNotFound
	}
	if err != nil {
		return Served{}, err
	}
	return Served{File: f, Blob: b}, nil
}

// DirectUpload is the answer to a presign request: the browser PUTs the
// file to URL with Headers, then creates the document with Token.
type DirectUpload struct {
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Headers   map[string]string `json:"headers"`
	Key       string            `json:"key"`
	Token     string            `json:"token"`
	ExpiresAt time.Time         `json:"expiresAt"`
}

// PresignUpload reserves a name and returns a presigned PUT for a browser
// upload of size bytes of mimeType. The declared type and size are signed
// into the URL, and Finalize checks the stored object again anyway.
func (s *Service) PresignUpload(ctx context.Context, actor *content.Actor, filename, mimeType string, size int64) (DirectUpload, error) {
	if !s.CanCreate(actor) {
		return DirectUpload{}, content.ErrForbidden
	}
	if size <= 0 {
		return DirectUpload{}, ErrEmptyFile
	}
	if size > s.cfg.MaxBytes {
		return DirectUpload{}, ErrTooLarge.Detail("%d bytes, limit %d", size, s.cfg.MaxBytes)
	}
	ct, _, err := mime.ParseMediaType(mimeType)
	if err != nil || !s.cfg.Policy.Allows(ct) {
		return DirectUpload{}, ErrTypeNotAllowed.Detail("%q", mimeType)
	}
	if want, known := extTypes[strings.ToLower(path.Ext(filename))]; known && want != ct {
		return DirectUpload{}, ErrTypeMismatch.Detail("%q declared as %s", path.Ext(filename), ct)
	}
	name, err := s.reserve(ctx, SanitizeFilename(filename, ExtensionFor(ct, filename)))
	if err != nil {
		return DirectUpload{}, err
	}
	u, headers, err := s.cfg.Blobs.PresignPut(ctx, name, ct, size, PresignPutTTL)
	if err != nil {
		s.Discard(ctx, &Upload{reserved: []string{name}, written: []string{name}})
		if errors.Is(err, objectstore.ErrUnsupported) {
			return DirectUpload{}, ErrPresignUnsupported.Wrap(err)
		}
		return DirectUpload{}, err
	}
	exp := s.now().Add(PresignPutTTL).UTC().Truncate(time.Second)
	return DirectUpload{URL: u, Method: "PUT", Headers: headers, Key: name, Token: s.sign(name, exp), ExpiresAt: exp}, nil
}

// reservedType is the content type of a direct upload's placeholder
// object, until the browser's PUT (which signs its own type) replaces it.
const reservedType = "application/x-chronos-reserved"

// reserve takes a name for a direct upload, whose object the browser
// writes later: an empty placeholder object holds the name in the store
// against every other upload (they create only names no object holds),
// and a Files row holds the reservation for Finalize (its one-use lock)
// and for gc. A name whose row outlived its object is skipped.
func (s *Service) reserve(ctx context.Context, base string) (string, error) {
	placeholder := func(string) objectstore.PutOptions { return objectstore.PutOptions{ContentType: reservedType} }
	for c := range Candidates(base) {
		name, err := s.cfg.Blobs.Create(ctx, one(c), bytes.NewReader(nil), 0, placeholder)
		if errors.Is(err, objectstore.ErrExists) {
			continue
		}
		if err != nil {
			return "", err
		}
		ok, err := s.cfg.Files.Claim(ctx, File{Filename: name, CreatedAt: s.now().UTC()})
		if err == nil && ok {
			return name, nil
		}
		s.deleteObjects(ctx, []string{name})
		if err != nil {
			return "", err
		}
	}
	return "", ErrNoUniqueName.Detail("%q", base)
}

const tokenPurpose = "chronos-media-upload\x00"

// finalizing marks a reservation whose direct upload is being finalised.
const finalizing = "application/x-chronos-finalizing"

func (s *Service) mac(name string, exp int64) []byte {
	m := hmac.New(sha256.New, s.cfg.Secret)
	m.Write([]byte(tokenPurpose + name + "\x00" + strconv.FormatInt(exp, 10)))
	return m.Sum(nil)
}

func (s *Service) sign(name string, exp time.Time) string {
	e := base64.RawURLEncoding
	return e.EncodeToString([]byte(name)) + "." + strconv.FormatInt(exp.Unix(), 10) + "." + e.EncodeToString(s.mac(name, exp.Unix()))
}

// verify returns the name a token reserves. A token stays usable for one
// more PresignPutTTL after its URL expired, for a PUT that started late.
func (s *Service) verify(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", ErrBadToken
	}
	e := base64.RawURLEncoding
	name, err1 := e.DecodeString(parts[0])
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	sig, err3 := e.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || !hmac.Equal(sig, s.mac(string(name), exp)) {
		return "", ErrBadToken
	}
	if s.now().After(time.Unix(exp, 0).Add(PresignPutTTL)) {
		return "", ErrBadToken
	}
	return string(name), nil
}

// Finalize creates the document of a direct upload: it checks the token
// and the reservation, HEADs the stored object (size against the limit,
// never the client's word), sniffs its first bytes, then continues as
// Create. A rejected object is deleted with its name.
func (s *Service) Finalize(ctx context.Context, actor *content.Actor, token string, input map[string]any, opts content.WriteOptions) (content.WriteResult, error) {
	if !s.CanCreate(actor) {
		return content.WriteResult{}, content.ErrForbidden
	}
	name, err := s.verify(token)
	if err != nil {
		return content.WriteResult{}, err
	}
	// Take the reservation: a second finalise with the same token (a
	// double click, a retry racing the first) must not build a second
	// document on the same objects.
	took, err := s.cfg.Files.Mark(ctx, name, "", finalizing)
	if err != nil {
		return content.WriteResult{}, err
	}
	if !took {
		return content.WriteResult{}, ErrBadToken
	}
	info, err := s.cfg.Blobs.Head(ctx, name)
	if err == nil && info.ContentType == reservedType {
		err = objectstore.ErrNotFound // the placeholder: the PUT has not happened
	}
	if err != nil {
		// Not uploaded yet, or the store is down: give the reservation
		// back so the client can finalise again.
		if _, uerr := s.cfg.Files.Mark(context.WithoutCancel(ctx), name, finalizing, ""); uerr != nil {
			s.log.Warn("media: release finalise lock", "file", name, "err", uerr)
		}
		if errors.Is(err, objectstore.ErrNotFound) {
			return content.WriteResult{}, ErrNotUploaded
		}
		return content.WriteResult{}, err
	}
	up := &Upload{Filename: name, Size: info.Size, reserved: []string{name}, written: []string{name}, files: map[string]content.File{}}
	if info.Size > s.cfg.MaxBytes {
		s.Discard(ctx, up)
		return content.WriteResult{}, ErrTooLarge.Detail("stored object has %d bytes, limit %d", info.Size, s.cfg.MaxBytes)
	}
	if info.Size == 0 {
		s.Discard(ctx, up)
		return content.WriteResult{}, ErrEmptyFile
	}
	b, err := s.cfg.Blobs.Get(ctx, name, &objectstore.Range{Start: 0, End: SniffLen - 1})
	if err != nil {
		return content.WriteResult{}, err
	}
	head, err := io.ReadAll(io.LimitReader(b.Body, SniffLen))
	b.Body.Close()
	if err != nil {
		return content.WriteResult{}, fmt.Errorf("media: read %s: %w", name, err)
	}
	ct, _, err := s.cfg.Policy.Check(head, name)
	if err != nil {
		s.Discard(ctx, up)
		return content.WriteResult{}, err
	}
	up.ContentType = ct
	up.files[name] = content.File{Filename: name, ContentType: ct, Filesize: info.Size}
	return s.Create(ctx, actor, up, input, opts)
}

// Update changes a media document's fields without a new file. When the
// focal point moves, the cropped sizes are cut again around the new point
// from the stored original, under new names (so no cache keeps an old
// crop), and the old size files are removed once the document names the
// new ones; the original is not touched. Other changes are a plain update.
func (s *Service) Update(ctx context.Context, actor *content.Actor, id int64, input map[string]any, opts content.WriteOptions) (res content.WriteResult, err error) {
	_, hasX := input["focalX"]
	_, hasY := input["focalY"]
	if s.cfg.Processor == nil || (!hasX && !hasY) {
		return s.cfg.Content.Update(ctx, actor, s.slug(), id, input, opts)
	}
	old, err := s.cfg.Content.FindByID(ctx, actor, s.slug(), id, content.ReadOptions{})
	if err != nil {
		return content.WriteResult{}, err
	}
	name, _ := old["filename"].(string)
	ct, _ := old["mimeType"].(string)
	fx, fy := focalValue(input, old, "focalX"), focalValue(input, old, "focalY")
	ox, oy := focalValue(nil, old, "focalX"), focalValue(nil, old, "focalY")
	if name == "" || !Processable(ct) || math.IsNaN(fx) || math.IsNaN(fy) || (fx == ox && fy == oy) {
		// Nothing to recut, or not a number (content refuses it with
		// its own message). Points outside 0–100 cut at the edge.
		return s.cfg.Content.Update(ctx, actor, s.slug(), id, input, opts)
	}
	up := &Upload{Filename: name, ContentType: ct, files: map[string]content.File{}}
	defer func() {
		if err != nil {
			s.Discard(ctx, up)
		}
	}()
	sizes, err := s.recut(ctx, up, fx, fy)
	if err != nil {
		return content.WriteResult{}, err
	}
	size, _ := number(old["filesize"])
	files := append([]content.File{{Filename: name, ContentType: ct, Filesize: int64(size)}}, up.fileList()...)
	opts.Attachment = &content.Attachment{Fields: map[string]any{"sizes": sizes}, Files: files}
	if res, err = s.cfg.Content.Update(ctx, actor, s.slug(), id, input, opts); err != nil {
		return content.WriteResult{}, err
	}
	s.deleteObjects(ctx, res.Released)
	return res, nil
}

// UpdateMany updates every media document matching w (PATCH
// /api/media?where=…) through Update, so that a new focal point recuts the
// sizes of each as a single PATCH does.
func (s *Service) UpdateMany(ctx context.Context, actor *content.Actor, w query.Where, input map[string]any, opts content.WriteOptions) (content.BulkResult, error) {
	return s.cfg.Content.UpdateEach(ctx, actor, s.slug(), w, func(ctx context.Context, id int64) (content.WriteResult, error) {
		return s.Update(ctx, actor, id, input, opts)
	})
}

// focalValue is the focal coordinate k of input, else of doc, else 50
// (the centre, as Process takes a missing point).
func focalValue(input, doc map[string]any, k string) float64 {
	for _, m := range []map[string]any{input, doc} {
		if v, ok := m[k]; ok && v != nil {
			if f, ok := number(v); ok {
				return f
			}
			return math.NaN()
		}
	}
	return 50
}

// recut generates the sizes of the stored original up.Filename around the
// focal point (fx, fy) under fresh names (focalSizeName) and returns the
// sizes object of the document.
func (s *Service) recut(ctx context.Context, up *Upload, fx, fy float64) (map[string]any, error) {
	obj, err := s.cfg.Blobs.Get(ctx, up.Filename, nil)
	if err != nil {
		return nil, fmt.Errorf("media: read back %s: %w", up.Filename, err)
	}
	defer obj.Body.Close()
	in := Input{Filename: up.Filename, ContentType: up.ContentType, FocalX: &fx, FocalY: &fy}
	res, err := s.cfg.Processor.Process(ctx, obj.Body, in, func(ctx context.Context, out Output, body io.Reader) error {
		if out.Size == "" {
			return nil // the stored original stays as it is
		}
		err := s.storeSize(ctx, up, out, focalSizeNames(out.Filename, fx, fy), body)
		if errors.Is(err, objectstore.ErrExists) {
			return ErrNameConflict.Say("Generated file name " + focalSizeName(out.Filename, fx, fy, 0) + " already taken; please retry.")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	// res.Sizes carries the generated names, not the created ones: take
	// them from the files stored.
	sizes := map[string]any{}
	for _, k := range s.sizeKeys() {
		sizes[k] = nullSize()
	}
	for _, n := range up.written {
		f := up.files[n]
		for _, o := range res.Sizes {
			k := o.Size
			if o.WebP {
				k += "-webp"
			}
			if k == f.SizeName {
				sizes[k] = map[string]any{"width": jnum(o.Width), "height": jnum(o.Height), "mimeType": o.ContentType,
					"filesize": jnum(o.Filesize), "filename": n}
			}
		}
	}
	return sizes, nil
}

// focalSizeNames yields the names a size cut around (fx, fy) may take:
// focalSizeName for n = 0 … 20.
func focalSizeNames(generated string, fx, fy float64) iter.Seq[string] {
	return func(yield func(string) bool) {
		for n := 0; n <= 20; n++ {
			if !yield(focalSizeName(generated, fx, fy, n)) {
				return
			}
		}
	}
}

// focalSizeName names a size cut around a focal point: the generated name
// "photo-400x300.jpg" becomes "photo-400x300-f25-75.jpg" (the point in
// whole percent), and "photo-400x300-f25-75-2.jpg" for the first retry
// (n = 1) when that is taken.
func focalSizeName(generated string, fx, fy float64, n int) string {
	ext := path.Ext(generated)
	suffix := fmt.Sprintf("-f%d-%d", int(math.Round(fx)), int(math.Round(fy)))
	if n > 0 {
		suffix += "-" + strconv.Itoa(n+1)
	}
	return strings.TrimSuffix(generated, ext) + suffix + ext
}
