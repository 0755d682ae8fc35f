package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// 补贴审核 — two-level review of subsidy claims (SPEC §8, docs/claim-review.md): the county
// (step 1, duty claim_review_1) takes a submitted claim up and decides each line, then passes
// the claim to the city (step 2, duty claim_review_2), which decides again and passes it to the
// public notice (claim_notice.go). Either step may return or reject the whole claim. The
// account that decided anything at step 1 never decides step 2 of the same claim.

// Review decisions.
const (
	DecisionApprove = "approve" // the line as computed (or as reduced at step 1)
	DecisionReduce  = "reduce"  // the line at a lower amount, with a reason
	DecisionReject  = "reject"  // the line (or claim) refused, with a reason
	DecisionReturn  = "return"  // the whole claim sent back to the claimant, with a reason
	DecisionPass    = "pass"    // the whole claim passed on to the next step
)

// Decision is one review decision on a line (LineID ≠ 0) or on the whole claim.
type Decision struct {
	ID          int64
	ClaimID     int64
	LineID      int64
	Step        int
	Decision    string
	Reason      string
	AmountFen   int64 // the reduced amount of a reduce decision
	AccountID   int64
	AccountName string
	At          time.Time
}

// ClaimReviewItem is a claim in a review queue with the audit results of its lines.
type ClaimReviewItem struct {
	xiangpei.Claim
	Fails, Flags int // lines the automatic audit failed or flagged
	Decided      int // lines decided at the queue's step
}

// ClaimReviewStep is the step of the review a claim state belongs to: 1 for submitted and review_1,
// 2 for review_2, 0 otherwise.
func ClaimReviewStep(st xiangpei.ClaimStatus) int {
	switch st {
	case xiangpei.ClaimSubmitted, xiangpei.ClaimReview1:
		return 1
	case xiangpei.ClaimReview2:
		return 2
	}
	return 0
}

// EffectiveFen is what a line would pay: its reduced amount when reduced, else its computed one.
func EffectiveFen(l xiangpei.ClaimLine) int64 {
	if l.ReducedFen > 0 {
		return l.ReducedFen
	}
	return l.AmountFen
}

// stepDuty is the duty that decides a step.
func stepDuty(step int) xiangpei.Duty {
	if step == 2 {
		return xiangpei.DutyClaimReview2
	}
	return xiangpei.DutyClaimReview1
}

// mayReview refuses an actor who is not an officer holding the step's duty.
func mayReview(a xiangpei.Actor, step int) error {
	if a.Role != xiangpei.RoleOfficer || !a.Can(stepDuty(step)) {
		return xiangpei.Errorf(xiangpei.Forbidden, "claimreview.duty", "Only an officer with the duty of this review step can decide it.")
	}
	return nil
}

// mayReviewAny refuses an actor who is not an officer holding either review duty.
func mayReviewAny(a xiangpei.Actor) error {
	if err := mayReview(a, 1); err != nil {
		return mayReview(a, 2)
	}
	return nil
}

func errWrongState() error {
	return xiangpei.Errorf(xiangpei.Conflict, "claim.wrong_state", "This cannot be done in the claim's present state: reload the page to see where it stands.")
}

// reviewReason checks a reason: 2–500 characters, required.
func reviewReason(s string) (string, error) {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n < 2 || n > 500 {
		return s, xiangpei.Errorf(xiangpei.Invalid, "claimreview.reason", "Give a reason of 2 to 500 characters.")
	}
	return s, nil
}

// checkMakerChecker refuses a step-2 decision by an account that decided anything at step 1.
func (tx *Tx) checkMakerChecker(claimID int64, step int) error {
	if step != 2 {
		return nil
	}
	return tx.refuse(xiangpei.Errorf(xiangpei.Forbidden, "claimreview.maker_checker",
		"You decided the county review of this claim: the city review must be done by another officer."),
		`SELECT 1 FROM claim_decisions WHERE claim_id = $1 AND step = 1 AND (account_id = $2 AND $2 <> 0 OR account_name = $3)`,
		claimID, tx.Actor.AccountID, tx.Actor.Name)
}

