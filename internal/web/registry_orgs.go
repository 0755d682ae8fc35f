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

// The registry's organisations: search, the credit-code confirmation queue, the organisation
// page with its approved scope, venues, teachers and sanctions.

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
	Complaints  store.ComplaintCounts // against an employer, within the reader's scope
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
		AddSanction: regSanctionForm{StartsOn: s.now().In(xiangpei.ChinaTime).Format(time.DateOnly)}}
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
	if o.Kind == xiangpei.OrgEmployer {
		if d.Complaints, err = s.db.ComplaintCountsOf(ctx, sc, id); err != nil {
			return regOrgData{}, err
		}
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
	if o.Kind == xiangpei.OrgEmployer {
		n, err := s.db.ComplaintCountsOf(ctx, sc, id)
		if err != nil {
			return nil, err
		}
		out["complaints"] = map[string]any{"total": n.Total, "open": n.Open, "open_wage_arrears": n.OpenArrears}
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
