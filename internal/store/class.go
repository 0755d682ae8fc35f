package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"xiangpei"
)

// 培 — class filings (开班备案): create and read, the timetable, and the moves between states.

// classCols are the columns scanClass reads, in its order.
const classCols = `c.id, c.org_id, c.county, c.name, c.occupation_code, c.level, c.special_action, c.funding,
	c.key_groups, c.sector, c.theory_hours, c.practice_hours, c.venue_id, c.capacity, c.self_enrol, c.status,
	c.return_reason, c.first_session, c.last_session, c.filed_at, c.late, c.enrolled, c.created_at, c.updated_at, c.version`

// classScope restricts classes c to a scope whose scopeArgs are passed as $2..$5: officers by
// county, staff only their own organisation's classes, persons only classes they are on.
const classScope = `($2 OR c.county LIKE $3) AND (CAST($4 AS BIGINT) = 0 OR c.org_id = $4)
	AND (CAST($5 AS BIGINT) = 0 OR c.id IN (SELECT r.class_id FROM trainees r WHERE r.person_id = $5))`

func scanClass(r scanner) (xiangpei.Class, error) {
	var c xiangpei.Class
	var groups, status string
	var filed sql.NullTime
	err := r.Scan(&c.ID, &c.OrgID, &c.County, &c.Name, &c.OccupationCode, &c.Level, &c.SpecialAction, &c.Funding,
		&groups, &c.Sector, &c.TheoryHours, &c.PracticeHours, &c.VenueID, &c.Capacity, &c.SelfEnrol, &status,
		&c.ReturnReason, &c.FirstSession, &c.LastSession, &filed, &c.Late, &c.Enrolled, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	c.KeyGroups = splitList(groups)
	c.Status = xiangpei.ClassStatus(status)
	if filed.Valid {
		c.FiledAt = filed.Time.UTC()
	}
	c.FirstSession, c.LastSession = c.FirstSession.UTC(), c.LastSession.UTC()
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

func classByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (xiangpei.Class, error) {
	sa := scopeOf(s)
	c, err := scanClass(q.QueryRowContext(ctx, `SELECT `+classCols+` FROM classes c WHERE c.id = $1 AND `+classScope,
		id, sa.all, sa.region, sa.org, sa.person))
	if err != nil {
		return xiangpei.Class{}, mapError(err, "Class")
	}
	if c.Sessions, err = classSessions(ctx, q, c.ID); err != nil {
		return xiangpei.Class{}, err
	}
	if c.TeacherIDs, err = classTeachers(ctx, q, c.ID); err != nil {
		return xiangpei.Class{}, err
	}
	return c, nil
}

// classVisible checks that a class is within scope (NotFound otherwise) without reading its
// timetable: the check that lists of a class's records make first.
func (db *DB) classVisible(ctx context.Context, s xiangpei.Scope, id int64) error {
	sa := scopeOf(s)
	var one int
	err := db.read.QueryRowContext(ctx, `SELECT 1 FROM classes c WHERE c.id = $1 AND `+classScope,
		id, sa.all, sa.region, sa.org, sa.person).Scan(&one)
	return mapError(err, "Class")
}

// Class reads a class within scope with its timetable and teachers; outside scope, NotFound.
func (db *DB) Class(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.Class, error) {
	return classByID(ctx, db.read, s, id)
}

// Class reads a class within scope inside the transaction.
func (tx *Tx) Class(s xiangpei.Scope, id int64) (xiangpei.Class, error) {
	return classByID(tx.ctx, tx.tx, s, id)
}

const sessionCols = `x.id, x.class_id, x.seq, x.starts_at, x.ends_at, x.kind, x.venue_id, x.teacher_id, x.makeup`

func scanSession(r scanner) (xiangpei.Session, error) {
	var x xiangpei.Session
	err := r.Scan(&x.ID, &x.ClassID, &x.Seq, &x.Starts, &x.Ends, &x.Kind, &x.VenueID, &x.TeacherID, &x.MakeUp)
	x.Starts, x.Ends = x.Starts.UTC(), x.Ends.UTC()
	return x, err
}

func classSessions(ctx context.Context, q querier, classID int64) ([]xiangpei.Session, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+sessionCols+` FROM class_sessions x WHERE x.class_id = $1 ORDER BY x.seq`, classID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSession)
}

func classTeachers(ctx context.Context, q querier, classID int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT teacher_id FROM class_teachers WHERE class_id = $1 ORDER BY teacher_id`, classID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (int64, error) {
		var id int64
		err := r.Scan(&id)
		return id, err
	})
}

// ClassFilter narrows a list of classes.
type ClassFilter struct {
	Status xiangpei.ClassStatus // "" any
	OrgID  int64                // 0 any (within scope)
	Q      string               // part of the name
}

// Classes lists the classes within scope that pass the filter, the soonest first session
// first, with the total.
func (db *DB) Classes(ctx context.Context, s xiangpei.Scope, f ClassFilter, page Page) ([]xiangpei.Class, int, error) {
	sa := scopeOf(s)
	where := ` FROM classes c WHERE ($1 = '' OR c.status = $1) AND (CAST($6 AS BIGINT) = 0 OR c.org_id = $6)
		AND ($7 = '' OR lower(c.name) LIKE lower($8) ESCAPE '\') AND ` + classScope
	q := strings.TrimSpace(f.Q)
	args := []any{string(f.Status), sa.all, sa.region, sa.org, sa.person, f.OrgID, q, "%" + regEscapeLike(q) + "%"}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+classCols+where+` ORDER BY c.first_session, c.id LIMIT $9 OFFSET $10`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanClass)
	return out, total, err
}

// ClassInputOf turns a class back into the input its filing is validated as (the change-filing
// form starts from it).
func ClassInputOf(c xiangpei.Class) xiangpei.ClassInput {
	return xiangpei.ClassInput{Name: c.Name, OccupationCode: c.OccupationCode, Level: c.Level,
		SpecialAction: c.SpecialAction, Funding: c.Funding, KeyGroups: slices.Clone(c.KeyGroups), Sector: c.Sector,
		TheoryHours: c.TheoryHours, PracticeHours: c.PracticeHours, VenueID: c.VenueID,
		TeacherIDs: slices.Clone(c.TeacherIDs), Capacity: c.Capacity, SelfEnrol: c.SelfEnrol,
		Sessions: slices.Clone(c.Sessions)}
}

// trainingOrg reads the organisation that files a class within scope and checks that it is one
// that trains (an institution or a school).
func (tx *Tx) trainingOrg(s xiangpei.Scope, orgID int64) (xiangpei.Organisation, error) {
	o, err := tx.Org(s, orgID)
	if err != nil {
		return o, err
	}
	if o.Kind != xiangpei.OrgInstitution && o.Kind != xiangpei.OrgSchool {
		return o, xiangpei.Errorf(xiangpei.Forbidden, "class.not_institution", "Only training institutions and technical schools file classes.")
	}
	return o, nil
}

// checkClassInput validates a filing against the reference data and the institution's own
// records: the occupation and level in its approved scope, a known special action, sector and
// key groups, its own venue and teachers.
func (tx *Tx) checkClassInput(o xiangpei.Organisation, in xiangpei.ClassInput) (xiangpei.ClassInput, error) {
	in, err := in.Validate(tx.db.Rules())
	if err != nil {
		return in, err
	}
	if err := tx.checkOccupation(in.OccupationCode, in.Level); err != nil {
		return in, err
	}
	if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "class.outside_scope", "This occupation and level are not in your institution's approved scope. Ask the bureau to add them first."),
		`SELECT 1 FROM org_scopes WHERE org_id = $1 AND occupation_code = $2 AND level = $3`, o.ID, in.OccupationCode, in.Level); err != nil {
		return in, err
	}
	if in.SpecialAction != "" {
		year := in.Sessions[0].Starts.In(xiangpei.ChinaTime).Year()
		if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "class.special_action", "There is no such special action in %v: choose one from the list, or none.", year),
			`SELECT 1 FROM special_actions WHERE code = $1 AND year = $2`, in.SpecialAction, year); err != nil {
			return in, err
		}
	}
	if in.Sector != "" {
		if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "class.sector", "There is no such key sector: choose one from the list, or none."),
			`SELECT 1 FROM sectors WHERE code = $1`, in.Sector); err != nil {
			return in, err
		}
	}
	for _, g := range in.KeyGroups {
		if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "class.key_group", "There is no key group “%v”: choose from the list.", g),
			`SELECT 1 FROM key_groups WHERE code = $1`, g); err != nil {
			return in, err
		}
	}
	venues := []int64{in.VenueID}
	for _, x := range in.Sessions {
		venues = append(venues, x.VenueID)
	}
	slices.Sort(venues)
	for _, v := range slices.Compact(venues) {
		if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "class.venue_unknown", "This venue is not one of your institution's venues: register it first."),
			`SELECT 1 FROM venues WHERE id = $1 AND org_id = $2`, v, o.ID); err != nil {
			return in, err
		}
	}
	for _, t := range in.TeacherIDs {
		if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "class.teacher_unknown", "This teacher is not one of your institution's teachers: register them first."),
			`SELECT 1 FROM teachers WHERE id = $1 AND org_id = $2`, t, o.ID); err != nil {
			return in, err
		}
	}
	return in, nil
}

