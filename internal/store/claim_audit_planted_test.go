package store

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"xiangpei/internal/gen"
)

// TestClaimAuditPlanted runs the audit over a small generated city-year on both engines: every
// planted problem is found with its code exactly as many times as it was planted, on the lines
// it was planted on; every other line passes; a second run gives the same findings (R8).
func TestClaimAuditPlanted(t *testing.T) {
	w := gen.NewCityYear(7, gen.CityScale{Lines: 300, PerClass: 10}, 2026)
	if len(w.Planted) != len(gen.Plantable) {
		t.Fatalf("planted %d codes, want %d", len(w.Planted), len(gen.Plantable))
	}
	for _, engine := range []Engine{SQLite, Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			db := cityDB(t, engine)
			if db == nil {
				t.Skip("PostgreSQL not configured")
			}
			db.SetClock(func() time.Time { return w.Created.Add(time.Hour) })
			ctx := context.Background()
			if err := LoadCityYear(ctx, db, w); err != nil {
				t.Fatal(err)
			}
			run, fs, err := auditCityYear(ctx, db, w)
			if err != nil {
				t.Fatal(err)
			}
			if run.Lines != w.Lines() {
				t.Fatalf("audited %d lines, generated %d", run.Lines, w.Lines())
			}
			got := map[string]int{}
			byLine := map[int64][]string{}
			for _, f := range fs {
				parts := strings.SplitN(f, " ", 3)
				line, _ := strconv.ParseInt(parts[0], 10, 64)
				got[parts[1]]++
				byLine[line] = append(byLine[line], parts[1])
			}
			t.Logf("%d lines, %d findings, planted %v", run.Lines, len(fs), w.Planted)
			if !reflect.DeepEqual(got, w.Planted) {
				t.Errorf("findings by code %v\nplanted %v", got, w.Planted)
			}
			for line, codes := range byLine {
				want := slices.Clone(w.PlantedLines[line])
				slices.Sort(want)
				if !slices.Equal(codes, want) {
					t.Errorf("line %d: found %v, planted %v", line, codes, want)
				}
			}
			if clean := run.Lines - len(byLine); run.Passed != clean || clean != run.Lines-len(w.PlantedLines) {
				t.Errorf("%d lines passed, %d without findings, %d without a planted problem", run.Passed, clean, run.Lines-len(w.PlantedLines))
			}
			_, again, err := auditCityYear(ctx, db, w)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(fs, again) {
				t.Errorf("second run differs: %d findings, then %d", len(fs), len(again))
			}
		})
	}
}
