package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 零工市场 — the gig market (docs/gigs.md). Anyone reads the open gigs at /gigs, nearest
// first from a point (the lat/lng query, else a signed-in person's county centre) with a
// simple position map, and each gig at /gigs/{listing}; a person signs up in one tap and
// follows their sign-ups at /me/gigs (cancel, check in on site, confirm the wage, confirm
// receipt, rate, and the one-tap wage-arrears complaint); a verified employer posts gigs and
// works their sign-ups at /employer/gigs. {listing} names a public gig, {gig} the employer's
// own, {signup} a sign-up within the reader's scope.

const gigsPerPage = 20

var (
	gigPersonActions   = []string{"cancel", "check_in", "confirm", "pay", "rate"}
	gigEmployerActions = []string{"confirm", "pay", "rate"}
)

func (s *Server) registerGigRoutes() {
	person := Roles(xiangpei.RolePerson)
	employer := Roles(xiangpei.RoleEmployer)
	s.handleBoth("GET /gigs", "/api/v1/gigs", Public(), s.gigList)
	s.handleBoth("GET /gigs/{listing}", "/api/v1/gigs/{listing}", Public(), s.gigShow)
	s.handleBoth("POST /gigs/{listing}/signup", "/api/v1/gigs/{listing}/signup", person, s.gigSignUp)
	s.handleBoth("GET /me/gigs", "/api/v1/me/gigs", person, s.myGigs)
	for _, act := range gigPersonActions {
		s.handleBoth("POST /me/gigs/{signup}/"+act, "/api/v1/me/gigs/{signup}/"+act, person, s.gigSignupMove(act))
	}
	s.handleBoth("POST /me/gigs/{signup}/complain", "/api/v1/me/gigs/{signup}/complain", person, s.gigComplain)
	s.handleBoth("GET /employer/gigs", "/api/v1/employer/gigs", employer, s.employerGigs)
	s.handleBoth("POST /employer/gigs", "/api/v1/employer/gigs", employer, s.gigCreate)
	s.handleBoth("GET /employer/gigs/{gig}", "/api/v1/employer/gigs/{gig}", employer, s.employerGig)
	s.handleBoth("POST /employer/gigs/{gig}/close", "/api/v1/employer/gigs/{gig}/close", employer, s.gigClose)
	for _, act := range gigEmployerActions {
		s.handleBoth("POST /employer/signups/{signup}/"+act, "/api/v1/employer/signups/{signup}/"+act, employer, s.gigSignupMove(act))
	}
}

func employerGigPath(id int64) string { return "/employer/gigs/" + strconv.FormatInt(id, 10) }

// ---- views ----

type gigView struct {
	store.GigPosting
	N          int // its number on the page and on the map
	PlaceName  string
	Wage       string // "200.00 元/天"
	Total      string
	Day, Due   string
	Distance   string // "3.2"
	Rating     string // "4.5"
	X, Y       float64
	OnMap      bool
	StatusName string
}

func (s *Server) gigWage(lang string, g xiangpei.Gig) string {
	return xiangpei.FormatFen(g.WageFen) + " " + s.msg.T(lang, "job.per."+string(g.Unit))
}

