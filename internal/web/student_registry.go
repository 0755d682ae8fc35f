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

// 教 — the student registry (docs/schools.md "Student registry and graduation"). A school lists
// its students at /school/students (filters by major, entry year and status; Excel), reads one
// record with its history at /school/students/{student} and requests a change there; its
// requests and the graduation of a cohort are at /school/student-changes. The city's officer
// decides the pending requests of the region at /student-changes; /school-registry gives the
// yearly registration counts per school, major and grade. Officers of a county read all of
// this within their county but do not decide.

const (
	studentsPerPage       = 30
	studentChangesPerPage = 20
)

func (s *Server) registerStudentRegistryRoutes() {
	school := Roles(xiangpei.RoleSchool)
	readers := Roles(xiangpei.RoleSchool, xiangpei.RoleOfficer)
	decider := Duty(xiangpei.DutyClassReview)
	s.handleBoth("GET /school/students", "/api/v1/school/students", readers, s.schoolStudents)
	s.handleBoth("GET /school/students/{student}", "/api/v1/school/students/{student}", readers, s.schoolStudent)
	s.handleBoth("POST /school/students/{student}/changes", "/api/v1/school/students/{student}/changes", school, s.studentChangeRequest)
	s.handleBoth("GET /school/student-changes", "/api/v1/school/student-changes", school, s.schoolStudentChanges)
	s.handleBoth("POST /school/graduations", "/api/v1/school/graduations", school, s.graduationRequest)
	s.handleBoth("GET /student-changes", "/api/v1/student-changes", decider, s.studentChangeQueue)
	s.handleBoth("GET /student-changes/{studentchange}", "/api/v1/student-changes/{studentchange}", readers, s.studentChangeShow)
	s.handleBoth("POST /student-changes/{studentchange}/decide", "/api/v1/student-changes/{studentchange}/decide", decider, s.studentChangeDecide)
	s.handleBoth("GET /school-registry", "/api/v1/school-registry", readers, s.schoolRegistry)
}

func studentPath(id int64) string       { return "/school/students/" + strconv.FormatInt(id, 10) }
func studentChangePath(id int64) string { return "/student-changes/" + strconv.FormatInt(id, 10) }

func chinaDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return xiangpei.ChinaDate(t)
}

func parseChinaDay(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), xiangpei.ChinaTime)
	if err != nil {
		return time.Time{}
	}
	return t
}

// ---- views ----

type studentView struct {
	store.StudentRow
	StatusName, Enrolled, Left string
	Grade                      int
}

func (s *Server) studentViewOf(r *http.Request, x store.StudentRow) studentView {
	v := studentView{StudentRow: x, StatusName: s.msg.T(stateOf(r).lang, "schoolreg.status."+string(x.Status)),
		Enrolled: chinaDay(x.EnrolledOn), Left: chinaDay(x.LeftOn)}
	if x.Status.Studying() || x.Status == xiangpei.StudentSuspended {
		v.Grade = x.Grade(s.now())
	}
	return v
}

func (s *Server) studentJSON(r *http.Request) func(store.StudentRow) map[string]any {
	return func(x store.StudentRow) map[string]any {
		v := s.studentViewOf(r, x)
		return map[string]any{"id": x.ID, "number": x.Number, "person_id": x.PersonID, "person_name": x.PersonName, "id_number": x.MaskedID(),
			"school_id": x.SchoolID, "school_name": x.SchoolName, "major_id": x.MajorID, "major_code": x.MajorCode, "major_name": x.MajorName,
			"entry_year": x.EntryYear, "grade": v.Grade, "status": x.Status, "status_text": v.StatusName, "enrolled_on": v.Enrolled,
			"left_on": v.Left, "transferred_from": x.TransferredFrom != 0, "version": x.Version}
	}
}

type changeView struct {
	store.StudentChange
	ActionName, StatusName        string
	Effective, Requested, Decided string
	Cohort                        bool
}

