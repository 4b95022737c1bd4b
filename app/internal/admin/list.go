package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/gin-gonic/gin"
)

// column is one column a list can show.
type column struct {
	Name     string
	Label    string
	Sortable bool // only indexed fields, so every sort is served by an index
	Default  bool
}

// systemColumns label the columns every document has.
var systemColumns = map[string]string{"id": "ID", "_status": "Status", "createdAt": "Created", "updatedAt": "Updated"}

// listColumns are the columns of a collection's list, from its admin hints:
// sortable when served by an index (promoted fields, timestamps, status).
func listColumns(col *content.Collection) []column {
	names := col.Admin.Columns
	if len(names) == 0 {
		names = []string{"id", "createdAt", "updatedAt"}
		if col.UseAsTitle != "" {
			names = append([]string{col.UseAsTitle}, names...)
		}
	}
	out := make([]column, 0, len(names))
	for i, n := range names {
		c := column{Name: n, Default: col.Admin.DefaultColumns == 0 || i < col.Admin.DefaultColumns}
		if label, ok := systemColumns[n]; ok {
			c.Label, c.Sortable = label, true
		} else if f, ok := col.Field(n); ok {
			c.Label, c.Sortable = fieldLabel(f), f.Promoted()
		}
		out = append(out, c)
	}
	return out
}

// listQuery is a list's state as given in its URL.
type listQuery struct {
	Page   int
	Limit  int
	Sort   string
	Search string
	Status string
	From   string // yyyy-mm-dd, on updatedAt
	To     string
	Cols   []string
	View   string // media: grid or list
}

var limits = []int{10, 25, 50, 100}

