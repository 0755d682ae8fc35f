package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

var (
	fuCounty = xiangpei.Actor{AccountID: 801, Name: "ty_fu", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyRegistry}}
	fuOther  = xiangpei.Actor{AccountID: 802, Name: "ht_fu", Role: xiangpei.RoleOfficer, Region: "430202", Duties: xiangpei.Duties{xiangpei.DutyRegistry}}
	fuNoDuty = xiangpei.Actor{AccountID: 803, Name: "ty_pay", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyPayment}}
)

// fuCode is a valid credit code of an employer not on the platform, registered in 天元区.
func fuCode(i int) string {
	c17 := fmt.Sprintf("91430211MA4L%05d", i)
	return c17 + string(xiangpei.CreditCheckChar(c17))
}

type fuWorld struct {
	w       *storetest.Training
	db      *store.DB
	persons []xiangpei.Person
	classes map[string]xiangpei.Class
	ends    map[string]time.Time
}

// newFollowUpWorld: six adults of 天元区; class A ended 2026-03-10 (p0–p3, window closed on the
// clock of 2026-11-02), class B ended 2025-04-15 (p1, p4, p5: last year), class C ended
// 2026-08-20 (p5: window still open). Classes are closed and trainees completed by hand.
func newFollowUpWorld(t *testing.T, db *store.DB) *fuWorld {
	t.Helper()
	w := storetest.NewTraining(t, db)
	x := &fuWorld{w: w, db: db, persons: adults(t, db, w.Admin, 1, 6), classes: map[string]xiangpei.Class{}, ends: map[string]time.Time{
		"A": time.Date(2026, 3, 10, 17, 0, 0, 0, xiangpei.ChinaTime),
		"B": time.Date(2025, 4, 15, 17, 0, 0, 0, xiangpei.ChinaTime),
		"C": time.Date(2026, 8, 20, 17, 0, 0, 0, xiangpei.ChinaTime),
	}}
	members := map[string][]int{"A": {0, 1, 2, 3}, "B": {1, 4, 5}, "C": {5}}
	occupations := map[string][2]string{"A": {"4-10-01-05", "5"}, "B": {"6-18-02-04", "5"}, "C": {"4-10-01-05", "4"}}
	for i, name := range []string{"A", "B", "C"} {
		in := w.ClassInput(t, w.Now().AddDate(0, 0, 10+10*i), 2)
		in.OccupationCode, in.Level = occupations[name][0], occupations[name][1]
		var c xiangpei.Class
		err := db.Tx(context.Background(), w.InstA, func(tx *store.Tx) error {
			var err error
			c, err = tx.CreateClass(w.InstA.Scope(), w.Inst.ID, in)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		c = w.Move(t, w.InstA, c, xiangpei.ClassSubmit, xiangpei.ClassApprove)
		err = db.Tx(context.Background(), w.InstA, func(tx *store.Tx) error {
			for _, pi := range members[name] {
				if _, err := tx.AddTrainee(xiangpei.Scope{All: true}, c.ID, x.persons[pi].ID, xiangpei.SourceManual); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := db.Exec(ctx, `UPDATE classes SET status = 'closed', last_session = $2 WHERE id = $1`, c.ID, x.ends[name].UTC()); err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(ctx, `UPDATE trainees SET status = 'completed' WHERE class_id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		x.classes[name] = c
	}
	if _, err := store.Do(context.Background(), db, w.Admin, func(tx *store.Tx) (xiangpei.KeyGroupMembership, error) {
		return tx.AddKeyGroup(xiangpei.Scope{All: true}, xiangpei.KeyGroupMembership{PersonID: x.persons[0].ID, Group: "migrant", Evidence: "务工证明"})
	}); err != nil {
		t.Fatal(err)
	}
	return x
}

func (x *fuWorld) enter(t *testing.T, a xiangpei.Actor, pi int, in store.EmploymentEntry) (store.EmploymentRow, error) {
	t.Helper()
	p := x.persons[pi]
	in.IDNumber, in.Name = string(p.IDNumber), p.Name
	if in.County == "" {
		in.County = "430211"
	}
	return store.Do(context.Background(), x.db, a, func(tx *store.Tx) (store.EmploymentRow, error) { return tx.EnterEmployment(a.Scope(), in) })
}

func (x *fuWorld) report(t *testing.T, pi int, in store.EmploymentEntry) (store.EmploymentRow, error) {
	t.Helper()
	a := xiangpei.Actor{Name: "p", Role: xiangpei.RolePerson, PersonID: x.persons[pi].ID}
	return store.Do(context.Background(), x.db, a, func(tx *store.Tx) (store.EmploymentRow, error) { return tx.ReportEmployment(a.Scope(), in) })
}

func (x *fuWorld) verify(a xiangpei.Actor, id int64) (store.EmploymentRow, error) {
	return store.Do(context.Background(), x.db, a, func(tx *store.Tx) (store.EmploymentRow, error) { return tx.VerifySelfReport(a.Scope(), id) })
}

func fuCount(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	out, err := db.QueryStrings(context.Background(), `SELECT CAST(COUNT(*) AS TEXT) `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	fmt.Sscan(out[0], &n)
	return n
}

// TestEmploymentSelfReportAndVerify: a person's report is checked field by field and stored
// unverified; officers of another county cannot reach it, officers without the registry duty
// cannot verify; of two verifications at once exactly one wins; an officer's entry is verified
// as made and checks the person's ID number and name within the region.
func TestEmploymentSelfReportAndVerify(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newFollowUpWorld(t, db)
			good := store.EmploymentEntry{EmployerName: "株洲某物流公司", CreditCode: fuCode(1), Occupation: "仓储管理员", County: "430211", StartsOn: "2026-04-01", FullTime: true}
			bad := []struct {
				change func(*store.EmploymentEntry)
				key    string
			}{
				{func(e *store.EmploymentEntry) { e.County = "4302" }, "followup.county"},
				{func(e *store.EmploymentEntry) { e.StartsOn = "2026/04/01" }, "followup.date"},
				{func(e *store.EmploymentEntry) { e.StartsOn = "" }, "employment.start_missing"},
				{func(e *store.EmploymentEntry) { e.EndsOn = "2026-03-01" }, "employment.ends_before_start"},
				{func(e *store.EmploymentEntry) { e.EmployerName, e.CreditCode = "", "" }, "employment.employer_missing"},
				{func(e *store.EmploymentEntry) { e.CreditCode = fuCode(1)[:17] + "0" }, "followup.credit_check"},
				{func(e *store.EmploymentEntry) { e.StartsOn = "2027-06-01" }, "followup.start_far"},
			}
			for _, b := range bad {
				in := good
				b.change(&in)
				_, err := x.report(t, 1, in)
				wantKind(t, b.key, err, xiangpei.Invalid, b.key)
			}
			if n := fuCount(t, db, `FROM employment_records`); n != 0 {
				t.Fatalf("refused reports wrote %d records", n)
			}
			r, err := x.report(t, 1, good)
			if err != nil {
				t.Fatal(err)
			}
			if r.Verified || r.Source != xiangpei.EmploymentSelf || r.PersonID != x.persons[1].ID || r.MaskedID == string(x.persons[1].IDNumber) {
				t.Fatalf("self-report %+v", r)
			}
			_, err = x.verify(fuOther, r.ID)
			wantKind(t, "another county", err, xiangpei.NotFound, "")
			_, err = x.verify(fuNoDuty, r.ID)
			wantKind(t, "no duty", err, xiangpei.Forbidden, "followup.duty")
			list, n, err := db.EmploymentRecords(context.Background(), fuCounty.Scope(), store.EmploymentFilter{Unverified: true}, store.Page{Limit: 10})
			if err != nil || n != 1 || list[0].ID != r.ID {
				t.Fatalf("waiting list: %v %d %v", list, n, err)
			}
			if _, n, _ := db.EmploymentRecords(context.Background(), fuOther.Scope(), store.EmploymentFilter{}, store.Page{Limit: 10}); n != 0 {
				t.Fatalf("another county lists %d records", n)
			}

			// two officers verify at once: exactly one wins
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = x.verify(fuCounty, r.ID)
				}()
			}
			wg.Wait()
			wins := 0
			for _, err := range errs {
				if err == nil {
					wins++
				} else {
					wantKind(t, "the losing verification", err, xiangpei.Conflict, "followup.already_verified")
				}
			}
			if wins != 1 {
				t.Fatalf("%d verifications won: %v", wins, errs)
			}
			got, err := db.EmploymentRecord(context.Background(), fuCounty.Scope(), r.ID)
			if err != nil || !got.Verified || got.VerifiedAt.IsZero() {
				t.Fatalf("after verification: %+v %v", got, err)
			}

			// an officer's entry
			in := good
			in.IDNumber, in.Name = string(x.persons[2].IDNumber), "别人"
			_, err = store.Do(context.Background(), db, fuCounty, func(tx *store.Tx) (store.EmploymentRow, error) { return tx.EnterEmployment(fuCounty.Scope(), in) })
			wantKind(t, "wrong name", err, xiangpei.Invalid, "followup.person_name")
			_, err = x.enter(t, fuOther, 2, good)
			wantKind(t, "a person of another county", err, xiangpei.Invalid, "followup.person_unknown")
			_, err = x.enter(t, fuNoDuty, 2, good)
			wantKind(t, "no duty", err, xiangpei.Forbidden, "followup.duty")
			e, err := x.enter(t, fuCounty, 2, good)
			if err != nil || !e.Verified || e.Source != xiangpei.EmploymentOfficer {
				t.Fatalf("officer's entry %+v %v", e, err)
			}
			_, err = x.verify(fuCounty, e.ID)
			wantKind(t, "verify an officer's entry", err, xiangpei.Conflict, "followup.not_self_report")
			recs, err := db.EmploymentRecordsOf(context.Background(), xiangpei.Scope{PersonID: x.persons[2].ID}, x.persons[2].ID)
			if err != nil || len(recs) != 1 || recs[0].ID != e.ID {
				t.Fatalf("the person's record: %v %v", recs, err)
			}
			if n := fuCount(t, db, `FROM audit_log WHERE action IN ('employment.self_report','employment.verify','employment.enter')`); n != 3 {
				t.Fatalf("audit entries: %d", n)
			}
		})
	}
}

func fuLine(line int, p xiangpei.Person, code, month, kind string) store.InsuranceLine {
	return store.InsuranceLine{Line: line, IDNumber: string(p.IDNumber), Name: p.Name, Employer: "株洲某物流公司", CreditCode: code,
		Month: month, Kind: kind, Base: "4,500.00"}
}

func fuImport(t *testing.T, db *store.DB, a xiangpei.Actor, name string, lines []store.InsuranceLine) (store.InsuranceCheck, store.Upload, error) {
	t.Helper()
	var data strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&data, "%s,%s,%s,%s,%s,%s,%s\n", l.IDNumber, l.Name, l.Employer, l.CreditCode, l.Month, l.Kind, l.Base)
	}
	type out struct {
		ic store.InsuranceCheck
		u  store.Upload
	}
	o, err := store.Do(context.Background(), db, a, func(tx *store.Tx) (out, error) {
		u, err := tx.SaveUpload(store.Upload{Purpose: store.UploadInsurance, Name: name, Data: []byte(data.String())})
		if err != nil {
			return out{}, err
		}
		ic, err := tx.CheckInsuranceImport(a.Scope(), u.SHA256, lines)
		if err != nil {
			return out{}, err
		}
		return out{ic, u}, tx.RecordInsuranceCheck(u, ic)
	})
	return o.ic, o.u, err
}

func fuCommit(db *store.DB, a xiangpei.Actor, u store.Upload, lines []store.InsuranceLine) (store.InsuranceImported, error) {
	return store.Do(context.Background(), db, a, func(tx *store.Tx) (store.InsuranceImported, error) {
		return tx.CommitInsuranceImport(a.Scope(), u.ID, lines)
	})
}

// TestInsuranceImport: the dry run names every bad row by line with its reason; a half-bad
// file commits nothing; a good one turns consecutive months into one verified spell (full-time
// with pension) in employment_records and insurance_records under one id and verifies the
// matching self-report; the same file again is refused; a later file with overlapping months
// extends the spell and merges across a filled gap without duplicating anything.
func TestInsuranceImport(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newFollowUpWorld(t, db)
			p0, p1 := x.persons[0], x.persons[1]
			code := fuCode(7)
			self, err := x.report(t, 0, store.EmploymentEntry{EmployerName: "物流公司", CreditCode: code, County: "430211", StartsOn: "2026-02-15"})
			if err != nil {
				t.Fatal(err)
			}
			stranger := xiangpei.Person{IDNumber: xiangpei.IDNumber("43021119900101999" + string(xiangpei.IDCheckDigit("43021119900101999"))), Name: "无此人"}
			badID := p1
			badID.IDNumber = p1.IDNumber[:17] + "0"
			if string(badID.IDNumber) == string(p1.IDNumber) {
				badID.IDNumber = p1.IDNumber[:17] + "1"
			}
			misnamed := p1
			misnamed.Name = "张冠李戴"
			lines := []store.InsuranceLine{
				fuLine(2, p0, code, "202601", "养老"),
				fuLine(3, badID, code, "202601", "养老"),
				fuLine(4, stranger, code, "202601", "养老"),
				fuLine(5, misnamed, code, "202601", "养老"),
				fuLine(6, p1, code, "202613", "养老"),
				fuLine(7, p0, code, "202601", "养老保险"),
				fuLine(8, p1, code, "202601", "住房公积金"),
				fuLine(9, p1, code, "203001", "医疗"),
			}
			ic, u, err := fuImport(t, db, fuCounty, "half.csv", lines)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int]string{3: "followup.import_bad_id", 4: "followup.import_unknown", 5: "followup.import_name", 6: "followup.import_month",
				7: "followup.import_duplicate", 8: "followup.import_kind", 9: "followup.import_month"}
			if ic.Good != 1 || ic.Refused != len(want) {
				t.Fatalf("check: good %d refused %d", ic.Good, ic.Refused)
			}
			for _, l := range ic.Lines {
				k, bad := want[l.Line]
				if bad != (len(l.Reasons) > 0) || (bad && l.Reasons[0].Key != k) {
					t.Errorf("line %d: reasons %v, want %q", l.Line, l.Reasons, k)
				}
			}
			_, err = fuCommit(db, fuCounty, u, lines)
			wantKind(t, "half-bad file", err, xiangpei.Invalid, "followup.import_has_bad_rows")
			for _, q := range []string{`FROM insurance_imports`, `FROM insurance_contributions`, `FROM insurance_records`,
				`FROM employment_records WHERE source = 'insurance_import'`} {
				if n := fuCount(t, db, q); n != 0 {
					t.Fatalf("a refused file wrote %d rows %s", n, q)
				}
			}
			_, _, err = fuImport(t, db, fuNoDuty, "half.csv", lines)
			wantKind(t, "no duty", err, xiangpei.Forbidden, "followup.duty")
			ic, _, _ = fuImport(t, db, fuOther, "other.csv", lines[:1])
			if ic.Refused != 1 || ic.Lines[0].Reasons[0].Key != "followup.import_unknown" {
				t.Fatalf("a person outside the officer's region: %+v", ic.Lines)
			}

			// a good file: Jan–Mar pension and medical, May medical only (a gap in April)
			var good []store.InsuranceLine
			for _, m := range []string{"202601", "202602", "202603"} {
				good = append(good, fuLine(len(good)+2, p0, code, m, "养老"), fuLine(len(good)+3, p0, code, m, "医疗"))
			}
			good = append(good, fuLine(len(good)+2, p0, code, "2026-05", "医疗"), fuLine(len(good)+3, p1, fuCode(8), "202603", "失业"))
			ic, u, err = fuImport(t, db, fuCounty, "jan-may.csv", good)
			if err != nil || ic.Refused != 0 || ic.Good != len(good) {
				t.Fatalf("good file: %+v %v", ic, err)
			}
			res, err := fuCommit(db, fuCounty, u, good)
			if err != nil {
				t.Fatal(err)
			}
			if res.NewMonths != len(good) || res.Spells != 3 || res.Verified != 1 {
				t.Fatalf("import result %+v", res)
			}
			_, err = fuCommit(db, fuCounty, u, good)
			wantKind(t, "second commit of the upload", err, xiangpei.Conflict, "upload.committed")
			_, _, err = fuImport(t, db, fuCounty, "jan-may-again.csv", good)
			wantKind(t, "the same file again", err, xiangpei.Conflict, "followup.import_same_file")

			spells := func(pid int64) []string {
				out, err := db.QueryStrings(context.Background(), `SELECT e.starts_on || '/' || e.ends_on || '/' || CASE WHEN e.full_time THEN 'ft' ELSE 'pt' END
					|| '/' || CASE WHEN i.id IS NULL THEN 'no-ir' ELSE i.starts_on || '/' || i.ends_on END
					FROM employment_records e LEFT JOIN insurance_records i ON i.id = e.id
					WHERE e.person_id = $1 AND e.source = 'insurance_import' AND e.verified ORDER BY e.starts_on`, pid)
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			if got := spells(p0.ID); strings.Join(got, " ") != "2026-01-01/2026-03-31/ft/2026-01-01/2026-03-31 2026-05-01/2026-05-31/pt/2026-05-01/2026-05-31" {
				t.Fatalf("spells after the first file: %v", got)
			}
			if r, _ := db.EmploymentRecord(context.Background(), fuCounty.Scope(), self.ID); !r.Verified {
				t.Fatal("the matching self-report was not verified")
			}

			// a later file overlaps March–May and fills April: one spell Jan–Jun, nothing duplicated
			var later []store.InsuranceLine
			for _, m := range []string{"202603", "202604", "202605", "202606"} {
				later = append(later, fuLine(len(later)+2, p0, code, m, "养老"))
			}
			ic, u, err = fuImport(t, db, fuCounty, "mar-jun.csv", later)
			if err != nil || ic.Known != 1 || ic.Good != 4 {
				t.Fatalf("later file: %+v %v", ic, err)
			}
			if res, err = fuCommit(db, fuCounty, u, later); err != nil || res.NewMonths != 3 || res.Known != 1 {
				t.Fatalf("later import %+v %v", res, err)
			}
			if got := spells(p0.ID); strings.Join(got, " ") != "2026-01-01/2026-06-30/ft/2026-01-01/2026-06-30" {
				t.Fatalf("spells after the later file: %v", got)
			}
			if n := fuCount(t, db, `FROM insurance_records WHERE person_id = $1`, p0.ID); n != 1 {
				t.Fatalf("insurance records of p0: %d", n)
			}
			if n := fuCount(t, db, `FROM insurance_contributions WHERE person_id = $1`, p0.ID); n != 10 {
				t.Fatalf("contribution months of p0: %d", n)
			}

			// the same new file checked twice and committed twice at once: exactly one import
			race := []store.InsuranceLine{fuLine(2, p1, fuCode(9), "202607", "养老"), fuLine(3, p1, fuCode(9), "202608", "养老")}
			_, u1, err1 := fuImport(t, db, fuCounty, "race.csv", race)
			_, u2, err2 := fuImport(t, db, fuCounty, "race-copy.csv", race)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			oneWins(t, "two commits of the same file", "followup.import_same_file", func(i int) error {
				_, err := fuCommit(db, fuCounty, []store.Upload{u1, u2}[i], race)
				return err
			})
			if n := fuCount(t, db, `FROM insurance_contributions WHERE person_id = $1 AND credit_code = $2`, p1.ID, fuCode(9)); n != 2 {
				t.Fatalf("months after the race: %d", n)
			}
		})
	}
}

// TestFollowUpsAndRates: the queue lists the due follow-ups of the region's completers from
// the completions (none of another county), with employment already known; recording an
// outcome closes one, employed adds a verified officer's record, a follow-up not yet due or
// recorded twice is refused and of two records at once one wins; the rate report equals the
// domain's EmploymentRatesBy on the same completions and records for every grouping.
func TestFollowUpsAndRates(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newFollowUpWorld(t, db)
			ctx := context.Background()
			type rec struct {
				pi           int
				starts, ends string
			}
			for _, r := range []rec{{0, "2026-05-01", ""}, {1, "2024-06-01", "2025-03-31"}, {2, "2026-09-10", ""}, {3, "2026-09-11", ""},
				{4, "2025-06-01", "2025-12-31"}, {5, "2026-09-01", ""}} {
				if _, err := x.enter(t, fuCounty, r.pi, store.EmploymentEntry{EmployerName: "某公司", StartsOn: r.starts, EndsOn: r.ends, FullTime: true}); err != nil {
					t.Fatalf("record %v: %v", r, err)
				}
			}
			if _, err := x.report(t, 1, store.EmploymentEntry{EmployerName: "自报单位", County: "430211", StartsOn: "2026-04-01"}); err != nil {
				t.Fatal(err)
			}

			tasks, n, err := db.FollowUps(ctx, fuCounty.Scope(), store.Page{Limit: 50})
			if err != nil || n != 8 {
				t.Fatalf("queue: %d %v %+v", n, err, tasks)
			}
			for _, f := range tasks {
				if f.ClassID != x.classes["A"].ID || !f.Overdue {
					t.Errorf("task %+v", f)
				}
				if f.Employed != (f.PersonID == x.persons[0].ID || f.PersonID == x.persons[2].ID || f.PersonID == x.persons[3].ID) {
					t.Errorf("employment known for %s: %v", f.PersonName, f.Employed)
				}
			}
			if _, n, _ := db.FollowUps(ctx, fuOther.Scope(), store.Page{Limit: 50}); n != 0 {
				t.Fatalf("another county's queue has %d", n)
			}
			trainee := func(class string, pi int) int64 {
				for _, f := range tasks {
					if f.ClassID == x.classes[class].ID && f.PersonID == x.persons[pi].ID {
						return f.TraineeID
					}
				}
				out, _ := db.QueryStrings(ctx, `SELECT CAST(id AS TEXT) FROM trainees WHERE class_id = $1 AND person_id = $2`, x.classes[class].ID, x.persons[pi].ID)
				var id int64
				fmt.Sscan(out[0], &id)
				return id
			}
			record := func(a xiangpei.Actor, tid int64, in store.FollowUpInput) error {
				_, err := store.Do(ctx, db, a, func(tx *store.Tx) (int64, error) { return tx.RecordFollowUp(a.Scope(), tid, in) })
				return err
			}
			wantKind(t, "not due", record(fuCounty, trainee("C", 5), store.FollowUpInput{Month: 3, Outcome: store.FollowUpNotEmployed}), xiangpei.Conflict, "followup.not_due")
			wantKind(t, "month 4", record(fuCounty, trainee("A", 3), store.FollowUpInput{Month: 4, Outcome: store.FollowUpNotEmployed}), xiangpei.Invalid, "followup.month")
			wantKind(t, "no outcome", record(fuCounty, trainee("A", 3), store.FollowUpInput{Month: 3}), xiangpei.Invalid, "followup.outcome_bad")
			wantKind(t, "employed without a job", record(fuCounty, trainee("A", 1), store.FollowUpInput{Month: 3, Outcome: store.FollowUpEmployed}),
				xiangpei.Invalid, "followup.county")
			wantKind(t, "another county", record(fuOther, trainee("A", 3), store.FollowUpInput{Month: 3, Outcome: store.FollowUpNotEmployed}), xiangpei.NotFound, "")
			wantKind(t, "no duty", record(fuNoDuty, trainee("A", 3), store.FollowUpInput{Month: 3, Outcome: store.FollowUpNotEmployed}), xiangpei.Forbidden, "followup.duty")
			if n := fuCount(t, db, `FROM follow_up_outcomes`); n != 0 {
				t.Fatalf("refusals wrote %d outcomes", n)
			}
			if err := record(fuCounty, trainee("A", 3), store.FollowUpInput{Month: 3, Outcome: store.FollowUpUnreachable, Note: "电话停机"}); err != nil {
				t.Fatal(err)
			}
			wantKind(t, "recorded twice", record(fuCounty, trainee("A", 3), store.FollowUpInput{Month: 3, Outcome: store.FollowUpNotEmployed}),
				xiangpei.Conflict, "followup.already_recorded")
			// two officers record p1's 6-month follow-up at once: exactly one wins, one record
			oneWins(t, "recording p1's 6-month follow-up", "followup.already_recorded", func(int) error {
				return record(fuCounty, trainee("A", 1), store.FollowUpInput{Month: 6, Outcome: store.FollowUpEmployed,
					Job: store.EmploymentEntry{EmployerName: "回访单位", County: "430211", StartsOn: "2026-08-01", FullTime: true}})
			})
			if n := fuCount(t, db, `FROM employment_records WHERE employer_name = '回访单位' AND verified AND source = 'officer'`); n != 1 {
				t.Fatalf("records from the follow-up: %d", n)
			}
			if _, n, _ := db.FollowUps(ctx, fuCounty.Scope(), store.Page{Limit: 50}); n != 6 {
				t.Fatalf("queue after two outcomes: %d", n)
			}

			// the rate: A (closed) p0 p1 p2 p3 → p0 (May), p1 (the follow-up's August job), p2 (window's last day); not p3 (a day late).
			// B (last year) p1 p4 p5 → p4 only (p1's job ended before, p5's began after). C is open: p5 employed so far.
			day := func(s string) time.Time { d, _ := time.ParseInLocation(time.DateOnly, s, xiangpei.ChinaTime); return d }
			comp := func(class string, pi int) xiangpei.Completion {
				occ := map[string]string{"A": "4-10-01-05", "B": "6-18-02-04", "C": "4-10-01-05"}[class]
				c := xiangpei.Completion{PersonID: x.persons[pi].ID, ClassID: x.classes[class].ID, Institution: x.w.Inst.ID, Occupation: occ,
					Program: "subsidised", County: "430211", CompletedOn: day(xiangpei.ChinaDate(x.ends[class]))}
				if pi == 0 {
					c.KeyGroups = []string{"migrant"}
				}
				return c
			}
			this := []xiangpei.Completion{comp("A", 0), comp("A", 1), comp("A", 2), comp("A", 3)}
			last := []xiangpei.Completion{comp("B", 1), comp("B", 4), comp("B", 5)}
			r := func(pi int, from, to string) xiangpei.EmploymentRecord {
				e := xiangpei.EmploymentRecord{PersonID: x.persons[pi].ID, StartsOn: day(from), Verified: true}
				if to != "" {
					e.EndsOn = day(to)
				}
				return e
			}
			recs := []xiangpei.EmploymentRecord{r(0, "2026-05-01", ""), r(1, "2024-06-01", "2025-03-31"), r(2, "2026-09-10", ""), r(3, "2026-09-11", ""),
				r(4, "2025-06-01", "2025-12-31"), r(5, "2026-09-01", ""), r(1, "2026-08-01", ""),
				{PersonID: x.persons[1].ID, StartsOn: day("2026-04-01")}} // the unverified self-report
			for _, g := range xiangpei.RateGroups {
				rep, err := db.EmploymentRates(ctx, fuCounty.Scope(), g, 2026)
				if err != nil {
					t.Fatal(err)
				}
				want := xiangpei.EmploymentRatesBy(g, this, last, recs)
				if fmt.Sprint(rep.Rows) != fmt.Sprint(want) {
					t.Errorf("%s: store %v, domain %v", g, rep.Rows, want)
				}
			}
			rep, err := db.EmploymentRates(ctx, fuCounty.Scope(), xiangpei.ByInstitution, 2026)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Total.This != (xiangpei.Rate{Completers: 4, Employed: 3}) || rep.Total.Last != (xiangpei.Rate{Completers: 3, Employed: 1}) ||
				rep.Total.DeltaBP != 7500-3333 || !rep.Total.MeetsGoal || rep.Open != (xiangpei.Rate{Completers: 1, Employed: 1}) {
				t.Fatalf("totals %+v open %+v", rep.Total, rep.Open)
			}
			if rep.Labels[fmt.Sprint(x.w.Inst.ID)] != x.w.Inst.Name {
				t.Fatalf("labels %v", rep.Labels)
			}
			inst, err := db.EmploymentRates(ctx, x.w.InstA.Scope(), xiangpei.ByClass, 2026)
			if err != nil || inst.Total.This.Completers != 4 {
				t.Fatalf("the institution's own classes: %+v %v", inst.Total, err)
			}
			for _, s := range []xiangpei.Scope{x.w.OtherA.Scope(), fuOther.Scope()} {
				if o, err := db.EmploymentRates(ctx, s, xiangpei.ByClass, 2026); err != nil || o.Total.This.Completers != 0 || len(o.Rows) != 0 {
					t.Fatalf("outsider sees %+v %v", o, err)
				}
			}
			_, err = db.EmploymentRates(ctx, fuCounty.Scope(), "gender", 2026)
			wantKind(t, "unknown grouping", err, xiangpei.Invalid, "followup.rate_group")
		})
	}
}