func (s *Server) gigViews(r *http.Request, pl places, list []store.GigPosting) []gigView {
	lang := stateOf(r).lang
	out := make([]gigView, 0, len(list))
	for i, g := range list {
		v := gigView{GigPosting: g, N: i + 1, PlaceName: pl.name(g.County), Wage: s.gigWage(lang, g.Gig), Total: xiangpei.FormatFen(g.TotalFen()),
			Day: xiangpei.ChinaDate(g.Date), Due: xiangpei.ChinaDate(g.WageDue()), StatusName: s.msg.T(lang, "gigs.state."+g.Status)}
		if g.DistanceKm >= 0 {
			v.Distance = strconv.FormatFloat(g.DistanceKm, 'f', 1, 64)
		}
		if g.EmployerRatings > 0 {
			v.Rating = strconv.FormatFloat(g.EmployerRating, 'f', 1, 64)
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) gigJSON(lang string) func(store.GigPosting) map[string]any {
	return func(g store.GigPosting) map[string]any {
		m := map[string]any{"id": g.ID, "employer_id": g.EmployerID, "employer_name": g.EmployerName, "title": g.Title,
			"description": g.Description, "unit": g.Unit, "wage_fen": g.WageFen, "wage": s.gigWage(lang, g.Gig), "units": g.Units,
			"total_fen": g.TotalFen(), "date": xiangpei.ChinaDate(g.Date), "due_on": xiangpei.ChinaDate(g.WageDue()), "county": g.County,
			"place": g.Place, "lat": g.Lat, "lng": g.Lng, "headcount": g.Headcount, "taken": g.Taken, "left": g.Left(), "status": g.Status,
			"employer_rating": g.EmployerRating, "employer_ratings": g.EmployerRatings, "version": g.Version, "distance_km": nil}
		if g.DistanceKm >= 0 {
			m["distance_km"] = g.DistanceKm
		}
		return m
	}
}

type signupView struct {
	store.GigSignupRow
	G            gigView
	StatusName   string
	CheckedIn    string
	WorkerFen    string
	EmployerFen  string
	Wage         string
	WorkerRating string
	Actions      []string
	CanComplain  bool
}

func (s *Server) signupViews(r *http.Request, pl places, list []store.GigSignupRow, by xiangpei.Party) []signupView {
	lang := stateOf(r).lang
	out := make([]signupView, 0, len(list))
	for _, u := range list {
		v := signupView{GigSignupRow: u, G: s.gigViews(r, pl, []store.GigPosting{u.Gig})[0], StatusName: s.msg.T(lang, "gigs.status."+string(u.Status))}
		if !u.CheckedInAt.IsZero() {
			v.CheckedIn = u.CheckedInAt.In(xiangpei.ChinaTime).Format("2006-01-02 15:04")
		}
		if u.WorkerConfirmedFen > 0 {
			v.WorkerFen = xiangpei.FormatFen(u.WorkerConfirmedFen)
		}
		if u.EmployerConfirmedFen > 0 {
			v.EmployerFen = xiangpei.FormatFen(u.EmployerConfirmedFen)
		}
		if u.WageFen() > 0 {
			v.Wage = xiangpei.FormatFen(u.WageFen())
		}
		if u.WorkerRatings > 0 {
			v.WorkerRating = strconv.FormatFloat(u.WorkerRating, 'f', 1, 64)
		}
		v.Actions = gigActionsFor(u, by, s.now())
		v.CanComplain = by == xiangpei.PartyPerson && u.Status == xiangpei.GigUnpaid
		out = append(out, v)
	}
	return out
}

// gigActionsFor lists the moves a party may make on a sign-up now; check-in is offered on the
// day of work only.
func gigActionsFor(u store.GigSignupRow, by xiangpei.Party, now time.Time) []string {
	var out []string
	acts := gigPersonActions
	if by == xiangpei.PartyEmployer {
		acts = gigEmployerActions
	}
	for _, a := range acts {
		ok := false
		switch a {
		case "confirm":
			mine := u.WorkerConfirmedFen
			if by == xiangpei.PartyEmployer {
				mine = u.EmployerConfirmedFen
			}
			ok = u.Status == xiangpei.GigCheckedIn && mine == 0
		case "rate":
			_, err := u.Rate(by, 5)
			ok = err == nil
		case "check_in":
			_, err := u.Status.Next(xiangpei.GigCheckIn, by)
			ok = err == nil && xiangpei.ChinaDate(now) == xiangpei.ChinaDate(u.Gig.Date)
		default:
			_, err := u.Status.Next(xiangpei.GigAction(a), by)
			ok = err == nil
		}
		if ok {
			out = append(out, a)
		}
	}
	return out
}

// signupJSON: the worker's ID number only masked, whoever reads it.
func (s *Server) signupJSON(lang string) func(store.GigSignupRow) map[string]any {
	return func(u store.GigSignupRow) map[string]any {
		m := map[string]any{"id": u.ID, "gig_id": u.GigID, "gig": s.gigJSON(lang)(u.Gig), "person_id": u.PersonID, "person_name": u.PersonName,
			"id_number": u.MaskedID, "status": u.Status, "status_text": s.msg.T(lang, "gigs.status."+string(u.Status)),
			"checked_in_at": nil, "check_metres": u.CheckMetres, "worker_confirmed_fen": u.WorkerConfirmedFen,
			"employer_confirmed_fen": u.EmployerConfirmedFen, "wage_fen": u.WageFen(), "rating_of_employer": u.RatingOfEmployer,
			"rating_of_worker": u.RatingOfWorker, "worker_rating": u.WorkerRating, "worker_ratings": u.WorkerRatings,
			"paid_at": nil, "complaint_id": u.ComplaintID, "version": u.Version}
		if !u.CheckedInAt.IsZero() {
			m["checked_in_at"] = u.CheckedInAt
		}
		if !u.PaidAt.IsZero() {
			m["paid_at"] = u.PaidAt
		}
		return m
	}
}

// ---- the public list and page ----

type gigListData struct {
	County, From, To, Lat, Lng string
	Origin                     string // how the origin was chosen: "point", "county", ""
	Counties                   []store.Region
	Items                      []gigView
	Pager                      *pager
	Export                     string
	Person, Employer           bool
}

// gigFilterOf reads the list's filters; without a point, a signed-in person's county centre is
// the origin.
func (s *Server) gigFilterOf(r *http.Request) (store.GigFilter, gigListData) {
	q := r.URL.Query()
	var f store.GigFilter
	d := gigListData{County: strings.TrimSpace(q.Get("county")), From: q.Get("from"), To: q.Get("to"), Lat: q.Get("lat"), Lng: q.Get("lng")}
	if len(d.County) == 6 {
		f.County = d.County
	} else {
		d.County = ""
	}
	if t, err := time.ParseInLocation(time.DateOnly, d.From, xiangpei.ChinaTime); err == nil {
		f.From = t
	} else {
		d.From = ""
	}
	if t, err := time.ParseInLocation(time.DateOnly, d.To, xiangpei.ChinaTime); err == nil {
		f.To = t
	} else {
		d.To = ""
	}
	f.OpenOnly = q.Get("open") != ""
	lat, e1 := strconv.ParseFloat(d.Lat, 64)
	lng, e2 := strconv.ParseFloat(d.Lng, 64)
	switch a := actorOf(r); {
	case e1 == nil && e2 == nil && math.Abs(lat) <= 90 && math.Abs(lng) <= 180:
		f.Lat, f.Lng, f.HasPoint, d.Origin = lat, lng, true, "point"
	case a.Role == xiangpei.RolePerson:
		d.Lat, d.Lng = "", ""
		if p, err := s.db.Person(r.Context(), a.Scope(), a.PersonID); err == nil {
			if f.Lat, f.Lng, f.HasPoint = xiangpei.CountyCentre(p.County); f.HasPoint {
				d.Origin = "county"
			}
		}
	default:
		d.Lat, d.Lng = "", ""
	}
	return f, d
}

// placeOnMap lays the gigs of a page out around the origin: x to the east, y to the north,
// scaled so that the farthest fits the 200-unit square.
func placeOnMap(items []gigView, f store.GigFilter) {
	if !f.HasPoint {
		return
	}
	far := 1.0
	type xy struct{ x, y float64 }
	pos := make([]*xy, len(items))
	for i, v := range items {
		lat, lng, ok := v.Position()
		if !ok {
			continue
		}
		p := &xy{(lng - f.Lng) * 111.32 * math.Cos(f.Lat*math.Pi/180), (lat - f.Lat) * 110.57}
		pos[i] = p
		far = max(far, math.Hypot(p.x, p.y))
	}
	// The distance is drawn on a square-root scale, so that near gigs stay apart from the
	// origin and from each other when one far gig sets the scale; the direction is kept.
	for i, p := range pos {
		if p == nil {
			continue
		}
		d := math.Hypot(p.x, p.y)
		k := 0.0
		if d > 0 {
			k = math.Sqrt(d/far) * 88 / d
		}
		items[i].X, items[i].Y, items[i].OnMap = math.Round(100+p.x*k), math.Round(100-p.y*k), true
	}
}

func (s *Server) gigsXLSX(w http.ResponseWriter, r *http.Request, name string, fetch func(store.Page) ([]store.GigPosting, int, error)) {
	all, err := exportAll(fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	T := func(k string) string { return s.msg.T(lang, k) }
	rows := make([][]any, 0, len(all))
	for _, v := range s.gigViews(r, s.places(r), all) {
		rows = append(rows, []any{strconv.FormatInt(v.ID, 10), v.Title, v.EmployerName, v.Day, v.PlaceName, v.Place, v.Wage, v.Units,
			v.Total, v.Headcount, v.Left(), v.Distance, v.Rating, v.Due, v.StatusName})
	}
	s.download(w, r, "gigs.xlsx", T(name)+".xlsx", T(name), []string{T("gigs.col_id"), T("gigs.col_title"), T("gigs.col_employer"),
		T("gigs.col_day"), T("gigs.col_county"), T("gigs.col_place"), T("gigs.col_wage"), T("gigs.col_units"), T("gigs.col_total"),
		T("gigs.col_headcount"), T("gigs.col_left"), T("gigs.col_distance"), T("gigs.col_rating"), T("gigs.col_due"), T("gigs.col_status")},
		rows, sheet.Options{})
}

func (s *Server) gigList(w http.ResponseWriter, r *http.Request) {
	f, d := s.gigFilterOf(r)
	lang := stateOf(r).lang
	list, pages, ok := listAnswer(s, w, r, gigsPerPage, "gigs", "gigs.list_title",
		func(pg store.Page) ([]store.GigPosting, int, error) { return s.db.PublicGigs(r.Context(), f, pg) },
		s.gigJSON(lang), s.gigsXLSX)
	if !ok {
		return
	}
	pl := s.places(r)
	a := actorOf(r)
	d.Counties, d.Pager, d.Export = pl.Counties, pages, exportLink(r)
	d.Person, d.Employer = a.Role == xiangpei.RolePerson, a.Role == xiangpei.RoleEmployer
	d.Items = s.gigViews(r, pl, list)
	placeOnMap(d.Items, f)
	s.render(w, r, http.StatusOK, "gigs_list", s.page(r, s.msg.T(lang, "gigs.list_title"), d))
}

type gigShowData struct {
	G        gigView
	Person   bool
	SignedIn bool
	Mine     *signupView // the person's live sign-up
}

func (s *Server) gigShowPage(r *http.Request) *formPage {
	return &formPage{"gigs_show", func() (*Page, error) {
		id, err := pathID(r, "listing")
		if err != nil {
			return nil, err
		}
		g, err := s.db.PublicGig(r.Context(), id)
		if err != nil {
			return nil, err
		}
		a := actorOf(r)
		pl := s.places(r)
		d := gigShowData{G: s.gigViews(r, pl, []store.GigPosting{g})[0], Person: a.Role == xiangpei.RolePerson, SignedIn: stateOf(r).actor != nil}
		if d.Person {
			mine, _, err := s.db.GigSignups(r.Context(), a.Scope(), store.GigSignupFilter{GigID: g.ID}, store.Page{Limit: 5})
			if err != nil {
				return nil, err
			}
			for _, u := range mine {
				if u.Status != xiangpei.GigCancelled {
					v := s.signupViews(r, pl, []store.GigSignupRow{u}, xiangpei.PartyPerson)[0]
					d.Mine = &v
					break
				}
			}
		}
		return s.page(r, g.Title, d), nil
	}}
}

func (s *Server) gigShow(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).api {
		id, err := pathID(r, "listing")
		var g store.GigPosting
		if err == nil {
			g, err = s.db.PublicGig(r.Context(), id)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.gigJSON(stateOf(r).lang)(g))
		return
	}
	s.show(w, r, s.gigShowPage(r))
}

func (s *Server) gigSignUp(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "listing")
	var u store.GigSignupRow
	if err == nil {
		u, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.GigSignupRow, error) { return tx.SignUpGig(a.Scope(), id) })
	}
	if err != nil {
		s.formError(w, r, err, s.gigShowPage(r))
		return
	}
	answer(w, r, http.StatusCreated, s.signupJSON(stateOf(r).lang)(u), "/me/gigs", "gig_signed_up")
}

