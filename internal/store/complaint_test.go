package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

func complaintOfficers(x *jobWorld) (ty, ht, city, noDuty xiangpei.Actor) {
	d := xiangpei.Duties{xiangpei.DutyComplaint}
	ty = xiangpei.Actor{AccountID: 811, Name: "ty-c", Role: xiangpei.RoleOfficer, Region: "430211", Duties: d}
	ht = xiangpei.Actor{AccountID: 812, Name: "ht-c", Role: xiangpei.RoleOfficer, Region: "430202", Duties: d}
	city = xiangpei.Actor{AccountID: 813, Name: "zz-c", Role: xiangpei.RoleOfficer, Region: "4302", Duties: d}
	return ty, ht, city, x.officer // the publish-duty officer lacks the complaint duty
}

func fileComplaint(t *testing.T, x *jobWorld, a xiangpei.Actor, in store.ComplaintInput) (store.ComplaintCase, error) {
	t.Helper()
	return crDo(t, x.w.DB, a, func(tx *store.Tx) (store.ComplaintCase, error) { return tx.FileComplaint(a.Scope(), in) })
}

func moveComplaint(t *testing.T, x *jobWorld, a xiangpei.Actor, c store.ComplaintCase, act xiangpei.ComplaintAction, note string, fen int64) (store.ComplaintCase, error) {
	t.Helper()
	return crDo(t, x.w.DB, a, func(tx *store.Tx) (store.ComplaintCase, error) {
		return tx.MoveComplaint(a.Scope(), c.ID, c.Version, store.ComplaintMove{Action: act, Note: note, AgreedFen: fen})
	})
}

