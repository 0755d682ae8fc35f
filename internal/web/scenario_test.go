package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// clock is a movable clock shared by the server and the store in a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a real server on a real database, with a log that tests can read.
type env struct {
	t     *testing.T
	db    *store.DB
	srv   *Server
	ts    *httptest.Server
	clock *clock
	logs  *strings.Builder
}

type syncWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	c := &clock{t: time.Now().UTC()}
	db.SetClock(c.now)
	logs := &strings.Builder{}
	logger := slog.New(slog.NewTextHandler(&syncWriter{b: logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(db, Config{Logger: logger, Now: c.now, MaxBody: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	e := &env{t: t, db: db, srv: srv, ts: ts, clock: c, logs: logs}
	t.Cleanup(func() {
		ts.Close()
		e.checkLogs()
	})
	return e
}

var (
	idLike    = regexp.MustCompile(`\b\d{17}[\dXx]\b`)
	phoneLike = regexp.MustCompile(`\b1[3-9]\d{9}\b`)
)

// checkLogs fails the test when the server's log holds anything that looks like a full ID
// number or a mobile number (QUALITY §3). Record ids are 18 digits too, so a candidate counts
// as an ID number only when it passes the ID check.
func (e *env) checkLogs() {
	text := e.logs.String()
	for _, m := range idLike.FindAllString(text, -1) {
		if _, err := xiangpei.ParseIDNumber(m, time.Now()); err == nil {
			e.t.Errorf("the log contains an ID number: %s", m)
		}
	}
	if m := phoneLike.FindString(text); m != "" {
		e.t.Errorf("the log contains a mobile number: %s", m)
	}
}

// browser is a cookie-keeping client that does not follow redirects.
type browser struct {
	e    *env
	c    *http.Client
	csrf string
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) get(path string) (int, string, http.Header) {
	b.e.t.Helper()
	resp, err := b.c.Get(b.e.ts.URL + path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body), resp.Header
}

func (b *browser) post(path string, form url.Values) (int, string, http.Header) {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.e.ts.URL)
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, string(body), resp.Header
}

// account creates an account with a known password; officers and admins get a TOTP secret.
func (e *env) account(in xiangpei.AccountInput, password string) xiangpei.Account {
	e.t.Helper()
	var a xiangpei.Account
	err := e.db.Tx(context.Background(), xiangpei.Actor{Name: "test"}, func(tx *store.Tx) error {
		var err error
		a, err = tx.CreateAccount(in, auth.HashPassword(password, auth.Params{Memory: 1024, Time: 1, Threads: 1}), false)
		if err != nil || !in.Role.NeedsSecondFactor() {
			return err
		}
		secret, _ := auth.NewTOTP(in.Login)
		if err := tx.SetTOTPSecret(a.ID, secret); err != nil {
			return err
		}
		if err := tx.ConfirmTOTP(a.ID); err != nil {
			return err
		}
		a.TOTPSecret = secret
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// signIn signs a browser in, passing the second factor when the role needs one.
func (b *browser) signIn(a xiangpei.Account, password string) {
	b.e.t.Helper()
	b.get("/login")
	code, body, h := b.post("/login", url.Values{"login": {a.Login}, "password": {password}})
	if code != http.StatusSeeOther {
		b.e.t.Fatalf("sign-in of %s: %d %s", a.Login, code, body)
	}
	if a.Role.NeedsSecondFactor() {
		if h.Get("Location") != "/" {
			b.e.t.Fatalf("after password: redirected to %s", h.Get("Location"))
		}
		if _, _, h := b.get("/"); h.Get("Location") != "/login/totp" {
			b.e.t.Fatalf("second factor not asked for: %s", h.Get("Location"))
		}
		b.get("/login/totp")
		totp, _ := auth.TOTPCode(a.TOTPSecret, b.e.clock.now())
		if code, body, _ := b.post("/login/totp", url.Values{"code": {totp}}); code != http.StatusSeeOther {
			b.e.t.Fatalf("TOTP: %d %s", code, body)
		}
	}
}

const testPassword = "Orange-Kettle-Lamp-42"

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

func sessionCookieOf(b *browser, e *env) string {
	for _, c := range b.c.Jar.Cookies(mustURL(e.ts.URL)) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}

func mustURL(s string) *url.URL { u, _ := url.Parse(s); return u }

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

// org creates an institution directly in the store.
func (e *env) org(t *testing.T) int64 {
	t.Helper()
	var id int64
	err := e.db.Tx(context.Background(), xiangpei.Actor{Name: "test"}, func(tx *store.Tx) error {
		code := "52430211MJ" + strings.Repeat("1", 7)
		o, err := tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgInstitution, Name: "测试培训学校", County: "430211",
			CreditCode: xiangpei.CreditCode(code + string(xiangpei.CreditCheckChar(code)))})
		id = o.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
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
			resp, err := b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("cross-site POST: %d", resp.StatusCode)
			}
			// An oversized body is refused with 413.
			big := url.Values{"current": {strings.Repeat("x", 70<<10)}}
			if code, body, _ := b.post("/account/password", big); code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "太大") {
				t.Fatalf("oversized body: %d", code)
			}
			// JSON API with a session needs the header token.
			req, _ = http.NewRequest(http.MethodPost, e.ts.URL+"/api/v1/register/code", strings.NewReader(`{"phone":"13800000000"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err = b.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body2, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body2), `"kind":"forbidden"`) {
				t.Fatalf("API POST with a session but no X-CSRF-Token: %d %s", resp.StatusCode, body2)
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
