package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/gin-gonic/gin"
)

// docRoute dispatches /admin/collections/{slug}/{id}/...
func (a *Admin) docRoute(c *gin.Context, p *auth.Principal, col *content.Collection, id int64, rest []string) {
	get := c.Request.Method == http.MethodGet
	switch {
	case len(rest) == 0 && col.Auth:
		a.userDoc(c, p, id)
	case len(rest) == 0 && get:
		a.editPage(c, p, col, id)
	case len(rest) == 0:
		a.saveDoc(c, p, col, id)
	case len(rest) == 1 && rest[0] == "delete":
		a.deleteDoc(c, p, col, id)
	case len(rest) == 1 && rest[0] == "lock" && lockable(col, id) && !get:
		a.lockAction(c, p, col, id)
	case len(rest) == 1 && rest[0] == "preview" && a.livePreview(col) != nil:
		a.livePreviewRoute(c, p, col, id)
	case len(rest) == 1 && rest[0] == "autosave" && col.Autosave > 0 && !get:
		a.autosave(c, p, col, id)
	case len(rest) == 1 && rest[0] == "schedule" && col.Drafts && !get:
		a.schedule(c, p, col, id)
	case len(rest) == 1 && rest[0] == "replace" && col.Upload && !get:
		a.replaceMedia(c, p, id)
	case len(rest) == 1 && rest[0] == "versions" && get && col.Drafts:
		a.versions(c, p, col, id)
	case len(rest) == 2 && rest[0] == "versions" && col.Drafts:
		vid, err := strconv.ParseInt(rest[1], 10, 64)
		if err != nil || vid <= 0 || !get {
			a.notFound(c)
			return
		}
		a.version(c, p, col, id, vid)
	case len(rest) == 3 && rest[0] == "versions" && rest[2] == "restore" && !get && col.Drafts:
		vid, err := strconv.ParseInt(rest[1], 10, 64)
		if err != nil || vid <= 0 {
			a.notFound(c)
			return
		}
		a.restore(c, p, col, id, vid)
	case col.Auth && !get:
		a.userAction(c, p, id, rest)
	default:
		a.notFound(c)
	}
}

// editorData is what the editor template needs.
type editorData struct {
	Collection *content.Collection
	ID         int64
	Doc        content.Doc
	IsNew      bool
	Fields     map[string]*fieldView // top-level fields by name
	Order      []fieldView
	Errors     []summaryError
	Status     string
	HasDraft   bool
	Action     string
	Base       string // the document's editor URL (form action, versions)
	RestInMain bool   // the fields beyond the page's special ones go in the main column
	PreviewURL string
	// LiveURL opens the live preview ({doc}/preview); Live is the preview
	// pane when this page shows it.
	LiveURL string
	Live    *liveView
	// SlugLocked: the slug no longer follows the title (published, and
	// the slug field is declared SlugLocked).
	SlugLocked bool
	Slug       string
	SEOTitle   string
	SEODesc    string
	SEOURL     string
	Focus      string
	Seen       string    // updatedAt of the version the form was opened on
	Lock       *lockView // the document's edit lock (nil: not locked)
	Thumb      string    // media: the image
	Media      content.Doc
	Sizes      []sizeRow
	Jobs       []jobView
	Now        string // datetime-local value of now (UTC), the schedule's minimum
	// RowTemplates are new rows of the form's lists, for blocks.js.
	RowTemplates []rowTemplate
}

// jobView is a scheduled publish or unpublish.
type jobView struct {
	ID     int64
	Action string
	At     string
	Done   bool
	Error  string
}

type summaryError struct {
	Path    string
	ID      string
	Label   string
	Message string
}

