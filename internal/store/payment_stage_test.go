package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

var acct = store.BankAccountInput{AccountName: "", BankName: "中国农业银行", Branch: "中国农业银行株洲天元支行", AccountNo: "6228 4800 1234 5678 901"}

// TestBankAccounts: the institution (or a registry officer of its county) keeps its account,
// the person their own; the number and the name are checked; changes are audited with masked
// numbers; a batch leaves out lines without one (nothing written when none is left); the batch copies the account, the bank file carries it, and a later change does not
// alter the batch already built.
func TestBankAccounts(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x, _ := payWorldBare(t, db)
			ctx := context.Background()
			inst := x.w.Inst
			setOrg := func(a xiangpei.Actor, in store.BankAccountInput) (store.BankAccount, error) {
				return crDo(t, db, a, func(tx *store.Tx) (store.BankAccount, error) { return tx.SetOrgBankAccount(a.Scope(), inst.ID, in) })
			}
			in := acct
			in.AccountName = "某某公司"
			_, err := setOrg(x.w.InstA, in)
			wantKind(t, "other name", err, xiangpei.Invalid, "bank.name_mismatch")
			in.AccountName = inst.Name
			for _, no := range []string{"12345678901", "6228480012345678901234567890123", "62284800ABCD5678"} {
				in.AccountNo = no
				_, err = setOrg(x.w.InstA, in)
				wantKind(t, "number "+no, err, xiangpei.Invalid, "bank.account_no")
			}
			in.AccountNo = acct.AccountNo
			_, err = setOrg(x.w.OtherA, in)
			wantKind(t, "another institution", err, xiangpei.NotFound, "")
			_, err = setOrg(regOther, in)
			wantKind(t, "another county's officer", err, xiangpei.NotFound, "")
			_, err = setOrg(regNoDuty, in)
			wantKind(t, "no registry duty", err, xiangpei.Forbidden, "bank.not_allowed")
			if _, ok, err := db.OrgBankAccount(ctx, xiangpei.Scope{All: true}, inst.ID); err != nil || ok {
				t.Fatalf("refusals wrote an account: %v %v", ok, err)
			}

			// without an account every line is left out: refused, nothing written
			county := payBudget(t, db, payCounty, "430211", 1_000_000)
			_, err = payBuild(t, db, payCounty, store.BatchInput{BudgetID: county.ID})
			wantKind(t, "all wait for an account", err, xiangpei.Invalid, "payment.all_wait_account")
			if bs, n, _ := db.Batches(ctx, xiangpei.Scope{All: true}, store.BatchFilter{}, store.Page{}); n != 0 {
				t.Fatalf("batches %+v", bs)
			}
			assertLedgerBalanced(t, db)

			got, err := setOrg(x.w.InstA, in)
			if err != nil || got.AccountNo != "6228480012345678901" || got.Version != 1 || got.Masked() != "6228 **** 8901" {
				t.Fatalf("set: %v %+v", err, got)
			}
			_, err = setOrg(regCounty, in) // version 0 again
			wantKind(t, "stale", err, xiangpei.Conflict, "")
			details, err := db.QueryStrings(ctx, `SELECT detail FROM audit_log WHERE action = 'bank_account.set'`)
			if err != nil || len(details) != 1 || strings.Contains(details[0], got.AccountNo) || !strings.Contains(details[0], "8901") {
				t.Fatalf("audit %v %v", err, details)
			}

			b, err := payBuild(t, db, payCounty, store.BatchInput{BudgetID: county.ID})
			if err != nil || b.Items != 2 || b.LeftOut != 0 {
				t.Fatalf("build: %v %+v", err, b)
			}
			assertLedgerBalanced(t, db)
			// a later change of the account does not alter the batch
			in.AccountNo, in.Version, in.Branch = "6217 0000 1111 2222 333", 1, "中国建设银行株洲分行"
			in.BankName = "中国建设银行"
			if _, err := setOrg(regCounty, in); err != nil {
				t.Fatal(err)
			}
			items, _, err := db.BatchItems(ctx, payCounty.Scope(), b.ID, store.Page{})
			if err != nil || len(items) != 2 || items[0].AccountNo != "6228480012345678901" || items[0].Branch != acct.Branch {
				t.Fatalf("items %v %+v", err, items)
			}
			f, err := db.BankFile(ctx, payCounty.Scope(), b.ID)
			if err != nil || !strings.Contains(string(f), ",6228480012345678901,") || !strings.Contains(string(f), acct.Branch) ||
				!strings.HasSuffix(string(f), fmt.Sprintf("合计,2,,,,,%s,,\r\n", xiangpei.FormatFen(b.TotalFen))) {
				t.Fatalf("bank file %v\n%s", err, f)
			}

			// a person's own account: only the person keeps it
			p0 := x.persons[0]
			pa := xiangpei.Actor{Name: "p0", Role: xiangpei.RolePerson, PersonID: p0.ID}
			setPerson := func(a xiangpei.Actor, pid int64, in store.BankAccountInput) (store.BankAccount, error) {
				return crDo(t, db, a, func(tx *store.Tx) (store.BankAccount, error) { return tx.SetPersonBankAccount(a.Scope(), pid, in) })
			}
			pin := acct
			pin.AccountName = p0.Name
			_, err = setPerson(regCounty, p0.ID, pin)
			wantKind(t, "officer for a person", err, xiangpei.Forbidden, "bank.own_only")
			_, err = setPerson(pa, x.persons[1].ID, pin)
			wantKind(t, "another person", err, xiangpei.Forbidden, "bank.own_only")
			if pb, err := setPerson(pa, p0.ID, pin); err != nil || pb.OwnerKind != "person" {
				t.Fatalf("person: %v %+v", err, pb)
			}
			if pb, ok, err := db.PersonBankAccount(ctx, pa.Scope(), p0.ID); err != nil || !ok || pb.AccountName != p0.Name {
				t.Fatalf("read own: %v %v %+v", err, ok, pb)
			}
		})
	}
}

