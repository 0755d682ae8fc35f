package web

import (
	"net/http"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 就业跟踪 — employment follow-up (docs/employment-followup.md). A person reports their own
// employment at /me/employment; officers with the registry duty enter and verify records at
// /employment/records, import social-insurance contribution files at /employment/insurance
// (dry run, then commit), and work the follow-up queue /employment/follow-ups; officers and
// institutions read the employment rate after training at /employment/rates.

const (
	employmentPerPage = 30
	followUpsPerPage  = 30
)

func (s *Server) registerFollowUpRoutes() {
	person := Roles(xiangpei.RolePerson)
	officer := Duty(xiangpei.DutyRegistry)
	s.handleBoth("GET /me/employment", "/api/v1/me/employment", person, s.myEmployment)
	s.handleBoth("POST /me/employment", "/api/v1/me/employment", person, s.employmentReport)
	s.handleBoth("GET /employment/records", "/api/v1/employment/records", officer, s.employmentRecords)
	s.handleBoth("POST /employment/records", "/api/v1/employment/records", officer, s.employmentEnter)
	s.handleBoth("POST /employment/records/{record}/verify", "/api/v1/employment/records/{record}/verify", officer, s.employmentVerify)
	s.handleBoth("POST /employment/records/{record}/reject", "/api/v1/employment/records/{record}/reject", officer, s.employmentReject)
	s.handleBoth("GET /employment/follow-ups", "/api/v1/employment/follow-ups", officer, s.followUpQueue)
	s.handleBoth("POST /employment/follow-ups/{trainee}", "/api/v1/employment/follow-ups/{trainee}", officer, s.followUpRecord)
	s.handleBoth("POST /employment/follow-ups/graduates/{diploma}", "/api/v1/employment/follow-ups/graduates/{diploma}", officer,
		s.graduateFollowUpRecord)
	s.handleBoth("GET /employment/insurance", "/api/v1/employment/insurance", officer, s.insurancePage)
	s.handleBoth("POST /employment/insurance", "/api/v1/employment/insurance", officer, s.insuranceCheck)
	s.handleBoth("POST /employment/insurance/{upload}/commit", "/api/v1/employment/insurance/{upload}/commit", officer, s.insuranceCommit)
	s.handle("GET /employment/insurance-template.xlsx", officer, s.insuranceTemplate)
	s.handleBoth("GET /employment/rates", "/api/v1/employment/rates", Roles(xiangpei.RoleOfficer, xiangpei.RoleInstitution, xiangpei.RoleAdmin), s.employmentRates)
}

// ---- records ----

// employmentForm is a spell as typed: by the person about themself, or by an officer (with the
// person's ID number and name).
type employmentForm struct {
	IDNumber     string `json:"id_number"`
	Name         string `json:"name"`
	EmployerName string `json:"employer_name"`
	CreditCode   string `json:"credit_code"`
	Occupation   string `json:"occupation"`
	County       string `json:"county"`
	StartsOn     string `json:"starts_on"`
	EndsOn       string `json:"ends_on"`
	FullTime     bool   `json:"full_time"`
}

func (f employmentForm) entry() store.EmploymentEntry {
	return store.EmploymentEntry{IDNumber: f.IDNumber, Name: f.Name, EmployerName: f.EmployerName, CreditCode: f.CreditCode,
		Occupation: f.Occupation, County: f.County, StartsOn: f.StartsOn, EndsOn: f.EndsOn, FullTime: f.FullTime}
}

type employmentRowView struct {
	store.EmploymentRow
	Starts, Ends, CountyName, PersonCountyName, SourceName, Entered string
}

func (s *Server) employmentRowViews(r *http.Request, list []store.EmploymentRow) []employmentRowView {
	lang, pl := stateOf(r).lang, s.places(r)
	out := make([]employmentRowView, 0, len(list))
	for _, e := range list {
		v := employmentRowView{EmploymentRow: e, Starts: xiangpei.ChinaDate(e.StartsOn), CountyName: pl.name(e.County),
			PersonCountyName: pl.name(e.PersonCounty), SourceName: s.msg.T(lang, "job.emp_source."+string(e.Source)),
			Entered: e.CreatedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")}
		if !e.EndsOn.IsZero() {
			v.Ends = xiangpei.ChinaDate(e.EndsOn)
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) employmentRowJSON(r *http.Request) func(store.EmploymentRow) map[string]any {
	return func(e store.EmploymentRow) map[string]any {
		v := s.employmentRowViews(r, []store.EmploymentRow{e})[0]
		m := map[string]any{"id": e.ID, "person_id": e.PersonID, "person_name": e.PersonName, "id_number": e.MaskedID,
			"employer_id": e.EmployerID, "employer_name": e.EmployerName, "credit_code": e.CreditCode, "occupation": e.Occupation,
			"county": e.County, "source": e.Source, "starts_on": v.Starts, "ends_on": v.Ends, "full_time": e.FullTime,
			"verified": e.Verified, "rejected": e.Rejected(), "rejected_reason": e.RejectedReason, "created_at": e.CreatedAt}
		if e.Verified && !e.VerifiedAt.IsZero() {
			m["verified_at"] = e.VerifiedAt
		}
		return m
	}
}

type employmentMineData struct {
	Jobs     []employmentView
	Form     employmentForm
	Counties []store.Region
}

func (s *Server) myEmploymentPage(r *http.Request, f employmentForm) *formPage {
	return &formPage{"followup_mine", func() (*Page, error) {
		jobs, err := s.employmentViews(r, actorOf(r).PersonID)
		if err != nil {
			return nil, err
		}
		if f.StartsOn == "" && f.County == "" {
			f.FullTime = true
		}
		d := employmentMineData{Jobs: jobs, Form: f, Counties: s.places(r).Counties}
		return s.page(r, s.msg.T(stateOf(r).lang, "followup.mine_title"), d), nil
	}}
}

func (s *Server) myEmployment(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		jobs, err := s.employmentViews(r, actorOf(r).PersonID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"jobs": jsonList(jobs, employmentJSON)})
		return
	}
	s.show(w, r, s.myEmploymentPage(r, employmentForm{}))
}

func (s *Server) employmentReport(w http.ResponseWriter, r *http.Request) {
	var f employmentForm
	err := bind(r, &f)
	var e store.EmploymentRow
	if err == nil {
		e, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.EmploymentRow, error) {
			return tx.ReportEmployment(a.Scope(), f.entry())
		})
	}
	if err != nil {
		s.formError(w, r, err, s.myEmploymentPage(r, f))
		return
	}
	answer(w, r, http.StatusCreated, s.employmentRowJSON(r)(e), "/me/employment", "employment_reported")
}

