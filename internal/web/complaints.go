package web

import (
	"net/http"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 权益保障 — complaints (docs/complaints.md). A person files a complaint against an employer
// and follows it at /me/complaints; officers with the complaint duty work the queue
// /complaints, ordered by deadline with the countdown in working days; the employer reads the
// complaints against it at /employer/complaints with the complainant's ID number masked.

const complaintsPerPage = 20

func (s *Server) registerComplaintRoutes() {
	person := Roles(xiangpei.RolePerson)
	handler := Duty(xiangpei.DutyComplaint)
	s.handleBoth("GET /me/complaints", "/api/v1/me/complaints", person, s.myComplaints)
	s.handleBoth("POST /me/complaints", "/api/v1/me/complaints", person, s.complaintFile)
	s.handleBoth("GET /complaints", "/api/v1/complaints", handler, s.complaintQueue)
	s.handleBoth("GET /employer/complaints", "/api/v1/employer/complaints", Roles(xiangpei.RoleEmployer), s.employerComplaints)
	s.handleBoth("GET /complaints/{complaint}", "/api/v1/complaints/{complaint}",
		Roles(xiangpei.RolePerson, xiangpei.RoleEmployer, xiangpei.RoleOfficer), s.complaintShow)
	s.handleBoth("POST /complaints/{complaint}/move", "/api/v1/complaints/{complaint}/move", handler, s.complaintMove)
	s.handleBoth("POST /complaints/{complaint}/withdraw", "/api/v1/complaints/{complaint}/withdraw", person, s.complaintMove)
}

func complaintPath(id int64) string { return "/complaints/" + strconv.FormatInt(id, 10) }

type complaintView struct {
	store.ComplaintCase
	KindName, StatusName string
	Filed                string
	Amount, Agreed       string
	Due                  string
	CountdownText        string
}

func (s *Server) complaintViews(r *http.Request, list []store.ComplaintCase) []complaintView {
	lang := stateOf(r).lang
	T := func(k string, a ...any) string { return s.msg.T(lang, k, a...) }
	out := make([]complaintView, 0, len(list))
	for _, c := range list {
		v := complaintView{ComplaintCase: c, KindName: T("complaint.kind." + string(c.Kind)), StatusName: T("complaint.status." + string(c.Status)),
			Filed: c.FiledAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")}
		if c.AmountFen > 0 {
			v.Amount = xiangpei.FormatFen(c.AmountFen)
		}
		if c.AgreedFen > 0 {
			v.Agreed = xiangpei.FormatFen(c.AgreedFen)
		}
		if cd := c.Countdown; cd.Deadline {
			v.Due = xiangpei.ChinaDate(cd.Due)
			switch {
			case cd.Overdue:
				v.CountdownText = T("complaint.countdown_overdue", -cd.Left)
			case cd.Left == 0:
				v.CountdownText = T("complaint.countdown_today")
			default:
				v.CountdownText = T("complaint.countdown_left", cd.Left)
			}
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) complaintJSON(r *http.Request) func(store.ComplaintCase) map[string]any {
	return func(c store.ComplaintCase) map[string]any {
		v := s.complaintViews(r, []store.ComplaintCase{c})[0]
		m := map[string]any{"id": c.ID, "kind": c.Kind, "kind_text": v.KindName, "status": c.Status, "status_text": v.StatusName,
			"employer_id": c.EmployerID, "employer_name": c.EmployerName, "credit_code": c.CreditCode, "posting_id": c.PostingID,
			"amount_fen": c.AmountFen, "facts": c.Facts, "county": c.County, "outcome": c.Outcome, "agreed_fen": c.AgreedFen,
			"referred_to": c.ReferredTo, "person_name": c.PersonName, "id_number": c.MaskedID, "filed_at": c.FiledAt,
			"entered_at": c.EnteredAt, "version": c.Version}
		if c.Countdown.Deadline {
			m["due_on"], m["workdays_left"], m["overdue"] = v.Due, c.Countdown.Left, c.Countdown.Overdue
		}
		return m
	}
}

// withCountdown fills the countdown of one case read on its own.
func (s *Server) withCountdown(r *http.Request, c store.ComplaintCase) (store.ComplaintCase, error) {
	cal, err := s.db.Calendar(r.Context())
	if err == nil {
		c.Countdown = xiangpei.CountdownFor(cal, c.Status, c.EnteredAt, s.now())
	}
	return c, err
}

type complaintsData struct {
	Items  []complaintView
	Pager  *pager
	Export string
	Open   bool
	Form   complaintForm
	Kinds  []xiangpei.ComplaintKind
	Who    string // "person", "officer", "employer"
}

func (s *Server) complaintsXLSX(w http.ResponseWriter, r *http.Request, name string, fetch func(store.Page) ([]store.ComplaintCase, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	pl := s.places(r)
	rows := make([][]any, 0, len(all))
	for _, v := range s.complaintViews(r, all) {
		rows = append(rows, []any{strconv.FormatInt(v.ID, 10), v.KindName, v.EmployerName, v.PersonName, v.MaskedID, pl.name(v.County),
			v.Amount, v.StatusName, v.Filed, v.Due, v.CountdownText})
	}
	s.download(w, r, "complaints.xlsx", T(name)+".xlsx", T(name), []string{T("complaint.col_id"), T("complaint.col_kind"),
		T("complaint.col_employer"), T("complaint.col_person"), T("complaint.col_id_number"), T("complaint.col_county"),
		T("complaint.col_amount"), T("complaint.col_status"), T("complaint.col_filed"), T("complaint.col_due"), T("complaint.col_countdown")},
		rows, sheet.Options{})
}

// complaintList answers a list page of complaints within the actor's scope.
func (s *Server) complaintList(w http.ResponseWriter, r *http.Request, title, who string, f store.ComplaintFilter, form complaintForm) {
	a := actorOf(r)
	fetch := func(pg store.Page) ([]store.ComplaintCase, int, error) {
		return s.db.Complaints(r.Context(), a.Scope(), f, pg)
	}
	if wantsXLSX(r) {
		s.complaintsXLSX(w, r, title, fetch)
		return
	}
	if stateOf(r).api {
		n, p := listPage(r, complaintsPerPage)
		list, total, err := fetch(p)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"complaints": jsonList(list, s.complaintJSON(r)), "total": total, "page": n, "per_page": complaintsPerPage})
		return
	}
	pg, err := s.complaintListPage(r, title, who, f, form)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "complaints_list", pg)
}

func (s *Server) complaintListPage(r *http.Request, title, who string, f store.ComplaintFilter, form complaintForm) (*Page, error) {
	n, p := listPage(r, complaintsPerPage)
	list, total, err := s.db.Complaints(r.Context(), actorOf(r).Scope(), f, p)
	if err != nil {
		return nil, err
	}
	d := complaintsData{Items: s.complaintViews(r, list), Pager: pagerOf(r, n, total, complaintsPerPage), Export: exportLink(r),
		Open: f.OpenOnly, Form: form, Kinds: xiangpei.ComplaintKinds, Who: who}
	return s.page(r, s.msg.T(stateOf(r).lang, title), d), nil
}

func (s *Server) myComplaints(w http.ResponseWriter, r *http.Request) {
	s.complaintList(w, r, "complaint.mine_title", "person", store.ComplaintFilter{}, complaintForm{Kind: string(xiangpei.ComplaintWageArrears),
		CreditCode: r.URL.Query().Get("credit_code"), PostingID: r.URL.Query().Get("posting")})
}

func (s *Server) complaintQueue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := store.ComplaintFilter{OpenOnly: q.Get("all") == ""}
	if e := q.Get("employer"); e != "" {
		id, err := strconv.ParseInt(e, 10, 64)
		if err != nil || id <= 0 {
			s.fail(w, r, xiangpei.Errorf(xiangpei.Invalid, "complaint.employer_unknown", "No registered employer has this credit code or posting; check the number."))
			return
		}
		f.EmployerID = id
	}
	s.complaintList(w, r, "complaint.queue_title", "officer", f, complaintForm{})
}

func (s *Server) employerComplaints(w http.ResponseWriter, r *http.Request) {
	s.complaintList(w, r, "complaint.employer_title", "employer", store.ComplaintFilter{}, complaintForm{})
}

type complaintForm struct {
	Kind       string `json:"kind"`
	CreditCode string `json:"credit_code"`
	PostingID  string `json:"posting_id"`
	Amount     string `json:"amount"` // yuan
	Facts      string `json:"facts"`
}

func (f complaintForm) input() (store.ComplaintInput, error) {
	in := store.ComplaintInput{Kind: xiangpei.ComplaintKind(f.Kind), CreditCode: f.CreditCode, Facts: f.Facts}
	if p := strings.TrimSpace(f.PostingID); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			return in, xiangpei.Errorf(xiangpei.Invalid, "complaint.employer_unknown", "No registered employer has this credit code or posting; check the number.")
		}
		in.PostingID = id
	}
	if a := strings.TrimSpace(f.Amount); a != "" {
		fen, ok := xiangpei.ParseFen(a)
		if !ok || fen < 0 {
			return in, xiangpei.Errorf(xiangpei.Invalid, "complaint.amount_bad", "Write the amount in yuan, like 3500 or 3500.50.")
		}
		in.AmountFen = fen
	}
	return in, nil
}