func (s *Server) changeViewOf(r *http.Request, c store.StudentChange) changeView {
	lang := stateOf(r).lang
	v := changeView{StudentChange: c, ActionName: s.msg.T(lang, "schoolreg.action."+string(c.Action)),
		StatusName: s.msg.T(lang, "schoolreg.change_status."+string(c.Status)), Effective: chinaDay(c.EffectiveOn),
		Requested: c.RequestedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"), Cohort: c.StudentID == 0}
	if !c.DecidedAt.IsZero() {
		v.Decided = c.DecidedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")
	}
	return v
}

func (s *Server) changeViews(r *http.Request, list []store.StudentChange) []changeView {
	out := make([]changeView, 0, len(list))
	for _, c := range list {
		out = append(out, s.changeViewOf(r, c))
	}
	return out
}

func (s *Server) studentChangeJSON(r *http.Request) func(store.StudentChange) map[string]any {
	return func(c store.StudentChange) map[string]any {
		v := s.changeViewOf(r, c)
		return map[string]any{"id": c.ID, "school_id": c.SchoolID, "school_name": c.SchoolName, "county": c.County, "action": c.Action,
			"action_text": v.ActionName, "student_id": c.StudentID, "student_number": c.StudentNumber, "person_name": c.PersonName,
			"from_status": c.FromStatus, "major_id": c.MajorID, "major_code": c.MajorCode, "major_name": c.MajorName, "entry_year": c.EntryYear,
			"to_school_id": c.ToSchoolID, "to_school_name": c.ToSchoolName, "to_major_id": c.ToMajorID, "to_major_name": c.ToMajorName,
			"new_student_id": c.NewStudentID, "reason": c.Reason, "effective_on": v.Effective, "status": c.Status, "status_text": v.StatusName,
			"requested_at": c.RequestedAt, "decided_at": v.Decided, "decision_reason": c.DecisionReason, "affected": c.Affected, "version": c.Version}
	}
}

func diplomaJSON(d store.Diploma) map[string]any {
	return map[string]any{"id": d.ID, "number": d.Number, "student_id": d.StudentID, "school_name": d.SchoolName, "major_name": d.MajorName,
		"occupation": d.Occupation, "graduated_on": chinaDay(d.GraduatedOn), "dual_certificate": d.DualCertificate(),
		"certificate_id": d.CertID, "certificate_number": d.CertNumber}
}

// ---- the students list ----

type studentsData struct {
	Items     []studentView
	Pager     *pager
	Export    string
	Majors    []xiangpei.Major
	Statuses  []xiangpei.StudentStatus
	MajorID   int64
	EntryYear int
	Status    string
	Query     string
	School    bool
}

func studentFilterOf(r *http.Request) store.StudentFilter {
	q := r.URL.Query()
	f := store.StudentFilter{Status: xiangpei.StudentStatus(q.Get("status")), Query: strings.TrimSpace(q.Get("q"))}
	if !f.Status.Valid() {
		f.Status = ""
	}
	f.MajorID, _ = strconv.ParseInt(q.Get("major"), 10, 64)
	f.EntryYear, _ = strconv.Atoi(q.Get("entry_year"))
	return f
}

func (s *Server) studentsXLSX(w http.ResponseWriter, r *http.Request, name string, fetch func(store.Page) ([]store.StudentRow, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	T := func(k string) string { return s.msg.T(stateOf(r).lang, k) }
	rows := make([][]any, 0, len(all))
	for _, x := range all {
		v := s.studentViewOf(r, x)
		rows = append(rows, []any{x.Number, x.PersonName, x.MaskedID(), x.SchoolName, x.MajorCode, x.MajorName, x.EntryYear, v.Grade,
			v.StatusName, v.Enrolled, v.Left})
	}
	s.download(w, r, "students.xlsx", T(name)+".xlsx", T(name), []string{T("schoolreg.col_number"), T("schoolreg.col_name"),
		T("schoolreg.col_id_number"), T("schoolreg.col_school"), T("schoolreg.col_major_code"), T("schoolreg.col_major"), T("schoolreg.col_entry_year"),
		T("schoolreg.col_grade"), T("schoolreg.col_status"), T("schoolreg.col_enrolled"), T("schoolreg.col_left")}, rows, sheet.Options{})
}

func (s *Server) schoolStudents(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	f := studentFilterOf(r)
	fetch := func(pg store.Page) ([]store.StudentRow, int, error) {
		return s.db.Students(r.Context(), a.Scope(), f, pg)
	}
	list, pages, ok := listAnswer(s, w, r, studentsPerPage, "students", "schoolreg.students_title", fetch, s.studentJSON(r), s.studentsXLSX)
	if !ok {
		return
	}
	d := studentsData{Pager: pages, Export: exportLink(r), Statuses: xiangpei.StudentStatuses, MajorID: f.MajorID, EntryYear: f.EntryYear,
		Status: string(f.Status), Query: f.Query, School: a.Role == xiangpei.RoleSchool}
	for _, x := range list {
		d.Items = append(d.Items, s.studentViewOf(r, x))
	}
	if d.School {
		var err error
		if d.Majors, err = s.db.Majors(r.Context(), a.OrgID, false); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "school_students", s.page(r, s.msg.T(stateOf(r).lang, "schoolreg.students_title"), d))
}

// ---- one record ----

type studentData struct {
	S          studentView
	History    []changeView
	Diplomas   []store.Diploma
	Out, In    store.TransferLink
	Targets    []store.SchoolOption
	Actions    []xiangpei.StudentAction
	Form       changeForm
	CanRequest bool
}

type changeForm struct {
	Action      string `json:"action"`
	Reason      string `json:"reason"`
	EffectiveOn string `json:"effective_on"`
	ToSchoolID  int64  `json:"to_school_id"`
	ToMajorID   int64  `json:"to_major_id"`
	Version     int    `json:"version"`
}

func (s *Server) studentPage(r *http.Request, form *changeForm) *formPage {
	return &formPage{"school_student", func() (*Page, error) {
		a := actorOf(r)
		x, _, err := pathObject(r, "student", a.Scope(), s.db.Student)
		if err != nil {
			return nil, err
		}
		d := studentData{S: s.studentViewOf(r, x), CanRequest: a.Role == xiangpei.RoleSchool && !x.Status.Final()}
		hist, _, err := s.db.StudentChanges(r.Context(), a.Scope(), store.StudentChangeFilter{StudentID: x.ID}, store.Page{Limit: 100})
		if err != nil {
			return nil, err
		}
		d.History = s.changeViews(r, hist)
		if d.Diplomas, err = s.db.Diplomas(r.Context(), a.Scope(), x.ID); err != nil {
			return nil, err
		}
		if d.Out, d.In, err = s.db.TransferLinks(r.Context(), a.Scope(), x.ID); err != nil {
			return nil, err
		}
		if d.CanRequest {
			for _, act := range []xiangpei.StudentAction{xiangpei.StudentSuspend, xiangpei.StudentResume, xiangpei.StudentTransfer, xiangpei.StudentWithdraw} {
				if _, err := x.Status.Next(act); err == nil {
					d.Actions = append(d.Actions, act)
				}
			}
			if d.Targets, err = s.db.TransferTargets(r.Context(), x.SchoolID); err != nil {
				return nil, err
			}
		}
		d.Form = changeForm{EffectiveOn: xiangpei.ChinaDate(s.now()), Version: x.Version}
		if form != nil {
			d.Form = *form
		}
		return s.page(r, x.PersonName+" "+x.Number, d), nil
	}}
}

func (s *Server) schoolStudent(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		a := actorOf(r)
		x, _, err := pathObject(r, "student", a.Scope(), s.db.Student)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		hist, _, err := s.db.StudentChanges(r.Context(), a.Scope(), store.StudentChangeFilter{StudentID: x.ID}, store.Page{Limit: 100})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		dips, err := s.db.Diplomas(r.Context(), a.Scope(), x.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out, in, err := s.db.TransferLinks(r.Context(), a.Scope(), x.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m := s.studentJSON(r)(x)
		m["history"], m["diplomas"] = jsonList(hist, s.studentChangeJSON(r)), jsonList(dips, diplomaJSON)
		if out.SchoolName != "" {
			m["transferred_to"] = map[string]any{"school_name": out.SchoolName, "major_name": out.MajorName, "on": chinaDay(out.On)}
		}
		if in.SchoolName != "" {
			m["transferred_in_from"] = map[string]any{"school_name": in.SchoolName, "major_name": in.MajorName, "on": chinaDay(in.On)}
		}
		writeJSON(w, http.StatusOK, m)
		return
	}
	s.show(w, r, s.studentPage(r, nil))
}

func (s *Server) studentChangeRequest(w http.ResponseWriter, r *http.Request) {
	var f changeForm
	err := bind(r, &f)
	var c store.StudentChange
	if err == nil {
		var id int64
		if id, err = pathID(r, "student"); err == nil {
			if f.ToMajorID != 0 && f.ToSchoolID == 0 {
				if m, merr := s.db.Major(r.Context(), f.ToMajorID); merr == nil {
					f.ToSchoolID = m.SchoolID
				}
			}
			c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.StudentChange, error) {
				return tx.RequestStudentChange(a.Scope(), id, f.Version, xiangpei.StudentChangeRequest{Action: xiangpei.StudentAction(f.Action),
					Reason: f.Reason, EffectiveOn: parseChinaDay(f.EffectiveOn), ToSchoolID: f.ToSchoolID, ToMajorID: f.ToMajorID})
			})
		}
	}
	if err != nil {
		s.formError(w, r, err, s.studentPage(r, &f))
		return
	}
	answer(w, r, http.StatusCreated, s.studentChangeJSON(r)(c), studentPath(c.StudentID), "student_change_requested")
}

// ---- requests ----

type changesData struct {
	Items    []changeView
	Pager    *pager
	Export   string
	Status   string
	Officer  bool
	Majors   []xiangpei.Major
	Form     graduationForm
	Statuses []xiangpei.StudentChangeStatus
}

type graduationForm struct {
	MajorID     int64  `json:"major_id"`
	EntryYear   int    `json:"entry_year"`
	GraduatedOn string `json:"graduated_on"`
	Reason      string `json:"reason"`
}

func (s *Server) changesXLSX(w http.ResponseWriter, r *http.Request, name string, fetch func(store.Page) ([]store.StudentChange, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	T := func(k string) string { return s.msg.T(stateOf(r).lang, k) }
	rows := make([][]any, 0, len(all))
	for _, v := range s.changeViews(r, all) {
		who := v.StudentNumber + " " + v.PersonName
		if v.Cohort {
			who = strconv.Itoa(v.EntryYear)
		}
		rows = append(rows, []any{strconv.FormatInt(v.ID, 10), v.SchoolName, v.ActionName, who, v.MajorName, v.ToSchoolName, v.Reason,
			v.Effective, v.StatusName, v.Requested, v.Decided, v.DecisionReason, v.Affected})
	}
	s.download(w, r, "student-changes.xlsx", T(name)+".xlsx", T(name), []string{T("schoolreg.col_id"), T("schoolreg.col_school"),
		T("schoolreg.col_action"), T("schoolreg.col_student"), T("schoolreg.col_major"), T("schoolreg.col_to_school"), T("schoolreg.col_reason"),
		T("schoolreg.col_effective"), T("schoolreg.col_status"), T("schoolreg.col_requested"), T("schoolreg.col_decided"),
		T("schoolreg.col_decision_reason"), T("schoolreg.col_affected")}, rows, sheet.Options{})
}

func (s *Server) changesPage(r *http.Request, title string, f store.StudentChangeFilter, list []store.StudentChange, pages *pager, form graduationForm) (*Page, error) {
	a := actorOf(r)
	d := changesData{Items: s.changeViews(r, list), Pager: pages, Export: exportLink(r), Status: string(f.Status),
		Officer: a.Role == xiangpei.RoleOfficer, Form: form, Statuses: xiangpei.StudentChangeStatuses}
	if a.Role == xiangpei.RoleSchool {
		var err error
		if d.Majors, err = s.db.Majors(r.Context(), a.OrgID, false); err != nil {
			return nil, err
		}
	}
	return s.page(r, s.msg.T(stateOf(r).lang, title), d), nil
}

func (s *Server) changesList(w http.ResponseWriter, r *http.Request, title string, f store.StudentChangeFilter) {
	a := actorOf(r)
	fetch := func(pg store.Page) ([]store.StudentChange, int, error) {
		return s.db.StudentChanges(r.Context(), a.Scope(), f, pg)
	}
	list, pages, ok := listAnswer(s, w, r, studentChangesPerPage, "student_changes", title, fetch, s.studentChangeJSON(r), s.changesXLSX)
	if !ok {
		return
	}
	p, err := s.changesPage(r, title, f, list, pages, graduationForm{GraduatedOn: xiangpei.ChinaDate(s.now())})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "student_changes", p)
}

func changeFilterOf(r *http.Request, def xiangpei.StudentChangeStatus) store.StudentChangeFilter {
	st := xiangpei.StudentChangeStatus(r.URL.Query().Get("status"))
	switch {
	case r.URL.Query().Get("status") == "all":
		st = ""
	case st == "":
		st = def
	case st != xiangpei.StudentChangePending && st != xiangpei.StudentChangeApproved && st != xiangpei.StudentChangeRejected:
		st = def
	}
	return store.StudentChangeFilter{Status: st}
}

func (s *Server) schoolStudentChanges(w http.ResponseWriter, r *http.Request) {
	s.changesList(w, r, "schoolreg.school_changes_title", changeFilterOf(r, ""))
}

func (s *Server) studentChangeQueue(w http.ResponseWriter, r *http.Request) {
	s.changesList(w, r, "schoolreg.queue_title", changeFilterOf(r, xiangpei.StudentChangePending))
}

func (s *Server) graduationRequest(w http.ResponseWriter, r *http.Request) {
	var f graduationForm
	err := bind(r, &f)
	if err == nil && (f.MajorID <= 0 || f.EntryYear < 2000) {
		err = xiangpei.Errorf(xiangpei.Invalid, "student_change.cohort", "Choose the major and the entry year of the cohort.")
	}
	var c store.StudentChange
	if err == nil {
		c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.StudentChange, error) {
			return tx.RequestGraduation(a.Scope(), f.MajorID, f.EntryYear, parseChinaDay(f.GraduatedOn), f.Reason)
		})
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"student_changes", func() (*Page, error) {
			a := actorOf(r)
			list, total, err := s.db.StudentChanges(r.Context(), a.Scope(), store.StudentChangeFilter{}, store.Page{Limit: studentChangesPerPage})
			if err != nil {
				return nil, err
			}
			return s.changesPage(r, "schoolreg.school_changes_title", store.StudentChangeFilter{}, list, pagerOf(r, 1, total, studentChangesPerPage), f)
		}})
		return
	}
	answer(w, r, http.StatusCreated, s.studentChangeJSON(r)(c), studentChangePath(c.ID), "graduation_requested")
}