// claimUnderReview reads a claim within the officer's scope at the review step it is in, after
// checking that the actor reviews at all and may decide that step; taken says the claim must
// already have been taken up (not merely submitted).
func (tx *Tx) claimUnderReview(s xiangpei.Scope, id int64, taken bool) (xiangpei.Claim, int, error) {
	k, err := tx.Claim(s, id)
	if err != nil {
		return k, 0, err
	}
	step := ClaimReviewStep(k.Status)
	if err := mayReviewAny(tx.Actor); err != nil {
		return k, step, err
	}
	if step == 0 {
		return k, step, errWrongState()
	}
	if taken && k.Status == xiangpei.ClaimSubmitted {
		return k, step, xiangpei.Errorf(xiangpei.Conflict, "claimreview.not_in_review", "This claim is not under review: take it up first.")
	}
	k, err = tx.reviewClaim(s, id, step)
	return k, step, err
}

// reviewClaim reads the claim within the officer's scope and checks that it is at the step
// and that the actor may decide it.
func (tx *Tx) reviewClaim(s xiangpei.Scope, id int64, step int) (xiangpei.Claim, error) {
	k, err := tx.Claim(s, id)
	if err != nil {
		return k, err
	}
	if err := mayReview(tx.Actor, step); err != nil {
		return k, err
	}
	if ClaimReviewStep(k.Status) != step {
		return k, errWrongState()
	}
	return k, tx.checkMakerChecker(id, step)
}

