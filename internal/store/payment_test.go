package store_test

import (
	"bytes"
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

var (
	payCounty = xiangpei.Actor{AccountID: 601, Name: "ty_pay", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyPayment}}
	payCity   = xiangpei.Actor{AccountID: 602, Name: "zz_pay", Role: xiangpei.RoleOfficer, Region: "430200", Duties: xiangpei.Duties{xiangpei.DutyPayment}}
	payOther  = xiangpei.Actor{AccountID: 603, Name: "ht_pay", Role: xiangpei.RoleOfficer, Region: "430202", Duties: xiangpei.Duties{xiangpei.DutyPayment}}
)

// payWorld takes the claim world's claim through review and notice and moves the clock past
// the notice's end: persons 0 and 1 have payable lines (0 reduced to ¥500) that the first batch
// build approves (CloseNotices). The institution's staff has registered its settlement account
// (a batch leaves out the lines whose payee has none).
func payWorld(t *testing.T, db *store.DB) (*claimWorld, xiangpei.Claim) {
	t.Helper()
	x, k := payWorldBare(t, db)
	in := acct
	in.AccountName = x.w.Inst.Name
	if _, err := crDo(t, db, x.w.InstA, func(tx *store.Tx) (store.BankAccount, error) {
		return tx.SetOrgBankAccount(x.w.InstA.Scope(), x.w.Inst.ID, in)
	}); err != nil {
		t.Fatal(err)
	}
	return x, k
}

// payWorldBare is payWorld before any bank account is registered.
func payWorldBare(t *testing.T, db *store.DB) (*claimWorld, xiangpei.Claim) {
	t.Helper()
	x := newClaimWorld(t, db)
	k, n := toNotice(t, x, crSubmitted(t, x))
	x.w.Clock.Set(n.Ends.Add(time.Hour))
	return x, k
}

