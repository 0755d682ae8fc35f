package xiangpei

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// Every action from every state: the moves of SPEC §4.1 succeed, everything else is a Conflict
// (or Invalid for an unknown action).
func TestShortageMoves(t *testing.T) {
	want := map[ShortageAction]map[ShortageStatus]ShortageStatus{
		ShortagePublish:   {ShortageDraft: ShortagePublished},
		ShortageWithdraw:  {ShortagePublished: ShortageWithdrawn},
		ShortageSupersede: {ShortagePublished: ShortageSuperseded},
		ShortageRevise:    {ShortagePublished: ShortagePublished},
	}
	for a, moves := range want {
		for _, st := range ShortageStatuses {
			next, err := st.Next(a)
			to, ok := moves[st]
			switch {
			case ok && (err != nil || next != to):
				t.Errorf("%s from %s: got %s, %v; want %s", a, st, next, err, to)
			case !ok && !IsKind(err, Conflict):
				t.Errorf("%s from %s: got %s, %v; want a conflict", a, st, next, err)
			case !ok && next != st:
				t.Errorf("%s from %s: a refused move changed the state to %s", a, st, next)
			}
			if st.Can(a) != ok {
				t.Errorf("%s from %s: Can = %v", a, st, !ok)
			}
		}
	}
	if _, err := ShortageDraft.Next("delete"); !IsKind(err, Invalid) {
		t.Errorf("unknown action: %v", err)
	}
}

func TestShortageStatusPredicates(t *testing.T) {
	cases := []struct {
		st               ShortageStatus
		valid, edit, pub bool
	}{
		{ShortageDraft, true, true, false},
		{ShortagePublished, true, false, true},
		{ShortageSuperseded, true, false, true},
		{ShortageWithdrawn, true, false, true},
		{"archived", false, false, false},
	}
	for _, c := range cases {
		if c.st.Valid() != c.valid || c.st.Editable() != c.edit || c.st.Public() != c.pub {
			t.Errorf("%s: valid %v editable %v public %v", c.st, c.st.Valid(), c.st.Editable(), c.st.Public())
		}
	}
}

func TestShortageEntryValidate(t *testing.T) {
	ok := ShortageEntryInput{OccupationCode: " 4-10-01-05 ", Level: "5", Degree: ShortageSevere, UpliftPct: 20,
		Sectors: []string{"life_services", " ", "advanced_manufacturing"}}
	cases := []struct {
		name string
		edit func(*ShortageEntryInput)
		key  string
	}{
		{"valid", func(*ShortageEntryInput) {}, ""},
		{"no occupation", func(in *ShortageEntryInput) { in.OccupationCode = " " }, "shortage.occupation_missing"},
		{"no level", func(in *ShortageEntryInput) { in.Level = "" }, "shortage.level_missing"},
		{"no degree", func(in *ShortageEntryInput) { in.Degree = "" }, "shortage.degree_invalid"},
		{"unknown degree", func(in *ShortageEntryInput) { in.Degree = "extreme" }, "shortage.degree_invalid"},
		{"each degree: mild", func(in *ShortageEntryInput) { in.Degree = ShortageMild }, ""},
		{"each degree: moderate", func(in *ShortageEntryInput) { in.Degree = ShortageModerate }, ""},
		{"uplift 0", func(in *ShortageEntryInput) { in.UpliftPct = 0 }, ""},
		{"uplift 30", func(in *ShortageEntryInput) { in.UpliftPct = ShortageUpliftMax }, ""},
		{"uplift 31", func(in *ShortageEntryInput) { in.UpliftPct = 31 }, "shortage.uplift_range"},
		{"uplift negative", func(in *ShortageEntryInput) { in.UpliftPct = -5 }, "shortage.uplift_range"},
		{"no sectors", func(in *ShortageEntryInput) { in.Sectors = nil }, ""},
		{"sector twice", func(in *ShortageEntryInput) { in.Sectors = []string{"transport", "agriculture", " transport"} }, "shortage.sector_twice"},
	}
	for _, c := range cases {
		in := ok
		in.Sectors = slices.Clone(ok.Sectors)
		c.edit(&in)
		out, err := in.Validate()
		if c.key == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		var e *Error
		if err == nil || !IsKind(err, Invalid) || !shortageAsError(err, &e) || e.Key != c.key {
			t.Errorf("%s: got %v, want %s", c.name, err, c.key)
		}
		_ = out
	}
	out, err := ok.Validate()
	if err != nil || out.OccupationCode != "4-10-01-05" || !slices.Equal(out.Sectors, []string{"advanced_manufacturing", "life_services"}) {
		t.Errorf("normalised: %+v %v", out, err)
	}
}

