package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// Saved searches and alerts (docs/saved-searches.md). A person saves the filters of the job
// list from /jobs or /me/searches; each newly published posting that matches reaches them once,
// as an in-app message written when the posting is published and, when they asked for it, a
// text message sent through the pluggable sender right after (SendSMSAlerts).

const alertsPerPage = 20

func (s *Server) registerSavedSearchRoutes() {
	person := Roles(xiangpei.RolePerson)
	s.handleBoth("GET /me/searches", "/api/v1/me/searches", person, s.savedSearches)
	s.handleBoth("POST /me/searches", "/api/v1/me/searches", person, s.saveSearch)
	s.handleBoth("POST /me/searches/{search}/delete", "/api/v1/me/searches/{search}/delete", person, s.deleteSearch)
	s.handleBoth("GET /me/alerts", "/api/v1/me/alerts", person, s.searchAlerts)
}

type searchForm struct {
	Name       string `json:"name"`
	Occupation string `json:"occupation"`
	County     string `json:"county"`
	WorkType   string `json:"work_type"`
	Query      string `json:"q"`
	SMS        bool   `json:"sms"`
}

type searchView struct {
	store.SavedSearch
	Filters string // the filters in words
	Link    string // the job list with these filters
}

type savedSearchesData struct {
	Searches  []searchView
	Form      searchForm
	Counties  []store.Region
	WorkTypes []xiangpei.WorkType
	Max       int
	Alerts    []store.SearchAlert
	More      bool
}

func (s *Server) searchViews(r *http.Request, list []store.SavedSearch) []searchView {
	lang := stateOf(r).lang
	pl := s.places(r)
	out := make([]searchView, 0, len(list))
	for _, x := range list {
		f := x.Filter
		q := url.Values{}
		var words []string
		if f.Query != "" {
			q.Set("q", f.Query)
			words = append(words, s.msg.T(lang, "search.words", f.Query))
		}
		if f.Occupation != "" {
			q.Set("occupation", f.Occupation)
			words = append(words, s.msg.T(lang, "search.occupation", f.Occupation))
		}
		if f.County != "" {
			q.Set("county", f.County)
			words = append(words, pl.name(f.County))
		}
		if f.WorkType != "" {
			q.Set("work_type", string(f.WorkType))
			words = append(words, s.msg.T(lang, "job.work_type."+string(f.WorkType)))
		}
		v := searchView{SavedSearch: x, Link: "/jobs?" + q.Encode()}
		for i, w := range words {
			if i > 0 {
				v.Filters += " · "
			}
			v.Filters += w
		}
		out = append(out, v)
	}
	return out
}

func searchJSON(v searchView) map[string]any {
	f := v.Filter
	return map[string]any{"id": v.ID, "name": v.Name, "q": f.Query, "occupation": f.Occupation, "county": f.County,
		"work_type": f.WorkType, "sms": v.SMS, "created_at": v.Created, "filters": v.Filters, "link": v.Link}
}

func alertJSON(a store.SearchAlert) map[string]any {
	return map[string]any{"posting_id": a.PostingID, "title": a.Title, "employer_name": a.Employer, "search": a.SearchName,
		"sms_status": a.SMSStatus, "created_at": a.Created}
}

func (s *Server) savedSearchesPage(r *http.Request, form searchForm) *formPage {
	return &formPage{"saved_searches", func() (*Page, error) {
		sc := actorOf(r).Scope()
		list, err := s.db.SavedSearches(r.Context(), sc)
		if err != nil {
			return nil, err
		}
		alerts, total, err := s.db.SearchAlerts(r.Context(), sc, store.Page{Limit: 5})
		if err != nil {
			return nil, err
		}
		d := savedSearchesData{Searches: s.searchViews(r, list), Form: form, Counties: s.places(r).Counties,
			WorkTypes: xiangpei.WorkTypes, Max: store.MaxSavedSearches, Alerts: alerts, More: total > len(alerts)}
		return s.page(r, s.msg.T(stateOf(r).lang, "search.title"), d), nil
	}}
}

func (s *Server) savedSearches(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		list, err := s.db.SavedSearches(r.Context(), actorOf(r).Scope())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"searches": jsonList(s.searchViews(r, list), searchJSON), "max": store.MaxSavedSearches})
		return
	}
	s.show(w, r, s.savedSearchesPage(r, searchForm{}))
}

