package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
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

// ---- persons ----

type regPersonsData struct {
	Q       string
	Persons []xiangpei.Person
	Places  map[string]string
	Pager   *pager
}

func (s *Server) regPersons(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	n, pg := listPage(r, registryPerPage)
	list, total, err := s.db.SearchPersons(r.Context(), a.Scope(), q, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"persons": jsonList(list, regPersonJSON), "total": total,
			"page": n, "per_page": registryPerPage})
		return
	}
	places, _ := s.regPlaces(r)
	d := regPersonsData{Q: q, Persons: list, Places: places, Pager: pagerOf(r, n, total, registryPerPage)}
	s.render(w, r, http.StatusOK, "registry_persons", s.page(r, s.msg.T(stateOf(r).lang, "registry.persons_title"), d))
}

// regPersonEdit is the form that changes a person. An empty phone keeps the current one, so
// that the form never has to show the full number.
type regPersonEdit struct {
	Phone      string `json:"phone"`
	Household  string `json:"household"`
	County     string `json:"county"`
	Employment string `json:"employment"`
	Version    int64  `json:"version"`
}

type regKeyGroupForm struct {
	Group    string `json:"group"`
	Detail   string `json:"detail"`
	Evidence string `json:"evidence"`
}

type regReasonForm struct {
	Reason string `json:"reason"`
}

type regUnmaskForm struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// regMembership is a key-group membership as the page shows it.
type regMembership struct {
	xiangpei.KeyGroupMembership
	GroupName  string
	VerifierBy string
}

type regPersonData struct {
	Person      xiangpei.Person
	BirthMasked string
	CountyName  string
	Memberships []regMembership
	Hidden      bool // sensitive groups are hidden from this reader
	Groups      []store.KeyGroup
	GroupName   map[string]string
	Counties    []regOption
	Employments []string
	CanEdit     bool
	CanUnmask   bool
	Edit        regPersonEdit
	AddGroup    regKeyGroupForm
	Unmask      regUnmaskForm
	RemoveID    int64 // the membership whose removal failed, to show its reason again
	Remove      regReasonForm
	Unmasked    *regUnmasked
}

// regUnmasked is a full value shown once, after its reason was logged.
type regUnmasked struct {
	Field, Value string
}

// regMemberships reads a person's key groups, leaving out the sensitive ones the actor may
// not see; hidden reports that the reader is one who cannot see them (whether or not the
// person has any, so that the page does not give that away).
func (s *Server) regMemberships(r *http.Request, personID int64) ([]xiangpei.KeyGroupMembership, bool, error) {
	a := actorOf(r)
	list, err := s.db.KeyGroups(r.Context(), a.Scope(), personID)
	if err != nil {
		return nil, false, err
	}
	if regSeesSensitive(a) {
		return list, false, nil
	}
	out := list[:0:0]
	for _, m := range list {
		if !m.Sensitive {
			out = append(out, m)
		}
	}
	return out, true, nil
}

func (s *Server) regAccountName(r *http.Request, cache map[int64]string, id int64) string {
	if id == 0 {
		return ""
	}
	if n, ok := cache[id]; ok {
		return n
	}
	n := strconv.FormatInt(id, 10)
	if acc, err := s.db.Account(r.Context(), id); err == nil {
		n = acc.DisplayName
	}
	cache[id] = n
	return n
}

func (s *Server) regPersonData(r *http.Request, id int64) (regPersonData, error) {
	a := actorOf(r)
	ctx := r.Context()
	p, err := s.db.Person(ctx, a.Scope(), id)
	if err != nil {
		return regPersonData{}, err
	}
	list, hidden, err := s.regMemberships(r, id)
	if err != nil {
		return regPersonData{}, err
	}
	places, counties := s.regPlaces(r)
	d := regPersonData{Person: p, BirthMasked: regMaskedBirth(p.BirthDate), CountyName: places[p.County], Hidden: hidden,
		Counties: counties, Employments: xiangpei.Employments, GroupName: map[string]string{},
		CanEdit: regCanEdit(a), CanUnmask: a.Can(xiangpei.DutyUnmask),
		Edit: regPersonEdit{Household: p.Household, County: p.County, Employment: p.Employment, Version: p.Version}}
	groups, err := s.db.ListKeyGroups(ctx)
	if err != nil {
		return regPersonData{}, err
	}
	for _, g := range groups {
		name := g.NameZh
		if regEnglish(r) {
			name = g.NameEn
		}
		d.GroupName[g.Code] = name
		if !g.Sensitive || !hidden {
			d.Groups = append(d.Groups, g)
		}
	}
	names := map[int64]string{}
	for _, m := range list {
		d.Memberships = append(d.Memberships, regMembership{KeyGroupMembership: m, GroupName: d.GroupName[m.Group],
			VerifierBy: s.regAccountName(r, names, m.VerifiedBy)})
	}
	return d, nil
}

