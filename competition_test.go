package xiangpei

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func compKey(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := err.(*Error); ok {
		return e.Key
	}
	return "!" + err.Error()
}

// TestCompetitionStateMachine: every action from every state, and the states it leads to.
func TestCompetitionStateMachine(t *testing.T) {
	want := map[CompetitionStatus]map[CompetitionAction]CompetitionStatus{
		CompetitionDraft:  {CompetitionOpenReg: CompetitionOpen, CompetitionCancel: CompetitionCancelled},
		CompetitionOpen:   {CompetitionCloseReg: CompetitionClosed, CompetitionCancel: CompetitionCancelled},
		CompetitionClosed: {CompetitionPublish: CompetitionPublished, CompetitionCancel: CompetitionCancelled},
	}
	actions := []CompetitionAction{CompetitionOpenReg, CompetitionCloseReg, CompetitionPublish, CompetitionCancel}
	for _, st := range CompetitionStatuses {
		for _, a := range actions {
			next, err := st.Next(a)
			to, ok := want[st][a]
			switch {
			case ok && (err != nil || next != to):
				t.Errorf("%s --%s--> %s, %v; want %s", st, a, next, err, to)
			case !ok && compKey(err) != "competition.wrong_state":
				t.Errorf("%s --%s--> allowed (%s, %v)", st, a, next, err)
			}
			if st.Can(a) != ok {
				t.Errorf("Can(%s, %s) = %v", st, a, !ok)
			}
		}
	}
	if _, err := CompetitionDraft.Next("launch"); compKey(err) != "competition.unknown_action" {
		t.Errorf("unknown action: %v", err)
	}
}

// TestEntryStateMachine: registrations are accepted from registered, rejected from registered
// or accepted, withdrawn before a decision or after acceptance; nothing leaves rejected or
// withdrawn.
func TestEntryStateMachine(t *testing.T) {
	want := map[EntryStatus]map[EntryAction]EntryStatus{
		EntryRegistered: {EntryAccept: EntryAccepted, EntryReject: EntryRejected, EntryWithdraw: EntryWithdrawn},
		EntryAccepted:   {EntryReject: EntryRejected, EntryWithdraw: EntryWithdrawn},
	}
	for _, st := range []EntryStatus{EntryRegistered, EntryAccepted, EntryRejected, EntryWithdrawn} {
		for _, a := range []EntryAction{EntryAccept, EntryReject, EntryWithdraw} {
			next, err := st.Next(a)
			to, ok := want[st][a]
			if ok && (err != nil || next != to) || !ok && compKey(err) != "entry.wrong_state" {
				t.Errorf("%s --%s--> %s, %v", st, a, next, err)
			}
		}
	}
	if _, err := EntryRegistered.Next("promote"); compKey(err) != "entry.unknown_action" {
		t.Errorf("unknown action: %v", err)
	}
}

func compGoodInput() CompetitionInput {
	return CompetitionInput{Name: " 2026年株洲市养老护理职业技能竞赛 ", Level: CompetitionCity, Year: 2026, Rules: " 理论与实操 ",
		RegOpens: "2026-09-01", RegCloses: "2026-09-30", StartsOn: "2026-10-20", EndsOn: "2026-10-21",
		Events: []CompEvent{{OccupationCode: " 4-10-01-05 ", Name: " 个人赛 ", Mode: EventIndividual, TeamSize: 5, First: 1},
			{OccupationCode: "6-18-02-04", Name: "团体赛", Mode: EventTeam, TeamSize: 3}}}
}

