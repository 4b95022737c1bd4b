package testenv

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

func connect(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func TestPostgresDatabasesAreIsolated(t *testing.T) {
	ctx := context.Background()
	a, b := Postgres(t), Postgres(t)
	if a == b {
		t.Fatalf("two calls returned the same URL %q", a)
	}
	ca, cb := connect(t, a), connect(t, b)
	if _, err := ca.Exec(ctx, "CREATE TABLE marker (id int)"); err != nil {
		t.Fatalf("create table in a: %v", err)
	}
	var n int
	if err := cb.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE tablename = 'marker'").Scan(&n); err != nil {
		t.Fatalf("query b: %v", err)
	}
	if n != 0 {
		t.Fatalf("table created in database a is visible in database b")
	}
	var db string
	if err := ca.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		t.Fatalf("current_database: %v", err)
	}
	if !strings.HasPrefix(db, "test_") || !strings.Contains(a, "/"+db) {
		t.Fatalf("connected to %q via %q", db, a)
	}
}

func TestPostgresDatabaseDroppedAfterTest(t *testing.T) {
	var name string
	t.Run("inner", func(t *testing.T) {
		u, err := url.Parse(Postgres(t))
		if err != nil {
			t.Fatal(err)
		}
		name = strings.TrimPrefix(u.Path, "/")
	})
	var n int
	err := connect(t, Postgres(t)).QueryRow(context.Background(),
		"SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("database %s still exists after its test ended", name)
	}
}

func TestPostgresClusterRestart(t *testing.T) {
	c := PostgresCluster(t)
	dbURL := c.Database(t)
	ctx := context.Background()
	conn := connect(t, dbURL)
	if _, err := conn.Exec(ctx, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('x')"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		stop func() error
	}{{"stop", c.Stop}, {"crash", c.Crash}} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.stop(); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if err := conn.Ping(ctx); err == nil {
				t.Fatal("ping succeeded while the cluster was down")
			}
			if err := c.Start(); err != nil {
				t.Fatalf("start: %v", err)
			}
			var v string
			if err := connect(t, dbURL).QueryRow(ctx, "SELECT v FROM kept").Scan(&v); err != nil || v != "x" {
				t.Fatalf("after restart: v=%q err=%v", v, err)
			}
		})
	}
}

func TestS3PutGet(t *testing.T) {
	s := S3(t)
	other := S3(t)
	if s.Bucket == other.Bucket {
		t.Fatalf("two calls returned the same bucket %q", s.Bucket)
	}
	body := []byte("hello from testenv")
	put := signedRequest(t, s, http.MethodPut, "/"+s.Bucket+"/dir/hello.txt", body)
	if code, out := do(t, put); code != http.StatusOK {
		t.Fatalf("PUT: %d %s", code, out)
	}
	code, out := do(t, signedRequest(t, s, http.MethodGet, "/"+s.Bucket+"/dir/hello.txt", nil))
	if code != http.StatusOK || !bytes.Equal(out, body) {
		t.Fatalf("GET: %d %q", code, out)
	}
	if _, err := os.Stat(filepath.Join(s.Root, s.Bucket, "dir", "hello.txt")); err != nil {
		t.Fatalf("object not on the posix root: %v", err)
	}
	code, out = do(t, signedRequest(t, s, http.MethodGet, "/", nil))
	if code != http.StatusOK || !bytes.Contains(out, []byte("<Name>"+other.Bucket+"</Name>")) {
		t.Fatalf("ListBuckets does not show %s: %d %s", other.Bucket, code, out)
	}
	code, out = do(t, signedRequest(t, other, http.MethodGet, "/"+other.Bucket+"?list-type=2", nil))
	if code != http.StatusOK || bytes.Contains(out, []byte("<Key>")) {
		t.Fatalf("fresh bucket is not empty: %d %s", code, out)
	}
	// A wrong secret must be refused, or the test above proves nothing.
	bad := s
	bad.SecretKey = "wrong"
	if code, _ := do(t, signedRequest(t, bad, http.MethodGet, "/"+s.Bucket+"/dir/hello.txt", nil)); code != http.StatusForbidden {
		t.Fatalf("GET with a wrong secret: %d, want 403", code)
	}
}

func TestS3ProcessRestart(t *testing.T) {
	p := StartS3(t)
	s := p.Bucket(t)
	if code, out := do(t, signedRequest(t, s, http.MethodPut, "/"+s.Bucket+"/k", []byte("v"))); code != http.StatusOK {
		t.Fatalf("PUT: %d %s", code, out)
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(s.Endpoint + "/"); err == nil {
		t.Fatal("server answered while stopped")
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if code, out := do(t, signedRequest(t, s, http.MethodGet, "/"+s.Bucket+"/k", nil)); code != http.StatusOK || string(out) != "v" {
		t.Fatalf("GET after restart: %d %q", code, out)
	}
}

func TestChromium(t *testing.T) {
	p := Chromium(t)
	if !isExec(p) {
		t.Fatalf("%s is not executable", p)
	}
}

func TestMissingFailsUnderCI(t *testing.T) {
	for _, tc := range []struct {
		ci       string
		wantFail bool
	}{{"true", true}, {"", false}, {"false", false}} {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			r := &recorder{TB: t}
			done := make(chan struct{})
			go func() { defer close(done); missing(r, "thing", "apt-get install -y thing") }()
			<-done
			if r.failed != tc.wantFail || r.skipped == tc.wantFail {
				t.Fatalf("failed=%v skipped=%v, want failed=%v", r.failed, r.skipped, tc.wantFail)
			}
			if !strings.Contains(r.msg, "apt-get install -y thing") {
				t.Fatalf("message %q does not name the install command", r.msg)
			}
		})
	}
}

// recorder captures Fatal/Skip without ending the real test; missing runs in
// its own goroutine so runtime.Goexit ends only that goroutine.
type recorder struct {
	testing.TB
	failed, skipped bool
	msg             string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatal(args ...any) {
	r.failed, r.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (r *recorder) Skip(args ...any) {
	r.skipped, r.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}

// signedRequest builds an S3 request signed with AWS Signature Version 4, by
// hand, so this package needs no AWS SDK.
func signedRequest(t *testing.T, s S3Server, method, path string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, s.Endpoint+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	amzDate, day := now.Format("20060102T150405Z"), now.Format("20060102")
	payload := sha256.Sum256(body)
	payloadHex := hex.EncodeToString(payload[:])
	req.Header.Set("x-amz-date", amzDate)
	req.Header.Set("x-amz-content-sha256", payloadHex)
	host := req.URL.Host
	signed := "host;x-amz-content-sha256;x-amz-date"
	canonHeaders := "host:" + host + "\nx-amz-content-sha256:" + payloadHex + "\nx-amz-date:" + amzDate + "\n"
	q := req.URL.Query()
	canonQuery := strings.ReplaceAll(q.Encode(), "+", "%20")
	canon := strings.Join([]string{method, req.URL.EscapedPath(), canonQuery, canonHeaders, signed, payloadHex}, "\n")
	scope := day + "/" + s.Region + "/s3/aws4_request"
	ch := sha256.Sum256([]byte(canon))
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(ch[:])
	key := []byte("AWS4" + s.SecretKey)
	for _, part := range []string{day, s.Region, "s3", "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	sig := hex.EncodeToString(hmacSHA256(key, toSign))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+s.AccessKey+"/"+scope+
		", SignedHeaders="+signed+", Signature="+sig)
	return req
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

func do(t *testing.T, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}
