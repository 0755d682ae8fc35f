package xiangpei

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// 就业登记 and follow-up (SPEC §7): employment records from hires, self-reports, imported
// social-insurance contribution files or an officer's entry; follow-up of every completer at 3
// and 6 months; and the employment rate after training.

// EmploymentSource is where an employment record came from.
type EmploymentSource string

// The sources.
const (
	EmploymentHire      EmploymentSource = "hire"             // an application reached hired
	EmploymentSelf      EmploymentSource = "self_report"      // the person reported it
	EmploymentInsurance EmploymentSource = "insurance_import" // a social-insurance contribution file
	EmploymentOfficer   EmploymentSource = "officer"          // entered by an officer (e.g. after a follow-up call)
)

// EmploymentSources lists the sources.
var EmploymentSources = []EmploymentSource{EmploymentHire, EmploymentSelf, EmploymentInsurance, EmploymentOfficer}

// Valid reports whether s is a known source.
func (s EmploymentSource) Valid() bool { return slices.Contains(EmploymentSources, s) }

// VerifiedAtSource reports whether a record from this source is verified as it is made: a hire
// is confirmed by the employer, an insurance row by the fund, an officer's entry by the
// officer. A self-report waits for an officer (or a matching insurance row).
func (s EmploymentSource) VerifiedAtSource() bool { return s != EmploymentSelf }

// EmploymentRecord is one spell of employment of a person (就业登记).
type EmploymentRecord struct {
	ID            int64
	PersonID      int64
	EmployerID    int64 // 0 when the employer is not on the platform
	EmployerName  string
	CreditCode    string // 统一社会信用代码 of the employer
	Occupation    string
	County        string
	Source        EmploymentSource
	ApplicationID int64     // for a hire
	StartsOn      time.Time // first day (China date)
	EndsOn        time.Time // last day, zero while it lasts
	FullTime      bool
	Verified      bool
	// RejectedReason is why an officer found a self-report untrue; a rejected report stays
	// unverified for good (the person may report again).
	RejectedReason string
}

// Rejected reports whether an officer rejected the record (a self-report found untrue).
func (r EmploymentRecord) Rejected() bool { return r.RejectedReason != "" }

// Validate checks a record before it is stored.
func (r EmploymentRecord) Validate() error {
	switch {
	case r.PersonID == 0:
		return Errorf(Invalid, "employment.person_missing", "Say who is employed.")
	case !r.Source.Valid():
		return Errorf(Invalid, "employment.source", "Unknown source of the employment record.")
	case r.EmployerName == "" && r.CreditCode == "":
		return Errorf(Invalid, "employment.employer_missing", "Give the employer's name or credit code.")
	case r.StartsOn.IsZero():
		return Errorf(Invalid, "employment.start_missing", "Give the first day of work.")
	case !r.EndsOn.IsZero() && civil(r.EndsOn).Before(civil(r.StartsOn)):
		return Errorf(Invalid, "employment.ends_before_start", "The last day of work cannot be before the first.")
	}
	return nil
}

// AddMonths adds calendar months to the China date of t, clamping to the last day of a shorter
// month: 31 August + 6 months is 28 (or 29) February. The result is midnight China time.
func AddMonths(t time.Time, n int) time.Time {
	y, m, d := t.In(ChinaTime).Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, ChinaTime)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// FollowUp is one follow-up of a completer: at Month months after completion, due on Due.
type FollowUp struct {
	Month int
	Due   time.Time
}

// FollowUpMonths are the months after completion at which every completer is followed up.
var FollowUpMonths = []int{3, 6}

// FollowUpsFor returns the follow-ups of a completion on the given date.
func FollowUpsFor(completed time.Time) []FollowUp {
	out := make([]FollowUp, 0, len(FollowUpMonths))
	for _, m := range FollowUpMonths {
		out = append(out, FollowUp{Month: m, Due: AddMonths(completed, m)})
	}
	return out
}

// RateWindowMonths is the window of the employment rate: employed within 6 months.
const RateWindowMonths = 6

// Completion is one completer of a class, with the keys the rate is grouped by.
type Completion struct {
	PersonID    int64
	ClassID     int64
	Institution int64
	Occupation  string
	Program     string
	County      string
	KeyGroups   []string
	CompletedOn time.Time
}

// WindowEnd is the last day on which employment still counts for c: completion + 6 calendar
// months (clamped).
func (c Completion) WindowEnd() time.Time { return AddMonths(c.CompletedOn, RateWindowMonths) }

// WindowClosed reports whether the 6-month window of c has ended before the date of asOf, so
// that the completer belongs in a final figure.
func (c Completion) WindowClosed(asOf time.Time) bool { return civil(asOf).After(c.WindowEnd()) }