// builder loads the choices of the plain selects of upload and user
// fields (the most recent files each upload field accepts, the users) and
// of polymorphic relations among fields (the most recently updated
// documents of each target), and the titles of the documents doc's
// relations hold (pickers.go).
func (a *Admin) builder(ctx context.Context, actor *content.Actor, errs map[string]string, fields []content.Field, doc map[string]any) (*builder, error) {
	b := &builder{errs: errs, thumbs: map[string]string{}, pickers: map[string][]option{}, polys: map[string][]option{}, reg: a.content.Registry()}
	if err := a.polyPickers(ctx, actor, b, fields); err != nil {
		return nil, err
	}
	if err := a.loadUploadChoices(ctx, actor, b, fields); err != nil {
		return nil, err
	}
	var err error
	if b.picked, err = a.loadPicked(ctx, actor, fields, doc); err != nil {
		return nil, err
	}
	if au, ok := a.content.Registry().AuthCollection(); ok {
		docs, err := a.content.Find(ctx, actor, au.Slug, query.Params{Page: 1, Limit: 200, LimitSet: true, Pagination: true,
			Sort: []query.SortField{{Path: "email"}}}, content.ReadOptions{Depth: 0})
		if err != nil && !errors.Is(err, content.ErrForbidden) {
			return nil, err
		}
		for _, d := range docs.Docs {
			label, _ := d["email"].(string)
			b.pickers[au.Slug] = append(b.pickers[au.Slug], option{Value: idString(d["id"]), Label: label})
		}
	}
	return b, nil
}

// polyPickers loads, for each collection a polymorphic relation among
// fields may point to, its 200 most recently updated documents as
// "slug:id" choices.
func (a *Admin) polyPickers(ctx context.Context, actor *content.Actor, b *builder, fields []content.Field) error {
	seen := map[string]bool{}
	var err error
	content.WalkFields(fields, "", func(_ string, f *content.Field) bool {
		for _, to := range f.RelationToAny {
			if seen[to] || err != nil {
				continue
			}
			seen[to] = true
			col, ok := a.content.Registry().Get(to)
			if !ok {
				continue
			}
			var docs content.List
			docs, err = a.content.Find(ctx, actor, to, query.Params{Page: 1, Limit: 200, LimitSet: true, Pagination: true,
				Sort: []query.SortField{{Path: "updatedAt", Desc: true}}}, content.ReadOptions{Depth: 0, Draft: col.Drafts})
			if errors.Is(err, content.ErrForbidden) {
				err = nil
				continue
			}
			for _, d := range docs.Docs {
				b.polys[to] = append(b.polys[to], option{Value: to + ":" + idString(d["id"]), Label: col.Singular + ": " + docTitle(col, d)})
			}
		}
		return true
	})
	return err
}

func (a *Admin) createDoc(c *gin.Context, p *auth.Principal, col *content.Collection) {
	switch {
	case col.Auth:
		a.createUser(c, p)
		return
	case col.Upload:
		if c.Request.Method == http.MethodPost {
			a.uploadMedia(c, p)
			return
		}
		c.Redirect(http.StatusSeeOther, "/admin/collections/"+col.Slug+"#upload")
		return
	}
	if c.Request.Method == http.MethodGet {
		a.showEditor(c, p, col, 0, content.Doc{}, nil, http.StatusOK, "")
		return
	}
	a.saveDoc(c, p, col, 0)
}

func (a *Admin) editPage(c *gin.Context, p *auth.Principal, col *content.Collection, id int64) {
	doc, err := a.loadDoc(c.Request.Context(), actorOf(p), col, id)
	if err != nil {
		a.errorPage(c, err)
		return
	}
	a.showEditor(c, p, col, id, doc, nil, http.StatusOK, "")
}

