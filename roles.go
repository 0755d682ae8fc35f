package xiangpei

import (
	"slices"
	"strings"
)

// Role is what kind of account someone holds (SPEC §1).
type Role string

// The roles of SPEC §1. The public has no role and no account.
const (
	RolePerson      Role = "person"
	RoleInstitution Role = "institution"
	RoleSchool      Role = "school"
	RoleAssessor    Role = "assessor"
	RoleEmployer    Role = "employer"
	RoleOfficer     Role = "officer"
	RoleAdmin       Role = "admin"
)

// Roles lists every role in display order.
var Roles = []Role{RolePerson, RoleInstitution, RoleSchool, RoleAssessor, RoleEmployer, RoleOfficer, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// OrgKind is the kind of organisation a staff role belongs to.
func (r Role) OrgKind() OrgKind {
	switch r {
	case RoleInstitution:
		return OrgInstitution
	case RoleSchool:
		return OrgSchool
	case RoleAssessor:
		return OrgAssessor
	case RoleEmployer:
		return OrgEmployer
	}
	return ""
}

// NeedsSecondFactor reports whether accounts of this role must enrol TOTP before doing anything.
func (r Role) NeedsSecondFactor() bool { return r == RoleOfficer || r == RoleAdmin }

// Duty is one separable permission held by an officer or an administrator.
type Duty string

// Officer duties (SPEC §1) keep filing, approving and paying apart; the registry and
// unmask duties guard personal data. Admin duties are the 三员分立 of QUALITY §3.
const (
	DutyClassReview  Duty = "class_review"
	DutyClaimReview1 Duty = "claim_review_1"
	DutyClaimReview2 Duty = "claim_review_2"
	DutyPayment      Duty = "payment"
	DutyComplaint    Duty = "complaint"
	DutyPublish      Duty = "publish"
	DutyTargets      Duty = "targets"
	DutyRegistry     Duty = "registry" // record key groups, scopes, venues, teachers, sanctions
	DutyUnmask       Duty = "unmask"   // see a full ID number or phone, with a reason

	DutySysAdmin Duty = "sysadmin" // accounts, organisations, reference data
	DutySecAdmin Duty = "secadmin" // security policy, lock-outs, tokens
	DutyAuditor  Duty = "auditor"  // reads the audit trail, changes nothing
)

// OfficerDuties are the duties an officer account may hold.
var OfficerDuties = []Duty{DutyClassReview, DutyClaimReview1, DutyClaimReview2, DutyPayment,
	DutyComplaint, DutyPublish, DutyTargets, DutyRegistry, DutyUnmask}

// AdminDuties are the three separated administrator duties; an admin holds exactly one.
var AdminDuties = []Duty{DutySysAdmin, DutySecAdmin, DutyAuditor}

// Duties is a set of duties, stored as a comma-separated list.
type Duties []Duty

// Has reports whether d contains duty.
func (d Duties) Has(duty Duty) bool { return slices.Contains(d, duty) }

// String joins the duties with commas in a stable order.
func (d Duties) String() string {
	s := make([]string, len(d))
	for i, x := range d {
		s[i] = string(x)
	}
	slices.Sort(s)
	return strings.Join(s, ",")
}

// ParseDuties reads a comma-separated list of duties; unknown names are an error.
func ParseDuties(s string) (Duties, error) {
	var out Duties
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		d := Duty(p)
		if !slices.Contains(OfficerDuties, d) && !slices.Contains(AdminDuties, d) {
			return nil, Errorf(Invalid, "duty.unknown", "Unknown duty %q.", p)
		}
		if !out.Has(d) {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out, nil
}

// CheckDuties decides whether a role may hold a set of duties: officers hold only officer
// duties; an administrator holds exactly one administrator duty (三员分立); other roles none.
func CheckDuties(role Role, duties Duties) error {
	switch role {
	case RoleOfficer:
		for _, d := range duties {
			if !slices.Contains(OfficerDuties, d) {
				return Errorf(Invalid, "duty.not_for_role", "Duty %v cannot be given to this role.", d)
			}
		}
	case RoleAdmin:
		if len(duties) != 1 || !slices.Contains(AdminDuties, duties[0]) {
			return Errorf(Invalid, "duty.admin_exactly_one", "An administrator holds exactly one of system administrator, security administrator and auditor.")
		}
	default:
		if len(duties) > 0 {
			return Errorf(Invalid, "duty.not_for_role", "Duty %v cannot be given to this role.", duties[0])
		}
	}
	return nil
}

// Actor is who is acting: the account, its role, duties and where its authority reaches.
type Actor struct {
	AccountID int64
	Name      string
	Role      Role
	Duties    Duties
	Region    string // officer's region code (province, city or county); "" for others
	OrgID     int64  // staff's organisation; 0 for others
	PersonID  int64  // a person account's registry entry; 0 for others
}

// Can reports whether the actor holds a duty.
func (a Actor) Can(d Duty) bool { return a.Duties.Has(d) }

// IsAdmin reports whether the actor is an administrator of any of the three duties.
func (a Actor) IsAdmin() bool { return a.Role == RoleAdmin }

// ReviewStep names one review step of an item (a class filing, a claim line, a change).
type ReviewStep string

// Review records who performed which step of an item's review.
type Review struct {
	Step      ReviewStep
	AccountID int64
}

// CheckSeparateReviewer refuses a review step by an account that already performed another
// step of the same item, or that created the item: one account never does two steps (SPEC §1).
func CheckSeparateReviewer(accountID, createdBy int64, done []Review, step ReviewStep) error {
	if accountID == createdBy && createdBy != 0 {
		return Errorf(Forbidden, "review.own_item", "You created this item, so you cannot review it.")
	}
	for _, r := range done {
		if r.AccountID == accountID && r.Step != step {
			return Errorf(Forbidden, "review.second_step", "You already performed the %v step of this item; another officer must do this step.", r.Step)
		}
		if r.Step == step {
			return Errorf(Conflict, "review.step_done", "The %v step of this item has already been decided.", step)
		}
	}
	return nil
}