type employmentRecordsData struct {
	Items      []employmentRowView
	Pager      *pager
	Export     string
	Unverified bool
	Rejected   bool
	Form       employmentForm
	Counties   []store.Region
}

func (s *Server) employmentFilter(r *http.Request) store.EmploymentFilter {
	status := r.URL.Query().Get("status")
	return store.EmploymentFilter{Unverified: status == "unverified", Rejected: status == "rejected",
		Source: xiangpei.EmploymentSource(r.URL.Query().Get("source"))}
}

func (s *Server) employmentRecordsXLSX(w http.ResponseWriter, r *http.Request, title string, fetch func(store.Page) ([]store.EmploymentRow, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	rows := make([][]any, 0, len(all))
	for _, v := range s.employmentRowViews(r, all) {
		rows = append(rows, []any{strconv.FormatInt(v.ID, 10), v.PersonName, v.MaskedID, v.PersonCountyName, v.EmployerName, v.CreditCode,
			v.Occupation, v.CountyName, v.Starts, v.Ends, yesNo(T, v.FullTime), v.SourceName, verifiedText(T, v.EmploymentRecord), v.Entered})
	}
	s.download(w, r, "employment-records.xlsx", title+".xlsx", title, []string{T("followup.col_id"), T("followup.col_person"),
		T("followup.col_id_number"), T("followup.col_person_county"), T("followup.col_employer"), T("followup.col_credit_code"),
		T("followup.col_occupation"), T("followup.col_county"), T("followup.col_starts"), T("followup.col_ends"), T("followup.col_full_time"),
		T("followup.col_source"), T("followup.col_verified"), T("followup.col_entered")}, rows, sheet.Options{})
}

func yesNo(T func(string) string, b bool) string {
	if b {
		return T("job.yes")
	}
	return T("job.no")
}

// verifiedText is a record's verification state in words: verified, not verified (rejected,
// with the reason) or waiting.
func verifiedText(T func(string) string, e xiangpei.EmploymentRecord) string {
	switch {
	case e.Verified:
		return T("followup.verified")
	case e.Rejected():
		return T("followup.rejected") + "：" + e.RejectedReason
	}
	return T("followup.unverified")
}

func (s *Server) employmentRecordsPage(r *http.Request, f employmentForm) *formPage {
	return &formPage{"followup_records", func() (*Page, error) {
		n, p := listPage(r, employmentPerPage)
		filter := s.employmentFilter(r)
		list, total, err := s.db.EmploymentRecords(r.Context(), actorOf(r).Scope(), filter, p)
		if err != nil {
			return nil, err
		}
		if f.County == "" {
			f.FullTime = true
		}
		d := employmentRecordsData{Items: s.employmentRowViews(r, list), Pager: pagerOf(r, n, total, employmentPerPage), Export: exportLink(r),
			Unverified: filter.Unverified, Rejected: filter.Rejected, Form: f, Counties: s.places(r).Counties}
		return s.page(r, s.msg.T(stateOf(r).lang, "followup.records_title"), d), nil
	}}
}

func (s *Server) employmentRecords(w http.ResponseWriter, r *http.Request) {
	a, filter := actorOf(r), s.employmentFilter(r)
	fetch := func(p store.Page) ([]store.EmploymentRow, int, error) {
		return s.db.EmploymentRecords(r.Context(), a.Scope(), filter, p)
	}
	title := s.msg.T(stateOf(r).lang, "followup.records_title")
	if _, _, ok := listAnswer(s, w, r, employmentPerPage, "records", title, fetch, s.employmentRowJSON(r), s.employmentRecordsXLSX); !ok {
		return
	}
	s.show(w, r, s.employmentRecordsPage(r, employmentForm{}))
}

func (s *Server) employmentEnter(w http.ResponseWriter, r *http.Request) {
	var f employmentForm
	err := bind(r, &f)
	var e store.EmploymentRow
	if err == nil {
		e, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.EmploymentRow, error) {
			return tx.EnterEmployment(a.Scope(), f.entry())
		})
	}
	if err != nil {
		s.formError(w, r, err, s.employmentRecordsPage(r, f))
		return
	}
	answer(w, r, http.StatusCreated, s.employmentRowJSON(r)(e), "/employment/records", "employment_entered")
}

