package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 教 — majors, enrolment plans, applications and admissions (docs/schools.md). A school's staff
// keep their majors at /school/majors and their plans at /school/plans; the city's officer
// approves plans at /school-plans/review, officers read /school-plans; anyone reads the
// approved plans at /schools and /enrolment-plans/{id}; a person applies there and follows
// the application at /me/school-applications.

const admPerPage = 20

func (s *Server) registerAdmissionRoutes() {
	school := Roles(xiangpei.RoleSchool)
	readers := Roles(xiangpei.RoleSchool, xiangpei.RoleOfficer)
	person := Roles(xiangpei.RolePerson)
	s.handleBoth("GET /school/majors", "/api/v1/school/majors", school, s.admMajors)
	s.handleBoth("POST /school/majors", "/api/v1/school/majors", school, s.admMajorSave)
	s.handleBoth("GET /school/majors/{major}", "/api/v1/school/majors/{major}", school, s.admMajorShow)
	s.handleBoth("POST /school/majors/{major}", "/api/v1/school/majors/{major}", school, s.admMajorSave)
	s.handleBoth("GET /school/plans", "/api/v1/school/plans", school, s.admSchoolPlans)
	s.handleBoth("POST /school/plans", "/api/v1/school/plans", school, s.admPlanSave)
	s.handleBoth("GET /school/plans/{enrolplan}", "/api/v1/school/plans/{enrolplan}", readers, s.admPlanShow)
	s.handleBoth("POST /school/plans/{enrolplan}", "/api/v1/school/plans/{enrolplan}", school, s.admPlanSave)
	s.handleBoth("POST /school/plans/{enrolplan}/submit", "/api/v1/school/plans/{enrolplan}/submit", school, s.admPlanMove)
	s.handleBoth("POST /school/plans/{enrolplan}/publish", "/api/v1/school/plans/{enrolplan}/publish", school, s.admPlanPublish)
	s.handleBoth("GET /school/plans/{enrolplan}/applications", "/api/v1/school/plans/{enrolplan}/applications", readers, s.admPlanApps)
	s.handleBoth("POST /school/plans/{enrolplan}/import", "/api/v1/school/plans/{enrolplan}/import", school, s.admImportCheck)
	s.handleBoth("POST /school/plans/{enrolplan}/import/{id}/commit", "/api/v1/school/plans/{enrolplan}/import/{id}/commit", school, s.admImportCommit)
	s.handleBoth("POST /school/applications/{schoolapp}/decide", "/api/v1/school/applications/{schoolapp}/decide", school, s.admAppMove)
	s.handleBoth("GET /school-plans", "/api/v1/school-plans", Roles(xiangpei.RoleOfficer), s.admOfficerPlans)
	s.handleBoth("GET /school-plans/review", "/api/v1/school-plans/review", Duty(xiangpei.DutyClassReview), s.admReviewQueue)
	s.handleBoth("POST /school-plans/{enrolplan}/review", "/api/v1/school-plans/{enrolplan}/review", Duty(xiangpei.DutyClassReview), s.admPlanMove)
	s.handleBoth("GET /schools", "/api/v1/schools", Public(), s.admPublicPlans)
	s.handleBoth("GET /enrolment-plans/{id}", "/api/v1/enrolment-plans/{id}", Public(), s.admPublicPlan)
	s.handleBoth("GET /me/school-applications", "/api/v1/me/school-applications", person, s.admMyApps)
	s.handleBoth("POST /me/school-applications", "/api/v1/me/school-applications", person, s.admApply)
	s.handleBoth("POST /me/school-applications/{schoolapp}/move", "/api/v1/me/school-applications/{schoolapp}/move", person, s.admAppMove)
}

func (s *Server) admT(r *http.Request) func(string, ...any) string {
	lang := stateOf(r).lang
	return func(k string, a ...any) string { return s.msg.T(lang, k, a...) }
}

// ---- majors ----

func admMajorJSON(m xiangpei.Major) map[string]any {
	return map[string]any{"id": m.ID, "school_id": m.SchoolID, "code": m.Code, "name": m.Name, "years": m.Years, "level": m.Level,
		"occupation": m.Occupation, "skill_level": m.SkillLevel, "active": m.Active, "version": m.Version}
}

type admMajorForm struct {
	Version    int    `json:"version"`
	Code       string `json:"code"`
	Name       string `json:"name"`
	Years      int    `json:"years"`
	Level      string `json:"level"`
	Occupation string `json:"occupation"`
	Active     string `json:"active"` // "1" offered, "0" not (an edit); a new major is offered
}

