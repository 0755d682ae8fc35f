package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"xiangpei"
	"xiangpei/internal/sheet"
)

// 培 — attendance ingestion: every way an event arrives (terminal push, dynamic QR, file
// import, approved amendment) ends here, under one set of rules (CheckEvents).
//
// Ingestion is a batch path (QUALITY P1): the sessions and rosters a batch names are read once
// per batch, events are written with one prepared statement in the transaction (SQLite) or in
// bulk (PostgreSQL: COPY when the transaction runs on a connection of its own, else one INSERT
// of arrays per chunk), and the derived hours are recomputed set-wise for the (session, person)
// pairs the batch touched. The plain version, one statement per event and per pair, is kept
// (ingestPlain) and a test runs both on the same data and compares every derived row.

// EventOutcome is what became of one event of a batch.
type EventOutcome uint8

// The outcomes of an event.
const (
	EventAccepted  EventOutcome = iota + 1 // newly recorded
	EventDuplicate                         // recorded before (same key): nothing changed
	EventRefused                           // a rule refused it
)

func (o EventOutcome) String() string {
	switch o {
	case EventAccepted:
		return "accepted"
	case EventDuplicate:
		return "duplicate"
	case EventRefused:
		return "refused"
	}
	return "unknown"
}

// EventRefusal is an event that was not recorded, with the reason.
type EventRefusal struct {
	Index int // position in the batch
	Err   error
}

// IngestResult says what became of a batch of events.
type IngestResult struct {
	Accepted   int // newly recorded
	Duplicates int // already recorded before (same key): harmless
	Refused    []EventRefusal
	Outcomes   []EventOutcome // one per event of the batch, in its order
}

// EventKey is the key that makes an event unique when its source gives none: the same
// trainee, session, kind, instant, source and device is the same event.
func EventKey(e xiangpei.Event) string {
	return e.Source + ":" + e.Device + ":" + strconv.FormatInt(e.SessionID, 36) + ":" +
		strconv.FormatInt(e.PersonID, 36) + ":" + e.Kind + ":" + strconv.FormatInt(e.At.UnixNano(), 36)
}

// sessionInfo is what the rules need to know about a session an event names.
type sessionInfo struct {
	session     xiangpei.Session
	status      xiangpei.ClassStatus
	orgID       int64
	county      string
	lastSession time.Time // end of the class's last session
}

// attendanceOpen reports whether a class in this state takes attendance.
func attendanceOpen(st xiangpei.ClassStatus) bool {
	return st == xiangpei.ClassApproved || st == xiangpei.ClassInProgress
}

func errEventRefused(key, text string, args ...any) error {
	return xiangpei.Errorf(xiangpei.Invalid, key, text, args...)
}

// ---- lookups by the batch ----

// inChunk is how many values one "IN (…)" list of a batch lookup holds; shorter lists are
// padded, so each lookup is one SQL string that both engines prepare once.
const inChunk = 256

