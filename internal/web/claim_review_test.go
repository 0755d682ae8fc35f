package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// crWeb is the claim world of claims_test.go with a submitted claim and the review officers:
// the county's (both review duties, so that maker ≠ checker is about the account), the city's,
// and another county's.
type crWeb struct {
	*complWorld
	claim                 int64
	county, city, foreign xiangpei.Account
	countyTok, cityTok    string
	foreignTok            string
}

func newCRWeb(t *testing.T, db *store.DB) *crWeb {
	t.Helper()
	cw, _ := claimWebWorld(t, db)
	x := &crWeb{complWorld: cw}
	both := xiangpei.Duties{xiangpei.DutyClaimReview1, xiangpei.DutyClaimReview2}
	x.county = cw.account(xiangpei.AccountInput{Login: "ty_claims", DisplayName: "天元区补贴经办", Role: xiangpei.RoleOfficer, Region: "430211", Duties: both}, testPassword)
	x.city = cw.account(xiangpei.AccountInput{Login: "zz_claims", DisplayName: "株洲市补贴复核", Role: xiangpei.RoleOfficer, Region: "430200",
		Duties: xiangpei.Duties{xiangpei.DutyClaimReview2}}, testPassword)
	x.foreign = cw.account(xiangpei.AccountInput{Login: "ht_claims", DisplayName: "荷塘区补贴经办", Role: xiangpei.RoleOfficer, Region: "430202", Duties: both}, testPassword)
	x.countyTok, x.cityTok, x.foreignTok = cw.token(x.county.ID), cw.token(x.city.ID), cw.token(x.foreign.ID)
	st, b, _ := cw.request(cw.instTok, http.MethodPost, "/api/v1/claims", map[string]any{"class": cw.c.ID})
	if st != http.StatusCreated {
		t.Fatalf("create: %d %s", st, b)
	}
	id, v := claimID(t, b)
	if st, b, _ := cw.request(cw.instTok, http.MethodPost, fmt.Sprintf("/api/v1/claims/%d/submit", id), map[string]any{"version": v}); st != http.StatusOK {
		t.Fatalf("submit: %d %s", st, b)
	}
	x.claim = id
	return x
}

// api calls with a token and decodes the answer, failing unless the status is want.
func (x *crWeb) api(t *testing.T, tok, method, path string, body any, want int) map[string]any {
	t.Helper()
	st, b, _ := x.request(tok, method, path, body)
	if st != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, st, want, b)
	}
	return decode(t, string(b))
}

func crNum(v any) int64 {
	n, _ := strconv.ParseInt(fmt.Sprint(v), 10, 64)
	return n
}

// reviewLines reads the review page's lines over the API: id → (version, person name).
func (x *crWeb) reviewLines(t *testing.T, tok string) (map[string]any, []map[string]any) {
	t.Helper()
	m := x.api(t, tok, http.MethodGet, fmt.Sprintf("/api/v1/claim-review/%d", x.claim), nil, http.StatusOK)
	var out []map[string]any
	for _, l := range m["claim_lines"].([]any) {
		out = append(out, l.(map[string]any))
	}
	return m, out
}

