package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store/storetest"
)

// TestGigsFlow: an employer's gig below the minimum wage is refused on its form with the
// reason; a valid one is public, sorted by distance with the map, JSON and Excel; a person
// signs up in one tap, is refused a check-in 2 km away and checks in on site; a differing wage
// is refused, the same one completes the gig; the employer's pages and export never show the
// whole ID number; after the due day the sign-up reads unpaid and the one-tap complaint files
// a wage-arrears case worded in Chinese, in the county officer's queue, and new gigs are
// refused while it is open.
func TestGigsFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			je := newJobsEnv(t, db)
			today := xiangpei.ChinaDate(je.clock.now())
			eb := je.browser()
			empAcct := je.account(xiangpei.AccountInput{Login: "ty_gig", DisplayName: "天元焊接零工", Role: xiangpei.RoleEmployer, OrgID: je.emp.ID}, testPassword)
			eb.signIn(empAcct, testPassword)
			if st, html, _ := eb.get("/employer/gigs"); st != http.StatusOK || !strings.Contains(html, `action="/employer/gigs"`) {
				t.Fatalf("the employer's gigs page: %d", st)
			}
			form := url.Values{"title": {"钢材装卸"}, "description": {"装卸钢材，管午饭"}, "unit": {"day"}, "wage": {"60"}, "units": {"1"},
				"headcount": {"2"}, "date": {today}, "county": {"430211"}, "place": {"天元区钢材市场"}, "lat": {"27.8270"}, "lng": {"113.0820"}}
			st, html, _ := eb.post("/employer/gigs", form)
			if st != http.StatusUnprocessableEntity || !strings.Contains(html, "最低工资标准") || !strings.Contains(html, `value="钢材装卸"`) {
				t.Fatalf("below the minimum wage: %d\n%s", st, html)
			}
			form.Set("wage", "220")
			st, _, h := eb.post("/employer/gigs", form)
			if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/employer/gigs/") {
				t.Fatalf("post: %d %s", st, h.Get("Location"))
			}
			gigPath := strings.SplitN(h.Get("Location"), "?", 2)[0]
			gigID := strings.TrimPrefix(gigPath, "/employer/gigs/")
			if st, _, _ := je.request(je.otherTok, http.MethodGet, "/api/v1"+gigPath, nil); st != http.StatusNotFound {
				t.Fatalf("another employer reads the gig: %d", st)
			}

			anon := je.browser()
			if st, html, _ := anon.get("/gigs?lat=27.80&lng=113.10"); st != http.StatusOK || !strings.Contains(html, "钢材装卸") ||
				!strings.Contains(html, "3.5 公里") || !strings.Contains(html, "<svg") {
				t.Fatalf("public list: %d\n%s", st, html)
			}
			st, b, _ := je.request("", http.MethodGet, "/api/v1/gigs?lat=27.80&lng=113.10", nil)
			list := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(list["total"]) != "1" || fmt.Sprint(list["gigs"].([]any)[0].(map[string]any)["distance_km"]) != "3.5" {
				t.Fatalf("public JSON: %d %s", st, b)
			}
			if st, _, h := je.request("", http.MethodGet, "/gigs?format=xlsx", nil); st != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheet") {
				t.Fatalf("public export: %d %s", st, h.Get("Content-Type"))
			}

			pb := je.browser()
			pb.signIn(je.personAcct, testPassword)
			if st, html, _ := pb.get("/gigs/" + gigID); st != http.StatusOK || !strings.Contains(html, "一键报名") {
				t.Fatalf("gig page: %d", st)
			}
			if st, _, h := pb.post("/gigs/"+gigID+"/signup", nil); st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/me/gigs") {
				t.Fatalf("sign up: %d %s", st, h.Get("Location"))
			}
			if st, _, _ := pb.post("/gigs/"+gigID+"/signup", nil); st != http.StatusConflict {
				t.Fatalf("sign up twice: %d", st)
			}
			st, b, _ = je.request(je.personTok, http.MethodGet, "/api/v1/me/gigs", nil)
			mine := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(mine["total"]) != "1" {
				t.Fatalf("my gigs: %d %s", st, b)
			}
			u := mine["signups"].([]any)[0].(map[string]any)
			signup := fmt.Sprint(u["id"])
			if st, html, _ := pb.get("/me/gigs"); st != http.StatusOK || !strings.Contains(html, "/me/gigs/"+signup+"/check_in") {
				t.Fatalf("my gigs page: %d", st)
			}
			move := func(tok, path string, body map[string]any) (int, map[string]any) {
				st, b, _ := je.request(tok, http.MethodPost, "/api/v1"+path, body)
				return st, decode(t, string(b))
			}
			st, m := move(je.personTok, "/me/gigs/"+signup+"/check_in", map[string]any{"version": u["version"], "lat": "27.845", "lng": "113.082"})
			if st != http.StatusConflict || !strings.Contains(fmt.Sprint(m), "公里") {
				t.Fatalf("check in 2 km away: %d %v", st, m)
			}
			st, m = move(je.personTok, "/me/gigs/"+signup+"/check_in", map[string]any{"version": u["version"], "lat": "27.8272", "lng": "113.0821"})
			if st != http.StatusOK || m["status"] != "checked_in" {
				t.Fatalf("check in: %d %v", st, m)
			}
			_, m = move(je.personTok, "/me/gigs/"+signup+"/confirm", map[string]any{"version": m["version"], "wage": "220"})
			if st, bad := move(je.empTok, "/employer/signups/"+signup+"/confirm", map[string]any{"version": m["version"], "wage": "200"}); st != http.StatusConflict ||
				!strings.Contains(fmt.Sprint(bad), "220.00") {
				t.Fatalf("different wage: %d %v", st, bad)
			}
			if st, bad := move(je.empTok, "/employer/signups/"+signup+"/confirm", map[string]any{"version": m["version"], "wage": "两百"}); st != http.StatusUnprocessableEntity {
				t.Fatalf("wage in words: %d %v", st, bad)
			}
			st, m = move(je.empTok, "/employer/signups/"+signup+"/confirm", map[string]any{"version": m["version"], "wage": "220"})
			if st != http.StatusOK || m["status"] != "completed" || fmt.Sprint(m["wage_fen"]) != "22000" {
				t.Fatalf("both confirmed: %d %v", st, m)
			}
			if st, _ := move(je.otherTok, "/employer/signups/"+signup+"/pay", map[string]any{"version": m["version"]}); st != http.StatusNotFound {
				t.Fatalf("another employer marks paid: %d", st)
			}
			st, m = move(je.empTok, "/employer/signups/"+signup+"/rate", map[string]any{"version": m["version"], "stars": 4})
			if st != http.StatusOK || fmt.Sprint(m["rating_of_worker"]) != "4" {
				t.Fatalf("employer rates: %d %v", st, m)
			}
			full, masked := string(je.person.IDNumber), je.person.IDNumber.Masked()
			for _, p := range []string{gigPath, "/api/v1" + gigPath, gigPath + "?format=xlsx"} {
				st, b, _ := je.request(je.empTok, http.MethodGet, p, nil)
				if st != http.StatusOK || strings.Contains(string(b), full) {
					t.Fatalf("%s: %d, or the full ID number is in it", p, st)
				}
				if !strings.Contains(p, "xlsx") && !strings.Contains(string(b), masked) {
					t.Fatalf("%s: no masked ID number", p)
				}
			}

			// The wage was due today; two days on it reads as unpaid and can become a complaint.
			je.clock.add(48 * time.Hour)
			st, b, _ = je.request(je.personTok, http.MethodGet, "/api/v1/me/gigs?status=unpaid_past_due", nil)
			if mine = decode(t, string(b)); st != http.StatusOK || fmt.Sprint(mine["total"]) != "1" {
				t.Fatalf("unpaid: %d %s", st, b)
			}
			v := mine["signups"].([]any)[0].(map[string]any)["version"]
			pb = je.browser() // the session of two days ago has timed out
			pb.signIn(je.personAcct, testPassword)
			if st, html, _ := pb.get("/me/gigs"); st != http.StatusOK || !strings.Contains(html, "/me/gigs/"+signup+"/complain") {
				t.Fatalf("one-tap button: %d", st)
			}
			st, _, h = pb.post("/me/gigs/"+signup+"/complain", url.Values{"version": {fmt.Sprint(v)}})
			if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/complaints/") {
				t.Fatalf("one-tap complaint: %d %s", st, h.Get("Location"))
			}
			cPath := strings.SplitN(h.Get("Location"), "?", 2)[0]
			if st, html, _ := pb.get(cPath); st != http.StatusOK || !strings.Contains(html, "双方已确认工资 220.00 元") || !strings.Contains(html, "钢材装卸") {
				t.Fatalf("the complaint: %d\n%s", st, html)
			}
			if st, _, _ := pb.post("/me/gigs/"+signup+"/complain", url.Values{"version": {fmt.Sprint(v)}}); st != http.StatusConflict {
				t.Fatalf("a second complaint: %d", st)
			}
			cTok := je.token(je.account(xiangpei.AccountInput{Login: "ty_cmp_gig", DisplayName: "天元区投诉", Role: xiangpei.RoleOfficer, Region: "430211",
				Duties: xiangpei.Duties{xiangpei.DutyComplaint}}, testPassword).ID)
			if st, b, _ := je.request(cTok, http.MethodGet, "/api/v1/complaints", nil); st != http.StatusOK || fmt.Sprint(decode(t, string(b))["total"]) != "1" {
				t.Fatalf("the officer's queue: %d %s", st, b)
			}
			body := map[string]any{"title": "钢材装卸", "unit": "day", "wage": "220", "units": "1", "headcount": "1",
				"date": xiangpei.ChinaDate(je.clock.now()), "county": "430211"}
			if st, b, _ := je.request(je.empTok, http.MethodPost, "/api/v1/employer/gigs", body); st != http.StatusConflict || !strings.Contains(string(b), "欠薪投诉") {
				t.Fatalf("a gig while arrears are open: %d %s", st, b)
			}
			if st, b, _ := je.request(je.otherTok, http.MethodPost, "/api/v1/employer/gigs", body); st != http.StatusCreated {
				t.Fatalf("another employer posts: %d %s", st, b)
			}
		})
	}
}

