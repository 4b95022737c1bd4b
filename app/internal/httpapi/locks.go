package httpapi

import (
	"net/http"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/gin-gonic/gin"
)

// lockedDocumentsPath is Payload's collection of document locks. Chronos
// lists the locks in force there (read-only) so a client can see who
// edits what; locks are claimed and released by the admin, and REST
// writes of a locked document answer 423 unless ?overrideLock=true.
const lockedDocumentsPath = "/payload-locked-documents"

// lockedDocuments answers GET /api/payload-locked-documents: every lock
// in force, newest first, as Payload's documents of that collection at
// depth 0 (relationships as {relationTo, value}; the lock's updatedAt is
// when its holder last renewed it), in one page.
func (a *API) lockedDocuments(c *gin.Context) error {
	locks, err := a.content.Locks(c.Request.Context(), caller(c).Actor)
	if err != nil {
		return err
	}
	// Only a signed-in user holds a lock, so with locks there is an auth
	// collection; the empty relation is never answered.
	var userSlug string
	if ac, ok := a.content.Registry().AuthCollection(); ok {
		userSlug = ac.Slug
	}
	docs := make([]content.Doc, 0, len(locks))
	for _, l := range locks {
		d := content.Doc{"document": nil, "globalSlug": nil,
			"user":      map[string]any{"relationTo": userSlug, "value": l.UserID},
			"updatedAt": content.FormatTime(l.UpdatedAt), "createdAt": content.FormatTime(l.UpdatedAt)}
		if _, global := a.content.Registry().Global(l.Collection); global {
			d["globalSlug"] = l.Collection
		} else {
			d["document"] = map[string]any{"relationTo": l.Collection, "value": l.DocID}
		}
		docs = append(docs, d)
	}
	n := len(docs)
	a.json(c, http.StatusOK, listEnvelope{Docs: docs, Limit: 0, Page: 1, PagingCounter: 1, TotalDocs: int64(n), TotalPages: 1})
	return nil
}
