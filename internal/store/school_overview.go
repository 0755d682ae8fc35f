package store

import (
	"context"
	"strconv"

	"xiangpei"
)

// 教 — the officer's overview of the technical schools in the region (docs/schools.md, "Demo,
// roster import"): per school, the enrolment plan of the year (status, quota, applications and
// admissions of the approved plan), the students studying and suspended, the status changes
// waiting for approval, and the year's graduates with those in verified employment — one
// statement of correlated counts, on both engines.

// SchoolOverviewRow is one school of the overview.
type SchoolOverviewRow struct {
	SchoolID   int64
	Name       string
	County     string
	Year       int
	PlanStatus string // of the year's plan that counts most (approved, submitted, returned, draft); "" when none
	Quota      int    // places of the approved plan
	Applied    int    // applications to the approved plan
	Admitted   int    // admitted against the quota
	Studying   int    // enrolled or resumed
	Suspended  int
	Pending    int // status changes waiting for the city's officer
	Graduates  int // diplomas dated in the year
	Employed   int // of those, graduates with a verified employment record since graduation
}

// RateBP is the graduates' employment rate in basis points (0 when there are none).
func (r SchoolOverviewRow) RateBP() int {
	if r.Graduates == 0 {
		return 0
	}
	return r.Employed * 10000 / r.Graduates
}

// Rate is the employment rate as a percentage with one decimal, or "—" without graduates.
func (r SchoolOverviewRow) Rate() string {
	if r.Graduates == 0 {
		return "—"
	}
	bp := r.RateBP()
	return strconv.Itoa(bp/100) + "." + strconv.Itoa(bp%100/10) + "%"
}

const schoolOverviewSQL = `SELECT o.id, o.name, o.county,
	COALESCE((SELECT p.status FROM enrol_plans p WHERE p.school_id = o.id AND p.year = $3
		ORDER BY CASE p.status WHEN 'approved' THEN 0 WHEN 'submitted' THEN 1 WHEN 'returned' THEN 2 ELSE 3 END, p.updated_at DESC LIMIT 1), ''),
	COALESCE((SELECT SUM(q.places) FROM enrol_quotas q JOIN enrol_plans p ON p.id = q.plan_id
		WHERE p.school_id = o.id AND p.year = $3 AND p.status = 'approved'), 0),
	(SELECT COUNT(*) FROM school_apps a JOIN enrol_plans p ON p.id = a.plan_id WHERE p.school_id = o.id AND p.year = $3 AND p.status = 'approved'),
	COALESCE((SELECT SUM(q.admitted) FROM enrol_quotas q JOIN enrol_plans p ON p.id = q.plan_id
		WHERE p.school_id = o.id AND p.year = $3 AND p.status = 'approved'), 0),
	(SELECT COUNT(*) FROM students s WHERE s.school_id = o.id AND s.status IN ('enrolled','resumed')),
	(SELECT COUNT(*) FROM students s WHERE s.school_id = o.id AND s.status = 'suspended'),
	(SELECT COUNT(*) FROM student_changes c WHERE c.school_id = o.id AND c.status = 'pending'),
	(SELECT COUNT(*) FROM diplomas d WHERE d.school_id = o.id AND d.graduated_on >= $4 AND d.graduated_on < $5),
	(SELECT COUNT(*) FROM diplomas d WHERE d.school_id = o.id AND d.graduated_on >= $4 AND d.graduated_on < $5
		AND EXISTS (SELECT 1 FROM employment_records e WHERE e.person_id = d.person_id AND e.verified
			AND (e.ends_on = '' OR e.ends_on >= d.graduated_on)))
	FROM organisations o WHERE o.kind = 'school' AND ($1 OR o.county LIKE $2)`

// SchoolOverview lists the technical schools within an officer's region (or every school for
// the whole scope) with their figures of the year, by county and name, with the total.
func (db *DB) SchoolOverview(ctx context.Context, s xiangpei.Scope, year int, page Page) ([]SchoolOverviewRow, int, error) {
	if !s.All && (s.Region == "" || s.OrgID != 0 || s.PersonID != 0) {
		return nil, 0, xiangpei.Errorf(xiangpei.Forbidden, "school_overview.officers_only", "Only officers see the overview of the schools.")
	}
	a := scopeOf(s)
	var total int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations o WHERE o.kind = 'school' AND ($1 OR o.county LIKE $2)`,
		a.all, a.region).Scan(&total); err != nil {
		return nil, 0, err
	}
	from, to := strconv.Itoa(year)+"-01-01", strconv.Itoa(year+1)+"-01-01"
	rows, err := db.read.QueryContext(ctx, schoolOverviewSQL+` ORDER BY o.county, o.name LIMIT $6 OFFSET $7`,
		a.all, a.region, year, from, to, int64(page.limit()), int64(page.offset()))
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, func(r scanner) (SchoolOverviewRow, error) {
		x := SchoolOverviewRow{Year: year}
		err := r.Scan(&x.SchoolID, &x.Name, &x.County, &x.PlanStatus, &x.Quota, &x.Applied, &x.Admitted, &x.Studying, &x.Suspended,
			&x.Pending, &x.Graduates, &x.Employed)
		return x, err
	})
	return list, total, err
}
