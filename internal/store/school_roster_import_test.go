package store_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

func srID(id17 string) string { return id17 + string(xiangpei.IDCheckDigit(id17)) }

// srWorld: two schools (工业 in 天元区, 交通 in 荷塘区) with staff; 工业 has 0401 (offered)
// and 0302 (closed); 交通 has 0601. 张伟 is registered, 李娜 registered and studying at 交通.
type srWorld struct {
	db              *store.DB
	schools         [2]xiangpei.Organisation
	staff           [2]xiangpei.Actor
	elec, cnc, cars xiangpei.Major
	zhang, li       xiangpei.Person
}

func newSchoolRosterWorld(t *testing.T, db *store.DB) *srWorld {
	t.Helper()
	w := storetest.NewTraining(t, db)
	x := &srWorld{db: db}
	_, err := crDo(t, db, w.Admin, func(tx *store.Tx) (int, error) {
		for i, county := range []string{"430211", "430202"} {
			c17 := fmt.Sprintf("12%sMB77%05d", county, i)
			o, err := tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgSchool, Name: []string{"株洲市工业技工学校", "株洲市交通技工学校"}[i],
				County: county, CreditCode: xiangpei.CreditCode(c17 + string(xiangpei.CreditCheckChar(c17)))})
			if err != nil {
				return 0, err
			}
			x.schools[i] = o
			x.staff[i] = xiangpei.Actor{AccountID: int64(970 + i), Name: "staff", Role: xiangpei.RoleSchool, OrgID: o.ID}
		}
		var err error
		for _, p := range []struct {
			id17, name string
			to         *xiangpei.Person
		}{{"43021120080305201", "张伟", &x.zhang}, {"43020220070912402", "李娜", &x.li}} {
			if *p.to, err = tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(srID(p.id17)), Name: p.name, Phone: "13807330" + p.id17[14:],
				Household: xiangpei.HouseholdRural, County: p.id17[:6]}); err != nil {
				return 0, err
			}
		}
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	save := func(a xiangpei.Actor, m xiangpei.Major) xiangpei.Major {
		m, err := crDo(t, db, a, func(tx *store.Tx) (xiangpei.Major, error) { return tx.SaveMajor(a.Scope(), m, 0) })
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	x.elec = save(x.staff[0], xiangpei.Major{Code: "0401", Name: "电气自动化设备安装与维修", Years: 3, Level: xiangpei.MajorIntermediate, Occupation: "6-31-01-03"})
	x.cnc = save(x.staff[0], xiangpei.Major{Code: "0302", Name: "数控加工", Years: 5, Level: xiangpei.MajorAdvanced, Occupation: "6-18-01-01"})
	x.cars = save(x.staff[1], xiangpei.Major{Code: "0601", Name: "汽车维修", Years: 5, Level: xiangpei.MajorAdvanced, Occupation: "4-12-01-01"})
	closed := x.cnc
	closed.Active = false
	if _, err := crDo(t, db, x.staff[0], func(tx *store.Tx) (xiangpei.Major, error) {
		return tx.SaveMajor(x.staff[0].Scope(), closed, x.cnc.Version)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := crDo(t, db, w.Admin, func(tx *store.Tx) (xiangpei.Student, error) {
		return tx.EnrolStudent(store.StudentInput{PersonID: x.li.ID, SchoolID: x.schools[1].ID, MajorID: x.cars.ID, EntryYear: 2025,
			EnrolledOn: w.Now().AddDate(-1, -2, 0)})
	}); err != nil {
		t.Fatal(err)
	}
	return x
}

// check runs a dry run (keeping the upload) as actor a.
func (x *srWorld) check(t *testing.T, a xiangpei.Actor, data string, lines []store.SchoolRosterLine) (store.SchoolRosterCheck, store.Upload, error) {
	t.Helper()
	type out struct {
		rc store.SchoolRosterCheck
		u  store.Upload
	}
	o, err := crDo(t, x.db, a, func(tx *store.Tx) (out, error) {
		u, err := tx.SaveUpload(store.Upload{Purpose: store.UploadSchoolRoster, OrgID: a.OrgID, Name: "名册.csv", Data: []byte(data)})
		if err != nil {
			return out{}, err
		}
		rc, err := tx.CheckSchoolRoster(a.Scope(), u.SHA256, lines)
		if err != nil {
			return out{}, err
		}
		return out{rc, u}, tx.RecordSchoolRosterCheck(u, rc)
	})
	return o.rc, o.u, err
}

func (x *srWorld) commit(t *testing.T, a xiangpei.Actor, upload int64, lines []store.SchoolRosterLine) (store.SchoolRosterImported, error) {
	return crDo(t, x.db, a, func(tx *store.Tx) (store.SchoolRosterImported, error) {
		return tx.CommitSchoolRoster(a.Scope(), upload, lines)
	})
}

func (x *srWorld) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	got, err := x.db.QueryStrings(context.Background(), strings.Replace(query, "SELECT COUNT(*)", "SELECT CAST(COUNT(*) AS TEXT)", 1), args...)
	if err != nil || len(got) != 1 {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(got[0])
	return n
}

// TestSchoolRosterImport: the dry run names every bad row by its line (bad ID, name mismatch,
// unknown or closed major, already studying, duplicate, date outside the entry year, a cut ID
// number) and writes nothing; a file with a bad row commits nothing; a good file enrols every
// row, registering the persons not yet registered; the same file is refused a second time;
// another school cannot commit the upload; only school staff import.
func TestSchoolRosterImport(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newSchoolRosterWorld(t, db)
			a := x.staff[0]
			newID := srID("43022420090101301") // 王小明, not registered
			badID := srID("43022420090101311")
			badID = badID[:17] + map[bool]string{true: "1", false: "0"}[badID[17] == '0'] // a wrong check character
			zhang := string(x.zhang.IDNumber)
			lines := []store.SchoolRosterLine{
				{Line: 2, IDNumber: zhang, Name: "张伟", MajorCode: "0401", EntryYear: "2026", EnrolledOn: "2026-09-01"},
				{Line: 3, IDNumber: newID, Name: "王小明", MajorCode: "0401", EntryYear: "2026年", EnrolledOn: "2026/9/1", Phone: "13907339999"},
				{Line: 4, IDNumber: badID, Name: "赵六", MajorCode: "0401", EntryYear: "2026", EnrolledOn: "2026-09-01"},
				{Line: 5, IDNumber: zhang, Name: "张伟", MajorCode: "0401", EntryYear: "2026", EnrolledOn: "2026-09-01"},
				{Line: 6, IDNumber: zhang, Name: "张威", MajorCode: "0401", EntryYear: "2026", EnrolledOn: "2026-09-01"},
				{Line: 7, IDNumber: srID("43022420090101400"), Name: "钱七", MajorCode: "9999", EntryYear: "2026", EnrolledOn: "2026-09-01"},
				{Line: 8, IDNumber: string(x.li.IDNumber), Name: "李娜", MajorCode: "0401", EntryYear: "2026", EnrolledOn: "2026-09-01"},
				{Line: 9, IDNumber: srID("43022420090101500"), Name: "孙八", MajorCode: "0302", EntryYear: "2026", EnrolledOn: "2026-09-01"},
				{Line: 10, IDNumber: srID("43022420090101600"), Name: "周九", MajorCode: "0401", EntryYear: "2026", EnrolledOn: "2025-09-01"},
				{Line: 11, IDNumber: "430224200901016000", Name: "吴十", MajorCode: "0401", EntryYear: "2026", EnrolledOn: "2026-09-01", Lossy: true},
				{Line: 12, IDNumber: srID("43022420090101700"), Name: "郑十一", MajorCode: "0401", EntryYear: "2027", EnrolledOn: "2027-09-01"},
			}
			want := map[int]string{4: "school_roster.bad_id", 5: "school_roster.duplicate", 6: "school_roster.name_mismatch",
				7: "school_roster.major_unknown", 8: "school_roster.studying", 9: "school_roster.major_closed", 10: "school_roster.date_year",
				11: "roster.id_lossy", 12: "school_roster.year_future"}
			persons := x.count(t, `SELECT COUNT(*) FROM persons`)
			rc, u, err := x.check(t, a, "bad file", lines)
			if err != nil {
				t.Fatal(err)
			}
			if rc.Good != 2 || rc.Refused != len(want) || rc.NewPersons != 1 {
				t.Fatalf("check: good %d refused %d new %d", rc.Good, rc.Refused, rc.NewPersons)
			}
			for _, l := range rc.Lines {
				key, found := want[l.Line], false
				for _, r := range l.Reasons {
					found = found || r.Key == key
				}
				if key == "" && len(l.Reasons) > 0 || key != "" && !found {
					t.Errorf("line %d: reasons %v, want %q", l.Line, l.Reasons, key)
				}
			}
			for _, r := range rc.Lines[4].Reasons {
				if strings.Contains(r.Text, "张伟") {
					t.Errorf("the name mismatch must not reveal the registered name: %+v", r)
				}
			}
			// A file with bad rows: nothing is written.
			_, err = x.commit(t, a, u.ID, lines)
			wantKind(t, "a commit with bad rows", err, xiangpei.Invalid, "school_roster.has_bad_rows")
			if n := x.count(t, `SELECT COUNT(*) FROM students WHERE school_id = $1`, x.schools[0].ID); n != 0 {
				t.Fatalf("%d students written by a refused file", n)
			}
			if n := x.count(t, `SELECT COUNT(*) FROM persons`); n != persons {
				t.Fatalf("persons %d → %d after a refused file", persons, n)
			}

			// The good rows alone.
			good := lines[:2]
			_, u2, err := x.check(t, a, "good file", good)
			if err != nil {
				t.Fatal(err)
			}
			_, err = x.commit(t, x.staff[1], u2.ID, good)
			wantKind(t, "another school's staff commits the upload", err, xiangpei.NotFound, "")
			res, err := x.commit(t, a, u2.ID, good)
			if err != nil || res.Enrolled != 2 || res.NewPersons != 1 || len(res.Students) != 2 {
				t.Fatalf("commit: %+v %v", res, err)
			}
			list, total, err := db.Students(context.Background(), a.Scope(), store.StudentFilter{}, store.Page{})
			if err != nil || total != 2 {
				t.Fatalf("students: %v %d", err, total)
			}
			for _, s := range list {
				if s.EntryYear != 2026 || xiangpei.ChinaDate(s.EnrolledOn) != "2026-09-01" || s.MajorID != x.elec.ID || !xiangpei.ValidStudentNumber(s.Number) {
					t.Errorf("student %+v", s)
				}
			}
			p, err := db.PersonByIDNumber(context.Background(), xiangpei.Scope{All: true}, xiangpei.IDNumber(newID))
			if err != nil || p.Name != "王小明" || p.BirthDate != "2009-01-01" || p.Sex != xiangpei.IDNumber(newID).Sex() || p.Phone != "13907339999" || p.County != "430211" {
				t.Fatalf("the new person: %+v %v", p, err)
			}
			// Again: the same upload, and the same file uploaded anew.
			_, err = x.commit(t, a, u2.ID, good)
			wantKind(t, "the same upload twice", err, xiangpei.Conflict, "upload.committed")
			_, _, err = x.check(t, a, "good file", good)
			wantKind(t, "the same file again", err, xiangpei.Conflict, "school_roster.same_file")
			if n := x.count(t, `SELECT COUNT(*) FROM students WHERE school_id = $1`, x.schools[0].ID); n != 2 {
				t.Fatalf("%d students after the repeats", n)
			}

			// Who may import.
			for _, who := range []xiangpei.Actor{{AccountID: 980, Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.OfficerDuties},
				{AccountID: 981, Role: xiangpei.RoleInstitution, OrgID: x.zhang.ID}} {
				_, _, err := x.check(t, who, "x", good)
				if !xiangpei.IsKind(err, xiangpei.Forbidden) {
					t.Errorf("%s imports a school roster: %v", who.Role, err)
				}
			}
			_, _, err = x.check(t, a, "empty", nil)
			wantKind(t, "an empty file", err, xiangpei.Invalid, "school_roster.empty")
		})
	}
}

