package richtext

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"strings"
	"testing"
)

// encodedVerdict is how content validated a decoded rich text value before
// ValidateValue: encode it with json.Marshal and Validate the bytes.
func encodedVerdict(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return Validate(b)
}

// sameVerdict checks that ValidateValue(v) accepts and refuses what the
// encoding path does, with the same error, and that a value it walks
// itself is measured exactly as json.Marshal writes it.
func sameVerdict(t *testing.T, v any) {
	t.Helper()
	var m measure
	if m.value(v, 0) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("walked a value json.Marshal refuses: %v", err)
		}
		if m.size != len(b) {
			t.Fatalf("measured %d bytes, json.Marshal wrote %d: %.200s", m.size, len(b), b)
		}
	}
	want, got := encodedVerdict(v), ValidateValue(v)
	var wv, gv *ValidationError
	switch {
	case want == nil || got == nil:
		if want != got {
			t.Fatalf("ValidateValue = %v, encoding path = %v", got, want)
		}
	case errors.As(want, &wv) != errors.As(got, &gv):
		t.Fatalf("ValidateValue = %T %v, encoding path = %T %v", got, got, want, want)
	case wv == nil:
		// Both say the value is not JSON.
	case wv.Message == "unexpected key in the editor state" && gv.Message == wv.Message:
		// Either of several unexpected keys may be named (map order).
	case *wv != *gv:
		t.Fatalf("ValidateValue = %q, encoding path = %q", got, want)
	}
}

// sameVerdictOfJSON decodes raw as the API decodes a request body and
// compares the two paths on the value; raw that is not one JSON value is
// no decoded value and is skipped.
func sameVerdictOfJSON(t *testing.T, raw []byte) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return
	}
	sameVerdict(t, v)
}