func parseListQuery(q url.Values, cols []column, col *content.Collection) listQuery {
	lq := listQuery{Page: 1, Limit: 25, Sort: "-updatedAt", Search: strings.TrimSpace(q.Get("search"))}
	// The search is text: NUL and broken UTF-8 dropped, at most 200
	// bytes cut at a character boundary.
	lq.Search = strings.ToValidUTF8(strings.ReplaceAll(lq.Search, "\x00", ""), "")
	if len(lq.Search) > 200 {
		lq.Search = strings.ToValidUTF8(lq.Search[:200], "")
	}
	if col.Admin.DefaultSort != "" {
		lq.Sort = col.Admin.DefaultSort
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 && n < 1_000_000 {
		lq.Page = n
	}
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && slices.Contains(limits, n) {
		lq.Limit = n
	}
	if s := q.Get("sort"); s != "" {
		name := strings.TrimPrefix(s, "-")
		for _, c := range cols {
			if c.Name == name && c.Sortable {
				lq.Sort = s
			}
		}
	}
	if st := q.Get("status"); st == content.StatusDraft || st == content.StatusPublished {
		lq.Status = st
	}
	for _, k := range []string{"from", "to"} {
		v := q.Get(k)
		if _, err := time.Parse("2006-01-02", v); err != nil {
			v = ""
		}
		if k == "from" {
			lq.From = v
		} else {
			lq.To = v
		}
	}
	for _, name := range q["cols"] {
		if slices.ContainsFunc(cols, func(c column) bool { return c.Name == name }) && !slices.Contains(lq.Cols, name) {
			lq.Cols = append(lq.Cols, name)
		}
	}
	if len(lq.Cols) == 0 {
		for _, c := range cols {
			if c.Default {
				lq.Cols = append(lq.Cols, c.Name)
			}
		}
	}
	lq.View = "grid"
	if q.Get("view") == "list" || !col.Admin.Grid {
		lq.View = "list"
	}
	return lq
}

// values renders the query back to a URL query, with overrides.
func (lq listQuery) values(over ...string) url.Values {
	v := url.Values{}
	v.Set("page", strconv.Itoa(lq.Page))
	v.Set("limit", strconv.Itoa(lq.Limit))
	v.Set("sort", lq.Sort)
	if lq.Search != "" {
		v.Set("search", lq.Search)
	}
	if lq.Status != "" {
		v.Set("status", lq.Status)
	}
	if lq.From != "" {
		v.Set("from", lq.From)
	}
	if lq.To != "" {
		v.Set("to", lq.To)
	}
	for _, c := range lq.Cols {
		v.Add("cols", c)
	}
	if lq.View == "list" {
		v.Set("view", "list")
	}
	for i := 0; i+1 < len(over); i += 2 {
		v.Set(over[i], over[i+1])
	}
	return v
}

// params turns the list state into a service query.
func (lq listQuery) params(col *content.Collection) query.Params {
	p := query.Params{Page: lq.Page, Limit: lq.Limit, LimitSet: true, Pagination: true}
	desc := strings.HasPrefix(lq.Sort, "-")
	p.Sort = []query.SortField{{Path: strings.TrimPrefix(lq.Sort, "-"), Desc: desc}}
	if lq.Search != "" {
		var or []query.Where
		for _, f := range col.Admin.Search {
			or = append(or, query.Where{Conds: []query.Cond{{Path: f, Op: query.Like, Values: []string{lq.Search}}}})
		}
		p.Where.And = append(p.Where.And, query.Where{Or: or})
	}
	if lq.Status != "" && col.Drafts {
		p.Where.Conds = append(p.Where.Conds, query.Cond{Path: "_status", Op: query.Equals, Values: []string{lq.Status}})
	}
	if lq.From != "" {
		p.Where.Conds = append(p.Where.Conds, query.Cond{Path: "updatedAt", Op: query.GreaterThanEqual, Values: []string{lq.From + "T00:00:00.000Z"}})
	}
	if lq.To != "" {
		p.Where.Conds = append(p.Where.Conds, query.Cond{Path: "updatedAt", Op: query.LessThanEqual, Values: []string{lq.To + "T23:59:59.999Z"}})
	}
	return p
}

// cell is one rendered list cell.
type cell struct {
	Text  string
	Href  string
	Class string
}

type listRow struct {
	ID    int64
	Title string
	Href  string
	Thumb string
	Full  string // the original file, when the thumbnail is missing
	Cells []cell
}

type headerCell struct {
	Label    string
	Href     string // sort link; "" when not sortable
	Sort     string // "ascending", "descending" or ""
	Selected bool
	Name     string
}

// collections dispatches /admin/collections/... by hand: gin's router
// cannot mix /:id with the static create, bulk and versions segments.
func (a *Admin) collections(c *gin.Context) {
	if principalOf(c) == nil && wantsJSON(c) {
		// The page scripts (autosave) learn the session ended; no redirect.
		c.JSON(http.StatusUnauthorized, gin.H{"message": "Your session has ended."})
		return
	}
	p := a.requireUser(c)
	if p == nil {
		return
	}
	parts := strings.Split(strings.Trim(c.Param("path"), "/"), "/")
	col, ok := a.content.Registry().Get(parts[0])
	if !ok {
		a.notFound(c)
		return
	}
	if col.Auth && !p.IsAdmin() {
		a.render(c, http.StatusForbidden, "error", page{Title: "Admins only", Data: map[string]any{"Message": "Only admins can manage users. Your own account is under Account."}})
		return
	}
	get := c.Request.Method == http.MethodGet
	rest := parts[1:]
	switch {
	case len(rest) == 0 && get:
		a.list(c, p, col)
		return
	case len(rest) == 1 && rest[0] == "bulk" && !get:
		a.bulk(c, p, col)
		return
	case len(rest) == 1 && rest[0] == "create":
		a.createDoc(c, p, col)
		return
	case len(rest) == 2 && rest[0] == "create" && rest[1] == "autosave" && !get && col.Autosave > 0 && !col.Upload && !col.Auth:
		a.autosave(c, p, col, 0)
		return
	case len(rest) >= 1:
		id, err := strconv.ParseInt(rest[0], 10, 64)
		if err != nil || id <= 0 {
			break
		}
		a.docRoute(c, p, col, id, rest[1:])
		return
	}
	a.notFound(c)
}

func (a *Admin) list(c *gin.Context, p *auth.Principal, col *content.Collection) {
	cols := listColumns(col)
	lq := parseListQuery(c.Request.URL.Query(), cols, col)
	actor := actorOf(p)
	// The filters (status, search, dates) are the stored documents': a
	// live page with a newer draft is listed as published ("changed").
	res, err := a.content.Find(c.Request.Context(), actor, col.Slug, lq.params(col), content.ReadOptions{Depth: 0, Draft: col.Drafts, RowFilter: true})
	var qe *query.Error
	var qve *content.QueryValueError
	if errors.As(err, &qe) || errors.As(err, &qve) {
		// A hand-edited URL: show the default list with a message.
		a.flash(c, "error", "That filter could not be applied; showing all.")
		c.Redirect(http.StatusSeeOther, "/admin/collections/"+col.Slug)
		return
	}
	if err != nil {
		a.errorPage(c, err)
		return
	}
	if lq.Page > res.TotalPages && res.TotalDocs > 0 {
		c.Redirect(http.StatusSeeOther, "/admin/collections/"+col.Slug+"?"+lq.values("page", strconv.Itoa(res.TotalPages)).Encode())
		return
	}
	if err := a.markChanged(c.Request.Context(), actor, col, res.Docs); err != nil {
		a.errorPage(c, err)
		return
	}
	base := "/admin/collections/" + col.Slug
	var headers []headerCell
	for _, cl := range cols {
		h := headerCell{Label: cl.Label, Name: cl.Name, Selected: slices.Contains(lq.Cols, cl.Name)}
		if !h.Selected {
			headers = append(headers, h)
			continue
		}
		if cl.Sortable {
			next := cl.Name
			switch lq.Sort {
			case cl.Name:
				h.Sort, next = "ascending", "-"+cl.Name
			case "-" + cl.Name:
				h.Sort = "descending"
			}
			h.Href = base + "?" + lq.values("sort", next, "page", "1").Encode()
		}
		headers = append(headers, h)
	}
	rows := make([]listRow, 0, len(res.Docs))
	for _, d := range res.Docs {
		id, _ := content.RelationID(d["id"])
		r := listRow{ID: id, Href: fmt.Sprintf("%s/%d", base, id), Title: docTitle(col, d)}
		if col.Upload {
			r.Thumb = thumbURL(d)
			if mt, _ := d["mimeType"].(string); strings.HasPrefix(mt, "image/") {
				r.Full, _ = d["url"].(string)
			}
		}
		for _, h := range headers {
			if h.Selected {
				r.Cells = append(r.Cells, cellOf(h.Name, d))
			}
		}
		rows = append(rows, r)
	}
	pages := pager(res, func(n int) string { return base + "?" + lq.values("page", strconv.Itoa(n)).Encode() })
	title := col.Plural
	a.render(c, http.StatusOK, "list", page{Title: title, Nav: col.Slug, Data: map[string]any{
		"Collection": col, "Query": lq, "Headers": headers, "Rows": rows, "List": res, "Pager": pages,
		"Limits": limits, "Back": base + "?" + lq.values().Encode(), "Base": base,
		"GridHref": base + "?" + lq.values("view", "grid").Encode(), "ListHref": base + "?" + lq.values("view", "list").Encode(),
		"Filtered": lq.Search != "" || lq.Status != "" || lq.From != "" || lq.To != "",
	}})
}

// docTitle is the title a document shows in lists and headings.
func docTitle(col *content.Collection, d content.Doc) string {
	if s, _ := d[col.UseAsTitle].(string); strings.TrimSpace(s) != "" {
		return s
	}
	return fmt.Sprintf("Untitled %s #%v", strings.ToLower(col.Singular), d["id"])
}

func thumbURL(d content.Doc) string {
	for _, k := range []string{"thumbnailURL", "url"} {
		if s, _ := d[k].(string); s != "" {
			if mt, _ := d["mimeType"].(string); strings.HasPrefix(mt, "image/") || k == "thumbnailURL" {
				return s
			}
		}
	}
	return ""
}

func cellOf(name string, d content.Doc) cell {
	v := d[name]
	switch name {
	case "_status":
		s, _ := v.(string)
		return cell{Text: s, Class: "pill pill-" + s}
	case "createdAt", "updatedAt", "publishedAt":
		return cell{Text: fmtDate(v)}
	case "filesize":
		n, ok := v.(float64)
		if !ok {
			if i, isInt := v.(int64); isInt {
				n, ok = float64(i), true
			}
		}
		if !ok {
			return cell{Text: "—"}
		}
		return cell{Text: humanBytes(n)}
	case "roles":
		var out []string
		list, _ := v.([]any)
		for _, r := range list {
			out = append(out, fmt.Sprint(r))
		}
		if rs, ok := v.([]string); ok {
			out = rs
		}
		return cell{Text: strings.Join(out, ", ")}
	}
	if v == nil {
		return cell{Text: "—"}
	}
	return cell{Text: fmt.Sprint(v)}
}

func humanBytes(n float64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", n/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", n/(1<<10))
	}
	return fmt.Sprintf("%.0f B", n)
}

