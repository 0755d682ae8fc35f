package xiangpei

import (
	"errors"
	"slices"
	"strings"
	"time"
)

// 培 — who may join a class (SPEC §4.3 with the defaults of §8). The rules are checked when a
// person is put on a roster — added by the institution, imported from a file, or enrolling
// themselves — so that nobody is trained for a subsidy that could never be paid, and the person
// is told before joining. Every reason is reported, not only the first.

// Applicant is someone asking to join a class: what was typed (an import row, the add form)
// and what the registry knows about the ID number.
type Applicant struct {
	IDNumber  string   // as typed, or the registry's
	Name      string   // as typed; "" uses the registry's name (self-enrolment)
	Person    *Person  // the registry entry of the ID number; nil when it is not registered yet
	KeyGroups []string // key groups the registry records for the person
}

// OtherTraining is another roster row of the same person, with what the rules need of its
// class. Sessions need hold only those that may overlap the class being joined.
type OtherTraining struct {
	ClassID        int64
	OccupationCode string
	Level          string
	Subsidised     bool
	Status         TraineeStatus
	ClassStatus    ClassStatus
	Year           int       // calendar year (China time) of the class's first session
	Starts         time.Time // the class's first session
	Sessions       []Session
}

// countsAsSubsidy reports whether a training counts against the person's subsidies: a
// subsidised class, not cancelled, on whose roster the person is enrolled or which they
// completed. Until subsidy claims exist (issue 5) that is the best knowledge of "subsidised":
// an enrolled trainee will be claimed for, a completed one has been or will be; a trainee who
// withdrew or did not complete cannot be claimed for and so does not count.
func (o OtherTraining) countsAsSubsidy() bool {
	return o.Subsidised && o.ClassStatus != ClassCancelled &&
		(o.Status == TraineeEnrolled || o.Status == TraineeCompleted)
}

// occupies reports whether the training still holds the person's time: not withdrawn, and
// its class not cancelled.
func (o OtherTraining) occupies() bool {
	return o.Status != TraineeWithdrawn && o.ClassStatus != ClassCancelled
}

// levelRank orders graded skill levels: "5" (五级/初级工) is 1, the lowest, … "1" (一级/高级
// 技师) is 5, the highest. Special vocational ability and completion-only training are not
// graded (0).
func levelRank(level string) int {
	if len(level) == 1 && level[0] >= '1' && level[0] <= '5' {
		return int('6' - level[0])
	}
	return 0
}

// Eligibility returns every reason why the applicant cannot join class c, given the rules,
// today's date (for the ID number's birth date) and the person's other trainings; none when
// they may. The rules, in the order reported:
//
//   - the ID number is valid (an import row may carry a wrong one); without one nothing else
//     can be judged;
//   - the name is well formed and, for a registered person, the registry's name;
//   - age within the labour age (16–60) on the day of the class's first session;
//   - no other training (not withdrawn, class not cancelled) whose sessions overlap this
//     class's in time — sessions that only touch end to start do not overlap;
//   - for a subsidised class only: fewer than 3 subsidised trainings in the calendar year of the
//     class's start; never the same occupation and level subsidised before; never a lower level
//     of an occupation after a higher one (a training at a higher level that starts before this
//     class); and, where the class targets key groups, membership of one of them.
//
// A self-funded class skips the subsidy rules.
func Eligibility(r Rules, today time.Time, a Applicant, c Class, others []OtherTraining) []*Error {
	var out []*Error
	id, err := ParseIDNumber(a.IDNumber, today)
	if err != nil {
		out = append(out, Reasons(err)...)
		if a.Name != "" {
			if _, ok := regName(a.Name); !ok {
				out = append(out, errPersonName())
			}
		}
		return out
	}
	if a.Person != nil {
		id = a.Person.IDNumber
	}
	if a.Name != "" || a.Person == nil {
		name, ok := regName(a.Name)
		switch {
		case !ok:
			out = append(out, errPersonName())
		case a.Person != nil && name != a.Person.Name:
			out = append(out, Errorf(Invalid, "roster.name_mismatch", "The name does not match the name registered for this ID number. Check both against the ID card."))
		}
	}
	if !c.FirstSession.IsZero() {
		day := c.FirstSession.In(ChinaTime)
		if age := id.AgeOn(day); age < r.LabourAgeMin || age > r.LabourAgeMax {
			out = append(out, Errorf(Conflict, "roster.age", "On the class's first day, %v, this person is %v years old; training is for people of labour age, %v to %v.",
				day.Format(time.DateOnly), age, r.LabourAgeMin, r.LabourAgeMax))
		}
	}
	for _, o := range others {
		if o.ClassID == c.ID || !o.occupies() {
			continue
		}
		if s, ok := overlapping(c.Sessions, o.Sessions); ok {
			out = append(out, Errorf(Conflict, "roster.overlap", "This person is already in another class with a session at the same time as this class's session of %v.",
				sessionWindow(s)))
		}
	}
	if !c.Subsidised() {
		return out
	}
	year := c.FirstSession.In(ChinaTime).Year()
	count := 0
	var same, higher *OtherTraining
	for i := range others {
		o := &others[i]
		if o.ClassID == c.ID || !o.countsAsSubsidy() {
			continue
		}
		if o.Year == year {
			count++
		}
		if o.OccupationCode != c.OccupationCode {
			continue
		}
		if o.Level == c.Level && same == nil {
			same = o
		}
		if rc, ro := levelRank(c.Level), levelRank(o.Level); rc > 0 && ro > rc && o.Starts.Before(c.FirstSession) && higher == nil {
			higher = o
		}
	}
	if count >= r.YearlySubsidies {
		out = append(out, Errorf(Conflict, "roster.yearly_cap", "This person already has %v subsidised trainings in %v; at most %v a year are subsidised.",
			count, year, r.YearlySubsidies))
	}
	if same != nil {
		out = append(out, Errorf(Conflict, "roster.same_level", "This person has already been subsidised for this occupation at this level (in %v); the same occupation and level is subsidised only once.",
			same.Year))
	}
	if higher != nil {
		out = append(out, Errorf(Conflict, "roster.lower_level", "This person has already been subsidised for this occupation at the higher level %v; a lower level after a higher one is not subsidised.",
			higher.Level))
	}
	if len(c.KeyGroups) > 0 && !slices.ContainsFunc(a.KeyGroups, c.Targets) {
		out = append(out, Errorf(Conflict, "roster.key_group", "This class is only for the key groups it targets, and the registry does not record this person in any of them. The county bureau can record a key group with its evidence."))
	}
	return out
}