type admMajorsData struct {
	Items  []xiangpei.Major
	Export string
	Levels []xiangpei.MajorLevel
	Form   admMajorForm
	Major  xiangpei.Major
}

func (s *Server) admMajorsPage(r *http.Request, f admMajorForm) (*Page, error) {
	list, err := s.db.Majors(r.Context(), actorOf(r).OrgID, false)
	if err != nil {
		return nil, err
	}
	if f.Years == 0 {
		f.Years = 3
	}
	return s.page(r, s.admT(r)("adm.majors_title"), admMajorsData{Items: list, Export: exportLink(r), Levels: xiangpei.MajorLevels, Form: f}), nil
}

func (s *Server) admMajors(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	list, err := s.db.Majors(r.Context(), a.OrgID, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	T := s.admT(r)
	if wantsXLSX(r) {
		rows := make([][]any, 0, len(list))
		for _, m := range list {
			rows = append(rows, []any{m.Code, m.Name, m.Years, T("adm.level." + string(m.Level)), m.Occupation, m.SkillLevel, T(admActiveKey(m.Active))})
		}
		s.download(w, r, "majors.xlsx", T("adm.majors_title")+".xlsx", T("adm.majors_title"), []string{T("adm.col_code"), T("adm.col_major"),
			T("adm.col_years"), T("adm.col_level"), T("adm.col_occupation"), T("adm.col_skill_level"), T("adm.col_active")}, rows, sheet.Options{TextCols: []int{1, 5}})
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"majors": jsonList(list, admMajorJSON), "total": len(list)})
		return
	}
	s.show(w, r, &formPage{"adm_majors", func() (*Page, error) { return s.admMajorsPage(r, admMajorForm{}) }})
}

func admActiveKey(on bool) string {
	if on {
		return "adm.active_yes"
	}
	return "adm.active_no"
}

// admOwnMajor reads a major of the actor's school; another school's is NotFound.
func (s *Server) admOwnMajor(r *http.Request) (xiangpei.Major, error) {
	id, err := pathID(r, "major")
	if err != nil {
		return xiangpei.Major{}, err
	}
	m, err := s.db.Major(r.Context(), id)
	if err == nil && m.SchoolID != actorOf(r).OrgID {
		err = xiangpei.ErrNotFound("Major")
	}
	return m, err
}

func (s *Server) admMajorPage(r *http.Request, f *admMajorForm) *formPage {
	return &formPage{"adm_major", func() (*Page, error) {
		m, err := s.admOwnMajor(r)
		if err != nil {
			return nil, err
		}
		form := admMajorForm{Version: m.Version, Code: m.Code, Name: m.Name, Years: m.Years, Level: string(m.Level), Occupation: m.Occupation, Active: "1"}
		if !m.Active {
			form.Active = "0"
		}
		if f != nil {
			form = *f
		}
		return s.page(r, s.admT(r)("adm.major_title", m.Code), admMajorsData{Major: m, Levels: xiangpei.MajorLevels, Form: form}), nil
	}}
}

func (s *Server) admMajorShow(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		m, err := s.admOwnMajor(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, admMajorJSON(m))
		return
	}
	s.show(w, r, s.admMajorPage(r, nil))
}

func (s *Server) admMajorSave(w http.ResponseWriter, r *http.Request) {
	var f admMajorForm
	err := bind(r, &f)
	editing := r.PathValue("major") != ""
	var m xiangpei.Major
	if err == nil && editing {
		m, err = s.admOwnMajor(r)
	}
	if err == nil {
		m.Code, m.Name, m.Years, m.Level, m.Occupation = f.Code, f.Name, f.Years, xiangpei.MajorLevel(f.Level), f.Occupation
		m.SkillLevel = ""
		if editing {
			m.Active = f.Active != "0"
		}
		m, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Major, error) {
			return tx.SaveMajor(a.Scope(), m, f.Version)
		})
	}
	if err != nil {
		again := &formPage{"adm_majors", func() (*Page, error) { return s.admMajorsPage(r, f) }}
		if editing {
			again = s.admMajorPage(r, &f)
		}
		s.formError(w, r, err, again)
		return
	}
	status := http.StatusCreated
	if editing {
		status = http.StatusOK
	}
	answer(w, r, status, admMajorJSON(m), "/school/majors", "major_saved")
}

// ---- plans ----

func admPlanPathOf(id int64) string { return "/school/plans/" + strconv.FormatInt(id, 10) }

