package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 评 — assessment plans (认定计划, SPEC §5): the assessment body's list, form and plan page with
// its actions (announce, cancel, publish), candidates (accept, refuse, withdraw, add by ID
// number), scores by hand or by import (assessments_import.go); officers of the body's region
// read them. The public portal of open plans with sign-up is in assessments_portal.go. Every
// page has its JSON twin under /api/v1; every list exports to Excel with ?format=xlsx.

const plansPerPage = 20

// candidatesPerPage is the page size of a plan's candidates.
const candidatesPerPage = 100

func (s *Server) registerAssessmentRoutes() {
	body := Roles(xiangpei.RoleAssessor)
	reader := Roles(xiangpei.RoleAssessor, xiangpei.RoleOfficer, xiangpei.RoleAdmin)

	s.handleBoth("GET /assessments", "/api/v1/assessments", reader, s.planList)
	s.handle("GET /assessments/new", body, s.planNewForm)
	s.handleBoth("POST /assessments", "/api/v1/assessments", body, s.planCreate)
	s.handle("GET /api/v1/assessments/classes", body, s.planClassesJSON)
	s.handleBoth("GET /assessments/{plan}", "/api/v1/assessments/{plan}", reader, s.planShow)
	s.handle("GET /assessments/{plan}/edit", body, s.planEditForm)
	s.handleBoth("POST /assessments/{plan}", "/api/v1/assessments/{plan}", body, s.planUpdate)
	for _, act := range []xiangpei.PlanAction{xiangpei.PlanAnnounce, xiangpei.PlanCancel, xiangpei.PlanPublish} {
		s.handleBoth("POST /assessments/{plan}/"+string(act), "/api/v1/assessments/{plan}/"+string(act), body, s.planMove(act))
	}
	s.handleBoth("POST /assessments/{plan}/candidates", "/api/v1/assessments/{plan}/candidates", body, s.candidateAdd)
	for _, act := range []xiangpei.CandidateAction{xiangpei.CandidateAccept, xiangpei.CandidateReject, xiangpei.CandidateWithdraw} {
		s.handleBoth("POST /assessments/{plan}/candidates/{candidate}/"+string(act),
			"/api/v1/assessments/{plan}/candidates/{candidate}/"+string(act), body, s.candidateMove(act))
	}
	s.handleBoth("POST /assessments/{plan}/scores", "/api/v1/assessments/{plan}/scores", body, s.planScores)
	s.handle("GET /assessments/{plan}/import", body, s.resultsImportPage)
	s.handleBoth("POST /assessments/{plan}/import", "/api/v1/assessments/{plan}/import", body, s.resultsImportCheck)
	s.handleBoth("POST /assessments/{plan}/import/{id}/commit", "/api/v1/assessments/{plan}/import/{id}/commit", body, s.resultsImportCommit)
	s.handle("GET /assessments/results-template.xlsx", body, s.resultsTemplate)

	s.registerExamRoutes()
}

// planReach is how far an actor reads plans: administrators other than the system
// administrator (the security administrator, the auditor) read none.
func planReach(a xiangpei.Actor) xiangpei.Scope {
	if a.Role == xiangpei.RoleAdmin && !a.Can(xiangpei.DutySysAdmin) {
		return xiangpei.Scope{PersonID: -1}
	}
	return a.Scope()
}

func planPath(id int64) string { return "/assessments/" + strconv.FormatInt(id, 10) }

// points shows tenths of a point as a JSON number of points.
func planPoints(tenths int) float64 { return float64(tenths) / 10 }

func planJSON(p xiangpei.Plan) map[string]any {
	m := map[string]any{"id": p.ID, "org_id": p.OrgID, "org_name": p.OrgName, "county": p.County,
		"occupation_code": p.OccupationCode, "occupation_name": p.OccupationName, "level": p.Level, "cert_kind": p.CertKind(),
		"mode": p.Mode, "class_id": p.ClassID, "exam_at": p.ExamAt, "venue": p.Venue, "capacity": p.Capacity,
		"pass_theory": planPoints(p.PassTheory), "pass_practical": planPoints(p.PassPractical), "status": p.Status,
		"published_at": classTime(p.PublishedAt), "candidates": p.Candidates, "passed": p.Passed,
		"places_left": max(0, p.Capacity-p.Candidates), "created_at": p.CreatedAt, "updated_at": p.UpdatedAt, "version": p.Version}
	if p.Examiners != nil {
		m["examiners"] = jsonList(p.Examiners, func(e xiangpei.Examiner) map[string]any {
			return map[string]any{"name": e.Name, "id_number": e.IDNumber.Masked()}
		})
	}
	return m
}

