package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

type jobsEnv struct {
	*env
	person                      xiangpei.Person
	personAcct                  xiangpei.Account
	personTok, empTok, otherTok string
	officerTok, noDutyTok       string
	emp, other                  xiangpei.Organisation
}

func newJobsEnv(t *testing.T, db *store.DB) *jobsEnv {
	t.Helper()
	je := &jobsEnv{env: newEnv(t, db)}
	err := db.Tx(context.Background(), xiangpei.Actor{Name: "test"}, func(tx *store.Tx) error {
		je.person = person(t, tx, "43021119950505123", "王芳", "13900005555", "430211")
		je.emp = orgIn(t, tx, xiangpei.OrgEmployer, "天元焊接有限公司", "91430211MA0000001", "430211")
		je.other = orgIn(t, tx, xiangpei.OrgEmployer, "荷塘物流有限公司", "91430202MA0000002", "430202")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	je.personAcct = je.account(xiangpei.AccountInput{Login: "13900005555", DisplayName: "王芳", Role: xiangpei.RolePerson, PersonID: je.person.ID}, testPassword)
	je.personTok = je.token(je.personAcct.ID)
	je.empTok = je.token(je.account(xiangpei.AccountInput{Login: "ty_weld", DisplayName: "天元焊接", Role: xiangpei.RoleEmployer, OrgID: je.emp.ID}, testPassword).ID)
	je.otherTok = je.token(je.account(xiangpei.AccountInput{Login: "ht_logi", DisplayName: "荷塘物流", Role: xiangpei.RoleEmployer, OrgID: je.other.ID}, testPassword).ID)
	je.officerTok = je.token(je.account(xiangpei.AccountInput{Login: "ty_pub", DisplayName: "天元区经办", Role: xiangpei.RoleOfficer, Region: "430211",
		Duties: xiangpei.Duties{xiangpei.DutyPublish}}, testPassword).ID)
	je.noDutyTok = je.token(je.account(xiangpei.AccountInput{Login: "ty_pay", DisplayName: "天元区支付", Role: xiangpei.RoleOfficer, Region: "430211",
		Duties: xiangpei.Duties{xiangpei.DutyPayment}}, testPassword).ID)
	return je
}

func (je *jobsEnv) postingBody(title, minYuan, desc string) map[string]any {
	today := xiangpei.ChinaDate(je.clock.now())
	return map[string]any{"title": title, "occupation": "6-18-02-04", "description": desc, "skills": "识图、氩弧焊", "level": "5",
		"certificates": "", "headcount": 3, "salary_min": minYuan, "salary_max": "", "salary_unit": "month", "work_type": "full_time",
		"county": "430211", "lat": 27.83, "lng": 113.15, "valid_from": today, "valid_to": xiangpei.ChinaDate(je.clock.now().AddDate(0, 1, 0))}
}

// create makes a draft through the API and submits it, returning the answer of the submit.
func (je *jobsEnv) createAndSubmit(t *testing.T, tok string, body map[string]any) map[string]any {
	t.Helper()
	st, b, _ := je.request(tok, http.MethodPost, "/api/v1/employer/postings", body)
	if st != http.StatusCreated {
		t.Fatalf("create posting: %d %s", st, b)
	}
	m := decode(t, string(b))
	st, b, _ = je.request(tok, http.MethodPost, fmt.Sprintf("/api/v1/postings/%v/submit", m["id"]), map[string]any{"version": m["version"]})
	if st != http.StatusOK {
		t.Fatalf("submit: %d %s", st, b)
	}
	return decode(t, string(b))
}

// TestJobsEmployerPostingFlow: the checks refuse a low salary with the reason in words, refer
// a preference to the county's officer (who approves it), publish a clean posting; the public
// list, page and Excel export show the published ones and not drafts; the API create is
// idempotent; another employer's posting is 404.
func TestJobsEmployerPostingFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			je := newJobsEnv(t, db)
			low := je.createAndSubmit(t, je.empTok, je.postingBody("低薪焊工", "1500", "负责焊接"))
			if low["outcome"] != "refuse" || low["status"] != "draft" || !strings.Contains(fmt.Sprint(low["findings"]), "低于当地最低工资标准 1930.00 元") {
				t.Fatalf("low salary: %v", low)
			}
			ok := je.createAndSubmit(t, je.empTok, je.postingBody("钢结构焊工", "4500", "负责钢结构焊接，包住宿"))
			if ok["outcome"] != "pass" || ok["status"] != "published" {
				t.Fatalf("clean posting: %v", ok)
			}
			ref := je.createAndSubmit(t, je.empTok, je.postingBody("焊工（男性优先）", "4500", "负责焊接"))
			if ref["outcome"] != "refer" || ref["status"] != "pending_review" {
				t.Fatalf("referred: %v", ref)
			}
			// The HTML page of the refused draft shows the reason.
			st, body, _ := je.request(je.empTok, http.MethodGet, fmt.Sprintf("/postings/%v", low["id"]), nil)
			if st != http.StatusOK || !strings.Contains(body2(body), "低于当地最低工资标准") {
				t.Fatalf("draft page: %d", st)
			}
			// The queue: the county's officer with the publish duty; without it, 403.
			st, b, _ := je.request(je.officerTok, http.MethodGet, "/api/v1/jobs/review", nil)
			if st != http.StatusOK || !strings.Contains(string(b), fmt.Sprint(ref["id"])) {
				t.Fatalf("queue: %d %s", st, b)
			}
			if st, _, _ := je.request(je.noDutyTok, http.MethodGet, "/jobs/review", nil); st != http.StatusForbidden {
				t.Fatalf("queue without the duty: %d", st)
			}
			if st, b, _ = je.request(je.officerTok, http.MethodPost, fmt.Sprintf("/api/v1/postings/%v/review", ref["id"]),
				map[string]any{"version": ref["version"], "decision": "return"}); st != http.StatusUnprocessableEntity {
				t.Fatalf("return without a reason: %d %s", st, b)
			}
			if st, b, _ = je.request(je.officerTok, http.MethodPost, fmt.Sprintf("/api/v1/postings/%v/review", ref["id"]),
				map[string]any{"version": ref["version"], "decision": "approve"}); st != http.StatusOK || decode(t, string(b))["status"] != "published" {
				t.Fatalf("approve: %d %s", st, b)
			}
			// Public list: the two published postings, not the draft; filters; export; the page.
			anon := je.browser()
			st, html, _ := anon.get("/jobs?county=430211&work_type=full_time")
			if st != http.StatusOK || !strings.Contains(html, "钢结构焊工") || strings.Contains(html, "低薪焊工") {
				t.Fatalf("public list: %d", st)
			}
			if _, html, _ = anon.get("/jobs?work_type=gig"); strings.Contains(html, "钢结构焊工") {
				t.Fatal("the work-type filter does not filter")
			}
			st, _, h := je.request("", http.MethodGet, "/jobs?format=xlsx", nil)
			if st != http.StatusOK || h.Get("Content-Type") != sheet.ContentType {
				t.Fatalf("export: %d %s", st, h.Get("Content-Type"))
			}
			if st, _, _ := anon.get(fmt.Sprintf("/jobs/%v", ok["id"])); st != http.StatusOK {
				t.Fatalf("public page: %d", st)
			}
			if st, _, _ := anon.get(fmt.Sprintf("/jobs/%v", low["id"])); st != http.StatusNotFound {
				t.Fatalf("a draft's public page: %d", st)
			}
			if st, _, _ := je.request(je.otherTok, http.MethodGet, fmt.Sprintf("/api/v1/postings/%v", ok["id"]), nil); st != http.StatusNotFound {
				t.Fatalf("another employer's posting: %d", st)
			}
			// Idempotent create.
			hdr := http.Header{"Idempotency-Key": {"jobs-create-1"}}
			_, b1, _ := je.requestWith(je.empTok, http.MethodPost, "/api/v1/employer/postings", je.postingBody("重复提交", "4000", ""), hdr)
			_, b2, _ := je.requestWith(je.empTok, http.MethodPost, "/api/v1/employer/postings", je.postingBody("重复提交", "4000", ""), hdr)
			if decode(t, string(b1))["id"] != decode(t, string(b2))["id"] {
				t.Fatalf("idempotent create made two: %s %s", b1, b2)
			}
			// Close and relist.
			st, b, _ = je.request(je.empTok, http.MethodPost, fmt.Sprintf("/api/v1/postings/%v/close", ok["id"]), map[string]any{"version": ok["version"]})
			if st != http.StatusOK || decode(t, string(b))["status"] != "closed" {
				t.Fatalf("close: %d %s", st, b)
			}
			closed := decode(t, string(b))
			if _, html, _ = anon.get(fmt.Sprintf("/jobs/%v", ok["id"])); !strings.Contains(html, "已停止招聘") {
				t.Fatal("closed posting does not say so")
			}
			st, b, _ = je.request(je.empTok, http.MethodPost, fmt.Sprintf("/api/v1/postings/%v/relist", ok["id"]), map[string]any{"version": closed["version"],
				"valid_from": xiangpei.ChinaDate(je.clock.now()), "valid_to": xiangpei.ChinaDate(je.clock.now().AddDate(0, 0, 10))})
			if st != http.StatusOK || decode(t, string(b))["status"] != "draft" {
				t.Fatalf("relist: %d %s", st, b)
			}
		})
	}
}

