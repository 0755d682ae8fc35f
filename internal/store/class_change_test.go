package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// clsErrKey is the catalogue key of a domain error, "" for anything else.
func clsErrKey(err error) string {
	var e *xiangpei.Error
	if asError(err, &e) {
		return e.Key
	}
	return ""
}

func clsCreate(t *testing.T, w *storetest.Training, a xiangpei.Actor, org int64, in xiangpei.ClassInput) xiangpei.Class {
	t.Helper()
	c, err := store.Do(context.Background(), w.DB, a, func(tx *store.Tx) (xiangpei.Class, error) {
		return tx.CreateClass(a.Scope(), org, in)
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func clsFile(w *storetest.Training, a xiangpei.Actor, c xiangpei.Class, kind xiangpei.ChangeKind, in xiangpei.ClassInput, reason string) (xiangpei.ClassChange, error) {
	return store.Do(context.Background(), w.DB, a, func(tx *store.Tx) (xiangpei.ClassChange, error) {
		return tx.FileClassChange(a.Scope(), c.ID, c.Version, kind, in, reason)
	})
}

func clsDecide(w *storetest.Training, a xiangpei.Actor, ch xiangpei.ClassChange, action xiangpei.ClassAction, reason string) (xiangpei.ClassChange, error) {
	return store.Do(context.Background(), w.DB, a, func(tx *store.Tx) (xiangpei.ClassChange, error) {
		return tx.DecideClassChange(a.Scope(), ch.ID, ch.Version, action, reason)
	})
}

func clsReload(t *testing.T, w *storetest.Training, c xiangpei.Class) xiangpei.Class {
	t.Helper()
	c, err := w.DB.Class(context.Background(), xiangpei.Scope{All: true}, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// clsTrainees puts n adults of 天元区 on a class's roster.
func clsTrainees(t *testing.T, w *storetest.Training, c xiangpei.Class, n int) []xiangpei.Person {
	t.Helper()
	var out []xiangpei.Person
	err := w.DB.Tx(context.Background(), w.Admin, func(tx *store.Tx) error {
		for i := range n {
			id17 := fmt.Sprintf("43021119910203%03d", 500+i)
			p, err := tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(id17 + string(xiangpei.IDCheckDigit(id17))),
				Name: fmt.Sprintf("变更学员%02d", i), Phone: fmt.Sprintf("1390733%04d", 500+i), Household: xiangpei.HouseholdRural, County: "430211"})
			if err != nil {
				return err
			}
			if _, err := tx.AddTrainee(xiangpei.Scope{All: true}, c.ID, p.ID, xiangpei.SourceManual); err != nil {
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

// TestUpdateClassDraft: a draft is edited at its version; sessions that stay keep their ids;
// a stale version, another institution, an officer and an approved class are refused.
func TestUpdateClassDraft(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			ctx := context.Background()
			c := clsCreate(t, w, w.InstA, w.Inst.ID, w.ClassInput(t, w.Now().AddDate(0, 0, 10), 3))
			in := store.ClassInputOf(c)
			in.Name = "养老护理员五级培训班（改）"
			in.Capacity = 40
			// Drop the second session, add one at the end: the first and third keep their ids.
			last := in.Sessions[2]
			extra := xiangpei.Session{Starts: last.Starts.AddDate(0, 0, 7), Ends: last.Ends.AddDate(0, 0, 7), Kind: xiangpei.SessionTheory, TeacherID: last.TeacherID}
			in.Sessions = []xiangpei.Session{in.Sessions[0], in.Sessions[2], extra}
			got, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.UpdateClass(w.InstA.Scope(), c.ID, c.Version, in)
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != in.Name || got.Capacity != 40 || got.Version != c.Version+1 || len(got.Sessions) != 3 {
				t.Fatalf("updated: %+v", got)
			}
			if got.Sessions[0].ID != c.Sessions[0].ID || got.Sessions[1].ID != c.Sessions[2].ID || got.Sessions[1].Seq != 2 ||
				got.Sessions[2].ID == c.Sessions[1].ID || !got.LastSession.Equal(extra.Ends.UTC()) {
				t.Errorf("session identity: before %+v after %+v", c.Sessions, got.Sessions)
			}
			for _, x := range []struct {
				name    string
				a       xiangpei.Actor
				version int64
				kind    xiangpei.Kind
			}{
				{"stale", w.InstA, c.Version, xiangpei.Conflict},
				{"other institution", w.OtherA, got.Version, xiangpei.NotFound},
				{"other county's officer", w.OOfficer, got.Version, xiangpei.NotFound},
				{"officer", w.Officer, got.Version, xiangpei.Forbidden},
			} {
				_, err := store.Do(ctx, db, x.a, func(tx *store.Tx) (xiangpei.Class, error) {
					return tx.UpdateClass(x.a.Scope(), c.ID, x.version, in)
				})
				if !xiangpei.IsKind(err, x.kind) {
					t.Errorf("%s: %v, want %s", x.name, err, x.kind)
				}
			}
			// Bad input writes nothing.
			bad := in
			bad.TheoryHours = 1
			if _, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.UpdateClass(w.InstA.Scope(), c.ID, got.Version, bad)
			}); clsErrKey(err) != "class.hours_mismatch" {
				t.Errorf("bad input: %v", err)
			}
			if again := clsReload(t, w, c); again.Version != got.Version || again.TheoryHours != got.TheoryHours {
				t.Errorf("a refused edit wrote: %+v", again)
			}
			approved := w.Move(t, w.InstA, got, xiangpei.ClassSubmit, xiangpei.ClassApprove)
			if _, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.UpdateClass(w.InstA.Scope(), c.ID, approved.Version, in)
			}); clsErrKey(err) != "class.not_editable" {
				t.Errorf("editing an approved class: %v", err)
			}
		})
	}
}

// TestClassChangeReturnAndApprove: a change filing of an approved class is returned with a
// reason, filed again and approved; the new values replace the old, both are kept, and the
// scope of every reader holds.
func TestClassChangeReturnAndApprove(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			ctx := context.Background()
			c := w.ApprovedClass(t, 14, 3)
			in := store.ClassInputOf(c)
			in.Capacity = 45
			in.Sessions[1].Starts = in.Sessions[1].Starts.Add(time.Hour)
			in.Sessions[1].Ends = in.Sessions[1].Ends.Add(time.Hour)
			if _, err := clsFile(w, w.InstA, c, xiangpei.ChangeEdit, in, " "); clsErrKey(err) != "class.change_reason" {
				t.Errorf("no reason: %v", err)
			}
			if _, err := clsFile(w, w.InstA, c, xiangpei.ChangeEdit, store.ClassInputOf(c), "没有变化"); clsErrKey(err) != "class.change_nothing" {
				t.Errorf("nothing changed: %v", err)
			}
			if _, err := clsFile(w, w.OtherA, c, xiangpei.ChangeEdit, in, "别人的班"); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("other institution: %v", err)
			}
			ch, err := clsFile(w, w.InstA, c, xiangpei.ChangeEdit, in, "场地调整，第二节推迟一小时")
			if err != nil {
				t.Fatal(err)
			}
			if ch.Status != xiangpei.ChangeFiled || ch.Kind != xiangpei.ChangeEdit || ch.Before.Capacity != 30 || ch.After.Capacity != 45 {
				t.Fatalf("filed %+v", ch)
			}
			if _, err := clsFile(w, w.InstA, c, xiangpei.ChangeEdit, in, "再来一次"); clsErrKey(err) != "class.change_open" {
				t.Errorf("second open change: %v", err)
			}
			for _, a := range []xiangpei.Actor{w.OtherA, w.OOfficer} {
				if _, err := db.ClassChange(ctx, a.Scope(), ch.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
					t.Errorf("%s reads the change: %v", a.Name, err)
				}
				if _, err := db.ClassChanges(ctx, a.Scope(), c.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
					t.Errorf("%s lists the changes: %v", a.Name, err)
				}
			}
			if _, err := clsDecide(w, w.OOfficer, ch, xiangpei.ClassApprove, ""); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("other county approves: %v", err)
			}
			if _, err := clsDecide(w, w.InstA, ch, xiangpei.ClassApprove, ""); !xiangpei.IsKind(err, xiangpei.Forbidden) {
				t.Errorf("institution approves its own change: %v", err)
			}
			if _, err := clsDecide(w, w.Officer, ch, xiangpei.ClassReturn, ""); clsErrKey(err) != "class.reason" {
				t.Errorf("return without a reason: %v", err)
			}
			ret, err := clsDecide(w, w.Officer, ch, xiangpei.ClassReturn, "请说明场地调整的原因")
			if err != nil || ret.Status != xiangpei.ChangeReturned || ret.ReturnReason != "请说明场地调整的原因" {
				t.Fatalf("return: %v %+v", err, ret)
			}
			if _, err := clsDecide(w, w.Officer, ret, xiangpei.ClassApprove, ""); clsErrKey(err) != "class.change_decided" {
				t.Errorf("approving a returned change: %v", err)
			}
			if got := clsReload(t, w, c); got.Capacity != 30 || got.Version != c.Version {
				t.Errorf("a returned change touched the class: %+v", got)
			}
			ch2, err := clsFile(w, w.InstA, c, xiangpei.ChangeEdit, in, "原实训室维修，第二节推迟一小时")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := clsDecide(w, w.Officer, xiangpei.ClassChange{ID: ch2.ID, Version: ch2.Version + 1}, xiangpei.ClassApprove, ""); clsErrKey(err) != "version.stale" {
				t.Errorf("stale decision: %v", err)
			}
			ok, err := clsDecide(w, w.Officer, ch2, xiangpei.ClassApprove, "")
			if err != nil || ok.Status != xiangpei.ChangeApproved || ok.DecidedAt.IsZero() {
				t.Fatalf("approve: %v %+v", err, ok)
			}
			got := clsReload(t, w, c)
			if got.Capacity != 45 || got.Version != c.Version+1 || got.Status != xiangpei.ClassApproved ||
				!got.Sessions[1].Starts.Equal(in.Sessions[1].Starts.UTC()) || got.Sessions[1].ID != c.Sessions[1].ID {
				t.Errorf("approved change not applied: %+v", got)
			}
			list, err := db.ClassChanges(ctx, w.InstA.Scope(), c.ID)
			if err != nil || len(list) != 2 || list[0].ID != ch2.ID || list[1].Status != xiangpei.ChangeReturned {
				t.Errorf("kept changes: %v %+v", err, list)
			}
			hist, err := db.ClassHistory(ctx, w.Officer.Scope(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var actions []string
			for _, e := range hist {
				actions = append(actions, e.Action)
			}
			if want := []string{"create", "submit", "approve", "change_change", "change_return", "change_change", "change_approve"}; !slices.Equal(actions, want) {
				t.Errorf("history %v, want %v", actions, want)
			}
			// Cancelling a class sends back a change still waiting.
			ch3, err := clsFile(w, w.InstA, got, xiangpei.ChangeEdit, func() xiangpei.ClassInput {
				x := store.ClassInputOf(got)
				x.Capacity = 50
				return x
			}(), "扩招")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.MoveClass(w.InstA.Scope(), got.ID, got.Version, xiangpei.ClassCancel, "招生不足，取消开班")
			}); err != nil {
				t.Fatal(err)
			}
			if back, err := db.ClassChange(ctx, w.InstA.Scope(), ch3.ID); err != nil || back.Status != xiangpei.ChangeReturned || back.ReturnReason != "招生不足，取消开班" {
				t.Errorf("open change after cancelling: %v %+v", err, back)
			}
		})
	}
}

