package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"xiangpei"
)

// 教 — the student registry's changes (学籍异动, migration 00032, docs/schools.md "Student
// registry and graduation"). The school requests a change of one record (suspend, resume,
// transfer, withdraw) or the graduation of a cohort; the city's officer
// (xiangpei.ApprovesStudentChanges) approves or rejects it. The decision takes the request row
// first (a versioned UPDATE of a pending row), so of two officers deciding at once exactly one
// wins; the record then moves only if it is still as it was when the school asked (its version
// and status), otherwise the whole decision is refused. A transfer closes the old record and
// opens one at the other school (TransferredFrom); a graduation moves every studying student of
// the cohort to graduated and gives each a diploma.

// StudentChange is one request with the names its readers see.
type StudentChange struct {
	ID             int64
	SchoolID       int64
	County         string
	Action         xiangpei.StudentAction
	StudentID      int64 // 0 for a cohort's graduation
	StudentVersion int
	FromStatus     xiangpei.StudentStatus
	MajorID        int64
	EntryYear      int
	ToSchoolID     int64
	ToMajorID      int64
	NewStudentID   int64 // transfer: the record made at the other school
	Reason         string
	EffectiveOn    time.Time
	Status         xiangpei.StudentChangeStatus
	RequestedBy    int64
	RequestedAt    time.Time
	DecidedBy      int64
	DecidedAt      time.Time
	DecisionReason string
	Affected       int // records moved on approval (the graduates of a cohort)
	Version        int

	SchoolName    string
	MajorCode     string
	MajorName     string
	StudentNumber string
	PersonName    string
	ToSchoolName  string
	ToMajorName   string
}

const changeStudentCols = `c.id, c.school_id, c.county, c.action, COALESCE(c.student_id, 0), c.student_version, c.from_status,
	c.major_id, c.entry_year, COALESCE(c.to_school_id, 0), COALESCE(c.to_major_id, 0), COALESCE(c.new_student_id, 0), c.reason,
	c.effective_on, c.status, c.requested_by, c.requested_at, c.decided_by, c.decided_at, c.decision_reason, c.affected, c.version,
	o.name, m.code, m.name, COALESCE(s.number, ''), COALESCE(p.name, ''), COALESCE(t.name, ''), COALESCE(tm.name, '')`

const changeStudentFrom = ` FROM student_changes c JOIN organisations o ON o.id = c.school_id JOIN majors m ON m.id = c.major_id
	LEFT JOIN students s ON s.id = c.student_id LEFT JOIN persons p ON p.id = s.person_id
	LEFT JOIN organisations t ON t.id = c.to_school_id LEFT JOIN majors tm ON tm.id = c.to_major_id`

// changeStudentScope: officers by the school's county, a school its own requests, a person the
// requests about their own records.
const changeStudentScope = ` ($1 OR c.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR c.school_id = $3)
	AND (CAST($4 AS BIGINT) = 0 OR s.person_id = $4)`

func scanStudentChange(r scanner) (StudentChange, error) {
	var c StudentChange
	var action, from, eff, st string
	var decided sql.NullTime
	err := r.Scan(&c.ID, &c.SchoolID, &c.County, &action, &c.StudentID, &c.StudentVersion, &from, &c.MajorID, &c.EntryYear,
		&c.ToSchoolID, &c.ToMajorID, &c.NewStudentID, &c.Reason, &eff, &st, &c.RequestedBy, &c.RequestedAt, &c.DecidedBy, &decided,
		&c.DecisionReason, &c.Affected, &c.Version, &c.SchoolName, &c.MajorCode, &c.MajorName, &c.StudentNumber, &c.PersonName,
		&c.ToSchoolName, &c.ToMajorName)
	c.Action, c.FromStatus, c.EffectiveOn, c.Status = xiangpei.StudentAction(action), xiangpei.StudentStatus(from), parseDay(eff), xiangpei.StudentChangeStatus(st)
	c.RequestedAt = c.RequestedAt.UTC()
	if decided.Valid {
		c.DecidedAt = decided.Time.UTC()
	}
	return c, err
}

func studentChangeByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (StudentChange, error) {
	a := scopeOf(s)
	c, err := scanStudentChange(q.QueryRowContext(ctx, `SELECT `+changeStudentCols+changeStudentFrom+` WHERE c.id = $5 AND`+changeStudentScope,
		a.all, a.region, a.org, a.person, id))
	return c, mapError(err, "Student change")
}

