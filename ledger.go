package xiangpei

import "fmt"

// 补 — the payment ledger (SPEC §8, QUALITY R3): double entry in integer fen. Every movement is
// one Entry that debits one account and credits another by the same amount, so debits equal
// credits by construction; Balanced checks a set of entries and returns the balance of each
// account (debits − credits).

// LedgerAccount is a ledger account of a program budget.
type LedgerAccount string

const (
	AcctBudget     LedgerAccount = "budget"      // the budget's unspent amount (credited when money is drawn)
	AcctReserved   LedgerAccount = "reserved"    // held by a payment batch until the bank answers
	AcctPayable    LedgerAccount = "payable"     // staged payment: the second stage, held until employment is verified and paid
	AcctPaid       LedgerAccount = "paid"        // confirmed by the bank's return file
	AcctClawedBack LedgerAccount = "clawed_back" // paid, then reclaimed (追回)
)

// Accounts lists the ledger accounts in display order.
var LedgerAccounts = []LedgerAccount{AcctBudget, AcctReserved, AcctPayable, AcctPaid, AcctClawedBack}

// Valid reports whether a is a known account.
func (a LedgerAccount) Valid() bool {
	for _, b := range LedgerAccounts {
		if a == b {
			return true
		}
	}
	return false
}

// Movement names why money moved; each has fixed accounts (see Movements).
type Movement string

const (
	MoveReserve  Movement = "reserve"  // batch built: budget → reserved
	MovePay      Movement = "pay"      // bank paid: reserved → paid
	MoveRelease  Movement = "release"  // bank failed: reserved → budget
	MoveClawback Movement = "clawback" // 追回: paid → clawed_back

	// staged payment (docs/payments.md)
	MoveHold        Movement = "hold"         // stage 1 batch built: the second stage budget → payable
	MoveReleaseHeld Movement = "release_held" // stage 2 batch built: payable → reserved
	MoveRehold      Movement = "rehold"       // stage 2 failed at the bank: reserved → payable
	MoveUnhold      Movement = "unhold"       // line clawed back before its second stage was paid: payable → budget
)

// Movements gives, for each movement, the account credited (money leaves) and the account
// debited (money arrives).
var Movements = map[Movement][2]LedgerAccount{
	MoveReserve:  {AcctBudget, AcctReserved},
	MovePay:      {AcctReserved, AcctPaid},
	MoveRelease:  {AcctReserved, AcctBudget},
	MoveClawback: {AcctPaid, AcctClawedBack},

	MoveHold:        {AcctBudget, AcctPayable},
	MoveReleaseHeld: {AcctPayable, AcctReserved},
	MoveRehold:      {AcctReserved, AcctPayable},
	MoveUnhold:      {AcctPayable, AcctBudget},
}

// Entry is one ledger movement: AmountFen leaves Credit and arrives in Debit.
type Entry struct {
	ID        int64
	BudgetID  int64
	BatchID   int64
	LineID    int64
	Movement  Movement
	Debit     LedgerAccount
	Credit    LedgerAccount
	AmountFen int64
}

// NewEntry makes the entry of a movement.
func NewEntry(budgetID, batchID, lineID int64, m Movement, fen int64) Entry {
	a := Movements[m]
	return Entry{BudgetID: budgetID, BatchID: batchID, LineID: lineID, Movement: m, Credit: a[0], Debit: a[1], AmountFen: fen}
}

// Check reports a malformed entry: unknown accounts, the same account on both sides, an
// amount not above zero, or accounts that do not match the movement.
func (e Entry) Check() error {
	if !e.Debit.Valid() || !e.Credit.Valid() || e.Debit == e.Credit {
		return fmt.Errorf("ledger entry %d: accounts %q/%q", e.ID, e.Debit, e.Credit)
	}
	if e.AmountFen <= 0 {
		return fmt.Errorf("ledger entry %d: amount %d fen", e.ID, e.AmountFen)
	}
	if a, ok := Movements[e.Movement]; ok && (a[0] != e.Credit || a[1] != e.Debit) {
		return fmt.Errorf("ledger entry %d: %s does not move %s → %s", e.ID, e.Movement, e.Credit, e.Debit)
	}
	return nil
}

// Balances are account balances (debits − credits) in fen.
type Balances map[LedgerAccount]int64

// Balanced checks every entry and returns the balance of each account; the balances always
// sum to zero (each entry debits and credits the same amount), which it checks as well.
func Balanced(entries []Entry) (Balances, error) {
	b := Balances{}
	var debits, credits int64
	for _, e := range entries {
		if err := e.Check(); err != nil {
			return b, err
		}
		b[e.Debit] += e.AmountFen
		b[e.Credit] -= e.AmountFen
		debits += e.AmountFen
		credits += e.AmountFen
	}
	var sum int64
	for _, v := range b {
		sum += v
	}
	if sum != 0 || debits != credits {
		return b, fmt.Errorf("ledger: debits %d ≠ credits %d", debits, credits)
	}
	return b, nil
}

// Remaining is what a budget of amountFen can still reserve given the balances of its entries:
// the amount less everything drawn from the budget account and not released back.
func (b Balances) Remaining(amountFen int64) int64 { return amountFen + b[AcctBudget] }
