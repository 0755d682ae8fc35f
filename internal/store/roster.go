package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// 培 — the roster of a class (学员名册): who is on it, added one by one, by import or by
// enrolling themselves. Every way in runs the eligibility rules (xiangpei.Eligibility) and the
// class's capacity in the transaction that writes the row, so the person is told before joining.

const traineeCols = `r.id, r.class_id, r.person_id, p.name, p.id_number, p.phone, r.source, r.status, r.subsidised,
	r.attended_minutes, r.rating, r.rating_comment, r.added_at, r.version`

func scanTrainee(r scanner) (xiangpei.Trainee, error) {
	var t xiangpei.Trainee
	var id, status string
	err := r.Scan(&t.ID, &t.ClassID, &t.PersonID, &t.Name, &id, &t.Phone, &t.Source, &status, &t.Subsidised,
		&t.AttendedMinutes, &t.Rating, &t.RatingComment, &t.AddedAt, &t.Version)
	t.IDNumber, t.Status, t.AddedAt = xiangpei.IDNumber(id), xiangpei.TraineeStatus(status), t.AddedAt.UTC()
	return t, err
}

// Trainees lists the roster of a class within scope (a person in scope sees only their own
// row), ordered by name.
func (db *DB) Trainees(ctx context.Context, s xiangpei.Scope, classID int64) ([]xiangpei.Trainee, error) {
	c, err := db.Class(ctx, s, classID)
	if err != nil {
		return nil, err
	}
	return db.TraineesOf(ctx, s, c)
}

// TraineesOf is Trainees for a class the caller has just read within the same scope, so that
// the class is not read twice.
func (db *DB) TraineesOf(ctx context.Context, s xiangpei.Scope, c xiangpei.Class) ([]xiangpei.Trainee, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+traineeCols+` FROM trainees r JOIN persons p ON p.id = r.person_id
		WHERE r.class_id = $1 AND (CAST($2 AS BIGINT) = 0 OR r.person_id = $2) ORDER BY p.name, r.id`, c.ID, s.PersonID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanTrainee)
}

// RosterRow is a roster row as the roster page shows it: the trainee with the note of its
// import row and, once withdrawn, why and when.
type RosterRow struct {
	xiangpei.Trainee
	Note           string
	WithdrawReason string
	WithdrawnAt    time.Time // zero unless withdrawn
}

const rosterCols = traineeCols + `, r.note, r.withdraw_reason, r.withdrawn_at`

func scanRosterRow(r scanner) (RosterRow, error) {
	var x RosterRow
	var id, status string
	var withdrawn sql.NullTime
	err := r.Scan(&x.ID, &x.ClassID, &x.PersonID, &x.Name, &id, &x.Phone, &x.Source, &status, &x.Subsidised,
		&x.AttendedMinutes, &x.Rating, &x.RatingComment, &x.AddedAt, &x.Version, &x.Note, &x.WithdrawReason, &withdrawn)
	x.IDNumber, x.Status, x.AddedAt = xiangpei.IDNumber(id), xiangpei.TraineeStatus(status), x.AddedAt.UTC()
	if withdrawn.Valid {
		x.WithdrawnAt = withdrawn.Time.UTC()
	}
	return x, err
}

// Roster reads a class within scope and its roster (a person sees only their own row),
// enrolled trainees first, then by name. A roster holds at most the class's capacity of
// enrolled rows (60 by default) plus those who withdrew, so it is read whole.
func (db *DB) Roster(ctx context.Context, s xiangpei.Scope, classID int64) (xiangpei.Class, []RosterRow, error) {
	c, err := db.Class(ctx, s, classID)
	if err != nil {
		return c, nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+rosterCols+` FROM trainees r JOIN persons p ON p.id = r.person_id
		WHERE r.class_id = $1 AND (CAST($2 AS BIGINT) = 0 OR r.person_id = $2)
		ORDER BY CASE WHEN r.status = 'withdrawn' THEN 1 ELSE 0 END, p.name, r.id`, classID, s.PersonID)
	if err != nil {
		return c, nil, err
	}
	list, err := collect(rows, scanRosterRow)
	return c, list, err
}

// rosterRow reads one row of a class's roster.
func (tx *Tx) rosterRow(classID, traineeID int64) (RosterRow, error) {
	x, err := scanRosterRow(tx.tx.QueryRowContext(tx.ctx, `SELECT `+rosterCols+` FROM trainees r JOIN persons p ON p.id = r.person_id
		WHERE r.id = $1 AND r.class_id = $2`, traineeID, classID))
	return x, mapError(err, "Trainee")
}

