package s3

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/automatonic/chronos/app/internal/bench"
	"github.com/automatonic/chronos/app/internal/objectstore"
	"github.com/automatonic/chronos/app/internal/objectstore/storetest"
	"github.com/automatonic/chronos/app/internal/testenv"
)

// BenchmarkS3Put streams a file of CHRONOS_BENCH_PUT_BYTES (default 1 GiB)
// to versitygw through Store.Put as an unknown-size stream (what an HTTP
// upload looks like) and, in the same run, through a direct aws-sdk
// PutObject of the same file. It reports throughput of both, their ratio,
// and the peak heap and peak RSS of the process during Store.Put.
//
//	go test ./app/internal/objectstore -run '^$' -bench S3Put -benchtime 1x
func BenchmarkS3Put(b *testing.B) {
	size := int64(1 << 30)
	if v := os.Getenv("CHRONOS_BENCH_PUT_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			b.Fatalf("CHRONOS_BENCH_PUT_BYTES=%q", v)
		}
		size = n
	}
	// CHRONOS_BENCH_PART_MIB and CHRONOS_BENCH_CONCURRENCY try other
	// multipart settings than the defaults.
	partMiB, _ := strconv.Atoi(os.Getenv("CHRONOS_BENCH_PART_MIB"))
	conc, _ := strconv.Atoi(os.Getenv("CHRONOS_BENCH_CONCURRENCY"))
	srv := testenv.S3(b)
	s, err := New(b.Context(), Config{
		Bucket: srv.Bucket, Region: srv.Region, AccessKeyID: srv.AccessKey, SecretAccessKey: srv.SecretKey,
		Endpoint: srv.Endpoint, ForcePathStyle: true, PartSize: int64(partMiB) << 20, Concurrency: conc,
	})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "upload.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(f, io.LimitReader(storetest.RandReader(9), size)); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}

	var direct, store time.Duration
	for b.Loop() {
		// Baseline: one PutObject straight from the (seekable) file.
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		_, err = s.client.PutObject(b.Context(), &awss3.PutObjectInput{
			Bucket: aws.String(s.bucket), Key: aws.String("direct.bin"), Body: f, ContentLength: aws.Int64(size),
		})
		direct += time.Since(start)
		_ = f.Close()
		if err != nil {
			b.Fatalf("direct PutObject: %v", err)
		}

		f, err = os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		m := bench.StartPeakMeter()
		start = time.Now()
		err = s.Put(b.Context(), "store.bin", storetest.OnlyReader{R: f}, -1, objectstore.PutOptions{ContentType: "video/mp4"})
		store += time.Since(start)
		m.Report(b)
		_ = f.Close()
		if err != nil {
			b.Fatalf("Store.Put: %v", err)
		}
	}
	mibps := func(d time.Duration) float64 {
		return float64(size) * float64(b.N) / (1 << 20) / d.Seconds()
	}
	b.ReportMetric(mibps(store), "store-MiB/s")
	b.ReportMetric(mibps(direct), "direct-MiB/s")
	b.ReportMetric(direct.Seconds()/store.Seconds(), "store/direct")
	b.ReportMetric(float64(size)/(1<<20), "file-MiB")
}
