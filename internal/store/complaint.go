package store

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
)

// 权益保障 — complaints (migration 00023, docs/complaints.md). A person files a complaint
// against an employer (by credit code, or by a posting); officers with the complaint duty of
// the employer's county or above move the case through the domain machine
// (xiangpei.ComplaintStatus.Next), each move messaging the person; the employer reads the
// complaints against it with the complainant's ID number masked (the full number is never
// selected here). An employer with unresolved wage arrears cannot submit gig postings.

// ComplaintCase is a complaint with what its readers see beside the domain's fields.
type ComplaintCase struct {
	xiangpei.Complaint
	Version      int
	EmployerName string
	PersonName   string
	MaskedID     string // the complainant's ID number, masked
	Outcome      string // the mediation agreement, or the reason of a dismissal or withdrawal
	AgreedFen    int64
	ReferredTo   string
	Countdown    xiangpei.Countdown // filled by the lists that order by deadline
}

const complaintCols = `c.id, c.kind, c.person_id, c.employer_id, c.credit_code, c.posting_id, c.amount_fen, c.facts, c.county,
	c.status, c.outcome, c.agreed_fen, c.referred_to, c.entered_at, c.filed_at, c.version, o.name, p.name, p.id_number`

const complaintFrom = ` FROM complaints c JOIN organisations o ON o.id = c.employer_id JOIN persons p ON p.id = c.person_id`

// complaintScope: officers by the employer's county, the employer its own, a person their own.
const complaintScope = ` ($1 OR c.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR c.employer_id = $3) AND (CAST($4 AS BIGINT) = 0 OR c.person_id = $4)`

func scanComplaint(r scanner) (ComplaintCase, error) {
	var c ComplaintCase
	var kind, st, id string
	err := r.Scan(&c.ID, &kind, &c.PersonID, &c.EmployerID, &c.CreditCode, &c.PostingID, &c.AmountFen, &c.Facts, &c.County,
		&st, &c.Outcome, &c.AgreedFen, &c.ReferredTo, &c.EnteredAt, &c.FiledAt, &c.Version, &c.EmployerName, &c.PersonName, &id)
	c.Kind, c.Status, c.MaskedID = xiangpei.ComplaintKind(kind), xiangpei.ComplaintStatus(st), xiangpei.IDNumber(id).Masked()
	c.EnteredAt, c.FiledAt = c.EnteredAt.UTC(), c.FiledAt.UTC()
	return c, err
}

func complaintByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (ComplaintCase, error) {
	a := scopeOf(s)
	c, err := scanComplaint(q.QueryRowContext(ctx, `SELECT `+complaintCols+complaintFrom+` WHERE c.id = $5 AND`+complaintScope,
		a.all, a.region, a.org, a.person, id))
	return c, mapError(err, "Complaint")
}

// Complaint reads a complaint within scope; outside it, NotFound.
func (db *DB) Complaint(ctx context.Context, s xiangpei.Scope, id int64) (ComplaintCase, error) {
	return complaintByID(ctx, db.read, s, id)
}

// ComplaintFilter narrows a list of complaints.
type ComplaintFilter struct {
	Status     xiangpei.ComplaintStatus
	OpenOnly   bool // not closed
	EmployerID int64
}

