package xiangpei

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// eligClass is a subsidised 养老护理员 level-5 class of three morning sessions from Monday
// 16 November 2026, 09:00–12:00 China time.
func eligClass() Class {
	c := Class{ID: 100, Name: "养老护理员五级培训班", OccupationCode: "4-10-01-05", Level: "5", Funding: FundingSubsidised,
		Status: ClassApproved}
	for i := 0; i < 3; i++ {
		st := time.Date(2026, 11, 16+i, 9, 0, 0, 0, cst)
		c.Sessions = append(c.Sessions, Session{Seq: i + 1, Starts: st, Ends: st.Add(3 * time.Hour), Kind: SessionTheory})
	}
	c.FirstSession, c.LastSession = c.Sessions[0].Starts, c.Sessions[2].Ends
	return c
}

// eligID is a valid ID number of a person born on the given date in 天元区.
func eligID(birth string) string {
	first17 := "430211" + birth + "123"
	return first17 + string(IDCheckDigit(first17))
}

func eligPerson(birth, name string) *Person {
	return &Person{ID: 7, IDNumber: IDNumber(eligID(birth)), Name: name}
}

// other is a training of the person in another class.
func other(id int64, occ, level string, subsidised bool, status TraineeStatus, starts time.Time, hours int) OtherTraining {
	return OtherTraining{ClassID: id, OccupationCode: occ, Level: level, Subsidised: subsidised, Status: status,
		ClassStatus: ClassApproved, Year: starts.In(cst).Year(), Starts: starts,
		Sessions: []Session{{Starts: starts, Ends: starts.Add(time.Duration(hours) * time.Hour)}}}
}

func keys(errs []*Error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Key)
	}
	return out
}

