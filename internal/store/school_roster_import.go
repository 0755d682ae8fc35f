package store

import (
	"strings"
	"time"

	"xiangpei"
)

// 教 — importing a school's registry roster (学籍名册: 身份证号, 姓名, 专业代码, 入学年份, 入学日期,
// and an optional 手机号) in two steps (docs/schools.md, "Demo, roster import"): the dry run
// names every bad row with its line and reason and writes nothing; the commit enrols every row
// or none, in one transaction, and the same file (by SHA-256) is imported once per school.
// A row's ID number names a registered person whose name must match, or a person not yet
// registered, who is created from the row (birth date and sex from the ID number, the school's
// county until they register themselves) — as the history import does.

// UploadSchoolRoster is the purpose of a registry roster kept between its dry run and commit.
const UploadSchoolRoster = "school_roster"

// MaxSchoolRosterLines is the most data rows a registry roster may have.
const MaxSchoolRosterLines = 5000

// SchoolRosterLine is one data row of a registry roster, with its line in the file.
type SchoolRosterLine struct {
	Line       int
	IDNumber   string
	Name       string
	MajorCode  string
	EntryYear  string
	EnrolledOn string
	Phone      string // optional: used only for a person not yet registered
	Lossy      bool   // the ID number was stored as a number and lost its last digits
}

// SchoolRosterLineCheck is what the check found for one line.
type SchoolRosterLineCheck struct {
	SchoolRosterLine
	ID        xiangpei.IDNumber
	PersonID  int64 // 0: a person the commit registers
	MajorID   int64
	MajorName string
	Year      int
	On        time.Time
	Reasons   []*xiangpei.Error
}

// New reports whether the line's person is not registered yet.
func (l SchoolRosterLineCheck) New() bool { return l.PersonID == 0 }

// SchoolRosterCheck is the check of a whole registry roster.
type SchoolRosterCheck struct {
	SchoolID   int64
	SHA256     string
	Lines      []SchoolRosterLineCheck
	Good       int
	Refused    int
	NewPersons int // good lines whose person the commit registers
}

func errSameSchoolRoster() error {
	return xiangpei.Errorf(xiangpei.Conflict, "school_roster.same_file", "This very file has already been imported for the school; nothing was imported again.")
}

