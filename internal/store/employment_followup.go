package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// 就业跟踪 — employment follow-up (migrations 00027, 00035, 00036; docs/employment-followup.md).
// A person reports a spell of employment (unverified until an officer verifies it or an
// insurance row matches it, or rejected with a reason); officers with the registry duty enter
// records for persons of their region, verify or reject self-reports, record the outcomes of
// the follow-up calls (the queue itself is follow_up_queue.go; graduates' completions are
// graduate_followup.go) and read the employment rate after training, computed by the domain's
// EmploymentRatesBy from the completions read here.

// EmploymentEntry is a spell as a person reports it or an officer enters it.
type EmploymentEntry struct {
	IDNumber     string // an officer's entry: the person, by ID number
	Name         string // an officer's entry: the person's name, checked against the registry
	EmployerName string
	CreditCode   string
	Occupation   string
	County       string
	StartsOn     string // YYYY-MM-DD
	EndsOn       string // YYYY-MM-DD or empty while it lasts
	FullTime     bool
}

// EmploymentRow is an employment record as the lists show it.
type EmploymentRow struct {
	xiangpei.EmploymentRecord
	PersonName   string
	MaskedID     string
	PersonCounty string
	VerifiedAt   time.Time
	CreatedAt    time.Time
}

const employmentRowCols = `e.id, e.person_id, COALESCE(e.employer_id, 0), e.employer_name, e.credit_code, e.occupation, e.county, e.source,
	COALESCE(e.application_id, 0), e.starts_on, e.ends_on, e.full_time, e.verified, e.verified_at, e.created_at, p.name, p.id_number, p.county, e.rejected_reason`

const employmentRowFrom = ` FROM employment_records e JOIN persons p ON p.id = e.person_id`

// employmentRowScope: officers by the person's registered county, a person their own, an
// employer the records of its hires.
const employmentRowScope = ` ($1 OR p.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR e.employer_id = $3) AND (CAST($4 AS BIGINT) = 0 OR e.person_id = $4)`

func scanEmploymentRow(r scanner) (EmploymentRow, error) {
	var e EmploymentRow
	var src, from, to, id string
	var at sql.NullTime
	err := r.Scan(&e.ID, &e.PersonID, &e.EmployerID, &e.EmployerName, &e.CreditCode, &e.Occupation, &e.County, &src,
		&e.ApplicationID, &from, &to, &e.FullTime, &e.Verified, &at, &e.CreatedAt, &e.PersonName, &id, &e.PersonCounty,
		&e.RejectedReason)
	e.Source, e.StartsOn, e.EndsOn = xiangpei.EmploymentSource(src), parseDay(from), parseDay(to)
	e.MaskedID, e.CreatedAt = xiangpei.IDNumber(id).Masked(), e.CreatedAt.UTC()
	if at.Valid {
		e.VerifiedAt = at.Time.UTC()
	}
	return e, err
}

func employmentRowByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (EmploymentRow, error) {
	a := scopeOf(s)
	e, err := scanEmploymentRow(q.QueryRowContext(ctx, `SELECT `+employmentRowCols+employmentRowFrom+` WHERE e.id = $5 AND`+employmentRowScope,
		a.all, a.region, a.org, a.person, id))
	return e, mapError(err, "Employment record")
}

// EmploymentRecord reads one employment record within scope; outside it, NotFound.
func (db *DB) EmploymentRecord(ctx context.Context, s xiangpei.Scope, id int64) (EmploymentRow, error) {
	return employmentRowByID(ctx, db.read, s, id)
}

// EmploymentFilter narrows the officers' list of records.
type EmploymentFilter struct {
	Unverified bool // self-reports waiting for verification only (neither verified nor rejected)
	Rejected   bool // rejected self-reports only
	Source     xiangpei.EmploymentSource
}

// EmploymentRecords lists the records within scope that pass the filter, newest first, with
// the total.
func (db *DB) EmploymentRecords(ctx context.Context, s xiangpei.Scope, f EmploymentFilter, p Page) ([]EmploymentRow, int, error) {
	a := scopeOf(s)
	where := employmentRowFrom + ` WHERE` + employmentRowScope + ` AND (NOT $5 OR (NOT e.verified AND e.rejected_reason = ''))
		AND ($6 = '' OR e.source = $6) AND (NOT $7 OR e.rejected_reason <> '')`
	args := []any{a.all, a.region, a.org, a.person, f.Unverified, string(f.Source), f.Rejected}
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+employmentRowCols+where+` ORDER BY e.created_at DESC, e.id DESC LIMIT $8 OFFSET $9`,
		append(args, p.limit(), p.offset())...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanEmploymentRow)
	return out, n, err
}

