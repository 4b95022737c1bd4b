package media

import (
	"image"
	stddraw "image/draw"
	"math"
)

// Size is a generated image size. Width or Height may be 0 ("768 wide");
// with Crop the output has exactly Width x Height, cut around the focal
// point, otherwise the image is fitted inside the box keeping its aspect.
type Size struct {
	Name   string
	Width  int
	Height int
	Crop   bool
}

// ThumbnailSize names the size a media document's thumbnailURL shows (the
// admin's thumbnails, as Payload's adminThumbnail).
const ThumbnailSize = "thumbnail"

// DefaultSizes are Payload's thumbnail and card sizes plus a hero size.
func DefaultSizes() []Size {
	return []Size{
		{Name: ThumbnailSize, Width: 400, Height: 300, Crop: true},
		{Name: "card", Width: 768},
		{Name: "hero", Width: 1920},
	}
}

// SizeKeys are the keys of a media document's `sizes` object for sizes:
// each size and its WebP variant "<name>-webp".
func SizeKeys(sizes []Size) []string {
	out := make([]string, 0, 2*len(sizes))
	for _, sz := range sizes {
		out = append(out, sz.Name, sz.Name+"-webp")
	}
	return out
}

// sizePlan says how to make one size from the upright source: cut Crop
// (in source pixels) and scale it to Out.
type sizePlan struct {
	Size Size
	Crop image.Rectangle
	Out  image.Point
}

// planSize computes the crop and output dimensions of size for a w x h
// upright image with the focal point at (fx, fy) percent. ok is false when
// the size would not be smaller than the original in any way: sizes are
// never upscaled, and a copy of the original is not worth storing.
func planSize(w, h int, s Size, fx, fy float64) (p sizePlan, ok bool) {
	if w <= 0 || h <= 0 || (s.Width <= 0 && s.Height <= 0) {
		return sizePlan{}, false
	}
	full := image.Rect(0, 0, w, h)
	switch {
	case s.Crop && s.Width > 0 && s.Height > 0:
		crop := focalCrop(w, h, s.Width, s.Height, fx, fy)
		out := image.Pt(s.Width, s.Height)
		if crop.Dx() < s.Width {
			// Too small for the size: keep the crop's own pixels rather
			// than enlarge them.
			out = crop.Size()
		}
		if out.X >= w && out.Y >= h {
			return sizePlan{}, false
		}
		return sizePlan{Size: s, Crop: crop, Out: out}, true
	case s.Height <= 0: // width only
		if s.Width >= w {
			return sizePlan{}, false
		}
		return sizePlan{Size: s, Crop: full, Out: image.Pt(s.Width, scaleDim(h, s.Width, w))}, true
	case s.Width <= 0: // height only
		if s.Height >= h {
			return sizePlan{}, false
		}
		return sizePlan{Size: s, Crop: full, Out: image.Pt(scaleDim(w, s.Height, h), s.Height)}, true
	default: // fit inside the box
		f := math.Min(float64(s.Width)/float64(w), float64(s.Height)/float64(h))
		if f >= 1 {
			return sizePlan{}, false
		}
		return sizePlan{Size: s, Crop: full, Out: image.Pt(max(1, int(math.Round(float64(w)*f))), max(1, int(math.Round(float64(h)*f))))}, true
	}
}

// scaleDim returns round(d * num / den), at least 1.
func scaleDim(d, num, den int) int {
	return max(1, int((int64(d)*int64(num)+int64(den)/2)/int64(den)))
}

// focalCrop returns the largest rectangle of aspect tw:th inside a w x h
// image, centred on the focal point (fx, fy in percent of the width and
// height) as far as the image edges allow.
func focalCrop(w, h, tw, th int, fx, fy float64) image.Rectangle {
	cw, ch := w, h
	if int64(w)*int64(th) > int64(h)*int64(tw) {
		cw = scaleDim(h, tw, th) // image wider than the target: cut the sides
	} else {
		ch = scaleDim(w, th, tw) // taller: cut top and bottom
	}
	x0 := focalStart(w, cw, fx)
	y0 := focalStart(h, ch, fy)
	return image.Rect(x0, y0, x0+cw, y0+ch)
}