// showEditor renders the editor for doc (a stored document or the input
// being corrected) with errs next to their fields.
func (a *Admin) showEditor(c *gin.Context, p *auth.Principal, col *content.Collection, id int64, doc content.Doc, errs map[string]string, status int, open string) {
	if errs == nil {
		errs = map[string]string{}
	}
	ctx := c.Request.Context()
	fields := editorFields(col)
	b, err := a.builder(ctx, actorOf(p), errs, fields, doc)
	if err != nil {
		a.errorPage(c, err)
		return
	}
	b.open = open
	views := b.build(fields, doc, "")
	rowTemplates := b.templates(fields, "")
	d := editorData{Collection: col, ID: id, Doc: doc, IsNew: id == 0 && !col.Global, Fields: map[string]*fieldView{}, Order: views, Focus: open,
		Base: docURL(col, id), Errors: errorSummary(errs, views, fields, doc), RowTemplates: rowTemplates}
	for i := range views {
		d.Fields[views[i].Name] = &views[i]
	}
	// Without the page's main fields (a global, an added collection), the
	// fields fill the main column instead of the side panels.
	d.RestInMain = d.Fields["title"] == nil && d.Fields["layout"] == nil && d.Fields["content"] == nil
	d.Seen = scalarString(doc["updatedAt"])
	if s := c.PostForm("_seen"); c.Request.Method == http.MethodPost && s != "" {
		d.Seen = s // re-shown input keeps the version it was typed on
	}
	if d.Status, err = a.editorStatus(ctx, actorOf(p), col, id, doc); err != nil {
		a.errorPage(c, err)
		return
	}
	if d.Lock, err = a.claimLock(ctx, p, col, id, false); err != nil {
		a.errorPage(c, err)
		return
	}
	if sf, ok := col.SlugField(); ok && sf.SlugLocked {
		d.SlugLocked = d.Status == content.StatusPublished || d.Status == StatusChanged
	}
	d.seo(col, doc)
	if err := a.editorJobs(ctx, actorOf(p), col, id, &d); err != nil {
		a.errorPage(c, err)
		return
	}
	if a.previewURL != "" && id != 0 && d.Slug != "" {
		d.PreviewURL = a.previewLink(col.Slug, id, d.Slug)
	}
	if lv := a.liveView(col, id, doc); lv != nil {
		d.LiveURL = lv.DataURL
		if c.GetBool(liveKey) {
			d.Live = lv
		}
	}
	name := "editor"
	if col.Upload {
		name = "media-edit"
		d.media(doc)
	}
	a.render(c, status, name, page{Title: editorTitle(col, id, doc), Nav: col.Slug, Data: d})
}

// editorFields are the fields the editor shows and reads back.
func editorFields(col *content.Collection) []content.Field {
	if col.Upload {
		return mediaEditable(col)
	}
	return col.Fields
}

// editorTitle is the page title: the document's title, "New <singular>"
// or a global's name.
func editorTitle(col *content.Collection, id int64, doc content.Doc) string {
	switch {
	case col.Global:
		return col.Singular
	case id != 0:
		return docTitle(col, doc)
	}
	return "New " + col.Singular
}

// errorSummary lists errs for the top of the form, sorted by path; an
// error for a field the form does not show says so.
func errorSummary(errs map[string]string, views []fieldView, fields []content.Field, doc map[string]any) []summaryError {
	known := map[string]bool{}
	var mark func(vs []fieldView)
	mark = func(vs []fieldView) {
		for _, v := range vs {
			known[v.Path] = true
			mark(v.Children)
			for _, r := range v.Rows {
				mark(r.Fields)
			}
		}
	}
	mark(views)
	var out []summaryError
	for path, msg := range errs {
		label := labelPath(fields, doc, path)
		switch {
		case strings.HasPrefix(path, "_"):
			label = "Form"
		case !known[path]:
			label += " (not shown in this form)"
		}
		out = append(out, summaryError{Path: path, ID: inputID(path), Label: label, Message: msg})
	}
	sortErrors(out)
	return out
}

// seo fills the slug and the search-result preview (meta title and
// description, falling back to the document's title).
func (d *editorData) seo(col *content.Collection, doc content.Doc) {
	if sf, ok := col.SlugField(); ok {
		d.Slug, _ = doc[sf.Name].(string)
	}
	title, _ := doc[col.UseAsTitle].(string)
	meta, _ := doc["meta"].(map[string]any)
	d.SEOTitle, _ = meta["title"].(string)
	if d.SEOTitle == "" {
		d.SEOTitle = title
	}
	d.SEODesc, _ = meta["description"].(string)
	d.SEOURL = "/" + d.Slug
}

// media fills the file preview and image sizes of an upload document.
func (d *editorData) media(doc content.Doc) {
	d.Media = doc
	d.Sizes = mediaSizes(doc)
	d.Thumb, _ = doc["url"].(string)
	if mt, _ := doc["mimeType"].(string); !strings.HasPrefix(mt, "image/") {
		d.Thumb = ""
	}
}

// editorJobs lists the scheduled publish and unpublish jobs of a stored
// document of a collection with drafts.
func (a *Admin) editorJobs(ctx context.Context, actor *content.Actor, col *content.Collection, id int64, d *editorData) error {
	if !col.Drafts || id == 0 || col.Global {
		return nil
	}
	jobs, err := a.content.Jobs(ctx, actor, col.Slug, id)
	if err != nil && !errors.Is(err, content.ErrNotSupported) && !errors.Is(err, content.ErrNotFound) {
		return err
	}
	for _, j := range jobs {
		d.Jobs = append(d.Jobs, jobView{ID: j.ID, Action: j.Action, At: fmtDate(j.RunAt), Done: !j.DoneAt.IsZero(), Error: j.Error})
	}
	d.Now = a.now().UTC().Format(dateLayout)
	return nil
}

