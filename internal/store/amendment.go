package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// 培 — late amendments of attendance (SPEC §4.4): a correction with a reason, filed by the
// institution, reviewed by a county officer. The original events stay; an approved amendment
// adds its own event (source "amendment") beside them, and the hours — and, for a closed
// class, completion — are worked out again.

// The states of an amendment.
const (
	AmendmentPending  = "pending"
	AmendmentApproved = "approved"
	AmendmentRejected = "rejected"
)

// AmendmentStatuses lists the states of an amendment.
var AmendmentStatuses = []string{AmendmentPending, AmendmentApproved, AmendmentRejected}

// Amendment is a late correction of a trainee's attendance at a session.
type Amendment struct {
	ID            int64
	ClassID       int64
	ClassName     string
	ClassStatus   xiangpei.ClassStatus
	County        string
	OrgID         int64
	OrgName       string
	SessionID     int64
	SessionSeq    int
	SessionStarts time.Time
	SessionEnds   time.Time
	PersonID      int64
	PersonName    string
	IDNumber      xiangpei.IDNumber // shown masked
	Kind          string            // xiangpei.CheckIn or CheckOut
	At            time.Time
	Reason        string
	Status        string
	FiledBy       int64
	FiledByName   string
	FiledAt       time.Time
	DecidedBy     int64
	DecidedByName string
	DecidedAt     time.Time
	Note          string
	Version       int64
}

const amendmentCols = `a.id, a.class_id, c.name, c.status, c.county, c.org_id, o.name, a.session_id, x.seq, x.starts_at, x.ends_at,
	a.person_id, p.name, p.id_number, a.kind, a.at, a.reason, a.status, a.filed_by, COALESCE(fa.display_name, ''), a.filed_at,
	a.decided_by, COALESCE(da.display_name, ''), a.decided_at, a.decision_note, a.version`

const amendmentFrom = ` FROM attendance_amendments a JOIN classes c ON c.id = a.class_id JOIN organisations o ON o.id = c.org_id
	JOIN class_sessions x ON x.id = a.session_id JOIN persons p ON p.id = a.person_id
	LEFT JOIN accounts fa ON fa.id = a.filed_by LEFT JOIN accounts da ON da.id = a.decided_by`

// amendmentScope restricts amendments a of classes c to a scope passed as $2..$5, like
// classScope; a person sees only their own.
const amendmentScope = classScope + ` AND (CAST($5 AS BIGINT) = 0 OR a.person_id = $5)`

func scanAmendment(r scanner) (Amendment, error) {
	var a Amendment
	var cst, id string
	var decidedBy sql.NullInt64
	var decidedAt sql.NullTime
	err := r.Scan(&a.ID, &a.ClassID, &a.ClassName, &cst, &a.County, &a.OrgID, &a.OrgName, &a.SessionID, &a.SessionSeq,
		&a.SessionStarts, &a.SessionEnds, &a.PersonID, &a.PersonName, &id, &a.Kind, &a.At, &a.Reason, &a.Status, &a.FiledBy,
		&a.FiledByName, &a.FiledAt, &decidedBy, &a.DecidedByName, &decidedAt, &a.Note, &a.Version)
	a.ClassStatus, a.IDNumber = xiangpei.ClassStatus(cst), xiangpei.IDNumber(id)
	a.SessionStarts, a.SessionEnds, a.At, a.FiledAt = a.SessionStarts.UTC(), a.SessionEnds.UTC(), a.At.UTC(), a.FiledAt.UTC()
	a.DecidedBy = decidedBy.Int64
	if decidedAt.Valid {
		a.DecidedAt = decidedAt.Time.UTC()
	}
	return a, err
}

func amendmentByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (Amendment, error) {
	sa := scopeOf(s)
	a, err := scanAmendment(q.QueryRowContext(ctx, `SELECT `+amendmentCols+amendmentFrom+` WHERE a.id = $1 AND `+amendmentScope,
		id, sa.all, sa.region, sa.org, sa.person))
	return a, mapError(err, "Amendment")
}

// Amendment reads an amendment within scope; outside it, NotFound.
func (db *DB) Amendment(ctx context.Context, s xiangpei.Scope, id int64) (Amendment, error) {
	return amendmentByID(ctx, db.read, s, id)
}

// AmendmentFilter narrows the list of amendments.
type AmendmentFilter struct {
	Status  string // "" any
	ClassID int64  // 0 any
}

// Amendments lists the amendments within scope that pass the filter, oldest filed first (the
// review queue's order), with the total.
func (db *DB) Amendments(ctx context.Context, s xiangpei.Scope, f AmendmentFilter, page Page) ([]Amendment, int, error) {
	sa := scopeOf(s)
	where := amendmentFrom + ` WHERE ($1 = '' OR a.status = $1) AND (CAST($6 AS BIGINT) = 0 OR a.class_id = $6) AND ` + amendmentScope
	args := []any{f.Status, sa.all, sa.region, sa.org, sa.person, f.ClassID}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+amendmentCols+where+` ORDER BY a.filed_at, a.id LIMIT $7 OFFSET $8`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanAmendment)
	return out, total, err
}

