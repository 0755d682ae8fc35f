package web

import (
	"context"
	"fmt"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixGraduates adds graduates' follow-ups to the authorisation matrix: a major R902 at the
// own school (天元区 430211) and at the foreign school (荷塘区 430202), each with a 2023 student
// graduated on 30 June 2026 (the city officer approves: tx.Actor for that move only). The
// graduates are returned: once the world is committed, matrixDiplomas makes their diplomas the
// same {diploma} pair for every role.
func matrixGraduates(t *testing.T, tx *store.Tx, schools [2]xiangpei.Organisation) [2]int64 {
	t.Helper()
	saved := tx.Actor
	defer func() { tx.Actor = saved }()
	city := xiangpei.Actor{Name: "city", Role: xiangpei.RoleOfficer, Region: "430200", Duties: xiangpei.Duties{xiangpei.DutyClassReview}}
	var graduates [2]int64
	for i, o := range schools {
		tx.Actor = saved
		p := person(t, tx, fmt.Sprintf("4302%s20040606%03d", []string{"11", "02"}[i], 721+i), []string{"毕业甲", "毕业乙"}[i], fmt.Sprintf("1390000772%d", i), o.County)
		staff := xiangpei.Scope{OrgID: o.ID}
		m, err := tx.SaveMajor(staff, xiangpei.Major{Code: "R902", Name: "汽车维修", Years: 3, Level: xiangpei.MajorIntermediate,
			Occupation: "4-12-01-01"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.EnrolStudent(store.StudentInput{PersonID: p.ID, SchoolID: o.ID, MajorID: m.ID, EntryYear: 2023,
			EnrolledOn: time.Date(2023, 9, 1, 0, 0, 0, 0, xiangpei.ChinaTime)}); err != nil {
			t.Fatal(err)
		}
		g, err := tx.RequestGraduation(staff, m.ID, 2023, time.Date(2026, 6, 30, 0, 0, 0, 0, xiangpei.ChinaTime), "2023级汽车维修专业毕业")
		if err != nil {
			t.Fatal(err)
		}
		tx.Actor = city
		if _, err := tx.DecideStudentChange(city.Scope(), g.ID, g.Version, true, ""); err != nil {
			t.Fatal(err)
		}
		graduates[i] = p.ID
	}
	return graduates
}

// matrixDiplomas reads the diplomas of matrixGraduates' graduates into the world.
func matrixDiplomas(t *testing.T, db *store.DB, w *matrixWorld, graduates [2]int64) {
	t.Helper()
	var diplomas [2]string
	for i, pid := range graduates {
		d, err := db.Diplomas(context.Background(), xiangpei.Scope{PersonID: pid}, 0)
		if err != nil || len(d) != 1 {
			t.Fatalf("the matrix graduate's diploma: %v %v", d, err)
		}
		diplomas[i] = fmt.Sprint(d[0].ID)
	}
	for label := range w.own {
		w.own[label]["diploma"], w.foreign[label]["diploma"] = diplomas[0], diplomas[1]
	}
}
