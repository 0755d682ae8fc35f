package store_test

import (
	"context"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// reviewAll takes a submitted claim through both review steps (every payable line approved,
// the others rejected) into its notice, and returns the notice.
func reviewAll(t *testing.T, x *claimWorld, k xiangpei.Claim) store.Notice {
	t.Helper()
	db := x.db
	k, err := crDo(t, db, crCounty, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.AcceptClaim(crCounty.Scope(), k.ID, k.Version) })
	if err != nil {
		t.Fatalf("accept: %v", err)
	}
	for _, a := range []xiangpei.Actor{crCounty, crCity} {
		for _, l := range crLines(t, db, k.ID) {
			d := store.LineDecision{Decision: store.DecisionApprove}
			if !l.Payable {
				d = store.LineDecision{Decision: store.DecisionReject, Reason: "不符合条件"}
				if l.Status == xiangpei.ClaimRejected {
					continue
				}
			}
			if _, err := crDecide(t, db, a, l, d); err != nil {
				t.Fatal(err)
			}
		}
		k = crClaim(t, db, k.ID)
		if k, err = crDo(t, db, a, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.PassClaim(a.Scope(), k.ID, k.Version) }); err != nil {
			t.Fatalf("pass: %v", err)
		}
	}
	n, err := db.NoticeOfClaim(context.Background(), crCity.Scope(), k.ID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPaymentLeavesOutLinesWithoutAccount: person 0 claims for themself (no bank account),
// the institution for person 1 (its settlement account registered); a batch pays person 1's
// line only and counts person 0's as waiting for an account, and the waiting payee is listed;
// once person 0 registers an account, the next batch pays the line. Naming a line without an
// account refuses the batch, nothing written.
func TestPaymentLeavesOutLinesWithoutAccount(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			x := newClaimWorld(t, db)
			p0 := x.persons[0]
			pa := xiangpei.Actor{Name: "p0", Role: xiangpei.RolePerson, PersonID: p0.ID}
			pk, err := crDo(t, db, pa, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.CreatePersonClaim(p0.ID, x.certs[p0.ID].ID) })
			if err != nil {
				t.Fatal(err)
			}
			if pk, err = crDo(t, db, pa, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.SubmitClaim(pa.Scope(), pk.ID, pk.Version) }); err != nil {
				t.Fatal(err)
			}
			ik := crSubmitted(t, x)
			reviewAll(t, x, pk)
			n := reviewAll(t, x, ik)
			x.w.Clock.Set(n.Ends.Add(time.Hour))
			in := acct
			in.AccountName = x.w.Inst.Name
			if _, err := crDo(t, db, x.w.InstA, func(tx *store.Tx) (store.BankAccount, error) {
				return tx.SetOrgBankAccount(x.w.InstA.Scope(), x.w.Inst.ID, in)
			}); err != nil {
				t.Fatal(err)
			}
			county := payBudget(t, db, payCounty, "430211", 1_000_000)
			l0 := lineOf(t, crLines(t, db, pk.ID), p0.ID)
			_, err = payBuild(t, db, payCounty, store.BatchInput{BudgetID: county.ID, LineIDs: []int64{l0.ID}})
			wantKind(t, "named line without an account", err, xiangpei.Conflict, "payment.no_account")
			if _, n, _ := db.Batches(ctx, xiangpei.Scope{All: true}, store.BatchFilter{}, store.Page{}); n != 0 {
				t.Fatalf("refused build wrote %d batches", n)
			}

			b, err := payBuild(t, db, payCounty, store.BatchInput{BudgetID: county.ID})
			if err != nil || b.Items != 1 || b.LeftOut != 1 {
				t.Fatalf("build: %v %+v", err, b)
			}
			items, _, err := db.BatchItems(ctx, payCounty.Scope(), b.ID, store.Page{})
			if err != nil || len(items) != 1 || items[0].PayeeKind != "institution" || items[0].AccountNo == "" {
				t.Fatalf("items %v %+v", err, items)
			}
			if got, err := db.Batch(ctx, payCounty.Scope(), b.ID); err != nil || got.LeftOut != 1 {
				t.Fatalf("batch read %v %+v", err, got)
			}
			waiting, err := db.PayeesWithoutAccount(ctx, payCounty.Scope(), county.ID)
			if err != nil || len(waiting) != 1 || waiting[0].Kind != "person" || waiting[0].PersonID != p0.ID || waiting[0].Lines != 1 ||
				waiting[0].AmountFen != store.EffectiveFen(l0) || waiting[0].Name != p0.Name {
				t.Fatalf("waiting payees %v %+v", err, waiting)
			}
			if _, err := db.PayeesWithoutAccount(ctx, payOther.Scope(), county.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("another county's officer: %v", err)
			}
			assertLedgerBalanced(t, db)

			pin := acct
			pin.AccountName = p0.Name
			if _, err := crDo(t, db, pa, func(tx *store.Tx) (store.BankAccount, error) { return tx.SetPersonBankAccount(pa.Scope(), p0.ID, pin) }); err != nil {
				t.Fatal(err)
			}
			b2, err := payBuild(t, db, payCounty, store.BatchInput{BudgetID: county.ID})
			if err != nil || b2.Items != 1 || b2.LeftOut != 0 {
				t.Fatalf("build after the account: %v %+v", err, b2)
			}
			if waiting, err := db.PayeesWithoutAccount(ctx, payCounty.Scope(), county.ID); err != nil || len(waiting) != 0 {
				t.Fatalf("still waiting %v %+v", err, waiting)
			}
			assertLedgerBalanced(t, db)
		})
	}
}
