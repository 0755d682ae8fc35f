package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

var totpSecretShown = regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`)

// An officer without a second factor can do nothing until they enrol one: every page sends
// them to the enrolment page, which shows a QR code and the key; a right code enrols them.
func TestTOTPEnrolment(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			var a xiangpei.Account
			err := db.Tx(context.Background(), xiangpei.Actor{Name: "test"}, func(tx *store.Tx) error {
				var err error
				a, err = tx.CreateAccount(officerInput("new.officer", "430211", xiangpei.DutyRegistry), auth.HashPassword(testPassword, cheapHash), false)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			e.secrets = append(e.secrets, testPassword)
			b := e.browser()
			if code, _, h := b.login(a.Login, testPassword); code != http.StatusSeeOther || h.Get("Location") != "/" {
				t.Fatalf("sign-in: %d %s", code, h.Get("Location"))
			}
			for _, path := range []string{"/", "/registry/persons", "/audit", "/login/totp"} {
				if _, _, h := b.get(path); h.Get("Location") != "/account/totp" {
					t.Fatalf("%s before enrolment went to %q, want /account/totp", path, h.Get("Location"))
				}
			}
			code, page, _ := b.get("/account/totp")
			m := totpSecretShown.FindStringSubmatch(page)
			if code != http.StatusOK || m == nil || !strings.Contains(page, `src="/account/totp/qr.png"`) {
				t.Fatalf("enrolment page: %d, key shown %v", code, m != nil)
			}
			if strings.Contains(page, `id="demo-code"`) {
				t.Fatal("a database not seeded as a demo shows the current one-time code")
			}
			e.secrets = append(e.secrets, m[1])
			code, png, h := b.get("/account/totp/qr.png")
			if code != http.StatusOK || h.Get("Content-Type") != "image/png" || !strings.HasPrefix(png, "\x89PNG") {
				t.Fatalf("QR code: %d %s", code, h.Get("Content-Type"))
			}
			if code, body, _ := b.post("/account/totp", url.Values{"code": {"123456"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "动态口令不正确") {
				t.Fatalf("wrong code: %d", code)
			}
			now, _ := auth.TOTPCode(m[1], e.clock.now())
			if code, _, h := b.post("/account/totp", url.Values{"code": {now}}); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/") {
				t.Fatalf("right code: %d", code)
			}
			if code, _, _ := b.get("/registry/persons"); code != http.StatusOK {
				t.Fatalf("after enrolment: %d", code)
			}
			if code, _, _ := b.get("/account/totp/qr.png"); code != http.StatusNotFound {
				t.Fatalf("the QR code of an enrolled key is still served: %d", code)
			}
		})
	}
}

// Under the government profile a password older than 90 days must be changed at sign-in.
func TestGovernmentProfileRotation(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			a := e.account(xiangpei.AccountInput{Login: "staff.rotate", DisplayName: "机构职员", Role: xiangpei.RoleInstitution, OrgID: e.org(t)}, testPassword)
			if err := db.Tx(context.Background(), xiangpei.Actor{Name: "secadmin"}, func(tx *store.Tx) error {
				return tx.SetSetting(store.SettingPasswordProfile, string(xiangpei.ProfileGov), false)
			}); err != nil {
				t.Fatal(err)
			}
			e.clock.add(91 * 24 * time.Hour)
			b := e.browser()
			b.login(a.Login, testPassword)
			if _, _, h := b.get("/"); h.Get("Location") != "/account/password" {
				t.Fatalf("an expired password did not force a change: %q", h.Get("Location"))
			}
			b.get("/account/password")
			// The government profile wants three kinds of character.
			weak := "lowercase only words"
			if code, body, _ := b.post("/account/password", url.Values{"current": {testPassword}, "new": {weak}, "confirm": {weak}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "至少三种") {
				t.Fatalf("weak password under the government profile: %d", code)
			}
			strong := "Lantern-River-2026"
			e.secrets = append(e.secrets, strong)
			if code, _, _ := b.post("/account/password", url.Values{"current": {testPassword}, "new": {strong}, "confirm": {strong}}); code != http.StatusSeeOther {
				t.Fatalf("password change: %d", code)
			}
			if code, _, _ := b.get("/"); code != http.StatusOK {
				t.Fatalf("after the change: %d", code)
			}
		})
	}
}

func TestHealthMetricsAndOpenAPI(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	// In this order: /metrics counts the requests made before it, so it comes last (a map's
	// order is random, and the counter is absent until a request has been counted).
	for _, c := range [][2]string{{"/healthz", "ok"}, {"/readyz", "ready"}, {"/metrics", "xiangpei_http_requests_total"}} {
		path, want := c[0], c[1]
		code, body, _ := e.request("", http.MethodGet, path, nil)
		if code != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d %q", path, code, body)
		}
	}
	code, body, _ := e.request("", http.MethodGet, "/api/v1/openapi.json", nil)
	if code != http.StatusOK {
		t.Fatalf("openapi: %d", code)
	}
	doc := decode(t, string(body))
	paths, _ := doc["paths"].(map[string]any)
	for _, rt := range e.srv.Routes() {
		if !rt.API {
			continue
		}
		p := strings.TrimPrefix(rt.Path, "/api/v1")
		ops, _ := paths[p].(map[string]any)
		if _, ok := ops[strings.ToLower(rt.Method)]; !ok {
			t.Errorf("OpenAPI does not describe %s", rt.Pattern)
		}
	}
}

// A demo database says so on every page and shows one-time codes; another never does.
func TestDemoBannerOnlyOnDemo(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			_, page, _ := e.browser().get("/login")
			if strings.Contains(page, `class="demo-banner"`) || strings.Contains(page, seed.DemoPassword) {
				t.Fatal("a database not seeded as a demo shows the demo banner or passwords")
			}
			if _, err := seed.Demo(context.Background(), db); err != nil {
				t.Fatal(err)
			}
			e.clock.add(10 * time.Second) // past the server's few-second cache of the demo flag
			b := e.browser()
			_, page, _ = b.get("/login")
			if !strings.Contains(page, `class="demo-banner"`) || !strings.Contains(page, seed.DemoPassword) {
				t.Fatal("the demo database does not show its banner and accounts")
			}
			b.login("ty_officer", seed.DemoPassword)
			_, page, _ = b.get("/login/totp")
			m := regexp.MustCompile(`id="demo-code">(\d{6})<`).FindStringSubmatch(page)
			if m == nil {
				t.Fatal("the demo's one-time code is not shown")
			}
			if code, _, _ := b.post("/login/totp", url.Values{"code": {m[1]}}); code != http.StatusSeeOther {
				t.Fatalf("the shown code does not work: %d", code)
			}
		})
	}
}
