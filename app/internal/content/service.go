package content

import (
	"context"
	"errors"
	"fmt"
	"github.com/automatonic/chronos/app/internal/fault"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/query"
)

// Errors of the service besides ErrNotFound, ValidationError and query errors.
var (
	// ErrForbidden: the caller's access rule denies the operation.
	ErrForbidden = fault.New(fault.Forbidden, "You are not allowed to perform this action.")
	// ErrUnknownSlug: no collection has the slug.
	ErrUnknownSlug = fault.New(fault.NotFound, "Not Found")
	// ErrMissingWhere: a bulk update or delete without a where clause.
	ErrMissingWhere = fault.New(fault.Invalid, "Missing 'where' query of documents.")
	// ErrNotSupported: the collection does not offer the operation
	// (versions of a collection without drafts, users written outside auth).
	ErrNotSupported = fault.New(fault.Invalid, "This operation is not supported by this collection.")
)

// Depth limits of population.
const (
	DefaultDepth = 2
	MaxDepth     = 10
	DefaultLimit = 10
)

// Event is a change worth telling the outside world (revalidation webhooks).
type Event struct {
	Type       string // "publish", "unpublish", "update", "delete"
	Collection string // the collection's or global's slug
	// Global: Collection names a global (a saved header or footer, so the
	// site revalidates its layout).
	Global bool
	ID     int64
	Slug   string
	At     time.Time
}

// Events receives events; it must not block.
type Events interface {
	Publish(ctx context.Context, e Event)
}

// Hooks are the app-wide extensions of content (rendering, caching).
type Hooks struct {
	// RichTextHTML renders a Lexical value to HTML for ?richText=html.
	RichTextHTML func(value any) (string, error)
	// AfterWrite runs after any committed create, update or delete (the
	// response cache drops what it holds).
	AfterWrite func(c *Collection)
}

// Behavior is what a collection kind plugs into content's read and delete
// path and the rules its writes must keep; content uses it for the
// documents of the collection it is registered on (Use), so the kind's
// service never has to be reached around content and there is one write
// path for every collection. None of it writes: the upload kind's file
// work is finished before its write and handed over as data
// (WriteOptions.Attachment), and its read side is data too (Files).
type Behavior struct {
	// Files addresses the upload kind's stored files: content renders
	// url, thumbnailURL and sizes.*.url from the stored filenames on every
	// read, calling nobody.
	Files *FileURLs
	// AfterDelete runs after a document was deleted (media removes its
	// objects). Errors are logged, the delete stands.
	AfterDelete func(ctx context.Context, d Doc) error
	// Guard is a rule over the collection's stored documents that every
	// update and delete must keep (the auth kind: someone stays admin).
	// Content runs it in the write's transaction, after the write, with
	// the collection's table locked since the transaction began, so two
	// concurrent writes cannot both pass it; an error rolls the write back
	// and is the write's answer. Only UpdateAccount and DeleteAccount
	// (the auth kind's writes) run it today.
	Guard func(ctx context.Context, ch Change) error
}

// Change is an update or delete as a Behavior's Guard sees it, inside the
// write's transaction.
type Change struct {
	Before Doc // the stored document before the write
	After  Doc // the document as written; nil for a delete
	// Count counts the collection's stored documents that match where, as
	// the transaction sees them, regardless of access.
	Count func(ctx context.Context, where query.Where) (int64, error)
}

// attachedFields returns the read-only values an upload write stores (nil
// without an Attachment); an Attachment is refused on other collections.
func attachedFields(c *Collection, opts WriteOptions) (map[string]any, error) {
	if opts.Attachment == nil {
		return nil, nil
	}
	if !c.Upload {
		return nil, fmt.Errorf("%w: %s takes no files", ErrNotSupported, c.Slug)
	}
	return maps.Clone(opts.Attachment.Fields), nil
}

// Service implements the collection operations of the REST API and admin.
type Service struct {
	reg       *Registry
	store     Store
	hooks     Hooks
	behaviors map[string]Behavior
	events    Events
	log       *slog.Logger
	now       func() time.Time
	// after, inside updateLocked, collects what must wait for the commit.
	after *[]func()
}

// NewService returns a Service. events may be nil.
func NewService(reg *Registry, store Store, hooks Hooks, events Events, log *slog.Logger) *Service {
	return &Service{reg: reg, store: store, hooks: hooks, behaviors: map[string]Behavior{}, events: events, log: log, now: time.Now}
}

// Use registers b on collection slug. Call it while wiring the app, before
// the service serves requests.
func (s *Service) Use(slug string, b Behavior) error {
	if _, err := s.collection(slug); err != nil {
		return err
	}
	s.behaviors[slug] = b
	return nil
}

// Registry returns the collection definitions.
func (s *Service) Registry() *Registry { return s.reg }

// ReadOptions say how documents are shaped on the way out.
type ReadOptions struct {
	Depth int
	Draft bool
	// RowFilter, with Draft, keeps a find's where on the stored documents
	// while the answer shows their latest drafts: the admin's lists, where
	// a live page with a newer draft counts as published. Without it a
	// draft find matches the latest versions (Payload's queryDrafts).
	RowFilter    bool
	Select       *query.Select
	Populate     map[string]*query.Select
	RichTextHTML bool
	// Encoded says the caller only writes the documents out with docjson
	// (the REST API): a find may then leave values nothing looks into as
	// their stored text (docjson.Raw; see lean.go). Callers that read the
	// documents' values leave it false.
	Encoded bool
}

// ReadOptionsFrom takes the read options of a parsed query string.
func ReadOptionsFrom(p query.Params) ReadOptions {
	d := DefaultDepth
	if p.DepthSet {
		d = min(max(p.Depth, 0), MaxDepth)
	}
	return ReadOptions{Depth: d, Draft: p.Draft, Select: p.Select, Populate: p.Populate}
}

// List is one page of a find.
type List struct {
	Docs          []Doc
	TotalDocs     int64
	Limit         int
	TotalPages    int
	Page          int
	PagingCounter int
	HasPrevPage   bool
	HasNextPage   bool
	PrevPage      *int
	NextPage      *int
}

func (s *Service) collection(slug string) (*Collection, error) {
	c, ok := s.reg.Get(slug)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownSlug, slug)
	}
	return c, nil
}

// accessFilter compiles a rule's where (if any); a denied rule is ErrForbidden.
func (s *Service) accessFilter(c *Collection, rule Rule, actor *Actor) (Filter, error) {
	if !rule.Allow {
		return Filter{}, ErrForbidden
	}
	if rule.Where == nil {
		return Filter{}, nil
	}
	f, err := s.reg.CompileWhere(c, *rule.Where, actor)
	if err != nil {
		return Filter{}, fmt.Errorf("access rule of %s: %w", c.Slug, err)
	}
	return f, nil
}

