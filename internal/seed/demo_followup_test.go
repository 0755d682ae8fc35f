package seed_test

import (
	"context"
	"testing"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestDemoFollowUp: in the demo, ty_officer's follow-up queue has due follow-ups of this
// year's class with two 3-month ones already recorded, a self-report waits for verification,
// the insurance import made verified spells, and the rate of the class's year stands beside
// last year's (3 of 5 against 1 of 5, the +5 goal met), the recent class shown as still open.
func TestDemoFollowUp(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Demo(ctx, db); err != nil {
				t.Fatal(err)
			}
			ty := xiangpei.Scope{Region: "430211"}
			tasks, n, err := db.FollowUps(ctx, ty, store.Page{})
			if err != nil || n == 0 {
				t.Fatalf("queue: %d %v", n, err)
			}
			year, three := 0, 0
			for _, f := range tasks {
				if f.ClassName == seed.DemoFollowUpClasses[0] {
					year = f.CompletedOn.Year()
					if f.Month == 3 {
						three++
					}
				}
			}
			if three != 3 {
				t.Fatalf("open 3-month follow-ups of this year's class: %d, want 5 less the 2 recorded", three)
			}
			if _, n, err := db.EmploymentRecords(ctx, ty, store.EmploymentFilter{Unverified: true}, store.Page{Limit: 10}); err != nil || n != 1 {
				t.Fatalf("self-reports waiting: %d %v", n, err)
			}
			if rej, n, err := db.EmploymentRecords(ctx, ty, store.EmploymentFilter{Rejected: true}, store.Page{Limit: 10}); err != nil || n != 1 || rej[0].RejectedReason == "" {
				t.Fatalf("rejected self-reports: %d %v", n, err)
			}
			ins, n, err := db.EmploymentRecords(ctx, ty, store.EmploymentFilter{Source: xiangpei.EmploymentInsurance}, store.Page{Limit: 10})
			if err != nil || n != 2 || !ins[0].Verified {
				t.Fatalf("insurance spells: %d %v %+v", n, err, ins)
			}
			rep, err := db.EmploymentRates(ctx, ty, xiangpei.ByClass, year)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Total.This != (xiangpei.Rate{Completers: 5, Employed: 3}) || rep.Total.Last != (xiangpei.Rate{Completers: 5, Employed: 1}) || !rep.Total.MeetsGoal {
				t.Fatalf("the demo rate of %d: %+v", year, rep.Total)
			}
			if rep.Open.Completers == 0 && year == db.Now().Year() {
				t.Fatalf("the recent class is not shown as open: %+v", rep.Open)
			}
		})
	}
}
