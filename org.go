package xiangpei

import (
	"slices"
	"time"
)

// OrgKind is the kind of an organisation.
type OrgKind string

// The kinds of organisation (SPEC §3). A school is also an institution.
const (
	OrgInstitution OrgKind = "institution"
	OrgSchool      OrgKind = "school"
	OrgAssessor    OrgKind = "assessor"
	OrgEmployer    OrgKind = "employer"
)

// OrgKinds lists the organisation kinds.
var OrgKinds = []OrgKind{OrgInstitution, OrgSchool, OrgAssessor, OrgEmployer}

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool { return slices.Contains(OrgKinds, k) }

// StaffRole is the account role of this kind's staff.
func (k OrgKind) StaffRole() Role {
	switch k {
	case OrgInstitution:
		return RoleInstitution
	case OrgSchool:
		return RoleSchool
	case OrgAssessor:
		return RoleAssessor
	case OrgEmployer:
		return RoleEmployer
	}
	return ""
}

// CodeStatus says whether an organisation's credit code passed its check.
type CodeStatus string

// Credit-code statuses: a code failing only its check character waits for an officer.
const (
	CodeValid     CodeStatus = "valid"
	CodePending   CodeStatus = "pending"   // check character wrong: waiting for manual confirmation
	CodeConfirmed CodeStatus = "confirmed" // an officer confirmed an early code by hand
	CodeRejected  CodeStatus = "rejected"
)

// Sanction is a step of the ladder 约谈 → 整改 → 停业整顿 → 移出目录 → 黑名单.
type Sanction string

// The sanction ladder in increasing severity.
const (
	SanctionInterview Sanction = "interview"
	SanctionRectify   Sanction = "rectify"
	SanctionSuspend   Sanction = "suspend"
	SanctionRemove    Sanction = "remove"
	SanctionBlacklist Sanction = "blacklist"
)

// SanctionLadder lists the sanctions from mildest to most severe.
var SanctionLadder = []Sanction{SanctionInterview, SanctionRectify, SanctionSuspend, SanctionRemove, SanctionBlacklist}

// Valid reports whether s is on the ladder.
func (s Sanction) Valid() bool { return slices.Contains(SanctionLadder, s) }

// Blocks reports whether an organisation under this sanction may not file classes or claim.
func (s Sanction) Blocks() bool {
	return s == SanctionSuspend || s == SanctionRemove || s == SanctionBlacklist
}

// SanctionRecord is one decided sanction with its period.
type SanctionRecord struct {
	Kind  Sanction
	From  time.Time
	Until time.Time // zero: open-ended
}

// InForce reports whether the sanction applies at t.
func (s SanctionRecord) InForce(t time.Time) bool {
	return !t.Before(s.From) && (s.Until.IsZero() || t.Before(s.Until))
}

// CheckSanctionInput validates a sanction decision.
func CheckSanctionInput(kind Sanction, reason string, from, until time.Time) error {
	if !kind.Valid() {
		return Errorf(Invalid, "sanction.kind", "Choose a sanction from the ladder.")
	}
	if len([]rune(reason)) < 4 {
		return Errorf(Invalid, "sanction.reason", "Give the reason for the sanction (at least 4 characters).")
	}
	if from.IsZero() {
		return Errorf(Invalid, "sanction.from", "Give the date the sanction starts.")
	}
	if !until.IsZero() && !until.After(from) {
		return Errorf(Invalid, "sanction.period", "The sanction must end after it starts.")
	}
	return nil
}

// BlockingSanction returns the first sanction in force at t that blocks filing and claiming.
func BlockingSanction(list []SanctionRecord, t time.Time) (SanctionRecord, bool) {
	for _, s := range list {
		if s.Kind.Blocks() && s.InForce(t) {
			return s, true
		}
	}
	return SanctionRecord{}, false
}
