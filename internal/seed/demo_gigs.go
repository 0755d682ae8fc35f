package seed

import (
	"fmt"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// 零工市场 in the demo (docs/gigs.md): the demo employer (株洲轨道交通装备有限公司) posts day
// and hour gigs in several 株洲 counties — past ones, today's and coming ones — through the
// real checks, and the demo persons' sign-ups stand in every state short of a complaint: 王芳
// (13907330002) has one signed up, one checked in today and one whose confirmed wage is unpaid
// past its due day, ready for the one-tap complaint; the others are cancelled, completed (due
// later) and paid, with ratings both ways. The complaint state is left for the demo user's
// tap, so that the complaints demo keeps exactly one case per state.

// DemoGigTitles are the titles of the demo's gigs, by key.
var DemoGigTitles = map[string]string{
	"unpaid":  "物流园卸货（日结）",
	"paid":    "展会布展搬运",
	"done":    "厂区绿化养护",
	"today":   "车间清洁（按小时）",
	"coming":  "周末仓库分拣",
	"liling":  "醴陵陶瓷厂包装",
	"hetang":  "社区活动场地布置",
	"shifeng": "设备搬迁辅助",
}

type demoGig struct {
	key       string
	dayOffset int // from today
	payAfter  int // days after the day of work the wage is due
	unit      xiangpei.SalaryUnit
	wageFen   int64
	units     int
	county    string
	place     string
	lat, lng  float64
	headcount int
}

var demoGigs = []demoGig{
	{"unpaid", -12, 2, xiangpei.PerDay, 22000, 1, "430203", "芦淞区董家塅物流园 3 号库", 27.7630, 113.1520, 4},
	{"paid", -8, 0, xiangpei.PerDay, 25000, 2, "430211", "株洲国际会展中心", 27.8350, 113.0760, 6},
	{"done", -1, 7, xiangpei.PerDay, 18000, 1, "430211", "栗雨工业园东门", 27.8120, 113.0650, 3},
	{"today", 0, 0, xiangpei.PerHour, 2500, 4, "430211", "栗雨工业园 2 号车间", 27.8135, 113.0668, 5},
	{"coming", 3, 0, xiangpei.PerDay, 20000, 1, "430203", "芦淞区物流园 5 号库", 27.7650, 113.1540, 8},
	{"liling", 5, 3, xiangpei.PerDay, 19000, 2, "430281", "醴陵经济开发区陶瓷产业园", 27.6580, 113.5200, 10},
	{"hetang", 2, 0, xiangpei.PerHour, 2400, 5, "430202", "荷塘区月塘街道社区中心", 27.8600, 113.1700, 4},
	{"shifeng", 6, 1, xiangpei.PerDay, 23000, 1, "430204", "石峰区田心工业园", 27.8800, 113.1200, 3},
}

// demoSignup: who signs up for which gig and how far it goes.
type demoSignup struct {
	gig, person string
	to          xiangpei.GigStatus
	rateEmp     int // the worker's stars for the employer
	rateWorker  int // the employer's stars for the worker
}

var demoSignups = []demoSignup{
	{"unpaid", "wang", xiangpei.GigUnpaid, 0, 5},
	{"unpaid", "zhao", xiangpei.GigPaid, 3, 4},
	{"paid", "li", xiangpei.GigPaid, 5, 5},
	{"paid", "chen", xiangpei.GigPaid, 4, 0},
	{"done", "li", xiangpei.GigCompleted, 4, 0},
	{"today", "wang", xiangpei.GigCheckedIn, 0, 0},
	{"today", "liu", xiangpei.GigSignedUp, 0, 0},
	{"coming", "wang", xiangpei.GigSignedUp, 0, 0},
	{"coming", "li", xiangpei.GigCancelled, 0, 0},
	{"liling", "zhao", xiangpei.GigSignedUp, 0, 0},
}

func demoGigsFor(tx *store.Tx, orgs map[string]int64, persons map[string]int64) error {
	now, actor := tx.Now, tx.Actor
	defer func() { tx.Now, tx.Actor = now, actor }()
	today, _ := time.ParseInLocation(time.DateOnly, xiangpei.ChinaDate(now), xiangpei.ChinaTime)
	emp := xiangpei.Scope{OrgID: orgs["employer"]}
	// A past day's steps happen on that day; today's and coming days' happen now.
	at := func(day time.Time, hour int) time.Time {
		if day.Before(today) {
			return day.Add(time.Duration(hour) * time.Hour)
		}
		return now
	}
	gigs := map[string]store.GigPosting{}
	for _, d := range demoGigs {
		day := today.AddDate(0, 0, d.dayOffset)
		tx.Now = at(day, 8)
		tx.Actor = xiangpei.Actor{Name: "demo", Role: xiangpei.RoleEmployer, OrgID: emp.OrgID}
		var payBy time.Time
		if d.payAfter > 0 {
			payBy = day.AddDate(0, 0, d.payAfter)
		}
		g, err := tx.PostGig(emp, store.GigInput{Title: DemoGigTitles[d.key], Description: "按时到岗，听从现场安排，工资按约定日期结清。",
			Unit: d.unit, WageFen: d.wageFen, Units: d.units, Date: day, PayBy: payBy, County: d.county, Place: d.place,
			Lat: d.lat, Lng: d.lng, Headcount: d.headcount})
		if err != nil {
			return fmt.Errorf("demo gig %s: %w", d.key, err)
		}
		gigs[d.key] = g
	}
	for _, d := range demoSignups {
		g := gigs[d.gig]
		worker := xiangpei.Scope{PersonID: persons[d.person]}
		tx.Now = at(g.Date, 7)
		tx.Actor = xiangpei.Actor{Name: "demo", Role: xiangpei.RolePerson, PersonID: worker.PersonID}
		u, err := tx.SignUpGig(worker, g.ID)
		if err != nil {
			return fmt.Errorf("demo sign-up %s/%s: %w", d.gig, d.person, err)
		}
		move := func(sc xiangpei.Scope, role xiangpei.Role, m store.GigMove) error {
			tx.Actor = xiangpei.Actor{Name: "demo", Role: role, OrgID: sc.OrgID, PersonID: sc.PersonID}
			u, err = tx.MoveGigSignup(sc, u.ID, u.Version, m)
			if err != nil {
				return fmt.Errorf("demo sign-up %s/%s %s: %w", d.gig, d.person, m.Action, err)
			}
			return nil
		}
		var steps []func() error
		person := func(m store.GigMove) func() error {
			return func() error { return move(worker, xiangpei.RolePerson, m) }
		}
		employer := func(m store.GigMove) func() error { return func() error { return move(emp, xiangpei.RoleEmployer, m) } }
		switch d.to {
		case xiangpei.GigCancelled:
			steps = append(steps, person(store.GigMove{Action: "cancel"}))
		case xiangpei.GigSignedUp:
		default:
			steps = append(steps, person(store.GigMove{Action: "check_in", Lat: g.Lat + 0.0004, Lng: g.Lng + 0.0003, HasPos: true}))
			if d.to != xiangpei.GigCheckedIn {
				steps = append(steps, person(store.GigMove{Action: "confirm", Fen: g.TotalFen()}), employer(store.GigMove{Action: "confirm", Fen: g.TotalFen()}))
			}
			if d.to == xiangpei.GigPaid {
				steps = append(steps, employer(store.GigMove{Action: "pay"}))
			}
			if d.rateEmp > 0 {
				steps = append(steps, person(store.GigMove{Action: "rate", Stars: d.rateEmp}))
			}
			if d.rateWorker > 0 {
				steps = append(steps, employer(store.GigMove{Action: "rate", Stars: d.rateWorker}))
			}
		}
		tx.Now = at(g.Date, 9)
		for i, step := range steps {
			if i > 0 && d.to != xiangpei.GigCheckedIn {
				tx.Now = at(g.Date, 17)
			}
			if err := step(); err != nil {
				return err
			}
		}
	}
	return nil
}
