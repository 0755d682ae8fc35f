package xiangpei

import (
	"slices"
	"time"
)

// 培 — change filings (变更备案, SPEC §4.2) and make-up sessions (补课, SPEC §4.4). After approval
// a class changes only through a change filing that the county reviews again; the old and new
// values are kept side by side for ever. A make-up filing is a change filing that only adds
// sessions marked MakeUp to a class that has started.

// ChangeKind tells a change filing from a make-up filing.
type ChangeKind string

// The kinds of change filing.
const (
	ChangeEdit   ChangeKind = "change" // new values for any part of the filing
	ChangeMakeUp ChangeKind = "makeup" // only adds make-up sessions
)

// ChangeKinds lists the kinds of change filing.
var ChangeKinds = []ChangeKind{ChangeEdit, ChangeMakeUp}

// Valid reports whether k is a known kind.
func (k ChangeKind) Valid() bool { return slices.Contains(ChangeKinds, k) }

// ChangeStatuses lists the states of a change filing.
var ChangeStatuses = []ChangeStatus{ChangeFiled, ChangeApproved, ChangeReturned}

// Next returns the state a county officer's decision leads to: a filed change is approved
// (ClassApprove) or returned (ClassReturn); a change already decided stays as it is (Conflict).
func (st ChangeStatus) Next(a ClassAction) (ChangeStatus, error) {
	if a != ClassApprove && a != ClassReturn {
		return st, Errorf(Invalid, "class.unknown_action", "There is no such action on a class.")
	}
	if st != ChangeFiled {
		return st, Errorf(Conflict, "class.change_decided", "This change filing has already been decided: reload the page to see the decision.")
	}
	if a == ClassApprove {
		return ChangeApproved, nil
	}
	return ChangeReturned, nil
}

// CanFileChange reports whether the institution may file a change of this kind for a class in
// state st: a change while the class is approved or in progress, make-up sessions only once it
// has started (and until it is closed).
func (st ClassStatus) CanFileChange(k ChangeKind) bool {
	switch k {
	case ChangeEdit:
		return st == ClassApproved || st == ClassInProgress
	case ChangeMakeUp:
		return st == ClassInProgress
	}
	return false
}

// RegularEnd is the end of the class's last session that is not a make-up session: the
// moment from which the make-up window is counted, so that one make-up does not stretch the
// window for the next.
func (c Class) RegularEnd() time.Time {
	var end time.Time
	for _, s := range c.Sessions {
		if !s.MakeUp && s.Ends.After(end) {
			end = s.Ends
		}
	}
	if end.IsZero() {
		return c.LastSession
	}
	return end
}

// MakeUpDeadline is the latest moment a make-up session may end: MakeUpDays (60) days after
// the end of the class's last regular session.
func (c Class) MakeUpDeadline(r Rules) time.Time {
	return c.RegularEnd().AddDate(0, 0, r.MakeUpDays)
}

// CheckMakeUp checks the sessions a make-up filing adds at `now`: the class has started, at
// least one session, each in the future and ending within the make-up window. The sessions
// come back marked MakeUp and without ids; the timetable as a whole (no overlap, teachers of
// the class) is checked when they are added to it.
func CheckMakeUp(c Class, added []Session, now time.Time, r Rules) ([]Session, error) {
	if !c.Status.CanFileChange(ChangeMakeUp) {
		return nil, Errorf(Conflict, "class.makeup_state", "Make-up sessions are filed once the class has started and until it is closed.")
	}
	if len(added) == 0 {
		return nil, Errorf(Invalid, "class.makeup_none", "Add at least one make-up session: its date, start and end.")
	}
	deadline := c.MakeUpDeadline(r)
	out := make([]Session, len(added))
	for i, s := range added {
		s.ID, s.ClassID, s.MakeUp = 0, c.ID, true
		if !s.Starts.IsZero() && !s.Starts.After(now) {
			return nil, Errorf(Invalid, "class.makeup_past", "A make-up session is filed before it takes place: the session on %v has already begun.",
				s.Starts.In(ChinaTime).Format("2006-01-02 15:04"))
		}
		if s.Ends.After(deadline) {
			return nil, Errorf(Invalid, "class.makeup_window", "Make-up sessions must end within %v days of the class's last session, by %v.",
				r.MakeUpDays, deadline.In(ChinaTime).Format("2006-01-02"))
		}
		out[i] = s
	}
	return out, nil
}

