package web

import (
	"net/http"
	"strconv"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// Applications: the employer's applicants of a posting (ID numbers masked — the store never
// reads the full number into an application), one application with the person's verified
// credentials and the moves, and the person's own applications.

func (s *Server) applicantJSON(lang string) func(store.Applicant) map[string]any {
	return func(x store.Applicant) map[string]any {
		return map[string]any{"id": x.ID, "posting_id": x.PostingID, "posting_title": x.PostingTitle, "employer_id": x.EmployerID,
			"employer_name": x.EmployerName, "person_id": x.PersonID, "person_name": x.PersonName, "id_number": x.MaskedID,
			"status": x.Status, "status_text": s.msg.T(lang, "job.app_status."+string(x.Status)), "applied_at": x.AppliedAt,
			"updated_at": x.UpdatedAt, "version": x.Version}
	}
}

type applicantView struct {
	store.Applicant
	Applied    string
	StatusName string
}

func (s *Server) applicantViews(r *http.Request, list []store.Applicant) []applicantView {
	lang := stateOf(r).lang
	out := make([]applicantView, 0, len(list))
	for _, x := range list {
		out = append(out, applicantView{Applicant: x, Applied: x.AppliedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"),
			StatusName: s.msg.T(lang, "job.app_status."+string(x.Status))})
	}
	return out
}

func appFilterOf(r *http.Request, posting int64) store.ApplicationFilter {
	f := store.ApplicationFilter{PostingID: posting, Status: xiangpei.ApplicationStatus(r.URL.Query().Get("status"))}
	if !f.Status.Valid() {
		f.Status = ""
	}
	return f
}

func (s *Server) applicationsXLSX(w http.ResponseWriter, r *http.Request, name string, fetch func(store.Page) ([]store.Applicant, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	rows := make([][]any, 0, len(all))
	for _, v := range s.applicantViews(r, all) {
		rows = append(rows, []any{strconv.FormatInt(v.ID, 10), v.PostingTitle, v.EmployerName, v.PersonName, v.MaskedID, v.StatusName, v.Applied})
	}
	s.download(w, r, "applications.xlsx", T(name)+".xlsx", T(name), []string{T("job.col_id"), T("job.col_title"), T("job.col_employer"),
		T("job.col_person"), T("job.col_id_number"), T("job.col_status"), T("job.col_applied")}, rows, sheet.Options{})
}

type applicationsData struct {
	P      postingView
	Status string
	Items  []applicantView
	Pager  *pager
	Export string
}

func (s *Server) postingApplications(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	p, id, err := pathObject(r, "posting", a.Scope(), s.db.Posting)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := appFilterOf(r, id)
	lang := stateOf(r).lang
	list, pages, ok := listAnswer(s, w, r, jobsPerPage, "applications", "job.applicants_title",
		func(pg store.Page) ([]store.Applicant, int, error) {
			return s.db.Applications(r.Context(), a.Scope(), f, pg)
		},
		s.applicantJSON(lang), s.applicationsXLSX)
	if !ok {
		return
	}
	d := applicationsData{P: s.postingViewOf(r, s.places(r), s.levelNames(r), p), Status: string(f.Status), Items: s.applicantViews(r, list),
		Pager: pages, Export: exportLink(r)}
	s.render(w, r, http.StatusOK, "jobs_applicants", s.page(r, s.msg.T(lang, "job.applicants_title"), d))
}

type applicationData struct {
	A           applicantView
	Credentials []store.Credential
	Actions     []xiangpei.ApplicationAction
	Employer    bool
	Today       string
}

func (s *Server) applicationPage(r *http.Request) *formPage {
	return &formPage{"jobs_application", func() (*Page, error) {
		a := actorOf(r)
		x, id, err := pathObject(r, "application", a.Scope(), s.db.Application)
		if err != nil {
			return nil, err
		}
		d := applicationData{A: s.applicantViews(r, []store.Applicant{x})[0], Employer: a.Role == xiangpei.RoleEmployer,
			Today: xiangpei.ChinaDate(s.now())}
		if a.Role != xiangpei.RolePerson {
			if d.Credentials, err = s.db.ApplicantCredentials(r.Context(), a.Scope(), id); err != nil {
				return nil, err
			}
		}
		party := xiangpei.PartyPerson
		if d.Employer {
			party = xiangpei.PartyEmployer
		}
		if a.Role != xiangpei.RoleOfficer {
			for _, act := range xiangpei.ApplicationActions {
				if _, err := x.Status.Next(act, party); err == nil {
					d.Actions = append(d.Actions, act)
				}
			}
		}
		return s.page(r, s.msg.T(stateOf(r).lang, "job.application_title", x.PersonName), d), nil
	}}
}

func (s *Server) applicationShow(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		a := actorOf(r)
		x, id, err := pathObject(r, "application", a.Scope(), s.db.Application)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m := s.applicantJSON(stateOf(r).lang)(x)
		creds := []store.Credential{}
		if a.Role != xiangpei.RolePerson {
			if creds, err = s.db.ApplicantCredentials(r.Context(), a.Scope(), id); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		m["credentials"] = jsonList(creds, func(c store.Credential) map[string]any {
			return map[string]any{"kind": c.Kind, "name": c.Name, "occupation": c.Occupation, "level": c.Level, "on": c.On}
		})
		writeJSON(w, http.StatusOK, m)
		return
	}
	s.show(w, r, s.applicationPage(r))
}

type moveForm struct {
	Version  int    `json:"version"`
	Action   string `json:"action"`
	StartsOn string `json:"starts_on"`
}

func (s *Server) applicationMove(w http.ResponseWriter, r *http.Request) {
	var f moveForm
	id, err := pathID(r, "application")
	if err == nil {
		err = bind(r, &f)
	}
	if err == nil {
		_, err = s.db.Application(r.Context(), actorOf(r).Scope(), id)
	}
	var x store.Applicant
	if err == nil {
		x, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Applicant, error) {
			return tx.MoveApplication(a.Scope(), id, f.Version, xiangpei.ApplicationAction(f.Action), day(f.StartsOn))
		})
	}
	if err != nil {
		s.formError(w, r, err, s.applicationPage(r))
		return
	}
	to := "/applications/" + strconv.FormatInt(x.ID, 10)
	if actorOf(r).Role == xiangpei.RolePerson {
		to = "/me/applications"
	}
	answer(w, r, http.StatusOK, s.applicantJSON(stateOf(r).lang)(x), to, "application_moved")
}

type myApplicationsData struct {
	Items  []applicantView
	Pager  *pager
	Export string
}

func (s *Server) myApplications(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	f := appFilterOf(r, 0)
	lang := stateOf(r).lang
	list, pages, ok := listAnswer(s, w, r, jobsPerPage, "applications", "job.my_applications_title",
		func(pg store.Page) ([]store.Applicant, int, error) {
			return s.db.Applications(r.Context(), a.Scope(), f, pg)
		},
		s.applicantJSON(lang), s.applicationsXLSX)
	if !ok {
		return
	}
	d := myApplicationsData{Items: s.applicantViews(r, list), Pager: pages, Export: exportLink(r)}
	s.render(w, r, http.StatusOK, "jobs_mine", s.page(r, s.msg.T(lang, "job.my_applications_title"), d))
}
