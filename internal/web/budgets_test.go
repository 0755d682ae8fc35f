package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xiangpei/internal/sheet"
	"xiangpei/internal/store/storetest"
)

func TestSubsidyBudgetsWeb(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			se := newSREnv(t, newEnv(t, db))
			city := se.browser()
			city.signIn(se.city, testPassword)

			code, body, _ := city.get("/subsidy/budgets")
			if code != http.StatusOK || !strings.Contains(body, se.msg("budget.none")) || !strings.Contains(body, `value="2026"`) {
				t.Fatalf("empty: %d %s", code, body)
			}
			// Bad input: the page again with the message.
			for _, c := range []struct {
				v   url.Values
				key string
			}{
				{url.Values{"region": {"430200"}, "year": {"2026"}, "amount": {"-5"}}, "budget.amount"},
				{url.Values{"region": {"430100"}, "year": {"2026"}, "amount": {"5"}}, "budget.scope"},
				{url.Values{"region": {"430200"}, "year": {"2026"}, "program": {"nope"}, "amount": {"5"}}, "budget.program_unknown"},
			} {
				code, body, _ := city.post("/subsidy/budgets", c.v)
				if code != http.StatusUnprocessableEntity && code != http.StatusBadRequest || !strings.Contains(body, se.msg(c.key, "nope")) {
					t.Errorf("%v: %d %s", c.v, code, body)
				}
			}
			code, _, h := city.post("/subsidy/budgets", url.Values{"region": {"430200"}, "year": {"2026"}, "amount": {"5000000"}, "note": {"年初预算"}})
			if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=budget_set") {
				t.Fatalf("set: %d %v", code, h)
			}
			code, _, _ = city.post("/subsidy/budgets", url.Values{"region": {"430211"}, "year": {"2026"}, "program": {"migrant_skills"}, "amount": {"800000.50"}})
			if code != http.StatusSeeOther {
				t.Fatalf("set program: %d", code)
			}
			code, body, _ = city.get("/subsidy/budgets")
			if code != http.StatusOK || !strings.Contains(body, "5000000.00") || !strings.Contains(body, "800000.50") || !strings.Contains(body, "5800000.50") {
				t.Errorf("list: %s", body)
			}
			// Change through the API with the version; a stale version is a conflict.
			tok := se.token(se.city.ID)
			code, raw, _ := se.request(tok, http.MethodGet, "/api/v1/subsidy/budgets?year=2026&program=-", nil)
			m := decode(t, string(raw))
			list, _ := m["budgets"].([]any)
			if code != http.StatusOK || len(list) != 1 {
				t.Fatalf("api list: %d %s", code, raw)
			}
			change := map[string]any{"region": "430200", "year": 2026, "program": "", "amount": "6000000", "note": "追加", "version": 1}
			if code, raw, _ := se.request(tok, http.MethodPost, "/api/v1/subsidy/budgets", change); code != http.StatusOK || !strings.Contains(string(raw), `"amount_fen":600000000`) {
				t.Errorf("api change: %d %s", code, raw)
			}
			if code, _, _ := se.request(tok, http.MethodPost, "/api/v1/subsidy/budgets", change); code != http.StatusConflict {
				t.Errorf("stale change: %d", code)
			}
			// Another city's officer sees none of them; the export has a header and two rows.
			other := se.token(se.other.ID)
			if _, raw, _ := se.request(other, http.MethodGet, "/api/v1/subsidy/budgets", nil); !strings.Contains(string(raw), `"total":0`) {
				t.Errorf("other city: %s", raw)
			}
			code, raw, h = se.request(tok, http.MethodGet, "/subsidy/budgets?year=2026&format=xlsx", nil)
			if code != http.StatusOK || h.Get("Content-Type") != sheet.ContentType || len(readWorkbook(t, raw)) != 3 {
				t.Errorf("xlsx: %d", code)
			}
			// A county officer without payment or targets may not open the page.
			if code, _, _ := se.request(se.token(se.county.ID), http.MethodGet, "/api/v1/subsidy/budgets", nil); code != http.StatusForbidden {
				t.Errorf("county: %d", code)
			}
		})
	}
}