// followUpOfficer checks that the actor may enter, verify and follow up: an officer holding
// the registry duty (docs/employment-followup.md), or an administrator.
func (tx *Tx) followUpOfficer(s xiangpei.Scope) error {
	if err := regOfficerOnly(s); err != nil {
		return err
	}
	if tx.Actor.Role == xiangpei.RoleOfficer && !tx.Actor.Can(xiangpei.DutyRegistry) {
		return xiangpei.Errorf(xiangpei.Forbidden, "followup.duty", "Only officers with the registry duty enter and verify employment records.")
	}
	return nil
}

// entryRecord turns an entry into a record of the person from the source, checking every field.
func (tx *Tx) entryRecord(personID int64, src xiangpei.EmploymentSource, in EmploymentEntry) (xiangpei.EmploymentRecord, error) {
	in.EmployerName, in.Occupation, in.County = strings.TrimSpace(in.EmployerName), strings.TrimSpace(in.Occupation), strings.TrimSpace(in.County)
	rec := xiangpei.EmploymentRecord{PersonID: personID, Source: src, EmployerName: in.EmployerName, Occupation: in.Occupation,
		County: in.County, FullTime: in.FullTime, Verified: src.VerifiedAtSource()}
	if utf8.RuneCountInString(in.EmployerName) > 100 {
		return rec, xiangpei.Errorf(xiangpei.Invalid, "followup.employer_long", "The employer's name is longer than 100 characters.")
	}
	if utf8.RuneCountInString(in.Occupation) > 50 {
		return rec, xiangpei.Errorf(xiangpei.Invalid, "followup.occupation_long", "The occupation is longer than 50 characters.")
	}
	if code := strings.TrimSpace(in.CreditCode); code != "" {
		c, ok, err := xiangpei.ParseCreditCode(code)
		if err != nil {
			return rec, err
		}
		if !ok {
			return rec, xiangpei.Errorf(xiangpei.Invalid, "followup.credit_check", "The unified social credit code's last character does not match: check the code.")
		}
		rec.CreditCode = string(c)
		var id int64
		var name string
		err = tx.tx.QueryRowContext(tx.ctx, `SELECT id, name FROM organisations WHERE credit_code = $1`, rec.CreditCode).Scan(&id, &name)
		if err == nil {
			rec.EmployerID = id
			if rec.EmployerName == "" {
				rec.EmployerName = name
			}
		} else if err != sql.ErrNoRows {
			return rec, err
		}
	}
	var level string
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT level FROM regions WHERE code = $1`, rec.County).Scan(&level); err != nil || level != "county" {
		if err != nil && err != sql.ErrNoRows {
			return rec, err
		}
		return rec, xiangpei.Errorf(xiangpei.Invalid, "followup.county", "Choose the county where the work is.")
	}
	if in.StartsOn = strings.TrimSpace(in.StartsOn); in.StartsOn != "" {
		if rec.StartsOn = parseDay(in.StartsOn); rec.StartsOn.IsZero() {
			return rec, xiangpei.Errorf(xiangpei.Invalid, "followup.date", "Write dates as YYYY-MM-DD, like 2026-03-01.")
		}
	}
	if in.EndsOn = strings.TrimSpace(in.EndsOn); in.EndsOn != "" {
		if rec.EndsOn = parseDay(in.EndsOn); rec.EndsOn.IsZero() {
			return rec, xiangpei.Errorf(xiangpei.Invalid, "followup.date", "Write dates as YYYY-MM-DD, like 2026-03-01.")
		}
	}
	if err := rec.Validate(); err != nil {
		return rec, err
	}
	if limit := xiangpei.ChinaDate(tx.Now.AddDate(0, 0, 90)); xiangpei.ChinaDate(rec.StartsOn) > limit {
		return rec, xiangpei.Errorf(xiangpei.Invalid, "followup.start_far", "The first day of work is more than 90 days ahead; record the job once it is closer.")
	}
	return rec, nil
}

// insertEmployment stores a record entered by the transaction's actor.
func (tx *Tx) insertEmployment(rec xiangpei.EmploymentRecord) (int64, error) {
	id, now := xiangpei.NewID(), tx.Now.Truncate(time.Microsecond)
	ends := ""
	if !rec.EndsOn.IsZero() {
		ends = xiangpei.ChinaDate(rec.EndsOn)
	}
	var verifiedBy any = int64(0)
	var verifiedAt any
	if rec.Verified {
		verifiedBy, verifiedAt = tx.Actor.AccountID, now
	}
	if _, err := tx.exec(`INSERT INTO employment_records (id, person_id, employer_id, employer_name, credit_code, occupation, county, source,
		starts_on, ends_on, full_time, verified, created_at, entered_by, verified_by, verified_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		id, rec.PersonID, nullID(rec.EmployerID), rec.EmployerName, rec.CreditCode, rec.Occupation, rec.County, string(rec.Source),
		xiangpei.ChinaDate(rec.StartsOn), ends, rec.FullTime, rec.Verified, now, tx.Actor.AccountID, verifiedBy, verifiedAt); err != nil {
		return 0, mapError(err, "Employment record")
	}
	return id, nil
}

