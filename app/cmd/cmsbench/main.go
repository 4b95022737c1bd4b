// Command cmsbench measures the CMS: it starts a throwaway PostgreSQL (or
// uses BENCH_POSTGRES_URL), seeds a realistic data set, runs the CMS binary
// as a separate process and drives HTTP load at it over loopback, next to a
// minimal gin + pgx baseline answering the same slug lookup. It prints
// req/s, latency percentiles, errors and the CMS's peak RSS per scenario,
// each as a ratio to the baseline, plus cold start and binary size.
//
//	go run ./app/cmd/cmsbench            # table
//	go run ./app/cmd/cmsbench --json     # JSON
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/bench"
	"github.com/automatonic/chronos/app/internal/config"
	"github.com/automatonic/chronos/app/internal/server"
	"github.com/automatonic/chronos/app/internal/testenv"
	"github.com/jackc/pgx/v5"
)

// envPostgresURL names an existing, empty database to bench against instead
// of a throwaway cluster.
const envPostgresURL = "BENCH_POSTGRES_URL"

// baselineCmd is the hidden sub-command the bench re-executes itself with to
// run the baseline server in its own process.
const baselineCmd = "__baseline"

// Goals of issue 8.
const (
	goalSlugRatio = 0.5
	goalSlugP99   = 20 * time.Millisecond
	goalColdStart = 150 * time.Millisecond
	goalTotal     = 5 * time.Minute
)

// Goals of issue 15 (scale mode).
const (
	goalScaleTotal = 10 * time.Minute
	goalScaleP99   = 50 * time.Millisecond
)

