package seed_test

import (
	"context"
	"testing"

	"xiangpei"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestDemoClaims: the demo holds claims in every state a claim or a line can be in, made by the
// real operations, with the lines the audit flags and fails showing what it catches, the
// ledger balanced, and a closed class left for the institution to claim — on both engines.
func TestDemoClaims(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ctx := context.Background()
			if _, err := seed.Demo(ctx, db); err != nil {
				t.Fatal(err)
			}
			all := xiangpei.Scope{All: true}
			claims, _, err := db.Claims(ctx, all, store.ClaimFilter{}, store.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			claimStates := map[xiangpei.ClaimStatus]int{}
			lineStates := map[xiangpei.ClaimStatus]int{}
			byClass := map[string]xiangpei.Claim{} // the live claim of each class
			var lines []xiangpei.ClaimLine
			for _, k := range claims {
				claimStates[k.Status]++
				if k.Status.Live() {
					byClass[k.ClassName] = k
				}
				ls, _, err := db.ClaimLines(ctx, all, k.ID, store.Page{Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				for _, l := range ls {
					lineStates[l.Status]++
					lines = append(lines, l)
				}
			}
			// Every state, read back by status too.
			for _, st := range xiangpei.ClaimStatuses {
				if lineStates[st] == 0 {
					t.Errorf("no claim line in state %s (lines: %v)", st, lineStates)
				}
				switch st {
				case xiangpei.LineObjection, xiangpei.LinePaymentFailed, xiangpei.LineClawback:
					continue
				}
				if _, n, err := db.Claims(ctx, all, store.ClaimFilter{Status: st}, store.Page{Limit: 1}); err != nil || n == 0 {
					t.Errorf("no claim in state %s (%v; claims: %v)", st, err, claimStates)
				}
			}
			// The audit's findings on the flagged lines.
			wantCodes := map[string][]string{
				"养老护理员（五级）居家照护班": {xiangpei.CheckSharedPhone, xiangpei.AnomalyOutsideGeofence},
				"养老护理员（五级）机构护理班": {xiangpei.CheckCertRevoked},
			}
			for class, codes := range wantCodes {
				k, ok := byClass[class]
				if !ok {
					t.Errorf("no live claim for %s", class)
					continue
				}
				fs, err := db.LineFindings(ctx, all, k.ID)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]int{}
				for _, f := range fs {
					got[f.Code]++
				}
				for _, c := range codes {
					if got[c] == 0 {
						t.Errorf("the claim for %s carries no %s finding (it carries %v)", class, c, got)
					}
				}
				if class == "养老护理员（五级）居家照护班" && got[xiangpei.CheckSharedPhone] != 2 {
					t.Errorf("the shared phone is found on %d lines, want the 2 trainees sharing it", got[xiangpei.CheckSharedPhone])
				}
			}
			audited := map[string]int{}
			for _, l := range lines {
				if l.ClaimStatus != xiangpei.ClaimDraft && l.ClaimStatus != xiangpei.ClaimWithdrawn {
					audited[l.Audit]++
				}
			}
			if audited[xiangpei.AuditFlag] == 0 || audited[xiangpei.AuditFail] == 0 || audited[xiangpei.AuditPass] == 0 {
				t.Errorf("the audit results of the submitted lines: %v, want passes, flags and fails", audited)
			}
			// The ledger balances, and the budget paid what the lines say.
			bal, err := db.LedgerBalances(ctx, xiangpei.Actor{Name: "test", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(bal) == 0 {
				t.Fatal("no budget in the ledger")
			}
			t.Logf("ledger: %+v", bal)
			// The class left for the institution to claim.
			open, err := db.ClaimableClasses(ctx, xiangpei.Scope{OrgID: claims[0].OrgID})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, c := range open {
				found = found || c.Name == seed.DemoClaimableClass
			}
			if !found {
				t.Errorf("the demo leaves %s unclaimed, but the institution cannot claim it (claimable: %d)", seed.DemoClaimableClass, len(open))
			}
		})
	}
}
