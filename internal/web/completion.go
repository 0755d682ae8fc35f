package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// 培 — the end of a class and what it leaves on people's records: the dynamic QR check-in
// (checkin.go), the class's attendance report with its anomalies (class_attendance.go), late
// amendments (amendments.go), completion (结业) and the last-day rating (this file).

func (s *Server) registerCompletionRoutes() {
	staff := Roles(xiangpei.RoleInstitution, xiangpei.RoleSchool)
	person := Roles(xiangpei.RolePerson)
	s.handleBoth("GET /classes/{class}/close", "/api/v1/classes/{class}/close", staff, s.closePage)
	s.handleBoth("POST /classes/{class}/close", "/api/v1/classes/{class}/close", staff, s.closePost)
	s.handleBoth("GET /classes/{class}/rating", "/api/v1/classes/{class}/rating", person, s.ratingPage)
	s.handleBoth("POST /classes/{class}/rating", "/api/v1/classes/{class}/rating", person, s.ratingPost)
}

// ---- shared helpers ----

// complTime shows an instant in China time.
func complTime(t time.Time, layout string) string {
	if t.IsZero() {
		return ""
	}
	return t.In(xiangpei.ChinaTime).Format(layout)
}

func complClassPath(id int64, rest string) string {
	return "/classes/" + strconv.FormatInt(id, 10) + rest
}

// complRating shows an average rating with one decimal, "" when nobody rated.
func complRating(r store.RatingSummary) string {
	if r.Count == 0 {
		return ""
	}
	return strconv.FormatFloat(r.Average, 'f', 1, 64)
}

func complRatingJSON(r store.RatingSummary) map[string]any {
	return map[string]any{"count": r.Count, "average": r.Average}
}

// ---- completion (结业) ----

type closeLine struct {
	store.CompletionLine
	Attended string
	MaskedID string
}

type closeData struct {
	Class     xiangpei.Class
	Planned   string
	Threshold int
	Lines     []closeLine
	Counts    map[string]int
	CanClose  bool
	Ended     bool // the last session is over
	LastEnds  string
	Pending   int // amendments waiting for review
}

func (s *Server) closeData(r *http.Request, id int64) (closeData, error) {
	a := actorOf(r)
	c, lines, err := s.db.CompletionPreview(r.Context(), a.Scope(), id)
	if err != nil {
		return closeData{}, err
	}
	d := closeData{Class: c, Planned: xiangpei.FormatHours(c.PlannedMinutes()), Threshold: s.db.Rules().AttendancePct,
		Counts: map[string]int{}, Ended: !s.now().Before(c.LastSession), LastEnds: complTime(c.LastSession, "2006-01-02 15:04")}
	for _, l := range lines {
		d.Lines = append(d.Lines, closeLine{CompletionLine: l, Attended: xiangpei.FormatHours(l.Trainee.AttendedMinutes), MaskedID: l.Trainee.IDNumber.Masked()})
		d.Counts[string(l.Outcome)]++
	}
	d.CanClose = c.Status == xiangpei.ClassInProgress && d.Ended
	if _, d.Pending, err = s.db.Amendments(r.Context(), a.Scope(), store.AmendmentFilter{Status: store.AmendmentPending, ClassID: id}, store.Page{Limit: 1}); err != nil {
		return d, err
	}
	return d, nil
}

func completionLineJSON(l store.CompletionLine) map[string]any {
	return map[string]any{"trainee": l.Trainee.ID, "person": l.Trainee.PersonID, "name": l.Trainee.Name,
		"id_number": l.Trainee.IDNumber.Masked(), "attended_minutes": l.Trainee.AttendedMinutes, "rate_pct": l.RatePct,
		"status": l.Trainee.Status, "outcome": l.Outcome}
}

func (s *Server) closeAgain(r *http.Request, id int64) *formPage {
	return &formPage{"class_close", func() (*Page, error) {
		d, err := s.closeData(r, id)
		if err != nil {
			return nil, err
		}
		return s.page(r, s.msg.T(stateOf(r).lang, "completion.close_title", d.Class.Name), d), nil
	}}
}

func (s *Server) closePage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		d, err := s.closeData(r, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		lines := make([]store.CompletionLine, len(d.Lines))
		for i, l := range d.Lines {
			lines[i] = l.CompletionLine
		}
		writeJSON(w, http.StatusOK, map[string]any{"class": d.Class.ID, "status": d.Class.Status, "version": d.Class.Version,
			"can_close": d.CanClose, "last_session_ends": d.Class.LastSession, "planned_minutes": d.Class.PlannedMinutes(),
			"threshold_pct": d.Threshold, "pending_amendments": d.Pending, "trainees": jsonList(lines, completionLineJSON)})
		return
	}
	s.show(w, r, s.closeAgain(r, id))
}

type closeForm struct {
	Version int64 `json:"version"`
}

func (s *Server) closePost(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f closeForm
	var c xiangpei.Class
	var lines []store.CompletionLine
	if err = bind(r, &f); err == nil {
		c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Class, error) {
			var err error
			c, lines, err = tx.CloseClass(a.Scope(), id, f.Version)
			return c, err
		})
	}
	if err != nil {
		s.formError(w, r, err, s.closeAgain(r, id))
		return
	}
	s.seekersChanged(r.Context(), store.SeekersOfClass, c.ID)
	answer(w, r, http.StatusOK, map[string]any{"class": c.ID, "status": c.Status, "version": c.Version,
		"trainees": jsonList(lines, completionLineJSON)}, complClassPath(id, "/attendance"), "completion_closed")
}

// ---- the last-day rating ----

