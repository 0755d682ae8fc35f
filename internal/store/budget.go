package store

import (
	"context"
	"time"

	"xiangpei"
)

// 补 — program budgets per region and year (SPEC §8). A budget is set (created or changed)
// by an officer with the payment or targets duty within their region, or an administrator;
// changes are optimistic-locked and audited. Reading is for officers of the region (a city
// officer reads the city's and its counties' budgets) and administrators; organisations and
// persons read none. The ledger that reserves and posts against a budget comes in a later
// slice; it will refer to budgets.id. A budget's stage1_pct below 100 makes its program staged
// (docs/payments.md): the setting lives on the budget row, per region, year and program.

const budgetCols = `b.id, b.region, b.year, b.program, b.amount_fen, b.note, b.created_at, b.updated_at, b.updated_by, b.version, b.stage1_pct`

// budgetReach is the reach of a scope over budgets: everything for administrators, the
// region's budgets for officers, nothing for anyone else.
func budgetReach(s xiangpei.Scope) (bool, string) { return shortageReach(s) }

func scanBudget(r scanner) (xiangpei.Budget, error) {
	var b xiangpei.Budget
	err := r.Scan(&b.ID, &b.Region, &b.Year, &b.Program, &b.AmountFen, &b.Note, &b.CreatedAt, &b.UpdatedAt, &b.UpdatedBy, &b.Version, &b.Stage1Pct)
	b.CreatedAt, b.UpdatedAt = b.CreatedAt.UTC(), b.UpdatedAt.UTC()
	return b, err
}

// BudgetFilter narrows the list of budgets.
type BudgetFilter struct {
	Year    int    // 0 any
	Region  string // "" any within reach; a region code lists that region and the places in it
	Program string // "" any; "-" the general budget only
}

// Budgets lists the budgets of a year (0 any) within the reach of s, by year, region and
// program, one page, and the total count.
func (db *DB) Budgets(ctx context.Context, s xiangpei.Scope, f BudgetFilter, p Page) ([]xiangpei.Budget, int, error) {
	all, region := budgetReach(s)
	within := "%"
	if f.Region != "" {
		within = xiangpei.RegionPrefix(f.Region) + "%"
	}
	program := f.Program
	if program == "-" {
		program = ""
	}
	where := ` FROM budgets b WHERE ($1 OR b.region LIKE $2) AND ($3 = 0 OR b.year = $3) AND b.region LIKE $4
		AND ($5 = '*' OR b.program = $5)`
	if f.Program == "" {
		program = "*"
	}
	args := []any{all, region, f.Year, within, program}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+budgetCols+where+` ORDER BY b.year DESC, b.region, b.program
		LIMIT $6 OFFSET $7`, append(args, p.limit(), p.offset())...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanBudget)
	return out, n, err
}

// Budget reads one budget within the reach of s; another region's is NotFound.
func (db *DB) Budget(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.Budget, error) {
	all, region := budgetReach(s)
	b, err := scanBudget(db.read.QueryRowContext(ctx, `SELECT `+budgetCols+` FROM budgets b
		WHERE b.id = $1 AND ($2 OR b.region LIKE $3)`, id, all, region))
	return b, mapError(err, "Budget")
}

// SetBudget creates the budget of a region, year and program, or changes its amount and note
// when it exists: b.Version must then be the version read (0 for a new one), else StaleVersion
// (or a Conflict when someone created it meanwhile). The actor must be allowed to set the
// region's budgets (xiangpei.CanSetBudgets); the region must exist and the program be a special
// action of that year.
func (tx *Tx) SetBudget(b xiangpei.Budget) (xiangpei.Budget, error) {
	b, err := b.Validate()
	if err != nil {
		return b, err
	}
	if !xiangpei.CanSetBudgets(tx.Actor, b.Region) {
		if tx.Actor.Role == xiangpei.RoleOfficer && (tx.Actor.Can(xiangpei.DutyPayment) || tx.Actor.Can(xiangpei.DutyTargets)) {
			return b, xiangpei.Errorf(xiangpei.Invalid, "budget.scope", "Choose a region within your own.")
		}
		return b, xiangpei.Errorf(xiangpei.Forbidden, "budget.not_allowed", "Only officers with the payment or targets duty set budgets, for their own region.")
	}
	if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "budget.region_unknown", "There is no such place: choose one from the list."),
		`SELECT 1 FROM regions WHERE code = $1`, b.Region); err != nil {
		return b, err
	}
	if b.Program != "" {
		if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "budget.program_unknown", "There is no special action “%v” in that year: choose one from the list.", b.Program),
			`SELECT 1 FROM special_actions WHERE code = $1 AND year = $2`, b.Program, b.Year); err != nil {
			return b, err
		}
	}
	now := tx.Now.Truncate(time.Microsecond)
	old, err := scanBudget(tx.tx.QueryRowContext(tx.ctx, `SELECT `+budgetCols+` FROM budgets b
		WHERE b.region = $1 AND b.year = $2 AND b.program = $3`, b.Region, b.Year, b.Program))
	if err != nil {
		if mapped := mapError(err, "Budget"); !xiangpei.IsKind(mapped, xiangpei.NotFound) {
			return b, err
		}
		if b.Version != 0 {
			return b, xiangpei.StaleVersion()
		}
		b.ID, b.CreatedAt, b.UpdatedAt, b.UpdatedBy, b.Version = xiangpei.NewID(), now, now, tx.Actor.Name, 1
		if _, err := tx.exec(`INSERT INTO budgets (id, region, year, program, amount_fen, note, created_at, updated_at, updated_by, version, stage1_pct)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10)`, b.ID, b.Region, b.Year, b.Program, b.AmountFen, b.Note, now, now, b.UpdatedBy, b.Stage1Pct); err != nil {
			return b, mapError(err, "Budget")
		}
		return b, tx.Audit("budget.create", "budget", b.ID, b.Region, map[string]any{
			"year": b.Year, "program": b.Program, "amount_fen": b.AmountFen, "note": b.Note, "stage1_pct": b.Stage1Pct})
	}
	if err := tx.execVersioned("Budget", `SELECT 1 FROM budgets WHERE id = $1`, old.ID,
		`UPDATE budgets SET amount_fen = $1, note = $2, updated_at = $3, updated_by = $4, version = version + 1, stage1_pct = $7
		WHERE id = $5 AND version = $6`, b.AmountFen, b.Note, now, tx.Actor.Name, old.ID, b.Version, b.Stage1Pct); err != nil {
		return b, err
	}
	b.ID, b.CreatedAt, b.UpdatedAt, b.UpdatedBy, b.Version = old.ID, old.CreatedAt, now, tx.Actor.Name, b.Version+1
	return b, tx.Audit("budget.set", "budget", b.ID, b.Region, map[string]any{
		"year": b.Year, "program": b.Program, "amount_fen": b.AmountFen, "from_fen": old.AmountFen, "note": b.Note,
		"stage1_pct": b.Stage1Pct, "from_stage1_pct": old.Stage1Pct})
}

// BudgetOf reads the budget of a region, year and program inside the transaction (NotFound
// when there is none), so that a caller can set it at the version it has.
func (tx *Tx) BudgetOf(region string, year int, program string) (xiangpei.Budget, error) {
	b, err := scanBudget(tx.tx.QueryRowContext(tx.ctx, `SELECT `+budgetCols+` FROM budgets b
		WHERE b.region = $1 AND b.year = $2 AND b.program = $3`, region, year, program))
	return b, mapError(err, "Budget")
}
