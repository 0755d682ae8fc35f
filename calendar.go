package xiangpei

import (
	"slices"
	"time"
)

// ChinaTime is Asia/Shanghai without depending on the system's time-zone database: China has
// kept UTC+8 without daylight saving since 1991, so a fixed zone is exact for every date the
// platform handles.
var ChinaTime = time.FixedZone("CST", 8*3600)

// Calendar kinds, as stored in the reference data.
const (
	DayHoliday = "holiday" // a public holiday, a rest day even from Monday to Friday
	DayWorkday = "workday" // an adjusted working weekend (调休), a working day even on Saturday or Sunday
)

// Calendar is the working-day calendar: the published public holidays and adjusted working
// weekends of some years. A date it does not list follows the weekday rule: Monday to Friday
// work, Saturday and Sunday rest. Every deadline "in working days" is counted with it. The
// zero Calendar knows no schedule and applies the weekday rule throughout.
//
// Dates are taken in China Standard Time (Asia/Shanghai), whatever the location of the
// time.Time passed in.
type Calendar struct {
	workday map[string]bool // "2026-10-01" → false (holiday) or true (adjusted working day)
	years   []int           // years with a published schedule, sorted
}

// NewCalendar builds a calendar from its listed days, "2026-10-01" → "holiday" or "workday"
// (entries of another kind are ignored), and the years that have a published schedule.
func NewCalendar(days map[string]string, years []int) Calendar {
	c := Calendar{workday: make(map[string]bool, len(days))}
	for day, kind := range days {
		switch kind {
		case DayHoliday:
			c.workday[day] = false
		case DayWorkday:
			c.workday[day] = true
		}
	}
	c.years = slices.Clone(years)
	slices.Sort(c.years)
	c.years = slices.Compact(c.years)
	return c
}

// HasSchedule reports whether the year's holiday schedule has been entered. When it has not,
// the calendar falls back to the weekday rule for that year and the platform warns the
// administrator.
func (c Calendar) HasSchedule(year int) bool {
	_, ok := slices.BinarySearch(c.years, year)
	return ok
}

// Years returns the years with a published schedule, in order.
func (c Calendar) Years() []int { return slices.Clone(c.years) }

// IsWorkday reports whether the date of t (in China Standard Time) is a working day: a listed
// holiday is not, a listed adjusted working weekend is, any other date is one from Monday to
// Friday.
func (c Calendar) IsWorkday(t time.Time) bool {
	t = t.In(ChinaTime)
	if w, ok := c.workday[t.Format(time.DateOnly)]; ok {
		return w
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkdays returns the n-th working day after t (n > 0) or before t (n < 0), at the same
// time of day in China Standard Time; with n = 0 it returns t unchanged. Whether t itself is a
// working day does not matter: "3 working days after Wednesday 30 September 2026" is Saturday
// 10 October, an adjusted working day after the National Day holiday.
func (c Calendar) AddWorkdays(t time.Time, n int) time.Time {
	if n == 0 {
		return t
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	d := t.In(ChinaTime)
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// WorkdaysBetween counts the working days after the date of a up to and including the date of
// b. When b is before a it returns minus the number of working days from b up to but not
// including a, so that WorkdaysBetween(t, AddWorkdays(t, n)) == n for every n.
func (c Calendar) WorkdaysBetween(a, b time.Time) int {
	da, db := civil(a), civil(b)
	sign := 1
	if db.Before(da) {
		// Working days in [b, a) are those in (b-1, a-1].
		da, db, sign = db.AddDate(0, 0, -1), da.AddDate(0, 0, -1), -1
	}
	n := 0
	for d := da.AddDate(0, 0, 1); !d.After(db); d = d.AddDate(0, 0, 1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return sign * n
}

// civil is the start of t's date in China Standard Time.
func civil(t time.Time) time.Time {
	y, m, d := t.In(ChinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, ChinaTime)
}

// ChinaDate is the date of t in China time, "2026-10-01".
func ChinaDate(t time.Time) string { return t.In(ChinaTime).Format(time.DateOnly) }

// ChinaYear is the first instant of a calendar year in China and of the next, as UTC: the span
// every "in year Y" filter compares timestamps with.
func ChinaYear(year int) (from, to time.Time) {
	start := time.Date(year, 1, 1, 0, 0, 0, 0, ChinaTime)
	return start.UTC(), start.AddDate(1, 0, 0).UTC()
}
