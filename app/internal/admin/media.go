package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/automatonic/chronos/app/internal/auth"
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

// uploadMedia is the no-JavaScript upload: the multipart form is streamed
// into the media service, the same call the REST API's POST /api/media
// makes. With JavaScript the page uploads to /api/media directly (with
// progress) and never comes here. The CSRF token rides in the query string
// because reading a multipart field would consume the body before the file
// could stream.
func (a *Admin) uploadMedia(c *gin.Context, p *auth.Principal) {
	a.upload(c, p, 0, "/admin/collections/"+a.uploadSlug())
}

// replaceMedia replaces a media file, the same way.
func (a *Admin) replaceMedia(c *gin.Context, p *auth.Principal, id int64) {
	a.upload(c, p, id, fmt.Sprintf("/admin/collections/%s/%d", a.uploadSlug(), id))
}

func (a *Admin) upload(c *gin.Context, p *auth.Principal, id int64, back string) {
	fail := func(msg string) {
		a.flash(c, "error", msg)
		c.Redirect(http.StatusSeeOther, back)
	}
	switch {
	case !a.csrfOK(c, c.Query(csrfField)):
		fail("Your session changed or the form expired. Please try again.")
		return
	case a.media == nil:
		fail("Uploading is not available on this server.")
		return
	case !strings.HasPrefix(c.GetHeader("Content-Type"), "multipart/form-data"):
		fail("Choose a file to upload.")
		return
	}
	// A replace is refused while another editor holds the document's lock.
	res, err := a.media.Receive(c.Writer, c.Request, actorOf(p), id, content.WriteOptions{EnforceLock: id != 0}, 0)
	if err != nil {
		fail("Upload failed — " + a.flashMessage(c, err))
		return
	}
	if id == 0 {
		id, _ = content.RelationID(res.Doc["id"])
		a.flash(c, "success", "File uploaded.")
	} else {
		a.flash(c, "success", "File replaced.")
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/collections/%s/%d", a.uploadSlug(), id))
}

// usedBy lists documents that reference an upload in their top-level or
// group upload fields (hero image, SEO image). References inside arrays,
// blocks and rich text are not found by this query.
func (a *Admin) usedBy(ctx context.Context, actor *content.Actor, upload string, id int64) ([]listRow, error) {
	ids := strconv.FormatInt(id, 10)
	var out []listRow
	for _, col := range a.content.Registry().All() {
		var paths []string
		content.WalkFields(col.Fields, "", func(path string, f *content.Field) bool {
			if f.Type == content.Upload && f.RelationTo == upload && !f.HasMany {
				paths = append(paths, path)
			}
			return f.Type == content.Group
		})
		seen := map[int64]bool{}
		for _, path := range paths {
			res, err := a.content.Find(ctx, actor, col.Slug, query.Params{
				Where: query.Where{Conds: []query.Cond{{Path: path, Op: query.Equals, Values: []string{ids}}}},
				Page:  1, Limit: 20, LimitSet: true, Pagination: true,
			}, content.ReadOptions{Depth: 0})
			var qe *query.Error
			if errors.As(err, &qe) || errors.Is(err, content.ErrForbidden) {
				continue
			}
			if err != nil {
				return nil, err
			}
			for _, d := range res.Docs {
				pid, _ := content.RelationID(d["id"])
				if !seen[pid] {
					seen[pid] = true
					out = append(out, listRow{ID: pid, Title: docTitle(col, d), Href: fmt.Sprintf("/admin/collections/%s/%d", col.Slug, pid)})
				}
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

// uploadSlug names the upload collection.
func (a *Admin) uploadSlug() string {
	if c, ok := a.content.Registry().UploadCollection(); ok {
		return c.Slug
	}
	return ""
}
