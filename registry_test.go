package xiangpei

import (
	"testing"
	"time"
)

func TestStudentChangeRequestValidate(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, ChinaTime)
	for _, c := range []struct {
		q   StudentChangeRequest
		key string
	}{
		{StudentChangeRequest{Action: "expel", Reason: "x", EffectiveOn: day}, "student.action"},
		{StudentChangeRequest{Action: StudentSuspend, Reason: "  ", EffectiveOn: day}, "student_change.reason"},
		{StudentChangeRequest{Action: StudentSuspend, Reason: "病休"}, "student_change.effective_on"},
		{StudentChangeRequest{Action: StudentTransfer, Reason: "随父母迁居", EffectiveOn: day, ToSchoolID: 1}, "student_change.transfer_target"},
		{StudentChangeRequest{Action: StudentTransfer, Reason: "随父母迁居", EffectiveOn: day, ToSchoolID: 1, ToMajorID: 2}, ""},
	} {
		_, err := c.q.Validate()
		got := ""
		if e, ok := err.(*Error); ok {
			got = e.Key
		}
		if got != c.key {
			t.Errorf("%+v: got %q, want %q", c.q, got, c.key)
		}
	}
}

func TestApprovesStudentChanges(t *testing.T) {
	d := Duties{DutyClassReview}
	for _, c := range []struct {
		a    Actor
		want bool
	}{
		{Actor{Role: RoleOfficer, Region: "430200", Duties: d}, true},
		{Actor{Role: RoleOfficer, Region: "430000", Duties: d}, true},
		{Actor{Role: RoleOfficer, Region: "430211", Duties: d}, false},
		{Actor{Role: RoleOfficer, Region: "430200"}, false},
		{Actor{Role: RoleSchool, Region: "430200", Duties: d}, false},
	} {
		if got := ApprovesStudentChanges(c.a); got != c.want {
			t.Errorf("%+v: %v", c.a, got)
		}
	}
}

func TestStudyCompleteAndNumbers(t *testing.T) {
	if StudyComplete(2023, 3, time.Date(2026, 5, 31, 12, 0, 0, 0, ChinaTime)) || !StudyComplete(2023, 3, time.Date(2026, 6, 1, 0, 0, 0, 0, ChinaTime)) {
		t.Fatal("a 3-year cohort of 2023 completes on 1 June 2026")
	}
	sn, err := StudentNumber(2023, "430203", 17)
	if err != nil {
		t.Fatal(err)
	}
	n := DiplomaNumber(time.Date(2026, 6, 30, 0, 0, 0, 0, ChinaTime), sn)
	if len(n) != 20 || n[:4] != "2026" || !ValidDiplomaNumber(n) {
		t.Fatalf("diploma number %q", n)
	}
	if SchoolYear(time.Date(2026, 8, 31, 0, 0, 0, 0, ChinaTime)) != 2025 || SchoolYear(time.Date(2026, 9, 1, 0, 0, 0, 0, ChinaTime)) != 2026 {
		t.Fatal("school year")
	}
}
