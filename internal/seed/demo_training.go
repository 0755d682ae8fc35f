package seed

import (
	"fmt"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// 培 in the demo: classes of the demo institution in every state, rosters of realistic
// trainees, and attendance from the venue's terminal and from QR codes, with a few of the
// anomalies the rules must see. The seed replays each class's history at the moments it
// happened (filed before it started, approved, started, attended, closed), relative to the
// day the demo is created, so every deadline and countdown on the pages is true.

var demoSurnames = []rune("张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
var demoGiven = []string{"建华", "秀英", "志强", "桂兰", "海燕", "国平", "小军", "丽娟", "永红", "春生", "红梅", "德明",
	"玉兰", "卫国", "晓东", "凤英", "金龙", "淑芬", "伟", "敏", "静", "勇", "磊", "娜", "涛", "芳", "斌", "艳"}

// demoCounties are the Zhuzhou counties trainees come from, weighted toward the institution's.
var demoCounties = []string{"430211", "430211", "430211", "430202", "430203", "430204", "430212", "430223", "430224", "430281"}

type demoWorld struct {
	tx       *store.Tx
	now      time.Time
	inst     int64
	venue    xiangpei.Venue
	teachers []int64
	persons  []int64
	terminal string
	cal      xiangpei.Calendar
	trainees map[[2]int64]xiangpei.Trainee // (class, person) → roster row
}

// at runs fn with the transaction's clock set to t, as the history happened.
func (d *demoWorld) at(t time.Time, fn func() error) error { return demoAt(d.tx, t, fn) }

// workdays returns n session days (working days) from the working day `offset` working days
// after (or before, when negative) today.
func (d *demoWorld) workdays(offset, n int) []time.Time {
	today := time.Date(d.now.In(xiangpei.ChinaTime).Year(), d.now.In(xiangpei.ChinaTime).Month(), d.now.In(xiangpei.ChinaTime).Day(), 0, 0, 0, 0, xiangpei.ChinaTime)
	start := d.cal.AddWorkdays(today, offset)
	if offset == 0 && !d.cal.IsWorkday(start) {
		start = d.cal.AddWorkdays(today, 1)
	}
	out := []time.Time{start}
	for len(out) < n {
		out = append(out, d.cal.AddWorkdays(out[len(out)-1], 1))
	}
	return out
}

type demoClassSpec struct {
	name       string
	occupation string
	level      string
	action     string
	groups     []string
	sector     string
	offset     int // working days from today to the first session
	sessions   int
	teacher    int
	afternoon  bool
	capacity   int
}

func (d *demoWorld) input(s demoClassSpec) xiangpei.ClassInput {
	var sessions []xiangpei.Session
	for i, day := range d.workdays(s.offset, s.sessions) {
		h := 9
		if s.afternoon {
			h = 14
		}
		start := time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, xiangpei.ChinaTime)
		kind := xiangpei.SessionTheory
		if i%2 == 1 {
			kind = xiangpei.SessionPractice
		}
		sessions = append(sessions, xiangpei.Session{Starts: start, Ends: start.Add(3 * time.Hour), Kind: kind, TeacherID: d.teachers[s.teacher]})
	}
	theory := (s.sessions + 1) / 2 * 3
	practice := s.sessions / 2 * 3
	return xiangpei.ClassInput{Name: s.name, OccupationCode: s.occupation, Level: s.level, SpecialAction: s.action,
		Funding: xiangpei.FundingSubsidised, KeyGroups: s.groups, Sector: s.sector, TheoryHours: theory, PracticeHours: practice,
		VenueID: d.venue.ID, TeacherIDs: []int64{d.teachers[s.teacher]}, Capacity: s.capacity, SelfEnrol: true, Sessions: sessions}
}

func (d *demoWorld) create(s demoClassSpec, when time.Time) (xiangpei.Class, error) {
	var c xiangpei.Class
	err := d.at(when, func() error {
		var err error
		c, err = d.tx.CreateClass(xiangpei.Scope{OrgID: d.inst}, d.inst, d.input(s))
		return err
	})
	if err != nil {
		return c, fmt.Errorf("demo class %s: %w", s.name, err)
	}
	return c, nil
}

func (d *demoWorld) move(c xiangpei.Class, when time.Time, action xiangpei.ClassAction, reason string) (xiangpei.Class, error) {
	scope := xiangpei.Scope{OrgID: d.inst}
	if action == xiangpei.ClassApprove || action == xiangpei.ClassReturn {
		scope = xiangpei.Scope{Region: xiangpei.RegionPrefix(c.County)}
	}
	err := d.at(when, func() error {
		var err error
		c, err = d.tx.MoveClass(scope, c.ID, c.Version, action, reason)
		return err
	})
	if err != nil {
		return c, fmt.Errorf("demo class %s %s: %w", c.Name, action, err)
	}
	return c, nil
}

// enrol puts persons on the roster at the given moment and remembers their rows.
func (d *demoWorld) enrol(c xiangpei.Class, when time.Time, ids []int64) error {
	return d.at(when, func() error {
		for _, id := range ids {
			t, err := d.tx.AddTrainee(xiangpei.Scope{OrgID: d.inst}, c.ID, id, xiangpei.SourceImport)
			if err != nil {
				return fmt.Errorf("demo roster %s: %w", c.Name, err)
			}
			d.trainees[[2]int64{c.ID, id}] = t
		}
		return nil
	})
}

// attend records terminal check-ins and check-outs for the sessions of c that have ended by
// `until`; trainee i misses a session when (i+seq)%miss == 0 (miss 0: never).
func (d *demoWorld) attend(c xiangpei.Class, ids []int64, until time.Time, miss func(i, seq int) bool) error {
	var evs []xiangpei.Event
	for _, x := range c.Sessions {
		if x.Ends.After(until) {
			break
		}
		for i, id := range ids {
			if miss(i, x.Seq) {
				continue
			}
			in := x.Starts.Add(-time.Duration(10*60-(i*37)%540) * time.Second)
			out := x.Ends.Add(time.Duration(60+(i*53)%240) * time.Second)
			for _, e := range []xiangpei.Event{{Kind: xiangpei.CheckIn, At: in}, {Kind: xiangpei.CheckOut, At: out}} {
				e.SessionID, e.PersonID, e.Source, e.Device, e.Terminal = x.ID, id, xiangpei.FromTerminal, d.terminal, true
				e.Lat, e.Lng, e.HasPlace = d.venue.Lat, d.venue.Lng, true
				evs = append(evs, e)
			}
		}
	}
	if len(evs) == 0 {
		return nil
	}
	return d.at(until, func() error {
		res, err := d.tx.IngestEvents(d.inst, evs)
		if err == nil && len(res.Refused) > 0 {
			err = fmt.Errorf("demo attendance %s: %d refused: %v", c.Name, len(res.Refused), res.Refused[0].Err)
		}
		return err
	})
}

func (d *demoWorld) ingest(at time.Time, evs []xiangpei.Event) error {
	return d.at(at, func() error {
		res, err := d.tx.IngestEvents(d.inst, evs)
		if err == nil && len(res.Refused) > 0 {
			err = fmt.Errorf("demo attendance: %d refused: %v", len(res.Refused), res.Refused[0].Err)
		}
		return err
	})
}

// demoTrainees registers n trainees of working age in Zhuzhou's counties, deterministically.
func (d *demoWorld) demoTrainees(n int) error {
	for i := 0; i < n; i++ {
		county := demoCounties[i%len(demoCounties)]
		birth := time.Date(1972+(i*7)%32, time.Month(1+(i*5)%12), 1+(i*11)%28, 0, 0, 0, 0, time.UTC)
		id17 := fmt.Sprintf("%s%s%03d", county, birth.Format("20060102"), 100+i*7%900)
		name := string(demoSurnames[i%len(demoSurnames)]) + demoGiven[(i*3)%len(demoGiven)]
		p, err := xiangpei.PersonInput{IDNumber: completeID(id17), Name: name, Phone: fmt.Sprintf("139073%05d", 10+i),
			Household: []string{"rural", "urban"}[i%3/2], County: county}.Validate(d.tx.Now, func(string) bool { return true })
		if err != nil {
			return fmt.Errorf("demo trainee %d: %w", i, err)
		}
		if p, err = d.tx.CreatePerson(p); err != nil {
			return fmt.Errorf("demo trainee %d: %w", i, err)
		}
		d.persons = append(d.persons, p.ID)
		if i%3 != 2 {
			if _, err := d.tx.AddKeyGroup(xiangpei.Scope{All: true}, xiangpei.KeyGroupMembership{PersonID: p.ID, Group: "migrant",
				Detail: "株洲市", Evidence: "村委会证明（县劳务站核验）"}); err != nil {
				return fmt.Errorf("demo trainee %d key group: %w", i, err)
			}
		}
	}
	return nil
}

// demoTraining seeds the classes. li (李建国, a demo person with an account) completed the
// closed class and is in the running one; chen (陈小红) is in the running one too.
func demoTraining(tx *store.Tx, cal xiangpei.Calendar, inst int64, venue xiangpei.Venue, teachers []int64, li, chen int64, then func(*demoWorld) error) error {
	d := &demoWorld{tx: tx, now: tx.Now, inst: inst, venue: venue, teachers: teachers, cal: cal,
		trainees: map[[2]int64]xiangpei.Trainee{}}
	term, _, err := tx.RegisterTerminal(xiangpei.Scope{OrgID: inst}, venue.ID, "实训基地一楼大厅人脸考勤机")
	if err != nil {
		return fmt.Errorf("demo terminal: %w", err)
	}
	d.terminal = fmt.Sprint(term.ID)
	if err := demoShortage(tx); err != nil {
		return err
	}
	if err := d.demoTrainees(48); err != nil {
		return err
	}
	day := 24 * time.Hour
	p := d.persons
	scope := xiangpei.Scope{OrgID: inst}

	// Closed: 电工 level 5, eight sessions about two months ago; li completed it, two trainees
	// who missed most sessions did not; most trainees rated it on the last day.
	closed, err := d.create(demoClassSpec{name: "电工（五级）技能提升班 第 1 期", occupation: "6-31-01-03", level: "5",
		action: "migrant_skills", sector: "advanced_manufacturing", offset: -40, sessions: 8, capacity: 40}, d.now.Add(-70*day))
	if err != nil {
		return err
	}
	closedIDs := append([]int64{li}, p[0:14]...)
	if closed, err = d.fileAndStart(closed, closedIDs); err != nil {
		return err
	}
	if err := d.attend(closed, closedIDs, closed.LastSession.Add(2*time.Hour), func(i, seq int) bool {
		return (i >= 13 && seq%3 != 0) || (i > 0 && (i+seq)%11 == 0)
	}); err != nil {
		return err
	}
	comments := []string{"老师讲得很细，实操机会多。", "", "希望多安排一些实操课。", "很实用，已经用上了。", ""}
	err = d.at(closed.Sessions[len(closed.Sessions)-1].Starts.Add(time.Hour), func() error {
		for i, id := range closedIDs[:12] {
			t := d.trainees[[2]int64{closed.ID, id}]
			if _, err := tx.RateClass(xiangpei.Scope{PersonID: id}, closed.ID, store.RatingInput{Rating: 3 + (i*7)%3,
				Comment: comments[i%len(comments)], Version: t.Version}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo rating: %w", err)
	}
	err = d.at(closed.LastSession.Add(26*time.Hour), func() error {
		c, err := tx.Class(scope, closed.ID)
		if err != nil {
			return err
		}
		_, _, err = tx.CloseClass(scope, c.ID, c.Version)
		return err
	})
	if err != nil {
		return fmt.Errorf("demo close: %w", err)
	}

	// In progress: 养老护理员 level 5 since five working days ago, ten sessions in the
	// afternoon; attendance from the terminal, plus QR check-ins with the anomalies the rules
	// must see: one phone checking in three people, the very same second copied across three
	// trainees, a check-in long before the session, and one far from the venue.
	running, err := d.create(demoClassSpec{name: "养老护理员（五级）培训班 2026 年第 3 期", occupation: "4-10-01-05", level: "5",
		action: "elderly_care", sector: "life_services", offset: -5, sessions: 10, capacity: 30, afternoon: true, teacher: 1}, d.now.Add(-20*day))
	if err != nil {
		return err
	}
	runIDs := append([]int64{li, chen}, p[14:32]...)
	if running, err = d.fileAndStart(running, runIDs); err != nil {
		return err
	}
	if err := d.attend(running, runIDs[:15], d.now, func(i, seq int) bool { return (i+seq)%9 == 0 }); err != nil {
		return err
	}
	var odd []xiangpei.Event
	for _, x := range running.Sessions {
		if x.Ends.After(d.now) {
			break
		}
		for i, id := range runIDs[15:] {
			in := xiangpei.Event{SessionID: x.ID, PersonID: id, Kind: xiangpei.CheckIn, Source: xiangpei.FromQR,
				At: x.Starts.Add(time.Duration(i*47) * time.Second), Device: fmt.Sprintf("phone-%02d", i)}
			out := in
			out.Kind, out.At = xiangpei.CheckOut, x.Ends.Add(time.Duration(i*31)*time.Second)
			switch {
			case i < 3 && x.Seq == 2: // three trainees checked in from one phone
				in.Device, out.Device = "phone-shared", "phone-shared"
			case i >= 2 && x.Seq == 3: // the same second copied across three trainees
				in.At = x.Starts.Add(-2 * time.Minute)
			case i == 0 && x.Seq == 1: // long before the session
				in.At = x.Starts.Add(-150 * time.Minute)
			case i == 1 && x.Seq == 1: // five kilometres from the venue
				in.Lat, in.Lng, in.HasPlace = venue.Lat+0.045, venue.Lng, true
			}
			odd = append(odd, in, out)
		}
	}
	if err := d.ingest(d.now, odd); err != nil {
		return err
	}

	// Approved, starting in a week: 电工 level 4 for migrant workers, seats still open.
	approved, err := d.create(demoClassSpec{name: "电工（四级）农民工技能帮扶班", occupation: "6-31-01-03", level: "4",
		action: "migrant_skills", groups: []string{"migrant"}, sector: "advanced_manufacturing", offset: 7, sessions: 12,
		capacity: 30}, d.now.Add(-6*day))
	if err != nil {
		return err
	}
	if approved, err = d.move(approved, d.now.Add(-5*day), xiangpei.ClassSubmit, ""); err != nil {
		return err
	}
	if approved, err = d.move(approved, d.now.Add(-4*day), xiangpei.ClassApprove, ""); err != nil {
		return err
	}
	var migrants []int64
	for i := 32; i < 48 && len(migrants) < 9; i++ {
		if i%3 != 2 {
			migrants = append(migrants, p[i])
		}
	}
	if err := d.enrol(approved, d.now.Add(-3*day), migrants); err != nil {
		return err
	}
	// More migrant workers asked than there are seats: a change filing waits for the county.
	err = d.at(d.now.Add(-2*time.Hour), func() error {
		c, err := tx.Class(scope, approved.ID)
		if err != nil {
			return err
		}
		in := store.ClassInputOf(c)
		in.Capacity = 36
		_, err = tx.FileClassChange(scope, c.ID, c.Version, xiangpei.ChangeEdit, in, "报名的农民工较多，场地可容纳 36 人，申请将班级人数由 30 人调整为 36 人。")
		return err
	})
	if err != nil {
		return fmt.Errorf("demo change filing: %w", err)
	}

	// Filed and waiting for the county: one on time, one filed late (two working days ahead).
	if c, err := d.create(demoClassSpec{name: "电工（五级）技能提升班 第 2 期", occupation: "6-31-01-03", level: "5",
		offset: 12, sessions: 8, capacity: 40, afternoon: true}, d.now.Add(-2*day)); err != nil {
		return err
	} else if _, err := d.move(c, d.now.Add(-day), xiangpei.ClassSubmit, ""); err != nil {
		return err
	}
	if c, err := d.create(demoClassSpec{name: "养老护理员（五级）周末加急班", occupation: "4-10-01-05", level: "5",
		offset: 2, sessions: 4, capacity: 20, teacher: 1}, d.now.Add(-time.Hour)); err != nil {
		return err
	} else if _, err := d.move(c, d.now.Add(-30*time.Minute), xiangpei.ClassSubmit, ""); err != nil {
		return err
	}
	// Returned with a reason the institution must act on.
	if c, err := d.create(demoClassSpec{name: "养老护理员（五级）社区班", occupation: "4-10-01-05", level: "5",
		offset: 15, sessions: 6, capacity: 25, teacher: 1, afternoon: true}, d.now.Add(-4*day)); err != nil {
		return err
	} else if c, err = d.move(c, d.now.Add(-3*day), xiangpei.ClassSubmit, ""); err != nil {
		return err
	} else if _, err := d.move(c, d.now.Add(-2*day), xiangpei.ClassReturn, "课表只有理论课，养老护理员需安排实操课并注明实训场地，请补充后重新提交。"); err != nil {
		return err
	}
	// A draft still being written, and a class called off after approval.
	if _, err := d.create(demoClassSpec{name: "电工（四级）技能提升班（草稿）", occupation: "6-31-01-03", level: "4",
		offset: 25, sessions: 10, capacity: 30}, d.now.Add(-time.Hour)); err != nil {
		return err
	}
	if c, err := d.create(demoClassSpec{name: "电工（五级）夜校班", occupation: "6-31-01-03", level: "5",
		offset: 18, sessions: 6, capacity: 30, teacher: 1}, d.now.Add(-10*day)); err != nil {
		return err
	} else if c, err = d.move(c, d.now.Add(-9*day), xiangpei.ClassSubmit, ""); err != nil {
		return err
	} else if c, err = d.move(c, d.now.Add(-8*day), xiangpei.ClassApprove, ""); err != nil {
		return err
	} else if _, err := d.move(c, d.now.Add(-day), xiangpei.ClassCancel, "报名人数不足，经与学员协商并入第 2 期。"); err != nil {
		return err
	}
	return then(d)
}

// fileAndStart files, approves, fills and starts a class whose first session lies in the
// past, each at the moment it would have happened.
func (d *demoWorld) fileAndStart(c xiangpei.Class, ids []int64) (xiangpei.Class, error) {
	first := c.FirstSession
	var err error
	if c, err = d.move(c, first.Add(-10*24*time.Hour), xiangpei.ClassSubmit, ""); err != nil {
		return c, err
	}
	if c, err = d.move(c, first.Add(-8*24*time.Hour), xiangpei.ClassApprove, ""); err != nil {
		return c, err
	}
	if err := d.enrol(c, first.Add(-7*24*time.Hour), ids); err != nil {
		return c, err
	}
	return d.move(c, first.Add(-30*time.Minute), xiangpei.ClassStart, "")
}

// demoShortage publishes Zhuzhou's shortage-occupation list for the year, from the start of
// the year's first quarter, so that the courses it names show their uplift.
func demoShortage(tx *store.Tx) error {
	city := xiangpei.Scope{Region: "4302"}
	year := tx.Now.In(xiangpei.ChinaTime).Year()
	var l xiangpei.ShortageList
	published := time.Date(year, 1, 5, 10, 0, 0, 0, xiangpei.ChinaTime)
	if published.After(tx.Now) {
		published = tx.Now
	}
	err := demoAt(tx, published, func() error {
		var err error
		l, err = tx.CreateShortageList(city, xiangpei.ShortageListInput{Region: "430200", Title: fmt.Sprintf("株洲市 %d 年紧缺工种目录", year),
			From: fmt.Sprintf("%d-01-01", year), To: fmt.Sprintf("%d-12-31", year)})
		if err != nil {
			return err
		}
		for _, e := range []xiangpei.ShortageEntryInput{
			{OccupationCode: "6-31-01-03", Level: "4", Degree: xiangpei.ShortageSevere, UpliftPct: 30, Sectors: []string{"advanced_manufacturing", "transport"}},
			{OccupationCode: "6-31-01-03", Level: "5", Degree: xiangpei.ShortageModerate, UpliftPct: 20, Sectors: []string{"advanced_manufacturing"}},
			{OccupationCode: "4-10-01-05", Level: "5", Degree: xiangpei.ShortageSevere, UpliftPct: 30, Sectors: []string{"life_services"}},
			{OccupationCode: "6-18-02-04", Level: "4", Degree: xiangpei.ShortageModerate, UpliftPct: 20, Sectors: []string{"advanced_manufacturing", "low_altitude"}},
			{OccupationCode: "4-10-01-01", Level: "5", Degree: xiangpei.ShortageMild, UpliftPct: 10, Sectors: []string{"life_services"}},
		} {
			if l, err = tx.AddShortageEntry(city, l.ID, l.Version, e); err != nil {
				return err
			}
		}
		_, err = tx.MoveShortageList(city, l.ID, l.Version, xiangpei.ShortagePublish, "")
		return err
	})
	if err != nil {
		return fmt.Errorf("demo shortage list: %w", err)
	}
	return nil
}

// demoAt runs fn with the transaction's clock at t.
func demoAt(tx *store.Tx, t time.Time, fn func() error) error {
	saved := tx.Now
	tx.Now = t.UTC()
	defer func() { tx.Now = saved }()
	return fn()
}
