package store_test

import (
	"context"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

func TestSubsidyBudgets(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		ctx := context.Background()
		clock := &storetest.Clock{}
		clock.Set(time.Date(2026, 2, 1, 9, 0, 0, 0, srCST))
		db.SetClock(clock.Now)
		city := xiangpei.Actor{AccountID: 31, Name: "zz_pay", Role: xiangpei.RoleOfficer, Region: "430200", Duties: xiangpei.Duties{xiangpei.DutyPayment}}
		prov := xiangpei.Actor{AccountID: 32, Name: "hn_targets", Role: xiangpei.RoleOfficer, Region: "430000", Duties: xiangpei.Duties{xiangpei.DutyTargets}}
		review := xiangpei.Actor{AccountID: 33, Name: "zz_review", Role: xiangpei.RoleOfficer, Region: "430200", Duties: xiangpei.Duties{xiangpei.DutyClaimReview2}}
		inst := xiangpei.Actor{AccountID: 34, Name: "inst", Role: xiangpei.RoleInstitution, OrgID: 5}
		set := func(a xiangpei.Actor, b xiangpei.Budget) (xiangpei.Budget, error) {
			return store.Do(ctx, db, a, func(tx *store.Tx) (xiangpei.Budget, error) { return tx.SetBudget(b) })
		}

		refused := []struct {
			name string
			a    xiangpei.Actor
			b    xiangpei.Budget
			kind xiangpei.Kind
		}{
			{"no duty", review, xiangpei.Budget{Region: "430200", Year: 2026, AmountFen: 1}, xiangpei.Forbidden},
			{"institution", inst, xiangpei.Budget{Region: "430200", Year: 2026, AmountFen: 1}, xiangpei.Forbidden},
			{"outside region", city, xiangpei.Budget{Region: "430100", Year: 2026, AmountFen: 1}, xiangpei.Invalid},
			{"province from a city", city, xiangpei.Budget{Region: "430000", Year: 2026, AmountFen: 1}, xiangpei.Invalid},
			{"unknown region", city, xiangpei.Budget{Region: "430299", Year: 2026, AmountFen: 1}, xiangpei.Invalid},
			{"negative", city, xiangpei.Budget{Region: "430200", Year: 2026, AmountFen: -1}, xiangpei.Invalid},
			{"year", city, xiangpei.Budget{Region: "430200", Year: 1999, AmountFen: 1}, xiangpei.Invalid},
			{"unknown program", city, xiangpei.Budget{Region: "430200", Year: 2026, Program: "nope", AmountFen: 1}, xiangpei.Invalid},
			{"program of another year", city, xiangpei.Budget{Region: "430200", Year: 2031, Program: "migrant_skills", AmountFen: 1}, xiangpei.Invalid},
			{"stale new", city, xiangpei.Budget{Region: "430200", Year: 2026, AmountFen: 1, Version: 3}, xiangpei.Conflict},
		}
		for _, c := range refused {
			if _, err := set(c.a, c.b); !xiangpei.IsKind(err, c.kind) {
				t.Errorf("%s: %v, want %s", c.name, err, c.kind)
			}
		}

		general, err := set(city, xiangpei.Budget{Region: "430200", Year: 2026, AmountFen: 500_000_000, Note: " 年初 "})
		if err != nil || general.Version != 1 || general.Note != "年初" {
			t.Fatalf("create: %+v %v", general, err)
		}
		program, err := set(city, xiangpei.Budget{Region: "430211", Year: 2026, Program: "migrant_skills", AmountFen: 80_000_000})
		if err != nil {
			t.Fatal(err)
		}
		provB, err := set(prov, xiangpei.Budget{Region: "430000", Year: 2027, AmountFen: 9_000_000_000})
		if err != nil {
			t.Fatal(err)
		}
		// A second create of the same key without its version is stale, not a second row.
		if _, err := set(city, xiangpei.Budget{Region: "430200", Year: 2026, AmountFen: 1}); !xiangpei.IsKind(err, xiangpei.Conflict) {
			t.Errorf("second create: %v", err)
		}
		changed, err := set(city, xiangpei.Budget{Region: "430200", Year: 2026, AmountFen: 600_000_000, Version: general.Version})
		if err != nil || changed.ID != general.ID || changed.Version != 2 {
			t.Fatalf("change: %+v %v", changed, err)
		}
		if _, err := set(city, xiangpei.Budget{Region: "430200", Year: 2026, AmountFen: 1, Version: general.Version}); !xiangpei.IsKind(err, xiangpei.Conflict) {
			t.Errorf("stale change: %v", err)
		}

		// Reading: the city officer sees the city and its counties; the province all of its own.
		list, n, err := db.Budgets(ctx, city.Scope(), store.BudgetFilter{}, store.Page{})
		if err != nil || n != 2 || len(list) != 2 || list[0].AmountFen != 600_000_000 {
			t.Fatalf("city list: %+v %d %v", list, n, err)
		}
		list, n, _ = db.Budgets(ctx, prov.Scope(), store.BudgetFilter{Year: 2026}, store.Page{})
		if n != 2 {
			t.Errorf("province 2026: %d", n)
		}
		list, n, _ = db.Budgets(ctx, prov.Scope(), store.BudgetFilter{Program: "migrant_skills"}, store.Page{})
		if n != 1 || list[0].ID != program.ID {
			t.Errorf("by program: %+v", list)
		}
		_, n, _ = db.Budgets(ctx, prov.Scope(), store.BudgetFilter{Program: "-"}, store.Page{})
		if n != 2 {
			t.Errorf("general only: %d", n)
		}
		_, n, _ = db.Budgets(ctx, prov.Scope(), store.BudgetFilter{Region: "430211"}, store.Page{})
		if n != 1 {
			t.Errorf("one county: %d", n)
		}
		list, n, _ = db.Budgets(ctx, prov.Scope(), store.BudgetFilter{}, store.Page{Limit: 1, Offset: 1})
		if n != 3 || len(list) != 1 {
			t.Errorf("paged: %d %d", n, len(list))
		}
		if _, n, _ := db.Budgets(ctx, inst.Scope(), store.BudgetFilter{}, store.Page{}); n != 0 {
			t.Errorf("institution sees %d budgets", n)
		}
		if _, err := db.Budget(ctx, city.Scope(), provB.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
			t.Errorf("foreign budget: %v", err)
		}
		if got, err := db.Budget(ctx, prov.Scope(), program.ID); err != nil || got.Program != "migrant_skills" {
			t.Errorf("own budget: %+v %v", got, err)
		}
		audit, err := db.ListAudit(ctx, xiangpei.Scope{All: true}, store.AuditFilter{ObjectType: "budget"})
		if err != nil || len(audit) != 4 {
			t.Errorf("audit: %d %v", len(audit), err)
		}
	}
}