func body2(b []byte) string { return string(b) }

// TestJobsApplicationsAndHire: a person applies once from the posting page; the employer sees
// the applicant with the ID number masked on the page, the JSON and the Excel file, and the
// person's verified credentials; another employer gets 404; the moves run to a hire that puts
// an employment record in the person's record; the person cannot see the employer's view.
func TestJobsApplicationsAndHire(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			je := newJobsEnv(t, db)
			p := je.createAndSubmit(t, je.empTok, je.postingBody("钢结构焊工", "4500", "负责焊接"))
			pb := je.browser()
			pb.signIn(je.personAcct, testPassword)
			if st, html, _ := pb.get(fmt.Sprintf("/jobs/%v", p["id"])); st != http.StatusOK || !strings.Contains(html, "/apply") {
				t.Fatalf("posting page for a person: %d", st)
			}
			if st, _, h := pb.post(fmt.Sprintf("/jobs/%v/apply", p["id"]), nil); st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/me/applications") {
				t.Fatalf("apply: %d %s", st, h.Get("Location"))
			}
			if st, _, _ := pb.post(fmt.Sprintf("/jobs/%v/apply", p["id"]), nil); st != http.StatusConflict {
				t.Fatalf("apply twice: %d", st)
			}
			if st, html, _ := pb.get("/me/applications"); st != http.StatusOK || !strings.Contains(html, "钢结构焊工") {
				t.Fatalf("my applications: %d", st)
			}
			full, masked := string(je.person.IDNumber), string(je.person.IDNumber.Masked())
			st, b, _ := je.request(je.empTok, http.MethodGet, fmt.Sprintf("/api/v1/postings/%v/applications", p["id"]), nil)
			if st != http.StatusOK || strings.Contains(string(b), full) || !strings.Contains(string(b), masked) {
				t.Fatalf("applicants JSON: %d %s", st, b)
			}
			apps := decode(t, string(b))["applications"].([]any)
			app := apps[0].(map[string]any)
			for _, path := range []string{fmt.Sprintf("/postings/%v/applications", p["id"]), fmt.Sprintf("/applications/%v", app["id"]),
				fmt.Sprintf("/api/v1/applications/%v", app["id"]), fmt.Sprintf("/postings/%v/applications?format=xlsx", p["id"])} {
				st, b, _ := je.request(je.empTok, http.MethodGet, path, nil)
				if st != http.StatusOK || strings.Contains(string(b), full) {
					t.Fatalf("%s: %d, or the full ID number is in it", path, st)
				}
				if !strings.Contains(path, "xlsx") && !strings.Contains(string(b), masked) {
					t.Fatalf("%s: the masked ID number is missing", path)
				}
			}
			for _, path := range []string{fmt.Sprintf("/api/v1/applications/%v", app["id"]), fmt.Sprintf("/api/v1/postings/%v/applications", p["id"])} {
				if st, _, _ := je.request(je.otherTok, http.MethodGet, path, nil); st != http.StatusNotFound {
					t.Fatalf("another employer %s: %d", path, st)
				}
			}
			if st, _, _ := je.request(je.otherTok, http.MethodPost, fmt.Sprintf("/api/v1/applications/%v/move", app["id"]),
				map[string]any{"version": app["version"], "action": "view"}); st != http.StatusNotFound {
				t.Fatalf("another employer moves: %d", st)
			}
			// The moves, then the hire with its first day.
			version := app["version"]
			for _, act := range []string{"view", "interview", "offer", "hire"} {
				st, b, _ := je.request(je.empTok, http.MethodPost, fmt.Sprintf("/api/v1/applications/%v/move", app["id"]),
					map[string]any{"version": version, "action": act, "starts_on": xiangpei.ChinaDate(je.clock.now().AddDate(0, 0, 3))})
				if st != http.StatusOK {
					t.Fatalf("%s: %d %s", act, st, b)
				}
				version = decode(t, string(b))["version"]
			}
			// A stale version is refused.
			if st, _, _ := je.request(je.empTok, http.MethodPost, fmt.Sprintf("/api/v1/applications/%v/move", app["id"]),
				map[string]any{"version": app["version"], "action": "reject"}); st != http.StatusConflict {
				t.Fatalf("stale decision: %d", st)
			}
			if st, html, _ := pb.get("/me"); st != http.StatusOK || !strings.Contains(html, "天元焊接有限公司") || !strings.Contains(html, "平台录用") {
				t.Fatalf("record page lacks the employment record: %d", st)
			}
			st, b, _ = je.request(je.personTok, http.MethodGet, "/api/v1/me/record", nil)
			if st != http.StatusOK || !strings.Contains(string(b), `"source":"hire"`) {
				t.Fatalf("record JSON: %d %s", st, b)
			}
			if st, _, _ := je.request(je.personTok, http.MethodGet, fmt.Sprintf("/api/v1/postings/%v/applications", p["id"]), nil); st != http.StatusForbidden {
				t.Fatalf("a person reading the applicants: %d", st)
			}
			st, b, _ = je.request(je.personTok, http.MethodGet, "/api/v1/me/applications", nil)
			if st != http.StatusOK || !strings.Contains(string(b), `"status":"hired"`) {
				t.Fatalf("my applications JSON: %d %s", st, b)
			}
		})
	}
}

