package web

import (
	"net/http"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// The organiser's work on registrations: the table of registrations with its filters, accept
// and reject, the score sheet of an event, and the rankings with the honours granted.

func (s *Server) eventOf(c xiangpei.Competition, id int64) (xiangpei.CompEvent, bool) {
	for _, e := range c.Events {
		if e.ID == id {
			return e, true
		}
	}
	return xiangpei.CompEvent{}, false
}

// ---- the registrations ----

type entryRow struct {
	store.CompEntry
	Event string
}

type competitionEntriesData struct {
	C        xiangpei.Competition
	N        *compNames
	Event    int64
	Status   string
	Statuses []xiangpei.EntryStatus
	Rows     []entryRow
	Review   bool
	Pager    *pager
	Export   string
	Reason   string
}

var entryStatuses = []xiangpei.EntryStatus{xiangpei.EntryRegistered, xiangpei.EntryAccepted, xiangpei.EntryRejected, xiangpei.EntryWithdrawn}

func entryFilterOf(r *http.Request) store.EntryFilter {
	q := r.URL.Query()
	f := store.EntryFilter{Status: xiangpei.EntryStatus(q.Get("status"))}
	if !slicesContains(entryStatuses, f.Status) {
		f.Status = ""
	}
	f.EventID, _ = strconv.ParseInt(q.Get("event"), 10, 64)
	return f
}

func (s *Server) entryRows(c xiangpei.Competition, list []store.CompEntry) []entryRow {
	out := make([]entryRow, 0, len(list))
	for _, e := range list {
		ev, _ := s.eventOf(c, e.EventID)
		out = append(out, entryRow{CompEntry: e, Event: ev.Name})
	}
	return out
}

func (s *Server) competitionEntriesPage(r *http.Request, c xiangpei.Competition, reason string) (*Page, error) {
	f := entryFilterOf(r)
	n, pg := listPage(r, competitionsPerPage)
	list, total, err := s.db.CompetitionEntries(r.Context(), actorOf(r).Scope(), c.ID, f, pg)
	if err != nil {
		return nil, err
	}
	d := &competitionEntriesData{C: c, Event: f.EventID, Status: string(f.Status), Statuses: entryStatuses,
		Rows: s.entryRows(c, list), Review: c.Status == xiangpei.CompetitionClosed, Pager: pagerOf(r, n, total, competitionsPerPage),
		Export: exportLink(r), Reason: reason}
	p := s.page(r, s.msg.T(stateOf(r).lang, "entry.list_title", c.Name), d)
	d.N = s.compNamesFor(r, p)
	return p, nil
}

func (s *Server) competitionEntries(w http.ResponseWriter, r *http.Request) {
	c, err := s.competitionLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsXLSX(r) {
		s.competitionEntriesXLSX(w, r, c)
		return
	}
	if stateOf(r).api {
		n, pg := listPage(r, competitionsPerPage)
		list, total, err := s.db.CompetitionEntries(r.Context(), actorOf(r).Scope(), c.ID, entryFilterOf(r), pg)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"entries": jsonList(list, entryJSON), "total": total, "page": n,
			"per_page": competitionsPerPage})
		return
	}
	s.show(w, r, &formPage{"competition_entries", func() (*Page, error) { return s.competitionEntriesPage(r, c, "") }})
}