// TestClaimReviewWeb walks every review route: the county's queue (page, API, export), taking
// up, deciding lines (one reduced in the browser), passing; the same account refused at the
// city step; the city's decisions and pass to the notice; the public notice pages showing no
// full name or ID number; an objection, the objection flood refused, the city's objection
// list and its resolution; the notice's end approving the claim; another county's officer
// reaching nothing.
func TestClaimReviewWeb(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newCRWeb(t, db)
			path := fmt.Sprintf("/claim-review/%d", x.claim)

			// the county's queue
			m := x.api(t, x.countyTok, http.MethodGet, "/api/v1/claim-review", nil, http.StatusOK)
			if crNum(m["total"]) != 1 || crNum(m["step"]) != 1 {
				t.Fatalf("queue: %v", m)
			}
			county := x.signedIn(t, x.county)
			if st, body, _ := county.get("/claim-review"); st != http.StatusOK || !strings.Contains(body, path) {
				t.Fatalf("queue page: %d %s", st, body)
			}
			if st, body, hd := county.get("/claim-review?format=xlsx"); st != http.StatusOK || hd.Get("Content-Type") != sheet.ContentType ||
				len(readXLSX(t, body, "申领编号")) != 1 {
				t.Fatalf("queue export: %d", st)
			}
			// another county, the institution and the city at step 1
			if st, _, _ := x.request(x.foreignTok, http.MethodGet, "/api/v1"+path, nil); st != http.StatusNotFound {
				t.Fatalf("other county reads: %d", st)
			}
			if m := x.api(t, x.foreignTok, http.MethodGet, "/api/v1/claim-review", nil, http.StatusOK); crNum(m["total"]) != 0 {
				t.Fatalf("other county's queue: %v", m)
			}
			x.api(t, x.instTok, http.MethodPost, "/api/v1"+path+"/accept", map[string]any{"version": 2}, http.StatusForbidden)
			x.api(t, x.cityTok, http.MethodPost, "/api/v1"+path+"/accept", map[string]any{"version": 2}, http.StatusForbidden)
			x.api(t, x.foreignTok, http.MethodPost, "/api/v1"+path+"/accept", map[string]any{"version": 2}, http.StatusNotFound)

			// take up in the browser, reduce one line there, approve the other over the API
			st, body, _ := county.get(path)
			if st != http.StatusOK || !strings.Contains(body, "受理") {
				t.Fatalf("review page: %d %s", st, body)
			}
			k, _ := x.reviewLines(t, x.countyTok)
			if st, _, hd := county.post(path+"/accept", url.Values{"version": {fmt.Sprint(k["version"])}}); st != http.StatusSeeOther ||
				!strings.Contains(hd.Get("Location"), "done=claim_accepted") {
				t.Fatalf("accept: %d", st)
			}
			_, lines := x.reviewLines(t, x.countyTok)
			if len(lines) != 2 {
				t.Fatalf("lines %v", lines)
			}
			a, b := lines[0], lines[1]
			county.get(path)
			if st, body, _ := county.post(path+"/decide", url.Values{"line": {fmt.Sprint(a["id"])}, "version": {fmt.Sprint(a["version"])},
				"decision": {"reduce"}, "amount": {"2000"}, "reason": {"课时存疑"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "核减后的金额须大于零且低于当前金额") {
				t.Fatalf("reduce above: %d %s", st, body)
			}
			if st, _, hd := county.post(path+"/decide", url.Values{"line": {fmt.Sprint(a["id"])}, "version": {fmt.Sprint(a["version"])},
				"decision": {"reduce"}, "amount": {"800"}, "reason": {"部分课时存疑"}}); st != http.StatusSeeOther || !strings.Contains(hd.Get("Location"), "done=line_decided") {
				t.Fatalf("reduce: %d", st)
			}
			x.api(t, x.countyTok, http.MethodPost, "/api/v1"+path+"/decide", map[string]any{"line": a["id"], "version": a["version"], "decision": "approve"}, http.StatusConflict)
			x.api(t, x.countyTok, http.MethodPost, "/api/v1"+path+"/decide", map[string]any{"line": b["id"], "version": b["version"], "decision": "approve"}, http.StatusOK)
			k, _ = x.reviewLines(t, x.countyTok)
			if k["total"] != "1800.00" || len(k["decisions"].([]any)) != 2 {
				t.Fatalf("after step 1: %v", k)
			}
			k = x.api(t, x.countyTok, http.MethodPost, "/api/v1"+path+"/pass", map[string]any{"version": k["version"]}, http.StatusOK)
			if k["status"] != "review_2" {
				t.Fatalf("pass 1: %v", k)
			}

			// the city step: the county's account is refused, the city decides and passes
			_, lines = x.reviewLines(t, x.cityTok)
			x.api(t, x.countyTok, http.MethodPost, "/api/v1"+path+"/decide", map[string]any{"line": lines[0]["id"], "version": lines[0]["version"], "decision": "approve"}, http.StatusForbidden)
			if m := x.api(t, x.cityTok, http.MethodGet, "/api/v1/claim-review?step=2", nil, http.StatusOK); crNum(m["total"]) != 1 {
				t.Fatalf("city queue: %v", m)
			}
			for _, l := range lines {
				x.api(t, x.cityTok, http.MethodPost, "/api/v1"+path+"/decide", map[string]any{"line": l["id"], "version": l["version"], "decision": "approve"}, http.StatusOK)
			}
			x.api(t, x.cityTok, http.MethodPost, "/api/v1"+path+"/return", map[string]any{"version": k["version"], "reason": ""}, http.StatusUnprocessableEntity)
			k = x.api(t, x.cityTok, http.MethodPost, "/api/v1"+path+"/pass", map[string]any{"version": k["version"]}, http.StatusOK)
			if k["status"] != "notice" || k["total"] != "1800.00" {
				t.Fatalf("pass 2: %v", k)
			}

			// the public notice: no full name or ID number anywhere
			anon := x.browser()
			st, body, _ = anon.get("/notices")
			if st != http.StatusOK || !strings.Contains(body, "天元培训学校") || !strings.Contains(body, "还剩 5 个工作日") {
				t.Fatalf("notices: %d %s", st, body)
			}
			nl := x.api(t, "", http.MethodGet, "/api/v1/notices", nil, http.StatusOK)
			notice := nl["notices"].([]any)[0].(map[string]any)
			npath := fmt.Sprintf("/notices/%v", notice["id"])
			st, body, _ = anon.get(npath)
			nj := x.api(t, "", http.MethodGet, "/api/v1"+npath, nil, http.StatusOK)
			_, xl, _ := anon.get(npath + "?format=xlsx")
			for _, p := range []xiangpei.Person{x.person, x.secondP} {
				for what, text := range map[string]string{"page": body, "json": fmt.Sprint(nj), "xlsx": fmt.Sprint(readXLSX(t, xl, "姓名"))} {
					if strings.Contains(text, p.Name) || strings.Contains(text, string(p.IDNumber)) {
						t.Fatalf("the public %s shows %s or the ID number", what, p.Name)
					}
				}
				if !strings.Contains(body, xiangpei.MaskName(p.Name)) || !strings.Contains(body, p.IDNumber.Masked()) {
					t.Fatalf("the notice page lacks the masked %s: %s", p.Name, body)
				}
			}
			if st != http.StatusOK || !strings.Contains(body, "800.00") || !strings.Contains(body, "提出异议") {
				t.Fatalf("notice page: %d %s", st, body)
			}
			if st, _, _ := anon.get("/notices/1"); st != http.StatusNotFound {
				t.Fatalf("unknown notice: %d", st)
			}

			// an objection in the browser; the flood is refused (5 per hour and address)
			held := nj["notice_lines"].([]any)[0].(map[string]any)
			if st, body, _ := anon.post(npath+"/objections", url.Values{"line": {fmt.Sprint(held["id"])}, "text": {"太短"}}); st != http.StatusUnprocessableEntity ||
				!strings.Contains(body, "异议内容须为 10 至 500 字") {
				t.Fatalf("short objection: %d %s", st, body)
			}
			if st, _, hd := anon.post(npath+"/objections", url.Values{"line": {fmt.Sprint(held["id"])}, "text": {"此人培训期间在外地务工，并未参加培训。"},
				"contact": {"13912345678"}}); st != http.StatusSeeOther || !strings.Contains(hd.Get("Location"), "done=objection_received") {
				t.Fatalf("objection: %d", st)
			}
			for i := 0; i < 3; i++ {
				x.api(t, "", http.MethodPost, "/api/v1"+npath+"/objections", map[string]any{"line": held["id"], "text": "补充：该学员考勤记录为代签。"}, http.StatusCreated)
			}
			x.api(t, "", http.MethodPost, "/api/v1"+npath+"/objections", map[string]any{"line": held["id"], "text": "再补充：该学员考勤记录为代签。"}, http.StatusTooManyRequests)
			nj = x.api(t, "", http.MethodGet, "/api/v1"+npath, nil, http.StatusOK)
			if crNum(nj["held"]) != 1 {
				t.Fatalf("held: %v", nj)
			}

			// the city's objections: contact masked; resolve by dismissing
			city := x.signedIn(t, x.city)
			st, body, _ = city.get("/claim-review/objections?status=open")
			if st != http.StatusOK || !strings.Contains(body, "此人培训期间在外地务工") || strings.Contains(body, "13912345678") || !strings.Contains(body, "139****5678") {
				t.Fatalf("objections page: %d %s", st, body)
			}
			if st, _, hd := city.get("/claim-review/objections?format=xlsx"); st != http.StatusOK || hd.Get("Content-Type") != sheet.ContentType {
				t.Fatalf("objections export: %d", st)
			}
			x.api(t, x.countyTok, http.MethodGet, "/api/v1/claim-review/objections", nil, http.StatusOK)
			if m := x.api(t, x.foreignTok, http.MethodGet, "/api/v1/claim-review/objections", nil, http.StatusOK); crNum(m["total"]) != 0 {
				t.Fatalf("other county sees objections: %v", m)
			}
			ol := x.api(t, x.cityTok, http.MethodGet, "/api/v1/claim-review/objections?status=open", nil, http.StatusOK)
			if crNum(ol["total"]) != 4 {
				t.Fatalf("open objections: %v", ol)
			}
			o := ol["objections"].([]any)[0].(map[string]any)
			x.api(t, x.foreignTok, http.MethodPost, "/api/v1/claim-review/objections/resolve", map[string]any{"line": o["line_id"], "version": o["line_version"],
				"outcome": "dismiss", "reason": "经核查考勤真实"}, http.StatusNotFound)
			if st, _, hd := city.post("/claim-review/objections/resolve", url.Values{"line": {fmt.Sprint(o["line_id"])}, "version": {fmt.Sprint(o["line_version"])},
				"outcome": {"dismiss"}, "reason": {"经核查考勤真实"}}); st != http.StatusSeeOther || !strings.Contains(hd.Get("Location"), "done=objection_resolved") {
				t.Fatalf("resolve: %d", st)
			}
			if m := x.api(t, x.cityTok, http.MethodGet, "/api/v1/claim-review/objections?status=dismissed", nil, http.StatusOK); crNum(m["total"]) != 4 {
				t.Fatalf("dismissed: %v", m)
			}

			// the notice ends: opening the public page approves the claim
			x.at(x.clock.now().Add(10 * 24 * time.Hour))
			if st, body, _ := anon.get(npath); st != http.StatusOK || !strings.Contains(body, "公示期已结束") || strings.Contains(body, "提交异议") {
				t.Fatalf("ended notice: %d %s", st, body)
			}
			// the address is still over its limit within the hour… an hour later the notice has ended
			x.at(x.clock.now().Add(2 * time.Hour))
			x.api(t, "", http.MethodPost, "/api/v1"+npath+"/objections", map[string]any{"line": held["id"], "text": "迟到的异议：请再核查一次。"}, http.StatusConflict)
			if k := x.api(t, x.instTok, http.MethodGet, fmt.Sprintf("/api/v1/claims/%d", x.claim), nil, http.StatusOK); k["status"] != "approved" || k["total"] != "1800.00" {
				t.Fatalf("approved claim: %v", k)
			}
			if st, body, _ := anon.get("/notices?format=xlsx"); st != http.StatusOK || len(readXLSX(t, body, "申领单位")) != 1 {
				t.Fatalf("notices export: %d", st)
			}
		})
	}
}