type options struct {
	json        bool
	jsonFile    string
	conns       int
	duration    time.Duration
	warmup      time.Duration
	maxReqs     int
	pages       int
	media       int
	coldStarts  int
	cmsBin      string
	poolSize    int
	cmsEnv      []string
	sqlite      bool
	only        []string
	smallPages  int
	smallMedia  int
	seedService bool
	pprofDir    string
	crawlBudget time.Duration
	pocketbase  string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) == 5 && os.Args[1] == baselineCmd {
		n, _ := strconv.Atoi(os.Args[4])
		if err := serveBaseline(ctx, os.Args[2], os.Getenv(os.Args[3]), n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	var o options
	fs := flag.NewFlagSet("cmsbench", flag.ExitOnError)
	fs.BoolVar(&o.json, "json", false, "print the report as JSON instead of a table")
	fs.StringVar(&o.jsonFile, "json-file", "", "also write the report as JSON to this file (the table still prints)")
	fs.IntVar(&o.conns, "conns", 50, "concurrent connections per scenario")
	fs.DurationVar(&o.duration, "duration", 8*time.Second, "measured time per scenario")
	fs.DurationVar(&o.warmup, "warmup", 1500*time.Millisecond, "unmeasured warm-up per scenario")
	fs.IntVar(&o.maxReqs, "max-requests", 500_000, "cap on measured requests per scenario")
	fs.IntVar(&o.pages, "pages", 5000, "pages to seed")
	fs.IntVar(&o.media, "media", 2000, "media documents to seed")
	fs.IntVar(&o.coldStarts, "cold-starts", 7, "cold start measurements (the median is reported)")
	fs.StringVar(&o.cmsBin, "cms-bin", "", "use this cms binary instead of building one")
	fs.IntVar(&o.poolSize, "pool", 10, "database pool size of the CMS and the baseline ("+contract.CMSDBMaxConns+")")
	fs.IntVar(&o.smallPages, "small-pages", 5000, "scale mode: when --pages is larger, every scenario also runs on this many pages and the report gives the ratios")
	fs.IntVar(&o.smallMedia, "small-media", 2000, "scale mode: media of the small data set")
	fs.BoolVar(&o.seedService, "seed-service", false, "seed through the content service one document at a time instead of in bulk")
	fs.StringVar(&o.pprofDir, "pprof", "", "build the cms with -tags pprof and save its CPU, block and mutex profiles of every CMS scenario in this directory (<pages>-<scenario>-cpu.pprof …)")
	fs.DurationVar(&o.crawlBudget, "crawl-budget", 2*time.Minute, "stop the front-end build crawl after this long and report the pages crawled and the projected time for all (0: crawl every page)")
	fs.StringVar(&o.pocketbase, "pocketbase", "", "also run this PocketBase binary (scripts/pocketbase.sh builds one) on the same documents and measure the reads side by side; the CMS runs uncached and only the side-by-side scenarios (and the baseline) run unless --only names others")
	fs.BoolVar(&o.sqlite, "sqlite", false, "run the CMS (and the baseline) on an embedded SQLite file instead of PostgreSQL")
	fs.Func("only", "run only the scenarios whose name contains one of these comma-separated words (the baseline always runs)", func(v string) error {
		o.only = strings.Split(v, ",")
		return nil
	})
	fs.Func("cms-env", "extra KEY=VALUE for the CMS process, repeatable (e.g. "+contract.CMSCacheBytes+"=0 to measure without the response cache)", func(kv string) error {
		if !strings.Contains(kv, "=") {
			return fmt.Errorf("want KEY=VALUE, got %q", kv)
		}
		o.cmsEnv = append(o.cmsEnv, kv)
		return nil
	})
	_ = fs.Parse(os.Args[1:])
	scaleBudget(fs, &o)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	rep, err := runBench(ctx, o, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cmsbench:", err)
		os.Exit(1)
	}
	if o.jsonFile != "" {
		if err := writeJSON(o.jsonFile, rep); err != nil {
			fmt.Fprintln(os.Stderr, "cmsbench:", err)
			os.Exit(1)
		}
	}
	if o.json {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return
	}
	printTable(os.Stdout, rep)
}

// Scale mode's per-scenario times: two data sets of about 17 scenarios
// each, two seeds and two crawls must fit the 10-minute goal.
const (
	scaleDuration = 4 * time.Second
	scaleWarmup   = time.Second
)

// scaleBudget shortens each scenario in scale mode (--pages above
// --small-pages) unless --duration or --warmup was given.
func scaleBudget(fs *flag.FlagSet, o *options) {
	if o.smallPages <= 0 || o.smallPages >= o.pages {
		return
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["duration"] {
		o.duration = scaleDuration
	}
	if !set["warmup"] {
		o.warmup = scaleWarmup
	}
}

// writeJSON writes the report as indented JSON to path.
func writeJSON(path string, rep *Report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Scenario is one row of the report.
type Scenario struct {
	Name      string       `json:"name"`
	Request   string       `json:"request"`
	Result    bench.Result `json:"result"`
	PeakRSS   int64        `json:"peakRssBytes"`
	RPSRatio  float64      `json:"rpsRatioToBaseline"`
	P50Ratio  float64      `json:"p50RatioToBaseline"`
	P95Ratio  float64      `json:"p95RatioToBaseline"`
	P99Ratio  float64      `json:"p99RatioToBaseline"`
	IsBase    bool         `json:"baseline,omitempty"`
	P99Millis float64      `json:"p99Ms"`
	// CPUMs is the server process's user+system CPU per measured request;
	// DBCPUMs the PostgreSQL backends' of the bench's database (0 on
	// SQLite, or when they cannot be read).
	CPUMs   float64 `json:"cpuMsPerRequest"`
	DBCPUMs float64 `json:"dbCpuMsPerRequest,omitempty"`
}

// Goal is one goal of the issue and whether this run met it.
type Goal struct {
	Name     string `json:"name"`
	Target   string `json:"target"`
	Measured string `json:"measured"`
	Met      bool   `json:"met"`
}

// Report is everything one run measured.
type Report struct {
	Date           string        `json:"date"`
	Cores          int           `json:"cores"`
	GoVersion      string        `json:"goVersion"`
	Platform       string        `json:"platform"`
	Conns          int           `json:"connections"`
	ScenarioTime   string        `json:"scenarioDuration"`
	Pages          int           `json:"pages"`
	Media          int           `json:"media"`
	SeedSeconds    float64       `json:"seedSeconds"`
	CMSMode        string        `json:"cmsMode"`
	Scenarios      []Scenario    `json:"scenarios"`
	ColdStarts     []float64     `json:"coldStartMs"`
	ColdStartMed   float64       `json:"coldStartMedianMs"`
	BinaryBytes    int64         `json:"binaryBytes"`
	ImageSize      string        `json:"containerImage"`
	BaselineRSS    int64         `json:"baselinePeakRssBytes"`
	CMSPeakRSS     int64         `json:"cmsPeakRssBytes"`
	TotalSeconds   float64       `json:"totalSeconds"`
	Goals          []Goal        `json:"goals"`
	Runs           []Run         `json:"runs"`
	Scale          []ScaleRow    `json:"scale,omitempty"`
	totalDuration  time.Duration `json:"-"`
	peakRSSPerScen bool
}

func runBench(ctx context.Context, o options, log *slog.Logger) (*Report, error) {
	began := time.Now()
	rep := &Report{Date: began.UTC().Format(time.RFC3339), Cores: runtime.NumCPU(), GoVersion: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH, Conns: o.conns, ScenarioTime: o.duration.String(),
		Pages: o.pages, Media: o.media}
	sizes := []dataSize{{o.pages, o.media}}
	if o.smallPages > 0 && o.smallPages < o.pages {
		// Scale mode: the same scenarios on a small and a large data set,
		// uncached unless told otherwise (the cache would hide the database).
		sizes = []dataSize{{o.smallPages, o.smallMedia}, {o.pages, o.media}}
		o.cmsEnv = uncached(o.cmsEnv)
	}
	if o.pocketbase != "" {
		o.cmsEnv = uncached(o.cmsEnv)
	}
	rep.CMSMode = "development (no S3: local disk), " + dialectName(o) + ", " + contract.CMSDBMaxConns + "=" + strconv.Itoa(o.poolSize) + cmsEnvNote(o.cmsEnv)
	tmp, err := os.MkdirTemp("", "cmsbench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	// The cms binary, built the way `make build` does (static, stripped).
	bin := o.cmsBin
	if bin == "" {
		bin = filepath.Join(tmp, "cms")
		log.Info("building the cms binary", "flags", `CGO_ENABLED=0 -trimpath -tags timetzdata,nodynamic,nomsgpack -ldflags "-s -w"`)
		if err := buildCMS(ctx, bin, o.pprofDir != ""); err != nil {
			return nil, err
		}
	}
	fi, err := os.Stat(bin)
	if err != nil {
		return nil, err
	}
	rep.BinaryBytes = fi.Size()
	rep.ImageSize = "not measurable here (no Docker engine); lower bound is the binary size"

	for i, size := range sizes {
		run, err := runSize(ctx, o, log, bin, filepath.Join(tmp, "run"+strconv.Itoa(i)), size, i == 0)
		if err != nil {
			return nil, fmt.Errorf("%d pages: %w", size.pages, err)
		}
		if i == 0 {
			rep.ColdStarts, rep.ColdStartMed = run.coldStarts, run.coldStartMed
		}
		rep.peakRSSPerScen = run.peakRSSPerScen
		rep.Runs = append(rep.Runs, run)
	}
	last := rep.Runs[len(rep.Runs)-1]
	rep.Pages, rep.Media, rep.SeedSeconds, rep.Scenarios = last.Pages, last.Media, last.SeedSeconds, last.Scenarios
	rep.BaselineRSS, rep.CMSPeakRSS = last.BaselineRSS, last.CMSPeakRSS
	if len(rep.Runs) == 2 {
		rep.Scale = scaleRows(rep.Runs[0], rep.Runs[1])
	}
	rep.totalDuration = time.Since(began)
	rep.TotalSeconds = rep.totalDuration.Seconds()
	rep.Goals = goals(o, rep)
	return rep, nil
}

// dataSize is one data set of a run.
type dataSize struct{ pages, media int }

// Run is the measurement of one data set.
type Run struct {
	Pages          int        `json:"pages"`
	Media          int        `json:"media"`
	SeedSeconds    float64    `json:"seedSeconds"`
	SeedMode       string     `json:"seedMode"`
	Scenarios      []Scenario `json:"scenarios"`
	Crawl          *Crawl     `json:"crawl,omitempty"`
	PocketBase     *Peer      `json:"pocketbase,omitempty"`
	BaselineRSS    int64      `json:"baselinePeakRssBytes"`
	CMSPeakRSS     int64      `json:"cmsPeakRssBytes"`
	coldStarts     []float64
	coldStartMed   float64
	peakRSSPerScen bool
}

// Crawl is the front-end build scenario: every published page by slug at
// depth=1, a fixed number of requests in flight, timed as a whole.
type Crawl struct {
	Pages    int  `json:"pages"`
	Total    int  `json:"totalPages"`
	Complete bool `json:"complete"`
	// Projected is the time every page would take at this crawl's rate
	// (Seconds when Complete).
	Projected float64 `json:"projectedSeconds"`
	Requests  int     `json:"requests"` // each page with the header and footer
	Parallel  int     `json:"parallel"`
	Seconds   float64 `json:"seconds"`
	RPS       float64 `json:"rps"`
	Errors    int     `json:"errors"`
}

// ScaleRow compares one scenario at the two sizes.
type ScaleRow struct {
	Name     string  `json:"name"`
	SmallRPS float64 `json:"smallRps"`
	LargeRPS float64 `json:"largeRps"`
	RPSRatio float64 `json:"rpsRatioLargeToSmall"`
	// NormRatio is RPSRatio with each size's req/s first divided by its
	// own baseline's: the figure to read when the machine's load changed
	// between the two sizes (a shared machine).
	NormRatio  float64 `json:"rpsRatioLargeToSmallPerBaseline"`
	SmallP99Ms float64 `json:"smallP99Ms"`
	LargeP99Ms float64 `json:"largeP99Ms"`
}

func scaleRows(small, large Run) []ScaleRow {
	var out []ScaleRow
	for _, l := range large.Scenarios {
		for _, s := range small.Scenarios {
			if s.Name == l.Name {
				out = append(out, ScaleRow{Name: l.Name, SmallRPS: s.Result.RPS, LargeRPS: l.Result.RPS, RPSRatio: ratio(l.Result.RPS, s.Result.RPS),
					NormRatio: ratio(l.RPSRatio, s.RPSRatio), SmallP99Ms: s.P99Millis, LargeP99Ms: l.P99Millis})
			}
		}
	}
	if small.Crawl != nil && large.Crawl != nil {
		out = append(out, ScaleRow{Name: "crawl (req/s)", SmallRPS: small.Crawl.RPS, LargeRPS: large.Crawl.RPS, RPSRatio: ratio(large.Crawl.RPS, small.Crawl.RPS)})
	}
	return out
}

// runSize seeds one data set and measures every scenario on it.
func runSize(ctx context.Context, o options, log *slog.Logger, bin, tmp string, size dataSize, coldStarts bool) (Run, error) {
	run := Run{Pages: size.pages, Media: size.media, SeedMode: "bulk (service-validated, COPY)"}
	if o.sqlite {
		run.SeedMode = "bulk (service-validated, multi-row INSERT)"
	}
	if o.seedService {
		run.SeedMode = "content service, one document at a time"
	}
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return run, err
	}
	// 1. PostgreSQL (or, with --sqlite, the file the CMS will open).
	dataDir := filepath.Join(tmp, "data")
	dbURL := os.Getenv(envPostgresURL)
	if o.sqlite {
		dbURL = ""
	} else if dbURL == "" {
		log.Info("starting a throwaway PostgreSQL")
		u, stopPG, err := testenv.StartPostgres(ctx)
		if err != nil {
			return run, err
		}
		defer stopPG()
		dbURL = u
	}

	// 2. Schema and data.
	log.Info("seeding", "pages", size.pages, "media", size.media, "mode", run.SeedMode)
	ds, err := seed(ctx, dbURL, dataDir, o, size)
	if err != nil {
		return run, err
	}
	run.SeedSeconds = ds.SeedTime.Seconds()
	log.Info("seeded", "took", ds.SeedTime.Round(time.Millisecond).String())

	secret := randomHex(32)
	cmsEnv := func(addr string) []string {
		env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
			return strings.HasPrefix(kv, "CMS_") || strings.HasPrefix(kv, "POSTGRES_") || strings.HasPrefix(kv, "S3_") || strings.HasPrefix(kv, "PAYLOAD_")
		})
		if dbURL != "" {
			env = append(env, contract.PostgresURL+"="+dbURL)
		}
		env = append(env, contract.PayloadSecret+"="+secret, contract.CMSEnv+"=development",
			contract.CMSDataDir+"="+dataDir, contract.CMSLogLevel+"=warn", contract.CMSAddr+"="+addr,
			contract.CMSDBMaxConns+"="+strconv.Itoa(o.poolSize), contract.CMSAutoMigrate+"=false")
		return append(env, o.cmsEnv...)
	}

	// 3. Cold start: process start to the first 200 on /readyz.
	if coldStarts {
		for i := range o.coldStarts {
			d, err := coldStart(ctx, bin, tmp, cmsEnv)
			if err != nil {
				return run, fmt.Errorf("cold start %d: %w", i+1, err)
			}
			run.coldStarts = append(run.coldStarts, float64(d.Microseconds())/1000)
		}
		sorted := slices.Clone(run.coldStarts)
		slices.Sort(sorted)
		if len(sorted) > 0 {
			run.coldStartMed = sorted[len(sorted)/2]
		}
		log.Info("cold start", "median_ms", run.coldStartMed, "runs", run.coldStarts)
	}

	// 4. The CMS and the baseline, each in its own process.
	cmsAddr, err := freeAddr()
	if err != nil {
		return run, err
	}
	serveEnv := cmsEnv(cmsAddr)
	var pprofAddr string
	if o.pprofDir != "" {
		if pprofAddr, err = freeAddr(); err != nil {
			return run, err
		}
		serveEnv = append(serveEnv, "CMSBENCH_PPROF_ADDR="+pprofAddr)
	}
	cms, err := startProc(ctx, bin, []string{"serve", "--env-file", os.DevNull}, tmp, serveEnv)
	if err != nil {
		return run, err
	}
	defer cms.stop()
	if _, err := waitReady(ctx, "http://"+cmsAddr+"/readyz", cms, 30*time.Second); err != nil {
		return run, fmt.Errorf("cms: %w", err)
	}
	self, err := os.Executable()
	if err != nil {
		return run, err
	}
	baseAddr, err := freeAddr()
	if err != nil {
		return run, err
	}
	baseDB := dbURL
	if o.sqlite {
		baseDB = sqliteScheme + filepath.Join(dataDir, "chronos.db")
	}
	baseEnv := append(os.Environ(), "CMSBENCH_BASELINE_DB="+baseDB)
	base, err := startProc(ctx, self, []string{baselineCmd, baseAddr, "CMSBENCH_BASELINE_DB", strconv.Itoa(o.poolSize)}, tmp, baseEnv)
	if err != nil {
		return run, err
	}
	defer base.stop()
	if _, err := waitReady(ctx, "http://"+baseAddr+"/healthz", base, 30*time.Second); err != nil {
		return run, fmt.Errorf("baseline: %w", err)
	}
	token, err := login(ctx, "http://"+cmsAddr, ds)
	if err != nil {
		return run, err
	}
	if err := checkSlugRead(ctx, "http://"+cmsAddr, ds.Slugs[0]); err != nil {
		return run, err
	}

	// 5. Load.
	load := bench.Load{Conns: o.conns, Duration: o.duration, MaxRequests: o.maxReqs, Warmup: o.warmup, Timeout: 10 * time.Second}
	backends, err := openBackends(ctx, dbURL)
	if err != nil {
		return run, err
	}
	defer backends.close(context.WithoutCancel(ctx))
	var baseRes bench.Result
	for _, sc := range scenarios("http://"+cmsAddr, "http://"+baseAddr, ds, token, cms.cmd.Process.Pid, base.cmd.Process.Pid) {
		if (!sc.base && !o.selected(sc.name)) || (o.sqlite && sc.name == baselineDepth1) {
			continue
		}
		run.peakRSSPerScen = bench.ResetPeakRSS(sc.pid) == nil
		log.Info("load", "pages", size.pages, "scenario", sc.name, "conns", o.conns, "duration", o.duration.String())
		var profiled <-chan error
		if pprofAddr != "" && !sc.base {
			profiled = profile(ctx, pprofAddr, o.pprofDir, fmt.Sprintf("%d-%s", size.pages, sc.name), o.warmup, o.duration)
		}
		w, err := measureWindow(ctx, load, sc.req, sc.pid, backends)
		if err != nil {
			return run, fmt.Errorf("%s: %w", sc.name, err)
		}
		if profiled != nil {
			if err := <-profiled; err != nil {
				return run, err
			}
		}
		res, rss := w.res, w.rss
		s := Scenario{Name: sc.name, Request: sc.desc, Result: res, PeakRSS: rss, IsBase: sc.base, P99Millis: ms(res.P99),
			CPUMs: w.cpuMs, DBCPUMs: w.dbMs}
		if sc.name == baselineName {
			baseRes = res
			run.BaselineRSS = rss
		}
		s.RPSRatio = ratio(res.RPS, baseRes.RPS)
		s.P50Ratio = ratio(float64(res.P50), float64(baseRes.P50))
		s.P95Ratio = ratio(float64(res.P95), float64(baseRes.P95))
		s.P99Ratio = ratio(float64(res.P99), float64(baseRes.P99))
		run.Scenarios = append(run.Scenarios, s)
		if !sc.base {
			run.CMSPeakRSS = max(run.CMSPeakRSS, rss)
		}
	}
	if o.pocketbase != "" {
		if run.PocketBase, err = sideBySide(ctx, o, log, load, "http://"+cmsAddr, cms.cmd.Process.Pid, filepath.Join(tmp, "pocketbase"), ds); err != nil {
			return run, err
		}
	}
	if o.selected("crawl") {
		log.Info("crawl", "pages", size.pages, "parallel", crawlParallel)
		c, err := crawl(ctx, "http://"+cmsAddr, ds, o.crawlBudget)
		if err != nil {
			return run, err
		}
		run.Crawl = c
	}
	return run, nil
}

// profile saves the CMS's CPU, block and mutex profiles over the measured
// part of a scenario (after the warm-up) as dir/<name>-<kind>.pprof.
func profile(ctx context.Context, addr, dir, name string, warmup, d time.Duration) <-chan error {
	done := make(chan error, 1)
	name = strings.NewReplacer(" ", "_", "/", "_", "=", "").Replace(name)
	go func() {
		select { // the load generator's warm-up is not profiled
		case <-time.After(warmup):
		case <-ctx.Done():
			done <- ctx.Err()
			return
		}
		secs := strconv.Itoa(max(1, int(d.Seconds())))
		errs := make(chan error, 3)
		for _, kind := range []string{"profile", "block", "mutex"} {
			go func() {
				errs <- fetchProfile(ctx, "http://"+addr+"/debug/pprof/"+kind+"?seconds="+secs, filepath.Join(dir, name+"-"+kind+".pprof"))
			}()
		}
		var err error
		for range 3 {
			err = errors.Join(err, <-errs)
		}
		done <- err
	}()
	return done
}

func fetchProfile(ctx context.Context, u, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("pprof: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof %s: status %d", u, resp.StatusCode)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("pprof %s: %w", path, err)
	}
	return f.Close()
}