func (s *Server) admPlanJSON(r *http.Request) func(store.EnrolPlanRow) map[string]any {
	T := s.admT(r)
	return func(p store.EnrolPlanRow) map[string]any {
		return map[string]any{"id": p.ID, "school_id": p.SchoolID, "school_name": p.SchoolName, "county": p.County, "year": p.Year,
			"title": p.Title, "opens_on": xiangpei.ChinaDate(p.OpensOn), "closes_on": xiangpei.ChinaDate(p.ClosesOn),
			"max_choices": p.MaxChoices, "status": p.Status, "status_text": T("adm.plan_status." + string(p.Status)), "reason": p.Reason,
			"published": p.Published, "version": p.Version,
			"majors": jsonList(p.Figures, func(f store.EnrolFigure) map[string]any {
				return map[string]any{"major_id": f.MajorID, "code": f.Code, "name": f.Name, "level": f.Level, "years": f.Years,
					"quota": f.Places, "applied": f.Applied, "admitted": f.Admitted, "enrolled": f.Enrolled, "remaining": f.Remaining}
			})}
	}
}

func (s *Server) admPlansXLSX(w http.ResponseWriter, r *http.Request, title string, fetch func(store.Page) ([]store.EnrolPlanRow, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	T := s.admT(r)
	pl := s.places(r)
	var rows [][]any
	for _, p := range all {
		for _, f := range p.Figures {
			rows = append(rows, []any{p.SchoolName, pl.name(p.County), p.Year, p.Title, T("adm.plan_status." + string(p.Status)),
				f.Code, f.Name, f.Places, f.Applied, f.Admitted, f.Enrolled})
		}
	}
	s.download(w, r, "enrolment-plans.xlsx", T(title)+".xlsx", T(title), []string{T("adm.col_school"), T("adm.col_county"), T("adm.col_year"),
		T("adm.col_title"), T("adm.col_status"), T("adm.col_code"), T("adm.col_major"), T("adm.col_quota"), T("adm.col_applied"),
		T("adm.col_admitted"), T("adm.col_enrolled")}, rows, sheet.Options{TextCols: []int{6}})
}

type admPlansData struct {
	Items   []store.EnrolPlanRow
	Pager   *pager
	Export  string
	Who     string // "school", "officer", "review", "public"
	Majors  []xiangpei.Major
	Form    admPlanForm
	Places  places
	Region  string
	OpenNow bool
}

type admQuotaJSON struct {
	MajorID int64 `json:"major_id"`
	Places  int   `json:"places"`
}

type admPlanForm struct {
	Version     int            `json:"version"`
	Title       string         `json:"title"`
	Year        int            `json:"year"`
	OpensOn     string         `json:"opens_on"`
	ClosesOn    string         `json:"closes_on"`
	MaxChoices  int            `json:"max_choices"`
	Quotas      []admQuotaJSON `json:"quotas"`       // JSON
	QuotaMajors []string       `json:"quota_majors"` // form: the majors, with
	QuotaPlaces []string       `json:"quota_places"` // their places ("" for none)
}

// Places is the places the form gives major id, for the page.
func (f admPlanForm) Places(id int64) string {
	for i, m := range f.QuotaMajors {
		if m == strconv.FormatInt(id, 10) && i < len(f.QuotaPlaces) {
			return f.QuotaPlaces[i]
		}
	}
	for _, q := range f.Quotas {
		if q.MajorID == id {
			return strconv.Itoa(q.Places)
		}
	}
	return ""
}

func (f admPlanForm) plan() (xiangpei.EnrolPlan, error) {
	p := xiangpei.EnrolPlan{Title: f.Title, Year: f.Year, MaxChoices: f.MaxChoices}
	var ok1, ok2 error
	p.OpensOn, ok1 = time.ParseInLocation(time.DateOnly, strings.TrimSpace(f.OpensOn), xiangpei.ChinaTime)
	p.ClosesOn, ok2 = time.ParseInLocation(time.DateOnly, strings.TrimSpace(f.ClosesOn), xiangpei.ChinaTime)
	if ok1 != nil || ok2 != nil {
		return p, xiangpei.Errorf(xiangpei.Invalid, "enrolplan.window", "Give the first and last day of sign-up; the last day cannot be before the first.")
	}
	for _, q := range f.Quotas {
		p.Quotas = append(p.Quotas, xiangpei.Quota{MajorID: q.MajorID, Places: q.Places})
	}
	for i, m := range f.QuotaMajors {
		if i >= len(f.QuotaPlaces) || strings.TrimSpace(f.QuotaPlaces[i]) == "" {
			continue
		}
		id, err1 := strconv.ParseInt(m, 10, 64)
		n, err2 := strconv.Atoi(strings.TrimSpace(f.QuotaPlaces[i]))
		if err1 != nil || err2 != nil {
			return p, xiangpei.Errorf(xiangpei.Invalid, "enrolplan.quota", "Each quota is a number of places from 1 to 5000.")
		}
		p.Quotas = append(p.Quotas, xiangpei.Quota{MajorID: id, Places: n})
	}
	return p, nil
}

func (s *Server) admSchoolPlansPage(r *http.Request, f admPlanForm) (*Page, error) {
	a := actorOf(r)
	n, pg := listPage(r, admPerPage)
	list, total, err := s.db.EnrolPlans(r.Context(), a.Scope(), store.EnrolPlanFilter{}, pg)
	if err != nil {
		return nil, err
	}
	majors, err := s.db.Majors(r.Context(), a.OrgID, true)
	if err != nil {
		return nil, err
	}
	if f.Year == 0 {
		f.Year = s.now().In(xiangpei.ChinaTime).Year()
		f.MaxChoices = xiangpei.DefaultMaxChoices
	}
	return s.page(r, s.admT(r)("adm.plans_title"), admPlansData{Items: list, Pager: pagerOf(r, n, total, admPerPage), Export: exportLink(r),
		Who: "school", Majors: majors, Form: f}), nil
}

func (s *Server) admSchoolPlans(w http.ResponseWriter, r *http.Request) {
	s.admPlanList(w, r, "adm.plans_title", "school", store.EnrolPlanFilter{})
}

func (s *Server) admOfficerPlans(w http.ResponseWriter, r *http.Request) {
	s.admPlanList(w, r, "adm.officer_title", "officer", store.EnrolPlanFilter{})
}

func (s *Server) admReviewQueue(w http.ResponseWriter, r *http.Request) {
	s.admPlanList(w, r, "adm.review_title", "review", store.EnrolPlanFilter{Status: xiangpei.EnrolSubmitted})
}

func (s *Server) admPlanList(w http.ResponseWriter, r *http.Request, title, who string, f store.EnrolPlanFilter) {
	a := actorOf(r)
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil {
		f.Year = y
	}
	fetch := func(pg store.Page) ([]store.EnrolPlanRow, int, error) {
		return s.db.EnrolPlans(r.Context(), a.Scope(), f, pg)
	}
	list, pages, ok := listAnswer(s, w, r, admPerPage, "plans", title, fetch, s.admPlanJSON(r), s.admPlansXLSX)
	if !ok {
		return
	}
	if who == "school" {
		s.show(w, r, &formPage{"adm_plans", func() (*Page, error) { return s.admSchoolPlansPage(r, admPlanForm{}) }})
		return
	}
	s.render(w, r, http.StatusOK, "adm_plans", s.page(r, s.admT(r)(title), admPlansData{Items: list, Pager: pages, Export: exportLink(r), Who: who, Places: s.places(r)}))
}

type admPlanData struct {
	P         store.EnrolPlanRow
	School    bool // the plan's school's staff
	Approver  bool // the city's officer, for a submitted plan
	Editable  bool
	Majors    []xiangpei.Major
	Form      admPlanForm
	Public    bool
	Person    bool
	Open      bool
	Educ      []xiangpei.Education
	Choices   []int
	Places    places
	Import    *admImportData
	ApplyForm admApplyForm
}

func (s *Server) admPlanPage(r *http.Request, f *admPlanForm) *formPage {
	return &formPage{"adm_plan", func() (*Page, error) {
		a := actorOf(r)
		p, _, err := pathObject(r, "enrolplan", a.Scope(), s.db.EnrolPlan)
		if err != nil {
			return nil, err
		}
		d := admPlanData{P: p, School: a.Role == xiangpei.RoleSchool && a.OrgID == p.SchoolID, Places: s.places(r),
			Approver: p.Status == xiangpei.EnrolSubmitted && store.MayApproveEnrolPlans(a)}
		d.Editable = d.School && p.Status.Editable()
		if d.Editable {
			if d.Majors, err = s.db.Majors(r.Context(), p.SchoolID, true); err != nil {
				return nil, err
			}
			form := admPlanForm{Version: p.Version, Title: p.Title, Year: p.Year, OpensOn: xiangpei.ChinaDate(p.OpensOn),
				ClosesOn: xiangpei.ChinaDate(p.ClosesOn), MaxChoices: p.MaxChoices}
			for _, q := range p.Quotas {
				form.Quotas = append(form.Quotas, admQuotaJSON{MajorID: q.MajorID, Places: q.Places})
			}
			if f != nil {
				form = *f
			}
			d.Form = form
		}
		return s.page(r, p.Title+" · "+p.SchoolName, d), nil
	}}
}

func (s *Server) admPlanShow(w http.ResponseWriter, r *http.Request) {
	showObject(s, w, r, "enrolplan", s.db.EnrolPlan, s.admPlanJSON(r), s.admPlanPage(r, nil))
}

func (s *Server) admPlanSave(w http.ResponseWriter, r *http.Request) {
	var f admPlanForm
	err := bind(r, &f)
	editing := r.PathValue("enrolplan") != ""
	var id int64
	if err == nil && editing {
		_, id, err = pathObject(r, "enrolplan", actorOf(r).Scope(), s.db.EnrolPlan)
	}
	var p store.EnrolPlanRow
	if err == nil {
		var in xiangpei.EnrolPlan
		if in, err = f.plan(); err == nil {
			in.ID = id
			p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.EnrolPlanRow, error) {
				return tx.SaveEnrolPlan(a.Scope(), in, f.Version)
			})
		}
	}
	if err != nil {
		again := &formPage{"adm_plans", func() (*Page, error) { return s.admSchoolPlansPage(r, f) }}
		if editing {
			again = s.admPlanPage(r, &f)
		}
		s.formError(w, r, err, again)
		return
	}
	status := http.StatusCreated
	if editing {
		status = http.StatusOK
	}
	answer(w, r, status, s.admPlanJSON(r)(p), admPlanPathOf(p.ID), "enrolplan_saved")
}