// ---- the person's sign-ups ----

type signupListData struct {
	Items    []signupView
	Pager    *pager
	Export   string
	Status   string
	Statuses []xiangpei.GigStatus
	Employer bool
	G        *gigView // the employer's gig page
	Today    string
}

func (s *Server) signupsXLSX(by xiangpei.Party) func(http.ResponseWriter, *http.Request, string, func(store.Page) ([]store.GigSignupRow, int, error)) {
	return func(w http.ResponseWriter, r *http.Request, name string, fetch func(store.Page) ([]store.GigSignupRow, int, error)) {
		all, err := exportAll(fetch)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		lang := stateOf(r).lang
		T := func(k string) string { return s.msg.T(lang, k) }
		rows := make([][]any, 0, len(all))
		for _, v := range s.signupViews(r, s.places(r), all, by) {
			rows = append(rows, []any{strconv.FormatInt(v.ID, 10), v.G.Title, v.G.EmployerName, v.G.Day, v.G.PlaceName, v.PersonName, v.MaskedID,
				v.StatusName, v.CheckedIn, v.WorkerFen, v.EmployerFen, v.G.Due, v.RatingOfEmployer, v.RatingOfWorker})
		}
		s.download(w, r, "gig-signups.xlsx", T(name)+".xlsx", T(name), []string{T("gigs.col_id"), T("gigs.col_title"), T("gigs.col_employer"),
			T("gigs.col_day"), T("gigs.col_county"), T("gigs.col_worker"), T("gigs.col_id_number"), T("gigs.col_status"), T("gigs.col_checked_in"),
			T("gigs.col_worker_fen"), T("gigs.col_employer_fen"), T("gigs.col_due"), T("gigs.col_rating_of_employer"), T("gigs.col_rating_of_worker")},
			rows, sheet.Options{})
	}
}