// baselineName is the scenario the others are compared with;
// baselineDepth1 the hand-written equivalent of the slug depth=1 read.
const (
	baselineName   = "baseline slug"
	baselineDepth1 = "baseline slug depth=1"
)

type scenario struct {
	name, desc string
	pid        int
	base       bool
	req        bench.NewRequest
}

func scenarios(cmsURL, baseURL string, ds *bench.Dataset, token string, cmsPID, basePID int) []scenario {
	n := len(ds.Slugs)
	api := func(q func(i int) url.Values) bench.NewRequest {
		return get(func(i int) string { return cmsURL + "/api/pages?" + q(i).Encode() }, "")
	}
	word := func(i int) string { return ds.SearchWords[i%len(ds.SearchWords)] }
	// The admin list: 25 a page, so its middle page is page 2,000 at
	// 100,000 pages.
	middle := max(1, n/25/2)
	admin := func(q string) bench.NewRequest {
		return func(ctx context.Context, i int) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, cmsURL+"/admin/collections/pages?"+q, nil)
			if err != nil {
				return nil, err
			}
			req.AddCookie(&http.Cookie{Name: "payload-token", Value: token})
			return req, nil
		}
	}
	return []scenario{
		{baselineName, "GET /pages/:slug (gin + one query: SELECT data FROM pages WHERE slug=$1)", basePID, true,
			get(func(i int) string { return baseURL + "/pages/" + ds.Slugs[(i*7919)%n] }, "")},
		{baselineDepth1, "GET /pages3/:slug (gin + pgx: the page, then its media, pages and users in one pipelined batch)", basePID, true,
			get(func(i int) string { return baseURL + "/pages3/" + ds.Slugs[(i*7919)%n] }, "")},
		{"slug depth=1", "GET /api/pages?where[slug][equals]=…&depth=1&limit=1", cmsPID, false,
			api(func(i int) url.Values {
				return url.Values{"where[slug][equals]": {ds.Slugs[(i*7919)%n]}, "depth": {"1"}, "limit": {"1"}}
			})},
		{"slug depth=0", "GET /api/pages?where[slug][equals]=…&depth=0&limit=1 (same document as the baseline; informative)", cmsPID, false,
			api(func(i int) url.Values {
				return url.Values{"where[slug][equals]": {ds.Slugs[(i*7919)%n]}, "depth": {"0"}, "limit": {"1"}}
			})},
		{"list 20 -publishedAt", "GET /api/pages?limit=20&sort=-publishedAt&depth=0&page=1..10", cmsPID, false,
			api(func(i int) url.Values {
				return url.Values{"limit": {"20"}, "sort": {"-publishedAt"}, "depth": {"0"}, "page": {strconv.Itoa(1 + i%10)}}
			})},
		{"search title like", "GET /api/pages?where[title][like]=<word>&depth=0 (limit 10)", cmsPID, false,
			api(func(i int) url.Values { return url.Values{"where[title][like]": {word(i)}, "depth": {"0"}} })},
		{"search title contains", "GET /api/pages?where[title][contains]=<word> <word>&depth=0 (limit 10)", cmsPID, false,
			api(func(i int) url.Values {
				return url.Values{"where[title][contains]": {word(i)[1:]}, "depth": {"0"}}
			})},
		{"filter indexed field", "GET /api/pages?where[publishedAt][greater_than_equal]=<month>&sort=publishedAt&limit=20&depth=0", cmsPID, false,
			api(func(i int) url.Values {
				m := time.Date(2024, time.Month(1+i%36), 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
				return url.Values{"where[publishedAt][greater_than_equal]": {m}, "sort": {"publishedAt"}, "limit": {"20"}, "depth": {"0"}}
			})},
		{"header global depth=1", "GET /api/globals/header?depth=1 (six links, four to pages populated)", cmsPID, false,
			get(func(int) string { return cmsURL + "/api/globals/header?depth=1" }, "")},
		{"count", "GET /api/pages/count (all, and where[title][like]=<word>)", cmsPID, false,
			get(func(i int) string {
				if i%2 == 0 {
					return cmsURL + "/api/pages/count"
				}
				return cmsURL + "/api/pages/count?" + url.Values{"where[title][like]": {word(i)}}.Encode()
			}, "")},
		{"admin list page 1", "GET /admin/collections/pages?sort=-updatedAt (signed in)", cmsPID, false, admin("sort=-updatedAt")},
		{"admin list middle page", "GET /admin/collections/pages?sort=-updatedAt&page=<middle> (2,000 at 100k pages)", cmsPID, false,
			admin("sort=-updatedAt&page=" + strconv.Itoa(middle))},
		{"admin list searched", "GET /admin/collections/pages?search=<word>&sort=title", cmsPID, false, admin("sort=title&search=meadow")},
		{"users/me", "GET /api/users/me (Authorization: JWT)", cmsPID, false,
			get(func(int) string { return cmsURL + "/api/users/me" }, token)},
		{"update page", "PATCH /api/pages/:id?depth=0 {title} (Authorization: JWT; versions on)", cmsPID, false,
			func(ctx context.Context, i int) (*http.Request, error) {
				id := ds.PageIDs[(i*104729)%n]
				body, _ := json.Marshal(map[string]any{"title": fmt.Sprintf("Updated page %d rev %d", id, i)})
				req, err := http.NewRequestWithContext(ctx, http.MethodPatch, cmsURL+"/api/pages/"+strconv.FormatInt(id, 10)+"?depth=0", bytes.NewReader(body))
				if err != nil {
					return nil, err
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "JWT "+token)
				return req, nil
			}},
	}
}

