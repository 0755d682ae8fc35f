package store

import (
	"context"
	"strings"
	"time"

	"xiangpei"
)

// 教 — enrolment plans, applications and admissions (migration 00031, docs/schools.md). A
// school's staff write plans and decide applications; the city's officer (class_review duty,
// region a city or the province) approves plans; officers of a county read its schools' plans
// and applications; a person applies and follows their own applications. The school sees an
// applicant's name and masked ID number — never the full number. Admitting is a conditional
// UPDATE of the quota's counter (admitted < places) in the same transaction as the
// application's change, so two admissions at the same moment never exceed a quota.

// EnrolFigure is one major of a plan with its places and how they are taken.
type EnrolFigure struct {
	MajorID   int64
	Code      string
	Name      string
	Level     xiangpei.MajorLevel
	Years     int
	Places    int
	Applied   int // applications choosing the major, at any rank, not withdrawn
	Admitted  int // places taken: admitted or enrolled
	Enrolled  int
	Remaining int
}

// EnrolPlanRow is a plan with its school and figures.
type EnrolPlanRow struct {
	xiangpei.EnrolPlan
	County     string
	SchoolName string
	Figures    []EnrolFigure
}

const epCols = `p.id, p.school_id, p.year, p.title, p.opens_on, p.closes_on, p.max_choices, p.status, p.reason, p.published,
	p.version, p.county, o.name`

const epFrom = ` FROM enrol_plans p JOIN organisations o ON o.id = p.school_id`

// epScope: officers by the school's county, a school's staff their own plans; a person none
// (people read approved plans through the public reads).
const epScope = ` ($1 OR p.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR p.school_id = $3) AND CAST($4 AS BIGINT) = 0`

func scanEnrolPlan(r scanner) (EnrolPlanRow, error) {
	var p EnrolPlanRow
	var opens, closes, st string
	err := r.Scan(&p.ID, &p.SchoolID, &p.Year, &p.Title, &opens, &closes, &p.MaxChoices, &st, &p.Reason, &p.Published,
		&p.Version, &p.County, &p.SchoolName)
	p.OpensOn, p.ClosesOn, p.Status = parseDay(opens), parseDay(closes), xiangpei.EnrolPlanStatus(st)
	return p, err
}

