package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"golang.org/x/sync/errgroup"
)

// Dataset describes what Seed created, for building requests against it.
type Dataset struct {
	Pages         int
	Media         int
	PageIDs       []int64
	Slugs         []string
	SearchWords   []string
	AdminEmail    string
	AdminPassword string `json:"-"`
	SeedTime      time.Duration
}

// Words titles are made of; searches use them.
var words = []string{
	"alpine", "harbor", "quantum", "meadow", "copper", "lantern", "orchid", "summit", "velvet", "glacier",
	"ember", "falcon", "granite", "horizon", "island", "juniper", "kestrel", "lagoon", "mosaic", "nebula",
	"oasis", "prairie", "quartz", "river", "sierra", "timber", "umbra", "valley", "willow", "zephyr",
}

// SeedOptions size the data set.
type SeedOptions struct {
	Pages   int
	Media   int
	Workers int    // concurrent creates (validations with Bulk)
	Seed    uint64 // deterministic content
	// Bulk, when set, stores the documents with multi-row INSERTs after
	// the service validated them (content.Service.Prepare): the same rows
	// as the service's Create, at a fraction of the round trips.
	Bulk BulkCreator
}

// BulkCreator stores prepared records in bulk (store.DB.BulkCreate).
type BulkCreator interface {
	BulkCreate(ctx context.Context, c *content.Collection, recs []content.Record) ([]int64, error)
}

// bulkBatch is how many documents are validated before one BulkCreate.
const bulkBatch = 2000

// Seed creates an admin user, opts.Media media documents (upload metadata
// with image sizes, no files) and opts.Pages published pages with blocks,
// rich text, a hero image, meta image and related pages, through the content
// service — the same validation and storage path the API uses.
func Seed(ctx context.Context, svc *content.Service, as *auth.Service, opts SeedOptions) (*Dataset, error) {
	start := time.Now()
	ds, actor, err := seedAdmin(ctx, as, opts)
	if err != nil {
		return nil, err
	}
	if err := seedContent(ctx, svc, actor, opts, ds); err != nil {
		return nil, err
	}
	ds.SeedTime = time.Since(start)
	return ds, nil
}

// seedAdmin creates the data set's admin user.
func seedAdmin(ctx context.Context, as *auth.Service, opts SeedOptions) (*Dataset, *content.Actor, error) {
	ds := &Dataset{Pages: opts.Pages, Media: opts.Media, SearchWords: words,
		AdminEmail: "bench-admin@example.com", AdminPassword: "bench-" + strconv.FormatUint(rand.Uint64(), 36) + "-Pw!"}
	res, err := as.CreateUserAsSystem(ctx, auth.Registration{Email: ds.AdminEmail, Password: ds.AdminPassword, Name: "Bench Admin", Roles: []string{content.RoleAdmin}})
	if err != nil {
		return nil, nil, fmt.Errorf("bench: seed admin: %w", err)
	}
	u := auth.UserOf(res.Doc)
	return ds, &content.Actor{ID: u.ID, Email: u.Email, Roles: u.Roles}, nil
}

// seedContent creates the media, pages and globals of ds as actor (its
// author).
func seedContent(ctx context.Context, svc *content.Service, actor *content.Actor, opts SeedOptions, ds *Dataset) error {
	workers := max(1, opts.Workers)

	mediaIDs, err := seedMedia(ctx, svc, actor, opts, workers)
	if err != nil {
		return err
	}

	ds.PageIDs = make([]int64, opts.Pages)
	ds.Slugs = make([]string, opts.Pages)
	// Pages relate to earlier pages, which must exist: the first batch has
	// no relations, the rest point into it.
	first := min(opts.Pages, 200)
	input := func(i int) map[string]any {
		r := rand.New(rand.NewPCG(opts.Seed, uint64(i)))
		var related []int64
		if i >= first {
			related = []int64{ds.PageIDs[r.IntN(first)], ds.PageIDs[r.IntN(first)]}
			if related[0] == related[1] {
				related = related[:1]
			}
		}
		return pageDoc(i, r, mediaIDs, related, actor.ID)
	}
	for i := range opts.Pages {
		ds.Slugs[i] = pageSlug(i)
	}
	if err := seedPages(ctx, svc, actor, opts, workers, first, input, ds.PageIDs); err != nil {
		return err
	}
	return seedGlobals(ctx, svc, actor, ds.PageIDs)
}

