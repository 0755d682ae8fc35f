package store_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// claimWorld is a closed class of the Training world (养老护理员 level 5, five 3-hour sessions)
// with four trainees: 0 and 1 attended everything and hold certificates issued after the class
// (0 at level 5, 1 at level 4 and a verified migrant), 2 attended everything without a
// certificate, 3 attended one session (not completed). A shortage list of 株洲市 gives the
// occupation +20% at the class's start; the city's own rule version caps a line at ¥1,400.
type claimWorld struct {
	*completionWorld
	certs map[int64]xiangpei.Certificate
	rule  xiangpei.SubsidyRule
}

func newClaimWorld(t *testing.T, db *store.DB) *claimWorld {
	t.Helper()
	ctx := context.Background()
	cw := newCompletionWorld(t, db, 4)
	w := cw.w
	// the shortage list, published before the class starts
	city := xiangpei.Actor{AccountID: 11, Name: "zz_city", Role: xiangpei.RoleOfficer, Region: "430200", Duties: xiangpei.Duties{xiangpei.DutyPublish}}
	_, err := store.Do(ctx, db, city, func(tx *store.Tx) (xiangpei.ShortageList, error) {
		s := city.Scope()
		l, err := tx.CreateShortageList(s, xiangpei.ShortageListInput{Region: "430200", Title: "株洲市紧缺工种", From: "2026-01-01", To: "2027-12-31"})
		if err != nil {
			return l, err
		}
		if l, err = tx.AddShortageEntry(s, l.ID, l.Version, xiangpei.ShortageEntryInput{OccupationCode: "4-10-01-05", Level: "5",
			Degree: xiangpei.ShortageModerate, UpliftPct: 20}); err != nil {
			return l, err
		}
		return tx.MoveShortageList(s, l.ID, l.Version, xiangpei.ShortagePublish, "")
	})
	if err != nil {
		t.Fatalf("shortage list: %v", err)
	}
	w.Clock.Set(cw.c.LastSession.Add(time.Hour))
	for i := 0; i < 5; i++ {
		for _, p := range cw.persons[:3] {
			cw.attend(t, i, p, 0)
		}
	}
	cw.attend(t, 0, cw.persons[3], 0)
	c, _, err := cw.close(w.InstA, cw.c.Version)
	if err != nil {
		t.Fatal(err)
	}
	cw.c = c
	x := &claimWorld{completionWorld: cw, certs: map[int64]xiangpei.Certificate{}}
	w.Clock.Set(time.Date(2026, 12, 1, 10, 0, 0, 0, xiangpei.ChinaTime))
	err = db.Tx(ctx, w.Admin, func(tx *store.Tx) error {
		for i, lv := range []string{"5", "4"} {
			p := cw.persons[i]
			cert, err := tx.IssueCertificate(xiangpei.Certificate{Level: lv, PersonID: p.ID, County: "430211", OccupationCode: "4-10-01-05",
				IssuerName: "株洲市职业技能鉴定中心", IssuedOn: "2026-12-01", Source: xiangpei.CertSource("assessment")})
			if err != nil {
				return err
			}
			x.certs[p.ID] = cert
		}
		if _, err := tx.AddKeyGroup(xiangpei.Scope{All: true}, xiangpei.KeyGroupMembership{PersonID: cw.persons[1].ID, Group: "migrant", Evidence: "务工证明"}); err != nil {
			return err
		}
		r := xiangpei.DefaultSubsidyRule("430200", "2026-12-01")
		r.CapFen = 140000
		r.Note = "株洲市上限"
		x.rule, err = tx.AddSubsidyRule(r)
		return err
	})
	if err != nil {
		t.Fatalf("certificates and rule: %v", err)
	}
	w.Clock.Set(time.Date(2026, 12, 10, 10, 0, 0, 0, xiangpei.ChinaTime))
	return x
}

func (x *claimWorld) create(a xiangpei.Actor, classID int64) (xiangpei.Claim, error) {
	return store.Do(context.Background(), x.db, a, func(tx *store.Tx) (xiangpei.Claim, error) {
		return tx.CreateClassClaim(a.Scope(), classID)
	})
}

