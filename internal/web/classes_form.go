package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// The class form: filing a class, editing a draft or returned filing, a change filing and a
// make-up filing share it. It works without JavaScript: the timetable is a table of session
// rows (date, start, end, theory or practice, teacher, venue); "add rows" and "fill by
// repeating" are submit buttons that bring the form back, with everything typed, and more
// rows or the generated sessions.

// classBody is a class filing on the API; version, reason and kind are read where they apply.
type classBody struct {
	Name           string        `json:"name"`
	OccupationCode string        `json:"occupation_code"`
	Level          string        `json:"level"`
	SpecialAction  string        `json:"special_action"`
	Funding        string        `json:"funding"`
	KeyGroups      []string      `json:"key_groups"`
	Sector         string        `json:"sector"`
	TheoryHours    int           `json:"theory_hours"`
	PracticeHours  int           `json:"practice_hours"`
	VenueID        int64         `json:"venue_id"`
	TeacherIDs     []int64       `json:"teacher_ids"`
	Capacity       int           `json:"capacity"`
	SelfEnrol      bool          `json:"self_enrol"`
	Sessions       []sessionBody `json:"sessions"`
	Version        int64         `json:"version"`
	Reason         string        `json:"reason"`
	Kind           string        `json:"kind"`
}

// sessionBody is one session on the API: a date and times in China time.
type sessionBody struct {
	ID        int64  `json:"id"`
	Date      string `json:"date"`  // 2026-11-16
	Start     string `json:"start"` // 09:00
	End       string `json:"end"`   // 12:00
	Kind      string `json:"kind"`
	TeacherID int64  `json:"teacher_id"`
	VenueID   int64  `json:"venue_id"`
	MakeUp    bool   `json:"makeup"`
}

// classRow is one row of the timetable as typed.
type classRow struct {
	ID, Date, Start, End, Kind, Teacher, Venue string
	MakeUp                                     bool
}

func (x classRow) blank() bool { return x.Date == "" && x.Start == "" && x.End == "" }

// classRepeat is the "fill by repeating" helper: n sessions from a date, on working days,
// every day or every week, at the same times.
type classRepeat struct {
	From, Count, Pattern, Start, End, Kind, Teacher string
}

// classForm is the form as typed, kept as text so that it comes back exactly as it was.
type classForm struct {
	Name, Occupation, SpecialAction, Funding, Sector string
	KeyGroups, TeacherIDs                            []string
	TheoryHours, PracticeHours, Capacity, VenueID    string
	SelfEnrol                                        bool
	Rows                                             []classRow
	Version                                          int64
	Reason, Kind                                     string
	Repeat                                           classRepeat
}

// Has reports whether a multi-valued field holds v, for checkboxes.
func (f classForm) Has(field, v string) bool {
	switch field {
	case "key_groups":
		return slices.Contains(f.KeyGroups, v)
	case "teacher_ids":
		return slices.Contains(f.TeacherIDs, v)
	}
	return false
}

const classBlankRows = 8

