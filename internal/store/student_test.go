package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

var schoolSeq = 0

// TestStudentRegistryCore: a school keeps its majors (code unique in the school, the occupation
// a 细类 of the catalogue); enrolment gives numbers in the documented format from one counter per
// county and year — eight concurrent enrolments get eight different numbers; a person studying
// at one school cannot be enrolled again; a school reads only its own records, the county's
// officer all of the county's.
func TestStudentRegistryCore(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			ctx := context.Background()
			schoolSeq++
			var schools [2]xiangpei.Organisation
			var persons []xiangpei.Person
			_, err := crDo(t, db, w.Admin, func(tx *store.Tx) (int, error) {
				for i := range schools {
					c17 := fmt.Sprintf("52430211MJ%03d%04d", schoolSeq%1000, i)
					o, err := tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgSchool, Name: []string{"株洲市工业技工学校", "株洲市交通技工学校"}[i],
						County: "430211", CreditCode: xiangpei.CreditCode(c17 + string(xiangpei.CreditCheckChar(c17)))})
					if err != nil {
						return 0, err
					}
					schools[i] = o
				}
				for i := range 9 {
					id17 := fmt.Sprintf("430211200%d0%d1%d%03d", i%10, 1+i%9, i%3, schoolSeq%1000)
					p, err := xiangpei.PersonInput{IDNumber: id17 + string(xiangpei.IDCheckDigit(id17)), Name: "学生" + string(rune('甲'+i)),
						Phone: fmt.Sprintf("1360%03d%04d", schoolSeq%1000, i), Household: "rural", County: "430211"}.Validate(tx.Now, func(string) bool { return true })
					if err != nil {
						return 0, err
					}
					if p, err = tx.CreatePerson(p); err != nil {
						return 0, err
					}
					persons = append(persons, p)
				}
				return 0, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			staff := func(i int) xiangpei.Actor {
				return xiangpei.Actor{AccountID: int64(950 + i), Name: "staff", Role: xiangpei.RoleSchool, OrgID: schools[i].ID}
			}
			save := func(a xiangpei.Actor, m xiangpei.Major, v int) (xiangpei.Major, error) {
				return crDo(t, db, a, func(tx *store.Tx) (xiangpei.Major, error) { return tx.SaveMajor(a.Scope(), m, v) })
			}
			elec, err := save(staff(0), xiangpei.Major{Code: "0401", Name: "电气自动化设备安装与维修", Years: 3, Level: xiangpei.MajorIntermediate, Occupation: "6-31-01-03"}, 0)
			if err != nil || elec.SkillLevel != "4" || !elec.Active {
				t.Fatalf("major: %+v %v", elec, err)
			}
			_, err = save(staff(0), xiangpei.Major{Code: "0401", Name: "重复", Years: 3, Level: xiangpei.MajorIntermediate, Occupation: "6-31-01-03"}, 0)
			wantKind(t, "the same code twice", err, xiangpei.Conflict, "major.code_taken")
			_, err = save(staff(0), xiangpei.Major{Code: "0402", Name: "不存在", Years: 3, Level: xiangpei.MajorIntermediate, Occupation: "9-99-99-99"}, 0)
			wantKind(t, "an unknown occupation", err, xiangpei.Invalid, "major.occupation_unknown")
			_, err = save(w.InstA, xiangpei.Major{Code: "0403", Name: "机构", Years: 3, Level: xiangpei.MajorIntermediate, Occupation: "6-31-01-03"}, 0)
			if !xiangpei.IsKind(err, xiangpei.Forbidden) {
				t.Fatalf("a training institution keeps majors: %v", err)
			}
			if list, err := db.Majors(ctx, schools[0].ID, true); err != nil || len(list) != 1 {
				t.Fatalf("majors: %v %v", list, err)
			}

			enrol := func(p xiangpei.Person) (xiangpei.Student, error) {
				return crDo(t, db, w.Admin, func(tx *store.Tx) (xiangpei.Student, error) {
					return tx.EnrolStudent(store.StudentInput{PersonID: p.ID, SchoolID: schools[0].ID, MajorID: elec.ID, EntryYear: 2026,
						EnrolledOn: time.Date(2026, 9, 1, 0, 0, 0, 0, xiangpei.ChinaTime)})
				})
			}
			var wg sync.WaitGroup
			got := make([]xiangpei.Student, 8)
			errs := make([]error, 8)
			for i := range 8 {
				wg.Go(func() { got[i], errs[i] = enrol(persons[i]) })
			}
			wg.Wait()
			seen := map[string]bool{}
			for i, s := range got {
				if errs[i] != nil || !xiangpei.ValidStudentNumber(s.Number) || s.Number[:10] != "2026430211" || seen[s.Number] {
					t.Fatalf("enrolment %d: %v %q", i, errs[i], s.Number)
				}
				seen[s.Number] = true
			}
			_, err = enrol(persons[0])
			wantKind(t, "enrolled twice", err, xiangpei.Conflict, "student.already_studying")
			_, err = crDo(t, db, w.Admin, func(tx *store.Tx) (xiangpei.Student, error) {
				return tx.EnrolStudent(store.StudentInput{PersonID: persons[8].ID, SchoolID: schools[1].ID, MajorID: elec.ID, EntryYear: 2026, EnrolledOn: time.Now()})
			})
			if !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("a major of another school: %v", err)
			}

			if _, err := db.Student(ctx, staff(1).Scope(), got[0].ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("another school reads the record: %v", err)
			}
			row, err := db.Student(ctx, staff(0).Scope(), got[0].ID)
			if err != nil || row.SchoolName != "株洲市工业技工学校" || row.MajorName != "电气自动化设备安装与维修" || row.Status != xiangpei.StudentEnrolled {
				t.Fatalf("own record: %+v %v", row, err)
			}
			officer := xiangpei.Scope{Region: "430211"}
			if _, n, err := db.Students(ctx, officer, store.StudentFilter{EntryYear: 2026}, store.Page{}); err != nil || n != 8 {
				t.Fatalf("the county's officer: %d %v", n, err)
			}
			if _, n, _ := db.Students(ctx, xiangpei.Scope{Region: "430202"}, store.StudentFilter{}, store.Page{}); n != 0 {
				t.Fatalf("another county's officer sees %d", n)
			}
			if l, n, _ := db.Students(ctx, xiangpei.Scope{PersonID: persons[3].ID}, store.StudentFilter{}, store.Page{}); n != 1 || l[0].PersonID != persons[3].ID {
				t.Fatalf("the person's own: %d", n)
			}
		})
	}
}
