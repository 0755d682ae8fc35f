package seed_test

import (
	"context"
	"testing"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestDemoAdmissions: the demo has this year's approved plan of 株洲市工业技工学校 with its list
// published and applicants in every state (the enrolled ones with student records), and next
// year's plan of 株洲市交通技工学校 waiting for the city's officer.
func TestDemoAdmissions(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Demo(ctx, db); err != nil {
				t.Fatal(err)
			}
			all := xiangpei.Scope{All: true}
			plans, _, err := db.EnrolPlans(ctx, all, store.EnrolPlanFilter{}, store.Page{Limit: 10})
			if err != nil || len(plans) != 2 {
				t.Fatalf("%v: %d plans", err, len(plans))
			}
			year := db.Now().In(xiangpei.ChinaTime).Year()
			var approved, waiting *store.EnrolPlanRow
			for i, p := range plans {
				switch {
				case p.Status == xiangpei.EnrolApproved && p.Year == year && p.SchoolName == "株洲市工业技工学校" && p.Published:
					approved = &plans[i]
				case p.Status == xiangpei.EnrolSubmitted && p.Year == year+1 && p.SchoolName == "株洲市交通技工学校":
					waiting = &plans[i]
				}
			}
			if approved == nil || waiting == nil || len(approved.Figures) != 4 {
				t.Fatalf("plans: %+v", plans)
			}
			if open, n, _ := db.OpenEnrolPlans(ctx, "430200", true, store.Page{}); n != 1 || open[0].ID != approved.ID {
				t.Errorf("the public does not see the open plan: %d", n)
			}
			apps, n, err := db.SchoolApps(ctx, all, store.SchoolAppFilter{PlanID: approved.ID}, store.Page{Limit: 50})
			if err != nil || n != len(seed.DemoApplicants) {
				t.Fatalf("%v: %d applications", err, n)
			}
			count := map[xiangpei.SchoolAppStatus]int{}
			for _, a := range apps {
				count[a.Status]++
				if a.Status == xiangpei.SchoolAppEnrolled {
					s, err := db.Student(ctx, all, a.StudentID)
					if err != nil || s.AdmissionID != a.ID || s.EntryYear != year {
						t.Errorf("student record of %s: %+v %v", a.PersonName, s, err)
					}
				}
			}
			want := map[xiangpei.SchoolAppStatus]int{}
			for _, d := range seed.DemoApplicants {
				want[d.Status]++
			}
			for _, st := range xiangpei.SchoolAppStatuses {
				if count[st] == 0 || count[st] != want[st] {
					t.Errorf("%s: %d applications, want %d", st, count[st], want[st])
				}
			}
			admitted := 0
			for _, f := range approved.Figures {
				admitted += f.Admitted
			}
			if admitted != want[xiangpei.SchoolAppAdmitted]+want[xiangpei.SchoolAppEnrolled] {
				t.Errorf("places taken: %d", admitted)
			}
		})
	}
}