func (s *Server) complaintFile(w http.ResponseWriter, r *http.Request) {
	var f complaintForm
	err := bind(r, &f)
	var c store.ComplaintCase
	if err == nil {
		var in store.ComplaintInput
		if in, err = f.input(); err == nil {
			c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.ComplaintCase, error) {
				return tx.FileComplaint(a.Scope(), in)
			})
		}
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"complaints_list", func() (*Page, error) {
			return s.complaintListPage(r, "complaint.mine_title", "person", store.ComplaintFilter{}, f)
		}})
		return
	}
	if c, err = s.withCountdown(r, c); err != nil {
		s.fail(w, r, err)
		return
	}
	answer(w, r, http.StatusCreated, s.complaintJSON(r)(c), complaintPath(c.ID), "complaint_filed")
}

type complaintData struct {
	C       complaintView
	Events  []complaintEventView
	Actions []xiangpei.ComplaintAction
	Officer bool
	Person  bool
}

type complaintEventView struct {
	store.ComplaintEvent
	At, ActionName, StatusName, Amount string
}

func (s *Server) complaintPage(r *http.Request) *formPage {
	return &formPage{"complaints_show", func() (*Page, error) {
		a := actorOf(r)
		c, id, err := pathObject(r, "complaint", a.Scope(), s.db.Complaint)
		if err != nil {
			return nil, err
		}
		if c, err = s.withCountdown(r, c); err != nil {
			return nil, err
		}
		evs, err := s.db.ComplaintEvents(r.Context(), a.Scope(), id)
		if err != nil {
			return nil, err
		}
		lang := stateOf(r).lang
		d := complaintData{C: s.complaintViews(r, []store.ComplaintCase{c})[0], Officer: a.Can(xiangpei.DutyComplaint) && a.Role != xiangpei.RolePerson,
			Person: a.Role == xiangpei.RolePerson}
		for _, e := range evs {
			v := complaintEventView{ComplaintEvent: e, At: e.CreatedAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"),
				ActionName: s.msg.T(lang, "complaint.action."+e.Action), StatusName: s.msg.T(lang, "complaint.status."+string(e.To))}
			if e.AmountFen > 0 {
				v.Amount = xiangpei.FormatFen(e.AmountFen)
			}
			d.Events = append(d.Events, v)
		}
		party := xiangpei.PartyPerson
		if d.Officer {
			party = xiangpei.PartyOfficer
		}
		if d.Officer || d.Person {
			for _, act := range xiangpei.ComplaintActions {
				if _, err := c.Status.Next(act, party); err == nil {
					d.Actions = append(d.Actions, act)
				}
			}
		}
		return s.page(r, s.msg.T(lang, "complaint.show_title", c.ID), d), nil
	}}
}

