// Package s3 is the objectstore.Store on S3 or any S3-compatible server.
// It is the only package of the module that imports aws-sdk-go-v2, so the
// rest of the app sees objectstore's plain Go types and sentinels.
package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/automatonic/chronos/app/internal/objectstore"
)

// Multipart tuning. An upload holds at most Concurrency part buffers, the
// part being read from the body among them (partPool: outside the Go
// heap on Linux), so 8 MiB parts hold a streamed upload to 16 MiB whatever
// the body size; the CMS uses S3's 5 MiB minimum (10 MiB) for the 1 GiB
// upload goal of < 64 MiB RSS for the whole process.
const (
	DefaultPartSize    = 8 << 20
	DefaultConcurrency = 2
)

// Config configures the S3 store. Bucket is required; everything else has
// a default.
type Config struct {
	Bucket string
	Region string // default "us-east-1"
	// AccessKeyID and SecretAccessKey are static credentials; when both are
	// empty the default AWS chain is used (env, shared config, IMDS, ...).
	AccessKeyID     string
	SecretAccessKey string
	Endpoint        string // S3-compatible server base URL; "" for AWS
	ForcePathStyle  bool   // path-style addressing, needed by most S3-compatible servers
	Prefix          string // prepended to every key, e.g. "media/"
	PartSize        int64  // multipart part size; default DefaultPartSize (min 5 MiB)
	// Concurrency is how many part buffers one upload holds: as many parts
	// sent at once while the next waits, or one fewer while the next is
	// read from the body; default DefaultConcurrency.
	Concurrency int
	// HTTPClient replaces the default client (5 s dial timeout, 30 s to the
	// first response byte); tests use it to shorten timeouts.
	HTTPClient *http.Client
}

// Store stores objects in an S3 bucket.
type Store struct {
	client      *awss3.Client
	presign     *awss3.PresignClient
	parts       *partPool
	bucket      string
	prefix      string
	partSize    int64
	concurrency int
}

var _ objectstore.Store = (*Store)(nil)

// New builds the S3 store. It does not contact the server; call Ping for
// that.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, cfg.loadOptions()...)
	if err != nil {
		return nil, fmt.Errorf("objectstore: load AWS config: %w", err)
	}
	client := awss3.NewFromConfig(awsCfg, func(o *awss3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.ForcePathStyle
	})
	return &Store{
		client:      client,
		presign:     awss3.NewPresignClient(client),
		parts:       newPartPool(int(cfg.PartSize)),
		bucket:      cfg.Bucket,
		prefix:      cfg.Prefix,
		partSize:    cfg.PartSize,
		concurrency: cfg.Concurrency,
	}, nil
}

// check validates cfg and fills its defaults.
func (cfg *Config) check() error {
	if cfg.Bucket == "" {
		return errors.New("objectstore: S3 bucket is required")
	}
	if (cfg.AccessKeyID == "") != (cfg.SecretAccessKey == "") {
		return errors.New("objectstore: S3 access key id and secret access key must be set together")
	}
	if cfg.Prefix != "" {
		if err := objectstore.ValidatePrefix(cfg.Prefix); err != nil {
			return fmt.Errorf("objectstore: S3 prefix: %w", err)
		}
	}
	if cfg.PartSize == 0 {
		cfg.PartSize = DefaultPartSize
	}
	if cfg.PartSize < minPartSize {
		return fmt.Errorf("objectstore: S3 part size %d below the 5 MiB minimum", cfg.PartSize)
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	return nil
}

// loadOptions are the SDK's options for cfg: timeouts, retries, checksums
// and static credentials when given.
func (cfg *Config) loadOptions() []func(*config.LoadOptions) error {
	var httpClient config.HTTPClient = cfg.HTTPClient
	if cfg.HTTPClient == nil {
		httpClient = awshttp.NewBuildableClient().
			WithDialerOptions(func(d *net.Dialer) { d.Timeout = 5 * time.Second }).
			WithTransportOptions(func(t *http.Transport) { t.ResponseHeaderTimeout = 30 * time.Second })
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(objectstore.OrDefault(cfg.Region, "us-east-1")),
		config.WithHTTPClient(httpClient),
		// Recent SDKs add CRC checksums to every upload and validate them on
		// every download by default; many S3-compatible servers reject or
		// mangle those (aws-chunked trailers). Only send them when an
		// operation requires one.
		config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired),
		// Three attempts with at most 2 s between them: transient errors are
		// retried, but a dead server is reported within seconds, not minutes.
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 3
				o.MaxBackoff = 2 * time.Second
			})
		}),
	}
	if cfg.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, "")))
	}
	return opts
}

