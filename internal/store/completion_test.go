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

// completionWorld is a class of five 3-hour sessions (900 planned minutes; 80% is 720) of the
// Training world, with trainees put on its roster before it starts, then started.
type completionWorld struct {
	w        *storetest.Training
	db       *store.DB
	c        xiangpei.Class
	persons  []xiangpei.Person
	trainees []xiangpei.Trainee
}

// adults registers n adults of 天元区 who are in no class yet.
func adults(t *testing.T, db *store.DB, a xiangpei.Actor, first, n int) []xiangpei.Person {
	t.Helper()
	var out []xiangpei.Person
	err := db.Tx(context.Background(), a, func(tx *store.Tx) error {
		for i := first; i < first+n; i++ {
			id17 := fmt.Sprintf("43021119900101%03d", i)
			p, err := tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(id17 + string(xiangpei.IDCheckDigit(id17))),
				Name: fmt.Sprintf("学员%02d", i), Phone: fmt.Sprintf("1380733%04d", i), Household: xiangpei.HouseholdRural, County: "430211"})
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func newCompletionWorld(t *testing.T, db *store.DB, n int) *completionWorld {
	t.Helper()
	w := storetest.NewTraining(t, db)
	cw := &completionWorld{w: w, db: db, c: w.ApprovedClass(t, 10, 5)}
	cw.persons = adults(t, db, w.Admin, 1, n)
	err := db.Tx(context.Background(), w.InstA, func(tx *store.Tx) error {
		for _, p := range cw.persons {
			tr, err := tx.AddTrainee(xiangpei.Scope{All: true}, cw.c.ID, p.ID, xiangpei.SourceManual)
			if err != nil {
				return err
			}
			cw.trainees = append(cw.trainees, tr)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Clock.Set(cw.c.FirstSession)
	cw.c = w.Move(t, w.InstA, cw.c, xiangpei.ClassStart)
	return cw
}

// attend records a check-in and a check-out of a person at a session, late by `late`, through
// the institution's import path.
func (cw *completionWorld) attend(t *testing.T, session int, p xiangpei.Person, late time.Duration) {
	t.Helper()
	x := cw.c.Sessions[session]
	cw.ingest(t, xiangpei.Event{SessionID: x.ID, PersonID: p.ID, Kind: xiangpei.CheckIn, At: x.Starts.Add(late), Source: xiangpei.FromImport},
		xiangpei.Event{SessionID: x.ID, PersonID: p.ID, Kind: xiangpei.CheckOut, At: x.Ends, Source: xiangpei.FromImport})
}

func (cw *completionWorld) ingest(t *testing.T, evs ...xiangpei.Event) store.IngestResult {
	t.Helper()
	res, err := store.Do(context.Background(), cw.db, cw.w.InstA, func(tx *store.Tx) (store.IngestResult, error) {
		return tx.IngestEvents(cw.w.Inst.ID, evs)
	})
	if err != nil || len(res.Refused) > 0 {
		t.Fatalf("ingest: %v %+v", err, res.Refused)
	}
	return res
}

func (cw *completionWorld) close(a xiangpei.Actor, version int64) (xiangpei.Class, []store.CompletionLine, error) {
	var lines []store.CompletionLine
	c, err := store.Do(context.Background(), cw.db, a, func(tx *store.Tx) (xiangpei.Class, error) {
		c, l, err := tx.CloseClass(a.Scope(), cw.c.ID, version)
		lines = l
		return c, err
	})
	return c, lines, err
}

func traineeStatus(t *testing.T, db *store.DB, s xiangpei.Scope, classID, personID int64) xiangpei.Trainee {
	t.Helper()
	ts, err := db.Trainees(context.Background(), s, classID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range ts {
		if tr.PersonID == personID {
			return tr
		}
	}
	t.Fatalf("person %d not on the roster", personID)
	return xiangpei.Trainee{}
}

// TestCloseClassAtTheThreshold: 720 of 900 minutes (80%) completes, 719 does not, nothing does
// not, and a withdrawn trainee stays withdrawn; closing waits for the last session's end, is
// the institution's alone, and refuses a stale version and a second close.
func TestCloseClassAtTheThreshold(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw := newCompletionWorld(t, db, 4)
			w, c := cw.w, cw.c
			ctx := context.Background()
			exact, short, absent, gone := cw.persons[0], cw.persons[1], cw.persons[2], cw.persons[3]
			w.Clock.Set(c.LastSession.Add(time.Hour))
			for i := 0; i < 4; i++ {
				cw.attend(t, i, exact, 0)
				late := time.Duration(0)
				if i == 3 {
					late = time.Minute
				}
				cw.attend(t, i, short, late)
			}
			cw.attend(t, 0, gone, 0)
			_, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.RosterRow, error) {
				return tx.WithdrawTrainee(w.InstA.Scope(), c.ID, cw.trainees[3].ID, cw.trainees[3].Version, "搬家去外地")
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := traineeStatus(t, db, w.InstA.Scope(), c.ID, exact.ID).AttendedMinutes; got != 720 {
				t.Fatalf("exact attended %d minutes", got)
			}
			// The preview decides the same as the close, without changing anything.
			_, preview, err := db.CompletionPreview(ctx, w.InstA.Scope(), c.ID)
			if err != nil || len(preview) != 4 {
				t.Fatalf("preview: %v %+v", err, preview)
			}
			// Too early: the last session has not ended.
			w.Clock.Set(c.LastSession.Add(-time.Minute))
			if _, _, err := cw.close(w.InstA, c.Version); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("close before the end: %v", err)
			}
			w.Clock.Set(c.LastSession)
			if _, _, err := cw.close(w.OtherA, c.Version); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("another institution closing: %v", err)
			}
			if _, _, err := cw.close(w.Officer, c.Version); !xiangpei.IsKind(err, xiangpei.Forbidden) {
				t.Errorf("an officer closing: %v", err)
			}
			if _, _, err := cw.close(w.InstA, c.Version-1); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("stale close: %v", err)
			}
			closed, lines, err := cw.close(w.InstA, c.Version)
			if err != nil {
				t.Fatal(err)
			}
			if closed.Status != xiangpei.ClassClosed || closed.Version != c.Version+1 {
				t.Errorf("closed: %s v%d", closed.Status, closed.Version)
			}
			want := map[int64]xiangpei.TraineeStatus{exact.ID: xiangpei.TraineeCompleted, short.ID: xiangpei.TraineeNotCompleted,
				absent.ID: xiangpei.TraineeNotCompleted, gone.ID: xiangpei.TraineeWithdrawn}
			for _, l := range lines {
				if l.Outcome != want[l.Trainee.PersonID] {
					t.Errorf("%s: outcome %s, want %s (%d%%)", l.Trainee.Name, l.Outcome, want[l.Trainee.PersonID], l.RatePct)
				}
			}
			for _, l := range preview {
				if l.Outcome != want[l.Trainee.PersonID] {
					t.Errorf("preview %s: %s", l.Trainee.Name, l.Outcome)
				}
			}
			for pid, st := range want {
				if got := traineeStatus(t, db, w.InstA.Scope(), c.ID, pid); got.Status != st {
					t.Errorf("stored %s: %s, want %s", got.Name, got.Status, st)
				}
			}
			if _, _, err := cw.close(w.InstA, closed.Version); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("closing twice: %v", err)
			}
			hist, err := db.ClassHistory(ctx, w.InstA.Scope(), c.ID)
			if err != nil || hist[len(hist)-1].Action != "close" {
				t.Errorf("history: %v %+v", err, hist)
			}
			// Attendance is no longer taken directly once the class is closed.
			res, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.IngestResult, error) {
				return tx.IngestEvents(w.Inst.ID, []xiangpei.Event{{SessionID: c.Sessions[4].ID, PersonID: short.ID,
					Kind: xiangpei.CheckIn, At: c.Sessions[4].Starts, Source: xiangpei.FromImport}})
			})
			if err != nil || res.Accepted != 0 || len(res.Refused) != 1 {
				t.Errorf("ingest after closing: %v %+v", err, res)
			}
			// The person's record shows the class as completed, with hours and rate.
			lines2, err := db.PersonTraining(ctx, xiangpei.Scope{PersonID: exact.ID}, exact.ID)
			if err != nil || len(lines2) != 1 {
				t.Fatalf("record: %v %+v", err, lines2)
			}
			l := lines2[0]
			if l.Status != xiangpei.TraineeCompleted || l.AttendedMinutes != 720 || l.PlannedMinutes != 900 || l.RatePct != 80 ||
				l.OrgName != w.Inst.Name || l.ClassStatus != xiangpei.ClassClosed {
				t.Errorf("record line: %+v", l)
			}
			// Another person's record is not readable through someone else's scope.
			if other, err := db.PersonTraining(ctx, xiangpei.Scope{PersonID: short.ID}, exact.ID); err != nil || len(other) != 0 {
				t.Errorf("another person's record: %v %+v", err, other)
			}
			if other, err := db.PersonTraining(ctx, w.OtherA.Scope(), exact.ID); err != nil || len(other) != 0 {
				t.Errorf("another institution reading the record: %v %+v", err, other)
			}
		})
	}
}