func errPersonName() *Error {
	return Errorf(Invalid, "person.name", "Give the full name as written on the ID card: 2 to 30 Chinese characters or letters, with · between the parts of a foreign or minority name.")
}

// overlapping returns the first session of mine that overlaps one of theirs.
func overlapping(mine, theirs []Session) (Session, bool) {
	for _, s := range mine {
		for _, o := range theirs {
			if Overlaps(s.Starts, s.Ends, o.Starts, o.Ends) {
				return s, true
			}
		}
	}
	return Session{}, false
}

// sessionWindow writes a session's window in China time: 2026-11-16 09:00–12:00.
func sessionWindow(s Session) string {
	return s.Starts.In(ChinaTime).Format("2006-01-02 15:04") + "–" + s.Ends.In(ChinaTime).Format("15:04")
}

// Ineligible is a refused enrolment with every reason. As an error it reads as the reasons
// joined; errors.As finds the first reason, so a generic error page still shows a true one.
type Ineligible []*Error

func (e Ineligible) Error() string {
	texts := make([]string, len(e))
	for i, x := range e {
		texts[i] = x.Error()
	}
	return strings.Join(texts, " ")
}

// Unwrap gives the reasons to errors.Is and errors.As.
func (e Ineligible) Unwrap() []error {
	out := make([]error, len(e))
	for i, x := range e {
		out[i] = x
	}
	return out
}

// Reasons returns the reasons of a refused enrolment: every reason of an Ineligible, the error
// itself for any other domain error, nil for an error that is not one.
func Reasons(err error) []*Error {
	var in Ineligible
	if errors.As(err, &in) {
		return in
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return nil
}

// EnrolUntil is the last moment a person may join the class: the start of the latest session
// from which the sessions left still add up to the attendance rate needed for completion, so
// that a late joiner can still complete. With the default 80% a class of ten equal sessions
// takes trainees until its third session starts. Make-up sessions (补课) are not part of the
// plan and do not count. A class without sessions has no such moment.
func (c Class) EnrolUntil(r Rules) time.Time {
	total := c.PlannedMinutes()
	if len(c.Sessions) == 0 || total == 0 {
		return time.Time{}
	}
	until := time.Time{}
	left := total
	for _, s := range c.Sessions {
		if s.MakeUp {
			continue // make-up sessions are for those who missed one, not part of the plan
		}
		if until.IsZero() || left*100 >= r.AttendancePct*total {
			until = s.Starts
		}
		left -= s.Minutes()
	}
	return until
}

// CheckOpen reports whether the class takes trainees at `now`: from its draft until it is
// closed or cancelled, and only until EnrolUntil.
func (c Class) CheckOpen(now time.Time, r Rules) error {
	switch c.Status {
	case ClassDraft, ClassFiled, ClassReturned, ClassApproved, ClassInProgress:
	default:
		return Errorf(Conflict, "roster.closed", "This class no longer takes trainees.")
	}
	if until := c.EnrolUntil(r); !until.IsZero() && !now.Before(until) {
		return Errorf(Conflict, "roster.too_late", "It is too late to join this class: whoever joins now could no longer attend the %v%% of its hours needed to complete it.",
			r.AttendancePct)
	}
	return nil
}
