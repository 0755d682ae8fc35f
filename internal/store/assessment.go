package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"xiangpei"
)

// 评 — assessment plans (认定计划, SPEC §5): an assessment body schedules a plan for an
// occupation and level, for the completers of one closed class or open to individuals; it names
// its examiners, takes candidates, records scores (by hand or by import, see
// assessment_import.go) and publishes results, which issues a certificate for every pass.

// planCols are the columns scanPlan reads, in its order.
const planCols = `p.id, p.org_id, o.name, p.county, p.occupation_code,
	COALESCE((SELECT oc.name FROM occupations oc WHERE oc.code = p.occupation_code), ''), p.level, p.mode,
	COALESCE(p.class_id, 0), p.exam_at, p.venue, p.capacity, p.pass_theory, p.pass_practical, p.status, p.published_at,
	p.created_at, p.updated_at, p.version,
	(SELECT COUNT(*) FROM candidates lc WHERE lc.plan_id = p.id AND lc.status IN ('registered','accepted')),
	(SELECT COUNT(*) FROM candidates pc WHERE pc.plan_id = p.id AND pc.result = 'pass'),
	COALESCE((SELECT cc.name || ' · ' || co.name FROM classes cc JOIN organisations co ON co.id = cc.org_id WHERE cc.id = p.class_id), '')`

const planFrom = ` FROM assessment_plans p JOIN organisations o ON o.id = p.org_id`

// planScope restricts plans p to a scope whose scopeArgs are $1–$4: officers by the body's
// county, staff of a body to its own plans, a person to the plans they are a candidate of.
const planScope = ` ($1 OR p.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR p.org_id = $3)
	AND (CAST($4 AS BIGINT) = 0 OR p.id IN (SELECT sc.plan_id FROM candidates sc WHERE sc.person_id = $4))`

// planScan holds the destinations of planCols for one row; done finishes the plan.
type planScan struct {
	p            xiangpei.Plan
	mode, status string
	published    sql.NullTime
}

func (x *planScan) dest() []any {
	p := &x.p
	return []any{&p.ID, &p.OrgID, &p.OrgName, &p.County, &p.OccupationCode, &p.OccupationName, &p.Level, &x.mode,
		&p.ClassID, &p.ExamAt, &p.Venue, &p.Capacity, &p.PassTheory, &p.PassPractical, &x.status, &x.published,
		&p.CreatedAt, &p.UpdatedAt, &p.Version, &p.Candidates, &p.Passed, &p.ClassName}
}

func (x *planScan) done() xiangpei.Plan {
	p := x.p
	p.Mode, p.Status = xiangpei.PlanMode(x.mode), xiangpei.PlanStatus(x.status)
	if x.published.Valid {
		p.PublishedAt = x.published.Time.UTC()
	}
	p.ExamAt, p.CreatedAt, p.UpdatedAt = p.ExamAt.UTC(), p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p
}

func scanPlan(r scanner) (xiangpei.Plan, error) {
	var x planScan
	err := r.Scan(x.dest()...)
	return x.done(), err
}

func planByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (xiangpei.Plan, error) {
	a := scopeOf(s)
	p, err := scanPlan(q.QueryRowContext(ctx, `SELECT `+planCols+planFrom+` WHERE p.id = $5 AND`+planScope,
		a.all, a.region, a.org, a.person, id))
	if err != nil {
		return p, mapError(err, "Assessment plan")
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name, id_number FROM plan_examiners WHERE plan_id = $1 ORDER BY name, id`, id)
	if err != nil {
		return p, err
	}
	p.Examiners, err = collect(rows, func(r scanner) (xiangpei.Examiner, error) {
		var e xiangpei.Examiner
		var idn string
		err := r.Scan(&e.ID, &e.Name, &idn)
		e.IDNumber = xiangpei.IDNumber(idn)
		return e, err
	})
	return p, err
}

// Plan reads an assessment plan within scope with its examiners; outside scope, NotFound.
func (db *DB) Plan(ctx context.Context, s xiangpei.Scope, id int64) (xiangpei.Plan, error) {
	return planByID(ctx, db.read, s, id)
}

// Plan reads an assessment plan within scope inside the transaction.
func (tx *Tx) Plan(s xiangpei.Scope, id int64) (xiangpei.Plan, error) {
	return planByID(tx.ctx, tx.tx, s, id)
}

// PlanFilter narrows a list of plans.
type PlanFilter struct {
	Status     xiangpei.PlanStatus // "" any
	Occupation string              // "" any
	Year       int                 // 0 any: the year of the exam, China time
}

// Plans lists the plans within scope that pass the filter, the latest exam first, with the
// total.
func (db *DB) Plans(ctx context.Context, s xiangpei.Scope, f PlanFilter, page Page) ([]xiangpei.Plan, int, error) {
	a := scopeOf(s)
	from, to := xiangpei.ChinaYear(max(f.Year, 1))
	where := planFrom + ` WHERE` + planScope + ` AND ($5 = '' OR p.status = $5) AND ($6 = '' OR p.occupation_code = $6)
		AND (CAST($7 AS INTEGER) = 0 OR (p.exam_at >= $8 AND p.exam_at < $9))`
	args := []any{a.all, a.region, a.org, a.person, string(f.Status), strings.TrimSpace(f.Occupation), f.Year, from, to}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+planCols+where+` ORDER BY p.exam_at DESC, p.id DESC LIMIT $10 OFFSET $11`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanPlan)
	return out, total, err
}

// ---- the public portal ----

// OpenExams lists the open-mode plans that take sign-ups now (announced, before the day of the
// exam), the soonest first, with the total: the public portal's list.
func (db *DB) OpenExams(ctx context.Context, page Page) ([]xiangpei.Plan, int, error) {
	now := db.Now()
	d := now.In(xiangpei.ChinaTime)
	tomorrow := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, xiangpei.ChinaTime).AddDate(0, 0, 1).UTC()
	where := planFrom + ` WHERE p.mode = 'open' AND p.status = 'open' AND p.exam_at >= $1`
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, tomorrow).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+planCols+where+` ORDER BY p.exam_at, p.id LIMIT $2 OFFSET $3`,
		tomorrow, int64(page.limit()), int64(page.offset()))
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanPlan)
	return out, total, err
}

// Exam reads an open-mode plan for the public portal: announced or published; any other plan
// is NotFound. Its examiners are not read (they are not public).
func (db *DB) Exam(ctx context.Context, id int64) (xiangpei.Plan, error) {
	p, err := scanPlan(db.read.QueryRowContext(ctx, `SELECT `+planCols+planFrom+`
		WHERE p.id = $1 AND p.mode = 'open' AND p.status IN ('open','published')`, id))
	return p, mapError(err, "Assessment")
}

// ---- classes a plan may be for ----

// ClassOption is a closed class an assessment body may schedule a plan for: no trainee data
// beyond the number of completers.
type ClassOption struct {
	ID             int64
	Name           string
	OrgName        string
	County         string
	OccupationCode string
	Level          string
	FirstSession   time.Time
	LastSession    time.Time
	Completers     int
}

// planCityOf is the LIKE pattern of the city a county lies in.
func planCityOf(county string) string {
	if len(county) < 4 {
		return "-"
	}
	return county[:4] + "%"
}

// ClosedClasses lists the closed classes in the city of an assessment body within scope, of an
// occupation and level ("" any), with their completers, the latest first.
func (db *DB) ClosedClasses(ctx context.Context, s xiangpei.Scope, orgID int64, occupation, level string) ([]ClassOption, error) {
	o, err := db.Org(ctx, s, orgID)
	if err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT c.id, c.name, o.name, c.county, c.occupation_code, c.level, c.first_session,
		c.last_session, (SELECT COUNT(*) FROM trainees t WHERE t.class_id = c.id AND t.status = 'completed')
		FROM classes c JOIN organisations o ON o.id = c.org_id
		WHERE c.status = 'closed' AND c.county LIKE $1 AND ($2 = '' OR c.occupation_code = $2) AND ($3 = '' OR c.level = $3)
		ORDER BY c.last_session DESC, c.id DESC LIMIT 500`, planCityOf(o.County), occupation, level)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (ClassOption, error) {
		var c ClassOption
		err := r.Scan(&c.ID, &c.Name, &c.OrgName, &c.County, &c.OccupationCode, &c.Level, &c.FirstSession, &c.LastSession, &c.Completers)
		c.FirstSession, c.LastSession = c.FirstSession.UTC(), c.LastSession.UTC()
		return c, err
	})
}

