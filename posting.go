package xiangpei

import (
	"slices"
	"time"
)

// 用 — job postings (招聘岗位, SPEC §7). An employer verified by an officer writes a posting as a
// draft; submitting it runs CheckPosting: a clean posting is published at once, one with a
// finding of action "refer" waits in an officer's queue (pending_review), and one with a
// finding of action "refuse" stays a draft with the reasons shown. A published posting is
// closed by its employer or an officer, or expires at the end of its validity; a closed or
// expired posting stays readable but takes no applications, and its employer may relist it,
// which makes it a draft again (with new validity) that must pass the checks once more.

// Party is who makes a move in one of the employment state machines.
type Party string

// The parties.
const (
	PartyPerson   Party = "person"   // the worker: seeker, applicant, gig worker, complainant
	PartyEmployer Party = "employer" // staff of the employer
	PartyOfficer  Party = "officer"  // bureau staff (for complaints: with the complaint duty)
	PartySystem   Party = "system"   // the platform itself: checks, clocks
)

// SalaryUnit is the period a salary or a gig wage is quoted for.
type SalaryUnit string

// The salary units.
const (
	PerMonth SalaryUnit = "month"
	PerDay   SalaryUnit = "day"
	PerHour  SalaryUnit = "hour"
)

// SalaryUnits lists the units.
var SalaryUnits = []SalaryUnit{PerMonth, PerDay, PerHour}

// Valid reports whether u is a known unit.
func (u SalaryUnit) Valid() bool { return slices.Contains(SalaryUnits, u) }

// WorkType is 全职, 兼职 or 零工.
type WorkType string

// The work types.
const (
	FullTime WorkType = "full_time" // 全职
	PartTime WorkType = "part_time" // 兼职
	GigWork  WorkType = "gig"       // 零工
)

// WorkTypes lists the work types.
var WorkTypes = []WorkType{FullTime, PartTime, GigWork}

// Valid reports whether w is a known work type.
func (w WorkType) Valid() bool { return slices.Contains(WorkTypes, w) }

// PostingStatus is the state of a job posting.
type PostingStatus string

// The states of a posting.
const (
	PostingDraft     PostingStatus = "draft"          // being written, or refused by the checks, or returned by an officer
	PostingPending   PostingStatus = "pending_review" // in an officer's queue (a check referred it)
	PostingPublished PostingStatus = "published"      // public, takes applications
	PostingClosed    PostingStatus = "closed"         // closed by the employer or an officer; readable
	PostingExpired   PostingStatus = "expired"        // past its validity; readable
)

// PostingStatuses lists the states in lifecycle order.
var PostingStatuses = []PostingStatus{PostingDraft, PostingPending, PostingPublished, PostingClosed, PostingExpired}

// Valid reports whether st is a known state.
func (st PostingStatus) Valid() bool { return slices.Contains(PostingStatuses, st) }

// PostingAction is something done to a posting that changes its state.
type PostingAction string

// The actions on a posting.
const (
	PostingPublish PostingAction = "publish" // system, after the checks pass: draft → published
	PostingRefer   PostingAction = "refer"   // system, a check referred it: draft → pending_review
	PostingApprove PostingAction = "approve" // officer: pending_review → published
	PostingReturn  PostingAction = "return"  // officer, with a reason: pending_review → draft
	PostingClose   PostingAction = "close"   // employer or officer: published → closed
	PostingExpire  PostingAction = "expire"  // system, validity over: published → expired
	PostingRelist  PostingAction = "relist"  // employer: closed, expired → draft (checked again on submit)
)

type move[S ~string] struct {
	from []S
	to   S
	by   []Party
}

var postingMoves = map[PostingAction]move[PostingStatus]{
	PostingPublish: {[]PostingStatus{PostingDraft}, PostingPublished, []Party{PartySystem}},
	PostingRefer:   {[]PostingStatus{PostingDraft}, PostingPending, []Party{PartySystem}},
	PostingApprove: {[]PostingStatus{PostingPending}, PostingPublished, []Party{PartyOfficer}},
	PostingReturn:  {[]PostingStatus{PostingPending}, PostingDraft, []Party{PartyOfficer}},
	PostingClose:   {[]PostingStatus{PostingPublished}, PostingClosed, []Party{PartyEmployer, PartyOfficer}},
	PostingExpire:  {[]PostingStatus{PostingPublished}, PostingExpired, []Party{PartySystem}},
	PostingRelist:  {[]PostingStatus{PostingClosed, PostingExpired}, PostingDraft, []Party{PartyEmployer}},
}

