package xiangpei

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// 培 — a training class (开班备案, SPEC §4.2): what an institution files before it starts, the
// sessions of its timetable, and the states it passes through.

// ClassStatus is the state of a class filing.
type ClassStatus string

// The states of a class (SPEC §4.2).
const (
	ClassDraft      ClassStatus = "draft"       // being written by the institution
	ClassFiled      ClassStatus = "filed"       // submitted, waiting for the county's review
	ClassReturned   ClassStatus = "returned"    // sent back with a reason; the institution fixes and files again
	ClassApproved   ClassStatus = "approved"    // may start
	ClassInProgress ClassStatus = "in_progress" // started: attendance is recorded
	ClassClosed     ClassStatus = "closed"      // 结业: completion decided for every trainee
	ClassCancelled  ClassStatus = "cancelled"   // called off after approval (or withdrawn as a draft)
)

// ClassStatuses lists the states in the order of the lifecycle.
var ClassStatuses = []ClassStatus{ClassDraft, ClassFiled, ClassReturned, ClassApproved, ClassInProgress, ClassClosed, ClassCancelled}

// Valid reports whether st is a known state.
func (st ClassStatus) Valid() bool { return slices.Contains(ClassStatuses, st) }

// ClassAction is something done to a class that changes its state.
type ClassAction string

// The actions on a class.
const (
	ClassSubmit  ClassAction = "submit"  // institution: draft or returned → filed
	ClassApprove ClassAction = "approve" // county officer: filed → approved
	ClassReturn  ClassAction = "return"  // county officer: filed → returned, with a reason
	ClassCancel  ClassAction = "cancel"  // institution: draft, returned or approved → cancelled
	ClassStart   ClassAction = "start"   // institution: approved → in_progress
	ClassClose   ClassAction = "close"   // institution: in_progress → closed
)

var classMoves = map[ClassAction]struct {
	from []ClassStatus
	to   ClassStatus
}{
	ClassSubmit:  {[]ClassStatus{ClassDraft, ClassReturned}, ClassFiled},
	ClassApprove: {[]ClassStatus{ClassFiled}, ClassApproved},
	ClassReturn:  {[]ClassStatus{ClassFiled}, ClassReturned},
	ClassCancel:  {[]ClassStatus{ClassDraft, ClassReturned, ClassApproved}, ClassCancelled},
	ClassStart:   {[]ClassStatus{ClassApproved}, ClassInProgress},
	ClassClose:   {[]ClassStatus{ClassInProgress}, ClassClosed},
}

// Next returns the state an action leads to from st, or a Conflict error naming the state the
// class is in when the action is not possible from it.
func (st ClassStatus) Next(a ClassAction) (ClassStatus, error) {
	m, ok := classMoves[a]
	if !ok {
		return st, Errorf(Invalid, "class.unknown_action", "There is no such action on a class.")
	}
	if !slices.Contains(m.from, st) {
		return st, Errorf(Conflict, "class.wrong_state", "This cannot be done in the class's present state: reload the page to see where it stands.")
	}
	return m.to, nil
}

// Can reports whether the action is possible from st.
func (st ClassStatus) Can(a ClassAction) bool {
	_, err := st.Next(a)
	return err == nil
}

// Editable reports whether the institution may still change the filing directly (before
// approval). After approval a change goes through a change filing (变更备案).
func (st ClassStatus) Editable() bool { return st == ClassDraft || st == ClassReturned }

// Funding types of a class.
const (
	FundingSubsidised = "subsidised" // 补贴性培训: paid from the employment fund, every subsidy rule applies
	FundingSelf       = "self"       // 自费/企业出资: no public money, eligibility caps do not apply
)

// Fundings lists the funding types.
var Fundings = []string{FundingSubsidised, FundingSelf}

// Session kinds.
const (
	SessionTheory   = "theory"   // 理论
	SessionPractice = "practice" // 实操
)

// Session is one session of a class's timetable: a window in which attendance counts.
type Session struct {
	ID        int64
	ClassID   int64
	Seq       int // 1, 2, … in time order
	Starts    time.Time
	Ends      time.Time
	Kind      string // SessionTheory or SessionPractice
	VenueID   int64
	TeacherID int64
	MakeUp    bool // a make-up session (补课) added after the class started
}

// Minutes is the planned length of the session in whole minutes.
func (s Session) Minutes() int { return int(s.Ends.Sub(s.Starts) / time.Minute) }

// Overlaps reports whether two time windows share any instant (touching ends do not overlap).
func Overlaps(aStart, aEnd, bStart, bEnd time.Time) bool {
	return aStart.Before(bEnd) && bStart.Before(aEnd)
}

