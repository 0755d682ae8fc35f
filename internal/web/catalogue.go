package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// 培 — the public course catalogue (SPEC §4.3): anyone, without signing in, finds classes with
// open seats that allow self-enrolment, by county, occupation, sector and start date, on a
// phone first; a signed-in person sees before enrolling whether they may join and, if not,
// every reason in plain words, and enrols; and a person's own timetable across their classes.
// Paths use {id} for a class here, because the catalogue is public: a class of any county is
// everyone's to see.

func (s *Server) registerCatalogueRoutes() {
	person := Roles(xiangpei.RolePerson)
	s.handleBoth("GET /courses", "/api/v1/courses", Public(), s.courseList)
	s.handleBoth("GET /courses/{id}", "/api/v1/courses/{id}", Public(), s.courseShow)
	s.handleBoth("POST /courses/{id}/enrol", "/api/v1/courses/{id}/enrol", person, s.courseEnrol)
	s.handleBoth("GET /me/timetable", "/api/v1/me/timetable", person, s.timetable)
}

// coursesPerPage is the page size of the catalogue and of the past part of a timetable.
const coursesPerPage = 12

// courseCard is a course as a card of the catalogue shows it.
type courseCard struct {
	store.Course
	LevelName  string
	SectorName string
	CountyName string
	FundingKey string
	Hours      string
	Open       bool
	SeatsLeft  int
	EnrolUntil time.Time
	FirstDay   string
	LastDay    string
	Times      string // the first session's hours, 09:00–12:00
}

func courseDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(xiangpei.ChinaTime).Format(time.DateOnly)
}

func courseHours(x xiangpei.Session) string {
	return x.Starts.In(xiangpei.ChinaTime).Format("15:04") + "–" + x.Ends.In(xiangpei.ChinaTime).Format("15:04")
}

func (s *Server) courseCardOf(c store.Course, n *classNames, pl places) courseCard {
	rules := s.db.Rules()
	k := courseCard{Course: c, LevelName: n.Level(c.Level), SectorName: n.Sector(c.Sector), CountyName: pl.name(c.County),
		FundingKey: "classes.funding." + c.Funding, Hours: xiangpei.FormatHours(c.PlannedMinutes()), SeatsLeft: c.SeatsLeft(),
		EnrolUntil: c.EnrolUntil(rules), FirstDay: courseDay(c.FirstSession), LastDay: courseDay(c.LastSession)}
	k.Open = c.CheckOpen(s.now(), rules) == nil && k.SeatsLeft > 0
	if len(c.Sessions) > 0 {
		k.Times = courseHours(c.Sessions[0])
	}
	return k
}

func (s *Server) courseJSON(k courseCard) map[string]any {
	m := map[string]any{"id": k.ID, "name": k.Name, "org_id": k.OrgID, "org_name": k.OrgName, "county": k.County,
		"county_name": k.CountyName, "occupation_code": k.OccupationCode, "occupation_name": k.OccupationName,
		"level": k.Level, "level_name": k.LevelName, "funding": k.Funding, "sector": k.Sector, "key_groups": nonNil(k.KeyGroups),
		"status": k.Status, "venue_id": k.VenueID, "venue_name": k.VenueName, "venue_address": k.VenueAddress,
		"first_session": classTime(k.FirstSession), "last_session": classTime(k.LastSession),
		"planned_minutes": k.PlannedMinutes(), "sessions": len(k.Sessions), "capacity": k.Capacity, "enrolled": k.Enrolled,
		"seats_left": k.SeatsLeft, "open": k.Open, "enrol_until": classTime(k.EnrolUntil)}
	return m
}

type courseFilterForm struct {
	County, Occupation, Sector, From string
}

type courseListData struct {
	F        courseFilterForm
	Cards    []courseCard
	Counties []store.Region
	Sectors  []store.Sector
	English  bool
	Pager    *pager
	Total    int
	Export   string
}

