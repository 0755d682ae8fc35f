package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"xiangpei"
)

// 培 — the public course catalogue: approved classes (and classes under way that still take
// trainees) that allow self-enrolment, for anyone to browse without signing in, and a person's
// own timetable across the classes they are on. The catalogue shows only what a class filing
// publishes (no trainee), so it takes no scope.

// catalogueWhere is what makes a class public: it allows self-enrolment and is approved or
// under way. Its state decides the rest (CheckOpen).
const catalogueWhere = `c.self_enrol AND c.status IN ('approved','in_progress')`

// catalogueClass reads a class of the public catalogue with its timetable; any other class is
// NotFound.
func catalogueClass(ctx context.Context, q querier, id int64) (xiangpei.Class, error) {
	c, err := scanClass(q.QueryRowContext(ctx, `SELECT `+classCols+` FROM classes c WHERE c.id = $1 AND `+catalogueWhere, id))
	if err != nil {
		return c, mapError(err, "Class")
	}
	if c.Sessions, err = classSessions(ctx, q, c.ID); err != nil {
		return c, err
	}
	if c.TeacherIDs, err = classTeachers(ctx, q, c.ID); err != nil {
		return c, err
	}
	return c, nil
}

// Course is a class as the catalogue shows it, with the names a reader needs.
type Course struct {
	xiangpei.Class
	OrgName        string
	OccupationName string
	VenueName      string
	VenueAddress   string
	Venues         map[int64]xiangpei.Venue // the venues of its sessions, by id (Course only)
}

// SeatsLeft is the number of places not yet taken.
func (c Course) SeatsLeft() int { return max(0, c.Capacity-c.Enrolled) }

const courseCols = classCols + `, o.name, COALESCE(oc.name, ''), v.name, v.address`

const courseFrom = ` FROM classes c JOIN organisations o ON o.id = c.org_id JOIN venues v ON v.id = c.venue_id
	LEFT JOIN occupations oc ON oc.code = c.occupation_code`

func scanCourse(r scanner) (Course, error) {
	var x Course
	var groups, status string
	var filed sql.NullTime
	c := &x.Class
	err := r.Scan(&c.ID, &c.OrgID, &c.County, &c.Name, &c.OccupationCode, &c.Level, &c.SpecialAction, &c.Funding,
		&groups, &c.Sector, &c.TheoryHours, &c.PracticeHours, &c.VenueID, &c.Capacity, &c.SelfEnrol, &status,
		&c.ReturnReason, &c.FirstSession, &c.LastSession, &filed, &c.Late, &c.Enrolled, &c.CreatedAt, &c.UpdatedAt, &c.Version,
		&x.OrgName, &x.OccupationName, &x.VenueName, &x.VenueAddress)
	c.KeyGroups, c.Status = splitList(groups), xiangpei.ClassStatus(status)
	if filed.Valid {
		c.FiledAt = filed.Time.UTC()
	}
	c.FirstSession, c.LastSession = c.FirstSession.UTC(), c.LastSession.UTC()
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return x, err
}

// CourseFilter narrows the catalogue.
type CourseFilter struct {
	County     string    // a county or city code: classes filed in it
	Occupation string    // an occupation code prefix ("4-10") or part of its name ("护理")
	Sector     string    // a key sector code
	From       time.Time // first session on or after (zero: any)
}

// Courses lists the catalogue at `now`: classes that allow self-enrolment, approved or under
// way with a session still to come, with a seat left, that pass the filter — the soonest first,
// one page, with the total. A class under way is listed while it has a session to come; whether
// it still takes trainees at this moment is its CheckOpen, which the pages show beside it.
func (db *DB) Courses(ctx context.Context, now time.Time, f CourseFilter, page Page) ([]Course, int, error) {
	region := ""
	if c := strings.TrimSpace(f.County); c != "" {
		region = regEscapeLike(xiangpei.RegionPrefix(c)) + "%"
	}
	occ := strings.TrimSpace(f.Occupation)
	from := f.From
	if from.IsZero() {
		from = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	where := courseFrom + ` WHERE ` + catalogueWhere + ` AND c.last_session > $1 AND c.enrolled < c.capacity
		AND (c.status = 'approved' OR EXISTS (SELECT 1 FROM class_sessions x WHERE x.class_id = c.id AND x.starts_at > $1))
		AND ($2 = '' OR c.county LIKE $2 ESCAPE '\')
		AND ($3 = '' OR c.occupation_code LIKE $4 ESCAPE '\' OR lower(oc.name) LIKE lower($5) ESCAPE '\')
		AND ($6 = '' OR c.sector = $6) AND c.first_session >= $7`
	args := []any{now.UTC(), region, occ, regEscapeLike(occ) + "%", "%" + regEscapeLike(occ) + "%",
		strings.TrimSpace(f.Sector), from.UTC()}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+courseCols+where+` ORDER BY c.first_session, c.id LIMIT $8 OFFSET $9`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, scanCourse)
	if err != nil {
		return nil, 0, err
	}
	for i := range list {
		if list[i].Sessions, err = classSessions(ctx, db.read, list[i].ID); err != nil {
			return nil, 0, err
		}
	}
	return list, total, nil
}

