// Package seed loads the reference data every installation starts from, and the demo world.
package seed

import (
	"context"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"xiangpei"
	"xiangpei/internal/store"
)

// refData holds the platform's own copies of the reference files, so that nothing is read from
// outside the binary at run time.
//
//go:embed data
var refData embed.FS

// referenceActor is the system actor on whose behalf the reference data is loaded.
var referenceActor = xiangpei.Actor{Name: "system"}

// Reference loads the reference data (regions, occupations, skill levels, key groups, sectors,
// special actions, the working-day calendar) into empty tables; rows already present are kept,
// so running it again changes nothing and an administrator's corrections survive. Everything
// is loaded in one transaction with one audit entry that counts the rows of each table filled.
func Reference(ctx context.Context, db *store.DB) error {
	d, err := ReferenceData()
	if err != nil {
		return err
	}
	return db.Tx(ctx, referenceActor, func(tx *store.Tx) error {
		counts, err := tx.LoadReference(d)
		if err != nil || len(counts) == 0 {
			return err
		}
		return tx.Audit("reference.seed", "reference", "all", "", counts)
	})
}

// ReferenceData returns the reference data the platform ships with.
func ReferenceData() (store.ReferenceData, error) {
	var d store.ReferenceData
	var err error
	if d.Regions, err = refRegions(); err != nil {
		return d, err
	}
	if d.Occupations, err = refOccupations(); err != nil {
		return d, err
	}
	if d.Calendar, err = refCalendar(); err != nil {
		return d, err
	}
	d.SkillLevels = slices.Clone(refSkillLevels)
	d.KeyGroups = slices.Clone(refKeyGroups)
	d.Sectors = slices.Clone(refSectors)
	d.SpecialActions = slices.Clone(refSpecialActions2026)
	return d, nil
}