func (s *Server) employmentVerify(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "record") // the store reads it within scope
	var e store.EmploymentRow
	if err == nil {
		e, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.EmploymentRow, error) {
			return tx.VerifySelfReport(a.Scope(), id)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.employmentRecordsPage(r, employmentForm{}))
		return
	}
	answer(w, r, http.StatusOK, s.employmentRowJSON(r)(e), "/employment/records?status=unverified", "self_report_verified")
}

// employmentReject rejects a self-report {record} found untrue, with the reason the person is told.
func (s *Server) employmentReject(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "record") // the store reads it within scope
	var f struct {
		Reason string `json:"reason"`
	}
	if err == nil {
		err = bind(r, &f)
	}
	var e store.EmploymentRow
	if err == nil {
		e, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.EmploymentRow, error) {
			return tx.RejectSelfReport(a.Scope(), id, f.Reason)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.employmentRecordsPage(r, employmentForm{}))
		return
	}
	answer(w, r, http.StatusOK, s.employmentRowJSON(r)(e), "/employment/records?status=unverified", "self_report_rejected")
}

// ---- follow-ups ----

type followUpView struct {
	store.FollowUpTask
	Completed, DueOn, CountyName string
}

// Key names the follow-up's form elements: t<trainee> or d<diploma>, then the month.
func (v followUpView) Key() string {
	if v.DiplomaID != 0 {
		return "d" + strconv.FormatInt(v.DiplomaID, 10)
	}
	return "t" + strconv.FormatInt(v.TraineeID, 10)
}

