package match

import (
	"cmp"
	"math"
	"slices"
	"sync"
	"time"

	"xiangpei"
)

// exactScan makes searches score every pair their bounds let through instead of only the best
// k by bound (settle): the tests use it to hold that path to brute force too.
var exactScan = false

// Index holds the open postings and the seekers' profiles in buckets by exact occupation code,
// with a tree of code prefixes (中类 and 小类) over the buckets. Inside a bucket, records with a
// place sit in cells of a half-degree grid, and every record is also listed by county (a
// profile under each county it wishes for). A search visits only the buckets under the
// query's 小类 (then 中类) and in them only the cells and county lists a matching pair can be
// in; it counts matching pairs until it has k to choose the step, then scores pairs whose
// bound can still reach the k-th best, deepest buckets first, skipping whole buckets and cells
// whose bound cannot (branch and bound). See docs/matching.md "Index".
//
// The index keeps the records it is given: a caller must not change a record's slices after
// handing it over. All methods are safe for concurrent use (one sync.RWMutex: searches share
// it, changes take it alone).
type Index struct {
	mu    sync.RWMutex
	posts table[postEntry]
	profs table[profEntry]
}

type postEntry struct {
	p      xiangpei.JobPosting
	pubDay time.Time // China date of publication, zero when unpublished
}

type profEntry struct {
	s     xiangpei.SeekerProfile
	codes []string // the distinct occupation codes, in the profile's order
}

// where is where a record is filed inside its buckets.
type where struct {
	codes    []string // bucket codes
	placed   bool     // has a place: filed in a grid cell
	cell     int32
	counties []string // county keys: a posting's county; a profile's distinct wishes, or "" for none
}

// bkt is one bucket: the records of one occupation code.
type bkt struct {
	cells      map[int32][]int32  // records with a place, by grid cell
	unplaced   []int32            // records without one
	unplacedBy map[string][]int32 // those by county key
	allBy      map[string][]int32 // every record by county key
}

// table is a set of records addressed by id, in slots, with buckets by occupation code.
type table[E any] struct {
	slots   []E
	where   []where
	free    []int32
	byID    map[int64]int32
	buckets map[string]*bkt
	under   map[string]map[string]struct{} // 中类 or 小类 prefix → the codes of non-empty buckets under it
}

const cellDeg = 0.5 // the grid: half a degree, about 55 km north–south

func cellOf(lat, lng float64) int32 {
	return cellKey(int(math.Floor(lat/cellDeg)), int(math.Floor(lng/cellDeg)))
}

func cellKey(i, j int) int32 { return int32((i+400)*2000 + j + 1000) }

func (t *table[E]) init() {
	if t.byID == nil {
		t.byID = map[int64]int32{}
		t.buckets = map[string]*bkt{}
		t.under = map[string]map[string]struct{}{}
	}
}

func drop(list []int32, slot int32) []int32 {
	if i := slices.Index(list, slot); i >= 0 {
		list[i] = list[len(list)-1]
		list = list[:len(list)-1]
	}
	return list
}

func (t *table[E]) put(id int64, e E, w where) {
	t.init()
	t.remove(id)
	var slot int32
	if n := len(t.free); n > 0 {
		slot, t.free = t.free[n-1], t.free[:n-1]
		t.slots[slot], t.where[slot] = e, w
	} else {
		slot = int32(len(t.slots))
		t.slots, t.where = append(t.slots, e), append(t.where, w)
	}
	t.byID[id] = slot
	for _, c := range w.codes {
		b := t.buckets[c]
		if b == nil {
			b = &bkt{cells: map[int32][]int32{}, unplacedBy: map[string][]int32{}, allBy: map[string][]int32{}}
			t.buckets[c] = b
			for n := 2; n <= 3; n++ {
				if pre, ok := occPrefix(c, n); ok {
					if t.under[pre] == nil {
						t.under[pre] = map[string]struct{}{}
					}
					t.under[pre][c] = struct{}{}
				}
			}
		}
		if w.placed {
			b.cells[w.cell] = append(b.cells[w.cell], slot)
		} else {
			b.unplaced = append(b.unplaced, slot)
		}
		for _, k := range w.counties {
			if !w.placed {
				b.unplacedBy[k] = append(b.unplacedBy[k], slot)
			}
			b.allBy[k] = append(b.allBy[k], slot)
		}
	}
}

