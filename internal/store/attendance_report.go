package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"xiangpei"
)

// 培 — the attendance report of a class: per trainee the hours attended against the hours
// planned and the completion threshold, per session who attended, and the anomalies the rules
// see (SPEC §4.4, §9).

// SessionCell is one trainee's attendance at one session.
type SessionCell struct {
	Minutes int
	FirstIn time.Time
	LastOut time.Time
	Seen    bool // some event was recorded
}

// TraineeAttendance is one row of the report.
type TraineeAttendance struct {
	Trainee xiangpei.Trainee
	Cells   []SessionCell // in the order of the report's sessions
	RatePct int
	Meets   bool // at or above the completion threshold
}

// SessionAttendance is one column of the report.
type SessionAttendance struct {
	Session xiangpei.Session
	Venue   string
	Seen    int // trainees with any event at the session
}

// AttendanceReport is the attendance of a class.
type AttendanceReport struct {
	Class          xiangpei.Class
	OrgName        string
	PlannedMinutes int
	ThresholdPct   int
	Sessions       []SessionAttendance
	Trainees       []TraineeAttendance
	Anomalies      []xiangpei.Anomaly
	Amendments     []Amendment
	Rating         RatingSummary
	Names          map[int64]string // person → name, for the trainees of the class
	Below          int              // trainees (not withdrawn) below the threshold
}

// ClassAttendance builds the attendance report of a class within scope: the class's institution
// and officers of its region read it (a person in scope sees only their own row).
func (db *DB) ClassAttendance(ctx context.Context, s xiangpei.Scope, classID int64) (AttendanceReport, error) {
	c, err := db.Class(ctx, s, classID)
	if err != nil {
		return AttendanceReport{}, err
	}
	rules := db.Rules()
	rep := AttendanceReport{Class: c, PlannedMinutes: c.PlannedMinutes(), ThresholdPct: rules.AttendancePct, Names: map[int64]string{}}
	if err := db.read.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, c.OrgID).Scan(&rep.OrgName); err != nil {
		return rep, mapError(err, "Organisation")
	}
	ts, err := db.TraineesOf(ctx, s, c)
	if err != nil {
		return rep, err
	}
	col := map[int64]int{}
	for i, x := range c.Sessions {
		col[x.ID] = i
		rep.Sessions = append(rep.Sessions, SessionAttendance{Session: x})
	}
	row := map[int64]int{}
	for i, t := range ts {
		row[t.PersonID] = i
		rep.Names[t.PersonID] = t.Name
		rate := xiangpei.RatePct(t.AttendedMinutes, rep.PlannedMinutes)
		meets := xiangpei.Completes(t.AttendedMinutes, rep.PlannedMinutes, rules)
		if !meets && t.Status != xiangpei.TraineeWithdrawn {
			rep.Below++
		}
		rep.Trainees = append(rep.Trainees, TraineeAttendance{Trainee: t, Cells: make([]SessionCell, len(c.Sessions)), RatePct: rate, Meets: meets})
	}
	rows, err := db.read.QueryContext(ctx, `SELECT session_id, person_id, minutes, first_in, last_out FROM attendance_hours
		WHERE class_id = $1`, classID)
	if err != nil {
		return rep, err
	}
	err = eachReportRow(rows, func(r scanner) error {
		var sid, pid int64
		var cell SessionCell
		var in, out sql.NullTime
		if err := r.Scan(&sid, &pid, &cell.Minutes, &in, &out); err != nil {
			return err
		}
		i, okRow := row[pid]
		j, okCol := col[sid]
		if !okRow || !okCol {
			return nil
		}
		if in.Valid {
			cell.FirstIn = in.Time.UTC()
		}
		if out.Valid {
			cell.LastOut = out.Time.UTC()
		}
		cell.Seen = true
		rep.Trainees[i].Cells[j] = cell
		rep.Sessions[j].Seen++
		return nil
	})
	if err != nil {
		return rep, err
	}
	if s.PersonID == 0 {
		if rep.Anomalies, err = db.classAnomalies(ctx, c, rules); err != nil {
			return rep, err
		}
	}
	if rep.Amendments, err = db.ClassAmendments(ctx, s, classID); err != nil {
		return rep, err
	}
	if rep.Rating, err = db.RatingSummary(ctx, classID); err != nil {
		return rep, err
	}
	venues, err := db.reportVenues(ctx, sessionVenueIDs(c.Sessions))
	if err != nil {
		return rep, err
	}
	for i := range rep.Sessions {
		rep.Sessions[i].Venue = venues[rep.Sessions[i].Session.VenueID].Name
	}
	return rep, nil
}

