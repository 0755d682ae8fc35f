package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// rosterWorld is the Training world with helpers to file classes and register persons.
type rosterWorld struct {
	*storetest.Training
	t   *testing.T
	cal xiangpei.Calendar
}

var rosterSeq atomic.Int64

func newRosterWorld(t *testing.T, db *store.DB) *rosterWorld {
	t.Helper()
	w := &rosterWorld{Training: storetest.NewTraining(t, db), t: t}
	cal, err := db.Calendar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w.cal = cal
	return w
}

// class files and approves a class of the institution (other: the 荷塘区 one) of n sessions
// from `from`, changed by mod.
func (w *rosterWorld) class(other bool, from time.Time, n int, mod func(in *xiangpei.ClassInput)) xiangpei.Class {
	w.t.Helper()
	actor, org, venue, teacher := w.InstA, w.Inst, w.Venue, w.Teachers[0]
	if other {
		actor, org, venue, teacher = w.OtherA, w.Other, w.OVenue, w.OTeacher
	}
	in := xiangpei.ClassInput{Name: "养老护理员五级培训班", OccupationCode: "4-10-01-05", Level: "5",
		Funding: xiangpei.FundingSubsidised, TheoryHours: 3 * n, VenueID: venue.ID,
		TeacherIDs: []int64{teacher.ID}, Capacity: 30, SelfEnrol: true,
		Sessions: storetest.Timetable(w.cal, from, n, venue.ID, teacher.ID)}
	if mod != nil {
		mod(&in)
	}
	c, err := store.Do(context.Background(), w.DB, actor, func(tx *store.Tx) (xiangpei.Class, error) {
		return tx.CreateClass(actor.Scope(), org.ID, in)
	})
	if err != nil {
		w.t.Fatalf("create class: %v", err)
	}
	return w.Move(w.t, actor, c, xiangpei.ClassSubmit, xiangpei.ClassApprove)
}

// day is a date in China time at midnight.
func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
}

// idFor makes a valid ID number of 天元区 (or county) for a birth date, unique per call.
func idFor(county, birth string) string {
	first17 := fmt.Sprintf("%s%s%03d", county, birth, rosterSeq.Add(1)%1000)
	return first17 + string(xiangpei.IDCheckDigit(first17))
}