type pageLink struct {
	N       int
	Href    string
	Current bool
	Gap     bool
}

type pagerView struct {
	Prev, Next string
	Links      []pageLink
	From, To   int
	Total      int64
}

// pager builds pagination links: first, last and two around the current.
func pager(l content.List, href func(int) string) pagerView {
	pv := pagerView{Total: l.TotalDocs}
	if l.TotalDocs > 0 {
		pv.From = l.PagingCounter
		pv.To = l.PagingCounter + len(l.Docs) - 1
	}
	if l.HasPrevPage {
		pv.Prev = href(l.Page - 1)
	}
	if l.HasNextPage {
		pv.Next = href(l.Page + 1)
	}
	last := 0
	for n := 1; n <= l.TotalPages; n++ {
		if n != 1 && n != l.TotalPages && (n < l.Page-2 || n > l.Page+2) {
			continue
		}
		if last != 0 && n > last+1 {
			pv.Links = append(pv.Links, pageLink{Gap: true})
		}
		pv.Links = append(pv.Links, pageLink{N: n, Href: href(n), Current: n == l.Page})
		last = n
	}
	return pv
}

// bulkWrite deletes, publishes or unpublishes the documents of where. As
// Payload's list (REST, overrideLock unset), a document another editor
// holds is reported, not written.
func (a *Admin) bulkWrite(ctx context.Context, actor *content.Actor, col *content.Collection, action string, where query.Where) (content.BulkResult, error) {
	opts := content.WriteOptions{EnforceLock: true}
	switch action {
	case "delete":
		return a.content.DeleteMany(ctx, actor, col.Slug, where, opts)
	case "publish":
		return a.content.UpdateMany(ctx, actor, col.Slug, where, map[string]any{"_status": content.StatusPublished}, opts)
	}
	return a.content.UpdateMany(ctx, actor, col.Slug, where, map[string]any{"_status": content.StatusDraft}, opts)
}

