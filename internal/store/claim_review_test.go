package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// The review officers of the claim tests: the county officer holds both review duties (so that
// maker ≠ checker is about the account, not the duty), a second county officer, and the city.
var (
	crCounty  = xiangpei.Actor{AccountID: 501, Name: "ty_review", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyClaimReview1, xiangpei.DutyClaimReview2}}
	crCounty2 = xiangpei.Actor{AccountID: 502, Name: "ty_review2", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyClaimReview1}}
	crCity    = xiangpei.Actor{AccountID: 503, Name: "zz_review", Role: xiangpei.RoleOfficer, Region: "430200", Duties: xiangpei.Duties{xiangpei.DutyClaimReview2}}
	crOther   = xiangpei.Actor{AccountID: 504, Name: "ht_review", Role: xiangpei.RoleOfficer, Region: "430202", Duties: xiangpei.Duties{xiangpei.DutyClaimReview1, xiangpei.DutyClaimReview2}}
)

func crDo[T any](t *testing.T, db *store.DB, a xiangpei.Actor, fn func(tx *store.Tx) (T, error)) (T, error) {
	t.Helper()
	return store.Do(context.Background(), db, a, fn)
}

// crSubmitted makes and submits the claim of the claim world: lines of persons 0 and 1
// payable, person 2's not (no certificate).
func crSubmitted(t *testing.T, x *claimWorld) xiangpei.Claim {
	t.Helper()
	k, err := x.create(x.w.InstA, x.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	k, err = crDo(t, x.db, x.w.InstA, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.SubmitClaim(x.w.InstA.Scope(), k.ID, k.Version) })
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func crLines(t *testing.T, db *store.DB, k int64) []xiangpei.ClaimLine {
	t.Helper()
	ls, _, err := db.ClaimLines(context.Background(), xiangpei.Scope{All: true}, k, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

func crDecide(t *testing.T, db *store.DB, a xiangpei.Actor, l xiangpei.ClaimLine, d store.LineDecision) (xiangpei.ClaimLine, error) {
	t.Helper()
	return crDo(t, db, a, func(tx *store.Tx) (xiangpei.ClaimLine, error) { return tx.DecideLine(a.Scope(), l.ID, l.Version, d) })
}

func crClaim(t *testing.T, db *store.DB, id int64) xiangpei.Claim {
	t.Helper()
	k, err := db.Claim(context.Background(), xiangpei.Scope{All: true}, id)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// toNotice takes the claim through both steps: the county reduces person 0's line to ¥500,
// approves person 1's and rejects person 2's; the city approves both; the city passes it.
func toNotice(t *testing.T, x *claimWorld, k xiangpei.Claim) (xiangpei.Claim, store.Notice) {
	t.Helper()
	db := x.db
	k, err := crDo(t, db, crCounty, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.AcceptClaim(crCounty.Scope(), k.ID, k.Version) })
	if err != nil || k.Status != xiangpei.ClaimReview1 {
		t.Fatalf("accept: %v %+v", err, k)
	}
	ls := crLines(t, db, k.ID)
	if _, err := crDecide(t, db, crCounty, lineOf(t, ls, x.persons[0].ID), store.LineDecision{Decision: store.DecisionReduce, AmountFen: 50000, Reason: "部分课时存疑"}); err != nil {
		t.Fatal(err)
	}
	if _, err := crDecide(t, db, crCounty, lineOf(t, ls, x.persons[1].ID), store.LineDecision{Decision: store.DecisionApprove}); err != nil {
		t.Fatal(err)
	}
	if _, err := crDecide(t, db, crCounty, lineOf(t, ls, x.persons[2].ID), store.LineDecision{Decision: store.DecisionReject, Reason: "无证书"}); err != nil {
		t.Fatal(err)
	}
	k = crClaim(t, db, k.ID)
	k, err = crDo(t, db, crCounty, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.PassClaim(crCounty.Scope(), k.ID, k.Version) })
	if err != nil || k.Status != xiangpei.ClaimReview2 {
		t.Fatalf("pass 1: %v %+v", err, k)
	}
	ls = crLines(t, db, k.ID)
	for _, p := range x.persons[:2] {
		if _, err := crDecide(t, db, crCity, lineOf(t, ls, p.ID), store.LineDecision{Decision: store.DecisionApprove}); err != nil {
			t.Fatal(err)
		}
	}
	k, err = crDo(t, db, crCity, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.PassClaim(crCity.Scope(), k.ID, k.Version) })
	if err != nil || k.Status != xiangpei.ClaimNotice {
		t.Fatalf("pass 2: %v %+v", err, k)
	}
	n, err := db.NoticeOfClaim(context.Background(), crCity.Scope(), k.ID)
	if err != nil {
		t.Fatal(err)
	}
	return k, n
}

// TestClaimReviewWholePath: submitted → review_1 (one line reduced, one rejected) → review_2 →
// notice → approved; the total follows the lines; maker ≠ checker; the notice ends after five
// working days counted over a weekend and a holiday; scope and duties are enforced.
func TestClaimReviewWholePath(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newClaimWorld(t, db)
			ctx := context.Background()
			// Monday 14 December 2026 is made a holiday; the clock is Thursday 10 December 10:00
			if err := db.Tx(ctx, x.w.Admin, func(tx *store.Tx) error { return tx.SetCalendarDay("2026-12-14", xiangpei.DayHoliday, "测试假日") }); err != nil {
				t.Fatal(err)
			}
			k := crSubmitted(t, x)
			computed := lineOf(t, crLines(t, db, k.ID), x.persons[1].ID).AmountFen

			// refusals: another county (not found), an institution, a city officer at step 1
			wantKind(t, "other county", func() error {
				_, err := crDo(t, db, crOther, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.AcceptClaim(crOther.Scope(), k.ID, k.Version) })
				return err
			}(), xiangpei.NotFound, "")
			wantKind(t, "institution", func() error {
				_, err := crDo(t, db, x.w.InstA, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.AcceptClaim(x.w.InstA.Scope(), k.ID, k.Version) })
				return err
			}(), xiangpei.Forbidden, "claimreview.duty")
			wantKind(t, "city at step 1", func() error {
				_, err := crDo(t, db, crCity, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.AcceptClaim(crCity.Scope(), k.ID, k.Version) })
				return err
			}(), xiangpei.Forbidden, "claimreview.duty")
			wantKind(t, "decide before taking up", func() error {
				_, err := crDecide(t, db, crCounty, crLines(t, db, k.ID)[0], store.LineDecision{Decision: store.DecisionApprove})
				return err
			}(), xiangpei.Conflict, "claimreview.not_in_review")

			// step 1 with bad input first
			k, err := crDo(t, db, crCounty, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.AcceptClaim(crCounty.Scope(), k.ID, k.Version) })
			if err != nil {
				t.Fatal(err)
			}
			ls := crLines(t, db, k.ID)
			l0 := lineOf(t, ls, x.persons[0].ID)
			wantKind(t, "reduce above", func() error {
				_, err := crDecide(t, db, crCounty, l0, store.LineDecision{Decision: store.DecisionReduce, AmountFen: l0.AmountFen, Reason: "理由充分"})
				return err
			}(), xiangpei.Invalid, "claimreview.reduce_amount")
			wantKind(t, "reduce without reason", func() error {
				_, err := crDecide(t, db, crCounty, l0, store.LineDecision{Decision: store.DecisionReduce, AmountFen: 100})
				return err
			}(), xiangpei.Invalid, "claimreview.reason")
			wantKind(t, "approve the unpayable", func() error {
				_, err := crDecide(t, db, crCounty, lineOf(t, ls, x.persons[2].ID), store.LineDecision{Decision: store.DecisionApprove})
				return err
			}(), xiangpei.Conflict, "claimreview.not_payable")
			wantKind(t, "pass undecided", func() error {
				_, err := crDo(t, db, crCounty, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.PassClaim(crCounty.Scope(), k.ID, k.Version) })
				return err
			}(), xiangpei.Conflict, "claimreview.undecided")

			// the county decides and passes; the city's step is refused to the county's account
			if _, err := crDecide(t, db, crCounty, l0, store.LineDecision{Decision: store.DecisionReduce, AmountFen: 50000, Reason: "部分课时存疑"}); err != nil {
				t.Fatal(err)
			}
			if _, err := crDecide(t, db, crCounty, lineOf(t, ls, x.persons[1].ID), store.LineDecision{Decision: store.DecisionApprove}); err != nil {
				t.Fatal(err)
			}
			if _, err := crDecide(t, db, crCounty, lineOf(t, ls, x.persons[2].ID), store.LineDecision{Decision: store.DecisionReject, Reason: "无证书"}); err != nil {
				t.Fatal(err)
			}
			k = crClaim(t, db, k.ID)
			if k.TotalFen != 50000+computed {
				t.Fatalf("total after step 1 = %d, want %d", k.TotalFen, 50000+computed)
			}
			k, err = crDo(t, db, crCounty, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.PassClaim(crCounty.Scope(), k.ID, k.Version) })
			if err != nil || k.Status != xiangpei.ClaimReview2 {
				t.Fatalf("pass 1: %v %+v", err, k)
			}
			ls = crLines(t, db, k.ID)
			wantKind(t, "maker is checker", func() error {
				_, err := crDecide(t, db, crCounty, lineOf(t, ls, x.persons[1].ID), store.LineDecision{Decision: store.DecisionApprove})
				return err
			}(), xiangpei.Forbidden, "claimreview.maker_checker")
			wantKind(t, "maker passes step 2", func() error {
				_, err := crDo(t, db, crCounty, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.PassClaim(crCounty.Scope(), k.ID, k.Version) })
				return err
			}(), xiangpei.Forbidden, "claimreview.maker_checker")
			for _, p := range x.persons[:2] {
				if _, err := crDecide(t, db, crCity, lineOf(t, ls, p.ID), store.LineDecision{Decision: store.DecisionApprove}); err != nil {
					t.Fatal(err)
				}
			}
			k, err = crDo(t, db, crCity, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.PassClaim(crCity.Scope(), k.ID, k.Version) })
			if err != nil || k.Status != xiangpei.ClaimNotice || k.TotalFen != 50000+computed {
				t.Fatalf("pass 2: %v %+v", err, k)
			}
			ls = crLines(t, db, k.ID)
			if l := lineOf(t, ls, x.persons[0].ID); l.Status != xiangpei.ClaimNotice || l.AmountFen != l0.AmountFen || l.ReducedFen != 50000 || l.ReduceReason != "部分课时存疑" || !l.Intact() {
				t.Fatalf("reduced line %+v", l)
			}
			if l := lineOf(t, ls, x.persons[2].ID); l.Status != xiangpei.ClaimRejected {
				t.Fatalf("rejected line %+v", l)
			}
			decisions, err := db.ClaimDecisions(ctx, crCity.Scope(), k.ID)
			if err != nil || len(decisions) != 7 {
				t.Fatalf("decisions: %v %d", err, len(decisions))
			}

			// the notice: five working days from Thursday 10 December 10:00 skip the weekend and
			// the Monday holiday: Fri 11, Tue 15, Wed 16, Thu 17, Fri 18 December 10:00
			n, err := db.NoticeOfClaim(ctx, crCity.Scope(), k.ID)
			want := time.Date(2026, 12, 18, 10, 0, 0, 0, xiangpei.ChinaTime)
			if err != nil || !n.Ends.Equal(want) || n.Status != store.NoticeOpen || n.Lines != 2 || n.Workdays != 5 {
				t.Fatalf("notice %+v %v, want end %v", n, err, want)
			}
			pub, total, err := db.NoticeLines(ctx, n.ID, store.Page{})
			if err != nil || total != 2 {
				t.Fatalf("notice lines %v %d", err, total)
			}
			for _, l := range pub {
				if l.MaskedName == "" || l.MaskedName == x.persons[0].Name || l.MaskedName == x.persons[1].Name || len(l.MaskedID) != 18 ||
					l.MaskedID == string(x.persons[0].IDNumber) || l.MaskedID == string(x.persons[1].IDNumber) {
					t.Fatalf("unmasked %+v", l)
				}
			}

			// before the end nothing moves; at the end the lines and the claim are approved
			x.w.Clock.Set(want.Add(-time.Minute))
			if c, err := db.CloseNotices(ctx, crCity); err != nil || c != 0 {
				t.Fatalf("close before the end: %d %v", c, err)
			}
			x.w.Clock.Set(want)
			if c, err := db.CloseNotices(ctx, crCity); err != nil || c != 2 {
				t.Fatalf("close at the end: %d %v", c, err)
			}
			k = crClaim(t, db, k.ID)
			if k.Status != xiangpei.ClaimApproved || k.TotalFen != 50000+computed {
				t.Fatalf("approved claim %+v", k)
			}
			for _, p := range x.persons[:2] {
				if l := lineOf(t, crLines(t, db, k.ID), p.ID); l.Status != xiangpei.ClaimApproved {
					t.Fatalf("line %+v", l)
				}
			}
			if n, _ := db.NoticeOfClaim(ctx, crCity.Scope(), k.ID); n.Status != store.NoticeClosed {
				t.Fatalf("notice %+v", n)
			}
			if c, err := db.CloseNotices(ctx, crCity); err != nil || c != 0 {
				t.Fatalf("close again: %d %v", c, err)
			}
		})
	}
}

