package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// readXLSX reads a downloaded workbook back with the import reader and returns its rows under
// the given header names.
func readXLSX(t *testing.T, body string, cols ...string) []sheet.Row {
	t.Helper()
	var cs []sheet.Column
	for _, c := range cols {
		cs = append(cs, sheet.Column{Key: c, Names: []string{c}, Required: true})
	}
	tab, err := sheet.Read(bytes.NewReader([]byte(body)), "export.xlsx", sheet.DefaultLimits(), cs)
	if err != nil {
		t.Fatalf("the download is not a readable workbook: %v", err)
	}
	return tab.Rows
}

// TestListExports: the public catalogue, a person's timetable and an institution's terminals
// download as Excel with what the page lists, on both engines.
func TestListExports(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			te := newTrainEnv(t, db)
			c := te.w.ApprovedClass(t, 10, 3)
			err := db.Tx(context.Background(), te.w.Admin, func(tx *store.Tx) error {
				if _, err := tx.AddTrainee(xiangpei.Scope{All: true}, c.ID, te.person.ID, xiangpei.SourceManual); err != nil {
					return err
				}
				_, _, err := tx.RegisterTerminal(xiangpei.Scope{OrgID: te.w.Inst.ID}, te.w.Venue.ID, "一楼大厅考勤机")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			check := func(b *browser, path, col, want string, n int) {
				t.Helper()
				status, body, h := b.get(path)
				if status != http.StatusOK || h.Get("Content-Type") != sheet.ContentType {
					t.Fatalf("%s: %d %s", path, status, h.Get("Content-Type"))
				}
				rows := readXLSX(t, body, col)
				if len(rows) != n || !strings.Contains(rows[0].Values[col], want) {
					t.Fatalf("%s: %d rows %+v, want %d with %q", path, len(rows), rows, n, want)
				}
			}
			check(te.browser(), "/courses?format=xlsx", "班级名称", c.Name, 1)
			person := te.browser()
			person.signIn(te.trainee, testPassword)
			check(person, "/me/timetable?format=xlsx", "班级名称", c.Name, 3)
			staff := te.browser()
			staff.signIn(te.inst, testPassword)
			check(staff, "/terminals?format=xlsx", "名称", "一楼大厅考勤机", 1)
			// Another institution's list does not hold it.
			other := te.browser()
			other.signIn(te.other, testPassword)
			if status, body, _ := other.get("/terminals?format=xlsx"); status != http.StatusOK || len(readXLSX(t, body, "名称")) != 0 {
				t.Fatalf("another institution's terminal export: %d", status)
			}
		})
	}
}

// TestUploadLimit: a file upload may be larger than an ordinary request body (the importers
// check their own limits), while an ordinary body of the same size is still refused.
func TestUploadLimit(t *testing.T) {
	db := storetest.SQLite(t)
	te := newTrainEnv(t, db)
	c := te.w.ApprovedClass(t, 10, 3)
	var csv strings.Builder
	csv.WriteString("身份证号,姓名,手机号,备注\n")
	for i := 0; csv.Len() < 100<<10; i++ { // 100 KiB: above the test server's 64 KiB body limit
		fmt.Fprintf(&csv, "%s,学员%d,139%08d,%s\n", validID(fmt.Sprintf("430211199001%02d%03d", 1+i%28, i%1000)), i, i, strings.Repeat("备", 30))
		if i > 900 {
			break
		}
	}
	body, ctype := multipartFile(t, "名册.csv", []byte(csv.String()), nil)
	token := te.token(te.inst.ID)
	st, raw, _ := te.requestWith(token, http.MethodPost, fmt.Sprintf("/api/v1/classes/%d/roster/import", c.ID), body.Bytes(),
		http.Header{"Content-Type": {ctype}})
	if st != http.StatusOK {
		t.Fatalf("a 100 KiB roster upload: %d %s", st, raw[:min(len(raw), 300)])
	}
	st, _, _ = te.request(token, http.MethodPost, fmt.Sprintf("/api/v1/classes/%d/roster", c.ID), map[string]string{"name": strings.Repeat("长", 40<<10)})
	if st != http.StatusRequestEntityTooLarge {
		t.Fatalf("a 120 KiB JSON body: %d, want 413", st)
	}
}
