package seed_test

import (
	"context"
	"testing"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestDemoJobs: the demo has open, expired, referred and refused postings made through the real
// checks, applications in several states, and 王芳's hire on her employment record.
func TestDemoJobs(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Demo(ctx, db); err != nil {
				t.Fatal(err)
			}
			all := xiangpei.Scope{All: true}
			list, _, err := db.Postings(ctx, all, store.PostingFilter{}, store.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			byTitle := map[string]xiangpei.PostingStatus{}
			for _, p := range list {
				byTitle[p.Title] = p.Status
			}
			for key, want := range map[string]xiangpei.PostingStatus{"open": xiangpei.PostingPublished, "expired": xiangpei.PostingExpired,
				"pending": xiangpei.PostingPending, "refused": xiangpei.PostingDraft, "gig": xiangpei.PostingPublished} {
				if got := byTitle[seed.DemoJobTitles[key]]; got != want {
					t.Errorf("%s: %v, want %v", key, got, want)
				}
			}
			li, err := db.AccountByLogin(ctx, "13907330001")
			if err != nil {
				t.Fatal(err)
			}
			alerts, _, err := db.SearchAlerts(ctx, xiangpei.Scope{PersonID: li.PersonID}, store.Page{})
			if err != nil || len(alerts) != 1 || alerts[0].Title != seed.DemoJobTitles["open"] || alerts[0].SMSStatus != "pending" {
				t.Fatalf("李建国's saved-search alerts: %v %+v", err, alerts)
			}
			apps, _, err := db.Applications(ctx, all, store.ApplicationFilter{}, store.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			states := map[xiangpei.ApplicationStatus]int{}
			var wang int64
			for _, a := range apps {
				states[a.Status]++
				if a.Status == xiangpei.AppHired {
					wang = a.PersonID
				}
			}
			for _, st := range []xiangpei.ApplicationStatus{xiangpei.AppApplied, xiangpei.AppInterview, xiangpei.AppHired, xiangpei.AppRejected, xiangpei.AppWithdrawn} {
				if states[st] == 0 {
					t.Errorf("no application %v: %v", st, states)
				}
			}
			recs, err := db.EmploymentRecordsOf(ctx, all, wang)
			if err != nil || len(recs) != 1 || !recs[0].Verified {
				t.Fatalf("王芳's employment record: %v %+v", err, recs)
			}
		})
	}
}
