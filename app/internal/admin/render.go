package admin

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/gin-gonic/gin"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// asset is one embedded static file served at a checksummed URL.
type asset struct {
	body  []byte
	ctype string
}

// views holds the parsed page templates and the static assets.
type views struct {
	pages  map[string]*template.Template
	assets map[string]asset  // served name ("admin.1a2b3c4d5e.css") → file
	urls   map[string]string // logical name ("admin.css") → URL
}

// newViews parses the templates and fingerprints the static files, as
// miniflux does: a changed file gets a new URL, so URLs can be cached forever.
func newViews() (*views, error) {
	v := &views{pages: map[string]*template.Template{}, assets: map[string]asset{}, urls: map[string]string{}}
	if err := fs.WalkDir(staticFS, "static", v.addAsset); err != nil {
		return nil, err
	}
	base, err := template.New("base").Funcs(v.funcs()).ParseFS(templateFS, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// addAsset serves the static file p under a name carrying its checksum
// (fs.WalkDirFunc).
func (v *views) addAsset(p string, d fs.DirEntry, err error) error {
	if err != nil || d.IsDir() {
		return err
	}
	b, err := staticFS.ReadFile(p)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	name := path.Base(p)
	ext := path.Ext(name)
	served := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
	ct := mime.TypeByExtension(ext)
	if ct == "" {
		ct = "application/octet-stream"
	}
	v.assets[served] = asset{body: b, ctype: ct}
	v.urls[name] = "/admin/static/" + served
	return nil
}

// funcs are the functions the templates call.
func (v *views) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) (string, error) {
			u, ok := v.urls[name]
			if !ok {
				return "", fmt.Errorf("no static asset %q", name)
			}
			return u, nil
		},
		"add":  func(a, b int) int { return a + b },
		"sub":  func(a, b int) int { return a - b },
		"date": fmtDate,
		"json": func(x any) string {
			b, err := json.MarshalIndent(x, "", "  ")
			if err != nil {
				return ""
			}
			return string(b)
		},
		"lower": strings.ToLower,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				k, _ := kv[i].(string)
				m[k] = kv[i+1]
			}
			return m
		},
		"str": func(x any) string {
			if x == nil {
				return ""
			}
			return fmt.Sprint(x)
		},
	}
}

func fmtDate(x any) string {
	var t time.Time
	switch d := x.(type) {
	case time.Time:
		t = d
	case string:
		p, err := time.Parse(time.RFC3339Nano, d)
		if err != nil {
			return d
		}
		t = p
	default:
		return ""
	}
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// page is what every template receives.
type page struct {
	Title string
	Nav   string // active navigation entry
	Bare  bool   // sign-in pages: no navigation
	User  *auth.User
	Admin bool
	Flash *flashMsg
	CSRF  string
	// Direct is true when browsers upload straight to object storage.
	Direct bool
	Data   any
	// Sidebar lists the collections the user may manage, from the registry.
	Sidebar []navItem
	// AuthCol and UploadCol are the registry's auth and upload
	// collections (nil without one): templates and admin.js derive their
	// URLs from these instead of naming them.
	AuthCol, UploadCol *content.Collection
	// LinkTargets is the JSON list of collections rich text links may
	// target (linkTargets), for the editor.
	LinkTargets string
	// ImagePick is the data-pick config (pickers.go) of the rich text
	// editor's image button: the upload collection, images only; it opens
	// the upload fields' media drawer.
	ImagePick string
	// Session is what the page scripts need to keep the session alive
	// (session.go); nil when signed out.
	Session *sessionView
	// Theme is the signed-in user's fixed theme (light or dark); "" follows
	// the device (theme.go).
	Theme string
}

// navItem is one sidebar entry; Group starts a titled group of entries.
type navItem struct {
	Key   string
	Href  string
	Label string
	Group string
}

// sidebar lists the registry's collections (the auth collection for admins
// only), then its globals under their admin group ("Globals" by default).
func (a *Admin) sidebar(isAdmin bool) []navItem {
	var out []navItem
	for _, c := range a.content.Registry().All() {
		if c.Auth && !isAdmin {
			continue
		}
		out = append(out, navItem{Key: c.Slug, Href: "/admin/collections/" + c.Slug, Label: c.Plural})
	}
	group := ""
	for _, g := range a.content.Registry().Globals() {
		it := navItem{Key: g.Slug, Href: "/admin/globals/" + g.Slug, Label: g.Singular}
		name := g.Admin.Group
		if name == "" {
			name = "Globals"
		}
		if name != group {
			it.Group, group = name, name
		}
		out = append(out, it)
	}
	return out
}

// render executes a page template into a buffer (so a template error never
// leaves half a page) and writes it.
func (a *Admin) render(c *gin.Context, status int, name string, p page) {
	t, ok := a.views.pages[name]
	if !ok {
		a.log.Error("admin: unknown template", "name", name)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Something went wrong.\n"))
		return
	}
	if pr := principalOf(c); pr != nil {
		u := pr.User
		p.User, p.Admin = &u, pr.IsAdmin()
		p.Sidebar = a.sidebar(p.Admin)
		p.Theme = a.themeOf(c, pr)
	}
	if p.Flash == nil {
		p.Flash = a.takeFlash(c)
	}
	p.CSRF = a.csrfToken(c)
	p.Direct = a.direct
	if col, ok := a.content.Registry().AuthCollection(); ok {
		p.AuthCol = col
	}
	if col, ok := a.content.Registry().UploadCollection(); ok {
		p.UploadCol = col
		p.ImagePick = imagePick(col)
	}
	p.LinkTargets = linkTargets(a.content.Registry())
	if !p.Bare {
		p.Session = a.session(c)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		a.log.Error("admin: render", "template", name, "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Something went wrong.\n"))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// static serves an embedded asset by its checksummed name.
func (a *Admin) static(c *gin.Context) {
	as, ok := a.views.assets[c.Param("file")]
	if !ok {
		c.Data(http.StatusNotFound, "text/plain; charset=utf-8", []byte("404 page not found\n"))
		return
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, as.ctype, as.body)
}
