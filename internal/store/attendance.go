package store

import (
	"fmt"
	"strconv"
	"time"

	"xiangpei"
)

// 培 — attendance ingestion: every way an event arrives (terminal push, dynamic QR, file
// import, approved amendment) ends here, under one set of rules.

// EventRefusal is an event that was not recorded, with the reason.
type EventRefusal struct {
	Index int // position in the batch
	Err   error
}

// IngestResult says what became of a batch of events.
type IngestResult struct {
	Accepted   int // newly recorded
	Duplicates int // already recorded before (same key): harmless
	Refused    []EventRefusal
}

// EventKey is the key that makes an event unique when its source gives none: the same
// trainee, session, kind, instant, source and device is the same event.
func EventKey(e xiangpei.Event) string {
	return e.Source + ":" + e.Device + ":" + strconv.FormatInt(e.SessionID, 36) + ":" +
		strconv.FormatInt(e.PersonID, 36) + ":" + e.Kind + ":" + strconv.FormatInt(e.At.UnixNano(), 36)
}

// sessionInfo is what the rules need to know about a session an event names.
type sessionInfo struct {
	session xiangpei.Session
	status  xiangpei.ClassStatus
	orgID   int64
}

// attendanceOpen reports whether a class in this state takes attendance.
func attendanceOpen(st xiangpei.ClassStatus) bool {
	return st == xiangpei.ClassApproved || st == xiangpei.ClassInProgress
}

func errEventRefused(key, text string, args ...any) error {
	return xiangpei.Errorf(xiangpei.Invalid, key, text, args...)
}

// CheckEvents applies the rules to a batch without recording anything: the session must exist
// (and, when orgID is not 0, belong to that institution's classes), its class must be taking
// attendance, the trainee must be on its roster, the kind must be in or out, and the time must
// not lie in the future. It returns the events that pass, with their class filled in and their
// key set, and the refusals.
func (tx *Tx) CheckEvents(orgID int64, evs []xiangpei.Event) ([]xiangpei.Event, []EventRefusal, error) {
	sessions := map[int64]*sessionInfo{}
	roster := map[[2]int64]bool{}
	loadedClass := map[int64]bool{}
	skew := time.Duration(tx.db.Rules().TerminalSkewSeconds) * time.Second
	var good []xiangpei.Event
	var refused []EventRefusal
	for i, e := range evs {
		info, ok := sessions[e.SessionID]
		if !ok {
			var status string
			var org int64
			row := tx.tx.QueryRowContext(tx.ctx, `SELECT `+sessionCols+`, c.status, c.org_id FROM class_sessions x
				JOIN classes c ON c.id = x.class_id WHERE x.id = $1`, e.SessionID)
			var x xiangpei.Session
			err := row.Scan(&x.ID, &x.ClassID, &x.Seq, &x.Starts, &x.Ends, &x.Kind, &x.VenueID, &x.TeacherID, &x.MakeUp, &status, &org)
			if err != nil && !xiangpei.IsKind(mapError(err, "Session"), xiangpei.NotFound) {
				return nil, nil, err
			}
			if err == nil {
				x.Starts, x.Ends = x.Starts.UTC(), x.Ends.UTC()
				info = &sessionInfo{session: x, status: xiangpei.ClassStatus(status), orgID: org}
			}
			sessions[e.SessionID] = info
		}
		switch {
		case info == nil || (orgID != 0 && info.orgID != orgID):
			refused = append(refused, EventRefusal{i, errEventRefused("attendance.unknown_session", "There is no such session.")})
			continue
		case !attendanceOpen(info.status):
			refused = append(refused, EventRefusal{i, errEventRefused("attendance.class_not_open", "This class is not taking attendance: it has not been approved, or it has closed.")})
			continue
		case e.Kind != xiangpei.CheckIn && e.Kind != xiangpei.CheckOut:
			refused = append(refused, EventRefusal{i, errEventRefused("attendance.kind", "Say whether this is a check-in or a check-out.")})
			continue
		case e.At.IsZero() || e.At.After(tx.Now.Add(skew)):
			refused = append(refused, EventRefusal{i, errEventRefused("attendance.time", "The time of this check-in is missing or in the future.")})
			continue
		}
		classID := info.session.ClassID
		if !loadedClass[classID] {
			rows, err := tx.tx.QueryContext(tx.ctx, `SELECT person_id FROM trainees WHERE class_id = $1 AND status <> $2`,
				classID, string(xiangpei.TraineeWithdrawn))
			if err != nil {
				return nil, nil, err
			}
			ids, err := collect(rows, func(r scanner) (int64, error) {
				var id int64
				err := r.Scan(&id)
				return id, err
			})
			if err != nil {
				return nil, nil, err
			}
			for _, id := range ids {
				roster[[2]int64{classID, id}] = true
			}
			loadedClass[classID] = true
		}
		if !roster[[2]int64{classID, e.PersonID}] {
			refused = append(refused, EventRefusal{i, errEventRefused("attendance.not_on_roster", "This person is not on the class's roster.")})
			continue
		}
		e.ClassID = classID
		e.At = e.At.UTC().Truncate(time.Microsecond)
		if e.Key == "" {
			e.Key = EventKey(e)
		}
		good = append(good, e)
	}
	return good, refused, nil
}

