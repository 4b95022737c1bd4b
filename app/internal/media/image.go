package media

import (
	"bytes"
	"context"
	"fmt"
	"github.com/automatonic/chronos/app/internal/fault"
	"image"
	stddraw "image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"

	"github.com/gen2brain/webp"
	xwebp "golang.org/x/image/webp"
)

// Image errors; clients get 400 for the first and last.
var (
	// ErrImageTooLarge reports an image whose declared pixel count or
	// encoded size is over the limit, found before any pixel is decoded
	// (decompression bombs).
	ErrImageTooLarge = fault.New(fault.Invalid, "Image too large.")
	// ErrNotProcessable reports a content type the processor cannot decode
	// (AVIF, PDF, video): store it without sizes.
	ErrNotProcessable = fault.New(fault.Invalid, "Not a processable image.")
	// ErrBadImage reports an image that does not decode.
	ErrBadImage = fault.New(fault.Invalid, "Corrupt image.")
)

// Defaults of ImageConfig.
const (
	DefaultMaxPixels       = 50_000_000
	DefaultMaxEncodedBytes = 100 << 20
	DefaultConcurrency     = 2
	DefaultJPEGQuality     = 82
	DefaultWebPQuality     = 80
)

// ImageConfig configures a Processor. Zero values take the defaults.
type ImageConfig struct {
	Sizes []Size // nil: DefaultSizes; empty non-nil: no sizes
	// MaxPixels caps width*height, checked from the header before decoding.
	MaxPixels int64
	// MaxEncodedBytes caps the encoded file the processor reads into memory.
	MaxEncodedBytes int64
	// Concurrency is how many images are processed at once; each holds the
	// decoded source (about 1.5-4 bytes per pixel) while it works.
	Concurrency int
	JPEGQuality int
	WebPQuality int
	NoWebP      bool // skip the WebP variants
}

// ImageInfo describes an image as displayed: Width and Height are after
// the EXIF orientation is applied.
type ImageInfo struct {
	ContentType string
	Width       int
	Height      int
	Orientation int // EXIF orientation of the stored bytes, 1..8
}

// Processable reports whether the processor can decode contentType.
func Processable(contentType string) bool {
	switch contentType {
	case TypePNG, TypeJPEG, TypeGIF, TypeWebP:
		return true
	}
	return false
}

// Input is the file handed to Process.
type Input struct {
	Filename    string // stored (sanitised, unique) name of the original
	ContentType string // sniffed type
	// FocalX and FocalY place the focal point in percent; nil is 50.
	FocalX, FocalY *float64
}

// Output is one file Process produced, handed to the sink.
type Output struct {
	Size        string // size name; "" for the metadata-stripped original
	WebP        bool   // the WebP variant of Size
	Filename    string // "<name>-<w>x<h>.<ext>", or the original's name
	ContentType string
	Width       int
	Height      int
	Filesize    int64
}

// Sink receives each produced file; body holds exactly out.Filesize bytes.
// An error stops processing and is returned by Process.
type Sink func(ctx context.Context, out Output, body io.Reader) error

// Result is what Process made.
type Result struct {
	Info ImageInfo
	// Original is set when the original was rewritten without metadata and
	// sent to the sink under its own filename (JPEG, PNG, WebP).
	Original *Output
	// Sizes lists the generated files in config order, each size in the
	// original format followed by its WebP variant. Sizes that would be
	// upscales are absent.
	Sizes []Output
}

// Processor makes image sizes with bounded concurrency.
type Processor struct {
	cfg ImageConfig
	sem chan struct{}
}

// NewProcessor validates cfg and returns a processor.
func NewProcessor(cfg ImageConfig) (*Processor, error) {
	if cfg.Sizes == nil {
		cfg.Sizes = DefaultSizes()
	}
	seen := map[string]bool{}
	for _, s := range cfg.Sizes {
		if s.Name == "" || seen[s.Name] || s.Width < 0 || s.Height < 0 || (s.Width == 0 && s.Height == 0) ||
			(s.Crop && (s.Width == 0 || s.Height == 0)) {
			return nil, fmt.Errorf("media: invalid image size %+v", s)
		}
		seen[s.Name] = true
	}
	cfg.MaxPixels = cmpOr(cfg.MaxPixels, DefaultMaxPixels)
	cfg.MaxEncodedBytes = cmpOr(cfg.MaxEncodedBytes, DefaultMaxEncodedBytes)
	cfg.Concurrency = cmpOr(cfg.Concurrency, DefaultConcurrency)
	cfg.JPEGQuality = cmpOr(cfg.JPEGQuality, DefaultJPEGQuality)
	cfg.WebPQuality = cmpOr(cfg.WebPQuality, DefaultWebPQuality)
	return &Processor{cfg: cfg, sem: make(chan struct{}, cfg.Concurrency)}, nil
}

