package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// srWeb: two schools with a staff account each; 工业 (天元区) has major 0401; 张伟 is registered.
type srWeb struct {
	*env
	staff, other       xiangpei.Account
	staffTok, otherTok string
	school             xiangpei.Organisation
	zhang              xiangpei.Person
}

func newSchoolRosterWeb(t *testing.T, db *store.DB) *srWeb {
	t.Helper()
	x := &srWeb{env: newEnv(t, db)}
	var schools [2]xiangpei.Organisation
	err := db.Tx(context.Background(), xiangpei.Actor{Name: "test"}, func(tx *store.Tx) error {
		for i, county := range []string{"430211", "430202"} {
			schools[i] = orgIn(t, tx, xiangpei.OrgSchool, []string{"株洲市工业技工学校", "株洲市交通技工学校"}[i], fmt.Sprintf("12%sMB7700%03d", county, i), county)
		}
		x.zhang = person(t, tx, "43021120080305201", "张伟", "13807330201", "430211")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	x.school = schools[0]
	x.staff = x.account(xiangpei.AccountInput{Login: "sr_school", DisplayName: "工业技校", Role: xiangpei.RoleSchool, OrgID: schools[0].ID}, testPassword)
	x.other = x.account(xiangpei.AccountInput{Login: "sr_school2", DisplayName: "交通技校", Role: xiangpei.RoleSchool, OrgID: schools[1].ID}, testPassword)
	x.staffTok, x.otherTok = x.token(x.staff.ID), x.token(x.other.ID)
	a := x.staff.Actor()
	if _, err := store.Do(context.Background(), db, a, func(tx *store.Tx) (xiangpei.Major, error) {
		return tx.SaveMajor(a.Scope(), xiangpei.Major{Code: "0401", Name: "电气自动化设备安装与维修", Years: 3, Level: xiangpei.MajorIntermediate, Occupation: "6-31-01-03"}, 0)
	}); err != nil {
		t.Fatal(err)
	}
	return x
}

func (x *srWeb) upload(tok, name, csv string) (int, map[string]any) {
	x.t.Helper()
	body, ctype := multipartFile(x.t, name, []byte(csv), nil)
	st, b, _ := x.requestWith(tok, http.MethodPost, "/api/v1/school/roster-import", body.Bytes(), http.Header{"Content-Type": {ctype}})
	if st != http.StatusOK {
		return st, map[string]any{"body": string(b)}
	}
	return st, decode(x.t, string(b))
}

// TestSchoolRosterImportWeb: over the API, the dry run names the bad rows by line and reason
// in Chinese and the commit of that file writes nothing; a good file enrols every row (a new
// person registered on the way) and the same file is refused the second time; another school
// cannot commit the upload, and other roles cannot import. In the browser, the page, the
// template, the dry run and the commit.
func TestSchoolRosterImportWeb(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newSchoolRosterWeb(t, db)
			year := x.clock.now().In(xiangpei.ChinaTime).Year()
			if x.clock.now().In(xiangpei.ChinaTime).Month() < 9 {
				year-- // the autumn intake of this year is still to come
			}
			header := "身份证号,姓名,专业代码,入学年份,入学日期,手机号\n"
			row := func(id, name, major string) string {
				return fmt.Sprintf("%s,%s,%s,%d,%d-09-01,\n", id, name, major, year, year)
			}
			newID := validID("43022420090101301")
			half := header + row(string(x.zhang.IDNumber), "张伟", "0401") + row(newID, "王小明", "9999") + row(string(x.zhang.IDNumber), "张伟", "0401")
			st, chk := x.upload(x.staffTok, "half.csv", half)
			if st != http.StatusOK || fmt.Sprint(chk["refused"]) != "2" || fmt.Sprint(chk["good"]) != "1" {
				t.Fatalf("dry run: %d %v", st, chk)
			}
			rows := chk["rows"].([]any)
			if r := rows[1].(map[string]any); fmt.Sprint(r["line"]) != "3" || !strings.Contains(fmt.Sprint(r["reasons"]), "没有代码为“9999”的专业") ||
				strings.Contains(fmt.Sprint(r["id_number"]), newID) {
				t.Fatalf("bad row: %v", r)
			}
			if r := rows[2].(map[string]any); fmt.Sprint(r["line"]) != "4" || !strings.Contains(fmt.Sprint(r["reasons"]), "第 2 行") {
				t.Fatalf("duplicate row: %v", r)
			}
			if st, b, _ := x.request(x.staffTok, http.MethodPost, fmt.Sprint(chk["commit"]), map[string]any{}); st != http.StatusUnprocessableEntity {
				t.Fatalf("commit of a half-bad file: %d %s", st, b)
			}
			if st, b, _ := x.request(x.staffTok, http.MethodGet, "/api/v1/school/students", nil); st == http.StatusOK && fmt.Sprint(decode(t, string(b))["total"]) != "0" {
				t.Fatalf("a refused file enrolled students: %s", b)
			}

			good := header + row(string(x.zhang.IDNumber), "张伟", "0401") + row(newID, "王小明", "0401")
			st, chk = x.upload(x.staffTok, "good.csv", good)
			if st != http.StatusOK || fmt.Sprint(chk["refused"]) != "0" || fmt.Sprint(chk["new_persons"]) != "1" {
				t.Fatalf("good dry run: %d %v", st, chk)
			}
			if st, b, _ := x.request(x.otherTok, http.MethodPost, fmt.Sprint(chk["commit"]), map[string]any{}); st != http.StatusNotFound {
				t.Fatalf("another school commits the upload: %d %s", st, b)
			}
			st, b, _ := x.request(x.staffTok, http.MethodPost, fmt.Sprint(chk["commit"]), map[string]any{})
			res := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(res["enrolled"]) != "2" || fmt.Sprint(res["new_persons"]) != "1" {
				t.Fatalf("commit: %d %s", st, b)
			}
			list, total, err := db.Students(context.Background(), x.staff.Actor().Scope(), store.StudentFilter{}, store.Page{})
			if err != nil || total != 2 || list[0].EntryYear != year {
				t.Fatalf("students after the import: %v %d %+v", err, total, list)
			}
			if st, m := x.upload(x.staffTok, "good-again.csv", good); st != http.StatusConflict || !strings.Contains(fmt.Sprint(m["body"]), "已经为本校导入过") {
				t.Fatalf("the same file again: %d %v", st, m)
			}
			if st, b, _ := x.request(x.staffTok, http.MethodPost, fmt.Sprint(chk["commit"]), map[string]any{}); st != http.StatusConflict {
				t.Fatalf("the same upload again: %d %s", st, b)
			}
			// The other school sees none of it.
			if _, n, _ := db.Students(context.Background(), x.other.Actor().Scope(), store.StudentFilter{}, store.Page{}); n != 0 {
				t.Fatalf("the other school sees %d students", n)
			}
			if st, b, _ := x.request(x.staffTok, http.MethodGet, "/api/v1/school/roster-import", nil); st != http.StatusOK || !strings.Contains(string(b), "身份证号") {
				t.Fatalf("columns: %d %s", st, b)
			}

			// The browser: page, template, a dry run with a bad row, then a good file committed.
			br := x.browser()
			br.signIn(x.other, testPassword)
			if st, html, _ := br.get("/school/roster-import"); st != http.StatusOK || !strings.Contains(html, "/school/roster-import-template.xlsx") ||
				!strings.Contains(html, `href="/school/roster-import"`) {
				t.Fatalf("import page: %d", st)
			}
			if st, _, h := br.get("/school/roster-import-template.xlsx"); st != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheet") {
				t.Fatalf("template: %d", st)
			}
			if st, html, _ := br.postFile("/school/roster-import", "bad.csv", []byte(header+row(newID, "王小明", "0601")), nil); st != http.StatusOK ||
				!strings.Contains(html, "没有代码为“0601”的专业") || strings.Contains(html, "/commit") {
				t.Fatalf("browser dry run: %d %s", st, html)
			}
			// 交通 has no majors yet: a file with none of its majors imports nothing.
			if _, n, _ := db.Students(context.Background(), x.other.Actor().Scope(), store.StudentFilter{}, store.Page{}); n != 0 {
				t.Fatalf("a dry run enrolled %d", n)
			}
			o := x.other.Actor()
			if _, err := store.Do(context.Background(), db, o, func(tx *store.Tx) (xiangpei.Major, error) {
				return tx.SaveMajor(o.Scope(), xiangpei.Major{Code: "0601", Name: "汽车维修", Years: 5, Level: xiangpei.MajorAdvanced, Occupation: "4-12-01-01"}, 0)
			}); err != nil {
				t.Fatal(err)
			}
			third := validID("43020220090505402")
			st, html, _ := br.postFile("/school/roster-import", "good.csv", []byte(header+row(third, "李娜", "0601")), nil)
			commit := regexp.MustCompile(`action="(/school/roster-import/\d+/commit)"`).FindStringSubmatch(html)
			if st != http.StatusOK || commit == nil {
				t.Fatalf("browser good dry run: %d %s", st, html)
			}
			if st, _, h := br.post(commit[1], nil); st != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/school/students?done=") {
				t.Fatalf("browser commit: %d %s", st, h.Get("Location"))
			}
			if _, n, _ := db.Students(context.Background(), o.Scope(), store.StudentFilter{}, store.Page{}); n != 1 {
				t.Fatalf("the browser's import enrolled %d", n)
			}

			// Other roles.
			officer := x.account(xiangpei.AccountInput{Login: "sr_officer", DisplayName: "经办", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.OfficerDuties}, testPassword)
			if st, _ := x.upload(x.token(officer.ID), "good.csv", good); st != http.StatusForbidden {
				t.Fatalf("an officer imports a school roster: %d", st)
			}
		})
	}
}

