package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/gen"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// attWorld is the fixture of the attendance store tests: the Training world with an approved
// class of three sessions ten days out, two trainees on its roster, a person on no roster, a
// draft class, and an approved class of the other institution.
type attWorld struct {
	*storetest.Training
	c, draft, other xiangpei.Class
	p1, p2, stray   xiangpei.Person
}

func attPeople(t *testing.T, w *storetest.Training, first, n int) []xiangpei.Person {
	t.Helper()
	var out []xiangpei.Person
	err := w.DB.Tx(context.Background(), w.Admin, func(tx *store.Tx) error {
		for i := first; i < first+n; i++ {
			id17 := fmt.Sprintf("43021119910203%03d", i)
			p, err := tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(id17 + string(xiangpei.IDCheckDigit(id17))),
				Name: fmt.Sprintf("考勤%02d", i), Phone: fmt.Sprintf("1390733%04d", i), Household: xiangpei.HouseholdRural, County: "430211"})
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

func newAttWorld(t *testing.T, db *store.DB) *attWorld {
	t.Helper()
	ctx := context.Background()
	w := &attWorld{Training: storetest.NewTraining(t, db)}
	w.c = w.ApprovedClass(t, 10, 3)
	ps := attPeople(t, w.Training, 1, 3)
	w.p1, w.p2, w.stray = ps[0], ps[1], ps[2]
	err := db.Tx(ctx, w.InstA, func(tx *store.Tx) error {
		for _, p := range []xiangpei.Person{w.p1, w.p2} {
			if _, err := tx.AddTrainee(w.InstA.Scope(), w.c.ID, p.ID, xiangpei.SourceManual); err != nil {
				return err
			}
		}
		in := w.ClassInput(t, w.Now().AddDate(0, 0, 30), 1)
		var err error
		w.draft, err = tx.CreateClass(w.InstA.Scope(), w.Inst.ID, in)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	in := w.ClassInput(t, w.Now().AddDate(0, 0, 10), 3)
	in.VenueID, in.TeacherIDs = w.OVenue.ID, []int64{w.OTeacher.ID}
	for i := range in.Sessions {
		in.Sessions[i].VenueID, in.Sessions[i].TeacherID = w.OVenue.ID, w.OTeacher.ID
	}
	w.other, err = store.Do(ctx, db, w.OtherA, func(tx *store.Tx) (xiangpei.Class, error) {
		return tx.CreateClass(w.OtherA.Scope(), w.Other.ID, in)
	})
	if err != nil {
		t.Fatal(err)
	}
	w.other = w.Move(t, w.OtherA, w.other, xiangpei.ClassSubmit, xiangpei.ClassApprove)
	return w
}

func (w *attWorld) ingest(t *testing.T, evs ...xiangpei.Event) store.IngestResult {
	t.Helper()
	res, err := store.Do(context.Background(), w.DB, w.InstA, func(tx *store.Tx) (store.IngestResult, error) {
		return tx.IngestEvents(w.Inst.ID, evs)
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (w *attWorld) minutes(t *testing.T) map[int64]int {
	t.Helper()
	ts, err := w.DB.Trainees(context.Background(), xiangpei.Scope{All: true}, w.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]int{}
	for _, x := range ts {
		out[x.PersonID] = x.AttendedMinutes
	}
	return out
}

func refusalKey(err error) string {
	var e *xiangpei.Error
	if errors.As(err, &e) {
		return e.Key
	}
	return fmt.Sprint(err)
}

// TestIngestRules runs one batch through every rule on both engines: unknown session, class not
// taking attendance, person not on the roster, bad kind, missing or future time, another
// institution's session are refused; events outside the session's window are taken and their
// hours clipped; a second check-in before a check-out is ignored; the same key twice is a
// duplicate. Fourteen days after the last session direct recording closes, and only an
// amendment's events pass.
func TestIngestRules(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newAttWorld(t, db)
			x := w.c.Sessions[0]
			now := x.Ends.Add(time.Hour)
			w.Clock.Set(now)
			ev := func(session, person int64, kind string, at time.Time) xiangpei.Event {
				return xiangpei.Event{SessionID: session, PersonID: person, Kind: kind, At: at, Source: xiangpei.FromTerminal,
					Device: "T1", Terminal: true}
			}
			batch := []xiangpei.Event{
				ev(12345, w.p1.ID, xiangpei.CheckIn, x.Starts),                           // 0 unknown session
				ev(w.draft.Sessions[0].ID, w.p1.ID, xiangpei.CheckIn, x.Starts),          // 1 draft class
				ev(x.ID, w.stray.ID, xiangpei.CheckIn, x.Starts),                         // 2 not on the roster
				ev(x.ID, w.p1.ID, "maybe", x.Starts),                                     // 3 kind
				ev(x.ID, w.p1.ID, xiangpei.CheckIn, time.Time{}),                         // 4 no time
				ev(x.ID, w.p1.ID, xiangpei.CheckIn, now.Add(10*time.Minute)),             // 5 future
				ev(w.other.Sessions[0].ID, w.p1.ID, xiangpei.CheckIn, x.Starts),          // 6 another institution's
				ev(x.ID, w.p1.ID, xiangpei.CheckIn, x.Starts.Add(-10*time.Minute)),       // 7 before the window
				ev(x.ID, w.p1.ID, xiangpei.CheckIn, x.Starts.Add(time.Minute)),           // 8 second check-in: ignored
				ev(x.ID, w.p1.ID, xiangpei.CheckOut, x.Ends.Add(20*time.Minute)),         // 9 after the window
				ev(x.ID, w.p2.ID, xiangpei.CheckIn, x.Starts.Add(30*time.Minute)),        // 10 first pair
				ev(x.ID, w.p2.ID, xiangpei.CheckOut, x.Starts.Add(90*time.Minute)),       // 11
				ev(x.ID, w.p2.ID, xiangpei.CheckIn, x.Starts.Add(120*time.Minute)),       // 12 second pair
				ev(x.ID, w.p2.ID, xiangpei.CheckOut, x.Starts.Add(150*time.Minute)),      // 13
				ev(x.ID, w.p2.ID, xiangpei.CheckIn, x.Starts.Add(30*time.Minute)),        // 14 same as 10: duplicate
				ev(x.ID, w.p2.ID, xiangpei.CheckOut, now.Add(2*time.Minute)),             // 15 within the skew: taken
				ev(w.c.Sessions[1].ID, w.p2.ID, xiangpei.CheckIn, now.Add(-time.Minute)), // 16 early for a later session: taken
			}
			want := map[int]string{0: "attendance.unknown_session", 1: "attendance.class_not_open", 2: "attendance.not_on_roster",
				3: "attendance.kind", 4: "attendance.time", 5: "attendance.time", 6: "attendance.unknown_session"}
			var good []xiangpei.Event
			var refused []store.EventRefusal
			err := db.Tx(context.Background(), w.InstA, func(tx *store.Tx) error {
				var err error
				good, refused, err = tx.CheckEvents(w.Inst.ID, batch)
				return err
			})
			if err != nil || len(refused) != len(want) || len(good) != len(batch)-len(want) || good[0].ClassID != w.c.ID || good[0].Key == "" {
				t.Fatalf("check: %v %d good, %d refused", err, len(good), len(refused))
			}
			if n, _ := db.EventCount(context.Background()); n != 0 {
				t.Fatalf("the check recorded %d events", n)
			}
			res := w.ingest(t, batch...)
			got := map[int]string{}
			for _, r := range res.Refused {
				got[r.Index] = refusalKey(r.Err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("refused\n got %v\nwant %v", got, want)
			}
			if res.Accepted != 9 || res.Duplicates != 1 || res.Outcomes[14] != store.EventDuplicate || res.Outcomes[7] != store.EventAccepted {
				t.Errorf("accepted %d, duplicates %d, outcomes %v", res.Accepted, res.Duplicates, res.Outcomes)
			}
			m := w.minutes(t)
			if m[w.p1.ID] != x.Minutes() || m[w.p2.ID] != 60+30 {
				t.Errorf("minutes %v: want %d (clipped to the window) and 90 (two pairs; the last check-out has no check-in)", m, x.Minutes())
			}
			// The same batch again records nothing new.
			if res := w.ingest(t, batch...); res.Accepted != 0 || res.Duplicates != 10 {
				t.Errorf("again: %d accepted, %d duplicates", res.Accepted, res.Duplicates)
			}
			// Fourteen days after the class's last session, direct recording is closed; an
			// approved amendment's events still pass.
			w.Clock.Set(w.c.LastSession.Add(14*24*time.Hour + time.Minute))
			late := ev(w.c.Sessions[2].ID, w.p1.ID, xiangpei.CheckIn, w.c.Sessions[2].Starts)
			res = w.ingest(t, late)
			if len(res.Refused) != 1 || refusalKey(res.Refused[0].Err) != "attendance.closed" || !xiangpei.IsKind(res.Refused[0].Err, xiangpei.Conflict) ||
				!strings.Contains(res.Refused[0].Err.Error(), "amendment") {
				t.Fatalf("after 14 days: %+v", res)
			}
			late.Source = xiangpei.FromAmendment
			out := ev(w.c.Sessions[2].ID, w.p1.ID, xiangpei.CheckOut, w.c.Sessions[2].Ends)
			out.Source = xiangpei.FromAmendment
			if res := w.ingest(t, late, out); res.Accepted != 2 {
				t.Fatalf("amendment after 14 days: %+v", res)
			}
			if m := w.minutes(t); m[w.p1.ID] != 2*x.Minutes() {
				t.Errorf("after the amendment: %v", m)
			}
		})
	}
}

// genEvents turns a generated world's rows into events of a source.
func genEvents(w *gen.World, rows []gen.Row) []xiangpei.Event {
	out := make([]xiangpei.Event, len(rows))
	for i, r := range rows {
		c := w.Classes[r.Class]
		out[i] = xiangpei.Event{SessionID: c.Sessions[r.Seq-1].ID, PersonID: w.Persons[r.Person].ID, Kind: r.Kind, At: r.At,
			Source: xiangpei.FromImport, Device: r.Device, Terminal: true}
	}
	return out
}

// TestIngestBatchMatchesPlain is the test QUALITY asks of every fast path: on each engine, the
// same generated attendance goes in three batches through the plain version (one statement per
// event and per pair), the batch path in an ordinary transaction, and the batch path on a
// connection of its own (COPY on PostgreSQL); the batches overlap (duplicates across and within
// batches), bring events outside the windows, unpaired check-ins and check-outs, and events
// for pairs recorded by an earlier batch. Every attendance_hours row and every trainee's
// attended minutes must be the same.
func TestIngestBatchMatchesPlain(t *testing.T) {
	ctx := context.Background()
	world := gen.New(7, gen.Scale{Classes: 6, Trainees: 12, Sessions: 4}, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
	rows := world.Rows()
	evs := genEvents(world, rows)
	// Extras: outside the windows, lone check-outs, a check-in with no check-out.
	c0 := world.Classes[0]
	p0 := world.Persons[c0.Trainees[0]].ID
	p1 := world.Persons[c0.Trainees[1]].ID
	x := c0.Sessions[1]
	extra := []xiangpei.Event{
		{SessionID: x.ID, PersonID: p0, Kind: xiangpei.CheckOut, At: x.Starts.Add(-2 * time.Hour), Source: xiangpei.FromQR, Device: "phone-a"},
		{SessionID: x.ID, PersonID: p0, Kind: xiangpei.CheckIn, At: x.Ends.Add(2 * time.Hour), Source: xiangpei.FromQR, Device: "phone-a"},
		{SessionID: x.ID, PersonID: p1, Kind: xiangpei.CheckOut, At: x.Starts.Add(time.Hour), Source: xiangpei.FromQR, Device: "phone-b"},
		{SessionID: x.ID, PersonID: p1, Kind: xiangpei.CheckIn, At: x.Starts.Add(-4 * time.Hour), Source: xiangpei.FromQR, Device: "phone-b"},
	}
	// A terminal that reuses an event id at another session: the key is known, but not at the
	// sessions of the batch (on PostgreSQL the COPY meets the unique key and gives way).
	reused := []xiangpei.Event{
		{SessionID: c0.Sessions[0].ID, PersonID: p0, Kind: xiangpei.CheckIn, At: c0.Sessions[0].Starts, Source: xiangpei.FromTerminal, Device: "9", Terminal: true, Key: "t:9:same"},
		{SessionID: c0.Sessions[3].ID, PersonID: p0, Kind: xiangpei.CheckIn, At: c0.Sessions[3].Starts, Source: xiangpei.FromTerminal, Device: "9", Terminal: true, Key: "t:9:same"},
	}
	third := len(evs) / 3
	batches := [][]xiangpei.Event{
		append(slices.Clone(evs[:third+10]), reused[0]),
		append(append(slices.Clone(evs[third:2*third]), evs[third:third+25]...), extra...),
		append(append(slices.Clone(evs[2*third-5:]), extra[:2]...), reused[1]),
	}
	actor := xiangpei.Actor{Name: "test", Role: xiangpei.RoleInstitution, OrgID: world.OrgID}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			var dbs []*store.DB
			for range 3 {
				db := storetest.SQLite(t)
				if engine == "postgres" {
					if db = storetest.Postgres(t); db == nil {
						t.Skip("PostgreSQL not configured")
					}
				}
				db.SetClock(func() time.Time { return world.End.Add(time.Hour) })
				if err := store.LoadWorld(ctx, db, world); err != nil {
					t.Fatal(err)
				}
				dbs = append(dbs, db)
			}
			var results [3][]string
			for b, batch := range batches {
				for k, db := range dbs {
					var res store.IngestResult
					var err error
					switch k {
					case 0:
						res, err = store.Do(ctx, db, actor, func(tx *store.Tx) (store.IngestResult, error) {
							return tx.IngestEventsPlain(world.OrgID, batch)
						})
					case 1:
						res, err = store.Do(ctx, db, actor, func(tx *store.Tx) (store.IngestResult, error) {
							return tx.IngestEvents(world.OrgID, batch)
						})
					case 2:
						res, err = db.IngestEventsBulk(ctx, actor, world.OrgID, batch)
					}
					if err != nil {
						t.Fatalf("batch %d, path %d: %v", b, k, err)
					}
					results[k] = append(results[k], fmt.Sprintf("batch %d: %d accepted, %d duplicates, %d refused, %v",
						b, res.Accepted, res.Duplicates, len(res.Refused), res.Outcomes))
				}
			}
			if !slices.Equal(results[0], results[1]) || !slices.Equal(results[0], results[2]) {
				t.Fatalf("outcomes differ:\nplain %v\nbatch %v\nbulk %v", results[0], results[1], results[2])
			}
			var snaps [3][]string
			for k, db := range dbs {
				s, err := db.HoursSnapshot(ctx)
				if err != nil {
					t.Fatal(err)
				}
				snaps[k] = s
			}
			if len(snaps[0]) < len(world.Persons) {
				t.Fatalf("only %d derived rows", len(snaps[0]))
			}
			for k := 1; k < 3; k++ {
				if !slices.Equal(snaps[0], snaps[k]) {
					for i := range snaps[0] {
						if i >= len(snaps[k]) || snaps[0][i] != snaps[k][i] {
							t.Fatalf("path %d differs from the plain version at row %d:\nplain %s\n path %s", k, i, snaps[0][i], at(snaps[k], i))
						}
					}
					t.Fatalf("path %d has %d rows, the plain version %d", k, len(snaps[k]), len(snaps[0]))
				}
			}
		})
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(none)"
}

// TestImportAllOrNothing: an import whose transaction fails after writing records nothing at
// all — no event, no hours, no trainee minutes — on both engines (the COPY path included).
func TestImportAllOrNothing(t *testing.T) {
	ctx := context.Background()
	world := gen.New(3, gen.Scale{Classes: 2, Trainees: 5, Sessions: 2}, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
	var csv strings.Builder
	if err := gen.WriteCSV(&csv, world.Rows(), false); err != nil {
		t.Fatal(err)
	}
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			db.SetClock(func() time.Time { return world.End.Add(time.Hour) })
			if err := store.LoadWorld(ctx, db, world); err != nil {
				t.Fatal(err)
			}
			before, err := db.HoursSnapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := store.ReadAttendanceFile(strings.NewReader(csv.String()), "x.csv", store.AttendanceFileLimits())
			if err != nil {
				t.Fatal(err)
			}
			actor := xiangpei.Actor{Name: "test", Role: xiangpei.RoleInstitution, OrgID: world.OrgID}
			rep, err := db.ImportAttendanceThenFail(ctx, actor, actor.Scope(), 0, rows)
			if err == nil || rep.Accepted != len(rows) {
				t.Fatalf("the import did not run to its end before failing: %v %+v", err, rep)
			}
			after, _ := db.HoursSnapshot(ctx)
			if n, _ := db.EventCount(ctx); n != 0 || !slices.Equal(before, after) {
				t.Fatalf("half-imported: %d events, derived rows changed: %v", n, !slices.Equal(before, after))
			}
			// And the real import takes every row, with the same class found by time.
			rep, err = db.ImportAttendance(ctx, actor, actor.Scope(), 0, rows)
			if err != nil || rep.Accepted != len(rows) || len(rep.Refused) != 0 {
				t.Fatalf("import: %v %+v", err, rep)
			}
		})
	}
}

// TestTerminalStore registers, reads and revokes terminals on both engines: the secret is
// stored sealed and opens only for its own row; another institution neither registers at a
// venue that is not its own nor sees the terminal; a nonce is taken once.
func TestTerminalStore(t *testing.T) {
	ctx := context.Background()
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := storetest.NewTraining(t, db)
			term, secret, err := storeDo2(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Terminal, string, error) {
				return tx.RegisterTerminal(w.InstA.Scope(), w.Venue.ID, " 大门 ")
			})
			if err != nil || term.Name != "大门" || term.Status != xiangpei.TerminalActive || term.OrgID != w.Inst.ID {
				t.Fatalf("register: %v %+v", err, term)
			}
			stored, err := db.StoredTerminalSecret(ctx, term.ID)
			if err != nil || strings.Contains(stored, secret[4:]) || !strings.HasPrefix(stored, "v1:") {
				t.Fatalf("stored in the clear: %v", err)
			}
			_, got, err := storeDo2(ctx, db, w.Admin, func(tx *store.Tx) (xiangpei.Terminal, string, error) {
				return tx.TerminalForPush(term.ID)
			})
			if err != nil || got != secret {
				t.Fatalf("secret does not open: %v", err)
			}
			// Another institution: not at its venue, not in its list, not by id.
			if _, _, err := storeDo2(ctx, db, w.OtherA, func(tx *store.Tx) (xiangpei.Terminal, string, error) {
				return tx.RegisterTerminal(w.OtherA.Scope(), w.Venue.ID, "借用")
			}); refusalKey(err) != "terminal.venue_invalid" {
				t.Fatalf("other institution at our venue: %v", err)
			}
			if list, err := db.Terminals(ctx, w.OtherA.Scope()); err != nil || len(list) != 0 {
				t.Fatalf("other institution's list: %v %d", err, len(list))
			}
			if _, err := db.Terminal(ctx, w.OtherA.Scope(), term.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("other institution reads it: %v", err)
			}
			// Nonces: once each.
			err = db.Tx(ctx, w.Admin, func(tx *store.Tx) error { return tx.UseNonce(term.ID, "abcdefgh") })
			if err != nil {
				t.Fatal(err)
			}
			err = db.Tx(ctx, w.Admin, func(tx *store.Tx) error { return tx.UseNonce(term.ID, "abcdefgh") })
			if !errors.Is(err, store.ErrNonceReplayed) {
				t.Fatalf("replayed nonce: %v", err)
			}
			// Old nonces are forgotten (their requests are stale by then).
			w.Clock.Add(time.Hour)
			if err := db.Tx(ctx, w.Admin, func(tx *store.Tx) error { return tx.UseNonce(term.ID, "abcdefgh") }); err != nil {
				t.Fatalf("an old nonce was kept: %v", err)
			}
			if _, err := store.Do(ctx, db, w.OtherA, func(tx *store.Tx) (xiangpei.Terminal, error) {
				return tx.RevokeTerminal(w.OtherA.Scope(), term.ID)
			}); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("other institution revokes: %v", err)
			}
			if _, err := store.Do(ctx, db, w.InstA, func(tx *store.Tx) (xiangpei.Terminal, error) {
				return tx.RevokeTerminal(w.InstA.Scope(), term.ID)
			}); err != nil {
				t.Fatal(err)
			}
			if _, _, err := storeDo2(ctx, db, w.Admin, func(tx *store.Tx) (xiangpei.Terminal, string, error) {
				return tx.TerminalForPush(term.ID)
			}); !errors.Is(err, store.ErrTerminalRevoked) {
				t.Fatalf("revoked terminal: %v", err)
			}
		})
	}
}

