package xiangpei

import (
	"testing"
	"time"
)

// TestSchoolRosterRow: the entry year and day of enrolment as schools write them, and the
// rule that the day falls in the entry year and has come.
func TestSchoolRosterRow(t *testing.T) {
	for in, want := range map[string]int{"2025": 2025, " 2024年": 2024, "2023级": 2023, "25": 0, "二〇二五": 0, "1999": 0} {
		y, ok := ParseEntryYear(in)
		if ok != (want != 0) || ok && y != want {
			t.Errorf("ParseEntryYear(%q) = %v %v", in, y, ok)
		}
	}
	for in, want := range map[string]string{"2025-09-01": "2025-09-01", "2025/9/1": "2025-09-01", "2025.9.1": "2025-09-01",
		"2025年9月1日": "2025-09-01", "20250901": "2025-09-01", "2025-09-01 00:00:00": "2025-09-01", "2025-13-01": "", "九月": ""} {
		d, ok := ParseEnrolDate(in)
		if ok != (want != "") || ok && ChinaDate(d) != want {
			t.Errorf("ParseEnrolDate(%q) = %v %v", in, d, ok)
		}
	}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, ChinaTime)
	day := func(s string) time.Time { d, _ := ParseEnrolDate(s); return d }
	for _, c := range []struct {
		year int
		on   string
		key  string
	}{{2026, "2026-09-01", ""}, {2026, "2026-03-01", ""}, {2025, "2026-09-01", "school_roster.date_year"},
		{2027, "2027-03-01", "school_roster.year_future"}, {2026, "2026-12-01", "school_roster.date_future"}} {
		err := CheckEnrolment(c.year, day(c.on), now)
		if c.key == "" && err != nil || c.key != "" && (err == nil || err.(*Error).Key != c.key) {
			t.Errorf("CheckEnrolment(%d, %s) = %v, want %q", c.year, c.on, err, c.key)
		}
	}
	if n, ok := PersonName(" 阿依古丽•买买提 "); !ok || n != "阿依古丽·买买提" {
		t.Errorf("PersonName: %q %v", n, ok)
	}
}
