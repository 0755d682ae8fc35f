package xiangpei

import (
	"testing"
	"time"
)

var allParties = []Party{PartyPerson, PartyEmployer, PartyOfficer, PartySystem}

// machineCase is the expected table of one machine: for each action, the party that may make
// it and the moves it makes.
type machineCase[S ~string] struct {
	by    []Party
	moves map[S]S
}

// checkMachine tries every action from every state by every party: the listed moves succeed,
// another party is Forbidden, another state a Conflict that leaves the state alone, and an
// unknown action Invalid.
func checkMachine[S ~string, A ~string](t *testing.T, states []S, want map[A]machineCase[S], next func(S, A, Party) (S, error)) {
	t.Helper()
	tried := 0
	for a, c := range want {
		for _, st := range states {
			for _, p := range allParties {
				got, err := next(st, a, p)
				to, ok := c.moves[st]
				allowed := false
				for _, q := range c.by {
					allowed = allowed || q == p
				}
				tried++
				switch {
				case !allowed:
					if !IsKind(err, Forbidden) || got != st {
						t.Errorf("%s from %s by %s: got %s, %v; want forbidden", a, st, p, got, err)
					}
				case ok:
					if err != nil || got != to {
						t.Errorf("%s from %s by %s: got %s, %v; want %s", a, st, p, got, err, to)
					}
				default:
					if !IsKind(err, Conflict) || got != st {
						t.Errorf("%s from %s by %s: got %s, %v; want a conflict", a, st, p, got, err)
					}
				}
			}
		}
	}
	if _, err := next(states[0], A("delete"), PartyOfficer); !IsKind(err, Invalid) {
		t.Errorf("unknown action: %v", err)
	}
	if tried == 0 {
		t.Fatal("nothing tried")
	}
}

func TestPostingMoves(t *testing.T) {
	want := map[PostingAction]machineCase[PostingStatus]{
		PostingPublish: {[]Party{PartySystem}, map[PostingStatus]PostingStatus{PostingDraft: PostingPublished}},
		PostingRefer:   {[]Party{PartySystem}, map[PostingStatus]PostingStatus{PostingDraft: PostingPending}},
		PostingApprove: {[]Party{PartyOfficer}, map[PostingStatus]PostingStatus{PostingPending: PostingPublished}},
		PostingReturn:  {[]Party{PartyOfficer}, map[PostingStatus]PostingStatus{PostingPending: PostingDraft}},
		PostingClose:   {[]Party{PartyEmployer, PartyOfficer}, map[PostingStatus]PostingStatus{PostingPublished: PostingClosed}},
		PostingExpire:  {[]Party{PartySystem}, map[PostingStatus]PostingStatus{PostingPublished: PostingExpired}},
		PostingRelist:  {[]Party{PartyEmployer}, map[PostingStatus]PostingStatus{PostingClosed: PostingDraft, PostingExpired: PostingDraft}},
	}
	if len(want) != len(postingMoves) {
		t.Fatalf("the test knows %d actions, the machine %d", len(want), len(postingMoves))
	}
	checkMachine(t, PostingStatuses, want, PostingStatus.Next)
	for _, st := range PostingStatuses {
		if st.TakesApplications() != (st == PostingPublished) {
			t.Errorf("%s takes applications: %v", st, st.TakesApplications())
		}
	}
}

func TestApplicationMoves(t *testing.T) {
	emp := []Party{PartyEmployer}
	want := map[ApplicationAction]machineCase[ApplicationStatus]{
		AppView:     {emp, map[ApplicationStatus]ApplicationStatus{AppApplied: AppViewed}},
		AppInvite:   {emp, map[ApplicationStatus]ApplicationStatus{AppApplied: AppInterview, AppViewed: AppInterview}},
		AppOffer:    {emp, map[ApplicationStatus]ApplicationStatus{AppViewed: AppOffered, AppInterview: AppOffered}},
		AppHire:     {emp, map[ApplicationStatus]ApplicationStatus{AppOffered: AppHired}},
		AppReject:   {emp, map[ApplicationStatus]ApplicationStatus{AppApplied: AppRejected, AppViewed: AppRejected, AppInterview: AppRejected, AppOffered: AppRejected}},
		AppWithdraw: {[]Party{PartyPerson}, map[ApplicationStatus]ApplicationStatus{AppApplied: AppWithdrawn, AppViewed: AppWithdrawn, AppInterview: AppWithdrawn, AppOffered: AppWithdrawn}},
	}
	if len(want) != len(applicationMoves) || len(ApplicationActions) != len(applicationMoves) {
		t.Fatalf("the test knows %d actions, the machine %d", len(want), len(applicationMoves))
	}
	checkMachine(t, ApplicationStatuses, want, ApplicationStatus.Next)
	// Nothing leaves a final state, whoever tries.
	for _, st := range ApplicationStatuses {
		if !st.Final() {
			continue
		}
		for _, a := range ApplicationActions {
			for _, p := range allParties {
				if _, err := st.Next(a, p); err == nil {
					t.Errorf("%s left final state %s by %s", a, st, p)
				}
			}
		}
	}
}