type ratingData struct {
	Class   xiangpei.Class
	OrgName string
	Trainee xiangpei.Trainee
	Open    bool
	Why     string // why the rating is not open
	Opens   string
	Closes  string
	Summary store.RatingSummary
	Average string
	Form    ratingForm
	Stars   []int
}

type ratingForm struct {
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
	Version int64  `json:"version"`
}

func (s *Server) ratingData(r *http.Request, id int64) (ratingData, error) {
	a := actorOf(r)
	ctx := r.Context()
	c, err := s.db.Class(ctx, a.Scope(), id)
	if err != nil {
		return ratingData{}, err
	}
	ts, err := s.db.TraineesOf(ctx, a.Scope(), c)
	if err != nil {
		return ratingData{}, err
	}
	d := ratingData{Class: c, Stars: []int{5, 4, 3, 2, 1}}
	for _, t := range ts {
		if t.PersonID == a.PersonID {
			d.Trainee = t
		}
	}
	if d.Trainee.ID == 0 {
		return d, xiangpei.ErrNotFound("Class")
	}
	if o, err := s.db.Org(ctx, xiangpei.Scope{All: true}, c.OrgID); err == nil {
		d.OrgName = o.Name
	}
	opens, closes := store.RatingWindow(c)
	d.Opens, d.Closes = complTime(opens, "2006-01-02 15:04"), complTime(closes, "2006-01-02 15:04")
	if err := store.RatingOpen(c, d.Trainee, s.now()); err != nil {
		d.Why = s.msg.Error(stateOf(r).lang, err)
	} else {
		d.Open = true
	}
	if d.Summary, err = s.db.RatingSummary(ctx, id); err != nil {
		return d, err
	}
	d.Average = complRating(d.Summary)
	d.Form = ratingForm{Rating: d.Trainee.Rating, Comment: d.Trainee.RatingComment, Version: d.Trainee.Version}
	return d, nil
}

func (s *Server) ratingAgain(r *http.Request, id int64, f *ratingForm) *formPage {
	return &formPage{"rating", func() (*Page, error) {
		d, err := s.ratingData(r, id)
		if err != nil {
			return nil, err
		}
		if f != nil {
			d.Form = *f
		}
		return s.page(r, s.msg.T(stateOf(r).lang, "rating.title"), d), nil
	}}
}

func (s *Server) ratingPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		d, err := s.ratingData(r, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		opens, closes := store.RatingWindow(d.Class)
		writeJSON(w, http.StatusOK, map[string]any{"class": d.Class.ID, "name": d.Class.Name, "rating": d.Trainee.Rating,
			"comment": d.Trainee.RatingComment, "version": d.Trainee.Version, "open": d.Open, "opens": opens, "closes": closes,
			"summary": complRatingJSON(d.Summary)})
		return
	}
	s.show(w, r, s.ratingAgain(r, id, nil))
}

func (s *Server) ratingPost(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var f ratingForm
	var t xiangpei.Trainee
	if err = bind(r, &f); err == nil {
		t, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Trainee, error) {
			return tx.RateClass(a.Scope(), id, store.RatingInput{Rating: f.Rating, Comment: f.Comment, Version: f.Version})
		})
	}
	if err != nil {
		s.formError(w, r, err, s.ratingAgain(r, id, &f))
		return
	}
	answer(w, r, http.StatusOK, map[string]any{"class": id, "rating": t.Rating, "comment": t.RatingComment, "version": t.Version},
		complClassPath(id, "/rating"), "rating_saved")
}

// ---- the lifelong record's training section ----

// recordClass is one class on the person's record, ready to show.
type recordClass struct {
	store.TrainingLine
	Attended, Planned string
	LevelName         string
	Average           string // the class's published average rating, "" when nobody rated
	Count             int    // how many rated the class
	ClassRating       store.RatingSummary
	State             string // where the person stands: completed, not_completed, in_progress, not_started, withdrawn
}

// recordState is the state shown for a class on a person's record.
func recordState(l store.TrainingLine) string {
	if l.Status == xiangpei.TraineeEnrolled {
		if l.ClassStatus == xiangpei.ClassInProgress {
			return "in_progress"
		}
		return "not_started"
	}
	return string(l.Status)
}

func (s *Server) recordClasses(r *http.Request, personID int64) ([]recordClass, error) {
	lines, err := s.db.PersonTraining(r.Context(), actorOf(r).Scope(), personID)
	if err != nil {
		return nil, err
	}
	out := make([]recordClass, 0, len(lines))
	for _, l := range lines {
		name := l.LevelZh
		if stateOf(r).lang == "en" {
			name = l.LevelEn
		}
		sum, err := s.db.RatingSummary(r.Context(), l.ClassID)
		if err != nil {
			return nil, err
		}
		out = append(out, recordClass{TrainingLine: l, Attended: xiangpei.FormatHours(l.AttendedMinutes), Planned: xiangpei.FormatHours(l.PlannedMinutes),
			LevelName: name, Average: complRating(sum), Count: sum.Count, ClassRating: sum, State: recordState(l)})
	}
	return out, nil
}

func recordClassJSON(l recordClass) map[string]any {
	return map[string]any{"class": l.ClassID, "name": l.ClassName, "org": l.OrgID, "org_name": l.OrgName,
		"occupation_code": l.OccupationCode, "occupation": l.Occupation, "level": l.Level,
		"first_session": l.FirstSession, "last_session": l.LastSession, "class_status": l.ClassStatus,
		"status": l.State, "attended_minutes": l.AttendedMinutes, "planned_minutes": l.PlannedMinutes, "rate_pct": l.RatePct,
		"rating": l.Rating, "rating_comment": l.RatingComment, "rating_open": l.RatingOpen,
		"rating_link":  fmt.Sprintf("/classes/%d/rating", l.ClassID),
		"class_rating": complRatingJSON(l.ClassRating)}
}
