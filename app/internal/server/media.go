package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/objectstore"
)

// blobs adapts objectstore.Store to media.Blobs, translating the store's
// sentinels into the media domain's (ErrUnavailable becomes an error the
// HTTP layer answers with 503).
type blobs struct{ s objectstore.Store }

var _ media.Blobs = blobs{}

func blobErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, objectstore.ErrNotFound):
		return fmt.Errorf("%w: %w", media.ErrBlobNotFound, err)
	case errors.Is(err, objectstore.ErrInvalidRange):
		return fmt.Errorf("%w: %w", media.ErrInvalidRange, err)
	case errors.Is(err, objectstore.ErrUnsupported):
		return fmt.Errorf("%w: %w", media.ErrPresignUnsupported, err)
	case errors.Is(err, objectstore.ErrUnavailable):
		return fmt.Errorf("%w: %w", media.ErrUnavailable, err)
	}
	return err
}

func blobInfo(in objectstore.Info) media.BlobInfo {
	return media.BlobInfo{Key: in.Key, Size: in.Size, ContentType: in.ContentType, ETag: in.ETag, LastModified: in.LastModified}
}

func (b blobs) Put(ctx context.Context, key string, r io.Reader, size int64, m media.BlobMeta) error {
	return blobErr(b.s.Put(ctx, key, r, size, objectstore.PutOptions{ContentType: m.ContentType, CacheControl: m.CacheControl, ContentDisposition: m.ContentDisposition}))
}

func (b blobs) Get(ctx context.Context, key string, rng *media.Range) (*media.Blob, error) {
	var r *objectstore.Range
	if rng != nil {
		r = &objectstore.Range{Start: rng.Start, End: rng.End, Suffix: rng.Suffix}
	}
	o, err := b.s.Get(ctx, key, r)
	if err != nil {
		return nil, blobErr(err)
	}
	return &media.Blob{BlobInfo: blobInfo(o.Info), Body: o.Body, Length: o.Length, ContentRange: o.ContentRange}, nil
}

func (b blobs) Head(ctx context.Context, key string) (media.BlobInfo, error) {
	in, err := b.s.Head(ctx, key)
	return blobInfo(in), blobErr(err)
}

func (b blobs) Delete(ctx context.Context, keys ...string) error {
	return blobErr(b.s.Delete(ctx, keys...))
}

func (b blobs) List(ctx context.Context, fn func(media.BlobInfo) error) error {
	return blobErr(b.s.List(ctx, "", func(in objectstore.Info) error { return fn(blobInfo(in)) }))
}

func (b blobs) PresignPut(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (string, map[string]string, error) {
	u, h, err := b.s.PresignPut(ctx, key, contentType, size, ttl)
	return u, h, blobErr(err)
}

func (b blobs) PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error) {
	u, err := b.s.PresignGet(ctx, key, ttl)
	return u, blobErr(err)
}

func (b blobs) CleanIncomplete(ctx context.Context, olderThan time.Duration) (int, error) {
	j, ok := b.s.(objectstore.Janitor)
	if !ok {
		return 0, nil
	}
	n, err := j.CleanIncomplete(ctx, olderThan)
	return n, blobErr(err)
}

// openObjectStore selects the object store: S3 when a bucket is
// configured, else local disk under DataDir/uploads.
func openObjectStore(ctx context.Context, cfg *config.Config) (objectstore.Store, error) {
	if cfg.S3.Enabled() {
		return objectstore.NewS3(ctx, objectstore.S3Config{
			Bucket: cfg.S3.Bucket, Region: cfg.S3.Region, AccessKeyID: cfg.S3.AccessKeyID, SecretAccessKey: cfg.S3.SecretAccessKey,
			Endpoint: cfg.S3.Endpoint, ForcePathStyle: cfg.S3.ForcePathStyle, Prefix: cfg.S3.Prefix, PartSize: uploadPartSize,
		})
	}
	return objectstore.NewLocal(filepath.Join(cfg.DataDir, "uploads"))
}

// withMedia chains the media service's read and delete hooks after h's.
// The service is built after content (it needs it), hence the pointer.
func withMedia(h content.Hooks, svc **media.Service) content.Hooks {
	read, del := h.AfterRead, h.AfterDelete
	h.AfterRead = func(c *content.Collection, d content.Doc) {
		if read != nil {
			read(c, d)
		}
		if *svc != nil {
			(*svc).Decorate(c, d)
		}
	}
	h.AfterDelete = func(ctx context.Context, c *content.Collection, d content.Doc) error {
		var err error
		if del != nil {
			err = del(ctx, c, d)
		}
		if *svc != nil {
			err = errors.Join(err, (*svc).AfterDelete(ctx, c, d))
		}
		return err
	}
	return h
}

// buildMedia opens the object store and builds the media service.
func (a *App) buildMedia(ctx context.Context) error {
	cfg := a.cfg
	st, err := openObjectStore(ctx, cfg)
	if err != nil {
		return fmt.Errorf("object store: %w", err)
	}
	if c, ok := st.(io.Closer); ok {
		a.closers = append(a.closers, c.Close)
	}
	a.objects = st
	policy, err := media.NewPolicy(nil)
	if err != nil {
		return err
	}
	proc, err := media.NewProcessor(media.ImageConfig{Concurrency: cfg.ImageWorkers})
	if err != nil {
		return err
	}
	publicBase := ""
	if cfg.S3.PublicURL != "" {
		publicBase = cfg.S3.PublicURL + "/" + cfg.S3.Prefix
	}
	svc, err := media.NewService(media.Config{
		Content: a.content, Blobs: blobs{st}, Files: a.db.MediaFiles(), Policy: policy, Processor: proc,
		MaxBytes: cfg.UploadMaxBytes, Delivery: cfg.MediaDelivery, PublicBase: publicBase,
		Secret: []byte(cfg.Secret), Logger: a.log,
	})
	if err != nil {
		return err
	}
	a.media = svc
	a.checks["objectstore"] = st.Ping
	return nil
}

// Media returns the media service (for the CLI and tests).
func (a *App) Media() *media.Service { return a.media }

// Objects returns the object store (for the CLI and tests).
func (a *App) Objects() objectstore.Store { return a.objects }

// uploadPartSize is the multipart part size of media uploads: S3's 5 MiB
// minimum keeps the uploader's Concurrency+1 part buffers (the memory an
// upload of any size costs) at 15 MiB.
const uploadPartSize = 5 << 20