// inList is "$from, $from+1, …" for one chunk.
func inList(from int) string {
	var b strings.Builder
	for i := 0; i < inChunk; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

var inList1 = inList(1)

// inChunks splits values into chunks of inChunk, each padded with pad, as query arguments.
func inChunks[T any](vals []T, pad T) [][]any {
	var out [][]any
	for i := 0; i < len(vals); i += inChunk {
		args := make([]any, inChunk)
		for j := range args {
			args[j] = pad
			if i+j < len(vals) {
				args[j] = vals[i+j]
			}
		}
		out = append(out, args)
	}
	return out
}

// eachIn runs query (whose IN list is inList1, then extra parameters) for every chunk of ids
// and hands each row to scan.
func (tx *Tx) eachIn(query string, ids []int64, extra []any, scan func(scanner) error) error {
	return eachChunk(tx.ctx, tx.tx, query, ids, 0, extra, scan)
}

// eachChunk runs query on q for every chunk of keys (padded with pad, then extra parameters)
// and hands each row to scan.
func eachChunk[K any](ctx context.Context, q querier, query string, keys []K, pad K, extra []any, scan func(scanner) error) error {
	for _, args := range inChunks(keys, pad) {
		rows, err := q.QueryContext(ctx, query, append(args, extra...)...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

func distinct[T cmp.Ordered](xs []T) []T {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

// loadSessions reads the sessions with their class's state, organisation and end; an unknown
// id is absent from the map.
func (tx *Tx) loadSessions(ids []int64) (map[int64]*sessionInfo, error) {
	out := make(map[int64]*sessionInfo, len(ids))
	err := tx.eachIn(`SELECT `+sessionCols+`, c.status, c.org_id, c.county, c.last_session FROM class_sessions x
		JOIN classes c ON c.id = x.class_id WHERE x.id IN (`+inList1+`)`, distinct(ids), nil, func(r scanner) error {
		var in sessionInfo
		var status string
		x := &in.session
		if err := r.Scan(&x.ID, &x.ClassID, &x.Seq, &x.Starts, &x.Ends, &x.Kind, &x.VenueID, &x.TeacherID, &x.MakeUp,
			&status, &in.orgID, &in.county, &in.lastSession); err != nil {
			return err
		}
		x.Starts, x.Ends, in.lastSession = x.Starts.UTC(), x.Ends.UTC(), in.lastSession.UTC()
		in.status = xiangpei.ClassStatus(status)
		out[x.ID] = &in
		return nil
	})
	return out, err
}

// loadRosters reads who is on the rosters of the classes (withdrawn trainees are not).
func (tx *Tx) loadRosters(classIDs []int64) (map[[2]int64]bool, error) {
	out := map[[2]int64]bool{}
	err := tx.eachIn(`SELECT class_id, person_id FROM trainees WHERE class_id IN (`+inList1+`) AND status <> $`+
		strconv.Itoa(inChunk+1), distinct(classIDs), []any{string(xiangpei.TraineeWithdrawn)}, func(r scanner) error {
		var k [2]int64
		if err := r.Scan(&k[0], &k[1]); err != nil {
			return err
		}
		out[k] = true
		return nil
	})
	return out, err
}

// ---- the rules ----

// checked is a batch after the rules: the events that pass (class filled in, time in UTC to the
// microsecond, key set), where each came from, the refusals, and the sessions it named.
type checked struct {
	good     []xiangpei.Event
	index    []int // position in the batch of each good event
	refused  []EventRefusal
	sessions map[int64]*sessionInfo
	size     int
}

// CheckEvents applies the rules to a batch without recording anything: the session must exist
// (and, when orgID is not 0, belong to that institution's classes); its class must be taking
// attendance (approved or in progress); direct recording closes rules.AttendanceDays days after
// the end of the class's last session (after that a correction is an amendment, whose events
// alone pass); the kind must be in or out; the time must be given and not lie in the future
// beyond the terminal skew; the trainee must be on the roster. Events outside the session's
// window pass: they are anomalies the report shows, and their hours are clipped to the window.
// It returns the events that pass, with their class filled in and their key set, and the
// refusals.
func (tx *Tx) CheckEvents(orgID int64, evs []xiangpei.Event) ([]xiangpei.Event, []EventRefusal, error) {
	c, err := tx.checkEvents(orgID, evs)
	if err != nil {
		return nil, nil, err
	}
	return c.good, c.refused, nil
}

func (tx *Tx) checkEvents(orgID int64, evs []xiangpei.Event) (*checked, error) {
	rules := tx.db.Rules()
	skew := time.Duration(rules.TerminalSkewSeconds) * time.Second
	window := time.Duration(rules.AttendanceDays) * 24 * time.Hour
	ids := make([]int64, len(evs))
	for i, e := range evs {
		ids[i] = e.SessionID
	}
	sessions, err := tx.loadSessions(ids)
	if err != nil {
		return nil, err
	}
	c := &checked{sessions: sessions, size: len(evs), good: make([]xiangpei.Event, 0, len(evs)), index: make([]int, 0, len(evs))}
	refuse := func(i int, err error) { c.refused = append(c.refused, EventRefusal{i, err}) }
	pending := make([]int, 0, len(evs))
	classes := make([]int64, 0, len(evs))
	for i := range evs {
		e := &evs[i]
		info := sessions[e.SessionID]
		switch {
		case info == nil || (orgID != 0 && info.orgID != orgID):
			refuse(i, errEventRefused("attendance.unknown_session", "There is no such session."))
		case !attendanceOpen(info.status) && !(e.Source == xiangpei.FromAmendment && info.status == xiangpei.ClassClosed):
			refuse(i, errEventRefused("attendance.class_not_open", "This class is not taking attendance: it has not been approved, or it has closed."))
		case e.Source != xiangpei.FromAmendment && tx.Now.After(info.lastSession.Add(window)):
			refuse(i, xiangpei.Errorf(xiangpei.Conflict, "attendance.closed",
				"Attendance for this class closed on %v, %v days after its last session. A correction now is an amendment with a reason.",
				info.lastSession.Add(window).In(xiangpei.ChinaTime).Format(time.DateOnly), rules.AttendanceDays))
		case e.Kind != xiangpei.CheckIn && e.Kind != xiangpei.CheckOut:
			refuse(i, errEventRefused("attendance.kind", "Say whether this is a check-in or a check-out."))
		case e.At.IsZero() || e.At.After(tx.Now.Add(skew)):
			refuse(i, errEventRefused("attendance.time", "The time of this check-in is missing or in the future."))
		default:
			pending = append(pending, i)
			classes = append(classes, info.session.ClassID)
		}
	}
	roster, err := tx.loadRosters(classes)
	if err != nil {
		return nil, err
	}
	for _, i := range pending {
		e := evs[i]
		e.ClassID = sessions[e.SessionID].session.ClassID
		if !roster[[2]int64{e.ClassID, e.PersonID}] {
			refuse(i, errEventRefused("attendance.not_on_roster", "This person is not on the class's roster."))
			continue
		}
		e.At = e.At.UTC().Truncate(time.Microsecond)
		if e.Key == "" {
			e.Key = EventKey(e)
		}
		c.good = append(c.good, e)
		c.index = append(c.index, i)
	}
	slices.SortFunc(c.refused, func(a, b EventRefusal) int { return a.Index - b.Index })
	return c, nil
}

// ---- ingestion ----

// IngestEvents records a batch of events that pass the rules (it checks them itself), ignores
// those already recorded (same key, in this batch or before), and brings the derived hours of
// every trainee and session it touched up to date, all in the transaction. One audit entry
// covers the batch.
func (tx *Tx) IngestEvents(orgID int64, evs []xiangpei.Event) (IngestResult, error) {
	return tx.ingest(orgID, evs, nil, false)
}

// ingest checks and records a batch: on the batch path unless plain is set; conn, when the
// transaction runs on a connection of its own (bulkTx), lets PostgreSQL load by COPY.
func (tx *Tx) ingest(orgID int64, evs []xiangpei.Event, conn *sql.Conn, plain bool) (IngestResult, error) {
	c, err := tx.checkEvents(orgID, evs)
	if err != nil {
		return IngestResult{}, err
	}
	return tx.record(orgID, c, conn, plain)
}

// record writes the events a check let through and fills in the result.
func (tx *Tx) record(orgID int64, c *checked, conn *sql.Conn, plain bool) (IngestResult, error) {
	res := IngestResult{Refused: c.refused, Outcomes: make([]EventOutcome, c.size)}
	for _, r := range c.refused {
		res.Outcomes[r.Index] = EventRefused
	}
	if len(c.good) == 0 {
		return res, nil
	}
	var inserted []bool
	var err error
	if plain {
		inserted, err = tx.ingestPlain(c.good)
	} else {
		inserted, err = tx.ingestBatch(c, conn)
	}
	if err != nil {
		return res, err
	}
	for k, ok := range inserted {
		if ok {
			res.Accepted++
			res.Outcomes[c.index[k]] = EventAccepted
		} else {
			res.Duplicates++
			res.Outcomes[c.index[k]] = EventDuplicate
		}
	}
	if res.Accepted > 0 {
		info := c.sessions[c.good[0].SessionID]
		if err := tx.Audit("attendance.ingest", "attendance", orgID, info.county, map[string]any{
			"accepted": res.Accepted, "duplicates": res.Duplicates, "refused": len(res.Refused), "source": c.good[0].Source}); err != nil {
			return res, err
		}
	}
	return res, nil
}

const insertEventSQL = `INSERT INTO attendance_events (id, session_id, class_id, person_id, kind, at, source, device,
	terminal, lat, lng, event_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
	ON CONFLICT (event_key) DO NOTHING`

// eventPlace is the event's place as column values (NULL when it reported none).
func eventPlace(e xiangpei.Event) (lat, lng any) {
	if e.HasPlace {
		return e.Lat, e.Lng
	}
	return nil, nil
}

// ingestPlain is the simple version: one INSERT per event, then recomputeHoursPlain. It says
// for each event whether it was newly recorded.
func (tx *Tx) ingestPlain(good []xiangpei.Event) ([]bool, error) {
	now := tx.Now.Truncate(time.Microsecond)
	inserted := make([]bool, len(good))
	touched := map[[2]int64]int64{} // (session, person) → class
	ids := make([]int64, len(good))
	for k, e := range good {
		ids[k] = e.SessionID
	}
	if err := tx.lockSessions(ids); err != nil {
		return nil, err
	}
	for k, e := range good {
		lat, lng := eventPlace(e)
		r, err := tx.exec(insertEventSQL, xiangpei.NewID(), e.SessionID, e.ClassID, e.PersonID, e.Kind, e.At, e.Source,
			e.Device, e.Terminal, lat, lng, e.Key, now)
		if err != nil {
			return nil, err
		}
		if n, _ := r.RowsAffected(); n == 1 {
			inserted[k] = true
			touched[[2]int64{e.SessionID, e.PersonID}] = e.ClassID
		}
	}
	return inserted, tx.recomputeHoursPlain(touched)
}

// lockSessions makes the transaction the only one deriving hours at these sessions until it
// ends. Hours are derived from every event of a pair, so two transactions recording events of
// the same pair at once must not both derive them from what each alone sees: on PostgreSQL the
// sessions' rows are locked (in id order, so two batches never wait for each other in a
// circle; row locks, so a batch of thousands of sessions needs no room in the lock table).
// SQLite has one writer, so there is nothing to do.
func (tx *Tx) lockSessions(ids []int64) error {
	if tx.db.Engine != Postgres {
		return nil
	}
	return tx.eachIn(`SELECT x.id FROM class_sessions x WHERE x.id IN (`+inList1+`) ORDER BY x.id FOR NO KEY UPDATE`,
		distinct(ids), nil, func(r scanner) error {
			var id int64
			return r.Scan(&id)
		})
}

// lockTrainees makes the transaction the only one summing the attended minutes of the
// classes' trainees until it ends. A trainee's minutes are the sum of their hours at every
// session of the class, and lockSessions serialises only transactions at the same session: two
// at two sessions of one class (an import of yesterday's file while today's check-ins arrive)
// would each sum the hours it sees — its own new ones and the other's old ones — and the later
// UPDATE, which waits for the earlier one's row lock but keeps the sum of its own snapshot,
// would undo the other's minutes. With the rows locked first (in class and id order, so two
// transactions never wait for each other in a circle), the UPDATE's snapshot is taken after the
// other transaction has committed, and its sum includes the other's hours. SQLite has one
// writer, so there is nothing to do. TestIngestConcurrently shows it.
func (tx *Tx) lockTrainees(classes []int64) error {
	if tx.db.Engine != Postgres {
		return nil
	}
	return tx.eachIn(`SELECT t.id FROM trainees t WHERE t.class_id IN (`+inList1+`) ORDER BY t.class_id, t.id FOR NO KEY UPDATE`,
		distinct(classes), nil, func(r scanner) error {
			var id int64
			return r.Scan(&id)
		})
}

// priorEvents reads the events already recorded at the sessions, by (session, person), and
// their keys.
func (tx *Tx) priorEvents(sessionIDs []int64, keys int) (map[[2]int64][]xiangpei.Event, map[string]bool, error) {
	byPair := map[[2]int64][]xiangpei.Event{}
	var seen map[string]bool
	if keys > 0 {
		seen = make(map[string]bool, keys)
	}
	err := tx.eachIn(`SELECT session_id, person_id, kind, at, event_key FROM attendance_events WHERE session_id IN (`+inList1+`)`,
		distinct(sessionIDs), nil, func(r scanner) error {
			var e xiangpei.Event
			if err := r.Scan(&e.SessionID, &e.PersonID, &e.Kind, &e.At, &e.Key); err != nil {
				return err
			}
			e.At = e.At.UTC()
			k := [2]int64{e.SessionID, e.PersonID}
			if seen != nil {
				seen[e.Key] = true
			}
			e.Key = ""
			byPair[k] = append(byPair[k], e)
			return nil
		})
	return byPair, seen, err
}

// ingestBatch is the batch path. It reads what the touched sessions already hold, leaves out
// events whose key is known (in the batch or before), writes the rest in bulk, and recomputes
// the hours of the touched pairs from what it read and what it wrote.
func (tx *Tx) ingestBatch(c *checked, conn *sql.Conn) ([]bool, error) {
	sessionIDs := make([]int64, len(c.good))
	for k, e := range c.good {
		sessionIDs[k] = e.SessionID
	}
	if err := tx.lockSessions(sessionIDs); err != nil {
		return nil, err
	}
	prior, known, err := tx.priorEvents(sessionIDs, len(c.good))
	if err != nil {
		return nil, err
	}
	// The new events, in the order of the indexes they join: session, person, time.
	order := make([]int, 0, len(c.good))
	for k, e := range c.good {
		if !known[e.Key] {
			known[e.Key] = true
			order = append(order, k)
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		x, y := &c.good[a], &c.good[b]
		return cmp.Or(cmp.Compare(x.SessionID, y.SessionID), cmp.Compare(x.PersonID, y.PersonID), x.At.Compare(y.At),
			strings.Compare(x.Kind, y.Kind), a-b)
	})
	inserted := make([]bool, len(c.good))
	if len(order) > 0 {
		if err := tx.writeEvents(c.good, order, inserted, conn); err != nil {
			return nil, err
		}
	}
	// The hours of each pair that got a new event, from its events before and its new ones:
	// order keeps each pair's events together.
	var groups []pairEvents
	scratch := make([]xiangpei.Event, 0, len(order))
	for i := 0; i < len(order); {
		first := &c.good[order[i]]
		from := len(scratch)
		j := i
		for ; j < len(order); j++ {
			e := &c.good[order[j]]
			if e.SessionID != first.SessionID || e.PersonID != first.PersonID {
				break
			}
			if inserted[order[j]] {
				scratch = append(scratch, xiangpei.Event{Kind: e.Kind, At: e.At})
			}
		}
		if len(scratch) > from {
			evs := scratch[from:len(scratch):len(scratch)]
			before := prior[[2]int64{first.SessionID, first.PersonID}]
			if len(before) > 0 {
				evs = append(slices.Clone(before), evs...)
			}
			groups = append(groups, pairEvents{session: first.SessionID, person: first.PersonID, class: first.ClassID, evs: evs,
				fresh: len(before) == 0})
		}
		i = j
	}
	return inserted, tx.writeHours(groups, func(id int64) (xiangpei.Session, bool) {
		in, ok := c.sessions[id]
		if !ok {
			return xiangpei.Session{}, false
		}
		return in.session, true
	}, conn)
}

// writeEvents writes good[order…] and marks in inserted those newly recorded.
func (tx *Tx) writeEvents(good []xiangpei.Event, order []int, inserted []bool, conn *sql.Conn) error {
	tx.changed = true
	now := tx.Now.Truncate(time.Microsecond)
	ids := make([]int64, len(order))
	for i := range ids {
		ids[i] = xiangpei.NewID()
	}
	if tx.db.Engine == Postgres {
		if conn != nil {
			ok, err := tx.copyRows(conn, "attendance_events", []string{"id", "session_id", "class_id", "person_id", "kind", "at",
				"source", "device", "terminal", "lat", "lng", "event_key", "created_at"}, len(order), func(i int) []any {
				e := good[order[i]]
				lat, lng := eventPlace(e)
				return []any{ids[i], e.SessionID, e.ClassID, e.PersonID, e.Kind, e.At, e.Source, e.Device, e.Terminal, lat, lng, e.Key, now}
			})
			if err != nil {
				return err
			}
			if ok {
				for _, k := range order {
					inserted[k] = true
				}
				return nil
			}
			// A key recorded at another session (or by a transaction that committed meanwhile):
			// the statement below sorts it out row by row.
		}
		return tx.insertEventArrays(good, order, ids, inserted, now)
	}
	st, err := tx.tx.PrepareContext(tx.ctx, insertEventSQL)
	if err != nil {
		return err
	}
	defer st.Close()
	for i, k := range order {
		e := good[k]
		lat, lng := eventPlace(e)
		r, err := st.ExecContext(tx.ctx, ids[i], e.SessionID, e.ClassID, e.PersonID, e.Kind, e.At, e.Source, e.Device,
			e.Terminal, lat, lng, e.Key, now)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 1 {
			inserted[k] = true
		}
	}
	return nil
}

// arrayChunk is how many rows one INSERT of arrays carries on PostgreSQL.
const arrayChunk = 20000

// insertEventArrays writes events on PostgreSQL with one INSERT … SELECT FROM unnest(arrays)
// per chunk, learning from RETURNING which were new.
func (tx *Tx) insertEventArrays(good []xiangpei.Event, order []int, ids []int64, inserted []bool, now time.Time) error {
	for from := 0; from < len(order); from += arrayChunk {
		part := order[from:min(len(order), from+arrayChunk)]
		n := len(part)
		id, sess, class, person := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		kind, source, device, key := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		at, term := make([]time.Time, n), make([]bool, n)
		lat, lng := make([]*float64, n), make([]*float64, n)
		where := make(map[int64]int, n)
		for i, k := range part {
			e := good[k]
			id[i], sess[i], class[i], person[i] = ids[from+i], e.SessionID, e.ClassID, e.PersonID
			kind[i], source[i], device[i], key[i], at[i], term[i] = e.Kind, e.Source, e.Device, e.Key, e.At, e.Terminal
			if e.HasPlace {
				la, lo := e.Lat, e.Lng
				lat[i], lng[i] = &la, &lo
			}
			where[id[i]] = k
		}
		rows, err := tx.tx.QueryContext(tx.ctx, `INSERT INTO attendance_events (id, session_id, class_id, person_id, kind, at,
			source, device, terminal, lat, lng, event_key, created_at)
			SELECT u.*, $13::timestamptz FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[],
				$6::timestamptz[], $7::text[], $8::text[], $9::boolean[], $10::float8[], $11::float8[], $12::text[]) AS u
			ON CONFLICT (event_key) DO NOTHING RETURNING id`,
			id, sess, class, person, kind, at, source, device, term, lat, lng, key, now)
		if err != nil {
			return err
		}
		for rows.Next() {
			var got int64
			if err := rows.Scan(&got); err != nil {
				rows.Close()
				return err
			}
			inserted[where[got]] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// copyRows loads rows into a table by COPY on PostgreSQL, inside a savepoint of the
// transaction. ok is false, with the savepoint rolled back, when a row broke a unique
// constraint: the caller then writes them another way.
func (tx *Tx) copyRows(conn *sql.Conn, table string, cols []string, n int, row func(int) []any) (ok bool, err error) {
	tx.changed = true
	if _, err := tx.tx.ExecContext(tx.ctx, `SAVEPOINT bulk_copy`); err != nil {
		return false, err
	}
	err = conn.Raw(func(dc any) error {
		c, isPgx := dc.(*stdlib.Conn)
		if !isPgx {
			return errors.New("store: COPY needs a pgx connection")
		}
		_, err := c.Conn().CopyFrom(tx.ctx, pgx.Identifier{table}, cols, pgx.CopyFromSlice(n, func(i int) ([]any, error) {
			return row(i), nil
		}))
		return err
	})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		if _, err := tx.tx.ExecContext(tx.ctx, `ROLLBACK TO SAVEPOINT bulk_copy`); err != nil {
			return false, err
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("copy into %s: %w", table, err)
	}
	_, err = tx.tx.ExecContext(tx.ctx, `RELEASE SAVEPOINT bulk_copy`)
	return err == nil, err
}

// ---- derived hours ----

// hoursRow is the derived attendance of one trainee at one session.
type hoursRow struct {
	session, person, class int64
	minutes                int
	in, out                time.Time
}

// pairEvents are the events of one trainee at one session; fresh when none were recorded
// before, so that the pair has no hours row yet.
type pairEvents struct {
	session, person, class int64
	evs                    []xiangpei.Event
	fresh                  bool
}

// writeHours writes the hours of each pair (in the order given) from its events, and updates
// the trainees of the classes they belong to.
func (tx *Tx) writeHours(groups []pairEvents, session func(int64) (xiangpei.Session, bool), conn *sql.Conn) error {
	if len(groups) == 0 {
		return nil
	}
	tx.changed = true
	out := make([]hoursRow, 0, len(groups))
	var fresh []hoursRow
	classes := make([]int64, len(groups))
	for i, g := range groups {
		s, ok := session(g.session)
		if !ok {
			return fmt.Errorf("session %d: %w", g.session, sql.ErrNoRows)
		}
		m, in, last := xiangpei.SessionMinutes(s, g.evs)
		h := hoursRow{session: g.session, person: g.person, class: g.class, minutes: m, in: in, out: last}
		if g.fresh && conn != nil && tx.db.Engine == Postgres {
			fresh = append(fresh, h)
		} else {
			out = append(out, h)
		}
		classes[i] = g.class
	}
	if len(fresh) > 0 {
		// New pairs have no hours row yet: COPY them. Should one exist after all, the
		// savepoint gives way and they are upserted with the others.
		ok, err := tx.copyRows(conn, "attendance_hours", []string{"session_id", "person_id", "class_id", "minutes", "first_in", "last_out"},
			len(fresh), func(i int) []any {
				h := fresh[i]
				return []any{h.session, h.person, h.class, int32(h.minutes), nullTime(h.in), nullTime(h.out)}
			})
		if err != nil {
			return err
		}
		if !ok {
			out = append(out, fresh...)
		}
	}
	if err := tx.upsertHours(out); err != nil {
		return err
	}
	// Each trainee's minutes are the sum of their hours rows: one aggregate and one UPDATE per
	// chunk of classes, writing only the rows whose sum changed.
	if err := tx.lockTrainees(classes); err != nil {
		return err
	}
	return tx.eachInExec(`UPDATE trainees SET attended_minutes = s.m
		FROM (SELECT class_id, person_id, SUM(minutes) AS m FROM attendance_hours WHERE class_id IN (`+inList1+`)
			GROUP BY class_id, person_id) AS s
		WHERE trainees.class_id = s.class_id AND trainees.person_id = s.person_id AND trainees.attended_minutes <> s.m`,
		distinct(classes))
}

// eachInExec runs a change whose IN list is inList1 for every chunk of ids.
func (tx *Tx) eachInExec(query string, ids []int64) error {
	for _, args := range inChunks(ids, 0) {
		if _, err := tx.exec(query, args...); err != nil {
			return err
		}
	}
	return nil
}

const upsertHoursSQL = `INSERT INTO attendance_hours (session_id, person_id, class_id, minutes, first_in, last_out)
	VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (session_id, person_id)
	DO UPDATE SET minutes = excluded.minutes, first_in = excluded.first_in, last_out = excluded.last_out`

// upsertHours writes hours rows: a prepared statement on SQLite, arrays on PostgreSQL.
func (tx *Tx) upsertHours(rows []hoursRow) error {
	if len(rows) == 0 {
		return nil
	}
	if tx.db.Engine == Postgres {
		for from := 0; from < len(rows); from += arrayChunk {
			part := rows[from:min(len(rows), from+arrayChunk)]
			n := len(part)
			sess, person, class := make([]int64, n), make([]int64, n), make([]int64, n)
			minutes := make([]int32, n)
			in, out := make([]*time.Time, n), make([]*time.Time, n)
			for i, h := range part {
				sess[i], person[i], class[i], minutes[i] = h.session, h.person, h.class, int32(h.minutes)
				if !h.in.IsZero() {
					t := h.in.UTC()
					in[i] = &t
				}
				if !h.out.IsZero() {
					t := h.out.UTC()
					out[i] = &t
				}
			}
			if _, err := tx.exec(`INSERT INTO attendance_hours (session_id, person_id, class_id, minutes, first_in, last_out)
				SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::int[], $5::timestamptz[], $6::timestamptz[])
				ON CONFLICT (session_id, person_id)
				DO UPDATE SET minutes = excluded.minutes, first_in = excluded.first_in, last_out = excluded.last_out`,
				sess, person, class, minutes, in, out); err != nil {
				return err
			}
		}
		return nil
	}
	st, err := tx.tx.PrepareContext(tx.ctx, upsertHoursSQL)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, h := range rows {
		if _, err := st.ExecContext(tx.ctx, h.session, h.person, h.class, h.minutes, nullTime(h.in), nullTime(h.out)); err != nil {
			return err
		}
	}
	return nil
}

// recomputeHoursPlain is the simple version of recomputeHours, one pair at a time: read the
// session, read the pair's events, write its hours, then sum each touched trainee's hours.
func (tx *Tx) recomputeHoursPlain(pairs map[[2]int64]int64) error {
	trainees := map[[2]int64]bool{} // (class, person)
	for pair, classID := range pairs {
		sess, person := pair[0], pair[1]
		x, err := scanSession(tx.tx.QueryRowContext(tx.ctx, `SELECT `+sessionCols+` FROM class_sessions x WHERE x.id = $1`, sess))
		if err != nil {
			return fmt.Errorf("session %d: %w", sess, err)
		}
		rows, err := tx.tx.QueryContext(tx.ctx, `SELECT kind, at FROM attendance_events WHERE session_id = $1 AND person_id = $2`, sess, person)
		if err != nil {
			return err
		}
		evs, err := collect(rows, func(r scanner) (xiangpei.Event, error) {
			var e xiangpei.Event
			err := r.Scan(&e.Kind, &e.At)
			e.At = e.At.UTC()
			return e, err
		})
		if err != nil {
			return err
		}
		minutes, in, out := xiangpei.SessionMinutes(x, evs)
		if _, err := tx.exec(upsertHoursSQL, sess, person, classID, minutes, nullTime(in), nullTime(out)); err != nil {
			return err
		}
		trainees[[2]int64{classID, person}] = true
	}
	classes := make([]int64, 0, len(trainees))
	for k := range trainees {
		classes = append(classes, k[0])
	}
	if err := tx.lockTrainees(classes); err != nil {
		return err
	}
	for k := range trainees {
		if _, err := tx.exec(`UPDATE trainees SET attended_minutes = (SELECT COALESCE(SUM(h.minutes), 0)
			FROM attendance_hours h WHERE h.class_id = $1 AND h.person_id = $2) WHERE class_id = $1 AND person_id = $2`,
			k[0], k[1]); err != nil {
			return err
		}
	}
	return nil
}

// nullTime is NULL for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// ---- transactions for bulk work ----

// bulkCacheKiB is SQLite's page cache during a bulk transaction, in KiB.
const bulkCacheKiB = 256 << 10

// bulkTx runs fn in a transaction like DB.Tx, on a connection held for the transaction, so
// that PostgreSQL can load rows by COPY inside it (conn.Raw reaches the pgx connection). It
// keeps DB.Tx's promise: a transaction that changed data without an audit entry does not commit.
func (db *DB) bulkTx(ctx context.Context, actor xiangpei.Actor, fn func(tx *Tx, conn *sql.Conn) error) error {
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connection: %w", err)
	}
	defer conn.Close()
	if db.Engine == SQLite {
		// A bulk transaction dirties far more index pages than SQLite's default cache of 2 MiB
		// holds; spilled pages are written to the log again each time they change.
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -bulkCacheKiB)); err != nil {
			return err
		}
		defer conn.ExecContext(context.Background(), `PRAGMA cache_size = -2000`)
	}
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{tx: sqlTx, db: db, ctx: ctx, Now: db.Now(), Actor: actor}
	if err := fn(tx, conn); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if tx.changed && !tx.audited {
		_ = sqlTx.Rollback()
		return errors.New("store: a transaction changed data without writing an audit entry")
	}
	if err := sqlTx.Commit(); err != nil {
		return mapError(err, "record")
	}
	return nil
}

// ---- attendance files (a terminal's export) ----

// AttendanceRow is one data row of an attendance file, as read: the values are checked when
// the file is checked against a class.
type AttendanceRow struct {
	Line     int
	IDNumber string
	Name     string
	At       string // 打卡时间
	Kind     string // 类型: 签到/签退 or in/out
	Device   string // 设备号, optional
	Seq      string // 节次, optional: the session's number in the class
	Lossy    bool   // the ID number was stored as a number and lost its last digits
}

// AttendanceColumns are the columns of an attendance file, found by any of their names.
var AttendanceColumns = []sheet.Column{
	{Key: "id_number", Names: []string{"身份证号", "身份证号码", "证件号码", "公民身份号码", "ID number"}, Required: true, Kind: sheet.Number},
	{Key: "name", Names: []string{"姓名", "Name"}, Required: true},
	{Key: "at", Names: []string{"打卡时间", "签到时间", "时间", "Time"}, Required: true, Kind: sheet.Time},
	{Key: "kind", Names: []string{"类型", "打卡类型", "Type", "Kind"}, Required: true},
	{Key: "device", Names: []string{"设备号", "设备编号", "设备", "Device"}},
	{Key: "seq", Names: []string{"节次", "课次", "Session"}},
}

// AttendanceHeader is the header row of the downloadable template.
var AttendanceHeader = []string{"身份证号", "姓名", "打卡时间", "类型", "设备号", "节次"}

// AttendanceFileLimits bound an uploaded attendance file: the sheet package's defaults.
func AttendanceFileLimits() sheet.Limits { return sheet.DefaultLimits() }

// ReadAttendanceFile reads an attendance file (.xlsx or .csv) into rows.
func ReadAttendanceFile(r io.Reader, name string, lim sheet.Limits) ([]AttendanceRow, error) {
	t, err := sheet.Read(r, name, lim, AttendanceColumns)
	if err != nil {
		return nil, err
	}
	out := make([]AttendanceRow, len(t.Rows))
	for i, row := range t.Rows {
		v := row.Values
		out[i] = AttendanceRow{Line: row.Line, IDNumber: v["id_number"], Name: v["name"], At: v["at"], Kind: v["kind"],
			Device: v["device"], Seq: v["seq"], Lossy: row.Lossy["id_number"]}
	}
	if len(out) == 0 {
		return nil, xiangpei.Errorf(xiangpei.Invalid, "attendance.import_empty", "The file has a header row but no check-ins below it.")
	}
	return out, nil
}

// RowRefusal is a row of a file that is not imported, with the reason.
type RowRefusal struct {
	Line int
	Err  error
}

// AttendanceImport is what a check or an import of an attendance file found.
type AttendanceImport struct {
	ClassID    int64
	Rows       int // data rows read
	Good       int // rows that pass every rule
	Refused    []RowRefusal
	Accepted   int // newly recorded (import only)
	Duplicates int // recorded before, or twice in the file (import only)
}

// importKind reads the 类型 column.
func importKind(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "签到", "签入", "上课", "进", "in", "check-in", "checkin":
		return xiangpei.CheckIn
	case "签退", "签出", "下课", "出", "out", "check-out", "checkout":
		return xiangpei.CheckOut
	}
	return ""
}

// importWindow is how far before its start and after its end a time still belongs to a
// session when the file does not say which session (节次).
const importWindow = 60 * time.Minute

// member is one class a person of the file is enrolled in.
type member struct {
	class, person int64
	name          string
}

// resolveAttendance turns the rows of a file into events for classID (0: every class of the
// scope's organisation whose sessions the file's times reach) and checks them: the ID number,
// the name against the roster, the time, the kind, the session (by 节次, or the one whose
// window ±60 minutes holds the time), then every rule of CheckEvents. It returns the check
// and, by good event, its line.
func (tx *Tx) resolveAttendance(s xiangpei.Scope, classID int64, rows []AttendanceRow) (*checked, AttendanceImport, error) {
	rep := AttendanceImport{ClassID: classID, Rows: len(rows)}
	orgID := s.OrgID
	var classes []xiangpei.Class
	if classID != 0 {
		c, err := tx.Class(s, classID)
		if err != nil {
			return nil, rep, err
		}
		classes, orgID = []xiangpei.Class{c}, c.OrgID
	}
	times := make([]time.Time, len(rows))
	var from, to time.Time
	for i, r := range rows {
		if t, ok := importTime(r.At); ok {
			times[i] = t
			if from.IsZero() || t.Before(from) {
				from = t
			}
			if t.After(to) {
				to = t
			}
		}
	}
	if classID == 0 {
		if orgID == 0 {
			return nil, rep, xiangpei.Errorf(xiangpei.Forbidden, "error.forbidden", "Your account may not do this.")
		}
		var err error
		if classes, err = tx.orgClassesAround(orgID, from, to); err != nil {
			return nil, rep, err
		}
	}
	sessionsOf := map[int64][]xiangpei.Session{}
	var ids []int64
	for _, c := range classes {
		ids = append(ids, c.ID)
		sessionsOf[c.ID] = c.Sessions
	}
	byID := map[string][]member{}
	err := tx.eachIn(`SELECT r.class_id, r.person_id, p.id_number, p.name FROM trainees r JOIN persons p ON p.id = r.person_id
		WHERE r.class_id IN (`+inList1+`) AND r.status <> $`+strconv.Itoa(inChunk+1), ids,
		[]any{string(xiangpei.TraineeWithdrawn)}, func(r scanner) error {
			var m member
			var id string
			if err := r.Scan(&m.class, &m.person, &id, &m.name); err != nil {
				return err
			}
			byID[id] = append(byID[id], m)
			return nil
		})
	if err != nil {
		return nil, rep, err
	}
	today := tx.Now.In(xiangpei.ChinaTime)
	evs := make([]xiangpei.Event, 0, len(rows))
	lines := make([]int, 0, len(rows))
	refuse := func(line int, err error) { rep.Refused = append(rep.Refused, RowRefusal{line, err}) }
	// The ID numbers as written, each checked once: who they are on the rosters, or why not.
	type who struct {
		ms  []member
		err error
	}
	seen := map[string]who{}
	for ri, row := range rows {
		if row.Lossy {
			refuse(row.Line, xiangpei.Errorf(xiangpei.Invalid, "attendance.import_id_lossy", "The ID number was stored as a number and lost its last digits: format the column as text and type it again."))
			continue
		}
		p, ok := seen[row.IDNumber]
		if !ok {
			id, err := xiangpei.ParseIDNumber(row.IDNumber, today)
			p = who{ms: byID[string(id)], err: err}
			seen[row.IDNumber] = p
		}
		if p.err != nil {
			refuse(row.Line, p.err)
			continue
		}
		ms := p.ms
		if len(ms) == 0 {
			refuse(row.Line, errEventRefused("attendance.not_on_roster", "This person is not on the class's roster."))
			continue
		}
		if sheet.Fold(row.Name) != ms[0].name {
			refuse(row.Line, errEventRefused("attendance.import_name", "The name does not match the ID number on the roster."))
			continue
		}
		kind := importKind(row.Kind)
		if kind == "" {
			refuse(row.Line, errEventRefused("attendance.import_kind", "Write 签到 (check-in) or 签退 (check-out) in the 类型 column."))
			continue
		}
		at := times[ri]
		if at.IsZero() {
			refuse(row.Line, errEventRefused("attendance.import_time", "The time cannot be read: write it like 2026-11-02 09:00:05."))
			continue
		}
		m, x, err := pickSession(ms, sessionsOf, row.Seq, at)
		if err != nil {
			refuse(row.Line, err)
			continue
		}
		device := row.Device
		if len(device) > EventDeviceMaxLen {
			device = device[:EventDeviceMaxLen]
		}
		evs = append(evs, xiangpei.Event{SessionID: x.ID, PersonID: m.person, Kind: kind, At: at, Source: xiangpei.FromImport,
			Device: device, Terminal: true})
		lines = append(lines, row.Line)
	}
	c, err := tx.checkEvents(orgID, evs)
	if err != nil {
		return nil, rep, err
	}
	for _, r := range c.refused {
		refuse(lines[r.Index], r.Err)
	}
	slices.SortStableFunc(rep.Refused, func(a, b RowRefusal) int { return a.Line - b.Line })
	rep.Good = len(c.good)
	return c, rep, nil
}

// importTime reads the time of a row: the usual "2006-01-02 15:04:05" directly, anything else
// as sheet.ParseTime does.
func importTime(s string) (time.Time, bool) {
	if len(s) == len(time.DateTime) && s[4] == '-' && s[10] == ' ' {
		if t, err := time.ParseInLocation(time.DateTime, s, xiangpei.ChinaTime); err == nil {
			return t, true
		}
	}
	return sheet.ParseTime(s)
}

// EventDeviceMaxLen is the longest device name kept with an event.
const EventDeviceMaxLen = 64

// pickSession finds the session a row belongs to among the classes the person is on: the one
// numbered seq, or else the one whose window ±60 minutes holds the time (the nearest start
// when several do).
func pickSession(ms []member, sessionsOf map[int64][]xiangpei.Session, seq string, at time.Time) (member, xiangpei.Session, error) {
	if seq = strings.TrimSpace(seq); seq != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(seq, "第"), "节"))
		if err == nil {
			for _, m := range ms {
				for _, x := range sessionsOf[m.class] {
					if x.Seq == n {
						return m, x, nil
					}
				}
			}
		}
		return member{}, xiangpei.Session{}, errEventRefused("attendance.import_seq", "The class has no session with this number (节次).")
	}
	var best member
	var bestX xiangpei.Session
	var bestD time.Duration = -1
	for _, m := range ms {
		for _, x := range sessionsOf[m.class] {
			if at.Before(x.Starts.Add(-importWindow)) || at.After(x.Ends.Add(importWindow)) {
				continue
			}
			d := at.Sub(x.Starts)
			if d < 0 {
				d = -d
			}
			if bestD < 0 || d < bestD {
				best, bestX, bestD = m, x, d
			}
		}
	}
	if bestD < 0 {
		return member{}, xiangpei.Session{}, errEventRefused("attendance.import_no_session", "No session of the class starts or ends within an hour of this time: check the time, or add the 节次 column.")
	}
	return best, bestX, nil
}

// orgClassesAround reads the classes of an organisation that take or took attendance and whose
// sessions come within an hour of the file's times, with their timetables.
func (tx *Tx) orgClassesAround(orgID int64, from, to time.Time) ([]xiangpei.Class, error) {
	if from.IsZero() {
		return nil, nil
	}
	rows2, err := tx.tx.QueryContext(tx.ctx, `SELECT `+classCols+` FROM classes c WHERE c.org_id = $1
		AND c.status IN ('approved', 'in_progress', 'closed') AND c.first_session <= $2 AND c.last_session >= $3
		ORDER BY c.id`, orgID, to.Add(importWindow).UTC(), from.Add(-importWindow).UTC())
	if err != nil {
		return nil, err
	}
	classes, err := collect(rows2, scanClass)
	if err != nil {
		return nil, err
	}
	index := make(map[int64]int, len(classes))
	ids := make([]int64, len(classes))
	for i, c := range classes {
		index[c.ID], ids[i] = i, c.ID
	}
	err = tx.eachIn(`SELECT `+sessionCols+` FROM class_sessions x WHERE x.class_id IN (`+inList1+`) ORDER BY x.class_id, x.seq`,
		ids, nil, func(r scanner) error {
			x, err := scanSession(r)
			if err != nil {
				return err
			}
			c := &classes[index[x.ClassID]]
			c.Sessions = append(c.Sessions, x)
			return nil
		})
	return classes, err
}

// CheckAttendanceFile checks the rows of an attendance file against a class within scope
// without recording anything (the dry run): every row that would be refused, with its line and
// reason.
func (tx *Tx) CheckAttendanceFile(s xiangpei.Scope, classID int64, rows []AttendanceRow) (AttendanceImport, error) {
	_, rep, err := tx.resolveAttendance(s, classID, rows)
	return rep, err
}

// importAttendance records the good rows of a file in the transaction: all of them or, on an
// error, none.
func (tx *Tx) importAttendance(s xiangpei.Scope, classID int64, rows []AttendanceRow, conn *sql.Conn) (AttendanceImport, error) {
	c, rep, err := tx.resolveAttendance(s, classID, rows)
	if err != nil {
		return rep, err
	}
	orgID := s.OrgID
	if len(c.good) > 0 {
		orgID = c.sessions[c.good[0].SessionID].orgID
	}
	c.refused = nil // the rows' refusals are in the report, by line
	res, err := tx.record(orgID, c, conn, false)
	if err != nil {
		return rep, err
	}
	rep.Accepted, rep.Duplicates = res.Accepted, res.Duplicates
	return rep, nil
}

// ImportAttendance records the good rows of an attendance file for a class within scope (0:
// the scope's organisation's classes) in one transaction, with one audit entry for the file.
func (db *DB) ImportAttendance(ctx context.Context, actor xiangpei.Actor, s xiangpei.Scope, classID int64, rows []AttendanceRow) (AttendanceImport, error) {
	var rep AttendanceImport
	err := db.bulkTx(ctx, actor, func(tx *Tx, conn *sql.Conn) error {
		var err error
		if rep, err = tx.importAttendance(s, classID, rows, conn); err != nil {
			return err
		}
		return tx.Audit("attendance.import", "class", classID, "", map[string]any{"rows": rep.Rows, "accepted": rep.Accepted,
			"duplicates": rep.Duplicates, "refused": len(rep.Refused)})
	})
	return rep, err
}

// CommitAttendanceUpload imports an attendance file kept by its dry run (tx.SaveUpload,
// purpose "attendance") for a class within scope: the file is read again, its good rows are
// recorded in one transaction (or none), and the upload is marked committed, so a second
// commit is a Conflict.
func (db *DB) CommitAttendanceUpload(ctx context.Context, actor xiangpei.Actor, s xiangpei.Scope, classID, uploadID int64) (AttendanceImport, error) {
	var rep AttendanceImport
	err := db.bulkTx(ctx, actor, func(tx *Tx, conn *sql.Conn) error {
		c, err := tx.Class(s, classID)
		if err != nil {
			return err
		}
		u, err := tx.Upload(uploadID, UploadAttendance, classID)
		if err != nil {
			return err
		}
		if err := tx.CommitUpload(u.ID); err != nil {
			return err
		}
		rows, err := ReadAttendanceFile(bytes.NewReader(u.Data), u.Name, AttendanceFileLimits())
		if err != nil {
			return err
		}
		if rep, err = tx.importAttendance(s, classID, rows, conn); err != nil {
			return err
		}
		return tx.Audit("attendance.import", "class", classID, c.County, map[string]any{"upload": u.ID, "name": u.Name,
			"sha256": u.SHA256, "rows": rep.Rows, "accepted": rep.Accepted, "duplicates": rep.Duplicates, "refused": len(rep.Refused)})
	})
	return rep, err
}

// UploadAttendance is the purpose of an attendance file kept between its dry run and commit.
const UploadAttendance = "attendance"