// insertTrainee writes a roster row for a person already found eligible, and counts it on the
// class.
func (tx *Tx) insertTrainee(c xiangpei.Class, personID int64, source string) (xiangpei.Trainee, error) {
	return tx.enrol(c, personID, source, "")
}

// enrol writes a roster row for a person already found eligible and counts it on the class. The
// class's capacity is enforced in the statement that counts, so that two enrolments at the same
// moment cannot both take the last seat. A person who withdrew from the class comes back on
// their old row.
func (tx *Tx) enrol(c xiangpei.Class, personID int64, source, note string) (xiangpei.Trainee, error) {
	now := tx.Now.Truncate(time.Microsecond)
	var oldID int64
	var oldStatus string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT id, status FROM trainees WHERE class_id = $1 AND person_id = $2`, c.ID, personID).
		Scan(&oldID, &oldStatus)
	switch {
	case err == nil && oldStatus != string(xiangpei.TraineeWithdrawn):
		return xiangpei.Trainee{}, errOnRoster()
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return xiangpei.Trainee{}, err
	}
	r, err := tx.exec(`UPDATE classes SET enrolled = enrolled + 1 WHERE id = $1 AND enrolled < capacity`, c.ID)
	if err != nil {
		return xiangpei.Trainee{}, err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return xiangpei.Trainee{}, xiangpei.Errorf(xiangpei.Conflict, "roster.full", "The class is full: all %v places are taken.", c.Capacity)
	}
	t := xiangpei.Trainee{ID: xiangpei.NewID(), ClassID: c.ID, PersonID: personID, Source: source,
		Status: xiangpei.TraineeEnrolled, Subsidised: c.Subsidised(), AddedAt: now, Version: 1}
	year := c.FirstSession.In(xiangpei.ChinaTime).Year()
	if oldID != 0 {
		t.ID = oldID
		if err := tx.tx.QueryRowContext(tx.ctx, `UPDATE trainees SET status = 'enrolled', source = $2, subsidised = $3,
			occupation_code = $4, level = $5, year = $6, note = $7, withdraw_reason = '', withdrawn_at = NULL, added_by = $8,
			added_at = $9, updated_at = $9, version = version + 1 WHERE id = $1 AND status = 'withdrawn' RETURNING version`,
			oldID, source, t.Subsidised, c.OccupationCode, c.Level, year, note, tx.Actor.AccountID, now).Scan(&t.Version); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return t, errOnRoster() // enrolled again by someone else a moment ago
			}
			return t, err
		}
		return t, nil
	}
	if _, err := tx.exec(`INSERT INTO trainees (id, class_id, person_id, source, status, subsidised, occupation_code, level,
		year, note, added_by, added_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		t.ID, c.ID, personID, source, string(t.Status), t.Subsidised, c.OccupationCode, c.Level,
		year, note, tx.Actor.AccountID, now, now, int64(1)); err != nil {
		if xiangpei.IsKind(mapError(err, "Trainee"), xiangpei.Conflict) {
			return t, errOnRoster()
		}
		return t, err
	}
	return t, nil
}

func errOnRoster() error {
	return xiangpei.Errorf(xiangpei.Conflict, "roster.duplicate", "This person is already on the roster.")
}

// lockPerson takes the person's row for the rest of the transaction (a no-op update: a row
// lock on PostgreSQL; SQLite has one writer anyway), so that two enrolments of one person at
// the same moment are judged one after the other and cannot both pass the yearly cap or the
// overlap rule.
func (tx *Tx) lockPerson(personID int64) error {
	_, err := tx.exec(`UPDATE persons SET version = version WHERE id = $1`, personID)
	return err
}

// refuse turns reasons into the error of a refused enrolment (nil when there are none).
func refuse(reasons []*xiangpei.Error) error {
	if len(reasons) == 0 {
		return nil
	}
	return xiangpei.Ineligible(reasons)
}