// TestCompetitionInputValidate: each rule of the organiser's form, and the clean-up of a good one.
func TestCompetitionInputValidate(t *testing.T) {
	in, err := compGoodInput().Validate()
	if err != nil {
		t.Fatal(err)
	}
	if in.Name != "2026年株洲市养老护理职业技能竞赛" || in.Rules != "理论与实操" || in.Events[0].Seq != 1 || in.Events[1].Seq != 2 ||
		in.Events[0].TeamSize != 1 || in.Events[0].OccupationCode != "4-10-01-05" || in.Events[0].Name != "个人赛" {
		t.Errorf("cleaned: %+v", in)
	}
	cases := []struct {
		key  string
		edit func(*CompetitionInput)
	}{
		{"competition.name", func(in *CompetitionInput) { in.Name = "赛" }},
		{"competition.name", func(in *CompetitionInput) { in.Name = strings.Repeat("赛", 101) }},
		{"competition.level", func(in *CompetitionInput) { in.Level = "county" }},
		{"competition.year", func(in *CompetitionInput) { in.Year = 1999 }},
		{"competition.rules", func(in *CompetitionInput) { in.Rules = strings.Repeat("规", 5001) }},
		{"competition.dates", func(in *CompetitionInput) { in.RegOpens = "2026/09/01" }},
		{"competition.dates", func(in *CompetitionInput) { in.EndsOn = "" }},
		{"competition.date_order", func(in *CompetitionInput) { in.RegCloses = "2026-08-31" }},
		{"competition.date_order", func(in *CompetitionInput) { in.StartsOn = "2026-09-29" }},
		{"competition.date_order", func(in *CompetitionInput) { in.EndsOn = "2026-10-19" }},
		{"competition.date_year", func(in *CompetitionInput) { in.Year = 2027 }},
		{"competition.events", func(in *CompetitionInput) { in.Events = nil }},
		{"competition.events", func(in *CompetitionInput) { in.Events = make([]CompEvent, 31) }},
		{"event.occupation", func(in *CompetitionInput) { in.Events[0].OccupationCode = " " }},
		{"event.name", func(in *CompetitionInput) { in.Events[0].Name = "赛" }},
		{"event.mode", func(in *CompetitionInput) { in.Events[0].Mode = "pair" }},
		{"event.min_level", func(in *CompetitionInput) { in.Events[0].MinLevel = "special" }},
		{"event.min_level", func(in *CompetitionInput) { in.Events[0].MinLevel = "6" }},
		{"event.region", func(in *CompetitionInput) { in.Events[0].Region = "4302" }},
		{"event.age", func(in *CompetitionInput) { in.Events[0].MinAge = -1 }},
		{"event.age", func(in *CompetitionInput) { in.Events[0].MinAge, in.Events[0].MaxAge = 40, 30 }},
		{"event.age", func(in *CompetitionInput) { in.Events[0].MaxAge = 101 }},
		{"event.awards", func(in *CompetitionInput) { in.Events[0].Merit = -1 }},
		{"event.awards", func(in *CompetitionInput) { in.Events[0].First, in.Events[0].Second = 300, 201 }},
		{"event.team_size", func(in *CompetitionInput) { in.Events[1].TeamSize = 1 }},
		{"event.team_size", func(in *CompetitionInput) { in.Events[1].TeamSize = 11 }},
	}
	for _, c := range cases {
		in := compGoodInput()
		in.Events = slices.Clone(in.Events)
		c.edit(&in)
		if _, err := in.Validate(); compKey(err) != c.key {
			t.Errorf("%s: got %v", c.key, err)
		}
	}
	// Edges that pass: registration, start and end on one day; an age band of one year; max age alone.
	in = compGoodInput()
	in.RegOpens, in.RegCloses, in.StartsOn, in.EndsOn = "2026-10-20", "2026-10-20", "2026-10-20", "2026-10-20"
	in.Events = slices.Clone(in.Events)
	in.Events[0].MinAge, in.Events[0].MaxAge = 30, 30
	in.Events[1].MaxAge = 35
	if _, err := in.Validate(); err != nil {
		t.Errorf("edges: %v", err)
	}
}

