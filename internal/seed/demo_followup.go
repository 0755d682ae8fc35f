package seed

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// 就业跟踪 in the demo (docs/employment-followup.md): three classes of the demo institution run
// and close for real at moments relative to the day the demo is made — one 7 months ago (its
// 6-month window has closed: the year's rate), the same class a year before that (last year's
// rate beside it), and one 4 months ago (window still open). Officers entered some jobs,
// ty_officer committed a social-insurance contribution file, recorded two 3-month follow-ups
// (one employed, one not), and one person's self-report waits for verification. The rate of
// the first class's year is then 3 of 5 against last year's 1 of 5: +40 points, the goal met.

// DemoFollowUpClasses are the names of the demo's follow-up classes: this year's, last
// year's, and the one whose window is still open.
var DemoFollowUpClasses = [3]string{"养老护理员（五级）就业跟踪示范班", "养老护理员（五级）上年示范班", "养老护理员（五级）近期结业班"}

// demoFollowUpFile is the contribution file the demo imports; %s are filled per row.
const demoFollowUpHeader = "身份证号,姓名,单位名称,统一社会信用代码,缴费月份,险种,缴费基数\n"

func demoFollowUp(tx *store.Tx, cal xiangpei.Calendar, inst int64, venue xiangpei.Venue, teachers []int64, actors map[string]xiangpei.Actor) error {
	saved := tx.Actor
	defer func() { tx.Actor = saved }()
	d := &demoWorld{tx: tx, now: tx.Now, inst: inst, venue: venue, teachers: teachers, cal: cal, trainees: map[[2]int64]xiangpei.Trainee{}}
	tx.Actor = xiangpei.Actor{Name: "seed"}
	var persons []xiangpei.Person
	for i := 0; i < 16; i++ {
		birth := time.Date(1980+i, time.Month(1+i%12), 3+i, 0, 0, 0, 0, time.UTC)
		id17 := fmt.Sprintf("430211%s%03d", birth.Format("20060102"), 900+i)
		name := string(demoSurnames[(i*7+3)%len(demoSurnames)]) + demoGiven[(i*5+1)%len(demoGiven)]
		p, err := xiangpei.PersonInput{IDNumber: completeID(id17), Name: name, Phone: fmt.Sprintf("139075%05d", 100+i), Household: "rural",
			County: "430211"}.Validate(tx.Now, func(string) bool { return true })
		if err == nil {
			p, err = tx.CreatePerson(p)
		}
		if err != nil {
			return fmt.Errorf("demo follow-up person %d: %w", i, err)
		}
		persons = append(persons, p)
	}
	ids := func(ps []xiangpei.Person) []int64 {
		out := make([]int64, len(ps))
		for i, p := range ps {
			out[i] = p.ID
		}
		return out
	}
	this := xiangpei.AddMonths(tx.Now, -7)
	ends := map[string]time.Time{}
	for i, run := range []struct {
		ends time.Time
		who  []xiangpei.Person
	}{{this, persons[0:5]}, {xiangpei.AddMonths(this, -12), persons[5:10]}, {xiangpei.AddMonths(tx.Now, -4), persons[10:13]}} {
		c, err := demoFollowUpClass(d, DemoFollowUpClasses[i], run.ends, ids(run.who), persons[13+i].ID)
		if err != nil {
			return err
		}
		ends[DemoFollowUpClasses[i]] = c.LastSession
		for _, p := range run.who {
			d.trainees[[2]int64{0, p.ID}] = d.trainees[[2]int64{c.ID, p.ID}]
		}
	}
	officer := actors["ty_officer"]
	tx.Actor = officer
	done := ends[DemoFollowUpClasses[0]]
	month := func(t time.Time, n int) time.Time { return xiangpei.AddMonths(t, n) }
	day := func(t time.Time) string { return xiangpei.ChinaDate(t) }
	enter := func(p xiangpei.Person, employer string, from time.Time) error {
		_, err := tx.EnterEmployment(officer.Scope(), store.EmploymentEntry{IDNumber: string(p.IDNumber), Name: p.Name, EmployerName: employer,
			Occupation: "养老护理员", County: "430211", StartsOn: day(from), FullTime: true})
		if err != nil {
			return fmt.Errorf("demo employment record: %w", err)
		}
		return nil
	}
	// this year: an officer's entry, an insurance spell, a waiting self-report, a follow-up
	if err := enter(persons[0], "株洲市天元区康乐养老院", month(done, 1)); err != nil {
		return err
	}
	// last year: one of five employed
	if err := enter(persons[5], "株洲市荷塘区颐年护理中心", month(ends[DemoFollowUpClasses[1]], 2)); err != nil {
		return err
	}
	// the contribution file: persons[1] Jan–Mar after completion, persons[10] the month after
	code := completeCode("91430211MA4T88001", false)
	var csv strings.Builder
	csv.WriteString(demoFollowUpHeader)
	for _, r := range []struct {
		p xiangpei.Person
		m time.Time
	}{{persons[1], month(done, 1)}, {persons[1], month(done, 2)}, {persons[1], month(done, 3)}, {persons[10], month(ends[DemoFollowUpClasses[2]], 1)}} {
		for _, kind := range []string{"养老", "医疗"} {
			fmt.Fprintf(&csv, "%s,%s,株洲市夕阳红养护有限公司,%s,%s,%s,4200\n", r.p.IDNumber, r.p.Name, code, r.m.Format("200601"), kind)
		}
	}
	var lines []store.InsuranceLine
	for i, row := range strings.Split(strings.TrimSpace(csv.String()), "\n")[1:] {
		f := strings.Split(row, ",")
		lines = append(lines, store.InsuranceLine{Line: i + 2, IDNumber: f[0], Name: f[1], Employer: f[2], CreditCode: f[3], Month: f[4], Kind: f[5], Base: f[6]})
	}
	u, err := tx.SaveUpload(store.Upload{Purpose: store.UploadInsurance, Name: "2026年社保缴费明细（天元区）.csv", Data: []byte(csv.String())})
	if err != nil {
		return fmt.Errorf("demo insurance upload: %w", err)
	}
	ic, err := tx.CheckInsuranceImport(officer.Scope(), u.SHA256, lines)
	if err == nil {
		err = tx.RecordInsuranceCheck(u, ic)
	}
	if err == nil {
		_, err = tx.CommitInsuranceImport(officer.Scope(), u.ID, lines)
	}
	if err != nil {
		return fmt.Errorf("demo insurance import: %w", err)
	}
	// the 3-month follow-ups of persons[3] (employed) and persons[4] (not), recorded on the day after they fell due
	due := month(done, 3).Add(33 * time.Hour)
	for i, in := range []store.FollowUpInput{
		{Month: 3, Outcome: store.FollowUpEmployed, Note: "电话回访，本人确认已在养老机构上岗。",
			Job: store.EmploymentEntry{EmployerName: "株洲市天元区福寿居家养老服务站", Occupation: "养老护理员", County: "430211", StartsOn: day(month(done, 2)), FullTime: true}},
		{Month: 3, Outcome: store.FollowUpNotEmployed, Note: "在家照顾老人，暂不求职；已推送附近岗位。"},
	} {
		t := d.trainees[[2]int64{0, persons[3+i].ID}]
		err := demoAt(tx, due, func() error {
			_, err := tx.RecordFollowUp(officer.Scope(), t.ID, in)
			return err
		})
		if err != nil {
			return fmt.Errorf("demo follow-up: %w", err)
		}
	}
	// persons[2] reports a job themself: waiting for ty_officer
	tx.Actor = xiangpei.Actor{Name: persons[2].Name, Role: xiangpei.RolePerson, PersonID: persons[2].ID}
	if _, err := tx.ReportEmployment(tx.Actor.Scope(), store.EmploymentEntry{EmployerName: "株洲市芦淞区爱心家政服务部", Occupation: "家政服务员",
		County: "430203", StartsOn: day(month(done, 2)), FullTime: false}); err != nil {
		return fmt.Errorf("demo self-report: %w", err)
	}
	// persons[4] reported a job ty_officer could not confirm: rejected, with the reason she sees
	tx.Actor = xiangpei.Actor{Name: persons[4].Name, Role: xiangpei.RolePerson, PersonID: persons[4].ID}
	r, err := tx.ReportEmployment(tx.Actor.Scope(), store.EmploymentEntry{EmployerName: "株洲市天元区幸福里养老服务中心", Occupation: "养老护理员",
		County: "430211", StartsOn: day(month(done, 1)), FullTime: true})
	if err != nil {
		return fmt.Errorf("demo self-report to reject: %w", err)
	}
	tx.Actor = officer
	if _, err := tx.RejectSelfReport(officer.Scope(), r.ID, "经电话向该单位核实，单位表示未招用本人；如在其他单位就业，请重新申报。"); err != nil {
		return fmt.Errorf("demo rejection: %w", err)
	}
	return nil
}

