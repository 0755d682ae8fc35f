package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// Employer self-registration and reports of postings (docs/jobs.md).

// RegisterEmployer creates an employer organisation registered by the public: its credit code
// waits for an officer in the existing queue (/registry/codes) whatever its check character
// says, and until an officer confirms it, the employer cannot publish.
func (tx *Tx) RegisterEmployer(o xiangpei.Organisation) (xiangpei.Organisation, error) {
	o.Kind = xiangpei.OrgEmployer
	o, err := tx.CreateOrg(o)
	if err != nil {
		return o, err
	}
	if _, err := tx.exec(`UPDATE organisations SET code_status = 'pending' WHERE id = $1`, o.ID); err != nil {
		return o, err
	}
	o.CodeStatus = xiangpei.CodePending
	return o, tx.Audit("org.self_register", "organisation", o.ID, o.County, map[string]any{"credit_code": o.CreditCode})
}

// ReportDays is how many working days an officer has to decide a report of a posting.
const ReportDays = 3

// PostingReport is a report of a posting by the public or a signed-in user.
type PostingReport struct {
	ID            int64
	PostingID     int64
	PostingTitle  string
	EmployerName  string
	County        string
	Reporter      int64
	Reason        string
	Status        string // open, dismissed, taken_down
	DueOn         string
	OutcomeReason string
	CreatedAt     time.Time
	Version       int
}

// ReportPosting records a report of a posting anyone may read, due for an officer's decision
// within ReportDays working days (the working-day calendar).
func (tx *Tx) ReportPosting(postingID int64, reporter int64, reason string, cal xiangpei.Calendar) (PostingReport, error) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 4 || n > 1000 {
		return PostingReport{}, xiangpei.Errorf(xiangpei.Invalid, "job.report_reason", "Say in 4 to 1000 characters what is wrong with the posting.")
	}
	var county string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT county FROM job_postings WHERE id = $1 AND status IN `+postingPublicStates, postingID).Scan(&county)
	if err != nil {
		return PostingReport{}, mapError(err, "Posting")
	}
	r := PostingReport{ID: xiangpei.NewID(), PostingID: postingID, County: county, Reporter: reporter, Reason: reason, Status: "open",
		DueOn: xiangpei.ChinaDate(cal.AddWorkdays(tx.Now, ReportDays)), CreatedAt: tx.Now.Truncate(time.Microsecond), Version: 1}
	if _, err := tx.exec(`INSERT INTO posting_reports (id, posting_id, county, reporter, reason, status, due_on, created_at, version)
		VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, 1)`, r.ID, postingID, county, reporter, reason, r.DueOn, r.CreatedAt); err != nil {
		return r, err
	}
	return r, tx.Audit("posting.report", "job_posting", postingID, county, map[string]any{"report": r.ID, "due_on": r.DueOn})
}

const reportCols = `r.id, r.posting_id, j.title, o.name, r.county, r.reporter, r.reason, r.status, r.due_on, r.outcome_reason, r.created_at, r.version`
const reportFrom = ` FROM posting_reports r JOIN job_postings j ON j.id = r.posting_id JOIN organisations o ON o.id = j.employer_id`
const reportScope = ` ($1 OR r.county LIKE $2) AND CAST($3 AS BIGINT) = 0 AND CAST($4 AS BIGINT) = 0`

func scanReport(r scanner) (PostingReport, error) {
	var x PostingReport
	err := r.Scan(&x.ID, &x.PostingID, &x.PostingTitle, &x.EmployerName, &x.County, &x.Reporter, &x.Reason, &x.Status, &x.DueOn,
		&x.OutcomeReason, &x.CreatedAt, &x.Version)
	x.CreatedAt = x.CreatedAt.UTC()
	return x, err
}

// PostingReports lists the reports of the officer's region in a status ("" any), the
// earliest due first, with the total.
func (db *DB) PostingReports(ctx context.Context, s xiangpei.Scope, status string, page Page) ([]PostingReport, int, error) {
	if err := regOfficerOnly(s); err != nil {
		return nil, 0, err
	}
	a := scopeOf(s)
	where := reportFrom + ` WHERE` + reportScope + ` AND ($5 = '' OR r.status = $5)`
	args := []any{a.all, a.region, a.org, a.person, status}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+reportCols+where+` ORDER BY r.due_on, r.created_at, r.id LIMIT $6 OFFSET $7`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanReport)
	return out, total, err
}

// PostingReport reads one report within the officer's region.
func (db *DB) PostingReport(ctx context.Context, s xiangpei.Scope, id int64) (PostingReport, error) {
	a := scopeOf(s)
	x, err := scanReport(db.read.QueryRowContext(ctx, `SELECT `+reportCols+reportFrom+` WHERE r.id = $5 AND`+reportScope,
		a.all, a.region, a.org, a.person, id))
	return x, mapError(err, "Report")
}

// DecideReport is the officer's outcome of an open report: dismiss it, or take the posting
// down (it is closed, readable, with the reason recorded). A reason is needed either way.
func (tx *Tx) DecideReport(s xiangpei.Scope, id int64, version int, takeDown bool, reason string) (PostingReport, error) {
	if err := jobOfficer(tx.Actor, s); err != nil {
		return PostingReport{}, err
	}
	a := scopeOf(s)
	x, err := scanReport(tx.tx.QueryRowContext(tx.ctx, `SELECT `+reportCols+reportFrom+` WHERE r.id = $5 AND`+reportScope,
		a.all, a.region, a.org, a.person, id))
	if err != nil {
		return x, mapError(err, "Report")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return x, xiangpei.Errorf(xiangpei.Invalid, "job.reason_missing", "Give the reason, so the employer knows what to change.")
	}
	if x.Status != "open" {
		return x, xiangpei.Errorf(xiangpei.Conflict, "job.report_decided", "This report has already been decided.")
	}
	status := "dismissed"
	if takeDown {
		status = "taken_down"
	}
	now := tx.Now.Truncate(time.Microsecond)
	if err := tx.execVersioned("Report", `SELECT 1 FROM posting_reports WHERE id = $1`, id,
		`UPDATE posting_reports SET status = $1, outcome_reason = $2, decided_by = $3, decided_at = $4, version = version + 1
		WHERE id = $5 AND version = $6 AND status = 'open'`, status, reason, tx.Actor.AccountID, now, id, version); err != nil {
		return x, err
	}
	if takeDown {
		var st string
		switch err := tx.tx.QueryRowContext(tx.ctx, `SELECT status FROM job_postings WHERE id = $1`, x.PostingID).Scan(&st); {
		case err == sql.ErrNoRows:
			return x, xiangpei.ErrNotFound("Posting")
		case err != nil:
			return x, err
		}
		if st == string(xiangpei.PostingPublished) {
			if _, err := tx.exec(`UPDATE job_postings SET status = 'closed', updated_at = $1, version = version + 1 WHERE id = $2`, now, x.PostingID); err != nil {
				return x, err
			}
		}
		if err := tx.postingReview(x.PostingID, "take_down", reason, nil); err != nil {
			return x, err
		}
	}
	if err := tx.Audit("posting.report_"+status, "job_posting", x.PostingID, x.County, map[string]any{"report": id, "reason": reason}); err != nil {
		return x, err
	}
	x.Status, x.OutcomeReason, x.Version = status, reason, version+1
	return x, nil
}