// TestQualify: level held (none, lower, equal, higher, another occupation), region (inside,
// the region itself, outside), and age on the contest's first day at its boundaries.
func TestQualify(t *testing.T) {
	day := time.Date(2026, 10, 20, 0, 0, 0, 0, ChinaTime)
	e := CompEvent{OccupationCode: "4-10-01-05", MinLevel: "4", Region: "430200", MinAge: 18, MaxAge: 35}
	born := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	ok := Entrant{Name: "李娟", County: "430211", Birth: born("1995-05-05"), Held: map[string]string{"4-10-01-05": "4"}}
	cases := []struct {
		name string
		edit func(*Entrant)
		want []string
	}{
		{"qualified", func(*Entrant) {}, nil},
		{"higher level", func(p *Entrant) { p.Held = map[string]string{"4-10-01-05": "2"} }, nil},
		{"lower level", func(p *Entrant) { p.Held = map[string]string{"4-10-01-05": "5"} }, []string{"entry.level"}},
		{"no level", func(p *Entrant) { p.Held = nil }, []string{"entry.level"}},
		{"level in another occupation", func(p *Entrant) { p.Held = map[string]string{"6-18-02-04": "1"} }, []string{"entry.level"}},
		{"the region itself", func(p *Entrant) { p.County = "430200" }, nil},
		{"another city", func(p *Entrant) { p.County = "430102" }, []string{"entry.region"}},
		{"18 on the day", func(p *Entrant) { p.Birth = born("2008-10-20") }, nil},
		{"18 the day after", func(p *Entrant) { p.Birth = born("2008-10-21") }, []string{"entry.age"}},
		{"35 the last day", func(p *Entrant) { p.Birth = born("1990-10-21") }, nil},
		{"36 on the day", func(p *Entrant) { p.Birth = born("1990-10-20") }, []string{"entry.age"}},
		{"everything wrong", func(p *Entrant) { p.County, p.Held, p.Birth = "440106", nil, born("1950-01-01") },
			[]string{"entry.level", "entry.region", "entry.age"}},
	}
	for _, c := range cases {
		p := ok
		c.edit(&p)
		var got []string
		for _, r := range e.Qualify(p, day) {
			got = append(got, r.Key)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// No rules: everybody qualifies; a late evening in China is still the same day.
	if r := (CompEvent{}).Qualify(Entrant{Birth: born("2020-01-01")}, day); r != nil {
		t.Errorf("no rules: %v", r)
	}
	late := time.Date(2026, 10, 20, 23, 30, 0, 0, ChinaTime).UTC()
	if r := (CompEvent{MinAge: 18}).Qualify(Entrant{Birth: born("2008-10-21")}, late); len(r) != 1 {
		t.Errorf("China day: %v", r)
	}
}

// TestRank: highest first, ties share the rank and the better award, quotas in order, stable
// by entry id, nothing beyond the quotas.
func TestRank(t *testing.T) {
	e := CompEvent{First: 1, Second: 2, Third: 1, Merit: 1}
	got := e.Rank([]Scored{{5, 700}, {1, 955}, {2, 900}, {3, 900}, {4, 880}, {6, 880}, {7, 600}, {8, 500}})
	want := []Placed{{1, 955, 1, AwardFirst}, {2, 900, 2, AwardSecond}, {3, 900, 2, AwardSecond}, {4, 880, 4, AwardThird},
		{6, 880, 4, AwardThird}, {5, 700, 6, AwardNone}, {7, 600, 7, AwardNone}, {8, 500, 8, AwardNone}}
	if !slices.Equal(got, want) {
		t.Errorf("rank:\n got %v\nwant %v", got, want)
	}
	// A tie at the first prize's edge gives both the first prize; the next place is third.
	got = CompEvent{First: 1, Second: 1}.Rank([]Scored{{9, 800}, {3, 800}, {4, 700}})
	want = []Placed{{3, 800, 1, AwardFirst}, {9, 800, 1, AwardFirst}, {4, 700, 3, AwardNone}}
	if !slices.Equal(got, want) {
		t.Errorf("tie at the edge:\n got %v\nwant %v", got, want)
	}
	// Merit only, and no quotas at all.
	if got := (CompEvent{Merit: 2}).Rank([]Scored{{1, 10}, {2, 20}, {3, 30}}); got[0].Award != AwardMerit || got[1].Award != AwardMerit || got[2].Award != AwardNone {
		t.Errorf("merit: %v", got)
	}
	if got := (CompEvent{}).Rank([]Scored{{1, 10}}); got[0].Award != AwardNone || got[0].Rank != 1 {
		t.Errorf("no quotas: %v", got)
	}
	if got := (CompEvent{First: 1}).Rank(nil); len(got) != 0 {
		t.Errorf("empty: %v", got)
	}
}

// TestHonourFor: promotions one level above the level held, capped per competition level and
// award; titles by level; the basis names the policy, the competition, the event and the award.
func TestHonourFor(t *testing.T) {
	city := Competition{Name: "株洲市赛", Level: CompetitionCity}
	prov := Competition{Name: "湖南省赛", Level: CompetitionProvince}
	nat := Competition{Name: "全国赛", Level: CompetitionNational}
	e := CompEvent{Name: "养老护理员"}
	cases := []struct {
		c            Competition
		award        Award
		held, region string
		level, title string
	}{
		// City: first prize up to level 3 with the city's title, second up to 4, third and merit nothing.
		{city, AwardFirst, "4", "株洲市", "3", "株洲市技术能手"},
		{city, AwardFirst, "", "株洲市", "5", "株洲市技术能手"},
		{city, AwardFirst, "3", "株洲市", "", "株洲市技术能手"}, // would be 2: over the cap
		{city, AwardFirst, "1", "株洲市", "", "株洲市技术能手"},
		{city, AwardFirst, "special", "株洲市", "5", "株洲市技术能手"}, // not a skill level: as none
		{city, AwardSecond, "5", "株洲市", "4", ""},
		{city, AwardSecond, "4", "株洲市", "", ""},
		{city, AwardThird, "5", "株洲市", "", ""},
		{city, AwardMerit, "", "株洲市", "", ""},
		{city, AwardNone, "4", "株洲市", "", ""},
		// Province: first up to 2 with the title, second and third up to 3.
		{prov, AwardFirst, "3", "湖南省", "2", "湖南省技术能手"},
		{prov, AwardFirst, "2", "湖南省", "", "湖南省技术能手"},
		{prov, AwardSecond, "4", "湖南省", "3", ""},
		{prov, AwardSecond, "3", "湖南省", "", ""},
		{prov, AwardThird, "5", "湖南省", "4", ""},
		{prov, AwardMerit, "5", "湖南省", "", ""},
		// National: first and second up to 1 with 全国技术能手, third up to 2.
		{nat, AwardFirst, "2", "湖南省", "1", "全国技术能手"},
		{nat, AwardFirst, "1", "湖南省", "", "全国技术能手"},
		{nat, AwardSecond, "", "湖南省", "5", "全国技术能手"},
		{nat, AwardThird, "3", "湖南省", "2", ""},
		{nat, AwardThird, "2", "湖南省", "", ""},
		{nat, AwardMerit, "2", "湖南省", "", ""},
	}
	for _, c := range cases {
		h := HonourFor(c.c, e, c.award, c.held, c.region)
		name := string(c.c.Level) + "/" + string(c.award) + "/" + c.held
		if h.Level != c.level || h.Title != c.title {
			t.Errorf("%s: %+v, want level %q title %q", name, h, c.level, c.title)
		}
		switch {
		case h.Level == "" && h.Title == "" && h.Basis != "":
			t.Errorf("%s: a basis without an honour: %q", name, h.Basis)
		case (h.Level != "" || h.Title != "") && (!strings.HasPrefix(h.Basis, PromotionBasis) ||
			!strings.Contains(h.Basis, c.c.Name+" 养老护理员 "+AwardName(c.award))):
			t.Errorf("%s: basis %q", name, h.Basis)
		}
	}
	names := map[Award]string{AwardFirst: "一等奖", AwardSecond: "二等奖", AwardThird: "三等奖", AwardMerit: "优胜奖", AwardNone: ""}
	for a, n := range names {
		if AwardName(a) != n {
			t.Errorf("AwardName(%q) = %q", a, AwardName(a))
		}
	}
}

// TestCompetitionLevelHeldBy: county and city bureaus hold city competitions; the province
// holds province and national ones.
func TestCompetitionLevelHeldBy(t *testing.T) {
	for _, c := range []struct {
		region string
		level  CompetitionLevel
		want   bool
	}{
		{"430211", CompetitionCity, true}, {"430200", CompetitionCity, true}, {"430200", CompetitionProvince, false},
		{"430200", CompetitionNational, false}, {"430000", CompetitionProvince, true}, {"430000", CompetitionNational, true},
		{"430000", CompetitionCity, false},
	} {
		if got := c.level.HeldBy(c.region); got != c.want {
			t.Errorf("%s holding a %s competition: %v, want %v", c.region, c.level, got, c.want)
		}
	}
}
