package store

import (
	"context"
	"time"

	"xiangpei"
)

// 培 — the dynamic QR code (SPEC §4.4, way 2): the teacher's screen and the trainee's scan,
// which records through IngestEvents like every other source.

// QRSession is a session with what the teacher's QR screen shows.
type QRSession struct {
	Session   xiangpei.Session
	Class     xiangpei.Class
	Key       string // the session's secret, from which its codes are derived
	Venue     string
	CheckedIn int // trainees with a check-in at the session
	Roster    int // trainees on the roster, not withdrawn
}

// SessionQR reads a session of a class within scope for its QR screen.
func (db *DB) SessionQR(ctx context.Context, s xiangpei.Scope, sessionID int64) (QRSession, error) {
	var q QRSession
	var classID int64
	err := db.read.QueryRowContext(ctx, `SELECT x.class_id, x.qr_key FROM class_sessions x WHERE x.id = $1`, sessionID).Scan(&classID, &q.Key)
	if err != nil {
		return q, mapError(err, "Session")
	}
	if q.Class, err = db.Class(ctx, s, classID); err != nil {
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			return q, xiangpei.ErrNotFound("Session")
		}
		return q, err
	}
	for _, x := range q.Class.Sessions {
		if x.ID == sessionID {
			q.Session = x
		}
	}
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT person_id) FROM attendance_events WHERE session_id = $1 AND kind = $2`,
		sessionID, xiangpei.CheckIn).Scan(&q.CheckedIn); err != nil {
		return q, err
	}
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM trainees WHERE class_id = $1 AND status <> $2`,
		classID, string(xiangpei.TraineeWithdrawn)).Scan(&q.Roster); err != nil {
		return q, err
	}
	venues, err := db.reportVenues(ctx, []int64{q.Session.VenueID})
	if err != nil {
		return q, err
	}
	q.Venue = venues[q.Session.VenueID].Name
	return q, nil
}

// CheckinView is what a trainee sees of a session they check in to.
type CheckinView struct {
	Session xiangpei.Session
	Class   xiangpei.Class
	OrgName string
	Venue   string
	Events  []xiangpei.Event // the trainee's events at the session so far, oldest first
	Next    string           // what scanning now records: xiangpei.CheckIn or CheckOut
}

// errNotOnRoster refuses a check-in by a person who is not on the class's roster.
func errNotOnRoster() error {
	return xiangpei.Errorf(xiangpei.Invalid, "checkin.not_on_roster", "You are not on the roster of this class, so you cannot check in to it. If you think you should be, ask the training institution.")
}

// checkinView reads the session a person checks in to. With a code, the code is checked first
// (the current or the previous window, while the session is open for scanning), then the roster;
// without one, a person not on the roster does not find the session at all.
func checkinView(ctx context.Context, q querier, s xiangpei.Scope, sessionID int64, code string, withCode bool, now time.Time, rules xiangpei.Rules) (CheckinView, error) {
	var v CheckinView
	if s.PersonID <= 0 {
		return v, xiangpei.Errorf(xiangpei.Forbidden, "checkin.person_only", "Trainees check in with their own account.")
	}
	var classID int64
	var key string
	err := q.QueryRowContext(ctx, `SELECT x.class_id, x.qr_key FROM class_sessions x WHERE x.id = $1`, sessionID).Scan(&classID, &key)
	if err != nil && !xiangpei.IsKind(mapError(err, "Session"), xiangpei.NotFound) {
		return v, err
	}
	if withCode {
		if err != nil {
			return v, xiangpei.CheckQRCode("", sessionID, code, now, rules.QRSeconds) // not a code of any session
		}
		if err := xiangpei.CheckQRCode(key, sessionID, code, now, rules.QRSeconds); err != nil {
			return v, err
		}
	} else if err != nil {
		return v, xiangpei.ErrNotFound("Session")
	}
	c, err := classByID(ctx, q, s, classID)
	if xiangpei.IsKind(err, xiangpei.NotFound) {
		if withCode {
			return v, errNotOnRoster()
		}
		return v, xiangpei.ErrNotFound("Session")
	}
	if err != nil {
		return v, err
	}
	var status string
	if err := q.QueryRowContext(ctx, `SELECT status FROM trainees WHERE class_id = $1 AND person_id = $2`, classID, s.PersonID).Scan(&status); err != nil {
		return v, mapError(err, "Trainee")
	}
	if withCode && status == string(xiangpei.TraineeWithdrawn) {
		return v, errNotOnRoster()
	}
	v.Class = c
	for _, x := range c.Sessions {
		if x.ID == sessionID {
			v.Session = x
		}
	}
	if err := q.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, c.OrgID).Scan(&v.OrgName); err != nil {
		return v, mapError(err, "Organisation")
	}
	if err := q.QueryRowContext(ctx, `SELECT name FROM venues WHERE id = $1`, v.Session.VenueID).Scan(&v.Venue); err != nil {
		return v, mapError(err, "Venue")
	}
	rows, err := q.QueryContext(ctx, `SELECT `+reportEventCols+` FROM attendance_events e WHERE e.session_id = $1 AND e.person_id = $2
		ORDER BY e.at, e.kind`, sessionID, s.PersonID)
	if err != nil {
		return v, err
	}
	if v.Events, err = collect(rows, func(r scanner) (xiangpei.Event, error) { return scanReportEvent(r) }); err != nil {
		return v, err
	}
	v.Next = xiangpei.CheckIn
	if n := len(v.Events); n > 0 && v.Events[n-1].Kind == xiangpei.CheckIn {
		v.Next = xiangpei.CheckOut
	}
	if withCode {
		if c.Status != xiangpei.ClassApproved && c.Status != xiangpei.ClassInProgress {
			return v, xiangpei.Errorf(xiangpei.Conflict, "attendance.class_not_open", "This class is not taking attendance: it has not been approved, or it has closed.")
		}
		if !xiangpei.QROpen(v.Session, now) {
			return v, xiangpei.Errorf(xiangpei.Conflict, "checkin.not_open", "Session %v can be checked in to from an hour before it starts until an hour after it ends.", v.Session.Seq)
		}
	}
	return v, nil
}

