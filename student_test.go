package xiangpei

import (
	"testing"
	"time"
)

// TestStudentMoves: every action from every status — allowed exactly where SPEC §10's diagram
// allows it, a Conflict elsewhere.
func TestStudentMoves(t *testing.T) {
	allowed := map[StudentAction]map[StudentStatus]StudentStatus{
		StudentSuspend:  {StudentEnrolled: StudentSuspended, StudentResumed: StudentSuspended},
		StudentResume:   {StudentSuspended: StudentResumed},
		StudentTransfer: {StudentEnrolled: StudentTransferred, StudentResumed: StudentTransferred},
		StudentWithdraw: {StudentEnrolled: StudentWithdrawn, StudentSuspended: StudentWithdrawn, StudentResumed: StudentWithdrawn},
		StudentGraduate: {StudentEnrolled: StudentGraduated, StudentResumed: StudentGraduated},
	}
	for _, a := range StudentActions {
		for _, st := range StudentStatuses {
			got, err := st.Next(a)
			want, ok := allowed[a][st]
			switch {
			case ok && (err != nil || got != want):
				t.Errorf("%s from %s: %s %v, want %s", a, st, got, err, want)
			case !ok && !IsKind(err, Conflict):
				t.Errorf("%s from %s: %s %v, want a Conflict", a, st, got, err)
			}
		}
	}
	if _, err := StudentEnrolled.Next("expel"); !IsKind(err, Invalid) {
		t.Fatalf("unknown action: %v", err)
	}
	for _, st := range StudentStatuses {
		if st.Final() == st.Studying() && st != StudentSuspended {
			t.Errorf("%s: final %v, studying %v", st, st.Final(), st.Studying())
		}
	}
}

// TestStudentNumber: the format, the check character, and refusals.
func TestStudentNumber(t *testing.T) {
	n, err := StudentNumber(2026, "430211", 17)
	if err != nil || len(n) != 16 || n[:15] != "202643021100017" || !ValidStudentNumber(n) {
		t.Fatalf("number %q %v", n, err)
	}
	for i := range 15 { // any one digit changed is caught
		b := []byte(n)
		b[i] = '0' + (b[i]-'0'+1)%10
		if ValidStudentNumber(string(b)) {
			t.Fatalf("%s passes with digit %d changed", b, i)
		}
	}
	for _, bad := range [][3]any{{1999, "430211", 1}, {2026, "4302", 1}, {2026, "430211", 0}, {2026, "430211", 100000}, {2026, "43021x", 1}} {
		if _, err := StudentNumber(bad[0].(int), bad[1].(string), bad[2].(int)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if ValidStudentNumber("202643021100017") || ValidStudentNumber("20264302110001A7") {
		t.Fatal("a short or non-digit number passes")
	}
}

// TestMajorValidate: defaults and refusals.
func TestMajorValidate(t *testing.T) {
	m, err := Major{Code: "0401", Name: "电气自动化设备安装与维修", Years: 3, Level: MajorIntermediate, Occupation: "6-31-01-03"}.Validate()
	if err != nil || m.SkillLevel != "4" {
		t.Fatalf("%+v %v", m, err)
	}
	for key, bad := range map[string]Major{
		"major.code":       {Code: "04 01", Name: "x", Years: 3, Level: MajorIntermediate, Occupation: "6-31-01-03"},
		"major.name":       {Code: "1", Years: 3, Level: MajorIntermediate, Occupation: "6-31-01-03"},
		"major.years":      {Code: "1", Name: "x", Years: 1, Level: MajorIntermediate, Occupation: "6-31-01-03"},
		"major.level":      {Code: "1", Name: "x", Years: 3, Level: "expert", Occupation: "6-31-01-03"},
		"major.occupation": {Code: "1", Name: "x", Years: 3, Level: MajorAdvanced, Occupation: "6-31"},
	} {
		if _, err := bad.Validate(); !IsKind(err, Invalid) || err.(*Error).Key != key {
			t.Errorf("%s: %v", key, err)
		}
	}
}

// TestStudentGrade: school years start on 1 September.
func TestStudentGrade(t *testing.T) {
	s := Student{EntryYear: 2025}
	for day, want := range map[string]int{"2025-09-01": 1, "2026-06-30": 1, "2026-09-01": 2, "2027-11-27": 3, "2025-08-01": 1} {
		d, _ := time.ParseInLocation(time.DateOnly, day, ChinaTime)
		if g := s.Grade(d); g != want {
			t.Errorf("%s: grade %d, want %d", day, g, want)
		}
	}
}
