package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// rosterWorld is the Training web fixture with an approved class of three sessions from Monday
// 16 November 2026 (two weeks after the clock), and API tokens.
type rosterWorld struct {
	*trainEnv
	c                         xiangpei.Class
	instTok, otherTok, offTok string
	oOffTok, personTok        string
	extra                     int // classes made by smallClass
}

func newRosterWorld(t *testing.T, db *store.DB) *rosterWorld {
	t.Helper()
	te := newTrainEnv(t, db)
	rw := &rosterWorld{trainEnv: te, c: te.w.ApprovedClass(t, 14, 3)}
	rw.instTok, rw.otherTok = te.token(te.inst.ID), te.token(te.other.ID)
	rw.offTok, rw.oOffTok, rw.personTok = te.token(te.officer.ID), te.token(te.oOfficer.ID), te.token(te.trainee.ID)
	return rw
}

// rosterPerson registers a person of 天元区 born on birth (YYYYMMDD).
func (rw *rosterWorld) rosterPerson(t *testing.T, birth, seq, name, phone string) xiangpei.Person {
	t.Helper()
	p, err := store.Do(t.Context(), rw.db, rw.w.Admin, func(tx *store.Tx) (xiangpei.Person, error) {
		return tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(validID("430211" + birth + seq)), Name: name,
			Phone: phone, Household: xiangpei.HouseholdRural, County: "430211"})
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// call sends an API request and decodes the JSON answer.
func (rw *rosterWorld) call(t *testing.T, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	st, raw, _ := rw.request(token, method, path, body)
	if len(raw) == 0 || raw[0] != '{' {
		return st, nil
	}
	return st, decode(t, string(raw))
}

// dryRun uploads a roster file to the API's dry run.
func (rw *rosterWorld) dryRun(t *testing.T, token string, classID int64, name string, data []byte) (int, map[string]any) {
	t.Helper()
	body, ctype := multipartFile(t, name, data, nil)
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/classes/%d/roster/import", rw.ts.URL, classID), body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, decode(t, string(raw))
}

// fixture reads a file made by a spreadsheet program (internal/sheet/testdata).
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "sheet", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// lineReasons maps each line of a dry-run answer to its reason keys.
func lineReasons(m map[string]any) map[int][]string {
	out := map[int][]string{}
	for _, x := range m["rows"].([]any) {
		row := x.(map[string]any)
		line := int(num(row["line"]))
		out[line] = []string{}
		for _, r := range row["reasons"].([]any) {
			out[line] = append(out[line], r.(map[string]any)["key"].(string))
		}
	}
	return out
}

// reasonsOf lists the reason keys and messages of an error answer.
func reasonsOf(m map[string]any) ([]string, []string) {
	var keys, msgs []string
	e, _ := m["error"].(map[string]any)
	rs, _ := e["reasons"].([]any)
	for _, x := range rs {
		r := x.(map[string]any)
		keys = append(keys, r["key"].(string))
		msgs = append(msgs, r["message"].(string))
	}
	return keys, msgs
}

// noFullNumbers fails when a body holds any of the ID numbers or phones.
func noFullNumbers(t *testing.T, what, body string, numbers ...string) {
	t.Helper()
	for _, n := range numbers {
		if n != "" && strings.Contains(body, n) {
			t.Errorf("%s shows %s in full", what, n)
		}
	}
}

// TestRosterImportFromSpreadsheets imports rosters made by spreadsheet programs through the API
// and the pages: every bad row is reported with its line and reasons, the good rows are added
// in one step or not at all, and a commit happens once.
func TestRosterImportFromSpreadsheets(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			rw := newRosterWorld(t, db)
			// 孙七 is registered already; the others of the file are not.
			sun := rw.rosterPerson(t, "19880808", "104", "孙七", "13807339005")
			if string(sun.IDNumber) != "43021119880808104X" {
				t.Fatalf("fixture person %s", sun.IDNumber)
			}
			path := fmt.Sprintf("/api/v1/classes/%d/roster/import", rw.c.ID)

			// The other institution and the officers cannot import into this class.
			if st, _ := rw.dryRun(t, rw.otherTok, rw.c.ID, "roster_mixed.xlsx", fixture(t, "roster_mixed.xlsx")); st != http.StatusNotFound {
				t.Fatalf("other institution: %d", st)
			}
			if st, _ := rw.dryRun(t, rw.offTok, rw.c.ID, "roster_mixed.xlsx", fixture(t, "roster_mixed.xlsx")); st != http.StatusForbidden {
				t.Fatalf("officer: %d", st)
			}

			st, m := rw.dryRun(t, rw.instTok, rw.c.ID, "roster_mixed.xlsx", fixture(t, "roster_mixed.xlsx"))
			if st != http.StatusOK {
				t.Fatalf("dry run: %d %v", st, m)
			}
			want := map[int][]string{
				4: {}, 5: {"roster.id_lossy"}, 7: {}, 8: {}, 9: {}, 11: {"id.check_digit"}, 12: {"roster.import_duplicate"},
				13: {"roster.age"}, 14: {"person.name"}, 15: {"roster.phone_for_new"},
			}
			got := lineReasons(m)
			for line, keys := range want {
				if !slices.Equal(got[line], keys) {
					t.Errorf("line %d: %v, want %v", line, got[line], keys)
				}
			}
			if len(got) != len(want) || num(m["good"]) != 4 || num(m["refused"]) != 6 {
				t.Fatalf("rows %v good %v refused %v", got, m["good"], m["refused"])
			}
			raw, _ := json.Marshal(m)
			body := string(raw)
			if !strings.Contains(body, "存成了数字") || !strings.Contains(body, "文本") {
				t.Errorf("the lossy row is not explained: %s", body)
			}
			noFullNumbers(t, "dry run", body, "430211199003151236", "430211199201017898", "43021119880808104X", "430211201201011111")
			upload := num(m["upload_id"])
			if upload == 0 || m["commit"] != fmt.Sprintf("/api/v1/classes/%d/roster/import/%d/commit", rw.c.ID, upload) {
				t.Fatalf("upload %v commit %v", m["upload_id"], m["commit"])
			}
			// Nothing is on the roster yet.
			if st, r := rw.call(t, rw.instTok, http.MethodGet, fmt.Sprintf("/api/v1/classes/%d/roster", rw.c.ID), nil); st != 200 || len(r["trainees"].([]any)) != 0 {
				t.Fatalf("roster after dry run: %d %v", st, r)
			}
			commit := fmt.Sprintf("%s/%d/commit", path, upload)
			if st, _ := rw.call(t, rw.otherTok, http.MethodPost, commit, nil); st != http.StatusNotFound {
				t.Fatalf("other institution commits: %d", st)
			}
			st, res := rw.call(t, rw.instTok, http.MethodPost, commit, nil)
			if st != http.StatusOK || num(res["added"]) != 4 || num(res["registered"]) != 3 {
				t.Fatalf("commit: %d %v", st, res)
			}
			if st, res := rw.call(t, rw.instTok, http.MethodPost, commit, nil); st != http.StatusConflict || !strings.Contains(fmt.Sprint(res), "已经导入过") {
				t.Fatalf("second commit: %d %v", st, res)
			}
			_, r := rw.call(t, rw.instTok, http.MethodGet, fmt.Sprintf("/api/v1/classes/%d/roster", rw.c.ID), nil)
			var names []string
			for _, x := range r["trainees"].([]any) {
				row := x.(map[string]any)
				names = append(names, row["name"].(string))
				if row["source"] != "import" || row["status"] != "enrolled" {
					t.Errorf("imported row %v", row)
				}
			}
			slices.Sort(names)
			wantNames := []string{"孙七", "张三", "王五", "赵六"}
			slices.Sort(wantNames)
			if !slices.Equal(names, wantNames) || num(r["seats_left"]) != 26 {
				t.Fatalf("roster %v, seats %v", names, r["seats_left"])
			}
			// The legacy number was registered in its 18-digit form; full-width digits folded.
			for _, id := range []string{"430211197508081238", "430211199201017898"} {
				if p, err := db.PersonByIDNumber(t.Context(), xiangpei.Scope{All: true}, xiangpei.IDNumber(id)); err != nil || p.County != "430211" {
					t.Errorf("registered %s: %v %+v", id, err, p)
				}
			}

			// Nothing half-imported: a class of 2 places fills up between the dry run and the commit.
			small := rw.smallClass(t, 2)
			st, m = rw.dryRun(t, rw.instTok, small.ID, "roster_plain.xlsx", fixture(t, "roster_plain.xlsx"))
			if st != http.StatusOK || num(m["good"]) != 2 {
				t.Fatalf("plain dry run: %d %v", st, m)
			}
			if got := lineReasons(m); !slices.Equal(got[2], []string{"roster.id_lossy"}) || len(got[3]) != 0 || len(got[4]) != 0 {
				t.Fatalf("plain lines %v", got)
			}
			late := rw.rosterPerson(t, "19910101", "555", "插队者", "13807339009")
			if err := db.Tx(t.Context(), rw.w.InstA, func(tx *store.Tx) error {
				_, err := tx.AddTrainee(rw.w.InstA.Scope(), small.ID, late.ID, xiangpei.SourceManual)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			st, res = rw.call(t, rw.instTok, http.MethodPost, fmt.Sprintf("/api/v1/classes/%d/roster/import/%d/commit", small.ID, num(m["upload_id"])), nil)
			if st != http.StatusConflict || !strings.Contains(fmt.Sprint(res), "一个也没有导入") {
				t.Fatalf("changed: %d %v", st, res)
			}
			if _, r := rw.call(t, rw.instTok, http.MethodGet, fmt.Sprintf("/api/v1/classes/%d/roster", small.ID), nil); len(r["trainees"].([]any)) != 1 {
				t.Fatalf("half an import: %v", r["trainees"])
			}

			// The CSV as Chinese Excel saves it, through the pages.
			csvClass := rw.smallClass(t, 10)
			b := rw.browser()
			b.signIn(rw.inst, testPassword)
			if code, body, _ := b.get(fmt.Sprintf("/classes/%d/roster/import", csvClass.ID)); code != 200 ||
				!strings.Contains(body, "/roster/template.xlsx") || !strings.Contains(body, "身份证号") || !strings.Contains(body, "备注") {
				t.Fatalf("import page: %d", code)
			}
			code, body, _ := rw.postRosterFile(b, fmt.Sprintf("/classes/%d/roster/import", csvClass.ID), "名册.csv", fixture(t, "roster_excel_gb18030.csv"))
			if code != http.StatusOK || !strings.Contains(body, "存成了数字") || !strings.Contains(body, ">3<") {
				t.Fatalf("csv dry run page: %d %s", code, body)
			}
			commitForm := regexp.MustCompile(`action="(/classes/\d+/roster/import/\d+/commit)"`).FindStringSubmatch(body)
			if commitForm == nil {
				t.Fatalf("no commit form: %s", body)
			}
			code, _, h := b.post(commitForm[1], nil)
			if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=roster_imported") {
				t.Fatalf("commit page: %d %v", code, h)
			}
			code, body, _ = b.get(h.Get("Location"))
			if code != 200 || !strings.Contains(body, "褚一") || !strings.Contains(body, "冯三") || !strings.Contains(body, "夜班") {
				t.Fatalf("roster after csv: %d %s", code, body)
			}
			noFullNumbers(t, "roster page", body, "430211199404046664", "13807330021")
		})
	}
}

