package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestComplaintsFlow: a person files a wage-arrears complaint in the browser and follows it;
// another person gets 404 for it; the county's complaint officer sees it in the queue with a
// countdown and moves it (accept, investigate, mediate, close) over the API, a stale version
// losing; the employer reads it with the ID number masked on every page and in the export; a
// gig posting is refused while the arrears are open.
func TestComplaintsFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			je := newJobsEnv(t, db)
			var p2 xiangpei.Person
			if err := db.Tx(context.Background(), xiangpei.Actor{Name: "test"}, func(tx *store.Tx) error {
				p2 = person(t, tx, "43021119960606123", "李强", "13900006666", "430211")
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			p2Tok := je.token(je.account(xiangpei.AccountInput{Login: "13900006666", DisplayName: "李强", Role: xiangpei.RolePerson, PersonID: p2.ID}, testPassword).ID)
			cAcct := je.account(xiangpei.AccountInput{Login: "ty_cmp", DisplayName: "天元区投诉", Role: xiangpei.RoleOfficer, Region: "430211",
				Duties: xiangpei.Duties{xiangpei.DutyComplaint}}, testPassword)
			cTok := je.token(cAcct.ID)
			htTok := je.token(je.account(xiangpei.AccountInput{Login: "ht_cmp", DisplayName: "荷塘区投诉", Role: xiangpei.RoleOfficer, Region: "430202",
				Duties: xiangpei.Duties{xiangpei.DutyComplaint}}, testPassword).ID)

			pb := je.browser()
			pb.signIn(je.personAcct, testPassword)
			if st, html, _ := pb.get("/me/complaints"); st != http.StatusOK || !strings.Contains(html, `action="/me/complaints"`) {
				t.Fatalf("my complaints page: %d", st)
			}
			form := url.Values{"kind": {"wage_arrears"}, "credit_code": {string(je.emp.CreditCode)}, "facts": {"拖欠两个月工资"}}
			if st, html, _ := pb.post("/me/complaints", form); st != http.StatusUnprocessableEntity || !strings.Contains(html, "工资金额") {
				t.Fatalf("arrears without amount: %d", st)
			}
			form.Set("amount", "8000")
			st, _, h := pb.post("/me/complaints", form)
			if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/complaints/") {
				t.Fatalf("file: %d %s", st, h.Get("Location"))
			}
			path := strings.SplitN(h.Get("Location"), "?", 2)[0]
			if st, html, _ := pb.get(path); st != http.StatusOK || !strings.Contains(html, "8000.00") || !strings.Contains(html, "/withdraw") {
				t.Fatalf("the person's case page: %d", st)
			}
			if st, html, _ := pb.get("/me/complaints"); st != http.StatusOK || !strings.Contains(html, path) || !strings.Contains(html, "剩 3 个工作日") {
				t.Fatalf("my complaints list: %d\n%s", st, html)
			}
			for _, tok := range []string{p2Tok, je.otherTok, htTok} {
				if st, _, _ := je.request(tok, http.MethodGet, "/api/v1"+path, nil); st != http.StatusNotFound {
					t.Fatalf("an outsider reads the complaint: %d", st)
				}
			}
			if st, b, _ := je.request(p2Tok, http.MethodGet, "/api/v1/me/complaints", nil); st != http.StatusOK || fmt.Sprint(decode(t, string(b))["total"]) != "0" {
				t.Fatalf("another person's list: %d %s", st, b)
			}

			st, b, _ := je.request(cTok, http.MethodGet, "/api/v1/complaints", nil)
			q := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(q["total"]) != "1" {
				t.Fatalf("queue: %d %s", st, b)
			}
			c := q["complaints"].([]any)[0].(map[string]any)
			if fmt.Sprint(c["workdays_left"]) != "3" || c["overdue"] != false {
				t.Fatalf("countdown: %v", c)
			}
			if st, _, _ := je.request(je.noDutyTok, http.MethodGet, "/api/v1/complaints", nil); st != http.StatusForbidden {
				t.Fatalf("queue without the duty: %d", st)
			}
			move := func(act, note, agreed string, version any) (int, map[string]any) {
				st, b, _ := je.request(cTok, http.MethodPost, "/api/v1"+path+"/move", map[string]any{"version": version, "action": act, "note": note, "agreed": agreed})
				return st, decode(t, string(b))
			}
			v0 := c["version"]
			st, c = move("accept", "", "", v0)
			if st != http.StatusOK || c["status"] != "accepted" {
				t.Fatalf("accept: %d %v", st, c)
			}
			if st, _ := move("investigate", "", "", v0); st != http.StatusConflict {
				t.Fatalf("stale version: %d", st)
			}
			gig := je.postingBody("临时装卸", "4500", "装卸货物")
			gig["work_type"] = "gig"
			st, b, _ = je.request(je.empTok, http.MethodPost, "/api/v1/employer/postings", gig)
			g := decode(t, string(b))
			if st != http.StatusCreated {
				t.Fatalf("gig draft: %d %s", st, b)
			}
			if st, b, _ := je.request(je.empTok, http.MethodPost, fmt.Sprintf("/api/v1/postings/%v/submit", g["id"]), map[string]any{"version": g["version"]}); st != http.StatusConflict ||
				!strings.Contains(string(b), "欠薪投诉") {
				t.Fatalf("gig while arrears open: %d %s", st, b)
			}
			// The employer's record in the registry shows the complaint and the block it causes.
			orgPath := fmt.Sprintf("/registry/orgs/%d", je.emp.ID)
			if st, b, _ := je.request(cTok, http.MethodGet, "/api/v1/orgs/"+fmt.Sprint(je.emp.ID), nil); st != http.StatusOK ||
				fmt.Sprint(decode(t, string(b))["complaints"]) != "map[open:1 open_wage_arrears:1 total:1]" {
				t.Fatalf("the employer's record: %d %s", st, b)
			}
			cb := je.browser()
			cb.signIn(cAcct, testPassword)
			if st, html, _ := cb.get(orgPath); st != http.StatusOK || !strings.Contains(html, "共 1 件，未办结 1 件") ||
				!strings.Contains(html, fmt.Sprintf("/complaints?employer=%d&amp;all=1", je.emp.ID)) {
				t.Fatalf("the employer's registry page: %d\n%s", st, html)
			}
			if st, b, _ := je.request(cTok, http.MethodGet, fmt.Sprintf("/api/v1/complaints?all=1&employer=%d", je.other.ID), nil); st != http.StatusOK ||
				fmt.Sprint(decode(t, string(b))["total"]) != "0" {
				t.Fatalf("the queue filtered by another employer: %d %s", st, b)
			}
			_, c = move("investigate", "", "", c["version"])
			if st, _ := move("mediate", "", "", c["version"]); st != http.StatusUnprocessableEntity {
				t.Fatalf("mediate without outcome: %d", st)
			}
			st, c = move("mediate", "企业一次性支付", "7500", c["version"])
			if st != http.StatusOK || c["status"] != "mediated" || fmt.Sprint(c["agreed_fen"]) != "750000" {
				t.Fatalf("mediate: %d %v", st, c)
			}

			full, masked := string(je.person.IDNumber), je.person.IDNumber.Masked()
			for _, p := range []string{"/employer/complaints", "/api/v1/employer/complaints", path, "/api/v1" + path, "/employer/complaints?format=xlsx"} {
				st, b, _ := je.request(je.empTok, http.MethodGet, p, nil)
				if st != http.StatusOK || strings.Contains(string(b), full) {
					t.Fatalf("%s: %d, or the full ID number is in it", p, st)
				}
				if !strings.Contains(p, "xlsx") && !strings.Contains(string(b), masked) {
					t.Fatalf("%s: the masked ID number is missing", p)
				}
			}
			if st, b, _ := je.request(je.otherTok, http.MethodGet, "/api/v1/employer/complaints", nil); st != http.StatusOK || fmt.Sprint(decode(t, string(b))["total"]) != "0" {
				t.Fatalf("another employer's list: %d %s", st, b)
			}
			if st, c = move("close", "", "", c["version"]); st != http.StatusOK || c["status"] != "closed" {
				t.Fatalf("close: %d %v", st, c)
			}
			msgs, err := db.Messages(context.Background(), je.personAcct.ID, store.Page{})
			if err != nil || len(msgs) != 4 {
				t.Fatalf("the person's messages: %v %d, want 4", err, len(msgs))
			}
		})
	}
}
