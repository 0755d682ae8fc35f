package web

import (
	"net/http"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 赛 — skills competitions (职业技能竞赛, SPEC §6), the organiser's side: an officer holding the
// publish duty creates a competition of their bureau with its events, opens and closes
// registration, reviews the registrations, records the scores and publishes the results, which
// grants the honours. Every page has its JSON twin under /api/v1 and every list exports to Excel
// with ?format=xlsx. The portal's side (/contests) is contests.go.

// competitionsPerPage is the page size of competition and registration lists.
const competitionsPerPage = 30

func (s *Server) registerCompetitionRoutes() {
	org := Duty(xiangpei.DutyPublish)
	s.handleBoth("GET /competitions", "/api/v1/competitions", org, s.competitionList)
	s.handle("GET /competitions/new", org, s.competitionNewForm)
	s.handleBoth("POST /competitions", "/api/v1/competitions", org, s.competitionCreate)
	s.handleBoth("GET /competitions/{competition}", "/api/v1/competitions/{competition}", org, s.competitionShow)
	s.handle("GET /competitions/{competition}/edit", org, s.competitionEditForm)
	s.handleBoth("POST /competitions/{competition}", "/api/v1/competitions/{competition}", org, s.competitionUpdate)
	for _, a := range []xiangpei.CompetitionAction{xiangpei.CompetitionOpenReg, xiangpei.CompetitionCloseReg,
		xiangpei.CompetitionPublish, xiangpei.CompetitionCancel} {
		s.handleBoth("POST /competitions/{competition}/"+string(a), "/api/v1/competitions/{competition}/"+string(a), org, s.competitionMove(a))
	}
	s.handleBoth("GET /competitions/{competition}/entries", "/api/v1/competitions/{competition}/entries", org, s.competitionEntries)
	s.handleBoth("GET /competitions/{competition}/entries/{entry}", "/api/v1/competitions/{competition}/entries/{entry}", org, s.competitionEntryShow)
	s.handleBoth("POST /competitions/{competition}/entries/{entry}/accept", "/api/v1/competitions/{competition}/entries/{entry}/accept",
		org, s.competitionReview(xiangpei.EntryAccept))
	s.handleBoth("POST /competitions/{competition}/entries/{entry}/reject", "/api/v1/competitions/{competition}/entries/{entry}/reject",
		org, s.competitionReview(xiangpei.EntryReject))
	s.handleBoth("GET /competitions/{competition}/events/{event}/scores", "/api/v1/competitions/{competition}/events/{event}/scores",
		org, s.competitionScores)
	s.handleBoth("POST /competitions/{competition}/events/{event}/scores", "/api/v1/competitions/{competition}/events/{event}/scores",
		org, s.competitionRecordScores)
	s.handleBoth("GET /competitions/{competition}/results", "/api/v1/competitions/{competition}/results", org, s.competitionResults)
	s.registerContestRoutes()
}

func competitionPath(id int64) string { return "/competitions/" + strconv.FormatInt(id, 10) }

// ---- JSON ----

func compEventJSON(e xiangpei.CompEvent) map[string]any {
	return map[string]any{"id": e.ID, "seq": e.Seq, "occupation_code": e.OccupationCode, "occupation_name": e.OccupationName,
		"name": e.Name, "mode": e.Mode, "team_size": e.TeamSize, "min_level": e.MinLevel, "region": e.Region,
		"min_age": e.MinAge, "max_age": e.MaxAge, "first": e.First, "second": e.Second, "third": e.Third, "merit": e.Merit}
}

func competitionJSON(c xiangpei.Competition) map[string]any {
	m := map[string]any{"id": c.ID, "region": c.Region, "name": c.Name, "level": c.Level, "year": c.Year, "rules": c.Rules,
		"reg_opens": c.RegOpens, "reg_closes": c.RegCloses, "starts_on": c.StartsOn, "ends_on": c.EndsOn, "status": c.Status,
		"created_at": c.CreatedAt, "updated_at": c.UpdatedAt, "version": c.Version}
	if c.Events != nil {
		m["events"] = jsonList(c.Events, compEventJSON)
	}
	return m
}

func scoreJSON(scored bool, tenths int) any {
	if !scored {
		return nil
	}
	return xiangpei.FormatScore(tenths)
}

// entryJSON is a registration as its organiser sees it: names in full, ID numbers masked.
func entryJSON(e store.CompEntry) map[string]any {
	members := jsonList(e.Members, func(m store.EntryMember) map[string]any {
		return map[string]any{"person_id": m.PersonID, "name": m.Name, "id_number": m.IDNumber.Masked()}
	})
	return map[string]any{"id": e.ID, "competition_id": e.CompetitionID, "event_id": e.EventID, "person_id": e.PersonID,
		"name": e.PersonName, "id_number": e.IDNumber.Masked(), "team_name": e.TeamName, "members": members, "status": e.Status,
		"reason": e.Reason, "score": scoreJSON(e.Scored, e.Score), "rank": nullRank(e.Rank), "award": e.Award,
		"created_at": e.CreatedAt, "updated_at": e.UpdatedAt, "version": e.Version}
}

func nullRank(r int) any {
	if r == 0 {
		return nil
	}
	return r
}

func honourJSON(h store.HonourGranted) map[string]any {
	return map[string]any{"kind": h.Kind, "level": h.Level, "title": h.Title, "basis": h.Basis,
		"certificate_id": h.CertificateID, "certificate_number": h.CertificateNumber, "granted_at": h.GrantedAt}
}

// ---- names ----

// compNames names what competition pages show: regions, skill levels, states, awards.
type compNames struct {
	p      *Page
	places places
	levels map[string]string
}

func (s *Server) compNamesFor(r *http.Request, p *Page) *compNames {
	return &compNames{p: p, places: s.places(r), levels: s.levelNames(r)}
}

// Region names a region code.
func (n *compNames) Region(code string) string { return n.places.name(code) }

// Level names a skill level.
func (n *compNames) Level(code string) string { return orCode(n.levels, code, code) }

// ---- the list ----

type competitionListData struct {
	Q, Status, Year string
	Statuses        []xiangpei.CompetitionStatus
	List            []xiangpei.Competition
	N               *compNames
	Pager           *pager
	Export          string
}

func competitionFilterOf(r *http.Request) store.CompetitionFilter {
	q := r.URL.Query()
	f := store.CompetitionFilter{Status: xiangpei.CompetitionStatus(q.Get("status")), Q: strings.TrimSpace(q.Get("q"))}
	if f.Status != "" && !slicesContains(xiangpei.CompetitionStatuses, f.Status) {
		f.Status = ""
	}
	f.Year, _ = strconv.Atoi(q.Get("year"))
	return f
}

func slicesContains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (s *Server) competitionList(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	f := competitionFilterOf(r)
	if wantsXLSX(r) {
		s.competitionListXLSX(w, r, f)
		return
	}
	n, pg := listPage(r, competitionsPerPage)
	list, total, err := s.db.Competitions(r.Context(), a.Scope(), f, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"competitions": jsonList(list, competitionJSON), "total": total, "page": n,
			"per_page": competitionsPerPage})
		return
	}
	d := competitionListData{Q: f.Q, Status: string(f.Status), Statuses: xiangpei.CompetitionStatuses, List: list,
		Pager: pagerOf(r, n, total, competitionsPerPage), Export: exportLink(r)}
	if f.Year != 0 {
		d.Year = strconv.Itoa(f.Year)
	}
	p := s.page(r, s.msg.T(stateOf(r).lang, "competition.list_title"), &d)
	d.N = s.compNamesFor(r, p)
	s.render(w, r, http.StatusOK, "competitions", p)
}

