package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
)

// Training is a small world for 培 tests: one institution in 天元区 (430211) with an approved
// scope (养老护理员 4-10-01-05 at levels 5 and 4, 焊工 6-18-02-04 at level 5), a venue and two
// teachers, and another institution in 荷塘区 (430202) with the same, plus the actors that act
// for them and for the counties. Clock is the database's clock, which tests may move.
type Training struct {
	DB       *store.DB
	Clock    *Clock                // the world's own clock, set as the database's clock
	Now      func() time.Time      // the clock the world reads: Clock.Now unless a test shares another
	Inst     xiangpei.Organisation // 天元区
	Venue    xiangpei.Venue
	Teachers []xiangpei.Teacher
	Other    xiangpei.Organisation // 荷塘区
	OVenue   xiangpei.Venue
	OTeacher xiangpei.Teacher
	Admin    xiangpei.Actor // all scope
	InstA    xiangpei.Actor // staff of Inst
	OtherA   xiangpei.Actor // staff of Other
	Officer  xiangpei.Actor // 天元区 officer with class_review
	OOfficer xiangpei.Actor // 荷塘区 officer with class_review
}

// Clock is a settable clock for a database.
type Clock struct{ t atomic.Int64 }

// Now is the clock's time.
func (c *Clock) Now() time.Time { return time.Unix(0, c.t.Load()).UTC() }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.t.Store(t.UnixNano()) }

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.t.Add(int64(d)) }

// TrainingStart is the moment the Training world's clock starts: Monday 2 November 2026, 09:00
// in China.
var TrainingStart = time.Date(2026, 11, 2, 9, 0, 0, 0, xiangpei.ChinaTime)

var fixtureSeq atomic.Int64

// NewTraining builds the Training world in db and sets db's clock to TrainingStart.
func NewTraining(t testing.TB, db *store.DB) *Training {
	t.Helper()
	w := &Training{DB: db, Clock: &Clock{}}
	w.Clock.Set(TrainingStart)
	w.Now = w.Clock.Now
	db.SetClock(w.Clock.Now)
	w.Admin = xiangpei.Actor{Name: "fixture", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}
	n := fixtureSeq.Add(1)
	err := db.Tx(context.Background(), w.Admin, func(tx *store.Tx) error {
		var err error
		mk := func(name, county string, i int) (xiangpei.Organisation, xiangpei.Venue, []xiangpei.Teacher, error) {
			code17 := fmt.Sprintf("52%s%06d%03d", county, n%1000000, i)
			o, err := tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgInstitution, Name: name, County: county,
				CreditCode: xiangpei.CreditCode(code17 + string(xiangpei.CreditCheckChar(code17))), Capacity: 200})
			if err != nil {
				return o, xiangpei.Venue{}, nil, err
			}
			all := xiangpei.Scope{All: true}
			for _, e := range []xiangpei.ScopeEntry{{OrgID: o.ID, OccupationCode: "4-10-01-05", Level: "5"},
				{OrgID: o.ID, OccupationCode: "4-10-01-05", Level: "4"}, {OrgID: o.ID, OccupationCode: "6-18-02-04", Level: "5"}} {
				if _, err := tx.AddScope(all, e); err != nil {
					return o, xiangpei.Venue{}, nil, err
				}
			}
			v, err := tx.AddVenue(all, xiangpei.Venue{OrgID: o.ID, Name: name + "实训楼", Address: "株洲市" + name + "路1号",
				County: county, Lat: 27.83 + float64(i)*0.05, Lng: 113.15})
			if err != nil {
				return o, v, nil, err
			}
			var ts []xiangpei.Teacher
			for j, tn := range []string{"周老师", "陈老师"} {
				id17 := fmt.Sprintf("%s1980%02d%02d%03d", county, 1+i, 10+j, n%1000)
				tc, err := tx.AddTeacher(all, xiangpei.Teacher{OrgID: o.ID, Name: tn,
					IDNumber: xiangpei.IDNumber(id17 + string(xiangpei.IDCheckDigit(id17))), Qualification: "高级讲师"})
				if err != nil {
					return o, v, nil, err
				}
				ts = append(ts, tc)
			}
			return o, v, ts, nil
		}
		if w.Inst, w.Venue, w.Teachers, err = mk("天元培训学校", "430211", 1); err != nil {
			return err
		}
		var ots []xiangpei.Teacher
		if w.Other, w.OVenue, ots, err = mk("荷塘培训学校", "430202", 2); err != nil {
			return err
		}
		w.OTeacher = ots[0]
		return nil
	})
	if err != nil {
		t.Fatalf("training fixture: %v", err)
	}
	w.InstA = xiangpei.Actor{Name: "inst", Role: xiangpei.RoleInstitution, OrgID: w.Inst.ID}
	w.OtherA = xiangpei.Actor{Name: "other", Role: xiangpei.RoleInstitution, OrgID: w.Other.ID}
	w.Officer = xiangpei.Actor{Name: "ty", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyClassReview}}
	w.OOfficer = xiangpei.Actor{Name: "ht", Role: xiangpei.RoleOfficer, Region: "430202", Duties: xiangpei.Duties{xiangpei.DutyClassReview}}
	return w
}

