package xiangpei

import (
	"testing"
	"time"
)

// calendar2026 is the State Council's 2026 schedule, as in calendar-2026.csv.
func calendar2026() Calendar {
	days := map[string]string{}
	for _, d := range []string{"2026-01-01", "2026-01-02", "2026-01-03",
		"2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
		"2026-04-04", "2026-04-05", "2026-04-06",
		"2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
		"2026-06-19", "2026-06-20", "2026-06-21",
		"2026-09-25", "2026-09-26", "2026-09-27",
		"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"} {
		days[d] = DayHoliday
	}
	for _, d := range []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"} {
		days[d] = DayWorkday
	}
	return NewCalendar(days, []int{2026})
}

var cst = time.FixedZone("CST", 8*3600)

// day parses a date at 09:30 China Standard Time.
func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, cst)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(9*time.Hour + 30*time.Minute)
}

func TestCalendarIsWorkday(t *testing.T) {
	c := calendar2026()
	cases := []struct {
		day  string
		want bool
		why  string
	}{
		{"2026-09-30", true, "Wednesday before National Day"},
		{"2026-10-01", false, "National Day (Thursday)"},
		{"2026-10-05", false, "National Day holiday (Monday)"},
		{"2026-10-07", false, "last day of the National Day holiday"},
		{"2026-10-08", true, "Thursday after the holiday"},
		{"2026-10-10", true, "adjusted working Saturday"},
		{"2026-10-11", false, "ordinary Sunday"},
		{"2026-09-20", true, "adjusted working Sunday"},
		{"2026-09-25", false, "Mid-Autumn Festival (Friday)"},
		{"2026-02-14", true, "Spring Festival adjusted working Saturday"},
		{"2026-02-16", false, "Spring Festival (Monday)"},
		{"2026-02-28", true, "Spring Festival adjusted working Saturday"},
		{"2026-01-04", true, "New Year adjusted working Sunday"},
		{"2026-05-09", true, "Labour Day adjusted working Saturday"},
		{"2026-03-02", true, "ordinary Monday"},
		{"2026-03-07", false, "ordinary Saturday"},
		{"2027-10-01", true, "no 2027 schedule: a Friday is a working day"},
		{"2027-10-02", false, "no 2027 schedule: a Saturday is a rest day"},
	}
	for _, tc := range cases {
		if got := c.IsWorkday(day(t, tc.day)); got != tc.want {
			t.Errorf("IsWorkday(%s) = %v, want %v (%s)", tc.day, got, tc.want, tc.why)
		}
	}
}

func TestCalendarTimeZone(t *testing.T) {
	c := calendar2026()
	// 2026-09-30 17:00 UTC is already 1 October (a holiday) in Hunan.
	if c.IsWorkday(time.Date(2026, 9, 30, 17, 0, 0, 0, time.UTC)) {
		t.Error("01:00 CST on 1 October counted as a working day")
	}
	// 2026-10-07 15:59 UTC is still 7 October (a holiday) in Hunan; 16:00 UTC is 8 October.
	if c.IsWorkday(time.Date(2026, 10, 7, 15, 59, 0, 0, time.UTC)) {
		t.Error("23:59 CST on 7 October counted as a working day")
	}
	if !c.IsWorkday(time.Date(2026, 10, 7, 16, 0, 0, 0, time.UTC)) {
		t.Error("00:00 CST on 8 October counted as a rest day")
	}
}

