package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"xiangpei"
)

// 补贴申领 — subsidy claims (SPEC §8), first slice: an institution's claim for its closed class,
// a person's claim for their own certificate, submitting and withdrawing a draft, and reading
// them within scope. Lines are computed in claim_evidence.go.

const claimCols = `k.id, k.kind, COALESCE(k.org_id, 0), COALESCE(o.name, ''), COALESCE(k.person_id, 0), COALESCE(p.name, ''),
	COALESCE(k.class_id, 0), COALESCE(c.name, ''), COALESCE(k.certificate_id, 0), k.county, k.status, k.total_fen,
	k.line_count, k.payable_count, k.rule_id, k.rule_version, k.submitted_at, k.created_at, k.updated_at, k.version`

const claimFrom = ` FROM claims k LEFT JOIN organisations o ON o.id = k.org_id LEFT JOIN persons p ON p.id = k.person_id
	LEFT JOIN classes c ON c.id = k.class_id`

// claimScope restricts claims k to a scope ($1–$4 are scopeArgs): officers by the claim's
// county, staff to their own organisation's claims, a person to their own person claims.
const claimScope = ` ($1 OR k.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR k.org_id = $3) AND (CAST($4 AS BIGINT) = 0 OR k.person_id = $4)`

func scanClaim(r scanner) (xiangpei.Claim, error) {
	var k xiangpei.Claim
	var kind, status string
	var sub sql.NullTime
	err := r.Scan(&k.ID, &kind, &k.OrgID, &k.OrgName, &k.PersonID, &k.PersonName, &k.ClassID, &k.ClassName, &k.CertificateID,
		&k.County, &status, &k.TotalFen, &k.Lines, &k.PayableLines, &k.RuleID, &k.RuleVersion, &sub, &k.CreatedAt, &k.UpdatedAt, &k.Version)
	k.Kind, k.Status = xiangpei.ClaimKind(kind), xiangpei.ClaimStatus(status)
	if sub.Valid {
		k.SubmittedAt = sub.Time.UTC()
	}
	k.CreatedAt, k.UpdatedAt = k.CreatedAt.UTC(), k.UpdatedAt.UTC()
	return k, err
}

const lineCols = `l.id, l.claim_id, l.person_id, p.name, p.id_number, COALESCE(l.trainee_id, 0), COALESCE(l.certificate_id, 0),
	l.occupation_code, l.level, l.amount_fen, l.payable, l.trace, l.rule_id, l.rule_version, l.audit, l.audit_reasons,
	l.status, l.reduced_fen, l.reduce_reason, l.digest, l.version, k.kind, k.status, COALESCE(o.name, ''), COALESCE(c.name, ''), l.created_at`

const lineFrom = ` FROM claim_lines l JOIN claims k ON k.id = l.claim_id JOIN persons p ON p.id = l.person_id
	LEFT JOIN organisations o ON o.id = k.org_id LEFT JOIN trainees t ON t.id = l.trainee_id LEFT JOIN classes c ON c.id = t.class_id`

func scanLine(r scanner) (xiangpei.ClaimLine, error) {
	var l xiangpei.ClaimLine
	var id, trace, reasons, status, kind, kstatus string
	err := r.Scan(&l.ID, &l.ClaimID, &l.PersonID, &l.PersonName, &id, &l.TraineeID, &l.CertificateID, &l.OccupationCode, &l.Level,
		&l.AmountFen, &l.Payable, &trace, &l.RuleID, &l.RuleVersion, &l.Audit, &reasons, &status, &l.ReducedFen, &l.ReduceReason,
		&l.Digest, &l.Version, &kind, &kstatus, &l.ClaimOrg, &l.ClassName, &l.CreatedAt)
	if err != nil {
		return l, err
	}
	l.IDNumber, l.Status, l.ClaimKind, l.ClaimStatus = xiangpei.IDNumber(id), xiangpei.ClaimStatus(status), xiangpei.ClaimKind(kind), xiangpei.ClaimStatus(kstatus)
	l.CreatedAt = l.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(trace), &l.Trace); err != nil {
		return l, err
	}
	err = json.Unmarshal([]byte(reasons), &l.AuditReasons)
	return l, err
}

func claimByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (xiangpei.Claim, error) {
	a := scopeOf(s)
	k, err := scanClaim(q.QueryRowContext(ctx, `SELECT `+claimCols+claimFrom+` WHERE k.id = $5 AND`+claimScope,
		a.all, a.region, a.org, a.person, id))
	return k, mapError(err, "Claim")
}

