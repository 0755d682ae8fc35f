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

// fairInput is an on-site fair of 天元区 with booths, starting in an hour and lasting a day;
// sign-up is open from now to its end.
func fairInput(x *jobWorld, booths int) xiangpei.JobFair {
	now := x.w.Now()
	return xiangpei.JobFair{Name: "天元区春风行动招聘会", Kind: xiangpei.FairOnSite, Venue: "天元区人力资源市场", Address: "株洲市天元区黄河北路",
		County: "430211", StartsAt: now.Add(time.Hour), EndsAt: now.Add(25 * time.Hour), SignupFrom: now, SignupTo: now.Add(25 * time.Hour), Booths: booths}
}

func saveFair(t *testing.T, x *jobWorld, a xiangpei.Actor, f xiangpei.JobFair, version int) (store.Fair, error) {
	t.Helper()
	return crDo(t, x.w.DB, a, func(tx *store.Tx) (store.Fair, error) { return tx.SaveFair(a.Scope(), f, version) })
}

func publishedFair(t *testing.T, x *jobWorld, booths int) store.Fair {
	t.Helper()
	f, err := saveFair(t, x, x.officer, fairInput(x, booths), 0)
	if err != nil {
		t.Fatal(err)
	}
	f, err = crDo(t, x.w.DB, x.officer, func(tx *store.Tx) (store.Fair, error) {
		return tx.MoveFair(x.officer.Scope(), f.ID, f.Version, store.FairPublish)
	})
	if err != nil || f.Status != xiangpei.FairPublished {
		t.Fatalf("publish: %v %v", err, f.Status)
	}
	return f
}

func joinFair(t *testing.T, x *jobWorld, a xiangpei.Actor, fairID int64, booth int, postings ...int64) (store.Fair, error) {
	t.Helper()
	return crDo(t, x.w.DB, a, func(tx *store.Tx) (store.Fair, error) { return tx.JoinFair(a.Scope(), fairID, booth, postings) })
}