func TestCalendarAddWorkdays(t *testing.T) {
	c := calendar2026()
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2026-09-30", 0, "2026-09-30"},
		{"2026-09-30", 1, "2026-10-08"},
		{"2026-09-30", 2, "2026-10-09"},
		{"2026-09-30", 3, "2026-10-10"}, // the adjusted working Saturday
		{"2026-09-30", 4, "2026-10-12"},
		{"2026-10-01", 1, "2026-10-08"}, // from inside the holiday
		{"2026-09-18", 1, "2026-09-20"}, // Friday → adjusted working Sunday
		{"2026-09-24", 1, "2026-09-28"}, // over Mid-Autumn (Fri–Sun)
		{"2026-02-13", 1, "2026-02-14"},
		{"2026-02-13", 2, "2026-02-24"},
		{"2026-12-31", 1, "2027-01-01"}, // no 2027 schedule: weekday rule
		{"2026-10-08", -1, "2026-09-30"},
		{"2026-10-12", -3, "2026-10-08"},
		{"2026-10-12", -4, "2026-09-30"},
		{"2026-09-21", -1, "2026-09-20"},
		{"2026-02-24", -1, "2026-02-14"},
	}
	for _, tc := range cases {
		from := day(t, tc.from)
		got := c.AddWorkdays(from, tc.n)
		if g := got.In(cst).Format(time.DateOnly); g != tc.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, g, tc.want)
		}
		if tc.n != 0 && !got.Equal(day(t, tc.want)) {
			t.Errorf("AddWorkdays(%s, %d) = %v, want 09:30 CST kept", tc.from, tc.n, got)
		}
	}
}

func TestCalendarWorkdaysBetween(t *testing.T) {
	c := calendar2026()
	cases := []struct {
		a, b string
		want int
	}{
		{"2026-09-30", "2026-09-30", 0},
		{"2026-09-30", "2026-10-07", 0},
		{"2026-09-30", "2026-10-10", 3},
		{"2026-09-30", "2026-10-11", 3},
		{"2026-09-28", "2026-10-09", 4}, // 29, 30 Sep; 8, 9 Oct
		{"2026-09-01", "2026-09-30", 21},
		{"2026-10-10", "2026-09-30", -3},
		{"2026-10-11", "2026-09-30", -4},  // 30 Sep, 8, 9, 10 Oct
		{"2026-01-01", "2026-12-31", 248}, // 261 weekdays − 19 weekday holidays + 6 adjusted working days
	}
	for _, tc := range cases {
		if got := c.WorkdaysBetween(day(t, tc.a), day(t, tc.b)); got != tc.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// WorkdaysBetween undoes AddWorkdays for every start day of 2026 and every n within a month.
func TestCalendarInverse(t *testing.T) {
	c := calendar2026()
	start := day(t, "2026-01-01")
	for i := 0; i < 365; i++ {
		from := start.AddDate(0, 0, i)
		for n := -25; n <= 25; n++ {
			to := c.AddWorkdays(from, n)
			if n != 0 && !c.IsWorkday(to) {
				t.Fatalf("AddWorkdays(%s, %d) = %s, not a working day", from.Format(time.DateOnly), n, to.Format(time.DateOnly))
			}
			if got := c.WorkdaysBetween(from, to); got != n {
				t.Fatalf("WorkdaysBetween(%s, AddWorkdays(_, %d)) = %d", from.Format(time.DateOnly), n, got)
			}
		}
	}
}

func TestCalendarSchedule(t *testing.T) {
	c := NewCalendar(map[string]string{"2026-10-01": DayHoliday, "2026-10-10": "weird"}, []int{2027, 2026, 2026})
	if !c.HasSchedule(2026) || !c.HasSchedule(2027) || c.HasSchedule(2025) {
		t.Errorf("HasSchedule wrong for years %v", c.Years())
	}
	if got := c.Years(); len(got) != 2 || got[0] != 2026 || got[1] != 2027 {
		t.Errorf("Years() = %v", got)
	}
	if c.IsWorkday(day(t, "2026-10-10")) {
		t.Error("an unknown kind must be ignored: 10 October 2026 is a Saturday")
	}
	var zero Calendar
	if zero.HasSchedule(2026) || !zero.IsWorkday(day(t, "2026-10-01")) || zero.IsWorkday(day(t, "2026-10-10")) {
		t.Error("the zero Calendar must follow the weekday rule")
	}
	if got := zero.AddWorkdays(day(t, "2026-10-02"), 1); got.Format(time.DateOnly) != "2026-10-05" {
		t.Errorf("zero Calendar: Friday + 1 working day = %s", got.Format(time.DateOnly))
	}
}
