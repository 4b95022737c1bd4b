// Package richtext validates Payload's Lexical editor state JSON and renders
// it to sanitised HTML. It is pure: documents referenced by upload,
// relationship and internal-link nodes are resolved by callbacks in Options.
package richtext

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/automatonic/chronos/app/internal/fault"
)

// Limits on a rich text value. Larger values are rejected by Validate (and so
// by HTML) to bound the memory and time one request can cost.
const (
	MaxBytes = 2 << 20 // encoded JSON size
	MaxDepth = 32      // nesting of nodes; root is depth 1
	MaxNodes = 50_000  // nodes in one document
)

// ValidationError says where a rich text value breaks the Lexical format.
// Path is the node or field in JavaScript notation below the editor state,
// e.g. "root.children[2].children[0]" or "root.children[0].fields.url";
// it is "" when the whole value is wrong.
type ValidationError struct {
	Path    string
	Message string
}

// FaultKind: a malformed rich text value is invalid input.
func (e *ValidationError) FaultKind() fault.Kind { return fault.Invalid }

func (e *ValidationError) Error() string {
	if e.Path == "" {
		return "rich text: " + e.Message
	}
	return "rich text: " + e.Path + ": " + e.Message
}

// nodeSpec describes one Lexical node type.
type nodeSpec struct {
	element  bool                                   // has children
	children func(typ string) bool                  // allowed child types
	check    func(n map[string]any, p string) error // type-specific fields
}

func inlineChild(typ string) bool {
	switch typ {
	case "text", "linebreak", "tab", "link", "autolink", "inlineBlock":
		return true
	}
	return false
}

func linkChild(typ string) bool {
	switch typ {
	case "text", "linebreak", "tab":
		return true
	}
	return false
}

func blockChild(typ string) bool {
	switch typ {
	case "paragraph", "heading", "list", "quote", "horizontalrule", "upload", "relationship", "block":
		return true
	}
	return false
}

// spec returns the description of a node type; a switch keeps the table
// immutable.
func spec(typ string) (nodeSpec, bool) {
	switch typ {
	case "root":
		return nodeSpec{element: true, children: blockChild}, true
	case "paragraph", "quote":
		return nodeSpec{element: true, children: inlineChild}, true
	case "heading":
		return nodeSpec{element: true, children: inlineChild, check: checkHeading}, true
	case "list":
		return nodeSpec{element: true, children: func(t string) bool { return t == "listitem" }, check: checkList}, true
	case "listitem":
		return nodeSpec{element: true, children: func(t string) bool { return inlineChild(t) || t == "list" }, check: checkListItem}, true
	case "link", "autolink":
		return nodeSpec{element: true, children: linkChild, check: checkLink}, true
	case "text", "tab":
		return nodeSpec{check: checkText}, true
	case "linebreak", "horizontalrule":
		return nodeSpec{}, true
	case "upload", "relationship":
		return nodeSpec{check: checkRef}, true
	case "block", "inlineBlock":
		return nodeSpec{check: checkBlock}, true
	}
	return nodeSpec{}, false
}

// decode parses raw into generic JSON with numbers kept as json.Number, and
// checks the size limit. A JSON null (or nothing) gives nil.
func decode(raw json.RawMessage) (any, error) {
	if len(raw) > MaxBytes {
		return nil, &ValidationError{Message: fmt.Sprintf("is larger than %d bytes", MaxBytes)}
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	if !utf8.Valid(raw) {
		return nil, &ValidationError{Message: "is not valid UTF-8"}
	}
	if err := checkEscapes(raw); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &ValidationError{Message: "is not valid JSON"}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &ValidationError{Message: "is not valid JSON (trailing data)"}
	}
	return v, nil
}

