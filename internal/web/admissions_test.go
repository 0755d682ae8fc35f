package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestAdmissionsFlow: the school adds a major in the browser (a bad length of study is
// refused with the message in Chinese and nothing written), writes a plan over the API and
// submits it; a county officer cannot approve it, the city's officer approves it; the public
// sees it on /schools and its page; a person applies in the browser, the school admits over
// the API — the person still reads "applied" until the list is published — then publishes;
// the person confirms in the browser and a student record exists; the officer's figures and
// the Excel exports answer; an admission list with a bad row is refused line by line.
func TestAdmissionsFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			var school, other xiangpei.Organisation
			var p1, p2 xiangpei.Person
			if err := db.Tx(context.Background(), xiangpei.Actor{Name: "test"}, func(tx *store.Tx) error {
				school = orgIn(t, tx, xiangpei.OrgSchool, "株洲市测试技工学校", "52430211000009901", "430211")
				other = orgIn(t, tx, xiangpei.OrgSchool, "荷塘测试技工学校", "52430202000009902", "430202")
				p1 = person(t, tx, "43021120100101123", "张小明", "13900007001", "430211")
				p2 = person(t, tx, "43021120100202123", "李小红", "13900007002", "430211")
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			staff := e.account(xiangpei.AccountInput{Login: "adm_school", DisplayName: "招生办", Role: xiangpei.RoleSchool, OrgID: school.ID}, testPassword)
			staffTok := e.token(staff.ID)
			otherTok := e.token(e.account(xiangpei.AccountInput{Login: "adm_other", DisplayName: "他校", Role: xiangpei.RoleSchool, OrgID: other.ID}, testPassword).ID)
			cityTok := e.token(e.account(xiangpei.AccountInput{Login: "adm_city", DisplayName: "市人社", Role: xiangpei.RoleOfficer, Region: "430200",
				Duties: xiangpei.Duties{xiangpei.DutyClassReview}}, testPassword).ID)
			countyTok := e.token(e.account(xiangpei.AccountInput{Login: "adm_county", DisplayName: "区人社", Role: xiangpei.RoleOfficer, Region: "430211",
				Duties: xiangpei.Duties{xiangpei.DutyClassReview}}, testPassword).ID)
			pAcct := e.account(xiangpei.AccountInput{Login: "13900007001", DisplayName: "张小明", Role: xiangpei.RolePerson, PersonID: p1.ID}, testPassword)
			pTok := e.token(pAcct.ID)
			p2Tok := e.token(e.account(xiangpei.AccountInput{Login: "13900007002", DisplayName: "李小红", Role: xiangpei.RolePerson, PersonID: p2.ID}, testPassword).ID)

			sb := e.browser()
			sb.signIn(staff, testPassword)
			if st, html, _ := sb.get("/school/majors"); st != http.StatusOK || !strings.Contains(html, `action="/school/majors"`) {
				t.Fatalf("majors page: %d %s\n%s", st, html, e.logs.String())
			}
			form := url.Values{"code": {"0401"}, "name": {"电气自动化设备安装与维修"}, "years": {"9"}, "level": {"intermediate"}, "occupation": {"6-31-01-03"}}
			if st, html, _ := sb.post("/school/majors", form); st != http.StatusUnprocessableEntity || !strings.Contains(html, "学制为 2 至 6 年") {
				t.Fatalf("bad major: %d", st)
			}
			if list, _ := db.Majors(context.Background(), school.ID, false); len(list) != 0 {
				t.Fatalf("a refused major was written")
			}
			form.Set("years", "3")
			if st, _, h := sb.post("/school/majors", form); st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/school/majors") {
				t.Fatalf("add major: %d", st)
			}
			majors, _ := db.Majors(context.Background(), school.ID, true)
			if len(majors) != 1 {
				t.Fatalf("majors: %v", majors)
			}
			mID := majors[0].ID
			if st, _, _ := e.request(otherTok, http.MethodGet, fmt.Sprintf("/api/v1/school/majors/%d", mID), nil); st != http.StatusNotFound {
				t.Fatalf("another school reads the major: %d", st)
			}

			now := e.clock.now().In(xiangpei.ChinaTime)
			year := now.Year() + 1
			body := map[string]any{"title": "测试招生计划", "year": year, "opens_on": now.AddDate(0, 0, -1).Format("2006-01-02"),
				"closes_on": now.AddDate(0, 0, 20).Format("2006-01-02"), "quotas": []map[string]any{{"major_id": mID, "places": 1}}}
			st, b, _ := e.request(staffTok, http.MethodPost, "/api/v1/school/plans", body)
			if st != http.StatusCreated {
				t.Fatalf("plan: %d %s", st, b)
			}
			plan := decode(t, string(b))
			planID := fmt.Sprint(plan["id"])
			if fmt.Sprint(plan["max_choices"]) != "3" || plan["status"] != "draft" {
				t.Fatalf("plan: %v", plan)
			}
			if st, _, _ := e.request(staffTok, http.MethodPost, "/api/v1/school/plans/"+planID+"/submit", map[string]any{"version": plan["version"]}); st != http.StatusOK {
				t.Fatalf("submit: %d", st)
			}
			if st, b, _ := e.request(countyTok, http.MethodPost, "/api/v1/school-plans/"+planID+"/review", map[string]any{"version": 2, "action": "approve"}); st != http.StatusForbidden {
				t.Fatalf("county officer approves: %d %s", st, b)
			}
			if st, b, _ := e.request(cityTok, http.MethodGet, "/api/v1/school-plans/review", nil); st != http.StatusOK || fmt.Sprint(decode(t, string(b))["total"]) != "1" {
				t.Fatalf("review queue: %d %s", st, b)
			}
			if st, b, _ := e.request(cityTok, http.MethodPost, "/api/v1/school-plans/"+planID+"/review", map[string]any{"version": 2, "action": "approve"}); st != http.StatusOK {
				t.Fatalf("city approves: %d %s", st, b)
			}

			anon := e.browser()
			if st, html, _ := anon.get("/schools"); st != http.StatusOK || !strings.Contains(html, "/enrolment-plans/"+planID) {
				t.Fatalf("public list: %d", st)
			}
			if st, html, _ := anon.get("/enrolment-plans/" + planID); st != http.StatusOK || !strings.Contains(html, "电气自动化设备安装与维修") {
				t.Fatalf("public plan: %d", st)
			}

			pb := e.browser()
			pb.signIn(pAcct, testPassword)
			if st, html, _ := pb.get("/enrolment-plans/" + planID); st != http.StatusOK || !strings.Contains(html, `action="/me/school-applications"`) {
				t.Fatalf("apply form: %d", st)
			}
			apply := url.Values{"plan_id": {planID}, "choices": {fmt.Sprint(mID), ""}, "education": {"junior_middle"}, "documents": {"初中毕业证书编号 0001"}}
			if st, _, h := pb.post("/me/school-applications", apply); st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/me/school-applications") {
				t.Fatalf("apply: %d", st)
			}
			if st, html, _ := pb.post("/me/school-applications", apply); st != http.StatusConflict || !strings.Contains(html, "您已报名该计划") {
				t.Fatalf("apply twice: %d", st)
			}
			if st, _, _ := e.request(p2Tok, http.MethodPost, "/api/v1/me/school-applications", map[string]any{"plan_id": plan["id"], "choices": []string{fmt.Sprint(mID)}, "education": "social"}); st != http.StatusCreated {
				t.Fatalf("second applicant: %d", st)
			}

			st, b, _ = e.request(staffTok, http.MethodGet, "/api/v1/school/plans/"+planID+"/applications", nil)
			apps := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(apps["total"]) != "2" {
				t.Fatalf("school's applications: %d %s", st, b)
			}
			if strings.Contains(string(b), string(p1.IDNumber)) {
				t.Fatalf("the school sees a full ID number")
			}
			var mine map[string]any
			for _, x := range apps["applications"].([]any) {
				if m := x.(map[string]any); m["person_name"] == "张小明" {
					mine = m
				}
			}
			appID := fmt.Sprint(mine["id"])
			if st, _, _ := e.request(otherTok, http.MethodPost, "/api/v1/school/applications/"+appID+"/decide", map[string]any{"action": "admit", "major_id": mID}); st != http.StatusNotFound {
				t.Fatalf("another school admits: %d", st)
			}
			if st, b, _ := e.request(staffTok, http.MethodPost, "/api/v1/school/applications/"+appID+"/decide", map[string]any{"version": mine["version"], "action": "admit", "major_id": mID}); st != http.StatusOK {
				t.Fatalf("admit: %d %s", st, b)
			}
			if st, b, _ := e.request(pTok, http.MethodGet, "/api/v1/me/school-applications", nil); st != http.StatusOK || !strings.Contains(string(b), `"status":"applied"`) {
				t.Fatalf("the admission shows before publication: %s", b)
			}
			if st, _, _ := e.request(staffTok, http.MethodPost, "/api/v1/school/plans/"+planID+"/publish", map[string]any{}); st != http.StatusOK {
				t.Fatalf("publish: %d", st)
			}
			st, html, _ := pb.get("/me/school-applications")
			if st != http.StatusOK || !strings.Contains(html, `value="confirm"`) {
				t.Fatalf("my applications after publication: %d", st)
			}
			if st, _, _ := pb.post("/me/school-applications/"+appID+"/move", url.Values{"version": {"2"}, "action": {"confirm"}}); st != http.StatusSeeOther {
				t.Fatalf("confirm: %d", st)
			}
			_, b, _ = e.request(pTok, http.MethodGet, "/api/v1/me/school-applications", nil)
			got := decode(t, string(b))["applications"].([]any)[0].(map[string]any)
			if got["status"] != "enrolled" || fmt.Sprint(got["student_id"]) == "0" {
				t.Fatalf("after confirming: %v", got)
			}
			stID, _ := got["student_id"].(json.Number).Int64()
			if s, err := db.Student(context.Background(), xiangpei.Scope{OrgID: school.ID}, stID); err != nil || s.EntryYear != year || s.PersonID != p1.ID {
				t.Fatalf("student record: %+v %v", s, err)
			}

			st, b, _ = e.request(countyTok, http.MethodGet, "/api/v1/school-plans", nil)
			if st != http.StatusOK || !strings.Contains(string(b), `"admitted":1`) || !strings.Contains(string(b), `"enrolled":1`) || !strings.Contains(string(b), `"applied":2`) {
				t.Fatalf("officer's figures: %d %s", st, b)
			}
			for _, path := range []string{"/school-plans?format=xlsx", "/school/plans/" + planID + "/applications?format=xlsx"} {
				st, _, h := e.request(countyTok, http.MethodGet, path, nil)
				if st != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheet") {
					t.Fatalf("export %s: %d %s", path, st, h.Get("Content-Type"))
				}
			}

			csv := "身份证号,姓名,专业代码\n" + string(p2.IDNumber) + ",李小红,0401\n110105194912310021,张三,0401\n"
			if st, html, _ := sb.get("/school/plans/" + planID); st != http.StatusOK || !strings.Contains(html, "/import") {
				t.Fatalf("plan page: %d", st)
			}
			st, html, _ = sb.postFile("/school/plans/"+planID+"/import", "list.csv", []byte(csv), nil)
			if st != http.StatusOK || !strings.Contains(html, "本计划没有该身份证号的报名") || !strings.Contains(html, "专业 0401 的计划数已满") {
				t.Fatalf("import check: %d\n%s", st, html)
			}
			if strings.Contains(html, "/commit") {
				t.Fatalf("a file with bad rows offers a commit")
			}
			if _, n, _ := db.SchoolApps(context.Background(), xiangpei.Scope{OrgID: school.ID}, store.SchoolAppFilter{Status: xiangpei.SchoolAppAdmitted}, store.Page{}); n != 0 {
				t.Fatalf("the dry run admitted %d", n)
			}
		})
	}
}
