package main

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"
)

// PocketBase side by side (issue 15 point 3): with --pocketbase BIN the
// bench starts that PocketBase binary on a fresh data directory next to the
// CMS, copies every page and media document the CMS serves at depth=0 into
// equivalent collections (pbschema.go), checks that both sides answer the
// same documents, and measures each read scenario on both, one after the
// other, with the same load generator, connections and duration.

// pbSuperuserEmail is the throwaway superuser that creates the schema.
const pbSuperuserEmail = "bench-superuser@example.com"

// pbCopyWorkers is how many records are created at a time.
const pbCopyWorkers = 4

// pbServer is a running PocketBase with a superuser token.
type pbServer struct {
	proc    *proc
	url     string
	token   string
	version string
	client  *http.Client
}

// startPocketBase creates a superuser on a fresh data directory under dir
// (the `superuser upsert` command), serves PocketBase on a free port, signs
// the superuser in and switches request logging off (the CMS, at log level
// warn, logs no requests either).
func startPocketBase(ctx context.Context, bin, dir string) (*pbServer, error) {
	dataDir := filepath.Join(dir, "pb_data")
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	password := randomHex(16)
	args := []string{"--dir", dataDir, "--automigrate=false", "--hooksWatch=false"}
	up := exec.CommandContext(ctx, bin, append([]string{"superuser", "upsert", pbSuperuserEmail, password}, args...)...)
	up.Dir = dir
	if b, err := up.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pocketbase superuser upsert: %w\n%s", err, b)
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	p, err := startProc(ctx, bin, append([]string{"serve", "--http", addr}, args...), dir, os.Environ())
	if err != nil {
		return nil, err
	}
	pb := &pbServer{proc: p, url: "http://" + addr, version: pbVersion(bin), client: &http.Client{Timeout: time.Minute}}
	if _, err := waitReady(ctx, pb.url+"/api/health", p, 30*time.Second); err != nil {
		p.stop()
		return nil, fmt.Errorf("pocketbase: %w", err)
	}
	var auth struct {
		Token string `json:"token"`
	}
	if err := pb.call(ctx, http.MethodPost, "/api/collections/_superusers/auth-with-password",
		map[string]string{"identity": pbSuperuserEmail, "password": password}, &auth); err != nil {
		p.stop()
		return nil, err
	}
	pb.token = auth.Token
	if err := pb.call(ctx, http.MethodPatch, "/api/settings", map[string]any{"logs": map[string]any{"maxDays": 0}}, nil); err != nil {
		p.stop()
		return nil, err
	}
	return pb, nil
}

// pbVersion is the pocketbase module's version the binary was built from.
func pbVersion(bin string) string {
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return "unknown"
	}
	for _, d := range info.Deps {
		if d.Path == "github.com/pocketbase/pocketbase" {
			return d.Version
		}
	}
	if info.Main.Path == "github.com/pocketbase/pocketbase" {
		return info.Main.Version
	}
	return "unknown"
}