// SameSession reports whether two sessions are the same in everything a person plans by:
// time, kind, venue, teacher and whether it is a make-up.
func SameSession(a, b Session) bool {
	return a.Starts.Equal(b.Starts) && a.Ends.Equal(b.Ends) && a.Kind == b.Kind && a.VenueID == b.VenueID &&
		a.TeacherID == b.TeacherID && a.MakeUp == b.MakeUp
}

// The fields of a filing, as ChangedFields names them.
const (
	FieldName          = "name"
	FieldOccupation    = "occupation"
	FieldLevel         = "level"
	FieldSpecialAction = "special_action"
	FieldFunding       = "funding"
	FieldKeyGroups     = "key_groups"
	FieldSector        = "sector"
	FieldTheoryHours   = "theory_hours"
	FieldPracticeHours = "practice_hours"
	FieldVenue         = "venue"
	FieldTeachers      = "teachers"
	FieldCapacity      = "capacity"
	FieldSelfEnrol     = "self_enrol"
	FieldSessions      = "sessions"
)

// ClassFields lists the fields of a filing in the order a page shows them.
var ClassFields = []string{FieldName, FieldOccupation, FieldLevel, FieldSpecialAction, FieldFunding, FieldKeyGroups,
	FieldSector, FieldTheoryHours, FieldPracticeHours, FieldVenue, FieldTeachers, FieldCapacity, FieldSelfEnrol, FieldSessions}

// ChangedFields names the fields whose values differ between two filings, in ClassFields
// order. Lists (key groups, teachers) are compared as sets; timetables session by session in
// time order.
func ChangedFields(a, b ClassInput) []string {
	sorted := func(x []string) []string { x = slices.Clone(x); slices.Sort(x); return slices.Compact(x) }
	sortedIDs := func(x []int64) []int64 { x = slices.Clone(x); slices.Sort(x); return slices.Compact(x) }
	sameSessions := func(x, y []Session) bool {
		if len(x) != len(y) {
			return false
		}
		x, y = slices.Clone(x), slices.Clone(y)
		byStart := func(p, q Session) int { return p.Starts.Compare(q.Starts) }
		slices.SortFunc(x, byStart)
		slices.SortFunc(y, byStart)
		for i := range x {
			if !SameSession(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	diff := map[string]bool{
		FieldName:          a.Name != b.Name,
		FieldOccupation:    a.OccupationCode != b.OccupationCode,
		FieldLevel:         a.Level != b.Level,
		FieldSpecialAction: a.SpecialAction != b.SpecialAction,
		FieldFunding:       a.Funding != b.Funding,
		FieldKeyGroups:     !slices.Equal(sorted(a.KeyGroups), sorted(b.KeyGroups)),
		FieldSector:        a.Sector != b.Sector,
		FieldTheoryHours:   a.TheoryHours != b.TheoryHours,
		FieldPracticeHours: a.PracticeHours != b.PracticeHours,
		FieldVenue:         a.VenueID != b.VenueID,
		FieldTeachers:      !slices.Equal(sortedIDs(a.TeacherIDs), sortedIDs(b.TeacherIDs)),
		FieldCapacity:      a.Capacity != b.Capacity,
		FieldSelfEnrol:     a.SelfEnrol != b.SelfEnrol,
		FieldSessions:      !sameSessions(a.Sessions, b.Sessions),
	}
	var out []string
	for _, f := range ClassFields {
		if diff[f] {
			out = append(out, f)
		}
	}
	return out
}

// EarliestChange is the start of the earliest session of after that is new or different from
// every session of before; zero when the timetable is unchanged. The review queue measures the
// lead time of a change filing from it.
func EarliestChange(before, after []Session) time.Time {
	var first time.Time
	for _, a := range after {
		if slices.ContainsFunc(before, func(b Session) bool { return SameSession(a, b) }) {
			continue
		}
		if first.IsZero() || a.Starts.Before(first) {
			first = a.Starts
		}
	}
	return first
}