// readRefCSV reads an embedded CSV file, checks its header and returns the records after it.
func readRefCSV(name string, header ...string) ([][]string, error) {
	f, err := refData.Open("data/" + name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(header)
	var out [][]string
	for first := true; ; first = false {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if first {
			if !slices.Equal(rec, header) {
				return nil, fmt.Errorf("%s: header %v, want %v", name, rec, header)
			}
			continue
		}
		out = append(out, rec)
	}
}

func refRegions() ([]store.Region, error) {
	recs, err := readRefCSV("regions-hunan.csv", "code", "name", "level", "parent")
	if err != nil {
		return nil, err
	}
	out := make([]store.Region, 0, len(recs))
	for _, r := range recs {
		if len(r[0]) != 6 || xiangpei.RegionLevel(r[0]) != r[2] {
			return nil, fmt.Errorf("regions-hunan.csv: region %v is not a %v code", r[0], r[2])
		}
		out = append(out, store.Region{Code: r[0], Name: r[1], Level: r[2], Parent: r[3]})
	}
	return out, nil
}

func refOccupations() ([]store.Occupation, error) {
	recs, err := readRefCSV("occupations-2022.csv", "code", "gbm", "name", "depth", "parent")
	if err != nil {
		return nil, err
	}
	out := make([]store.Occupation, 0, len(recs))
	for _, r := range recs {
		depth, err := strconv.Atoi(r[3])
		if err != nil || depth < 1 || depth > 4 || strings.Count(r[0], "-") != depth-1 {
			return nil, fmt.Errorf("occupations-2022.csv: %v has depth %q", r[0], r[3])
		}
		o := store.Occupation{Code: r[0], GBM: r[1], Name: r[2], Depth: depth, Parent: r[4], Edition: "2022"}
		if depth == 4 {
			o.Levels = store.DefaultOccupationLevels
		}
		out = append(out, o)
	}
	return out, nil
}

func refCalendar() ([]store.CalendarDay, error) {
	recs, err := readRefCSV("calendar-2026.csv", "date", "kind", "name")
	if err != nil {
		return nil, err
	}
	out := make([]store.CalendarDay, 0, len(recs))
	for _, r := range recs {
		if r[1] != xiangpei.DayHoliday && r[1] != xiangpei.DayWorkday {
			return nil, fmt.Errorf("calendar-2026.csv: %v has kind %q", r[0], r[1])
		}
		out = append(out, store.CalendarDay{Day: r[0], Kind: r[1], Name: r[2]})
	}
	return out, nil
}

var refSkillLevels = []store.SkillLevel{
	{Code: "5", NameZh: "五级/初级工", NameEn: "Level 5 / Entry", Rank: 1},
	{Code: "4", NameZh: "四级/中级工", NameEn: "Level 4 / Intermediate", Rank: 2},
	{Code: "3", NameZh: "三级/高级工", NameEn: "Level 3 / Advanced", Rank: 3},
	{Code: "2", NameZh: "二级/技师", NameEn: "Level 2 / Technician", Rank: 4},
	{Code: "1", NameZh: "一级/高级技师", NameEn: "Level 1 / Senior technician", Rank: 5},
	{Code: "special", NameZh: "专项职业能力", NameEn: "Special vocational ability", Rank: 6},
	{Code: "completion", NameZh: "培训合格", NameEn: "Training completion (no level)", Rank: 7},
}

var refKeyGroups = []store.KeyGroup{
	{Code: "migrant", NameZh: "农民工", NameEn: "Migrant workers", DetailZh: "户籍地", DetailEn: "place of household registration"},
	{Code: "graduate", NameZh: "高校毕业生", NameEn: "College graduates", DetailZh: "毕业年份", DetailEn: "graduation year"},
	{Code: "veteran", NameZh: "退役军人", NameEn: "Veterans", DetailZh: "退役证号", DetailEn: "discharge certificate number", Sensitive: true},
	{Code: "disabled", NameZh: "残疾人", NameEn: "Disabled people", DetailZh: "残疾人证号", DetailEn: "disability certificate number", Sensitive: true},
	{Code: "unemployed", NameZh: "登记失业人员", NameEn: "Registered unemployed people", DetailZh: "就业创业证号", DetailEn: "employment and entrepreneurship certificate number"},
	{Code: "poverty", NameZh: "脱贫人口", NameEn: "People lifted out of poverty"},
}

var refSectors = []store.Sector{
	{Code: "advanced_manufacturing", NameZh: "先进制造业", NameEn: "Advanced manufacturing"},
	{Code: "digital_economy", NameZh: "数字经济", NameEn: "Digital economy"},
	{Code: "low_altitude", NameZh: "低空经济", NameEn: "Low-altitude economy"},
	{Code: "transport", NameZh: "交通运输", NameEn: "Transport"},
	{Code: "agriculture", NameZh: "农业农村", NameEn: "Agriculture and rural affairs"},
	{Code: "life_services", NameZh: "生活服务", NameEn: "Life services"},
}

var refSpecialActions2026 = []store.SpecialAction{
	{Year: 2026, Code: "migrant_skills", NameZh: "农民工技能帮扶", NameEn: "Skills support for migrant workers"},
	{Year: 2026, Code: "graduate_skills", NameZh: "高校毕业生技能提升", NameEn: "Skills upgrading for college graduates"},
	{Year: 2026, Code: "excellent_technician", NameZh: "高技能人才卓越技师培训", NameEn: "Excellent-technician training for highly skilled workers"},
	{Year: 2026, Code: "malanhua", NameZh: "“马兰花”创业培训", NameEn: "\"Malanhua\" entrepreneurship training"},
	{Year: 2026, Code: "new_occupations", NameZh: "新职业技能培训", NameEn: "Skills training for new occupations"},
	{Year: 2026, Code: "rural_revitalization", NameZh: "乡村振兴技能培训", NameEn: "Skills training for rural revitalisation"},
	{Year: 2026, Code: "veteran_skills", NameZh: "退役军人技能培训", NameEn: "Skills training for veterans"},
	{Year: 2026, Code: "elderly_care", NameZh: "康养照护技能培训", NameEn: "Elderly-care and health-care skills training"},
	{Year: 2026, Code: "digital_skills", NameZh: "数字技能提升行动", NameEn: "Digital skills upgrading action"},
}