// crawlParallel is how many pages `next build` renders at a time here.
const crawlParallel = 8

// crawlGlobals are the globals every rendered page shows; the website
// template's layout fetches them with depth=1.
var crawlGlobals = []string{"header", "footer"}

// crawl fetches every published page by slug at depth=1 and, per page,
// the header and footer at depth=1 (the template's layout reads them for
// every page it renders), crawlParallel pages at a time, as a static site
// build does, and times the whole. A budget above zero stops it early:
// then it reports the pages it crawled and projects the time for all.
func crawl(ctx context.Context, cmsURL string, ds *bench.Dataset, budget time.Duration) (*Crawl, error) {
	per := 1 + len(crawlGlobals)
	if budget <= 0 {
		budget = 24 * time.Hour
	}
	load := bench.Load{Conns: crawlParallel * per, Duration: budget, MaxRequests: len(ds.Slugs) * per, Timeout: 10 * time.Second}
	res, err := bench.Run(ctx, load, get(func(i int) string {
		if k := i % per; k > 0 {
			return cmsURL + "/api/globals/" + crawlGlobals[k-1] + "?depth=1"
		}
		return cmsURL + "/api/pages?" + url.Values{"where[slug][equals]": {ds.Slugs[i/per]}, "depth": {"1"}, "limit": {"1"}}.Encode()
	}, ""))
	if err != nil {
		return nil, fmt.Errorf("crawl: %w", err)
	}
	c := &Crawl{Pages: res.Requests / per, Total: len(ds.Slugs), Requests: res.Requests, Parallel: crawlParallel, Seconds: res.Elapsed.Seconds(), RPS: res.RPS, Errors: res.Errors}
	c.Complete = c.Pages >= c.Total
	c.Projected = c.Seconds
	if !c.Complete && c.Pages > 0 {
		c.Projected = c.Seconds * float64(c.Total) / float64(c.Pages)
	}
	return c, nil
}

