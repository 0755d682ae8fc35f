package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// 培 — change filings (变更备案) and make-up filings (补课): the institution files new values for
// an approved or started class with a reason; the county approves them (the new values replace
// the old) or returns them with a reason. Before and after are kept as JSON beside the class.

// inputJSON is how a filing's values are kept in class_changes: a stable, explicit shape
// rather than the Go struct, so that old filings still read after the domain grows.
type inputJSON struct {
	Name           string        `json:"name"`
	OccupationCode string        `json:"occupation_code"`
	Level          string        `json:"level"`
	SpecialAction  string        `json:"special_action"`
	Funding        string        `json:"funding"`
	KeyGroups      []string      `json:"key_groups"`
	Sector         string        `json:"sector"`
	TheoryHours    int           `json:"theory_hours"`
	PracticeHours  int           `json:"practice_hours"`
	VenueID        int64         `json:"venue_id"`
	TeacherIDs     []int64       `json:"teacher_ids"`
	Capacity       int           `json:"capacity"`
	SelfEnrol      bool          `json:"self_enrol"`
	Sessions       []sessionJSON `json:"sessions"`
}

type sessionJSON struct {
	ID        int64     `json:"id,omitempty"`
	Seq       int       `json:"seq"`
	Starts    time.Time `json:"starts"`
	Ends      time.Time `json:"ends"`
	Kind      string    `json:"kind"`
	VenueID   int64     `json:"venue_id"`
	TeacherID int64     `json:"teacher_id"`
	MakeUp    bool      `json:"makeup,omitempty"`
}

func encodeInput(in xiangpei.ClassInput) (string, error) {
	j := inputJSON{Name: in.Name, OccupationCode: in.OccupationCode, Level: in.Level, SpecialAction: in.SpecialAction,
		Funding: in.Funding, KeyGroups: in.KeyGroups, Sector: in.Sector, TheoryHours: in.TheoryHours,
		PracticeHours: in.PracticeHours, VenueID: in.VenueID, TeacherIDs: in.TeacherIDs, Capacity: in.Capacity,
		SelfEnrol: in.SelfEnrol}
	for _, x := range in.Sessions {
		j.Sessions = append(j.Sessions, sessionJSON{ID: x.ID, Seq: x.Seq, Starts: x.Starts.UTC(), Ends: x.Ends.UTC(), Kind: x.Kind,
			VenueID: x.VenueID, TeacherID: x.TeacherID, MakeUp: x.MakeUp})
	}
	b, err := json.Marshal(j)
	return string(b), err
}

func decodeInput(s string) (xiangpei.ClassInput, error) {
	var j inputJSON
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return xiangpei.ClassInput{}, err
	}
	in := xiangpei.ClassInput{Name: j.Name, OccupationCode: j.OccupationCode, Level: j.Level, SpecialAction: j.SpecialAction,
		Funding: j.Funding, KeyGroups: j.KeyGroups, Sector: j.Sector, TheoryHours: j.TheoryHours,
		PracticeHours: j.PracticeHours, VenueID: j.VenueID, TeacherIDs: j.TeacherIDs, Capacity: j.Capacity,
		SelfEnrol: j.SelfEnrol}
	for _, x := range j.Sessions {
		in.Sessions = append(in.Sessions, xiangpei.Session{ID: x.ID, Seq: x.Seq, Starts: x.Starts.UTC(), Ends: x.Ends.UTC(),
			Kind: x.Kind, VenueID: x.VenueID, TeacherID: x.TeacherID, MakeUp: x.MakeUp})
	}
	return in, nil
}

const changeCols = `ch.id, ch.class_id, ch.kind, ch.status, ch.reason, ch.before_json, ch.after_json, ch.return_reason,
	ch.filed_by, ch.filed_at, ch.decided_by, ch.decided_at, ch.version`

func scanChange(r scanner) (xiangpei.ClassChange, error) {
	var ch xiangpei.ClassChange
	var kind, status, before, after string
	var decidedBy sql.NullInt64
	var decidedAt sql.NullTime
	if err := r.Scan(&ch.ID, &ch.ClassID, &kind, &status, &ch.Reason, &before, &after, &ch.ReturnReason,
		&ch.FiledBy, &ch.FiledAt, &decidedBy, &decidedAt, &ch.Version); err != nil {
		return ch, err
	}
	ch.Kind, ch.Status, ch.FiledAt = xiangpei.ChangeKind(kind), xiangpei.ChangeStatus(status), ch.FiledAt.UTC()
	ch.DecidedBy = decidedBy.Int64
	if decidedAt.Valid {
		ch.DecidedAt = decidedAt.Time.UTC()
	}
	var err error
	if ch.Before, err = decodeInput(before); err != nil {
		return ch, err
	}
	ch.After, err = decodeInput(after)
	return ch, err
}

func changeByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (xiangpei.ClassChange, error) {
	sa := scopeOf(s)
	ch, err := scanChange(q.QueryRowContext(ctx, `SELECT `+changeCols+` FROM class_changes ch JOIN classes c ON c.id = ch.class_id
		WHERE ch.id = $1 AND `+classScope, id, sa.all, sa.region, sa.org, sa.person))
	if err != nil {
		return xiangpei.ClassChange{}, mapError(err, "Change filing")
	}
	return ch, nil
}

// ClassChange reads a change filing within scope (the scope of its class); outside it,
// NotFound.
func (db *DB) ClassChange(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.ClassChange, error) {
	return changeByID(ctx, db.read, s, id)
}

// ClassChange reads a change filing within scope inside the transaction.
func (tx *Tx) ClassChange(s xiangpei.Scope, id int64) (xiangpei.ClassChange, error) {
	return changeByID(tx.ctx, tx.tx, s, id)
}

// ClassChanges lists the change filings of a class within scope, the newest first. They are
// kept for ever beside the class.
func (db *DB) ClassChanges(ctx context.Context, s xiangpei.Scope, classID int64) ([]xiangpei.ClassChange, error) {
	sa := scopeOf(s)
	if err := db.classVisible(ctx, s, classID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+changeCols+` FROM class_changes ch JOIN classes c ON c.id = ch.class_id
		WHERE ch.class_id = $1 AND `+classScope+` ORDER BY ch.filed_at DESC, ch.id DESC`,
		classID, sa.all, sa.region, sa.org, sa.person)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanChange)
}

