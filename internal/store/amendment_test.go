package store_test

import (
	"context"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

func fileAmendment(db *store.DB, a xiangpei.Actor, classID int64, in store.AmendmentInput) (store.Amendment, error) {
	return store.Do(context.Background(), db, a, func(tx *store.Tx) (store.Amendment, error) {
		return tx.FileAmendment(a.Scope(), classID, in)
	})
}

func decideAmendment(db *store.DB, a xiangpei.Actor, id, version int64, approve bool, note string) (store.AmendmentDecision, error) {
	return store.Do(context.Background(), db, a, func(tx *store.Tx) (store.AmendmentDecision, error) {
		return tx.DecideAmendment(a.Scope(), id, version, approve, note)
	})
}

// TestAmendmentRecomputesHoursAndCompletion: a trainee one minute short of 80% is not completed
// at closing; the institution files a late amendment of their check-in, the county officer
// approves it, and the trainee's hours and completion are worked out again, with the original
// events kept beside the amendment's.
func TestAmendmentRecomputesHoursAndCompletion(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw := newCompletionWorld(t, db, 2)
			w, c := cw.w, cw.c
			ctx := context.Background()
			inst := w.InstA
			inst.AccountID = 501
			officer := w.Officer
			officer.AccountID = 601
			short, other := cw.persons[0], cw.persons[1]
			w.Clock.Set(c.LastSession.Add(time.Hour))
			for i := 0; i < 4; i++ {
				late := time.Duration(0)
				if i == 3 {
					late = time.Minute
				}
				cw.attend(t, i, short, late)
			}
			closed, _, err := cw.close(w.InstA, c.Version)
			if err != nil {
				t.Fatal(err)
			}
			if st := traineeStatus(t, db, inst.Scope(), c.ID, short.ID); st.Status != xiangpei.TraineeNotCompleted || st.AttendedMinutes != 719 {
				t.Fatalf("before: %s %d", st.Status, st.AttendedMinutes)
			}
			x := c.Sessions[3]
			good := store.AmendmentInput{SessionID: x.ID, PersonID: short.ID, Kind: xiangpei.CheckIn, At: x.Starts,
				Reason: "闸机当天故障，学员准时到课，有签到纸为证"}
			// What is refused.
			for name, c2 := range map[string]struct {
				in   store.AmendmentInput
				kind xiangpei.Kind
			}{
				"short reason":     {store.AmendmentInput{SessionID: x.ID, PersonID: short.ID, Kind: xiangpei.CheckIn, At: x.Starts, Reason: "补"}, xiangpei.Invalid},
				"outside session":  {store.AmendmentInput{SessionID: x.ID, PersonID: short.ID, Kind: xiangpei.CheckIn, At: x.Starts.Add(-time.Hour), Reason: good.Reason}, xiangpei.Invalid},
				"unknown kind":     {store.AmendmentInput{SessionID: x.ID, PersonID: short.ID, Kind: "late", At: x.Starts, Reason: good.Reason}, xiangpei.Invalid},
				"not on roster":    {store.AmendmentInput{SessionID: x.ID, PersonID: w.Inst.ID, Kind: xiangpei.CheckIn, At: x.Starts, Reason: good.Reason}, xiangpei.Invalid},
				"other session":    {store.AmendmentInput{SessionID: 12345, PersonID: short.ID, Kind: xiangpei.CheckIn, At: x.Starts, Reason: good.Reason}, xiangpei.Invalid},
				"another's class":  {good, xiangpei.NotFound},
				"officer's filing": {good, xiangpei.Forbidden},
			} {
				a := inst
				switch name {
				case "another's class":
					a = w.OtherA
				case "officer's filing":
					a = officer
				}
				if _, err := fileAmendment(db, a, c.ID, c2.in); !xiangpei.IsKind(err, c2.kind) {
					t.Errorf("%s: %v, want %s", name, err, c2.kind)
				}
			}
			am, err := fileAmendment(db, inst, c.ID, good)
			if err != nil {
				t.Fatal(err)
			}
			if am.Status != store.AmendmentPending || am.FiledBy != 501 || am.SessionSeq != 4 || am.PersonName != short.Name || am.ClassStatus != xiangpei.ClassClosed {
				t.Errorf("filed: %+v", am)
			}
			if _, err := fileAmendment(db, inst, c.ID, good); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("a second pending amendment: %v", err)
			}
			// Scoping of the queue.
			for _, q := range []struct {
				a    xiangpei.Actor
				want int
			}{{officer, 1}, {inst, 1}, {w.OOfficer, 0}, {w.OtherA, 0}, {xiangpei.Actor{Role: xiangpei.RolePerson, PersonID: other.ID}, 0}} {
				list, total, err := db.Amendments(ctx, q.a.Scope(), store.AmendmentFilter{Status: store.AmendmentPending}, store.Page{})
				if err != nil || total != q.want || len(list) != q.want {
					t.Errorf("%s sees %d (%v)", q.a.Name, total, err)
				}
			}
			if _, err := db.Amendment(ctx, w.OOfficer.Scope(), am.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("other county reads it: %v", err)
			}
			if _, err := decideAmendment(db, w.OOfficer, am.ID, am.Version, true, ""); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Errorf("other county decides: %v", err)
			}
			if _, err := decideAmendment(db, inst, am.ID, am.Version, true, ""); !xiangpei.IsKind(err, xiangpei.Forbidden) {
				t.Errorf("the institution approves its own: %v", err)
			}
			self := officer
			self.AccountID = 501 // the account that filed it
			if _, err := decideAmendment(db, self, am.ID, am.Version, true, ""); !xiangpei.IsKind(err, xiangpei.Forbidden) {
				t.Errorf("the filer decides: %v", err)
			}
			if _, err := decideAmendment(db, officer, am.ID, am.Version-1, true, ""); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("stale: %v", err)
			}
			d, err := decideAmendment(db, officer, am.ID, am.Version, true, "")
			if err != nil {
				t.Fatal(err)
			}
			if d.Amendment.Status != store.AmendmentApproved || d.AttendedMinutes != 720 || !d.StatusChanged || d.Amendment.DecidedBy != 601 {
				t.Errorf("decision: %+v", d)
			}
			if st := traineeStatus(t, db, inst.Scope(), c.ID, short.ID); st.Status != xiangpei.TraineeCompleted || st.AttendedMinutes != 720 {
				t.Errorf("after: %s %d", st.Status, st.AttendedMinutes)
			}
			if _, err := decideAmendment(db, officer, am.ID, d.Amendment.Version, false, "重复"); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("deciding twice: %v", err)
			}
			// The report keeps the amendment beside the events, and the class stays closed.
			rep, err := db.ClassAttendance(ctx, inst.Scope(), c.ID)
			if err != nil || len(rep.Amendments) != 1 || rep.Class.Status != xiangpei.ClassClosed || rep.Class.Version != closed.Version {
				t.Fatalf("report: %v %+v", err, rep.Amendments)
			}
			// A rejected amendment changes nothing and needs a note.
			am2, err := fileAmendment(db, inst, c.ID, store.AmendmentInput{SessionID: c.Sessions[4].ID, PersonID: other.ID,
				Kind: xiangpei.CheckIn, At: c.Sessions[4].Starts, Reason: "学员说自己来过"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := decideAmendment(db, officer, am2.ID, am2.Version, false, " "); !xiangpei.IsKind(err, xiangpei.Invalid) {
				t.Errorf("reject without a note: %v", err)
			}
			d2, err := decideAmendment(db, officer, am2.ID, am2.Version, false, "没有证据")
			if err != nil || d2.Amendment.Status != store.AmendmentRejected || d2.Amendment.Note != "没有证据" || d2.AttendedMinutes != 0 {
				t.Fatalf("reject: %v %+v", err, d2)
			}
			list, total, err := db.Amendments(ctx, officer.Scope(), store.AmendmentFilter{}, store.Page{Limit: 1})
			if err != nil || total != 2 || len(list) != 1 || list[0].ID != am.ID {
				t.Errorf("paged list: %v %d %+v", err, total, list)
			}
		})
	}
}

