package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// gigIn is a day gig in 芦淞区 on the world's first day (Monday 2 November 2026), wage due
// two days later, at a place with coordinates.
func gigIn(x *jobWorld, title string, wageYuan int64, headcount int) store.GigInput {
	day := x.w.Now()
	return store.GigInput{Title: title, Description: "仓库分拣，管午饭", Unit: xiangpei.PerDay, WageFen: wageYuan * 100, Units: 1,
		Date: day, PayBy: day.AddDate(0, 0, 2), County: "430203", Place: "芦淞区物流园", Lat: 27.785, Lng: 113.155, Headcount: headcount}
}

func postGig(t *testing.T, x *jobWorld, a xiangpei.Actor, in store.GigInput) (store.GigPosting, error) {
	t.Helper()
	return crDo(t, x.w.DB, a, func(tx *store.Tx) (store.GigPosting, error) { return tx.PostGig(a.Scope(), in) })
}

func signUp(t *testing.T, x *jobWorld, a xiangpei.Actor, gigID int64) (store.GigSignupRow, error) {
	t.Helper()
	return crDo(t, x.w.DB, a, func(tx *store.Tx) (store.GigSignupRow, error) { return tx.SignUpGig(a.Scope(), gigID) })
}

func moveGig(t *testing.T, x *jobWorld, a xiangpei.Actor, u store.GigSignupRow, m store.GigMove) (store.GigSignupRow, error) {
	t.Helper()
	return crDo(t, x.w.DB, a, func(tx *store.Tx) (store.GigSignupRow, error) { return tx.MoveGigSignup(a.Scope(), u.ID, u.Version, m) })
}

// TestGigPosting: only a verified employer without open arrears posts; the gig validates, the
// wage reaches the minimum wage per day and per hour, the word list applies to the title and
// description; each refusal writes nothing.
func TestGigPosting(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			_, err := postGig(t, x, x.waitsA, gigIn(x, "分拣", 200, 2))
			wantKind(t, "unverified employer", err, xiangpei.Conflict, "gig.code_unconfirmed")
			_, err = postGig(t, x, x.personA, gigIn(x, "分拣", 200, 2))
			wantKind(t, "a person posts", err, xiangpei.Forbidden, "job.employer_only")
			bad := gigIn(x, "", 200, 2)
			_, err = postGig(t, x, x.empA, bad)
			wantKind(t, "no title", err, xiangpei.Invalid, "gig.title_missing")
			_, err = postGig(t, x, x.empA, gigIn(x, "分拣", 50, 2))
			wantKind(t, "50 yuan a day", err, xiangpei.Invalid, "gig.wage_below_minimum_day")
			hour := gigIn(x, "分拣", 10, 2)
			hour.Unit, hour.Units = xiangpei.PerHour, 4
			_, err = postGig(t, x, x.empA, hour)
			wantKind(t, "10 yuan an hour", err, xiangpei.Invalid, "gig.wage_below_minimum_hour")
			words := gigIn(x, "分拣", 200, 2)
			words.Description = "限男性，上岗先交押金200元"
			_, err = postGig(t, x, x.empA, words)
			if e, ok := err.(*xiangpei.Error); !ok || e.Kind != xiangpei.Invalid || !strings.HasPrefix(e.Key, "posting_check.words_") {
				t.Errorf("discriminatory words: %v", err)
			}
			past := gigIn(x, "分拣", 200, 2)
			past.Date, past.PayBy = past.Date.AddDate(0, 0, -1), time.Time{}
			_, err = postGig(t, x, x.empA, past)
			wantKind(t, "yesterday", err, xiangpei.Invalid, "gig.day_past")
			if list, total, err := db.Gigs(ctx, x.empA.Scope(), store.Page{}); err != nil || total != 0 || len(list) != 0 {
				t.Fatalf("refusals wrote gigs: %d %v", total, err)
			}
			g, err := postGig(t, x, x.empA, gigIn(x, "仓库分拣", 200, 2))
			if err != nil || g.Status != "open" || g.EmployerName != "天元制造有限公司" || xiangpei.ChinaDate(g.WageDue()) != "2026-11-04" {
				t.Fatalf("post: %v %+v", err, g)
			}
			if _, err := db.Gig(ctx, x.otherA.Scope(), g.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another employer reads the gig: %v", err)
			}
			if _, err := db.PublicGig(ctx, g.ID); err != nil {
				t.Errorf("public: %v", err)
			}
			// An open wage-arrears complaint blocks new gigs.
			if _, err := fileComplaint(t, x, x.personA, store.ComplaintInput{Kind: xiangpei.ComplaintWageArrears, CreditCode: string(x.emp.CreditCode),
				AmountFen: 30000, Facts: "欠薪"}); err != nil {
				t.Fatal(err)
			}
			_, err = postGig(t, x, x.empA, gigIn(x, "仓库分拣", 200, 2))
			wantKind(t, "open arrears", err, xiangpei.Conflict, "complaint.open_arrears")
		})
	}
}

