package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/bench"
)

// Peer is the side-by-side run against PocketBase on one data set.
type Peer struct {
	Binary      string    `json:"binary"`
	Version     string    `json:"version"`
	Media       int       `json:"media"`
	Pages       int       `json:"pages"`
	CopySeconds float64   `json:"copySeconds"`
	Checks      []string  `json:"checks"`
	Rows        []PeerRow `json:"scenarios"`
}

// PeerRow is one read scenario measured on the CMS and on PocketBase.
type PeerRow struct {
	Name       string   `json:"name"`
	CMSRequest string   `json:"cmsRequest"`
	PBRequest  string   `json:"pocketbaseRequest"`
	CMS        PeerSide `json:"cms"`
	PocketBase PeerSide `json:"pocketbase"`
	// Ratios are the CMS's figure over PocketBase's: req/s above 1 and
	// p99 or CPU per request below 1 favour the CMS.
	RPSRatio float64 `json:"rpsRatioCmsToPocketBase"`
	P99Ratio float64 `json:"p99RatioCmsToPocketBase"`
	CPURatio float64 `json:"cpuPerRequestRatioCmsToPocketBase"`
	// First says which side was measured first.
	First string `json:"measuredFirst"`
}

// PeerSide is one side's measurement of a scenario.
type PeerSide struct {
	Result  bench.Result `json:"result"`
	P99Ms   float64      `json:"p99Ms"`
	CPUMs   float64      `json:"cpuMsPerRequest"` // the server process's user+system CPU per measured request
	PeakRSS int64        `json:"peakRssBytes"`
}

// peerScenario is one read and the request each side answers it with.
type peerScenario struct {
	name, cmsDesc, pbDesc string
	cms, pb               bench.NewRequest
}

// peerScenarios are issue 15's reads, each as the CMS's REST API and
// PocketBase's records API ask it. Slugs rotate as in the CMS scenarios.
func peerScenarios(cmsURL, pbURL string, ds *bench.Dataset) []peerScenario {
	n := len(ds.Slugs)
	rot := func(i int) string { return ds.Slugs[(i*7919)%n] }
	one := ds.Slugs[n/2]
	word := func(i int) string { return ds.SearchWords[i%len(ds.SearchWords)] }
	cms := func(q func(i int) url.Values) bench.NewRequest {
		return get(func(i int) string { return cmsURL + "/api/pages?" + q(i).Encode() }, "")
	}
	pb := func(q func(i int) url.Values) bench.NewRequest {
		return get(func(i int) string { return pbURL + "/api/collections/pages/records?" + q(i).Encode() }, "")
	}
	return []peerScenario{
		{"slug+hero, one page", "where[slug][equals]=<one>&depth=1&limit=1", "filter=(slug='<one>')&expand=hero&perPage=1&skipTotal=1",
			cms(func(int) url.Values { return cmsSlugQuery(one, 1) }), pb(func(int) url.Values { return pbSlugQuery(one, "hero") })},
		{"slug+hero, rotating", "where[slug][equals]=<slug i>&depth=1&limit=1", "filter=(slug='<slug i>')&expand=hero&perPage=1&skipTotal=1",
			cms(func(i int) url.Values { return cmsSlugQuery(rot(i), 1) }), pb(func(i int) url.Values { return pbSlugQuery(rot(i), "hero") })},
		{"slug+hero+related, rot.", "where[slug][equals]=<slug i>&depth=1&limit=1", "filter=(slug='<slug i>')&expand=hero,related&perPage=1&skipTotal=1",
			cms(func(i int) url.Values { return cmsSlugQuery(rot(i), 1) }), pb(func(i int) url.Values { return pbSlugQuery(rot(i), "hero,related") })},
		{"slug depth=0, rotating", "where[slug][equals]=<slug i>&depth=0&limit=1", "filter=(slug='<slug i>')&perPage=1&skipTotal=1",
			cms(func(i int) url.Values { return cmsSlugQuery(rot(i), 0) }), pb(func(i int) url.Values { return pbSlugQuery(rot(i), "") })},
		{"list 20 -publishedAt", "limit=20&sort=-publishedAt&depth=0&page=1..10", "perPage=20&sort=-publishedAt&page=1..10 (totals)",
			cms(func(i int) url.Values { return cmsListQuery(1 + i%10) }), pb(func(i int) url.Values { return pbListQuery(1 + i%10) })},
		{"title search", "where[title][like]=<word>&depth=0 (limit 10)", "filter=(title~'<word>')&perPage=10&sort=-createdAt (totals)",
			cms(func(i int) url.Values { return cmsSearchQuery(word(i)) }), pb(func(i int) url.Values { return pbSearchQuery(word(i)) })},
	}
}