// seedMedia creates opts.Media media documents (metadata, no files) and
// returns their ids.
func seedMedia(ctx context.Context, svc *content.Service, actor *content.Actor, opts SeedOptions, workers int) ([]int64, error) {
	ids := make([]int64, opts.Media)
	if opts.Bulk != nil {
		return ids, bulk(ctx, svc, actor, opts.Bulk, collections.MediaSlug, 0, opts.Media, workers, ids, func(i int) (map[string]any, *content.Attachment) {
			in, sys := mediaDoc(i)
			return in, &content.Attachment{Fields: sys} // a media.Preset
		})
	}
	return ids, parallel(ctx, opts.Media, workers, func(ctx context.Context, i int) error {
		in, sys := mediaDoc(i)
		res, err := svc.Create(ctx, actor, collections.MediaSlug, in, content.WriteOptions{Attachment: &content.Attachment{Fields: sys}}) // a media.Preset
		if err != nil {
			return fmt.Errorf("bench: seed media %d: %w", i, err)
		}
		ids[i], err = docID(res.Doc)
		return err
	})
}

// seedPages creates opts.Pages pages from input into ids: the first ones
// (which the others relate to) before the rest.
func seedPages(ctx context.Context, svc *content.Service, actor *content.Actor, opts SeedOptions, workers, first int,
	input func(i int) map[string]any, ids []int64) error {
	if opts.Bulk != nil {
		page := func(i int) (map[string]any, *content.Attachment) { return input(i), nil }
		if err := bulk(ctx, svc, actor, opts.Bulk, collections.PagesSlug, 0, first, workers, ids, page); err != nil {
			return err
		}
		return bulk(ctx, svc, actor, opts.Bulk, collections.PagesSlug, first, opts.Pages, workers, ids, page)
	}
	create := func(ctx context.Context, i int) error {
		res, err := svc.Create(ctx, actor, collections.PagesSlug, input(i), content.WriteOptions{})
		if err != nil {
			return fmt.Errorf("bench: seed page %d: %w", i, err)
		}
		ids[i], err = docID(res.Doc)
		return err
	}
	if err := parallel(ctx, first, workers, create); err != nil {
		return err
	}
	return parallel(ctx, opts.Pages-first, workers, func(ctx context.Context, i int) error { return create(ctx, i+first) })
}

// seedGlobals saves the site's header (published) and footer through the
// service, as the website template's editors would: six links, four to
// pages (populated at depth=1) and two custom URLs.
func seedGlobals(ctx context.Context, svc *content.Service, actor *content.Actor, pages []int64) error {
	nav := make([]any, 0, navLinks)
	for k := range navLinks {
		label := words[k%len(words)]
		if k < navLinks-2 && len(pages) > 0 {
			nav = append(nav, map[string]any{"link": map[string]any{"type": "reference", "label": label,
				"reference": map[string]any{"relationTo": collections.PagesSlug, "value": pages[(k*len(pages))/navLinks]}}})
			continue
		}
		nav = append(nav, map[string]any{"link": map[string]any{"type": "custom", "label": label, "url": "https://example.com/" + label, "newTab": true}})
	}
	for _, g := range []struct {
		slug  string
		input map[string]any
	}{
		{collections.HeaderSlug, map[string]any{"navItems": nav, "_status": content.StatusPublished}},
		{collections.FooterSlug, map[string]any{"navItems": nav}},
	} {
		if _, err := svc.UpdateGlobal(ctx, actor, g.slug, fromJSON(g.input), content.WriteOptions{}); err != nil {
			return fmt.Errorf("bench: seed global %s: %w", g.slug, err)
		}
	}
	return nil
}

// navLinks is how many links the seeded header and footer hold (the
// field's maximum).
const navLinks = 6

