package store

import (
	"context"
	"github.com/automatonic/chronos/app/collections"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/internal/content"
	"gorm.io/gorm"
)

// searchTitles are titles whose folding and punctuation a search index
// could get wrong.
var searchTitles = []string{
	"Alpine Harbor", "ALPINE meadow", "Über Uns", "über alles", "Été à Paris", "ÉTÉ indien",
	"100% pure", "1000 pure", "snake_case title", "snakeXcase title", `Say "hi" there`,
	"Ab", "ΣΟΦΊΑ wisdom", "σοφία again", "Straße", "a b c",
	// Longer than the prefix the SQLite index is asked for (searchRunes):
	// the index narrows by the prefix, the LIKE decides.
	longTitle + "ending one", longTitle + "ending two", "x" + longWord,
}

var (
	longTitle = strings.Repeat("Ünïcode long title ", 5)
	longWord  = strings.Repeat("ab", 60)
)

// searchTerms are like/contains inputs: short words (no trigram), several
// words in any order, wildcards meant literally, quotes, Unicode case.
var searchTerms = []string{
	"alpine", "ALP", "al", "harbor alpine", "über", "ÜBER u", "été", "ÉTÉ PARIS", "100%", "0% p", "e_c", "snake",
	`"hi"`, `say "`, "ab", "σοφία", "ΣΟΦΊΑ", "straße", "STRASSE", "a b", "zzz", "pure 100", "ine mea",
	longTitle + "ending one", strings.ToUpper(longTitle) + "ENDING TWO", longTitle, longTitle + "ending three",
	longWord, longWord + "c", strings.Repeat("x", 4096),
}

// TestSearchIndexFindsWhatAScanFinds checks like and contains on an indexed
// column against the definition of the unindexed path — every word (like)
// or the whole string (contains) is a substring of the strings.ToLower of
// the title — on both dialects.
func TestSearchIndexFindsWhatAScanFinds(t *testing.T) {
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			svc := newService(db)
			for i, title := range searchTitles {
				in := map[string]any{"title": title, "slug": "s" + strconv.Itoa(i), "_status": "published"}
				if _, err := svc.Create(ctx, admin, collections.PagesSlug, in, content.WriteOptions{}); err != nil {
					t.Fatalf("create %q: %v", title, err)
				}
			}
			// Renaming must move the row in the index too.
			rename := mustFind(t, svc, admin, "where[slug][equals]=s0")
			if _, err := svc.Update(ctx, admin, collections.PagesSlug, rename[0].id, map[string]any{"title": "Alpine Harbour renamed"}, content.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			titles := slices.Clone(searchTitles)
			titles[0] = "Alpine Harbour renamed"
			for _, op := range []string{"like", "contains"} {
				for _, term := range searchTerms {
					got := slugsOf(mustFind(t, svc, admin, "limit=100&sort=slug&where[title]["+op+"]="+url.QueryEscape(term)))
					var want []string
					for i, title := range titles {
						if matches(op, title, term) {
							want = append(want, "s"+strconv.Itoa(i))
						}
					}
					slices.Sort(want)
					if !slices.Equal(got, want) {
						t.Errorf("%s %q: got %v, want %v", op, term, got, want)
					}
				}
			}
		})
	}
}

func matches(op, title, term string) bool {
	lt := strings.ToLower(title)
	if op == "contains" {
		return strings.Contains(lt, strings.ToLower(term))
	}
	for _, w := range strings.Fields(strings.ToLower(term)) {
		if !strings.Contains(lt, w) {
			return false
		}
	}
	return true
}

type found struct {
	id   int64
	slug string
}

func mustFind(t *testing.T, svc *content.Service, actor *content.Actor, raw string) []found {
	t.Helper()
	p := mustParse(t, raw)
	l, err := svc.Find(context.Background(), actor, collections.PagesSlug, p, content.ReadOptionsFrom(p))
	if err != nil {
		t.Fatalf("find %q: %v", raw, err)
	}
	var out []found
	for _, d := range l.Docs {
		id, _ := d["id"].(int64)
		s, _ := d["slug"].(string)
		out = append(out, found{id, s})
	}
	return out
}

func slugsOf(fs []found) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.slug)
	}
	slices.Sort(out)
	return out
}

// TestSearchUsesTheIndex checks that the planner of each dialect reaches
// the trigram index for the expression the renderer produces.
func TestSearchUsesTheIndex(t *testing.T) {
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			rd := &renderer{d: db.dialect}
			where := rd.text("t.title") + " LIKE '%alpine%'"
			want := "pages_title_trgm_idx"
			q := "EXPLAIN SELECT t.id FROM pages t WHERE " + where
			if db.dialect == SQLite {
				// The renderer adds the FTS5 candidate set on SQLite.
				where += " AND t.id IN (SELECT rowid FROM pages_search WHERE pages_search MATCH '{title} : \"alpine\"')"
				q = "EXPLAIN QUERY PLAN SELECT t.id FROM pages t WHERE " + where
				want = "pages_search VIRTUAL TABLE INDEX"
			}
			var plan []string
			err := db.gdb.Transaction(func(tx *gorm.DB) error {
				if db.dialect == Postgres {
					// An empty table is cheaper to scan: ask whether the
					// index can serve the expression at all.
					if err := tx.Exec("SET LOCAL enable_seqscan = off").Error; err != nil {
						return err
					}
				}
				rows, err := tx.Raw(q).Rows()
				if err != nil {
					return err
				}
				defer rows.Close()
				cols, _ := rows.Columns()
				for rows.Next() {
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					if err := rows.Scan(ptrs...); err != nil {
						return err
					}
					for _, v := range vals {
						if b, ok := v.([]byte); ok {
							v = string(b)
						}
						if s, ok := v.(string); ok {
							plan = append(plan, s)
						}
					}
				}
				return rows.Err()
			})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(plan, "\n"), want) {
				t.Errorf("plan of %s does not use %s:\n%s", where, want, strings.Join(plan, "\n"))
			}
		})
	}
}