// Action is where the follow-up's form posts.
func (v followUpView) Action() string { return followUpPath(v.FollowUpTask) }

// followUpPath is where a follow-up's outcome is recorded: a trainee's, or a graduate's by diploma.
func followUpPath(f store.FollowUpTask) string {
	if f.DiplomaID != 0 {
		return "/employment/follow-ups/graduates/" + strconv.FormatInt(f.DiplomaID, 10)
	}
	return "/employment/follow-ups/" + strconv.FormatInt(f.TraineeID, 10)
}

func (s *Server) followUpViews(r *http.Request, list []store.FollowUpTask) []followUpView {
	pl := s.places(r)
	out := make([]followUpView, 0, len(list))
	for _, f := range list {
		out = append(out, followUpView{FollowUpTask: f, Completed: xiangpei.ChinaDate(f.CompletedOn), DueOn: xiangpei.ChinaDate(f.Due),
			CountyName: pl.name(f.County)})
	}
	return out
}

func (s *Server) followUpJSON(r *http.Request) func(store.FollowUpTask) map[string]any {
	return func(f store.FollowUpTask) map[string]any {
		return map[string]any{"trainee_id": f.TraineeID, "diploma_id": f.DiplomaID, "person_id": f.PersonID, "person_name": f.PersonName, "id_number": f.MaskedID,
			"class_id": f.ClassID, "class_name": f.ClassName, "county": f.County, "completed_on": xiangpei.ChinaDate(f.CompletedOn),
			"month": f.Month, "due_on": xiangpei.ChinaDate(f.Due), "overdue": f.Overdue, "employment_known": f.Employed,
			"known_employer": f.KnownEmployer, "record": "/api/v1" + followUpPath(f)}
	}
}

