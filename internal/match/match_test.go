package match

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"xiangpei"
)

var testNow = time.Date(2026, 11, 20, 10, 0, 0, 0, xiangpei.ChinaTime)

// market is the test's own record of what the index should hold.
type market struct {
	w        *World
	postings map[int64]xiangpei.JobPosting
	profiles map[int64]xiangpei.SeekerProfile
	ix       Index
}

func newMarket(seed int64, nPostings, nProfiles int) *market {
	m := &market{w: NewWorld(seed, testNow), postings: map[int64]xiangpei.JobPosting{}, profiles: map[int64]xiangpei.SeekerProfile{}}
	for _, p := range m.w.Postings(nPostings, 1) {
		m.upsertPosting(p)
	}
	for _, s := range m.w.Profiles(nProfiles, 1) {
		m.upsertProfile(s)
	}
	return m
}

func (m *market) upsertPosting(p xiangpei.JobPosting) {
	m.postings[p.ID] = p
	m.ix.UpsertPosting(p)
}

func (m *market) upsertProfile(s xiangpei.SeekerProfile) {
	m.profiles[s.PersonID] = s
	m.ix.UpsertProfile(s)
}

func (m *market) allPostings() []xiangpei.JobPosting {
	out := make([]xiangpei.JobPosting, 0, len(m.postings))
	for _, p := range m.postings {
		out = append(out, p)
	}
	return out
}

func (m *market) allProfiles() []xiangpei.SeekerProfile {
	out := make([]xiangpei.SeekerProfile, 0, len(m.profiles))
	for _, s := range m.profiles {
		out = append(out, s)
	}
	return out
}

func (m *market) opts() Options { return Options{Now: testNow, Shortage: m.w.RegionalShortage()} }

// same compares two results on everything but the work counter.
func same(t *testing.T, what string, got, want Result) {
	t.Helper()
	got.Scored, want.Scored = 0, 0
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: the index differs from brute force\nindex: step %d, %d hits %v\nbrute: step %d, %d hits %v",
			what, got.Step, len(got.Hits), brief(got.Hits), want.Step, len(want.Hits), brief(want.Hits))
	}
}

func brief(hs []Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, fmt.Sprintf("%d:%d", h.ID, h.Score))
	}
	return out
}

// TestDepthOf: the index's allocation-free depth is xiangpei.OccupationDepth.
func TestDepthOf(t *testing.T) {
	codes := []string{"", "4", "4-10", "4-10-01", "4-10-01-05", "4-10-01-06", "4-10-02-05", "4-11-01-05", "5-10-01-05", "4-10-", "4-1", "4-10-01-05-1"}
	w := NewWorld(3, testNow)
	codes = append(codes, w.Codes[:50]...)
	for _, a := range codes {
		for _, b := range codes {
			if got, want := depthOf(a, b), xiangpei.OccupationDepth(a, b); got != want {
				t.Fatalf("depthOf(%q, %q) = %d, OccupationDepth %d", a, b, got, want)
			}
		}
	}
}

// TestBoundsNeverBelowTheScore: for every pair of a sample, the rough bound is at least the
// fine one and the fine one at least xiangpei.MatchScore — the condition for pruning to never
// drop a pair that belongs in the top k. (The fine bound is meant to equal the score; the
// test counts how often it does.)
func TestBoundsNeverBelowTheScore(t *testing.T) {
	w := NewWorld(7, testNow)
	ps, ss := w.Postings(300, 1), w.Profiles(300, 1)
	// pairs of related occupations too, not only strangers
	for i := range ss {
		ss[i].Occupations = append(ss[i].Occupations, ps[i].Occupation)
	}
	o := Options{Now: testNow, Shortage: w.RegionalShortage()}.norm()
	exact, n := 0, 0
	for i := range ps {
		p := &ps[i]
		x := pair{today: civil(testNow), shortage: o.Shortage.At(p.County, p.Occupation), pubDay: civil(p.PublishedAt)}
		for j := range ss {
			s := &ss[j]
			x.depth = bestDepth(s.Occupations, p.Occupation)
			if placed(s, p) {
				x.km = xiangpei.DistanceMetres(s.Lat, s.Lng, p.Lat, p.Lng) / 1000
			}
			score, _ := xiangpei.MatchScore(*s, *p, x.shortage, o.Now)
			rough := roughBound(s, p, &x)
			fine := fineBound(rough, s, p)
			if rough < fine || fine < score {
				t.Fatalf("posting %d, person %d: rough %d, fine %d, score %d", p.ID, s.PersonID, rough, fine, score)
			}
			n++
			if fine == score {
				exact++
			}
		}
	}
	if exact != n {
		t.Errorf("the fine bound equals the score for %d of %d pairs: pruning works but less well", exact, n)
	}
}