func enrolFigures(ctx context.Context, q querier, p *EnrolPlanRow) error {
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.code, m.name, m.level, m.years, qt.places, qt.admitted,
		(SELECT COUNT(*) FROM school_app_choices c JOIN school_apps a ON a.id = c.app_id
			WHERE a.plan_id = qt.plan_id AND c.major_id = qt.major_id AND a.status <> 'withdrawn'),
		(SELECT COUNT(*) FROM school_apps a WHERE a.plan_id = qt.plan_id AND a.major_id = qt.major_id AND a.status = 'enrolled')
		FROM enrol_quotas qt JOIN majors m ON m.id = qt.major_id WHERE qt.plan_id = $1 ORDER BY m.code`, p.ID)
	if err != nil {
		return err
	}
	p.Figures, err = collect(rows, func(r scanner) (EnrolFigure, error) {
		var f EnrolFigure
		var level string
		err := r.Scan(&f.MajorID, &f.Code, &f.Name, &level, &f.Years, &f.Places, &f.Admitted, &f.Applied, &f.Enrolled)
		f.Level, f.Remaining = xiangpei.MajorLevel(level), f.Places-f.Admitted
		return f, err
	})
	p.Quotas = p.Quotas[:0]
	for _, f := range p.Figures {
		p.Quotas = append(p.Quotas, xiangpei.Quota{MajorID: f.MajorID, Places: f.Places})
	}
	return err
}

func enrolPlanByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (EnrolPlanRow, error) {
	a := scopeOf(s)
	p, err := scanEnrolPlan(q.QueryRowContext(ctx, `SELECT `+epCols+epFrom+` WHERE p.id = $5 AND`+epScope, a.all, a.region, a.org, a.person, id))
	if err != nil {
		return p, mapError(err, "Plan")
	}
	return p, enrolFigures(ctx, q, &p)
}

// EnrolPlan reads a plan within scope, with its figures.
func (db *DB) EnrolPlan(ctx context.Context, s xiangpei.Scope, id int64) (EnrolPlanRow, error) {
	return enrolPlanByID(ctx, db.read, s, id)
}

// PublicEnrolPlan reads an approved plan, which anyone may read.
func (db *DB) PublicEnrolPlan(ctx context.Context, id int64) (EnrolPlanRow, error) {
	p, err := scanEnrolPlan(db.read.QueryRowContext(ctx, `SELECT `+epCols+epFrom+` WHERE p.id = $1 AND p.status = 'approved'`, id))
	if err != nil {
		return p, mapError(err, "Plan")
	}
	return p, enrolFigures(ctx, db.read, &p)
}

// EnrolPlanFilter narrows a list of plans.
type EnrolPlanFilter struct {
	Status xiangpei.EnrolPlanStatus
	Year   int
}

// EnrolPlans lists the plans within scope, newest year first, each with its figures.
func (db *DB) EnrolPlans(ctx context.Context, s xiangpei.Scope, f EnrolPlanFilter, page Page) ([]EnrolPlanRow, int, error) {
	a := scopeOf(s)
	where := epFrom + ` WHERE` + epScope + ` AND ($5 = '' OR p.status = $5) AND (CAST($6 AS INTEGER) = 0 OR p.year = $6)`
	args := []any{a.all, a.region, a.org, a.person, string(f.Status), f.Year}
	return db.enrolPlanList(ctx, where, args, ` ORDER BY p.year DESC, o.name, p.id LIMIT $7 OFFSET $8`, page)
}

func (db *DB) enrolPlanList(ctx context.Context, where string, args []any, order string, page Page) ([]EnrolPlanRow, int, error) {
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+epCols+where+order, append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, scanEnrolPlan)
	if err != nil {
		return nil, 0, err
	}
	for i := range list {
		if err := enrolFigures(ctx, db.read, &list[i]); err != nil {
			return nil, 0, err
		}
	}
	return list, total, nil
}

// OpenEnrolPlans lists the approved plans of schools in region (a region code, "" for all);
// openOnly keeps those whose sign-up window contains today. Anyone may read them.
func (db *DB) OpenEnrolPlans(ctx context.Context, region string, openOnly bool, page Page) ([]EnrolPlanRow, int, error) {
	pattern := "%"
	if region != "" {
		pattern = xiangpei.RegionPrefix(region) + "%"
	}
	today := xiangpei.ChinaDate(db.Now())
	where := epFrom + ` WHERE p.status = 'approved' AND p.county LIKE $1 AND (NOT $2 OR (p.opens_on <= $3 AND p.closes_on >= $3))`
	return db.enrolPlanList(ctx, where, []any{pattern, openOnly, today}, ` ORDER BY p.closes_on, o.name, p.id LIMIT $4 OFFSET $5`, page)
}

func errEnrolStaff() error {
	return xiangpei.Errorf(xiangpei.Forbidden, "school.staff_only", "Only a school's staff can do this.")
}

// SaveEnrolPlan writes the school's plan: a new draft when p.ID is 0, else plan p.ID at version,
// which must be a draft or returned. Every quota must name an active major of the school.
func (tx *Tx) SaveEnrolPlan(s xiangpei.Scope, p xiangpei.EnrolPlan, version int) (EnrolPlanRow, error) {
	if err := schoolOnly(s); err != nil {
		return EnrolPlanRow{}, err
	}
	var county string
	if err := tx.tx.QueryRowContext(tx.ctx, `SELECT county FROM organisations WHERE id = $1 AND kind = 'school'`, s.OrgID).Scan(&county); err != nil {
		if xiangpei.IsKind(mapError(err, "School"), xiangpei.NotFound) {
			return EnrolPlanRow{}, errEnrolStaff()
		}
		return EnrolPlanRow{}, err
	}
	p, err := p.Validate()
	if err != nil {
		return EnrolPlanRow{}, err
	}
	for _, q := range p.Quotas {
		if err := tx.require(xiangpei.Errorf(xiangpei.Invalid, "enrolplan.major_unknown", "Quotas can only be given to the school's active majors."),
			`SELECT 1 FROM majors WHERE id = $1 AND school_id = $2 AND active`, q.MajorID, s.OrgID); err != nil {
			return EnrolPlanRow{}, err
		}
	}
	now := tx.Now.Truncate(time.Microsecond)
	opens, closes := xiangpei.ChinaDate(p.OpensOn), xiangpei.ChinaDate(p.ClosesOn)
	if p.ID == 0 {
		p.ID = xiangpei.NewID()
		if _, err := tx.exec(`INSERT INTO enrol_plans (id, school_id, county, year, title, opens_on, closes_on, max_choices, status,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $9)`,
			p.ID, s.OrgID, county, p.Year, p.Title, opens, closes, p.MaxChoices, now); err != nil {
			return EnrolPlanRow{}, mapError(err, "Plan")
		}
	} else {
		old, err := enrolPlanByID(tx.ctx, tx.tx, s, p.ID)
		if err != nil {
			return EnrolPlanRow{}, err
		}
		if !old.Status.Editable() {
			return EnrolPlanRow{}, xiangpei.Errorf(xiangpei.Conflict, "enrolplan.not_editable", "Only a draft or a returned plan can be changed.")
		}
		if err := tx.execVersioned("Plan", `SELECT 1 FROM enrol_plans WHERE id = $1`, p.ID,
			`UPDATE enrol_plans SET year = $1, title = $2, opens_on = $3, closes_on = $4, max_choices = $5, updated_at = $6,
			version = version + 1 WHERE id = $7 AND school_id = $8 AND version = $9 AND status IN ('draft','returned')`,
			p.Year, p.Title, opens, closes, p.MaxChoices, now, p.ID, s.OrgID, version); err != nil {
			return EnrolPlanRow{}, err
		}
		if _, err := tx.exec(`DELETE FROM enrol_quotas WHERE plan_id = $1`, p.ID); err != nil {
			return EnrolPlanRow{}, err
		}
	}
	for _, q := range p.Quotas {
		if _, err := tx.exec(`INSERT INTO enrol_quotas (plan_id, major_id, places) VALUES ($1, $2, $3)`, p.ID, q.MajorID, q.Places); err != nil {
			return EnrolPlanRow{}, mapError(err, "Quota")
		}
	}
	if err := tx.Audit("enrolplan.save", "enrol_plan", p.ID, county, map[string]any{"year": p.Year, "title": p.Title, "quotas": p.Quotas}); err != nil {
		return EnrolPlanRow{}, err
	}
	return enrolPlanByID(tx.ctx, tx.tx, s, p.ID)
}

// MayApproveEnrolPlans reports whether an actor may approve plans (and student status changes): an
// administrator, or an officer with the class_review duty whose region is a city or the
// province. A county officer reads but does not approve.
func MayApproveEnrolPlans(a xiangpei.Actor) bool {
	if a.Role == xiangpei.RoleAdmin {
		return a.Can(xiangpei.DutySysAdmin)
	}
	return a.Role == xiangpei.RoleOfficer && a.Can(xiangpei.DutyClassReview) && xiangpei.RegionLevel(a.Region) != "county"
}

// MoveEnrolPlan makes a move of plan id at version: the school submits; the city's officer approves
// or returns it with a reason. Of two approved plans of one school and year, the second is a
// Conflict. The school's staff are messaged nothing (they see the state on the plan).
func (tx *Tx) MoveEnrolPlan(s xiangpei.Scope, id int64, version int, action xiangpei.EnrolPlanAction, reason string) (EnrolPlanRow, error) {
	p, err := enrolPlanByID(tx.ctx, tx.tx, s, id)
	if err != nil {
		return p, err
	}
	to, err := p.Status.Next(action)
	if err != nil {
		return p, err
	}
	reason = strings.TrimSpace(reason)
	switch action {
	case xiangpei.EnrolSubmit:
		if s.OrgID != p.SchoolID {
			return p, errEnrolStaff()
		}
		reason = p.Reason
	default:
		if s.OrgID != 0 || s.PersonID != 0 || !MayApproveEnrolPlans(tx.Actor) {
			return p, xiangpei.Errorf(xiangpei.Forbidden, "enrolplan.city_only", "Only the city's officer with the class review duty approves enrolment plans.")
		}
		if action == xiangpei.EnrolReturn && reason == "" {
			return p, xiangpei.Errorf(xiangpei.Invalid, "enrolplan.reason", "Give the reason, so the school knows what to change.")
		}
		if action == xiangpei.EnrolApprove {
			reason = ""
			if err := tx.refuse(errEnrolApprovedTwice(), `SELECT 1 FROM enrol_plans WHERE school_id = $1 AND year = $2 AND status = 'approved'`,
				p.SchoolID, p.Year); err != nil {
				return p, err
			}
		}
	}
	if err := tx.execVersioned("Plan", `SELECT 1 FROM enrol_plans WHERE id = $1`, id,
		`UPDATE enrol_plans SET status = $1, reason = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5 AND status = $6`,
		string(to), reason, tx.Now.Truncate(time.Microsecond), id, version, string(p.Status)); err != nil {
		if xiangpei.IsKind(err, xiangpei.Conflict) && action == xiangpei.EnrolApprove {
			if e := tx.refuse(errEnrolApprovedTwice(), `SELECT 1 FROM enrol_plans WHERE school_id = $1 AND year = $2 AND status = 'approved' AND id <> $3`,
				p.SchoolID, p.Year, id); e != nil {
				return p, e
			}
		}
		return p, err
	}
	if err := tx.Audit("enrolplan."+string(action), "enrol_plan", id, p.County, map[string]any{"from": p.Status, "to": to, "reason": reason}); err != nil {
		return p, err
	}
	return enrolPlanByID(tx.ctx, tx.tx, s, id)
}

func errEnrolApprovedTwice() error {
	return xiangpei.Errorf(xiangpei.Conflict, "enrolplan.approved_twice", "The school already has an approved plan for this year.")
}

// PublishAdmissions publishes the admission list of an approved plan: from now on admitted
// applicants see it and confirm or decline. Every applicant admitted and not yet answered is
// messaged; publishing again (after further admissions) messages them again.
func (tx *Tx) PublishAdmissions(s xiangpei.Scope, id int64) (EnrolPlanRow, error) {
	if err := schoolOnly(s); err != nil {
		return EnrolPlanRow{}, err
	}
	p, err := enrolPlanByID(tx.ctx, tx.tx, s, id)
	if err != nil {
		return p, err
	}
	if p.Status != xiangpei.EnrolApproved {
		return p, xiangpei.Errorf(xiangpei.Conflict, "enrolplan.not_approved", "Only an approved plan has an admission list.")
	}
	if _, err := tx.exec(`UPDATE enrol_plans SET published = TRUE, updated_at = $1, version = version + 1 WHERE id = $2`,
		tx.Now.Truncate(time.Microsecond), id); err != nil {
		return p, err
	}
	rows, err := tx.tx.QueryContext(tx.ctx, `SELECT a.person_id, m.name FROM school_apps a JOIN majors m ON m.id = a.major_id
		WHERE a.plan_id = $1 AND a.status = 'admitted'`, id)
	if err != nil {
		return p, err
	}
	type who struct {
		person int64
		major  string
	}
	list, err := collect(rows, func(r scanner) (who, error) {
		var w who
		return w, r.Scan(&w.person, &w.major)
	})
	if err != nil {
		return p, err
	}
	for _, w := range list {
		if _, err := tx.NotifyPerson(w.person, "恭喜！您已被"+p.SchoolName+"（"+p.Title+"）"+w.major+"专业录取。请在“我的报考”中确认入学或放弃。"); err != nil {
			return p, err
		}
	}
	if err := tx.Audit("enrolplan.publish", "enrol_plan", id, p.County, map[string]any{"notified": len(list)}); err != nil {
		return p, err
	}
	return enrolPlanByID(tx.ctx, tx.tx, s, id)
}

// SchoolAppRow is an application with what its readers see. The ID number is masked: no one
// reading applications sees it in full.
type SchoolAppRow struct {
	ID         int64
	PlanID     int64
	PlanTitle  string
	PlanYear   int
	Published  bool
	SchoolID   int64
	SchoolName string
	County     string
	PersonID   int64
	PersonName string
	MaskedID   string
	Education  xiangpei.Education
	Documents  string
	Status     xiangpei.SchoolAppStatus
	MajorID    int64 // the major admitted to
	MajorCode  string
	MajorName  string
	Reason     string
	StudentID  int64
	Choices    []EnrolFigure // in order of preference (code and name only)
	AppliedAt  time.Time
	Version    int
}

const schoolAppCols = `a.id, a.plan_id, p.title, p.year, p.published, a.school_id, o.name, a.county, a.person_id, pe.name, pe.id_number,
	a.education, a.documents, a.status, COALESCE(a.major_id, 0), COALESCE(m.code, ''), COALESCE(m.name, ''), a.reason,
	COALESCE(a.student_id, 0), a.applied_at, a.version`

const schoolAppFrom = ` FROM school_apps a JOIN enrol_plans p ON p.id = a.plan_id JOIN organisations o ON o.id = a.school_id
	JOIN persons pe ON pe.id = a.person_id LEFT JOIN majors m ON m.id = a.major_id`

const schoolAppScope = ` ($1 OR a.county LIKE $2) AND (CAST($3 AS BIGINT) = 0 OR a.school_id = $3) AND (CAST($4 AS BIGINT) = 0 OR a.person_id = $4)`

func scanSchoolApp(r scanner) (SchoolAppRow, error) {
	var x SchoolAppRow
	var id, edu, st string
	err := r.Scan(&x.ID, &x.PlanID, &x.PlanTitle, &x.PlanYear, &x.Published, &x.SchoolID, &x.SchoolName, &x.County, &x.PersonID,
		&x.PersonName, &id, &edu, &x.Documents, &st, &x.MajorID, &x.MajorCode, &x.MajorName, &x.Reason, &x.StudentID, &x.AppliedAt, &x.Version)
	x.MaskedID, x.Education, x.Status, x.AppliedAt = xiangpei.IDNumber(id).Masked(), xiangpei.Education(edu), xiangpei.SchoolAppStatus(st), x.AppliedAt.UTC()
	return x, err
}

// schoolAppChoices fills in the applications' choices of major, in order of preference: one
// query per chunk of applications.
func schoolAppChoices(ctx context.Context, q querier, list []SchoolAppRow) error {
	at := make(map[int64]int, len(list))
	ids := make([]int64, len(list))
	for i, x := range list {
		at[x.ID], ids[i] = i, x.ID
	}
	return eachChunk(ctx, q, `SELECT c.app_id, m.id, m.code, m.name FROM school_app_choices c JOIN majors m ON m.id = c.major_id
		WHERE c.app_id IN (`+inList1+`) ORDER BY c.app_id, c.pos`, ids, 0, nil, func(r scanner) error {
		var app int64
		var f EnrolFigure
		if err := r.Scan(&app, &f.MajorID, &f.Code, &f.Name); err != nil {
			return err
		}
		list[at[app]].Choices = append(list[at[app]].Choices, f)
		return nil
	})
}

func schoolAppByID(ctx context.Context, q querier, s xiangpei.Scope, id int64) (SchoolAppRow, error) {
	a := scopeOf(s)
	x, err := scanSchoolApp(q.QueryRowContext(ctx, `SELECT `+schoolAppCols+schoolAppFrom+` WHERE a.id = $5 AND`+schoolAppScope, a.all, a.region, a.org, a.person, id))
	if err != nil {
		return x, mapError(err, "Application")
	}
	list := []SchoolAppRow{x}
	err = schoolAppChoices(ctx, q, list)
	return list[0], err
}

// SchoolApp reads an application within scope.
func (db *DB) SchoolApp(ctx context.Context, s xiangpei.Scope, id int64) (SchoolAppRow, error) {
	x, err := schoolAppByID(ctx, db.read, s, id)
	return forApplicant(s, x), err
}

// forApplicant hides an admission from the applicant until the school publishes its admission
// list: until then the applicant reads the application as still applied.
func forApplicant(s xiangpei.Scope, x SchoolAppRow) SchoolAppRow {
	if s.PersonID != 0 && x.Status == xiangpei.SchoolAppAdmitted && !x.Published {
		x.Status, x.MajorID, x.MajorCode, x.MajorName = xiangpei.SchoolAppApplied, 0, "", ""
	}
	return x
}

// SchoolAppFilter narrows a list of applications.
type SchoolAppFilter struct {
	PlanID int64
	Status xiangpei.SchoolAppStatus
}

// SchoolApps lists the applications within scope, newest first, with the total.
func (db *DB) SchoolApps(ctx context.Context, s xiangpei.Scope, f SchoolAppFilter, page Page) ([]SchoolAppRow, int, error) {
	a := scopeOf(s)
	where := schoolAppFrom + ` WHERE` + schoolAppScope + ` AND (CAST($5 AS BIGINT) = 0 OR a.plan_id = $5) AND ($6 = '' OR a.status = $6)`
	args := []any{a.all, a.region, a.org, a.person, f.PlanID, string(f.Status)}
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+schoolAppCols+where+` ORDER BY a.applied_at DESC, a.id DESC LIMIT $7 OFFSET $8`,
		append(args, int64(page.limit()), int64(page.offset()))...)
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, scanSchoolApp)
	if err == nil {
		err = schoolAppChoices(ctx, db.read, list)
	}
	for i := range list {
		list[i] = forApplicant(s, list[i])
	}
	return list, total, err
}

// ApplySchool files the person's application to an approved plan within its sign-up window;
// one application per person and plan.
func (tx *Tx) ApplySchool(s xiangpei.Scope, in xiangpei.SchoolApplication) (SchoolAppRow, error) {
	if s.PersonID <= 0 {
		return SchoolAppRow{}, xiangpei.Errorf(xiangpei.Forbidden, "schoolapp.person_only", "Only the person themself can apply.")
	}
	p, err := scanEnrolPlan(tx.tx.QueryRowContext(tx.ctx, `SELECT `+epCols+epFrom+` WHERE p.id = $1 AND p.status = 'approved'`, in.PlanID))
	if err != nil {
		return SchoolAppRow{}, mapError(err, "Plan")
	}
	if err := enrolFigures(tx.ctx, tx.tx, &p); err != nil {
		return SchoolAppRow{}, err
	}
	if !p.Open(tx.Now) {
		return SchoolAppRow{}, xiangpei.Errorf(xiangpei.Conflict, "schoolapp.closed", "Sign-up for this plan runs from %s to %s.",
			xiangpei.ChinaDate(p.OpensOn), xiangpei.ChinaDate(p.ClosesOn))
	}
	in.PersonID = s.PersonID
	if in, err = in.Validate(p.EnrolPlan); err != nil {
		return SchoolAppRow{}, err
	}
	if err := tx.refuse(xiangpei.Errorf(xiangpei.Conflict, "schoolapp.twice", "You have already applied to this plan."),
		`SELECT 1 FROM school_apps WHERE plan_id = $1 AND person_id = $2`, p.ID, s.PersonID); err != nil {
		return SchoolAppRow{}, err
	}
	id, now := xiangpei.NewID(), tx.Now.Truncate(time.Microsecond)
	if _, err := tx.exec(`INSERT INTO school_apps (id, plan_id, person_id, school_id, county, education, documents, status, applied_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'applied', $8, $8)`, id, p.ID, s.PersonID, p.SchoolID, p.County, string(in.Education),
		in.Documents, now); err != nil {
		return SchoolAppRow{}, mapError(err, "Application")
	}
	for i, m := range in.Choices {
		if _, err := tx.exec(`INSERT INTO school_app_choices (app_id, pos, major_id) VALUES ($1, $2, $3)`, id, i+1, m); err != nil {
			return SchoolAppRow{}, err
		}
	}
	if err := tx.Audit("schoolapp.apply", "school_app", id, p.County, map[string]any{"plan": p.ID, "choices": in.Choices}); err != nil {
		return SchoolAppRow{}, err
	}
	return schoolAppByID(tx.ctx, tx.tx, s, id)
}

// SchoolAppMove is a move of an application: MajorID for an admission (one of the applicant's
// choices), Reason for a rejection.
type SchoolAppMove struct {
	Action  xiangpei.SchoolAppAction
	MajorID int64
	Reason  string
}

// MoveSchoolApp makes a move of application id at version (version 0: whatever the version,
// for an import). The school's staff admit and reject; the applicant withdraws, and once the
// admission list is published confirms (enrolled: a student record is made in the same
// transaction) or declines (the place is freed).
func (tx *Tx) MoveSchoolApp(s xiangpei.Scope, id int64, version int, m SchoolAppMove) (SchoolAppRow, error) {
	x, err := schoolAppByID(tx.ctx, tx.tx, s, id)
	if err != nil {
		return x, err
	}
	school := m.Action == xiangpei.SchoolAppAdmit || m.Action == xiangpei.SchoolAppReject
	if school && (s.OrgID == 0 || s.OrgID != x.SchoolID) {
		return x, errEnrolStaff()
	}
	if !school && (s.PersonID == 0 || s.PersonID != x.PersonID) {
		return x, xiangpei.Errorf(xiangpei.Forbidden, "schoolapp.person_only", "Only the person themself can apply.")
	}
	to, err := x.Status.Next(m.Action)
	if err != nil {
		return x, err
	}
	if version != 0 && version != x.Version {
		return x, xiangpei.StaleVersion()
	}
	now := tx.Now.Truncate(time.Microsecond)
	majorID, reason, studentID := x.MajorID, strings.TrimSpace(m.Reason), int64(0)
	switch m.Action {
	case xiangpei.SchoolAppAdmit:
		if !schoolAppChose(x, m.MajorID) {
			return x, xiangpei.Errorf(xiangpei.Invalid, "schoolapp.not_chosen", "Admit the applicant to one of the majors they chose.")
		}
		majorID, reason = m.MajorID, ""
		res, err := tx.exec(`UPDATE enrol_quotas SET admitted = admitted + 1 WHERE plan_id = $1 AND major_id = $2 AND admitted < places`,
			x.PlanID, majorID)
		if err != nil {
			return x, err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return x, err
			}
			return x, xiangpei.Errorf(xiangpei.Conflict, "schoolapp.quota_full", "The quota of this major is full: no one more can be admitted.")
		}
	case xiangpei.SchoolAppReject:
		if reason == "" {
			return x, xiangpei.Errorf(xiangpei.Invalid, "schoolapp.reason", "Give the reason, so the applicant knows why.")
		}
	case xiangpei.SchoolAppConfirm, xiangpei.SchoolAppDecline:
		if !x.Published {
			return x, xiangpei.Errorf(xiangpei.Conflict, "schoolapp.not_published", "The school has not yet published its admission list.")
		}
		if m.Action == xiangpei.SchoolAppDecline {
			if _, err := tx.exec(`UPDATE enrol_quotas SET admitted = admitted - 1 WHERE plan_id = $1 AND major_id = $2 AND admitted > 0`,
				x.PlanID, majorID); err != nil {
				return x, err
			}
		}
	}
	res, err := tx.exec(`UPDATE school_apps SET status = $1, major_id = $2, reason = $3, updated_at = $4, version = version + 1
		WHERE id = $5 AND status = $6 AND version = $7`, string(to), nullID(majorID), reason, now, id, string(x.Status), x.Version)
	if err != nil {
		return x, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		if err != nil {
			return x, err
		}
		return x, xiangpei.StaleVersion()
	}
	if m.Action == xiangpei.SchoolAppConfirm {
		p, err := scanEnrolPlan(tx.tx.QueryRowContext(tx.ctx, `SELECT `+epCols+epFrom+` WHERE p.id = $1`, x.PlanID))
		if err != nil {
			return x, err
		}
		st, err := tx.EnrolStudent(StudentInput{PersonID: x.PersonID, SchoolID: x.SchoolID, MajorID: majorID, EntryYear: p.Year,
			EnrolledOn: p.EnrolmentDay(tx.Now), AdmissionID: x.ID})
		if err != nil {
			return x, err
		}
		studentID = st.ID
		if _, err := tx.exec(`UPDATE school_apps SET student_id = $1 WHERE id = $2`, studentID, id); err != nil {
			return x, err
		}
	}
	if err := tx.Audit("schoolapp."+string(m.Action), "school_app", id, x.County, map[string]any{"from": x.Status, "to": to,
		"major": majorID, "reason": reason, "student": studentID}); err != nil {
		return x, err
	}
	if m.Action == xiangpei.SchoolAppReject {
		if _, err := tx.NotifyPerson(x.PersonID, "很遗憾，您报考"+x.SchoolName+"（"+x.PlanTitle+"）未被录取："+reason); err != nil {
			return x, err
		}
	}
	return schoolAppByID(tx.ctx, tx.tx, s, id)
}

func schoolAppChose(x SchoolAppRow, major int64) bool {
	for _, c := range x.Choices {
		if c.MajorID == major {
			return true
		}
	}
	return false
}

// MaxAdmissionLines is the most rows an admission list file may have.
const MaxAdmissionLines = 2000

// UploadAdmissions is the purpose of an admission list kept between its dry run and commit.
const UploadAdmissions = "admissions"

// AdmissionLine is one row of an admission list: 身份证号, 姓名, 专业代码.
type AdmissionLine struct {
	Line      int
	IDNumber  string
	Name      string
	MajorCode string
}

// AdmissionLineCheck is a checked row: the application it admits, or the reasons it cannot.
type AdmissionLineCheck struct {
	AdmissionLine
	AppID   int64
	MajorID int64
	Reasons []error
}

// AdmissionCheck is the dry run of an admission list.
type AdmissionCheck struct {
	Lines   []AdmissionLineCheck
	Good    int
	Refused int
}

// CheckAdmissions checks every row of an admission list of the school's plan without writing:
// the applicant must have applied to the plan (by ID number, with the same name), still be
// waiting for a decision, and have chosen the major; the rows of a major must fit in what is
// left of its quota; an applicant may appear once.
func (tx *Tx) CheckAdmissions(s xiangpei.Scope, planID int64, lines []AdmissionLine) (AdmissionCheck, error) {
	if err := schoolOnly(s); err != nil {
		return AdmissionCheck{}, err
	}
	p, err := enrolPlanByID(tx.ctx, tx.tx, s, planID)
	if err != nil {
		return AdmissionCheck{}, err
	}
	if p.Status != xiangpei.EnrolApproved {
		return AdmissionCheck{}, xiangpei.Errorf(xiangpei.Conflict, "enrolplan.not_approved", "Only an approved plan has an admission list.")
	}
	left := map[string]int{}
	majors := map[string]int64{}
	for _, f := range p.Figures {
		left[f.Code], majors[f.Code] = f.Remaining, f.MajorID
	}
	seen := map[int64]int{}
	var out AdmissionCheck
	for _, l := range lines {
		c := AdmissionLineCheck{AdmissionLine: l}
		l.IDNumber, l.Name, l.MajorCode = strings.ToUpper(strings.TrimSpace(l.IDNumber)), strings.TrimSpace(l.Name), strings.TrimSpace(l.MajorCode)
		bad := func(key, text string, args ...any) {
			c.Reasons = append(c.Reasons, xiangpei.Errorf(xiangpei.Invalid, key, text, args...))
		}
		var appID int64
		var name, st string
		err := tx.tx.QueryRowContext(tx.ctx, `SELECT a.id, pe.name, a.status FROM school_apps a JOIN persons pe ON pe.id = a.person_id
			WHERE a.plan_id = $1 AND pe.id_number = $2`, planID, l.IDNumber).Scan(&appID, &name, &st)
		switch {
		case err != nil && !xiangpei.IsKind(mapError(err, "Application"), xiangpei.NotFound):
			return out, err
		case err != nil:
			bad("enrolimport.no_application", "No application to this plan has this ID number.")
		case name != l.Name:
			bad("enrolimport.name_mismatch", "The name does not match the application's (%s).", name)
		case st != string(xiangpei.SchoolAppApplied):
			bad("enrolimport.decided", "This application is already decided.")
		}
		if prev, dup := seen[appID]; appID != 0 && dup {
			bad("enrolimport.twice", "The same applicant is on line %d too.", prev)
		}
		major, ok := majors[l.MajorCode]
		if !ok && l.MajorCode != "" {
			// A code typed into a number cell loses its leading zeros (0401 → 401).
			for code, id := range majors {
				if strings.TrimLeft(code, "0") == strings.TrimLeft(l.MajorCode, "0") {
					major, ok, l.MajorCode = id, true, code
				}
			}
		}
		if !ok {
			bad("enrolimport.major_unknown", "The plan has no major with the code %s.", l.MajorCode)
		} else if appID != 0 {
			var one int
			if err := tx.tx.QueryRowContext(tx.ctx, `SELECT 1 FROM school_app_choices WHERE app_id = $1 AND major_id = $2`, appID, major).Scan(&one); err != nil {
				bad("enrolimport.not_chosen", "The applicant did not choose this major.")
			}
		}
		if len(c.Reasons) == 0 {
			if left[l.MajorCode] <= 0 {
				bad("enrolimport.quota_full", "The quota of major %s is full.", l.MajorCode)
			} else {
				left[l.MajorCode]--
			}
		}
		if appID != 0 {
			seen[appID] = l.Line
		}
		c.AppID, c.MajorID = appID, major
		if len(c.Reasons) == 0 {
			out.Good++
		} else {
			out.Refused++
		}
		out.Lines = append(out.Lines, c)
	}
	return out, nil
}

// CommitAdmissions admits every row of a checked admission list, or — when any row is bad, or
// a place was taken meanwhile — none.
func (tx *Tx) CommitAdmissions(s xiangpei.Scope, planID, uploadID int64, lines []AdmissionLine) (int, error) {
	ac, err := tx.CheckAdmissions(s, planID, lines)
	if err != nil {
		return 0, err
	}
	if ac.Refused > 0 || ac.Good == 0 {
		return 0, xiangpei.Errorf(xiangpei.Invalid, "enrolimport.refused", "%d rows cannot be imported; correct them and check the file again. Nothing was admitted.", ac.Refused)
	}
	if _, err := tx.takeUpload(uploadID, UploadAdmissions, planID); err != nil {
		return 0, err
	}
	for _, l := range ac.Lines {
		if _, err := tx.MoveSchoolApp(s, l.AppID, 0, SchoolAppMove{Action: xiangpei.SchoolAppAdmit, MajorID: l.MajorID}); err != nil {
			return 0, xiangpei.Errorf(xiangpei.Conflict, "enrolimport.line_failed", "Line %d: %s", l.Line, err.Error())
		}
	}
	return ac.Good, tx.Audit("enrolplan.import", "enrol_plan", planID, "", map[string]any{"upload": uploadID, "admitted": ac.Good})
}

// AdmissionMajor reads a school's major by its code inside the transaction (for the demo seed and
// imports).
func (tx *Tx) AdmissionMajor(schoolID int64, code string) (xiangpei.Major, error) {
	m, err := scanMajor(tx.tx.QueryRowContext(tx.ctx, `SELECT `+majorCols+` FROM majors WHERE school_id = $1 AND code = $2`, schoolID, code))
	return m, mapError(err, "Major")
}