// TestClaimReviewConcurrentDecisions: two officers decide the same line, and pass the same
// claim, at the same moment: exactly one of each wins, the other is told.
func TestClaimReviewConcurrentDecisions(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newClaimWorld(t, db)
			k := crSubmitted(t, x)
			k, err := crDo(t, db, crCounty, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.AcceptClaim(crCounty.Scope(), k.ID, k.Version) })
			if err != nil {
				t.Fatal(err)
			}
			l := lineOf(t, crLines(t, db, k.ID), x.persons[0].ID)
			{
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i, a := range []xiangpei.Actor{crCounty, crCounty2} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						d := store.LineDecision{Decision: store.DecisionApprove}
						if i == 1 {
							d = store.LineDecision{Decision: store.DecisionReduce, AmountFen: 100, Reason: "证书可疑"}
						}
						_, errs[i] = store.Do(context.Background(), db, a, func(tx *store.Tx) (xiangpei.ClaimLine, error) {
							return tx.DecideLine(a.Scope(), l.ID, l.Version, d)
						})
					}()
				}
				wg.Wait()
				ok := 0
				for _, err := range errs {
					if err == nil {
						ok++
					} else if e, is := err.(*xiangpei.Error); !is || e.Kind != xiangpei.Conflict {
						t.Fatalf("loser: %v", err)
					}
				}
				if ok != 1 {
					t.Fatalf("%d winners (%v)", ok, errs)
				}
				ds, _ := db.ClaimDecisions(context.Background(), xiangpei.Scope{All: true}, k.ID)
				if len(ds) != 1 {
					t.Fatalf("%d decisions", len(ds))
				}
				// a later decision at the same step is refused too, even at the fresh version
				fresh := lineOf(t, crLines(t, db, k.ID), x.persons[0].ID)
				_, err := crDecide(t, db, crCounty2, fresh, store.LineDecision{Decision: store.DecisionApprove})
				wantKind(t, "second decision", err, xiangpei.Conflict, "claimreview.already_decided")
			}
			// two passes of the same claim: one wins
			for _, p := range x.persons[1:3] {
				l := lineOf(t, crLines(t, db, k.ID), p.ID)
				if _, err := crDecide(t, db, crCounty, l, store.LineDecision{Decision: store.DecisionReject, Reason: "不符合"}); err != nil {
					t.Fatal(err)
				}
			}
			k = crClaim(t, db, k.ID)
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, a := range []xiangpei.Actor{crCounty, crCounty2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = store.Do(context.Background(), db, a, func(tx *store.Tx) (xiangpei.Claim, error) {
						return tx.PassClaim(a.Scope(), k.ID, k.Version)
					})
				}()
			}
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("pass race: %v", errs)
			}
			if k = crClaim(t, db, k.ID); k.Status != xiangpei.ClaimReview2 {
				t.Fatalf("claim %+v", k)
			}
		})
	}
}

