package main

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/internal/bench"
)

// raw decodes a JSON object keeping each value's bytes, as the bench reads
// the CMS's documents.
func raw(t *testing.T, s string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPBRecordKeepsTheCMSValues(t *testing.T) {
	content := `{"root":{"type":"root","children":[{"type":"text","text":"Hé \"quoted\"","format":1}]}}`
	doc := raw(t, `{"id":42,"title":"Alpine meadow 7","slug":"bench-page-00007","_status":"published",
		"publishedAt":"2024-03-01T05:00:00.000Z","content":`+content+`,"meta":{"title":"t","image":3},
		"heroImage":3,"author":1,"layout":[{"blockType":"content"}],"related":[5,6],
		"createdAt":"2026-12-06T05:00:00.000Z","updatedAt":"2026-12-06T05:00:00.000Z"}`)
	rec, err := pbRecord(doc, append(pbPageFields(), pbRelatedField()))
	if err != nil {
		t.Fatal(err)
	}
	if rec["id"] != "000000000000042" || rec["hero"] != "000000000000003" {
		t.Fatalf("ids: id %v hero %v", rec["id"], rec["hero"])
	}
	if got := rec["related"].([]string); !slices.Equal(got, []string{"000000000000005", "000000000000006"}) {
		t.Fatalf("related %v", got)
	}
	// JSON fields travel as strings of the CMS's bytes: PocketBase stores
	// and serves such a string unchanged.
	if rec["content"] != content {
		t.Fatalf("content %q, want the CMS's bytes %q", rec["content"], content)
	}
	// The record body, as sent, carries the other values as the CMS wrote them.
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	sent := raw(t, string(b))
	for pb, cms := range map[string]string{"title": "title", "status": "_status", "publishedAt": "publishedAt", "author": "author", "createdAt": "createdAt"} {
		if string(sent[pb]) != string(doc[cms]) {
			t.Errorf("%s sent as %s, the CMS has %s", pb, sent[pb], doc[cms])
		}
	}
}

func TestPBRecordRefusesKeysWithoutAField(t *testing.T) {
	doc := raw(t, `{"id":1,"alt":"a","focalZ":5,"blurhash":"x"}`)
	_, err := pbRecord(doc, pbMediaFields())
	if err == nil || !strings.Contains(err.Error(), "blurhash, focalZ") {
		t.Fatalf("want an error naming blurhash and focalZ, got %v", err)
	}
	if _, err := pbRecord(raw(t, `{"id":"x1"}`), pbMediaFields()); err == nil {
		t.Fatal("a non-numeric id must be refused")
	}
}

func TestPBRecordSkipsNullAndMissing(t *testing.T) {
	rec, err := pbRecord(raw(t, `{"id":9,"alt":"a","caption":null}`), pbMediaFields())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rec["caption"]; ok || len(rec) != 2 {
		t.Fatalf("got %v, want id and alt only", rec)
	}
}

func TestPBIDIsOrderedAndValid(t *testing.T) {
	a, _ := pbID(json.RawMessage("9"))
	b, _ := pbID(json.RawMessage("10"))
	if len(a) != 15 || a >= b {
		t.Fatalf("ids %q, %q: want 15 characters in numeric order", a, b)
	}
	if _, err := pbID(json.RawMessage("-1")); err == nil {
		t.Fatal("a negative id must be refused")
	}
}

func TestPBCollectionsArePublicWithTheCMSIndexes(t *testing.T) {
	for _, c := range []map[string]any{pbMediaCollectionJSON(), pbPagesCollectionJSON()} {
		if c["listRule"] != "" || c["viewRule"] != "" || c["type"] != "base" {
			t.Errorf("%s: rules %v/%v type %v, want public reads of a base collection", c["name"], c["listRule"], c["viewRule"], c["type"])
		}
		if _, ok := c["createRule"]; ok {
			t.Errorf("%s: writes must stay superuser-only", c["name"])
		}
	}
	pages := pbPagesCollectionJSON()
	idx := strings.Join(pages["indexes"].([]string), "\n")
	for _, want := range []string{"UNIQUE INDEX idx_pages_slug ON pages (slug)", "ON pages (publishedAt)", "ON pages (title)"} {
		if !strings.Contains(idx, want) {
			t.Errorf("pages indexes lack %q:\n%s", want, idx)
		}
	}
	byName := map[string]map[string]any{}
	for _, f := range pages["fields"].([]any) {
		m := f.(map[string]any)
		byName[m["name"].(string)] = m
	}
	if h := byName["hero"]; h["type"] != "relation" || h["collectionId"] != pbMediaCollection || h["maxSelect"] != 1 {
		t.Errorf("hero %v, want a single relation to media", h)
	}
	if c := byName["content"]; c["type"] != "json" || c["maxSize"] != pbJSONMaxSize {
		t.Errorf("content %v, want a JSON field past PocketBase's 1 MiB default", c)
	}
	if r := pbFieldJSON(pbRelatedField()); r["collectionId"] != pbPagesCollection || r["maxSelect"] != 999 {
		t.Errorf("related %v, want a many relation to pages", r)
	}
}

func TestPeerQueriesAskTheSameOfBothSides(t *testing.T) {
	for _, tc := range []struct {
		got  url.Values
		want string
	}{
		{pbSlugQuery("bench-page-00001", "hero"), "expand=hero&filter=%28slug%3D%27bench-page-00001%27%29&perPage=1&skipTotal=1"},
		{pbSlugQuery("bench-page-00001", ""), "filter=%28slug%3D%27bench-page-00001%27%29&perPage=1&skipTotal=1"},
		{cmsSlugQuery("bench-page-00001", 1), "depth=1&limit=1&where%5Bslug%5D%5Bequals%5D=bench-page-00001"},
		{pbListQuery(3), "page=3&perPage=20&sort=-publishedAt"},
		{cmsListQuery(3), "depth=0&limit=20&page=3&sort=-publishedAt"},
		{pbSearchQuery("alpine"), "filter=%28title~%27alpine%27%29&perPage=10&sort=-createdAt"},
		{cmsSearchQuery("alpine"), "depth=0&where%5Btitle%5D%5Blike%5D=alpine"},
	} {
		if got := tc.got.Encode(); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
	ds := &bench.Dataset{Slugs: []string{"a", "b", "c"}, SearchWords: []string{"w"}}
	names := map[string]bool{}
	for _, sc := range peerScenarios("http://cms", "http://pb", ds) {
		names[sc.name] = true
		if sc.cms == nil || sc.pb == nil {
			t.Errorf("%s: both sides need a request", sc.name)
		}
	}
	if len(names) != 6 {
		t.Errorf("scenarios %v", names)
	}
}

func TestSameAnswer(t *testing.T) {
	cms := cmsPage{TotalDocs: 9, Docs: []map[string]json.RawMessage{raw(t, `{"slug":"a"}`), raw(t, `{"slug":"b"}`)}}
	pb := pbList{TotalItems: 9, Items: []map[string]json.RawMessage{raw(t, `{"slug":"a"}`), raw(t, `{"slug":"b"}`)}}
	if note, err := sameAnswer("x", cms, pb); err != nil || !strings.Contains(note, "the same 2 pages in the same order, total 9") {
		t.Fatalf("%q, %v", note, err)
	}
	pb.Items[0] = raw(t, `{"slug":"c"}`)
	pb.Items[0], pb.Items[1] = pb.Items[1], pb.Items[0]
	if note, err := sameAnswer("x", cms, pb); err != nil || !strings.Contains(note, "1 of the 2 pages on both sides, in another order") {
		t.Fatalf("ties may order differently, and the note says so: %q, %v", note, err)
	}
	pb.TotalItems = 10
	if _, err := sameAnswer("x", cms, pb); err == nil {
		t.Fatal("a different total must be refused")
	}
	pb.TotalItems, pb.Items = 9, pb.Items[:1]
	if _, err := sameAnswer("x", cms, pb); err == nil {
		t.Fatal("a different number of pages must be refused")
	}
}

func TestPBHeroFilename(t *testing.T) {
	var l pbList
	if err := json.Unmarshal([]byte(`{"items":[{"id":"1","hero":"2","expand":{"hero":{"id":"2","filename":"f.jpg"}}}],"totalItems":-1}`), &l); err != nil {
		t.Fatal(err)
	}
	if f, err := pbHeroFilename(l); err != nil || f != "f.jpg" {
		t.Fatalf("got %q, %v", f, err)
	}
	delete(l.Items[0], "expand")
	if _, err := pbHeroFilename(l); err == nil {
		t.Fatal("an item without its expanded hero must be refused")
	}
}

func TestParseStatCPU(t *testing.T) {
	// pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
	stat := "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 8 0"
	got, err := parseStatCPU(stat)
	if err != nil || got != 3250*time.Millisecond {
		t.Fatalf("got %v, %v; want 3.25s (325 ticks)", got, err)
	}
	if _, err := parseStatCPU("no name here"); err == nil {
		t.Fatal("a line without a command name must be refused")
	}
}

func TestSelectedWithPocketBase(t *testing.T) {
	o := options{pocketbase: "/bin/pb"}
	if o.selected("slug depth=1") || o.selected("crawl") {
		t.Fatal("with --pocketbase and no --only, the CMS scenarios and the crawl stay off")
	}
	o.only = []string{"slug"}
	if !o.selected("slug depth=1") || o.selected("crawl") {
		t.Fatal("--only picks the CMS scenarios next to the side-by-side ones")
	}
	if !(options{}).selected("crawl") {
		t.Fatal("without --pocketbase every scenario runs")
	}
	if env := uncached([]string{"A=1"}); !slices.Contains(env, "CMS_CACHE_BYTES=0") {
		t.Fatalf("uncached %v", env)
	}
	if env := uncached([]string{"CMS_CACHE_BYTES=5"}); len(env) != 1 {
		t.Fatalf("an explicit cache size stays: %v", env)
	}
}

func TestPeerGoals(t *testing.T) {
	if peerGoals(Run{}) != nil {
		t.Fatal("no PocketBase, no goals")
	}
	run := Run{Pages: 200, PocketBase: &Peer{Rows: []PeerRow{
		{Name: "list", RPSRatio: 0.5, CMS: PeerSide{Result: bench.Result{RPS: 50}}, PocketBase: PeerSide{Result: bench.Result{RPS: 100, Errors: 2, FirstError: "status 500"}}},
		{Name: "search", RPSRatio: 1.2},
	}}}
	g := peerGoals(run)
	if len(g) != 3 || g[0].Met || !strings.Contains(g[0].Measured, "0.50× (50 vs 100 req/s)") || g[1].Met || !g[2].Met {
		t.Fatalf("goals %+v", g)
	}
}