func storeDo2[A, B any](ctx context.Context, db *store.DB, a xiangpei.Actor, fn func(tx *store.Tx) (A, B, error)) (A, B, error) {
	var x A
	var y B
	err := db.Tx(ctx, a, func(tx *store.Tx) error {
		var err error
		x, y, err = fn(tx)
		return err
	})
	return x, y, err
}

// TestIngestConcurrently records each trainee's check-in and check-out in two transactions at
// the same moment, on both engines: the derived hours must be what the events give, as if the
// two had come one after the other.
func TestIngestConcurrently(t *testing.T) {
	ctx := context.Background()
	world := gen.New(11, gen.Scale{Classes: 2, Trainees: 10, Sessions: 2}, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
	actor := xiangpei.Actor{Name: "test", Role: xiangpei.RoleInstitution, OrgID: world.OrgID}
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			db.SetClock(func() time.Time { return world.End.Add(time.Hour) })
			if err := store.LoadWorld(ctx, db, world); err != nil {
				t.Fatal(err)
			}
			errs := make(chan error, 64)
			start := make(chan struct{})
			n := 0
			for _, c := range world.Classes {
				for _, x := range c.Sessions {
					for _, pi := range c.Trainees {
						for _, e := range []xiangpei.Event{
							{SessionID: x.ID, PersonID: world.Persons[pi].ID, Kind: xiangpei.CheckIn, At: x.Starts, Source: xiangpei.FromQR, Device: "a"},
							{SessionID: x.ID, PersonID: world.Persons[pi].ID, Kind: xiangpei.CheckOut, At: x.Ends.Add(-time.Hour), Source: xiangpei.FromQR, Device: "b"},
						} {
							n++
							go func(e xiangpei.Event) {
								<-start
								_, err := store.Do(ctx, db, actor, func(tx *store.Tx) (store.IngestResult, error) {
									return tx.IngestEvents(world.OrgID, []xiangpei.Event{e})
								})
								errs <- err
							}(e)
						}
					}
				}
			}
			close(start)
			for range n {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			got, err := db.HoursSnapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.RecomputeAllHours(ctx); err != nil {
				t.Fatal(err)
			}
			want, _ := db.HoursSnapshot(ctx)
			if !slices.Equal(got, want) {
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("after concurrent ingestion\n got %s\nwant %s", got[i], want[i])
					}
				}
			}
			for _, line := range want {
				if strings.HasPrefix(line, "trainee") && !strings.HasSuffix(line, " 240") {
					t.Fatalf("a trainee attended other than 2 × 120 minutes: %s", line)
				}
			}
		})
	}
}

