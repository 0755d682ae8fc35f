package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// Creates through the API take an Idempotency-Key with Stripe's semantics: a retry gets the
// first answer and creates nothing; the same key with another body is refused; and an answer
// that carried a one-time password is never stored, so a retry is told so instead.
func TestIdempotencyKeys(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newAdmWorld(t, db)
			key := http.Header{"Idempotency-Key": {"create-org-0001"}}
			org := map[string]any{"kind": "institution", "name": "重试培训学校", "credit_code": creditCode("52430211MJ7777777", false),
				"county": "430211", "address": "株洲市天元区重试路 1 号"}
			status, first, _ := w.requestWith(w.sys, http.MethodPost, "/api/v1/orgs", org, key)
			if status != http.StatusCreated {
				t.Fatalf("first create: %d %s", status, first)
			}
			status, again, h := w.requestWith(w.sys, http.MethodPost, "/api/v1/orgs", org, key)
			if status != http.StatusCreated || string(again) != string(first) || h.Get("Idempotent-Replayed") != "true" {
				t.Fatalf("retry: %d replayed=%q\nfirst %s\nagain %s", status, h.Get("Idempotent-Replayed"), first, again)
			}
			if _, n, err := db.SearchOrgs(context.Background(), xiangpei.Scope{All: true}, "", "重试培训学校", "", store.Page{Limit: 5}); err != nil || n != 1 {
				t.Fatalf("a retried create made %d organisations (%v)", n, err)
			}
			org["name"] = "另一所学校"
			status, body, _ := w.requestWith(w.sys, http.MethodPost, "/api/v1/orgs", org, key)
			if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), w.msg("idempotency.mismatch")) {
				t.Fatalf("same key, other body: %d %s", status, body)
			}

			// One-time passwords are not kept for replay.
			secretKey := http.Header{"Idempotency-Key": {"create-officer-0001"}}
			acct := map[string]any{"login": "retry.officer", "display_name": "重试经办", "role": "officer",
				"duties": []string{"registry"}, "region": "430211"}
			status, created, _ := w.requestWith(w.sys, http.MethodPost, "/api/v1/accounts", acct, secretKey)
			if status != http.StatusCreated {
				t.Fatalf("create account: %d %s", status, created)
			}
			pw, _ := decode(t, string(created))["initial_password"].(string)
			if len(pw) < 10 {
				t.Fatalf("no one-time password in %s", created)
			}
			status, body, _ = w.requestWith(w.sys, http.MethodPost, "/api/v1/accounts", acct, secretKey)
			if status != http.StatusConflict || !strings.Contains(string(body), w.msg("idempotency.secret")) || strings.Contains(string(body), pw) {
				t.Fatalf("retry of a create that returned a password: %d %s", status, body)
			}
			rec, err := db.ReserveIdempotencyKey(context.Background(), w.sysID, "create-officer-0001", "probe")
			if err != nil || rec == nil || strings.Contains(rec.Body, pw) {
				t.Fatalf("the stored answer holds the one-time password: %+v %v", rec, err)
			}
			if _, n, _ := db.ListAccounts(context.Background(), "officer", "retry.officer", store.Page{Limit: 5}); n != 1 {
				t.Fatalf("a retried account create made %d accounts", n)
			}
		})
	}
}
