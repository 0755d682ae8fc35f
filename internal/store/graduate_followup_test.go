package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestGraduateFollowUps: 甲's 2023 cohort of 0401 (four students, one a migrant worker)
// graduates on 30 June 2026. On the clock (2 November 2026) each graduate's 3-month follow-up is
// in the call queue of 天元区's officer — by diploma, with the school and major — and not in
// 荷塘区's; the 6-month one is not yet due. Recording checks like a trainee's (not due, no such
// month, another county, no duty) and writes nothing when refused; recorded once it leaves the
// queue, a second recording is a Conflict, and of two officers recording at once exactly one
// wins with one employment record. The graduates' key groups reach the rates.
func TestGraduateFollowUps(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newRegistryWorld(t, db)
			ctx := context.Background()
			if _, err := crDo(t, db, x.w.Admin, func(tx *store.Tx) (xiangpei.KeyGroupMembership, error) {
				return tx.AddKeyGroup(xiangpei.Scope{All: true}, xiangpei.KeyGroupMembership{PersonID: x.persons[0].ID, Group: "migrant",
					Evidence: "务工证明"})
			}); err != nil {
				t.Fatal(err)
			}
			g, err := crDo(t, db, x.staff[0], func(tx *store.Tx) (store.StudentChange, error) {
				return tx.RequestGraduation(x.staff[0].Scope(), x.elec.ID, 2023, regDay(2026, 6, 30), "2023级电气专业毕业")
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := x.decide(t, x.city, g, true, ""); err != nil {
				t.Fatal(err)
			}

			tasks, n, err := db.FollowUps(ctx, fuCounty.Scope(), store.Page{Limit: 50})
			if err != nil || n != 4 {
				t.Fatalf("the queue: %d %v", n, err)
			}
			diploma := map[int64]int64{} // person → diploma
			for _, f := range tasks {
				if f.DiplomaID == 0 || f.TraineeID != 0 || f.Month != 3 || xiangpei.ChinaDate(f.Due) != "2026-09-30" || !f.Overdue ||
					f.ClassName != "甲技工学校 · 电气自动化设备安装与维修" || f.Employed {
					t.Errorf("task %+v", f)
				}
				diploma[f.PersonID] = f.DiplomaID
			}
			if _, n, _ := db.FollowUps(ctx, fuOther.Scope(), store.Page{Limit: 50}); n != 0 {
				t.Fatalf("another county's queue has %d", n)
			}
			record := func(a xiangpei.Actor, dip int64, in store.FollowUpInput) error {
				_, err := store.Do(ctx, db, a, func(tx *store.Tx) (int64, error) { return tx.RecordGraduateFollowUp(a.Scope(), dip, in) })
				return err
			}
			d0, d1, d2 := diploma[x.persons[0].ID], diploma[x.persons[1].ID], diploma[x.persons[2].ID]
			wantKind(t, "not due", record(fuCounty, d0, store.FollowUpInput{Month: 6, Outcome: store.FollowUpNotEmployed}), xiangpei.Conflict, "followup.not_due")
			wantKind(t, "month 4", record(fuCounty, d0, store.FollowUpInput{Month: 4, Outcome: store.FollowUpNotEmployed}), xiangpei.Invalid, "followup.month")
			wantKind(t, "no outcome", record(fuCounty, d0, store.FollowUpInput{Month: 3}), xiangpei.Invalid, "followup.outcome_bad")
			wantKind(t, "another county", record(fuOther, d0, store.FollowUpInput{Month: 3, Outcome: store.FollowUpNotEmployed}), xiangpei.NotFound, "")
			wantKind(t, "no duty", record(fuNoDuty, d0, store.FollowUpInput{Month: 3, Outcome: store.FollowUpNotEmployed}), xiangpei.Forbidden, "followup.duty")
			if n := fuCount(t, db, `FROM graduate_follow_ups`); n != 0 {
				t.Fatalf("refusals wrote %d outcomes", n)
			}
			if err := record(fuCounty, d0, store.FollowUpInput{Month: 3, Outcome: store.FollowUpUnreachable, Note: "电话停机"}); err != nil {
				t.Fatal(err)
			}
			wantKind(t, "recorded twice", record(fuCounty, d0, store.FollowUpInput{Month: 3, Outcome: store.FollowUpNotEmployed}),
				xiangpei.Conflict, "followup.already_recorded")
			oneWins(t, "recording d1's 3-month follow-up", "followup.already_recorded", func(int) error {
				return record(fuCounty, d1, store.FollowUpInput{Month: 3, Outcome: store.FollowUpEmployed,
					Job: store.EmploymentEntry{EmployerName: "毕业回访单位", County: "430211", StartsOn: "2026-08-01", FullTime: true}})
			})
			if n := fuCount(t, db, `FROM employment_records WHERE employer_name = '毕业回访单位' AND verified AND source = 'officer'`); n != 1 {
				t.Fatalf("records from the follow-up: %d", n)
			}
			if n := fuCount(t, db, `FROM audit_log WHERE action = 'employment.follow_up' AND object_type = 'diploma'`); n != 2 {
				t.Fatalf("audited outcomes: %d", n)
			}
			tasks, n, _ = db.FollowUps(ctx, fuCounty.Scope(), store.Page{Limit: 50})
			if n != 2 || slices.ContainsFunc(tasks, func(f store.FollowUpTask) bool { return f.DiplomaID == d0 || f.DiplomaID == d1 }) {
				t.Fatalf("queue after two outcomes: %d %+v", n, tasks)
			}
			// d2's follow-up knows the record the graduate's employer is entered with.
			if _, err := x.enterFor(t, x.persons[2]); err != nil {
				t.Fatal(err)
			}
			tasks, _, _ = db.FollowUps(ctx, fuCounty.Scope(), store.Page{Limit: 50})
			if i := slices.IndexFunc(tasks, func(f store.FollowUpTask) bool { return f.DiplomaID == d2 }); i < 0 || !tasks[i].Employed || tasks[i].KnownEmployer != "株洲电气公司" {
				t.Fatalf("d2's follow-up: %+v", tasks)
			}

			// The 6-month follow-ups come due on 30 December.
			x.w.Clock.Set(time.Date(2026, 12, 30, 9, 0, 0, 0, xiangpei.ChinaTime))
			if _, n, _ := db.FollowUps(ctx, fuCounty.Scope(), store.Page{Limit: 50}); n != 6 {
				t.Fatalf("queue on 30 December: %d", n)
			}
			ri, err := db.EmploymentRateInputs(ctx, fuCounty.Scope(), 2026)
			if err != nil {
				t.Fatal(err)
			}
			migrants := 0
			for _, c := range append(ri.This, ri.Open...) {
				if c.Program == store.GraduateProgram && slices.Contains(c.KeyGroups, "migrant") {
					migrants++
				}
			}
			if migrants != 1 {
				t.Fatalf("graduates of the key group in the rates: %d", migrants)
			}
		})
	}
}

// enterFor enters a verified employment record of the person by 天元区's officer.
func (x *registryWorld) enterFor(t *testing.T, p xiangpei.Person) (int64, error) {
	t.Helper()
	return store.Do(context.Background(), x.db, fuCounty, func(tx *store.Tx) (int64, error) {
		r, err := tx.EnterEmployment(fuCounty.Scope(), store.EmploymentEntry{IDNumber: string(p.IDNumber), Name: p.Name, EmployerName: "株洲电气公司", County: "430211",
			StartsOn: "2026-07-15", FullTime: true})
		return r.ID, err
	})
}