func candidateJSON(c store.CandidateRow) map[string]any {
	var theory, practical any
	if c.Scored && c.Result != xiangpei.ResultAbsent {
		theory, practical = planPoints(c.Theory), planPoints(c.Practical)
	}
	return map[string]any{"id": c.ID, "plan_id": c.PlanID, "person_id": c.PersonID, "name": c.Name,
		"id_number": c.IDNumber.Masked(), "class_id": c.ClassID, "source": c.Source, "status": c.Status, "reason": c.Reason,
		"scored": c.Scored, "theory": theory, "practical": practical, "result": c.Result, "certificate_id": c.CertificateID,
		"certificate_number": c.CertNumber, "updated_at": c.UpdatedAt, "version": c.Version}
}

// ---- the list ----

type planListData struct {
	Status, Occupation, Year string
	Statuses                 []xiangpei.PlanStatus
	Plans                    []xiangpei.Plan
	N                        *classNames
	CanPlan                  bool
	Pager                    *pager
	Export                   string
}

func planFilterOf(r *http.Request) store.PlanFilter {
	q := r.URL.Query()
	f := store.PlanFilter{Status: xiangpei.PlanStatus(q.Get("status")), Occupation: strings.TrimSpace(q.Get("occupation"))}
	if !f.Status.Valid() {
		f.Status = ""
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y > 2000 && y < 3000 {
		f.Year = y
	}
	return f
}

func (s *Server) planList(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	f := planFilterOf(r)
	lang := stateOf(r).lang
	if wantsXLSX(r) {
		all, err := exportAll(func(pg store.Page) ([]xiangpei.Plan, int, error) {
			return s.db.Plans(r.Context(), planReach(a), f, pg)
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		names := s.classNamesFor(r, 0)
		T := func(k string) string { return s.msg.T(lang, k) }
		header := []string{T("assess.col_exam_at"), T("assess.col_body"), T("assess.col_occupation_code"), T("assess.col_occupation"),
			T("assess.col_level"), T("assess.col_mode"), T("assess.col_venue"), T("assess.col_status"), T("assess.col_candidates"),
			T("assess.col_capacity"), T("assess.col_passed")}
		rows := make([][]any, 0, len(all))
		for _, p := range all {
			rows = append(rows, []any{p.ExamAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"), p.OrgName, p.OccupationCode,
				p.OccupationName, names.Level(p.Level), T("assess.mode." + string(p.Mode)), p.Venue, T("assess.status." + string(p.Status)),
				p.Candidates, p.Capacity, p.Passed})
		}
		s.download(w, r, "assessments.xlsx", T("assess.export_name")+".xlsx", T("assess.list_title"), header, rows, sheet.Options{})
		return
	}
	n, pg := listPage(r, plansPerPage)
	list, total, err := s.db.Plans(r.Context(), planReach(a), f, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"plans": jsonList(list, planJSON), "total": total, "page": n, "per_page": plansPerPage})
		return
	}
	d := planListData{Status: string(f.Status), Occupation: f.Occupation, Statuses: xiangpei.PlanStatuses, Plans: list,
		N: s.classNamesFor(r, 0), CanPlan: a.Role == xiangpei.RoleAssessor, Pager: pagerOf(r, n, total, plansPerPage), Export: exportLink(r)}
	if f.Year != 0 {
		d.Year = strconv.Itoa(f.Year)
	}
	s.render(w, r, http.StatusOK, "assessments", s.page(r, s.msg.T(lang, "assess.list_title"), d))
}

// ---- the form ----

type planForm struct {
	OccupationCode string   `json:"occupation_code"`
	Level          string   `json:"level"`
	Mode           string   `json:"mode"`
	ClassID        int64    `json:"class_id"`
	ExamDate       string   `json:"exam_date"` // YYYY-MM-DD, China time
	ExamTime       string   `json:"exam_time"` // HH:MM
	Venue          string   `json:"venue"`
	Capacity       int      `json:"capacity"`
	PassTheory     string   `json:"pass_theory"` // points; "" is 60
	PassPractical  string   `json:"pass_practical"`
	ExaminerNames  []string `json:"examiner_names"`
	ExaminerIDs    []string `json:"examiner_ids"`
	Version        int64    `json:"version"`
}

func planFormOf(p xiangpei.Plan) planForm {
	local := p.ExamAt.In(xiangpei.ChinaTime)
	f := planForm{OccupationCode: p.OccupationCode, Level: p.Level, Mode: string(p.Mode), ClassID: p.ClassID,
		ExamDate: local.Format(time.DateOnly), ExamTime: local.Format("15:04"), Venue: p.Venue, Capacity: p.Capacity,
		PassTheory: xiangpei.FormatScore(p.PassTheory), PassPractical: xiangpei.FormatScore(p.PassPractical), Version: p.Version}
	for _, e := range p.Examiners {
		f.ExaminerNames = append(f.ExaminerNames, e.Name)
		f.ExaminerIDs = append(f.ExaminerIDs, string(e.IDNumber))
	}
	return f
}

// input turns the form into a plan's input; a bad date or pass mark is an error.
func (f planForm) input() (xiangpei.PlanInput, error) {
	in := xiangpei.PlanInput{OccupationCode: strings.TrimSpace(f.OccupationCode), Level: strings.TrimSpace(f.Level),
		Mode: xiangpei.PlanMode(f.Mode), ClassID: f.ClassID, Venue: f.Venue, Capacity: f.Capacity}
	if strings.TrimSpace(f.ExamDate) != "" {
		t := strings.TrimSpace(f.ExamTime)
		if t == "" {
			t = "09:00"
		}
		at, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(f.ExamDate)+" "+t, xiangpei.ChinaTime)
		if err != nil {
			return in, xiangpei.Errorf(xiangpei.Invalid, "assess.exam_format", "Give the date of the assessment as YYYY-MM-DD and its time as HH:MM.")
		}
		in.ExamAt = at
	}
	for _, m := range []struct {
		raw string
		to  *int
	}{{f.PassTheory, &in.PassTheory}, {f.PassPractical, &in.PassPractical}} {
		if strings.TrimSpace(m.raw) == "" {
			continue
		}
		v, err := xiangpei.ParseScore(m.raw)
		if err != nil {
			return in, xiangpei.Errorf(xiangpei.Invalid, "plan.pass_mark", "A pass mark is between 0 and 100 points.")
		}
		if v == 0 {
			v = -1 // a pass mark of 0 is kept as typed rather than read as the default
		}
		*m.to = v
	}
	for i, name := range f.ExaminerNames {
		id := ""
		if i < len(f.ExaminerIDs) {
			id = sheet.Fold(f.ExaminerIDs[i])
		}
		name = strings.TrimSpace(name)
		if name == "" && id == "" {
			continue
		}
		in.Examiners = append(in.Examiners, xiangpei.Examiner{Name: name, IDNumber: xiangpei.IDNumber(id)})
	}
	return in, nil
}

