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

// admWorld is two schools (天元区 and 荷塘区) with majors, their staff, the city's officer, a
// county officer and applicants.
type admWorld struct {
	w                   *storetest.Training
	school, other       xiangpei.Organisation
	staff, otherStaff   xiangpei.Actor
	city, county, noDut xiangpei.Actor
	majors              []xiangpei.Major // of school: 0401, 0302, 0601(inactive)
	otherMajor          xiangpei.Major
	persons             []xiangpei.Person
	personA             []xiangpei.Actor
}

var admSeq int

func newAdmWorld(t *testing.T, db *store.DB, people int) *admWorld {
	t.Helper()
	x := &admWorld{w: storetest.NewTraining(t, db)}
	admSeq++
	code := func(county string, i int) xiangpei.CreditCode {
		c17 := fmt.Sprintf("52%s%05d%04d", county, admSeq, i)
		return xiangpei.CreditCode(c17 + string(xiangpei.CreditCheckChar(c17)))
	}
	_, err := crDo(t, db, x.w.Admin, func(tx *store.Tx) (int, error) {
		var err error
		if x.school, err = tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgSchool, Name: "天元技工学校", County: "430211", CreditCode: code("430211", 1)}); err != nil {
			return 0, err
		}
		if x.other, err = tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgSchool, Name: "荷塘技工学校", County: "430202", CreditCode: code("430202", 2)}); err != nil {
			return 0, err
		}
		for i := 0; i < people; i++ {
			id17 := fmt.Sprintf("430211%04d0101%03d", 2005+i%5, (admSeq*50+i)%1000)
			p, err := xiangpei.PersonInput{IDNumber: id17 + string(xiangpei.IDCheckDigit(id17)), Name: "考生" + string(rune(0x7532+i)),
				Phone: fmt.Sprintf("137%04d%04d", admSeq%10000, i), Household: "rural", County: "430211"}.Validate(tx.Now, func(string) bool { return true })
			if err != nil {
				return 0, err
			}
			if p, err = tx.CreatePerson(p); err != nil {
				return 0, err
			}
			x.persons = append(x.persons, p)
			x.personA = append(x.personA, xiangpei.Actor{AccountID: int64(900 + i), Name: p.Name, Role: xiangpei.RolePerson, PersonID: p.ID})
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	x.staff = xiangpei.Actor{AccountID: 881, Name: "ty-school", Role: xiangpei.RoleSchool, OrgID: x.school.ID}
	x.otherStaff = xiangpei.Actor{AccountID: 882, Name: "ht-school", Role: xiangpei.RoleSchool, OrgID: x.other.ID}
	d := xiangpei.Duties{xiangpei.DutyClassReview}
	x.city = xiangpei.Actor{AccountID: 883, Name: "zz", Role: xiangpei.RoleOfficer, Region: "430200", Duties: d}
	x.county = xiangpei.Actor{AccountID: 884, Name: "ty", Role: xiangpei.RoleOfficer, Region: "430211", Duties: d}
	x.noDut = xiangpei.Actor{AccountID: 885, Name: "zz0", Role: xiangpei.RoleOfficer, Region: "430200", Duties: xiangpei.Duties{xiangpei.DutyPayment}}
	for i, m := range []xiangpei.Major{
		{Code: "0401", Name: "电气自动化设备安装与维修", Years: 3, Level: xiangpei.MajorIntermediate, Occupation: "6-31-01-03"},
		{Code: "0302", Name: "数控加工", Years: 5, Level: xiangpei.MajorAdvanced, Occupation: "6-18-01-01"},
		{Code: "0601", Name: "汽车维修", Years: 3, Level: xiangpei.MajorIntermediate, Occupation: "4-12-01-01"},
	} {
		got, err := crDo(t, db, x.staff, func(tx *store.Tx) (xiangpei.Major, error) { return tx.SaveMajor(x.staff.Scope(), m, 0) })
		if err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			got.Active = false
			if got, err = crDo(t, db, x.staff, func(tx *store.Tx) (xiangpei.Major, error) { return tx.SaveMajor(x.staff.Scope(), got, got.Version) }); err != nil {
				t.Fatal(err)
			}
		}
		x.majors = append(x.majors, got)
	}
	om, err := crDo(t, db, x.otherStaff, func(tx *store.Tx) (xiangpei.Major, error) {
		return tx.SaveMajor(x.otherStaff.Scope(), xiangpei.Major{Code: "0801", Name: "中式烹调", Years: 3, Level: xiangpei.MajorIntermediate, Occupation: "4-03-02-01"}, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	x.otherMajor = om
	return x
}

func (x *admWorld) plan(places ...int) xiangpei.EnrolPlan {
	now := x.w.Now()
	p := xiangpei.EnrolPlan{Title: "2027年秋季招生计划", Year: 2027, OpensOn: now.AddDate(0, 0, -1), ClosesOn: now.AddDate(0, 1, 0)}
	for i, n := range places {
		p.Quotas = append(p.Quotas, xiangpei.Quota{MajorID: x.majors[i].ID, Places: n})
	}
	return p
}

func (x *admWorld) approved(t *testing.T, places ...int) store.EnrolPlanRow {
	t.Helper()
	db := x.w.DB
	p, err := crDo(t, db, x.staff, func(tx *store.Tx) (store.EnrolPlanRow, error) {
		return tx.SaveEnrolPlan(x.staff.Scope(), x.plan(places...), 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	if p, err = crDo(t, db, x.staff, func(tx *store.Tx) (store.EnrolPlanRow, error) {
		return tx.MoveEnrolPlan(x.staff.Scope(), p.ID, p.Version, xiangpei.EnrolSubmit, "")
	}); err != nil {
		t.Fatal(err)
	}
	if p, err = crDo(t, db, x.city, func(tx *store.Tx) (store.EnrolPlanRow, error) {
		return tx.MoveEnrolPlan(x.city.Scope(), p.ID, p.Version, xiangpei.EnrolApprove, "")
	}); err != nil {
		t.Fatal(err)
	}
	return p
}

func (x *admWorld) apply(t *testing.T, i int, planID int64, choices ...int64) (store.SchoolAppRow, error) {
	t.Helper()
	a := x.personA[i]
	return crDo(t, x.w.DB, a, func(tx *store.Tx) (store.SchoolAppRow, error) {
		return tx.ApplySchool(a.Scope(), xiangpei.SchoolApplication{PlanID: planID, Choices: choices, Education: xiangpei.EduJuniorMiddle,
			Documents: "初中毕业证书编号 123456"})
	})
}

func (x *admWorld) move(t *testing.T, a xiangpei.Actor, app store.SchoolAppRow, m store.SchoolAppMove) (store.SchoolAppRow, error) {
	t.Helper()
	return crDo(t, x.w.DB, a, func(tx *store.Tx) (store.SchoolAppRow, error) {
		return tx.MoveSchoolApp(a.Scope(), app.ID, app.Version, m)
	})
}

// TestEnrolPlanMachine: the school drafts a plan (quotas only for its active majors, > 0), a
// county officer or an officer without the duty cannot approve, the city's officer returns it
// with a reason and approves it after resubmission; another school and another county's
// officer do not see it; a second approved plan for the same school and year is refused.
func TestEnrolPlanMachine(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newAdmWorld(t, db, 1)
			ctx := context.Background()
			save := func(a xiangpei.Actor, p xiangpei.EnrolPlan, v int) (store.EnrolPlanRow, error) {
				return crDo(t, db, a, func(tx *store.Tx) (store.EnrolPlanRow, error) { return tx.SaveEnrolPlan(a.Scope(), p, v) })
			}
			mv := func(a xiangpei.Actor, p store.EnrolPlanRow, act xiangpei.EnrolPlanAction, reason string) (store.EnrolPlanRow, error) {
				return crDo(t, db, a, func(tx *store.Tx) (store.EnrolPlanRow, error) {
					return tx.MoveEnrolPlan(a.Scope(), p.ID, p.Version, act, reason)
				})
			}
			bad := x.plan(10)
			bad.Quotas[0].Places = 0
			_, err := save(x.staff, bad, 0)
			wantKind(t, "zero quota", err, xiangpei.Invalid, "enrolplan.quota")
			bad = x.plan(10, 10, 10)
			_, err = save(x.staff, bad, 0)
			wantKind(t, "inactive major", err, xiangpei.Invalid, "enrolplan.major_unknown")
			bad = x.plan(10)
			bad.Quotas[0].MajorID = x.otherMajor.ID
			_, err = save(x.staff, bad, 0)
			wantKind(t, "other school's major", err, xiangpei.Invalid, "enrolplan.major_unknown")
			_, err = save(x.personA[0], x.plan(10), 0)
			wantKind(t, "person writes a plan", err, xiangpei.Forbidden, "school.staff_only")
			if _, n, _ := db.EnrolPlans(ctx, x.staff.Scope(), store.EnrolPlanFilter{}, store.Page{}); n != 0 {
				t.Fatalf("refused plans were written: %d", n)
			}

			p, err := save(x.staff, x.plan(30, 20), 0)
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != xiangpei.EnrolDraft || p.MaxChoices != xiangpei.DefaultMaxChoices || len(p.Figures) != 2 || p.Figures[0].Places != 20 {
				t.Fatalf("draft: %+v", p)
			}
			if _, err := db.EnrolPlan(ctx, x.otherStaff.Scope(), p.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another school reads the plan: %v", err)
			}
			if _, err := db.EnrolPlan(ctx, xiangpei.Actor{Role: xiangpei.RoleOfficer, Region: "430202"}.Scope(), p.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another county's officer reads the plan: %v", err)
			}
			if _, err := db.PublicEnrolPlan(ctx, p.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("a draft is public: %v", err)
			}
			_, err = mv(x.city, p, xiangpei.EnrolApprove, "")
			wantKind(t, "approve a draft", err, xiangpei.Conflict, "enrolplan.wrong_status")
			if p, err = mv(x.staff, p, xiangpei.EnrolSubmit, ""); err != nil || p.Status != xiangpei.EnrolSubmitted {
				t.Fatalf("submit: %v %v", p.Status, err)
			}
			_, err = mv(x.county, p, xiangpei.EnrolApprove, "")
			wantKind(t, "county officer approves", err, xiangpei.Forbidden, "enrolplan.city_only")
			_, err = mv(x.noDut, p, xiangpei.EnrolApprove, "")
			wantKind(t, "officer without duty approves", err, xiangpei.Forbidden, "enrolplan.city_only")
			_, err = mv(x.city, p, xiangpei.EnrolReturn, " ")
			wantKind(t, "return without reason", err, xiangpei.Invalid, "enrolplan.reason")
			if p, err = mv(x.city, p, xiangpei.EnrolReturn, "数控加工名额过多"); err != nil || p.Status != xiangpei.EnrolReturned || p.Reason != "数控加工名额过多" {
				t.Fatalf("return: %+v %v", p, err)
			}
			edited := x.plan(30, 10)
			edited.ID = p.ID
			if p, err = save(x.staff, edited, p.Version); err != nil {
				t.Fatal(err)
			}
			if p, err = mv(x.staff, p, xiangpei.EnrolSubmit, ""); err != nil {
				t.Fatal(err)
			}
			if p, err = mv(x.city, p, xiangpei.EnrolApprove, ""); err != nil || p.Status != xiangpei.EnrolApproved || p.Reason != "" {
				t.Fatalf("approve: %+v %v", p, err)
			}
			if _, err := db.PublicEnrolPlan(ctx, p.ID); err != nil {
				t.Errorf("an approved plan is not public: %v", err)
			}
			edited.ID = p.ID
			_, err = save(x.staff, edited, p.Version)
			wantKind(t, "edit an approved plan", err, xiangpei.Conflict, "enrolplan.not_editable")
			second, err := save(x.staff, x.plan(5), 0)
			if err != nil {
				t.Fatal(err)
			}
			second, _ = mv(x.staff, second, xiangpei.EnrolSubmit, "")
			_, err = mv(x.city, second, xiangpei.EnrolApprove, "")
			wantKind(t, "second approved plan", err, xiangpei.Conflict, "enrolplan.approved_twice")
			open, n, err := db.OpenEnrolPlans(ctx, "430200", true, store.Page{})
			if err != nil || n != 1 || open[0].ID != p.ID {
				t.Errorf("open plans in the city: %d %v", n, err)
			}
			if _, n, _ := db.OpenEnrolPlans(ctx, "430202", true, store.Page{}); n != 0 {
				t.Errorf("荷塘区 lists 天元区's plan")
			}
		})
	}
}

// TestSchoolApplications: a person applies with up to the plan's max choices, once; the school
// sees the name and the masked ID; it admits to a chosen major only, rejects with a reason;
// confirming waits for the published list, then enrols the student in the same transaction
// (entry year = the plan's, enrolled on the start of term); declining frees the place; a
// withdrawal is possible only before a decision.
func TestSchoolApplications(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newAdmWorld(t, db, 5)
			ctx := context.Background()
			p := x.approved(t, 2, 1)
			m0, m1 := x.majors[0].ID, x.majors[1].ID
			_, err := x.apply(t, 0, p.ID, m0, m1, x.majors[2].ID, x.otherMajor.ID)
			wantKind(t, "four choices", err, xiangpei.Invalid, "schoolapp.too_many")
			_, err = x.apply(t, 0, p.ID, m0, x.otherMajor.ID)
			wantKind(t, "a major not in the plan", err, xiangpei.Invalid, "schoolapp.choice_unknown")
			_, err = crDo(t, db, x.staff, func(tx *store.Tx) (store.SchoolAppRow, error) {
				return tx.ApplySchool(x.staff.Scope(), xiangpei.SchoolApplication{PlanID: p.ID, Choices: []int64{m0}, Education: xiangpei.EduSocial})
			})
			wantKind(t, "school applies", err, xiangpei.Forbidden, "schoolapp.person_only")
			var apps []store.SchoolAppRow
			for i := range 5 {
				a, err := x.apply(t, i, p.ID, m1, m0)
				if err != nil {
					t.Fatal(err)
				}
				apps = append(apps, a)
			}
			_, err = x.apply(t, 0, p.ID, m0)
			wantKind(t, "apply twice", err, xiangpei.Conflict, "schoolapp.twice")

			list, n, err := db.SchoolApps(ctx, x.staff.Scope(), store.SchoolAppFilter{PlanID: p.ID}, store.Page{})
			if err != nil || n != 5 || list[0].MaskedID == string(x.persons[0].IDNumber) || len(list[0].Choices) != 2 || list[0].Choices[0].MajorID != m1 {
				t.Fatalf("school's list: %d %v %+v", n, err, list)
			}
			if _, n, _ := db.SchoolApps(ctx, x.otherStaff.Scope(), store.SchoolAppFilter{}, store.Page{}); n != 0 {
				t.Errorf("another school sees %d applications", n)
			}
			if _, n, _ := db.SchoolApps(ctx, x.personA[1].Scope(), store.SchoolAppFilter{}, store.Page{}); n != 1 {
				t.Errorf("a person sees %d applications", n)
			}

			_, err = x.move(t, x.staff, apps[0], store.SchoolAppMove{Action: xiangpei.SchoolAppAdmit, MajorID: x.majors[2].ID})
			wantKind(t, "admit to an unchosen major", err, xiangpei.Invalid, "schoolapp.not_chosen")
			_, err = x.move(t, x.otherStaff, apps[0], store.SchoolAppMove{Action: xiangpei.SchoolAppAdmit, MajorID: m0})
			wantKind(t, "another school admits", err, xiangpei.NotFound, "")
			_, err = x.move(t, x.staff, apps[0], store.SchoolAppMove{Action: xiangpei.SchoolAppReject})
			wantKind(t, "reject without reason", err, xiangpei.Invalid, "schoolapp.reason")

			a0, err := x.move(t, x.staff, apps[0], store.SchoolAppMove{Action: xiangpei.SchoolAppAdmit, MajorID: m1})
			if err != nil || a0.Status != xiangpei.SchoolAppAdmitted || a0.MajorID != m1 {
				t.Fatalf("admit: %+v %v", a0, err)
			}
			_, err = x.move(t, x.staff, apps[1], store.SchoolAppMove{Action: xiangpei.SchoolAppAdmit, MajorID: m1})
			wantKind(t, "over quota", err, xiangpei.Conflict, "schoolapp.quota_full")
			a1, err := x.move(t, x.staff, apps[1], store.SchoolAppMove{Action: xiangpei.SchoolAppAdmit, MajorID: m0})
			if err != nil {
				t.Fatal(err)
			}
			a2, err := x.move(t, x.staff, apps[2], store.SchoolAppMove{Action: xiangpei.SchoolAppReject, Reason: "名额已满"})
			if err != nil || a2.Status != xiangpei.SchoolAppRejected {
				t.Fatalf("reject: %v", err)
			}
			a3, err := x.move(t, x.personA[3], apps[3], store.SchoolAppMove{Action: xiangpei.SchoolAppWithdraw})
			if err != nil || a3.Status != xiangpei.SchoolAppWithdrawn {
				t.Fatalf("withdraw: %v", err)
			}
			_, err = x.move(t, x.personA[0], a0, store.SchoolAppMove{Action: xiangpei.SchoolAppWithdraw})
			wantKind(t, "withdraw after admission", err, xiangpei.Conflict, "schoolapp.wrong_status")
			_, err = x.move(t, x.personA[0], a0, store.SchoolAppMove{Action: xiangpei.SchoolAppConfirm})
			wantKind(t, "confirm before publication", err, xiangpei.Conflict, "schoolapp.not_published")
			_, err = x.move(t, x.personA[1], a0, store.SchoolAppMove{Action: xiangpei.SchoolAppConfirm})
			wantKind(t, "someone else confirms", err, xiangpei.NotFound, "")

			if _, err := crDo(t, db, x.staff, func(tx *store.Tx) (store.EnrolPlanRow, error) { return tx.PublishAdmissions(x.staff.Scope(), p.ID) }); err != nil {
				t.Fatal(err)
			}
			e0, err := x.move(t, x.personA[0], a0, store.SchoolAppMove{Action: xiangpei.SchoolAppConfirm})
			if err != nil || e0.Status != xiangpei.SchoolAppEnrolled || e0.StudentID == 0 {
				t.Fatalf("confirm: %+v %v", e0, err)
			}
			st, err := db.Student(ctx, x.staff.Scope(), e0.StudentID)
			if err != nil || st.AdmissionID != a0.ID || st.EntryYear != 2027 || st.MajorID != m1 || xiangpei.ChinaDate(st.EnrolledOn) != "2027-09-01" ||
				!xiangpei.ValidStudentNumber(st.Number) {
				t.Fatalf("student record: %+v %v", st, err)
			}
			d1, err := x.move(t, x.personA[1], a1, store.SchoolAppMove{Action: xiangpei.SchoolAppDecline})
			if err != nil || d1.Status != xiangpei.SchoolAppDeclined {
				t.Fatalf("decline: %v", err)
			}
			got, err := db.EnrolPlan(ctx, x.city.Scope(), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			byMajor := map[int64]store.EnrolFigure{}
			for _, f := range got.Figures {
				byMajor[f.MajorID] = f
			}
			if f := byMajor[m1]; f.Admitted != 1 || f.Enrolled != 1 || f.Applied != 4 || f.Remaining != 0 {
				t.Errorf("数控加工 figures: %+v", f)
			}
			if f := byMajor[m0]; f.Admitted != 0 || f.Enrolled != 0 || f.Remaining != 2 {
				t.Errorf("电气 figures after the decline: %+v", f)
			}
		})
	}
}