func sortErrors(es []summaryError) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Path < es[j-1].Path; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// previewLink is the front end's preview URL for a document, with a signed
// token valid for PreviewTTL.
func (a *Admin) previewLink(collection string, id int64, slug string) string {
	u, err := url.Parse(a.previewURL)
	if err != nil {
		return ""
	}
	q := u.Query()
	q.Set("collection", collection)
	q.Set("slug", slug)
	q.Set("token", signPreview(a.keys.preview, collection, id, a.now()))
	u.RawQuery = q.Encode()
	return u.String()
}

// saveDoc creates (id 0) or updates a document from the editor form.
func (a *Admin) saveDoc(c *gin.Context, p *auth.Principal, col *content.Collection, id int64) {
	back := docURL(col, id)
	if !a.checkForm(c, back) {
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		a.flash(c, "error", "The form could not be read.")
		c.Redirect(http.StatusSeeOther, back)
		return
	}
	if c.PostForm("_live") == "1" && a.livePreview(col) != nil {
		c.Set(liveKey, true) // saved from the live preview: stay there
	}
	pr := &parser{form: c.Request.PostForm, errs: map[string]string{}}
	input := pr.parse(editorFields(col), "")
	ctx := c.Request.Context()
	actor := actorOf(p)
	show := func(errs map[string]string, status int, open string) {
		a.reshow(c, p, col, id, input, errs, status, open)
	}
	if opText := c.PostForm("_op"); opText != "" {
		op, ok := parseRowOp(opText)
		open := ""
		if ok {
			open, ok = op.apply(input)
		}
		if !ok {
			pr.errs["_op"] = "That change to the layout could not be made."
		}
		show(pr.errs, http.StatusOK, open)
		return
	}
	if len(pr.errs) > 0 {
		show(pr.errs, http.StatusBadRequest, "")
		return
	}
	if msg := a.staleSave(ctx, actor, col, id, c.PostForm("_seen")); msg != "" {
		show(map[string]string{"_form": msg}, http.StatusConflict, "")
		return
	}
	if msg := a.lockRefusal(ctx, p, col, id); msg != "" {
		show(map[string]string{"_form": msg}, http.StatusConflict, "")
		return
	}
	action, opts := draftAction(col, c.PostForm("_action"), input)
	opts.EnforceLock = true // lockRefusal claimed it; refuse if it was taken since
	res, err := a.write(ctx, actor, col, id, input, opts)
	var ve *content.ValidationError
	switch {
	case errors.As(err, &ve):
		show(firstErrors(ve), http.StatusBadRequest, "")
		return
	case errors.Is(err, content.ErrNotFound):
		a.notFound(c)
		return
	case errors.Is(err, content.ErrForbidden):
		show(map[string]string{"_form": content.ErrForbidden.Error()}, http.StatusForbidden, "")
		return
	case errors.Is(err, content.ErrLocked):
		msg := a.lockRefusal(ctx, p, col, id)
		if msg == "" {
			msg = fault.Message(err)
		}
		show(map[string]string{"_form": msg}, http.StatusConflict, "")
		return
	case err != nil:
		a.errorPage(c, err)
		return
	}
	newID, _ := content.RelationID(res.Doc["id"])
	a.flash(c, "success", savedMessage(col, action, res.Message))
	target := docURL(col, newID)
	if c.GetBool(liveKey) {
		target += "/preview"
	}
	c.Redirect(http.StatusSeeOther, target)
}

// reshow renders the editor again with the typed input and errs. For a
// stored document, its system values (status, dates, file data) are kept
// under what was typed.
func (a *Admin) reshow(c *gin.Context, p *auth.Principal, col *content.Collection, id int64, input map[string]any, errs map[string]string, status int, open string) {
	doc := input
	if id != 0 || col.Global {
		stored, err := a.loadDoc(c.Request.Context(), actorOf(p), col, id)
		if err == nil {
			for k, v := range input {
				stored[k] = v
			}
			doc = stored
		}
	}
	doc["id"] = id
	a.showEditor(c, p, col, id, doc, errs, status, open)
}

