package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 招聘会 — job fairs (docs/fairs.md). Anyone reads the published fairs at /fairs and a fair's
// page /fairs/{fair} with its live counts (the page refreshes itself; its JSON twin gives the
// counts) and its employers' booths and postings (/fairs/{fair}/employers, with the Excel
// export). Officers of the region with the publish duty write, publish and cancel fairs at
// /fairs/manage; verified employers join from the fair's page and follow their fairs at
// /employer/fairs; persons sign up and, while the fair is under way, apply from the fair's
// page, following their fairs at /me/fairs.

const (
	fairsPerPage         = 20
	fairEmployersPerPage = 20
	fairRefreshSeconds   = 30
)

func (s *Server) registerFairRoutes() {
	manager := Duty(xiangpei.DutyPublish)
	employer := Roles(xiangpei.RoleEmployer)
	person := Roles(xiangpei.RolePerson)
	s.handleBoth("GET /fairs", "/api/v1/fairs", Public(), s.fairList)
	s.handleBoth("GET /fairs/manage", "/api/v1/fairs/manage", manager, s.fairManage)
	s.handleBoth("POST /fairs/manage", "/api/v1/fairs/manage", manager, s.fairCreate)
	s.handleBoth("GET /fairs/{fair}", "/api/v1/fairs/{fair}", Public(), s.fairShow)
	s.handleBoth("GET /fairs/{fair}/employers", "/api/v1/fairs/{fair}/employers", Public(), s.fairEmployers)
	s.handleBoth("GET /fairs/{fair}/edit", "/api/v1/fairs/{fair}/edit", manager, s.fairEdit)
	s.handleBoth("POST /fairs/{fair}/edit", "/api/v1/fairs/{fair}/edit", manager, s.fairUpdate)
	s.handleBoth("POST /fairs/{fair}/move", "/api/v1/fairs/{fair}/move", manager, s.fairMove)
	s.handleBoth("POST /fairs/{fair}/join", "/api/v1/fairs/{fair}/join", employer, s.fairJoin)
	s.handleBoth("POST /fairs/{fair}/postings", "/api/v1/fairs/{fair}/postings", employer, s.fairAddPostings)
	s.handleBoth("POST /fairs/{fair}/signup", "/api/v1/fairs/{fair}/signup", person, s.fairSignup)
	s.handleBoth("POST /fairs/{fair}/apply", "/api/v1/fairs/{fair}/apply", person, s.fairApply)
	s.handleBoth("GET /employer/fairs", "/api/v1/employer/fairs", employer, s.employerFairs)
	s.handleBoth("GET /me/fairs", "/api/v1/me/fairs", person, s.myFairs)
}

func fairPath(id int64) string { return "/fairs/" + strconv.FormatInt(id, 10) }

const fairTimeLayout = "2006-01-02 15:04"

func chinaTime(t time.Time) string { return t.In(xiangpei.ChinaTime).Format(fairTimeLayout) }

// ---- views ----

type fairView struct {
	store.Fair
	Place                          string
	Starts, Ends                   string
	SignupFrom, SignupTo           string
	KindName, StatusName           string
	Phase                          xiangpei.FairPhase
	PhaseName                      string
	SignupOpen, Joinable, Applying bool
}

func (s *Server) fairViewOf(r *http.Request, pl places, f store.Fair) fairView {
	lang := stateOf(r).lang
	now := s.now()
	v := fairView{Fair: f, Place: pl.name(f.County), Starts: chinaTime(f.StartsAt), Ends: chinaTime(f.EndsAt),
		SignupFrom: chinaTime(f.SignupFrom), SignupTo: chinaTime(f.SignupTo), KindName: s.msg.T(lang, "fair.kind."+string(f.Kind)),
		StatusName: s.msg.T(lang, "fair.status."+string(f.Status)), Phase: f.Phase(now), SignupOpen: f.SignupOpen(now),
		Joinable: f.Joinable(now), Applying: f.TakesApplications(now)}
	v.PhaseName = s.msg.T(lang, "fair.phase."+string(v.Phase))
	return v
}

