package seed

import (
	"fmt"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// 教 — the demo's enrolment (docs/schools.md): 株洲市工业技工学校 has this year's approved plan
// (the demo runs in 2026: the 2026 plan), open for sign-up until the end of the year, with its
// admission list published and applicants in every state; 株洲市交通技工学校 has next year's
// plan submitted and waiting for the city's officer (zz_officer). The majors are those
// demoSchools makes; without them this fails with a clear error.

// DemoApplicants are the demo's applicants to the approved plan, by the state they end in.
var DemoApplicants = []struct {
	Name   string
	Status xiangpei.SchoolAppStatus
}{
	{"周子涵", xiangpei.SchoolAppApplied}, {"吴宇轩", xiangpei.SchoolAppApplied},
	{"郑欣怡", xiangpei.SchoolAppAdmitted}, {"冯浩然", xiangpei.SchoolAppRejected},
	{"陈梓萱", xiangpei.SchoolAppWithdrawn}, {"褚俊杰", xiangpei.SchoolAppDeclined},
	{"卫思远", xiangpei.SchoolAppEnrolled}, {"蒋雨桐", xiangpei.SchoolAppEnrolled},
}

func demoAdmissions(tx *store.Tx, orgs map[string]int64) error {
	saved := tx.Actor
	defer func() { tx.Actor = saved }()
	major := func(org, code string) (xiangpei.Major, error) {
		m, err := tx.AdmissionMajor(orgs[org], code)
		if err != nil {
			return m, fmt.Errorf("demo admissions: major %s of %s is missing (demoSchools must run first): %w", code, org, err)
		}
		return m, nil
	}
	year := tx.Now.In(xiangpei.ChinaTime).Year()
	city := xiangpei.Actor{Name: "demo", Role: xiangpei.RoleOfficer, Region: "430200", Duties: xiangpei.Duties{xiangpei.DutyClassReview}}
	school := xiangpei.Actor{Name: "demo", Role: xiangpei.RoleSchool, OrgID: orgs["school"]}
	var quotas []xiangpei.Quota
	var ids []int64
	for _, q := range []struct {
		code   string
		places int
	}{{"0401", 40}, {"0302", 30}, {"0601", 35}, {"1201", 2}} {
		m, err := major("school", q.code)
		if err != nil {
			return err
		}
		quotas = append(quotas, xiangpei.Quota{MajorID: m.ID, Places: q.places})
		ids = append(ids, m.ID)
	}
	tx.Actor = school
	p, err := tx.SaveEnrolPlan(school.Scope(), xiangpei.EnrolPlan{Title: fmt.Sprintf("株洲市工业技工学校%d年秋季招生计划", year), Year: year,
		OpensOn: time.Date(year, time.March, 1, 0, 0, 0, 0, xiangpei.ChinaTime), ClosesOn: time.Date(year, time.December, 31, 0, 0, 0, 0, xiangpei.ChinaTime),
		Quotas: quotas}, 0)
	if err == nil {
		p, err = tx.MoveEnrolPlan(school.Scope(), p.ID, p.Version, xiangpei.EnrolSubmit, "")
	}
	if err == nil {
		tx.Actor = city
		p, err = tx.MoveEnrolPlan(city.Scope(), p.ID, p.Version, xiangpei.EnrolApprove, "")
	}
	if err != nil {
		return fmt.Errorf("demo admissions: plan: %w", err)
	}
	var apps []store.SchoolAppRow
	for i, d := range DemoApplicants {
		id17 := fmt.Sprintf("43020320100%d%02d77%d", 6+i%3, 10+i, i)
		pi, err := xiangpei.PersonInput{IDNumber: completeID(id17), Name: d.Name, Phone: fmt.Sprintf("136733%05d", 100+i), Household: "rural",
			County: "430203"}.Validate(tx.Now, func(string) bool { return true })
		if err != nil {
			return fmt.Errorf("demo applicant %s: %w", d.Name, err)
		}
		tx.Actor = saved
		person, err := tx.CreatePerson(pi)
		if err != nil {
			return fmt.Errorf("demo applicant %s: %w", d.Name, err)
		}
		tx.Actor = xiangpei.Actor{Name: "demo", Role: xiangpei.RolePerson, PersonID: person.ID}
		edu := []xiangpei.Education{xiangpei.EduJuniorMiddle, xiangpei.EduJuniorMiddle, xiangpei.EduSeniorHigh, xiangpei.EduSocial}[i%4]
		a, err := tx.ApplySchool(tx.Actor.Scope(), xiangpei.SchoolApplication{PlanID: p.ID, Choices: []int64{ids[i%3], ids[(i+1)%3], ids[3]},
			Education: edu, Documents: fmt.Sprintf("初中毕业证书编号 4302%d%04d\n户口簿", year-1, 300+i)})
		if err != nil {
			return fmt.Errorf("demo applicant %s: %w", d.Name, err)
		}
		apps = append(apps, a)
	}
	// The school decides, then publishes; the applicants answer.
	for i, d := range DemoApplicants {
		a := apps[i]
		var m store.SchoolAppMove
		switch d.Status {
		case xiangpei.SchoolAppAdmitted, xiangpei.SchoolAppDeclined, xiangpei.SchoolAppEnrolled:
			m = store.SchoolAppMove{Action: xiangpei.SchoolAppAdmit, MajorID: a.Choices[0].MajorID}
		case xiangpei.SchoolAppRejected:
			m = store.SchoolAppMove{Action: xiangpei.SchoolAppReject, Reason: "所报专业名额已满，可参加补录。"}
		case xiangpei.SchoolAppWithdrawn:
			tx.Actor = xiangpei.Actor{Name: "demo", Role: xiangpei.RolePerson, PersonID: a.PersonID}
			if apps[i], err = tx.MoveSchoolApp(tx.Actor.Scope(), a.ID, a.Version, store.SchoolAppMove{Action: xiangpei.SchoolAppWithdraw}); err != nil {
				return fmt.Errorf("demo applicant %s: %w", d.Name, err)
			}
			continue
		default:
			continue
		}
		tx.Actor = school
		if apps[i], err = tx.MoveSchoolApp(school.Scope(), a.ID, a.Version, m); err != nil {
			return fmt.Errorf("demo applicant %s: %w", d.Name, err)
		}
	}
	tx.Actor = school
	if _, err := tx.PublishAdmissions(school.Scope(), p.ID); err != nil {
		return fmt.Errorf("demo admissions: publish: %w", err)
	}
	for i, d := range DemoApplicants {
		act := map[xiangpei.SchoolAppStatus]xiangpei.SchoolAppAction{xiangpei.SchoolAppDeclined: xiangpei.SchoolAppDecline,
			xiangpei.SchoolAppEnrolled: xiangpei.SchoolAppConfirm}[d.Status]
		if act == "" {
			continue
		}
		tx.Actor = xiangpei.Actor{Name: "demo", Role: xiangpei.RolePerson, PersonID: apps[i].PersonID}
		if _, err := tx.MoveSchoolApp(tx.Actor.Scope(), apps[i].ID, apps[i].Version, store.SchoolAppMove{Action: act}); err != nil {
			return fmt.Errorf("demo applicant %s: %w", d.Name, err)
		}
	}

	// 株洲市交通技工学校: next year's plan, waiting for the city's officer.
	var next []xiangpei.Quota
	for _, q := range []struct {
		code   string
		places int
	}{{"0601", 45}, {"0801", 40}, {"0901", 20}} {
		m, err := major("school2", q.code)
		if err != nil {
			return err
		}
		next = append(next, xiangpei.Quota{MajorID: m.ID, Places: q.places})
	}
	school2 := xiangpei.Actor{Name: "demo", Role: xiangpei.RoleSchool, OrgID: orgs["school2"]}
	tx.Actor = school2
	p2, err := tx.SaveEnrolPlan(school2.Scope(), xiangpei.EnrolPlan{Title: fmt.Sprintf("株洲市交通技工学校%d年招生计划", year+1), Year: year + 1,
		OpensOn: time.Date(year+1, time.March, 1, 0, 0, 0, 0, xiangpei.ChinaTime), ClosesOn: time.Date(year+1, time.August, 31, 0, 0, 0, 0, xiangpei.ChinaTime),
		MaxChoices: 2, Quotas: next}, 0)
	if err == nil {
		_, err = tx.MoveEnrolPlan(school2.Scope(), p2.ID, p2.Version, xiangpei.EnrolSubmit, "")
	}
	if err != nil {
		return fmt.Errorf("demo admissions: next year's plan: %w", err)
	}
	return nil
}