// TestClassChangeKeepsAttendedSessions: once a session has attendance it can be neither moved
// nor removed by a change; other sessions can.
func TestClassChangeKeepsAttendedSessions(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			ctx := context.Background()
			c := w.ApprovedClass(t, 10, 3)
			people := clsTrainees(t, w, c, 1)
			w.Clock.Set(c.FirstSession)
			c = w.Move(t, w.InstA, c, xiangpei.ClassStart)
			x := c.Sessions[0]
			w.Clock.Set(x.Ends.Add(time.Minute))
			if _, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (store.IngestResult, error) {
				return tx.IngestEvents(w.Inst.ID, []xiangpei.Event{
					{SessionID: x.ID, PersonID: people[0].ID, Kind: xiangpei.CheckIn, At: x.Starts, Source: xiangpei.FromImport},
					{SessionID: x.ID, PersonID: people[0].ID, Kind: xiangpei.CheckOut, At: x.Ends, Source: xiangpei.FromImport}})
			}); err != nil {
				t.Fatal(err)
			}
			moved := store.ClassInputOf(c)
			moved.Sessions[0].Ends = moved.Sessions[0].Ends.Add(-30 * time.Minute)
			moved.Sessions[1].Starts = moved.Sessions[1].Starts.Add(-30 * time.Minute)
			if _, err := clsFile(w, w.InstA, c, xiangpei.ChangeEdit, moved, "第一节改短"); clsErrKey(err) != "class.session_attended_moved" {
				t.Errorf("moving an attended session: %v", err)
			}
			removed := store.ClassInputOf(c)
			removed.Sessions = removed.Sessions[1:]
			removed.TheoryHours -= 3
			if _, err := clsFile(w, w.InstA, c, xiangpei.ChangeEdit, removed, "删去第一节"); clsErrKey(err) != "class.session_has_attendance" {
				t.Errorf("removing an attended session: %v", err)
			}
			later := store.ClassInputOf(c)
			later.Sessions[2].Starts = later.Sessions[2].Starts.AddDate(0, 0, 7)
			later.Sessions[2].Ends = later.Sessions[2].Ends.AddDate(0, 0, 7)
			ch, err := clsFile(w, w.InstA, c, xiangpei.ChangeEdit, later, "第三节推迟一周")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := clsDecide(w, w.Officer, ch, xiangpei.ClassApprove, ""); err != nil {
				t.Fatal(err)
			}
			got := clsReload(t, w, c)
			if got.Sessions[0].ID != x.ID || !got.Sessions[0].Starts.Equal(x.Starts) || !got.Sessions[2].Starts.Equal(later.Sessions[2].Starts.UTC()) {
				t.Errorf("timetable after the change: %+v", got.Sessions)
			}
		})
	}
}

