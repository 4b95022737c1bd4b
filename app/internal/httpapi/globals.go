package httpapi

import (
	"net/http"

	"github.com/automatonic/chronos/app/internal/content"
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
	g.POST(base+"/access", func(c *gin.Context) {
		p, err := a.content.GlobalAccess(caller(c).Actor, slug)
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, p)
	})
	if !gl.Drafts {
		return
	}
	g.GET(base+"/versions", func(c *gin.Context) {
		p, ok := a.params(c)
		if !ok {
			return
		}
		l, err := a.content.FindGlobalVersions(c.Request.Context(), caller(c).Actor, slug, p)
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, toEnvelope(l))
	})
	g.GET(base+"/versions/:id", func(c *gin.Context) {
		id, p, ok := a.byID(c)
		if !ok {
			return
		}
		d, err := a.content.FindGlobalVersionByID(c.Request.Context(), caller(c).Actor, slug, id, readOptions(c, p))
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, d)
	})
	g.POST(base+"/versions/:id", func(c *gin.Context) {
		id, p, ok := a.byID(c)
		if !ok {
			return
		}
		d, err := a.content.RestoreGlobalVersion(c.Request.Context(), caller(c).Actor, slug, id, readOptions(c, p))
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, docEnvelope{Doc: d, Message: "Restored Successfully."})
	})
}

func (a *API) findGlobal(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := a.params(c)
		if !ok {
			return
		}
		d, err := a.content.FindGlobal(c.Request.Context(), caller(c).Actor, slug, readOptions(c, p))
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, d)
	}
}

func (a *API) updateGlobal(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := a.params(c)
		if !ok {
			return
		}
		in, ok := a.body(c)
		if !ok {
			return
		}
		opts := content.WriteOptions{ReadOptions: readOptions(c, p), Draft: p.Draft}
		res, err := a.content.UpdateGlobal(c.Request.Context(), caller(c).Actor, slug, in, opts)
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, globalUpdate{Message: res.Message, Result: res.Doc})
	}
}
