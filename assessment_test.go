package xiangpei

import (
	"testing"
	"time"
)

func TestPlanStateMachine(t *testing.T) {
	for _, tc := range []struct {
		from PlanStatus
		act  PlanAction
		to   PlanStatus
		ok   bool
	}{
		{PlanDraft, PlanAnnounce, PlanOpen, true}, {PlanDraft, PlanCancel, PlanCancelled, true},
		{PlanOpen, PlanPublish, PlanPublished, true}, {PlanOpen, PlanCancel, PlanCancelled, true},
		{PlanDraft, PlanPublish, PlanDraft, false}, {PlanPublished, PlanCancel, PlanPublished, false},
		{PlanCancelled, PlanAnnounce, PlanCancelled, false}, {PlanOpen, PlanAnnounce, PlanOpen, false},
		{PlanOpen, PlanAction("delete"), PlanOpen, false},
	} {
		got, err := tc.from.Next(tc.act)
		if (err == nil) != tc.ok || got != tc.to || tc.from.Can(tc.act) != tc.ok {
			t.Errorf("%s --%s--> %s, %v", tc.from, tc.act, got, err)
		}
	}
}

func TestCandidateStateMachine(t *testing.T) {
	for _, tc := range []struct {
		from CandidateStatus
		act  CandidateAction
		to   CandidateStatus
		ok   bool
	}{
		{CandidateRegistered, CandidateAccept, CandidateAccepted, true}, {CandidateRegistered, CandidateReject, CandidateRejected, true},
		{CandidateRegistered, CandidateWithdraw, CandidateWithdrawn, true}, {CandidateAccepted, CandidateWithdraw, CandidateWithdrawn, true},
		{CandidateAccepted, CandidateReject, CandidateAccepted, false}, {CandidateRejected, CandidateAccept, CandidateRejected, false},
		{CandidateWithdrawn, CandidateAccept, CandidateWithdrawn, false}, {CandidateAccepted, CandidateAction("x"), CandidateAccepted, false},
	} {
		got, err := tc.from.Next(tc.act)
		if (err == nil) != tc.ok || got != tc.to {
			t.Errorf("%s --%s--> %s, %v", tc.from, tc.act, got, err)
		}
	}
	if !CandidateRegistered.Live() || !CandidateAccepted.Live() || CandidateRejected.Live() || CandidateWithdrawn.Live() {
		t.Error("Live")
	}
}

func TestPlanInputValidate(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, ChinaTime)
	id := func(first17 string) IDNumber { return IDNumber(first17 + string(IDCheckDigit(first17))) }
	good := func() PlanInput {
		return PlanInput{OccupationCode: " 4-10-01-05 ", Level: "5", Mode: PlanOpenMode, ClassID: 7, ExamAt: now.AddDate(0, 0, 7),
			Venue: " 考场 ", Capacity: 30, Examiners: []Examiner{{Name: "王考评", IDNumber: id("43020219700101001")},
				{Name: "赵考评", IDNumber: id("43020219700101002")}}}
	}
	in, err := good().Validate(now)
	if err != nil || in.OccupationCode != "4-10-01-05" || in.Venue != "考场" || in.ClassID != 0 || in.PassTheory != DefaultPassMark || in.PassPractical != DefaultPassMark {
		t.Fatalf("good input: %v %+v", err, in)
	}
	for _, tc := range []struct {
		key  string
		edit func(*PlanInput)
	}{
		{"plan.occupation", func(p *PlanInput) { p.OccupationCode = "" }},
		{"plan.level", func(p *PlanInput) { p.Level = "9" }},
		{"plan.mode", func(p *PlanInput) { p.Mode = "x" }},
		{"plan.class_missing", func(p *PlanInput) { p.Mode, p.ClassID = PlanForClass, 0 }},
		{"plan.exam_missing", func(p *PlanInput) { p.ExamAt = time.Time{} }},
		{"plan.exam_past", func(p *PlanInput) { p.ExamAt = now }},
		{"plan.venue", func(p *PlanInput) { p.Venue = " " }},
		{"plan.capacity", func(p *PlanInput) { p.Capacity = 0 }},
		{"plan.capacity", func(p *PlanInput) { p.Capacity = 1001 }},
		{"plan.pass_mark", func(p *PlanInput) { p.PassTheory = 1001 }},
		{"plan.examiners", func(p *PlanInput) { p.Examiners = p.Examiners[:1] }},
		{"plan.examiner_name", func(p *PlanInput) { p.Examiners[0].Name = "" }},
		{"plan.examiner_id", func(p *PlanInput) { p.Examiners[1].IDNumber = "123" }},
		{"plan.examiner_twice", func(p *PlanInput) { p.Examiners[1].IDNumber = p.Examiners[0].IDNumber }},
	} {
		in := good()
		tc.edit(&in)
		_, err := in.Validate(now)
		if e, ok := err.(*Error); !ok || e.Key != tc.key {
			t.Errorf("%s: got %v", tc.key, err)
		}
	}
	// A plan for a class keeps its class; special and completion levels are levels too.
	in = good()
	in.Mode, in.Level = PlanForClass, "special"
	if out, err := in.Validate(now); err != nil || out.ClassID != 7 {
		t.Errorf("class plan: %v %+v", err, out)
	}
}

