package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/gen"
)

// TestClaimAuditAttendanceCandidates: the audit judges only the classes whose events could hold
// an anomaly (attendanceCandidates); on the same data, judging every class of the selection (the
// plain path) gives exactly the same findings, on both engines, and the candidates are fewer
// than the classes.
func TestClaimAuditAttendanceCandidates(t *testing.T) {
	w := gen.NewCityYear(11, gen.CityScale{Lines: 300, PerClass: 10}, 2026)
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
			judge := func(all bool) ([]xiangpei.AuditFinding, int, int) {
				a := &auditor{ctx: ctx, q: db.read, db: db, sel: AuditSelection{Region: w.Region, Year: w.Year}, rules: db.Rules()}
				if err := a.lineFacts(); err != nil {
					t.Fatal(err)
				}
				a.out = nil
				s, err := a.selectionSessions()
				if err != nil {
					t.Fatal(err)
				}
				classes, err := a.attendanceCandidates(s)
				if err != nil {
					t.Fatal(err)
				}
				if all {
					classes = classes[:0]
					for c := range s.byClass {
						classes = append(classes, c)
					}
					slices.Sort(classes)
				}
				if err := a.judgeAttendance(s, classes); err != nil {
					t.Fatal(err)
				}
				return a.result(), len(classes), len(s.byClass)
			}
			fast, candidates, total := judge(false)
			plain, _, _ := judge(true)
			if len(plain) == 0 {
				t.Fatal("the plain path found no attendance anomaly in planted data")
			}
			if !slices.Equal(fast, plain) {
				t.Errorf("candidates path: %d findings, plain path: %d\n%v\n%v", len(fast), len(plain), fast, plain)
			}
			if candidates >= total {
				t.Errorf("%d candidate classes of %d: nothing left out", candidates, total)
			}
			t.Logf("%d of %d classes judged, %d findings", candidates, total, len(fast))
		})
	}
}

// TestEventNanos: the attendance stream's reader of stored times as text gives the instant
// time.Parse gives, for the forms SQLite and PostgreSQL return and a few others.
func TestEventNanos(t *testing.T) {
	for _, c := range []struct{ text, layout string }{
		{"2026-03-02 00:50:00+00:00", "2006-01-02 15:04:05-07:00"},
		{"2026-03-02 00:50:00+00", "2006-01-02 15:04:05-07"},
		{"2026-03-02 08:50:00.123456+08", "2006-01-02 15:04:05.999999-07"},
		{"2024-02-29 23:59:59.5-05:30", "2006-01-02 15:04:05.9-07:00"},
		{"2026-12-31T16:00:00Z", time.RFC3339},
		{"2026-03-02 00:50:00", "2006-01-02 15:04:05"},
		{"1969-12-31 23:59:59.25+00:00", "2006-01-02 15:04:05.99-07:00"},
		{"2000-03-01 00:00:00+00:00", "2006-01-02 15:04:05-07:00"},
	} {
		want, err := time.Parse(c.layout, c.text)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := eventNanos([]byte(c.text))
		if !ok || got != want.UnixNano() {
			t.Errorf("%s: %d %v, want %d", c.text, got, ok, want.UnixNano())
		}
	}
	if _, ok := eventNanos([]byte("gestern")); ok {
		t.Error("a text that is no time was read")
	}
}
