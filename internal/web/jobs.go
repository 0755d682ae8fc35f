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

// 用 — job postings, their checks and review, reports, applications and the employment
// record of a hire (docs/jobs.md). The public reads open postings at /jobs; an employer
// writes and submits postings at /employer/postings and moves its applicants; officers of the
// county with the publish duty review referred postings (/jobs/review) and reports
// (/jobs/reports); a person applies and follows their applications at /me/applications.

const jobsPerPage = 20

// Reports by the public: at most this many per address and period.
const (
	reportMax    = 5
	reportPeriod = time.Hour
)

func (s *Server) registerJobRoutes() {
	employer := Roles(xiangpei.RoleEmployer)
	readers := Roles(xiangpei.RoleEmployer, xiangpei.RoleOfficer)
	person := Roles(xiangpei.RolePerson)
	reviewer := Duty(xiangpei.DutyPublish)
	s.handleBoth("GET /jobs", "/api/v1/jobs", Public(), s.jobList)
	s.handleBoth("GET /jobs/review", "/api/v1/jobs/review", reviewer, s.jobReviewQueue)
	s.handleBoth("GET /jobs/reports", "/api/v1/jobs/reports", reviewer, s.jobReports)
	s.handleBoth("POST /jobs/reports/{report}/decide", "/api/v1/jobs/reports/{report}/decide", reviewer, s.jobReportDecide)
	s.handleBoth("GET /jobs/{job}", "/api/v1/jobs/{job}", Public(), s.jobShow)
	s.handleBoth("POST /jobs/{job}/report", "/api/v1/jobs/{job}/report", Public(), s.jobReport)
	s.handleBoth("POST /jobs/{job}/apply", "/api/v1/jobs/{job}/apply", person, s.jobApply)

	s.handleBoth("GET /employer/postings", "/api/v1/employer/postings", employer, s.employerPostings)
	s.handleBoth("GET /employer/postings/new", "/api/v1/employer/postings/new", employer, s.postingNew)
	s.handleBoth("POST /employer/postings", "/api/v1/employer/postings", employer, s.postingCreate)
	s.handleBoth("GET /postings/{posting}", "/api/v1/postings/{posting}", readers, s.postingShow)
	s.handleBoth("POST /postings/{posting}", "/api/v1/postings/{posting}", employer, s.postingUpdate)
	s.handleBoth("POST /postings/{posting}/submit", "/api/v1/postings/{posting}/submit", employer, s.postingSubmit)
	s.handleBoth("POST /postings/{posting}/close", "/api/v1/postings/{posting}/close", employer, s.postingClose)
	s.handleBoth("POST /postings/{posting}/relist", "/api/v1/postings/{posting}/relist", employer, s.postingRelist)
	s.handleBoth("POST /postings/{posting}/review", "/api/v1/postings/{posting}/review", reviewer, s.postingReview)
	s.handleBoth("GET /postings/{posting}/applications", "/api/v1/postings/{posting}/applications", readers, s.postingApplications)
	s.handleBoth("GET /applications/{application}", "/api/v1/applications/{application}", Roles(xiangpei.RoleEmployer, xiangpei.RoleOfficer, xiangpei.RolePerson), s.applicationShow)
	s.handleBoth("POST /applications/{application}/move", "/api/v1/applications/{application}/move", Roles(xiangpei.RoleEmployer, xiangpei.RolePerson), s.applicationMove)
	s.handleBoth("GET /me/applications", "/api/v1/me/applications", person, s.myApplications)

	s.handle("GET /register/employer", Public(), s.showEmployerRegister)
	s.handleBoth("POST /register/employer/code", "/api/v1/register/employer/code", Public(), s.sendEmployerCode)
	s.handleBoth("POST /register/employer", "/api/v1/register/employer", Public(), s.registerEmployer)
}

func postingPath(id int64) string { return "/postings/" + strconv.FormatInt(id, 10) }

// ---- views ----

type findingView struct {
	Text   string
	Refuse bool
}

type postingView struct {
	store.Posting
	Place      string
	Salary     string
	From, To   string
	Published  string
	Findings   []findingView
	Open       bool
	Skills     string
	Certs      string
	LevelName  string
	UnitName   string
	StatusName string
}