// smallClass files and approves another, self-funded class of the institution with the given
// capacity, on other days than the fixture's class (two sessions from 14 December, a week
// later for each further one).
func (rw *rosterWorld) smallClass(t *testing.T, capacity int) xiangpei.Class {
	t.Helper()
	return rw.smallClassWith(t, capacity, nil)
}

// smallClassWith is smallClass changed by mod.
func (rw *rosterWorld) smallClassWith(t *testing.T, capacity int, mod func(in *xiangpei.ClassInput)) xiangpei.Class {
	t.Helper()
	in := rw.w.ClassInput(t, time.Date(2026, 12, 14+7*rw.extra, 0, 0, 0, 0, xiangpei.ChinaTime), 2)
	rw.extra++
	in.Name, in.Capacity, in.Funding = fmt.Sprintf("自费小班%d", rw.extra), capacity, xiangpei.FundingSelf
	if mod != nil {
		mod(&in)
	}
	c, err := store.Do(t.Context(), rw.db, rw.w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
		return tx.CreateClass(rw.w.InstA.Scope(), rw.w.Inst.ID, in)
	})
	if err != nil {
		t.Fatal(err)
	}
	return rw.w.Move(t, rw.w.InstA, c, xiangpei.ClassSubmit, xiangpei.ClassApprove)
}

