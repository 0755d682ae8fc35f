package xiangpei

import (
	"testing"
	"time"
)

// TestEnrolPlanMachine: every move of a plan from every state.
func TestEnrolPlanMachine(t *testing.T) {
	want := map[EnrolPlanStatus]map[EnrolPlanAction]EnrolPlanStatus{
		EnrolDraft:     {EnrolSubmit: EnrolSubmitted},
		EnrolReturned:  {EnrolSubmit: EnrolSubmitted},
		EnrolSubmitted: {EnrolApprove: EnrolApproved, EnrolReturn: EnrolReturned},
		EnrolApproved:  {},
	}
	for _, st := range EnrolPlanStatuses {
		for _, a := range []EnrolPlanAction{EnrolSubmit, EnrolApprove, EnrolReturn} {
			got, err := st.Next(a)
			to, ok := want[st][a]
			switch {
			case ok && (err != nil || got != to):
				t.Errorf("%s %s: %s %v, want %s", st, a, got, err, to)
			case !ok && (err == nil || ErrorKind(err) != Conflict):
				t.Errorf("%s %s: %s %v, want a conflict", st, a, got, err)
			}
		}
	}
	if _, err := EnrolDraft.Next("publish"); ErrorKind(err) != Invalid {
		t.Errorf("unknown action: %v", err)
	}
}

// TestSchoolAppMachine: every move of an application from every state.
func TestSchoolAppMachine(t *testing.T) {
	want := map[SchoolAppStatus]map[SchoolAppAction]SchoolAppStatus{
		SchoolAppApplied:  {SchoolAppAdmit: SchoolAppAdmitted, SchoolAppReject: SchoolAppRejected, SchoolAppWithdraw: SchoolAppWithdrawn},
		SchoolAppAdmitted: {SchoolAppConfirm: SchoolAppEnrolled, SchoolAppDecline: SchoolAppDeclined},
	}
	for _, st := range SchoolAppStatuses {
		for _, a := range []SchoolAppAction{SchoolAppAdmit, SchoolAppReject, SchoolAppWithdraw, SchoolAppConfirm, SchoolAppDecline} {
			got, err := st.Next(a)
			to, ok := want[st][a]
			switch {
			case ok && (err != nil || got != to):
				t.Errorf("%s %s: %s %v, want %s", st, a, got, err, to)
			case !ok && (err == nil || ErrorKind(err) != Conflict):
				t.Errorf("%s %s: %s %v, want a conflict", st, a, got, err)
			}
		}
	}
}

func admDay(s string) time.Time {
	d, _ := time.ParseInLocation(time.DateOnly, s, ChinaTime)
	return d
}

// TestEnrolPlanRules: validation, the default number of choices, the window, the day of
// enrolment, and an application's choices against the plan.
func TestEnrolPlanRules(t *testing.T) {
	p := EnrolPlan{Title: " 2026年招生计划 ", Year: 2026, OpensOn: admDay("2026-03-01"), ClosesOn: admDay("2026-08-31"),
		Quotas: []Quota{{MajorID: 1, Places: 40}, {MajorID: 2, Places: 30}}}
	got, err := p.Validate()
	if err != nil || got.MaxChoices != DefaultMaxChoices || got.Title != "2026年招生计划" {
		t.Fatalf("valid plan: %+v %v", got, err)
	}
	for name, bad := range map[string]func(EnrolPlan) EnrolPlan{
		"enrolplan.quota":       func(p EnrolPlan) EnrolPlan { p.Quotas = []Quota{{MajorID: 1, Places: 0}}; return p },
		"enrolplan.quota_twice": func(p EnrolPlan) EnrolPlan { p.Quotas = []Quota{{1, 3}, {1, 4}}; return p },
		"enrolplan.no_quota":    func(p EnrolPlan) EnrolPlan { p.Quotas = nil; return p },
		"enrolplan.window":      func(p EnrolPlan) EnrolPlan { p.ClosesOn = admDay("2026-02-01"); return p },
		"enrolplan.max_choices": func(p EnrolPlan) EnrolPlan { p.MaxChoices = 7; return p },
		"enrolplan.title":       func(p EnrolPlan) EnrolPlan { p.Title = " "; return p },
		"enrolplan.year":        func(p EnrolPlan) EnrolPlan { p.Year = 1999; return p },
	} {
		if _, err := bad(p).Validate(); err == nil || err.(*Error).Key != name {
			t.Errorf("%s: %v", name, err)
		}
	}
	p = got
	p.Status = EnrolApproved
	for d, open := range map[string]bool{"2026-02-28": false, "2026-03-01": true, "2026-08-31": true, "2026-09-01": false} {
		if p.Open(admDay(d).Add(15*time.Hour)) != open {
			t.Errorf("open on %s: want %v", d, open)
		}
	}
	p.Status = EnrolSubmitted
	if p.Open(admDay("2026-05-01")) {
		t.Errorf("a plan not approved is open")
	}
	if d := p.EnrolmentDay(admDay("2026-07-10")); ChinaDate(d) != "2026-09-01" {
		t.Errorf("confirmed before term: %s", ChinaDate(d))
	}
	if d := p.EnrolmentDay(admDay("2026-09-15").Add(20 * time.Hour)); ChinaDate(d) != "2026-09-15" {
		t.Errorf("confirmed after term began: %s", ChinaDate(d))
	}
	a := SchoolApplication{PlanID: 9, Choices: []int64{2, 1}, Education: EduSecondaryVocational}
	if _, err := a.Validate(p); err != nil {
		t.Errorf("valid application: %v", err)
	}
	for key, b := range map[string]SchoolApplication{
		"schoolapp.education":      {Choices: []int64{1}, Education: "college"},
		"schoolapp.no_choice":      {Education: EduSocial},
		"schoolapp.too_many":       {Choices: []int64{1, 2, 3, 4}, Education: EduSocial},
		"schoolapp.choice_twice":   {Choices: []int64{1, 1}, Education: EduSocial},
		"schoolapp.choice_unknown": {Choices: []int64{3}, Education: EduSocial},
	} {
		if _, err := b.Validate(p); err == nil || err.(*Error).Key != key {
			t.Errorf("%s: %v", key, err)
		}
	}
}