func and(fs ...Filter) Filter {
	var out Filter
	for _, f := range fs {
		if !f.IsZero() {
			out.And = append(out.And, f)
		}
	}
	return out
}

// Find lists documents (GET /api/{slug}).
// opts shapes the documents (ReadOptionsFrom(p) plus RichTextHTML).
func (s *Service) Find(ctx context.Context, actor *Actor, slug string, p query.Params, opts ReadOptions) (List, error) {
	c, err := s.collection(slug)
	if err != nil {
		return List{}, err
	}
	af, err := s.accessFilter(c, c.Access.Read(actor), actor)
	if err != nil {
		return List{}, err
	}
	wf, err := s.reg.CompileWhere(c, p.Where, actor)
	if err != nil {
		return List{}, err
	}
	sort, err := CompileSort(c, p.Sort)
	if err != nil {
		return List{}, err
	}
	limit, page, paginate := pagination(p)
	q := Find{Filter: and(af, wf), Sort: sort}
	if readsDrafts(c, actor, opts) && !opts.RowFilter && !p.Where.IsZero() {
		// Payload's find with draft=true queries the latest versions: a
		// page whose slug only a draft has yet is found by it. Access
		// still applies to the document itself.
		lf, err := s.reg.CompileWhere(versionsCollection(c), latestWhere(p.Where), actor)
		if err != nil {
			return List{}, err
		}
		q.Filter, q.Latest = af, &lf
	}
	pageWindow(&q, limit, page, paginate)
	q.Raw = s.encodedRead(c, actor, opts)
	recs, total, err := s.store.Find(ctx, c, q)
	if err != nil {
		return List{}, fmt.Errorf("find %s: %w", slug, err)
	}
	if err := checkPageDocs(len(recs)); err != nil {
		return List{}, err
	}
	docs, err := s.docs(ctx, actor, c, recs, opts)
	if err != nil {
		return List{}, err
	}
	return envelope(docs, total, limit, page, paginate), nil
}

// MaxPageDocs caps the documents of one list answer. limit=0,
// pagination=false and limits above it are served while the answer holds
// at most this many documents; beyond, a 400 QueryError asks the client to
// paginate — the answer is never silently cut short.
const MaxPageDocs = 1000

// pageWindow sets the rows q fetches: the page, or — without pagination or
// for a limit above the cap — one more than the cap, so checkPageDocs can
// tell an answer that is too large without reading it whole.
func pageWindow(q *Find, limit, page int, paginate bool) {
	if paginate {
		q.Offset = (page - 1) * limit
	}
	if paginate && limit <= MaxPageDocs {
		q.Limit = limit
		return
	}
	q.Limit = MaxPageDocs + 1
}

// checkPageDocs refuses an answer of more than MaxPageDocs documents.
func checkPageDocs(n int) error {
	if n > MaxPageDocs {
		return &query.LimitError{Path: "limit", What: "documents per answer (paginate with limit and page)", Max: MaxPageDocs}
	}
	return nil
}

// pagination reads limit/page; limit=0 or pagination=false means all (up
// to MaxPageDocs).
func pagination(p query.Params) (limit, page int, paginate bool) {
	limit, page = DefaultLimit, max(p.Page, 1)
	if p.LimitSet {
		limit = p.Limit
	}
	if limit <= 0 || !p.Pagination {
		return 0, 1, false
	}
	return limit, page, true
}

func envelope(docs []Doc, total int64, limit, page int, paginate bool) List {
	l := List{Docs: docs, TotalDocs: total, Limit: limit, Page: page}
	if docs == nil {
		l.Docs = []Doc{}
	}
	if !paginate {
		l.TotalPages, l.Page, l.PagingCounter = 1, 1, 1
		return l
	}
	l.TotalPages = int((total + int64(limit) - 1) / int64(limit))
	if l.TotalPages == 0 {
		l.TotalPages = 1
	}
	l.PagingCounter = (page-1)*limit + 1
	l.HasPrevPage = page > 1
	l.HasNextPage = page < l.TotalPages
	if l.HasPrevPage {
		prev := page - 1
		l.PrevPage = &prev
	}
	if l.HasNextPage {
		next := page + 1
		l.NextPage = &next
	}
	return l
}

// Count counts the documents the caller may read that match where.
func (s *Service) Count(ctx context.Context, actor *Actor, slug string, w query.Where) (int64, error) {
	c, err := s.collection(slug)
	if err != nil {
		return 0, err
	}
	af, err := s.accessFilter(c, c.Access.Read(actor), actor)
	if err != nil {
		return 0, err
	}
	wf, err := s.reg.CompileWhere(c, w, actor)
	if err != nil {
		return 0, err
	}
	n, err := s.store.Count(ctx, c, and(af, wf))
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", slug, err)
	}
	return n, nil
}

// load returns the record if it exists and matches the rule's filter.
func (s *Service) load(ctx context.Context, c *Collection, id int64, f Filter) (Record, error) {
	recs, err := s.store.GetMany(ctx, c, []int64{id}, f)
	if err != nil {
		return Record{}, fmt.Errorf("get %s %d: %w", c.Slug, id, err)
	}
	if len(recs) == 0 {
		return Record{}, ErrNotFound
	}
	return recs[0], nil
}

// FindByID reads one document (GET /api/{slug}/{id}).
func (s *Service) FindByID(ctx context.Context, actor *Actor, slug string, id int64, opts ReadOptions) (Doc, error) {
	c, rec, err := s.readable(ctx, actor, slug, id)
	if err != nil {
		return nil, err
	}
	docs, err := s.docs(ctx, actor, c, []Record{rec}, opts)
	if err != nil {
		return nil, err
	}
	return docs[0], nil
}

// readable loads document id of slug if actor may read it: ErrForbidden
// when no rule lets actor read the collection, ErrNotFound when this
// document is missing or outside what actor may read.
func (s *Service) readable(ctx context.Context, actor *Actor, slug string, id int64) (*Collection, Record, error) {
	c, err := s.collection(slug)
	if err != nil {
		return nil, Record{}, err
	}
	af, err := s.accessFilter(c, c.Access.Read(actor), actor)
	if errors.Is(err, ErrForbidden) {
		return nil, Record{}, ErrForbidden
	} else if err != nil {
		return nil, Record{}, err
	}
	rec, err := s.load(ctx, c, id, af)
	if err != nil {
		return nil, Record{}, err
	}
	return c, rec, nil
}