// ReportEmployment records a spell the person reports about themself: unverified until an
// officer verifies it or an insurance row matches it.
func (tx *Tx) ReportEmployment(s xiangpei.Scope, in EmploymentEntry) (EmploymentRow, error) {
	if s.PersonID <= 0 {
		return EmploymentRow{}, xiangpei.Errorf(xiangpei.Forbidden, "followup.person_only", "Only the person themself reports their employment.")
	}
	rec, err := tx.entryRecord(s.PersonID, xiangpei.EmploymentSelf, in)
	if err != nil {
		return EmploymentRow{}, err
	}
	id, err := tx.insertEmployment(rec)
	if err != nil {
		return EmploymentRow{}, err
	}
	if err := tx.Audit("employment.self_report", "employment_record", id, rec.County, map[string]any{"employer": rec.EmployerName,
		"credit_code": rec.CreditCode, "starts_on": xiangpei.ChinaDate(rec.StartsOn)}); err != nil {
		return EmploymentRow{}, err
	}
	return employmentRowByID(tx.ctx, tx.tx, s, id)
}

// personInRegion finds the person with the ID number registered in the scope's region and
// checks the name.
func (tx *Tx) personInRegion(s xiangpei.Scope, idNumber, name string) (int64, string, error) {
	id, err := xiangpei.ParseIDNumber(strings.ToUpper(strings.TrimSpace(idNumber)), tx.Now)
	if err != nil {
		return 0, "", xiangpei.Errorf(xiangpei.Invalid, "followup.id_bad", "The ID number is not valid.")
	}
	a := scopeOf(s)
	var pid int64
	var regName, county string
	err = tx.tx.QueryRowContext(tx.ctx, `SELECT id, name, county FROM persons WHERE id_number = $1 AND ($2 OR county LIKE $3)`,
		string(id), a.all, a.region).Scan(&pid, &regName, &county)
	if err == sql.ErrNoRows {
		return 0, "", xiangpei.Errorf(xiangpei.Invalid, "followup.person_unknown", "Nobody with this ID number is registered in your region.")
	}
	if err != nil {
		return 0, "", err
	}
	if strings.TrimSpace(name) != regName {
		return 0, "", xiangpei.Errorf(xiangpei.Invalid, "followup.person_name", "The name differs from the registered name of this ID number.")
	}
	return pid, county, nil
}

// EnterEmployment records a spell of a person of the officer's region (source officer,
// verified as entered).
func (tx *Tx) EnterEmployment(s xiangpei.Scope, in EmploymentEntry) (EmploymentRow, error) {
	if err := tx.followUpOfficer(s); err != nil {
		return EmploymentRow{}, err
	}
	pid, county, err := tx.personInRegion(s, in.IDNumber, in.Name)
	if err != nil {
		return EmploymentRow{}, err
	}
	rec, err := tx.entryRecord(pid, xiangpei.EmploymentOfficer, in)
	if err != nil {
		return EmploymentRow{}, err
	}
	id, err := tx.insertEmployment(rec)
	if err != nil {
		return EmploymentRow{}, err
	}
	if err := tx.Audit("employment.enter", "employment_record", id, county, map[string]any{"person": pid, "employer": rec.EmployerName,
		"credit_code": rec.CreditCode, "starts_on": xiangpei.ChinaDate(rec.StartsOn)}); err != nil {
		return EmploymentRow{}, err
	}
	return employmentRowByID(tx.ctx, tx.tx, s, id)
}

