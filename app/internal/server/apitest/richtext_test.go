package apitest

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// richTextRelations is a Lexical document with a relationship node (to a
// user), an upload node and an internal link, the three places rich text
// holds relations. The values are JSON (ids or objects).
func richTextRelations(user, upload, link string) string {
	return `{"root":{"type":"root","format":"","indent":0,"version":1,"direction":"ltr","children":[
		{"type":"relationship","format":"","version":2,"relationTo":"users","value":` + user + `},
		{"type":"upload","format":"","version":3,"relationTo":"media","value":` + upload + `,"fields":null},
		{"type":"paragraph","format":"","indent":0,"version":1,"direction":"ltr","textFormat":0,"textStyle":"","children":[
			{"type":"link","format":"","indent":0,"version":3,"direction":"ltr","fields":{"linkType":"internal","newTab":false,"doc":{"relationTo":"pages","value":` + link + `}},"children":[
				{"type":"text","detail":0,"format":0,"mode":"normal","style":"","text":"home","version":1}]}]}]}}`
}

// TestRichTextRelationsRoundTrip: relations inside rich text and blocks are
// stored as ids whatever the client sends, so an admin's depth-2 read saved
// back publishes nothing the populated documents held (a user's email),
// anonymous readers see ids where access forbids the target, forged upload
// objects neither store nor render their url, and targets must exist in a
// collection the node may point at. Both dialects.
func TestRichTextRelationsRoundTrip(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, nil)
		seedContent(t, e)
		h := map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}
		body := `{"title":"Rich","slug":"rich","_status":"published","author":{{adminID}},"content":` +
			richTextRelations("{{adminID}}", "{{hero}}", "{{home}}") +
			`,"layout":[{"blockType":"hero","heading":"H","media":{{hero}}},{"blockType":"content","richText":` +
			richTextRelations("{{adminID}}", "{{hero}}", "{{home}}") + `}]}`
		res := e.do(t, request{Method: "POST", Path: "/api/pages?depth=0", Headers: h, Body: body})
		if res.Status != 201 {
			t.Fatalf("create: %d %s", res.Status, truncate(string(res.Raw), 600))
		}
		id := res.str(t, "doc.id")
		adminID, _ := strconv.ParseFloat(e.get("adminID"), 64)
		heroID, _ := strconv.ParseFloat(e.get("hero"), 64)
		homeID, _ := strconv.ParseFloat(e.get("home"), 64)

		// The admin's depth-2 read holds the populated user (with email).
		read := e.do(t, request{Method: "GET", Path: "/api/pages/" + id + "?depth=2", Headers: h})
		if read.Status != 200 {
			t.Fatalf("depth-2 read: %d %s", read.Status, truncate(string(read.Raw), 600))
		}
		if got := dig(read.JSON, "content.root.children.0.value.email"); got != "admin@example.com" {
			t.Fatalf("precondition: depth-2 read should populate the user node, got %v", got)
		}
		if got := dig(read.JSON, "layout.1.richText.root.children.1.value.url"); got == nil {
			t.Fatalf("precondition: depth-2 read should populate the upload node in a block")
		}
		// Saved back whole, as an editor form does.
		save := e.do(t, request{Method: "PATCH", Path: "/api/pages/" + id + "?depth=0", Headers: h, Body: read.Raw})
		if save.Status != 200 {
			t.Fatalf("save back: %d %s", save.Status, truncate(string(save.Raw), 600))
		}
		// Stored: ids only.
		stored := e.do(t, request{Method: "GET", Path: "/api/pages/" + id + "?depth=0", Headers: h})
		for _, p := range []string{"content", "layout.1.richText"} {
			for path, want := range map[string]float64{
				p + ".root.children.0.value":                       adminID,
				p + ".root.children.1.value":                       heroID,
				p + ".root.children.2.children.0.fields.doc.value": homeID,
			} {
				if got := dig(stored.JSON, path); got != want {
					t.Errorf("stored %s = %v, want the id %v", path, brief(got), want)
				}
			}
		}
		if got := dig(stored.JSON, "layout.0.media"); got != heroID {
			t.Errorf("stored layout.0.media = %v, want the id %v", brief(got), heroID)
		}
		if strings.Contains(string(stored.Raw), "admin@example.com") {
			t.Errorf("the stored page holds the user's email: %s", truncate(string(stored.Raw), 600))
		}
		// Anonymous depth-2 read: users are not readable, so the user
		// stays an id; media is, so the upload is populated from the
		// media document.
		anon := e.do(t, request{Method: "GET", Path: "/api/pages/" + id + "?depth=2"})
		if anon.Status != 200 {
			t.Fatalf("anonymous read: %d %s", anon.Status, truncate(string(anon.Raw), 600))
		}
		for _, leak := range []string{"admin@example.com", `"roles"`, `"sessions"`} {
			if strings.Contains(string(anon.Raw), leak) {
				t.Errorf("anonymous depth-2 read shows %s: %s", leak, truncate(string(anon.Raw), 600))
			}
		}
		for _, p := range []string{"content", "layout.1.richText"} {
			if got := dig(anon.JSON, p+".root.children.0.value"); got != adminID {
				t.Errorf("anonymous %s user node = %v, want the id %v", p, brief(got), adminID)
			}
			if got := dig(anon.JSON, p+".root.children.1.value.url"); got != "/api/media/file/hero.png" {
				t.Errorf("anonymous %s upload node url = %v, want the media document's", p, brief(got))
			}
		}
		if got := dig(anon.JSON, "author"); got != adminID {
			t.Errorf("anonymous author = %v, want the id %v", brief(got), adminID)
		}

		forged := func(upload string) string {
			return `{"content":` + richTextRelations("{{adminID}}", upload, "{{home}}") + `}`
		}
		// A forged upload object keeps only its id: the media document's
		// url is what readers and the HTML get.
		res = e.do(t, request{Method: "PATCH", Path: "/api/pages/" + id + "?depth=0", Headers: h,
			Body: forged(`{"id":{{hero}},"url":"https://evil.example/p.png","filename":"p.png"}`)})
		if res.Status != 200 {
			t.Fatalf("forged upload of an existing media: %d %s", res.Status, truncate(string(res.Raw), 600))
		}
		for _, r := range []*response{res,
			e.do(t, request{Method: "GET", Path: "/api/pages/" + id + "?depth=1&richText=html"}),
			e.do(t, request{Method: "GET", Path: "/api/pages/" + id + "?depth=0", Headers: h}),
		} {
			if strings.Contains(string(r.Raw), "evil.example") {
				t.Errorf("the forged url is shown: %s", truncate(string(r.Raw), 600))
			}
		}
		refused := []struct{ name, body string }{
			{"forged upload of a missing media", forged(`{"id":999999,"url":"https://evil.example/p.png"}`)},
			{"upload id of a missing media", forged(`999999`)},
			{"upload without an id", forged(`{"url":"https://evil.example/p.png"}`)},
			{"relationship to a missing user", `{"content":` + richTextRelations("999999", "{{hero}}", "{{home}}") + `}`},
			{"internal link to a missing page", `{"content":` + richTextRelations("{{adminID}}", "{{hero}}", "999999") + `}`},
			{"relationship to an unknown collection", `{"content":` + strings.Replace(richTextRelations("{{adminID}}", "{{hero}}", "{{home}}"), `"relationTo":"users"`, `"relationTo":"secrets"`, 1) + `}`},
			{"upload node pointing at pages", `{"content":` + strings.Replace(richTextRelations("{{adminID}}", "{{home}}", "{{home}}"), `"relationTo":"media"`, `"relationTo":"pages"`, 1) + `}`},
			{"relationship to a global", `{"content":` + strings.Replace(richTextRelations("{{adminID}}", "{{hero}}", "{{home}}"), `"relationTo":"users"`, `"relationTo":"header"`, 1) + `}`},
			{"block row relationship to a missing media", `{"layout":[{"blockType":"hero","heading":"H","media":{"id":999999,"url":"https://evil.example/p.png"}}]}`},
		}
		for _, c := range refused {
			res := e.do(t, request{Method: "PATCH", Path: "/api/pages/" + id + "?depth=0", Headers: h, Body: c.body})
			if res.Status != 400 {
				t.Errorf("%s: %d, want 400: %s", c.name, res.Status, truncate(string(res.Raw), 400))
			}
		}

		// A relation that pointed at a since-deleted document stays (Payload
		// keeps it): editing around it still saves, adding a new one does not.
		res = e.do(t, request{Method: "POST", Path: "/api/pages?depth=0", Headers: h, Body: `{"title":"Gone","slug":"gone"}`})
		gone := res.str(t, "doc.id")
		res = e.do(t, request{Method: "PATCH", Path: "/api/pages/" + id + "?depth=0", Headers: h,
			Body: `{"content":` + richTextRelations("{{adminID}}", "{{hero}}", gone) + `}`})
		if res.Status != 200 {
			t.Fatalf("link to a new page: %d %s", res.Status, truncate(string(res.Raw), 400))
		}
		if res := e.do(t, request{Method: "DELETE", Path: "/api/pages/" + gone, Headers: h}); res.Status != 200 {
			t.Fatalf("delete: %d %s", res.Status, truncate(string(res.Raw), 400))
		}
		var doc map[string]any
		res = e.do(t, request{Method: "GET", Path: "/api/pages/" + id + "?depth=0", Headers: h})
		if err := json.Unmarshal(res.Raw, &doc); err != nil {
			t.Fatal(err)
		}
		doc["title"] = "Rich, edited"
		if res := e.do(t, request{Method: "PATCH", Path: "/api/pages/" + id + "?depth=0", Headers: h, Body: doc}); res.Status != 200 {
			t.Errorf("editing around a stale rich text link: %d %s", res.Status, truncate(string(res.Raw), 400))
		}
	})
}