// ---- examiner = teacher ----

// ExaminerConflict is an examiner of a plan who taught one of its candidates: the teacher of a
// class the candidate completed (the plan's class, or another class in the same occupation).
type ExaminerConflict struct {
	PlanID, OrgID                 int64
	OrgName, County, ExaminerName string
	CandidateID, PersonID         int64
	CandidateName                 string
	ClassID                       int64
	ClassName                     string
}

// taughtClasses is the SQL of the classes a candidate completed whose teachers may not examine
// them, joined to their teachers: the candidate's own class and every class of the plan's
// occupation they completed. It expects aliases p (plan) and c (candidate), and binds tc.
const taughtClasses = ` JOIN trainees tr ON tr.person_id = c.person_id AND tr.status = 'completed'
	JOIN classes cl ON cl.id = tr.class_id AND (cl.id = c.class_id OR cl.occupation_code = p.occupation_code)
	JOIN teachers tc ON tc.id IN (SELECT ct.teacher_id FROM class_teachers ct WHERE ct.class_id = cl.id)
		OR tc.id IN (SELECT cs.teacher_id FROM class_sessions cs WHERE cs.class_id = cl.id)`

// ExaminerTeacherConflicts lists, for the plans within scope whose exam falls in year (0: any),
// every examiner who taught one of the plan's candidates, for the officers' list of signals.
// Cancelled plans and candidates who were rejected or withdrew are left out.
func (db *DB) ExaminerTeacherConflicts(ctx context.Context, s xiangpei.Scope, year int) ([]ExaminerConflict, error) {
	a := scopeOf(s)
	from, to := xiangpei.ChinaYear(max(year, 1))
	rows, err := db.read.QueryContext(ctx, `SELECT DISTINCT p.id, p.org_id, o.name, p.county, e.name, c.id, c.person_id, pe.name,
		cl.id, cl.name, p.exam_at
		FROM assessment_plans p JOIN organisations o ON o.id = p.org_id
		JOIN plan_examiners e ON e.plan_id = p.id
		JOIN candidates c ON c.plan_id = p.id AND c.status IN ('registered','accepted')
		JOIN persons pe ON pe.id = c.person_id`+taughtClasses+`
		WHERE tc.id_number = e.id_number AND p.status <> 'cancelled' AND`+planScope+`
		AND (CAST($5 AS INTEGER) = 0 OR (p.exam_at >= $6 AND p.exam_at < $7))
		ORDER BY p.exam_at DESC, p.id, e.name, pe.name, c.id, cl.id`, a.all, a.region, a.org, a.person, year, from, to)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (ExaminerConflict, error) {
		var x ExaminerConflict
		var at time.Time
		err := r.Scan(&x.PlanID, &x.OrgID, &x.OrgName, &x.County, &x.ExaminerName, &x.CandidateID, &x.PersonID, &x.CandidateName,
			&x.ClassID, &x.ClassName, &at)
		return x, err
	})
}