// TestIndexEqualsBruteForce: on a generated market (4,000 postings, 12,000 profiles), 200
// searches each way give exactly what brute force gives — the same hits in the same order
// with the same scores and reasons, the same step and widening — while postings and profiles
// are added, removed, edited in place, moved to another occupation (another bucket) or to
// another place, and postings expire.
func TestIndexEqualsBruteForce(t *testing.T) {
	m := newMarket(11, 4000, 12000)
	r := rand.New(rand.NewPCG(11, 12))
	nextPosting, nextPerson := int64(1_000_000), int64(1_000_000)
	steps := map[string]int{}
	scored, total := 0, 0
	for q := range 200 {
		// changes between searches
		for range 20 {
			switch r.IntN(8) {
			case 0: // a new posting
				m.upsertPosting(m.w.Postings(1, nextPosting)[0])
				nextPosting++
			case 1: // a new profile
				m.upsertProfile(m.w.Profiles(1, nextPerson)[0])
				nextPerson++
			case 2: // a posting closes
				id := int64(1 + r.IntN(4000))
				delete(m.postings, id)
				m.ix.RemovePosting(id)
			case 3: // a profile goes
				id := int64(1 + r.IntN(12000))
				delete(m.profiles, id)
				m.ix.RemoveProfile(id)
			case 4: // a posting moves to another occupation and place
				if p, ok := m.postings[int64(1+r.IntN(4000))]; ok {
					q := m.w.Postings(1, nextPosting)[0]
					nextPosting++
					p.Occupation, p.Skills, p.Lat, p.Lng, p.County = q.Occupation, q.Skills, q.Lat, q.Lng, q.County
					m.upsertPosting(p)
				}
			case 5: // a profile changes occupations, place and wishes
				if s, ok := m.profiles[int64(1+r.IntN(12000))]; ok {
					q := m.w.Profiles(1, nextPerson)[0]
					nextPerson++
					q.PersonID = s.PersonID
					m.upsertProfile(q)
				}
			case 6: // a posting expires while still in the index
				if p, ok := m.postings[int64(1+r.IntN(4000))]; ok {
					p.ValidTo = testNow.AddDate(0, 0, -1)
					m.upsertPosting(p)
				}
			case 7: // an edit in place: the same bucket, another level and salary
				if p, ok := m.postings[int64(1+r.IntN(4000))]; ok {
					p.Level, p.Salary.MaxFen = levels[r.IntN(5)], p.Salary.MaxFen+100_000
					m.upsertPosting(p)
				}
			}
		}
		k := []int{1, 5, 20, 50}[q%4]
		o := m.opts()
		if q%10 == 9 {
			o.RadiusKm, o.WideRadiusKm = 20, 80
		}

		// best jobs for a person: half of them held by the index, half new
		var s xiangpei.SeekerProfile
		if q%2 == 0 {
			s = m.w.Profiles(1, 5_000_000+int64(q))[0]
		} else if s2, ok := m.profiles[int64(1+r.IntN(12000))]; ok {
			s = s2
		} else {
			s = m.w.Profiles(1, 6_000_000+int64(q))[0]
		}
		exactScan = q%5 == 4 // a fifth of the searches by the path that scores every candidate
		got, want := m.ix.JobsFor(s, k, o), BruteJobsFor(m.allPostings(), s, k, o)
		same(t, fmt.Sprintf("search %d: jobs for person %d (k %d)", q, s.PersonID, k), got, want)
		steps[fmt.Sprint("jobs step ", got.Step)]++
		scored += got.Scored
		total += len(m.postings)

		// best people for a posting
		var p xiangpei.JobPosting
		if q%2 == 1 {
			p = m.w.Postings(1, 7_000_000+int64(q))[0]
		} else if p2, ok := m.postings[int64(1+r.IntN(4000))]; ok {
			p = p2
		} else {
			p = m.w.Postings(1, 8_000_000+int64(q))[0]
		}
		got, want = m.ix.SeekersFor(p, k, o), BruteSeekersFor(m.allProfiles(), p, k, o)
		same(t, fmt.Sprintf("search %d: people for posting %d (k %d)", q, p.ID, k), got, want)
		steps[fmt.Sprint("people step ", got.Step)]++
		exactScan = false
		scored += got.Scored
		total += len(m.profiles)
	}
	t.Logf("steps: %v; the index scored %d pairs where brute force scored %d", steps, scored, total)
	for _, dir := range []string{"jobs", "people"} {
		for step := range 3 {
			if steps[fmt.Sprintf("%s step %d", dir, step)] == 0 {
				t.Errorf("no search for %s ended at step %d: the test does not cover it", dir, step)
			}
		}
	}
	if scored*20 > total {
		t.Errorf("the index scored %d pairs of %d: it hardly prunes", scored, total)
	}
	np, ns := m.ix.Len()
	if np != len(m.postings) || ns != len(m.profiles) {
		t.Errorf("the index holds %d postings and %d profiles, the market %d and %d", np, ns, len(m.postings), len(m.profiles))
	}
}