type admPlanMoveForm struct {
	Version int    `json:"version"`
	Action  string `json:"action"`
	Reason  string `json:"reason"`
}

// admPlanMove submits (the school) or reviews (the city's officer) a plan.
func (s *Server) admPlanMove(w http.ResponseWriter, r *http.Request) {
	var f admPlanMoveForm
	_, id, err := pathObject(r, "enrolplan", actorOf(r).Scope(), s.db.EnrolPlan)
	if err == nil {
		err = bind(r, &f)
	}
	act := xiangpei.EnrolPlanAction(f.Action)
	if strings.HasSuffix(r.URL.Path, "/submit") {
		act = xiangpei.EnrolSubmit
	} else if act == xiangpei.EnrolSubmit {
		act = "" // the review route only approves or returns
	}
	var p store.EnrolPlanRow
	if err == nil {
		p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.EnrolPlanRow, error) {
			return tx.MoveEnrolPlan(a.Scope(), id, f.Version, act, f.Reason)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.admPlanPage(r, nil))
		return
	}
	to := admPlanPathOf(p.ID)
	if act != xiangpei.EnrolSubmit {
		to = "/school-plans/review"
	}
	answer(w, r, http.StatusOK, s.admPlanJSON(r)(p), to, "enrolplan_"+string(act))
}

