package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 赛 on the portal (/contests): everybody sees the competitions past their draft with their
// events, rules and dates, and the rankings once published (names masked, no ID numbers); a
// signed-in person registers for an event (alone, or with a team found in the registry by ID
// number and name), sees their registrations and withdraws before registration closes.

func (s *Server) registerContestRoutes() {
	person := Roles(xiangpei.RolePerson)
	s.handleBoth("GET /contests", "/api/v1/contests", Public(), s.contestList)
	s.handleBoth("GET /contests/mine", "/api/v1/contests/mine", person, s.contestMine)
	s.handleBoth("GET /contests/{contest}", "/api/v1/contests/{contest}", Public(), s.contestShow)
	s.handleBoth("POST /contests/{contest}/register", "/api/v1/contests/{contest}/register", person, s.contestRegister)
	s.handleBoth("POST /contests/{contest}/entries/{entry}/withdraw", "/api/v1/contests/{contest}/entries/{entry}/withdraw",
		person, s.contestWithdraw)
}

func contestPath(id int64) string { return "/contests/" + strconv.FormatInt(id, 10) }

// publicEntryJSON is a ranked registration as the public sees it: masked names, no ID numbers.
func publicEntryJSON(e store.CompEntry) map[string]any {
	return map[string]any{"event_id": e.EventID, "rank": nullRank(e.Rank), "award": e.Award, "score": scoreJSON(e.Scored, e.Score),
		"team_name": e.TeamName, "names": e.MaskedNames()}
}

func personEntryJSON(e store.PersonEntry) map[string]any {
	return map[string]any{"entry_id": e.EntryID, "competition_id": e.CompetitionID, "competition": e.Competition,
		"competition_level": e.CompetitionLevel, "competition_status": e.CompetitionStatus, "year": e.Year, "starts_on": e.StartsOn,
		"event_id": e.EventID, "event": e.Event, "occupation_code": e.OccupationCode, "occupation_name": e.OccupationName,
		"team_name": e.TeamName, "registrant": e.Registrant, "status": e.Status, "reason": e.Reason,
		"score": scoreJSON(e.Scored, e.Score), "rank": nullRank(e.Rank), "award": e.Award,
		"honours": jsonList(e.Honours, honourJSON), "version": e.Version}
}

// ---- the list ----

type contestListData struct {
	Q, Status string
	Statuses  []xiangpei.CompetitionStatus
	List      []xiangpei.Competition
	N         *compNames
	Pager     *pager
	Export    string
	Person    bool
}

func (s *Server) contestList(w http.ResponseWriter, r *http.Request) {
	f := competitionFilterOf(r)
	if f.Status == xiangpei.CompetitionDraft {
		f.Status = ""
	}
	lang := stateOf(r).lang
	if wantsXLSX(r) {
		s.competitionsXLSX(w, r, "contests.xlsx", "contest", func(pg store.Page) ([]xiangpei.Competition, int, error) {
			return s.db.Contests(r.Context(), f, pg)
		})
		return
	}
	n, pg := listPage(r, competitionsPerPage)
	list, total, err := s.db.Contests(r.Context(), f, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"contests": jsonList(list, competitionJSON), "total": total, "page": n,
			"per_page": competitionsPerPage})
		return
	}
	a := stateOf(r).actor
	d := &contestListData{Q: f.Q, Status: string(f.Status), List: list, Statuses: []xiangpei.CompetitionStatus{xiangpei.CompetitionOpen,
		xiangpei.CompetitionClosed, xiangpei.CompetitionPublished, xiangpei.CompetitionCancelled}, Pager: pagerOf(r, n, total, competitionsPerPage),
		Export: exportLink(r), Person: a != nil && a.Role == xiangpei.RolePerson}
	p := s.page(r, s.msg.T(lang, "contest.list_title"), d)
	d.N = s.compNamesFor(r, p)
	s.render(w, r, http.StatusOK, "contests", p)
}

// ---- one competition ----

// contestEvent is an event on the portal with its ranking (published) and, for a signed-in
// person, their registration in it and the form to register.
type contestEvent struct {
	xiangpei.CompEvent
	Ranking  []store.CompEntry
	Mine     *store.PersonEntry
	Others   []int // member rows of the team form
	Typed    *contestTyped
	Reasons  []string
	Problem  string
	CanEnter bool
}

// contestTyped is what a person typed in a registration form, shown again after a refusal.
type contestTyped struct {
	TeamName string
	IDs      []string
	Names    []string
}

// Member is the typed member of row i.
func (t *contestTyped) Member(i int) (string, string) {
	if t == nil {
		return "", ""
	}
	id, name := "", ""
	if i < len(t.IDs) {
		id = t.IDs[i]
	}
	if i < len(t.Names) {
		name = t.Names[i]
	}
	return id, name
}

// MemberID is the typed ID number of row i.
func (t *contestTyped) MemberID(i int) string { id, _ := t.Member(i); return id }

