package docjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// corpus holds texts as json.Marshal stores them, as PostgreSQL's jsonb
// prints them (spaces, keys by length first), and the spellings neither
// writes but JSON allows.
var corpus = []string{
	`null`, `true`, `false`, `0`, `-0`, `7`, `-42`, `123456789012345`, `1234567890123456`, `12345678901234567890`,
	`1.0`, `1.50`, `-1.5`, `1e2`, `1E+2`, `1e-7`, `3.0e-9`, `1e21`, `1e20`, `123456789.125`, `0.1`, `5e-324`, `1.7976931348623157e308`,
	`""`, `"plain"`, `"quote\" back\\slash"`, `"\u003cscript\u003e\u0026amp;"`, `"<b>&</b>"`, `"\/slash"`, `"\b\f\n\r\t"`,
	`"\u00e9t\u00E9"`, `"ünïcödé ✓"`, "\"\u2028\u2029\"", `"\u2028"`, "\"bad\xffutf8\"", `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`,
	`"\u0000\u001f"`, `[]`, `{}`, ` [ 1 , 2 ] `, `[1,"a",null,true,{"b":2,"a":1}]`,
	`{"a":1,"b":[1,2,{"d":4,"c":3}],"c":{"z":null}}`,
	`{"id": 1, "root": {"type": "root", "children": [{"text": "Hi", "type": "text", "format": 0}], "direction": "ltr"}}`,
	`{"b":1,"a":2,"b":3}`, `{"a":1,"a":1}`, `{"é":1,"e":2,"\u00e9x":3}`, `{"\u0062":1,"a":2}`, `{"":0," ":1}`,
	`{"a":1e400}`, `[1e400]`, `-1e400`, `{"a":}`, `{"a" 1}`, `[1,]`, `[1 2]`, `{"a":1,}`, `01`, `1.`, `.5`, `-`, `1e`, `+1`,
	`tru`, `nul`, `"unterminated`, "\"ctl\x01\"", `"\x"`, `"\u12"`, `{"a":[1,2}`, `[` + strings.Repeat(`[`, 1200) + strings.Repeat(`]`, 1201),
	` {"a" : [ true , false ] } `, `{"a":1} x`, ``, ` `,
}

// TestCanonicalIsAppendOfDecoded: Canonical writes byte for byte what
// Append writes of the value encoding/json decodes, or refuses.
func TestCanonicalIsAppendOfDecoded(t *testing.T) {
	for _, src := range corpus {
		checkCanonical(t, []byte(src))
	}
}

func checkCanonical(t *testing.T, src []byte) {
	t.Helper()
	got, err := Canonical([]byte("prefix"), src)
	var v any
	decErr := json.Unmarshal(src, &v)
	if err != nil {
		if !errors.Is(err, errNoCanonicalForm) || string(got) != "prefix" {
			t.Fatalf("%q: error %v, dst %q", src, err, got)
		}
		// Refusing is allowed for text encoding/json rejects, a repeated
		// key and deep nesting, nothing else.
		if decErr == nil && !repeatsKeyOrNests(src) {
			t.Errorf("%q: refused text encoding/json decodes", src)
		}
		return
	}
	if decErr != nil {
		t.Fatalf("%q: canonical %q, but encoding/json: %v", src, got, decErr)
	}
	want, err := Append([]byte("prefix"), v)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%q:\n got %s\nwant %s", src, got, want)
	}
}

// repeatsKeyOrNests reports whether JSON text src has an object with a
// repeated key or nests deeper than MaxDepth.
func repeatsKeyOrNests(src []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(src))
	type level struct {
		keys   map[string]bool
		object bool
		expect bool // the next string token is a key
	}
	var stack []level
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		var top *level
		if len(stack) > 0 {
			top = &stack[len(stack)-1]
		}
		switch x := tok.(type) {
		case json.Delim:
			if x == '{' || x == '[' {
				if top != nil && top.object {
					top.expect = true
				}
				stack = append(stack, level{keys: map[string]bool{}, object: x == '{', expect: x == '{'})
				if len(stack) > MaxDepth {
					return true
				}
				continue
			}
			stack = stack[:len(stack)-1]
			continue
		case string:
			if top != nil && top.object && top.expect {
				if top.keys[x] {
					return true
				}
				top.keys[x], top.expect = true, false
				continue
			}
		}
		if top != nil && top.object {
			top.expect = true
		}
	}
}