// TestIngestTwoSessionsOfOneClassAtOnce: one transaction records the class's first session and
// holds on before committing while a second records its second session. Each trainee's
// attended minutes afterwards are both sessions' (240), on both engines: the second cannot sum
// the trainee's hours before the first has committed (lockTrainees).
func TestIngestTwoSessionsOfOneClassAtOnce(t *testing.T) {
	ctx := context.Background()
	world := gen.New(12, gen.Scale{Classes: 1, Trainees: 3, Sessions: 2}, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC))
	actor := xiangpei.Actor{Name: "test", Role: xiangpei.RoleInstitution, OrgID: world.OrgID}
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			db.SetClock(func() time.Time { return world.End.Add(time.Hour) })
			if err := store.LoadWorld(ctx, db, world); err != nil {
				t.Fatal(err)
			}
			c := world.Classes[0]
			session := func(i int) []xiangpei.Event {
				x := c.Sessions[i]
				var evs []xiangpei.Event
				for _, pi := range c.Trainees {
					evs = append(evs, xiangpei.Event{SessionID: x.ID, PersonID: world.Persons[pi].ID, Kind: xiangpei.CheckIn, At: x.Starts, Source: xiangpei.FromQR, Device: "a"},
						xiangpei.Event{SessionID: x.ID, PersonID: world.Persons[pi].ID, Kind: xiangpei.CheckOut, At: x.Ends.Add(-time.Hour), Source: xiangpei.FromQR, Device: "b"})
				}
				return evs
			}
			recorded, commit := make(chan struct{}), make(chan struct{})
			first := make(chan error, 1)
			go func() {
				_, err := store.Do(ctx, db, actor, func(tx *store.Tx) (store.IngestResult, error) {
					res, err := tx.IngestEvents(world.OrgID, session(0))
					close(recorded)
					<-commit
					return res, err
				})
				first <- err
			}()
			<-recorded
			second := make(chan error, 1)
			go func() {
				_, err := store.Do(ctx, db, actor, func(tx *store.Tx) (store.IngestResult, error) {
					return tx.IngestEvents(world.OrgID, session(1))
				})
				second <- err
			}()
			time.Sleep(300 * time.Millisecond) // the second reaches its sums while the first holds on
			close(commit)
			if err := <-first; err != nil {
				t.Fatal(err)
			}
			if err := <-second; err != nil {
				t.Fatal(err)
			}
			got, err := db.HoursSnapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, line := range got {
				if strings.HasPrefix(line, "trainee") {
					n++
					if !strings.HasSuffix(line, " 240") {
						t.Errorf("a trainee's minutes after two sessions recorded at once: %s", line)
					}
				}
			}
			if n != len(c.Trainees) {
				t.Fatalf("%d trainees in the snapshot", n)
			}
		})
	}
}
