package web

import (
	"fmt"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// matrixStudentRegistry adds the student registry to the authorisation matrix: a major R901 at
// the own school (天元区 430211) and at the foreign school (荷塘区 430202), a student of each
// (persons of its own, not the matrix persons) with a pending suspension; the same {student}
// and {studentchange} pair for every role.
func matrixStudentRegistry(t *testing.T, tx *store.Tx, w *matrixWorld, schools [2]xiangpei.Organisation) {
	t.Helper()
	var students, changes [2]int64
	for i, o := range schools {
		p := person(t, tx, fmt.Sprintf("4302%s20050505%03d", []string{"11", "02"}[i], 711+i), []string{"学籍甲", "学籍乙"}[i], fmt.Sprintf("1390000771%d", i), o.County)
		staff := xiangpei.Scope{OrgID: o.ID}
		m, err := tx.SaveMajor(staff, xiangpei.Major{Code: "R901", Name: "电气自动化设备安装与维修", Years: 3, Level: xiangpei.MajorIntermediate,
			Occupation: "6-31-01-03"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		s, err := tx.EnrolStudent(store.StudentInput{PersonID: p.ID, SchoolID: o.ID, MajorID: m.ID, EntryYear: 2025,
			EnrolledOn: time.Date(2025, 9, 1, 0, 0, 0, 0, xiangpei.ChinaTime)})
		if err != nil {
			t.Fatal(err)
		}
		c, err := tx.RequestStudentChange(staff, s.ID, 0, xiangpei.StudentChangeRequest{Action: xiangpei.StudentSuspend, Reason: "病休",
			EffectiveOn: time.Date(2026, 3, 1, 0, 0, 0, 0, xiangpei.ChinaTime)})
		if err != nil {
			t.Fatal(err)
		}
		students[i], changes[i] = s.ID, c.ID
	}
	for label := range w.own {
		w.own[label]["student"], w.foreign[label]["student"] = fmt.Sprint(students[0]), fmt.Sprint(students[1])
		w.own[label]["studentchange"], w.foreign[label]["studentchange"] = fmt.Sprint(changes[0]), fmt.Sprint(changes[1])
	}
}