func TestApplicationHire(t *testing.T) {
	p := JobPosting{ID: 7, EmployerID: 3, EmployerName: "株洲某机车厂", CreditCode: "91430200MA4L000000", Occupation: "6-20-01-01",
		County: "430211", WorkType: FullTime}
	start := day(t, "2026-12-01")
	rec, err := Application{ID: 9, PersonID: 5, Status: AppOffered}.Hire(p, start)
	if err != nil {
		t.Fatal(err)
	}
	if rec.PersonID != 5 || rec.EmployerID != 3 || rec.Source != EmploymentHire || !rec.Verified || !rec.FullTime ||
		rec.ApplicationID != 9 || rec.Occupation != p.Occupation || ChinaDate(rec.StartsOn) != "2026-12-01" || rec.CreditCode != p.CreditCode {
		t.Errorf("record %+v", rec)
	}
	if err := rec.Validate(); err != nil {
		t.Errorf("a hire's record does not validate: %v", err)
	}
	for _, st := range ApplicationStatuses {
		if st == AppOffered {
			continue
		}
		if _, err := (Application{Status: st}).Hire(p, start); !IsKind(err, Conflict) {
			t.Errorf("hire from %s: %v", st, err)
		}
	}
	if _, err := (Application{Status: AppOffered}).Hire(p, time.Time{}); !IsKind(err, Invalid) {
		t.Errorf("hire without a start: %v", err)
	}
	p.WorkType = PartTime
	if rec, _ := (Application{Status: AppOffered}).Hire(p, start); rec.FullTime {
		t.Error("a part-time hire is recorded as full-time")
	}
}

func TestGigMoves(t *testing.T) {
	want := map[GigAction]machineCase[GigStatus]{
		GigCancel:   {[]Party{PartyPerson}, map[GigStatus]GigStatus{GigSignedUp: GigCancelled}},
		GigCheckIn:  {[]Party{PartyPerson}, map[GigStatus]GigStatus{GigSignedUp: GigCheckedIn}},
		GigComplete: {[]Party{PartySystem}, map[GigStatus]GigStatus{GigCheckedIn: GigCompleted}},
		GigPay:      {[]Party{PartyEmployer, PartyPerson}, map[GigStatus]GigStatus{GigCompleted: GigPaid, GigUnpaid: GigPaid}},
		GigOverdue:  {[]Party{PartySystem}, map[GigStatus]GigStatus{GigCompleted: GigUnpaid}},
		GigComplain: {[]Party{PartyPerson}, map[GigStatus]GigStatus{GigUnpaid: GigComplaint}},
	}
	if len(want) != len(gigMoves) || len(GigActions) != len(gigMoves) {
		t.Fatalf("the test knows %d actions, the machine %d", len(want), len(gigMoves))
	}
	checkMachine(t, GigStatuses, want, GigStatus.Next)
}

func TestComplaintMoves(t *testing.T) {
	off := []Party{PartyOfficer}
	want := map[ComplaintAction]machineCase[ComplaintStatus]{
		ComplaintAccept:      {off, map[ComplaintStatus]ComplaintStatus{ComplaintFiled: ComplaintAccepted}},
		ComplaintDismiss:     {off, map[ComplaintStatus]ComplaintStatus{ComplaintFiled: ComplaintClosed}},
		ComplaintInvestigate: {off, map[ComplaintStatus]ComplaintStatus{ComplaintAccepted: ComplaintInvestigating}},
		ComplaintMediate:     {off, map[ComplaintStatus]ComplaintStatus{ComplaintInvestigating: ComplaintMediated}},
		ComplaintRefer:       {off, map[ComplaintStatus]ComplaintStatus{ComplaintInvestigating: ComplaintReferred, ComplaintMediated: ComplaintReferred}},
		ComplaintClose:       {off, map[ComplaintStatus]ComplaintStatus{ComplaintMediated: ComplaintClosed, ComplaintReferred: ComplaintClosed}},
		ComplaintWithdraw: {[]Party{PartyPerson}, map[ComplaintStatus]ComplaintStatus{ComplaintFiled: ComplaintClosed,
			ComplaintAccepted: ComplaintClosed, ComplaintInvestigating: ComplaintClosed}},
	}
	if len(want) != len(complaintMoves) || len(ComplaintActions) != len(complaintMoves) {
		t.Fatalf("the test knows %d actions, the machine %d", len(want), len(complaintMoves))
	}
	checkMachine(t, ComplaintStatuses, want, ComplaintStatus.Next)
	// Every state but closed has a deadline; the first response is SPEC §8's 3 working days.
	for _, st := range ComplaintStatuses {
		d, ok := st.DeadlineDays()
		if ok != (st != ComplaintClosed) || (ok && d <= 0) {
			t.Errorf("%s: deadline %d, %v", st, d, ok)
		}
	}
	if d, _ := ComplaintFiled.DeadlineDays(); d != 3 {
		t.Errorf("first response: %d working days, want 3", d)
	}
}
