package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/gen"
	"xiangpei/internal/sheet"
)

// QUALITY P1: the import of an attendance file (validation, dedup, hours) against the engine's
// raw bulk-load rate of the same rows, measured in the same run, on both engines. Run:
//
//	XIANGPEI_TEST_PG="host=/var/run/postgresql" go test -run '^$' -bench AttendanceImportP1 -benchtime 1x -timeout 30m ./internal/store
//
// XIANGPEI_P1_EVENTS sets the number of events (default 1,000,000). It is a benchmark, never a
// test: nothing here asserts a time.

// LoadWorld writes a generated world straight into the tables, for benchmarks and the test that
// compares the batch path with the plain one: the institution with its venue and teacher, the
// persons, the classes (in progress) with their timetables and rosters. It bypasses the checks
// of CreateClass and AddTrainee, which the world passes by construction, and writes one audit
// entry.
func LoadWorld(ctx context.Context, db *DB, w *gen.World) error {
	return db.bulkTx(ctx, xiangpei.Actor{Name: "gen"}, func(tx *Tx, conn *sql.Conn) error {
		now := tx.Now.Truncate(time.Microsecond)
		if _, err := tx.exec(`INSERT INTO skill_levels (code, name_zh, name_en, rank, updated_at) VALUES ('5', '五级/初级工',
			'Level 5 (junior)', 5, $1) ON CONFLICT (code) DO NOTHING`, now); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO organisations (id, kind, name, credit_code, code_status, county, capacity, created_at,
			updated_at) VALUES ($1, 'institution', $2, $3, 'valid', $4, 100000, $5, $5)`, w.OrgID, w.OrgName, w.CreditCode, w.County, now); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO venues (id, org_id, name, address, county, lat, lng, created_at)
			VALUES ($1, $2, '实训楼', '株洲市天元区实训路1号', $3, 27.83, 113.15, $4)`, w.VenueID, w.OrgID, w.County, now); err != nil {
			return err
		}
		if _, err := tx.exec(`INSERT INTO teachers (id, org_id, name, id_number, qualification, created_at)
			VALUES ($1, $2, '周老师', $3, '讲师', $4)`, w.TeacherID, w.OrgID, w.TeacherIDNo, now); err != nil {
			return err
		}
		if err := loadRows(tx, conn, "persons", []string{"id", "id_number", "name", "sex", "birth_date", "phone", "household",
			"county", "created_at", "updated_at"}, len(w.Persons), func(i int) []any {
			p := w.Persons[i]
			id := xiangpei.IDNumber(p.IDNumber)
			return []any{p.ID, p.IDNumber, p.Name, string(id.Sex()), id.Birth().Format(time.DateOnly), p.Phone, "rural", p.County, now, now}
		}); err != nil {
			return err
		}
		if err := loadRows(tx, conn, "classes", []string{"id", "org_id", "county", "name", "occupation_code", "level", "funding",
			"theory_hours", "practice_hours", "venue_id", "capacity", "status", "first_session", "last_session", "filed_at",
			"enrolled", "created_at", "updated_at"}, len(w.Classes), func(i int) []any {
			c := w.Classes[i]
			return []any{c.ID, w.OrgID, w.County, c.Name, "4-10-01-05", "5", "subsidised", 3 * len(c.Sessions), 0, w.VenueID,
				max(60, len(c.Trainees)), "in_progress", c.Sessions[0].Starts, c.Sessions[len(c.Sessions)-1].Ends, now,
				len(c.Trainees), now, now}
		}); err != nil {
			return err
		}
		if err := loadRows(tx, conn, "class_teachers", []string{"class_id", "teacher_id"}, len(w.Classes), func(i int) []any {
			return []any{w.Classes[i].ID, w.TeacherID}
		}); err != nil {
			return err
		}
		type ref struct{ c, i int }
		var sessions, trainees []ref
		for ci, c := range w.Classes {
			for i := range c.Sessions {
				sessions = append(sessions, ref{ci, i})
			}
			for i := range c.Trainees {
				trainees = append(trainees, ref{ci, i})
			}
		}
		if err := loadRows(tx, conn, "class_sessions", []string{"id", "class_id", "seq", "starts_at", "ends_at", "kind", "venue_id",
			"teacher_id", "makeup", "qr_key"}, len(sessions), func(i int) []any {
			c := w.Classes[sessions[i].c]
			x := c.Sessions[sessions[i].i]
			return []any{x.ID, c.ID, x.Seq, x.Starts, x.Ends, "theory", w.VenueID, w.TeacherID, false, fmt.Sprintf("%032x", x.ID)}
		}); err != nil {
			return err
		}
		if err := loadRows(tx, conn, "trainees", []string{"id", "class_id", "person_id", "source", "status", "subsidised",
			"occupation_code", "level", "year", "added_by", "added_at", "updated_at"}, len(trainees), func(i int) []any {
			c := w.Classes[trainees[i].c]
			return []any{c.TraineeIDs[trainees[i].i], c.ID, w.Persons[c.Trainees[trainees[i].i]].ID, "import", "enrolled", true,
				"4-10-01-05", "5", c.Sessions[0].Starts.In(xiangpei.ChinaTime).Year(), int64(0), now, now}
		}); err != nil {
			return err
		}
		return tx.Audit("gen.load", "world", w.Seed, w.County, map[string]any{"classes": len(w.Classes), "persons": len(w.Persons)})
	})
}

