package seed_test

import (
	"context"
	"testing"

	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestDemoFairs: the demo's fair under way has 67 employers and 1,000+ openings, every
// employer with its booth and postings, and live counts that are not zero; the online fair is
// upcoming.
func TestDemoFairs(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Demo(ctx, db); err != nil {
				t.Fatal(err)
			}
			list, total, err := db.PublicFairs(ctx, store.FairFilter{}, store.Page{})
			if err != nil || total != 2 {
				t.Fatalf("fairs: %v %d", err, total)
			}
			var fairID int64
			for _, f := range list {
				if f.Name == seed.DemoFairName {
					fairID = f.ID
					if ph := f.Phase(db.Now()); ph != "ongoing" {
						t.Fatalf("the demo fair is %v", ph)
					}
				} else if f.Name != seed.DemoOnlineFair || f.Phase(db.Now()) != "upcoming" || !f.SignupOpen(db.Now()) {
					t.Fatalf("the second fair: %+v", f)
				}
			}
			c, err := db.FairCounts(ctx, fairID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Employers != 67 || c.Openings < 1000 {
				t.Fatalf("employers %d, openings %d", c.Employers, c.Openings)
			}
			if c.Signups != 5 || c.Applicants != 5 || c.Interviews != 3 || c.Offers != 2 || c.Hires != 1 {
				t.Fatalf("counts: %+v", c)
			}
			emps, n, err := db.FairEmployers(ctx, fairID, store.Page{Limit: 100})
			if err != nil || n != 67 || len(emps) != 67 {
				t.Fatalf("employers: %v %d", err, n)
			}
			sum, booths := 0, map[int]bool{}
			for _, e := range emps {
				sum += e.Openings
				if e.Booth < 1 || booths[e.Booth] || len(e.Postings) < 1 {
					t.Fatalf("employer %s: booth %d, %d postings", e.Name, e.Booth, len(e.Postings))
				}
				booths[e.Booth] = true
			}
			if sum != c.Openings {
				t.Fatalf("the employers' openings add up to %d, the fair's to %d", sum, c.Openings)
			}
		})
	}
}
