package richtext

import (
	"encoding/json"
	"html"
	"strconv"
	"strings"
)

// Ref is a rich text node's reference to a document: the value of an upload
// or relationship node, or the doc of an internal link.
type Ref struct {
	RelationTo string         // collection slug, e.g. "media"
	ID         string         // the document id as text ("1")
	Doc        map[string]any // the populated document (numbers as json.Number); nil when only the id is stored
}

// Image is what an upload node renders as <img>.
type Image struct {
	Src           string // http(s) or relative URL; anything else drops the image
	Alt           string
	Width, Height int // written when > 0
}

// Options are the caller's resolvers for referenced documents. A nil
// resolver (or ok == false) renders the node without the reference: upload
// and relationship nodes disappear, an internal link keeps its text only.
// URLs returned by resolvers pass the same checks as URLs in the document.
type Options struct {
	// MediaURL resolves an upload node to an image.
	MediaURL func(Ref) (img Image, ok bool)
	// DocURL resolves an internal link or a relationship node to the
	// document's public URL; label is the text of a relationship link.
	DocURL func(Ref) (href, label string, ok bool)
}

// PopulatedImage is a MediaURL resolver for populated upload values: it
// takes url, alt, width and height from the media document (depth ≥ 1).
func PopulatedImage(r Ref) (Image, bool) {
	if r.Doc == nil {
		return Image{}, false
	}
	src, _ := r.Doc["url"].(string)
	if src == "" {
		return Image{}, false
	}
	img := Image{Src: src}
	img.Alt, _ = r.Doc["alt"].(string)
	img.Width = intOf(r.Doc["width"])
	img.Height = intOf(r.Doc["height"])
	return img, true
}

func intOf(v any) int {
	n, ok := v.(json.Number)
	if !ok {
		return 0
	}
	i, err := strconv.Atoi(n.String())
	if err != nil || i < 0 {
		return 0
	}
	return i
}

// HTML validates raw (see Validate) and renders it to HTML. All text and
// attribute values are escaped; no style, class or event attribute from the
// document is written; links keep only http, https, mailto, tel and
// relative URLs (others lose their href); newTab adds
// target="_blank" rel="noopener noreferrer"; block and inlineBlock nodes
// render nothing (their layout belongs to the front end). Null renders "".
func HTML(raw json.RawMessage, opt Options) (string, error) {
	v, err := decode(raw)
	if err != nil || v == nil {
		return "", err
	}
	root, err := validateState(v)
	if err != nil {
		return "", err
	}
	r := renderer{opt: opt}
	r.children(root)
	return r.b.String(), nil
}

type renderer struct {
	opt Options
	b   strings.Builder
}

func (r *renderer) children(n map[string]any) {
	kids, _ := n["children"].([]any)
	for _, k := range kids {
		r.node(k.(map[string]any)) // shape checked by Validate
	}
}

func (r *renderer) wrap(tag string, n map[string]any) {
	r.b.WriteString("<" + tag + ">")
	r.children(n)
	r.b.WriteString("</" + tag + ">")
}

func (r *renderer) node(n map[string]any) {
	switch n["type"] {
	case "paragraph":
		r.wrap("p", n)
	case "quote":
		r.wrap("blockquote", n)
	case "heading":
		r.wrap(n["tag"].(string), n) // one of h1..h6, checked by Validate
	case "list":
		r.list(n)
	case "listitem":
		r.listItem(n)
	case "link", "autolink":
		r.link(n)
	case "text":
		r.text(n)
	case "tab":
		r.b.WriteString("\t")
	case "linebreak":
		r.b.WriteString("<br>")
	case "horizontalrule":
		r.b.WriteString("<hr>")
	case "upload":
		r.upload(n)
	case "relationship":
		r.relationship(n)
	}
}

func (r *renderer) list(n map[string]any) {
	switch n["listType"] {
	case "number":
		r.b.WriteString("<ol")
		if s := intOf(n["start"]); s > 1 {
			r.b.WriteString(` start="` + strconv.Itoa(s) + `"`)
		}
		r.b.WriteString(">")
		r.children(n)
		r.b.WriteString("</ol>")
	case "check":
		r.b.WriteString(`<ul class="check-list">`)
		r.children(n)
		r.b.WriteString("</ul>")
	default:
		r.wrap("ul", n)
	}
}

func (r *renderer) listItem(n map[string]any) {
	if c, ok := n["checked"].(bool); ok {
		r.b.WriteString(`<li role="checkbox" aria-checked="` + strconv.FormatBool(c) + `">`)
	} else {
		r.b.WriteString("<li>")
	}
	r.children(n)
	r.b.WriteString("</li>")
}

func (r *renderer) text(n map[string]any) {
	s, _ := n["text"].(string)
	f := intOf(n["format"])
	// Lexical's format bits, outermost tag first; a local table keeps the
	// package free of mutable globals.
	type tagBit struct {
		bit int
		tag string
	}
	tags := [...]tagBit{
		{1, "strong"}, {2, "em"}, {4, "s"}, {8, "u"}, {16, "code"}, {32, "sub"}, {64, "sup"}, {128, "mark"},
	}
	for _, t := range tags {
		if f&t.bit != 0 {
			r.b.WriteString("<" + t.tag + ">")
		}
	}
	r.b.WriteString(html.EscapeString(s))
	for i := len(tags) - 1; i >= 0; i-- {
		if f&tags[i].bit != 0 {
			r.b.WriteString("</" + tags[i].tag + ">")
		}
	}
}

