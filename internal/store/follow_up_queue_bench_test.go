package store

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/gen"
)

// BenchmarkFollowUpQueue: the first page of a city officer's follow-up queue over a city-year
// of completions (the P2 city-year: 75,000 completers by default, XIANGPEI_P2_LINES changes it),
// read in January 2027, when the 3-month follow-ups of the classes of July–October 2026 and the
// 6-month ones of January–July are due, with half the completers' 3-month calls recorded. It prints the time and the memory allocated per page,
// on both engines. Run:
//
//	XIANGPEI_TEST_PG="host=/var/run/postgresql" go test -run '^$' -bench FollowUpQueue -benchtime 1x -timeout 30m ./internal/store
func BenchmarkFollowUpQueue(b *testing.B) {
	n := 75_000
	if v, err := strconv.Atoi(os.Getenv("XIANGPEI_P2_LINES")); err == nil && v > 0 {
		n = v
	}
	w := gen.NewCityYear(1, gen.ForLines(n), 2026)
	for _, engine := range []Engine{SQLite, Postgres} {
		db := cityDB(b, engine)
		if db == nil {
			b.Logf("PostgreSQL skipped: set XIANGPEI_TEST_PG")
			continue
		}
		ctx := context.Background()
		db.SetClock(func() time.Time { return w.Created.Add(time.Hour) })
		if err := LoadCityYear(ctx, db, w); err != nil {
			b.Fatal(err)
		}
		// half the completers' 3-month calls are recorded (straight in, like the load)
		if _, err := db.write.ExecContext(ctx, `INSERT INTO follow_up_outcomes (id, trainee_id, person_id, class_id, county, month, outcome,
			recorded_by, recorded_at) SELECT t.id, t.id, t.person_id, t.class_id, cl.county, 3, 'not_employed', 1, $1
			FROM trainees t JOIN classes cl ON cl.id = t.class_id WHERE t.id % 2 = 0`, w.Created); err != nil {
			b.Fatal(err)
		}
		if _, err := db.write.ExecContext(ctx, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
		db.SetClock(func() time.Time { return time.Date(2027, 1, 15, 10, 0, 0, 0, xiangpei.ChinaTime) })
		officer := xiangpei.Scope{Region: xiangpei.RegionPrefix(w.Region)}
		const pages = 5
		var total int
		var ms0, ms1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		t0 := time.Now()
		for range pages {
			list, n, err := db.FollowUps(ctx, officer, Page{Limit: 20})
			if err != nil || len(list) != 20 {
				b.Fatalf("the queue: %d of %d %v", len(list), n, err)
			}
			total = n
		}
		d := time.Since(t0) / pages
		runtime.ReadMemStats(&ms1)
		alloc := float64(ms1.TotalAlloc-ms0.TotalAlloc) / pages / (1 << 20)
		fmt.Printf("follow-up queue %-8s completions=%d due=%d | first page %.0f ms, %.1f MiB allocated\n", engine, w.Lines(), total,
			float64(d.Microseconds())/1000, alloc)
		b.ReportMetric(float64(d.Microseconds())/1000, string(engine)+"-ms")
		b.ReportMetric(alloc, string(engine)+"-MiB")
	}
}