func (s *Server) courseList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ff := courseFilterForm{County: strings.TrimSpace(q.Get("county")), Occupation: strings.TrimSpace(q.Get("occupation")),
		Sector: strings.TrimSpace(q.Get("sector")), From: strings.TrimSpace(q.Get("from"))}
	f := store.CourseFilter{County: ff.County, Occupation: ff.Occupation, Sector: ff.Sector}
	if ff.County != "" && (len(ff.County) != 6 || strings.Trim(ff.County, "0123456789") != "") {
		s.fail(w, r, xiangpei.Errorf(xiangpei.Invalid, "course.bad_county", "Choose a county or city from the list."))
		return
	}
	if ff.From != "" {
		t, err := time.ParseInLocation(time.DateOnly, ff.From, xiangpei.ChinaTime)
		if err != nil {
			s.fail(w, r, xiangpei.Errorf(xiangpei.Invalid, "course.bad_date", "Write the date as YYYY-MM-DD, for example 2026-11-16."))
			return
		}
		f.From = t
	}
	n, pg := listPage(r, coursesPerPage)
	if wantsXLSX(r) {
		pg = store.Page{Limit: exportLimit}
	}
	list, total, err := s.db.Courses(r.Context(), s.now(), f, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := s.classNamesFor(r, 0)
	pl := s.places(r)
	cards := make([]courseCard, 0, len(list))
	for _, c := range list {
		cards = append(cards, s.courseCardOf(c, names, pl))
	}
	if wantsXLSX(r) {
		T := func(k string) string { return s.msg.T(stateOf(r).lang, k) }
		rows := make([][]any, 0, len(cards))
		for _, c := range cards {
			rows = append(rows, []any{c.Name, c.OrgName, c.OccupationCode, c.OccupationName, c.LevelName, c.CountyName,
				c.FirstDay, c.LastDay, c.Times, c.VenueName, c.VenueAddress, c.SeatsLeft})
		}
		s.download(w, r, "courses.xlsx", T("course.list_title")+".xlsx", T("course.list_title"),
			[]string{T("course.col_name"), T("course.col_org"), T("course.col_code"), T("course.col_occupation"), T("course.col_level"),
				T("course.col_county"), T("course.col_first"), T("course.col_last"), T("course.col_times"), T("course.col_venue"),
				T("course.col_address"), T("course.col_seats")}, rows, sheet.Options{})
		return
	}
	if stateOf(r).api {
		writeJSON(w, http.StatusOK, map[string]any{"courses": jsonList(cards, s.courseJSON), "total": total, "page": n,
			"per_page": coursesPerPage})
		return
	}
	d := courseListData{F: ff, Cards: cards, Counties: pl.Counties, English: regEnglish(r), Total: total,
		Pager: pagerOf(r, n, total, coursesPerPage), Export: exportLink(r)}
	d.Sectors, _ = s.db.ListSectors(r.Context())
	s.render(w, r, http.StatusOK, "courses", s.page(r, s.msg.T(stateOf(r).lang, "course.list_title"), d))
}

// courseSession is one session as the course page and the timetable show it.
type courseSession struct {
	Seq          int
	Date         string
	WeekdayKey   string
	Hours        string
	KindKey      string
	MakeUp       bool
	Venue        string
	Address      string
	Past         bool
	ClassID      int64
	ClassName    string
	OrgName      string
	TraineeState string
	Starts       time.Time
}

func courseSessionOf(x xiangpei.Session, now time.Time) courseSession {
	local := x.Starts.In(xiangpei.ChinaTime)
	return courseSession{Seq: x.Seq, Date: local.Format(time.DateOnly), WeekdayKey: "course.weekday." + strconv.Itoa(int(local.Weekday())),
		Hours: courseHours(x), KindKey: "classes.kind." + x.Kind, MakeUp: x.MakeUp, Past: !x.Ends.After(now), Starts: x.Starts}
}

func courseSessionJSON(c courseSession, x xiangpei.Session) map[string]any {
	m := classSessionJSON(x)
	m["venue_name"], m["venue_address"] = c.Venue, c.Address
	return m
}

type courseData struct {
	Card       courseCard
	Sessions   []courseSession
	Groups     string
	Person     bool // signed in as a person: eligibility shown
	Enrolled   bool // the person is on the class's roster already
	Eligible   bool
	Reasons    []string
	SignIn     string // the sign-in link that comes back here
	Register   string
	EnrolError []string
}

func (s *Server) courseData(r *http.Request, id int64) (courseData, []*xiangpei.Error, error) {
	ctx := r.Context()
	c, err := s.db.Course(ctx, id)
	if err != nil {
		return courseData{}, nil, err
	}
	names := s.classNamesFor(r, 0)
	now := s.now()
	d := courseData{Card: s.courseCardOf(c, names, s.places(r)), Groups: names.Groups(c.KeyGroups)}
	for _, x := range c.Sessions {
		cs := courseSessionOf(x, now)
		if v, ok := c.Venues[x.VenueID]; ok {
			cs.Venue, cs.Address = v.Name, v.Address
		}
		d.Sessions = append(d.Sessions, cs)
	}
	back := url.Values{"next": {"/courses/" + strconv.FormatInt(id, 10)}}.Encode()
	d.SignIn, d.Register = "/login?"+back, "/register?"+back
	var reasons []*xiangpei.Error
	if a := stateOf(r).actor; a != nil && a.Role == xiangpei.RolePerson && a.PersonID != 0 {
		d.Person = true
		if reasons, err = s.db.CheckEnrolment(ctx, a.PersonID, id); err != nil {
			return courseData{}, nil, err
		}
		d.Eligible = len(reasons) == 0
		d.Enrolled = slices.ContainsFunc(reasons, func(e *xiangpei.Error) bool { return e.Key == "course.already_enrolled" })
		d.Reasons = s.rosterReasons(r, reasons)
	}
	return d, reasons, nil
}