// TestGigComplaintFactsInBothLanguages: the one-tap complaint's statement reads the same in the
// English catalogue as the domain's own text, and the Chinese one carries every fact.
func TestGigComplaintFactsInBothLanguages(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	day, _ := time.ParseInLocation(time.DateOnly, "2026-12-05", xiangpei.ChinaTime)
	g := xiangpei.Gig{ID: 1, EmployerID: 2, EmployerName: "株洲某物流", Title: "仓库分拣", Unit: xiangpei.PerDay, WageFen: 20000, Units: 1,
		Date: day, PayBy: day.AddDate(0, 0, 2), County: "430203", Headcount: 1}
	d, err := xiangpei.OneTapComplaint(g, xiangpei.GigSignup{ID: 3, GigID: 1, PersonID: 4, Status: xiangpei.GigUnpaid, WorkerConfirmedFen: 20000, EmployerConfirmedFen: 20000})
	if err != nil {
		t.Fatal(err)
	}
	if en := e.srv.msg.T("en", d.FactsKey, d.FactsArgs...); en != strings.ReplaceAll(d.Facts, `"仓库分拣"`, "“仓库分拣”") {
		t.Errorf("English: %q, domain: %q", en, d.Facts)
	}
	zh := e.srv.msg.T("zh-CN", d.FactsKey, d.FactsArgs...)
	for _, want := range []string{"2026-12-05", "仓库分拣", "株洲某物流", "200.00", "2026-12-07"} {
		if !strings.Contains(zh, want) {
			t.Errorf("Chinese %q lacks %q", zh, want)
		}
	}
}
