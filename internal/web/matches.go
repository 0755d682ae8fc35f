package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"xiangpei"
	"xiangpei/internal/match"
	"xiangpei/internal/store"
)

// 人岗匹配 in the application (docs/matching.md "In the application"): the server holds one
// match.Index of the open postings and the seekers' profiles. It is loaded from the store on
// first use after start-up (OpenPostings, SeekerProfiles: set-wise) and kept up to date record
// by record: a posting after every change of its state through the handlers (matchPosting), a
// profile when its preferences are saved and whenever the person opens their profile or
// matches (matchProfile, which also picks up a certificate issued since). Expiry needs no
// update: a posting past its last day is not open at the search's clock and never matches.

// matchState is the index and whether it has been loaded.
type matchState struct {
	mu     sync.Mutex
	loaded bool
	ix     *match.Index
}

const (
	myMatchesTop      = 20
	postingMatchesTop = 50
)

func (s *Server) registerMatchRoutes() {
	person := Roles(xiangpei.RolePerson)
	s.handleBoth("GET /me/profile", "/api/v1/me/profile", person, s.myProfile)
	s.handleBoth("POST /me/profile", "/api/v1/me/profile", person, s.saveMyProfile)
	s.handleBoth("GET /me/matches", "/api/v1/me/matches", person, s.myMatches)
	s.handleBoth("GET /employer/postings/{posting}/matches", "/api/v1/employer/postings/{posting}/matches",
		Roles(xiangpei.RoleEmployer), s.postingMatches)
}

// matchIndex returns the index, loading it from the store the first time.
func (s *Server) matchIndex(ctx context.Context) (*match.Index, error) {
	m := &s.matches
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loaded {
		return m.ix, nil
	}
	posts, err := s.db.OpenPostings(ctx)
	if err != nil {
		return nil, err
	}
	profs, err := s.db.SeekerProfiles(ctx)
	if err != nil {
		return nil, err
	}
	ix := &match.Index{}
	for _, p := range posts {
		ix.UpsertPosting(p)
	}
	for _, p := range profs {
		ix.UpsertProfile(p)
	}
	m.ix, m.loaded = ix, true
	return ix, nil
}

// ifLoaded runs f on the index when it is loaded (a change before the first load is read by
// the load itself).
func (s *Server) ifLoaded(f func(*match.Index)) {
	m := &s.matches
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.loaded {
		f(m.ix)
	}
}

// matchPosting brings the index up to date with posting id after a change: in it when open,
// out of it otherwise. Best effort: a failure is logged and the posting is dropped, so that a
// closed posting is never offered.
func (s *Server) matchPosting(ctx context.Context, id int64) {
	p, open, err := s.db.OpenPosting(ctx, id)
	if err != nil {
		s.log.ErrorContext(ctx, "match index: reading posting", "posting", id, "err", err.Error())
	}
	s.ifLoaded(func(ix *match.Index) {
		if open && err == nil {
			ix.UpsertPosting(p)
		} else {
			ix.RemovePosting(id)
		}
	})
}

// matchProfile reads the person's profile afresh and brings the index up to date with it.
func (s *Server) matchProfile(ctx context.Context, personID int64) (xiangpei.SeekerProfile, error) {
	p, ok, err := s.db.SeekerProfile(ctx, personID)
	if err != nil {
		return p, err
	}
	s.ifLoaded(func(ix *match.Index) {
		if ok {
			ix.UpsertProfile(p)
		} else {
			ix.RemoveProfile(personID)
		}
	})
	return p, nil
}

// matchLoaded reports whether the index has been loaded; before that a change needs no
// update, since the first load reads everything.
func (s *Server) matchLoaded() bool {
	s.matches.mu.Lock()
	defer s.matches.mu.Unlock()
	return s.matches.loaded
}

// seekersChanged reads again, into a loaded index, the profiles of the seekers an event of the
// record touched (store.SeekersOfPlan, …): a certificate issued, a class completed, an award
// published shows in employers' lists at once. Best effort, like matchPosting.
func (s *Server) seekersChanged(ctx context.Context, query string, id int64) {
	if !s.matchLoaded() {
		return
	}
	ids, err := s.db.SeekersOf(ctx, query, id)
	if err != nil {
		s.log.ErrorContext(ctx, "match index: reading changed profiles", "err", err.Error())
		return
	}
	for _, p := range ids {
		s.seekerChanged(ctx, p)
	}
}

// seekerChanged reads one person's profile again into a loaded index.
func (s *Server) seekerChanged(ctx context.Context, personID int64) {
	if !s.matchLoaded() {
		return
	}
	if _, err := s.matchProfile(ctx, personID); err != nil {
		s.log.ErrorContext(ctx, "match index: reading a changed profile", "person", personID, "err", err.Error())
	}
}

// matchOptions are the settings of one search: the clock, and the shortage occupations of the
// lists in force now, by region (one small query; the lists change rarely but must take effect
// at once when published or withdrawn).
func (s *Server) matchOptions(ctx context.Context) (match.Options, error) {
	now := s.now()
	by, err := s.db.ShortageOccupationsInForce(ctx, now)
	return match.Options{Now: now, Shortage: match.NewShortage(by)}, err
}

// ---- views ----

type reasonView struct {
	Part   string
	Points int
	Max    int
	Text   string
}

func (s *Server) reasonViews(lang string, rs []xiangpei.MatchReason) []reasonView {
	out := make([]reasonView, 0, len(rs))
	for _, x := range rs {
		args := make([]any, len(x.Args))
		for i, a := range x.Args {
			args[i] = a
			if wt, ok := a.(xiangpei.WorkType); ok { // a code: say it in words
				args[i] = s.msg.T(lang, "job.work_type."+string(wt))
			}
		}
		out = append(out, reasonView{Part: x.Part, Points: x.Points, Max: x.Max, Text: s.msg.T(lang, x.Key, args...)})
	}
	return out
}

