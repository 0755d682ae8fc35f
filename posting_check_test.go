package xiangpei

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"
	"time"
)

// tier1 is the 一类 standard of the embedded table, as a fixed value so that the tests say the
// numbers they rely on.
var tier1 = MinimumWage{Province: "430000", Tier: "1", Name: "一类地区", MonthlyFen: 193000, HourlyFen: 1900}

// cleanPosting is a lawful posting: full-time, 5,000–7,000 a month, in 天元区.
func cleanPosting(t *testing.T) JobPosting {
	return JobPosting{
		EmployerID: 1, Title: "数控车工", Description: "负责数控车床操作，五险一金，包吃住。", Occupation: "6-18-01-01",
		Skills: []string{"数控编程"}, Level: "4", Headcount: 5, Salary: Salary{MinFen: 500000, MaxFen: 700000, Unit: PerMonth},
		WorkType: FullTime, County: "430211", ValidFrom: day(t, "2026-11-01"), ValidTo: day(t, "2026-12-31"),
	}
}

// The wording checks, both what they catch and what they let through: each case is the
// description of an otherwise clean posting, the outcome and the category caught ("" for none).
func TestCheckPostingWords(t *testing.T) {
	cases := []struct {
		text    string
		outcome CheckAction
		cat     string
	}{
		// gender
		{"限女性，身高160以上", CheckRefuse, WordsGender},
		{"限男性", CheckRefuse, WordsGender},
		{"只招男工", CheckRefuse, WordsGender},
		{"本岗位仅招女生", CheckRefuse, WordsGender},
		{"不招女", CheckRefuse, WordsGender},
		{"男性优先", CheckRefer, WordsGender},
		{"女士优先", CheckRefer, WordsGender},
		{"性别：女，", CheckRefuse, WordsGender},
		{"限 女 性", CheckRefuse, WordsGender},
		{"男女不限", CheckPass, ""},
		{"不限男女，欢迎应聘", CheckPass, ""},
		{"性别不限", CheckPass, ""},
		{"性别：男女不限", CheckPass, ""},
		// age
		{"35岁以下", CheckRefer, WordsAge},
		{"年龄35周岁以内", CheckRefer, WordsAge},
		{"年龄18-35岁", CheckRefer, WordsAge},
		{"年龄 20 至 40 周岁", CheckRefer, WordsAge},
		{"限90后", CheckRefer, WordsAge},
		{"年龄不超过45岁", CheckRefer, WordsAge},
		{"年满16周岁", CheckPass, ""},
		{"年满18周岁即可", CheckPass, ""},
		{"年龄16-60岁", CheckPass, ""},
		{"不限年龄", CheckPass, ""},
		{"60周岁以下身体健康", CheckPass, ""},
		// ethnicity
		{"限汉族", CheckRefuse, WordsEthnicity},
		{"不招少数民族", CheckRefuse, WordsEthnicity},
		{"不招回族", CheckRefuse, WordsEthnicity},
		{"提供少数民族餐食", CheckPass, ""},
		// region
		{"不招河南人", CheckRefuse, WordsRegion},
		{"限本地户口", CheckRefuse, WordsRegion},
		{"本地人优先", CheckRefer, WordsRegion},
		{"外地人勿扰", CheckRefuse, WordsRegion},
		{"外地员工提供宿舍", CheckPass, ""},
		// marital
		{"限未婚", CheckRefuse, WordsMarital},
		{"已婚已育优先", CheckRefer, WordsMarital},
		{"入职两年内不生育", CheckRefuse, WordsMarital},
		{"婚否不限", CheckPass, ""},
		{"已婚未婚均可", CheckPass, ""},
		// scam
		{"入职交押金200元", CheckRefuse, WordsScam},
		{"需交保证金", CheckRefuse, WordsScam},
		{"先交会员费", CheckRefuse, WordsScam},
		{"收取培训费800元", CheckRefuse, WordsScam},
		{"服装费从工资扣", CheckRefuse, WordsScam},
		{"自付体检费", CheckRefuse, WordsScam},
		{"网络刷单兼职", CheckRefuse, WordsScam},
		{"日结高薪无需经验", CheckRefer, WordsScam},
		{"无需经验，日赚500", CheckRefer, WordsScam},
		{"需先垫付货款", CheckRefer, WordsScam},
		{"免押金，包住宿", CheckPass, ""},
		{"不收取任何费用，无押金", CheckPass, ""},
		{"公司承担体检费", CheckPass, ""},
		{"体检费由公司承担", CheckPass, ""},
		{"免费岗前培训，培训费由公司承担", CheckPass, ""},
		{"无保证金", CheckPass, ""},
		{"日结，经验丰富者优先", CheckPass, ""},
		// an exception in one place does not excuse the word elsewhere
		{"免押金；工牌押金50元", CheckRefuse, WordsScam},
		{"男女不限，限女性夜班", CheckRefuse, WordsGender},
	}
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		p := cleanPosting(t)
		p.Description = c.text
		v := CheckPosting(p, tier1, DefaultPostingWords)
		if v.Outcome != c.outcome {
			t.Errorf("%q: outcome %s, want %s (%+v)", c.text, v.Outcome, c.outcome, v.Findings)
			continue
		}
		if c.cat == "" {
			if len(v.Findings) != 0 {
				t.Errorf("%q: findings %+v, want none", c.text, v.Findings)
			}
			continue
		}
		found := false
		for _, f := range v.Findings {
			if f.Code == "words."+c.cat {
				found = true
				if f.Matched == "" || f.Key != "posting_check.words_"+c.cat || !strings.Contains(f.Text, f.Matched) {
					t.Errorf("%q: finding %+v lacks its text or key", c.text, f)
				}
			}
		}
		if !found {
			t.Errorf("%q: no %s finding in %+v", c.text, c.cat, v.Findings)
		}
	}
}

