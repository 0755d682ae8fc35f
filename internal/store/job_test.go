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

// jobWorld: two confirmed employers (天元区, 荷塘区), one self-registered whose code waits,
// two persons, the county officers with and without the publish duty.
type jobWorld struct {
	w                 *storetest.Training
	emp, other, waits xiangpei.Organisation
	empA, otherA      xiangpei.Actor
	waitsA            xiangpei.Actor
	officer, oOfficer xiangpei.Actor
	noDuty            xiangpei.Actor
	persons           []xiangpei.Person
	personA, person2A xiangpei.Actor
}

var jobSeq = 0

func newJobWorld(t *testing.T, db *store.DB) *jobWorld {
	t.Helper()
	x := &jobWorld{w: storetest.NewTraining(t, db)}
	jobSeq++
	code := func(county string, i int) xiangpei.CreditCode {
		c17 := fmt.Sprintf("91%s%05d%04d", county, jobSeq, i)
		return xiangpei.CreditCode(c17 + string(xiangpei.CreditCheckChar(c17)))
	}
	_, err := crDo(t, db, x.w.Admin, func(tx *store.Tx) (int, error) {
		var err error
		if x.emp, err = tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgEmployer, Name: "天元制造有限公司", County: "430211", CreditCode: code("430211", 1)}); err != nil {
			return 0, err
		}
		if x.other, err = tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgEmployer, Name: "荷塘物流有限公司", County: "430202", CreditCode: code("430202", 2)}); err != nil {
			return 0, err
		}
		if x.waits, err = tx.RegisterEmployer(xiangpei.Organisation{Name: "新注册企业", County: "430211", CreditCode: code("430211", 3)}); err != nil {
			return 0, err
		}
		for i, county := range []string{"430211", "430202"} {
			id17 := fmt.Sprintf("%s1990%02d01%03d", county, 1+i, jobSeq%1000)
			p, err := xiangpei.PersonInput{IDNumber: id17 + string(xiangpei.IDCheckDigit(id17)), Name: []string{"王芳", "李强"}[i],
				Phone: fmt.Sprintf("1390%03d%04d", jobSeq%1000, i), Household: "rural", County: county}.Validate(tx.Now, func(string) bool { return true })
			if err != nil {
				return 0, err
			}
			if p, err = tx.CreatePerson(p); err != nil {
				return 0, err
			}
			x.persons = append(x.persons, p)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	x.empA = xiangpei.Actor{AccountID: 801, Name: "emp", Role: xiangpei.RoleEmployer, OrgID: x.emp.ID}
	x.otherA = xiangpei.Actor{AccountID: 802, Name: "other", Role: xiangpei.RoleEmployer, OrgID: x.other.ID}
	x.waitsA = xiangpei.Actor{AccountID: 803, Name: "waits", Role: xiangpei.RoleEmployer, OrgID: x.waits.ID}
	x.officer = xiangpei.Actor{AccountID: 804, Name: "ty", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyPublish}}
	x.oOfficer = xiangpei.Actor{AccountID: 805, Name: "ht", Role: xiangpei.RoleOfficer, Region: "430202", Duties: xiangpei.Duties{xiangpei.DutyPublish}}
	x.noDuty = xiangpei.Actor{AccountID: 806, Name: "ty0", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyPayment}}
	x.personA = xiangpei.Actor{AccountID: 807, Name: "wf", Role: xiangpei.RolePerson, PersonID: x.persons[0].ID}
	x.person2A = xiangpei.Actor{AccountID: 808, Name: "lq", Role: xiangpei.RolePerson, PersonID: x.persons[1].ID}
	return x
}

func (x *jobWorld) posting(title string, minYuan int64, county string) xiangpei.JobPosting {
	day := xiangpei.ChinaDate(x.w.Now())
	from, _ := time.ParseInLocation(time.DateOnly, day, xiangpei.ChinaTime)
	return xiangpei.JobPosting{Occupation: "6-18-02-04", Title: title, Description: "负责钢结构焊接，五险一金，包住宿。",
		Skills: []string{"识图", "氩弧焊"}, Level: "5", Headcount: 3, Salary: xiangpei.Salary{MinFen: minYuan * 100, MaxFen: minYuan * 150, Unit: xiangpei.PerMonth},
		WorkType: xiangpei.FullTime, County: county, Lat: 27.83, Lng: 113.15, ValidFrom: from, ValidTo: from.AddDate(0, 0, 29)}
}