// newQRKey is the secret from which a session's dynamic QR codes are derived.
func newQRKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// sessionRecorded reports whether attendance has been recorded for a session: events,
// derived hours or an amendment. Such a session is history and stays as it was.
func (tx *Tx) sessionRecorded(id int64) (bool, error) {
	var n int
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT (SELECT COUNT(*) FROM attendance_events WHERE session_id = $1)
		+ (SELECT COUNT(*) FROM attendance_hours WHERE session_id = $1)
		+ (SELECT COUNT(*) FROM attendance_amendments WHERE session_id = $1)`, id).Scan(&n)
	return n > 0, err
}

// writeTimetable replaces the sessions and teachers of a class with those of the input. A
// session keeps its id (and so its recorded attendance and QR key) when the input names it by
// id, or else when a new session has exactly its start and end; the others are added or
// removed. A session that already has attendance can be neither removed nor moved (its
// time, kind, venue and teacher stay), and the refusal says which.
func (tx *Tx) writeTimetable(classID int64, in xiangpei.ClassInput) error {
	old, err := classSessions(tx.ctx, tx.tx, classID)
	if err != nil {
		return err
	}
	if _, err := tx.exec(`DELETE FROM class_teachers WHERE class_id = $1`, classID); err != nil {
		return err
	}
	for _, t := range in.TeacherIDs {
		if _, err := tx.exec(`INSERT INTO class_teachers (class_id, teacher_id) VALUES ($1, $2)`, classID, t); err != nil {
			return mapError(err, "Teacher")
		}
	}
	byID := make(map[int64]xiangpei.Session, len(old))
	for _, o := range old {
		byID[o.ID] = o
	}
	claimed := map[int64]bool{}
	match := make([]int64, len(in.Sessions))
	for i, x := range in.Sessions {
		if _, ok := byID[x.ID]; ok && x.ID != 0 && !claimed[x.ID] {
			match[i], claimed[x.ID] = x.ID, true
		}
	}
	for i, x := range in.Sessions {
		if match[i] != 0 {
			continue
		}
		for _, o := range old {
			if !claimed[o.ID] && o.Starts.Equal(x.Starts) && o.Ends.Equal(x.Ends) {
				match[i], claimed[o.ID] = o.ID, true
				break
			}
		}
	}
	for _, o := range old {
		if claimed[o.ID] {
			continue
		}
		if rec, err := tx.sessionRecorded(o.ID); err != nil {
			return err
		} else if rec {
			return xiangpei.Errorf(xiangpei.Conflict, "class.session_has_attendance", "Session %v already has attendance and cannot be removed.", o.Seq)
		}
		if _, err := tx.exec(`DELETE FROM class_sessions WHERE id = $1`, o.ID); err != nil {
			return mapError(err, "Session")
		}
	}
	for i, x := range in.Sessions {
		if match[i] == 0 {
			continue
		}
		o := byID[match[i]]
		x.MakeUp = x.MakeUp || o.MakeUp
		if xiangpei.SameSession(o, x) {
			continue
		}
		if rec, err := tx.sessionRecorded(o.ID); err != nil {
			return err
		} else if rec {
			return xiangpei.Errorf(xiangpei.Conflict, "class.session_attended_moved", "Session %v on %v already has attendance: its time, kind, venue and teacher stay as they were.",
				o.Seq, o.Starts.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"))
		}
	}
	// Numbers change with the timetable: park the kept sessions on negative numbers first, so
	// that the unique (class, number) never sees two sessions at once.
	if len(claimed) > 0 {
		if _, err := tx.exec(`UPDATE class_sessions SET seq = -seq WHERE class_id = $1 AND seq > 0`, classID); err != nil {
			return err
		}
	}
	for i, x := range in.Sessions {
		if match[i] != 0 {
			if _, err := tx.exec(`UPDATE class_sessions SET seq = $2, starts_at = $3, ends_at = $4, kind = $5, venue_id = $6,
				teacher_id = $7, makeup = $8 WHERE id = $1`, match[i], x.Seq, x.Starts.UTC(), x.Ends.UTC(), x.Kind, x.VenueID,
				x.TeacherID, x.MakeUp || byID[match[i]].MakeUp); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.exec(`INSERT INTO class_sessions (id, class_id, seq, starts_at, ends_at, kind, venue_id, teacher_id,
			makeup, qr_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, xiangpei.NewID(), classID, x.Seq,
			x.Starts.UTC(), x.Ends.UTC(), x.Kind, x.VenueID, x.TeacherID, x.MakeUp, newQRKey()); err != nil {
			return err
		}
	}
	return nil
}