// The title and the skills are read too, not only the description.
func TestCheckPostingReadsEveryField(t *testing.T) {
	p := cleanPosting(t)
	p.Title = "前台（限女）"
	if v := CheckPosting(p, tier1, DefaultPostingWords); v.Outcome != CheckRefuse {
		t.Errorf("title: %+v", v)
	}
	p = cleanPosting(t)
	p.Skills = []string{"刷单技巧"}
	if v := CheckPosting(p, tier1, DefaultPostingWords); v.Outcome != CheckRefuse {
		t.Errorf("skills: %+v", v)
	}
	if v := CheckPosting(cleanPosting(t), tier1, DefaultPostingWords); v.Outcome != CheckPass || len(v.Findings) != 0 {
		t.Errorf("clean posting: %+v", v)
	}
}

// The salary against the minimum wage, in each unit, at and around the boundary.
func TestCheckPostingWage(t *testing.T) {
	withDaily := tier1
	withDaily.DailyFen = 16000
	cases := []struct {
		name string
		wage MinimumWage
		work WorkType
		sal  Salary
		want CheckAction
		code string
	}{
		{"monthly at the standard", tier1, FullTime, Salary{193000, 250000, PerMonth}, CheckPass, ""},
		{"monthly a fen below", tier1, FullTime, Salary{192999, 250000, PerMonth}, CheckRefuse, "wage.below_minimum"},
		{"monthly well below, high top", tier1, FullTime, Salary{150000, 900000, PerMonth}, CheckRefuse, "wage.below_minimum"},
		{"hourly at the standard", tier1, PartTime, Salary{1900, 0, PerHour}, CheckPass, ""},
		{"hourly below", tier1, PartTime, Salary{1800, 2500, PerHour}, CheckRefuse, "wage.below_minimum"},
		{"daily = hourly × 8 exactly", tier1, GigWork, Salary{15200, 0, PerDay}, CheckPass, ""},
		{"daily below hourly × 8", tier1, GigWork, Salary{15100, 0, PerDay}, CheckRefuse, "wage.below_minimum"},
		{"daily from the table", withDaily, GigWork, Salary{15500, 0, PerDay}, CheckRefuse, "wage.below_minimum"},
		{"daily from the table, met", withDaily, GigWork, Salary{16000, 0, PerDay}, CheckPass, ""},
		{"full-time quoted by the hour", tier1, FullTime, Salary{2000, 0, PerHour}, CheckPass, ""},
		{"part-time quoted by the month", tier1, PartTime, Salary{100000, 0, PerMonth}, CheckRefer, "wage.monthly_part_time"},
		{"no standard known", MinimumWage{}, FullTime, Salary{500000, 0, PerMonth}, CheckRefer, "wage.unknown"},
	}
	for _, c := range cases {
		p := cleanPosting(t)
		p.WorkType, p.Salary = c.work, c.sal
		v := CheckPosting(p, c.wage, DefaultPostingWords)
		if v.Outcome != c.want {
			t.Errorf("%s: %s, want %s (%+v)", c.name, v.Outcome, c.want, v.Findings)
		}
		if c.code != "" && (len(v.Findings) != 1 || v.Findings[0].Code != c.code) {
			t.Errorf("%s: findings %+v, want %s", c.name, v.Findings, c.code)
		}
	}
}