// readsDrafts reports whether a read answers the latest drafts: asked
// (draft=true) of a drafts collection by a signed-in caller; anyone else
// reads the stored documents.
func readsDrafts(c *Collection, actor *Actor, opts ReadOptions) bool {
	return opts.Draft && c.Drafts && actor.SignedIn()
}

// latestWhere is w on a document's latest version (Payload's
// appendVersionToQueryKey): id is the version's parent, every other path
// is under version, and only the latest version counts.
func latestWhere(w query.Where) query.Where {
	out := query.Where{Conds: []query.Cond{{Path: "latest", Op: query.Equals, Values: []string{"true"}}}}
	out.And = []query.Where{versionPaths(w)}
	return out
}

func versionPaths(w query.Where) query.Where {
	var out query.Where
	for _, c := range w.Conds {
		if c.Path == "id" {
			c.Path = "parent"
		} else {
			c.Path = "version." + c.Path
		}
		out.Conds = append(out.Conds, c)
	}
	for _, sub := range w.And {
		out.And = append(out.And, versionPaths(sub))
	}
	for _, sub := range w.Or {
		out.Or = append(out.Or, versionPaths(sub))
	}
	return out
}

// docs shapes records into documents: latest drafts when asked, population,
// decoration, projection.
func (s *Service) docs(ctx context.Context, actor *Actor, c *Collection, recs []Record, opts ReadOptions) ([]Doc, error) {
	if readsDrafts(c, actor, opts) && len(recs) > 0 {
		ids := make([]int64, len(recs))
		for i, r := range recs {
			ids[i] = r.ID
		}
		latest, err := s.store.LatestVersions(ctx, c, ids)
		if err != nil {
			return nil, fmt.Errorf("latest versions: %w", err)
		}
		for i := range recs {
			v, ok := latest[recs[i].ID]
			if !ok {
				continue
			}
			recs[i].Data, recs[i].Status = v.Data, v.Status
			if v.UpdatedAt.After(recs[i].UpdatedAt) {
				recs[i].UpdatedAt = v.UpdatedAt
			}
		}
	}
	docs, err := recordDocs(c, recs)
	if err != nil {
		return nil, err
	}
	if err := s.populate(ctx, actor, c.Fields, docs, opts.Depth, opts); err != nil {
		return nil, err
	}
	for _, d := range docs {
		s.decorate(c, d, opts)
	}
	if opts.Select != nil {
		for i := range docs {
			docs[i] = project(docs[i], opts.Select, true)
		}
	}
	return docs, nil
}

func (s *Service) decorate(c *Collection, d Doc, opts ReadOptions) {
	if c.Auth {
		// Payload's user documents name their collection and list sessions
		// (the auth endpoints fill them in).
		d["collection"] = c.Slug
		if _, ok := d["sessions"]; !ok {
			d["sessions"] = []any{}
		}
	}
	if b := s.behaviors[c.Slug]; b.Files != nil {
		b.Files.Render(d)
	}
	if opts.RichTextHTML && s.hooks.RichTextHTML != nil {
		s.addHTML(c.Fields, d)
	}
}

// addHTML adds `<field>_html` beside every rich text field.
func (s *Service) addHTML(fields []Field, d map[string]any) {
	Walk(fields, d, func(v Visit) bool {
		if v.Field.Type == RichText && v.Value != nil {
			html, err := s.hooks.RichTextHTML(v.Value)
			if err != nil {
				s.log.Warn("render rich text", "field", v.Path, "err", err)
				return false
			}
			v.Holder[v.Field.Name+"_html"] = html
		}
		return true
	})
}

// populate replaces relation ids by documents, depth levels deep. Each
// level is one store round trip (GetEach) with one query per target
// collection, whatever collections the level's documents come from.
// Documents the caller may not read stay ids. opts gives the populate
// selects and whether the read is encoded.
func (s *Service) populate(ctx context.Context, actor *Actor, fields []Field, docs []Doc, depth int, opts ReadOptions) error {
	return s.populateLevel(ctx, actor, []levelDocs{{fields: fields, docs: docs}}, depth, opts)
}

// levelDocs are documents of one collection (fields) on a populate level.
type levelDocs struct {
	fields []Field
	docs   []Doc
}

// populateLevel populates the relations of level's documents: it reads
// every target collection's documents at once, populates those depth-1
// levels further, decorates them and puts them in place of the ids.
func (s *Service) populateLevel(ctx context.Context, actor *Actor, level []levelDocs, depth int, opts ReadOptions) error {
	if depth <= 0 {
		return nil
	}
	refs := map[string][]relRef{}
	for _, l := range level {
		for _, d := range l.docs {
			eachRelation(l.fields, d, true, func(r relRef) {
				if _, ok := RelationID(r.get()); ok {
					refs[r.target] = append(refs[r.target], r)
				}
			})
		}
	}
	gets, err := s.populateGets(actor, refs, opts)
	if err != nil || len(gets) == 0 {
		return err
	}
	got, err := s.store.GetEach(ctx, gets)
	if err != nil {
		return fmt.Errorf("populate: %w", err)
	}
	next := make([]levelDocs, len(gets))
	for i, g := range gets {
		sub, err := recordDocs(g.C, got[i])
		if err != nil {
			return err
		}
		next[i] = levelDocs{fields: g.C.Fields, docs: sub}
	}
	if err := s.populateLevel(ctx, actor, next, depth-1, opts); err != nil {
		return err
	}
	for i, g := range gets {
		s.placePopulated(g.C, got[i], next[i].docs, refs[g.C.Slug], opts)
	}
	return nil
}

