package seed_test

import (
	"context"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// freshDBs returns empty, migrated databases: a SQLite file, and PostgreSQL when configured.
func freshDBs(t *testing.T) []*store.DB {
	t.Helper()
	ctx := context.Background()
	dsns := []string{filepath.Join(t.TempDir(), "seed.db")}
	if dsn := storetest.PostgresDSN(t); dsn != "" {
		dsns = append(dsns, dsn)
	}
	var dbs []*store.DB
	for _, dsn := range dsns {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		dbs = append(dbs, db)
	}
	return dbs
}

// snapshot is everything the reference tables hold.
type snapshot struct {
	regions  []store.Region
	occs     []store.Occupation
	levels   []store.SkillLevel
	groups   []store.KeyGroup
	sectors  []store.Sector
	actions  []store.SpecialAction
	calendar []store.CalendarDay
	audit    []store.AuditEntry
}

func take(t *testing.T, db *store.DB) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	var err error
	must := func(e error) {
		t.Helper()
		if e != nil {
			t.Fatal(e)
		}
	}
	s.regions, err = db.ListRegions(ctx)
	must(err)
	for off := 0; ; off += 500 {
		page, total, err := db.ListOccupations(ctx, "", "", store.Page{Offset: off, Limit: 500})
		must(err)
		s.occs = append(s.occs, page...)
		if len(s.occs) >= total || len(page) == 0 {
			break
		}
	}
	s.levels, err = db.ListSkillLevels(ctx)
	must(err)
	s.groups, err = db.ListKeyGroups(ctx)
	must(err)
	s.sectors, err = db.ListSectors(ctx)
	must(err)
	s.actions, err = db.ListSpecialActions(ctx, 0)
	must(err)
	s.calendar, err = db.ListCalendar(ctx, 0)
	must(err)
	s.audit, err = db.ListAudit(ctx, xiangpei.Scope{All: true}, store.AuditFilter{Limit: 200})
	must(err)
	return s
}

func TestReferenceTwice(t *testing.T) {
	ctx := context.Background()
	for _, db := range freshDBs(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			start := time.Now()
			if err := seed.Reference(ctx, db); err != nil {
				t.Fatalf("first run: %v", err)
			}
			if d := time.Since(start); d > 2*time.Second && !raceDetector() {
				t.Errorf("loading the reference data took %v", d)
			} else {
				t.Logf("loaded in %v", d)
			}
			first := take(t, db)
			if len(first.regions) != 24 || len(first.occs) != 2176 || len(first.levels) != 7 || len(first.groups) != 6 ||
				len(first.sectors) != 6 || len(first.actions) != 9 || len(first.calendar) != 39 {
				t.Fatalf("loaded %d regions, %d occupations, %d levels, %d groups, %d sectors, %d actions, %d days",
					len(first.regions), len(first.occs), len(first.levels), len(first.groups), len(first.sectors),
					len(first.actions), len(first.calendar))
			}
			if len(first.audit) != 1 || first.audit[0].Action != "reference.seed" || first.audit[0].AccountName != "system" {
				t.Fatalf("audit after the first run: %+v", first.audit)
			}
			want := `{"calendar_days":39,"key_groups":6,"occupations":2176,"regions":24,"sectors":6,"skill_levels":7,"special_actions":9}`
			if first.audit[0].Detail != want {
				t.Errorf("audit detail %s, want %s", first.audit[0].Detail, want)
			}
			ids := map[int64]bool{}
			for _, o := range first.occs {
				if o.ID == 0 || ids[o.ID] {
					t.Fatalf("occupation %v has id %d, zero or repeated", o.Code, o.ID)
				}
				ids[o.ID] = true
			}

			if err := seed.Reference(ctx, db); err != nil {
				t.Fatalf("second run: %v", err)
			}
			second := take(t, db)
			if !equalSnapshots(first, second) {
				t.Error("the second run changed the reference data or the audit trail")
			}
			if bad, reason, err := db.VerifyAudit(ctx); err != nil || bad != 0 {
				t.Errorf("VerifyAudit = %d, %q, %v", bad, reason, err)
			}
		})
	}
}