// taughtBy lists the classes a person completed (classID, or any of the occupation) with the
// ID numbers of their teachers.
func (tx *Tx) taughtBy(personID, classID int64, occupation string) (map[string][]xiangpei.IDNumber, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT DISTINCT cl.name, tc.id_number
		FROM (SELECT CAST($1 AS BIGINT) AS person_id, CAST($2 AS BIGINT) AS class_id) c
		JOIN (SELECT CAST($3 AS TEXT) AS occupation_code) p ON TRUE`+taughtClasses, personID, classID, occupation)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]xiangpei.IDNumber{}
	for rows.Next() {
		var name, idn string
		if err := rows.Scan(&name, &idn); err != nil {
			return nil, err
		}
		out[name] = append(out[name], xiangpei.IDNumber(idn))
	}
	return out, rows.Err()
}

// checkExaminers refuses when an examiner taught the candidate, naming both.
func (tx *Tx) checkExaminers(examiners []xiangpei.Examiner, personID, classID int64, occupation, candidate string) error {
	taught, err := tx.taughtBy(personID, classID, occupation)
	if err != nil {
		return err
	}
	for class, ids := range taught {
		if c := xiangpei.ExaminerConflicts(examiners, ids); len(c) > 0 {
			return xiangpei.Errorf(xiangpei.Conflict, "assess.examiner_taught",
				"Examiner %v taught candidate %v (class %v) and may not examine them: name another examiner.", c[0].Name, candidate, class)
		}
	}
	return nil
}

// checkAllExaminers checks every live candidate of a plan against its examiners.
func (tx *Tx) checkAllExaminers(p xiangpei.Plan) error {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT c.person_id, COALESCE(c.class_id, 0), pe.name FROM candidates c
		JOIN persons pe ON pe.id = c.person_id WHERE c.plan_id = $1 AND c.status IN ('registered','accepted') ORDER BY pe.name`, p.ID)
	if err != nil {
		return err
	}
	type cand struct {
		person, class int64
		name          string
	}
	list, err := collect(rows, func(r scanner) (cand, error) {
		var c cand
		err := r.Scan(&c.person, &c.class, &c.name)
		return c, err
	})
	if err != nil {
		return err
	}
	for _, c := range list {
		if err := tx.checkExaminers(p.Examiners, c.person, c.class, p.OccupationCode, c.name); err != nil {
			return err
		}
	}
	return nil
}

// ---- scheduling ----

// assessmentBody reads an organisation within scope and checks that it is an assessment body.
func (tx *Tx) assessmentBody(s xiangpei.Scope, orgID int64) (xiangpei.Organisation, error) {
	o, err := tx.Org(s, orgID)
	if err != nil {
		return o, err
	}
	if o.Kind != xiangpei.OrgAssessor {
		return o, xiangpei.Errorf(xiangpei.Forbidden, "assess.not_body", "Only assessment bodies schedule assessment plans.")
	}
	return o, nil
}

// checkPlanInput validates a plan against the reference data and, for a class, the class.
func (tx *Tx) checkPlanInput(o xiangpei.Organisation, planID int64, in xiangpei.PlanInput) (xiangpei.PlanInput, []int64, error) {
	in, err := in.Validate(tx.Now)
	if err != nil {
		return in, nil, err
	}
	if err := tx.checkOccupation(in.OccupationCode, in.Level); err != nil {
		return in, nil, err
	}
	if in.Mode != xiangpei.PlanForClass {
		return in, nil, nil
	}
	var status, occ, level, county string
	err = tx.tx.QueryRowContext(tx.ctx, `SELECT status, occupation_code, level, county FROM classes WHERE id = $1`, in.ClassID).
		Scan(&status, &occ, &level, &county)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !strings.HasPrefix(county, strings.TrimSuffix(planCityOf(o.County), "%"))) {
		return in, nil, xiangpei.Errorf(xiangpei.Invalid, "assess.class_unknown", "There is no such class in your city: choose one from the list.")
	}
	if err != nil {
		return in, nil, err
	}
	if status != string(xiangpei.ClassClosed) {
		return in, nil, xiangpei.Errorf(xiangpei.Invalid, "assess.class_not_closed", "The class has not closed yet: its completers are known only when it closes.")
	}
	if occ != in.OccupationCode || level != in.Level {
		return in, nil, xiangpei.Errorf(xiangpei.Invalid, "assess.class_mismatch", "The class trained another occupation or level than the plan's.")
	}
	if err := tx.refuse(xiangpei.Errorf(xiangpei.Conflict, "assess.class_taken", "Another plan is already scheduled for this class."),
		`SELECT 1 FROM assessment_plans WHERE class_id = $1 AND id <> $2 AND status <> 'cancelled'`, in.ClassID, planID); err != nil {
		return in, nil, err
	}
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT person_id FROM trainees WHERE class_id = $1 AND status = 'completed' ORDER BY id`, in.ClassID)
	if err != nil {
		return in, nil, err
	}
	persons, err := collect(rows, func(r scanner) (int64, error) {
		var id int64
		err := r.Scan(&id)
		return id, err
	})
	if err != nil {
		return in, nil, err
	}
	if len(persons) == 0 {
		return in, nil, xiangpei.Errorf(xiangpei.Invalid, "assess.class_no_completers", "No trainee completed this class: there is nobody to assess.")
	}
	if len(persons) > in.Capacity {
		return in, nil, xiangpei.Errorf(xiangpei.Invalid, "assess.class_over_capacity", "The class has %v completers but the plan only %v places: raise the number of places.", len(persons), in.Capacity)
	}
	return in, persons, nil
}

// writeExaminers replaces a plan's examiners.
func (tx *Tx) writeExaminers(planID int64, es []xiangpei.Examiner) error {
	if _, err := tx.exec(`DELETE FROM plan_examiners WHERE plan_id = $1`, planID); err != nil {
		return err
	}
	for _, e := range es {
		if _, err := tx.exec(`INSERT INTO plan_examiners (id, plan_id, name, id_number) VALUES ($1, $2, $3, $4)`,
			xiangpei.NewID(), planID, e.Name, string(e.IDNumber)); err != nil {
			return mapError(err, "Examiner")
		}
	}
	return nil
}

// addClassCandidates puts the completers of a class on a plan, accepted, after the examiner
// check of each.
func (tx *Tx) addClassCandidates(p xiangpei.Plan, persons []int64) error {
	now := tx.Now.Truncate(time.Microsecond)
	for _, id := range persons {
		person, err := personByID(tx.ctx, tx.tx, id)
		if err != nil {
			return err
		}
		if err := tx.checkExaminers(p.Examiners, id, p.ClassID, p.OccupationCode, person.Name); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO candidates (id, plan_id, person_id, class_id, source, status, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, 'class', 'accepted', $5, $5, 1)`, xiangpei.NewID(), p.ID, id, p.ClassID, now); err != nil {
			return mapError(err, "Candidate")
		}
	}
	return nil
}

