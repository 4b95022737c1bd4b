package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
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

// handle adapts a handler that returns its error: the error is answered
// once, by fail, so handlers have no error ladders.
func (a *API) handle(h func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := h(c); err != nil {
			a.fail(c, err)
		}
	}
}

// queryParams parses the query string.
func queryParams(c *gin.Context) (query.Params, error) {
	return query.Parse(c.Request.URL.RawQuery)
}

// idAndParams reads :id and the query string.
func idAndParams(c *gin.Context) (int64, query.Params, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, query.Params{}, err
	}
	p, err := queryParams(c)
	return id, p, err
}

// readOptions are a REST read's options: its documents are only encoded
// (appendJSON), so reads may pass stored text through (Encoded).
func readOptions(c *gin.Context, p query.Params) content.ReadOptions {
	o := content.ReadOptionsFrom(p)
	o.RichTextHTML = c.Query("richText") == "html"
	o.Encoded = true
	return o
}

// pathID reads the :id parameter; a non-numeric id is 404 (Payload
// answers 500).
func pathID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, content.ErrNotFound
	}
	return id, nil
}

// readBody decodes a JSON object body with numbers kept exact.
func (a *API) readBody(c *gin.Context) (map[string]any, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, a.maxJSONBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errBodyTooLarge.Wrap(err)
		}
		return nil, errInvalidJSON.Wrap(err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return map[string]any{}, nil
	}
	if err := requireJSON(c.Request); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil || dec.More() {
		return nil, errInvalidJSON
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errInvalidJSON
	}
	return m, nil
}

// requireJSON refuses a body that is not declared application/json (415).
// A browser sends text/plain, form-urlencoded and multipart cross-site
// without a CORS preflight; parsing those as JSON would let any page carry
// a JSON write, so JSON is only read when declared as such.
func requireJSON(r *http.Request) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errNotJSON
	}
	return nil
}

// writeOptions are the options of a write request.
// writeOptions are the options of a REST write. Like Payload's REST
// routes, collection writes enforce document locks unless the query says
// overrideLock=true.
func writeOptions(c *gin.Context, p query.Params) content.WriteOptions {
	return content.WriteOptions{ReadOptions: readOptions(c, p), Draft: p.Draft, Autosave: p.Draft && c.Query("autosave") == "true",
		EnforceLock: c.Query("overrideLock") != "true"}
}

func (a *API) find(slug string) gin.HandlerFunc {
	return a.handle(func(c *gin.Context) error {
		p, err := queryParams(c)
		if err != nil {
			return err
		}
		l, err := a.content.Find(c.Request.Context(), caller(c).Actor, slug, p, readOptions(c, p))
		if err != nil {
			return err
		}
		a.json(c, http.StatusOK, toEnvelope(l))
		return nil
	})
}

func (a *API) count(slug string) gin.HandlerFunc {
	return a.handle(func(c *gin.Context) error {
		p, err := queryParams(c)
		if err != nil {
			return err
		}
		n, err := a.content.Count(c.Request.Context(), caller(c).Actor, slug, p.Where)
		if err != nil {
			return err
		}
		a.json(c, http.StatusOK, map[string]int64{"totalDocs": n})
		return nil
	})
}

// docByID serves GET-style routes on one document or version: read :id and
// the query string, call get, answer the document.
func (a *API) docByID(get func(ctx context.Context, actor *content.Actor, id int64, c *gin.Context, p query.Params) (content.Doc, error)) gin.HandlerFunc {
	return a.handle(func(c *gin.Context) error {
		id, p, err := idAndParams(c)
		if err != nil {
			return err
		}
		d, err := get(c.Request.Context(), caller(c).Actor, id, c, p)
		if err != nil {
			return err
		}
		a.json(c, http.StatusOK, d)
		return nil
	})
}

func (a *API) findByID(slug string) gin.HandlerFunc {
	return a.docByID(func(ctx context.Context, actor *content.Actor, id int64, c *gin.Context, p query.Params) (content.Doc, error) {
		data, ok, err := a.overrideBody(c, &p)
		if err != nil {
			return nil, err
		}
		if ok {
			return a.content.FindByIDWithData(ctx, actor, slug, id, data, readOptions(c, p))
		}
		return a.content.FindByID(ctx, actor, slug, id, readOptions(c, p))
	})
}

// overrideBody reads the JSON body of a method-override read (Payload's
// live preview posts `{data, depth, draft, locale, flattenLocales}`): its
// depth and draft override the query's, and data, when the body holds an
// object there, is returned with ok for a read shaped from it.
func (a *API) overrideBody(c *gin.Context, p *query.Params) (data map[string]any, ok bool, err error) {
	if v, _ := c.Request.Context().Value(overrideJSONKey{}).(bool); !v {
		return nil, false, nil
	}
	body, err := a.readBody(c)
	if err != nil {
		return nil, false, err
	}
	switch d := body["depth"].(type) {
	case json.Number:
		n, err := d.Int64()
		if err != nil {
			return nil, false, &query.SyntaxError{Param: "depth", Message: "depth must be an integer"}
		}
		p.Depth, p.DepthSet = int(min(max(n, 0), content.MaxDepth)), true
	case nil:
	default:
		return nil, false, &query.SyntaxError{Param: "depth", Message: "depth must be an integer"}
	}
	if d, isBool := body["draft"].(bool); isBool {
		p.Draft = d
	}
	data, ok = body["data"].(map[string]any)
	return data, ok, nil
}