func (s *Server) findingTexts(lang string, fs []xiangpei.PostingFinding) []findingView {
	out := make([]findingView, 0, len(fs))
	for _, f := range fs {
		text := f.Text
		if s.msg.Has(f.Key) {
			args := f.Args
			if f.Key == "posting_check.wage_below_minimum" && len(args) == 4 {
				unit := s.msg.T(lang, "job.unit."+fmt.Sprint(args[1]))
				args = []any{args[0], unit, args[2], args[3]}
			}
			text = s.msg.T(lang, f.Key, args...)
		}
		out = append(out, findingView{Text: text, Refuse: f.Severity == xiangpei.CheckRefuse})
	}
	return out
}

func (s *Server) salaryText(lang string, sal xiangpei.Salary) string {
	unit := s.msg.T(lang, "job.per."+string(sal.Unit))
	if sal.MaxFen > 0 && sal.MaxFen != sal.MinFen {
		return xiangpei.FormatFen(sal.MinFen) + "–" + xiangpei.FormatFen(sal.MaxFen) + " " + unit
	}
	return xiangpei.FormatFen(sal.MinFen) + " " + unit
}

func (s *Server) postingViewOf(r *http.Request, pl places, levels map[string]string, p store.Posting) postingView {
	lang := stateOf(r).lang
	v := postingView{Posting: p, Place: pl.name(p.County), Salary: s.salaryText(lang, p.Salary),
		From: xiangpei.ChinaDate(p.ValidFrom), To: xiangpei.ChinaDate(p.ValidTo), Findings: s.findingTexts(lang, p.Findings),
		Open: p.Open(s.now()), Skills: strings.Join(p.Skills, "、"), Certs: strings.Join(p.Certificates, "、"),
		LevelName: levels[p.Level], UnitName: s.msg.T(lang, "job.unit."+string(p.Salary.Unit)),
		StatusName: s.msg.T(lang, "job.status."+string(p.Status))}
	if !p.PublishedAt.IsZero() {
		v.Published = xiangpei.ChinaDate(p.PublishedAt)
	}
	return v
}

func (s *Server) postingJSON(lang string) func(store.Posting) map[string]any {
	return func(p store.Posting) map[string]any {
		findings := make([]map[string]any, 0, len(p.Findings))
		for i, f := range s.findingTexts(lang, p.Findings) {
			findings = append(findings, map[string]any{"code": p.Findings[i].Code, "severity": p.Findings[i].Severity,
				"matched": p.Findings[i].Matched, "key": p.Findings[i].Key, "text": f.Text})
		}
		m := map[string]any{"id": p.ID, "employer_id": p.EmployerID, "employer_name": p.EmployerName, "occupation": p.Occupation,
			"title": p.Title, "description": p.Description, "skills": nonNil(p.Skills), "level": p.Level, "certificates": nonNil(p.Certificates),
			"headcount": p.Headcount, "salary_min_fen": p.Salary.MinFen, "salary_max_fen": p.Salary.MaxFen, "salary_unit": p.Salary.Unit,
			"salary": s.salaryText(lang, p.Salary), "work_type": p.WorkType, "county": p.County, "lat": p.Lat, "lng": p.Lng,
			"valid_from": xiangpei.ChinaDate(p.ValidFrom), "valid_to": xiangpei.ChinaDate(p.ValidTo), "status": p.Status,
			"open": p.Open(s.now()), "findings": findings, "applicants": p.Applicants, "published_at": nil, "version": p.Version}
		if !p.PublishedAt.IsZero() {
			m["published_at"] = p.PublishedAt
		}
		return m
	}
}

// ---- the public list and page ----

type jobListData struct {
	Occupation, County, WorkType, Query string
	Counties                            []store.Region
	WorkTypes                           []xiangpei.WorkType
	Items                               []postingView
	Pager                               *pager
	Export                              string
	Employer, Person                    bool
}