func cmsSlugQuery(slug string, depth int) url.Values {
	return url.Values{"where[slug][equals]": {slug}, "depth": {strconv.Itoa(depth)}, "limit": {"1"}}
}

// pbSlugQuery is what the JS SDK's getFirstListItem sends (skipTotal=1).
func pbSlugQuery(slug, expand string) url.Values {
	q := url.Values{"filter": {"(slug='" + slug + "')"}, "perPage": {"1"}, "skipTotal": {"1"}}
	if expand != "" {
		q.Set("expand", expand)
	}
	return q
}

func cmsListQuery(page int) url.Values {
	return url.Values{"limit": {"20"}, "sort": {"-publishedAt"}, "depth": {"0"}, "page": {strconv.Itoa(page)}}
}

func pbListQuery(page int) url.Values {
	return url.Values{"perPage": {"20"}, "sort": {"-publishedAt"}, "page": {strconv.Itoa(page)}}
}

func cmsSearchQuery(word string) url.Values {
	return url.Values{"where[title][like]": {word}, "depth": {"0"}}
}

// pbSearchQuery sorts as the CMS's list does by default (-createdAt), so
// both return the same ten pages.
func pbSearchQuery(word string) url.Values {
	return url.Values{"filter": {"(title~'" + word + "')"}, "perPage": {"10"}, "sort": {"-createdAt"}}
}