func (s *Server) competitionListXLSX(w http.ResponseWriter, r *http.Request, f store.CompetitionFilter) {
	s.competitionsXLSX(w, r, "competitions.xlsx", "competition", func(pg store.Page) ([]xiangpei.Competition, int, error) {
		return s.db.Competitions(r.Context(), actorOf(r).Scope(), f, pg)
	})
}

// competitionsXLSX downloads a list of competitions — the organiser's (keys "competition.*")
// or the portal's ("contest.*") — with the columns both pages show.
func (s *Server) competitionsXLSX(w http.ResponseWriter, r *http.Request, ascii, keys string, fetch func(store.Page) ([]xiangpei.Competition, int, error)) {
	T := func(k string) string { return s.msg.T(stateOf(r).lang, k) }
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pl := s.places(r)
	header := []string{T("competition.col_name"), T("competition.col_region"), T("competition.col_level"), T("competition.col_year"),
		T("competition.col_reg"), T("competition.col_dates"), T("competition.col_status")}
	rows := make([][]any, 0, len(all))
	for _, c := range all {
		rows = append(rows, []any{c.Name, pl.name(c.Region), T("competition.level." + string(c.Level)), c.Year,
			c.RegOpens + " – " + c.RegCloses, c.StartsOn + " – " + c.EndsOn, T("competition.status." + string(c.Status))})
	}
	s.download(w, r, ascii, T(keys+".export_name")+".xlsx", T(keys+".list_title"), header, rows, sheet.Options{})
}

