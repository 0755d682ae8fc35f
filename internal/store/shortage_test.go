package store_test

import (
	"context"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

var slCST = time.FixedZone("CST", 8*3600)

// slWorld is the fixture of the shortage-list tests: a settable clock and the officers who act.
type slWorld struct {
	db                                *store.DB
	clock                             *storetest.Clock
	city, province, county, otherCity xiangpei.Actor
}

func newSLWorld(t *testing.T, db *store.DB) *slWorld {
	t.Helper()
	w := &slWorld{db: db, clock: &storetest.Clock{}}
	w.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, slCST))
	db.SetClock(w.clock.Now)
	pub := xiangpei.Duties{xiangpei.DutyPublish}
	w.city = xiangpei.Actor{AccountID: 11, Name: "zz_city", Role: xiangpei.RoleOfficer, Region: "430200", Duties: pub}
	w.province = xiangpei.Actor{AccountID: 12, Name: "hn_prov", Role: xiangpei.RoleOfficer, Region: "430000", Duties: pub}
	w.county = xiangpei.Actor{AccountID: 13, Name: "ty_county", Role: xiangpei.RoleOfficer, Region: "430211", Duties: pub}
	w.otherCity = xiangpei.Actor{AccountID: 14, Name: "cs_city", Role: xiangpei.RoleOfficer, Region: "430100", Duties: pub}
	return w
}

func (w *slWorld) at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, slCST)
}

// do runs one change as the actor.
func (w *slWorld) do(a xiangpei.Actor, fn func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error)) (xiangpei.ShortageList, error) {
	return store.Do(context.Background(), w.db, a, func(tx *store.Tx) (xiangpei.ShortageList, error) { return fn(tx, a.Scope()) })
}

// must runs one change as the actor and fails the test on an error.
func (w *slWorld) must(t *testing.T, a xiangpei.Actor, fn func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error)) xiangpei.ShortageList {
	t.Helper()
	l, err := w.do(a, fn)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (w *slWorld) create(t *testing.T, a xiangpei.Actor, region, title, from, to string) xiangpei.ShortageList {
	t.Helper()
	return w.must(t, a, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
		return tx.CreateShortageList(s, xiangpei.ShortageListInput{Region: region, Title: title, From: from, To: to})
	})
}

func (w *slWorld) add(t *testing.T, a xiangpei.Actor, l xiangpei.ShortageList, occ, level string, pct int, sectors ...string) xiangpei.ShortageList {
	t.Helper()
	return w.must(t, a, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
		return tx.AddShortageEntry(s, l.ID, l.Version, xiangpei.ShortageEntryInput{OccupationCode: occ, Level: level,
			Degree: xiangpei.ShortageModerate, UpliftPct: pct, Sectors: sectors})
	})
}

func (w *slWorld) move(t *testing.T, a xiangpei.Actor, l xiangpei.ShortageList, act xiangpei.ShortageAction, reason string) xiangpei.ShortageList {
	t.Helper()
	return w.must(t, a, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
		return tx.MoveShortageList(s, l.ID, l.Version, act, reason)
	})
}

// uplift asks what a county gets for 养老护理员 level 5 at an instant.
func (w *slWorld) uplift(t *testing.T, county, occ string, at time.Time) (int, int64, int) {
	t.Helper()
	pct, list, version, err := w.db.ShortageUplift(context.Background(), county, occ, "5", at)
	if err != nil {
		t.Fatal(err)
	}
	return pct, list, version
}

func wantKind(t *testing.T, what string, err error, kind xiangpei.Kind, key string) {
	t.Helper()
	e, ok := err.(*xiangpei.Error)
	if !ok || e.Kind != kind || (key != "" && e.Key != key) {
		t.Errorf("%s: got %v, want %s %s", what, err, kind, key)
	}
}

const (
	slCare  = "4-10-01-05" // 养老护理员
	slWeld  = "6-18-02-04" // 焊工
	slTyCnt = "430211"     // 天元区, in 株洲市
)