func (x *jobWorld) save(t *testing.T, a xiangpei.Actor, p xiangpei.JobPosting) store.Posting {
	t.Helper()
	got, err := crDo(t, x.w.DB, a, func(tx *store.Tx) (store.Posting, error) { return tx.SavePosting(a.Scope(), p, 0) })
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (x *jobWorld) submit(a xiangpei.Actor, p store.Posting) (store.Posting, xiangpei.PostingVerdict, error) {
	var v xiangpei.PostingVerdict
	got, err := store.Do(context.Background(), x.w.DB, a, func(tx *store.Tx) (store.Posting, error) {
		var err error
		var q store.Posting
		q, v, err = tx.SubmitPosting(a.Scope(), p.ID, p.Version)
		return q, err
	})
	return got, v, err
}

func (x *jobWorld) published(t *testing.T, a xiangpei.Actor, title, county string) store.Posting {
	t.Helper()
	p, v, err := x.submit(a, x.save(t, a, x.posting(title, 3000, county)))
	if err != nil || v.Outcome != xiangpei.CheckPass || p.Status != xiangpei.PostingPublished {
		t.Fatalf("publish %s: %v %+v %v", title, err, v, p.Status)
	}
	return p
}

func (x *jobWorld) move(a xiangpei.Actor, app store.Applicant, act xiangpei.ApplicationAction) (store.Applicant, error) {
	return store.Do(context.Background(), x.w.DB, a, func(tx *store.Tx) (store.Applicant, error) {
		return tx.MoveApplication(a.Scope(), app.ID, app.Version, act, x.w.Now().AddDate(0, 0, 7))
	})
}

// TestPostingChecks: a clean posting is published, a low salary or discriminatory wording is
// refused and stays a draft with the findings, a preference is referred to the officers'
// queue; an unconfirmed employer cannot submit; only the county's officer with the publish
// duty decides, a return needs a reason.
func TestPostingChecks(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			x.published(t, x.empA, "焊工", "430211")

			low, v, err := x.submit(x.empA, x.save(t, x.empA, x.posting("低薪焊工", 1500, "430211")))
			if err != nil || v.Outcome != xiangpei.CheckRefuse || low.Status != xiangpei.PostingDraft || len(low.Findings) == 0 ||
				low.Findings[0].Code != "wage.below_minimum" {
				t.Fatalf("below minimum wage (1930 in 天元区): %v %+v %v %+v", err, v, low.Status, low.Findings)
			}
			bad := x.posting("焊工（限男）", 3000, "430211")
			p, v, err := x.submit(x.empA, x.save(t, x.empA, bad))
			if err != nil || v.Outcome != xiangpei.CheckRefuse || p.Status != xiangpei.PostingDraft {
				t.Fatalf("gender: %v %+v", err, v)
			}
			scam := x.posting("焊工", 3000, "430211")
			scam.Description = "入职先交押金500元"
			if p, v, _ = x.submit(x.empA, x.save(t, x.empA, scam)); v.Outcome != xiangpei.CheckRefuse || p.Findings[0].Key != "posting_check.words_scam" {
				t.Fatalf("scam: %+v", v)
			}

			ref := x.posting("焊工，男性优先", 3000, "430211")
			pend, v, err := x.submit(x.empA, x.save(t, x.empA, ref))
			if err != nil || v.Outcome != xiangpei.CheckRefer || pend.Status != xiangpei.PostingPending {
				t.Fatalf("refer: %v %+v %v", err, v, pend.Status)
			}
			q, n, err := db.PostingQueue(ctx, x.officer.Scope(), store.Page{})
			if err != nil || n != 1 || q[0].ID != pend.ID {
				t.Fatalf("queue: %v %d", err, n)
			}
			if _, n, _ := db.PostingQueue(ctx, x.oOfficer.Scope(), store.Page{}); n != 0 {
				t.Fatalf("another county's queue has %d", n)
			}
			review := func(a xiangpei.Actor, approve bool, reason string) (store.Posting, error) {
				return crDo(t, db, a, func(tx *store.Tx) (store.Posting, error) {
					return tx.ReviewPosting(a.Scope(), pend.ID, pend.Version, approve, reason)
				})
			}
			_, err = review(x.oOfficer, true, "")
			wantKind(t, "another county's officer", err, xiangpei.NotFound, "")
			_, err = review(x.noDuty, true, "")
			wantKind(t, "no publish duty", err, xiangpei.Forbidden, "job.duty")
			_, err = review(x.officer, false, " ")
			wantKind(t, "return without reason", err, xiangpei.Invalid, "job.reason_missing")
			if pend, err = review(x.officer, true, ""); err != nil || pend.Status != xiangpei.PostingPublished {
				t.Fatalf("approve: %v %v", err, pend.Status)
			}

			w := x.save(t, x.waitsA, x.posting("新企业岗位", 3000, "430211"))
			_, _, err = x.submit(x.waitsA, w)
			wantKind(t, "unconfirmed code", err, xiangpei.Conflict, "job.code_unconfirmed")
			if org, _ := db.Org(ctx, x.officer.Scope(), x.waits.ID); org.CodeStatus != xiangpei.CodePending {
				t.Fatalf("self-registered code status %v, want pending", org.CodeStatus)
			}
			pending, _, _ := db.PendingCodes(ctx, x.officer.Scope(), store.Page{})
			found := false
			for _, o := range pending {
				found = found || o.ID == x.waits.ID
			}
			if !found {
				t.Fatal("the self-registered employer is not in the officers' credit-code queue")
			}

			// Another employer's posting is not found; the public list shows the published two.
			_, err = db.Posting(ctx, x.otherA.Scope(), pend.ID)
			wantKind(t, "another employer", err, xiangpei.NotFound, "")
			list, total, err := db.PublicPostings(ctx, store.PostingFilter{County: "430211"}, store.Page{})
			if err != nil || total != 2 || len(list) != 2 {
				t.Fatalf("public list: %v %d", err, total)
			}
			if _, total, _ := db.PublicPostings(ctx, store.PostingFilter{Occupation: "4-10"}, store.Page{}); total != 0 {
				t.Fatalf("occupation filter: %d", total)
			}
			_, err = db.PublicPosting(ctx, low.ID)
			wantKind(t, "a draft is not public", err, xiangpei.NotFound, "")
		})
	}
}