func (s *Server) saveSearch(w http.ResponseWriter, r *http.Request) {
	var f searchForm
	err := bind(r, &f)
	var saved store.SavedSearch
	if err == nil {
		saved, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.SavedSearch, error) {
			return tx.SaveSearch(a.Scope(), store.SavedSearch{Name: f.Name, SMS: f.SMS, Filter: store.PostingFilter{
				Occupation: f.Occupation, County: f.County, WorkType: xiangpei.WorkType(f.WorkType), Query: f.Query}})
		})
	}
	if err != nil {
		s.formError(w, r, err, s.savedSearchesPage(r, f))
		return
	}
	answer(w, r, http.StatusCreated, searchJSON(s.searchViews(r, []store.SavedSearch{saved})[0]), "/me/searches", "search_saved")
}

func (s *Server) deleteSearch(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "search")
	if err == nil {
		_, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (int64, error) { return id, tx.DeleteSearch(a.Scope(), id) })
	}
	if err != nil {
		s.formError(w, r, err, s.savedSearchesPage(r, searchForm{}))
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"id": id, "deleted": true}, "/me/searches", "search_deleted")
}

type alertsData struct {
	Items  []store.SearchAlert
	Pager  *pager
	Export string
}

func (s *Server) searchAlerts(w http.ResponseWriter, r *http.Request) {
	sc := actorOf(r).Scope()
	list, pages, ok := listAnswer(s, w, r, alertsPerPage, "alerts", "search.alerts_title",
		func(pg store.Page) ([]store.SearchAlert, int, error) { return s.db.SearchAlerts(r.Context(), sc, pg) },
		alertJSON, s.alertsXLSX)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "search_alerts", s.page(r, s.msg.T(stateOf(r).lang, "search.alerts_title"),
		alertsData{Items: list, Pager: pages, Export: exportLink(r)}))
}

func (s *Server) alertsXLSX(w http.ResponseWriter, r *http.Request, title string, fetch func(store.Page) ([]store.SearchAlert, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	rows := make([][]any, 0, len(all))
	for _, a := range all {
		rows = append(rows, []any{a.Created.In(xiangpei.ChinaTime).Format("2006-01-02 15:04"), a.Title, a.Employer, a.SearchName,
			T("search.sms." + a.SMSStatus), strconv.FormatInt(a.PostingID, 10)})
	}
	s.download(w, r, "alerts.xlsx", T(title)+".xlsx", T(title), []string{T("search.col_time"), T("job.col_title"),
		T("job.col_employer"), T("search.col_search"), T("search.col_sms"), T("search.col_posting")}, rows, sheet.Options{})
}

// SendSMSAlerts sends the text messages of alerts waiting for one, up to limit, through the
// configured sender; each is kept in the message log and marked sent, or refused (tried again
// after a wait, failed after store.SMSAttempts attempts). Publishing
// handlers call it after their commit; the server's housekeeping calls it too, so that an
// alert left pending (the sender down, the process stopped) goes out later.
func (s *Server) SendSMSAlerts(ctx context.Context, limit int) (sent, failed int, err error) {
	pending, err := s.db.PendingSMSAlerts(ctx, limit)
	if err != nil {
		return 0, 0, err
	}
	for _, a := range pending {
		mine, err := s.db.ClaimSMSAlert(ctx, a.ID)
		if err != nil {
			return sent, failed, err
		}
		if !mine {
			continue // another sender got there first
		}
		if s.cfg.SMS.Send(ctx, a.Phone, a.Text) != nil {
			failed++ // tried again later unless this was the last attempt (store.SMSAttempts)
			if _, err := s.db.FailSMSAlert(ctx, a.ID); err != nil {
				return sent, failed, err
			}
			continue
		}
		if _, err := s.db.KeepMessage(ctx, store.Message{Channel: "sms", Recipient: a.Phone, Body: a.Text}); err != nil {
			return sent, failed, err
		}
		sent++
	}
	return sent, failed, nil
}

// postingChanged follows a change of a posting's state made by a handler: the matching index
// learns of it, and the text messages of the saved-search alerts its publication wrote go out.
func (s *Server) postingChanged(ctx context.Context, id int64) {
	s.matchPosting(ctx, id)
	if _, _, err := s.SendSMSAlerts(ctx, 200); err != nil {
		s.log.ErrorContext(ctx, "saved-search alerts: sending text messages", "err", err.Error())
	}
}