// IngestEvents records a batch of events that passed CheckEvents-style rules (it checks them
// itself), ignores those already recorded, and brings the derived hours of every trainee and
// session it touched up to date, all in the transaction. One audit entry covers the batch.
func (tx *Tx) IngestEvents(orgID int64, evs []xiangpei.Event) (IngestResult, error) {
	good, refused, err := tx.CheckEvents(orgID, evs)
	if err != nil {
		return IngestResult{}, err
	}
	res := IngestResult{Refused: refused}
	if len(good) == 0 {
		return res, nil
	}
	now := tx.Now.Truncate(time.Microsecond)
	touched := map[[2]int64]int64{} // (session, person) → class
	for _, e := range good {
		var lat, lng any
		if e.HasPlace {
			lat, lng = e.Lat, e.Lng
		}
		r, err := tx.exec(`INSERT INTO attendance_events (id, session_id, class_id, person_id, kind, at, source, device,
			terminal, lat, lng, event_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
			ON CONFLICT (event_key) DO NOTHING`,
			xiangpei.NewID(), e.SessionID, e.ClassID, e.PersonID, e.Kind, e.At, e.Source, e.Device, e.Terminal, lat, lng, e.Key, now)
		if err != nil {
			return res, err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			res.Duplicates++
			continue
		}
		res.Accepted++
		touched[[2]int64{e.SessionID, e.PersonID}] = e.ClassID
	}
	if err := tx.recomputeHours(touched); err != nil {
		return res, err
	}
	if res.Accepted > 0 {
		if err := tx.Audit("attendance.ingest", "attendance", orgID, "", map[string]any{
			"accepted": res.Accepted, "duplicates": res.Duplicates, "refused": len(res.Refused), "source": good[0].Source}); err != nil {
			return res, err
		}
	}
	return res, nil
}

// recomputeHours derives the minutes of each (session, person) pair from its events, and the
// attended minutes of each trainee from those.
func (tx *Tx) recomputeHours(pairs map[[2]int64]int64) error {
	trainees := map[[2]int64]bool{} // (class, person)
	for pair, classID := range pairs {
		sess, person := pair[0], pair[1]
		var x xiangpei.Session
		if err := tx.tx.QueryRowContext(tx.ctx, `SELECT `+sessionCols+` FROM class_sessions x WHERE x.id = $1`, sess).Scan(
			&x.ID, &x.ClassID, &x.Seq, &x.Starts, &x.Ends, &x.Kind, &x.VenueID, &x.TeacherID, &x.MakeUp); err != nil {
			return fmt.Errorf("session %d: %w", sess, err)
		}
		x.Starts, x.Ends = x.Starts.UTC(), x.Ends.UTC()
		rows, err := tx.tx.QueryContext(tx.ctx, `SELECT kind, at FROM attendance_events WHERE session_id = $1 AND person_id = $2`, sess, person)
		if err != nil {
			return err
		}
		evs, err := collect(rows, func(r scanner) (xiangpei.Event, error) {
			var e xiangpei.Event
			err := r.Scan(&e.Kind, &e.At)
			e.At = e.At.UTC()
			return e, err
		})
		if err != nil {
			return err
		}
		minutes, in, out := xiangpei.SessionMinutes(x, evs)
		if _, err := tx.exec(`INSERT INTO attendance_hours (session_id, person_id, class_id, minutes, first_in, last_out)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (session_id, person_id)
			DO UPDATE SET minutes = excluded.minutes, first_in = excluded.first_in, last_out = excluded.last_out`,
			sess, person, classID, minutes, nullTime(in), nullTime(out)); err != nil {
			return err
		}
		trainees[[2]int64{classID, person}] = true
	}
	for k := range trainees {
		if _, err := tx.exec(`UPDATE trainees SET attended_minutes = (SELECT COALESCE(SUM(h.minutes), 0)
			FROM attendance_hours h WHERE h.class_id = $1 AND h.person_id = $2) WHERE class_id = $1 AND person_id = $2`,
			k[0], k[1]); err != nil {
			return err
		}
	}
	return nil
}

// nullTime is NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}