func postingFilterOf(r *http.Request) store.PostingFilter {
	q := r.URL.Query()
	f := store.PostingFilter{Occupation: strings.TrimSpace(q.Get("occupation")), County: strings.TrimSpace(q.Get("county")),
		WorkType: xiangpei.WorkType(q.Get("work_type")), Status: xiangpei.PostingStatus(q.Get("status")), Query: strings.TrimSpace(q.Get("q"))}
	if !f.WorkType.Valid() {
		f.WorkType = ""
	}
	if !f.Status.Valid() {
		f.Status = ""
	}
	if len(f.County) != 6 {
		f.County = ""
	}
	if len(f.Occupation) > 20 {
		f.Occupation = ""
	}
	return f
}

func (s *Server) postingsXLSX(w http.ResponseWriter, r *http.Request, name string, fetch func(store.Page) ([]store.Posting, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	pl := s.places(r)
	header := []string{T("job.col_id"), T("job.col_title"), T("job.col_employer"), T("job.col_occupation"), T("job.col_work_type"),
		T("job.col_salary"), T("job.col_headcount"), T("job.col_county"), T("job.col_valid_to"), T("job.col_status"), T("job.col_applicants")}
	rows := make([][]any, 0, len(all))
	for _, p := range all {
		rows = append(rows, []any{strconv.FormatInt(p.ID, 10), p.Title, p.EmployerName, p.Occupation, T("job.work_type." + string(p.WorkType)),
			s.salaryText(lang, p.Salary), p.Headcount, pl.name(p.County), xiangpei.ChinaDate(p.ValidTo), T("job.status." + string(p.Status)), p.Applicants})
	}
	s.download(w, r, "postings.xlsx", T(name)+".xlsx", T(name), header, rows, sheet.Options{})
}

func (s *Server) jobList(w http.ResponseWriter, r *http.Request) {
	f := postingFilterOf(r)
	lang := stateOf(r).lang
	list, pages, ok := listAnswer(s, w, r, jobsPerPage, "postings", "job.list_title",
		func(pg store.Page) ([]store.Posting, int, error) { return s.db.PublicPostings(r.Context(), f, pg) },
		s.postingJSON(lang), s.postingsXLSX)
	if !ok {
		return
	}
	pl := s.places(r)
	levels := s.levelNames(r)
	d := jobListData{Occupation: f.Occupation, County: f.County, WorkType: string(f.WorkType), Query: f.Query, Counties: pl.Counties,
		WorkTypes: xiangpei.WorkTypes, Pager: pages, Export: exportLink(r),
		Employer: actorOf(r).Role == xiangpei.RoleEmployer, Person: actorOf(r).Role == xiangpei.RolePerson}
	for _, p := range list {
		d.Items = append(d.Items, s.postingViewOf(r, pl, levels, p))
	}
	s.render(w, r, http.StatusOK, "jobs", s.page(r, s.msg.T(lang, "job.list_title"), d))
}

type jobShowData struct {
	P         postingView
	Person    bool
	Applied   bool
	Employer  bool
	SignedIn  bool
	ReportMax int
}

func (s *Server) jobShowPage(r *http.Request) *formPage {
	return &formPage{"jobs_show", func() (*Page, error) {
		id, err := pathID(r, "job")
		if err != nil {
			return nil, err
		}
		p, err := s.db.PublicPosting(r.Context(), id)
		if err != nil {
			return nil, err
		}
		a := actorOf(r)
		d := jobShowData{P: s.postingViewOf(r, s.places(r), s.levelNames(r), p), Person: a.Role == xiangpei.RolePerson,
			Employer: a.Role == xiangpei.RoleEmployer && a.OrgID == p.EmployerID, SignedIn: stateOf(r).actor != nil}
		if d.Person {
			mine, _, err := s.db.Applications(r.Context(), a.Scope(), store.ApplicationFilter{PostingID: p.ID}, store.Page{Limit: 1})
			if err != nil {
				return nil, err
			}
			d.Applied = len(mine) > 0
		}
		return s.page(r, p.Title, d), nil
	}}
}

func (s *Server) jobShow(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		id, err := pathID(r, "job")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p, err := s.db.PublicPosting(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m := s.postingJSON(stateOf(r).lang)(p)
		delete(m, "findings")
		delete(m, "applicants")
		writeJSON(w, http.StatusOK, m)
		return
	}
	s.show(w, r, s.jobShowPage(r))
}

type reportForm struct {
	Reason string `json:"reason"`
}

func (s *Server) jobReport(w http.ResponseWriter, r *http.Request) {
	var f reportForm
	id, err := pathID(r, "job")
	if err == nil {
		err = bind(r, &f)
	}
	if err == nil && !s.limits.allow("report-ip:"+clientIP(r), reportMax, reportPeriod, s.now()) {
		err = xiangpei.Errorf(xiangpei.RateLimited, "job.report_too_often", "Too many reports from this address; try again later.")
	}
	var rep store.PostingReport
	if err == nil {
		var cal xiangpei.Calendar
		if cal, err = s.db.Calendar(r.Context()); err == nil {
			rep, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.PostingReport, error) {
				return tx.ReportPosting(id, a.AccountID, f.Reason, cal)
			})
		}
	}
	if err != nil {
		s.formError(w, r, err, s.jobShowPage(r))
		return
	}
	answer(w, r, http.StatusCreated, map[string]any{"id": rep.ID, "posting_id": rep.PostingID, "status": rep.Status, "due_on": rep.DueOn},
		"/jobs/"+strconv.FormatInt(id, 10), "job_reported")
}