// populateGets plans a populate level's reads: for each target collection
// of refs the caller may read (in slug order), the distinct ids under the
// collection's read access, as stored text for an encoded read.
func (s *Service) populateGets(actor *Actor, refs map[string][]relRef, opts ReadOptions) ([]Get, error) {
	var gets []Get
	for _, slug := range slices.Sorted(maps.Keys(refs)) {
		c, ok := s.reg.Get(slug)
		if !ok {
			continue
		}
		rule := c.Access.Read(actor)
		if !rule.Allow {
			continue
		}
		f, err := s.accessFilter(c, rule, actor)
		if err != nil {
			return nil, err
		}
		seen := map[int64]bool{}
		var ids []int64
		for _, r := range refs[slug] {
			id, _ := RelationID(r.get())
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		// Populated documents are the stored ones, decorated without HTML.
		text := s.encodedRead(c, actor, ReadOptions{Encoded: opts.Encoded})
		gets = append(gets, Get{C: c, IDs: ids, Filter: f, Text: text})
	}
	return gets, nil
}

// placePopulated decorates the populated documents sub of c (read as
// recs) and sets each of refs to its document (projected by the populate
// select); refs to documents not read stay ids.
func (s *Service) placePopulated(c *Collection, recs []Record, sub []Doc, refs []relRef, opts ReadOptions) {
	byID := make(map[int64]Doc, len(recs))
	for i, r := range recs {
		byID[r.ID] = sub[i]
	}
	for _, d := range sub {
		s.decorate(c, d, ReadOptions{})
	}
	for _, r := range refs {
		id, _ := RelationID(r.get())
		if d, ok := byID[id]; ok {
			if p := opts.Populate[c.Slug]; p != nil {
				r.set(project(d, p, true))
			} else {
				r.set(d)
			}
		}
	}
}

// recordDocs builds the API documents of records, decoding those read as
// stored text (Record.Raw) with leanData.
func recordDocs(c *Collection, recs []Record) ([]Doc, error) {
	docs := make([]Doc, len(recs))
	for i, r := range recs {
		if r.Data == nil && r.Raw != nil {
			var err error
			if r.Data, err = leanData(c.Fields, r.Raw); err != nil {
				return nil, fmt.Errorf("%s %d: %w", c.Slug, r.ID, err)
			}
		}
		docs[i] = toDoc(c, r)
	}
	return docs, nil
}

// WriteOptions say how a write is done and how its result is shaped.
type WriteOptions struct {
	ReadOptions
	// Draft is ?draft=true: required fields are not enforced and, on update,
	// a draft is saved as a version without touching the published document.
	Draft bool
	// Autosave is ?autosave=true (with Draft, on update): when the latest
	// version is an autosave too, it is updated in place, so a burst of
	// autosaves leaves one version.
	Autosave bool
	// Attachment is the finished file part of a write to the upload
	// collection (see Attachment); nil for every other write.
	Attachment *Attachment
	// EnforceLock refuses an update or delete of a document another user
	// holds the lock of (ErrLocked): Payload's overrideLock=false, the
	// default of its REST routes (see locks.go).
	EnforceLock bool
}

// WriteResult is a written document and the message Payload sends with it.
type WriteResult struct {
	Doc     Doc
	Message string
	// Released names the stored objects an upload write took from the
	// document (a replaced file, recut sizes): their index rows went in
	// the write's transaction; the objects are the upload kind's service's
	// to delete.
	Released []string
}

// Create creates a document (POST /api/{slug}).
func (s *Service) Create(ctx context.Context, actor *Actor, slug string, input map[string]any, opts WriteOptions) (WriteResult, error) {
	c, err := s.collection(slug)
	if err != nil {
		return WriteResult{}, err
	}
	if c.Auth {
		return WriteResult{}, fmt.Errorf("%w: users are created through the auth service", ErrNotSupported)
	}
	if !c.Access.Create(actor).Allow {
		return WriteResult{}, ErrForbidden
	}
	system, err := attachedFields(c, opts)
	if err != nil {
		return WriteResult{}, err
	}
	return s.create(ctx, actor, c, input, system, opts)
}

// Prepare validates input for a new document of slug as Create does (an
// Attachment's values included) and returns the record Create would
// store (and, with drafts, store again as its first version), without
// storing anything: for bulk loaders that write many records at once and
// must write exactly what the API would.
func (s *Service) Prepare(ctx context.Context, actor *Actor, slug string, input map[string]any, opts WriteOptions) (Record, error) {
	c, err := s.collection(slug)
	if err != nil {
		return Record{}, err
	}
	if !c.Access.Create(actor).Allow {
		return Record{}, ErrForbidden
	}
	system, err := attachedFields(c, opts)
	if err != nil {
		return Record{}, err
	}
	return s.prepare(ctx, c, input, system, opts)
}

func (s *Service) prepare(ctx context.Context, c *Collection, input, system map[string]any, opts WriteOptions) (Record, error) {
	status := ""
	if c.Drafts {
		status = StatusDraft
		if st, ok := input["_status"].(string); ok && st == StatusPublished && !opts.Draft {
			status = StatusPublished
		}
	}
	v := validator{draft: opts.Draft, create: true}
	data := v.normalize(c.Fields, input, system, "")
	s.fixSlug(c, data, &v)
	if err := s.checkRelations(ctx, c, data, nil, nil, &v); err != nil {
		return Record{}, err
	}
	if len(v.errs) > 0 {
		return Record{}, &ValidationError{Collection: c.Slug, Global: c.Global, Errors: v.errs}
	}
	now := s.now().UTC()
	return Record{CreatedAt: now, UpdatedAt: now, Status: status, Data: data}, nil
}

func (s *Service) create(ctx context.Context, actor *Actor, c *Collection, input, system map[string]any, opts WriteOptions) (WriteResult, error) {
	rec, err := s.prepare(ctx, c, input, system, opts)
	if err != nil {
		return WriteResult{}, err
	}
	status, now, data := rec.Status, rec.CreatedAt, rec.Data
	err = s.store.InTx(ctx, func(tx Store) error {
		var err error
		rec, err = tx.Create(ctx, c, rec)
		if err != nil {
			return err
		}
		if c.Drafts {
			// A draft created by autosave (a new document's first) is
			// the version the next autosaves of its burst update.
			if _, err = tx.CreateVersion(ctx, c, Version{Parent: rec.ID, Latest: true, Status: status, CreatedAt: now, UpdatedAt: now, Data: data,
				Autosave: opts.Autosave && status == StatusDraft}, c.MaxVersions); err != nil {
				return err
			}
		}
		_, err = setFiles(ctx, tx, c, rec.ID, opts.Attachment)
		return err
	})
	if err != nil {
		return WriteResult{}, s.writeError(c, 0, err)
	}
	s.written(c)
	docs, err := s.docs(ctx, actor, c, []Record{rec}, opts.ReadOptions)
	if err != nil {
		return WriteResult{}, err
	}
	if status == StatusPublished {
		s.emit(ctx, "publish", c, rec)
	}
	return WriteResult{Doc: docs[0], Message: c.Singular + " successfully created."}, nil
}

// writeError turns store errors into domain errors.
func (s *Service) writeError(c *Collection, id int64, err error) error {
	var ue *UniqueError
	if errors.As(err, &ue) {
		msg := msgUnique
		if c.Auth && ue.Field == "email" {
			msg = msgEmailTaken // the auth kind's email field
		}
		return &ValidationError{Collection: c.Slug, ID: id, Errors: []FieldError{{Path: ue.Field, Message: msg, TableName: c.Slug}}}
	}
	if errors.Is(err, ErrNotFound) {
		return err
	}
	return fmt.Errorf("write %s: %w", c.Slug, err)
}

// SlugLocked reports whether the stored document rec of c has a locked
// slug: its slug field is declared SlugLocked and it is published (its
// live row; a newer draft does not unlock it).
func SlugLocked(c *Collection, rec Record) bool {
	sf, ok := c.SlugField()
	if !ok || !sf.SlugLocked || rec.Status != StatusPublished {
		return false
	}
	slug, _ := rec.Data[sf.Name].(string)
	return slug != ""
}

// fixSlug fills a declared slug field (SlugFrom) from its source field
// when empty and makes a given one URL-safe.
func (s *Service) fixSlug(c *Collection, data map[string]any, v *validator) {
	f, ok := c.SlugField()
	if !ok {
		return
	}
	slug, _ := data[f.Name].(string)
	if slug == "" {
		if src, _ := data[f.SlugFrom].(string); src != "" {
			data[f.Name] = Slugify(src)
		} else {
			data[f.Name] = nil
		}
		return
	}
	if !validSlug(slug) {
		fixed := Slugify(slug)
		if fixed == "" {
			v.add(f.Name, f, "A slug needs at least one letter or digit.")
			return
		}
		data[f.Name] = fixed
	}
}

// checkRelations verifies every referenced document exists (one query per
// target collection, for the ids not already known to be stored: known),
// relation fields and rich text alike, then the file types of upload
// fields limited by MimeTypes (checkMimeTypes). A rich text
// relation must also name a collection it may point at (an upload node an
// upload collection); one that already pointed at a since-deleted document
// in base (nil on create) is kept, as Payload keeps it, so editing around
// it still saves — a write cannot add a reference to a missing document.
func (s *Service) checkRelations(ctx context.Context, c *Collection, data, base map[string]any, known knownIDs, v *validator) error {
	want := s.wantedRelations(c, data, base, v)
	stored, err := s.storedRelations(ctx, want, known)
	if err != nil {
		return err
	}
	for _, slug := range slices.Sorted(maps.Keys(want.ids)) {
		if target, ok := s.reg.Get(slug); ok {
			reportMissing(target, want, known, stored[target], v)
		}
	}
	return s.checkMimeTypes(ctx, c, data, base, v)
}

// storedRelations asks the store, in one call, which wanted ids not known
// already are stored, by target collection.
func (s *Service) storedRelations(ctx context.Context, want *relWants, known knownIDs) (map[*Collection][]int64, error) {
	ask := map[*Collection][]int64{}
	for slug, ids := range want.ids {
		if target, ok := s.reg.Get(slug); ok {
			for id := range ids {
				if !known[slug][id] {
					ask[target] = append(ask[target], id)
				}
			}
		}
	}
	if len(ask) == 0 {
		return nil, nil
	}
	stored, err := s.store.Existing(ctx, ask)
	if err != nil {
		return nil, fmt.Errorf("check relations: %w", err)
	}
	return stored, nil
}

// relWants are the documents a write references: by target collection and
// id, the paths that name each, and each path's label.
type relWants struct {
	ids    map[string]map[int64][]string
	labels map[string]string
}

func (w *relWants) add(target string, id int64, path, label string) {
	if w.ids[target] == nil {
		w.ids[target] = map[int64][]string{}
	}
	w.ids[target][id] = append(w.ids[target][id], path)
	w.labels[path] = label
}

// wantedRelations collects the references of data that must exist:
// relation fields, and rich text relations not already held by base (a
// rich text node that may not point at its target is an error at once).
func (s *Service) wantedRelations(c *Collection, data, base map[string]any, v *validator) *relWants {
	want := &relWants{ids: map[string]map[int64][]string{}, labels: map[string]string{}}
	had := map[relKey]bool{}
	eachRelation(c.Fields, base, true, func(r relRef) {
		if id, ok := RelationID(r.get()); ok && r.node != "" {
			had[relKey{r.target, id}] = true
		}
	})
	Walk(c.Fields, data, func(vis Visit) bool {
		switch f := vis.Field; {
		case vis.Value == nil:
		case f.Type == RichText:
			s.wantRichText(vis, had, want, v)
		case f.IsRelation():
			wantRelationField(vis, want)
		}
		return true
	})
	return want
}

// wantRichText adds the relations of one rich text value.
func (s *Service) wantRichText(vis Visit, had map[relKey]bool, want *relWants, v *validator) {
	f := vis.Field
	eachRichTextRelation(vis.Value, func(r relRef) {
		id, _ := RelationID(r.get())
		target, ok := s.reg.Get(r.target)
		if !ok || (r.node == "upload" && !target.Upload) {
			v.errs = append(v.errs, FieldError{Path: vis.Path, Label: f.label(),
				Message: "This rich text field has a " + r.node + " to a collection it cannot point at."})
			return
		}
		if !had[relKey{r.target, id}] {
			want.add(r.target, id, vis.Path, f.label())
		}
	})
}

// wantRelationField adds the ids of one relationship or upload value.
func wantRelationField(vis Visit, want *relWants) {
	f := vis.Field
	vals := []any{vis.Value}
	if f.HasMany {
		vals, _ = vis.Value.([]any)
	}
	for _, it := range vals {
		target, idv := f.RelationTo, it
		if f.Polymorphic() {
			m, _ := it.(map[string]any)
			target, _ = m["relationTo"].(string)
			idv = m["value"]
		}
		if id, ok := RelationID(idv); ok {
			want.add(target, id, vis.Path, f.label())
		}
	}
}

// reportMissing adds one error per path naming a wanted id of target that
// is neither stored nor known.
func reportMissing(target *Collection, want *relWants, known knownIDs, stored []int64, v *validator) {
	slug := target.Slug
	found := map[int64]bool{}
	for _, id := range stored {
		found[id] = true
	}
	missing := map[string][]string{}
	for _, id := range slices.Sorted(maps.Keys(want.ids[slug])) {
		if found[id] || known[slug][id] {
			continue
		}
		for _, p := range want.ids[slug][id] {
			missing[p] = append(missing[p], strconv.FormatInt(id, 10))
		}
	}
	for _, p := range slices.Sorted(maps.Keys(missing)) {
		v.errs = append(v.errs, FieldError{Path: p, Label: want.labels[p], Message: "This relationship field has the following invalid relationships: " + strings.Join(missing[p], " ")})
	}
}

// relKey names one referenced document.
type relKey struct {
	target string
	id     int64
}

// Update changes a document (PATCH /api/{slug}/{id}).
// With an Attachment (a replaced file, recut sizes) its read-only values are
// stored and the object index follows it; without one they stay as
// stored.
func (s *Service) Update(ctx context.Context, actor *Actor, slug string, id int64, input map[string]any, opts WriteOptions) (WriteResult, error) {
	c, err := s.collection(slug)
	if err != nil {
		return WriteResult{}, err
	}
	if c.Auth {
		return WriteResult{}, fmt.Errorf("%w: users are updated through the auth service", ErrNotSupported)
	}
	uf, err := s.accessFilter(c, c.Access.Update(actor), actor)
	if err != nil {
		return WriteResult{}, err
	}
	system, err := attachedFields(c, opts)
	if err != nil {
		return WriteResult{}, err
	}
	return s.updateLocked(ctx, actor, c, id, uf, func(*Service, Record) (map[string]any, error) { return input, nil }, system, opts)
}

// updateLocked reads the document (if it matches f), merges and writes it
// in one transaction with its row locked, so that two concurrent updates of
// different fields both land: the second reads the first's result. input
// derives the update from the locked record. Hooks and events run after
// the commit.
func (s *Service) updateLocked(ctx context.Context, actor *Actor, c *Collection, id int64, f Filter,
	input func(tx *Service, rec Record) (map[string]any, error), system map[string]any, opts WriteOptions) (WriteResult, error) {
	var res WriteResult
	err := s.inTx(ctx, func(tx *Service) error {
		rec, err := tx.store.Lock(ctx, c, id, f)
		if err != nil {
			return err
		}
		if err := tx.checkLock(ctx, actor, c, id, opts.EnforceLock, "updated"); err != nil {
			return err
		}
		in, err := input(tx, rec)
		if err != nil {
			return err
		}
		res, err = tx.update(ctx, actor, c, rec, in, system, opts)
		return err
	})
	if err != nil {
		return WriteResult{}, err
	}
	return res, nil
}

// inTx runs fn in one transaction with a Service bound to it; the hooks
// and events fn queues (later) run after the commit, and not at all when
// it rolls back.
func (s *Service) inTx(ctx context.Context, fn func(tx *Service) error) error {
	var after []func()
	err := s.store.InTx(ctx, func(tx Store) error {
		bound := *s
		bound.store, bound.after = tx, &after
		return fn(&bound)
	})
	if err != nil {
		return err
	}
	for _, f := range after {
		f()
	}
	return nil
}

// later runs fn after the surrounding updateLocked commits (now, outside one).
func (s *Service) later(fn func()) {
	if s.after != nil {
		*s.after = append(*s.after, fn)
		return
	}
	fn()
}

// updateBase returns what an update starts from: the latest version of a
// drafts document, else the stored data, with the behaviour's read-only
// values over it and dangling relations pruned (with the ids known stored).
func (s *Service) updateBase(ctx context.Context, c *Collection, rec Record, system map[string]any) (map[string]any, Version, knownIDs, error) {
	base := rec.Data
	var latest Version
	if c.Drafts {
		if v, err := s.store.LatestVersion(ctx, c, rec.ID); err == nil {
			base, latest = v.Data, v
		} else if !errors.Is(err, ErrNotFound) {
			return nil, latest, nil, fmt.Errorf("latest version: %w", err)
		}
	}
	if system != nil {
		merged := maps.Clone(base)
		maps.Copy(merged, system)
		base = merged
	}
	base, known, err := s.pruneDangling(ctx, c, base)
	return base, latest, known, err
}

func (s *Service) update(ctx context.Context, actor *Actor, c *Collection, rec Record, input, system map[string]any, opts WriteOptions) (WriteResult, error) {
	p, err := s.planUpdate(ctx, c, rec, input, system, opts)
	if err != nil {
		return WriteResult{}, err
	}
	return s.commitUpdate(ctx, actor, c, rec, p, opts)
}

// updatePlan is a checked update of a stored record: what commitUpdate
// stores.
type updatePlan struct {
	data      map[string]any
	status    string
	latest    Version // the latest version of a drafts document
	draftOnly bool    // a draft saved as a version, the document untouched
}

// planUpdate validates input over the stored rec (over its latest
// version with drafts) and returns what to store.
func (s *Service) planUpdate(ctx context.Context, c *Collection, rec Record, input, system map[string]any, opts WriteOptions) (updatePlan, error) {
	base, latest, known, err := s.updateBase(ctx, c, rec, system)
	if err != nil {
		return updatePlan{}, err
	}
	status := rec.Status
	if c.Drafts {
		if st, ok := input["_status"].(string); ok && (st == StatusDraft || st == StatusPublished) {
			status = st
		} else if opts.Draft || status == statusNone {
			status = StatusDraft
		}
	}
	draftOnly := c.Drafts && opts.Draft && status == StatusDraft
	v := validator{draft: draftOnly}
	data := v.normalize(c.Fields, input, base, "")
	if sf, ok := c.SlugField(); ok {
		if _, given := input[sf.Name]; given || data[sf.Name] == nil {
			if slug, _ := data[sf.Name].(string); slug == "" && SlugLocked(c, rec) {
				// Published: an emptied slug keeps the live one.
				data[sf.Name] = rec.Data[sf.Name]
			} else {
				s.fixSlug(c, data, &v)
			}
		}
	}
	if err := s.checkRelations(ctx, c, data, base, known, &v); err != nil {
		return updatePlan{}, err
	}
	if len(v.errs) > 0 {
		return updatePlan{}, &ValidationError{Collection: c.Slug, Global: c.Global, ID: rec.ID, Errors: v.errs}
	}
	return updatePlan{data: data, status: status, latest: latest, draftOnly: draftOnly}, nil
}

// commitUpdate stores a planned update of rec and answers the document
// shaped for actor.
func (s *Service) commitUpdate(ctx context.Context, actor *Actor, c *Collection, rec Record, p updatePlan, opts WriteOptions) (WriteResult, error) {
	now := s.now().UTC()
	wasPublished := rec.Status == StatusPublished
	if p.draftOnly {
		return s.updateDraft(ctx, actor, c, rec, p.latest, p.data, now, opts)
	}
	status, data := p.status, p.data
	rec.Data, rec.Status, rec.UpdatedAt = data, status, now
	rec, released, err := s.storeUpdate(ctx, c, rec, Version{Parent: rec.ID, Latest: true, Status: status, CreatedAt: now, UpdatedAt: now, Data: data}, opts.Attachment)
	if err != nil {
		return WriteResult{}, s.writeError(c, rec.ID, err)
	}
	s.written(c)
	docs, err := s.docs(ctx, actor, c, []Record{rec}, opts.ReadOptions)
	if err != nil {
		return WriteResult{}, err
	}
	switch {
	case status == StatusPublished:
		s.emit(ctx, "publish", c, rec)
	case wasPublished:
		s.emit(ctx, "unpublish", c, rec)
	}
	return WriteResult{Doc: docs[0], Message: "Updated successfully.", Released: released}, nil
}

// storeUpdate writes rec (and, with drafts, v as its latest version) in
// one statement; with an attachment's files, in one transaction with the
// object index, returning the names of the objects rec no longer owns.
func (s *Service) storeUpdate(ctx context.Context, c *Collection, rec Record, v Version, a *Attachment) (Record, []string, error) {
	write := func(st Store) (Record, error) {
		if c.Drafts {
			r, _, err := st.UpdateVersioned(ctx, c, rec, v, c.MaxVersions)
			return r, err
		}
		return st.Update(ctx, c, rec)
	}
	if a == nil || len(a.Files) == 0 {
		r, err := write(s.store)
		return r, nil, err
	}
	var released []string
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		if rec, err = write(tx); err != nil {
			return err
		}
		released, err = setFiles(ctx, tx, c, rec.ID, a)
		return err
	})
	return rec, released, err
}