func (s *Store) fullKey(key string) string { return s.prefix + key }

// Put implements objectstore.Store. A body that ends within one part goes
// in one PutObject; a longer or unknown-size one is streamed as a
// multipart upload that is aborted on failure.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts objectstore.PutOptions) error {
	if err := objectstore.ValidateKey(key); err != nil {
		return err
	}
	b, err := s.readBody(ctx, r, size)
	if err != nil {
		return s.wrap("put", key, err)
	}
	defer b.parts.release()
	if err := s.upload(ctx, s.putInput(key, opts), b); err != nil {
		return s.wrap("put", key, err)
	}
	return nil
}

// putInput is the PutObject of key with opts' headers, without its body.
func (s *Store) putInput(key string, opts objectstore.PutOptions) *awss3.PutObjectInput {
	in := &awss3.PutObjectInput{
		Bucket:      aws.String(s.bucket),
		Key:         aws.String(s.fullKey(key)),
		ContentType: aws.String(objectstore.OrDefault(opts.ContentType, objectstore.DefaultContentType)),
	}
	if opts.CacheControl != "" {
		in.CacheControl = aws.String(opts.CacheControl)
	}
	if opts.ContentDisposition != "" {
		in.ContentDisposition = aws.String(opts.ContentDisposition)
	}
	return in
}

// Create implements objectstore.Store with conditional writes: each key
// is written with If-None-Match: *, which S3 checks atomically when it
// commits the object (PutObject, or CompleteMultipartUpload for a
// streamed body). A body that ends within one part is held in its part
// buffer and sent again under the next key when the key is taken; a
// longer one is streamed once, so losing a race for its key is ErrExists.
// A body over probeAbove is first looked for with HeadObject, so a taken
// key costs a round trip, not an upload; smaller ones (image sizes) skip
// the look, whose round trip costs more than sending them again.
func (s *Store) Create(ctx context.Context, keys iter.Seq[string], r io.Reader, size int64, opts func(key string) objectstore.PutOptions) (string, error) {
	b, err := s.readBody(ctx, r, size)
	if err != nil {
		return "", fmt.Errorf("objectstore: create: %w", err)
	}
	defer b.parts.release()
	for key := range keys {
		if err := objectstore.ValidateKey(key); err != nil {
			return "", err
		}
		if !b.whole || len(b.first) > probeAbove {
			if _, err := s.Head(ctx, key); err == nil {
				continue
			} else if !errors.Is(err, objectstore.ErrNotFound) {
				return "", err
			}
		}
		in := s.putInput(key, opts(key))
		in.IfNoneMatch = aws.String("*")
		err := s.upload(ctx, in, b)
		if err == nil {
			return key, nil
		}
		if err = s.wrap("create", key, err); !errors.Is(err, objectstore.ErrExists) || !b.whole {
			return "", err
		}
	}
	return "", fmt.Errorf("objectstore: create: %w", objectstore.ErrExists)
}

// probeAbove is the body size over which Create looks for a key before
// sending the body to it.
const probeAbove = 256 << 10

// Get implements objectstore.Store.
func (s *Store) Get(ctx context.Context, key string, rng *objectstore.Range) (*objectstore.Object, error) {
	if err := objectstore.ValidateKey(key); err != nil {
		return nil, err
	}
	in := &awss3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.fullKey(key))}
	if rng != nil {
		if err := rng.Validate(); err != nil {
			return nil, fmt.Errorf("objectstore: get %s: %w", key, err)
		}
		in.Range = aws.String(rng.String())
	}
	out, err := s.client.GetObject(ctx, in)
	if err != nil {
		return nil, s.wrap("get", key, err)
	}
	obj := &objectstore.Object{
		Info: objectstore.Info{
			Key:                key,
			Size:               aws.ToInt64(out.ContentLength),
			ContentType:        aws.ToString(out.ContentType),
			CacheControl:       aws.ToString(out.CacheControl),
			ContentDisposition: aws.ToString(out.ContentDisposition),
			ETag:               aws.ToString(out.ETag),
			LastModified:       aws.ToTime(out.LastModified).UTC(),
		},
		Body:   out.Body,
		Length: aws.ToInt64(out.ContentLength),
	}
	if cr := aws.ToString(out.ContentRange); cr != "" {
		total, err := contentRangeTotal(cr)
		if err != nil {
			_ = out.Body.Close()
			return nil, fmt.Errorf("objectstore: get %s: %w", key, err)
		}
		obj.Size = total
		obj.ContentRange = cr
	} else if rng != nil {
		// A server that ignores Range sends the whole object: say so as a
		// range covering everything, so the HTTP layer stays truthful.
		obj.ContentRange = fmt.Sprintf("bytes 0-%d/%d", obj.Size-1, obj.Size)
		if obj.Size == 0 {
			_ = out.Body.Close()
			return nil, fmt.Errorf("objectstore: get %s: %w", key, objectstore.ErrInvalidRange)
		}
	}
	return obj, nil
}

