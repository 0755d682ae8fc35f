package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

var (
	regCounty = xiangpei.Actor{AccountID: 701, Name: "ty_reg", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyRegistry}}
	regOther  = xiangpei.Actor{AccountID: 702, Name: "ht_reg", Role: xiangpei.RoleOfficer, Region: "430202", Duties: xiangpei.Duties{xiangpei.DutyRegistry}}
	regNoDuty = xiangpei.Actor{AccountID: 703, Name: "ty_pay2", Role: xiangpei.RoleOfficer, Region: "430211", Duties: xiangpei.Duties{xiangpei.DutyPayment}}
)

// claimRows counts claims and claim lines, to prove a refusal wrote nothing.
func claimRows(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	k, err := db.QueryStrings(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM claims`)
	if err != nil {
		t.Fatal(err)
	}
	l, err := db.QueryStrings(ctx, `SELECT CAST(COUNT(*) AS TEXT) FROM claim_lines`)
	if err != nil {
		t.Fatal(err)
	}
	return k[0] + "/" + l[0]
}

func addPersonSanction(t *testing.T, db *store.DB, a xiangpei.Actor, personID int64, e xiangpei.SanctionEntry) (store.PersonSanction, error) {
	t.Helper()
	return crDo(t, db, a, func(tx *store.Tx) (store.PersonSanction, error) { return tx.AddPersonSanction(a.Scope(), personID, e) })
}

// TestPersonBlacklist: only a registry officer of the person's county (or above) records a
// blacklist, audited; it holds for its days; a blacklisted person's claim is refused naming the
// period, nothing written; after the period the claim goes through.
func TestPersonBlacklist(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newClaimWorld(t, db)
			ctx := context.Background()
			p0 := x.persons[0]
			e := xiangpei.SanctionEntry{Reason: "伪造务工证明骗取补贴", Evidence: "天人社稽〔2026〕12号", StartsOn: "2026-12-05", EndsOn: "2027-06-30"}

			_, err := addPersonSanction(t, db, xiangpei.Actor{Name: "p", Role: xiangpei.RolePerson, PersonID: p0.ID}, p0.ID, e)
			wantKind(t, "the person", err, xiangpei.Forbidden, "")
			_, err = addPersonSanction(t, db, regOther, p0.ID, e)
			wantKind(t, "another county", err, xiangpei.NotFound, "")
			_, err = addPersonSanction(t, db, regNoDuty, p0.ID, e)
			wantKind(t, "no registry duty", err, xiangpei.Forbidden, "registry.person_sanction_duty")
			bad := e
			bad.Evidence = ""
			_, err = addPersonSanction(t, db, regCounty, p0.ID, bad)
			wantKind(t, "no evidence", err, xiangpei.Invalid, "sanction.evidence")
			if l, err := db.PersonSanctions(ctx, xiangpei.Scope{All: true}, p0.ID); err != nil || len(l) != 0 {
				t.Fatalf("refusals wrote %v %+v", err, l)
			}

			got, err := addPersonSanction(t, db, regCounty, p0.ID, e)
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != xiangpei.SanctionBlacklist || got.PersonID != p0.ID || got.DecidedBy != regCounty.AccountID {
				t.Fatalf("sanction %+v", got)
			}
			acts, err := db.QueryStrings(ctx, `SELECT action FROM audit_log WHERE action = 'person.sanction_add'`)
			if err != nil || len(acts) != 1 {
				t.Fatalf("audit %v %v", err, acts)
			}
			if _, err := db.PersonSanctions(ctx, regOther.Scope(), p0.ID); !xiangpei.IsKind(err, xiangpei.NotFound) {
				t.Fatalf("another county reads the blacklist: %v", err)
			}
			if l, err := db.PersonSanctions(ctx, payCity.Scope(), p0.ID); err != nil || len(l) != 1 {
				t.Fatalf("the city reads %v %d", err, len(l))
			}
			now := x.w.Clock.Now()
			if blocked, which, err := db.PersonBlocked(ctx, p0.ID, now); err != nil || !blocked || which.ID != got.ID {
				t.Fatalf("blocked now: %v %v", blocked, err)
			}
			if blocked, _, _ := db.PersonBlocked(ctx, p0.ID, time.Date(2027, 7, 1, 0, 0, 0, 0, xiangpei.ChinaTime)); blocked {
				t.Fatal("blocked after the period")
			}

			person := func() (xiangpei.Claim, error) {
				a := xiangpei.Actor{Name: "p", Role: xiangpei.RolePerson, PersonID: p0.ID}
				return store.Do(ctx, db, a, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.CreatePersonClaim(p0.ID, x.certs[p0.ID].ID) })
			}
			before := claimRows(t, db)
			_, err = person()
			wantKind(t, "blacklisted claim", err, xiangpei.Conflict, "claim.person_blacklisted")
			if err == nil || !strings.Contains(err.Error(), "2026-12-05") || !strings.Contains(err.Error(), "2027-06-30") {
				t.Errorf("message %v", err)
			}
			if after := claimRows(t, db); after != before {
				t.Fatalf("claims/lines %s → %s", before, after)
			}
			x.w.Clock.Set(time.Date(2027, 7, 1, 10, 0, 0, 0, xiangpei.ChinaTime))
			if _, err := person(); err != nil {
				t.Fatalf("after the blacklist: %v", err)
			}
		})
	}
}

// TestPersonBlacklistEligibility: a blacklisted person cannot be put on a roster; the refusal
// lists it as a reason beside the others.
func TestPersonBlacklistEligibility(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newRosterWorld(t, db)
			c := w.class(false, day(2026, 11, 16), 3, nil)
			p := w.person("19900315", "黑名单学员")
			if _, err := addPersonSanction(t, db, regCounty, p.ID, xiangpei.SanctionEntry{Reason: "冒名顶替参加培训",
				Evidence: "稽核记录 2026-031", StartsOn: "2026-11-01"}); err != nil {
				t.Fatal(err)
			}
			_, err := w.add(c, p.ID)
			wantReasons(t, "blacklisted", err, "registry.person_blacklisted")
			q := w.person("19910315", "守信学员")
			w.mustAdd(c, q.ID)
		})
	}
}

// TestClaimWindowRefusals: a class claim after the class's claim window and a person claim
// more than ClaimMonths after the certificate are refused with the day the window closed, and
// nothing is written; the day before, both go through.
func TestClaimWindowRefusals(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x := newClaimWorld(t, db)
			ctx := context.Background()
			p1 := x.persons[1]
			person := func() (xiangpei.Claim, error) {
				a := xiangpei.Actor{Name: "p", Role: xiangpei.RolePerson, PersonID: p1.ID}
				return store.Do(ctx, db, a, func(tx *store.Tx) (xiangpei.Claim, error) { return tx.CreatePersonClaim(p1.ID, x.certs[p1.ID].ID) })
			}
			// certificate of 2026-12-01, 12 months: the last day is 2027-12-01
			x.w.Clock.Set(time.Date(2027, 12, 2, 9, 0, 0, 0, xiangpei.ChinaTime))
			before := claimRows(t, db)
			_, err := person()
			wantKind(t, "person claim late", err, xiangpei.Conflict, "claim.window_closed_cert")
			if err == nil || !strings.Contains(err.Error(), "2027-12-01") {
				t.Errorf("message %v", err)
			}
			// the class: last session + 90 days + 12 months
			end := x.c.LastSession.In(xiangpei.ChinaTime).AddDate(0, 12, 90)
			x.w.Clock.Set(end.Add(time.Hour))
			_, err = x.create(x.w.InstA, x.c.ID)
			wantKind(t, "class claim late", err, xiangpei.Conflict, "claim.window_closed")
			if err == nil || !strings.Contains(err.Error(), end.Format(time.DateOnly)) {
				t.Errorf("message %v", err)
			}
			if _, _, _, err := db.ClassClaimPreview(ctx, x.w.InstA.Scope(), x.c.ID); !xiangpei.IsKind(err, xiangpei.Conflict) {
				t.Errorf("preview after the window: %v", err)
			}
			if after := claimRows(t, db); after != before {
				t.Fatalf("claims/lines %s → %s", before, after)
			}
			x.w.Clock.Set(time.Date(2027, 12, 1, 20, 0, 0, 0, xiangpei.ChinaTime))
			if _, err := person(); err != nil {
				t.Fatalf("last day of the window: %v", err)
			}
			// inside the class's window the class check lets it through: the lines' own
			// certificate windows (closed by then) make nobody eligible instead
			x.w.Clock.Set(end.Add(-time.Hour))
			_, err = x.create(x.w.InstA, x.c.ID)
			wantKind(t, "class claim inside the window", err, xiangpei.Conflict, "claim.nobody_eligible")
		})
	}
}
