package xiangpei

import (
	"strconv"
	"strings"
	"time"
)

// 教 — a school's registry roster (学籍名册) imported from a spreadsheet (docs/schools.md, "Demo,
// roster import"): each row enrols a person at one of the school's majors. The rules of one
// row on its own live here; the store checks the row against the registry.

// PersonName checks and normalises a person's name as registration does: 2–30 Han characters
// or letters, with · between the parts of a foreign or minority name.
func PersonName(s string) (string, bool) { return regName(s) }

// ParseEntryYear reads 入学年份: a year like 2025 (also 2025年, or 2025级).
func ParseEntryYear(s string) (int, bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), "年"), "级")
	y, err := strconv.Atoi(s)
	return y, err == nil && y >= 2000 && y <= 2099
}

// ParseEnrolDate reads 入学日期 as schools write it: 2025-09-01, 2025/9/1, 2025.9.1,
// 2025年9月1日 or 20250901, with or without a time of day (a spreadsheet date cell becomes
// 2025-09-01 00:00:00).
func ParseEnrolDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if d, _, ok := strings.Cut(s, " "); ok {
		s = d
	}
	s = strings.NewReplacer("年", "-", "月", "-", "日", "", "/", "-", ".", "-").Replace(s)
	for _, layout := range []string{"2006-1-2", "20060102"} {
		if t, err := time.ParseInLocation(layout, s, ChinaTime); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// CheckEnrolment checks the entry year and the day of enrolment of a roster row: the day falls
// in the entry year (spring and autumn intakes alike) and is not after today.
func CheckEnrolment(year int, on, now time.Time) error {
	today := ChinaDate(now)
	switch {
	case year > now.In(ChinaTime).Year():
		return Errorf(Invalid, "school_roster.year_future", "The entry year %v is still to come.", year)
	case on.Year() != year:
		return Errorf(Invalid, "school_roster.date_year", "The day of enrolment %v is not in the entry year %v.", ChinaDate(on), year)
	case ChinaDate(on) > today:
		return Errorf(Invalid, "school_roster.date_future", "The day of enrolment %v is still to come.", ChinaDate(on))
	}
	return nil
}