// Refuse wins over refer.
func TestCheckPostingStrongestWins(t *testing.T) {
	p := cleanPosting(t)
	p.Description = "35岁以下，入职交押金"
	v := CheckPosting(p, tier1, DefaultPostingWords)
	if v.Outcome != CheckRefuse || len(v.Findings) != 2 {
		t.Errorf("%+v", v)
	}
}

func TestParsePostingWords(t *testing.T) {
	if len(DefaultPostingWords.Entries) < 40 {
		t.Errorf("the built-in list has %d entries", len(DefaultPostingWords.Entries))
	}
	seen := map[string]bool{}
	for _, e := range DefaultPostingWords.Entries {
		seen[e.Category] = true
	}
	for _, c := range WordCategories {
		if !seen[c] {
			t.Errorf("no entry of category %s", c)
		}
	}
	bad := []string{
		`not json`,
		`{"entries":[{"category":"colour","phrase":"x","action":"refuse"}]}`,
		`{"entries":[{"category":"gender","action":"refuse"}]}`,
		`{"entries":[{"category":"gender","phrase":"x","pattern":"y","action":"refuse"}]}`,
		`{"entries":[{"category":"gender","phrase":"x","action":"pass"}]}`,
		`{"entries":[{"category":"gender","pattern":"(","action":"refer"}]}`,
	}
	for _, b := range bad {
		if _, err := ParsePostingWords([]byte(b)); !IsKind(err, Invalid) {
			t.Errorf("%s: %v", b, err)
		}
	}
}