func (s *Server) followUpsXLSX(w http.ResponseWriter, r *http.Request, title string, fetch func(store.Page) ([]store.FollowUpTask, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	rows := make([][]any, 0, len(all))
	for _, v := range s.followUpViews(r, all) {
		state := T("followup.due")
		if v.Overdue {
			state = T("followup.overdue")
		}
		kind := T("followup.kind_training")
		if v.DiplomaID != 0 {
			kind = T("followup.kind_graduate")
		}
		rows = append(rows, []any{v.PersonName, v.MaskedID, kind, v.ClassName, v.CountyName, v.Completed, v.Month, v.DueOn, state,
			yesNo(T, v.Employed), v.KnownEmployer})
	}
	s.download(w, r, "follow-ups.xlsx", title+".xlsx", title, []string{T("followup.col_person"), T("followup.col_id_number"),
		T("followup.col_kind"), T("followup.col_class"), T("followup.col_county"), T("followup.col_completed"), T("followup.col_month"), T("followup.col_due"),
		T("followup.col_state"), T("followup.col_known"), T("followup.col_employer")}, rows, sheet.Options{})
}

type followUpData struct {
	Items    []followUpView
	Pager    *pager
	Export   string
	Outcomes []store.FollowUpOutcome
	Counties []store.Region
	Today    string
}

func (s *Server) followUpPage(r *http.Request) *formPage {
	return &formPage{"followup_queue", func() (*Page, error) {
		n, p := listPage(r, followUpsPerPage)
		list, total, err := s.db.FollowUps(r.Context(), actorOf(r).Scope(), p)
		if err != nil {
			return nil, err
		}
		d := followUpData{Items: s.followUpViews(r, list), Pager: pagerOf(r, n, total, followUpsPerPage), Export: exportLink(r),
			Outcomes: store.FollowUpOutcomes, Counties: s.places(r).Counties, Today: xiangpei.ChinaDate(s.now())}
		return s.page(r, s.msg.T(stateOf(r).lang, "followup.queue_title"), d), nil
	}}
}

func (s *Server) followUpQueue(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	fetch := func(p store.Page) ([]store.FollowUpTask, int, error) {
		return s.db.FollowUps(r.Context(), a.Scope(), p)
	}
	title := s.msg.T(stateOf(r).lang, "followup.queue_title")
	if _, _, ok := listAnswer(s, w, r, followUpsPerPage, "follow_ups", title, fetch, s.followUpJSON(r), s.followUpsXLSX); !ok {
		return
	}
	s.show(w, r, s.followUpPage(r))
}

// followUpRecord records the outcome of one follow-up of the completion {trainee}.
func (s *Server) followUpRecord(w http.ResponseWriter, r *http.Request) {
	s.recordFollowUp(w, r, "trainee", (*store.Tx).RecordFollowUp)
}

// graduateFollowUpRecord records the outcome of one follow-up of the graduate of {diploma}.
func (s *Server) graduateFollowUpRecord(w http.ResponseWriter, r *http.Request) {
	s.recordFollowUp(w, r, "diploma", (*store.Tx).RecordGraduateFollowUp)
}

// recordFollowUp binds a follow-up's outcome and records it for the completion named by the
// path parameter param with record.
func (s *Server) recordFollowUp(w http.ResponseWriter, r *http.Request, param string,
	record func(*store.Tx, xiangpei.Scope, int64, store.FollowUpInput) (int64, error)) {
	id, err := pathID(r, param)
	var f struct {
		Month        int    `json:"month"`
		Outcome      string `json:"outcome"`
		Note         string `json:"note"`
		EmployerName string `json:"employer_name"`
		CreditCode   string `json:"credit_code"`
		Occupation   string `json:"occupation"`
		County       string `json:"county"`
		StartsOn     string `json:"starts_on"`
		EndsOn       string `json:"ends_on"`
		FullTime     bool   `json:"full_time"`
	}
	if err == nil {
		err = bind(r, &f)
	}
	var out int64
	if err == nil {
		in := store.FollowUpInput{Month: f.Month, Outcome: store.FollowUpOutcome(f.Outcome), Note: f.Note,
			Job: store.EmploymentEntry{EmployerName: f.EmployerName, CreditCode: f.CreditCode, Occupation: f.Occupation, County: f.County,
				StartsOn: f.StartsOn, EndsOn: f.EndsOn, FullTime: f.FullTime}}
		out, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (int64, error) { return record(tx, a.Scope(), id, in) })
	}
	if err != nil {
		s.formError(w, r, err, s.followUpPage(r))
		return
	}
	answer(w, r, http.StatusCreated, map[string]any{"id": out, param + "_id": id, "month": f.Month, "outcome": f.Outcome},
		"/employment/follow-ups", "follow_up_recorded")
}

// ---- rates ----

type rateRowView struct {
	Key, Label                string
	This, Last                xiangpei.Rate
	ThisRate, LastRate, Delta string
	MeetsGoal, HasLast        bool
	Pending                   xiangpei.Rate
}

type ratesData struct {
	Group  xiangpei.RateGroup
	Groups []xiangpei.RateGroup
	Year   int
	Years  []int
	Rows   []rateRowView
	Total  rateRowView
	Open   xiangpei.Rate
	AsOf   string
	Export string
}

// pct formats basis points as a percentage with two decimals.
func pct(bp int) string { return strconv.FormatFloat(float64(bp)/100, 'f', 2, 64) + "%" }

// points formats a change in basis points as percentage points with a sign.
func points(bp int) string {
	s := strconv.FormatFloat(float64(bp)/100, 'f', 2, 64)
	if bp > 0 {
		s = "+" + s
	}
	return s
}

