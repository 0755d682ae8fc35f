package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"xiangpei"
)

// 补 — staged payment (SPEC §8, docs/payments.md). A budget with stage1_pct below 100 pays
// the first part of each line on completion and certificate and holds the rest in the
// ledger's payable account (movement hold, budget → payable), recorded in payment_stages as
// waiting. The second stage becomes payable when employment within 6 months of the class end
// is verified: from a full-time social-insurance record (insurance_records) starting in that
// span, found when a stage-2 batch is built or when an officer verifies, or by an officer's
// recorded verification with a note. A stage-2 batch pays it (payable → reserved → paid); a
// failure at the bank holds it again (rehold, reserved → payable). The source column is
// ready for the employment records (用) to come: source 'employment' with their id.

// EmploymentMonths is how long after the class end employment counts for the second stage.
const EmploymentMonths = 6

// PaymentStage is the second stage of a staged line.
type PaymentStage struct {
	LineID     int64
	ClaimID    int64
	BudgetID   int64
	PersonID   int64
	PersonName string
	County     string
	Stage2Fen  int64
	ClassEnd   string
	Status     string // waiting, payable, in_payment, paid, cancelled
	Source     string // insurance, officer (employment later)
	EvidenceID int64
	Note       string
	VerifiedBy string
	VerifiedAt time.Time
	Version    int64
}

// EmploymentDeadline is the last day employment may start for the second stage.
func (p PaymentStage) EmploymentDeadline() string { return employmentDeadline(p.ClassEnd) }

func employmentDeadline(classEnd string) string {
	t, err := time.Parse(time.DateOnly, classEnd)
	if err != nil {
		return ""
	}
	return t.AddDate(0, EmploymentMonths, 0).Format(time.DateOnly)
}

const stageCols = `ps.line_id, l.claim_id, ps.budget_id, ps.person_id, p.name, ps.county, ps.stage2_fen, ps.class_end, ps.status, ps.source,
	ps.evidence_id, ps.note, ps.verified_by, ps.verified_at, ps.version`

const stageFrom = ` FROM payment_stages ps JOIN claim_lines l ON l.id = ps.line_id JOIN persons p ON p.id = ps.person_id`

func scanStage(r scanner) (PaymentStage, error) {
	var p PaymentStage
	var at sql.NullTime
	err := r.Scan(&p.LineID, &p.ClaimID, &p.BudgetID, &p.PersonID, &p.PersonName, &p.County, &p.Stage2Fen, &p.ClassEnd, &p.Status, &p.Source,
		&p.EvidenceID, &p.Note, &p.VerifiedBy, &at, &p.Version)
	if at.Valid {
		p.VerifiedAt = at.Time.UTC()
	}
	return p, err
}

// PaymentStages lists the second stages within scope (officers by the line's county, a person
// their own, an institution those of its claims), of a status ("" any), oldest first.
func (db *DB) PaymentStages(ctx context.Context, s xiangpei.Scope, status string, p Page) ([]PaymentStage, int, error) {
	a := scopeOf(s)
	where := stageFrom + ` JOIN claims k ON k.id = l.claim_id WHERE` + claimScope + ` AND ($5 = '' OR ps.status = $5)`
	args := []any{a.all, a.region, a.org, a.person, status}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	limit := p.limit()
	if p == (Page{}) {
		limit = 1 << 30
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+stageCols+where+` ORDER BY ps.created_at, ps.line_id LIMIT $6 OFFSET $7`,
		append(args, limit, p.offset())...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanStage)
	return out, n, err
}

// StageOfLine reads the second stage of a line within scope (ok false when it is not staged).
func (db *DB) StageOfLine(ctx context.Context, s xiangpei.Scope, lineID int64) (PaymentStage, bool, error) {
	a := scopeOf(s)
	st, err := scanStage(db.read.QueryRowContext(ctx, `SELECT `+stageCols+stageFrom+` JOIN claims k ON k.id = l.claim_id
		WHERE ps.line_id = $5 AND`+claimScope, a.all, a.region, a.org, a.person, lineID))
	if errors.Is(err, sql.ErrNoRows) {
		return PaymentStage{}, false, nil
	}
	return st, err == nil, err
}

// insuranceEvidence finds a full-time insurance record of the person starting within
// EmploymentMonths after the class end (0 when none).
func insuranceEvidence(ctx context.Context, q querier, personID int64, classEnd string) (int64, string, error) {
	var id int64
	var employer string
	err := q.QueryRowContext(ctx, `SELECT id, employer FROM insurance_records WHERE person_id = $1 AND full_time
		AND starts_on >= $2 AND starts_on <= $3 ORDER BY starts_on, id LIMIT 1`, personID, classEnd, employmentDeadline(classEnd)).Scan(&id, &employer)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return id, employer, err
}