func (s *Server) fairViews(r *http.Request, list []store.Fair) []fairView {
	pl := s.places(r)
	out := make([]fairView, 0, len(list))
	for _, f := range list {
		out = append(out, s.fairViewOf(r, pl, f))
	}
	return out
}

func (s *Server) fairJSON(r *http.Request) func(store.Fair) map[string]any {
	return func(f store.Fair) map[string]any {
		v := s.fairViewOf(r, places{Names: map[string]string{}}, f)
		m := map[string]any{"id": f.ID, "name": f.Name, "kind": f.Kind, "kind_text": v.KindName, "venue": f.Venue, "address": f.Address,
			"county": f.County, "description": f.Description, "starts_at": f.StartsAt, "ends_at": f.EndsAt, "signup_from": f.SignupFrom,
			"signup_to": f.SignupTo, "booths": f.Booths, "status": f.Status, "status_text": v.StatusName, "phase": v.Phase,
			"signup_open": v.SignupOpen, "joinable": v.Joinable, "taking_applications": v.Applying, "employers": f.Employers,
			"openings": f.Openings, "version": f.Version}
		return m
	}
}

// fairListJSON is fairJSON with what the employer's and the person's own lists add.
func (s *Server) fairListJSON(r *http.Request, who string) func(store.Fair) map[string]any {
	base := s.fairJSON(r)
	return func(f store.Fair) map[string]any {
		m := base(f)
		switch who {
		case "employer":
			m["joined"], m["booth"] = f.Joined, f.Booth
		case "person":
			m["signed_up"], m["my_applications"] = f.SignedUp, f.Applications
		}
		return m
	}
}

func countsJSON(c xiangpei.FairCounts) map[string]any {
	return map[string]any{"employers": c.Employers, "postings": c.Postings, "openings": c.Openings, "signups": c.Signups,
		"applicants": c.Applicants, "interviews": c.Interviews, "offers": c.Offers, "hires": c.Hires}
}

func (s *Server) fairsXLSX(w http.ResponseWriter, r *http.Request, name string, fetch func(store.Page) ([]store.Fair, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	T := func(k string) string { return s.msg.T(stateOf(r).lang, k) }
	rows := make([][]any, 0, len(all))
	for _, v := range s.fairViews(r, all) {
		rows = append(rows, []any{strconv.FormatInt(v.ID, 10), v.Name, v.KindName, v.Place, v.Venue, v.Starts, v.Ends, v.StatusName,
			v.PhaseName, v.Employers, v.Openings})
	}
	s.download(w, r, "fairs.xlsx", T(name)+".xlsx", T(name), []string{T("fair.col_id"), T("fair.col_name"), T("fair.col_kind"),
		T("fair.col_county"), T("fair.col_venue"), T("fair.col_starts"), T("fair.col_ends"), T("fair.col_status"), T("fair.col_phase"),
		T("fair.col_employers"), T("fair.col_openings")}, rows, sheet.Options{})
}

type fairListData struct {
	Items    []fairView
	Pager    *pager
	Export   string
	County   string
	When     string
	Counties []store.Region
	Who      string // "public", "officer", "employer", "person"
	Form     fairFormData
}

// fairFormData is what the "fairform" part reads.
type fairFormData struct {
	Page     *Page
	Form     fairForm
	Action   string
	Kinds    []xiangpei.FairKind
	Counties []store.Region
}

func fairFilterOf(r *http.Request) store.FairFilter {
	q := r.URL.Query()
	f := store.FairFilter{County: strings.TrimSpace(q.Get("county")), When: q.Get("when")}
	if len(f.County) != 6 {
		f.County = ""
	}
	return f
}

// fairListAnswer answers a list of fairs: the Excel download, the JSON twin or the page.
func (s *Server) fairListAnswer(w http.ResponseWriter, r *http.Request, title, who string, f store.FairFilter,
	fetch func(store.Page) ([]store.Fair, int, error), form fairForm) {
	list, pages, ok := listAnswer(s, w, r, fairsPerPage, "fairs", title, fetch, s.fairListJSON(r, who), s.fairsXLSX)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, fairListTemplate(who), s.fairListPage(r, title, who, f, list, pages, form))
}