func gigStatusOf(r *http.Request) xiangpei.GigStatus {
	st := xiangpei.GigStatus(r.URL.Query().Get("status"))
	if !st.Valid() {
		return ""
	}
	return st
}

func (s *Server) myGigsFetch(r *http.Request) func(store.Page) ([]store.GigSignupRow, int, error) {
	a, st := actorOf(r), gigStatusOf(r)
	return func(pg store.Page) ([]store.GigSignupRow, int, error) {
		return s.db.GigSignups(r.Context(), a.Scope(), store.GigSignupFilter{Status: st}, pg)
	}
}

func (s *Server) myGigsData(r *http.Request, list []store.GigSignupRow, pages *pager) *Page {
	d := signupListData{Items: s.signupViews(r, s.places(r), list, xiangpei.PartyPerson), Pager: pages,
		Export: exportLink(r), Status: string(gigStatusOf(r)), Statuses: xiangpei.GigStatuses, Today: xiangpei.ChinaDate(s.now())}
	return s.page(r, s.msg.T(stateOf(r).lang, "gigs.mine_title"), d)
}

// myGigsPage builds the person's list again, for a form error.
func (s *Server) myGigsPage(r *http.Request) (*Page, error) {
	n, p := listPage(r, gigsPerPage)
	list, total, err := s.myGigsFetch(r)(p)
	if err != nil {
		return nil, err
	}
	return s.myGigsData(r, list, pagerOf(r, n, total, gigsPerPage)), nil
}

