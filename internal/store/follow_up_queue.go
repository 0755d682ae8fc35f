package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"time"

	"xiangpei"
)

// 就业回访 — the follow-up call queue (docs/employment-followup.md "Follow-ups"): every
// completer of a class and every technical-school graduate within scope is followed up 3 and 6
// months after completion (graduation). The queue is computed, not stored: a lean read of the
// completions that can have a follow-up due in the window (their id, their day and which
// follow-ups are recorded, nothing else), sorted and paged in Go, then the names, classes and
// known employment of the page's rows only — so a city's queue reads a few megabytes, not every
// completion's details.

// FollowUpOverdueDays is how long after its due day a follow-up becomes overdue.
const FollowUpOverdueDays = 30

// FollowUpQueueMonths is how far back the queue reaches: a follow-up due more than a year ago
// and never recorded leaves the queue (it is then too late to learn anything by a call).
const FollowUpQueueMonths = 12

// FollowUpTask is one follow-up of one completion: a trainee's (TraineeID) or a technical-school
// graduate's (DiplomaID; ClassName is then the school and major).
type FollowUpTask struct {
	TraineeID     int64
	DiplomaID     int64
	PersonID      int64
	PersonName    string
	MaskedID      string
	ClassID       int64
	ClassName     string
	County        string
	CompletedOn   time.Time
	Month         int
	Due           time.Time
	Overdue       bool
	Employed      bool   // a verified record covers a day since completion
	KnownEmployer string // the employer of that record
	Outcome       FollowUpOutcome
}

// queueCompletion is a completion as the queue reads it first: which one, its day, and the
// months whose follow-up is recorded (bit 1: 3 months, bit 2: 6 months).
type queueCompletion struct {
	trainee, diploma int64
	on               time.Time
	recorded         int
}

// recordedBit is the bit of queueCompletion.recorded for a follow-up month: the queries set 1
// for the 3-month follow-up and 2 for the 6-month one.
func recordedBit(month int) int {
	if month == 3 {
		return 1
	}
	return 2
}

// FollowUps lists the open follow-ups within scope that are due (due day today or earlier, at
// most FollowUpQueueMonths back), oldest due first, with the total. They are computed from the
// completions each time; recording an outcome closes one.
func (db *DB) FollowUps(ctx context.Context, s xiangpei.Scope, p Page) ([]FollowUpTask, int, error) {
	now := db.Now()
	today := parseDay(xiangpei.ChinaDate(now))
	oldest := xiangpei.AddMonths(today, -FollowUpQueueMonths)
	// a follow-up due in [oldest, today] belongs to a completion of [oldest − 6 months, today −
	// 3 months]; a few days' slack either side covers month ends, the exact test is below.
	from := xiangpei.AddMonths(oldest, -6).AddDate(0, 0, -4)
	to := xiangpei.AddMonths(today, -3).AddDate(0, 0, 4)
	list, err := queueCompletions(ctx, db.read, s, from, to)
	if err != nil {
		return nil, 0, err
	}
	// what is sorted is small: the completion (its index), the month, the due day (a China midnight)
	type entry struct {
		due   time.Time
		c     int32
		month int32
	}
	open := make([]entry, 0, len(list)*len(xiangpei.FollowUpMonths))
	for i, c := range list {
		for _, m := range xiangpei.FollowUpMonths {
			due := xiangpei.AddMonths(c.on, m)
			if due.After(today) || due.Before(oldest) || c.recorded&recordedBit(m) != 0 {
				continue
			}
			open = append(open, entry{due: due, c: int32(i), month: int32(m)})
		}
	}
	slices.SortFunc(open, func(x, y entry) int {
		cx, cy := list[x.c], list[y.c]
		return cmp.Or(x.due.Compare(y.due), cmp.Compare(cx.trainee, cy.trainee), cmp.Compare(cx.diploma, cy.diploma), cmp.Compare(x.month, y.month))
	})
	total := len(open)
	if p != (Page{}) {
		lo := min(p.offset(), total)
		open = open[lo:min(lo+p.limit(), total)]
	}
	tasks := make([]FollowUpTask, len(open))
	for i, e := range open {
		c := list[e.c]
		tasks[i] = FollowUpTask{TraineeID: c.trainee, DiplomaID: c.diploma, CompletedOn: c.on, Month: int(e.month), Due: e.due,
			Overdue: e.due.AddDate(0, 0, FollowUpOverdueDays).Before(today)}
	}
	return tasks, total, followUpDetails(ctx, db.read, tasks, xiangpei.ChinaDate(today))
}