// TestComplaintMachine: a person files a wage-arrears complaint against an employer by its
// credit code; the case belongs to the employer's county, whose officers with the complaint
// duty (and the city's) move it through accept → investigate → mediate → close, each move
// messaging the person; another county's officer and another person get NotFound, an officer
// without the duty Forbidden; a wrong move or a mediation without its outcome is refused and
// writes nothing; the employer reads the complaint with the ID number masked.
func TestComplaintMachine(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			ty, ht, city, noDuty := complaintOfficers(x)
			acc, err := store.Do(ctx, db, x.w.Admin, func(tx *store.Tx) (xiangpei.Account, error) {
				return tx.CreateAccount(xiangpei.AccountInput{Login: x.persons[0].Phone, DisplayName: "王芳", Role: xiangpei.RolePerson,
					PersonID: x.persons[0].ID}, "x", false)
			})
			if err != nil {
				t.Fatal(err)
			}

			_, err = fileComplaint(t, x, x.personA, store.ComplaintInput{Kind: xiangpei.ComplaintWageArrears, CreditCode: string(x.emp.CreditCode), Facts: "拖欠三个月工资"})
			wantKind(t, "arrears without amount", err, xiangpei.Invalid, "complaint.amount_missing")
			_, err = fileComplaint(t, x, x.personA, store.ComplaintInput{Kind: xiangpei.ComplaintContract, CreditCode: "91430211XXXXXXXXXX", Facts: "未签合同"})
			wantKind(t, "unknown employer", err, xiangpei.Invalid, "complaint.employer_unknown")
			_, err = fileComplaint(t, x, x.empA, store.ComplaintInput{Kind: xiangpei.ComplaintContract, CreditCode: string(x.emp.CreditCode), Facts: "x"})
			wantKind(t, "employer files", err, xiangpei.Forbidden, "complaint.person_only")

			c, err := fileComplaint(t, x, x.personA, store.ComplaintInput{Kind: xiangpei.ComplaintWageArrears,
				CreditCode: strings.ToLower(string(x.emp.CreditCode)), AmountFen: 1200000, Facts: "拖欠三个月工资"})
			if err != nil || c.Status != xiangpei.ComplaintFiled || c.County != "430211" || c.EmployerID != x.emp.ID {
				t.Fatalf("file: %v %+v", err, c)
			}
			if _, err := db.Complaint(ctx, x.person2A.Scope(), c.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("another person reads the complaint: %v", err)
			}
			if _, err := db.Complaint(ctx, x.otherA.Scope(), c.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("another employer reads the complaint: %v", err)
			}
			seen, err := db.Complaint(ctx, x.empA.Scope(), c.ID)
			if err != nil || seen.MaskedID == "" || seen.MaskedID == string(x.persons[0].IDNumber) || !strings.Contains(seen.MaskedID, "*") {
				t.Fatalf("employer view: %v %q", err, seen.MaskedID)
			}

			_, err = moveComplaint(t, x, ht, c, xiangpei.ComplaintAccept, "", 0)
			wantKind(t, "another county's officer", err, xiangpei.NotFound, "")
			_, err = moveComplaint(t, x, noDuty, c, xiangpei.ComplaintAccept, "", 0)
			wantKind(t, "no complaint duty", err, xiangpei.Forbidden, "complaint.duty")
			_, err = moveComplaint(t, x, x.empA, c, xiangpei.ComplaintAccept, "", 0)
			wantKind(t, "employer moves", err, xiangpei.Forbidden, "org.officer_only")
			_, err = moveComplaint(t, x, ty, c, xiangpei.ComplaintMediate, "x", 0)
			wantKind(t, "mediate a filed case", err, xiangpei.Conflict, "")

			if c, err = moveComplaint(t, x, ty, c, xiangpei.ComplaintAccept, "", 0); err != nil || c.Status != xiangpei.ComplaintAccepted {
				t.Fatalf("accept: %v %v", err, c.Status)
			}
			if c, err = moveComplaint(t, x, city, c, xiangpei.ComplaintInvestigate, "", 0); err != nil || c.Status != xiangpei.ComplaintInvestigating {
				t.Fatalf("city officer investigates: %v %v", err, c.Status)
			}
			_, err = moveComplaint(t, x, ty, c, xiangpei.ComplaintMediate, " ", 0)
			wantKind(t, "mediate without outcome", err, xiangpei.Invalid, "complaint.outcome_missing")
			if c, err = moveComplaint(t, x, ty, c, xiangpei.ComplaintMediate, "企业同意分两期支付", 1000000); err != nil ||
				c.Status != xiangpei.ComplaintMediated || c.AgreedFen != 1000000 || c.Outcome != "企业同意分两期支付" {
				t.Fatalf("mediate: %v %+v", err, c)
			}
			if c, err = moveComplaint(t, x, ty, c, xiangpei.ComplaintClose, "", 0); err != nil || c.Status != xiangpei.ComplaintClosed {
				t.Fatalf("close: %v %v", err, c.Status)
			}
			ev, err := db.ComplaintEvents(ctx, x.personA.Scope(), c.ID)
			if err != nil || len(ev) != 5 || ev[0].Action != "file" || ev[3].AmountFen != 1000000 || ev[4].To != xiangpei.ComplaintClosed {
				t.Fatalf("events: %v %+v", err, ev)
			}
			msgs, err := db.Messages(ctx, acc.ID, store.Page{})
			closedMsg := false
			for _, m := range msgs {
				closedMsg = closedMsg || strings.Contains(m.Body, "已结案")
			}
			if err != nil || len(msgs) != 4 || !closedMsg {
				t.Fatalf("messages to the person: %v %+v, want 4", err, msgs)
			}

			// The person withdraws a second case; refer needs the body it goes to.
			d, _ := fileComplaint(t, x, x.personA, store.ComplaintInput{Kind: xiangpei.ComplaintDiscrimination, CreditCode: string(x.emp.CreditCode), Facts: "因性别拒绝录用"})
			d, _ = moveComplaint(t, x, ty, d, xiangpei.ComplaintAccept, "", 0)
			d, _ = moveComplaint(t, x, ty, d, xiangpei.ComplaintInvestigate, "", 0)
			_, err = moveComplaint(t, x, ty, d, xiangpei.ComplaintRefer, "", 0)
			wantKind(t, "refer nowhere", err, xiangpei.Invalid, "complaint.referred_missing")
			if d, err = moveComplaint(t, x, x.personA, d, xiangpei.ComplaintWithdraw, "已和解", 0); err != nil || d.Status != xiangpei.ComplaintClosed {
				t.Fatalf("withdraw: %v %v", err, d.Status)
			}

			// Lists: the person's own, the county queue, nothing for the other county.
			if l, n, err := db.Complaints(ctx, x.personA.Scope(), store.ComplaintFilter{}, store.Page{}); err != nil || n != 2 || len(l) != 2 {
				t.Fatalf("person's list: %v %d", err, n)
			}
			if _, n, _ := db.Complaints(ctx, x.person2A.Scope(), store.ComplaintFilter{}, store.Page{}); n != 0 {
				t.Fatalf("the other person sees %d", n)
			}
			if _, n, _ := db.Complaints(ctx, ht.Scope(), store.ComplaintFilter{}, store.Page{}); n != 0 {
				t.Fatalf("the other county sees %d", n)
			}
		})
	}
}

