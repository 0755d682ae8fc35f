package xiangpei

import (
	"cmp"
	"slices"
)

// 自动审核 — the automatic audit of claim lines (SPEC §9): a fixed catalogue of checks, each
// with a code, a severity (flag: needs a human look; fail: cannot be right as recorded), the
// catalogue key of its reason and the reason in plain English. The store runs each check as one
// query over every line of a selection; the pure helpers here decide what the rows mean.

// AuditCheck is one check of the automatic audit.
type AuditCheck struct {
	Code     string // stable code, stored with each finding
	Group    string // identity, duplicates, overlap, attendance, certificates, organisation, evaluation, ghost, integrity
	Severity string // SeverityFlag or SeverityFail
	Key      string // catalogue key of the reason shown
	Text     string // the reason in plain English
}

// The audit check codes. The attendance codes are the anomaly codes of anomaly.go.
const (
	CheckIDDigit           = "id_check_digit"
	CheckNameRegistry      = "name_registry"
	CheckAge               = "age_out_of_range"
	CheckAlreadySubsidised = "already_subsidised"
	CheckYearlyCount       = "over_yearly_count"
	CheckTwiceInClaim      = "twice_in_claim"
	CheckTraineeOverlap    = "trainee_overlap"
	CheckTeacherOverlap    = "teacher_two_places"
	CheckBelowThreshold    = "below_threshold"
	CheckCertMissing       = "cert_missing"
	CheckCertMismatch      = "cert_mismatch"
	CheckCertTiming        = "cert_timing"
	CheckCertUnknown       = "cert_unknown"
	CheckCertRevoked       = "cert_revoked"
	CheckOutsideScope      = "outside_scope"
	CheckSanctioned        = "sanctioned"
	CheckClassFiling       = "class_filing"
	CheckOverCapacity      = "over_capacity"
	CheckEvalSignal        = "evaluation_signal"
	CheckSharedPhone       = "shared_phone"
	CheckOwnStaff          = "own_staff"
	CheckEmployedElsewhere = "employed_elsewhere"
	CheckDigest            = "digest_mismatch"
)

// AuditChecks is the catalogue, in the order the checks run.
var AuditChecks = []AuditCheck{
	{CheckIDDigit, "identity", SeverityFail, "claimaudit.check." + CheckIDDigit, "The ID number's check digit is wrong."},
	{CheckNameRegistry, "identity", SeverityFlag, "claimaudit.check." + CheckNameRegistry, "The name differs from the household registry."},
	{CheckAge, "identity", SeverityFail, "claimaudit.check." + CheckAge, "The trainee's age at the class's start is outside the working ages."},
	{CheckAlreadySubsidised, "duplicates", SeverityFail, "claimaudit.check." + CheckAlreadySubsidised, "The same occupation at the same or a higher level was already subsidised for this person (here or by the previous system)."},
	{CheckYearlyCount, "duplicates", SeverityFail, "claimaudit.check." + CheckYearlyCount, "The person has more subsidised trainings this year than allowed (counting those the previous system paid)."},
	{CheckTwiceInClaim, "duplicates", SeverityFail, "claimaudit.check." + CheckTwiceInClaim, "The same person appears twice in one claim."},
	{CheckTraineeOverlap, "overlap", SeverityFail, "claimaudit.check." + CheckTraineeOverlap, "The trainee's sessions overlap sessions of another class they are in."},
	{CheckTeacherOverlap, "overlap", SeverityFlag, "claimaudit.check." + CheckTeacherOverlap, "A teacher of the class taught in two places at the same time."},
	{CheckBelowThreshold, "attendance", SeverityFail, "claimaudit.check." + CheckBelowThreshold, "Attendance is below the rate needed for a subsidy."},
	{AnomalyOutsideWindow, "attendance", SeverityFlag, "claimaudit.check." + AnomalyOutsideWindow, "A check-in or check-out lies outside the session's time."},
	{AnomalyOutsideGeofence, "attendance", SeverityFlag, "claimaudit.check." + AnomalyOutsideGeofence, "A check-in was made too far from the venue."},
	{AnomalyImpossibleTravel, "attendance", SeverityFail, "claimaudit.check." + AnomalyImpossibleTravel, "Two check-ins at places too far apart for the time between them."},
	{AnomalySharedDevice, "attendance", SeverityFlag, "claimaudit.check." + AnomalySharedDevice, "One personal phone checked in several people."},
	{AnomalyCopiedTimes, "attendance", SeverityFlag, "claimaudit.check." + AnomalyCopiedTimes, "Several trainees have the very same check-in second."},
	{CheckCertMissing, "certificates", SeverityFail, "claimaudit.check." + CheckCertMissing, "No certificate backs the line."},
	{CheckCertMismatch, "certificates", SeverityFail, "claimaudit.check." + CheckCertMismatch, "The certificate is of another occupation or a lower level."},
	{CheckCertTiming, "certificates", SeverityFlag, "claimaudit.check." + CheckCertTiming, "The certificate was issued before the class ended or after the window."},
	{CheckCertUnknown, "certificates", SeverityFail, "claimaudit.check." + CheckCertUnknown, "The issuing body has no record of the certificate's number."},
	{CheckCertRevoked, "certificates", SeverityFail, "claimaudit.check." + CheckCertRevoked, "The certificate has been revoked."},
	{CheckOutsideScope, "organisation", SeverityFail, "claimaudit.check." + CheckOutsideScope, "The occupation and level are outside the institution's approved scope."},
	{CheckSanctioned, "organisation", SeverityFail, "claimaudit.check." + CheckSanctioned, "The institution was suspended or blacklisted, or the trainee blacklisted, during the class."},
	{CheckClassFiling, "organisation", SeverityFlag, "claimaudit.check." + CheckClassFiling, "The class was filed late or never approved."},
	{CheckOverCapacity, "organisation", SeverityFlag, "claimaudit.check." + CheckOverCapacity, "The class's roster is over its capacity."},
	{CheckEvalSignal, "evaluation", SeverityFlag, "claimaudit.check." + CheckEvalSignal, "The assessment behind the certificate shows a warning signal."},
	{CheckSharedPhone, "ghost", SeverityFlag, "claimaudit.check." + CheckSharedPhone, "Several trainees of the claim share one phone number."},
	{CheckOwnStaff, "ghost", SeverityFlag, "claimaudit.check." + CheckOwnStaff, "The trainee is on the institution's own staff."},
	{CheckEmployedElsewhere, "ghost", SeverityFlag, "claimaudit.check." + CheckEmployedElsewhere, "The trainee was employed full-time elsewhere during day-time sessions."},
	{CheckDigest, "integrity", SeverityFail, "claimaudit.check." + CheckDigest, "The line was changed by hand after it was computed."},
}