// admit puts a registered person on the roster of c after the eligibility rules: the person's
// row is locked first, so the history the rules read cannot change before the row is written.
func (tx *Tx) admit(c xiangpei.Class, a xiangpei.Applicant, source, note string) (xiangpei.Trainee, error) {
	if err := tx.lockPerson(a.Person.ID); err != nil {
		return xiangpei.Trainee{}, err
	}
	reasons, err := eligibility(tx.ctx, tx.tx, tx.db.Rules(), tx.Now, a, c)
	if err != nil {
		return xiangpei.Trainee{}, err
	}
	if err := refuse(reasons); err != nil {
		return xiangpei.Trainee{}, err
	}
	t, err := tx.enrol(c, a.Person.ID, source, note)
	if err != nil {
		return t, err
	}
	if err := tx.Audit("roster.add", "class", c.ID, c.County, map[string]any{"trainee": t.ID, "person": a.Person.ID,
		"id_number": a.Person.MaskedID(), "source": source}); err != nil {
		return t, err
	}
	return t, nil
}

// AddTrainee puts a registered person on the roster of a class within scope. The class must
// still take trainees (xiangpei.Class.CheckOpen); the person must pass every eligibility rule,
// or the error is a xiangpei.Ineligible with every reason.
func (tx *Tx) AddTrainee(s xiangpei.Scope, classID, personID int64, source string) (xiangpei.Trainee, error) {
	c, err := tx.Class(s, classID)
	if err != nil {
		return xiangpei.Trainee{}, err
	}
	return tx.admitPerson(c, personID, source)
}

// admitPerson puts a registered person on the roster of a class read within the caller's
// reach, if the class still takes trainees and the person passes every eligibility rule.
func (tx *Tx) admitPerson(c xiangpei.Class, personID int64, source string) (xiangpei.Trainee, error) {
	if err := c.CheckOpen(tx.Now, tx.db.Rules()); err != nil {
		return xiangpei.Trainee{}, err
	}
	p, err := personByID(tx.ctx, tx.tx, personID)
	if err != nil {
		return xiangpei.Trainee{}, err
	}
	a, err := registeredApplicant(tx.ctx, tx.tx, p)
	if err != nil {
		return xiangpei.Trainee{}, err
	}
	return tx.admit(c, a, source, "")
}

// AddTraineeByID puts a person on the roster of a class within scope by their ID number and
// name as typed. The name must be the registry's; a person the registry does not know yet is
// registered first (with the mobile number given), in the county of their ID number when the
// reference data knows it as a county, else in the class's county.
func (tx *Tx) AddTraineeByID(s xiangpei.Scope, classID int64, in TraineeInput, source string) (RosterRow, error) {
	c, err := tx.Class(s, classID)
	if err != nil {
		return RosterRow{}, err
	}
	if err := c.CheckOpen(tx.Now, tx.db.Rules()); err != nil {
		return RosterRow{}, err
	}
	in.Note = cleanNote(in.Note)
	t, err := tx.addTyped(c, in, source)
	if err != nil {
		return RosterRow{}, err
	}
	return tx.rosterRow(c.ID, t.ID)
}

// addTyped checks a typed person against the rules, registers them when needed and enrols them.
func (tx *Tx) addTyped(c xiangpei.Class, in TraineeInput, source string) (xiangpei.Trainee, error) {
	a, err := applicant(tx.ctx, tx.tx, in, tx.Now)
	if err != nil {
		return xiangpei.Trainee{}, err
	}
	if a.Person != nil {
		return tx.admit(c, a, source, in.Note)
	}
	reasons, err := eligibility(tx.ctx, tx.tx, tx.db.Rules(), tx.Now, a, c)
	if err != nil {
		return xiangpei.Trainee{}, err
	}
	if len(reasons) == 0 {
		reasons = newPersonReasons(in)
	}
	if err := refuse(reasons); err != nil {
		return xiangpei.Trainee{}, err
	}
	p, err := tx.registerForRoster(c, in)
	if err != nil {
		return xiangpei.Trainee{}, err
	}
	a.Person = &p
	return tx.admit(c, a, source, in.Note)
}

// registerForRoster registers a person an institution puts on a roster. Their county is the
// one their ID number was issued in when the reference data knows it as a county (the best
// guess of where they belong until they say otherwise), else the class's county.
func (tx *Tx) registerForRoster(c xiangpei.Class, in TraineeInput) (xiangpei.Person, error) {
	id, err := xiangpei.ParseIDNumber(in.IDNumber, tx.Now)
	if err != nil {
		return xiangpei.Person{}, err
	}
	county := c.County
	var one int
	switch err := tx.tx.QueryRowContext(tx.ctx, `SELECT 1 FROM regions WHERE code = $1 AND level = 'county'`, id.County()).Scan(&one); {
	case err == nil:
		county = id.County()
	case !errors.Is(err, sql.ErrNoRows):
		return xiangpei.Person{}, err
	}
	p, err := xiangpei.PersonInput{IDNumber: string(id), Name: in.Name, Phone: in.Phone, County: county}.Validate(tx.Now, nil)
	if err != nil {
		return p, err
	}
	return tx.CreatePerson(p)
}