// VerifySelfReport verifies a person's self-report within the officer's region. Of two
// verifications at once one wins; the other finds it already verified (Conflict).
func (tx *Tx) VerifySelfReport(s xiangpei.Scope, id int64) (EmploymentRow, error) {
	e, err := tx.waitingSelfReport(s, id)
	if err != nil {
		return e, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	res, err := tx.exec(`UPDATE employment_records SET verified = TRUE, verified_by = $2, verified_at = $3 WHERE id = $1 AND NOT verified
		AND rejected_reason = ''`, id, tx.Actor.AccountID, now)
	if err != nil {
		return e, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return e, xiangpei.Errorf(xiangpei.Conflict, "followup.already_verified", "This record is already verified.")
	}
	if err := tx.Audit("employment.verify", "employment_record", id, e.PersonCounty, map[string]any{"person": e.PersonID,
		"employer": e.EmployerName}); err != nil {
		return e, err
	}
	if _, err := tx.NotifyPerson(e.PersonID, "您报告的就业信息（"+e.EmployerName+"，"+xiangpei.ChinaDate(e.StartsOn)+" 起）已核验。"); err != nil {
		return e, err
	}
	return employmentRowByID(tx.ctx, tx.tx, s, id)
}

// waitingSelfReport reads, for an officer who may verify, a record within scope that must be a
// self-report still waiting for an officer: neither verified nor rejected.
func (tx *Tx) waitingSelfReport(s xiangpei.Scope, id int64) (EmploymentRow, error) {
	if err := tx.followUpOfficer(s); err != nil {
		return EmploymentRow{}, err
	}
	e, err := employmentRowByID(tx.ctx, tx.tx, s, id)
	switch {
	case err != nil:
		return e, err
	case e.Source != xiangpei.EmploymentSelf:
		return e, xiangpei.Errorf(xiangpei.Conflict, "followup.not_self_report", "Only a person's own report waits for verification.")
	case e.Rejected():
		return e, xiangpei.Errorf(xiangpei.Conflict, "followup.already_rejected", "This report was rejected; the person may report again.")
	case e.Verified:
		return e, xiangpei.Errorf(xiangpei.Conflict, "followup.already_verified", "This record is already verified.")
	}
	return e, nil
}

// RejectSelfReport rejects a person's self-report within the officer's region that the officer
// found untrue, with the reason the person is told. The record stays unverified for good and
// leaves the waiting list; the person may report again. Of a verification and a rejection at
// once, one wins; the other is a Conflict.
func (tx *Tx) RejectSelfReport(s xiangpei.Scope, id int64, reason string) (EmploymentRow, error) {
	e, err := tx.waitingSelfReport(s, id)
	if err != nil {
		return e, err
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return e, xiangpei.Errorf(xiangpei.Invalid, "followup.reject_reason", "Give the reason for rejecting the report: the person is told.")
	case n > 200:
		return e, xiangpei.Errorf(xiangpei.Invalid, "followup.reject_reason_long", "The reason is longer than 200 characters.")
	}
	res, err := tx.exec(`UPDATE employment_records SET rejected_reason = $2, rejected_by = $3, rejected_at = $4 WHERE id = $1 AND NOT verified
		AND rejected_reason = ''`, id, reason, tx.Actor.AccountID, tx.Now.Truncate(time.Microsecond))
	if err != nil {
		return e, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return e, xiangpei.Errorf(xiangpei.Conflict, "followup.already_decided", "This report has just been verified or rejected by someone else.")
	}
	if err := tx.Audit("employment.reject", "employment_record", id, e.PersonCounty, map[string]any{"person": e.PersonID,
		"employer": e.EmployerName, "reason": reason}); err != nil {
		return e, err
	}
	if _, err := tx.NotifyPerson(e.PersonID, "您报告的就业信息（"+e.EmployerName+"，"+xiangpei.ChinaDate(e.StartsOn)+" 起）未通过核验："+reason+
		"。如信息无误，可重新申报并注明可核实的单位信息。"); err != nil {
		return e, err
	}
	return employmentRowByID(tx.ctx, tx.tx, s, id)
}

// ---- completions, follow-ups and the rate ----

// completionRow is a completion with what the pages show beside the domain's keys.
type completionRow struct {
	xiangpei.Completion
	TraineeID   int64 // a training completion's trainee, or
	DiplomaID   int64 // a graduate's diploma (graduate_followup.go)
	PersonName  string
	MaskedID    string
	ClassName   string
	OrgName     string
	Occupation  string // the occupation's name
	ProgramName string // a special action's name; empty for a funding type
}

// completionScope restricts completions (trainees t of classes cl) to a scope: officers by the
// class's county, an institution its own classes, a person their own.
const completionScope = ` ($1 OR cl.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR cl.org_id = $3) AND (CAST($4 AS BIGINT) = 0 OR t.person_id = $4)`

const completionFrom = ` FROM trainees t JOIN classes cl ON cl.id = t.class_id JOIN organisations o ON o.id = cl.org_id
	JOIN persons p ON p.id = t.person_id LEFT JOIN occupations oc ON oc.code = cl.occupation_code
	WHERE t.status = 'completed' AND cl.last_session >= $5 AND cl.last_session < $6 AND`

// completions reads the completions within scope whose class ended (China date) in [from, to),
// with the person's key groups and every verified employment record of those persons.
func completions(ctx context.Context, q querier, s xiangpei.Scope, from, to time.Time) ([]completionRow, []xiangpei.EmploymentRecord, error) {
	a := scopeOf(s)
	// last_session is a moment: widen by a day each side and keep the China dates in Go.
	args := []any{a.all, a.region, a.org, a.person, from.Add(-24 * time.Hour), to.Add(24 * time.Hour)}
	rows, err := q.QueryContext(ctx, `SELECT t.id, t.person_id, t.class_id, cl.org_id, o.name, cl.name, cl.occupation_code,
		COALESCE(oc.name, cl.occupation_code), cl.funding, cl.special_action,
		COALESCE((SELECT MIN(sa.name_zh) FROM special_actions sa WHERE sa.code = cl.special_action), ''), cl.county, cl.last_session,
		p.name, p.id_number`+completionFrom+completionScope+` ORDER BY cl.last_session, t.id`, args...)
	if err != nil {
		return nil, nil, err
	}
	fromDay, toDay := xiangpei.ChinaDate(from), xiangpei.ChinaDate(to)
	list, err := collect(rows, func(r scanner) (completionRow, error) {
		var c completionRow
		var funding, action, id string
		var last time.Time
		err := r.Scan(&c.TraineeID, &c.PersonID, &c.ClassID, &c.Institution, &c.OrgName, &c.ClassName, &c.Completion.Occupation,
			&c.Occupation, &funding, &action, &c.ProgramName, &c.County, &last, &c.PersonName, &id)
		c.Program = funding
		if action != "" {
			c.Program = action
		}
		day := xiangpei.ChinaDate(last)
		c.CompletedOn, c.MaskedID = parseDay(day), xiangpei.IDNumber(id).Masked()
		return c, err
	})
	if err != nil {
		return nil, nil, err
	}
	list = slices.DeleteFunc(list, func(c completionRow) bool {
		d := xiangpei.ChinaDate(c.CompletedOn)
		return d < fromDay || d >= toDay
	})
	groups, err := keyGroupsOf(ctx, q, `SELECT t.person_id FROM trainees t JOIN classes cl ON cl.id = t.class_id
		WHERE t.status = 'completed' AND cl.last_session >= $5 AND cl.last_session < $6 AND`+completionScope, args)
	if err != nil {
		return nil, nil, err
	}
	for i := range list {
		list[i].KeyGroups = groups[list[i].PersonID]
	}
	recs, err := recordsOf(ctx, q, `SELECT t.person_id FROM trainees t JOIN classes cl ON cl.id = t.class_id
		WHERE t.status = 'completed' AND cl.last_session >= $5 AND cl.last_session < $6 AND`+completionScope, args)
	if err != nil {
		return nil, nil, err
	}
	grads, grecs, err := graduateCompletions(ctx, q, s, from, to) // 教→用: graduates count like completers
	return append(list, grads...), append(recs, grecs...), err
}

// employmentRecordCols are the columns scanEmploymentRecord reads, of employment_records e.
const employmentRecordCols = `e.id, e.person_id, COALESCE(e.employer_id, 0), e.employer_name, e.credit_code, e.occupation, e.county,
	e.source, COALESCE(e.application_id, 0), e.starts_on, e.ends_on, e.full_time, e.verified, e.rejected_reason`

func scanEmploymentRecord(r scanner) (xiangpei.EmploymentRecord, error) {
	var e xiangpei.EmploymentRecord
	var src, from, to string
	err := r.Scan(&e.ID, &e.PersonID, &e.EmployerID, &e.EmployerName, &e.CreditCode, &e.Occupation, &e.County, &src,
		&e.ApplicationID, &from, &to, &e.FullTime, &e.Verified, &e.RejectedReason)
	e.Source, e.StartsOn, e.EndsOn = xiangpei.EmploymentSource(src), parseDay(from), parseDay(to)
	return e, err
}

// recordsOf reads every employment record of the persons the subquery persons selects (with
// args), by person and first day.
func recordsOf(ctx context.Context, q querier, persons string, args []any) ([]xiangpei.EmploymentRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+employmentRecordCols+` FROM employment_records e WHERE e.person_id IN (`+persons+`)
		ORDER BY e.person_id, e.starts_on, e.id`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEmploymentRecord)
}