// goals are issue 8's (on the first data set) and, in scale mode, issue
// 15's: every list/search/count scenario at the large size within 2× of
// the small one and p99 < 50 ms.
func goals(o options, rep *Report) []Goal {
	var out []Goal
	first := rep.Runs[0]
	var base, base3, slug *Scenario
	for i := range first.Scenarios {
		switch first.Scenarios[i].Name {
		case baselineName:
			base = &first.Scenarios[i]
		case baselineDepth1:
			base3 = &first.Scenarios[i]
		case "slug depth=1":
			slug = &first.Scenarios[i]
		}
	}
	if base3 != nil && slug != nil {
		r := ratio(slug.Result.RPS, base3.Result.RPS)
		out = append(out, Goal{"slug depth=1 vs the pipelined pgx depth=1 baseline", "≥ 0.8× its req/s",
			fmt.Sprintf("%.2f× (%.0f vs %.0f req/s)", r, slug.Result.RPS, base3.Result.RPS), r >= 0.8})
	}
	if base != nil && slug != nil {
		out = append(out,
			Goal{"slug read throughput", fmt.Sprintf("≥ %.1f× baseline req/s", goalSlugRatio),
				fmt.Sprintf("%.2f× (%.0f vs %.0f req/s)", slug.RPSRatio, slug.Result.RPS, base.Result.RPS), slug.RPSRatio >= goalSlugRatio},
			Goal{"slug read p99 at " + strconv.Itoa(o.conns) + " connections", "< 20 ms",
				fmt.Sprintf("%.1f ms", slug.P99Millis), slug.Result.P99 < goalSlugP99 && o.conns >= 50})
	}
	out = append(out, Goal{"cold start to first 200 on /readyz (median)", "< 150 ms",
		fmt.Sprintf("%.1f ms (runs: %v)", rep.ColdStartMed, rep.ColdStarts), rep.ColdStartMed > 0 && rep.ColdStartMed < ms(goalColdStart)})
	limit, name := goalTotal, "< 5 min"
	if len(rep.Runs) > 1 {
		limit, name = goalScaleTotal, "< 10 min"
		for _, r := range rep.Scale {
			if !scaleGoal(r.Name) {
				continue
			}
			out = append(out,
				Goal{r.Name + " at scale", "≥ 0.5× the small set's req/s", fmt.Sprintf("%.2f× (%.0f vs %.0f req/s)", r.RPSRatio, r.LargeRPS, r.SmallRPS), r.RPSRatio >= 0.5},
				Goal{r.Name + " p99 at scale", "< 50 ms", fmt.Sprintf("%.1f ms", r.LargeP99Ms), r.LargeP99Ms < ms(goalScaleP99)})
		}
	}
	out = append(out, Goal{"whole bench", name, fmt.Sprintf("%.0f s", rep.TotalSeconds), rep.totalDuration < limit})
	for _, run := range rep.Runs {
		out = append(out, peerGoals(run)...)
	}
	for _, run := range rep.Runs {
		for _, s := range run.Scenarios {
			if s.Result.Errors > 0 {
				out = append(out, Goal{fmt.Sprintf("%s errors (%d pages)", s.Name, run.Pages), "0", fmt.Sprintf("%d (first: %s)", s.Result.Errors, s.Result.FirstError), false})
			}
		}
	}
	return out
}