// A corrected name survives another run, and a table emptied by hand is filled again alone.
func TestReferenceKeepsCorrections(t *testing.T) {
	ctx := context.Background()
	for _, db := range freshDBs(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			if err := seed.Reference(ctx, db); err != nil {
				t.Fatal(err)
			}
			admin := xiangpei.Actor{AccountID: 1, Name: "admin"}
			o, err := db.Occupation(ctx, "4-10-01-05")
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Tx(ctx, admin, func(tx *store.Tx) error {
				if err := tx.UpdateOccupation(o.Code, o.Name+"（更正）", "5,4", o.Version); err != nil {
					return err
				}
				for _, d := range []string{"2026-10-10", "2026-09-20"} {
					if err := tx.DeleteCalendarDay(d); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if err := seed.Reference(ctx, db); err != nil {
				t.Fatal(err)
			}
			got, err := db.Occupation(ctx, o.Code)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != o.Name+"（更正）" || got.Levels != "5,4" {
				t.Errorf("correction lost: %+v", got)
			}
			days, err := db.ListCalendar(ctx, 2026)
			if err != nil {
				t.Fatal(err)
			}
			if len(days) != 37 {
				t.Errorf("calendar has %d days after the second run, want the 37 left", len(days))
			}
			audit, err := db.ListAudit(ctx, xiangpei.Scope{All: true}, store.AuditFilter{Action: "reference.seed"})
			if err != nil {
				t.Fatal(err)
			}
			if len(audit) != 1 {
				t.Errorf("%d reference.seed entries, want 1", len(audit))
			}

			// Emptied by hand, the calendar alone is loaded again, with an entry saying so.
			if err := db.Tx(ctx, admin, func(tx *store.Tx) error {
				for _, d := range days {
					if err := tx.DeleteCalendarDay(d.Day); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if err := seed.Reference(ctx, db); err != nil {
				t.Fatal(err)
			}
			if days, err = db.ListCalendar(ctx, 2026); err != nil || len(days) != 39 {
				t.Errorf("calendar has %d days after reloading, want 39 (%v)", len(days), err)
			}
			if got, err := db.Occupation(ctx, o.Code); err != nil || got.Version != o.Version+1 {
				t.Errorf("occupation touched by the reload: %+v, %v", got, err)
			}
			audit, err = db.ListAudit(ctx, xiangpei.Scope{All: true}, store.AuditFilter{Action: "reference.seed"})
			if err != nil {
				t.Fatal(err)
			}
			if len(audit) != 2 || audit[0].Detail != `{"calendar_days":39}` {
				t.Errorf("reference.seed entries after reloading the calendar: %+v", audit)
			}
			if bad, reason, err := db.VerifyAudit(ctx); err != nil || bad != 0 {
				t.Errorf("VerifyAudit = %d, %q, %v", bad, reason, err)
			}
		})
	}
}

func TestReferenceData(t *testing.T) {
	d, err := seed.ReferenceData()
	if err != nil {
		t.Fatal(err)
	}
	depths := map[int]int{}
	codes := map[string]int{}
	for _, o := range d.Occupations {
		depths[o.Depth]++
		codes[o.Code] = o.Depth
		if (o.Depth == 4) != (o.Levels == "5,4,3,2,1") || o.Edition != "2022" {
			t.Errorf("%v: depth %d, levels %q, edition %q", o.Code, o.Depth, o.Levels, o.Edition)
		}
	}
	if depths[1] != 8 || depths[2] != 79 || depths[3] != 450 || depths[4] != 1639 {
		t.Errorf("occupations by depth %v, want 8, 79, 450, 1639", depths)
	}
	for _, o := range d.Occupations {
		if o.Depth > 1 && codes[o.Parent] != o.Depth-1 {
			t.Errorf("%v: parent %q is not an entry one level up", o.Code, o.Parent)
		}
	}
	levels := map[string]int{}
	for _, r := range d.Regions {
		levels[r.Level]++
	}
	if levels["province"] != 1 || levels["city"] != 14 || levels["county"] != 9 {
		t.Errorf("regions by level %v", levels)
	}
	codesOf := func(n int, code func(i int) string) map[string]bool {
		m := map[string]bool{}
		for i := range n {
			m[code(i)] = true
		}
		return m
	}
	groups := codesOf(len(d.KeyGroups), func(i int) string { return d.KeyGroups[i].Code })
	for _, c := range []string{"migrant", "graduate", "veteran", "disabled", "unemployed", "poverty"} {
		if !groups[c] {
			t.Errorf("key group %v missing", c)
		}
	}
	for _, g := range d.KeyGroups {
		if g.Sensitive != (g.Code == "veteran" || g.Code == "disabled") {
			t.Errorf("key group %v sensitive = %v", g.Code, g.Sensitive)
		}
	}
	actions := codesOf(len(d.SpecialActions), func(i int) string { return d.SpecialActions[i].Code })
	if len(actions) != 9 || !actions["migrant_skills"] || !actions["graduate_skills"] || !actions["excellent_technician"] || !actions["malanhua"] {
		t.Errorf("special actions %v", actions)
	}
	for _, a := range d.SpecialActions {
		if a.Year != 2026 || a.NameZh == "" || a.NameEn == "" {
			t.Errorf("special action %+v", a)
		}
	}
	if len(d.Sectors) != 6 || len(d.SkillLevels) != 7 || len(d.Calendar) != 39 {
		t.Errorf("%d sectors, %d skill levels, %d calendar days", len(d.Sectors), len(d.SkillLevels), len(d.Calendar))
	}
}

// raceDetector reports whether the test runs under -race, which slows the SQLite driver ten-fold.
func raceDetector() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

func equalSnapshots(a, b snapshot) bool {
	return equal(a.regions, b.regions) && equal(a.occs, b.occs) && equal(a.levels, b.levels) &&
		equal(a.groups, b.groups) && equal(a.sectors, b.sectors) && equal(a.actions, b.actions) &&
		equal(a.calendar, b.calendar) && equal(a.audit, b.audit)
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
