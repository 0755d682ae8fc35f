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

// TestStudentRegistryFlow: a school's staff lists its students (filter, JSON twin, Excel with
// the ID numbers masked) and, in the browser, requests a suspension — a bad request shows the
// message in Chinese and writes nothing; the county officer reads the request but cannot
// decide it; the city officer approves it over the API. A transfer is approved: the old school
// reads its record as transferred and where it went, the new school the new record and where it
// came from, and neither reads the other's record. A cohort graduates; the diploma shows on the
// record; registration counts answer as a page, JSON and Excel.
func TestStudentRegistryFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			ctx := context.Background()
			var schools [2]xiangpei.Organisation
			var majors [2]xiangpei.Major
			var students []xiangpei.Student
			err := db.Tx(ctx, xiangpei.Actor{Name: "test"}, func(tx *store.Tx) error {
				for i, county := range []string{"430211", "430202"} {
					schools[i] = orgIn(t, tx, xiangpei.OrgSchool, []string{"株洲市工业技工学校", "株洲市交通技工学校"}[i], fmt.Sprintf("52%sRW000000%d", county, i), county)
					m, err := tx.SaveMajor(xiangpei.Scope{OrgID: schools[i].ID}, xiangpei.Major{Code: []string{"0401", "0601"}[i],
						Name: []string{"电气自动化设备安装与维修", "汽车维修"}[i], Years: 3, Level: xiangpei.MajorIntermediate,
						Occupation: []string{"6-31-01-03", "4-12-01-01"}[i]}, 0)
					if err != nil {
						return err
					}
					majors[i] = m
				}
				for i := range 3 {
					p := person(t, tx, fmt.Sprintf("43021120060%d0%d123", i+1, i+2), []string{"刘洋", "陈静", "赵磊"}[i], fmt.Sprintf("1390000880%d", i), "430211")
					s, err := tx.EnrolStudent(store.StudentInput{PersonID: p.ID, SchoolID: schools[0].ID, MajorID: majors[0].ID, EntryYear: 2023,
						EnrolledOn: time.Date(2023, 9, 1, 0, 0, 0, 0, xiangpei.ChinaTime)})
					if err != nil {
						return err
					}
					students = append(students, s)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			staff := e.account(xiangpei.AccountInput{Login: "reg_school", DisplayName: "工业技校", Role: xiangpei.RoleSchool, OrgID: schools[0].ID}, testPassword)
			staffTok := e.token(staff.ID)
			otherTok := e.token(e.account(xiangpei.AccountInput{Login: "reg_school2", DisplayName: "交通技校", Role: xiangpei.RoleSchool, OrgID: schools[1].ID}, testPassword).ID)
			d := xiangpei.Duties{xiangpei.DutyClassReview}
			cityTok := e.token(e.account(xiangpei.AccountInput{Login: "reg_city", DisplayName: "株洲市", Role: xiangpei.RoleOfficer, Region: "430200", Duties: d}, testPassword).ID)
			countyTok := e.token(e.account(xiangpei.AccountInput{Login: "reg_county", DisplayName: "天元区", Role: xiangpei.RoleOfficer, Region: "430211", Duties: d}, testPassword).ID)

			b := e.browser()
			b.signIn(staff, testPassword)
			if st, html, _ := b.get("/school/students?entry_year=2023"); st != http.StatusOK || !strings.Contains(html, "刘洋") || !strings.Contains(html, students[0].Number) {
				t.Fatalf("students page: %d", st)
			}
			st, body, _ := e.request(staffTok, http.MethodGet, "/api/v1/school/students?status=enrolled", nil)
			if m := decode(t, string(body)); st != http.StatusOK || fmt.Sprint(m["total"]) != "3" || strings.Contains(string(body), "4302112006") {
				t.Fatalf("students JSON: %d %s", st, body)
			}
			if st, body, h := e.request(staffTok, http.MethodGet, "/school/students?format=xlsx", nil); st != http.StatusOK ||
				!strings.Contains(h.Get("Content-Type"), "spreadsheet") || len(body) < 100 {
				t.Fatalf("students export: %d %s", st, h.Get("Content-Type"))
			}
			if st, body, _ := e.request(otherTok, http.MethodGet, "/api/v1/school/students", nil); st != http.StatusOK || fmt.Sprint(decode(t, string(body))["total"]) != "0" {
				t.Fatalf("the other school lists: %s", body)
			}

			path := fmt.Sprintf("/school/students/%d", students[0].ID)
			if st, html, _ := b.get(path); st != http.StatusOK || !strings.Contains(html, `action="`+path+`/changes"`) {
				t.Fatalf("record page: %d", st)
			}
			if st, html, _ := b.post(path+"/changes", url.Values{"action": {"suspend"}, "effective_on": {"2026-03-01"}}); st != http.StatusUnprocessableEntity || !strings.Contains(html, "请填写异动原因") {
				t.Fatalf("no reason: %d", st)
			}
			if st, body, _ := e.request(staffTok, http.MethodGet, "/api/v1/school/student-changes", nil); fmt.Sprint(decode(t, string(body))["total"]) != "0" {
				t.Fatalf("a refused request was written: %d %s", st, body)
			}
			st, _, h := b.post(path+"/changes", url.Values{"action": {"suspend"}, "effective_on": {"2026-03-01"}, "reason": {"因病休学一年"}})
			if st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), path) {
				t.Fatalf("request: %d %s", st, h.Get("Location"))
			}
			st, body, _ = e.request(cityTok, http.MethodGet, "/api/v1/student-changes", nil)
			q := decode(t, string(body))
			if st != http.StatusOK || fmt.Sprint(q["total"]) != "1" {
				t.Fatalf("queue: %d %s", st, body)
			}
			c := q["student_changes"].([]any)[0].(map[string]any)
			cpath := fmt.Sprintf("/api/v1/student-changes/%v", c["id"])
			if st, _, _ := e.request(countyTok, http.MethodGet, cpath, nil); st != http.StatusOK {
				t.Fatalf("the county officer reads: %d", st)
			}
			if st, _, _ := e.request(countyTok, http.MethodPost, cpath+"/decide", map[string]any{"decision": "approve"}); st != http.StatusForbidden {
				t.Fatalf("the county officer decides: %d", st)
			}
			if st, _, _ := e.request(otherTok, http.MethodGet, cpath, nil); st != http.StatusNotFound {
				t.Fatalf("the other school reads the request: %d", st)
			}
			if st, body, _ := e.request(cityTok, http.MethodPost, cpath+"/decide", map[string]any{"decision": "approve", "version": c["version"]}); st != http.StatusOK || !strings.Contains(string(body), `"approved"`) {
				t.Fatalf("approve: %d %s", st, body)
			}
			if st, body, _ := e.request(cityTok, http.MethodPost, cpath+"/decide", map[string]any{"decision": "reject", "reason": "x", "version": c["version"]}); st != http.StatusConflict {
				t.Fatalf("decided twice: %d %s", st, body)
			}
			if st, html, _ := b.get(path); st != http.StatusOK || !strings.Contains(html, "因病休学一年") || !strings.Contains(html, "休学") {
				t.Fatalf("history on the record: %d", st)
			}

			// Transfer students[1] to the other school.
			tpath := fmt.Sprintf("/api/v1/school/students/%d", students[1].ID)
			st, body, _ = e.request(staffTok, http.MethodPost, tpath+"/changes", map[string]any{"action": "transfer", "reason": "随父母迁居",
				"effective_on": "2026-02-20", "to_major_id": majors[1].ID})
			if st != http.StatusCreated {
				t.Fatalf("transfer request: %d %s", st, body)
			}
			tr := decode(t, string(body))
			st, body, _ = e.request(cityTok, http.MethodPost, fmt.Sprintf("/api/v1/student-changes/%v/decide", tr["id"]), map[string]any{"decision": "approve"})
			tr = decode(t, string(body))
			if st != http.StatusOK || fmt.Sprint(tr["new_student_id"]) == "0" {
				t.Fatalf("transfer approved: %d %s", st, body)
			}
			st, body, _ = e.request(staffTok, http.MethodGet, tpath, nil)
			if st != http.StatusOK || !strings.Contains(string(body), `"transferred"`) || !strings.Contains(string(body), "株洲市交通技工学校") {
				t.Fatalf("the old school's record: %d %s", st, body)
			}
			newPath := fmt.Sprintf("/api/v1/school/students/%v", tr["new_student_id"])
			st, body, _ = e.request(otherTok, http.MethodGet, newPath, nil)
			if st != http.StatusOK || !strings.Contains(string(body), "株洲市工业技工学校") || !strings.Contains(string(body), "transferred_in_from") ||
				strings.Contains(string(body), "随父母迁居") {
				t.Fatalf("the new school's record: %d %s", st, body)
			}
			if st, _, _ := e.request(otherTok, http.MethodGet, tpath, nil); st != http.StatusNotFound {
				t.Fatalf("the new school reads the old record: %d", st)
			}
			if st, _, _ := e.request(staffTok, http.MethodGet, newPath, nil); st != http.StatusNotFound {
				t.Fatalf("the old school reads the new record: %d", st)
			}
			if st, body, _ := e.request(otherTok, http.MethodGet, "/api/v1/school/students", nil); fmt.Sprint(decode(t, string(body))["total"]) != "1" {
				t.Fatalf("the new school lists: %d %s", st, body)
			}

			// Graduation of the 2023 cohort of 0401: students[2] (students[0] is suspended).
			if st, html, _ := b.post("/school/graduations", url.Values{"major_id": {fmt.Sprint(majors[0].ID)}, "entry_year": {"2023"},
				"graduated_on": {"2026-05-01"}, "reason": {"2023级毕业"}}); st != http.StatusUnprocessableEntity || !strings.Contains(html, "尚未修满学制") {
				t.Fatalf("too early: %d", st)
			}
			st, _, h = b.post("/school/graduations", url.Values{"major_id": {fmt.Sprint(majors[0].ID)}, "entry_year": {"2023"},
				"graduated_on": {"2026-06-30"}, "reason": {"2023级毕业"}})
			if st != http.StatusSeeOther {
				t.Fatalf("graduation request: %d", st)
			}
			gid := strings.TrimPrefix(strings.SplitN(h.Get("Location"), "?", 2)[0], "/student-changes/")
			if st, body, _ := e.request(cityTok, http.MethodPost, "/api/v1/student-changes/"+gid+"/decide", map[string]any{"decision": "approve"}); st != http.StatusOK ||
				fmt.Sprint(decode(t, string(body))["affected"]) != "1" {
				t.Fatalf("graduation approved: %d %s", st, body)
			}
			st, body, _ = e.request(staffTok, http.MethodGet, fmt.Sprintf("/api/v1/school/students/%d", students[2].ID), nil)
			if st != http.StatusOK || !strings.Contains(string(body), `"graduated"`) || !strings.Contains(string(body), `"number":"2026`+students[2].Number+`"`) {
				t.Fatalf("the graduate: %d %s", st, body)
			}
			if st, html, _ := b.get(fmt.Sprintf("/school/students/%d", students[2].ID)); st != http.StatusOK || !strings.Contains(html, "2026"+students[2].Number) {
				t.Fatalf("diploma on the page: %d", st)
			}

			// The graduate's lifelong record shows the school record and the diploma.
			var gradPerson int64
			if row, err := db.Student(ctx, xiangpei.Scope{All: true}, students[2].ID); err == nil {
				gradPerson = row.PersonID
			}
			gradTok := e.token(e.account(xiangpei.AccountInput{Login: "13900008802", DisplayName: "赵磊", Role: xiangpei.RolePerson, PersonID: gradPerson}, testPassword).ID)
			if st, body, _ := e.request(gradTok, http.MethodGet, "/api/v1/me/record", nil); st != http.StatusOK ||
				!strings.Contains(string(body), `"school":[{`) || !strings.Contains(string(body), "2026"+students[2].Number) {
				t.Fatalf("the lifelong record: %d %s", st, body)
			}
			if st, html, _ := e.request(gradTok, http.MethodGet, "/me", nil); st != http.StatusOK || !strings.Contains(string(html), "株洲市工业技工学校 · 电气自动化设备安装与维修") {
				t.Fatalf("the record page: %d", st)
			}

			// Registration counts for the school year 2025: all three at school 0.
			st, body, _ = e.request(cityTok, http.MethodGet, "/api/v1/school-registry?year=2025", nil)
			if m := decode(t, string(body)); st != http.StatusOK || fmt.Sprint(m["total"]) != "3" {
				t.Fatalf("counts: %d %s", st, body)
			}
			if st, html, _ := b.get("/school-registry?year=2025"); st != http.StatusOK || !strings.Contains(html, "电气自动化设备安装与维修") {
				t.Fatalf("counts page: %d", st)
			}
			if st, _, h := e.request(cityTok, http.MethodGet, "/school-registry?year=2025&format=xlsx", nil); st != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheet") {
				t.Fatalf("counts export: %d", st)
			}
			if st, _, h := e.request(cityTok, http.MethodGet, "/student-changes?status=all&format=xlsx", nil); st != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheet") {
				t.Fatalf("changes export: %d", st)
			}
		})
	}
}
