package match

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"xiangpei"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// percentiles is p50, p95 and p99 of ds (nearest rank).
func percentiles(ds []time.Duration) (p50, p95, p99 time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(s))+0.999999) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	return at(0.50), at(0.95), at(0.99)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkMatchP4P5 is QUALITY P4 and P5: it generates XIANGPEI_P4_POSTINGS open postings
// (200,000) and XIANGPEI_P5_PROFILES profiles (1,000,000), loads them into an Index, and runs
// XIANGPEI_MATCH_QUERIES searches each way (500): the best 20 jobs for a new person, the best
// 50 people for a new posting; then the first XIANGPEI_MATCH_BRUTE of them (20) again by brute
// force, in the same run, checking that each gives exactly the index's answer. It prints p50,
// p95 and p99 of both, the speed-up at p95, the steps the searches ended at, and the heap in
// use. Goals: P4 p95 ≤ 5 ms, P5 p95 ≤ 20 ms, each ≥ 10× faster than brute force. Run once:
//
//	go test -run '^$' -bench MatchP4P5 -benchtime 1x -timeout 60m ./internal/match
func BenchmarkMatchP4P5(b *testing.B) {
	nPost, nProf := envInt("XIANGPEI_P4_POSTINGS", 200_000), envInt("XIANGPEI_P5_PROFILES", 1_000_000)
	nQ, nBrute := envInt("XIANGPEI_MATCH_QUERIES", 500), envInt("XIANGPEI_MATCH_BRUTE", 20)
	nBrute = min(nBrute, nQ)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, xiangpei.ChinaTime)
	w := NewWorld(1, now)
	t0 := time.Now()
	postings, profiles := w.Postings(nPost, 1), w.Profiles(nProf, 1)
	tGen := time.Since(t0)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 = time.Now()
	var ix Index
	for _, p := range postings {
		ix.UpsertPosting(p)
	}
	for _, s := range profiles {
		ix.UpsertProfile(s)
	}
	tBuild := time.Since(t0)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	fmt.Printf("P4/P5 %d postings, %d profiles: generated in %.1fs, indexed in %.1fs; heap in use %.0f MB with the index (%.0f MB without: the records themselves), GOMAXPROCS %d\n",
		nPost, nProf, tGen.Seconds(), tBuild.Seconds(), float64(after.HeapInuse)/(1<<20), float64(before.HeapInuse)/(1<<20), runtime.GOMAXPROCS(0))

	o := Options{Now: now, Shortage: w.RegionalShortage()} // lists per city and the province, as kept
	people, posts := w.Profiles(nQ, 50_000_000), w.Postings(nQ, 50_000_000)
	type way struct {
		name, goal string
		k          int
		goalMs     float64
		index      func(i int) Result
		brute      func(i int) Result
	}
	ways := []way{
		{"P4", "best 20 jobs for a person", 20, 5,
			func(i int) Result { return ix.JobsFor(people[i], 20, o) },
			func(i int) Result { return BruteJobsFor(postings, people[i], 20, o) }},
		{"P5", "best 50 people for a posting", 50, 20,
			func(i int) Result { return ix.SeekersFor(posts[i], 50, o) },
			func(i int) Result { return BruteSeekersFor(profiles, posts[i], 50, o) }},
	}
	for _, wy := range ways {
		answers := make([]Result, nQ)
		ti := make([]time.Duration, nQ)
		steps, scored := [3]int{}, 0
		for i := range nQ {
			t := time.Now()
			answers[i] = wy.index(i)
			ti[i] = time.Since(t)
			steps[answers[i].Step]++
			scored += answers[i].Scored
		}
		tb := make([]time.Duration, nBrute)
		for i := range nBrute {
			t := time.Now()
			r := wy.brute(i)
			tb[i] = time.Since(t)
			got, want := answers[i], r
			got.Scored, want.Scored = 0, 0
			if !reflect.DeepEqual(got, want) {
				b.Fatalf("%s search %d: the index and brute force differ\nindex %v\nbrute %v", wy.name, i, brief(got.Hits), brief(want.Hits))
			}
		}
		i50, i95, i99 := percentiles(ti)
		b50, b95, b99 := percentiles(tb)
		fmt.Printf("%s %s (k %d): index %d searches p50 %.2f ms p95 %.2f ms p99 %.2f ms (goal p95 ≤ %.0f ms) | brute force %d searches p50 %.0f ms p95 %.0f ms p99 %.0f ms | speed-up at p95 %.0f×, at p50 %.0f× | same top %d in %d of %d compared | steps 0/1/2: %d/%d/%d | pairs scored per search %.0f of %d\n",
			wy.name, wy.goal, wy.k, nQ, ms(i50), ms(i95), ms(i99), wy.goalMs, nBrute, ms(b50), ms(b95), ms(b99),
			b95.Seconds()/i95.Seconds(), b50.Seconds()/i50.Seconds(), wy.k, nBrute, nBrute, steps[0], steps[1], steps[2],
			float64(scored)/float64(nQ), map[string]int{"P4": nPost, "P5": nProf}[wy.name])
		b.ReportMetric(ms(i95), wy.name+"-p95-ms")
		b.ReportMetric(b95.Seconds()/i95.Seconds(), wy.name+"-×brute")
	}
}
