package store_test

import (
	"context"
	"fmt"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestSelfReportRejected: an officer rejects a person's self-report found untrue. Without a
// reason, without the duty or from another county it is refused and nothing is written. A
// verification and a rejection at once: exactly one wins. A rejected report leaves the waiting
// list, is listed under rejected, shows its reason on the person's record, is audited and told
// to the person; it can be neither verified nor rejected again, and a matching insurance
// import does not verify it (its own insurance spell counts instead). The person reports again
// and that report waits.
func TestSelfReportRejected(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newFollowUpWorld(t, db)
			ctx := context.Background()
			code := fuCode(21)
			entry := store.EmploymentEntry{EmployerName: "株洲某电子厂", CreditCode: code, County: "430211", StartsOn: "2026-02-01", FullTime: true}
			reject := func(a xiangpei.Actor, id int64, reason string) (store.EmploymentRow, error) {
				return store.Do(ctx, db, a, func(tx *store.Tx) (store.EmploymentRow, error) { return tx.RejectSelfReport(a.Scope(), id, reason) })
			}
			r, err := x.report(t, 1, entry)
			if err != nil {
				t.Fatal(err)
			}
			_, err = reject(fuCounty, r.ID, "  ")
			wantKind(t, "no reason", err, xiangpei.Invalid, "followup.reject_reason")
			_, err = reject(fuNoDuty, r.ID, "单位查无此人")
			wantKind(t, "no duty", err, xiangpei.Forbidden, "followup.duty")
			_, err = reject(fuOther, r.ID, "单位查无此人")
			wantKind(t, "another county", err, xiangpei.NotFound, "")
			if n := fuCount(t, db, `FROM employment_records WHERE rejected_reason <> ''`); n != 0 {
				t.Fatalf("refusals wrote %d rejections", n)
			}
			oneWins(t, "a verification and a rejection", "", func(i int) error {
				if i == 0 {
					_, err := x.verify(fuCounty, r.ID)
					return err
				}
				_, err := reject(fuCounty, r.ID, "单位查无此人")
				return err
			})

			r2, err := x.report(t, 2, entry)
			if err != nil {
				t.Fatal(err)
			}
			got, err := reject(fuCounty, r2.ID, "经电话核实，该单位无此员工")
			if err != nil || !got.Rejected() || got.Verified || got.RejectedReason != "经电话核实，该单位无此员工" {
				t.Fatalf("rejected: %+v %v", got, err)
			}
			_, err = x.verify(fuCounty, r2.ID)
			wantKind(t, "verify a rejected report", err, xiangpei.Conflict, "followup.already_rejected")
			_, err = reject(fuCounty, r2.ID, "再次驳回")
			wantKind(t, "reject twice", err, xiangpei.Conflict, "followup.already_rejected")
			waiting, _, err := db.EmploymentRecords(ctx, fuCounty.Scope(), store.EmploymentFilter{Unverified: true}, store.Page{Limit: 50})
			for _, w := range waiting {
				if w.ID == r2.ID {
					t.Fatal("a rejected report is still waiting")
				}
			}
			rejected, n, err2 := db.EmploymentRecords(ctx, fuCounty.Scope(), store.EmploymentFilter{Rejected: true}, store.Page{Limit: 50})
			if err != nil || err2 != nil || n < 1 || !func() bool {
				for _, w := range rejected {
					if w.ID == r2.ID {
						return true
					}
				}
				return false
			}() {
				t.Fatalf("rejected list: %d %v %v", n, err, err2)
			}
			mine, err := db.EmploymentRecordsOf(ctx, xiangpei.Scope{PersonID: x.persons[2].ID}, x.persons[2].ID)
			if err != nil || len(mine) != 1 || mine[0].RejectedReason != "经电话核实，该单位无此员工" {
				t.Fatalf("the person's record: %+v %v", mine, err)
			}
			if n := fuCount(t, db, `FROM audit_log WHERE action = 'employment.reject' AND object_id = $1`, fmt.Sprint(r2.ID)); n != 1 {
				t.Fatalf("audited rejections: %d", n)
			}
			if n := fuCount(t, db, `FROM messages WHERE body LIKE $1`, "%未通过核验：经电话核实%"); n != 1 {
				t.Fatalf("the person was told %d times", n)
			}

			// the insurance data later shows the job: the rejected report stays rejected, the spell counts
			p2 := x.persons[2]
			lines := []store.InsuranceLine{fuLine(2, p2, code, "202602", "养老"), fuLine(3, p2, code, "202603", "养老")}
			_, u, err := fuImport(t, db, fuCounty, "rejected.csv", lines)
			if err != nil {
				t.Fatal(err)
			}
			res, err := fuCommit(db, fuCounty, u, lines)
			if err != nil || res.Verified != 0 || res.Spells != 1 {
				t.Fatalf("import: %+v %v", res, err)
			}
			if got, _ := db.EmploymentRecord(ctx, fuCounty.Scope(), r2.ID); got.Verified || !got.Rejected() {
				t.Fatalf("the rejected report after the import: %+v", got)
			}
			if n := fuCount(t, db, `FROM employment_records WHERE person_id = $1 AND source = 'insurance_import' AND verified`, p2.ID); n != 1 {
				t.Fatalf("insurance spells: %d", n)
			}

			again, err := x.report(t, 2, store.EmploymentEntry{EmployerName: "株洲某电子厂（二分厂）", CreditCode: code, County: "430211", StartsOn: "2026-04-01"})
			if err != nil || again.Rejected() || again.Verified {
				t.Fatalf("reporting again: %+v %v", again, err)
			}
		})
	}
}
