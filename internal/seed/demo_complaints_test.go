package seed_test

import (
	"context"
	"testing"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestDemoComplaints: the demo has one complaint in each state, and only the logistics
// company's open arrears block gig postings.
func TestDemoComplaints(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Demo(ctx, db); err != nil {
				t.Fatal(err)
			}
			list, n, err := db.Complaints(ctx, xiangpei.Scope{All: true}, store.ComplaintFilter{}, store.Page{Limit: 100})
			if err != nil || n != len(seed.DemoComplaintFacts) {
				t.Fatalf("%v: %d complaints", err, n)
			}
			seen := map[xiangpei.ComplaintStatus]bool{}
			for _, c := range list {
				if seed.DemoComplaintFacts[c.Status] == c.Facts {
					seen[c.Status] = true
				}
				if c.Kind == xiangpei.ComplaintWageArrears && c.Status == xiangpei.ComplaintFiled {
					if has, err := db.EmployerHasOpenArrears(ctx, c.EmployerID); err != nil || !has {
						t.Errorf("the open arrears do not block: %v %v", err, has)
					}
				}
				if c.Kind == xiangpei.ComplaintWageArrears && c.Status == xiangpei.ComplaintMediated {
					if has, _ := db.EmployerHasOpenArrears(ctx, c.EmployerID); has {
						t.Error("the demo employer is blocked by arrears")
					}
				}
			}
			for _, st := range xiangpei.ComplaintStatuses {
				if !seen[st] {
					t.Errorf("no demo complaint in state %s", st)
				}
			}
		})
	}
}
