package server

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/objectstore"
	"github.com/automatonic/chronos/app/internal/objectstore/s3"
)

// openObjectStore selects the object store: S3 when a bucket is
// configured, else local disk under DataDir/uploads.
func openObjectStore(ctx context.Context, cfg *config.Config) (objectstore.Store, error) {
	if cfg.S3.Enabled() {
		return s3.New(ctx, s3.Config{
			Bucket: cfg.S3.Bucket, Region: cfg.S3.Region, AccessKeyID: cfg.S3.AccessKeyID, SecretAccessKey: cfg.S3.SecretAccessKey,
			Endpoint: cfg.S3.Endpoint, ForcePathStyle: cfg.S3.ForcePathStyle, Prefix: cfg.S3.Prefix, PartSize: uploadPartSize,
		})
	}
	return objectstore.NewLocal(filepath.Join(cfg.DataDir, "uploads"))
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
		Content: a.content, Blobs: st, Files: a.db.MediaFiles(), Policy: policy, Processor: proc,
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
// minimum keeps an upload's two part buffers (the memory an upload of any
// size costs, outside the Go heap) at 10 MiB.
const uploadPartSize = 5 << 20