func (s *Server) complaintShow(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		a := actorOf(r)
		c, id, err := pathObject(r, "complaint", a.Scope(), s.db.Complaint)
		if err == nil {
			c, err = s.withCountdown(r, c)
		}
		var evs []store.ComplaintEvent
		if err == nil {
			evs, err = s.db.ComplaintEvents(r.Context(), a.Scope(), id)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m := s.complaintJSON(r)(c)
		m["events"] = jsonList(evs, func(e store.ComplaintEvent) map[string]any {
			return map[string]any{"action": e.Action, "from": e.From, "to": e.To, "note": e.Note, "amount_fen": e.AmountFen, "at": e.CreatedAt}
		})
		writeJSON(w, http.StatusOK, m)
		return
	}
	s.show(w, r, s.complaintPage(r))
}

type complaintMoveForm struct {
	Version int    `json:"version"`
	Action  string `json:"action"`
	Note    string `json:"note"`
	Agreed  string `json:"agreed"` // yuan, for a mediation
}

func (s *Server) complaintMove(w http.ResponseWriter, r *http.Request) {
	var f complaintMoveForm
	id, err := pathID(r, "complaint")
	if err == nil {
		err = bind(r, &f)
	}
	if err == nil {
		_, err = s.db.Complaint(r.Context(), actorOf(r).Scope(), id)
	}
	m := store.ComplaintMove{Action: xiangpei.ComplaintAction(f.Action), Note: f.Note}
	if actorOf(r).Role == xiangpei.RolePerson {
		m.Action = xiangpei.ComplaintWithdraw
	}
	if a := strings.TrimSpace(f.Agreed); err == nil && a != "" {
		fen, ok := xiangpei.ParseFen(a)
		if !ok || fen < 0 {
			err = xiangpei.Errorf(xiangpei.Invalid, "complaint.amount_bad", "Write the amount in yuan, like 3500 or 3500.50.")
		}
		m.AgreedFen = fen
	}
	var c store.ComplaintCase
	if err == nil {
		c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.ComplaintCase, error) {
			return tx.MoveComplaint(a.Scope(), id, f.Version, m)
		})
	}
	if err == nil {
		c, err = s.withCountdown(r, c)
	}
	if err != nil {
		s.formError(w, r, err, s.complaintPage(r))
		return
	}
	answer(w, r, http.StatusOK, s.complaintJSON(r)(c), complaintPath(c.ID), "complaint_moved")
}