// TestJobsReportsAndRegistration: the public reports a posting (rate-limited), the county's
// officer sees it with its working days left and takes the posting down; an employer registers
// itself with an SMS code, lands in the officers' credit-code queue and cannot publish until
// confirmed.
func TestJobsReportsAndRegistration(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			je := newJobsEnv(t, db)
			p := je.createAndSubmit(t, je.empTok, je.postingBody("仓库分拣员", "4000", "负责分拣"))
			anon := je.browser()
			anon.get(fmt.Sprintf("/jobs/%v", p["id"]))
			if st, _, _ := anon.post(fmt.Sprintf("/jobs/%v/report", p["id"]), url.Values{"reason": {"面试时要求先交 300 元培训费"}}); st != http.StatusSeeOther {
				t.Fatalf("report: %d", st)
			}
			if st, _, _ := anon.post(fmt.Sprintf("/jobs/%v/report", p["id"]), url.Values{"reason": {"短"}}); st != http.StatusUnprocessableEntity {
				t.Fatalf("short reason: %d", st)
			}
			st, b, _ := je.request(je.officerTok, http.MethodGet, "/api/v1/jobs/reports", nil)
			if st != http.StatusOK {
				t.Fatalf("reports: %d %s", st, b)
			}
			list := decode(t, string(b))["reports"].([]any)
			if len(list) != 1 {
				t.Fatalf("reports: %s", b)
			}
			rep := list[0].(map[string]any)
			if rep["due_on"] == "" || fmt.Sprint(rep["working_days_left"]) == "" {
				t.Fatalf("report without deadline: %v", rep)
			}
			if st, html, _ := je.request(je.officerTok, http.MethodGet, "/jobs/reports", nil); st != http.StatusOK || !strings.Contains(string(html), "剩余") {
				t.Fatalf("reports page: %d", st)
			}
			st, b, _ = je.request(je.officerTok, http.MethodPost, fmt.Sprintf("/api/v1/jobs/reports/%v/decide", rep["id"]),
				map[string]any{"version": rep["version"], "decision": "take_down", "reason": "经核实收取培训费"})
			if st != http.StatusOK {
				t.Fatalf("take down: %d %s", st, b)
			}
			if _, b, _ = je.request("", http.MethodGet, fmt.Sprintf("/api/v1/jobs/%v", p["id"]), nil); decode(t, string(b))["status"] != "closed" {
				t.Fatalf("after take-down: %s", b)
			}

			// Self-registration.
			eb := je.browser()
			eb.get("/register/employer")
			phone := "13700007777"
			if st, _, _ := eb.post("/register/employer/code", url.Values{"phone": {phone}}); st != http.StatusSeeOther {
				t.Fatalf("send code: %d", st)
			}
			code := creditCode("91430211MA0000009", false)
			form := url.Values{"phone": {phone}, "code": {smsCode(t, db, phone)}, "credit_code": {code}, "name": {"新注册餐饮有限公司"},
				"county": {"430211"}, "contact": {"赵经理"}, "login": {"xin_canyin"}, "password": {testPassword}, "confirm": {testPassword}}
			je.secrets = append(je.secrets, testPassword)
			st, html, h := eb.post("/register/employer", form)
			if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/employer/postings") {
				t.Fatalf("register: %d %s", st, between(html, `class="notice err"`, "</p>"))
			}
			if _, html, _ = eb.get("/employer/postings"); !strings.Contains(html, "等待人社部门核实") {
				t.Fatal("the employer is not told its code waits")
			}
			st, b, _ = je.request(je.officerTok, http.MethodGet, "/api/v1/codes", nil)
			if st != http.StatusOK || !strings.Contains(string(b), code) {
				t.Fatalf("officer's credit-code queue: %d %s", st, b)
			}
			eb.get("/employer/postings/new")
			f := url.Values{}
			for k, v := range je.postingBody("服务员", "2500", "负责前厅服务") {
				f.Set(k, fmt.Sprint(v))
			}
			st, _, h = eb.post("/employer/postings", f)
			if st != http.StatusSeeOther {
				t.Fatalf("draft by the new employer: %d", st)
			}
			path := strings.Split(h.Get("Location"), "?")[0]
			_, html, _ = eb.get(path)
			v := regexpFind(html, `name="version" value="(\d+)"`)
			st, html, _ = eb.post(path+"/submit", url.Values{"version": {v}})
			if st != http.StatusConflict || !strings.Contains(html, "尚未经人社部门核实") {
				t.Fatalf("unconfirmed employer publishes: %d %s", st, between(html, `class="notice err"`, "</p>"))
			}
		})
	}
}

func regexpFind(s, pattern string) string {
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}