func fairListTemplate(who string) string {
	if who == "officer" {
		return "fairs_manage"
	}
	return "fairs"
}

func (s *Server) fairListPage(r *http.Request, title, who string, f store.FairFilter, list []store.Fair, pages *pager, form fairForm) *Page {
	pl := s.places(r)
	d := fairListData{Pager: pages, Export: exportLink(r), County: f.County, When: f.When, Counties: pl.Counties, Who: who}
	for _, x := range list {
		d.Items = append(d.Items, s.fairViewOf(r, pl, x))
	}
	p := s.page(r, s.msg.T(stateOf(r).lang, title), nil)
	d.Form = fairFormData{Page: p, Form: form, Action: "/fairs/manage", Kinds: xiangpei.FairKinds, Counties: pl.Counties}
	p.Data = d
	return p
}

func (s *Server) fairList(w http.ResponseWriter, r *http.Request) {
	f := fairFilterOf(r)
	s.fairListAnswer(w, r, "fair.list_title", "public", f, func(pg store.Page) ([]store.Fair, int, error) {
		return s.db.PublicFairs(r.Context(), f, pg)
	}, fairForm{})
}

func (s *Server) fairManage(w http.ResponseWriter, r *http.Request) {
	f := fairFilterOf(r)
	a := actorOf(r)
	s.fairListAnswer(w, r, "fair.manage_title", "officer", f, func(pg store.Page) ([]store.Fair, int, error) {
		return s.db.Fairs(r.Context(), a.Scope(), f, pg)
	}, s.newFairForm(r))
}

func (s *Server) employerFairs(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	s.fairListAnswer(w, r, "fair.employer_title", "employer", store.FairFilter{}, func(pg store.Page) ([]store.Fair, int, error) {
		return s.db.EmployerFairs(r.Context(), a.Scope(), pg)
	}, fairForm{})
}

func (s *Server) myFairs(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	s.fairListAnswer(w, r, "fair.mine_title", "person", store.FairFilter{}, func(pg store.Page) ([]store.Fair, int, error) {
		return s.db.PersonFairs(r.Context(), a.Scope(), pg)
	}, fairForm{})
}

// ---- the officer's form ----

type fairForm struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	Venue       string `json:"venue"`
	Address     string `json:"address"`
	County      string `json:"county"`
	Description string `json:"description"`
	StartsAt    string `json:"starts_at"` // China time, 2006-01-02T15:04 (or with a space)
	EndsAt      string `json:"ends_at"`
	SignupFrom  string `json:"signup_from"`
	SignupTo    string `json:"signup_to"`
	Booths      int    `json:"booths"`
	Version     int    `json:"version"`
}

func fairTime(s string) time.Time {
	s = strings.Replace(strings.TrimSpace(s), " ", "T", 1)
	t, err := time.ParseInLocation("2006-01-02T15:04", s, xiangpei.ChinaTime)
	if err != nil {
		return time.Time{}
	}
	return t
}

func formTime(t time.Time) string { return t.In(xiangpei.ChinaTime).Format("2006-01-02T15:04") }

func (f fairForm) fair(id int64) xiangpei.JobFair {
	return xiangpei.JobFair{ID: id, Name: f.Name, Kind: xiangpei.FairKind(f.Kind), Venue: f.Venue, Address: f.Address, County: f.County,
		Description: f.Description, StartsAt: fairTime(f.StartsAt), EndsAt: fairTime(f.EndsAt), SignupFrom: fairTime(f.SignupFrom),
		SignupTo: fairTime(f.SignupTo), Booths: f.Booths}
}

