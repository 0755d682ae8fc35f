package seed_test

import (
	"context"
	"testing"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestDemoSchools: the demo has two technical schools with their majors and students of three
// entry years; each school's staff sees only its own students; the 2023 cohort of 0401 at
// 株洲市工业技工学校 is there for the registry's demo to graduate; every student has a valid
// number and ID number.
func TestDemoSchools(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Demo(ctx, db); err != nil {
				t.Fatal(err)
			}
			scopes := map[string]xiangpei.Scope{}
			schools := map[string]int64{}
			for _, login := range []string{"school_staff", "school2_staff"} {
				a, err := db.AccountByLogin(ctx, login)
				if err != nil || a.OrgID == 0 || a.Role != xiangpei.RoleSchool {
					t.Fatalf("%s: %v %+v", login, err, a)
				}
				scopes[login], schools[login] = a.Actor().Scope(), a.OrgID
			}
			if schools["school_staff"] == schools["school2_staff"] {
				t.Fatal("both accounts belong to one school")
			}
			o, err := db.Org(ctx, xiangpei.Scope{All: true}, schools["school2_staff"])
			if err != nil || o.Name != seed.DemoSchool2 || o.County != "430202" || o.Kind != xiangpei.OrgSchool {
				t.Fatalf("second school: %v %+v", err, o)
			}
			if _, ok, err := xiangpei.ParseCreditCode(string(o.CreditCode)); err != nil || !ok {
				t.Fatalf("second school's credit code %s: %v %v", o.CreditCode, ok, err)
			}
			codes := map[string][]string{}
			for login, id := range schools {
				ms, err := db.Majors(ctx, id, true)
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range ms {
					codes[login] = append(codes[login], m.Code)
				}
			}
			if got := codes["school_staff"]; len(got) != 4 || got[0] != "0302" || got[3] != "1201" {
				t.Fatalf("majors of the first school: %v", got)
			}
			if got := codes["school2_staff"]; len(got) != 3 || got[0] != "0601" || got[2] != "0901" {
				t.Fatalf("majors of the second school: %v", got)
			}

			// Later demo functions admit, suspend, transfer and graduate: the records of demoSchools
			// are those of the 2023–2025 entry years that were not transferred in.
			list, _, err := db.Students(ctx, xiangpei.Scope{All: true}, store.StudentFilter{}, store.Page{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			var all []store.StudentRow
			for _, s := range list {
				if s.EntryYear >= 2023 && s.EntryYear <= 2025 && s.TransferredFrom == 0 {
					all = append(all, s)
				}
			}
			total := len(all)
			if total != seed.DemoSchoolStudents {
				t.Fatalf("students of 2023–2025: %d", total)
			}
			years, people, numbers := map[int]int{}, map[int64]bool{}, map[string]bool{}
			for _, s := range all {
				years[s.EntryYear]++
				if !s.Status.Valid() || !xiangpei.ValidStudentNumber(s.Number) || numbers[s.Number] || people[s.PersonID] {
					t.Fatalf("student %+v", s)
				}
				if _, err := xiangpei.ParseIDNumber(string(s.IDNumber), db.Now()); err != nil {
					t.Fatalf("student %s: %v", s.PersonName, err)
				}
				numbers[s.Number], people[s.PersonID] = true, true
			}
			if len(years) != 3 || years[2023] == 0 || years[2024] == 0 || years[2025] == 0 {
				t.Fatalf("entry years: %v", years)
			}
			for login, sc := range scopes {
				list, n, err := db.Students(ctx, sc, store.StudentFilter{}, store.Page{Limit: 500})
				if err != nil || n == 0 {
					t.Fatalf("%s: %v %d", login, err, n)
				}
				for _, s := range list {
					if s.SchoolID != schools[login] && s.TransferredFrom == 0 {
						t.Fatalf("%s sees a student of another school: %+v", login, s)
					}
				}
				if mine := len(filter(all, schools[login])); mine == 0 || mine > n {
					t.Fatalf("%s sees %d records, %d of them the demo's", login, n, mine)
				}
			}
			var m0401 int64
			ms, _ := db.Majors(ctx, schools["school_staff"], false)
			for _, m := range ms {
				if m.Code == "0401" {
					m0401 = m.ID
				}
			}
			_, n, err := db.Students(ctx, scopes["school_staff"], store.StudentFilter{MajorID: m0401, EntryYear: 2023}, store.Page{})
			if err != nil || n != seed.DemoGraduatingCohort {
				t.Fatalf("the 2023 cohort of 0401: %v %d", err, n)
			}
			// The city officer reads both schools; 荷塘区's officer only the second.
			zz, _ := db.AccountByLogin(ctx, "zz_officer")
			if _, n, err := db.Students(ctx, zz.Actor().Scope(), store.StudentFilter{}, store.Page{}); err != nil || n != len(list) {
				t.Fatalf("zz_officer: %v %d of %d", err, n, len(list))
			}
			ht, _ := db.AccountByLogin(ctx, "ht_officer")
			seen, _, err := db.Students(ctx, ht.Actor().Scope(), store.StudentFilter{}, store.Page{Limit: 500})
			if err != nil || len(seen) < len(filter(all, schools["school2_staff"])) {
				t.Fatalf("ht_officer: %v %d", err, len(seen))
			}
			for _, s := range seen {
				if s.SchoolID != schools["school2_staff"] {
					t.Fatalf("ht_officer sees %+v", s)
				}
			}
		})
	}
}

func filter(list []store.StudentRow, school int64) []store.StudentRow {
	var out []store.StudentRow
	for _, s := range list {
		if s.SchoolID == school {
			out = append(out, s)
		}
	}
	return out
}
