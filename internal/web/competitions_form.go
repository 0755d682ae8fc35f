package web

import (
	"net/http"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/store"
)

// The competition form: creating a competition and editing a draft share it. Events are rows
// of the form (blank rows are ignored), so it works without JavaScript; "more events" brings
// the form back with everything typed and more rows.

// competitionBody is a competition on the API.
type competitionBody struct {
	Name      string      `json:"name"`
	Level     string      `json:"level"`
	Year      int         `json:"year"`
	Rules     string      `json:"rules"`
	RegOpens  string      `json:"reg_opens"`
	RegCloses string      `json:"reg_closes"`
	StartsOn  string      `json:"starts_on"`
	EndsOn    string      `json:"ends_on"`
	Events    []eventBody `json:"events"`
	Version   int64       `json:"version"`
}

// eventBody is one event on the API.
type eventBody struct {
	OccupationCode string `json:"occupation_code"`
	Name           string `json:"name"`
	Mode           string `json:"mode"`
	TeamSize       int    `json:"team_size"`
	MinLevel       string `json:"min_level"`
	Region         string `json:"region"`
	MinAge         int    `json:"min_age"`
	MaxAge         int    `json:"max_age"`
	First          int    `json:"first"`
	Second         int    `json:"second"`
	Third          int    `json:"third"`
	Merit          int    `json:"merit"`
}

func (b competitionBody) input() xiangpei.CompetitionInput {
	in := xiangpei.CompetitionInput{Name: b.Name, Level: xiangpei.CompetitionLevel(b.Level), Year: b.Year, Rules: b.Rules,
		RegOpens: b.RegOpens, RegCloses: b.RegCloses, StartsOn: b.StartsOn, EndsOn: b.EndsOn}
	for _, e := range b.Events {
		in.Events = append(in.Events, xiangpei.CompEvent{OccupationCode: e.OccupationCode, Name: e.Name, Mode: xiangpei.EventMode(e.Mode),
			TeamSize: e.TeamSize, MinLevel: e.MinLevel, Region: e.Region, MinAge: e.MinAge, MaxAge: e.MaxAge,
			First: e.First, Second: e.Second, Third: e.Third, Merit: e.Merit})
	}
	return in
}

// compEventRow is one event as typed.
type compEventRow struct {
	Occupation, Name, Mode, TeamSize, MinLevel, Region, MinAge, MaxAge, First, Second, Third, Merit string
}

func (x compEventRow) blank() bool { return x.Occupation == "" && x.Name == "" }

// compForm is the form as typed, kept as text so that it comes back exactly as it was.
type compForm struct {
	Name, Level, Year, Rules, RegOpens, RegCloses, StartsOn, EndsOn string
	Events                                                          []compEventRow
	Version                                                         int64
}

