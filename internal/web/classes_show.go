package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// The class page: every detail of a filing, its timetable, the filing deadline with its
// countdown, the history, the change filings with old and new values side by side, and the
// actions its state allows — for the institution (edit, submit, cancel, start, file a change
// or make-up sessions) and for the county (approve or return the filing or a change).

// classSessionLine is a session as a page shows it.
type classSessionLine struct {
	ID                     int64
	Seq                    int
	Date, Start, End, Kind string
	Teacher, Venue         string
	TeacherID              int64
	MakeUp                 bool
	Minutes                int
	Weekday                time.Weekday
}

func classLineOf(x xiangpei.Session, n *classNames) classSessionLine {
	st := x.Starts.In(xiangpei.ChinaTime)
	return classSessionLine{ID: x.ID, Seq: x.Seq, Date: st.Format(time.DateOnly), Start: st.Format("15:04"),
		End: x.Ends.In(xiangpei.ChinaTime).Format("15:04"), Kind: x.Kind, Teacher: n.Teacher(x.TeacherID), Venue: n.Venue(x.VenueID),
		TeacherID: x.TeacherID, MakeUp: x.MakeUp, Minutes: x.Minutes(), Weekday: st.Weekday()}
}

// classFieldDiff is one field of a change filing: old and new value, and whether it changed.
type classFieldDiff struct {
	Key, Before, After string
	Changed            bool
}

// classSessionPair is a session before and after a change, side by side.
type classSessionPair struct {
	Before, After *classSessionLine
	Changed       bool
}

type classChangeView struct {
	Change    xiangpei.ClassChange
	Fields    []classFieldDiff
	Sessions  []classSessionPair
	Attn      []string
	Focus     bool
	CanDecide bool
	Reason    string // a return reason typed before a failed decision
	Link      string
}

type classHistoryLine struct {
	Action, Reason, Actor string
	At                    time.Time
}

type classPageData struct {
	Class         xiangpei.Class
	N             *classNames
	OrgName       string
	Sessions      []classSessionLine
	TeacherNames  string
	PlannedHours  string
	ShowDeadline  bool
	Deadline      time.Time
	DaysLeft      int
	DeadlineText  string
	History       []classHistoryLine
	Changes       []classChangeView
	Attn          []string
	Institution   bool
	Officer       bool
	CanEdit       bool
	CanSubmit     bool
	CanCancel     bool
	CanStart      bool
	CanChange     bool
	CanMakeUp     bool
	CanClose      bool
	CanReview     bool
	OpenChange    bool
	MakeUpBy      time.Time
	CancelReason  string
	ReturnReason  string
	StatusKey     string
	FundingKey    string
	ChangeFocusID int64
}

