package richtext

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.html golden files")

// testOptions resolves media id 1 and populated media; pages by slug.
func testOptions() Options {
	return Options{
		MediaURL: func(r Ref) (Image, bool) {
			if r.RelationTo != "media" {
				return Image{}, false
			}
			if img, ok := PopulatedImage(r); ok {
				return img, true
			}
			if r.ID == "1" {
				return Image{Src: "/api/media/file/hero.png", Alt: "Hero <image>"}, true
			}
			return Image{}, false
		},
		DocURL: func(r Ref) (string, string, bool) {
			if r.RelationTo != "pages" || r.Doc == nil {
				return "", "", false
			}
			slug, _ := r.Doc["slug"].(string)
			title, _ := r.Doc["title"].(string)
			return "/" + slug, title, slug != ""
		},
	}
}

func TestHTMLGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range files {
		name := strings.TrimSuffix(filepath.Base(in), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := HTML(raw, testOptions())
			if err != nil {
				t.Fatalf("HTML: %v", err)
			}
			golden := strings.TrimSuffix(in, ".json") + ".html"
			if *update {
				if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if got+"\n" != string(want) {
				t.Errorf("HTML mismatch for %s\n got: %s\nwant: %s", in, got, want)
			}
			assertSafe(t, got)
		})
	}
}

// assertSafe fails the test when out breaks an invariant of checkHTML.
func assertSafe(t *testing.T, out string) {
	t.Helper()
	if err := checkHTML(out); err != nil {
		t.Errorf("%v in %s", err, out)
	}
}

var (
	tagRE  = regexp.MustCompile(`^<(/?)([a-z0-9]+)((?: [a-z-]+="[^"<>]*")*)>`)
	attrRE = regexp.MustCompile(` ([a-z-]+)="([^"]*)"`)
)

// checkHTML checks the renderer's output structurally: every "<" opens a
// known tag with known double-quoted attributes (text is escaped, so a raw
// "<" can only be a tag), and no URL attribute holds a dangerous scheme even
// after unescaping.
func checkHTML(out string) error {
	allowedTags := map[string]bool{"p": true, "blockquote": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
		"ul": true, "ol": true, "li": true, "a": true, "strong": true, "em": true, "s": true, "u": true, "code": true, "sub": true,
		"sup": true, "mark": true, "br": true, "hr": true, "img": true}
	allowedAttrs := map[string]bool{"href": true, "target": true, "rel": true, "src": true, "alt": true, "width": true, "height": true,
		"start": true, "class": true, "role": true, "aria-checked": true}
	if strings.Contains(strings.ToLower(out), "<script") {
		return fmt.Errorf("<script")
	}
	for i := strings.IndexByte(out, '<'); i >= 0; i = strings.IndexByte(out, '<') {
		out = out[i:]
		m := tagRE.FindStringSubmatch(out)
		if m == nil {
			return fmt.Errorf("malformed tag at %.40q", out)
		}
		if !allowedTags[m[2]] {
			return fmt.Errorf("tag %q", m[2])
		}
		for _, a := range attrRE.FindAllStringSubmatch(m[3], -1) {
			if !allowedAttrs[a[1]] {
				return fmt.Errorf("attribute %q", a[1])
			}
			if a[1] == "href" || a[1] == "src" {
				v := strings.ToLower(html.UnescapeString(a[2]))
				v = strings.Map(func(r rune) rune {
					if r <= 0x20 {
						return -1
					}
					return r
				}, v)
				for _, bad := range []string{"javascript:", "vbscript:", "data:"} {
					if strings.Contains(v, bad) {
						return fmt.Errorf("%s=%q", a[1], a[2])
					}
				}
			}
		}
		out = out[len(m[0]):]
	}
	return nil
}

// doc wraps paragraph children into an editor state.
func doc(children ...string) json.RawMessage {
	return json.RawMessage(`{"root":{"type":"root","version":1,"children":[` + strings.Join(children, ",") + `]}}`)
}

func para(children ...string) string {
	return `{"type":"paragraph","version":1,"children":[` + strings.Join(children, ",") + `]}`
}

