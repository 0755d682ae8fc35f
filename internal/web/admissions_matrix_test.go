package web

import (
	"fmt"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
)

// admissionsPlan makes a major, an approved plan open now and returns them; the city's
// officer approves (tx.Actor is the city officer for that move only).
func admissionsPlan(t *testing.T, tx *store.Tx, school xiangpei.Organisation, code string) (xiangpei.Major, store.EnrolPlanRow) {
	t.Helper()
	staff := xiangpei.Scope{OrgID: school.ID}
	m, err := tx.SaveMajor(staff, xiangpei.Major{Code: code, Name: "电气自动化设备安装与维修", Years: 3, Level: xiangpei.MajorIntermediate, Occupation: "6-31-01-03"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	now := tx.Now
	p, err := tx.SaveEnrolPlan(staff, xiangpei.EnrolPlan{Title: "秋季招生计划", Year: now.In(xiangpei.ChinaTime).Year() + 1, OpensOn: now.AddDate(0, 0, -1),
		ClosesOn: now.AddDate(0, 1, 0), Quotas: []xiangpei.Quota{{MajorID: m.ID, Places: 5}}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = tx.MoveEnrolPlan(staff, p.ID, p.Version, xiangpei.EnrolSubmit, ""); err != nil {
		t.Fatal(err)
	}
	saved := tx.Actor
	tx.Actor = xiangpei.Actor{Name: "city", Role: xiangpei.RoleOfficer, Region: "430200", Duties: xiangpei.Duties{xiangpei.DutyClassReview}}
	defer func() { tx.Actor = saved }()
	if p, err = tx.MoveEnrolPlan(xiangpei.Scope{Region: "4302"}, p.ID, p.Version, xiangpei.EnrolApprove, ""); err != nil {
		t.Fatal(err)
	}
	return m, p
}

// matrixAdmissions adds majors, plans and applications: the own school's (天元区) with the own
// person's application, the foreign school's (荷塘区) with the foreign person's.
func matrixAdmissions(t *testing.T, tx *store.Tx, w *matrixWorld, schools [2]xiangpei.Organisation, pOwn, pForeign xiangpei.Person) {
	t.Helper()
	var majors, plans, apps [2]int64
	for i, o := range schools {
		m, p := admissionsPlan(t, tx, o, fmt.Sprintf("MX%d", i))
		a, err := tx.ApplySchool(xiangpei.Scope{PersonID: []xiangpei.Person{pOwn, pForeign}[i].ID}, xiangpei.SchoolApplication{PlanID: p.ID,
			Choices: []int64{m.ID}, Education: xiangpei.EduJuniorMiddle})
		if err != nil {
			t.Fatal(err)
		}
		majors[i], plans[i], apps[i] = m.ID, p.ID, a.ID
	}
	for label := range w.own {
		for k, v := range map[string][2]int64{"major": majors, "enrolplan": plans, "schoolapp": apps} {
			w.own[label][k], w.foreign[label][k] = fmt.Sprint(v[0]), fmt.Sprint(v[1])
		}
	}
}
