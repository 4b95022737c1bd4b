package query

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// defaults is what Parse returns for an empty query.
func defaults() Params { return Params{Page: 1, Pagination: true} }

func with(f func(*Params)) Params {
	p := defaults()
	f(&p)
	return p
}

func conds(cs ...Cond) Where { return Where{Conds: cs} }

func eq(path, v string) Cond { return Cond{Path: path, Op: Equals, Values: []string{v}} }

func inc(fields ...string) *Select {
	s := &Select{Fields: map[string]*Select{}}
	for _, f := range fields {
		s.Fields[f] = nil
	}
	return s
}

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  Params
	}{
		{"empty", "", defaults()},
		{"question mark only", "?", defaults()},
		// Query strings of the recorded Payload exchanges (payload-contract/*.json).
		{"1020 where relationship id", "?where[heroImage][equals]=1&depth=0&select[slug]=true&limit=3", with(func(p *Params) {
			p.Where = conds(eq("heroImage", "1"))
			p.Depth, p.DepthSet = 0, true
			p.Select = inc("slug")
			p.Limit, p.LimitSet = 3, true
		})},
		{"1050 where status", "?where[_status][equals]=draft&depth=0&select[slug]=true&select[_status]=true", with(func(p *Params) {
			p.Where = conds(eq("_status", "draft"))
			p.DepthSet = true
			p.Select = inc("slug", "_status")
		})},
		{"1080 sort desc", "?sort=-createdAt&limit=3&depth=0&select[slug]=true", with(func(p *Params) {
			p.Sort = []SortField{{Path: "createdAt", Desc: true}}
			p.Limit, p.LimitSet, p.DepthSet = 3, true, true
			p.Select = inc("slug")
		})},
		{"1100 sort asc", "?sort=title&limit=3&depth=0&select[title]=true", with(func(p *Params) {
			p.Sort = []SortField{{Path: "title"}}
			p.Limit, p.LimitSet, p.DepthSet = 3, true, true
			p.Select = inc("title")
		})},
		{"1180 bulk where in", "?where[slug][in]=blog-7,blog-8&depth=0", with(func(p *Params) {
			p.Where = conds(Cond{Path: "slug", Op: In, Values: []string{"blog-7", "blog-8"}})
			p.DepthSet = true
		})},
		{"620 select nested", "?select[title]=true&select[meta][title]=true", with(func(p *Params) {
			p.Select = &Select{Fields: map[string]*Select{"title": nil, "meta": inc("title")}}
		})},
		{"640 draft", "?draft=true", with(func(p *Params) { p.Draft = true })},
		{"750 versions", "?where[parent][equals]=1&sort=-updatedAt&depth=0", with(func(p *Params) {
			p.Where = conds(eq("parent", "1"))
			p.Sort = []SortField{{Path: "updatedAt", Desc: true}}
			p.DepthSet = true
		})},
		{"820 limit page", "?limit=5&page=2&depth=0&sort=slug", with(func(p *Params) {
			p.Limit, p.LimitSet, p.Page, p.DepthSet = 5, true, 2, true
			p.Sort = []SortField{{Path: "slug"}}
		})},
		{"840 limit0", "?limit=0&depth=0&select[slug]=true", with(func(p *Params) {
			p.LimitSet, p.DepthSet = true, true
			p.Select = inc("slug")
		})},
		{"860 where depth1", "?where[slug][equals]=home&depth=1", with(func(p *Params) {
			p.Where = conds(eq("slug", "home"))
			p.Depth, p.DepthSet = 1, true
		})},
		{"870 urlencoded brackets", "?where%5Bslug%5D%5Bequals%5D=home&depth=0", with(func(p *Params) {
			p.Where = conds(eq("slug", "home"))
			p.DepthSet = true
		})},
		{"910 id in", "?where[id][in]=1,5&depth=0&select[slug]=true", with(func(p *Params) {
			p.Where = conds(Cond{Path: "id", Op: In, Values: []string{"1", "5"}})
			p.DepthSet = true
			p.Select = inc("slug")
		})},
		{"940 contains with escaped space", "?where[title][contains]=OST%201&depth=0&select[title]=true", with(func(p *Params) {
			p.Where = conds(Cond{Path: "title", Op: Contains, Values: []string{"OST 1"}})
			p.DepthSet = true
			p.Select = inc("title")
		})},
		{"950 or", "?where[or][0][slug][equals]=home&where[or][1][slug][equals]=about&depth=0&select[slug]=true", with(func(p *Params) {
			p.Where = Where{Or: []Where{conds(eq("slug", "home")), conds(eq("slug", "about"))}}
			p.DepthSet = true
			p.Select = inc("slug")
		})},
		{"970 in", "?where[slug][in]=home,about,blog-3&depth=0&select[slug]=true", with(func(p *Params) {
			p.Where = conds(Cond{Path: "slug", Op: In, Values: []string{"home", "about", "blog-3"}})
			p.DepthSet = true
			p.Select = inc("slug")
		})},
		{"990 not equals", "?where[slug][not_equals]=home&limit=3&depth=0&select[slug]=true", with(func(p *Params) {
			p.Where = conds(Cond{Path: "slug", Op: NotEquals, Values: []string{"home"}})
			p.Limit, p.LimitSet, p.DepthSet = 3, true, true
			p.Select = inc("slug")
		})},
		// Queries the REST SDK (@payloadcms/sdk, qs-esm stringify) sends.
		{"sdk find", "?depth=1&page=1&limit=3&sort=-createdAt&select%5Btitle%5D=true&where%5Bor%5D%5B0%5D%5Bslug%5D%5Bequals%5D=home&where%5Bor%5D%5B1%5D%5Btitle%5D%5Blike%5D=blog", with(func(p *Params) {
			p.Depth, p.DepthSet, p.Limit, p.LimitSet = 1, true, 3, true
			p.Sort = []SortField{{Path: "createdAt", Desc: true}}
			p.Select = inc("title")
			p.Where = Where{Or: []Where{conds(eq("slug", "home")), conds(Cond{Path: "title", Op: Like, Values: []string{"blog"}})}}
		})},
		{"sdk sort array draft", "?depth=0&limit=2&draft=true&sort=-publishedAt%2Ctitle", with(func(p *Params) {
			p.DepthSet, p.Limit, p.LimitSet, p.Draft = true, 2, true, true
			p.Sort = []SortField{{Path: "publishedAt", Desc: true}, {Path: "title"}}
		})},
		{"sdk in array pagination false", "?depth=0&pagination=false&where%5Bslug%5D%5Bin%5D%5B0%5D=home&where%5Bslug%5D%5Bin%5D%5B1%5D=about", with(func(p *Params) {
			p.DepthSet, p.Pagination = true, false
			p.Where = conds(Cond{Path: "slug", Op: In, Values: []string{"home", "about"}})
		})},
		{"sdk count", "?where%5B_status%5D%5Bequals%5D=published", with(func(p *Params) {
			p.Where = conds(eq("_status", "published"))
		})},
		{"sdk findByID select populate", "?select%5Btitle%5D=true&select%5BheroImage%5D=true&populate%5Bmedia%5D%5Burl%5D=true&populate%5Bmedia%5D%5Balt%5D=true", with(func(p *Params) {
			p.Select = inc("title", "heroImage")
			p.Populate = map[string]*Select{"media": inc("url", "alt")}
		})},
		{"sdk versions", "?depth=0&limit=5&where%5Bparent%5D%5Bequals%5D=17", with(func(p *Params) {
			p.DepthSet, p.Limit, p.LimitSet = true, 5, true
			p.Where = conds(eq("parent", "17"))
		})},
		// Forms from PAYLOAD_API.md and the parser's own rules.
		{"in indexed raw", "where[slug][in][0]=home&where[slug][in][1]=about", with(func(p *Params) {
			p.Where = conds(Cond{Path: "slug", Op: In, Values: []string{"home", "about"}})
		})},
		{"in pushed", "where[slug][not_in][]=a&where[slug][not_in][]=b,c", with(func(p *Params) {
			p.Where = conds(Cond{Path: "slug", Op: NotIn, Values: []string{"a", "b,c"}})
		})},
		{"in empty", "where[id][in]=", with(func(p *Params) {
			p.Where = conds(Cond{Path: "id", Op: In, Values: []string{}})
		})},
		{"all", "where[related][all]=1,2", with(func(p *Params) {
			p.Where = conds(Cond{Path: "related", Op: All, Values: []string{"1", "2"}})
		})},
		{"dotted group path", "where[meta.title][equals]=Home%20%7C%20Peer", with(func(p *Params) {
			p.Where = conds(eq("meta.title", "Home | Peer"))
		})},
		{"nested group path", "where[meta][title][equals]=Home+%7C+Peer", with(func(p *Params) {
			p.Where = conds(eq("meta.title", "Home | Peer"))
		})},
		{"join path and like", "where[heroImage.alt][like]=hero", with(func(p *Params) {
			p.Where = conds(Cond{Path: "heroImage.alt", Op: Like, Values: []string{"hero"}})
		})},
		{"several top-level conds and date ops", "where[publishedAt][greater_than]=2026-01-01T00:00:00.000Z&where[publishedAt][less_than_equal]=2026-12-31&where[slug][exists]=true", with(func(p *Params) {
			p.Where = conds(
				Cond{Path: "publishedAt", Op: GreaterThan, Values: []string{"2026-01-01T00:00:00.000Z"}},
				Cond{Path: "publishedAt", Op: LessThanEqual, Values: []string{"2026-12-31"}},
				Cond{Path: "slug", Op: Exists, Values: []string{"true"}},
			)
		})},
		{"and or nesting", "where[and][0][or][0][slug][equals]=a&where[and][0][or][1][slug][equals]=b&where[and][1][title][like]=x", with(func(p *Params) {
			p.Where = Where{And: []Where{
				{Or: []Where{conds(eq("slug", "a")), conds(eq("slug", "b"))}},
				conds(Cond{Path: "title", Op: Like, Values: []string{"x"}}),
			}}
		})},
		{"or sparse indexes compacted", "where[or][5][slug][equals]=b&where[or][2][slug][equals]=a", with(func(p *Params) {
			p.Where = Where{Or: []Where{conds(eq("slug", "a")), conds(eq("slug", "b"))}}
		})},
		{"sort list", "sort[0]=-publishedAt&sort[1]=title", with(func(p *Params) {
			p.Sort = []SortField{{Path: "publishedAt", Desc: true}, {Path: "title"}}
		})},
		{"sort repeated", "sort=-publishedAt&sort=title", with(func(p *Params) {
			p.Sort = []SortField{{Path: "publishedAt", Desc: true}, {Path: "title"}}
		})},
		{"sort empty", "sort=", defaults()},
		{"sort field named again is dropped", "sort=-publishedAt,title,publishedAt,-title&sort=slug,title", with(func(p *Params) {
			p.Sort = []SortField{{Path: "publishedAt", Desc: true}, {Path: "title"}, {Path: "slug"}}
		})},
		{"select exclude", "select[content]=false&select[meta][description]=false", with(func(p *Params) {
			p.Select = &Select{Exclude: true, Fields: map[string]*Select{
				"content": nil,
				"meta":    {Exclude: true, Fields: map[string]*Select{"description": nil}},
			}}
		})},
		{"pagination false draft false", "pagination=false&draft=false", with(func(p *Params) { p.Pagination = false })},
		{"ignored params", "locale=en&fallback-locale=none&trash=true&joins[x]=false&_=123", defaults()},
		{"plus is space", "where[title][like]=hello+world", with(func(p *Params) {
			p.Where = conds(Cond{Path: "title", Op: Like, Values: []string{"hello world"}})
		})},
		{"encoded plus stays", "where[title][equals]=a%2Bb", with(func(p *Params) {
			p.Where = conds(eq("title", "a+b"))
		})},
		{"mixed encoding", "where%5Bslug][equals%5D=home", with(func(p *Params) {
			p.Where = conds(eq("slug", "home"))
		})},
		{"or not list is a path", "where[or][equals]=x", with(func(p *Params) {
			p.Where = conds(eq("or", "x"))
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.query)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.query, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q)\n got %#v\nwant %#v", tt.query, got, tt.want)
			}
		})
	}
}

