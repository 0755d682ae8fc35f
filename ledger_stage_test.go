package xiangpei

import "testing"

// TestBudgetSplitAndStagedMovements: a staged budget splits a line to the fen (the first stage
// rounded down, the rest to the second); an unstaged one pays it whole; the staged movements
// have fixed accounts and a staged life of a line balances with nothing left in payable.
func TestBudgetSplitAndStagedMovements(t *testing.T) {
	for _, c := range []struct {
		pct           int
		fen, one, two int64
	}{{70, 100000, 70000, 30000}, {70, 99999, 69999, 30000}, {100, 120000, 120000, 0}, {0, 5000, 5000, 0}, {1, 150, 1, 149}} {
		one, two := Budget{Stage1Pct: c.pct}.Split(c.fen)
		if one != c.one || two != c.two || one+two != c.fen {
			t.Errorf("%d%% of %d: %d + %d", c.pct, c.fen, one, two)
		}
	}
	if b, err := (Budget{Region: "430211", Year: 2026}).Validate(); err != nil || b.Stage1Pct != 100 || b.Staged() {
		t.Errorf("default stage: %v %+v", err, b)
	}
	if _, err := (Budget{Region: "430211", Year: 2026, Stage1Pct: 101}).Validate(); !IsKind(err, Invalid) {
		t.Errorf("101%%: %v", err)
	}
	life := []Entry{NewEntry(1, 1, 1, MoveReserve, 70000), NewEntry(1, 1, 1, MoveHold, 30000), NewEntry(1, 1, 1, MovePay, 70000),
		NewEntry(1, 2, 1, MoveReleaseHeld, 30000), NewEntry(1, 2, 1, MoveRehold, 30000), NewEntry(1, 3, 1, MoveReleaseHeld, 30000),
		NewEntry(1, 3, 1, MovePay, 30000)}
	b, err := Balanced(life)
	if err != nil || b[AcctPayable] != 0 || b[AcctReserved] != 0 || b[AcctPaid] != 100000 || b.Remaining(100000) != 0 {
		t.Fatalf("staged life: %v %+v", err, b)
	}
	bad := NewEntry(1, 0, 1, MoveUnhold, 10)
	bad.Debit = AcctPaid
	if bad.Check() == nil {
		t.Error("unhold into paid accepted")
	}
}
