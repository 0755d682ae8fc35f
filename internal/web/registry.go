package web

import (
	"net/http"
	"slices"
	"time"

	"xiangpei"
)

// The registry (SPEC §3) as officers and the system administrator see it: persons and
// organisations of their region, masked by default, with the records the bureau keeps about
// them — key-group memberships, approved scope, venues, teachers, sanctions, credit-code
// decisions. Every page action has its JSON twin under /api/v1 with the same rule.

// registryReader lets officers (holding any duty; the store limits them to their region) and
// system administrators (who see everything) read the registry. The security administrator
// and the auditor are administrators too, but the registry is not their work.
func registryReader() Access {
	return Access{set: true, roles: []xiangpei.Role{xiangpei.RoleOfficer, xiangpei.RoleAdmin},
		duties:   slices.Concat(xiangpei.OfficerDuties, []xiangpei.Duty{xiangpei.DutySysAdmin}),
		describe: "officer (any duty) or sysadmin"}
}

// registryPerPage is the page size of the registry's lists.
const registryPerPage = 20

// registerRegistryRoutes registers the officers' registry routes: persons and organisations.
func (s *Server) registerRegistryRoutes() {
	read := registryReader()
	edit := Duty(xiangpei.DutyRegistry, xiangpei.DutySysAdmin)
	unmask := Duty(xiangpei.DutyUnmask)
	staff := Roles(xiangpei.RoleInstitution, xiangpei.RoleSchool, xiangpei.RoleAssessor, xiangpei.RoleEmployer)

	// Persons.
	s.handleBoth("GET /registry/persons", "/api/v1/persons", read, s.regPersons)
	s.handleBoth("GET /registry/persons/{person}", "/api/v1/persons/{person}", read, s.regPerson)
	s.handleBoth("POST /registry/persons/{person}", "/api/v1/persons/{person}", edit, s.regUpdatePerson)
	s.handleBoth("POST /registry/persons/{person}/unmask", "/api/v1/persons/{person}/unmask", unmask, s.regUnmask)
	s.handleBoth("POST /registry/persons/{person}/key-groups", "/api/v1/persons/{person}/key-groups", edit, s.regAddKeyGroup)
	s.handleBoth("POST /registry/persons/{person}/key-groups/{id}/remove", "/api/v1/persons/{person}/key-groups/{id}/remove", edit, s.regRemoveKeyGroup)
	s.handle("GET /api/v1/persons/{person}/key-groups", read, s.regKeyGroups)

	// Organisations.
	s.handleBoth("GET /registry/orgs", "/api/v1/orgs", read, s.regOrgs)
	s.handleBoth("GET /registry/codes", "/api/v1/codes", read, s.regCodes)
	s.handleBoth("GET /registry/orgs/{org}", "/api/v1/orgs/{org}", read, s.regOrg)
	s.handleBoth("POST /registry/orgs/{org}", "/api/v1/orgs/{org}", edit, s.regUpdateOrg)
	s.handleBoth("POST /registry/orgs/{org}/confirm-code", "/api/v1/orgs/{org}/confirm-code", edit, s.regConfirmCode)
	s.handleBoth("POST /registry/orgs/{org}/scopes", "/api/v1/orgs/{org}/scopes", edit, s.regAddScope)
	s.handleBoth("POST /registry/orgs/{org}/scopes/{id}/remove", "/api/v1/orgs/{org}/scopes/{id}/remove", edit, s.regRemoveScope)
	s.handleBoth("POST /registry/orgs/{org}/venues", "/api/v1/orgs/{org}/venues", edit, s.regAddVenue)
	s.handleBoth("POST /registry/orgs/{org}/teachers", "/api/v1/orgs/{org}/teachers", edit, s.regAddTeacher)
	s.handleBoth("POST /registry/orgs/{org}/sanctions", "/api/v1/orgs/{org}/sanctions", edit, s.regAddSanction)
	s.handle("GET /api/v1/orgs/{org}/scopes", read, s.regScopes)
	s.handle("GET /api/v1/orgs/{org}/venues", read, s.regVenues)
	s.handle("GET /api/v1/orgs/{org}/teachers", read, s.regTeachers)
	s.handle("GET /api/v1/orgs/{org}/sanctions", read, s.regSanctions)

	// An organisation's staff read their own organisation.
	s.handle("GET /api/v1/org", staff, s.regOwnOrg)
}

// ---- shared helpers ----

// regSeesSensitive reports whether the actor may see sensitive key groups (veterans, disabled
// people): only the duties whose work needs them (QUALITY §3).
func regSeesSensitive(a xiangpei.Actor) bool {
	return a.Can(xiangpei.DutyRegistry) || a.Can(xiangpei.DutyUnmask)
}