// Class is a class filing (开班备案).
type Class struct {
	ID             int64
	OrgID          int64
	County         string // the county of the institution's filing, where it is reviewed
	Name           string
	OccupationCode string
	Level          string   // skill level code: "5".."1", "special" or "completion"
	SpecialAction  string   // code of a special action of the year, "" none
	Funding        string   // FundingSubsidised or FundingSelf
	KeyGroups      []string // key groups the class targets; empty: open to everyone
	Sector         string   // key sector code, "" none
	TheoryHours    int
	PracticeHours  int
	VenueID        int64
	TeacherIDs     []int64
	Capacity       int
	SelfEnrol      bool // persons may enrol themselves from the public catalogue
	Status         ClassStatus
	ReturnReason   string // the last reason the county gave when it returned the filing
	FirstSession   time.Time
	LastSession    time.Time // end of the last session
	FiledAt        time.Time // zero until first filed
	Late           bool      // filed later than the lead time before the first session
	Sessions       []Session
	Enrolled       int // trainees on the roster (not withdrawn), filled in by listings
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Version        int64
}

// Subsidised reports whether the class is paid from public money.
func (c Class) Subsidised() bool { return c.Funding == FundingSubsidised }

// Targets reports whether the class targets key group g; a class with no key groups targets nobody
// in particular.
func (c Class) Targets(g string) bool { return slices.Contains(c.KeyGroups, g) }

// PlannedMinutes is the sum of the planned lengths of the class's sessions, make-up sessions
// (补课) left out: a make-up session replaces time a trainee missed, so the minutes attended in
// it count towards the trainee's hours while the plan stays as filed. The attendance rate is
// attended / planned, capped at 100% (RatePct).
func (c Class) PlannedMinutes() int {
	n := 0
	for _, s := range c.Sessions {
		if !s.MakeUp {
			n += s.Minutes()
		}
	}
	return n
}

// ClassInput is what an institution types to file a class.
type ClassInput struct {
	Name           string
	OccupationCode string
	Level          string
	SpecialAction  string
	Funding        string
	KeyGroups      []string
	Sector         string
	TheoryHours    int
	PracticeHours  int
	VenueID        int64
	TeacherIDs     []int64
	Capacity       int
	SelfEnrol      bool
	Sessions       []Session // Starts, Ends, Kind, VenueID (0: the class's venue), TeacherID
}

// Validate checks the filing's own fields (the store checks that codes, venue and teachers
// exist and belong to the institution): a name, a funding type, hours and capacity within the
// rules, and a timetable whose sessions are well formed, do not overlap one another, and add up
// to the planned hours. Sessions come back sorted and numbered.
func (in ClassInput) Validate(rules Rules) (ClassInput, error) {
	in.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(in.Name); n < 2 || n > 60 {
		return in, Errorf(Invalid, "class.name", "Give the class a name of 2 to 60 characters, such as the occupation and the month.")
	}
	if strings.TrimSpace(in.OccupationCode) == "" || strings.TrimSpace(in.Level) == "" {
		return in, Errorf(Invalid, "class.occupation", "Choose the occupation and skill level the class trains for.")
	}
	in.OccupationCode, in.Level = strings.TrimSpace(in.OccupationCode), strings.TrimSpace(in.Level)
	if !slices.Contains(Fundings, in.Funding) {
		return in, Errorf(Invalid, "class.funding", "Choose how the class is funded: subsidised or self-funded.")
	}
	if in.TheoryHours < 0 || in.PracticeHours < 0 || in.TheoryHours+in.PracticeHours == 0 || in.TheoryHours+in.PracticeHours > 2000 {
		return in, Errorf(Invalid, "class.hours", "Give the planned theory and practice hours: together more than 0 and at most 2,000.")
	}
	if in.VenueID == 0 {
		return in, Errorf(Invalid, "class.venue", "Choose the venue where the class is held.")
	}
	if len(in.TeacherIDs) == 0 {
		return in, Errorf(Invalid, "class.teachers", "Choose at least one teacher.")
	}
	slices.Sort(in.TeacherIDs)
	in.TeacherIDs = slices.Compact(in.TeacherIDs)
	if in.Capacity < 1 || in.Capacity > rules.ClassCapacity {
		return in, Errorf(Invalid, "class.capacity", "The capacity must be between 1 and %v trainees.", rules.ClassCapacity)
	}
	groups := make([]string, 0, len(in.KeyGroups))
	for _, g := range in.KeyGroups {
		if g = strings.TrimSpace(g); g != "" {
			groups = append(groups, g)
		}
	}
	slices.Sort(groups)
	in.KeyGroups = slices.Compact(groups)
	in.Sector, in.SpecialAction = strings.TrimSpace(in.Sector), strings.TrimSpace(in.SpecialAction)
	sessions, err := ValidateSessions(in.Sessions, in.VenueID, in.TeacherIDs)
	if err != nil {
		return in, err
	}
	in.Sessions = sessions
	var theory, practice int
	for _, s := range sessions {
		if s.MakeUp {
			continue // make-up sessions replace missed time; they do not add to the plan
		}
		if s.Kind == SessionTheory {
			theory += s.Minutes()
		} else {
			practice += s.Minutes()
		}
	}
	if theory != in.TheoryHours*60 || practice != in.PracticeHours*60 {
		return in, Errorf(Invalid, "class.hours_mismatch", "The timetable has %v theory and %v practice hours, but the filing plans %v and %v: make them agree.",
			FormatHours(theory), FormatHours(practice), in.TheoryHours, in.PracticeHours)
	}
	return in, nil
}