func (s *Server) jobApply(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "job")
	var app store.Applicant
	if err == nil {
		app, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Applicant, error) { return tx.Apply(a.Scope(), id) })
	}
	if err != nil {
		s.formError(w, r, err, s.jobShowPage(r))
		return
	}
	answer(w, r, http.StatusCreated, s.applicantJSON(stateOf(r).lang)(app), "/me/applications", "job_applied")
}

// ---- the employer's postings ----

type employerPostingsData struct {
	Status   string
	Statuses []xiangpei.PostingStatus
	Items    []postingView
	Pager    *pager
	Export   string
	Code     xiangpei.CodeStatus
}

func (s *Server) employerPostings(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	f := postingFilterOf(r)
	lang := stateOf(r).lang
	list, pages, ok := listAnswer(s, w, r, jobsPerPage, "postings", "job.mine_title",
		func(pg store.Page) ([]store.Posting, int, error) { return s.db.Postings(r.Context(), a.Scope(), f, pg) },
		s.postingJSON(lang), s.postingsXLSX)
	if !ok {
		return
	}
	d := employerPostingsData{Status: string(f.Status), Statuses: xiangpei.PostingStatuses, Pager: pages, Export: exportLink(r)}
	if o, err := s.db.Org(r.Context(), a.Scope(), a.OrgID); err == nil {
		d.Code = o.CodeStatus
	}
	pl, levels := s.places(r), s.levelNames(r)
	for _, p := range list {
		d.Items = append(d.Items, s.postingViewOf(r, pl, levels, p))
	}
	s.render(w, r, http.StatusOK, "employer_postings", s.page(r, s.msg.T(lang, "job.mine_title"), d))
}

type postingForm struct {
	Occupation   string  `json:"occupation"`
	Title        string  `json:"title"`
	Description  string  `json:"description"`
	Skills       string  `json:"skills"`
	Level        string  `json:"level"`
	Certificates string  `json:"certificates"`
	Headcount    int     `json:"headcount"`
	SalaryMin    string  `json:"salary_min"`
	SalaryMax    string  `json:"salary_max"`
	SalaryUnit   string  `json:"salary_unit"`
	WorkType     string  `json:"work_type"`
	County       string  `json:"county"`
	Lat          float64 `json:"lat"`
	Lng          float64 `json:"lng"`
	ValidFrom    string  `json:"valid_from"`
	ValidTo      string  `json:"valid_to"`
	Version      int     `json:"version"`
}