func (s *Server) competitionEntriesXLSX(w http.ResponseWriter, r *http.Request, c xiangpei.Competition) {
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	f := entryFilterOf(r)
	all, err := exportAll(func(pg store.Page) ([]store.CompEntry, int, error) {
		return s.db.CompetitionEntries(r.Context(), actorOf(r).Scope(), c.ID, f, pg)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	header := []string{T("entry.col_event"), T("entry.col_team"), T("entry.col_names"), T("entry.col_id"), T("entry.col_status"),
		T("entry.col_reason"), T("entry.col_score"), T("entry.col_rank"), T("entry.col_award"), T("entry.col_registered")}
	rows := make([][]any, 0, len(all))
	for _, e := range s.entryRows(c, all) {
		ids := make([]string, 0, len(e.Members))
		for _, m := range e.Members {
			ids = append(ids, m.IDNumber.Masked())
		}
		score := ""
		if e.Scored {
			score = xiangpei.FormatScore(e.Score)
		}
		rank := ""
		if e.Rank > 0 {
			rank = strconv.Itoa(e.Rank)
		}
		rows = append(rows, []any{e.Event, e.TeamName, strings.Join(e.Names(), "、"), strings.Join(ids, "、"),
			T("entry.status." + string(e.Status)), e.Reason, score, rank, awardText(s, lang, e.Award), e.CreatedAt})
	}
	s.download(w, r, "entries.xlsx", T("entry.export_name")+".xlsx", T("entry.export_name"), header, rows, sheet.Options{})
}

// awardText names an award in the page's language, "" for none.
func awardText(s *Server, lang string, a xiangpei.Award) string {
	if a == xiangpei.AwardNone {
		return ""
	}
	return s.msg.T(lang, "entry.award."+string(a))
}

func (s *Server) competitionEntryShow(w http.ResponseWriter, r *http.Request) {
	c, id, err := loadChild(r, s.competitionLoad, "entry", nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := s.db.CompetitionEntry(r.Context(), actorOf(r).Scope(), c.ID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, entryJSON(e))
		return
	}
	// The page of one registration is its row in the table, filtered to its event.
	http.Redirect(w, r, competitionPath(c.ID)+"/entries?event="+strconv.FormatInt(e.EventID, 10)+"#entry-"+strconv.FormatInt(e.ID, 10), http.StatusSeeOther)
}

func (s *Server) competitionReview(a xiangpei.EntryAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body versionBody
		c, id, err := loadChild(r, s.competitionLoad, "entry", &body)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		e, err := change(s, r, func(tx *store.Tx, actor xiangpei.Actor) (store.CompEntry, error) {
			return tx.ReviewEntry(actor.Scope(), c.ID, id, body.Version, a, body.Reason)
		})
		if err != nil {
			if xiangpei.IsKind(err, xiangpei.NotFound) {
				s.fail(w, r, err)
				return
			}
			s.formError(w, r, err, &formPage{"competition_entries", func() (*Page, error) { return s.competitionEntriesPage(r, c, body.Reason) }})
			return
		}
		back := competitionPath(c.ID) + "/entries?event=" + strconv.FormatInt(e.EventID, 10)
		if q := r.URL.Query().Get("status"); q != "" {
			back += "&status=" + q
		}
		answer(w, r, http.StatusOK, entryJSON(e), back, "entry_"+string(a))
	}
}

// ---- scores ----

type competitionScoresData struct {
	C     xiangpei.Competition
	Event xiangpei.CompEvent
	Rows  []store.CompEntry
	Typed map[int64]string
	Open  bool
}

// acceptedOf lists every accepted registration of an event, for the score sheet.
func (s *Server) acceptedOf(r *http.Request, c xiangpei.Competition, eventID int64) ([]store.CompEntry, error) {
	var all []store.CompEntry
	for off := 0; ; off += 500 {
		list, total, err := s.db.CompetitionEntries(r.Context(), actorOf(r).Scope(), c.ID,
			store.EntryFilter{EventID: eventID, Status: xiangpei.EntryAccepted}, store.Page{Offset: off, Limit: 500})
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
		if off+500 >= total {
			return all, nil
		}
	}
}

func (s *Server) competitionEventLoad(r *http.Request) (xiangpei.Competition, xiangpei.CompEvent, error) {
	c, id, err := loadChild(r, s.competitionLoad, "event", nil)
	if err != nil {
		return c, xiangpei.CompEvent{}, err
	}
	ev, ok := s.eventOf(c, id)
	if !ok {
		return c, ev, xiangpei.ErrNotFound("Event")
	}
	return c, ev, nil
}

func (s *Server) competitionScoresPage(r *http.Request, c xiangpei.Competition, ev xiangpei.CompEvent, typed map[int64]string) (*Page, error) {
	rows, err := s.acceptedOf(r, c, ev.ID)
	if err != nil {
		return nil, err
	}
	if typed == nil {
		typed = map[int64]string{}
		for _, e := range rows {
			if e.Scored {
				typed[e.ID] = xiangpei.FormatScore(e.Score)
			}
		}
	}
	d := competitionScoresData{C: c, Event: ev, Rows: rows, Typed: typed, Open: c.Status == xiangpei.CompetitionClosed}
	return s.page(r, s.msg.T(stateOf(r).lang, "entry.scores_title", ev.Name), d), nil
}

func (s *Server) competitionScores(w http.ResponseWriter, r *http.Request) {
	c, ev, err := s.competitionEventLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		rows, err := s.acceptedOf(r, c, ev.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"event": compEventJSON(ev), "entries": jsonList(rows, entryJSON)})
		return
	}
	s.show(w, r, &formPage{"competition_scores", func() (*Page, error) { return s.competitionScoresPage(r, c, ev, nil) }})
}

// scoresBody is the score sheet on the API.
type scoresBody struct {
	Scores []struct {
		EntryID int64  `json:"entry_id"`
		Version int64  `json:"version"`
		Score   string `json:"score"`
	} `json:"scores"`
}

func (s *Server) competitionRecordScores(w http.ResponseWriter, r *http.Request) {
	c, ev, err := s.competitionEventLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in []store.ScoreInput
	typed := map[int64]string{}
	if stateOf(r).api {
		var b scoresBody
		if err := bind(r, &b); err != nil {
			s.fail(w, r, err)
			return
		}
		for _, x := range b.Scores {
			in = append(in, store.ScoreInput{EntryID: x.EntryID, Version: x.Version, Score: x.Score})
		}
	} else {
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, xiangpei.Errorf(xiangpei.Invalid, "error.bad_request", "The request could not be read."))
			return
		}
		ids, versions, scores := r.PostForm["entry_id"], r.PostForm["version"], r.PostForm["score"]
		for i := range ids {
			id, _ := strconv.ParseInt(ids[i], 10, 64)
			x := store.ScoreInput{EntryID: id}
			if i < len(versions) {
				x.Version, _ = strconv.ParseInt(versions[i], 10, 64)
			}
			if i < len(scores) {
				x.Score = scores[i]
			}
			typed[id] = strings.TrimSpace(x.Score)
			in = append(in, x)
		}
	}
	n, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (int, error) {
		return tx.RecordEntryScores(a.Scope(), c.ID, ev.ID, in)
	})
	if err != nil {
		s.formError(w, r, err, &formPage{"competition_scores", func() (*Page, error) { return s.competitionScoresPage(r, c, ev, typed) }})
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"changed": n}, competitionPath(c.ID)+"/events/"+strconv.FormatInt(ev.ID, 10)+"/scores", "entry_scores")
}