// verifyFromInsurance makes payable every waiting second stage of the region (within scope)
// that a full-time insurance record proves, and audits each; it returns how many.
func (tx *Tx) verifyFromInsurance(region string, s xiangpei.Scope) (int, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT ps.line_id, ps.person_id, ps.class_end, ps.county FROM payment_stages ps
		WHERE ps.status = 'waiting' AND ps.county LIKE $1 AND ps.county LIKE $2 ORDER BY ps.line_id`,
		xiangpei.RegionPrefix(region)+"%", s.RegionPattern())
	if err != nil {
		return 0, err
	}
	type waiting struct {
		line, person    int64
		classEnd, where string
	}
	list, err := collect(rows, func(r scanner) (waiting, error) {
		var w waiting
		err := r.Scan(&w.line, &w.person, &w.classEnd, &w.where)
		return w, err
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, w := range list {
		id, employer, err := insuranceEvidence(tx.ctx, tx.tx, w.person, w.classEnd)
		if err != nil {
			return n, err
		}
		if id == 0 {
			continue
		}
		if err := tx.markPayable(w.line, w.where, "insurance", id, employer); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (tx *Tx) markPayable(line int64, county, source string, evidence int64, note string) error {
	now := tx.Now.UTC().Truncate(time.Microsecond)
	res, err := tx.exec(`UPDATE payment_stages SET status = 'payable', source = $1, evidence_id = $2, note = $3, verified_by = $4,
		verified_at = $5, version = version + 1 WHERE line_id = $6 AND status = 'waiting'`, source, evidence, note, tx.Actor.Name, now, line)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return xiangpei.Errorf(xiangpei.Conflict, "payment.stage_not_waiting", "The second stage of this line is not waiting for employment.")
	}
	return tx.Audit("payment.employment_verified", "claim_line", line, county, map[string]any{"source": source, "evidence": evidence, "note": note})
}

// VerifyEmployment makes a waiting second stage in reach payable: from a full-time insurance
// record starting within 6 months of the class end when there is one, otherwise on the
// officer's note (2–500 characters: whom the person works for and how it was checked). Officers
// holding the payment or county review duty verify.
func (tx *Tx) VerifyEmployment(s xiangpei.Scope, lineID int64, note string) (PaymentStage, error) {
	a := tx.Actor
	if a.Role != xiangpei.RoleOfficer || !(a.Can(xiangpei.DutyPayment) || a.Can(xiangpei.DutyClaimReview1)) {
		return PaymentStage{}, xiangpei.Errorf(xiangpei.Forbidden, "payment.verify_duty", "Only officers with the payment or review duty verify employment.")
	}
	sa := scopeOf(s)
	st, err := scanStage(tx.tx.QueryRowContext(tx.ctx, `SELECT `+stageCols+stageFrom+` JOIN claims k ON k.id = l.claim_id
		WHERE ps.line_id = $5 AND`+claimScope, sa.all, sa.region, sa.org, sa.person, lineID))
	if err != nil {
		return st, mapError(err, "Line")
	}
	if st.Status != "waiting" {
		return st, xiangpei.Errorf(xiangpei.Conflict, "payment.stage_not_waiting", "The second stage of this line is not waiting for employment.")
	}
	id, employer, err := insuranceEvidence(tx.ctx, tx.tx, st.PersonID, st.ClassEnd)
	if err != nil {
		return st, err
	}
	note = strings.TrimSpace(note)
	source := "insurance"
	if id == 0 {
		if n := len([]rune(note)); n < 2 || n > 500 {
			return st, xiangpei.Errorf(xiangpei.Invalid, "payment.verify_note",
				"No social-insurance record shows employment from %v to %v: write down whom the person works for and how you checked it (2–500 characters).",
				st.ClassEnd, st.EmploymentDeadline())
		}
		source = "officer"
	} else if note == "" {
		note = employer
	}
	if err := tx.markPayable(lineID, st.County, source, id, note); err != nil {
		return st, err
	}
	return scanStage(tx.tx.QueryRowContext(tx.ctx, `SELECT `+stageCols+stageFrom+` WHERE ps.line_id = $1`, lineID))
}

// LineStages is what a staged line shows where people look (claim page, /me/claims, the
// lifelong record): its first stage (the latest live item of stage 1: in_payment, paid,
// payment_failed or clawback) and its second stage (waiting until Until, payable, in_payment,
// paid or cancelled), with amounts.
type LineStages struct {
	LineID       int64
	Stage1Fen    int64
	Stage1Status string // the first-stage item's status ("" when none)
	Stage2Fen    int64
	Stage2Status string // waiting, payable, in_payment, paid, cancelled
	ClassEnd     string
	Until        string // the last day employment may start (class end + EmploymentMonths)
}

// StagesOfLines reads the stages of the staged lines among lineIDs, within scope (officers by
// the claim's county, an institution its claims, a person their own lines), set-wise: one
// query per chunk of lines. Lines that are not staged (or out of scope) are absent.
func (db *DB) StagesOfLines(ctx context.Context, s xiangpei.Scope, lineIDs []int64) (map[int64]LineStages, error) {
	out := map[int64]LineStages{}
	if len(lineIDs) == 0 {
		return out, nil
	}
	a := scopeOf(s)
	for _, chunk := range inChunks(lineIDs, int64(0)) {
		args := append([]any{a.all, a.region, a.org, a.person}, chunk...)
		rows, err := db.read.QueryContext(ctx, `SELECT ps.line_id, ps.stage2_fen, ps.status, ps.class_end,
			COALESCE((SELECT i.amount_fen FROM payment_items i WHERE i.line_id = ps.line_id AND i.stage = 1
				ORDER BY CASE WHEN i.status = 'payment_failed' THEN 1 ELSE 0 END, i.id DESC LIMIT 1), 0),
			COALESCE((SELECT i.status FROM payment_items i WHERE i.line_id = ps.line_id AND i.stage = 1
				ORDER BY CASE WHEN i.status = 'payment_failed' THEN 1 ELSE 0 END, i.id DESC LIMIT 1), '')
			FROM payment_stages ps JOIN claim_lines l ON l.id = ps.line_id JOIN claims k ON k.id = l.claim_id
			WHERE ($1 OR k.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR k.org_id = $3) AND (CAST($4 AS BIGINT) = 0 OR l.person_id = $4)
			AND ps.line_id IN (`+inList(5)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var st LineStages
			if err := rows.Scan(&st.LineID, &st.Stage2Fen, &st.Stage2Status, &st.ClassEnd, &st.Stage1Fen, &st.Stage1Status); err != nil {
				rows.Close()
				return nil, err
			}
			st.Until = employmentDeadline(st.ClassEnd)
			out[st.LineID] = st
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
