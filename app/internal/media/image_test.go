package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/gen2brain/webp"
	xdraw "golang.org/x/image/draw"
)

func newProcessor(t testing.TB, cfg ImageConfig) *Processor {
	t.Helper()
	p, err := NewProcessor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// collect is a sink that keeps every file in memory.
type collect map[string][]byte

func (c collect) sink(_ context.Context, out Output, body io.Reader) error {
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if int64(len(b)) != out.Filesize {
		return errors.New("body length differs from Filesize")
	}
	c[out.Filename] = b
	return nil
}

// pngChunk builds one PNG chunk with a correct CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// bombPNG declares w x h pixels in a valid IHDR but carries almost no data:
// decoding it would allocate w*h*4 bytes.
func bombPNG(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, pngChunk("IHDR", ihdr)...)
	b = append(b, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(b, pngChunk("IEND", nil)...)
}

func TestDecompressionBomb(t *testing.T) {
	p := newProcessor(t, ImageConfig{})
	bomb := bombPNG(100000, 100000)
	if len(bomb) > 100 {
		t.Fatalf("bomb is %d bytes, want a tiny file", len(bomb))
	}
	if _, err := p.Inspect(bytes.NewReader(bomb), TypePNG); !errors.Is(err, ErrImageTooLarge) {
		t.Fatalf("Inspect = %v, want ErrImageTooLarge", err)
	}
	called := false
	_, err := p.Process(t.Context(), bytes.NewReader(bomb), Input{Filename: "bomb.png", ContentType: TypePNG},
		func(context.Context, Output, io.Reader) error { called = true; return nil })
	if !errors.Is(err, ErrImageTooLarge) || called {
		t.Fatalf("Process = %v (sink called %v), want ErrImageTooLarge before any output", err, called)
	}
	// Just under a custom limit passes the check (and then fails to decode
	// the missing pixel data, which is a different error).
	small := newProcessor(t, ImageConfig{MaxPixels: 100})
	if _, err := small.Inspect(bytes.NewReader(bombPNG(10, 10)), TypePNG); err != nil {
		t.Fatalf("10x10 under a 100-pixel limit: %v", err)
	}
	if _, err := small.Inspect(bytes.NewReader(bombPNG(10, 11)), TypePNG); !errors.Is(err, ErrImageTooLarge) {
		t.Fatalf("10x11 over a 100-pixel limit: %v", err)
	}
	sized := newProcessor(t, ImageConfig{MaxPixels: 100, Sizes: []Size{{Name: "t", Width: 5}}})
	if _, err := sized.Process(t.Context(), bytes.NewReader(bombPNG(10, 10)), Input{Filename: "x.png", ContentType: TypePNG}, collect{}.sink); !errors.Is(err, ErrBadImage) {
		t.Fatalf("10x10 without pixel data = %v, want ErrBadImage", err)
	}
}

func TestEncodedSizeLimit(t *testing.T) {
	p := newProcessor(t, ImageConfig{MaxEncodedBytes: 1000})
	data := encodeJPEG(t, quadrants(200, 200))
	if len(data) <= 1000 {
		t.Fatalf("test PNG is only %d bytes", len(data))
	}
	_, err := p.Process(t.Context(), bytes.NewReader(data), Input{Filename: "a.jpg", ContentType: TypeJPEG}, collect{}.sink)
	if !errors.Is(err, ErrImageTooLarge) {
		t.Fatalf("Process = %v, want ErrImageTooLarge", err)
	}
}

// exifTIFF builds a little-endian EXIF block with a Make tag, a GPS IFD
// pointer and the orientation, written independently of the package's own
// EXIF writer.
func exifTIFF(orientation uint16) []byte {
	le := binary.LittleEndian
	b := []byte("II*\x00")
	b = le.AppendUint32(b, 8)
	b = le.AppendUint16(b, 3)
	entry := func(tag, typ uint16, count, value uint32) {
		b = le.AppendUint16(b, tag)
		b = le.AppendUint16(b, typ)
		b = le.AppendUint32(b, count)
		b = le.AppendUint32(b, value)
	}
	entry(0x010F, 2, 4, le.Uint32([]byte("ACM\x00"))) // Make, inline ASCII
	entry(0x8825, 4, 1, 50)                           // GPS IFD pointer
	entry(tagOrientation, 3, 1, uint32(orientation))
	b = le.AppendUint32(b, 0)
	for len(b) < 50 {
		b = append(b, 0)
	}
	b = le.AppendUint16(b, 1) // GPS IFD: one entry, latitude ref "N"
	b = le.AppendUint16(b, 1)
	b = le.AppendUint16(b, 2)
	b = le.AppendUint32(b, 2)
	b = append(b, 'N', 0, 0, 0)
	b = le.AppendUint32(b, 0)
	return append(b, "GPSDATA-SECRET"...)
}

// withAPP1 splices an EXIF APP1 segment right after SOI.
func withAPP1(jpg, tiff []byte) []byte {
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func TestJPEGOrientation(t *testing.T) {
	base := encodeJPEG(t, gradient(8, 4))
	bigEndian := []byte("MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00")
	for _, tc := range []struct {
		name string
		data []byte
		want int
	}{
		{"none", base, 1},
		{"little endian 6", withAPP1(base, exifTIFF(6)), 6},
		{"little endian 3", withAPP1(base, exifTIFF(3)), 3},
		{"big endian 6", withAPP1(base, bigEndian), 6},
		{"out of range", withAPP1(base, exifTIFF(9)), 1},
		{"zero", withAPP1(base, exifTIFF(0)), 1},
		{"truncated tiff", withAPP1(base, []byte("II*\x00\x08\x00\x00\x00\x05\x00")), 1},
		{"bad ifd offset", withAPP1(base, []byte("II*\x00\xff\xff\xff\x7f")), 1},
		{"bad byte order", withAPP1(base, []byte("XX*\x00\x08\x00\x00\x00")), 1},
		{"not jpeg", []byte("GIF89a"), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := jpegOrientation(tc.data); got != tc.want {
				t.Errorf("jpegOrientation = %d, want %d", got, tc.want)
			}
		})
	}
}

// quadrants is a w x h image with red, green, blue and white quadrants
// (top-left, top-right, bottom-left, bottom-right).
func quadrants(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 0, 0, 255}
			switch {
			case x >= w/2 && y < h/2:
				c = color.RGBA{0, 255, 0, 255}
			case x < w/2 && y >= h/2:
				c = color.RGBA{0, 0, 255, 255}
			case x >= w/2 && y >= h/2:
				c = color.RGBA{255, 255, 255, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// dominant names the colour at (x, y), tolerant of JPEG noise.
func dominant(img image.Image, x, y int) string {
	r, g, b, _ := img.At(x, y).RGBA()
	hi := func(v uint32) bool { return v > 0x9000 }
	switch {
	case hi(r) && hi(g) && hi(b):
		return "white"
	case hi(r) && !hi(g) && !hi(b):
		return "red"
	case !hi(r) && hi(g) && !hi(b):
		return "green"
	case !hi(r) && !hi(g) && hi(b):
		return "blue"
	}
	return "mixed"
}

func TestEXIFOrientationApplied(t *testing.T) {
	// Stored 1000x600 with orientation 6: a camera held upright, so the
	// picture is 600x1000 and the stored top-left (red) ends up top-right.
	src := withAPP1(encodeJPEG(t, quadrants(1000, 600)), exifTIFF(6))
	p := newProcessor(t, ImageConfig{Sizes: []Size{{Name: "card", Width: 300}}, NoWebP: true})
	files := collect{}
	res, err := p.Process(t.Context(), bytes.NewReader(src), Input{Filename: "cam.jpg", ContentType: TypeJPEG}, files.sink)
	if err != nil {
		t.Fatal(err)
	}
	if res.Info.Width != 600 || res.Info.Height != 1000 || res.Info.Orientation != 6 {
		t.Fatalf("Info = %+v, want upright 600x1000 with orientation 6", res.Info)
	}
	if len(res.Sizes) != 1 || res.Sizes[0].Filename != "cam-300x500.jpg" {
		t.Fatalf("Sizes = %+v, want cam-300x500.jpg", res.Sizes)
	}
	img, err := jpeg.Decode(bytes.NewReader(files["cam-300x500.jpg"]))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 300 || b.Dy() != 500 {
		t.Fatalf("size is %v", b)
	}
	for _, c := range []struct {
		x, y int
		want string
	}{{75, 125, "blue"}, {225, 125, "red"}, {75, 375, "white"}, {225, 375, "green"}} {
		if got := dominant(img, c.x, c.y); got != c.want {
			t.Errorf("pixel (%d,%d) is %s, want %s", c.x, c.y, got, c.want)
		}
	}

	// The published original keeps its pixels and orientation, loses the
	// rest of the EXIF block (Make, GPS).
	orig := files["cam.jpg"]
	if res.Original == nil || orig == nil {
		t.Fatal("stripped original not sent to the sink")
	}
	if bytes.Contains(orig, []byte("GPSDATA-SECRET")) || bytes.Contains(orig, []byte("ACM")) {
		t.Error("original still carries the EXIF payload")
	}
	if got := jpegOrientation(orig); got != 6 {
		t.Errorf("stripped original orientation = %d, want 6", got)
	}
	if _, err := jpeg.Decode(bytes.NewReader(orig)); err != nil {
		t.Errorf("stripped original does not decode: %v", err)
	}
}

func TestOrientSource(t *testing.T) {
	// A 3x2 stored image; check every orientation against a hand-made
	// upright picture of where each stored pixel lands.
	stored := [2][3]string{{"a", "b", "c"}, {"d", "e", "f"}}
	for _, tc := range []struct {
		o    int
		want []string // upright rows
	}{
		{1, []string{"abc", "def"}},
		{2, []string{"cba", "fed"}},
		{3, []string{"fed", "cba"}},
		{4, []string{"def", "abc"}},
		{5, []string{"ad", "be", "cf"}},
		{6, []string{"da", "eb", "fc"}},
		{7, []string{"fc", "eb", "da"}},
		{8, []string{"cf", "be", "ad"}},
	} {
		var got []string
		for y := range len(tc.want) {
			var row strings.Builder
			for x := range len(tc.want[0]) {
				sx, sy := orientSource(tc.o, x, y, 3, 2)
				row.WriteString(stored[sy][sx])
			}
			got = append(got, row.String())
		}
		if strings.Join(got, "/") != strings.Join(tc.want, "/") {
			t.Errorf("orientation %d: %v, want %v", tc.o, got, tc.want)
		}
	}
}

func TestStripPNG(t *testing.T) {
	data := encodePNG(t, 4, 4)
	// Insert a tEXt chunk with a location after IHDR (8 + 25 bytes).
	ihdrEnd := 8 + 25
	withText := append(append(append([]byte{}, data[:ihdrEnd]...), pngChunk("tEXt", []byte("Location\x00Home"))...), data[ihdrEnd:]...)
	if _, err := png.Decode(bytes.NewReader(withText)); err != nil {
		t.Fatalf("test PNG invalid: %v", err)
	}
	clean, err := stripPNG(withText)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(clean, data) {
		t.Errorf("stripped PNG differs from the text-free encoding")
	}
	if _, err := stripPNG(withText[:len(withText)-5]); err == nil {
		t.Error("truncated PNG accepted")
	}
}

func TestFocalCrop(t *testing.T) {
	for _, tc := range []struct {
		name         string
		w, h, tw, th int
		fx, fy       float64
		want         image.Rectangle
	}{
		{"payload hero centre", 1200, 800, 400, 300, 50, 50, image.Rect(67, 0, 1134, 800)},
		{"left edge clamps", 1200, 800, 400, 300, 0, 50, image.Rect(0, 0, 1067, 800)},
		{"right edge clamps", 1200, 800, 400, 300, 100, 50, image.Rect(133, 0, 1200, 800)},
		{"focal near right", 2000, 500, 100, 100, 90, 50, image.Rect(1500, 0, 2000, 500)},
		{"tall image top", 600, 1000, 400, 300, 50, 0, image.Rect(0, 0, 600, 450)},
		{"tall image focal 70%", 600, 1000, 400, 300, 50, 70, image.Rect(0, 475, 600, 925)},
		{"tall image bottom", 600, 1000, 400, 300, 50, 100, image.Rect(0, 550, 600, 1000)},
		{"same aspect", 800, 600, 400, 300, 10, 90, image.Rect(0, 0, 800, 600)},
		{"out of range pct", 1200, 800, 400, 300, 250, -40, image.Rect(133, 0, 1200, 800)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := focalCrop(tc.w, tc.h, tc.tw, tc.th, tc.fx, tc.fy)
			if got != tc.want {
				t.Errorf("focalCrop = %v, want %v", got, tc.want)
			}
			if !got.In(image.Rect(0, 0, tc.w, tc.h)) {
				t.Errorf("%v outside the image", got)
			}
		})
	}
}

func TestPlanSizeNeverUpscales(t *testing.T) {
	thumb := Size{Name: "thumbnail", Width: 400, Height: 300, Crop: true}
	card := Size{Name: "card", Width: 768}
	hero := Size{Name: "hero", Width: 1920}
	tall := Size{Name: "tall", Height: 500}
	box := Size{Name: "box", Width: 500, Height: 500}
	for _, tc := range []struct {
		name   string
		w, h   int
		s      Size
		wantOK bool
		want   image.Point
	}{
		{"payload thumbnail", 1200, 800, thumb, true, image.Pt(400, 300)},
		{"payload card", 1200, 800, card, true, image.Pt(768, 512)},
		{"hero of a small image", 1200, 800, hero, false, image.Point{}},
		{"card of exactly 768", 768, 400, card, false, image.Point{}},
		{"thumbnail of a smaller image", 300, 200, thumb, true, image.Pt(267, 200)},
		{"thumbnail of a tiny image", 40, 30, thumb, false, image.Point{}},
		{"thumbnail of a thin strip", 1000, 100, thumb, true, image.Pt(133, 100)},
		{"height only", 1000, 2000, tall, true, image.Pt(250, 500)},
		{"height only too small", 1000, 400, tall, false, image.Point{}},
		{"fit box landscape", 2000, 1000, box, true, image.Pt(500, 250)},
		{"fit box small", 400, 300, box, false, image.Point{}},
		{"24 MP hero", 6000, 4000, hero, true, image.Pt(1920, 1280)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := planSize(tc.w, tc.h, tc.s, 50, 50)
			if ok != tc.wantOK || (ok && p.Out != tc.want) {
				t.Fatalf("planSize = %v %v, want %v %v", p.Out, ok, tc.want, tc.wantOK)
			}
			if ok && (p.Out.X > p.Crop.Dx() || p.Out.Y > p.Crop.Dy()) {
				t.Errorf("upscale: crop %v to %v", p.Crop, p.Out)
			}
		})
	}
}

func TestProcessPayloadSizes(t *testing.T) {
	p := newProcessor(t, ImageConfig{})
	files := collect{}
	res, err := p.Process(t.Context(), bytes.NewReader(encodePNG(t, 1200, 800)), Input{Filename: "hero.png", ContentType: TypePNG}, files.sink)
	if err != nil {
		t.Fatal(err)
	}
	if res.Info.Width != 1200 || res.Info.Height != 800 {
		t.Errorf("Info = %+v", res.Info)
	}
	if res.Original != nil {
		t.Errorf("a PNG without metadata was rewritten: %+v", res.Original)
	}
	var names []string
	for _, s := range res.Sizes {
		names = append(names, s.Size+":"+s.Filename)
	}
	want := "thumbnail:hero-400x300.png thumbnail:hero-400x300.webp card:hero-768x512.png card:hero-768x512.webp"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("sizes = %s\nwant    %s", got, want)
	}
	for _, s := range res.Sizes {
		b := files[s.Filename]
		var cfg image.Config
		var err error
		if s.WebP {
			cfg, err = webp.DecodeConfig(bytes.NewReader(b))
		} else {
			cfg, err = png.DecodeConfig(bytes.NewReader(b))
		}
		if err != nil || cfg.Width != s.Width || cfg.Height != s.Height {
			t.Errorf("%s decodes as %dx%d (%v), want %dx%d", s.Filename, cfg.Width, cfg.Height, err, s.Width, s.Height)
		}
		if Sniff(b) != s.ContentType {
			t.Errorf("%s sniffs as %s, want %s", s.Filename, Sniff(b), s.ContentType)
		}
	}
}

