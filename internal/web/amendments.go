package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// registerAmendmentRoutes: late attendance amendments, filed by the institution and decided by
// the county.
func (s *Server) registerAmendmentRoutes() {
	staff := Roles(xiangpei.RoleInstitution, xiangpei.RoleSchool)
	readers := Roles(xiangpei.RoleInstitution, xiangpei.RoleSchool, xiangpei.RoleOfficer)
	review := Duty(xiangpei.DutyClassReview)
	s.handleBoth("POST /classes/{class}/amendments", "/api/v1/classes/{class}/amendments", staff, s.amendmentFile)
	s.handleBoth("GET /amendments", "/api/v1/amendments", review, s.amendmentList)
	s.handle("GET /amendments.xlsx", review, s.amendmentListXLSX)
	s.handleBoth("GET /amendments/{amendment}", "/api/v1/amendments/{amendment}", readers, s.amendmentPage)
	s.handleBoth("POST /amendments/{amendment}/decide", "/api/v1/amendments/{amendment}/decide", review, s.amendmentDecide)
}

// Late amendments of attendance (SPEC §4.4): the institution files one from the class's
// attendance page; a county officer with the class_review duty decides it from the queue; the
// original events stay and the amendment is kept beside them.

// amendmentsPerPage is the page size of the review queue.
const amendmentsPerPage = 20

type amendLine struct {
	store.Amendment
	MaskedID string
	AtText   string
	Filed    string
	Decided  string
}

func amendLineOf(a store.Amendment) amendLine {
	return amendLine{Amendment: a, MaskedID: a.IDNumber.Masked(), AtText: complTime(a.At, "2006-01-02 15:04"),
		Filed: complTime(a.FiledAt, "2006-01-02 15:04"), Decided: complTime(a.DecidedAt, "2006-01-02 15:04")}
}

func amendmentJSON(a store.Amendment) map[string]any {
	return map[string]any{"id": a.ID, "class": a.ClassID, "class_name": a.ClassName, "county": a.County, "org": a.OrgID,
		"org_name": a.OrgName, "session": a.SessionID, "seq": a.SessionSeq, "person": a.PersonID, "name": a.PersonName,
		"id_number": a.IDNumber.Masked(), "kind": a.Kind, "at": a.At, "reason": a.Reason, "status": a.Status,
		"filed_by": a.FiledByName, "filed_at": a.FiledAt, "decided_by": a.DecidedByName, "decided_at": complNullTime(a.DecidedAt),
		"note": a.Note, "version": a.Version}
}

// amendForm is what the institution types; the time is China time, as a browser's
// datetime-local field sends it ("2026-11-20T09:00") or in RFC 3339.
type amendForm struct {
	SessionID int64  `json:"session_id"`
	PersonID  int64  `json:"person_id"`
	Kind      string `json:"kind"`
	At        string `json:"at"`
	Reason    string `json:"reason"`
}

// parseLocalTime reads a time typed in China time.
func parseLocalTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, xiangpei.ChinaTime); err == nil {
			return t, nil
		}
	}
	return time.Time{}, xiangpei.Errorf(xiangpei.Invalid, "amendment.time_format", "Give the date and time, such as 2026-11-20 09:00.")
}

func (s *Server) amendmentFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Another institution's class is a 404 whatever the form says.
	if _, err := s.db.Class(r.Context(), actorOf(r).Scope(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	var f amendForm
	var am store.Amendment
	if err = bind(r, &f); err == nil {
		var at time.Time
		if at, err = parseLocalTime(f.At); err == nil {
			am, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.Amendment, error) {
				return tx.FileAmendment(a.Scope(), id, store.AmendmentInput{SessionID: f.SessionID, PersonID: f.PersonID,
					Kind: f.Kind, At: at, Reason: f.Reason})
			})
		}
	}
	if err != nil {
		s.formError(w, r, err, s.classAttAgain(r, id, &f))
		return
	}
	answer(w, r, http.StatusCreated, amendmentJSON(am), complClassPath(id, "/attendance#amendments"), "amendment_filed")
}

// ---- the review queue ----

type amendListData struct {
	Status   string
	Statuses []string
	Lines    []amendLine
	Pager    *pager
	Export   string
}

// amendStatusOf reads the status filter: pending unless another state or "all" is asked for.
func amendStatusOf(r *http.Request) (filter, shown string) {
	v := r.URL.Query().Get("status")
	switch {
	case v == "all":
		return "", "all"
	case slices.Contains(store.AmendmentStatuses, v):
		return v, v
	}
	return store.AmendmentPending, store.AmendmentPending
}

func (s *Server) amendmentList(w http.ResponseWriter, r *http.Request) {
	filter, shown := amendStatusOf(r)
	n, pg := listPage(r, amendmentsPerPage)
	list, total, err := s.db.Amendments(r.Context(), actorOf(r).Scope(), store.AmendmentFilter{Status: filter}, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"amendments": jsonList(list, amendmentJSON), "total": total, "page": n,
			"per_page": amendmentsPerPage})
		return
	}
	d := amendListData{Status: shown, Statuses: append(slices.Clone(store.AmendmentStatuses), "all"),
		Pager: pagerOf(r, n, total, amendmentsPerPage), Export: "/amendments.xlsx?status=" + shown}
	for _, a := range list {
		d.Lines = append(d.Lines, amendLineOf(a))
	}
	s.render(w, r, http.StatusOK, "amendments", s.page(r, s.msg.T(stateOf(r).lang, "amendment.list_title"), d))
}