func fairCounts(t *testing.T, x *jobWorld, id int64) xiangpei.FairCounts {
	t.Helper()
	c, err := x.w.DB.FairCounts(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFairLifecycle: the county's officer with the publish duty writes a fair (bad hours are
// refused and nothing is written; another county's officer neither writes in this county nor
// reads the fair); a draft is not public; employers join with their open postings and a booth
// (twice refused, a taken booth refused, the first free booth given when none is asked, an
// unverified employer refused); persons sign up once, apply through the fair only while it is
// under way and only once signed up; the live counts follow the applications' moves; sign-up
// after it closed is refused.
func TestFairLifecycle(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			bad := fairInput(x, 3)
			bad.EndsAt = bad.StartsAt.Add(-time.Hour)
			_, err := saveFair(t, x, x.officer, bad, 0)
			wantKind(t, "ends before it starts", err, xiangpei.Invalid, "fair.hours_bad")
			noVenue := fairInput(x, 0)
			_, err = saveFair(t, x, x.officer, noVenue, 0)
			wantKind(t, "on site without booths", err, xiangpei.Invalid, "fair.venue_missing")
			_, err = saveFair(t, x, x.oOfficer, fairInput(x, 3), 0)
			wantKind(t, "another county's officer", err, xiangpei.Invalid, "fair.county_outside")
			_, err = saveFair(t, x, x.noDuty, fairInput(x, 3), 0)
			wantKind(t, "no publish duty", err, xiangpei.Forbidden, "job.duty")
			if _, n, err := db.Fairs(ctx, x.officer.Scope(), store.FairFilter{When: "all"}, store.Page{}); err != nil || n != 0 {
				t.Fatalf("refused fairs were written: %v %d", err, n)
			}

			f, err := saveFair(t, x, x.officer, fairInput(x, 3), 0)
			if err != nil || f.Status != xiangpei.FairDraft {
				t.Fatalf("create: %v %+v", err, f)
			}
			if _, err := db.Fair(ctx, x.oOfficer.Scope(), f.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("another county's officer reads the fair: %v", err)
			}
			if _, err := db.PublicFair(ctx, f.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("a draft is public: %v", err)
			}
			f, err = crDo(t, db, x.officer, func(tx *store.Tx) (store.Fair, error) {
				return tx.MoveFair(x.officer.Scope(), f.ID, f.Version, store.FairPublish)
			})
			if err != nil || f.Status != xiangpei.FairPublished {
				t.Fatalf("publish: %v %+v", err, f)
			}
			if list, n, err := db.PublicFairs(ctx, store.FairFilter{}, store.Page{}); err != nil || n != 1 || list[0].ID != f.ID {
				t.Fatalf("public list: %v %d", err, n)
			}

			p1 := x.published(t, x.empA, "焊工", "430211")
			p2 := x.published(t, x.empA, "电工", "430211")
			p3 := x.published(t, x.otherA, "叉车司机", "430202")
			_, err = joinFair(t, x, x.empA, f.ID, 2, p3.ID)
			wantKind(t, "another employer's posting", err, xiangpei.Invalid, "fair.posting_bad")
			_, err = joinFair(t, x, x.empA, f.ID, 4, p1.ID)
			wantKind(t, "booth out of range", err, xiangpei.Invalid, "fair.booth_bad")
			_, err = joinFair(t, x, x.empA, f.ID, 2)
			wantKind(t, "no postings", err, xiangpei.Invalid, "fair.postings_missing")
			if c := fairCounts(t, x, f.ID); c.Employers != 0 {
				t.Fatalf("refused joins were written: %+v", c)
			}
			if _, err := joinFair(t, x, x.empA, f.ID, 2, p1.ID, p2.ID); err != nil {
				t.Fatal(err)
			}
			_, err = joinFair(t, x, x.empA, f.ID, 3, p1.ID)
			wantKind(t, "join twice", err, xiangpei.Conflict, "fair.joined_before")
			_, err = joinFair(t, x, x.otherA, f.ID, 2, p3.ID)
			wantKind(t, "booth taken", err, xiangpei.Conflict, "fair.booth_taken")
			_, err = joinFair(t, x, x.waitsA, f.ID, 0, p3.ID)
			wantKind(t, "unverified employer", err, xiangpei.Conflict, "fair.code_unconfirmed")
			if _, err := joinFair(t, x, x.otherA, f.ID, 0, p3.ID); err != nil {
				t.Fatal(err)
			}
			// Booths now run past what the officer wants to cut them to.
			f, _ = db.Fair(ctx, x.officer.Scope(), f.ID)
			_, err = saveFair(t, x, x.officer, func() xiangpei.JobFair { in := f.JobFair; in.Booths = 1; return in }(), f.Version)
			wantKind(t, "fewer booths than taken", err, xiangpei.Conflict, "fair.booths_taken")

			signUp := func(a xiangpei.Actor) error {
				_, err := crDo(t, db, a, func(tx *store.Tx) (store.Fair, error) { return tx.SignUpFair(a.Scope(), f.ID) })
				return err
			}
			apply := func(a xiangpei.Actor, posting int64) (store.Applicant, error) {
				return crDo(t, db, a, func(tx *store.Tx) (store.Applicant, error) { return tx.ApplyAtFair(a.Scope(), f.ID, posting) })
			}
			if err := signUp(x.personA); err != nil {
				t.Fatal(err)
			}
			wantKind(t, "sign up twice", signUp(x.personA), xiangpei.Conflict, "fair.signed_up_before")
			_, err = apply(x.personA, p1.ID)
			wantKind(t, "apply before the fair", err, xiangpei.Conflict, "fair.not_ongoing")
			x.w.Clock.Add(2 * time.Hour)
			_, err = apply(x.person2A, p3.ID)
			wantKind(t, "apply without signing up", err, xiangpei.Conflict, "fair.signup_first")
			app, err := apply(x.personA, p1.ID)
			if err != nil || app.Status != xiangpei.AppApplied {
				t.Fatalf("apply: %v %+v", err, app)
			}
			_, err = apply(x.personA, p1.ID)
			wantKind(t, "apply twice", err, xiangpei.Conflict, "job.applied_before")
			if err := signUp(x.person2A); err != nil {
				t.Fatal(err)
			}
			_, err = apply(x.person2A, 999)
			wantKind(t, "a posting not at the fair", err, xiangpei.Invalid, "fair.posting_not_here")
			if _, err := apply(x.person2A, p3.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := apply(x.person2A, p2.ID); err != nil {
				t.Fatal(err)
			}
			want := xiangpei.FairCounts{Employers: 2, Postings: 3, Openings: 9, Signups: 2, Applicants: 2}
			if c := fairCounts(t, x, f.ID); c != want {
				t.Fatalf("counts: %+v, want %+v", c, want)
			}
			for i, step := range []struct {
				act                      xiangpei.ApplicationAction
				interviews, offers, hire int
			}{{xiangpei.AppView, 0, 0, 0}, {xiangpei.AppInvite, 1, 0, 0}, {xiangpei.AppOffer, 1, 1, 0}, {xiangpei.AppHire, 1, 1, 1}} {
				if app, err = x.move(x.empA, app, step.act); err != nil {
					t.Fatalf("move %d: %v", i, err)
				}
				c := fairCounts(t, x, f.ID)
				if c.Interviews != step.interviews || c.Offers != step.offers || c.Hires != step.hire || c.Applicants != 2 {
					t.Fatalf("after %s: %+v", step.act, c)
				}
			}
			// An application outside the fair does not count.
			p4 := x.published(t, x.empA, "钳工", "430211")
			if _, err := crDo(t, db, x.personA, func(tx *store.Tx) (store.Applicant, error) { return tx.Apply(x.personA.Scope(), p4.ID) }); err != nil {
				t.Fatal(err)
			}
			if c := fairCounts(t, x, f.ID); c.Applicants != 2 || c.Hires != 1 || c.Openings != 9 {
				t.Fatalf("an application outside the fair counted: %+v", c)
			}

			emps, total, err := db.FairEmployers(ctx, f.ID, store.Page{})
			if err != nil || total != 2 || len(emps) != 2 {
				t.Fatalf("employers: %v %d", err, total)
			}
			if emps[0].EmployerID != x.other.ID || emps[0].Booth != 1 || emps[1].EmployerID != x.emp.ID || emps[1].Booth != 2 {
				t.Fatalf("booth order: %+v", emps)
			}
			e := emps[1]
			if e.PostingCount != 2 || e.Openings != 6 || e.Applicants != 2 || e.Interviews != 1 || e.Hires != 1 || len(e.Postings) != 2 {
				t.Fatalf("the employer's figures: %+v", e)
			}
			if o := emps[0]; o.Applicants != 1 || o.Hires != 0 || len(o.Postings) != 1 || o.Postings[0].ID != p3.ID {
				t.Fatalf("the other employer's figures: %+v", o)
			}
			mine, _, err := db.PersonFairs(ctx, x.personA.Scope(), store.Page{})
			if err != nil || len(mine) != 1 || mine[0].Applications != 1 {
				t.Fatalf("my fairs: %v %+v", err, mine)
			}
			ef, _, err := db.EmployerFairs(ctx, x.otherA.Scope(), store.Page{})
			if err != nil || len(ef) != 1 || !ef[0].Joined || ef[0].Booth != 1 {
				t.Fatalf("employer's fairs: %v %+v", err, ef)
			}

			x.w.Clock.Add(24 * time.Hour) // past the end, and past the sign-up window
			wantKind(t, "sign up after it closed", signUp(x.personA), xiangpei.Conflict, "fair.signup_closed")
			_, err = apply(x.person2A, p1.ID)
			wantKind(t, "apply after the end", err, xiangpei.Conflict, "fair.not_ongoing")
			if list, n, err := db.PublicFairs(ctx, store.FairFilter{}, store.Page{}); err != nil || n != 0 || len(list) != 0 {
				t.Fatalf("an ended fair is still current: %v %d", err, n)
			}
			if _, n, err := db.PublicFairs(ctx, store.FairFilter{When: "ended"}, store.Page{}); err != nil || n != 1 {
				t.Fatalf("ended fairs: %v %d", err, n)
			}
		})
	}
}