func (r *renderer) link(n map[string]any) {
	f := n["fields"].(map[string]any) // checked by Validate
	href := ""
	if f["linkType"] == "internal" {
		if doc, ok := f["doc"].(map[string]any); ok && r.opt.DocURL != nil {
			if h, _, ok := r.opt.DocURL(ref(doc)); ok {
				href = h
			}
		}
	} else {
		href, _ = f["url"].(string)
	}
	href, ok := SafeURL(href)
	if !ok {
		r.children(n)
		return
	}
	r.b.WriteString(`<a href="` + html.EscapeString(href) + `"`)
	if nt, _ := f["newTab"].(bool); nt {
		r.b.WriteString(` target="_blank" rel="noopener noreferrer"`)
	}
	r.b.WriteString(">")
	r.children(n)
	r.b.WriteString("</a>")
}

func (r *renderer) upload(n map[string]any) {
	if r.opt.MediaURL == nil {
		return
	}
	img, ok := r.opt.MediaURL(ref(n))
	if !ok {
		return
	}
	src, ok := safeImageURL(img.Src)
	if !ok {
		return
	}
	r.b.WriteString(`<img src="` + html.EscapeString(src) + `" alt="` + html.EscapeString(img.Alt) + `"`)
	if img.Width > 0 && img.Height > 0 {
		r.b.WriteString(` width="` + strconv.Itoa(img.Width) + `" height="` + strconv.Itoa(img.Height) + `"`)
	}
	r.b.WriteString(">")
}

func (r *renderer) relationship(n map[string]any) {
	if r.opt.DocURL == nil {
		return
	}
	href, label, ok := r.opt.DocURL(ref(n))
	if !ok {
		return
	}
	href, ok = SafeURL(href)
	if !ok {
		return
	}
	if label == "" {
		label = href
	}
	r.b.WriteString(`<p><a href="` + html.EscapeString(href) + `">` + html.EscapeString(label) + `</a></p>`)
}

func ref(n map[string]any) Ref {
	rel, _ := n["relationTo"].(string)
	r := Ref{RelationTo: rel}
	r.ID, _ = refID(n["value"])
	r.Doc, _ = n["value"].(map[string]any)
	return r
}

// SafeURL reports whether u may be written as a link target and returns it
// cleaned of the characters browsers ignore (surrounding spaces and C0
// controls, tabs and newlines anywhere). Allowed: http:, https:, mailto:,
// tel: and URLs without a scheme (/path, ./x, #frag, ?q, //host). Anything
// that looks like another scheme — javascript:, data:, vbscript:, also when
// hidden by case, controls, whitespace or HTML character references — is
// refused, as are URLs containing other control characters.
func SafeURL(u string) (string, bool) {
	return checkURL(u, func(scheme string) bool {
		switch scheme {
		case "http", "https", "mailto", "tel":
			return true
		}
		return false
	})
}

// safeImageURL is SafeURL for <img src>: only http(s) and relative URLs.
func safeImageURL(u string) (string, bool) {
	return checkURL(u, func(scheme string) bool { return scheme == "http" || scheme == "https" })
}

func checkURL(u string, allowed func(scheme string) bool) (string, bool) {
	clean, ok := cleanURL(u)
	if !ok || clean == "" {
		return "", false
	}
	if !schemeAllowed(clean, allowed) {
		return "", false
	}
	// The output is escaped, so a character reference in the document stays
	// literal text in the browser; refuse it anyway when decoding it would
	// reveal a forbidden scheme, in case the HTML is ever unescaped again.
	if strings.IndexByte(clean, '&') >= 0 {
		dec, ok := cleanURL(html.UnescapeString(clean))
		if !ok || !schemeAllowed(dec, allowed) {
			return "", false
		}
	}
	return clean, true
}

// cleanURL applies the URL standard's preprocessing: strip leading and
// trailing C0 controls and spaces, remove ASCII tab and newline anywhere.
// Other control characters make the URL unusable.
func cleanURL(u string) (string, bool) {
	u = strings.TrimFunc(u, func(r rune) bool { return r <= 0x20 })
	var b strings.Builder
	for _, r := range u {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			continue
		case r < 0x20 || r == 0x7f || r == '\uFFFD':
			return "", false
		}
		b.WriteRune(r)
	}
	return b.String(), true
}

// schemeAllowed finds the scheme the way a browser would — the text before
// the first ":" when no "/", "?" or "#" comes first — and checks it. Text
// before a colon that is not a valid scheme (e.g. "%6Aavascript:") is refused
// too rather than guessed at.
func schemeAllowed(u string, allowed func(string) bool) bool {
	end := strings.IndexAny(u, ":/?#")
	if end < 0 || u[end] != ':' {
		return true // no scheme: relative URL
	}
	scheme := strings.ToLower(u[:end])
	if scheme == "" {
		return false
	}
	for i, c := range []byte(scheme) {
		isAlpha := c >= 'a' && c <= 'z'
		if !(isAlpha || (i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'))) {
			return false
		}
	}
	return allowed(scheme)
}