// cleanNote keeps a roster row's note short and printable.
func cleanNote(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200])
	}
	return s
}

// WithdrawTrainee takes a trainee off the roster of a class within scope before the class
// closes, with a reason; the row stays, marked withdrawn, and the seat is free again.
func (tx *Tx) WithdrawTrainee(s xiangpei.Scope, classID, traineeID, version int64, reason string) (RosterRow, error) {
	c, err := tx.Class(s, classID)
	if err != nil {
		return RosterRow{}, err
	}
	cur, err := tx.rosterRow(classID, traineeID)
	if err != nil {
		return RosterRow{}, err
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 2 || n > 500 {
		return RosterRow{}, xiangpei.Errorf(xiangpei.Invalid, "roster.withdraw_reason", "Say why the trainee leaves the class (2 to 500 characters).")
	}
	switch c.Status {
	case xiangpei.ClassDraft, xiangpei.ClassFiled, xiangpei.ClassReturned, xiangpei.ClassApproved, xiangpei.ClassInProgress:
	default:
		return RosterRow{}, xiangpei.Errorf(xiangpei.Conflict, "roster.withdraw_closed", "The class is closed or cancelled: its roster can no longer change.")
	}
	if cur.Status != xiangpei.TraineeEnrolled {
		return RosterRow{}, xiangpei.Errorf(xiangpei.Conflict, "roster.not_enrolled", "This trainee is no longer enrolled in the class.")
	}
	now := tx.Now.Truncate(time.Microsecond)
	if err := tx.execVersioned("Trainee", `SELECT 1 FROM trainees WHERE id = $1`, traineeID,
		`UPDATE trainees SET status = 'withdrawn', withdraw_reason = $3, withdrawn_at = $4, updated_at = $4, version = version + 1
		WHERE id = $1 AND class_id = $2 AND version = $5 AND status = 'enrolled'`,
		traineeID, classID, reason, now, version); err != nil {
		return RosterRow{}, err
	}
	if _, err := tx.exec(`UPDATE classes SET enrolled = enrolled - 1 WHERE id = $1 AND enrolled > 0`, classID); err != nil {
		return RosterRow{}, err
	}
	if err := tx.Audit("roster.withdraw", "class", c.ID, c.County, map[string]any{"trainee": traineeID, "person": cur.PersonID,
		"id_number": cur.IDNumber.Masked(), "reason": reason}); err != nil {
		return RosterRow{}, err
	}
	return tx.rosterRow(classID, traineeID)
}

// ---- import ----

// RosterLine is one data row of an imported roster file, with its line in the file.
type RosterLine struct {
	Line       int
	Input      TraineeInput
	Lossy      bool // the ID number was stored as a number and lost its last digits
	PhoneLossy bool // the mobile number was, too (it matters only for a person to be registered)
}

// LineCheck is what the check found for one line: why it is refused (none: it is good) and
// whether its person will be registered.
type LineCheck struct {
	RosterLine
	Reasons []*xiangpei.Error
	New     bool
}

// ImportCheck is the check of a whole roster file against a class.
type ImportCheck struct {
	Class   xiangpei.Class
	Lines   []LineCheck
	Good    int
	Refused int
}

// goodLines is the list of good line numbers, as the dry run records it for the commit.
func (ic ImportCheck) goodLines() string {
	var b strings.Builder
	for _, l := range ic.Lines {
		if len(l.Reasons) == 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(l.Line))
		}
	}
	return b.String()
}

// MaxRosterLines is the most data rows a roster file may have: far more than a class holds
// (60 by default), few enough that every row is checked in one request.
const MaxRosterLines = 1000