// keyGroupsOf reads the key groups of the persons the subquery persons selects (with args).
func keyGroupsOf(ctx context.Context, q querier, persons string, args []any) (map[int64][]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT k.person_id, k.group_code FROM key_group_members k
		WHERE k.person_id IN (`+persons+`) ORDER BY k.person_id, k.group_code`, args...)
	if err != nil {
		return nil, err
	}
	groups := map[int64][]string{}
	_, err = collect(rows, func(r scanner) (int, error) {
		var pid int64
		var code string
		err := r.Scan(&pid, &code)
		groups[pid] = append(groups[pid], code)
		return 0, err
	})
	return groups, err
}

// FollowUpOutcome is what an officer recorded for a follow-up.
type FollowUpOutcome string

// The outcomes.
const (
	FollowUpEmployed    FollowUpOutcome = "employed"
	FollowUpNotEmployed FollowUpOutcome = "not_employed"
	FollowUpUnreachable FollowUpOutcome = "unreachable"
)

// FollowUpOutcomes lists the outcomes.
var FollowUpOutcomes = []FollowUpOutcome{FollowUpEmployed, FollowUpNotEmployed, FollowUpUnreachable}

// FollowUpInput is the outcome an officer records; Job is the employment found when employed.
type FollowUpInput struct {
	Month   int
	Outcome FollowUpOutcome
	Note    string
	Job     EmploymentEntry
}

// RecordFollowUp records the outcome of a follow-up of a completion within the officer's
// region, closing it: employed creates an officer's employment record of the person (verified)
// beside the outcome row. A follow-up is recorded once: of two at once one wins, the other is
// a Conflict.
func (tx *Tx) RecordFollowUp(s xiangpei.Scope, traineeID int64, in FollowUpInput) (int64, error) {
	if err := tx.followUpOfficer(s); err != nil {
		return 0, err
	}
	a := scopeOf(s)
	var pid, classID int64
	var status, county string
	var last time.Time
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT t.person_id, t.class_id, t.status, cl.county, cl.last_session
		FROM trainees t JOIN classes cl ON cl.id = t.class_id WHERE t.id = $5 AND`+completionScope,
		a.all, a.region, a.org, a.person, traineeID).Scan(&pid, &classID, &status, &county, &last)
	if err != nil {
		return 0, mapError(err, "Trainee")
	}
	if status != string(xiangpei.TraineeCompleted) {
		return 0, xiangpei.Errorf(xiangpei.Conflict, "followup.not_completed", "Only a trainee who completed the class is followed up.")
	}
	in, recID, err := tx.followUpOutcome(pid, parseDay(xiangpei.ChinaDate(last)), in)
	if err != nil {
		return 0, err
	}
	id := xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO follow_up_outcomes (id, trainee_id, person_id, class_id, county, month, outcome, note, record_id,
		recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, id, traineeID, pid, classID, county, in.Month,
		string(in.Outcome), in.Note, recID, tx.Actor.AccountID, tx.Now.Truncate(time.Microsecond)); err != nil {
		return 0, followUpTaken(err)
	}
	return id, tx.Audit("employment.follow_up", "trainee", traineeID, county, map[string]any{"month": in.Month, "outcome": in.Outcome,
		"note": in.Note, "employment_record": recID})
}