// CreatePlan schedules a plan of an assessment body within scope, as a draft. For a class, the
// class's completers become its candidates, accepted; none of them may have been taught by an
// examiner.
func (tx *Tx) CreatePlan(s xiangpei.Scope, orgID int64, in xiangpei.PlanInput) (xiangpei.Plan, error) {
	o, err := tx.assessmentBody(s, orgID)
	if err != nil {
		return xiangpei.Plan{}, err
	}
	id := xiangpei.NewID()
	in, persons, err := tx.checkPlanInput(o, id, in)
	if err != nil {
		return xiangpei.Plan{}, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO assessment_plans (id, org_id, county, occupation_code, level, mode, class_id, exam_at, venue,
		capacity, pass_theory, pass_practical, status, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'draft', $13, $13, 1)`,
		id, o.ID, o.County, in.OccupationCode, in.Level, string(in.Mode), nullID(in.ClassID), in.ExamAt.UTC(), in.Venue,
		in.Capacity, in.PassTheory, in.PassPractical, now); err != nil {
		return xiangpei.Plan{}, mapError(err, "Assessment plan")
	}
	if err := tx.writeExaminers(id, in.Examiners); err != nil {
		return xiangpei.Plan{}, err
	}
	p := xiangpei.Plan{ID: id, OccupationCode: in.OccupationCode, ClassID: in.ClassID, Examiners: in.Examiners}
	if err := tx.addClassCandidates(p, persons); err != nil {
		return xiangpei.Plan{}, err
	}
	if err := tx.Audit("plan.create", "assessment_plan", id, o.County, map[string]any{"org": o.ID, "occupation": in.OccupationCode,
		"level": in.Level, "mode": in.Mode, "class": in.ClassID, "exam_at": in.ExamAt.UTC(), "capacity": in.Capacity,
		"candidates": len(persons)}); err != nil {
		return xiangpei.Plan{}, err
	}
	return tx.Plan(s, id)
}

// PlanInputOf turns a plan back into its input, for the edit form.
func PlanInputOf(p xiangpei.Plan) xiangpei.PlanInput {
	return xiangpei.PlanInput{OccupationCode: p.OccupationCode, Level: p.Level, Mode: p.Mode, ClassID: p.ClassID, ExamAt: p.ExamAt,
		Venue: p.Venue, Capacity: p.Capacity, PassTheory: p.PassTheory, PassPractical: p.PassPractical,
		Examiners: append([]xiangpei.Examiner(nil), p.Examiners...)}
}

// UpdatePlan changes a draft plan within scope at the given version. A plan for a class takes
// the class's completers again; an open plan keeps its candidates, who must still fit and be
// checked against the examiners.
func (tx *Tx) UpdatePlan(s xiangpei.Scope, id, version int64, in xiangpei.PlanInput) (xiangpei.Plan, error) {
	cur, err := tx.Plan(s, id)
	if err != nil {
		return cur, err
	}
	if cur.Status != xiangpei.PlanDraft {
		return cur, xiangpei.Errorf(xiangpei.Conflict, "assess.not_draft", "Only a draft plan can be changed.")
	}
	if cur.Version != version {
		return cur, xiangpei.StaleVersion()
	}
	o, err := tx.assessmentBody(xiangpei.Scope{All: true}, cur.OrgID)
	if err != nil {
		return cur, err
	}
	in, persons, err := tx.checkPlanInput(o, id, in)
	if err != nil {
		return cur, err
	}
	if _, err := tx.exec(`DELETE FROM candidates WHERE plan_id = $1 AND source = 'class'`, id); err != nil {
		return cur, err
	}
	var others int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM candidates WHERE plan_id = $1 AND status IN ('registered','accepted')`, id).
		Scan(&others); err != nil {
		return cur, err
	}
	if in.Mode == xiangpei.PlanForClass && others > 0 {
		return cur, xiangpei.Errorf(xiangpei.Conflict, "assess.mode_has_candidates", "The plan already has individual candidates: it cannot become a plan for a class.")
	}
	if others > in.Capacity {
		return cur, xiangpei.Errorf(xiangpei.Invalid, "assess.capacity_below", "The plan already has %v candidates: it needs at least as many places.", others)
	}
	now := tx.Now.Truncate(time.Microsecond)
	if err := tx.execVersioned("Assessment plan", `SELECT 1 FROM assessment_plans WHERE id = $1`, id,
		`UPDATE assessment_plans SET occupation_code = $3, level = $4, mode = $5, class_id = $6, exam_at = $7, venue = $8,
		capacity = $9, pass_theory = $10, pass_practical = $11, updated_at = $12, version = version + 1
		WHERE id = $1 AND version = $2 AND status = 'draft'`,
		id, version, in.OccupationCode, in.Level, string(in.Mode), nullID(in.ClassID), in.ExamAt.UTC(), in.Venue, in.Capacity,
		in.PassTheory, in.PassPractical, now); err != nil {
		return cur, err
	}
	if err := tx.writeExaminers(id, in.Examiners); err != nil {
		return cur, err
	}
	p := xiangpei.Plan{ID: id, OccupationCode: in.OccupationCode, ClassID: in.ClassID, Examiners: in.Examiners}
	if err := tx.addClassCandidates(p, persons); err != nil {
		return cur, err
	}
	if err := tx.checkAllExaminers(xiangpei.Plan{ID: id, OccupationCode: in.OccupationCode, Examiners: in.Examiners}); err != nil {
		return cur, err
	}
	if err := tx.Audit("plan.update", "assessment_plan", id, cur.County, map[string]any{"occupation": in.OccupationCode,
		"level": in.Level, "mode": in.Mode, "class": in.ClassID, "exam_at": in.ExamAt.UTC(), "capacity": in.Capacity}); err != nil {
		return cur, err
	}
	return tx.Plan(s, id)
}

// PublishNote writes the in-app message a candidate gets when results are published; nil
// uses a plain Chinese text.
type PublishNote func(p xiangpei.Plan, c CandidateRow, cert *xiangpei.Certificate) string