// ---- one competition ----

// competitionLoad reads the competition of the path within the actor's scope.
func (s *Server) competitionLoad(r *http.Request) (xiangpei.Competition, error) {
	id, err := pathID(r, "competition")
	if err != nil {
		return xiangpei.Competition{}, err
	}
	return s.db.Competition(r.Context(), actorOf(r).Scope(), id)
}

type competitionShowData struct {
	C                                  xiangpei.Competition
	N                                  *compNames
	Counts                             map[string]int
	CanEdit, CanOpen, CanClose, CanPub bool
	CanCancel, Reviewing, ShowResults  bool
	Rules                              []string
}

// ruleLines splits the rules text into its paragraphs, blank lines dropped.
func ruleLines(rules string) []string {
	var out []string
	for _, l := range strings.Split(rules, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (s *Server) competitionCounts(r *http.Request, c xiangpei.Competition) (map[string]int, error) {
	out := map[string]int{}
	for _, st := range []xiangpei.EntryStatus{"", xiangpei.EntryRegistered, xiangpei.EntryAccepted, xiangpei.EntryRejected, xiangpei.EntryWithdrawn} {
		_, n, err := s.db.CompetitionEntries(r.Context(), actorOf(r).Scope(), c.ID, store.EntryFilter{Status: st}, store.Page{Limit: 1})
		if err != nil {
			return nil, err
		}
		key := string(st)
		if key == "" {
			key = "all"
		}
		out[key] = n
	}
	return out, nil
}

func (s *Server) competitionShowPage(r *http.Request, c xiangpei.Competition) (*Page, error) {
	counts, err := s.competitionCounts(r, c)
	if err != nil {
		return nil, err
	}
	d := &competitionShowData{C: c, Counts: counts, CanEdit: c.Status == xiangpei.CompetitionDraft,
		CanOpen: c.Status.Can(xiangpei.CompetitionOpenReg), CanClose: c.Status.Can(xiangpei.CompetitionCloseReg),
		CanPub: c.Status.Can(xiangpei.CompetitionPublish), CanCancel: c.Status.Can(xiangpei.CompetitionCancel),
		Reviewing: c.Status == xiangpei.CompetitionClosed, Rules: ruleLines(c.Rules), ShowResults: c.Status == xiangpei.CompetitionClosed || c.Status == xiangpei.CompetitionPublished}
	p := s.page(r, c.Name, d)
	d.N = s.compNamesFor(r, p)
	return p, nil
}

func (s *Server) competitionShow(w http.ResponseWriter, r *http.Request) {
	c, err := s.competitionLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		counts, err := s.competitionCounts(r, c)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out := competitionJSON(c)
		out["entries"] = counts
		writeJSON(w, http.StatusOK, out)
		return
	}
	s.show(w, r, &formPage{"competition_show", func() (*Page, error) { return s.competitionShowPage(r, c) }})
}

// versionBody is a state change at the version seen.
type versionBody struct {
	Version int64  `json:"version"`
	Reason  string `json:"reason"`
}

func (s *Server) competitionMove(a xiangpei.CompetitionAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		cur, err := s.competitionLoad(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var body versionBody
		if err := bind(r, &body); err != nil {
			s.fail(w, r, err)
			return
		}
		c, err := change(s, r, func(tx *store.Tx, actor xiangpei.Actor) (xiangpei.Competition, error) {
			return tx.MoveCompetition(actor.Scope(), cur.ID, body.Version, a)
		})
		if err != nil {
			s.formError(w, r, err, &formPage{"competition_show", func() (*Page, error) {
				fresh, err := s.competitionLoad(r)
				if err != nil {
					return nil, err
				}
				return s.competitionShowPage(r, fresh)
			}})
			return
		}
		s.seekersChanged(r.Context(), store.SeekersOfCompetition, c.ID)
		answer(w, r, http.StatusOK, competitionJSON(c), competitionPath(c.ID), "competition_"+string(a))
	}
}