func (s *Server) regPersonTitle(r *http.Request, d regPersonData) string {
	return s.msg.T(stateOf(r).lang, "registry.person_title", d.Person.Name)
}

func (s *Server) regPerson(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "person")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		p, err := s.db.Person(r.Context(), actorOf(r).Scope(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		list, hidden, err := s.regMemberships(r, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"person": regPersonJSON(p), "key_groups": jsonList(list, regKeyGroupJSON),
			"sensitive_hidden": hidden})
		return
	}
	d, err := s.regPersonData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "registry_person", s.page(r, s.regPersonTitle(r, d), d))
}

// regPersonAgain shows a person's page again after a failed form, changed by f.
func (s *Server) regPersonAgain(r *http.Request, id int64, f func(d *regPersonData)) *formPage {
	return &formPage{"registry_person", func() (*Page, error) {
		d, err := s.regPersonData(r, id)
		if err != nil {
			return nil, err
		}
		f(&d)
		return s.page(r, s.regPersonTitle(r, d), d), nil
	}}
}

func (s *Server) regUpdatePerson(w http.ResponseWriter, r *http.Request) {
	id, ok := s.regPersonParam(w, r)
	if !ok {
		return
	}
	var err error
	var f regPersonEdit
	var p xiangpei.Person
	if err = bind(r, &f); err == nil {
		p, err = s.regDoUpdatePerson(r, id, f)
	}
	if err != nil {
		s.regFail(w, r, err, s.regPersonAgain(r, id, func(d *regPersonData) { d.Edit = f }))
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, regPersonJSON(p))
		return
	}
	if !actorOf(r).Scope().Covers(p.County) {
		// The person moved out of the officer's region: their page is no longer this officer's.
		redirect(w, r, "/registry/persons", "registry_person_moved")
		return
	}
	redirect(w, r, regPersonPath(id), "saved")
}

func (s *Server) regDoUpdatePerson(r *http.Request, id int64, f regPersonEdit) (xiangpei.Person, error) {
	return change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Person, error) {
		cur, err := tx.Person(a.Scope(), id)
		if err != nil {
			return cur, err
		}
		phone := strings.TrimSpace(f.Phone)
		if phone == "" {
			phone = cur.Phone
		}
		c, err := xiangpei.PersonChange{Phone: phone, Household: f.Household, County: f.County, Employment: f.Employment}.
			Validate(s.knownCounty(r))
		if err != nil {
			return cur, err
		}
		return tx.UpdatePerson(a.Scope(), id, f.Version, c.Phone, c.Household, c.County, c.Employment)
	})
}

func (s *Server) regUnmask(w http.ResponseWriter, r *http.Request) {
	id, ok := s.regPersonParam(w, r)
	if !ok {
		return
	}
	var err error
	var f regUnmaskForm
	var p xiangpei.Person
	if err = bind(r, &f); err == nil {
		p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Person, error) {
			return tx.LogUnmask(a.Scope(), id, f.Field, f.Reason)
		})
	}
	if err != nil {
		s.regFail(w, r, err, s.regPersonAgain(r, id, func(d *regPersonData) { d.Unmask = f }))
		return
	}
	value := p.Phone
	if f.Field == "id_number" {
		value = string(p.IDNumber)
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"person": p.ID, "field": f.Field, "value": value})
		return
	}
	d, err := s.regPersonData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Unmasked = &regUnmasked{Field: f.Field, Value: value}
	s.render(w, r, http.StatusOK, "registry_person", s.page(r, s.regPersonTitle(r, d), d))
}