func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), xiangpei.ChinaTime)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (f postingForm) posting() (xiangpei.JobPosting, error) {
	p := xiangpei.JobPosting{Occupation: f.Occupation, Title: f.Title, Description: f.Description, Skills: []string{f.Skills},
		Level: strings.TrimSpace(f.Level), Certificates: []string{f.Certificates}, Headcount: f.Headcount, WorkType: xiangpei.WorkType(f.WorkType),
		County: strings.TrimSpace(f.County), Lat: f.Lat, Lng: f.Lng, ValidFrom: day(f.ValidFrom), ValidTo: day(f.ValidTo)}
	p.Salary.Unit = xiangpei.SalaryUnit(f.SalaryUnit)
	var ok bool
	if p.Salary.MinFen, ok = xiangpei.ParseFen(f.SalaryMin); !ok {
		return p, xiangpei.Errorf(xiangpei.Invalid, "posting.salary_range", "The salary range is not valid: the lowest must be above zero and not above the highest.")
	}
	if strings.TrimSpace(f.SalaryMax) != "" {
		if p.Salary.MaxFen, ok = xiangpei.ParseFen(f.SalaryMax); !ok {
			return p, xiangpei.Errorf(xiangpei.Invalid, "posting.salary_range", "The salary range is not valid: the lowest must be above zero and not above the highest.")
		}
	}
	return p, nil
}

func formOfPosting(p store.Posting) postingForm {
	f := postingForm{Occupation: p.Occupation, Title: p.Title, Description: p.Description, Skills: strings.Join(p.Skills, "、"),
		Level: p.Level, Certificates: strings.Join(p.Certificates, "、"), Headcount: p.Headcount, SalaryMin: xiangpei.FormatFen(p.Salary.MinFen),
		SalaryUnit: string(p.Salary.Unit), WorkType: string(p.WorkType), County: p.County, Lat: p.Lat, Lng: p.Lng,
		ValidFrom: xiangpei.ChinaDate(p.ValidFrom), ValidTo: xiangpei.ChinaDate(p.ValidTo), Version: p.Version}
	if p.Salary.MaxFen > 0 {
		f.SalaryMax = xiangpei.FormatFen(p.Salary.MaxFen)
	}
	return f
}

type postingFormData struct {
	Form      postingForm
	Action    string
	Counties  []store.Region
	WorkTypes []xiangpei.WorkType
	Units     []xiangpei.SalaryUnit
	Levels    map[string]string
	Page      *Page // for the form's CSRF token and messages
}

func (s *Server) postingFormData(r *http.Request, f postingForm, action string) postingFormData {
	return postingFormData{Form: f, Action: action, Counties: s.places(r).Counties, WorkTypes: xiangpei.WorkTypes,
		Units: xiangpei.SalaryUnits, Levels: s.levelNames(r)}
}

func (s *Server) postingNewPage(r *http.Request, f postingForm) *formPage {
	return &formPage{"employer_posting_form", func() (*Page, error) {
		d := s.postingFormData(r, f, "/employer/postings")
		p := s.page(r, s.msg.T(stateOf(r).lang, "job.new_title"), nil)
		d.Page = p
		p.Data = d
		return p, nil
	}}
}

func (s *Server) postingNew(w http.ResponseWriter, r *http.Request) {
	today := xiangpei.ChinaDate(s.now())
	f := postingForm{Headcount: 1, SalaryUnit: string(xiangpei.PerMonth), WorkType: string(xiangpei.FullTime), ValidFrom: today,
		ValidTo: xiangpei.ChinaDate(s.now().AddDate(0, 1, 0))}
	if o, err := s.db.Org(r.Context(), actorOf(r).Scope(), actorOf(r).OrgID); err == nil {
		f.County = o.County
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"defaults": f, "work_types": xiangpei.WorkTypes, "salary_units": xiangpei.SalaryUnits})
		return
	}
	s.show(w, r, s.postingNewPage(r, f))
}

func (s *Server) postingCreate(w http.ResponseWriter, r *http.Request) {
	var f postingForm
	err := bind(r, &f)
	var p store.Posting
	if err == nil {
		var in xiangpei.JobPosting
		if in, err = f.posting(); err == nil {
			p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Posting, error) { return tx.SavePosting(a.Scope(), in, 0) })
		}
	}
	if err != nil {
		s.formError(w, r, err, s.postingNewPage(r, f))
		return
	}
	answer(w, r, http.StatusCreated, s.postingJSON(stateOf(r).lang)(p), postingPath(p.ID), "posting_saved")
}