// openChange reports the change filing of a class still waiting for the county, if any.
func (tx *Tx) openChange(classID int64) (int64, error) {
	var id int64
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT id FROM class_changes WHERE class_id = $1 AND status = $2`,
		classID, string(xiangpei.ChangeFiled)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func errChangeOpen() error {
	return xiangpei.Errorf(xiangpei.Conflict, "class.change_open", "A change filing of this class is already waiting for the county: wait for its decision before filing another.")
}

// FileClassChange files a change (kind ChangeEdit: in holds every value of the class as it
// should become) or make-up sessions (kind ChangeMakeUp: only in.Sessions is read, the
// sessions to add) for a class of the institution, at the class version the institution saw,
// with a reason. One change filing per class waits at a time. Sessions that are new or moved
// must lie in the future, and the capacity may not fall below the roster.
func (tx *Tx) FileClassChange(s xiangpei.Scope, classID, version int64, kind xiangpei.ChangeKind, in xiangpei.ClassInput, reason string) (xiangpei.ClassChange, error) {
	reason = strings.TrimSpace(reason)
	c, err := tx.Class(s, classID)
	if err != nil {
		return xiangpei.ClassChange{}, err
	}
	if s.OrgID == 0 || s.OrgID != c.OrgID {
		return xiangpei.ClassChange{}, xiangpei.Errorf(xiangpei.Forbidden, "class.institution_only", "Only the institution that files the class can do this.")
	}
	if !kind.Valid() {
		return xiangpei.ClassChange{}, xiangpei.Errorf(xiangpei.Invalid, "class.change_kind", "Say whether this is a change of the class or make-up sessions.")
	}
	if c.Version != version {
		return xiangpei.ClassChange{}, xiangpei.StaleVersion()
	}
	if !c.Status.CanFileChange(kind) {
		if kind == xiangpei.ChangeMakeUp {
			return xiangpei.ClassChange{}, xiangpei.Errorf(xiangpei.Conflict, "class.makeup_state", "Make-up sessions are filed once the class has started and until it is closed.")
		}
		return xiangpei.ClassChange{}, xiangpei.Errorf(xiangpei.Conflict, "class.change_state", "A change filing is for an approved class or one in progress; before approval, edit the filing itself.")
	}
	if n := utf8.RuneCountInString(reason); n < 2 || n > 1000 {
		return xiangpei.ClassChange{}, xiangpei.Errorf(xiangpei.Invalid, "class.change_reason", "Say why the class changes (2 to 1,000 characters): the county reads it.")
	}
	if open, err := tx.openChange(c.ID); err != nil {
		return xiangpei.ClassChange{}, err
	} else if open != 0 {
		return xiangpei.ClassChange{}, errChangeOpen()
	}
	now := tx.Now.Truncate(time.Microsecond)
	if blocked, e, err := tx.db.OrgBlocked(tx.ctx, c.OrgID, now); err != nil {
		return xiangpei.ClassChange{}, err
	} else if blocked {
		return xiangpei.ClassChange{}, xiangpei.Errorf(xiangpei.Forbidden, "class.org_blocked", "Your institution is under a sanction (%v) and cannot file classes.", string(e.Kind))
	}
	before := ClassInputOf(c)
	after := in
	if kind == xiangpei.ChangeMakeUp {
		added, err := xiangpei.CheckMakeUp(c, in.Sessions, now, tx.db.Rules())
		if err != nil {
			return xiangpei.ClassChange{}, err
		}
		after = ClassInputOf(c)
		after.Sessions = append(after.Sessions, added...)
	} else {
		after = keepMakeUp(c, after)
	}
	o, err := tx.trainingOrg(s, c.OrgID)
	if err != nil {
		return xiangpei.ClassChange{}, err
	}
	if after, err = tx.checkClassInput(o, after); err != nil {
		return xiangpei.ClassChange{}, err
	}
	changed := xiangpei.ChangedFields(before, after)
	if len(changed) == 0 {
		return xiangpei.ClassChange{}, xiangpei.Errorf(xiangpei.Invalid, "class.change_nothing", "Nothing differs from the class as approved: change at least one value.")
	}
	if kind == xiangpei.ChangeMakeUp && !slices.Equal(changed, []string{xiangpei.FieldSessions}) {
		return xiangpei.ClassChange{}, xiangpei.Errorf(xiangpei.Invalid, "class.makeup_only_sessions", "A make-up filing only adds sessions: file a change for anything else.")
	}
	if after.Capacity < c.Enrolled {
		return xiangpei.ClassChange{}, errBelowRoster(c.Enrolled)
	}
	// Sessions with attendance stay as they are: refuse now rather than at approval.
	for _, b := range before.Sessions {
		i := slices.IndexFunc(after.Sessions, func(a xiangpei.Session) bool { return a.ID == b.ID })
		if i >= 0 && xiangpei.SameSession(after.Sessions[i], b) {
			continue
		}
		if i < 0 && slices.ContainsFunc(after.Sessions, func(a xiangpei.Session) bool { return a.ID == 0 && xiangpei.SameSession(a, b) }) {
			continue
		}
		rec, err := tx.sessionRecorded(b.ID)
		if err != nil {
			return xiangpei.ClassChange{}, err
		}
		if rec && i < 0 {
			return xiangpei.ClassChange{}, xiangpei.Errorf(xiangpei.Conflict, "class.session_has_attendance", "Session %v already has attendance and cannot be removed.", b.Seq)
		}
		if rec {
			return xiangpei.ClassChange{}, xiangpei.Errorf(xiangpei.Conflict, "class.session_attended_moved", "Session %v on %v already has attendance: its time, kind, venue and teacher stay as they were.",
				b.Seq, b.Starts.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"))
		}
	}
	for _, x := range after.Sessions {
		if slices.ContainsFunc(before.Sessions, func(b xiangpei.Session) bool { return xiangpei.SameSession(b, x) }) {
			continue
		}
		if !x.Starts.After(now) {
			return xiangpei.ClassChange{}, xiangpei.Errorf(xiangpei.Invalid, "class.change_past", "Session %v: a new or moved session must lie in the future.", x.Seq)
		}
	}
	bj, err := encodeInput(before)
	if err != nil {
		return xiangpei.ClassChange{}, err
	}
	aj, err := encodeInput(after)
	if err != nil {
		return xiangpei.ClassChange{}, err
	}
	ch := xiangpei.ClassChange{ID: xiangpei.NewID(), ClassID: c.ID, Kind: kind, Status: xiangpei.ChangeFiled, Reason: reason,
		Before: before, After: after, FiledBy: tx.Actor.AccountID, FiledAt: now, Version: 1}
	if _, err := tx.exec(`INSERT INTO class_changes (id, class_id, kind, status, reason, before_json, after_json, filed_by,
		filed_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, ch.ID, ch.ClassID, string(kind),
		string(ch.Status), reason, bj, aj, ch.FiledBy, now, int64(1)); err != nil {
		if xiangpei.IsKind(mapError(err, "Change filing"), xiangpei.Conflict) {
			return xiangpei.ClassChange{}, errChangeOpen()
		}
		return xiangpei.ClassChange{}, err
	}
	if err := tx.classHistory(c.ID, "change_"+string(kind), reason); err != nil {
		return xiangpei.ClassChange{}, err
	}
	if err := tx.Audit("class.change_file", "class", c.ID, c.County, map[string]any{"change": ch.ID, "kind": kind,
		"fields": changed, "reason": reason}); err != nil {
		return xiangpei.ClassChange{}, err
	}
	return ch, nil
}

