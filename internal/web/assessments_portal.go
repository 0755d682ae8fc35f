package web

import (
	"context"
	"net/http"
	"strconv"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 评 — the public portal of open assessments: anyone lists the open-mode plans taking sign-ups
// and reads one; a signed-in person signs up or withdraws before the day of the exam. {exam} is
// not a tenant parameter: an announced open plan is public.

const examsPerPage = 20

func (s *Server) registerExamRoutes() {
	person := Roles(xiangpei.RolePerson)
	s.handleBoth("GET /exams", "/api/v1/exams", Public(), s.examList)
	s.handleBoth("GET /exams/{exam}", "/api/v1/exams/{exam}", Public(), s.examShow)
	s.handleBoth("POST /exams/{exam}/register", "/api/v1/exams/{exam}/register", person, s.examRegister)
	s.handleBoth("POST /exams/{exam}/withdraw", "/api/v1/exams/{exam}/withdraw", person, s.examWithdraw)
	s.handle("GET /api/v1/me/candidacies", person, s.myCandidacies)
}

func examPath(id int64) string { return "/exams/" + strconv.FormatInt(id, 10) }

// examJSON is what the public sees of a plan: no examiners, no candidates.
func (s *Server) examJSON(p xiangpei.Plan) map[string]any {
	return map[string]any{"id": p.ID, "org_name": p.OrgName, "county": p.County, "occupation_code": p.OccupationCode,
		"occupation_name": p.OccupationName, "level": p.Level, "cert_kind": p.CertKind(), "exam_at": p.ExamAt, "venue": p.Venue,
		"capacity": p.Capacity, "places_left": max(0, p.Capacity-p.Candidates), "status": p.Status,
		"registration_open": p.RegistrationOpen(s.now())}
}

func candidacyJSON(c store.Candidacy) map[string]any {
	var theory, practical any
	if c.Scored && c.Result != xiangpei.ResultAbsent {
		theory, practical = planPoints(c.Theory), planPoints(c.Practical)
	}
	return map[string]any{"candidate_id": c.CandidateID, "plan_id": c.PlanID, "occupation_code": c.OccupationCode,
		"occupation_name": c.OccupationName, "level": c.Level, "exam_at": c.ExamAt, "venue": c.Venue, "org_id": c.OrgID,
		"org_name": c.OrgName, "plan_status": c.PlanStatus, "status": c.Status, "reason": c.Reason, "theory": theory,
		"practical": practical, "result": c.Result, "certificate_id": c.CertificateID, "certificate_number": c.CertNumber}
}

type examRow struct {
	xiangpei.Plan
	Left int
}

type examListData struct {
	Exams  []examRow
	N      *classNames
	Pager  *pager
	Export string
}

// examsXLSX downloads the assessments open for sign-up, as the public list shows them.
func (s *Server) examsXLSX(w http.ResponseWriter, r *http.Request) {
	all, err := exportAll(func(pg store.Page) ([]xiangpei.Plan, int, error) {
		return s.db.OpenExams(r.Context(), pg)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names, lang := s.classNamesFor(r, 0), stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	header := []string{T("assess.col_exam_at"), T("assess.col_body"), T("assess.col_occupation_code"), T("assess.col_occupation"),
		T("assess.col_level"), T("assess.col_venue"), T("assess.col_capacity"), T("exam.places")}
	rows := make([][]any, 0, len(all))
	for _, p := range all {
		rows = append(rows, []any{p.ExamAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"), p.OrgName, p.OccupationCode,
			p.OccupationName, names.Level(p.Level), p.Venue, p.Capacity, max(0, p.Capacity-p.Candidates)})
	}
	s.download(w, r, "exams.xlsx", T("exam.list_title")+".xlsx", T("exam.list_title"), header, rows, sheet.Options{})
}

func (s *Server) examList(w http.ResponseWriter, r *http.Request) {
	if wantsXLSX(r) {
		s.examsXLSX(w, r)
		return
	}
	n, pg := listPage(r, examsPerPage)
	list, total, err := s.db.OpenExams(r.Context(), pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"exams": jsonList(list, s.examJSON), "total": total, "page": n, "per_page": examsPerPage})
		return
	}
	rows := make([]examRow, 0, len(list))
	for _, p := range list {
		rows = append(rows, examRow{Plan: p, Left: max(0, p.Capacity-p.Candidates)})
	}
	d := examListData{Exams: rows, N: s.classNamesFor(r, 0), Pager: pagerOf(r, n, total, examsPerPage), Export: exportLink(r)}
	s.render(w, r, http.StatusOK, "exams", s.page(r, s.msg.T(stateOf(r).lang, "exam.list_title"), d))
}

type examShowData struct {
	Exam        xiangpei.Plan
	N           *classNames
	PlacesLeft  int
	Open        bool
	Person      bool
	Mine        *store.Candidacy
	CanWithdraw bool
}

func (s *Server) examOf(r *http.Request) (xiangpei.Plan, error) {
	id, err := pathID(r, "exam")
	if err != nil {
		return xiangpei.Plan{}, err
	}
	return s.db.Exam(r.Context(), id)
}

// mine finds the person's candidacy of a plan, nil when they have none.
func (s *Server) examMine(r *http.Request, planID int64) (*store.Candidacy, error) {
	a := actorOf(r)
	if a.Role != xiangpei.RolePerson || a.PersonID == 0 {
		return nil, nil
	}
	list, err := s.db.CandidaciesOf(r.Context(), a.Scope(), a.PersonID)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		if c.PlanID == planID {
			return &c, nil
		}
	}
	return nil, nil
}

