package httpapi

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/automatonic/chronos/app/internal/content"
)

// TestAppendJSONMatchesEncodingJSON: the fast encoder writes byte for byte
// what encoding/json writes for document values.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	two := 2
	values := []any{
		nil, true, false, "", "plain", "quote\" back\\slash", "ctl\x00\x01\x1f\n\r\t", "<script>&amp;</script>",
		"ünïcödé ✓ \u2028\u2029", "bad\xffutf8", int64(-42), 7,
		0.0, 1.0, -1.5, 1e21, 1e20, 1e-7, 123456789.125, 3.0e-9, math.MaxFloat64, math.SmallestNonzeroFloat64,
		json.Number("12.50"),
		map[string]any{"b": 1.0, "a": []any{"x", nil, map[string]any{"z": true, "y": int64(3)}}, "": "empty key", "é": "k"},
		[]any{}, map[string]any{}, map[string]any(nil),
		[]content.Doc{{"id": int64(1), "title": "Home"}},
		listEnvelope{Docs: []content.Doc{{"id": int64(1)}}, Limit: 10, Page: 1, NextPage: &two, TotalDocs: 11, TotalPages: 2, HasNextPage: true, PagingCounter: 1},
		listEnvelope{},
		docEnvelope{Doc: content.Doc{"id": int64(9), "title": "<b>"}, Message: "Updated successfully."},
		struct {
			A int `json:"a"`
		}{A: 1},
	}
	for _, v := range values {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if _, isList := v.(listEnvelope); isList && v.(listEnvelope).Docs == nil {
			want = []byte(`{"docs":[],"hasNextPage":false,"hasPrevPage":false,"limit":0,"nextPage":null,"page":0,"pagingCounter":0,"prevPage":null,"totalDocs":0,"totalPages":0}`)
		}
		got, err := appendJSON(nil, v)
		if err != nil {
			t.Fatalf("%#v: %v", v, err)
		}
		if string(got) != string(want) {
			t.Errorf("%#v:\n got %s\nwant %s", v, got, want)
		}
	}
	if _, err := appendJSON(nil, math.NaN()); err == nil {
		t.Error("NaN must fail")
	}
}

func BenchmarkEncodeDoc(b *testing.B) {
	doc := content.Doc{"id": int64(1), "title": "Home", "slug": "home", "meta": map[string]any{"title": "x", "description": nil, "image": int64(3)},
		"content": map[string]any{"root": map[string]any{"type": "root", "children": []any{map[string]any{"type": "paragraph", "children": []any{map[string]any{"type": "text", "text": "Lorem ipsum dolor sit amet", "format": 1.0}}}}}},
		"layout":  []any{map[string]any{"blockType": "hero", "heading": "Hi", "id": "abc", "links": []any{}}}, "createdAt": "2026-11-25T00:00:00.000Z"}
	env := listEnvelope{Docs: []content.Doc{doc, doc, doc, doc, doc, doc, doc, doc, doc, doc}, Limit: 10, Page: 1}
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(env); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("appendJSON", func(b *testing.B) {
		b.ReportAllocs()
		buf := make([]byte, 0, 16<<10)
		for b.Loop() {
			var err error
			if buf, err = appendJSON(buf[:0], env); err != nil {
				b.Fatal(err)
			}
		}
	})
}