// loadRows writes rows into a table: COPY on PostgreSQL, a prepared INSERT on SQLite.
func loadRows(tx *Tx, conn *sql.Conn, table string, cols []string, n int, row func(int) []any) error {
	if tx.db.Engine == Postgres {
		ok, err := tx.copyRows(conn, table, cols, n, row)
		if err == nil && !ok {
			err = fmt.Errorf("load %s: duplicate rows", table)
		}
		return err
	}
	marks := make([]string, len(cols))
	for i := range marks {
		marks[i] = "$" + strconv.Itoa(i+1)
	}
	st, err := tx.tx.PrepareContext(tx.ctx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES (`+strings.Join(marks, ", ")+`)`)
	if err != nil {
		return err
	}
	defer st.Close()
	tx.changed = true
	for i := 0; i < n; i++ {
		if _, err := st.ExecContext(tx.ctx, row(i)...); err != nil {
			return fmt.Errorf("load %s: %w", table, err)
		}
	}
	return nil
}

// IngestEventsPlain runs the plain version of IngestEvents, for the test that compares it with
// the batch path.
func (tx *Tx) IngestEventsPlain(orgID int64, evs []xiangpei.Event) (IngestResult, error) {
	return tx.ingest(orgID, evs, nil, true)
}

// IngestEventsBulk runs the batch path as a file import does, on a connection of its own (COPY
// on PostgreSQL), for the same test.
func (db *DB) IngestEventsBulk(ctx context.Context, actor xiangpei.Actor, orgID int64, evs []xiangpei.Event) (IngestResult, error) {
	var res IngestResult
	err := db.bulkTx(ctx, actor, func(tx *Tx, conn *sql.Conn) error {
		var err error
		res, err = tx.ingest(orgID, evs, conn, false)
		return err
	})
	return res, err
}

// benchDB is a new, migrated database of an engine for the benchmark, removed afterwards; nil
// when PostgreSQL is not configured.
func benchDB(b *testing.B, engine Engine) *DB {
	ctx := context.Background()
	if engine == SQLite {
		db, err := Open(ctx, filepath.Join(b.TempDir(), "p1.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		return db
	}
	base := os.Getenv("XIANGPEI_TEST_PG")
	if base == "" {
		return nil
	}
	admin, err := sql.Open("pgx", base+" dbname=postgres")
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name := "xp_bench_" + hex.EncodeToString(suffix)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		b.Fatal(err)
	}
	db, err := Open(ctx, base+" dbname="+name)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		db.Close()
		if a, err := sql.Open("pgx", base+" dbname=postgres"); err == nil {
			_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return db
}

// rawLoad measures the engine's raw bulk-load rate of the rows in a bare table (no key, no
// index, no constraint) in one transaction: a prepared INSERT per row on SQLite, COPY on
// PostgreSQL. It returns rows per second.
func rawLoad(b *testing.B, db *DB, table string, cols []string, types []string, n int, row func(int) []any) float64 {
	ctx := context.Background()
	defs := make([]string, len(cols))
	for i := range cols {
		defs[i] = cols[i] + " " + types[i]
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE `+table+` (`+strings.Join(defs, ", ")+`)`); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	err := db.bulkTx(ctx, xiangpei.Actor{Name: "bench"}, func(tx *Tx, conn *sql.Conn) error {
		if err := loadRows(tx, conn, table, cols, n, row); err != nil {
			return err
		}
		tx.audited = true // a bare table outside the platform's records
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkAttendanceImportP1 generates a world and a terminal's export of about a million
// events (CSV, no 节次 column: each row's session is found by its time), then on each engine
// measures (1) the raw bulk-load rate of the rows the import stores, in a bare table of the
// same columns, (2) the same for the file's own rows as text, and (3) the import of the file —
// read and parse, ID numbers and names against the rosters, sessions by time, every rule,
// dedup, the events and the derived hours and trainee minutes, in one transaction. It prints
// events/second, the raw rates and the ratio (goal ≥ 50%).
func BenchmarkAttendanceImportP1(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("XIANGPEI_P1_EVENTS")); err == nil && v > 0 {
		n = v
	}
	start := time.Date(2026, 11, 2, 0, 0, 0, 0, xiangpei.ChinaTime)
	w := gen.New(1, gen.ForEvents(n), start)
	rows := w.Rows()
	var file bytes.Buffer
	if err := gen.WriteCSV(&file, rows, false); err != nil {
		b.Fatal(err)
	}
	b.Logf("world: %d classes, %d persons, %d events, file %.1f MiB", len(w.Classes), len(w.Persons), len(rows),
		float64(file.Len())/(1<<20))
	lim := sheet.Limits{MaxBytes: 1 << 30, MaxUnzipped: 1 << 30, MaxRatio: 100, MaxRows: len(rows) + 1, MaxCols: 64}
	now := w.End.Add(time.Hour)
	for _, engine := range []Engine{SQLite, Postgres} {
		db := benchDB(b, engine)
		if db == nil {
			b.Logf("PostgreSQL skipped: set XIANGPEI_TEST_PG")
			continue
		}
		db.SetClock(func() time.Time { return now })
		ctx := context.Background()
		if err := LoadWorld(ctx, db, w); err != nil {
			b.Fatal(err)
		}
		at := "TIMESTAMP"
		if engine == Postgres {
			at = "TIMESTAMPTZ"
		}
		created := now.Truncate(time.Microsecond)
		// The raw loads run before and after the import, and the faster of the two counts: the
		// machine is shared, and a slow baseline would flatter the ratio.
		raw := func(round int) (events, file float64) {
			events = rawLoad(b, db, fmt.Sprintf("p1_bare_events_%d", round), []string{"id", "session_id", "class_id", "person_id",
				"kind", "at", "source", "device", "terminal", "lat", "lng", "event_key", "created_at"},
				[]string{"BIGINT", "BIGINT", "BIGINT", "BIGINT", "TEXT", at, "TEXT", "TEXT", "BOOLEAN", "DOUBLE PRECISION",
					"DOUBLE PRECISION", "TEXT", at}, len(rows), func(i int) []any {
					r := rows[i]
					c := w.Classes[r.Class]
					x := c.Sessions[r.Seq-1]
					person := w.Persons[r.Person].ID
					e := xiangpei.Event{SessionID: x.ID, PersonID: person, Kind: r.Kind, At: r.At, Source: xiangpei.FromImport, Device: r.Device}
					return []any{int64(1<<50) + int64(i), x.ID, c.ID, person, r.Kind, r.At, xiangpei.FromImport, r.Device, true, nil, nil,
						EventKey(e), created}
				})
			file = rawLoad(b, db, fmt.Sprintf("p1_bare_file_%d", round), []string{"id_number", "name", "at", "kind", "device"},
				[]string{"TEXT", "TEXT", "TEXT", "TEXT", "TEXT"}, len(rows), func(i int) []any {
					r := rows[i]
					kind := "签到"
					if r.Kind == xiangpei.CheckOut {
						kind = "签退"
					}
					return []any{r.IDNumber, r.Name, r.At.In(xiangpei.ChinaTime).Format(time.DateTime), kind, r.Device}
				})
			return events, file
		}
		eventRate, fileRate := raw(1)
		actor := xiangpei.Actor{Name: "bench", Role: xiangpei.RoleInstitution, OrgID: w.OrgID}
		t0 := time.Now()
		parsed, err := ReadAttendanceFile(bytes.NewReader(file.Bytes()), "p1.csv", lim)
		if err != nil {
			b.Fatal(err)
		}
		tRead := time.Since(t0)
		rep, err := db.ImportAttendance(ctx, actor, actor.Scope(), 0, parsed)
		if err != nil {
			b.Fatal(err)
		}
		d := time.Since(t0)
		if len(rep.Refused) > 0 || rep.Accepted+rep.Duplicates != len(rows) {
			b.Fatalf("import: %d accepted, %d duplicates, %d refused of %d", rep.Accepted, rep.Duplicates, len(rep.Refused), len(rows))
		}
		e2, f2 := raw(2)
		eventRate, fileRate = max(eventRate, e2), max(fileRate, f2)
		rate := float64(len(rows)) / d.Seconds()
		fmt.Printf("P1 %-8s events=%d import=%.2fs (read %.2fs) %.0f events/s | raw load of the stored rows %.0f rows/s → %.0f%% | raw load of the file's rows %.0f rows/s → %.0f%%\n",
			engine, len(rows), d.Seconds(), tRead.Seconds(), rate, eventRate, 100*rate/eventRate, fileRate, 100*rate/fileRate)
		b.ReportMetric(rate, string(engine)+"-events/s")
		b.ReportMetric(100*rate/eventRate, string(engine)+"-%raw")
	}
}

// HoursSnapshot lists every derived row, for the test that compares the batch path with the
// plain one: each attendance_hours row, then each trainee's attended minutes.
func (db *DB) HoursSnapshot(ctx context.Context) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT session_id, person_id, class_id, minutes, first_in, last_out
		FROM attendance_hours ORDER BY session_id, person_id`)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(r scanner) (string, error) {
		var s, p, c int64
		var m int
		var in, last sql.NullTime
		err := r.Scan(&s, &p, &c, &m, &in, &last)
		return fmt.Sprintf("hours %d %d %d %d %v %v", s, p, c, m, in.Time.UTC(), last.Time.UTC()), err
	})
	if err != nil {
		return nil, err
	}
	rows, err = db.read.QueryContext(ctx, `SELECT class_id, person_id, attended_minutes FROM trainees ORDER BY class_id, person_id`)
	if err != nil {
		return nil, err
	}
	more, err := collect(rows, func(r scanner) (string, error) {
		var c, p int64
		var m int
		err := r.Scan(&c, &p, &m)
		return fmt.Sprintf("trainee %d %d %d", c, p, m), err
	})
	return append(out, more...), err
}

// EventCount counts the recorded events.
func (db *DB) EventCount(ctx context.Context) (int, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM attendance_events`).Scan(&n)
	return n, err
}