// bulk validates documents from..to-1 of a collection through the service
// (workers at a time) and stores them bulkBatch at a time, in index order,
// writing their ids into ids[from:to]. A batch is stored while the next
// one is validated: the database's work overlaps the service's.
func bulk(ctx context.Context, svc *content.Service, actor *content.Actor, b BulkCreator, slug string, from, to, workers int,
	ids []int64, doc func(i int) (input map[string]any, attachment *content.Attachment)) error {
	col, ok := svc.Registry().Get(slug)
	if !ok {
		return fmt.Errorf("bench: no collection %q", slug)
	}
	stored := make(chan error, 1)
	stored <- nil
	for lo := from; lo < to; lo += bulkBatch {
		hi := min(lo+bulkBatch, to)
		recs := make([]content.Record, hi-lo)
		if err := parallel(ctx, hi-lo, workers, func(ctx context.Context, k int) error {
			in, att := doc(lo + k)
			rec, err := svc.Prepare(ctx, actor, slug, in, content.WriteOptions{Attachment: att})
			if err != nil {
				return fmt.Errorf("bench: seed %s %d: %w", slug, lo+k, err)
			}
			recs[k] = rec
			return nil
		}); err != nil {
			<-stored
			return err
		}
		if err := <-stored; err != nil {
			return err
		}
		go func() {
			got, err := b.BulkCreate(ctx, col, recs)
			if err != nil {
				stored <- fmt.Errorf("bench: seed %s %d..%d: %w", slug, lo, hi-1, err)
				return
			}
			copy(ids[lo:hi], got)
			stored <- nil
		}()
	}
	return <-stored
}

// parallel runs fn(0..n-1) on workers goroutines, stopping at the first error.
func parallel(ctx context.Context, n, workers int, fn func(ctx context.Context, i int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := range n {
		if ctx.Err() != nil {
			break // a create failed: stop queueing
		}
		g.Go(func() error { return fn(ctx, i) })
	}
	return g.Wait()
}

func docID(d content.Doc) (int64, error) {
	switch v := d["id"].(type) {
	case int64:
		return v, nil
	case int:
		return int64(v), nil
	case float64:
		return int64(v), nil
	case json.Number:
		return v.Int64()
	case string:
		return strconv.ParseInt(v, 10, 64)
	}
	return 0, fmt.Errorf("bench: document id %v (%T) is not a number", d["id"], d["id"])
}

// fromJSON returns v as the API decodes a request body (json.Decoder with
// UseNumber: objects map[string]any, arrays []any, numbers json.Number).
// The literals built here hold only the types apiValue converts directly,
// the same values an encode-then-decode round trip yields at a fraction of
// its cost (it was a sixth of the seed's CPU); anything else takes the
// round trip.
func fromJSON(v map[string]any) map[string]any {
	out, ok := apiValue(v).(map[string]any)
	if !ok {
		panic(fmt.Sprintf("bench: %T is not a JSON object", v))
	}
	return out
}

func apiValue(v any) any {
	switch x := v.(type) {
	case nil, string, bool:
		return x
	case int:
		return json.Number(strconv.Itoa(x))
	case int64:
		return json.Number(strconv.FormatInt(x, 10))
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = apiValue(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = apiValue(e)
		}
		return l
	case []int64:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = apiValue(e)
		}
		return l
	}
	return roundTrip(v)
}

// roundTrip decodes v's JSON the way the API decodes request bodies.
func roundTrip(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // literals built here always marshal
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		panic(err)
	}
	return out
}

func mediaDoc(i int) (input, system map[string]any) {
	w, h := 1600+(i%5)*160, 900+(i%7)*90
	name := fmt.Sprintf("bench-image-%05d", i)
	size := func(label string, sw int) map[string]any {
		sh := sw * h / w
		return map[string]any{"url": "/api/media/file/" + name + "-" + label + ".webp", "width": sw, "height": sh,
			"mimeType": "image/webp", "filesize": sw * sh / 10, "filename": name + "-" + label + ".webp"}
	}
	input = fromJSON(map[string]any{"alt": fmt.Sprintf("%s %s photograph number %d", words[i%len(words)], words[(i/7)%len(words)], i),
		"caption": "Bench media caption " + strconv.Itoa(i)})
	system = fromJSON(map[string]any{
		"filename": name + ".jpg", "mimeType": "image/jpeg", "filesize": 180_000 + i*37, "width": w, "height": h,
		"sizes": map[string]any{"thumbnail": size("thumbnail", 300), "card": size("card", 768), "tablet": size("tablet", 1024)},
	})
	return input, system
}

// The page builders below write the API's decoded shape directly (numbers
// as json.Number, lists as []any): no conversion copies a page.
// TestPagesAreTheAPIsDecoding holds them to it.

