package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store/storetest"
)

func fairBody(now time.Time, name string) map[string]any {
	return map[string]any{"name": name, "kind": "both", "venue": "天元区人力资源市场", "address": "黄河北路 1 号", "county": "430211",
		"description": "春风行动", "starts_at": formTime(now.Add(20 * time.Minute)), "ends_at": formTime(now.Add(25 * time.Hour)),
		"signup_from": formTime(now), "signup_to": formTime(now.Add(25 * time.Hour)), "booths": 10}
}

// TestFairsFlow: the county's officer writes a fair over the API (bad hours refused with the
// reason, nothing written) and publishes it; a draft is nobody's public page; another county's
// officer gets 404 on its management; an employer joins with a booth and a posting, a second
// employer asking for the same booth is told it is taken; a person signs up in the browser,
// cannot apply before the fair starts, applies from the fair's page while it is under way; the
// fair's JSON twin gives the live counts, which follow the employer's moves; the lists, their
// JSON twins and Excel exports answer.
func TestFairsFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			je := newJobsEnv(t, db)
			htTok := je.token(je.account(xiangpei.AccountInput{Login: "ht_pub", DisplayName: "荷塘区经办", Role: xiangpei.RoleOfficer, Region: "430202",
				Duties: xiangpei.Duties{xiangpei.DutyPublish}}, testPassword).ID)
			now := je.clock.now()

			bad := fairBody(now, "春风行动专场")
			bad["ends_at"] = formTime(now.Add(-time.Hour))
			st, b, _ := je.request(je.officerTok, http.MethodPost, "/api/v1/fairs/manage", bad)
			if st != http.StatusUnprocessableEntity || !strings.Contains(string(b), "结束时间须晚于开始时间") {
				t.Fatalf("bad hours: %d %s", st, b)
			}
			if st, b, _ := je.request(je.officerTok, http.MethodGet, "/api/v1/fairs/manage?when=all", nil); st != http.StatusOK || fmt.Sprint(decode(t, string(b))["total"]) != "0" {
				t.Fatalf("a refused fair was written: %d %s", st, b)
			}
			ob := je.browser()
			ob.signIn(je.account(xiangpei.AccountInput{Login: "ty_fair", DisplayName: "天元区招聘会经办", Role: xiangpei.RoleOfficer, Region: "430211",
				Duties: xiangpei.Duties{xiangpei.DutyPublish}}, testPassword), testPassword)
			if st, html, _ := ob.get("/fairs/manage"); st != http.StatusOK || !strings.Contains(html, `action="/fairs/manage"`) {
				t.Fatalf("the manage page: %d", st)
			}
			form := url.Values{}
			for k, v := range fairBody(now, "表单里的招聘会") {
				form.Set(k, fmt.Sprint(v))
			}
			form.Set("kind", "on_site")
			form.Set("venue", "")
			if st, html, _ := ob.post("/fairs/manage", form); st != http.StatusUnprocessableEntity || !strings.Contains(html, "现场招聘会须填写场地和展位数") ||
				!strings.Contains(html, `value="表单里的招聘会"`) {
				t.Fatalf("a bad form in the browser: %d\n%s", st, html)
			}
			if st, _, _ := je.request(je.noDutyTok, http.MethodPost, "/api/v1/fairs/manage", fairBody(now, "x")); st != http.StatusForbidden {
				t.Fatalf("an officer without the publish duty: %d", st)
			}
			st, b, _ = je.request(je.officerTok, http.MethodPost, "/api/v1/fairs/manage", fairBody(now, "天元区春风行动专场招聘会"))
			if st != http.StatusCreated {
				t.Fatalf("create: %d %s", st, b)
			}
			f := decode(t, string(b))
			path := fmt.Sprintf("/fairs/%v", f["id"])
			if st, _, _ := je.request("", http.MethodGet, "/api/v1"+path, nil); st != http.StatusNotFound {
				t.Fatalf("a draft is public: %d", st)
			}
			if st, _, _ := je.request(htTok, http.MethodGet, "/api/v1"+path+"/edit", nil); st != http.StatusNotFound {
				t.Fatalf("another county's officer manages the fair: %d", st)
			}
			st, b, _ = je.request(je.officerTok, http.MethodPost, "/api/v1"+path+"/move", map[string]any{"action": "publish", "version": f["version"]})
			if st != http.StatusOK || decode(t, string(b))["status"] != "published" {
				t.Fatalf("publish: %d %s", st, b)
			}

			p := je.createAndSubmit(t, je.empTok, je.postingBody("钢结构焊工", "4500", "负责钢结构焊接"))
			q := je.createAndSubmit(t, je.otherTok, je.postingBody("仓库叉车司机", "4200", "负责仓库叉车作业"))
			st, b, _ = je.request(je.empTok, http.MethodPost, "/api/v1"+path+"/join", map[string]any{"booth": 3, "posting_ids": []string{fmt.Sprint(p["id"])}})
			if st != http.StatusCreated || fmt.Sprint(decode(t, string(b))["booth"]) != "3" {
				t.Fatalf("join: %d %s", st, b)
			}
			st, b, _ = je.request(je.otherTok, http.MethodPost, "/api/v1"+path+"/join", map[string]any{"booth": 3, "posting_ids": []string{fmt.Sprint(q["id"])}})
			if st != http.StatusConflict || !strings.Contains(string(b), "3 号展位已被占用") {
				t.Fatalf("the same booth: %d %s", st, b)
			}
			st, b, _ = je.request(je.otherTok, http.MethodPost, "/api/v1"+path+"/join", map[string]any{"posting_ids": []string{fmt.Sprint(p["id"])}})
			if st != http.StatusUnprocessableEntity || !strings.Contains(string(b), "不是您单位正在招聘的岗位") {
				t.Fatalf("another employer's posting: %d %s", st, b)
			}
			// The other employer joins in the browser: the taken booth is refused on the fair's page, an
			// empty booth gets the first free one.
			eb := je.browser()
			eb.signIn(xiangpei.Account{Login: "ht_logi", Role: xiangpei.RoleEmployer}, testPassword)
			st, html, _ := eb.get(path)
			if st != http.StatusOK || !strings.Contains(html, `action="`+path+`/join"`) || !strings.Contains(html, `value="`+fmt.Sprint(q["id"])+`"`) {
				t.Fatalf("the join form: %d\n%s", st, html)
			}
			if st, html, _ := eb.post(path+"/join", url.Values{"booth": {"3"}, "posting_ids": {fmt.Sprint(q["id"])}}); st != http.StatusConflict || !strings.Contains(html, "3 号展位已被占用") {
				t.Fatalf("the taken booth in the browser: %d", st)
			}
			if st, _, _ := eb.post(path+"/join", url.Values{"booth": {""}, "posting_ids": {fmt.Sprint(q["id"])}}); st != http.StatusSeeOther {
				t.Fatalf("join in the browser: %d", st)
			}
			if st, html, _ := eb.get(path); st != http.StatusOK || !strings.Contains(html, "1 号展位") || !strings.Contains(html, "荷塘物流有限公司") {
				t.Fatalf("the booth given: %d", st)
			}

			pb := je.browser()
			pb.signIn(je.personAcct, testPassword)
			st, html, _ = pb.get(path)
			if st != http.StatusOK || !strings.Contains(html, `action="`+path+`/signup"`) || !strings.Contains(html, "天元焊接有限公司") ||
				!strings.Contains(html, `http-equiv="refresh"`) {
				t.Fatalf("the fair's page: %d\n%s", st, html)
			}
			if st, _, h := pb.post(path+"/signup", nil); st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), path) {
				t.Fatalf("sign up: %d", st)
			}
			if st, html, _ := pb.post(path+"/apply", url.Values{"posting_id": {fmt.Sprint(p["id"])}}); st != http.StatusConflict || !strings.Contains(html, "只有在招聘会进行期间") {
				t.Fatalf("apply before the fair: %d\n%s", st, html)
			}
			je.clock.add(25 * time.Minute) // within the session's idle timeout
			st, html, _ = pb.get(path)
			if st != http.StatusOK || !strings.Contains(html, `action="`+path+`/apply"`) || !strings.Contains(html, "您已报名") {
				t.Fatalf("the fair under way: %d\n%s", st, html)
			}
			if st, _, _ := pb.post(path+"/apply", url.Values{"posting_id": {fmt.Sprint(p["id"])}}); st != http.StatusSeeOther {
				t.Fatalf("apply: %d", st)
			}

			counts := func() map[string]any {
				t.Helper()
				st, b, _ := je.request("", http.MethodGet, "/api/v1"+path, nil)
				if st != http.StatusOK {
					t.Fatalf("the fair's JSON: %d %s", st, b)
				}
				return decode(t, string(b))["counts"].(map[string]any)
			}
			c := counts()
			for k, want := range map[string]string{"employers": "2", "openings": "6", "signups": "1", "applicants": "1", "interviews": "0"} {
				if fmt.Sprint(c[k]) != want {
					t.Fatalf("%s: %v, want %s (%v)", k, c[k], want, c)
				}
			}
			st, b, _ = je.request(je.personTok, http.MethodGet, "/api/v1/me/applications", nil)
			apps := decode(t, string(b))["applications"].([]any)
			if st != http.StatusOK || len(apps) != 1 {
				t.Fatalf("my applications: %d %s", st, b)
			}
			app := apps[0].(map[string]any)
			for _, act := range []string{"view", "interview"} {
				st, b, _ = je.request(je.empTok, http.MethodPost, fmt.Sprintf("/api/v1/applications/%v/move", app["id"]), map[string]any{"version": app["version"], "action": act})
				if st != http.StatusOK {
					t.Fatalf("%s: %d %s", act, st, b)
				}
				app = decode(t, string(b))
			}
			if c := counts(); fmt.Sprint(c["interviews"]) != "1" || fmt.Sprint(c["hires"]) != "0" {
				t.Fatalf("after the invitation: %v", c)
			}

			st, b, _ = je.request("", http.MethodGet, "/api/v1"+path+"/employers", nil)
			emps := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(emps["total"]) != "2" {
				t.Fatalf("employers: %d %s", st, b)
			}
			e := emps["employers"].([]any)[1].(map[string]any) // by booth: the other employer at 1, ours at 3
			if fmt.Sprint(e["booth"]) != "3" || fmt.Sprint(e["counts"].(map[string]any)["interviews"]) != "1" || len(e["postings"].([]any)) != 1 {
				t.Fatalf("the employer at the fair: %v", e)
			}
			for _, x := range []string{path + "/employers?format=xlsx", "/fairs?format=xlsx"} {
				if st, _, h := je.request("", http.MethodGet, x, nil); st != http.StatusOK || h.Get("Content-Type") != sheet.ContentType {
					t.Fatalf("export %s: %d %s", x, st, h.Get("Content-Type"))
				}
			}
			if st, b, _ := je.request("", http.MethodGet, "/api/v1/fairs", nil); st != http.StatusOK || fmt.Sprint(decode(t, string(b))["total"]) != "1" {
				t.Fatalf("public list: %d %s", st, b)
			}
			st, b, _ = je.request(je.personTok, http.MethodGet, "/api/v1/me/fairs", nil)
			if mine := decode(t, string(b)); st != http.StatusOK || fmt.Sprint(mine["total"]) != "1" ||
				fmt.Sprint(mine["fairs"].([]any)[0].(map[string]any)["my_applications"]) != "1" {
				t.Fatalf("my fairs: %d %s", st, b)
			}
			st, b, _ = je.request(je.empTok, http.MethodGet, "/api/v1/employer/fairs", nil)
			if ef := decode(t, string(b)); st != http.StatusOK || ef["fairs"].([]any)[0].(map[string]any)["joined"] != true {
				t.Fatalf("employer's fairs: %d %s", st, b)
			}
			for _, x := range []struct{ tok, path string }{{je.empTok, "/employer/fairs"}, {je.personTok, "/me/fairs"}, {je.officerTok, "/fairs/manage"},
				{je.officerTok, path + "/edit"}, {"", "/fairs"}, {je.empTok, path}} {
				if st, b, _ := je.request(x.tok, http.MethodGet, x.path, nil); st != http.StatusOK || !strings.Contains(string(b), "天元区春风行动专场招聘会") {
					t.Fatalf("page %s: %d", x.path, st)
				}
			}
		})
	}
}