func shortageAsError(err error, e **Error) bool {
	x, ok := err.(*Error)
	*e = x
	return ok
}

func TestShortageListValidate(t *testing.T) {
	ok := ShortageListInput{Region: "430200", Title: " 2026年株洲市紧缺工种目录 ", From: "2026-01-01", To: "2026-12-31"}
	cases := []struct {
		name string
		edit func(*ShortageListInput)
		key  string
	}{
		{"city", func(*ShortageListInput) {}, ""},
		{"province", func(in *ShortageListInput) { in.Region = "430000" }, ""},
		{"county", func(in *ShortageListInput) { in.Region = "430211" }, "shortage.region_county"},
		{"no region", func(in *ShortageListInput) { in.Region = "" }, "shortage.region_missing"},
		{"bad region", func(in *ShortageListInput) { in.Region = "43x200" }, "shortage.region_missing"},
		{"short title", func(in *ShortageListInput) { in.Title = "目" }, "shortage.title"},
		{"long title", func(in *ShortageListInput) { in.Title = strings.Repeat("紧", 81) }, "shortage.title"},
		{"bad date", func(in *ShortageListInput) { in.From = "2026-02-30" }, "shortage.period_dates"},
		{"no end", func(in *ShortageListInput) { in.To = "" }, "shortage.period_dates"},
		{"one day", func(in *ShortageListInput) { in.To = in.From }, ""},
		{"reversed", func(in *ShortageListInput) { in.From, in.To = "2026-12-31", "2026-01-01" }, "shortage.period_order"},
		{"three years", func(in *ShortageListInput) { in.To = "2028-12-31" }, ""},
		{"too long", func(in *ShortageListInput) { in.To = "2030-01-01" }, "shortage.period_long"},
	}
	for _, c := range cases {
		in := ok
		c.edit(&in)
		out, err := in.Validate()
		if c.key == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			} else if out.Title != strings.TrimSpace(out.Title) {
				t.Errorf("%s: title not trimmed", c.name)
			}
			continue
		}
		var e *Error
		if !shortageAsError(err, &e) || e.Kind != Invalid || e.Key != c.key {
			t.Errorf("%s: got %v, want %s", c.name, err, c.key)
		}
	}
}

// InForce: from the moment of publication, within the period (China dates), until superseded
// or withdrawn; never as a draft.
func TestShortageInForce(t *testing.T) {
	pub := time.Date(2026, 3, 10, 15, 0, 0, 0, cst)
	base := ShortageList{Status: ShortagePublished, From: "2026-01-01", To: "2026-12-31", PublishedAt: pub}
	cases := []struct {
		name string
		edit func(*ShortageList)
		at   time.Time
		want bool
	}{
		{"draft", func(l *ShortageList) { l.Status, l.PublishedAt = ShortageDraft, time.Time{} }, pub.Add(time.Hour), false},
		{"before publication, within period", func(*ShortageList) {}, pub.Add(-time.Second), false},
		{"at publication", func(*ShortageList) {}, pub, true},
		{"later", func(*ShortageList) {}, time.Date(2026, 10, 1, 9, 0, 0, 0, cst), true},
		{"last day, late evening China time", func(*ShortageList) {}, time.Date(2026, 12, 31, 23, 59, 0, 0, cst), true},
		{"day after the period", func(*ShortageList) {}, time.Date(2027, 1, 1, 0, 0, 0, 0, cst), false},
		{"period starts later", func(l *ShortageList) { l.From = "2026-04-01" }, time.Date(2026, 3, 31, 23, 0, 0, 0, cst), false},
		{"period started: first day in China, still the day before in UTC", func(l *ShortageList) { l.From = "2026-04-01" },
			time.Date(2026, 4, 1, 7, 0, 0, 0, cst), true},
		{"before supersession", func(l *ShortageList) {
			l.Status, l.SupersededAt = ShortageSuperseded, time.Date(2026, 6, 1, 10, 0, 0, 0, cst)
		}, time.Date(2026, 6, 1, 9, 59, 0, 0, cst), true},
		{"at supersession", func(l *ShortageList) {
			l.Status, l.SupersededAt = ShortageSuperseded, time.Date(2026, 6, 1, 10, 0, 0, 0, cst)
		}, time.Date(2026, 6, 1, 10, 0, 0, 0, cst), false},
		{"before withdrawal", func(l *ShortageList) {
			l.Status, l.WithdrawnAt = ShortageWithdrawn, time.Date(2026, 7, 1, 10, 0, 0, 0, cst)
		}, time.Date(2026, 6, 30, 0, 0, 0, 0, cst), true},
		{"after withdrawal", func(l *ShortageList) {
			l.Status, l.WithdrawnAt = ShortageWithdrawn, time.Date(2026, 7, 1, 10, 0, 0, 0, cst)
		}, time.Date(2026, 7, 1, 10, 0, 1, 0, cst), false},
	}
	for _, c := range cases {
		l := base
		c.edit(&l)
		if got := l.InForce(c.at); got != c.want {
			t.Errorf("%s: InForce = %v", c.name, got)
		}
	}
}

