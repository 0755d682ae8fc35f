package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
)

// The 赛 journey (issue 4): the city officer (publish duty, second factor) creates a city
// competition with one individual event, opens registration; 王芳, who holds a level-4
// certificate in 养老护理员, registers on the portal; 李建国 registers too (through the store);
// the officer closes registration, accepts both, records their scores and publishes; 王芳 wins
// the first prize, which at city level promotes her to level 3 and makes her 株洲市技术能手: she
// sees the award on the competition's page and the new level-3 certificate among her
// certificates.
func TestBrowserCompetitionJourney(t *testing.T) {
	j := startJourney(t, "competition")
	db := j.openDB()
	ctx := context.Background()
	all := xiangpei.Scope{All: true}
	const occupation = "4-10-01-05" // 养老护理员

	// Setup through the store: both entrants hold a level-4 certificate in the occupation.
	wang, err := db.PersonByIDNumber(ctx, all, xiangpei.IDNumber(newID("430202", "20020304", "122")))
	if err != nil {
		t.Fatalf("demo person 王芳: %v", err)
	}
	li, err := store.Do(ctx, db, xiangpei.Actor{Name: "journey"}, func(tx *store.Tx) (xiangpei.Person, error) {
		p, err := xiangpei.PersonInput{IDNumber: newID("430211", "19850606", "713"), Name: "赵建军", Phone: "13907331713",
			Household: xiangpei.HouseholdUrban, County: "430211"}.Validate(tx.Now, func(string) bool { return true })
		if err != nil {
			return p, err
		}
		return tx.CreatePerson(p)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range []xiangpei.Person{wang, li} {
		if _, err := store.Do(ctx, db, xiangpei.Actor{Name: "journey"}, func(tx *store.Tx) (xiangpei.Certificate, error) {
			return tx.IssueCertificate(xiangpei.Certificate{Level: "4", PersonID: p.ID, County: "430211", OccupationCode: occupation,
				IssuerName: "株洲市职业技能等级认定中心", Source: xiangpei.CertFromAssessment, SourceID: int64(900000 + i)})
		}); err != nil {
			t.Fatalf("certificate of %s: %v", p.Name, err)
		}
	}
	today := time.Now().In(xiangpei.ChinaTime)
	day := func(d int) string { return today.AddDate(0, 0, d).Format("2006-01-02") }
	ends := today.AddDate(0, 0, 21)

	// 1. The city officer creates the competition.
	j.signInOfficer("zz_officer")
	j.open("/competitions/new")
	j.fill("#c-name", "株洲市养老护理职业技能竞赛（旅程）", "#c-year", fmt.Sprint(ends.Year()),
		"#ev-occ-0", occupation, "#ev-name-0", "养老护理员个人赛", "#ev-first-0", "1", "#ev-second-0", "1")
	j.setValue("#c-rules", "理论考试占 30%，实际操作占 70%，按总成绩排名。", "#c-level", "city", "#c-ro", day(-1), "#c-rc", day(10), "#c-so", day(20), "#c-eo", ends.Format("2006-01-02"),
		"#ev-mode-0", "individual", "#ev-lvl-0", "4", "#ev-reg-0", "430200")
	j.shot("competition-form")
	// The form is long: it is sent as the browser sends it on Enter, through its own submit.
	if _, err := chromedp.RunResponse(j.ctx, chromedp.Submit(chromedp.CSS(`form[action="/competitions"] #c-name`))); err != nil {
		j.fail("save the competition: %v", err)
	}
	compPath := j.path()
	if !regexp.MustCompile(`^/competitions/\d+$`).MatchString(compPath) {
		j.fail("after saving the browser is on %s, want the competition's page", compPath)
	}
	var compID int64
	fmt.Sscanf(compPath, "/competitions/%d", &compID)
	j.wantText("main", "草稿", "养老护理员个人赛")
	j.submit(`form[action$="/open"] button`)
	j.wantText("main", "报名中")
	j.shot("registration-open")
	j.signOut()

	// 2. 王芳 registers on the portal; 赵建军 registers too.
	j.signIn("13907330002", seed.DemoPassword)
	j.open("/contests")
	j.wantText("main", "株洲市养老护理职业技能竞赛（旅程）")
	j.open(fmt.Sprintf("/contests/%d", compID))
	j.submit(`form[action$="/register"] button`)
	j.wantText("main", "报名成功", "待审核")
	j.shot("registered")
	j.signOut()
	c, err := db.Competition(ctx, all, compID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Do(ctx, db, xiangpei.Actor{Name: li.Name, Role: xiangpei.RolePerson, PersonID: li.ID}, func(tx *store.Tx) (store.CompEntry, error) {
		return tx.RegisterEntry(li.ID, compID, store.EntryInput{EventID: c.Events[0].ID})
	}); err != nil {
		t.Fatalf("赵建军 registers: %v", err)
	}

	// 3. The officer closes registration, accepts both, records the scores and publishes.
	j.signInOfficer("zz_officer")
	j.open(compPath)
	j.submit(`form[action$="/close"] button`)
	j.wantText("main", "报名截止")
	j.open(compPath + "/entries")
	j.wantText("main", "王芳", "赵建军")
	j.shot("entries")
	j.submit(`form[action$="/accept"] button`)
	j.submit(`form[action$="/accept"] button`)
	list, _, err := db.CompetitionEntries(ctx, all, compID, store.EntryFilter{Status: xiangpei.EntryAccepted}, store.Page{})
	if err != nil || len(list) != 2 {
		j.fail("accepted entries: %d %v", len(list), err)
	}
	j.open(fmt.Sprintf("%s/events/%d/scores", compPath, c.Events[0].ID))
	j.fill(`input[aria-label$="王芳"]`, "95.5", `input[aria-label$="赵建军"]`, "88")
	j.shot("scores")
	j.submit(`form[action$="/scores"] button`)
	j.wantText("main", "成绩已保存")
	j.open(compPath)
	j.submit(`form[action$="/publish"] button`)
	j.wantText("main", "结果已发布")
	j.open(compPath + "/results")
	j.wantText("main", "一等奖", "株洲市技术能手", "晋升为 3 级")
	j.shot("results")
	j.signOut()

	// 4. 王芳 sees her award on the portal and the new level-3 certificate.
	j.signIn("13907330002", seed.DemoPassword)
	j.open(fmt.Sprintf("/contests/%d", compID))
	j.wantText("main", "第 1 名", "一等奖", "株洲市技术能手", "晋升为 3 级")
	j.shot("winner-contest")
	// The certificate of this competition's promotion, found through 王芳's honours.
	entries, err := db.EntriesOf(ctx, all, wang.ID)
	if err != nil {
		t.Fatal(err)
	}
	var promoted xiangpei.Certificate
	for _, e := range entries {
		for _, h := range e.Honours {
			if e.CompetitionID == compID && h.Kind == "promotion" {
				if promoted, err = db.Certificate(ctx, all, h.CertificateID); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if promoted.Level != "3" || promoted.OccupationCode != occupation || promoted.IssuerName != "株洲市人力资源和社会保障局" ||
		!strings.Contains(promoted.Basis, "人社部发〔2022〕14号") || promoted.Status != xiangpei.CertValid {
		j.fail("王芳's promotion certificate: %+v", promoted)
	}
	j.open("/me/certificates")
	j.wantText("main", promoted.Number)
	j.shot("winner-certificates")
	j.open("/contests/mine")
	j.wantText("main", "株洲市养老护理职业技能竞赛（旅程）", "一等奖")
	// The lifelong record shows the award, the title and the promotion with its certificate.
	j.open("/me")
	j.wantText("#competitions", "株洲市养老护理职业技能竞赛（旅程）", "一等奖", "株洲市技术能手", promoted.Number)
	j.wantText("#certificates", promoted.Number)
	j.shot("winner-record")
}