// postRosterFile submits the import form as the browser.
func (rw *rosterWorld) postRosterFile(b *browser, path, name string, data []byte) (int, string, http.Header) {
	body, ctype := multipartFile(rw.t, name, data, map[string]string{"csrf": b.csrf})
	req, _ := http.NewRequest(http.MethodPost, rw.ts.URL+path, body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Origin", rw.ts.URL)
	return b.do(req)
}

// TestRosterImportRefusals: files that cannot be read are refused with a message a person can
// act on, and nothing is kept for a commit.
func TestRosterImportRefusals(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			rw := newRosterWorld(t, db)
			// A small workbook whose sheet unpacks a thousand times over (the > 100 MiB bomb is in
			// the sheet package's tests; the request limit of this test server is 64 KiB).
			var bomb bytes.Buffer
			zw := zip.NewWriter(&bomb)
			w, _ := zw.Create("xl/worksheets/sheet1.xml")
			w.Write(bytes.Repeat([]byte(" "), 3<<20))
			zw.Close()
			var rows strings.Builder
			rows.WriteString("身份证号,姓名\n")
			for i := 0; i <= store.MaxRosterLines; i++ {
				fmt.Fprintf(&rows, "%s,学员\n", validID(fmt.Sprintf("43021119900101%03d", i%1000)))
			}
			for _, tc := range []struct {
				name   string
				data   []byte
				status int
				text   string
			}{
				{"bomb.xlsx", bomb.Bytes(), http.StatusRequestEntityTooLarge, "解压后的数据量"},
				{"big.csv", []byte(rows.String()), http.StatusRequestEntityTooLarge, "超过1000行"},
				{"old.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, http.StatusUnprocessableEntity, ".xls"},
				{"noheader.csv", []byte("名字,电话\n张三,13800000000\n"), http.StatusUnprocessableEntity, "表头"},
				{"empty.csv", []byte("身份证号,姓名\n,,\n"), http.StatusUnprocessableEntity, "没有学员"},
				{"fake.xlsx", []byte("身份证号,姓名\n"), http.StatusUnprocessableEntity, ".xlsx"},
			} {
				st, m := rw.dryRun(t, rw.instTok, rw.c.ID, tc.name, tc.data)
				if st != tc.status || !strings.Contains(fmt.Sprint(m["error"]), tc.text) {
					t.Errorf("%s: %d %v", tc.name, st, m)
				}
			}
			// No file at all.
			st, raw, _ := rw.request(rw.instTok, http.MethodPost, fmt.Sprintf("/api/v1/classes/%d/roster/import", rw.c.ID), map[string]any{})
			if st != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "名册文件") {
				t.Errorf("no file: %d %s", st, raw)
			}
			if n, err := db.UploadCount(t.Context()); err != nil || n != 0 {
				t.Errorf("%d uploads kept for refused files (%v)", n, err)
			}
			// A commit of an upload that does not exist, or with a malformed id.
			for _, p := range []string{"/roster/import/12345/commit", "/roster/import/abc/commit"} {
				if st, _ := rw.call(t, rw.instTok, http.MethodPost, fmt.Sprintf("/api/v1/classes/%d%s", rw.c.ID, p), nil); st != http.StatusNotFound {
					t.Errorf("%s: %d", p, st)
				}
			}
			// The template is a real workbook: the header, two example rows, ID column as text.
			st, raw, h := rw.request("", http.MethodGet, "/roster/template.xlsx", nil)
			if st != 200 || h.Get("Content-Type") != sheet.ContentType {
				t.Fatalf("template: %d %v", st, h)
			}
			tb, err := sheet.Read(bytes.NewReader(raw), "t.xlsx", sheet.DefaultLimits(), rosterColumns)
			if err != nil || tb.HeaderLine != 1 || len(tb.Rows) != 2 || tb.Rows[0].Values["id"] != "11010519491231002X" {
				t.Fatalf("template read back: %v %+v", err, tb)
			}
			f, err := excelize.OpenReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			header, _ := f.GetRows(f.GetSheetList()[0])
			if !slices.Equal(header[0], []string{"身份证号", "姓名", "手机号", "备注"}) {
				t.Errorf("template header %v", header[0])
			}
			sid, _ := f.GetCellStyle(f.GetSheetList()[0], "A20")
			if st, err := f.GetStyle(sid); err != nil || st.NumFmt != 49 {
				t.Errorf("the ID column of the template is not text: %v %+v", err, st)
			}
		})
	}
}

