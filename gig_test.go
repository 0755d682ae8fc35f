package xiangpei

import (
	"strings"
	"testing"
)

func testGig(t *testing.T) Gig {
	return Gig{ID: 4, EmployerID: 2, EmployerName: "株洲某物流", Title: "仓库分拣", Unit: PerDay, WageFen: 20000, Units: 1,
		Date: day(t, "2026-12-05"), PayBy: day(t, "2026-12-07"), County: "430203", Headcount: 10}
}

func TestGigValidate(t *testing.T) {
	g := testGig(t)
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	if g.TotalFen() != 20000 || ChinaDate(g.WageDue()) != "2026-12-07" {
		t.Errorf("total %d, due %s", g.TotalFen(), ChinaDate(g.WageDue()))
	}
	g.PayBy = g.Date.AddDate(0, 0, -1)
	if err := g.Validate(); !IsKind(err, Invalid) {
		t.Errorf("due before the work: %v", err)
	}
	for name, f := range map[string]func(*Gig){
		"title": func(g *Gig) { g.Title = "" }, "unit": func(g *Gig) { g.Unit = PerMonth },
		"wage": func(g *Gig) { g.WageFen = 0 }, "units": func(g *Gig) { g.Units = 0 },
		"headcount": func(g *Gig) { g.Headcount = 0 }, "county": func(g *Gig) { g.County = "" },
	} {
		g := testGig(t)
		f(&g)
		if err := g.Validate(); !IsKind(err, Invalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The whole path: sign up, check in, both confirm, due date passes, one-tap complaint.
func TestGigWageAndComplaint(t *testing.T) {
	g := testGig(t)
	s := GigSignup{ID: 8, GigID: g.ID, PersonID: 6, Status: GigSignedUp}
	if _, err := s.ConfirmWage(PartyPerson, 20000); !IsKind(err, Conflict) {
		t.Errorf("confirm before check-in: %v", err)
	}
	var err error
	if s.Status, err = s.Status.Next(GigCheckIn, PartyPerson); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ConfirmWage(PartyOfficer, 20000); !IsKind(err, Forbidden) {
		t.Errorf("officer confirms: %v", err)
	}
	if _, err := s.ConfirmWage(PartyPerson, 0); !IsKind(err, Invalid) {
		t.Errorf("zero wage: %v", err)
	}
	if s, err = s.ConfirmWage(PartyPerson, 20000); err != nil || s.Status != GigCheckedIn || s.WageFen() != 0 {
		t.Fatalf("one side: %+v %v", s, err)
	}
	if _, err := s.ConfirmWage(PartyEmployer, 18000); !IsKind(err, Conflict) {
		t.Errorf("amounts differ: %v", err)
	}
	if s, err = s.ConfirmWage(PartyEmployer, 20000); err != nil || s.Status != GigCompleted || s.WageFen() != 20000 {
		t.Fatalf("both sides: %+v %v", s, err)
	}
	if _, err := OneTapComplaint(g, s); !IsKind(err, Conflict) {
		t.Errorf("complaint before the due date passed: %v", err)
	}
	if s.PastDue(g, day(t, "2026-12-07")) || !s.PastDue(g, day(t, "2026-12-08")) {
		t.Error("past due from the day after the due date")
	}
	if s.Status, err = s.Status.Next(GigOverdue, PartySystem); err != nil {
		t.Fatal(err)
	}
	d, err := OneTapComplaint(g, s)
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != ComplaintWageArrears || d.PersonID != 6 || d.EmployerID != 2 || d.GigID != 4 || d.SignupID != 8 || d.AmountFen != 20000 ||
		d.County != "430203" || !strings.Contains(d.Facts, "200.00") || !strings.Contains(d.Facts, "2026-12-07") || d.FactsKey == "" {
		t.Errorf("draft %+v", d)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("the draft does not validate: %v", err)
	}
	if s.Status, err = s.Status.Next(GigComplain, PartyPerson); err != nil || s.Status != GigComplaint {
		t.Errorf("complain: %s %v", s.Status, err)
	}
}

func TestGigRatings(t *testing.T) {
	s := GigSignup{Status: GigCheckedIn}
	if _, err := s.Rate(PartyPerson, 5); !IsKind(err, Conflict) {
		t.Errorf("rating before completion: %v", err)
	}
	s.Status = GigCompleted
	for _, bad := range []int{0, 6, -1} {
		if _, err := s.Rate(PartyPerson, bad); !IsKind(err, Invalid) {
			t.Errorf("%d stars: %v", bad, err)
		}
	}
	if _, err := s.Rate(PartyOfficer, 3); !IsKind(err, Forbidden) {
		t.Errorf("officer rates: %v", err)
	}
	s, err := s.Rate(PartyPerson, 4)
	if err != nil || s.RatingOfEmployer != 4 || s.RatingOfWorker != 0 {
		t.Fatalf("%+v %v", s, err)
	}
	if _, err := s.Rate(PartyPerson, 1); !IsKind(err, Conflict) {
		t.Errorf("second rating: %v", err)
	}
	if s, err = s.Rate(PartyEmployer, 5); err != nil || s.RatingOfWorker != 5 || s.RatingOfEmployer != 4 {
		t.Errorf("%+v %v", s, err)
	}
	for _, st := range GigStatuses {
		want := st == GigCompleted || st == GigPaid || st == GigUnpaid || st == GigComplaint
		if st.Done() != want {
			t.Errorf("%s done: %v", st, st.Done())
		}
	}
}
