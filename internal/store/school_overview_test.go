package store_test

import (
	"context"
	"strconv"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestSchoolOverview: the officer's overview counts, per school of the region, the approved
// plan's quota, applications and admissions, the students studying and suspended, the pending
// changes, and the year's graduates with the employed among them; a county officer sees only the
// county's schools, school staff none. (Plans, changes and diplomas are written by hand here:
// their own tests cover how they are made.)
func TestSchoolOverview(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newSchoolRosterWorld(t, db) // 工业 (天元区): 0401, 0302 closed; 交通 (荷塘区): 0601, 李娜 studying
			ctx := context.Background()
			now := db.Now()
			year := now.In(xiangpei.ChinaTime).Year()
			// Four more students at 工业 by a roster import.
			var lines []store.SchoolRosterLine
			for i, id17 := range []string{"43021120090301101", "43021120090302202", "43021120090303301", "43021120090304402"} {
				lines = append(lines, store.SchoolRosterLine{Line: i + 2, IDNumber: srID(id17), Name: "学生" + string(rune('甲'+i)), MajorCode: "0401",
					EntryYear: "2023", EnrolledOn: "2023-09-01"})
			}
			_, u, err := x.check(t, x.staff[0], "four", lines)
			if err != nil {
				t.Fatal(err)
			}
			res, err := x.commit(t, x.staff[0], u.ID, lines)
			if err != nil {
				t.Fatal(err)
			}
			st := res.Students
			school := x.schools[0].ID
			exec := func(q string, args ...any) {
				t.Helper()
				if err := db.Exec(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			// The approved plan of the year: 30 places of 0401, 3 admitted, 5 applications; a
			// returned plan of last year does not count.
			exec(`INSERT INTO enrol_plans (id, school_id, county, year, title, opens_on, closes_on, status, created_at, updated_at)
				VALUES (9101, $1, '430211', $2, '招生计划', '2026-03-01', '2026-08-31', 'approved', $3, $3)`, school, year, now)
			exec(`INSERT INTO enrol_plans (id, school_id, county, year, title, opens_on, closes_on, status, created_at, updated_at)
				VALUES (9102, $1, '430211', $2, '去年计划', '2025-03-01', '2025-08-31', 'returned', $3, $3)`, school, year-1, now)
			exec(`INSERT INTO enrol_quotas (plan_id, major_id, places, admitted) VALUES (9101, $1, 30, 3)`, x.elec.ID)
			exec(`INSERT INTO enrol_quotas (plan_id, major_id, places, admitted) VALUES (9102, $1, 50, 0)`, x.elec.ID)
			for i, p := range st {
				exec(`INSERT INTO school_apps (id, plan_id, person_id, school_id, county, education, status, applied_at, updated_at)
					VALUES ($1, 9101, $2, $3, '430211', 'junior_middle', 'applied', $4, $4)`, 9200+i, p.PersonID, school, now)
			}
			exec(`INSERT INTO school_apps (id, plan_id, person_id, school_id, county, education, status, applied_at, updated_at)
				VALUES (9210, 9101, $1, $2, '430211', 'social', 'applied', $3, $3)`, x.zhang.ID, school, now)
			// One student suspended, one with a pending change; two graduated this year, one of
			// them in verified employment since.
			exec(`UPDATE students SET status = 'suspended' WHERE id = $1`, st[0].ID)
			exec(`INSERT INTO student_changes (id, school_id, county, action, student_id, reason, effective_on, status, requested_at)
				VALUES (9301, $1, '430211', 'suspend', $2, '病休', '2026-10-01', 'pending', $3)`, school, st[1].ID, now)
			grad := strconv.Itoa(year) + "-06-30"
			for i, s := range st[2:] {
				exec(`UPDATE students SET status = 'graduated', left_on = $2 WHERE id = $1`, s.ID, grad)
				exec(`INSERT INTO diplomas (id, number, student_id, person_id, school_id, major_id, graduated_on, created_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, 9400+i, "D-"+strconv.Itoa(9400+i), s.ID, s.PersonID, school, x.elec.ID, grad, now)
			}
			exec(`INSERT INTO employment_records (id, person_id, employer_name, source, starts_on, verified, created_at)
				VALUES (9501, $1, '株洲某公司', 'officer', $2, TRUE, $3)`, st[2].PersonID, grad, now)
			exec(`INSERT INTO employment_records (id, person_id, employer_name, source, starts_on, verified, created_at)
				VALUES (9502, $1, '株洲某公司', 'self_report', $2, FALSE, $3)`, st[3].PersonID, grad, now)

			city := xiangpei.Scope{Region: "4302"}
			list, total, err := db.SchoolOverview(ctx, city, year, store.Page{})
			if err != nil || total != 2 || len(list) != 2 {
				t.Fatalf("city overview: %v %d %+v", err, total, list)
			}
			// By county: 荷塘区 430202 first.
			jt, gy := list[0], list[1]
			if jt.SchoolID != x.schools[1].ID || jt.Studying != 1 || jt.PlanStatus != "" || jt.Graduates != 0 || jt.Rate() != "—" {
				t.Errorf("交通: %+v", jt)
			}
			want := store.SchoolOverviewRow{SchoolID: school, Name: gy.Name, County: "430211", Year: year, PlanStatus: "approved", Quota: 30,
				Applied: 5, Admitted: 3, Studying: 1, Suspended: 1, Pending: 1, Graduates: 2, Employed: 1}
			if gy != want || gy.RateBP() != 5000 || gy.Rate() != "50.0%" {
				t.Errorf("工业: %+v, want %+v (rate %s)", gy, want, gy.Rate())
			}
			county, n, err := db.SchoolOverview(ctx, xiangpei.Scope{Region: "430202"}, year, store.Page{})
			if err != nil || n != 1 || county[0].SchoolID != x.schools[1].ID {
				t.Fatalf("county overview: %v %d %+v", err, n, county)
			}
			if _, _, err := db.SchoolOverview(ctx, x.staff[0].Scope(), year, store.Page{}); !xiangpei.IsKind(err, xiangpei.Forbidden) {
				t.Fatalf("school staff read the overview: %v", err)
			}
		})
	}
}
