package content

import (
	"context"
)

// Live preview (Payload's @payloadcms/live-preview): the front end posts an
// editor's unsaved values back to the CMS with
// `X-Payload-HTTP-Method-Override: GET` and `{data, depth, …}`, and the
// CMS answers the document it would read — relations populated to depth,
// read decorations applied — built from the given data instead of the
// stored row. Nothing is written.
//
// Payload's findByID reads the stored row too and returns the given data
// even when that row is missing or hidden from the caller; here the
// caller must be able to read the stored document (or global), so the
// endpoint reveals nothing a plain read would not and cannot be used on a
// document the caller could not open.

// FindByIDWithData answers a read of document id of slug shaped from data
// (the unsaved values of an editor) rather than from the stored row. The
// stored document must exist and be readable by actor; its id and
// timestamps are kept. data is normalised as a draft write would be
// (unknown keys and invalid values dropped, relations reduced to ids),
// then populated to opts.Depth under actor's access.
func (s *Service) FindByIDWithData(ctx context.Context, actor *Actor, slug string, id int64, data map[string]any, opts ReadOptions) (Doc, error) {
	c, rec, err := s.readable(ctx, actor, slug, id)
	if err != nil {
		return nil, err
	}
	return s.withData(ctx, actor, c, rec, data, opts)
}

// FindGlobalWithData is FindByIDWithData for a global: the global must be
// readable by actor (a never-saved global answers from data alone).
func (s *Service) FindGlobalWithData(ctx context.Context, actor *Actor, slug string, data map[string]any, opts ReadOptions) (Doc, error) {
	g, rec, _, err := s.readableGlobal(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	d, err := s.withData(ctx, actor, g, rec, data, opts)
	if err != nil {
		return nil, err
	}
	if rec.ID == 0 {
		delete(d, "id")
	}
	withGlobalType(g, d, opts.Select)
	return d, nil
}

// withData shapes data as the document rec would be read.
func (s *Service) withData(ctx context.Context, actor *Actor, c *Collection, rec Record, data map[string]any, opts ReadOptions) (Doc, error) {
	v := validator{draft: true}
	norm := v.normalize(c.Fields, data, nil, "")
	s.fixSlug(c, norm, &v)
	r := Record{ID: rec.ID, CreatedAt: rec.CreatedAt, UpdatedAt: rec.UpdatedAt, Status: rec.Status, Data: norm}
	if c.Drafts {
		if r.Status != StatusPublished {
			r.Status = StatusDraft // a global never saved live has no status of its own
		}
		switch st, _ := data["_status"].(string); st {
		case StatusDraft, StatusPublished:
			r.Status = st
		}
	}
	// The given data is the draft: no latest version replaces it.
	opts.Draft = false
	docs, err := s.docs(ctx, actor, c, []Record{r}, opts)
	if err != nil {
		return nil, err
	}
	return docs[0], nil
}