// MemberName is the typed name of row i.
func (t *contestTyped) MemberName(i int) string { _, n := t.Member(i); return n }

type contestData struct {
	C         xiangpei.Competition
	N         *compNames
	Events    []contestEvent
	Published bool
	Person    bool
	RegOpen   bool
	SignIn    string
	Register  string
	Export    string
	Mine      []store.PersonEntry
	Rules     []string
}

func (s *Server) contestLoad(r *http.Request) (xiangpei.Competition, error) {
	id, err := pathID(r, "contest")
	if err != nil {
		return xiangpei.Competition{}, err
	}
	return s.db.Contest(r.Context(), id)
}

// contestPage builds the portal page of a competition; failed is the event whose registration
// was refused, with the reasons and what was typed.
func (s *Server) contestPage(r *http.Request, c xiangpei.Competition, failed int64, reasons []string, typed *contestTyped) (*Page, error) {
	ctx := r.Context()
	d := &contestData{C: c, Published: c.Status == xiangpei.CompetitionPublished, Export: exportLink(r), Rules: ruleLines(c.Rules)}
	day := xiangpei.ChinaDate(s.now())
	d.RegOpen = c.Status == xiangpei.CompetitionOpen && day >= c.RegOpens && day <= c.RegCloses
	back := url.Values{"next": {contestPath(c.ID)}}.Encode()
	d.SignIn, d.Register = "/login?"+back, "/register?"+back
	var ranking []store.CompEntry
	if d.Published {
		var err error
		if ranking, err = s.db.ContestResults(ctx, c.ID); err != nil {
			return nil, err
		}
	}
	if a := stateOf(r).actor; a != nil && a.Role == xiangpei.RolePerson && a.PersonID != 0 {
		d.Person = true
		mine, err := s.db.EntriesOf(ctx, a.Scope(), a.PersonID)
		if err != nil {
			return nil, err
		}
		for _, e := range mine {
			if e.CompetitionID == c.ID {
				d.Mine = append(d.Mine, e)
			}
		}
	}
	for _, ev := range c.Events {
		ce := contestEvent{CompEvent: ev}
		for _, e := range ranking {
			if e.EventID == ev.ID {
				ce.Ranking = append(ce.Ranking, e)
			}
		}
		for i := range d.Mine {
			if m := d.Mine[i]; m.EventID == ev.ID && (m.Status == xiangpei.EntryRegistered || m.Status == xiangpei.EntryAccepted ||
				m.Status == xiangpei.EntryRejected || d.Published) {
				ce.Mine = &d.Mine[i]
			}
		}
		ce.CanEnter = d.RegOpen && d.Person && ce.Mine == nil
		for i := 1; i < ev.TeamSize; i++ {
			ce.Others = append(ce.Others, i)
		}
		if ev.ID == failed {
			ce.Reasons, ce.Typed = reasons, typed
		}
		d.Events = append(d.Events, ce)
	}
	p := s.page(r, c.Name, d)
	d.N = s.compNamesFor(r, p)
	return p, nil
}