// Complaints lists the complaints within scope that pass the filter, each with its countdown
// by the working-day calendar, ordered by deadline: overdue first, the nearest due next,
// closed cases last (newest first); with the total.
func (db *DB) Complaints(ctx context.Context, s xiangpei.Scope, f ComplaintFilter, page Page) ([]ComplaintCase, int, error) {
	a := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, `SELECT `+complaintCols+complaintFrom+` WHERE`+complaintScope+
		` AND ($5 = '' OR c.status = $5) AND (NOT $6 OR c.status <> 'closed') AND (CAST($7 AS BIGINT) = 0 OR c.employer_id = $7)
		ORDER BY c.filed_at DESC, c.id DESC`, a.all, a.region, a.org, a.person, string(f.Status), f.OpenOnly, f.EmployerID)
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, scanComplaint)
	if err != nil {
		return nil, 0, err
	}
	cal, err := db.Calendar(ctx)
	if err != nil {
		return nil, 0, err
	}
	now := db.Now()
	for i := range list {
		list[i].Countdown = xiangpei.CountdownFor(cal, list[i].Status, list[i].EnteredAt, now)
	}
	slices.SortStableFunc(list, func(x, y ComplaintCase) int {
		if x.Countdown.Deadline != y.Countdown.Deadline {
			if x.Countdown.Deadline {
				return -1
			}
			return 1
		}
		if !x.Countdown.Deadline {
			return 0
		}
		return cmp.Or(x.Countdown.Due.Compare(y.Countdown.Due), x.EnteredAt.Compare(y.EnteredAt))
	})
	total := len(list)
	lo := min(page.offset(), total)
	hi := min(lo+page.limit(), total)
	return list[lo:hi], total, nil
}

// ComplaintCounts are the complaints against one employer within a scope: the employer's
// record in the registry shows them.
type ComplaintCounts struct {
	Total       int // every complaint, closed or not
	Open        int // not closed
	OpenArrears int // wage arrears neither closed nor mediated: these block new gigs
}

// ComplaintCountsOf counts the complaints within scope against an employer.
func (db *DB) ComplaintCountsOf(ctx context.Context, s xiangpei.Scope, employerID int64) (ComplaintCounts, error) {
	a := scopeOf(s)
	var n ComplaintCounts
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN c.status <> 'closed' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.kind = 'wage_arrears' AND c.status NOT IN ('closed','mediated') THEN 1 ELSE 0 END), 0)
		FROM complaints c WHERE`+complaintScope+` AND c.employer_id = $5`, a.all, a.region, a.org, a.person, employerID).
		Scan(&n.Total, &n.Open, &n.OpenArrears)
	return n, err
}

// EmployerHasOpenArrears reports whether a wage-arrears complaint against the employer is
// unresolved: neither closed nor mediated.
func (tx *Tx) EmployerHasOpenArrears(orgID int64) (bool, error) {
	err := tx.refuse(errOpenArrears(), `SELECT 1 FROM complaints WHERE employer_id = $1 AND kind = 'wage_arrears'
		AND status NOT IN ('closed','mediated') LIMIT 1`, orgID)
	if xiangpei.IsKind(err, xiangpei.Conflict) {
		return true, nil
	}
	return false, err
}

// EmployerHasOpenArrears reports the same outside a transaction.
func (db *DB) EmployerHasOpenArrears(ctx context.Context, orgID int64) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints WHERE employer_id = $1 AND kind = 'wage_arrears'
		AND status NOT IN ('closed','mediated')`, orgID).Scan(&n)
	return n > 0, err
}

func errOpenArrears() error {
	return xiangpei.Errorf(xiangpei.Conflict, "complaint.open_arrears",
		"A wage-arrears complaint against your organisation is not yet resolved, so new gig postings cannot be published. Settle the wages owed with the bureau's mediation first.")
}

// ComplaintInput is what a person files.
type ComplaintInput struct {
	Kind       xiangpei.ComplaintKind
	CreditCode string // the employer, by its code; or
	PostingID  int64  // the employer of a posting
	AmountFen  int64
	Facts      string
}

