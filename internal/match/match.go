// Package match is 人岗匹配 kept in memory (SPEC §7, QUALITY P4/P5): an Index of the open job
// postings and the seekers' profiles, updated as they change, that answers "the best k jobs for
// this person" and "the best k people for this posting" without scoring everything. The score
// is xiangpei.MatchScore and nothing else: the index only decides which pairs need not be
// scored because they cannot reach the k-th best (branch and bound, see docs/matching.md
// "Index"). BruteJobsFor and BruteSeekersFor score every pair; the tests hold the index to
// them exactly (same hits, same order, same scores, same reasons, same widening).
//
// Which pairs match at all is the ring of the search (SPEC §7: where matches are few, widen
// step by step, same 小类 → same 中类 → a larger radius, and say so):
//
//	step 0: an occupation of the person shares the posting's 小类 (first three code parts) and
//	        the pair is near (Options.RadiusKm);
//	step 1: they share the 中类 (first two parts) and the pair is near;
//	step 2: they share the 中类 and the pair is within Options.WideRadiusKm.
//
// "Near": when both places are known, the great-circle distance (xiangpei.DistanceMetres)
// is within the radius; when one is not known, the posting's county is one the person wishes
// for, or the person wished for none; at step 2 the county no longer matters. The search
// takes the first step with at least k matching pairs (or the last) and returns the best k of
// that step, with the steps beyond the first in Result.Widened. A posting that is not open at
// Options.Now never matches.
package match

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"xiangpei"
)

// Options are the settings of one search.
type Options struct {
	Now          time.Time // for freshness and whether a posting is open; zero: time.Now()
	Shortage     Shortage  // the shortage occupations in force (紧缺工种), where
	RadiusKm     float64   // the first ring's radius; 0: DefaultRadiusKm
	WideRadiusKm float64   // the last step's radius; 0: DefaultWideRadiusKm
}

// Shortage says which occupations are shortage occupations (紧缺工种) and where. A shortage
// list belongs to a city or to the province (SPEC §4.1), so a posting's occupation is favoured
// when the list in force for the posting's city or province names it. The zero Shortage names
// nothing.
type Shortage struct {
	byRegion map[string]map[string]bool // region code (city, province, or "" for everywhere) → occupation codes
	anywhere map[string]bool            // short somewhere: the index's score bounds
}

// NewShortage builds a Shortage from the occupation codes of the lists in force, by the code
// of the region each list belongs to ("" for a list that holds everywhere).
func NewShortage(byRegion map[string][]string) Shortage {
	s := Shortage{byRegion: map[string]map[string]bool{}, anywhere: map[string]bool{}}
	for region, codes := range byRegion {
		set := s.byRegion[region]
		if set == nil {
			set = map[string]bool{}
			s.byRegion[region] = set
		}
		for _, c := range codes {
			set[c], s.anywhere[c] = true, true
		}
	}
	return s
}

// Everywhere is a Shortage whose occupations are short in every region.
func Everywhere(codes map[string]bool) Shortage {
	var list []string
	for c, ok := range codes {
		if ok {
			list = append(list, c)
		}
	}
	return NewShortage(map[string][]string{"": list})
}

// At reports whether occupation is short for a posting in county: on the list of everywhere,
// of the county's city (its first four digits) or of its province (its first two).
func (s Shortage) At(county, occupation string) bool {
	if !s.anywhere[occupation] {
		return false
	}
	if s.byRegion[""][occupation] {
		return true
	}
	if len(county) != 6 {
		return false
	}
	return s.byRegion[county[:4]+"00"][occupation] || s.byRegion[county[:2]+"0000"][occupation] || s.byRegion[county][occupation]
}

// Anywhere reports whether occupation is short in some region.
func (s Shortage) Anywhere(occupation string) bool { return s.anywhere[occupation] }

// The default radii: 60 km is as far as the distance part of the score gives points; 150 km
// reaches the neighbouring prefectures of a Hunan city.
const (
	DefaultRadiusKm     = 60
	DefaultWideRadiusKm = 150
)

func (o Options) norm() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.RadiusKm <= 0 {
		o.RadiusKm = DefaultRadiusKm
	}
	if o.WideRadiusKm <= 0 {
		o.WideRadiusKm = DefaultWideRadiusKm
	}
	o.WideRadiusKm = max(o.WideRadiusKm, o.RadiusKm)
	return o
}

// The steps of a search.
const (
	StepSameMinor  = 0 // same 小类, near
	StepSameMiddle = 1 // same 中类, near
	StepWider      = 2 // same 中类, within the wider radius
)

// Step says why a search widened, for the page: a message key, its arguments and English.
type Step struct {
	Step int
	Key  string
	Args []any
	Text string
}