func formOfFair(f store.Fair) fairForm {
	return fairForm{Name: f.Name, Kind: string(f.Kind), Venue: f.Venue, Address: f.Address, County: f.County, Description: f.Description,
		StartsAt: formTime(f.StartsAt), EndsAt: formTime(f.EndsAt), SignupFrom: formTime(f.SignupFrom), SignupTo: formTime(f.SignupTo),
		Booths: f.Booths, Version: f.Version}
}

// newFairForm proposes a fair a week from today, 09:00–17:00, sign-up open from now, in the
// officer's own county (or its first county).
func (s *Server) newFairForm(r *http.Request) fairForm {
	day, _ := time.ParseInLocation(time.DateOnly, xiangpei.ChinaDate(s.now().AddDate(0, 0, 7)), xiangpei.ChinaTime)
	f := fairForm{Kind: string(xiangpei.FairOnSite), StartsAt: formTime(day.Add(9 * time.Hour)), EndsAt: formTime(day.Add(17 * time.Hour)),
		SignupFrom: formTime(s.now()), SignupTo: formTime(day.Add(17 * time.Hour)), Booths: 50}
	if reg := actorOf(r).Region; len(reg) == 6 {
		f.County = reg
	}
	return f
}

func (s *Server) fairCreate(w http.ResponseWriter, r *http.Request) {
	var f fairForm
	err := bind(r, &f)
	var fair store.Fair
	if err == nil {
		fair, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Fair, error) { return tx.SaveFair(a.Scope(), f.fair(0), 0) })
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"fairs_manage", func() (*Page, error) {
			a := actorOf(r)
			list, total, err := s.db.Fairs(r.Context(), a.Scope(), store.FairFilter{}, store.Page{Limit: fairsPerPage})
			if err != nil {
				return nil, err
			}
			return s.fairListPage(r, "fair.manage_title", "officer", store.FairFilter{}, list, pagerOf(r, 1, total, fairsPerPage), f), nil
		}})
		return
	}
	answer(w, r, http.StatusCreated, s.fairJSON(r)(fair), fairPath(fair.ID)+"/edit", "fair_saved")
}

type fairEditData struct {
	F      fairView
	Form   fairFormData
	Counts xiangpei.FairCounts
}

func (s *Server) fairEditPage(r *http.Request, form *fairForm) *formPage {
	return &formPage{"fairs_edit", func() (*Page, error) {
		f, _, err := pathObject(r, "fair", actorOf(r).Scope(), s.db.Fair)
		if err != nil {
			return nil, err
		}
		c, err := s.db.FairCounts(r.Context(), f.ID)
		if err != nil {
			return nil, err
		}
		pl := s.places(r)
		p := s.page(r, f.Name, nil)
		d := fairEditData{F: s.fairViewOf(r, pl, f), Counts: c, Form: fairFormData{Page: p, Form: formOfFair(f),
			Action: fairPath(f.ID) + "/edit", Kinds: xiangpei.FairKinds, Counties: pl.Counties}}
		if form != nil {
			d.Form.Form = *form
		}
		p.Data = d
		return p, nil
	}}
}

func (s *Server) fairEdit(w http.ResponseWriter, r *http.Request) {
	showObject(s, w, r, "fair", s.db.Fair, s.fairJSON(r), s.fairEditPage(r, nil))
}

func (s *Server) fairUpdate(w http.ResponseWriter, r *http.Request) {
	var f fairForm
	_, id, err := pathObject(r, "fair", actorOf(r).Scope(), s.db.Fair)
	if err == nil {
		err = bind(r, &f)
	}
	var fair store.Fair
	if err == nil {
		fair, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Fair, error) {
			return tx.SaveFair(a.Scope(), f.fair(id), f.Version)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.fairEditPage(r, &f))
		return
	}
	answer(w, r, http.StatusOK, s.fairJSON(r)(fair), fairPath(id)+"/edit", "fair_saved")
}