// TestClassAttendanceReport: rates against the threshold, the session grid, an anomaly of one
// phone checking in two trainees, and the report's scope.
func TestClassAttendanceReport(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw := newCompletionWorld(t, db, 3)
			w, c := cw.w, cw.c
			ctx := context.Background()
			a, b, z := cw.persons[0], cw.persons[1], cw.persons[2]
			w.Clock.Set(c.LastSession.Add(time.Hour))
			for i := 0; i < 5; i++ {
				cw.attend(t, i, a, 0)
			}
			x := c.Sessions[0]
			cw.ingest(t,
				xiangpei.Event{SessionID: x.ID, PersonID: a.ID, Kind: xiangpei.CheckIn, At: x.Starts.Add(-time.Minute), Source: xiangpei.FromQR, Device: "phone-1"},
				xiangpei.Event{SessionID: x.ID, PersonID: b.ID, Kind: xiangpei.CheckIn, At: x.Starts, Source: xiangpei.FromQR, Device: "phone-1"},
				xiangpei.Event{SessionID: x.ID, PersonID: b.ID, Kind: xiangpei.CheckOut, At: x.Starts.Add(90 * time.Minute), Source: xiangpei.FromQR, Device: "phone-1"})
			rep, err := db.ClassAttendance(ctx, w.InstA.Scope(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if rep.PlannedMinutes != 900 || rep.ThresholdPct != 80 || len(rep.Sessions) != 5 || len(rep.Trainees) != 3 || rep.Below != 2 {
				t.Fatalf("report: planned %d, threshold %d, %d sessions, %d trainees, %d below", rep.PlannedMinutes, rep.ThresholdPct,
					len(rep.Sessions), len(rep.Trainees), rep.Below)
			}
			byPerson := map[int64]store.TraineeAttendance{}
			for _, r := range rep.Trainees {
				byPerson[r.Trainee.PersonID] = r
			}
			if r := byPerson[a.ID]; r.RatePct != 100 || !r.Meets || !r.Cells[4].Seen || r.Cells[0].Minutes != 180 {
				t.Errorf("a: %+v", r)
			}
			if r := byPerson[b.ID]; r.RatePct != 10 || r.Meets || r.Cells[0].Minutes != 90 || r.Cells[1].Seen {
				t.Errorf("b: %+v", r)
			}
			if r := byPerson[z.ID]; r.RatePct != 0 || r.Meets || r.Cells[0].Seen {
				t.Errorf("z: %+v", r)
			}
			if rep.Sessions[0].Seen != 2 || rep.Sessions[1].Seen != 1 || rep.Sessions[0].Venue != w.Venue.Name {
				t.Errorf("sessions: %+v", rep.Sessions)
			}
			var shared int
			for _, an := range rep.Anomalies {
				if an.Code == xiangpei.AnomalySharedDevice && len(an.PersonIDs) == 2 {
					shared++
				}
			}
			if shared != 1 {
				t.Errorf("anomalies: %+v", rep.Anomalies)
			}
			if rep2, err := db.ClassAttendance(ctx, w.Officer.Scope(), c.ID); err != nil || len(rep2.Trainees) != 3 || len(rep2.Anomalies) != len(rep.Anomalies) {
				t.Errorf("the county's officer: %v", err)
			}
			for _, other := range []xiangpei.Actor{w.OtherA, w.OOfficer} {
				if _, err := db.ClassAttendance(ctx, other.Scope(), c.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
					t.Errorf("%s reads the report: %v", other.Name, err)
				}
			}
		})
	}
}

