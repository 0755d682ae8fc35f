package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/gen"
)

// TestClaimAuditCertificatesPlain: cert_mismatch, cert_unknown, cert_revoked, cert_timing and
// evaluation_signal decided from one certificate join (auditor.certificates) give exactly the
// findings of the plain checks — one SQL condition each (plainCertChecks), certTiming's and
// evaluation's own queries — on the same planted city-year, on both engines.
func TestClaimAuditCertificatesPlain(t *testing.T) {
	w := gen.NewCityYear(17, gen.CityScale{Lines: 300, PerClass: 10}, 2026)
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
			run := func(fast bool) []xiangpei.AuditFinding {
				a := &auditor{ctx: ctx, q: db.read, db: db, sel: AuditSelection{Region: w.Region, Year: w.Year}, rules: db.Rules()}
				if err := a.lineFacts(); err != nil {
					t.Fatal(err)
				}
				a.out = nil
				if fast {
					if err := a.certificates(); err != nil {
						t.Fatal(err)
					}
					return a.result()
				}
				for _, ch := range plainCertChecks {
					if err := a.sqlCondition(ch); err != nil {
						t.Fatal(err)
					}
				}
				if err := a.certTiming(); err != nil {
					t.Fatal(err)
				}
				if err := a.evaluation(); err != nil {
					t.Fatal(err)
				}
				return a.result()
			}
			fast, plain := run(true), run(false)
			codes := map[string]int{}
			for _, f := range plain {
				codes[f.Code]++
			}
			for _, c := range []string{xiangpei.CheckCertMismatch, xiangpei.CheckCertUnknown, xiangpei.CheckCertRevoked, xiangpei.CheckCertTiming,
				xiangpei.CheckEvalSignal} {
				if codes[c] == 0 {
					t.Errorf("the plain checks found no %s to compare", c)
				}
			}
			if !slices.Equal(fast, plain) {
				t.Errorf("one join: %d findings, plain: %d\n%v\n%v", len(fast), len(plain), fast, plain)
			}
			t.Logf("%d findings %v", len(plain), codes)
		})
	}
}