func (s *Server) rateView(r *http.Request, rep store.RateReport, g xiangpei.GroupRate, labels map[string]string) rateRowView {
	v := rateRowView{Key: g.Key, Label: g.Key, This: g.This, Last: g.Last, ThisRate: pct(g.This.BasisPoints()), MeetsGoal: g.MeetsGoal,
		HasLast: g.Last.Completers > 0, Pending: rep.Pending[g.Key]}
	if l, ok := labels[g.Key]; ok && l != "" {
		v.Label = l
	}
	if g.This.Completers == 0 {
		v.ThisRate = "—"
	}
	v.LastRate, v.Delta = "—", "—"
	if v.HasLast {
		v.LastRate = pct(g.Last.BasisPoints())
		if g.This.Completers > 0 {
			v.Delta = points(g.DeltaBP)
		}
	}
	return v
}

// rateLabels names the keys of a grouping in the request's language.
func (s *Server) rateLabels(r *http.Request, rep store.RateReport) map[string]string {
	lang := stateOf(r).lang
	out := map[string]string{}
	for k, v := range rep.Labels {
		out[k] = v
	}
	switch rep.Group {
	case xiangpei.ByCounty:
		pl := s.places(r)
		for _, row := range rep.Rows {
			out[row.Key] = pl.name(row.Key)
		}
		for k := range rep.Pending {
			out[k] = pl.name(k)
		}
	case xiangpei.ByProgram:
		for _, f := range xiangpei.Fundings {
			out[string(f)] = s.msg.T(lang, "followup.program."+string(f))
		}
	case xiangpei.ByKeyGroup:
		if kgs, err := s.db.ListKeyGroups(r.Context()); err == nil {
			for _, g := range kgs {
				out[g.Code] = g.NameZh
				if lang == "en" && g.NameEn != "" {
					out[g.Code] = g.NameEn
				}
			}
		}
	}
	return out
}

func (s *Server) ratesData(r *http.Request, rep store.RateReport) ratesData {
	labels := s.rateLabels(r, rep)
	d := ratesData{Group: rep.Group, Groups: xiangpei.RateGroups, Year: rep.Year, Open: rep.Open,
		AsOf: xiangpei.ChinaDate(rep.AsOf), Export: exportLink(r)}
	for y := s.now().In(xiangpei.ChinaTime).Year(); y >= s.now().In(xiangpei.ChinaTime).Year()-4; y-- {
		d.Years = append(d.Years, y)
	}
	seen := map[string]bool{}
	for _, g := range rep.Rows {
		d.Rows = append(d.Rows, s.rateView(r, rep, g, labels))
		seen[g.Key] = true
	}
	for k, p := range rep.Pending { // groups with open completions only
		if !seen[k] {
			v := s.rateView(r, rep, xiangpei.CompareRates(k, xiangpei.Rate{}, xiangpei.Rate{}), labels)
			v.Pending = p
			d.Rows = append(d.Rows, v)
		}
	}
	d.Total = s.rateView(r, rep, rep.Total, nil)
	d.Total.Pending = rep.Open
	return d
}

func rateJSON(v rateRowView) map[string]any {
	m := map[string]any{"key": v.Key, "label": v.Label, "completers": v.This.Completers, "employed": v.This.Employed,
		"rate_bp": v.This.BasisPoints(), "last_completers": v.Last.Completers, "last_employed": v.Last.Employed,
		"last_rate_bp": v.Last.BasisPoints(), "meets_goal": v.MeetsGoal, "open_completers": v.Pending.Completers, "open_employed": v.Pending.Employed}
	if v.HasLast && v.This.Completers > 0 {
		m["change_bp"] = v.This.BasisPoints() - v.Last.BasisPoints()
	}
	return m
}

