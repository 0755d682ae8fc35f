package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
)

// The 评 journey (issue 4): the assessment body schedules an assessment for the demo's closed
// 电工 class with two examiners and announces it; after the exam it imports the results from an
// .xlsx (one candidate fails), checks the dry run, commits and publishes, and the plan page shows
// the certificate numbers. A visitor opens the link the certificate's QR code carries and sees
// the certificate valid, the holder's name masked and no ID number; the city officer revokes the
// certificate, and the visitor's page then says it is revoked. The server runs on the journey's
// clock, which moves from before the exam to after it.
func TestBrowserEvaluationJourney(t *testing.T) {
	clk := &journeyClock{t: time.Now()}
	j := startJourneyOn(t, "evaluation", clk.now)
	db := j.openDB()
	ctx := context.Background()
	all := xiangpei.Scope{All: true}
	const className = "电工（五级）技能提升班 第 1 期"

	// The exam: tomorrow at nine, China time — in the future when the plan is saved.
	today := clk.now().In(xiangpei.ChinaTime)
	examAt := time.Date(today.Year(), today.Month(), today.Day(), 9, 0, 0, 0, xiangpei.ChinaTime).AddDate(0, 0, 1)
	examiners := [][2]string{
		{"旅程考评甲", newID("430203", "19750412", "517")},
		{"旅程考评乙", newID("430204", "19800923", "628")},
	}

	// 1. The assessment body schedules the plan for the closed class and announces it.
	j.signIn("assess_staff", seed.DemoPassword)
	j.wantPath("/")
	j.open("/assessments")
	j.shot("assessments")
	j.open("/assessments/new")
	classValue, err := chromedp.Run(j.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(Array.from(document.querySelectorAll('#p-class option')).find(o => o.textContent.includes(%q)) || {value: ""}).value`, className)))
	if err != nil || classValue == "" || classValue == "0" {
		j.fail("the class list of the plan form has no option for %s (%q, %v)", className, classValue, err)
	}
	j.fill("#p-occ", "6-31-01-03", "#p-venue", "株洲市职业技能等级认定中心 电工实操考场", "#p-cap", "30",
		"#ex-n0", examiners[0][0], "#ex-i0", examiners[0][1], "#ex-n1", examiners[1][0], "#ex-i1", examiners[1][1])
	j.do("choose the class mode", chromedp.Click(chromedp.CSS(`input[name=mode][value=class]`)))
	j.setValue("#p-level", "5", "#p-class", classValue, "#p-date", examAt.Format("2006-01-02"), "#p-time", "09:00")
	j.shot("plan-form")
	j.submit(`form[action="/assessments"] button`)
	planPathRe := regexp.MustCompile(`^/assessments/(\d+)$`)
	m := planPathRe.FindStringSubmatch(j.path())
	if m == nil {
		j.fail("saving the plan landed on %s, want /assessments/{id}", j.path())
	}
	planPath := m[0]
	var planID int64
	fmt.Sscan(m[1], &planID)
	j.wantText("main", examiners[0][0], examiners[1][0])
	j.wantPlanState("draft")
	cands, total, err := db.Candidates(ctx, all, planID, store.Page{Limit: 100})
	if err != nil || total < 2 {
		j.fail("the plan for the class has %d candidates (%v), want the class's completers", total, err)
	}
	for _, c := range cands {
		if c.Status != xiangpei.CandidateAccepted || c.Source != xiangpei.CandidateFromClass {
			t.Errorf("candidate %s: %s from %s, want accepted from the class", c.Name, c.Status, c.Source)
		}
	}
	j.shot("plan-draft")
	j.submit(`form[action$="/open"] button`)
	j.wantPath(planPath)
	j.wantPlanState("open")
	j.shot("plan-announced")
	j.signOut()

	// 2. After the exam: the results come from an .xlsx, one candidate fails.
	clk.set(examAt.Add(3 * time.Hour))
	results := filepath.Join(t.TempDir(), "成绩.xlsx")
	f, err := os.Create(results)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]any
	failing := cands[len(cands)-1]
	for i, c := range cands {
		theory, practical := fmt.Sprintf("%d", 70+i), "85.5"
		if c.ID == failing.ID {
			theory = "45"
		}
		rows = append(rows, []any{string(c.IDNumber), c.Name, theory, practical})
	}
	if err := sheet.Write(f, "成绩", []string{"身份证号", "姓名", "理论成绩", "实操成绩"}, rows); err != nil {
		t.Fatal(err)
	}
	f.Close()
	j.signIn("assess_staff", seed.DemoPassword)
	j.open(planPath)
	j.do("wait for the import link", chromedp.WaitVisible(chromedp.CSS(`a[href="`+planPath+`/import"]`)))
	j.open(planPath + "/import")
	j.do("choose the results file", chromedp.SetUploadFiles(chromedp.CSS("#results-file"), []string{results}))
	j.shot("import")
	j.submit(`form[enctype="multipart/form-data"] button`)
	j.wantText("#check", fmt.Sprint(len(cands)))
	j.do("wait for the commit button", chromedp.WaitVisible(chromedp.CSS(`form[action$="/commit"] button`)))
	if strings.Contains(j.html(), "state-rejected") {
		j.fail("the dry run refused rows of a clean results file")
	}
	j.shot("import-dry-run")
	j.submit(`form[action$="/commit"] button`)
	j.wantPath(planPath)
	cands, _, err = db.Candidates(ctx, all, planID, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		want := xiangpei.ResultPass
		if c.ID == failing.ID {
			want = xiangpei.ResultFail
		}
		if !c.Scored || c.Result != want {
			j.fail("after the commit %s is scored %v with result %q, want %q", c.Name, c.Scored, c.Result, want)
		}
	}
	j.shot("scores")
	j.submit(`form[action$="/publish"] button`)
	j.wantPath(planPath)
	j.wantPlanState("published")
	cands, _, err = db.Candidates(ctx, all, planID, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var holder store.CandidateRow
	for _, c := range cands {
		switch {
		case c.ID == failing.ID && c.CertificateID != 0:
			j.fail("the failing candidate %s got certificate %s", c.Name, c.CertNumber)
		case c.ID != failing.ID && (c.CertificateID == 0 || c.CertNumber == ""):
			j.fail("the passing candidate %s has no certificate", c.Name)
		case c.ID != failing.ID && holder.ID == 0:
			holder = c
		}
	}
	for _, c := range cands {
		if c.CertNumber != "" {
			j.wantText("#candidates", c.CertNumber)
		}
	}
	j.shot("published")

	// 3. The certificate's A4 page carries the QR code of its verification link.
	certPath := fmt.Sprintf("/certificates/%d", holder.CertificateID)
	number := holder.CertNumber
	verifyPath := "/verify/" + number
	j.open(certPath + "/print")
	j.do("wait for the QR code", chromedp.WaitVisible(chromedp.CSS(`.cert-qr img`)))
	qrSrc, err := chromedp.Run(j.ctx, chromedp.Evaluate[string](`document.querySelector('.cert-qr img').getAttribute('src')`))
	if err != nil {
		j.fail("the QR image's address: %v", err)
	}
	qrOK, err := chromedp.Run(j.ctx, chromedp.Poll[bool](
		`(() => { const i = document.querySelector('.cert-qr img'); return i.complete && i.naturalWidth > 0; })()`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		j.fail("the QR image did not load: %v", err)
	}
	if qrSrc != certPath+"/qr.png" || !qrOK {
		j.fail("the A4 page's QR image is %q (loaded: %v), want %s/qr.png drawn", qrSrc, qrOK, certPath)
	}
	j.wantText(".cert-qr figcaption", j.base+verifyPath)
	j.shot("certificate-print")
	j.open(certPath)
	j.signOut()

	// The visitor opens the link of the QR code.
	checkVerdict := func(state, word string) {
		t.Helper()
		j.open(verifyPath)
		got := j.wantText(".verdict", number, xiangpei.MaskName(holder.Name), word)
		if strings.Contains(got, holder.Name) && len([]rune(holder.Name)) > 1 {
			j.fail("the verification page shows the holder's full name %s", holder.Name)
		}
		j.do("wait for the state", chromedp.WaitVisible(chromedp.CSS(".verdict .state-"+state)))
		page := j.html()
		id := string(holder.IDNumber)
		for _, leak := range []string{id, id[:6] + "********" + id[14:], holder.IDNumber.Masked()} {
			if strings.Contains(page, leak) {
				j.fail("the verification page holds the holder's ID number (%s)", leak)
			}
		}
		// The JSON twin says the same, and holds no ID number either.
		j.open("/api/v1" + verifyPath)
		body := j.text("body")
		if !strings.Contains(body, `"`+state+`"`) || strings.Contains(body, id) || strings.Contains(body, holder.IDNumber.Masked()) {
			j.fail("/api/v1%s answers %s, want status %q and no ID number", verifyPath, body, state)
		}
		j.open(verifyPath)
	}
	checkVerdict("valid", "有效")
	j.shot("verify-valid")

	// 4. The city officer (registry and publish duties; the body is in 荷塘区 of 株洲市) revokes it.
	j.signInOfficer("zz_officer")
	j.open(certPath)
	j.wantText("main", number, "有效")
	j.setValue("#reason", "考评记录核查发现实操成绩登记有误，撤销该证书。")
	j.shot("revoke-form")
	j.submit(`form[action$="/revoke"] button`)
	j.wantPath(certPath)
	j.wantText("main", "已撤销", "考评记录核查发现实操成绩登记有误")
	j.shot("revoked")
	c, err := db.Certificate(ctx, all, holder.CertificateID)
	if err != nil || c.Status != xiangpei.CertRevoked {
		j.fail("after the revocation certificate %s is %q (%v), want revoked", number, c.Status, err)
	}
	j.signOut()

	// 5. The visitor reloads the link: revoked.
	checkVerdict("revoked", "已撤销")
	j.shot("verify-revoked")
}

// wantPlanState waits until the plan page's heading shows the plan in the state (its state badge,
// whatever the catalogue calls it).
func (j *journey) wantPlanState(state string) {
	j.t.Helper()
	j.do("wait for the plan state "+state, chromedp.WaitVisible(chromedp.CSS(`main h2 .state-`+state)))
}
