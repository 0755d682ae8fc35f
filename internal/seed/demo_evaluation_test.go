package seed_test

import (
	"context"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestDemoEvaluation: the demo world shows 评 and 赛 at once, on both engines — a published
// assessment with certificates (one revoked), an assessment open for sign-up, a finished
// competition whose winner was promoted with the basis on the certificate and titled, a
// competition open for registration, and the closed 电工 class still waiting for a plan.
func TestDemoEvaluation(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Demo(ctx, db); err != nil {
				t.Fatal(err)
			}
			all := xiangpei.Scope{All: true}
			for st, want := range map[xiangpei.PlanStatus]int{xiangpei.PlanPublished: 1, xiangpei.PlanOpen: 1} {
				plans, n, err := db.Plans(ctx, all, store.PlanFilter{Status: st}, store.Page{Limit: 5})
				if err != nil || n != want {
					t.Fatalf("%s plans: %d (%v)", st, n, err)
				}
				if st == xiangpei.PlanOpen && !plans[0].RegistrationOpen(db.Now()) {
					t.Errorf("the open plan takes no sign-ups now: exam %v", plans[0].ExamAt)
				}
			}
			certs, n, err := db.Certificates(ctx, all, store.CertFilter{}, store.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			byStatus, promoted := map[xiangpei.CertStatus]int{}, 0
			for _, c := range certs {
				byStatus[c.Status]++
				if _, err := xiangpei.ParseCertNumber(c.Number); err != nil {
					t.Errorf("certificate %s: %v", c.Number, err)
				}
				if c.Source == xiangpei.CertFromCompetition {
					promoted++
					if c.Level != "4" || !strings.Contains(c.Basis, "人社部发〔2022〕14号") || !strings.Contains(c.Basis, "一等奖") && !strings.Contains(c.Basis, "二等奖") {
						t.Errorf("promotion certificate: level %s, basis %q", c.Level, c.Basis)
					}
				}
			}
			if n < 8 || byStatus[xiangpei.CertRevoked] != 1 || promoted == 0 {
				t.Errorf("certificates: %d in all, by status %v, %d from the competition", n, byStatus, promoted)
			}
			for st, want := range map[xiangpei.CompetitionStatus]int{xiangpei.CompetitionPublished: 1, xiangpei.CompetitionOpen: 1} {
				list, n, err := db.Competitions(ctx, all, store.CompetitionFilter{Status: st}, store.Page{Limit: 5})
				if err != nil || n != want {
					t.Fatalf("%s competitions: %d (%v)", st, n, err)
				}
				if st != xiangpei.CompetitionPublished {
					continue
				}
				ranked, err := db.ContestResults(ctx, list[0].ID)
				if err != nil || len(ranked) < 5 {
					t.Fatalf("ranking: %d (%v)", len(ranked), err)
				}
				awards := map[xiangpei.Award]int{}
				for _, e := range ranked {
					awards[e.Award]++
				}
				if awards[xiangpei.AwardFirst] != 1 || awards[xiangpei.AwardSecond] == 0 {
					t.Errorf("awards: %v", awards)
				}
				entries, err := db.EntriesOf(ctx, all, ranked[0].PersonID)
				if err != nil || len(entries) != 1 {
					t.Fatalf("the winner's entries: %d (%v)", len(entries), err)
				}
				kinds := map[string]bool{}
				for _, h := range entries[0].Honours {
					kinds[h.Kind] = true
					if h.Kind == "title" && h.Title != "株洲市技术能手" {
						t.Errorf("title %q", h.Title)
					}
				}
				if !kinds["promotion"] || !kinds["title"] {
					t.Errorf("the winner's honours: %+v", entries[0].Honours)
				}
			}
			closed, _, err := db.Classes(ctx, all, store.ClassFilter{Status: xiangpei.ClassClosed}, store.Page{Limit: 5})
			if err != nil || len(closed) == 0 {
				t.Fatal(err)
			}
			bodies, _, err := db.SearchOrgs(ctx, all, "assessor", "", "", store.Page{Limit: 1})
			if err != nil || len(bodies) != 1 {
				t.Fatalf("demo assessment body: %v", err)
			}
			opts, err := db.ClosedClasses(ctx, xiangpei.Scope{OrgID: bodies[0].ID}, bodies[0].ID, closed[0].OccupationCode, closed[0].Level)
			if err != nil || len(opts) == 0 {
				t.Errorf("the closed class cannot be chosen for a plan: %v %v", opts, err)
			}
		})
	}
}