func TestParseQueryError(t *testing.T) {
	tests := []struct {
		name  string
		query string
		paths []string
	}{
		{"1060 unknown field is not the parser's business", "?where[nope][equals]=x", nil},
		{"unknown operator", "where[slug][bogus]=x", []string{"slug.bogus"}},
		{"no operator", "where[slug]=x", []string{"slug"}},
		{"nested unknown operator", "where[meta][title][bogus]=x", []string{"meta.title.bogus"}},
		{"several, in order, deduplicated", "where[b][x]=1&where[a]=2&where[b][x]=3&where[or][0][c][nope]=4", []string{"b.x", "a", "c.nope"}},
		{"and as a plain value", "where[and]=x", []string{"and"}},
		{"valid and invalid mixed", "where[slug][equals]=a&where[title][equal]=b", []string{"title.equal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.query)
			if tt.paths == nil {
				if err != nil {
					t.Fatalf("Parse(%q): %v", tt.query, err)
				}
				return
			}
			var qe *Error
			if !errors.As(err, &qe) {
				t.Fatalf("Parse(%q) error = %v (%T), want *Error", tt.query, err, err)
			}
			if !reflect.DeepEqual(qe.Paths, tt.paths) {
				t.Errorf("Paths = %q, want %q", qe.Paths, tt.paths)
			}
		})
	}
}