// call sends body as JSON with the superuser's token and decodes the
// answer into out (when not nil); a status other than 2xx is an error
// carrying PocketBase's message.
func (pb *pbServer) call(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, pb.url+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if pb.token != "" {
		req.Header.Set("Authorization", pb.token)
	}
	resp, err := pb.client.Do(req)
	if err != nil {
		return fmt.Errorf("pocketbase %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("pocketbase %s %s: %w", method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("pocketbase %s %s: status %d: %s", method, path, resp.StatusCode, bytes.TrimSpace(b))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("pocketbase %s %s: %w", method, path, err)
	}
	return nil
}

// createSchema creates media and pages, then adds pages.related (a
// relation to pages itself) to the stored collection.
func (pb *pbServer) createSchema(ctx context.Context) error {
	for _, c := range []map[string]any{pbMediaCollectionJSON(), pbPagesCollectionJSON()} {
		if err := pb.call(ctx, http.MethodPost, "/api/collections", c, nil); err != nil {
			return err
		}
	}
	var pages map[string]any
	if err := pb.call(ctx, http.MethodGet, "/api/collections/"+pbPagesCollection, nil, &pages); err != nil {
		return err
	}
	fields, _ := pages["fields"].([]any)
	fields = append(fields, pbFieldJSON(pbRelatedField()))
	return pb.call(ctx, http.MethodPatch, "/api/collections/"+pbPagesCollection, map[string]any{"fields": fields}, nil)
}

// pbCopy is what copyDocs copied.
type pbCopy struct {
	Media, Pages int
	Seconds      float64
}

// copyDocs reads every media document and page the CMS serves anonymously
// at depth=0, in id order, 100 at a time, and creates each as a PocketBase
// record (pbRecord). A batch is created before the next is read, so the
// pages that others relate to (the first ones) exist first.
func (pb *pbServer) copyDocs(ctx context.Context, cmsURL string) (pbCopy, error) {
	start := time.Now()
	var c pbCopy
	var err error
	if c.Media, err = pb.copyCollection(ctx, cmsURL, "media", "media", pbMediaFields()); err != nil {
		return c, err
	}
	if c.Pages, err = pb.copyCollection(ctx, cmsURL, "pages", "pages", append(pbPageFields(), pbRelatedField())); err != nil {
		return c, err
	}
	c.Seconds = time.Since(start).Seconds()
	return c, nil
}

func (pb *pbServer) copyCollection(ctx context.Context, cmsURL, slug, name string, fields []pbField) (int, error) {
	n := 0
	for page := 1; ; page++ {
		docs, more, err := cmsDocs(ctx, cmsURL, slug, page)
		if err != nil {
			return n, err
		}
		recs := make([]map[string]any, len(docs))
		for i, d := range docs {
			if recs[i], err = pbRecord(d, fields); err != nil {
				return n, err
			}
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(pbCopyWorkers)
		for _, rec := range recs {
			g.Go(func() error {
				return pb.call(gctx, http.MethodPost, "/api/collections/"+name+"/records", rec, nil)
			})
		}
		if err := g.Wait(); err != nil {
			return n, err
		}
		n += len(docs)
		if !more {
			return n, nil
		}
	}
}

// cmsPage is the CMS's list answer, each document's values kept as sent.
type cmsPage struct {
	Docs        []map[string]json.RawMessage `json:"docs"`
	TotalDocs   int                          `json:"totalDocs"`
	HasNextPage bool                         `json:"hasNextPage"`
}

// cmsDocs reads one page of 100 documents of a collection at depth=0 in
// id order.
func cmsDocs(ctx context.Context, cmsURL, slug string, page int) ([]map[string]json.RawMessage, bool, error) {
	q := url.Values{"depth": {"0"}, "limit": {"100"}, "sort": {"id"}, "page": {strconv.Itoa(page)}}
	var out cmsPage
	if err := getJSON(ctx, cmsURL+"/api/"+slug+"?"+q.Encode(), &out); err != nil {
		return nil, false, err
	}
	return out.Docs, out.HasNextPage, nil
}

// getJSON GETs u anonymously and decodes its 200 answer into out.
func getJSON(ctx context.Context, u string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d: %.300s", u, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	return nil
}

// pbList is PocketBase's list answer.
type pbList struct {
	Items      []map[string]json.RawMessage `json:"items"`
	Page       int                          `json:"page"`
	PerPage    int                          `json:"perPage"`
	TotalItems int                          `json:"totalItems"`
	TotalPages int                          `json:"totalPages"`
}

// startPeer starts PocketBase, creates the schema and copies the CMS's
// documents into it.
func startPeer(ctx context.Context, log *slog.Logger, bin, dir, cmsURL string) (*pbServer, pbCopy, error) {
	log.Info("starting PocketBase", "binary", bin)
	pb, err := startPocketBase(ctx, bin, dir)
	if err != nil {
		return nil, pbCopy{}, err
	}
	if err := pb.createSchema(ctx); err != nil {
		pb.proc.stop()
		return nil, pbCopy{}, err
	}
	c, err := pb.copyDocs(ctx, cmsURL)
	if err != nil {
		pb.proc.stop()
		return nil, c, err
	}
	log.Info("copied the CMS's documents into PocketBase", "media", c.Media, "pages", c.Pages, "took", time.Duration(c.Seconds*float64(time.Second)).Round(time.Millisecond).String())
	return pb, c, nil
}

// peerMismatch is the message of a check that found the two sides
// answering different documents.
const peerMismatch = "the CMS and PocketBase answer different documents"

// slugsOf returns the slug of each document, in order.
func slugsOf(docs []map[string]json.RawMessage) []string {
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		var s string
		_ = json.Unmarshal(d["slug"], &s)
		out = append(out, s)
	}
	return out
}

// sameAnswer compares what a CMS list and a PocketBase list of the same
// query hold. The totals must be equal; the pages are reported, not
// required, to be the same and in the same order: documents whose sort key
// ties may come in another order (PocketBase does not break ties by id,
// and the CMS sorts timestamps at a finer precision than the milliseconds
// both sides show), so the answer says how many of the pages agree.
func sameAnswer(what string, cms cmsPage, pb pbList) (string, error) {
	a, b := slugsOf(cms.Docs), slugsOf(pb.Items)
	if cms.TotalDocs != pb.TotalItems || len(a) != len(b) {
		return "", fmt.Errorf("%s: %s: CMS totalDocs %d %v, PocketBase totalItems %d %v", what, peerMismatch, cms.TotalDocs, a, pb.TotalItems, b)
	}
	if slices.Equal(a, b) {
		return fmt.Sprintf("%s: the same %d pages in the same order, total %d on both", what, len(a), cms.TotalDocs), nil
	}
	same := 0
	for _, s := range a {
		if slices.Contains(b, s) {
			same++
		}
	}
	return fmt.Sprintf("%s: total %d on both; %d of the %d pages on both sides, in another order (sort-key ties): CMS %v, PocketBase %v",
		what, cms.TotalDocs, same, len(a), a, b), nil
}

// pbHeroFilename returns the filename of the one item's expanded hero.
func pbHeroFilename(l pbList) (string, error) {
	if len(l.Items) != 1 {
		return "", fmt.Errorf("pocketbase: want 1 item, got %d", len(l.Items))
	}
	var exp struct {
		Hero struct {
			Filename string `json:"filename"`
		} `json:"hero"`
	}
	if err := json.Unmarshal(l.Items[0]["expand"], &exp); err != nil || exp.Hero.Filename == "" {
		return "", fmt.Errorf("pocketbase: no expanded hero in %.200s (%v)", l.Items[0]["expand"], err)
	}
	return exp.Hero.Filename, nil
}

// bytesNote says whether two JSON values are the same bytes.
func bytesNote(cms, pb json.RawMessage) string {
	if bytes.Equal(cms, pb) {
		return fmt.Sprintf("identical (%d bytes)", len(cms))
	}
	return fmt.Sprintf("different: CMS %d bytes, PocketBase %d bytes", len(cms), len(pb))
}
