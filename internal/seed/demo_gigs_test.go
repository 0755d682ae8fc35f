package seed_test

import (
	"context"
	"testing"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestDemoGigs: the demo's gigs are public in several 株洲 counties, its sign-ups stand in every
// state but complaint, 王芳's unpaid one is ready for the one-tap complaint, and the employer
// has ratings.
func TestDemoGigs(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Demo(ctx, db); err != nil {
				t.Fatal(err)
			}
			open, n, err := db.PublicGigs(ctx, store.GigFilter{}, store.Page{Limit: 100})
			if err != nil || n < 4 {
				t.Fatalf("%v: %d open gigs", err, n)
			}
			counties := map[string]bool{}
			for _, g := range open {
				counties[g.County] = true
				if g.EmployerRatings == 0 {
					t.Errorf("%s: the employer has no ratings", g.Title)
				}
			}
			if len(counties) < 4 {
				t.Errorf("open gigs in %d counties", len(counties))
			}
			list, total, err := db.GigSignups(ctx, xiangpei.Scope{All: true}, store.GigSignupFilter{}, store.Page{Limit: 100})
			if err != nil || total == 0 {
				t.Fatalf("%v: %d sign-ups", err, total)
			}
			seen := map[xiangpei.GigStatus]bool{}
			var wangID int64
			for _, u := range list {
				seen[u.Status] = true
				if u.Status == xiangpei.GigUnpaid && u.PersonName == "王芳" {
					wangID = u.PersonID
					if _, err := xiangpei.OneTapComplaint(u.Gig.Gig, u.GigSignup); err != nil {
						t.Errorf("王芳's unpaid sign-up is not ready for the complaint: %v", err)
					}
				}
			}
			for _, st := range xiangpei.GigStatuses {
				if !seen[st] && st != xiangpei.GigComplaint {
					t.Errorf("no demo sign-up in state %s", st)
				}
			}
			if wangID == 0 {
				t.Fatal("no unpaid sign-up of 王芳")
			}
			mine, n, err := db.GigSignups(ctx, xiangpei.Scope{PersonID: wangID}, store.GigSignupFilter{}, store.Page{Limit: 100})
			if err != nil || n != 3 || len(mine) != 3 {
				t.Errorf("王芳's sign-ups: %v %d", err, n)
			}
		})
	}
}