func widened(step, k int, o Options) Step {
	if step == StepSameMiddle {
		return Step{step, "match.widened_middle", []any{k, int(o.RadiusKm)},
			fmt.Sprintf("Fewer than %d matches in the same occupation group (小类) within %d km: widened to the same category (中类).", k, int(o.RadiusKm))}
	}
	return Step{step, "match.widened_radius", []any{k, int(o.WideRadiusKm)},
		fmt.Sprintf("Still fewer than %d matches: widened to %d km, in any county.", k, int(o.WideRadiusKm))}
}

// Hit is one result: the posting's id (a person's search) or the person's (a posting's), the
// score and its reasons, as xiangpei.MatchScore gives them.
type Hit struct {
	ID      int64
	Score   int
	Reasons []xiangpei.MatchReason
}

// Result is the best k of a search, best first (xiangpei.SortMatches).
type Result struct {
	Hits    []Hit
	Step    int    // the step the hits come from
	Widened []Step // the steps taken beyond the first, in order
	Scored  int    // how many pairs were scored (MatchScore calls); not part of the answer
}

func finish(r *Result, step, k int, o Options) {
	r.Step = step
	for s := StepSameMiddle; s <= step; s++ {
		r.Widened = append(r.Widened, widened(s, k, o))
	}
}

// occPrefix is the first n parts of an occupation code, and whether it has as many.
func occPrefix(code string, n int) (string, bool) {
	if code == "" {
		return "", false
	}
	i := 0
	for j := 0; j < len(code); j++ {
		if code[j] == '-' {
			i++
			if i == n {
				return code[:j], true
			}
		}
	}
	if i+1 >= n {
		return code, i+1 == n
	}
	return "", false
}

// bestDepth is the deepest shared prefix of any of the person's occupations with code.
func bestDepth(occupations []string, code string) int {
	d := 0
	for _, o := range occupations {
		d = max(d, depthOf(o, code))
	}
	return d
}

// depthOf is xiangpei.OccupationDepth without its allocations (the tests hold them equal).
func depthOf(a, b string) int {
	if a == "" || b == "" {
		return 0
	}
	n := 0
	for {
		i, j := strings.IndexByte(a, '-'), strings.IndexByte(b, '-')
		pa, pb := a, b
		if i >= 0 {
			pa = a[:i]
		}
		if j >= 0 {
			pb = b[:j]
		}
		if pa != pb {
			return n
		}
		n++
		if i < 0 || j < 0 {
			return n
		}
		a, b = a[i+1:], b[j+1:]
	}
}

// placed reports whether both places are known, as the distance part of the score has it.
func placed(s *xiangpei.SeekerProfile, p *xiangpei.JobPosting) bool {
	return s.HasPlace && (p.Lat != 0 || p.Lng != 0)
}

// ringOf is the first step at which the pair matches, -1 for none, and the distance in km
// when both places are known.
func ringOf(depth int, s *xiangpei.SeekerProfile, p *xiangpei.JobPosting, o *Options) (int, float64) {
	if depth < 2 {
		return -1, 0
	}
	first := StepSameMiddle
	if depth >= 3 {
		first = StepSameMinor
	}
	if placed(s, p) {
		// no point is nearer than its difference of latitude (111.19 km a degree): far pairs
		// are dropped before the trigonometry
		if dl := s.Lat - p.Lat; dl*111 > o.WideRadiusKm+1 || -dl*111 > o.WideRadiusKm+1 {
			return -1, 0
		}
		km := xiangpei.DistanceMetres(s.Lat, s.Lng, p.Lat, p.Lng) / 1000
		switch {
		case km <= o.RadiusKm:
			return first, km
		case km <= o.WideRadiusKm:
			return StepWider, km
		}
		return -1, km
	}
	if len(s.Counties) == 0 || slices.Contains(s.Counties, p.County) {
		return first, 0
	}
	return StepWider, 0
}

// civil is the China date of t as an instant, as the score's freshness counts days.
func civil(t time.Time) time.Time {
	y, m, d := t.In(xiangpei.ChinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, xiangpei.ChinaTime)
}

func levelRank(level string) int {
	if len(level) == 1 && level[0] >= '1' && level[0] <= '5' {
		return int('6' - level[0])
	}
	return 0
}

func held(wanted, have []string) int {
	n := 0
	for _, w := range wanted {
		w = strings.TrimSpace(w)
		for _, h := range have {
			if strings.EqualFold(strings.TrimSpace(h), w) {
				n++
				break
			}
		}
	}
	return n
}

// pair is what bound needs of a pair beyond the two records: the occupation depth, the
// distance, the posting's China publication date (zero when unpublished) and today's.
type pair struct {
	depth    int
	km       float64
	pubDay   time.Time
	today    time.Time
	shortage bool
}