// runPeer checks that both sides answer the same documents, then measures
// every peer scenario on both, alternating which side goes first.
func runPeer(ctx context.Context, log *slog.Logger, load bench.Load, cmsURL string, cmsPID int, pb *pbServer, c pbCopy, bin string, ds *bench.Dataset) (*Peer, error) {
	p := &Peer{Binary: bin, Version: pb.version, Media: c.Media, Pages: c.Pages, CopySeconds: c.Seconds}
	checks, err := checkPeer(ctx, cmsURL, pb.url, ds)
	if err != nil {
		return nil, err
	}
	p.Checks = checks
	for k, sc := range peerScenarios(cmsURL, pb.url, ds) {
		row := PeerRow{Name: sc.name, CMSRequest: "GET /api/pages?" + sc.cmsDesc, PBRequest: "GET /api/collections/pages/records?" + sc.pbDesc, First: "cms"}
		sides := []struct {
			side *PeerSide
			req  bench.NewRequest
			pid  int
			name string
		}{{&row.CMS, sc.cms, cmsPID, "cms"}, {&row.PocketBase, sc.pb, pb.proc.cmd.Process.Pid, "pocketbase"}}
		if k%2 == 1 { // alternate, so a load that drifts through the run favours neither side
			slices.Reverse(sides)
			row.First = "pocketbase"
		}
		for _, s := range sides {
			log.Info("load", "pages", ds.Pages, "scenario", sc.name, "side", s.name, "conns", load.Conns, "duration", load.Duration.String())
			if *s.side, err = measureSide(ctx, load, s.req, s.pid); err != nil {
				return nil, fmt.Errorf("%s (%s): %w", sc.name, s.name, err)
			}
		}
		row.RPSRatio = ratio(row.CMS.Result.RPS, row.PocketBase.Result.RPS)
		row.P99Ratio = ratio(row.CMS.P99Ms, row.PocketBase.P99Ms)
		row.CPURatio = ratio(row.CMS.CPUMs, row.PocketBase.CPUMs)
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

// measureSide warms up, then measures one side of a scenario with the CPU
// its server process used in the measured window.
func measureSide(ctx context.Context, load bench.Load, req bench.NewRequest, pid int) (PeerSide, error) {
	w, err := measureWindow(ctx, load, req, pid, nil)
	if err != nil {
		return PeerSide{}, err
	}
	return PeerSide{Result: w.res, P99Ms: ms(w.res.P99), PeakRSS: w.rss, CPUMs: w.cpuMs}, nil
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times (100 on
// every Linux the bench runs on).
const clockTicks = 100

// procCPU is pid's user+system CPU time so far.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("cpu of %d: %w", pid, err)
	}
	return parseStatCPU(string(b))
}

// parseStatCPU reads utime and stime (fields 14 and 15) of a
// /proc/<pid>/stat line; the command name (field 2) may hold spaces and
// parentheses, so fields are counted after its last ')'.
func parseStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("parse /proc stat: no command name in %.80q", stat)
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("parse /proc stat: %d fields after the name", len(f))
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse /proc stat: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// checkPeer makes sure the measured requests do the same work on both
// sides: the slug read finds the page with its hero, the rich text is the
// same bytes, and the list and the search return the same pages and totals.
func checkPeer(ctx context.Context, cmsURL, pbURL string, ds *bench.Dataset) ([]string, error) {
	slug := ds.Slugs[len(ds.Slugs)/2]
	var cmsOne, cmsHero cmsPage
	var pbOne, pbHero pbList
	if err := getJSON(ctx, cmsURL+"/api/pages?"+cmsSlugQuery(slug, 0).Encode(), &cmsOne); err != nil {
		return nil, err
	}
	if err := getJSON(ctx, cmsURL+"/api/pages?"+cmsSlugQuery(slug, 1).Encode(), &cmsHero); err != nil {
		return nil, err
	}
	pbRecords := pbURL + "/api/collections/pages/records?"
	if err := getJSON(ctx, pbRecords+pbSlugQuery(slug, "").Encode(), &pbOne); err != nil {
		return nil, err
	}
	if err := getJSON(ctx, pbRecords+pbSlugQuery(slug, "hero").Encode(), &pbHero); err != nil {
		return nil, err
	}
	if len(cmsOne.Docs) != 1 || len(pbOne.Items) != 1 || len(cmsHero.Docs) != 1 {
		return nil, fmt.Errorf("slug %s: %s: %d and %d documents", slug, peerMismatch, len(cmsOne.Docs), len(pbOne.Items))
	}
	hero, err := pbHeroFilename(pbHero)
	if err != nil {
		return nil, err
	}
	var cmsHeroDoc struct {
		Filename string `json:"filename"`
	}
	_ = json.Unmarshal(cmsHero.Docs[0]["heroImage"], &cmsHeroDoc)
	if cmsHeroDoc.Filename != hero {
		return nil, fmt.Errorf("slug %s: %s: hero %q and %q", slug, peerMismatch, cmsHeroDoc.Filename, hero)
	}
	checks := []string{"slug " + slug + ": one page on both sides, hero " + hero + " populated/expanded on both",
		"rich text (content) of " + slug + ": " + bytesNote(cmsOne.Docs[0]["content"], pbOne.Items[0]["content"])}
	var cmsList, cmsSearch cmsPage
	var pbL, pbSearch pbList
	word := ds.SearchWords[0]
	for _, q := range []struct {
		what     string
		cms, pb  string
		cOut     *cmsPage
		pOut     *pbList
		describe string
	}{
		{"list page 1", cmsListQuery(1).Encode(), pbListQuery(1).Encode(), &cmsList, &pbL, "list 20 page 1"},
		{"search " + word, cmsSearchQuery(word).Encode(), pbSearchQuery(word).Encode(), &cmsSearch, &pbSearch, "title search " + word},
	} {
		if err := getJSON(ctx, cmsURL+"/api/pages?"+q.cms, q.cOut); err != nil {
			return nil, err
		}
		if err := getJSON(ctx, pbRecords+q.pb, q.pOut); err != nil {
			return nil, err
		}
		note, err := sameAnswer(q.describe, *q.cOut, *q.pOut)
		if err != nil {
			return nil, err
		}
		checks = append(checks, note)
	}
	return checks, nil
}

// printPeer prints the side-by-side table of one data set.
func printPeer(w io.Writer, p *Peer) {
	fmt.Fprintf(w, "\nPocketBase %s side by side (%s): %d media and %d pages copied from the CMS in %.1f s; same load, one side after the other\n",
		p.Version, p.Binary, p.Media, p.Pages, p.CopySeconds)
	for _, c := range p.Checks {
		fmt.Fprintf(w, "  checked: %s\n", c)
	}
	fmt.Fprintf(w, "%-24s %9s %9s %7s %8s %8s %7s %9s %9s %7s %8s %8s %6s\n", "scenario", "CMS r/s", "PB r/s", "×PB",
		"CMS p99", "PB p99", "×PB", "CMS cpu", "PB cpu", "×PB", "CMS KB", "PB KB", "errors")
	for _, r := range p.Rows {
		fmt.Fprintf(w, "%-24s %9.0f %9.0f %7.2f %8.1f %8.1f %7.2f %9.3f %9.3f %7.2f %8.1f %8.1f %6d\n", r.Name,
			r.CMS.Result.RPS, r.PocketBase.Result.RPS, r.RPSRatio, r.CMS.P99Ms, r.PocketBase.P99Ms, r.P99Ratio,
			r.CMS.CPUMs, r.PocketBase.CPUMs, r.CPURatio, float64(r.CMS.Result.BodyBytes)/1024, float64(r.PocketBase.Result.BodyBytes)/1024,
			r.CMS.Result.Errors+r.PocketBase.Result.Errors)
	}
	var cmsRSS, pbRSS int64
	for _, r := range p.Rows {
		cmsRSS, pbRSS = max(cmsRSS, r.CMS.PeakRSS), max(pbRSS, r.PocketBase.PeakRSS)
	}
	fmt.Fprintln(w, "  (p99 in ms; cpu = the server process's user+system CPU ms per request; KB = mean response body)")
	fmt.Fprintf(w, "  peak RSS over these scenarios: CMS %.1f MiB, PocketBase %.1f MiB\n", float64(cmsRSS)/(1<<20), float64(pbRSS)/(1<<20))
}

// sideBySide starts PocketBase, copies the CMS's documents into it,
// measures the peer scenarios and stops it.
func sideBySide(ctx context.Context, o options, log *slog.Logger, load bench.Load, cmsURL string, cmsPID int, dir string, ds *bench.Dataset) (*Peer, error) {
	pb, c, err := startPeer(ctx, log, o.pocketbase, dir, cmsURL)
	if err != nil {
		return nil, err
	}
	defer pb.proc.stop()
	return runPeer(ctx, log, load, cmsURL, cmsPID, pb, c, o.pocketbase, ds)
}

// uncached turns the CMS's response cache off unless env sets its size.
func uncached(env []string) []string {
	if slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, contract.CMSCacheBytes+"=") }) {
		return env
	}
	return append(env, contract.CMSCacheBytes+"=0")
}

