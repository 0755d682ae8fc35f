package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// matrixPayments gives every role a real {batch}: each of the matrix's two institution claims
// (matrixClaims: 天元区 own, 荷塘区 foreign) is submitted, passed through both reviews by
// officers of its county and city, published and — the notice over — paid from a budget of its
// county in a batch. The own batch is reachable by the finance officer; the foreign one is 404.
func matrixPayments(t *testing.T, tx *store.Tx, w *matrixWorld) {
	t.Helper()
	actor, now := tx.Actor, tx.Now
	defer func() { tx.Actor, tx.Now = actor, now }()
	ids := [2]int64{}
	for i, county := range []string{"430211", "430202"} {
		param := w.own["officer"]["claim"]
		if i == 1 {
			param = w.foreign["officer"]["claim"]
		}
		id, err := strconv.ParseInt(param, 10, 64)
		if err != nil {
			t.Fatalf("matrix payments step 1: %v", err)
		}
		k, err := tx.Claim(xiangpei.Scope{All: true}, id)
		if err != nil {
			t.Fatalf("matrix payments step 2: %v", err)
		}
		tx.Now = now.Add(72 * time.Hour)
		off := func(n int64, region string, d xiangpei.Duty) xiangpei.Actor {
			return xiangpei.Actor{AccountID: 9100 + n + int64(i)*10, Name: "matrix_officer_" + strconv.FormatInt(n+int64(i)*10, 10), Role: xiangpei.RoleOfficer, Region: region, Duties: xiangpei.Duties{d}}
		}
		tx.Actor = xiangpei.Actor{AccountID: 9100 + int64(i)*10, Name: "matrix_inst", Role: xiangpei.RoleInstitution, OrgID: k.OrgID}
		if k, err = tx.SubmitClaim(xiangpei.Scope{OrgID: k.OrgID}, k.ID, k.Version); err != nil {
			t.Fatalf("matrix payments step 3: %v", err)
		}
		for step, a := range []xiangpei.Actor{off(1, county, xiangpei.DutyClaimReview1), off(2, "430200", xiangpei.DutyClaimReview2)} {
			tx.Actor = a
			if k, err = tx.Claim(xiangpei.Scope{All: true}, k.ID); err != nil {
				t.Fatalf("matrix payments step 4: %v", err)
			}
			if step == 0 {
				if k, err = tx.AcceptClaim(a.Scope(), k.ID, k.Version); err != nil {
					t.Fatalf("matrix payments step 5: %v", err)
				}
			}
			ls, err := tx.LinesOfClaim(k.ID)
			if err != nil {
				t.Fatalf("matrix payments step 6: %v", err)
			}
			for _, l := range ls {
				if l.Payable {
					if _, err := tx.DecideLine(a.Scope(), l.ID, l.Version, store.LineDecision{Decision: store.DecisionApprove}); err != nil {
						t.Fatalf("matrix payments step 7: %v", err)
					}
				}
			}
			if k, err = tx.Claim(xiangpei.Scope{All: true}, k.ID); err != nil {
				t.Fatalf("matrix payments step 8: %v", err)
			}
			if k, err = tx.PassClaim(a.Scope(), k.ID, k.Version); err != nil {
				t.Fatalf("matrix payments step 9: %v", err)
			}
		}
		n, err := tx.NoticeOfClaim(k.ID)
		if err != nil {
			t.Fatalf("matrix payments step 10: %v", err)
		}
		tx.Now = n.Ends.Add(time.Hour)
		pay := off(3, county, xiangpei.DutyPayment)
		tx.Actor = pay
		g := xiangpei.Budget{Region: county, Year: tx.Now.In(xiangpei.ChinaTime).Year(), AmountFen: 100_000_000, Note: "矩阵预算"}
		if had, err := tx.BudgetOf(g.Region, g.Year, ""); err == nil {
			g.Version = had.Version // matrixSubsidy set 天元区's budget already
		}
		g, err = tx.SetBudget(g)
		if err != nil {
			t.Fatalf("matrix payments step 11: %v", err)
		}
		// the institution's staff registers its settlement account: a batch pays only payees with one
		tx.Actor = xiangpei.Actor{AccountID: 9100 + int64(i)*10, Name: "matrix_inst", Role: xiangpei.RoleInstitution, OrgID: k.OrgID}
		o, err := tx.Org(xiangpei.Scope{OrgID: k.OrgID}, k.OrgID)
		if err != nil {
			t.Fatalf("matrix payments step 11a: %v", err)
		}
		if _, err := tx.SetOrgBankAccount(xiangpei.Scope{OrgID: k.OrgID}, k.OrgID, store.BankAccountInput{AccountName: o.Name, BankName: "中国农业银行",
			Branch: "中国农业银行株洲天元支行", AccountNo: "6228480012345678901"}); err != nil {
			t.Fatalf("matrix payments step 11b: %v", err)
		}
		tx.Actor = pay
		b, err := tx.BuildBatch(pay.Scope(), store.BatchInput{BudgetID: g.ID})
		if err != nil {
			t.Fatalf("matrix payments step 12: %v", err)
		}
		ids[i] = b.ID
	}
	for label := range w.own {
		w.own[label]["batch"], w.foreign[label]["batch"] = strconv.FormatInt(ids[0], 10), strconv.FormatInt(ids[1], 10)
	}
}

// TestMatrixBatchIsReal: the matrix's {batch} is a real batch — the finance officer of 天元区
// reads its own batch and its bank file (200), another county's batch is 404, and the bank
// file of the own batch carries its line.
func TestMatrixBatchIsReal(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			w := buildMatrixWorld(t, db)
			get := func(path string) (int, string) {
				req, _ := http.NewRequest(http.MethodGet, e.ts.URL+path, nil)
				req.Header.Set("Authorization", "Bearer "+w.tokens["officer"])
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(body)
			}
			own, foreign := w.own["officer"]["batch"], w.foreign["officer"]["batch"]
			if own == foreign || own == "" {
				t.Fatalf("batches %q %q", own, foreign)
			}
			if code, body := get("/api/v1/payments/" + own); code != http.StatusOK || !strings.Contains(body, `"status":"open"`) {
				t.Fatalf("own batch: %d %s", code, body)
			}
			if code, body := get("/payments/" + own + "/bank-file"); code != http.StatusOK || !strings.Contains(body, "合计,1,") {
				t.Fatalf("own bank file: %d %s", code, body)
			}
			for _, p := range []string{"/api/v1/payments/" + foreign, "/payments/" + foreign + "/bank-file"} {
				if code, _ := get(p); code != http.StatusNotFound {
					t.Errorf("%s: %d, want 404", p, code)
				}
			}
		})
	}
}