// write serves the routes that answer {doc, message}: read :id (when
// withID), the query string and (when withBody) the JSON body, call w.
func (a *API) write(status int, withID, withBody bool, w func(ctx context.Context, actor *content.Actor, id int64, in map[string]any, c *gin.Context, p query.Params) (content.WriteResult, error)) gin.HandlerFunc {
	return a.handle(func(c *gin.Context) error {
		var id int64
		var err error
		if withID {
			if id, err = pathID(c); err != nil {
				return err
			}
		}
		p, err := queryParams(c)
		if err != nil {
			return err
		}
		var in map[string]any
		if withBody {
			if in, err = a.readBody(c); err != nil {
				return err
			}
		}
		res, err := w(c.Request.Context(), caller(c).Actor, id, in, c, p)
		if err != nil {
			return err
		}
		a.json(c, status, docEnvelope{Doc: res.Doc, Message: res.Message})
		return nil
	})
}

func (a *API) create(slug string) gin.HandlerFunc {
	return a.write(http.StatusCreated, false, true, func(ctx context.Context, actor *content.Actor, _ int64, in map[string]any, c *gin.Context, p query.Params) (content.WriteResult, error) {
		return a.content.Create(ctx, actor, slug, in, writeOptions(c, p))
	})
}

func (a *API) update(slug string) gin.HandlerFunc {
	return a.write(http.StatusOK, true, true, func(ctx context.Context, actor *content.Actor, id int64, in map[string]any, c *gin.Context, p query.Params) (content.WriteResult, error) {
		return a.content.Update(ctx, actor, slug, id, in, writeOptions(c, p))
	})
}

func (a *API) delete(slug string) gin.HandlerFunc {
	return a.write(http.StatusOK, true, false, func(ctx context.Context, actor *content.Actor, id int64, _ map[string]any, c *gin.Context, p query.Params) (content.WriteResult, error) {
		return a.content.Delete(ctx, actor, slug, id, writeOptions(c, p))
	})
}

func (a *API) duplicate(slug string) gin.HandlerFunc {
	return a.write(http.StatusCreated, true, false, func(ctx context.Context, actor *content.Actor, id int64, _ map[string]any, c *gin.Context, p query.Params) (content.WriteResult, error) {
		return a.content.Duplicate(ctx, actor, slug, id, content.WriteOptions{ReadOptions: readOptions(c, p)})
	})
}

func (a *API) bulk(c *gin.Context, res content.BulkResult, err error, verb string) error {
	if errors.Is(err, content.ErrMissingWhere) {
		return content.ErrMissingWhere.Say("Missing 'where' query of documents to " + verb + ".")
	}
	if err != nil {
		return err
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
	return nil
}

// bulkRoute serves PATCH and DELETE on a where query: signed-in callers
// only, then do, then the bulk envelope.
func (a *API) bulkRoute(verb string, withBody bool, do func(ctx context.Context, actor *content.Actor, in map[string]any, c *gin.Context, p query.Params) (content.BulkResult, error)) gin.HandlerFunc {
	return a.handle(func(c *gin.Context) error {
		p, err := queryParams(c)
		if err != nil {
			return err
		}
		if !caller(c).Actor.SignedIn() {
			return content.ErrForbidden
		}
		var in map[string]any
		if withBody {
			if in, err = a.readBody(c); err != nil {
				return err
			}
		}
		res, err := do(c.Request.Context(), caller(c).Actor, in, c, p)
		return a.bulk(c, res, err, verb)
	})
}

func (a *API) updateMany(slug string) gin.HandlerFunc {
	return a.bulkRoute("update", true, func(ctx context.Context, actor *content.Actor, in map[string]any, c *gin.Context, p query.Params) (content.BulkResult, error) {
		if a.uploads != nil && slug == a.uploadSlug() {
			return a.uploads.UpdateMany(ctx, actor, p.Where, in, writeOptions(c, p))
		}
		return a.content.UpdateMany(ctx, actor, slug, p.Where, in, writeOptions(c, p))
	})
}

func (a *API) deleteMany(slug string) gin.HandlerFunc {
	return a.bulkRoute("delete", false, func(ctx context.Context, actor *content.Actor, _ map[string]any, c *gin.Context, p query.Params) (content.BulkResult, error) {
		return a.content.DeleteMany(ctx, actor, slug, p.Where, writeOptions(c, p))
	})
}

func (a *API) findVersions(slug string) gin.HandlerFunc {
	return a.handle(func(c *gin.Context) error {
		p, err := queryParams(c)
		if err != nil {
			return err
		}
		l, err := a.content.FindVersions(c.Request.Context(), caller(c).Actor, slug, p)
		if err != nil {
			return err
		}
		a.json(c, http.StatusOK, toEnvelope(l))
		return nil
	})
}

func (a *API) findVersionByID(slug string) gin.HandlerFunc {
	return a.docByID(func(ctx context.Context, actor *content.Actor, id int64, c *gin.Context, p query.Params) (content.Doc, error) {
		return a.content.FindVersionByID(ctx, actor, slug, id, readOptions(c, p))
	})
}

func (a *API) restoreVersion(slug string) gin.HandlerFunc {
	return a.docByID(func(ctx context.Context, actor *content.Actor, id int64, c *gin.Context, p query.Params) (content.Doc, error) {
		return a.content.RestoreVersion(ctx, actor, slug, id, readOptions(c, p))
	})
}

// payloadTypes serves payload-types.ts to signed-in callers only: the
// types describe the whole content model, including what anonymous
// callers cannot read.
func (a *API) payloadTypes(c *gin.Context) error {
	if caller(c).Actor == nil {
		return content.ErrForbidden
	}
	b, err := a.types()
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/plain; charset=utf-8", b)
	return nil
}

func (a *API) openAPI(c *gin.Context) error {
	b, err := a.openapi()
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, "application/json", b)
	return nil
}
