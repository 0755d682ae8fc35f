package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"xiangpei"
)

// 用 — job postings (migration 00021, docs/jobs.md). An employer organisation writes drafts;
// submitting one runs xiangpei.CheckPosting with the minimum wage of the posting's county:
// refuse keeps the draft with the findings, refer puts it in the queue of the county's
// officers with the publish duty, pass publishes it. Only an employer whose credit code an
// officer confirmed may submit. Expiry is computed when reading (a published posting past its
// last day reads as expired); relisting gives new validity and makes it a draft again.

// Posting is a job posting with what the store keeps beside the domain's fields.
type Posting struct {
	xiangpei.JobPosting
	CodeStatus xiangpei.CodeStatus       // of the employer
	Findings   []xiangpei.PostingFinding // of the last check
	Applicants int                       // applications not withdrawn
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Closed reports whether the posting is readable but takes no applications.
func (p Posting) Closed() bool {
	return p.Status == xiangpei.PostingClosed || p.Status == xiangpei.PostingExpired
}

const postingCols = `j.id, j.employer_id, o.name, o.credit_code, o.code_status, j.occupation, j.title, j.description, j.skills,
	j.level, j.certificates, j.headcount, j.salary_min_fen, j.salary_max_fen, j.salary_unit, j.work_type, j.county, j.lat, j.lng,
	j.valid_from, j.valid_to, j.status, j.findings, j.published_at, j.created_at, j.updated_at, j.version,
	(SELECT COUNT(*) FROM job_applications a WHERE a.posting_id = j.id AND a.status <> 'withdrawn')`

const postingFrom = ` FROM job_postings j JOIN organisations o ON o.id = j.employer_id`

// postingScope restricts postings j to a scope ($1–$4 are scopeArgs): officers by the
// posting's county, an employer's staff to its own postings, persons to none (they read
// published postings through the public list).
const postingScope = ` ($1 OR j.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR j.employer_id = $3) AND CAST($4 AS BIGINT) = 0`

func scanPostingAt(now time.Time) func(r scanner) (Posting, error) {
	return func(r scanner) (Posting, error) {
		var p Posting
		var code, cs, skills, certs, unit, wt, from, to, status, findings string
		var pub sql.NullTime
		err := r.Scan(&p.ID, &p.EmployerID, &p.EmployerName, &code, &cs, &p.Occupation, &p.Title, &p.Description, &skills,
			&p.Level, &certs, &p.Headcount, &p.Salary.MinFen, &p.Salary.MaxFen, &unit, &wt, &p.County, &p.Lat, &p.Lng,
			&from, &to, &status, &findings, &pub, &p.CreatedAt, &p.UpdatedAt, &p.Version, &p.Applicants)
		if err != nil {
			return p, err
		}
		p.CreditCode, p.CodeStatus = code, xiangpei.CodeStatus(cs)
		p.Salary.Unit, p.WorkType, p.Status = xiangpei.SalaryUnit(unit), xiangpei.WorkType(wt), xiangpei.PostingStatus(status)
		p.ValidFrom, p.ValidTo = parseDay(from), parseDay(to)
		if pub.Valid {
			p.PublishedAt = pub.Time.UTC()
		}
		p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
		if err := json.Unmarshal([]byte(skills), &p.Skills); err != nil {
			return p, err
		}
		if err := json.Unmarshal([]byte(certs), &p.Certificates); err != nil {
			return p, err
		}
		if err := json.Unmarshal([]byte(findings), &p.Findings); err != nil {
			return p, err
		}
		// Expiry is computed: a published posting past its last day reads as expired.
		if p.Status == xiangpei.PostingPublished && p.Expired(now) {
			p.Status = xiangpei.PostingExpired
		}
		return p, nil
	}
}

func postingByID(ctx context.Context, q querier, s xiangpei.Scope, id int64, now time.Time) (Posting, error) {
	a := scopeOf(s)
	p, err := scanPostingAt(now)(q.QueryRowContext(ctx, `SELECT `+postingCols+postingFrom+` WHERE j.id = $5 AND`+postingScope,
		a.all, a.region, a.org, a.person, id))
	return p, mapError(err, "Posting")
}

// Posting reads a posting within scope (its employer, officers of its county); outside it, NotFound.
func (db *DB) Posting(ctx context.Context, s xiangpei.Scope, id int64) (Posting, error) {
	return postingByID(ctx, db.read, s, id, db.Now())
}

// Posting reads a posting within scope inside the transaction.
func (tx *Tx) Posting(s xiangpei.Scope, id int64) (Posting, error) {
	return postingByID(tx.ctx, tx.tx, s, id, tx.Now)
}

// postingPublicStates are the states anyone may read a posting in.
const postingPublicStates = `('published','closed','expired')`

// PublicPosting reads a posting anyone may read: published, closed or expired (a draft or a
// posting under review is NotFound).
func (db *DB) PublicPosting(ctx context.Context, id int64) (Posting, error) {
	p, err := scanPostingAt(db.Now())(db.read.QueryRowContext(ctx, `SELECT `+postingCols+postingFrom+
		` WHERE j.id = $1 AND j.status IN `+postingPublicStates, id))
	return p, mapError(err, "Posting")
}

// PostingFilter narrows a list of postings.
type PostingFilter struct {
	Occupation string // a code or the start of one ("4-10" matches 4-10-01-05)
	County     string // a region code: its county or everything inside it
	WorkType   xiangpei.WorkType
	Status     xiangpei.PostingStatus // employer and officer lists; expired is computed
	Query      string                 // words of the title
}

func (f PostingFilter) where(first int, now time.Time) (string, []any) {
	n := func(i int) string { return regPlaceholder(first + i) }
	region := ""
	if f.County != "" {
		region = xiangpei.RegionPrefix(f.County)
	}
	today := xiangpei.ChinaDate(now)
	// status "published" means published and not expired; "expired" means published past its
	// last day or marked expired.
	sql := ` AND (` + n(0) + ` = '' OR j.occupation LIKE ` + n(0) + ` || '%')` +
		` AND (` + n(1) + ` = '' OR j.county LIKE ` + n(1) + ` || '%')` +
		` AND (` + n(2) + ` = '' OR j.work_type = ` + n(2) + `)` +
		` AND (` + n(3) + ` = '' OR (` + n(3) + ` = 'published' AND j.status = 'published' AND j.valid_to >= ` + n(4) + `)` +
		` OR (` + n(3) + ` = 'expired' AND (j.status = 'expired' OR (j.status = 'published' AND j.valid_to < ` + n(4) + `)))` +
		` OR (` + n(3) + ` NOT IN ('published','expired') AND j.status = ` + n(3) + `))` +
		` AND (` + n(5) + ` = '' OR j.title LIKE '%' || ` + n(5) + ` || '%')`
	return sql, []any{strings.TrimSpace(f.Occupation), region, string(f.WorkType), string(f.Status), today, strings.TrimSpace(f.Query)}
}

// PublicPostings lists the open postings (published, not expired) that pass the filter,
// newest first, with the total. Its Status is ignored.
func (db *DB) PublicPostings(ctx context.Context, f PostingFilter, page Page) ([]Posting, int, error) {
	f.Status = xiangpei.PostingPublished
	cond, args := f.where(1, db.Now())
	return db.listPostings(ctx, postingFrom+` WHERE TRUE`+cond, args, page)
}

// Postings lists the postings within scope that pass the filter, newest change first, with
// the total: an employer's own, or those of an officer's region.
func (db *DB) Postings(ctx context.Context, s xiangpei.Scope, f PostingFilter, page Page) ([]Posting, int, error) {
	a := scopeOf(s)
	cond, args := f.where(5, db.Now())
	return db.listPostings(ctx, postingFrom+` WHERE`+postingScope+cond, append([]any{a.all, a.region, a.org, a.person}, args...), page)
}

func (db *DB) listPostings(ctx context.Context, where string, args []any, page Page) ([]Posting, int, error) {
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	n := len(args)
	rows, err := db.read.QueryContext(ctx, `SELECT `+postingCols+where+` ORDER BY j.updated_at DESC, j.id DESC LIMIT `+
		regPlaceholder(n+1)+` OFFSET `+regPlaceholder(n+2), append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanPostingAt(db.Now()))
	return out, total, err
}

// PostingQueue lists the postings of the officer's region waiting for review, oldest first.
func (db *DB) PostingQueue(ctx context.Context, s xiangpei.Scope, page Page) ([]Posting, int, error) {
	if err := regOfficerOnly(s); err != nil {
		return nil, 0, err
	}
	return db.Postings(ctx, s, PostingFilter{Status: xiangpei.PostingPending}, page)
}

// ---- writing ----

func employerOnly(s xiangpei.Scope) error {
	if s.OrgID <= 0 {
		return xiangpei.Errorf(xiangpei.Forbidden, "job.employer_only", "Only an employer's staff can do this.")
	}
	return nil
}

// SavePosting writes the employer's draft: a new one when p.ID is 0, else the draft p.ID at
// version. Only a draft can be edited; the fields are validated (xiangpei.JobPosting.Validate).
func (tx *Tx) SavePosting(s xiangpei.Scope, p xiangpei.JobPosting, version int) (Posting, error) {
	if err := employerOnly(s); err != nil {
		return Posting{}, err
	}
	o, err := tx.Org(s, s.OrgID)
	if err != nil {
		return Posting{}, err
	}
	if o.Kind != xiangpei.OrgEmployer {
		return Posting{}, xiangpei.Errorf(xiangpei.Forbidden, "job.employer_only", "Only an employer's staff can do this.")
	}
	p.Title, p.Description, p.Occupation = strings.TrimSpace(p.Title), strings.TrimSpace(p.Description), strings.TrimSpace(p.Occupation)
	p.Skills, p.Certificates = cleanList(p.Skills), cleanList(p.Certificates)
	if err := p.Validate(); err != nil {
		return Posting{}, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	from, to := xiangpei.ChinaDate(p.ValidFrom), xiangpei.ChinaDate(p.ValidTo)
	if p.ID == 0 {
		p.ID = xiangpei.NewID()
		if _, err := tx.exec(`INSERT INTO job_postings (id, employer_id, occupation, title, description, skills, level, certificates,
			headcount, salary_min_fen, salary_max_fen, salary_unit, work_type, county, lat, lng, valid_from, valid_to, status,
			findings, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
			$16, $17, $18, 'draft', '[]', $19, $19, 1)`,
			p.ID, o.ID, p.Occupation, p.Title, p.Description, jsonText(p.Skills), p.Level, jsonText(p.Certificates), p.Headcount,
			p.Salary.MinFen, p.Salary.MaxFen, string(p.Salary.Unit), string(p.WorkType), p.County, p.Lat, p.Lng, from, to, now); err != nil {
			return Posting{}, mapError(err, "Posting")
		}
	} else {
		cur, err := tx.Posting(s, p.ID)
		if err != nil {
			return Posting{}, err
		}
		if cur.Status != xiangpei.PostingDraft {
			return Posting{}, xiangpei.Errorf(xiangpei.Conflict, "job.not_draft", "Only a draft can be edited; relist a closed posting first.")
		}
		if err := tx.execVersioned("Posting", `SELECT 1 FROM job_postings WHERE id = $1`, p.ID,
			`UPDATE job_postings SET occupation = $1, title = $2, description = $3, skills = $4, level = $5, certificates = $6,
			headcount = $7, salary_min_fen = $8, salary_max_fen = $9, salary_unit = $10, work_type = $11, county = $12, lat = $13,
			lng = $14, valid_from = $15, valid_to = $16, findings = '[]', updated_at = $17, version = version + 1
			WHERE id = $18 AND version = $19 AND status = 'draft'`,
			p.Occupation, p.Title, p.Description, jsonText(p.Skills), p.Level, jsonText(p.Certificates), p.Headcount,
			p.Salary.MinFen, p.Salary.MaxFen, string(p.Salary.Unit), string(p.WorkType), p.County, p.Lat, p.Lng, from, to, now,
			p.ID, version); err != nil {
			return Posting{}, err
		}
	}
	if err := tx.Audit("posting.save", "job_posting", p.ID, p.County, map[string]any{"title": p.Title, "occupation": p.Occupation,
		"salary_min_fen": p.Salary.MinFen, "unit": p.Salary.Unit, "valid_to": to}); err != nil {
		return Posting{}, err
	}
	return tx.Posting(s, p.ID)
}

// MinimumWageFor is the minimum wage a posting of the county is checked against on a day: the
// built-in table (data/minimum_wage_*.csv); zero when none is known, and the check refers it.
func MinimumWageFor(county string, at time.Time) xiangpei.MinimumWage {
	w, _ := xiangpei.HunanMinimumWage.For(county, at)
	return w
}

func (tx *Tx) postingReview(postingID int64, decision, reason string, findings []xiangpei.PostingFinding) error {
	if findings == nil {
		findings = []xiangpei.PostingFinding{}
	}
	_, err := tx.exec(`INSERT INTO posting_reviews (id, posting_id, decision, reason, findings, decided_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, xiangpei.NewID(), postingID, decision, reason, jsonText(findings),
		tx.Actor.AccountID, tx.Now.Truncate(time.Microsecond))
	return err
}

// SubmitPosting runs the checks on the employer's draft at version and applies the verdict:
// pass publishes it, refer sends it to the officers' queue, refuse keeps it a draft with the
// findings (the verdict is returned either way and the findings stay on the posting). An
// employer whose credit code is not confirmed by an officer cannot submit; nor can a posting
// whose last day has passed.
func (tx *Tx) SubmitPosting(s xiangpei.Scope, id int64, version int) (Posting, xiangpei.PostingVerdict, error) {
	var v xiangpei.PostingVerdict
	if err := employerOnly(s); err != nil {
		return Posting{}, v, err
	}
	p, err := tx.Posting(s, id)
	if err != nil {
		return p, v, err
	}
	if p.CodeStatus != xiangpei.CodeConfirmed && p.CodeStatus != xiangpei.CodeValid {
		return p, v, xiangpei.Errorf(xiangpei.Conflict, "job.code_unconfirmed",
			"Your unified social credit code has not yet been confirmed by the bureau, so postings cannot be published. The bureau checks new employers within a few working days.")
	}
	if p.Status != xiangpei.PostingDraft {
		return p, v, xiangpei.Errorf(xiangpei.Conflict, "posting.wrong_state", "This cannot be done in the present state (%v): reload the page to see where it stands.", p.Status)
	}
	if p.Expired(tx.Now) {
		return p, v, xiangpei.Errorf(xiangpei.Invalid, "job.validity_past", "The last day of the posting has passed: give new validity first.")
	}
	if p.WorkType == xiangpei.GigWork { // complaints (docs/complaints.md): unresolved wage arrears block new gigs
		if arrears, err := tx.EmployerHasOpenArrears(p.EmployerID); err != nil || arrears {
			return p, v, cmp.Or(err, errOpenArrears())
		}
	}
	v = xiangpei.CheckPosting(p.JobPosting, MinimumWageFor(p.County, tx.Now), xiangpei.DefaultPostingWords)
	status, decision := xiangpei.PostingDraft, string(v.Outcome)
	switch v.Outcome {
	case xiangpei.CheckPass:
		status, _ = p.Status.Next(xiangpei.PostingPublish, xiangpei.PartySystem)
	case xiangpei.CheckRefer:
		status, _ = p.Status.Next(xiangpei.PostingRefer, xiangpei.PartySystem)
	}
	if err := tx.setPostingStatus(p, version, status, v.Findings); err != nil {
		return p, v, err
	}
	if err := tx.postingReview(p.ID, decision, "", v.Findings); err != nil {
		return p, v, err
	}
	if err := tx.Audit("posting.submit", "job_posting", p.ID, p.County, map[string]any{"outcome": v.Outcome, "findings": len(v.Findings)}); err != nil {
		return p, v, err
	}
	p, err = tx.Posting(s, id)
	return p, v, err
}

func (tx *Tx) setPostingStatus(p Posting, version int, to xiangpei.PostingStatus, findings []xiangpei.PostingFinding) error {
	now := tx.Now.Truncate(time.Microsecond)
	var pub any
	if to == xiangpei.PostingPublished {
		pub = now
	} else if !p.PublishedAt.IsZero() {
		pub = p.PublishedAt
	}
	fj := jsonText(p.Findings)
	if findings != nil {
		fj = jsonText(findings)
	}
	if err := tx.execVersioned("Posting", `SELECT 1 FROM job_postings WHERE id = $1`, p.ID,
		`UPDATE job_postings SET status = $1, findings = $2, published_at = $3, updated_at = $4, version = version + 1
		WHERE id = $5 AND version = $6`, string(to), fj, pub, now, p.ID, version); err != nil {
		return err
	}
	if to == xiangpei.PostingPublished {
		// Saved searches learn of the new posting in the same transaction (saved_search.go).
		_, err := tx.alertSearches(p.ID)
		return err
	}
	return nil
}

// ReviewPosting is an officer's decision on a posting in the queue: approve publishes it,
// return sends it back to the employer as a draft with a reason. Officers of the posting's
// region with the publish duty decide (administrators too).
func (tx *Tx) ReviewPosting(s xiangpei.Scope, id int64, version int, approve bool, reason string) (Posting, error) {
	if err := jobOfficer(tx.Actor, s); err != nil {
		return Posting{}, err
	}
	p, err := tx.Posting(s, id)
	if err != nil {
		return p, err
	}
	reason = strings.TrimSpace(reason)
	action, decision := xiangpei.PostingApprove, "approve"
	if !approve {
		action, decision = xiangpei.PostingReturn, "return"
		if reason == "" {
			return p, xiangpei.Errorf(xiangpei.Invalid, "job.reason_missing", "Give the reason, so the employer knows what to change.")
		}
	}
	to, err := p.Status.Next(action, xiangpei.PartyOfficer)
	if err != nil {
		return p, err
	}
	if err := tx.setPostingStatus(p, version, to, nil); err != nil {
		return p, err
	}
	if err := tx.postingReview(p.ID, decision, reason, nil); err != nil {
		return p, err
	}
	if err := tx.Audit("posting."+decision, "job_posting", p.ID, p.County, map[string]any{"reason": reason}); err != nil {
		return p, err
	}
	return tx.Posting(s, id)
}

// jobOfficer lets through administrators and officers with the publish duty, whose review of
// postings and reports it is (docs/decisions.md).
func jobOfficer(a xiangpei.Actor, s xiangpei.Scope) error {
	if err := regOfficerOnly(s); err != nil {
		return err
	}
	if a.Role == xiangpei.RoleOfficer && !a.Can(xiangpei.DutyPublish) {
		return xiangpei.Errorf(xiangpei.Forbidden, "job.duty", "Only officers with the publish duty review job postings.")
	}
	return nil
}

// ClosePosting closes a published posting: its employer, or an officer of its region (with a
// reason). A posting that has expired is already closed.
func (tx *Tx) ClosePosting(s xiangpei.Scope, id int64, version int, reason string) (Posting, error) {
	p, err := tx.Posting(s, id)
	if err != nil {
		return p, err
	}
	by := xiangpei.PartyEmployer
	if s.OrgID == 0 {
		if err := jobOfficer(tx.Actor, s); err != nil {
			return p, err
		}
		by = xiangpei.PartyOfficer
		if strings.TrimSpace(reason) == "" {
			return p, xiangpei.Errorf(xiangpei.Invalid, "job.reason_missing", "Give the reason, so the employer knows what to change.")
		}
	}
	to, err := p.Status.Next(xiangpei.PostingClose, by)
	if err != nil {
		return p, err
	}
	if err := tx.setPostingStatus(p, version, to, nil); err != nil {
		return p, err
	}
	if err := tx.postingReview(p.ID, "close", strings.TrimSpace(reason), nil); err != nil {
		return p, err
	}
	if err := tx.Audit("posting.close", "job_posting", p.ID, p.County, map[string]any{"by": by, "reason": reason}); err != nil {
		return p, err
	}
	return tx.Posting(s, id)
}

// RelistPosting makes the employer's closed or expired posting a draft again with new
// validity; it must pass the checks again when submitted.
func (tx *Tx) RelistPosting(s xiangpei.Scope, id int64, version int, from, to time.Time) (Posting, error) {
	if err := employerOnly(s); err != nil {
		return Posting{}, err
	}
	p, err := tx.Posting(s, id)
	if err != nil {
		return p, err
	}
	next, err := p.Status.Next(xiangpei.PostingRelist, xiangpei.PartyEmployer)
	if err != nil {
		return p, err
	}
	q := p.JobPosting
	q.ValidFrom, q.ValidTo = from, to
	if err := q.Validate(); err != nil {
		return p, err
	}
	if q.Expired(tx.Now) {
		return p, xiangpei.Errorf(xiangpei.Invalid, "job.validity_past", "The last day of the posting has passed: give new validity first.")
	}
	if err := tx.execVersioned("Posting", `SELECT 1 FROM job_postings WHERE id = $1`, p.ID,
		`UPDATE job_postings SET status = $1, valid_from = $2, valid_to = $3, findings = '[]', updated_at = $4, version = version + 1
		WHERE id = $5 AND version = $6`, string(next), xiangpei.ChinaDate(from), xiangpei.ChinaDate(to),
		tx.Now.Truncate(time.Microsecond), p.ID, version); err != nil {
		return p, err
	}
	if err := tx.postingReview(p.ID, "relist", "", nil); err != nil {
		return p, err
	}
	if err := tx.Audit("posting.relist", "job_posting", p.ID, p.County, map[string]any{
		"valid_from": xiangpei.ChinaDate(from), "valid_to": xiangpei.ChinaDate(to)}); err != nil {
		return p, err
	}
	return tx.Posting(s, id)
}

// PostingReview is one verdict of the checks or decision of an officer on a posting.
type PostingReview struct {
	Decision  string
	Reason    string
	Findings  []xiangpei.PostingFinding
	DecidedBy int64
	CreatedAt time.Time
}

// PostingReviews lists the decisions on a posting within scope, oldest first.
func (db *DB) PostingReviews(ctx context.Context, s xiangpei.Scope, id int64) ([]PostingReview, error) {
	if _, err := db.Posting(ctx, s, id); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT decision, reason, findings, decided_by, created_at FROM posting_reviews
		WHERE posting_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (PostingReview, error) {
		var v PostingReview
		var f string
		if err := r.Scan(&v.Decision, &v.Reason, &f, &v.DecidedBy, &v.CreatedAt); err != nil {
			return v, err
		}
		v.CreatedAt = v.CreatedAt.UTC()
		return v, json.Unmarshal([]byte(f), &v.Findings)
	})
}
