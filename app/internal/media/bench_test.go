package media

import (
	"bytes"
	"context"
	"github.com/automatonic/chronos/app/internal/bench"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"testing"

	"golang.org/x/image/draw"
)

// photo24MP encodes a 6000x4000 JPEG with smooth gradients and sensor-like
// noise, so it compresses like a camera picture (several MB), not like a
// flat test card.
func photo24MP(b *testing.B) []byte {
	b.Helper()
	const w, h = 6000, 4000
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			img.Y[y*img.YStride+x] = uint8(x*200/w + y*40/h + rng.IntN(16))
		}
	}
	for y := range h / 2 {
		for x := range w / 2 {
			img.Cb[y*img.CStride+x] = uint8(90 + x*80/(w/2))
			img.Cr[y*img.CStride+x] = uint8(100 + y*60/(h/2))
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkProcess24MP processes a 6000x4000 JPEG into the default sizes
// (thumbnail, card, hero; JPEG and WebP each), the image benchmark:
// time per image, peak heap and peak RSS (goal < 300 MiB).
func BenchmarkProcess24MP(b *testing.B) {
	data := photo24MP(b)
	p, err := NewProcessor(ImageConfig{})
	if err != nil {
		b.Fatal(err)
	}
	sink := func(_ context.Context, _ Output, r io.Reader) error {
		_, err := io.Copy(io.Discard, r)
		return err
	}
	// Warm the WebP encoder (the wasm module compiles once per process).
	if _, err := p.Process(b.Context(), bytes.NewReader(encodePNG(b, 600, 400)), Input{Filename: "w.png", ContentType: TypePNG}, sink); err != nil {
		b.Fatal(err)
	}
	m := bench.StartPeakMeter()
	for b.Loop() {
		res, err := p.Process(b.Context(), bytes.NewReader(data), Input{Filename: "photo.jpg", ContentType: TypeJPEG}, sink)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Sizes) != 6 {
			b.Fatalf("made %d files, want 6", len(res.Sizes))
		}
	}
	b.StopTimer()
	m.Report(b)
	b.ReportMetric(float64(len(data))/(1<<20), "input-MiB")
}

// BenchmarkDownscale24MP compares ways to bring a decoded 24 MP JPEG down
// to the 1920-wide hero size, the step that dominates time and memory.
func BenchmarkDownscale24MP(b *testing.B) {
	src, err := jpeg.Decode(bytes.NewReader(photo24MP(b)))
	if err != nil {
		b.Fatal(err)
	}
	dstRect := image.Rect(0, 0, 1920, 1280)
	for _, tc := range []struct {
		name string
		fn   func() image.Image
	}{
		{"box3+streamingCatmullRom", func() image.Image {
			work := boxShrink(src, 3)
			return resample(work, work.Bounds(), dstRect.Max)
		}},
		{"box3+xdrawCatmullRom", func() image.Image {
			work := boxShrink(src, 3)
			dst := image.NewRGBA(dstRect)
			draw.CatmullRom.Scale(dst, dstRect, work, work.Bounds(), draw.Src, nil)
			return dst
		}},
		{"streamingCatmullRom", func() image.Image {
			rgba := image.NewRGBA(src.Bounds())
			draw.Draw(rgba, rgba.Bounds(), src, image.Point{}, draw.Src)
			return resample(rgba, rgba.Bounds(), dstRect.Max)
		}},
		{"ApproxBiLinear", func() image.Image {
			dst := image.NewRGBA(dstRect)
			draw.ApproxBiLinear.Scale(dst, dstRect, src, src.Bounds(), draw.Src, nil)
			return dst
		}},
		{"CatmullRom", func() image.Image {
			dst := image.NewRGBA(dstRect)
			draw.CatmullRom.Scale(dst, dstRect, src, src.Bounds(), draw.Src, nil)
			return dst
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			m := bench.StartPeakMeter()
			for b.Loop() {
				_ = tc.fn()
			}
			b.StopTimer()
			m.Report(b)
		})
	}
}
