package xiangpei

import (
	"slices"
	"time"
)

// 权益保障 — complaints (SPEC §7): wage arrears (欠薪), contract, injury and discrimination, with
// case states filed → accepted → investigating → mediated | referred → closed. Each open state
// has a deadline in working days (complaintDeadlines), counted with the working-day calendar
// from the moment the case entered the state.

// ComplaintKind is what a complaint is about.
type ComplaintKind string

// The kinds of complaint.
const (
	ComplaintWageArrears    ComplaintKind = "wage_arrears"   // 欠薪
	ComplaintContract       ComplaintKind = "contract"       // 劳动合同
	ComplaintInjury         ComplaintKind = "injury"         // 工伤
	ComplaintDiscrimination ComplaintKind = "discrimination" // 就业歧视
)

// ComplaintKinds lists the kinds.
var ComplaintKinds = []ComplaintKind{ComplaintWageArrears, ComplaintContract, ComplaintInjury, ComplaintDiscrimination}

// Valid reports whether k is a known kind.
func (k ComplaintKind) Valid() bool { return slices.Contains(ComplaintKinds, k) }

// ComplaintStatus is the state of a case.
type ComplaintStatus string

// The states of a case.
const (
	ComplaintFiled         ComplaintStatus = "filed"         // received, waiting for a first response
	ComplaintAccepted      ComplaintStatus = "accepted"      // 受理: taken up by an officer
	ComplaintInvestigating ComplaintStatus = "investigating" // 调查
	ComplaintMediated      ComplaintStatus = "mediated"      // 调解: an agreement, waiting to be carried out
	ComplaintReferred      ComplaintStatus = "referred"      // 移送: to labour inspection, arbitration or a court
	ComplaintClosed        ComplaintStatus = "closed"        // 结案
)

// ComplaintStatuses lists the states in lifecycle order.
var ComplaintStatuses = []ComplaintStatus{ComplaintFiled, ComplaintAccepted, ComplaintInvestigating, ComplaintMediated, ComplaintReferred, ComplaintClosed}

// Valid reports whether st is a known state.
func (st ComplaintStatus) Valid() bool { return slices.Contains(ComplaintStatuses, st) }

// ComplaintAction is a move of a case.
type ComplaintAction string

// The actions on a case. Every officer move needs the complaint duty.
const (
	ComplaintAccept      ComplaintAction = "accept"      // officer: filed → accepted (the first response)
	ComplaintDismiss     ComplaintAction = "dismiss"     // officer, with a reason (不予受理): filed → closed
	ComplaintInvestigate ComplaintAction = "investigate" // officer: accepted → investigating
	ComplaintMediate     ComplaintAction = "mediate"     // officer records an agreement: investigating → mediated
	ComplaintRefer       ComplaintAction = "refer"       // officer: investigating, mediated (agreement not kept) → referred
	ComplaintClose       ComplaintAction = "close"       // officer: mediated, referred → closed
	ComplaintWithdraw    ComplaintAction = "withdraw"    // the complainant: filed, accepted, investigating → closed
)

// ComplaintActions lists the actions.
var ComplaintActions = []ComplaintAction{ComplaintAccept, ComplaintDismiss, ComplaintInvestigate, ComplaintMediate, ComplaintRefer, ComplaintClose, ComplaintWithdraw}

var complaintMoves = map[ComplaintAction]move[ComplaintStatus]{
	ComplaintAccept:      {[]ComplaintStatus{ComplaintFiled}, ComplaintAccepted, []Party{PartyOfficer}},
	ComplaintDismiss:     {[]ComplaintStatus{ComplaintFiled}, ComplaintClosed, []Party{PartyOfficer}},
	ComplaintInvestigate: {[]ComplaintStatus{ComplaintAccepted}, ComplaintInvestigating, []Party{PartyOfficer}},
	ComplaintMediate:     {[]ComplaintStatus{ComplaintInvestigating}, ComplaintMediated, []Party{PartyOfficer}},
	ComplaintRefer:       {[]ComplaintStatus{ComplaintInvestigating, ComplaintMediated}, ComplaintReferred, []Party{PartyOfficer}},
	ComplaintClose:       {[]ComplaintStatus{ComplaintMediated, ComplaintReferred}, ComplaintClosed, []Party{PartyOfficer}},
	ComplaintWithdraw:    {[]ComplaintStatus{ComplaintFiled, ComplaintAccepted, ComplaintInvestigating}, ComplaintClosed, []Party{PartyPerson}},
}

