package xiangpei

import (
	"testing"
	"time"
)

func TestAddMonthsAndFollowUps(t *testing.T) {
	cases := []struct{ from, three, six string }{
		{"2026-01-15", "2026-04-15", "2026-07-15"},
		{"2026-08-31", "2026-11-30", "2027-02-28"},
		{"2027-08-31", "2027-11-30", "2028-02-29"}, // leap year
		{"2026-11-30", "2027-02-28", "2027-05-30"},
		{"2026-12-31", "2027-03-31", "2027-06-30"},
		{"2026-03-31", "2026-06-30", "2026-09-30"},
	}
	for _, c := range cases {
		f := FollowUpsFor(day(t, c.from))
		if len(f) != 2 || f[0].Month != 3 || f[1].Month != 6 || ChinaDate(f[0].Due) != c.three || ChinaDate(f[1].Due) != c.six {
			t.Errorf("%s: %+v, want %s and %s", c.from, f, c.three, c.six)
		}
	}
	// A UTC instant late in the day is already the next China date.
	if got := ChinaDate(AddMonths(time.Date(2026, 1, 31, 17, 0, 0, 0, time.UTC), 1)); got != "2026-03-01" {
		t.Errorf("UTC evening of 31 January + 1 month: %s (China date 1 February + 1 month)", got)
	}
}

func rec(t *testing.T, person int64, start, end string, verified bool) EmploymentRecord {
	r := EmploymentRecord{PersonID: person, EmployerName: "某厂", Source: EmploymentInsurance, StartsOn: day(t, start), Verified: verified}
	if end != "" {
		r.EndsOn = day(t, end)
	}
	return r
}

// Employed within 6 months, at the boundaries: completion on 2026-03-31, window to 2026-09-30.
func TestEmployedWithin(t *testing.T) {
	c := Completion{PersonID: 1, CompletedOn: day(t, "2026-03-31")}
	cases := []struct {
		name string
		r    EmploymentRecord
		want bool
	}{
		{"starts on the completion day", rec(t, 1, "2026-03-31", "", true), true},
		{"starts on the window's last day", rec(t, 1, "2026-09-30", "", true), true},
		{"starts the day after the window", rec(t, 1, "2026-10-01", "", true), false},
		{"employed before, still employed", rec(t, 1, "2025-01-01", "", true), true},
		{"employed before, ended on the completion day", rec(t, 1, "2025-01-01", "2026-03-31", true), true},
		{"employed before, ended the day before completion", rec(t, 1, "2025-01-01", "2026-03-30", true), false},
		{"a short job inside the window", rec(t, 1, "2026-05-01", "2026-05-20", true), true},
		{"not verified", rec(t, 1, "2026-05-01", "", false), false},
		{"another person", rec(t, 2, "2026-05-01", "", true), false},
	}
	for _, k := range cases {
		if got := c.EmployedWithin([]EmploymentRecord{k.r}); got != k.want {
			t.Errorf("%s: %v", k.name, got)
		}
	}
	if !c.WindowClosed(day(t, "2026-10-01")) || c.WindowClosed(day(t, "2026-09-30")) {
		t.Error("the window closes after its last day")
	}
}