type fairMoveForm struct {
	Action  string `json:"action"`
	Version int    `json:"version"`
}

func (s *Server) fairMove(w http.ResponseWriter, r *http.Request) {
	var f fairMoveForm
	_, id, err := pathObject(r, "fair", actorOf(r).Scope(), s.db.Fair)
	if err == nil {
		err = bind(r, &f)
	}
	var fair store.Fair
	if err == nil {
		fair, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Fair, error) {
			return tx.MoveFair(a.Scope(), id, f.Version, store.FairAction(f.Action))
		})
	}
	if err != nil {
		s.formError(w, r, err, s.fairEditPage(r, nil))
		return
	}
	answer(w, r, http.StatusOK, s.fairJSON(r)(fair), fairPath(id)+"/edit", "fair_"+f.Action)
}

// ---- the fair's page ----

type fairEmployerView struct {
	store.FairEmployer
	Place    string
	Postings []postingView
}

type fairShowData struct {
	F         fairView
	Counts    xiangpei.FairCounts
	Employers []fairEmployerView
	Pager     *pager
	Export    string
	Refresh   int
	Manager   bool
	// A person: signed up, and the postings applied to through the fair.
	Person   bool
	SignedUp bool
	Applied  map[int64]bool
	SignedIn bool
	// An employer: joined, its open postings (to bring), those already at the fair.
	Employer   bool
	Joined     bool
	MyPostings []store.Posting
	AtFair     map[int64]bool
	Booth      int
}