// person registers a person born on birth (YYYYMMDD).
func (w *rosterWorld) person(birth, name string) xiangpei.Person {
	w.t.Helper()
	p, err := store.Do(context.Background(), w.DB, w.Admin, func(tx *store.Tx) (xiangpei.Person, error) {
		return tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(idFor("430211", birth)), Name: name,
			Phone: fmt.Sprintf("139%08d", rosterSeq.Add(1)), Household: xiangpei.HouseholdRural, County: "430211"})
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

// add puts a person on a class as the institution that files it.
func (w *rosterWorld) add(c xiangpei.Class, personID int64) (xiangpei.Trainee, error) {
	a := w.InstA
	if c.OrgID == w.Other.ID {
		a = w.OtherA
	}
	return store.Do(context.Background(), w.DB, a, func(tx *store.Tx) (xiangpei.Trainee, error) {
		return tx.AddTrainee(a.Scope(), c.ID, personID, xiangpei.SourceManual)
	})
}

func (w *rosterWorld) mustAdd(c xiangpei.Class, personID int64) xiangpei.Trainee {
	w.t.Helper()
	tr, err := w.add(c, personID)
	if err != nil {
		w.t.Fatalf("add to %s: %v", c.Name, err)
	}
	return tr
}

func reasonKeys(err error) []string {
	var out []string
	for _, e := range xiangpei.Reasons(err) {
		out = append(out, e.Key)
	}
	return out
}

func wantReasons(t *testing.T, what string, err error, want ...string) {
	t.Helper()
	if got := reasonKeys(err); !slices.Equal(got, want) {
		t.Fatalf("%s: reasons %v, want %v (%v)", what, got, want, err)
	}
}

// TestRosterEligibility runs every rule through AddTrainee on both engines: the history the
// rules judge comes from the database, across institutions.
func TestRosterEligibility(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newRosterWorld(t, db)
			ctx := context.Background()
			err := db.Tx(ctx, w.Admin, func(tx *store.Tx) error {
				for _, occ := range []string{"4-03-02-01", "4-03-02-02"} {
					if _, err := tx.AddScope(xiangpei.Scope{All: true}, xiangpei.ScopeEntry{OrgID: w.Inst.ID, OccupationCode: occ, Level: "5"}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			nov16 := w.class(false, day(2026, 11, 16), 3, nil) // 养老护理员 5, Nov 16–18
			// 焊工 at the other institution at the same hours, self-funded.
			weld := w.class(true, day(2026, 11, 17), 2, func(in *xiangpei.ClassInput) {
				in.Name, in.OccupationCode, in.Funding = "焊工自费班", "6-18-02-04", xiangpei.FundingSelf
			})
			p := w.person("19900315", "李学员")
			w.mustAdd(nov16, p.ID)

			// Overlap, across institutions; self-funded classes check it too.
			_, err = w.add(weld, p.ID)
			wantReasons(t, "overlapping class", err, "roster.overlap")
			if !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("kind %v", xiangpei.ErrorKind(err))
			}
			// Same occupation and level again, later.
			dec := w.class(false, day(2026, 12, 7), 2, func(in *xiangpei.ClassInput) { in.Name = "养老护理员五级二期" })
			_, err = w.add(dec, p.ID)
			wantReasons(t, "same occupation and level", err, "roster.same_level")
			// Third subsidy of the year is fine, the fourth is refused; a self-funded class is not.
			cook := w.class(false, day(2026, 11, 23), 2, func(in *xiangpei.ClassInput) {
				in.Name, in.OccupationCode = "中式烹调师五级班", "4-03-02-01"
			})
			w.mustAdd(cook, p.ID)
			pastry := w.class(false, day(2026, 11, 30), 2, func(in *xiangpei.ClassInput) {
				in.Name, in.OccupationCode = "中式面点师五级班", "4-03-02-02"
			})
			w.mustAdd(pastry, p.ID)
			welder := w.class(false, day(2026, 12, 14), 2, func(in *xiangpei.ClassInput) {
				in.Name, in.OccupationCode = "焊工五级班", "6-18-02-04"
			})
			_, err = w.add(welder, p.ID)
			wantReasons(t, "fourth subsidy", err, "roster.yearly_cap")
			selfWeld := w.class(true, day(2026, 12, 21), 2, func(in *xiangpei.ClassInput) {
				in.Name, in.OccupationCode, in.Funding = "焊工自费二期", "6-18-02-04", xiangpei.FundingSelf
			})
			w.mustAdd(selfWeld, p.ID)
			// A withdrawal frees the yearly count.
			pastryRow := rosterRowOf(t, db, w.InstA.Scope(), pastry.ID, p.ID)
			if _, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.RosterRow, error) {
				return tx.WithdrawTrainee(w.InstA.Scope(), pastry.ID, pastryRow.ID, pastryRow.Version, "家中有事")
			}); err != nil {
				t.Fatal(err)
			}
			w.mustAdd(welder, p.ID)

			// Lower level after a higher one.
			q := w.person("19850101", "王学员")
			l4 := w.class(false, day(2026, 11, 19), 2, func(in *xiangpei.ClassInput) { in.Name, in.Level = "养老护理员四级班", "4" })
			w.mustAdd(l4, q.ID)
			_, err = w.add(dec, q.ID)
			wantReasons(t, "lower level after higher", err, "roster.lower_level")

			// Labour age on the first session's day.
			young := w.person("20101117", "少年")
			_, err = w.add(nov16, young.ID)
			wantReasons(t, "15 on the first day", err, "roster.age")
			sixteen := w.person("20101116", "少年乙")
			w.mustAdd(nov16, sixteen.ID)

			// Key groups.
			migrants := w.class(false, day(2027, 1, 11), 2, func(in *xiangpei.ClassInput) {
				in.Name, in.OccupationCode, in.KeyGroups = "农民工烹调班", "4-03-02-01", []string{"migrant"}
			})
			r := w.person("19880808", "赵学员")
			_, err = w.add(migrants, r.ID)
			wantReasons(t, "not a migrant worker", err, "roster.key_group")
			if err := db.Tx(ctx, w.Admin, func(tx *store.Tx) error {
				_, err := tx.AddKeyGroup(xiangpei.Scope{All: true}, xiangpei.KeyGroupMembership{PersonID: r.ID, Group: "migrant", Evidence: "村委会证明"})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			w.mustAdd(migrants, r.ID)

			// Every reason at once: overlapping, and the same level planned in December.
			m := w.person("19800101", "多因学员")
			w.mustAdd(weld, m.ID)
			w.mustAdd(dec, m.ID)
			_, err = w.add(nov16, m.ID)
			wantReasons(t, "every reason", err, "roster.overlap", "roster.same_level")

			// On the roster already.
			_, err = w.add(nov16, p.ID)
			wantReasons(t, "twice", err, "roster.duplicate")
		})
	}
}

// rosterRowOf finds a person's row on a class's roster.
func rosterRowOf(t *testing.T, db *store.DB, s xiangpei.Scope, classID, personID int64) store.RosterRow {
	t.Helper()
	_, rows, err := db.Roster(context.Background(), s, classID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.PersonID == personID {
			return r
		}
	}
	t.Fatalf("person %d not on the roster of %d", personID, classID)
	return store.RosterRow{}
}

// TestAddTraineeByID: by ID number and name, registering a person the registry does not know.
func TestAddTraineeByID(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newRosterWorld(t, db)
			ctx := context.Background()
			c := w.class(false, day(2026, 11, 16), 3, nil)
			add := func(in store.TraineeInput) (store.RosterRow, error) {
				return store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.RosterRow, error) {
					return tx.AddTraineeByID(w.InstA.Scope(), c.ID, in, xiangpei.SourceManual)
				})
			}
			known := w.person("19900315", "李学员")
			_, err := add(store.TraineeInput{IDNumber: string(known.IDNumber), Name: "李雪员"})
			wantReasons(t, "wrong name", err, "roster.name_mismatch")
			_, err = add(store.TraineeInput{IDNumber: wrongCheck(known.IDNumber), Name: "李学员"})
			if k := reasonKeys(err); len(k) != 1 || k[0] != "id.check_digit" {
				t.Fatalf("bad check digit: %v", err)
			}
			row, err := add(store.TraineeInput{IDNumber: string(known.IDNumber), Name: "李学员", Note: "  白班  "})
			if err != nil || row.PersonID != known.ID || row.Note != "白班" || row.Source != xiangpei.SourceManual {
				t.Fatalf("known person: %v %+v", err, row)
			}
			// New persons: a phone is needed; the county comes from the ID number when known.
			newID := idFor("430202", "19920202")
			_, err = add(store.TraineeInput{IDNumber: newID, Name: "新学员"})
			wantReasons(t, "no phone", err, "roster.phone_for_new")
			_, err = add(store.TraineeInput{IDNumber: newID, Name: "新学员", Phone: "12345"})
			wantReasons(t, "bad phone", err, "phone.invalid")
			row, err = add(store.TraineeInput{IDNumber: newID, Name: "新学员", Phone: "13807331111"})
			if err != nil {
				t.Fatal(err)
			}
			p, err := db.Person(ctx, xiangpei.Scope{All: true}, row.PersonID)
			if err != nil || p.County != "430202" || p.Name != "新学员" || p.Phone != "13807331111" {
				t.Fatalf("registered %v %+v", err, p)
			}
			beijing := idFor("110105", "19930303")
			row, err = add(store.TraineeInput{IDNumber: beijing, Name: "京学员", Phone: "13807332222"})
			if err != nil {
				t.Fatal(err)
			}
			if p, _ := db.Person(ctx, xiangpei.Scope{All: true}, row.PersonID); p.County != c.County {
				t.Fatalf("a county outside the reference data: registered in %s, want the class's %s", p.County, c.County)
			}
			// Nothing was written for the refused attempts; the audit holds no full number.
			_, rows, err := db.Roster(ctx, w.InstA.Scope(), c.ID)
			if err != nil || len(rows) != 3 {
				t.Fatalf("roster %v %d", err, len(rows))
			}
			if c2, _ := db.Class(ctx, w.InstA.Scope(), c.ID); c2.Enrolled != 3 {
				t.Fatalf("enrolled %d", c2.Enrolled)
			}
		})
	}
}