// TestGigPublicList: sorted by distance from a point, a gig without coordinates counting from
// its county's centre; filtered by county and day; past days are not shown.
func TestGigPublicList(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			near := gigIn(x, "芦淞分拣", 200, 2)
			far := gigIn(x, "醴陵搬运", 200, 2)
			far.County, far.Lat, far.Lng = "430281", 27.646, 113.497
			nowhere := gigIn(x, "天元装卸", 200, 2)
			nowhere.County, nowhere.Lat, nowhere.Lng = "430211", 0, 0
			nowhere.Date = nowhere.Date.AddDate(0, 0, 3)
			nowhere.PayBy = time.Time{}
			for _, in := range []store.GigInput{far, nowhere, near} {
				if _, err := postGig(t, x, x.empA, in); err != nil {
					t.Fatal(err)
				}
			}
			list, total, err := db.PublicGigs(ctx, store.GigFilter{Lat: 27.79, Lng: 113.15, HasPoint: true}, store.Page{})
			if err != nil || total != 3 {
				t.Fatalf("list: %d %v", total, err)
			}
			var titles []string
			for _, g := range list {
				titles = append(titles, fmt.Sprintf("%s %.1f", g.Title, g.DistanceKm))
			}
			if got := strings.Join(titles, ", "); got != "芦淞分拣 0.7, 天元装卸 7.9, 醴陵搬运 37.7" {
				t.Errorf("by distance: %s", got)
			}
			if _, total, _ := db.PublicGigs(ctx, store.GigFilter{County: "430281"}, store.Page{}); total != 1 {
				t.Errorf("by county: %d", total)
			}
			if _, total, _ := db.PublicGigs(ctx, store.GigFilter{From: x.w.Now().AddDate(0, 0, 1)}, store.Page{}); total != 1 {
				t.Errorf("from tomorrow: %d", total)
			}
			if _, total, _ := db.PublicGigs(ctx, store.GigFilter{To: x.w.Now()}, store.Page{}); total != 2 {
				t.Errorf("today only: %d", total)
			}
			x.w.Clock.Add(48 * time.Hour)
			if _, total, _ := db.PublicGigs(ctx, store.GigFilter{}, store.Page{}); total != 1 {
				t.Errorf("two days on, the past gigs are gone: %d", total)
			}
		})
	}
}