// regCanEdit reports whether the actor may change registry records (the rule of the edit routes).
func regCanEdit(a xiangpei.Actor) bool {
	return (a.Role == xiangpei.RoleOfficer || a.Role == xiangpei.RoleAdmin) &&
		(a.Can(xiangpei.DutyRegistry) || a.Can(xiangpei.DutySysAdmin))
}

// regMaskedBirth hides the day and month of a birth date: together with the masked ID number
// (whose hidden digits are exactly the birth date) the full date would give the number away.
func regMaskedBirth(date string) string {
	if len(date) == 10 {
		return date[:4] + "-**-**"
	}
	return ""
}

// regPersonJSON is a person as officers' API calls show them: masked ID number, phone and birth date.
func regPersonJSON(p xiangpei.Person) map[string]any {
	m := personJSON(p, false)
	m["birth_date"] = regMaskedBirth(p.BirthDate)
	return m
}

// regOrgPhone shows an organisation's phone: a mobile (a person's number) masked, a landline as it is.
func regOrgPhone(p string) string {
	if _, err := xiangpei.ParseMobile(p); err == nil {
		return xiangpei.MaskPhone(p)
	}
	return p
}

func regOrgJSON(o xiangpei.Organisation) map[string]any {
	return map[string]any{"id": o.ID, "kind": o.Kind, "name": o.Name, "credit_code": o.CreditCode,
		"code_status": o.CodeStatus, "county": o.County, "address": o.Address, "contact": o.Contact,
		"phone": regOrgPhone(o.Phone), "capacity": o.Capacity, "version": o.Version}
}

func regKeyGroupJSON(m xiangpei.KeyGroupMembership) map[string]any {
	return map[string]any{"id": m.ID, "group": m.Group, "detail": m.Detail, "evidence": m.Evidence,
		"verified_by": m.VerifiedBy, "verified_at": m.VerifiedAt, "sensitive": m.Sensitive}
}

func regScopeJSON(e xiangpei.ScopeEntry) map[string]any {
	return map[string]any{"id": e.ID, "occupation_code": e.OccupationCode, "level": e.Level}
}

func regVenueJSON(v xiangpei.Venue) map[string]any {
	return map[string]any{"id": v.ID, "name": v.Name, "address": v.Address, "county": v.County, "lat": v.Lat, "lng": v.Lng}
}

func regTeacherJSON(t xiangpei.Teacher) map[string]any {
	return map[string]any{"id": t.ID, "name": t.Name, "id_number": t.MaskedID(), "qualification": t.Qualification,
		"occupation_code": t.OccupationCode, "level": t.Level, "certificate_no": t.CertificateNo}
}

func regSanctionJSON(e xiangpei.SanctionEntry, now time.Time) map[string]any {
	inForce := false
	if rec, err := e.Record(); err == nil {
		inForce = rec.InForce(now)
	}
	return map[string]any{"id": e.ID, "kind": e.Kind, "reason": e.Reason, "evidence": e.Evidence,
		"starts_on": e.StartsOn, "ends_on": e.EndsOn, "decided_by": e.DecidedBy, "created_at": e.CreatedAt,
		"in_force": inForce, "blocks": e.Kind.Blocks()}
}

// regOption is one choice of a select list.
type regOption struct {
	Value, Label string
}

// regPlaces names regions ("株洲市天元区") and lists the counties as select options.
func (s *Server) regPlaces(r *http.Request) (map[string]string, []regOption) {
	pl := s.places(r)
	counties := make([]regOption, 0, len(pl.Counties))
	for _, c := range pl.Counties {
		counties = append(counties, regOption{Value: c.Code, Label: pl.Names[c.Code] + " " + c.Code})
	}
	return pl.Names, counties
}

func regEnglish(r *http.Request) bool { return stateOf(r).lang == "en" }

// regFail answers a failed registry form: a missing object or a refusal is an error page
// (there is nothing the person could correct on the form); anything else shows the page again
// through formError.
func (s *Server) regFail(w http.ResponseWriter, r *http.Request, err error, again *formPage) {
	if k := xiangpei.ErrorKind(err); k == xiangpei.NotFound || k == xiangpei.Forbidden {
		again = nil
	}
	s.formError(w, r, err, again)
}

// regPersonParam reads the {person} of a request and checks that the person is within the
// actor's scope before anything else, so that another region's person is a 404 whatever the
// request carries; on failure it has answered.
func (s *Server) regPersonParam(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := pathID(r, "person")
	if err == nil {
		_, err = s.db.Person(r.Context(), actorOf(r).Scope(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	return id, true
}

// regOrgParam reads the {org} of a request and checks that the organisation is within the
// actor's scope first, like regPersonParam.
func (s *Server) regOrgParam(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := pathID(r, "org")
	if err == nil {
		_, err = s.db.Org(r.Context(), actorOf(r).Scope(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return 0, false
	}
	return id, true
}
