package store_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// historyAdmin is the system administrator who imports.
var historyAdmin = xiangpei.Actor{AccountID: 7, Name: "sysadmin", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}

// historyFixture reads the fixture file set of testdata/history.
func historyFixture(t *testing.T) map[string][]byte {
	t.Helper()
	dir := filepath.Join("testdata", "history")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// historyClock sets the database's clock to 10 December 2026 in China, after the fixture's past.
func historyClock(db *store.DB) {
	c := &storetest.Clock{}
	c.Set(time.Date(2026, 12, 10, 10, 0, 0, 0, xiangpei.ChinaTime))
	db.SetClock(c.Now)
}

// historyTables are the tables an import writes, counted to show that a refused import writes nothing.
var historyTables = []string{"organisations", "org_scopes", "sanctions", "persons", "person_sanctions", "venues", "teachers", "classes", "class_sessions",
	"class_teachers", "trainees", "attendance_events", "attendance_hours", "certificates", "insurance_records", "prior_subsidies", "external_refs"}

func tableCounts(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range historyTables {
		var n int
		if err := db.HistoryQueryRow(context.Background(), `SELECT COUNT(*) FROM `+tb).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[tb] = n
	}
	return out
}

func refOf(t *testing.T, db *store.DB, kind, ext string) int64 {
	t.Helper()
	var id int64
	if err := db.HistoryQueryRow(context.Background(), `SELECT internal_id FROM external_refs WHERE source = 'legacy' AND kind = $1 AND ext_id = $2`,
		kind, ext).Scan(&id); err != nil {
		t.Fatalf("external ref %s %s: %v", kind, ext, err)
	}
	return id
}

func fileCount(r store.HistoryReport, name string) store.HistoryFileCount {
	for _, f := range r.Files {
		if f.File == name {
			return f
		}
	}
	return store.HistoryFileCount{}
}

// TestHistoryImport: the fixture checks clean, commits, and its closed class is claimed and
// submitted like a native one; blacklists, external references and derived hours are there;
// the same file set is refused a second time.
func TestHistoryImport(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			historyClock(db)
			files := historyFixture(t)
			before := tableCounts(t, db)
			h, err := store.Do(ctx, db, historyAdmin, func(tx *store.Tx) (store.HistoryImport, error) {
				return tx.CheckHistoryUpload("", files)
			})
			if err != nil {
				t.Fatal(err)
			}
			if !h.Report.Clean || len(h.Report.Problems) != 0 {
				t.Fatalf("fixture not clean: %+v", h.Report.Problems)
			}
			want := map[string][2]int{"organisations.csv": {3, 3}, "persons.csv": {20, 20}, "classes.csv": {2, 2}, "sessions.csv": {12, 12},
				"rosters.csv": {18, 18}, "attendance.csv": {252, 252}, "certificates.csv": {18, 18}, "insurance.csv": {2, 2}, "subsidies.csv": {3, 3}}
			for name, rc := range want {
				if c := fileCount(h.Report, name); c.Read != rc[0] || c.Create != rc[1] || c.Bad != 0 {
					t.Errorf("%s: %+v, want read %d create %d", name, c, rc[0], rc[1])
				}
			}
			if after := tableCounts(t, db); !mapsEqual(before, after) {
				t.Fatalf("the dry run wrote records: %v → %v", before, after)
			}

			rep, err := store.Do(ctx, db, historyAdmin, func(tx *store.Tx) (store.HistoryReport, error) { return tx.CommitHistory(h.UploadID) })
			if err != nil {
				t.Fatal(err)
			}
			after := tableCounts(t, db)
			for tb, n := range map[string]int{"organisations": 3, "org_scopes": 3, "sanctions": 1, "persons": 20, "person_sanctions": 1, "classes": 2, "class_sessions": 12,
				"teachers": 2, "trainees": 18, "attendance_events": 252, "attendance_hours": 14*8 + 2 + 3*4, "certificates": 18, "insurance_records": 2,
				"prior_subsidies": 3, "external_refs": 3 + 20 + 2 + 12 + 18 + 252 + 18 + 2 + 3} {
				if after[tb]-before[tb] != n || rep.Written[tb] != n {
					t.Errorf("%s: %d written (report %d), want %d", tb, after[tb]-before[tb], rep.Written[tb], n)
				}
			}

			// original ids kept; blacklists where they belong; the certificate keeps its number
			p1 := refOf(t, db, "person", "P-01")
			var idn, name string
			if err := db.HistoryQueryRow(ctx, `SELECT id_number, name FROM persons WHERE id = $1`, p1).Scan(&idn, &name); err != nil || idn != "430211198001101011" || name != "王建国" {
				t.Errorf("P-01 is %s %s (%v)", idn, name, err)
			}
			var reason string
			if err := db.HistoryQueryRow(ctx, `SELECT reason FROM sanctions WHERE org_id = $1 AND kind = 'blacklist'`, refOf(t, db, "organisation", "ORG-2")).Scan(&reason); err != nil || !strings.Contains(reason, "套取") {
				t.Errorf("organisation blacklist: %q %v", reason, err)
			}
			var since string
			if err := db.HistoryQueryRow(ctx, `SELECT starts_on FROM person_sanctions WHERE person_id = $1`, refOf(t, db, "person", "P-20")).Scan(&since); err != nil || since != "2025-03-01" {
				t.Errorf("person blacklist: %q %v", since, err)
			}
			var src, status string
			var sourceID int64
			cert := refOf(t, db, "certificate", "CERT-99")
			if err := db.HistoryQueryRow(ctx, `SELECT source, source_id, status FROM certificates WHERE number = 'HN2019-Z0099'`).Scan(&src, &sourceID, &status); err != nil ||
				src != "history" || sourceID != cert || status != "revoked" {
				t.Errorf("certificate: %s %d %s %v", src, sourceID, status, err)
			}
			var device string
			var terminal bool
			if err := db.HistoryQueryRow(ctx, `SELECT device, terminal FROM attendance_events WHERE id = $1`, refOf(t, db, "attendance", "E00225")).Scan(&device, &terminal); err != nil ||
				device != "PHONE-8a7f" || terminal {
				t.Errorf("phone check-in: %q %v %v", device, terminal, err)
			}

			// the imported closed class is claimed and submitted like a native one
			classID, orgID := refOf(t, db, "class", "CLS-1"), refOf(t, db, "organisation", "ORG-1")
			inst := xiangpei.Actor{AccountID: 8, Name: "inst", Role: xiangpei.RoleInstitution, OrgID: orgID}
			k, err := store.Do(ctx, db, inst, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.CreateClassClaim(inst.Scope(), classID) })
			if err != nil {
				t.Fatal(err)
			}
			if k.Lines != 14 || k.PayableLines != 14 {
				t.Errorf("claim of the imported class: %d lines, %d payable", k.Lines, k.PayableLines)
			}
			k, err = store.Do(ctx, db, inst, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.SubmitClaim(inst.Scope(), k.ID, k.Version) })
			if err != nil || k.Status == xiangpei.ClaimDraft {
				t.Fatalf("submit: %v %s", err, k.Status)
			}
			lines, _, err := db.ClaimLines(ctx, inst.Scope(), k.ID, store.Page{})
			if err != nil || len(lines) != 14 || lines[0].Audit == xiangpei.AuditNotRun {
				t.Errorf("audit of the submitted claim: %v %d lines", err, len(lines))
			}
			// the imported approved scope covers the class: the audit finds nothing outside it
			fs, err := db.LineFindings(ctx, inst.Scope(), k.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f.Code == xiangpei.CheckOutsideScope {
					t.Errorf("line %d of the imported class is outside the imported scope", f.LineID)
				}
			}

			// the same file set again: a second commit of the upload, and a new upload of it
			_, err = store.Do(ctx, db, historyAdmin, func(tx *store.Tx) (store.HistoryReport, error) { return tx.CommitHistory(h.UploadID) })
			wantKind(t, "second commit", err, xiangpei.Conflict, "")
			again, err := store.Do(ctx, db, historyAdmin, func(tx *store.Tx) (store.HistoryImport, error) { return tx.CheckHistoryUpload("legacy", files) })
			if err != nil || again.Report.Clean || fileCount(again.Report, "persons.csv").Match != 20 {
				t.Errorf("check of the same set again: %v %+v", err, again.Report)
			}
			_, err = store.Do(ctx, db, historyAdmin, func(tx *store.Tx) (store.HistoryReport, error) { return tx.CommitHistory(again.UploadID) })
			wantKind(t, "same set committed again", err, xiangpei.Conflict, "history.committed")
			if n := tableCounts(t, db); !mapsEqual(n, after) {
				t.Errorf("a refused commit wrote: %v", n)
			}
			got, err := db.HistoryImportByID(ctx, h.UploadID)
			if err != nil || got.CommittedAt.IsZero() || got.Report.Written["persons"] != 20 {
				t.Errorf("kept report: %v %+v", err, got)
			}
		})
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestHistoryImportRefusals: a broken copy of the fixture reports every bad row with its file
// and line, and neither commit path writes anything.
func TestHistoryImportRefusals(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			historyClock(db)
			files := historyFixture(t)
			edit := func(name, old, new string) {
				s := string(files[name])
				if !strings.Contains(s, old) {
					t.Fatalf("%s has no %q", name, old)
				}
				files[name] = []byte(strings.Replace(s, old, new, 1))
			}
			edit("persons.csv", "430211198203121053", "430211198203121054")                                                      // line 4: check digit
			edit("rosters.csv", "R1-05,CLS-1", "R1-05,CLS-9")                                                                    // line 6: unknown class
			edit("classes.csv", "CLS-2,ORG-2", "CLS-1,ORG-2")                                                                    // line 3: duplicate ext_id
			edit("sessions.csv", "S1-3,CLS-1,2026-05-13 09:00,2026-05-13 12:00", "S1-3,CLS-1,2026-05-13 09:00,2026-05-13 08:00") // line 4
			edit("organisations.csv", "6-18-02-04:五级", "6-18-02-04:五级;9-99-99-99:5")                                             // line 3: scope occupation
			edit("organisations.csv", "黄河南路1号,,", "黄河南路1号,4-10-01-05:5,")                                                        // line 4: an assessor has no scope
			edit("subsidies.csv", "1500.50", "1500.505")                                                                         // line 4: amount
			edit("certificates.csv", "CERT-99,HN2019-Z0099,,P-19,4-10-01-05", "CERT-99,HN2019-Z0099,,P-19,9-99-99-99")           // line 19: occupation
			want := map[string][]string{
				"organisations.csv": {"3 scope.unknown_occupation", "4 history.scope_kind"},
				"persons.csv":       {"4 id."},
				"rosters.csv":       {"6 history.unknown_class"},
				"classes.csv":       {"3 history.duplicate_ext"},
				"sessions.csv":      {"4 history.session_times"},
				"subsidies.csv":     {"4 history.amount"},
				"certificates.csv":  {"19 scope.unknown_occupation"},
			}
			before := tableCounts(t, db)
			h, err := store.Do(ctx, db, historyAdmin, func(tx *store.Tx) (store.HistoryImport, error) { return tx.CheckHistoryUpload("legacy", files) })
			if err != nil {
				t.Fatal(err)
			}
			if h.Report.Clean {
				t.Fatal("a broken file set checked clean")
			}
			for file, wants := range want {
				for _, w := range wants {
					line, key, _ := strings.Cut(w, " ")
					found := slices.ContainsFunc(h.Report.Problems, func(p store.HistoryProblem) bool {
						return p.File == file && strconv.Itoa(p.Line) == line && strings.HasPrefix(p.Key, key) && p.Text != ""
					})
					if !found {
						t.Errorf("%s line %s %s not reported: %+v", file, line, key, h.Report.Problems)
					}
				}
			}
			// rows that refer to a bad row are reported too: the persons' P-03 on the roster
			if !slices.ContainsFunc(h.Report.Problems, func(p store.HistoryProblem) bool { return p.File == "rosters.csv" && p.Key == "history.bad_ref" }) {
				t.Errorf("a reference to a bad row was not reported: %+v", h.Report.Problems)
			}
			_, err = store.Do(ctx, db, historyAdmin, func(tx *store.Tx) (store.HistoryReport, error) { return tx.CommitHistory(h.UploadID) })
			wantKind(t, "commit of a broken set", err, xiangpei.Invalid, "history.not_clean")
			_, err = store.Do(ctx, db, historyAdmin, func(tx *store.Tx) (store.HistoryReport, error) { return tx.ImportHistory("legacy", files) })
			wantKind(t, "import of a broken set", err, xiangpei.Invalid, "history.not_clean")
			if after := tableCounts(t, db); !mapsEqual(before, after) {
				t.Errorf("a refused import wrote: %v → %v", before, after)
			}
			if got, err := db.HistoryImportByID(ctx, h.UploadID); err != nil || !got.CommittedAt.IsZero() {
				t.Errorf("the refused upload: %v %+v", err, got.CommittedAt)
			}
		})
	}
}