// ---- one posting (employer, officer) ----

type reviewView struct {
	Decision, Reason, At string
	Findings             []findingView
}

type postingShowData struct {
	P        postingView
	Form     postingFormData
	Reviews  []reviewView
	Employer bool
	Reviewer bool
	Today    string
	Later    string
}

func (s *Server) postingShowPage(r *http.Request, f *postingForm) *formPage {
	return &formPage{"employer_posting", func() (*Page, error) {
		a := actorOf(r)
		p, id, err := pathObject(r, "posting", a.Scope(), s.db.Posting)
		if err != nil {
			return nil, err
		}
		lang := stateOf(r).lang
		revs, err := s.db.PostingReviews(r.Context(), a.Scope(), id)
		if err != nil {
			return nil, err
		}
		form := formOfPosting(p)
		if f != nil {
			form = *f
			form.Version = p.Version
		}
		d := postingShowData{P: s.postingViewOf(r, s.places(r), s.levelNames(r), p), Form: s.postingFormData(r, form, postingPath(id)),
			Employer: a.Role == xiangpei.RoleEmployer, Reviewer: a.Can(xiangpei.DutyPublish),
			Today: xiangpei.ChinaDate(s.now()), Later: xiangpei.ChinaDate(s.now().AddDate(0, 1, 0))}
		for _, v := range revs {
			d.Reviews = append(d.Reviews, reviewView{Decision: s.msg.T(lang, "job.decision."+v.Decision), Reason: v.Reason,
				At: v.CreatedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"), Findings: s.findingTexts(lang, v.Findings)})
		}
		pg := s.page(r, p.Title, nil)
		d.Form.Page = pg
		pg.Data = d
		return pg, nil
	}}
}

func (s *Server) postingShow(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		a := actorOf(r)
		p, id, err := pathObject(r, "posting", a.Scope(), s.db.Posting)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		revs, err := s.db.PostingReviews(r.Context(), a.Scope(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		lang := stateOf(r).lang
		m := s.postingJSON(lang)(p)
		m["reviews"] = jsonList(revs, func(v store.PostingReview) map[string]any {
			return map[string]any{"decision": v.Decision, "reason": v.Reason, "at": v.CreatedAt, "findings": len(v.Findings)}
		})
		writeJSON(w, http.StatusOK, m)
		return
	}
	s.show(w, r, s.postingShowPage(r, nil))
}

func (s *Server) postingUpdate(w http.ResponseWriter, r *http.Request) {
	var f postingForm
	_, id, err := pathObject(r, "posting", actorOf(r).Scope(), s.db.Posting)
	if err == nil {
		err = bind(r, &f)
	}
	var p store.Posting
	if err == nil {
		var in xiangpei.JobPosting
		if in, err = f.posting(); err == nil {
			in.ID = id
			p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Posting, error) {
				if _, err := tx.Posting(a.Scope(), id); err != nil {
					return store.Posting{}, err
				}
				return tx.SavePosting(a.Scope(), in, f.Version)
			})
		}
	}
	if err != nil {
		s.formError(w, r, err, s.postingShowPage(r, &f))
		return
	}
	answer(w, r, http.StatusOK, s.postingJSON(stateOf(r).lang)(p), postingPath(p.ID), "posting_saved")
}

type versionForm struct {
	Version int    `json:"version"`
	Reason  string `json:"reason"`
}

func (s *Server) postingSubmit(w http.ResponseWriter, r *http.Request) {
	var f versionForm
	id, err := pathID(r, "posting")
	if err == nil {
		err = bind(r, &f)
	}
	var p store.Posting
	var v xiangpei.PostingVerdict
	if err == nil {
		p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Posting, error) {
			var q store.Posting
			var err error
			q, v, err = tx.SubmitPosting(a.Scope(), id, f.Version)
			return q, err
		})
	}
	if err != nil {
		s.formError(w, r, err, s.postingShowPage(r, nil))
		return
	}
	done := map[xiangpei.CheckAction]string{xiangpei.CheckPass: "posting_published", xiangpei.CheckRefer: "posting_referred",
		xiangpei.CheckRefuse: "posting_refused"}[v.Outcome]
	s.postingChanged(r.Context(), p.ID)
	m := s.postingJSON(stateOf(r).lang)(p)
	m["outcome"] = v.Outcome
	answer(w, r, http.StatusOK, m, postingPath(p.ID), done)
}