// amendmentListXLSX exports the queue as filtered, up to 10,000 rows.
func (s *Server) amendmentListXLSX(w http.ResponseWriter, r *http.Request) {
	filter, _ := amendStatusOf(r)
	var list []store.Amendment
	for off := 0; off < 10000; off += 500 {
		more, _, err := s.db.Amendments(r.Context(), actorOf(r).Scope(), store.AmendmentFilter{Status: filter}, store.Page{Offset: off, Limit: 500})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		list = append(list, more...)
		if len(more) < 500 {
			break
		}
	}
	lang := stateOf(r).lang
	t := func(k string, args ...any) string { return s.msg.T(lang, k, args...) }
	header := []string{t("amendment.col_class"), t("amendment.col_org"), t("amendment.col_trainee"), t("amendment.col_id"),
		t("amendment.col_session"), t("amendment.col_kind"), t("amendment.col_at"), t("amendment.col_reason"),
		t("amendment.col_status"), t("amendment.col_filed"), t("amendment.col_decided"), t("amendment.col_note")}
	rows := make([][]any, 0, len(list))
	for _, a := range list {
		rows = append(rows, []any{a.ClassName, a.OrgName, a.PersonName, a.IDNumber.Masked(), a.SessionSeq, t("checkin.kind." + a.Kind),
			a.At, a.Reason, t("amendment.status." + a.Status), a.FiledAt, a.DecidedAt, a.Note})
	}
	s.download(w, r, "amendments.xlsx", t("amendment.export_name")+".xlsx", t("amendment.sheet"), header, rows, sheet.Options{})
}

// ---- one amendment ----

type amendEvent struct {
	Kind, At, Source string
	Amendment        bool
}

type amendData struct {
	A         amendLine
	Events    []amendEvent
	CanDecide bool
	Decide    amendDecideForm
}

type amendDecideForm struct {
	Decision string `json:"decision"` // approve or reject
	Note     string `json:"note"`
	Version  int64  `json:"version"`
}

func (s *Server) amendData(r *http.Request, id int64) (amendData, error) {
	a := actorOf(r)
	am, err := s.db.Amendment(r.Context(), a.Scope(), id)
	if err != nil {
		return amendData{}, err
	}
	evs, err := s.db.AmendmentEvents(r.Context(), a.Scope(), id)
	if err != nil {
		return amendData{}, err
	}
	d := amendData{A: amendLineOf(am), CanDecide: a.Role == xiangpei.RoleOfficer && a.Can(xiangpei.DutyClassReview) && am.Status == store.AmendmentPending,
		Decide: amendDecideForm{Version: am.Version}}
	for _, e := range evs {
		d.Events = append(d.Events, amendEvent{Kind: e.Kind, At: complTime(e.At, "2006-01-02 15:04:05"), Source: e.Source,
			Amendment: e.Source == xiangpei.FromAmendment})
	}
	return d, nil
}

func (s *Server) amendAgain(r *http.Request, id int64, f *amendDecideForm) *formPage {
	return &formPage{"amendments_detail", func() (*Page, error) {
		d, err := s.amendData(r, id)
		if err != nil {
			return nil, err
		}
		if f != nil {
			d.Decide.Decision, d.Decide.Note = f.Decision, f.Note
		}
		return s.page(r, s.msg.T(stateOf(r).lang, "amendment.title", d.A.PersonName, d.A.SessionSeq), d), nil
	}}
}

func (s *Server) amendmentPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "amendment")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !stateOf(r).api {
		s.show(w, r, s.amendAgain(r, id, nil))
		return
	}
	d, err := s.amendData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := amendmentJSON(d.A.Amendment)
	events := make([]map[string]any, 0, len(d.Events))
	for _, e := range d.Events {
		events = append(events, map[string]any{"kind": e.Kind, "at": e.At, "source": e.Source})
	}
	out["events"] = events
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) amendmentDecide(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "amendment")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Another county's amendment is a 404 whatever the form says.
	if _, err := s.db.Amendment(r.Context(), actorOf(r).Scope(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	var f amendDecideForm
	var d store.AmendmentDecision
	if err = bind(r, &f); err == nil && f.Decision != "approve" && f.Decision != "reject" {
		err = xiangpei.Errorf(xiangpei.Invalid, "amendment.decision", "Choose whether the amendment is approved or rejected.")
	}
	if err == nil {
		d, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.AmendmentDecision, error) {
			return tx.DecideAmendment(a.Scope(), id, f.Version, f.Decision == "approve", f.Note)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.amendAgain(r, id, &f))
		return
	}
	out := amendmentJSON(d.Amendment)
	out["attended_minutes"], out["completion_changed"] = d.AttendedMinutes, d.StatusChanged
	answer(w, r, http.StatusOK, out, "/amendments", "amendment_"+d.Amendment.Status)
}