func (s *Server) admPlanPublish(w http.ResponseWriter, r *http.Request) {
	p, id, err := pathObject(r, "enrolplan", actorOf(r).Scope(), s.db.EnrolPlan)
	if err == nil {
		p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.EnrolPlanRow, error) {
			return tx.PublishAdmissions(a.Scope(), id)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.admPlanPage(r, nil))
		return
	}
	answer(w, r, http.StatusOK, s.admPlanJSON(r)(p), admPlanPathOf(p.ID), "enrolplan_published")
}

// ---- public ----

func (s *Server) admPublicPlans(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	region := strings.TrimSpace(q.Get("region"))
	if len(region) != 6 {
		region = ""
	}
	openNow := q.Get("all") == ""
	fetch := func(pg store.Page) ([]store.EnrolPlanRow, int, error) {
		return s.db.OpenEnrolPlans(r.Context(), region, openNow, pg)
	}
	list, pages, ok := listAnswer(s, w, r, admPerPage, "plans", "adm.public_title", fetch, s.admPlanJSON(r), s.admPlansXLSX)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "adm_plans", s.page(r, s.admT(r)("adm.public_title"), admPlansData{Items: list, Pager: pages,
		Export: exportLink(r), Who: "public", Places: s.places(r), Region: region, OpenNow: openNow}))
}

type admApplyForm struct {
	PlanID    int64    `json:"plan_id"`
	Choices   []string `json:"choices"` // major ids in order of preference; "" skipped
	Education string   `json:"education"`
	Documents string   `json:"documents"`
}

func (s *Server) admPublicPlanPage(r *http.Request, id int64, f admApplyForm) (*Page, error) {
	p, err := s.db.PublicEnrolPlan(r.Context(), id)
	if err != nil {
		return nil, err
	}
	a := actorOf(r)
	d := admPlanData{P: p, Public: true, Person: a.Role == xiangpei.RolePerson, Open: p.Open(s.now()),
		Educ: xiangpei.Educations, Places: s.places(r), ApplyForm: f}
	for i := range p.MaxChoices {
		d.Choices = append(d.Choices, i)
	}
	return s.page(r, p.Title+" · "+p.SchoolName, d), nil
}