// TestSchoolRosterImportRace: two uploads of the same file committed at the same moment — the
// file is imported exactly once.
func TestSchoolRosterImportRace(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newSchoolRosterWorld(t, db)
			a := x.staff[0]
			var lines []store.SchoolRosterLine
			for i := range 5 {
				lines = append(lines, store.SchoolRosterLine{Line: i + 2, IDNumber: srID(fmt.Sprintf("430203200902%02d30%d", i+1, i)),
					Name: "学生" + string(rune('甲'+i)), MajorCode: "0401", EntryYear: "2026", EnrolledOn: "2026-09-01"})
			}
			var uploads [2]int64
			for i := range uploads {
				rc, u, err := x.check(t, a, "same", lines)
				if err != nil || rc.Good != 5 {
					t.Fatalf("check %d: %v %+v", i, err, rc)
				}
				uploads[i] = u.ID
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i := range uploads {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = x.commit(t, a, uploads[i], lines)
				}()
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				if err == nil {
					ok++
				} else if !xiangpei.IsKind(err, xiangpei.Conflict) {
					t.Errorf("the losing commit: %v", err)
				}
			}
			if ok != 1 {
				t.Fatalf("%d commits succeeded: %v", ok, errs)
			}
			if n := x.count(t, `SELECT COUNT(*) FROM students WHERE school_id = $1`, x.schools[0].ID); n != 5 {
				t.Fatalf("%d students", n)
			}
			if n := x.count(t, `SELECT COUNT(*) FROM school_roster_imports WHERE school_id = $1`, x.schools[0].ID); n != 1 {
				t.Fatalf("%d imports", n)
			}
		})
	}
}