func (s *Server) contestShow(w http.ResponseWriter, r *http.Request) {
	c, err := s.contestLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	if wantsXLSX(r) {
		T := func(k string) string { return s.msg.T(lang, k) }
		ranking, err := s.db.ContestResults(r.Context(), c.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		names := map[int64]string{}
		for _, ev := range c.Events {
			names[ev.ID] = ev.Name
		}
		header := []string{T("entry.col_event"), T("entry.col_rank"), T("entry.col_team"), T("entry.col_names"), T("entry.col_score"), T("entry.col_award")}
		rows := make([][]any, 0, len(ranking))
		for _, e := range ranking {
			rows = append(rows, []any{names[e.EventID], e.Rank, e.TeamName, strings.Join(e.MaskedNames(), "、"), xiangpei.FormatScore(e.Score),
				awardText(s, lang, e.Award)})
		}
		s.download(w, r, "rankings.xlsx", T("entry.rankings_export")+".xlsx", T("entry.rankings_export"), header, rows, sheet.Options{})
		return
	}
	if stateOf(r).api {
		out := competitionJSON(c)
		if c.Status == xiangpei.CompetitionPublished {
			ranking, err := s.db.ContestResults(r.Context(), c.ID)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			out["ranking"] = jsonList(ranking, publicEntryJSON)
		}
		if a := stateOf(r).actor; a != nil && a.Role == xiangpei.RolePerson && a.PersonID != 0 {
			mine, err := s.db.EntriesOf(r.Context(), a.Scope(), a.PersonID)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			var here []store.PersonEntry
			for _, e := range mine {
				if e.CompetitionID == c.ID {
					here = append(here, e)
				}
			}
			out["mine"] = jsonList(here, personEntryJSON)
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	s.show(w, r, &formPage{"contest", func() (*Page, error) { return s.contestPage(r, c, 0, nil, nil) }})
}

// registerBody is a registration on the API.
type registerBody struct {
	EventID  int64  `json:"event_id"`
	TeamName string `json:"team_name"`
	Members  []struct {
		IDNumber string `json:"id_number"`
		Name     string `json:"name"`
	} `json:"members"`
}

func (s *Server) contestRegister(w http.ResponseWriter, r *http.Request) {
	c, err := s.contestLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var in store.EntryInput
	typed := &contestTyped{}
	if stateOf(r).api {
		var b registerBody
		if err := bind(r, &b); err != nil {
			s.fail(w, r, err)
			return
		}
		in = store.EntryInput{EventID: b.EventID, TeamName: b.TeamName}
		for _, m := range b.Members {
			in.Members = append(in.Members, store.MemberInput{IDNumber: m.IDNumber, Name: m.Name})
		}
	} else {
		if err := r.ParseForm(); err != nil {
			s.fail(w, r, xiangpei.Errorf(xiangpei.Invalid, "error.bad_request", "The request could not be read."))
			return
		}
		in.EventID, _ = strconv.ParseInt(r.PostFormValue("event_id"), 10, 64)
		in.TeamName = strings.TrimSpace(r.PostFormValue("team_name"))
		typed.TeamName, typed.IDs, typed.Names = in.TeamName, r.PostForm["member_id"], r.PostForm["member_name"]
		for i, id := range typed.IDs {
			m := store.MemberInput{IDNumber: strings.TrimSpace(id)}
			if i < len(typed.Names) {
				m.Name = strings.TrimSpace(typed.Names[i])
			}
			in.Members = append(in.Members, m)
		}
	}
	e, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.CompEntry, error) {
		return tx.RegisterEntry(a.PersonID, c.ID, in)
	})
	if err != nil {
		reasons := s.rosterReasons(r, xiangpei.Reasons(err))
		st := stateOf(r)
		if st.api {
			writeJSON(w, statusOf(err), map[string]any{"error": map[string]any{"kind": string(xiangpei.ErrorKind(err)),
				"message": s.msg.T(st.lang, "entry.refused"), "reasons": s.rosterReasonsJSON(r, xiangpei.Reasons(err))}})
			return
		}
		if xiangpei.ErrorKind(err) == xiangpei.Internal {
			s.fail(w, r, err)
			return
		}
		p, perr := s.contestPage(r, c, in.EventID, reasons, typed)
		if perr != nil {
			s.fail(w, r, err)
			return
		}
		p.Error = s.msg.T(st.lang, "entry.refused")
		s.render(w, r, statusOf(err), "contest", p)
		return
	}
	answer(w, r, http.StatusCreated, entryJSON(e), contestPath(c.ID), "entry_registered")
}

func (s *Server) contestWithdraw(w http.ResponseWriter, r *http.Request) {
	var body versionBody
	c, id, err := loadChild(r, s.contestLoad, "entry", &body)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.CompEntry, error) {
		return tx.WithdrawEntry(a.PersonID, c.ID, id, body.Version)
	})
	if err != nil {
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			s.fail(w, r, err)
			return
		}
		s.formError(w, r, err, &formPage{"contest", func() (*Page, error) { return s.contestPage(r, c, 0, nil, nil) }})
		return
	}
	answer(w, r, http.StatusOK, entryJSON(e), contestPath(c.ID), "entry_withdrawn")
}

// ---- a person's registrations ----

type contestMineData struct {
	List []store.PersonEntry
	N    *compNames
}

func (s *Server) contestMine(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	list, err := s.db.EntriesOf(r.Context(), a.Scope(), a.PersonID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	if wantsXLSX(r) {
		T := func(k string) string { return s.msg.T(lang, k) }
		header := []string{T("competition.col_name"), T("competition.col_year"), T("entry.col_event"), T("entry.col_team"),
			T("entry.col_status"), T("entry.col_score"), T("entry.col_rank"), T("entry.col_award"), T("entry.col_honours")}
		rows := make([][]any, 0, len(list))
		for _, e := range list {
			var hs []string
			for _, h := range e.Honours {
				hs = append(hs, honourText(s, lang, h))
			}
			score, rank := "", ""
			if e.Scored {
				score = xiangpei.FormatScore(e.Score)
			}
			if e.Rank > 0 {
				rank = strconv.Itoa(e.Rank)
			}
			rows = append(rows, []any{e.Competition, e.Year, e.Event, e.TeamName, T("entry.status." + string(e.Status)), score, rank,
				awardText(s, lang, e.Award), strings.Join(hs, "；")})
		}
		s.download(w, r, "my-contests.xlsx", T("contest.mine_title")+".xlsx", T("contest.mine_title"), header, rows, sheet.Options{})
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"entries": jsonList(list, personEntryJSON)})
		return
	}
	d := &contestMineData{List: list}
	p := s.page(r, s.msg.T(lang, "contest.mine_title"), d)
	d.N = s.compNamesFor(r, p)
	s.render(w, r, http.StatusOK, "contest_mine", p)
}