func (s *Server) admPublicPlan(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		p, err := s.db.PublicEnrolPlan(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m := s.admPlanJSON(r)(p)
		m["open"] = p.Open(s.now())
		writeJSON(w, http.StatusOK, m)
		return
	}
	s.show(w, r, &formPage{"adm_plan", func() (*Page, error) { return s.admPublicPlanPage(r, id, admApplyForm{}) }})
}

// ---- applications ----

func (s *Server) admAppJSON(r *http.Request) func(store.SchoolAppRow) map[string]any {
	T := s.admT(r)
	return func(x store.SchoolAppRow) map[string]any {
		return map[string]any{"id": x.ID, "plan_id": x.PlanID, "plan_title": x.PlanTitle, "year": x.PlanYear, "published": x.Published,
			"school_id": x.SchoolID, "school_name": x.SchoolName, "person_name": x.PersonName, "id_number": x.MaskedID,
			"education": x.Education, "education_text": T("adm.edu." + string(x.Education)), "documents": x.Documents,
			"status": x.Status, "status_text": T("adm.app_status." + string(x.Status)), "major_id": x.MajorID, "major_code": x.MajorCode,
			"major_name": x.MajorName, "reason": x.Reason, "student_id": x.StudentID, "applied_at": x.AppliedAt, "version": x.Version,
			"choices": jsonList(x.Choices, func(c store.EnrolFigure) map[string]any {
				return map[string]any{"major_id": c.MajorID, "code": c.Code, "name": c.Name}
			})}
	}
}