// TestWidening: a person of 4-10-01-05 in Changsha. With k 1 the first ring has the same-细类
// posting nearby; with k 2 the search widens to the 中类 (a 4-10-02 posting nearby) and says
// so; with k 3 it widens to the larger radius (a same-小类 posting in Hengyang, about 150 km
// away) and says that too; a posting of another 中类 next door never matches, nor an expired one.
func TestWidening(t *testing.T) {
	post := func(id int64, code string, lat, lng float64) xiangpei.JobPosting {
		return xiangpei.JobPosting{ID: id, Occupation: code, Title: "t", Headcount: 1, WorkType: xiangpei.FullTime,
			Salary: xiangpei.Salary{MinFen: 500000, Unit: xiangpei.PerMonth}, County: "430102", Lat: lat, Lng: lng,
			Status: xiangpei.PostingPublished, PublishedAt: testNow.AddDate(0, 0, -2), ValidTo: testNow.AddDate(0, 0, 30)}
	}
	var ix Index
	ps := []xiangpei.JobPosting{
		post(1, "4-10-01-05", 28.23, 112.95), // same 细类, ~1 km
		post(2, "4-10-02-01", 28.25, 112.94), // same 中类, ~3 km
		post(3, "4-10-01-07", 26.90, 112.57), // same 小类, Hengyang: ~150 km
		post(4, "4-11-01-05", 28.23, 112.94), // another 中类, next door
		post(5, "4-10-01-05", 28.23, 112.94), // same 细类 but expired
	}
	ps[4].ValidTo = testNow.AddDate(0, 0, -1)
	for _, p := range ps {
		ix.UpsertPosting(p)
	}
	s := xiangpei.SeekerProfile{PersonID: 9, Occupations: []string{"4-10-01-05"}, Lat: 28.228, Lng: 112.939, HasPlace: true}
	o := Options{Now: testNow, WideRadiusKm: 200}
	ids := func(r Result) []int64 {
		var out []int64
		for _, h := range r.Hits {
			out = append(out, h.ID)
		}
		return out
	}
	keys := func(r Result) []string {
		var out []string
		for _, w := range r.Widened {
			out = append(out, w.Key)
		}
		return out
	}
	for _, c := range []struct {
		k     int
		step  int
		hits  []int64
		steps []string
	}{
		{1, StepSameMinor, []int64{1}, nil},
		{2, StepSameMiddle, []int64{1, 2}, []string{"match.widened_middle"}},
		{3, StepWider, []int64{1, 2, 3}, []string{"match.widened_middle", "match.widened_radius"}},
		{9, StepWider, []int64{1, 2, 3}, []string{"match.widened_middle", "match.widened_radius"}},
	} {
		r := ix.JobsFor(s, c.k, o)
		if r.Step != c.step || !slices.Equal(ids(r), c.hits) || !slices.Equal(keys(r), c.steps) {
			t.Errorf("k %d: step %d, hits %v, widened %v; want step %d, %v, %v", c.k, r.Step, ids(r), keys(r), c.step, c.hits, c.steps)
		}
		same(t, fmt.Sprint("k ", c.k), r, BruteJobsFor(ps, s, c.k, o))
	}
	r := ix.JobsFor(s, 3, o)
	if r.Hits[0].Score <= r.Hits[1].Score || len(r.Hits[0].Reasons) != len(xiangpei.MatchWeights) || r.Widened[1].Text == "" {
		t.Errorf("hits %v, reasons %d, widened %+v", brief(r.Hits), len(r.Hits[0].Reasons), r.Widened)
	}
	// the other way: the same-细类 posting finds the person at once; a posting of another
	// 中类 finds nobody, having widened as far as it goes
	ix.UpsertProfile(s)
	if r := ix.SeekersFor(ps[0], 1, o); r.Step != StepSameMinor || !slices.Equal(ids(r), []int64{9}) {
		t.Errorf("people for posting 1: step %d, %v", r.Step, ids(r))
	}
	if r := ix.SeekersFor(ps[3], 1, o); r.Step != StepWider || len(r.Hits) != 0 || len(r.Widened) != 2 {
		t.Errorf("people for posting 4: step %d, %v, widened %d", r.Step, ids(r), len(r.Widened))
	}
	// removing the near same-中类 posting makes k 2 widen to the radius
	ix.RemovePosting(2)
	if r := ix.JobsFor(s, 2, o); r.Step != StepWider || !slices.Equal(ids(r), []int64{1, 3}) {
		t.Errorf("after removing posting 2: step %d, %v", r.Step, ids(r))
	}
}

