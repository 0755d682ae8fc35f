package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

var srCST = time.FixedZone("CST", 8*3600)

func srActors() (prov, admin, city xiangpei.Actor) {
	prov = xiangpei.Actor{AccountID: 21, Name: "hn_targets", Role: xiangpei.RoleOfficer, Region: "430000", Duties: xiangpei.Duties{xiangpei.DutyTargets}}
	admin = xiangpei.Actor{AccountID: 22, Name: "root", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}
	city = xiangpei.Actor{AccountID: 23, Name: "zz_targets", Role: xiangpei.RoleOfficer, Region: "430200", Duties: xiangpei.Duties{xiangpei.DutyTargets}}
	return
}

func srAdd(db *store.DB, a xiangpei.Actor, region, from string, edit func(*xiangpei.SubsidyRule)) (xiangpei.SubsidyRule, error) {
	r := xiangpei.DefaultSubsidyRule(region, from)
	if edit != nil {
		edit(&r)
	}
	return store.Do(context.Background(), db, a, func(tx *store.Tx) (xiangpei.SubsidyRule, error) { return tx.AddSubsidyRule(r) })
}

func TestSubsidyRuleInForce(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		ctx := context.Background()
		clock := &storetest.Clock{}
		clock.Set(time.Date(2026, 1, 10, 9, 0, 0, 0, srCST))
		db.SetClock(clock.Now)
		prov, admin, _ := srActors()

		// Nothing stored: the defaults, ID 0.
		r, err := db.RuleInForce(ctx, "430211", "2026-06-01")
		if err != nil || r.ID != 0 || r.StandardFen["4"] != 150000 || r.Region != "430000" || r.EffectiveFrom != "2000-01-01" {
			t.Fatalf("defaults: %+v %v", r, err)
		}

		must := func(a xiangpei.Actor, region, from string, std5 int64) xiangpei.SubsidyRule {
			t.Helper()
			r, err := srAdd(db, a, region, from, func(r *xiangpei.SubsidyRule) { r.StandardFen["5"] = std5; r.Note = " change " })
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		p1 := must(prov, "430000", "2026-02-01", 110000)
		p2 := must(admin, "430000", "2026-07-01", 120000)
		c1 := must(prov, "430200", "2026-04-01", 130000)
		if p1.Version != 1 || p2.Version != 2 || c1.Version != 1 || p1.Note != "change" || p1.CreatedBy != "hn_targets" {
			t.Fatalf("versions: %+v %+v %+v", p1, p2, c1)
		}

		cases := []struct {
			place, day string
			want       int64 // standard 五级, 100000 the default
			id         int64
		}{
			{"430211", "2026-01-31", 100000, 0},     // before any version: defaults
			{"430211", "2026-02-01", 110000, p1.ID}, // province v1 on its first day
			{"430211", "2026-03-31", 110000, p1.ID},
			{"430211", "2026-04-01", 130000, c1.ID}, // the city's own version wins from its day
			{"430211", "2026-08-01", 130000, c1.ID}, // … even over a newer province version
			{"430200", "2026-08-01", 130000, c1.ID}, // the city itself
			{"430102", "2026-08-01", 120000, p2.ID}, // another city's county: province v2
			{"430102", "2026-06-30", 110000, p1.ID},
			{"430000", "2026-08-01", 120000, p2.ID}, // the province itself
			{"440106", "2026-08-01", 100000, 0},     // another province: defaults
		}
		for _, c := range cases {
			got, err := db.RuleInForce(ctx, c.place, c.day)
			if err != nil || got.StandardFen["5"] != c.want || got.ID != c.id {
				t.Errorf("%s %s: got %d (id %d) %v, want %d (id %d)", c.place, c.day, got.StandardFen["5"], got.ID, err, c.want, c.id)
			}
		}
		// The same answer inside a transaction.
		got, err := store.Do(ctx, db, prov, func(tx *store.Tx) (xiangpei.SubsidyRule, error) { return tx.RuleInForce("430211", "2026-05-01") })
		if err != nil || got.ID != c1.ID || got.Limits != xiangpei.DefaultRules() || got.KeyGroupFen["migrant"] != 30000 {
			t.Fatalf("tx: %+v %v", got, err)
		}
		if _, err := db.RuleInForce(ctx, "43021", "2026-05-01"); !xiangpei.IsKind(err, xiangpei.Invalid) {
			t.Errorf("bad place: %v", err)
		}
	}
}

