package store

import (
	"context"
	"time"

	"xiangpei"
)

// Applications for postings (投递) and the employment record a hire writes (docs/jobs.md). The
// employer reads its own postings' applicants with masked ID numbers only: the store never
// selects the full number into an Applicant.

// Applicant is an application with what its readers see of the posting and the person.
type Applicant struct {
	xiangpei.Application
	Version      int
	PostingTitle string
	EmployerID   int64
	EmployerName string
	County       string
	PersonName   string
	MaskedID     string // the person's ID number, masked; the full one is never read here
}

const applicantCols = `a.id, a.posting_id, a.person_id, a.status, a.created_at, a.updated_at, a.version, j.title, j.employer_id, o.name,
	j.county, p.name, p.id_number`

const applicantFrom = ` FROM job_applications a JOIN job_postings j ON j.id = a.posting_id JOIN organisations o ON o.id = j.employer_id
	JOIN persons p ON p.id = a.person_id`

// applicantScope: officers by the posting's county, the employer its own postings', a person
// their own.
const applicantScope = ` ($1 OR j.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR j.employer_id = $3) AND (CAST($4 AS BIGINT) = 0 OR a.person_id = $4)`

func scanApplicant(r scanner) (Applicant, error) {
	var x Applicant
	var st string
	var id string
	err := r.Scan(&x.ID, &x.PostingID, &x.PersonID, &st, &x.AppliedAt, &x.UpdatedAt, &x.Version, &x.PostingTitle, &x.EmployerID,
		&x.EmployerName, &x.County, &x.PersonName, &id)
	x.Status, x.MaskedID = xiangpei.ApplicationStatus(st), xiangpei.IDNumber(id).Masked()
	x.AppliedAt, x.UpdatedAt = x.AppliedAt.UTC(), x.UpdatedAt.UTC()
	return x, err
}

func applicantByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (Applicant, error) {
	a := scopeOf(s)
	x, err := scanApplicant(q.QueryRowContext(ctx, `SELECT `+applicantCols+applicantFrom+` WHERE a.id = $5 AND`+applicantScope,
		a.all, a.region, a.org, a.person, id))
	return x, mapError(err, "Application")
}

// Application reads an application within scope; outside it, NotFound.
func (db *DB) Application(ctx context.Context, s xiangpei.Scope, id int64) (Applicant, error) {
	return applicantByID(ctx, db.read, s, id)
}

// ApplicationFilter narrows a list of applications.
type ApplicationFilter struct {
	PostingID int64
	Status    xiangpei.ApplicationStatus
}

// Applications lists the applications within scope, newest first, with the total.
func (db *DB) Applications(ctx context.Context, s xiangpei.Scope, f ApplicationFilter, page Page) ([]Applicant, int, error) {
	a := scopeOf(s)
	where := applicantFrom + ` WHERE` + applicantScope + ` AND (CAST($5 AS BIGINT) = 0 OR a.posting_id = $5) AND ($6 = '' OR a.status = $6)`
	args := []any{a.all, a.region, a.org, a.person, f.PostingID, string(f.Status)}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+applicantCols+where+` ORDER BY a.created_at DESC, a.id DESC LIMIT $7 OFFSET $8`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanApplicant)
	return out, total, err
}