// TestConcurrentUse: searches both ways run while other goroutines add, move and remove
// postings and profiles (run with -race); every answer is well formed, and when the writers
// are done the index agrees with brute force on what it then holds.
func TestConcurrentUse(t *testing.T) {
	m := newMarket(21, 2000, 5000)
	o := m.opts()
	var wg sync.WaitGroup
	for g := range 2 { // writers: each its own id range
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 1))
			base := int64(10_000_000 * (g + 1))
			for i := range 300 {
				id := base + int64(r.IntN(100))
				switch i % 3 {
				case 0:
					m.ix.UpsertPosting(m.w.Postings(1, id)[0])
					m.ix.UpsertProfile(m.w.Profiles(1, id)[0])
				case 1:
					m.ix.RemovePosting(id)
					m.ix.RemoveProfile(id)
				default:
					p := m.w.Postings(1, id+int64(i))[0]
					p.ID = id
					m.ix.UpsertPosting(p)
				}
			}
		})
	}
	for g := range 2 { // readers
		wg.Go(func() {
			ps, ss := m.w.Postings(40, int64(50_000_000+g*100)), m.w.Profiles(40, int64(60_000_000+g*100))
			for i := range 40 {
				for _, r := range []Result{m.ix.JobsFor(ss[i], 10, o), m.ix.SeekersFor(ps[i], 10, o)} {
					if len(r.Hits) > 10 || !slices.IsSortedFunc(r.Hits, func(a, b Hit) int { return b.Score - a.Score }) {
						t.Errorf("answer %d: %v", i, brief(r.Hits))
					}
				}
			}
		})
	}
	wg.Wait()
	// the writers' records are now whatever they last left: bring the market's copy level by
	// removing them from both, then compare
	for g := range 2 {
		for id := int64(10_000_000 * (g + 1)); id < int64(10_000_000*(g+1)+100); id++ {
			m.ix.RemovePosting(id)
			m.ix.RemoveProfile(id)
		}
	}
	s, p := m.w.Profiles(1, 99_000_000)[0], m.w.Postings(1, 99_000_000)[0]
	same(t, "jobs after the writers", m.ix.JobsFor(s, 20, o), BruteJobsFor(m.allPostings(), s, 20, o))
	same(t, "people after the writers", m.ix.SeekersFor(p, 50, o), BruteSeekersFor(m.allProfiles(), p, 50, o))
	if np, ns := m.ix.Len(); np != len(m.postings) || ns != len(m.profiles) {
		t.Errorf("the index holds %d postings and %d profiles, the market %d and %d", np, ns, len(m.postings), len(m.profiles))
	}
}