func TestQueryErrorMessage(t *testing.T) {
	if got := (&Error{Paths: []string{"slug.bogus"}}).Error(); got != "The following path cannot be queried: slug.bogus" {
		t.Errorf("single: %q", got)
	}
	if got := (&Error{Paths: []string{"a", "b"}}).Error(); got != "The following paths cannot be queried: a, b" {
		t.Errorf("plural: %q", got)
	}
}

func TestParseSyntaxError(t *testing.T) {
	tests := []struct {
		name  string
		query string
		param string // "" when no single parameter is to blame
	}{
		{"limit negative", "limit=-1", "limit"},
		{"limit not a number", "limit=abc", "limit"},
		{"limit fraction", "limit=1.5", "limit"},
		{"limit empty", "limit=", "limit"},
		{"limit huge", "limit=99999999999999999999", "limit"},
		{"limit twice", "limit=1&limit=2", "limit"},
		{"page zero", "page=0", "page"},
		{"page object", "page[a]=1", "page"},
		{"depth negative", "depth=-2", "depth"},
		{"depth word", "depth=two", "depth"},
		{"pagination bogus", "pagination=no", "pagination"},
		{"draft bogus", "draft=1", "draft"},
		{"unbalanced open", "where[slug[equals]=x", "where[slug[equals]"},
		{"unbalanced close", "where]slug[=x", "where]slug["},
		{"missing close", "where[slug][equals=x", "where[slug][equals"},
		{"text after brackets", "where[slug]x[equals]=y", "where[slug]x[equals]"},
		{"no name", "[slug]=x", "[slug]"},
		{"encoded unbalanced", "where%5Bslug=x", "where[slug"},
		{"too deep", "where" + strings.Repeat("[a]", 11) + "=x", "where" + strings.Repeat("[a]", 11)},
		{"bad percent", "where[slug][equals]=%zz", "where[slug][equals]"},
		{"bad percent in key", "where%zz=1", ""},
		{"invalid utf8", "where[slug][equals]=%ff", "where[slug][equals]"},
		{"nul byte", "where[slug][equals]=a%00b", "where[slug][equals]"},
		{"leaf then object", "where=x&where[slug][equals]=y", "where[slug][equals]"},
		{"object then leaf", "where[slug][equals]=y&where=x", "where"},
		{"where is a value", "where=x", "where"},
		{"equals twice", "where[slug][equals]=a&where[slug][equals]=b", "where[slug][equals]"},
		{"equals object", "where[slug][equals][x]=a", "where[slug][equals]"},
		{"in object", "where[slug][in][x]=a", "where[slug][in]"},
		{"in nested", "where[slug][in][0][x]=a", "where[slug][in]"},
		{"or item is a value", "where[or][0]=x", "where[or][0]"},
		{"sort dash only", "sort=-", "sort"},
		{"sort double dash", "sort=--title", "sort"},
		{"sort object", "sort[a]=b", "sort"},
		{"select value", "select=title", "select"},
		{"select not bool", "select[title]=1", "select[title]"},
		{"select mixed", "select[title]=true&select[content]=false", "select[content]"},
		{"populate value", "populate=media", "populate"},
		{"populate flat", "populate[media]=true", "populate[media]"},
		{"syntax beats path errors", "where[slug][bogus]=x&limit=x", "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.query)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v (%T), want *SyntaxError", tt.query, err, err)
			}
			if se.Param != tt.param {
				t.Errorf("Param = %q, want %q (message %q)", se.Param, tt.param, se.Message)
			}
			if se.Message == "" {
				t.Error("empty Message")
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	many := strings.Repeat("a=1&", MaxParams) + "b=2"
	if _, err := Parse(many); err == nil {
		t.Errorf("Parse of %d parameters succeeded, want SyntaxError", MaxParams+1)
	}
	exactly := strings.TrimSuffix(strings.Repeat("x=1&", MaxParams), "&")
	if _, err := Parse(exactly); err != nil {
		t.Errorf("Parse of %d parameters: %v", MaxParams, err)
	}
	deep := "where" + strings.Repeat("[a]", MaxDepth-1) + "[equals]=x"
	p, err := Parse(deep)
	if err != nil {
		t.Fatalf("Parse at depth %d: %v", MaxDepth, err)
	}
	if want := strings.TrimSuffix(strings.Repeat("a.", MaxDepth-1), "."); p.Where.Conds[0].Path != want {
		t.Errorf("path = %q, want %q", p.Where.Conds[0].Path, want)
	}
}

func TestParseQS(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  map[string]any
	}{
		{"plain", "a=1&b=x+y&c", map[string]any{"a": "1", "b": "x y", "c": ""}},
		{"nested", "a[b][c]=1&a[b][d]=2", map[string]any{"a": map[string]any{"b": map[string]any{"c": "1", "d": "2"}}}},
		{"indexed list", "a[1]=y&a[0]=x", map[string]any{"a": []any{"x", "y"}}},
		{"pushed list", "a[]=x&a[]=y", map[string]any{"a": []any{"x", "y"}}},
		{"repeated key", "a=x&a=y&a=z", map[string]any{"a": []any{"x", "y", "z"}}},
		{"list of objects", "a[0][b]=1&a[1][b]=2", map[string]any{"a": []any{map[string]any{"b": "1"}, map[string]any{"b": "2"}}}},
		{"big index is a key", "a[1001]=x", map[string]any{"a": map[string]any{"1001": "x"}}},
		{"leading zero is a key", "a[01]=x", map[string]any{"a": map[string]any{"01": "x"}}},
		{"mixed keys make a map", "a[0]=x&a[b]=y", map[string]any{"a": map[string]any{"0": "x", "b": "y"}}},
		{"encoded brackets", "a%5Bb%5D=1", map[string]any{"a": map[string]any{"b": "1"}}},
		{"equals in value", "a=b=c", map[string]any{"a": "b=c"}},
		{"empty parts skipped", "&&a=1&", map[string]any{"a": "1"}},
		{"unicode", "t=%E2%9C%93", map[string]any{"t": "✓"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseQS(tt.query)
			if err != nil {
				t.Fatalf("ParseQS(%q): %v", tt.query, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseQS(%q)\n got %#v\nwant %#v", tt.query, got, tt.want)
			}
		})
	}
}

func TestOperatorHelpers(t *testing.T) {
	for _, op := range []Operator{Equals, NotEquals, In, NotIn, All, Exists, GreaterThan, GreaterThanEqual, LessThan, LessThanEqual, Like, NotLike, Contains, Near, Within, Intersects} {
		if !op.Valid() {
			t.Errorf("%s not Valid", op)
		}
	}
	if Operator("bogus").Valid() {
		t.Error("bogus is Valid")
	}
	if !In.IsList() || !NotIn.IsList() || !All.IsList() || Equals.IsList() {
		t.Error("IsList wrong")
	}
}

func TestWherePaths(t *testing.T) {
	p, err := Parse("where[slug][equals]=a&where[or][0][meta.title][like]=b&where[or][1][slug][in]=c&where[and][0][heroImage][alt][exists]=true")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"slug", "heroImage.alt", "meta.title"}
	if got := p.Where.Paths(); !reflect.DeepEqual(got, want) {
		t.Errorf("Paths = %q, want %q", got, want)
	}
	if got := (Where{}).Paths(); got != nil {
		t.Errorf("empty Paths = %q", got)
	}
}