// bulk asks for confirmation, then publishes, unpublishes or deletes the
// selected documents.
func (a *Admin) bulk(c *gin.Context, p *auth.Principal, col *content.Collection) {
	base := "/admin/collections/" + col.Slug
	back := c.PostForm("back")
	if !strings.HasPrefix(back, base) {
		back = base
	}
	if !a.checkForm(c, back) {
		return
	}
	action := c.PostForm("action")
	allowed := []string{"delete"}
	if col.Drafts {
		allowed = append(allowed, "publish", "unpublish")
	}
	if !slices.Contains(allowed, action) || col.Auth {
		a.flash(c, "error", "Choose an action.")
		c.Redirect(http.StatusSeeOther, safeRedirect(back))
		return
	}
	var ids []string
	for _, s := range c.PostFormArray("ids") {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 && len(ids) < 500 {
			ids = append(ids, strconv.FormatInt(n, 10))
		}
	}
	if len(ids) == 0 {
		a.flash(c, "error", "Select at least one "+strings.ToLower(col.Singular)+" first.")
		c.Redirect(http.StatusSeeOther, safeRedirect(back))
		return
	}
	actor := actorOf(p)
	ctx := c.Request.Context()
	where := query.Where{Conds: []query.Cond{{Path: "id", Op: query.In, Values: ids}}}
	if c.PostForm("confirm") != "yes" {
		res, err := a.content.Find(ctx, actor, col.Slug, query.Params{Where: where, Page: 1, Limit: 500, LimitSet: true, Pagination: true}, content.ReadOptions{Depth: 0, Draft: col.Drafts, RowFilter: true})
		if err != nil {
			a.errorPage(c, err)
			return
		}
		var titles []string
		for _, d := range res.Docs {
			titles = append(titles, docTitle(col, d))
		}
		a.render(c, http.StatusOK, "confirm", page{Title: "Confirm", Nav: col.Slug, Data: map[string]any{
			"Collection": col, "Action": action, "IDs": ids, "Titles": titles, "Back": back, "Base": base,
		}})
		return
	}
	res, err := a.bulkWrite(ctx, actor, col, action, where)
	if err != nil {
		if errors.Is(err, content.ErrForbidden) {
			a.flash(c, "error", content.ErrForbidden.Error())
			c.Redirect(http.StatusSeeOther, safeRedirect(back))
			return
		}
		a.errorPage(c, err)
		return
	}
	kind := "success"
	msg := res.Message
	if len(res.Errors) > 0 {
		kind = "error"
		for _, e := range res.Errors {
			if e.IsPublic {
				msg += fmt.Sprintf(" #%d: %s", e.ID, e.Message)
			}
		}
	}
	a.flash(c, kind, msg)
	c.Redirect(http.StatusSeeOther, safeRedirect(back))
}