func (s *Server) postingClose(w http.ResponseWriter, r *http.Request) {
	s.postingMove(w, r, "posting_closed", func(tx *store.Tx, sc xiangpei.Scope, id int64, f versionForm) (store.Posting, error) {
		return tx.ClosePosting(sc, id, f.Version, f.Reason)
	})
}

type relistForm struct {
	Version   int    `json:"version"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
}

func (s *Server) postingRelist(w http.ResponseWriter, r *http.Request) {
	var f relistForm
	id, err := pathID(r, "posting")
	if err == nil {
		err = bind(r, &f)
	}
	var p store.Posting
	if err == nil {
		p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Posting, error) {
			return tx.RelistPosting(a.Scope(), id, f.Version, day(f.ValidFrom), day(f.ValidTo))
		})
	}
	if err != nil {
		s.formError(w, r, err, s.postingShowPage(r, nil))
		return
	}
	s.postingChanged(r.Context(), p.ID)
	answer(w, r, http.StatusOK, s.postingJSON(stateOf(r).lang)(p), postingPath(p.ID), "posting_relisted")
}

type decideForm struct {
	Version  int    `json:"version"`
	Decision string `json:"decision"` // approve, return (postings); dismiss, take_down (reports)
	Reason   string `json:"reason"`
}

func (s *Server) postingReview(w http.ResponseWriter, r *http.Request) {
	var f decideForm
	_, id, err := pathObject(r, "posting", actorOf(r).Scope(), s.db.Posting)
	if err == nil {
		err = bind(r, &f)
	}
	if err == nil && f.Decision != "approve" && f.Decision != "return" {
		err = xiangpei.Errorf(xiangpei.Invalid, "job.decision_missing", "Choose a decision.")
	}
	var p store.Posting
	if err == nil {
		p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Posting, error) {
			return tx.ReviewPosting(a.Scope(), id, f.Version, f.Decision == "approve", f.Reason)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.postingShowPage(r, nil))
		return
	}
	s.postingChanged(r.Context(), p.ID)
	answer(w, r, http.StatusOK, s.postingJSON(stateOf(r).lang)(p), "/jobs/review", "posting_reviewed")
}

func (s *Server) postingMove(w http.ResponseWriter, r *http.Request, done string, fn func(*store.Tx, xiangpei.Scope, int64, versionForm) (store.Posting, error)) {
	var f versionForm
	id, err := pathID(r, "posting")
	if err == nil {
		err = bind(r, &f)
	}
	var p store.Posting
	if err == nil {
		p, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Posting, error) { return fn(tx, a.Scope(), id, f) })
	}
	if err != nil {
		s.formError(w, r, err, s.postingShowPage(r, nil))
		return
	}
	s.postingChanged(r.Context(), p.ID)
	answer(w, r, http.StatusOK, s.postingJSON(stateOf(r).lang)(p), postingPath(p.ID), done)
}

// ---- the officers' queues ----

type jobQueueData struct {
	Items  []postingView
	Pager  *pager
	Export string
}

func (s *Server) jobReviewQueue(w http.ResponseWriter, r *http.Request) {
	sc := actorOf(r).Scope()
	lang := stateOf(r).lang
	list, pages, ok := listAnswer(s, w, r, jobsPerPage, "postings", "job.review_title",
		func(pg store.Page) ([]store.Posting, int, error) { return s.db.PostingQueue(r.Context(), sc, pg) },
		s.postingJSON(lang), s.postingsXLSX)
	if !ok {
		return
	}
	d := jobQueueData{Pager: pages, Export: exportLink(r)}
	pl, levels := s.places(r), s.levelNames(r)
	for _, p := range list {
		d.Items = append(d.Items, s.postingViewOf(r, pl, levels, p))
	}
	s.render(w, r, http.StatusOK, "jobs_review", s.page(r, s.msg.T(lang, "job.review_title"), d))
}

type reportView struct {
	store.PostingReport
	Left    int // working days left (negative: overdue)
	Created string
}

type jobReportsData struct {
	Status   string
	Statuses []string
	Items    []reportView
	Pager    *pager
	Export   string
}

func (s *Server) reportViews(r *http.Request, list []store.PostingReport) []reportView {
	cal, _ := s.db.Calendar(r.Context())
	today := s.now()
	out := make([]reportView, 0, len(list))
	for _, x := range list {
		due := day(x.DueOn)
		left := cal.WorkdaysBetween(today, due)
		if xiangpei.ChinaDate(today) > x.DueOn {
			left = -cal.WorkdaysBetween(due, today)
		}
		out = append(out, reportView{PostingReport: x, Left: left, Created: x.CreatedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")})
	}
	return out
}

func (s *Server) jobReports(w http.ResponseWriter, r *http.Request) {
	sc := actorOf(r).Scope()
	status := r.URL.Query().Get("status")
	if status != "open" && status != "dismissed" && status != "taken_down" && status != "" {
		status = ""
	}
	if r.URL.Query().Get("status") == "" {
		status = "open"
	}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	if wantsXLSX(r) {
		all, err := exportAll(func(pg store.Page) ([]store.PostingReport, int, error) {
			return s.db.PostingReports(r.Context(), sc, status, pg)
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rows := make([][]any, 0, len(all))
		for _, v := range s.reportViews(r, all) {
			rows = append(rows, []any{strconv.FormatInt(v.ID, 10), v.PostingTitle, v.EmployerName, v.Reason, T("job.report_status." + v.Status), v.DueOn, v.Left, v.OutcomeReason})
		}
		s.download(w, r, "reports.xlsx", T("job.reports_title")+".xlsx", T("job.reports_title"),
			[]string{T("job.col_id"), T("job.col_title"), T("job.col_employer"), T("job.col_reason"), T("job.col_status"), T("job.col_due"), T("job.col_left"), T("job.col_outcome")}, rows, sheet.Options{})
		return
	}
	n, pg := listPage(r, jobsPerPage)
	list, total, err := s.db.PostingReports(r.Context(), sc, status, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views := s.reportViews(r, list)
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"reports": jsonList(views, func(v reportView) map[string]any {
			return map[string]any{"id": v.ID, "posting_id": v.PostingID, "posting_title": v.PostingTitle, "employer_name": v.EmployerName,
				"county": v.County, "reason": v.Reason, "status": v.Status, "due_on": v.DueOn, "working_days_left": v.Left,
				"outcome_reason": v.OutcomeReason, "created_at": v.CreatedAt, "version": v.Version}
		}), "total": total, "page": n, "per_page": jobsPerPage})
		return
	}
	d := jobReportsData{Status: status, Statuses: []string{"open", "dismissed", "taken_down"}, Items: views, Pager: pagerOf(r, n, total, jobsPerPage), Export: exportLink(r)}
	s.render(w, r, http.StatusOK, "jobs_reports", s.page(r, T("job.reports_title"), d))
}

func (s *Server) jobReportDecide(w http.ResponseWriter, r *http.Request) {
	var f decideForm
	id, err := pathID(r, "report")
	if err == nil {
		err = bind(r, &f)
	}
	if err == nil {
		_, err = s.db.PostingReport(r.Context(), actorOf(r).Scope(), id)
	}
	if err == nil && f.Decision != "dismiss" && f.Decision != "take_down" {
		err = xiangpei.Errorf(xiangpei.Invalid, "job.decision_missing", "Choose a decision.")
	}
	var x store.PostingReport
	if err == nil {
		x, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.PostingReport, error) {
			return tx.DecideReport(a.Scope(), id, f.Version, f.Decision == "take_down", f.Reason)
		})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.matchPosting(r.Context(), x.PostingID)
	answer(w, r, http.StatusOK, map[string]any{"id": x.ID, "status": x.Status, "outcome_reason": x.OutcomeReason, "version": x.Version},
		"/jobs/reports", "report_decided")
}
