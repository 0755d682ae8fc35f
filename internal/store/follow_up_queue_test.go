package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/gen"
)

// TestFollowUpQueueAgreesWithCompletions: the lean queue (FollowUps) lists exactly what the
// plain computation lists — every completion the rates read (completions()), expanded into its
// 3- and 6-month follow-ups, those due in the window and not recorded, with the employment
// known from the persons' verified records — on a city-year of 1,200 completers read in
// January 2027, after outcomes were recorded for every seventh follow-up and jobs entered for
// every ninth person; for the city, a county and an institution, page by page, on both engines.
func TestFollowUpQueueAgreesWithCompletions(t *testing.T) {
	w := gen.NewCityYear(7, gen.CityScale{Lines: 1200, PerClass: 20}, 2026)
	for _, engine := range []Engine{SQLite, Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			db := cityDB(t, engine)
			if db == nil {
				t.Skip("PostgreSQL not configured")
			}
			ctx := context.Background()
			db.SetClock(func() time.Time { return w.Created.Add(time.Hour) })
			if err := LoadCityYear(ctx, db, w); err != nil {
				t.Fatal(err)
			}
			db.SetClock(func() time.Time { return time.Date(2027, 1, 15, 10, 0, 0, 0, xiangpei.ChinaTime) })
			officer := xiangpei.Actor{AccountID: 1, Name: "zz_fu", Role: xiangpei.RoleOfficer, Region: w.Region,
				Duties: xiangpei.Duties{xiangpei.DutyRegistry}}
			city := officer.Scope()
			all, total, err := db.FollowUps(ctx, city, Page{})
			if err != nil || total < 100 || len(all) != total {
				t.Fatalf("the city's queue: %d of %d %v", len(all), total, err)
			}
			recorded := 0
			if _, err := Do(ctx, db, officer, func(tx *Tx) (int, error) {
				for i, f := range all {
					if i%7 == 0 {
						if _, err := tx.RecordFollowUp(city, f.TraineeID, FollowUpInput{Month: f.Month, Outcome: FollowUpNotEmployed}); err != nil {
							return 0, err
						}
						recorded++
					}
				}
				for i := 0; i < len(w.Persons); i += 9 {
					p := w.Persons[i] // straight in: the city-year loads no regions for the entry's county check
					if _, err := tx.insertEmployment(xiangpei.EmploymentRecord{PersonID: p.ID, Source: xiangpei.EmploymentOfficer,
						EmployerName: fmt.Sprintf("单位%d", i), County: p.County, StartsOn: parseDay([]string{"2026-04-01", "2026-12-01", "2027-02-01"}[i%3]),
						FullTime: true, Verified: true}); err != nil {
						return 0, err
					}
				}
				return 0, nil
			}); err != nil {
				t.Fatal(err)
			}
			institution := xiangpei.Scope{OrgID: w.Orgs[0].ID}
			county := xiangpei.Scope{Region: w.Orgs[1].County}
			for name, s := range map[string]xiangpei.Scope{"city": city, "county": county, "institution": institution} {
				want := plainFollowUps(t, db, s)
				var got []FollowUpTask
				for off := 0; ; off += 37 {
					page, n, err := db.FollowUps(ctx, s, Page{Offset: off, Limit: 37})
					if err != nil || n != len(want) {
						t.Fatalf("%s: %d open, want %d (%v)", name, n, len(want), err)
					}
					got = append(got, page...)
					if off+37 >= n {
						break
					}
				}
				if len(want) == 0 || (name == "city" && len(want) != total-recorded) {
					t.Fatalf("%s: %d open follow-ups of %d less %d recorded", name, len(want), total, recorded)
				}
				employed := 0
				for i := range want {
					if g, w := taskLine(got[i]), taskLine(want[i]); g != w {
						t.Fatalf("%s, follow-up %d:\n got %s\nwant %s", name, i, g, w)
					}
					if want[i].Employed {
						employed++
					}
				}
				t.Logf("%s: %d open, %d with employment known", name, len(want), employed)
				if name == "city" && employed == 0 {
					t.Fatal("no follow-up knows an employment: the comparison does not reach it")
				}
			}
		})
	}
}

func taskLine(f FollowUpTask) string {
	return fmt.Sprintf("t%d d%d p%d %s %s c%d %s %s %s m%d %s %v %v %s", f.TraineeID, f.DiplomaID, f.PersonID, f.PersonName, f.MaskedID,
		f.ClassID, f.ClassName, f.County, xiangpei.ChinaDate(f.CompletedOn), f.Month, xiangpei.ChinaDate(f.Due), f.Overdue, f.Employed, f.KnownEmployer)
}

// plainFollowUps is the queue computed the plain way: from the completions and records the
// rates read, with the recorded outcomes of both tables.
func plainFollowUps(t *testing.T, db *DB, s xiangpei.Scope) []FollowUpTask {
	t.Helper()
	ctx := context.Background()
	now := db.Now()
	today := xiangpei.ChinaDate(now)
	oldest := parseDay(xiangpei.ChinaDate(xiangpei.AddMonths(now, -FollowUpQueueMonths)))
	list, recs, err := completions(ctx, db.read, s, xiangpei.AddMonths(oldest, -6), now.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	done := map[string]bool{}
	for _, q := range []string{`SELECT 't' || CAST(trainee_id AS TEXT) || '-' || CAST(month AS TEXT) FROM follow_up_outcomes`,
		`SELECT 'd' || CAST(diploma_id AS TEXT) || '-' || CAST(month AS TEXT) FROM graduate_follow_ups`} {
		keys, err := db.QueryStrings(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			done[k] = true
		}
	}
	var out []FollowUpTask
	for _, c := range list {
		for _, f := range xiangpei.FollowUpsFor(c.CompletedOn) {
			key := fmt.Sprintf("t%d-%d", c.TraineeID, f.Month)
			if c.DiplomaID != 0 {
				key = fmt.Sprintf("d%d-%d", c.DiplomaID, f.Month)
			}
			if xiangpei.ChinaDate(f.Due) > today || f.Due.Before(oldest) || done[key] {
				continue
			}
			task := FollowUpTask{TraineeID: c.TraineeID, DiplomaID: c.DiplomaID, PersonID: c.PersonID, PersonName: c.PersonName, MaskedID: c.MaskedID,
				ClassID: c.ClassID, ClassName: c.ClassName, County: c.County, CompletedOn: c.CompletedOn, Month: f.Month, Due: f.Due,
				Overdue: xiangpei.ChinaDate(f.Due.AddDate(0, 0, FollowUpOverdueDays)) < today}
			for _, r := range recs {
				if r.PersonID == c.PersonID && r.Verified && (r.EndsOn.IsZero() || !r.EndsOn.Before(c.CompletedOn)) && xiangpei.ChinaDate(r.StartsOn) <= today {
					task.Employed, task.KnownEmployer = true, r.EmployerName
				}
			}
			out = append(out, task)
		}
	}
	slices.SortFunc(out, func(x, y FollowUpTask) int {
		return cmp.Or(x.Due.Compare(y.Due), cmp.Compare(x.TraineeID, y.TraineeID), cmp.Compare(x.DiplomaID, y.DiplomaID), cmp.Compare(x.Month, y.Month))
	})
	return out
}
