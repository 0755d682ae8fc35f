package seed

import (
	"fmt"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// 招聘会 in the demo (docs/fairs.md): the city's 春风行动 fair, written and published by
// zz_officer (株洲市, publish duty), is under way — on site and online — with 67 employers:
// the demo employer (three postings) and 66 more verified employers across the city's
// counties, each bringing one large published posting (1,000+ openings in all; few postings,
// so that the demo's other posting lists keep their own postings on their first page). The demo persons signed up and applied through the
// fair; their applications stand at applied, viewed, interview, offered, hired and rejected,
// so the live counts are not zero. A second fair, an online one of 天元区, is upcoming with
// sign-up open and no employers yet.

// DemoFairName is the name of the demo's fair under way; DemoFairEmployers its employers.
const (
	DemoFairName      = "2026年株洲市春风行动专场招聘会"
	DemoFairEmployers = 67
	DemoOnlineFair    = "天元区高校毕业生网络招聘会"
)

var (
	demoFairPlaces = []string{"株洲", "湘江", "神农", "炎帝", "渌江", "醴陵", "攸州", "茶乡", "云阳", "栗雨", "石峰"}
	demoFairTrades = []string{"精密机械", "电子科技", "新材料", "物流", "陶瓷", "服饰"}
	demoFairCounty = []string{"430202", "430203", "430204", "430211", "430212", "430223", "430224", "430225", "430281"}
	// No electricians' jobs: 李建国's saved search (demo_jobs.go) alerts on those in 天元区.
	demoFairJobs = []struct {
		occupation, title, skill string
		minFen                   int64
		headcount                int
	}{
		{"6-18-02-04", "焊工", "二氧化碳保护焊", 480000, 16},
		{"6-18-01-01", "数控车床操作工", "数控编程", 520000, 14},
		{"6-20-01-01", "装配钳工", "识读装配图", 450000, 18},
		{"4-02-06-02", "仓储管理员", "仓储系统操作", 400000, 15},
		{"4-10-01-05", "养老护理员", "生活照料", 420000, 17},
	}
)

func demoFairs(tx *store.Tx, orgs map[string]int64, persons map[string]int64, actors map[string]xiangpei.Actor) error {
	saved := tx.Actor
	defer func() { tx.Actor = saved }()
	officer := actors["zz_officer"]
	tx.Actor = officer
	now := tx.Now
	today, _ := time.ParseInLocation(time.DateOnly, xiangpei.ChinaDate(now), xiangpei.ChinaTime)
	f, err := tx.SaveFair(officer.Scope(), xiangpei.JobFair{Name: DemoFairName, Kind: xiangpei.FairBoth, Venue: "株洲市人力资源市场一楼大厅",
		Address: "株洲市天元区黄河北路 1 号", County: "430200",
		Description: "春风行动专场：面向农村劳动力、高校毕业生和退役军人，现场与网络同步，持身份证入场，网上报名后可在本页直接投递。",
		StartsAt:    today.AddDate(0, 0, -1).Add(9 * time.Hour), EndsAt: today.AddDate(0, 0, 2).Add(17 * time.Hour),
		SignupFrom: today.AddDate(0, 0, -14), SignupTo: today.AddDate(0, 0, 2).Add(17 * time.Hour), Booths: 80}, 0)
	if err == nil {
		f, err = tx.MoveFair(officer.Scope(), f.ID, f.Version, store.FairPublish)
	}
	if err != nil {
		return fmt.Errorf("demo fair: %w", err)
	}
	ty := xiangpei.Scope{Region: "430211"}
	online, err := tx.SaveFair(ty, xiangpei.JobFair{Name: DemoOnlineFair, Kind: xiangpei.FairOnline, County: "430211",
		Description: "面向 2027 届高校毕业生的网络招聘会，报名已开放。", StartsAt: today.AddDate(0, 0, 7).Add(9 * time.Hour),
		EndsAt: today.AddDate(0, 0, 9).Add(17 * time.Hour), SignupFrom: today, SignupTo: today.AddDate(0, 0, 9).Add(17 * time.Hour)}, 0)
	if err == nil {
		_, err = tx.MoveFair(ty, online.ID, online.Version, store.FairPublish)
	}
	if err != nil {
		return fmt.Errorf("demo online fair: %w", err)
	}

	post := func(emp int64, county string, k int) (store.Posting, error) {
		j := demoFairJobs[k%len(demoFairJobs)]
		sc := xiangpei.Scope{OrgID: emp}
		p, err := tx.SavePosting(sc, xiangpei.JobPosting{Occupation: j.occupation, Title: j.title, Description: "春风行动招聘会岗位，五险一金，提供工作餐。",
			Skills: []string{j.skill}, Headcount: j.headcount + k%2, Salary: xiangpei.Salary{MinFen: j.minFen, MaxFen: j.minFen + 200000, Unit: xiangpei.PerMonth},
			WorkType: xiangpei.FullTime, County: county, ValidFrom: today, ValidTo: today.AddDate(0, 2, 0)}, 0)
		if err == nil {
			p, _, err = tx.SubmitPosting(sc, p.ID, p.Version)
		}
		if err == nil && p.Status != xiangpei.PostingPublished {
			err = fmt.Errorf("not published: %v", p.Status)
		}
		return p, err
	}
	// The fair's postings by employer, in the order they joined; the demo employer first.
	var first []store.Posting
	join := func(emp int64, county string, n, seq int) error {
		ids := make([]int64, 0, n)
		for k := 0; k < n; k++ {
			p, err := post(emp, county, seq+k)
			if err != nil {
				return fmt.Errorf("demo fair posting: %w", err)
			}
			ids = append(ids, p.ID)
			if len(first) < 6 { // the demo employer's three and the next three employers' ones
				first = append(first, p)
			}
		}
		if _, err := tx.JoinFair(xiangpei.Scope{OrgID: emp}, f.ID, 0, ids); err != nil {
			return fmt.Errorf("demo fair join: %w", err)
		}
		return nil
	}
	if err := join(orgs["employer"], "430211", 3, 0); err != nil {
		return err
	}
	for i := 0; i < DemoFairEmployers-1; i++ {
		county := demoFairCounty[i%len(demoFairCounty)]
		name := fmt.Sprintf("%s%s%s有限公司", demoFairPlaces[i%len(demoFairPlaces)], demoFairTrades[i/len(demoFairPlaces)%len(demoFairTrades)],
			[]string{"", "制造", "发展"}[i%3])
		o, err := tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgEmployer, Name: name, County: county,
			CreditCode: xiangpei.CreditCode(completeCode(fmt.Sprintf("91%sMA4FR%04d", county, i), false)), Address: "株洲市", Contact: "人事部",
			Phone: "0731-28000000"})
		if err != nil {
			return fmt.Errorf("demo fair employer %d: %w", i, err)
		}
		if err := join(o.ID, county, 1, i); err != nil {
			return err
		}
	}

	// The demo persons signed up and applied at the fair's first booths.
	type step struct {
		person string
		moves  []xiangpei.ApplicationAction
	}
	for i, st := range []step{
		{"wang", []xiangpei.ApplicationAction{xiangpei.AppView}},
		{"li", []xiangpei.ApplicationAction{xiangpei.AppView, xiangpei.AppInvite}},
		{"zhao", []xiangpei.ApplicationAction{xiangpei.AppView, xiangpei.AppInvite, xiangpei.AppOffer}},
		{"chen", []xiangpei.ApplicationAction{xiangpei.AppInvite, xiangpei.AppOffer, xiangpei.AppHire}},
		{"liu", []xiangpei.ApplicationAction{xiangpei.AppView, xiangpei.AppReject}},
		{"li", nil},
	} {
		ps := xiangpei.Scope{PersonID: persons[st.person]}
		if _, err := tx.SignUpFair(ps, f.ID); err != nil && !xiangpei.IsKind(err, xiangpei.Conflict) {
			return fmt.Errorf("demo fair sign-up %s: %w", st.person, err)
		}
		p := first[i]
		a, err := tx.ApplyAtFair(ps, f.ID, p.ID)
		if err != nil {
			return fmt.Errorf("demo fair application %s: %w", st.person, err)
		}
		for _, m := range st.moves {
			if a, err = tx.MoveApplication(xiangpei.Scope{OrgID: p.EmployerID}, a.ID, a.Version, m, today.AddDate(0, 0, 7)); err != nil {
				return fmt.Errorf("demo fair application %s %s: %w", st.person, m, err)
			}
		}
	}
	return nil
}