// TestGigSignupRace: eight persons sign up for a gig of three places at once; exactly three
// win, the others are told it is full, and the count of places matches the sign-ups.
func TestGigSignupRace(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			g, err := postGig(t, x, x.empA, gigIn(x, "抢单分拣", 200, 3))
			if err != nil {
				t.Fatal(err)
			}
			var actors []xiangpei.Actor
			if _, err := crDo(t, db, x.w.Admin, func(tx *store.Tx) (int, error) {
				for i := range 8 {
					id17 := fmt.Sprintf("43020319900%d01%03d", i+1, jobSeq%1000)
					p, err := xiangpei.PersonInput{IDNumber: id17 + string(xiangpei.IDCheckDigit(id17)), Name: "工人" + []string{"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"}[i],
						Phone: fmt.Sprintf("1370%03d%04d", jobSeq%1000, i), Household: "rural", County: "430203"}.Validate(tx.Now, func(string) bool { return true })
					if err != nil {
						return 0, err
					}
					if p, err = tx.CreatePerson(p); err != nil {
						return 0, err
					}
					actors = append(actors, xiangpei.Actor{AccountID: int64(900 + i), Role: xiangpei.RolePerson, PersonID: p.ID})
				}
				return 0, nil
			}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make([]error, len(actors))
			for i, a := range actors {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = store.Do(ctx, db, a, func(tx *store.Tx) (store.GigSignupRow, error) { return tx.SignUpGig(a.Scope(), g.ID) })
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case xiangpei.IsKind(err, xiangpei.Conflict):
				default:
					t.Errorf("unexpected: %v", err)
				}
			}
			g, _ = db.PublicGig(ctx, g.ID)
			_, total, _ := db.GigSignups(ctx, x.empA.Scope(), store.GigSignupFilter{GigID: g.ID}, store.Page{})
			if won != 3 || g.Taken != 3 || total != 3 || g.Left() != 0 {
				t.Fatalf("won %d, taken %d, sign-ups %d", won, g.Taken, total)
			}
		})
	}
}