// FileComplaint records the person's complaint against an employer named by credit code or
// by a posting. The case belongs to the employer's county.
func (tx *Tx) FileComplaint(s xiangpei.Scope, in ComplaintInput) (ComplaintCase, error) {
	if s.PersonID <= 0 {
		return ComplaintCase{}, xiangpei.Errorf(xiangpei.Forbidden, "complaint.person_only", "Only the person themself can file a complaint.")
	}
	in.Facts, in.CreditCode = strings.TrimSpace(in.Facts), strings.ToUpper(strings.TrimSpace(in.CreditCode))
	d := xiangpei.ComplaintDraft{Kind: in.Kind, PersonID: s.PersonID, AmountFen: in.AmountFen, Facts: in.Facts}
	if err := d.Validate(); err != nil {
		return ComplaintCase{}, err
	}
	var empID int64
	var code, county string
	var err error
	switch {
	case in.PostingID != 0:
		err = tx.tx.QueryRowContext(tx.ctx, `SELECT o.id, o.credit_code, o.county FROM job_postings j JOIN organisations o ON o.id = j.employer_id
			WHERE j.id = $1 AND j.status IN `+postingPublicStates, in.PostingID).Scan(&empID, &code, &county)
	case in.CreditCode != "":
		err = tx.tx.QueryRowContext(tx.ctx, `SELECT id, credit_code, county FROM organisations WHERE credit_code = $1 AND kind = 'employer'`,
			in.CreditCode).Scan(&empID, &code, &county)
	default:
		return ComplaintCase{}, xiangpei.Errorf(xiangpei.Invalid, "complaint.employer_missing", "Name the employer: its unified social credit code, or the posting.")
	}
	if err != nil {
		if xiangpei.IsKind(mapError(err, "Employer"), xiangpei.NotFound) {
			return ComplaintCase{}, xiangpei.Errorf(xiangpei.Invalid, "complaint.employer_unknown", "No registered employer has this credit code or posting; check the number.")
		}
		return ComplaintCase{}, err
	}
	if in.Kind != xiangpei.ComplaintWageArrears {
		in.AmountFen = 0
	}
	id, now := xiangpei.NewID(), tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO complaints (id, kind, person_id, employer_id, credit_code, posting_id, amount_fen, facts, county,
		status, entered_at, filed_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'filed', $10, $10, $10, 1)`,
		id, string(in.Kind), s.PersonID, empID, code, in.PostingID, in.AmountFen, in.Facts, county, now); err != nil {
		return ComplaintCase{}, mapError(err, "Complaint")
	}
	if err := tx.complaintEvent(id, "file", "", xiangpei.ComplaintFiled, "", in.AmountFen); err != nil {
		return ComplaintCase{}, err
	}
	if err := tx.Audit("complaint.file", "complaint", id, county, map[string]any{"kind": in.Kind, "employer": empID}); err != nil {
		return ComplaintCase{}, err
	}
	return complaintByID(tx.ctx, tx.tx, s, id)
}

func (tx *Tx) complaintEvent(id int64, action string, from, to xiangpei.ComplaintStatus, note string, amount int64) error {
	_, err := tx.exec(`INSERT INTO complaint_events (id, complaint_id, action, from_status, to_status, note, amount_fen, actor_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, xiangpei.NewID(), id, action, string(from), string(to), note, amount,
		tx.Actor.AccountID, tx.Now.Truncate(time.Microsecond))
	return err
}

// ComplaintMove is a move of a case: Note is the outcome of a mediation, the body a case is
// referred to, or the reason of a dismissal or withdrawal; AgreedFen the amount a mediation agreed.
type ComplaintMove struct {
	Action    xiangpei.ComplaintAction
	Note      string
	AgreedFen int64
}

