package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"

	"github.com/xuri/excelize/v2"
)

// compEnv is the web fixture of 赛 tests: the training world's clock (2 November 2026), a city
// organiser of 株洲市 and a county organiser of 天元区 (both with the publish duty), and persons
// with accounts: 李学员 (the training fixture's trainee) holding a level-4 certificate in
// 养老护理员, 王芳 holding none, 周强 (a welder, no account).
type compEnv struct {
	*trainEnv
	city, county       xiangpei.Account
	cityTok, countyTok string
	li, wang, zhou     xiangpei.Person
	wangAcct           xiangpei.Account
	liTok, wangTok     string
}

func newCompEnv(t *testing.T, db *store.DB) *compEnv {
	t.Helper()
	ce := &compEnv{trainEnv: newTrainEnv(t, db)}
	ce.city = ce.account(xiangpei.AccountInput{Login: "c_city", DisplayName: "株洲市经办", Role: xiangpei.RoleOfficer, Region: "430200",
		Duties: xiangpei.Duties{xiangpei.DutyPublish}}, testPassword)
	ce.county = ce.account(xiangpei.AccountInput{Login: "c_county", DisplayName: "天元区经办", Role: xiangpei.RoleOfficer, Region: "430211",
		Duties: xiangpei.Duties{xiangpei.DutyPublish}}, testPassword)
	ce.cityTok, ce.countyTok = ce.token(ce.city.ID), ce.token(ce.county.ID)
	ce.li = ce.person
	err := db.Tx(t.Context(), ce.w.Admin, func(tx *store.Tx) error {
		var err error
		if ce.wang, err = tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(validID("43021119920304123")), Name: "王芳",
			Phone: "13807330998", Household: xiangpei.HouseholdUrban, County: "430202"}); err != nil {
			return err
		}
		if ce.zhou, err = tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(validID("43021119880808123")), Name: "周强",
			Phone: "13807330997", Household: xiangpei.HouseholdUrban, County: "430211"}); err != nil {
			return err
		}
		_, err = tx.IssueCertificate(xiangpei.Certificate{Level: "4", PersonID: ce.li.ID, County: "430211", OccupationCode: "4-10-01-05",
			IssuerName: "株洲市职业技能等级认定中心", Source: xiangpei.CertFromAssessment, SourceID: 1})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ce.wangAcct = ce.account(xiangpei.AccountInput{Login: "13807330998", DisplayName: "王芳", Role: xiangpei.RolePerson, PersonID: ce.wang.ID}, testPassword)
	ce.liTok, ce.wangTok = ce.token(ce.trainee.ID), ce.token(ce.wangAcct.ID)
	return ce
}

// compJSON is the competition of the tests on the API: an individual event for 养老护理员
// (level 4 or higher, in 株洲市) and a team event of two for 焊工.
func compBody() map[string]any {
	return map[string]any{"name": "2026年株洲市养老护理职业技能竞赛", "level": "city", "year": 2026, "rules": "理论30%，实操70%。",
		"reg_opens": "2026-11-01", "reg_closes": "2026-11-20", "starts_on": "2026-12-01", "ends_on": "2026-12-02",
		"events": []map[string]any{
			{"occupation_code": "4-10-01-05", "name": "养老护理员个人赛", "mode": "individual", "min_level": "4", "region": "430200",
				"first": 1, "second": 1, "third": 1},
			{"occupation_code": "6-18-02-04", "name": "焊工团体赛", "mode": "team", "team_size": 2, "first": 1},
		}}
}

func (ce *compEnv) mustJSON(token, method, path string, body any, want int) map[string]any {
	ce.t.Helper()
	code, b, _ := ce.request(token, method, path, body)
	if code != want {
		ce.t.Fatalf("%s %s: %d %s", method, path, code, b)
	}
	return decode(ce.t, string(b))
}

func cnum(m map[string]any, k string) string { return fmt.Sprint(m[k]) }