// TestShortageListLifecycle drafts, publishes, revises and withdraws a city's list and asks at
// every step which uplift applied at which instant, on both engines.
func TestShortageListLifecycle(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newSLWorld(t, db)
			ctx := context.Background()
			draft := w.create(t, w.city, "430200", "2026年株洲市紧缺工种目录", "2026-01-01", "2026-12-31")
			if draft.Status != xiangpei.ShortageDraft || draft.ListVersion != 1 || draft.SeriesID != draft.ID || draft.Version != 1 {
				t.Fatalf("created %+v", draft)
			}

			// Who may start a list, and for where.
			for _, c := range []struct {
				who    xiangpei.Actor
				region string
				kind   xiangpei.Kind
				key    string
			}{
				{w.county, "430200", xiangpei.Forbidden, "shortage.county_officer"},
				{w.otherCity, "430200", xiangpei.Forbidden, "shortage.region_outside"},
				{w.city, "430000", xiangpei.Forbidden, "shortage.region_outside"},
				{w.city, "430211", xiangpei.Invalid, "shortage.region_county"},
				{w.province, "439900", xiangpei.Invalid, "shortage.region_unknown"},
				{xiangpei.Actor{Name: "sys", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}, "430200", xiangpei.Forbidden, "shortage.officer_only"},
			} {
				_, err := w.do(c.who, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
					return tx.CreateShortageList(s, xiangpei.ShortageListInput{Region: c.region, Title: "紧缺工种目录", From: "2026-01-01", To: "2026-12-31"})
				})
				wantKind(t, c.who.Name+" for "+c.region, err, c.kind, c.key)
			}
			if _, n, _ := db.ShortageLists(ctx, xiangpei.Scope{All: true}, store.ShortageFilter{}, store.Page{}); n != 1 {
				t.Fatalf("refused creates wrote lists: %d", n)
			}

			// Another city's officer and the county officer do not see the draft; nor does the public.
			for _, a := range []xiangpei.Actor{w.otherCity, w.county} {
				if _, err := db.ShortageList(ctx, a.Scope(), draft.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
					t.Errorf("%s reads the draft: %v", a.Name, err)
				}
				_, err := w.do(a, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
					return tx.AddShortageEntry(s, draft.ID, draft.Version, xiangpei.ShortageEntryInput{OccupationCode: slCare, Level: "5",
						Degree: xiangpei.ShortageSevere, UpliftPct: 10})
				})
				wantKind(t, a.Name+" adds an entry", err, xiangpei.NotFound, "")
			}
			if _, err := db.PublicShortageList(ctx, draft.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("the public reads a draft: %v", err)
			}

			// Publishing an empty list is refused; entries are checked.
			_, err := w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.MoveShortageList(s, draft.ID, draft.Version, xiangpei.ShortagePublish, "")
			})
			wantKind(t, "publish empty", err, xiangpei.Invalid, "shortage.no_entries")
			l := w.add(t, w.city, draft, slCare, "5", 20, "life_services")
			if l.Version != 2 || len(l.Entries) != 1 || l.Entries[0].OccupationName != "养老护理员" || l.Entries[0].Sectors[0] != "life_services" {
				t.Fatalf("after add: %+v", l)
			}
			for _, c := range []struct {
				name    string
				version int64
				in      xiangpei.ShortageEntryInput
				kind    xiangpei.Kind
				key     string
			}{
				{"duplicate", l.Version, xiangpei.ShortageEntryInput{OccupationCode: slCare, Level: "5", Degree: xiangpei.ShortageMild, UpliftPct: 5}, xiangpei.Conflict, "shortage.duplicate_entry"},
				{"not a 细类", l.Version, xiangpei.ShortageEntryInput{OccupationCode: "4-10-01", Level: "5", Degree: xiangpei.ShortageMild}, xiangpei.Invalid, "scope.unknown_occupation"},
				{"unknown level", l.Version, xiangpei.ShortageEntryInput{OccupationCode: slWeld, Level: "9", Degree: xiangpei.ShortageMild}, xiangpei.Invalid, "scope.unknown_level"},
				{"unknown sector", l.Version, xiangpei.ShortageEntryInput{OccupationCode: slWeld, Level: "5", Degree: xiangpei.ShortageMild, Sectors: []string{"space"}}, xiangpei.Invalid, "shortage.sector"},
				{"uplift over 30", l.Version, xiangpei.ShortageEntryInput{OccupationCode: slWeld, Level: "5", Degree: xiangpei.ShortageMild, UpliftPct: 35}, xiangpei.Invalid, "shortage.uplift_range"},
				{"stale version", l.Version - 1, xiangpei.ShortageEntryInput{OccupationCode: slWeld, Level: "5", Degree: xiangpei.ShortageMild}, xiangpei.Conflict, "version.stale"},
			} {
				_, err := w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
					return tx.AddShortageEntry(s, l.ID, c.version, c.in)
				})
				wantKind(t, c.name, err, c.kind, c.key)
			}
			if got, _ := db.ShortageList(ctx, w.city.Scope(), l.ID); len(got.Entries) != 1 || got.Version != l.Version {
				t.Fatalf("refused entries changed the list: %+v", got)
			}

			// Published on 2 March 2026 at 10:00.
			t1 := w.at(2026, 3, 2, 10, 0)
			w.clock.Set(t1)
			v1 := w.move(t, w.city, l, xiangpei.ShortagePublish, "")
			if v1.Status != xiangpei.ShortagePublished || !v1.PublishedAt.Equal(t1) || v1.PublishedBy != w.city.AccountID {
				t.Fatalf("published %+v", v1)
			}
			if pct, _, _ := w.uplift(t, slTyCnt, slCare, t1.Add(-time.Second)); pct != 0 {
				t.Errorf("in force before it was published: %d%%", pct)
			}
			if pct, list, version := w.uplift(t, slTyCnt, slCare, t1); pct != 20 || list != v1.ID || version != 1 {
				t.Errorf("at publication: %d%% from %d v%d", pct, list, version)
			}
			if pct, _, _ := w.uplift(t, "430100", slCare, t1); pct != 0 {
				t.Errorf("株洲's list applies in 长沙: %d%%", pct)
			}
			if pub, err := db.PublicShortageList(ctx, v1.ID); err != nil || len(pub.Entries) != 1 {
				t.Errorf("the public reads the published list: %v %+v", err, pub)
			}

			// A published list never changes.
			_, err = w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.AddShortageEntry(s, v1.ID, v1.Version, xiangpei.ShortageEntryInput{OccupationCode: slWeld, Level: "5", Degree: xiangpei.ShortageMild})
			})
			wantKind(t, "add to published", err, xiangpei.Conflict, "shortage.not_draft")
			_, err = w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.UpdateShortageList(s, v1.ID, v1.Version, xiangpei.ShortageListInput{Title: "改名", From: "2026-01-01", To: "2026-12-31"})
			})
			wantKind(t, "rename published", err, xiangpei.Conflict, "shortage.not_draft")
			_, err = w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.MoveShortageList(s, v1.ID, v1.Version, xiangpei.ShortagePublish, "")
			})
			wantKind(t, "publish twice", err, xiangpei.Conflict, "shortage.wrong_state")

			// Revised on 1 June: a draft version 2 with the same entries; only one draft at a time.
			w.clock.Set(w.at(2026, 6, 1, 9, 0))
			_, err = w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.ReviseShortageList(s, v1.ID, v1.Version+1)
			})
			wantKind(t, "revise stale", err, xiangpei.Conflict, "version.stale")
			v2 := w.must(t, w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.ReviseShortageList(s, v1.ID, v1.Version)
			})
			if v2.Status != xiangpei.ShortageDraft || v2.ListVersion != 2 || v2.SeriesID != v1.ID || v2.RevisedFrom != v1.ID ||
				len(v2.Entries) != 1 || v2.Entries[0].UpliftPct != 20 {
				t.Fatalf("revision %+v", v2)
			}
			_, err = w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.ReviseShortageList(s, v1.ID, v1.Version)
			})
			wantKind(t, "second revision", err, xiangpei.Conflict, "shortage.draft_exists")
			v2 = w.must(t, w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.RemoveShortageEntry(s, v2.ID, v2.Version, v2.Entries[0].ID)
			})
			v2 = w.add(t, w.city, v2, slCare, "5", 25)
			v2 = w.add(t, w.city, v2, slWeld, "5", 15, "advanced_manufacturing")
			v2 = w.must(t, w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.UpdateShortageList(s, v2.ID, v2.Version, xiangpei.ShortageListInput{Title: "2026年株洲市紧缺工种目录（调整）", From: "2026-01-01", To: "2026-12-31"})
			})
			if pct, list, _ := w.uplift(t, slTyCnt, slCare, w.clock.Now()); pct != 20 || list != v1.ID {
				t.Errorf("a draft revision applies: %d%% from %d", pct, list)
			}

			// Published on 15 June at 14:30: version 1 is superseded from that instant.
			t3 := w.at(2026, 6, 15, 14, 30)
			w.clock.Set(t3)
			v2 = w.move(t, w.city, v2, xiangpei.ShortagePublish, "")
			old, err := db.PublicShortageList(ctx, v1.ID)
			if err != nil || old.Status != xiangpei.ShortageSuperseded || !old.SupersededAt.Equal(t3) || old.SupersededBy != v2.ID || len(old.Entries) != 1 {
				t.Fatalf("version 1 after version 2: %v %+v", err, old)
			}
			if pct, list, version := w.uplift(t, slTyCnt, slCare, t3.Add(-time.Microsecond)); pct != 20 || list != v1.ID || version != 1 {
				t.Errorf("just before the revision: %d%% from %d v%d", pct, list, version)
			}
			if pct, list, version := w.uplift(t, slTyCnt, slCare, t3); pct != 25 || list != v2.ID || version != 2 {
				t.Errorf("at the revision: %d%% from %d v%d", pct, list, version)
			}
			hist, err := db.ShortageHistory(ctx, xiangpei.Scope{}, v1.SeriesID)
			if err != nil || len(hist) != 2 || hist[0].ID != v2.ID || hist[1].ID != v1.ID {
				t.Errorf("history: %v %+v", err, hist)
			}

			// The province publishes its own list on 1 July: the higher uplift wins.
			t4 := w.at(2026, 7, 1, 9, 0)
			w.clock.Set(t4)
			prov := w.create(t, w.province, "430000", "2026年湖南省紧缺工种目录", "2026-01-01", "2026-12-31")
			prov = w.add(t, w.province, prov, slCare, "5", 30)
			prov = w.add(t, w.province, prov, slWeld, "5", 10)
			prov = w.add(t, w.province, prov, slCare, "4", 12)
			prov = w.move(t, w.province, prov, xiangpei.ShortagePublish, "")
			got, err := db.ShortageInForce(ctx, slTyCnt, t4)
			if err != nil || len(got) != 3 {
				t.Fatalf("in force for 天元区: %v %+v", err, got)
			}
			want := []struct {
				occ, level string
				pct        int
				list       int64
			}{{slCare, "5", 30, prov.ID}, {slCare, "4", 12, prov.ID}, {slWeld, "5", 15, v2.ID}}
			for i, x := range want {
				if g := got[i]; g.OccupationCode != x.occ || g.Level != x.level || g.UpliftPct != x.pct || g.ListID != x.list {
					t.Errorf("entry %d: %+v, want %+v", i, g, x)
				}
			}
			if got[2].Region != "430200" || got[2].ListVersion != 2 || got[1].Region != "430000" || got[2].OccupationName != "焊工" {
				t.Errorf("entries carry their list: %+v", got)
			}
			if pct, _, _ := w.uplift(t, "430100", slCare, t4); pct != 30 {
				t.Errorf("the province's list applies in 长沙: %d%%", pct)
			}
			lists, err := db.ShortageListsInForce(ctx, "430200", t4)
			if err != nil || len(lists) != 2 || lists[0].ID != prov.ID || lists[1].ID != v2.ID || len(lists[1].Entries) != 2 {
				t.Errorf("lists in force for 株洲: %v %+v", err, lists)
			}

			// Withdrawn on 1 August, with a reason; the past keeps its answer.
			t5 := w.at(2026, 8, 1, 16, 0)
			w.clock.Set(t5)
			_, err = w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.MoveShortageList(s, v2.ID, v2.Version, xiangpei.ShortageWithdraw, " ")
			})
			wantKind(t, "withdraw without reason", err, xiangpei.Invalid, "shortage.reason")
			_, err = w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.MoveShortageList(s, v2.ID, v2.Version-1, xiangpei.ShortageWithdraw, "数据有误，重新编制")
			})
			wantKind(t, "withdraw stale", err, xiangpei.Conflict, "version.stale")
			_, err = w.do(w.otherCity, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.MoveShortageList(s, v2.ID, v2.Version, xiangpei.ShortageWithdraw, "数据有误，重新编制")
			})
			wantKind(t, "another city withdraws", err, xiangpei.NotFound, "")
			v2 = w.move(t, w.city, v2, xiangpei.ShortageWithdraw, "数据有误，重新编制")
			if v2.Status != xiangpei.ShortageWithdrawn || !v2.WithdrawnAt.Equal(t5) || v2.WithdrawReason != "数据有误，重新编制" {
				t.Fatalf("withdrawn %+v", v2)
			}
			if pct, list, _ := w.uplift(t, slTyCnt, slWeld, t5); pct != 10 || list != prov.ID {
				t.Errorf("after withdrawal: %d%% from %d", pct, list)
			}
			if pct, list, _ := w.uplift(t, slTyCnt, slWeld, t5.Add(-time.Minute)); pct != 15 || list != v2.ID {
				t.Errorf("a minute before the withdrawal: %d%% from %d", pct, list)
			}
			if pct, list, _ := w.uplift(t, slTyCnt, slWeld, w.at(2026, 4, 1, 9, 0)); pct != 0 || list != 0 {
				t.Errorf("in April 焊工 was on no list: %d%% from %d", pct, list)
			}
			if _, err := w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.ReviseShortageList(s, v2.ID, v2.Version)
			}); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("revising a withdrawn list: %v", err)
			}

			// Periods: outside its days a list does not apply; two series of one region may not overlap.
			if got, err := db.ShortageInForce(ctx, slTyCnt, w.at(2027, 1, 1, 0, 0)); err != nil || len(got) != 0 {
				t.Errorf("after the period: %v %+v", err, got)
			}
			next := w.create(t, w.city, "430200", "2027年株洲市紧缺工种目录", "2027-01-01", "2027-12-31")
			next = w.add(t, w.city, next, slCare, "5", 5)
			next = w.move(t, w.city, next, xiangpei.ShortagePublish, "")
			clash := w.create(t, w.city, "430200", "株洲市紧缺工种补充目录", "2027-06-01", "2028-05-31")
			clash = w.add(t, w.city, clash, slCare, "4", 5)
			_, err = w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.MoveShortageList(s, clash.ID, clash.Version, xiangpei.ShortagePublish, "")
			})
			wantKind(t, "overlapping list", err, xiangpei.Conflict, "shortage.overlap")
			if pct, list, _ := w.uplift(t, slTyCnt, slCare, w.at(2027, 3, 1, 9, 0)); pct != 5 || list != next.ID {
				t.Errorf("in 2027: %d%% from %d", pct, list)
			}

			// Management lists: the city sees its own region's lists, the province all of them.
			if _, n, err := db.ShortageLists(ctx, w.city.Scope(), store.ShortageFilter{}, store.Page{}); err != nil || n != 4 {
				t.Errorf("the city's lists: %d %v", n, err)
			}
			if _, n, _ := db.ShortageLists(ctx, w.province.Scope(), store.ShortageFilter{}, store.Page{}); n != 5 {
				t.Errorf("the province's lists: %d", n)
			}
			if l, n, _ := db.ShortageLists(ctx, w.city.Scope(), store.ShortageFilter{Status: xiangpei.ShortageDraft}, store.Page{}); n != 1 || l[0].ID != clash.ID || l[0].EntryCount != 1 {
				t.Errorf("the city's drafts: %d %+v", n, l)
			}
			for _, a := range []xiangpei.Actor{w.county, w.otherCity, {Role: xiangpei.RoleInstitution, OrgID: 5}} {
				if _, n, _ := db.ShortageLists(ctx, a.Scope(), store.ShortageFilter{}, store.Page{}); n != 0 {
					t.Errorf("%s manages %d lists", a.Name, n)
				}
			}

			// Every change is in the audit trail.
			entries, err := db.ListAudit(ctx, xiangpei.Scope{All: true}, store.AuditFilter{ObjectType: "shortage_list", Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]int{}
			for _, e := range entries {
				seen[e.Action]++
			}
			for _, a := range []string{"shortage.create", "shortage.entry_add", "shortage.entry_remove", "shortage.update",
				"shortage.publish", "shortage.supersede", "shortage.revise", "shortage.withdraw"} {
				if seen[a] == 0 {
					t.Errorf("no audit entry %s (%v)", a, seen)
				}
			}
		})
	}
}

