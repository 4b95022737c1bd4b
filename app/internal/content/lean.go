package content

import (
	"bytes"

	"github.com/automatonic/chronos/app/internal/docjson"
)

// An encoded read (ReadOptions.Encoded: the caller only writes the
// documents out as JSON with docjson) does not decode what it passes
// through. Its documents are decoded from the stored text by leanData:
// exactly what shape reads of them, with the values DecodeData would give,
// except that rich text without relations and JSON field values stay
// stored text, rewritten to the form docjson.Append writes
// (docjson.Canonical) and carried as docjson.Raw. Those values are most of
// a page's bytes; nothing on an encoded read looks inside them: rich text
// relations are the only thing populate and reduceRichText touch, and a
// value holding any stays decoded. The decoded path (DecodeData, then
// shape) stays the definition: whatever the lean decoder cannot promise to
// give the same, it hands to it, and TestEncodedReadIsTheDecodedRead holds
// the two to the same bytes.

// relationKey is how a member named relationTo reads in canonical text:
// every rich text relation node (upload, relationship, an internal link's
// doc) has one. Only a key is followed by a colon, so a text without it
// holds no relation.
var relationKey = []byte(`"relationTo":`)

// encodedRead reports whether a find of c may hand its records over as
// stored text (Find.Raw): an encoded read of the stored documents (not
// the latest drafts), without rich text HTML (rendered from decoded
// trees) and of a collection whose documents content does not render URLs
// into (an upload collection's Files need the decoded document).
func (s *Service) encodedRead(c *Collection, actor *Actor, opts ReadOptions) bool {
	return opts.Encoded && !readsDrafts(c, actor, opts) && !opts.RichTextHTML && s.behaviors[c.Slug].Files == nil
}

// leanData decodes a record's stored text for an encoded read; text the
// lean decoder refuses is decoded whole (DecodeData), which also gives
// the decoding path's error for text that is not a JSON object.
// The stored text is checked as JSON once, by docjson.Members of the
// whole document; the values it returns are split further with
// docjson.ValidMembers and ValidElements, which do not check again.
func leanData(fields []Field, raw []byte) (map[string]any, error) {
	if ms, err := docjson.Members(raw); err == nil {
		if m, err := leanMembers(fields, ms, nil); err == nil {
			return m, nil
		}
	}
	return DecodeData(raw)
}

// leanObject decodes the members of object text b (a checked value) that
// fields declare.
func leanObject(fields []Field, b []byte) (map[string]any, error) {
	ms, err := docjson.ValidMembers(b)
	if err != nil {
		return nil, err
	}
	return leanMembers(fields, ms, nil)
}

// leanMembers decodes the members ms of an object as leanObject does.
func leanMembers(fields []Field, ms []docjson.Member, keep []string) (map[string]any, error) {
	var err error
	out := make(map[string]any, len(fields)+len(keep))
	for _, m := range ms {
		f := fieldNamed(fields, m.Key)
		if f == nil {
			for _, k := range keep {
				if string(m.Key) == k {
					if out[k], err = docjson.Decode(m.Value); err != nil {
						return nil, err
					}
				}
			}
			continue
		}
		if out[f.Name], err = leanValue(f, m.Value); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func fieldNamed(fields []Field, key []byte) *Field {
	for i := range fields {
		if fields[i].Name == string(key) {
			return &fields[i]
		}
	}
	return nil
}

// rowKeys are the members of an array or blocks row beside its fields.
var rowKeys = []string{"id", "blockType", "blockName"}

// leanValue decodes one field's stored value.
func leanValue(f *Field, b []byte) (any, error) {
	switch first := firstByte(b); {
	case f.Type == Group && first == '{':
		return leanObject(f.Fields, b)
	case (f.Type == Array || f.Type == Blocks) && first == '[':
		return leanRows(f, b)
	case (f.Type == RichText || f.Type == JSON) && (first == '{' || first == '['):
		// jsonb's text has a space after every colon and comma: the
		// canonical text is shorter but for escapes.
		canon, err := docjson.Canonical(make([]byte, 0, len(b)), b)
		if err != nil || (f.Type == RichText && bytes.Contains(canon, relationKey)) {
			return docjson.Decode(b)
		}
		return docjson.Raw(canon), nil
	}
	return docjson.Decode(b)
}

// leanRows decodes the rows of an array or blocks field.
func leanRows(f *Field, b []byte) (any, error) {
	els, err := docjson.ValidElements(b)
	if err != nil {
		return nil, err
	}
	rows := make([]any, len(els))
	for i, el := range els {
		if firstByte(el) != '{' {
			if rows[i], err = docjson.Decode(el); err != nil {
				return nil, err
			}
			continue
		}
		ms, err := docjson.ValidMembers(el)
		if err != nil {
			return nil, err
		}
		fields := f.Fields
		if f.Type == Blocks {
			if fields, err = blockFields(f, ms); err != nil {
				return nil, err
			}
		}
		if rows[i], err = leanMembers(fields, ms, rowKeys); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// blockFields returns the fields of a block row's type (rowFields on the
// row's members).
func blockFields(f *Field, ms []docjson.Member) ([]Field, error) {
	var bt any
	var err error
	for _, m := range ms {
		if string(m.Key) == "blockType" {
			if bt, err = docjson.Decode(m.Value); err != nil {
				return nil, err
			}
		}
	}
	return rowFields(f, map[string]any{"blockType": bt}), nil
}

func firstByte(b []byte) byte {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c
		}
	}
	return 0
}