// StudentChange reads one request within scope; outside it, NotFound.
func (db *DB) StudentChange(ctx context.Context, s xiangpei.Scope, id int64) (StudentChange, error) {
	return studentChangeByID(ctx, db.read, s, id)
}

// StudentChangeFilter narrows a list of requests.
type StudentChangeFilter struct {
	Status    xiangpei.StudentChangeStatus
	StudentID int64 // the history of one record: its own requests and the graduation that closed it
}

// StudentChanges lists the requests within scope, newest first, with the total; the pending
// queue (Status pending) oldest first.
func (db *DB) StudentChanges(ctx context.Context, s xiangpei.Scope, f StudentChangeFilter, page Page) ([]StudentChange, int, error) {
	a := scopeOf(s)
	where := changeStudentFrom + ` WHERE` + changeStudentScope + ` AND ($5 = '' OR c.status = $5) AND (CAST($6 AS BIGINT) = 0
		OR c.student_id = $6 OR c.id = (SELECT d.change_id FROM diplomas d WHERE d.student_id = $6))`
	args := []any{a.all, a.region, a.org, a.person, string(f.Status), f.StudentID}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := ` ORDER BY c.requested_at DESC, c.id DESC`
	if f.Status == xiangpei.StudentChangePending {
		order = ` ORDER BY c.requested_at, c.id`
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+changeStudentCols+where+order+` LIMIT $7 OFFSET $8`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, scanStudentChange)
	return list, total, err
}

func changeBySchool(s xiangpei.Scope) error {
	if s.OrgID <= 0 {
		return xiangpei.Errorf(xiangpei.Forbidden, "student_change.school_only", "Only the school requests a change of its students' records.")
	}
	return nil
}

// RequestStudentChange files the school's request for one of its records, read at version:
// the change must be possible from the record's status now, one request per record may be
// pending, and a transfer names another school's offered major.
func (tx *Tx) RequestStudentChange(s xiangpei.Scope, studentID int64, version int, q xiangpei.StudentChangeRequest) (StudentChange, error) {
	if err := changeBySchool(s); err != nil {
		return StudentChange{}, err
	}
	st, err := tx.Student(s, studentID)
	if err != nil {
		return StudentChange{}, err
	}
	if q, err = q.Validate(); err != nil {
		return StudentChange{}, err
	}
	if q.Action == xiangpei.StudentGraduate {
		return StudentChange{}, xiangpei.Errorf(xiangpei.Invalid, "student_change.graduate_cohort", "Students graduate with their cohort: request the graduation of the cohort.")
	}
	if version != 0 && version != st.Version {
		return StudentChange{}, xiangpei.StaleVersion()
	}
	if _, err := st.Status.Next(q.Action); err != nil {
		return StudentChange{}, err
	}
	if q.Action == xiangpei.StudentTransfer {
		if q.ToSchoolID == st.SchoolID {
			return StudentChange{}, xiangpei.Errorf(xiangpei.Invalid, "student_change.transfer_same_school", "A transfer goes to another school.")
		}
		if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "student_change.transfer_target", "Choose the school and the major the student transfers to."),
			`SELECT 1 FROM majors m JOIN organisations o ON o.id = m.school_id WHERE m.id = $1 AND m.school_id = $2 AND o.kind = 'school' AND m.active`,
			q.ToMajorID, q.ToSchoolID); err != nil {
			return StudentChange{}, err
		}
	} else {
		q.ToSchoolID, q.ToMajorID = 0, 0
	}
	var county string
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT county FROM students WHERE id = $1`, st.ID).Scan(&county); err != nil {
		return StudentChange{}, err
	}
	id := xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO student_changes (id, school_id, county, action, student_id, student_version, from_status, major_id,
		entry_year, to_school_id, to_major_id, reason, effective_on, status, requested_by, requested_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14, $15)`,
		id, st.SchoolID, county, string(q.Action), st.ID, st.Version, string(st.Status), st.MajorID, st.EntryYear, nullID(q.ToSchoolID),
		nullID(q.ToMajorID), q.Reason, xiangpei.ChinaDate(q.EffectiveOn), tx.Actor.AccountID, tx.Now.Truncate(time.Microsecond)); err != nil {
		if xiangpei.IsKind(mapError(err, "Student change"), xiangpei.Conflict) {
			return StudentChange{}, errChangePending()
		}
		return StudentChange{}, err
	}
	if err := tx.Audit("student_change.request", "student_change", id, county, map[string]any{"student": st.ID, "action": q.Action,
		"to_school": q.ToSchoolID}); err != nil {
		return StudentChange{}, err
	}
	return studentChangeByID(tx.ctx, tx.tx, s, id)
}

