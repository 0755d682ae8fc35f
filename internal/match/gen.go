package match

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"xiangpei"
)

// World is a generated labour market for tests and the P4/P5 benchmark: an occupation tree of
// the catalogue's shape (国家职业分类大典 2022: 8 大类, 79 中类, 450 小类, 1,639 细类, codes like
// 4-10-01-05), each 细类 with its skills and a certificate, a shortage list, and postings and
// profiles drawn from it around Hunan's fourteen prefecture seats. The same seed gives the
// same world, postings and profiles.
type World struct {
	Seed     int64
	Now      time.Time
	Codes    []string        // the 细类 codes; the first tenth are the popular ones
	Shortage map[string]bool // about 5% of the 细类
	skills   map[string][]string
	cert     map[string]string
	siblings map[string][]string // 小类 → its 细类
	cousins  map[string][]string // 中类 → its 细类
}

// city is a prefecture seat: a county code and its place.
type city struct {
	county   string
	lat, lng float64
}

var hunan = []city{
	{"430102", 28.228, 112.939}, {"430202", 27.827, 113.134}, {"430302", 27.830, 112.944},
	{"430405", 26.894, 112.572}, {"430502", 27.239, 111.468}, {"430602", 29.357, 113.129},
	{"430702", 29.032, 111.699}, {"430802", 29.117, 110.479}, {"430902", 28.554, 112.355},
	{"431002", 25.771, 113.015}, {"431102", 26.420, 111.613}, {"431202", 27.570, 109.998},
	{"431302", 27.698, 111.994}, {"433101", 28.312, 109.739},
}

// NewWorld builds the occupation tree and its skills from the seed; now is the instant
// postings are fresh relative to.
func NewWorld(seed int64, now time.Time) *World {
	r := rand.New(rand.NewPCG(uint64(seed), 0x6d61746368))
	w := &World{Seed: seed, Now: now, Shortage: map[string]bool{}, skills: map[string][]string{}, cert: map[string]string{},
		siblings: map[string][]string{}, cousins: map[string][]string{}}
	middles := []int{6, 12, 9, 15, 6, 22, 1, 8} // 中类 per 大类: 79
	var mids []string
	for major, n := range middles {
		for m := 1; m <= n; m++ {
			mids = append(mids, fmt.Sprintf("%d-%02d", major+1, m))
		}
	}
	// 450 小类: one per 中类 and the rest at random; 1,639 细类 the same way over the 小类
	minors := spread(r, mids, 450)
	var mins []string
	for _, mid := range mids {
		for m := 1; m <= minors[mid]; m++ {
			mins = append(mins, fmt.Sprintf("%s-%02d", mid, m))
		}
	}
	details := spread(r, mins, 1639)
	for _, mn := range mins {
		for d := 1; d <= details[mn]; d++ {
			w.Codes = append(w.Codes, fmt.Sprintf("%s-%02d", mn, d))
		}
	}
	r.Shuffle(len(w.Codes), func(i, j int) { w.Codes[i], w.Codes[j] = w.Codes[j], w.Codes[i] })
	for _, c := range w.Codes {
		mn, _ := occPrefix(c, 3)
		mid, _ := occPrefix(c, 2)
		w.siblings[mn] = append(w.siblings[mn], c)
		w.cousins[mid] = append(w.cousins[mid], c)
		for i := range 8 {
			w.skills[c] = append(w.skills[c], fmt.Sprintf("技能%s-%d", c, i+1))
		}
		w.cert[c] = c + " 职业技能等级证书"
		if r.IntN(20) == 0 {
			w.Shortage[c] = true
		}
	}
	return w
}

// spread gives each key one and the rest of total at random.
func spread(r *rand.Rand, keys []string, total int) map[string]int {
	n := map[string]int{}
	for _, k := range keys {
		n[k] = 1
	}
	for range total - len(keys) {
		n[keys[r.IntN(len(keys))]]++
	}
	return n
}

// RegionalShortage spreads the world's shortage occupations over regions the way real lists
// are kept: each on the list of one prefecture city, every fifth on the province's list.
func (w *World) RegionalShortage() Shortage {
	codes := make([]string, 0, len(w.Shortage))
	for c := range w.Shortage {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	by := map[string][]string{}
	for i, c := range codes {
		region := hunan[i%len(hunan)].county[:4] + "00"
		if i%5 == 0 {
			region = "430000"
		}
		by[region] = append(by[region], c)
	}
	return NewShortage(by)
}

// code draws a 细类: half the time one of the popular tenth.
func (w *World) code(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return w.Codes[r.IntN(len(w.Codes)/10)]
	}
	return w.Codes[r.IntN(len(w.Codes))]
}

