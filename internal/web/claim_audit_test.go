package web

import (
	"fmt"
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

// waitAuditRun reads a run over the API until it is no longer running (the work is done in the
// background) and returns its JSON.
func waitAuditRun(t *testing.T, cw *complWorld, tok string, id int64) map[string]any {
	t.Helper()
	for i := 0; i < 500; i++ {
		st, body, _ := cw.request(tok, http.MethodGet, fmt.Sprintf("/api/v1/claims/audit/runs/%d", id), nil)
		if st != http.StatusOK {
			t.Fatalf("run: %d %s", st, body)
		}
		m := decode(t, string(body))
		if m["status"] != "running" {
			return m
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the run never finished")
	return nil
}

// TestClaimAuditPages: submitting a claim audits it; a claim reviewer of the county runs the
// audit over the county and year from the page and over the API, follows its progress, reads
// the findings by check (a revoked certificate) with links to the lines, and exports them; a
// reviewer of another county gets 404 for the run and for the county, an institution 403.
func TestClaimAuditPages(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw, certs := claimWebWorld(t, db)
			k, err := store.Do(t.Context(), db, cw.w.InstA, func(tx *store.Tx) (xiangpei.Claim, error) {
				k, err := tx.CreateClassClaim(cw.w.InstA.Scope(), cw.c.ID)
				if err != nil {
					return k, err
				}
				if k, err = tx.SubmitClaim(cw.w.InstA.Scope(), k.ID, k.Version); err != nil {
					return k, err
				}
				c := certs[cw.person.ID]
				_, err = tx.RevokeCertificate(xiangpei.Scope{All: true}, c.ID, c.Version, "证书造假")
				return k, err
			})
			if err != nil {
				t.Fatal(err)
			}
			reviewer := cw.account(xiangpei.AccountInput{Login: "t_ca", DisplayName: "天元区审核", Role: xiangpei.RoleOfficer, Region: "430211",
				Duties: xiangpei.Duties{xiangpei.DutyClaimReview1}}, testPassword)
			foreign := cw.account(xiangpei.AccountInput{Login: "t_ca2", DisplayName: "荷塘区审核", Role: xiangpei.RoleOfficer, Region: "430202",
				Duties: xiangpei.Duties{xiangpei.DutyClaimReview2}}, testPassword)
			tok := cw.token(reviewer.ID)
			// the audit on submission passed both lines (the certificate was revoked after)
			st, raw, _ := cw.request(tok, http.MethodGet, fmt.Sprintf("/api/v1/claims/%d", k.ID), nil)
			if st != http.StatusOK || strings.Count(string(raw), `"audit":"pass"`) != 2 {
				t.Fatalf("claim after submission: %d %s", st, raw)
			}
			year := cw.w.Now().In(xiangpei.ChinaTime).Year()

			// over the API
			st, raw, _ = cw.request(tok, http.MethodPost, "/api/v1/claims/audit", map[string]any{"region": "430211", "year": year})
			if st != http.StatusAccepted {
				t.Fatalf("start: %d %s", st, raw)
			}
			var id int64
			fmt.Sscan(fmt.Sprint(decode(t, string(raw))["id"]), &id)
			m := waitAuditRun(t, cw, tok, id)
			if m["status"] != "done" || fmt.Sprint(m["lines"]) != "2" || fmt.Sprint(m["failed"]) != "1" || fmt.Sprint(m["passed"]) != "1" || fmt.Sprint(m["percent"]) != "100" {
				t.Fatalf("run: %v", m)
			}
			counts := m["counts"].([]any)
			if len(counts) != 1 || counts[0].(map[string]any)["code"] != xiangpei.CheckCertRevoked || fmt.Sprint(counts[0].(map[string]any)["count"]) != "1" {
				t.Fatalf("counts: %v", counts)
			}

			// in the browser
			b := cw.signedIn(t, reviewer)
			st, body, _ := b.get("/claims/audit")
			if st != http.StatusOK || !strings.Contains(body, `action="/claims/audit"`) || !strings.Contains(body, fmt.Sprintf("/claims/audit/runs/%d", id)) {
				t.Fatalf("audit page: %d %s", st, body)
			}
			st, _, hd := b.post("/claims/audit", url.Values{"region": {"430211"}, "year": {fmt.Sprint(year)}})
			loc := hd.Get("Location")
			if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/claims/audit/runs/") || !strings.Contains(loc, "done=claim_audit_started") {
				t.Fatalf("start in the browser: %d %s", st, loc)
			}
			var id2 int64
			fmt.Sscanf(strings.TrimPrefix(loc, "/claims/audit/runs/"), "%d", &id2)
			waitAuditRun(t, cw, tok, id2)
			path := fmt.Sprintf("/claims/audit/runs/%d", id2)
			st, body, _ = b.get(path)
			if st != http.StatusOK || !strings.Contains(body, "证书已被撤销") || !strings.Contains(body, fmt.Sprintf("/claims/%d#line-", k.ID)) ||
				!strings.Contains(body, "state-done") || strings.Contains(body, `http-equiv="refresh"`) {
				t.Fatalf("run page: %d %s", st, body)
			}
			st, body, hd = b.get(path + "?format=xlsx")
			if st != http.StatusOK || hd.Get("Content-Type") != sheet.ContentType {
				t.Fatalf("export: %d %s", st, hd.Get("Content-Type"))
			}
			if rows := readXLSX(t, body, "校验项"); len(rows) != 1 {
				t.Fatalf("export rows: %d", len(rows))
			}
			// the first run's findings of those lines were replaced by the second's
			st, raw, _ = cw.request(tok, http.MethodGet, fmt.Sprintf("/api/v1/claims/audit/runs/%d", id), nil)
			if st != http.StatusOK || fmt.Sprint(decode(t, string(raw))["total"]) != "0" {
				t.Fatalf("first run after the second: %d %s", st, raw)
			}

			// other reviewers and roles
			ftok := cw.token(foreign.ID)
			if st, _, _ := cw.request(ftok, http.MethodGet, "/api/v1"+path, nil); st != http.StatusNotFound {
				t.Errorf("foreign reviewer reads the run: %d", st)
			}
			if st, _, _ := cw.request(ftok, http.MethodPost, "/api/v1/claims/audit", map[string]any{"region": "430211", "year": year}); st != http.StatusNotFound {
				t.Errorf("foreign reviewer runs another county: %d", st)
			}
			if st, _, _ := cw.request(cw.instTok, http.MethodGet, "/api/v1/claims/audit", nil); st != http.StatusForbidden {
				t.Errorf("institution reads the audit: %d", st)
			}
			if st, raw, _ := cw.request(tok, http.MethodPost, "/api/v1/claims/audit", map[string]any{"region": "430211", "year": 1}); st != http.StatusBadRequest && st != http.StatusUnprocessableEntity {
				t.Errorf("bad year: %d %s", st, raw)
			}
		})
	}
}