func (s *Server) regKeyGroups(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "person")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, hidden, err := s.regMemberships(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"key_groups": jsonList(list, regKeyGroupJSON), "sensitive_hidden": hidden})
}

var errRegSensitive = xiangpei.Errorf(xiangpei.Forbidden, "registry.sensitive_forbidden",
	"Veteran and disability status are sensitive: only officers with the registry or unmask duty record them.")

func (s *Server) regAddKeyGroup(w http.ResponseWriter, r *http.Request) {
	id, ok := s.regPersonParam(w, r)
	if !ok {
		return
	}
	var err error
	a := actorOf(r)
	var f regKeyGroupForm
	var m xiangpei.KeyGroupMembership
	if err = bind(r, &f); err == nil {
		if g, gerr := s.db.KeyGroup(r.Context(), strings.TrimSpace(f.Group)); gerr == nil && g.Sensitive && !regSeesSensitive(a) {
			err = errRegSensitive
		}
	}
	if err == nil {
		m, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.KeyGroupMembership, error) {
			return tx.AddKeyGroup(a.Scope(), xiangpei.KeyGroupMembership{PersonID: id, Group: f.Group, Detail: f.Detail, Evidence: f.Evidence})
		})
	}
	if err != nil {
		s.regFail(w, r, err, s.regPersonAgain(r, id, func(d *regPersonData) { d.AddGroup = f }))
		return
	}
	answer(w, r, http.StatusCreated, regKeyGroupJSON(m), regPersonPath(id), "registry_keygroup_added")
}

func (s *Server) regRemoveKeyGroup(w http.ResponseWriter, r *http.Request) {
	id, ok := s.regPersonParam(w, r)
	if !ok {
		return
	}
	mid, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := actorOf(r)
	var f regReasonForm
	if err = bind(r, &f); err == nil {
		// A membership the actor may not see cannot be removed by them either: it is not there for them.
		var visible []xiangpei.KeyGroupMembership
		if visible, _, err = s.regMemberships(r, id); err == nil &&
			!slices.ContainsFunc(visible, func(m xiangpei.KeyGroupMembership) bool { return m.ID == mid }) {
			err = xiangpei.ErrNotFound("Key group membership")
		}
	}
	if err == nil {
		err = s.db.Tx(r.Context(), a, func(tx *store.Tx) error { return tx.RemoveKeyGroup(a.Scope(), id, mid, f.Reason) })
	}
	if err != nil {
		s.regFail(w, r, err, s.regPersonAgain(r, id, func(d *regPersonData) { d.RemoveID, d.Remove = mid, f }))
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"removed": mid}, regPersonPath(id), "registry_keygroup_removed")
}

// ---- organisations ----

type regOrgsData struct {
	Q, Kind, Status string
	Orgs            []xiangpei.Organisation
	Places          map[string]string
	Kinds           []xiangpei.OrgKind
	Statuses        []xiangpei.CodeStatus
	Pager           *pager
	Pending         int
}

var regCodeStatuses = []xiangpei.CodeStatus{xiangpei.CodeValid, xiangpei.CodePending, xiangpei.CodeConfirmed, xiangpei.CodeRejected}

func (s *Server) regOrgs(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	q := r.URL.Query()
	d := regOrgsData{Q: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Status: q.Get("status"),
		Kinds: xiangpei.OrgKinds, Statuses: regCodeStatuses}
	if !xiangpei.OrgKind(d.Kind).Valid() {
		d.Kind = ""
	}
	if !slices.Contains(regCodeStatuses, xiangpei.CodeStatus(d.Status)) {
		d.Status = ""
	}
	n, pg := listPage(r, registryPerPage)
	list, total, err := s.db.SearchOrgs(r.Context(), a.Scope(), d.Kind, d.Q, d.Status, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"orgs": jsonList(list, regOrgJSON), "total": total,
			"page": n, "per_page": registryPerPage})
		return
	}
	d.Orgs, d.Pager = list, pagerOf(r, n, total, registryPerPage)
	d.Places, _ = s.regPlaces(r)
	if _, pending, err := s.db.PendingCodes(r.Context(), a.Scope(), store.Page{Limit: 1}); err == nil {
		d.Pending = pending
	}
	s.render(w, r, http.StatusOK, "registry_orgs", s.page(r, s.msg.T(stateOf(r).lang, "registry.orgs_title"), d))
}