// Course reads a class of the catalogue with its timetable and the venues of its sessions;
// a class that is not in the catalogue (not approved or under way, or not open to
// self-enrolment) is NotFound.
func (db *DB) Course(ctx context.Context, id int64) (Course, error) {
	x, err := scanCourse(db.read.QueryRowContext(ctx, `SELECT `+courseCols+courseFrom+` WHERE c.id = $1 AND `+catalogueWhere, id))
	if err != nil {
		return x, mapError(err, "Class")
	}
	if x.Sessions, err = classSessions(ctx, db.read, x.ID); err != nil {
		return x, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT v.id, v.org_id, v.name, v.address, v.county, v.lat, v.lng FROM venues v
		WHERE v.id = $2 OR v.id IN (SELECT x.venue_id FROM class_sessions x WHERE x.class_id = $1)`, x.ID, x.VenueID)
	if err != nil {
		return x, err
	}
	venues, err := collect(rows, func(r scanner) (xiangpei.Venue, error) {
		var v xiangpei.Venue
		err := r.Scan(&v.ID, &v.OrgID, &v.Name, &v.Address, &v.County, &v.Lat, &v.Lng)
		return v, err
	})
	if err != nil {
		return x, err
	}
	x.Venues = map[int64]xiangpei.Venue{}
	for _, v := range venues {
		x.Venues[v.ID] = v
	}
	return x, nil
}

// TimetableEntry is one session of a class a person is on.
type TimetableEntry struct {
	Session       xiangpei.Session
	ClassID       int64
	ClassName     string
	ClassStatus   xiangpei.ClassStatus
	OrgName       string
	VenueName     string
	VenueAddress  string
	TraineeStatus xiangpei.TraineeStatus
}

// Timetable lists the sessions of the classes the person in scope is on (not withdrawn, class
// not cancelled): upcoming ones (not yet ended at `now`) soonest first, or past ones latest
// first; one page, with the total. Only a person's own scope has a timetable.
func (db *DB) Timetable(ctx context.Context, s xiangpei.Scope, now time.Time, past bool, page Page) ([]TimetableEntry, int, error) {
	if s.PersonID <= 0 {
		return nil, 0, xiangpei.ErrNotFound("Person")
	}
	cond, order := `x.ends_at > $2`, `x.starts_at, x.id`
	if past {
		cond, order = `x.ends_at <= $2`, `x.starts_at DESC, x.id DESC`
	}
	where := ` FROM trainees r JOIN classes c ON c.id = r.class_id JOIN class_sessions x ON x.class_id = c.id
		JOIN organisations o ON o.id = c.org_id JOIN venues v ON v.id = x.venue_id
		WHERE r.person_id = $1 AND r.status <> 'withdrawn' AND c.status <> 'cancelled' AND ` + cond
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, s.PersonID, now.UTC()).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+sessionCols+`, c.name, c.status, o.name, v.name, v.address, r.status`+where+
		` ORDER BY `+order+` LIMIT $3 OFFSET $4`, s.PersonID, now.UTC(), int64(page.limit()), int64(page.offset()))
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, func(r scanner) (TimetableEntry, error) {
		var e TimetableEntry
		var cs, ts string
		x := &e.Session
		err := r.Scan(&x.ID, &x.ClassID, &x.Seq, &x.Starts, &x.Ends, &x.Kind, &x.VenueID, &x.TeacherID, &x.MakeUp,
			&e.ClassName, &cs, &e.OrgName, &e.VenueName, &e.VenueAddress, &ts)
		x.Starts, x.Ends = x.Starts.UTC(), x.Ends.UTC()
		e.ClassID, e.ClassStatus, e.TraineeStatus = x.ClassID, xiangpei.ClassStatus(cs), xiangpei.TraineeStatus(ts)
		return e, err
	})
	return list, total, err
}