func (s *Server) courseShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, reasons, err := s.courseData(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		sessions := make([]map[string]any, 0, len(d.Sessions))
		for i, x := range d.Card.Sessions {
			sessions = append(sessions, courseSessionJSON(d.Sessions[i], x))
		}
		out := map[string]any{"course": s.courseJSON(d.Card), "timetable": sessions}
		if d.Person {
			out["eligibility"] = map[string]any{"eligible": d.Eligible, "reasons": s.rosterReasonsJSON(r, reasons)}
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	s.render(w, r, http.StatusOK, "course", s.page(r, d.Card.Name, d))
}

func (s *Server) courseEnrol(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tr, err := change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Trainee, error) {
		return tx.EnrolSelf(a.PersonID, id)
	})
	if err != nil {
		if xiangpei.IsKind(err, xiangpei.NotFound) {
			s.fail(w, r, err)
			return
		}
		again := &formPage{"course", func() (*Page, error) {
			d, _, err := s.courseData(r, id)
			if err != nil {
				return nil, err
			}
			return s.page(r, d.Card.Name, d), nil
		}}
		var in xiangpei.Ineligible
		if !errors.As(err, &in) {
			// One reason (the class filled up, the person is on it already): the page says it.
			s.formError(w, r, err, again)
			return
		}
		s.rosterRefused(w, r, err, again, func([]string) {})
		return
	}
	answer(w, r, http.StatusCreated, map[string]any{"trainee_id": tr.ID, "class_id": id, "source": tr.Source,
		"status": tr.Status}, "/me/timetable", "course_enrolled")
}

type timetableData struct {
	Upcoming []courseSession
	Past     []courseSession
	Pager    *pager
	Export   string
}

func (s *Server) timetable(w http.ResponseWriter, r *http.Request) {
	a := actorOf(r)
	ctx := r.Context()
	now := s.now()
	up, _, err := s.db.Timetable(ctx, a.Scope(), now, false, store.Page{Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, pg := listPage(r, coursesPerPage*2)
	if wantsXLSX(r) {
		pg = store.Page{Limit: exportLimit}
	}
	past, total, err := s.db.Timetable(ctx, a.Scope(), now, true, pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsXLSX(r) {
		T := func(k string) string { return s.msg.T(stateOf(r).lang, k) }
		var rows [][]any
		for _, e := range append(append([]store.TimetableEntry{}, up...), past...) {
			rows = append(rows, []any{e.Session.Starts.In(xiangpei.ChinaTime).Format(time.DateOnly), courseHours(e.Session),
				T("classes.kind." + e.Session.Kind), e.ClassName, e.OrgName, e.VenueName, e.VenueAddress})
		}
		s.download(w, r, "timetable.xlsx", T("course.timetable_title")+".xlsx", T("course.timetable_title"),
			[]string{T("course.col_date"), T("course.col_times"), T("course.col_kind"), T("course.col_name"), T("course.col_org"),
				T("course.col_venue"), T("course.col_address")}, rows, sheet.Options{})
		return
	}
	view := func(list []store.TimetableEntry) []courseSession {
		out := make([]courseSession, 0, len(list))
		for _, e := range list {
			cs := courseSessionOf(e.Session, now)
			cs.Venue, cs.Address, cs.ClassID, cs.ClassName, cs.OrgName = e.VenueName, e.VenueAddress, e.ClassID, e.ClassName, e.OrgName
			cs.TraineeState = string(e.TraineeStatus)
			out = append(out, cs)
		}
		return out
	}
	if stateOf(r).api {
		js := func(list []store.TimetableEntry) []map[string]any {
			return jsonList(list, func(e store.TimetableEntry) map[string]any {
				m := classSessionJSON(e.Session)
				m["class_id"], m["class_name"], m["class_status"], m["org_name"] = e.ClassID, e.ClassName, e.ClassStatus, e.OrgName
				m["venue_name"], m["venue_address"], m["trainee_status"] = e.VenueName, e.VenueAddress, e.TraineeStatus
				return m
			})
		}
		writeJSON(w, http.StatusOK, map[string]any{"upcoming": js(up), "past": js(past), "past_total": total, "page": n,
			"per_page": coursesPerPage * 2})
		return
	}
	d := timetableData{Upcoming: view(up), Past: view(past), Pager: pagerOf(r, n, total, coursesPerPage*2), Export: exportLink(r)}
	s.render(w, r, http.StatusOK, "timetable", s.page(r, s.msg.T(stateOf(r).lang, "course.timetable_title"), d))
}