func itoa(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// classRowOf shows a session as a row.
func classRowOf(x xiangpei.Session) classRow {
	st := x.Starts.In(xiangpei.ChinaTime)
	return classRow{ID: itoa(x.ID), Date: st.Format(time.DateOnly), Start: st.Format("15:04"), End: x.Ends.In(xiangpei.ChinaTime).Format("15:04"),
		Kind: x.Kind, Teacher: itoa(x.TeacherID), Venue: itoa(x.VenueID), MakeUp: x.MakeUp}
}

// classFormOf fills the form from a filing, with blank rows to add sessions.
func classFormOf(in xiangpei.ClassInput) classForm {
	f := classForm{Name: in.Name, SpecialAction: in.SpecialAction, Funding: in.Funding, Sector: in.Sector,
		KeyGroups: slices.Clone(in.KeyGroups), TheoryHours: strconv.Itoa(in.TheoryHours), PracticeHours: strconv.Itoa(in.PracticeHours),
		Capacity: strconv.Itoa(in.Capacity), VenueID: itoa(in.VenueID), SelfEnrol: in.SelfEnrol}
	if in.OccupationCode != "" {
		f.Occupation = in.OccupationCode + "|" + in.Level
	}
	for _, t := range in.TeacherIDs {
		f.TeacherIDs = append(f.TeacherIDs, itoa(t))
	}
	for _, x := range in.Sessions {
		row := classRowOf(x)
		if row.Venue == f.VenueID {
			row.Venue = ""
		}
		f.Rows = append(f.Rows, row)
	}
	f.Rows = append(f.Rows, make([]classRow, 3)...)
	return f
}

// classFormFromRequest reads the browser's form.
func classFormFromRequest(r *http.Request) (classForm, string, error) {
	if err := r.ParseForm(); err != nil {
		if err = tooLarge(err); xiangpei.IsKind(err, xiangpei.TooLarge) {
			return classForm{}, "", err
		}
		return classForm{}, "", xiangpei.Errorf(xiangpei.Invalid, "error.bad_request", "The request could not be read.")
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := classForm{Name: v("name"), Occupation: v("occupation"), SpecialAction: v("special_action"), Funding: v("funding"),
		Sector: v("sector"), KeyGroups: r.PostForm["key_groups"], TeacherIDs: r.PostForm["teacher_ids"],
		TheoryHours: v("theory_hours"), PracticeHours: v("practice_hours"), Capacity: v("capacity"), VenueID: v("venue_id"),
		SelfEnrol: v("self_enrol") != "", Reason: v("reason"), Kind: v("kind"),
		Repeat: classRepeat{From: v("rep_from"), Count: v("rep_count"), Pattern: v("rep_pattern"), Start: v("rep_start"),
			End: v("rep_end"), Kind: v("rep_kind"), Teacher: v("rep_teacher")}}
	f.Version, _ = strconv.ParseInt(v("version"), 10, 64)
	col := func(k string, i int) string {
		if vals := r.PostForm[k]; i < len(vals) {
			return strings.TrimSpace(vals[i])
		}
		return ""
	}
	for i := range r.PostForm["s_date"] {
		f.Rows = append(f.Rows, classRow{ID: col("s_id", i), Date: col("s_date", i), Start: col("s_start", i), End: col("s_end", i),
			Kind: col("s_kind", i), Teacher: col("s_teacher", i), Venue: col("s_venue", i), MakeUp: col("s_makeup", i) == "1"})
	}
	return f, v("step"), nil
}

func errClassNumber() error {
	return xiangpei.Errorf(xiangpei.Invalid, "classes.number", "Hours and capacity are whole numbers.")
}

func classNumber(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, errClassNumber()
	}
	return n, nil
}

func classID(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// classWhen reads a date and a time of day in China time.
func classWhen(date, clock string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, xiangpei.ChinaTime)
	return t, err == nil
}

// sessions turns the rows into sessions; blank rows are skipped, a half-filled one is an error
// naming its row.
func (f classForm) sessions() ([]xiangpei.Session, error) {
	var out []xiangpei.Session
	for i, x := range f.Rows {
		if x.blank() {
			continue
		}
		st, ok1 := classWhen(x.Date, x.Start)
		en, ok2 := classWhen(x.Date, x.End)
		if !ok1 || !ok2 {
			return nil, xiangpei.Errorf(xiangpei.Invalid, "classes.row_time", "Row %v of the timetable: give the date (2026-11-16) and the start and end times (09:00).", i+1)
		}
		out = append(out, xiangpei.Session{ID: classID(x.ID), Starts: st, Ends: en, Kind: x.Kind, TeacherID: classID(x.Teacher),
			VenueID: classID(x.Venue), MakeUp: x.MakeUp})
	}
	return out, nil
}

// input turns the form into a filing. The teachers of the class are those ticked and those
// chosen for a session.
func (f classForm) input() (xiangpei.ClassInput, error) {
	in := xiangpei.ClassInput{Name: f.Name, SpecialAction: f.SpecialAction, Funding: f.Funding, Sector: f.Sector,
		KeyGroups: slices.Clone(f.KeyGroups), VenueID: classID(f.VenueID), SelfEnrol: f.SelfEnrol}
	in.OccupationCode, in.Level, _ = strings.Cut(f.Occupation, "|")
	var err error
	if in.TheoryHours, err = classNumber(f.TheoryHours); err != nil {
		return in, err
	}
	if in.PracticeHours, err = classNumber(f.PracticeHours); err != nil {
		return in, err
	}
	if in.Capacity, err = classNumber(f.Capacity); err != nil {
		return in, err
	}
	if in.Sessions, err = f.sessions(); err != nil {
		return in, err
	}
	for _, t := range f.TeacherIDs {
		if id := classID(t); id != 0 {
			in.TeacherIDs = append(in.TeacherIDs, id)
		}
	}
	for _, x := range in.Sessions {
		if x.TeacherID != 0 && !slices.Contains(in.TeacherIDs, x.TeacherID) {
			in.TeacherIDs = append(in.TeacherIDs, x.TeacherID)
		}
	}
	return in, nil
}

// input turns an API body into a filing.
func (b classBody) input() (xiangpei.ClassInput, error) {
	in := xiangpei.ClassInput{Name: b.Name, OccupationCode: b.OccupationCode, Level: b.Level, SpecialAction: b.SpecialAction,
		Funding: b.Funding, KeyGroups: b.KeyGroups, Sector: b.Sector, TheoryHours: b.TheoryHours, PracticeHours: b.PracticeHours,
		VenueID: b.VenueID, TeacherIDs: b.TeacherIDs, Capacity: b.Capacity, SelfEnrol: b.SelfEnrol}
	for i, x := range b.Sessions {
		st, ok1 := classWhen(strings.TrimSpace(x.Date), strings.TrimSpace(x.Start))
		en, ok2 := classWhen(strings.TrimSpace(x.Date), strings.TrimSpace(x.End))
		if !ok1 || !ok2 {
			return in, xiangpei.Errorf(xiangpei.Invalid, "classes.row_time", "Row %v of the timetable: give the date (2026-11-16) and the start and end times (09:00).", i+1)
		}
		in.Sessions = append(in.Sessions, xiangpei.Session{ID: x.ID, Starts: st, Ends: en, Kind: x.Kind, TeacherID: x.TeacherID,
			VenueID: x.VenueID, MakeUp: x.MakeUp})
	}
	return in, nil
}

// addRows is the "add rows" button.
func (f *classForm) addRows(n int) {
	f.Rows = append(f.Rows, make([]classRow, n)...)
}

// fillHours puts the timetable's hours into empty planned-hours fields, where they are whole.
func (f *classForm) fillHours() {
	if (f.TheoryHours != "" && f.TheoryHours != "0") || (f.PracticeHours != "" && f.PracticeHours != "0") {
		return
	}
	sessions, err := f.sessions()
	if err != nil || len(sessions) == 0 {
		return
	}
	var theory, practice int
	for _, x := range sessions {
		if x.MakeUp || !x.Ends.After(x.Starts) {
			continue
		}
		if x.Kind == xiangpei.SessionPractice {
			practice += x.Minutes()
		} else {
			theory += x.Minutes()
		}
	}
	if theory%60 == 0 && practice%60 == 0 {
		f.TheoryHours, f.PracticeHours = strconv.Itoa(theory/60), strconv.Itoa(practice/60)
	}
}

// repeat is the "fill by repeating" button: it replaces the blank rows with the generated
// sessions and leaves a few blank rows after them.
func (f *classForm) repeat(cal xiangpei.Calendar) error {
	p := f.Repeat
	bad := xiangpei.Errorf(xiangpei.Invalid, "classes.repeat", "To fill the timetable, give the first date, how many sessions (1 to 200), and the start and end times.")
	n, err := strconv.Atoi(p.Count)
	if err != nil || n < 1 || n > 200 {
		return bad
	}
	day, ok := classWhen(p.From, "00:00")
	if _, ok2 := classWhen(p.From, p.Start); !ok || !ok2 {
		return bad
	}
	if _, ok := classWhen(p.From, p.End); !ok {
		return bad
	}
	kept := f.Rows[:0:0]
	for _, x := range f.Rows {
		if !x.blank() {
			kept = append(kept, x)
		}
	}
	step := 1
	if p.Pattern == "weekly" {
		step = 7
	}
	for made, guard := 0, 0; made < n && guard < 3000; day, guard = day.AddDate(0, 0, step), guard+1 {
		if p.Pattern != "daily" && p.Pattern != "weekly" && !cal.IsWorkday(day) {
			continue // working days by the calendar
		}
		kept = append(kept, classRow{Date: day.Format(time.DateOnly), Start: p.Start, End: p.End, Kind: p.Kind, Teacher: p.Teacher})
		made++
	}
	f.Rows = append(kept, make([]classRow, 3)...)
	return nil
}

// ---- the form page ----

type classFormData struct {
	Mode     string // new, edit, change, makeup
	Action   string
	Class    xiangpei.Class
	F        classForm
	Scopes   []regOption
	Actions  []regOption
	Sectors  []regOption
	Groups   []regOption
	Venues   []regOption
	Teachers []regOption
	Existing []classSessionLine
	MakeUpBy time.Time
	Capacity int
}

func (s *Server) classFormData(r *http.Request, mode string, c xiangpei.Class, f classForm) (*Page, error) {
	a := actorOf(r)
	ctx := r.Context()
	orgID := a.OrgID
	if c.ID != 0 {
		orgID = c.OrgID
	}
	sc := a.Scope()
	names := s.classNamesFor(r, orgID)
	d := classFormData{Mode: mode, Class: c, F: f, Capacity: s.db.Rules().ClassCapacity}
	switch mode {
	case "new":
		d.Action = "/classes"
	case "edit":
		d.Action = classPath(c.ID)
	default:
		d.Action = classPath(c.ID) + "/changes"
	}
	scopes, err := s.db.Scopes(ctx, sc, orgID)
	if err != nil {
		return nil, err
	}
	for _, e := range scopes {
		d.Scopes = append(d.Scopes, regOption{Value: e.OccupationCode + "|" + e.Level,
			Label: e.OccupationCode + " " + names.Occupation(e.OccupationCode) + " · " + names.Level(e.Level)})
	}
	if f.Occupation != "" && !slices.ContainsFunc(d.Scopes, func(o regOption) bool { return o.Value == f.Occupation }) {
		code, level, _ := strings.Cut(f.Occupation, "|")
		d.Scopes = append(d.Scopes, regOption{Value: f.Occupation, Label: code + " " + names.Occupation(code) + " · " + names.Level(level)})
	}
	year := s.now().In(xiangpei.ChinaTime).Year()
	for _, y := range []int{year, year + 1} {
		acts, err := s.db.ListSpecialActions(ctx, y)
		if err != nil {
			return nil, err
		}
		for _, x := range acts {
			label := x.NameZh
			if regEnglish(r) && x.NameEn != "" {
				label = x.NameEn
			}
			if !slices.ContainsFunc(d.Actions, func(o regOption) bool { return o.Value == x.Code }) {
				d.Actions = append(d.Actions, regOption{Value: x.Code, Label: strconv.Itoa(y) + " " + label})
			}
		}
	}
	secs, err := s.db.ListSectors(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range secs {
		d.Sectors = append(d.Sectors, regOption{Value: x.Code, Label: names.Sector(x.Code)})
	}
	groups, err := s.db.ListKeyGroups(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range groups {
		d.Groups = append(d.Groups, regOption{Value: x.Code, Label: names.Groups([]string{x.Code})})
	}
	venues, err := s.db.Venues(ctx, sc, orgID)
	if err != nil {
		return nil, err
	}
	for _, v := range venues {
		d.Venues = append(d.Venues, regOption{Value: itoa(v.ID), Label: v.Name})
	}
	teachers, err := s.db.Teachers(ctx, sc, orgID)
	if err != nil {
		return nil, err
	}
	for _, t := range teachers {
		if mode == "makeup" && !slices.Contains(c.TeacherIDs, t.ID) {
			continue
		}
		label := t.Name + " · " + t.Qualification
		if t.OccupationCode != "" {
			label += " · " + t.OccupationCode
		}
		d.Teachers = append(d.Teachers, regOption{Value: itoa(t.ID), Label: label})
	}
	if mode == "makeup" {
		for _, x := range c.Sessions {
			d.Existing = append(d.Existing, classLineOf(x, names))
		}
		d.MakeUpBy = c.MakeUpDeadline(s.db.Rules())
	}
	lang := stateOf(r).lang
	title := s.msg.T(lang, "classes.form_title_"+mode)
	if c.ID != 0 {
		title += " · " + c.Name
	}
	return s.page(r, title, d), nil
}

// classFormPage is the form page, built again with what was typed after a failed save.
func (s *Server) classFormPage(r *http.Request, mode string, c xiangpei.Class, f classForm) *formPage {
	return &formPage{"class_form", func() (*Page, error) { return s.classFormData(r, mode, c, f) }}
}

// classFail answers a failed class action: a missing class or a refusal is an error page
// (nothing on the form could fix it); anything else shows the form again.
func (s *Server) classFail(w http.ResponseWriter, r *http.Request, err error, again *formPage) {
	if k := xiangpei.ErrorKind(err); k == xiangpei.NotFound || k == xiangpei.Forbidden {
		again = nil
	}
	s.formError(w, r, err, again)
}

func (s *Server) classNewForm(w http.ResponseWriter, r *http.Request) {
	f := classForm{Funding: xiangpei.FundingSubsidised, Capacity: strconv.Itoa(min(30, s.db.Rules().ClassCapacity))}
	f.Repeat = classRepeat{Count: "10", Start: "09:00", End: "12:00", Kind: xiangpei.SessionTheory}
	f.addRows(classBlankRows)
	s.show(w, r, s.classFormPage(r, "new", xiangpei.Class{}, f))
}

// classLoad reads the class of the path within the actor's scope.
func (s *Server) classLoad(r *http.Request) (xiangpei.Class, error) {
	id, err := pathID(r, "class")
	if err != nil {
		return xiangpei.Class{}, err
	}
	return s.db.Class(r.Context(), actorOf(r).Scope(), id)
}

func (s *Server) classEditForm(w http.ResponseWriter, r *http.Request) {
	c, err := s.classLoad(r)
	if err == nil && !c.Status.Editable() {
		err = xiangpei.Errorf(xiangpei.Conflict, "class.not_editable", "An approved or filed class is not edited directly: file a change (变更备案) once it is approved.")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := classFormOf(store.ClassInputOf(c))
	f.Version = c.Version
	f.Repeat = classRepeat{Count: "5", Start: "09:00", End: "12:00", Kind: xiangpei.SessionTheory}
	s.show(w, r, s.classFormPage(r, "edit", c, f))
}

func (s *Server) classChangeForm(kind xiangpei.ChangeKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.classLoad(r)
		if err == nil && !c.Status.CanFileChange(kind) {
			err = xiangpei.Errorf(xiangpei.Conflict, "class.change_state", "A change filing is for an approved class or one in progress; before approval, edit the filing itself.")
			if kind == xiangpei.ChangeMakeUp {
				err = xiangpei.Errorf(xiangpei.Conflict, "class.makeup_state", "Make-up sessions are filed once the class has started and until it is closed.")
			}
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		f := classFormOf(store.ClassInputOf(c))
		mode := "change"
		if kind == xiangpei.ChangeMakeUp {
			mode = "makeup"
			f.Rows = make([]classRow, 3)
		}
		f.Version, f.Kind = c.Version, string(kind)
		f.Repeat = classRepeat{Count: "1", Start: "09:00", End: "12:00", Kind: xiangpei.SessionTheory}
		s.show(w, r, s.classFormPage(r, mode, c, f))
	}
}

// classHelper runs the form's helper buttons; it reports whether it answered the request.
func (s *Server) classHelper(w http.ResponseWriter, r *http.Request, step, mode string, c xiangpei.Class, f classForm) bool {
	switch step {
	case "rows":
		f.addRows(5)
		if mode != "makeup" {
			f.fillHours()
		}
	case "repeat":
		cal, err := s.db.Calendar(r.Context())
		if err == nil {
			err = f.repeat(cal)
		}
		if err != nil {
			s.formError(w, r, err, s.classFormPage(r, mode, c, f))
			return true
		}
		if mode != "makeup" {
			f.fillHours()
		}
	default:
		return false
	}
	s.show(w, r, s.classFormPage(r, mode, c, f))
	return true
}

// classRead reads a filing from the API body or the browser's form; a helper button has
// already answered when done is true.
func (s *Server) classRead(w http.ResponseWriter, r *http.Request, mode string, c xiangpei.Class) (in xiangpei.ClassInput, body classBody, f classForm, done bool, err error) {
	if stateOf(r).api {
		if err = bind(r, &body); err == nil {
			in, err = body.input()
		}
		return in, body, f, false, err
	}
	var step string
	f, step, err = classFormFromRequest(r)
	if err != nil {
		return in, body, f, false, err
	}
	if s.classHelper(w, r, step, mode, c, f) {
		return in, body, f, true, nil
	}
	in, err = f.input()
	body.Version, body.Reason, body.Kind = f.Version, f.Reason, f.Kind
	return in, body, f, false, err
}

func (s *Server) classCreate(w http.ResponseWriter, r *http.Request) {
	in, _, f, done, err := s.classRead(w, r, "new", xiangpei.Class{})
	if done {
		return
	}
	var c xiangpei.Class
	if err == nil {
		c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Class, error) {
			return tx.CreateClass(a.Scope(), a.OrgID, in)
		})
	}
	if err != nil {
		s.classFail(w, r, err, s.classFormPage(r, "new", xiangpei.Class{}, f))
		return
	}
	answer(w, r, http.StatusCreated, classJSON(c), classPath(c.ID), "class_created")
}

func (s *Server) classUpdate(w http.ResponseWriter, r *http.Request) {
	cur, err := s.classLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, body, f, done, err := s.classRead(w, r, "edit", cur)
	if done {
		return
	}
	var c xiangpei.Class
	if err == nil {
		c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Class, error) {
			return tx.UpdateClass(a.Scope(), cur.ID, body.Version, in)
		})
	}
	if err != nil {
		s.classFail(w, r, err, s.classFormPage(r, "edit", cur, f))
		return
	}
	answer(w, r, http.StatusOK, classJSON(c), classPath(c.ID), "class_saved")
}

func (s *Server) classFileChange(w http.ResponseWriter, r *http.Request) {
	cur, err := s.classLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	mode := "change"
	if !stateOf(r).api && r.PostFormValue("kind") == string(xiangpei.ChangeMakeUp) {
		mode = "makeup"
	}
	in, body, f, done, err := s.classRead(w, r, mode, cur)
	if done {
		return
	}
	kind := xiangpei.ChangeKind(body.Kind)
	if kind == "" {
		kind = xiangpei.ChangeEdit
	}
	var ch xiangpei.ClassChange
	if err == nil {
		ch, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.ClassChange, error) {
			return tx.FileClassChange(a.Scope(), cur.ID, body.Version, kind, in, body.Reason)
		})
	}
	if err != nil {
		s.classFail(w, r, err, s.classFormPage(r, mode, cur, f))
		return
	}
	answer(w, r, http.StatusCreated, classChangeJSON(ch), classChangePath(cur.ID, ch.ID), "class_change_filed")
}
