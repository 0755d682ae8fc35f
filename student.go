package xiangpei

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// 教 — technical schools (技工院校, SPEC §10): a school's majors (专业) and the student registry
// (学籍). Enrolment plans, applications and admissions (admission.go) lead to a student record;
// the record then moves through its statuses, each change requested by the school and approved
// by the city's officer (docs/schools.md).

// MajorLevel is the class of training a major gives: 中级工 (intermediate worker), 高级工
// (senior worker) or 预备技师 (preparatory technician) — the three classes of a 技工院校.
type MajorLevel string

// The levels of a major.
const (
	MajorIntermediate MajorLevel = "intermediate" // 中级工班, leads to skill level 4
	MajorAdvanced     MajorLevel = "advanced"     // 高级工班, level 3
	MajorTechnician   MajorLevel = "technician"   // 预备技师班, level 2
)

// MajorLevels lists the levels in ascending order.
var MajorLevels = []MajorLevel{MajorIntermediate, MajorAdvanced, MajorTechnician}

// Valid reports whether l is a known level.
func (l MajorLevel) Valid() bool { return slices.Contains(MajorLevels, l) }

// SkillLevel is the skill level (国家职业资格等级) a major of this level leads to.
func (l MajorLevel) SkillLevel() string {
	switch l {
	case MajorIntermediate:
		return "4"
	case MajorAdvanced:
		return "3"
	case MajorTechnician:
		return "2"
	}
	return ""
}

// Major is one 专业 of a school.
type Major struct {
	ID         int64
	SchoolID   int64
	Code       string     // the school's own code of the major, e.g. 0401
	Name       string     // e.g. 电气自动化设备安装与维修
	Years      int        // length of study: 2 to 6 years
	Level      MajorLevel // 中级工 / 高级工 / 预备技师
	Occupation string     // the occupation (catalogue code) it leads to
	SkillLevel string     // the skill level it leads to ("4" for 中级工 …)
	Active     bool       // offered for new enrolment
	Version    int
}

// Validate checks a major before it is stored. The skill level defaults to the level's.
func (m Major) Validate() (Major, error) {
	m.Code, m.Name, m.Occupation = strings.TrimSpace(m.Code), strings.TrimSpace(m.Name), strings.TrimSpace(m.Occupation)
	if m.SkillLevel == "" {
		m.SkillLevel = m.Level.SkillLevel()
	}
	switch {
	case m.Code == "" || len(m.Code) > 12 || strings.ContainsAny(m.Code, " \t"):
		return m, Errorf(Invalid, "major.code", "Give the major's code: up to 12 letters or digits, no spaces.")
	case m.Name == "" || utf8.RuneCountInString(m.Name) > 60:
		return m, Errorf(Invalid, "major.name", "Give the major's name (up to 60 characters).")
	case m.Years < 2 || m.Years > 6:
		return m, Errorf(Invalid, "major.years", "A major lasts 2 to 6 years.")
	case !m.Level.Valid():
		return m, Errorf(Invalid, "major.level", "Choose 中级工, 高级工 or 预备技师.")
	case !occupationCodeOK(m.Occupation) || len(splitCode(m.Occupation)) != 4:
		return m, Errorf(Invalid, "major.occupation", "Give the occupation the major leads to, by its catalogue code such as 6-31-01-03.")
	case !slices.Contains([]string{"1", "2", "3", "4", "5"}, m.SkillLevel):
		return m, Errorf(Invalid, "major.skill_level", "The skill level is 1 to 5.")
	}
	return m, nil
}

// StudentStatus is the status of a student record (学籍状态).
type StudentStatus string

// The statuses (SPEC §10: enrolled → suspended ↔ resumed → transferred | withdrawn | graduated).
const (
	StudentEnrolled    StudentStatus = "enrolled"    // 在籍
	StudentSuspended   StudentStatus = "suspended"   // 休学
	StudentResumed     StudentStatus = "resumed"     // 复学: studying again after a suspension
	StudentTransferred StudentStatus = "transferred" // 转学: the record continues at another school
	StudentWithdrawn   StudentStatus = "withdrawn"   // 退学
	StudentGraduated   StudentStatus = "graduated"   // 毕业
)

// StudentStatuses lists the statuses.
var StudentStatuses = []StudentStatus{StudentEnrolled, StudentSuspended, StudentResumed, StudentTransferred, StudentWithdrawn, StudentGraduated}