func (tx *Tx) insertDecision(d Decision) error {
	var line any
	if d.LineID != 0 {
		line = d.LineID
	}
	_, err := tx.exec(`INSERT INTO claim_decisions (id, claim_id, line_id, step, decision, reason, amount_fen, account_id, account_name, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, xiangpei.NewID(), d.ClaimID, line, d.Step, d.Decision, d.Reason,
		d.AmountFen, tx.Actor.AccountID, tx.Actor.Name, tx.Now.UTC().Truncate(time.Microsecond))
	if err != nil && xiangpei.IsKind(mapError(err, "Decision"), xiangpei.Conflict) {
		return xiangpei.Errorf(xiangpei.Conflict, "claimreview.already_decided",
			"Another officer has just decided this at the same step: reload the page to see the decision.")
	}
	return err
}

// recomputeTotal sets a claim's total to the sum of its live payable lines at their effective
// amounts (a reduced line counts at its reduced amount).
func (tx *Tx) recomputeTotal(claimID int64) error {
	_, err := tx.exec(`UPDATE claims SET total_fen = (SELECT COALESCE(SUM(CASE WHEN reduced_fen > 0 THEN reduced_fen ELSE amount_fen END), 0)
		FROM claim_lines WHERE claim_id = $1 AND payable AND status NOT IN ('rejected','returned','withdrawn')) WHERE id = $1`, claimID)
	return err
}

// AcceptClaim takes a submitted claim up for the county review (submitted → review_1).
func (tx *Tx) AcceptClaim(s xiangpei.Scope, id, version int64) (xiangpei.Claim, error) {
	k, err := tx.reviewClaim(s, id, 1)
	if err != nil {
		return k, err
	}
	return tx.reviewMove(k, version, xiangpei.ClaimAccept, "")
}

// reviewMove moves a claim and its lines in the claim's state to the action's state at the
// given version, and audits it.
func (tx *Tx) reviewMove(k xiangpei.Claim, version int64, a xiangpei.ClaimAction, reason string) (xiangpei.Claim, error) {
	if k.Version != version {
		return k, xiangpei.StaleVersion()
	}
	next, err := k.Status.Next(a)
	if err != nil {
		return k, err
	}
	now := tx.Now.UTC().Truncate(time.Microsecond)
	if err := tx.execVersioned("Claim", `SELECT 1 FROM claims WHERE id = $1`, k.ID,
		`UPDATE claims SET status = $3, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $2`,
		k.ID, version, string(next), now); err != nil {
		return k, err
	}
	// lines move with the claim; a line already rejected stays so
	if _, err := tx.exec(`UPDATE claim_lines SET status = $2, updated_at = $3, version = version + 1
		WHERE claim_id = $1 AND status = $4`, k.ID, string(next), now, string(k.Status)); err != nil {
		return k, err
	}
	if a == xiangpei.ClaimReturn || a == xiangpei.ClaimReject {
		if err := tx.recomputeTotal(k.ID); err != nil {
			return k, err
		}
	}
	if err := tx.Audit("claim."+string(a), "claim", k.ID, k.County, map[string]any{"from": k.Status, "to": next, "reason": reason}); err != nil {
		return k, err
	}
	return tx.Claim(xiangpei.Scope{All: true}, k.ID)
}

// LineDecision is what an officer decides about one line.
type LineDecision struct {
	Decision  string // approve, reduce or reject
	AmountFen int64  // the reduced amount (reduce)
	Reason    string // required for reduce and reject
}

// DecideLine records the decision of the claim's present step on one line at the line's
// version: approve keeps it, reduce records a lower amount (the computed amount stays) and
// reject refuses it. A submitted claim is taken up first. One decision per line and step: the
// second of two concurrent decisions is refused with a clear message.
func (tx *Tx) DecideLine(s xiangpei.Scope, lineID, version int64, d LineDecision) (xiangpei.ClaimLine, error) {
	l, err := tx.claimLine(lineID)
	if err != nil {
		return l, err
	}
	k, step, err := tx.claimUnderReview(s, l.ClaimID, true)
	if err != nil {
		return l, err
	}
	if l.Version != version {
		return l, xiangpei.StaleVersion()
	}
	if l.Status != k.Status {
		return l, xiangpei.Errorf(xiangpei.Conflict, "claimreview.line_closed", "This line is no longer under review.")
	}
	if !l.Payable && d.Decision != DecisionReject {
		return l, xiangpei.Errorf(xiangpei.Conflict, "claimreview.not_payable", "The rule found this line not payable: it can only be rejected.")
	}
	dec := Decision{ClaimID: k.ID, LineID: l.ID, Step: step, Decision: d.Decision}
	status, reduced, why := l.Status, l.ReducedFen, l.ReduceReason
	switch d.Decision {
	case DecisionApprove:
		dec.Reason = strings.TrimSpace(d.Reason)
		if utf8.RuneCountInString(dec.Reason) > 500 {
			return l, xiangpei.Errorf(xiangpei.Invalid, "claimreview.reason", "Give a reason of 2 to 500 characters.")
		}
	case DecisionReduce:
		if dec.Reason, err = reviewReason(d.Reason); err != nil {
			return l, err
		}
		if d.AmountFen <= 0 || d.AmountFen >= EffectiveFen(l) {
			return l, xiangpei.Errorf(xiangpei.Invalid, "claimreview.reduce_amount",
				"A reduced amount must be above zero and below the present amount of %v yuan.", xiangpei.FormatFen(EffectiveFen(l)))
		}
		dec.AmountFen, reduced, why = d.AmountFen, d.AmountFen, dec.Reason
	case DecisionReject:
		if dec.Reason, err = reviewReason(d.Reason); err != nil {
			return l, err
		}
		status = xiangpei.ClaimRejected
	default:
		return l, xiangpei.Errorf(xiangpei.Invalid, "claimreview.decision", "Choose approve, reduce or reject.")
	}
	// the claim row is touched (not versioned) so that a concurrent pass or return waits for
	// this decision and sees it, and so that the claim is still at this step
	res, err := tx.exec(`UPDATE claims SET updated_at = $2 WHERE id = $1 AND status = $3`, k.ID, tx.Now.UTC().Truncate(time.Microsecond), string(k.Status))
	if err != nil {
		return l, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return l, errWrongState()
	}
	if err := tx.execVersioned("Claim line", `SELECT 1 FROM claim_lines WHERE id = $1`, l.ID,
		`UPDATE claim_lines SET status = $3, reduced_fen = $4, reduce_reason = $5, updated_at = $6, version = version + 1
		WHERE id = $1 AND version = $2`, l.ID, version, string(status), reduced, why, tx.Now.UTC().Truncate(time.Microsecond)); err != nil {
		return l, err
	}
	if err := tx.insertDecision(dec); err != nil {
		return l, err
	}
	if err := tx.recomputeTotal(k.ID); err != nil {
		return l, err
	}
	if err := tx.Audit("claim.line_"+d.Decision, "claim_line", l.ID, k.County, map[string]any{"claim": k.ID, "step": step,
		"amount_fen": l.AmountFen, "reduced_fen": dec.AmountFen, "reason": dec.Reason}); err != nil {
		return l, err
	}
	return tx.claimLine(l.ID)
}

// claimLine reads one line (scope is checked through its claim by the caller).
func (tx *Tx) claimLine(id int64) (xiangpei.ClaimLine, error) {
	l, err := scanLine(tx.tx.QueryRowContext(tx.ctx, `SELECT `+lineCols+lineFrom+` WHERE l.id = $1`, id))
	return l, mapError(err, "Claim line")
}

// PassClaim passes a claim from its present step: review_1 → review_2 (county) or review_2 →
// notice (city, which starts the public notice). Every payable line still in review must have
// been decided at the step; lines the rule found not payable are rejected with the pass. It
// refuses when no line is left: reject the claim instead.
func (tx *Tx) PassClaim(s xiangpei.Scope, id, version int64) (xiangpei.Claim, error) {
	k, step, err := tx.claimUnderReview(s, id, true)
	if err != nil {
		return k, err
	}
	if k.Version != version {
		return k, xiangpei.StaleVersion()
	}
	var undecided, left int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT
		COALESCE(SUM(CASE WHEN l.payable AND NOT EXISTS (SELECT 1 FROM claim_decisions d WHERE d.line_id = l.id AND d.step = $3) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN l.payable THEN 1 ELSE 0 END), 0)
		FROM claim_lines l WHERE l.claim_id = $1 AND l.status = $2`, id, string(k.Status), step).Scan(&undecided, &left); err != nil {
		return k, err
	}
	if undecided > 0 {
		return k, xiangpei.Errorf(xiangpei.Conflict, "claimreview.undecided", "%v lines are not decided yet: decide every line before passing the claim.", undecided)
	}
	if left == 0 {
		return k, xiangpei.Errorf(xiangpei.Conflict, "claimreview.nothing_left", "No line is left to pass: reject the claim instead.")
	}
	now := tx.Now.UTC().Truncate(time.Microsecond)
	if _, err := tx.exec(`UPDATE claim_lines SET status = 'rejected', updated_at = $3, version = version + 1
		WHERE claim_id = $1 AND status = $2 AND NOT payable`, id, string(k.Status), now); err != nil {
		return k, err
	}
	if err := tx.insertDecision(Decision{ClaimID: id, Step: step, Decision: DecisionPass}); err != nil {
		return k, err
	}
	act := xiangpei.ClaimPass1
	if step == 2 {
		act = xiangpei.ClaimPass2
	}
	out, err := tx.reviewMove(k, version, act, "")
	if err != nil {
		return out, err
	}
	if err := tx.recomputeTotal(id); err != nil {
		return out, err
	}
	if step == 2 {
		if _, err := tx.startNotice(out); err != nil {
			return out, err
		}
	}
	return tx.Claim(xiangpei.Scope{All: true}, id)
}