// num is n as the API decodes it.
func num[N int | int64](n N) json.Number { return json.Number(strconv.FormatInt(int64(n), 10)) }

const (
	zero = json.Number("0")
	one  = json.Number("1")
)

func text(s string, format json.Number) map[string]any {
	return map[string]any{"type": "text", "version": one, "text": s, "format": format, "style": "", "mode": "normal", "detail": zero}
}

func element(typ string, children []any, extra map[string]any) map[string]any {
	n := make(map[string]any, 6+len(extra))
	n["type"], n["version"], n["format"], n["indent"], n["direction"], n["children"] = typ, one, "", zero, "ltr", children
	for k, v := range extra {
		n[k] = v
	}
	return n
}

func sentence(r *rand.Rand, n int) string {
	var b strings.Builder
	for j := range n {
		if j > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[r.IntN(len(words))])
	}
	return b.String() + "."
}

// richText is a Lexical document of a heading, paragraphs with bold text
// and a link, and a bullet list: a few KB, like a real page body.
func richText(r *rand.Rand, paragraphs int) map[string]any {
	kids := make([]any, 0, paragraphs+2)
	kids = append(kids, element("heading", []any{text(sentence(r, 4), zero)}, map[string]any{"tag": "h2"}))
	for range paragraphs {
		kids = append(kids, element("paragraph", []any{
			text(sentence(r, 25), zero), text(sentence(r, 3), one),
			element("link", []any{text("read more", zero)}, map[string]any{"fields": map[string]any{"linkType": "custom", "url": "https://example.com/" + words[r.IntN(len(words))], "newTab": false}}),
			text(sentence(r, 15), zero),
		}, map[string]any{"textFormat": zero, "textStyle": ""}))
	}
	items := make([]any, 0, 4)
	for j := range 4 {
		items = append(items, element("listitem", []any{text(sentence(r, 6), zero)}, map[string]any{"value": num(j + 1)}))
	}
	kids = append(kids, element("list", items, map[string]any{"listType": "bullet", "tag": "ul", "start": one}))
	return map[string]any{"root": element("root", kids, nil)}
}

func pageSlug(i int) string { return fmt.Sprintf("bench-page-%05d", i) }

func pageDoc(i int, r *rand.Rand, media []int64, related []int64, author int64) map[string]any {
	pick := func() json.Number { return num(media[r.IntN(len(media))]) }
	title := fmt.Sprintf("%s %s %s %d", strings.ToUpper(words[i%len(words)][:1])+words[i%len(words)][1:],
		words[r.IntN(len(words))], words[r.IntN(len(words))], i)
	published := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(3*365*24)) * time.Hour)
	link := func(l string) map[string]any {
		return map[string]any{"label": l, "url": "https://example.com/" + l, "newTab": false}
	}
	doc := map[string]any{
		"title":       title,
		"slug":        pageSlug(i),
		"_status":     content.StatusPublished,
		"publishedAt": published.Format(time.RFC3339),
		"content":     richText(r, 4),
		"heroImage":   pick(),
		"author":      num(author),
		"meta":        map[string]any{"title": title + " | Chronos", "description": sentence(r, 30), "image": pick()},
		"layout": []any{
			map[string]any{"blockType": "hero", "heading": title, "subheading": sentence(r, 20), "media": pick(), "links": []any{link("start"), link("learn")}},
			map[string]any{"blockType": "content", "richText": richText(r, 3)},
			map[string]any{"blockType": "mediaBlock", "media": pick(), "caption": sentence(r, 8)},
			map[string]any{"blockType": "callToAction", "heading": sentence(r, 5), "richText": richText(r, 1), "links": []any{link("contact")}},
			map[string]any{"blockType": "features", "items": []any{
				map[string]any{"title": sentence(r, 3), "description": sentence(r, 12), "icon": pick()},
				map[string]any{"title": sentence(r, 3), "description": sentence(r, 12), "icon": pick()},
				map[string]any{"title": sentence(r, 3), "description": sentence(r, 12), "icon": pick()},
			}},
		},
	}
	if len(related) > 0 {
		ids := make([]any, len(related))
		for j, id := range related {
			ids[j] = num(id)
		}
		doc["related"] = ids
	}
	return doc
}