// TestMakeUpFiling: make-up sessions are filed once the class has started, within 60 days of
// its last session, reviewed like any change; they join the timetable marked as make-up and
// leave the planned hours as filed.
func TestMakeUpFiling(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			c := w.ApprovedClass(t, 10, 3)
			session := func(start time.Time) xiangpei.Session {
				return xiangpei.Session{Starts: start, Ends: start.Add(2 * time.Hour), Kind: xiangpei.SessionTheory, TeacherID: w.Teachers[0].ID}
			}
			lastEnd := c.Sessions[2].Ends
			early := session(lastEnd.Add(24 * time.Hour))
			if _, err := clsFile(w, w.InstA, c, xiangpei.ChangeMakeUp, xiangpei.ClassInput{Sessions: []xiangpei.Session{early}}, "补课"); clsErrKey(err) != "class.makeup_state" {
				t.Errorf("make-up before the class started: %v", err)
			}
			w.Clock.Set(c.FirstSession)
			c = w.Move(t, w.InstA, c, xiangpei.ClassStart)
			w.Clock.Set(lastEnd.Add(time.Hour))
			tooLate := session(lastEnd.AddDate(0, 0, 60).Add(-time.Hour))
			if _, err := clsFile(w, w.InstA, c, xiangpei.ChangeMakeUp, xiangpei.ClassInput{Sessions: []xiangpei.Session{tooLate}}, "补课"); clsErrKey(err) != "class.makeup_window" {
				t.Errorf("make-up after the window: %v", err)
			}
			overlap := session(c.Sessions[2].Starts.Add(time.Hour))
			w.Clock.Set(c.Sessions[2].Starts.Add(-time.Hour))
			if _, err := clsFile(w, w.InstA, c, xiangpei.ChangeMakeUp, xiangpei.ClassInput{Sessions: []xiangpei.Session{overlap}}, "补课"); clsErrKey(err) != "class.session_overlap" {
				t.Errorf("make-up overlapping a session: %v", err)
			}
			w.Clock.Set(lastEnd.Add(time.Hour))
			inWindow := session(lastEnd.AddDate(0, 0, 59))
			ch, err := clsFile(w, w.InstA, c, xiangpei.ChangeMakeUp, xiangpei.ClassInput{Sessions: []xiangpei.Session{inWindow}}, "三名学员缺第二节，补课")
			if err != nil {
				t.Fatal(err)
			}
			if ch.Kind != xiangpei.ChangeMakeUp || len(ch.After.Sessions) != 4 || !ch.After.Sessions[3].MakeUp {
				t.Fatalf("make-up filing %+v", ch.After.Sessions)
			}
			if _, err := clsDecide(w, w.Officer, ch, xiangpei.ClassApprove, ""); err != nil {
				t.Fatal(err)
			}
			got := clsReload(t, w, c)
			if len(got.Sessions) != 4 || !got.Sessions[3].MakeUp || got.PlannedMinutes() != c.PlannedMinutes() ||
				got.TheoryHours != c.TheoryHours || !got.RegularEnd().Equal(lastEnd) {
				t.Errorf("after the make-up: planned %d (was %d), sessions %+v", got.PlannedMinutes(), c.PlannedMinutes(), got.Sessions)
			}
			// A later change keeps the make-up a make-up even when the input forgets to say so.
			again := store.ClassInputOf(got)
			again.Sessions[3].MakeUp = false
			again.Capacity = 35
			ch2, err := clsFile(w, w.InstA, got, xiangpei.ChangeEdit, again, "扩招")
			if err != nil {
				t.Fatal(err)
			}
			if !ch2.After.Sessions[3].MakeUp {
				t.Error("the make-up session lost its mark")
			}
		})
	}
}

