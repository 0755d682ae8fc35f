package xiangpei

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"strconv"
	"time"
)

// 最低工资标准 — the minimum wage a posting's salary is checked against (SPEC §7). A province
// sets it in tiers (一类/二类/三类地区); each county belongs to one tier. The figures and the
// tier of each county are data (data/minimum_wage_tiers.csv, data/minimum_wage_counties.csv,
// sources in data/README.md), embedded here as the starting table the store copies.

// MinimumWage is the standard of one tier, in fen.
type MinimumWage struct {
	Province   string
	Tier       string // "1", "2", "3"
	Name       string // 一类地区
	MonthlyFen int64  // monthly standard, for full-time work
	HourlyFen  int64  // hourly standard, for part-time work (非全日制)
	DailyFen   int64  // daily standard when the table gives one; otherwise hourly × 8
	InForce    time.Time
}

// Daily is the daily standard: the table's, or hourly × 8.
func (w MinimumWage) Daily() int64 {
	if w.DailyFen > 0 {
		return w.DailyFen
	}
	return w.HourlyFen * 8
}

// For returns the standard in a salary unit; 0 for an unknown unit.
func (w MinimumWage) For(u SalaryUnit) int64 {
	switch u {
	case PerMonth:
		return w.MonthlyFen
	case PerDay:
		return w.Daily()
	case PerHour:
		return w.HourlyFen
	}
	return 0
}

// MinimumWageTable is the tiers of each version in force and the tier of each county.
type MinimumWageTable struct {
	Tiers    []MinimumWage     // every version of every tier
	Counties map[string]string // region code → tier
}

//go:embed data/minimum_wage_tiers.csv
var minimumWageTiersCSV []byte

//go:embed data/minimum_wage_counties.csv
var minimumWageCountiesCSV []byte

// HunanMinimumWage is the built-in table of Hunan.
var HunanMinimumWage = mustMinimumWage(minimumWageTiersCSV, minimumWageCountiesCSV)

func mustMinimumWage(tiers, counties []byte) MinimumWageTable {
	t, err := ParseMinimumWage(tiers, counties)
	if err != nil {
		panic(err)
	}
	return t
}

// ParseMinimumWage reads the two CSV files: tiers (province,tier,name,monthly_yuan,
// hourly_yuan,daily_yuan,in_force) and counties (code,name,tier). Every county's tier must be
// in the tiers file.
func ParseMinimumWage(tiers, counties []byte) (MinimumWageTable, error) {
	t := MinimumWageTable{Counties: map[string]string{}}
	rows, err := csv.NewReader(bytes.NewReader(tiers)).ReadAll()
	if err != nil || len(rows) < 2 {
		return t, Errorf(Invalid, "minimum_wage.csv", "The minimum-wage tiers file cannot be read: %v", err)
	}
	known := map[string]bool{}
	for i, r := range rows[1:] {
		if len(r) != 7 {
			return t, Errorf(Invalid, "minimum_wage.row", "Tiers row %d: expected 7 fields.", i+2)
		}
		w := MinimumWage{Province: r[0], Tier: r[1], Name: r[2]}
		var ok1, ok2, ok3 bool
		w.MonthlyFen, ok1 = ParseFen(r[3])
		w.HourlyFen, ok2 = ParseFen(r[4])
		ok3 = true
		if r[5] != "" {
			w.DailyFen, ok3 = ParseFen(r[5])
		}
		d, derr := time.ParseInLocation(time.DateOnly, r[6], ChinaTime)
		if !ok1 || !ok2 || !ok3 || derr != nil || w.MonthlyFen == 0 || w.HourlyFen == 0 {
			return t, Errorf(Invalid, "minimum_wage.row", "Tiers row %d: amounts or date not valid.", i+2)
		}
		w.InForce = d
		t.Tiers = append(t.Tiers, w)
		known[w.Tier] = true
	}
	rows, err = csv.NewReader(bytes.NewReader(counties)).ReadAll()
	if err != nil || len(rows) < 2 {
		return t, Errorf(Invalid, "minimum_wage.csv", "The minimum-wage counties file cannot be read: %v", err)
	}
	for i, r := range rows[1:] {
		if len(r) != 3 || len(r[0]) != 6 || !known[r[2]] {
			return t, Errorf(Invalid, "minimum_wage.county", "Counties row %d: a six-digit code and a known tier are needed.", i+2)
		}
		if _, err := strconv.Atoi(r[0]); err != nil {
			return t, Errorf(Invalid, "minimum_wage.county", "Counties row %d: the code is not numeric.", i+2)
		}
		t.Counties[r[0]] = r[2]
	}
	return t, nil
}

// For returns the standard in force on the date of at for a region code: the county's own
// tier, else its city's (code with the last two digits 00), else the province's. ok is false
// when no tier is known or no version was in force yet.
func (t MinimumWageTable) For(region string, at time.Time) (MinimumWage, bool) {
	tier, ok := t.Counties[region]
	if !ok && len(region) == 6 {
		if tier, ok = t.Counties[region[:4]+"00"]; !ok {
			tier, ok = t.Counties[region[:2]+"0000"]
		}
	}
	if !ok {
		return MinimumWage{}, false
	}
	var best MinimumWage
	found := false
	day := civil(at)
	for _, w := range t.Tiers {
		if w.Tier != tier || w.InForce.After(day) {
			continue
		}
		if !found || w.InForce.After(best.InForce) {
			best, found = w, true
		}
	}
	return best, found
}