// ImportAttendanceThenFail imports rows as ImportAttendance does and then fails before the
// commit, for the test that nothing is half-imported.
func (db *DB) ImportAttendanceThenFail(ctx context.Context, actor xiangpei.Actor, s xiangpei.Scope, classID int64, rows []AttendanceRow) (AttendanceImport, error) {
	var rep AttendanceImport
	err := db.bulkTx(ctx, actor, func(tx *Tx, conn *sql.Conn) error {
		var err error
		if rep, err = tx.importAttendance(s, classID, rows, conn); err != nil {
			return err
		}
		return errFailAfterImport
	})
	return rep, err
}

var errFailAfterImport = fmt.Errorf("failing on purpose after the import")

// StoredTerminalSecret is a terminal's secret column as stored.
func (db *DB) StoredTerminalSecret(ctx context.Context, id int64) (string, error) {
	var s string
	err := db.read.QueryRowContext(ctx, `SELECT secret FROM terminals WHERE id = $1`, id).Scan(&s)
	return s, err
}

// RecomputeAllHours derives every pair's hours again from its events with the plain version,
// for the test that concurrent ingestion leaves the derived rows as they should be.
func (db *DB) RecomputeAllHours(ctx context.Context) error {
	return db.Tx(ctx, xiangpei.Actor{Name: "test"}, func(tx *Tx) error {
		rows, err := tx.tx.QueryContext(ctx, `SELECT DISTINCT session_id, person_id, class_id FROM attendance_events`)
		if err != nil {
			return err
		}
		pairs := map[[2]int64]int64{}
		for rows.Next() {
			var s, p, c int64
			if err := rows.Scan(&s, &p, &c); err != nil {
				rows.Close()
				return err
			}
			pairs[[2]int64{s, p}] = c
		}
		rows.Close()
		if err := tx.recomputeHoursPlain(pairs); err != nil {
			return err
		}
		return tx.Audit("test.recompute", "attendance", 0, "", nil)
	})
}
