package store_test

import (
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// auditOfficer reviews claims in 天元区.
var caOfficer = xiangpei.Actor{AccountID: 21, Name: "ty_claims", Role: xiangpei.RoleOfficer, Region: "430211",
	Duties: xiangpei.Duties{xiangpei.DutyClaimReview1}}

// caSubmittedClaim is the claim world's class claim, created and submitted (which audits it).
func caSubmittedClaim(t *testing.T, x *claimWorld) xiangpei.Claim {
	t.Helper()
	k, err := x.create(x.w.InstA, x.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	k, err = store.Do(context.Background(), x.db, x.w.InstA, func(tx *store.Tx) (xiangpei.Claim, error) {
		return tx.SubmitClaim(x.w.InstA.Scope(), k.ID, k.Version)
	})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func caLines(t *testing.T, db *store.DB, claimID int64) map[int64]xiangpei.ClaimLine {
	t.Helper()
	ls, _, err := db.ClaimLines(context.Background(), xiangpei.Scope{All: true}, claimID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]xiangpei.ClaimLine{}
	for _, l := range ls {
		out[l.PersonID] = l
	}
	return out
}

func caRun(t *testing.T, db *store.DB) (store.AuditRun, []store.AuditFindingRow) {
	t.Helper()
	ctx := context.Background()
	run, err := db.StartAuditRun(ctx, caOfficer, "430211", 2026)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != "running" || run.ChecksTotal == 0 {
		t.Fatalf("started run %+v", run)
	}
	if run, err = db.RunAudit(ctx, caOfficer, run.ID); err != nil {
		t.Fatal(err)
	}
	fs, n, err := db.AuditFindings(ctx, caOfficer.Scope(), run.ID, "", store.Page{Limit: 500})
	if err != nil || n != len(fs) {
		t.Fatal(err, n, len(fs))
	}
	return run, fs
}

func caCount(fs []store.AuditFindingRow) map[string]int {
	n := map[string]int{}
	for _, f := range fs {
		n[f.Code]++
	}
	return n
}

// TestClaimAuditCatchesPlanted: the audit on submission passes clean lines and fails the line
// without a certificate; then problems planted a known number of times (hand-edited digest, bad
// check digit, shared phone, own staff, revoked certificate, insurance record, copied check-in
// times, sanction, below-threshold attendance) are each found exactly that many times by a
// region run, the clean line passing while it is clean; the run is deterministic, and another
// county's officer cannot see it.
func TestClaimAuditCatchesPlanted(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			rules := xiangpei.DefaultRules()
			rules.CopiedTimeMinPeople = 10 // the world's imports check in at the very same second
			db.SetRules(rules)
			x := newClaimWorld(t, db)
			k := caSubmittedClaim(t, x)
			p0, p1, p2 := x.persons[0], x.persons[1], x.persons[2]
			ls := caLines(t, db, k.ID)
			if ls[p0.ID].Audit != xiangpei.AuditPass || ls[p1.ID].Audit != xiangpei.AuditPass || ls[p2.ID].Audit != xiangpei.AuditFail {
				t.Fatalf("after submission: %q %q %q", ls[p0.ID].Audit, ls[p1.ID].Audit, ls[p2.ID].Audit)
			}
			if got := ls[p2.ID].AuditReasons; !reflect.DeepEqual(got, []string{"claimaudit.check.cert_missing"}) {
				t.Fatalf("reasons of the line without certificate: %v", got)
			}
			fs, err := db.LineFindings(ctx, x.w.InstA.Scope(), k.ID)
			if err != nil || len(fs) != 1 || fs[0].Code != xiangpei.CheckCertMissing || fs[0].LineID != ls[p2.ID].ID {
				t.Fatalf("line findings %+v %v", fs, err)
			}

			// plant problems
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(db.Exec(ctx, `UPDATE claim_lines SET amount_fen = amount_fen + 100 WHERE id = $1`, ls[p1.ID].ID))
			bad := string(p2.IDNumber[:17]) + "0"
			if xiangpei.IDDigitOK(xiangpei.IDNumber(bad)) {
				bad = string(p2.IDNumber[:17]) + "1"
			}
			must(db.Exec(ctx, `UPDATE persons SET id_number = $2 WHERE id = $1`, p2.ID, bad))
			must(db.Exec(ctx, `UPDATE persons SET phone = $2 WHERE id = $1`, p1.ID, p2.Phone))
			must(db.Exec(ctx, `INSERT INTO insurance_records (id, person_id, employer, full_time, starts_on, ends_on, imported_at)
				VALUES ($1, $2, '株洲某厂', TRUE, '2026-01-01', '', $3)`, xiangpei.NewID(), p2.ID, time.Now().UTC()))
			must(db.Tx(ctx, x.w.Admin, func(tx *store.Tx) error {
				if _, err := tx.AddTeacher(xiangpei.Scope{All: true}, xiangpei.Teacher{OrgID: x.w.Inst.ID, Name: "李学员",
					IDNumber: p1.IDNumber, Qualification: "讲师"}); err != nil {
					return err
				}
				c := x.certs[p1.ID]
				_, err := tx.RevokeCertificate(xiangpei.Scope{All: true}, c.ID, c.Version, "伪造")
				return err
			}))

			run, got := caRun(t, db)
			want := map[string]int{xiangpei.CheckDigest: 1, xiangpei.CheckIDDigit: 1, xiangpei.CheckSharedPhone: 2,
				xiangpei.CheckOwnStaff: 1, xiangpei.CheckCertRevoked: 1, xiangpei.CheckEmployedElsewhere: 1, xiangpei.CheckCertMissing: 1}
			if n := caCount(got); !reflect.DeepEqual(n, want) {
				t.Fatalf("findings by code %v, want %v", n, want)
			}
			if run.Lines != 3 || run.Passed != 1 || run.Failed != 2 || run.Findings != 8 || run.Status != "done" || run.Percent() != 100 {
				t.Fatalf("run %+v", run)
			}
			if !reflect.DeepEqual(run.NoData, []string{xiangpei.CheckNameRegistry}) {
				t.Fatalf("no data %v", run.NoData)
			}
			ls = caLines(t, db, k.ID)
			if ls[p0.ID].Audit != xiangpei.AuditPass || ls[p1.ID].Audit != xiangpei.AuditFail || ls[p2.ID].Audit != xiangpei.AuditFail {
				t.Fatalf("results %q %q %q", ls[p0.ID].Audit, ls[p1.ID].Audit, ls[p2.ID].Audit)
			}
			if ls[p1.ID].Intact() {
				t.Fatal("the hand-edited line reads as intact")
			}
			// counts by code, in catalogue order
			counts, err := db.AuditRunCounts(ctx, caOfficer.Scope(), run.ID)
			must(err)
			if len(counts) != len(want) || counts[0].Code != xiangpei.CheckIDDigit {
				t.Fatalf("counts %+v", counts)
			}

			// determinism: the same data gives the same findings in the same order
			_, again := caRun(t, db)
			strip := func(fs []store.AuditFindingRow) []store.AuditFindingRow {
				out := append([]store.AuditFindingRow(nil), fs...)
				for i := range out {
					out[i].RunID = 0
				}
				return out
			}
			if !reflect.DeepEqual(strip(got), strip(again)) {
				t.Fatalf("two runs differ:\n%+v\n%+v", got, again)
			}
			// the previous run's findings of those lines were replaced
			if _, n, _ := db.AuditFindings(ctx, caOfficer.Scope(), run.ID, "", store.Page{}); n != 0 {
				t.Fatalf("the first run still holds %d findings", n)
			}

			// class-wide problems: a suspension during the class, copied check-in times,
			// and a trainee whose attendance is below the threshold
			must(db.Tx(ctx, x.w.Admin, func(tx *store.Tx) error {
				_, err := tx.AddSanction(xiangpei.Scope{All: true}, xiangpei.SanctionEntry{OrgID: x.w.Inst.ID, Kind: "suspend",
					Reason: "违规开班弄虚作假", Evidence: "株人社检〔2026〕12号", StartsOn: "2026-11-01", EndsOn: "2026-11-30", DecidedBy: 1})
				return err
			}))
			must(db.Exec(ctx, `UPDATE trainees SET attended_minutes = 60 WHERE id = $1`, ls[p0.ID].TraineeID))
			rules.CopiedTimeMinPeople = 3
			db.SetRules(rules)
			_, got = caRun(t, db)
			n := caCount(got)
			if n[xiangpei.CheckSanctioned] != 3 || n[xiangpei.AnomalyCopiedTimes] != 3 || n[xiangpei.CheckBelowThreshold] != 1 {
				t.Fatalf("class-wide findings %v", n)
			}

			// scope: another county's officer does not see the run; staff cannot start one
			other := xiangpei.Actor{Name: "ht_claims", Role: xiangpei.RoleOfficer, Region: "430202", Duties: xiangpei.Duties{xiangpei.DutyClaimReview1}}
			if _, err := db.AuditRun(ctx, other.Scope(), run.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("foreign run: %v", err)
			}
			if _, _, err := db.AuditFindings(ctx, other.Scope(), run.ID, "", store.Page{}); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("foreign findings: %v", err)
			}
			if _, err := db.StartAuditRun(ctx, other, "430211", 2026); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("foreign region: %v", err)
			}
			if _, err := db.StartAuditRun(ctx, x.w.InstA, "430211", 2026); !xiangpei.IsKind(err, xiangpei.Forbidden) {
				t.Fatalf("staff run: %v", err)
			}
		})
	}
}