// roughBound is at least the score of the pair: every part that is cheap to know exactly, the
// certificates and skills at their maximum.
func roughBound(s *xiangpei.SeekerProfile, p *xiangpei.JobPosting, x *pair) int {
	b := 10 + 15 // certificates, skills
	switch {
	case x.depth >= 4:
		b += 30
	case x.depth == 3:
		b += 20
	case x.depth == 2:
		b += 10
	}
	need, have := levelRank(p.Level), levelRank(s.Level)
	switch {
	case need == 0 || have >= need:
		b += 10
	case have == need-1:
		b += 3
	}
	if placed(s, p) {
		switch {
		case x.km <= 5:
			b += 10
		case x.km <= 15:
			b += 7
		case x.km <= 30:
			b += 4
		case x.km <= 60:
			b += 2
		}
	} else if slices.Contains(s.Counties, p.County) {
		b += 5
	}
	if s.WantFen == 0 {
		b += 10
	} else {
		top := p.Salary.MaxFen
		if top == 0 {
			top = p.Salary.MinFen
		}
		offer, want := xiangpei.MonthlyEquivalentFen(top, p.Salary.Unit), xiangpei.MonthlyEquivalentFen(s.WantFen, s.WantUnit)
		switch {
		case offer >= want:
			b += 10
		case offer*10 >= want*9:
			b += 5
		}
	}
	if len(s.WorkTypes) == 0 || slices.Contains(s.WorkTypes, p.WorkType) {
		b += 5
	}
	if !x.pubDay.IsZero() {
		switch age := int(x.today.Sub(x.pubDay).Hours() / 24); {
		case age <= 7:
			b += 5
		case age <= 30:
			b += 3
		}
	}
	if x.shortage {
		b += 5
	}
	return b
}

// fineBound is roughBound with the certificates and skills counted: the score itself, unless
// the two disagree somewhere, in which case the equivalence tests fail. It is never used as a
// score, only to skip MatchScore for a pair that cannot enter the top k.
func fineBound(rough int, s *xiangpei.SeekerProfile, p *xiangpei.JobPosting) int {
	b := rough - 25
	if len(p.Certificates) == 0 {
		b += 10
	} else {
		b += 10 * held(p.Certificates, s.Certificates) / len(p.Certificates)
	}
	if len(p.Skills) == 0 {
		b += 15
	} else {
		b += 15 * held(p.Skills, s.Skills) / len(p.Skills)
	}
	return b
}

// topK keeps the best k candidates seen: a heap whose root is the worst kept.
type topK struct {
	k    int
	hits []cand
}

// cand is a hit and the slot of its record in the index.
type cand struct {
	Hit
	slot int32
}

// worse orders a before b when a ranks below b in a list (lower score, or the same and a
// higher id).
func worse(a, b *cand) bool {
	return a.Score < b.Score || (a.Score == b.Score && a.ID > b.ID)
}

// admits reports whether a hit of this score and id would be kept.
func (t *topK) admits(score int, id int64) bool {
	if t.k <= 0 {
		return false
	}
	if len(t.hits) < t.k {
		return true
	}
	w := &t.hits[0]
	return score > w.Score || (score == w.Score && id < w.ID)
}

// full reports whether k are kept, and then the worst one's score.
func (t *topK) full() (bool, int) {
	if t.k > 0 && len(t.hits) == t.k {
		return true, t.hits[0].Score
	}
	return false, 0
}

func (t *topK) push(h cand) {
	if len(t.hits) < t.k {
		t.hits = append(t.hits, h)
		for i := len(t.hits) - 1; i > 0; {
			p := (i - 1) / 2
			if !worse(&t.hits[i], &t.hits[p]) {
				break
			}
			t.hits[i], t.hits[p] = t.hits[p], t.hits[i]
			i = p
		}
		return
	}
	t.hits[0] = h
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(t.hits) && worse(&t.hits[l], &t.hits[m]) {
			m = l
		}
		if r < len(t.hits) && worse(&t.hits[r], &t.hits[m]) {
			m = r
		}
		if m == i {
			break
		}
		t.hits[i], t.hits[m] = t.hits[m], t.hits[i]
		i = m
	}
}

// sorted is the kept hits best first, in the order xiangpei.SortMatches gives.
func (t *topK) sorted() []Hit {
	ms := make([]xiangpei.Match, len(t.hits))
	byID := make(map[int64]Hit, len(t.hits))
	for i, h := range t.hits {
		ms[i] = xiangpei.Match{ID: h.ID, Score: h.Score}
		byID[h.ID] = h.Hit
	}
	xiangpei.SortMatches(ms)
	out := make([]Hit, len(ms))
	for i, m := range ms {
		out[i] = byID[m.ID]
	}
	return out
}

// settle turns the best k by bound into the best k by score. The search keeps the k best
// pairs by their bound (at least the score) and scores only those: when each kept pair's
// score equals its bound, they are the best k by score too (any pair left out ranks below
// each of them by its bound, so by its score). When one does not (a bound above the score),
// settle reports false and the search runs again scoring every pair its bound lets through.
func settle(t *topK, r *Result, score func(slot int32) (int, []xiangpei.MatchReason)) bool {
	for i := range t.hits {
		h := &t.hits[i]
		s, why := score(h.slot)
		r.Scored++
		if s != h.Score {
			return false
		}
		h.Reasons = why
	}
	return true
}