// TestParseWorkLimits: each cap on the work of a where clause is a
// *LimitError naming the path and the limit, at one past the cap and not at
// the cap, for every list operator, for like/not_like and for the bytes of
// one value.
func TestParseWorkLimits(t *testing.T) {
	list := func(n int) string {
		vals := make([]string, n)
		for i := range vals {
			vals[i] = strconv.Itoa(i + 1)
		}
		return strings.Join(vals, ",")
	}
	words := func(n int) string { return strings.TrimSpace(strings.Repeat("w ", n)) }
	manyConds := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "&where[or][%d][slug][equals]=s%d", i, i)
		}
		return b.String()[1:]
	}
	tests := []struct {
		name, at, over string
		what           string
	}{
		{"in", "where[related][in]=" + list(MaxValues), "where[related][in]=" + list(MaxValues+1), "values per condition"},
		{"not_in", "where[related][not_in]=" + list(MaxValues), "where[related][not_in]=" + list(MaxValues+1), "values per condition"},
		{"all", "where[related][all]=" + list(MaxValues), "where[related][all]=" + list(MaxValues+1), "values per condition"},
		{"like", "where[title][like]=" + words(MaxLikeWords), "where[title][like]=" + words(MaxLikeWords+1), "words per like"},
		{"not_like", "where[title][not_like]=" + words(MaxLikeWords), "where[title][not_like]=" + words(MaxLikeWords+1), "words per like"},
		{"conditions", manyConds(MaxConditions), manyConds(MaxConditions + 1), "conditions per query"},
		{"contains value", "where[title][contains]=" + strings.Repeat("x", MaxValueBytes), "where[title][contains]=" + strings.Repeat("x", MaxValueBytes+1), "bytes per value"},
		{"equals value", "where[title][equals]=" + strings.Repeat("é", MaxValueBytes/2), "where[title][equals]=" + strings.Repeat("é", MaxValueBytes/2) + "x", "bytes per value"},
		{"like value", "where[title][like]=" + strings.Repeat("x", MaxValueBytes), "where[title][like]=" + strings.Repeat("x", MaxValueBytes+1), "bytes per value"},
		{"in value", "where[slug][in]=a," + strings.Repeat("x", MaxValueBytes), "where[slug][in]=a," + strings.Repeat("x", MaxValueBytes+1), "bytes per value"},
		{"indexed list value", "where[slug][in][0]=" + strings.Repeat("x", MaxValueBytes), "where[slug][in][0]=" + strings.Repeat("x", MaxValueBytes+1), "bytes per value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(tt.at); err != nil {
				t.Fatalf("at the limit: %v", err)
			}
			_, err := Parse(tt.over)
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("over the limit: %T %v, want *LimitError", err, err)
			}
			if le.What != tt.what || !strings.Contains(le.Error(), tt.what) || !strings.Contains(le.Error(), strconv.Itoa(le.Max)) {
				t.Fatalf("error %q does not name the limit %q", le.Error(), tt.what)
			}
		})
	}
}