// ---- one request and its decision ----

type changeData struct {
	C         changeView
	CanDecide bool
	Form      changeDecideForm
}

type changeDecideForm struct {
	Decision string `json:"decision"` // approve or reject
	Reason   string `json:"reason"`
	Version  int    `json:"version"`
}

func (s *Server) changePage(r *http.Request, form *changeDecideForm) *formPage {
	return &formPage{"student_change", func() (*Page, error) {
		a := actorOf(r)
		c, _, err := pathObject(r, "studentchange", a.Scope(), s.db.StudentChange)
		if err != nil {
			return nil, err
		}
		d := changeData{C: s.changeViewOf(r, c), CanDecide: c.Status == xiangpei.StudentChangePending && xiangpei.ApprovesStudentChanges(a),
			Form: changeDecideForm{Version: c.Version}}
		if form != nil {
			d.Form = *form
		}
		return s.page(r, d.C.ActionName+" · "+c.SchoolName, d), nil
	}}
}

func (s *Server) studentChangeShow(w http.ResponseWriter, r *http.Request) {
	showObject(s, w, r, "studentchange", s.db.StudentChange, s.studentChangeJSON(r), s.changePage(r, nil))
}

func (s *Server) studentChangeDecide(w http.ResponseWriter, r *http.Request) {
	var f changeDecideForm
	c, id, err := pathObject(r, "studentchange", actorOf(r).Scope(), s.db.StudentChange)
	if err == nil {
		err = bind(r, &f)
	}
	if err == nil && f.Decision != "approve" && f.Decision != "reject" {
		err = xiangpei.Errorf(xiangpei.Invalid, "student_change.decision", "Approve or reject the request.")
	}
	if err == nil {
		if f.Version == 0 {
			f.Version = c.Version
		}
		c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.StudentChange, error) {
			return tx.DecideStudentChange(a.Scope(), id, f.Version, f.Decision == "approve", f.Reason)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.changePage(r, &f))
		return
	}
	answer(w, r, http.StatusOK, s.studentChangeJSON(r)(c), studentChangePath(c.ID), "student_change_decided")
}