// planInput reads the form and fixes the "0 points" marker.
func planInput(f planForm) (xiangpei.PlanInput, error) {
	in, err := f.input()
	for _, m := range []*int{&in.PassTheory, &in.PassPractical} {
		if *m == -1 {
			*m = 0
			if err == nil {
				err = xiangpei.Errorf(xiangpei.Invalid, "assess.pass_zero", "A pass mark of 0 would pass everyone: give a pass mark above 0.")
			}
		}
	}
	return in, err
}

type planOption struct{ Value, Label string }

type planFormData struct {
	Plan      xiangpei.Plan
	F         planForm
	Action    string
	Levels    []planOption
	Classes   []planOption
	Examiners []struct{ Name, ID string }
}

func (s *Server) planFormPage(r *http.Request, p xiangpei.Plan, f planForm) (*Page, error) {
	a := actorOf(r)
	d := planFormData{Plan: p, F: f, Action: "/assessments"}
	if p.ID != 0 {
		d.Action = planPath(p.ID)
	}
	levels, err := s.db.ListSkillLevels(r.Context())
	if err != nil {
		return nil, err
	}
	en := regEnglish(r)
	for _, l := range levels {
		name := l.NameZh
		if en && l.NameEn != "" {
			name = l.NameEn
		}
		d.Levels = append(d.Levels, planOption{l.Code, name})
	}
	names := s.classNamesFor(r, 0)
	classes, err := s.db.ClosedClasses(r.Context(), a.Scope(), a.OrgID, "", "")
	if err != nil {
		return nil, err
	}
	for _, c := range classes {
		d.Classes = append(d.Classes, planOption{strconv.FormatInt(c.ID, 10), s.msg.T(stateOf(r).lang, "assess.class_option", c.Name, c.OrgName,
			c.OccupationCode, names.Level(c.Level), xiangpei.ChinaDate(c.LastSession), c.Completers)})
	}
	for i := 0; i < max(4, len(f.ExaminerNames)+1); i++ {
		var e struct{ Name, ID string }
		if i < len(f.ExaminerNames) {
			e.Name = f.ExaminerNames[i]
		}
		if i < len(f.ExaminerIDs) {
			e.ID = f.ExaminerIDs[i]
		}
		d.Examiners = append(d.Examiners, e)
	}
	title := s.msg.T(stateOf(r).lang, "assess.new_title")
	if p.ID != 0 {
		title = s.msg.T(stateOf(r).lang, "assess.edit_title")
	}
	return s.page(r, title, d), nil
}

