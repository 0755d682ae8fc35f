package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestGraduateFollowUpWeb: a technical school of 天元区 graduates its 2023 cohort on 30 June
// 2026; on 2 November the graduate's 3-month follow-up is in the registry officer's queue over
// JSON (by diploma, its record link the graduates' route) and on the page (the form posts to
// that route, the card reads 毕业后 3 个月回访, the Excel export names the kind). A bad outcome is refused in Chinese and writes nothing; an outcome closes it
// once (a second is 409); another county's officer gets 404, and its queue holds only its own
// school's graduate.
func TestGraduateFollowUpWeb(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			te := newTrainEnv(t, db)
			var graduates [2]int64
			err := db.Tx(t.Context(), te.w.Admin, func(tx *store.Tx) error {
				graduates = matrixGraduates(t, tx, [2]xiangpei.Organisation{orgIn(t, tx, xiangpei.OrgSchool, "天元技工学校", "52430211GF0000001", "430211"),
					orgIn(t, tx, xiangpei.OrgSchool, "荷塘技工学校", "52430202GF0000001", "430202")})
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			grads, err := db.Diplomas(t.Context(), xiangpei.Scope{PersonID: graduates[0]}, 0)
			if err != nil || len(grads) != 1 {
				t.Fatalf("the diploma: %v %v", grads, err)
			}
			dip := fmt.Sprint(grads[0].ID)
			te.at(time.Date(2026, 11, 2, 10, 0, 0, 0, xiangpei.ChinaTime))
			regAcct := te.account(xiangpei.AccountInput{Login: "gf_ty", DisplayName: "天元区就业", Role: xiangpei.RoleOfficer, Region: "430211",
				Duties: xiangpei.Duties{xiangpei.DutyRegistry}}, testPassword)
			reg := te.token(regAcct.ID)
			other := te.token(te.account(xiangpei.AccountInput{Login: "gf_ht", DisplayName: "荷塘区就业", Role: xiangpei.RoleOfficer, Region: "430202",
				Duties: xiangpei.Duties{xiangpei.DutyRegistry}}, testPassword).ID)

			st, b, _ := te.request(reg, http.MethodGet, "/api/v1/employment/follow-ups", nil)
			q := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(q["total"]) != "1" {
				t.Fatalf("queue: %d %s", st, b)
			}
			task := q["follow_ups"].([]any)[0].(map[string]any)
			if fmt.Sprint(task["diploma_id"]) != dip || fmt.Sprint(task["trainee_id"]) != "0" || task["record"] != "/api/v1/employment/follow-ups/graduates/"+dip ||
				task["class_name"] != "天元技工学校 · 汽车维修" || task["due_on"] != "2026-09-30" || fmt.Sprint(task["month"]) != "3" {
				t.Fatalf("the graduate's task: %v", task)
			}
			if st, b, _ := te.request(other, http.MethodGet, "/api/v1/employment/follow-ups", nil); st != http.StatusOK || fmt.Sprint(decode(t, string(b))["total"]) != "1" ||
				strings.Contains(string(b), "毕业甲") {
				t.Fatalf("another county's queue: %d %s", st, b)
			}
			ob := te.browser()
			ob.signIn(regAcct, testPassword)
			st, html, _ := ob.get("/employment/follow-ups")
			if st != http.StatusOK || !strings.Contains(html, `action="/employment/follow-ups/graduates/`+dip+`"`) || !strings.Contains(html, "毕业甲") ||
				!strings.Contains(html, `id="outcome-d`+dip+`-3"`) {
				t.Fatalf("queue page: %d", st)
			}
			if !strings.Contains(html, "毕业后 3 个月回访") || !strings.Contains(html, "毕业日期") {
				t.Fatal("the graduate's card does not read as a graduate's")
			}
			xlsxHas(t, ob, "/employment/follow-ups?format=xlsx", "技工院校毕业")
			if st, html, _ := ob.post("/employment/follow-ups/graduates/"+dip, url.Values{"month": {"3"}, "outcome": {"maybe"}}); st != http.StatusUnprocessableEntity ||
				!strings.Contains(html, "请选择回访结果") {
				t.Fatalf("bad outcome: %d", st)
			}
			if st, _, _ := te.request(other, http.MethodPost, "/api/v1/employment/follow-ups/graduates/"+dip, map[string]any{"month": 3, "outcome": "not_employed"}); st != http.StatusNotFound {
				t.Fatalf("another county records: %d", st)
			}
			if st, b, _ := te.request(reg, http.MethodGet, "/api/v1/employment/follow-ups", nil); fmt.Sprint(decode(t, string(b))["total"]) != "1" || st != http.StatusOK {
				t.Fatalf("refusals closed the follow-up: %s", b)
			}
			form := url.Values{"month": {"3"}, "outcome": {"employed"}, "employer_name": {"株洲汽车修理厂"}, "county": {"430211"},
				"starts_on": {"2026-08-01"}, "full_time": {"true"}}
			if st, _, h := ob.post("/employment/follow-ups/graduates/"+dip, form); st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/employment/follow-ups") {
				t.Fatalf("record: %d", st)
			}
			if st, _, _ := te.request(reg, http.MethodPost, "/api/v1/employment/follow-ups/graduates/"+dip, map[string]any{"month": 3, "outcome": "not_employed"}); st != http.StatusConflict {
				t.Fatalf("recorded twice: %d", st)
			}
			if _, b, _ := te.request(reg, http.MethodGet, "/api/v1/employment/follow-ups", nil); fmt.Sprint(decode(t, string(b))["total"]) != "0" {
				t.Fatalf("queue after the outcome: %s", b)
			}
			if st, b, _ := te.request(reg, http.MethodGet, "/api/v1/employment/records", nil); st != http.StatusOK || !strings.Contains(string(b), "株洲汽车修理厂") {
				t.Fatalf("the job found at the follow-up: %d %s", st, b)
			}
		})
	}
}