func errChangePending() error {
	return xiangpei.Errorf(xiangpei.Conflict, "student_change.pending_exists", "A request for this is already waiting for the officer's decision.")
}

// RequestGraduation files the school's request to graduate a cohort — its major majorID, entry
// year entryYear — on day: the cohort must have reached its length of study by then and have
// studying students.
func (tx *Tx) RequestGraduation(s xiangpei.Scope, majorID int64, entryYear int, day time.Time, reason string) (StudentChange, error) {
	if err := changeBySchool(s); err != nil {
		return StudentChange{}, err
	}
	var years int
	var county string
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT m.years, o.county FROM majors m JOIN organisations o ON o.id = m.school_id
		WHERE m.id = $1 AND m.school_id = $2`, majorID, s.OrgID).Scan(&years, &county); err != nil {
		return StudentChange{}, mapError(err, "Major")
	}
	q, err := xiangpei.StudentChangeRequest{Action: xiangpei.StudentGraduate, Reason: reason, EffectiveOn: day}.Validate()
	if err != nil {
		return StudentChange{}, err
	}
	if !xiangpei.StudyComplete(entryYear, years, day) {
		return StudentChange{}, xiangpei.Errorf(xiangpei.Invalid, "student_change.too_early",
			"This cohort has not completed its length of study on that day: a %d-year major entered in %d graduates from June %d.", years, entryYear, entryYear+years)
	}
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM students WHERE school_id = $1 AND major_id = $2 AND entry_year = $3
		AND status IN ('enrolled','resumed')`, s.OrgID, majorID, entryYear).Scan(&n); err != nil {
		return StudentChange{}, err
	}
	if n == 0 {
		return StudentChange{}, xiangpei.Errorf(xiangpei.Invalid, "student_change.nobody_to_graduate", "No student of this cohort is studying: nobody to graduate.")
	}
	id := xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO student_changes (id, school_id, county, action, major_id, entry_year, reason, effective_on, status,
		requested_by, requested_at, affected) VALUES ($1, $2, $3, 'graduate', $4, $5, $6, $7, 'pending', $8, $9, $10)`,
		id, s.OrgID, county, majorID, entryYear, q.Reason, xiangpei.ChinaDate(day), tx.Actor.AccountID, tx.Now.Truncate(time.Microsecond), n); err != nil {
		if xiangpei.IsKind(mapError(err, "Student change"), xiangpei.Conflict) {
			return StudentChange{}, errChangePending()
		}
		return StudentChange{}, err
	}
	if err := tx.Audit("student_change.request", "student_change", id, county, map[string]any{"action": "graduate", "major": majorID,
		"entry_year": entryYear, "students": n}); err != nil {
		return StudentChange{}, err
	}
	return studentChangeByID(tx.ctx, tx.tx, s, id)
}

// DecideStudentChange approves or rejects (with a reason) a pending request read at version.
// Only a city officer (xiangpei.ApprovesStudentChanges, the transaction's actor) decides.
func (tx *Tx) DecideStudentChange(s xiangpei.Scope, id int64, version int, approve bool, reason string) (StudentChange, error) {
	c, err := studentChangeByID(tx.ctx, tx.tx, s, id)
	if err != nil {
		return c, err
	}
	reason = strings.TrimSpace(reason)
	if !approve && reason == "" {
		return c, xiangpei.Errorf(xiangpei.Invalid, "student_change.reject_reason", "Give the reason for rejecting the request.")
	}
	if !xiangpei.ApprovesStudentChanges(tx.Actor) {
		return c, xiangpei.Errorf(xiangpei.Forbidden, "student_change.city_only", "Student status changes are decided by the city's officer with the class review duty.")
	}
	if c.Status != xiangpei.StudentChangePending {
		return c, xiangpei.Errorf(xiangpei.Conflict, "student_change.decided", "This request has already been decided.")
	}
	to := xiangpei.StudentChangeRejected
	if approve {
		to = xiangpei.StudentChangeApproved
	}
	now := tx.Now.Truncate(time.Microsecond)
	// Take the request first: of two officers deciding at once, the second finds it decided.
	if err := tx.execVersioned("Student change", `SELECT 1 FROM student_changes WHERE id = $1`, id,
		`UPDATE student_changes SET status = $3, decided_by = $4, decided_at = $5, decision_reason = $6, version = version + 1
		WHERE id = $1 AND version = $2 AND status = 'pending'`, id, version, string(to), tx.Actor.AccountID, now, reason); err != nil {
		return c, err
	}
	if approve {
		var err error
		switch c.Action {
		case xiangpei.StudentGraduate:
			err = tx.graduateCohort(c)
		default:
			err = tx.moveStudent(c)
		}
		if err != nil {
			return c, err
		}
	}
	if err := tx.Audit("student_change.decide", "student_change", id, c.County, map[string]any{"status": to, "reason": reason}); err != nil {
		return c, err
	}
	if c.StudentID != 0 {
		var personID int64
		if err := tx.tx.QueryRowContext(tx.ctx, `SELECT person_id FROM students WHERE id = $1`, c.StudentID).Scan(&personID); err != nil {
			return c, err
		}
		if _, err := tx.NotifyPerson(personID, "学籍异动（"+c.SchoolName+"）："+studentActionZH[c.Action]+"申请"+
			map[bool]string{true: "已批准", false: "未批准：" + reason}[approve]); err != nil {
			return c, err
		}
	}
	return studentChangeByID(tx.ctx, tx.tx, xiangpei.Scope{All: true}, id)
}

var studentActionZH = map[xiangpei.StudentAction]string{xiangpei.StudentSuspend: "休学", xiangpei.StudentResume: "复学",
	xiangpei.StudentTransfer: "转学", xiangpei.StudentWithdraw: "退学", xiangpei.StudentGraduate: "毕业"}

func errRecordChanged() error {
	return xiangpei.Errorf(xiangpei.Conflict, "student_change.record_changed",
		"The student's record changed after this request was made: reject it, and the school requests again if still needed.")
}

// moveStudent applies an approved change of one record, only if the record is as it was when
// the school asked.
func (tx *Tx) moveStudent(c StudentChange) error {
	next, err := c.FromStatus.Next(c.Action)
	if err != nil {
		return err
	}
	left := ""
	if next.Final() {
		left = xiangpei.ChinaDate(c.EffectiveOn)
	}
	res, err := tx.exec(`UPDATE students SET status = $3, left_on = $4, updated_at = $5, version = version + 1
		WHERE id = $1 AND version = $2 AND status = $6`, c.StudentID, c.StudentVersion, string(next), left, tx.Now.Truncate(time.Microsecond), string(c.FromStatus))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return errRecordChanged()
	}
	if c.Action != xiangpei.StudentTransfer {
		return nil
	}
	var personID int64
	var entryYear int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT person_id, entry_year FROM students WHERE id = $1`, c.StudentID).Scan(&personID, &entryYear); err != nil {
		return err
	}
	ns, err := tx.EnrolStudent(StudentInput{PersonID: personID, SchoolID: c.ToSchoolID, MajorID: c.ToMajorID, EntryYear: entryYear,
		EnrolledOn: c.EffectiveOn, TransferredFrom: c.StudentID})
	if err != nil {
		return err
	}
	_, err = tx.exec(`UPDATE student_changes SET new_student_id = $2, affected = 1 WHERE id = $1`, c.ID, ns.ID)
	return err
}