func insurance(t *testing.T, db *store.DB, personID int64, startsOn string, fullTime bool) {
	t.Helper()
	if err := db.Exec(context.Background(), `INSERT INTO insurance_records (id, person_id, employer, full_time, starts_on, ends_on, imported_at)
		VALUES ($1, $2, $3, $4, $5, '', $6)`, xiangpei.NewID(), personID, "株洲养老服务有限公司", fullTime, startsOn, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
}

// TestStagedPayment: a 70% staged budget pays 70% of each line and holds the rest in payable;
// the second stage waits for employment — from an insurance record within 6 months of the class
// end (found when the stage-2 batch is built) or an officer's note — and is paid by a stage-2
// batch; a failure at the bank holds it again; a clawback takes back both stages. The ledger
// balances after every step and no budget goes negative.
func TestStagedPayment(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x, k := payWorld(t, db)
			ctx := context.Background()
			g, err := crDo(t, db, payCounty, func(tx *store.Tx) (xiangpei.Budget, error) {
				return tx.SetBudget(xiangpei.Budget{Region: "430211", Year: 2026, AmountFen: 1_000_000, Stage1Pct: 70})
			})
			if err != nil || !g.Staged() {
				t.Fatalf("budget %v %+v", err, g)
			}
			_, err = crDo(t, db, payCounty, func(tx *store.Tx) (xiangpei.Budget, error) {
				return tx.SetBudget(xiangpei.Budget{Region: "430211", Year: 2026, AmountFen: 1_000_000, Stage1Pct: 101, Version: g.Version})
			})
			wantKind(t, "pct over 100", err, xiangpei.Invalid, "budget.stage_pct")

			b, err := payBuild(t, db, payCounty, store.BatchInput{BudgetID: g.ID})
			if err != nil {
				t.Fatal(err)
			}
			ls := crLines(t, db, k.ID)
			l0, l1 := lineOf(t, ls, x.persons[0].ID), lineOf(t, ls, x.persons[1].ID)
			f0, f1 := store.EffectiveFen(l0), store.EffectiveFen(l1)
			s10, s11 := f0*70/100, f1*70/100
			if b.TotalFen != s10+s11 || b.Items != 2 {
				t.Fatalf("stage 1 batch %+v (lines %d %d)", b, f0, f1)
			}
			if rem, _ := db.BudgetRemaining(ctx, payCounty.Scope(), g.ID); rem != 1_000_000-f0-f1 {
				t.Fatalf("remaining %d: the second stage must be held", rem)
			}
			stages, n, err := db.PaymentStages(ctx, payCounty.Scope(), "waiting", store.Page{})
			if err != nil || n != 2 || stages[0].ClassEnd != xiangpei.ChinaDate(x.c.LastSession) {
				t.Fatalf("stages %v %d %+v", err, n, stages)
			}
			assertLedgerBalanced(t, db)
			y := func(fen int64) string { return xiangpei.FormatFen(fen) }
			take := func(id int64, name string, data []byte) {
				t.Helper()
				if _, err := crDo(t, db, payCounty, func(tx *store.Tx) (store.ReturnCheck, error) {
					return tx.ImportReturn(payCounty.Scope(), id, name, data)
				}); err != nil {
					t.Fatal(err)
				}
			}
			take(b.ID, "s1.csv", returnFile([]string{fmt.Sprint(l0.ID), "成功", y(s10), ""}, []string{fmt.Sprint(l1.ID), "成功", y(s11), ""},
				[]string{"合计", "2", y(s10 + s11), ""}))
			if c := crClaim(t, db, k.ID); c.Status != xiangpei.ClaimPaid {
				t.Fatalf("claim after stage 1: %s", c.Status)
			}
			assertLedgerBalanced(t, db)

			// nothing verified yet
			_, err = payBuild(t, db, payCounty, store.BatchInput{BudgetID: g.ID, Stage2: true})
			wantKind(t, "nothing verified", err, xiangpei.Invalid, "payment.no_stage2")
			// person 0: no insurance record, the officer verifies with a note; person 1: a part-time
			// record does not count, a full-time one within 6 months does
			verify := func(a xiangpei.Actor, line int64, note string) (store.PaymentStage, error) {
				return crDo(t, db, a, func(tx *store.Tx) (store.PaymentStage, error) { return tx.VerifyEmployment(a.Scope(), line, note) })
			}
			_, err = verify(payCounty, l0.ID, "")
			wantKind(t, "no evidence", err, xiangpei.Invalid, "payment.verify_note")
			_, err = verify(payOther, l0.ID, "已电话核实")
			wantKind(t, "other county", err, xiangpei.NotFound, "")
			_, err = verify(x.w.InstA, l0.ID, "已入职")
			wantKind(t, "institution", err, xiangpei.Forbidden, "payment.verify_duty")
			st, err := verify(payCounty, l0.ID, "已电话核实：株洲某养老院护理员，2027年1月入职")
			if err != nil || st.Status != "payable" || st.Source != "officer" {
				t.Fatalf("verify: %v %+v", err, st)
			}
			classEnd, _ := time.Parse(time.DateOnly, xiangpei.ChinaDate(x.c.LastSession))
			insurance(t, db, x.persons[1].ID, classEnd.AddDate(0, 1, 0).Format(time.DateOnly), false)
			insurance(t, db, x.persons[1].ID, classEnd.AddDate(0, 7, 0).Format(time.DateOnly), true)
			b2, err := payBuild(t, db, payCounty, store.BatchInput{BudgetID: g.ID, Stage2: true})
			if err != nil || b2.Items != 1 || b2.TotalFen != f0-s10 || !b2.Stage2 {
				t.Fatalf("stage 2 batch, person 0 only: %v %+v", err, b2)
			}
			insurance(t, db, x.persons[1].ID, classEnd.AddDate(0, 2, 0).Format(time.DateOnly), true)
			b3, err := payBuild(t, db, payCounty, store.BatchInput{BudgetID: g.ID, Stage2: true})
			if err != nil || b3.Items != 1 || b3.TotalFen != f1-s11 {
				t.Fatalf("stage 2 batch, person 1 by insurance: %v %+v", err, b3)
			}
			if st, ok, _ := db.StageOfLine(ctx, payCounty.Scope(), l1.ID); !ok || st.Source != "insurance" || st.Status != "in_payment" {
				t.Fatalf("person 1 stage %+v", st)
			}
			assertLedgerBalanced(t, db)
			f, err := db.BankFile(ctx, payCounty.Scope(), b2.ID)
			if err != nil || !strings.Contains(string(f), "第2期") {
				t.Fatalf("stage 2 bank file %v %s", err, f)
			}
			// the bank pays person 0's second stage and fails person 1's: held again
			take(b2.ID, "s2a.csv", returnFile([]string{fmt.Sprint(l0.ID), "成功", y(f0 - s10), ""}, []string{"合计", "1", y(f0 - s10), ""}))
			take(b3.ID, "s2b.csv", returnFile([]string{fmt.Sprint(l1.ID), "失败", y(f1 - s11), "户名不符"}, []string{"合计", "1", y(f1 - s11), ""}))
			if st, _, _ := db.StageOfLine(ctx, payCounty.Scope(), l1.ID); st.Status != "payable" {
				t.Fatalf("failed second stage %+v", st)
			}
			if l := lineOf(t, crLines(t, db, k.ID), x.persons[1].ID); l.Status != xiangpei.ClaimPaid {
				t.Fatalf("a failed second stage changed the line: %s", l.Status)
			}
			assertLedgerBalanced(t, db)

			// clawback of line 1 (stage 1 paid, stage 2 held again): the hold goes back to the budget
			l1 = lineOf(t, crLines(t, db, k.ID), x.persons[1].ID)
			if _, err := crDo(t, db, payCounty, func(tx *store.Tx) (xiangpei.ClaimLine, error) {
				return tx.Clawback(payCounty.Scope(), l1.ID, l1.Version, "冒名顶替，已核实")
			}); err != nil {
				t.Fatal(err)
			}
			if st, _, _ := db.StageOfLine(ctx, payCounty.Scope(), l1.ID); st.Status != "cancelled" {
				t.Fatalf("clawed back line's stage %+v", st)
			}
			// clawback of line 0: both stages
			l0 = lineOf(t, crLines(t, db, k.ID), x.persons[0].ID)
			if _, err := crDo(t, db, payCounty, func(tx *store.Tx) (xiangpei.ClaimLine, error) {
				return tx.Clawback(payCounty.Scope(), l0.ID, l0.Version, "虚假就业证明")
			}); err != nil {
				t.Fatal(err)
			}
			assertLedgerBalanced(t, db)
			bals, err := db.LedgerBalances(ctx, payCounty, 2026)
			if err != nil {
				t.Fatal(err)
			}
			for _, bb := range bals {
				if bb.Budget.ID == g.ID && (bb.Balances[xiangpei.AcctClawedBack] != f0+s11 || bb.Balances[xiangpei.AcctPayable] != 0 ||
					bb.Remaining != 1_000_000-f0-s11) {
					t.Fatalf("balances %+v remaining %d", bb.Balances, bb.Remaining)
				}
			}
		})
	}
}