// TestPostingExpiryAndRelist: past its last day a posting reads as expired, stays readable,
// takes no application; relisting with new validity makes it a draft that is checked again.
func TestPostingExpiryAndRelist(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			p := x.published(t, x.empA, "焊工", "430211")
			x.w.Clock.Add(31 * 24 * time.Hour)
			got, err := db.PublicPosting(ctx, p.ID)
			if err != nil || got.Status != xiangpei.PostingExpired {
				t.Fatalf("after validity: %v %v", err, got.Status)
			}
			if _, n, _ := db.PublicPostings(ctx, store.PostingFilter{}, store.Page{}); n != 0 {
				t.Fatalf("expired posting listed as open: %d", n)
			}
			_, err = crDo(t, db, x.personA, func(tx *store.Tx) (store.Applicant, error) { return tx.Apply(x.personA.Scope(), p.ID) })
			wantKind(t, "apply to expired", err, xiangpei.Conflict, "job.posting_closed")
			from := x.w.Now()
			re, err := crDo(t, db, x.empA, func(tx *store.Tx) (store.Posting, error) {
				return tx.RelistPosting(x.empA.Scope(), p.ID, got.Version, from, from.AddDate(0, 1, 0))
			})
			if err != nil || re.Status != xiangpei.PostingDraft {
				t.Fatalf("relist: %v %v", err, re.Status)
			}
			if re, _, err = x.submit(x.empA, re); err != nil || re.Status != xiangpei.PostingPublished {
				t.Fatalf("resubmit: %v %v", err, re.Status)
			}
		})
	}
}