func TestShortageCheckPublish(t *testing.T) {
	l := ShortageList{Status: ShortageDraft, From: "2026-01-01", To: "2026-12-31"}
	now := time.Date(2026, 12, 31, 23, 0, 0, 0, cst)
	if err := l.CheckPublish(1, now); err != nil {
		t.Errorf("last day of the period: %v", err)
	}
	if err := l.CheckPublish(0, now); !IsKind(err, Invalid) || err.(*Error).Key != "shortage.no_entries" {
		t.Errorf("no entries: %v", err)
	}
	if err := l.CheckPublish(3, now.Add(2*time.Hour)); !IsKind(err, Invalid) || err.(*Error).Key != "shortage.period_over" {
		t.Errorf("period over: %v", err)
	}
}

// The higher uplift wins; on equal uplift the city's list, then the later one.
func TestMergeShortage(t *testing.T) {
	t1 := time.Date(2026, 1, 5, 9, 0, 0, 0, cst)
	t2 := t1.Add(24 * time.Hour)
	e := func(list int64, region, occ, level string, pct int, at time.Time) ShortageEntryInForce {
		return ShortageEntryInForce{ShortageEntry: ShortageEntry{OccupationCode: occ, Level: level, UpliftPct: pct, Degree: ShortageMild},
			ListID: list, Region: region, PublishedAt: at}
	}
	cases := []struct {
		name  string
		in    []ShortageEntryInForce
		lists []int64 // winning list per merged entry, in output order
	}{
		{"nothing", nil, nil},
		{"province higher", []ShortageEntryInForce{e(1, "430200", "4-10-01-05", "5", 10, t1), e(2, "430000", "4-10-01-05", "5", 20, t1)}, []int64{2}},
		{"city higher", []ShortageEntryInForce{e(2, "430000", "4-10-01-05", "5", 10, t1), e(1, "430200", "4-10-01-05", "5", 25, t1)}, []int64{1}},
		{"tie goes to the city", []ShortageEntryInForce{e(2, "430000", "4-10-01-05", "5", 20, t2), e(1, "430200", "4-10-01-05", "5", 20, t1)}, []int64{1}},
		{"tie at one level goes to the later", []ShortageEntryInForce{e(3, "430200", "4-10-01-05", "5", 20, t1), e(4, "430200", "4-10-01-05", "5", 20, t2)}, []int64{4}},
		{"different levels stay apart, entry level first", []ShortageEntryInForce{e(2, "430000", "4-10-01-05", "4", 20, t1), e(1, "430200", "4-10-01-05", "5", 10, t1)}, []int64{1, 2}},
		{"special after the graded levels", []ShortageEntryInForce{e(3, "430200", "4-10-01-05", "special", 5, t1), e(2, "430000", "4-10-01-05", "1", 20, t1)}, []int64{2, 3}},
		{"sorted by occupation", []ShortageEntryInForce{e(1, "430200", "6-18-02-04", "5", 10, t1), e(2, "430000", "4-10-01-05", "5", 20, t1)}, []int64{2, 1}},
	}
	for _, c := range cases {
		out := MergeShortage(c.in)
		var got []int64
		for _, x := range out {
			got = append(got, x.ListID)
		}
		if !slices.Equal(got, c.lists) {
			t.Errorf("%s: lists %v, want %v", c.name, got, c.lists)
		}
	}
}

func TestShortageRegions(t *testing.T) {
	cases := map[string][]string{
		"430211": {"430200", "430000"},
		"430200": {"430200", "430000"},
		"430000": {"430000"},
		"4302":   nil,
		"":       nil,
		"43021x": nil,
	}
	for code, want := range cases {
		if got := ShortageRegions(code); !slices.Equal(got, want) {
			t.Errorf("%q: %v, want %v", code, got, want)
		}
	}
}