func planDefaultNote(p xiangpei.Plan, c CandidateRow, cert *xiangpei.Certificate) string {
	what := fmt.Sprintf("%s（%s）", p.OccupationName, p.Level)
	switch {
	case cert != nil:
		return fmt.Sprintf("您参加的%s认定结果已公布：合格。证书编号 %s。", what, cert.Number)
	case c.Result == xiangpei.ResultAbsent:
		return fmt.Sprintf("您参加的%s认定结果已公布：缺考。", what)
	}
	return fmt.Sprintf("您参加的%s认定结果已公布：不合格。", what)
}

// MovePlan applies an action to a plan within scope at the given version. Announcing checks
// every candidate against the examiners once more; publishing needs a decision on every
// sign-up and a result for every accepted candidate, issues a certificate for every pass and
// sends every candidate an in-app message with their result. Published plans are read-only.
func (tx *Tx) MovePlan(s xiangpei.Scope, id, version int64, act xiangpei.PlanAction, note PublishNote) (xiangpei.Plan, error) {
	p, err := tx.Plan(s, id)
	if err != nil {
		return p, err
	}
	if s.OrgID == 0 || s.OrgID != p.OrgID {
		return p, xiangpei.Errorf(xiangpei.Forbidden, "assess.body_only", "Only the assessment body of the plan can do this.")
	}
	if p.Version != version {
		return p, xiangpei.StaleVersion()
	}
	next, err := p.Status.Next(act)
	if err != nil {
		return p, err
	}
	now := tx.Now.Truncate(time.Microsecond)
	detail := map[string]any{"from": p.Status, "to": next}
	switch act {
	case xiangpei.PlanAnnounce:
		if !p.ExamAt.After(tx.Now) {
			return p, xiangpei.Errorf(xiangpei.Conflict, "assess.exam_passed", "The exam time has passed: change the plan's date first.")
		}
		if p.Candidates > p.Capacity {
			return p, xiangpei.Errorf(xiangpei.Conflict, "assess.capacity_below", "The plan already has %v candidates: it needs at least as many places.", p.Candidates)
		}
		if err := tx.checkAllExaminers(p); err != nil {
			return p, err
		}
	case xiangpei.PlanPublish:
		n, err := tx.publish(p, note)
		if err != nil {
			return p, err
		}
		detail["certificates"] = n
	}
	published := any(nil)
	if next == xiangpei.PlanPublished {
		published = now
	}
	if err := tx.execVersioned("Assessment plan", `SELECT 1 FROM assessment_plans WHERE id = $1`, id,
		`UPDATE assessment_plans SET status = $3, published_at = COALESCE($4, published_at), updated_at = $5, version = version + 1
		WHERE id = $1 AND version = $2`, id, version, string(next), published, now); err != nil {
		return p, err
	}
	if err := tx.Audit("plan."+string(act), "assessment_plan", id, p.County, detail); err != nil {
		return p, err
	}
	return tx.Plan(s, id)
}

// publish issues the certificates and messages of a plan's results; it returns the number of
// certificates issued.
func (tx *Tx) publish(p xiangpei.Plan, note PublishNote) (int, error) {
	if note == nil {
		note = planDefaultNote
	}
	cands, err := tx.planCandidates(p.ID)
	if err != nil {
		return 0, err
	}
	for _, c := range cands {
		switch {
		case c.Status == xiangpei.CandidateRegistered:
			return 0, xiangpei.Errorf(xiangpei.Conflict, "assess.undecided", "Candidate %v signed up and is still waiting: accept or refuse every sign-up before publishing.", c.Name)
		case c.Status == xiangpei.CandidateAccepted && c.Result == xiangpei.ResultPending:
			return 0, xiangpei.Errorf(xiangpei.Conflict, "assess.result_missing", "Candidate %v has no result yet: record every score or mark the candidate absent before publishing.", c.Name)
		}
	}
	now := tx.Now.Truncate(time.Microsecond)
	issued := 0
	for _, c := range cands {
		if c.Status != xiangpei.CandidateAccepted {
			continue
		}
		var cert *xiangpei.Certificate
		if c.Result == xiangpei.ResultPass {
			ct, err := tx.IssueCertificate(xiangpei.Certificate{Level: p.Level, PersonID: c.PersonID, County: p.County,
				OccupationCode: p.OccupationCode, IssuerOrgID: p.OrgID, Source: xiangpei.CertFromAssessment, SourceID: c.ID})
			if err != nil {
				return 0, err
			}
			if _, err := tx.exec(`UPDATE candidates SET certificate_id = $2, updated_at = $3, version = version + 1 WHERE id = $1`,
				c.ID, ct.ID, now); err != nil {
				return 0, err
			}
			cert = &ct
			issued++
		}
		if _, err := tx.NotifyPerson(c.PersonID, note(p, c, cert)); err != nil {
			return 0, err
		}
	}
	return issued, nil
}

// ---- candidates ----

// CandidateRow is a candidate as lists show it, with the number of their certificate.
type CandidateRow struct {
	xiangpei.Candidate
	CertNumber string
}

const candCols = `c.id, c.plan_id, c.person_id, pe.name, pe.id_number, COALESCE(c.class_id, 0), c.source, c.status, c.reason,
	c.theory, c.practical, c.result, COALESCE(c.certificate_id, 0), COALESCE(ce.number, ''), c.created_at, c.updated_at, c.version`

const candFrom = ` FROM candidates c JOIN persons pe ON pe.id = c.person_id LEFT JOIN certificates ce ON ce.id = c.certificate_id`