// TestApplicationsAndHire: a person applies once; the employer sees its applicants masked,
// another employer does not; the machine runs to a hire that writes a verified employment
// record and a message in one transaction; a report is due in 3 working days and a take-down
// closes the posting.
func TestApplicationsAndHire(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			p := x.published(t, x.empA, "焊工", "430211")
			apply := func(a xiangpei.Actor) (store.Applicant, error) {
				return crDo(t, db, a, func(tx *store.Tx) (store.Applicant, error) { return tx.Apply(a.Scope(), p.ID) })
			}
			app, err := apply(x.personA)
			if err != nil {
				t.Fatal(err)
			}
			_, err = apply(x.personA)
			wantKind(t, "twice", err, xiangpei.Conflict, "job.applied_before")
			list, n, err := db.Applications(ctx, x.empA.Scope(), store.ApplicationFilter{PostingID: p.ID}, store.Page{})
			if err != nil || n != 1 || list[0].MaskedID == string(x.persons[0].IDNumber) || !strings.Contains(list[0].MaskedID, "*") {
				t.Fatalf("employer list: %v %d %+v", err, n, list)
			}
			if _, n, _ := db.Applications(ctx, x.otherA.Scope(), store.ApplicationFilter{}, store.Page{}); n != 0 {
				t.Fatalf("another employer sees %d applicants", n)
			}
			_, err = x.move(x.otherA, app, xiangpei.AppView)
			wantKind(t, "another employer moves", err, xiangpei.NotFound, "")
			_, err = x.move(x.personA, app, xiangpei.AppOffer)
			wantKind(t, "person offers", err, xiangpei.Forbidden, "application.not_yours")
			for _, act := range []xiangpei.ApplicationAction{xiangpei.AppView, xiangpei.AppInvite, xiangpei.AppOffer, xiangpei.AppHire} {
				if app, err = x.move(x.empA, app, act); err != nil {
					t.Fatalf("%s: %v", act, err)
				}
			}
			if app.Status != xiangpei.AppHired {
				t.Fatalf("status %v", app.Status)
			}
			recs, err := db.EmploymentRecordsOf(ctx, x.personA.Scope(), x.persons[0].ID)
			if err != nil || len(recs) != 1 || recs[0].Source != xiangpei.EmploymentHire || !recs[0].Verified || recs[0].EmployerID != x.emp.ID ||
				!recs[0].FullTime || recs[0].Occupation != "6-18-02-04" {
				t.Fatalf("employment record: %v %+v", err, recs)
			}
			msgs, _ := db.QueryStrings(ctx, `SELECT body FROM messages WHERE recipient = $1`, fmt.Sprintf("person:%d", x.persons[0].ID))
			if len(msgs) == 0 || !strings.Contains(msgs[len(msgs)-1], "就业登记") {
				t.Fatalf("hire message: %v", msgs)
			}
			_, err = x.move(x.personA, app, xiangpei.AppWithdraw)
			wantKind(t, "withdraw after hire", err, xiangpei.Conflict, "application.wrong_state")

			// A report: due three working days on, decided once.
			cal, _ := db.Calendar(ctx)
			r, err := crDo(t, db, xiangpei.Actor{Name: "public"}, func(tx *store.Tx) (store.PostingReport, error) {
				return tx.ReportPosting(p.ID, 0, "要求先交培训费", cal)
			})
			if err != nil || r.DueOn != xiangpei.ChinaDate(cal.AddWorkdays(x.w.Now(), 3)) {
				t.Fatalf("report: %v %+v", err, r)
			}
			decide := func(a xiangpei.Actor) (store.PostingReport, error) {
				return crDo(t, db, a, func(tx *store.Tx) (store.PostingReport, error) {
					return tx.DecideReport(a.Scope(), r.ID, r.Version, true, "核实收取培训费")
				})
			}
			_, err = decide(x.oOfficer)
			wantKind(t, "another county", err, xiangpei.NotFound, "")
			if _, err = decide(x.officer); err != nil {
				t.Fatal(err)
			}
			_, err = decide(x.officer)
			wantKind(t, "decided twice", err, xiangpei.Conflict, "")
			if got, _ := db.PublicPosting(ctx, p.ID); got.Status != xiangpei.PostingClosed {
				t.Fatalf("taken down: %v", got.Status)
			}
		})
	}
}

// TestApplyOnceAndDecideOnceConcurrently: many racing applications of one person for one
// posting leave one; many racing decisions on one application leave one.
func TestApplyOnceAndDecideOnceConcurrently(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			p := x.published(t, x.empA, "焊工", "430211")
			const n = 8
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Go(func() {
					_, errs[i] = store.Do(ctx, db, x.personA, func(tx *store.Tx) (store.Applicant, error) { return tx.Apply(x.personA.Scope(), p.ID) })
				})
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else if !xiangpei.IsKind(err, xiangpei.Conflict) {
					t.Errorf("racing apply: %v", err)
				}
			}
			if ok != 1 {
				t.Fatalf("%d applications succeeded, want 1", ok)
			}
			list, _, _ := db.Applications(ctx, x.empA.Scope(), store.ApplicationFilter{PostingID: p.ID}, store.Page{})
			if len(list) != 1 {
				t.Fatalf("%d rows", len(list))
			}
			app := list[0]
			acts := []xiangpei.ApplicationAction{xiangpei.AppInvite, xiangpei.AppReject}
			for i := range n {
				wg.Go(func() { _, errs[i] = x.move(x.empA, app, acts[i%2]) })
			}
			wg.Wait()
			ok = 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else if !xiangpei.IsKind(err, xiangpei.Conflict) {
					t.Errorf("racing decision: %v", err)
				}
			}
			if ok != 1 {
				t.Fatalf("%d decisions succeeded, want 1", ok)
			}
		})
	}
}
