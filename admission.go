package xiangpei

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// 教 — enrolment plans (招生计划), applications and admissions (录取) of technical schools
// (SPEC §10, docs/schools.md). A school drafts a plan for a year with quotas per major; the
// city's officer approves it (or returns it with a reason); an approved plan is public and
// people apply to it within its window, choosing up to MaxChoices majors in order of
// preference. The school admits each applicant to one of their majors within the major's quota
// and publishes the admission list; the admitted applicant then confirms (and becomes a
// student) or declines (and frees the place).

// EnrolPlanStatus is the state of an enrolment plan.
type EnrolPlanStatus string

// The states of a plan.
const (
	EnrolDraft     EnrolPlanStatus = "draft"     // 草稿: the school is writing it
	EnrolSubmitted EnrolPlanStatus = "submitted" // 待审核: waiting for the city's officer
	EnrolApproved  EnrolPlanStatus = "approved"  // 已批准: public, open to applicants in its window
	EnrolReturned  EnrolPlanStatus = "returned"  // 已退回: back to the school with a reason
)

// EnrolPlanStatuses lists the states.
var EnrolPlanStatuses = []EnrolPlanStatus{EnrolDraft, EnrolSubmitted, EnrolApproved, EnrolReturned}

// Valid reports whether st is a known state.
func (st EnrolPlanStatus) Valid() bool { return slices.Contains(EnrolPlanStatuses, st) }

// Editable reports whether the school may still change the plan.
func (st EnrolPlanStatus) Editable() bool { return st == EnrolDraft || st == EnrolReturned }

// EnrolPlanAction is a move of a plan.
type EnrolPlanAction string

// The moves of a plan: the school submits, the city's officer approves or returns.
const (
	EnrolSubmit  EnrolPlanAction = "submit"  // school: draft, returned → submitted
	EnrolApprove EnrolPlanAction = "approve" // officer: submitted → approved
	EnrolReturn  EnrolPlanAction = "return"  // officer, with a reason: submitted → returned
)

// Next returns the state action leads to from st, or a Conflict.
func (st EnrolPlanStatus) Next(a EnrolPlanAction) (EnrolPlanStatus, error) {
	switch {
	case a == EnrolSubmit && st.Editable():
		return EnrolSubmitted, nil
	case a == EnrolApprove && st == EnrolSubmitted:
		return EnrolApproved, nil
	case a == EnrolReturn && st == EnrolSubmitted:
		return EnrolReturned, nil
	case a != EnrolSubmit && a != EnrolApprove && a != EnrolReturn:
		return st, Errorf(Invalid, "enrolplan.action", "Choose to approve or to return the plan.")
	}
	return st, Errorf(Conflict, "enrolplan.wrong_status", "This is not possible for a plan that is %s.", st)
}

// DefaultMaxChoices is how many majors an applicant may choose when the plan does not say.
const DefaultMaxChoices = 3

// Quota is the number of places of one major in a plan.
type Quota struct {
	MajorID int64
	Places  int
}

// EnrolPlan is a school's enrolment plan for one year.
type EnrolPlan struct {
	ID         int64
	SchoolID   int64
	Year       int
	Title      string
	OpensOn    time.Time // China dates: the sign-up window, both days included
	ClosesOn   time.Time
	MaxChoices int
	Quotas     []Quota
	Status     EnrolPlanStatus
	Reason     string // why it was returned
	Published  bool   // the admission list is published
	Version    int
}

// Validate checks a plan before it is stored; MaxChoices defaults to DefaultMaxChoices.
func (p EnrolPlan) Validate() (EnrolPlan, error) {
	p.Title = strings.TrimSpace(p.Title)
	if p.MaxChoices == 0 {
		p.MaxChoices = DefaultMaxChoices
	}
	switch {
	case p.Title == "" || utf8.RuneCountInString(p.Title) > 80:
		return p, Errorf(Invalid, "enrolplan.title", "Give the plan a title (up to 80 characters).")
	case p.Year < 2000 || p.Year > 2099:
		return p, Errorf(Invalid, "enrolplan.year", "Give the year of enrolment, such as 2026.")
	case p.OpensOn.IsZero() || p.ClosesOn.IsZero() || p.ClosesOn.Before(p.OpensOn):
		return p, Errorf(Invalid, "enrolplan.window", "Give the first and last day of sign-up; the last day cannot be before the first.")
	case p.MaxChoices < 1 || p.MaxChoices > 6:
		return p, Errorf(Invalid, "enrolplan.max_choices", "An applicant may choose 1 to 6 majors.")
	case len(p.Quotas) == 0:
		return p, Errorf(Invalid, "enrolplan.no_quota", "Give at least one major a quota.")
	}
	seen := map[int64]bool{}
	for _, q := range p.Quotas {
		if q.Places <= 0 || q.Places > 5000 {
			return p, Errorf(Invalid, "enrolplan.quota", "Each quota is a number of places from 1 to 5000.")
		}
		if seen[q.MajorID] {
			return p, Errorf(Invalid, "enrolplan.quota_twice", "A major is given a quota twice.")
		}
		seen[q.MajorID] = true
	}
	return p, nil
}

// Open reports whether people may apply on day: approved, and day within the window.
func (p EnrolPlan) Open(day time.Time) bool {
	d := ChinaDate(day)
	return p.Status == EnrolApproved && d >= ChinaDate(p.OpensOn) && d <= ChinaDate(p.ClosesOn)
}