// TestClaimNoticeObjection: an objection holds a line past the notice's end while the other
// line is approved; dismissing it after the end approves the line and the claim; a second
// claim's upheld objection rejects the line and lowers the total. Bad objections write nothing.
func TestClaimNoticeObjection(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newClaimWorld(t, db)
			ctx := context.Background()
			k, n := toNotice(t, x, crSubmitted(t, x))
			ls := crLines(t, db, k.ID)
			l1 := lineOf(t, ls, x.persons[1].ID)
			public := xiangpei.Actor{Name: "public"}
			object := func(line int64, text string) error {
				_, err := crDo(t, db, public, func(tx *store.Tx) (store.Objection, error) {
					return tx.Object(n.ID, store.ObjectionInput{LineID: line, Text: text, Contact: "13800000000", IP: "10.0.0.1"})
				})
				return err
			}
			wantKind(t, "short", object(l1.ID, "太短"), xiangpei.Invalid, "notice.objection_text")
			wantKind(t, "rejected line", object(lineOf(t, ls, x.persons[2].ID).ID, "这个人根本没有来上课，请核查。"), xiangpei.Conflict, "notice.line_closed")
			if err := object(l1.ID, "这个人根本没有来上课，请核查。"); err != nil {
				t.Fatal(err)
			}
			if l := lineOf(t, crLines(t, db, k.ID), x.persons[1].ID); l.Status != xiangpei.LineObjection {
				t.Fatalf("held line %+v", l)
			}
			os, total, err := db.Objections(ctx, crCity.Scope(), store.ObjectionFilter{Status: store.ObjectionOpen}, store.Page{})
			if err != nil || total != 1 || os[0].LineID != l1.ID || os[0].Contact != "13800000000" {
				t.Fatalf("objections %v %d %+v", err, total, os)
			}
			if _, total, _ := db.Objections(ctx, crOther.Scope(), store.ObjectionFilter{}, store.Page{}); total != 0 {
				t.Fatalf("another county sees %d objections", total)
			}

			// past the end: the held line stays held, the other is approved, the claim waits
			x.w.Clock.Set(n.Ends.Add(time.Hour))
			wantKind(t, "after the end", object(lineOf(t, ls, x.persons[0].ID).ID, "这个人根本没有来上课，请核查。"), xiangpei.Conflict, "notice.ended")
			if c, err := db.CloseNotices(ctx, crCity); err != nil || c != 1 {
				t.Fatalf("close: %d %v", c, err)
			}
			if l := lineOf(t, crLines(t, db, k.ID), x.persons[1].ID); l.Status != xiangpei.LineObjection {
				t.Fatalf("held line after the end %+v", l)
			}
			if k := crClaim(t, db, k.ID); k.Status != xiangpei.ClaimNotice {
				t.Fatalf("claim with a held line %+v", k)
			}
			// only a city reviewer in region resolves; dismissing approves the line and the claim
			held := lineOf(t, crLines(t, db, k.ID), x.persons[1].ID)
			resolve := func(a xiangpei.Actor, uphold bool) (xiangpei.ClaimLine, error) {
				return crDo(t, db, a, func(tx *store.Tx) (xiangpei.ClaimLine, error) {
					return tx.ResolveLine(a.Scope(), held.ID, held.Version, uphold, "经核查出勤记录完整")
				})
			}
			_, err = resolve(crCounty2, false)
			wantKind(t, "county without duty", err, xiangpei.Forbidden, "claimreview.duty")
			_, err = resolve(crOther, false)
			wantKind(t, "other county", err, xiangpei.NotFound, "")
			if l, err := resolve(crCity, false); err != nil || l.Status != xiangpei.ClaimApproved {
				t.Fatalf("dismiss: %v %+v", err, l)
			}
			if k := crClaim(t, db, k.ID); k.Status != xiangpei.ClaimApproved {
				t.Fatalf("claim %+v", k)
			}
			os, _, _ = db.Objections(ctx, crCity.Scope(), store.ObjectionFilter{}, store.Page{})
			if len(os) != 1 || os[0].Status != store.ObjectionDismissed || os[0].Resolver != crCity.Name {
				t.Fatalf("objections %+v", os)
			}
		})
	}
}