func numText(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// compFormOf fills the form from a competition's input, with blank rows to add events.
func compFormOf(in xiangpei.CompetitionInput, version int64) compForm {
	f := compForm{Name: in.Name, Level: string(in.Level), Year: numText(in.Year), Rules: in.Rules, RegOpens: in.RegOpens,
		RegCloses: in.RegCloses, StartsOn: in.StartsOn, EndsOn: in.EndsOn, Version: version}
	for _, e := range in.Events {
		ts := numText(e.TeamSize)
		if e.Mode == xiangpei.EventIndividual {
			ts = ""
		}
		f.Events = append(f.Events, compEventRow{Occupation: e.OccupationCode, Name: e.Name, Mode: string(e.Mode), TeamSize: ts,
			MinLevel: e.MinLevel, Region: e.Region, MinAge: numText(e.MinAge), MaxAge: numText(e.MaxAge), First: numText(e.First),
			Second: numText(e.Second), Third: numText(e.Third), Merit: numText(e.Merit)})
	}
	f.Events = append(f.Events, make([]compEventRow, 2)...)
	return f
}

// compFormFromRequest reads the browser's form.
func compFormFromRequest(r *http.Request) (compForm, error) {
	if err := r.ParseForm(); err != nil {
		if err = tooLarge(err); xiangpei.IsKind(err, xiangpei.TooLarge) {
			return compForm{}, err
		}
		return compForm{}, xiangpei.Errorf(xiangpei.Invalid, "error.bad_request", "The request could not be read.")
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := compForm{Name: v("name"), Level: v("level"), Year: v("year"), Rules: v("rules"), RegOpens: v("reg_opens"),
		RegCloses: v("reg_closes"), StartsOn: v("starts_on"), EndsOn: v("ends_on")}
	f.Version, _ = strconv.ParseInt(v("version"), 10, 64)
	col := func(k string, i int) string {
		if vals := r.PostForm[k]; i < len(vals) {
			return strings.TrimSpace(vals[i])
		}
		return ""
	}
	for i := range r.PostForm["ev_occupation"] {
		f.Events = append(f.Events, compEventRow{Occupation: col("ev_occupation", i), Name: col("ev_name", i), Mode: col("ev_mode", i),
			TeamSize: col("ev_team_size", i), MinLevel: col("ev_min_level", i), Region: col("ev_region", i), MinAge: col("ev_min_age", i),
			MaxAge: col("ev_max_age", i), First: col("ev_first", i), Second: col("ev_second", i), Third: col("ev_third", i),
			Merit: col("ev_merit", i)})
	}
	return f, nil
}

// input turns the typed form into the organiser's input; a number that is not one is refused
// with the event's row named.
func (f compForm) input() (xiangpei.CompetitionInput, error) {
	in := xiangpei.CompetitionInput{Name: f.Name, Level: xiangpei.CompetitionLevel(f.Level), Rules: f.Rules, RegOpens: f.RegOpens,
		RegCloses: f.RegCloses, StartsOn: f.StartsOn, EndsOn: f.EndsOn}
	bad := func(row int) error {
		return xiangpei.Errorf(xiangpei.Invalid, "competition.number", "Event %v: the team size, ages and numbers of awards are whole numbers.", row)
	}
	if f.Year != "" {
		y, err := strconv.Atoi(f.Year)
		if err != nil {
			return in, xiangpei.Errorf(xiangpei.Invalid, "competition.year", "Give the year of the competition.")
		}
		in.Year = y
	}
	row := 0
	for _, x := range f.Events {
		if x.blank() {
			continue
		}
		row++
		var nums [7]int
		for i, s := range []string{x.TeamSize, x.MinAge, x.MaxAge, x.First, x.Second, x.Third, x.Merit} {
			if s == "" {
				continue
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				return in, bad(row)
			}
			nums[i] = n
		}
		in.Events = append(in.Events, xiangpei.CompEvent{OccupationCode: x.Occupation, Name: x.Name, Mode: xiangpei.EventMode(x.Mode),
			TeamSize: nums[0], MinLevel: x.MinLevel, Region: x.Region, MinAge: nums[1], MaxAge: nums[2], First: nums[3],
			Second: nums[4], Third: nums[5], Merit: nums[6]})
	}
	return in, nil
}

type competitionFormData struct {
	Mode   string // "new" or "edit"
	Action string
	C      xiangpei.Competition
	F      compForm
	Levels []xiangpei.CompetitionLevel // the levels the organiser may hold
	Skill  []store.SkillLevel
	Region string
}

func (s *Server) competitionFormPage(r *http.Request, mode string, c xiangpei.Competition, f compForm) *formPage {
	return &formPage{"competition_form", func() (*Page, error) {
		a := actorOf(r)
		d := competitionFormData{Mode: mode, Action: "/competitions", C: c, F: f, Region: a.Region}
		region := a.Region
		if mode == "edit" {
			d.Action, region = competitionPath(c.ID), c.Region
		}
		for _, l := range xiangpei.CompetitionLevels {
			if l.HeldBy(region) {
				d.Levels = append(d.Levels, l)
			}
		}
		levels, err := s.db.ListSkillLevels(r.Context())
		if err != nil {
			return nil, err
		}
		for _, l := range levels {
			if xiangpei.CertKindOf(l.Code) == xiangpei.CertSkill {
				d.Skill = append(d.Skill, l)
			}
		}
		title := "competition.new_title"
		if mode == "edit" {
			title = "competition.edit_title"
		}
		p := s.page(r, s.msg.T(stateOf(r).lang, title), d)
		return p, nil
	}}
}

func (s *Server) competitionNewForm(w http.ResponseWriter, r *http.Request) {
	f := compForm{Events: make([]compEventRow, 3)}
	s.show(w, r, s.competitionFormPage(r, "new", xiangpei.Competition{}, f))
}

func (s *Server) competitionEditForm(w http.ResponseWriter, r *http.Request) {
	c, err := s.competitionLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.show(w, r, s.competitionFormPage(r, "edit", c, compFormOf(store.CompetitionInputOf(c), c.Version)))
}

// competitionRead reads a competition from the API's JSON or the browser's form. When the
// browser asked for more event rows, the form has been shown again and done is true.
func (s *Server) competitionRead(w http.ResponseWriter, r *http.Request, mode string, c xiangpei.Competition) (xiangpei.CompetitionInput, int64, compForm, bool, error) {
	if stateOf(r).api {
		var b competitionBody
		if err := bind(r, &b); err != nil {
			return xiangpei.CompetitionInput{}, 0, compForm{}, false, err
		}
		return b.input(), b.Version, compForm{}, false, nil
	}
	f, err := compFormFromRequest(r)
	if err != nil {
		return xiangpei.CompetitionInput{}, 0, f, false, err
	}
	if r.PostFormValue("step") == "more" {
		f.Events = append(f.Events, make([]compEventRow, 3)...)
		s.show(w, r, s.competitionFormPage(r, mode, c, f))
		return xiangpei.CompetitionInput{}, 0, f, true, nil
	}
	in, err := f.input()
	return in, f.Version, f, false, err
}

func (s *Server) competitionCreate(w http.ResponseWriter, r *http.Request) {
	in, _, f, done, err := s.competitionRead(w, r, "new", xiangpei.Competition{})
	if done {
		return
	}
	var c xiangpei.Competition
	if err == nil {
		c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Competition, error) {
			return tx.CreateCompetition(a.Region, in)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.competitionFormPage(r, "new", xiangpei.Competition{}, f))
		return
	}
	answer(w, r, http.StatusCreated, competitionJSON(c), competitionPath(c.ID), "competition_created")
}

func (s *Server) competitionUpdate(w http.ResponseWriter, r *http.Request) {
	cur, err := s.competitionLoad(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in, version, f, done, err := s.competitionRead(w, r, "edit", cur)
	if done {
		return
	}
	var c xiangpei.Competition
	if err == nil {
		c, err = change(s, r, func(tx *store.Tx, a xiangpei.Actor) (xiangpei.Competition, error) {
			return tx.UpdateCompetition(a.Scope(), cur.ID, version, in)
		})
	}
	if err != nil {
		s.formError(w, r, err, s.competitionFormPage(r, "edit", cur, f))
		return
	}
	answer(w, r, http.StatusOK, competitionJSON(c), competitionPath(c.ID), "competition_saved")
}