func TestEmploymentRate(t *testing.T) {
	if r := EmploymentRate(nil, nil); r.BasisPoints() != 0 || r.Completers != 0 {
		t.Errorf("empty: %+v", r)
	}
	for _, c := range []struct {
		r  Rate
		bp int
	}{{Rate{3, 1}, 3333}, {Rate{3, 2}, 6667}, {Rate{8, 1}, 1250}, {Rate{1, 1}, 10000}, {Rate{7, 0}, 0}, {Rate{20000, 1}, 1}, {Rate{20001, 1}, 0}} {
		if got := c.r.BasisPoints(); got != c.bp {
			t.Errorf("%+v: %d bp, want %d", c.r, got, c.bp)
		}
	}
	done := day(t, "2026-01-10")
	this := []Completion{
		{PersonID: 1, ClassID: 10, Institution: 100, Occupation: "6-18-01-01", Program: "农民工技能帮扶", County: "430211", KeyGroups: []string{"migrant"}, CompletedOn: done},
		{PersonID: 2, ClassID: 10, Institution: 100, Occupation: "6-18-01-01", Program: "农民工技能帮扶", County: "430211", KeyGroups: []string{"migrant", "disabled"}, CompletedOn: done},
		{PersonID: 3, ClassID: 11, Institution: 101, Occupation: "4-10-01-05", Program: "高校毕业生技能提升", County: "430281", KeyGroups: []string{"graduate"}, CompletedOn: done},
		{PersonID: 4, ClassID: 11, Institution: 101, Occupation: "4-10-01-05", Program: "高校毕业生技能提升", County: "430281", CompletedOn: done},
	}
	last := []Completion{
		{PersonID: 5, ClassID: 9, Institution: 100, Occupation: "6-18-01-01", County: "430211", KeyGroups: []string{"migrant"}, CompletedOn: day(t, "2025-01-10")},
		{PersonID: 6, ClassID: 9, Institution: 100, Occupation: "6-18-01-01", County: "430211", KeyGroups: []string{"migrant"}, CompletedOn: day(t, "2025-01-10")},
	}
	records := []EmploymentRecord{
		rec(t, 1, "2026-03-01", "", true),
		rec(t, 2, "2026-07-10", "", true),  // the window's last day: counts
		rec(t, 3, "2026-07-11", "", true),  // a day late
		rec(t, 4, "2026-02-01", "", false), // unverified self-report
		rec(t, 5, "2025-02-01", "", true),
	}
	if r := EmploymentRate(this, records); r != (Rate{4, 2}) {
		t.Errorf("overall: %+v", r)
	}
	got := EmploymentRatesBy(ByInstitution, this, last, records)
	if len(got) != 2 || got[0].Key != "100" || got[0].This != (Rate{2, 2}) || got[0].Last != (Rate{2, 1}) ||
		got[0].DeltaBP != 5000 || !got[0].MeetsGoal {
		t.Errorf("institution 100: %+v", got)
	}
	if got[1].Key != "101" || got[1].This != (Rate{2, 0}) || got[1].Last != (Rate{}) || got[1].MeetsGoal {
		t.Errorf("institution 101: %+v", got[1])
	}
	kg := EmploymentRatesBy(ByKeyGroup, this, last, records)
	want := map[string]Rate{"disabled": {1, 1}, "graduate": {1, 0}, "migrant": {2, 2}}
	if len(kg) != len(want) {
		t.Fatalf("key groups: %+v", kg)
	}
	for _, g := range kg {
		if g.This != want[g.Key] {
			t.Errorf("key group %s: %+v, want %+v", g.Key, g.This, want[g.Key])
		}
	}
	for _, g := range RateGroups {
		rows := EmploymentRatesBy(g, this, last, records)
		n := 0
		for _, r := range rows {
			n += r.This.Completers
		}
		if g != ByKeyGroup && n != len(this) {
			t.Errorf("%s: the groups hold %d completers, want %d", g, n, len(this))
		}
	}
	// The goal is +5 points, not more and not less.
	for _, c := range []struct {
		this, last Rate
		meets      bool
	}{
		{Rate{100, 65}, Rate{100, 60}, true},
		{Rate{100, 64}, Rate{100, 60}, false},
		{Rate{100, 70}, Rate{}, false},
	} {
		if g := CompareRates("x", c.this, c.last); g.MeetsGoal != c.meets {
			t.Errorf("%+v vs %+v: %+v", c.this, c.last, g)
		}
	}
}

func TestEmploymentRecordValidate(t *testing.T) {
	ok := rec(t, 1, "2026-01-01", "2026-06-30", true)
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(*EmploymentRecord){
		"person":   func(r *EmploymentRecord) { r.PersonID = 0 },
		"source":   func(r *EmploymentRecord) { r.Source = "rumour" },
		"employer": func(r *EmploymentRecord) { r.EmployerName = "" },
		"start":    func(r *EmploymentRecord) { r.StartsOn = time.Time{} },
		"order":    func(r *EmploymentRecord) { r.EndsOn = r.StartsOn.AddDate(0, 0, -1) },
	} {
		r := ok
		f(&r)
		if err := r.Validate(); !IsKind(err, Invalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if EmploymentSelf.VerifiedAtSource() || !EmploymentHire.VerifiedAtSource() || !EmploymentInsurance.VerifiedAtSource() {
		t.Error("verified at source")
	}
}