func (s *Server) planNewForm(w http.ResponseWriter, r *http.Request) {
	f := planForm{Mode: string(xiangpei.PlanOpenMode), Level: "5", Capacity: 30, PassTheory: "60", PassPractical: "60", ExamTime: "09:00"}
	s.show(w, r, &formPage{"assessment_form", func() (*Page, error) { return s.planFormPage(r, xiangpei.Plan{}, f) }})
}

func (s *Server) planCreate(w http.ResponseWriter, r *http.Request) {
	var f planForm
	var p xiangpei.Plan
	err := bind(r, &f)
	if err == nil {
		var in xiangpei.PlanInput
		if in, err = planInput(f); err == nil {
			p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Plan, error) {
				return tx.CreatePlan(a.Scope(), a.OrgID, in)
			})
		}
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"assessment_form", func() (*Page, error) { return s.planFormPage(r, xiangpei.Plan{}, f) }})
		return
	}
	answer(w, r, http.StatusCreated, planJSON(p), planPath(p.ID), "plan_created")
}

// planOf reads the plan of the {plan} parameter within the actor's scope.
func (s *Server) planOf(r *http.Request) (xiangpei.Plan, error) {
	id, err := pathID(r, "plan")
	if err != nil {
		return xiangpei.Plan{}, err
	}
	return s.db.Plan(r.Context(), planReach(actorOf(r)), id)
}

func (s *Server) planEditForm(w http.ResponseWriter, r *http.Request) {
	p, err := s.planOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, &formPage{"assessment_form", func() (*Page, error) { return s.planFormPage(r, p, planFormOf(p)) }})
}

func (s *Server) planUpdate(w http.ResponseWriter, r *http.Request) {
	p, err := s.planOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f planForm
	if err = bind(r, &f); err == nil {
		var in xiangpei.PlanInput
		if in, err = planInput(f); err == nil {
			p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Plan, error) {
				return tx.UpdatePlan(a.Scope(), p.ID, f.Version, in)
			})
		}
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"assessment_form", func() (*Page, error) { return s.planFormPage(r, p, f) }})
		return
	}
	answer(w, r, http.StatusOK, planJSON(p), planPath(p.ID), "plan_saved")
}