// selected reports whether a CMS scenario runs: --only picks them; with
// --pocketbase and no --only, none does (the side-by-side ones run).
func (o options) selected(name string) bool {
	if o.pocketbase != "" && len(o.only) == 0 {
		return false
	}
	return selected(o.only, name)
}

// peerGoals are issue 15's "every read at ≥ 1.0× PocketBase's req/s,
// uncached, in the same run with the same data", one per scenario.
func peerGoals(run Run) []Goal {
	if run.PocketBase == nil {
		return nil
	}
	var out []Goal
	for _, r := range run.PocketBase.Rows {
		out = append(out, Goal{fmt.Sprintf("%s vs PocketBase (%d pages)", r.Name, run.Pages), "≥ 1.0× its req/s",
			fmt.Sprintf("%.2f× (%.0f vs %.0f req/s)", r.RPSRatio, r.CMS.Result.RPS, r.PocketBase.Result.RPS), r.RPSRatio >= 1})
		if n := r.PocketBase.Result.Errors; n > 0 {
			out = append(out, Goal{fmt.Sprintf("%s PocketBase errors (%d pages)", r.Name, run.Pages), "0",
				fmt.Sprintf("%d (first: %s)", n, r.PocketBase.Result.FirstError), false})
		}
		if n := r.CMS.Result.Errors; n > 0 {
			out = append(out, Goal{fmt.Sprintf("%s CMS errors (%d pages)", r.Name, run.Pages), "0",
				fmt.Sprintf("%d (first: %s)", n, r.CMS.Result.FirstError), false})
		}
	}
	return out
}
