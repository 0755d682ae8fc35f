package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"xiangpei/internal/store/storetest"
)

// serveOnce starts `xiangpei serve` on dbPath, returns how long it took until it listened and
// printed its address, and stops it again.
func serveOnce(dbPath string) (time.Duration, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dbPath}, func(string) string { return "" }, pw, io.Discard)
		pw.CloseWithError(fmt.Errorf("xiangpei stopped: %v", err))
		done <- err
	}()
	sc := bufio.NewScanner(pr)
	var ready time.Duration
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "xiangpei serving ") {
			ready = time.Since(start)
			break
		}
	}
	cancel()
	go io.Copy(io.Discard, pr) // let the server finish writing
	if err := <-done; err != nil && ready == 0 {
		return 0, err
	}
	if ready == 0 {
		return 0, fmt.Errorf("xiangpei serve printed no address")
	}
	return ready, nil
}

// BenchmarkStartFirstRunDemo measures QUALITY P8's first run: a new SQLite file migrated,
// loaded with the reference data and seeded with the demo world, until the server listens
// (goal ≤ 10 s). Run: go test -run '^$' -bench Start ./cmd/xiangpei
func BenchmarkStartFirstRunDemo(b *testing.B) {
	dir := b.TempDir()
	var total time.Duration
	i := 0
	for b.Loop() {
		d, err := serveOnce(filepath.Join(dir, fmt.Sprintf("first-%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		total += d
		i++
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(i), "ms/ready")
}

// BenchmarkStartExisting measures QUALITY P8's cold start on an existing database (goal ≤ 1 s).
func BenchmarkStartExisting(b *testing.B) {
	path := filepath.Join(b.TempDir(), "existing.db")
	if _, err := serveOnce(path); err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	i := 0
	for b.Loop() {
		d, err := serveOnce(path)
		if err != nil {
			b.Fatal(err)
		}
		total += d
		i++
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(i), "ms/ready")
}

// BenchmarkStartPostgres measures P8 on PostgreSQL: the first run with the demo seed, then
// starts on the existing database (needs XIANGPEI_TEST_PG).
func BenchmarkStartPostgres(b *testing.B) {
	dsn := storetest.PostgresDSN(b)
	if dsn == "" {
		b.Skip("XIANGPEI_TEST_PG is not set")
	}
	first, err := serveOnce(dsn)
	if err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	i := 0
	for b.Loop() {
		d, err := serveOnce(dsn)
		if err != nil {
			b.Fatal(err)
		}
		total += d
		i++
	}
	b.ReportMetric(float64(first.Milliseconds()), "ms/first-run")
	b.ReportMetric(float64(total.Milliseconds())/float64(i), "ms/ready")
}
