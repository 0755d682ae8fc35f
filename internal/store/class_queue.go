package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"xiangpei"
)

// 培 — the county's review queue: filed classes and filed change filings of its region, the
// oldest first, each with what needs the officer's attention.

// ReviewFlags is what needs attention in a filing under review (a class filing, or a change
// filing's new values).
type ReviewFlags struct {
	Late         bool                // the class was filed after the deadline
	SoonStart    bool                // the first (new or moved) session lies within the lead time from now
	Clashes      []TeacherClash      // a teacher teaches another filed, approved or started class at the same time
	OutOfScope   bool                // the occupation and level are no longer in the institution's approved scope
	TeacherScope []string            // session teachers whose certificate is for another occupation
	OrgCapacity  int                 // the institution's registered capacity, when the class exceeds it
	OverCapacity bool                // the capacity is above the institution's registered capacity
	OverRoster   bool                // more trainees on the roster than the capacity
	Blocked      bool                // a sanction forbidding classes is in force
	Sanction     xiangpei.Sanction   // which
	Kind         xiangpei.ChangeKind // "" a class filing; else the kind of change filing
}

// Any reports whether anything needs attention.
func (f ReviewFlags) Any() bool {
	return f.Late || f.SoonStart || len(f.Clashes) > 0 || f.OutOfScope || len(f.TeacherScope) > 0 ||
		f.OverCapacity || f.OverRoster || f.Blocked
}

// ReviewItem is one row of the review queue.
type ReviewItem struct {
	Class   xiangpei.Class
	Change  *xiangpei.ClassChange // nil: the class filing itself
	OrgName string
	FiledAt time.Time
	Flags   ReviewFlags
}

// reviewQueue is the union of filed classes and filed change filings within scope ($2..$5).
const reviewQueue = ` FROM (
	SELECT c.id AS item_id, c.id AS class_id, 0 AS is_change, c.filed_at AS filed_at FROM classes c
	WHERE c.status = $1 AND ` + classScope + `
	UNION ALL
	SELECT ch.id, c.id, 1, ch.filed_at FROM class_changes ch JOIN classes c ON c.id = ch.class_id
	WHERE ch.status = $1 AND ` + classScope + `) q`

// ReviewQueue lists the filings waiting for the county within scope, the oldest first, with
// the total and what needs attention in each.
func (db *DB) ReviewQueue(ctx context.Context, s xiangpei.Scope, page Page) ([]ReviewItem, int, error) {
	sa := scopeOf(s)
	args := []any{string(xiangpei.ClassFiled), sa.all, sa.region, sa.org, sa.person}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+reviewQueue, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT item_id, is_change`+reviewQueue+` ORDER BY filed_at, item_id LIMIT $6 OFFSET $7`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	type ref struct {
		id     int64
		change bool
	}
	refs, err := collect(rows, func(r scanner) (ref, error) {
		var x ref
		var change int
		err := r.Scan(&x.id, &change)
		x.change = change == 1
		return x, err
	})
	if err != nil {
		return nil, 0, err
	}
	out := make([]ReviewItem, 0, len(refs))
	names := map[int64]string{}
	for _, x := range refs {
		var it ReviewItem
		classID := x.id
		if x.change {
			ch, err := db.ClassChange(ctx, s, x.id)
			if err != nil {
				return nil, 0, err
			}
			it.Change, classID, it.FiledAt = &ch, ch.ClassID, ch.FiledAt
		}
		if it.Class, err = db.Class(ctx, s, classID); err != nil {
			return nil, 0, err
		}
		if it.Change == nil {
			it.FiledAt = it.Class.FiledAt
		}
		if it.Flags, err = db.ReviewFlagsOf(ctx, it.Class, it.Change); err != nil {
			return nil, 0, err
		}
		if _, ok := names[it.Class.OrgID]; !ok {
			if err := db.read.QueryRowContext(ctx, `SELECT name FROM organisations WHERE id = $1`, it.Class.OrgID).Scan(&it.OrgName); err != nil {
				return nil, 0, err
			}
			names[it.Class.OrgID] = it.OrgName
		}
		it.OrgName = names[it.Class.OrgID]
		out = append(out, it)
	}
	return out, total, nil
}

// ReviewFlagsOf works out what needs attention in a class filing (ch nil) or in a change
// filing's new values, as things stand now. The caller has read c and ch within its scope.
func (db *DB) ReviewFlagsOf(ctx context.Context, c xiangpei.Class, ch *xiangpei.ClassChange) (ReviewFlags, error) {
	var f ReviewFlags
	now := db.Now()
	rules := db.Rules()
	cal, err := db.Calendar(ctx)
	if err != nil {
		return f, err
	}
	subject := c
	first := c.FirstSession
	if ch != nil {
		f.Kind = ch.Kind
		applyClassInput(&subject, ch.After)
		first = xiangpei.EarliestChange(ch.Before.Sessions, ch.After.Sessions)
	} else {
		f.Late = c.Late
	}
	if !first.IsZero() {
		f.SoonStart = now.After(xiangpei.FilingDeadline(cal, first, rules.FilingLeadWorkdays))
	}
	if f.Clashes, err = teacherClashes(ctx, db.read, subject, xiangpei.ClassFiled, xiangpei.ClassApproved, xiangpei.ClassInProgress); err != nil {
		return f, err
	}
	var one int
	err = db.read.QueryRowContext(ctx, `SELECT 1 FROM org_scopes WHERE org_id = $1 AND occupation_code = $2 AND level = $3`,
		c.OrgID, subject.OccupationCode, subject.Level).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		f.OutOfScope = true
	case err != nil:
		return f, err
	}
	var seen []int64
	for _, x := range subject.Sessions {
		if slices.Contains(seen, x.TeacherID) {
			continue
		}
		seen = append(seen, x.TeacherID)
		var name, occupation string
		if err := db.read.QueryRowContext(ctx, `SELECT name, occupation_code FROM teachers WHERE id = $1`, x.TeacherID).Scan(&name, &occupation); err != nil {
			return f, mapError(err, "Teacher")
		}
		if occupation != "" && occupation != subject.OccupationCode {
			f.TeacherScope = append(f.TeacherScope, name)
		}
	}
	var capacity int
	if err := db.read.QueryRowContext(ctx, `SELECT capacity FROM organisations WHERE id = $1`, c.OrgID).Scan(&capacity); err != nil {
		return f, mapError(err, "Organisation")
	}
	if capacity > 0 && subject.Capacity > capacity {
		f.OverCapacity, f.OrgCapacity = true, capacity
	}
	f.OverRoster = c.Enrolled > subject.Capacity
	blocked, e, err := db.OrgBlocked(ctx, c.OrgID, now)
	if err != nil {
		return f, err
	}
	f.Blocked, f.Sanction = blocked, e.Kind
	return f, nil
}

// OrgNames names the organisations of the given ids that lie within scope, for listings.
func (db *DB) OrgNames(ctx context.Context, s xiangpei.Scope, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for _, id := range ids {
		if _, ok := out[id]; ok {
			continue
		}
		o, err := db.Org(ctx, s, id)
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = o.Name
	}
	return out, nil
}
