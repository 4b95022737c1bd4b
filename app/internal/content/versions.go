package content

import (
	"context"
	"fmt"

	"github.com/automatonic/chronos/app/internal/query"
)

// VersionsCollection returns the pseudo-collection describing c's versions.
func (r *Registry) VersionsCollection(c *Collection) *Collection { return versionsCollection(c) }

// versionDoc renders a version as Payload does:
// {id, parent, version:{...fields, _status, createdAt, updatedAt}, createdAt, updatedAt, latest}.
func (s *Service) versionDocs(ctx context.Context, actor *Actor, c *Collection, vs []Version, opts ReadOptions) ([]Doc, error) {
	recs := make([]Record, len(vs))
	for i, v := range vs {
		recs[i] = Record{ID: v.Parent, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt, Status: v.Status, Data: v.Data}
	}
	inner := opts
	inner.Select, inner.Draft = nil, false
	docs, err := s.docs(ctx, actor, c, recs, inner)
	if err != nil {
		return nil, err
	}
	out := make([]Doc, len(vs))
	for i, v := range vs {
		body := docs[i]
		delete(body, "id")
		out[i] = Doc{
			"id":        v.ID,
			"parent":    v.Parent,
			"version":   body,
			"createdAt": FormatTime(v.CreatedAt),
			"updatedAt": FormatTime(v.UpdatedAt),
			"latest":    v.Latest,
		}
		if c.Global {
			delete(out[i], "parent")
			body["globalType"] = c.Slug
		}
		if opts.Select != nil {
			out[i] = project(out[i], opts.Select, true)
		}
	}
	return out, nil
}

func (s *Service) versionsAccess(actor *Actor, slug string) (*Collection, error) {
	c, err := s.collection(slug)
	if err != nil {
		return nil, err
	}
	return s.versionsOf(actor, c)
}

func (s *Service) versionsOf(actor *Actor, c *Collection) (*Collection, error) {
	slug := c.Slug
	if !c.Drafts {
		return nil, fmt.Errorf("%w: %s has no versions", ErrNotSupported, slug)
	}
	if !rule(c.Access.ReadVersions, actor).Allow {
		return nil, ErrForbidden
	}
	return c, nil
}

// FindVersions lists versions (GET /api/{slug}/versions).
func (s *Service) FindVersions(ctx context.Context, actor *Actor, slug string, p query.Params) (List, error) {
	c, err := s.versionsAccess(actor, slug)
	if err != nil {
		return List{}, err
	}
	return s.findVersions(ctx, actor, c, p)
}

func (s *Service) findVersions(ctx context.Context, actor *Actor, c *Collection, p query.Params) (List, error) {
	vc := versionsCollection(c)
	wf, err := s.reg.CompileWhere(vc, p.Where, actor)
	if err != nil {
		return List{}, err
	}
	sort, err := CompileSort(vc, p.Sort)
	if err != nil {
		return List{}, err
	}
	limit, page, paginate := pagination(p)
	q := Find{Filter: wf, Sort: sort}
	pageWindow(&q, limit, page, paginate)
	vs, total, err := s.store.FindVersions(ctx, c, q)
	if err != nil {
		return List{}, fmt.Errorf("find versions: %w", err)
	}
	if err := checkPageDocs(len(vs)); err != nil {
		return List{}, err
	}
	docs, err := s.versionDocs(ctx, actor, c, vs, ReadOptionsFrom(p))
	if err != nil {
		return List{}, err
	}
	return envelope(docs, total, limit, page, paginate), nil
}

// FindVersionByID reads one version (GET /api/{slug}/versions/{id}).
func (s *Service) FindVersionByID(ctx context.Context, actor *Actor, slug string, id int64, opts ReadOptions) (Doc, error) {
	c, err := s.versionsAccess(actor, slug)
	if err != nil {
		return nil, err
	}
	return s.findVersionByID(ctx, actor, c, id, opts)
}

func (s *Service) findVersionByID(ctx context.Context, actor *Actor, c *Collection, id int64, opts ReadOptions) (Doc, error) {
	v, err := s.store.GetVersion(ctx, c, id)
	if err != nil {
		return nil, err
	}
	docs, err := s.versionDocs(ctx, actor, c, []Version{v}, opts)
	if err != nil {
		return nil, err
	}
	return docs[0], nil
}

// RestoreVersion writes a version's data back to its document
// (POST /api/{slug}/versions/{id}) and records that as a new version.
func (s *Service) RestoreVersion(ctx context.Context, actor *Actor, slug string, id int64, opts ReadOptions) (Doc, error) {
	c, err := s.versionsAccess(actor, slug)
	if err != nil {
		return nil, err
	}
	return s.restoreVersion(ctx, actor, c, id, opts)
}

func (s *Service) restoreVersion(ctx context.Context, actor *Actor, c *Collection, id int64, opts ReadOptions) (Doc, error) {
	v, err := s.store.GetVersion(ctx, c, id)
	if err != nil {
		return nil, err
	}
	uf, err := s.accessFilter(c, c.Access.Update(actor), actor)
	if err != nil {
		return nil, err
	}
	// A version may point at documents deleted since; restore without them
	// rather than refuse the restore as invalid relationships.
	res, err := s.updateLocked(ctx, actor, c, v.Parent, uf, func(tx *Service, _ Record) (map[string]any, error) {
		input, _, err := tx.pruneDangling(ctx, c, v.Data)
		if err != nil {
			return nil, err
		}
		input["_status"] = v.Status
		return input, nil
	}, nil, WriteOptions{ReadOptions: opts})
	if err != nil {
		return nil, err
	}
	res.Doc["message"] = "Restored Successfully."
	return res.Doc, nil
}