// dashCard is one count on the dashboard.
type dashCard struct {
	N     int64
	Label string
	Href  string
}

// dashboard shows counts of the collections marked for it, the recently
// edited documents of the first drafts-enabled one, and shortcuts.
func (a *Admin) dashboard(c *gin.Context) {
	p := a.requireUser(c)
	if p == nil {
		return
	}
	ctx := c.Request.Context()
	actor := actorOf(p)
	var cards []dashCard
	var main, upload *content.Collection
	for _, col := range a.content.Registry().All() {
		if !col.Admin.Dashboard {
			continue
		}
		base := "/admin/collections/" + col.Slug
		n, err := a.content.Count(ctx, actor, col.Slug, query.Where{})
		if err != nil {
			a.errorPage(c, err)
			return
		}
		cards = append(cards, dashCard{N: n, Label: col.Plural, Href: base})
		if col.Upload && upload == nil {
			upload = col
		}
		if !col.Drafts {
			continue
		}
		pub, err := a.content.Count(ctx, actor, col.Slug, query.Where{Conds: []query.Cond{{Path: "_status", Op: query.Equals, Values: []string{content.StatusPublished}}}})
		if err != nil {
			a.errorPage(c, err)
			return
		}
		cards = append(cards, dashCard{N: pub, Label: "Published", Href: base + "?status=published"},
			dashCard{N: n - pub, Label: "Drafts", Href: base + "?status=draft"})
		if main == nil {
			main = col
		}
	}
	data := map[string]any{"Cards": cards, "Main": main, "Upload": upload}
	if main != nil {
		recent, err := a.content.Find(ctx, actor, main.Slug, query.Params{Page: 1, Limit: 6, LimitSet: true, Pagination: true,
			Sort: []query.SortField{{Path: "updatedAt", Desc: true}}}, content.ReadOptions{Depth: 0, Draft: true})
		if err != nil {
			a.errorPage(c, err)
			return
		}
		if err := a.markChanged(ctx, actor, main, recent.Docs); err != nil {
			a.errorPage(c, err)
			return
		}
		var rows []listRow
		for _, d := range recent.Docs {
			id, _ := content.RelationID(d["id"])
			st, _ := d["_status"].(string)
			rows = append(rows, listRow{ID: id, Title: docTitle(main, d), Href: fmt.Sprintf("/admin/collections/%s/%d", main.Slug, id),
				Cells: []cell{{Text: st, Class: "pill pill-" + st}, {Text: fmtDate(d["updatedAt"])}}})
		}
		data["Recent"] = rows
	}
	a.render(c, http.StatusOK, "dashboard", page{Title: "Dashboard", Nav: "dashboard", Data: data})
}