// TestCompetitionAPIFlow walks a competition through the JSON API: create (refusals, scope),
// open, registration with refusals and a team, withdrawal, close, review, scores, publish, and
// what the person and the public see afterwards.
func TestCompetitionAPIFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ce := newCompEnv(t, db)
			bad := compBody()
			bad["events"] = []map[string]any{}
			code, b, _ := ce.request(ce.cityTok, "POST", "/api/v1/competitions", bad)
			if code != http.StatusUnprocessableEntity || !strings.Contains(string(b), "一项竞赛设 1 至 30 个比赛项目") {
				t.Fatalf("no events: %d %s", code, b)
			}
			prov := compBody()
			prov["level"] = "province"
			if code, b, _ := ce.request(ce.cityTok, "POST", "/api/v1/competitions", prov); code != http.StatusUnprocessableEntity ||
				!strings.Contains(string(b), "省级和全国竞赛") {
				t.Fatalf("a city holds a province competition: %d %s", code, b)
			}
			// A retried create with the same Idempotency-Key makes one competition.
			idem := http.Header{"Idempotency-Key": {"comp-create-1"}}
			_, first, _ := ce.requestWith(ce.cityTok, "POST", "/api/v1/competitions", compBody(), idem)
			code, again, _ := ce.requestWith(ce.cityTok, "POST", "/api/v1/competitions", compBody(), idem)
			if code != http.StatusCreated || string(first) != string(again) {
				t.Fatalf("idempotent create: %d %s / %s", code, first, again)
			}
			if all := ce.mustJSON(ce.cityTok, "GET", "/api/v1/competitions?q=养老", nil, http.StatusOK); cnum(all, "total") != "1" {
				t.Fatalf("competitions after a retried create: %v", all)
			}
			c := decode(t, string(first))
			id := cnum(c, "id")
			events := c["events"].([]any)
			ind, team := cnum(events[0].(map[string]any), "id"), cnum(events[1].(map[string]any), "id")
			if c["region"] != "430200" || c["status"] != "draft" || len(events) != 2 {
				t.Fatalf("created: %v", c)
			}
			// The county does not manage the city's competition; the public does not see a draft.
			if code, _, _ := ce.request(ce.countyTok, "GET", "/api/v1/competitions/"+id, nil); code != http.StatusNotFound {
				t.Errorf("the county reads the city's competition: %d", code)
			}
			if code, _, _ := ce.request("", "GET", "/api/v1/contests/"+id, nil); code != http.StatusNotFound {
				t.Errorf("a draft on the portal: %d", code)
			}
			// Edit at a stale version, then at the right one.
			body := compBody()
			body["version"] = 7
			if code, _, _ := ce.request(ce.cityTok, "POST", "/api/v1/competitions/"+id, body); code != http.StatusConflict {
				t.Errorf("stale edit: %d", code)
			}
			body["version"], body["rules"] = 1, "理论30%，实操70%，按总分排名。"
			c = ce.mustJSON(ce.cityTok, "POST", "/api/v1/competitions/"+id, body, http.StatusOK)
			events = c["events"].([]any)
			ind, team = cnum(events[0].(map[string]any), "id"), cnum(events[1].(map[string]any), "id")
			c = ce.mustJSON(ce.cityTok, "POST", "/api/v1/competitions/"+id+"/open", map[string]any{"version": c["version"]}, http.StatusOK)
			if c["status"] != "open" {
				t.Fatalf("open: %v", c)
			}
			list := ce.mustJSON("", "GET", "/api/v1/contests", nil, http.StatusOK)
			if cnum(list, "total") != "1" {
				t.Errorf("portal list: %v", list)
			}

			// 王芳 holds no certificate and lives in 荷塘区 (in the city): refused for the level only.
			code, b, _ = ce.request(ce.wangTok, "POST", "/api/v1/contests/"+id+"/register", map[string]any{"event_id": compInt(t, ind)})
			if code != http.StatusUnprocessableEntity || !strings.Contains(string(b), "王芳 未持有本职业有效的 4 级") || strings.Contains(string(b), "户籍登记地") {
				t.Fatalf("unqualified: %d %s", code, b)
			}
			li := ce.mustJSON(ce.liTok, "POST", "/api/v1/contests/"+id+"/register", map[string]any{"event_id": compInt(t, ind)}, http.StatusCreated)
			if code, b, _ := ce.request(ce.liTok, "POST", "/api/v1/contests/"+id+"/register", map[string]any{"event_id": compInt(t, ind)}); code != http.StatusConflict ||
				!strings.Contains(string(b), "已报名本项目") {
				t.Errorf("twice: %d %s", code, b)
			}
			// A team: 王芳 leads with 周强, whose name must match.
			code, b, _ = ce.request(ce.wangTok, "POST", "/api/v1/contests/"+id+"/register", map[string]any{"event_id": compInt(t, team), "team_name": "焊花队",
				"members": []map[string]any{{"id_number": string(ce.zhou.IDNumber), "name": "周刚"}}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(string(b), "entry.member_unknown") {
				t.Fatalf("wrong name: %d %s", code, b)
			}
			teamEntry := ce.mustJSON(ce.wangTok, "POST", "/api/v1/contests/"+id+"/register", map[string]any{"event_id": compInt(t, team), "team_name": "焊花队",
				"members": []map[string]any{{"id_number": string(ce.zhou.IDNumber), "name": "周强"}}}, http.StatusCreated)
			if len(teamEntry["members"].([]any)) != 2 || strings.Contains(fmt.Sprint(teamEntry), string(ce.zhou.IDNumber)) {
				t.Errorf("team entry: %v", teamEntry)
			}
			// Withdraw and register again; someone else's entry is NotFound.
			wpath := "/api/v1/contests/" + id + "/entries/" + cnum(teamEntry, "id") + "/withdraw"
			if code, _, _ := ce.request(ce.liTok, "POST", wpath, map[string]any{"version": teamEntry["version"]}); code != http.StatusNotFound {
				t.Errorf("withdraw someone else's entry: %d", code)
			}
			w := ce.mustJSON(ce.wangTok, "POST", wpath, map[string]any{"version": teamEntry["version"]}, http.StatusOK)
			if w["status"] != "withdrawn" {
				t.Errorf("withdrawn: %v", w)
			}
			teamEntry = ce.mustJSON(ce.wangTok, "POST", "/api/v1/contests/"+id+"/register", map[string]any{"event_id": compInt(t, team), "team_name": "焊花队",
				"members": []map[string]any{{"id_number": string(ce.zhou.IDNumber), "name": "周强"}}}, http.StatusCreated)
			mine := ce.mustJSON(ce.wangTok, "GET", "/api/v1/contests/mine", nil, http.StatusOK)
			if es := mine["entries"].([]any); len(es) != 1 || es[0].(map[string]any)["team_name"] != "焊花队" {
				t.Errorf("mine: %v", mine)
			}

			// Review, scores, publish.
			c = ce.mustJSON(ce.cityTok, "GET", "/api/v1/competitions/"+id, nil, http.StatusOK)
			if code, _, _ := ce.request(ce.cityTok, "POST", "/api/v1/competitions/"+id+"/entries/"+cnum(li, "id")+"/accept",
				map[string]any{"version": li["version"]}); code != http.StatusConflict {
				t.Errorf("accept while open: %d", code)
			}
			c = ce.mustJSON(ce.cityTok, "POST", "/api/v1/competitions/"+id+"/close", map[string]any{"version": c["version"]}, http.StatusOK)
			entries := ce.mustJSON(ce.cityTok, "GET", "/api/v1/competitions/"+id+"/entries?status=registered", nil, http.StatusOK)
			if cnum(entries, "total") != "2" {
				t.Fatalf("entries: %v", entries)
			}
			if code, _, _ := ce.request(ce.countyTok, "GET", "/api/v1/competitions/"+id+"/entries", nil); code != http.StatusNotFound {
				t.Errorf("the county lists the city's entries: %d", code)
			}
			if code, b, _ := ce.request(ce.cityTok, "POST", "/api/v1/competitions/"+id+"/entries/"+cnum(teamEntry, "id")+"/reject",
				map[string]any{"version": teamEntry["version"]}); code != http.StatusUnprocessableEntity || !strings.Contains(string(b), "请填写原因") {
				t.Errorf("reject without a reason: %d %s", code, b)
			}
			li = ce.mustJSON(ce.cityTok, "POST", "/api/v1/competitions/"+id+"/entries/"+cnum(li, "id")+"/accept", map[string]any{"version": li["version"]}, http.StatusOK)
			teamEntry = ce.mustJSON(ce.cityTok, "POST", "/api/v1/competitions/"+id+"/entries/"+cnum(teamEntry, "id")+"/accept",
				map[string]any{"version": teamEntry["version"]}, http.StatusOK)
			one := ce.mustJSON(ce.cityTok, "GET", "/api/v1/competitions/"+id+"/entries/"+cnum(li, "id"), nil, http.StatusOK)
			if one["status"] != "accepted" || one["id_number"] == string(ce.li.IDNumber) {
				t.Errorf("one entry: %v", one)
			}
			if code, _, _ := ce.request(ce.cityTok, "POST", "/api/v1/competitions/"+id+"/publish", map[string]any{"version": c["version"]}); code != http.StatusConflict {
				t.Errorf("publish without scores: %d", code)
			}
			sheet := ce.mustJSON(ce.cityTok, "GET", "/api/v1/competitions/"+id+"/events/"+ind+"/scores", nil, http.StatusOK)
			if len(sheet["entries"].([]any)) != 1 {
				t.Errorf("score sheet: %v", sheet)
			}
			ce.mustJSON(ce.cityTok, "POST", "/api/v1/competitions/"+id+"/events/"+ind+"/scores",
				map[string]any{"scores": []map[string]any{{"entry_id": li["id"], "version": li["version"], "score": "96.5"}}}, http.StatusOK)
			ce.mustJSON(ce.cityTok, "POST", "/api/v1/competitions/"+id+"/events/"+team+"/scores",
				map[string]any{"scores": []map[string]any{{"entry_id": teamEntry["id"], "version": teamEntry["version"], "score": "88"}}}, http.StatusOK)
			preview := ce.mustJSON(ce.cityTok, "GET", "/api/v1/competitions/"+id+"/results", nil, http.StatusOK)
			if preview["published"] != false {
				t.Errorf("preview: %v", preview)
			}
			c = ce.mustJSON(ce.cityTok, "POST", "/api/v1/competitions/"+id+"/publish", map[string]any{"version": c["version"]}, http.StatusOK)
			if c["status"] != "published" {
				t.Fatalf("publish: %v", c)
			}
			results := ce.mustJSON(ce.cityTok, "GET", "/api/v1/competitions/"+id+"/results", nil, http.StatusOK)
			if !strings.Contains(fmt.Sprint(results), "株洲市技术能手") {
				t.Errorf("results: %v", results)
			}
			// The person sees rank, award and the promotion with its certificate number.
			mine = ce.mustJSON(ce.liTok, "GET", "/api/v1/contests/mine", nil, http.StatusOK)
			e := mine["entries"].([]any)[0].(map[string]any)
			hs := e["honours"].([]any)
			if e["award"] != "first" || cnum(e, "rank") != "1" || e["score"] != "96.5" || len(hs) != 2 {
				t.Fatalf("李学员's entry: %v", e)
			}
			var number string
			for _, h := range hs {
				if h := h.(map[string]any); h["kind"] == "promotion" {
					number = fmt.Sprint(h["certificate_number"])
					if h["level"] != "3" || !strings.Contains(fmt.Sprint(h["basis"]), "人社部发〔2022〕14号") {
						t.Errorf("promotion: %v", h)
					}
				}
			}
			cert, err := ce.db.CertificateByNumber(t.Context(), number)
			if err != nil || cert.PersonID != ce.li.ID || cert.Level != "3" || cert.IssuerName != "株洲市人力资源和社会保障局" {
				t.Errorf("certificate %s: %+v %v", number, cert, err)
			}
			// The public ranking masks names and shows no ID number.
			code, b, _ = ce.request("", "GET", "/api/v1/contests/"+id, nil)
			if code != http.StatusOK || !strings.Contains(string(b), "李**") || strings.Contains(string(b), "李学员") ||
				strings.Contains(string(b), string(ce.li.IDNumber)) || strings.Contains(string(b), "id_number") {
				t.Errorf("public page: %d %s", code, b)
			}
		})
	}
}

