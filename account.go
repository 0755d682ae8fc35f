package xiangpei

import (
	"regexp"
	"time"
	"unicode/utf8"
)

// Account is a sign-in identity: a person, an organisation's staff member, an officer or an
// administrator.
type Account struct {
	ID                int64
	Login             string
	DisplayName       string
	Role              Role
	Duties            Duties
	Region            string
	OrgID             int64
	PersonID          int64
	PasswordHash      string
	PasswordChangedAt time.Time
	MustChange        bool
	TOTPSecret        string
	TOTPEnrolled      bool
	Disabled          bool
	FailedLogins      int
	LockedUntil       time.Time
	LastLoginAt       time.Time
	CreatedAt         time.Time
	Version           int64
}

// Actor is the account seen as someone acting.
func (a Account) Actor() Actor {
	return Actor{AccountID: a.ID, Name: a.Login, Role: a.Role, Duties: a.Duties, Region: a.Region, OrgID: a.OrgID, PersonID: a.PersonID}
}

// Lock-out policy: after LockAfter failed sign-ins in a row the account is locked for a time
// that doubles with every further failure, up to MaxLock.
const (
	LockAfter = 5
	BaseLock  = 5 * time.Minute
	MaxLock   = 24 * time.Hour
)

// LockFor returns how long an account is locked after its n-th failed sign-in in a row.
func LockFor(failures int) time.Duration {
	if failures < LockAfter {
		return 0
	}
	d := BaseLock
	for i := LockAfter; i < failures && d < MaxLock; i++ {
		d *= 2
	}
	if d > MaxLock {
		d = MaxLock
	}
	return d
}

// Session lifetimes (QUALITY §3).
const (
	SessionIdle     = 30 * time.Minute
	SessionAbsolute = 12 * time.Hour
)

var loginPattern = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,31}$`)

// AccountInput is what an administrator types to create an account.
type AccountInput struct {
	Login       string
	DisplayName string
	Role        Role
	Duties      Duties
	Region      string
	OrgID       int64
	PersonID    int64
}

// Validate checks an account before it is created: the login's form, the role, the duties the
// role may hold, that officers have a region and staff an organisation.
func (in AccountInput) Validate() error {
	if in.Role == RolePerson {
		// A person signs in with the mobile number they registered with.
		if m, err := ParseMobile(in.Login); err != nil || m != in.Login {
			return Errorf(Invalid, "account.person_login", "A person's account name is their mobile number.")
		}
	} else if !loginPattern.MatchString(in.Login) {
		return Errorf(Invalid, "account.login", "The account name must be 3–32 lower-case letters, digits, dots, dashes or underscores, starting with a letter.")
	}
	if n := utf8.RuneCountInString(in.DisplayName); n < 2 || n > 40 {
		return Errorf(Invalid, "account.display_name", "Give a display name of 2–40 characters.")
	}
	if !in.Role.Valid() {
		return Errorf(Invalid, "account.role", "Choose a role.")
	}
	if err := CheckDuties(in.Role, in.Duties); err != nil {
		return err
	}
	if in.Role == RoleOfficer && len(in.Region) != 6 {
		return Errorf(Invalid, "account.region", "An officer needs a region.")
	}
	if in.Role.OrgKind() != "" && in.OrgID == 0 {
		return Errorf(Invalid, "account.org", "A staff account needs its organisation.")
	}
	if in.Role == RolePerson && in.PersonID == 0 {
		return Errorf(Invalid, "account.person", "A person's account needs the person's registry entry.")
	}
	return nil
}