// ---- registration counts ----

type registryData struct {
	Year   int
	Years  []int
	Rows   []store.RegistrationCount
	Total  int
	Export string
}

func (s *Server) schoolRegistry(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	lang := stateOf(r).lang
	cur := xiangpei.SchoolYear(s.now())
	year := cur
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= cur+1 {
		year = y
	}
	rows, err := s.db.RegistrationCounts(r.Context(), a.Scope(), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	T := func(k string) string { return s.msg.T(lang, k) }
	if wantsXLSX(r) {
		out := make([][]any, 0, len(rows))
		for _, c := range rows {
			out = append(out, []any{year, c.SchoolName, c.MajorCode, c.MajorName, c.Grade, c.Students})
		}
		s.download(w, r, "school-registry.xlsx", T("schoolreg.counts_title")+".xlsx", T("schoolreg.counts_title"), []string{T("schoolreg.col_school_year"),
			T("schoolreg.col_school"), T("schoolreg.col_major_code"), T("schoolreg.col_major"), T("schoolreg.col_grade"), T("schoolreg.col_students")},
			out, sheet.Options{})
		return
	}
	total := 0
	for _, c := range rows {
		total += c.Students
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"school_year": year, "registration_day": xiangpei.ChinaDate(xiangpei.RegistrationDay(year)),
			"total": total, "counts": jsonList(rows, func(c store.RegistrationCount) map[string]any {
				return map[string]any{"school_id": c.SchoolID, "school_name": c.SchoolName, "major_id": c.MajorID, "major_code": c.MajorCode,
					"major_name": c.MajorName, "grade": c.Grade, "students": c.Students}
			})})
		return
	}
	d := registryData{Year: year, Rows: rows, Total: total, Export: exportLink(r)}
	for y := cur; y >= cur-5; y-- {
		d.Years = append(d.Years, y)
	}
	s.render(w, r, http.StatusOK, "school_registry", s.page(r, T("schoolreg.counts_title"), d))
}