// AuditCheckOf returns the check with the code.
func AuditCheckOf(code string) (AuditCheck, bool) {
	i := slices.IndexFunc(AuditChecks, func(c AuditCheck) bool { return c.Code == code })
	if i < 0 {
		return AuditCheck{}, false
	}
	return AuditChecks[i], true
}

// AuditFinding is what one check found about one line.
type AuditFinding struct {
	LineID   int64
	ClaimID  int64
	Code     string
	Severity string
	Detail   string // JSON object with the values behind the finding
	RunID    int64
}

// LineAuditResult is a line's result from the severities of its findings: fail if any fail,
// else flag if any flag, else pass.
func LineAuditResult(findings []AuditFinding) string {
	out := AuditPass
	for _, f := range findings {
		switch f.Severity {
		case SeverityFail:
			return AuditFail
		case SeverityFlag:
			out = AuditFlag
		}
	}
	return out
}

// SortFindings orders findings by line, then by code, then by detail: the deterministic order
// in which they are stored and shown.
func SortFindings(fs []AuditFinding) {
	slices.SortFunc(fs, func(a, b AuditFinding) int {
		return cmp.Or(cmp.Compare(a.LineID, b.LineID), cmp.Compare(a.Code, b.Code), cmp.Compare(a.Detail, b.Detail))
	})
}

// DedupeFindings drops repeated (line, code) findings from sorted findings, keeping the first:
// a line is found once per check.
func DedupeFindings(fs []AuditFinding) []AuditFinding {
	return slices.CompactFunc(fs, func(a, b AuditFinding) bool { return a.LineID == b.LineID && a.Code == b.Code })
}

// IDDigitOK reports whether an ID number's check digit matches its first 17 characters.
func IDDigitOK(id IDNumber) bool {
	s := string(id)
	if len(s) != 18 || !idAllDigits(s[:17]) {
		return false
	}
	c := s[17]
	if c == 'x' {
		c = 'X'
	}
	return IDCheckDigit(s[:17]) == c
}

// AgeOutOfRange reports whether age is outside the working ages of the rules.
func AgeOutOfRange(age int, r Rules) bool { return age < r.LabourAgeMin || age > r.LabourAgeMax }