// CheckRosterImport checks every line of a roster file against a class within scope, without
// changing anything: the ID number (and whether a spreadsheet cut its digits), the name, the
// same person twice in the file, a person already on the roster, every eligibility rule, a
// mobile number for a person to be registered, and the seats left — good lines take the seats
// in file order, and those beyond them are refused.
func (tx *Tx) CheckRosterImport(s xiangpei.Scope, classID int64, lines []RosterLine) (ImportCheck, error) {
	c, err := tx.Class(s, classID)
	if err != nil {
		return ImportCheck{}, err
	}
	if err := c.CheckOpen(tx.Now, tx.db.Rules()); err != nil {
		return ImportCheck{}, err
	}
	if len(lines) == 0 {
		return ImportCheck{}, xiangpei.Errorf(xiangpei.Invalid, "roster.import_empty", "The file has a header row but no trainees below it.")
	}
	if len(lines) > MaxRosterLines {
		return ImportCheck{}, xiangpei.Errorf(xiangpei.TooLarge, "sheet.too_many_rows", "The file has more than %v rows. Split it into smaller files.", MaxRosterLines)
	}
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT person_id FROM trainees WHERE class_id = $1 AND status <> 'withdrawn'`, c.ID)
	if err != nil {
		return ImportCheck{}, err
	}
	onRoster, err := collect(rows, func(r scanner) (int64, error) {
		var id int64
		err := r.Scan(&id)
		return id, err
	})
	if err != nil {
		return ImportCheck{}, err
	}
	ic := ImportCheck{Class: c}
	seats := c.Capacity - c.Enrolled
	seen := map[string]int{}
	rules := tx.db.Rules()
	for _, line := range lines {
		lc := LineCheck{RosterLine: line}
		key := strings.ToUpper(strings.TrimSpace(line.Input.IDNumber))
		if id, err := xiangpei.ParseIDNumber(key, tx.Now); err == nil {
			key = string(id)
		}
		if first, dup := seen[key]; dup && key != "" {
			lc.Reasons = append(lc.Reasons, xiangpei.Errorf(xiangpei.Invalid, "roster.import_duplicate", "The same ID number is already on line %v of the file.", first))
		} else if key != "" {
			seen[key] = line.Line
		}
		if line.Lossy {
			lc.Reasons = append(lc.Reasons, xiangpei.Errorf(xiangpei.Invalid, "roster.id_lossy", "The ID number was stored as a number and lost its last digits. Format the ID number column as text, type the numbers again and save."))
		} else {
			a, err := applicant(tx.ctx, tx.tx, line.Input, tx.Now)
			if err != nil {
				return ImportCheck{}, err
			}
			if a.Person != nil && slices.Contains(onRoster, a.Person.ID) {
				lc.Reasons = append(lc.Reasons, xiangpei.Errorf(xiangpei.Conflict, "roster.duplicate", "This person is already on the roster."))
			}
			reasons, err := eligibility(tx.ctx, tx.tx, rules, tx.Now, a, c)
			if err != nil {
				return ImportCheck{}, err
			}
			lc.Reasons = append(lc.Reasons, reasons...)
			if a.Person == nil && len(reasons) == 0 {
				lc.New = true
				if line.PhoneLossy {
					lc.Reasons = append(lc.Reasons, xiangpei.Errorf(xiangpei.Invalid, "roster.phone_lossy", "The mobile number was stored as a number and lost its last digits. Format the mobile number column as text, type the numbers again and save."))
				} else {
					lc.Reasons = append(lc.Reasons, newPersonReasons(line.Input)...)
				}
			}
		}
		if len(lc.Reasons) == 0 {
			if seats <= 0 {
				lc.Reasons = append(lc.Reasons, xiangpei.Errorf(xiangpei.Conflict, "roster.import_full", "No place is left for this row: the class has %v places and the rows above take the last of them.", c.Capacity))
			} else {
				seats--
			}
		}
		if len(lc.Reasons) == 0 {
			ic.Good++
		} else {
			lc.New = false
			ic.Refused++
		}
		ic.Lines = append(ic.Lines, lc)
	}
	return ic, nil
}

// RecordRosterCheck keeps what the dry run of an upload found, so that its commit can tell
// whether anything changed since.
func (tx *Tx) RecordRosterCheck(u Upload, ic ImportCheck) error {
	if _, err := tx.exec(`INSERT INTO roster_imports (upload_id, class_id, good_lines, good, refused, checked_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, u.ID, ic.Class.ID, ic.goodLines(), ic.Good, ic.Refused, tx.Now.Truncate(time.Microsecond)); err != nil {
		return err
	}
	return tx.Audit("roster.import_check", "class", ic.Class.ID, ic.Class.County, map[string]any{"upload": u.ID,
		"good": ic.Good, "refused": ic.Refused})
}

