package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/gin-gonic/gin"
)

// listEnvelope is Payload's pagination envelope (keys in its order).
type listEnvelope struct {
	Docs          []content.Doc `json:"docs"`
	HasNextPage   bool          `json:"hasNextPage"`
	HasPrevPage   bool          `json:"hasPrevPage"`
	Limit         int           `json:"limit"`
	NextPage      *int          `json:"nextPage"`
	Page          int           `json:"page"`
	PagingCounter int           `json:"pagingCounter"`
	PrevPage      *int          `json:"prevPage"`
	TotalDocs     int64         `json:"totalDocs"`
	TotalPages    int           `json:"totalPages"`
}

func toEnvelope(l content.List) listEnvelope {
	return listEnvelope{Docs: l.Docs, HasNextPage: l.HasNextPage, HasPrevPage: l.HasPrevPage, Limit: l.Limit,
		NextPage: l.NextPage, Page: l.Page, PagingCounter: l.PagingCounter, PrevPage: l.PrevPage,
		TotalDocs: l.TotalDocs, TotalPages: l.TotalPages}
}

type docEnvelope struct {
	Doc     content.Doc `json:"doc"`
	Message string      `json:"message"`
}

type bulkErrorJSON struct {
	ID       int64  `json:"id"`
	IsPublic bool   `json:"isPublic"`
	Message  string `json:"message"`
}

type bulkEnvelope struct {
	Docs    []content.Doc   `json:"docs"`
	Errors  []bulkErrorJSON `json:"errors"`
	Message string          `json:"message"`
}

func (a *API) registerCollection(g *gin.RouterGroup, c *content.Collection) {
	slug := c.Slug
	base := "/" + slug
	g.GET(base, a.find(slug))
	g.GET(base+"/count", a.count(slug))
	g.GET(base+"/:id", a.findByID(slug))
	if c.Drafts {
		g.GET(base+"/versions", a.findVersions(slug))
		g.GET(base+"/versions/:id", a.findVersionByID(slug))
		g.POST(base+"/versions/:id", a.restoreVersion(slug))
		a.registerSchedule(g, slug)
	}
	if c.Auth {
		return // users' writes are the accounts endpoints
	}
	if !c.Upload {
		g.POST(base, a.create(slug))
		g.PATCH(base+"/:id", a.update(slug))
		g.POST(base+"/:id/duplicate", a.duplicate(slug))
	}
	g.PATCH(base, a.updateMany(slug))
	g.DELETE(base, a.deleteMany(slug))
	g.DELETE(base+"/:id", a.delete(slug))
}

// params parses the query string; errors are answered and false returned.
func (a *API) params(c *gin.Context) (query.Params, bool) {
	p, err := query.Parse(c.Request.URL.RawQuery)
	if err != nil {
		a.fail(c, err)
		return p, false
	}
	return p, true
}

// byID reads :id and the query string; false means the error was answered.
func (a *API) byID(c *gin.Context) (int64, query.Params, bool) {
	id, ok := a.id(c)
	if !ok {
		return 0, query.Params{}, false
	}
	p, ok := a.params(c)
	return id, p, ok
}

func readOptions(c *gin.Context, p query.Params) content.ReadOptions {
	o := content.ReadOptionsFrom(p)
	o.RichTextHTML = c.Query("richText") == "html"
	return o
}

// id reads the :id parameter; a non-numeric id is 404 (Payload answers 500).
func (a *API) id(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		a.fail(c, content.ErrNotFound)
		return 0, false
	}
	return id, true
}

// body decodes a JSON object body with numbers kept exact.
func (a *API) body(c *gin.Context) (map[string]any, bool) {
	r := http.MaxBytesReader(c.Writer, c.Request.Body, a.maxJSONBytes)
	raw, err := io.ReadAll(r)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			a.fail(c, err)
		} else {
			a.fail(c, Public(http.StatusBadRequest, msgInvalidJSON))
		}
		return nil, false
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return map[string]any{}, true
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil || dec.More() {
		a.fail(c, Public(http.StatusBadRequest, msgInvalidJSON))
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		a.fail(c, Public(http.StatusBadRequest, msgInvalidJSON))
		return nil, false
	}
	return m, true
}

func (a *API) find(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := a.params(c)
		if !ok {
			return
		}
		l, err := a.content.Find(c.Request.Context(), caller(c).Actor, slug, p, readOptions(c, p))
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, toEnvelope(l))
	}
}