// ReturnClaim sends the whole claim back to the claimant with a reason (submitted, review_1 or
// review_2 → returned); its trainees are free for a new claim.
func (tx *Tx) ReturnClaim(s xiangpei.Scope, id, version int64, reason string) (xiangpei.Claim, error) {
	return tx.closeClaim(s, id, version, reason, xiangpei.ClaimReturn, DecisionReturn)
}

// RejectClaim refuses the whole claim with a reason (submitted, review_1 or review_2 → rejected).
func (tx *Tx) RejectClaim(s xiangpei.Scope, id, version int64, reason string) (xiangpei.Claim, error) {
	return tx.closeClaim(s, id, version, reason, xiangpei.ClaimReject, DecisionReject)
}

func (tx *Tx) closeClaim(s xiangpei.Scope, id, version int64, reason string, a xiangpei.ClaimAction, decision string) (xiangpei.Claim, error) {
	k, step, err := tx.claimUnderReview(s, id, false)
	if err != nil {
		return k, err
	}
	if reason, err = reviewReason(reason); err != nil {
		return k, err
	}
	if k.Version != version {
		return k, xiangpei.StaleVersion()
	}
	if err := tx.insertDecision(Decision{ClaimID: id, Step: step, Decision: decision, Reason: reason}); err != nil {
		return k, err
	}
	return tx.reviewMove(k, version, a, reason)
}

// ---- reading ----

