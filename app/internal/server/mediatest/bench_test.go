package mediatest

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/config"
	s3store "github.com/automatonic/chronos/app/internal/objectstore/s3"
	"github.com/automatonic/chronos/app/internal/server"
	"github.com/automatonic/chronos/app/internal/testenv"
)

// BenchmarkUploadThroughCMS builds the cms binary, runs it as its own
// process against versitygw, and uploads a CHRONOS_BENCH_UPLOAD_BYTES
// (default 1 GiB) PDF through POST /api/media. In the same run the same
// file goes straight to the bucket with one aws-sdk PutObject (the goal's
// baseline) and with one presigned PUT (no SDK at all). It reports the
// throughputs, the ratios (goal >= 0.8 of PutObject) and the CMS process's
// peak RSS (VmHWM after start-up, goal < 64 MiB) next to its idle RSS.
// This test file imports the aws-sdk for the baseline only; `go list
// -deps` of the app packages is unaffected.
//
//	go test ./app/internal/server/mediatest -run '^$' -bench UploadThroughCMS -benchtime 1x
func BenchmarkUploadThroughCMS(b *testing.B) {
	size := int64(1 << 30)
	if v := os.Getenv("CHRONOS_BENCH_UPLOAD_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			b.Fatalf("CHRONOS_BENCH_UPLOAD_BYTES=%q", v)
		}
		size = n
	}
	dir := b.TempDir()
	bin := filepath.Join(dir, "cms")
	// Built as a release (`make build`): the binary's mapped pages are part
	// of the RSS measured.
	build := exec.Command("go", "build", "-trimpath", "-tags", "timetzdata,nodynamic,nomsgpack", "-ldflags", "-s -w", "-o", bin, "github.com/automatonic/chronos/app/cmd/cms")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "upload.pdf")
	writeRandomPDF(b, file, size)
	srv := testenv.S3(b)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := append(os.Environ(),
		contract.CMSDataDir+"="+filepath.Join(dir, "data"), contract.PayloadSecret+"="+testSecret,
		contract.CMSAutoMigrate+"=true", contract.CMSAddr+"="+addr, contract.CMSUploadMaxBytes+"="+strconv.FormatInt(size+1<<20, 10),
		"CMS_USER_PASSWORD=correct horse battery", "CMS_LOG_LEVEL=warn")
	for k, v := range s3Vars(srv) {
		env = append(env, k+"="+v)
	}
	run := func(args ...string) {
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Dir = env, dir
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("cms %v: %v\n%s", args, err, out)
		}
	}
	run("migrate")
	run("users", "create", "--email", "bench@example.com", "--role", "admin")
	// Sign in from this process (same database file): the login's
	// Argon2id hash takes 64 MiB, which would otherwise sit in the CMS's
	// RSS before the upload starts and hide what the upload costs.
	token := loginInProcess(b, env)
	serve := exec.Command(bin, "serve")
	serve.Env, serve.Dir, serve.Stderr = env, dir, os.Stderr
	if err := serve.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = serve.Process.Signal(os.Interrupt)
		_ = serve.Wait()
	})
	base := "http://" + addr
	waitReady(b, base)

	store, err := s3store.New(context.Background(), s3store.Config{
		Bucket: srv.Bucket, Region: srv.Region, AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey,
		Endpoint: srv.Endpoint, ForcePathStyle: true,
	})
	if err != nil {
		b.Fatal(err)
	}
	client := &http.Client{}
	sdk := s3.NewFromConfig(aws.Config{
		Region:      srv.Region,
		Credentials: credentials.NewStaticCredentialsProvider(srv.AccessKey, srv.SecretKey, ""),
	}, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(srv.Endpoint)
		o.UsePathStyle = true
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	})
	pid := serve.Process.Pid
	idleRSS := procKB(b, pid, "VmRSS:")
	idleFile := procKB(b, pid, "RssFile:")
	startPeak := procKB(b, pid, "VmHWM:")
	// Reset the peak so start-up (migrations, the WebP encoder's wasm
	// compilation) does not count; the report keeps both.
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0); err != nil {
		b.Logf("cannot reset VmHWM (%v): the peak includes start-up", err)
	}
	var direct, raw, cms time.Duration
	for i := 0; b.Loop(); i++ {
		// Through the CMS: a streamed multipart upload.
		start := time.Now()
		status, body := uploadFile(b, client, base, token, file, fmt.Sprintf("big-%d.pdf", i))
		cms += time.Since(start)
		if status != 201 {
			b.Fatalf("upload through the CMS: %d %s", status, body)
		}

		// Baseline 1: one aws-sdk PutObject of the file (as
		// objectstore's BenchmarkS3Put does; SigV4 hashes the body).
		f, err := os.Open(file)
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		_, err = sdk.PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String(srv.Bucket), Key: aws.String(fmt.Sprintf("sdk-%d.pdf", i)), Body: f, ContentLength: aws.Int64(size),
		})
		direct += time.Since(start)
		f.Close()
		if err != nil {
			b.Fatalf("direct PutObject: %v", err)
		}

		// Baseline 2: the same PutObject as one presigned HTTP PUT
		// (UNSIGNED-PAYLOAD: the cheapest way any client can store it).
		u, h, err := store.PresignPut(context.Background(), fmt.Sprintf("raw-%d.pdf", i), "application/pdf", size, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		f, err = os.Open(file)
		if err != nil {
			b.Fatal(err)
		}
		req, _ := http.NewRequest("PUT", u, f)
		for k, v := range h {
			if !strings.EqualFold(k, "host") {
				req.Header.Set(k, v)
			}
		}
		req.ContentLength = size
		start = time.Now()
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		raw += time.Since(start)
		f.Close()
		if res.StatusCode != 200 {
			b.Fatalf("presigned PUT: %d", res.StatusCode)
		}

	}
	peak := procKB(b, pid, "VmHWM:")
	mibps := func(d time.Duration) float64 { return float64(size) * float64(b.N) / (1 << 20) / d.Seconds() }
	b.ReportMetric(mibps(cms), "cms-MiB/s")
	b.ReportMetric(mibps(direct), "direct-MiB/s")
	b.ReportMetric(mibps(raw), "presigned-put-MiB/s")
	b.ReportMetric(direct.Seconds()/cms.Seconds(), "cms/direct")
	b.ReportMetric(raw.Seconds()/cms.Seconds(), "cms/presigned-put")
	b.ReportMetric(float64(peak)/1024, "cms-peak-RSS-MiB")
	b.ReportMetric(float64(startPeak)/1024, "cms-startup-peak-RSS-MiB")
	b.ReportMetric(float64(idleRSS)/1024, "cms-idle-RSS-MiB")
	b.ReportMetric(float64(idleFile)/1024, "cms-idle-RssFile-MiB")
	b.ReportMetric(float64(size)/(1<<20), "file-MiB")
}

