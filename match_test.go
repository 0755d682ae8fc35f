package xiangpei

import (
	"reflect"
	"testing"
)

func TestOccupationDepth(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"4-10-01-05", "4-10-01-05", 4}, {"4-10-01-05", "4-10-01-06", 3}, {"4-10-01-05", "4-10-02-05", 2},
		{"4-10-01-05", "4-11-01-05", 1}, {"4-10-01-05", "6-10-01-05", 0}, {"", "4-10-01-05", 0}, {"4-10", "4-10-01-05", 2},
	}
	for _, c := range cases {
		if got := OccupationDepth(c.a, c.b); got != c.want {
			t.Errorf("%s ~ %s: %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestMatchWeightsSumTo100(t *testing.T) {
	sum := 0
	for _, w := range MatchWeights {
		sum += w.Max
	}
	if sum != 100 {
		t.Errorf("weights sum to %d", sum)
	}
}

// 株洲 天元区 and a point about 10 km east; 长沙 about 50 km north.
const (
	tyLat, tyLng = 27.8267, 113.0822
	farLat       = 28.2282
)

func matchPosting(t *testing.T) JobPosting {
	return JobPosting{ID: 1, Occupation: "6-18-01-01", Level: "4", Certificates: []string{"焊工证"}, Skills: []string{"氩弧焊", "识图"},
		Salary: Salary{MinFen: 600000, MaxFen: 800000, Unit: PerMonth}, WorkType: FullTime, County: "430211",
		Lat: tyLat, Lng: tyLng, PublishedAt: day(t, "2026-11-25")}
}

func TestMatchScoreFull(t *testing.T) {
	now := day(t, "2026-11-27")
	p := matchPosting(t)
	prof := SeekerProfile{Occupations: []string{"6-18-01-01"}, Level: "3", Certificates: []string{"焊工证"}, Skills: []string{"氩弧焊", " 识图 "},
		Lat: tyLat, Lng: tyLng, HasPlace: true, WantFen: 700000, WantUnit: PerMonth, WorkTypes: []WorkType{FullTime}}
	score, why := MatchScore(prof, p, true, now)
	if score != 100 {
		t.Errorf("perfect match scored %d: %+v", score, why)
	}
	if len(why) != len(MatchWeights) {
		t.Fatalf("%d reasons", len(why))
	}
	for i, r := range why {
		if r.Part != MatchWeights[i].Part || r.Max != MatchWeights[i].Max || r.Points != r.Max || r.Key == "" || r.Text == "" {
			t.Errorf("reason %d: %+v", i, r)
		}
	}
	if gaps := NearMiss(prof, p); len(gaps) != 0 {
		t.Errorf("gaps: %+v", gaps)
	}
	score, _ = MatchScore(prof, p, false, now)
	if score != 95 {
		t.Errorf("without shortage: %d", score)
	}
}

// Each part on its own: the points and the reason key for one change from the perfect match.
func TestMatchScoreParts(t *testing.T) {
	now := day(t, "2026-11-27")
	base := SeekerProfile{Occupations: []string{"6-18-01-01"}, Level: "4", Certificates: []string{"焊工证"}, Skills: []string{"氩弧焊", "识图"},
		Lat: tyLat, Lng: tyLng, HasPlace: true}
	cases := []struct {
		name string
		prof func(*SeekerProfile)
		post func(*JobPosting)
		part string
		pts  int
		key  string
	}{
		{"same 小类", func(s *SeekerProfile) { s.Occupations = []string{"6-18-01-02"} }, nil, MatchOccupation, 20, "match.occupation_same_minor"},
		{"same 中类", func(s *SeekerProfile) { s.Occupations = []string{"6-18-02-01"} }, nil, MatchOccupation, 10, "match.occupation_same_middle"},
		{"same 大类 only", func(s *SeekerProfile) { s.Occupations = []string{"6-20-01-01"} }, nil, MatchOccupation, 0, "match.occupation_other"},
		{"best of several", func(s *SeekerProfile) { s.Occupations = []string{"4-01-01-01", "6-18-01-03"} }, nil, MatchOccupation, 20, "match.occupation_same_minor"},
		{"level one short", func(s *SeekerProfile) { s.Level = "5" }, nil, MatchLevel, 3, "match.level_one_short"},
		{"no level", func(s *SeekerProfile) { s.Level = "" }, nil, MatchLevel, 0, "match.level_short"},
		{"level two short", func(s *SeekerProfile) { s.Level = "5" }, func(p *JobPosting) { p.Level = "3" }, MatchLevel, 0, "match.level_short"},
		{"none required", func(s *SeekerProfile) { s.Level = "" }, func(p *JobPosting) { p.Level = "" }, MatchLevel, 10, "match.level_none"},
		{"no certificate", func(s *SeekerProfile) { s.Certificates = nil }, nil, MatchCert, 0, "match.cert_share"},
		{"half the certificates", nil, func(p *JobPosting) { p.Certificates = []string{"焊工证", "电工证"} }, MatchCert, 5, "match.cert_share"},
		{"half the skills", func(s *SeekerProfile) { s.Skills = []string{"识图"} }, nil, MatchSkills, 7, "match.skills_share"},
		{"no skills listed", func(s *SeekerProfile) { s.Skills = nil }, func(p *JobPosting) { p.Skills = nil }, MatchSkills, 15, "match.skills_none"},
		{"10 km", nil, func(p *JobPosting) { p.Lng = tyLng + 0.1 }, MatchDistance, 7, "match.distance_km"},
		{"45 km", nil, func(p *JobPosting) { p.Lat = tyLat + 0.4 }, MatchDistance, 2, "match.distance_km"},
		{"far away", nil, func(p *JobPosting) { p.Lat = farLat + 1 }, MatchDistance, 0, "match.distance_km"},
		{"wished county, no place", func(s *SeekerProfile) { s.HasPlace = false; s.Counties = []string{"430211"} }, nil, MatchDistance, 5, "match.distance_county"},
		{"other county, no place", func(s *SeekerProfile) { s.HasPlace = false; s.Counties = []string{"430281"} }, nil, MatchDistance, 0, "match.distance_unknown"},
		{"salary close", func(s *SeekerProfile) { s.WantFen, s.WantUnit = 850000, PerMonth }, nil, MatchSalary, 5, "match.salary_close"},
		{"salary below", func(s *SeekerProfile) { s.WantFen, s.WantUnit = 1000000, PerMonth }, nil, MatchSalary, 0, "match.salary_below"},
		{"daily wish against monthly pay", func(s *SeekerProfile) { s.WantFen, s.WantUnit = 36000, PerDay }, nil, MatchSalary, 10, "match.salary_met"},
		{"hourly pay against monthly wish", func(s *SeekerProfile) { s.WantFen, s.WantUnit = 480000, PerMonth },
			func(p *JobPosting) { p.Salary = Salary{2500, 0, PerHour} }, MatchSalary, 5, "match.salary_close"},
		{"work type not wished", func(s *SeekerProfile) { s.WorkTypes = []WorkType{GigWork} }, nil, MatchWorkType, 0, "match.work_type_other"},
		{"a month old", nil, func(p *JobPosting) { p.PublishedAt = day(t, "2026-11-01") }, MatchFreshness, 3, "match.fresh_month"},
		{"old", nil, func(p *JobPosting) { p.PublishedAt = day(t, "2026-09-01") }, MatchFreshness, 0, "match.fresh_old"},
		{"7 days", nil, func(p *JobPosting) { p.PublishedAt = day(t, "2026-11-20") }, MatchFreshness, 5, "match.fresh_week"},
	}
	for _, c := range cases {
		prof, p := base, matchPosting(t)
		prof.Occupations = append([]string(nil), base.Occupations...)
		if c.prof != nil {
			c.prof(&prof)
		}
		if c.post != nil {
			c.post(&p)
		}
		score, why := MatchScore(prof, p, false, now)
		sum, found := 0, false
		for _, r := range why {
			sum += r.Points
			if r.Part == c.part {
				found = true
				if r.Points != c.pts || r.Key != c.key {
					t.Errorf("%s: %+v, want %d points, %s", c.name, r, c.pts, c.key)
				}
			}
		}
		if !found || sum != score {
			t.Errorf("%s: part missing or sum %d ≠ score %d", c.name, sum, score)
		}
	}
}

// The order of a person's list: a closer occupation beats distance and freshness, a shortage
// occupation breaks an otherwise equal pair, and equal scores are ordered by id.
func TestMatchOrdering(t *testing.T) {
	now := day(t, "2026-11-27")
	prof := SeekerProfile{Occupations: []string{"6-18-01-01"}, Level: "4", Lat: tyLat, Lng: tyLng, HasPlace: true}
	same := matchPosting(t)
	same.ID, same.Certificates, same.Skills, same.Lat, same.PublishedAt = 5, nil, nil, tyLat+0.25, day(t, "2026-10-01") // same 细类, 28 km, old
	minor := matchPosting(t)
	minor.ID, minor.Occupation, minor.Certificates, minor.Skills = 4, "6-18-01-09", nil, nil // same 小类, here, new
	twinA := minor
	twinA.ID = 3
	twinB := minor
	twinB.ID = 2
	shortage := map[int64]bool{3: true}
	var ms []Match
	for _, p := range []JobPosting{same, minor, twinA, twinB} {
		s, _ := MatchScore(prof, p, shortage[p.ID], now)
		ms = append(ms, Match{ID: p.ID, Score: s})
	}
	SortMatches(ms)
	var ids []int64
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	// same: 30+10+10+15+4+10+5+0 = 84; minor and twins: 20+10+10+15+10+10+5+5 = 85, twin 3 +5.
	if !reflect.DeepEqual(ids, []int64{3, 2, 4, 5}) {
		t.Errorf("order %v (%+v)", ids, ms)
	}
}

func TestNearMiss(t *testing.T) {
	p := matchPosting(t)
	p.Level = "3"
	prof := SeekerProfile{Level: "4", Certificates: []string{"电工证"}, Skills: []string{"识图"}}
	want := []Gap{{"level", "3"}, {"certificate", "焊工证"}, {"skill", "氩弧焊"}}
	if got := NearMiss(prof, p); !reflect.DeepEqual(got, want) {
		t.Errorf("%+v", got)
	}
}

func TestMonthlyEquivalent(t *testing.T) {
	if MonthlyEquivalentFen(20000, PerDay) != 435000 || MonthlyEquivalentFen(2500, PerHour) != 435000 || MonthlyEquivalentFen(5, PerMonth) != 5 {
		t.Error("conversions")
	}
}