// ---- the lifelong record's school section ----

// recordStudent is one student record of a person on their lifelong record (/me), with its
// diplomas and the dual certificate.
type recordStudent struct {
	store.StudentRow
	Diplomas []store.Diploma
}

func (s *Server) recordSchool(r *http.Request, personID int64) ([]recordStudent, error) {
	sc := xiangpei.Scope{PersonID: personID}
	rows, _, err := s.db.Students(r.Context(), sc, store.StudentFilter{}, store.Page{Limit: 50})
	if err != nil {
		return nil, err
	}
	dips, err := s.db.Diplomas(r.Context(), sc, 0)
	if err != nil {
		return nil, err
	}
	out := make([]recordStudent, 0, len(rows))
	for _, x := range rows {
		v := recordStudent{StudentRow: x}
		for _, d := range dips {
			if d.StudentID == x.ID {
				v.Diplomas = append(v.Diplomas, d)
			}
		}
		out = append(out, v)
	}
	return out, nil
}

func recordStudentJSON(v recordStudent) map[string]any {
	return map[string]any{"id": v.ID, "number": v.Number, "school_name": v.SchoolName, "major_code": v.MajorCode, "major_name": v.MajorName,
		"entry_year": v.EntryYear, "status": v.Status, "enrolled_on": chinaDay(v.EnrolledOn), "left_on": chinaDay(v.LeftOn),
		"diplomas": jsonList(v.Diplomas, diplomaJSON)}
}