// TestConcurrentAdmissionsKeepTheQuota: N staff admit N applicants to a major of quota Q < N
// at the same moment; exactly Q are admitted and the counter says Q.
func TestConcurrentAdmissionsKeepTheQuota(t *testing.T) {
	const n, q = 8, 3
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newAdmWorld(t, db, n)
			p := x.approved(t, q)
			var apps []store.SchoolAppRow
			for i := range n {
				a, err := x.apply(t, i, p.ID, x.majors[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				apps = append(apps, a)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			admitted, full := 0, 0
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func(app store.SchoolAppRow, i int) {
					defer wg.Done()
					<-start
					staff := x.staff
					staff.AccountID += int64(i)
					_, err := store.Do(context.Background(), db, staff, func(tx *store.Tx) (store.SchoolAppRow, error) {
						return tx.MoveSchoolApp(staff.Scope(), app.ID, app.Version, store.SchoolAppMove{Action: xiangpei.SchoolAppAdmit, MajorID: x.majors[0].ID})
					})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						admitted++
					case xiangpei.IsKind(err, xiangpei.Conflict):
						full++
					default:
						t.Errorf("admit: %v", err)
					}
				}(apps[i], i)
			}
			close(start)
			wg.Wait()
			if admitted != q || full != n-q {
				t.Fatalf("admitted %d, refused %d; want %d and %d", admitted, full, q, n-q)
			}
			_, total, err := db.SchoolApps(context.Background(), x.staff.Scope(), store.SchoolAppFilter{PlanID: p.ID, Status: xiangpei.SchoolAppAdmitted}, store.Page{})
			got, err2 := db.EnrolPlan(context.Background(), x.staff.Scope(), p.ID)
			if err != nil || err2 != nil || total != q || got.Figures[0].Admitted != q {
				t.Fatalf("stored: %d admitted, counter %d (%v %v)", total, got.Figures[0].Admitted, err, err2)
			}
		})
	}
}

