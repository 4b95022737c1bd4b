package docjson

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestDecodeIsUnmarshal: Decode and DecodeObject give what json.Unmarshal
// gives (into an any, into a non-nil map), or fail where it fails.
func TestDecodeIsUnmarshal(t *testing.T) {
	for _, src := range corpus {
		checkDecode(t, []byte(src))
	}
	for _, src := range []string{
		`{"sizes": {"card": {"url": null, "width": 768, "filename": "a-768x1024.webp"}, "thumbnail": {}}, "alt": "An <image> & more", "focalX": 50.5}`,
		`{"a":[],"b":{},"c":[[],{}],"d":"\u00e9\n","é":"x","a":[1]}`, `{"a":1}  `, `null`, `[]`, `{"a":"\ud800"}`, "{\"a\":\"\xff\"}",
	} {
		checkDecode(t, []byte(src))
	}
}

func checkDecode(t *testing.T, src []byte) {
	t.Helper()
	var want any
	wantErr := json.Unmarshal(src, &want)
	got, err := Decode(src)
	if (err != nil) != (wantErr != nil) || (err == nil && !reflect.DeepEqual(got, want)) {
		t.Fatalf("Decode(%q) = %#v, %v; encoding/json %#v, %v", src, got, err, want, wantErr)
	}
	wantMap := map[string]any{}
	wantErr = json.Unmarshal(src, &wantMap)
	gotMap, err := DecodeObject(src)
	if (err != nil) != (wantErr != nil) || (err == nil && !reflect.DeepEqual(gotMap, wantMap)) {
		t.Fatalf("DecodeObject(%q) = %#v, %v; encoding/json %#v, %v", src, gotMap, err, wantMap, wantErr)
	}
}

func FuzzDecode(f *testing.F) {
	for _, src := range corpus {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkDecode(t, src)
	})
}