// A bad place is refused; an unknown occupation simply has no uplift.
func TestShortageInForceInput(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	if _, err := db.ShortageInForce(ctx, "4302", time.Now()); !xiangpei.IsKind(err, xiangpei.Invalid) {
		t.Errorf("short code: %v", err)
	}
	if _, _, _, err := db.ShortageUplift(ctx, slTyCnt, "", "5", time.Now()); !xiangpei.IsKind(err, xiangpei.Invalid) {
		t.Errorf("no occupation: %v", err)
	}
	if pct, list, v, err := db.ShortageUplift(ctx, slTyCnt, "9-99-99-99", "5", time.Now()); err != nil || pct != 0 || list != 0 || v != 0 {
		t.Errorf("unknown occupation: %d %d %d %v", pct, list, v, err)
	}
	if got, err := db.ShortageInForce(ctx, slTyCnt, time.Now()); err != nil || got == nil || len(got) != 0 {
		t.Errorf("nothing in force: %#v %v", got, err)
	}
}

// TestShortageDiscardDraft: a stray revision draft can be discarded (so the list can be revised
// again), at its version, by its region's publisher only; a published list cannot be.
func TestShortageDiscardDraft(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newSLWorld(t, db)
			l := w.create(t, w.city, "430200", "2026年株洲市紧缺工种目录", "2026-01-01", "2026-12-31")
			l = w.add(t, w.city, l, "4-10-01-05", "5", 20)
			l = w.move(t, w.city, l, xiangpei.ShortagePublish, "")
			rev := w.must(t, w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.ReviseShortageList(s, l.ID, l.Version)
			})
			_, err := w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.DiscardShortageDraft(s, l.ID, l.Version)
			})
			wantKind(t, "discarding a published list", err, xiangpei.Conflict, "shortage.discard_not_draft")
			_, err = w.do(w.otherCity, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.DiscardShortageDraft(s, rev.ID, rev.Version)
			})
			if !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another city discards the draft: %v", err)
			}
			_, err = w.do(w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.DiscardShortageDraft(s, rev.ID, rev.Version-1)
			})
			if !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("a stale discard: %v", err)
			}
			w.must(t, w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.DiscardShortageDraft(s, rev.ID, rev.Version)
			})
			if _, err := db.ShortageList(context.Background(), w.city.Scope(), rev.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("the discarded draft is still there: %v", err)
			}
			// With the stray draft gone the list can be revised again.
			w.must(t, w.city, func(tx *store.Tx, s xiangpei.Scope) (xiangpei.ShortageList, error) {
				return tx.ReviseShortageList(s, l.ID, l.Version)
			})
		})
	}
}