// TestReviewQueueFlags: the county's queue lists filed classes and change filings of its
// region only, oldest first, with late filings, teacher clashes, scope, capacity and sanction
// problems flagged.
func TestReviewQueueFlags(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			ctx := context.Background()
			all := xiangpei.Scope{All: true}
			// 1. An approved class with a change filing (capacity above the institution's).
			approved := w.ApprovedClass(t, 20, 2)
			w.Clock.Add(time.Hour)
			more := store.ClassInputOf(approved)
			more.Capacity = 60
			if _, err := clsFile(w, w.InstA, approved, xiangpei.ChangeEdit, more, "扩招"); err != nil {
				t.Fatal(err)
			}
			// 2. Two filed classes with the same teacher at the same time.
			w.Clock.Add(time.Hour)
			a := w.Move(t, w.InstA, clsCreate(t, w, w.InstA, w.Inst.ID, w.ClassInput(t, w.Now().AddDate(0, 0, 10), 2)), xiangpei.ClassSubmit)
			w.Clock.Add(time.Hour)
			b := w.Move(t, w.InstA, clsCreate(t, w, w.InstA, w.Inst.ID, w.ClassInput(t, w.Now().AddDate(0, 0, 10), 2)), xiangpei.ClassSubmit)
			// 3. A late filing (two working days ahead) of 焊工, taught by a teacher certified in
			// another occupation, then the scope entry removed.
			w.Clock.Add(time.Hour)
			var welder xiangpei.Teacher
			err := db.Tx(ctx, w.Admin, func(tx *store.Tx) error {
				id17 := "43021119750505111"
				var err error
				welder, err = tx.AddTeacher(all, xiangpei.Teacher{OrgID: w.Inst.ID, Name: "王师傅", IDNumber: xiangpei.IDNumber(id17 + string(xiangpei.IDCheckDigit(id17))),
					Qualification: "高级技师", OccupationCode: "4-10-01-05", Level: "3"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			in := w.ClassInput(t, time.Date(2026, 11, 4, 13, 0, 0, 0, time.FixedZone("CST", 8*3600)), 1)
			in.OccupationCode = "6-18-02-04"
			in.TeacherIDs = []int64{welder.ID}
			in.Sessions[0].TeacherID = welder.ID
			late := w.Move(t, w.InstA, clsCreate(t, w, w.InstA, w.Inst.ID, in), xiangpei.ClassSubmit)
			err = db.Tx(ctx, w.Officer, func(tx *store.Tx) error {
				scopes, err := db.Scopes(ctx, all, w.Inst.ID)
				if err != nil {
					return err
				}
				for _, e := range scopes {
					if e.OccupationCode == "6-18-02-04" {
						return tx.RemoveScope(w.Officer.Scope(), w.Inst.ID, e.ID, "资质到期，移出范围")
					}
				}
				return fmt.Errorf("no welding scope")
			})
			if err != nil {
				t.Fatal(err)
			}
			// The other county has a filing of its own; the institution gets a capacity of 50
			// and a suspension.
			other := w.ClassInput(t, w.Now().AddDate(0, 0, 10), 1)
			other.VenueID, other.TeacherIDs = w.OVenue.ID, []int64{w.OTeacher.ID}
			other.Sessions[0].VenueID, other.Sessions[0].TeacherID = w.OVenue.ID, w.OTeacher.ID
			w.Move(t, w.OtherA, clsCreate(t, w, w.OtherA, w.Other.ID, other), xiangpei.ClassSubmit)
			err = db.Tx(ctx, w.Officer, func(tx *store.Tx) error {
				o, err := tx.Org(all, w.Inst.ID)
				if err != nil {
					return err
				}
				o.Capacity = 50
				if _, err := tx.UpdateOrg(all, o, o.Version); err != nil {
					return err
				}
				_, err = tx.AddSanction(w.Officer.Scope(), xiangpei.SanctionEntry{OrgID: w.Inst.ID, Kind: xiangpei.SanctionSuspend,
					Reason: "虚报学员", Evidence: "核查记录", StartsOn: "2026-11-01"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}

			items, total, err := db.ReviewQueue(ctx, w.Officer.Scope(), store.Page{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if total != 4 || len(items) != 4 {
				t.Fatalf("queue of %d (%d items), want 4", total, len(items))
			}
			if items[0].Change == nil || items[0].Class.ID != approved.ID || items[1].Class.ID != a.ID || items[2].Class.ID != b.ID || items[3].Class.ID != late.ID {
				t.Fatalf("order: %+v", items)
			}
			for _, it := range items {
				if !it.Flags.Blocked || it.Flags.Sanction != xiangpei.SanctionSuspend || it.OrgName != w.Inst.Name {
					t.Errorf("%s: sanction not flagged: %+v", it.Class.Name, it.Flags)
				}
			}
			if f := items[0].Flags; f.Kind != xiangpei.ChangeEdit || !f.OverCapacity || f.OrgCapacity != 50 || f.Late || len(f.Clashes) != 0 {
				t.Errorf("change filing flags: %+v", f)
			}
			if f := items[1].Flags; len(f.Clashes) != 2 || f.Clashes[0].ClassID != b.ID || f.Late || f.SoonStart || f.OutOfScope {
				t.Errorf("clash flags of a: %+v", f)
			}
			if f := items[2].Flags; len(f.Clashes) != 2 || f.Clashes[0].ClassID != a.ID {
				t.Errorf("clash flags of b: %+v", f)
			}
			if f := items[3].Flags; !f.Late || !f.SoonStart || !f.OutOfScope || !slices.Equal(f.TeacherScope, []string{"王师傅"}) || f.OverCapacity {
				t.Errorf("late welding class flags: %+v", f)
			}
			if _, n, err := db.ReviewQueue(ctx, w.OOfficer.Scope(), store.Page{Limit: 10}); err != nil || n != 1 {
				t.Errorf("other county's queue: %d %v", n, err)
			}
			if _, n, err := db.ReviewQueue(ctx, w.InstA.Scope(), store.Page{Limit: 10}); err != nil || n != 4 {
				// The institution's own scope sees its own filings (the web layer shows the queue to officers only).
				t.Errorf("institution's scope: %d %v", n, err)
			}
			page2, _, err := db.ReviewQueue(ctx, w.Officer.Scope(), store.Page{Offset: 3, Limit: 3})
			if err != nil || len(page2) != 1 || page2[0].Class.ID != late.ID {
				t.Errorf("second page: %v %+v", err, page2)
			}
			// Approving a refuses nothing; b then clashes with an approved class and is refused.
			a = w.Move(t, w.InstA, a, xiangpei.ClassApprove)
			_, err = store.Do(ctx, db, w.Officer, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.MoveClass(w.Officer.Scope(), b.ID, b.Version, xiangpei.ClassApprove, "")
			})
			if clsErrKey(err) != "class.teacher_clash" {
				t.Errorf("approving a clash: %v", err)
			}
		})
	}
}

// TestOneDecisionPerStep: two officers approve the same class, and the same change filing, at
// the same moment: one wins, the other is told the record changed.
func TestOneDecisionPerStep(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			ctx := context.Background()
			second := xiangpei.Actor{Name: "ty2", Role: xiangpei.RoleOfficer, Region: "4302", Duties: xiangpei.Duties{xiangpei.DutyClassReview}}
			filed := w.Move(t, w.InstA, clsCreate(t, w, w.InstA, w.Inst.ID, w.ClassInput(t, w.Now().AddDate(0, 0, 10), 2)), xiangpei.ClassSubmit)
			race := func(fn func(a xiangpei.Actor) error) (wins int, stale int) {
				var wg sync.WaitGroup
				errs := make([]error, 2)
				for i, a := range []xiangpei.Actor{w.Officer, second} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						errs[i] = fn(a)
					}()
				}
				wg.Wait()
				for _, err := range errs {
					switch {
					case err == nil:
						wins++
					case clsErrKey(err) == "version.stale":
						stale++
					default:
						t.Errorf("unexpected: %v", err)
					}
				}
				return wins, stale
			}
			if wins, stale := race(func(a xiangpei.Actor) error {
				return db.Tx(ctx, a, func(tx *store.Tx) error {
					_, err := tx.MoveClass(a.Scope(), filed.ID, filed.Version, xiangpei.ClassApprove, "")
					return err
				})
			}); wins != 1 || stale != 1 {
				t.Errorf("class approval: %d wins, %d stale", wins, stale)
			}
			c := clsReload(t, w, filed)
			in := store.ClassInputOf(c)
			in.Capacity = 20
			ch, err := clsFile(w, w.InstA, c, xiangpei.ChangeEdit, in, "缩班")
			if err != nil {
				t.Fatal(err)
			}
			if wins, stale := race(func(a xiangpei.Actor) error {
				_, err := clsDecide(w, a, ch, xiangpei.ClassApprove, "")
				return err
			}); wins != 1 || stale != 1 {
				t.Errorf("change approval: %d wins, %d stale", wins, stale)
			}
			if got := clsReload(t, w, c); got.Capacity != 20 || got.Version != c.Version+1 {
				t.Errorf("applied %d times? %+v", got.Version-c.Version, got)
			}
		})
	}
}