// Next returns the state action a by party leads to from st.
func (st ComplaintStatus) Next(a ComplaintAction, by Party) (ComplaintStatus, error) {
	return nextState(complaintMoves, "complaint", st, a, by)
}

// ComplaintDeadline is how long a case may stay in a state, in working days, and why.
type ComplaintDeadline struct {
	Status   ComplaintStatus
	Workdays int
	Basis    string
}

// ComplaintDeadlines is the deadline table: working days from entering the state to leaving
// it. Closed has none.
var ComplaintDeadlines = []ComplaintDeadline{
	{ComplaintFiled, 3, "first response (SPEC §8 default): accept or dismiss with a reason"},
	{ComplaintAccepted, 5, "start the investigation (劳动保障监察条例 art. 14: 5 working days to 立案)"},
	{ComplaintInvestigating, 60, "finish the investigation: mediate or refer (劳动保障监察条例 art. 17: 60 working days)"},
	{ComplaintMediated, 15, "the agreement is carried out, or the case is referred"},
	{ComplaintReferred, 10, "the receiving body confirms it has the case; then close"},
}

// DeadlineDays returns the working days a case may stay in st; ok is false for closed.
func (st ComplaintStatus) DeadlineDays() (int, bool) {
	for _, d := range ComplaintDeadlines {
		if d.Status == st {
			return d.Workdays, true
		}
	}
	return 0, false
}

// Complaint is one case.
type Complaint struct {
	ID         int64
	Kind       ComplaintKind
	PersonID   int64
	EmployerID int64
	CreditCode string
	GigID      int64 // set when it came from an unpaid gig
	SignupID   int64
	PostingID  int64
	AmountFen  int64 // the wage claimed, for wage arrears
	Facts      string
	County     string
	Status     ComplaintStatus
	EnteredAt  time.Time // when it entered its present state
	FiledAt    time.Time
}

// Countdown is where a case stands against its deadline.
type Countdown struct {
	Due      time.Time // the last working day of the step
	Left     int       // working days left after today (0: due today; negative: late by that many)
	Overdue  bool
	Deadline bool // false when the state has no deadline
}

// CountdownFor tells how long a case that entered st at entered has left at now, by the
// calendar: due is the Workdays-th working day after entered; it is overdue from the day after
// due.
func CountdownFor(cal Calendar, st ComplaintStatus, entered, now time.Time) Countdown {
	days, ok := st.DeadlineDays()
	if !ok {
		return Countdown{}
	}
	due := civil(cal.AddWorkdays(entered, days))
	return Countdown{Due: due, Left: cal.WorkdaysBetween(now, due), Overdue: civil(now).After(due), Deadline: true}
}

// ComplaintDraft is a complaint pre-filled for the person to send in one tap.
type ComplaintDraft struct {
	Kind       ComplaintKind
	PersonID   int64
	EmployerID int64
	GigID      int64
	SignupID   int64
	AmountFen  int64
	County     string
	Facts      string // pre-filled statement the person may edit
	FactsKey   string // message key of the statement, with FactsArgs
	FactsArgs  []any
}

// Validate checks a draft before it is filed.
func (d ComplaintDraft) Validate() error {
	switch {
	case !d.Kind.Valid():
		return Errorf(Invalid, "complaint.kind", "Choose what the complaint is about.")
	case d.PersonID == 0:
		return Errorf(Invalid, "complaint.person_missing", "A complaint needs the person who files it.")
	case d.Facts == "":
		return Errorf(Invalid, "complaint.facts_missing", "Say what happened.")
	case d.Kind == ComplaintWageArrears && d.AmountFen <= 0:
		return Errorf(Invalid, "complaint.amount_missing", "Give the wage that is owed.")
	}
	return nil
}