func (s *Server) fairEmployerViews(r *http.Request, list []store.FairEmployer) []fairEmployerView {
	pl, levels := s.places(r), s.levelNames(r)
	out := make([]fairEmployerView, 0, len(list))
	for _, e := range list {
		v := fairEmployerView{FairEmployer: e, Place: pl.name(e.County)}
		for _, p := range e.Postings {
			v.Postings = append(v.Postings, s.postingViewOf(r, pl, levels, p))
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) fairShowPage(r *http.Request) *formPage {
	return &formPage{"fairs_show", func() (*Page, error) {
		f, id, err := pathObject(r, "fair", xiangpei.Scope{}, func(ctx context.Context, _ xiangpei.Scope, id int64) (store.Fair, error) {
			return s.db.PublicFair(ctx, id)
		})
		if err != nil {
			return nil, err
		}
		counts, err := s.db.FairCounts(r.Context(), id)
		if err != nil {
			return nil, err
		}
		n, pg := listPage(r, fairEmployersPerPage)
		emps, total, err := s.db.FairEmployers(r.Context(), id, pg)
		if err != nil {
			return nil, err
		}
		a := actorOf(r)
		d := fairShowData{F: s.fairViewOf(r, s.places(r), f), Counts: counts, Employers: s.fairEmployerViews(r, emps),
			Pager: pagerOf(r, n, total, fairEmployersPerPage), Export: fairPath(id) + "/employers?format=xlsx", SignedIn: stateOf(r).actor != nil,
			Manager: a.Role == xiangpei.RoleOfficer && a.Can(xiangpei.DutyPublish) && a.Scope().Covers(f.County)}
		if f.Status == xiangpei.FairPublished && d.F.Phase != xiangpei.FairEnded {
			d.Refresh = fairRefreshSeconds
		}
		switch a.Role {
		case xiangpei.RolePerson:
			d.Person = true
			var applied []int64
			if d.SignedUp, applied, err = s.db.FairSignedUp(r.Context(), a.Scope(), id); err != nil {
				return nil, err
			}
			d.Applied = map[int64]bool{}
			for _, p := range applied {
				d.Applied[p] = true
			}
		case xiangpei.RoleEmployer:
			d.Employer = true
			at, err := s.db.FairPostingIDs(r.Context(), id, a.OrgID)
			if err != nil {
				return nil, err
			}
			d.AtFair = map[int64]bool{}
			for _, p := range at {
				d.AtFair[p] = true
			}
			mine, _, err := s.db.EmployerFairs(r.Context(), a.Scope(), store.Page{Limit: 500})
			if err != nil {
				return nil, err
			}
			for _, m := range mine {
				if m.ID == id {
					d.Joined, d.Booth = m.Joined, m.Booth
				}
			}
			own, _, err := s.db.Postings(r.Context(), a.Scope(), store.PostingFilter{Status: xiangpei.PostingPublished}, store.Page{Limit: 100})
			if err != nil {
				return nil, err
			}
			d.MyPostings = own
		}
		return s.page(r, f.Name, d), nil
	}}
}

func (s *Server) fairShow(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		id, err := pathID(r, "fair")
		var f store.Fair
		if err == nil {
			f, err = s.db.PublicFair(r.Context(), id)
		}
		var c xiangpei.FairCounts
		if err == nil {
			c, err = s.db.FairCounts(r.Context(), id)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m := s.fairJSON(r)(f)
		m["counts"] = countsJSON(c)
		if a := actorOf(r); a.Role == xiangpei.RolePerson {
			signed, applied, err := s.db.FairSignedUp(r.Context(), a.Scope(), id)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			m["signed_up"], m["applied_postings"] = signed, nonNil(applied)
		}
		writeJSON(w, http.StatusOK, m)
		return
	}
	s.show(w, r, s.fairShowPage(r))
}

func (s *Server) fairEmployerJSON(r *http.Request) func(store.FairEmployer) map[string]any {
	lang := stateOf(r).lang
	return func(e store.FairEmployer) map[string]any {
		return map[string]any{"employer_id": e.EmployerID, "name": e.Name, "county": e.County, "booth": e.Booth, "joined_at": e.JoinedAt,
			"postings": jsonList(e.Postings, func(p store.Posting) map[string]any {
				return map[string]any{"id": p.ID, "title": p.Title, "occupation": p.Occupation, "headcount": p.Headcount,
					"salary": s.salaryText(lang, p.Salary), "work_type": p.WorkType, "status": p.Status, "open": p.Open(s.now())}
			}),
			"counts": map[string]any{"postings": e.PostingCount, "openings": e.Openings, "applicants": e.Applicants,
				"interviews": e.Interviews, "offers": e.Offers, "hires": e.Hires}}
	}
}

func (s *Server) fairEmployersXLSX(w http.ResponseWriter, r *http.Request, name string, fetch func(store.Page) ([]store.FairEmployer, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	T := func(k string) string { return s.msg.T(stateOf(r).lang, k) }
	pl := s.places(r)
	rows := make([][]any, 0, len(all))
	for _, e := range all {
		booth := ""
		if e.Booth > 0 {
			booth = strconv.Itoa(e.Booth)
		}
		titles := make([]string, 0, len(e.Postings))
		for _, p := range e.Postings {
			titles = append(titles, p.Title)
		}
		rows = append(rows, []any{booth, e.Name, pl.name(e.County), strings.Join(titles, "、"), e.PostingCount, e.Openings, e.Applicants,
			e.Interviews, e.Offers, e.Hires})
	}
	s.download(w, r, "fair-employers.xlsx", T(name)+".xlsx", T(name), []string{T("fair.col_booth"), T("fair.col_employer"),
		T("fair.col_county"), T("fair.col_postings"), T("fair.col_posting_count"), T("fair.col_openings"), T("fair.col_applicants"),
		T("fair.col_interviews"), T("fair.col_offers"), T("fair.col_hires")}, rows, sheet.Options{})
}

// fairEmployers answers the fair's employers with their figures: the Excel download, the JSON
// twin, or (in the browser) the fair's page, where the list is.
func (s *Server) fairEmployers(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "fair")
	if err == nil {
		_, err = s.db.PublicFair(r.Context(), id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !wantsXLSX(r) && !stateOf(r).api {
		s.show(w, r, s.fairShowPage(r))
		return
	}
	listAnswer(s, w, r, fairEmployersPerPage, "employers", "fair.employers_title", func(pg store.Page) ([]store.FairEmployer, int, error) {
		return s.db.FairEmployers(r.Context(), id, pg)
	}, s.fairEmployerJSON(r), s.fairEmployersXLSX)
}

// ---- employers and persons at the fair ----

type fairJoinForm struct {
	Booth      int      `json:"booth"`
	PostingIDs []string `json:"posting_ids"`
}

func postingIDsOf(in []string) ([]int64, error) {
	out := make([]int64, 0, len(in))
	for _, x := range in {
		id, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil || id <= 0 {
			return nil, xiangpei.Errorf(xiangpei.Invalid, "fair.posting_bad", "Posting %v is not one of your open postings; only your published postings can be brought to a fair.", x)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out, nil
}

func (s *Server) fairJoin(w http.ResponseWriter, r *http.Request) {
	s.fairEmployerChange(w, r, true)
}

func (s *Server) fairAddPostings(w http.ResponseWriter, r *http.Request) {
	s.fairEmployerChange(w, r, false)
}

func (s *Server) fairEmployerChange(w http.ResponseWriter, r *http.Request, join bool) {
	var f fairJoinForm
	id, err := pathID(r, "fair")
	if err == nil {
		_, err = s.db.PublicFair(r.Context(), id)
	}
	if err == nil {
		err = bind(r, &f)
	}
	var ids []int64
	if err == nil {
		ids, err = postingIDsOf(f.PostingIDs)
	}
	var fair store.Fair
	if err == nil {
		fair, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Fair, error) {
			if join {
				return tx.JoinFair(a.Scope(), id, f.Booth, ids)
			}
			return tx.AddFairPostings(a.Scope(), id, ids)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.fairShowPage(r))
		return
	}
	m := s.fairJSON(r)(fair)
	if join {
		mine, _, err := s.db.EmployerFairs(r.Context(), actorOf(r).Scope(), store.Page{Limit: 500})
		if err == nil {
			for _, x := range mine {
				if x.ID == id {
					m["joined"], m["booth"] = x.Joined, x.Booth
				}
			}
		}
		answer(w, r, http.StatusCreated, m, fairPath(id), "fair_joined")
		return
	}
	answer(w, r, http.StatusOK, m, fairPath(id), "fair_postings_added")
}

func (s *Server) fairSignup(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "fair")
	var fair store.Fair
	if err == nil {
		fair, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Fair, error) { return tx.SignUpFair(a.Scope(), id) })
	}
	if err != nil {
		s.formError(w, r, err, s.fairShowPage(r))
		return
	}
	m := s.fairJSON(r)(fair)
	m["signed_up"] = true
	answer(w, r, http.StatusCreated, m, fairPath(id), "fair_signed_up")
}

type fairApplyForm struct {
	PostingID string `json:"posting_id"`
}

func (s *Server) fairApply(w http.ResponseWriter, r *http.Request) {
	var f fairApplyForm
	id, err := pathID(r, "fair")
	if err == nil {
		_, err = s.db.PublicFair(r.Context(), id)
	}
	if err == nil {
		err = bind(r, &f)
	}
	var app store.Applicant
	if err == nil {
		posting, perr := strconv.ParseInt(strings.TrimSpace(f.PostingID), 10, 64)
		if perr != nil || posting <= 0 {
			err = xiangpei.Errorf(xiangpei.Invalid, "fair.posting_not_here", "This posting is not at the fair.")
		} else {
			app, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Applicant, error) {
				return tx.ApplyAtFair(a.Scope(), id, posting)
			})
		}
	}
	if err != nil {
		s.formError(w, r, err, s.fairShowPage(r))
		return
	}
	m := s.applicantJSON(stateOf(r).lang)(app)
	m["fair_id"] = id
	answer(w, r, http.StatusCreated, m, fairPath(id), "fair_applied")
}