func payBudget(t *testing.T, db *store.DB, a xiangpei.Actor, region string, fen int64) xiangpei.Budget {
	t.Helper()
	b, err := crDo(t, db, a, func(tx *store.Tx) (xiangpei.Budget, error) {
		return tx.SetBudget(xiangpei.Budget{Region: region, Year: 2026, AmountFen: fen, Note: "测试预算"})
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func payBuild(t *testing.T, db *store.DB, a xiangpei.Actor, in store.BatchInput) (store.Batch, error) {
	t.Helper()
	return crDo(t, db, a, func(tx *store.Tx) (store.Batch, error) { return tx.BuildBatch(a.Scope(), in) })
}

// assertLedgerBalanced checks R3 over the whole ledger: every entry well formed with equal
// debit and credit, per budget no account negative (the budget's remaining included), and the
// ledger agrees with the items: reserved = items in payment, paid = items paid, clawed back =
// items clawed back, payable = second stages held (staged payment).
func assertLedgerBalanced(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	admin := xiangpei.Actor{AccountID: 1, Name: "admin", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}
	es, _, err := db.LedgerEntries(ctx, admin, store.LedgerFilter{}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	per := map[int64][]xiangpei.Entry{}
	all := make([]xiangpei.Entry, 0, len(es))
	for _, e := range es {
		per[e.BudgetID] = append(per[e.BudgetID], e.Entry)
		all = append(all, e.Entry)
	}
	if _, err := xiangpei.Balanced(all); err != nil {
		t.Fatalf("ledger: %v", err)
	}
	want := map[int64]xiangpei.Balances{}
	batches, _, err := db.Batches(ctx, xiangpei.Scope{All: true}, store.BatchFilter{}, store.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		items, _, err := db.BatchItems(ctx, xiangpei.Scope{All: true}, b.ID, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if want[b.BudgetID] == nil {
			want[b.BudgetID] = xiangpei.Balances{}
		}
		for _, i := range items {
			switch i.Status {
			case "in_payment":
				want[b.BudgetID][xiangpei.AcctReserved] += i.AmountFen
			case "paid":
				want[b.BudgetID][xiangpei.AcctPaid] += i.AmountFen
			case "clawback":
				want[b.BudgetID][xiangpei.AcctClawedBack] += i.AmountFen
			}
		}
	}
	// staged payment: payable = the second stages still held (waiting or verified)
	stages, _, err := db.PaymentStages(ctx, xiangpei.Scope{All: true}, "", store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stages {
		if st.Status == "waiting" || st.Status == "payable" {
			if want[st.BudgetID] == nil {
				want[st.BudgetID] = xiangpei.Balances{}
			}
			want[st.BudgetID][xiangpei.AcctPayable] += st.Stage2Fen
		}
	}
	bals, err := db.LedgerBalances(ctx, admin, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, bb := range bals {
		got, err := xiangpei.Balanced(per[bb.Budget.ID])
		if err != nil {
			t.Fatalf("budget %d: %v", bb.Budget.ID, err)
		}
		for _, a := range []xiangpei.LedgerAccount{xiangpei.AcctReserved, xiangpei.AcctPayable, xiangpei.AcctPaid, xiangpei.AcctClawedBack} {
			if got[a] != want[bb.Budget.ID][a] || bb.Balances[a] != got[a] || got[a] < 0 {
				t.Fatalf("budget %d account %s: entries %d, stored balance %d, items %d", bb.Budget.ID, a, got[a], bb.Balances[a], want[bb.Budget.ID][a])
			}
		}
		if bb.Remaining < 0 || bb.Remaining != got.Remaining(bb.Budget.AmountFen) {
			t.Fatalf("budget %d remaining %d (entries say %d)", bb.Budget.ID, bb.Remaining, got.Remaining(bb.Budget.AmountFen))
		}
	}
}

func returnFile(rows ...[]string) []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFF付款参考号,状态,金额(元),原因\r\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ",") + "\r\n")
	}
	return b.Bytes()
}

// TestPaymentWholePath: build (refusals first), bank file, a refused return file, a good one
// (one paid, one failed), the same file again, re-issue, clawback — ledger balanced after each.
func TestPaymentWholePath(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			x, k := payWorld(t, db)
			county := payBudget(t, db, payCounty, "430211", 1_000_000)
			small := payBudget(t, db, payCity, "430200", 10_000)

			_, err := payBuild(t, db, x.w.InstA, store.BatchInput{BudgetID: county.ID})
			wantKind(t, "institution", err, xiangpei.Forbidden, "payment.duty")
			_, err = payBuild(t, db, payOther, store.BatchInput{BudgetID: county.ID})
			wantKind(t, "other county", err, xiangpei.NotFound, "")
			_, err = payBuild(t, db, payCity, store.BatchInput{BudgetID: small.ID})
			wantKind(t, "over budget", err, xiangpei.Invalid, "payment.over_budget")
			assertLedgerBalanced(t, db)

			b, err := payBuild(t, db, payCounty, store.BatchInput{BudgetID: county.ID, Note: "第一批"})
			if err != nil {
				t.Fatal(err)
			}
			ls := crLines(t, db, k.ID)
			l0, l1 := lineOf(t, ls, x.persons[0].ID), lineOf(t, ls, x.persons[1].ID)
			if b.Items != 2 || b.TotalFen != store.EffectiveFen(l0)+store.EffectiveFen(l1) || store.EffectiveFen(l0) != 50000 {
				t.Fatalf("batch %+v", b)
			}
			if l0.Status != xiangpei.ClaimInPayment || l1.Status != xiangpei.ClaimInPayment || crClaim(t, db, k.ID).Status != xiangpei.ClaimInPayment {
				t.Fatalf("states %s %s %s", l0.Status, l1.Status, crClaim(t, db, k.ID).Status)
			}
			if rem, _ := db.BudgetRemaining(ctx, payCounty.Scope(), county.ID); rem != 1_000_000-b.TotalFen {
				t.Fatalf("remaining %d", rem)
			}
			assertLedgerBalanced(t, db)
			_, err = payBuild(t, db, payCounty, store.BatchInput{BudgetID: county.ID})
			wantKind(t, "nothing left", err, xiangpei.Invalid, "payment.no_lines")
			_, err = payBuild(t, db, payCounty, store.BatchInput{BudgetID: county.ID, LineIDs: []int64{l0.ID}})
			wantKind(t, "line taken", err, xiangpei.Conflict, "payment.line_unavailable")

			// the bank file
			f, err := db.BankFile(ctx, payCounty.Scope(), b.ID)
			if err != nil {
				t.Fatal(err)
			}
			s := string(f)
			if !strings.HasPrefix(s, "\uFEFF批次号,付款参考号") || strings.Count(s, "\r\n") != 4 || !strings.Contains(s, x.w.Inst.Name) ||
				!strings.Contains(s, fmt.Sprintf("合计,2,,,,,%s,", xiangpei.FormatFen(b.TotalFen))) || !strings.Contains(s, fmt.Sprint(l0.ID)) {
				t.Fatalf("bank file:\n%s", s)
			}
			if _, err := db.BankFile(ctx, payOther.Scope(), b.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("other county's bank file: %v", err)
			}

			// a bad return file: every problem named with its line, nothing written
			y := func(l xiangpei.ClaimLine) string { return xiangpei.FormatFen(store.EffectiveFen(l)) }
			bad := returnFile([]string{fmt.Sprint(l0.ID), "成功", y(l0), ""}, []string{"12345", "成功", "1.00", ""},
				[]string{fmt.Sprint(l0.ID), "成功", y(l0), ""}, []string{fmt.Sprint(l1.ID), "成功", "1.00", ""}, []string{"合计", "4", "1.00", ""})
			rc, err := db.CheckReturn(ctx, payCounty.Scope(), b.ID, bad)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, p := range rc.Problems {
				got[p.Problem] = p.Line
			}
			if len(rc.Problems) != 4 || got["payment.ret_unknown"] != 3 || got["payment.ret_duplicate"] != 4 || got["payment.ret_amount"] != 5 || got["payment.ret_totals"] != 6 {
				t.Fatalf("problems %+v", rc.Problems)
			}
			_, err = crDo(t, db, payCounty, func(tx *store.Tx) (store.ReturnCheck, error) {
				return tx.ImportReturn(payCounty.Scope(), b.ID, "bad.csv", bad)
			})
			wantKind(t, "bad return", err, xiangpei.Invalid, "payment.return_refused")
			if l := lineOf(t, crLines(t, db, k.ID), x.persons[0].ID); l.Status != xiangpei.ClaimInPayment {
				t.Fatalf("refused file wrote %+v", l)
			}
			noTotals := returnFile([]string{fmt.Sprint(l0.ID), "成功", y(l0), ""})
			if rc, _ := db.CheckReturn(ctx, payCounty.Scope(), b.ID, noTotals); len(rc.Problems) != 1 || rc.Problems[0].Problem != "payment.ret_no_totals" {
				t.Fatalf("no totals: %+v", rc.Problems)
			}
			assertLedgerBalanced(t, db)

			// a good one: line 0 paid, line 1 failed
			good := returnFile([]string{fmt.Sprint(l0.ID), "成功", y(l0), ""}, []string{fmt.Sprint(l1.ID), "失败", y(l1), "账户已销户"},
				[]string{"合计", "2", xiangpei.FormatFen(b.TotalFen), ""})
			take := func(data []byte) (store.ReturnCheck, error) {
				return crDo(t, db, payCounty, func(tx *store.Tx) (store.ReturnCheck, error) {
					return tx.ImportReturn(payCounty.Scope(), b.ID, "good.csv", data)
				})
			}
			rc, err = take(good)
			if err != nil || rc.PaidCount != 1 || rc.FailedCount != 1 || rc.Duplicate {
				t.Fatalf("return: %v %+v", err, rc)
			}
			ls = crLines(t, db, k.ID)
			l0, l1 = lineOf(t, ls, x.persons[0].ID), lineOf(t, ls, x.persons[1].ID)
			if l0.Status != xiangpei.ClaimPaid || l1.Status != xiangpei.LinePaymentFailed || crClaim(t, db, k.ID).Status != xiangpei.ClaimInPayment {
				t.Fatalf("after return %s %s %s", l0.Status, l1.Status, crClaim(t, db, k.ID).Status)
			}
			if rem, _ := db.BudgetRemaining(ctx, payCounty.Scope(), county.ID); rem != 1_000_000-50000 {
				t.Fatalf("remaining after return %d", rem)
			}
			assertLedgerBalanced(t, db)
			before, n0, _ := db.LedgerEntries(ctx, payCounty, store.LedgerFilter{}, store.Page{})
			rc, err = take(good)
			if err != nil || !rc.Duplicate {
				t.Fatalf("same file again: %v %+v", err, rc)
			}
			if _, n1, _ := db.LedgerEntries(ctx, payCounty, store.LedgerFilter{}, store.Page{}); n1 != n0 || len(before) != 4 {
				t.Fatalf("same file changed the ledger: %d → %d", n0, n1)
			}
			if bb, _ := db.Batch(ctx, payCounty.Scope(), b.ID); bb.Status != "settled" || bb.PaidFen != 50000 {
				t.Fatalf("batch %+v", bb)
			}

			// re-issue the failed line
			_, err = payBuild(t, db, payCounty, store.BatchInput{BudgetID: county.ID})
			wantKind(t, "approved only", err, xiangpei.Invalid, "payment.no_lines")
			b2, err := payBuild(t, db, payCounty, store.BatchInput{BudgetID: county.ID, Reissue: true})
			if err != nil || b2.Items != 1 || b2.TotalFen != store.EffectiveFen(l1) || !b2.Reissue {
				t.Fatalf("reissue: %v %+v", err, b2)
			}
			assertLedgerBalanced(t, db)
			if _, err := crDo(t, db, payCounty, func(tx *store.Tx) (store.ReturnCheck, error) {
				return tx.ImportReturn(payCounty.Scope(), b2.ID, "r2.csv", returnFile([]string{fmt.Sprint(l1.ID), "成功", y(l1), ""}, []string{"合计", "1", y(l1), ""}))
			}); err != nil {
				t.Fatal(err)
			}
			if c := crClaim(t, db, k.ID); c.Status != xiangpei.ClaimPaid {
				t.Fatalf("claim after all paid %s", c.Status)
			}
			assertLedgerBalanced(t, db)

			// clawback
			l0 = lineOf(t, crLines(t, db, k.ID), x.persons[0].ID)
			claw := func(a xiangpei.Actor, reason string) (xiangpei.ClaimLine, error) {
				return crDo(t, db, a, func(tx *store.Tx) (xiangpei.ClaimLine, error) {
					return tx.Clawback(a.Scope(), l0.ID, l0.Version, reason)
				})
			}
			_, err = claw(payCounty, "")
			wantKind(t, "no reason", err, xiangpei.Invalid, "payment.clawback_reason")
			_, err = claw(payOther, "冒领补贴")
			wantKind(t, "other county clawback", err, xiangpei.NotFound, "")
			l, err := claw(payCounty, "冒领补贴，已核实")
			if err != nil || l.Status != xiangpei.LineClawback {
				t.Fatalf("clawback %v %+v", err, l)
			}
			l0 = l
			_, err = claw(payCounty, "再次追回")
			wantKind(t, "twice", err, xiangpei.Conflict, "payment.not_paid")
			assertLedgerBalanced(t, db)
			bals, err := db.LedgerBalances(ctx, payCounty, 2026)
			if err != nil {
				t.Fatal(err)
			}
			for _, bb := range bals {
				if bb.Budget.ID == county.ID && (bb.Balances[xiangpei.AcctClawedBack] != 50000 || bb.Balances[xiangpei.AcctPaid] != store.EffectiveFen(l1)) {
					t.Fatalf("balances %+v", bb)
				}
			}
		})
	}
}