// updateDraft saves data as a draft version of rec, leaving the published
// document as it is.
func (s *Service) updateDraft(ctx context.Context, actor *Actor, c *Collection, rec Record, latest Version, data map[string]any, now time.Time, opts WriteOptions) (WriteResult, error) {
	ver, err := s.saveDraft(ctx, c, latest, Version{Parent: rec.ID, Latest: true, Status: StatusDraft, CreatedAt: now, UpdatedAt: now, Data: data}, opts.Autosave)
	if err != nil {
		return WriteResult{}, s.writeError(c, rec.ID, err)
	}
	draft := Record{ID: rec.ID, CreatedAt: rec.CreatedAt, UpdatedAt: ver.UpdatedAt, Status: StatusDraft, Data: data}
	docs, err := s.docs(ctx, actor, c, []Record{draft}, opts.ReadOptions)
	if err != nil {
		return WriteResult{}, err
	}
	msg := "Draft saved successfully."
	if opts.Autosave {
		msg = "Autosaved successfully."
	}
	return WriteResult{Doc: docs[0], Message: msg}, nil
}

func (s *Service) written(c *Collection) {
	if s.hooks.AfterWrite != nil {
		s.later(func() { s.hooks.AfterWrite(c) })
	}
}

func (s *Service) emit(ctx context.Context, typ string, c *Collection, rec Record) {
	if s.events == nil {
		return
	}
	var slug string
	if f, ok := c.SlugField(); ok {
		slug, _ = rec.Data[f.Name].(string)
	}
	e := Event{Type: typ, Collection: c.Slug, Global: c.Global, ID: rec.ID, Slug: slug, At: s.now().UTC()}
	s.later(func() { s.events.Publish(ctx, e) })
}