// TestAmendmentInProgress: an amendment approved while the class runs adds its hours and does
// not decide completion.
func TestAmendmentInProgress(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw := newCompletionWorld(t, db, 1)
			w, c := cw.w, cw.c
			p := cw.persons[0]
			x := c.Sessions[0]
			w.Clock.Set(x.Ends.Add(time.Hour))
			cw.ingest(t, xiangpei.Event{SessionID: x.ID, PersonID: p.ID, Kind: xiangpei.CheckIn, At: x.Starts, Source: xiangpei.FromImport})
			am, err := fileAmendment(db, w.InstA, c.ID, store.AmendmentInput{SessionID: x.ID, PersonID: p.ID, Kind: xiangpei.CheckOut,
				At: x.Ends, Reason: "下课时忘记签退"})
			if err != nil {
				t.Fatal(err)
			}
			// A time in the future is refused.
			if _, err := fileAmendment(db, w.InstA, c.ID, store.AmendmentInput{SessionID: c.Sessions[1].ID, PersonID: p.ID,
				Kind: xiangpei.CheckIn, At: c.Sessions[1].Starts, Reason: "提前补录"}); !xiangpei.IsKind(err, xiangpei.Invalid) {
				t.Errorf("future: %v", err)
			}
			d, err := decideAmendment(db, w.Officer, am.ID, am.Version, true, "")
			if err != nil || d.AttendedMinutes != 180 || d.StatusChanged {
				t.Fatalf("approve: %v %+v", err, d)
			}
			if st := traineeStatus(t, db, w.InstA.Scope(), c.ID, p.ID); st.Status != xiangpei.TraineeEnrolled || st.AttendedMinutes != 180 {
				t.Errorf("trainee: %+v", st)
			}
		})
	}
}