// TestImpossibleTravelAcrossClasses: a trainee checked in at the other institution's venue
// (5 km away in the fixture) half a minute after checking in at this class's venue.
func TestImpossibleTravelAcrossClasses(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			ctx := context.Background()
			mine := w.ApprovedClass(t, 10, 1)
			in := w.ClassInput(t, mine.FirstSession, 1)
			in.VenueID, in.TeacherIDs = w.OVenue.ID, []int64{w.OTeacher.ID}
			in.Sessions[0].VenueID, in.Sessions[0].TeacherID = w.OVenue.ID, w.OTeacher.ID
			in.Sessions[0].Starts, in.Sessions[0].Ends = in.Sessions[0].Starts.Add(4*time.Hour), in.Sessions[0].Ends.Add(4*time.Hour)
			in.Funding = xiangpei.FundingSelf
			theirs, err := store.Do(ctx, db, w.OtherA, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.CreateClass(w.OtherA.Scope(), w.Other.ID, in)
			})
			if err != nil {
				t.Fatal(err)
			}
			theirs = w.Move(t, w.OtherA, theirs, xiangpei.ClassSubmit, xiangpei.ClassApprove)
			p := adults(t, db, w.Admin, 1, 1)[0]
			err = db.Tx(ctx, w.Admin, func(tx *store.Tx) error {
				for _, c := range []xiangpei.Class{mine, theirs} {
					if _, err := tx.AddTrainee(xiangpei.Scope{All: true}, c.ID, p.ID, xiangpei.SourceManual); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			w.Clock.Set(theirs.LastSession)
			x, y := mine.Sessions[0], theirs.Sessions[0]
			err = db.Tx(ctx, w.Admin, func(tx *store.Tx) error {
				res, err := tx.IngestEvents(0, []xiangpei.Event{
					{SessionID: x.ID, PersonID: p.ID, Kind: xiangpei.CheckOut, At: x.Ends, Source: xiangpei.FromImport},
					{SessionID: y.ID, PersonID: p.ID, Kind: xiangpei.CheckIn, At: x.Ends.Add(30 * time.Second), Source: xiangpei.FromImport}})
				if err == nil && len(res.Refused) > 0 {
					err = res.Refused[0].Err
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := db.ClassAttendance(ctx, w.InstA.Scope(), mine.ID)
			if err != nil {
				t.Fatal(err)
			}
			var travel []xiangpei.Anomaly
			for _, a := range rep.Anomalies {
				if a.Code == xiangpei.AnomalyImpossibleTravel {
					travel = append(travel, a)
				}
			}
			if len(travel) != 1 || travel[0].OtherClassID != theirs.ID || travel[0].Severity != xiangpei.SeverityFail {
				t.Fatalf("travel: %+v (all %+v)", travel, rep.Anomalies)
			}
		})
	}
}

// TestRating: a trainee rates from the start of the last session until 7 days after the end,
// may change the rating, and the averages are published per class and institution.
func TestRating(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw := newCompletionWorld(t, db, 3)
			w, c := cw.w, cw.c
			ctx := context.Background()
			rate := func(p xiangpei.Person, n int, comment string) (xiangpei.Trainee, error) {
				a := xiangpei.Actor{Name: p.Name, Role: xiangpei.RolePerson, PersonID: p.ID}
				cur := traineeStatus(t, db, a.Scope(), c.ID, p.ID)
				return store.Do(ctx, db, a, func(tx *store.Tx) (xiangpei.Trainee, error) {
					return tx.RateClass(a.Scope(), c.ID, store.RatingInput{Rating: n, Comment: comment, Version: cur.Version})
				})
			}
			last := c.Sessions[len(c.Sessions)-1]
			w.Clock.Set(last.Starts.Add(-time.Second))
			if _, err := rate(cw.persons[0], 5, ""); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("before the last session: %v", err)
			}
			w.Clock.Set(last.Starts)
			if tr, err := rate(cw.persons[0], 5, "老师讲得很细"); err != nil || tr.Rating != 5 {
				t.Fatalf("rating: %v %+v", err, tr)
			}
			if _, err := rate(cw.persons[1], 6, ""); !xiangpei.IsKind(err, xiangpei.Invalid) {
				t.Errorf("six stars: %v", err)
			}
			if _, err := rate(cw.persons[1], 2, ""); err != nil {
				t.Fatal(err)
			}
			w.Clock.Set(c.LastSession.AddDate(0, 0, store.RatingDays))
			if _, err := rate(cw.persons[1], 3, "改一下"); err != nil {
				t.Errorf("changing on the last day: %v", err)
			}
			w.Clock.Set(c.LastSession.AddDate(0, 0, store.RatingDays).Add(time.Second))
			if _, err := rate(cw.persons[2], 4, ""); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("after the window: %v", err)
			}
			// A stale version is refused; staff cannot rate.
			a := xiangpei.Actor{Name: "p", Role: xiangpei.RolePerson, PersonID: cw.persons[0].ID}
			w.Clock.Set(last.Ends)
			_, err := store.Do(ctx, db, a, func(tx *store.Tx) (xiangpei.Trainee, error) {
				return tx.RateClass(a.Scope(), c.ID, store.RatingInput{Rating: 1, Version: 1})
			})
			if !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("stale rating: %v", err)
			}
			_, err = store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Trainee, error) {
				return tx.RateClass(w.InstA.Scope(), c.ID, store.RatingInput{Rating: 5, Version: 1})
			})
			if !xiangpei.IsKind(err, xiangpei.Forbidden) {
				t.Errorf("staff rating: %v", err)
			}
			// Someone not on the roster does not find the class.
			stranger := adults(t, db, w.Admin, 50, 1)[0]
			sa := xiangpei.Actor{Name: "s", Role: xiangpei.RolePerson, PersonID: stranger.ID}
			_, err = store.Do(ctx, db, sa, func(tx *store.Tx) (xiangpei.Trainee, error) {
				return tx.RateClass(sa.Scope(), c.ID, store.RatingInput{Rating: 5, Version: 1})
			})
			if !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("stranger rating: %v", err)
			}
			sum, err := db.RatingSummary(ctx, c.ID)
			if err != nil || sum.Count != 2 || sum.Average != 4 {
				t.Errorf("class summary: %v %+v", err, sum)
			}
			if org, err := db.OrgRatingSummary(ctx, w.Inst.ID); err != nil || org != sum {
				t.Errorf("institution summary: %v %+v", err, org)
			}
			if org, err := db.OrgRatingSummary(ctx, w.Other.ID); err != nil || org.Count != 0 || org.Average != 0 {
				t.Errorf("other institution summary: %v %+v", err, org)
			}
		})
	}
}