// TestRosterCapacityRace: two enrolments for the last seat at the same moment — one wins.
func TestRosterCapacityRace(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newRosterWorld(t, db)
			c := w.class(false, day(2026, 11, 16), 2, func(in *xiangpei.ClassInput) { in.Capacity = 2 })
			w.mustAdd(c, w.person("19900101", "先到者").ID)
			a, b := w.person("19910101", "甲学员"), w.person("19920101", "乙学员")
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			for i, p := range []xiangpei.Person{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = w.add(c, p.ID)
				}()
			}
			close(start)
			wg.Wait()
			ok, full := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case slices.Equal(reasonKeys(err), []string{"roster.full"}):
					full++
				default:
					t.Errorf("unexpected: %v", err)
				}
			}
			if ok != 1 || full != 1 {
				t.Fatalf("%d enrolled, %d refused as full: %v", ok, full, errs)
			}
			c2, err := db.Class(context.Background(), w.InstA.Scope(), c.ID)
			if err != nil || c2.Enrolled != 2 {
				t.Fatalf("enrolled %d (%v)", c2.Enrolled, err)
			}
		})
	}
}

// TestRosterScoping: another institution's class roster is NotFound, to read and to change;
// officers read their county's rosters only; a person sees only their own row.
func TestRosterScoping(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newRosterWorld(t, db)
			ctx := context.Background()
			c := w.class(false, day(2026, 11, 16), 2, nil)
			p, q := w.person("19900101", "甲学员"), w.person("19910101", "乙学员")
			tr := w.mustAdd(c, p.ID)
			w.mustAdd(c, q.ID)
			for _, a := range []xiangpei.Actor{w.OtherA, w.OOfficer} {
				if _, _, err := db.Roster(ctx, a.Scope(), c.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
					t.Errorf("%s reads the roster: %v", a.Name, err)
				}
			}
			third := w.person("19920101", "丙学员")
			_, err := store.Do(ctx, db, w.OtherA, func(tx *store.Tx) (xiangpei.Trainee, error) {
				return tx.AddTrainee(w.OtherA.Scope(), c.ID, third.ID, xiangpei.SourceManual)
			})
			if !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("other institution adds: %v", err)
			}
			_, err = store.Do(ctx, db, w.OtherA, func(tx *store.Tx) (store.RosterRow, error) {
				return tx.WithdrawTrainee(w.OtherA.Scope(), c.ID, tr.ID, tr.Version, "不想学了")
			})
			if !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("other institution withdraws: %v", err)
			}
			_, err = store.Do(ctx, db, w.OtherA, func(tx *store.Tx) (store.ImportCheck, error) {
				return tx.CheckRosterImport(w.OtherA.Scope(), c.ID, []store.RosterLine{{Line: 2}})
			})
			if !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("other institution imports: %v", err)
			}
			if _, rows, err := db.Roster(ctx, w.Officer.Scope(), c.ID); err != nil || len(rows) != 2 {
				t.Errorf("county officer: %v %d", err, len(rows))
			}
			if _, rows, err := db.Roster(ctx, xiangpei.Scope{PersonID: p.ID}, c.ID); err != nil || len(rows) != 1 || rows[0].PersonID != p.ID {
				t.Errorf("the person: %v %+v", err, rows)
			}
			// A trainee id of another class is not found through this class.
			other := w.class(false, day(2026, 12, 7), 2, func(in *xiangpei.ClassInput) { in.Name = "另一个班" })
			_, err = store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.RosterRow, error) {
				return tx.WithdrawTrainee(w.InstA.Scope(), other.ID, tr.ID, tr.Version, "不想学了")
			})
			if !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("trainee through another class: %v", err)
			}
		})
	}
}