func text(s string, format int) string {
	b, _ := json.Marshal(s)
	return fmt.Sprintf(`{"type":"text","text":%s,"format":%d,"version":1}`, b, format)
}

func link(url string, newTab bool) string {
	b, _ := json.Marshal(url)
	return fmt.Sprintf(`{"type":"link","version":3,"fields":{"url":%s,"newTab":%t,"linkType":"custom"},"children":[%s]}`, b, newTab, text("x", 0))
}

func TestHTMLXSS(t *testing.T) {
	tests := []struct {
		name    string
		raw     json.RawMessage
		want    string // exact output
		noHref  bool
		options Options
	}{
		{name: "script in text", raw: doc(para(text("<script>alert(1)</script>", 0))), want: "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
		{name: "img onerror in text", raw: doc(para(text(`<img src=x onerror="alert(1)">`, 1))), want: "<p><strong>&lt;img src=x onerror=&#34;alert(1)&#34;&gt;</strong></p>"},
		{name: "javascript", raw: doc(para(link("javascript:alert(1)", false))), noHref: true},
		{name: "javascript upper", raw: doc(para(link("JAVASCRIPT:alert(1)", false))), noHref: true},
		{name: "javascript leading space and control", raw: doc(para(link(" \x01javascript:alert(1)", false))), noHref: true},
		{name: "javascript tab", raw: doc(para(link("java\tscript:alert(1)", false))), noHref: true},
		{name: "javascript newline", raw: doc(para(link("java\nscript:alert(1)", false))), noHref: true},
		{name: "javascript CR", raw: doc(para(link("javas\rcript:alert(1)", false))), noHref: true},
		{name: "javascript entity colon", raw: doc(para(link("javascript&#58;alert(1)", false))), noHref: true},
		{name: "javascript entity colon named", raw: doc(para(link("javascript&colon;alert(1)", false))), noHref: true},
		{name: "javascript entity letter", raw: doc(para(link("&#106;avascript:alert(1)", false))), noHref: true},
		{name: "javascript entity tab", raw: doc(para(link("java&#x09;script:alert(1)", false))), noHref: true},
		{name: "javascript percent", raw: doc(para(link("%6Aavascript:alert(1)", false))), noHref: true},
		{name: "javascript nbsp", raw: doc(para(link("java\u00a0script:alert(1)", false))), noHref: true},
		{name: "javascript backslash", raw: doc(para(link(`\javascript:alert(1)`, false))), noHref: true},
		{name: "data", raw: doc(para(link("data:text/html,<script>alert(1)</script>", false))), noHref: true},
		{name: "vbscript", raw: doc(para(link("vbscript:msgbox(1)", false))), noHref: true},
		{name: "empty url", raw: doc(para(link("", false))), want: "<p>x</p>"},
		{name: "quote breaks out of href", raw: doc(para(link(`https://a.example/" onmouseover="alert(1)`, false))),
			want: `<p><a href="https://a.example/&#34; onmouseover=&#34;alert(1)">x</a></p>`},
		{name: "single quote and angle", raw: doc(para(link(`/x'><script>`, true))),
			want: `<p><a href="/x&#39;&gt;&lt;script&gt;" target="_blank" rel="noopener noreferrer">x</a></p>`},
		{name: "https kept", raw: doc(para(link("https://example.com/a?b=1&c=2", false))), want: `<p><a href="https://example.com/a?b=1&amp;c=2">x</a></p>`},
		{name: "relative kept", raw: doc(para(link("/blog/post-1#top", false))), want: `<p><a href="/blog/post-1#top">x</a></p>`},
		{name: "fragment kept", raw: doc(para(link("#section", false))), want: `<p><a href="#section">x</a></p>`},
		{name: "mailto kept", raw: doc(para(link("mailto:a@b.example", false))), want: `<p><a href="mailto:a@b.example">x</a></p>`},
		{name: "tel kept", raw: doc(para(link("tel:+4912345", false))), want: `<p><a href="tel:+4912345">x</a></p>`},
		{name: "style and format are not rendered",
			raw:  doc(`{"type":"paragraph","version":1,"format":"x\" onclick=\"alert(1)","children":[{"type":"text","text":"t","style":"background:url(javascript:alert(1))","version":1}]}`),
			want: "<p>t</p>"},
		{name: "resolver returns javascript href", raw: doc(`{"type":"relationship","relationTo":"pages","value":1,"version":2}`), noHref: true,
			options: Options{DocURL: func(Ref) (string, string, bool) { return "javascript:alert(1)", "label", true }}},
		{name: "resolver label escaped", raw: doc(`{"type":"relationship","relationTo":"pages","value":1,"version":2}`),
			want:    `<p><a href="/p/1">&lt;b onmouseover=x&gt;</a></p>`,
			options: Options{DocURL: func(r Ref) (string, string, bool) { return "/p/" + r.ID, "<b onmouseover=x>", true }}},
		{name: "image data url refused", raw: doc(`{"type":"upload","relationTo":"media","value":1,"version":3}`), want: "",
			options: Options{MediaURL: func(Ref) (Image, bool) { return Image{Src: "data:image/svg+xml,<svg onload=alert(1)>"}, true }}},
		{name: "image mailto refused", raw: doc(`{"type":"upload","relationTo":"media","value":1,"version":3}`), want: "",
			options: Options{MediaURL: func(Ref) (Image, bool) { return Image{Src: "mailto:x@y"}, true }}},
		{name: "image alt quotes", raw: doc(`{"type":"upload","relationTo":"media","value":1,"version":3}`),
			want:    `<img src="/m.png" alt="&#34; onerror=&#34;alert(1)">`,
			options: Options{MediaURL: func(Ref) (Image, bool) { return Image{Src: "/m.png", Alt: `" onerror="alert(1)`}, true }}},
		{name: "no resolvers", raw: doc(`{"type":"upload","relationTo":"media","value":1,"version":3}`, `{"type":"relationship","relationTo":"pages","value":1,"version":2}`), want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HTML(tt.raw, tt.options)
			if err != nil {
				t.Fatalf("HTML: %v", err)
			}
			assertSafe(t, got)
			if tt.noHref {
				if strings.Contains(got, "href") {
					t.Errorf("href kept: %s", got)
				}
				return
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestSafeURL(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"https://example.com", "https://example.com", true},
		{"HTTP://EXAMPLE.COM", "HTTP://EXAMPLE.COM", true},
		{"  /path  ", "/path", true},
		{"//cdn.example/x", "//cdn.example/x", true},
		{"./rel:colon", "./rel:colon", true},
		{"?q=a:b", "?q=a:b", true},
		{"page", "page", true},
		{"ht\ntps://x", "https://x", true},
		{"a&amp;b", "a&amp;b", true},
		{"", "", false},
		{"   ", "", false},
		{"javascript:alert(1)", "", false},
		{"jav&#x61;script:alert(1)", "", false},
		{"javascript&#x3a;alert(1)", "", false},
		{"ftp://x", "", false},
		{"file:///etc/passwd", "", false},
		{":nothing", "", false},
		{"a\x01b", "", false},
		{"a\x7fb", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := SafeURL(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("SafeURL(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		path string // "-" means valid
		msg  string // substring of Message
	}{
		{"payload fixture", `{"root":{"type":"root","format":"","indent":0,"version":1,"children":[{"type":"paragraph","format":"","indent":0,"version":1,"children":[{"mode":"normal","text":"Welcome home","type":"text","style":"","detail":0,"format":0,"version":1}],"direction":"ltr","textStyle":"","textFormat":0}],"direction":"ltr"}}`, "-", ""},
		{"null", `null`, "-", ""},
		{"empty", ``, "-", ""},
		{"empty root", `{"root":{"type":"root","children":[]}}`, "-", ""},
		{"unknown extra keys", `{"root":{"type":"root","$":{"x":1},"children":[{"type":"paragraph","id":"abc","children":[]}]}}`, "-", ""},
		{"plain string (490 fixture)", `"just a string"`, "", "editor state"},
		{"array", `[]`, "", "editor state"},
		{"bad json", `{"root":`, "", "valid JSON"},
		{"trailing data", `{"root":{"type":"root","children":[]}} {}`, "", "trailing"},
		{"missing root", `{}`, "", "missing root"},
		{"NUL escape", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"a\u0000b"}]}]}}`, "", "NUL"},
		{"lone high surrogate", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"a\ud800b"}]}]}}`, "", "surrogate"},
		{"lone low surrogate", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"\uDC00"}]}]}}`, "", "surrogate"},
		{"surrogate pair ok", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"\ud83d\ude00 \\u0000 \u00e9"}]}]}}`, "-", ""},
		{"invalid utf8", "{\"root\":{\"type\":\"root\",\"children\":[{\"type\":\"paragraph\",\"children\":[{\"type\":\"text\",\"text\":\"\xff\"}]}]}}", "", "UTF-8"},
		{"extra top-level key", `{"root":{"type":"root","children":[]},"x":1}`, "x", "unexpected"},
		{"root not object", `{"root":[]}`, "root", "object"},
		{"root wrong type", `{"root":{"type":"paragraph","children":[]}}`, "root.type", "root"},
		{"root missing children", `{"root":{"type":"root"}}`, "root.children", "missing"},
		{"children not array", `{"root":{"type":"root","children":{}}}`, "root.children", "array"},
		{"child not object", `{"root":{"type":"root","children":[1]}}`, "root.children[0]", "node object"},
		{"unknown node type", `{"root":{"type":"root","children":[{"type":"paragraph","children":[]},{"type":"paragraph","children":[]},{"type":"paragraph","children":[{"type":"script","text":"x"}]}]}}`, "root.children[2].children[0]", "unknown node type"},
		{"missing type", `{"root":{"type":"root","children":[{"children":[]}]}}`, "root.children[0]", "missing type"},
		{"type not string", `{"root":{"type":"root","children":[{"type":1}]}}`, "root.children[0].type", "string"},
		{"text in root", `{"root":{"type":"root","children":[{"type":"text","text":"x"}]}}`, "root.children[0]", "cannot be inside"},
		{"paragraph in paragraph", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"paragraph","children":[]}]}]}}`, "root.children[0].children[0]", "cannot be inside"},
		{"link in link", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"url":"/"},"children":[{"type":"link","fields":{"url":"/"},"children":[]}]}]}]}}`, "root.children[0].children[0].children[0]", "cannot be inside"},
		{"link https", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"url":"https://example.com/a"},"children":[{"type":"text","text":"x"}]}]}]}}`, "-", ""},
		{"link mailto", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"url":"mailto:a@example.com"},"children":[{"type":"text","text":"x"}]}]}]}}`, "-", ""},
		{"link tel", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"url":"tel:+123"},"children":[{"type":"text","text":"x"}]}]}]}}`, "-", ""},
		{"link relative", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"url":"/about#team"},"children":[{"type":"text","text":"x"}]}]}]}}`, "-", ""},
		{"link javascript", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"url":"javascript:alert(1)"},"children":[{"type":"text","text":"x"}]}]}]}}`, "root.children[0].children[0].fields.url", "http(s), mailto: or tel:"},
		{"link javascript hidden by case and tab", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"url":"JaVa\tScript:alert(1)"},"children":[{"type":"text","text":"x"}]}]}]}}`, "root.children[0].children[0].fields.url", "http(s), mailto: or tel:"},
		{"link data", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"url":"data:text/html,<script>alert(1)</script>"},"children":[{"type":"text","text":"x"}]}]}]}}`, "root.children[0].children[0].fields.url", "http(s), mailto: or tel:"},
		{"link vbscript", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"url":"vbscript:x"},"children":[{"type":"text","text":"x"}]}]}]}}`, "root.children[0].children[0].fields.url", "http(s), mailto: or tel:"},
		{"autolink javascript", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"autolink","fields":{"url":"javascript:alert(1)"},"children":[]}]}]}}`, "root.children[0].children[0].fields.url", "http(s)"},
		{"paragraph in list", `{"root":{"type":"root","children":[{"type":"list","listType":"bullet","children":[{"type":"paragraph","children":[]}]}]}}`, "root.children[0].children[0]", "cannot be inside"},
		{"nested root", `{"root":{"type":"root","children":[{"type":"quote","children":[{"type":"root","children":[]}]}]}}`, "root.children[0].children[0]", "root node"},
		{"text not string", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":5}]}]}}`, "root.children[0].children[0].text", "string"},
		{"text missing", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text"}]}]}}`, "root.children[0].children[0].text", "string"},
		{"format string on text", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"x","format":"bold"}]}]}}`, "root.children[0].children[0].format", "number"},
		{"format negative", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"x","format":-1}]}]}}`, "root.children[0].children[0].format", "non-negative"},
		{"format fraction", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"x","format":1.5}]}]}}`, "root.children[0].children[0].format", "integer"},
		{"bad mode", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"x","mode":"evil"}]}]}}`, "root.children[0].children[0].mode", "normal"},
		{"style not string", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"x","style":{}}]}]}}`, "root.children[0].children[0].style", "string"},
		{"text with children", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"x","children":[]}]}]}}`, "root.children[0].children[0].children", "no children"},
		{"heading tag", `{"root":{"type":"root","children":[{"type":"heading","tag":"h7","children":[]}]}}`, "root.children[0].tag", "h1 to h6"},
		{"heading tag script", `{"root":{"type":"root","children":[{"type":"heading","tag":"script","children":[]}]}}`, "root.children[0].tag", "h1 to h6"},
		{"list type", `{"root":{"type":"root","children":[{"type":"list","listType":"x","children":[]}]}}`, "root.children[0].listType", "bullet"},
		{"list tag mismatch", `{"root":{"type":"root","children":[{"type":"list","listType":"number","tag":"ul","children":[]}]}}`, "root.children[0].tag", `"ol"`},
		{"listitem checked", `{"root":{"type":"root","children":[{"type":"list","listType":"check","children":[{"type":"listitem","checked":"yes","children":[]}]}]}}`, "root.children[0].children[0].checked", "boolean"},
		{"direction", `{"root":{"type":"root","direction":"up","children":[]}}`, "root.direction", "ltr"},
		{"indent", `{"root":{"type":"root","indent":"1","children":[]}}`, "root.indent", "number"},
		{"element format object", `{"root":{"type":"root","format":{},"children":[]}}`, "root.format", "string"},
		{"version string", `{"root":{"type":"root","version":"1","children":[]}}`, "root.version", "number"},
		{"link without fields", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","children":[]}]}]}}`, "root.children[0].children[0].fields", "missing"},
		{"link url not string", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"url":1},"children":[]}]}]}}`, "root.children[0].children[0].fields.url", "string"},
		{"link type", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"linkType":"evil"},"children":[]}]}]}}`, "root.children[0].children[0].fields.linkType", "custom"},
		{"link newTab", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"url":"/","newTab":"yes"},"children":[]}]}]}}`, "root.children[0].children[0].fields.newTab", "boolean"},
		{"internal link without doc", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"linkType":"internal"},"children":[]}]}]}}`, "root.children[0].children[0].fields.doc", "doc"},
		{"internal link doc value", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"linkType":"internal","doc":{"relationTo":"pages","value":true}},"children":[]}]}]}}`, "root.children[0].children[0].fields.doc.value", "id"},
		{"upload missing relationTo", `{"root":{"type":"root","children":[{"type":"upload","value":1}]}}`, "root.children[0].relationTo", "slug"},
		{"upload missing value", `{"root":{"type":"root","children":[{"type":"upload","relationTo":"media"}]}}`, "root.children[0].value", "missing"},
		{"upload doc without id", `{"root":{"type":"root","children":[{"type":"upload","relationTo":"media","value":{"url":"/x"}}]}}`, "root.children[0].value", "id"},
		{"upload in paragraph", `{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"upload","relationTo":"media","value":1}]}]}}`, "root.children[0].children[0]", "cannot be inside"},
		{"relationship fields", `{"root":{"type":"root","children":[{"type":"relationship","relationTo":"pages","value":"1","fields":[]}]}}`, "root.children[0].fields", "object"},
		{"block without blockType", `{"root":{"type":"root","children":[{"type":"block","fields":{}}]}}`, "root.children[0].fields.blockType", "slug"},
		{"too deep", deepDoc(MaxDepth), "root" + strings.Repeat(".children[0]", MaxDepth), "deeper"},
		{"deep but ok", deepDoc(MaxDepth - 1), "-", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(json.RawMessage(tt.raw))
			if tt.path == "-" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate error = %v (%T), want *ValidationError", err, err)
			}
			if ve.Path != tt.path || !strings.Contains(ve.Message, tt.msg) {
				t.Errorf("got %q %q, want path %q message containing %q", ve.Path, ve.Message, tt.path, tt.msg)
			}
			out, err := HTML(json.RawMessage(tt.raw), Options{})
			if strings.HasSuffix(tt.path, ".fields.url") && strings.Contains(tt.msg, "http(s)") {
				// Refused on write only: a stored one renders without href.
				if err != nil || strings.Contains(out, "href") {
					t.Errorf("HTML of a stored unsafe link = %q, %v; want it rendered without href", out, err)
				}
				return
			}
			if !errors.As(err, &ve) {
				t.Errorf("HTML accepted an invalid document: %v", err)
			}
		})
	}
}

// deepDoc nests root(1) > list(2) > listitem(3) > list(4) > ... down to
// depth levels, plus one more node at depth levels+1 (and, when that is a
// listitem, its text at levels+2). So deepDoc(MaxDepth-1) is the deepest
// valid document and deepDoc(MaxDepth) fails at depth MaxDepth+1.
func deepDoc(levels int) string {
	open, close := "", ""
	for d := 2; d <= levels; d++ {
		if d%2 == 0 {
			open += `{"type":"list","listType":"bullet","children":[`
		} else {
			open += `{"type":"listitem","children":[`
		}
		close = "]}" + close
	}
	inner := `{"type":"text","text":"deep"}`
	if levels%2 == 0 { // innermost is a list: it needs a listitem
		inner = `{"type":"listitem","children":[{"type":"text","text":"deep"}]}`
	}
	return `{"root":{"type":"root","children":[` + open + inner + close + `]}}`
}

func TestValidateLimits(t *testing.T) {
	big := doc(para(text(strings.Repeat("a", MaxBytes), 0)))
	var ve *ValidationError
	if err := Validate(big); !errors.As(err, &ve) || !strings.Contains(ve.Message, "larger") {
		t.Errorf("oversized: %v", err)
	}
	nodes := make([]string, MaxNodes)
	for i := range nodes {
		nodes[i] = `{"type":"linebreak"}`
	}
	many := doc(para(nodes...))
	if err := Validate(many); !errors.As(err, &ve) || !strings.Contains(ve.Message, "nodes") {
		t.Errorf("too many nodes: %v", err)
	}
	if ve != nil && ve.Path != fmt.Sprintf("root.children[0].children[%d]", MaxNodes-2) {
		t.Errorf("path %q", ve.Path)
	}
}

func TestIsEmpty(t *testing.T) {
	tests := []struct {
		raw  string
		want bool
	}{
		{``, true},
		{`null`, true},
		{`{"root":{"type":"root","children":[]}}`, true},
		{`{"root":{"type":"root","children":[{"type":"paragraph","children":[]}]}}`, true},
		{`{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"  "},{"type":"linebreak"}]}]}}`, true},
		{`{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"x"}]}]}}`, false},
		{`{"root":{"type":"root","children":[{"type":"horizontalrule"}]}}`, false},
		{`{"root":{"type":"root","children":[{"type":"upload","relationTo":"media","value":1}]}}`, false},
		{`"just a string"`, false},
		{`{"root":`, false},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := IsEmpty(json.RawMessage(tt.raw)); got != tt.want {
				t.Errorf("IsEmpty(%s) = %v, want %v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestValidationErrorMessage(t *testing.T) {
	if got := (&ValidationError{Path: "root.children[0]", Message: "unknown node type \"x\""}).Error(); got != `rich text: root.children[0]: unknown node type "x"` {
		t.Errorf("got %q", got)
	}
	if got := (&ValidationError{Message: "is not valid JSON"}).Error(); got != "rich text: is not valid JSON" {
		t.Errorf("got %q", got)
	}
}
