package web

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// TestOversightPages: the county officer sees the assessment bodies of the county with their
// volumes, one body's page, and the signals with their counts, as pages, JSON and Excel; an
// officer of another county sees neither the bodies nor their signals, and a body outside the
// region or an organisation that is not an assessment body is a 404.
func TestOversightPages(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ce := newCertEnv(t, db)
			// A burst at the county's body: 201 certificates in three days.
			err := db.Tx(context.Background(), ce.w.Admin, func(tx *store.Tx) error {
				for i := range 201 {
					if _, err := tx.IssueCertificate(xiangpei.Certificate{Level: "5", PersonID: ce.person.ID, County: "430211",
						OccupationCode: "4-10-01-05", IssuerOrgID: ce.bodyA.ID, IssuedOn: fmt.Sprintf("2026-11-%02d", 3+i%3),
						Source: xiangpei.CertFromAssessment, SourceID: int64(100 + i)}); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			year := "?year=2026"
			code, body, _ := ce.request(ce.tOff, "GET", "/evaluation/bodies"+year+"&sort=issued", nil)
			if code != 200 || !strings.Contains(string(body), ce.bodyA.Name) || strings.Contains(string(body), ce.bodyB.Name) ||
				!strings.Contains(string(body), ">202<") {
				t.Fatalf("bodies: %d %s", code, body)
			}
			code, body, _ = ce.request(ce.tOff, "GET", "/api/v1/evaluation/bodies"+year, nil)
			m := decode(t, string(body))
			if code != 200 || fmt.Sprint(m["total"]) != "1" || !strings.Contains(string(body), `"certificates_issued":202`) {
				t.Errorf("bodies JSON: %d %s", code, body)
			}
			code, body, h := ce.request(ce.tOff, "GET", "/evaluation/bodies"+year+"&format=xlsx", nil)
			if code != 200 || h.Get("Content-Type") != sheet.ContentType || !strings.HasPrefix(string(body), "PK") {
				t.Errorf("bodies export: %d", code)
			}
			code, body, _ = ce.request(ce.tOOff, "GET", "/api/v1/evaluation/bodies"+year, nil)
			if code != 200 || !strings.Contains(string(body), ce.bodyB.Name) || strings.Contains(string(body), ce.bodyA.Name) {
				t.Errorf("the other county's bodies: %d %s", code, body)
			}

			bodyPath := "/evaluation/bodies/" + fmt.Sprint(ce.bodyA.ID) + year
			code, body, _ = ce.request(ce.tOff, "GET", bodyPath, nil)
			if code != 200 || !strings.Contains(string(body), ce.bodyA.Name) || !strings.Contains(string(body), "集中发证") {
				t.Errorf("one body: %d %s", code, body)
			}
			code, body, _ = ce.request(ce.tOff, "GET", "/api/v1"+strings.TrimSuffix(bodyPath, year)+year, nil)
			if m := decode(t, string(body)); code != 200 || len(m["months"].([]any)) != 12 || len(m["signals"].([]any)) != 1 {
				t.Errorf("one body JSON: %d %s", code, body)
			}
			if code, _, h := ce.request(ce.tOff, "GET", bodyPath+"&format=xlsx", nil); code != 200 || h.Get("Content-Type") != sheet.ContentType {
				t.Errorf("one body export: %d", code)
			}
			for _, p := range []string{"/evaluation/bodies/" + fmt.Sprint(ce.bodyA.ID), "/api/v1/evaluation/bodies/" + fmt.Sprint(ce.bodyA.ID)} {
				if code, _, _ := ce.request(ce.tOOff, "GET", p, nil); code != 404 {
					t.Errorf("another county's body %s: %d, want 404", p, code)
				}
			}
			if code, _, _ := ce.request(ce.tOff, "GET", "/evaluation/bodies/"+fmt.Sprint(ce.w.Inst.ID), nil); code != 404 {
				t.Errorf("an institution as a body: %d, want 404", code)
			}

			code, body, _ = ce.request(ce.tOff, "GET", "/evaluation/signals"+year, nil)
			page := string(body)
			if code != 200 || !strings.Contains(page, "集中发证") || !strings.Contains(page, `<p class="ovs-count">1</p>`) ||
				!strings.Contains(page, ce.bodyA.Name) || !strings.Contains(page, "2026-11-02 至 2026-11-08 发证 202 本") {
				t.Errorf("signals: %d %s", code, page)
			}
			code, body, _ = ce.request(ce.tOff, "GET", "/api/v1/evaluation/signals"+year, nil)
			m = decode(t, string(body))
			sig, _ := m["signals"].([]any)
			if code != 200 || fmt.Sprint(m["counts"]) != "map[cert_burst:1]" || len(sig) != 1 ||
				len(sig[0].(map[string]any)["certificate_ids"].([]any)) != 202 {
				t.Errorf("signals JSON: %d %s", code, body)
			}
			if code, body, _ := ce.request(ce.tOff, "GET", "/api/v1/evaluation/signals"+year+"&code=pass_rate_outlier", nil); code != 200 ||
				fmt.Sprint(decode(t, string(body))["total"]) != "0" {
				t.Errorf("signals of one code: %d %s", code, body)
			}
			if code, _, h := ce.request(ce.tOff, "GET", "/evaluation/signals"+year+"&format=xlsx", nil); code != 200 || h.Get("Content-Type") != sheet.ContentType {
				t.Errorf("signals export: %d", code)
			}
			code, body, _ = ce.request(ce.tOOff, "GET", "/api/v1/evaluation/signals"+year, nil)
			if code != 200 || fmt.Sprint(decode(t, string(body))["total"]) != "0" {
				t.Errorf("the other county's signals: %d %s", code, body)
			}
			for _, tok := range []string{ce.tA, ce.tHolder, ce.tSys} {
				if code, _, _ := ce.request(tok, "GET", "/evaluation/signals", nil); code != 403 {
					t.Errorf("signals for a non-officer: %d, want 403", code)
				}
			}
		})
	}
}
