package store

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/docjson"
)

// jsonInput decodes s as the API decodes a request body (numbers kept
// exact).
func jsonInput(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

// richTextWithRelations is a Lexical value with an upload node, an internal
// link and text the HTML-safe escaping rewrites.
func richTextWithRelations(t *testing.T, media, page int64) any {
	return jsonInput(t, `{"root":{"type":"root","format":"","indent":0,"version":1,"direction":"ltr","children":[
		{"type":"upload","format":"","version":3,"relationTo":"media","value":`+itoa(media)+`,"fields":null},
		{"type":"paragraph","format":"","indent":0,"version":1,"direction":"ltr","textFormat":0,"textStyle":"","children":[
			{"type":"link","format":"","indent":0,"version":3,"direction":"ltr","fields":{"linkType":"internal","newTab":false,"doc":{"relationTo":"pages","value":`+itoa(page)+`}},"children":[
				{"type":"text","detail":0,"format":0,"mode":"normal","style":"","text":"home <&> \u2028 é","version":1}]}]}]}}`)
}

// plainRichText is a Lexical value without relations (the lean path keeps
// it as stored text).
func plainRichText(t *testing.T, words string) any {
	return jsonInput(t, `{"root":{"type":"root","format":"","indent":0,"version":1,"direction":"ltr","children":[
		{"type":"paragraph","format":"","indent":1,"version":1,"direction":"ltr","textFormat":0,"textStyle":"","children":[
			{"type":"text","detail":0,"format":1,"mode":"normal","style":"","text":"`+words+`","version":1}]}]}}`)
}

// TestEncodedReadIsTheDecodedRead: a find whose documents are only encoded
// (ReadOptions.Encoded, the REST API's reads) answers byte for byte what
// the decoding path answers: pages with rich text with and without
// relations, blocks and groups, drafts read by anonymous and signed-in
// callers, select (include, exclude, into rich text), depth 0, 1 and 2,
// users (whose auth data never reaches a document) and media, and stored
// text neither store writes (other escapes and number spellings,
// undeclared and repeated keys, a legacy populated relation in rich
// text). Both dialects.
func TestEncodedReadIsTheDecodedRead(t *testing.T) {
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			svc := newService(db)
			ids := seedEncodedReads(t, ctx, db, svc, admin)
			queries := []string{
				"sort=id&depth=0", "sort=id&depth=1", "sort=id&depth=2", "sort=-publishedAt&limit=2&page=2&depth=0",
				"sort=id&depth=0&select[title]=true&select[content]=true&select[meta][title]=true",
				"sort=id&depth=1&select[content]=false&select[layout]=false",
				"sort=id&depth=0&select[content][root]=true",
				"where[slug][equals]=plain&depth=1", "where[id][equals]=" + itoa(ids["odd"]) + "&depth=0",
				"sort=id&depth=1&draft=true",
			}
			for _, actor := range []*content.Actor{nil, admin} {
				for _, q := range queries {
					sameAnswer(t, ctx, svc, actor, collections.PagesSlug, q)
				}
				sameAnswer(t, ctx, svc, actor, collections.MediaSlug, "sort=id")
			}
			sameAnswer(t, ctx, svc, admin, collections.UsersSlug, "sort=id&depth=1")
			// The lean path was taken: plain rich text stays stored text.
			p := mustParse(t, "where[slug][equals]=plain&depth=0")
			opts := content.ReadOptionsFrom(p)
			opts.Encoded = true
			l, err := svc.Find(ctx, nil, collections.PagesSlug, p, opts)
			if err != nil || len(l.Docs) != 1 {
				t.Fatalf("find: %v", err)
			}
			if _, ok := l.Docs[0]["content"].(docjson.Raw); !ok {
				t.Fatalf("content of an encoded read is %T, want docjson.Raw", l.Docs[0]["content"])
			}
			if _, ok := l.Docs[0]["layout"].([]any)[1].(map[string]any)["richText"].(docjson.Raw); !ok {
				t.Fatal("a block's rich text of an encoded read is not docjson.Raw")
			}
			// So do populated documents; rich text with relations is decoded.
			p = mustParse(t, "where[id][equals]="+itoa(ids["rel"])+"&depth=1")
			opts = content.ReadOptionsFrom(p)
			opts.Encoded = true
			if l, err = svc.Find(ctx, nil, collections.PagesSlug, p, opts); err != nil || len(l.Docs) != 1 {
				t.Fatalf("find: %v", err)
			}
			if _, ok := l.Docs[0]["related"].([]any)[0].(map[string]any)["content"].(docjson.Raw); !ok {
				t.Fatal("a populated page's rich text of an encoded read is not docjson.Raw")
			}
			if _, ok := l.Docs[0]["content"].(map[string]any); !ok {
				t.Fatalf("rich text with relations is %T, want it decoded and populated", l.Docs[0]["content"])
			}
		})
	}
}

