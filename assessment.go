package xiangpei

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// 评 — skill assessment (职业技能等级认定, SPEC §5): an assessment body's plan (认定计划) for an
// occupation and level, its examiners, its candidates and their scores.

// PlanMode says where a plan's candidates come from.
type PlanMode string

// The modes of a plan: the completers of one closed class, or individuals who sign up.
const (
	PlanForClass PlanMode = "class"
	PlanOpenMode PlanMode = "open"
)

// PlanStatus is the state of an assessment plan.
type PlanStatus string

// The states of a plan.
const (
	PlanDraft     PlanStatus = "draft"     // being written; candidates and examiners may change
	PlanOpen      PlanStatus = "open"      // announced: individuals may register (open mode); scores are recorded after the exam
	PlanPublished PlanStatus = "published" // results published; passes carry certificates
	PlanCancelled PlanStatus = "cancelled"
)

// PlanStatuses lists the states in lifecycle order.
var PlanStatuses = []PlanStatus{PlanDraft, PlanOpen, PlanPublished, PlanCancelled}

// Valid reports whether st is a known state.
func (st PlanStatus) Valid() bool { return slices.Contains(PlanStatuses, st) }

// PlanAction changes a plan's state.
type PlanAction string

// The actions on a plan.
const (
	PlanAnnounce PlanAction = "open"    // draft → open
	PlanPublish  PlanAction = "publish" // open → published (results, certificates)
	PlanCancel   PlanAction = "cancel"  // draft or open → cancelled
)

var planMoves = map[PlanAction]struct {
	from []PlanStatus
	to   PlanStatus
}{
	PlanAnnounce: {[]PlanStatus{PlanDraft}, PlanOpen},
	PlanPublish:  {[]PlanStatus{PlanOpen}, PlanPublished},
	PlanCancel:   {[]PlanStatus{PlanDraft, PlanOpen}, PlanCancelled},
}

// Next returns the state an action leads to from st, or a Conflict error.
func (st PlanStatus) Next(a PlanAction) (PlanStatus, error) {
	m, ok := planMoves[a]
	if !ok {
		return st, Errorf(Invalid, "plan.unknown_action", "There is no such action on an assessment plan.")
	}
	if !slices.Contains(m.from, st) {
		return st, Errorf(Conflict, "plan.wrong_state", "This cannot be done in the plan's present state: reload the page to see where it stands.")
	}
	return m.to, nil
}

// Can reports whether the action is possible from st.
func (st PlanStatus) Can(a PlanAction) bool {
	_, err := st.Next(a)
	return err == nil
}

// Examiner is a person who examines candidates of a plan (考评员), known by name and ID number
// so that a conflict with the candidates' teachers can be found.
type Examiner struct {
	ID       int64
	Name     string
	IDNumber IDNumber
}

// DefaultPassMark is the pass mark of each part, in tenths of a point (60.0).
const DefaultPassMark = 600

// Plan is an assessment plan (认定计划).
type Plan struct {
	ID             int64
	OrgID          int64 // the assessment body
	OrgName        string
	County         string // the body's county: officers see plans of bodies in their region
	OccupationCode string
	OccupationName string
	Level          string
	Mode           PlanMode
	ClassID        int64  // the closed class whose completers are the candidates (class mode)
	ClassName      string // the class and its institution, as shown
	ExamAt         time.Time
	Venue          string
	Capacity       int
	PassTheory     int // tenths of a point
	PassPractical  int
	Status         PlanStatus
	PublishedAt    time.Time
	Examiners      []Examiner
	Candidates     int // live candidates (not rejected or withdrawn)
	Passed         int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Version        int64
}

// CertKind is the kind of certificate a pass of this plan issues.
func (p Plan) CertKind() CertKind { return CertKindOf(p.Level) }

// RegistrationOpen reports whether individuals may still sign up at now: an open-mode plan,
// announced, before the day of the exam (China time).
func (p Plan) RegistrationOpen(now time.Time) bool {
	if p.Mode != PlanOpenMode || p.Status != PlanOpen {
		return false
	}
	y, m, d := p.ExamAt.In(ChinaTime).Date()
	return now.Before(time.Date(y, m, d, 0, 0, 0, 0, ChinaTime))
}

// ScoresOpen reports whether scores may be recorded at now: the plan is announced and its exam
// has begun.
func (p Plan) ScoresOpen(now time.Time) bool { return p.Status == PlanOpen && !now.Before(p.ExamAt) }