// TestRosterWithdraw: a reason is needed, a stale version is refused, the seat is freed, the
// person can come back on the same row, and a class under way takes trainees only while they
// can still complete.
func TestRosterWithdraw(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newRosterWorld(t, db)
			ctx := context.Background()
			c := w.class(false, day(2026, 11, 16), 10, func(in *xiangpei.ClassInput) { in.Capacity = 1 })
			p := w.person("19900101", "甲学员")
			tr := w.mustAdd(c, p.ID)
			withdraw := func(version int64, reason string) (store.RosterRow, error) {
				return store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.RosterRow, error) {
					return tx.WithdrawTrainee(w.InstA.Scope(), c.ID, tr.ID, version, reason)
				})
			}
			if _, err := withdraw(tr.Version, " "); !xiangpei.IsKind(err, xiangpei.Invalid) {
				t.Fatalf("no reason: %v", err)
			}
			if _, err := withdraw(tr.Version+1, "家中有事"); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Fatalf("stale: %v", err)
			}
			row, err := withdraw(tr.Version, "家中有事")
			if err != nil || row.Status != xiangpei.TraineeWithdrawn || row.WithdrawReason != "家中有事" || row.WithdrawnAt.IsZero() {
				t.Fatalf("withdraw: %v %+v", err, row)
			}
			if _, err := withdraw(row.Version, "再退一次"); err == nil || reasonKeys(err)[0] != "roster.not_enrolled" {
				t.Fatalf("twice: %v", err)
			}
			q := w.person("19910101", "乙学员")
			w.mustAdd(c, q.ID) // the seat is free again
			if _, err := w.add(c, p.ID); !slices.Equal(reasonKeys(err), []string{"roster.full"}) {
				t.Fatalf("full: %v", err)
			}
			qRow := rosterRowOf(t, db, w.InstA.Scope(), c.ID, q.ID)
			if _, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.RosterRow, error) {
				return tx.WithdrawTrainee(w.InstA.Scope(), c.ID, qRow.ID, qRow.Version, "换班")
			}); err != nil {
				t.Fatal(err)
			}
			back := w.mustAdd(c, p.ID)
			if back.ID != tr.ID || back.Version != row.Version+1 {
				t.Fatalf("came back on row %d v%d, want %d v%d", back.ID, back.Version, tr.ID, row.Version+1)
			}
			if r := rosterRowOf(t, db, w.InstA.Scope(), c.ID, p.ID); r.Status != xiangpei.TraineeEnrolled || r.WithdrawReason != "" {
				t.Fatalf("back: %+v", r)
			}
			// Under way: ten 3-hour sessions take trainees until the third begins.
			c = w.Move(t, w.InstA, w.classAt(c, c.Sessions[0].Starts), xiangpei.ClassStart)
			w.Clock.Set(c.Sessions[2].Starts.Add(-time.Minute))
			qRow = rosterRowOf(t, db, w.InstA.Scope(), c.ID, q.ID)
			_, err = store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.RosterRow, error) {
				return tx.WithdrawTrainee(w.InstA.Scope(), c.ID, tr.ID, back.Version, "生病")
			})
			if err != nil {
				t.Fatal(err)
			}
			w.mustAdd(c, q.ID)
			w.Clock.Set(c.Sessions[2].Starts)
			r := w.person("19920101", "丙学员")
			if _, err := w.add(c, r.ID); !slices.Equal(reasonKeys(err), []string{"roster.too_late"}) {
				t.Fatalf("too late: %v", err)
			}
		})
	}
}