func (s *Server) examData(r *http.Request, p xiangpei.Plan) (examShowData, error) {
	now := s.now()
	d := examShowData{Exam: p, N: s.classNamesFor(r, 0), PlacesLeft: max(0, p.Capacity-p.Candidates), Open: p.RegistrationOpen(now),
		Person: actorOf(r).Role == xiangpei.RolePerson}
	var err error
	if d.Mine, err = s.examMine(r, p.ID); err != nil {
		return d, err
	}
	d.CanWithdraw = d.Mine != nil && d.Mine.Status.Live() && d.Open
	return d, nil
}

func (s *Server) examTitle(r *http.Request, p xiangpei.Plan) string {
	return s.msg.T(stateOf(r).lang, "assess.plan_title", p.OccupationName, s.classNamesFor(r, 0).Level(p.Level))
}

func (s *Server) examShow(w http.ResponseWriter, r *http.Request) {
	p, err := s.examOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.examData(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		m := s.examJSON(p)
		if d.Mine != nil {
			m["mine"] = candidacyJSON(*d.Mine)
		}
		writeJSON(w, http.StatusOK, m)
		return
	}
	s.render(w, r, http.StatusOK, "exam_show", s.page(r, s.examTitle(r, p), d))
}

func (s *Server) examAgain(r *http.Request, p xiangpei.Plan) *formPage {
	return &formPage{"exam_show", func() (*Page, error) {
		p, err := s.db.Exam(r.Context(), p.ID)
		if err != nil {
			return nil, err
		}
		d, err := s.examData(r, p)
		if err != nil {
			return nil, err
		}
		return s.page(r, s.examTitle(r, p), d), nil
	}}
}

func (s *Server) examRegister(w http.ResponseWriter, r *http.Request) {
	p, err := s.examOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.CandidateRow, error) {
		return tx.Register(a.PersonID, p.ID)
	})
	if err != nil {
		s.formError(w, r, err, s.examAgain(r, p))
		return
	}
	answer(w, r, http.StatusCreated, map[string]any{"candidate_id": c.ID, "plan_id": p.ID, "status": c.Status}, examPath(p.ID), "exam_registered")
}

func (s *Server) examWithdraw(w http.ResponseWriter, r *http.Request) {
	p, err := s.examOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.CandidateRow, error) {
		return tx.WithdrawSelf(a.PersonID, p.ID)
	})
	if err != nil {
		s.formError(w, r, err, s.examAgain(r, p))
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"candidate_id": c.ID, "plan_id": p.ID, "status": c.Status}, examPath(p.ID), "exam_withdrawn")
}

// myCandidacies lists the signed-in person's candidacies.
func (s *Server) myCandidacies(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	answerList(s, w, r, "candidacies", func(ctx context.Context) ([]store.Candidacy, error) {
		return s.db.CandidaciesOf(ctx, a.Scope(), a.PersonID)
	}, candidacyJSON)
}
