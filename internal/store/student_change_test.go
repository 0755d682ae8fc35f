package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

var registrySeq = 0

// registryWorld: two schools — 甲 in 天元区 (430211) with 电气 0401 (3 years), 乙 in 荷塘区 (430202)
// with 汽修 0601 — six persons, and four students of 甲's 2023 cohort.
type registryWorld struct {
	db              *store.DB
	w               *storetest.Training
	schools         [2]xiangpei.Organisation
	staff           [2]xiangpei.Actor
	elec, auto      xiangpei.Major
	persons         []xiangpei.Person
	students        []xiangpei.Student
	city, city2     xiangpei.Actor
	county, foreign xiangpei.Actor
}

func newRegistryWorld(t *testing.T, db *store.DB) *registryWorld {
	t.Helper()
	x := &registryWorld{db: db, w: storetest.NewTraining(t, db)}
	registrySeq++
	_, err := crDo(t, db, x.w.Admin, func(tx *store.Tx) (int, error) {
		for i, county := range []string{"430211", "430202"} {
			c17 := fmt.Sprintf("52%sRG%03d%04d", county, registrySeq%1000, i)
			o, err := tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgSchool, Name: []string{"甲技工学校", "乙技工学校"}[i],
				County: county, CreditCode: xiangpei.CreditCode(c17 + string(xiangpei.CreditCheckChar(c17)))})
			if err != nil {
				return 0, err
			}
			x.schools[i] = o
		}
		for i := range 6 {
			id17 := fmt.Sprintf("430211200%d0%d2%d%03d", i%10, 1+i%9, i%3, registrySeq%1000)
			p, err := xiangpei.PersonInput{IDNumber: id17 + string(xiangpei.IDCheckDigit(id17)), Name: "学生" + string(rune('子'+i)),
				Phone: fmt.Sprintf("1370%03d%04d", registrySeq%1000, i), Household: "rural", County: "430211"}.Validate(tx.Now, func(string) bool { return true })
			if err != nil {
				return 0, err
			}
			if p, err = tx.CreatePerson(p); err != nil {
				return 0, err
			}
			x.persons = append(x.persons, p)
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range x.staff {
		x.staff[i] = xiangpei.Actor{AccountID: int64(960 + i), Name: "staff", Role: xiangpei.RoleSchool, OrgID: x.schools[i].ID}
	}
	d := xiangpei.Duties{xiangpei.DutyClassReview}
	x.city = xiangpei.Actor{AccountID: 970, Name: "city", Role: xiangpei.RoleOfficer, Region: "430200", Duties: d}
	x.city2 = xiangpei.Actor{AccountID: 971, Name: "city2", Role: xiangpei.RoleOfficer, Region: "430200", Duties: d}
	x.county = xiangpei.Actor{AccountID: 972, Name: "county", Role: xiangpei.RoleOfficer, Region: "430211", Duties: d}
	x.foreign = xiangpei.Actor{AccountID: 973, Name: "other city", Role: xiangpei.RoleOfficer, Region: "430100", Duties: d}
	save := func(a xiangpei.Actor, m xiangpei.Major) xiangpei.Major {
		m, err := crDo(t, db, a, func(tx *store.Tx) (xiangpei.Major, error) { return tx.SaveMajor(a.Scope(), m, 0) })
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	x.elec = save(x.staff[0], xiangpei.Major{Code: "0401", Name: "电气自动化设备安装与维修", Years: 3, Level: xiangpei.MajorIntermediate, Occupation: "6-31-01-03"})
	x.auto = save(x.staff[1], xiangpei.Major{Code: "0601", Name: "汽车维修", Years: 3, Level: xiangpei.MajorIntermediate, Occupation: "4-12-01-01"})
	for i := range 4 {
		s, err := crDo(t, db, x.w.Admin, func(tx *store.Tx) (xiangpei.Student, error) {
			return tx.EnrolStudent(store.StudentInput{PersonID: x.persons[i].ID, SchoolID: x.schools[0].ID, MajorID: x.elec.ID, EntryYear: 2023,
				EnrolledOn: time.Date(2023, 9, 1, 0, 0, 0, 0, xiangpei.ChinaTime)})
		})
		if err != nil {
			t.Fatal(err)
		}
		x.students = append(x.students, s)
	}
	return x
}

func (x *registryWorld) request(t *testing.T, a xiangpei.Actor, studentID int64, q xiangpei.StudentChangeRequest) (store.StudentChange, error) {
	t.Helper()
	return crDo(t, x.db, a, func(tx *store.Tx) (store.StudentChange, error) {
		return tx.RequestStudentChange(a.Scope(), studentID, 0, q)
	})
}

func (x *registryWorld) decide(t *testing.T, a xiangpei.Actor, c store.StudentChange, approve bool, reason string) (store.StudentChange, error) {
	t.Helper()
	return crDo(t, x.db, a, func(tx *store.Tx) (store.StudentChange, error) {
		return tx.DecideStudentChange(a.Scope(), c.ID, c.Version, approve, reason)
	})
}

func (x *registryWorld) status(t *testing.T, id int64) xiangpei.StudentStatus {
	t.Helper()
	s, err := x.db.Student(context.Background(), xiangpei.Scope{All: true}, id)
	if err != nil {
		t.Fatal(err)
	}
	return s.Status
}

func regDay(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, xiangpei.ChinaTime)
}

// TestStudentChanges: the school requests a suspension; a county officer cannot decide, another
// city's officer does not see it, the city's officer approves; the record is suspended and
// the history kept; a resumption likewise. A transfer closes the old record and opens one at
// the other school: each school reads its own record and the other school's name, never the
// other record. Two officers deciding one withdrawal at once: exactly one wins. A cohort's
// graduation moves every studying student to graduated with a diploma; a request on a record
// that changed meanwhile is refused and writes nothing. Registration counts by school year.
func TestStudentChanges(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newRegistryWorld(t, db)
			ctx := context.Background()
			s0, s1, s2, s3 := x.students[0], x.students[1], x.students[2], x.students[3]

			_, err := x.request(t, x.staff[0], s0.ID, xiangpei.StudentChangeRequest{Action: xiangpei.StudentSuspend, EffectiveOn: regDay(2025, 3, 1)})
			wantKind(t, "no reason", err, xiangpei.Invalid, "student_change.reason")
			_, err = x.request(t, x.staff[1], s0.ID, xiangpei.StudentChangeRequest{Action: xiangpei.StudentSuspend, Reason: "病休", EffectiveOn: regDay(2025, 3, 1)})
			wantKind(t, "another school", err, xiangpei.NotFound, "")
			_, err = x.request(t, x.staff[0], s0.ID, xiangpei.StudentChangeRequest{Action: xiangpei.StudentResume, Reason: "复学", EffectiveOn: regDay(2025, 3, 1)})
			wantKind(t, "resume a studying student", err, xiangpei.Conflict, "student.wrong_status")
			susp, err := x.request(t, x.staff[0], s0.ID, xiangpei.StudentChangeRequest{Action: xiangpei.StudentSuspend, Reason: "病休", EffectiveOn: regDay(2025, 3, 1)})
			if err != nil || susp.Status != xiangpei.StudentChangePending || susp.FromStatus != xiangpei.StudentEnrolled {
				t.Fatalf("request: %+v %v", susp, err)
			}
			_, err = x.request(t, x.staff[0], s0.ID, xiangpei.StudentChangeRequest{Action: xiangpei.StudentWithdraw, Reason: "x", EffectiveOn: regDay(2025, 3, 1)})
			wantKind(t, "a second pending request", err, xiangpei.Conflict, "student_change.pending_exists")
			_, err = x.decide(t, x.county, susp, true, "")
			wantKind(t, "the county officer decides", err, xiangpei.Forbidden, "student_change.city_only")
			_, err = x.decide(t, x.foreign, susp, true, "")
			wantKind(t, "another city's officer", err, xiangpei.NotFound, "")
			_, err = x.decide(t, x.city, susp, false, " ")
			wantKind(t, "reject without reason", err, xiangpei.Invalid, "student_change.reject_reason")
			if got := x.status(t, s0.ID); got != xiangpei.StudentEnrolled {
				t.Fatalf("a refused decision moved the record to %s", got)
			}
			if susp, err = x.decide(t, x.city, susp, true, ""); err != nil || susp.Status != xiangpei.StudentChangeApproved || susp.DecidedBy != x.city.AccountID {
				t.Fatalf("approve: %+v %v", susp, err)
			}
			if got := x.status(t, s0.ID); got != xiangpei.StudentSuspended {
				t.Fatalf("after approval: %s", got)
			}
			res, err := x.request(t, x.staff[0], s0.ID, xiangpei.StudentChangeRequest{Action: xiangpei.StudentResume, Reason: "病愈复学", EffectiveOn: regDay(2025, 9, 1)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := x.decide(t, x.city, res, true, ""); err != nil || x.status(t, s0.ID) != xiangpei.StudentResumed {
				t.Fatalf("resume: %v", err)
			}
			hist, n, err := db.StudentChanges(ctx, x.staff[0].Scope(), store.StudentChangeFilter{StudentID: s0.ID}, store.Page{})
			if err != nil || n != 2 || hist[0].Action != xiangpei.StudentResume || hist[1].Action != xiangpei.StudentSuspend {
				t.Fatalf("history: %d %v %+v", n, err, hist)
			}
			if _, n, _ := db.StudentChanges(ctx, xiangpei.Scope{PersonID: x.persons[0].ID}, store.StudentChangeFilter{}, store.Page{}); n != 2 {
				t.Fatalf("the student reads %d of their changes", n)
			}

			// Transfer to 乙.
			_, err = x.request(t, x.staff[0], s2.ID, xiangpei.StudentChangeRequest{Action: xiangpei.StudentTransfer, Reason: "随父母迁居", EffectiveOn: regDay(2025, 10, 8),
				ToSchoolID: x.schools[0].ID, ToMajorID: x.elec.ID})
			wantKind(t, "transfer to the same school", err, xiangpei.Invalid, "student_change.transfer_same_school")
			_, err = x.request(t, x.staff[0], s2.ID, xiangpei.StudentChangeRequest{Action: xiangpei.StudentTransfer, Reason: "随父母迁居", EffectiveOn: regDay(2025, 10, 8),
				ToSchoolID: x.schools[1].ID, ToMajorID: x.elec.ID})
			wantKind(t, "a major of another school", err, xiangpei.Invalid, "student_change.transfer_target")
			tr, err := x.request(t, x.staff[0], s2.ID, xiangpei.StudentChangeRequest{Action: xiangpei.StudentTransfer, Reason: "随父母迁居", EffectiveOn: regDay(2025, 10, 8),
				ToSchoolID: x.schools[1].ID, ToMajorID: x.auto.ID})
			if err != nil {
				t.Fatal(err)
			}
			if tr, err = x.decide(t, x.city, tr, true, ""); err != nil || tr.NewStudentID == 0 {
				t.Fatalf("transfer: %+v %v", tr, err)
			}
			old, err := db.Student(ctx, x.staff[0].Scope(), s2.ID)
			if err != nil || old.Status != xiangpei.StudentTransferred || xiangpei.ChinaDate(old.LeftOn) != "2025-10-08" {
				t.Fatalf("old record: %+v %v", old, err)
			}
			fresh, err := db.Student(ctx, x.staff[1].Scope(), tr.NewStudentID)
			if err != nil || fresh.TransferredFrom != s2.ID || fresh.MajorID != x.auto.ID || fresh.EntryYear != 2023 || fresh.Number[4:10] != "430202" {
				t.Fatalf("new record: %+v %v", fresh, err)
			}
			if _, err := db.Student(ctx, x.staff[1].Scope(), s2.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("the new school reads the old record: %v", err)
			}
			if _, err := db.Student(ctx, x.staff[0].Scope(), tr.NewStudentID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("the old school reads the new record: %v", err)
			}
			if _, n, _ := db.Students(ctx, x.staff[1].Scope(), store.StudentFilter{}, store.Page{}); n != 1 {
				t.Fatalf("the new school lists %d records", n)
			}
			if _, n, _ := db.StudentChanges(ctx, x.staff[1].Scope(), store.StudentChangeFilter{}, store.Page{}); n != 0 {
				t.Fatalf("the new school reads %d of the old school's requests", n)
			}
			out, _, err := db.TransferLinks(ctx, x.staff[0].Scope(), s2.ID)
			if err != nil || out.SchoolName != "乙技工学校" || out.MajorName != "汽车维修" {
				t.Fatalf("where it went: %+v %v", out, err)
			}
			_, in, err := db.TransferLinks(ctx, x.staff[1].Scope(), tr.NewStudentID)
			if err != nil || in.SchoolName != "甲技工学校" || xiangpei.ChinaDate(in.On) != "2025-10-08" {
				t.Fatalf("where it came from: %+v %v", in, err)
			}

			// Two officers decide one withdrawal at once.
			wd, err := x.request(t, x.staff[0], s3.ID, xiangpei.StudentChangeRequest{Action: xiangpei.StudentWithdraw, Reason: "个人原因", EffectiveOn: regDay(2026, 1, 5)})
			if err != nil {
				t.Fatal(err)
			}
			oneWins(t, "two decisions of one withdrawal", "", func(i int) error {
				_, err := x.decide(t, []xiangpei.Actor{x.city, x.city2}[i], wd, i == 0, "材料不全")
				return err
			})
			wd, _ = db.StudentChange(ctx, xiangpei.Scope{All: true}, wd.ID)
			want := map[bool]xiangpei.StudentStatus{true: xiangpei.StudentWithdrawn, false: xiangpei.StudentEnrolled}[wd.Status == xiangpei.StudentChangeApproved]
			if got := x.status(t, s3.ID); got != want || wd.Status == xiangpei.StudentChangePending {
				t.Fatalf("after the race: %s %s", wd.Status, got)
			}

			// A pending suspension of s1, then the cohort graduates: the suspension is refused.
			late, err := x.request(t, x.staff[0], s1.ID, xiangpei.StudentChangeRequest{Action: xiangpei.StudentSuspend, Reason: "病休", EffectiveOn: regDay(2026, 5, 1)})
			if err != nil {
				t.Fatal(err)
			}
			grad := func(a xiangpei.Actor, on time.Time) (store.StudentChange, error) {
				return crDo(t, db, a, func(tx *store.Tx) (store.StudentChange, error) {
					return tx.RequestGraduation(a.Scope(), x.elec.ID, 2023, on, "2023级电气专业毕业")
				})
			}
			_, err = grad(x.staff[0], regDay(2026, 5, 20))
			wantKind(t, "graduation before the length of study", err, xiangpei.Invalid, "student_change.too_early")
			_, err = grad(x.staff[1], regDay(2026, 6, 30))
			wantKind(t, "another school's major", err, xiangpei.NotFound, "")
			g, err := grad(x.staff[0], regDay(2026, 6, 30))
			if err != nil || g.StudentID != 0 || g.Action != xiangpei.StudentGraduate {
				t.Fatalf("graduation request: %+v %v", g, err)
			}
			if g, err = x.decide(t, x.city, g, true, ""); err != nil {
				t.Fatal(err)
			}
			graduates := 2 // s0 (resumed) and s1
			if want == xiangpei.StudentEnrolled {
				graduates = 3 // the withdrawal was rejected: s3 graduates too
			}
			if g.Affected != graduates || x.status(t, s0.ID) != xiangpei.StudentGraduated || x.status(t, s1.ID) != xiangpei.StudentGraduated {
				t.Fatalf("graduation: %d graduates", g.Affected)
			}
			dips, err := db.Diplomas(ctx, x.staff[0].Scope(), 0)
			if err != nil || len(dips) != graduates || !xiangpei.ValidDiplomaNumber(dips[0].Number) || xiangpei.ChinaDate(dips[0].GraduatedOn) != "2026-06-30" || dips[0].DualCertificate() {
				t.Fatalf("diplomas: %+v %v", dips, err)
			}
			if d, _ := db.Diplomas(ctx, x.staff[1].Scope(), 0); len(d) != 0 {
				t.Fatalf("another school reads %d diplomas", len(d))
			}
			if d, _ := db.Diplomas(ctx, xiangpei.Scope{PersonID: x.persons[1].ID}, 0); len(d) != 1 || d[0].StudentID != s1.ID {
				t.Fatalf("the graduate's own diploma: %+v", d)
			}
			// 教→用: the diploma is a verified credential; the graduates count in the rates' inputs.
			creds, err := db.VerifiedCredentials(ctx, x.persons[1].ID)
			found := false
			for _, c := range creds {
				found = found || (c.Kind == "diploma" && c.Occupation == "6-31-01-03" && c.On == "2026-06-30")
			}
			if err != nil || !found {
				t.Fatalf("the diploma as a credential: %+v %v", creds, err)
			}
			ri, err := db.EmploymentRateInputs(ctx, x.city.Scope(), 2026)
			grads := 0
			for _, c := range append(ri.This, ri.Open...) {
				if c.Program == store.GraduateProgram && c.Occupation == "6-31-01-03" {
					grads++
				}
			}
			if err != nil || grads != graduates {
				t.Fatalf("graduates in the rates: %d of %d %v", grads, graduates, err)
			}
			if tasks, _, err := db.FollowUps(ctx, x.city.Scope(), store.Page{}); err != nil || len(tasks) != graduates || tasks[0].DiplomaID == 0 {
				t.Fatalf("graduates in the call queue (graduate_followup_test.go): %d %v", len(tasks), err)
			}
			_, err = x.decide(t, x.city, late, true, "")
			wantKind(t, "a record changed since the request", err, xiangpei.Conflict, "student_change.record_changed")
			if late, _ = db.StudentChange(ctx, xiangpei.Scope{All: true}, late.ID); late.Status != xiangpei.StudentChangePending || x.status(t, s1.ID) != xiangpei.StudentGraduated {
				t.Fatalf("the refused decision wrote: %s", late.Status)
			}
			if h, n, _ := db.StudentChanges(ctx, x.staff[0].Scope(), store.StudentChangeFilter{StudentID: s1.ID}, store.Page{}); n != 2 || h[0].Action != xiangpei.StudentGraduate && h[1].Action != xiangpei.StudentGraduate {
				t.Fatalf("s1's history: %d", n)
			}

			// Registration counts: school year 2025 (registration day 30 September 2025).
			counts, err := db.RegistrationCounts(ctx, x.city.Scope(), 2025)
			if err != nil || len(counts) != 1 || counts[0].Students != 4 || counts[0].Grade != 3 || counts[0].MajorCode != "0401" {
				t.Fatalf("2025: %+v %v", counts, err)
			}
			if counts, _ := db.RegistrationCounts(ctx, x.staff[1].Scope(), 2025); len(counts) != 0 {
				t.Fatalf("乙 in 2025 (the transfer came in October): %+v", counts)
			}
			if counts, _ := db.RegistrationCounts(ctx, x.city.Scope(), 2026); len(counts) != 0 {
				t.Fatalf("2026, after graduation: %+v", counts)
			}
			if counts, _ := db.RegistrationCounts(ctx, x.city.Scope(), 2024); len(counts) != 1 || counts[0].Grade != 2 || counts[0].Students != 4 {
				t.Fatalf("2024: %+v", counts)
			}
		})
	}
}
