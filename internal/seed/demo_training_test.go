package seed_test

import (
	"context"
	"testing"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestDemoTraining: the demo world shows 培 at once, on both engines — a class in every state,
// rosters, a pending change filing, the running class's attendance with the anomalies the rules
// must see, a closed class with completion and ratings, and Zhuzhou's shortage list in force.
func TestDemoTraining(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Demo(ctx, db); err != nil {
				t.Fatal(err)
			}
			all := xiangpei.Scope{All: true}
			byStatus := map[xiangpei.ClassStatus]xiangpei.Class{}
			for _, st := range xiangpei.ClassStatuses {
				list, n, err := db.Classes(ctx, all, store.ClassFilter{Status: st}, store.Page{Limit: 5})
				if err != nil || n == 0 {
					t.Fatalf("no %s class in the demo (%v)", st, err)
				}
				byStatus[st] = list[0]
			}
			running := byStatus[xiangpei.ClassInProgress]
			rep, err := db.ClassAttendance(ctx, all, running.ID)
			if err != nil {
				t.Fatal(err)
			}
			codes := map[string]bool{}
			for _, a := range rep.Anomalies {
				codes[a.Code] = true
			}
			for _, want := range []string{xiangpei.AnomalySharedDevice, xiangpei.AnomalyCopiedTimes, xiangpei.AnomalyOutsideWindow, xiangpei.AnomalyOutsideGeofence} {
				if !codes[want] {
					t.Errorf("the running class shows no %s anomaly (it shows %v)", want, codes)
				}
			}
			if len(rep.Trainees) < 15 {
				t.Errorf("the running class has %d trainees", len(rep.Trainees))
			}
			closed, err := db.Trainees(ctx, all, byStatus[xiangpei.ClassClosed].ID)
			if err != nil {
				t.Fatal(err)
			}
			done := map[xiangpei.TraineeStatus]int{}
			for _, tr := range closed {
				done[tr.Status]++
			}
			if done[xiangpei.TraineeCompleted] == 0 || done[xiangpei.TraineeNotCompleted] == 0 {
				t.Errorf("the closed class's completion: %v", done)
			}
			if r, err := db.RatingSummary(ctx, byStatus[xiangpei.ClassClosed].ID); err != nil || r.Count == 0 {
				t.Errorf("the closed class has no ratings: %+v %v", r, err)
			}
			if changes, err := db.ClassChanges(ctx, all, byStatus[xiangpei.ClassApproved].ID); err != nil || len(changes) != 1 {
				t.Errorf("the approved class's change filings: %d %v", len(changes), err)
			}
			if pct, _, _, err := db.ShortageUplift(ctx, "430211", "6-31-01-03", "4", db.Now()); err != nil || pct != 30 {
				t.Errorf("Zhuzhou's shortage list in force gives 电工 level 4 an uplift of %d%% (%v), want 30%%", pct, err)
			}
		})
	}
}
