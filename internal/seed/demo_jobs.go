package seed

import (
	"fmt"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// 用 in the demo (docs/jobs.md): the demo employer and a logistics company (both with
// confirmed codes) post jobs through the real checks — open postings, one expired, one referred
// to the city's officer (zz_officer holds the publish duty), one refused for a deposit — and a
// restaurant that registered itself waits for its credit code in the officers' queue. The demo
// persons apply; 王芳 is hired (an employment record on her lifelong record), others are at
// interview, applied, rejected and withdrawn; one posting has an open report. 李建国 keeps a
// saved search that the open electrician's posting alerts.

// DemoJobTitles are the titles of the demo's postings, by the state they are left in.
var DemoJobTitles = map[string]string{
	"open":    "电工（五级及以上）— 轨道车辆电气装配",
	"expired": "焊工 — 转向架焊接（2026 年秋季招聘）",
	"pending": "装配钳工（男性优先）",
	"refused": "普工（入职交押金）",
	"gig":     "仓库分拣员（周末零工）",
}

func demoJobs(tx *store.Tx, cal xiangpei.Calendar, orgs map[string]int64, persons map[string]int64) error {
	now := tx.Now
	defer func() { tx.Now = now }()
	today, _ := time.ParseInLocation(time.DateOnly, xiangpei.ChinaDate(now), xiangpei.ChinaTime)
	logistics, err := tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgEmployer, Name: "株洲天元智慧物流有限公司",
		CreditCode: xiangpei.CreditCode(completeCode("91430211MA4T56789", false)), County: "430211", Address: "株洲市天元区仙月环路 66 号",
		Contact: "人事部", Phone: "0731-28111111"})
	if err != nil {
		return fmt.Errorf("demo logistics employer: %w", err)
	}
	if _, err := tx.RegisterEmployer(xiangpei.Organisation{Name: "株洲新辰餐饮管理有限公司", CreditCode: xiangpei.CreditCode(completeCode("91430211MA4R24680", false)),
		County: "430211", Contact: "赵经理", Phone: "13907339999"}); err != nil {
		return fmt.Errorf("demo self-registered employer: %w", err)
	}
	// 李建国 keeps a search for electricians' jobs in 天元区 with text alerts: the open posting
	// below reaches him once (docs/saved-searches.md).
	if _, err := tx.SaveSearch(xiangpei.Scope{PersonID: persons["li"]}, store.SavedSearch{Name: "天元区电工岗位", SMS: true,
		Filter: store.PostingFilter{Occupation: "6-31", County: "430211", Query: "电工"}}); err != nil {
		return fmt.Errorf("demo saved search: %w", err)
	}
	emp := xiangpei.Scope{OrgID: orgs["employer"]}
	post := func(sc xiangpei.Scope, key string, p xiangpei.JobPosting) (store.Posting, error) {
		p.Title = DemoJobTitles[key]
		saved, err := tx.SavePosting(sc, p, 0)
		if err != nil {
			return saved, fmt.Errorf("demo posting %s: %w", key, err)
		}
		saved, _, err = tx.SubmitPosting(sc, saved.ID, saved.Version)
		if err != nil {
			return saved, fmt.Errorf("demo posting %s: %w", key, err)
		}
		return saved, nil
	}
	electric := xiangpei.JobPosting{Occupation: "6-31-01-03", Description: "负责轨道车辆电气柜的装配与调试，五险一金，提供员工宿舍和班车。",
		Skills: []string{"识读电气图", "低压电器装配"}, Level: "5", Certificates: []string{"电工五级"}, Headcount: 8,
		Salary: xiangpei.Salary{MinFen: 550000, MaxFen: 800000, Unit: xiangpei.PerMonth}, WorkType: xiangpei.FullTime, County: "430211",
		Lat: 27.8405, Lng: 113.0902, ValidFrom: today, ValidTo: today.AddDate(0, 2, 0)}
	open, err := post(emp, "open", electric)
	if err != nil {
		return err
	}
	// The expired one was published in the autumn and ran out a week ago.
	tx.Now = now.AddDate(0, 0, -60)
	weld := electric
	weld.Occupation, weld.Description, weld.Skills, weld.Certificates = "6-18-02-04", "转向架构架焊接，需熟练掌握二氧化碳保护焊。", []string{"二氧化碳保护焊"}, nil
	weld.ValidFrom, weld.ValidTo = today.AddDate(0, 0, -60), today.AddDate(0, 0, -7)
	if _, err := post(emp, "expired", weld); err != nil {
		return err
	}
	tx.Now = now
	fitter := electric
	fitter.Occupation, fitter.Description, fitter.Certificates = "6-20-01-01", "转向架装配，男性优先，能适应倒班。", nil
	pending, err := post(emp, "pending", fitter)
	if err != nil {
		return err
	}
	if pending.Status != xiangpei.PostingPending {
		return fmt.Errorf("demo posting pending: %v", pending.Status)
	}
	general := electric
	general.Occupation, general.Description, general.Level, general.Certificates = "6-20-01-01", "普工，入职需交押金 300 元，满三个月退还。", "", nil
	if _, err := post(emp, "refused", general); err != nil {
		return err
	}
	gig, err := post(xiangpei.Scope{OrgID: logistics.ID}, "gig", xiangpei.JobPosting{Occupation: "4-02-06-02",
		Description: "周末仓库分拣，按小时结算，当日完工次日付款。", Skills: []string{"扫码枪"}, Headcount: 20,
		Salary: xiangpei.Salary{MinFen: 2200, MaxFen: 2500, Unit: xiangpei.PerHour}, WorkType: xiangpei.GigWork, County: "430211",
		Lat: 27.8201, Lng: 113.1105, ValidFrom: today, ValidTo: today.AddDate(0, 1, 0)})
	if err != nil {
		return err
	}
	apply := func(person string, p store.Posting, moves ...xiangpei.ApplicationAction) error {
		a, err := tx.Apply(xiangpei.Scope{PersonID: persons[person]}, p.ID)
		if err != nil {
			return fmt.Errorf("demo application %s: %w", person, err)
		}
		for _, m := range moves {
			sc := xiangpei.Scope{OrgID: p.EmployerID}
			if m == xiangpei.AppWithdraw {
				sc = xiangpei.Scope{PersonID: persons[person]}
			}
			if a, err = tx.MoveApplication(sc, a.ID, a.Version, m, today.AddDate(0, 0, 7)); err != nil {
				return fmt.Errorf("demo application %s %s: %w", person, m, err)
			}
		}
		return nil
	}
	for _, step := range []error{
		apply("wang", open, xiangpei.AppView, xiangpei.AppInvite, xiangpei.AppOffer, xiangpei.AppHire),
		apply("li", open),
		apply("zhao", open, xiangpei.AppView, xiangpei.AppInvite),
		apply("chen", gig, xiangpei.AppWithdraw),
		apply("liu", gig, xiangpei.AppView, xiangpei.AppReject),
		apply("li", gig),
	} {
		if step != nil {
			return step
		}
	}
	if _, err := tx.ReportPosting(gig.ID, 0, "电话联系时说要先交 50 元工牌费才能上岗。", cal); err != nil {
		return fmt.Errorf("demo report: %w", err)
	}
	return nil
}
