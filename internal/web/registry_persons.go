package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// The registry's persons: search, the masked person page, changes, unmasking with a reason,
// key-group memberships.

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
	Sanctions   []regSanctionLine // 失信人员: the person's blacklist entries
	Blocked     bool
	AddSanction regSanctionForm
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
	sanctions, err := s.db.PersonSanctions(ctx, a.Scope(), id)
	if err != nil {
		return regPersonData{}, err
	}
	now := s.now()
	d.AddSanction = regSanctionForm{StartsOn: now.In(xiangpei.ChinaTime).Format(time.DateOnly)}
	for _, e := range sanctions {
		line := regSanctionLine{SanctionEntry: e.SanctionEntry, DecidedBy: s.regAccountName(r, names, e.DecidedBy)}
		if rec, err := e.Record(); err == nil {
			line.InForce = rec.InForce(now)
		}
		d.Blocked = d.Blocked || line.InForce
		d.Sanctions = append(d.Sanctions, line)
	}
	return d, nil
}

// regPersonSanctions is the JSON list of a person's blacklist entries.
func (s *Server) regPersonSanctions(w http.ResponseWriter, r *http.Request) {
	id, ok := s.regPersonParam(w, r)
	if !ok {
		return
	}
	list, err := s.db.PersonSanctions(r.Context(), actorOf(r).Scope(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	writeJSON(w, http.StatusOK, map[string]any{"sanctions": jsonList(list, func(e store.PersonSanction) map[string]any {
		m := regSanctionJSON(e.SanctionEntry, now)
		m["person_id"] = e.PersonID
		return m
	})})
}

// regAddPersonSanction records a blacklist entry (失信人员) for a person: reason, evidence,
// from and (optionally) until.
func (s *Server) regAddPersonSanction(w http.ResponseWriter, r *http.Request) {
	id, ok := s.regPersonParam(w, r)
	if !ok {
		return
	}
	var f regSanctionForm
	err := bind(r, &f)
	var e store.PersonSanction
	if err == nil {
		e, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.PersonSanction, error) {
			return tx.AddPersonSanction(a.Scope(), id, xiangpei.SanctionEntry{Reason: f.Reason, Evidence: f.Evidence,
				StartsOn: f.StartsOn, EndsOn: f.EndsOn})
		})
	}
	if err != nil {
		s.regFail(w, r, err, s.regPersonAgain(r, id, func(d *regPersonData) { d.AddSanction = f }))
		return
	}
	m := regSanctionJSON(e.SanctionEntry, s.now())
	m["person_id"] = e.PersonID
	answer(w, r, http.StatusCreated, m, regPersonPath(id), "registry_person_sanction_added")
}

// registerPersonSanctionRoutes registers the person blacklist (失信人员) of the registry.
func (s *Server) registerPersonSanctionRoutes() {
	edit := Duty(xiangpei.DutyRegistry, xiangpei.DutySysAdmin)
	s.handleBoth("POST /registry/persons/{person}/sanctions", "/api/v1/persons/{person}/sanctions", edit, s.regAddPersonSanction)
	s.handle("GET /api/v1/persons/{person}/sanctions", registryReader(), s.regPersonSanctions)
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
		sanctions, err := s.db.PersonSanctions(r.Context(), actorOf(r).Scope(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		now := s.now()
		writeJSON(w, http.StatusOK, map[string]any{"person": regPersonJSON(p), "key_groups": jsonList(list, regKeyGroupJSON),
			"sensitive_hidden": hidden, "sanctions": jsonList(sanctions, func(e store.PersonSanction) map[string]any {
				return regSanctionJSON(e.SanctionEntry, now)
			})})
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