// Delete deletes a document (DELETE /api/{slug}/{id}).
func (s *Service) Delete(ctx context.Context, actor *Actor, slug string, id int64, opts WriteOptions) (WriteResult, error) {
	c, err := s.collection(slug)
	if err != nil {
		return WriteResult{}, err
	}
	if c.Auth {
		return WriteResult{}, fmt.Errorf("%w: users are deleted through the auth service", ErrNotSupported)
	}
	df, err := s.accessFilter(c, c.Access.Delete(actor), actor)
	if err != nil {
		return WriteResult{}, err
	}
	rec, err := s.load(ctx, c, id, df)
	if err != nil {
		return WriteResult{}, err
	}
	return s.delete(ctx, actor, c, rec, opts)
}

func (s *Service) delete(ctx context.Context, actor *Actor, c *Collection, rec Record, opts WriteOptions) (WriteResult, error) {
	docs, err := s.docs(ctx, actor, c, []Record{rec}, opts.ReadOptions)
	if err != nil {
		return WriteResult{}, err
	}
	err = s.inTx(ctx, func(txs *Service) error {
		// The lock check refuses, or drops another user's lock; the
		// actor's own goes with the document.
		if err := txs.checkLock(ctx, actor, c, rec.ID, opts.EnforceLock, "deleted"); err != nil {
			return err
		}
		if locks, ok := txs.store.(LockStore); ok && actor.SignedIn() {
			if err := locks.ReleaseLock(ctx, c.Slug, rec.ID, actor.ID); err != nil {
				return fmt.Errorf("drop lock: %w", err)
			}
		}
		return s.deleteRows(ctx, txs.store, c, rec.ID)
	})
	if err != nil {
		return WriteResult{}, s.writeError(c, rec.ID, err)
	}
	s.deleted(ctx, c, rec)
	return WriteResult{Doc: docs[0], Message: "Deleted successfully."}, nil
}