func (s *Server) myGigs(w http.ResponseWriter, r *http.Request) {
	list, pages, ok := listAnswer(s, w, r, gigsPerPage, "signups", "gigs.mine_title", s.myGigsFetch(r),
		s.signupJSON(stateOf(r).lang), s.signupsXLSX(xiangpei.PartyPerson))
	if ok {
		s.render(w, r, http.StatusOK, "gigs_mine", s.myGigsData(r, list, pages))
	}
}

type gigMoveForm struct {
	Version int    `json:"version"`
	Lat     string `json:"lat"`
	Lng     string `json:"lng"`
	Wage    string `json:"wage"` // yuan
	Stars   int    `json:"stars"`
	Facts   string `json:"facts"`
}

func (f gigMoveForm) move(action string) (store.GigMove, error) {
	m := store.GigMove{Action: action, Stars: f.Stars}
	if action == "check_in" && (strings.TrimSpace(f.Lat) != "" || strings.TrimSpace(f.Lng) != "") {
		lat, e1 := strconv.ParseFloat(strings.TrimSpace(f.Lat), 64)
		lng, e2 := strconv.ParseFloat(strings.TrimSpace(f.Lng), 64)
		if e1 != nil || e2 != nil || math.Abs(lat) > 90 || math.Abs(lng) > 180 {
			return m, xiangpei.Errorf(xiangpei.Invalid, "gigs.position_bad", "The position is not valid: give latitude and longitude in degrees.")
		}
		m.Lat, m.Lng, m.HasPos = lat, lng, true
	}
	if action == "confirm" {
		fen, ok := xiangpei.ParseFen(strings.TrimSpace(f.Wage))
		if !ok || fen <= 0 {
			return m, xiangpei.Errorf(xiangpei.Invalid, "gigs.wage_bad", "Write the wage in yuan, like 200 or 200.50.")
		}
		m.Fen = fen
	}
	return m, nil
}