// TestGigSignupLifecycle: sign up, cancel (freeing the place), sign up again, check in (not far
// away, not the wrong day), both confirm (different amounts refused), the due day passes and
// the sign-up reads as unpaid; the one-tap complaint files a wage-arrears case linked to the
// sign-up, in the gig's county, which the complaint officer handles to closure; ratings both
// ways, seen by employers with the worker's ID number masked.
func TestGigSignupLifecycle(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			g, err := postGig(t, x, x.empA, gigIn(x, "仓库分拣", 200, 1))
			if err != nil {
				t.Fatal(err)
			}
			_, err = signUp(t, x, x.empA, g.ID)
			wantKind(t, "employer signs up", err, xiangpei.Forbidden, "gig.person_only")
			u, err := signUp(t, x, x.personA, g.ID)
			if err != nil || u.Status != xiangpei.GigSignedUp {
				t.Fatalf("sign up: %v %+v", err, u)
			}
			_, err = signUp(t, x, x.personA, g.ID)
			wantKind(t, "twice", err, xiangpei.Conflict, "gig.signed_up")
			_, err = signUp(t, x, x.person2A, g.ID)
			wantKind(t, "full", err, xiangpei.Conflict, "gig.full")
			if _, err := db.GigSignup(ctx, x.person2A.Scope(), u.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another person reads the sign-up: %v", err)
			}
			if _, err := db.GigSignup(ctx, x.otherA.Scope(), u.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another employer reads the sign-up: %v", err)
			}
			if u, err = moveGig(t, x, x.personA, u, store.GigMove{Action: "cancel"}); err != nil || u.Status != xiangpei.GigCancelled {
				t.Fatalf("cancel: %v", err)
			}
			if g, _ = db.PublicGig(ctx, g.ID); g.Taken != 0 {
				t.Fatalf("the place is not freed: %d", g.Taken)
			}
			u, err = signUp(t, x, x.personA, g.ID)
			if err != nil {
				t.Fatalf("sign up again: %v", err)
			}
			_, err = moveGig(t, x, x.personA, u, store.GigMove{Action: "check_in", Lat: 27.80, Lng: 113.155, HasPos: true})
			wantKind(t, "1.7 km away", err, xiangpei.Conflict, "gig.checkin_far")
			_, err = moveGig(t, x, x.personA, u, store.GigMove{Action: "confirm", Fen: 20000})
			wantKind(t, "confirm before check-in", err, xiangpei.Conflict, "gig.wrong_state")
			_, err = moveGig(t, x, x.empA, u, store.GigMove{Action: "check_in", Lat: 27.785, Lng: 113.155, HasPos: true})
			wantKind(t, "employer checks in", err, xiangpei.Forbidden, "gig.not_yours")
			if u, err = moveGig(t, x, x.personA, u, store.GigMove{Action: "check_in", Lat: 27.7852, Lng: 113.1551, HasPos: true}); err != nil ||
				u.Status != xiangpei.GigCheckedIn || u.CheckMetres > 50 || u.CheckedInAt.IsZero() {
				t.Fatalf("check in: %v %+v", err, u)
			}
			if u, err = moveGig(t, x, x.personA, u, store.GigMove{Action: "confirm", Fen: 20000}); err != nil || u.Status != xiangpei.GigCheckedIn {
				t.Fatalf("worker confirms: %v", err)
			}
			_, err = moveGig(t, x, x.empA, u, store.GigMove{Action: "confirm", Fen: 18000})
			wantKind(t, "amounts differ", err, xiangpei.Conflict, "gig.wage_differs")
			if again, _ := db.GigSignup(ctx, x.empA.Scope(), u.ID); again.EmployerConfirmedFen != 0 || again.Version != u.Version {
				t.Fatalf("a refused confirmation was written: %+v", again)
			}
			if u, err = moveGig(t, x, x.empA, u, store.GigMove{Action: "confirm", Fen: 20000}); err != nil || u.Status != xiangpei.GigCompleted || u.WageFen() != 20000 {
				t.Fatalf("employer confirms: %v %+v", err, u)
			}
			_, _, err = crDo2(t, x, x.personA, u)
			wantKind(t, "complaint before the due day", err, xiangpei.Conflict, "gig.not_unpaid")
			if u, err = moveGig(t, x, x.personA, u, store.GigMove{Action: "rate", Stars: 2}); err != nil || u.RatingOfEmployer != 2 {
				t.Fatalf("worker rates: %v", err)
			}
			if u, err = moveGig(t, x, x.empA, u, store.GigMove{Action: "rate", Stars: 5}); err != nil || u.RatingOfWorker != 5 {
				t.Fatalf("employer rates: %v", err)
			}
			_, err = moveGig(t, x, x.empA, u, store.GigMove{Action: "rate", Stars: 4})
			wantKind(t, "rated twice", err, xiangpei.Conflict, "gig.rated")

			// Wage due 11-04; on 11-05 it reads as unpaid past due, and lists filter by it.
			x.w.Clock.Add(3 * 24 * time.Hour)
			u, _ = db.GigSignup(ctx, x.personA.Scope(), u.ID)
			if u.Status != xiangpei.GigUnpaid {
				t.Fatalf("past due reads %s", u.Status)
			}
			if _, n, _ := db.GigSignups(ctx, x.empA.Scope(), store.GigSignupFilter{Status: xiangpei.GigUnpaid}, store.Page{}); n != 1 {
				t.Errorf("unpaid filter: %d", n)
			}
			if _, n, _ := db.GigSignups(ctx, x.empA.Scope(), store.GigSignupFilter{Status: xiangpei.GigCompleted}, store.Page{}); n != 0 {
				t.Errorf("completed filter: %d", n)
			}
			seen, err := db.GigSignup(ctx, x.empA.Scope(), u.ID)
			if err != nil || seen.MaskedID == string(x.persons[0].IDNumber) || !strings.Contains(seen.MaskedID, "*") || seen.WorkerRating != 5 {
				t.Fatalf("employer's view: %v %+v", err, seen)
			}
			if g, _ = db.PublicGig(ctx, g.ID); g.EmployerRating != 2 || g.EmployerRatings != 1 {
				t.Errorf("employer rating: %v (%d)", g.EmployerRating, g.EmployerRatings)
			}
			_, _, err = crDo2(t, x, x.person2A, u)
			wantKind(t, "another person complains", err, xiangpei.NotFound, "")
			u, cid, err := crDo2(t, x, x.personA, u)
			if err != nil || u.Status != xiangpei.GigComplaint || u.ComplaintID != cid || cid == 0 {
				t.Fatalf("one-tap complaint: %v %+v", err, u)
			}
			if gid, sid, err := db.GigOfComplaint(ctx, cid); err != nil || gid != g.ID || sid != u.ID {
				t.Errorf("link: %d %d %v", gid, sid, err)
			}
			// The complaint officer of 芦淞区 (the gig's county) handles it to closure.
			officer := xiangpei.Actor{AccountID: 821, Name: "ls-c", Role: xiangpei.RoleOfficer, Region: "430203", Duties: xiangpei.Duties{xiangpei.DutyComplaint}}
			c, err := db.Complaint(ctx, officer.Scope(), cid)
			if err != nil || c.Kind != xiangpei.ComplaintWageArrears || c.AmountFen != 20000 || c.EmployerID != x.emp.ID ||
				!strings.Contains(c.Facts, "仓库分拣") || !strings.Contains(c.Facts, "200.00") {
				t.Fatalf("the complaint: %v %+v", err, c)
			}
			for _, act := range []xiangpei.ComplaintAction{xiangpei.ComplaintAccept, xiangpei.ComplaintInvestigate, xiangpei.ComplaintMediate, xiangpei.ComplaintClose} {
				if c, err = moveComplaint(t, x, officer, c, act, "企业当场支付", 20000); err != nil {
					t.Fatalf("%s: %v", act, err)
				}
			}
			if c.Status != xiangpei.ComplaintClosed {
				t.Fatalf("closed: %s", c.Status)
			}
			// The worker may still confirm receipt once the wage comes.
			_, err = moveGig(t, x, x.personA, u, store.GigMove{Action: "pay"})
			wantKind(t, "pay after the complaint", err, xiangpei.Conflict, "gig.wrong_state")
		})
	}
}