// CheckinView reads what a trainee sees of a session: with a code, the page with the big
// button (the code is checked); without, where they stand after checking in.
func (db *DB) CheckinView(ctx context.Context, s xiangpei.Scope, sessionID int64, code string, withCode bool) (CheckinView, error) {
	return checkinView(ctx, db.read, s, sessionID, code, withCode, db.Now(), db.Rules())
}

// CheckinInput is a trainee's scan of a session's code.
type CheckinInput struct {
	SessionID int64
	Code      string
	Device    string // a fingerprint of the phone
	Lat, Lng  float64
	HasPlace  bool
}

// CheckinResult says what a scan recorded.
type CheckinResult struct {
	View     CheckinView
	Event    xiangpei.Event // the event recorded, or the one recorded a moment ago
	Repeated bool           // the same trainee scanned twice within a minute: nothing new recorded
}

// QRRepeat is how soon after a scan a second scan of the same trainee is taken for a repeat
// (a double tap) rather than a check-out.
const QRRepeat = time.Minute

// QRCheckin records the signed-in trainee's scan of a session's dynamic code: a check-in, or a
// check-out when their last event at the session is a check-in, through the same rules as
// every other way attendance arrives (IngestEvents, source "qr").
func (tx *Tx) QRCheckin(s xiangpei.Scope, in CheckinInput) (CheckinResult, error) {
	rules := tx.db.Rules()
	v, err := checkinView(tx.ctx, tx.tx, s, in.SessionID, in.Code, true, tx.Now, rules)
	if err != nil {
		return CheckinResult{}, err
	}
	now := tx.Now.UTC().Truncate(time.Microsecond)
	if n := len(v.Events); n > 0 && now.Sub(v.Events[n-1].At) < QRRepeat {
		return CheckinResult{View: v, Event: v.Events[n-1], Repeated: true}, nil
	}
	e := xiangpei.Event{SessionID: in.SessionID, PersonID: s.PersonID, Kind: v.Next, At: now, Source: xiangpei.FromQR,
		Device: in.Device, Lat: in.Lat, Lng: in.Lng, HasPlace: in.HasPlace}
	res, err := tx.IngestEvents(v.Class.OrgID, []xiangpei.Event{e})
	if err != nil {
		return CheckinResult{}, err
	}
	if len(res.Refused) > 0 {
		return CheckinResult{}, res.Refused[0].Err
	}
	e.ClassID = v.Class.ID
	v.Events = append(v.Events, e)
	v.Next = xiangpei.CheckOut
	if e.Kind == xiangpei.CheckOut {
		v.Next = xiangpei.CheckIn
	}
	return CheckinResult{View: v, Event: e}, nil
}