func (s *Server) employmentRates(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	g := xiangpei.RateGroup(q.Get("by"))
	if g == "" {
		g = xiangpei.ByInstitution
	}
	year := s.now().In(xiangpei.ChinaTime).Year()
	if y := strings.TrimSpace(q.Get("year")); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			n = -1
		}
		year = n
	}
	rep, err := s.db.EmploymentRates(r.Context(), actorOf(r).Scope(), g, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := s.ratesData(r, rep)
	lang := stateOf(r).lang
	T := func(k string, a ...any) string { return s.msg.T(lang, k, a...) }
	title := T("followup.rates_title", year)
	switch {
	case wantsXLSX(r):
		rows := make([][]any, 0, len(d.Rows)+1)
		for _, v := range append(d.Rows, d.Total) {
			label := v.Label
			if v.Key == "" {
				label = T("followup.total")
			}
			goal := ""
			if v.MeetsGoal {
				goal = T("job.yes")
			} else if v.HasLast && v.This.Completers > 0 {
				goal = T("job.no")
			}
			rows = append(rows, []any{label, v.This.Completers, v.This.Employed, v.ThisRate, v.Last.Completers, v.Last.Employed, v.LastRate,
				v.Delta, goal, v.Pending.Completers, v.Pending.Employed})
		}
		s.download(w, r, "employment-rates.xlsx", title+".xlsx", T("followup.rates_sheet"), []string{T("followup.col_group." + string(g)),
			T("followup.col_completers"), T("followup.col_employed"), T("followup.col_rate"), T("followup.col_last_completers"),
			T("followup.col_last_employed"), T("followup.col_last_rate"), T("followup.col_change"), T("followup.col_goal"),
			T("followup.col_open_completers"), T("followup.col_open_employed")}, rows, sheet.Options{})
	case stateOf(r).api:
		writeJSON(w, http.StatusOK, map[string]any{"by": g, "year": year, "as_of": d.AsOf, "goal_bp": xiangpei.RateGoalBP,
			"rows": jsonList(d.Rows, rateJSON), "total": rateJSON(d.Total)})
	default:
		s.render(w, r, http.StatusOK, "followup_rates", s.page(r, title, d))
	}
}

// ---- social-insurance import ----

var insuranceColumns = []sheet.Column{
	{Key: "id", Names: []string{"身份证号", "公民身份号码", "身份证号码", "证件号码", "ID number"}, Required: true, Kind: sheet.Number},
	{Key: "name", Names: []string{"姓名", "Name"}, Required: true},
	{Key: "employer", Names: []string{"单位名称", "缴费单位", "Employer"}, Required: true},
	{Key: "code", Names: []string{"统一社会信用代码", "信用代码", "Credit code"}, Required: true},
	{Key: "month", Names: []string{"缴费月份", "费款所属期", "所属期", "Month"}, Required: true},
	{Key: "kind", Names: []string{"险种", "险种类型", "Insurance"}, Required: true},
	{Key: "base", Names: []string{"缴费基数", "Base"}, Required: true},
}

func insuranceFileLimits() sheet.Limits {
	lim := sheet.DefaultLimits()
	lim.MaxRows = store.MaxInsuranceLines
	return lim
}

func insuranceLines(data []byte, name string) ([]store.InsuranceLine, error) {
	tb, err := sheet.Read(strings.NewReader(string(data)), name, insuranceFileLimits(), insuranceColumns)
	if err != nil {
		return nil, err
	}
	lines := make([]store.InsuranceLine, 0, len(tb.Rows))
	for _, row := range tb.Rows {
		v := row.Values
		lines = append(lines, store.InsuranceLine{Line: row.Line, IDNumber: v["id"], Name: v["name"], Employer: v["employer"],
			CreditCode: v["code"], Month: v["month"], Kind: v["kind"], Base: v["base"], Lossy: row.Lossy["id"]})
	}
	return lines, nil
}

type insuranceCheckLine struct {
	Line     int
	Name     string
	MaskedID string
	Month    string
	Reasons  []string
}

type insuranceData struct {
	MaxRows int
	Checked bool
	Name    string
	Upload  int64
	Good    int
	Known   int
	Refused []insuranceCheckLine
}

func (s *Server) insuranceView(r *http.Request, d insuranceData) *Page {
	d.MaxRows = store.MaxInsuranceLines
	return s.page(r, s.msg.T(stateOf(r).lang, "followup.import_title"), d)
}

func (s *Server) insurancePage(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		cols := make([]string, 0, len(insuranceColumns))
		for _, c := range insuranceColumns {
			cols = append(cols, c.Names[0])
		}
		writeJSON(w, http.StatusOK, map[string]any{"columns": cols, "max_rows": store.MaxInsuranceLines})
		return
	}
	s.render(w, r, http.StatusOK, "followup_import", s.insuranceView(r, insuranceData{}))
}

