package seed

import (
	"fmt"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// 教 in the demo, the registry (docs/schools.md "Student registry and graduation"): at
// 株洲市工业技工学校 (school_staff) the city's officer (zz_officer) has approved a suspension and
// then the resumption of a 2024 student of 0401, and the withdrawal of a 2024 student of 0302; a
// transfer of a 2025 student of 0601 to 株洲市交通技工学校 waits in zz_officer's queue; the 2023
// cohort of 0401 电气自动化设备安装与维修 graduated on 30 June 2026 with diplomas, and its first
// graduate also holds the 电工 (6-31-01-03) level-4 certificate: a dual certificate (双证书), and
// a seeker with verified education. It relies on the students demoSchools enrols.

// DemoGraduateCalled is the cohort's graduate (by position) whose 3-month follow-up the demo
// records.
const DemoGraduateCalled = 1

// DemoGraduationDay is the day the demo's 2023 cohort of 0401 graduated.
var DemoGraduationDay = time.Date(2026, time.June, 30, 0, 0, 0, 0, xiangpei.ChinaTime)

func demoRegistry(tx *store.Tx, orgs map[string]int64, actors map[string]xiangpei.Actor) error {
	school, school2 := orgs["school"], orgs["school2"]
	staff, city := actors["school_staff"], actors["zz_officer"]
	if school == 0 || school2 == 0 || staff.OrgID != school || city.AccountID == 0 {
		return fmt.Errorf("demo registry: the demo schools, school_staff and zz_officer must exist first")
	}
	cohort := func(code string, year, least int) ([]store.StudentRow, error) {
		list, err := tx.CohortStudents(school, code, year)
		if err == nil && len(list) < least {
			err = fmt.Errorf("demo registry: %d students of %s (%d) at the first school, want %d: run demoSchools first", len(list), code, year, least)
		}
		return list, err
	}
	saved := tx.Actor
	defer func() { tx.Actor = saved }()
	staffScope, cityScope := staff.Scope(), city.Scope()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, xiangpei.ChinaTime) }
	// change requests a change as the school's staff and, unless pending, has the city decide it.
	change := func(s store.StudentRow, q xiangpei.StudentChangeRequest, decide bool) error {
		tx.Actor = staff
		c, err := tx.RequestStudentChange(staffScope, s.ID, 0, q)
		if err != nil || !decide {
			return err
		}
		tx.Actor = city
		_, err = tx.DecideStudentChange(cityScope, c.ID, c.Version, true, "")
		return err
	}

	elec24, err := cohort("0401", 2024, 1)
	if err != nil {
		return err
	}
	if err := change(elec24[0], xiangpei.StudentChangeRequest{Action: xiangpei.StudentSuspend, Reason: "因病住院治疗，申请休学一年（附医院证明）",
		EffectiveOn: day(2025, 11, 3)}, true); err != nil {
		return fmt.Errorf("demo suspension: %w", err)
	}
	if err := change(elec24[0], xiangpei.StudentChangeRequest{Action: xiangpei.StudentResume, Reason: "病愈，申请复学（附复查证明）",
		EffectiveOn: day(2026, 3, 2)}, true); err != nil {
		return fmt.Errorf("demo resumption: %w", err)
	}
	cnc24, err := cohort("0302", 2024, 1)
	if err != nil {
		return err
	}
	if err := change(cnc24[0], xiangpei.StudentChangeRequest{Action: xiangpei.StudentWithdraw, Reason: "本人及监护人申请退学，随家人外出务工",
		EffectiveOn: day(2026, 1, 10)}, true); err != nil {
		return fmt.Errorf("demo withdrawal: %w", err)
	}
	auto25, err := cohort("0601", 2025, 1)
	if err != nil {
		return err
	}
	to, err := tx.MajorByCode(school2, "0601")
	if err != nil {
		return fmt.Errorf("demo transfer target: %w", err)
	}
	if err := change(auto25[0], xiangpei.StudentChangeRequest{Action: xiangpei.StudentTransfer, Reason: "家庭迁居荷塘区，申请转入株洲市交通技工学校汽车维修专业",
		EffectiveOn: day(2026, 9, 1), ToSchoolID: school2, ToMajorID: to}, false); err != nil {
		return fmt.Errorf("demo transfer: %w", err)
	}

	// The 2023 cohort of 0401 graduates; its first student holds the 电工 certificate.
	elec23, err := cohort("0401", 2023, 2)
	if err != nil {
		return err
	}
	if _, err := tx.IssueCertificate(xiangpei.Certificate{Level: "4", PersonID: elec23[0].PersonID, County: "430202",
		OccupationCode: "6-31-01-03", IssuerOrgID: orgs["assessor"], IssuedOn: "2026-05-20", Source: xiangpei.CertFromAssessment,
		Basis: "技工院校在校生职业技能等级认定（学生专场）"}); err != nil {
		return fmt.Errorf("demo graduate's certificate: %w", err)
	}
	elecID, err := tx.MajorByCode(school, "0401")
	if err != nil {
		return err
	}
	tx.Actor = staff
	g, err := tx.RequestGraduation(staffScope, elecID, 2023, DemoGraduationDay, "2023级电气自动化设备安装与维修专业学生修满学制、成绩合格，申请毕业")
	if err != nil {
		return fmt.Errorf("demo graduation: %w", err)
	}
	tx.Actor = city
	if _, err := tx.DecideStudentChange(cityScope, g.ID, g.Version, true, ""); err != nil {
		return fmt.Errorf("demo graduation approved: %w", err)
	}
	// 教→用: the city's registry officer called the second graduate at 3 months (8 October
	// 2026): employed since mid-July. The other graduates' calls wait in the follow-up queue.
	if called := DemoGraduationDay.AddDate(0, 3, 8); tx.Now.After(called) {
		tx.Actor = city
		dips, err := tx.DiplomaOf(elec23[DemoGraduateCalled].ID)
		if err != nil {
			return fmt.Errorf("demo graduate's diploma: %w", err)
		}
		err = demoAt(tx, called, func() error {
			_, err := tx.RecordGraduateFollowUp(cityScope, dips, store.FollowUpInput{Month: 3, Outcome: store.FollowUpEmployed,
				Note: "电话回访：毕业后进入株洲本地电气设备企业，从事设备安装维修。",
				Job: store.EmploymentEntry{EmployerName: "株洲市荷塘区华电电气设备安装有限公司", Occupation: "电工", County: "430202",
					StartsOn: "2026-07-15", FullTime: true}})
			return err
		})
		if err != nil {
			return fmt.Errorf("demo graduate's follow-up: %w", err)
		}
	}
	// The dual-certificate graduate looks for work: a seeker with verified education.
	tx.Actor = saved
	_, err = tx.SaveSeekerPrefs(xiangpei.Scope{PersonID: elec23[0].PersonID}, store.SeekerPrefs{PersonID: elec23[0].PersonID,
		Occupations: []string{"6-31-01-03"}, Counties: []string{"430203", "430211"}, WantFen: 450000, WantUnit: xiangpei.PerMonth,
		WorkTypes: []xiangpei.WorkType{xiangpei.FullTime}}, 0)
	if err != nil {
		return fmt.Errorf("demo graduate's seeker preferences: %w", err)
	}
	return nil
}
