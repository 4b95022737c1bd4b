package content

import (
	"context"
	"errors"
	"fmt"
	"github.com/automatonic/chronos/app/internal/fault"

	"github.com/automatonic/chronos/app/internal/query"
)

// ErrUnknownGlobal is a global slug the registry does not know.
var ErrUnknownGlobal = fault.New(fault.NotFound, "Not Found")

func (s *Service) global(slug string) (*Collection, error) {
	g, ok := s.reg.Global(slug)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownGlobal, slug)
	}
	return g, nil
}

// statusNone is the status of a drafts-enabled global's row while it holds
// no live document: every save so far was a draft. Payload keeps no main
// document then (its draft saves write versions only), so reads answer the
// never-saved shape; the row exists only as the drafts' parent, with empty
// data. The first save that is not a draft makes it live.
const statusNone = ""

// hasLive reports whether rec, a stored row of global g, holds a live
// document.
func hasLive(g *Collection, rec Record) bool { return !g.Drafts || rec.Status != statusNone }

// globalRecord loads the one stored row of a global, if it was ever saved,
// among the rows f lets through.
func (s *Service) globalRecord(ctx context.Context, g *Collection, f Filter) (Record, bool, error) {
	recs, _, err := s.store.Find(ctx, g, Find{Filter: f, Sort: []SortKey{{Field: "id"}}, Limit: 1})
	if err != nil {
		return Record{}, false, fmt.Errorf("read global %s: %w", g.Slug, err)
	}
	if len(recs) == 0 {
		return Record{}, false, nil
	}
	return recs[0], true, nil
}

// withGlobalType adds Payload's virtual globalType unless a select leaves
// it out.
func withGlobalType(g *Collection, d Doc, sel *query.Select) {
	if sel != nil {
		_, listed := sel.Fields["globalType"]
		if listed == sel.Exclude {
			return
		}
	}
	d["globalType"] = g.Slug
}

// readableGlobal loads global slug's record if actor may read it
// (ErrNotFound otherwise, as for an unknown global); found is false for a
// global never saved.
func (s *Service) readableGlobal(ctx context.Context, actor *Actor, slug string) (*Collection, Record, bool, error) {
	g, err := s.global(slug)
	if err != nil {
		return nil, Record{}, false, err
	}
	af, err := s.accessFilter(g, rule(g.Access.Read, actor), actor)
	if errors.Is(err, ErrForbidden) {
		return nil, Record{}, false, ErrNotFound
	} else if err != nil {
		return nil, Record{}, false, err
	}
	rec, found, err := s.globalRecord(ctx, g, af)
	if err != nil {
		return nil, Record{}, false, err
	}
	return g, rec, found, nil
}

// FindGlobal reads a global (GET /api/globals/{slug}). A global that was
// never saved answers its empty shape: no id, timestamps or globalType,
// arrays as [] (and _status draft with drafts), as Payload does.
func (s *Service) FindGlobal(ctx context.Context, actor *Actor, slug string, opts ReadOptions) (Doc, error) {
	g, rec, found, err := s.readableGlobal(ctx, actor, slug)
	if err != nil {
		return nil, err
	}
	// Only drafts so far: a draft read shows the latest, any other read
	// the never-saved shape.
	if !found || !hasLive(g, rec) && !(opts.Draft && actor.SignedIn()) {
		d := shape(g.Fields, map[string]any{})
		if g.Drafts {
			d["_status"] = StatusDraft
		}
		if opts.Select != nil {
			d = project(d, opts.Select, false)
		}
		return d, nil
	}
	docs, err := s.docs(ctx, actor, g, []Record{rec}, opts)
	if err != nil {
		return nil, err
	}
	withGlobalType(g, docs[0], opts.Select)
	return docs[0], nil
}

// UpdateGlobal saves a global (POST /api/globals/{slug}); the first save
// creates its row. The result is shaped as Payload's: a drafts-enabled
// global's result has no id, and a draft save's no globalType.
func (s *Service) UpdateGlobal(ctx context.Context, actor *Actor, slug string, input map[string]any, opts WriteOptions) (WriteResult, error) {
	g, err := s.global(slug)
	if err != nil {
		return WriteResult{}, err
	}
	uf, err := s.accessFilter(g, rule(g.Access.Update, actor), actor)
	if err != nil {
		return WriteResult{}, err
	}
	rec, found, err := s.globalRecord(ctx, g, uf)
	if err != nil {
		return WriteResult{}, err
	}
	var res WriteResult
	if found {
		// Read the merge base again under the row lock: no lost updates.
		res, err = s.updateLocked(ctx, actor, g, rec.ID, uf, func(*Service, Record) (map[string]any, error) { return input, nil }, nil, opts)
	} else {
		res, err = s.firstGlobalSave(ctx, actor, g, uf, input, opts)
	}
	if err != nil {
		return WriteResult{}, err
	}
	draft := g.Drafts && opts.Draft
	if !g.Drafts {
		// Without drafts every save is live: tell the site (drafts-enabled
		// globals announce publish/unpublish from the write itself).
		id, _ := RelationID(res.Doc["id"])
		s.emit(ctx, "update", g, Record{ID: id})
	}
	if res.Doc != nil {
		if g.Drafts {
			delete(res.Doc, "id")
		}
		if !draft {
			withGlobalType(g, res.Doc, opts.Select)
		}
	}
	res.Message = "Updated successfully."
	if draft {
		res.Message = "Draft saved successfully."
	}
	return res, nil
}