// CheckSchoolRoster checks every line of a registry roster for the school of the scope without
// changing anything: the file not imported before, the ID number (and whether a spreadsheet
// cut its digits), the name (and that it is the registered one of that number), the major
// among the school's majors taking students, the entry year and day, the person not already
// studying at a school, and the same person twice in the file.
func (tx *Tx) CheckSchoolRoster(s xiangpei.Scope, sha string, lines []SchoolRosterLine) (SchoolRosterCheck, error) {
	if err := schoolOnly(s); err != nil {
		return SchoolRosterCheck{}, err
	}
	if err := tx.require(xiangpei.Errorf(xiangpei.Forbidden, "school.staff_only", "Only a school's staff can do this."),
		`SELECT 1 FROM organisations WHERE id = $1 AND kind = 'school'`, s.OrgID); err != nil {
		return SchoolRosterCheck{}, err
	}
	if len(lines) == 0 {
		return SchoolRosterCheck{}, xiangpei.Errorf(xiangpei.Invalid, "school_roster.empty", "The file has a header row but no students below it.")
	}
	if len(lines) > MaxSchoolRosterLines {
		return SchoolRosterCheck{}, xiangpei.Errorf(xiangpei.TooLarge, "sheet.too_many_rows", "The file has more than %v rows. Split it into smaller files.", MaxSchoolRosterLines)
	}
	if err := tx.refuse(errSameSchoolRoster(), `SELECT 1 FROM school_roster_imports WHERE school_id = $1 AND sha256 = $2`, s.OrgID, sha); err != nil {
		return SchoolRosterCheck{}, err
	}
	majors := map[string]xiangpei.Major{}
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+majorCols+` FROM majors WHERE school_id = $1`, s.OrgID)
	if err != nil {
		return SchoolRosterCheck{}, err
	}
	ms, err := collect(rows, scanMajor)
	if err != nil {
		return SchoolRosterCheck{}, err
	}
	for _, m := range ms {
		majors[strings.ToUpper(m.Code)] = m
	}
	ids := make([]string, 0, len(lines))
	for _, l := range lines {
		ids = append(ids, strings.ToUpper(strings.TrimSpace(l.IDNumber)))
	}
	type reg struct {
		id       int64
		name     string
		studying bool
	}
	persons := map[string]reg{}
	if err := eachChunk(tx.ctx, tx.tx, `SELECT p.id, p.id_number, p.name, EXISTS (SELECT 1 FROM students s WHERE s.person_id = p.id
		AND s.status IN ('enrolled','suspended','resumed')) FROM persons p WHERE p.id_number IN (`+inList1+`)`, distinct(ids), "", nil,
		func(r scanner) error {
			var p reg
			var num string
			if err := r.Scan(&p.id, &num, &p.name, &p.studying); err != nil {
				return err
			}
			persons[num] = p
			return nil
		}); err != nil {
		return SchoolRosterCheck{}, err
	}
	rc := SchoolRosterCheck{SchoolID: s.OrgID, SHA256: sha}
	seen := map[xiangpei.IDNumber]int{}
	for _, line := range lines {
		lc := SchoolRosterLineCheck{SchoolRosterLine: line}
		bad := func(key, format string, args ...any) {
			lc.Reasons = append(lc.Reasons, xiangpei.Errorf(xiangpei.Invalid, key, format, args...))
		}
		name, nameOK := xiangpei.PersonName(line.Name)
		id, idErr := xiangpei.ParseIDNumber(strings.ToUpper(strings.TrimSpace(line.IDNumber)), tx.Now)
		p, known := persons[string(id)]
		switch {
		case line.Lossy:
			bad("roster.id_lossy", "The ID number was stored as a number and lost its last digits. Format the ID number column as text, type the numbers again and save.")
		case idErr != nil:
			bad("school_roster.bad_id", "The ID number is not valid (wrong length, date or check digit).")
		default:
			lc.ID = id
			if first, dup := seen[id]; dup {
				bad("school_roster.duplicate", "The same person is already on line %v of the file.", first)
			} else {
				seen[id] = line.Line
			}
			if known {
				lc.PersonID = p.id
				if nameOK && name != p.name {
					// The registered name is not shown: a school reads only its own students.
					bad("school_roster.name_mismatch", "The name differs from the name registered with this ID number. Check both against the ID card.")
				}
				if p.studying {
					bad("school_roster.studying", "This person already has a live student record at a school: ask for a transfer instead.")
				}
			}
		}
		if !nameOK {
			bad("school_roster.name", "Give the full name as written on the ID card: 2 to 30 Chinese characters or letters.")
		}
		lc.Name = name
		if m, ok := majors[strings.ToUpper(strings.TrimSpace(line.MajorCode))]; !ok {
			bad("school_roster.major_unknown", "The school has no major with the code %q.", strings.TrimSpace(line.MajorCode))
		} else if !m.Active {
			bad("school_roster.major_closed", "The major %v %v takes no new students.", m.Code, m.Name)
		} else {
			lc.MajorID, lc.MajorName = m.ID, m.Name
		}
		year, yearOK := xiangpei.ParseEntryYear(line.EntryYear)
		on, onOK := xiangpei.ParseEnrolDate(line.EnrolledOn)
		switch {
		case !yearOK:
			bad("school_roster.year", "The entry year %q is not a year like 2025.", strings.TrimSpace(line.EntryYear))
		case !onOK:
			bad("school_roster.date", "The day of enrolment %q is not a date like 2025-09-01.", strings.TrimSpace(line.EnrolledOn))
		default:
			if err := xiangpei.CheckEnrolment(year, on, tx.Now); err != nil {
				lc.Reasons = append(lc.Reasons, err.(*xiangpei.Error))
			}
			lc.Year, lc.On = year, on
		}
		if ph := strings.TrimSpace(line.Phone); ph != "" {
			if phone, err := xiangpei.ParseMobile(ph); err != nil {
				bad("school_roster.phone", "The mobile number %q is not valid.", ph)
			} else {
				lc.Phone = phone
			}
		}
		if len(lc.Reasons) == 0 {
			rc.Good++
			if lc.New() {
				rc.NewPersons++
			}
		} else {
			rc.Refused++
		}
		rc.Lines = append(rc.Lines, lc)
	}
	return rc, nil
}