// planClassesJSON lists the closed classes the body may schedule a plan for, of an occupation
// and level when given.
func (s *Server) planClassesJSON(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	q := r.URL.Query()
	list, err := s.db.ClosedClasses(r.Context(), a.Scope(), a.OrgID, strings.TrimSpace(q.Get("occupation")), strings.TrimSpace(q.Get("level")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"classes": jsonList(list, func(c store.ClassOption) map[string]any {
		return map[string]any{"id": c.ID, "name": c.Name, "org_name": c.OrgName, "county": c.County, "occupation_code": c.OccupationCode,
			"level": c.Level, "first_session": c.FirstSession, "last_session": c.LastSession, "completers": c.Completers}
	})})
}

// ---- the plan page ----

type candidateLine struct {
	store.CandidateRow
	MaskedID  string
	Theory    string
	Practical string
	Open      bool // the refuse form of this row is open (after a failed try)
}

type planShowData struct {
	Plan       xiangpei.Plan
	N          *classNames
	Rows       []candidateLine
	Pager      *pager
	Export     string
	Own        bool // the actor is the plan's body
	CanEdit    bool
	CanOpen    bool
	CanCancel  bool
	CanPublish bool
	CanAdd     bool
	CanDecide  bool
	ScoresOpen bool
	PlacesLeft int
	PassMarks  [2]string
	Add        candidateAddForm
	Reject     int64
	RejectErr  string
}

func (s *Server) planShowData(r *http.Request, p xiangpei.Plan) (planShowData, error) {
	a := actorOf(r)
	now := s.now()
	n, pg := listPage(r, candidatesPerPage)
	cands, total, err := s.db.Candidates(r.Context(), planReach(a), p.ID, pg)
	if err != nil {
		return planShowData{}, err
	}
	own := a.Role == xiangpei.RoleAssessor && a.OrgID == p.OrgID
	live := p.Status == xiangpei.PlanDraft || p.Status == xiangpei.PlanOpen
	d := planShowData{Plan: p, N: s.classNamesFor(r, 0), Pager: pagerOf(r, n, total, candidatesPerPage), Export: exportLink(r),
		Own: own, CanEdit: own && p.Status == xiangpei.PlanDraft, CanOpen: own && p.Status.Can(xiangpei.PlanAnnounce),
		CanCancel: own && p.Status.Can(xiangpei.PlanCancel), CanPublish: own && p.Status.Can(xiangpei.PlanPublish) && p.ScoresOpen(now),
		CanAdd:    own && live && p.Mode == xiangpei.PlanOpenMode && now.Before(p.ExamAt),
		CanDecide: own && live, ScoresOpen: own && p.ScoresOpen(now), PlacesLeft: max(0, p.Capacity-p.Candidates)}
	for _, c := range cands {
		l := candidateLine{CandidateRow: c, MaskedID: c.IDNumber.Masked()}
		if c.Scored && c.Result != xiangpei.ResultAbsent {
			l.Theory, l.Practical = xiangpei.FormatScore(c.Theory), xiangpei.FormatScore(c.Practical)
		}
		d.Rows = append(d.Rows, l)
	}
	d.PassMarks = [2]string{xiangpei.FormatScore(p.PassTheory), xiangpei.FormatScore(p.PassPractical)}
	return d, nil
}

func (s *Server) planTitle(r *http.Request, p xiangpei.Plan) string {
	return s.msg.T(stateOf(r).lang, "assess.plan_title", p.OccupationName, s.classNamesFor(r, 0).Level(p.Level))
}

// planAgain shows the plan page again after a failed form, changed by keep.
func (s *Server) planAgain(r *http.Request, p xiangpei.Plan, keep func(d *planShowData)) *formPage {
	return &formPage{"assessment_show", func() (*Page, error) {
		p, err := s.db.Plan(r.Context(), planReach(actorOf(r)), p.ID)
		if err != nil {
			return nil, err
		}
		d, err := s.planShowData(r, p)
		if err != nil {
			return nil, err
		}
		keep(&d)
		return s.page(r, s.planTitle(r, p), d), nil
	}}
}