// classAt moves the clock to t and reads the class again.
func (w *rosterWorld) classAt(c xiangpei.Class, t time.Time) xiangpei.Class {
	w.Clock.Set(t)
	c, err := w.DB.Class(context.Background(), w.InstA.Scope(), c.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// TestRosterImport: the dry run reports every bad line with its reasons; the commit adds all
// good lines or nothing, and only once.
func TestRosterImport(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newRosterWorld(t, db)
			ctx := context.Background()
			c := w.class(false, day(2026, 11, 16), 2, func(in *xiangpei.ClassInput) { in.Capacity = 5 })
			on := w.person("19900101", "已在册")
			w.mustAdd(c, on.ID)
			known := w.person("19910101", "老学员")
			newA, newB := idFor("430211", "19920202"), idFor("430211", "19930303")
			lines := []store.RosterLine{
				{Line: 3, Input: store.TraineeInput{IDNumber: string(known.IDNumber), Name: "老学员", Note: "上午班"}},
				{Line: 4, Input: store.TraineeInput{IDNumber: newA, Name: "新学员甲", Phone: "13807330001"}},
				{Line: 5, Input: store.TraineeInput{IDNumber: "430211199201020000", Name: "错号码"}},
				{Line: 6, Input: store.TraineeInput{IDNumber: "430211199203000000", Name: "丢位数"}, Lossy: true},
				{Line: 7, Input: store.TraineeInput{IDNumber: newA, Name: "新学员甲", Phone: "13807330001"}},
				{Line: 8, Input: store.TraineeInput{IDNumber: string(on.IDNumber), Name: "已在册"}},
				{Line: 9, Input: store.TraineeInput{IDNumber: wrongCheck(known.IDNumber), Name: "老学员"}},
				{Line: 10, Input: store.TraineeInput{IDNumber: newB, Name: "新学员乙"}},
				{Line: 11, Input: store.TraineeInput{IDNumber: idFor("430211", "19940404"), Name: "新学员丙", Phone: "13807330003"}},
				{Line: 12, Input: store.TraineeInput{IDNumber: idFor("430211", "19950505"), Name: "新学员丁", Phone: "13807330004"}},
				{Line: 13, Input: store.TraineeInput{IDNumber: idFor("430211", "19960606"), Name: "新学员戊", Phone: "13807330005"}},
			}
			type dry struct {
				u  store.Upload
				ic store.ImportCheck
			}
			check := func() dry {
				d, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (dry, error) {
					ic, err := tx.CheckRosterImport(w.InstA.Scope(), c.ID, lines)
					if err != nil {
						return dry{}, err
					}
					u, err := tx.SaveUpload(store.Upload{Purpose: "roster", ClassID: c.ID, OrgID: w.Inst.ID, Name: "名册.xlsx", Data: []byte("file")})
					if err != nil {
						return dry{}, err
					}
					return dry{u, ic}, tx.RecordRosterCheck(u, ic)
				})
				if err != nil {
					t.Fatal(err)
				}
				return d
			}
			d := check()
			want := map[int][]string{
				3: nil, 4: nil, 5: {"id.check_digit"}, 6: {"roster.id_lossy"}, 7: {"roster.import_duplicate"},
				8: {"roster.duplicate"}, 9: {"id.check_digit"}, 10: {"roster.phone_for_new"}, 11: nil, 12: nil,
				13: {"roster.import_full"},
			}
			for _, l := range d.ic.Lines {
				var keys []string
				for _, r := range l.Reasons {
					keys = append(keys, r.Key)
				}
				if !slices.Equal(keys, want[l.Line]) {
					t.Errorf("line %d: reasons %v, want %v", l.Line, keys, want[l.Line])
				}
			}
			if d.ic.Good != 4 || d.ic.Refused != 7 {
				t.Fatalf("good %d refused %d", d.ic.Good, d.ic.Refused)
			}
			if d.ic.Lines[4].Reasons[0].Args[0] != 4 {
				t.Errorf("duplicate names line %v", d.ic.Lines[4].Reasons[0].Args)
			}
			commit := func(u store.Upload) (store.ImportResult, error) {
				return store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.ImportResult, error) {
					return tx.CommitRosterImport(w.InstA.Scope(), c.ID, u.ID, lines)
				})
			}
			// Something changes between dry run and commit: the class fills up. Nothing is imported.
			late := w.person("19970707", "插队者")
			lateRow := w.mustAdd(c, late.ID)
			if _, err := commit(d.u); !slices.Equal(reasonKeys(err), []string{"roster.import_changed"}) {
				t.Fatalf("changed: %v", err)
			}
			if _, rows, _ := db.Roster(ctx, w.InstA.Scope(), c.ID); len(rows) != 2 {
				t.Fatalf("half an import: %d rows", len(rows))
			}
			if _, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.RosterRow, error) {
				return tx.WithdrawTrainee(w.InstA.Scope(), c.ID, lateRow.ID, lateRow.Version, "重复报名")
			}); err != nil {
				t.Fatal(err)
			}
			d = check()
			res, err := commit(d.u)
			if err != nil || res.Added != 4 || res.Registered != 3 || len(res.Trainees) != 4 {
				t.Fatalf("commit: %v %+v", err, res)
			}
			if _, err := commit(d.u); !slices.Equal(reasonKeys(err), []string{"upload.committed"}) {
				t.Fatalf("second commit: %v", err)
			}
			_, rows, err := db.Roster(ctx, w.InstA.Scope(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			enrolled := 0
			for _, r := range rows {
				if r.Status == xiangpei.TraineeEnrolled {
					enrolled++
				}
				if r.PersonID == known.ID && (r.Source != xiangpei.SourceImport || r.Note != "上午班") {
					t.Errorf("imported row %+v", r)
				}
			}
			if enrolled != 5 {
				t.Fatalf("%d enrolled", enrolled)
			}
			// An upload of another class or account is not found.
			_, err = store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.ImportResult, error) {
				return tx.CommitRosterImport(w.InstA.Scope(), c.ID+1, d.u.ID, lines)
			})
			if !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("other class: %v", err)
			}
			// An empty file and an oversized one.
			_, err = store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.ImportCheck, error) {
				return tx.CheckRosterImport(w.InstA.Scope(), c.ID, nil)
			})
			if !xiangpei.IsKind(err, xiangpei.Invalid) {
				t.Fatalf("empty: %v", err)
			}
			_, err = store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.ImportCheck, error) {
				return tx.CheckRosterImport(w.InstA.Scope(), c.ID, make([]store.RosterLine, store.MaxRosterLines+1))
			})
			if !xiangpei.IsKind(err, xiangpei.TooLarge) {
				t.Fatalf("too many lines: %v", err)
			}
		})
	}
}

