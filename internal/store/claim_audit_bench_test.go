package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/gen"
)

// QUALITY P2: the automatic audit of a city-year of claim lines (every §9 check) against one
// scan of the attendance table, measured in the same run, on both engines. Run:
//
//	XIANGPEI_TEST_PG="host=/var/run/postgresql" go test -run '^$' -bench ClaimAuditP2 -benchtime 1x -timeout 60m ./internal/store
//
// XIANGPEI_P2_LINES sets the number of claim lines (default 75,000, a city-year). It is a
// benchmark, never a test: nothing here asserts a time.

// LoadCityYear writes a generated city-year straight into the tables (COPY on PostgreSQL, a
// prepared INSERT on SQLite, in one transaction with one audit entry): institutions with venue,
// teacher and scope, persons, classes with sessions and rosters (attended minutes set), the
// attendance events, certificates, sanctions, and one submitted institution claim per class
// with its lines. It bypasses the write paths (CreateClass, AddTrainee, the import, CreateClaim,
// SubmitClaim — the last would audit each claim as it goes), whose checks the city-year passes
// by construction except for the problems it plants on purpose.
func LoadCityYear(ctx context.Context, db *DB, w *gen.CityYear) error {
	return db.bulkTx(ctx, xiangpei.Actor{Name: "gen"}, func(tx *Tx, conn *sql.Conn) error {
		now := w.Created.Truncate(time.Microsecond)
		for _, l := range [][2]string{{"5", "五级/初级工"}, {"4", "四级/中级工"}, {"3", "三级/高级工"}} {
			if _, err := tx.exec(`INSERT INTO skill_levels (code, name_zh, name_en, rank, updated_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (code) DO NOTHING`, l[0], l[1], "Level "+l[0], l[0][0]-'0', now); err != nil {
				return err
			}
		}
		load := func(table string, cols []string, n int, row func(int) []any) error {
			return loadRows(tx, conn, table, cols, n, row)
		}
		if err := load("organisations", []string{"id", "kind", "name", "credit_code", "code_status", "county", "capacity", "created_at",
			"updated_at"}, len(w.Orgs), func(i int) []any {
			o := w.Orgs[i]
			return []any{o.ID, "institution", o.Name, o.CreditCode, "valid", o.County, 100000, now, now}
		}); err != nil {
			return err
		}
		if err := load("organisations", []string{"id", "kind", "name", "credit_code", "code_status", "county", "created_at", "updated_at"}, 1,
			func(int) []any {
				o := w.Assessor
				return []any{o.ID, "assessor", o.Name, o.CreditCode, "valid", o.County, now, now}
			}); err != nil {
			return err
		}
		if err := load("venues", []string{"id", "org_id", "name", "address", "county", "lat", "lng", "created_at"}, len(w.Orgs), func(i int) []any {
			o := w.Orgs[i]
			return []any{o.VenueID, o.ID, "实训楼", "株洲市实训路" + strconv.Itoa(i+1) + "号", o.County, o.Lat, o.Lng, now}
		}); err != nil {
			return err
		}
		if err := load("teachers", []string{"id", "org_id", "name", "id_number", "qualification", "created_at"}, len(w.Orgs)+len(w.Teachers), func(i int) []any {
			if i < len(w.Orgs) {
				o := w.Orgs[i]
				return []any{o.TeacherID, o.ID, "周老师", o.TeacherIDNo, "讲师", now}
			}
			te := w.Teachers[i-len(w.Orgs)]
			return []any{te.ID, te.OrgID, te.Name, te.IDNumber, "讲师", now}
		}); err != nil {
			return err
		}
		if err := load("org_scopes", []string{"id", "org_id", "occupation_code", "level", "created_at"}, len(w.Orgs), func(i int) []any {
			return []any{w.Orgs[i].ID + 1<<37, w.Orgs[i].ID, gen.Occupation, "5", now}
		}); err != nil {
			return err
		}
		if err := load("sanctions", []string{"id", "org_id", "kind", "reason", "starts_on", "ends_on", "decided_by", "created_at"}, len(w.Sanctions), func(i int) []any {
			s := w.Sanctions[i]
			return []any{s.ID, s.OrgID, s.Kind, "生成的处罚", s.From, s.To, int64(0), now}
		}); err != nil {
			return err
		}
		if err := load("persons", []string{"id", "id_number", "name", "sex", "birth_date", "phone", "household", "county", "created_at",
			"updated_at"}, len(w.Persons), func(i int) []any {
			p := w.Persons[i]
			birth := p.IDNumber[6:10] + "-" + p.IDNumber[10:12] + "-" + p.IDNumber[12:14]
			sex := "F"
			if (p.IDNumber[16]-'0')%2 == 1 {
				sex = "M"
			}
			return []any{p.ID, p.IDNumber, p.Name, sex, birth, p.Phone, "rural", p.County, now, now}
		}); err != nil {
			return err
		}
		if err := load("insurance_records", []string{"id", "person_id", "employer", "full_time", "starts_on", "ends_on", "imported_at"},
			len(w.Insurance), func(i int) []any {
				x := w.Insurance[i]
				return []any{x.ID, x.PersonID, x.Employer, true, x.From, x.To, now}
			}); err != nil {
			return err
		}
		if err := load("person_sanctions", []string{"id", "person_id", "kind", "reason", "starts_on", "ends_on", "decided_by", "created_at"},
			len(w.PersonSanctions), func(i int) []any {
				x := w.PersonSanctions[i]
				return []any{x.ID, x.PersonID, "blacklist", "生成的失信记录", x.From, x.To, int64(0), now}
			}); err != nil {
			return err
		}
		if err := load("prior_subsidies", []string{"id", "person_id", "occupation_code", "level", "year", "paid_on", "amount_fen", "import_id",
			"created_at"}, len(w.PriorSubsidies), func(i int) []any {
			x := w.PriorSubsidies[i]
			return []any{x.ID, x.PersonID, x.Occupation, x.Level, x.Year, x.PaidOn, x.AmountFen, int64(0), now}
		}); err != nil {
			return err
		}
		if err := load("classes", []string{"id", "org_id", "county", "name", "occupation_code", "level", "funding", "theory_hours",
			"practice_hours", "venue_id", "capacity", "status", "first_session", "last_session", "filed_at", "late", "enrolled",
			"created_at", "updated_at"}, len(w.Classes), func(i int) []any {
			c := w.Classes[i]
			o := w.Orgs[c.Org]
			filed := c.Sessions[0].Starts.AddDate(0, 0, -10)
			return []any{c.ID, o.ID, o.County, c.Name, c.Occupation, c.Level, "subsidised", 3 * len(c.Sessions), 0, o.VenueID,
				c.Capacity, "closed", c.Sessions[0].Starts, c.Sessions[len(c.Sessions)-1].Ends, filed, c.Late, len(c.Trainees), filed, now}
		}); err != nil {
			return err
		}
		teacher := func(c gen.CityClass) int64 {
			if c.TeacherID != 0 {
				return c.TeacherID
			}
			return w.Orgs[c.Org].TeacherID
		}
		if err := load("class_teachers", []string{"class_id", "teacher_id"}, len(w.Classes), func(i int) []any {
			return []any{w.Classes[i].ID, teacher(w.Classes[i])}
		}); err != nil {
			return err
		}
		type ref struct{ c, i int }
		var sessions, trainees, lines []ref
		for ci, c := range w.Classes {
			for i := range c.Sessions {
				sessions = append(sessions, ref{ci, i})
			}
			for i, tr := range c.Trainees {
				trainees = append(trainees, ref{ci, i})
				if !tr.NoLine {
					lines = append(lines, ref{ci, i})
				}
			}
		}
		if err := load("class_sessions", []string{"id", "class_id", "seq", "starts_at", "ends_at", "kind", "venue_id", "teacher_id",
			"makeup", "qr_key"}, len(sessions), func(i int) []any {
			c := w.Classes[sessions[i].c]
			x := c.Sessions[sessions[i].i]
			o := w.Orgs[c.Org]
			return []any{x.ID, c.ID, x.Seq, x.Starts, x.Ends, "theory", o.VenueID, teacher(c), false, fmt.Sprintf("%032x", x.ID)}
		}); err != nil {
			return err
		}
		if err := load("trainees", []string{"id", "class_id", "person_id", "source", "status", "subsidised", "occupation_code", "level",
			"year", "attended_minutes", "added_by", "added_at", "updated_at"}, len(trainees), func(i int) []any {
			c := w.Classes[trainees[i].c]
			tr := c.Trainees[trainees[i].i]
			return []any{tr.ID, c.ID, w.Persons[tr.Person].ID, "import", "completed", true, c.Occupation, c.Level, w.Year,
				tr.AttendedMinutes, int64(0), now, now}
		}); err != nil {
			return err
		}
		if err := load("attendance_events", []string{"id", "session_id", "class_id", "person_id", "kind", "at", "source", "device",
			"terminal", "lat", "lng", "event_key", "created_at"}, len(w.Events), func(i int) []any {
			e := w.Events[i]
			var lat, lng any
			if e.HasPlace {
				lat, lng = e.Lat, e.Lng
			}
			return []any{e.ID, e.SessionID, e.ClassID, e.PersonID, e.Kind, e.At, xiangpei.FromImport, e.Device, e.Terminal, lat, lng,
				"gen-" + strconv.FormatInt(e.ID, 10), now}
		}); err != nil {
			return err
		}
		if err := load("certificates", []string{"id", "number", "kind", "person_id", "county", "occupation_code", "level", "issuer_org_id",
			"issuer_name", "issued_on", "source", "source_id", "status", "created_at", "updated_at"}, len(w.Certs), func(i int) []any {
			ce := w.Certs[i]
			var issuer any
			if ce.IssuerOrgID != 0 {
				issuer = ce.IssuerOrgID
			}
			return []any{ce.ID, ce.Number, "skill", ce.PersonID, "430200", ce.Occupation, ce.Level, issuer, w.Assessor.Name, ce.IssuedOn,
				ce.Source, ce.SourceID, ce.Status, now, now}
		}); err != nil {
			return err
		}
		// the assessment plans of the planted evaluation signal: one examiner (the class's
		// teacher) and one candidate each, passed, with the certificate
		if err := load("assessment_plans", []string{"id", "org_id", "county", "occupation_code", "level", "mode", "class_id", "exam_at",
			"venue", "capacity", "pass_theory", "pass_practical", "status", "published_at", "created_at", "updated_at"}, len(w.Plans),
			func(i int) []any {
				p := w.Plans[i]
				return []any{p.ID, w.Assessor.ID, "430200", gen.Occupation, "5", "class", p.ClassID, p.ExamAt, "鉴定中心考场", 60, 600, 600,
					"published", p.ExamAt, now, now}
			}); err != nil {
			return err
		}
		if err := load("plan_examiners", []string{"id", "plan_id", "name", "id_number"}, len(w.Plans), func(i int) []any {
			p := w.Plans[i]
			return []any{p.ExaminerID, p.ID, p.ExaminerName, p.ExaminerIDNo}
		}); err != nil {
			return err
		}
		if err := load("candidates", []string{"id", "plan_id", "person_id", "class_id", "source", "status", "theory", "practical", "result",
			"certificate_id", "created_at", "updated_at"}, len(w.Plans), func(i int) []any {
			p := w.Plans[i]
			return []any{p.CandidateID, p.ID, p.PersonID, p.ClassID, "class", "accepted", 800, 800, "pass", p.CertID, now, now}
		}); err != nil {
			return err
		}
		if err := load("claims", []string{"id", "kind", "org_id", "class_id", "county", "status", "total_fen", "line_count",
			"payable_count", "submitted_at", "created_by", "created_at", "updated_at"}, len(w.Classes), func(i int) []any {
			c := w.Classes[i]
			n := 0
			for _, tr := range c.Trainees {
				if !tr.NoLine {
					n++
				}
			}
			for _, l := range w.ExtraLines {
				if l.ClaimID == c.ClaimID {
					n++
				}
			}
			return []any{c.ClaimID, "institution", w.Orgs[c.Org].ID, c.ID, w.Orgs[c.Org].County, "submitted", int64(n) * 150000, n, n,
				now, "gen", now, now}
		}); err != nil {
			return err
		}
		lineCols := []string{"id", "claim_id", "person_id", "trainee_id", "certificate_id", "occupation_code", "level", "amount_fen",
			"payable", "trace", "status", "digest", "created_at", "updated_at"}
		if err := load("claim_lines", lineCols, len(lines), func(i int) []any {
			c := w.Classes[lines[i].c]
			tr := c.Trainees[lines[i].i]
			var cert any
			if tr.CertID != 0 {
				cert = tr.CertID
			}
			return []any{tr.LineID, c.ClaimID, w.Persons[tr.Person].ID, tr.ID, cert, c.Occupation, c.Level, tr.AmountFen, true, "[]",
				"submitted", tr.Digest, now, now}
		}); err != nil {
			return err
		}
		if err := load("claim_lines", lineCols, len(w.ExtraLines), func(i int) []any {
			l := w.ExtraLines[i]
			return []any{l.ID, l.ClaimID, l.PersonID, nil, l.CertID, l.Occupation, l.Level, l.AmountFen, true, "[]", "submitted",
				l.Digest, now, now}
		}); err != nil {
			return err
		}
		return tx.Audit("gen.load", "city_year", w.Seed, w.Region, map[string]any{"classes": len(w.Classes), "lines": w.Lines(),
			"events": len(w.Events)})
	})
}

