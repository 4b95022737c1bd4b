package admin

import (
	"net/http"
	"net/url"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/gin-gonic/gin"
)

// Live preview (Payload's admin.livePreview): {doc}/preview shows the
// editor beside an iframe of the front end at the document's path
// (content.LivePreview.URL) on the front end's origin — CMS_PREVIEW_URL's,
// the only origin the admin's CSP lets it frame. livepreview.js then
// speaks @payloadcms/live-preview's contract with the frame:
//
//   - the front end posts {type: "payload-live-preview", ready: true};
//   - on that and on every edit, the script posts the form to
//     {doc}/preview (Accept: application/json), which parses it as a save
//     would and answers the unsaved values without storing anything, and
//     sends them on as {type: "payload-live-preview", data, collectionSlug,
//     globalSlug, locale, externallyUpdatedRelationship}, addressed to the
//     front end's origin only;
//   - after an autosave it sends {type: "payload-document-event"}.
//
// The front end then asks the API to populate the values with
// `X-Payload-HTTP-Method-Override: GET` (content.FindByIDWithData).
// Without JavaScript the page still shows the frame, with the saved draft.

// liveView is what the editor template needs to draw the preview pane.
type liveView struct {
	Src         string // the iframe's URL; "" when the document has no path yet
	Origin      string // the front end's origin (postMessage target)
	Collection  string // collectionSlug of the messages
	Global      string // globalSlug of the messages
	DataURL     string // {doc}/preview
	EditURL     string // the editor without the preview
	Breakpoints []content.Breakpoint
}

// originOf returns the scheme://host of an absolute http(s) URL, or "".
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// livePreview returns the collection's live preview declaration when the
// front end's origin is configured.
func (a *Admin) livePreview(col *content.Collection) *content.LivePreview {
	if a.previewOrigin == "" {
		return nil
	}
	return col.Admin.LivePreview
}

// liveView builds the preview pane of a stored document.
func (a *Admin) liveView(col *content.Collection, id int64, doc content.Doc) *liveView {
	lp := a.livePreview(col)
	if lp == nil || (id == 0 && !col.Global) {
		return nil
	}
	base := docURL(col, id)
	v := &liveView{Origin: a.previewOrigin, DataURL: base + "/preview", EditURL: base, Breakpoints: lp.Breakpoints}
	if col.Global {
		v.Global = col.Slug
	} else {
		v.Collection = col.Slug
	}
	if p, ok := lp.Path(doc); ok {
		v.Src = a.previewOrigin + p
	}
	return v
}

// livePreviewRoute serves {doc}/preview: the editor with the preview pane
// (GET) or the unsaved values of the posted form (POST, JSON).
func (a *Admin) livePreviewRoute(c *gin.Context, p *auth.Principal, col *content.Collection, id int64) {
	if c.Request.Method == http.MethodGet {
		doc, err := a.loadDoc(c.Request.Context(), actorOf(p), col, id)
		if err != nil {
			a.errorPage(c, err)
			return
		}
		c.Set(liveKey, true)
		a.showEditor(c, p, col, id, doc, nil, http.StatusOK, "")
		return
	}
	if !a.csrfOK(c, c.PostForm(csrfField)) {
		c.JSON(http.StatusForbidden, gin.H{"message": "Your session changed or the form expired; reload the page."})
		return
	}
	// Reading the document checks the caller may open it at all.
	if _, err := a.loadDoc(c.Request.Context(), actorOf(p), col, id); err != nil {
		c.JSON(http.StatusNotFound, gin.H{"message": "This document no longer exists."})
		return
	}
	pr := &parser{form: c.Request.PostForm, errs: map[string]string{}}
	data := pr.parse(editorFields(col), "")
	if !col.Global {
		data["id"] = id
	}
	// Values the form could not read (a half-typed date) are left out:
	// the preview shows the rest as typed.
	c.JSON(http.StatusOK, gin.H{"data": data})
}

// liveKey marks a request for the editor with the preview pane.
const liveKey = "admin.livePreview"
