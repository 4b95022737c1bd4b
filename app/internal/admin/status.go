package admin

import (
	"context"
	"errors"
	"strconv"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
)

// StatusChanged is Payload's third state, shown for a published document
// whose latest version is a newer draft: it is live, and has unpublished
// changes. It is only ever shown, never stored.
const StatusChanged = "changed"

// markChanged sets _status to "changed" on the docs (read with their
// latest drafts) whose published row is live under a newer draft.
func (a *Admin) markChanged(ctx context.Context, actor *content.Actor, col *content.Collection, docs []content.Doc) error {
	if !col.Drafts {
		return nil
	}
	var ids []string
	byID := map[int64]content.Doc{}
	for _, d := range docs {
		if d["_status"] != content.StatusDraft {
			continue
		}
		id, ok := content.RelationID(d["id"])
		if !ok {
			continue
		}
		byID[id] = d
		ids = append(ids, strconv.FormatInt(id, 10))
	}
	if len(ids) == 0 {
		return nil
	}
	// The promoted status column is the live row's: published there means
	// the draft is newer than what the site shows.
	live, err := a.content.Find(ctx, actor, col.Slug, query.Params{
		Where: query.Where{Conds: []query.Cond{{Path: "id", Op: query.In, Values: ids},
			{Path: "_status", Op: query.Equals, Values: []string{content.StatusPublished}}}},
		Page: 1, Limit: len(ids), LimitSet: true, Pagination: true,
	}, content.ReadOptions{Depth: 0})
	if err != nil {
		return err
	}
	for _, d := range live.Docs {
		if id, ok := content.RelationID(d["id"]); ok && byID[id] != nil {
			byID[id]["_status"] = StatusChanged
		}
	}
	return nil
}

// editorStatus is the status the editor shows for doc (read with its
// latest draft): "changed" when the live row is published under a newer
// draft.
func (a *Admin) editorStatus(ctx context.Context, actor *content.Actor, col *content.Collection, id int64, doc content.Doc) (string, error) {
	st, _ := doc["_status"].(string)
	if !col.Drafts || st != content.StatusDraft || (id == 0 && !col.Global) {
		return st, nil
	}
	var live content.Doc
	var err error
	if col.Global {
		live, err = a.content.FindGlobal(ctx, actor, col.Slug, content.ReadOptions{Depth: 0})
	} else {
		live, err = a.content.FindByID(ctx, actor, col.Slug, id, content.ReadOptions{Depth: 0})
	}
	if errors.Is(err, content.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return "", err
	}
	if live["_status"] == content.StatusPublished {
		return StatusChanged, nil
	}
	return st, nil
}