// RecordGraduateFollowUp records the outcome of a follow-up of a technical-school graduate (by
// diploma) within the officer's region — the student's county — like RecordFollowUp.
func (tx *Tx) RecordGraduateFollowUp(s xiangpei.Scope, diplomaID int64, in FollowUpInput) (int64, error) {
	if err := tx.followUpOfficer(s); err != nil {
		return 0, err
	}
	a := scopeOf(s)
	var pid, schoolID int64
	var county, on string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT d.person_id, d.school_id, s.county, d.graduated_on
		FROM diplomas d JOIN students s ON s.id = d.student_id WHERE d.id = $5 AND`+graduateScope,
		a.all, a.region, a.org, a.person, diplomaID).Scan(&pid, &schoolID, &county, &on)
	if err != nil {
		return 0, mapError(err, "Diploma")
	}
	in, recID, err := tx.followUpOutcome(pid, parseDay(on), in)
	if err != nil {
		return 0, err
	}
	id := xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO graduate_follow_ups (id, diploma_id, person_id, school_id, county, month, outcome, note, record_id,
		recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, id, diplomaID, pid, schoolID, county, in.Month,
		string(in.Outcome), in.Note, recID, tx.Actor.AccountID, tx.Now.Truncate(time.Microsecond)); err != nil {
		return 0, followUpTaken(err)
	}
	return id, tx.Audit("employment.follow_up", "diploma", diplomaID, county, map[string]any{"month": in.Month, "outcome": in.Outcome,
		"note": in.Note, "employment_record": recID})
}

// followUpOutcome checks an outcome of a follow-up of the person's completion on completedOn —
// the month one of its follow-ups, due by today, a known outcome, a short note — and, when
// employed, records the job found (an officer's record, verified): the cleaned input and the
// record's id.
func (tx *Tx) followUpOutcome(personID int64, completedOn time.Time, in FollowUpInput) (FollowUpInput, int64, error) {
	var fu *xiangpei.FollowUp
	for _, f := range xiangpei.FollowUpsFor(completedOn) {
		if f.Month == in.Month {
			fu = &f
		}
	}
	if fu == nil {
		return in, 0, xiangpei.Errorf(xiangpei.Invalid, "followup.month", "Choose the follow-up: 3 or 6 months after completion.")
	}
	if xiangpei.ChinaDate(fu.Due) > xiangpei.ChinaDate(tx.Now) {
		return in, 0, xiangpei.Errorf(xiangpei.Conflict, "followup.not_due", "This follow-up is due on %v: record it from then.", xiangpei.ChinaDate(fu.Due))
	}
	if !slices.Contains(FollowUpOutcomes, in.Outcome) {
		return in, 0, xiangpei.Errorf(xiangpei.Invalid, "followup.outcome_bad", "Choose the outcome: employed, not employed or unreachable.")
	}
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > 500 {
		return in, 0, xiangpei.Errorf(xiangpei.Invalid, "followup.note_long", "The note is longer than 500 characters.")
	}
	if in.Outcome != FollowUpEmployed {
		return in, 0, nil
	}
	rec, err := tx.entryRecord(personID, xiangpei.EmploymentOfficer, in.Job)
	if err != nil {
		return in, 0, err
	}
	recID, err := tx.insertEmployment(rec)
	return in, recID, err
}

// followUpTaken maps a failed insert of an outcome: the unique (completion, month) taken by
// another officer's recording is a Conflict a person can read.
func followUpTaken(err error) error {
	if err = mapError(err, "Follow-up"); xiangpei.IsKind(err, xiangpei.Conflict) {
		return xiangpei.Errorf(xiangpei.Conflict, "followup.already_recorded", "This follow-up has already been recorded.")
	}
	return err
}

// RateReport is the employment rate after training of one year broken down by a grouping,
// beside last year's.
type RateReport struct {
	Group   xiangpei.RateGroup
	Year    int
	AsOf    time.Time
	Rows    []xiangpei.GroupRate     // completions whose 6-month window has closed
	Pending map[string]xiangpei.Rate // this year's completions whose window is still open: employed so far
	Total   xiangpei.GroupRate       // every closed completion of the year, beside last year's
	Open    xiangpei.Rate            // every open completion of the year
	Labels  map[string]string        // key → name for classes, institutions, occupations, special actions
}

// RateInputs are the completions and records a rate report is computed from: this year's
// completions split into those whose window has closed and those still open, last year's
// closed ones, and the verified and unverified records of their persons.
type RateInputs struct {
	This, Open, Last []xiangpei.Completion
	Records          []xiangpei.EmploymentRecord
	Labels           map[string]map[string]string // group → key → name
}

// EmploymentRateInputs reads the inputs of the year's rate within scope (officers: classes of
// their region; an institution: its own classes), as of the database's clock.
func (db *DB) EmploymentRateInputs(ctx context.Context, s xiangpei.Scope, year int) (RateInputs, error) {
	from := time.Date(year-1, 1, 1, 0, 0, 0, 0, xiangpei.ChinaTime)
	to := time.Date(year+1, 1, 1, 0, 0, 0, 0, xiangpei.ChinaTime)
	list, recs, err := completions(ctx, db.read, s, from, to)
	if err != nil {
		return RateInputs{}, err
	}
	now := db.Now()
	in := RateInputs{Records: recs, Labels: map[string]map[string]string{}}
	for _, g := range xiangpei.RateGroups {
		in.Labels[string(g)] = map[string]string{}
	}
	for _, c := range list {
		in.Labels[string(xiangpei.ByClass)][strconv.FormatInt(c.ClassID, 10)] = c.ClassName
		in.Labels[string(xiangpei.ByInstitution)][strconv.FormatInt(c.Institution, 10)] = c.OrgName
		in.Labels[string(xiangpei.ByOccupation)][c.Completion.Occupation] = c.Occupation
		if c.ProgramName != "" {
			in.Labels[string(xiangpei.ByProgram)][c.Program] = c.ProgramName
		}
		switch {
		case c.CompletedOn.Year() == year-1 && c.WindowClosed(now):
			in.Last = append(in.Last, c.Completion)
		case c.CompletedOn.Year() == year && c.WindowClosed(now):
			in.This = append(in.This, c.Completion)
		case c.CompletedOn.Year() == year:
			in.Open = append(in.Open, c.Completion)
		}
	}
	return in, nil
}

// EmploymentRates computes the year's rate report by a grouping with the domain's
// EmploymentRatesBy: the official figure counts only completions whose 6-month window has
// closed; the open ones are shown apart.
func (db *DB) EmploymentRates(ctx context.Context, s xiangpei.Scope, g xiangpei.RateGroup, year int) (RateReport, error) {
	if !slices.Contains(xiangpei.RateGroups, g) {
		return RateReport{}, xiangpei.Errorf(xiangpei.Invalid, "followup.rate_group", "Choose a grouping: class, institution, occupation, programme, county or key group.")
	}
	if year < 2000 || year > 2100 {
		return RateReport{}, xiangpei.Errorf(xiangpei.Invalid, "followup.rate_year", "Choose a year like 2026.")
	}
	in, err := db.EmploymentRateInputs(ctx, s, year)
	if err != nil {
		return RateReport{}, err
	}
	rep := RateReport{Group: g, Year: year, AsOf: db.Now(), Labels: in.Labels[string(g)], Pending: map[string]xiangpei.Rate{}}
	rep.Rows = xiangpei.EmploymentRatesBy(g, in.This, in.Last, in.Records)
	rep.Total = xiangpei.CompareRates("", xiangpei.EmploymentRate(in.This, in.Records), xiangpei.EmploymentRate(in.Last, in.Records))
	rep.Open = xiangpei.EmploymentRate(in.Open, in.Records)
	for _, r := range xiangpei.EmploymentRatesBy(g, in.Open, nil, in.Records) {
		rep.Pending[r.Key] = r.This
	}
	return rep, nil
}