// signupBack is the page a sign-up move returns to: the person's list, or the employer's gig.
func (s *Server) signupBack(r *http.Request, u store.GigSignupRow) (string, *formPage) {
	if actorOf(r).Role == xiangpei.RoleEmployer {
		return employerGigPath(u.GigID), &formPage{"gigs_employer_show", func() (*Page, error) { return s.employerGigPage(r, u.GigID) }}
	}
	return "/me/gigs", &formPage{"gigs_mine", func() (*Page, error) { return s.myGigsPage(r) }}
}

func (s *Server) gigSignupMove(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := actorOf(r)
		u, id, err := pathObject(r, "signup", a.Scope(), s.db.GigSignup)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var f gigMoveForm
		err = bind(r, &f)
		var m store.GigMove
		if err == nil {
			m, err = f.move(action)
		}
		if err == nil {
			u, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.GigSignupRow, error) {
				return tx.MoveGigSignup(a.Scope(), id, f.Version, m)
			})
		}
		to, back := s.signupBack(r, u)
		if err != nil {
			s.formError(w, r, err, back)
			return
		}
		answer(w, r, http.StatusOK, s.signupJSON(stateOf(r).lang)(u), to, "gig_"+action)
	}
}

// gigComplain files the one-tap complaint, its facts worded in the person's language (the
// draft's FactsKey), unless the person wrote their own.
func (s *Server) gigComplain(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	u, id, err := pathObject(r, "signup", a.Scope(), s.db.GigSignup)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f gigMoveForm
	err = bind(r, &f)
	var cid int64
	if err == nil {
		facts := strings.TrimSpace(f.Facts)
		if facts == "" {
			if d, derr := xiangpei.OneTapComplaint(u.Gig.Gig, u.GigSignup); derr == nil {
				facts = s.msg.T(stateOf(r).lang, d.FactsKey, d.FactsArgs...)
			}
		}
		u, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.GigSignupRow, error) {
			row, c, err := tx.ComplainGig(a.Scope(), id, f.Version, facts)
			cid = c
			return row, err
		})
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"gigs_mine", func() (*Page, error) { return s.myGigsPage(r) }})
		return
	}
	m := s.signupJSON(stateOf(r).lang)(u)
	m["complaint_id"] = cid
	answer(w, r, http.StatusCreated, m, complaintPath(cid), "complaint_filed")
}