// RecordSchoolRosterCheck audits the dry run of an upload.
func (tx *Tx) RecordSchoolRosterCheck(u Upload, rc SchoolRosterCheck) error {
	return tx.Audit("school_roster.check", "upload", u.ID, "", map[string]any{"school": rc.SchoolID, "name": u.Name, "sha256": u.SHA256,
		"good": rc.Good, "refused": rc.Refused, "new_persons": rc.NewPersons})
}

// SchoolRosterImported is what a committed registry roster wrote.
type SchoolRosterImported struct {
	ImportID   int64
	Enrolled   int
	NewPersons int
	Students   []xiangpei.Student
}

// CommitSchoolRoster enrols every line of an upload's registry roster in one transaction, or
// nothing: the lines are checked again and a file with any bad row is refused whole. The same
// file is imported once per school (by SHA-256, also against a race of two commits), and an
// upload commits once.
func (tx *Tx) CommitSchoolRoster(s xiangpei.Scope, uploadID int64, lines []SchoolRosterLine) (SchoolRosterImported, error) {
	var res SchoolRosterImported
	u, err := tx.takeUpload(uploadID, UploadSchoolRoster, 0)
	if err != nil {
		return res, err
	}
	rc, err := tx.CheckSchoolRoster(s, u.SHA256, lines)
	if err != nil {
		return res, err
	}
	if rc.Refused > 0 {
		return res, xiangpei.Errorf(xiangpei.Invalid, "school_roster.has_bad_rows", "%v rows of the file are wrong, so nothing was imported: correct them and check the file again.", rc.Refused)
	}
	var county string
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT county FROM organisations WHERE id = $1`, s.OrgID).Scan(&county); err != nil {
		return res, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	res.ImportID = xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO school_roster_imports (id, school_id, sha256, name, line_count, new_persons, account_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, res.ImportID, s.OrgID, u.SHA256, u.Name, len(rc.Lines), rc.NewPersons,
		tx.Actor.AccountID, now); err != nil {
		if err = mapError(err, "Import"); xiangpei.IsKind(err, xiangpei.Conflict) {
			return SchoolRosterImported{}, errSameSchoolRoster()
		}
		return SchoolRosterImported{}, err
	}
	for _, l := range rc.Lines {
		pid := l.PersonID
		if pid == 0 {
			if pid, err = tx.rosterPerson(l, county, now); err != nil {
				return SchoolRosterImported{}, err
			}
			res.NewPersons++
		}
		st, err := tx.EnrolStudent(StudentInput{PersonID: pid, SchoolID: s.OrgID, MajorID: l.MajorID, EntryYear: l.Year, EnrolledOn: l.On})
		if err != nil {
			return SchoolRosterImported{}, err
		}
		res.Students = append(res.Students, st)
		res.Enrolled++
	}
	if err := tx.Audit("school_roster.import", "school_roster_import", res.ImportID, county, map[string]any{"upload": uploadID,
		"school": s.OrgID, "sha256": u.SHA256, "enrolled": res.Enrolled, "new_persons": res.NewPersons}); err != nil {
		return SchoolRosterImported{}, err
	}
	return res, nil
}

// rosterPerson registers the person of a roster line not registered yet: birth date and sex
// from the ID number, the phone if the file gives one, and the school's county until the
// person registers and corrects it. A concurrent registration of the number is a Conflict.
func (tx *Tx) rosterPerson(l SchoolRosterLineCheck, county string, now time.Time) (int64, error) {
	id := xiangpei.NewID()
	if _, err := tx.exec(`INSERT INTO persons (id, id_number, name, sex, birth_date, phone, household, county, employment,
		created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9, $9, 1)`,
		id, string(l.ID), l.Name, string(l.ID.Sex()), l.ID.Birth().Format(time.DateOnly), l.Phone, county,
		xiangpei.EmploymentUnknown, now); err != nil {
		if xiangpei.IsKind(mapError(err, "Person"), xiangpei.Conflict) {
			return 0, errDuplicateID()
		}
		return 0, err
	}
	return id, tx.Audit("person.create", "person", id, county, map[string]any{"source": "school_roster", "name": l.Name})
}
