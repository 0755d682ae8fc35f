package xiangpei

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// clsAt is a moment in China time.
func clsAt(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func clsKey(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}

// TestClassStatusNext walks every state × action of the class lifecycle (SPEC §4.2).
func TestClassStatusNext(t *testing.T) {
	actions := []ClassAction{ClassSubmit, ClassApprove, ClassReturn, ClassCancel, ClassStart, ClassClose}
	want := map[ClassStatus]map[ClassAction]ClassStatus{
		ClassDraft:      {ClassSubmit: ClassFiled, ClassCancel: ClassCancelled},
		ClassFiled:      {ClassApprove: ClassApproved, ClassReturn: ClassReturned},
		ClassReturned:   {ClassSubmit: ClassFiled, ClassCancel: ClassCancelled},
		ClassApproved:   {ClassCancel: ClassCancelled, ClassStart: ClassInProgress},
		ClassInProgress: {ClassClose: ClassClosed},
		ClassClosed:     {},
		ClassCancelled:  {},
	}
	if len(want) != len(ClassStatuses) {
		t.Fatalf("the table covers %d of %d states", len(want), len(ClassStatuses))
	}
	for _, st := range ClassStatuses {
		for _, a := range actions {
			next, err := st.Next(a)
			to, ok := want[st][a]
			switch {
			case ok && (err != nil || next != to):
				t.Errorf("%s --%s-->: got %s, %v; want %s", st, a, next, err, to)
			case !ok && (!IsKind(err, Conflict) || clsKey(err) != "class.wrong_state" || next != st):
				t.Errorf("%s --%s-->: got %s, %v; want a wrong-state conflict", st, a, next, err)
			}
			if st.Can(a) != ok {
				t.Errorf("%s.Can(%s) = %v", st, a, !ok)
			}
		}
		editable := st == ClassDraft || st == ClassReturned
		if st.Editable() != editable {
			t.Errorf("%s.Editable() = %v", st, !editable)
		}
		if st.CanFileChange(ChangeEdit) != (st == ClassApproved || st == ClassInProgress) {
			t.Errorf("%s: change filing allowed = %v", st, st.CanFileChange(ChangeEdit))
		}
		if st.CanFileChange(ChangeMakeUp) != (st == ClassInProgress) {
			t.Errorf("%s: make-up filing allowed = %v", st, st.CanFileChange(ChangeMakeUp))
		}
		if !st.Valid() {
			t.Errorf("%s is not valid", st)
		}
	}
	if _, err := ClassDraft.Next("fly"); !IsKind(err, Invalid) {
		t.Errorf("unknown action: %v", err)
	}
	if ClassStatus("bogus").Valid() || ClassDraft.CanFileChange("bogus") {
		t.Error("an unknown state or kind is accepted")
	}
}

// TestChangeStatusNext: a filed change is approved or returned once; a decided one is not
// decided again.
func TestChangeStatusNext(t *testing.T) {
	for _, st := range ChangeStatuses {
		for _, a := range []ClassAction{ClassApprove, ClassReturn, ClassSubmit} {
			next, err := st.Next(a)
			switch {
			case a == ClassSubmit:
				if !IsKind(err, Invalid) {
					t.Errorf("%s --%s-->: %v", st, a, err)
				}
			case st != ChangeFiled:
				if !IsKind(err, Conflict) || clsKey(err) != "class.change_decided" || next != st {
					t.Errorf("%s --%s-->: %s %v", st, a, next, err)
				}
			case a == ClassApprove && next != ChangeApproved, a == ClassReturn && next != ChangeReturned:
				t.Errorf("%s --%s--> %s %v", st, a, next, err)
			}
		}
	}
	if !ChangeEdit.Valid() || !ChangeMakeUp.Valid() || ChangeKind("x").Valid() {
		t.Error("change kinds")
	}
}

// clsInput is a valid filing: two theory sessions of 3 hours on Monday and Tuesday 16–17
// November 2026 and one practice session of 4 hours on Wednesday.
func clsInput(t *testing.T) ClassInput {
	return ClassInput{Name: " 养老护理员五级培训班 ", OccupationCode: "4-10-01-05", Level: "5", Funding: FundingSubsidised,
		KeyGroups: []string{"migrant", " ", "graduate", "migrant"}, TheoryHours: 6, PracticeHours: 4, VenueID: 7,
		TeacherIDs: []int64{12, 11, 12}, Capacity: 30,
		Sessions: []Session{
			{Starts: clsAt(t, "2026-11-18 13:00"), Ends: clsAt(t, "2026-11-18 17:00"), Kind: SessionPractice, TeacherID: 12, VenueID: 8},
			{Starts: clsAt(t, "2026-11-16 09:00"), Ends: clsAt(t, "2026-11-16 12:00"), Kind: SessionTheory, TeacherID: 11},
			{Starts: clsAt(t, "2026-11-17 09:00"), Ends: clsAt(t, "2026-11-17 12:00"), Kind: SessionTheory, TeacherID: 11},
		}}
}

func TestClassInputValidate(t *testing.T) {
	r := DefaultRules()
	got, err := clsInput(t).Validate(r)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "养老护理员五级培训班" || !slices.Equal(got.KeyGroups, []string{"graduate", "migrant"}) ||
		!slices.Equal(got.TeacherIDs, []int64{11, 12}) {
		t.Errorf("not normalised: %+v", got)
	}
	if got.Sessions[0].Seq != 1 || !got.Sessions[0].Starts.Equal(clsAt(t, "2026-11-16 09:00")) || got.Sessions[2].Seq != 3 {
		t.Errorf("sessions not sorted and numbered: %+v", got.Sessions)
	}
	if got.Sessions[0].VenueID != 7 || got.Sessions[2].VenueID != 8 {
		t.Errorf("a session without a venue is held at the class's venue: %+v", got.Sessions)
	}
	cases := []struct {
		name string
		edit func(in *ClassInput)
		key  string
	}{
		{"short name", func(in *ClassInput) { in.Name = "班" }, "class.name"},
		{"long name", func(in *ClassInput) { in.Name = string(make([]rune, 61)) }, "class.name"},
		{"no occupation", func(in *ClassInput) { in.OccupationCode = " " }, "class.occupation"},
		{"no level", func(in *ClassInput) { in.Level = "" }, "class.occupation"},
		{"funding", func(in *ClassInput) { in.Funding = "free" }, "class.funding"},
		{"no hours", func(in *ClassInput) { in.TheoryHours, in.PracticeHours = 0, 0 }, "class.hours"},
		{"negative hours", func(in *ClassInput) { in.TheoryHours = -1 }, "class.hours"},
		{"too many hours", func(in *ClassInput) { in.TheoryHours = 2001 }, "class.hours"},
		{"no venue", func(in *ClassInput) { in.VenueID = 0 }, "class.venue"},
		{"no teachers", func(in *ClassInput) { in.TeacherIDs = nil }, "class.teachers"},
		{"capacity 0", func(in *ClassInput) { in.Capacity = 0 }, "class.capacity"},
		{"capacity over the rule", func(in *ClassInput) { in.Capacity = r.ClassCapacity + 1 }, "class.capacity"},
		{"no sessions", func(in *ClassInput) { in.Sessions = nil }, "class.no_sessions"},
		{"too many sessions", func(in *ClassInput) { in.Sessions = make([]Session, 501) }, "class.too_many_sessions"},
		{"ends before it starts", func(in *ClassInput) { in.Sessions[1].Ends = in.Sessions[1].Starts.Add(-time.Hour) }, "class.session_times"},
		{"too short", func(in *ClassInput) { in.Sessions[1].Ends = in.Sessions[1].Starts.Add(29 * time.Minute) }, "class.session_length"},
		{"too long", func(in *ClassInput) { in.Sessions[1].Ends = in.Sessions[1].Starts.Add(12*time.Hour + time.Minute) }, "class.session_length"},
		{"over midnight", func(in *ClassInput) {
			in.Sessions[1].Starts, in.Sessions[1].Ends = clsAt(t, "2026-11-16 22:00"), clsAt(t, "2026-11-17 01:00")
		}, "class.session_length"},
		{"no kind", func(in *ClassInput) { in.Sessions[1].Kind = "" }, "class.session_kind"},
		{"teacher not of the class", func(in *ClassInput) { in.Sessions[1].TeacherID = 99 }, "class.session_teacher"},
		{"overlap", func(in *ClassInput) {
			in.Sessions[2].Starts = clsAt(t, "2026-11-16 11:00")
			in.Sessions[2].Ends = clsAt(t, "2026-11-16 14:00")
		}, "class.session_overlap"},
		{"hours differ", func(in *ClassInput) { in.TheoryHours = 5 }, "class.hours_mismatch"},
	}
	for _, c := range cases {
		in := clsInput(t)
		c.edit(&in)
		if _, err := in.Validate(r); !IsKind(err, Invalid) || clsKey(err) != c.key {
			t.Errorf("%s: got %v, want %s", c.name, err, c.key)
		}
	}
	// Touching sessions do not overlap.
	in := clsInput(t)
	in.Sessions[2].Starts, in.Sessions[2].Ends = clsAt(t, "2026-11-16 12:00"), clsAt(t, "2026-11-16 15:00")
	if _, err := in.Validate(r); err != nil {
		t.Errorf("touching sessions: %v", err)
	}
}

// TestMakeUpKeepsThePlan: make-up sessions add to the timetable, not to the planned hours, and
// PlannedMinutes leaves them out.
func TestMakeUpKeepsThePlan(t *testing.T) {
	in := clsInput(t)
	in.Sessions = append(in.Sessions, Session{Starts: clsAt(t, "2026-11-20 09:00"), Ends: clsAt(t, "2026-11-20 12:00"),
		Kind: SessionTheory, TeacherID: 11, MakeUp: true})
	got, err := in.Validate(DefaultRules())
	if err != nil {
		t.Fatalf("a make-up session changed the planned hours: %v", err)
	}
	c := Class{Sessions: got.Sessions}
	if c.PlannedMinutes() != 10*60 {
		t.Errorf("planned %d minutes, want 600", c.PlannedMinutes())
	}
	if !c.RegularEnd().Equal(clsAt(t, "2026-11-18 17:00")) {
		t.Errorf("regular end %v", c.RegularEnd())
	}
	if RatePct(13*60, c.PlannedMinutes()) != 100 || RatePct(9*60, c.PlannedMinutes()) != 90 {
		t.Error("make-up time replaces missed time; the rate never exceeds 100%")
	}
}

func TestCheckMakeUp(t *testing.T) {
	r := DefaultRules()
	v, err := clsInput(t).Validate(r)
	if err != nil {
		t.Fatal(err)
	}
	c := Class{ID: 5, Status: ClassInProgress, Sessions: v.Sessions, LastSession: v.Sessions[2].Ends}
	now := clsAt(t, "2026-11-19 10:00")
	if d := c.MakeUpDeadline(r); !d.Equal(clsAt(t, "2027-01-17 17:00")) {
		t.Errorf("deadline %v", d)
	}
	ok := Session{Starts: clsAt(t, "2027-01-17 13:00"), Ends: clsAt(t, "2027-01-17 17:00"), Kind: SessionPractice, TeacherID: 12, ID: 99}
	got, err := CheckMakeUp(c, []Session{ok}, now, r)
	if err != nil || !got[0].MakeUp || got[0].ID != 0 || got[0].ClassID != 5 {
		t.Fatalf("a make-up on the last day of the window: %v %+v", err, got)
	}
	late := ok
	late.Starts, late.Ends = clsAt(t, "2027-01-18 09:00"), clsAt(t, "2027-01-18 12:00")
	past := ok
	past.Starts, past.Ends = clsAt(t, "2026-11-19 09:00"), clsAt(t, "2026-11-19 12:00")
	for _, x := range []struct {
		name  string
		c     Class
		added []Session
		key   string
	}{
		{"after the window", c, []Session{ok, late}, "class.makeup_window"},
		{"in the past", c, []Session{past}, "class.makeup_past"},
		{"none", c, nil, "class.makeup_none"},
		{"not started", Class{Status: ClassApproved, Sessions: c.Sessions}, []Session{ok}, "class.makeup_state"},
		{"closed", Class{Status: ClassClosed, Sessions: c.Sessions}, []Session{ok}, "class.makeup_state"},
	} {
		if _, err := CheckMakeUp(x.c, x.added, now, r); clsKey(err) != x.key {
			t.Errorf("%s: %v, want %s", x.name, err, x.key)
		}
	}
	// A make-up does not stretch the window for the next one.
	withMakeUp := c
	withMakeUp.Sessions = append(slices.Clone(c.Sessions), Session{Starts: ok.Starts, Ends: ok.Ends, MakeUp: true})
	if !withMakeUp.MakeUpDeadline(r).Equal(c.MakeUpDeadline(r)) {
		t.Error("the window moved with a make-up session")
	}
}

func TestChangedFields(t *testing.T) {
	a, err := clsInput(t).Validate(DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	if got := ChangedFields(a, a); len(got) != 0 {
		t.Errorf("no change: %v", got)
	}
	b := a
	b.KeyGroups = []string{"migrant", "graduate"} // same set, other order
	b.TeacherIDs = []int64{12, 11}
	b.Capacity = 40
	b.Sessions = slices.Clone(a.Sessions)
	b.Sessions[1].TeacherID = 12
	if got := ChangedFields(a, b); !slices.Equal(got, []string{FieldCapacity, FieldSessions}) {
		t.Errorf("changed: %v", got)
	}
	if first := EarliestChange(a.Sessions, b.Sessions); !first.Equal(a.Sessions[1].Starts) {
		t.Errorf("earliest change %v", first)
	}
	if first := EarliestChange(a.Sessions, a.Sessions); !first.IsZero() {
		t.Errorf("unchanged timetable: %v", first)
	}
	c := a
	c.Name, c.Level, c.Funding, c.SelfEnrol = "另一个名字", "4", FundingSelf, true
	if got := ChangedFields(a, c); !slices.Equal(got, []string{FieldName, FieldLevel, FieldFunding, FieldSelfEnrol}) {
		t.Errorf("changed: %v", got)
	}
}

// TestFilingDeadlineNationalDay: the lead time of 3 working days is counted with the 2026
// calendar — across the National Day holiday (1–7 October) and the adjusted working Saturday
// of 10 October.
func TestFilingDeadlineNationalDay(t *testing.T) {
	cal := calendar2026()
	lead := DefaultRules().FilingLeadWorkdays
	cases := []struct{ first, deadline string }{
		{"2026-10-08 09:00", "2026-09-28"}, // Thu after the holiday: back over 1–7 Oct to Mon 28 Sep
		{"2026-10-12 09:00", "2026-10-08"}, // Mon: Sat 10 Oct (adjusted working day), Fri 9, Thu 8
		{"2026-10-13 09:00", "2026-10-09"}, // Tue: Mon 12, Sat 10, Fri 9
		{"2026-09-21 09:00", "2026-09-17"}, // Mon: Sun 20 Sep (adjusted working day), Fri 18, Thu 17
		{"2026-11-05 09:00", "2026-11-02"}, // an ordinary week
	}
	for _, c := range cases {
		d := FilingDeadline(cal, clsAt(t, c.first), lead)
		if got := d.In(cst).Format("2006-01-02 15:04:05"); got != c.deadline+" 23:59:59" {
			t.Errorf("first session %s: deadline %s, want %s 23:59:59", c.first, got, c.deadline)
		}
	}
	first := clsAt(t, "2026-10-12 09:00")
	deadline := FilingDeadline(cal, first, lead)
	if FiledLate(cal, first, clsAt(t, "2026-10-08 23:00"), lead) {
		t.Error("filed on the deadline's day is on time")
	}
	if !FiledLate(cal, first, clsAt(t, "2026-10-09 08:00"), lead) {
		t.Error("filed the next morning is late")
	}
	// Countdown: from Wednesday 30 September, the working days up to Thursday 8 October are the
	// 8th itself (the holiday counts for nothing).
	if n := WorkdaysLeft(cal, clsAt(t, "2026-09-30 10:00"), deadline); n != 1 {
		t.Errorf("workdays left from 30 Sep: %d, want 1", n)
	}
	if n := WorkdaysLeft(cal, clsAt(t, "2026-10-08 10:00"), deadline); n != 0 {
		t.Errorf("on the deadline's day: %d, want 0", n)
	}
	if n := WorkdaysLeft(cal, clsAt(t, "2026-10-10 10:00"), deadline); n >= 0 {
		t.Errorf("after the deadline (an adjusted working Saturday): %d, want negative", n)
	}
	if n := WorkdaysLeft(cal, clsAt(t, "2026-09-18 10:00"), FilingDeadline(cal, clsAt(t, "2026-09-24 09:00"), lead)); n != 2 {
		// Deadline Mon 21 Sep; from Fri 18: Sun 20 (adjusted) and Mon 21.
		t.Errorf("across the adjusted Sunday: %d, want 2", n)
	}
}