// graduateCohort graduates every studying student of the cohort and gives each a diploma.
func (tx *Tx) graduateCohort(c StudentChange) error {
	var years int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT years FROM majors WHERE id = $1`, c.MajorID).Scan(&years); err != nil {
		return err
	}
	if !xiangpei.StudyComplete(c.EntryYear, years, c.EffectiveOn) {
		return xiangpei.Errorf(xiangpei.Invalid, "student_change.too_early",
			"This cohort has not completed its length of study on that day: a %d-year major entered in %d graduates from June %d.", years, c.EntryYear, c.EntryYear+years)
	}
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT id, number, person_id FROM students WHERE school_id = $1 AND major_id = $2
		AND entry_year = $3 AND status IN ('enrolled','resumed') ORDER BY number`, c.SchoolID, c.MajorID, c.EntryYear)
	if err != nil {
		return err
	}
	type grad struct {
		id, person int64
		number     string
	}
	list, err := collect(rows, func(r scanner) (grad, error) {
		var g grad
		err := r.Scan(&g.id, &g.number, &g.person)
		return g, err
	})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return xiangpei.Errorf(xiangpei.Conflict, "student_change.nobody_to_graduate", "No student of this cohort is studying: nobody to graduate.")
	}
	day, now := xiangpei.ChinaDate(c.EffectiveOn), tx.Now.Truncate(time.Microsecond)
	for _, g := range list {
		if _, err := tx.exec(`UPDATE students SET status = 'graduated', left_on = $2, updated_at = $3, version = version + 1 WHERE id = $1`,
			g.id, day, now); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO diplomas (id, number, student_id, person_id, school_id, major_id, graduated_on, change_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, xiangpei.NewID(), xiangpei.DiplomaNumber(c.EffectiveOn, g.number), g.id, g.person,
			c.SchoolID, c.MajorID, day, c.ID, now); err != nil {
			return mapError(err, "Diploma")
		}
		if _, err := tx.NotifyPerson(g.person, "毕业（"+c.SchoolName+" "+c.MajorName+"）：学籍已毕业，毕业证书编号 "+xiangpei.DiplomaNumber(c.EffectiveOn, g.number)); err != nil {
			return err
		}
	}
	_, err = tx.exec(`UPDATE student_changes SET affected = $2 WHERE id = $1`, c.ID, len(list))
	return err
}

