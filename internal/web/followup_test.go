package web

import (
	"context"
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

// fuWebWorld: the training world with one closed class of 天元区 that ended on 10 March 2026,
// completed by the world's trainee and a second person; registry officers of 天元区 and 荷塘区.
type fuWebWorld struct {
	*trainEnv
	class             xiangpei.Class
	second            xiangpei.Person
	reg, regOther     string // tokens
	noDuty, personTok string
	inst, otherInst   string
	regAcct           xiangpei.Account
	completed         string // the class's last day
}

func newFollowUpWeb(t *testing.T, db *store.DB) *fuWebWorld {
	t.Helper()
	te := newTrainEnv(t, db)
	x := &fuWebWorld{trainEnv: te}
	x.class = te.w.ApprovedClass(t, 10, 2)
	err := db.Tx(context.Background(), te.w.Admin, func(tx *store.Tx) error {
		var err error
		x.second = person(t, tx, "43021119880808123", "王二", "13900008888", "430211")
		for _, p := range []int64{te.person.ID, x.second.ID} {
			if _, err = tx.AddTrainee(xiangpei.Scope{All: true}, x.class.ID, p, xiangpei.SourceManual); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// the class runs and closes for real: both attend every session
	err = db.Tx(context.Background(), te.w.Admin, func(tx *store.Tx) error {
		org := xiangpei.Scope{OrgID: x.class.OrgID}
		c := x.class
		var err error
		tx.Now = c.FirstSession.Add(-time.Minute)
		if c, err = tx.MoveClass(org, c.ID, c.Version, xiangpei.ClassStart, ""); err != nil {
			return err
		}
		tx.Now = c.LastSession.Add(time.Hour)
		var evs []xiangpei.Event
		for _, s := range c.Sessions {
			for _, p := range []int64{te.person.ID, x.second.ID} {
				evs = append(evs, xiangpei.Event{SessionID: s.ID, PersonID: p, Kind: xiangpei.CheckIn, At: s.Starts, Source: xiangpei.FromImport},
					xiangpei.Event{SessionID: s.ID, PersonID: p, Kind: xiangpei.CheckOut, At: s.Ends, Source: xiangpei.FromImport})
			}
		}
		if res, err := tx.IngestEvents(c.OrgID, evs); err != nil || len(res.Refused) > 0 {
			return fmt.Errorf("ingest: %v %+v", err, res.Refused)
		}
		x.class, _, err = tx.CloseClass(org, c.ID, c.Version)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// seven months later: both follow-ups are due and the 6-month window has closed
	x.completed = xiangpei.ChinaDate(x.class.LastSession)
	te.at(x.class.LastSession.AddDate(0, 7, 0))
	x.regAcct = te.account(xiangpei.AccountInput{Login: "fu_ty", DisplayName: "天元区就业", Role: xiangpei.RoleOfficer, Region: "430211",
		Duties: xiangpei.Duties{xiangpei.DutyRegistry}}, testPassword)
	x.reg = te.token(x.regAcct.ID)
	x.regOther = te.token(te.account(xiangpei.AccountInput{Login: "fu_ht", DisplayName: "荷塘区就业", Role: xiangpei.RoleOfficer, Region: "430202",
		Duties: xiangpei.Duties{xiangpei.DutyRegistry}}, testPassword).ID)
	x.noDuty = te.token(te.officer.ID)
	x.personTok = te.token(te.trainee.ID)
	x.inst, x.otherInst = te.token(te.inst.ID), te.token(te.other.ID)
	return x
}

// fuDay is the first day of the n-th month after the class's last day.
func fuDay(x *fuWebWorld, n int) string {
	return xiangpei.AddMonths(x.class.LastSession, n).Format("2006-01") + "-01"
}

// fuMonth is that month as 缴费月份 (YYYYMM).
func fuMonth(x *fuWebWorld, n int) string {
	return xiangpei.AddMonths(x.class.LastSession, n).Format("200601")
}

// TestEmploymentFollowUpWeb walks the area: a person reports a job in the browser (a bad
// county refused in Chinese, nothing written) and sees it 未核验 on their record; the county's
// registry officer lists and verifies it (another county gets 404, an officer without the duty
// 403, a second verification 409) and it shows 已核验; an officer enters a record; the
// follow-up queue lists the completers' due follow-ups and recording one closes it once; the
// rate page answers JSON, Excel and HTML for officers and the class's institution only.
func TestEmploymentFollowUpWeb(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newFollowUpWeb(t, db)
			pb := x.browser()
			pb.signIn(x.trainee, testPassword)
			if st, html, _ := pb.get("/me/employment"); st != http.StatusOK || !strings.Contains(html, `action="/me/employment"`) {
				t.Fatalf("my employment page: %d", st)
			}
			form := url.Values{"employer_name": {"株洲某物流公司"}, "starts_on": {fuDay(x, 1)}, "full_time": {"true"}}
			if st, html, _ := pb.post("/me/employment", form); st != http.StatusUnprocessableEntity || !strings.Contains(html, "请选择工作地点所在区县") ||
				!strings.Contains(html, "株洲某物流公司") {
				t.Fatalf("report without a county: %d", st)
			}
			if st, b, _ := x.request(x.personTok, http.MethodGet, "/api/v1/me/employment", nil); st != http.StatusOK || strings.Contains(string(b), "株洲某物流公司") {
				t.Fatalf("a refused report was written: %d %s", st, b)
			}
			form.Set("county", "430211")
			if st, _, h := pb.post("/me/employment", form); st != http.StatusSeeOther || h.Get("Location") != "/me/employment?done=employment_reported" {
				t.Fatalf("report: %d %s", st, h.Get("Location"))
			}
			if st, html, _ := pb.get("/me"); st != http.StatusOK || !strings.Contains(html, "株洲某物流公司") || !strings.Contains(html, "未核验") {
				t.Fatalf("the record does not show the unverified report: %d", st)
			}

			st, b, _ := x.request(x.reg, http.MethodGet, "/api/v1/employment/records?status=unverified", nil)
			list := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(list["total"]) != "1" {
				t.Fatalf("waiting list: %d %s", st, b)
			}
			rec := list["records"].([]any)[0].(map[string]any)
			if strings.Contains(string(b), string(x.trainEnv.person.IDNumber)) || rec["verified"] != false {
				t.Fatalf("list row: %v", rec)
			}
			id := fmt.Sprint(rec["id"])
			if st, b, _ := x.request(x.regOther, http.MethodGet, "/api/v1/employment/records", nil); st != http.StatusOK || fmt.Sprint(decode(t, string(b))["total"]) != "0" {
				t.Fatalf("another county's list: %d %s", st, b)
			}
			if st, _, _ := x.request(x.noDuty, http.MethodGet, "/api/v1/employment/records", nil); st != http.StatusForbidden {
				t.Fatalf("without the registry duty: %d", st)
			}
			if st, _, _ := x.request(x.regOther, http.MethodPost, "/api/v1/employment/records/"+id+"/verify", map[string]any{}); st != http.StatusNotFound {
				t.Fatalf("another county verifies: %d", st)
			}
			if st, b, _ := x.request(x.reg, http.MethodPost, "/api/v1/employment/records/"+id+"/verify", map[string]any{}); st != http.StatusOK || decode(t, string(b))["verified"] != true {
				t.Fatalf("verify: %d %s", st, b)
			}
			if st, _, _ := x.request(x.reg, http.MethodPost, "/api/v1/employment/records/"+id+"/verify", map[string]any{}); st != http.StatusConflict {
				t.Fatalf("verify twice: %d", st)
			}
			if _, html, _ := pb.get("/me"); !strings.Contains(html, "已核验") || strings.Contains(html, "未核验") {
				t.Fatal("the record does not show the verified report")
			}
			st, body, h := x.request(x.reg, http.MethodGet, "/employment/records?format=xlsx", nil)
			if st != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheet") || len(body) < 100 {
				t.Fatalf("export: %d %s", st, h.Get("Content-Type"))
			}

			// an officer's entry: the name is checked
			entry := map[string]any{"id_number": string(x.second.IDNumber), "name": "王三", "employer_name": "株洲某制造公司", "county": "430211",
				"starts_on": fuDay(x, 2), "full_time": true}
			if st, b, _ := x.request(x.reg, http.MethodPost, "/api/v1/employment/records", entry); st != http.StatusUnprocessableEntity || !strings.Contains(string(b), "姓名") {
				t.Fatalf("entry with a wrong name: %d %s", st, b)
			}
			entry["name"] = "王二"
			if st, b, _ := x.request(x.reg, http.MethodPost, "/api/v1/employment/records", entry); st != http.StatusCreated || decode(t, string(b))["source"] != "officer" {
				t.Fatalf("entry: %d %s", st, b)
			}

			// the follow-up queue: two completers, due at 3 and 6 months
			st, b, _ = x.request(x.reg, http.MethodGet, "/api/v1/employment/follow-ups", nil)
			q := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(q["total"]) != "4" {
				t.Fatalf("queue: %d %s", st, b)
			}
			first := q["follow_ups"].([]any)[0].(map[string]any)
			if first["due_on"] != xiangpei.ChinaDate(xiangpei.AddMonths(x.class.LastSession, 3)) || first["overdue"] != true || first["employment_known"] != true {
				t.Fatalf("first task %v", first)
			}
			if st, b, _ := x.request(x.regOther, http.MethodGet, "/api/v1/employment/follow-ups", nil); fmt.Sprint(decode(t, string(b))["total"]) != "0" || st != http.StatusOK {
				t.Fatalf("another county's queue: %d %s", st, b)
			}
			ob := x.browser()
			ob.signIn(x.regAcct, testPassword)
			st, html, _ := ob.get("/employment/follow-ups")
			if st != http.StatusOK || !strings.Contains(html, x.second.Name) || !strings.Contains(html, "已逾期") {
				t.Fatalf("queue page: %d", st)
			}
			tid := fmt.Sprint(first["trainee_id"])
			if st, html, _ := ob.post("/employment/follow-ups/"+tid, url.Values{"month": {"3"}, "outcome": {"maybe"}}); st != http.StatusUnprocessableEntity ||
				!strings.Contains(html, "请选择回访结果") {
				t.Fatalf("bad outcome: %d", st)
			}
			if st, _, h := ob.post("/employment/follow-ups/"+tid, url.Values{"month": {"3"}, "outcome": {"unreachable"}, "note": {"电话无人接听"}}); st != http.StatusSeeOther ||
				!strings.HasPrefix(h.Get("Location"), "/employment/follow-ups") {
				t.Fatalf("record: %d", st)
			}
			if st, _, _ := x.request(x.reg, http.MethodPost, "/api/v1/employment/follow-ups/"+tid, map[string]any{"month": 3, "outcome": "not_employed"}); st != http.StatusConflict {
				t.Fatalf("recorded twice: %d", st)
			}
			if _, b, _ := x.request(x.reg, http.MethodGet, "/api/v1/employment/follow-ups", nil); fmt.Sprint(decode(t, string(b))["total"]) != "3" {
				t.Fatalf("queue after one outcome: %s", b)
			}

			// the rate of 2026: both completers' windows have closed; both employed
			st, b, _ = x.request(x.reg, http.MethodGet, "/api/v1/employment/rates?by=class&year=2026", nil)
			r := decode(t, string(b))
			if st != http.StatusOK || len(r["rows"].([]any)) != 1 {
				t.Fatalf("rates: %d %s", st, b)
			}
			total := r["total"].(map[string]any)
			if fmt.Sprint(total["completers"]) != "2" || fmt.Sprint(total["employed"]) != "2" || fmt.Sprint(total["rate_bp"]) != "10000" ||
				r["rows"].([]any)[0].(map[string]any)["label"] != x.class.Name {
				t.Fatalf("rates body %s", b)
			}
			if st, b, _ := x.request(x.inst, http.MethodGet, "/api/v1/employment/rates?by=institution&year=2026", nil); st != http.StatusOK ||
				fmt.Sprint(decode(t, string(b))["total"].(map[string]any)["completers"]) != "2" {
				t.Fatalf("the institution's rates: %d %s", st, b)
			}
			if st, b, _ := x.request(x.otherInst, http.MethodGet, "/api/v1/employment/rates?year=2026", nil); st != http.StatusOK ||
				fmt.Sprint(decode(t, string(b))["total"].(map[string]any)["completers"]) != "0" {
				t.Fatalf("another institution's rates: %d %s", st, b)
			}
			if st, _, _ := x.request(x.personTok, http.MethodGet, "/api/v1/employment/rates", nil); st != http.StatusForbidden {
				t.Fatalf("a person reads rates: %d", st)
			}
			if st, b, _ := x.request(x.reg, http.MethodGet, "/api/v1/employment/rates?by=gender", nil); st != http.StatusUnprocessableEntity {
				t.Fatalf("unknown grouping: %d %s", st, b)
			}
			if st, _, h := x.request(x.reg, http.MethodGet, "/employment/rates?by=county&year=2026&format=xlsx", nil); st != http.StatusOK ||
				!strings.Contains(h.Get("Content-Type"), "spreadsheet") {
				t.Fatalf("rates export: %d", st)
			}
			if st, html, _ := ob.get("/employment/rates?by=county&year=2026"); st != http.StatusOK || !strings.Contains(html, "天元区") || !strings.Contains(html, "100.00%") {
				t.Fatalf("rates page: %d", st)
			}
		})
	}
}

// TestInsuranceImportWeb: the dry run of a CSV names the bad row by line and reason and the
// commit writes nothing; a good file commits, verifies the person's matching self-report and
// the same file is refused the second time.
func TestInsuranceImportWeb(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newFollowUpWeb(t, db)
			code := creditCode("91430211MA4L00077", false)
			if st, b, _ := x.request(x.personTok, http.MethodPost, "/api/v1/me/employment", map[string]any{"employer_name": "物流公司", "credit_code": code,
				"county": "430211", "starts_on": fuDay(x, 1), "full_time": true}); st != http.StatusCreated {
				t.Fatalf("self-report: %d %s", st, b)
			}
			upload := func(tok, name, csv string) (int, map[string]any) {
				body, ctype := multipartFile(t, name, []byte(csv), nil)
				st, b, _ := x.requestWith(tok, http.MethodPost, "/api/v1/employment/insurance", body.Bytes(), http.Header{"Content-Type": {ctype}})
				if st != http.StatusOK {
					return st, map[string]any{"body": string(b)}
				}
				return st, decode(t, string(b))
			}
			header := "身份证号,姓名,单位名称,统一社会信用代码,缴费月份,险种,缴费基数\n"
			row := func(p xiangpei.Person, month, kind string) string {
				return fmt.Sprintf("%s,%s,株洲某物流公司,%s,%s,%s,4500\n", p.IDNumber, p.Name, code, month, kind)
			}
			half := header + row(x.trainEnv.person, fuMonth(x, 1), "养老") + row(x.second, "202613", "养老")
			st, chk := upload(x.reg, "half.csv", half)
			if st != http.StatusOK || fmt.Sprint(chk["refused"]) != "1" || fmt.Sprint(chk["good"]) != "1" {
				t.Fatalf("dry run: %d %v", st, chk)
			}
			bad := chk["rows"].([]any)[1].(map[string]any)
			if fmt.Sprint(bad["line"]) != "3" || !strings.Contains(fmt.Sprint(bad["reasons"]), "202613") {
				t.Fatalf("bad row %v", bad)
			}
			if st, _ := upload(x.noDuty, "half.csv", half); st != http.StatusForbidden {
				t.Fatalf("no duty: %d", st)
			}
			if st, b, _ := x.request(x.reg, http.MethodPost, fmt.Sprint(chk["commit"]), map[string]any{}); st != http.StatusUnprocessableEntity {
				t.Fatalf("commit of a half-bad file: %d %s", st, b)
			}
			if st, b, _ := x.request(x.reg, http.MethodGet, "/api/v1/employment/records?source=insurance_import", nil); st != http.StatusOK || fmt.Sprint(decode(t, string(b))["total"]) != "0" {
				t.Fatalf("a refused file wrote records: %s", b)
			}
			good := header + row(x.trainEnv.person, fuMonth(x, 1), "养老") + row(x.trainEnv.person, fuMonth(x, 2), "养老") + row(x.second, fuMonth(x, 2), "医疗")
			st, chk = upload(x.reg, "good.csv", good)
			if st != http.StatusOK || fmt.Sprint(chk["refused"]) != "0" {
				t.Fatalf("good dry run: %d %v", st, chk)
			}
			st, b, _ := x.request(x.reg, http.MethodPost, fmt.Sprint(chk["commit"]), map[string]any{})
			res := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(res["spells"]) != "2" || fmt.Sprint(res["verified"]) != "1" {
				t.Fatalf("commit: %d %s", st, b)
			}
			if st, b, _ := x.request(x.personTok, http.MethodGet, "/api/v1/me/employment", nil); st != http.StatusOK || strings.Contains(string(b), `"verified":false`) {
				t.Fatalf("the self-report is not verified: %s", b)
			}
			if st, m := upload(x.reg, "good-again.csv", good); st != http.StatusConflict || !strings.Contains(fmt.Sprint(m["body"]), "已经导入过") {
				t.Fatalf("the same file again: %d %v", st, m)
			}
			ob := x.browser()
			ob.signIn(x.regAcct, testPassword)
			if st, html, _ := ob.get("/employment/insurance"); st != http.StatusOK || !strings.Contains(html, "/employment/insurance-template.xlsx") {
				t.Fatalf("import page: %d", st)
			}
			if st, _, h := ob.get("/employment/insurance-template.xlsx"); st != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheet") {
				t.Fatalf("template: %d", st)
			}
		})
	}
}