func (a *API) count(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := a.params(c)
		if !ok {
			return
		}
		n, err := a.content.Count(c.Request.Context(), caller(c).Actor, slug, p.Where)
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, map[string]int64{"totalDocs": n})
	}
}

func (a *API) findByID(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, p, ok := a.byID(c)
		if !ok {
			return
		}
		d, err := a.content.FindByID(c.Request.Context(), caller(c).Actor, slug, id, readOptions(c, p))
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, d)
	}
}

func (a *API) create(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := a.params(c)
		if !ok {
			return
		}
		in, ok := a.body(c)
		if !ok {
			return
		}
		res, err := a.content.Create(c.Request.Context(), caller(c).Actor, slug, in, content.WriteOptions{ReadOptions: readOptions(c, p), Draft: p.Draft})
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusCreated, docEnvelope{Doc: res.Doc, Message: res.Message})
	}
}

func (a *API) update(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, p, ok := a.byID(c)
		if !ok {
			return
		}
		in, ok := a.body(c)
		if !ok {
			return
		}
		res, err := a.content.Update(c.Request.Context(), caller(c).Actor, slug, id, in, content.WriteOptions{ReadOptions: readOptions(c, p), Draft: p.Draft})
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, docEnvelope{Doc: res.Doc, Message: res.Message})
	}
}

func (a *API) delete(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, p, ok := a.byID(c)
		if !ok {
			return
		}
		res, err := a.content.Delete(c.Request.Context(), caller(c).Actor, slug, id, readOptions(c, p))
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, docEnvelope{Doc: res.Doc, Message: res.Message})
	}
}

func (a *API) duplicate(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, p, ok := a.byID(c)
		if !ok {
			return
		}
		res, err := a.content.Duplicate(c.Request.Context(), caller(c).Actor, slug, id, content.WriteOptions{ReadOptions: readOptions(c, p)})
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusCreated, docEnvelope{Doc: res.Doc, Message: res.Message})
	}
}

func (a *API) bulk(c *gin.Context, res content.BulkResult, err error, verb string) {
	if errors.Is(err, content.ErrMissingWhere) {
		a.fail(c, Public(http.StatusBadRequest, "Missing 'where' query of documents to "+verb+"."))
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	env := bulkEnvelope{Docs: res.Docs, Errors: []bulkErrorJSON{}, Message: res.Message}
	for _, e := range res.Errors {
		env.Errors = append(env.Errors, bulkErrorJSON{ID: e.ID, IsPublic: e.IsPublic, Message: e.Message})
		if !e.IsPublic {
			a.log.Error("bulk "+verb, "id", e.ID, "err", e.Err)
		}
	}
	status := http.StatusOK
	if len(res.Errors) > 0 {
		status = http.StatusBadRequest
	}
	a.json(c, status, env)
}

func (a *API) updateMany(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := a.params(c)
		if !ok {
			return
		}
		if !caller(c).Actor.SignedIn() {
			a.fail(c, content.ErrForbidden)
			return
		}
		in, ok := a.body(c)
		if !ok {
			return
		}
		res, err := a.content.UpdateMany(c.Request.Context(), caller(c).Actor, slug, p.Where, in, content.WriteOptions{ReadOptions: readOptions(c, p), Draft: p.Draft})
		a.bulk(c, res, err, "update")
	}
}

func (a *API) deleteMany(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := a.params(c)
		if !ok {
			return
		}
		if !caller(c).Actor.SignedIn() {
			a.fail(c, content.ErrForbidden)
			return
		}
		res, err := a.content.DeleteMany(c.Request.Context(), caller(c).Actor, slug, p.Where, readOptions(c, p))
		a.bulk(c, res, err, "delete")
	}
}

func (a *API) findVersions(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := a.params(c)
		if !ok {
			return
		}
		l, err := a.content.FindVersions(c.Request.Context(), caller(c).Actor, slug, p)
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, toEnvelope(l))
	}
}

func (a *API) findVersionByID(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, p, ok := a.byID(c)
		if !ok {
			return
		}
		d, err := a.content.FindVersionByID(c.Request.Context(), caller(c).Actor, slug, id, readOptions(c, p))
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, d)
	}
}

func (a *API) restoreVersion(slug string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, p, ok := a.byID(c)
		if !ok {
			return
		}
		d, err := a.content.RestoreVersion(c.Request.Context(), caller(c).Actor, slug, id, readOptions(c, p))
		if err != nil {
			a.fail(c, err)
			return
		}
		a.json(c, http.StatusOK, d)
	}
}

func (a *API) openAPI(c *gin.Context) {
	b, err := a.openapi()
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json", b)
}