func claimCount(t *testing.T, db *store.DB) int {
	t.Helper()
	ks, n, err := db.Claims(context.Background(), xiangpei.Scope{All: true}, store.ClaimFilter{}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	_ = ks
	return n
}

func lineOf(t *testing.T, ls []xiangpei.ClaimLine, personID int64) xiangpei.ClaimLine {
	t.Helper()
	for _, l := range ls {
		if l.PersonID == personID {
			return l
		}
	}
	t.Fatalf("no line for person %d", personID)
	return xiangpei.ClaimLine{}
}

// TestClaimClassAmountsAndTrace: the lines of a class claim are what the rule computes from the
// evidence (uplift, key group, cap), each with its trace and digest; refusals write nothing;
// recomputing after a withdrawal gives the same amounts and trace.
func TestClaimClassAmountsAndTrace(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newClaimWorld(t, db)
			w, ctx := x.w, context.Background()
			p0, p1, p2, p3 := x.persons[0], x.persons[1], x.persons[2], x.persons[3]

			// refusals, nothing written
			open := w.ApprovedClass(t, 10, 3)
			wantKind(t, "open class", func() error { _, err := x.create(w.InstA, open.ID); return err }(), xiangpei.Conflict, "claim.class_not_closed")
			wantKind(t, "another's class", func() error { _, err := x.create(w.OtherA, x.c.ID); return err }(), xiangpei.NotFound, "")
			wantKind(t, "officer", func() error { _, err := x.create(w.Officer, x.c.ID); return err }(), xiangpei.Forbidden, "claim.institution_only")
			if n := claimCount(t, db); n != 0 {
				t.Fatalf("refusals wrote %d claims", n)
			}

			// the preview and the claim agree with the rule applied to the evidence by hand
			_, rule, preview, err := db.ClassClaimPreview(ctx, w.InstA.Scope(), x.c.ID)
			if err != nil || rule.ID != x.rule.ID || len(preview) != 3 {
				t.Fatalf("preview: %v rule %d/%d %d lines", err, rule.ID, x.rule.ID, len(preview))
			}
			k, err := x.create(w.InstA, x.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if k.Status != xiangpei.ClaimDraft || k.Kind != xiangpei.ClaimInstitution || k.RuleID != x.rule.ID || k.RuleVersion != 1 ||
				k.Lines != 3 || k.PayableLines != 2 || k.ClassID != x.c.ID || k.County != "430211" {
				t.Fatalf("claim %+v", k)
			}
			lines, total, err := db.ClaimLines(ctx, w.InstA.Scope(), k.ID, store.Page{})
			if err != nil || total != 3 {
				t.Fatalf("lines: %v %d", err, total)
			}
			base := xiangpei.LineInput{Level: "5", OccupationCode: "4-10-01-05", AgeAtStart: 36, AttendedPct: 100, Completed: true,
				ClassEnd: x.c.LastSession.In(xiangpei.ChinaTime).Format(time.DateOnly), ClaimDay: "2026-12-10", UpliftPct: 20}
			in0 := base
			in0.CertLevel, in0.CertOccupation, in0.CertIssued, in0.CertValid = "5", "4-10-01-05", "2026-12-01", true
			in1 := in0
			in1.CertLevel, in1.KeyGroups = "4", []string{"migrant"}
			want := map[int64]xiangpei.LineResult{p0.ID: x.rule.Compute(in0), p1.ID: x.rule.Compute(in1), p2.ID: x.rule.Compute(base)}
			amounts := map[int64]int64{p0.ID: 120000, p1.ID: 140000, p2.ID: 120000} // 1000×1.2; 1200+300 capped at 1400; no certificate
			payable := map[int64]bool{p0.ID: true, p1.ID: true, p2.ID: false}
			var sum int64
			for pid, res := range want {
				l := lineOf(t, lines, pid)
				if l.AmountFen != res.AmountFen || l.AmountFen != amounts[pid] || l.Payable != payable[pid] || l.Payable != res.Payable {
					t.Errorf("person %d: %d payable %v, rule says %d %v", pid, l.AmountFen, l.Payable, res.AmountFen, res.Payable)
				}
				if len(l.Trace) != len(res.Trace) {
					t.Fatalf("trace %+v", l.Trace)
				}
				for i := range l.Trace {
					if l.Trace[i].Key != res.Trace[i].Key || l.Trace[i].Pass != res.Trace[i].Pass || l.Trace[i].Text != res.Trace[i].Text {
						t.Errorf("step %d: %+v want %+v", i, l.Trace[i], res.Trace[i])
					}
				}
				if !l.Intact() || l.RuleID != x.rule.ID || l.Status != xiangpei.ClaimDraft || l.Audit != xiangpei.AuditNotRun {
					t.Errorf("line %+v", l)
				}
				if l.Payable {
					sum += l.AmountFen
				}
			}
			if k.TotalFen != sum || sum != 260000 {
				t.Errorf("total %d, lines %d", k.TotalFen, sum)
			}
			if l := lineOf(t, lines, p0.ID); l.CertificateID != x.certs[p0.ID].ID {
				t.Errorf("certificate of the line: %d", l.CertificateID)
			}
			if l := lineOf(t, lines, p1.ID); l.Trace[len(l.Trace)-1].Key != "trace.capped" {
				t.Errorf("cap not traced: %+v", l.Trace)
			}
			for _, l := range lines {
				if l.PersonID == p3.ID {
					t.Error("a trainee who did not complete has a line")
				}
			}
			// a hand-edited amount no longer matches its digest
			edited := lineOf(t, lines, p0.ID)
			edited.AmountFen++
			if edited.Intact() {
				t.Error("an edited line still looks intact")
			}

			// the class is claimed once; another create writes nothing
			wantKind(t, "claimed twice", func() error { _, err := x.create(w.InstA, x.c.ID); return err }(), xiangpei.Conflict, "claim.class_claimed")
			if cs, err := db.ClaimableClasses(ctx, w.InstA.Scope()); err != nil || len(cs) != 0 {
				t.Errorf("claimable after claiming: %v %d", err, len(cs))
			}
			// reading in scope
			if _, err := db.Claim(ctx, w.OtherA.Scope(), k.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another institution reads the claim: %v", err)
			}
			if _, err := db.Claim(ctx, w.OOfficer.Scope(), k.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another county reads the claim: %v", err)
			}
			if _, err := db.Claim(ctx, w.Officer.Scope(), k.ID); err != nil {
				t.Errorf("the county reads the claim: %v", err)
			}
			if ks, n, err := db.Claims(ctx, w.Officer.Scope(), store.ClaimFilter{Status: xiangpei.ClaimDraft}, store.Page{}); err != nil || n != 1 || ks[0].ID != k.ID {
				t.Errorf("county list: %v %d", err, n)
			}
			mine, err := db.ClaimsOf(ctx, xiangpei.Scope{PersonID: p1.ID}, p1.ID)
			if err != nil || len(mine) != 1 || mine[0].AmountFen != 140000 || mine[0].ClaimStatus != xiangpei.ClaimDraft || mine[0].ClassName == "" {
				t.Errorf("person's lines: %v %+v", err, mine)
			}
			if other, err := db.ClaimsOf(ctx, xiangpei.Scope{PersonID: p0.ID}, p1.ID); err != nil || len(other) != 0 {
				t.Errorf("another person's lines: %v %d", err, len(other))
			}

			// withdraw (stale first), then claim again: same amounts and trace
			if _, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Claim, error) {
				return tx.WithdrawClaim(w.InstA.Scope(), k.ID, k.Version+1)
			}); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("stale withdraw: %v", err)
			}
			wd, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Claim, error) {
				return tx.WithdrawClaim(w.InstA.Scope(), k.ID, k.Version)
			})
			if err != nil || wd.Status != xiangpei.ClaimWithdrawn {
				t.Fatalf("withdraw: %v %s", err, wd.Status)
			}
			k2, err := x.create(w.InstA, x.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			lines2, _, err := db.ClaimLines(ctx, w.InstA.Scope(), k2.ID, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range lines {
				l2 := lineOf(t, lines2, l.PersonID)
				if l2.AmountFen != l.AmountFen || l2.Payable != l.Payable || !reflect.DeepEqual(l2.Trace, l.Trace) {
					t.Errorf("recomputed %+v, was %+v", l2, l)
				}
			}
			// submit: only the claimant, at the current version; a submitted claim is not withdrawn
			if _, err := store.Do(ctx, db, w.Officer, func(tx *store.Tx) (xiangpei.Claim, error) {
				return tx.SubmitClaim(w.Officer.Scope(), k2.ID, k2.Version)
			}); !xiangpei.IsKind(err, xiangpei.Forbidden) {
				t.Errorf("officer submits: %v", err)
			}
			sub, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Claim, error) {
				return tx.SubmitClaim(w.InstA.Scope(), k2.ID, k2.Version)
			})
			if err != nil || sub.Status != xiangpei.ClaimSubmitted || sub.SubmittedAt.IsZero() {
				t.Fatalf("submit: %v %+v", err, sub)
			}
			if _, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Claim, error) {
				return tx.WithdrawClaim(w.InstA.Scope(), sub.ID, sub.Version)
			}); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("withdraw a submitted claim: %v", err)
			}
			if ls, _, _ := db.ClaimLines(ctx, w.InstA.Scope(), sub.ID, store.Page{}); ls[0].Status != xiangpei.ClaimSubmitted {
				t.Errorf("lines did not move: %s", ls[0].Status)
			}
		})
	}
}