// TestCanonicalOfMarshalledIsItself: what json.Marshal stored comes out
// as it went in (the copy the SQLite read path relies on).
func TestCanonicalOfMarshalledIsItself(t *testing.T) {
	v := map[string]any{"b": 1.5, "a": []any{"x<y & z", nil, map[string]any{"z": true, "y": 3.0}}, "": "empty", "é": "k\u2028"}
	src, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Canonical(nil, src)
	if err != nil || !bytes.Equal(got, src) {
		t.Fatalf("got %s, %v; want %s", got, err, src)
	}
}

func TestMembersAndDecode(t *testing.T) {
	ms, err := Members([]byte(` {"b" : [1, {"x": "}"}], "a\u00e9": "s", "b": null } `))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`b=[1, {"x": "}"}]`, `aé="s"`, `b=null`}
	if len(ms) != len(want) {
		t.Fatalf("members %q", ms)
	}
	for i, m := range ms {
		if got := string(m.Key) + "=" + string(m.Value); got != want[i] {
			t.Errorf("member %d: %s, want %s", i, got, want[i])
		}
	}
	for _, bad := range []string{`[1]`, `{"a":1`, `{"a":1} 2`, `{"a":[}`, `{"a":01}`} {
		if _, err := Members([]byte(bad)); err == nil {
			t.Errorf("Members(%s) accepted", bad)
		}
	}
	els, err := Elements([]byte(`[ 1 , "a" , {"b":[2]} ]`))
	if err != nil || len(els) != 3 || string(els[2]) != `{"b":[2]}` {
		t.Fatalf("elements %q %v", els, err)
	}
	for _, src := range corpus {
		var want any
		wantErr := json.Unmarshal([]byte(src), &want)
		got, err := Decode([]byte(src))
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("Decode(%q) error %v, encoding/json %v", src, err, wantErr)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if err == nil && !bytes.Equal(g, w) {
			t.Errorf("Decode(%q) = %s, want %s", src, g, w)
		}
	}
}

func FuzzCanonical(f *testing.F) {
	for _, src := range corpus {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkCanonical(t, src)
	})
}

// TestValidMembersOfCheckedText: on text Members or Elements accepted (and
// on every value they return, all the way down), ValidMembers and
// ValidElements split the same members and elements.
func TestValidMembersOfCheckedText(t *testing.T) {
	for _, src := range corpus {
		checkValidSplit(t, []byte(src))
	}
	checkValidSplit(t, []byte(`{"a" : "x\"}]" , "b":[ {"c": [1, "]"] } , -2.5e3 , true ] , "c" : {}, "d":[] }`))
}

// checkValidSplit compares the checked and unchecked splits of src and of
// the values in it; on text no check accepted it only runs the unchecked
// ones, which must not panic.
func checkValidSplit(t *testing.T, src []byte) {
	t.Helper()
	ms, err := Members(src)
	vms, verr := ValidMembers(src)
	if err == nil {
		if verr != nil || len(vms) != len(ms) {
			t.Fatalf("%q: ValidMembers %q %v, Members %q", src, vms, verr, ms)
		}
		for i := range ms {
			if !bytes.Equal(ms[i].Key, vms[i].Key) || !bytes.Equal(ms[i].Value, vms[i].Value) {
				t.Fatalf("%q: member %d: ValidMembers %q=%q, Members %q=%q", src, i, vms[i].Key, vms[i].Value, ms[i].Key, ms[i].Value)
			}
			checkValidSplit(t, ms[i].Value)
		}
	}
	els, err := Elements(src)
	vels, verr := ValidElements(src)
	if err == nil {
		if verr != nil || len(vels) != len(els) {
			t.Fatalf("%q: ValidElements %q %v, Elements %q", src, vels, verr, els)
		}
		for i := range els {
			if !bytes.Equal(els[i], vels[i]) {
				t.Fatalf("%q: element %d: ValidElements %q, Elements %q", src, i, vels[i], els[i])
			}
			checkValidSplit(t, els[i])
		}
	}
}

func FuzzValidMembers(f *testing.F) {
	for _, src := range corpus {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkValidSplit(t, src)
	})
}