func (s *Server) planShow(w http.ResponseWriter, r *http.Request) {
	p, err := s.planOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsXLSX(r) {
		s.candidatesXLSX(w, r, p)
		return
	}
	if stateOf(r).api {
		n, pg := listPage(r, candidatesPerPage)
		cands, total, err := s.db.Candidates(r.Context(), planReach(actorOf(r)), p.ID, pg)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"plan": planJSON(p), "candidates": jsonList(cands, candidateJSON),
			"total": total, "page": n, "per_page": candidatesPerPage, "scores_open": p.ScoresOpen(s.now())})
		return
	}
	d, err := s.planShowData(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "assessment_show", s.page(r, s.planTitle(r, p), d))
}

func (s *Server) candidatesXLSX(w http.ResponseWriter, r *http.Request, p xiangpei.Plan) {
	a := actorOf(r)
	all, err := exportAll(func(pg store.Page) ([]store.CandidateRow, int, error) {
		return s.db.Candidates(r.Context(), planReach(a), p.ID, pg)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	T := func(k string) string { return s.msg.T(stateOf(r).lang, k) }
	header := []string{T("assess.col_no"), T("assess.col_name"), T("assess.col_id"), T("assess.col_source"), T("assess.col_status"),
		T("assess.col_theory"), T("assess.col_practical"), T("assess.col_result"), T("assess.col_cert"), T("assess.col_reason")}
	rows := make([][]any, 0, len(all))
	for i, c := range all {
		theory, practical := "", ""
		if c.Scored && c.Result != xiangpei.ResultAbsent {
			theory, practical = xiangpei.FormatScore(c.Theory), xiangpei.FormatScore(c.Practical)
		}
		result := ""
		if c.Result != xiangpei.ResultPending {
			result = T("assess.result." + string(c.Result))
		}
		rows = append(rows, []any{i + 1, c.Name, c.IDNumber.Masked(), T("assess.source." + string(c.Source)),
			T("assess.cstatus." + string(c.Status)), theory, practical, result, c.CertNumber, c.Reason})
	}
	s.download(w, r, fmt.Sprintf("assessment-%d.xlsx", p.ID), p.OccupationName+"-"+T("assess.candidates")+".xlsx",
		T("assess.candidates"), header, rows, sheet.Options{TextCols: []int{3}, Widths: map[int]float64{2: 10, 3: 22, 9: 24}})
}

// ---- actions ----

type planVersionForm struct {
	Version int64 `json:"version"`
}

func (s *Server) planMove(act xiangpei.PlanAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.planOf(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var f planVersionForm
		if err = bind(r, &f); err == nil {
			note := func(p xiangpei.Plan, c store.CandidateRow, cert *xiangpei.Certificate) string {
				what := p.OccupationName + " · " + s.classNamesFor(r, 0).Level(p.Level)
				switch {
				case cert != nil:
					return s.msg.T("zh-CN", "assess.note_pass", what, cert.Number)
				case c.Result == xiangpei.ResultAbsent:
					return s.msg.T("zh-CN", "assess.note_absent", what)
				}
				return s.msg.T("zh-CN", "assess.note_fail", what)
			}
			p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Plan, error) {
				return tx.MovePlan(a.Scope(), p.ID, f.Version, act, note)
			})
		}
		if err != nil {
			s.formError(w, r, err, s.planAgain(r, p, func(*planShowData) {}))
			return
		}
		if act == xiangpei.PlanPublish {
			s.seekersChanged(r.Context(), store.SeekersOfPlan, p.ID)
		}
		answer(w, r, http.StatusOK, planJSON(p), planPath(p.ID), "plan_"+string(act))
	}
}

type candidateAddForm struct {
	IDNumber string `json:"id_number"`
	Name     string `json:"name"`
}

func (s *Server) candidateAdd(w http.ResponseWriter, r *http.Request) {
	p, err := s.planOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f candidateAddForm
	var c store.CandidateRow
	if err = bind(r, &f); err == nil {
		c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.CandidateRow, error) {
			return tx.AddCandidate(a.Scope(), p.ID, sheet.Fold(f.IDNumber), sheet.Fold(f.Name))
		})
	}
	if err != nil {
		s.formError(w, r, err, s.planAgain(r, p, func(d *planShowData) { d.Add = f }))
		return
	}
	answer(w, r, http.StatusCreated, candidateJSON(c), planPath(p.ID), "candidate_added")
}