// TestRosterPageAndAPI adds, refuses, withdraws and exports through the pages and the API;
// officers read their county's rosters only; nobody sees a full number by default.
func TestRosterPageAndAPI(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			rw := newRosterWorld(t, db)
			rosterAPI := fmt.Sprintf("/api/v1/classes/%d/roster", rw.c.ID)
			rosterPage := fmt.Sprintf("/classes/%d/roster", rw.c.ID)

			// API: the registered trainee by ID number and name.
			st, m := rw.call(t, rw.instTok, http.MethodPost, rosterAPI, map[string]any{"id_number": string(rw.person.IDNumber), "name": "李学员"})
			if st != http.StatusCreated || m["id_number"] != rw.person.IDNumber.Masked() || m["phone"] != "138****0999" || m["source"] != "manual" {
				t.Fatalf("add: %d %v", st, m)
			}
			st, m = rw.call(t, rw.instTok, http.MethodPost, rosterAPI, map[string]any{"id_number": string(rw.person.IDNumber), "name": "李学员"})
			if st != http.StatusConflict || !strings.Contains(fmt.Sprint(m), "已经在名册里") {
				t.Fatalf("twice: %d %v", st, m)
			}
			// Every reason at once: the wrong name and too old.
			old := rw.rosterPerson(t, "19600101", "321", "老学员", "13807339001")
			st, m = rw.call(t, rw.instTok, http.MethodPost, rosterAPI, map[string]any{"id_number": string(old.IDNumber), "name": "老同学"})
			keys, msgs := reasonsOf(m)
			if st != http.StatusUnprocessableEntity || !slices.Equal(keys, []string{"roster.name_mismatch", "roster.age"}) ||
				!strings.Contains(msgs[1], "66岁") {
				t.Fatalf("two reasons: %d %v", st, m)
			}
			st, m = rw.call(t, rw.instTok, http.MethodPost, rosterAPI, map[string]any{"id_number": "4302111990", "name": "王五"})
			if keys, _ := reasonsOf(m); st != http.StatusUnprocessableEntity || !slices.Equal(keys, []string{"id.length"}) {
				t.Fatalf("short ID: %d %v", st, m)
			}
			st, m = rw.call(t, rw.instTok, http.MethodPost, rosterAPI, map[string]any{"id_number": 1, "name": "王五"})
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("a number for the ID: %d %v", st, m)
			}
			// Officers and the other institution.
			if st, _ := rw.call(t, rw.offTok, http.MethodPost, rosterAPI, map[string]any{"id_number": string(old.IDNumber), "name": "老学员"}); st != http.StatusForbidden {
				t.Fatalf("officer adds: %d", st)
			}
			if st, m := rw.call(t, rw.offTok, http.MethodGet, rosterAPI, nil); st != 200 || len(m["trainees"].([]any)) != 1 {
				t.Fatalf("officer reads: %d %v", st, m)
			}
			for _, tok := range []string{rw.oOffTok, rw.otherTok} {
				if st, _ := rw.call(t, tok, http.MethodGet, rosterAPI, nil); st != http.StatusNotFound {
					t.Fatalf("foreign reader: %d", st)
				}
			}
			if st, _ := rw.call(t, rw.personTok, http.MethodGet, rosterAPI, nil); st != http.StatusForbidden {
				t.Fatalf("person reads the roster: %d", st)
			}

			// The page: add a person the registry does not know, with a full-width number.
			b := rw.browser()
			b.signIn(rw.inst, testPassword)
			code, body, _ := b.get(rosterPage)
			if code != 200 || !strings.Contains(body, "李学员") || !strings.Contains(body, rw.person.IDNumber.Masked()) || !strings.Contains(body, `name="id_number"`) {
				t.Fatalf("roster page: %d", code)
			}
			noFullNumbers(t, "roster page", body, string(rw.person.IDNumber), rw.person.Phone)
			newID := validID("43021119930303111")
			full := strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r + 0xFEE0
				}
				return r
			}, newID)
			code, body, _ = b.post(rosterPage, url.Values{"id_number": {full}, "name": {"新学员"}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "还没有在平台登记") || !strings.Contains(body, `value="新学员"`) {
				t.Fatalf("no phone: %d %s", code, body)
			}
			code, _, h := b.post(rosterPage, url.Values{"id_number": {full}, "name": {"新学员"}, "phone": {"138 0733 1234"}, "note": {"夜班"}})
			if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=roster_added") {
				t.Fatalf("add new: %d %v", code, h)
			}
			code, body, _ = b.get(h.Get("Location"))
			if code != 200 || !strings.Contains(body, "新学员") || !strings.Contains(body, "夜班") || !strings.Contains(body, "138****1234") {
				t.Fatalf("after add: %d", code)
			}
			noFullNumbers(t, "roster page", body, newID, "13807331234")
			// Refused on the page: every reason listed.
			code, body, _ = b.post(rosterPage, url.Values{"id_number": {string(old.IDNumber)}, "name": {"老同学"}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "不能加入本班") || !strings.Contains(body, "姓名与这个身份证号登记的姓名不一致") ||
				!strings.Contains(body, "劳动年龄") {
				t.Fatalf("refused page: %d %s", code, body)
			}

			// Withdraw: a reason is needed; a stale version is refused; then it is done.
			_, m = rw.call(t, rw.instTok, http.MethodGet, rosterAPI, nil)
			var row map[string]any
			for _, x := range m["trainees"].([]any) {
				if x.(map[string]any)["name"] == "新学员" {
					row = x.(map[string]any)
				}
			}
			withdraw := fmt.Sprintf("%s/%v/withdraw", rosterPage, row["id"])
			code, body, _ = b.post(withdraw, url.Values{"reason": {""}, "version": {fmt.Sprint(row["version"])}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, "退出的原因") || !strings.Contains(body, "details class=\"roster-withdraw\" open") {
				t.Fatalf("withdraw without reason: %d %s", code, body)
			}
			if st, _ := rw.call(t, rw.instTok, http.MethodPost, "/api/v1"+withdraw, map[string]any{"reason": "家里有事", "version": num(row["version"]) + 1}); st != http.StatusConflict {
				t.Fatalf("stale: %d", st)
			}
			if st, _ := rw.call(t, rw.otherTok, http.MethodPost, "/api/v1"+withdraw, map[string]any{"reason": "家里有事", "version": num(row["version"])}); st != http.StatusNotFound {
				t.Fatalf("other institution withdraws: %d", st)
			}
			code, _, h = b.post(withdraw, url.Values{"reason": {"家里有事"}, "version": {fmt.Sprint(row["version"])}})
			if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=roster_withdrawn") {
				t.Fatalf("withdraw: %d", code)
			}
			_, m = rw.call(t, rw.instTok, http.MethodGet, rosterAPI, nil)
			if num(m["enrolled"]) != 1 || num(m["seats_left"]) != 29 {
				t.Fatalf("after withdrawal: %v", m)
			}

			// Officers read the page without forms; the other county's officer gets a 404.
			ob := rw.browser()
			ob.signIn(rw.officer, testPassword)
			code, body, _ = ob.get(rosterPage)
			if code != 200 || strings.Contains(body, `name="id_number"`) || strings.Contains(body, "/withdraw") || !strings.Contains(body, "李学员") {
				t.Fatalf("officer page: %d", code)
			}
			hb := rw.browser()
			hb.signIn(rw.oOfficer, testPassword)
			if code, _, _ := hb.get(rosterPage); code != http.StatusNotFound {
				t.Fatalf("other county's officer: %d", code)
			}

			// Export: masked by default; in full with a reason, recorded; not for officers without the unmask duty.
			st, raw, hdr := rw.request(rw.instTok, http.MethodGet, rosterPage+"/export.xlsx", nil)
			if st != 200 || hdr.Get("Content-Type") != sheet.ContentType {
				t.Fatalf("export: %d", st)
			}
			cells := xlsxText(t, raw)
			if !strings.Contains(cells, rw.person.IDNumber.Masked()) || strings.Contains(cells, string(rw.person.IDNumber)) || !strings.Contains(cells, "家里有事") {
				t.Fatalf("masked export: %s", cells)
			}
			if st, _, _ := rw.request(rw.instTok, http.MethodGet, rosterPage+"/export.xlsx?full=1", nil); st != http.StatusUnprocessableEntity {
				t.Fatalf("full export without reason: %d", st)
			}
			if st, _, _ := rw.request(rw.offTok, http.MethodGet, rosterPage+"/export.xlsx?full=1&reason=核对补贴材料", nil); st != http.StatusForbidden {
				t.Fatalf("officer without unmask: %d", st)
			}
			before, _ := db.AuditCount(t.Context())
			st, raw, _ = rw.request(rw.instTok, http.MethodGet, rosterPage+"/export.xlsx?full=1&reason="+url.QueryEscape("申领补贴核对"), nil)
			if st != 200 || !strings.Contains(xlsxText(t, raw), string(rw.person.IDNumber)) {
				t.Fatalf("full export: %d", st)
			}
			if after, _ := db.AuditCount(t.Context()); after != before+1 {
				t.Fatalf("full export not audited: %d → %d", before, after)
			}
			if st, _, _ := rw.request(rw.otherTok, http.MethodGet, rosterPage+"/export.xlsx", nil); st != http.StatusNotFound {
				t.Fatalf("other institution exports: %d", st)
			}
		})
	}
}

// xlsxText is every cell of a workbook's first sheet, joined.
func xlsxText(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|"))
		b.WriteByte('\n')
	}
	return b.String()
}
