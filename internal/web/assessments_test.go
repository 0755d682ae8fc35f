package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// The persons the results files in testdata name: fixed ID numbers, so the files are fixed.
const (
	assessID1 = "43021119950612123" // the trainEnv person 李学员
	assessID2 = "43021119880303124"
)

// resultFiles writes the results files of testdata when they are missing: real .xlsx files
// made by internal/sheet (excelize) and a CSV saved as UTF-8.
func resultFiles(t *testing.T) {
	t.Helper()
	dir := "testdata"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	header := []string{"身份证号", "姓名", "理论成绩", "实操成绩"}
	id1, id2 := validID(assessID1), validID(assessID2)
	files := map[string][][]any{
		"results_good.xlsx": {{id1, "李学员", "85.5", "72"}, {id2, "周考生", "缺考", ""}},
		"results_bad.xlsx": {{id1, "李学员", "85", "70"}, {id2, "别人", "90", "90"}, {id1, "李学员", "60", "60"},
			{validID("43020219900101555"), "陌生人", "60", "60"}, {id2, "周考生", "101", "六十"}},
	}
	for name, rows := range files {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err == nil {
			continue
		}
		var buf bytes.Buffer
		if err := sheet.WriteWith(&buf, "成绩", header, rows, sheet.Options{TextCols: []int{1, 3, 4}}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	csvPath := filepath.Join(dir, "results_bad.csv")
	if _, err := os.Stat(csvPath); err != nil {
		csv := "身份证号,姓名,理论成绩,实操成绩\n" + id1 + ",李学员,８０,70\n" + id2 + ",周考生,abc,60\n" + "12345,某人,60,60\n"
		if err := os.WriteFile(csvPath, []byte(csv), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type assessEnv struct {
	*trainEnv
	body, other       xiangpei.Organisation
	bodyAcc, otherAcc xiangpei.Account
	second            xiangpei.Person
	secondAcc         xiangpei.Account
}

func newAssessEnv(t *testing.T, db *store.DB) *assessEnv {
	t.Helper()
	te := newTrainEnv(t, db)
	ae := &assessEnv{trainEnv: te}
	err := db.Tx(t.Context(), te.w.Admin, func(tx *store.Tx) error {
		ae.body = orgIn(t, tx, xiangpei.OrgAssessor, "天元职业技能评价中心", "52430211MJ0000771", "430211")
		ae.other = orgIn(t, tx, xiangpei.OrgAssessor, "荷塘职业技能评价中心", "52430202MJ0000772", "430202")
		var err error
		ae.second, err = tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(validID(assessID2)), Name: "周考生",
			Phone: "13807330888", Household: xiangpei.HouseholdRural, County: "430211"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ae.bodyAcc = te.account(xiangpei.AccountInput{Login: "a_body", DisplayName: "天元评价", Role: xiangpei.RoleAssessor, OrgID: ae.body.ID}, testPassword)
	ae.otherAcc = te.account(xiangpei.AccountInput{Login: "a_other", DisplayName: "荷塘评价", Role: xiangpei.RoleAssessor, OrgID: ae.other.ID}, testPassword)
	ae.secondAcc = te.account(xiangpei.AccountInput{Login: "13807330888", DisplayName: "周考生", Role: xiangpei.RolePerson, PersonID: ae.second.ID}, testPassword)
	return ae
}

func jsonOf(t *testing.T, b []byte) map[string]any {
	t.Helper()
	return decode(t, string(b))
}

func (ae *assessEnv) uploadResults(t *testing.T, token string, planID int64, file string) (int, map[string]any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	body, ctype := multipartFile(t, file, data, nil)
	code, b, _ := ae.requestWith(token, http.MethodPost, fmt.Sprintf("/api/v1/assessments/%d/import", planID), body.Bytes(),
		http.Header{"Content-Type": {ctype}})
	return code, jsonOf(t, b)
}

// TestAssessmentJourney walks every route of the area over the API and in the browser: a body
// schedules and announces an open plan, adds a candidate, a person signs up on the portal and
// withdraws, the other person's sign-up is accepted, results are imported from real files (bad
// rows reported, nothing written; then a good file), the body publishes, and certificates
// appear. Another body sees nothing of it; officers of the county read it, of another county not.
func TestAssessmentJourney(t *testing.T) {
	resultFiles(t)
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ae := newAssessEnv(t, db)
			body, other := ae.token(ae.bodyAcc.ID), ae.token(ae.otherAcc.ID)
			officer, oOfficer := ae.token(ae.officer.ID), ae.token(ae.oOfficer.ID)
			trainee, second := ae.token(ae.trainee.ID), ae.token(ae.secondAcc.ID)
			exam := ae.clock.now().Add(10 * 24 * time.Hour).In(xiangpei.ChinaTime)
			in := map[string]any{"occupation_code": "4-10-01-05", "level": "5", "mode": "open", "exam_date": exam.Format("2006-01-02"),
				"exam_time": "09:30", "venue": "评价中心一号考场", "capacity": 2, "pass_theory": "60", "pass_practical": "60",
				"examiner_names": []string{"王考评", "赵考评"}, "examiner_ids": []string{validID("43020219700101001"), validID("43020219700101002")}}
			// Bad input: one examiner.
			bad := map[string]any{}
			for k, v := range in {
				bad[k] = v
			}
			bad["examiner_names"], bad["examiner_ids"] = []string{"王考评"}, []string{validID("43020219700101001")}
			if code, b, _ := ae.request(body, http.MethodPost, "/api/v1/assessments", bad); code != http.StatusUnprocessableEntity ||
				!strings.Contains(string(b), "examiner") && !strings.Contains(string(b), "考评员") {
				t.Fatalf("one examiner: %d %s", code, b)
			}
			code, b, _ := ae.request(body, http.MethodPost, "/api/v1/assessments", in)
			if code != http.StatusCreated {
				t.Fatalf("create: %d %s", code, b)
			}
			p := jsonOf(t, b)
			id, _ := p["id"].(json.Number).Int64()
			if p["status"] != "draft" || p["mode"] != "open" || p["pass_theory"].(json.Number).String() != "60" || len(p["examiners"].([]any)) != 2 {
				t.Errorf("plan JSON %v", p)
			}
			if ex := p["examiners"].([]any)[0].(map[string]any); strings.Contains(fmt.Sprint(ex["id_number"]), "19700101") {
				t.Errorf("examiner ID number not masked: %v", ex)
			}
			path := fmt.Sprintf("/api/v1/assessments/%d", id)
			// Scope: the other body, the other county's officer: 404; the county's officer reads.
			for _, tc := range []struct {
				token string
				want  int
			}{{other, 404}, {oOfficer, 404}, {officer, 200}, {body, 200}, {trainee, 403}} {
				if code, b, _ := ae.request(tc.token, http.MethodGet, path, nil); code != tc.want {
					t.Errorf("GET plan: %d, want %d: %s", code, tc.want, b)
				}
			}
			if code, b, _ := ae.request(other, http.MethodGet, "/api/v1/assessments", nil); code != 200 || jsonOf(t, b)["total"].(json.Number).String() != "0" {
				t.Errorf("other body's list: %d %s", code, b)
			}
			if code, b, _ := ae.request(officer, http.MethodPost, path+"/open", map[string]any{"version": 1}); code != 403 {
				t.Errorf("officer announces: %d %s", code, b)
			}
			if code, b, _ := ae.request(other, http.MethodPost, path+"/open", map[string]any{"version": 1}); code != 404 {
				t.Errorf("other body announces: %d %s", code, b)
			}
			// Edit the draft, then announce.
			in["venue"], in["version"] = "评价中心二号考场", 1
			if code, b, _ := ae.request(body, http.MethodPost, path, in); code != 200 || jsonOf(t, b)["venue"] != "评价中心二号考场" {
				t.Fatalf("update: %d %s", code, b)
			}
			if code, b, _ := ae.request(body, http.MethodPost, path+"/open", map[string]any{"version": 1}); code != http.StatusConflict {
				t.Errorf("stale announce: %d %s", code, b)
			}
			if code, b, _ := ae.request(body, http.MethodPost, path+"/open", map[string]any{"version": 2}); code != 200 || jsonOf(t, b)["status"] != "open" {
				t.Fatalf("announce: %d %s", code, b)
			}
			// The portal.
			if code, b, _ := ae.request("", http.MethodGet, "/api/v1/exams", nil); code != 200 || jsonOf(t, b)["total"].(json.Number).String() != "1" ||
				strings.Contains(string(b), "examiners") {
				t.Errorf("portal list: %d %s", code, b)
			}
			anon := ae.browser()
			if code, page, _ := anon.get("/exams"); code != 200 || !strings.Contains(page, fmt.Sprintf("/exams/%d", id)) {
				t.Errorf("portal page: %d", code)
			}
			if code, page, _ := anon.get(fmt.Sprintf("/exams/%d", id)); code != 200 || !strings.Contains(page, "评价中心二号考场") {
				t.Errorf("exam page: %d", code)
			}
			if code, x, _ := anon.get("/exams?format=xlsx"); code != 200 {
				t.Errorf("portal download: %d", code)
			} else if rows := readXLSX(t, x, "地点", "剩余名额"); len(rows) != 1 || rows[0].Values["地点"] != "评价中心二号考场" {
				t.Errorf("portal download rows: %+v", rows)
			}
			epath := fmt.Sprintf("/api/v1/exams/%d", id)
			if code, b, _ := ae.request(trainee, http.MethodPost, epath+"/register", map[string]any{}); code != http.StatusCreated {
				t.Fatalf("register: %d %s", code, b)
			}
			if code, b, _ := ae.request(trainee, http.MethodPost, epath+"/register", map[string]any{}); code != http.StatusConflict || !strings.Contains(string(b), "already") && !strings.Contains(string(b), "已是") {
				t.Errorf("second sign-up: %d %s", code, b)
			}
			if code, b, _ := ae.request(trainee, http.MethodGet, epath, nil); code != 200 || jsonOf(t, b)["mine"].(map[string]any)["status"] != "registered" {
				t.Errorf("exam with mine: %d %s", code, b)
			}
			if code, b, _ := ae.request(trainee, http.MethodPost, epath+"/withdraw", map[string]any{}); code != 200 || jsonOf(t, b)["status"] != "withdrawn" {
				t.Errorf("withdraw: %d %s", code, b)
			}
			if code, b, _ := ae.request(second, http.MethodPost, epath+"/register", map[string]any{}); code != http.StatusCreated {
				t.Fatalf("second registers: %d %s", code, b)
			}
			// The body adds 李学员 again by ID number, and accepts 周考生.
			if code, b, _ := ae.request(body, http.MethodPost, path+"/candidates", map[string]any{"id_number": validID(assessID1), "name": "李学员"}); code != http.StatusCreated {
				t.Fatalf("add: %d %s", code, b)
			}
			code, b, _ = ae.request(body, http.MethodGet, path, nil)
			plan := jsonOf(t, b)
			var secondCand map[string]any
			for _, c := range plan["candidates"].([]any) {
				if c.(map[string]any)["name"] == "周考生" {
					secondCand = c.(map[string]any)
				}
			}
			if secondCand == nil || secondCand["status"] != "registered" {
				t.Fatalf("candidates: %s", b)
			}
			cpath := fmt.Sprintf("%s/candidates/%s", path, secondCand["id"])
			if code, b, _ := ae.request(body, http.MethodPost, cpath+"/reject", map[string]any{"version": secondCand["version"]}); code != 422 {
				t.Errorf("refuse without reason: %d %s", code, b)
			}
			if code, b, _ := ae.request(body, http.MethodPost, cpath+"/accept", map[string]any{"version": secondCand["version"]}); code != 200 || jsonOf(t, b)["status"] != "accepted" {
				t.Fatalf("accept: %d %s", code, b)
			}
			// Full now: nobody else signs up.
			if code, b, _ := ae.request(body, http.MethodPost, path+"/candidates", map[string]any{"id_number": validID("43020219900101123"), "name": "外县人员"}); code == http.StatusCreated {
				t.Errorf("over capacity: %d %s", code, b)
			}
			// Before the exam, no import.
			if code, m := ae.uploadResults(t, body, id, "results_good.xlsx"); code != http.StatusConflict {
				t.Errorf("import before the exam: %d %v", code, m)
			}
			ae.at(exam.Add(2 * time.Hour))
			// Bad files: every bad row named with its line; commit refused, nothing written.
			code, m := ae.uploadResults(t, body, id, "results_bad.xlsx")
			if code != 200 || m["good"].(json.Number).String() != "1" || m["refused"].(json.Number).String() != "4" {
				t.Fatalf("bad xlsx: %d %v", code, m)
			}
			lines := map[string]int{}
			for _, row := range m["rows"].([]any) {
				r := row.(map[string]any)
				lines[r["line"].(json.Number).String()] = len(r["reasons"].([]any))
				if strings.Contains(fmt.Sprint(r["id_number"]), "0612") {
					t.Errorf("a full ID number in the check: %v", r["id_number"])
				}
			}
			if fmt.Sprint(lines) != "map[2:0 3:1 4:1 5:1 6:3]" {
				t.Errorf("reasons per line: %v", lines)
			}
			if code, b, _ := ae.request(body, http.MethodPost, fmt.Sprint(m["commit"]), map[string]any{}); code != 422 {
				t.Errorf("commit of a bad file: %d %s", code, b)
			}
			code, m = ae.uploadResults(t, body, id, "results_bad.csv")
			if code != 200 || m["good"].(json.Number).String() != "1" || m["refused"].(json.Number).String() != "2" {
				t.Errorf("bad csv: %d %v", code, m)
			}
			code, b, _ = ae.request(body, http.MethodGet, path, nil)
			if strings.Contains(string(b), `"scored":true`) {
				t.Errorf("a refused import wrote scores: %s", b)
			}
			if code, b, _ := ae.request(body, http.MethodPost, path+"/publish", map[string]any{"version": 3}); code != http.StatusConflict {
				t.Errorf("publish without results: %d %s", code, b)
			}
			code, m = ae.uploadResults(t, body, id, "results_good.xlsx")
			if code != 200 || m["refused"].(json.Number).String() != "0" {
				t.Fatalf("good xlsx: %d %v", code, m)
			}
			if code, b, _ := ae.request(other, http.MethodPost, fmt.Sprint(m["commit"]), map[string]any{}); code != 404 {
				t.Errorf("other body commits: %d %s", code, b)
			}
			if code, b, _ := ae.request(body, http.MethodPost, fmt.Sprint(m["commit"]), map[string]any{}); code != 200 || jsonOf(t, b)["written"].(json.Number).String() != "2" {
				t.Fatalf("commit: %d %s", code, b)
			}
			// Scores by hand over the API: a bad score is refused.
			code, b, _ = ae.request(body, http.MethodGet, path, nil)
			plan = jsonOf(t, b)
			version := plan["plan"].(map[string]any)["version"]
			var first map[string]any
			for _, c := range plan["candidates"].([]any) {
				if c.(map[string]any)["name"] == "李学员" {
					first = c.(map[string]any)
				}
			}
			if first["result"] != "pass" || first["theory"].(json.Number).String() != "85.5" {
				t.Errorf("imported: %v", first)
			}
			if code, b, _ := ae.request(body, http.MethodPost, path+"/scores", map[string]any{"scores": []map[string]any{
				{"candidate_id": first["id"], "theory": "一百", "practical": "60"}}}); code != 422 {
				t.Errorf("bad score: %d %s", code, b)
			}
			if code, b, _ := ae.request(body, http.MethodPost, path+"/scores", map[string]any{"scores": []map[string]any{
				{"candidate_id": first["id"], "version": first["version"], "theory": "９０", "practical": "60"}}}); code != 200 {
				t.Errorf("score by hand: %d %s", code, b)
			}
			// Publish: a certificate for the pass.
			code, b, _ = ae.request(body, http.MethodPost, path+"/publish", map[string]any{"version": version})
			if code != 200 || jsonOf(t, b)["status"] != "published" || jsonOf(t, b)["passed"].(json.Number).String() != "1" {
				t.Fatalf("publish: %d %s", code, b)
			}
			code, b, _ = ae.request(officer, http.MethodGet, path, nil)
			var number string
			for _, c := range jsonOf(t, b)["candidates"].([]any) {
				if c := c.(map[string]any); c["name"] == "李学员" {
					number = fmt.Sprint(c["certificate_number"])
				}
			}
			if _, err := xiangpei.ParseCertNumber(number); err != nil {
				t.Errorf("certificate number %q: %v", number, err)
			}
			if code, b, _ := ae.request(trainee, http.MethodGet, "/api/v1/me/candidacies", nil); code != 200 || !strings.Contains(string(b), number) {
				t.Errorf("my candidacies: %d %s", code, b)
			}
			// Exports and pages.
			if code, _, h := ae.request(body, http.MethodGet, "/assessments?format=xlsx", nil); code != 200 || h.Get("Content-Type") != sheet.ContentType {
				t.Errorf("list export: %d %s", code, h.Get("Content-Type"))
			}
			if code, x, h := ae.request(officer, http.MethodGet, fmt.Sprintf("/assessments/%d?format=xlsx", id), nil); code != 200 || h.Get("Content-Type") != sheet.ContentType || len(x) < 100 {
				t.Errorf("candidates export: %d", code)
			}
			br := ae.browser()
			br.signIn(ae.bodyAcc, testPassword)
			for _, p := range []string{"/", "/assessments", "/assessments/new", fmt.Sprintf("/assessments/%d", id), fmt.Sprintf("/assessments/%d/import", id),
				"/assessments?status=published&year=" + fmt.Sprint(exam.Year())} {
				if code, page, _ := br.get(p); code != 200 || !strings.Contains(page, "<main") && !strings.Contains(page, "<body") {
					t.Errorf("GET %s: %d", p, code)
				}
			}
			if _, page, _ := br.get(fmt.Sprintf("/assessments/%d", id)); !strings.Contains(page, number) || !strings.Contains(page, "state-published") {
				t.Errorf("plan page lacks the certificate or the state")
			}
			// A plan from the browser form; a bad form shows the form again with the message.
			form := url.Values{"occupation_code": {"4-10-01-05"}, "level": {"4"}, "mode": {"open"}, "exam_date": {exam.AddDate(0, 1, 0).Format("2006-01-02")},
				"exam_time": {"09:00"}, "venue": {"考场"}, "capacity": {"10"}, "examiner_names": {"王考评", "赵考评"},
				"examiner_ids": {validID("43020219700101001"), validID("43020219700101002")}}
			if code, _, h := br.post("/assessments", form); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/assessments/") {
				t.Errorf("browser create: %d %s", code, h.Get("Location"))
			}
			br.get("/assessments/new")
			form.Set("capacity", "0")
			if code, page, _ := br.post("/assessments", form); code != 422 || !strings.Contains(page, "1000") {
				t.Errorf("browser bad create: %d", code)
			}
		})
	}
}

// TestAssessmentPersonsUseOnlyTheirPortal: persons cannot reach the body's pages; bodies
// cannot sign up on the portal; a draft plan is not on the portal.
func TestAssessmentPersonsUseOnlyTheirPortal(t *testing.T) {
	db := storetest.SQLite(t)
	ae := newAssessEnv(t, db)
	var p xiangpei.Plan
	err := db.Tx(context.Background(), ae.w.Admin, func(tx *store.Tx) error {
		var err error
		p, err = tx.CreatePlan(xiangpei.Scope{OrgID: ae.body.ID}, ae.body.ID, xiangpei.PlanInput{OccupationCode: "4-10-01-05", Level: "5",
			Mode: xiangpei.PlanOpenMode, ExamAt: tx.Now.AddDate(0, 0, 20), Venue: "考场", Capacity: 5,
			Examiners: []xiangpei.Examiner{{Name: "王考评", IDNumber: xiangpei.IDNumber(validID("43020219700101001"))},
				{Name: "赵考评", IDNumber: xiangpei.IDNumber(validID("43020219700101002"))}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	trainee, body := ae.token(ae.trainee.ID), ae.token(ae.bodyAcc.ID)
	if code, _, _ := ae.request(trainee, http.MethodGet, "/api/v1/assessments", nil); code != 403 {
		t.Errorf("person lists plans: %d", code)
	}
	if code, _, _ := ae.request(body, http.MethodPost, fmt.Sprintf("/api/v1/exams/%d/register", p.ID), map[string]any{}); code != 403 {
		t.Errorf("body signs up: %d", code)
	}
	if code, _, _ := ae.request("", http.MethodGet, fmt.Sprintf("/api/v1/exams/%d", p.ID), nil); code != 404 {
		t.Errorf("a draft on the portal: %d", code)
	}
	if code, _, _ := ae.request(trainee, http.MethodPost, fmt.Sprintf("/api/v1/exams/%d/register", p.ID), map[string]any{}); code != 404 {
		t.Errorf("sign up for a draft: %d", code)
	}
}
