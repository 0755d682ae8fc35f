package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// The 培 journey (issue 3): an institution files a class, the county officer returns it, the
// institution fixes and refiles it, the officer approves it, the roster comes from an .xlsx,
// trainees check in by the dynamic QR code and by the terminal simulator, the institution
// closes the class, and the completion shows on the trainee's lifelong record. The server runs
// on a clock of the journey's own, which moves from the filing to the session to the closing.

// journeyClock is a movable clock.
type journeyClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *journeyClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *journeyClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// signInOfficer signs in an officer of the demo, passing the second factor with the code the
// demo shows.
func (j *journey) signInOfficer(login string) {
	j.t.Helper()
	j.signIn(login, seed.DemoPassword)
	j.wantPath("/login/totp")
	j.fill("#code", j.text("#demo-code"))
	j.submit(`form[action="/login/totp"] button[type=submit]`)
}

// signOut ends the session.
func (j *journey) signOut() {
	j.t.Helper()
	j.submit(`form[action="/logout"] button`)
	j.wantPath("/login")
}

// setValue sets form fields (inputs or selects), keyed by CSS selector.
func (j *journey) setValue(fields ...string) {
	j.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for i := 0; i+1 < len(fields); i += 2 {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(fields[i]), fields[i+1]))
	}
	j.do("set "+strings.Join(fields, " "), steps...)
}