func TestEligibility(t *testing.T) {
	today := time.Date(2026, 11, 2, 9, 0, 0, 0, cst)
	r := DefaultRules()
	base := eligClass()
	selfFunded := eligClass()
	selfFunded.Funding = FundingSelf
	targeted := eligClass()
	targeted.KeyGroups = []string{"graduate", "migrant"}
	level4 := eligClass()
	level4.Level = "4"
	special := eligClass()
	special.Level = "special"
	adult := eligPerson("19900315", "李学员")
	feb := time.Date(2026, 2, 9, 9, 0, 0, 0, cst)      // another class this year, earlier
	lastYear := time.Date(2025, 6, 2, 9, 0, 0, 0, cst) // a class last year
	later := time.Date(2026, 12, 7, 9, 0, 0, 0, cst)   // a class after this one
	mon := base.Sessions[0].Starts                     // 2026-11-16 09:00
	three := func(occ string, status TraineeStatus, starts ...time.Time) []OtherTraining {
		var out []OtherTraining
		for i, s := range starts {
			out = append(out, other(int64(200+i), fmt.Sprintf("%s%d", occ, i), "5", true, status, s, 3))
		}
		return out
	}
	cancelled := other(300, "4-10-01-05", "5", true, TraineeEnrolled, mon.Add(time.Hour), 3)
	cancelled.ClassStatus = ClassCancelled

	cases := []struct {
		name   string
		a      Applicant
		c      Class
		others []OtherTraining
		want   []string
	}{
		{"registered adult, nothing else", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base, nil, nil},
		{"typed name matches", Applicant{IDNumber: string(adult.IDNumber), Name: " 李学员 ", Person: adult}, base, nil, nil},
		{"typed name differs from the registry", Applicant{IDNumber: string(adult.IDNumber), Name: "李雪原", Person: adult}, base, nil, []string{"roster.name_mismatch"}},
		{"new person with a well-formed name", Applicant{IDNumber: eligID("19900315"), Name: "王新人"}, base, nil, nil},
		{"new person without a name", Applicant{IDNumber: eligID("19900315")}, base, nil, []string{"person.name"}},
		{"ID check digit wrong", Applicant{IDNumber: "430211199003151230", Name: "王新人"}, base, nil, []string{"id.check_digit"}},
		{"ID too short and a bad name: both, nothing else", Applicant{IDNumber: "43021119900315", Name: "1"}, base, nil, []string{"id.length", "person.name"}},
		// Labour age 16–60 on the first-session date, 2026-11-16.
		{"16 on the first day", Applicant{IDNumber: eligID("20101116"), Name: "少年甲"}, base, nil, nil},
		{"16 the day after the first day", Applicant{IDNumber: eligID("20101117"), Name: "少年乙"}, base, nil, []string{"roster.age"}},
		{"60 on the first day (61 tomorrow)", Applicant{IDNumber: eligID("19651117"), Name: "老年甲"}, base, nil, nil},
		{"61 on the first day", Applicant{IDNumber: eligID("19651116"), Name: "老年乙"}, base, nil, []string{"roster.age"}},
		{"age applies to a self-funded class too", Applicant{IDNumber: eligID("19651116"), Name: "老年乙"}, selfFunded, nil, []string{"roster.age"}},
		// Overlap.
		{"another class touching end to start", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(201, "6-18-02-04", "5", false, TraineeEnrolled, mon.Add(3*time.Hour), 2)}, nil},
		{"another class ending as this one starts", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(201, "6-18-02-04", "5", false, TraineeEnrolled, mon.Add(-2*time.Hour), 2)}, nil},
		{"another class overlapping by a minute", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(201, "6-18-02-04", "5", false, TraineeEnrolled, mon.Add(3*time.Hour-time.Minute), 2)}, []string{"roster.overlap"}},
		{"overlap with a class withdrawn from does not count", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(201, "6-18-02-04", "5", false, TraineeWithdrawn, mon, 2)}, nil},
		{"overlap with a cancelled class does not count", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{cancelled}, nil},
		{"overlap counts for a self-funded class", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, selfFunded,
			[]OtherTraining{other(201, "6-18-02-04", "5", false, TraineeEnrolled, mon.Add(time.Hour), 1)}, []string{"roster.overlap"}},
		{"the class itself is not another class", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(base.ID, "4-10-01-05", "5", true, TraineeWithdrawn, mon, 3)}, nil},
		// Yearly subsidies: 3 per calendar year of the class's start.
		{"third subsidy of the year", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			three("1-01-00-0", TraineeCompleted, feb, feb.AddDate(0, 1, 0)), nil},
		{"fourth subsidy of the year", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			three("1-01-00-0", TraineeCompleted, feb, feb.AddDate(0, 1, 0), feb.AddDate(0, 2, 0)), []string{"roster.yearly_cap"}},
		{"enrolled trainings count as subsidies", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			three("1-01-00-0", TraineeEnrolled, feb, feb.AddDate(0, 1, 0), later), []string{"roster.yearly_cap"}},
		{"trainings not completed do not count", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			three("1-01-00-0", TraineeNotCompleted, feb, feb.AddDate(0, 1, 0), feb.AddDate(0, 2, 0)), nil},
		{"last year's subsidies do not count", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			three("1-01-00-0", TraineeCompleted, lastYear, lastYear.AddDate(0, 1, 0), lastYear.AddDate(0, 2, 0)), nil},
		{"self-funded trainings do not count", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(201, "1", "5", false, TraineeCompleted, feb, 3), other(202, "2", "5", false, TraineeCompleted, feb.AddDate(0, 1, 0), 3),
				other(203, "3", "5", false, TraineeCompleted, feb.AddDate(0, 2, 0), 3)}, nil},
		{"a self-funded class skips the yearly cap", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, selfFunded,
			three("1-01-00-0", TraineeCompleted, feb, feb.AddDate(0, 1, 0), feb.AddDate(0, 2, 0)), nil},
		// Same occupation and level; lower after higher.
		{"same occupation and level subsidised before", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(201, "4-10-01-05", "5", true, TraineeCompleted, lastYear, 3)}, []string{"roster.same_level"}},
		{"same occupation and level, not completed: may try again", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(201, "4-10-01-05", "5", true, TraineeNotCompleted, lastYear, 3)}, nil},
		{"same occupation and level, self-funded before", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(201, "4-10-01-05", "5", false, TraineeCompleted, lastYear, 3)}, nil},
		{"same occupation and level, this class self-funded", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, selfFunded,
			[]OtherTraining{other(201, "4-10-01-05", "5", true, TraineeCompleted, lastYear, 3)}, nil},
		{"higher level after lower", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, level4,
			[]OtherTraining{other(201, "4-10-01-05", "5", true, TraineeCompleted, lastYear, 3)}, nil},
		{"lower level after higher", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(201, "4-10-01-05", "4", true, TraineeCompleted, lastYear, 3)}, []string{"roster.lower_level"}},
		{"lower level before a higher one planned later", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(201, "4-10-01-05", "4", true, TraineeEnrolled, later, 3)}, nil},
		{"lower level of another occupation", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(201, "6-18-02-04", "3", true, TraineeCompleted, lastYear, 3)}, nil},
		{"special ability is not graded", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, special,
			[]OtherTraining{other(201, "4-10-01-05", "1", true, TraineeCompleted, lastYear, 3)}, nil},
		{"after a special ability any level", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, base,
			[]OtherTraining{other(201, "4-10-01-05", "special", true, TraineeCompleted, lastYear, 3)}, nil},
		// Key groups.
		{"targeted class, member of one group", Applicant{IDNumber: string(adult.IDNumber), Person: adult, KeyGroups: []string{"veteran", "migrant"}}, targeted, nil, nil},
		{"targeted class, member of none", Applicant{IDNumber: string(adult.IDNumber), Person: adult, KeyGroups: []string{"veteran"}}, targeted, nil, []string{"roster.key_group"}},
		{"targeted self-funded class skips key groups", Applicant{IDNumber: string(adult.IDNumber), Person: adult}, func() Class { c := targeted; c.Funding = FundingSelf; return c }(), nil, nil},
		// Every reason, not just the first.
		{"every reason at once", Applicant{IDNumber: eligID("19651116"), Name: "张三", Person: eligPerson("19651116", "张四")}, targeted,
			append(three("1-01-00-0", TraineeCompleted, feb, feb.AddDate(0, 1, 0), feb.AddDate(0, 2, 0)),
				other(201, "4-10-01-05", "5", true, TraineeCompleted, lastYear, 3),
				other(202, "4-10-01-05", "3", true, TraineeCompleted, lastYear.AddDate(0, 1, 0), 3),
				other(203, "6-18-02-04", "5", false, TraineeEnrolled, mon.Add(time.Hour), 1)),
			[]string{"roster.name_mismatch", "roster.age", "roster.overlap", "roster.yearly_cap", "roster.same_level", "roster.lower_level", "roster.key_group"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Eligibility(r, today, tc.a, tc.c, tc.others)
			if !slices.Equal(keys(got), tc.want) {
				t.Fatalf("reasons %v, want %v (%v)", keys(got), tc.want, Ineligible(got))
			}
		})
	}
}