// focalStart places a window of length n on an axis of length total so its
// centre is at pct percent, clamped inside the axis.
func focalStart(total, n int, pct float64) int {
	if math.IsNaN(pct) {
		pct = 50
	}
	pct = math.Min(math.Max(pct, 0), 100)
	start := int(math.Round(pct/100*float64(total) - float64(n)/2))
	return min(max(start, 0), total-n)
}

// shrinkFactor picks the integer box-filter factor for a first reduction
// pass: the largest k whose result is still at least as big as every
// output needs (scale is the largest output/source ratio).
func shrinkFactor(scale float64) int {
	if scale <= 0 || scale >= 0.5 {
		return 1
	}
	return int(math.Floor(1 / scale))
}

// boxShrink converts src to RGBA while averaging k x k blocks. It reads the
// source one band of k rows at a time through image/draw (which has fast
// paths for the decoders' YCbCr, Gray and paletted images), so it needs
// only the output plus one band of memory: the full-size RGBA copy that a
// direct x/image/draw scale would allocate (96 MB at 24 MP, plus its
// float64 scratch buffer) never exists.
func boxShrink(src image.Image, k int) *image.RGBA {
	b := src.Bounds()
	ow, oh := (b.Dx()+k-1)/k, (b.Dy()+k-1)/k
	dst := image.NewRGBA(image.Rect(0, 0, ow, oh))
	band := image.NewRGBA(image.Rect(0, 0, b.Dx(), k))
	sums := make([]uint32, ow*4)
	counts := make([]uint32, ow)
	for oy := range oh {
		y0 := b.Min.Y + oy*k
		rows := min(k, b.Max.Y-y0)
		stddraw.Draw(band, image.Rect(0, 0, b.Dx(), rows), src, image.Pt(b.Min.X, y0), stddraw.Src)
		clear(sums)
		clear(counts)
		for r := range rows {
			row := band.Pix[r*band.Stride : r*band.Stride+b.Dx()*4]
			for x := range b.Dx() {
				ox := x / k
				p := row[x*4 : x*4+4 : x*4+4]
				s := sums[ox*4 : ox*4+4 : ox*4+4]
				s[0] += uint32(p[0])
				s[1] += uint32(p[1])
				s[2] += uint32(p[2])
				s[3] += uint32(p[3])
				counts[ox]++
			}
		}
		out := dst.Pix[oy*dst.Stride : oy*dst.Stride+ow*4]
		for ox := range ow {
			c := counts[ox]
			for i := range 4 {
				out[ox*4+i] = uint8((sums[ox*4+i] + c/2) / c)
			}
		}
	}
	return dst
}

// orient returns src transformed from its stored orientation (EXIF 1..8)
// to upright.
func orient(src *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return src
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			sx, sy := orientSource(o, x, y, w, h)
			si := src.PixOffset(b.Min.X+sx, b.Min.Y+sy)
			di := dst.PixOffset(x, y)
			copy(dst.Pix[di:di+4], src.Pix[si:si+4])
		}
	}
	return dst
}

// orientSource maps an upright pixel (x, y) back to the stored image of
// size w x h for EXIF orientation o.
func orientSource(o, x, y, w, h int) (sx, sy int) {
	switch o {
	case 2: // mirrored
		return w - 1 - x, y
	case 3: // rotated 180
		return w - 1 - x, h - 1 - y
	case 4: // mirrored vertically
		return x, h - 1 - y
	case 5: // transposed
		return y, x
	case 6: // stored rotated 90 CCW: turn it 90 CW
		return y, h - 1 - x
	case 7: // transversed
		return w - 1 - y, h - 1 - x
	case 8: // stored rotated 90 CW: turn it 90 CCW
		return w - 1 - y, x
	default:
		return x, y
	}
}