func scanCandidate(r scanner) (CandidateRow, error) {
	var c CandidateRow
	var idn, source, status, result string
	var theory, practical sql.NullInt64
	err := r.Scan(&c.ID, &c.PlanID, &c.PersonID, &c.Name, &idn, &c.ClassID, &source, &status, &c.Reason, &theory, &practical,
		&result, &c.CertificateID, &c.CertNumber, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	c.IDNumber, c.Source, c.Status, c.Result = xiangpei.IDNumber(idn), xiangpei.CandidateSource(source), xiangpei.CandidateStatus(status), xiangpei.Result(result)
	c.Theory, c.Practical = int(theory.Int64), int(practical.Int64)
	c.Scored = theory.Valid || c.Result == xiangpei.ResultAbsent
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

// planCandidates reads every candidate of a plan, by name.
func (tx *Tx) planCandidates(planID int64) ([]CandidateRow, error) {
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT `+candCols+candFrom+` WHERE c.plan_id = $1 ORDER BY pe.name, c.id`, planID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCandidate)
}

// Candidates lists the candidates of a plan within scope (a person sees only their own), live
// ones first, then by name, with the total.
func (db *DB) Candidates(ctx context.Context, s xiangpei.Scope, planID int64, page Page) ([]CandidateRow, int, error) {
	if _, err := db.Plan(ctx, s, planID); err != nil {
		return nil, 0, err
	}
	where := candFrom + ` WHERE c.plan_id = $1 AND (CAST($2 AS BIGINT) = 0 OR c.person_id = $2)`
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, planID, s.PersonID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+candCols+where+`
		ORDER BY CASE WHEN c.status IN ('registered','accepted') THEN 0 ELSE 1 END, pe.name, c.id LIMIT $3 OFFSET $4`,
		planID, s.PersonID, int64(page.limit()), int64(page.offset()))
	if err != nil {
		return nil, 0, err
	}
	out, err := collect(rows, scanCandidate)
	return out, total, err
}

// candidate reads one candidate of a plan.
func (tx *Tx) candidate(planID, id int64) (CandidateRow, error) {
	c, err := scanCandidate(tx.tx.QueryRowContext(tx.ctx, `SELECT `+candCols+candFrom+` WHERE c.id = $1 AND c.plan_id = $2`, id, planID))
	return c, mapError(err, "Candidate")
}

// Candidate reads one candidate of a plan within scope.
func (tx *Tx) Candidate(s xiangpei.Scope, planID, id int64) (CandidateRow, error) {
	if _, err := tx.Plan(s, planID); err != nil {
		return CandidateRow{}, err
	}
	c, err := tx.candidate(planID, id)
	if err == nil && s.PersonID != 0 && c.PersonID != s.PersonID {
		return CandidateRow{}, xiangpei.ErrNotFound("Candidate")
	}
	return c, err
}

// lockPlan takes the plan's row for the rest of the transaction (a no-op update: a row lock on
// PostgreSQL; SQLite has one writer anyway), so that two sign-ups at the same moment are
// counted one after the other and cannot both take the last place.
func (tx *Tx) lockPlan(id int64) error {
	_, err := tx.exec(`UPDATE assessment_plans SET version = version WHERE id = $1`, id)
	return err
}

// takePlace locks the plan and refuses when its places are all taken.
func (tx *Tx) takePlace(p xiangpei.Plan) error {
	if err := tx.lockPlan(p.ID); err != nil {
		return err
	}
	var n int
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT COUNT(*) FROM candidates WHERE plan_id = $1 AND status IN ('registered','accepted')`, p.ID).
		Scan(&n); err != nil {
		return err
	}
	if n >= p.Capacity {
		return xiangpei.Errorf(xiangpei.Conflict, "assess.full", "All %v places of this assessment are taken.", p.Capacity)
	}
	return nil
}

func errSignedUp() error {
	return xiangpei.Errorf(xiangpei.Conflict, "assess.already_candidate", "This person is already a candidate of this assessment.")
}

// insertCandidate writes a candidate of an open plan after the capacity, duplicate and
// examiner checks. A person who withdrew or was refused signs up again on their old row.
func (tx *Tx) insertCandidate(p xiangpei.Plan, person xiangpei.Person, source xiangpei.CandidateSource, status xiangpei.CandidateStatus) (CandidateRow, error) {
	if p.Mode != xiangpei.PlanOpenMode {
		return CandidateRow{}, xiangpei.Errorf(xiangpei.Conflict, "assess.class_plan", "The candidates of a plan for a class are the class's completers: nobody else can be added.")
	}
	if err := tx.takePlace(p); err != nil {
		return CandidateRow{}, err
	}
	var oldID int64
	var oldStatus string
	err := tx.tx.QueryRowContext(tx.ctx, `SELECT id, status FROM candidates WHERE plan_id = $1 AND person_id = $2`, p.ID, person.ID).Scan(&oldID, &oldStatus)
	switch {
	case err == nil && xiangpei.CandidateStatus(oldStatus).Live():
		return CandidateRow{}, errSignedUp()
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return CandidateRow{}, err
	}
	_, class, err := tx.lastCompletedTraining(person.ID, p.OccupationCode)
	if err != nil {
		return CandidateRow{}, err
	}
	if status == xiangpei.CandidateAccepted {
		if err := tx.checkExaminers(p.Examiners, person.ID, class, p.OccupationCode, person.Name); err != nil {
			return CandidateRow{}, err
		}
	}
	now := tx.Now.Truncate(time.Microsecond)
	id := oldID
	if oldID != 0 {
		if _, err := tx.exec(`UPDATE candidates SET source = $2, status = $3, reason = '', class_id = $4, theory = NULL, practical = NULL,
			result = '', updated_at = $5, version = version + 1 WHERE id = $1`, oldID, string(source), string(status), nullID(class), now); err != nil {
			return CandidateRow{}, err
		}
	} else {
		id = xiangpei.NewID()
		if _, err := tx.exec(`INSERT INTO candidates (id, plan_id, person_id, class_id, source, status, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1)`, id, p.ID, person.ID, nullID(class), string(source), string(status), now); err != nil {
			if xiangpei.IsKind(mapError(err, "Candidate"), xiangpei.Conflict) {
				return CandidateRow{}, errSignedUp()
			}
			return CandidateRow{}, err
		}
	}
	if err := tx.Audit("candidate.add", "assessment_plan", p.ID, p.County, map[string]any{"candidate": id, "person": person.ID,
		"id_number": person.MaskedID(), "source": source, "status": status}); err != nil {
		return CandidateRow{}, err
	}
	return tx.candidate(p.ID, id)
}

// Register signs a person up for an open plan of the portal (registered, waiting for the
// body): the plan must take sign-ups now and have a place left.
func (tx *Tx) Register(personID, planID int64) (CandidateRow, error) {
	p, err := tx.Plan(xiangpei.Scope{All: true}, planID)
	if err != nil || p.Mode != xiangpei.PlanOpenMode || (p.Status != xiangpei.PlanOpen && p.Status != xiangpei.PlanPublished) {
		return CandidateRow{}, xiangpei.ErrNotFound("Assessment")
	}
	if !p.RegistrationOpen(tx.Now) {
		return CandidateRow{}, xiangpei.Errorf(xiangpei.Conflict, "assess.registration_closed", "Sign-up for this assessment is closed.")
	}
	person, err := personByID(tx.ctx, tx.tx, personID)
	if err != nil {
		return CandidateRow{}, err
	}
	return tx.insertCandidate(p, person, xiangpei.CandidateSelf, xiangpei.CandidateRegistered)
}

// WithdrawSelf takes a person's sign-up off an open plan before the day of the exam.
func (tx *Tx) WithdrawSelf(personID, planID int64) (CandidateRow, error) {
	p, err := tx.Plan(xiangpei.Scope{PersonID: personID}, planID)
	if err != nil {
		return CandidateRow{}, err
	}
	var id int64
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT id FROM candidates WHERE plan_id = $1 AND person_id = $2`, planID, personID).Scan(&id); err != nil {
		return CandidateRow{}, mapError(err, "Candidate")
	}
	if !p.RegistrationOpen(tx.Now) {
		return CandidateRow{}, xiangpei.Errorf(xiangpei.Conflict, "assess.withdraw_late", "It is too late to withdraw: candidates withdraw before the day of the exam.")
	}
	c, err := tx.candidate(planID, id)
	if err != nil {
		return c, err
	}
	return tx.moveCandidate(p, c, c.Version, xiangpei.CandidateWithdraw, "")
}

// AddCandidate puts a registered person on an open plan of the body within scope by their ID
// number and name, accepted, after the capacity and examiner checks.
func (tx *Tx) AddCandidate(s xiangpei.Scope, planID int64, idNumber, name string) (CandidateRow, error) {
	p, err := tx.Plan(s, planID)
	if err != nil {
		return CandidateRow{}, err
	}
	if s.OrgID == 0 || s.OrgID != p.OrgID {
		return CandidateRow{}, xiangpei.Errorf(xiangpei.Forbidden, "assess.body_only", "Only the assessment body of the plan can do this.")
	}
	if p.Status != xiangpei.PlanDraft && p.Status != xiangpei.PlanOpen {
		return CandidateRow{}, xiangpei.Errorf(xiangpei.Conflict, "assess.plan_closed", "The plan is published or cancelled: its candidates can no longer change.")
	}
	if p.Status == xiangpei.PlanOpen && !tx.Now.Before(p.ExamAt) {
		return CandidateRow{}, xiangpei.Errorf(xiangpei.Conflict, "assess.exam_begun", "The exam has begun: no candidate can be added.")
	}
	id, err := xiangpei.ParseIDNumber(strings.TrimSpace(idNumber), tx.Now)
	if err != nil {
		return CandidateRow{}, err
	}
	person, err := personByIDNumber(tx.ctx, tx.tx, id)
	if err != nil {
		return CandidateRow{}, err
	}
	if person == nil {
		return CandidateRow{}, xiangpei.Errorf(xiangpei.Invalid, "assess.person_unknown", "Nobody with this ID number is registered: the person registers first.")
	}
	if strings.TrimSpace(name) != person.Name {
		return CandidateRow{}, xiangpei.Errorf(xiangpei.Invalid, "assess.name_mismatch", "The name does not match the name registered for this ID number.")
	}
	return tx.insertCandidate(p, *person, xiangpei.CandidateByBody, xiangpei.CandidateAccepted)
}

// MoveCandidate accepts, refuses (with a reason) or withdraws a candidate of a plan of the
// body within scope, at the candidate's version. Accepting checks the examiners.
func (tx *Tx) MoveCandidate(s xiangpei.Scope, planID, id, version int64, act xiangpei.CandidateAction, reason string) (CandidateRow, error) {
	p, err := tx.Plan(s, planID)
	if err != nil {
		return CandidateRow{}, err
	}
	if s.OrgID == 0 || s.OrgID != p.OrgID {
		return CandidateRow{}, xiangpei.Errorf(xiangpei.Forbidden, "assess.body_only", "Only the assessment body of the plan can do this.")
	}
	c, err := tx.candidate(planID, id)
	if err != nil {
		return c, err
	}
	return tx.moveCandidate(p, c, version, act, reason)
}

func (tx *Tx) moveCandidate(p xiangpei.Plan, c CandidateRow, version int64, act xiangpei.CandidateAction, reason string) (CandidateRow, error) {
	if p.Status != xiangpei.PlanDraft && p.Status != xiangpei.PlanOpen {
		return c, xiangpei.Errorf(xiangpei.Conflict, "assess.plan_closed", "The plan is published or cancelled: its candidates can no longer change.")
	}
	if c.Version != version {
		return c, xiangpei.StaleVersion()
	}
	next, err := c.Status.Next(act)
	if err != nil {
		return c, err
	}
	switch act {
	case xiangpei.CandidateReject:
		if reason, err = xiangpei.CheckReason(reason); err != nil {
			return c, err
		}
	case xiangpei.CandidateAccept:
		if err := tx.checkExaminers(p.Examiners, c.PersonID, c.ClassID, p.OccupationCode, c.Name); err != nil {
			return c, err
		}
	case xiangpei.CandidateWithdraw:
		if c.Scored {
			return c, xiangpei.Errorf(xiangpei.Conflict, "assess.withdraw_scored", "The candidate has a result already and cannot withdraw.")
		}
		reason = strings.TrimSpace(reason)
	}
	now := tx.Now.Truncate(time.Microsecond)
	if err := tx.execVersioned("Candidate", `SELECT 1 FROM candidates WHERE id = $1`, c.ID,
		`UPDATE candidates SET status = $3, reason = $4, updated_at = $5, version = version + 1 WHERE id = $1 AND version = $2`,
		c.ID, version, string(next), reason, now); err != nil {
		return c, err
	}
	if err := tx.Audit("candidate."+string(act), "assessment_plan", p.ID, p.County, map[string]any{"candidate": c.ID,
		"person": c.PersonID, "from": c.Status, "to": next, "reason": reason}); err != nil {
		return c, err
	}
	return tx.candidate(p.ID, c.ID)
}

// ---- scores ----

// ScoreEntry is the result of one candidate as typed: two scores in tenths of a point, or
// absent. Version 0 skips the version check.
type ScoreEntry struct {
	CandidateID int64
	Version     int64
	Absent      bool
	Theory      int
	Practical   int
}

// checkScoresOpen refuses scores before the exam, after publishing, or from anyone but the body.
func checkScoresOpen(s xiangpei.Scope, p xiangpei.Plan, now time.Time) error {
	if s.OrgID == 0 || s.OrgID != p.OrgID {
		return xiangpei.Errorf(xiangpei.Forbidden, "assess.body_only", "Only the assessment body of the plan can do this.")
	}
	if !p.ScoresOpen(now) {
		return xiangpei.Errorf(xiangpei.Conflict, "assess.scores_closed", "Scores are recorded once the plan is announced and its exam has begun, until the results are published.")
	}
	return nil
}

// writeScore records one accepted candidate's result.
func (tx *Tx) writeScore(p xiangpei.Plan, c CandidateRow, e ScoreEntry) error {
	if c.Status != xiangpei.CandidateAccepted {
		return xiangpei.Errorf(xiangpei.Conflict, "assess.not_accepted", "Candidate %v is not an accepted candidate: no score can be recorded.", c.Name)
	}
	for _, v := range []int{e.Theory, e.Practical} {
		if v < 0 || v > 1000 {
			return xiangpei.Errorf(xiangpei.Invalid, "score.invalid", "A score is a number from 0 to 100 with at most one decimal: %q is not.", xiangpei.FormatScore(v))
		}
	}
	var theory, practical any
	result := xiangpei.ResultAbsent
	if !e.Absent {
		theory, practical = e.Theory, e.Practical
		result = xiangpei.Judge(e.Theory, e.Practical, p.PassTheory, p.PassPractical)
	}
	now := tx.Now.Truncate(time.Microsecond)
	q := `UPDATE candidates SET theory = $2, practical = $3, result = $4, updated_at = $5, version = version + 1
		WHERE id = $1 AND status = 'accepted'`
	args := []any{c.ID, theory, practical, string(result), now}
	if e.Version != 0 {
		q += ` AND version = $6`
		args = append(args, e.Version)
	}
	return tx.execVersioned("Candidate", `SELECT 1 FROM candidates WHERE id = $1`, c.ID, q, args...)
}

// RecordScores records the results of candidates of a plan within scope, all or none.
func (tx *Tx) RecordScores(s xiangpei.Scope, planID int64, entries []ScoreEntry) ([]CandidateRow, error) {
	p, err := tx.Plan(s, planID)
	if err != nil {
		return nil, err
	}
	if err := checkScoresOpen(s, p, tx.Now); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, xiangpei.Errorf(xiangpei.Invalid, "assess.no_scores", "No score was given.")
	}
	var out []CandidateRow
	for _, e := range entries {
		c, err := tx.candidate(planID, e.CandidateID)
		if err != nil {
			return nil, err
		}
		if err := tx.writeScore(p, c, e); err != nil {
			return nil, err
		}
		if c, err = tx.candidate(planID, e.CandidateID); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := tx.Audit("plan.scores", "assessment_plan", planID, p.County, map[string]any{"candidates": len(entries)}); err != nil {
		return nil, err
	}
	return out, nil
}

// ---- a person's candidacies ----

// Candidacy is one of a person's sign-ups, for their lifelong record: scores and result only
// once the plan is published.
type Candidacy struct {
	CandidateID    int64
	PlanID         int64
	OccupationCode string
	OccupationName string
	Level          string
	ExamAt         time.Time
	Venue          string
	OrgID          int64
	OrgName        string
	PlanStatus     xiangpei.PlanStatus
	Status         xiangpei.CandidateStatus
	Reason         string
	Theory         int
	Practical      int
	Scored         bool
	Result         xiangpei.Result
	CertificateID  int64
	CertNumber     string
	Version        int64
}

// CandidaciesOf lists a person's candidacies within scope (of plans within scope), the latest
// exam first.
func (db *DB) CandidaciesOf(ctx context.Context, s xiangpei.Scope, personID int64) ([]Candidacy, error) {
	a := scopeOf(s)
	rows, err := db.read.QueryContext(ctx, `SELECT `+planCols+`, `+candCols+planFrom+`
		JOIN candidates c ON c.plan_id = p.id JOIN persons pe ON pe.id = c.person_id LEFT JOIN certificates ce ON ce.id = c.certificate_id
		WHERE c.person_id = $5 AND`+planScope+` ORDER BY p.exam_at DESC, p.id DESC`, a.all, a.region, a.org, a.person, personID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (Candidacy, error) {
		var ps planScan
		var c CandidateRow
		var idn, source, status, result string
		var theory, practical sql.NullInt64
		err := r.Scan(append(ps.dest(), &c.ID, &c.PlanID, &c.PersonID, &c.Name, &idn, &c.ClassID, &source, &status, &c.Reason,
			&theory, &practical, &result, &c.CertificateID, &c.CertNumber, &c.CreatedAt, &c.UpdatedAt, &c.Version)...)
		p := ps.done()
		x := Candidacy{CandidateID: c.ID, PlanID: p.ID, OccupationCode: p.OccupationCode, OccupationName: p.OccupationName,
			Level: p.Level, ExamAt: p.ExamAt, Venue: p.Venue, OrgID: p.OrgID, OrgName: p.OrgName,
			PlanStatus: p.Status, Status: xiangpei.CandidateStatus(status), Reason: c.Reason,
			CertificateID: c.CertificateID, CertNumber: c.CertNumber, Version: c.Version}
		if x.PlanStatus == xiangpei.PlanPublished {
			x.Result = xiangpei.Result(result)
			x.Theory, x.Practical = int(theory.Int64), int(practical.Int64)
			x.Scored = theory.Valid || x.Result == xiangpei.ResultAbsent
		}
		return x, err
	})
}