// TestFairCancel: cancelling a published fair messages those who signed up; a cancelled fair
// stays readable but takes nobody; a stale version loses.
func TestFairCancel(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			acc, err := crDo(t, db, x.w.Admin, func(tx *store.Tx) (xiangpei.Account, error) {
				return tx.CreateAccount(xiangpei.AccountInput{Login: x.persons[0].Phone, DisplayName: "王芳", Role: xiangpei.RolePerson,
					PersonID: x.persons[0].ID}, "x", false)
			})
			if err != nil {
				t.Fatal(err)
			}
			f := publishedFair(t, x, 5)
			if _, err := crDo(t, db, x.personA, func(tx *store.Tx) (store.Fair, error) { return tx.SignUpFair(x.personA.Scope(), f.ID) }); err != nil {
				t.Fatal(err)
			}
			c, err := crDo(t, db, x.officer, func(tx *store.Tx) (store.Fair, error) {
				return tx.MoveFair(x.officer.Scope(), f.ID, f.Version, store.FairCancel)
			})
			if err != nil || c.Status != xiangpei.FairCancelled {
				t.Fatalf("cancel: %v %+v", err, c)
			}
			_, err = crDo(t, db, x.officer, func(tx *store.Tx) (store.Fair, error) {
				return tx.MoveFair(x.officer.Scope(), f.ID, f.Version, store.FairCancel)
			})
			wantKind(t, "cancel twice", err, xiangpei.Conflict, "")
			p := x.published(t, x.empA, "焊工", "430211")
			_, err = joinFair(t, x, x.empA, f.ID, 0, p.ID)
			wantKind(t, "join a cancelled fair", err, xiangpei.Conflict, "fair.closed")
			if _, err := db.PublicFair(context.Background(), f.ID); err != nil {
				t.Fatalf("a cancelled fair is not readable: %v", err)
			}
			msgs, err := db.Messages(context.Background(), acc.ID, store.Page{})
			if err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Body, "已取消") {
				t.Fatalf("the person who signed up was not told: %v %+v", err, msgs)
			}
		})
	}
}