// Claim reads a claim within scope; outside it, NotFound.
func (db *DB) Claim(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.Claim, error) {
	return claimByID(ctx, db.read, s, id)
}

// Claim reads a claim within scope inside the transaction.
func (tx *Tx) Claim(s xiangpei.Scope, id int64) (xiangpei.Claim, error) {
	return claimByID(tx.ctx, tx.tx, s, id)
}

// ClaimFilter narrows a list of claims.
type ClaimFilter struct {
	Status xiangpei.ClaimStatus // "" any
	Kind   xiangpei.ClaimKind   // "" any
	County string               // "" any (within scope)
}

// Claims lists the claims within scope that pass the filter, newest first, with the total.
func (db *DB) Claims(ctx context.Context, s xiangpei.Scope, f ClaimFilter, page Page) ([]xiangpei.Claim, int, error) {
	a := scopeOf(s)
	where := claimFrom + ` WHERE` + claimScope + ` AND ($5 = '' OR k.status = $5) AND ($6 = '' OR k.kind = $6) AND ($7 = '' OR k.county = $7)`
	args := []any{a.all, a.region, a.org, a.person, string(f.Status), string(f.Kind), strings.TrimSpace(f.County)}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+claimCols+where+` ORDER BY k.created_at DESC, k.id DESC LIMIT $8 OFFSET $9`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanClaim)
	return out, total, err
}

