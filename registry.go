package xiangpei

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// 教 — the student registry's changes (学籍异动) and graduation (docs/schools.md "Student
// registry and graduation"). A school requests a change of one record — suspend, resume,
// transfer, withdraw — or the graduation of a cohort (one major, one entry year); the city's
// officer approves or rejects it; on approval the record moves by StudentStatus.Next.

// StudentChangeStatus is where a request stands.
type StudentChangeStatus string

// The statuses of a request.
const (
	StudentChangePending  StudentChangeStatus = "pending"
	StudentChangeApproved StudentChangeStatus = "approved"
	StudentChangeRejected StudentChangeStatus = "rejected"
)

// StudentChangeStatuses lists them.
var StudentChangeStatuses = []StudentChangeStatus{StudentChangePending, StudentChangeApproved, StudentChangeRejected}

// StudentChangeRequest is what a school asks for one record, or for a cohort (graduate).
type StudentChangeRequest struct {
	Action      StudentAction
	Reason      string
	EffectiveOn time.Time // China date the change takes effect
	ToSchoolID  int64     // transfer: the school the student moves to
	ToMajorID   int64     // transfer: the major there
}

// Validate checks a request before it is stored.
func (q StudentChangeRequest) Validate() (StudentChangeRequest, error) {
	q.Reason = strings.TrimSpace(q.Reason)
	ok := false
	for _, a := range StudentActions {
		ok = ok || a == q.Action
	}
	switch {
	case !ok:
		return q, Errorf(Invalid, "student.action", "Unknown change of a student's status.")
	case q.Reason == "" || utf8.RuneCountInString(q.Reason) > 500:
		return q, Errorf(Invalid, "student_change.reason", "Give the reason of the change (up to 500 characters).")
	case q.EffectiveOn.IsZero():
		return q, Errorf(Invalid, "student_change.effective_on", "Give the day the change takes effect.")
	case q.Action == StudentTransfer && (q.ToSchoolID <= 0 || q.ToMajorID <= 0):
		return q, Errorf(Invalid, "student_change.transfer_target", "Choose the school and the major the student transfers to.")
	}
	return q, nil
}

// ApprovesStudentChanges reports whether the actor is a city officer who decides student
// status changes: an officer with the class_review duty whose region is a city or the province
// (a county officer reads but does not decide).
func ApprovesStudentChanges(a Actor) bool {
	return a.Role == RoleOfficer && a.Can(DutyClassReview) && a.Region != "" && RegionLevel(a.Region) != "county"
}

// StudyComplete reports whether a cohort entering in entryYear a major of years years has
// reached its length of study on day: from 1 June of entryYear+years (the school year ends in
// July; graduation is in June or July).
func StudyComplete(entryYear, years int, day time.Time) bool {
	end := time.Date(entryYear+years, time.June, 1, 0, 0, 0, 0, ChinaTime)
	return !day.In(ChinaTime).Before(end)
}

// DiplomaNumber makes a diploma (毕业证书) number: the four digits of the graduation year
// followed by the 16-character student number — 20 characters, e.g. 20262023430203000017.
func DiplomaNumber(graduated time.Time, studentNumber string) string {
	return strconv.Itoa(graduated.In(ChinaTime).Year()) + studentNumber
}

// ValidDiplomaNumber reports whether s is a well-formed diploma number.
func ValidDiplomaNumber(s string) bool {
	return len(s) == 20 && idAllDigits(s[:4]) && ValidStudentNumber(s[4:])
}

// RegistrationDay is the day of a school year's registration (注册) count: 30 September of the
// year the school year starts. A record counts when enrolled on or before it and not left by it.
func RegistrationDay(schoolYear int) time.Time {
	return time.Date(schoolYear, time.September, 30, 0, 0, 0, 0, ChinaTime)
}

// SchoolYear is the school year (by its starting year) that day lies in.
func SchoolYear(day time.Time) int {
	y, m, _ := day.In(ChinaTime).Date()
	if m < time.September {
		return y - 1
	}
	return y
}