// caWorld is the claim world submitted, with copied check-in times ignored (every import of the
// world checks in at the very same second).
func caWorld(t *testing.T, db *store.DB, tune func(*xiangpei.Rules)) (*claimWorld, xiangpei.Claim, map[int64]xiangpei.ClaimLine) {
	t.Helper()
	rules := xiangpei.DefaultRules()
	rules.CopiedTimeMinPeople = 10
	if tune != nil {
		tune(&rules)
	}
	db.SetRules(rules)
	x := newClaimWorld(t, db)
	k := caSubmittedClaim(t, x)
	return x, k, caLines(t, db, k.ID)
}

// TestClaimAuditCertificatesAndClass: certificates of another occupation, issued before the
// class ended, unknown to their issuing body; a trainee too old; a class outside the
// institution's scope, filed late and over capacity — each found as often as planted.
func TestClaimAuditCertificatesAndClass(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			x, _, ls := caWorld(t, db, nil)
			p0, p1 := x.persons[0], x.persons[1]
			old17 := "430211195001010" + string(p0.IDNumber[15:17])
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`UPDATE certificates SET occupation_code = '6-18-02-04' WHERE id = $1`, []any{x.certs[p0.ID].ID}},
				{`UPDATE certificates SET issued_on = '2026-11-01', source_id = 987654 WHERE id = $1`, []any{x.certs[p1.ID].ID}},
				{`UPDATE persons SET id_number = $2 WHERE id = $1`, []any{p0.ID, old17 + string(xiangpei.IDCheckDigit(old17))}},
				{`DELETE FROM org_scopes WHERE org_id = $1 AND occupation_code = '4-10-01-05' AND level = '5'`, []any{x.w.Inst.ID}},
				{`UPDATE classes SET late = TRUE, capacity = 2 WHERE id = $1`, []any{x.c.ID}},
			} {
				if err := db.Exec(ctx, q.sql, q.args...); err != nil {
					t.Fatal(err)
				}
			}
			_, got := caRun(t, db)
			want := map[string]int{xiangpei.CheckCertMismatch: 1, xiangpei.CheckCertTiming: 1, xiangpei.CheckCertUnknown: 1,
				xiangpei.CheckAge: 1, xiangpei.CheckOutsideScope: 3, xiangpei.CheckClassFiling: 3, xiangpei.CheckOverCapacity: 3,
				xiangpei.CheckCertMissing: 1}
			if n := caCount(got); !reflect.DeepEqual(n, want) {
				t.Fatalf("findings by code %v, want %v", n, want)
			}
			for _, f := range got {
				if f.Code == xiangpei.CheckAge && f.LineID != ls[p0.ID].ID {
					t.Fatalf("age found on line %d", f.LineID)
				}
			}
		})
	}
}