type regCodesData struct {
	Orgs   []xiangpei.Organisation
	Places map[string]string
	Pager  *pager
}

func (s *Server) regCodes(w http.ResponseWriter, r *http.Request) {
	n, pg := listPage(r, registryPerPage)
	list, total, err := s.db.PendingCodes(r.Context(), actorOf(r).Scope(), pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"orgs": jsonList(list, regOrgJSON), "total": total,
			"page": n, "per_page": registryPerPage})
		return
	}
	places, _ := s.regPlaces(r)
	d := regCodesData{Orgs: list, Places: places, Pager: pagerOf(r, n, total, registryPerPage)}
	s.render(w, r, http.StatusOK, "registry_codes", s.page(r, s.msg.T(stateOf(r).lang, "registry.codes_title"), d))
}

// regOrgEdit is the form that changes an organisation. An empty phone keeps the current one
// (which the page shows masked when it is a mobile number); clear_phone removes it.
type regOrgEdit struct {
	Name       string `json:"name"`
	County     string `json:"county"`
	Address    string `json:"address"`
	Contact    string `json:"contact"`
	Phone      string `json:"phone"`
	ClearPhone bool   `json:"clear_phone"`
	Capacity   int    `json:"capacity"`
	Version    int64  `json:"version"`
}

type regDecisionForm struct {
	Decision string `json:"decision"` // "confirm" or "reject"
	Reason   string `json:"reason"`
	Version  int64  `json:"version"`
}

type regScopeForm struct {
	OccupationCode string `json:"occupation_code"`
	Level          string `json:"level"`
}

type regVenueForm struct {
	Name    string  `json:"name"`
	Address string  `json:"address"`
	County  string  `json:"county"`
	Lat     float64 `json:"lat"`
	Lng     float64 `json:"lng"`
}

type regTeacherForm struct {
	Name           string `json:"name"`
	IDNumber       string `json:"id_number"`
	Qualification  string `json:"qualification"`
	OccupationCode string `json:"occupation_code"`
	Level          string `json:"level"`
	CertificateNo  string `json:"certificate_no"`
}

type regSanctionForm struct {
	Kind     string `json:"kind"`
	Reason   string `json:"reason"`
	Evidence string `json:"evidence"`
	StartsOn string `json:"starts_on"`
	EndsOn   string `json:"ends_on"`
}

// regScopeLine is an approved-scope entry with its names.
type regScopeLine struct {
	xiangpei.ScopeEntry
	Occupation string
	LevelName  string
}

// regSanctionLine is a sanction with whether it is in force today and who decided it.
type regSanctionLine struct {
	xiangpei.SanctionEntry
	InForce   bool
	DecidedBy string
}

type regOrgData struct {
	Org         xiangpei.Organisation
	Phone       string
	PhoneMasked bool
	CountyName  string
	Places      map[string]string
	Counties    []regOption
	Levels      []regOption
	LevelName   map[string]string
	Scopes      []regScopeLine
	Venues      []xiangpei.Venue
	Teachers    []xiangpei.Teacher
	Sanctions   []regSanctionLine
	Ladder      []xiangpei.Sanction
	Blocked     bool
	Blocking    xiangpei.SanctionEntry
	CanEdit     bool
	Training    bool // not an employer: has an approved scope
	Edit        regOrgEdit
	Decision    regDecisionForm
	AddScope    regScopeForm
	RemoveID    int64
	Remove      regReasonForm
	AddVenue    regVenueForm
	AddTeacher  regTeacherForm
	AddSanction regSanctionForm
}