// MoveComplaint makes a move of the case at version: officers with the complaint duty of the
// case's county or above (administrators too), or the complainant withdrawing. Of two moves
// at once one wins; the other is a stale version. The person is messaged.
func (tx *Tx) MoveComplaint(s xiangpei.Scope, id int64, version int, m ComplaintMove) (ComplaintCase, error) {
	by := xiangpei.PartyPerson
	if s.PersonID == 0 {
		if err := regOfficerOnly(s); err != nil {
			return ComplaintCase{}, err
		}
		if tx.Actor.Role == xiangpei.RoleOfficer && !tx.Actor.Can(xiangpei.DutyComplaint) {
			return ComplaintCase{}, xiangpei.Errorf(xiangpei.Forbidden, "complaint.duty", "Only officers with the complaint duty handle complaints.")
		}
		by = xiangpei.PartyOfficer
	}
	c, err := complaintByID(tx.ctx, tx.tx, s, id)
	if err != nil {
		return c, err
	}
	to, err := c.Status.Next(m.Action, by)
	if err != nil {
		return c, err
	}
	m.Note = strings.TrimSpace(m.Note)
	outcome, agreed, referred := c.Outcome, c.AgreedFen, c.ReferredTo
	switch m.Action {
	case xiangpei.ComplaintMediate:
		if m.Note == "" {
			return c, xiangpei.Errorf(xiangpei.Invalid, "complaint.outcome_missing", "Write down what the parties agreed.")
		}
		if m.AgreedFen < 0 {
			return c, xiangpei.Errorf(xiangpei.Invalid, "complaint.amount_negative", "The amount agreed cannot be negative.")
		}
		outcome, agreed = m.Note, m.AgreedFen
	case xiangpei.ComplaintRefer:
		if m.Note == "" {
			return c, xiangpei.Errorf(xiangpei.Invalid, "complaint.referred_missing", "Say where the case is referred to (labour inspection, arbitration, court).")
		}
		referred = m.Note
	case xiangpei.ComplaintDismiss:
		if m.Note == "" {
			return c, xiangpei.Errorf(xiangpei.Invalid, "complaint.reason_missing", "Give the reason, so the person knows why.")
		}
		outcome = m.Note
	case xiangpei.ComplaintWithdraw:
		if m.Note != "" {
			outcome = m.Note
		}
	}
	now := tx.Now.Truncate(time.Microsecond)
	if err := tx.execVersioned("Complaint", `SELECT 1 FROM complaints WHERE id = $1`, c.ID,
		`UPDATE complaints SET status = $1, outcome = $2, agreed_fen = $3, referred_to = $4, entered_at = $5, updated_at = $5,
		version = version + 1 WHERE id = $6 AND version = $7`, string(to), outcome, agreed, referred, now, c.ID, version); err != nil {
		return c, err
	}
	if err := tx.complaintEvent(c.ID, string(m.Action), c.Status, to, m.Note, m.AgreedFen); err != nil {
		return c, err
	}
	if err := tx.Audit("complaint."+string(m.Action), "complaint", c.ID, c.County, map[string]any{"from": c.Status, "to": to, "note": m.Note}); err != nil {
		return c, err
	}
	if by == xiangpei.PartyOfficer {
		body := "您对" + c.EmployerName + "的投诉（编号 " + strconv.FormatInt(c.ID, 10) + "）已更新：" + complaintStatusZh[to] + "。"
		if m.Note != "" {
			body += m.Note
		}
		if _, err := tx.NotifyPerson(c.PersonID, body); err != nil {
			return c, err
		}
	}
	return complaintByID(tx.ctx, tx.tx, s, id)
}

var complaintStatusZh = map[xiangpei.ComplaintStatus]string{
	xiangpei.ComplaintFiled: "已提交", xiangpei.ComplaintAccepted: "已受理", xiangpei.ComplaintInvestigating: "调查中",
	xiangpei.ComplaintMediated: "已调解", xiangpei.ComplaintReferred: "已移送", xiangpei.ComplaintClosed: "已结案",
}

// ComplaintEvent is one move of a case.
type ComplaintEvent struct {
	Action    string
	From, To  xiangpei.ComplaintStatus
	Note      string
	AmountFen int64
	CreatedAt time.Time
}

// ComplaintEvents lists the moves of a case within scope, oldest first.
func (db *DB) ComplaintEvents(ctx context.Context, s xiangpei.Scope, id int64) ([]ComplaintEvent, error) {
	if _, err := db.Complaint(ctx, s, id); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT action, from_status, to_status, note, amount_fen, created_at FROM complaint_events
		WHERE complaint_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (ComplaintEvent, error) {
		var e ComplaintEvent
		var from, to string
		err := r.Scan(&e.Action, &from, &to, &e.Note, &e.AmountFen, &e.CreatedAt)
		e.From, e.To, e.CreatedAt = xiangpei.ComplaintStatus(from), xiangpei.ComplaintStatus(to), e.CreatedAt.UTC()
		return e, err
	})
}