// DecideClassChange is the county's decision on a change filing within its region, at the
// version the officer saw: ClassApprove replaces the class's values with the new ones (the
// timetable through writeTimetable, which keeps sessions that have attendance), refusing a
// teacher who would teach elsewhere at the same time; ClassReturn sends it back with a reason
// the institution reads. Two officers deciding at once: one wins, the other gets the stale
// version.
func (tx *Tx) DecideClassChange(s xiangpei.Scope, changeID, version int64, action xiangpei.ClassAction, reason string) (xiangpei.ClassChange, error) {
	reason = strings.TrimSpace(reason)
	if err := regOfficerOnly(s); err != nil {
		return xiangpei.ClassChange{}, err
	}
	ch, err := tx.ClassChange(s, changeID)
	if err != nil {
		return ch, err
	}
	if ch.Version != version {
		return ch, xiangpei.StaleVersion()
	}
	next, err := ch.Status.Next(action)
	if err != nil {
		return ch, err
	}
	c, err := tx.Class(s, ch.ClassID)
	if err != nil {
		return ch, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	detail := map[string]any{"change": ch.ID, "kind": ch.Kind}
	if action == xiangpei.ClassReturn {
		if utf8.RuneCountInString(reason) < 2 {
			return ch, xiangpei.Errorf(xiangpei.Invalid, "class.reason", "Give a reason that the institution and the trainees can read.")
		}
		detail["reason"] = reason
	} else {
		if !c.Status.CanFileChange(ch.Kind) {
			return ch, xiangpei.Errorf(xiangpei.Conflict, "class.wrong_state", "This cannot be done in the class's present state: reload the page to see where it stands.")
		}
		o, err := tx.trainingOrg(s, c.OrgID)
		if err != nil {
			return ch, err
		}
		after, err := tx.checkClassInput(o, ch.After)
		if err != nil {
			return ch, err
		}
		if after.Capacity < c.Enrolled {
			return ch, errBelowRoster(c.Enrolled)
		}
		next := c
		applyClassInput(&next, after)
		clashes, err := tx.TeacherClashes(next, xiangpei.ClassApproved, xiangpei.ClassInProgress)
		if err != nil {
			return ch, err
		}
		if len(clashes) > 0 {
			return ch, errTeacherClash(clashes[0])
		}
		if err := tx.writeClassFields(next, c.Version); err != nil {
			return ch, err
		}
		if err := tx.writeTimetable(c.ID, after); err != nil {
			return ch, err
		}
		detail["fields"] = xiangpei.ChangedFields(ch.Before, after)
		reason = ""
	}
	if err := tx.execVersioned("Change filing", `SELECT 1 FROM class_changes WHERE id = $1`, ch.ID,
		`UPDATE class_changes SET status = $3, return_reason = $4, decided_by = $5, decided_at = $6, version = version + 1
		WHERE id = $1 AND version = $2`, ch.ID, version, string(next), reason, tx.Actor.AccountID, now); err != nil {
		return ch, err
	}
	if err := tx.classHistory(c.ID, "change_"+string(action), reason); err != nil {
		return ch, err
	}
	if err := tx.Audit("class.change_"+string(action), "class", c.ID, c.County, detail); err != nil {
		return ch, err
	}
	ch.Status, ch.ReturnReason, ch.DecidedBy, ch.DecidedAt, ch.Version = next, reason, tx.Actor.AccountID, now, version+1
	return ch, nil
}
