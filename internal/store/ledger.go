package store

import (
	"context"
	"time"

	"xiangpei"
)

// 补 — reading the payment ledger (append-only: entries are only ever inserted, by
// payment.go's post). Officers with the payment duty read the entries of budgets in their
// region; administrators read all.

// LedgerEntry is a stored ledger entry with its context.
type LedgerEntry struct {
	xiangpei.Entry
	Region  string
	Year    int
	Program string
	Memo    string
	Actor   string
	At      time.Time
}

// LedgerFilter narrows the ledger.
type LedgerFilter struct {
	BudgetID int64
	BatchID  int64
	LineID   int64
}

const ledgerWhere = ` FROM ledger_entries e JOIN budgets g ON g.id = e.budget_id
	WHERE ($1 OR g.region LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR e.budget_id = $3)
	AND (CAST($4 AS BIGINT) = 0 OR e.batch_id = $4) AND (CAST($5 AS BIGINT) = 0 OR e.line_id = $5)`

func mayReadLedger(a xiangpei.Actor) error {
	if a.Role == xiangpei.RoleAdmin {
		return nil
	}
	return mayPay(a)
}

// LedgerEntries lists the entries in reach, newest first, one page (a zero Page lists all),
// and the count.
func (db *DB) LedgerEntries(ctx context.Context, a xiangpei.Actor, f LedgerFilter, p Page) ([]LedgerEntry, int, error) {
	if err := mayReadLedger(a); err != nil {
		return nil, 0, err
	}
	all, region := payScope(a.Scope())
	args := []any{all, region, f.BudgetID, f.BatchID, f.LineID}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+ledgerWhere, args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	limit := p.limit()
	if p == (Page{}) {
		limit = 1 << 30
	}
	rows, err := db.read.QueryContext(ctx, `SELECT e.id, e.budget_id, COALESCE(e.batch_id, 0), COALESCE(e.line_id, 0), e.movement, e.debit,
		e.credit, e.amount_fen, g.region, g.year, g.program, e.memo, e.actor, e.at`+ledgerWhere+` ORDER BY e.at DESC, e.id DESC LIMIT $6 OFFSET $7`,
		append(args, limit, p.offset())...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, func(r scanner) (LedgerEntry, error) {
		var e LedgerEntry
		var m, d, c string
		err := r.Scan(&e.ID, &e.BudgetID, &e.BatchID, &e.LineID, &m, &d, &c, &e.AmountFen, &e.Region, &e.Year, &e.Program, &e.Memo, &e.Actor, &e.At)
		e.Movement, e.Debit, e.Credit, e.At = xiangpei.Movement(m), xiangpei.LedgerAccount(d), xiangpei.LedgerAccount(c), e.At.UTC()
		return e, err
	})
	return out, n, err
}

// BudgetBalance is a budget with the balance of each ledger account and what remains.
type BudgetBalance struct {
	Budget    xiangpei.Budget
	Balances  xiangpei.Balances
	Remaining int64
}

// LedgerBalances gives, for every budget in reach (of a year, 0 any), the balance of each
// account (debits − credits; the budget account is negative by what was drawn) and the
// remaining amount, computed by the database and checked with xiangpei.Balanced's rules.
func (db *DB) LedgerBalances(ctx context.Context, a xiangpei.Actor, year int) ([]BudgetBalance, error) {
	if err := mayReadLedger(a); err != nil {
		return nil, err
	}
	bs, _, err := db.Budgets(ctx, a.Scope(), BudgetFilter{Year: year}, Page{Limit: 500})
	if err != nil {
		return nil, err
	}
	out := make([]BudgetBalance, 0, len(bs))
	idx := map[int64]int{}
	for i, b := range bs {
		idx[b.ID] = i
		out = append(out, BudgetBalance{Budget: b, Balances: xiangpei.Balances{}, Remaining: b.AmountFen})
	}
	all, region := payScope(a.Scope())
	rows, err := db.read.QueryContext(ctx, `SELECT e.budget_id, e.debit, e.credit, SUM(e.amount_fen) FROM ledger_entries e
		JOIN budgets g ON g.id = e.budget_id WHERE ($1 OR g.region LIKE $2) GROUP BY e.budget_id, e.debit, e.credit`, all, region)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, fen int64
		var d, c string
		if err := rows.Scan(&id, &d, &c, &fen); err != nil {
			return nil, err
		}
		i, ok := idx[id]
		if !ok {
			continue
		}
		out[i].Balances[xiangpei.LedgerAccount(d)] += fen
		out[i].Balances[xiangpei.LedgerAccount(c)] -= fen
	}
	for i := range out {
		out[i].Remaining = out[i].Balances.Remaining(out[i].Budget.AmountFen)
	}
	return out, rows.Err()
}