// demoFollowUpClass runs a two-day afternoon class of 养老护理员 level 5 that ends on the
// working day on or before `ends`: the trainees of ids attend every session and rate the class
// on its last day, dropout attends only the first (not completed); then it closes.
func demoFollowUpClass(d *demoWorld, name string, ends time.Time, ids []int64, dropout int64) (xiangpei.Class, error) {
	last := time.Date(ends.In(xiangpei.ChinaTime).Year(), ends.In(xiangpei.ChinaTime).Month(), ends.In(xiangpei.ChinaTime).Day(), 0, 0, 0, 0, xiangpei.ChinaTime)
	for !d.cal.IsWorkday(last) {
		last = last.AddDate(0, 0, -1)
	}
	days := []time.Time{d.cal.AddWorkdays(last, -1), last}
	var sessions []xiangpei.Session
	for i, day := range days {
		start := time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, xiangpei.ChinaTime)
		kind := xiangpei.SessionTheory
		if i == 1 {
			kind = xiangpei.SessionPractice
		}
		sessions = append(sessions, xiangpei.Session{Starts: start, Ends: start.Add(3 * time.Hour), Kind: kind, TeacherID: d.teachers[1]})
	}
	in := xiangpei.ClassInput{Name: name, OccupationCode: "4-10-01-05", Level: "5", Funding: xiangpei.FundingSubsidised,
		TheoryHours: 3, PracticeHours: 3, VenueID: d.venue.ID, TeacherIDs: []int64{d.teachers[1]}, Capacity: 20, Sessions: sessions}
	var c xiangpei.Class
	err := d.at(sessions[0].Starts.Add(-20*24*time.Hour), func() error {
		var err error
		c, err = d.tx.CreateClass(xiangpei.Scope{OrgID: d.inst}, d.inst, in)
		return err
	})
	if err != nil {
		return c, fmt.Errorf("demo class %s: %w", name, err)
	}
	if c, err = d.fileAndStart(c, append(slices.Clone(ids), dropout)); err != nil {
		return c, err
	}
	err = d.at(c.Sessions[len(c.Sessions)-1].Starts.Add(time.Hour), func() error {
		for i, id := range ids {
			t := d.trainees[[2]int64{c.ID, id}]
			if _, err := d.tx.RateClass(xiangpei.Scope{PersonID: id}, c.ID, store.RatingInput{Rating: 4 + i%2,
				Comment: []string{"老师耐心，实操多。", ""}[i%2], Version: t.Version}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return c, fmt.Errorf("demo rating %s: %w", name, err)
	}
	var evs []xiangpei.Event
	for i, x := range c.Sessions {
		who := ids
		if i == 0 {
			who = append(slices.Clone(ids), dropout)
		}
		for _, id := range who {
			evs = append(evs, xiangpei.Event{SessionID: x.ID, PersonID: id, Kind: xiangpei.CheckIn, At: x.Starts.Add(-5 * time.Minute), Source: xiangpei.FromImport},
				xiangpei.Event{SessionID: x.ID, PersonID: id, Kind: xiangpei.CheckOut, At: x.Ends.Add(2 * time.Minute), Source: xiangpei.FromImport})
		}
	}
	if err := d.ingest(c.LastSession.Add(time.Hour), evs); err != nil {
		return c, err
	}
	err = d.at(c.LastSession.Add(2*time.Hour), func() error {
		var err error
		c, _, err = d.tx.CloseClass(xiangpei.Scope{OrgID: d.inst}, c.ID, c.Version)
		return err
	})
	if err != nil {
		return c, fmt.Errorf("demo class %s close: %w", name, err)
	}
	return c, nil
}