// CreateClass writes a new class filing of an institution within scope as a draft.
func (tx *Tx) CreateClass(s xiangpei.Scope, orgID int64, in xiangpei.ClassInput) (xiangpei.Class, error) {
	o, err := tx.trainingOrg(s, orgID)
	if err != nil {
		return xiangpei.Class{}, err
	}
	if in, err = tx.checkClassInput(o, in); err != nil {
		return xiangpei.Class{}, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	c := xiangpei.Class{ID: xiangpei.NewID(), OrgID: o.ID, County: o.County, Status: xiangpei.ClassDraft,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	applyClassInput(&c, in)
	if _, err := tx.exec(`INSERT INTO classes (id, org_id, county, name, occupation_code, level, special_action, funding,
		key_groups, sector, theory_hours, practice_hours, venue_id, capacity, self_enrol, status, first_session,
		last_session, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
		c.ID, c.OrgID, c.County, c.Name, c.OccupationCode, c.Level, c.SpecialAction, c.Funding,
		strings.Join(c.KeyGroups, ","), c.Sector, c.TheoryHours, c.PracticeHours, c.VenueID, c.Capacity, c.SelfEnrol,
		string(c.Status), c.FirstSession, c.LastSession, now, now, int64(1)); err != nil {
		return xiangpei.Class{}, mapError(err, "Class")
	}
	if err := tx.writeTimetable(c.ID, in); err != nil {
		return xiangpei.Class{}, err
	}
	if err := tx.classHistory(c.ID, "create", ""); err != nil {
		return xiangpei.Class{}, err
	}
	if err := tx.Audit("class.create", "class", c.ID, c.County, map[string]any{"org": o.ID, "name": c.Name,
		"occupation": c.OccupationCode, "level": c.Level, "sessions": len(in.Sessions)}); err != nil {
		return xiangpei.Class{}, err
	}
	return tx.Class(s, c.ID)
}

// applyClassInput copies a validated filing into a class.
func applyClassInput(c *xiangpei.Class, in xiangpei.ClassInput) {
	c.Name, c.OccupationCode, c.Level, c.SpecialAction, c.Funding = in.Name, in.OccupationCode, in.Level, in.SpecialAction, in.Funding
	c.KeyGroups, c.Sector, c.TheoryHours, c.PracticeHours = in.KeyGroups, in.Sector, in.TheoryHours, in.PracticeHours
	c.VenueID, c.TeacherIDs, c.Capacity, c.SelfEnrol = in.VenueID, in.TeacherIDs, in.Capacity, in.SelfEnrol
	c.Sessions = in.Sessions
	if n := len(in.Sessions); n > 0 {
		c.FirstSession, c.LastSession = in.Sessions[0].Starts.UTC(), in.Sessions[n-1].Ends.UTC()
	}
}

// classHistory records a step in the class's visible history (the audit trail has it too).
func (tx *Tx) classHistory(classID int64, action, reason string) error {
	_, err := tx.exec(`INSERT INTO class_history (id, class_id, action, reason, actor, at) VALUES ($1, $2, $3, $4, $5, $6)`,
		xiangpei.NewID(), classID, action, reason, tx.Actor.Name, tx.Now.Truncate(time.Microsecond))
	return err
}

// ClassEvent is one step of a class's history.
type ClassEvent struct {
	Action string
	Reason string
	Actor  string
	At     time.Time
}

// ClassHistory lists the steps of a class within scope, oldest first.
func (db *DB) ClassHistory(ctx context.Context, s xiangpei.Scope, classID int64) ([]ClassEvent, error) {
	if err := db.classVisible(ctx, s, classID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT action, reason, actor, at FROM class_history WHERE class_id = $1 ORDER BY at, id`, classID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (ClassEvent, error) {
		var e ClassEvent
		err := r.Scan(&e.Action, &e.Reason, &e.Actor, &e.At)
		e.At = e.At.UTC()
		return e, err
	})
}

// keepMakeUp marks the sessions of a new timetable that are the class's make-up sessions
// (named by id) as make-up sessions again, whatever the form carried: once a make-up, always.
func keepMakeUp(c xiangpei.Class, in xiangpei.ClassInput) xiangpei.ClassInput {
	in.Sessions = slices.Clone(in.Sessions)
	for i, x := range in.Sessions {
		for _, o := range c.Sessions {
			if x.ID != 0 && x.ID == o.ID && o.MakeUp {
				in.Sessions[i].MakeUp = true
			}
		}
	}
	return in
}

// writeClassFields writes the filing's own fields of a class (not its state) at the given
// version, bumping it.
func (tx *Tx) writeClassFields(c xiangpei.Class, version int64) error {
	return tx.execVersioned("Class", `SELECT 1 FROM classes WHERE id = $1`, c.ID,
		`UPDATE classes SET name = $3, occupation_code = $4, level = $5, special_action = $6, funding = $7, key_groups = $8,
		sector = $9, theory_hours = $10, practice_hours = $11, venue_id = $12, capacity = $13, self_enrol = $14,
		first_session = $15, last_session = $16, updated_at = $17, version = version + 1 WHERE id = $1 AND version = $2`,
		c.ID, version, c.Name, c.OccupationCode, c.Level, c.SpecialAction, c.Funding, strings.Join(c.KeyGroups, ","),
		c.Sector, c.TheoryHours, c.PracticeHours, c.VenueID, c.Capacity, c.SelfEnrol, c.FirstSession, c.LastSession,
		tx.Now.Truncate(time.Microsecond))
}

// errBelowRoster refuses a capacity below the trainees already on the roster.
func errBelowRoster(enrolled int) error {
	return xiangpei.Errorf(xiangpei.Invalid, "class.capacity_below_roster", "%v trainees are already on the roster: the capacity cannot be lower.", enrolled)
}

// UpdateClass changes a class filing that is still the institution's to change (a draft, or
// a filing the county returned), at the version the institution saw. An approved class
// changes only through a change filing (FileClassChange).
func (tx *Tx) UpdateClass(s xiangpei.Scope, id, version int64, in xiangpei.ClassInput) (xiangpei.Class, error) {
	c, err := tx.Class(s, id)
	if err != nil {
		return c, err
	}
	if s.OrgID == 0 || s.OrgID != c.OrgID {
		return c, xiangpei.Errorf(xiangpei.Forbidden, "class.institution_only", "Only the institution that files the class can do this.")
	}
	if c.Version != version {
		return c, xiangpei.StaleVersion()
	}
	if !c.Status.Editable() {
		return c, xiangpei.Errorf(xiangpei.Conflict, "class.not_editable", "An approved or filed class is not edited directly: file a change (变更备案) once it is approved.")
	}
	o, err := tx.trainingOrg(s, c.OrgID)
	if err != nil {
		return c, err
	}
	if in, err = tx.checkClassInput(o, keepMakeUp(c, in)); err != nil {
		return c, err
	}
	if in.Capacity < c.Enrolled {
		return c, errBelowRoster(c.Enrolled)
	}
	changed := xiangpei.ChangedFields(ClassInputOf(c), in)
	applyClassInput(&c, in)
	if err := tx.writeClassFields(c, version); err != nil {
		return c, err
	}
	if err := tx.writeTimetable(c.ID, in); err != nil {
		return c, err
	}
	if err := tx.classHistory(c.ID, "edit", ""); err != nil {
		return c, err
	}
	if err := tx.Audit("class.update", "class", c.ID, c.County, map[string]any{"fields": changed, "sessions": len(in.Sessions)}); err != nil {
		return c, err
	}
	return tx.Class(s, c.ID)
}