// TermStarts is the day an enrolled student's record starts: 1 September of the plan's year.
func (p EnrolPlan) TermStarts() time.Time {
	return time.Date(p.Year, time.September, 1, 0, 0, 0, 0, ChinaTime)
}

// EnrolmentDay is the day a student who confirms on day is enrolled: the start of term, or the
// day of confirming when that is later.
func (p EnrolPlan) EnrolmentDay(day time.Time) time.Time {
	start := p.TermStarts()
	d := day.In(ChinaTime)
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, ChinaTime)
	if d.After(start) {
		return d
	}
	return start
}

// Education is an applicant's education background.
type Education string

// The backgrounds.
const (
	EduJuniorMiddle        Education = "junior_middle"        // 初中
	EduSeniorHigh          Education = "senior_high"          // 高中
	EduSecondaryVocational Education = "secondary_vocational" // 中职
	EduSocial              Education = "social"               // 社会人员
)

// Educations lists the backgrounds.
var Educations = []Education{EduJuniorMiddle, EduSeniorHigh, EduSecondaryVocational, EduSocial}

// Valid reports whether e is a known background.
func (e Education) Valid() bool { return slices.Contains(Educations, e) }

// SchoolAppStatus is the state of an application to a school.
type SchoolAppStatus string

// The states of an application.
const (
	SchoolAppApplied   SchoolAppStatus = "applied"   // 已报名
	SchoolAppAdmitted  SchoolAppStatus = "admitted"  // 已录取
	SchoolAppRejected  SchoolAppStatus = "rejected"  // 未录取
	SchoolAppWithdrawn SchoolAppStatus = "withdrawn" // 已撤回
	SchoolAppDeclined  SchoolAppStatus = "declined"  // 放弃入学
	SchoolAppEnrolled  SchoolAppStatus = "enrolled"  // 已注册入学
)

// SchoolAppStatuses lists the states.
var SchoolAppStatuses = []SchoolAppStatus{SchoolAppApplied, SchoolAppAdmitted, SchoolAppRejected, SchoolAppWithdrawn, SchoolAppDeclined, SchoolAppEnrolled}

// Valid reports whether st is a known state.
func (st SchoolAppStatus) Valid() bool { return slices.Contains(SchoolAppStatuses, st) }

// SchoolAppAction is a move of an application.
type SchoolAppAction string

// The moves: the school admits or rejects; the applicant withdraws, confirms or declines.
const (
	SchoolAppAdmit    SchoolAppAction = "admit"    // school: applied → admitted (within quota)
	SchoolAppReject   SchoolAppAction = "reject"   // school, with a reason: applied → rejected
	SchoolAppWithdraw SchoolAppAction = "withdraw" // applicant: applied → withdrawn
	SchoolAppConfirm  SchoolAppAction = "confirm"  // applicant, once the list is published: admitted → enrolled
	SchoolAppDecline  SchoolAppAction = "decline"  // applicant, once the list is published: admitted → declined
)

// Next returns the state action leads to from st, or a Conflict.
func (st SchoolAppStatus) Next(a SchoolAppAction) (SchoolAppStatus, error) {
	var from SchoolAppStatus
	var to SchoolAppStatus
	switch a {
	case SchoolAppAdmit:
		from, to = SchoolAppApplied, SchoolAppAdmitted
	case SchoolAppReject:
		from, to = SchoolAppApplied, SchoolAppRejected
	case SchoolAppWithdraw:
		from, to = SchoolAppApplied, SchoolAppWithdrawn
	case SchoolAppConfirm:
		from, to = SchoolAppAdmitted, SchoolAppEnrolled
	case SchoolAppDecline:
		from, to = SchoolAppAdmitted, SchoolAppDeclined
	default:
		return st, Errorf(Invalid, "schoolapp.action", "Unknown move of an application.")
	}
	if st != from {
		return st, Errorf(Conflict, "schoolapp.wrong_status", "This is not possible for an application that is %s.", st)
	}
	return to, nil
}

// SchoolApplication is what a person submits to a plan.
type SchoolApplication struct {
	PlanID    int64
	PersonID  int64
	Choices   []int64 // majors in order of preference
	Education Education
	Documents string // the documents the applicant holds, one a line (e.g. 毕业证书编号 …); no files
}

// Validate checks an application against its plan.
func (a SchoolApplication) Validate(p EnrolPlan) (SchoolApplication, error) {
	a.Documents = strings.TrimSpace(a.Documents)
	if !a.Education.Valid() {
		return a, Errorf(Invalid, "schoolapp.education", "Choose your education: 初中, 高中, 中职 or 社会人员.")
	}
	if utf8.RuneCountInString(a.Documents) > 1000 {
		return a, Errorf(Invalid, "schoolapp.documents", "List your documents in up to 1000 characters.")
	}
	if len(a.Choices) == 0 {
		return a, Errorf(Invalid, "schoolapp.no_choice", "Choose at least one major.")
	}
	if len(a.Choices) > p.MaxChoices {
		return a, Errorf(Invalid, "schoolapp.too_many", "This plan lets you choose at most %d majors.", p.MaxChoices)
	}
	seen := map[int64]bool{}
	for _, m := range a.Choices {
		if seen[m] {
			return a, Errorf(Invalid, "schoolapp.choice_twice", "Choose each major only once.")
		}
		seen[m] = true
		if !slices.ContainsFunc(p.Quotas, func(q Quota) bool { return q.MajorID == m }) {
			return a, Errorf(Invalid, "schoolapp.choice_unknown", "Choose majors of this plan only.")
		}
	}
	return a, nil
}
