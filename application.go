package xiangpei

import (
	"slices"
	"time"
)

// 投递 — applications for a posting (SPEC §7): applied → viewed → interview → offered → hired,
// with rejected (by the employer) and withdrawn (by the person) as the other ends. The
// employer moves an application forward or rejects it; the person may withdraw it at any
// point before the hire. A hire yields an employment record (就业登记) built by Hire.

// ApplicationStatus is the state of an application.
type ApplicationStatus string

// The states of an application.
const (
	AppApplied   ApplicationStatus = "applied"
	AppViewed    ApplicationStatus = "viewed"
	AppInterview ApplicationStatus = "interview"
	AppOffered   ApplicationStatus = "offered"
	AppHired     ApplicationStatus = "hired"
	AppRejected  ApplicationStatus = "rejected"
	AppWithdrawn ApplicationStatus = "withdrawn"
)

// ApplicationStatuses lists the states in lifecycle order.
var ApplicationStatuses = []ApplicationStatus{AppApplied, AppViewed, AppInterview, AppOffered, AppHired, AppRejected, AppWithdrawn}

// Valid reports whether st is a known state.
func (st ApplicationStatus) Valid() bool { return slices.Contains(ApplicationStatuses, st) }

// Final reports whether nothing more can happen to an application in this state.
func (st ApplicationStatus) Final() bool {
	return st == AppHired || st == AppRejected || st == AppWithdrawn
}

// ApplicationAction is a move of an application.
type ApplicationAction string

// The actions on an application.
const (
	AppView     ApplicationAction = "view"      // employer opens it: applied → viewed
	AppInvite   ApplicationAction = "interview" // employer invites: applied, viewed → interview
	AppOffer    ApplicationAction = "offer"     // employer offers: viewed, interview → offered
	AppHire     ApplicationAction = "hire"      // employer confirms the hire: offered → hired
	AppReject   ApplicationAction = "reject"    // employer: applied, viewed, interview, offered → rejected
	AppWithdraw ApplicationAction = "withdraw"  // person: any state before hired → withdrawn
)

var applicationMoves = map[ApplicationAction]move[ApplicationStatus]{
	AppView:     {[]ApplicationStatus{AppApplied}, AppViewed, []Party{PartyEmployer}},
	AppInvite:   {[]ApplicationStatus{AppApplied, AppViewed}, AppInterview, []Party{PartyEmployer}},
	AppOffer:    {[]ApplicationStatus{AppViewed, AppInterview}, AppOffered, []Party{PartyEmployer}},
	AppHire:     {[]ApplicationStatus{AppOffered}, AppHired, []Party{PartyEmployer}},
	AppReject:   {[]ApplicationStatus{AppApplied, AppViewed, AppInterview, AppOffered}, AppRejected, []Party{PartyEmployer}},
	AppWithdraw: {[]ApplicationStatus{AppApplied, AppViewed, AppInterview, AppOffered}, AppWithdrawn, []Party{PartyPerson}},
}

// ApplicationActions lists the actions.
var ApplicationActions = []ApplicationAction{AppView, AppInvite, AppOffer, AppHire, AppReject, AppWithdraw}

// Next returns the state action a by party leads to from st.
func (st ApplicationStatus) Next(a ApplicationAction, by Party) (ApplicationStatus, error) {
	return nextState(applicationMoves, "application", st, a, by)
}

// Application is one person's application for one posting.
type Application struct {
	ID        int64
	PostingID int64
	PersonID  int64
	Status    ApplicationStatus
	AppliedAt time.Time
	UpdatedAt time.Time
}

// Hire returns the employment record a hire creates: the person, the posting's employer and
// occupation, source hire, starting on startsOn, full-time when the posting is, verified
// (the employer confirmed it). It is an error unless the application is offered.
func (a Application) Hire(p JobPosting, startsOn time.Time) (EmploymentRecord, error) {
	if _, err := a.Status.Next(AppHire, PartyEmployer); err != nil {
		return EmploymentRecord{}, err
	}
	if startsOn.IsZero() {
		return EmploymentRecord{}, Errorf(Invalid, "application.start_missing", "Give the first day of work.")
	}
	return EmploymentRecord{
		PersonID: a.PersonID, EmployerID: p.EmployerID, EmployerName: p.EmployerName, CreditCode: p.CreditCode,
		Occupation: p.Occupation, County: p.County, Source: EmploymentHire, ApplicationID: a.ID,
		StartsOn: civil(startsOn), FullTime: p.WorkType == FullTime, Verified: true,
	}, nil
}
