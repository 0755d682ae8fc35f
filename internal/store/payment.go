package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"xiangpei"
)

// 补 — payment batches (SPEC §8, QUALITY R2/R3). A finance officer (duty payment) builds a
// batch of approved lines of the budget's region within the budget's remaining amount; the
// batch reserves its total in the ledger (budget → reserved). The bank file is exported as
// CSV; the bank's return file marks lines paid (reserved → paid) or failed (reserved → budget);
// failed lines are re-issued into a new batch; a paid line can be clawed back (paid →
// clawed_back). A line is in at most one live item (UNIQUE payment_items_line_live) and moves
// approved|payment_failed → in_payment only under a guarded UPDATE.

// Batch is a payment batch.
type Batch struct {
	ID        int64
	BudgetID  int64
	Region    string
	Year      int
	Program   string
	Reissue   bool
	Status    string // open (items wait for the bank) or settled
	TotalFen  int64
	Items     int
	Note      string
	CreatedBy string
	CreatedAt time.Time
	Version   int64
	PaidFen   int64
	Waiting   int
	LeftOut   int  // lines of the region left out because their payee had no bank account
	Stage2    bool // a batch of second stages (staged payment)
}

// BatchItem is one line of a batch.
type BatchItem struct {
	ID          int64
	BatchID     int64
	LineID      int64
	ClaimID     int64
	AmountFen   int64
	PayeeKind   string // institution or person
	PayeeName   string
	PayeeID     string // credit code, or the masked ID number
	Status      string // in_payment, paid, payment_failed, clawback
	Reason      string
	Version     int64
	LineVersion int64  // the claim line's version, for a clawback
	AccountNo   string // the payee's account as it was when the batch was built ("" none)
	BankName    string
	Branch      string // 开户行
	Stage       int    // 0 the whole line, 1 the first stage, 2 the second stage
}

// BatchInput asks for a batch: from the budget, the approved lines of its region (or, with
// Reissue, the failed ones); LineIDs names the lines (empty: all, oldest first, while the
// budget lasts).
type BatchInput struct {
	BudgetID int64
	LineIDs  []int64
	Reissue  bool
	Note     string
	// Stage2 builds a batch of the second stages of staged lines whose employment is verified.
	Stage2 bool
}

func mayPay(a xiangpei.Actor) error {
	if a.Role != xiangpei.RoleOfficer || !a.Can(xiangpei.DutyPayment) {
		return xiangpei.Errorf(xiangpei.Forbidden, "payment.duty", "Only officers with the payment duty handle payments.")
	}
	return nil
}

const batchCols = `b.id, b.budget_id, b.region, g.year, g.program, b.reissue, b.status, b.total_fen, b.item_count, b.note,
	b.created_by, b.created_at, b.version, b.left_out, b.stage2,
	COALESCE((SELECT SUM(i.amount_fen) FROM payment_items i WHERE i.batch_id = b.id AND i.status IN ('paid','clawback')), 0),
	(SELECT COUNT(*) FROM payment_items i WHERE i.batch_id = b.id AND i.status = 'in_payment')`

const batchFrom = ` FROM payment_batches b JOIN budgets g ON g.id = b.budget_id`

func scanBatch(r scanner) (Batch, error) {
	var b Batch
	err := r.Scan(&b.ID, &b.BudgetID, &b.Region, &b.Year, &b.Program, &b.Reissue, &b.Status, &b.TotalFen, &b.Items, &b.Note,
		&b.CreatedBy, &b.CreatedAt, &b.Version, &b.LeftOut, &b.Stage2, &b.PaidFen, &b.Waiting)
	b.CreatedAt = b.CreatedAt.UTC()
	return b, err
}

const itemCols = `i.id, i.batch_id, i.line_id, i.claim_id, i.amount_fen, i.payee_kind, i.payee_name, i.payee_id, i.status, i.reason, i.version,
	(SELECT l.version FROM claim_lines l WHERE l.id = i.line_id), i.account_no, i.bank_name, i.branch, i.stage`

func scanItem(r scanner) (BatchItem, error) {
	var i BatchItem
	err := r.Scan(&i.ID, &i.BatchID, &i.LineID, &i.ClaimID, &i.AmountFen, &i.PayeeKind, &i.PayeeName, &i.PayeeID, &i.Status, &i.Reason, &i.Version, &i.LineVersion,
		&i.AccountNo, &i.BankName, &i.Branch, &i.Stage)
	return i, err
}

// payScope: officers of a region see the batches of budgets within it; others nothing
// (administrators everything, read-only).
func payScope(s xiangpei.Scope) (bool, string) { return budgetReach(s) }

// BatchFilter narrows the list of batches.
type BatchFilter struct {
	Status   string // "" any
	BudgetID int64
}

// Batches lists the batches in reach, newest first, one page, and the count.
func (db *DB) Batches(ctx context.Context, s xiangpei.Scope, f BatchFilter, p Page) ([]Batch, int, error) {
	all, region := payScope(s)
	where := ` WHERE ($1 OR b.region LIKE $2) AND ($3 = '' OR b.status = $3) AND (CAST($4 AS BIGINT) = 0 OR b.budget_id = $4)`
	args := []any{all, region, f.Status, f.BudgetID}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+batchFrom+where, args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+batchCols+batchFrom+where+` ORDER BY b.created_at DESC, b.id DESC LIMIT $5 OFFSET $6`,
		append(args, p.limit(), p.offset())...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanBatch)
	return out, n, err
}

func batchByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (Batch, error) {
	all, region := payScope(s)
	b, err := scanBatch(q.QueryRowContext(ctx, `SELECT `+batchCols+batchFrom+` WHERE b.id = $1 AND ($2 OR b.region LIKE $3)`, id, all, region))
	return b, mapError(err, "Batch")
}

// Batch reads one batch in reach; another region's is NotFound.
func (db *DB) Batch(ctx context.Context, s xiangpei.Scope, id int64) (Batch, error) {
	return batchByID(ctx, db.read, s, id)
}

// BatchItems lists a batch's items (one page; a zero Page lists all) and the count.
func (db *DB) BatchItems(ctx context.Context, s xiangpei.Scope, batchID int64, p Page) ([]BatchItem, int, error) {
	if _, err := db.Batch(ctx, s, batchID); err != nil {
		return nil, 0, err
	}
	return batchItems(ctx, db.read, batchID, p)
}

func batchItems(ctx context.Context, q querier, batchID int64, p Page) ([]BatchItem, int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM payment_items i WHERE i.batch_id = $1`, batchID).Scan(&n); err != nil {
		return nil, 0, err
	}
	limit := p.limit()
	if p == (Page{}) {
		limit = 1 << 30
	}
	rows, err := q.QueryContext(ctx, `SELECT `+itemCols+` FROM payment_items i WHERE i.batch_id = $1 ORDER BY i.id LIMIT $2 OFFSET $3`,
		batchID, limit, p.offset())
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanItem)
	return out, n, err
}

// budgetRemaining is a budget's amount less what the ledger drew from it and did not release.
func budgetRemaining(ctx context.Context, q querier, id int64) (int64, error) {
	var amount, drawn int64
	err := q.QueryRowContext(ctx, `SELECT g.amount_fen, COALESCE((SELECT SUM(CASE WHEN e.credit = 'budget' THEN e.amount_fen
		WHEN e.debit = 'budget' THEN -e.amount_fen ELSE 0 END) FROM ledger_entries e WHERE e.budget_id = g.id), 0)
		FROM budgets g WHERE g.id = $1`, id).Scan(&amount, &drawn)
	return amount - drawn, mapError(err, "Budget")
}

// BudgetRemaining is what a budget in reach can still reserve.
func (db *DB) BudgetRemaining(ctx context.Context, s xiangpei.Scope, id int64) (int64, error) {
	if _, err := db.Budget(ctx, s, id); err != nil {
		return 0, err
	}
	return budgetRemaining(ctx, db.read, id)
}

// post writes one ledger entry.
func (tx *Tx) post(e xiangpei.Entry, memo string) error {
	if err := e.Check(); err != nil {
		return err
	}
	var batch, line any
	if e.BatchID != 0 {
		batch = e.BatchID
	}
	if e.LineID != 0 {
		line = e.LineID
	}
	_, err := tx.exec(`INSERT INTO ledger_entries (id, budget_id, batch_id, line_id, movement, debit, credit, amount_fen, memo, actor, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, xiangpei.NewID(), e.BudgetID, batch, line, string(e.Movement),
		string(e.Debit), string(e.Credit), e.AmountFen, memo, tx.Actor.Name, tx.Now.UTC().Truncate(time.Microsecond))
	return err
}

// followClaims sets the payment state of claims from their lines: paid when every live
// payable line is paid (or clawed back after payment), in payment when a line is in payment,
// paid or failed, otherwise left as it is.
func (tx *Tx) followClaims(ids []int64) error {
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	now := tx.Now.UTC().Truncate(time.Microsecond)
	for i, id := range ids {
		if i > 0 && ids[i-1] == id {
			continue
		}
		if _, err := tx.exec(`UPDATE claims SET status = CASE
			WHEN NOT EXISTS (SELECT 1 FROM claim_lines l WHERE l.claim_id = claims.id AND l.payable
				AND l.status NOT IN ('paid','clawback','rejected','withdrawn','returned')) THEN 'paid'
			ELSE 'in_payment' END, updated_at = $1, version = version + 1
			WHERE id = $2 AND status IN ('approved','in_payment','paid')`, now, id); err != nil {
			return err
		}
	}
	return nil
}

type payCandidate struct {
	line, claim, fen  int64 // fen: the item's amount (what the bank pays)
	kind, name, payID string
	acctNo, bank      string
	branch            string
	hasAcct           bool
	draw              int64 // what the item draws from the budget's remaining amount
	hold              int64 // the second stage held (budget → payable) with a first-stage item
	stage             int
	person            int64
	county, classEnd  string
}