// nextState is the shared step of the employment state machines: an unknown action is
// Invalid, a party that may not make the move Forbidden, a move from the wrong state Conflict.
func nextState[S ~string, A ~string](moves map[A]move[S], area string, st S, a A, by Party) (S, error) {
	m, ok := moves[a]
	if !ok {
		return st, Errorf(Invalid, area+".unknown_action", "There is no such action.")
	}
	if !slices.Contains(m.by, by) {
		return st, Errorf(Forbidden, area+".not_yours", "Only %v may do this.", m.by)
	}
	if !slices.Contains(m.from, st) {
		return st, Errorf(Conflict, area+".wrong_state", "This cannot be done in the present state (%v): reload the page to see where it stands.", st)
	}
	return m.to, nil
}

// Next returns the state action a by party leads to from st.
func (st PostingStatus) Next(a PostingAction, by Party) (PostingStatus, error) {
	return nextState(postingMoves, "posting", st, a, by)
}

// TakesApplications reports whether a posting in this state accepts applications.
func (st PostingStatus) TakesApplications() bool { return st == PostingPublished }

// Salary is a range in fen per unit; Max 0 means "from Min".
type Salary struct {
	MinFen int64
	MaxFen int64
	Unit   SalaryUnit
}

// JobPosting is one posting of an employer.
type JobPosting struct {
	ID           int64
	EmployerID   int64
	EmployerName string
	CreditCode   string
	Occupation   string // 国家职业分类大典 code, 4-10-01-05
	Title        string
	Description  string
	Skills       []string
	Level        string   // required skill level "5".."1", or "" for none
	Certificates []string // required certificate names (occupation codes or names)
	Headcount    int
	Salary       Salary
	WorkType     WorkType
	County       string // GB/T 2260 county code
	Lat, Lng     float64
	ValidFrom    time.Time // first day (China date) it may be published
	ValidTo      time.Time // last day (China date) it is open, inclusive
	Status       PostingStatus
	PublishedAt  time.Time
	Version      int
}

// Expired reports whether the validity of p has ended at now: now is after the last valid
// China date. A posting whose ValidTo is zero never expires by itself.
func (p JobPosting) Expired(now time.Time) bool {
	if p.ValidTo.IsZero() {
		return false
	}
	return civil(now).After(civil(p.ValidTo))
}

// Open reports whether p takes applications at now: published and not expired.
func (p JobPosting) Open(now time.Time) bool {
	return p.Status.TakesApplications() && !p.Expired(now)
}

// Validate checks the fields a posting must have before the content checks run.
func (p JobPosting) Validate() error {
	switch {
	case p.Title == "":
		return Errorf(Invalid, "posting.title_missing", "The posting needs a title.")
	case !occupationCodeOK(p.Occupation):
		return Errorf(Invalid, "posting.occupation_bad", "The occupation code %q is not of the form 4-10-01-05.", p.Occupation)
	case p.Headcount < 1:
		return Errorf(Invalid, "posting.headcount", "The headcount must be at least 1.")
	case !p.Salary.Unit.Valid():
		return Errorf(Invalid, "posting.salary_unit", "Choose whether the salary is monthly, daily or hourly.")
	case p.Salary.MinFen <= 0 || (p.Salary.MaxFen != 0 && p.Salary.MaxFen < p.Salary.MinFen):
		return Errorf(Invalid, "posting.salary_range", "The salary range is not valid: the lowest must be above zero and not above the highest.")
	case !p.WorkType.Valid():
		return Errorf(Invalid, "posting.work_type", "Choose full-time, part-time or gig work.")
	case len(p.County) != 6:
		return Errorf(Invalid, "posting.county", "Choose the county of the workplace.")
	case p.ValidFrom.IsZero() || p.ValidTo.IsZero() || civil(p.ValidTo).Before(civil(p.ValidFrom)):
		return Errorf(Invalid, "posting.validity", "The validity must have a first and a last day, the last not before the first.")
	}
	return nil
}

// occupationCodeOK accepts a code of one to four dash-separated numeric parts.
func occupationCodeOK(code string) bool {
	parts := splitCode(code)
	if len(parts) == 0 || len(parts) > 4 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
		for _, r := range p {
			if r < '0' || r > '9' {
				return false
			}
		}
	}
	return true
}