// ClaimReviewFilter narrows a review queue.
type ClaimReviewFilter struct {
	County string // "" any within scope
	Kind   xiangpei.ClaimKind
}

// ClaimReviewQueue lists the claims waiting for a review step within scope: step 1 the submitted
// and review_1 claims, step 2 the review_2 claims; claims with failed lines first, then those
// with flagged lines, then the oldest submission first.
func (db *DB) ClaimReviewQueue(ctx context.Context, s xiangpei.Scope, step int, f ClaimReviewFilter, page Page) ([]ClaimReviewItem, int, error) {
	a := scopeOf(s)
	st1, st2 := "review_2", "review_2"
	if step != 2 {
		step, st1, st2 = 1, "submitted", "review_1"
	}
	where := claimFrom + ` WHERE` + claimScope + ` AND k.status IN ($5, $6) AND ($7 = '' OR k.county = $7) AND ($8 = '' OR k.kind = $8)`
	args := []any{a.all, a.region, a.org, a.person, st1, st2, strings.TrimSpace(f.County), string(f.Kind)}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	counts := `(SELECT COUNT(*) FROM claim_lines x WHERE x.claim_id = k.id AND x.audit = 'fail'),
		(SELECT COUNT(*) FROM claim_lines x WHERE x.claim_id = k.id AND x.audit = 'flag'),
		(SELECT COUNT(*) FROM claim_decisions d WHERE d.claim_id = k.id AND d.line_id IS NOT NULL AND d.step = $9)`
	rows, err := db.read.QueryContext(ctx, `SELECT `+claimCols+`, `+counts+where+`
		ORDER BY 21 DESC, 22 DESC, k.submitted_at, k.id LIMIT $10 OFFSET $11`,
		append(args, step, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, func(r scanner) (ClaimReviewItem, error) {
		var it ClaimReviewItem
		var kind, status string
		var sub sql.NullTime
		k := &it.Claim
		err := r.Scan(&k.ID, &kind, &k.OrgID, &k.OrgName, &k.PersonID, &k.PersonName, &k.ClassID, &k.ClassName, &k.CertificateID,
			&k.County, &status, &k.TotalFen, &k.Lines, &k.PayableLines, &k.RuleID, &k.RuleVersion, &sub, &k.CreatedAt, &k.UpdatedAt, &k.Version,
			&it.Fails, &it.Flags, &it.Decided)
		k.Kind, k.Status = xiangpei.ClaimKind(kind), xiangpei.ClaimStatus(status)
		if sub.Valid {
			k.SubmittedAt = sub.Time.UTC()
		}
		k.CreatedAt, k.UpdatedAt = k.CreatedAt.UTC(), k.UpdatedAt.UTC()
		return it, err
	})
	return out, total, err
}

// ClaimReviewLines lists the lines of a claim within scope for review: failed lines first, then
// flagged ones, then by name.
func (db *DB) ClaimReviewLines(ctx context.Context, s xiangpei.Scope, claimID int64, page Page) ([]xiangpei.ClaimLine, int, error) {
	if _, err := db.Claim(ctx, s, claimID); err != nil {
		return nil, 0, err
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM claim_lines WHERE claim_id = $1`, claimID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+lineCols+lineFrom+` WHERE l.claim_id = $1
		ORDER BY CASE l.audit WHEN 'fail' THEN 0 WHEN 'flag' THEN 1 ELSE 2 END, p.name, l.id LIMIT $2 OFFSET $3`,
		claimID, int64(page.limit()), int64(page.offset()))
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanLine)
	return out, total, err
}

// ClaimDecisions lists the review decisions of a claim within scope, in order.
func (db *DB) ClaimDecisions(ctx context.Context, s xiangpei.Scope, claimID int64) ([]Decision, error) {
	if _, err := db.Claim(ctx, s, claimID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, claim_id, COALESCE(line_id, 0), step, decision, reason, amount_fen,
		account_id, account_name, at FROM claim_decisions WHERE claim_id = $1 ORDER BY at, step, id`, claimID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (Decision, error) {
		var d Decision
		err := r.Scan(&d.ID, &d.ClaimID, &d.LineID, &d.Step, &d.Decision, &d.Reason, &d.AmountFen, &d.AccountID, &d.AccountName, &d.At)
		d.At = d.At.UTC()
		return d, err
	})
}