func (s *Server) regOrgData(r *http.Request, id int64) (regOrgData, error) {
	a := actorOf(r)
	sc := a.Scope()
	ctx := r.Context()
	o, err := s.db.Org(ctx, sc, id)
	if err != nil {
		return regOrgData{}, err
	}
	places, counties := s.regPlaces(r)
	d := regOrgData{Org: o, Phone: regOrgPhone(o.Phone), CountyName: places[o.County], Places: places, Counties: counties,
		LevelName: map[string]string{}, Ladder: xiangpei.SanctionLadder, CanEdit: regCanEdit(a),
		Training: o.Kind != xiangpei.OrgEmployer,
		Edit: regOrgEdit{Name: o.Name, County: o.County, Address: o.Address, Contact: o.Contact, Capacity: o.Capacity,
			Version: o.Version},
		Decision:    regDecisionForm{Version: o.Version},
		AddVenue:    regVenueForm{County: o.County},
		AddSanction: regSanctionForm{StartsOn: s.now().In(shanghai).Format(time.DateOnly)}}
	d.PhoneMasked = d.Phone != o.Phone
	if !d.PhoneMasked {
		d.Edit.Phone = o.Phone
	}
	levels, err := s.db.ListSkillLevels(ctx)
	if err != nil {
		return regOrgData{}, err
	}
	for _, l := range levels {
		name := l.NameZh
		if regEnglish(r) {
			name = l.NameEn
		}
		d.LevelName[l.Code] = name
		d.Levels = append(d.Levels, regOption{Value: l.Code, Label: name})
	}
	scopes, err := s.db.Scopes(ctx, sc, id)
	if err != nil {
		return regOrgData{}, err
	}
	for _, e := range scopes {
		line := regScopeLine{ScopeEntry: e, LevelName: d.LevelName[e.Level]}
		if occ, err := s.db.Occupation(ctx, e.OccupationCode); err == nil {
			line.Occupation = occ.Name
		}
		d.Scopes = append(d.Scopes, line)
	}
	if d.Venues, err = s.db.Venues(ctx, sc, id); err != nil {
		return regOrgData{}, err
	}
	if d.Teachers, err = s.db.Teachers(ctx, sc, id); err != nil {
		return regOrgData{}, err
	}
	sanctions, err := s.db.Sanctions(ctx, sc, id)
	if err != nil {
		return regOrgData{}, err
	}
	now := s.now()
	names := map[int64]string{}
	for _, e := range sanctions {
		line := regSanctionLine{SanctionEntry: e, DecidedBy: s.regAccountName(r, names, e.DecidedBy)}
		if rec, err := e.Record(); err == nil {
			line.InForce = rec.InForce(now)
		}
		d.Sanctions = append(d.Sanctions, line)
	}
	if d.Blocked, d.Blocking, err = s.db.OrgBlocked(ctx, id, now); err != nil {
		return regOrgData{}, err
	}
	return d, nil
}

func (s *Server) regOrgTitle(r *http.Request, d regOrgData) string {
	return s.msg.T(stateOf(r).lang, "registry.org_title", d.Org.Name)
}

// regOrgAgain shows an organisation's page again after a failed form, changed by f.
func (s *Server) regOrgAgain(r *http.Request, id int64, f func(d *regOrgData)) *formPage {
	return &formPage{"registry_org", func() (*Page, error) {
		d, err := s.regOrgData(r, id)
		if err != nil {
			return nil, err
		}
		f(&d)
		return s.page(r, s.regOrgTitle(r, d), d), nil
	}}
}