func (s *Server) admAppsXLSX(w http.ResponseWriter, r *http.Request, title string, fetch func(store.Page) ([]store.SchoolAppRow, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	T := s.admT(r)
	rows := make([][]any, 0, len(all))
	for _, x := range all {
		var ch []string
		for _, c := range x.Choices {
			ch = append(ch, c.Code+" "+c.Name)
		}
		rows = append(rows, []any{strconv.FormatInt(x.ID, 10), x.SchoolName, x.PlanTitle, x.PersonName, x.MaskedID, T("adm.edu." + string(x.Education)),
			strings.Join(ch, "；"), T("adm.app_status." + string(x.Status)), strings.TrimSpace(x.MajorCode + " " + x.MajorName), x.Reason,
			x.AppliedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")})
	}
	s.download(w, r, "school-applications.xlsx", T(title)+".xlsx", T(title), []string{T("adm.col_id"), T("adm.col_school"), T("adm.col_title"),
		T("adm.col_person"), T("adm.col_id_number"), T("adm.col_education"), T("adm.col_choices"), T("adm.col_status"), T("adm.col_admitted_major"),
		T("adm.col_reason"), T("adm.col_applied_at")}, rows, sheet.Options{TextCols: []int{1, 5}})
}

type admAppsData struct {
	Items    []store.SchoolAppRow
	Pager    *pager
	Export   string
	Who      string // "school", "officer", "person"
	Plan     store.EnrolPlanRow
	Statuses []xiangpei.SchoolAppStatus
	Status   string
}

func (s *Server) admPlanApps(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	p, _, err := pathObject(r, "enrolplan", a.Scope(), s.db.EnrolPlan)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st := xiangpei.SchoolAppStatus(r.URL.Query().Get("status"))
	if !st.Valid() {
		st = ""
	}
	fetch := func(pg store.Page) ([]store.SchoolAppRow, int, error) {
		return s.db.SchoolApps(r.Context(), a.Scope(), store.SchoolAppFilter{PlanID: p.ID, Status: st}, pg)
	}
	list, pages, ok := listAnswer(s, w, r, admPerPage, "applications", "adm.apps_title", fetch, s.admAppJSON(r), s.admAppsXLSX)
	if !ok {
		return
	}
	who := "officer"
	if a.Role == xiangpei.RoleSchool {
		who = "school"
	}
	s.render(w, r, http.StatusOK, "adm_apps", s.page(r, s.admT(r)("adm.apps_title")+" · "+p.Title, admAppsData{Items: list, Pager: pages,
		Export: exportLink(r), Who: who, Plan: p, Statuses: xiangpei.SchoolAppStatuses, Status: string(st)}))
}

func (s *Server) admMyAppsPage(r *http.Request) (*Page, error) {
	n, pg := listPage(r, admPerPage)
	list, total, err := s.db.SchoolApps(r.Context(), actorOf(r).Scope(), store.SchoolAppFilter{}, pg)
	if err != nil {
		return nil, err
	}
	return s.page(r, s.admT(r)("adm.mine_title"), admAppsData{Items: list, Pager: pagerOf(r, n, total, admPerPage), Export: exportLink(r), Who: "person"}), nil
}

func (s *Server) admMyApps(w http.ResponseWriter, r *http.Request) {
	fetch := func(pg store.Page) ([]store.SchoolAppRow, int, error) {
		return s.db.SchoolApps(r.Context(), actorOf(r).Scope(), store.SchoolAppFilter{}, pg)
	}
	if _, _, ok := listAnswer(s, w, r, admPerPage, "applications", "adm.mine_title", fetch, s.admAppJSON(r), s.admAppsXLSX); !ok {
		return
	}
	s.show(w, r, &formPage{"adm_apps", func() (*Page, error) { return s.admMyAppsPage(r) }})
}

func (s *Server) admApply(w http.ResponseWriter, r *http.Request) {
	var f admApplyForm
	err := bind(r, &f)
	in := xiangpei.SchoolApplication{PlanID: f.PlanID, Education: xiangpei.Education(f.Education), Documents: f.Documents}
	for _, c := range f.Choices {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		id, perr := strconv.ParseInt(c, 10, 64)
		if perr != nil && err == nil {
			err = xiangpei.Errorf(xiangpei.Invalid, "schoolapp.choice_unknown", "Choose majors of this plan only.")
		}
		in.Choices = append(in.Choices, id)
	}
	var x store.SchoolAppRow
	if err == nil {
		x, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.SchoolAppRow, error) { return tx.ApplySchool(a.Scope(), in) })
	}
	if err != nil {
		var again *formPage
		if f.PlanID > 0 {
			again = &formPage{"adm_plan", func() (*Page, error) { return s.admPublicPlanPage(r, f.PlanID, f) }}
		}
		s.formError(w, r, err, again)
		return
	}
	answer(w, r, http.StatusCreated, s.admAppJSON(r)(x), "/me/school-applications", "schoolapp_filed")
}

type admAppMoveForm struct {
	Version int    `json:"version"`
	Action  string `json:"action"`
	MajorID int64  `json:"major_id"`
	Reason  string `json:"reason"`
}

// admAppMove: the school admits or rejects; the applicant withdraws, confirms or declines.
func (s *Server) admAppMove(w http.ResponseWriter, r *http.Request) {
	var f admAppMoveForm
	a := actorOf(r)
	id, err := pathID(r, "schoolapp")
	if err == nil {
		err = bind(r, &f)
	}
	var x store.SchoolAppRow
	if err == nil {
		x, err = s.db.SchoolApp(r.Context(), a.Scope(), id)
	}
	act := xiangpei.SchoolAppAction(f.Action)
	school := a.Role == xiangpei.RoleSchool
	if err == nil && school != (act == xiangpei.SchoolAppAdmit || act == xiangpei.SchoolAppReject) {
		err = xiangpei.Errorf(xiangpei.Invalid, "schoolapp.action", "Unknown move of an application.")
	}
	if err == nil {
		x, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.SchoolAppRow, error) {
			return tx.MoveSchoolApp(a.Scope(), id, f.Version, store.SchoolAppMove{Action: act, MajorID: f.MajorID, Reason: f.Reason})
		})
	}
	back := "/me/school-applications"
	if school {
		back = admPlanPathOf(x.PlanID) + "/applications"
	}
	if err != nil {
		var again *formPage
		if school && x.PlanID != 0 {
			again = &formPage{"adm_apps", func() (*Page, error) {
				p, err := s.db.EnrolPlan(r.Context(), a.Scope(), x.PlanID)
				if err != nil {
					return nil, err
				}
				list, total, err := s.db.SchoolApps(r.Context(), a.Scope(), store.SchoolAppFilter{PlanID: p.ID}, store.Page{Limit: admPerPage})
				if err != nil {
					return nil, err
				}
				return s.page(r, s.admT(r)("adm.apps_title")+" · "+p.Title, admAppsData{Items: list, Pager: pagerOf(r, 1, total, admPerPage),
					Who: "school", Plan: p, Statuses: xiangpei.SchoolAppStatuses}), nil
			}}
		} else if !school {
			again = &formPage{"adm_apps", func() (*Page, error) { return s.admMyAppsPage(r) }}
		}
		s.formError(w, r, err, again)
		return
	}
	answer(w, r, http.StatusOK, s.admAppJSON(r)(x), back, "schoolapp_"+string(act))
}

// ---- admission list import ----

