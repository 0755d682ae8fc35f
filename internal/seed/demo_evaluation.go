package seed

import (
	"fmt"
	"strconv"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// 评 and 赛 in the demo, replayed at the moments they happened like the classes:
//   - a finished assessment (养老护理员 五级, open to individuals) with sign-ups accepted, one
//     refused and one withdrawn, scores (passes, a fail, an absence), published results with
//     certificates, and one certificate later revoked;
//   - an assessment (电工 四级) open for sign-up now, with a few sign-ups waiting;
//   - a finished city competition (养老护理员) entered by the new certificate holders, with
//     ranks, awards, a promotion to 四级 and the title 株洲市技术能手 — won by 王芳, whose
//     lifelong record shows the certificate, the award and the promotion;
//   - a city competition (电工) open for registration now.
// The closed 电工 class of the training demo is left without an assessment plan, for the
// assessment body to schedule one (and for the browser journey to do so).

// demoExaminers are the assessment body's examiners (考评员): not teachers of any demo class.
var demoExaminers = []xiangpei.Examiner{
	{Name: "龙建军", IDNumber: xiangpei.IDNumber(completeID("43020219700412301"))},
	{Name: "谭慧敏", IDNumber: xiangpei.IDNumber(completeID("43020319780923402"))},
}

func demoEvaluation(d *demoWorld, body, wang int64) error {
	tx := d.tx
	bodyScope := xiangpei.Scope{OrgID: body}
	today := time.Date(d.now.In(xiangpei.ChinaTime).Year(), d.now.In(xiangpei.ChinaTime).Month(), d.now.In(xiangpei.ChinaTime).Day(), 0, 0, 0, 0, xiangpei.ChinaTime)
	at := func(daysAgo int, hour int) time.Time {
		return today.AddDate(0, 0, -daysAgo).Add(time.Duration(hour) * time.Hour)
	}
	people := append([]int64{wang}, d.persons[32:43]...) // 王芳 (a demo account) and trainees of no demo class

	// The finished assessment.
	var plan xiangpei.Plan
	err := d.at(at(95, 10), func() error {
		var err error
		plan, err = tx.CreatePlan(bodyScope, body, xiangpei.PlanInput{OccupationCode: "4-10-01-05", Level: "5", Mode: xiangpei.PlanOpenMode,
			ExamAt: at(75, 9), Venue: "株洲市职业技能等级认定中心 荷塘区新华西路 1 号 3 楼考场", Capacity: 30, Examiners: demoExaminers})
		if err != nil {
			return err
		}
		plan, err = tx.MovePlan(bodyScope, plan.ID, plan.Version, xiangpei.PlanAnnounce, nil)
		return err
	})
	if err != nil {
		return fmt.Errorf("demo assessment: %w", err)
	}
	cands := map[int64]store.CandidateRow{}
	err = d.at(at(88, 20), func() error {
		for _, id := range people {
			c, err := tx.Register(id, plan.ID)
			if err != nil {
				return err
			}
			cands[id] = c
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo sign-ups: %w", err)
	}
	err = d.at(at(85, 10), func() error {
		for i, id := range people {
			act, reason := xiangpei.CandidateAccept, ""
			switch i {
			case 10:
				act, reason = xiangpei.CandidateReject, "报名材料中缺少养老护理相关工作经历证明，请补齐后报下一期。"
			case 11:
				act = xiangpei.CandidateWithdraw
			}
			c, err := tx.MoveCandidate(bodyScope, plan.ID, cands[id].ID, cands[id].Version, act, reason)
			if err != nil {
				return err
			}
			cands[id] = c
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo candidate review: %w", err)
	}
	err = d.at(at(74, 15), func() error {
		var entries []store.ScoreEntry
		for i, id := range people[:10] {
			e := store.ScoreEntry{CandidateID: cands[id].ID, Theory: 880 - i*23, Practical: 905 - i*31}
			switch i {
			case 8: // a fail: practical under the mark
				e.Theory, e.Practical = 715, 545
			case 9:
				e = store.ScoreEntry{CandidateID: cands[id].ID, Absent: true}
			}
			entries = append(entries, e)
		}
		_, err := tx.RecordScores(bodyScope, plan.ID, entries)
		return err
	})
	if err != nil {
		return fmt.Errorf("demo scores: %w", err)
	}
	err = d.at(at(70, 10), func() error {
		p, err := tx.Plan(bodyScope, plan.ID)
		if err != nil {
			return err
		}
		plan, err = tx.MovePlan(bodyScope, p.ID, p.Version, xiangpei.PlanPublish, nil)
		return err
	})
	if err != nil {
		return fmt.Errorf("demo publish: %w", err)
	}
	// One certificate revoked: the practical exam was sat by someone else (替考).
	revokedHolder := people[7]
	err = d.at(at(40, 16), func() error {
		c, err := tx.Candidate(bodyScope, plan.ID, cands[revokedHolder].ID)
		if err != nil {
			return err
		}
		cert, err := tx.Certificate(bodyScope, c.CertificateID)
		if err != nil {
			return err
		}
		_, err = tx.RevokeCertificate(bodyScope, cert.ID, cert.Version, "经核查，该考生实操考核由他人替考，依据认定机构管理规定撤销证书。")
		return err
	})
	if err != nil {
		return fmt.Errorf("demo revoke: %w", err)
	}

	// An assessment open for sign-up now: 电工 四级, exam in three weeks.
	err = d.at(at(6, 10), func() error {
		p, err := tx.CreatePlan(bodyScope, body, xiangpei.PlanInput{OccupationCode: "6-31-01-03", Level: "4", Mode: xiangpei.PlanOpenMode,
			ExamAt: at(-21, 9), Venue: "株洲市职业技能等级认定中心 荷塘区新华西路 1 号 实操车间", Capacity: 40, Examiners: demoExaminers})
		if err != nil {
			return err
		}
		if p, err = tx.MovePlan(bodyScope, p.ID, p.Version, xiangpei.PlanAnnounce, nil); err != nil {
			return err
		}
		for _, id := range d.persons[44:47] {
			if _, err := tx.Register(id, p.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo open assessment: %w", err)
	}
	return demoCompetitions(d, people[:7], at)
}

// demoCompetitions seeds the city's finished 养老护理员 competition, entered by the holders of
// the new certificates, and its 电工 competition open for registration.
func demoCompetitions(d *demoWorld, holders []int64, at func(daysAgo, hour int) time.Time) error {
	tx := d.tx
	city := xiangpei.Scope{Region: xiangpei.RegionPrefix("430200")}
	date := func(daysAgo int) string { return at(daysAgo, 0).Format("2006-01-02") }
	year := func(daysAgo int) int { return at(daysAgo, 0).Year() }

	var done xiangpei.Competition
	err := d.at(at(60, 10), func() error {
		var err error
		done, err = tx.CreateCompetition("430200", xiangpei.CompetitionInput{Name: strconv.Itoa(year(25)) + "年株洲市养老护理职业技能竞赛",
			Level: xiangpei.CompetitionCity, Year: year(25), Rules: "竞赛分理论知识（占 30%）和技能操作（占 70%）两部分，总分 100 分。" +
				"参赛选手须持有养老护理员五级及以上职业技能等级证书，年龄 18 至 60 周岁，户籍或工作单位在株洲市。",
			RegOpens: date(55), RegCloses: date(35), StartsOn: date(25), EndsOn: date(25),
			Events: []xiangpei.CompEvent{{OccupationCode: "4-10-01-05", Name: "养老护理员（个人赛）", Mode: xiangpei.EventIndividual,
				MinLevel: "5", Region: "430200", MinAge: 18, MaxAge: 60, First: 1, Second: 2, Third: 2, Merit: 1}}})
		if err != nil {
			return err
		}
		done, err = tx.MoveCompetition(city, done.ID, done.Version, xiangpei.CompetitionOpenReg)
		return err
	})
	if err != nil {
		return fmt.Errorf("demo competition: %w", err)
	}
	event := done.Events[0].ID
	var entries []store.CompEntry
	err = d.at(at(45, 20), func() error {
		for _, id := range holders {
			e, err := tx.RegisterEntry(id, done.ID, store.EntryInput{EventID: event})
			if err != nil {
				return err
			}
			entries = append(entries, e)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo competition entries: %w", err)
	}
	err = d.at(at(34, 10), func() error {
		c, err := tx.Competition(city, done.ID)
		if err != nil {
			return err
		}
		if _, err = tx.MoveCompetition(city, c.ID, c.Version, xiangpei.CompetitionCloseReg); err != nil {
			return err
		}
		for i, e := range entries {
			if entries[i], err = tx.ReviewEntry(city, done.ID, e.ID, e.Version, xiangpei.EntryAccept, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo competition review: %w", err)
	}
	err = d.at(at(25, 17), func() error {
		scores := []string{"93.5", "91", "88.5", "88.5", "84", "79.5", "72"}
		var in []store.ScoreInput
		for i, e := range entries {
			in = append(in, store.ScoreInput{EntryID: e.ID, Version: e.Version, Score: scores[i%len(scores)]})
		}
		_, err := tx.RecordEntryScores(city, done.ID, event, in)
		return err
	})
	if err != nil {
		return fmt.Errorf("demo competition scores: %w", err)
	}
	err = d.at(at(20, 10), func() error {
		c, err := tx.Competition(city, done.ID)
		if err != nil {
			return err
		}
		_, err = tx.MoveCompetition(city, c.ID, c.Version, xiangpei.CompetitionPublish)
		return err
	})
	if err != nil {
		return fmt.Errorf("demo competition publish: %w", err)
	}

	// Open for registration now: 电工, contest in five weeks.
	err = d.at(at(3, 10), func() error {
		c, err := tx.CreateCompetition("430200", xiangpei.CompetitionInput{Name: strconv.Itoa(year(-36)) + "年株洲市电工职业技能竞赛",
			Level: xiangpei.CompetitionCity, Year: year(-36), Rules: "竞赛设理论知识和技能操作两部分，技能操作包括低压配电线路安装与调试、故障排除。" +
				"年龄 18 至 55 周岁，在株洲市就业或居住的电工从业人员均可报名。",
			RegOpens: date(3), RegCloses: date(-21), StartsOn: date(-35), EndsOn: date(-36),
			Events: []xiangpei.CompEvent{{OccupationCode: "6-31-01-03", Name: "电工（个人赛）", Mode: xiangpei.EventIndividual,
				Region: "430200", MinAge: 18, MaxAge: 55, First: 1, Second: 3, Third: 5, Merit: 6}}})
		if err != nil {
			return err
		}
		_, err = tx.MoveCompetition(city, c.ID, c.Version, xiangpei.CompetitionOpenReg)
		return err
	})
	if err != nil {
		return fmt.Errorf("demo open competition: %w", err)
	}
	return nil
}
