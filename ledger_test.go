package xiangpei

import "testing"

func TestLedgerBalanced(t *testing.T) {
	es := []Entry{
		NewEntry(1, 2, 3, MoveReserve, 150000),
		NewEntry(1, 2, 3, MovePay, 100000),
		NewEntry(1, 2, 4, MoveRelease, 50000),
		NewEntry(1, 0, 3, MoveClawback, 30000),
	}
	b, err := Balanced(es)
	if err != nil {
		t.Fatal(err)
	}
	if b[AcctBudget] != -100000 || b[AcctReserved] != 0 || b[AcctPaid] != 70000 || b[AcctClawedBack] != 30000 || b.Remaining(200000) != 100000 {
		t.Fatalf("balances %+v", b)
	}
	for _, bad := range []Entry{
		{Movement: MovePay, Debit: AcctPaid, Credit: AcctPaid, AmountFen: 1},
		{Movement: MovePay, Debit: AcctPaid, Credit: AcctReserved, AmountFen: 0},
		{Movement: MovePay, Debit: AcctBudget, Credit: AcctReserved, AmountFen: 5},
		{Movement: "x", Debit: "cash", Credit: AcctReserved, AmountFen: 5},
	} {
		if _, err := Balanced(append(es, bad)); err == nil {
			t.Fatalf("accepted %+v", bad)
		}
	}
}