// ClaimLines lists the lines of a claim within scope, by name, with the total.
func (db *DB) ClaimLines(ctx context.Context, s xiangpei.Scope, claimID int64, page Page) ([]xiangpei.ClaimLine, int, error) {
	if _, err := db.Claim(ctx, s, claimID); err != nil {
		return nil, 0, err
	}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM claim_lines WHERE claim_id = $1`, claimID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+lineCols+lineFrom+` WHERE l.claim_id = $1 ORDER BY p.name, l.id LIMIT $2 OFFSET $3`,
		claimID, int64(page.limit()), int64(page.offset()))
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanLine)
	return out, total, err
}

// ClaimsOf lists every claim line about a person, newest first, with the state of each, for the
// lifelong record and the person's own page. The scope must reach the person: officers in the
// region of the claim, the claiming institution, or the person themself.
func (db *DB) ClaimsOf(ctx context.Context, s xiangpei.Scope, personID int64) ([]xiangpei.ClaimLine, error) {
	a := scopeOf(s)
	person := a.person
	if person != 0 && person != personID {
		return nil, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+lineCols+lineFrom+` WHERE l.person_id = $5 AND ($1 OR k.county LIKE $2)
		AND (CAST($3 AS BIGINT) = 0 OR k.org_id = $3) AND (CAST($4 AS BIGINT) = 0 OR l.person_id = $4)
		ORDER BY l.created_at DESC, l.id DESC`, a.all, a.region, a.org, person, personID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanLine)
}

// ClaimableClasses lists the institution's closed subsidised classes that no live claim holds,
// for the "claim" links of the claims page.
func (db *DB) ClaimableClasses(ctx context.Context, s xiangpei.Scope) ([]xiangpei.Class, error) {
	if s.OrgID == 0 {
		return nil, nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+classCols+` FROM classes c WHERE c.org_id = $1 AND c.status = 'closed'
		AND c.funding = 'subsidised' AND NOT EXISTS (SELECT 1 FROM claims k WHERE k.class_id = c.id AND k.kind = 'institution'
		AND k.status NOT IN ('withdrawn','rejected','returned')) ORDER BY c.last_session DESC, c.id LIMIT 100`, s.OrgID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanClass)
}

// ---- creating ----

// errClassClaimed is the refusal of a second live claim for the same class.
func errClassClaimed() error {
	return xiangpei.Errorf(xiangpei.Conflict, "claim.class_claimed", "This class already has a claim; withdraw it first to claim again.")
}

// claimWindowEnd is the last day an institution may claim for a class: the latest day a
// certificate may be issued (the class's end + CertificateDays) + ClaimMonths.
func claimWindowEnd(c xiangpei.Class, l xiangpei.Rules) time.Time {
	return c.LastSession.In(xiangpei.ChinaTime).AddDate(0, l.ClaimMonths, l.CertificateDays)
}

// ClassClaimPreview computes, without writing, the lines a claim for the class would have now,
// with the rule version in force. It refuses what CreateClassClaim refuses, except "nobody
// eligible", so the institution sees the trace of every trainee.
func (db *DB) ClassClaimPreview(ctx context.Context, s xiangpei.Scope, classID int64) (xiangpei.Class, xiangpei.SubsidyRule, []xiangpei.ClaimLine, error) {
	c, err := db.Class(ctx, s, classID)
	if err != nil {
		return c, xiangpei.SubsidyRule{}, nil, err
	}
	now := db.Now()
	rule, err := db.RuleInForce(ctx, c.County, xiangpei.ChinaDate(now))
	if err != nil {
		return c, rule, nil, err
	}
	if err := classClaimable(ctx, db.read, s, c, rule, now); err != nil {
		return c, rule, nil, err
	}
	uplift, _, _, err := db.ShortageUplift(ctx, c.County, c.OccupationCode, c.Level, c.FirstSession)
	if err != nil {
		return c, rule, nil, err
	}
	lines, err := classLines(ctx, db.read, c, classLineRows, 0, 0, rule, uplift, now)
	return c, rule, lines, err
}

// classClaimable refuses a claim for c: not by its institution, not closed or not subsidised,
// outside the claim window, or already held by a live claim.
func classClaimable(ctx context.Context, q querier, s xiangpei.Scope, c xiangpei.Class, rule xiangpei.SubsidyRule, now time.Time) error {
	if s.OrgID == 0 || s.OrgID != c.OrgID {
		return xiangpei.Errorf(xiangpei.Forbidden, "claim.institution_only", "Only the institution that ran the class can claim for it.")
	}
	if c.Status != xiangpei.ClassClosed {
		return xiangpei.Errorf(xiangpei.Conflict, "claim.class_not_closed", "A claim is made for a closed class (结业): close the class first.")
	}
	if !c.Subsidised() {
		return xiangpei.Errorf(xiangpei.Conflict, "claim.class_self_funded", "A self-funded class has no subsidy to claim.")
	}
	if end := claimWindowEnd(c, rule.Limits); now.After(end) {
		return xiangpei.Errorf(xiangpei.Conflict, "claim.window_closed", "The claim window of this class closed on %v.", end.Format(time.DateOnly))
	}
	var one int
	switch err := q.QueryRowContext(ctx, `SELECT 1 FROM claims WHERE class_id = $1 AND kind = 'institution'
		AND status NOT IN ('withdrawn','rejected','returned')`, c.ID).Scan(&one); {
	case err == nil:
		return errClassClaimed()
	case err != sql.ErrNoRows:
		return err
	}
	return nil
}

// CreateClassClaim makes a draft claim of the institution for its closed class: one line per
// completed subsidised trainee, each computed by the rule in force today with the shortage
// uplift in force at the class's start, recording the rule and its trace. It refuses, writing
// nothing: another institution's class (NotFound), an open class, a class already claimed,
// outside the claim window, and a class where no line is payable.
func (tx *Tx) CreateClassClaim(s xiangpei.Scope, classID int64) (xiangpei.Claim, error) {
	c, err := tx.Class(s, classID)
	if err != nil {
		return xiangpei.Claim{}, err
	}
	rule, err := tx.RuleInForce(c.County, xiangpei.ChinaDate(tx.Now))
	if err != nil {
		return xiangpei.Claim{}, err
	}
	if err := classClaimable(tx.ctx, tx.tx, s, c, rule, tx.Now); err != nil {
		return xiangpei.Claim{}, err
	}
	uplift, _, _, err := tx.ShortageUplift(c.County, c.OccupationCode, c.Level, c.FirstSession)
	if err != nil {
		return xiangpei.Claim{}, err
	}
	lines, err := classLines(tx.ctx, tx.tx, c, classLineRows, 0, 0, rule, uplift, tx.Now)
	if err != nil {
		return xiangpei.Claim{}, err
	}
	k := xiangpei.Claim{Kind: xiangpei.ClaimInstitution, OrgID: c.OrgID, ClassID: c.ID, County: c.County}
	return tx.writeClaim(k, rule, lines)
}

// CreatePersonClaim makes a draft claim of a person for their own certificate, computed from
// the person's completed training of the certificate's occupation that ended last on or before
// the certificate's issue. It refuses another's certificate (NotFound), a certificate without
// such a training, one an institution's live claim already covers, one already claimed, a
// blacklisted person, a certificate whose claim window has closed, and a line that is not payable.
func (tx *Tx) CreatePersonClaim(personID, certificateID int64) (xiangpei.Claim, error) {
	s := xiangpei.Scope{PersonID: personID}
	cert, err := tx.Certificate(s, certificateID)
	if err != nil {
		return xiangpei.Claim{}, err
	}
	p, err := personByID(tx.ctx, tx.tx, personID)
	if err != nil {
		return xiangpei.Claim{}, err
	}
	traineeID, classID, err := tx.lastCompletedTraining(personID, cert.OccupationCode)
	if err != nil {
		return xiangpei.Claim{}, err
	}
	if traineeID == 0 {
		return xiangpei.Claim{}, xiangpei.Errorf(xiangpei.Conflict, "claim.no_training",
			"No completed training of this certificate's occupation is on record: a subsidy is claimed for training.")
	}
	if err := tx.refuse(xiangpei.Errorf(xiangpei.Conflict, "claim.covered", "A claim already covers this training or certificate."),
		`SELECT 1 FROM claim_lines WHERE (trainee_id = $1 OR certificate_id = $2) AND status NOT IN ('withdrawn','rejected','returned')`,
		traineeID, certificateID); err != nil {
		return xiangpei.Claim{}, err
	}
	c, err := tx.Class(xiangpei.Scope{All: true}, classID)
	if err != nil {
		return xiangpei.Claim{}, err
	}
	rule, err := tx.RuleInForce(p.County, xiangpei.ChinaDate(tx.Now))
	if err != nil {
		return xiangpei.Claim{}, err
	}
	if err := personClaimable(tx.ctx, tx.tx, personID, cert.IssuedOn, rule, tx.Now); err != nil {
		return xiangpei.Claim{}, err
	}
	uplift, _, _, err := tx.ShortageUplift(c.County, c.OccupationCode, c.Level, c.FirstSession)
	if err != nil {
		return xiangpei.Claim{}, err
	}
	lines, err := classLines(tx.ctx, tx.tx, c, personLineRows, traineeID, certificateID, rule, uplift, tx.Now)
	if err != nil {
		return xiangpei.Claim{}, err
	}
	k := xiangpei.Claim{Kind: xiangpei.ClaimPerson, PersonID: personID, CertificateID: certificateID, County: p.County}
	return tx.writeClaim(k, rule, lines)
}

// personClaimable refuses a person claim, naming why: the person's blacklist is in force, or
// the claim window of the certificate (ClaimMonths after its issue) has closed.
func personClaimable(ctx context.Context, q querier, personID int64, issuedOn string, rule xiangpei.SubsidyRule, now time.Time) error {
	if blocked, e, err := personBlocked(ctx, q, personID, now); err != nil {
		return err
	} else if blocked {
		return errPersonBlacklisted(e)
	}
	closes, err := xiangpei.ClaimWindowCloses(issuedOn, rule.Limits.ClaimMonths)
	if err != nil {
		return err
	}
	if xiangpei.ChinaDate(now) > closes {
		return xiangpei.Errorf(xiangpei.Conflict, "claim.window_closed_cert", "The claim window of this certificate closed on %v.", closes)
	}
	return nil
}

// writeClaim writes a draft claim and its lines, and audits it; it refuses when no line is
// payable.
func (tx *Tx) writeClaim(k xiangpei.Claim, rule xiangpei.SubsidyRule, lines []xiangpei.ClaimLine) (xiangpei.Claim, error) {
	for _, l := range lines {
		if l.Payable {
			k.PayableLines++
			k.TotalFen += l.AmountFen
		}
	}
	if k.PayableLines == 0 {
		return k, xiangpei.Errorf(xiangpei.Conflict, "claim.nobody_eligible",
			"Nobody is eligible for a subsidy here: see each person's checks in the preview.")
	}
	now := tx.Now.Truncate(time.Microsecond)
	k.ID, k.Status, k.Lines, k.RuleID, k.RuleVersion = xiangpei.NewID(), xiangpei.ClaimDraft, len(lines), rule.ID, rule.Version
	nz := func(v int64) any {
		if v == 0 {
			return nil
		}
		return v
	}
	if _, err := tx.exec(`INSERT INTO claims (id, kind, org_id, person_id, class_id, certificate_id, county, status, total_fen,
		line_count, payable_count, rule_id, rule_version, created_by, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1)`,
		k.ID, string(k.Kind), nz(k.OrgID), nz(k.PersonID), nz(k.ClassID), nz(k.CertificateID), k.County, string(k.Status),
		k.TotalFen, k.Lines, k.PayableLines, k.RuleID, k.RuleVersion, tx.Actor.Name, now); err != nil {
		if xiangpei.IsKind(mapError(err, "Claim"), xiangpei.Conflict) {
			if k.Kind == xiangpei.ClaimInstitution {
				return k, errClassClaimed()
			}
			return k, xiangpei.Errorf(xiangpei.Conflict, "claim.covered", "A claim already covers this training or certificate.")
		}
		return k, err
	}
	for _, l := range lines {
		l.ID, l.ClaimID = xiangpei.NewID(), k.ID
		l.Digest = xiangpei.LineDigest(l.ClaimID, l.PersonID, l.AmountFen, l.RuleID, l.Trace)
		trace, err := json.Marshal(l.Trace)
		if err != nil {
			return k, err
		}
		if _, err := tx.exec(`INSERT INTO claim_lines (id, claim_id, person_id, trainee_id, certificate_id, occupation_code, level,
			amount_fen, payable, trace, rule_id, rule_version, status, digest, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1)`,
			l.ID, l.ClaimID, l.PersonID, nz(l.TraineeID), nz(l.CertificateID), l.OccupationCode, l.Level, l.AmountFen, l.Payable,
			string(trace), l.RuleID, l.RuleVersion, string(xiangpei.ClaimDraft), l.Digest, now); err != nil {
			if xiangpei.IsKind(mapError(err, "Claim line"), xiangpei.Conflict) {
				return k, xiangpei.Errorf(xiangpei.Conflict, "claim.covered", "A claim already covers this training or certificate.")
			}
			return k, err
		}
	}
	if err := tx.Audit("claim.create", "claim", k.ID, k.County, map[string]any{"kind": k.Kind, "class": k.ClassID,
		"certificate": k.CertificateID, "person": k.PersonID, "lines": k.Lines, "payable": k.PayableLines, "total_fen": k.TotalFen,
		"rule": k.RuleID, "rule_version": k.RuleVersion}); err != nil {
		return k, err
	}
	return tx.Claim(xiangpei.Scope{All: true}, k.ID)
}

// ---- moves ----

// moveClaim applies a claimant's action (submit, withdraw) to a claim within scope at the given
// version, moving its lines with it, and audits it.
func (tx *Tx) moveClaim(s xiangpei.Scope, id, version int64, a xiangpei.ClaimAction) (xiangpei.Claim, error) {
	k, err := tx.Claim(s, id)
	if err != nil {
		return k, err
	}
	if !(s.OrgID != 0 && s.OrgID == k.OrgID) && !(s.PersonID != 0 && s.PersonID == k.PersonID) {
		return k, xiangpei.Errorf(xiangpei.Forbidden, "claim.claimant_only", "Only the claimant can do this.")
	}
	if k.Version != version {
		return k, xiangpei.StaleVersion()
	}
	next, err := k.Status.Next(a)
	if err != nil {
		return k, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	var submitted any
	if a == xiangpei.ClaimSubmit {
		submitted = now
	} else if !k.SubmittedAt.IsZero() {
		submitted = k.SubmittedAt
	}
	if err := tx.execVersioned("Claim", `SELECT 1 FROM claims WHERE id = $1`, id,
		`UPDATE claims SET status = $3, submitted_at = $4, updated_at = $5, version = version + 1 WHERE id = $1 AND version = $2`,
		id, version, string(next), submitted, now); err != nil {
		return k, err
	}
	if _, err := tx.exec(`UPDATE claim_lines SET status = $2, updated_at = $3, version = version + 1 WHERE claim_id = $1 AND status = $4`,
		id, string(next), now, string(k.Status)); err != nil {
		return k, err
	}
	if err := tx.Audit("claim."+string(a), "claim", id, k.County, map[string]any{"from": k.Status, "to": next, "total_fen": k.TotalFen}); err != nil {
		return k, err
	}
	return tx.Claim(xiangpei.Scope{All: true}, id)
}

// SubmitClaim sends a draft claim to the county.
func (tx *Tx) SubmitClaim(s xiangpei.Scope, id, version int64) (xiangpei.Claim, error) {
	return tx.auditSubmitted(tx.moveClaim(s, id, version, xiangpei.ClaimSubmit))
}

// WithdrawClaim withdraws a draft claim, releasing its trainees for a new claim.
func (tx *Tx) WithdrawClaim(s xiangpei.Scope, id, version int64) (xiangpei.Claim, error) {
	return tx.moveClaim(s, id, version, xiangpei.ClaimWithdraw)
}
