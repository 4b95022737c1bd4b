package admin

import (
	"github.com/automatonic/chronos/app/collections"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/content"
)

func TestHumanize(t *testing.T) {
	for in, want := range map[string]string{
		"title": "Title", "publishedAt": "Published at", "url": "URL", "newTab": "New tab", "heroImage": "Hero image", "": "",
	} {
		t.Run(in, func(t *testing.T) {
			if got := humanize(in); got != want {
				t.Errorf("humanize(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func pagesFields(t *testing.T) []content.Field {
	t.Helper()
	c, ok := collections.MustRegistry().Get(collections.PagesSlug)
	if !ok {
		t.Fatal("no pages collection")
	}
	return c.Fields
}

func TestParseForm(t *testing.T) {
	fields := pagesFields(t)
	tests := []struct {
		name  string
		form  url.Values
		want  map[string]any
		errs  map[string]string
		check func(t *testing.T, got map[string]any)
	}{
		{
			name: "scalars; absent fields are not touched",
			form: url.Values{"title": {"Hello"}, "slug": {""}, "publishedAt": {"2026-01-02T03:04"}},
			want: map[string]any{"title": "Hello", "slug": nil, "publishedAt": "2026-01-02T03:04:00.000Z"},
		},
		{
			name: "bad values stay as typed with an error",
			form: url.Values{"publishedAt": {"tomorrow"}, "heroImage": {"abc"}, "content": {"{not json"}},
			want: map[string]any{"publishedAt": "tomorrow", "heroImage": "abc", "content": "{not json"},
			errs: map[string]string{"publishedAt": "Enter a date and time.", "heroImage": "Choose a document.", "content": "This is not valid JSON."},
		},
		{
			name: "group",
			form: url.Values{"meta.title": {"SEO"}, "meta.description": {"Desc"}, "meta.image": {"7"}},
			want: map[string]any{"meta": map[string]any{"title": "SEO", "description": "Desc", "image": int64(7)}},
		},
		{
			name: "blocks are renumbered densely and keep ids and types",
			form: url.Values{
				"layout":                  {""},
				"layout.0.id":             {"a"},
				"layout.0.blockType":      {"hero"},
				"layout.0.heading":        {"Hi"},
				"layout.0.links.0.id":     {""},
				"layout.0.links.0.url":    {"/x"},
				"layout.0.links.0.newTab": {"false", "true"},
				"layout.2.id":             {"b"},
				"layout.2.blockType":      {"content"},
				"layout.2.richText":       {`{"root":{"type":"root","children":[]}}`},
			},
			check: func(t *testing.T, got map[string]any) {
				rows, _ := got["layout"].([]any)
				if len(rows) != 2 {
					t.Fatalf("rows = %v", got["layout"])
				}
				hero := rows[0].(map[string]any)
				if hero["id"] != "a" || hero["blockType"] != "hero" || hero["heading"] != "Hi" {
					t.Errorf("hero = %v", hero)
				}
				links := hero["links"].([]any)
				if l := links[0].(map[string]any); l["url"] != "/x" || l["newTab"] != true {
					t.Errorf("link = %v", l)
				}
				if c := rows[1].(map[string]any); c["id"] != "b" || c["richText"] == nil {
					t.Errorf("content = %v", c)
				}
			},
		},
		{
			name: "an emptied blocks field is an empty list",
			form: url.Values{"layout": {""}},
			want: map[string]any{"layout": []any{}},
		},
		{
			name: "related ids",
			form: url.Values{"related": {"3, 4"}},
			want: map[string]any{"related": []any{int64(3), int64(4)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &parser{form: tt.form, errs: map[string]string{}}
			got := p.parse(fields, "")
			if tt.check != nil {
				tt.check(t, got)
			} else if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parse = %#v, want %#v", got, tt.want)
			}
			if tt.errs == nil {
				tt.errs = map[string]string{}
			}
			if !reflect.DeepEqual(p.errs, tt.errs) {
				t.Errorf("errs = %v, want %v", p.errs, tt.errs)
			}
		})
	}
}

func TestRowOps(t *testing.T) {
	mk := func() map[string]any {
		return map[string]any{"layout": []any{
			map[string]any{"blockType": "hero", "id": "1", "links": []any{map[string]any{"id": "l1"}}},
			map[string]any{"blockType": "content", "id": "2"},
		}}
	}
	ids := func(d map[string]any) []any {
		var out []any
		for _, r := range d["layout"].([]any) {
			out = append(out, r.(map[string]any)["id"])
		}
		return out
	}
	tests := []struct {
		op      string
		ok      bool
		open    string
		wantIDs []any
	}{
		{"add:layout:features", true, "layout.2", []any{"1", "2", nil}},
		{"remove:layout.0", true, "", []any{"2"}},
		{"up:layout.1", true, "layout.0", []any{"2", "1"}},
		{"down:layout.0", true, "layout.1", []any{"2", "1"}},
		{"down:layout.1", true, "layout.1", []any{"1", "2"}},
		{"add:layout.0.links", true, "layout.0.links.1", []any{"1", "2"}},
		{"dup:layout.0", true, "layout.1", []any{"1", nil, "2"}},
		{"dup:layout.1", true, "layout.2", []any{"1", "2", nil}},
		{"dup:layout.2", false, "", []any{"1", "2"}},
		{"remove:layout.9", false, "", []any{"1", "2"}},
		{"remove:layout.x", false, "", []any{"1", "2"}},
		{"remove:title.0", false, "", []any{"1", "2"}},
		{"explode:layout", false, "", []any{"1", "2"}},
		{"add:layout.0.heading.3", false, "", []any{"1", "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			d := mk()
			d["title"] = "x"
			op, ok := parseRowOp(tt.op)
			open := ""
			if ok {
				open, ok = op.apply(d)
			}
			if ok != tt.ok || open != tt.open {
				t.Fatalf("ok=%v open=%q, want %v %q", ok, open, tt.ok, tt.open)
			}
			if got := ids(d); !reflect.DeepEqual(got, tt.wantIDs) {
				t.Errorf("ids = %v, want %v", got, tt.wantIDs)
			}
		})
	}
}

// A duplicate copies the row's values and nested rows, without any row id,
// and leaves the original as it was.
func TestDuplicateRowDropsIDs(t *testing.T) {
	d := map[string]any{"layout": []any{
		map[string]any{"blockType": "hero", "id": "1", "heading": "Hi", "media": int64(3),
			"links": []any{map[string]any{"id": "l1", "url": "/a"}}},
	}}
	op, _ := parseRowOp("dup:layout.0")
	if _, ok := op.apply(d); !ok {
		t.Fatal("dup refused")
	}
	rows := d["layout"].([]any)
	want := map[string]any{"blockType": "hero", "heading": "Hi", "media": int64(3), "links": []any{map[string]any{"url": "/a"}}}
	if len(rows) != 2 || !reflect.DeepEqual(rows[1], want) {
		t.Fatalf("copy = %#v", rows)
	}
	if orig := rows[0].(map[string]any); orig["id"] != "1" || orig["links"].([]any)[0].(map[string]any)["id"] != "l1" {
		t.Fatalf("original changed: %#v", orig)
	}
}

// Row templates exist for every list and block type, nested lists
// included, keyed by schema path; their fields live under __ROW__.
func TestRowTemplates(t *testing.T) {
	fields := []content.Field{
		{Name: "layout", Type: content.Blocks, Blocks: []content.Block{
			{Slug: "hero", Label: "Hero", Fields: []content.Field{{Name: "heading", Type: content.Text},
				{Name: "links", Type: content.Array, Fields: []content.Field{{Name: "url", Type: content.Text}}}}},
			{Slug: "content", Label: "Content", Fields: []content.Field{{Name: "richText", Type: content.RichText}}},
		}},
		{Name: "meta", Type: content.Group, Fields: []content.Field{
			{Name: "tags", Type: content.Array, Fields: []content.Field{{Name: "tag", Type: content.Text}}}}},
	}
	b := &builder{errs: map[string]string{}}
	var got []string
	for _, rt := range b.templates(fields, "") {
		got = append(got, rt.Key+"|"+rt.Block+"|"+rt.Row.Path+"|"+rt.Row.Name)
		if len(rt.Row.Fields) == 0 || !strings.HasPrefix(rt.Row.Fields[0].Path, templateRow+".") || !rt.Row.Open {
			t.Errorf("template %s/%s: fields %#v", rt.Key, rt.Block, rt.Row.Fields)
		}
	}
	want := []string{"layout|hero|__ROW__|Hero 1", "layout.hero.links||__ROW__|Row 1", "layout|content|__ROW__|Content 1", "meta.tags||__ROW__|Row 1"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("templates = %q, want %q", got, want)
	}
	// The hero template's links list carries the key its templates use.
	views := b.build(fields, map[string]any{"layout": []any{map[string]any{"blockType": "hero"}}}, "")
	if k := views[0].Rows[0].Fields[1].Key; k != "layout.hero.links" || views[0].Key != "layout" {
		t.Fatalf("keys %q %q", views[0].Key, k)
	}
}

func TestPreviewToken(t *testing.T) {
	secret := []byte("s3cret")
	now := time.Unix(1_800_000_000, 0)
	tok := PreviewToken(secret, "pages", 42, now)
	tests := []struct {
		name   string
		token  string
		secret []byte
		at     time.Time
		ok     bool
	}{
		{"valid", tok, secret, now.Add(9 * time.Minute), true},
		{"expired", tok, secret, now.Add(PreviewTTL + time.Second), false},
		{"other secret", tok, []byte("other"), now, false},
		{"tampered id", "pages.43" + tok[len("pages.42"):], secret, now, false},
		{"garbage", "a.b.c", secret, now, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			col, id, ok := VerifyPreviewToken(tt.secret, tt.token, tt.at)
			if ok != tt.ok || (ok && (col != "pages" || id != 42)) {
				t.Errorf("verify = %q %d %v, want ok=%v", col, id, ok, tt.ok)
			}
		})
	}
}

func TestSafeRedirect(t *testing.T) {
	for in, want := range map[string]string{
		"/admin/collections/pages": "/admin/collections/pages", "": "/admin", "https://evil.example": "/admin",
		"//evil.example/admin": "/admin", "/admin\\@evil": "/admin", "/api/users": "/admin",
	} {
		if got := safeRedirect(in); got != want {
			t.Errorf("safeRedirect(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUploadOrigin(t *testing.T) {
	tests := []struct {
		bucket, region, endpoint string
		pathStyle                bool
		want                     string
	}{
		{"", "eu-west-1", "", false, ""},
		{"assets", "eu-west-1", "", false, "https://assets.s3.eu-west-1.amazonaws.com"},
		{"assets", "", "http://127.0.0.1:9000", true, "http://127.0.0.1:9000"},
		{"assets", "", "https://s3.example.com/", false, "https://assets.s3.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := UploadOrigin(tt.bucket, tt.region, tt.endpoint, tt.pathStyle); got != tt.want {
				t.Errorf("UploadOrigin = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLabelPath: error messages name fields by their labels, blocks by
// their block's label and position, never by the code path.
func TestLabelPath(t *testing.T) {
	fields := collections.Pages().Fields
	doc := map[string]any{"layout": []any{
		map[string]any{"blockType": "hero"},
		map[string]any{"blockType": "mediaBlock"},
		map[string]any{"blockType": "callToAction", "links": []any{map[string]any{}, map[string]any{}}},
	}}
	for path, want := range map[string]string{
		"title":                "Title",
		"meta.description":     "Meta › Description",
		"layout.1.media":       "Layout › Media 2 › Media",
		"layout.2.links.1.url": "Layout › Call to Action 3 › Links › Row 2 › URL",
		"layout.0.heading":     "Layout › Hero 1 › Heading",
		"heroImage":            "Hero Image",
		"layout.7.media":       "Layout › Row 8",
		"nope.x":               "nope.x",
	} {
		if got := labelPath(fields, doc, path); got != want {
			t.Errorf("labelPath(%q) = %q, want %q", path, got, want)
		}
	}
}
