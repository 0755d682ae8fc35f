package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/gen"
)

// TestClaimAuditDuplicatesPlain: already_subsidised and over_yearly_count decided in one pass
// by person (auditor.duplicates) give exactly the findings of the plain checks, one SQL
// condition each with correlated subqueries (plainDuplicateChecks), on the same data, on both
// engines: the planted city-year plus prior subsidies of a higher, a lower and another
// occupation's level, and a line made not payable.
func TestClaimAuditDuplicatesPlain(t *testing.T) {
	w := gen.NewCityYear(13, gen.CityScale{Lines: 300, PerClass: 10}, 2026)
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
			// prior subsidies beside four ordinary lines: a higher level of the same occupation
			// (already subsidised), another occupation's of last year (nothing), two and three
			// of another occupation this year (at the yearly limit, and over it); and one line
			// not payable
			c := w.Classes[len(w.Classes)-1]
			for i, ps := range []struct {
				tr         int
				occ, level string
				year       int
			}{{2, gen.Occupation, "4", 2025}, {3, gen.PriorOccupation, "3", 2025}, {4, gen.PriorOccupation, "3", 2026},
				{4, gen.PriorOccupation, "4", 2026}, {5, gen.PriorOccupation, "5", 2026}, {5, gen.PriorOccupation, "4", 2026},
				{5, gen.PriorOccupation, "3", 2026}} {
				if _, err := db.write.ExecContext(ctx, `INSERT INTO prior_subsidies (id, person_id, occupation_code, level, year, paid_on,
					amount_fen, import_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, 100000, 0, $7)`, int64(1)<<50+int64(i),
					w.Persons[c.Trainees[ps.tr].Person].ID, ps.occ, ps.level, ps.year, "2025-06-30", w.Created); err != nil {
					t.Fatal(err)
				}
			}
			if len(w.ExtraRows) > 0 {
				if _, err := db.write.ExecContext(ctx, `UPDATE claim_lines SET payable = $2 WHERE id = $1`, c.Trainees[6].LineID, false); err != nil {
					t.Fatal(err)
				}
			}
			run := func(fast bool) []xiangpei.AuditFinding {
				a := &auditor{ctx: ctx, q: db.read, db: db, sel: AuditSelection{Region: w.Region, Year: w.Year}, rules: db.Rules()}
				if err := a.lineFacts(); err != nil {
					t.Fatal(err)
				}
				a.out = nil
				if fast {
					if err := a.duplicates(); err != nil {
						t.Fatal(err)
					}
				} else {
					for _, ch := range plainDuplicateChecks {
						if err := a.sqlCondition(ch); err != nil {
							t.Fatal(err)
						}
					}
				}
				return a.result()
			}
			fast, plain := run(true), run(false)
			codes := map[string]int{}
			for _, f := range plain {
				codes[f.Code]++
			}
			if codes[xiangpei.CheckAlreadySubsidised] < 3 || codes[xiangpei.CheckYearlyCount] < 2 {
				t.Fatalf("the plain checks found too little to compare: %v", codes)
			}
			if !slices.Equal(fast, plain) {
				t.Errorf("one pass: %d findings, plain: %d\n%v\n%v", len(fast), len(plain), fast, plain)
			}
			t.Logf("%d findings %v", len(plain), codes)
		})
	}
}
