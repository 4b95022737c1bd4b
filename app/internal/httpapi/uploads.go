package httpapi

import (
	"context"
	"net/http"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/objectstore"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/gin-gonic/gin"
)

// Uploads is the media service as the upload and file endpoints need it
// (implemented by *media.Service).
type Uploads interface {
	// MaxBytes is the largest accepted file.
	MaxBytes() int64
	// CanCreate is checked before a presign request's body is read.
	CanCreate(actor *content.Actor) bool
	// Receive answers a multipart upload request (access checked before
	// the body is read, the file streamed into the store, then one write
	// through content); CreateOrReplace is a fields-only update (the
	// media service recuts the sizes when the focal point moves).
	Receive(w http.ResponseWriter, r *http.Request, actor *content.Actor, id int64, opts content.WriteOptions, maxJSONBytes int64) (content.WriteResult, error)
	CreateOrReplace(ctx context.Context, actor *content.Actor, id int64, up *media.Upload, input map[string]any, opts content.WriteOptions) (content.WriteResult, error)
	// UpdateMany is the bulk PATCH: each document as a single PATCH
	// updates it (a new focal point recuts its sizes).
	UpdateMany(ctx context.Context, actor *content.Actor, w query.Where, input map[string]any, opts content.WriteOptions) (content.BulkResult, error)
	// Open finds a file for delivery (stream or presigned redirect).
	Open(ctx context.Context, actor *content.Actor, name string, rng *objectstore.Range) (media.Served, error)
	// PresignUpload and Finalize are the direct browser upload.
	PresignUpload(ctx context.Context, actor *content.Actor, filename, mimeType string, size int64) (media.DirectUpload, error)
	Finalize(ctx context.Context, actor *content.Actor, token string, input map[string]any, opts content.WriteOptions) (content.WriteResult, error)
}

var _ Uploads = (*media.Service)(nil)

// registerUploads mounts the media routes that differ from a plain
// collection's: create and update take files, files are served, and
// browsers can get a presigned PUT. GET/DELETE by id and the bulk routes
// stay the collection's (deletes remove objects through content's
// AfterDelete hook).
func (a *API) registerUploads(g *gin.RouterGroup) {
	base := "/" + a.uploadSlug()
	g.POST(base, a.handle(a.mediaCreate))
	g.PATCH(base+"/:id", a.handle(a.mediaUpdate))
	g.POST(base+"/presign", a.handle(a.mediaPresign))
	g.GET(base+"/file/:filename", a.mediaFile)
	g.HEAD(base+"/file/:filename", a.mediaFile)
}

// uploadSlug names the upload collection.
func (a *API) uploadSlug() string {
	if c, ok := a.content.Registry().UploadCollection(); ok {
		return c.Slug
	}
	return ""
}