// TestCompetitionPages walks the organiser's and the person's pages in the browser: the forms,
// the show page and its actions, the registration form with refusal reasons, the review table,
// the score sheet, the rankings, the Excel downloads and the public pages.
func TestCompetitionPages(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ce := newCompEnv(t, db)
			org := ce.browser()
			org.signIn(ce.city, testPassword)
			if code, body, _ := org.get("/competitions/new"); code != 200 || !strings.Contains(body, `name="ev_occupation"`) {
				t.Fatalf("new form: %d", code)
			}
			form := url.Values{"name": {"株洲市焊工技能竞赛"}, "level": {"city"}, "year": {"2026"}, "rules": {"实操为主"},
				"reg_opens": {"2026-11-01"}, "reg_closes": {"2026-11-20"}, "starts_on": {"2026-12-01"}, "ends_on": {"2026-12-01"},
				"ev_occupation": {"4-10-01-05", "6-18-02-04"}, "ev_name": {"养老护理员个人赛", "焊工团体赛"}, "ev_mode": {"individual", "team"},
				"ev_team_size": {"", "2"}, "ev_min_level": {"4", ""}, "ev_region": {"", ""}, "ev_min_age": {"", ""}, "ev_max_age": {"", ""},
				"ev_first": {"1", ""}, "ev_second": {"1", ""}, "ev_third": {"", ""}, "ev_merit": {"", ""}}
			// A bad number comes back with what was typed.
			badForm := url.Values{}
			for k, v := range form {
				badForm[k] = append([]string(nil), v...)
			}
			badForm["ev_first"] = []string{"一", ""}
			if code, body, _ := org.post("/competitions", badForm); code != http.StatusUnprocessableEntity || !strings.Contains(body, "株洲市焊工技能竞赛") ||
				!strings.Contains(body, "第 1 个比赛项目") {
				t.Fatalf("bad number: %d", code)
			}
			more := url.Values{}
			for k, v := range form {
				more[k] = v
			}
			more.Set("step", "more")
			if code, body, _ := org.post("/competitions", more); code != 200 || strings.Count(body, `name="ev_occupation"`) != 5 {
				t.Fatalf("more events: %d %d", code, strings.Count(body, `name="ev_occupation"`))
			}
			code, _, h := org.post("/competitions", form)
			if code != http.StatusSeeOther {
				t.Fatalf("create: %d", code)
			}
			path := strings.Split(h.Get("Location"), "?")[0]
			id := strings.TrimPrefix(path, "/competitions/")
			code, body, _ := org.get(path)
			if code != 200 || !strings.Contains(body, "养老护理员个人赛") || !strings.Contains(body, "state-draft") {
				t.Fatalf("show: %d", code)
			}
			if code, body, _ := org.get(path + "/edit"); code != 200 || !strings.Contains(body, "养老护理员个人赛") {
				t.Fatalf("edit form: %d", code)
			}
			edit := url.Values{}
			for k, v := range form {
				edit[k] = v
			}
			edit.Set("version", "1")
			edit.Set("name", "株洲市养老护理技能竞赛")
			if code, _, _ := org.post(path, edit); code != http.StatusSeeOther {
				t.Fatalf("edit: %d", code)
			}
			org.get(path)
			if code, _, _ := org.post(path+"/open", url.Values{"version": {"2"}}); code != http.StatusSeeOther {
				t.Fatalf("open: %d", code)
			}
			if code, body, _ := org.get("/competitions"); code != 200 || !strings.Contains(body, "株洲市养老护理技能竞赛") || !strings.Contains(body, "state-open") {
				t.Errorf("list: %d", code)
			}
			xlsxHas(t, org, "/competitions?format=xlsx", "株洲市养老护理技能竞赛")

			// The public pages, and a person registering in the browser.
			anon := ce.browser()
			if code, body, _ := anon.get("/contests"); code != 200 || !strings.Contains(body, "株洲市养老护理技能竞赛") {
				t.Errorf("public list: %d", code)
			}
			xlsxHas(t, anon, "/contests?format=xlsx", "株洲市养老护理技能竞赛")
			if code, body, _ := anon.get("/contests/" + id); code != 200 || !strings.Contains(body, "/login?next=") {
				t.Errorf("public page: %d", code)
			}
			wang := ce.browser()
			wang.signIn(ce.wangAcct, testPassword)
			wang.get("/contests/" + id)
			var event string
			c, _ := ce.db.Competition(t.Context(), xiangpei.Scope{All: true}, compInt(t, id))
			event = fmt.Sprint(c.Events[0].ID)
			code, body, _ = wang.post("/contests/"+id+"/register", url.Values{"event_id": {event}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "报名未成功") || !strings.Contains(body, "王芳 未持有本职业有效的 4 级") {
				t.Fatalf("refused registration: %d", code)
			}
			li := ce.browser()
			li.signIn(ce.trainee, testPassword)
			li.get("/contests/" + id)
			if code, _, _ := li.post("/contests/"+id+"/register", url.Values{"event_id": {event}}); code != http.StatusSeeOther {
				t.Fatalf("register: %d", code)
			}
			if code, body, _ := li.get("/contests/" + id); code != 200 || !strings.Contains(body, "state-registered") || !strings.Contains(body, "/withdraw") ||
				!strings.Contains(body, `name="member_id"`) {
				t.Errorf("the person's entry and the team form: %d", code)
			}
			// A team: a misnamed member is refused with the form as typed; then registered and withdrawn.
			teamEvent := fmt.Sprint(c.Events[1].ID)
			team := url.Values{"event_id": {teamEvent}, "team_name": {"焊花队"}, "member_id": {string(ce.zhou.IDNumber)}, "member_name": {"周刚"}}
			if code, body, _ := li.post("/contests/"+id+"/register", team); code != http.StatusUnprocessableEntity ||
				!strings.Contains(body, `value="周刚"`) || !strings.Contains(body, "第 1 名队员") || !strings.Contains(body, `value="焊花队"`) {
				t.Errorf("misnamed member: %d", code)
			}
			team.Set("member_name", "周强")
			if code, _, _ := li.post("/contests/"+id+"/register", team); code != http.StatusSeeOther {
				t.Fatalf("team registration: %d", code)
			}
			mine, err := ce.db.EntriesOf(t.Context(), xiangpei.Scope{PersonID: ce.li.ID}, ce.li.ID)
			if err != nil || len(mine) != 2 {
				t.Fatalf("li's entries: %+v %v", mine, err)
			}
			for _, e := range mine {
				if e.TeamName == "焊花队" {
					li.get("/contests/" + id)
					if code, _, _ := li.post(fmt.Sprintf("/contests/%s/entries/%d/withdraw", id, e.EntryID), url.Values{"version": {fmt.Sprint(e.Version)}}); code != http.StatusSeeOther {
						t.Errorf("withdraw: %d", code)
					}
				}
			}
			if code, body, _ := li.get("/contests/mine"); code != 200 || !strings.Contains(body, "株洲市养老护理技能竞赛") {
				t.Errorf("mine: %d", code)
			}
			xlsxHas(t, li, "/contests/mine?format=xlsx", "株洲市养老护理技能竞赛")

			// Close, review, score, publish in the browser.
			c, _ = ce.db.Competition(t.Context(), xiangpei.Scope{All: true}, c.ID)
			org.get(path)
			if code, _, _ := org.post(path+"/close", url.Values{"version": {fmt.Sprint(c.Version)}}); code != http.StatusSeeOther {
				t.Fatalf("close: %d", code)
			}
			code, body, _ = org.get(path + "/entries")
			if code != 200 || !strings.Contains(body, "李学员") || !strings.Contains(body, "/accept") || strings.Contains(body, string(ce.li.IDNumber)) {
				t.Fatalf("entries: %d", code)
			}
			xlsxHas(t, org, path+"/entries?format=xlsx", "李学员")
			list, _, _ := ce.db.CompetitionEntries(t.Context(), xiangpei.Scope{All: true}, c.ID, store.EntryFilter{}, store.Page{})
			e := list[0]
			if code, body, _ := org.post(fmt.Sprintf("%s/entries/%d/reject", path, e.ID), url.Values{"version": {fmt.Sprint(e.Version)}}); code != http.StatusUnprocessableEntity ||
				!strings.Contains(body, "请填写原因") {
				t.Errorf("reject without a reason: %d", code)
			}
			if code, _, _ := org.post(fmt.Sprintf("%s/entries/%d/accept", path, e.ID), url.Values{"version": {fmt.Sprint(e.Version)}}); code != http.StatusSeeOther {
				t.Fatalf("accept: %d", code)
			}
			scores := fmt.Sprintf("%s/events/%s/scores", path, event)
			if code, body, _ := org.get(scores); code != 200 || !strings.Contains(body, `name="score"`) {
				t.Fatalf("score sheet: %d", code)
			}
			if code, body, _ := org.post(scores, url.Values{"entry_id": {fmt.Sprint(e.ID)}, "version": {fmt.Sprint(e.Version + 1)}, "score": {"120"}}); code != http.StatusUnprocessableEntity ||
				!strings.Contains(body, `value="120"`) {
				t.Errorf("a bad score: %d", code)
			}
			if code, _, _ := org.post(scores, url.Values{"entry_id": {fmt.Sprint(e.ID)}, "version": {fmt.Sprint(e.Version + 1)}, "score": {"91.5"}}); code != http.StatusSeeOther {
				t.Fatalf("scores: %d", code)
			}
			if code, body, _ := org.get(path + "/results"); code != 200 || !strings.Contains(body, "91.5") || !strings.Contains(body, "notice warn") {
				t.Errorf("preview: %d", code)
			}
			c, _ = ce.db.Competition(t.Context(), xiangpei.Scope{All: true}, c.ID)
			org.get(path)
			if code, _, _ := org.post(path+"/publish", url.Values{"version": {fmt.Sprint(c.Version)}}); code != http.StatusSeeOther {
				t.Fatalf("publish: %d", code)
			}
			if code, body, _ := org.get(path + "/results"); code != 200 || !strings.Contains(body, "株洲市技术能手") || !strings.Contains(body, "state-first") {
				t.Errorf("results: %d", code)
			}
			xlsxHas(t, org, path+"/results?format=xlsx", "株洲市技术能手")
			if code, body, _ := anon.get("/contests/" + id); code != 200 || !strings.Contains(body, "李**") || strings.Contains(body, "李学员") {
				t.Errorf("public ranking: %d", code)
			}
			xlsxHas(t, anon, "/contests/"+id+"?format=xlsx", "李**")
			if code, body, _ := li.get("/contests/mine"); code != 200 || !strings.Contains(body, "晋升为 3 级") {
				t.Errorf("mine after publishing: %d", code)
			}
			// A stale action shows the page again with the message.
			if code, body, _ := org.post(path+"/cancel", url.Values{"version": {"1"}}); code != http.StatusConflict || !strings.Contains(body, "state-published") {
				t.Errorf("cancel a published competition: %d", code)
			}
		})
	}
}

func compInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// xlsxHas downloads an Excel export and checks that a cell holds want.
func xlsxHas(t *testing.T, b *browser, path, want string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.e.ts.URL+path, nil)
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != sheet.ContentType {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(resp.Body)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if !strings.Contains(fmt.Sprint(rows), want) {
		t.Errorf("%s does not hold %q: %v", path, want, rows)
	}
}
