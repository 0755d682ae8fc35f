package match

import "xiangpei"

// The brute-force baseline (QUALITY P4/P5): score every posting or profile with
// xiangpei.MatchScore, keep the pairs of the step the search ends at, sort, cut. The index
// must give exactly what these give.

type scored struct {
	m    xiangpei.Match
	step int
}

// bruteCut picks the step (the first with at least k matching pairs, or the last), sorts its
// pairs and keeps k; reasons fills in the reasons of the kept ones.
func bruteCut(all []scored, counts [3]int, k int, o Options, reasons func(id int64) []xiangpei.MatchReason) Result {
	step, n := StepSameMinor, counts[StepSameMinor]
	for step < StepWider && n < k {
		step++
		n += counts[step]
	}
	var ms []xiangpei.Match
	for _, s := range all {
		if s.step <= step {
			ms = append(ms, s.m)
		}
	}
	xiangpei.SortMatches(ms)
	if k < 0 {
		k = 0
	}
	ms = ms[:min(k, len(ms))]
	r := Result{Hits: make([]Hit, 0, len(ms))}
	for _, m := range ms {
		r.Hits = append(r.Hits, Hit{ID: m.ID, Score: m.Score, Reasons: reasons(m.ID)})
	}
	finish(&r, step, k, o)
	return r
}

// BruteJobsFor is the best k open postings for the person, by scoring every posting.
func BruteJobsFor(postings []xiangpei.JobPosting, s xiangpei.SeekerProfile, k int, opts Options) Result {
	o := opts.norm()
	var all []scored
	var counts [3]int
	byID := map[int64]int{}
	for i := range postings {
		p := &postings[i]
		score, _ := xiangpei.MatchScore(s, *p, o.Shortage.At(p.County, p.Occupation), o.Now)
		if !p.Open(o.Now) {
			continue
		}
		step, _ := ringOf(bestDepth(s.Occupations, p.Occupation), &s, p, &o)
		if step < 0 {
			continue
		}
		counts[step]++
		all = append(all, scored{xiangpei.Match{ID: p.ID, Score: score}, step})
		byID[p.ID] = i
	}
	r := bruteCut(all, counts, k, o, func(id int64) []xiangpei.MatchReason {
		p := postings[byID[id]]
		_, why := xiangpei.MatchScore(s, p, o.Shortage.At(p.County, p.Occupation), o.Now)
		return why
	})
	r.Scored = len(postings)
	return r
}

// BruteSeekersFor is the best k people for the posting, by scoring every profile.
func BruteSeekersFor(profiles []xiangpei.SeekerProfile, p xiangpei.JobPosting, k int, opts Options) Result {
	o := opts.norm()
	shortage := o.Shortage.At(p.County, p.Occupation)
	var all []scored
	var counts [3]int
	byID := map[int64]int{}
	for i := range profiles {
		s := &profiles[i]
		score, _ := xiangpei.MatchScore(*s, p, shortage, o.Now)
		step, _ := ringOf(bestDepth(s.Occupations, p.Occupation), s, &p, &o)
		if step < 0 {
			continue
		}
		counts[step]++
		all = append(all, scored{xiangpei.Match{ID: s.PersonID, Score: score}, step})
		byID[s.PersonID] = i
	}
	r := bruteCut(all, counts, k, o, func(id int64) []xiangpei.MatchReason {
		_, why := xiangpei.MatchScore(profiles[byID[id]], p, shortage, o.Now)
		return why
	})
	r.Scored = len(profiles)
	return r
}