// Diploma is a graduate's diploma record, with the dual certificate (双证书) when the person holds
// a valid skill certificate for the major's occupation.
type Diploma struct {
	ID          int64
	Number      string
	StudentID   int64
	PersonID    int64
	SchoolID    int64
	MajorID     int64
	GraduatedOn time.Time
	SchoolName  string
	MajorName   string
	Occupation  string
	PersonName  string
	CertID      int64 // the matching skill certificate, 0 when none
	CertNumber  string
}

// DualCertificate reports whether the graduate also holds the skill certificate of the major's
// occupation.
func (d Diploma) DualCertificate() bool { return d.CertID != 0 }

// diplomaSelect reads diplomas with the dual certificate: the graduate's first valid skill
// certificate of the major's occupation, joined in (its id and number), if any.
const diplomaSelect = `SELECT d.id, d.number, d.student_id, d.person_id, d.school_id, d.major_id, d.graduated_on, o.name, m.name,
	m.occupation, p.name, COALESCE(cert.id, 0), COALESCE(cert.number, '')
	FROM diplomas d JOIN organisations o ON o.id = d.school_id JOIN majors m ON m.id = d.major_id JOIN persons p ON p.id = d.person_id
	JOIN students s ON s.id = d.student_id
	LEFT JOIN certificates cert ON cert.id = (SELECT MIN(c.id) FROM certificates c WHERE c.person_id = d.person_id
		AND c.occupation_code = m.occupation AND c.status = 'valid' AND c.kind = 'skill')
	WHERE` + studentScope

func scanDiploma(r scanner) (Diploma, error) {
	var d Diploma
	var on string
	err := r.Scan(&d.ID, &d.Number, &d.StudentID, &d.PersonID, &d.SchoolID, &d.MajorID, &on, &d.SchoolName, &d.MajorName, &d.Occupation,
		&d.PersonName, &d.CertID, &d.CertNumber)
	d.GraduatedOn = parseDay(on)
	return d, err
}

// Diplomas lists the diplomas within scope (of one record when studentID is not 0), with the
// matching certificate's number.
func (db *DB) Diplomas(ctx context.Context, s xiangpei.Scope, studentID int64) ([]Diploma, error) {
	a := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, diplomaSelect+` AND (CAST($5 AS BIGINT) = 0 OR d.student_id = $5) ORDER BY d.graduated_on DESC, d.number`,
		a.all, a.region, a.org, a.person, studentID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDiploma)
}

