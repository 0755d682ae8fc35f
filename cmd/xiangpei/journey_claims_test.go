package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
)

// The 补贴 journey (issue 5): the institution opens the closed class the demo leaves unclaimed,
// makes a claim (each line with its trace) and submits it (the audit runs); the county officer
// takes it up, reduces one line with a reason and approves the others, and passes it; the city
// officer (another account) approves every line and passes it to the public notice; a visitor
// objects to a line on the public notice page and the city officer dismisses the objection;
// the journey's clock moves past the notice's end; the institution's staff sets its bank
// account on /org/bank-account; the finance officer builds a batch (paid to that account), reads
// the bank file, uploads the bank's return file made from it with one line 失败 (dry run, then
// commit), re-issues the failed line in a new batch and imports its return — every line of the
// claim is paid; the ledger balances; 李建国, a trainee of the class, sees the subsidy paid on
// his lifelong record. The server runs on the journey's clock.
func TestBrowserClaimsJourney(t *testing.T) {
	clk := &journeyClock{t: time.Now()}
	j := startJourneyOn(t, "claims", clk.now)
	db := j.openDB()
	ctx := context.Background()
	all := xiangpei.Scope{All: true}

	closed, _, err := db.Classes(ctx, all, store.ClassFilter{Status: xiangpei.ClassClosed}, store.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var class xiangpei.Class
	for _, c := range closed {
		if c.Name == seed.DemoClaimableClass {
			class = c
		}
	}
	if class.ID == 0 {
		t.Fatalf("the demo has no closed class %s", seed.DemoClaimableClass)
	}
	classPath := fmt.Sprintf("/classes/%d", class.ID)

	// 1. The institution opens its closed class, previews the claim and makes it, and submits.
	j.signIn("inst_staff", seed.DemoPassword)
	j.open("/claims")
	j.wantText("main", seed.DemoClaimableClass)
	j.shot("claims")
	j.open(classPath)
	j.shot("class")
	j.submit(fmt.Sprintf(`a[href="/claims/new?class=%d"]`, class.ID))
	j.wantPath("/claims/new")
	j.wantText(".claim-lines", "李建国", "通过")
	j.shot("preview")
	j.submit(`form[action="/claims"] button`)
	m := regexp.MustCompile(`^/claims/(\d+)$`).FindStringSubmatch(j.path())
	if m == nil {
		j.fail("making the claim landed on %s, want /claims/{id}", j.path())
	}
	claimPath := m[0]
	claimID, _ := strconv.ParseInt(m[1], 10, 64)
	j.wantText("main h2", "草稿")
	j.submit(`form[action$="/submit"] button`)
	j.wantPath(claimPath)
	j.wantText("main h2", "已提交")
	j.do("wait for the audit results", chromedp.WaitVisible(chromedp.CSS(`.claim-lines .state-pass`)))
	j.shot("submitted")
	k, err := db.Claim(ctx, all, claimID)
	if err != nil || k.Status != xiangpei.ClaimSubmitted || k.ClassID != class.ID {
		j.fail("after submitting, claim %d is %+v (%v)", claimID, k, err)
	}
	lines := journeyLines(t, db, claimID)
	for _, l := range lines {
		if l.Payable && l.Audit == xiangpei.AuditNotRun {
			j.fail("line of %s was not audited on submission", l.PersonName)
		}
	}
	j.signOut()

	// 2. The county officer takes it up, reduces one line with a reason, approves the rest, passes.
	reviewPath := fmt.Sprintf("/claim-review/%d", claimID)
	j.signInOfficer("ty_officer")
	j.open("/claim-review")
	j.wantText("main", seed.DemoClaimableClass)
	j.shot("county-queue")
	j.open(reviewPath)
	j.submit(`form[action$="/accept"] button`)
	j.wantPath(reviewPath)
	lines = journeyLines(t, db, claimID)
	reduced := lines[len(lines)-1] // not 李建国 (sorted by name, 李 comes before the last)
	if reduced.PersonName == "李建国" {
		reduced = lines[0]
	}
	reducedTo := store.EffectiveFen(reduced) - 20000
	const reduceReason = "第 2 次实操课迟到 40 分钟，按实际参训课时核减 200 元。"
	for _, l := range lines {
		if !l.Payable {
			continue
		}
		form := fmt.Sprintf(`form:has(input[name=line][value="%d"])`, l.ID)
		if l.ID == reduced.ID {
			j.setValue(fmt.Sprintf("#d-%d", l.ID), "reduce")
			j.fill(fmt.Sprintf("#a-%d", l.ID), xiangpei.FormatFen(reducedTo), fmt.Sprintf("#r-%d", l.ID), reduceReason)
			j.shot("county-reduce")
		} else {
			j.setValue(fmt.Sprintf("#d-%d", l.ID), "approve")
		}
		j.submit(form + " button")
		j.wantPath(reviewPath)
	}
	j.wantText(".claim-lines", reduceReason)
	j.shot("county-decided")
	j.submit(`form[action$="/pass"] button`)
	j.wantPath(reviewPath)
	j.wantText("main h2", "市级复核中")
	j.signOut()

	// 3. The city officer approves every line and passes the claim to the public notice.
	j.signInOfficer("zz_officer")
	j.open("/claim-review?step=2")
	j.wantText("main", seed.DemoClaimableClass)
	j.open(reviewPath)
	for _, l := range journeyLines(t, db, claimID) {
		if l.Status != xiangpei.ClaimReview2 {
			continue
		}
		j.setValue(fmt.Sprintf("#d-%d", l.ID), "approve")
		j.submit(fmt.Sprintf(`form:has(input[name=line][value="%d"]) button`, l.ID))
		j.wantPath(reviewPath)
	}
	j.shot("city-decided")
	j.submit(`form[action$="/pass"] button`)
	j.wantPath(reviewPath)
	j.wantText("main h2", "公示中")
	j.shot("city-passed")
	j.signOut()
	notice, err := db.NoticeOfClaim(ctx, all, claimID)
	if err != nil {
		t.Fatal(err)
	}
	noticePath := fmt.Sprintf("/notices/%d", notice.ID)

	// 4. A visitor reads the public notice (names masked) and objects to one line.
	j.open("/notices")
	j.wantText("main", seed.DemoClaimableClass)
	j.open(noticePath)
	page := j.text("main")
	if strings.Contains(page, "李建国") || !strings.Contains(page, xiangpei.MaskName("李建国")) {
		j.fail("the public notice shows %q, want 李建国's name masked", page)
	}
	lines = journeyLines(t, db, claimID)
	objected := lines[0]
	j.do("open the objection form", chromedp.Click(chromedp.CSS(fmt.Sprintf(`details:has(input[name=line][value="%d"]) summary`, objected.ID))))
	j.do("write the objection", chromedp.SendKeys(chromedp.CSS(fmt.Sprintf("#t-%d", objected.ID)), "听说这名学员培训期间一直在外地打工，没有参加培训，请核实。"),
		chromedp.SendKeys(chromedp.CSS(fmt.Sprintf("#c-%d", objected.ID)), "13807330000"))
	j.shot("objection")
	j.submit(fmt.Sprintf(`form:has(input[name=line][value="%d"]) button`, objected.ID))
	j.wantPath(noticePath)
	j.wantText("main", "异议处理中")
	j.shot("objection-received")

	// 5. The city officer resolves it: dismissed, with the reason.
	j.signInOfficer("zz_officer")
	j.open("/claim-review/objections")
	form := fmt.Sprintf(`form:has(input[name=line][value="%d"])`, objected.ID)
	j.do("wait for the objection", chromedp.WaitVisible(chromedp.CSS(form)))
	j.setValue(form+` select[name=outcome]`, "dismiss")
	j.fill(form+` input[name=reason]`, "经调取考勤机人脸记录，该学员全程参训，异议不成立。")
	j.shot("objection-resolve")
	j.submit(form + " button")
	j.wantPath("/claim-review/objections")
	j.shot("objection-dismissed")
	if l := journeyLine(t, db, claimID, objected.ID); l.Status != xiangpei.ClaimNotice {
		j.fail("after the dismissal the line is %s, want back in notice", l.Status)
	}
	j.signOut()

	// 6. The notice runs its working days: the clock moves past its end.
	clk.set(notice.Ends.Add(time.Hour))
	j.open(noticePath)
	j.wantText("main", "公示结束")
	j.shot("notice-ended")

	// 6b. A batch pays only payees with a bank account: the institution's staff sets its
	// settlement account (收款账户) on /org/bank-account — a new account replacing the demo's.
	j.signIn("inst_staff", seed.DemoPassword)
	j.open("/org/bank-account")
	j.fill("#bank-holder", k.OrgName, "#bank-bank", "中国建设银行", "#bank-branch", "中国建设银行株洲荷塘支行", "#bank-no", "6217 0020 3040 5060 708")
	j.shot("bank-account")
	j.submit(`form[action="/org/bank-account"] button`)
	j.wantText("main", "中国建设银行株洲荷塘支行")
	j.shot("bank-account-saved")
	j.signOut()

	// 7. The finance officer builds a batch of the approved lines and reads the bank file.
	j.signInOfficer("zz_finance")
	j.open("/payments")
	j.fill("#note", "旅程第 1 批")
	j.shot("build")
	j.submit(`form[action="/payments"] button`)
	batch1 := j.batchPath()
	j.shot("batch")
	lines = journeyLines(t, db, claimID)
	bank := j.bankFile(batch1)
	for _, l := range lines {
		if l.Status != xiangpei.ClaimInPayment {
			j.fail("line of %s is %s after the batch, want in_payment", l.PersonName, l.Status)
		}
		row, ok := bank[l.ID]
		if !ok {
			j.fail("the bank file has no row for line %d (%s)", l.ID, l.PersonName)
		}
		if row[2] != "机构" || row[3] != k.OrgName || row[5] != "6217002030405060708" || row[6] != xiangpei.FormatFen(store.EffectiveFen(l)) {
			j.fail("the bank file's row for line %d is %v, want the institution %s paid %s", l.ID, row, k.OrgName, xiangpei.FormatFen(store.EffectiveFen(l)))
		}
	}
	if got := bank[reduced.ID][6]; got != xiangpei.FormatFen(reducedTo) {
		j.fail("the reduced line is paid %s, want the reduced %s", got, xiangpei.FormatFen(reducedTo))
	}

	// The bank's return file, made from the bank file: the objected line failed.
	failing := objected.ID
	ret := returnFile(t, bank, map[int64]bool{failing: true})
	j.uploadReturn(batch1, ret, false)
	j.wantText("main", "拨付失败")
	j.shot("return-dry-run")
	if l := journeyLine(t, db, claimID, failing); l.Status != xiangpei.ClaimInPayment {
		j.fail("the dry run changed the line to %s", l.Status)
	}
	j.uploadReturn(batch1, ret, true)
	j.wantPath(batch1)
	j.shot("return-committed")
	for _, l := range journeyLines(t, db, claimID) {
		want := xiangpei.ClaimPaid
		if l.ID == failing {
			want = xiangpei.LinePaymentFailed
		}
		if l.Status != want {
			j.fail("after the return file, line of %s is %s, want %s", l.PersonName, l.Status, want)
		}
	}

	// Re-issue the failed line in a new batch; the bank pays it.
	j.open("/payments")
	j.do("tick re-issue", chromedp.Click(chromedp.CSS(`input[name=reissue]`)))
	j.fill("#note", "旅程重发")
	j.submit(`form[action="/payments"] button`)
	batch2 := j.batchPath()
	if batch2 == batch1 {
		j.fail("the re-issue landed on the first batch")
	}
	bank2 := j.bankFile(batch2)
	if _, ok := bank2[failing]; !ok {
		j.fail("the re-issue's bank file has no row for the failed line %d: %v", failing, bank2)
	}
	j.shot("reissue")
	j.uploadReturn(batch2, returnFile(t, bank2, nil), true)
	j.wantPath(batch2)
	j.shot("reissue-paid")
	for _, l := range journeyLines(t, db, claimID) {
		if l.Payable && l.Status != xiangpei.ClaimPaid {
			j.fail("after the re-issue line of %s is %s, want paid", l.PersonName, l.Status)
		}
	}
	if k, err = db.Claim(ctx, all, claimID); err != nil || k.Status != xiangpei.ClaimPaid {
		j.fail("the claim is %s (%v), want paid", k.Status, err)
	}

	// The ledger balances: what the budget gave is reserved, paid or clawed back.
	j.open("/ledger")
	j.wantText("main", "430200")
	j.shot("ledger")
	bal, err := db.LedgerBalances(ctx, xiangpei.Actor{Name: "journey", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}, 0)
	if err != nil || len(bal) == 0 {
		j.fail("ledger balances: %v %v", bal, err)
	}
	for _, b := range bal {
		var sum int64
		for _, v := range b.Balances {
			sum += v
		}
		if sum != 0 || b.Remaining != b.Budget.AmountFen+b.Balances["budget"] {
			j.fail("budget %d does not balance: %v, remaining %d of %d", b.Budget.ID, b.Balances, b.Remaining, b.Budget.AmountFen)
		}
	}
	j.signOut()

	// 8. 李建国 sees the subsidy paid on his lifelong record.
	j.signIn("13907330001", seed.DemoPassword)
	j.open("/me")
	j.do("wait for the paid claim", chromedp.WaitVisible(chromedp.CSS(`.state-paid`)))
	j.wantText("main", seed.DemoClaimableClass, "已拨付")
	j.shot("record-paid")
}

// journeyLines reads a claim's lines from the journey's database.
func journeyLines(t *testing.T, db *store.DB, claimID int64) []xiangpei.ClaimLine {
	t.Helper()
	ls, _, err := db.ClaimLines(context.Background(), xiangpei.Scope{All: true}, claimID, store.Page{Limit: 100})
	if err != nil || len(ls) == 0 {
		t.Fatalf("the lines of claim %d: %d (%v)", claimID, len(ls), err)
	}
	return ls
}

func journeyLine(t *testing.T, db *store.DB, claimID, lineID int64) xiangpei.ClaimLine {
	t.Helper()
	for _, l := range journeyLines(t, db, claimID) {
		if l.ID == lineID {
			return l
		}
	}
	t.Fatalf("claim %d has no line %d", claimID, lineID)
	return xiangpei.ClaimLine{}
}

// batchPath checks that the browser is on a batch's page and returns its path.
func (j *journey) batchPath() string {
	j.t.Helper()
	p := j.path()
	if !regexp.MustCompile(`^/payments/\d+$`).MatchString(p) {
		j.fail("building the batch landed on %s, want /payments/{batch}", p)
	}
	return p
}

// bankFile downloads the batch's bank file with the officer's session, and returns its rows by
// payment reference (the claim line), after checking the header and the totals row.
func (j *journey) bankFile(batch string) map[int64][]string {
	j.t.Helper()
	body, err := chromedp.Run(j.ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(() => { const x = new XMLHttpRequest(); x.open('GET', %q, false); x.send(); return x.status + '\n' + x.responseText; })()`, batch+"/bank-file")))
	if err != nil {
		j.fail("download the bank file: %v", err)
	}
	status, data, _ := strings.Cut(body, "\n")
	if status != "200" {
		j.fail("the bank file answers %s: %s", status, data)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(data, "\uFEFF"))).ReadAll()
	if err != nil || len(recs) < 3 {
		j.fail("the bank file %q: %d records (%v)", data, len(recs), err)
	}
	if recs[0][1] != "付款参考号" {
		j.fail("the bank file's header is %v", recs[0])
	}
	out := map[int64][]string{}
	var sum int64
	for _, r := range recs[1 : len(recs)-1] {
		ref, err := strconv.ParseInt(r[1], 10, 64)
		if err != nil || len(r) < 8 {
			j.fail("bank file row %v", r)
		}
		fen, _ := xiangpei.ParseFen(r[6])
		sum += fen
		out[ref] = r
	}
	last := recs[len(recs)-1]
	if last[0] != "合计" || last[1] != strconv.Itoa(len(out)) || last[6] != xiangpei.FormatFen(sum) {
		j.fail("the bank file's totals row is %v, want 合计 of %d rows and %s", last, len(out), xiangpei.FormatFen(sum))
	}
	return out
}

// returnFile writes the bank's return file for the rows of a bank file: 成功, or 失败 for the
// lines in fail.
func returnFile(t *testing.T, bank map[int64][]string, fail map[int64]bool) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"付款参考号", "状态", "金额", "说明"})
	var sum int64
	for ref, row := range bank {
		status, why := "成功", ""
		if fail[ref] {
			status, why = "失败", "收款账户户名不符"
		}
		fen, _ := xiangpei.ParseFen(row[6])
		sum += fen
		w.Write([]string{strconv.FormatInt(ref, 10), status, row[6], why})
	}
	w.Write([]string{"合计", strconv.Itoa(len(bank)), xiangpei.FormatFen(sum)})
	w.Flush()
	p := filepath.Join(t.TempDir(), "回盘.csv")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// uploadReturn chooses the return file on the batch's page and checks it (dry run) or records it.
func (j *journey) uploadReturn(batch, file string, commit bool) {
	j.t.Helper()
	j.open(batch)
	j.do("choose the return file", chromedp.SetUploadFiles(chromedp.CSS("#return-file"), []string{file}))
	value := "0"
	if commit {
		value = "1"
	}
	j.submit(fmt.Sprintf(`button[name=commit][value="%s"]`, value))
}