// ---- rankings ----

// rankedEvent is one event's ranking: the published ranks and awards, or before publication a
// preview computed from the scores recorded so far.
type rankedEvent struct {
	Event   xiangpei.CompEvent
	Rows    []rankedRow
	Preview bool
}

type rankedRow struct {
	store.CompEntry
	Honours []store.HonourGranted
}

func (s *Server) rankings(r *http.Request, c xiangpei.Competition) ([]rankedEvent, error) {
	var out []rankedEvent
	honours := map[int64][]store.HonourGranted{}
	if c.Status == xiangpei.CompetitionPublished {
		var err error
		if honours, err = s.db.EntryHonours(r.Context(), actorOf(r).Scope(), c.ID); err != nil {
			return nil, err
		}
	}
	for _, ev := range c.Events {
		rows, err := s.acceptedOf(r, c, ev.ID)
		if err != nil {
			return nil, err
		}
		re := rankedEvent{Event: ev, Preview: c.Status != xiangpei.CompetitionPublished}
		byID := map[int64]store.CompEntry{}
		var scored []xiangpei.Scored
		for _, e := range rows {
			byID[e.ID] = e
			if e.Scored {
				scored = append(scored, xiangpei.Scored{EntryID: e.ID, Score: e.Score})
			}
		}
		if re.Preview {
			for _, pl := range ev.Rank(scored) {
				e := byID[pl.EntryID]
				e.Rank, e.Award = pl.Rank, pl.Award
				re.Rows = append(re.Rows, rankedRow{CompEntry: e})
			}
		} else {
			for _, e := range rows {
				re.Rows = append(re.Rows, rankedRow{CompEntry: e, Honours: honours[e.ID]})
			}
			sortRanked(re.Rows)
		}
		out = append(out, re)
	}
	return out, nil
}

func sortRanked(rows []rankedRow) {
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && (rows[j].Rank < rows[j-1].Rank || rows[j].Rank == rows[j-1].Rank && rows[j].ID < rows[j-1].ID); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

type competitionResultsData struct {
	C      xiangpei.Competition
	Events []rankedEvent
	Export string
}

func (s *Server) competitionResults(w http.ResponseWriter, r *http.Request) {
	c, err := s.competitionLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	events, err := s.rankings(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	if wantsXLSX(r) {
		T := func(k string) string { return s.msg.T(lang, k) }
		header := []string{T("entry.col_event"), T("entry.col_rank"), T("entry.col_team"), T("entry.col_names"), T("entry.col_score"),
			T("entry.col_award"), T("entry.col_honours")}
		var rows [][]any
		for _, ev := range events {
			for _, e := range ev.Rows {
				var hs []string
				for _, h := range e.Honours {
					hs = append(hs, honourText(s, lang, h))
				}
				rows = append(rows, []any{ev.Event.Name, e.Rank, e.TeamName, strings.Join(e.Names(), "、"), xiangpei.FormatScore(e.Score),
					awardText(s, lang, e.Award), strings.Join(hs, "；")})
			}
		}
		s.download(w, r, "rankings.xlsx", T("entry.rankings_export")+".xlsx", T("entry.rankings_export"), header, rows, sheet.Options{})
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"competition": competitionJSON(c), "published": c.Status == xiangpei.CompetitionPublished,
			"events": jsonList(events, func(ev rankedEvent) map[string]any {
				return map[string]any{"event": compEventJSON(ev.Event), "preview": ev.Preview, "ranking": jsonList(ev.Rows, func(e rankedRow) map[string]any {
					m := entryJSON(e.CompEntry)
					m["rank"], m["award"], m["honours"] = nullRank(e.Rank), e.Award, jsonList(e.Honours, honourJSON)
					return m
				})}
			})})
		return
	}
	s.render(w, r, http.StatusOK, "competition_results", s.page(r, s.msg.T(lang, "entry.results_title", c.Name),
		competitionResultsData{C: c, Events: events, Export: exportLink(r)}))
}

// honourText describes an honour in one line: "晋升三级 S…" or "授予 株洲市技术能手".
func honourText(s *Server, lang string, h store.HonourGranted) string {
	if h.Kind == "promotion" {
		return s.msg.T(lang, "entry.honour_promotion", h.Level, h.CertificateNumber)
	}
	return s.msg.T(lang, "entry.honour_title", h.Title)
}