// remove takes id out, reporting whether it was there.
func (t *table[E]) remove(id int64) bool {
	slot, ok := t.byID[id]
	if !ok {
		return false
	}
	w := t.where[slot]
	for _, c := range w.codes {
		b := t.buckets[c]
		if w.placed {
			if l := drop(b.cells[w.cell], slot); len(l) > 0 {
				b.cells[w.cell] = l
			} else {
				delete(b.cells, w.cell)
			}
		} else {
			b.unplaced = drop(b.unplaced, slot)
		}
		for _, k := range w.counties {
			if !w.placed {
				if l := drop(b.unplacedBy[k], slot); len(l) > 0 {
					b.unplacedBy[k] = l
				} else {
					delete(b.unplacedBy, k)
				}
			}
			if l := drop(b.allBy[k], slot); len(l) > 0 {
				b.allBy[k] = l
			} else {
				delete(b.allBy, k)
			}
		}
		if len(b.cells) == 0 && len(b.unplaced) == 0 {
			delete(t.buckets, c)
			for n := 2; n <= 3; n++ {
				if pre, ok := occPrefix(c, n); ok {
					delete(t.under[pre], c)
					if len(t.under[pre]) == 0 {
						delete(t.under, pre)
					}
				}
			}
		}
	}
	var zero E
	t.slots[slot], t.where[slot] = zero, where{}
	delete(t.byID, id)
	t.free = append(t.free, slot)
	return true
}

