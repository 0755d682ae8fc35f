package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/store/storetest"
)

func officerInput(login, region string, duties ...xiangpei.Duty) xiangpei.AccountInput {
	return xiangpei.AccountInput{Login: login, DisplayName: "经办人员", Role: xiangpei.RoleOfficer, Duties: duties, Region: region}
}

func TestSignInFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			a := e.account(officerInput("officer1", "430211", xiangpei.DutyRegistry), testPassword)
			b := e.browser()
			b.get("/login")
			code, _, h := b.post("/login", url.Values{"login": {"officer1"}, "password": {testPassword}})
			if code != http.StatusSeeOther {
				t.Fatalf("sign-in: %d", code)
			}
			first := sessionCookieOf(b, e)
			// Until the second factor is passed, pages redirect to it and the API refuses.
			if _, _, h = b.get("/registry/persons"); h.Get("Location") != "/login/totp" {
				t.Fatalf("page before TOTP redirected to %q", h.Get("Location"))
			}
			b.get("/login/totp")
			if code, body, _ := b.post("/login/totp", url.Values{"code": {"000000"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "动态口令不正确") {
				t.Fatalf("wrong TOTP: %d", code)
			}
			totp, _ := auth.TOTPCode(a.TOTPSecret, e.clock.now())
			if code, _, _ := b.post("/login/totp", url.Values{"code": {totp}}); code != http.StatusSeeOther {
				t.Fatalf("TOTP: %d", code)
			}
			if code, body, _ := b.get("/"); code != http.StatusOK || !strings.Contains(body, "经办人员") {
				t.Fatalf("home after sign-in: %d", code)
			}
			// Signing in again rotates the session: the old id no longer works.
			b.get("/login")
			b.post("/login", url.Values{"login": {"officer1"}, "password": {testPassword}})
			if second := sessionCookieOf(b, e); second == first || second == "" {
				t.Fatal("session id was not rotated at sign-in")
			}
			if _, err := db.DeleteExpiredSessions(context.Background(), e.clock.now()); err != nil {
				t.Fatal(err)
			}
			old := e.browser()
			old.c.Jar.SetCookies(mustURL(e.ts.URL), []*http.Cookie{{Name: sessionCookie, Value: first}})
			if _, _, h := old.get("/registry/persons"); !strings.HasPrefix(h.Get("Location"), "/login") {
				t.Fatalf("old session still valid after rotation: %q", h.Get("Location"))
			}
			// Logout ends the session on the server.
			b.get("/login/totp")
			totp, _ = auth.TOTPCode(a.TOTPSecret, e.clock.now())
			b.post("/login/totp", url.Values{"code": {totp}})
			sid := sessionCookieOf(b, e)
			b.get("/")
			if code, _, _ := b.post("/logout", nil); code != http.StatusSeeOther {
				t.Fatalf("logout: %d", code)
			}
			replay := e.browser()
			replay.c.Jar.SetCookies(mustURL(e.ts.URL), []*http.Cookie{{Name: sessionCookie, Value: sid}})
			if _, _, h := replay.get("/registry/persons"); !strings.HasPrefix(h.Get("Location"), "/login") {
				t.Fatal("a logged-out session still works")
			}
		})
	}
}

func TestSessionExpiry(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			a := e.account(officerInput("officer2", "430211", xiangpei.DutyRegistry), testPassword)
			b := e.browser()
			b.signIn(a, testPassword)
			if code, _, _ := b.get("/registry/persons"); code != http.StatusOK {
				t.Fatalf("signed in: %d", code)
			}
			e.clock.add(31 * time.Minute) // idle limit
			_, _, h := b.get("/registry/persons")
			if loc := h.Get("Location"); !strings.Contains(loc, "/login") || !strings.Contains(loc, "expired=1") {
				t.Fatalf("idle session not expired: %q", loc)
			}
			_, body, _ := b.get("/login?expired=1")
			if !strings.Contains(body, "登录已过期") {
				t.Fatal("the expired-session message is not shown")
			}
			// Absolute limit: active every 20 minutes, still out after 12 hours.
			b.signIn(a, testPassword)
			for i := 0; i < 37; i++ {
				e.clock.add(20 * time.Minute)
				b.get("/")
			}
			if _, _, h := b.get("/registry/persons"); !strings.Contains(h.Get("Location"), "/login") {
				t.Fatal("session outlived the 12-hour absolute limit")
			}
		})
	}
}