// TestClaimNoticeUphold: an upheld objection rejects the line and the claim's total drops to
// the remaining line; the claim is approved at the end with that line.
func TestClaimNoticeUphold(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newClaimWorld(t, db)
			ctx := context.Background()
			k, n := toNotice(t, x, crSubmitted(t, x))
			l0 := lineOf(t, crLines(t, db, k.ID), x.persons[0].ID)
			if _, err := crDo(t, db, xiangpei.Actor{Name: "public"}, func(tx *store.Tx) (store.Objection, error) {
				return tx.Object(n.ID, store.ObjectionInput{LineID: l0.ID, Text: "此人当时在外地打工，未参加培训。", IP: "10.0.0.2"})
			}); err != nil {
				t.Fatal(err)
			}
			held := lineOf(t, crLines(t, db, k.ID), x.persons[0].ID)
			l, err := crDo(t, db, crCity, func(tx *store.Tx) (xiangpei.ClaimLine, error) {
				return tx.ResolveLine(crCity.Scope(), held.ID, held.Version, true, "核实未参训")
			})
			if err != nil || l.Status != xiangpei.ClaimRejected {
				t.Fatalf("uphold: %v %+v", err, l)
			}
			l1 := lineOf(t, crLines(t, db, k.ID), x.persons[1].ID)
			if k := crClaim(t, db, k.ID); k.TotalFen != l1.AmountFen {
				t.Fatalf("total %d, want %d", k.TotalFen, l1.AmountFen)
			}
			// the upheld line stays on the public notice, as rejected
			pub, _, _ := db.NoticeLines(ctx, n.ID, store.Page{})
			if len(pub) != 2 {
				t.Fatalf("public lines %+v", pub)
			}
			x.w.Clock.Set(n.Ends)
			if _, err := db.CloseNotices(ctx, crCity); err != nil {
				t.Fatal(err)
			}
			if k := crClaim(t, db, k.ID); k.Status != xiangpei.ClaimApproved {
				t.Fatalf("claim %+v", k)
			}
		})
	}
}