func cmpOr[T int | int64](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Sizes returns the configured sizes.
func (p *Processor) Sizes() []Size { return append([]Size(nil), p.cfg.Sizes...) }

// headerLimit is how much of a file Inspect reads: enough for the EXIF
// segment (at most 64 KiB) and the frame header of any sane JPEG.
const headerLimit = 1 << 20

// Inspect reads the dimensions and orientation of an image from its header
// without decoding pixels, and enforces MaxPixels. It reads at most 1 MiB
// of r.
func (p *Processor) Inspect(r io.Reader, contentType string) (ImageInfo, error) {
	head, err := io.ReadAll(io.LimitReader(r, headerLimit))
	if err != nil {
		return ImageInfo{}, fmt.Errorf("media: read image header: %w", err)
	}
	return p.inspect(head, contentType)
}

func (p *Processor) inspect(data []byte, contentType string) (ImageInfo, error) {
	if !Processable(contentType) {
		return ImageInfo{}, fmt.Errorf("%w: %s", ErrNotProcessable, contentType)
	}
	var (
		cfg image.Config
		err error
	)
	r := bytes.NewReader(data)
	switch contentType {
	case TypePNG:
		cfg, err = png.DecodeConfig(r)
	case TypeJPEG:
		cfg, err = jpeg.DecodeConfig(r)
	case TypeGIF:
		cfg, err = gif.DecodeConfig(r)
	case TypeWebP:
		cfg, err = xwebp.DecodeConfig(r)
	}
	if err != nil {
		return ImageInfo{}, fmt.Errorf("%w: %s header: %w", ErrBadImage, contentType, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return ImageInfo{}, fmt.Errorf("%w: %dx%d", ErrBadImage, cfg.Width, cfg.Height)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > p.cfg.MaxPixels {
		return ImageInfo{}, ErrImageTooLarge.Detail("%dx%d is %d pixels, limit %d", cfg.Width, cfg.Height, px, p.cfg.MaxPixels)
	}
	info := ImageInfo{ContentType: contentType, Width: cfg.Width, Height: cfg.Height, Orientation: 1}
	if contentType == TypeJPEG {
		info.Orientation = jpegOrientation(data)
		if info.Orientation >= 5 {
			info.Width, info.Height = info.Height, info.Width
		}
	}
	return info, nil
}

// Process reads an image from r (streamed from the store), strips the
// original's metadata and generates every configured size in the original
// format plus WebP, handing each file to sink as soon as it is encoded. At
// most Concurrency calls work at once; the others wait (or give up when ctx
// ends). Focal points are in the upright image. Content types that are not
// Processable return ErrNotProcessable without reading r.
func (p *Processor) Process(ctx context.Context, r io.Reader, in Input, sink Sink) (Result, error) {
	if !Processable(in.ContentType) {
		return Result{}, fmt.Errorf("%w: %s", ErrNotProcessable, in.ContentType)
	}
	select {
	case p.sem <- struct{}{}:
		defer func() { <-p.sem }()
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}

	data, err := io.ReadAll(io.LimitReader(r, p.cfg.MaxEncodedBytes+1))
	if err != nil {
		return Result{}, fmt.Errorf("media: read image: %w", err)
	}
	if int64(len(data)) > p.cfg.MaxEncodedBytes {
		return Result{}, ErrImageTooLarge.Detail("over %d bytes", p.cfg.MaxEncodedBytes)
	}
	info, err := p.inspect(data, in.ContentType)
	if err != nil {
		return Result{}, err
	}
	res := Result{Info: info}

	if err := p.stripOriginal(ctx, data, in, info, sink, &res); err != nil {
		return Result{}, err
	}

	plans, scale := p.planSizes(info, in)
	if len(plans) == 0 {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}

	src, err := decode(data, in.ContentType)
	if err != nil {
		return Result{}, err
	}
	data = nil // the encoded bytes are no longer needed; let GC have them
	work := uprightWork(src, scale, info.Orientation)
	for _, pl := range plans {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		outs, err := p.emitSize(ctx, cutSize(work, info, pl), in, pl, sink)
		if err != nil {
			return Result{}, err
		}
		res.Sizes = append(res.Sizes, outs...)
	}
	return res, nil
}

// planSizes plans every configured size that applies to the image and
// returns the largest output-to-crop scale among them.
func (p *Processor) planSizes(info ImageInfo, in Input) ([]sizePlan, float64) {
	fx, fy := pct(in.FocalX), pct(in.FocalY)
	var plans []sizePlan
	scale := 0.0
	for _, s := range p.cfg.Sizes {
		pl, ok := planSize(info.Width, info.Height, s, fx, fy)
		if !ok {
			continue
		}
		plans = append(plans, pl)
		scale = math.Max(scale, float64(pl.Out.X)/float64(pl.Crop.Dx()))
		scale = math.Max(scale, float64(pl.Out.Y)/float64(pl.Crop.Dy()))
	}
	return plans, scale
}

// uprightWork is the image every size is cut from: one box pass brings
// the source close to the largest output (scale), then it is turned
// upright.
func uprightWork(src image.Image, scale float64, orientation int) *image.RGBA {
	k := shrinkFactor(scale)
	var work *image.RGBA
	if k == 1 {
		work = image.NewRGBA(image.Rect(0, 0, src.Bounds().Dx(), src.Bounds().Dy()))
		stddraw.Draw(work, work.Bounds(), src, src.Bounds().Min, stddraw.Src)
	} else {
		work = boxShrink(src, k)
	}
	return orient(work, orientation)
}

// cutSize resamples a size's crop (planned on the original) out of the
// work image.
func cutSize(work *image.RGBA, info ImageInfo, pl sizePlan) *image.RGBA {
	wx := float64(work.Bounds().Dx()) / float64(info.Width)
	wy := float64(work.Bounds().Dy()) / float64(info.Height)
	crop := image.Rect(
		int(math.Round(float64(pl.Crop.Min.X)*wx)), int(math.Round(float64(pl.Crop.Min.Y)*wy)),
		int(math.Round(float64(pl.Crop.Max.X)*wx)), int(math.Round(float64(pl.Crop.Max.Y)*wy)),
	).Intersect(work.Bounds())
	return resample(work, crop, pl.Out)
}

func pct(v *float64) float64 {
	if v == nil || math.IsNaN(*v) {
		return 50
	}
	return *v
}

// stripOriginal rewrites JPEG, PNG and WebP originals without metadata
// (GPS, camera serials, embedded thumbnails) and sends them to the sink
// under the original filename, for the caller to store over the upload;
// the pixels are copied, not re-encoded. GIF originals are left as
// uploaded (GIF has no EXIF).
func (p *Processor) stripOriginal(ctx context.Context, data []byte, in Input, info ImageInfo, sink Sink, res *Result) error {
	var (
		clean []byte
		err   error
	)
	switch in.ContentType {
	case TypeJPEG:
		clean, err = stripJPEG(data, info.Orientation)
	case TypePNG:
		clean, err = stripPNG(data)
	case TypeWebP:
		clean, err = stripWebP(data)
	default:
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadImage, err)
	}
	if bytes.Equal(clean, data) {
		return nil
	}
	out := Output{Filename: in.Filename, ContentType: in.ContentType, Width: info.Width, Height: info.Height, Filesize: int64(len(clean))}
	if err := sink(ctx, out, bytes.NewReader(clean)); err != nil {
		return fmt.Errorf("media: store stripped original: %w", err)
	}
	res.Original = &out
	return nil
}

func decode(data []byte, contentType string) (image.Image, error) {
	var (
		img image.Image
		err error
	)
	r := bytes.NewReader(data)
	switch contentType {
	case TypePNG:
		img, err = png.Decode(r)
	case TypeJPEG:
		img, err = jpeg.Decode(r)
	case TypeGIF:
		img, err = gif.Decode(r) // first frame: sizes are stills
	case TypeWebP:
		img, err = xwebp.Decode(r)
	default:
		return nil, fmt.Errorf("%w: %s", ErrNotProcessable, contentType)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadImage, contentType, err)
	}
	return img, nil
}

// emitSize encodes one size in the original format and as WebP and sends
// both to the sink.
func (p *Processor) emitSize(ctx context.Context, img *image.RGBA, in Input, pl sizePlan, sink Sink) ([]Output, error) {
	type variant struct {
		ct   string
		ext  string
		webp bool
	}
	variants := []variant{{ct: in.ContentType, ext: ExtensionFor(in.ContentType, in.Filename)}}
	if in.ContentType != TypeWebP && !p.cfg.NoWebP {
		variants = append(variants, variant{ct: TypeWebP, ext: ".webp", webp: true})
	}
	var outs []Output
	var buf bytes.Buffer
	for _, v := range variants {
		buf.Reset()
		if err := p.encode(&buf, img, v.ct); err != nil {
			return nil, fmt.Errorf("media: encode %s %s: %w", pl.Size.Name, v.ct, err)
		}
		out := Output{
			Size:        pl.Size.Name,
			WebP:        v.webp,
			Filename:    SizeFilename(in.Filename, pl.Out.X, pl.Out.Y, v.ext),
			ContentType: v.ct,
			Width:       pl.Out.X,
			Height:      pl.Out.Y,
			Filesize:    int64(buf.Len()),
		}
		if err := sink(ctx, out, bytes.NewReader(buf.Bytes())); err != nil {
			return nil, fmt.Errorf("media: store %s: %w", out.Filename, err)
		}
		outs = append(outs, out)
	}
	return outs, nil
}

func (p *Processor) encode(w io.Writer, img *image.RGBA, contentType string) error {
	switch contentType {
	case TypeJPEG:
		return jpeg.Encode(w, img, &jpeg.Options{Quality: p.cfg.JPEGQuality})
	case TypePNG:
		return (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(w, img)
	case TypeGIF:
		return gif.Encode(w, img, &gif.Options{NumColors: 256, Drawer: stddraw.FloydSteinberg})
	case TypeWebP:
		return webp.Encode(w, img, webp.Options{Quality: p.cfg.WebPQuality, Method: 4})
	}
	return fmt.Errorf("%w: encode %s", ErrNotProcessable, contentType)
}
