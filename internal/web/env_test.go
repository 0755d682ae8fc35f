package web

import (
	"bytes"
	"context"
	"encoding/json"
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
)

// The fixture every HTTP test of this package stands on: a real server on a real database,
// accounts made directly in the store, API calls with Bearer tokens, and a cookie-keeping
// browser for the pages. Every test's server log is scanned for personal data at the end.

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
	// secrets are the passwords, tokens and TOTP keys the test handed out; none may be logged.
	secrets []string
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
	for _, secret := range e.secrets {
		if strings.Contains(text, secret) {
			e.t.Errorf("the log contains a password, token or TOTP key: %s…", secret[:4])
		}
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

// do sends a request as the browser and remembers the CSRF token of the page it gets back.
func (b *browser) do(req *http.Request) (int, string, http.Header) {
	b.e.t.Helper()
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

func (b *browser) get(path string) (int, string, http.Header) {
	req, _ := http.NewRequest(http.MethodGet, b.e.ts.URL+path, nil)
	return b.do(req)
}

// post submits a form with the page's CSRF token, from this site's origin.
func (b *browser) post(path string, form url.Values) (int, string, http.Header) {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, b.e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.e.ts.URL)
	return b.do(req)
}

// account creates an account with a known password; officers and admins get a TOTP secret.
func (e *env) account(in xiangpei.AccountInput, password string) xiangpei.Account {
	e.t.Helper()
	e.secrets = append(e.secrets, password)
	var a xiangpei.Account
	err := e.db.Tx(context.Background(), xiangpei.Actor{Name: "test"}, func(tx *store.Tx) error {
		var err error
		a, err = tx.CreateAccount(in, auth.HashPassword(password, cheapHash), false)
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
		e.secrets = append(e.secrets, secret)
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// login posts the sign-in form as a browser does: the sign-in page first for its CSRF token
// (from the cookie when the page redirects a signed-in browser away), then the form.
func (b *browser) login(login, password string) (int, string, http.Header) {
	b.e.t.Helper()
	b.csrf = ""
	b.get("/login")
	if b.csrf == "" {
		for _, c := range b.c.Jar.Cookies(mustURL(b.e.ts.URL)) {
			if c.Name == csrfCookie {
				b.csrf = c.Value
			}
		}
	}
	return b.post("/login", url.Values{"login": {login}, "password": {password}})
}

// signIn signs a browser in, passing the second factor when the role needs one.
func (b *browser) signIn(a xiangpei.Account, password string) {
	b.e.t.Helper()
	code, body, h := b.login(a.Login, password)
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

func sessionCookieOf(b *browser, e *env) string {
	for _, c := range b.c.Jar.Cookies(mustURL(e.ts.URL)) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}
func mustURL(s string) *url.URL { u, _ := url.Parse(s); return u }

// org creates an institution directly in the store.
func (e *env) org(t *testing.T) int64 {
	t.Helper()
	var id int64
	err := e.db.Tx(context.Background(), xiangpei.Actor{Name: "test"}, func(tx *store.Tx) error {
		code := "52430211MJ" + strings.Repeat("1", 7)
		o, err := tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgInstitution, Name: "测试培训学校", County: "430211",
			CreditCode: xiangpei.CreditCode(creditCode(code, false))})
		id = o.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// cheapHash keeps test accounts' password hashing fast; the real parameters are tested in auth.
var cheapHash = auth.Params{Memory: 1024, Time: 1, Threads: 1}

// token gives an account a new API token and returns it.
func (e *env) token(accountID int64) string {
	e.t.Helper()
	secret := auth.Secret(24)
	e.secrets = append(e.secrets, secret)
	err := e.db.Tx(context.Background(), xiangpei.Actor{Name: "test"}, func(tx *store.Tx) error {
		_, err := tx.CreateToken(accountID, "test", auth.Digest(secret))
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// request sends one request with a Bearer token, without following redirects: body nil,
// url.Values (a form) or anything else (JSON).
func (e *env) request(token, method, path string, body any) (int, []byte, http.Header) {
	e.t.Helper()
	return e.requestWith(token, method, path, body, nil)
}

// requestWith is request with extra headers.
func (e *env) requestWith(token, method, path string, body any, header http.Header) (int, []byte, http.Header) {
	e.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case []byte: // sent as it is; the caller's header says what it is
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header
}

// decode reads a JSON body keeping numbers exact (ids are 63-bit).
func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(body))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return m
}

// creditCode completes 17 characters with their GB 32100 check character, or with a wrong one
// when bad is set (an early code that waits for manual confirmation).
func creditCode(first17 string, bad bool) string {
	c := xiangpei.CreditCheckChar(first17)
	if bad {
		if c == '0' {
			c = '1'
		} else {
			c = '0'
		}
	}
	return first17 + string(c)
}

// validID completes 17 digits with their GB 11643 check digit.
func validID(first17 string) string { return first17 + string(xiangpei.IDCheckDigit(first17)) }