// TestAdmissionImport: a file's rows are checked line by line (unknown ID number, wrong name,
// unchosen major, unknown code, over quota) and nothing is written while any row is bad; a
// good file admits every row (a code that lost its leading zero in a number cell still matches).
func TestAdmissionImport(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newAdmWorld(t, db, 4)
			p := x.approved(t, 1, 2)
			for i := range 4 {
				if _, err := x.apply(t, i, p.ID, x.majors[0].ID); err != nil {
					t.Fatal(err)
				}
			}
			id := func(i int) string { return string(x.persons[i].IDNumber) }
			lines := []store.AdmissionLine{
				{Line: 2, IDNumber: id(0), Name: x.persons[0].Name, MajorCode: "401"}, // a number cell lost the leading zero
				{Line: 3, IDNumber: id(1), Name: "别人", MajorCode: "0401"},
				{Line: 4, IDNumber: id(2), Name: x.persons[2].Name, MajorCode: "0302"},
				{Line: 5, IDNumber: id(3), Name: x.persons[3].Name, MajorCode: "0401"},
				{Line: 6, IDNumber: "110105194912310021", Name: "张三", MajorCode: "9999"},
			}
			ac, err := crDo(t, db, x.staff, func(tx *store.Tx) (store.AdmissionCheck, error) {
				return tx.CheckAdmissions(x.staff.Scope(), p.ID, lines)
			})
			if err != nil || ac.Good != 1 || ac.Refused != 4 {
				t.Fatalf("check: %+v %v", ac, err)
			}
			want := map[int]string{3: "enrolimport.name_mismatch", 4: "enrolimport.not_chosen", 5: "enrolimport.quota_full", 6: "enrolimport.no_application"}
			for _, l := range ac.Lines {
				if k, bad := want[l.Line]; bad {
					e, _ := l.Reasons[0].(*xiangpei.Error)
					if e == nil || e.Key != k {
						t.Errorf("line %d: %v, want %s", l.Line, l.Reasons, k)
					}
				}
			}
			commit := func(lines []store.AdmissionLine) (int, error) {
				return crDo(t, db, x.staff, func(tx *store.Tx) (int, error) {
					u, err := tx.SaveUpload(store.Upload{Purpose: store.UploadAdmissions, ClassID: p.ID, OrgID: x.school.ID, Name: "a.csv", Data: []byte(time.Now().String())})
					if err != nil {
						return 0, err
					}
					return tx.CommitAdmissions(x.staff.Scope(), p.ID, u.ID, lines)
				})
			}
			_, err = commit(lines)
			wantKind(t, "commit with bad rows", err, xiangpei.Invalid, "enrolimport.refused")
			if _, n, _ := db.SchoolApps(context.Background(), x.staff.Scope(), store.SchoolAppFilter{Status: xiangpei.SchoolAppAdmitted}, store.Page{}); n != 0 {
				t.Fatalf("a refused file admitted %d", n)
			}
			if n, err := commit(lines[:1]); err != nil || n != 1 {
				t.Fatalf("good file: %d %v", n, err)
			}
			if _, n, _ := db.SchoolApps(context.Background(), x.staff.Scope(), store.SchoolAppFilter{Status: xiangpei.SchoolAppAdmitted}, store.Page{}); n != 1 {
				t.Fatalf("admitted after import: %d", n)
			}
		})
	}
}