func TestSubsidyRuleAdd(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		ctx := context.Background()
		clock := &storetest.Clock{}
		clock.Set(time.Date(2026, 3, 2, 23, 30, 0, 0, srCST)) // 2026-03-02 in China, still 03-02 UTC 15:30
		db.SetClock(clock.Now)
		prov, admin, city := srActors()
		county := xiangpei.Actor{AccountID: 24, Name: "ty", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyTargets}}
		otherProv := xiangpei.Actor{AccountID: 25, Name: "gd", Role: xiangpei.RoleOfficer, Region: "440000", Duties: xiangpei.Duties{xiangpei.DutyTargets}}
		noDuty := xiangpei.Actor{AccountID: 26, Name: "hn_pay", Role: xiangpei.RoleOfficer, Region: "430000", Duties: xiangpei.Duties{xiangpei.DutyPayment}}

		refused := []struct {
			name   string
			a      xiangpei.Actor
			region string
			from   string
			edit   func(*xiangpei.SubsidyRule)
			kind   xiangpei.Kind
		}{
			{"city officer", city, "430200", "2026-04-01", nil, xiangpei.Forbidden},
			{"county officer", county, "430200", "2026-04-01", nil, xiangpei.Forbidden},
			{"other province", otherProv, "430000", "2026-04-01", nil, xiangpei.Forbidden},
			{"no targets duty", noDuty, "430000", "2026-04-01", nil, xiangpei.Forbidden},
			{"back-dated", prov, "430000", "2026-03-01", nil, xiangpei.Invalid},
			{"unknown city", prov, "439900", "2026-04-01", nil, xiangpei.Invalid},
			{"county region", admin, "430211", "2026-04-01", nil, xiangpei.Invalid},
			{"negative", prov, "430000", "2026-04-01", func(r *xiangpei.SubsidyRule) { r.CapFen = -1 }, xiangpei.Invalid},
			{"level missing", prov, "430000", "2026-04-01", func(r *xiangpei.SubsidyRule) { delete(r.StandardFen, "1") }, xiangpei.Invalid},
		}
		for _, c := range refused {
			if _, err := srAdd(db, c.a, c.region, c.from, c.edit); !xiangpei.IsKind(err, c.kind) {
				t.Errorf("%s: %v, want %s", c.name, err, c.kind)
			}
		}
		if rules, _ := db.SubsidyRules(ctx, ""); len(rules) != 0 {
			t.Fatalf("refused adds wrote %d versions", len(rules))
		}

		// Today (China date) is allowed; then only after the latest.
		v1, err := srAdd(db, prov, "430000", "2026-03-02", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srAdd(db, prov, "430000", "2026-03-02", nil); !xiangpei.IsKind(err, xiangpei.Conflict) {
			t.Errorf("same day again: %v", err)
		}
		v2, err := srAdd(db, prov, "430000", "2026-05-01", func(r *xiangpei.SubsidyRule) { r.UpliftMaxPct = 20 })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srAdd(db, admin, "430000", "2026-04-01", nil); !xiangpei.IsKind(err, xiangpei.Conflict) {
			t.Errorf("before the latest: %v", err)
		}
		rules, err := db.SubsidyRules(ctx, "430000")
		if err != nil || len(rules) != 2 || rules[0].ID != v2.ID || rules[1].ID != v1.ID || rules[0].UpliftMaxPct != 20 {
			t.Fatalf("history: %+v %v", rules, err)
		}
		prev, err := db.PreviousSubsidyRule(ctx, v2)
		if err != nil || prev.ID != v1.ID {
			t.Errorf("previous: %+v %v", prev, err)
		}
		if _, err := db.PreviousSubsidyRule(ctx, v1); !xiangpei.IsKind(err, xiangpei.NotFound) {
			t.Errorf("previous of the first: %v", err)
		}
		one, err := db.SubsidyRule(ctx, v1.ID)
		if err != nil || one.Version != 1 || one.StandardFen["completion"] != 40000 || one.CapFen != 330000 {
			t.Errorf("one: %+v %v", one, err)
		}
		audit, err := db.ListAudit(ctx, xiangpei.Scope{All: true}, store.AuditFilter{ObjectType: "subsidy_rule"})
		if err != nil || len(audit) != 2 {
			t.Errorf("audit entries: %d", len(audit))
		}

		// Concurrent adds for one region: one version number each, never twice the same.
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = srAdd(db, prov, "430200", "2026-06-0"+string(rune('1'+i)), nil)
			}()
		}
		wg.Wait()
		rules, _ = db.SubsidyRules(ctx, "430200")
		seen := map[int]bool{}
		for _, r := range rules {
			if seen[r.Version] {
				t.Errorf("version %d twice", r.Version)
			}
			seen[r.Version] = true
		}
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if !xiangpei.IsKind(err, xiangpei.Conflict) && !xiangpei.IsKind(err, xiangpei.Internal) {
				t.Errorf("concurrent add: %v", err)
			}
		}
		if ok != len(rules) || ok == 0 {
			t.Errorf("%d adds succeeded, %d versions stored", ok, len(rules))
		}
	}
}