func writeRandomPDF(b *testing.B, path string, size int64) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := io.WriteString(f, "%PDF-1.4\n"); err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(f, io.LimitReader(rand.Reader, size-9)); err != nil {
		b.Fatal(err)
	}
}

// waitReady polls /readyz until the CMS answers 200 (process start-up has
// no other signal to wait on).
func waitReady(b *testing.B, base string) {
	deadline := time.Now().Add(60 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("cms not ready: %v", err)
		}
	}
}

func loginInProcess(b *testing.B, environ []string) string {
	vars := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	cfg, err := config.Load(vars)
	if err != nil {
		b.Fatal(err)
	}
	app, err := server.Build(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	defer app.Close()
	res, err := app.Auth().Login(context.Background(), "bench@example.com", "correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	return res.Token
}

// uploadFile streams path as the `file` part (file first, as the SDK does).
func uploadFile(b *testing.B, client *http.Client, base, token, path, name string) (int, []byte) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		f, err := os.Open(path)
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		defer f.Close()
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
		h.Set("Content-Type", "application/pdf")
		fw, err := mw.CreatePart(h)
		if err == nil {
			_, err = io.Copy(fw, f)
		}
		if err == nil {
			err = mw.WriteField("_payload", `{"alt":"benchmark"}`)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", base+"/api/media", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "JWT "+token)
	res, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body
}

// procKB reads a "kB" line of /proc/<pid>/status.
func procKB(b *testing.B, pid int, key string) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for line := range bytes.Lines(raw) {
		if v, ok := bytes.CutPrefix(line, []byte(key)); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(v)), " kB"), 10, 64)
			return n
		}
	}
	b.Fatalf("%s not in /proc/%d/status", key, pid)
	return 0
}