// ---- the employer's gigs ----

type employerGigsData struct {
	Items    []gigView
	Pager    *pager
	Export   string
	Form     gigForm
	Counties []store.Region
	Units    []xiangpei.SalaryUnit
}

type gigForm struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Unit        string `json:"unit"`
	Wage        string `json:"wage"` // yuan per unit
	Units       string `json:"units"`
	Date        string `json:"date"`
	PayBy       string `json:"pay_by"`
	County      string `json:"county"`
	Place       string `json:"place"`
	Lat         string `json:"lat"`
	Lng         string `json:"lng"`
	Headcount   string `json:"headcount"`
}

func (f gigForm) input() (store.GigInput, error) {
	in := store.GigInput{Title: f.Title, Description: f.Description, Unit: xiangpei.SalaryUnit(f.Unit), County: strings.TrimSpace(f.County), Place: f.Place}
	if w := strings.TrimSpace(f.Wage); w != "" {
		fen, ok := xiangpei.ParseFen(w)
		if !ok || fen < 0 {
			return in, xiangpei.Errorf(xiangpei.Invalid, "gigs.wage_bad", "Write the wage in yuan, like 200 or 200.50.")
		}
		in.WageFen = fen
	}
	num := func(s string) int { n, _ := strconv.Atoi(strings.TrimSpace(s)); return n }
	in.Units, in.Headcount = num(f.Units), num(f.Headcount)
	day := func(s string) (time.Time, error) {
		if strings.TrimSpace(s) == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), xiangpei.ChinaTime)
		if err != nil {
			return t, xiangpei.Errorf(xiangpei.Invalid, "gigs.date_bad", "Write the date as 2026-12-05.")
		}
		return t, nil
	}
	var err error
	if in.Date, err = day(f.Date); err != nil {
		return in, err
	}
	if in.PayBy, err = day(f.PayBy); err != nil {
		return in, err
	}
	if strings.TrimSpace(f.Lat) != "" || strings.TrimSpace(f.Lng) != "" {
		lat, e1 := strconv.ParseFloat(strings.TrimSpace(f.Lat), 64)
		lng, e2 := strconv.ParseFloat(strings.TrimSpace(f.Lng), 64)
		if e1 != nil || e2 != nil {
			return in, xiangpei.Errorf(xiangpei.Invalid, "gig.place_bad", "The coordinates of the place are not in China; leave them empty or give latitude and longitude in degrees.")
		}
		in.Lat, in.Lng = lat, lng
	}
	return in, nil
}

func (s *Server) employerGigsData(r *http.Request, list []store.GigPosting, pages *pager, form gigForm) *Page {
	pl := s.places(r)
	if form.Unit == "" {
		form.Unit, form.Units, form.Headcount = string(xiangpei.PerDay), "1", "1"
	}
	d := employerGigsData{Items: s.gigViews(r, pl, list), Pager: pages, Export: exportLink(r), Form: form,
		Counties: pl.Counties, Units: []xiangpei.SalaryUnit{xiangpei.PerDay, xiangpei.PerHour}}
	return s.page(r, s.msg.T(stateOf(r).lang, "gigs.employer_title"), d)
}

