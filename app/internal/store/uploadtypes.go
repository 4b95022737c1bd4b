package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/automatonic/chronos/app/internal/content"
)

// UploadTypes implements content.Store: the two values are read out of the
// stored JSON (or their columns) by the database, so no document is sent
// or decoded.
func (r *Repo) UploadTypes(ctx context.Context, c *content.Collection, ids []int64) (map[int64]content.UploadType, error) {
	out := make(map[int64]content.UploadType, len(ids))
	t, err := tableFor(c)
	if err != nil {
		return nil, err
	}
	rn := r.renderer()
	s := rn.rootScope(t, "t")
	name, _ := rn.expr(s, []content.Segment{{Name: "filename"}}, content.Text)
	mime, _ := rn.expr(s, []content.Segment{{Name: "mimeType"}}, content.Text)
	for len(ids) > 0 {
		n := min(len(ids), getManyChunk)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		ids = ids[n:]
		q := "SELECT t.id, " + name + ", " + mime + " FROM " + t.name + " t WHERE t.id IN (" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
		if err := r.scanUploadTypes(ctx, q, args, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (r *Repo) scanUploadTypes(ctx context.Context, q string, args []any, out map[int64]content.UploadType) error {
	rows, err := r.rd.WithContext(ctx).Raw(q, args...).Rows()
	if err != nil {
		return classify(fmt.Errorf("upload types: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name, mime sql.NullString
		if err := rows.Scan(&id, &name, &mime); err != nil {
			return fmt.Errorf("upload types: scan: %w", err)
		}
		out[id] = content.UploadType{Filename: name.String, MimeType: mime.String}
	}
	return classify(rows.Err())
}