// TestClaimReviewWebReturnReject: the county returns one claim and, after a new claim, the city
// rejects it; the institution sees both states.
func TestClaimReviewWebReturnReject(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newCRWeb(t, db)
			path := fmt.Sprintf("/api/v1/claim-review/%d", x.claim)
			k := x.api(t, x.countyTok, http.MethodGet, path, nil, http.StatusOK)
			x.api(t, x.countyTok, http.MethodPost, path+"/return", map[string]any{"version": k["version"], "reason": "x"}, http.StatusUnprocessableEntity)
			county := x.signedIn(t, x.county)
			county.get(fmt.Sprintf("/claim-review/%d", x.claim))
			if st, _, hd := county.post(fmt.Sprintf("/claim-review/%d/return", x.claim), url.Values{"version": {fmt.Sprint(k["version"])}, "reason": {"花名册缺少签字页"}}); st != http.StatusSeeOther ||
				!strings.Contains(hd.Get("Location"), "done=claim_returned") {
				t.Fatalf("return: %d", st)
			}
			if k := x.api(t, x.instTok, http.MethodGet, fmt.Sprintf("/api/v1/claims/%d", x.claim), nil, http.StatusOK); k["status"] != "returned" {
				t.Fatalf("returned: %v", k)
			}
			// claim again (a returned claim frees the class), the county passes, the city rejects
			st, b, _ := x.request(x.instTok, http.MethodPost, "/api/v1/claims", map[string]any{"class": x.c.ID})
			if st != http.StatusCreated {
				t.Fatalf("claim again: %d %s", st, b)
			}
			id, v := claimID(t, b)
			x.api(t, x.instTok, http.MethodPost, fmt.Sprintf("/api/v1/claims/%d/submit", id), map[string]any{"version": v}, http.StatusOK)
			x.claim = id
			path = fmt.Sprintf("/api/v1/claim-review/%d", id)
			k = x.api(t, x.countyTok, http.MethodPost, path+"/accept", map[string]any{"version": v + 1}, http.StatusOK)
			_, lines := x.reviewLines(t, x.countyTok)
			for _, l := range lines {
				x.api(t, x.countyTok, http.MethodPost, path+"/decide", map[string]any{"line": l["id"], "version": l["version"], "decision": "approve"}, http.StatusOK)
			}
			// line decisions do not bump the claim's version: the version read at the take-up passes
			k = x.api(t, x.countyTok, http.MethodPost, path+"/pass", map[string]any{"version": k["version"]}, http.StatusOK)
			if k["status"] != "review_2" {
				t.Fatalf("after pass: %v", k)
			}
			k = x.api(t, x.cityTok, http.MethodPost, path+"/reject", map[string]any{"version": k["version"], "reason": "机构存在违规记录"}, http.StatusOK)
			if k["status"] != "rejected" || k["total"] != "0.00" {
				t.Fatalf("rejected: %v", k)
			}
		})
	}
}
