package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xiangpei/internal/store/storetest"
)

// TestSelfReportRejectedWeb: the person reports a job; the county's registry officer sees it
// waiting with a reject form, is refused in Chinese without a reason (nothing written), rejects
// it with one; it leaves the waiting list and shows under 已驳回 and in the Excel export; the
// person sees 未通过核验 with the reason on the record and in JSON; a second rejection over the
// API is 409, another county's 404.
func TestSelfReportRejectedWeb(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newFollowUpWeb(t, db)
			pb := x.browser()
			pb.signIn(x.trainee, testPassword)
			pb.get("/me/employment")
			form := url.Values{"employer_name": {"株洲某虚构公司"}, "starts_on": {fuDay(x, 1)}, "county": {"430211"}, "full_time": {"true"}}
			if st, _, _ := pb.post("/me/employment", form); st != http.StatusSeeOther {
				t.Fatalf("report: %d", st)
			}
			st, b, _ := x.request(x.reg, http.MethodGet, "/api/v1/employment/records?status=unverified", nil)
			list := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(list["total"]) != "1" {
				t.Fatalf("waiting: %d %s", st, b)
			}
			id := fmt.Sprint(list["records"].([]any)[0].(map[string]any)["id"])
			ob := x.browser()
			ob.signIn(x.regAcct, testPassword)
			if st, html, _ := ob.get("/employment/records?status=unverified"); st != http.StatusOK || !strings.Contains(html, `action="/employment/records/`+id+`/reject"`) {
				t.Fatalf("waiting page: %d", st)
			}
			if st, html, _ := ob.post("/employment/records/"+id+"/reject", url.Values{"reason": {" "}}); st != http.StatusUnprocessableEntity ||
				!strings.Contains(html, "请填写驳回原因") {
				t.Fatalf("no reason: %d", st)
			}
			if st, _, _ := x.request(x.regOther, http.MethodPost, "/api/v1/employment/records/"+id+"/reject", map[string]any{"reason": "查无此人"}); st != http.StatusNotFound {
				t.Fatalf("another county rejects: %d", st)
			}
			if st, _, h := ob.post("/employment/records/"+id+"/reject", url.Values{"reason": {"经电话核实，该单位无此员工"}}); st != http.StatusSeeOther ||
				h.Get("Location") != "/employment/records?status=unverified&done=self_report_rejected" {
				t.Fatalf("reject: %d %s", st, h.Get("Location"))
			}
			if st, _, _ := x.request(x.reg, http.MethodPost, "/api/v1/employment/records/"+id+"/reject", map[string]any{"reason": "再次"}); st != http.StatusConflict {
				t.Fatalf("rejected twice: %d", st)
			}
			if _, b, _ := x.request(x.reg, http.MethodGet, "/api/v1/employment/records?status=unverified", nil); fmt.Sprint(decode(t, string(b))["total"]) != "0" {
				t.Fatalf("still waiting: %s", b)
			}
			if st, html, _ := ob.get("/employment/records?status=rejected"); st != http.StatusOK || !strings.Contains(html, "株洲某虚构公司") ||
				!strings.Contains(html, "经电话核实，该单位无此员工") {
				t.Fatalf("rejected list: %d", st)
			}
			xlsxHas(t, ob, "/employment/records?status=rejected&format=xlsx", "未通过核验：经电话核实，该单位无此员工")
			if st, html, _ := pb.get("/me"); st != http.StatusOK || !strings.Contains(html, "未通过核验") || !strings.Contains(html, "经电话核实，该单位无此员工") {
				t.Fatalf("the person's record: %d", st)
			}
			if st, b, _ := x.request(x.personTok, http.MethodGet, "/api/v1/me/employment", nil); st != http.StatusOK || !strings.Contains(string(b), `"rejected_reason":"经电话核实，该单位无此员工"`) {
				t.Fatalf("the person's JSON: %d %s", st, b)
			}
		})
	}
}