func TestProcessFocalPoint(t *testing.T) {
	// Left half red, right half green: a square crop at focal x=0 is all
	// red, at x=100 all green.
	img := image.NewRGBA(image.Rect(0, 0, 800, 200))
	for y := range 200 {
		for x := range 800 {
			c := color.RGBA{255, 0, 0, 255}
			if x >= 400 {
				c = color.RGBA{0, 255, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := newProcessor(t, ImageConfig{Sizes: []Size{{Name: "sq", Width: 100, Height: 100, Crop: true}}, NoWebP: true})
	for _, tc := range []struct {
		fx   float64
		want string
	}{{0, "red"}, {100, "green"}} {
		files := collect{}
		fx := tc.fx
		if _, err := p.Process(t.Context(), bytes.NewReader(buf.Bytes()), Input{Filename: "f.png", ContentType: TypePNG, FocalX: &fx}, files.sink); err != nil {
			t.Fatal(err)
		}
		out, err := png.Decode(bytes.NewReader(files["f-100x100.png"]))
		if err != nil {
			t.Fatal(err)
		}
		for _, pt := range []image.Point{{0, 0}, {99, 99}, {50, 50}} {
			if got := dominant(out, pt.X, pt.Y); got != tc.want {
				t.Errorf("focal %v: pixel %v is %s, want %s", tc.fx, pt, got, tc.want)
			}
		}
	}
}

func TestProcessGIFAndWebP(t *testing.T) {
	p := newProcessor(t, ImageConfig{Sizes: []Size{{Name: "small", Width: 50}}})
	files := collect{}
	res, err := p.Process(t.Context(), bytes.NewReader(encodeGIF(t, 200, 100)), Input{Filename: "anim.gif", ContentType: TypeGIF}, files.sink)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sizes) != 2 || res.Sizes[0].Filename != "anim-50x25.gif" || res.Sizes[1].Filename != "anim-50x25.webp" {
		t.Fatalf("GIF sizes = %+v", res.Sizes)
	}
	// A WebP source gets one WebP per size, not two.
	var wb bytes.Buffer
	if err := webp.Encode(&wb, gradient(200, 100), webp.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	res, err = p.Process(t.Context(), bytes.NewReader(wb.Bytes()), Input{Filename: "pic.webp", ContentType: TypeWebP}, collect{}.sink)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sizes) != 1 || res.Sizes[0].Filename != "pic-50x25.webp" {
		t.Fatalf("WebP sizes = %+v", res.Sizes)
	}
}

func TestProcessRejects(t *testing.T) {
	p := newProcessor(t, ImageConfig{})
	for _, tc := range []struct {
		name string
		data []byte
		ct   string
		want error
	}{
		{"pdf", []byte("%PDF-1.4"), TypePDF, ErrNotProcessable},
		{"avif", ftyp("avif"), TypeAVIF, ErrNotProcessable},
		{"corrupt png", []byte("\x89PNG\r\n\x1a\nnot really"), TypePNG, ErrBadImage},
		{"truncated jpeg", encodeJPEG(t, gradient(64, 64))[:300], TypeJPEG, ErrBadImage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := p.Process(t.Context(), bytes.NewReader(tc.data), Input{Filename: "x", ContentType: tc.ct}, collect{}.sink); !errors.Is(err, tc.want) {
				t.Fatalf("Process = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSinkErrorStops(t *testing.T) {
	p := newProcessor(t, ImageConfig{})
	boom := errors.New("store down")
	calls := 0
	_, err := p.Process(t.Context(), bytes.NewReader(encodePNG(t, 1200, 800)), Input{Filename: "a.png", ContentType: TypePNG},
		func(context.Context, Output, io.Reader) error { calls++; return boom })
	if !errors.Is(err, boom) || calls != 1 {
		t.Fatalf("Process = %v after %d sink calls, want the sink's error after 1", err, calls)
	}
}

// TestConcurrencyBound checks the semaphore without sleeping: with room for
// one image, a second Process waits while the first is inside its sink, and
// gives up when its context is cancelled, never touching its input.
func TestConcurrencyBound(t *testing.T) {
	p := newProcessor(t, ImageConfig{Concurrency: 1, NoWebP: true})
	data := encodePNG(t, 1200, 800)
	entered, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		first := true
		_, err := p.Process(context.Background(), bytes.NewReader(data), Input{Filename: "a.png", ContentType: TypePNG},
			func(context.Context, Output, io.Reader) error {
				if first {
					first = false
					close(entered)
					<-release
				}
				return nil
			})
		done <- err
	}()
	<-entered

	ctx, cancel := context.WithCancel(t.Context())
	second := make(chan error, 1)
	r := &countingReader{r: bytes.NewReader(data)}
	go func() {
		_, err := p.Process(ctx, r, Input{Filename: "b.png", ContentType: TypePNG}, collect{}.sink)
		second <- err
	}()
	cancel()
	if err := <-second; !errors.Is(err, context.Canceled) {
		t.Fatalf("second Process = %v, want context.Canceled while the first holds the slot", err)
	}
	if r.n != 0 {
		t.Errorf("second Process read %d bytes before getting a slot", r.n)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("first Process: %v", err)
	}
	// The slot is free again.
	if _, err := p.Process(t.Context(), bytes.NewReader(data), Input{Filename: "c.png", ContentType: TypePNG}, collect{}.sink); err != nil {
		t.Fatalf("third Process: %v", err)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestNewProcessorValidates(t *testing.T) {
	for _, sizes := range [][]Size{
		{{Name: "", Width: 10}},
		{{Name: "a", Width: 10}, {Name: "a", Width: 20}},
		{{Name: "a"}},
		{{Name: "a", Width: 10, Crop: true}},
		{{Name: "a", Width: -1, Height: 10}},
	} {
		if _, err := NewProcessor(ImageConfig{Sizes: sizes}); err == nil {
			t.Errorf("NewProcessor accepted sizes %+v", sizes)
		}
	}
}

// TestResampleMatchesXImage compares the streaming resampler with
// x/image/draw's Catmull-Rom on a smooth image: same filter, so the
// results agree within rounding except near the borders, where the two
// treat edges differently.
func TestResampleMatchesXImage(t *testing.T) {
	src := gradient(900, 600)
	for _, out := range []image.Point{{400, 300}, {850, 590}, {120, 37}, {1000, 700}} {
		got := resample(src, src.Bounds(), out)
		want := image.NewRGBA(image.Rectangle{Max: out})
		xdraw.CatmullRom.Scale(want, want.Bounds(), src, src.Bounds(), xdraw.Src, nil)
		var diff, n float64
		for y := 3; y < out.Y-3; y++ {
			for x := 3; x < out.X-3; x++ {
				for c := range 4 {
					i := got.PixOffset(x, y) + c
					diff += math.Abs(float64(got.Pix[i]) - float64(want.Pix[i]))
					n++
				}
			}
		}
		mean := diff / n
		t.Logf("%v: mean abs difference %.3f", out, mean)
		if mean > 1.0 {
			t.Errorf("%v: mean abs difference %.2f per channel, want <= 1", out, mean)
		}
	}
}

func TestResampleFlatAndAlpha(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for i := 0; i < len(src.Pix); i += 4 {
		copy(src.Pix[i:], []byte{60, 30, 10, 128}) // premultiplied, half transparent
	}
	dst := resample(src, image.Rect(10, 10, 290, 190), image.Pt(70, 45))
	for i := 0; i < len(dst.Pix); i += 4 {
		if p := dst.Pix[i : i+4]; p[0] != 60 || p[1] != 30 || p[2] != 10 || p[3] != 128 {
			t.Fatalf("pixel %d = %v, want the flat colour", i/4, p)
		}
	}
}

func TestStripWebP(t *testing.T) {
	var plain bytes.Buffer
	if err := webp.Encode(&plain, gradient(16, 16), webp.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	simple := plain.Bytes() // "RIFF" size "WEBP" "VP8 " ...
	vp8 := simple[12:]
	// Build an extended file: VP8X with the EXIF and XMP flags, the image,
	// an EXIF chunk with a GPS marker and an odd-sized XMP chunk.
	chunk := func(typ string, payload []byte) []byte {
		b := append([]byte(typ), 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(b[4:], uint32(len(payload)))
		b = append(b, payload...)
		if len(payload)%2 == 1 {
			b = append(b, 0)
		}
		return b
	}
	vp8x := []byte{0x08 | 0x04, 0, 0, 0, 15, 0, 0, 15, 0, 0} // flags, reserved, canvas 16x16 (minus one)
	body := append(chunk("VP8X", vp8x), vp8...)
	body = append(body, chunk("EXIF", append([]byte("II*\x00"), "GPSDATA-SECRET"...))...)
	body = append(body, chunk("XMP ", []byte("<x:xmpmeta>where</x:xmpmeta>!"))...)
	file := append([]byte("RIFF\x00\x00\x00\x00WEBP"), body...)
	binary.LittleEndian.PutUint32(file[4:], uint32(len(file)-8))

	clean, err := stripWebP(file)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(clean, []byte("GPSDATA")) || bytes.Contains(clean, []byte("xmpmeta")) {
		t.Error("metadata left in the WebP")
	}
	if clean[20]&(0x08|0x04) != 0 {
		t.Errorf("VP8X flags = %#x, want EXIF and XMP cleared", clean[20])
	}
	if got := int(binary.LittleEndian.Uint32(clean[4:])); got != len(clean)-8 {
		t.Errorf("RIFF size %d, want %d", got, len(clean)-8)
	}
	img, err := webp.Decode(bytes.NewReader(clean))
	if err != nil || img.Bounds().Dx() != 16 {
		t.Fatalf("stripped WebP does not decode: %v", err)
	}
	if _, err := stripWebP(file[:len(file)-20]); err == nil {
		t.Error("truncated WebP accepted")
	}
}
