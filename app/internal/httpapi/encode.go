package httpapi

import (
	"strconv"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/docjson"
)

// appendJSON appends v as JSON: the API's envelopes in Payload's key
// order, documents and every other value as docjson writes them (what
// encoding/json writes, without reflection).
func appendJSON(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case []content.Doc:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = docjson.AppendMap(b, e); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case listEnvelope:
		return appendList(b, x)
	case docEnvelope:
		b = append(b, `{"doc":`...)
		b, err := docjson.AppendMap(b, x.Doc)
		if err != nil {
			return b, err
		}
		b = append(b, `,"message":`...)
		b = docjson.AppendString(b, x.Message)
		return append(b, '}'), nil
	}
	return docjson.Append(b, v)
}

func appendIntPtr(b []byte, p *int) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*p), 10)
}

// appendList writes the pagination envelope in Payload's key order.
func appendList(b []byte, l listEnvelope) ([]byte, error) {
	b = append(b, `{"docs":`...)
	var err error
	if l.Docs == nil {
		b = append(b, "[]"...)
	} else if b, err = appendJSON(b, l.Docs); err != nil {
		return b, err
	}
	b = append(b, `,"hasNextPage":`...)
	b = strconv.AppendBool(b, l.HasNextPage)
	b = append(b, `,"hasPrevPage":`...)
	b = strconv.AppendBool(b, l.HasPrevPage)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(l.Limit), 10)
	b = append(b, `,"nextPage":`...)
	b = appendIntPtr(b, l.NextPage)
	b = append(b, `,"page":`...)
	b = strconv.AppendInt(b, int64(l.Page), 10)
	b = append(b, `,"pagingCounter":`...)
	b = strconv.AppendInt(b, int64(l.PagingCounter), 10)
	b = append(b, `,"prevPage":`...)
	b = appendIntPtr(b, l.PrevPage)
	b = append(b, `,"totalDocs":`...)
	b = strconv.AppendInt(b, l.TotalDocs, 10)
	b = append(b, `,"totalPages":`...)
	b = strconv.AppendInt(b, int64(l.TotalPages), 10)
	return append(b, '}'), nil
}