// queueCompletions reads the completions within scope whose day (China date) falls in
// [from, to): trainees who completed a class that ended then, and graduates of then.
func queueCompletions(ctx context.Context, q querier, s xiangpei.Scope, from, to time.Time) ([]queueCompletion, error) {
	a := scopeOf(s)
	// last_session is a moment: widen by a day each side and keep the China dates in Go.
	rows, err := q.QueryContext(ctx, `SELECT t.id, CAST(cl.last_session AS TEXT),
		CASE WHEN f3.id IS NULL THEN 0 ELSE 1 END + CASE WHEN f6.id IS NULL THEN 0 ELSE 2 END
		FROM trainees t JOIN classes cl ON cl.id = t.class_id
		LEFT JOIN follow_up_outcomes f3 ON f3.trainee_id = t.id AND f3.month = 3
		LEFT JOIN follow_up_outcomes f6 ON f6.trainee_id = t.id AND f6.month = 6
		WHERE t.status = 'completed' AND cl.last_session >= $5 AND cl.last_session < $6 AND`+completionScope,
		a.all, a.region, a.org, a.person, from.Add(-24*time.Hour), to.Add(24*time.Hour))
	if err != nil {
		return nil, err
	}
	fromDay, toDay := xiangpei.ChinaDate(from), xiangpei.ChinaDate(to)
	list, err := collect(rows, func(r scanner) (queueCompletion, error) {
		var c queueCompletion
		var last sql.RawBytes // read by eventNanos, not the driver's general time parser
		if err := r.Scan(&c.trainee, &last, &c.recorded); err != nil {
			return c, err
		}
		n, ok := eventNanos(last)
		if !ok {
			return c, fmt.Errorf("follow-up queue: trainee %d: class end %q", c.trainee, last)
		}
		c.on = parseDay(xiangpei.ChinaDate(time.Unix(0, n)))
		return c, nil
	})
	if err != nil {
		return nil, err
	}
	list = slices.DeleteFunc(list, func(c queueCompletion) bool {
		d := xiangpei.ChinaDate(c.on)
		return d < fromDay || d >= toDay
	})
	rows, err = q.QueryContext(ctx, `SELECT d.id, d.graduated_on,
		CASE WHEN f3.id IS NULL THEN 0 ELSE 1 END + CASE WHEN f6.id IS NULL THEN 0 ELSE 2 END
		FROM diplomas d JOIN students s ON s.id = d.student_id
		LEFT JOIN graduate_follow_ups f3 ON f3.diploma_id = d.id AND f3.month = 3
		LEFT JOIN graduate_follow_ups f6 ON f6.diploma_id = d.id AND f6.month = 6
		WHERE d.graduated_on >= $5 AND d.graduated_on < $6 AND`+graduateScope,
		a.all, a.region, a.org, a.person, fromDay, toDay)
	if err != nil {
		return nil, err
	}
	grads, err := collect(rows, func(r scanner) (queueCompletion, error) {
		var c queueCompletion
		var on string
		err := r.Scan(&c.diploma, &on, &c.recorded)
		c.on = parseDay(on)
		return c, err
	})
	return append(list, grads...), err
}

// followUpDetails fills in the tasks' person, class (or school and major), county and the
// employment already known: a verified record of the person that covers a day since the
// completion and has begun by today.
func followUpDetails(ctx context.Context, q querier, tasks []FollowUpTask, today string) error {
	type detail struct {
		person, class      int64
		name, id, cls, cty string
	}
	trainees, diplomas := map[int64]*detail{}, map[int64]*detail{}
	for _, t := range tasks {
		if t.DiplomaID != 0 {
			diplomas[t.DiplomaID] = &detail{}
		} else {
			trainees[t.TraineeID] = &detail{}
		}
	}
	read := func(query string, into map[int64]*detail) error {
		return eachChunk(ctx, q, query, slices.Collect(maps.Keys(into)), 0, nil, func(r scanner) error {
			var key int64
			var d detail
			if err := r.Scan(&key, &d.person, &d.class, &d.name, &d.id, &d.cls, &d.cty); err != nil {
				return err
			}
			*into[key] = d
			return nil
		})
	}
	if err := read(`SELECT t.id, t.person_id, t.class_id, p.name, p.id_number, cl.name, cl.county FROM trainees t
		JOIN classes cl ON cl.id = t.class_id JOIN persons p ON p.id = t.person_id WHERE t.id IN (`+inList1+`)`, trainees); err != nil {
		return err
	}
	if err := read(`SELECT d.id, d.person_id, 0, p.name, p.id_number, o.name || ' · ' || m.name, s.county FROM diplomas d
		JOIN students s ON s.id = d.student_id JOIN organisations o ON o.id = d.school_id JOIN majors m ON m.id = d.major_id
		JOIN persons p ON p.id = d.person_id WHERE d.id IN (`+inList1+`)`, diplomas); err != nil {
		return err
	}
	persons := map[int64]bool{}
	for i := range tasks {
		t := &tasks[i]
		d := trainees[t.TraineeID]
		if t.DiplomaID != 0 {
			d = diplomas[t.DiplomaID]
		}
		t.PersonID, t.ClassID, t.PersonName, t.MaskedID = d.person, d.class, d.name, xiangpei.IDNumber(d.id).Masked()
		t.ClassName, t.County = d.cls, d.cty
		persons[d.person] = true
	}
	type spell struct {
		employer     string
		starts, ends string
	}
	spells := map[int64][]spell{}
	err := eachChunk(ctx, q, `SELECT e.person_id, e.employer_name, e.starts_on, e.ends_on FROM employment_records e
		WHERE e.verified AND e.person_id IN (`+inList1+`) ORDER BY e.person_id, e.starts_on, e.id`, slices.Collect(maps.Keys(persons)), 0, nil,
		func(r scanner) error {
			var pid int64
			var sp spell
			err := r.Scan(&pid, &sp.employer, &sp.starts, &sp.ends)
			spells[pid] = append(spells[pid], sp)
			return err
		})
	if err != nil {
		return err
	}
	for i := range tasks {
		t := &tasks[i]
		since := xiangpei.ChinaDate(t.CompletedOn)
		for _, sp := range spells[t.PersonID] {
			if (sp.ends == "" || sp.ends >= since) && sp.starts <= today {
				t.Employed, t.KnownEmployer = true, sp.employer
			}
		}
	}
	return nil
}
