package store

import "xiangpei"

// scopeArgs is the one helper through which every query that returns people's data is
// restricted. Queries take its fields as parameters, written out in their SQL as
//
//	($all OR county LIKE $region) AND ($org = 0 OR org_id = $org) AND ($person = 0 OR person_id = $person)
//
// so that the restriction is visible in the statement and cannot be left out: store methods
// returning people's data take a xiangpei.Scope argument and must pass all of these.
type scopeArgs struct {
	all    bool
	region string // LIKE pattern on a county code
	org    int64
	person int64
}

func scopeOf(s xiangpei.Scope) scopeArgs {
	a := scopeArgs{all: s.All, region: s.RegionPattern(), org: s.OrgID, person: s.PersonID}
	if s.All {
		a.region = "%"
	}
	if s.OrgID != 0 || s.PersonID != 0 {
		a.region = "%" // org and person reach is by id, not by place
	}
	return a
}