// employerGigsPage builds the employer's list again, for a form error.
func (s *Server) employerGigsPage(r *http.Request, form gigForm) (*Page, error) {
	n, p := listPage(r, gigsPerPage)
	list, total, err := s.db.Gigs(r.Context(), actorOf(r).Scope(), p)
	if err != nil {
		return nil, err
	}
	return s.employerGigsData(r, list, pagerOf(r, n, total, gigsPerPage), form), nil
}

func (s *Server) employerGigs(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	list, pages, ok := listAnswer(s, w, r, gigsPerPage, "gigs", "gigs.employer_title",
		func(pg store.Page) ([]store.GigPosting, int, error) { return s.db.Gigs(r.Context(), a.Scope(), pg) },
		s.gigJSON(stateOf(r).lang), s.gigsXLSX)
	if ok {
		s.render(w, r, http.StatusOK, "gigs_employer", s.employerGigsData(r, list, pages, gigForm{}))
	}
}

func (s *Server) gigCreate(w http.ResponseWriter, r *http.Request) {
	var f gigForm
	err := bind(r, &f)
	var g store.GigPosting
	if err == nil {
		var in store.GigInput
		if in, err = f.input(); err == nil {
			g, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.GigPosting, error) { return tx.PostGig(a.Scope(), in) })
		}
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"gigs_employer", func() (*Page, error) { return s.employerGigsPage(r, f) }})
		return
	}
	answer(w, r, http.StatusCreated, s.gigJSON(stateOf(r).lang)(g), employerGigPath(g.ID), "gig_posted")
}

func (s *Server) employerGigPage(r *http.Request, id int64) (*Page, error) {
	a := actorOf(r)
	g, err := s.db.Gig(r.Context(), a.Scope(), id)
	if err != nil {
		return nil, err
	}
	n, p := listPage(r, gigsPerPage)
	list, total, err := s.db.GigSignups(r.Context(), a.Scope(), store.GigSignupFilter{GigID: id}, p)
	if err != nil {
		return nil, err
	}
	pl := s.places(r)
	gv := s.gigViews(r, pl, []store.GigPosting{g})[0]
	d := signupListData{Items: s.signupViews(r, pl, list, xiangpei.PartyEmployer), Pager: pagerOf(r, n, total, gigsPerPage),
		Export: exportLink(r), Employer: true, G: &gv}
	return s.page(r, g.Title, d), nil
}

func (s *Server) employerGig(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	g, id, err := pathObject(r, "gig", a.Scope(), s.db.Gig)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	if stateOf(r).api && !wantsXLSX(r) {
		n, p := listPage(r, gigsPerPage)
		list, total, err := s.db.GigSignups(r.Context(), a.Scope(), store.GigSignupFilter{GigID: id}, p)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		m := s.gigJSON(lang)(g)
		m["signups"], m["total"], m["page"], m["per_page"] = jsonList(list, s.signupJSON(lang)), total, n, gigsPerPage
		writeJSON(w, http.StatusOK, m)
		return
	}
	if wantsXLSX(r) {
		s.signupsXLSX(xiangpei.PartyEmployer)(w, r, "gigs.signups_title", func(pg store.Page) ([]store.GigSignupRow, int, error) {
			return s.db.GigSignups(r.Context(), a.Scope(), store.GigSignupFilter{GigID: id}, pg)
		})
		return
	}
	pg, err := s.employerGigPage(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "gigs_employer_show", pg)
}

func (s *Server) gigClose(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	_, id, err := pathObject(r, "gig", a.Scope(), s.db.Gig)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f gigMoveForm
	err = bind(r, &f)
	var g store.GigPosting
	if err == nil {
		g, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (store.GigPosting, error) {
			return tx.CloseGig(a.Scope(), id, f.Version)
		})
	}
	if err != nil {
		s.formError(w, r, err, &formPage{"gigs_employer_show", func() (*Page, error) { return s.employerGigPage(r, id) }})
		return
	}
	answer(w, r, http.StatusOK, s.gigJSON(stateOf(r).lang)(g), employerGigPath(id), "gig_closed")
}