// place draws a place: mostly within about 30 km of a prefecture seat, some anywhere in the
// province.
func place(r *rand.Rand) (county string, lat, lng float64) {
	c := hunan[r.IntN(len(hunan))]
	if r.IntN(10) == 0 {
		return c.county, 24.8 + r.Float64()*5, 109 + r.Float64()*5
	}
	return c.county, c.lat + r.NormFloat64()*0.2, c.lng + r.NormFloat64()*0.2
}

func pick(r *rand.Rand, from []string, n int) []string {
	var out []string
	for _, i := range r.Perm(len(from))[:min(n, len(from))] {
		out = append(out, from[i])
	}
	return out
}

var levels = []string{"5", "4", "3", "2", "1"}

// Postings draws n published postings with ids first, first+1, …
func (w *World) Postings(n int, first int64) []xiangpei.JobPosting {
	r := rand.New(rand.NewPCG(uint64(w.Seed), uint64(first)))
	out := make([]xiangpei.JobPosting, n)
	for i := range out {
		c := w.code(r)
		county, lat, lng := place(r)
		if r.IntN(20) == 0 {
			lat, lng = 0, 0 // no coordinates: matched by county
		}
		p := xiangpei.JobPosting{ID: first + int64(i), EmployerID: 1 + int64(r.IntN(5000)), Occupation: c, Title: "岗位 " + c,
			Skills: pick(r, w.skills[c], r.IntN(5)), Headcount: 1 + r.IntN(10), WorkType: xiangpei.FullTime,
			County: county, Lat: lat, Lng: lng, Status: xiangpei.PostingPublished}
		if r.IntN(5) < 3 {
			p.Level = levels[r.IntN(3)]
		}
		if r.IntN(2) == 0 {
			p.Certificates = []string{w.cert[c]}
		}
		switch r.IntN(20) {
		case 0, 1, 2:
			p.WorkType = xiangpei.PartTime
			p.Salary = xiangpei.Salary{MinFen: int64(2000 + r.IntN(3000)), Unit: xiangpei.PerHour}
		case 3, 4, 5:
			p.WorkType = xiangpei.GigWork
			p.Salary = xiangpei.Salary{MinFen: int64(150+r.IntN(250)) * 100, Unit: xiangpei.PerDay}
		default:
			lo := int64(3000+r.IntN(7000)) * 100
			p.Salary = xiangpei.Salary{MinFen: lo, MaxFen: lo + int64(r.IntN(5000))*100, Unit: xiangpei.PerMonth}
		}
		p.PublishedAt = w.Now.Add(-time.Duration(r.IntN(60*24)) * time.Hour)
		p.ValidFrom = p.PublishedAt
		p.ValidTo = w.Now.AddDate(0, 0, 30+r.IntN(60))
		out[i] = p
	}
	return out
}

// Profiles draws n profiles with person ids first, first+1, …: one to three occupations (the
// later ones often of the same 小类 or 中类), skills of them, some certificates and a level,
// a place or only wished counties, a salary wish and work types.
func (w *World) Profiles(n int, first int64) []xiangpei.SeekerProfile {
	r := rand.New(rand.NewPCG(uint64(w.Seed)+1, uint64(first)))
	out := make([]xiangpei.SeekerProfile, n)
	for i := range out {
		c := w.code(r)
		occ := []string{c}
		for range r.IntN(3) {
			mn, _ := occPrefix(c, 3)
			mid, _ := occPrefix(c, 2)
			switch r.IntN(3) {
			case 0:
				occ = append(occ, pick(r, w.siblings[mn], 1)...)
			case 1:
				occ = append(occ, pick(r, w.cousins[mid], 1)...)
			default:
				occ = append(occ, w.code(r))
			}
		}
		s := xiangpei.SeekerProfile{PersonID: first + int64(i), Occupations: occ}
		for _, o := range occ {
			s.Skills = append(s.Skills, pick(r, w.skills[o], r.IntN(6))...)
			if r.IntN(5) < 2 {
				s.Certificates = append(s.Certificates, w.cert[o])
			}
		}
		if r.IntN(10) < 7 {
			s.Level = levels[r.IntN(5)]
		}
		county, lat, lng := place(r)
		s.Counties = []string{county}
		if r.IntN(100) < 85 {
			s.Lat, s.Lng, s.HasPlace = lat, lng, true
		} else if r.IntN(3) == 0 {
			s.Counties = append(s.Counties, hunan[r.IntN(len(hunan))].county)
		}
		if r.IntN(10) < 7 {
			s.WantFen, s.WantUnit = int64(3000+r.IntN(8000))*100, xiangpei.PerMonth
		}
		switch r.IntN(4) {
		case 0:
			s.WorkTypes = []xiangpei.WorkType{xiangpei.FullTime}
		case 1:
			s.WorkTypes = []xiangpei.WorkType{xiangpei.PartTime, xiangpei.GigWork}
		}
		out[i] = s
	}
	return out
}