// firstGlobalSave saves a global that had no row when UpdateGlobal looked.
// Under the table lock it looks again, so that saves racing it update the
// one row the first of them created instead of each creating one. A draft
// save creates the row without a live document (statusNone) and the draft
// as its version, as Payload creates no main document for a draft.
func (s *Service) firstGlobalSave(ctx context.Context, actor *Actor, g *Collection, uf Filter, input map[string]any, opts WriteOptions) (WriteResult, error) {
	var res WriteResult
	err := s.inTx(ctx, func(tx *Service) error {
		if err := tx.store.LockTable(ctx, g); err != nil {
			return err
		}
		if err := tx.checkLock(ctx, actor, g, 0, opts.EnforceLock, "updated"); err != nil {
			return err
		}
		rec, found, err := tx.globalRecord(ctx, g, uf)
		if err != nil {
			return err
		}
		if found {
			if rec, err = tx.store.Lock(ctx, g, rec.ID, uf); err != nil {
				return err
			}
			res, err = tx.update(ctx, actor, g, rec, input, nil, opts)
			return err
		}
		if _, hidden, err := tx.globalRecord(ctx, g, Filter{}); err != nil {
			return err
		} else if hidden {
			return ErrForbidden // a row exists that the rule hides
		}
		if !g.Drafts || !opts.Draft {
			res, err = tx.create(ctx, actor, g, input, nil, opts)
			return err
		}
		draft, err := tx.prepare(ctx, g, input, nil, opts)
		if err != nil {
			return err
		}
		row, err := tx.store.Create(ctx, g, Record{CreatedAt: draft.CreatedAt, UpdatedAt: draft.UpdatedAt, Status: statusNone, Data: map[string]any{}})
		if err != nil {
			return s.writeError(g, 0, err)
		}
		v := Version{Parent: row.ID, Latest: true, Status: StatusDraft, CreatedAt: draft.CreatedAt, UpdatedAt: draft.UpdatedAt, Data: draft.Data}
		if _, err := tx.saveDraft(ctx, g, Version{}, v, opts.Autosave); err != nil {
			return s.writeError(g, row.ID, err)
		}
		tx.written(g)
		draft.ID, draft.Status = row.ID, StatusDraft
		docs, err := tx.docs(ctx, actor, g, []Record{draft}, opts.ReadOptions)
		if err != nil {
			return err
		}
		res.Doc = docs[0]
		return nil
	})
	return res, err
}

// GlobalAccess answers POST /api/globals/{slug}/access.
func (s *Service) GlobalAccess(actor *Actor, slug string) (map[string]any, error) {
	g, err := s.global(slug)
	if err != nil {
		return nil, err
	}
	return GlobalPermissions(g, actor), nil
}

// FindGlobalVersions lists a global's versions (GET /api/globals/{slug}/versions).
func (s *Service) FindGlobalVersions(ctx context.Context, actor *Actor, slug string, p query.Params) (List, error) {
	g, err := s.global(slug)
	if err != nil {
		return List{}, err
	}
	if _, err := s.versionsOf(actor, g); err != nil {
		return List{}, err
	}
	return s.findVersions(ctx, actor, g, p)
}

// FindGlobalVersionByID reads one version of a global.
func (s *Service) FindGlobalVersionByID(ctx context.Context, actor *Actor, slug string, id int64, opts ReadOptions) (Doc, error) {
	g, err := s.global(slug)
	if err != nil {
		return nil, err
	}
	if _, err := s.versionsOf(actor, g); err != nil {
		return nil, err
	}
	return s.findVersionByID(ctx, actor, g, id, opts)
}

// RestoreGlobalVersion writes a version back to the global
// (POST /api/globals/{slug}/versions/{id}).
func (s *Service) RestoreGlobalVersion(ctx context.Context, actor *Actor, slug string, id int64, opts ReadOptions) (Doc, error) {
	g, err := s.global(slug)
	if err != nil {
		return nil, err
	}
	if _, err := s.versionsOf(actor, g); err != nil {
		return nil, err
	}
	d, err := s.restoreVersion(ctx, actor, g, id, opts)
	if err != nil {
		return nil, err
	}
	delete(d, "message")
	withGlobalType(g, d, opts.Select)
	return d, nil
}
