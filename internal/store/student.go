package store

import (
	"context"
	"strconv"
	"time"

	"xiangpei"
)

// 教 — the student registry's core (migration 00030, docs/schools.md): a student record is made
// by EnrolStudent — when an admitted applicant confirms, when a transfer is approved (a new
// record at the new school), or by an import — and read within a scope: a school its own
// records, an officer those of schools in the region, a person their own.

// studentCols are the columns of a student record s with its school o, major m and person p.
const studentCols = `s.id, s.number, s.person_id, s.school_id, s.major_id, s.entry_year, s.status, s.enrolled_on, s.left_on,
	COALESCE(s.admission_id, 0), COALESCE(s.transferred_from, 0), s.version, o.name, m.code, m.name, p.name, p.id_number`

const studentFrom = ` FROM students s JOIN organisations o ON o.id = s.school_id JOIN majors m ON m.id = s.major_id
	JOIN persons p ON p.id = s.person_id`

// studentScope restricts student records s ($1–$4 are scopeArgs): officers by the school's
// county, a school's staff to its own records, a person to their own.
const studentScope = ` ($1 OR s.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR s.school_id = $3) AND (CAST($4 AS BIGINT) = 0 OR s.person_id = $4)`

// StudentRow is a student record with the names a list shows.
type StudentRow struct {
	xiangpei.Student
	SchoolName string
	MajorCode  string
	MajorName  string
	PersonName string
	IDNumber   xiangpei.IDNumber
}

// MaskedID is the student's ID number masked.
func (r StudentRow) MaskedID() string { return r.IDNumber.Masked() }

func scanStudent(r scanner) (StudentRow, error) {
	var x StudentRow
	var st, enrolled, left, id string
	err := r.Scan(&x.ID, &x.Number, &x.PersonID, &x.SchoolID, &x.MajorID, &x.EntryYear, &st, &enrolled, &left,
		&x.AdmissionID, &x.TransferredFrom, &x.Version, &x.SchoolName, &x.MajorCode, &x.MajorName, &x.PersonName, &id)
	x.Status, x.EnrolledOn, x.LeftOn, x.IDNumber = xiangpei.StudentStatus(st), parseDay(enrolled), parseDay(left), xiangpei.IDNumber(id)
	return x, err
}

// StudentInput is what makes a student record.
type StudentInput struct {
	PersonID        int64
	SchoolID        int64
	MajorID         int64
	EntryYear       int
	EnrolledOn      time.Time
	AdmissionID     int64 // the admission confirmed; 0 for a transfer in or an import
	TransferredFrom int64 // the record at the previous school, for a transfer in
}