func TestLockOutAfterWrongPasswords(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			a := e.account(xiangpei.AccountInput{Login: "inst1", DisplayName: "机构人员", Role: xiangpei.RoleInstitution, OrgID: e.org(t)}, testPassword)
			b := e.browser()
			b.get("/login")
			for i := 1; i <= xiangpei.LockAfter; i++ {
				code, body, _ := b.post("/login", url.Values{"login": {a.Login}, "password": {"wrong-password-x"}})
				if i < xiangpei.LockAfter && (code != http.StatusUnauthorized || !strings.Contains(body, "账号或密码错误")) {
					t.Fatalf("attempt %d: %d", i, code)
				}
				if i == xiangpei.LockAfter && (code != http.StatusTooManyRequests || !strings.Contains(body, "账号已锁定")) {
					t.Fatalf("attempt %d should lock: %d", i, code)
				}
			}
			// Even the right password is refused while locked, and no session is created.
			if code, _, _ := b.post("/login", url.Values{"login": {a.Login}, "password": {testPassword}}); code != http.StatusTooManyRequests {
				t.Fatalf("right password during lock-out: %d", code)
			}
			if sessionCookieOf(b, e) != "" {
				t.Fatal("a session was created for a locked account")
			}
			e.clock.add(xiangpei.BaseLock + time.Second)
			if code, _, _ := b.post("/login", url.Values{"login": {a.Login}, "password": {testPassword}}); code != http.StatusSeeOther {
				t.Fatalf("after the lock-out ends: %d", code)
			}
			// Unknown accounts get the same message as wrong passwords.
			b = e.browser()
			b.get("/login")
			if code, body, _ := b.post("/login", url.Values{"login": {"nobody"}, "password": {"x"}}); code != http.StatusUnauthorized || !strings.Contains(body, "账号或密码错误") {
				t.Fatalf("unknown account: %d", code)
			}
		})
	}
}

func TestCSRFAndBodyLimit(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			e := newEnv(t, db)
			a := e.account(officerInput("officer3", "430211", xiangpei.DutyRegistry), testPassword)
			b := e.browser()
			b.signIn(a, testPassword)
			b.get("/account/password")
			// A form without the token is refused and changes nothing.
			code, body, _ := b.post("/account/password", url.Values{"csrf": {"forged"}, "current": {testPassword}, "new": {"Another-Good-Pass-1"}, "confirm": {"Another-Good-Pass-1"}})
			if code != http.StatusForbidden || !strings.Contains(body, "表单已过期") {
				t.Fatalf("missing CSRF token: %d", code)
			}
			acct, _ := db.Account(context.Background(), a.ID)
			if acct.PasswordHash != a.PasswordHash {
				t.Fatal("a request without a CSRF token changed the password")
			}
			// A cross-site request is refused even with a token.
			req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/logout", strings.NewReader("csrf="+b.csrf))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if code, _, _ := b.do(req); code != http.StatusForbidden {
				t.Fatalf("cross-site POST: %d", code)
			}
			// An oversized body is refused with 413.
			big := url.Values{"current": {strings.Repeat("x", 70<<10)}}
			if code, body, _ := b.post("/account/password", big); code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "太大") {
				t.Fatalf("oversized body: %d", code)
			}
			// JSON API with a session needs the header token.
			req, _ = http.NewRequest(http.MethodPost, e.ts.URL+"/api/v1/register/code", strings.NewReader(`{"phone":"13800000000"}`))
			req.Header.Set("Content-Type", "application/json")
			if code, body, _ := b.do(req); code != http.StatusForbidden || !strings.Contains(body, `"kind":"forbidden"`) {
				t.Fatalf("API POST with a session but no X-CSRF-Token: %d %s", code, body)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	_, _, h := e.browser().get("/login")
	for k, want := range map[string]string{"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff"} {
		if !strings.Contains(h.Get(k), want) {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Error("CSP allows scripts from elsewhere")
	}
}
