package mediatest

import (
	"bytes"
	"image"
	"image/png"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// edgeRed is the mean red value of the leftmost and rightmost pixel
// columns of a PNG: in testPNG's gradient red grows with x, so it tells
// which horizontal stretch of the original a crop shows.
func edgeRed(t *testing.T, data []byte) (left, right float64) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	b := img.Bounds()
	col := func(x int) float64 {
		var sum float64
		for y := b.Min.Y; y < b.Max.Y; y++ {
			r, _, _, _ := img.At(x, y).RGBA()
			sum += float64(r >> 8)
		}
		return sum / float64(b.Dy())
	}
	return col(b.Min.X), col(b.Max.X - 1)
}

// checkWindow checks that a thumbnail of testPNG(1200, 800) was cut around
// focalX focal: the window's left edge is at (1200-1067)·f/100 pixels, and
// red ≈ x·255/1200.
func checkWindow(t *testing.T, name string, data []byte, focal float64) {
	t.Helper()
	x0 := (1200 - 1066.67) * focal / 100
	wl, wr := x0*255/1200, (x0+1066.67)*255/1200
	l, r := edgeRed(t, data)
	if l < wl-3 || l > wl+3 || r < wr-3 || r > wr+3 {
		t.Errorf("%s (focalX %v): edge red %.1f/%.1f, want about %.1f/%.1f", name, focal, l, r, wl, wr)
	}
}

// TestFocalPointRecutsSizes: changing a media document's focal point (a
// PATCH without a file, as the admin's media editor saves it) cuts the
// cropped sizes again around the new point, under new names, and removes
// the old size files; the original stays. A 1200x800 gradient becomes a
// 400x300 thumbnail cut from a 1067x800 window, which slides along x with
// focalX: its edge columns show the red of the window's edges. On the
// local disk and on S3.
func TestFocalPointRecutsSizes(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { focalRecut(t, newCMS(t, b.vars(t))) })
	}
}

func focalRecut(t *testing.T, c *cms) {
	hero := testPNG(t, 1200, 800)
	res := c.upload(t, part{Name: "file", File: "hero.png", Type: "image/png", Data: hero}, part{Name: "_payload", Data: []byte(`{"alt":"Hero"}`)})
	if res.status != 201 {
		t.Fatalf("create: %d %s", res.status, res.body)
	}
	doc := res.json(t)["doc"].(map[string]any)
	id := strconv.Itoa(num(doc["id"]))
	thumb := func(doc map[string]any) (string, []byte) {
		t.Helper()
		name, body := thumbnailOf(t, c, doc)
		cfg, _, err := image.DecodeConfig(bytes.NewReader(body))
		if err != nil || cfg.Width != 400 || cfg.Height != 300 {
			t.Fatalf("thumbnail %s: %dx%d %v", name, cfg.Width, cfg.Height, err)
		}
		return name, body
	}
	centreName, centre := thumb(doc)
	if centreName != "hero-400x300.png" {
		t.Fatalf("thumbnail at upload: %s", centreName)
	}
	check := func(name string, data []byte, focal float64) { t.Helper(); checkWindow(t, name, data, focal) }
	check(centreName, centre, 50)

	patch := func(body string) map[string]any {
		t.Helper()
		r := c.do(t, "PATCH", "/api/media/"+id, strings.NewReader(body), "application/json", true)
		if r.status != 200 {
			t.Fatalf("PATCH %s: %d %s", body, r.status, r.body)
		}
		return r.json(t)["doc"].(map[string]any)
	}
	left := patch(`{"focalX": 0}`)
	leftName, leftPx := thumb(left)
	if leftName != "hero-400x300-f0-50.png" || num(left["focalX"]) != 0 {
		t.Fatalf("after focalX 0: thumbnail %s, focalX %v", leftName, left["focalX"])
	}
	check(leftName, leftPx, 0)
	if bytes.Equal(leftPx, centre) {
		t.Fatal("the thumbnail did not change with the focal point")
	}
	right := patch(`{"focalX": 100, "focalY": 50}`)
	rightName, rightPx := thumb(right)
	check(rightName, rightPx, 100)
	if card := sizeOf(t, right, "card-webp")["filename"]; card != "hero-768x512-f100-50.webp" {
		t.Errorf("card-webp after focalX 100: %v", card)
	}
	// The old crops are gone, the original and the new sizes are stored,
	// and the store and its index agree.
	objs := c.objects(t)
	wantObjs := []string{"hero-400x300-f100-50.png", "hero-400x300-f100-50.webp", "hero-768x512-f100-50.png", "hero-768x512-f100-50.webp", "hero.png"}
	if !slices.Equal(objs, wantObjs) {
		t.Errorf("objects %v, want %v", objs, wantObjs)
	}
	c.requireConsistent(t)
	if r := c.do(t, "GET", "/api/media/file/hero.png", nil, "", false); r.status != 200 || !bytes.Equal(r.body, hero) {
		t.Errorf("original changed: %d, %d bytes", r.status, len(r.body))
	}
	// The same point again, or another field, cuts nothing.
	same := patch(`{"focalX": 100, "alt": "Hero again"}`)
	if n, _ := thumb(same); n != rightName || same["alt"] != "Hero again" {
		t.Errorf("unchanged focal point: thumbnail %s, alt %v", n, same["alt"])
	}
	// Back to the centre: the first crop again, pixel for pixel.
	back := patch(`{"focalX": 50}`)
	if _, px := thumb(back); !bytes.Equal(px, centre) {
		t.Error("back at 50/50 the thumbnail differs from the one made at upload")
	}
	// A point past the edge cuts at the edge.
	past := patch(`{"focalX": 150}`)
	if _, px := thumb(past); !bytes.Equal(px, rightPx) {
		t.Error("focalX 150 does not cut as focalX 100")
	}
	// Not a number is refused and changes nothing.
	if r := c.do(t, "PATCH", "/api/media/"+id, strings.NewReader(`{"focalX": "left"}`), "application/json", true); r.status != 400 {
		t.Errorf("focalX \"left\": %d %s", r.status, r.body)
	}
	c.requireConsistent(t)
}