// TestSchoolOverviewWeb: the city's officer sees both schools with their students, as JSON,
// HTML and Excel; a county officer only the county's school; school staff are refused.
func TestSchoolOverviewWeb(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newSchoolRosterWeb(t, db)
			header := "身份证号,姓名,专业代码,入学年份,入学日期\n"
			csv := header + string(x.zhang.IDNumber) + ",张伟,0401,2025,2025-09-01\n" + validID("43021120090606301") + ",刘洋,0401,2025,2025-09-01\n"
			st, chk := x.upload(x.staffTok, "two.csv", csv)
			if st != http.StatusOK {
				t.Fatalf("dry run: %d %v", st, chk)
			}
			if st, b, _ := x.request(x.staffTok, http.MethodPost, fmt.Sprint(chk["commit"]), map[string]any{}); st != http.StatusOK {
				t.Fatalf("commit: %d %s", st, b)
			}
			city := x.account(xiangpei.AccountInput{Login: "sr_city", DisplayName: "市经办", Role: xiangpei.RoleOfficer, Region: "430200", Duties: xiangpei.OfficerDuties}, testPassword)
			ht := x.account(xiangpei.AccountInput{Login: "sr_ht", DisplayName: "荷塘经办", Role: xiangpei.RoleOfficer, Region: "430202", Duties: xiangpei.OfficerDuties}, testPassword)
			st, b, _ := x.request(x.token(city.ID), http.MethodGet, "/api/v1/schools-overview", nil)
			m := decode(t, string(b))
			if st != http.StatusOK || fmt.Sprint(m["total"]) != "2" {
				t.Fatalf("city overview: %d %s", st, b)
			}
			var studying []string
			for _, row := range m["schools"].([]any) {
				r := row.(map[string]any)
				studying = append(studying, fmt.Sprint(r["name"], ":", r["studying"]))
			}
			if strings.Join(studying, " ") != "株洲市交通技工学校:0 株洲市工业技工学校:2" {
				t.Fatalf("studying: %v", studying)
			}
			st, b, _ = x.request(x.token(ht.ID), http.MethodGet, "/api/v1/schools-overview", nil)
			if st != http.StatusOK || fmt.Sprint(decode(t, string(b))["total"]) != "1" || strings.Contains(string(b), "工业") {
				t.Fatalf("county overview: %d %s", st, b)
			}
			if st, _, _ := x.request(x.staffTok, http.MethodGet, "/api/v1/schools-overview", nil); st != http.StatusForbidden {
				t.Fatalf("school staff: %d", st)
			}
			br := x.browser()
			br.signIn(city, testPassword)
			if st, html, _ := br.get("/schools-overview"); st != http.StatusOK || !strings.Contains(html, "株洲市工业技工学校") || !strings.Contains(html, "辖区技工院校概况") {
				t.Fatalf("overview page: %d", st)
			}
			if st, _, h := br.get("/schools-overview?format=xlsx"); st != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheet") {
				t.Fatalf("export: %d", st)
			}
		})
	}
}

