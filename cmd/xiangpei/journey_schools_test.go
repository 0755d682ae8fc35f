package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
)

// The 教 journey (issue 7), on a clock of its own that walks three and a half years:
//  1. 株洲市交通技工学校 (school2_staff) writes its 2027 enrolment plan — 30 places of 0801 中式烹调
//     — and submits it; the city's officer (zz_officer) approves it.
//  2. A 15-year-old registers on the public site, finds the plan under /schools and applies.
//  3. The school admits her and publishes the admission list; she confirms, which makes her
//     student record (学籍) with its number.
//  4. In March 2028 the school asks for a suspension, the officer approves; in September the
//     resumption, approved too. The record's history shows both.
//  5. In July 2030 the school graduates the 2027 cohort of 0801; the officer approves; the
//     student has a diploma.
//  6. The graduate saves her job-seeker profile and sees the diploma as verified education;
//     her lifelong record shows the school history. The city's officer reads the overview, and
//     in October records her 3-month follow-up from the call queue: employed.
//  7. The school imports a registry roster: a wrong major refused by line, the corrected file
//     enrolled, the same file refused again.
func TestBrowserSchoolJourney(t *testing.T) {
	clk := &journeyClock{t: time.Now()}
	j := startJourneyOn(t, "schools", clk.now)
	db := j.openDB()
	ctx := context.Background()
	all := xiangpei.Scope{All: true}
	day := func(t time.Time) string { return xiangpei.ChinaDate(t) }
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 30, 0, 0, xiangpei.ChinaTime) }

	staff, err := db.AccountByLogin(ctx, "school2_staff")
	if err != nil {
		t.Fatal(err)
	}
	majors, err := db.Majors(ctx, staff.OrgID, true)
	if err != nil {
		t.Fatal(err)
	}
	var cooking xiangpei.Major
	for _, m := range majors {
		if m.Code == "0801" {
			cooking = m
		}
	}
	if cooking.ID == 0 {
		t.Fatalf("the demo school has no major 0801: %+v", majors)
	}
	const year = 2027

	// 1. The plan, submitted and approved.
	j.signIn("school2_staff", seed.DemoPassword)
	j.open("/school/plans")
	j.do("open the new plan form", chromedp.Click(chromedp.CSS(`main details.card summary`)))
	j.fill("#title", "2027年秋季招生计划", "#year", strconv.Itoa(year), "#max_choices", "2", fmt.Sprintf("#q%d", cooking.ID), "30")
	j.setValue("#opens_on", day(clk.now()), "#closes_on", day(clk.now().AddDate(0, 2, 0)))
	j.shot("plan-form")
	j.submit(`form[action="/school/plans"] button`)
	planPath := j.path()
	if !strings.HasPrefix(planPath, "/school/plans/") {
		j.fail("after saving the plan the browser is on %s", planPath)
	}
	planID := strings.TrimPrefix(planPath, "/school/plans/")
	j.wantText("main", "中式烹调", "30")
	j.submit(`form[action$="/submit"] button`)
	j.wantText(".notice.ok", "")
	j.shot("plan-submitted")
	j.signOut()

	j.signInOfficer("zz_officer")
	j.open("/school-plans/review")
	j.wantText("main", "2027年秋季招生计划", seed.DemoSchool2)
	j.shot("plan-review-queue")
	j.open(planPath)
	j.submit(`button[name="action"][value="approve"]`)
	j.wantText(".notice.ok", "已批准")
	j.open(planPath)
	j.wantText("main", "2027年秋季招生计划", "已批准")
	j.shot("plan-approved")
	j.signOut()

	// 2. A pupil registers and applies from the public site.
	const phone, name, password = "13907337788", "欧阳小雨", "Xiangjiang-Rain-2011"
	id := newID("430202", "20110520", "224")
	code := j.sendRegistrationCode(phone)
	j.fill("#code", code, "#name", name, "#id_number", id, "#password", password, "#confirm", password)
	j.do("choose the county", chromedp.SetValue(chromedp.ID("county"), "430202"))
	j.submit(`form[action="/register"] button[type=submit]`)
	j.wantPath("/me")
	j.open("/schools")
	j.wantText("main", seed.DemoSchool2, "2027年秋季招生计划")
	j.shot("public-schools")
	j.open("/enrolment-plans/" + planID)
	j.setValue("#choice0", strconv.FormatInt(cooking.ID, 10), "#education", "junior_middle")
	j.typeInto("#documents", "株洲市第二中学初三在读证明")
	j.shot("apply")
	j.submit(`form[action="/me/school-applications"] button`)
	j.wantPath("/me/school-applications")
	j.wantText("main", seed.DemoSchool2, "中式烹调")
	j.shot("applied")
	j.signOut()

	// 3. Admitted, the list published, confirmed: the student record exists.
	j.signIn("school2_staff", seed.DemoPassword)
	j.open(planPath + "/applications")
	j.wantText("main", name)
	j.submit(`form[action$="/decide"] input[value="admit"] ~ button`)
	j.shot("admitted")
	j.open(planPath)
	j.submit(`form[action$="/publish"] button`)
	j.shot("list-published")
	j.signOut()

	j.signIn(phone, password)
	j.open("/me/school-applications")
	j.submit(`button[name="action"][value="confirm"]`)
	j.shot("confirmed")
	person, err := db.PersonByIDNumber(ctx, all, xiangpei.IDNumber(id))
	if err != nil {
		t.Fatal(err)
	}
	studs, n, err := db.Students(ctx, xiangpei.Scope{PersonID: person.ID}, store.StudentFilter{}, store.Page{})
	if err != nil || n != 1 || studs[0].MajorID != cooking.ID || studs[0].EntryYear != year || !xiangpei.ValidStudentNumber(studs[0].Number) {
		t.Fatalf("the student record after confirming: %v %d %+v", err, n, studs)
	}
	student := studs[0]
	j.signOut()

	// 4. A suspension and a resumption, each requested by the school and approved by the city.
	decide := func(action xiangpei.StudentAction, on time.Time, reason string) {
		t.Helper()
		clk.set(on)
		j.signIn("school2_staff", seed.DemoPassword)
		j.open(fmt.Sprintf("/school/students/%d", student.ID))
		j.wantText("main", student.Number, name)
		j.setValue("#action", string(action), "#effective_on", day(on))
		j.typeInto("#reason", reason)
		j.submit(`form[action$="/changes"] button`)
		j.shot(string(action) + "-requested")
		j.signOut()
		list, _, err := db.StudentChanges(ctx, all, store.StudentChangeFilter{StudentID: student.ID, Status: xiangpei.StudentChangePending}, store.Page{})
		if err != nil || len(list) != 1 {
			t.Fatalf("the pending %s: %v %+v", action, err, list)
		}
		j.signInOfficer("zz_officer")
		j.open("/student-changes")
		j.wantText("main", name)
		j.open(fmt.Sprintf("/student-changes/%d", list[0].ID))
		j.submit(`button[name="decision"][value="approve"]`)
		j.shot(string(action) + "-approved")
		j.signOut()
	}
	decide(xiangpei.StudentSuspend, at(2028, time.March, 6), "因病休学一学期，附医院诊断证明。")
	decide(xiangpei.StudentResume, at(2028, time.September, 4), "病愈复学，附医院复查证明。")
	if s, err := db.Student(ctx, all, student.ID); err != nil || s.Status != xiangpei.StudentResumed {
		t.Fatalf("after the resumption: %v %+v", err, s)
	}

	// 5. The 2027 cohort of 0801 graduates in July 2030.
	clk.set(at(2030, time.July, 1))
	j.signIn("school2_staff", seed.DemoPassword)
	j.open("/school/student-changes")
	j.do("open the graduation form", chromedp.Click(chromedp.CSS(`main details.card summary`)))
	j.setValue("#major_id", strconv.FormatInt(cooking.ID, 10), "#graduated_on", "2030-06-30")
	j.fill("#entry_year", strconv.Itoa(year))
	j.typeInto("#reason", "2027级中式烹调专业学制期满，考核合格。")
	j.shot("graduation-form")
	j.submit(`form[action="/school/graduations"] button`)
	gradPath := j.path()
	j.shot("graduation-requested")
	j.signOut()
	j.signInOfficer("zz_officer")
	j.open(gradPath)
	j.submit(`button[name="decision"][value="approve"]`)
	j.shot("graduation-approved")
	j.open("/schools-overview?year=2030")
	j.wantText("#schools-overview", seed.DemoSchool2)
	j.shot("officer-overview")
	j.signOut()
	if s, err := db.Student(ctx, all, student.ID); err != nil || s.Status != xiangpei.StudentGraduated {
		t.Fatalf("after the graduation: %v %+v", err, s)
	}
	if d, err := db.Diplomas(ctx, all, student.ID); err != nil || len(d) != 1 {
		t.Fatalf("diplomas: %v %+v", err, d)
	}

	// 6. The graduate: a verified seeker, and the school history on her record.
	j.signIn(phone, password)
	j.open("/me/profile")
	j.fill("#occupations", cooking.Occupation)
	j.submit(`form[action="/me/profile"] button`)
	j.open("/me/profile")
	j.wantText("main ul.cards", "已核验", seed.DemoSchool2, "中式烹调")
	j.shot("seeker-verified")
	j.open("/me")
	j.wantText("main", seed.DemoSchool2, "中式烹调")
	j.shot("lifelong-record")
	j.signOut()

	// 6b. Three months on, the city's officer calls her: employed at a restaurant since August.
	clk.set(at(2030, time.October, 9))
	dips, err := db.Diplomas(ctx, all, student.ID)
	if err != nil || len(dips) != 1 {
		t.Fatalf("the diploma: %v %+v", err, dips)
	}
	j.signInOfficer("zz_officer")
	j.open("/employment/follow-ups")
	card := fmt.Sprintf(`main section.card:has(form[action="/employment/follow-ups/graduates/%d"])`, dips[0].ID)
	j.wantText(card, seed.DemoSchool2, "中式烹调")
	j.shot("graduate-follow-up")
	j.do("open the follow-up form", chromedp.Click(chromedp.CSS(card+" details summary")))
	j.setValue(card+` select[name="outcome"]`, "employed", card+` select[name="county"]`, "430202", card+` input[name="starts_on"]`, "2030-08-01")
	j.fill(card+` input[name="employer_name"]`, "株洲市荷塘区湘味轩餐饮店", card+` input[name="occupation"]`, "中式烹调师")
	j.submit(card + ` form button`)
	j.wantText(".notice.ok", "回访结果已记录")
	j.shot("graduate-follow-up-recorded")
	if strings.Contains(j.html(), fmt.Sprintf(`/employment/follow-ups/graduates/%d"`, dips[0].ID)) {
		t.Fatal("the graduate's 3-month follow-up is still in the queue")
	}
	j.signOut()

	// 7. The registry roster import.
	clk.set(time.Now())
	schoolRosterJourney(t, j)
}