// TestClaimAuditDuplicatesOverlapsAttendance: a person twice in one claim, an earlier subsidy of
// the same occupation and level, the yearly count, a trainee in two overlapping classes, the
// teacher in two places at once, and attendance anomalies (outside the window, outside the
// geofence, one personal phone for two people, impossible travel) — each found as often as planted.
func TestClaimAuditDuplicatesOverlapsAttendance(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			x, k, ls := caWorld(t, db, nil)
			p0, p1 := x.persons[0], x.persons[1]
			now := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			// p0 twice in the claim (the copy has no certificate and no digest)
			must(db.Exec(ctx, `INSERT INTO claim_lines (id, claim_id, person_id, occupation_code, level, amount_fen, payable, trace,
				status, digest, created_at, updated_at) VALUES ($1, $2, $3, '4-10-01-05', '5', 0, FALSE, '[]', 'submitted', 'x', $4, $4)`,
				xiangpei.NewID(), k.ID, p0.ID, now))
			// p1 already subsidised by an earlier person claim of 荷塘区 (outside the run)
			other := xiangpei.NewID()
			must(db.Exec(ctx, `INSERT INTO claims (id, kind, person_id, certificate_id, county, status, created_by, created_at, updated_at)
				VALUES ($1, 'person', $2, $3, '430202', 'approved', 'x', $4, $4)`, other, p1.ID, x.certs[p1.ID].ID, now))
			must(db.Exec(ctx, `INSERT INTO claim_lines (id, claim_id, person_id, occupation_code, level, amount_fen, payable, trace,
				status, digest, created_at, updated_at) VALUES ($1, $2, $3, '4-10-01-05', '4', 100, TRUE, '[]', 'approved', 'x', $4, $4)`,
				xiangpei.NewID(), other, p1.ID, now))
			// a second class of the institution at the first class's first session's time, in
			// another place, taught by the same teacher, with p0 on its roster
			c2 := x.w.ApprovedClass(t, 10, 2)
			s0 := x.c.Sessions[0]
			must(db.Exec(ctx, `UPDATE class_sessions SET starts_at = $2, ends_at = $3, venue_id = $4 WHERE class_id = $1 AND seq = 1`,
				c2.ID, s0.Starts.UTC(), s0.Ends.UTC(), x.w.OVenue.ID))
			must(db.Exec(ctx, `INSERT INTO trainees (id, class_id, person_id, source, status, subsidised, occupation_code, level, year,
				added_by, added_at, updated_at) VALUES ($1, $2, $3, 'manual', 'enrolled', TRUE, '4-10-01-05', '5', 2026, 1, $4, $4)`,
				xiangpei.NewID(), c2.ID, p0.ID, now))
			// attendance: p0 checked in far from the venue at session 1; p1 checked in two hours
			// early at session 2; p0 and p1 checked in from one personal phone at session 3
			ev := func(session int, p xiangpei.Person) string {
				return `WHERE session_id = ` + itoa(x.c.Sessions[session].ID) +
					` AND person_id = ` + itoa(p.ID) + ` AND kind = 'in'`
			}
			must(db.Exec(ctx, `UPDATE attendance_events SET lat = 28.5, lng = 113.9 `+ev(1, p0)))
			must(db.Exec(ctx, `UPDATE attendance_events SET at = $1 `+ev(2, p1), x.c.Sessions[2].Starts.Add(-2*time.Hour).UTC()))
			must(db.Exec(ctx, `UPDATE attendance_events SET device = 'phone-1', terminal = FALSE `+ev(3, p0)))
			must(db.Exec(ctx, `UPDATE attendance_events SET device = 'phone-1', terminal = FALSE `+ev(3, p1)))
			// p1 checked in at session 4 from Beijing, three hours before checking out at the venue
			must(db.Exec(ctx, `UPDATE attendance_events SET lat = 39.9, lng = 116.4 `+ev(4, p1)))

			rules := db.Rules()
			rules.YearlySubsidies = 0 // every payable line of the year is over the count
			db.SetRules(rules)
			_, got := caRun(t, db)
			want := map[string]int{xiangpei.CheckTwiceInClaim: 2, xiangpei.CheckDigest: 1, xiangpei.CheckCertMissing: 2,
				xiangpei.CheckAlreadySubsidised: 1, xiangpei.CheckYearlyCount: 2, xiangpei.CheckTraineeOverlap: 1,
				xiangpei.CheckTeacherOverlap: 3, xiangpei.AnomalyOutsideGeofence: 2, xiangpei.AnomalyOutsideWindow: 1,
				xiangpei.AnomalyImpossibleTravel: 1,
				xiangpei.AnomalySharedDevice:     2}
			if n := caCount(got); !reflect.DeepEqual(n, want) {
				t.Fatalf("findings by code %v, want %v", n, want)
			}
			for _, f := range got {
				if f.Code == xiangpei.CheckAlreadySubsidised && f.LineID != ls[p1.ID].ID {
					t.Fatalf("already subsidised found on line %d", f.LineID)
				}
			}
		})
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
