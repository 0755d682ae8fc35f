package web

import (
	"bytes"
	"context"
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
