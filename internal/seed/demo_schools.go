package seed

import (
	"fmt"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// 教 in the demo (docs/schools.md, "Demo, roster import"): two technical schools of 株洲 — the
// demo's 株洲市工业技工学校 (芦淞区, orgs["school"], account school_staff) and 株洲市交通技工学校
// (荷塘区, orgs["school2"], account school2_staff) — with their majors and about forty students
// of the 2023, 2024 and 2025 entry years, so the registry has several grades. The 2023 cohort
// of 0401 电气自动化设备安装与维修 at 株洲市工业技工学校 (DemoGraduatingCohort students) is the
// one the registry's demo graduates. The enrolment plans and admissions come after this
// (demoAdmissions), the status changes and the graduation after those (demoRegistry).

// DemoSchool2 is the name of the demo's second technical school; DemoSchoolStudents is the
// number of students demoSchools enrols; DemoGraduatingCohort the size of the 2023 cohort of
// 0401 at the first school.
const (
	DemoSchool2          = "株洲市交通技工学校"
	DemoSchoolStudents   = 40
	DemoGraduatingCohort = 8
)

// demoMajor is one major of a demo school.
type demoMajor struct {
	school, code, name, occupation string
	level                          xiangpei.MajorLevel
	years                          int
}

// demoMajors are the majors of the two demo schools (the other demo functions find them by
// school and code).
var demoMajors = []demoMajor{
	{"school", "0401", "电气自动化设备安装与维修", "6-31-01-03", xiangpei.MajorIntermediate, 3},
	{"school", "0302", "数控加工", "6-18-01-01", xiangpei.MajorAdvanced, 5},
	{"school", "0601", "汽车维修", "4-12-01-01", xiangpei.MajorIntermediate, 3},
	{"school", "1201", "焊接加工", "6-18-02-04", xiangpei.MajorIntermediate, 3},
	{"school2", "0601", "汽车维修", "4-12-01-01", xiangpei.MajorAdvanced, 5},
	{"school2", "0801", "中式烹调", "4-03-02-01", xiangpei.MajorIntermediate, 3},
	{"school2", "0901", "计算机程序设计", "4-04-05-01", xiangpei.MajorTechnician, 6},
}

// demoCohorts are the groups of students: school, major code, entry year and how many.
var demoCohorts = []struct {
	school, major string
	year, n       int
}{
	{"school", "0401", 2023, DemoGraduatingCohort},
	{"school", "0401", 2024, 4},
	{"school", "0302", 2024, 4},
	{"school", "0601", 2025, 4},
	{"school", "1201", 2025, 4},
	{"school2", "0601", 2023, 4},
	{"school2", "0801", 2024, 4},
	{"school2", "0901", 2025, 4},
	{"school2", "0601", 2025, 4},
}

var (
	demoStudentSurnames = []string{"刘", "陈", "张", "李", "王", "杨", "黄", "周", "吴", "邓", "谭", "彭", "罗", "曾", "易", "贺", "胡", "朱", "龙", "段"}
	demoStudentGiven    = []string{"子轩", "雨涵", "浩然", "思琪", "俊杰", "欣怡", "宇航", "梓萱", "博文", "佳怡", "明辉", "婷婷", "志强", "诗雨",
		"嘉豪", "可欣", "文博", "雅琴", "鹏飞", "晓燕", "天佑", "紫琳", "家乐", "梦瑶", "振宇", "静怡", "锦程", "慧敏", "俊熙", "语桐",
		"启航", "若曦", "伟杰", "心怡", "泽宇", "依诺", "建华", "梦琪", "凯文", "晨曦"}
	demoStudentCounties = []string{"430202", "430203", "430204", "430211", "430212", "430223", "430224", "430225", "430281"}
)

func demoSchools(tx *store.Tx, orgs map[string]int64) error {
	majors := map[string]int64{} // school key + "/" + code → id
	for _, d := range demoMajors {
		m, err := tx.SaveMajor(xiangpei.Scope{OrgID: orgs[d.school]}, xiangpei.Major{Code: d.code, Name: d.name, Years: d.years,
			Level: d.level, Occupation: d.occupation}, 0)
		if err != nil {
			return fmt.Errorf("demo major %s %s: %w", d.school, d.code, err)
		}
		majors[d.school+"/"+d.code] = m.ID
	}
	i := 0
	for _, c := range demoCohorts {
		// Pupils start at 15 or 16: born in the year entry − 16 or entry − 15.
		enrolled := time.Date(c.year, time.September, 1, 0, 0, 0, 0, xiangpei.ChinaTime)
		for k := 0; k < c.n; k++ {
			born := time.Date(c.year-16+k%2, time.Month(1+i*7%12), 1+i*5%28, 0, 0, 0, 0, time.UTC)
			county := demoStudentCounties[i%len(demoStudentCounties)]
			// The sequence's last digit is odd for a boy, even for a girl: the given names alternate.
			id17 := fmt.Sprintf("%s%s7%02d", county, born.Format("20060102"), i*2%100+(1-i%2))
			name := demoStudentSurnames[i*7%len(demoStudentSurnames)] + demoStudentGiven[i%len(demoStudentGiven)]
			p, err := xiangpei.PersonInput{IDNumber: completeID(id17), Name: name, Phone: fmt.Sprintf("158731%05d", 100+i),
				Household: []string{"rural", "urban"}[i%3/2], County: county}.Validate(tx.Now, func(string) bool { return true })
			if err == nil {
				p, err = tx.CreatePerson(p)
			}
			if err == nil {
				_, err = tx.EnrolStudent(store.StudentInput{PersonID: p.ID, SchoolID: orgs[c.school], MajorID: majors[c.school+"/"+c.major],
					EntryYear: c.year, EnrolledOn: enrolled})
			}
			if err != nil {
				return fmt.Errorf("demo student %d (%s): %w", i, name, err)
			}
			i++
		}
	}
	return nil
}