// classDiff lays out a change filing side by side.
func (s *Server) classDiff(r *http.Request, n *classNames, ch xiangpei.ClassChange) ([]classFieldDiff, []classSessionPair) {
	lang := stateOf(r).lang
	yes := func(b bool) string {
		if b {
			return s.msg.T(lang, "classes.yes")
		}
		return s.msg.T(lang, "classes.no")
	}
	val := func(in xiangpei.ClassInput, field string) string {
		switch field {
		case xiangpei.FieldName:
			return in.Name
		case xiangpei.FieldOccupation:
			return in.OccupationCode + " " + n.Occupation(in.OccupationCode)
		case xiangpei.FieldLevel:
			return n.Level(in.Level)
		case xiangpei.FieldSpecialAction:
			if in.SpecialAction == "" {
				return s.msg.T(lang, "classes.none")
			}
			return n.Action(in.SpecialAction)
		case xiangpei.FieldFunding:
			return s.msg.T(lang, "classes.funding."+in.Funding)
		case xiangpei.FieldKeyGroups:
			if len(in.KeyGroups) == 0 {
				return s.msg.T(lang, "classes.none")
			}
			return n.Groups(in.KeyGroups)
		case xiangpei.FieldSector:
			if in.Sector == "" {
				return s.msg.T(lang, "classes.none")
			}
			return n.Sector(in.Sector)
		case xiangpei.FieldTheoryHours:
			return strconv.Itoa(in.TheoryHours)
		case xiangpei.FieldPracticeHours:
			return strconv.Itoa(in.PracticeHours)
		case xiangpei.FieldVenue:
			return n.Venue(in.VenueID)
		case xiangpei.FieldTeachers:
			return n.Teachers(in.TeacherIDs)
		case xiangpei.FieldCapacity:
			return strconv.Itoa(in.Capacity)
		case xiangpei.FieldSelfEnrol:
			return yes(in.SelfEnrol)
		case xiangpei.FieldSessions:
			return s.msg.T(lang, "classes.n_sessions", len(in.Sessions))
		}
		return ""
	}
	changed := xiangpei.ChangedFields(ch.Before, ch.After)
	var fields []classFieldDiff
	for _, f := range xiangpei.ClassFields {
		fields = append(fields, classFieldDiff{Key: "classes.field." + f, Before: val(ch.Before, f), After: val(ch.After, f),
			Changed: slices.Contains(changed, f)})
	}
	// Sessions: pair by id (the timetable keeps ids), then by time; the rest stand alone.
	var pairs []classSessionPair
	used := make([]bool, len(ch.After.Sessions))
	for _, b := range ch.Before.Sessions {
		bl := classLineOf(b, n)
		p := classSessionPair{Before: &bl, Changed: true}
		for i, a := range ch.After.Sessions {
			if !used[i] && ((a.ID != 0 && a.ID == b.ID) || (a.ID == 0 && a.Starts.Equal(b.Starts) && a.Ends.Equal(b.Ends))) {
				al := classLineOf(a, n)
				p.After, p.Changed, used[i] = &al, !xiangpei.SameSession(a, b), true
				break
			}
		}
		pairs = append(pairs, p)
	}
	for i, a := range ch.After.Sessions {
		if !used[i] {
			al := classLineOf(a, n)
			pairs = append(pairs, classSessionPair{After: &al, Changed: true})
		}
	}
	key := func(p classSessionPair) string {
		if p.After != nil {
			return p.After.Date + p.After.Start
		}
		return p.Before.Date + p.Before.Start
	}
	slices.SortStableFunc(pairs, func(x, y classSessionPair) int {
		switch kx, ky := key(x), key(y); {
		case kx < ky:
			return -1
		case kx > ky:
			return 1
		}
		return 0
	})
	return fields, pairs
}