// sameAnswer compares one find's documents encoded from both paths.
func sameAnswer(t *testing.T, ctx context.Context, svc *content.Service, actor *content.Actor, slug, q string) {
	t.Helper()
	p := mustParse(t, q)
	var out [2][]byte
	for i, encoded := range []bool{false, true} {
		opts := content.ReadOptionsFrom(p)
		opts.Encoded = encoded
		l, err := svc.Find(ctx, actor, slug, p, opts)
		if err != nil {
			t.Fatalf("%s?%s (encoded %v): %v", slug, q, encoded, err)
		}
		for _, d := range l.Docs {
			if out[i], err = docjson.AppendMap(append(out[i], '\n'), d); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(out[0]) < 10 {
		t.Fatalf("%s?%s: no documents", slug, q)
	}
	if !bytes.Equal(out[0], out[1]) {
		t.Errorf("%s?%s (signed in %v):\ndecoded %s\nencoded %s", slug, q, actor != nil, out[0], out[1])
	}
}

// seedEncodedReads stores the documents TestEncodedReadIsTheDecodedRead
// reads and returns their ids by name.
func seedEncodedReads(t *testing.T, ctx context.Context, db *DB, svc *content.Service, admin *content.Actor) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	mk := func(name, slug string, in map[string]any, opts content.WriteOptions) {
		t.Helper()
		res, err := svc.Create(ctx, admin, slug, in, opts)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		ids[name] = res.Doc["id"].(int64)
	}
	user, err := svc.CreateAccount(ctx, nil, content.NewAccount{Input: map[string]any{"email": "ed@example.com", "name": "Ed <E>", "roles": []any{"admin"}},
		Credentials: content.Credentials{Hash: "secret-hash"}}, content.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ids["user"] = user.Doc["id"].(int64)
	mk("img", collections.MediaSlug, map[string]any{"alt": "An <image> & more"}, content.WriteOptions{Attachment: imageFile("Hero image")})
	mk("plain", collections.PagesSlug, map[string]any{"title": "Plain", "slug": "plain", "_status": "published", "publishedAt": "2026-03-01T08:00:00Z",
		"content": plainRichText(t, "Lorem ipsum"), "heroImage": ids["img"], "author": ids["user"],
		"meta": map[string]any{"title": "Plain | Site", "image": ids["img"]},
		"layout": []any{
			map[string]any{"blockType": "hero", "heading": "Hi", "media": ids["img"], "links": []any{map[string]any{"label": "Go", "url": "/go", "newTab": true}}},
			map[string]any{"blockType": "content", "blockName": "Body", "richText": plainRichText(t, "dolor <sit> & amet")},
			map[string]any{"blockType": "features", "items": []any{map[string]any{"title": "One", "icon": ids["img"]}}},
		}}, content.WriteOptions{})
	mk("rel", collections.PagesSlug, map[string]any{"title": "Relations", "_status": "published", "publishedAt": "2026-04-01T08:00:00Z",
		"content": richTextWithRelations(t, ids["img"], ids["plain"]), "related": []any{ids["plain"]},
		"layout": []any{map[string]any{"blockType": "callToAction", "heading": "Call", "richText": richTextWithRelations(t, ids["img"], ids["plain"])}}},
		content.WriteOptions{})
	mk("draft", collections.PagesSlug, map[string]any{"title": "Draft only", "content": plainRichText(t, "secret")}, content.WriteOptions{Draft: true})
	mk("odd", collections.PagesSlug, map[string]any{"title": "Odd", "_status": "published", "publishedAt": "2026-05-01T08:00:00Z"}, content.WriteOptions{})
	// A newer draft of a published page: anonymous callers read the
	// published text, signed-in draft reads the draft.
	if _, err := svc.Update(ctx, admin, collections.PagesSlug, ids["plain"], map[string]any{"title": "Plain, edited", "content": plainRichText(t, "draft words")},
		content.WriteOptions{Draft: true}); err != nil {
		t.Fatal(err)
	}
	// Stored text neither store writes: other escapes and number
	// spellings, undeclared and (on SQLite) repeated keys, a legacy
	// populated relation inside rich text.
	odd := `{"title": "Odd \u00e9 \/ \u003c", "slug": "odd", "publishedAt": "2026-05-01T08:00:00.000Z", "undeclared": {"x": 1},
		"meta": {"title": "T", "description": null, "image": 1.0E0, "extra": [1.50, 2e1]},
		"content": {"root": {"type": "root", "children": [{"type": "text", "text": "a\tb", "format": 1.0, "version": 1e0},
			{"type": "upload", "relationTo": "media", "value": {"id": ` + itoa(ids["img"]) + `, "url": "/legacy.png"}}], "indent": -0, "z": 12345678901234567890}},
		"layout": [{"blockType": "content", "id": "row1", "richText": {"b": 1, "a": [true, false, null], "a": "last"}}, 7, {"blockType": "unknown", "richText": {}}],
		"related": [` + itoa(ids["plain"]) + `.0, "x"], "author": "1"}`
	if err := db.gdb.Exec("UPDATE pages SET data = ? WHERE id = ?", odd, ids["odd"]).Error; err != nil {
		t.Fatal(err)
	}
	return ids
}
