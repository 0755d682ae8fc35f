package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// matrixPolicies gives every role a real {policy} and {faq}: the own ones published by an
// officer of 天元区 (the matrix officer's county), the foreign ones drafts of 荷塘区, which the
// matrix officer cannot reach.
func matrixPolicies(t *testing.T, tx *store.Tx, w *matrixWorld) {
	t.Helper()
	actor := tx.Actor
	defer func() { tx.Actor = actor }()
	mk := func(county string, publish bool) (xiangpei.Policy, xiangpei.FAQ) {
		tx.Actor = xiangpei.Actor{AccountID: 9300, Name: "matrix_publisher", Role: xiangpei.RoleOfficer, Region: county,
			Duties: xiangpei.Duties{xiangpei.DutyPublish}}
		p, err := tx.CreatePolicy(xiangpei.PolicyInput{Region: county, Title: "职业技能培训补贴办法", Issuer: "区人社局",
			Category: "training_subsidy", Body: "参加培训取得证书的，可申领职业技能培训补贴。", EffectiveFrom: "2026-01-01"})
		if err == nil && publish {
			p, err = tx.MovePolicy(p.ID, p.Version, xiangpei.PolicyPublish, "")
		}
		if err != nil {
			t.Fatalf("matrix policy: %v", err)
		}
		f, err := tx.CreateFAQ(xiangpei.FAQInput{Region: county, Question: "电工培训有补贴吗？", Answer: "列入目录的可以申领。",
			Category: "training_subsidy"})
		if err == nil && publish {
			f, err = tx.MoveFAQ(f.ID, f.Version, xiangpei.PolicyPublish, "")
		}
		if err != nil {
			t.Fatalf("matrix faq: %v", err)
		}
		return p, f
	}
	ownP, ownF := mk("430211", true)
	foreignP, foreignF := mk("430202", false)
	for label := range w.own {
		w.own[label]["policy"], w.foreign[label]["policy"] = fmt.Sprint(ownP.ID), fmt.Sprint(foreignP.ID)
		w.own[label]["faq"], w.foreign[label]["faq"] = fmt.Sprint(ownF.ID), fmt.Sprint(foreignF.ID)
	}
}

// TestPoliciesHTTP: a county officer drafts and publishes a policy over the API; the public
// finds it by a two-character word on the page (highlighted), in JSON and in the Excel export;
// another county's officer cannot reach it for management; the public eligibility check answers
// by the rule, and a bad birth date shows the form again with the message.
func TestPoliciesHTTP(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			ty := e.account(officerInput("ty_policy", "430211", xiangpei.DutyPublish), testPassword)
			ht := e.account(officerInput("ht_policy", "430202", xiangpei.DutyPublish), testPassword)
			tok := e.token(ty.ID)
			st, raw, _ := e.request(tok, http.MethodPost, "/api/v1/policies/manage", map[string]any{"region": "430211",
				"title": "天元区电工培训补贴办法", "issuer": "天元区人社局", "doc_number": "天人社发〔2026〕2号",
				"category": "training_subsidy", "body": "参加电工培训并取得证书的劳动者，可申领培训补贴。", "effective_from": "2026-01-01"})
			if st != http.StatusCreated {
				t.Fatalf("create: %d %s", st, raw)
			}
			p := decode(t, string(raw))
			id := fmt.Sprint(p["id"])
			if st, raw, _ = e.request(tok, http.MethodPost, "/api/v1/policies/manage/"+id+"/publish", map[string]any{"version": p["version"]}); st != http.StatusOK {
				t.Fatalf("publish: %d %s", st, raw)
			}
			if st, raw, _ = e.request(tok, http.MethodPost, "/api/v1/policies/manage/"+id, map[string]any{"version": p["version"]}); st != http.StatusConflict {
				t.Errorf("edit after publish: %d %s", st, raw)
			}
			if st, _, _ := e.request(e.token(ht.ID), http.MethodGet, "/api/v1/policies/manage/"+id, nil); st != http.StatusNotFound {
				t.Errorf("another county's officer: %d", st)
			}
			st, raw, _ = e.request("", http.MethodGet, "/api/v1/policies?q=%E7%94%B5%E5%B7%A5", nil) // 电工
			if st != http.StatusOK || !strings.Contains(string(raw), `"total":1`) {
				t.Errorf("search JSON: %d %s", st, raw)
			}
			b := e.browser()
			st, body, _ := b.get("/policies?q=%E8%A1%A5%E8%B4%B4") // 补贴
			if st != http.StatusOK || !strings.Contains(body, "<mark>补贴</mark>") {
				t.Errorf("search page: %d", st)
			}
			st, _, h := b.get("/policies?q=%E8%A1%A5%E8%B4%B4&format=xlsx")
			if st != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheet") {
				t.Errorf("export: %d %s", st, h.Get("Content-Type"))
			}
			if st, body, _ = b.get("/policies/" + id); st != http.StatusOK || !strings.Contains(body, "天人社发〔2026〕2号") {
				t.Errorf("policy page: %d", st)
			}
			// the public eligibility check, by the default rule (no list in force, no rule version)
			st, raw, _ = e.request("", http.MethodGet, "/api/v1/eligibility?birth_date=1990-01-01&county=430211&occupation=4-10-01-05&level=4", nil)
			if st != http.StatusOK || !strings.Contains(string(raw), `"amount_fen":150000`) || !strings.Contains(string(raw), `"eligible":true`) {
				t.Errorf("eligibility JSON: %d %s", st, raw)
			}
			st, body, _ = b.get("/eligibility?birth_date=1990-01-01&county=430211&occupation=4-10-01-05&level=4&group=migrant")
			if st != http.StatusOK || !strings.Contains(body, "1800.00") {
				t.Errorf("eligibility page: %d", st)
			}
			st, body, _ = b.get("/eligibility?birth_date=nope&county=430211")
			if st == http.StatusOK || !strings.Contains(body, e.srv.msg.T("zh-CN", "eligibility.birth_date_invalid")) {
				t.Errorf("bad birth date: %d", st)
			}
		})
	}
}