func decoded(t *testing.T, raw string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// paragraphDoc is a one-paragraph document, changed by edit (its text node and root).
func paragraphDoc(t *testing.T, edit func(text, root map[string]any)) map[string]any {
	t.Helper()
	d := decoded(t, `{"root":{"type":"root","version":1,"direction":"ltr","format":"","indent":0,"children":[`+
		`{"type":"paragraph","version":1,"children":[{"type":"text","version":1,"text":"hello","format":0}]}]}}`)
	root := d["root"].(map[string]any)
	text := root["children"].([]any)[0].(map[string]any)["children"].([]any)[0].(map[string]any)
	edit(text, root)
	return d
}

func nested(depth int) any {
	var v any = "leaf"
	for range depth {
		v = map[string]any{"x": v}
	}
	return v
}

func TestValidateValueAgreesWithTheEncodingPath(t *testing.T) {
	for _, name := range []string{"kitchen-sink.json", "home.json", "xss.json"} {
		raw, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(name, func(t *testing.T) { sameVerdictOfJSON(t, raw) })
	}
	// The byte count that puts a document at exactly MaxBytes encoded.
	base, _ := json.Marshal(paragraphDoc(t, func(text, _ map[string]any) { text["text"] = "" }))
	fill := MaxBytes - len(base)
	cycle := map[string]any{"type": "root"}
	cycle["self"] = cycle
	cases := map[string]any{
		"null":             nil,
		"string":           "root",
		"array":            []any{},
		"empty object":     map[string]any{},
		"nil map":          map[string]any(nil),
		"plain":            paragraphDoc(t, func(map[string]any, map[string]any) {}),
		"float version":    paragraphDoc(t, func(text, _ map[string]any) { text["version"] = 1.0 }),
		"int format":       paragraphDoc(t, func(text, _ map[string]any) { text["format"] = 3 }),
		"negative zero":    paragraphDoc(t, func(text, _ map[string]any) { text["format"] = math.Copysign(0, -1) }),
		"huge float":       paragraphDoc(t, func(text, _ map[string]any) { text["format"] = 1e21 }),
		"NaN":              paragraphDoc(t, func(text, _ map[string]any) { text["format"] = math.NaN() }),
		"empty number":     paragraphDoc(t, func(text, _ map[string]any) { text["format"] = json.Number("") }),
		"bad number":       paragraphDoc(t, func(text, _ map[string]any) { text["format"] = json.Number("1x") }),
		"fraction":         paragraphDoc(t, func(text, _ map[string]any) { text["format"] = json.Number("1.5") }),
		"exponent":         paragraphDoc(t, func(text, _ map[string]any) { text["format"] = json.Number("1e2") }),
		"negative":         paragraphDoc(t, func(text, _ map[string]any) { text["format"] = json.Number("-1") }),
		"nil children":     paragraphDoc(t, func(_, root map[string]any) { root["children"] = []any(nil) }),
		"typed children":   paragraphDoc(t, func(_, root map[string]any) { root["children"] = []map[string]any{} }),
		"not UTF-8 text":   paragraphDoc(t, func(text, _ map[string]any) { text["text"] = "a\xffb" }),
		"not UTF-8 type":   paragraphDoc(t, func(text, _ map[string]any) { text["type"] = "te\xffxt" }),
		"not UTF-8 key":    paragraphDoc(t, func(text, _ map[string]any) { text["\xff"] = 1 }),
		"NUL in text":      paragraphDoc(t, func(text, _ map[string]any) { text["text"] = "a\x00b" }),
		"NUL in a key":     paragraphDoc(t, func(text, _ map[string]any) { text["k\x00"] = true }),
		"NUL and bad type": paragraphDoc(t, func(text, _ map[string]any) { text["text"], text["type"] = "\x00", "nope" }),
		"escapes":          paragraphDoc(t, func(text, _ map[string]any) { text["text"] = "<a href=\"x\">&\u2028\u2029\t\n\r\b\f\x01\\</a> é 😀" }),
		"at MaxBytes":      paragraphDoc(t, func(text, _ map[string]any) { text["text"] = strings.Repeat("<", fill/6) + strings.Repeat("x", fill%6) }),
		"past MaxBytes": paragraphDoc(t, func(text, _ map[string]any) {
			text["text"] = strings.Repeat("<", fill/6) + strings.Repeat("x", fill%6+1)
		}),
		"past, and bad": paragraphDoc(t, func(text, _ map[string]any) { text["text"], text["type"] = strings.Repeat("\u2028", fill/6+2), 7 }),
		"unsafe link": paragraphDoc(t, func(_, root map[string]any) {
			root["children"].([]any)[0].(map[string]any)["children"] = []any{map[string]any{"type": "link", "fields": map[string]any{"url": "javascript:alert(1)"},
				"children": []any{map[string]any{"type": "text", "text": "x"}}}}
		}),
		"unexpected keys":  map[string]any{"root": map[string]any{"type": "root", "children": []any{}}, "a": 1, "b": 2},
		"deep extra key":   paragraphDoc(t, func(text, _ map[string]any) { text["extra"] = nested(maxShapeDepth + 5) }),
		"past JSON depth":  paragraphDoc(t, func(text, _ map[string]any) { text["extra"] = nested(10_001) }),
		"cycle":            map[string]any{"root": cycle},
		"bool and strings": paragraphDoc(t, func(text, _ map[string]any) { text["extra"] = []any{true, false, nil, "", json.Number("0")} }),
	}
	// What some cases are about, so that they keep testing it.
	verdicts := map[string]string{
		"plain": "", "float version": "", "negative zero": "", "empty number": "", "not UTF-8 text": "", "escapes": "",
		"deep extra key": "", "at MaxBytes": "",
		"past MaxBytes": "larger than", "past, and bad": "larger than", "NUL in a key": "NUL", "NUL and bad type": "NUL",
		"huge float": "non-negative integer", "nil children": "must be an array", "past JSON depth": "not valid JSON",
		"NaN": "unsupported value", "cycle": "cycle", "unsafe link": "fields.url",
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			sameVerdict(t, v)
			want, ok := verdicts[name]
			err := ValidateValue(v)
			if ok && (want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), want) {
				t.Errorf("ValidateValue = %v, want an error with %q", err, want)
			}
		})
	}
}