// EmployedWithin reports whether a verified record of the completer's person covers at least
// one day of the window [completion day, completion + 6 months]: it starts on or before the
// window's last day and has not ended before the completion day. Employment that began before
// the training and goes on after it counts (the person trained while employed); a job that
// ended before completion does not; a job starting on the window's last day counts, one
// starting the day after does not. Unverified records (self-reports not yet checked) do not
// count.
func (c Completion) EmployedWithin(records []EmploymentRecord) bool {
	from, to := civil(c.CompletedOn), c.WindowEnd()
	for _, r := range records {
		if r.PersonID != c.PersonID || !r.Verified {
			continue
		}
		if civil(r.StartsOn).After(to) {
			continue
		}
		if !r.EndsOn.IsZero() && civil(r.EndsOn).Before(from) {
			continue
		}
		return true
	}
	return false
}

// Rate is an employment rate: Employed of Completers. A person who completed two classes
// counts twice, once per completion: the rate is of completions.
type Rate struct {
	Completers int
	Employed   int
}

// BasisPoints is the rate in hundredths of a percent, rounded half up; 0 with no completers.
func (r Rate) BasisPoints() int {
	if r.Completers == 0 {
		return 0
	}
	return (r.Employed*20000 + r.Completers) / (2 * r.Completers)
}

// EmploymentRate is the employment rate of the completers given: how many were employed
// within 6 months (Completion.EmployedWithin). The caller chooses the cohort — usually the
// completions of one year whose window has closed.
func EmploymentRate(completers []Completion, records []EmploymentRecord) Rate {
	byPerson := map[int64][]EmploymentRecord{}
	for _, r := range records {
		byPerson[r.PersonID] = append(byPerson[r.PersonID], r)
	}
	var rate Rate
	for _, c := range completers {
		rate.Completers++
		if c.EmployedWithin(byPerson[c.PersonID]) {
			rate.Employed++
		}
	}
	return rate
}

// RateGroup is what the rate is broken down by.
type RateGroup string

// The groupings of SPEC §7.
const (
	ByClass       RateGroup = "class"
	ByInstitution RateGroup = "institution"
	ByOccupation  RateGroup = "occupation"
	ByProgram     RateGroup = "program"
	ByCounty      RateGroup = "county"
	ByKeyGroup    RateGroup = "key_group"
)

// RateGroups lists the groupings.
var RateGroups = []RateGroup{ByClass, ByInstitution, ByOccupation, ByProgram, ByCounty, ByKeyGroup}

// keys returns the group keys of c under g: one, except for key groups, where a completer in
// several groups counts in each and one in none counts in none.
func (g RateGroup) keys(c Completion) []string {
	switch g {
	case ByClass:
		return []string{itoa(c.ClassID)}
	case ByInstitution:
		return []string{itoa(c.Institution)}
	case ByOccupation:
		return []string{c.Occupation}
	case ByProgram:
		return []string{c.Program}
	case ByCounty:
		return []string{c.County}
	case ByKeyGroup:
		return c.KeyGroups
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// GroupRate is the rate of one group this year beside the same group's last year.
type GroupRate struct {
	Key       string
	This      Rate
	Last      Rate
	DeltaBP   int  // this year's basis points minus last year's
	MeetsGoal bool // the rise is at least RateGoalBP (only when last year had completers)
}

// RateGoalBP is the city's goal: the rate after training rises by 5 percentage points.
const RateGoalBP = 500

// CompareRates sets the change from last year to this one.
func CompareRates(key string, this, last Rate) GroupRate {
	g := GroupRate{Key: key, This: this, Last: last, DeltaBP: this.BasisPoints() - last.BasisPoints()}
	g.MeetsGoal = last.Completers > 0 && this.Completers > 0 && g.DeltaBP >= RateGoalBP
	return g
}

// EmploymentRatesBy breaks the rate down by g, for this year's cohort beside last year's, one
// row per key found in either year, sorted by key.
func EmploymentRatesBy(g RateGroup, this, last []Completion, records []EmploymentRecord) []GroupRate {
	split := func(cs []Completion) map[string][]Completion {
		m := map[string][]Completion{}
		for _, c := range cs {
			for _, k := range g.keys(c) {
				m[k] = append(m[k], c)
			}
		}
		return m
	}
	a, b := split(this), split(last)
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, cmp.Compare)
	out := make([]GroupRate, 0, len(keys))
	for _, k := range keys {
		out = append(out, CompareRates(k, EmploymentRate(a[k], records), EmploymentRate(b[k], records)))
	}
	return out
}