// scaleGoal reports whether a scenario is one of the list/search/count
// reads issue 15 holds to the 2× and 50 ms goals.
func scaleGoal(name string) bool {
	for _, p := range []string{"list", "search", "filter", "count"} {
		if strings.Contains(name, p) {
			return true
		}
	}
	return false
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func get(u func(i int) string, token string) bench.NewRequest {
	return func(ctx context.Context, i int) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u(i), nil)
		if err != nil {
			return nil, err
		}
		if token != "" {
			req.Header.Set("Authorization", "JWT "+token)
		}
		return req, nil
	}
}

// seed migrates the database and fills it through the CMS's own services,
// then ANALYZEs it so the planner has statistics (as autovacuum would give a
// long-running database).
func seed(ctx context.Context, dbURL, dataDir string, o options, size dataSize) (*bench.Dataset, error) {
	env := map[string]string{contract.PayloadSecret: randomHex(32),
		contract.CMSAutoMigrate: "true", contract.CMSDBMaxConns: "8", contract.CMSDataDir: dataDir}
	if dbURL != "" {
		env[contract.PostgresURL] = dbURL
	}
	cfg, err := config.Load(env)
	if err != nil {
		return nil, err
	}
	app, err := server.Build(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, fmt.Errorf("seed: build app: %w", err)
	}
	defer app.Close()
	// The seed allocates a few hundred MB per batch of documents and keeps
	// little: a higher GC target trades some of that memory for the
	// fifth of its CPU the collector took at the default.
	defer debug.SetGCPercent(debug.SetGCPercent(300))
	so := bench.SeedOptions{Pages: size.pages, Media: size.media, Workers: 6, Seed: 8}
	if !o.seedService {
		so.Bulk = app.DB()
	}
	ds, err := bench.Seed(ctx, app.Content(), app.Auth(), so)
	if err != nil {
		return nil, err
	}
	if dbURL == "" {
		return ds, analyzeSQLite(ctx, cfg.SQLitePath)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("seed: connect: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		return nil, fmt.Errorf("seed: analyze: %w", err)
	}
	return ds, nil
}

// analyzeSQLite gives SQLite's planner statistics, as VACUUM ANALYZE does
// on PostgreSQL.
func analyzeSQLite(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return fmt.Errorf("seed: open sqlite: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("seed: analyze: %w", err)
	}
	return nil
}

func dialectName(o options) string {
	if o.sqlite {
		return "SQLite"
	}
	return "PostgreSQL"
}

// selected reports whether scenario name passes the --only filter.
func selected(only []string, name string) bool {
	if len(only) == 0 {
		return true
	}
	for _, w := range only {
		if w != "" && strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// buildCMS builds ./app/cmd/cms of the module the bench runs in.
func buildCMS(ctx context.Context, out string, profiling bool) error {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(gomod)) == "" || strings.TrimSpace(string(gomod)) == os.DevNull {
		return errors.New("build cms: run cmsbench inside the module (or pass --cms-bin)")
	}
	args := []string{"build", "-trimpath", "-tags", "timetzdata,nodynamic,nomsgpack", "-ldflags", "-s -w", "-o", out, "./app/cmd/cms"}
	if profiling {
		args[3] += ",pprof" // app/cmd/cms/pprof.go
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build cms: %w\n%s", err, b)
	}
	return nil
}

type proc struct {
	cmd    *exec.Cmd
	done   chan struct{}
	stderr *bytes.Buffer
}

func startProc(ctx context.Context, bin string, args []string, dir string, env []string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir // no .env of the caller's working directory
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &limitedWriter{w: &stderr, n: 64 << 10}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the bench
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", filepath.Base(bin), err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{}), stderr: &stderr}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

// stop sends SIGTERM (the graceful path) and SIGKILL after 10 s.
func (p *proc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(b []byte) (int, error) {
	if l.n > 0 {
		k := min(len(b), l.n)
		l.n -= k
		_, _ = l.w.Write(b[:k])
	}
	return len(b), nil
}

// waitReady polls u until it answers 200 and returns when it did, measured
// from now. It fails when p exits first or limit passes.
func waitReady(ctx context.Context, u string, p *proc, limit time.Duration) (time.Time, error) {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(limit)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Now(), nil
			}
		}
		select {
		case <-p.done:
			return time.Time{}, fmt.Errorf("exited before ready: %s", strings.TrimSpace(p.stderr.String()))
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(time.Millisecond): // polling interval, not synchronisation
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("%s not ready after %s: %s", u, limit, strings.TrimSpace(p.stderr.String()))
		}
	}
}

// coldStart starts the cms binary against the migrated database and times
// process start → first 200 on /readyz.
func coldStart(ctx context.Context, bin, dir string, env func(addr string) []string) (time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return 0, err
	}
	start := time.Now()
	p, err := startProc(ctx, bin, []string{"serve", "--env-file", os.DevNull}, dir, env(addr))
	if err != nil {
		return 0, err
	}
	defer p.stop()
	ready, err := waitReady(ctx, "http://"+addr+"/readyz", p, 30*time.Second)
	if err != nil {
		return 0, err
	}
	return ready.Sub(start), nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// login gets a JWT for the seeded admin through the API.
func login(ctx context.Context, base string, ds *bench.Dataset) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": ds.AdminEmail, "password": ds.AdminPassword})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/users/login", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("login: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || out.Token == "" {
		return "", fmt.Errorf("login: status %d, no token (%v)", resp.StatusCode, err)
	}
	return out.Token, nil
}