// eachReportRow calls fn for every row and closes rows.
func eachReportRow(rows *sql.Rows, fn func(scanner) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func sessionVenueIDs(ss []xiangpei.Session) []int64 {
	var ids []int64
	for _, x := range ss {
		ids = append(ids, x.VenueID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// reportVenues reads the places of venues (of any institution: only their names and coordinates
// are used, to judge distances).
func (db *DB) reportVenues(ctx context.Context, ids []int64) (map[int64]xiangpei.Venue, error) {
	out := map[int64]xiangpei.Venue{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		marks := make([]string, n)
		args := make([]any, n)
		for i, id := range ids[:n] {
			marks[i], args[i] = fmt.Sprintf("$%d", i+1), id
		}
		rows, err := db.read.QueryContext(ctx, `SELECT id, org_id, name, county, lat, lng FROM venues WHERE id IN (`+strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, err
		}
		err = eachReportRow(rows, func(r scanner) error {
			var v xiangpei.Venue
			if err := r.Scan(&v.ID, &v.OrgID, &v.Name, &v.County, &v.Lat, &v.Lng); err != nil {
				return err
			}
			out[v.ID] = v
			return nil
		})
		if err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

const reportEventCols = `e.id, e.session_id, e.class_id, e.person_id, e.kind, e.at, e.source, e.device, e.terminal, e.lat, e.lng`

func scanReportEvent(r scanner, extra ...any) (xiangpei.Event, error) {
	var e xiangpei.Event
	var lat, lng sql.NullFloat64
	err := r.Scan(append([]any{&e.ID, &e.SessionID, &e.ClassID, &e.PersonID, &e.Kind, &e.At, &e.Source, &e.Device, &e.Terminal, &lat, &lng}, extra...)...)
	e.At = e.At.UTC()
	if lat.Valid && lng.Valid {
		e.Lat, e.Lng, e.HasPlace = lat.Float64, lng.Float64, true
	}
	return e, err
}

// classAnomalies gathers what the anomaly rules look at — the class's events, its trainees'
// events in other classes from a day before its first session to a day after its last, the
// sessions and venues those name — and applies the rules.
func (db *DB) classAnomalies(ctx context.Context, c xiangpei.Class, rules xiangpei.Rules) ([]xiangpei.Anomaly, error) {
	f := xiangpei.AttendanceFacts{ClassID: c.ID, Sessions: map[int64]xiangpei.Session{}}
	for _, x := range c.Sessions {
		f.Sessions[x.ID] = x
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+reportEventCols+` FROM attendance_events e WHERE e.class_id = $1`, c.ID)
	if err != nil {
		return nil, err
	}
	if f.Events, err = collect(rows, func(r scanner) (xiangpei.Event, error) { return scanReportEvent(r) }); err != nil {
		return nil, err
	}
	if len(f.Events) == 0 {
		return nil, nil
	}
	// The trainees' other classes are found through their roster rows, and those classes'
	// events through the (class, person) index, so that no scan of all events is needed.
	rows, err = db.read.QueryContext(ctx, `SELECT `+reportEventCols+`, `+sessionCols+`
		FROM trainees r2 JOIN attendance_events e ON e.class_id = r2.class_id AND e.person_id = r2.person_id
		JOIN class_sessions x ON x.id = e.session_id
		WHERE r2.person_id IN (SELECT person_id FROM trainees WHERE class_id = $1) AND r2.class_id <> $1
		AND e.at >= $2 AND e.at <= $3`, c.ID, c.FirstSession.Add(-24*time.Hour), c.LastSession.Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	err = eachReportRow(rows, func(r scanner) error {
		var x xiangpei.Session
		e, err := scanReportEvent(r, &x.ID, &x.ClassID, &x.Seq, &x.Starts, &x.Ends, &x.Kind, &x.VenueID, &x.TeacherID, &x.MakeUp)
		if err != nil {
			return err
		}
		x.Starts, x.Ends = x.Starts.UTC(), x.Ends.UTC()
		f.Sessions[x.ID] = x
		f.Others = append(f.Others, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var sessions []xiangpei.Session
	for _, x := range f.Sessions {
		sessions = append(sessions, x)
	}
	if f.Venues, err = db.reportVenues(ctx, sessionVenueIDs(sessions)); err != nil {
		return nil, err
	}
	return xiangpei.FindAnomalies(f, rules), nil
}