var admAdmissionColumns = []sheet.Column{
	{Key: "id", Names: []string{"身份证号", "公民身份号码", "身份证号码", "ID number"}, Required: true, Kind: sheet.Number},
	{Key: "name", Names: []string{"姓名", "Name"}, Required: true},
	{Key: "major", Names: []string{"专业代码", "Major code"}, Required: true, Kind: sheet.Number},
}

func admAdmissionLimits() sheet.Limits {
	lim := sheet.DefaultLimits()
	lim.MaxRows = store.MaxAdmissionLines
	return lim
}

func admAdmissionLines(data []byte, name string) ([]store.AdmissionLine, error) {
	tb, err := sheet.Read(strings.NewReader(string(data)), name, admAdmissionLimits(), admAdmissionColumns)
	if err != nil {
		return nil, err
	}
	lines := make([]store.AdmissionLine, 0, len(tb.Rows))
	for _, row := range tb.Rows {
		lines = append(lines, store.AdmissionLine{Line: row.Line, IDNumber: row.Values["id"], Name: row.Values["name"], MajorCode: row.Values["major"]})
	}
	return lines, nil
}

type admImportLine struct {
	Line     int
	Name     string
	MaskedID string
	Major    string
	Reasons  []string
}

type admImportData struct {
	Name    string
	Upload  int64
	Good    int
	Refused []admImportLine
}

func (s *Server) admImportCheck(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	p, _, err := pathObject(r, "enrolplan", a.Scope(), s.db.EnrolPlan)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ac, u, err := dryRun(s, r, admAdmissionLimits().MaxBytes,
		xiangpei.Errorf(xiangpei.Invalid, "enrolimport.no_file", "Choose the admission list (.xlsx or .csv) to upload."), admAdmissionLines,
		store.Upload{Purpose: store.UploadAdmissions, ClassID: p.ID, OrgID: p.SchoolID},
		func(tx *store.Tx, a xiangpei.Actor, u store.Upload, lines []store.AdmissionLine) (store.AdmissionCheck, error) {
			return tx.CheckAdmissions(a.Scope(), p.ID, lines)
		})
	if err != nil {
		s.formError(w, r, err, s.admPlanPage(r, nil))
		return
	}
	lang := stateOf(r).lang
	d := admImportData{Name: u.Name, Upload: u.ID, Good: ac.Good}
	for _, l := range ac.Lines {
		if len(l.Reasons) > 0 {
			v := admImportLine{Line: l.Line, Name: l.Name, MaskedID: xiangpei.IDNumber(strings.TrimSpace(l.IDNumber)).Masked(), Major: l.MajorCode}
			for _, e := range l.Reasons {
				v.Reasons = append(v.Reasons, s.msg.Error(lang, e))
			}
			d.Refused = append(d.Refused, v)
		}
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"plan_id": p.ID, "upload_id": u.ID, "good": ac.Good, "refused": ac.Refused,
			"rows": jsonList(d.Refused, func(l admImportLine) map[string]any {
				return map[string]any{"line": l.Line, "name": l.Name, "id_number": l.MaskedID, "major_code": l.Major, "reasons": l.Reasons}
			}),
			"commit": "/api/v1/school/plans/" + strconv.FormatInt(p.ID, 10) + "/import/" + strconv.FormatInt(u.ID, 10) + "/commit"})
		return
	}
	pg, err := s.admPlanPage(r, nil).build()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pd := pg.Data.(admPlanData)
	pd.Import = &d
	pg.Data = pd
	s.render(w, r, http.StatusOK, "adm_plan", pg)
}

func (s *Server) admImportCommit(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	p, _, err := pathObject(r, "enrolplan", a.Scope(), s.db.EnrolPlan)
	var upload int64
	if err == nil {
		upload, err = pathID(r, "id")
	}
	var n int
	if err == nil {
		n, err = commitKept(s, r, upload, store.UploadAdmissions, p.ID, admAdmissionLines,
			func(tx *store.Tx, a xiangpei.Actor, lines []store.AdmissionLine) (int, error) {
				return tx.CommitAdmissions(a.Scope(), p.ID, upload, lines)
			})
	}
	if err != nil {
		s.formError(w, r, err, s.admPlanPage(r, nil))
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"plan_id": p.ID, "upload_id": upload, "admitted": n}, admPlanPathOf(p.ID)+"/applications", "enrolplan_imported")
}

// CountyName is the full name of a county, for the page.
func (d admPlansData) CountyName(code string) string { return d.Places.name(code) }

// CountyName is the full name of a county, for the page.
func (d admPlanData) CountyName(code string) string { return d.Places.name(code) }
