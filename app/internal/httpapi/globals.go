package httpapi

import (
	"context"
	"net/http"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/gin-gonic/gin"
)

// globalUpdate is Payload's answer to a global update: {message, result}.
type globalUpdate struct {
	Message string      `json:"message"`
	Result  content.Doc `json:"result"`
}

// registerGlobal mounts /api/globals/{slug} and its versions and access
// routes; an unknown global is Payload's route-not-found.
func (a *API) registerGlobal(g *gin.RouterGroup, gl *content.Collection) {
	slug := gl.Slug
	base := "/globals/" + slug
	g.GET(base, a.findGlobal(slug))
	g.POST(base, a.updateGlobal(slug))
	g.POST(base+"/access", a.handle(func(c *gin.Context) error {
		p, err := a.content.GlobalAccess(caller(c).Actor, slug)
		if err != nil {
			return err
		}
		a.json(c, http.StatusOK, p)
		return nil
	}))
	if !gl.Drafts {
		return
	}
	g.GET(base+"/versions", a.handle(func(c *gin.Context) error {
		p, err := queryParams(c)
		if err != nil {
			return err
		}
		l, err := a.content.FindGlobalVersions(c.Request.Context(), caller(c).Actor, slug, p)
		if err != nil {
			return err
		}
		a.json(c, http.StatusOK, toEnvelope(l))
		return nil
	}))
	g.GET(base+"/versions/:id", a.docByID(func(ctx context.Context, actor *content.Actor, id int64, c *gin.Context, p query.Params) (content.Doc, error) {
		return a.content.FindGlobalVersionByID(ctx, actor, slug, id, readOptions(c, p))
	}))
	g.POST(base+"/versions/:id", a.handle(func(c *gin.Context) error {
		id, p, err := idAndParams(c)
		if err != nil {
			return err
		}
		d, err := a.content.RestoreGlobalVersion(c.Request.Context(), caller(c).Actor, slug, id, readOptions(c, p))
		if err != nil {
			return err
		}
		a.json(c, http.StatusOK, docEnvelope{Doc: d, Message: "Restored Successfully."})
		return nil
	}))
}

func (a *API) findGlobal(slug string) gin.HandlerFunc {
	return a.handle(func(c *gin.Context) error {
		p, err := queryParams(c)
		if err != nil {
			return err
		}
		data, ok, err := a.overrideBody(c, &p)
		if err != nil {
			return err
		}
		var d content.Doc
		if ok {
			d, err = a.content.FindGlobalWithData(c.Request.Context(), caller(c).Actor, slug, data, readOptions(c, p))
		} else {
			d, err = a.content.FindGlobal(c.Request.Context(), caller(c).Actor, slug, readOptions(c, p))
		}
		if err != nil {
			return err
		}
		a.json(c, http.StatusOK, d)
		return nil
	})
}

func (a *API) updateGlobal(slug string) gin.HandlerFunc {
	return a.handle(func(c *gin.Context) error {
		p, err := queryParams(c)
		if err != nil {
			return err
		}
		in, err := a.readBody(c)
		if err != nil {
			return err
		}
		opts := writeOptions(c, p)
		// Payload's REST update of a global passes no overrideLock, so its
		// lock check defaults to overriding (and drops the lock).
		opts.EnforceLock = false
		res, err := a.content.UpdateGlobal(c.Request.Context(), caller(c).Actor, slug, in, opts)
		if err != nil {
			return err
		}
		a.json(c, http.StatusOK, globalUpdate{Message: res.Message, Result: res.Doc})
		return nil
	})
}
