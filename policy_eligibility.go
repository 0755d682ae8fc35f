package xiangpei

import (
	"slices"
	"strings"
	"time"
)

// 政策咨询 — the eligibility check: which subsidies a person qualifies for now, computed by the
// claims' own rule (SubsidyRule.Compute) from the person's own evidence, with what they must
// still do (attend, complete, pass the assessment, claim in time) assumed done.

// EligibilityLater are the trace steps of a line that depend on what the person will do in
// and after the class; the check assumes them done and shows them as conditions.
var EligibilityLater = []string{"trace.attendance", "trace.completed", "trace.cert_missing", "trace.cert_revoked",
	"trace.cert_valid", "trace.cert_occupation", "trace.cert_level", "trace.cert_window", "trace.claim_window"}

// IsLaterStep reports whether a trace step is a condition the person must still meet.
func IsLaterStep(key string) bool { return slices.Contains(EligibilityLater, key) }

// ProspectiveLine is the line input of a person who would take a class of occupation at level
// ending on classEnd and then meet every condition of the class: full attendance, completion,
// a valid certificate of the occupation at the level issued on the class's last day, and a
// claim that same day. The person's own facts (age at the class's start, the yearly count, an
// earlier same-or-higher subsidy, key groups, the shortage uplift) are the caller's.
func ProspectiveLine(occupation, level string, ageAtStart int, classEnd string, yearly int, earlier string, uplift int, groups []string) LineInput {
	return LineInput{Level: level, OccupationCode: occupation, AgeAtStart: ageAtStart, AttendedPct: 100, Completed: true,
		CertLevel: level, CertOccupation: occupation, CertIssued: classEnd, CertValid: true, ClassEnd: classEnd,
		ClaimDay: classEnd, SubsidisedThisYear: yearly, SameOrHigherBefore: earlier, UpliftPct: uplift, KeyGroups: groups}
}

// EligibleNow reports whether every step of a computed line that depends on the person as they
// are now passes (the conditions of EligibilityLater aside).
func EligibleNow(r LineResult) bool {
	for _, s := range r.Trace {
		if !s.Pass && !IsLaterStep(s.Key) {
			return false
		}
	}
	return true
}

// AgeFromBirth is the age on t of a person born on birth (YYYY-MM-DD), by the same count as
// IDNumber.AgeOn; ok is false when birth is not a date in the past.
func AgeFromBirth(birth string, t time.Time) (int, bool) {
	b, err := time.Parse(time.DateOnly, strings.TrimSpace(birth))
	if err != nil || b.After(t) || b.Year() < 1900 {
		return 0, false
	}
	return IDNumber("000000" + b.Format("20060102") + "0000").AgeOn(t), true
}

// EligibilityTarget is what a check is asked about: an occupation at a level, and the class that
// offers it (0 for none: a training starting today).
type EligibilityTarget struct {
	OccupationCode string
	Level          string
	ClassID        int64
}

// EligibilityOption is one subsidy a check found: the target, where and when, the rule version
// and the shortage uplift used, and the line the rule computed.
type EligibilityOption struct {
	EligibilityTarget
	OccupationName string
	ClassName      string
	OrgName        string
	County         string
	FirstSession   time.Time
	RuleID         int64
	RuleRegion     string
	RuleVersion    int
	UpliftPct      int
	UpliftListID   int64
	Earlier        string // the earlier same-or-higher subsidy found, if any
	Yearly         int    // other subsidised trainings in the class's year
	KeyGroups      []string
	Result         LineResult
	Eligible       bool // EligibleNow(Result)
}