// TestPaymentConcurrentBuilds: builds on the county's and the city's budgets at once never put
// a line in two batches, and no budget goes negative.
func TestPaymentConcurrentBuilds(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			x, k := payWorld(t, db)
			if _, err := db.CloseNotices(ctx, payCounty); err != nil {
				t.Fatal(err)
			}
			county := payBudget(t, db, payCounty, "430211", 1_000_000)
			city := payBudget(t, db, payCity, "430200", 1_000_000)
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					a, id := payCounty, county.ID
					if i%2 == 1 {
						a, id = payCity, city.ID
					}
					_, errs[i] = store.Do(ctx, db, a, func(tx *store.Tx) (store.Batch, error) {
						return tx.BuildBatch(a.Scope(), store.BatchInput{BudgetID: id})
					})
				}()
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case xiangpei.IsKind(err, xiangpei.Invalid) || xiangpei.IsKind(err, xiangpei.Conflict) || false:
				default:
					t.Fatalf("unexpected: %v", err)
				}
			}
			if ok < 1 {
				t.Fatalf("no batch built: %v", errs)
			}
			seen := map[int64]int64{}
			batches, _, _ := db.Batches(ctx, xiangpei.Scope{All: true}, store.BatchFilter{}, store.Page{})
			for _, b := range batches {
				items, _, _ := db.BatchItems(ctx, xiangpei.Scope{All: true}, b.ID, store.Page{})
				for _, i := range items {
					if other, dup := seen[i.LineID]; dup {
						t.Fatalf("line %d in batches %d and %d", i.LineID, other, b.ID)
					}
					seen[i.LineID] = b.ID
				}
			}
			ls := crLines(t, db, k.ID)
			for _, p := range x.persons[:2] {
				if l := lineOf(t, ls, p.ID); l.Status != xiangpei.ClaimInPayment || seen[l.ID] == 0 {
					t.Fatalf("line %+v not in a batch", l)
				}
			}
			assertLedgerBalanced(t, db)
		})
	}
}