// PlanInput is what an assessment body fills in to schedule a plan.
type PlanInput struct {
	OccupationCode string
	Level          string
	Mode           PlanMode
	ClassID        int64
	ExamAt         time.Time
	Venue          string
	Capacity       int
	PassTheory     int // tenths; 0 means DefaultPassMark
	PassPractical  int
	Examiners      []Examiner
}

// Validate checks a plan's fields: an occupation and level, a mode (a class for class mode),
// an exam after now, a venue, a capacity of 1–1000, pass marks of 0–100 points, and one to
// twenty examiners with valid, distinct ID numbers (at least two, as 考评员 examine in pairs).
func (in PlanInput) Validate(now time.Time) (PlanInput, error) {
	in.OccupationCode = strings.TrimSpace(in.OccupationCode)
	in.Level = strings.TrimSpace(in.Level)
	in.Venue = strings.TrimSpace(in.Venue)
	switch {
	case in.OccupationCode == "" || in.Level == "":
		return in, Errorf(Invalid, "plan.occupation", "Choose the occupation and the level of the assessment.")
	case CertKindOf(in.Level) == "":
		return in, Errorf(Invalid, "plan.level", "The level %v is not a skill level.", in.Level)
	case in.Mode != PlanForClass && in.Mode != PlanOpenMode:
		return in, Errorf(Invalid, "plan.mode", "Say whether the plan is for a class or open to individuals.")
	case in.Mode == PlanForClass && in.ClassID == 0:
		return in, Errorf(Invalid, "plan.class_missing", "Choose the closed class whose completers will sit the assessment.")
	case in.ExamAt.IsZero():
		return in, Errorf(Invalid, "plan.exam_missing", "Give the date and time of the assessment.")
	case !in.ExamAt.After(now):
		return in, Errorf(Invalid, "plan.exam_past", "The assessment must be in the future.")
	case in.Venue == "" || utf8.RuneCountInString(in.Venue) > 200:
		return in, Errorf(Invalid, "plan.venue", "Give the place of the assessment (at most 200 characters).")
	case in.Capacity < 1 || in.Capacity > 1000:
		return in, Errorf(Invalid, "plan.capacity", "The number of places must be between 1 and 1000.")
	}
	if in.Mode == PlanOpenMode {
		in.ClassID = 0
	}
	for _, m := range []*int{&in.PassTheory, &in.PassPractical} {
		if *m == 0 {
			*m = DefaultPassMark
		}
		if *m < 0 || *m > 1000 {
			return in, Errorf(Invalid, "plan.pass_mark", "A pass mark is between 0 and 100 points.")
		}
	}
	if len(in.Examiners) < 2 || len(in.Examiners) > 20 {
		return in, Errorf(Invalid, "plan.examiners", "Name between two and twenty examiners.")
	}
	seen := map[IDNumber]bool{}
	for i, e := range in.Examiners {
		name, ok := regName(e.Name)
		if !ok {
			return in, Errorf(Invalid, "plan.examiner_name", "Examiner %v: the name is not valid.", i+1)
		}
		id, err := ParseIDNumber(string(e.IDNumber), now)
		if err != nil {
			return in, Errorf(Invalid, "plan.examiner_id", "Examiner %v: the ID number is not valid.", i+1)
		}
		if seen[id] {
			return in, Errorf(Invalid, "plan.examiner_twice", "Examiner %v is named twice.", name)
		}
		seen[id] = true
		in.Examiners[i] = Examiner{Name: name, IDNumber: id}
	}
	return in, nil
}

// ExaminerConflicts returns the examiners who taught the candidate: an examiner may not examine
// someone they taught (the teachers of the candidate's class).
func ExaminerConflicts(examiners []Examiner, teachers []IDNumber) []Examiner {
	var out []Examiner
	for _, e := range examiners {
		if slices.Contains(teachers, e.IDNumber) {
			out = append(out, e)
		}
	}
	return out
}

// CandidateStatus is the state of a candidate's registration.
type CandidateStatus string

// The states of a candidate.
const (
	CandidateRegistered CandidateStatus = "registered" // signed up, waiting for the body
	CandidateAccepted   CandidateStatus = "accepted"   // will sit the assessment
	CandidateRejected   CandidateStatus = "rejected"   // refused by the body, with a reason
	CandidateWithdrawn  CandidateStatus = "withdrawn"  // withdrew (or was withdrawn) before the exam
)

