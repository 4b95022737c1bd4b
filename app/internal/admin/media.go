package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/gin-gonic/gin"
)

// mediaEditable are the media fields an editor changes by hand; the rest
// are set by the upload pipeline.
func mediaEditable(col *content.Collection) []content.Field {
	var out []content.Field
	for _, f := range col.Fields {
		switch f.Name {
		case "alt", "caption", "focalX", "focalY":
			out = append(out, f)
		}
	}
	return out
}

// uploadMedia is the no-JavaScript upload: the multipart form goes,
// unchanged and unread, to the REST API's POST /api/media on the same
// server, so there is one upload code path. With JavaScript the page
// uploads to /api/media directly (with progress) and never comes here.
// The CSRF token rides in the query string because reading a multipart
// field would consume the body before the API could stream it.
func (a *Admin) uploadMedia(c *gin.Context) {
	a.proxyUpload(c, http.MethodPost, "/api/media", "/admin/collections/media")
}

// replaceMedia replaces a media file (PATCH /api/media/{id}), the same way.
func (a *Admin) replaceMedia(c *gin.Context, id int64) {
	a.proxyUpload(c, http.MethodPatch, "/api/media/"+strconv.FormatInt(id, 10), fmt.Sprintf("/admin/collections/media/%d", id))
}

func (a *Admin) proxyUpload(c *gin.Context, method, target, back string) {
	if !a.csrfOK(c, c.Query(csrfField)) {
		a.flash(c, "error", "Your session changed or the form expired. Please try again.")
		c.Redirect(http.StatusSeeOther, back)
		return
	}
	if !strings.HasPrefix(c.GetHeader("Content-Type"), "multipart/form-data") || a.engine == nil {
		a.flash(c, "error", "Choose a file to upload.")
		c.Redirect(http.StatusSeeOther, back)
		return
	}
	req := c.Request.Clone(c.Request.Context())
	req.Method = method
	req.URL = &url.URL{Path: target}
	req.RequestURI = target
	// The answer is read here, not by the browser: no compression.
	req.Header = req.Header.Clone()
	req.Header.Del("Accept-Encoding")
	rec := httptest.NewRecorder()
	a.engine.ServeHTTP(rec, req)
	var body struct {
		Doc    map[string]any `json:"doc"`
		Errors []struct {
			Message string `json:"message"`
			Data    struct {
				Errors []struct {
					Path    string `json:"path"`
					Message string `json:"message"`
				} `json:"errors"`
			} `json:"data"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	switch {
	case rec.Code == http.StatusNotFound && body.Doc == nil && len(body.Errors) == 0:
		a.flash(c, "error", "Uploading is not available on this server.")
		c.Redirect(http.StatusSeeOther, back)
	case rec.Code < 300 && body.Doc != nil:
		id, _ := content.RelationID(body.Doc["id"])
		a.flash(c, "success", "File uploaded.")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/collections/media/%d", id))
	default:
		var msgs []string
		for _, e := range body.Errors {
			if len(e.Data.Errors) == 0 {
				msgs = append(msgs, e.Message)
			}
			for _, fe := range e.Data.Errors {
				msgs = append(msgs, fe.Path+": "+fe.Message)
			}
		}
		if len(msgs) == 0 {
			msgs = append(msgs, "The upload failed.")
		}
		a.flash(c, "error", "Upload failed — "+strings.Join(msgs, "; "))
		c.Redirect(http.StatusSeeOther, back)
	}
}

// usedBy lists pages that reference a media document in their indexed or
// group upload fields (hero image, SEO image). References inside blocks
// and rich text are not found by this query.
func (a *Admin) usedBy(ctx context.Context, actor *content.Actor, id int64) ([]listRow, error) {
	col, _ := a.content.Registry().Get(content.Pages)
	ids := strconv.FormatInt(id, 10)
	seen := map[int64]bool{}
	var out []listRow
	for _, path := range []string{"heroImage", "meta.image"} {
		res, err := a.content.Find(ctx, actor, content.Pages, query.Params{
			Where: query.Where{Conds: []query.Cond{{Path: path, Op: query.Equals, Values: []string{ids}}}},
			Page:  1, Limit: 20, LimitSet: true, Pagination: true,
		}, content.ReadOptions{Depth: 0})
		var qe *query.Error
		if errors.As(err, &qe) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, d := range res.Docs {
			pid, _ := content.RelationID(d["id"])
			if !seen[pid] {
				seen[pid] = true
				out = append(out, listRow{ID: pid, Title: docTitle(col, d), Href: fmt.Sprintf("/admin/collections/pages/%d", pid)})
			}
		}
	}
	return out, nil
}

// sizeRow is one generated size of an image.
type sizeRow struct {
	Name   string
	Width  string
	Height string
	URL    string
}

func mediaSizes(doc content.Doc) []sizeRow {
	sizes, _ := doc["sizes"].(map[string]any)
	var out []sizeRow
	for name, v := range sizes {
		s, _ := v.(map[string]any)
		u, _ := s["url"].(string)
		if u == "" {
			continue
		}
		out = append(out, sizeRow{Name: name, Width: scalarString(s["width"]), Height: scalarString(s["height"]), URL: u})
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Name < out[j-1].Name; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
