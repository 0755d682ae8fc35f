package seed_test

import (
	"context"
	"testing"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestDemoRegistry: the demo's registry has an approved suspension and resumption (history of
// one record), an approved withdrawal, a transfer waiting in the city officer's queue, and the
// 2023 cohort of 0401 at 株洲市工业技工学校 graduated on 30 June 2026 with diplomas — one with the
// dual certificate, whose holder is a seeker with a verified diploma; the graduates' 3-month
// follow-ups wait in the city's queue but one, recorded.
func TestDemoRegistry(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Demo(ctx, db); err != nil {
				t.Fatal(err)
			}
			staff, err := db.AccountByLogin(ctx, "school_staff")
			if err != nil {
				t.Fatal(err)
			}
			city, err := db.AccountByLogin(ctx, "zz_officer")
			if err != nil {
				t.Fatal(err)
			}
			sc := staff.Actor().Scope()
			pending, n, err := db.StudentChanges(ctx, city.Actor().Scope(), store.StudentChangeFilter{Status: xiangpei.StudentChangePending}, store.Page{})
			if err != nil || n != 1 || pending[0].Action != xiangpei.StudentTransfer || pending[0].ToSchoolName != seed.DemoSchool2 {
				t.Fatalf("the pending transfer: %d %v %+v", n, err, pending)
			}
			all, _, err := db.StudentChanges(ctx, sc, store.StudentChangeFilter{}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			actions := map[xiangpei.StudentAction]int{}
			for _, c := range all {
				if c.Status == xiangpei.StudentChangeApproved {
					actions[c.Action]++
				}
			}
			if actions[xiangpei.StudentSuspend] != 1 || actions[xiangpei.StudentResume] != 1 || actions[xiangpei.StudentWithdraw] != 1 || actions[xiangpei.StudentGraduate] != 1 {
				t.Fatalf("approved changes: %v", actions)
			}
			if _, n, _ := db.Students(ctx, sc, store.StudentFilter{Status: xiangpei.StudentResumed}, store.Page{}); n != 1 {
				t.Fatalf("resumed students: %d", n)
			}
			grads, n, err := db.Students(ctx, sc, store.StudentFilter{Status: xiangpei.StudentGraduated, EntryYear: 2023}, store.Page{Limit: 50})
			if err != nil || n != seed.DemoGraduatingCohort || grads[0].MajorCode != "0401" || xiangpei.ChinaDate(grads[0].LeftOn) != "2026-06-30" {
				t.Fatalf("graduates: %d %v", n, err)
			}
			dips, err := db.Diplomas(ctx, sc, 0)
			if err != nil || len(dips) != seed.DemoGraduatingCohort {
				t.Fatalf("diplomas: %d %v", len(dips), err)
			}
			dual := 0
			var holder int64
			for _, d := range dips {
				if !xiangpei.ValidDiplomaNumber(d.Number) {
					t.Fatalf("diploma number %q", d.Number)
				}
				if d.DualCertificate() {
					dual, holder = dual+1, d.PersonID
					if _, err := xiangpei.ParseCertNumber(d.CertNumber); err != nil {
						t.Fatalf("the dual certificate's number %q: %v", d.CertNumber, err)
					}
				}
			}
			if dual != 1 {
				t.Fatalf("%d dual certificates", dual)
			}
			creds, err := db.VerifiedCredentials(ctx, holder)
			kinds := map[string]bool{}
			for _, c := range creds {
				kinds[c.Kind] = true
			}
			if err != nil || !kinds["diploma"] || !kinds["certificate"] {
				t.Fatalf("the graduate's verified credentials: %+v %v", creds, err)
			}
			// 教→用: the graduates' 3-month calls are in the city's follow-up queue, one recorded.
			tasks, _, err := db.FollowUps(ctx, city.Actor().Scope(), store.Page{})
			open := 0
			for _, f := range tasks {
				if f.DiplomaID != 0 && f.Month == 3 {
					open++
				}
			}
			if err != nil || open != seed.DemoGraduatingCohort-1 {
				t.Fatalf("graduates' open 3-month follow-ups: %d %v", open, err)
			}
		})
	}
}
