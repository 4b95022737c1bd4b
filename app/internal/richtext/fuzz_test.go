package richtext

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// Seeds live in testdata/fuzz/FuzzValidate and testdata/fuzz/FuzzHTML.
// Longer runs: go test ./app/internal/richtext -run '^$' -fuzz FuzzHTML -fuzztime 10m

// FuzzValidate checks that Validate never panics, fails only with
// *ValidationError, and agrees with HTML on what is valid (but for unsafe
// link urls, which only Validate refuses); and that ValidateValue of the
// decoded input agrees with Validate of its encoding.
func FuzzValidate(f *testing.F) {
	f.Add([]byte(`{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"text","text":"x"}]}]}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		err := Validate(raw)
		var ve *ValidationError
		if err != nil && !errors.As(err, &ve) {
			t.Fatalf("Validate error %T: %v", err, err)
		}
		_, herr := HTML(raw, Options{})
		// HTML accepts what Validate does, and also stored link urls that
		// Validate refuses on write (it drops their href instead).
		if (err == nil && herr != nil) || (err != nil && herr == nil && !strings.HasSuffix(ve.Path, ".fields.url")) {
			t.Fatalf("Validate = %v but HTML = %v", err, herr)
		}
		_ = IsEmpty(raw)
		sameVerdictOfJSON(t, raw)
	})
}

// FuzzHTML checks (besides ValidateValue's agreement, as FuzzValidate)
// that the HTML of any valid document is deterministic and safe: only known tags and attributes, no <script, no dangerous URL scheme
// in href/src, also with resolvers that echo attacker-controlled values.
func FuzzHTML(f *testing.F) {
	f.Add([]byte(`{"root":{"type":"root","children":[{"type":"paragraph","children":[{"type":"link","fields":{"url":"javascript:alert(1)"},"children":[{"type":"text","text":"x"}]}]}]}}`))
	opts := Options{
		// Resolvers that pass document content through, as a careless caller might.
		MediaURL: func(r Ref) (Image, bool) {
			if img, ok := PopulatedImage(r); ok {
				return img, true
			}
			return Image{Src: r.ID, Alt: r.RelationTo}, true
		},
		DocURL: func(r Ref) (string, string, bool) {
			label, _ := r.Doc["title"].(string)
			return r.ID, label, true
		},
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		sameVerdictOfJSON(t, raw)
		out, err := HTML(json.RawMessage(raw), opts)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("HTML error %T: %v", err, err)
			}
			return
		}
		if err := checkHTML(out); err != nil {
			t.Fatalf("unsafe output (%v): %s", err, out)
		}
		again, _ := HTML(json.RawMessage(raw), opts)
		if again != out {
			t.Fatalf("not deterministic:\n%s\n%s", out, again)
		}
	})
}