// ImportResult is what a committed roster import added.
type ImportResult struct {
	Added      int
	Registered int // persons the registry did not know, registered on the way
	Trainees   []int64
}

// CommitRosterImport adds every good line of an upload's file to the roster in one
// transaction, or nothing: the lines are checked again, and if the good lines are not exactly
// those the dry run showed (someone else filled the class, a person joined another class in
// the meantime) the whole import is refused and the file must be checked again. An upload
// commits once; a second commit is a Conflict.
func (tx *Tx) CommitRosterImport(s xiangpei.Scope, classID, uploadID int64, lines []RosterLine) (ImportResult, error) {
	var res ImportResult
	var saved string
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT good_lines FROM roster_imports WHERE upload_id = $1 AND class_id = $2`,
		uploadID, classID).Scan(&saved); err != nil {
		return res, mapError(err, "Upload")
	}
	if err := tx.CommitUpload(uploadID); err != nil {
		return res, err
	}
	ic, err := tx.CheckRosterImport(s, classID, lines)
	if err != nil {
		return res, err
	}
	if ic.goodLines() != saved {
		return res, xiangpei.Errorf(xiangpei.Conflict, "roster.import_changed", "Something changed since the file was checked (the class or a person's other trainings), so nothing was imported. Check the file again.")
	}
	if ic.Good == 0 {
		return res, xiangpei.Errorf(xiangpei.Invalid, "roster.import_nothing", "No row of the file can be imported: nothing was added.")
	}
	for _, lc := range ic.Lines {
		if len(lc.Reasons) > 0 {
			continue
		}
		in := lc.Input
		in.Note = cleanNote(in.Note)
		t, err := tx.addTyped(ic.Class, in, xiangpei.SourceImport)
		if err != nil {
			return ImportResult{}, err
		}
		if lc.New {
			res.Registered++
		}
		res.Added++
		res.Trainees = append(res.Trainees, t.ID)
	}
	if err := tx.Audit("roster.import", "class", ic.Class.ID, ic.Class.County, map[string]any{"upload": uploadID,
		"added": res.Added, "registered": res.Registered, "refused": ic.Refused}); err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// ---- self-enrolment ----

// EnrolSelf puts a person on the roster of a class of the public catalogue that allows
// self-enrolment, after every eligibility rule.
func (tx *Tx) EnrolSelf(personID, classID int64) (xiangpei.Trainee, error) {
	c, err := catalogueClass(tx.ctx, tx.tx, classID)
	if err != nil {
		return xiangpei.Trainee{}, err
	}
	return tx.admitPerson(c, personID, xiangpei.SourceSelf)
}

// CheckEnrolment tells a person, before they enrol, every reason they could not join a class
// of the catalogue now: the class no longer takes trainees, they are on it already, it is
// full, or an eligibility rule. None: they may enrol.
func (db *DB) CheckEnrolment(ctx context.Context, personID, classID int64) ([]*xiangpei.Error, error) {
	c, err := catalogueClass(ctx, db.read, classID)
	if err != nil {
		return nil, err
	}
	now := db.Now()
	var out []*xiangpei.Error
	if err := c.CheckOpen(now, db.Rules()); err != nil {
		out = append(out, xiangpei.Reasons(err)...)
	}
	var status string
	switch err := db.read.QueryRowContext(ctx, `SELECT status FROM trainees WHERE class_id = $1 AND person_id = $2`, c.ID, personID).Scan(&status); {
	case err == nil && status != string(xiangpei.TraineeWithdrawn):
		return append(out, xiangpei.Errorf(xiangpei.Conflict, "course.already_enrolled", "You are already enrolled in this class.")), nil
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	if c.Enrolled >= c.Capacity {
		out = append(out, xiangpei.Errorf(xiangpei.Conflict, "roster.full", "The class is full: all %v places are taken.", c.Capacity))
	}
	p, err := personByID(ctx, db.read, personID)
	if err != nil {
		return nil, err
	}
	a, err := registeredApplicant(ctx, db.read, p)
	if err != nil {
		return nil, err
	}
	reasons, err := eligibility(ctx, db.read, db.Rules(), now, a, c)
	if err != nil {
		return nil, err
	}
	return append(out, reasons...), nil
}

// UploadRoster is the purpose of a roster file kept between its dry run and its commit.
const UploadRoster = "roster"