// TestFairBoothRace: employers racing for one booth — exactly one gets it, the others are told
// it is taken, and the fair holds one employer at that booth.
func TestFairBoothRace(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			f := publishedFair(t, x, 10)
			const n = 6
			actors := make([]xiangpei.Actor, n)
			postings := make([]int64, n)
			for i := range actors {
				c17 := fmt.Sprintf("91430211RACE%05d", i)
				o, err := crDo(t, db, x.w.Admin, func(tx *store.Tx) (xiangpei.Organisation, error) {
					return tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgEmployer, Name: fmt.Sprintf("竞展企业%d", i), County: "430211",
						CreditCode: xiangpei.CreditCode(c17 + string(xiangpei.CreditCheckChar(c17)))})
				})
				if err != nil {
					t.Fatal(err)
				}
				actors[i] = xiangpei.Actor{AccountID: int64(900 + i), Name: "race", Role: xiangpei.RoleEmployer, OrgID: o.ID}
				postings[i] = x.published(t, actors[i], "焊工", "430211").ID
			}
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range actors {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					_, errs[i] = store.Do(context.Background(), db, actors[i], func(tx *store.Tx) (store.Fair, error) {
						return tx.JoinFair(actors[i].Scope(), f.ID, 7, []int64{postings[i]})
					})
				}(i)
			}
			wg.Wait()
			won := 0
			for i, err := range errs {
				if err == nil {
					won++
					continue
				}
				wantKind(t, fmt.Sprintf("loser %d", i), err, xiangpei.Conflict, "fair.booth_taken")
			}
			emps, total, err := db.FairEmployers(context.Background(), f.ID, store.Page{})
			if won != 1 || err != nil || total != 1 || emps[0].Booth != 7 {
				t.Fatalf("winners %d, employers %d (%v)", won, total, err)
			}
		})
	}
}