type candidateMoveForm struct {
	Version int64  `json:"version"`
	Reason  string `json:"reason"`
}

func (s *Server) candidateMove(act xiangpei.CandidateAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, cid, err := loadChild(r, s.planOf, "candidate", nil)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var f candidateMoveForm
		var c store.CandidateRow
		if err = bind(r, &f); err == nil {
			c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.CandidateRow, error) {
				return tx.MoveCandidate(a.Scope(), p.ID, cid, f.Version, act, f.Reason)
			})
		}
		if err != nil {
			if xiangpei.IsKind(err, xiangpei.NotFound) {
				s.fail(w, r, err)
				return
			}
			lang := stateOf(r).lang
			s.formError(w, r, err, s.planAgain(r, p, func(d *planShowData) {
				d.Reject, d.RejectErr = cid, s.msg.Error(lang, err)
				for i := range d.Rows {
					d.Rows[i].Open = d.Rows[i].ID == cid
				}
			}))
			return
		}
		answer(w, r, http.StatusOK, candidateJSON(c), planPath(p.ID), "candidate_"+string(act))
	}
}

// ---- scores ----

type planScoreJSON struct {
	CandidateID int64  `json:"candidate_id"`
	Version     int64  `json:"version"`
	Absent      bool   `json:"absent"`
	Theory      string `json:"theory"`
	Practical   string `json:"practical"`
}

type planScoresForm struct {
	Scores []planScoreJSON `json:"scores"`
}

// scoreEntries reads the typed scores: on the API a JSON list, in the browser one row per
// candidate (candidate, version, theory, practical, and the ids ticked absent). A row with
// neither score nor absence is left out.
func scoreEntries(r *http.Request) ([]store.ScoreEntry, error) {
	var rows []planScoreJSON
	if isAPI(r) || strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var f planScoresForm
		if err := bind(r, &f); err != nil {
			return nil, err
		}
		rows = f.Scores
	} else {
		if err := r.ParseForm(); err != nil {
			return nil, tooLarge(err)
		}
		absent := map[string]bool{}
		for _, v := range r.PostForm["absent"] {
			absent[v] = true
		}
		ids, versions, theory, practical := r.PostForm["candidate"], r.PostForm["version"], r.PostForm["theory"], r.PostForm["practical"]
		for i, id := range ids {
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil || i >= len(versions) || i >= len(theory) || i >= len(practical) {
				return nil, xiangpei.Errorf(xiangpei.Invalid, "error.bad_request", "The request could not be read.")
			}
			v, _ := strconv.ParseInt(versions[i], 10, 64)
			rows = append(rows, planScoreJSON{CandidateID: n, Version: v, Absent: absent[id], Theory: theory[i], Practical: practical[i]})
		}
	}
	var out []store.ScoreEntry
	for _, x := range rows {
		e := store.ScoreEntry{CandidateID: x.CandidateID, Version: x.Version, Absent: x.Absent}
		if !x.Absent {
			if strings.TrimSpace(x.Theory) == "" && strings.TrimSpace(x.Practical) == "" {
				continue
			}
			var err error
			if e.Theory, err = xiangpei.ParseScore(x.Theory); err != nil {
				return nil, err
			}
			if e.Practical, err = xiangpei.ParseScore(x.Practical); err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, nil
}

func (s *Server) planScores(w http.ResponseWriter, r *http.Request) {
	p, err := s.planOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rows []store.CandidateRow
	entries, err := scoreEntries(r)
	if err == nil {
		rows, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) ([]store.CandidateRow, error) {
			return tx.RecordScores(a.Scope(), p.ID, entries)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.planAgain(r, p, func(*planShowData) {}))
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"plan_id": p.ID, "candidates": jsonList(rows, candidateJSON)}, planPath(p.ID)+"#scores", "scores_saved")
}
