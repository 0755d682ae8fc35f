package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
)

// The 用 journey (issue 6): a new employer registers itself with its credit code and cannot
// publish until 天元区's registry officer confirms the code; its first posting is refused for a
// discriminatory phrase (限女性, 35 岁以下) with the reasons shown, and once the wording is fixed it
// is published; 王芳, who holds a 养老护理员 certificate, sets her job-seeking preferences and finds
// the posting among her matches with why it matched (her certificate among the reasons); she
// applies; the employer views her application (her ID number masked), invites her to an
// interview, offers and hires her; the hire is on her lifelong record as employment.
func TestBrowserJobsJourney(t *testing.T) {
	j := startJourney(t, "jobs")
	db := j.openDB()
	ctx := context.Background()
	const (
		phone    = "13907339901"
		orgName  = "株洲康乐养老服务有限公司"
		login    = "kangle_hr"
		password = "Kangle-Care-2026"
		title    = "养老护理员"
	)
	code17 := "91430211MA" + "4K2L7Q9"
	credit := code17 + string(xiangpei.CreditCheckChar(code17))

	// 1. The employer registers itself: phone code, credit code, name, county, contact, account.
	j.open("/register/employer")
	j.fill("#phone1", phone)
	j.submit(`form[action="/register/employer/code"] button[type=submit]`)
	m := regexp.MustCompile(`(?:^|\D)(\d{6})(?:\D|$)`).FindStringSubmatch(j.text("#demo-sms"))
	if m == nil {
		j.fail("no code in the demo text message")
	}
	j.fill("#phone", phone, "#code", m[1], "#credit_code", credit, "#name", orgName, "#contact", "刘经理",
		"#login", login, "#password", password, "#confirm", password)
	j.setValue("#county", "430211")
	j.shot("register")
	j.submit(`form[action="/register/employer"] button[type=submit]`)
	j.wantPath("/employer/postings")
	j.shot("registered")
	org := orgByName(t, db, orgName)
	if org.CodeStatus != xiangpei.CodePending {
		j.fail("the new employer's code is %s, want pending", org.CodeStatus)
	}

	// Its first posting: a draft, then submitted — refused while the code waits.
	j.open("/employer/postings/new")
	j.setValue("#description", "照护社区老人日常起居，限女性，35岁以下，包食宿。")
	j.fill("#title", title, "#occupation", "4-10-01-05",
		"#skills", "生活照料、基础护理", "#certificates", "养老护理员", "#headcount", "5", "#salary_min", "3800", "#salary_max", "5200",
		"#lat", "27.86", "#lng", "113.17")
	j.setValue("#salary_unit", "month", "#work_type", "full_time", "#county", "430202")
	j.submit(`form[action="/employer/postings"] button`)
	postingPath := j.path()
	if !regexp.MustCompile(`^/postings/\d+$`).MatchString(postingPath) {
		j.fail("saving the draft landed on %s, want /postings/{id}", postingPath)
	}
	j.submit(`form[action$="/submit"] button`)
	j.wantText("main", "信用代码") // refused: the code is not yet confirmed
	j.shot("refused-code-pending")
	j.signOut()

	// 2. The county's registry officer confirms the code.
	j.signInOfficer("ty_officer")
	j.open("/registry/codes")
	j.wantText("main", orgName)
	j.open(fmt.Sprintf("/registry/orgs/%d", org.ID))
	j.fill("#code-reason", "已在国家企业信用信息公示系统核对名称与代码一致")
	j.submit(`form[action$="/confirm-code"] button[value=confirm]`)
	j.shot("code-confirmed")
	if o := orgByName(t, db, orgName); o.CodeStatus != xiangpei.CodeConfirmed {
		j.fail("after the officer's confirmation the code is %s", o.CodeStatus)
	}
	j.signOut()

	// 3. The posting is refused for its wording, with the reasons; fixed, it is published.
	j.signIn(login, password)
	j.open(postingPath)
	j.submit(`form[action$="/submit"] button`)
	j.wantPath(postingPath)
	j.wantText(".trace", "性别", "年龄")
	j.shot("refused-wording")
	j.setValue("#description", "照护社区老人日常起居，男女不限，持证优先，包食宿。")
	j.submit(`form[action="` + postingPath + `"] button`)
	j.submit(`form[action$="/submit"] button`)
	j.wantPath(postingPath)
	j.wantText("main .state", "招聘中")
	j.shot("published")
	j.signOut()

	// 4. 王芳 (a 养老护理员 certificate on her record) sets her preferences and sees the match.
	j.signIn("13907330002", seed.DemoPassword)
	j.open("/me/profile")
	j.wantText("main", "已核验")
	j.fill("#occupations", "4-10-01-05", "#salary_yuan", "3500", "#skills", "生活照料")
	j.do("choose 荷塘区 and full-time", chromedp.Click(chromedp.CSS(`input[name=counties][value="430202"]`)),
		chromedp.Click(chromedp.CSS(`input[name=work_types][value="full_time"]`)))
	j.submit(`form[action="/me/profile"] button`)
	j.open("/me/matches")
	card := fmt.Sprintf(`li:has(a[href="/jobs/%s"])`, strings.TrimPrefix(postingPath, "/postings/"))
	j.do("open why it matched", chromedp.Click(chromedp.CSS(card+" details summary")))
	j.wantText(card, title, "证书", "同一职业")
	j.shot("matched")

	// She applies from the job's page.
	j.open("/jobs/" + strings.TrimPrefix(postingPath, "/postings/"))
	j.submit(`form[action$="/apply"] button`)
	j.open("/me/applications")
	j.wantText("main", title, "已投递")
	j.shot("applied")
	j.signOut()

	// 5. The employer views the application (masked ID), interviews, offers and hires.
	j.signIn(login, password)
	j.open(postingPath + "/applications")
	j.wantText("main", "王芳")
	j.submit(`main a[href^="/applications/"]`)
	appPath := j.path()
	masked := j.text("main dd.mono")
	if strings.Contains(masked, "43020220020304122") || !strings.Contains(masked, "*") {
		j.fail("the employer sees the ID number %q, want it masked", masked)
	}
	for _, action := range []string{"interview", "offer", "hire"} {
		j.submit(fmt.Sprintf(`form[action$="/move"] button[value=%s]`, action))
		j.wantPath(appPath)
	}
	j.wantText("main .state", "已录用")
	j.shot("hired")
	j.signOut()

	// 6. The hire is on her lifelong record.
	j.signIn("13907330002", seed.DemoPassword)
	j.open("/me")
	j.wantText("#jobs", orgName, "4-10-01-05")
	j.shot("record")
	recs, err := db.EmploymentRecordsOf(ctx, xiangpei.Scope{All: true}, personByLogin(t, db, "13907330002"))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		found = found || (r.EmployerName == orgName && r.Source == xiangpei.EmploymentHire && r.Verified)
	}
	if !found {
		j.fail("no verified hire by %s among 王芳's employment records: %+v", orgName, recs)
	}
}

// orgByName reads the employer of that name from the journey's database.
func orgByName(t *testing.T, db *store.DB, name string) xiangpei.Organisation {
	t.Helper()
	list, _, err := db.SearchOrgs(context.Background(), xiangpei.Scope{All: true}, string(xiangpei.OrgEmployer), name, "", store.Page{Limit: 2})
	if err != nil || len(list) != 1 {
		t.Fatalf("the employer %s: %v, %d found", name, err, len(list))
	}
	return list[0]
}

// personByLogin is the person of a person's account.
func personByLogin(t *testing.T, db *store.DB, login string) int64 {
	t.Helper()
	a, err := db.AccountByLogin(context.Background(), login)
	if err != nil || a.PersonID == 0 {
		t.Fatalf("account %s: %v %+v", login, err, a)
	}
	return a.PersonID
}