// EnrolStudent makes a student record: the major must be the school's and offered, the person
// must not already be studying at a school (one live record per person), and the student
// number takes the next serial of the school's county and the entry year (a counter row locked
// by its UPDATE until the transaction ends, so two enrolments never share a number). The caller
// checks who may enrol; the change is audited.
func (tx *Tx) EnrolStudent(in StudentInput) (xiangpei.Student, error) {
	var county string
	var active bool
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT o.county, m.active FROM majors m JOIN organisations o ON o.id = m.school_id
		WHERE m.id = $1 AND m.school_id = $2 AND o.kind = 'school'`, in.MajorID, in.SchoolID).Scan(&county, &active); err != nil {
		return xiangpei.Student{}, mapError(err, "Major")
	}
	if !active && in.TransferredFrom == 0 {
		return xiangpei.Student{}, xiangpei.Errorf(xiangpei.Conflict, "student.major_closed", "This major takes no new students.")
	}
	if in.EntryYear < 2000 || in.EntryYear > 2099 || in.EnrolledOn.IsZero() {
		return xiangpei.Student{}, xiangpei.Errorf(xiangpei.Invalid, "student.entry", "Give the entry year and the day of enrolment.")
	}
	if err := tx.refuse(xiangpei.Errorf(xiangpei.Conflict, "student.already_studying", "This person already has a live student record at a school: transfer it instead."),
		`SELECT 1 FROM students WHERE person_id = $1 AND status IN ('enrolled','suspended','resumed')`, in.PersonID); err != nil {
		return xiangpei.Student{}, err
	}
	prefix := "student:" + strconv.Itoa(in.EntryYear) + ":" + county
	serial, err := tx.nextSerial(prefix)
	if err != nil {
		return xiangpei.Student{}, err
	}
	number, err := xiangpei.StudentNumber(in.EntryYear, county, int(serial))
	if err != nil {
		return xiangpei.Student{}, xiangpei.Errorf(xiangpei.Conflict, "student.number_exhausted", "No student number is left for this county and year.")
	}
	now := tx.Now.Truncate(time.Microsecond)
	s := xiangpei.Student{ID: xiangpei.NewID(), Number: number, PersonID: in.PersonID, SchoolID: in.SchoolID, MajorID: in.MajorID,
		EntryYear: in.EntryYear, Status: xiangpei.StudentEnrolled, EnrolledOn: in.EnrolledOn, AdmissionID: in.AdmissionID,
		TransferredFrom: in.TransferredFrom, Version: 1}
	if _, err := tx.exec(`INSERT INTO students (id, number, person_id, school_id, major_id, county, entry_year, serial, status,
		enrolled_on, admission_id, transferred_from, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'enrolled', $9, $10, $11, $12, $12)`,
		s.ID, number, in.PersonID, in.SchoolID, in.MajorID, county, in.EntryYear, serial, xiangpei.ChinaDate(in.EnrolledOn),
		nullID(in.AdmissionID), nullID(in.TransferredFrom), now); err != nil {
		return s, mapError(err, "Student")
	}
	return s, tx.Audit("student.enrol", "student", s.ID, county, map[string]any{"number": number, "school": in.SchoolID,
		"major": in.MajorID, "admission": in.AdmissionID, "transferred_from": in.TransferredFrom})
}

// Student reads one student record within scope.
func (db *DB) Student(ctx context.Context, s xiangpei.Scope, id int64) (StudentRow, error) {
	return studentByID(ctx, db.read, s, id)
}

// Student reads one student record within scope inside the transaction.
func (tx *Tx) Student(s xiangpei.Scope, id int64) (StudentRow, error) {
	return studentByID(tx.ctx, tx.tx, s, id)
}

func studentByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (StudentRow, error) {
	a := scopeOf(s)
	x, err := scanStudent(q.QueryRowContext(ctx, `SELECT `+studentCols+studentFrom+` WHERE s.id = $5 AND`+studentScope,
		a.all, a.region, a.org, a.person, id))
	return x, mapError(err, "Student")
}

// StudentFilter narrows a list of student records.
type StudentFilter struct {
	Status    xiangpei.StudentStatus
	MajorID   int64
	EntryYear int
	Query     string // the start of a name or of a student number
}

// Students lists the student records within scope that pass the filter, by school, entry year
// and number, with the total.
func (db *DB) Students(ctx context.Context, s xiangpei.Scope, f StudentFilter, page Page) ([]StudentRow, int, error) {
	a := scopeOf(s)
	where := studentFrom + ` WHERE` + studentScope + ` AND ($5 = '' OR s.status = $5) AND (CAST($6 AS BIGINT) = 0 OR s.major_id = $6)
		AND (CAST($7 AS INTEGER) = 0 OR s.entry_year = $7) AND ($8 = '' OR p.name LIKE $8 || '%' OR s.number LIKE $8 || '%')`
	args := []any{a.all, a.region, a.org, a.person, string(f.Status), f.MajorID, f.EntryYear, f.Query}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+studentCols+where+` ORDER BY o.name, s.entry_year DESC, s.number LIMIT $9 OFFSET $10`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, scanStudent)
	return list, total, err
}
