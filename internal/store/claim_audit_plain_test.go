package store

// The plain forms of checks the run decides in one pass (auditor.duplicates,
// auditor.certificates): kept beside the tests that compare the two on the same data
// (TestClaimAuditDuplicatesPlain, TestClaimAuditCertificatesPlain), not in the audit itself.

import (
	"time"

	"xiangpei"
)

// plainDuplicateChecks are already_subsidised and over_yearly_count as one SQL condition each
// (correlated subqueries per line, in the form of sqlChecks). The run decides both in one pass
// over the selection's persons' lines instead (auditor.duplicates);
// TestClaimAuditDuplicatesPlain compares the two on the same data.
var plainDuplicateChecks = []struct{ code, join, cond string }{
	{xiangpei.CheckAlreadySubsidised, ``, `EXISTS (SELECT 1 FROM claim_lines o WHERE o.person_id = l.person_id AND o.claim_id <> l.claim_id
		AND o.payable AND o.occupation_code = l.occupation_code AND o.status NOT IN ` + liveLine + `
		AND (o.level = l.level OR (LENGTH(o.level) = 1 AND LENGTH(l.level) = 1 AND o.level < l.level))
		AND (o.created_at < l.created_at OR (o.created_at = l.created_at AND o.id < l.id)))
		OR EXISTS (SELECT 1 FROM prior_subsidies ps WHERE ps.person_id = l.person_id AND ps.occupation_code = l.occupation_code
		AND (ps.level = l.level OR (LENGTH(ps.level) = 1 AND LENGTH(l.level) = 1 AND ps.level < l.level)))`},
	{xiangpei.CheckYearlyCount, ` JOIN trainees t ON t.id = l.trainee_id`, `(SELECT COUNT(*) FROM claim_lines o JOIN trainees ot ON ot.id = o.trainee_id
		WHERE o.person_id = l.person_id AND ot.year = t.year AND o.payable AND o.status NOT IN ` + liveLine + `)
		+ (SELECT COUNT(*) FROM prior_subsidies ps WHERE ps.person_id = l.person_id AND ps.year = t.year) > $5`},
}

// plainCertChecks are cert_mismatch, cert_unknown and cert_revoked as one SQL condition each.
// The run decides them, cert_timing and evaluation_signal's read in one certificate join instead
// (auditor.certificates); TestClaimAuditCertificatesPlain compares the two on the same data.
var plainCertChecks = []struct{ code, join, cond string }{
	{xiangpei.CheckCertMismatch, ` JOIN certificates ce ON ce.id = l.certificate_id`, `(ce.occupation_code <> l.occupation_code
		OR (ce.level <> l.level AND NOT (LENGTH(ce.level) = 1 AND LENGTH(l.level) = 1 AND ce.level < l.level)))`},
	{xiangpei.CheckCertUnknown, ` JOIN certificates ce ON ce.id = l.certificate_id`, `ce.source = 'assessment' AND ce.source_id <> 0
		AND NOT EXISTS (SELECT 1 FROM candidates d WHERE d.id = ce.source_id AND d.person_id = ce.person_id)`},
	{xiangpei.CheckCertRevoked, ` JOIN certificates ce ON ce.id = l.certificate_id`, `ce.status = 'revoked'`},
}

// certTiming: issued before the class's last day, or more than CertificateDays after it. The plain
// form of the rule; the run decides it in auditor.certificates (TestClaimAuditCertificatesPlain).
func (a *auditor) certTiming() error {
	rows, err := a.q.QueryContext(a.ctx, `SELECT l.id, l.claim_id, ce.issued_on, c.last_session`+auditFrom+auditClass+`
		JOIN certificates ce ON ce.id = l.certificate_id WHERE`+auditWhere, a.sel.args()...)
	if err != nil {
		return err
	}
	_, err = collect(rows, func(r scanner) (int, error) {
		var line, claim int64
		var issued string
		var last time.Time
		if err := r.Scan(&line, &claim, &issued, &last); err != nil {
			return 0, err
		}
		a.timing(line, claim, issued, last)
		return 0, nil
	})
	return err
}

// evaluation: the evaluation signals (db.EvaluationSignals) of the year each line's certificate
// was issued, concerning that certificate: a burst or pass-rate outlier of its issuing body (the
// outlier for its occupation and level), or its examiner = teacher conflict. The plain form with a
// read of its own; the run gives evaluationOf the rows of auditor.certificates.
func (a *auditor) evaluation() error {
	rows, err := a.q.QueryContext(a.ctx, `SELECT l.id, l.claim_id, ce.id, COALESCE(ce.issuer_org_id, 0), ce.occupation_code, ce.level, ce.issued_on`+
		auditFrom+` JOIN certificates ce ON ce.id = l.certificate_id WHERE`+auditWhere+` ORDER BY l.id`, a.sel.args()...)
	if err != nil {
		return err
	}
	rs, err := collect(rows, func(r scanner) (evalRow, error) {
		var x evalRow
		err := r.Scan(&x.line, &x.claim, &x.cert, &x.org, &x.occ, &x.level, &x.issued)
		return x, err
	})
	if err != nil {
		return err
	}
	return a.evaluationOf(rs)
}