// Timetable is n sessions on n working days from `from` (China time): 09:00–12:00 theory
// then, on the same days, nothing else; 3 hours each, all taught by teacher.
func Timetable(cal xiangpei.Calendar, from time.Time, n int, venue, teacher int64) []xiangpei.Session {
	d := from.In(xiangpei.ChinaTime)
	d = time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, xiangpei.ChinaTime)
	var out []xiangpei.Session
	for len(out) < n {
		if cal.IsWorkday(d) {
			out = append(out, xiangpei.Session{Starts: d, Ends: d.Add(3 * time.Hour), Kind: xiangpei.SessionTheory,
				VenueID: venue, TeacherID: teacher})
		}
		d = d.AddDate(0, 0, 1)
	}
	return out
}

// ClassInput is a valid filing for the institution: 养老护理员 level 5, subsidised, capacity
// 30, n sessions of 3 theory hours starting `from`.
func (w *Training) ClassInput(t testing.TB, from time.Time, n int) xiangpei.ClassInput {
	t.Helper()
	cal, err := w.DB.Calendar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return xiangpei.ClassInput{Name: "养老护理员五级培训班", OccupationCode: "4-10-01-05", Level: "5",
		Funding: xiangpei.FundingSubsidised, TheoryHours: 3 * n, VenueID: w.Venue.ID,
		TeacherIDs: []int64{w.Teachers[0].ID}, Capacity: 30, SelfEnrol: true,
		Sessions: Timetable(cal, from, n, w.Venue.ID, w.Teachers[0].ID)}
}

// Move applies class actions in order as the actor, failing the test on an error.
func (w *Training) Move(t testing.TB, a xiangpei.Actor, c xiangpei.Class, actions ...xiangpei.ClassAction) xiangpei.Class {
	t.Helper()
	for _, act := range actions {
		actor := a
		if act == xiangpei.ClassApprove || act == xiangpei.ClassReturn {
			actor = w.Officer
			if c.County == w.Other.County {
				actor = w.OOfficer
			}
		}
		err := w.DB.Tx(context.Background(), actor, func(tx *store.Tx) error {
			var err error
			c, err = tx.MoveClass(actor.Scope(), c.ID, c.Version, act, "fixture")
			return err
		})
		if err != nil {
			t.Fatalf("%s: %v", act, err)
		}
	}
	return c
}

// ApprovedClass files and approves a class of n sessions that starts `days` calendar days after
// the clock (which must leave the lead time), as the institution.
func (w *Training) ApprovedClass(t testing.TB, days, n int) xiangpei.Class {
	t.Helper()
	in := w.ClassInput(t, w.Now().AddDate(0, 0, days), n)
	var c xiangpei.Class
	err := w.DB.Tx(context.Background(), w.InstA, func(tx *store.Tx) error {
		var err error
		c, err = tx.CreateClass(w.InstA.Scope(), w.Inst.ID, in)
		return err
	})
	if err != nil {
		t.Fatalf("create class: %v", err)
	}
	return w.Move(t, w.InstA, c, xiangpei.ClassSubmit, xiangpei.ClassApprove)
}