func crDo2(t *testing.T, x *jobWorld, a xiangpei.Actor, u store.GigSignupRow) (store.GigSignupRow, int64, error) {
	t.Helper()
	var cid int64
	got, err := crDo(t, x.w.DB, a, func(tx *store.Tx) (store.GigSignupRow, error) {
		var err error
		var row store.GigSignupRow
		row, cid, err = tx.ComplainGig(a.Scope(), u.ID, u.Version, "")
		return row, err
	})
	return got, cid, err
}

// TestGigPaid: the employer marks a completed gig paid and the worker is messaged; a stale
// version loses.
func TestGigPaid(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			g, err := postGig(t, x, x.empA, gigIn(x, "仓库分拣", 200, 2))
			if err != nil {
				t.Fatal(err)
			}
			u, err := signUp(t, x, x.personA, g.ID)
			if err != nil {
				t.Fatal(err)
			}
			u, _ = moveGig(t, x, x.personA, u, store.GigMove{Action: "check_in", Lat: 27.785, Lng: 113.155, HasPos: true})
			u, _ = moveGig(t, x, x.personA, u, store.GigMove{Action: "confirm", Fen: 20000})
			stale := u
			if u, err = moveGig(t, x, x.empA, u, store.GigMove{Action: "confirm", Fen: 20000}); err != nil {
				t.Fatal(err)
			}
			_, err = moveGig(t, x, x.empA, stale, store.GigMove{Action: "pay"})
			wantKind(t, "stale version", err, xiangpei.Conflict, "")
			if u, err = moveGig(t, x, x.empA, u, store.GigMove{Action: "pay"}); err != nil || u.Status != xiangpei.GigPaid || u.PaidAt.IsZero() {
				t.Fatalf("paid: %v %+v", err, u)
			}
		})
	}
}