func TestPostingExpiredAndValidate(t *testing.T) {
	p := cleanPosting(t)
	p.Status = PostingPublished
	cases := []struct {
		now  string
		want bool
	}{{"2026-12-30", false}, {"2026-12-31", false}, {"2027-01-01", true}}
	for _, c := range cases {
		if got := p.Expired(day(t, c.now)); got != c.want {
			t.Errorf("expired on %s: %v", c.now, got)
		}
		if got := p.Open(day(t, c.now)); got == c.want {
			t.Errorf("open on %s: %v", c.now, got)
		}
	}
	// Midnight of the last day's end in China, given in UTC: 2026-12-31 16:00 UTC is 1 January.
	if !p.Expired(time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)) || p.Expired(time.Date(2026, 12, 31, 15, 59, 0, 0, time.UTC)) {
		t.Error("expiry does not follow the China date")
	}
	if (JobPosting{}).Expired(day(t, "2030-01-01")) {
		t.Error("a posting without an end expired")
	}
	if err := p.Validate(); err != nil {
		t.Errorf("clean posting: %v", err)
	}
	for name, f := range map[string]func(*JobPosting){
		"title":      func(p *JobPosting) { p.Title = "" },
		"occupation": func(p *JobPosting) { p.Occupation = "6-18-x" },
		"headcount":  func(p *JobPosting) { p.Headcount = 0 },
		"unit":       func(p *JobPosting) { p.Salary.Unit = "week" },
		"range":      func(p *JobPosting) { p.Salary.MaxFen = 100 },
		"work type":  func(p *JobPosting) { p.WorkType = "intern" },
		"county":     func(p *JobPosting) { p.County = "4302" },
		"validity":   func(p *JobPosting) { p.ValidTo = p.ValidFrom.AddDate(0, 0, -1) },
	} {
		q := cleanPosting(t)
		f(&q)
		if err := q.Validate(); !IsKind(err, Invalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// Every region of the shared reference data maps to a tier, and the figures are those of the
// data file.
func TestMinimumWageCoversRegions(t *testing.T) {
	// The codes of regions-hunan.csv as of this writing, so that the test holds without the
	// shared folder; when the folder is there its current rows are checked too.
	rows := [][]string{{"code", "name"}}
	for _, c := range strings.Fields("430000 430100 430200 430300 430400 430500 430600 430700 430800 430900 431000 431100 " +
		"431200 431300 433100 430202 430203 430204 430211 430212 430223 430224 430225 430281") {
		rows = append(rows, []string{c, c})
	}
	if f, err := os.Open("/work/shared/data/regions-hunan.csv"); err == nil {
		shared, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, shared[1:]...)
	}
	at := day(t, "2026-11-27")
	for _, r := range rows[1:] {
		if _, ok := HunanMinimumWage.Counties[r[0]]; !ok {
			t.Errorf("%s %s has no tier of its own", r[0], r[1])
		}
		if w, ok := HunanMinimumWage.For(r[0], at); !ok || w.MonthlyFen == 0 || w.HourlyFen == 0 {
			t.Errorf("%s %s: %+v, %v", r[0], r[1], w, ok)
		}
	}
}

func TestMinimumWageFor(t *testing.T) {
	at := day(t, "2026-11-27")
	w, ok := HunanMinimumWage.For("430211", at) // 天元区
	if !ok || w.Tier != "1" || w.MonthlyFen != 193000 || w.HourlyFen != 1900 || w.Daily() != 15200 || w.For(PerDay) != 15200 {
		t.Errorf("天元区: %+v", w)
	}
	w, ok = HunanMinimumWage.For("430225", at) // 炎陵县
	if !ok || w.Tier != "3" || w.MonthlyFen != 155000 || w.For(PerHour) != 1500 {
		t.Errorf("炎陵县: %+v", w)
	}
	// A county not in the table takes its city's tier.
	if w, ok := HunanMinimumWage.For("430104", at); !ok || w.Tier != "1" {
		t.Errorf("岳麓区 via 长沙市: %+v %v", w, ok)
	}
	if _, ok := HunanMinimumWage.For("440106", at); ok {
		t.Error("a Guangdong code found a Hunan tier")
	}
	if _, ok := HunanMinimumWage.For("430211", day(t, "2022-03-31")); ok {
		t.Error("a standard was in force before its first date")
	}
	// A later version takes over from its date.
	tbl, err := ParseMinimumWage([]byte("province,tier,name,monthly_yuan,hourly_yuan,daily_yuan,in_force\n"+
		"430000,1,一类,1930,19,,2022-04-01\n430000,1,一类,2100,21,170,2026-12-01\n"), []byte("code,name,tier\n430211,天元区,1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := tbl.For("430211", day(t, "2026-11-30")); w.MonthlyFen != 193000 {
		t.Errorf("before the new standard: %+v", w)
	}
	if w, _ := tbl.For("430211", day(t, "2026-12-01")); w.MonthlyFen != 210000 || w.Daily() != 17000 {
		t.Errorf("from the new standard: %+v", w)
	}
	for _, bad := range [][2]string{
		{"province,tier\n", "code,name,tier\n430211,x,1\n"},
		{"h\n430000,1,一类,abc,19,,2022-04-01\n", "code,name,tier\n430211,x,1\n"},
		{"h\n430000,1,一类,1930,19,,2022-13-01\n", "code,name,tier\n430211,x,1\n"},
		{"h\n430000,1,一类,1930,19,,2022-04-01\n", "code,name,tier\n430211,x,9\n"},
		{"h\n430000,1,一类,1930,19,,2022-04-01\n", "code,name,tier\n4302,x,1\n"},
	} {
		if _, err := ParseMinimumWage([]byte(bad[0]), []byte(bad[1])); !IsKind(err, Invalid) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