// typeInto types into an empty field (a textarea cannot be cleared before it has text).
func (j *journey) typeInto(sel, text string) {
	j.t.Helper()
	j.do("type into "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), text))
}

// schoolRosterJourney is the registry roster import of the journey.
func schoolRosterJourney(t *testing.T, j *journey) {
	t.Helper()
	now := time.Now().In(xiangpei.ChinaTime)
	year := now.Year()
	if now.Month() < time.September {
		year-- // this year's autumn intake is still to come
	}
	id := func(id17 string) string { return id17 + string(xiangpei.IDCheckDigit(id17)) }
	header := "身份证号,姓名,专业代码,入学年份,入学日期,手机号\n"
	rows := fmt.Sprintf("%s,欧阳晨,0801,%d,%d-09-01,15873199001\n%s,龙雨桐,%%s,%d,%d-09-01,\n",
		id("43020220100312211"), year, year, id("43020220100815322"), year, year)
	dir := t.TempDir()
	bad := filepath.Join(dir, "学籍名册-有误.csv")
	good := filepath.Join(dir, "学籍名册.csv")
	if err := os.WriteFile(bad, []byte(header+fmt.Sprintf(rows, "0401")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte(header+fmt.Sprintf(rows, "0901")), 0o644); err != nil {
		t.Fatal(err)
	}
	db := j.openDB()
	count := func() int {
		a, err := db.AccountByLogin(context.Background(), "school2_staff")
		if err != nil {
			t.Fatal(err)
		}
		_, n, err := db.Students(context.Background(), a.Actor().Scope(), store.StudentFilter{}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()

	j.signIn("school2_staff", seed.DemoPassword)
	j.open("/school/roster-import")
	j.wantText("main", "学籍名册", "身份证号")
	j.shot("roster-import")
	j.do("choose the roster with a wrong major", chromedp.SetUploadFiles(chromedp.CSS("#school-roster-file"), []string{bad}))
	j.submit(`form[action="/school/roster-import"] button`)
	j.wantText("#check", "学籍名册-有误.csv", "没有代码为“0401”的专业")
	j.shot("roster-refused-row")
	if n := count(); n != before {
		t.Fatalf("a dry run enrolled %d students", n-before)
	}
	j.do("choose the corrected roster", chromedp.SetUploadFiles(chromedp.CSS("#school-roster-file"), []string{good}))
	j.submit(`form[action="/school/roster-import"] button`)
	j.wantText("#check", "学籍名册.csv")
	j.shot("roster-checked")
	j.submit(`#check form button`)
	j.wantText(".notice.ok", "学籍名册已导入")
	j.shot("roster-imported")
	if n := count(); n != before+2 {
		t.Fatalf("the import enrolled %d students, want 2", n-before)
	}
	// The same file again is refused at its dry run.
	j.open("/school/roster-import")
	j.do("choose the same roster again", chromedp.SetUploadFiles(chromedp.CSS("#school-roster-file"), []string{good}))
	j.submit(`form[action="/school/roster-import"] button`)
	j.wantText(".notice.err", "已经为本校导入过")
	j.shot("roster-same-file")
	j.signOut()
}