// Apply records the person's application for an open posting (published, not expired). A
// person applies once per posting: a second application, even one racing the first, is a
// Conflict.
func (tx *Tx) Apply(s xiangpei.Scope, postingID int64) (Applicant, error) {
	if s.PersonID <= 0 {
		return Applicant{}, xiangpei.Errorf(xiangpei.Forbidden, "job.person_only", "Only the person themself can apply.")
	}
	var p Posting
	p, err := scanPostingAt(tx.Now)(tx.tx.QueryRowContext(tx.ctx, `SELECT `+postingCols+postingFrom+` WHERE j.id = $1 AND j.status IN `+
		postingPublicStates, postingID))
	if err != nil {
		return Applicant{}, mapError(err, "Posting")
	}
	if !p.Open(tx.Now) {
		return Applicant{}, xiangpei.Errorf(xiangpei.Conflict, "job.posting_closed", "This posting is closed and takes no more applications.")
	}
	if err := tx.refuse(errAppliedBefore(), `SELECT 1 FROM job_applications WHERE posting_id = $1 AND person_id = $2`, postingID, s.PersonID); err != nil {
		return Applicant{}, err
	}
	id, now := xiangpei.NewID(), tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO job_applications (id, posting_id, person_id, status, created_at, updated_at, version)
		VALUES ($1, $2, $3, 'applied', $4, $4, 1)`, id, postingID, s.PersonID, now); err != nil {
		if xiangpei.IsKind(mapError(err, "Application"), xiangpei.Conflict) {
			return Applicant{}, errAppliedBefore()
		}
		return Applicant{}, err
	}
	if err := tx.Audit("application.apply", "job_application", id, p.County, map[string]any{"posting": postingID}); err != nil {
		return Applicant{}, err
	}
	return applicantByID(tx.ctx, tx.tx, s, id)
}

func errAppliedBefore() error {
	return xiangpei.Errorf(xiangpei.Conflict, "job.applied_before", "You have already applied for this posting; see it under My applications.")
}

// MoveApplication makes a move of an application at version: the employer (scope of its
// organisation) views, invites, offers, hires or rejects; the person withdraws. A hire writes
// the employment record (就业登记) starting on startsOn in the same transaction and messages
// the person. Two decisions racing on one application: the second is a stale version.
func (tx *Tx) MoveApplication(s xiangpei.Scope, id int64, version int, action xiangpei.ApplicationAction, startsOn time.Time) (Applicant, error) {
	x, err := applicantByID(tx.ctx, tx.tx, s, id)
	if err != nil {
		return x, err
	}
	by := xiangpei.PartyPerson
	switch {
	case s.OrgID > 0:
		by = xiangpei.PartyEmployer
	case s.PersonID > 0:
	default:
		return x, xiangpei.Errorf(xiangpei.Forbidden, "application.not_yours", "Only %v may do this.", "employer, person")
	}
	to, err := x.Status.Next(action, by)
	if err != nil {
		return x, err
	}
	var rec xiangpei.EmploymentRecord
	if action == xiangpei.AppHire {
		p, err := tx.Posting(xiangpei.Scope{All: true}, x.PostingID)
		if err != nil {
			return x, err
		}
		if rec, err = x.Hire(p.JobPosting, startsOn); err != nil {
			return x, err
		}
	}
	now := tx.Now.Truncate(time.Microsecond)
	if err := tx.execVersioned("Application", `SELECT 1 FROM job_applications WHERE id = $1`, id,
		`UPDATE job_applications SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4`,
		string(to), now, id, version); err != nil {
		return x, err
	}
	if action == xiangpei.AppHire {
		rec.ID = xiangpei.NewID()
		if _, err := tx.exec(`INSERT INTO employment_records (id, person_id, employer_id, employer_name, credit_code, posting_id,
			application_id, occupation, county, source, starts_on, ends_on, full_time, verified, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', $12, $13, $14)`,
			rec.ID, rec.PersonID, nullID(rec.EmployerID), rec.EmployerName, rec.CreditCode, x.PostingID, x.ID, rec.Occupation,
			rec.County, string(rec.Source), xiangpei.ChinaDate(rec.StartsOn), rec.FullTime, rec.Verified, now); err != nil {
			return x, mapError(err, "Employment record")
		}
		if _, err := tx.NotifyPerson(x.PersonID, "您已被"+x.EmployerName+"录用（"+x.PostingTitle+"），入职日期 "+
			xiangpei.ChinaDate(rec.StartsOn)+"，已办理就业登记。"); err != nil {
			return x, err
		}
	}
	if err := tx.Audit("application."+string(action), "job_application", id, x.County, map[string]any{
		"from": x.Status, "to": to, "employment_record": rec.ID}); err != nil {
		return x, err
	}
	return applicantByID(tx.ctx, tx.tx, s, id)
}

// Credential is a verified qualification of an applicant the employer may see: a valid
// certificate, or a completed class.
type Credential struct {
	Kind       string // certificate, class
	Name       string // certificate number or class name
	Occupation string
	Level      string
	On         string // issued on / last day of the class
}

// ApplicantCredentials lists the verified certificates and completed classes of the person of
// an application within scope (the employer reads its applicants' only).
func (db *DB) ApplicantCredentials(ctx context.Context, s xiangpei.Scope, applicationID int64) ([]Credential, error) {
	x, err := db.Application(ctx, s, applicationID)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT 'certificate', number, occupation_code, level, issued_on FROM certificates
		WHERE person_id = $1 AND status = 'valid' ORDER BY issued_on DESC, id DESC`, x.PersonID)
	if err != nil {
		return nil, err
	}
	scan := func(r scanner) (Credential, error) {
		var c Credential
		err := r.Scan(&c.Kind, &c.Name, &c.Occupation, &c.Level, &c.On)
		return c, err
	}
	certs, err := collect(rows, scan)
	if err != nil {
		return nil, err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT cl.name, cl.occupation_code, cl.level, cl.last_session FROM trainees t
		JOIN classes cl ON cl.id = t.class_id WHERE t.person_id = $1 AND t.status = 'completed' ORDER BY cl.last_session DESC, t.id DESC`, x.PersonID)
	if err != nil {
		return nil, err
	}
	classes, err := collect(rows, func(r scanner) (Credential, error) {
		var c Credential
		var last time.Time
		err := r.Scan(&c.Name, &c.Occupation, &c.Level, &last)
		c.Kind, c.On = "class", xiangpei.ChinaDate(last)
		return c, err
	})
	return append(certs, classes...), err
}

// EmploymentRecordsOf lists a person's employment records, newest start first. The scope must
// reach the person: the person themself, officers of the record's county, the employer of the
// record.
func (db *DB) EmploymentRecordsOf(ctx context.Context, s xiangpei.Scope, personID int64) ([]xiangpei.EmploymentRecord, error) {
	a := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, `SELECT `+employmentRecordCols+`
		FROM employment_records e WHERE e.person_id = $5 AND ($1 OR e.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR e.employer_id = $3)
		AND (CAST($4 AS BIGINT) = 0 OR e.person_id = $4) ORDER BY e.starts_on DESC, e.id DESC`, a.all, a.region, a.org, a.person, personID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEmploymentRecord)
}
