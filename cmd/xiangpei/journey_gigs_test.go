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

// The 零工市场 journey (issue 6): the demo employer posts a day gig in 天元区 (a wage below the
// minimum wage is refused first, with the reason); 王芳 finds it on the map-like list, signs up
// in one tap, checks in on site with her position and confirms the wage; the employer confirms
// the same wage, seeing her ID number masked; the journey's clock passes the due day unpaid;
// 王芳 files the wage-arrears complaint in one tap, pre-filled in Chinese; 天元区's complaint
// officer accepts, investigates, mediates and closes it; 王芳 sees it closed. The server runs
// on the journey's clock.
func TestBrowserGigJourney(t *testing.T) {
	clk := &journeyClock{t: time.Now()}
	j := startJourneyOn(t, "gigs", clk.now)
	db := j.openDB()
	ctx := context.Background()
	const title = "旅程钢材装卸"
	today := xiangpei.ChinaDate(clk.now())

	// 1. The employer posts the gig: refused below the minimum wage, then posted.
	j.signIn("employer_staff", seed.DemoPassword)
	j.open("/employer/gigs")
	j.do("open the form", chromedp.Click(chromedp.CSS("main details summary")))
	j.fill("#title", title, "#wage", "100", "#units", "1", "#headcount", "2",
		"#place", "天元区钢材市场", "#lat", "27.8300", "#lng", "113.0800")
	j.setValue("#description", "装卸钢材，管午饭", "#unit", "day", "#date", today, "#county", "430211")
	j.submit(`form[action="/employer/gigs"] button`)
	j.wantText(".notice.err", "最低工资标准")
	j.shot("refused-minimum-wage")
	j.fill("#wage", "220")
	j.submit(`form[action="/employer/gigs"] button`)
	gigPath := j.path()
	if !regexp.MustCompile(`^/employer/gigs/\d+$`).MatchString(gigPath) {
		j.fail("posting landed on %s", gigPath)
	}
	gigID := strings.TrimPrefix(gigPath, "/employer/gigs/")
	j.wantText("main", "220.00", "剩 2 个")
	j.shot("posted")
	j.signOut()

	// 2. 王芳 finds it nearest on the list with the map, signs up in one tap.
	j.signIn("13907330002", seed.DemoPassword)
	j.open("/gigs?lat=27.8310&lng=113.0810")
	j.wantText("main ul.course-cards li:first-child", title, "公里")
	j.do("the map", chromedp.WaitVisible(chromedp.CSS("main svg circle")))
	j.shot("list-map")
	j.open("/gigs/" + gigID)
	j.submit(`form[action="/gigs/` + gigID + `/signup"] button`)
	j.wantPath("/me/gigs")
	var sid int64
	if list, _, err := db.GigSignups(ctx, xiangpei.Scope{All: true}, store.GigSignupFilter{}, store.Page{Limit: 100}); err == nil {
		for _, u := range list {
			if u.Gig.Title == title && u.PersonName == "王芳" {
				sid = u.ID
			}
		}
	}
	if sid == 0 {
		j.fail("no sign-up of 王芳 for the gig")
	}
	card := fmt.Sprintf("#signup-%d", sid)
	j.wantText(card, title, "已报名")
	j.shot("signed-up")

	// She checks in on site (2 km away is refused), then confirms the wage.
	j.fill(card+" input[name=lat]", "27.8480", card+" input[name=lng]", "113.0800")
	j.submit(card + ` form[action$="/check_in"] button`)
	j.wantText(".notice.err", "公里")
	j.fill(card+" input[name=lat]", "27.8302", card+" input[name=lng]", "113.0801")
	j.submit(card + ` form[action$="/check_in"] button`)
	j.wantText(card, "已签到")
	j.shot("checked-in")
	j.submit(card + ` form[action$="/confirm"] button`)
	j.wantText(card, "本人 220.00 元")
	j.signOut()

	// 3. The employer confirms the same wage; the worker's ID number is masked.
	j.signIn("employer_staff", seed.DemoPassword)
	j.open(gigPath)
	scard := fmt.Sprintf("#signup-%d", sid)
	if got := j.text(scard + " h3"); strings.Contains(got, "43020220020304122") || !strings.Contains(got, "*") {
		j.fail("the employer sees %q, want the ID number masked", got)
	}
	j.submit(scard + ` form[action$="/confirm"] button`)
	j.wantText(scard, "已完工")
	j.shot("completed")
	j.signOut()

	// 4. The due day (the day of work) passes unpaid.
	clk.set(clk.now().Add(50 * time.Hour))
	j.signIn("13907330002", seed.DemoPassword)
	j.open("/me/gigs")
	j.wantText(card, "逾期未付")
	j.shot("unpaid")
	j.submit(card + ` form[action$="/complain"] button`)
	complaintPath := j.path()
	if !regexp.MustCompile(`^/complaints/\d+$`).MatchString(complaintPath) {
		j.fail("the one-tap complaint landed on %s", complaintPath)
	}
	j.wantText("main", "双方已确认工资 220.00 元", title, "已提交")
	j.shot("complaint-filed")
	if u, err := db.GigSignup(ctx, xiangpei.Scope{All: true}, sid); err != nil || u.Status != xiangpei.GigComplaint {
		j.fail("the sign-up after the complaint: %v %s", err, u.Status)
	}
	j.signOut()

	// 5. 天元区's complaint officer handles it to closure.
	j.signInOfficer("ty_officer")
	j.open("/complaints")
	j.wantText("main", "王芳")
	j.open(complaintPath)
	j.submit(`form[action$="/move"] button[value=accept]`)
	j.submit(`form[action$="/move"] button[value=investigate]`)
	j.setValue("#note", "用工单位同意当日一次性支付 220 元")
	j.fill("#agreed", "220")
	j.submit(`form[action$="/move"] button[value=mediate]`)
	j.submit(`form[action$="/move"] button[value=close]`)
	j.wantText("main", "已结案")
	j.shot("closed-by-officer")
	j.signOut()

	// 6. 王芳 sees it closed.
	j.signIn("13907330002", seed.DemoPassword)
	j.open(complaintPath)
	j.wantText("main", "已结案", "用工单位同意")
	j.shot("person-sees-closed")
}