// checkEscapes refuses \u0000 and unpaired surrogate escapes in JSON
// strings. encoding/json would quietly turn them into U+0000 / U+FFFD, so the
// stored raw JSON would differ from what was validated, and PostgreSQL's
// jsonb rejects both (a 500 instead of a 400).
func checkEscapes(raw []byte) error {
	inString := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if !inString {
			inString = c == '"'
			continue
		}
		switch c {
		case '"':
			inString = false
		case '\\':
			if i+1 < len(raw) && raw[i+1] == 'u' {
				r, ok := hex4(raw, i+2)
				switch {
				case !ok:
					return nil // malformed: the decoder reports it
				case r == 0:
					return &ValidationError{Message: "contains a NUL character"}
				case r >= 0xDC00 && r <= 0xDFFF:
					return &ValidationError{Message: "contains an unpaired UTF-16 surrogate"}
				case r >= 0xD800 && r <= 0xDBFF:
					lo, ok := rune(0), i+11 < len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u'
					if ok {
						lo, ok = hex4(raw, i+8)
					}
					if !ok || lo < 0xDC00 || lo > 0xDFFF {
						return &ValidationError{Message: "contains an unpaired UTF-16 surrogate"}
					}
					i += 6
				}
				i += 5
			} else {
				i++
			}
		}
	}
	return nil
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// Validate checks that raw is a Lexical editor state made of the node types
// this package knows (root, paragraph, heading, list, listitem, quote, link,
// autolink, text, linebreak, tab, horizontalrule, upload, relationship,
// block, inlineBlock), that known fields have the right types and values,
// that children fit their parent (no text directly in root, only listitems
// in a list, no links in links) and that the value is within MaxBytes,
// MaxDepth and MaxNodes. Unknown extra keys are allowed: Lexical adds keys
// between versions and they are never rendered. A JSON null or empty raw is
// valid (no value). Link urls must pass SafeURL. Failures are
// *ValidationError.
func Validate(raw json.RawMessage) error {
	v, err := decode(raw)
	if err != nil || v == nil {
		return err
	}
	root, err := validateState(v)
	if err != nil {
		return err
	}
	return checkLinkURLs(root, "root", 1)
}