// payCandidateCols are the columns every way of choosing lines reads: the line, the payee and
// the payee's bank account, the second stage when there is one, the person, county and class end.
const payCandidateCols = `l.id, l.claim_id, CASE WHEN l.reduced_fen > 0 THEN l.reduced_fen ELSE l.amount_fen END,
	k.kind, COALESCE(o.name, ''), COALESCE(o.credit_code, ''), p.name, p.id_number,
	COALESCE(ba.account_no, ''), COALESCE(ba.bank_name, ''), COALESCE(ba.branch, ''), CASE WHEN ba.id IS NULL THEN 0 ELSE 1 END,
	COALESCE(ps.stage2_fen, 0), CASE WHEN ps.line_id IS NULL THEN 0 ELSE 1 END, l.person_id, k.county, c.last_session`

const payCandidateFrom = ` FROM claim_lines l JOIN claims k ON k.id = l.claim_id JOIN persons p ON p.id = l.person_id
	LEFT JOIN organisations o ON o.id = k.org_id
	LEFT JOIN bank_accounts ba ON (k.kind = 'institution' AND ba.org_id = k.org_id) OR (k.kind = 'person' AND ba.person_id = k.person_id)
	LEFT JOIN payment_stages ps ON ps.line_id = l.id
	LEFT JOIN trainees t ON t.id = l.trainee_id LEFT JOIN classes c ON c.id = t.class_id`