// staleSave says why a save is refused when the stored document is newer
// than the version the form was opened on (seen), so that nothing saved
// meanwhile is overwritten; it is empty when the save may go ahead.
func (a *Admin) staleSave(ctx context.Context, actor *content.Actor, col *content.Collection, id int64, seen string) string {
	if seen == "" || (id == 0 && !col.Global) {
		return ""
	}
	stored, err := a.loadDoc(ctx, actor, col, id)
	if err != nil {
		return ""
	}
	if cur := scalarString(stored["updatedAt"]); cur != "" && cur != seen {
		return fmt.Sprintf("Someone else saved this %s at %s, after you opened it. "+
			"Your changes were not saved, so nothing of theirs was overwritten: copy what you need, reload to see their version, and apply your changes again.",
			strings.ToLower(col.Singular), fmtDate(cur))
	}
	return ""
}

// draftAction sets the status the form's button asks for (publish,
// unpublish, or save a draft by default) on input; without drafts the
// action is ignored.
func draftAction(col *content.Collection, action string, input map[string]any) (string, content.WriteOptions) {
	opts := content.WriteOptions{ReadOptions: content.ReadOptions{Depth: 0}}
	if !col.Drafts {
		return action, opts
	}
	switch action {
	case "publish":
		input["_status"] = content.StatusPublished
	case "unpublish":
		input["_status"] = content.StatusDraft
	default:
		action = "draft"
		input["_status"] = content.StatusDraft
		opts.Draft = true
	}
	return action, opts
}

// write saves input as a global, a new document (id 0) or an update.
func (a *Admin) write(ctx context.Context, actor *content.Actor, col *content.Collection, id int64, input map[string]any, opts content.WriteOptions) (content.WriteResult, error) {
	switch {
	case col.Global:
		return a.content.UpdateGlobal(ctx, actor, col.Slug, input, opts)
	case id == 0:
		return a.content.Create(ctx, actor, col.Slug, input, opts)
	case col.Upload && a.media != nil:
		// A new focal point recuts the image sizes.
		return a.media.Update(ctx, actor, id, input, opts)
	default:
		return a.content.Update(ctx, actor, col.Slug, id, input, opts)
	}
}

// firstErrors maps each path of a validation error to its first message.
func firstErrors(ve *content.ValidationError) map[string]string {
	errs := map[string]string{}
	for _, fe := range ve.Errors {
		if _, seen := errs[fe.Path]; !seen {
			errs[fe.Path] = fe.Message
		}
	}
	return errs
}

// savedMessage is the flash after a save: what the button did, or the
// service's own message.
func savedMessage(col *content.Collection, action, fallback string) string {
	switch action {
	case "publish":
		return col.Singular + " published."
	case "unpublish":
		return col.Singular + " unpublished; it is a draft again."
	case "draft":
		return "Draft saved."
	}
	return fallback
}

// deleteDoc confirms (GET) and deletes (POST) one document.
func (a *Admin) deleteDoc(c *gin.Context, p *auth.Principal, col *content.Collection, id int64) {
	ctx := c.Request.Context()
	actor := actorOf(p)
	self := fmt.Sprintf("/admin/collections/%s/%d", col.Slug, id)
	if c.Request.Method == http.MethodGet {
		doc, err := a.content.FindByID(ctx, actor, col.Slug, id, content.ReadOptions{Depth: 0, Draft: col.Drafts})
		if err != nil {
			a.errorPage(c, err)
			return
		}
		var used []listRow
		if col.Upload {
			used, err = a.usedBy(ctx, actor, col.Slug, id)
			if err != nil {
				a.errorPage(c, err)
				return
			}
		}
		a.render(c, http.StatusOK, "delete", page{Title: "Delete " + docTitle(col, doc), Nav: col.Slug, Data: map[string]any{
			"Collection": col, "Title": docTitle(col, doc), "Self": self, "UsedBy": used,
		}})
		return
	}
	if !a.checkForm(c, self) {
		return
	}
	var err error
	if col.Auth {
		_, err = a.auth.DeleteUser(ctx, p, id)
	} else {
		_, err = a.content.Delete(ctx, actor, col.Slug, id, content.WriteOptions{EnforceLock: true})
	}
	if a.failed(c, err, self) {
		return
	}
	a.flash(c, "success", col.Singular+" deleted.")
	c.Redirect(http.StatusSeeOther, "/admin/collections/"+col.Slug)
}