func TestParseAndFormatScore(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"85", 850, true}, {"85.5", 855, true}, {" 100 ", 1000, true}, {"0", 0, true}, {"0.5", 5, true}, {"８５．５", 855, true},
		{"１００", 1000, true}, {"100.1", 0, false}, {"101", 0, false}, {"-1", 0, false}, {"+5", 0, false}, {"85.55", 0, false},
		{"85.", 0, false}, {".5", 0, false}, {"", 0, false}, {"abc", 0, false}, {"缺考", 0, false}, {"1000", 0, false}, {"8a", 0, false},
	} {
		got, err := ParseScore(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseScore(%q) = %d, %v", tc.in, got, err)
		}
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Key != "score.invalid" {
				t.Errorf("ParseScore(%q) error %v", tc.in, err)
			}
		}
	}
	for in, want := range map[int]string{855: "85.5", 900: "90", 0: "0", 5: "0.5", 1000: "100"} {
		if got := FormatScore(in); got != want {
			t.Errorf("FormatScore(%d) = %s", in, got)
		}
		if back, err := ParseScore(want); err != nil || back != in {
			t.Errorf("round trip %d: %d %v", in, back, err)
		}
	}
}

func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		theory, practical int
		want              Result
	}{{600, 600, ResultPass}, {599, 1000, ResultFail}, {1000, 599, ResultFail}, {0, 0, ResultFail}, {1000, 1000, ResultPass}} {
		if got := Judge(tc.theory, tc.practical, 600, 600); got != tc.want {
			t.Errorf("Judge(%d, %d) = %s", tc.theory, tc.practical, got)
		}
	}
	if Judge(500, 500, 500, 450) != ResultPass {
		t.Error("own pass marks")
	}
}

func TestExaminerConflicts(t *testing.T) {
	a, b, c := IDNumber("A"), IDNumber("B"), IDNumber("C")
	es := []Examiner{{Name: "甲", IDNumber: a}, {Name: "乙", IDNumber: b}}
	if got := ExaminerConflicts(es, []IDNumber{c}); len(got) != 0 {
		t.Errorf("no conflict: %v", got)
	}
	if got := ExaminerConflicts(es, []IDNumber{c, b}); len(got) != 1 || got[0].Name != "乙" {
		t.Errorf("one conflict: %v", got)
	}
	if got := ExaminerConflicts(es, nil); len(got) != 0 {
		t.Errorf("no teachers: %v", got)
	}
}

func TestPlanWindows(t *testing.T) {
	exam := time.Date(2026, 11, 20, 9, 0, 0, 0, ChinaTime)
	p := Plan{Mode: PlanOpenMode, Status: PlanOpen, ExamAt: exam}
	if !p.RegistrationOpen(exam.AddDate(0, 0, -1)) || p.RegistrationOpen(exam.Add(-time.Hour)) {
		t.Error("sign-up closes at the start of the exam day")
	}
	if p.ScoresOpen(exam.Add(-time.Minute)) || !p.ScoresOpen(exam) {
		t.Error("scores open at the exam")
	}
	p.Mode = PlanForClass
	if p.RegistrationOpen(exam.AddDate(0, 0, -3)) {
		t.Error("a plan for a class takes no sign-ups")
	}
}