// TestClaimOneLiveClaim: two institution claims for the same class at once: exactly one wins.
func TestClaimOneLiveClaim(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newClaimWorld(t, db)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = x.create(x.w.InstA, x.c.ID)
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !xiangpei.IsKind(err, xiangpei.Conflict):
					t.Errorf("loser: %v", err)
				}
			}
			if won != 1 || claimCount(t, db) != 1 {
				t.Errorf("%d won, %d claims", won, claimCount(t, db))
			}
		})
	}
}

// TestClaimPerson: a person claims for their own certificate when no institution claim covers
// it; the institution's later claim leaves that trainee out; refusals write nothing.
func TestClaimPerson(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newClaimWorld(t, db)
			w, ctx := x.w, context.Background()
			p0, p1 := x.persons[0], x.persons[1]
			person := func(pid, cert int64) (xiangpei.Claim, error) {
				a := xiangpei.Actor{Name: "p", Role: xiangpei.RolePerson, PersonID: pid}
				return store.Do(ctx, db, a, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.CreatePersonClaim(pid, cert) })
			}
			wantKind(t, "another's certificate", func() error { _, err := person(p1.ID, x.certs[p0.ID].ID); return err }(), xiangpei.NotFound, "")
			k, err := person(p0.ID, x.certs[p0.ID].ID)
			if err != nil {
				t.Fatal(err)
			}
			if k.Kind != xiangpei.ClaimPerson || k.Lines != 1 || k.TotalFen != 120000 || k.PersonID != p0.ID || k.CertificateID != x.certs[p0.ID].ID {
				t.Fatalf("person claim %+v", k)
			}
			wantKind(t, "claimed twice", func() error { _, err := person(p0.ID, x.certs[p0.ID].ID); return err }(), xiangpei.Conflict, "claim.covered")
			if n := claimCount(t, db); n != 1 {
				t.Errorf("%d claims", n)
			}
			ik, err := x.create(w.InstA, x.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			ls, _, err := db.ClaimLines(ctx, w.InstA.Scope(), ik.ID, store.Page{})
			if err != nil || len(ls) != 2 {
				t.Fatalf("institution lines: %v %d", err, len(ls))
			}
			for _, l := range ls {
				if l.PersonID == p0.ID {
					t.Error("the person's own claim is claimed again by the institution")
				}
			}
			wantKind(t, "covered by the institution", func() error { _, err := person(p1.ID, x.certs[p1.ID].ID); return err }(), xiangpei.Conflict, "claim.covered")
			if mine, err := db.ClaimsOf(ctx, xiangpei.Scope{PersonID: p0.ID}, p0.ID); err != nil || len(mine) != 1 || mine[0].ClaimKind != xiangpei.ClaimPerson {
				t.Errorf("own lines: %v %+v", err, mine)
			}
			if ks, n, err := db.Claims(ctx, xiangpei.Scope{PersonID: p0.ID}, store.ClaimFilter{}, store.Page{}); err != nil || n != 1 || ks[0].ID != k.ID {
				t.Errorf("own claims: %v %d", err, n)
			}
		})
	}
}
