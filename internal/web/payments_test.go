package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// assertLedgerBalanced: every entry has equal debit and credit, and no budget goes negative
// (R3); the store tests also compare the ledger with the items.
func assertLedgerBalanced(t *testing.T, db *store.DB) {
	t.Helper()
	admin := xiangpei.Actor{Name: "admin", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}
	es, _, err := db.LedgerEntries(context.Background(), admin, store.LedgerFilter{}, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	all := make([]xiangpei.Entry, 0, len(es))
	for _, e := range es {
		all = append(all, e.Entry)
	}
	if _, err := xiangpei.Balanced(all); err != nil {
		t.Fatal(err)
	}
	bals, err := db.LedgerBalances(context.Background(), admin, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bals {
		if b.Remaining < 0 || b.Balances[xiangpei.AcctReserved] < 0 || b.Balances[xiangpei.AcctPaid] < 0 {
			t.Fatalf("budget %d: %+v remaining %d", b.Budget.ID, b.Balances, b.Remaining)
		}
	}
}

// payWeb takes the review world's claim to approved (every payable line approved at both
// steps, the others rejected), moves the clock past the notice and adds the county's finance
// officer, another county's, and the county's budget of ¥100,000.
func payWeb(t *testing.T, db *store.DB) (x *crWeb, payTok, foreignTok string, payer xiangpei.Account) {
	t.Helper()
	x, payTok, foreignTok, payer = payWebBare(t, db)
	// the institution's staff registers its settlement account: a batch pays only payees with one
	x.api(t, x.instTok, http.MethodPost, "/api/v1/org/bank-account", map[string]any{"account_name": x.w.Inst.Name, "bank_name": "中国农业银行",
		"branch": "中国农业银行株洲天元支行", "account_no": "6228 4800 1234 5678 901"}, http.StatusCreated)
	return x, payTok, foreignTok, payer
}

// payWebBare is payWeb before the institution registers its bank account.
func payWebBare(t *testing.T, db *store.DB) (x *crWeb, payTok, foreignTok string, payer xiangpei.Account) {
	t.Helper()
	x = newCRWeb(t, db)
	path := fmt.Sprintf("/api/v1/claim-review/%d", x.claim)
	k := x.api(t, x.countyTok, http.MethodGet, path, nil, http.StatusOK)
	k = x.api(t, x.countyTok, http.MethodPost, path+"/accept", map[string]any{"version": k["version"]}, http.StatusOK)
	for _, tok := range []string{x.countyTok, x.cityTok} {
		_, lines := x.reviewLines(t, tok)
		for _, l := range lines {
			if l["payable"] == true {
				x.api(t, tok, http.MethodPost, path+"/decide", map[string]any{"line": l["id"], "version": l["version"], "decision": "approve"}, http.StatusOK)
			} else if l["status"] != "rejected" {
				x.api(t, tok, http.MethodPost, path+"/decide", map[string]any{"line": l["id"], "version": l["version"], "decision": "reject", "reason": "不符合条件"}, http.StatusOK)
			}
		}
		k = x.api(t, tok, http.MethodGet, path, nil, http.StatusOK)
		k = x.api(t, tok, http.MethodPost, path+"/pass", map[string]any{"version": k["version"]}, http.StatusOK)
	}
	if k["status"] != "notice" {
		t.Fatalf("not in notice: %v", k)
	}
	x.at(x.clock.now().Add(30 * 24 * time.Hour))
	payer = x.account(xiangpei.AccountInput{Login: "ty_pay", DisplayName: "天元区财务", Role: xiangpei.RoleOfficer, Region: "430211",
		Duties: xiangpei.Duties{xiangpei.DutyPayment}}, testPassword)
	other := x.account(xiangpei.AccountInput{Login: "ht_pay", DisplayName: "荷塘区财务", Role: xiangpei.RoleOfficer, Region: "430202",
		Duties: xiangpei.Duties{xiangpei.DutyPayment}}, testPassword)
	payTok, foreignTok = x.token(payer.ID), x.token(other.ID)
	if _, err := store.Do(context.Background(), db, payer.Actor(), func(tx *store.Tx) (xiangpei.Budget, error) {
		return tx.SetBudget(xiangpei.Budget{Region: "430211", Year: x.clock.now().In(xiangpei.ChinaTime).Year(), AmountFen: 10_000_000})
	}); err != nil {
		t.Fatal(err)
	}
	return x, payTok, foreignTok, payer
}

func (x *crWeb) uploadReturn(t *testing.T, tok string, batch any, data []byte, commit string) (int, map[string]any) {
	t.Helper()
	body, ctype := multipartFile(t, "return.csv", data, map[string]string{"commit": commit})
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/api/v1/payments/%v/return", x.ts.URL, batch), body)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, decode(t, string(b))
}

// TestPaymentsWeb: budgets on the payment page, a batch built over the API (Idempotency-Key
// replays it), the batch page, its Excel export and bank file, another county's 404, a refused
// return file (dry run and commit), a good one, the same again, clawback in the browser, the
// ledger page, its API and Excel export — ledger balanced after each money move.
func TestPaymentsWeb(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x, tok, foreignTok, payer := payWeb(t, db)
			budgets, err := db.LedgerBalances(context.Background(), payer.Actor(), 0)
			if err != nil || len(budgets) != 1 {
				t.Fatalf("budgets %v %v", err, budgets)
			}
			budget := budgets[0].Budget.ID
			x.api(t, x.countyTok, http.MethodGet, "/api/v1/payments", nil, http.StatusForbidden)
			x.api(t, foreignTok, http.MethodPost, "/api/v1/payments", map[string]any{"budget": budget}, http.StatusNotFound)

			req, _ := http.NewRequest(http.MethodPost, x.ts.URL+"/api/v1/payments", strings.NewReader(fmt.Sprintf(`{"budget": %d, "note": "第一批"}`, budget)))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "pay-batch-1")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("build: %d %s", resp.StatusCode, raw)
			}
			b := decode(t, string(raw))
			id := crNum(b["id"])
			req, _ = http.NewRequest(http.MethodPost, x.ts.URL+"/api/v1/payments", strings.NewReader(fmt.Sprintf(`{"budget": %d, "note": "第一批"}`, budget)))
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "pay-batch-1")
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw2, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated || crNum(decode(t, string(raw2))["id"]) != id {
				t.Fatalf("replay: %d %s", resp.StatusCode, raw2)
			}
			assertLedgerBalanced(t, db)
			x.api(t, tok, http.MethodPost, "/api/v1/payments", map[string]any{"budget": budget}, http.StatusUnprocessableEntity)

			m := x.api(t, tok, http.MethodGet, fmt.Sprintf("/api/v1/payments/%d", id), nil, http.StatusOK)
			items := m["payment_items"].([]any)
			if len(items) == 0 || m["status"] != "open" {
				t.Fatalf("batch %v", m)
			}
			x.api(t, foreignTok, http.MethodGet, fmt.Sprintf("/api/v1/payments/%d", id), nil, http.StatusNotFound)
			x.api(t, foreignTok, http.MethodGet, fmt.Sprintf("/api/v1/payments/%d/bank-file", id), nil, http.StatusNotFound)

			pay := x.signedIn(t, payer)
			pay.get("/payments")
			if st, body, _ := pay.post("/payments", url.Values{"budget": {fmt.Sprint(budget)}}); st != http.StatusUnprocessableEntity ||
				!strings.Contains(body, "没有待发放的明细") {
				t.Fatalf("build again in the browser: %d", st)
			}
			if st, body, _ := pay.get("/payments"); st != http.StatusOK || !strings.Contains(body, fmt.Sprintf("/payments/%d", id)) {
				t.Fatalf("list page %d", st)
			}
			if st, _, hd := pay.get("/payments?format=xlsx"); st != http.StatusOK || hd.Get("Content-Type") != sheet.ContentType {
				t.Fatalf("list export %d", st)
			}
			if st, body, _ := pay.get(fmt.Sprintf("/payments/%d", id)); st != http.StatusOK || !strings.Contains(body, "bank-file") {
				t.Fatalf("batch page %d", st)
			}
			if st, body, hd := pay.get(fmt.Sprintf("/payments/%d?format=xlsx", id)); st != http.StatusOK || hd.Get("Content-Type") != sheet.ContentType ||
				len(readXLSX(t, body, "明细（付款参考号）")) != len(items) {
				t.Fatalf("batch export %d", st)
			}
			st, csvBody, hd := pay.get(fmt.Sprintf("/payments/%d/bank-file", id))
			if st != http.StatusOK || !strings.HasPrefix(hd.Get("Content-Type"), "text/csv") || !strings.HasPrefix(csvBody, "\uFEFF批次号") {
				t.Fatalf("bank file %d %q", st, csvBody)
			}

			// return files: the bad one refused with its rows, the good one taken once
			var good, bad strings.Builder
			var total int64
			for _, it := range items {
				i := it.(map[string]any)
				fmt.Fprintf(&good, "%v,成功,%v,\n", i["line_id"], i["amount_yuan"])
				fmt.Fprintf(&bad, "%v,成功,0.01,\n", i["line_id"])
				total += crNum(i["amount_fen"])
			}
			fmt.Fprintf(&good, "合计,%d,%s,\n", len(items), xiangpei.FormatFen(total))
			fmt.Fprintf(&bad, "999,成功,1.00,\n合计,1,1.00,\n")
			if st, rc := x.uploadReturn(t, tok, id, []byte(bad.String()), "0"); st != http.StatusOK || len(rc["problems"].([]any)) != len(items)+2 {
				t.Fatalf("dry run %d %v", st, rc)
			}
			if st, rc := x.uploadReturn(t, tok, id, []byte(bad.String()), "1"); st != http.StatusUnprocessableEntity || rc["error"] == nil {
				t.Fatalf("refused %d %v", st, rc)
			}
			assertLedgerBalanced(t, db)
			if st, rc := x.uploadReturn(t, tok, id, []byte(good.String()), "1"); st != http.StatusOK || crNum(rc["paid"]) != int64(len(items)) {
				t.Fatalf("taken %d %v", st, rc)
			}
			if st, rc := x.uploadReturn(t, tok, id, []byte(good.String()), "1"); st != http.StatusOK || rc["duplicate"] != true {
				t.Fatalf("again %d %v", st, rc)
			}
			if k := x.api(t, x.instTok, http.MethodGet, fmt.Sprintf("/api/v1/claims/%d", x.claim), nil, http.StatusOK); k["status"] != "paid" {
				t.Fatalf("claim %v", k)
			}
			assertLedgerBalanced(t, db)

			// clawback in the browser
			m = x.api(t, tok, http.MethodGet, fmt.Sprintf("/api/v1/payments/%d", id), nil, http.StatusOK)
			first := m["payment_items"].([]any)[0].(map[string]any)
			st, body, _ := pay.get(fmt.Sprintf("/payments/%d", id))
			if st != http.StatusOK || !strings.Contains(body, "/clawback") {
				t.Fatalf("batch page after payment %d", st)
			}
			l, _, err := db.ClaimLines(context.Background(), xiangpei.Scope{All: true}, x.claim, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var version int64
			for _, line := range l {
				if fmt.Sprint(line.ID) == fmt.Sprint(first["line_id"]) {
					version = line.Version
				}
			}
			if st, _, hd := pay.post(fmt.Sprintf("/payments/%d/clawback", id), url.Values{"line": {fmt.Sprint(first["line_id"])}, "version": {fmt.Sprint(version)}, "reason": {"冒领，已核实"}}); st != http.StatusSeeOther ||
				!strings.Contains(hd.Get("Location"), "done=clawed_back") {
				t.Fatalf("clawback %d", st)
			}
			assertLedgerBalanced(t, db)

			// the ledger
			lg := x.api(t, tok, http.MethodGet, "/api/v1/ledger", nil, http.StatusOK)
			if crNum(lg["total"]) != int64(2*len(items)+1) {
				t.Fatalf("ledger %v", lg)
			}
			if st, body, _ := pay.get("/ledger"); st != http.StatusOK || !strings.Contains(body, "已追回") {
				t.Fatalf("ledger page %d", st)
			}
			if st, _, hd := pay.get("/ledger?format=xlsx"); st != http.StatusOK || hd.Get("Content-Type") != sheet.ContentType {
				t.Fatalf("ledger export %d", st)
			}
			if lg := x.api(t, foreignTok, http.MethodGet, "/api/v1/ledger", nil, http.StatusOK); crNum(lg["total"]) != 0 {
				t.Fatalf("another county reads the ledger: %v", lg)
			}
		})
	}
}