// checkLinkURLs refuses link and autolink urls that SafeURL refuses
// (javascript:, data:, …), so they are never stored. HTML skips this check:
// a value stored before the rule renders with the href dropped rather
// than failing.
func checkLinkURLs(n map[string]any, path string, depth int) error {
	if depth > MaxDepth {
		return nil
	}
	if t, _ := n["type"].(string); t == "link" || t == "autolink" {
		f, _ := n["fields"].(map[string]any)
		if u, _ := f["url"].(string); u != "" {
			if _, ok := SafeURL(u); !ok {
				return &ValidationError{Path: path + ".fields.url", Message: "must be an http(s), mailto: or tel: URL, or a relative one"}
			}
		}
	}
	kids, _ := n["children"].([]any)
	for i, k := range kids {
		if kid, ok := k.(map[string]any); ok {
			if err := checkLinkURLs(kid, path+".children["+strconv.Itoa(i)+"]", depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// validateState checks a decoded editor state and returns its root node.
func validateState(v any) (map[string]any, error) {
	state, ok := v.(map[string]any)
	if !ok {
		return nil, &ValidationError{Message: "must be a Lexical editor state object {\"root\": {...}}"}
	}
	for k := range state {
		if k != "root" {
			return nil, &ValidationError{Path: k, Message: "unexpected key in the editor state"}
		}
	}
	rv, ok := state["root"]
	if !ok {
		return nil, &ValidationError{Message: "missing root"}
	}
	root, ok := rv.(map[string]any)
	if !ok {
		return nil, &ValidationError{Path: "root", Message: "must be an object"}
	}
	if t, _ := root["type"].(string); t != "root" {
		return nil, &ValidationError{Path: "root.type", Message: `must be "root"`}
	}
	w := walker{}
	if err := w.node(root, "root", 1); err != nil {
		return nil, err
	}
	return root, nil
}

type walker struct {
	nodes int
}

func (w *walker) node(n map[string]any, path string, depth int) error {
	if depth > MaxDepth {
		return &ValidationError{Path: path, Message: fmt.Sprintf("nesting is deeper than %d levels", MaxDepth)}
	}
	if w.nodes++; w.nodes > MaxNodes {
		return &ValidationError{Path: path, Message: fmt.Sprintf("document has more than %d nodes", MaxNodes)}
	}
	tv, ok := n["type"]
	if !ok {
		return &ValidationError{Path: path, Message: "missing type"}
	}
	typ, ok := tv.(string)
	if !ok {
		return &ValidationError{Path: path + ".type", Message: "must be a string"}
	}
	sp, ok := spec(typ)
	if !ok {
		return &ValidationError{Path: path, Message: fmt.Sprintf("unknown node type %q", truncate(typ))}
	}
	if typ == "root" && depth != 1 {
		return &ValidationError{Path: path, Message: "root node inside another node"}
	}
	if err := optNumber(n, "version", path, false); err != nil {
		return err
	}
	if sp.check != nil {
		if err := sp.check(n, path); err != nil {
			return err
		}
	}
	cv, has := n["children"]
	if !sp.element {
		if has {
			return &ValidationError{Path: path + ".children", Message: fmt.Sprintf("%s nodes have no children", typ)}
		}
		return nil
	}
	if err := checkElement(n, path); err != nil {
		return err
	}
	if !has {
		return &ValidationError{Path: path + ".children", Message: "missing children"}
	}
	kids, ok := cv.([]any)
	if !ok {
		return &ValidationError{Path: path + ".children", Message: "must be an array"}
	}
	for i, kv := range kids {
		kp := path + ".children[" + strconv.Itoa(i) + "]"
		kid, ok := kv.(map[string]any)
		if !ok {
			return &ValidationError{Path: kp, Message: "must be a node object"}
		}
		if err := w.node(kid, kp, depth+1); err != nil {
			return err
		}
		kt := kid["type"].(string) // checked by w.node
		if !sp.children(kt) {
			return &ValidationError{Path: kp, Message: fmt.Sprintf("a %s node cannot be inside a %s node", kt, typ)}
		}
	}
	return nil
}

// checkElement checks the fields every Lexical element node carries.
func checkElement(n map[string]any, path string) error {
	if f, ok := n["format"]; ok {
		switch f.(type) {
		case string, json.Number:
		default:
			return &ValidationError{Path: path + ".format", Message: "must be a string"}
		}
	}
	if err := optNumber(n, "indent", path, true); err != nil {
		return err
	}
	if err := optNumber(n, "textFormat", path, true); err != nil {
		return err
	}
	if err := optString(n, "textStyle", path); err != nil {
		return err
	}
	if d, ok := n["direction"]; ok && d != nil {
		if s, ok := d.(string); !ok || (s != "ltr" && s != "rtl") {
			return &ValidationError{Path: path + ".direction", Message: `must be "ltr", "rtl" or null`}
		}
	}
	return nil
}

func checkHeading(n map[string]any, path string) error {
	switch n["tag"] {
	case "h1", "h2", "h3", "h4", "h5", "h6":
		return nil
	}
	return &ValidationError{Path: path + ".tag", Message: "must be one of h1 to h6"}
}

func checkList(n map[string]any, path string) error {
	lt, _ := n["listType"].(string)
	switch lt {
	case "bullet", "number", "check":
	default:
		return &ValidationError{Path: path + ".listType", Message: `must be "bullet", "number" or "check"`}
	}
	if t, ok := n["tag"]; ok {
		want := "ul"
		if lt == "number" {
			want = "ol"
		}
		if t != want {
			return &ValidationError{Path: path + ".tag", Message: fmt.Sprintf("must be %q for a %s list", want, lt)}
		}
	}
	return optNumber(n, "start", path, true)
}

func checkListItem(n map[string]any, path string) error {
	if err := optNumber(n, "value", path, true); err != nil {
		return err
	}
	if c, ok := n["checked"]; ok && c != nil {
		if _, ok := c.(bool); !ok {
			return &ValidationError{Path: path + ".checked", Message: "must be a boolean"}
		}
	}
	return nil
}

func checkText(n map[string]any, path string) error {
	if _, ok := n["text"].(string); !ok {
		return &ValidationError{Path: path + ".text", Message: "must be a string"}
	}
	if err := optNumber(n, "format", path, true); err != nil {
		return err
	}
	if err := optNumber(n, "detail", path, true); err != nil {
		return err
	}
	if err := optString(n, "style", path); err != nil {
		return err
	}
	if m, ok := n["mode"]; ok {
		switch m {
		case "normal", "token", "segmented":
		default:
			return &ValidationError{Path: path + ".mode", Message: `must be "normal", "token" or "segmented"`}
		}
	}
	return nil
}

func checkLink(n map[string]any, path string) error {
	fv, ok := n["fields"]
	if !ok {
		return &ValidationError{Path: path + ".fields", Message: "missing fields"}
	}
	f, ok := fv.(map[string]any)
	if !ok {
		return &ValidationError{Path: path + ".fields", Message: "must be an object"}
	}
	fp := path + ".fields"
	lt := "custom"
	if v, ok := f["linkType"]; ok {
		lt, _ = v.(string)
		if lt != "custom" && lt != "internal" {
			return &ValidationError{Path: fp + ".linkType", Message: `must be "custom" or "internal"`}
		}
	}
	if err := optString(f, "url", fp); err != nil {
		return err
	}

	if v, ok := f["newTab"]; ok && v != nil {
		if _, ok := v.(bool); !ok {
			return &ValidationError{Path: fp + ".newTab", Message: "must be a boolean"}
		}
	}
	if d, ok := f["doc"]; ok && d != nil {
		doc, ok := d.(map[string]any)
		if !ok {
			return &ValidationError{Path: fp + ".doc", Message: "must be an object or null"}
		}
		if err := checkRef(doc, fp+".doc"); err != nil {
			return err
		}
	} else if lt == "internal" {
		return &ValidationError{Path: fp + ".doc", Message: "an internal link needs a doc"}
	}
	return nil
}

// checkRef checks {relationTo, value} of upload and relationship nodes and
// of an internal link's doc.
func checkRef(n map[string]any, path string) error {
	if rt, ok := n["relationTo"].(string); !ok || rt == "" {
		return &ValidationError{Path: path + ".relationTo", Message: "must be a collection slug"}
	}
	v, ok := n["value"]
	if !ok {
		return &ValidationError{Path: path + ".value", Message: "missing value"}
	}
	if _, ok := refID(v); !ok {
		return &ValidationError{Path: path + ".value", Message: "must be a document id or a document with an id"}
	}
	if f, ok := n["fields"]; ok && f != nil {
		if _, ok := f.(map[string]any); !ok {
			return &ValidationError{Path: path + ".fields", Message: "must be an object or null"}
		}
	}
	return nil
}

func checkBlock(n map[string]any, path string) error {
	f, ok := n["fields"].(map[string]any)
	if !ok {
		return &ValidationError{Path: path + ".fields", Message: "must be an object"}
	}
	if bt, ok := f["blockType"].(string); !ok || bt == "" {
		return &ValidationError{Path: path + ".fields.blockType", Message: "must be a block slug"}
	}
	return nil
}

// refID extracts a document id from an id value (number or string) or a
// populated document ({"id": ...}).
func refID(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		return x.String(), true
	case string:
		return x, x != ""
	case map[string]any:
		switch id := x["id"].(type) {
		case json.Number:
			return id.String(), true
		case string:
			return id, id != ""
		}
	}
	return "", false
}

func optNumber(n map[string]any, key, path string, nonNegInt bool) error {
	v, ok := n[key]
	if !ok {
		return nil
	}
	num, ok := v.(json.Number)
	if !ok {
		return &ValidationError{Path: path + "." + key, Message: "must be a number"}
	}
	if nonNegInt {
		if i, err := strconv.ParseInt(num.String(), 10, 32); err != nil || i < 0 {
			return &ValidationError{Path: path + "." + key, Message: "must be a non-negative integer"}
		}
	}
	return nil
}

func optString(n map[string]any, key, path string) error {
	if v, ok := n[key]; ok {
		if _, ok := v.(string); !ok {
			return &ValidationError{Path: path + "." + key, Message: "must be a string"}
		}
	}
	return nil
}

// IsEmpty reports whether raw holds no content: null, no root children, or
// only paragraphs without visible text (what a cleared editor leaves
// behind). Required rich text fields use it; it does not validate.
func IsEmpty(raw json.RawMessage) bool {
	v, err := decode(raw)
	if err != nil {
		return false
	}
	if v == nil {
		return true
	}
	state, ok := v.(map[string]any)
	if !ok {
		return false
	}
	root, ok := state["root"].(map[string]any)
	if !ok {
		return false
	}
	return !hasContent(root, 0)
}

func hasContent(n map[string]any, depth int) bool {
	if depth > MaxDepth {
		return true
	}
	switch n["type"] {
	case "root", "paragraph", "heading", "quote", "list", "listitem", "link", "autolink":
		kids, _ := n["children"].([]any)
		for _, k := range kids {
			if kid, ok := k.(map[string]any); ok && hasContent(kid, depth+1) {
				return true
			}
		}
		return false
	case "text":
		s, _ := n["text"].(string)
		return strings.TrimSpace(s) != ""
	case "linebreak", "tab":
		return false
	}
	return true
}

// truncate keeps error messages short without splitting a UTF-8 sequence.
func truncate(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 40
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