// codesUnder is the bucket codes under the prefixes, each once, sorted.
func (t *table[E]) codesUnder(prefixes []string) []string {
	var out []string
	for _, pre := range prefixes {
		for c := range t.under[pre] {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// prefixes is the distinct n-part prefixes of the codes.
func prefixes(codes []string, n int) []string {
	var out []string
	for _, c := range codes {
		if pre, ok := occPrefix(c, n); ok && !slices.Contains(out, pre) {
			out = append(out, pre)
		}
	}
	return out
}

func distinct(codes []string) []string {
	var out []string
	for _, c := range codes {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// UpsertPosting adds or replaces a posting (moving it between buckets when its occupation or
// place changed). Only open postings belong in the index; a search also skips any that is not
// open at its Options.Now.
func (ix *Index) UpsertPosting(p xiangpei.JobPosting) {
	e := postEntry{p: p}
	if !p.PublishedAt.IsZero() {
		e.pubDay = civil(p.PublishedAt)
	}
	w := where{codes: []string{p.Occupation}, placed: p.Lat != 0 || p.Lng != 0, counties: []string{p.County}}
	if w.placed {
		w.cell = cellOf(p.Lat, p.Lng)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.posts.put(p.ID, e, w)
}

// RemovePosting takes a posting out; it reports whether it was there.
func (ix *Index) RemovePosting(id int64) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.posts.init()
	return ix.posts.remove(id)
}

// UpsertProfile adds or replaces a seeker's profile.
func (ix *Index) UpsertProfile(s xiangpei.SeekerProfile) {
	e := profEntry{s: s, codes: distinct(s.Occupations)}
	w := where{codes: e.codes, placed: s.HasPlace, counties: distinct(s.Counties)}
	if len(w.counties) == 0 {
		w.counties = []string{""}
	}
	if w.placed {
		w.cell = cellOf(s.Lat, s.Lng)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.profs.put(s.PersonID, e, w)
}

// RemoveProfile takes a profile out; it reports whether it was there.
func (ix *Index) RemoveProfile(personID int64) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.profs.init()
	return ix.profs.remove(personID)
}

// Len is the number of postings and profiles held.
func (ix *Index) Len() (postings, profiles int) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.posts.byID), len(ix.profs.byID)
}

// query is where a search looks from.
type query struct {
	placed   bool
	lat, lng float64
	keys     []string // county keys to look up when the pair has no distance
	all      bool     // every record without a place is near (a person wishing for no county)
}

// distTier is the distance points at km, as the score gives them.
func distTier(km float64) int {
	switch {
	case km <= 5:
		return 10
	case km <= 15:
		return 7
	case km <= 30:
		return 4
	case km <= 60:
		return 2
	}
	return 0
}

// visit calls f with every list of bucket b that may hold a record near q at step, with the
// most distance points a pair from that list can earn.
func (b *bkt) visit(q *query, step int, o *Options, f func(list []int32, distMax int)) {
	wide := step == StepWider || q.all
	if !q.placed {
		if wide {
			for _, l := range b.cells {
				f(l, 10) // distance unknown on one side: county points at most
			}
			f(b.unplaced, 10)
			return
		}
		for _, k := range q.keys {
			f(b.allBy[k], 10)
		}
		return
	}
	radius := o.RadiusKm
	if step == StepWider {
		radius = o.WideRadiusKm
	}
	// the cells a point within radius can be in: a degree of latitude is 111.19 km, of
	// longitude that times the cosine, taken at the latitude nearest a pole, with a margin
	dLat := radius/111 + 0.01
	far := max(math.Abs(q.lat-dLat), math.Abs(q.lat+dLat))
	dLng := radius/(111*math.Cos(far*math.Pi/180))*1.05 + 0.01
	i0, i1 := int(math.Floor((q.lat-dLat)/cellDeg)), int(math.Floor((q.lat+dLat)/cellDeg))
	j0, j1 := int(math.Floor((q.lng-dLng)/cellDeg)), int(math.Floor((q.lng+dLng)/cellDeg))
	for i := i0; i <= i1; i++ {
		// no point of the row is nearer than its nearest latitude
		lo, hi := float64(i)*cellDeg, float64(i+1)*cellDeg
		minKm := 0.0
		if q.lat < lo {
			minKm = (lo-q.lat)*111.19 - 0.5
		} else if q.lat > hi {
			minKm = (q.lat-hi)*111.19 - 0.5
		}
		for j := j0; j <= j1; j++ {
			if l := b.cells[cellKey(i, j)]; len(l) > 0 {
				f(l, distTier(minKm))
			}
		}
	}
	if wide {
		f(b.unplaced, 5)
		return
	}
	for _, k := range q.keys {
		f(b.unplacedBy[k], 5)
	}
}

// bucket is one bucket of a search with the deepest prefix any query code shares with it.
type bucket struct {
	code  string
	b     *bkt
	depth int
}

// plan is the buckets a search visits: those under the query's 小类, then those under its 中类
// (which include the former), deepest first.
func plan[E any](t *table[E], queryCodes []string) (minor, middle []bucket) {
	mk := func(codes []string) []bucket {
		bs := make([]bucket, 0, len(codes))
		for _, c := range codes {
			bs = append(bs, bucket{code: c, b: t.buckets[c], depth: bestDepth(queryCodes, c)})
		}
		slices.SortStableFunc(bs, func(a, b bucket) int { return cmp.Compare(b.depth, a.depth) })
		return bs
	}
	return mk(t.codesUnder(prefixes(queryCodes, 3))), mk(t.codesUnder(prefixes(queryCodes, 2)))
}

// chooseStep counts matching pairs step by step until one has k: the step and its buckets.
func chooseStep(k int, minor, middle []bucket, count func(bs []bucket, step, k int) int) (int, []bucket) {
	if count(minor, StepSameMinor, k) >= k {
		return StepSameMinor, minor
	}
	if count(middle, StepSameMiddle, k) >= k {
		return StepSameMiddle, middle
	}
	return StepWider, middle
}

func occPoints(depth int) int {
	switch {
	case depth >= 4:
		return 30
	case depth == 3:
		return 20
	case depth == 2:
		return 10
	}
	return 0
}

// JobsFor is the best k open postings for the person (see the package comment for the steps).
func (ix *Index) JobsFor(s xiangpei.SeekerProfile, k int, opts Options) Result {
	o := opts.norm()
	today := civil(o.Now)
	q := query{placed: s.HasPlace, lat: s.Lat, lng: s.Lng, keys: distinct(s.Counties)}
	q.all = len(q.keys) == 0
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	t := &ix.posts
	minor, middle := plan(t, s.Occupations)

	step, visit := chooseStep(k, minor, middle, func(bs []bucket, step, k int) int {
		n := 0
		for _, b := range bs {
			b.b.visit(&q, step, &o, func(list []int32, _ int) {
				for _, slot := range list {
					if n >= k {
						return
					}
					p := &t.slots[slot].p
					if st, _ := ringOf(b.depth, &s, p, &o); st >= 0 && st <= step && p.Open(o.Now) {
						n++
					}
				}
			})
			if n >= k {
				break
			}
		}
		return n
	})

	var r Result
	scan := func(exact bool) topK {
		top := topK{k: k}
		for _, b := range visit {
			shortage := 0
			if o.Shortage.Anywhere(b.code) {
				shortage = 5
			}
			// the best a pair of this bucket can do: its occupation and shortage points, all else full
			best := 100 - 35 + occPoints(b.depth) + shortage
			if full, worst := top.full(); full && best < worst {
				if 100-35+occPoints(b.depth)+5 < worst {
					break // buckets come deepest first: no later one does better, shortage or not
				}
				continue
			}
			b.b.visit(&q, step, &o, func(list []int32, distMax int) {
				if full, worst := top.full(); full && best-10+distMax < worst {
					return
				}
				for _, slot := range list {
					e := &t.slots[slot]
					p := &e.p
					st, km := ringOf(b.depth, &s, p, &o)
					if st < 0 || st > step {
						continue
					}
					x := pair{depth: b.depth, km: km, pubDay: e.pubDay, today: today, shortage: shortage > 0 && o.Shortage.At(p.County, p.Occupation)}
					rough := roughBound(&s, p, &x)
					if !top.admits(rough, p.ID) {
						continue
					}
					fine := fineBound(rough, &s, p)
					if !top.admits(fine, p.ID) || !p.Open(o.Now) {
						continue
					}
					if !exact {
						top.push(cand{Hit{ID: p.ID, Score: fine}, slot})
						continue
					}
					score, why := xiangpei.MatchScore(s, *p, x.shortage, o.Now)
					r.Scored++
					if top.admits(score, p.ID) {
						top.push(cand{Hit{ID: p.ID, Score: score, Reasons: why}, slot})
					}
				}
			})
		}
		return top
	}
	top := scan(exactScan)
	if !exactScan && !settle(&top, &r, func(slot int32) (int, []xiangpei.MatchReason) {
		p := t.slots[slot].p
		return xiangpei.MatchScore(s, p, o.Shortage.At(p.County, p.Occupation), o.Now)
	}) {
		top = scan(true)
	}
	r.Hits = top.sorted()
	finish(&r, step, k, o)
	return r
}

// SeekersFor is the best k people for the posting (see the package comment for the steps).
func (ix *Index) SeekersFor(p xiangpei.JobPosting, k int, opts Options) Result {
	o := opts.norm()
	x := pair{today: civil(o.Now), shortage: o.Shortage.At(p.County, p.Occupation)}
	if !p.PublishedAt.IsZero() {
		x.pubDay = civil(p.PublishedAt)
	}
	q := query{placed: p.Lat != 0 || p.Lng != 0, lat: p.Lat, lng: p.Lng, keys: distinct([]string{p.County, ""})}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	t := &ix.profs
	minor, middle := plan(t, []string{p.Occupation})

	// A profile sits in the bucket of each of its occupations; it is taken from the bucket of
	// its first occupation with the deepest prefix shared with the posting (its canonical
	// bucket), which is among those visited whenever the profile can match at all.
	canonical := func(e *profEntry, b *bucket) (int, bool) {
		d := bestDepth(e.codes, p.Occupation)
		for _, c := range e.codes {
			if depthOf(c, p.Occupation) == d {
				return d, c == b.code
			}
		}
		return d, false
	}
	step, visit := chooseStep(k, minor, middle, func(bs []bucket, step, k int) int {
		n := 0
		for _, b := range bs {
			b.b.visit(&q, step, &o, func(list []int32, _ int) {
				for _, slot := range list {
					if n >= k {
						return
					}
					e := &t.slots[slot]
					if d, ok := canonical(e, &b); ok {
						if st, _ := ringOf(d, &e.s, &p, &o); st >= 0 && st <= step {
							n++
						}
					}
				}
			})
			if n >= k {
				break
			}
		}
		return n
	})

	var r Result
	shortage := 0
	if x.shortage {
		shortage = 5
	}
	scan := func(exact bool) topK {
		top := topK{k: k}
		for _, b := range visit {
			best := 100 - 35 + occPoints(b.depth) + shortage
			if full, worst := top.full(); full && best < worst {
				break // buckets come deepest first
			}
			b.b.visit(&q, step, &o, func(list []int32, distMax int) {
				if full, worst := top.full(); full && best-10+distMax < worst {
					return
				}
				for _, slot := range list {
					e := &t.slots[slot]
					s := &e.s
					d, ok := canonical(e, &b)
					if !ok {
						continue
					}
					st, km := ringOf(d, s, &p, &o)
					if st < 0 || st > step {
						continue
					}
					x.depth, x.km = d, km
					rough := roughBound(s, &p, &x)
					if !top.admits(rough, s.PersonID) {
						continue
					}
					fine := fineBound(rough, s, &p)
					if !top.admits(fine, s.PersonID) {
						continue
					}
					if !exact {
						top.push(cand{Hit{ID: s.PersonID, Score: fine}, slot})
						continue
					}
					score, why := xiangpei.MatchScore(*s, p, x.shortage, o.Now)
					r.Scored++
					if top.admits(score, s.PersonID) {
						top.push(cand{Hit{ID: s.PersonID, Score: score, Reasons: why}, slot})
					}
				}
			})
		}
		return top
	}
	top := scan(exactScan)
	if !exactScan && !settle(&top, &r, func(slot int32) (int, []xiangpei.MatchReason) {
		return xiangpei.MatchScore(t.slots[slot].s, p, x.shortage, o.Now)
	}) {
		top = scan(true)
	}
	r.Hits = top.sorted()
	finish(&r, step, k, o)
	return r
}
