package xiangpei

import (
	"fmt"
	"slices"
	"time"
)

// 零工市场 — the gig market (SPEC §7): day or hour gigs, quick sign-up, on-site check-in,
// completion with the wage confirmed by both sides, ratings both ways, and a confirmed wage
// left unpaid past its date turned into a complaint in one tap.

// Gig is one day or hour job.
type Gig struct {
	ID           int64
	EmployerID   int64
	EmployerName string
	Title        string
	Occupation   string
	Unit         SalaryUnit // PerDay or PerHour
	WageFen      int64      // per unit
	Units        int        // hours (PerHour) or days (PerDay) of the gig
	Date         time.Time  // the day of work (China date)
	PayBy        time.Time  // the last day the wage is due; zero: the day of work
	County       string
	Place        string
	Lat, Lng     float64
	Headcount    int
}

// Validate checks a gig before it is posted.
func (g Gig) Validate() error {
	switch {
	case g.Title == "":
		return Errorf(Invalid, "gig.title_missing", "The gig needs a title.")
	case g.Unit != PerDay && g.Unit != PerHour:
		return Errorf(Invalid, "gig.unit", "A gig is paid by the day or by the hour.")
	case g.WageFen <= 0 || g.Units <= 0:
		return Errorf(Invalid, "gig.wage", "Give the wage per unit and how many hours or days the gig lasts.")
	case g.Headcount < 1:
		return Errorf(Invalid, "gig.headcount", "The headcount must be at least 1.")
	case g.Date.IsZero() || len(g.County) != 6:
		return Errorf(Invalid, "gig.when_where", "Give the day and the county of the gig.")
	case !g.PayBy.IsZero() && civil(g.PayBy).Before(civil(g.Date)):
		return Errorf(Invalid, "gig.pay_by", "The wage cannot be due before the day of work.")
	}
	return nil
}

// WageDue is the last day the wage is due: PayBy, or the day of work.
func (g Gig) WageDue() time.Time {
	if g.PayBy.IsZero() {
		return civil(g.Date)
	}
	return civil(g.PayBy)
}

// TotalFen is the advertised wage of the whole gig.
func (g Gig) TotalFen() int64 { return g.WageFen * int64(g.Units) }

// GigStatus is the state of one worker's sign-up for a gig.
type GigStatus string

// The states of a sign-up.
const (
	GigSignedUp  GigStatus = "signed_up"
	GigCancelled GigStatus = "cancelled"       // the worker cancelled before check-in
	GigCheckedIn GigStatus = "checked_in"      // on site
	GigCompleted GigStatus = "completed"       // the wage confirmed by both sides
	GigPaid      GigStatus = "paid"            // the worker got the wage
	GigUnpaid    GigStatus = "unpaid_past_due" // confirmed, not paid by its due date
	GigComplaint GigStatus = "complaint"       // turned into a wage-arrears complaint
)

// GigStatuses lists the states in lifecycle order.
var GigStatuses = []GigStatus{GigSignedUp, GigCancelled, GigCheckedIn, GigCompleted, GigPaid, GigUnpaid, GigComplaint}

// Valid reports whether st is a known state.
func (st GigStatus) Valid() bool { return slices.Contains(GigStatuses, st) }

// GigAction is a move of a sign-up.
type GigAction string

// The actions on a sign-up.
const (
	GigCancel   GigAction = "cancel"   // worker: signed_up → cancelled
	GigCheckIn  GigAction = "check_in" // worker on site: signed_up → checked_in
	GigComplete GigAction = "complete" // system, once both confirmed the same wage: checked_in → completed
	GigPay      GigAction = "pay"      // employer marks paid, or the worker confirms receipt: completed, unpaid → paid
	GigOverdue  GigAction = "overdue"  // system, the day after the due date: completed → unpaid_past_due
	GigComplain GigAction = "complain" // worker, one tap: unpaid_past_due → complaint
)

// GigActions lists the actions.
var GigActions = []GigAction{GigCancel, GigCheckIn, GigComplete, GigPay, GigOverdue, GigComplain}

var gigMoves = map[GigAction]move[GigStatus]{
	GigCancel:   {[]GigStatus{GigSignedUp}, GigCancelled, []Party{PartyPerson}},
	GigCheckIn:  {[]GigStatus{GigSignedUp}, GigCheckedIn, []Party{PartyPerson}},
	GigComplete: {[]GigStatus{GigCheckedIn}, GigCompleted, []Party{PartySystem}},
	GigPay:      {[]GigStatus{GigCompleted, GigUnpaid}, GigPaid, []Party{PartyEmployer, PartyPerson}},
	GigOverdue:  {[]GigStatus{GigCompleted}, GigUnpaid, []Party{PartySystem}},
	GigComplain: {[]GigStatus{GigUnpaid}, GigComplaint, []Party{PartyPerson}},
}

// Next returns the state action a by party leads to from st.
func (st GigStatus) Next(a GigAction, by Party) (GigStatus, error) {
	return nextState(gigMoves, "gig", st, a, by)
}