func reasonsJSON(rs []reasonView) []map[string]any {
	return jsonList(rs, func(x reasonView) map[string]any {
		return map[string]any{"part": x.Part, "points": x.Points, "max": x.Max, "text": x.Text}
	})
}

func (s *Server) widenedTexts(lang string, steps []match.Step) []string {
	out := []string{}
	for _, st := range steps {
		out = append(out, s.msg.T(lang, st.Key, st.Args...))
	}
	return out
}

type gapView struct {
	Kind     string
	What     string
	KindName string
	Class    string // a link to an open class that closes the gap, or to the catalogue
}

type jobMatchView struct {
	P       postingView
	Score   int
	Reasons []reasonView
	Gaps    []gapView
}

type myMatchesData struct {
	Items    []jobMatchView
	Widened  []string
	Profiled bool // the person saved preferences
}

// classLink finds an open class of the occupation (at the level when a level is missing) in the
// course catalogue: its page, or the catalogue filtered by the occupation when none is open.
func (s *Server) classLink(ctx context.Context, cache map[string]string, occupation string) string {
	if v, ok := cache[occupation]; ok {
		return v
	}
	link := "/courses?occupation=" + url.QueryEscape(occupation)
	if cs, _, err := s.db.Courses(ctx, s.now(), store.CourseFilter{Occupation: occupation}, store.Page{Limit: 1}); err == nil && len(cs) > 0 {
		link = "/courses/" + strconv.FormatInt(cs[0].ID, 10)
	}
	cache[occupation] = link
	return link
}

func (s *Server) myMatches(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	ctx := r.Context()
	ix, err := s.matchIndex(ctx)
	var profile xiangpei.SeekerProfile
	if err == nil {
		profile, err = s.matchProfile(ctx, a.PersonID)
	}
	var prefs store.SeekerPrefs
	if err == nil {
		prefs, err = s.db.SeekerPrefsOf(ctx, a.PersonID)
	}
	var opts match.Options
	if err == nil {
		opts, err = s.matchOptions(ctx)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := ix.JobsFor(profile, myMatchesTop, opts)
	lang := stateOf(r).lang
	pl, levels := s.places(r), s.levelNames(r)
	d := myMatchesData{Widened: s.widenedTexts(lang, res.Widened), Profiled: prefs.Version > 0}
	cache := map[string]string{}
	for _, h := range res.Hits {
		p, err := s.db.PublicPosting(ctx, h.ID)
		if err != nil {
			continue // closed since the index last heard of it; the next change removes it
		}
		v := jobMatchView{P: s.postingViewOf(r, pl, levels, p), Score: h.Score, Reasons: s.reasonViews(lang, h.Reasons)}
		for _, g := range xiangpei.NearMiss(profile, p.JobPosting) {
			v.Gaps = append(v.Gaps, gapView{Kind: g.Kind, What: g.What, KindName: s.msg.T(lang, "matches.gap."+g.Kind),
				Class: s.classLink(ctx, cache, p.Occupation)})
		}
		d.Items = append(d.Items, v)
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"matches": jsonList(d.Items, func(v jobMatchView) map[string]any {
			return map[string]any{"posting_id": v.P.ID, "title": v.P.Title, "employer_name": v.P.EmployerName, "county": v.P.County,
				"salary": v.P.Salary, "score": v.Score, "reasons": reasonsJSON(v.Reasons),
				"gaps": jsonList(v.Gaps, func(g gapView) map[string]any {
					return map[string]any{"kind": g.Kind, "what": g.What, "class": g.Class}
				})}
		}), "widened": d.Widened, "step": res.Step, "profiled": d.Profiled})
		return
	}
	s.render(w, r, http.StatusOK, "matches_mine", s.page(r, s.msg.T(lang, "matches.mine_title"), d))
}

type seekerMatchView struct {
	store.SeekerCard
	Score   int
	Reasons []reasonView
}

type postingMatchesData struct {
	P       postingView
	Items   []seekerMatchView
	Widened []string
}

func (s *Server) postingMatches(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	ctx := r.Context()
	p, _, err := pathObject(r, "posting", a.Scope(), s.db.Posting)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ix, err := s.matchIndex(ctx)
	var opts match.Options
	if err == nil {
		opts, err = s.matchOptions(ctx)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := ix.SeekersFor(p.JobPosting, postingMatchesTop, opts)
	ids := make([]int64, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	cards, err := s.db.SeekerCards(ctx, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	d := postingMatchesData{P: s.postingViewOf(r, s.places(r), s.levelNames(r), p), Widened: s.widenedTexts(lang, res.Widened)}
	for _, h := range res.Hits {
		c, ok := cards[h.ID]
		if !ok {
			continue
		}
		d.Items = append(d.Items, seekerMatchView{SeekerCard: c, Score: h.Score, Reasons: s.reasonViews(lang, h.Reasons)})
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"posting_id": p.ID, "matches": jsonList(d.Items, func(v seekerMatchView) map[string]any {
			return map[string]any{"person_id": v.PersonID, "name": v.Name, "id_number": v.MaskedID, "score": v.Score,
				"reasons": reasonsJSON(v.Reasons)}
		}), "widened": d.Widened, "step": res.Step})
		return
	}
	s.render(w, r, http.StatusOK, "matches_posting", s.page(r, s.msg.T(lang, "matches.posting_title", p.Title), d))
}