// wrongCheck is an ID number with its check character replaced by a wrong one.
func wrongCheck(id xiangpei.IDNumber) string {
	c := byte('0')
	if id[17] == '0' {
		c = '1'
	}
	return string(id[:17]) + string(c)
}

// TestCatalogue: what the public sees, filtered and paged; self-enrolment with the reasons a
// person is told before; a person's timetable.
func TestCatalogue(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newRosterWorld(t, db)
			ctx := context.Background()
			now := w.Clock.Now()
			care := w.class(false, day(2026, 11, 16), 3, func(in *xiangpei.ClassInput) { in.Sector = "life_services" })
			weld := w.class(true, day(2026, 11, 23), 2, func(in *xiangpei.ClassInput) {
				in.Name, in.OccupationCode = "焊工五级班", "6-18-02-04"
			})
			closedToSelf := w.class(false, day(2026, 12, 7), 2, func(in *xiangpei.ClassInput) { in.Name, in.SelfEnrol = "内部班", false })
			full := w.class(false, day(2026, 12, 14), 2, func(in *xiangpei.ClassInput) { in.Name, in.Capacity = "满员班", 1 })
			w.mustAdd(full, w.person("19900101", "占座者").ID)
			draft, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
				in := w.ClassInput(t, day(2026, 12, 21), 2)
				in.Name = "草稿班"
				return tx.CreateClass(w.InstA.Scope(), w.Inst.ID, in)
			})
			if err != nil {
				t.Fatal(err)
			}
			ids := func(f store.CourseFilter, page store.Page) ([]int64, int) {
				t.Helper()
				list, total, err := db.Courses(ctx, now, f, page)
				if err != nil {
					t.Fatal(err)
				}
				var out []int64
				for _, c := range list {
					out = append(out, c.ID)
					if c.OrgName == "" || c.VenueName == "" || c.OccupationName == "" || len(c.Sessions) == 0 {
						t.Errorf("course without names or sessions: %+v", c)
					}
				}
				return out, total
			}
			for _, tc := range []struct {
				name string
				f    store.CourseFilter
				want []int64
			}{
				{"everything open", store.CourseFilter{}, []int64{care.ID, weld.ID}},
				{"by county", store.CourseFilter{County: "430202"}, []int64{weld.ID}},
				{"by city", store.CourseFilter{County: "430200"}, []int64{care.ID, weld.ID}},
				{"by code prefix", store.CourseFilter{Occupation: "6-18"}, []int64{weld.ID}},
				{"by name", store.CourseFilter{Occupation: "护理"}, []int64{care.ID}},
				{"by sector", store.CourseFilter{Sector: "life_services"}, []int64{care.ID}},
				{"from a date", store.CourseFilter{From: day(2026, 11, 20)}, []int64{weld.ID}},
				{"a wildcard is a character", store.CourseFilter{Occupation: "%"}, nil},
			} {
				if got, total := ids(tc.f, store.Page{}); !slices.Equal(got, tc.want) || total != len(tc.want) {
					t.Errorf("%s: %v (%d), want %v", tc.name, got, total, tc.want)
				}
			}
			if got, total := ids(store.CourseFilter{}, store.Page{Offset: 1, Limit: 1}); !slices.Equal(got, []int64{weld.ID}) || total != 2 {
				t.Errorf("second page: %v of %d", got, total)
			}
			for _, id := range []int64{closedToSelf.ID, draft.ID} {
				if _, err := db.Course(ctx, id); !xiangpei.IsKind(err, xiangpei.NotFound) {
					t.Errorf("class %d in the catalogue: %v", id, err)
				}
			}
			co, err := db.Course(ctx, full.ID)
			if err != nil || co.SeatsLeft() != 0 || co.Venues[co.VenueID].Name == "" {
				t.Fatalf("full course: %v %+v", err, co)
			}

			// Before enrolling: every reason.
			p := w.person("19900315", "李学员")
			if r, err := db.CheckEnrolment(ctx, p.ID, care.ID); err != nil || len(r) != 0 {
				t.Fatalf("eligible: %v %v", err, r)
			}
			if r, err := db.CheckEnrolment(ctx, p.ID, full.ID); err != nil || len(r) != 1 || r[0].Key != "roster.full" {
				t.Fatalf("full: %v %v", err, r)
			}
			if _, err := db.CheckEnrolment(ctx, p.ID, closedToSelf.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("not in catalogue: %v", err)
			}
			enrol := func(classID int64) (xiangpei.Trainee, error) {
				a := xiangpei.Actor{Name: "p", Role: xiangpei.RolePerson, PersonID: p.ID}
				return store.Do(ctx, db, a, func(tx *store.Tx) (xiangpei.Trainee, error) { return tx.EnrolSelf(p.ID, classID) })
			}
			tr, err := enrol(care.ID)
			if err != nil || tr.Source != xiangpei.SourceSelf {
				t.Fatalf("enrol: %v %+v", err, tr)
			}
			if _, err := enrol(care.ID); !slices.Equal(reasonKeys(err), []string{"roster.duplicate"}) {
				t.Fatalf("twice: %v", err)
			}
			if r, _ := db.CheckEnrolment(ctx, p.ID, care.ID); len(r) != 1 || r[0].Key != "course.already_enrolled" {
				t.Fatalf("check after enrolling: %v", r)
			}
			if _, err := enrol(closedToSelf.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("enrol where self-enrolment is off: %v", err)
			}
			if _, err := enrol(weld.ID); err != nil {
				t.Fatal(err)
			}

			// The timetable: 5 sessions ahead; after the first two days, 2 past.
			me := xiangpei.Scope{PersonID: p.ID}
			up, total, err := db.Timetable(ctx, me, now, false, store.Page{})
			if err != nil || total != 5 || len(up) != 5 || up[0].ClassID != care.ID || up[0].VenueName == "" || !up[0].Session.Starts.Before(up[1].Session.Starts) {
				t.Fatalf("upcoming: %v %d %+v", err, total, up)
			}
			later := care.Sessions[1].Ends
			past, total, err := db.Timetable(ctx, me, later, true, store.Page{})
			if err != nil || total != 2 || past[0].Session.Seq != 2 {
				t.Fatalf("past: %v %d %+v", err, total, past)
			}
			if _, _, err := db.Timetable(ctx, w.InstA.Scope(), now, false, store.Page{}); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("an institution's timetable: %v", err)
			}
			// A class under way stays listed while a session is to come.
			w.Clock.Set(care.Sessions[0].Starts)
			w.Move(t, w.InstA, w.classAt(care, care.Sessions[0].Starts), xiangpei.ClassStart)
			if got, _ := ids(store.CourseFilter{}, store.Page{}); !slices.Contains(got, care.ID) {
				t.Errorf("class under way not listed at its first session: %v", got)
			}
			list, _, err := db.Courses(ctx, care.Sessions[2].Starts.Add(time.Minute), store.CourseFilter{}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range list {
				if c.ID == care.ID {
					t.Errorf("class under way listed after its last session began")
				}
			}
		})
	}
}
