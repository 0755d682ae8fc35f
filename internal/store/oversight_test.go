package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// ovsPlan plants an assessment plan of body o for 养老护理员 level 4 examined at `at`, with one
// candidate per person and the given results ("pass", "fail", "absent" or ""); the plan's
// class, when not 0, is the candidates' class. It returns the plan and candidate ids.
func ovsPlan(t *testing.T, db *store.DB, o xiangpei.Organisation, at time.Time, classID int64, people []xiangpei.Person, results []string) (int64, []int64) {
	t.Helper()
	ctx := context.Background()
	plan := xiangpei.NewID()
	mode, class := "open", any(nil)
	if classID != 0 {
		mode, class = "class", classID
	}
	if err := db.Exec(ctx, `INSERT INTO assessment_plans (id, org_id, county, occupation_code, level, mode, class_id, exam_at, venue,
		capacity, pass_theory, pass_practical, status, published_at, created_at, updated_at, version)
		VALUES ($1, $2, $3, '4-10-01-05', '4', $4, $5, $6, '考场', 100, 600, 600, 'published', $6, $6, $6, 1)`,
		plan, o.ID, o.County, mode, class, at.UTC()); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, p := range people {
		id := xiangpei.NewID()
		if err := db.Exec(ctx, `INSERT INTO candidates (id, plan_id, person_id, class_id, source, status, result, created_at, updated_at, version)
			VALUES ($1, $2, $3, $4, 'body', 'accepted', $5, $6, $6, 1)`, id, plan, p.ID, class, results[i], at.UTC()); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return plan, ids
}

// ovsResults is n results of which the first passes pass and the rest fail.
func ovsResults(n, passes int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "fail"
		if i < passes {
			out[i] = "pass"
		}
	}
	return out
}