// Valid reports whether st is a known status.
func (st StudentStatus) Valid() bool { return slices.Contains(StudentStatuses, st) }

// Studying reports whether a student in this status is at school: counted in the registration
// figures, and can be suspended, transferred, withdrawn or graduated.
func (st StudentStatus) Studying() bool { return st == StudentEnrolled || st == StudentResumed }

// Final reports whether the record has left the school for good.
func (st StudentStatus) Final() bool {
	return st == StudentTransferred || st == StudentWithdrawn || st == StudentGraduated
}

// StudentAction is a change of status a school requests and the city's officer approves.
type StudentAction string

// The actions.
const (
	StudentSuspend  StudentAction = "suspend"  // enrolled, resumed → suspended
	StudentResume   StudentAction = "resume"   // suspended → resumed
	StudentTransfer StudentAction = "transfer" // enrolled, resumed → transferred (a new record at the other school)
	StudentWithdraw StudentAction = "withdraw" // enrolled, suspended, resumed → withdrawn
	StudentGraduate StudentAction = "graduate" // enrolled, resumed → graduated
)

// StudentActions lists the actions.
var StudentActions = []StudentAction{StudentSuspend, StudentResume, StudentTransfer, StudentWithdraw, StudentGraduate}

var studentMoves = map[StudentAction]struct {
	from []StudentStatus
	to   StudentStatus
}{
	StudentSuspend:  {[]StudentStatus{StudentEnrolled, StudentResumed}, StudentSuspended},
	StudentResume:   {[]StudentStatus{StudentSuspended}, StudentResumed},
	StudentTransfer: {[]StudentStatus{StudentEnrolled, StudentResumed}, StudentTransferred},
	StudentWithdraw: {[]StudentStatus{StudentEnrolled, StudentSuspended, StudentResumed}, StudentWithdrawn},
	StudentGraduate: {[]StudentStatus{StudentEnrolled, StudentResumed}, StudentGraduated},
}

// Next returns the status action leads to from st, or a Conflict.
func (st StudentStatus) Next(a StudentAction) (StudentStatus, error) {
	m, ok := studentMoves[a]
	if !ok {
		return st, Errorf(Invalid, "student.action", "Unknown change of a student's status.")
	}
	if !slices.Contains(m.from, st) {
		return st, Errorf(Conflict, "student.wrong_status", "This change is not possible for a student who is %s.", st)
	}
	return m.to, nil
}

// Student is one student record (学籍) at one school. A transfer closes the record at the old
// school and opens one at the new school with TransferredFrom set: each school sees its own.
type Student struct {
	ID              int64
	Number          string // the student number (StudentNumber)
	PersonID        int64
	SchoolID        int64
	MajorID         int64
	EntryYear       int // the autumn the student entered (the cohort, 级)
	Status          StudentStatus
	EnrolledOn      time.Time // China date
	LeftOn          time.Time // transferred, withdrawn or graduated: the day; zero otherwise
	AdmissionID     int64     // the admission that enrolled the student; 0 for a transfer in or an import
	TransferredFrom int64     // the record at the previous school, for a transfer in
	Version         int
}

// Grade is the student's year of study (1 for the first) on day, counting school years from 1
// September of the entry year.
func (s Student) Grade(day time.Time) int {
	y, m, _ := day.In(ChinaTime).Date()
	g := y - s.EntryYear
	if m >= time.September {
		g++
	}
	return max(g, 1)
}

// StudentNumber makes a student number (学号) — 16 characters:
//
//	YYYY  entry year
//	RRRRRR the county code of the school
//	NNNNN  serial within the county and year (from 00001)
//	C      check character, ISO 7064 MOD 11-2 over the 15 digits (0–9 or X)
//
// e.g. 2026430211000017. The county and year let a number be placed at once; the check
// character catches a mistyped digit.
func StudentNumber(year int, county string, serial int) (string, error) {
	if year < 2000 || year > 2099 || !IsRegionCode(county) || serial < 1 || serial > 99999 {
		return "", fmt.Errorf("student number: year %d, county %q, serial %d out of range", year, county, serial)
	}
	digits := strconv.Itoa(year) + county + fmt.Sprintf("%05d", serial)
	return digits + string(mod11x2Check(digits)), nil
}

// ValidStudentNumber reports whether s is a well-formed student number with a right check
// character.
func ValidStudentNumber(s string) bool {
	if len(s) != 16 || !idAllDigits(s[:15]) {
		return false
	}
	return s[15] == mod11x2Check(s[:15])
}