// TestEligibilityRulesConfigurable: the limits come from the rules, not from constants.
func TestEligibilityRulesConfigurable(t *testing.T) {
	r := DefaultRules()
	r.LabourAgeMax, r.YearlySubsidies = 65, 1
	p := eligPerson("19630101", "老李") // 63 in November 2026
	feb := time.Date(2026, 2, 9, 9, 0, 0, 0, cst)
	got := Eligibility(r, time.Date(2026, 11, 2, 0, 0, 0, 0, cst), Applicant{IDNumber: string(p.IDNumber), Person: p}, eligClass(),
		[]OtherTraining{other(201, "1-01-01-01", "5", true, TraineeCompleted, feb, 3)})
	if !slices.Equal(keys(got), []string{"roster.yearly_cap"}) {
		t.Fatalf("reasons %v", keys(got))
	}
	if got[0].Args[0] != 1 || got[0].Args[1] != 2026 || got[0].Args[2] != 1 {
		t.Fatalf("args %v", got[0].Args)
	}
}

func TestIneligibleError(t *testing.T) {
	in := Ineligible{Errorf(Conflict, "roster.age", "too old"), Errorf(Conflict, "roster.overlap", "busy")}
	var err error = in
	if ErrorKind(err) != Conflict {
		t.Fatalf("kind %v", ErrorKind(err))
	}
	var first *Error
	if !errors.As(err, &first) || first.Key != "roster.age" {
		t.Fatalf("first reason %v", first)
	}
	if got := keys(Reasons(fmt.Errorf("wrapped: %w", err))); !slices.Equal(got, []string{"roster.age", "roster.overlap"}) {
		t.Fatalf("reasons %v", got)
	}
	if got := keys(Reasons(Errorf(Invalid, "id.empty", "x"))); !slices.Equal(got, []string{"id.empty"}) {
		t.Fatalf("reasons %v", got)
	}
	if Reasons(errors.New("plain")) != nil {
		t.Fatal("a plain error has reasons")
	}
	if err.Error() != "too old busy" {
		t.Fatalf("text %q", err.Error())
	}
}

