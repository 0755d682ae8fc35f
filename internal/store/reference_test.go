package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

var refAdmin = xiangpei.Actor{AccountID: 7, Name: "admin", Role: xiangpei.RoleAdmin}

// errKey is the catalogue key of a domain error, "" for nil and "!"+text for other errors.
func errKey(err error) string {
	if err == nil {
		return ""
	}
	var de *xiangpei.Error
	if errors.As(err, &de) {
		return de.Key
	}
	return "!" + err.Error()
}

func auditAll(t *testing.T, db *store.DB) []store.AuditEntry {
	t.Helper()
	es, err := db.ListAudit(context.Background(), xiangpei.Scope{All: true}, store.AuditFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func allOccupations(t *testing.T, db *store.DB, q, parent string) ([]store.Occupation, int) {
	t.Helper()
	var out []store.Occupation
	for off := 0; ; off += 500 {
		page, total, err := db.ListOccupations(context.Background(), q, parent, store.Page{Offset: off, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(out) >= total || len(page) == 0 {
			return out, total
		}
	}
}

func TestReferenceSeeded(t *testing.T) {
	ctx := context.Background()
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			regions, err := db.ListRegions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			levels := map[string]int{}
			for _, r := range regions {
				levels[r.Level]++
				if r.Level == "county" && r.Parent != "430200" {
					t.Errorf("county %v %v lies under %v, want Zhuzhou", r.Code, r.Name, r.Parent)
				}
				if r.Version != 1 {
					t.Errorf("region %v at version %d", r.Code, r.Version)
				}
			}
			if len(regions) != 24 || levels["province"] != 1 || levels["city"] != 14 || levels["county"] != 9 {
				t.Errorf("regions: %d, by level %v", len(regions), levels)
			}
			r, err := db.Region(ctx, "430281")
			if err != nil || r.Name != "醴陵市" || r.Level != "county" || r.Parent != "430200" {
				t.Errorf("Region(430281) = %+v, %v", r, err)
			}

			occs, total := allOccupations(t, db, "", "")
			depths := map[int]int{}
			for _, o := range occs {
				depths[o.Depth]++
				if o.Edition != "2022" || o.Deprecated || (o.Depth == 4) != (o.Levels == "5,4,3,2,1") {
					t.Fatalf("occupation as seeded: %+v", o)
				}
			}
			if total != 2176 || len(occs) != total || depths[1] != 8 || depths[2] != 79 || depths[3] != 450 || depths[4] != 1639 {
				t.Errorf("occupations: %d of %d, by depth %v", len(occs), total, depths)
			}
			for i := 1; i < len(occs); i++ {
				if occs[i-1].Code >= occs[i].Code {
					t.Fatalf("occupations out of order at %v, %v", occs[i-1].Code, occs[i].Code)
				}
			}
			o, err := db.Occupation(ctx, "4-10-01-05")
			if err != nil || o.Name != "养老护理员" || o.Parent != "4-10-01" || o.Depth != 4 || o.ID == 0 {
				t.Errorf("Occupation(4-10-01-05) = %+v, %v", o, err)
			}
			if major, n := allOccupations(t, db, "", store.OccupationsTop); n != 8 || major[0].Code != "1" || major[7].Code != "8" {
				t.Errorf("top of the catalogue: %d entries %+v", n, major)
			}
			if kids, n := allOccupations(t, db, "", "4-10-01"); n != 5 || kids[0].Code != "4-10-01-01" {
				t.Errorf("children of 4-10-01: %d %+v", n, kids)
			}
			if _, n := allOccupations(t, db, "4-10-01", ""); n != 6 { // the 小类 and its five 细类
				t.Errorf("code prefix 4-10-01 matched %d", n)
			}
			if found, n := allOccupations(t, db, "养老护理", ""); n != 1 || found[0].Code != "4-10-01-05" {
				t.Errorf("name search matched %d: %+v", n, found)
			}
			if _, n := allOccupations(t, db, "工程技术人员", "2-02-10"); n != 8 {
				t.Errorf("name search within 2-02-10 matched %d, want 8", n)
			}
			for _, wild := range []string{"%", "_", `\`} {
				if _, n := allOccupations(t, db, wild, ""); n != 0 {
					t.Errorf("search for %q matched %d: wildcards must be literal", wild, n)
				}
			}
			page, n, err := db.ListOccupations(ctx, "", "", store.Page{Offset: 2170, Limit: 50})
			if err != nil || n != 2176 || len(page) != 6 {
				t.Errorf("last page: %d of %d, %v", len(page), n, err)
			}

			sl, err := db.ListSkillLevels(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, l := range sl {
				codes = append(codes, l.Code)
			}
			if strings.Join(codes, ",") != "5,4,3,2,1,special,completion" || sl[0].NameZh != "五级/初级工" || sl[4].NameZh != "一级/高级技师" {
				t.Errorf("skill levels %v", sl)
			}

			groups, err := db.ListKeyGroups(ctx)
			if err != nil || len(groups) != 6 {
				t.Fatalf("key groups %v, %v", groups, err)
			}
			vet, err := db.KeyGroup(ctx, "veteran")
			if err != nil || vet.NameZh != "退役军人" || !vet.Sensitive || vet.DetailZh != "退役证号" {
				t.Errorf("KeyGroup(veteran) = %+v, %v", vet, err)
			}
			mig, err := db.KeyGroup(ctx, "migrant")
			if err != nil || mig.Sensitive || mig.DetailZh != "户籍地" {
				t.Errorf("KeyGroup(migrant) = %+v, %v", mig, err)
			}
			sectors, err := db.ListSectors(ctx)
			if err != nil || len(sectors) != 6 {
				t.Errorf("sectors %v, %v", sectors, err)
			}
			actions, err := db.ListSpecialActions(ctx, 2026)
			if err != nil || len(actions) != 9 {
				t.Errorf("special actions of 2026: %v, %v", actions, err)
			}
			if none, err := db.ListSpecialActions(ctx, 2025); err != nil || len(none) != 0 {
				t.Errorf("special actions of 2025: %v, %v", none, err)
			}

			days, err := db.ListCalendar(ctx, 2026)
			if err != nil || len(days) != 39 || days[0].Day != "2026-01-01" || days[38].Day != "2026-10-10" {
				t.Errorf("calendar 2026: %d days, %v", len(days), err)
			}
			cal, err := db.CalendarYear(ctx, 2026)
			if err != nil {
				t.Fatal(err)
			}
			if !cal.HasSchedule(2026) || cal.HasSchedule(2027) || cal.HasSchedule(2025) {
				t.Errorf("schedules: %v", cal.Years())
			}
			cst := time.FixedZone("CST", 8*3600)
			got := cal.AddWorkdays(time.Date(2026, 9, 30, 10, 0, 0, 0, cst), 3)
			if got.Format(time.DateOnly) != "2026-10-10" {
				t.Errorf("3 working days after 2026-09-30: %v", got)
			}
			if c2027, err := db.CalendarYear(ctx, 2027); err != nil || !c2027.HasSchedule(2026) || c2027.HasSchedule(2027) {
				t.Errorf("CalendarYear(2027) schedules %v, %v", c2027.Years(), err)
			}
		})
	}
}

func TestReferenceNotFound(t *testing.T) {
	ctx := context.Background()
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			for what, err := range map[string]error{
				"region":     second(db.Region(ctx, "439999")),
				"occupation": second(db.Occupation(ctx, "9-99-99-99")),
				"key group":  second(db.KeyGroup(ctx, "aliens")),
			} {
				if !xiangpei.IsKind(err, xiangpei.NotFound) {
					t.Errorf("missing %v: %v, want NotFound", what, err)
				}
			}
			before := len(auditAll(t, db))
			for name, fn := range map[string]func(tx *store.Tx) error{
				"region":     func(tx *store.Tx) error { return tx.UpdateRegionName("439999", "某市", 1) },
				"occupation": func(tx *store.Tx) error { return tx.UpdateOccupation("9-99-99-99", "某职业", "", 1) },
				"deprecate":  func(tx *store.Tx) error { return tx.DeprecateOccupation("9-99-99-99", "", 1) },
				"skill level": func(tx *store.Tx) error {
					return tx.UpdateSkillLevel(store.SkillLevel{Code: "0", NameZh: "零", NameEn: "Zero", Rank: 9, Version: 1})
				},
				"key group": func(tx *store.Tx) error {
					return tx.UpsertKeyGroup(store.KeyGroup{Code: "aliens", NameZh: "外星人", NameEn: "Aliens", Version: 1})
				},
				"sector": func(tx *store.Tx) error {
					return tx.UpsertSector(store.Sector{Code: "space", NameZh: "航天", NameEn: "Space", Version: 1})
				},
				"special action": func(tx *store.Tx) error { return tx.UpdateSpecialAction(42, "某行动", "Some action", 1) },
				"calendar day":   func(tx *store.Tx) error { return tx.DeleteCalendarDay("2026-03-03") },
			} {
				err := db.Tx(ctx, refAdmin, fn)
				if !xiangpei.IsKind(err, xiangpei.NotFound) {
					t.Errorf("%v: %v, want NotFound", name, err)
				}
			}
			if after := len(auditAll(t, db)); after != before {
				t.Errorf("audit grew from %d to %d entries", before, after)
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

func TestReferenceUpdateStale(t *testing.T) {
	ctx := context.Background()
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			before := len(auditAll(t, db))
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error {
				return tx.UpdateRegionName("430200", " 株洲市（更正） ", 1)
			}); err != nil {
				t.Fatal(err)
			}
			r, err := db.Region(ctx, "430200")
			if err != nil || r.Name != "株洲市（更正）" || r.Version != 2 {
				t.Fatalf("after the update: %+v, %v", r, err)
			}
			// A second officer saves over the first with the version both started from.
			err = db.Tx(ctx, refAdmin, func(tx *store.Tx) error { return tx.UpdateRegionName("430200", "株州市", 1) })
			if !xiangpei.IsKind(err, xiangpei.Conflict) || errKey(err) != "version.stale" {
				t.Fatalf("stale update: %v, want a stale-version conflict", err)
			}
			if r, _ := db.Region(ctx, "430200"); r.Name != "株洲市（更正）" || r.Version != 2 {
				t.Errorf("the stale update changed the region: %+v", r)
			}
			es := auditAll(t, db)
			if len(es) != before+1 {
				t.Fatalf("%d new audit entries, want 1", len(es)-before)
			}
			e := es[0]
			if e.Action != "reference.region.update" || e.ObjectType != "region" || e.ObjectID != "430200" ||
				e.AccountID != refAdmin.AccountID || e.Detail != `{"new_name":"株洲市（更正）","old_name":"株洲市"}` {
				t.Errorf("audit entry %+v", e)
			}

			// An occupation: a name corrected and its levels narrowed, then a stale save.
			o, err := db.Occupation(ctx, "4-10-01-05")
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error {
				return tx.UpdateOccupation(o.Code, "养老护理员", "special, 3,5,4,5", o.Version)
			}); err != nil {
				t.Fatal(err)
			}
			got, err := db.Occupation(ctx, o.Code)
			if err != nil || got.Levels != "5,4,3,special" || got.Version != o.Version+1 || got.ID != o.ID {
				t.Errorf("after the update: %+v, %v", got, err)
			}
			err = db.Tx(ctx, refAdmin, func(tx *store.Tx) error {
				return tx.UpdateOccupation(o.Code, "养老护理", "", o.Version)
			})
			if !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("stale occupation update: %v", err)
			}
			if again, _ := db.Occupation(ctx, o.Code); again != got {
				t.Errorf("the stale update changed the occupation: %+v", again)
			}
			es = auditAll(t, db)
			if es[0].Action != "reference.occupation.update" || es[0].ObjectID != o.Code ||
				!strings.Contains(es[0].Detail, `"old_levels":"5,4,3,2,1"`) || !strings.Contains(es[0].Detail, `"new_levels":"5,4,3,special"`) {
				t.Errorf("audit entry %+v", es[0])
			}

			// Skill levels, key groups, sectors and special actions are versioned the same way.
			lv, _ := db.ListSkillLevels(ctx)
			l := lv[3]
			l.NameEn = "Level 2 / Technician (技师)"
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error { return tx.UpdateSkillLevel(l) }); err != nil {
				t.Fatal(err)
			}
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error { return tx.UpdateSkillLevel(l) }); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("stale skill level: %v", err)
			}
			g, _ := db.KeyGroup(ctx, "poverty")
			g.DetailZh, g.DetailEn = "脱贫户编号", "household number"
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error { return tx.UpsertKeyGroup(g) }); err != nil {
				t.Fatal(err)
			}
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error { return tx.UpsertKeyGroup(g) }); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("stale key group: %v", err)
			}
			if g2, _ := db.KeyGroup(ctx, "poverty"); g2.DetailZh != "脱贫户编号" || g2.Version != 2 {
				t.Errorf("key group after the update: %+v", g2)
			}
			newGroup := store.KeyGroup{Code: "rural_women", NameZh: "农村妇女", NameEn: "Rural women"}
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error { return tx.UpsertKeyGroup(newGroup) }); err != nil {
				t.Fatal(err)
			}
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error { return tx.UpsertKeyGroup(newGroup) }); errKey(err) != "ref.key_group_exists" {
				t.Errorf("adding a key group twice: %v", err)
			}
			sec := store.Sector{Code: "new_energy", NameZh: "新能源", NameEn: "New energy"}
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error { return tx.UpsertSector(sec) }); err != nil {
				t.Fatal(err)
			}
			sec.NameEn, sec.Version = "New-energy industry", 1
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error { return tx.UpsertSector(sec) }); err != nil {
				t.Fatal(err)
			}
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error { return tx.UpsertSector(sec) }); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("stale sector: %v", err)
			}
			var added store.SpecialAction
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) (err error) {
				added, err = tx.AddSpecialAction(2027, "migrant_skills", "农民工技能帮扶", "Skills support for migrant workers")
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error {
				return tx.UpdateSpecialAction(added.ID, "农民工技能帮扶行动", "Skills support action for migrant workers", 1)
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error {
				return tx.UpdateSpecialAction(added.ID, "农民工技能", "Migrant skills", 1)
			}); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("stale special action: %v", err)
			}
			if as, err := db.ListSpecialActions(ctx, 2027); err != nil || len(as) != 1 || as[0].NameZh != "农民工技能帮扶行动" || as[0].Version != 2 {
				t.Errorf("special actions of 2027: %+v, %v", as, err)
			}
			if as, _ := db.ListSpecialActions(ctx, 0); len(as) != 10 {
				t.Errorf("special actions of every year: %d", len(as))
			}
			if bad, reason, err := db.VerifyAudit(ctx); err != nil || bad != 0 {
				t.Errorf("VerifyAudit = %d, %q, %v", bad, reason, err)
			}
		})
	}
}

func TestReferenceDeprecateAndAdd(t *testing.T) {
	ctx := context.Background()
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			o, _ := db.Occupation(ctx, "6-28-01-11") // 锅炉操作工
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error {
				return tx.DeprecateOccupation(o.Code, "6-28-01-01", o.Version)
			}); err != nil {
				t.Fatal(err)
			}
			got, err := db.Occupation(ctx, o.Code)
			if err != nil || !got.Deprecated || got.ReplacedBy != "6-28-01-01" || got.Name != o.Name || got.Version != o.Version+1 {
				t.Errorf("deprecated entry: %+v, %v", got, err)
			}
			if _, n := allOccupations(t, db, "", "6-28-01"); n != 15 {
				t.Errorf("a deprecated entry must be kept: %d children of 6-28-01", n)
			}
			e := auditAll(t, db)[0]
			if e.Action != "reference.occupation.deprecate" || e.ObjectID != o.Code || !strings.Contains(e.Detail, `"new_replaced_by":"6-28-01-01"`) {
				t.Errorf("audit entry %+v", e)
			}
			// Nothing may be replaced by an entry that is itself deprecated.
			other, _ := db.Occupation(ctx, "6-28-01-02")
			err = db.Tx(ctx, refAdmin, func(tx *store.Tx) error { return tx.DeprecateOccupation(other.Code, o.Code, other.Version) })
			if errKey(err) != "ref.occupation_replacement_deprecated" {
				t.Errorf("replaced by a deprecated entry: %v", err)
			}

			var added store.Occupation
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) (err error) {
				added, err = tx.AddOccupation(store.Occupation{Code: "4-10-01-07", Name: "老年助餐服务员"})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			got, err = db.Occupation(ctx, "4-10-01-07")
			if err != nil || got != added || got.Parent != "4-10-01" || got.Depth != 4 || got.Levels != "5,4,3,2,1" ||
				got.Version != 1 || got.ID == 0 || got.Edition == "" {
				t.Errorf("added %+v, stored %+v, %v", added, got, err)
			}
			e = auditAll(t, db)[0]
			if e.Action != "reference.occupation.add" || e.ObjectID != "4-10-01-07" || !strings.Contains(e.Detail, "老年助餐服务员") {
				t.Errorf("audit entry %+v", e)
			}
			err = db.Tx(ctx, refAdmin, func(tx *store.Tx) error {
				_, err := tx.AddOccupation(store.Occupation{Code: "4-10-01-05", Name: "养老护理员"})
				return err
			})
			if !xiangpei.IsKind(err, xiangpei.Conflict) || errKey(err) != "ref.occupation_exists" {
				t.Errorf("adding an existing code: %v", err)
			}
			if bad, reason, err := db.VerifyAudit(ctx); err != nil || bad != 0 {
				t.Errorf("VerifyAudit = %d, %q, %v", bad, reason, err)
			}
		})
	}
}

func TestReferenceCalendarChanges(t *testing.T) {
	ctx := context.Background()
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			// The 2027 schedule is published: one of its days is entered.
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error {
				return tx.SetCalendarDay("2027-01-01", xiangpei.DayHoliday, "元旦")
			}); err != nil {
				t.Fatal(err)
			}
			// A correction: 10 October 2026 becomes a holiday after all.
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error {
				return tx.SetCalendarDay("2026-10-10", xiangpei.DayHoliday, "国庆节")
			}); err != nil {
				t.Fatal(err)
			}
			days, err := db.ListCalendar(ctx, 2026)
			if err != nil || len(days) != 39 || days[38] != (store.CalendarDay{Day: "2026-10-10", Kind: "holiday", Name: "国庆节", Version: 2}) {
				t.Errorf("calendar 2026 after the correction: %v, %v", days[len(days)-1], err)
			}
			e := auditAll(t, db)[0]
			if e.Action != "reference.calendar.set" || e.ObjectID != "2026-10-10" ||
				e.Detail != `{"new_kind":"holiday","new_name":"国庆节","old_kind":"workday","old_name":"国庆节调休上班"}` {
				t.Errorf("audit entry %+v", e)
			}
			cal, err := db.CalendarYear(ctx, 2026)
			if err != nil {
				t.Fatal(err)
			}
			if !cal.HasSchedule(2027) || cal.IsWorkday(time.Date(2026, 10, 10, 12, 0, 0, 0, time.UTC)) {
				t.Errorf("calendar after the changes: years %v", cal.Years())
			}
			if err := db.Tx(ctx, refAdmin, func(tx *store.Tx) error { return tx.DeleteCalendarDay("2026-10-10") }); err != nil {
				t.Fatal(err)
			}
			if days, _ := db.ListCalendar(ctx, 2026); len(days) != 38 {
				t.Errorf("%d days listed after deleting one", len(days))
			}
			e = auditAll(t, db)[0]
			if e.Action != "reference.calendar.delete" || e.ObjectID != "2026-10-10" || !strings.Contains(e.Detail, `"old_kind":"holiday"`) {
				t.Errorf("audit entry %+v", e)
			}
			if all, _ := db.Calendar(ctx); !all.HasSchedule(2026) || !all.HasSchedule(2027) {
				t.Errorf("Calendar years %v", all.Years())
			}
		})
	}
}

// Bad input is refused with the key that names the problem, and nothing is written.
func TestReferenceBadInput(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("长", 101)
	cases := []struct {
		name string
		key  string
		fn   func(tx *store.Tx) error
	}{
		{"empty region name", "ref.region_name", func(tx *store.Tx) error { return tx.UpdateRegionName("430200", "  ", 1) }},
		{"region name on two lines", "ref.region_name", func(tx *store.Tx) error { return tx.UpdateRegionName("430200", "株洲\n市", 1) }},
		{"empty occupation name", "ref.occupation_name", func(tx *store.Tx) error { return tx.UpdateOccupation("4-10-01-05", "", "5", 1) }},
		{"long occupation name", "ref.occupation_name", func(tx *store.Tx) error { return tx.UpdateOccupation("4-10-01-05", long, "5", 1) }},
		{"unknown level", "ref.occupation_levels", func(tx *store.Tx) error { return tx.UpdateOccupation("4-10-01-05", "养老护理员", "5,6", 1) }},
		{"levels on a 小类", "ref.occupation_levels_depth", func(tx *store.Tx) error { return tx.UpdateOccupation("4-10-01", "生活照料服务人员", "5", 1) }},
		{"replaced by itself", "ref.occupation_replaced_self", func(tx *store.Tx) error { return tx.DeprecateOccupation("4-10-01-05", "4-10-01-05", 1) }},
		{"replaced by nothing known", "ref.occupation_replacement", func(tx *store.Tx) error { return tx.DeprecateOccupation("4-10-01-05", "4-10-01-99", 1) }},
		{"replaced across levels", "ref.occupation_replacement_depth", func(tx *store.Tx) error { return tx.DeprecateOccupation("4-10-01-05", "4-10-01", 1) }},
		{"group still in use", "ref.occupation_children", func(tx *store.Tx) error { return tx.DeprecateOccupation("4-10-01", "", 1) }},
		{"three-part code", "ref.occupation_code", func(tx *store.Tx) error { return add(tx, store.Occupation{Code: "4-10-09", Name: "某类"}) }},
		{"malformed code", "ref.occupation_code", func(tx *store.Tx) error { return add(tx, store.Occupation{Code: "4-10-1-07", Name: "某职业"}) }},
		{"depth 3", "ref.occupation_depth", func(tx *store.Tx) error {
			return add(tx, store.Occupation{Code: "4-10-01-07", Name: "某职业", Depth: 3})
		}},
		{"wrong parent", "ref.occupation_parent", func(tx *store.Tx) error {
			return add(tx, store.Occupation{Code: "4-10-01-07", Name: "某职业", Parent: "4-10-02"})
		}},
		{"missing 小类", "ref.occupation_parent", func(tx *store.Tx) error { return add(tx, store.Occupation{Code: "4-10-77-01", Name: "某职业"}) }},
		{"letters in GBM", "ref.occupation_gbm", func(tx *store.Tx) error {
			return add(tx, store.Occupation{Code: "4-10-01-07", Name: "某职业", GBM: "41O01"})
		}},
		{"added with a bad level", "ref.occupation_levels", func(tx *store.Tx) error {
			return add(tx, store.Occupation{Code: "4-10-01-07", Name: "某职业", Levels: "master"})
		}},
		{"rank 0", "ref.skill_level_rank", func(tx *store.Tx) error {
			return tx.UpdateSkillLevel(store.SkillLevel{Code: "5", NameZh: "五级", NameEn: "Level 5", Rank: 0, Version: 1})
		}},
		{"skill level without a name", "ref.skill_level_name", func(tx *store.Tx) error {
			return tx.UpdateSkillLevel(store.SkillLevel{Code: "5", NameEn: "Level 5", Rank: 1, Version: 1})
		}},
		{"key group code in capitals", "ref.key_group_code", func(tx *store.Tx) error {
			return tx.UpsertKeyGroup(store.KeyGroup{Code: "Rural", NameZh: "农村", NameEn: "Rural"})
		}},
		{"key group without an English name", "ref.key_group_name", func(tx *store.Tx) error {
			return tx.UpsertKeyGroup(store.KeyGroup{Code: "rural_women", NameZh: "农村妇女"})
		}},
		{"detail in one language", "ref.key_group_detail", func(tx *store.Tx) error {
			return tx.UpsertKeyGroup(store.KeyGroup{Code: "rural_women", NameZh: "农村妇女", NameEn: "Rural women", DetailZh: "村名"})
		}},
		{"sector code with a space", "ref.sector_code", func(tx *store.Tx) error {
			return tx.UpsertSector(store.Sector{Code: "new energy", NameZh: "新能源", NameEn: "New energy"})
		}},
		{"existing sector added", "ref.sector_exists", func(tx *store.Tx) error {
			return tx.UpsertSector(store.Sector{Code: "transport", NameZh: "交通", NameEn: "Transport"})
		}},
		{"special action of year 26", "ref.special_action_year", func(tx *store.Tx) error {
			_, err := tx.AddSpecialAction(26, "x_action", "行动", "Action")
			return err
		}},
		{"special action code", "ref.special_action_code", func(tx *store.Tx) error {
			_, err := tx.AddSpecialAction(2026, "马兰花", "行动", "Action")
			return err
		}},
		{"special action twice", "ref.special_action_exists", func(tx *store.Tx) error {
			_, err := tx.AddSpecialAction(2026, "malanhua", "“马兰花”创业培训", "Malanhua")
			return err
		}},
		{"special action without a name", "ref.special_action_name", func(tx *store.Tx) error {
			_, err := tx.AddSpecialAction(2026, "new_action", "", "New action")
			return err
		}},
		{"date without zeros", "ref.calendar_day", func(tx *store.Tx) error { return tx.SetCalendarDay("2026-9-1", "holiday", "") }},
		{"no 13th month", "ref.calendar_day", func(tx *store.Tx) error { return tx.SetCalendarDay("2026-13-01", "holiday", "") }},
		{"no 30 February", "ref.calendar_day", func(tx *store.Tx) error { return tx.SetCalendarDay("2026-02-30", "holiday", "") }},
		{"unknown kind", "ref.calendar_kind", func(tx *store.Tx) error { return tx.SetCalendarDay("2026-03-03", "vacation", "") }},
		{"working Wednesday", "ref.calendar_workday_weekday", func(tx *store.Tx) error { return tx.SetCalendarDay("2026-03-04", "workday", "") }},
		{"long day name", "ref.calendar_name", func(tx *store.Tx) error { return tx.SetCalendarDay("2026-03-07", "workday", long) }},
		{"delete a bad date", "ref.calendar_day", func(tx *store.Tx) error { return tx.DeleteCalendarDay("tomorrow") }},
	}
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			before := auditAll(t, db)
			_, occBefore := allOccupations(t, db, "", "")
			for _, c := range cases {
				err := db.Tx(ctx, refAdmin, c.fn)
				if errKey(err) != c.key {
					t.Errorf("%s: %v (key %q), want key %q", c.name, err, errKey(err), c.key)
				}
			}
			if after := auditAll(t, db); len(after) != len(before) {
				t.Errorf("refused changes wrote %d audit entries", len(after)-len(before))
			}
			if _, n := allOccupations(t, db, "", ""); n != occBefore {
				t.Errorf("%d occupations, had %d", n, occBefore)
			}
			r, _ := db.Region(ctx, "430200")
			o, _ := db.Occupation(ctx, "4-10-01-05")
			g, _ := db.ListKeyGroups(ctx)
			s, _ := db.ListSectors(ctx)
			days, _ := db.ListCalendar(ctx, 2026)
			if r.Version != 1 || o.Version != 1 || o.Deprecated || len(g) != 6 || len(s) != 6 || len(days) != 39 {
				t.Errorf("something was written: region %+v, occupation %+v, %d groups, %d sectors, %d days", r, o, len(g), len(s), len(days))
			}
		})
	}
}

func add(tx *store.Tx, o store.Occupation) error {
	_, err := tx.AddOccupation(o)
	return err
}
