package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/store/storetest"
)

// TestStagesWherePeopleLook: a 70% staged budget pays the first stage of the claim's lines;
// the claim page, the trainee's /me/claims and lifelong record (and their JSON twins) show
// stage 1 in payment then paid, stage 2 waiting for employment until the date 6 months after
// the class end, then payable once verified, then paid by a stage-2 batch. The links to the
// bank account pages are where people look: the institution's home, the registry
// organisation page, the trainee's record and /me/claims.
func TestStagesWherePeopleLook(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			x, tok, _, payer := payWeb(t, db)
			bals, err := db.LedgerBalances(t.Context(), payer.Actor(), 0)
			if err != nil || len(bals) != 1 {
				t.Fatalf("budgets %v", err)
			}
			g := bals[0].Budget
			x.api(t, tok, http.MethodPost, "/api/v1/subsidy/budgets", map[string]any{"region": g.Region, "year": g.Year, "amount": "100000",
				"version": g.Version, "stage1_pct": 70}, http.StatusOK)
			b := x.api(t, tok, http.MethodPost, "/api/v1/payments", map[string]any{"budget": g.ID}, http.StatusCreated)
			id := crNum(b["id"])
			items := x.api(t, tok, http.MethodGet, fmt.Sprintf("/api/v1/payments/%d", id), nil, http.StatusOK)["payment_items"].([]any)
			me := x.token(x.trainee.ID)
			mine := func() map[string]any {
				t.Helper()
				for _, lv := range x.api(t, me, http.MethodGet, "/api/v1/me/claims", nil, http.StatusOK)["lines"].([]any) {
					if l := lv.(map[string]any); crNum(l["claim_id"]) == x.claim {
						return l
					}
				}
				t.Fatal("the trainee's line is not on /api/v1/me/claims")
				return nil
			}
			l := mine()
			st, ok := l["stages"].(map[string]any)
			if !ok || st["stage1_status"] != "in_payment" || st["stage2_status"] != "waiting" || st["employment_until"] == "" ||
				crNum(st["stage1_fen"])+crNum(st["stage2_fen"]) != crNum(l["amount_fen"]) || l["status"] != "in_payment" {
				t.Fatalf("stages of the trainee's line %v", l)
			}
			stage1, stage2, until := st["stage1_yuan"].(string), st["stage2_yuan"].(string), st["employment_until"].(string)
			// the claim's JSON twin carries the same
			k := x.api(t, x.instTok, http.MethodGet, fmt.Sprintf("/api/v1/claims/%d", x.claim), nil, http.StatusOK)
			staged := 0
			for _, lv := range k["claim_lines"].([]any) {
				if s, ok := lv.(map[string]any)["stages"].(map[string]any); ok && s["stage2_status"] == "waiting" {
					staged++
				}
			}
			if staged != len(items) {
				t.Fatalf("staged lines on the claim %d, items %d", staged, len(items))
			}

			// the bank pays stage 1
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
			paid1 := "第一期 ¥" + stage1 + "：已拨付"
			waiting := "第二期 ¥" + stage2 + "：等待就业核实（结业后 6 个月内就业，截至 " + until + "）"
			inst := x.signedIn(t, x.inst)
			if st, body, _ := inst.get(fmt.Sprintf("/claims/%d", x.claim)); st != http.StatusOK || !strings.Contains(body, paid1) || !strings.Contains(body, waiting) {
				t.Fatalf("claim page %d: want %q and %q", st, paid1, waiting)
			}
			trainee := x.signedIn(t, x.trainee)
			for _, p := range []string{"/me/claims", "/me"} {
				if st, body, _ := trainee.get(p); st != http.StatusOK || !strings.Contains(body, paid1) || !strings.Contains(body, waiting) ||
					!strings.Contains(body, `href="/me/bank-account"`) {
					t.Fatalf("%s %d: want the stages and the link to /me/bank-account", p, st)
				}
			}
			rec := x.api(t, me, http.MethodGet, "/api/v1/me/record", nil, http.StatusOK)
			found := false
			for _, sv := range rec["subsidies"].([]any) {
				if s, ok := sv.(map[string]any)["stages"].(map[string]any); ok && s["stage1_status"] == "paid" && s["stage2_status"] == "waiting" {
					found = true
				}
			}
			if !found {
				t.Fatalf("record JSON %v", rec["subsidies"])
			}

			// verified → payable; a stage-2 batch and its return → paid
			line := crNum(l["id"])
			x.api(t, tok, http.MethodPost, fmt.Sprintf("/api/v1/payments/stages/%d/verify", line), map[string]any{"note": "电话核实：已在株洲某养老院就业"}, http.StatusOK)
			if st, body, _ := trainee.get("/me"); st != http.StatusOK || !strings.Contains(body, "第二期 ¥"+stage2+"：已核实就业，可发放") {
				t.Fatalf("record after verification %d", st)
			}
			if s := mine()["stages"].(map[string]any); s["stage2_status"] != "payable" {
				t.Fatalf("stages after verification %v", s)
			}
			b2 := x.api(t, tok, http.MethodPost, "/api/v1/payments", map[string]any{"budget": g.ID, "stage2": true}, http.StatusCreated)
			id2 := crNum(b2["id"])
			items2 := x.api(t, tok, http.MethodGet, fmt.Sprintf("/api/v1/payments/%d", id2), nil, http.StatusOK)["payment_items"].([]any)
			if len(items2) != 1 {
				t.Fatalf("stage 2 items %v", items2)
			}
			m := items2[0].(map[string]any)
			file = "\uFEFF付款参考号,状态,金额(元),原因\r\n" + fmt.Sprintf("%v,成功,%v,\r\n合计,1,%v,\r\n", m["line_id"], m["amount_yuan"], m["amount_yuan"])
			if st, m := x.uploadReturn(t, tok, id2, []byte(file), "1"); st != http.StatusOK {
				t.Fatalf("return 2 %d %v", st, m)
			}
			if st, body, _ := inst.get(fmt.Sprintf("/claims/%d", x.claim)); st != http.StatusOK || !strings.Contains(body, "第二期 ¥"+stage2+"：已拨付") {
				t.Fatalf("claim page after stage 2: %d", st)
			}
			if s := mine()["stages"].(map[string]any); s["stage2_status"] != "paid" || s["stage1_status"] != "paid" {
				t.Fatalf("stages after stage 2 %v", s)
			}
			assertLedgerBalanced(t, db)

			// links to the bank account pages
			if st, body, _ := inst.get("/"); st != http.StatusOK || !strings.Contains(body, `href="/org/bank-account"`) {
				t.Errorf("institution home %d: no link to /org/bank-account", st)
			}
			reg := x.account(xiangpei.AccountInput{Login: "ty_reg2", DisplayName: "天元区登记", Role: xiangpei.RoleOfficer, Region: "430211",
				Duties: xiangpei.Duties{xiangpei.DutyRegistry}}, testPassword)
			orgBank := fmt.Sprintf(`href="/registry/orgs/%d/bank-account"`, x.w.Inst.ID)
			if st, body, _ := x.signedIn(t, reg).get(fmt.Sprintf("/registry/orgs/%d", x.w.Inst.ID)); st != http.StatusOK || !strings.Contains(body, orgBank) {
				t.Errorf("registry organisation page %d: no link to its bank account", st)
			}
		})
	}
}
