package store

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"xiangpei"
)

// The moves of a class between states (SPEC §4.2). Closing, which decides completion, is in
// completion.go.

// TeacherClash is a session of another class taught by the same person (matched by ID number,
// since one teacher may be registered with several institutions) at an overlapping time.
type TeacherClash struct {
	ClassID    int64
	ClassName  string
	Seq        int // the session of the class being checked
	OtherSeq   int
	Teacher    string
	Starts     time.Time
	OtherStart time.Time
}

// TeacherClashes lists the sessions of other classes in the given states whose teacher is the
// same person as one of this class's session teachers and whose time overlaps.
func (tx *Tx) TeacherClashes(c xiangpei.Class, states ...xiangpei.ClassStatus) ([]TeacherClash, error) {
	return teacherClashes(tx.ctx, tx.tx, c, states...)
}

// teacherClashes is TeacherClashes on any reader: the review queue reads it outside a
// transaction.
func teacherClashes(ctx context.Context, q querier, c xiangpei.Class, states ...xiangpei.ClassStatus) ([]TeacherClash, error) {
	if len(states) == 0 || len(c.Sessions) == 0 {
		return nil, nil
	}
	marks := make([]string, len(states))
	args := []any{c.ID, c.FirstSession, c.LastSession}
	for i, st := range states {
		marks[i] = fmt.Sprintf("$%d", len(args)+1)
		args = append(args, string(st))
	}
	rows, err := q.QueryContext(ctx, `SELECT oc.id, oc.name, os.seq, os.starts_at, os.ends_at, ot.id_number, ot.name
		FROM class_sessions os JOIN classes oc ON oc.id = os.class_id JOIN teachers ot ON ot.id = os.teacher_id
		WHERE oc.id <> $1 AND os.starts_at < $3 AND os.ends_at > $2 AND oc.status IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	type other struct {
		classID      int64
		name         string
		seq          int
		starts, ends time.Time
		idNumber     string
		teacher      string
	}
	others, err := collect(rows, func(r scanner) (other, error) {
		var o other
		err := r.Scan(&o.classID, &o.name, &o.seq, &o.starts, &o.ends, &o.idNumber, &o.teacher)
		return o, err
	})
	if err != nil || len(others) == 0 {
		return nil, err
	}
	ids := map[int64]string{}
	for _, x := range c.Sessions {
		if _, ok := ids[x.TeacherID]; ok {
			continue
		}
		var id string
		if err := q.QueryRowContext(ctx, `SELECT id_number FROM teachers WHERE id = $1`, x.TeacherID).Scan(&id); err != nil {
			return nil, mapError(err, "Teacher")
		}
		ids[x.TeacherID] = id
	}
	var out []TeacherClash
	for _, x := range c.Sessions {
		for _, o := range others {
			if o.idNumber == ids[x.TeacherID] && xiangpei.Overlaps(x.Starts, x.Ends, o.starts, o.ends) {
				out = append(out, TeacherClash{ClassID: o.classID, ClassName: o.name, Seq: x.Seq, OtherSeq: o.seq,
					Teacher: o.teacher, Starts: x.Starts, OtherStart: o.starts.UTC()})
			}
		}
	}
	return out, nil
}

func errTeacherClash(k TeacherClash) error {
	return xiangpei.Errorf(xiangpei.Conflict, "class.teacher_clash", "Session %v: teacher %v already teaches session %v of “%v” at the same time.",
		k.Seq, k.Teacher, k.OtherSeq, k.ClassName)
}

// MoveClass applies an action to a class within scope at the given version. Institutions
// submit, cancel and start their own classes; officers approve and return those of their
// region (the caller checks the class_review duty). Return and cancel need a reason.
func (tx *Tx) MoveClass(s xiangpei.Scope, id, version int64, action xiangpei.ClassAction, reason string) (xiangpei.Class, error) {
	reason = strings.TrimSpace(reason)
	c, err := tx.Class(s, id)
	if err != nil {
		return c, err
	}
	if c.Version != version {
		return c, xiangpei.StaleVersion()
	}
	next, err := c.Status.Next(action)
	if err != nil {
		return c, err
	}
	officer := action == xiangpei.ClassApprove || action == xiangpei.ClassReturn
	if officer {
		if err := regOfficerOnly(s); err != nil {
			return c, err
		}
	} else if s.OrgID != c.OrgID {
		return c, xiangpei.Errorf(xiangpei.Forbidden, "class.institution_only", "Only the institution that files the class can do this.")
	}
	if (action == xiangpei.ClassReturn || action == xiangpei.ClassCancel) && utf8.RuneCountInString(reason) < 2 {
		return c, xiangpei.Errorf(xiangpei.Invalid, "class.reason", "Give a reason that the institution and the trainees can read.")
	}
	now := tx.Now.Truncate(time.Microsecond)
	rules := tx.db.Rules()
	set := ``
	args := []any{id, version, string(next), now}
	switch action {
	case xiangpei.ClassSubmit:
		if blocked, e, err := tx.db.OrgBlocked(tx.ctx, c.OrgID, now); err != nil {
			return c, err
		} else if blocked {
			return c, xiangpei.Errorf(xiangpei.Forbidden, "class.org_blocked", "Your institution is under a sanction (%v) and cannot file classes.", string(e.Kind))
		}
		if !c.FirstSession.After(now) {
			return c, xiangpei.Errorf(xiangpei.Invalid, "class.already_started", "The first session has already begun: a class is filed before it starts. Change the timetable.")
		}
		// The filing is checked again against the scope and records as they are now.
		o, err := tx.trainingOrg(s, c.OrgID)
		if err != nil {
			return c, err
		}
		if _, err := tx.checkClassInput(o, ClassInputOf(c)); err != nil {
			return c, err
		}
		clashes, err := tx.TeacherClashes(c, xiangpei.ClassApproved, xiangpei.ClassInProgress)
		if err != nil {
			return c, err
		}
		if len(clashes) > 0 {
			return c, errTeacherClash(clashes[0])
		}
		cal, err := tx.db.Calendar(tx.ctx)
		if err != nil {
			return c, err
		}
		late := xiangpei.FiledLate(cal, c.FirstSession, now, rules.FilingLeadWorkdays)
		set = `, filed_at = $5, late = $6, return_reason = ''`
		args = append(args, now, late)
		c.FiledAt, c.Late, c.ReturnReason = now, late, ""
	case xiangpei.ClassApprove:
		clashes, err := tx.TeacherClashes(c, xiangpei.ClassApproved, xiangpei.ClassInProgress)
		if err != nil {
			return c, err
		}
		if len(clashes) > 0 {
			return c, errTeacherClash(clashes[0])
		}
	case xiangpei.ClassReturn:
		set = `, return_reason = $5`
		args = append(args, reason)
		c.ReturnReason = reason
	case xiangpei.ClassStart:
		if now.Before(c.FirstSession.Add(-2 * time.Hour)) {
			return c, xiangpei.Errorf(xiangpei.Conflict, "class.too_early", "A class starts on the day of its first session, not before.")
		}
	case xiangpei.ClassCancel:
		if _, err := tx.exec(`UPDATE trainees SET status = $2, updated_at = $3, version = version + 1 WHERE class_id = $1 AND status = $4`,
			id, string(xiangpei.TraineeWithdrawn), now, string(xiangpei.TraineeEnrolled)); err != nil {
			return c, err
		}
		set = `, enrolled = 0`
		c.Enrolled = 0
		// A change filing still waiting goes back with the class's cancellation as its reason.
		if _, err := tx.exec(`UPDATE class_changes SET status = $2, return_reason = $3, decided_by = $4, decided_at = $5,
			version = version + 1 WHERE class_id = $1 AND status = $6`, id, string(xiangpei.ChangeReturned), reason,
			tx.Actor.AccountID, now, string(xiangpei.ChangeFiled)); err != nil {
			return c, err
		}
	case xiangpei.ClassClose:
		return c, xiangpei.Errorf(xiangpei.Invalid, "class.close_separately", "Close a class from its completion page, where completion is decided for every trainee.")
	}
	if err := tx.execVersioned("Class", `SELECT 1 FROM classes WHERE id = $1`, id,
		`UPDATE classes SET status = $3, updated_at = $4, version = version + 1`+set+` WHERE id = $1 AND version = $2`, args...); err != nil {
		return c, err
	}
	if err := tx.classHistory(id, string(action), reason); err != nil {
		return c, err
	}
	if err := tx.Audit("class."+string(action), "class", id, c.County, map[string]any{"from": c.Status, "to": next,
		"reason": reason}); err != nil {
		return c, err
	}
	c.Status, c.UpdatedAt, c.Version = next, now, version+1
	return c, nil
}