// TestTeacherClashAcrossInstitutions: one teacher registered with two institutions (the same
// ID number) cannot teach an approved class of one and a class of the other at the same time,
// whichever county each is in.
func TestTeacherClashAcrossInstitutions(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			ctx := context.Background()
			mine := clsCreate(t, w, w.InstA, w.Inst.ID, w.ClassInput(t, w.Now().AddDate(0, 0, 10), 2))
			mine = w.Move(t, w.InstA, mine, xiangpei.ClassSubmit, xiangpei.ClassApprove)
			var same xiangpei.Teacher
			err := db.Tx(ctx, w.Admin, func(tx *store.Tx) error {
				var err error
				same, err = tx.AddTeacher(xiangpei.Scope{All: true}, xiangpei.Teacher{OrgID: w.Other.ID, Name: w.Teachers[0].Name,
					IDNumber: w.Teachers[0].IDNumber, Qualification: "兼职讲师"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			in := w.ClassInput(t, mine.FirstSession, 1)
			in.VenueID, in.TeacherIDs = w.OVenue.ID, []int64{same.ID}
			in.Sessions[0].VenueID, in.Sessions[0].TeacherID = w.OVenue.ID, same.ID
			theirs := clsCreate(t, w, w.OtherA, w.Other.ID, in)
			_, err = store.Do(ctx, db, w.OtherA, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.MoveClass(w.OtherA.Scope(), theirs.ID, theirs.Version, xiangpei.ClassSubmit, "")
			})
			if clsErrKey(err) != "class.teacher_clash" {
				t.Errorf("the same teacher at the same time in another county: %v", err)
			}
		})
	}
}