func TestBrowserTrainingJourney(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	clk := &journeyClock{t: time.Now()}
	j := startJourneyOn(t, "training", clk.now)
	db := j.openDB()
	ctx := context.Background()
	all := xiangpei.Scope{All: true}

	// The demo institution, its venue and its electrical-work teacher.
	orgs, _, err := db.SearchOrgs(ctx, all, "institution", "新航向", "", store.Page{Limit: 1})
	if err != nil || len(orgs) != 1 {
		t.Fatalf("demo institution: %v %d", err, len(orgs))
	}
	inst := orgs[0]
	venues, err := db.Venues(ctx, all, inst.ID)
	if err != nil || len(venues) == 0 {
		t.Fatalf("demo venues: %v", err)
	}
	teachers, err := db.Teachers(ctx, all, inst.ID)
	if err != nil || len(teachers) == 0 {
		t.Fatalf("demo teachers: %v", err)
	}
	var teacher xiangpei.Teacher
	for _, tc := range teachers {
		if tc.Name == "周师傅" {
			teacher = tc
		}
	}
	cal, err := db.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// One evening session of three hours, two to three weeks ahead, at an hour no demo class uses.
	day := cal.AddWorkdays(time.Now().In(cst), 12)
	starts := time.Date(day.Year(), day.Month(), day.Day(), 18, 30, 0, 0, cst)
	ends := starts.Add(3 * time.Hour)

	// 1. The institution files the class.
	j.signIn("inst_staff", seed.DemoPassword)
	j.open("/classes/new")
	j.fill("#cls-name", "电工（五级）夜间提升班 旅程")
	j.setValue("#cls-occupation", "6-31-01-03|5", "#cls-funding", xiangpei.FundingSubsidised,
		"#cls-venue", fmt.Sprint(venues[0].ID), "#cls-capacity", "30")
	j.do("choose the teacher", chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name=teacher_ids][value="%d"]`, teacher.ID))))
	j.setValue("#rep-from", starts.Format("2006-01-02"), "#rep-count", "1", "#rep-start", "18:30", "#rep-end", "21:30",
		"#rep-kind", xiangpei.SessionTheory, "#rep-teacher", fmt.Sprint(teacher.ID))
	j.submit(`button[name=step][value=repeat]`)
	j.shot("class-form")
	j.submit(`button[name=step][value=save]:not(.cls-default)`)
	classPath := j.path()
	if !regexp.MustCompile(`^/classes/\d+$`).MatchString(classPath) {
		j.fail("after saving the filing the browser is on %s, want the class page", classPath)
	}
	var classID int64
	fmt.Sscanf(classPath, "/classes/%d", &classID)
	j.submit(`form[action$="/submit"] button`)
	j.wantText(".cls-status", "待审核")
	j.shot("filed")
	j.signOut()

	// 2. The county officer returns it with a reason.
	j.signInOfficer("ty_officer")
	j.open("/classes/review")
	j.wantText("main", "电工（五级）夜间提升班 旅程")
	j.shot("review-queue")
	j.open(classPath)
	j.setValue("#return-reason", "请在班级名称中写明期数。")
	j.submit(`form[action$="/return"] button`)
	j.wantText(".cls-status", "已退回")
	j.signOut()

	// 3. The institution sees the reason, fixes the filing and files it again.
	j.signIn("inst_staff", seed.DemoPassword)
	j.open(classPath)
	j.wantText(".notice.err", "请在班级名称中写明期数")
	j.shot("returned")
	j.open(classPath + "/edit")
	j.fill("#cls-name", "电工（五级）夜间提升班 第 1 期")
	j.submit(`button[name=step][value=save]:not(.cls-default)`)
	j.wantPath(classPath)
	j.submit(`form[action$="/submit"] button`)
	j.wantText(".cls-status", "待审核")
	j.signOut()

	// 4. The officer approves it.
	j.signInOfficer("ty_officer")
	j.open(classPath)
	j.submit(`form[action$="/approve"] button`)
	j.wantText(".cls-status", "已通过")
	j.shot("approved")
	j.signOut()

	// 5. The roster comes from an .xlsx: 王芳 (a demo person with an account) and two others.
	roster := filepath.Join(t.TempDir(), "名册.xlsx")
	f, err := os.Create(roster)
	if err != nil {
		t.Fatal(err)
	}
	others := []string{newID("430211", "19900305", "611"), newID("430202", "19880721", "622")}
	if err := sheet.Write(f, "学员名册", []string{"身份证号", "姓名", "手机号"}, [][]any{
		{newID("430202", "20020304", "122"), "王芳", "13907330002"},
		{others[0], "旅程甲", "13907331611"},
		{others[1], "旅程乙", "13907331622"},
	}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	j.signIn("inst_staff", seed.DemoPassword)
	j.open(classPath + "/roster/import")
	j.do("choose the roster file", chromedp.SetUploadFiles(chromedp.CSS("#roster-file"), []string{roster}))
	j.submit(`form[enctype="multipart/form-data"] button`)
	j.shot("roster-dry-run")
	j.submit(`form[action$="/commit"] button`)
	trainees, err := db.Trainees(ctx, all, classID)
	if err != nil || len(trainees) != 3 {
		j.fail("after the import the roster has %d trainees (%v), want 3", len(trainees), err)
	}
	j.shot("roster")

	// 6. The day of the session: the class starts, and the teacher's screen shows the QR code.
	clk.set(starts.Add(-10 * time.Minute))
	j.signIn("inst_staff", seed.DemoPassword)
	j.open(classPath)
	j.submit(`form[action$="/start"] button`)
	j.wantText(".cls-status", "培训中")
	c, err := db.Class(ctx, all, classID)
	if err != nil {
		t.Fatal(err)
	}
	sessionID := c.Sessions[0].ID
	j.open(fmt.Sprintf("/sessions/%d/qr", sessionID))
	j.shot("session-qr")
	j.signOut()

	// 7. 王芳 opens the link the QR code carries and checks in.
	q, err := db.SessionQR(ctx, all, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	clk.set(starts.Add(-5 * time.Minute))
	code := xiangpei.QRCode(q.Key, sessionID, xiangpei.QRWindow(clk.now(), 30))
	j.signIn("13907330002", seed.DemoPassword)
	j.open(fmt.Sprintf("/checkin?s=%d&c=%s", sessionID, code))
	j.shot("checkin")
	j.submit(`form[action="/checkin"] button`)
	j.shot("checked-in")
	j.signOut()

	// 8. The venue's terminal checks in the others and checks everyone out, played by
	// `xiangpei terminal simulate`.
	j.signIn("inst_staff", seed.DemoPassword)
	j.open("/terminals")
	j.fill("#terminal-name", "夜校教室人脸考勤机")
	j.setValue("#terminal-venue", fmt.Sprint(venues[0].ID))
	j.submit(`form[action="/terminals"] button`)
	secret := j.text(".terminal-secret")
	termID := j.text("dl.facts dd.mono")
	j.shot("terminal-secret")
	j.signOut()
	ids := filepath.Join(t.TempDir(), "ids.txt")
	if err := os.WriteFile(ids, []byte(strings.Join(append([]string{newID("430202", "20020304", "122")}, others...), "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	simulate := func(want string, extra ...string) {
		t.Helper()
		var out, errOut strings.Builder
		args := append([]string{"terminal", "simulate", "--server", j.base, "--terminal", termID, "--secret", secret,
			"--session", fmt.Sprint(sessionID), "--ids", ids, "--at", starts.Add(-3 * time.Minute).Format(time.RFC3339), "--gap", "2"}, extra...)
		err := run(context.WithValue(ctx, clockKey{}, clk.now), args, func(string) string { return "" }, &out, &errOut)
		if err != nil || !strings.Contains(out.String(), want) {
			t.Fatalf("terminal simulate %v: %v, want %q in\n%s\n%s", extra, err, want, out.String(), errOut.String())
		}
	}
	clk.set(starts)
	simulate("3 accepted, 0 duplicate, 0 refused")
	// After the session the terminal sends its check-outs with the day's check-ins again:
	// those are duplicates, and harmless.
	clk.set(ends.Add(10 * time.Minute))
	simulate("3 accepted, 3 duplicate, 0 refused", "--checkout-after", "185")

	// 9. After the session the institution closes the class.
	clk.set(ends.Add(time.Hour))
	j.signIn("inst_staff", seed.DemoPassword)
	j.open(fmt.Sprintf("/classes/%d/attendance", classID))
	j.shot("attendance")
	j.open(fmt.Sprintf("/classes/%d/close", classID))
	j.shot("close-preview")
	j.submit(fmt.Sprintf(`form[action="/classes/%d/close"] button`, classID))
	j.open(classPath)
	j.wantText(".cls-status", "已结业")
	j.signOut()

	// 10. 王芳's lifelong record shows the completion.
	j.signIn("13907330002", seed.DemoPassword)
	j.open("/me")
	j.wantText("main", "电工（五级）夜间提升班 第 1 期", "已结业")
	j.shot("record")
	trainees, err = db.Trainees(ctx, all, classID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range trainees {
		if tr.Status != xiangpei.TraineeCompleted {
			t.Errorf("%s: %s, want completed", tr.Name, tr.Status)
		}
	}
}