// TestSchoolRosterImportXLSX: a roster saved by Excel — the year a number cell, the day of
// enrolment a date cell, the ID number text — is read like the CSV.
func TestSchoolRosterImportXLSX(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newSchoolRosterWeb(t, db)
			var buf bytes.Buffer
			day := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
			if err := sheet.Write(&buf, "学籍名册", []string{"身份证号", "姓名", "专业代码", "入学年份", "入学日期"},
				[][]any{{string(x.zhang.IDNumber), "张伟", "0401", 2025, day}}); err != nil {
				t.Fatal(err)
			}
			st, chk := x.upload(x.staffTok, "名册.xlsx", buf.String())
			if st != http.StatusOK || fmt.Sprint(chk["good"]) != "1" || fmt.Sprint(chk["refused"]) != "0" {
				t.Fatalf("xlsx dry run: %d %v", st, chk)
			}
			if st, b, _ := x.request(x.staffTok, http.MethodPost, fmt.Sprint(chk["commit"]), map[string]any{}); st != http.StatusOK {
				t.Fatalf("commit: %d %s", st, b)
			}
			list, _, err := db.Students(context.Background(), x.staff.Actor().Scope(), store.StudentFilter{}, store.Page{})
			if err != nil || len(list) != 1 || xiangpei.ChinaDate(list[0].EnrolledOn) != "2025-09-01" || list[0].EntryYear != 2025 {
				t.Fatalf("students: %v %+v", err, list)
			}
		})
	}
}
