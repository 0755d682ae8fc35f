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

// 公示 — the public notice of claims (docs/claim-review.md): anyone reads the notices and their
// lines with masked names and ID numbers, the end date and the working days left, and may
// object to a line through a form, at most objectionMax times per address and hour.

const (
	noticesPerPage  = 20
	objectionMax    = 5
	objectionPeriod = time.Hour
)

var errObjectionTooMany = xiangpei.Errorf(xiangpei.RateLimited, "notice.too_many",
	"Too many objections from this address. Wait an hour and try again.")

func (s *Server) registerNoticeRoutes() {
	s.handleBoth("GET /notices", "/api/v1/notices", Public(), s.noticeList)
	s.handleBoth("GET /notices/{pub}", "/api/v1/notices/{pub}", Public(), s.noticeShow)
	s.handleBoth("POST /notices/{pub}/objections", "/api/v1/notices/{pub}/objections", Public(), s.noticeObject)
}

type noticeView struct {
	store.Notice
	Total    string
	Start    string
	End      string
	DaysLeft int // working days left; 0 when ended
	Ended    bool
}

// noticeViewOf shows a notice with its end and the working days left on the calendar.
func (s *Server) noticeViewOf(r *http.Request, cal xiangpei.Calendar, n store.Notice) noticeView {
	now := s.now()
	v := noticeView{Notice: n, Total: xiangpei.FormatFen(n.TotalFen), Start: n.Starts.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"),
		End: n.Ends.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"), Ended: !now.Before(n.Ends)}
	if !v.Ended {
		v.DaysLeft = max(cal.WorkdaysBetween(now, n.Ends), 1)
	}
	return v
}

func noticeJSON(v noticeView) map[string]any {
	return map[string]any{"id": v.ID, "claim_id": v.ClaimID, "county": v.County, "claimant": v.Claimant, "class_name": v.ClassName,
		"starts": v.Starts, "ends": v.Ends, "workdays": v.Workdays, "status": v.Status, "lines": v.Lines, "held": v.Held,
		"total_fen": v.TotalFen, "workdays_left": v.DaysLeft, "ended": v.Ended}
}

func noticeLineJSON(l store.NoticeLine) map[string]any {
	return map[string]any{"id": l.ID, "name": l.MaskedName, "id_number": l.MaskedID, "occupation_code": l.OccupationCode,
		"level": l.Level, "amount_fen": l.AmountFen, "amount": xiangpei.FormatFen(l.AmountFen), "institution": l.Institution,
		"status": l.Status}
}

type noticeListData struct {
	County  string
	Open    bool
	Notices []noticeView
	Pager   *pager
	Export  string
}

func (s *Server) noticeList(w http.ResponseWriter, r *http.Request) {
	if err := s.closeNotices(r); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	f := store.NoticeFilter{County: strings.TrimSpace(q.Get("county")), Open: q.Get("open") == "1" || q.Get("open") == "true"}
	if len(f.County) != 6 || strings.Trim(f.County, "0123456789") != "" {
		f.County = ""
	}
	cal, err := s.db.CalendarYear(r.Context(), s.now().In(xiangpei.ChinaTime).Year())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	if wantsXLSX(r) {
		all, err := exportAll(func(pg store.Page) ([]store.Notice, int, error) { return s.db.Notices(r.Context(), f, pg) })
		if err != nil {
			s.fail(w, r, err)
			return
		}
		header := []string{T("notice.col_claimant"), T("notice.col_class"), T("notice.col_county"), T("notice.col_lines"),
			T("notice.col_total"), T("notice.col_start"), T("notice.col_end"), T("notice.col_status")}
		rows := make([][]any, 0, len(all))
		for _, n := range all {
			v := s.noticeViewOf(r, cal, n)
			rows = append(rows, []any{n.Claimant, n.ClassName, n.County, n.Lines, v.Total, v.Start, v.End, T("notice.status." + n.Status)})
		}
		s.download(w, r, "notices.xlsx", T("notice.export_name")+".xlsx", T("notice.list_title"), header, rows, sheet.Options{})
		return
	}
	n, pg := listPage(r, noticesPerPage)
	list, total, err := s.db.Notices(r.Context(), f, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := noticeListData{County: f.County, Open: f.Open, Pager: pagerOf(r, n, total, noticesPerPage), Export: exportLink(r)}
	for _, x := range list {
		d.Notices = append(d.Notices, s.noticeViewOf(r, cal, x))
	}
	if stateOf(r).api {
		out := make([]map[string]any, 0, len(d.Notices))
		for _, v := range d.Notices {
			out = append(out, noticeJSON(v))
		}
		writeJSON(w, http.StatusOK, map[string]any{"notices": out, "total": total, "page": n, "per_page": noticesPerPage})
		return
	}
	s.render(w, r, http.StatusOK, "notices", s.page(r, T("notice.list_title"), d))
}

type noticeShowData struct {
	N       noticeView
	Lines   []noticeLineView
	Pager   *pager
	Line    int64  // the line the objection form was for
	Text    string // kept when the objection is refused
	Contact string
}

type noticeLineView struct {
	store.NoticeLine
	Amount    string
	MayObject bool
}

type objectionForm struct {
	Line    int64  `json:"line"`
	Text    string `json:"text"`
	Contact string `json:"contact"`
}

func (s *Server) noticeShowPage(r *http.Request, f objectionForm) *formPage {
	return &formPage{"notice", func() (*Page, error) {
		id, err := pathID(r, "pub")
		if err != nil {
			return nil, err
		}
		nt, err := s.db.Notice(r.Context(), id)
		if err != nil {
			return nil, err
		}
		cal, err := s.db.CalendarYear(r.Context(), s.now().In(xiangpei.ChinaTime).Year())
		if err != nil {
			return nil, err
		}
		n, pg := listPage(r, noticesPerPage)
		lines, total, err := s.db.NoticeLines(r.Context(), id, pg)
		if err != nil {
			return nil, err
		}
		d := noticeShowData{N: s.noticeViewOf(r, cal, nt), Pager: pagerOf(r, n, total, noticesPerPage), Line: f.Line, Text: f.Text, Contact: f.Contact}
		for _, l := range lines {
			d.Lines = append(d.Lines, noticeLineView{NoticeLine: l, Amount: xiangpei.FormatFen(l.AmountFen),
				MayObject: !d.N.Ended && (l.Status == xiangpei.ClaimNotice || l.Status == xiangpei.LineObjection)})
		}
		return s.page(r, s.msg.T(stateOf(r).lang, "notice.show_title"), d), nil
	}}
}

func (s *Server) noticeShow(w http.ResponseWriter, r *http.Request) {
	if err := s.closeNotices(r); err != nil {
		s.fail(w, r, err)
		return
	}
	if !stateOf(r).api && !wantsXLSX(r) {
		s.show(w, r, s.noticeShowPage(r, objectionForm{}))
		return
	}
	id, err := pathID(r, "pub")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	nt, err := s.db.Notice(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cal, err := s.db.CalendarYear(r.Context(), s.now().In(xiangpei.ChinaTime).Year())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	if wantsXLSX(r) {
		all, err := exportAll(func(pg store.Page) ([]store.NoticeLine, int, error) { return s.db.NoticeLines(r.Context(), id, pg) })
		if err != nil {
			s.fail(w, r, err)
			return
		}
		header := []string{T("notice.col_name"), T("notice.col_id_number"), T("notice.col_occupation"), T("notice.col_level"),
			T("notice.col_institution"), T("notice.col_amount"), T("notice.col_status")}
		rows := make([][]any, 0, len(all))
		for _, l := range all {
			rows = append(rows, []any{l.MaskedName, l.MaskedID, l.OccupationCode, l.Level, l.Institution, xiangpei.FormatFen(l.AmountFen),
				T("claim.status." + string(l.Status))})
		}
		s.download(w, r, "notice-"+strconv.FormatInt(id, 10)+".xlsx", T("notice.export_name")+".xlsx", T("notice.show_title"), header, rows, sheet.Options{})
		return
	}
	n, pg := listPage(r, noticesPerPage)
	lines, total, err := s.db.NoticeLines(r.Context(), id, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m := noticeJSON(s.noticeViewOf(r, cal, nt))
	m["notice_lines"], m["lines_total"], m["page"], m["per_page"] = jsonList(lines, noticeLineJSON), total, n, noticesPerPage
	writeJSON(w, http.StatusOK, m)
}

// noticeObject takes an objection from anyone, counted against the address's hourly limit
// whether it is accepted or not.
func (s *Server) noticeObject(w http.ResponseWriter, r *http.Request) {
	var f objectionForm
	id, err := pathID(r, "pub")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.db.Notice(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	err = bind(r, &f)
	if err == nil && !s.limits.allow("objection-ip:"+clientIP(r), objectionMax, objectionPeriod, s.now()) {
		err = errObjectionTooMany
	}
	var o store.Objection
	if err == nil {
		a := xiangpei.Actor{Name: "public"}
		if st := stateOf(r); st.actor != nil {
			a = *st.actor
		}
		o, err = store.Do(r.Context(), s.db, a, func(tx *store.Tx) (store.Objection, error) {
			return tx.Object(id, store.ObjectionInput{LineID: f.Line, Text: f.Text, Contact: f.Contact, IP: clientIP(r)})
		})
	}
	if err != nil {
		s.formError(w, r, err, s.noticeShowPage(r, f))
		return
	}
	answer(w, r, http.StatusCreated, map[string]any{"id": o.ID, "notice_id": o.NoticeID, "line_id": o.LineID, "status": o.Status}, "/notices/"+strconv.FormatInt(id, 10), "objection_received")
}