// ClassAmendments lists every amendment of a class within scope, oldest first.
func (db *DB) ClassAmendments(ctx context.Context, s xiangpei.Scope, classID int64) ([]Amendment, error) {
	sa := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, `SELECT `+amendmentCols+amendmentFrom+` WHERE a.class_id = $1 AND `+amendmentScope+`
		ORDER BY a.filed_at, a.id`, classID, sa.all, sa.region, sa.org, sa.person)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanAmendment)
}

// AmendmentInput is what an institution files.
type AmendmentInput struct {
	SessionID int64
	PersonID  int64
	Kind      string
	At        time.Time
	Reason    string
}

// FileAmendment files a late correction for a trainee of the institution's class within scope:
// the class has started (in progress or closed), the session is the class's, the trainee is on
// its roster, the time lies within the session's window (with its grace) and not in the future,
// and the reason says why in at least 4 characters. One pending amendment per trainee, session
// and kind.
func (tx *Tx) FileAmendment(s xiangpei.Scope, classID int64, in AmendmentInput) (Amendment, error) {
	c, err := tx.Class(s, classID)
	if err != nil {
		return Amendment{}, err
	}
	if s.OrgID == 0 || s.OrgID != c.OrgID {
		return Amendment{}, xiangpei.Errorf(xiangpei.Forbidden, "class.institution_only", "Only the institution that files the class can do this.")
	}
	if c.Status != xiangpei.ClassInProgress && c.Status != xiangpei.ClassClosed {
		return Amendment{}, xiangpei.Errorf(xiangpei.Conflict, "amendment.class_state", "Attendance is amended once the class has started.")
	}
	var sess xiangpei.Session
	for _, x := range c.Sessions {
		if x.ID == in.SessionID {
			sess = x
		}
	}
	if sess.ID == 0 {
		return Amendment{}, xiangpei.Errorf(xiangpei.Invalid, "amendment.session", "Choose a session of this class.")
	}
	if in.Kind != xiangpei.CheckIn && in.Kind != xiangpei.CheckOut {
		return Amendment{}, xiangpei.Errorf(xiangpei.Invalid, "amendment.kind", "Say whether this corrects a check-in or a check-out.")
	}
	in.At = in.At.UTC().Truncate(time.Second)
	if in.At.IsZero() || in.At.Before(sess.Starts.Add(-xiangpei.WindowGrace)) || in.At.After(sess.Ends.Add(xiangpei.WindowGrace)) {
		return Amendment{}, xiangpei.Errorf(xiangpei.Invalid, "amendment.time", "The time must lie within session %v, from %v to %v.",
			sess.Seq, sess.Starts.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"), sess.Ends.In(xiangpei.ChinaTime).Format("15:04"))
	}
	if in.At.After(tx.Now) {
		return Amendment{}, xiangpei.Errorf(xiangpei.Invalid, "amendment.future", "An amendment corrects what happened: the time cannot lie in the future.")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if n := utf8.RuneCountInString(in.Reason); n < 4 || n > 500 {
		return Amendment{}, xiangpei.Errorf(xiangpei.Invalid, "amendment.reason", "Say why in 4 to 500 characters, for the officer who reviews it.")
	}
	var status string
	err = tx.tx.QueryRowContext(tx.ctx, `SELECT status FROM trainees WHERE class_id = $1 AND person_id = $2`, classID, in.PersonID).Scan(&status)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Amendment{}, err
	}
	if err != nil || status == string(xiangpei.TraineeWithdrawn) {
		return Amendment{}, xiangpei.Errorf(xiangpei.Invalid, "amendment.not_on_roster", "This person is not on the class's roster.")
	}
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM attendance_amendments WHERE class_id = $1 AND session_id = $2
		AND person_id = $3 AND kind = $4 AND status = $5`, classID, in.SessionID, in.PersonID, in.Kind, AmendmentPending).Scan(&n); err != nil {
		return Amendment{}, err
	}
	if n > 0 {
		return Amendment{}, xiangpei.Errorf(xiangpei.Conflict, "amendment.duplicate", "An amendment of this trainee's attendance at this session is already waiting for review.")
	}
	id := xiangpei.NewID()
	now := tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO attendance_amendments (id, class_id, session_id, person_id, kind, at, reason, status,
		filed_by, filed_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		id, classID, in.SessionID, in.PersonID, in.Kind, in.At, in.Reason, AmendmentPending, tx.Actor.AccountID, now, int64(1)); err != nil {
		return Amendment{}, mapError(err, "Amendment")
	}
	if err := tx.Audit("amendment.file", "amendment", id, c.County, map[string]any{"class": classID, "session": in.SessionID,
		"person": in.PersonID, "kind": in.Kind, "at": in.At}); err != nil {
		return Amendment{}, err
	}
	return amendmentByID(tx.ctx, tx.tx, s, id)
}

// amendmentReview is the review step of an amendment, for the separate-reviewer rule.
const amendmentReview xiangpei.ReviewStep = "amendment_review"

// AmendmentDecision says what became of an amendment.
type AmendmentDecision struct {
	Amendment       Amendment
	AttendedMinutes int  // the trainee's minutes in the class after the decision
	StatusChanged   bool // completion changed (closed classes only)
}

// DecideAmendment approves or rejects a pending amendment within an officer's scope at the
// given version. The officer may not decide an amendment they filed. Approving records the
// amendment's event (source "amendment", key "amendment:<id>") beside the original events and
// works the hours out again, and completion too when the class is closed; rejecting needs a
// note the institution reads.
func (tx *Tx) DecideAmendment(s xiangpei.Scope, id, version int64, approve bool, note string) (AmendmentDecision, error) {
	if err := regOfficerOnly(s); err != nil {
		return AmendmentDecision{}, err
	}
	a, err := amendmentByID(tx.ctx, tx.tx, s, id)
	if err != nil {
		return AmendmentDecision{}, err
	}
	if err := xiangpei.CheckSeparateReviewer(tx.Actor.AccountID, a.FiledBy, nil, amendmentReview); err != nil {
		return AmendmentDecision{}, err
	}
	if a.Status != AmendmentPending {
		return AmendmentDecision{}, xiangpei.Errorf(xiangpei.Conflict, "amendment.decided", "This amendment has already been decided.")
	}
	if a.Version != version {
		return AmendmentDecision{}, xiangpei.StaleVersion()
	}
	note = strings.TrimSpace(note)
	if !approve && utf8.RuneCountInString(note) < 2 {
		return AmendmentDecision{}, xiangpei.Errorf(xiangpei.Invalid, "amendment.note", "Give the institution a reason for rejecting the amendment.")
	}
	if utf8.RuneCountInString(note) > 500 {
		return AmendmentDecision{}, xiangpei.Errorf(xiangpei.Invalid, "amendment.note_long", "Keep the note to 500 characters.")
	}
	now := tx.Now.Truncate(time.Microsecond)
	status := AmendmentRejected
	if approve {
		status = AmendmentApproved
	}
	if err := tx.execVersioned("Amendment", `SELECT 1 FROM attendance_amendments WHERE id = $1`, id,
		`UPDATE attendance_amendments SET status = $3, decided_by = $4, decided_at = $5, decision_note = $6, version = version + 1
		WHERE id = $1 AND version = $2`, id, version, status, tx.Actor.AccountID, now, note); err != nil {
		return AmendmentDecision{}, err
	}
	out := AmendmentDecision{}
	changed := 0
	if approve {
		// The approved correction is recorded like any other event (IngestEvents), which also
		// derives the hours; only its source lets it past the 14-day window and into a closed class.
		res, err := tx.IngestEvents(0, []xiangpei.Event{{SessionID: a.SessionID, PersonID: a.PersonID, Kind: a.Kind, At: a.At,
			Source: xiangpei.FromAmendment, Key: "amendment:" + strconv.FormatInt(a.ID, 10)}})
		if err != nil {
			return out, err
		}
		if len(res.Refused) > 0 {
			return out, res.Refused[0].Err
		}
		c, err := tx.Class(xiangpei.Scope{All: true}, a.ClassID)
		if err != nil {
			return out, err
		}
		if changed, err = tx.recomputeCompletion(c, a.PersonID); err != nil {
			return out, err
		}
	}
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT attended_minutes FROM trainees WHERE class_id = $1 AND person_id = $2`,
		a.ClassID, a.PersonID).Scan(&out.AttendedMinutes); err != nil {
		return out, mapError(err, "Trainee")
	}
	action := "amendment.reject"
	if approve {
		action = "amendment.approve"
	}
	if err := tx.Audit(action, "amendment", id, a.County, map[string]any{"class": a.ClassID, "session": a.SessionID,
		"person": a.PersonID, "kind": a.Kind, "at": a.At, "note": note, "completion_changed": changed > 0,
		"attended_minutes": out.AttendedMinutes}); err != nil {
		return out, err
	}
	out.StatusChanged = changed > 0
	out.Amendment, err = amendmentByID(tx.ctx, tx.tx, s, id)
	return out, err
}

// AmendmentEvents lists the events recorded for an amendment's trainee at its session within
// scope, oldest first: the originals and, once it is approved, the amendment's own.
func (db *DB) AmendmentEvents(ctx context.Context, s xiangpei.Scope, id int64) ([]xiangpei.Event, error) {
	a, err := db.Amendment(ctx, s, id)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+reportEventCols+` FROM attendance_events e
		WHERE e.session_id = $1 AND e.person_id = $2 ORDER BY e.at, e.kind`, a.SessionID, a.PersonID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (xiangpei.Event, error) { return scanReportEvent(r) })
}
