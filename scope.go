package xiangpei

import "strings"

// RegionPrefix turns a six-digit GB/T 2260 code into the prefix shared by every place inside
// it: "430000" → "43", "430200" → "4302", "430211" → "430211".
func RegionPrefix(code string) string {
	switch {
	case len(code) != 6:
		return code
	case strings.HasSuffix(code, "0000"):
		return code[:2]
	case strings.HasSuffix(code, "00"):
		return code[:4]
	}
	return code
}

// RegionLevel names the level of a region code: province, city or county.
func RegionLevel(code string) string {
	switch p := RegionPrefix(code); len(p) {
	case 2:
		return "province"
	case 4:
		return "city"
	}
	return "county"
}

// InRegion reports whether the county (or any region) code lies inside region.
func InRegion(code, region string) bool {
	return region != "" && strings.HasPrefix(code, RegionPrefix(region))
}

// Scope is how far an actor's reading of people's data reaches. The store applies it to every
// query that returns people's data, so a forgotten filter cannot happen.
type Scope struct {
	All      bool   // administrators and the auditor
	Region   string // an officer's region prefix ("43", "4302", "430211")
	OrgID    int64  // staff see their own organisation only
	PersonID int64  // a person sees only themself
}

// Scope derives the reach of an actor. A role without reach gets a scope that matches nothing.
func (a Actor) Scope() Scope {
	switch a.Role {
	case RoleAdmin:
		return Scope{All: true}
	case RoleOfficer:
		return Scope{Region: RegionPrefix(a.Region)}
	case RolePerson:
		return Scope{PersonID: nonZero(a.PersonID)}
	case RoleInstitution, RoleSchool, RoleAssessor, RoleEmployer:
		return Scope{OrgID: nonZero(a.OrgID)}
	}
	return Scope{PersonID: -1}
}

func nonZero(id int64) int64 {
	if id == 0 {
		return -1 // matches no row rather than every row
	}
	return id
}

// RegionPattern is the LIKE pattern a region-scoped query uses: "%" when the reach is not by
// region, "4302%" for a city.
func (s Scope) RegionPattern() string {
	if s.Region == "" {
		if s.All || s.OrgID != 0 || s.PersonID != 0 {
			return "%"
		}
		return "-" // matches nothing
	}
	return s.Region + "%"
}

// Covers reports whether a region code is within the scope's region part.
func (s Scope) Covers(code string) bool {
	if s.Region == "" {
		return s.All
	}
	return strings.HasPrefix(code, s.Region)
}