// deleteRows deletes document id of c with its versions and detaches the
// references to it, on tx.
func (s *Service) deleteRows(ctx context.Context, tx Store, c *Collection, id int64) error {
	if c.Drafts {
		if err := tx.DeleteVersions(ctx, c, id); err != nil {
			return err
		}
	}
	if err := tx.Delete(ctx, c, id); err != nil {
		return err
	}
	return s.detach(ctx, tx, c, id)
}

// deleted runs what follows a committed delete of rec: the write hook,
// the collection's AfterDelete and the delete event.
func (s *Service) deleted(ctx context.Context, c *Collection, rec Record) {
	s.written(c)
	if b := s.behaviors[c.Slug]; b.AfterDelete != nil {
		full := toDoc(c, rec)
		if err := b.AfterDelete(ctx, full); err != nil {
			s.log.Error("after delete", "collection", c.Slug, "id", rec.ID, "err", err)
		}
	}
	if rec.Status == StatusPublished || !c.Drafts {
		s.emit(ctx, "delete", c, rec)
	}
}

// BulkError is one failed document of a bulk operation.
type BulkError struct {
	ID       int64
	IsPublic bool
	Message  string
	Err      error
}

// BulkResult is the outcome of a bulk update or delete.
type BulkResult struct {
	Docs    []Doc
	Errors  []BulkError
	Message string
}