// DiplomaOf reads, inside the transaction, the id of the diploma of a graduated record.
func (tx *Tx) DiplomaOf(studentID int64) (int64, error) {
	var id int64
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT id FROM diplomas WHERE student_id = $1`, studentID).Scan(&id)
	return id, mapError(err, "Diploma")
}

// TransferLink is the part of the other school's record a transfer shows: where a record went
// to, or where it came from — the school, the major and the day, nothing else of the other school.
type TransferLink struct {
	SchoolName string
	MajorName  string
	On         time.Time
}

// TransferLinks reads, for a record within scope, the school it was transferred to (out) and
// the school it came from (in); either is empty when there was no such transfer.
func (db *DB) TransferLinks(ctx context.Context, s xiangpei.Scope, studentID int64) (out, in TransferLink, err error) {
	st, err := db.Student(ctx, s, studentID)
	if err != nil {
		return out, in, err
	}
	var on string
	err = db.read.QueryRowContext(ctx, `SELECT t.name, tm.name, c.effective_on FROM student_changes c JOIN organisations t ON t.id = c.to_school_id
		JOIN majors tm ON tm.id = c.to_major_id WHERE c.student_id = $1 AND c.action = 'transfer' AND c.status = 'approved'`, st.ID).
		Scan(&out.SchoolName, &out.MajorName, &on)
	if err != nil && err != sql.ErrNoRows {
		return out, in, err
	}
	out.On = parseDay(on)
	if st.TransferredFrom != 0 {
		err = db.read.QueryRowContext(ctx, `SELECT o.name, m.name, s.left_on FROM students s JOIN organisations o ON o.id = s.school_id
			JOIN majors m ON m.id = s.major_id WHERE s.id = $1`, st.TransferredFrom).Scan(&in.SchoolName, &in.MajorName, &on)
		if err != nil {
			return out, in, err
		}
		in.On = parseDay(on)
	}
	return out, in, nil
}

// RegistrationCount is the number of students registered (注册) in one school year at a school,
// in one major and grade.
type RegistrationCount struct {
	SchoolID   int64
	SchoolName string
	MajorID    int64
	MajorCode  string
	MajorName  string
	Grade      int
	Students   int
}

// RegistrationCounts counts, in one aggregate, the records within scope registered in the
// school year starting in schoolYear: enrolled on or before its registration day
// (xiangpei.RegistrationDay), not left by then, and within the major's length of study; by
// school, major and grade.
func (db *DB) RegistrationCounts(ctx context.Context, s xiangpei.Scope, schoolYear int) ([]RegistrationCount, error) {
	a := scopeOf(s)
	day := xiangpei.ChinaDate(xiangpei.RegistrationDay(schoolYear))
	rows, err := db.read.QueryContext(ctx, `SELECT s.school_id, o.name, s.major_id, m.code, m.name, CAST($5 AS INTEGER) - s.entry_year + 1, COUNT(*)
		FROM students s JOIN organisations o ON o.id = s.school_id JOIN majors m ON m.id = s.major_id
		WHERE`+studentScope+` AND s.entry_year <= CAST($5 AS INTEGER) AND CAST($5 AS INTEGER) - s.entry_year < m.years
		AND s.enrolled_on <= $6 AND (s.left_on = '' OR s.left_on > $6)
		GROUP BY s.school_id, o.name, s.major_id, m.code, m.name, s.entry_year
		ORDER BY o.name, m.code, s.entry_year DESC`, a.all, a.region, a.org, a.person, schoolYear, day)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (RegistrationCount, error) {
		var c RegistrationCount
		err := r.Scan(&c.SchoolID, &c.SchoolName, &c.MajorID, &c.MajorCode, &c.MajorName, &c.Grade, &c.Students)
		return c, err
	})
}

// SchoolOption is a school another can transfer a student to, with its offered majors.
type SchoolOption struct {
	ID     int64
	Name   string
	Majors []xiangpei.Major
}

// TransferTargets lists the other schools and their offered majors, by name.
func (db *DB) TransferTargets(ctx context.Context, exceptSchool int64) ([]SchoolOption, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, name FROM organisations WHERE kind = 'school' AND id <> $1 ORDER BY name`, exceptSchool)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, func(r scanner) (SchoolOption, error) {
		var o SchoolOption
		err := r.Scan(&o.ID, &o.Name)
		return o, err
	})
	if err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].Majors, err = db.Majors(ctx, list[i].ID, true); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// CohortStudents reads, inside the transaction, the records of a school's cohort — the major
// with code majorCode, entry year entryYear — by number (for imports and the demo).
func (tx *Tx) CohortStudents(schoolID int64, majorCode string, entryYear int) ([]StudentRow, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+studentCols+studentFrom+` WHERE s.school_id = $1 AND m.code = $2 AND s.entry_year = $3
		ORDER BY s.number`, schoolID, majorCode, entryYear)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanStudent)
}

// MajorByCode reads a school's major by its code inside the transaction.
func (tx *Tx) MajorByCode(schoolID int64, code string) (int64, error) {
	var id int64
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT id FROM majors WHERE school_id = $1 AND code = $2`, schoolID, code).Scan(&id)
	return id, mapError(err, "Major")
}