// TestHistoryPriorSubsidies: a subsidy the previous system paid counts like one paid here —
// a native claim line of the same occupation and level fails with the earlier subsidy in its
// trace, and enrolment in a subsidised class of the same occupation and level is refused.
func TestHistoryPriorSubsidies(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			x := newClaimWorld(t, db)
			w := x.w
			p0, p1 := x.persons[0], x.persons[1]
			newcomer := adults(t, db, w.Admin, 60, 1)[0]
			// the line of p0 is payable before
			_, _, lines, err := db.ClassClaimPreview(ctx, w.InstA.Scope(), x.c.ID)
			if err != nil || !lineOf(t, lines, p0.ID).Payable {
				t.Fatalf("before: %v", err)
			}
			// the world's test names carry digits, which no name on an ID card does: give them real ones
			for i, p := range []*xiangpei.Person{&p0, &newcomer, &p1} {
				p.Name = []string{"刘春兰", "蒋卫东", "谭晓燕"}[i]
				if err := db.Exec(ctx, `UPDATE persons SET name = $2 WHERE id = $1`, p.ID, p.Name); err != nil {
					t.Fatal(err)
				}
			}
			files := map[string][]byte{
				"persons.csv": []byte("ext_id,id_number,name,county\nA1," + string(p0.IDNumber) + "," + p0.Name + ",430211\nA2," +
					string(newcomer.IDNumber) + "," + newcomer.Name + ",430211\nA3," + string(p1.IDNumber) + "," + p1.Name + ",430211\n"),
				"subsidies.csv": []byte("ext_id,person_ext_id,occupation_code,level,year,paid_on,amount\nS1,A1,4-10-01-05,4,2025,2025-06-30,1500\nS2,A2,4-10-01-05,5,2024,2024-06-30,1000\n" +
					"S3,A3,6-18-02-04,5,2026,2026-03-01,1000\nS4,A3,6-18-02-04,4,2026,2026-05-01,1500\nS5,A3,6-18-02-04,3,2026,2026-08-01,2000\n"),
			}
			rep, err := store.Do(ctx, db, historyAdmin, func(tx *store.Tx) (store.HistoryReport, error) { return tx.ImportHistory("old-zz", files) })
			if err != nil {
				t.Fatalf("import: %v %+v", err, rep.Problems)
			}
			if c := fileCount(rep, "persons.csv"); c.Match != 3 || c.Create != 0 || len(rep.Notes) != 3 {
				t.Errorf("registered persons are reused and said so: %+v %+v", c, rep.Notes)
			}
			_, _, lines, err = db.ClassClaimPreview(ctx, w.InstA.Scope(), x.c.ID)
			if err != nil {
				t.Fatal(err)
			}
			l := lineOf(t, lines, p0.ID)
			failed := slices.ContainsFunc(l.Trace, func(s xiangpei.TraceStep) bool {
				return s.Key == "trace.earlier" && !s.Pass && strings.Contains(s.Text, "2025")
			})
			if l.Payable || !failed {
				t.Errorf("a prior subsidy at a higher level did not fail the line: %+v", l.Trace)
			}
			// three subsidies paid in the class's year: the yearly count fails p1's line
			l1 := lineOf(t, lines, p1.ID)
			if l1.Payable || !slices.ContainsFunc(l1.Trace, func(s xiangpei.TraceStep) bool { return s.Key == "trace.yearly" && !s.Pass }) {
				t.Errorf("three prior subsidies this year did not fail the yearly count: %+v", l1.Trace)
			}
			open := w.ApprovedClass(t, 10, 3)
			_, err = store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Trainee, error) {
				return tx.AddTrainee(w.InstA.Scope(), open.ID, newcomer.ID, xiangpei.SourceManual)
			})
			if !slices.ContainsFunc(xiangpei.Reasons(err), func(e *xiangpei.Error) bool { return e.Key == "roster.same_level" }) {
				t.Errorf("enrolment after a prior subsidy: %v", err)
			}
		})
	}
}