// CandidateSource says how a candidate came onto a plan.
type CandidateSource string

// The sources of a candidate.
const (
	CandidateFromClass CandidateSource = "class" // a completer of the plan's class
	CandidateSelf      CandidateSource = "self"  // signed up on the portal
	CandidateByBody    CandidateSource = "body"  // entered by the assessment body
)

// CandidateAction changes a candidate's state.
type CandidateAction string

// The actions on a candidate.
const (
	CandidateAccept   CandidateAction = "accept"
	CandidateReject   CandidateAction = "reject"
	CandidateWithdraw CandidateAction = "withdraw"
)

var candidateMoves = map[CandidateAction]struct {
	from []CandidateStatus
	to   CandidateStatus
}{
	CandidateAccept:   {[]CandidateStatus{CandidateRegistered}, CandidateAccepted},
	CandidateReject:   {[]CandidateStatus{CandidateRegistered}, CandidateRejected},
	CandidateWithdraw: {[]CandidateStatus{CandidateRegistered, CandidateAccepted}, CandidateWithdrawn},
}

// Next returns the state an action leads to from st, or a Conflict error.
func (st CandidateStatus) Next(a CandidateAction) (CandidateStatus, error) {
	m, ok := candidateMoves[a]
	if !ok {
		return st, Errorf(Invalid, "candidate.unknown_action", "There is no such action on a candidate.")
	}
	if !slices.Contains(m.from, st) {
		return st, Errorf(Conflict, "candidate.wrong_state", "This cannot be done in the candidate's present state: reload the page to see where it stands.")
	}
	return m.to, nil
}

// Live reports whether the candidate still counts towards the plan's places.
func (st CandidateStatus) Live() bool { return st == CandidateRegistered || st == CandidateAccepted }

// Result is the outcome of a candidate's assessment.
type Result string

// The results; "" means not yet recorded.
const (
	ResultPending Result = ""
	ResultPass    Result = "pass"
	ResultFail    Result = "fail"
	ResultAbsent  Result = "absent"
)

// Judge decides a result from the two scores (tenths of a point): a pass needs each part at or
// above its mark.
func Judge(theory, practical, passTheory, passPractical int) Result {
	if theory >= passTheory && practical >= passPractical {
		return ResultPass
	}
	return ResultFail
}

// Candidate is one person on a plan.
type Candidate struct {
	ID            int64
	PlanID        int64
	PersonID      int64
	Name          string
	IDNumber      IDNumber
	ClassID       int64 // the class they completed, whose teachers may not examine them
	Source        CandidateSource
	Status        CandidateStatus
	Reason        string
	Theory        int // tenths of a point; valid when Scored
	Practical     int
	Scored        bool
	Result        Result
	CertificateID int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	Version       int64
}

// ParseScore reads a score of 0–100 points with at most one decimal ("85", "85.5", full-width
// digits accepted) and returns it in tenths of a point.
func ParseScore(s string) (int, error) {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．':
			return '.'
		}
		return r
	}, s))
	bad := Errorf(Invalid, "score.invalid", "A score is a number from 0 to 100 with at most one decimal: %q is not.", s)
	whole, frac, dotted := strings.Cut(s, ".")
	if whole == "" || len(whole) > 3 || len(frac) > 1 || (dotted && frac == "") {
		return 0, bad
	}
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 || strings.ContainsAny(whole, "+-") {
		return 0, bad
	}
	f := 0
	if frac != "" {
		if frac[0] < '0' || frac[0] > '9' {
			return 0, bad
		}
		f = int(frac[0] - '0')
	}
	v := w*10 + f
	if v > 1000 {
		return 0, bad
	}
	return v, nil
}

// FormatScore shows a score kept in tenths: 855 → "85.5", 900 → "90".
func FormatScore(tenths int) string {
	if tenths%10 == 0 {
		return strconv.Itoa(tenths / 10)
	}
	return strconv.Itoa(tenths/10) + "." + strconv.Itoa(tenths%10)
}

// CheckReason checks a reason given for refusing or revoking something: 2–500 characters.
func CheckReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 2 || n > 500 {
		return reason, Errorf(Invalid, "reason.required", "Give a reason of 2 to 500 characters.")
	}
	return reason, nil
}