// TestEvaluationSignals plants, in a world of five assessment bodies, one certificate burst,
// one pass rate far above its peers and one examiner who taught their candidate, and finds
// each exactly once with the certificates concerned, while the bodies that stay under the
// thresholds (a steady issuer, two peers, a small body) are not flagged. It also checks the
// bodies' volumes, sorting and scope.
func TestEvaluationSignals(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			w := storetest.NewTraining(t, db)
			burst := clAssessor(t, db, "甲·突击发证评价中心", "430211")
			steady := clAssessor(t, db, "乙·平稳评价中心", "430211")
			high := clAssessor(t, db, "丙·高通过率评价中心", "430211")
			peer1 := clAssessor(t, db, "丁·同行评价中心", "430202")
			peer2 := clAssessor(t, db, "戊·同行评价中心", "430203")
			small := clAssessor(t, db, "己·小评价中心", "430202")
			all := xiangpei.Scope{All: true}

			// A clean world: nothing is flagged.
			if got, err := db.EvaluationSignals(ctx, all, 2026); err != nil || len(got) != 0 {
				t.Fatalf("an empty world: %+v, %v", got, err)
			}

			holder := certHolder(t, db, "43021119900101231", "张三丰")
			// The burst: 201 certificates on three days right after accreditation (2026-11-02).
			// The steady body: 90 in its first 90 days, three a day — under both limits.
			burstIDs := map[int64]bool{}
			err := db.Tx(ctx, w.Admin, func(tx *store.Tx) error {
				for i := range 201 {
					c, err := tx.IssueCertificate(xiangpei.Certificate{Level: "4", PersonID: holder.ID, County: burst.County,
						OccupationCode: "4-10-01-05", IssuerOrgID: burst.ID, IssuedOn: fmt.Sprintf("2026-11-%02d", 3+i%3),
						Source: xiangpei.CertFromAssessment, SourceID: int64(1000 + i)})
					if err != nil {
						return err
					}
					burstIDs[c.ID] = true
				}
				for i := range 90 {
					if _, err := tx.IssueCertificate(xiangpei.Certificate{Level: "5", PersonID: holder.ID, County: steady.County,
						OccupationCode: "4-10-01-05", IssuerOrgID: steady.ID,
						IssuedOn: time.Date(2026, 11, 3+i/3, 12, 0, 0, 0, xiangpei.ChinaTime).Format(time.DateOnly),
						Source:   xiangpei.CertFromAssessment, SourceID: int64(5000 + i)}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}

			// Pass rates in 养老护理员 level 4: 96% at the high body against 60% and 56% at two
			// peers of the province (median 58%); the small body's 100% of 10 counts for nothing.
			var people []xiangpei.Person
			for i, r := range []rune("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄") {
				people = append(people, certHolder(t, db, fmt.Sprintf("43021119850301%03d", i), "考生"+string(r)))
			}
			june := time.Date(2026, 6, 10, 9, 0, 0, 0, xiangpei.ChinaTime)
			_, highCands := ovsPlan(t, db, high, june, 0, people, ovsResults(25, 24))
			ovsPlan(t, db, peer1, june, 0, people, ovsResults(25, 15))
			ovsPlan(t, db, peer2, june.AddDate(0, 1, 0), 0, people, ovsResults(25, 14))
			ovsPlan(t, db, small, june, 0, people[:10], ovsResults(10, 10))
			// Last year's plans do not count in 2026.
			ovsPlan(t, db, peer1, june.AddDate(-1, 0, 0), 0, people, ovsResults(25, 25))
			// One of the high body's passes holds its certificate.
			highCert := clIssue(t, db, high, people[0], "4", "2026-06-20", 9000)
			if err := db.Exec(ctx, `UPDATE candidates SET certificate_id = $1 WHERE id = $2`, highCert.ID, highCands[0]); err != nil {
				t.Fatal(err)
			}

			// Examiner = teacher: a trainee completes a class taught by the institution's
			// teacher, who then examines them at the steady body.
			class := w.ApprovedClass(t, 14, 3)
			trainee := certHolder(t, db, "43021120000505123", "王学员")
			if err := db.Tx(ctx, w.Admin, func(tx *store.Tx) error {
				_, err := tx.AddTrainee(all, class.ID, trainee.ID, xiangpei.SourceManual)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.Exec(ctx, `UPDATE trainees SET status = 'completed' WHERE person_id = $1`, trainee.ID); err != nil {
				t.Fatal(err)
			}
			plan, cands := ovsPlan(t, db, steady, time.Date(2026, 12, 20, 9, 0, 0, 0, xiangpei.ChinaTime), class.ID,
				[]xiangpei.Person{trainee}, []string{"pass"})
			teacher := w.Teachers[0]
			if err := db.Exec(ctx, `INSERT INTO plan_examiners (id, plan_id, name, id_number) VALUES ($1, $2, $3, $4)`,
				xiangpei.NewID(), plan, teacher.Name, string(teacher.IDNumber)); err != nil {
				t.Fatal(err)
			}
			// An examiner who taught nobody is no conflict.
			if err := db.Exec(ctx, `INSERT INTO plan_examiners (id, plan_id, name, id_number) VALUES ($1, $2, '外聘考评员', '430211197001011234')`,
				xiangpei.NewID(), plan); err != nil {
				t.Fatal(err)
			}

			got, err := db.EvaluationSignals(ctx, all, 2026)
			if err != nil {
				t.Fatal(err)
			}
			byCode := map[string][]store.EvaluationSignal{}
			for _, g := range got {
				byCode[g.Code] = append(byCode[g.Code], g)
			}
			if len(got) != 3 || len(byCode[store.SignalCertBurst]) != 1 || len(byCode[store.SignalPassRateOutlier]) != 1 ||
				len(byCode[store.SignalExaminerTeacher]) != 1 {
				for _, g := range got {
					t.Logf("signal %s %s %+v", g.Code, g.OrgName, g)
				}
				t.Fatalf("got %d signals, want one of each code", len(got))
			}
			b := byCode[store.SignalCertBurst][0]
			if b.OrgID != burst.ID || !b.EarlyBurst || b.EarlyCount != 201 || b.EarlyFrom != "2026-11-02" || b.EarlyTo != "2027-01-30" ||
				!b.WindowBurst || b.WindowCount != 201 || b.WindowFrom != "2026-11-03" || b.WindowTo != "2026-11-09" || len(b.CertificateIDs) != 201 {
				t.Errorf("burst: %+v", b)
			}
			for _, id := range b.CertificateIDs {
				if !burstIDs[id] {
					t.Errorf("burst lists certificate %d, not the body's", id)
				}
			}
			o := byCode[store.SignalPassRateOutlier][0]
			if o.OrgID != high.ID || o.OccupationCode != "4-10-01-05" || o.Level != "4" || o.Sat != 25 || o.Passes != 24 ||
				o.RatePct != 96 || o.PeerMedianPct != 58 || o.Peers != 2 || fmt.Sprint(o.CertificateIDs) != fmt.Sprint([]int64{highCert.ID}) {
				t.Errorf("outlier: %+v", o)
			}
			x := byCode[store.SignalExaminerTeacher][0]
			if x.OrgID != steady.ID || x.PlanID != plan || x.CandidateID != cands[0] || x.PersonID != trainee.ID ||
				x.ExaminerName != teacher.Name || x.ClassID != class.ID || x.CandidateName != "王学员" {
				t.Errorf("examiner = teacher: %+v", x)
			}

			// Scope: the county sees its own bodies' signals, another county none of them;
			// peers in other counties still count for the comparison.
			if got, _ := db.EvaluationSignals(ctx, xiangpei.Scope{Region: "430211"}, 2026); len(got) != 3 {
				t.Errorf("the county's signals: %d", len(got))
			}
			if got, _ := db.EvaluationSignals(ctx, xiangpei.Scope{Region: "430202"}, 2026); len(got) != 0 {
				t.Errorf("another county's signals: %+v", got)
			}
			if got, _ := db.EvaluationSignals(ctx, xiangpei.Scope{PersonID: trainee.ID}, 2026); len(got) != 0 {
				t.Errorf("a person's signals: %+v", got)
			}
			if got, _ := db.EvaluationSignals(ctx, all, 2025); len(got) != 0 {
				t.Errorf("2025: %+v", got)
			}

			// The bodies' volumes.
			list, total, err := db.BodyStatsList(ctx, xiangpei.Scope{Region: "43"}, 2026, "pass_rate", store.Page{})
			if err != nil || total != 6 || len(list) != 6 {
				t.Fatalf("bodies: %d of %d, %v", len(list), total, err)
			}
			// steady (1 of 1, for the conflict plan) and small (10 of 10) tie at 100% by name, then high.
			if list[0].OrgID != steady.ID || list[1].OrgID != small.ID || list[2].OrgID != high.ID || list[2].PassRate() != 96 ||
				list[2].Plans != 1 || list[2].Candidates != 25 || list[2].Sat != 25 || list[2].Passes != 24 || list[2].Issued != 1 {
				t.Errorf("sorted by pass rate: %+v", list[:3])
			}
			for i := 1; i < len(list); i++ {
				if list[i].PassRate() > list[i-1].PassRate() {
					t.Errorf("pass rates out of order: %+v", list)
				}
			}
			list, _, _ = db.BodyStatsList(ctx, xiangpei.Scope{Region: "430211"}, 2026, "issued", store.Page{})
			if len(list) != 3 || list[0].OrgID != burst.ID || list[0].Issued != 201 || list[1].OrgID != steady.ID || list[1].Issued != 90 ||
				list[0].PassRate() != -1 {
				t.Errorf("the county's bodies by issued: %+v", list)
			}
			list, total, _ = db.BodyStatsList(ctx, xiangpei.Scope{OrgID: w.Inst.ID}, 2026, "", store.Page{})
			if total != 0 || len(list) != 0 {
				t.Errorf("an institution's scope lists bodies: %+v", list)
			}
			d, err := db.Body(ctx, xiangpei.Scope{Region: "430211"}, high.ID, 2026)
			if err != nil || len(d.Plans) != 1 || d.Plans[0].Passes != 24 || d.Plans[0].Fails != 1 || len(d.Months) != 12 ||
				d.Months[5].Plans != 1 || d.Months[5].Candidates != 25 || d.Months[5].Issued != 1 || d.Months[10].Issued != 0 {
				t.Errorf("one body: %+v, %v", d, err)
			}
			if d, _ := db.Body(ctx, all, peer1.ID, 2025); d.Stats.Passes != 25 || len(d.Plans) != 1 {
				t.Errorf("last year's plan: %+v", d)
			}
			if _, err := db.Body(ctx, xiangpei.Scope{Region: "430202"}, high.ID, 2026); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another county's body: %v", err)
			}
			if _, err := db.Body(ctx, all, w.Inst.ID, 2026); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("an institution as a body: %v", err)
			}
		})
	}
}