// Done reports whether the work was done (completed or later): ratings are possible.
func (st GigStatus) Done() bool {
	return st == GigCompleted || st == GigPaid || st == GigUnpaid || st == GigComplaint
}

// GigSignup is one worker's sign-up for a gig.
type GigSignup struct {
	ID                   int64
	GigID                int64
	PersonID             int64
	Status               GigStatus
	CheckedInAt          time.Time
	WorkerConfirmedFen   int64 // the wage the worker confirms, 0 until then
	EmployerConfirmedFen int64 // the wage the employer confirms, 0 until then
	RatingOfEmployer     int   // 1–5 by the worker, 0 until given
	RatingOfWorker       int   // 1–5 by the employer, 0 until given
}

// ConfirmWage records the wage one side confirms for a checked-in sign-up. When both sides have
// confirmed the same amount the sign-up is completed; when they differ it stays checked in and
// the result is a Conflict, so that they settle it (or the worker complains).
func (s GigSignup) ConfirmWage(by Party, fen int64) (GigSignup, error) {
	if s.Status != GigCheckedIn {
		return s, Errorf(Conflict, "gig.wrong_state", "The wage can be confirmed only after check-in and before completion.")
	}
	if fen <= 0 {
		return s, Errorf(Invalid, "gig.wage_amount", "Give the wage earned.")
	}
	switch by {
	case PartyPerson:
		s.WorkerConfirmedFen = fen
	case PartyEmployer:
		s.EmployerConfirmedFen = fen
	default:
		return s, Errorf(Forbidden, "gig.not_yours", "Only the worker and the employer confirm the wage.")
	}
	if s.WorkerConfirmedFen == 0 || s.EmployerConfirmedFen == 0 {
		return s, nil
	}
	if s.WorkerConfirmedFen != s.EmployerConfirmedFen {
		return s, Errorf(Conflict, "gig.wage_differs", "The worker confirmed %s yuan and the employer %s yuan: the amounts must agree.",
			FormatFen(s.WorkerConfirmedFen), FormatFen(s.EmployerConfirmedFen))
	}
	next, err := s.Status.Next(GigComplete, PartySystem)
	if err != nil {
		return s, err
	}
	s.Status = next
	return s, nil
}

// WageFen is the wage both sides confirmed, 0 before completion.
func (s GigSignup) WageFen() int64 {
	if !s.Status.Done() {
		return 0
	}
	return s.WorkerConfirmedFen
}

// PastDue reports whether a completed sign-up's wage is unpaid past its due date at now: now
// is after the due day of the gig.
func (s GigSignup) PastDue(g Gig, now time.Time) bool {
	return s.Status == GigCompleted && civil(now).After(g.WageDue())
}

// Rate records a rating of 1 to 5 stars: the worker rates the employer, the employer the
// worker, each once and only after completion.
func (s GigSignup) Rate(by Party, stars int) (GigSignup, error) {
	if !s.Status.Done() {
		return s, Errorf(Conflict, "gig.rate_too_early", "A gig can be rated only after it is completed.")
	}
	if stars < 1 || stars > 5 {
		return s, Errorf(Invalid, "gig.rating_range", "A rating is 1 to 5 stars.")
	}
	var slot *int
	switch by {
	case PartyPerson:
		slot = &s.RatingOfEmployer
	case PartyEmployer:
		slot = &s.RatingOfWorker
	default:
		return s, Errorf(Forbidden, "gig.not_yours", "Only the worker and the employer rate a gig.")
	}
	if *slot != 0 {
		return s, Errorf(Conflict, "gig.rated", "This gig has already been rated by you.")
	}
	*slot = stars
	return s, nil
}

// OneTapComplaint pre-fills a wage-arrears complaint for a sign-up whose confirmed wage is
// unpaid past its date. It is a Conflict for a sign-up in any other state.
func OneTapComplaint(g Gig, s GigSignup) (ComplaintDraft, error) {
	if _, err := s.Status.Next(GigComplain, PartyPerson); err != nil {
		return ComplaintDraft{}, Errorf(Conflict, "gig.not_unpaid", "Only a confirmed wage unpaid past its date can become a complaint in one tap.")
	}
	date, due, amount := ChinaDate(g.Date), ChinaDate(g.WageDue()), FormatFen(s.WorkerConfirmedFen)
	return ComplaintDraft{
		Kind: ComplaintWageArrears, PersonID: s.PersonID, EmployerID: g.EmployerID, GigID: g.ID, SignupID: s.ID,
		AmountFen: s.WorkerConfirmedFen, County: g.County,
		FactsKey: "complaint.gig_unpaid_facts", FactsArgs: []any{date, g.Title, g.EmployerName, amount, due},
		Facts: fmt.Sprintf("On %s I worked the gig %q for %s. We both confirmed the wage of %s yuan, due by %s, and it has not been paid.",
			date, g.Title, g.EmployerName, amount, due),
	}, nil
}