// versions lists a document's versions, newest first.
func (a *Admin) versions(c *gin.Context, p *auth.Principal, col *content.Collection, id int64) {
	ctx := c.Request.Context()
	actor := actorOf(p)
	doc, err := a.loadDoc(ctx, actor, col, id)
	if err != nil {
		a.errorPage(c, err)
		return
	}
	pg, _ := strconv.Atoi(c.Query("page"))
	if pg < 1 || pg > 100000 {
		pg = 1
	}
	res, err := a.versionPage(ctx, actor, col, id, pg)
	if err != nil {
		a.errorPage(c, err)
		return
	}
	base := docURL(col, id)
	var rows []listRow
	for _, v := range res.Docs {
		vid, _ := content.RelationID(v["id"])
		body, _ := v["version"].(map[string]any)
		st, _ := body["_status"].(string)
		latest := ""
		if v["latest"] == true {
			latest = "current"
		}
		rows = append(rows, listRow{ID: vid, Href: fmt.Sprintf("%s/versions/%d", base, vid), Title: fmtDate(v["updatedAt"]),
			Cells: []cell{{Text: st, Class: "pill pill-" + st}, {Text: latest}, {Text: scalarString(body["title"])}}})
	}
	title := docTitle(col, doc)
	if col.Global {
		title = col.Singular
	}
	a.render(c, http.StatusOK, "versions", page{Title: "Versions of " + title, Nav: col.Slug, Data: map[string]any{
		"Collection": col, "Title": title, "Base": base, "Rows": rows,
		"Pager": pager(res, func(n int) string { return base + "/versions?page=" + strconv.Itoa(n) }),
	}})
}

// schedule plans (or cancels) a publish or unpublish at a time.
func (a *Admin) schedule(c *gin.Context, p *auth.Principal, col *content.Collection, id int64) {
	back := fmt.Sprintf("/admin/collections/%s/%d", col.Slug, id)
	if !a.checkForm(c, back) {
		return
	}
	ctx := c.Request.Context()
	actor := actorOf(p)
	if cancel := c.PostForm("cancel"); cancel != "" {
		jid, _ := strconv.ParseInt(cancel, 10, 64)
		err := a.content.CancelJob(ctx, actor, col.Slug, id, jid)
		switch {
		case errors.Is(err, content.ErrNotFound):
			a.flash(c, "error", "That schedule no longer exists.")
		case err != nil:
			a.errorPage(c, err)
			return
		default:
			a.flash(c, "success", "Schedule cancelled.")
		}
		c.Redirect(http.StatusSeeOther, back)
		return
	}
	action := c.PostForm("schedule_action")
	at, err := time.Parse(dateLayout, strings.TrimSpace(c.PostForm("schedule_at")))
	if err != nil {
		a.flash(c, "error", "Choose a date and time (UTC) to schedule.")
		c.Redirect(http.StatusSeeOther, back)
		return
	}
	if !at.After(a.now()) {
		a.flash(c, "error", "Choose a time in the future.")
		c.Redirect(http.StatusSeeOther, back)
		return
	}
	_, err = a.content.Schedule(ctx, actor, col.Slug, id, action, at.UTC())
	var ve *content.ValidationError
	switch {
	case errors.As(err, &ve):
		msgs := make([]string, 0, len(ve.Errors))
		for _, fe := range ve.Errors {
			msgs = append(msgs, fe.Label+": "+fe.Message)
		}
		a.flash(c, "error", "Could not schedule — "+strings.Join(msgs, " "))
	case errors.Is(err, content.ErrNotFound):
		a.notFound(c)
		return
	case errors.Is(err, content.ErrNotSupported):
		a.flash(c, "error", "Scheduling is not available on this server.")
	case err != nil:
		a.errorPage(c, err)
		return
	default:
		a.flash(c, "success", fmt.Sprintf("Scheduled to %s at %s.", action, fmtDate(at.UTC())))
	}
	c.Redirect(http.StatusSeeOther, back)
}