// cityDB is a new, migrated database of an engine, removed afterwards; nil when PostgreSQL is
// not configured.
func cityDB(tb testing.TB, engine Engine) *DB {
	if b, ok := tb.(*testing.B); ok {
		return benchDB(b, engine)
	}
	ctx := context.Background()
	if engine == SQLite {
		db, err := Open(ctx, filepath.Join(tb.TempDir(), "p2.db"))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			tb.Fatal(err)
		}
		return db
	}
	base := os.Getenv("XIANGPEI_TEST_PG")
	if base == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("CI=true needs XIANGPEI_TEST_PG")
		}
		return nil
	}
	admin, err := sql.Open("pgx", base+" dbname=postgres")
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("xp_p2_%d", xiangpei.NewID())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		tb.Fatal(err)
	}
	db, err := Open(ctx, base+" dbname="+name)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		db.Close()
		if a, err := sql.Open("pgx", base+" dbname=postgres"); err == nil {
			_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	if err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return db
}

// p2Admin runs the audit in the benchmark and the planted test.
var p2Admin = xiangpei.Actor{Name: "p2", Role: xiangpei.RoleAdmin}

// auditCityYear runs the audit over the city-year's region and year as the run page does
// (StartAuditRun, then RunAudit) and returns the run and its findings as "line code", in order.
func auditCityYear(ctx context.Context, db *DB, w *gen.CityYear) (AuditRun, []string, error) {
	run, err := db.StartAuditRun(ctx, p2Admin, w.Region, w.Year)
	if err != nil {
		return run, nil, err
	}
	if run, err = db.RunAudit(ctx, p2Admin, run.ID); err != nil {
		return run, nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT claim_line_id, code, detail FROM claim_audit_findings WHERE run_id = $1
		ORDER BY claim_line_id, code`, run.ID)
	if err != nil {
		return run, nil, err
	}
	out, err := collect(rows, func(r scanner) (string, error) {
		var line int64
		var code, detail string
		err := r.Scan(&line, &code, &detail)
		return fmt.Sprintf("%d %s %s", line, code, detail), err
	})
	return run, out, err
}

// scanAttendance is QUALITY P2's baseline: one aggregate scan of the attendance table.
func scanAttendance(ctx context.Context, db *DB) (int, error) {
	var n, persons int
	var first, last any // a text on SQLite, a time on PostgreSQL
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT person_id), MIN(at), MAX(at) FROM attendance_events`).
		Scan(&n, &persons, &first, &last)
	return n, err
}

