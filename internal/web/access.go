package web

import (
	"slices"
	"strings"

	"xiangpei"
)

// Access is the rule that decides who may call a route. Rules are built only by the
// constructors below, so a route registered without one is caught at start-up.
type Access struct {
	set      bool
	public   bool
	roles    []xiangpei.Role
	duties   []xiangpei.Duty // any one of these
	early    bool            // allowed before the second factor and a forced password change
	describe string
}

// Public routes are open to everyone, signed in or not.
func Public() Access { return Access{set: true, public: true, early: true, describe: "public"} }

// SignedIn routes need any signed-in account.
func SignedIn() Access { return Access{set: true, describe: "signed in"} }

// Early routes need a signed-in account but stay open before the second factor is passed and
// before a forced password change: the second-factor and password pages themselves.
func Early() Access {
	return Access{set: true, early: true, describe: "signed in (before second factor)"}
}

// Roles routes need one of the roles.
func Roles(rs ...xiangpei.Role) Access {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = string(r)
	}
	return Access{set: true, roles: rs, describe: "role " + strings.Join(names, "|")}
}

// Duty routes need an officer or administrator holding one of the duties.
func Duty(ds ...xiangpei.Duty) Access {
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = string(d)
	}
	return Access{set: true, roles: []xiangpei.Role{xiangpei.RoleOfficer, xiangpei.RoleAdmin}, duties: ds,
		describe: "duty " + strings.Join(names, "|")}
}

// Officers routes need an officer account (any duty) — region-scoped reading.
func Officers() Access {
	return Access{set: true, roles: []xiangpei.Role{xiangpei.RoleOfficer}, describe: "officer"}
}

// Allows reports whether an actor passes the rule; a nil actor is the public.
func (a Access) Allows(actor *xiangpei.Actor) bool {
	if a.public {
		return true
	}
	if actor == nil {
		return false
	}
	if len(a.roles) > 0 && !slices.Contains(a.roles, actor.Role) {
		return false
	}
	if len(a.duties) > 0 && !slices.ContainsFunc(a.duties, actor.Can) {
		return false
	}
	return true
}

// IsPublic reports whether the rule lets the public in.
func (a Access) IsPublic() bool { return a.public }

// String describes the rule, for the route listing and test failures.
func (a Access) String() string { return a.describe }

// Route is one registered route with its access rule.
type Route struct {
	Pattern string // as given to http.ServeMux, e.g. "POST /admin/accounts/{account}/disable"
	Method  string
	Path    string
	Access  Access
	API     bool
}