// classPage builds the class page; focus names a change filing to open, f keeps what was
// typed into a form that failed.
func (s *Server) classPage(r *http.Request, id, focus int64, keep func(d *classPageData)) (*Page, error) {
	a := actorOf(r)
	sc := a.Scope()
	ctx := r.Context()
	lang := stateOf(r).lang
	c, err := s.db.Class(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	n := s.classNamesFor(r, c.OrgID)
	d := classPageData{Class: c, N: n, TeacherNames: n.Teachers(c.TeacherIDs), Institution: a.OrgID != 0 && a.OrgID == c.OrgID,
		Officer: a.Role == xiangpei.RoleOfficer, StatusKey: "classes.status." + string(c.Status),
		FundingKey: "classes.funding." + c.Funding, ChangeFocusID: focus}
	if names, err := s.db.OrgNames(ctx, sc, []int64{c.OrgID}); err == nil {
		d.OrgName = names[c.OrgID]
	}
	for _, x := range c.Sessions {
		d.Sessions = append(d.Sessions, classLineOf(x, n))
	}
	d.PlannedHours = strconv.FormatFloat(float64(c.PlannedMinutes())/60, 'f', -1, 64)
	rules := s.db.Rules()
	if c.Status.Editable() && !c.FirstSession.IsZero() {
		cal, err := s.db.Calendar(ctx)
		if err != nil {
			return nil, err
		}
		d.ShowDeadline = true
		d.Deadline = xiangpei.FilingDeadline(cal, c.FirstSession, rules.FilingLeadWorkdays)
		d.DaysLeft = xiangpei.WorkdaysLeft(cal, s.now(), d.Deadline)
		switch {
		case d.DaysLeft > 0:
			d.DeadlineText = s.msg.T(lang, "classes.days_left", d.DaysLeft)
		case d.DaysLeft == 0 && !s.now().After(d.Deadline):
			d.DeadlineText = s.msg.T(lang, "classes.last_day")
		default:
			d.DeadlineText = s.msg.T(lang, "classes.deadline_passed")
		}
	}
	hist, err := s.db.ClassHistory(ctx, sc, c.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range hist {
		action := e.Action
		if k := "classes.history." + e.Action; s.msg.Has(k) {
			action = s.msg.T(lang, k)
		}
		d.History = append(d.History, classHistoryLine{Action: action, Reason: e.Reason, Actor: e.Actor, At: e.At})
	}
	changes, err := s.db.ClassChanges(ctx, sc, c.ID)
	if err != nil {
		return nil, err
	}
	reviewer := a.Role == xiangpei.RoleOfficer && a.Can(xiangpei.DutyClassReview)
	for _, ch := range changes {
		v := classChangeView{Change: ch, Focus: ch.ID == focus, Link: classChangePath(c.ID, ch.ID)}
		v.Fields, v.Sessions = s.classDiff(r, n, ch)
		if ch.Status == xiangpei.ChangeFiled {
			d.OpenChange = true
			v.CanDecide = reviewer
			if d.Officer {
				flags, err := s.db.ReviewFlagsOf(ctx, c, &ch)
				if err != nil {
					return nil, err
				}
				v.Attn = s.classFlagTexts(r, flags)
			}
		}
		d.Changes = append(d.Changes, v)
	}
	if d.Officer && c.Status == xiangpei.ClassFiled {
		flags, err := s.db.ReviewFlagsOf(ctx, c, nil)
		if err != nil {
			return nil, err
		}
		d.Attn = s.classFlagTexts(r, flags)
	}
	if d.Institution {
		d.CanEdit = c.Status.Editable()
		d.CanSubmit = c.Status.Can(xiangpei.ClassSubmit)
		d.CanCancel = c.Status.Can(xiangpei.ClassCancel)
		d.CanStart = c.Status.Can(xiangpei.ClassStart)
		d.CanChange = c.Status.CanFileChange(xiangpei.ChangeEdit) && !d.OpenChange
		d.CanMakeUp = c.Status.CanFileChange(xiangpei.ChangeMakeUp) && !d.OpenChange
		d.CanClose = c.Status == xiangpei.ClassInProgress
	}
	if c.Status == xiangpei.ClassInProgress {
		d.MakeUpBy = c.MakeUpDeadline(rules)
	}
	d.CanReview = reviewer && c.Status == xiangpei.ClassFiled
	if keep != nil {
		keep(&d)
	}
	return s.page(r, c.Name, d), nil
}

func (s *Server) classPageAgain(r *http.Request, id, focus int64, keep func(d *classPageData)) *formPage {
	return &formPage{"class_show", func() (*Page, error) { return s.classPage(r, id, focus, keep) }}
}

// classDetailJSON is a class with everything its page shows.
func (s *Server) classDetailJSON(r *http.Request, c xiangpei.Class) (map[string]any, error) {
	ctx := r.Context()
	a := actorOf(r)
	out := map[string]any{"class": classJSON(c), "filing_deadline": nil, "workdays_left": nil, "attention": nil}
	if c.Status.Editable() && !c.FirstSession.IsZero() {
		cal, err := s.db.Calendar(ctx)
		if err != nil {
			return nil, err
		}
		dl := xiangpei.FilingDeadline(cal, c.FirstSession, s.db.Rules().FilingLeadWorkdays)
		out["filing_deadline"], out["workdays_left"] = dl.UTC(), xiangpei.WorkdaysLeft(cal, s.now(), dl)
	}
	hist, err := s.db.ClassHistory(ctx, a.Scope(), c.ID)
	if err != nil {
		return nil, err
	}
	out["history"] = jsonList(hist, func(e store.ClassEvent) map[string]any {
		return map[string]any{"action": e.Action, "reason": e.Reason, "actor": e.Actor, "at": e.At}
	})
	changes, err := s.db.ClassChanges(ctx, a.Scope(), c.ID)
	if err != nil {
		return nil, err
	}
	out["changes"] = jsonList(changes, classChangeJSON)
	if a.Role == xiangpei.RoleOfficer && c.Status == xiangpei.ClassFiled {
		flags, err := s.db.ReviewFlagsOf(ctx, c, nil)
		if err != nil {
			return nil, err
		}
		out["attention"] = classFlagsJSON(flags)
	}
	return out, nil
}

func (s *Server) classShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		c, err := s.db.Class(r.Context(), actorOf(r).Scope(), id)
		var out map[string]any
		if err == nil {
			out, err = s.classDetailJSON(r, c)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	s.show(w, r, s.classPageAgain(r, id, 0, nil))
}

// classChangeOf reads the change filing of the path, which must be one of the class's.
func (s *Server) classChangeOf(r *http.Request) (int64, xiangpei.ClassChange, error) {
	id, err := pathID(r, "class")
	if err != nil {
		return 0, xiangpei.ClassChange{}, err
	}
	cid, err := pathID(r, "change")
	if err != nil {
		return id, xiangpei.ClassChange{}, err
	}
	ch, err := s.db.ClassChange(r.Context(), actorOf(r).Scope(), cid)
	if err == nil && ch.ClassID != id {
		err = xiangpei.ErrNotFound("Change filing")
	}
	return id, ch, err
}

func (s *Server) classChangeShow(w http.ResponseWriter, r *http.Request) {
	id, ch, err := s.classChangeOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if stateOf(r).api {
		out := classChangeJSON(ch)
		if actorOf(r).Role == xiangpei.RoleOfficer && ch.Status == xiangpei.ChangeFiled {
			c, err := s.db.Class(r.Context(), actorOf(r).Scope(), id)
			var flags store.ReviewFlags
			if err == nil {
				flags, err = s.db.ReviewFlagsOf(r.Context(), c, &ch)
			}
			if err != nil {
				s.fail(w, r, err)
				return
			}
			out["attention"] = classFlagsJSON(flags)
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	s.show(w, r, s.classPageAgain(r, id, ch.ID, nil))
}

func (s *Server) classChangesJSON(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "class")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	answerList(s, w, r, "changes", func(ctx2 context.Context) ([]xiangpei.ClassChange, error) {
		return s.db.ClassChanges(ctx2, actorOf(r).Scope(), id)
	}, classChangeJSON)
}

// classMoveBody is a move of a class: the version seen and, to return or cancel, a reason.
type classMoveBody struct {
	Version int64  `json:"version"`
	Reason  string `json:"reason"`
}

func (s *Server) classMove(action xiangpei.ClassAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "class")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var b classMoveBody
		var c xiangpei.Class
		if err = bind(r, &b); err == nil {
			c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Class, error) {
				return tx.MoveClass(a.Scope(), id, b.Version, action, b.Reason)
			})
		}
		if err != nil {
			s.classFail(w, r, err, s.classPageAgain(r, id, 0, func(d *classPageData) {
				switch action {
				case xiangpei.ClassCancel:
					d.CancelReason = b.Reason
				case xiangpei.ClassReturn:
					d.ReturnReason = b.Reason
				}
			}))
			return
		}
		answer(w, r, http.StatusOK, classJSON(c), classPath(id), "class_"+string(action))
	}
}

func (s *Server) classDecide(action xiangpei.ClassAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ch, err := s.classChangeOf(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var b classMoveBody
		if err = bind(r, &b); err == nil {
			ch, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.ClassChange, error) {
				return tx.DecideClassChange(a.Scope(), ch.ID, b.Version, action, b.Reason)
			})
		}
		if err != nil {
			s.classFail(w, r, err, s.classPageAgain(r, id, ch.ID, func(d *classPageData) {
				for i := range d.Changes {
					if d.Changes[i].Change.ID == ch.ID {
						d.Changes[i].Reason = b.Reason
					}
				}
			}))
			return
		}
		answer(w, r, http.StatusOK, classChangeJSON(ch), classChangePath(id, ch.ID), "class_change_"+string(action))
	}
}
