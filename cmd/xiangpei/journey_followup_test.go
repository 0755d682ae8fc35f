package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"xiangpei"
	"xiangpei/internal/seed"
)

// The 就业跟踪 journey (issue 6): 李建国 reports a job on his phone and sees it 未核验 on his
// record; 天元区's officer finds it waiting and verifies it, records a 3-month follow-up from the
// queue (a missing outcome's job refused first, in Chinese), and reads the demo class's
// employment rate beside last year's with the +5 goal met; 李建国 then sees the job 已核验.
func TestBrowserFollowUpJourney(t *testing.T) {
	j := startJourney(t, "followup")
	year := xiangpei.AddMonths(time.Now(), -7).Year()
	start := xiangpei.ChinaDate(xiangpei.AddMonths(time.Now(), -1))

	// 1. 李建国 reports his job, on a phone-sized screen.
	j.do("phone screen", chromedp.EmulateViewport(390, 844))
	j.signIn("13907330001", seed.DemoPassword)
	j.open("/me/employment")
	j.fill("#employer_name", "株洲旅程物业服务有限公司", "#occupation", "电工")
	j.setValue("#county", "430211", "#starts_on", start)
	j.submit(`form[action="/me/employment"] button`)
	j.wantText(".notice.ok", "待经办人员核验")
	j.wantText("#jobs", "株洲旅程物业服务有限公司", "未核验")
	j.shot("reported-phone")
	j.signOut()
	j.do("desktop screen", chromedp.EmulateViewport(1280, 900))

	// 2. The officer verifies it.
	j.signInOfficer("ty_officer")
	j.open("/employment/records?status=unverified")
	j.wantText("main table", "株洲旅程物业服务有限公司", "株洲市芦淞区爱心家政服务部")
	j.shot("waiting")
	j.submit(`main table tr:first-child form[action$="/verify"] button`)
	j.wantText(".notice.ok", "已核验")

	// 3. The follow-up queue: record the first one as employed — without the job first.
	j.open("/employment/follow-ups")
	j.wantText("main", seed.DemoFollowUpClasses[0], "已逾期")
	j.shot("queue")
	card := "main section.card:first-of-type"
	j.do("open the form", chromedp.Click(chromedp.CSS(card+" details summary")))
	j.setValue(card+` select[name="outcome"]`, "employed")
	j.submit(card + ` form button`)
	j.wantText(".notice.err", "区县")
	j.shot("employed-without-job")
	card = "main section.card:first-of-type"
	j.do("open the form again", chromedp.Click(chromedp.CSS(card+" details summary")))
	j.setValue(card+` select[name="outcome"]`, "employed", card+` select[name="county"]`, "430211", card+` input[name="starts_on"]`, start)
	j.fill(card+` input[name="employer_name"]`, "株洲市天元区康乐养老院")
	j.submit(card + ` form button`)
	j.wantText(".notice.ok", "回访结果已记录")

	// 4. The rate of the demo class's year beside last year's.
	j.open(fmt.Sprintf("/employment/rates?by=class&year=%d", year))
	j.wantText("main table", seed.DemoFollowUpClasses[0], "达标")
	j.shot("rates")
	j.signOut()

	// 5. 李建国 sees his job verified.
	j.signIn("13907330001", seed.DemoPassword)
	j.open("/me")
	j.wantText("#jobs", "株洲旅程物业服务有限公司", "已核验")
	j.shot("verified")
}