// BenchmarkClaimAuditP2 generates a city-year of about XIANGPEI_P2_LINES claim lines (75,000
// by default) with its attendance (about 12 events a line), loads it on each engine, and times
// the audit run over the region and year (every check, the findings and results written in one
// transaction) against the baseline, an aggregate scan of the attendance table, taken before
// and after the run (the faster counts). It prints both and the ratio (goal ≤ 5×).
func BenchmarkClaimAuditP2(b *testing.B) {
	n := 75_000
	if v, err := strconv.Atoi(os.Getenv("XIANGPEI_P2_LINES")); err == nil && v > 0 {
		n = v
	}
	w := gen.NewCityYear(1, gen.ForLines(n), 2026)
	b.Logf("city-year: %d institutions, %d classes, %d lines, %d events, %d certificates", len(w.Orgs), len(w.Classes), w.Lines(),
		len(w.Events), len(w.Certs))
	for _, engine := range []Engine{SQLite, Postgres} {
		db := cityDB(b, engine)
		if db == nil {
			b.Logf("PostgreSQL skipped: set XIANGPEI_TEST_PG")
			continue
		}
		db.SetClock(func() time.Time { return w.Created.Add(time.Hour) })
		ctx := context.Background()
		t0 := time.Now()
		if err := LoadCityYear(ctx, db, w); err != nil {
			b.Fatal(err)
		}
		tLoad := time.Since(t0)
		if _, err := db.write.ExecContext(ctx, `ANALYZE`); err != nil { // fresh statistics, as after any bulk load
			b.Fatal(err)
		}
		scan := func() time.Duration {
			t := time.Now()
			if _, err := scanAttendance(ctx, db); err != nil {
				b.Fatal(err)
			}
			return time.Since(t)
		}
		s1 := scan()
		t1 := time.Now()
		run, fs, err := auditCityYear(ctx, db, w)
		if err != nil {
			b.Fatal(err)
		}
		d := time.Since(t1)
		s := min(s1, scan())
		fmt.Printf("P2 %-8s lines=%d events=%d load=%.1fs | audit %.2fs (%d pass, %d flag, %d fail, %d findings) | scan of attendance %.0f ms | ratio %.1f×\n",
			engine, run.Lines, len(w.Events), tLoad.Seconds(), d.Seconds(), run.Passed, run.Flagged, run.Failed, len(fs),
			float64(s.Microseconds())/1000, d.Seconds()/s.Seconds())
		// where the time goes: each step of the run again, read-only, then the write
		a := &auditor{ctx: ctx, q: db.read, db: db, sel: AuditSelection{Region: w.Region, Year: w.Year}, rules: db.Rules()}
		var steps []string
		for _, step := range a.steps() {
			t := time.Now()
			if err := step.run(); err != nil {
				b.Fatal(err)
			}
			if e := time.Since(t); e > 50*time.Millisecond {
				steps = append(steps, fmt.Sprintf("%s %.2fs", step.name, e.Seconds()))
			}
		}
		fmt.Printf("P2 %-8s steps over 50 ms: %s\n", engine, strings.Join(steps, ", "))
		b.ReportMetric(d.Seconds(), string(engine)+"-audit-s")
		b.ReportMetric(d.Seconds()/s.Seconds(), string(engine)+"-×scan")
	}
}