// bulkTargets finds the ids matching where that the rule allows.
func (s *Service) bulkTargets(ctx context.Context, actor *Actor, c *Collection, rule Rule, w query.Where) ([]Record, error) {
	if w.IsZero() {
		return nil, ErrMissingWhere
	}
	af, err := s.accessFilter(c, rule, actor)
	if err != nil {
		return nil, err
	}
	wf, err := s.reg.CompileWhere(c, w, actor)
	if err != nil {
		return nil, err
	}
	recs, _, err := s.store.Find(ctx, c, Find{Filter: and(af, wf), Sort: []SortKey{{Field: "createdAt", Desc: true}}})
	if err != nil {
		return nil, fmt.Errorf("bulk find: %w", err)
	}
	return recs, nil
}

func bulkError(id int64, err error) BulkError {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return BulkError{ID: id, IsPublic: true, Message: ve.Error(), Err: err}
	}
	if errors.Is(err, ErrNotFound) {
		return BulkError{ID: id, IsPublic: true, Message: "Not Found", Err: err}
	}
	if errors.Is(err, ErrLocked) {
		return BulkError{ID: id, IsPublic: true, Message: fault.Message(err), Err: err}
	}
	if errors.Is(err, ErrForbidden) {
		return BulkError{ID: id, IsPublic: true, Message: "You are not allowed to perform this action.", Err: err}
	}
	return BulkError{ID: id, Message: "Something went wrong.", Err: err}
}

// UpdateMany updates every matching document (PATCH /api/{slug}?where=…),
// each in its own transaction, reporting each failure.
func (s *Service) UpdateMany(ctx context.Context, actor *Actor, slug string, w query.Where, input map[string]any, opts WriteOptions) (BulkResult, error) {
	c, err := s.collection(slug)
	if err != nil {
		return BulkResult{}, err
	}
	if c.Auth {
		return BulkResult{}, fmt.Errorf("%w: users are updated through the auth service", ErrNotSupported)
	}
	uf, err := s.accessFilter(c, c.Access.Update(actor), actor)
	if err != nil {
		return BulkResult{}, err
	}
	same := func(*Service, Record) (map[string]any, error) { return input, nil }
	return s.UpdateEach(ctx, actor, slug, w, func(ctx context.Context, id int64) (WriteResult, error) {
		return s.updateLocked(ctx, actor, c, id, uf, same, nil, opts)
	})
}

// UpdateEach is UpdateMany with the update of one document given: a kind
// whose single update does more than content's (media recuts its sizes
// when the focal point moves) runs it on every document matching w that
// actor may update, and the result is reported as UpdateMany reports it.
func (s *Service) UpdateEach(ctx context.Context, actor *Actor, slug string, w query.Where, update func(ctx context.Context, id int64) (WriteResult, error)) (BulkResult, error) {
	c, err := s.collection(slug)
	if err != nil {
		return BulkResult{}, err
	}
	if c.Auth {
		return BulkResult{}, fmt.Errorf("%w: users are updated through the auth service", ErrNotSupported)
	}
	recs, err := s.bulkTargets(ctx, actor, c, c.Access.Update(actor), w)
	if err != nil {
		return BulkResult{}, err
	}
	res := BulkResult{Docs: []Doc{}, Errors: []BulkError{}}
	for _, r := range recs {
		out, err := update(ctx, r.ID)
		if err != nil {
			res.Errors = append(res.Errors, bulkError(r.ID, err))
			continue
		}
		res.Docs = append(res.Docs, out.Doc)
	}
	res.Message = bulkMessage("update", "Updated", c, len(res.Docs), len(recs), len(res.Errors))
	return res, nil
}

// DeleteMany deletes every matching document (DELETE /api/{slug}?where=…).
func (s *Service) DeleteMany(ctx context.Context, actor *Actor, slug string, w query.Where, opts WriteOptions) (BulkResult, error) {
	c, err := s.collection(slug)
	if err != nil {
		return BulkResult{}, err
	}
	if c.Auth {
		return BulkResult{}, fmt.Errorf("%w: users are deleted through the auth service", ErrNotSupported)
	}
	recs, err := s.bulkTargets(ctx, actor, c, c.Access.Delete(actor), w)
	if err != nil {
		return BulkResult{}, err
	}
	res := BulkResult{Docs: []Doc{}, Errors: []BulkError{}}
	for _, r := range recs {
		out, err := s.delete(ctx, actor, c, r, opts)
		if err != nil {
			res.Errors = append(res.Errors, bulkError(r.ID, err))
			continue
		}
		res.Docs = append(res.Docs, out.Doc)
	}
	res.Message = bulkMessage("delete", "Deleted", c, len(res.Docs), len(recs), len(res.Errors))
	return res, nil
}

func bulkMessage(verb, past string, c *Collection, ok, total, failed int) string {
	if failed > 0 {
		return fmt.Sprintf("Unable to %s %d out of %d %s.", verb, failed, total, c.Plural)
	}
	return fmt.Sprintf("%s %d %s successfully.", past, ok, c.Plural)
}

// Duplicate copies a document as a new draft (POST /api/{slug}/{id}/duplicate).
// Unique text fields get a "-copy" suffix made unique.
func (s *Service) Duplicate(ctx context.Context, actor *Actor, slug string, id int64, opts WriteOptions) (WriteResult, error) {
	c, err := s.collection(slug)
	if err != nil {
		return WriteResult{}, err
	}
	if c.Auth || c.Upload {
		return WriteResult{}, fmt.Errorf("%w: duplicate %s", ErrNotSupported, slug)
	}
	if !c.Access.Create(actor).Allow {
		return WriteResult{}, ErrForbidden
	}
	doc, err := s.FindByID(ctx, actor, slug, id, ReadOptions{Depth: 0, Draft: true})
	if err != nil {
		return WriteResult{}, err
	}
	input := maps.Clone(doc)
	for _, k := range []string{"id", "createdAt", "updatedAt"} {
		delete(input, k)
	}
	input["_status"] = StatusDraft
	for i := range c.Fields {
		f := &c.Fields[i]
		if !f.Unique || f.Type != Text {
			continue
		}
		cur, _ := input[f.Name].(string)
		if cur == "" {
			continue
		}
		for n := 1; n < 100; n++ {
			cand := cur + "-copy"
			if n > 1 {
				cand += "-" + strconv.Itoa(n)
			}
			w := query.Where{Conds: []query.Cond{{Path: f.Name, Op: query.Equals, Values: []string{cand}}}}
			cf, err := s.reg.CompileWhere(c, w, actor)
			if err != nil {
				return WriteResult{}, err
			}
			cnt, err := s.store.Count(ctx, c, cf)
			if err != nil {
				return WriteResult{}, fmt.Errorf("duplicate: %w", err)
			}
			if cnt == 0 {
				input[f.Name] = cand
				break
			}
		}
	}
	opts.Draft = true
	return s.create(ctx, actor, c, input, nil, opts)
}