// resample cuts crop out of src and scales it to out with a separable
// Catmull-Rom filter (widened by the scale factor when shrinking, so it
// averages rather than skips pixels). It streams: horizontally filtered
// source rows live in a ring just tall enough for the vertical taps, so
// the scratch memory is a few rows, where x/image/draw's Kernel.Scale
// allocates out.X x crop.Dy() x 32 bytes (82 MB for the hero size of a 24 MP
// photo, 768 MB without the box pre-shrink; see BenchmarkDownscale24MP).
func resample(src *image.RGBA, crop image.Rectangle, out image.Point) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, out.X, out.Y))
	crop = crop.Add(src.Bounds().Min).Intersect(src.Bounds())
	if crop.Empty() {
		return dst
	}
	if crop.Size() == out {
		stddraw.Draw(dst, dst.Bounds(), src, crop.Min, stddraw.Src)
		return dst
	}
	xw := filterWeights(out.X, crop.Dx())
	yw := filterWeights(out.Y, crop.Dy())
	taps := 0
	for _, w := range yw {
		taps = max(taps, len(w.w))
	}
	rowLen := out.X * 4
	ring := make([]float32, taps*rowLen)
	held := make([]int, taps) // source row held by each ring slot
	for i := range held {
		held[i] = -1
	}
	row := func(sy int) []float32 {
		slot := sy % taps
		r := ring[slot*rowLen : (slot+1)*rowLen]
		if held[slot] == sy {
			return r
		}
		held[slot] = sy
		off := src.PixOffset(crop.Min.X, crop.Min.Y+sy)
		pix := src.Pix[off : off+crop.Dx()*4]
		for x, w := range xw {
			var r0, g0, b0, a0 float32
			p := pix[w.start*4:]
			for i, wt := range w.w {
				r0 += wt * float32(p[i*4])
				g0 += wt * float32(p[i*4+1])
				b0 += wt * float32(p[i*4+2])
				a0 += wt * float32(p[i*4+3])
			}
			r[x*4], r[x*4+1], r[x*4+2], r[x*4+3] = r0, g0, b0, a0
		}
		return r
	}
	acc := make([]float32, rowLen)
	for y, w := range yw {
		clear(acc)
		for i, wt := range w.w {
			r := row(w.start + i)
			for j, v := range r {
				acc[j] += wt * v
			}
		}
		d := dst.Pix[y*dst.Stride : y*dst.Stride+rowLen]
		for x := 0; x < rowLen; x += 4 {
			// Premultiplied colour must not exceed alpha; the filter's
			// negative lobes can overshoot either way.
			a := clamp8(acc[x+3])
			d[x+3] = a
			d[x] = min(clamp8(acc[x]), a)
			d[x+1] = min(clamp8(acc[x+1]), a)
			d[x+2] = min(clamp8(acc[x+2]), a)
		}
	}
	return dst
}

func clamp8(v float32) uint8 {
	switch {
	case v <= 0:
		return 0
	case v >= 255:
		return 255
	default:
		return uint8(v + 0.5)
	}
}

// tapWeights are the filter weights of one output pixel over source
// pixels start, start+1, ...
type tapWeights struct {
	start int
	w     []float32
}

// filterWeights computes normalised Catmull-Rom weights mapping n source
// pixels to m output pixels.
func filterWeights(m, n int) []tapWeights {
	scale := float64(n) / float64(m)
	stretch := math.Max(scale, 1) // widen the kernel when shrinking
	support := 2 * stretch
	out := make([]tapWeights, m)
	for i := range m {
		center := (float64(i)+0.5)*scale - 0.5
		lo := max(int(math.Ceil(center-support)), 0)
		hi := min(int(math.Floor(center+support)), n-1)
		w := make([]float32, 0, hi-lo+1)
		var sum float64
		for j := lo; j <= hi; j++ {
			v := catmullRom((float64(j) - center) / stretch)
			w = append(w, float32(v))
			sum += v
		}
		if sum != 0 {
			for k := range w {
				w[k] = float32(float64(w[k]) / sum)
			}
		}
		out[i] = tapWeights{start: lo, w: w}
	}
	return out
}

// catmullRom is the Catmull-Rom cubic (B=0, C=1/2), support [-2, 2].
func catmullRom(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x < 1:
		return (1.5*x-2.5)*x*x + 1
	case x < 2:
		return ((-0.5*x+2.5)*x-4)*x + 2
	}
	return 0
}