// FormatHours shows minutes as hours with at most one decimal, as pages and messages show
// planned and attended hours: 180 → "3", 90 → "1.5", 719 → "12".
func FormatHours(minutes int) string {
	return strings.TrimSuffix(strconv.FormatFloat(float64(minutes)/60, 'f', 1, 64), ".0")
}

// ValidateSessions checks a timetable: at least one session; each starts before it ends, lasts
// from 30 minutes to 12 hours and stays within one day (China time); sessions do not overlap;
// each has a kind, a teacher among the class's teachers; a session without a venue is held at
// the class's venue. The result is sorted by start and numbered from 1.
func ValidateSessions(in []Session, venue int64, teachers []int64) ([]Session, error) {
	if len(in) == 0 {
		return nil, Errorf(Invalid, "class.no_sessions", "Add the sessions of the timetable: at least one.")
	}
	if len(in) > 500 {
		return nil, Errorf(Invalid, "class.too_many_sessions", "A class has at most 500 sessions.")
	}
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b Session) int { return a.Starts.Compare(b.Starts) })
	for i := range out {
		s := &out[i]
		s.Seq = i + 1
		if s.Starts.IsZero() || s.Ends.IsZero() || !s.Starts.Before(s.Ends) {
			return nil, Errorf(Invalid, "class.session_times", "Session %v must end after it starts.", s.Seq)
		}
		d := s.Ends.Sub(s.Starts)
		if d < 30*time.Minute || d > 12*time.Hour || s.Starts.In(ChinaTime).Format(time.DateOnly) != s.Ends.Add(-time.Nanosecond).In(ChinaTime).Format(time.DateOnly) {
			return nil, Errorf(Invalid, "class.session_length", "Session %v must last from 30 minutes to 12 hours, within one day.", s.Seq)
		}
		if s.Kind != SessionTheory && s.Kind != SessionPractice {
			return nil, Errorf(Invalid, "class.session_kind", "Say whether session %v is theory or practice.", s.Seq)
		}
		if s.VenueID == 0 {
			s.VenueID = venue
		}
		if !slices.Contains(teachers, s.TeacherID) {
			return nil, Errorf(Invalid, "class.session_teacher", "Session %v needs a teacher chosen among the class's teachers.", s.Seq)
		}
		if i > 0 && Overlaps(out[i-1].Starts, out[i-1].Ends, s.Starts, s.Ends) {
			return nil, Errorf(Invalid, "class.session_overlap", "Sessions %v and %v overlap: a class has one session at a time.", out[i-1].Seq, s.Seq)
		}
	}
	return out, nil
}

// FilingDeadline is the last moment a class may be filed on time: the end of the working day
// that lies lead working days before the day of its first session (SPEC §8: 3 working days).
func FilingDeadline(cal Calendar, firstSession time.Time, lead int) time.Time {
	day := civil(firstSession.In(ChinaTime))
	d := cal.AddWorkdays(day, -lead)
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, ChinaTime)
}

// FiledLate reports whether a filing made at `at` misses the deadline before firstSession.
func FiledLate(cal Calendar, firstSession, at time.Time, lead int) bool {
	return at.After(FilingDeadline(cal, firstSession, lead))
}

// WorkdaysLeft counts the working days from now until the deadline: positive while there is
// time, 0 on the deadline's own day, negative once it has passed.
func WorkdaysLeft(cal Calendar, now, deadline time.Time) int {
	return cal.WorkdaysBetween(now, deadline)
}

// ChangeStatus is the state of a change filing (变更备案) of an approved class.
type ChangeStatus string

// The states of a change filing.
const (
	ChangeFiled    ChangeStatus = "filed"
	ChangeApproved ChangeStatus = "approved"
	ChangeReturned ChangeStatus = "returned"
)

// ClassChange is a change filing: the new values of an approved class, reviewed again before
// they replace the old ones, which are kept beside them.
type ClassChange struct {
	ID           int64
	ClassID      int64
	Kind         ChangeKind // ChangeEdit or ChangeMakeUp
	Status       ChangeStatus
	Reason       string // why the institution changes the class
	Before       ClassInput
	After        ClassInput
	ReturnReason string
	FiledBy      int64
	FiledAt      time.Time
	DecidedBy    int64
	DecidedAt    time.Time
	Version      int64
}
