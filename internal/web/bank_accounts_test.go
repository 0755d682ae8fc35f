package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestBankAccountsAndStagesWeb: the institution records its settlement account (a wrong name
// is refused in Chinese), the person their own; the registry officer reads the number masked,
// the finance officer in full; a staged budget (70%) set on the budget form pays the first
// stage with the account in the bank file; the second stage waits on the stages page until an
// officer verifies employment, then a stage-2 batch pays it. Ledger balanced after each step.
func TestBankAccountsAndStagesWeb(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x, tok, foreign, payer := payWebBare(t, db)
			inst := x.instTok
			// no payee of the region has an account: the build is refused, nothing written
			bals0, err := db.LedgerBalances(context.Background(), payer.Actor(), 0)
			if err != nil || len(bals0) != 1 {
				t.Fatalf("budgets %v", err)
			}
			st, raw, _ := x.request(tok, http.MethodPost, "/api/v1/payments", map[string]any{"budget": bals0[0].Budget.ID})
			if st != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "行在等待银行账户，没有可以发放的行") {
				t.Fatalf("build without accounts: %d %s", st, raw)
			}
			if list := x.api(t, tok, http.MethodGet, "/api/v1/payments", nil, http.StatusOK); crNum(list["total"]) != 0 {
				t.Fatalf("a refused build wrote a batch: %v", list)
			}
			if st, body, _ := x.signedIn(t, payer).post("/payments", url.Values{"budget": {fmt.Sprint(bals0[0].Budget.ID)}}); st != http.StatusUnprocessableEntity ||
				!strings.Contains(body, "行在等待银行账户") {
				t.Fatalf("form build without accounts: %d", st)
			}
			acct := map[string]any{"account_name": "别的公司", "bank_name": "中国农业银行", "branch": "中国农业银行株洲天元支行", "account_no": "6228 4800 1234 5678 901"}
			st, raw, _ = x.request(inst, http.MethodPost, "/api/v1/org/bank-account", acct)
			if st != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "户名必须是收款人登记的名称") {
				t.Fatalf("wrong name: %d %s", st, raw)
			}
			acct["account_name"] = x.w.Inst.Name
			x.api(t, inst, http.MethodPost, "/api/v1/org/bank-account", acct, http.StatusCreated)
			if m := x.api(t, inst, http.MethodGet, "/api/v1/org/bank-account", nil, http.StatusOK); fmt.Sprint(m["account"].(map[string]any)["account_no"]) != "6228480012345678901" {
				t.Errorf("own account %v", m)
			}
			reg := x.token(x.account(xiangpei.AccountInput{Login: "ty_reg", DisplayName: "天元区登记", Role: xiangpei.RoleOfficer, Region: "430211",
				Duties: xiangpei.Duties{xiangpei.DutyRegistry}}, testPassword).ID)
			orgPath := fmt.Sprintf("/api/v1/orgs/%d/bank-account", x.w.Inst.ID)
			if m := x.api(t, reg, http.MethodGet, orgPath, nil, http.StatusOK); m["account"].(map[string]any)["account_no"] != "6228 **** 8901" {
				t.Errorf("registry officer sees %v", m)
			}
			if m := x.api(t, tok, http.MethodGet, orgPath, nil, http.StatusOK); m["account"].(map[string]any)["account_no"] != "6228480012345678901" {
				t.Errorf("finance officer sees %v", m)
			}
			x.api(t, x.foreignTok, http.MethodGet, orgPath, nil, http.StatusNotFound)
			page := x.signedIn(t, x.inst)
			if st, body, _ := page.get("/org/bank-account"); st != http.StatusOK || !strings.Contains(body, "中国农业银行株洲天元支行") {
				t.Errorf("institution's page: %d", st)
			}
			me := x.token(x.trainee.ID)
			x.api(t, me, http.MethodPost, "/api/v1/me/bank-account", map[string]any{"account_name": x.person.Name, "bank_name": "中国工商银行",
				"branch": "工行株洲分行", "account_no": "622202190300123456"}, http.StatusCreated)

			// a staged budget, set on the budget form's JSON twin
			ctx := context.Background()
			bals, err := db.LedgerBalances(ctx, payer.Actor(), 0)
			if err != nil || len(bals) != 1 {
				t.Fatalf("budgets %v", err)
			}
			g := bals[0].Budget
			bg := x.api(t, tok, http.MethodPost, "/api/v1/subsidy/budgets", map[string]any{"region": g.Region, "year": g.Year, "amount": "100000",
				"version": g.Version, "stage1_pct": 70}, http.StatusOK)
			if bg["staged"] != true || fmt.Sprint(bg["stage1_pct"]) != "70" {
				t.Fatalf("budget %v", bg)
			}
			if st, body, _ := x.signedIn(t, payer).get("/subsidy/budgets"); st != http.StatusOK || !strings.Contains(body, "分期：第一期 70%") {
				t.Errorf("budget page: %d", st)
			}
			b := x.api(t, tok, http.MethodPost, "/api/v1/payments", map[string]any{"budget": g.ID}, http.StatusCreated)
			id := crNum(b["id"])
			assertLedgerBalanced(t, db)
			if crNum(b["left_out"]) != 0 {
				t.Fatalf("left out %v", b)
			}
			// the list of payees waiting for an account: none left in the region; another county's batch is 404
			if m := x.api(t, tok, http.MethodGet, fmt.Sprintf("/api/v1/payments/%d/no-account", id), nil, http.StatusOK); len(m["payees"].([]any)) != 0 {
				t.Fatalf("waiting payees %v", m)
			}
			x.api(t, foreign, http.MethodGet, fmt.Sprintf("/api/v1/payments/%d/no-account", id), nil, http.StatusNotFound)
			if st, body, _ := x.signedIn(t, payer).get(fmt.Sprintf("/payments/%d/no-account", id)); st != http.StatusOK || !strings.Contains(body, "本区没有等待收款账户的行") {
				t.Fatalf("waiting page: %d", st)
			}
			items := x.api(t, tok, http.MethodGet, fmt.Sprintf("/api/v1/payments/%d", id), nil, http.StatusOK)["payment_items"].([]any)
			first := items[0].(map[string]any)
			if first["account_no"] != "6228480012345678901" || fmt.Sprint(first["stage"]) != "1" {
				t.Fatalf("item %v", first)
			}
			st, raw, _ = x.request(tok, http.MethodGet, fmt.Sprintf("/payments/%d/bank-file", id), nil)
			if st != http.StatusOK || !strings.Contains(string(raw), ",6228480012345678901,") || !strings.Contains(string(raw), "第1期") {
				t.Fatalf("bank file %d %s", st, raw)
			}
			// pay stage 1, then stage 2 waits for employment
			var rows []string
			var sum int64
			for _, it := range items {
				m := it.(map[string]any)
				rows = append(rows, fmt.Sprintf("%v,成功,%v,", m["line_id"], m["amount_yuan"]))
				sum += crNum(m["amount_fen"])
			}
			file := "\uFEFF付款参考号,状态,金额(元),原因\r\n" + strings.Join(rows, "\r\n") + fmt.Sprintf("\r\n合计,%d,%s,\r\n", len(rows), xiangpei.FormatFen(sum))
			if st, m := x.uploadReturn(t, tok, id, []byte(file), "1"); st != http.StatusOK {
				t.Fatalf("return %d %v", st, m)
			}
			st, raw, _ = x.request(tok, http.MethodPost, "/api/v1/payments", map[string]any{"budget": g.ID, "stage2": true})
			if st != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "没有已核实就业") {
				t.Fatalf("stage 2 before verification: %d %s", st, raw)
			}
			if st, body, _ := x.signedIn(t, payer).get("/payments/stages?status=waiting"); st != http.StatusOK || !strings.Contains(body, "等待就业核实") {
				t.Fatalf("stages page: %d", st)
			}
			stages := x.api(t, tok, http.MethodGet, "/api/v1/payments/stages?status=waiting", nil, http.StatusOK)["stages"].([]any)
			if len(stages) != len(items) {
				t.Fatalf("stages %v", stages)
			}
			for _, sv := range stages {
				line := crNum(sv.(map[string]any)["line_id"])
				st, raw, _ := x.request(tok, http.MethodPost, fmt.Sprintf("/api/v1/payments/stages/%d/verify", line), map[string]any{})
				if st != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "社保记录中没有") {
					t.Fatalf("verify without a note: %d %s", st, raw)
				}
				x.api(t, tok, http.MethodPost, fmt.Sprintf("/api/v1/payments/stages/%d/verify", line), map[string]any{"note": "电话核实：已在株洲某养老院就业"}, http.StatusOK)
			}
			b2 := x.api(t, tok, http.MethodPost, "/api/v1/payments", map[string]any{"budget": g.ID, "stage2": true}, http.StatusCreated)
			if b2["stage2"] != true || crNum(b2["total_fen"]) <= 0 {
				t.Fatalf("stage 2 batch %v", b2)
			}
			assertLedgerBalanced(t, db)
			all, _, err := db.PaymentStages(ctx, xiangpei.Scope{All: true}, "in_payment", store.Page{})
			if err != nil || len(all) != len(items) {
				t.Fatalf("stages at the bank %v %d", err, len(all))
			}
		})
	}
}