// checkSlugRead makes sure the measured request does the measured work: one
// document, found by slug, with its hero image populated at depth=1.
func checkSlugRead(ctx context.Context, base, slug string) error {
	u := base + "/api/pages?" + url.Values{"where[slug][equals]": {slug}, "depth": {"1"}, "limit": {"1"}}.Encode()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("check slug read: %w", err)
	}
	defer resp.Body.Close()
	var out struct {
		Docs []struct {
			Slug      string         `json:"slug"`
			HeroImage map[string]any `json:"heroImage"`
		} `json:"docs"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		return fmt.Errorf("check slug read: status %d: %v", resp.StatusCode, err)
	}
	if len(out.Docs) != 1 || out.Docs[0].Slug != slug || out.Docs[0].HeroImage["filename"] == nil {
		return fmt.Errorf("check slug read: want 1 page %q with a populated heroImage, got %+v", slug, out.Docs)
	}
	return nil
}

func printTable(w io.Writer, r *Report) {
	fmt.Fprintf(w, "Chronos bench — %s, %d cores, %s %s, %d connections, %s per scenario\n", r.Date, r.Cores, r.GoVersion, r.Platform, r.Conns, r.ScenarioTime)
	fmt.Fprintf(w, "CMS: separate process, %s\n", r.CMSMode)
	for _, run := range r.Runs {
		fmt.Fprintf(w, "\ndata: %d pages (blocks, rich text, hero/meta images, related pages), %d media with sizes; seeded in %.1f s (%s)\n", run.Pages, run.Media, run.SeedSeconds, run.SeedMode)
		fmt.Fprintf(w, "%-24s %9s %6s %8s %8s %8s %6s %8s %6s %7s %8s %12s %7s %7s\n", "scenario", "req/s", "×base", "p50 ms", "p95 ms", "p99 ms", "×base", "max ms", "errors", "reqs", "body KB", "peak RSS", "cpu ms", "db ms")
		for _, s := range run.Scenarios {
			rr, pr := fmt.Sprintf("%.2f", s.RPSRatio), fmt.Sprintf("%.2f", s.P99Ratio)
			if s.Name == baselineName {
				rr, pr = "1", "1"
			}
			fmt.Fprintf(w, "%-24s %9.0f %6s %8.2f %8.2f %8.2f %6s %8.1f %6d %7d %8.1f %8.1f MiB %7.2f %7.2f\n", s.Name, s.Result.RPS, rr,
				ms(s.Result.P50), ms(s.Result.P95), ms(s.Result.P99), pr, ms(s.Result.Max), s.Result.Errors, s.Result.Requests,
				float64(s.Result.BodyBytes)/1024, float64(s.PeakRSS)/(1<<20), s.CPUMs, s.DBCPUMs)
		}
		if run.PocketBase != nil {
			printPeer(w, run.PocketBase)
		}
		if c := run.Crawl; c != nil {
			fmt.Fprintf(w, "crawl (every page by slug with header and footer, depth=1, %d pages at a time): %d pages (%d requests) in %.1f s (%.0f req/s, %d errors)\n", c.Parallel, c.Pages, c.Requests, c.Seconds, c.RPS, c.Errors)
			if !c.Complete {
				fmt.Fprintf(w, "  stopped by --crawl-budget: all %d pages would take %.0f s at this rate\n", c.Total, c.Projected)
			}
		}
		fmt.Fprintf(w, "peak RSS: per scenario (VmHWM reset before each); CMS overall %.1f MiB, baseline %.1f MiB\n", float64(run.CMSPeakRSS)/(1<<20), float64(run.BaselineRSS)/(1<<20))
		fmt.Fprintln(w, "cpu ms: the serving process's user+system CPU per measured request; db ms: the PostgreSQL backends' of the bench database (0: not measured)")
	}
	if len(r.Scale) > 0 {
		fmt.Fprintf(w, "\nscale: %d vs %d pages (×small/base: each size's req/s per its own baseline's first)\n%-24s %10s %10s %8s %12s %10s %10s\n",
			r.Runs[1].Pages, r.Runs[0].Pages, "scenario", "small r/s", "large r/s", "×small", "×small/base", "small p99", "large p99")
		for _, s := range r.Scale {
			fmt.Fprintf(w, "%-24s %10.0f %10.0f %8.2f %12.2f %10.1f %10.1f\n", s.Name, s.SmallRPS, s.LargeRPS, s.RPSRatio, s.NormRatio, s.SmallP99Ms, s.LargeP99Ms)
		}
	}
	if !r.peakRSSPerScen {
		fmt.Fprintln(w, "  (could not reset VmHWM: peak RSS figures are cumulative)")
	}
	fmt.Fprintf(w, "\ncold start (process start → first 200 on /readyz, migrated database): median %.1f ms of %v\n", r.ColdStartMed, r.ColdStarts)
	fmt.Fprintf(w, "binary: %d bytes (%.1f MiB; CGO_ENABLED=0 -trimpath -tags timetzdata,nodynamic,nomsgpack -ldflags \"-s -w\", as the Dockerfile)\n", r.BinaryBytes, float64(r.BinaryBytes)/(1<<20))
	fmt.Fprintf(w, "container image: %s\n", r.ImageSize)
	fmt.Fprintf(w, "total bench time: %.0f s\n\ngoals:\n", r.TotalSeconds)
	for _, g := range r.Goals {
		mark := "MET   "
		if !g.Met {
			mark = "MISSED"
		}
		fmt.Fprintf(w, "  %s %-45s target %-28s measured %s\n", mark, g.Name, g.Target, g.Measured)
	}
}

// cmsEnvNote lists the extra CMS settings for the report header.
func cmsEnvNote(env []string) string {
	if len(env) == 0 {
		return ", default settings (response cache " + contract.CMSCacheBytes + " default)"
	}
	return ", " + strings.Join(env, ", ")
}