// contentRangeTotal parses the total of "bytes 0-99/1234".
func contentRangeTotal(cr string) (int64, error) {
	_, total, ok := strings.Cut(cr, "/")
	if !ok {
		return 0, fmt.Errorf("malformed Content-Range %q", cr)
	}
	n, err := strconv.ParseInt(total, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("malformed Content-Range %q", cr)
	}
	return n, nil
}

// Head implements objectstore.Store.
func (s *Store) Head(ctx context.Context, key string) (objectstore.Info, error) {
	if err := objectstore.ValidateKey(key); err != nil {
		return objectstore.Info{}, err
	}
	out, err := s.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.fullKey(key))})
	if err != nil {
		return objectstore.Info{}, s.wrap("head", key, err)
	}
	return objectstore.Info{
		Key:                key,
		Size:               aws.ToInt64(out.ContentLength),
		ContentType:        aws.ToString(out.ContentType),
		CacheControl:       aws.ToString(out.CacheControl),
		ContentDisposition: aws.ToString(out.ContentDisposition),
		ETag:               aws.ToString(out.ETag),
		LastModified:       aws.ToTime(out.LastModified).UTC(),
	}, nil
}

// deleteBatch is the DeleteObjects limit.
const deleteBatch = 1000

// Delete implements objectstore.Store with DeleteObjects, 1000 keys per request.
func (s *Store) Delete(ctx context.Context, keys ...string) error {
	for _, key := range keys {
		if err := objectstore.ValidateKey(key); err != nil {
			return err
		}
	}
	for len(keys) > 0 {
		n := min(len(keys), deleteBatch)
		batch := keys[:n]
		keys = keys[n:]
		ids := make([]types.ObjectIdentifier, len(batch))
		for i, k := range batch {
			ids[i] = types.ObjectIdentifier{Key: aws.String(s.fullKey(k))}
		}
		out, err := s.client.DeleteObjects(ctx, &awss3.DeleteObjectsInput{
			Bucket: aws.String(s.bucket),
			Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return s.wrap("delete", strings.Join(batch, ","), err)
		}
		var errs []error
		for _, e := range out.Errors {
			if aws.ToString(e.Code) == "NoSuchKey" {
				continue
			}
			errs = append(errs, fmt.Errorf("objectstore: delete %s: %s: %s",
				strings.TrimPrefix(aws.ToString(e.Key), s.prefix), aws.ToString(e.Code), aws.ToString(e.Message)))
		}
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	return nil
}

// List implements objectstore.Store with ListObjectsV2 (keys in UTF-8 binary order).
// objectstore.Info carries Key, Size, ETag and LastModified; ContentType needs a Head.
func (s *Store) List(ctx context.Context, prefix string, fn func(objectstore.Info) error) error {
	if err := objectstore.ValidatePrefix(prefix); err != nil {
		return err
	}
	p := awss3.NewListObjectsV2Paginator(s.client, &awss3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket),
		Prefix: aws.String(s.fullKey(prefix)),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return s.wrap("list", prefix, err)
		}
		for _, o := range page.Contents {
			err := fn(objectstore.Info{
				Key:          strings.TrimPrefix(aws.ToString(o.Key), s.prefix),
				Size:         aws.ToInt64(o.Size),
				ETag:         aws.ToString(o.ETag),
				LastModified: aws.ToTime(o.LastModified).UTC(),
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// PresignPut implements objectstore.Store. Content-Type and Content-Length are signed,
// so the upload fails unless the client sends exactly that type and size.
// The returned headers are the signed ones the client must send (Host and
// Content-Length are set by HTTP clients themselves; browsers refuse to set
// Content-Length but send the body's length, which is what is signed).
func (s *Store) PresignPut(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (string, map[string]string, error) {
	if err := objectstore.ValidateKey(key); err != nil {
		return "", nil, err
	}
	if err := objectstore.ValidatePresignTTL(ttl); err != nil {
		return "", nil, err
	}
	if contentType == "" || size <= 0 {
		return "", nil, fmt.Errorf("objectstore: presign put %s: content type and a positive size are required", key)
	}
	req, err := s.presign.PresignPutObject(ctx, &awss3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(s.fullKey(key)),
		ContentType:   aws.String(contentType),
		ContentLength: aws.Int64(size),
	}, awss3.WithPresignExpires(ttl))
	if err != nil {
		return "", nil, s.wrap("presign put", key, err)
	}
	headers := make(map[string]string, len(req.SignedHeader))
	for k, v := range req.SignedHeader {
		if strings.EqualFold(k, "Host") || len(v) == 0 {
			continue
		}
		headers[http.CanonicalHeaderKey(k)] = v[0]
	}
	return req.URL, headers, nil
}

// PresignGet implements objectstore.Store.
func (s *Store) PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error) {
	if err := objectstore.ValidateKey(key); err != nil {
		return "", err
	}
	if err := objectstore.ValidatePresignTTL(ttl); err != nil {
		return "", err
	}
	req, err := s.presign.PresignGetObject(ctx, &awss3.GetObjectInput{
		Bucket: aws.String(s.bucket),
		Key:    aws.String(s.fullKey(key)),
	}, awss3.WithPresignExpires(ttl))
	if err != nil {
		return "", s.wrap("presign get", key, err)
	}
	return req.URL, nil
}

// Ping implements objectstore.Store: HeadBucket checks reachability, credentials and
// that the bucket exists.
func (s *Store) Ping(ctx context.Context) error {
	if _, err := s.client.HeadBucket(ctx, &awss3.HeadBucketInput{Bucket: aws.String(s.bucket)}); err != nil {
		return s.wrap("ping bucket", s.bucket, err)
	}
	return nil
}

// wrap maps SDK errors to the package's sentinels, keeping the cause in the
// chain for the log.
func (s *Store) wrap(op, key string, err error) error {
	prefix := "objectstore: " + op + " " + key
	var (
		apiErr  smithy.APIError
		respErr *awshttp.ResponseError
		sendErr *smithyhttp.RequestSendError
		netErr  net.Error
	)
	code := ""
	if errors.As(err, &apiErr) {
		code = apiErr.ErrorCode()
	}
	status := 0
	if errors.As(err, &respErr) {
		status = respErr.HTTPStatusCode()
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, objectstore.ErrSizeMismatch):
		return fmt.Errorf("%s: %w", prefix, err)
	case code == "NoSuchKey" || code == "NotFound" || (status == http.StatusNotFound && code != "NoSuchBucket"):
		return fmt.Errorf("%s: %w", prefix, objectstore.ErrNotFound)
	case code == "PreconditionFailed" || code == "ConditionalRequestConflict" || status == http.StatusPreconditionFailed:
		// If-None-Match: * found an object, or (409) another conditional
		// write of the key was in progress: either way the key is taken.
		return fmt.Errorf("%s: %w", prefix, objectstore.ErrExists)
	case code == "InvalidRange" || status == http.StatusRequestedRangeNotSatisfiable:
		return fmt.Errorf("%s: %w", prefix, objectstore.ErrInvalidRange)
	case status >= 500,
		errors.As(err, &sendErr),
		errors.As(err, &netErr),
		errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w: %w", prefix, objectstore.ErrUnavailable, err)
	default:
		return fmt.Errorf("%s: %w", prefix, err)
	}
}

var _ objectstore.Janitor = (*Store)(nil)

// CleanIncomplete implements objectstore.Janitor: it aborts multipart uploads under the
// prefix initiated more than olderThan ago. (A bucket lifecycle rule with
// AbortIncompleteMultipartUpload does the same on AWS; S3-compatible servers
// often lack one.)
func (s *Store) CleanIncomplete(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := time.Now().Add(-olderThan)
	in := &awss3.ListMultipartUploadsInput{Bucket: aws.String(s.bucket), Prefix: aws.String(s.prefix)}
	n := 0
	for {
		out, err := s.client.ListMultipartUploads(ctx, in)
		if err != nil {
			return n, s.wrap("list multipart uploads", s.prefix, err)
		}
		for _, u := range out.Uploads {
			if u.Initiated != nil && u.Initiated.After(cutoff) {
				continue
			}
			_, err := s.client.AbortMultipartUpload(ctx, &awss3.AbortMultipartUploadInput{
				Bucket: aws.String(s.bucket), Key: u.Key, UploadId: u.UploadId,
			})
			if err != nil && !errors.Is(s.wrap("", "", err), objectstore.ErrNotFound) {
				return n, s.wrap("abort multipart upload", aws.ToString(u.Key), err)
			}
			n++
		}
		if !aws.ToBool(out.IsTruncated) {
			return n, nil
		}
		in.KeyMarker, in.UploadIdMarker = out.NextKeyMarker, out.NextUploadIdMarker
	}
}
