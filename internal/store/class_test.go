package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestClassLifecycle files a class, has it returned, refiled, approved and started, on both
// engines; the other county's officer and the other institution never see it.
func TestClassLifecycle(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			ctx := context.Background()
			in := w.ClassInput(t, w.Clock.Now().AddDate(0, 0, 10), 4)
			c, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.CreateClass(w.InstA.Scope(), w.Inst.ID, in)
			})
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != xiangpei.ClassDraft || len(c.Sessions) != 4 || c.PlannedMinutes() != 4*180 {
				t.Fatalf("created %+v", c)
			}
			for _, a := range []xiangpei.Actor{w.OtherA, w.OOfficer} {
				if _, err := db.Class(ctx, a.Scope(), c.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
					t.Errorf("%s sees the class: %v", a.Name, err)
				}
			}
			c = w.Move(t, w.InstA, c, xiangpei.ClassSubmit)
			if c.Late || c.FiledAt.IsZero() {
				t.Errorf("filed 10 days ahead: late=%v filed=%v", c.Late, c.FiledAt)
			}
			// Returning needs a reason; the institution cannot approve its own filing.
			_, err = store.Do(ctx, db, w.Officer, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.MoveClass(w.Officer.Scope(), c.ID, c.Version, xiangpei.ClassReturn, " ")
			})
			if !xiangpei.IsKind(err, xiangpei.Invalid) {
				t.Errorf("return without reason: %v", err)
			}
			_, err = store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.MoveClass(w.InstA.Scope(), c.ID, c.Version, xiangpei.ClassApprove, "")
			})
			if !xiangpei.IsKind(err, xiangpei.Forbidden) {
				t.Errorf("institution approving: %v", err)
			}
			c, err = store.Do(ctx, db, w.Officer, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.MoveClass(w.Officer.Scope(), c.ID, c.Version, xiangpei.ClassReturn, "课表与场地不符")
			})
			if err != nil || c.Status != xiangpei.ClassReturned || c.ReturnReason != "课表与场地不符" {
				t.Fatalf("return: %v %+v", err, c)
			}
			c = w.Move(t, w.InstA, c, xiangpei.ClassSubmit, xiangpei.ClassApprove)
			// A stale version is refused.
			_, err = store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.MoveClass(w.InstA.Scope(), c.ID, c.Version-1, xiangpei.ClassStart, "")
			})
			if !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("stale start: %v", err)
			}
			w.Clock.Set(c.FirstSession)
			c = w.Move(t, w.InstA, c, xiangpei.ClassStart)
			if c.Status != xiangpei.ClassInProgress {
				t.Errorf("started: %s", c.Status)
			}
			hist, err := db.ClassHistory(ctx, w.InstA.Scope(), c.ID)
			if err != nil || len(hist) != 6 {
				t.Errorf("history: %v %+v", err, hist)
			}
		})
	}
}

// TestClassFiledLateAndClash: a class filed two working days ahead is marked late; a second
// class with the same teacher at the same time cannot be filed once the first is approved.
func TestClassFiledLateAndClash(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			ctx := context.Background()
			first := w.ApprovedClass(t, 14, 3)
			in := w.ClassInput(t, first.FirstSession, 3)
			c, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.CreateClass(w.InstA.Scope(), w.Inst.ID, in)
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.MoveClass(w.InstA.Scope(), c.ID, c.Version, xiangpei.ClassSubmit, "")
			})
			var e *xiangpei.Error
			if !xiangpei.IsKind(err, xiangpei.Conflict) || !asError(err, &e) || e.Key != "class.teacher_clash" {
				t.Fatalf("clash: %v", err)
			}
			// Monday 2 Nov 09:00: a class on Wednesday 4 Nov is 2 working days ahead, so late.
			late := w.ClassInput(t, time.Date(2026, 11, 4, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)), 1)
			late.TeacherIDs = []int64{w.Teachers[1].ID}
			late.Sessions[0].TeacherID = w.Teachers[1].ID
			lc, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
				return tx.CreateClass(w.InstA.Scope(), w.Inst.ID, late)
			})
			if err != nil {
				t.Fatal(err)
			}
			lc = w.Move(t, w.InstA, lc, xiangpei.ClassSubmit)
			if !lc.Late {
				t.Error("a filing 2 working days ahead is not marked late")
			}
		})
	}
}

func asError(err error, e **xiangpei.Error) bool { return errors.As(err, e) }