// regOrgDetailJSON is an organisation with everything the registry keeps about it.
func (s *Server) regOrgDetailJSON(r *http.Request, sc xiangpei.Scope, id int64) (map[string]any, error) {
	ctx := r.Context()
	o, err := s.db.Org(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	scopes, err := s.db.Scopes(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	venues, err := s.db.Venues(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	teachers, err := s.db.Teachers(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	sanctions, err := s.db.Sanctions(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	blocked, blocking, err := s.db.OrgBlocked(ctx, id, now)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"org": regOrgJSON(o), "blocked": blocked, "blocking_sanction": nil,
		"scopes": jsonList(scopes, regScopeJSON), "venues": jsonList(venues, regVenueJSON),
		"teachers":  jsonList(teachers, regTeacherJSON),
		"sanctions": jsonList(sanctions, func(e xiangpei.SanctionEntry) map[string]any { return regSanctionJSON(e, now) })}
	if blocked {
		out["blocking_sanction"] = regSanctionJSON(blocking, now)
	}
	return out, nil
}

func (s *Server) regOrg(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "org")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		out, err := s.regOrgDetailJSON(r, actorOf(r).Scope(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	d, err := s.regOrgData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "registry_org", s.page(r, s.regOrgTitle(r, d), d))
}

// regOwnOrg lets an organisation's staff read their own organisation.
func (s *Server) regOwnOrg(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	out, err := s.regOrgDetailJSON(r, a.Scope(), a.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func regOrgPath(id int64) string { return "/registry/orgs/" + strconv.FormatInt(id, 10) }

func regPersonPath(id int64) string { return "/registry/persons/" + strconv.FormatInt(id, 10) }

// regOrgList answers the JSON list of one kind of record an organisation has.
func regOrgList[T any](s *Server, w http.ResponseWriter, r *http.Request, name string,
	list func(ctx context.Context, sc xiangpei.Scope, org int64) ([]T, error), toJSON func(T) map[string]any) {
	id, err := pathID(r, "org")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, err := list(r.Context(), actorOf(r).Scope(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{name: jsonList(items, toJSON)})
}

// regOrgForm runs one of the forms that add a record to an organisation: the organisation is
// looked up in the actor's scope first (another region's is a 404 whatever the form says), the
// form is read, add makes the change in one transaction, and the answer is the record's JSON
// (201) or the organisation's page again with keep putting back what was typed.
func regOrgForm[F, T any](s *Server, w http.ResponseWriter, r *http.Request, done string, keep func(d *regOrgData, f F),
	add func(tx *store.Tx, sc xiangpei.Scope, org int64, f F) (T, error), toJSON func(T) map[string]any) {
	id, ok := s.regOrgParam(w, r)
	if !ok {
		return
	}
	var f F
	err := bind(r, &f)
	var out T
	if err == nil {
		out, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (T, error) { return add(tx, a.Scope(), id, f) })
	}
	if err != nil {
		s.regFail(w, r, err, s.regOrgAgain(r, id, func(d *regOrgData) { keep(d, f) }))
		return
	}
	answer(w, r, http.StatusCreated, toJSON(out), regOrgPath(id), done)
}

func (s *Server) regUpdateOrg(w http.ResponseWriter, r *http.Request) {
	id, ok := s.regOrgParam(w, r)
	if !ok {
		return
	}
	var err error
	var f regOrgEdit
	var o xiangpei.Organisation
	if err = bind(r, &f); err == nil {
		o, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Organisation, error) {
			cur, err := tx.Org(a.Scope(), id)
			if err != nil {
				return cur, err
			}
			phone := strings.TrimSpace(f.Phone)
			if phone == "" && !f.ClearPhone {
				phone = cur.Phone
			}
			in := xiangpei.OrgInput{Kind: string(cur.Kind), Name: f.Name, County: f.County, Address: f.Address,
				Contact: f.Contact, Phone: phone, Capacity: f.Capacity}
			next, err := cur.Edit(in, s.knownCounty(r))
			if err != nil {
				return cur, err
			}
			return tx.UpdateOrg(a.Scope(), next, f.Version)
		})
	}
	if err != nil {
		f.Phone = "" // never echo a number back that the page would otherwise mask
		s.regFail(w, r, err, s.regOrgAgain(r, id, func(d *regOrgData) { d.Edit = f }))
		return
	}
	if !stateOf(r).api && !actorOf(r).Scope().Covers(o.County) {
		redirect(w, r, "/registry/orgs", "registry_org_moved")
		return
	}
	answer(w, r, http.StatusOK, regOrgJSON(o), regOrgPath(id), "saved")
}

func (s *Server) regConfirmCode(w http.ResponseWriter, r *http.Request) {
	id, ok := s.regOrgParam(w, r)
	if !ok {
		return
	}
	var err error
	var f regDecisionForm
	var o xiangpei.Organisation
	if err = bind(r, &f); err == nil && f.Decision != "confirm" && f.Decision != "reject" {
		err = xiangpei.Errorf(xiangpei.Invalid, "registry.code_decision", "Choose whether the credit code is confirmed or rejected.")
	}
	if err == nil {
		o, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Organisation, error) {
			return tx.ConfirmCreditCode(a.Scope(), id, f.Version, f.Decision == "confirm", f.Reason)
		})
	}
	if err != nil {
		s.regFail(w, r, err, s.regOrgAgain(r, id, func(d *regOrgData) { d.Decision = f }))
		return
	}
	answer(w, r, http.StatusOK, regOrgJSON(o), regOrgPath(id), "registry_code_"+f.Decision)
}

func (s *Server) regScopes(w http.ResponseWriter, r *http.Request) {
	regOrgList(s, w, r, "scopes", s.db.Scopes, regScopeJSON)
}

func (s *Server) regAddScope(w http.ResponseWriter, r *http.Request) {
	regOrgForm(s, w, r, "registry_scope_added", func(d *regOrgData, f regScopeForm) { d.AddScope = f },
		func(tx *store.Tx, sc xiangpei.Scope, org int64, f regScopeForm) (xiangpei.ScopeEntry, error) {
			return tx.AddScope(sc, xiangpei.ScopeEntry{OrgID: org, OccupationCode: f.OccupationCode, Level: f.Level})
		}, regScopeJSON)
}

func (s *Server) regRemoveScope(w http.ResponseWriter, r *http.Request) {
	id, ok := s.regOrgParam(w, r)
	if !ok {
		return
	}
	eid, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := actorOf(r)
	var f regReasonForm
	if err = bind(r, &f); err == nil {
		err = s.db.Tx(r.Context(), a, func(tx *store.Tx) error { return tx.RemoveScope(a.Scope(), id, eid, f.Reason) })
	}
	if err != nil {
		s.regFail(w, r, err, s.regOrgAgain(r, id, func(d *regOrgData) { d.RemoveID, d.Remove = eid, f }))
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"removed": eid}, regOrgPath(id), "registry_scope_removed")
}

func (s *Server) regVenues(w http.ResponseWriter, r *http.Request) {
	regOrgList(s, w, r, "venues", s.db.Venues, regVenueJSON)
}

func (s *Server) regAddVenue(w http.ResponseWriter, r *http.Request) {
	regOrgForm(s, w, r, "registry_venue_added", func(d *regOrgData, f regVenueForm) { d.AddVenue = f },
		func(tx *store.Tx, sc xiangpei.Scope, org int64, f regVenueForm) (xiangpei.Venue, error) {
			v, err := xiangpei.Venue{OrgID: org, Name: f.Name, Address: f.Address, County: f.County, Lat: f.Lat, Lng: f.Lng}.
				Validate(s.knownCounty(r))
			if err != nil {
				return v, err
			}
			return tx.AddVenue(sc, v)
		}, regVenueJSON)
}

func (s *Server) regTeachers(w http.ResponseWriter, r *http.Request) {
	regOrgList(s, w, r, "teachers", s.db.Teachers, regTeacherJSON)
}

func (s *Server) regAddTeacher(w http.ResponseWriter, r *http.Request) {
	regOrgForm(s, w, r, "registry_teacher_added", func(d *regOrgData, f regTeacherForm) { d.AddTeacher = f },
		func(tx *store.Tx, sc xiangpei.Scope, org int64, f regTeacherForm) (xiangpei.Teacher, error) {
			return tx.AddTeacher(sc, xiangpei.Teacher{OrgID: org, Name: f.Name, IDNumber: xiangpei.IDNumber(f.IDNumber),
				Qualification: f.Qualification, OccupationCode: f.OccupationCode, Level: f.Level, CertificateNo: f.CertificateNo})
		}, regTeacherJSON)
}

func (s *Server) regSanctions(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "org")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.db.Sanctions(r.Context(), actorOf(r).Scope(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	blocked, _, err := s.db.OrgBlocked(r.Context(), id, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"blocked": blocked,
		"sanctions": jsonList(list, func(e xiangpei.SanctionEntry) map[string]any { return regSanctionJSON(e, now) })})
}

func (s *Server) regAddSanction(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	regOrgForm(s, w, r, "registry_sanction_added", func(d *regOrgData, f regSanctionForm) { d.AddSanction = f },
		func(tx *store.Tx, sc xiangpei.Scope, org int64, f regSanctionForm) (xiangpei.SanctionEntry, error) {
			return tx.AddSanction(sc, xiangpei.SanctionEntry{OrgID: org, Kind: xiangpei.Sanction(strings.TrimSpace(f.Kind)),
				Reason: f.Reason, Evidence: f.Evidence, StartsOn: f.StartsOn, EndsOn: f.EndsOn})
		}, func(e xiangpei.SanctionEntry) map[string]any { return regSanctionJSON(e, now) })
}