// TestPostgresIndexesAreBuiltWithoutDowntime holds every PostgreSQL
// migration that creates an index on an existing table to CREATE INDEX
// CONCURRENTLY outside a transaction (the tables of 0001 were empty when
// their indexes were made).
func TestPostgresIndexesAreBuiltWithoutDowntime(t *testing.T) {
	ms, err := Migrations(Postgres)
	if err != nil {
		t.Fatal(err)
	}
	var checked int
	for _, m := range ms {
		created := map[string]bool{} // tables this migration creates: empty, no lock to avoid
		for _, stmt := range m.statements() {
			up := strings.ToUpper(stmt)
			if f := strings.Fields(up); len(f) > 2 && f[0] == "CREATE" && f[1] == "TABLE" {
				created[f[2]] = true
			}
			if m.Version < 4 || !strings.HasPrefix(up, "CREATE INDEX") && !strings.HasPrefix(up, "CREATE UNIQUE INDEX") {
				continue
			}
			if _, after, ok := strings.Cut(up, " ON "); ok && created[strings.Fields(after)[0]] {
				continue
			}
			checked++
			if !m.NoTx || !strings.Contains(up, " INDEX CONCURRENTLY ") {
				t.Errorf("%s: %q must be CREATE INDEX CONCURRENTLY in a no-transaction migration", m.Name, stmt)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no index statement found: the check checks nothing")
	}
}

// TestMigrationWithoutItsExtensionIsRecordedAndSkipped is the fallback for
// servers without pg_trgm: the migration is recorded, nothing of it runs,
// and the next migration run does not retry it.
func TestMigrationWithoutItsExtensionIsRecordedAndSkipped(t *testing.T) {
	db := openBoth(t)["postgres"]
	ctx := context.Background()
	m := Migration{Version: 9999, Name: "9999_needs_missing_extension", NoTx: true, Extension: "chronos_no_such_extension",
		SQL: "CREATE INDEX CONCURRENTLY chronos_never_idx ON pages (title);\n"}
	t.Cleanup(func() { db.gdb.Exec("DELETE FROM schema_migrations WHERE version = ?", m.Version) })
	applied, err := db.migrateOutsideTx(ctx, m)
	if err != nil || !applied {
		t.Fatalf("applied %v, err %v; want recorded without error", applied, err)
	}
	var idx, rec int64
	if err := db.gdb.Raw("SELECT count(*) FROM pg_indexes WHERE indexname = 'chronos_never_idx'").Scan(&idx).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.gdb.Raw("SELECT count(*) FROM schema_migrations WHERE version = ?", m.Version).Scan(&rec).Error; err != nil {
		t.Fatal(err)
	}
	if idx != 0 || rec != 1 {
		t.Fatalf("index present %d, recorded %d; want 0 and 1", idx, rec)
	}
	if applied, err := db.migrateOutsideTx(ctx, m); err != nil || applied {
		t.Fatalf("second run applied %v, err %v; want nothing", applied, err)
	}
	var valid bool
	if err := db.gdb.Raw("SELECT bool_and(i.indisvalid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname LIKE '%\\_trgm\\_idx'").Scan(&valid).Error; err != nil || !valid {
		t.Fatalf("trigram indexes of 0004 valid: %v (%v)", valid, err)
	}
}

// TestSearchProbeFindsTheSameRows checks that the probing form of the
// SQLite trigram condition (+id IN …, chosen for searches with many
// matches) selects the same rows as the form the planner drives by.
func TestSearchProbeFindsTheSameRows(t *testing.T) {
	db := openBoth(t)["sqlite"]
	ctx := context.Background()
	svc := newService(db)
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for i, title := range searchTitles {
		in := map[string]any{"title": title, "slug": "s" + strconv.Itoa(i), "_status": "published"}
		if _, err := svc.Create(ctx, admin, collections.PagesSlug, in, content.WriteOptions{}); err != nil {
			t.Fatalf("create %q: %v", title, err)
		}
	}
	pages, ok := mustRegistry(3).Get(collections.PagesSlug)
	if !ok {
		t.Fatal("no pages")
	}
	tb, err := tableFor(pages)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"like", "contains"} {
		for _, term := range searchTerms {
			p := mustParse(t, "where[title]["+op+"]="+url.QueryEscape(term))
			f, err := mustRegistry(3).CompileWhere(pages, p.Where, admin)
			if err != nil {
				t.Fatal(err)
			}
			var got [2][]int64
			for i, probe := range []bool{false, true} {
				rd := &renderer{d: SQLite, probe: probe}
				where, err := rd.filter(rd.rootScope(tb, "t"), f)
				if err != nil {
					t.Fatal(err)
				}
				if probe != strings.Contains(where, "+t.id IN") && strings.Contains(where, "_search") {
					t.Fatalf("%s %q: probe %v rendered %s", op, term, probe, where)
				}
				if err := db.reads.Raw("SELECT t.id FROM pages t WHERE "+where+" ORDER BY t.created_at DESC, t.id DESC", rd.args...).Scan(&got[i]).Error; err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(got[0], got[1]) {
				t.Errorf("%s %q: driven %v, probing %v", op, term, got[0], got[1])
			}
		}
	}
}