func TestEnrolUntil(t *testing.T) {
	r := DefaultRules()
	mk := func(hours ...int) Class {
		var c Class
		d := time.Date(2026, 11, 16, 9, 0, 0, 0, cst)
		for i, h := range hours {
			c.Sessions = append(c.Sessions, Session{Seq: i + 1, Starts: d, Ends: d.Add(time.Duration(h) * time.Hour)})
			d = d.AddDate(0, 0, 1)
		}
		return c
	}
	ten := mk(1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
	if got := ten.EnrolUntil(r); !got.Equal(ten.Sessions[2].Starts) {
		t.Fatalf("ten equal sessions: until %v, want the third session's start", got)
	}
	one := mk(3)
	if got := one.EnrolUntil(r); !got.Equal(one.Sessions[0].Starts) {
		t.Fatalf("one session: until %v", got)
	}
	// 4 + 1 hours: missing the first leaves 20%, so only before the first.
	uneven := mk(4, 1)
	if got := uneven.EnrolUntil(r); !got.Equal(uneven.Sessions[0].Starts) {
		t.Fatalf("uneven: until %v", got)
	}
	// 1 + 4 hours: missing the first leaves exactly 80%: until the second.
	exact := mk(1, 4)
	if got := exact.EnrolUntil(r); !got.Equal(exact.Sessions[1].Starts) {
		t.Fatalf("exact: until %v", got)
	}
	withMakeUp := mk(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2)
	withMakeUp.Sessions[10].MakeUp = true
	if got := withMakeUp.EnrolUntil(r); !got.Equal(withMakeUp.Sessions[2].Starts) {
		t.Fatalf("a make-up session counted: until %v", got)
	}
	if !(Class{}).EnrolUntil(r).IsZero() {
		t.Fatal("a class without sessions has an enrolment deadline")
	}

	c := ten
	c.Status = ClassInProgress
	if err := c.CheckOpen(ten.Sessions[2].Starts.Add(-time.Second), r); err != nil {
		t.Fatalf("a second before the deadline: %v", err)
	}
	if err := c.CheckOpen(ten.Sessions[2].Starts, r); !IsKind(err, Conflict) || err.(*Error).Key != "roster.too_late" {
		t.Fatalf("at the deadline: %v", err)
	}
	for _, st := range []ClassStatus{ClassClosed, ClassCancelled} {
		c.Status = st
		if err := c.CheckOpen(ten.Sessions[0].Starts.Add(-time.Hour), r); err == nil || err.(*Error).Key != "roster.closed" {
			t.Fatalf("%s: %v", st, err)
		}
	}
	for _, st := range []ClassStatus{ClassDraft, ClassFiled, ClassReturned, ClassApproved} {
		c.Status = st
		if err := c.CheckOpen(ten.Sessions[0].Starts.Add(-time.Hour), r); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
}

func TestLevelRank(t *testing.T) {
	for level, want := range map[string]int{"5": 1, "4": 2, "3": 3, "2": 4, "1": 5, "special": 0, "completion": 0, "": 0, "6": 0, "0": 0} {
		if got := levelRank(level); got != want {
			t.Errorf("levelRank(%q) = %d, want %d", level, got, want)
		}
	}
}