// TestWorldIsReproducible: the same seed gives the same postings and profiles, of valid shape.
func TestWorldIsReproducible(t *testing.T) {
	a, b := NewWorld(5, testNow), NewWorld(5, testNow)
	if len(a.Codes) != 1639 || !slices.Equal(a.Codes, b.Codes) {
		t.Fatalf("%d 细类; same seed same codes: %v", len(a.Codes), slices.Equal(a.Codes, b.Codes))
	}
	pa, pb := a.Postings(200, 1), b.Postings(200, 1)
	sa, sb := a.Profiles(200, 1), b.Profiles(200, 1)
	if !reflect.DeepEqual(pa, pb) || !reflect.DeepEqual(sa, sb) {
		t.Fatal("the same seed gave other records")
	}
	for _, p := range pa {
		if err := p.Validate(); err != nil || !p.Open(testNow) {
			t.Fatalf("posting %d: %v, open %v", p.ID, err, p.Open(testNow))
		}
	}
	minors, middles := map[string]bool{}, map[string]bool{}
	for _, c := range a.Codes {
		mn, _ := occPrefix(c, 3)
		mid, _ := occPrefix(c, 2)
		minors[mn], middles[mid] = true, true
	}
	if len(minors) != 450 || len(middles) != 79 {
		t.Errorf("%d 小类, %d 中类", len(minors), len(middles))
	}
}

// TestShortageIsRegional: an occupation on a city's list is short for postings in that city's
// counties only; on the province's list, in every county of the province; the zero Shortage
// names nothing.
func TestShortageIsRegional(t *testing.T) {
	s := NewShortage(map[string][]string{"430200": {"6-18-02-04"}, "430000": {"4-10-01-05"}, "": {"2-02-01-01"}})
	for _, c := range []struct {
		county, occ string
		want        bool
	}{
		{"430211", "6-18-02-04", true}, {"430202", "6-18-02-04", true}, {"430104", "6-18-02-04", false},
		{"430104", "4-10-01-05", true}, {"440104", "4-10-01-05", false}, {"440104", "2-02-01-01", true},
		{"430211", "6-18-02-05", false}, {"", "6-18-02-04", false},
	} {
		if got := s.At(c.county, c.occ); got != c.want {
			t.Errorf("At(%s, %s) = %v, want %v", c.county, c.occ, got, c.want)
		}
	}
	if !s.Anywhere("6-18-02-04") || s.Anywhere("6-18-02-05") || (Shortage{}).At("430211", "6-18-02-04") {
		t.Fatal("Anywhere or the zero Shortage is wrong")
	}
	// the regional world gives shortage points to some postings and not to others of the same code
	w := NewWorld(5, testNow)
	sh, short, not := w.RegionalShortage(), 0, 0
	for _, p := range w.Postings(20000, 1) {
		if sh.Anywhere(p.Occupation) {
			if sh.At(p.County, p.Occupation) {
				short++
			} else {
				not++
			}
		}
	}
	if short == 0 || not == 0 {
		t.Fatalf("regional shortage: %d postings short where they are, %d not", short, not)
	}
}