// TestBulkFocalPointRecutsSizes: a bulk PATCH (where) that moves the focal
// point recuts the sizes of every matching document exactly as a single
// PATCH does: the same names, the same pixels, the old crops removed. On
// the local disk and on S3.
func TestBulkFocalPointRecutsSizes(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { bulkFocalRecut(t, newCMS(t, b.vars(t))) })
	}
}

func bulkFocalRecut(t *testing.T, c *cms) {
	px := testPNG(t, 1200, 800)
	ids := map[string]string{}
	for _, name := range []string{"one.png", "two.png", "single.png"} {
		res := c.upload(t, part{Name: "file", File: name, Type: "image/png", Data: px}, part{Name: "_payload", Data: []byte(`{"alt":"Bulk"}`)})
		if res.status != 201 {
			t.Fatalf("create %s: %d %s", name, res.status, res.body)
		}
		ids[name] = strconv.Itoa(num(res.json(t)["doc"].(map[string]any)["id"]))
	}
	thumb := func(doc map[string]any) (string, []byte) { t.Helper(); return thumbnailOf(t, c, doc) }
	r := c.do(t, "PATCH", "/api/media/"+ids["single.png"], strings.NewReader(`{"focalX": 0}`), "application/json", true)
	if r.status != 200 {
		t.Fatalf("single PATCH: %d %s", r.status, r.body)
	}
	singleName, single := thumb(r.json(t)["doc"].(map[string]any))
	if singleName != "single-400x300-f0-50.png" {
		t.Fatalf("single recut thumbnail %s", singleName)
	}
	checkWindow(t, singleName, single, 0)

	where := "/api/media?where[id][in]=" + ids["one.png"] + "," + ids["two.png"]
	r = c.do(t, "PATCH", where, strings.NewReader(`{"focalX": 0}`), "application/json", true)
	if r.status != 200 {
		t.Fatalf("bulk PATCH: %d %s", r.status, r.body)
	}
	docs, _ := r.json(t)["docs"].([]any)
	if len(docs) != 2 {
		t.Fatalf("bulk PATCH docs: %s", r.body)
	}
	for _, d := range docs {
		doc := d.(map[string]any)
		file, _ := doc["filename"].(string)
		name, data := thumb(doc)
		if want := strings.TrimSuffix(file, ".png") + "-400x300-f0-50.png"; name != want || num(doc["focalX"]) != 0 {
			t.Errorf("%s after the bulk PATCH: thumbnail %s (want %s), focalX %v", file, name, want, doc["focalX"])
		}
		if !bytes.Equal(data, single) {
			t.Errorf("%s: the bulk recut differs from the single PATCH's", name)
		}
		if card := sizeOf(t, doc, "card-webp")["filename"]; card != strings.TrimSuffix(file, ".png")+"-768x512-f0-50.webp" {
			t.Errorf("%s card-webp: %v", file, card)
		}
	}
	// The centred crops of the bulk-edited documents are gone.
	for _, o := range c.objects(t) {
		if strings.HasPrefix(o, "one-") || strings.HasPrefix(o, "two-") {
			if !strings.Contains(o, "-f0-50.") {
				t.Errorf("old crop %s still stored", o)
			}
		}
	}
	c.requireConsistent(t)
}

// thumbnailOf fetches a media document's thumbnail through the API and
// returns its file name and bytes.
func thumbnailOf(t *testing.T, c *cms, doc map[string]any) (string, []byte) {
	t.Helper()
	name, _ := sizeOf(t, doc, "thumbnail")["filename"].(string)
	r := c.do(t, "GET", "/api/media/file/"+name, nil, "", false)
	if r.status != 200 {
		t.Fatalf("thumbnail %s: %d", name, r.status)
	}
	return name, r.body
}