// TestComplaintQueueAndArrears: the queue orders by deadline with countdowns; while a
// wage-arrears complaint is neither mediated nor closed the employer cannot submit a gig
// posting (a full-time one still goes); of two officers accepting at once one wins.
func TestComplaintQueueAndArrears(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newJobWorld(t, db)
			ctx := context.Background()
			ty, _, _, _ := complaintOfficers(x)
			post := x.published(t, x.otherA, "物流分拣", "430202")
			a, err := fileComplaint(t, x, x.person2A, store.ComplaintInput{Kind: xiangpei.ComplaintInjury, PostingID: post.ID, Facts: "工伤未报"})
			if err != nil || a.EmployerID != x.other.ID || a.County != "430202" {
				t.Fatalf("by posting: %v %+v", err, a)
			}
			arrears, err := fileComplaint(t, x, x.personA, store.ComplaintInput{Kind: xiangpei.ComplaintWageArrears, CreditCode: string(x.emp.CreditCode),
				AmountFen: 300000, Facts: "零工工资未结"})
			if err != nil {
				t.Fatal(err)
			}
			if has, err := db.EmployerHasOpenArrears(ctx, x.emp.ID); err != nil || !has {
				t.Fatalf("open arrears: %v %v", err, has)
			}
			gig := x.posting("临时搬运", 3000, "430211")
			gig.WorkType = xiangpei.GigWork
			g := x.save(t, x.empA, gig)
			_, _, err = x.submit(x.empA, g)
			wantKind(t, "gig while arrears open", err, xiangpei.Conflict, "complaint.open_arrears")
			x.published(t, x.empA, "全职焊工", "430211")

			q, n, err := db.Complaints(ctx, ty.Scope(), store.ComplaintFilter{OpenOnly: true}, store.Page{})
			if err != nil || n != 1 || q[0].ID != arrears.ID || !q[0].Countdown.Deadline || q[0].Countdown.Left < 0 {
				t.Fatalf("queue: %v %d %+v", err, n, q)
			}
			if n, err := db.ComplaintCountsOf(ctx, ty.Scope(), x.emp.ID); err != nil || n != (store.ComplaintCounts{Total: 1, Open: 1, OpenArrears: 1}) {
				t.Fatalf("counts %+v %v", n, err)
			}

			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Go(func() {
					_, errs[i] = store.Do(ctx, db, ty, func(tx *store.Tx) (store.ComplaintCase, error) {
						return tx.MoveComplaint(ty.Scope(), arrears.ID, arrears.Version, store.ComplaintMove{Action: xiangpei.ComplaintAccept})
					})
				})
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else if !xiangpei.IsKind(err, xiangpei.Conflict) {
					t.Errorf("racing accept: %v", err)
				}
			}
			if ok != 1 {
				t.Fatalf("%d accepts succeeded, want 1", ok)
			}
			c, _ := db.Complaint(ctx, ty.Scope(), arrears.ID)
			c, _ = moveComplaint(t, x, ty, c, xiangpei.ComplaintInvestigate, "", 0)
			if c, err = moveComplaint(t, x, ty, c, xiangpei.ComplaintMediate, "当场结清", 300000); err != nil {
				t.Fatal(err)
			}
			if has, _ := db.EmployerHasOpenArrears(ctx, x.emp.ID); has {
				t.Fatal("mediated arrears still block")
			}
			if p, _, err := x.submit(x.empA, g); err != nil || p.Status == xiangpei.PostingDraft {
				t.Fatalf("gig after mediation: %v %v", err, p.Status)
			}
		})
	}
}