// payCandidates reads the lines a batch may take: approved lines (or failed ones with Reissue)
// of the region, or with Stage2 the verified second stages held by this budget.
func (tx *Tx) payCandidates(g xiangpei.Budget, s xiangpei.Scope, in BatchInput) ([]payCandidate, error) {
	region := xiangpei.RegionPrefix(g.Region) + "%"
	var rows *sql.Rows
	var err error
	switch {
	case in.Stage2:
		rows, err = tx.tx.QueryContext(tx.ctx, `SELECT `+payCandidateCols+payCandidateFrom+`
			WHERE ps.status = 'payable' AND ps.budget_id = $1 AND l.status = 'paid' AND k.county LIKE $2 AND k.county LIKE $3
			ORDER BY ps.verified_at, l.id`, g.ID, region, s.RegionPattern())
	default:
		from := string(xiangpei.ClaimApproved)
		if in.Reissue {
			from = string(xiangpei.LinePaymentFailed)
		}
		rows, err = tx.tx.QueryContext(tx.ctx, `SELECT `+payCandidateCols+payCandidateFrom+`
			WHERE l.status = $1 AND l.payable AND k.county LIKE $2 AND k.county LIKE $3
			ORDER BY k.submitted_at, l.claim_id, l.id`, from, region, s.RegionPattern())
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []payCandidate
	for rows.Next() {
		var c payCandidate
		var org, code, person, idn string
		var acct, staged int
		var second int64
		var end sql.NullTime
		if err := rows.Scan(&c.line, &c.claim, &c.fen, &c.kind, &org, &code, &person, &idn, &c.acctNo, &c.bank, &c.branch, &acct,
			&second, &staged, &c.person, &c.county, &end); err != nil {
			return nil, err
		}
		c.hasAcct = acct == 1
		if end.Valid {
			c.classEnd = xiangpei.ChinaDate(end.Time)
		}
		if c.kind == string(xiangpei.ClaimInstitution) {
			c.name, c.payID = org, code
		} else {
			c.kind, c.name, c.payID = "person", person, xiangpei.IDNumber(idn).Masked()
		}
		switch {
		case in.Stage2:
			c.fen, c.draw, c.stage = second, 0, 2 // held already: nothing more is drawn
		case staged == 1:
			c.fen, c.stage = c.fen-second, 1 // a failed first stage again; its second stage is held
			c.draw = c.fen
		default:
			first, rest := g.Split(c.fen)
			c.draw = c.fen
			if rest > 0 {
				c.fen, c.hold, c.stage = first, rest, 1
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// BuildBatch builds a batch from the budget (in reach) and reserves its total. It closes the
// notices that are due first, then takes the region's approved lines (or failed ones with
// Reissue) while the budget's remaining amount lasts. Named lines that are not available, or
// that do not fit, refuse the whole batch; with no names, lines another batch has just taken
// are skipped and the batch stops at the first line that does not fit. Each item keeps a copy
// of the payee's bank account; a line whose payee has none is always left out and counted
// (a named one refuses the batch), and when no line has an account nothing is written.
// A staged budget (Stage1Pct < 100) pays the first stage and holds the rest (budget →
// payable); Stage2 pays the verified second stages it holds (payable → reserved).
func (tx *Tx) BuildBatch(s xiangpei.Scope, in BatchInput) (Batch, error) {
	if err := mayPay(tx.Actor); err != nil {
		return Batch{}, err
	}
	if _, err := tx.CloseNotices(); err != nil {
		return Batch{}, err
	}
	all, reach := budgetReach(s)
	g, err := scanBudget(tx.tx.QueryRowContext(tx.ctx, `SELECT `+budgetCols+` FROM budgets b WHERE b.id = $1 AND ($2 OR b.region LIKE $3)`,
		in.BudgetID, all, reach))
	if err != nil {
		return Batch{}, mapError(err, "Budget")
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > 200 {
		return Batch{}, xiangpei.Errorf(xiangpei.Invalid, "payment.note_long", "Keep the note under 200 characters.")
	}
	if in.Stage2 && in.Reissue {
		in.Reissue = false // a failed second stage is payable again: a stage-2 batch takes it
	}
	now := tx.Now.UTC().Truncate(time.Microsecond)
	// lock the budget row (without bumping its version) so that builds on one budget take turns
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE budgets SET updated_at = updated_at WHERE id = $1`, g.ID); err != nil {
		return Batch{}, err
	}
	remaining, err := budgetRemaining(tx.ctx, tx.tx, g.ID)
	if err != nil {
		return Batch{}, err
	}
	if in.Stage2 {
		if _, err := tx.verifyFromInsurance(g.Region, s); err != nil {
			return Batch{}, err
		}
	}
	from := string(xiangpei.ClaimApproved)
	if in.Reissue {
		from = string(xiangpei.LinePaymentFailed)
	}
	cands, err := tx.payCandidates(g, s, in)
	if err != nil {
		return Batch{}, err
	}
	named := len(in.LineIDs) > 0
	if named {
		byID := map[int64]payCandidate{}
		for _, c := range cands {
			byID[c.line] = c
		}
		cands = cands[:0]
		seen := map[int64]bool{}
		for _, id := range in.LineIDs {
			c, ok := byID[id]
			if !ok {
				return Batch{}, xiangpei.Errorf(xiangpei.Conflict, "payment.line_unavailable", "Line %v cannot be paid in this batch: it is not waiting for payment in the budget's region.", id)
			}
			if !c.hasAcct {
				return Batch{}, xiangpei.Errorf(xiangpei.Conflict, "payment.no_account", "Line %v waits for the payee's bank account.", id)
			}
			if !seen[id] {
				seen[id] = true
				cands = append(cands, c)
			}
		}
	}
	var taken []payCandidate
	var total, drawn int64
	leftOut := 0
	var first *payCandidate
	for _, c := range cands {
		if !c.hasAcct {
			leftOut++
			continue
		}
		if first == nil {
			first = &c
		}
		if drawn+c.draw > remaining {
			if named {
				return Batch{}, xiangpei.Errorf(xiangpei.Invalid, "payment.over_budget", "The lines come to ¥%v but the budget has only ¥%v left.",
					xiangpei.FormatFen(drawn+c.draw), xiangpei.FormatFen(remaining))
			}
			break
		}
		var res sql.Result
		if in.Stage2 {
			res, err = tx.exec(`UPDATE payment_stages SET status = 'in_payment', version = version + 1 WHERE line_id = $1 AND status = 'payable'`, c.line)
		} else {
			res, err = tx.exec(`UPDATE claim_lines SET status = 'in_payment', updated_at = $1, version = version + 1 WHERE id = $2 AND status = $3`,
				now, c.line, from)
		}
		if err != nil {
			return Batch{}, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			if named {
				return Batch{}, xiangpei.Errorf(xiangpei.Conflict, "payment.line_unavailable", "Line %v cannot be paid in this batch: it is not waiting for payment in the budget's region.", c.line)
			}
			continue // another batch has just taken it
		}
		taken = append(taken, c)
		total += c.fen
		drawn += c.draw
	}
	if len(taken) == 0 {
		switch {
		case first != nil:
			return Batch{}, xiangpei.Errorf(xiangpei.Invalid, "payment.over_budget", "The lines come to ¥%v but the budget has only ¥%v left.",
				xiangpei.FormatFen(first.draw), xiangpei.FormatFen(remaining))
		case leftOut > 0:
			return Batch{}, xiangpei.Errorf(xiangpei.Invalid, "payment.all_wait_account", "%v lines wait for a bank account; no line could be paid.", leftOut)
		case in.Stage2:
			return Batch{}, xiangpei.Errorf(xiangpei.Invalid, "payment.no_stage2", "No second stage of this budget is verified and waiting for payment.")
		}
		return Batch{}, xiangpei.Errorf(xiangpei.Invalid, "payment.no_lines", "No line in the budget's region is waiting for payment.")
	}
	b := Batch{ID: xiangpei.NewID(), BudgetID: g.ID, Region: g.Region, Year: g.Year, Program: g.Program, Reissue: in.Reissue, Status: "open",
		TotalFen: total, Items: len(taken), Note: in.Note, CreatedBy: tx.Actor.Name, CreatedAt: now, Version: 1, Waiting: len(taken),
		LeftOut: leftOut, Stage2: in.Stage2}
	if _, err := tx.exec(`INSERT INTO payment_batches (id, budget_id, region, reissue, status, total_fen, item_count, note, created_by, created_at, updated_at, version, left_out, stage2)
		VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $9, 1, $10, $11)`, b.ID, b.BudgetID, b.Region, b.Reissue, b.TotalFen, b.Items, b.Note, b.CreatedBy, now,
		b.LeftOut, b.Stage2); err != nil {
		return Batch{}, mapError(err, "Batch")
	}
	claims := make([]int64, 0, len(taken))
	for _, c := range taken {
		if _, err := tx.exec(`INSERT INTO payment_items (id, batch_id, line_id, claim_id, amount_fen, payee_kind, payee_name, payee_id, status,
			account_no, bank_name, branch, stage)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'in_payment', $9, $10, $11, $12)`, xiangpei.NewID(), b.ID, c.line, c.claim, c.fen, c.kind, c.name, c.payID,
			c.acctNo, c.bank, c.branch, c.stage); err != nil {
			if mapped := mapError(err, "Batch"); xiangpei.IsKind(mapped, xiangpei.Conflict) {
				return Batch{}, xiangpei.Errorf(xiangpei.Conflict, "payment.line_unavailable", "Line %v cannot be paid in this batch: it is not waiting for payment in the budget's region.", c.line)
			}
			return Batch{}, err
		}
		move := xiangpei.MoveReserve
		if c.stage == 2 {
			move = xiangpei.MoveReleaseHeld
		}
		if err := tx.post(xiangpei.NewEntry(g.ID, b.ID, c.line, move, c.fen), ""); err != nil {
			return Batch{}, err
		}
		if c.hold > 0 {
			if _, err := tx.exec(`INSERT INTO payment_stages (line_id, budget_id, person_id, county, stage2_fen, class_end, status, created_at, version)
				VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7, 1)`, c.line, g.ID, c.person, c.county, c.hold, c.classEnd, now); err != nil {
				return Batch{}, mapError(err, "Batch")
			}
			if err := tx.post(xiangpei.NewEntry(g.ID, b.ID, c.line, xiangpei.MoveHold, c.hold), ""); err != nil {
				return Batch{}, err
			}
		}
		claims = append(claims, c.claim)
	}
	if err := tx.followClaims(claims); err != nil {
		return Batch{}, err
	}
	return b, tx.Audit("payment.batch_build", "payment_batch", b.ID, g.Region, map[string]any{
		"budget": g.ID, "lines": len(taken), "total_fen": total, "reissue": in.Reissue, "remaining_fen": remaining - drawn,
		"left_out": leftOut, "stage2": in.Stage2, "stage1_pct": g.Stage1Pct})
}

// BankFileHeader is the header row of the bank file (docs/payments.md).
var BankFileHeader = []string{"批次号", "付款参考号", "收款人类型", "收款人名称", "证件号码/统一社会信用代码", "收款账号", "金额(元)", "用途", "开户行"}

// BankFile writes the bank file of a batch in reach: UTF-8 CSV with a byte-order mark, a
// header, one row per item waiting for the bank, and a totals row (合计, count, amount).
func (db *DB) BankFile(ctx context.Context, s xiangpei.Scope, batchID int64) ([]byte, error) {
	b, err := db.Batch(ctx, s, batchID)
	if err != nil {
		return nil, err
	}
	items, _, err := batchItems(ctx, db.read, batchID, Page{})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	_ = w.Write(BankFileHeader)
	var n int
	var total int64
	for _, i := range items {
		if i.Status != string(xiangpei.ClaimInPayment) {
			continue
		}
		kind := "个人"
		if i.PayeeKind == "institution" {
			kind = "机构"
		}
		purpose := fmt.Sprintf("职业技能培训补贴 %d-%s", b.Year, programLabel(b.Program))
		if i.Stage > 0 {
			purpose += fmt.Sprintf(" 第%d期", i.Stage)
		}
		_ = w.Write([]string{strconv.FormatInt(b.ID, 10), strconv.FormatInt(i.LineID, 10), kind, i.PayeeName, i.PayeeID, i.AccountNo,
			xiangpei.FormatFen(i.AmountFen), purpose, i.Branch})
		n++
		total += i.AmountFen
	}
	_ = w.Write([]string{"合计", strconv.Itoa(n), "", "", "", "", xiangpei.FormatFen(total), "", ""})
	w.Flush()
	return buf.Bytes(), w.Error()
}

func programLabel(p string) string {
	if p == "" {
		return "通用"
	}
	return p
}

// ReturnRow is one row of a bank return file as checked.
type ReturnRow struct {
	Line      int // line number in the file (1-based)
	Ref       int64
	Paid      bool
	AmountFen int64
	Reason    string
	Problem   string // "" fine, else a catalogue key (payment.ret_*)
	ItemID    int64
}

// ReturnCheck is the result of checking (or taking) a return file.
type ReturnCheck struct {
	BatchID     int64
	SHA256      string
	Rows        []ReturnRow
	Problems    []ReturnRow // rows with a problem, including the totals row (Ref 0)
	PaidCount   int
	FailedCount int
	PaidFen     int64
	Duplicate   bool // this very file was taken before; nothing changes
}

func errReturnRefused(n int) error {
	return xiangpei.Errorf(xiangpei.Invalid, "payment.return_refused", "The return file has %v problems; nothing was recorded.", n)
}

// checkReturn parses a return file — reference, status (成功/失败), amount in yuan, reason, with
// an optional header row and a final totals row 合计,<rows>,<amount of all rows> — and checks
// each row against the batch's items.
func checkReturn(ctx context.Context, q querier, batchID int64, data []byte) (ReturnCheck, error) {
	sum := sha256.Sum256(data)
	rc := ReturnCheck{BatchID: batchID, SHA256: hex.EncodeToString(sum[:])}
	var seen int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM bank_returns WHERE sha256 = $1`, rc.SHA256).Scan(&seen); err != nil {
		return rc, err
	}
	rc.Duplicate = seen > 0
	items, _, err := batchItems(ctx, q, batchID, Page{})
	if err != nil {
		return rc, err
	}
	byLine := map[int64]BatchItem{}
	for _, i := range items {
		byLine[i.LineID] = i
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		rc.Problems = append(rc.Problems, ReturnRow{Line: 0, Problem: "payment.ret_format"})
		return rc, nil
	}
	dup := map[int64]int{}
	var totals *ReturnRow
	var sumFen int64
	var count int
	for n, rec := range recs {
		row := ReturnRow{Line: n + 1}
		for len(rec) < 4 {
			rec = append(rec, "")
		}
		first := strings.TrimSpace(rec[0])
		if n == 0 && (first == "付款参考号" || strings.EqualFold(first, "reference")) {
			continue
		}
		if first == "" && strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		if first == "合计" {
			t := row
			cnt, err1 := strconv.Atoi(strings.TrimSpace(rec[1]))
			fen, ok := xiangpei.ParseFen(rec[2])
			if err1 != nil || !ok {
				t.Problem = "payment.ret_totals"
			} else {
				t.Ref, t.AmountFen = int64(cnt), fen
			}
			totals = &t
			continue
		}
		if totals != nil {
			row.Problem = "payment.ret_after_totals"
			rc.Rows = append(rc.Rows, row)
			continue
		}
		ref, err := strconv.ParseInt(first, 10, 64)
		fen, ok := xiangpei.ParseFen(rec[2])
		status := strings.TrimSpace(rec[1])
		row.Ref, row.AmountFen, row.Reason = ref, fen, strings.TrimSpace(rec[3])
		row.Paid = status == "成功"
		count++
		sumFen += fen
		item, known := byLine[ref]
		switch {
		case err != nil || !ok:
			row.Problem = "payment.ret_format"
		case status != "成功" && status != "失败":
			row.Problem = "payment.ret_status"
		case !known:
			row.Problem = "payment.ret_unknown"
		case dup[ref] > 0:
			row.Problem = "payment.ret_duplicate"
		case fen != item.AmountFen:
			row.Problem = "payment.ret_amount"
		case item.Status != string(xiangpei.ClaimInPayment) && !rc.Duplicate:
			row.Problem = "payment.ret_settled"
		}
		dup[ref] = row.Line
		row.ItemID = item.ID
		if row.Problem == "" {
			if row.Paid {
				rc.PaidCount++
				rc.PaidFen += fen
			} else {
				rc.FailedCount++
			}
		}
		rc.Rows = append(rc.Rows, row)
	}
	for _, row := range rc.Rows {
		if row.Problem != "" {
			rc.Problems = append(rc.Problems, row)
		}
	}
	switch {
	case totals == nil:
		rc.Problems = append(rc.Problems, ReturnRow{Line: len(recs) + 1, Problem: "payment.ret_no_totals"})
	case totals.Problem != "":
		rc.Problems = append(rc.Problems, *totals)
	case totals.Ref != int64(count) || totals.AmountFen != sumFen:
		totals.Problem = "payment.ret_totals"
		rc.Problems = append(rc.Problems, *totals)
	}
	if count == 0 && len(rc.Problems) == 0 {
		rc.Problems = append(rc.Problems, ReturnRow{Line: 1, Problem: "payment.ret_empty"})
	}
	return rc, nil
}

// CheckReturn is the dry run of a return file for a batch in reach: every row as it would be
// taken, the problems with their line numbers, and nothing written.
func (db *DB) CheckReturn(ctx context.Context, s xiangpei.Scope, batchID int64, data []byte) (ReturnCheck, error) {
	if _, err := db.Batch(ctx, s, batchID); err != nil {
		return ReturnCheck{}, err
	}
	return checkReturn(ctx, db.read, batchID, data)
}

// ImportReturn takes a bank return file for a batch in reach: each 成功 row marks its line paid
// (reserved → paid), each 失败 row marks it payment_failed (reserved → budget, released). Any
// problem refuses the whole file with nothing written (Invalid payment.return_refused, the
// check tells the rows). The same file a second time changes nothing (Duplicate).
func (tx *Tx) ImportReturn(s xiangpei.Scope, batchID int64, fileName string, data []byte) (ReturnCheck, error) {
	if err := mayPay(tx.Actor); err != nil {
		return ReturnCheck{}, err
	}
	b, err := batchByID(tx.ctx, tx.tx, s, batchID)
	if err != nil {
		return ReturnCheck{}, err
	}
	// take turns on the batch
	if _, err := tx.tx.ExecContext(tx.ctx, `UPDATE payment_batches SET updated_at = updated_at WHERE id = $1`, b.ID); err != nil {
		return ReturnCheck{}, err
	}
	rc, err := checkReturn(tx.ctx, tx.tx, batchID, data)
	if err != nil || rc.Duplicate {
		return rc, err
	}
	if len(rc.Problems) > 0 {
		return rc, errReturnRefused(len(rc.Problems))
	}
	now := tx.Now.UTC().Truncate(time.Microsecond)
	items, _, err := batchItems(tx.ctx, tx.tx, b.ID, Page{})
	if err != nil {
		return rc, err
	}
	stageOf := map[int64]int{}
	for _, i := range items {
		stageOf[i.ID] = i.Stage
	}
	claims := []int64{}
	for _, row := range rc.Rows {
		status, move := string(xiangpei.ClaimPaid), xiangpei.MovePay
		if !row.Paid {
			status, move = string(xiangpei.LinePaymentFailed), xiangpei.MoveRelease
		}
		if stageOf[row.ItemID] == 2 {
			// a second stage: the line stays paid; the stage is paid, or held again
			next := "paid"
			if !row.Paid {
				next, move = "payable", xiangpei.MoveRehold
			}
			if _, err := tx.exec(`UPDATE payment_stages SET status = $1, version = version + 1 WHERE line_id = $2 AND status = 'in_payment'`,
				next, row.Ref); err != nil {
				return rc, err
			}
		}
		res, err := tx.exec(`UPDATE payment_items SET status = $1, reason = $2, settled_at = $3, version = version + 1
			WHERE id = $4 AND status = 'in_payment'`, status, row.Reason, now, row.ItemID)
		if err != nil {
			return rc, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return rc, xiangpei.StaleVersion()
		}
		var claim int64
		if err := tx.tx.QueryRowContext(tx.ctx, `SELECT claim_id FROM claim_lines WHERE id = $1`, row.Ref).Scan(&claim); err != nil {
			return rc, err
		}
		if _, err := tx.exec(`UPDATE claim_lines SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND status = 'in_payment'`,
			status, now, row.Ref); err != nil {
			return rc, err
		}
		if err := tx.post(xiangpei.NewEntry(b.BudgetID, b.ID, row.Ref, move, row.AmountFen), row.Reason); err != nil {
			return rc, err
		}
		claims = append(claims, claim)
	}
	if _, err := tx.exec(`INSERT INTO bank_returns (id, batch_id, sha256, file_name, paid_count, failed_count, paid_fen, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, xiangpei.NewID(), b.ID, rc.SHA256, fileName, rc.PaidCount, rc.FailedCount, rc.PaidFen,
		tx.Actor.Name, now); err != nil {
		if mapped := mapError(err, "Return"); xiangpei.IsKind(mapped, xiangpei.Conflict) {
			return rc, xiangpei.Errorf(xiangpei.Conflict, "payment.return_taken", "This return file has just been recorded by someone else.")
		}
		return rc, err
	}
	if _, err := tx.exec(`UPDATE payment_batches SET status = CASE WHEN EXISTS (SELECT 1 FROM payment_items i WHERE i.batch_id = payment_batches.id
		AND i.status = 'in_payment') THEN 'open' ELSE 'settled' END, updated_at = $1, version = version + 1 WHERE id = $2`, now, b.ID); err != nil {
		return rc, err
	}
	if err := tx.followClaims(claims); err != nil {
		return rc, err
	}
	return rc, tx.Audit("payment.return", "payment_batch", b.ID, b.Region, map[string]any{
		"sha256": rc.SHA256, "file": fileName, "paid": rc.PaidCount, "failed": rc.FailedCount, "paid_fen": rc.PaidFen})
}

// Clawback (追回) takes back a paid line in reach with a reason: the line and its paid items
// become clawback and the ledger moves each item's amount paid → clawed_back. A second stage
// still held (waiting or payable) is released back to the budget (unhold, payable → budget)
// and cancelled; one at the bank refuses the clawback until the bank answers. version is the
// line's.
func (tx *Tx) Clawback(s xiangpei.Scope, lineID, version int64, reason string) (xiangpei.ClaimLine, error) {
	if err := mayPay(tx.Actor); err != nil {
		return xiangpei.ClaimLine{}, err
	}
	reason = strings.TrimSpace(reason)
	if n := len([]rune(reason)); n < 2 || n > 500 {
		return xiangpei.ClaimLine{}, xiangpei.Errorf(xiangpei.Invalid, "payment.clawback_reason", "Give the reason for the clawback (2–500 characters).")
	}
	all, reach := payScope(s)
	var claimID, budget int64
	var region string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT i.claim_id, b.budget_id, b.region FROM payment_items i
		JOIN payment_batches b ON b.id = i.batch_id WHERE i.line_id = $1 AND i.status <> 'payment_failed' AND ($2 OR b.region LIKE $3)
		ORDER BY i.stage LIMIT 1`, lineID, all, reach).Scan(&claimID, &budget, &region)
	if err != nil {
		return xiangpei.ClaimLine{}, mapError(err, "Line")
	}
	var stage PaymentStage
	staged := false
	switch st, err := scanStage(tx.tx.QueryRowContext(tx.ctx, `SELECT `+stageCols+stageFrom+` WHERE ps.line_id = $1`, lineID)); {
	case err == nil:
		stage, staged = st, true
	case !errors.Is(err, sql.ErrNoRows):
		return xiangpei.ClaimLine{}, err
	}
	if staged && stage.Status == "in_payment" {
		return xiangpei.ClaimLine{}, xiangpei.Errorf(xiangpei.Conflict, "payment.stage_at_bank", "The second stage of this line is with the bank: record the bank's answer first.")
	}
	now := tx.Now.UTC().Truncate(time.Microsecond)
	res, err := tx.exec(`UPDATE claim_lines SET status = 'clawback', updated_at = $1, version = version + 1 WHERE id = $2 AND version = $3 AND status = 'paid'`,
		now, lineID, version)
	if err != nil {
		return xiangpei.ClaimLine{}, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		var st string
		var v int64
		if err := tx.tx.QueryRowContext(tx.ctx, `SELECT status, version FROM claim_lines WHERE id = $1`, lineID).Scan(&st, &v); err != nil {
			return xiangpei.ClaimLine{}, mapError(err, "Line")
		}
		if v != version {
			return xiangpei.ClaimLine{}, xiangpei.StaleVersion()
		}
		return xiangpei.ClaimLine{}, xiangpei.Errorf(xiangpei.Conflict, "payment.not_paid", "Only a paid line can be clawed back.")
	}
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT id, amount_fen FROM payment_items WHERE line_id = $1 AND status = 'paid' ORDER BY stage, id`, lineID)
	if err != nil {
		return xiangpei.ClaimLine{}, err
	}
	type paidItem struct{ id, fen int64 }
	paid, err := collect(rows, func(r scanner) (paidItem, error) {
		var p paidItem
		err := r.Scan(&p.id, &p.fen)
		return p, err
	})
	if err != nil {
		return xiangpei.ClaimLine{}, err
	}
	var total int64
	for _, p := range paid {
		if _, err := tx.exec(`UPDATE payment_items SET status = 'clawback', reason = $1, version = version + 1 WHERE id = $2 AND status = 'paid'`,
			reason, p.id); err != nil {
			return xiangpei.ClaimLine{}, err
		}
		if err := tx.post(xiangpei.NewEntry(budget, 0, lineID, xiangpei.MoveClawback, p.fen), reason); err != nil {
			return xiangpei.ClaimLine{}, err
		}
		total += p.fen
	}
	detail := map[string]any{"amount_fen": total, "reason": reason}
	if staged && (stage.Status == "waiting" || stage.Status == "payable") {
		if _, err := tx.exec(`UPDATE payment_stages SET status = 'cancelled', version = version + 1 WHERE line_id = $1`, lineID); err != nil {
			return xiangpei.ClaimLine{}, err
		}
		if err := tx.post(xiangpei.NewEntry(stage.BudgetID, 0, lineID, xiangpei.MoveUnhold, stage.Stage2Fen), reason); err != nil {
			return xiangpei.ClaimLine{}, err
		}
		detail["released_fen"] = stage.Stage2Fen
	}
	if err := tx.followClaims([]int64{claimID}); err != nil {
		return xiangpei.ClaimLine{}, err
	}
	if err := tx.Audit("payment.clawback", "claim_line", lineID, region, detail); err != nil {
		return xiangpei.ClaimLine{}, err
	}
	return tx.claimLine(lineID)
}

// WaitingPayee is a payee whose lines wait for a bank account: the lines of the budget's
// region that a batch would take (approved, or failed at the bank) but leaves out because the
// payee has no account.
type WaitingPayee struct {
	Kind      string // institution or person
	OrgID     int64  // the institution (institution claims)
	PersonID  int64  // the person (person claims)
	Name      string
	PayID     string // credit code, or the masked ID number
	Lines     int
	AmountFen int64
}

// PayeesWithoutAccount lists the payees of the budget's region (budget in reach) whose payable
// lines wait for a bank account, institutions first, then by name.
func (db *DB) PayeesWithoutAccount(ctx context.Context, s xiangpei.Scope, budgetID int64) ([]WaitingPayee, error) {
	g, err := db.Budget(ctx, s, budgetID)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT k.kind, COALESCE(k.org_id, 0), l.person_id, COALESCE(o.name, ''), COALESCE(o.credit_code, ''),
		p.name, p.id_number, CASE WHEN l.reduced_fen > 0 THEN l.reduced_fen ELSE l.amount_fen END
		FROM claim_lines l JOIN claims k ON k.id = l.claim_id JOIN persons p ON p.id = l.person_id
		LEFT JOIN organisations o ON o.id = k.org_id
		LEFT JOIN bank_accounts ba ON (k.kind = 'institution' AND ba.org_id = k.org_id) OR (k.kind = 'person' AND ba.person_id = k.person_id)
		WHERE l.status IN ('approved', 'payment_failed') AND l.payable AND ba.id IS NULL AND k.county LIKE $1 AND k.county LIKE $2
		ORDER BY k.kind, l.id`, xiangpei.RegionPrefix(g.Region)+"%", s.RegionPattern())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WaitingPayee
	at := map[[2]int64]int{}
	for rows.Next() {
		var w WaitingPayee
		var org, code, person, idn string
		var fen int64
		if err := rows.Scan(&w.Kind, &w.OrgID, &w.PersonID, &org, &code, &person, &idn, &fen); err != nil {
			return nil, err
		}
		key := [2]int64{w.OrgID, 0}
		if w.Kind == string(xiangpei.ClaimInstitution) {
			w.PersonID, w.Name, w.PayID = 0, org, code
		} else {
			w.Kind, w.OrgID, w.Name, w.PayID = "person", 0, person, xiangpei.IDNumber(idn).Masked()
			key = [2]int64{0, w.PersonID}
		}
		i, ok := at[key]
		if !ok {
			i = len(out)
			at[key] = i
			out = append(out, w)
		}
		out[i].Lines++
		out[i].AmountFen += fen
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind == string(xiangpei.ClaimInstitution)
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}