func (s *Server) insuranceCheck(w http.ResponseWriter, r *http.Request) {
	again := &formPage{"followup_import", func() (*Page, error) { return s.insuranceView(r, insuranceData{}), nil }}
	ic, u, err := dryRun(s, r, insuranceFileLimits().MaxBytes,
		xiangpei.Errorf(xiangpei.Invalid, "followup.import_no_file", "Choose the contribution file (.xlsx or .csv) to upload."), insuranceLines,
		store.Upload{Purpose: store.UploadInsurance}, func(tx *store.Tx, a xiangpei.Actor, u store.Upload, lines []store.InsuranceLine) (store.InsuranceCheck, error) {
			ic, err := tx.CheckInsuranceImport(a.Scope(), u.SHA256, lines)
			if err != nil {
				return ic, err
			}
			return ic, tx.RecordInsuranceCheck(u, ic)
		})
	if err != nil {
		s.formError(w, r, err, again)
		return
	}
	if stateOf(r).api {
		rows := jsonList(ic.Lines, func(l store.InsuranceLineCheck) map[string]any {
			return map[string]any{"line": l.Line, "ok": len(l.Reasons) == 0, "known": l.Known, "name": l.Name, "id_number": maskTyped(l.IDNumber),
				"month": l.MonthKey, "kind": l.KindKey, "reasons": s.rosterReasonsJSON(r, l.Reasons)}
		})
		writeJSON(w, http.StatusOK, map[string]any{"upload_id": u.ID, "good": ic.Good, "refused": ic.Refused, "known": ic.Known,
			"rows": rows, "commit": "/api/v1/employment/insurance/" + strconv.FormatInt(u.ID, 10) + "/commit"})
		return
	}
	d := insuranceData{Checked: true, Name: u.Name, Upload: u.ID, Good: ic.Good, Known: ic.Known}
	for _, l := range ic.Lines {
		if len(l.Reasons) > 0 {
			d.Refused = append(d.Refused, insuranceCheckLine{Line: l.Line, Name: l.Name, MaskedID: maskTyped(l.IDNumber), Month: l.Month,
				Reasons: s.rosterReasons(r, l.Reasons)})
		}
	}
	s.render(w, r, http.StatusOK, "followup_import_check", s.insuranceView(r, d))
}

func (s *Server) insuranceCommit(w http.ResponseWriter, r *http.Request) {
	upload, err := pathID(r, "upload")
	var res store.InsuranceImported
	if err == nil {
		res, err = commitKept(s, r, upload, store.UploadInsurance, 0, insuranceLines,
			func(tx *store.Tx, a xiangpei.Actor, lines []store.InsuranceLine) (store.InsuranceImported, error) {
				return tx.CommitInsuranceImport(a.Scope(), upload, lines)
			})
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"followup_import", func() (*Page, error) { return s.insuranceView(r, insuranceData{}), nil }})
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"import_id": res.ImportID, "upload_id": upload, "lines": res.Lines, "new_months": res.NewMonths,
		"known": res.Known, "spells": res.Spells, "verified": res.Verified}, "/employment/records?source=insurance_import", "insurance_imported")
}

// insuranceTemplate is the contribution file template: the header and one made-up row, the ID
// number and month columns formatted as text.
func (s *Server) insuranceTemplate(w http.ResponseWriter, r *http.Request) {
	header := make([]string, 0, len(insuranceColumns))
	for _, c := range insuranceColumns {
		header = append(header, c.Names[0])
	}
	rows := [][]any{{"11010519491231002X", "张三", "株洲某物流有限公司", "91430211MA4L00001X", "202603", "养老", "4500.00"}}
	s.download(w, r, "insurance-template.xlsx", "社保缴费导入模板.xlsx", "缴费", header, rows, sheet.Options{TextCols: []int{1, 4, 5},
		Widths: map[int]float64{1: 22, 2: 10, 3: 28, 4: 22, 5: 10, 6: 8, 7: 10}})
}
