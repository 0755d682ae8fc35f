package main

// Browser journeys (issue 2, QUALITY §4): the real program, started in-process with run() on a
// fresh demo database, driven by Debian's headless Chromium through chromedp. Each journey saves
// PNG screenshots of its main steps into <repo>/screenshots/<journey>/ (git-ignored).

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"xiangpei"
	"xiangpei/internal/i18n"
	"xiangpei/internal/seed"
	"xiangpei/internal/store"
)

// chromiumPath is where Debian's chromium package (installed by .ci/run) puts the browser.
const chromiumPath = "/usr/bin/chromium"

// journeyTimeout bounds one whole journey: the server, the browser and every step.
const journeyTimeout = 180 * time.Second

// journey is one browser walk through the platform: a server of its own on a fresh demo
// database, a tab in a browser context of its own (in the shared Chromium of testmain_test.go),
// and a folder for its screenshots.
type journey struct {
	t      *testing.T
	name   string
	ctx    context.Context // the chromedp context of the tab
	base   string          // http://127.0.0.1:PORT
	dbPath string
	shots  string // folder of the screenshots
	n      int    // screenshots taken so far
}

// startJourney starts the program, and a tab of its own in the shared browser, in a browser
// context of its own (no cookies shared with another journey); it stops both when the test
// ends.
func startJourney(t *testing.T, name string) *journey {
	t.Helper()
	return startJourneyOn(t, name, nil)
}

// startJourneyOn is startJourney with the server on a clock of its own (nil: the real clock),
// for journeys that walk through days in minutes.
func startJourneyOn(t *testing.T, name string, now func() time.Time) *journey {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser journeys need Chromium at %s (CI=true: a missing browser fails; .ci/run installs it with apt-get install chromium): %v", chromiumPath, err)
		}
		t.Skipf("skipping browser journey: Chromium not found at %s (apt-get install chromium fonts-wqy-microhei; under CI=true this fails)", chromiumPath)
	}
	browserCtx, err := sharedBrowser()
	if err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(browserCtx, journeyTimeout)
	t.Cleanup(cancel)

	j := &journey{t: t, name: name, dbPath: filepath.Join(t.TempDir(), "x.db")}
	serverCtx := ctx
	if now != nil {
		serverCtx = context.WithValue(ctx, clockKey{}, now)
	}
	j.base = startServer(t, serverCtx, j.dbPath)

	dir, err := filepath.Abs(filepath.Join("..", "..", "screenshots", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	j.shots = dir

	tabCtx, tabCancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(func() {
		// Close the tab and its browser context before the server stops (cleanups run
		// last-in, first-out).
		tabCancel()
		if t.Failed() {
			logBrowserOutput(t, browser.out.String())
		}
	})
	if err := chromedp.Do(tabCtx); err != nil { // opens the tab
		t.Fatalf("opening a tab: %v", err)
	}
	j.ctx = tabCtx
	return j
}

// startServer runs the real program — `xiangpei serve` on a fresh SQLite file, seeded as a demo —
// and returns its base URL, parsed from the line it prints when it listens.
func startServer(t *testing.T, parent context.Context, dbPath string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(parent)
	pr, pw := io.Pipe()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", dbPath},
			func(string) string { return "" }, pw, &stderr)
		pw.CloseWithError(fmt.Errorf("xiangpei stopped: %v", err))
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("xiangpei serve returned: %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("xiangpei serve did not stop within 15 s of its context ending")
		}
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("server log:\n%s", stderr.String())
		}
	})

	serving := regexp.MustCompile(`^xiangpei serving (http://\S+) \(`)
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		found := false
		for sc.Scan() {
			if m := serving.FindStringSubmatch(sc.Text()); m != nil && !found {
				found = true
				addr <- m[1]
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatalf("xiangpei serve stopped before it printed its address:\n%s", stderr.String())
		}
		return a
	case <-time.After(30 * time.Second):
		t.Fatalf("xiangpei serve printed no address within 30 s:\n%s", stderr.String())
	}
	return ""
}

// fail stops the journey with a screenshot of the page as it was.
func (j *journey) fail(format string, args ...any) {
	j.t.Helper()
	if j.ctx != nil && j.ctx.Err() == nil {
		if png, err := chromedp.Run(j.ctx, chromedp.FullScreenshot(100)); err == nil {
			p := filepath.Join(j.shots, "failed.png")
			if os.WriteFile(p, png, 0o644) == nil {
				args = append(args, p)
				format += " (screenshot: %s)"
			}
		}
		if loc, err := chromedp.Run(j.ctx, chromedp.Location()); err == nil {
			args = append(args, loc)
			format += " (page: %s)"
		}
	}
	j.t.Fatalf(format, args...)
}

// do runs steps in the tab.
func (j *journey) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	j.t.Helper()
	if err := chromedp.Do(j.ctx, steps...); err != nil {
		j.fail("%s: %v", what, err)
	}
}

// open loads a page of the platform and waits until it has loaded.
func (j *journey) open(path string) {
	j.t.Helper()
	resp, err := chromedp.Run(j.ctx, chromedp.NavigateResponse(j.base+path))
	if err != nil {
		j.fail("open %s: %v", path, err)
	}
	if resp != nil && resp.Status >= 400 {
		j.fail("open %s: HTTP %d", path, resp.Status)
	}
}

// submit clicks a button that sends a form, and waits for the page the browser lands on
// (after any redirect). It returns the HTTP status of that page.
func (j *journey) submit(button string) int64 {
	j.t.Helper()
	resp, err := chromedp.RunResponse(j.ctx, chromedp.Click(chromedp.CSS(button), chromedp.NodeVisible))
	if err != nil {
		j.fail("submit with %s: %v", button, err)
	}
	if resp == nil {
		return 0
	}
	return resp.Status
}

// fill types into the fields, keyed by CSS selector, after clearing them.
func (j *journey) fill(fields ...string) {
	j.t.Helper()
	var steps []chromedp.Action[chromedp.Void]
	for i := 0; i+1 < len(fields); i += 2 {
		sel := chromedp.CSS(fields[i])
		steps = append(steps, chromedp.WaitVisible(sel), chromedp.Clear(sel), chromedp.SendKeys(sel, fields[i+1]))
	}
	j.do("fill "+strings.Join(fields, " "), steps...)
}

// text returns the visible text of the first element that matches, once it is visible.
func (j *journey) text(sel string) string {
	j.t.Helper()
	j.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	s, err := chromedp.Run(j.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		j.fail("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// value returns the value of a form field.
func (j *journey) value(sel string) string {
	j.t.Helper()
	s, err := chromedp.Run(j.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		j.fail("value of %s: %v", sel, err)
	}
	return s
}

// html returns the markup of the whole page.
func (j *journey) html() string {
	j.t.Helper()
	s, err := chromedp.Run(j.ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	if err != nil {
		j.fail("page markup: %v", err)
	}
	return s
}

// path returns the path of the page the tab shows.
func (j *journey) path() string {
	j.t.Helper()
	loc, err := chromedp.Run(j.ctx, chromedp.Location())
	if err != nil {
		j.fail("location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		j.fail("location %q: %v", loc, err)
	}
	return u.Path
}

// wantPath fails unless the tab shows the page at path.
func (j *journey) wantPath(path string) {
	j.t.Helper()
	if got := j.path(); got != path {
		j.fail("the browser is on %s, want %s", got, path)
	}
}

// wantText fails unless the element's visible text contains every one of want.
func (j *journey) wantText(sel string, want ...string) string {
	j.t.Helper()
	got := j.text(sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			j.fail("%s shows %q, want it to contain %q", sel, got, w)
		}
	}
	return got
}

// shot saves a full-page PNG screenshot as NN-step.png.
func (j *journey) shot(step string) {
	j.t.Helper()
	png, err := chromedp.Run(j.ctx, chromedp.FullScreenshot(100)) // quality 100 is PNG; below is JPEG
	if err != nil {
		j.fail("screenshot %s: %v", step, err)
	}
	j.n++
	p := filepath.Join(j.shots, fmt.Sprintf("%02d-%s.png", j.n, step))
	if err := os.WriteFile(p, png, 0o644); err != nil {
		j.t.Fatal(err)
	}
}

// openDB opens the journey's database next to the running server (SQLite in WAL mode lets
// a second reader in), to check what was and was not written.
func (j *journey) openDB() *store.DB {
	j.t.Helper()
	db, err := store.Open(context.Background(), j.dbPath)
	if err != nil {
		j.t.Fatalf("open the journey's database: %v", err)
	}
	j.t.Cleanup(func() { db.Close() })
	return db
}

// signIn signs in with a login and password on /login, and returns the status of the page it
// lands on.
func (j *journey) signIn(login, password string) int64 {
	j.t.Helper()
	j.open("/login")
	j.fill("#login", login, "#password", password)
	return j.submit(`form[action="/login"] button[type=submit]`)
}

// sendRegistrationCode does step 1 of /register for the phone and returns the code of the
// demo text message.
func (j *journey) sendRegistrationCode(phone string) string {
	j.t.Helper()
	j.open("/register")
	j.fill("#phone1", phone)
	j.submit(`form[action="/register/code"] button[type=submit]`)
	sms := j.text("#demo-sms")
	m := regexp.MustCompile(`(?:^|\D)(\d{6})(?:\D|$)`).FindStringSubmatch(sms)
	if m == nil {
		j.fail("the demo text message %q holds no 6-digit code", sms)
	}
	return m[1]
}

// newID returns a valid ID number: the county, the birth date and a sequence, and the check
// digit of GB 11643.
func newID(county, birth, seq string) string {
	id17 := county + birth + seq
	return id17 + string(xiangpei.IDCheckDigit(id17))
}

// TestBrowserAdminCreatesInstitution: the administrator signs in with the second factor,
// creates an institution and its staff account; the staff signs in with the one-time password,
// must set a new one, and sees the institution's home.
func TestBrowserAdminCreatesInstitution(t *testing.T) {
	j := startJourney(t, "admin-creates-institution")
	const orgName, staffLogin, staffName = "株洲市天元区湘江技能培训学校", "xj_staff", "湘江技能培训学校经办"
	code17 := "52430211MJ" + "7654321"
	creditCode := code17 + string(xiangpei.CreditCheckChar(code17))
	if _, ok, err := xiangpei.ParseCreditCode(creditCode); err != nil || !ok {
		t.Fatalf("credit code %s: check ok %v, %v", creditCode, ok, err)
	}
	staffPassword := "Xiangjiang-Ferry-77"

	// The administrator signs in: password, then the one-time code the demo shows.
	j.open("/login")
	j.wantText("h1", "登录")
	j.shot("login")
	j.signIn("admin", seed.DemoPassword)
	j.wantPath("/login/totp")
	totp := j.text("#demo-code")
	if !regexp.MustCompile(`^\d{6}$`).MatchString(totp) {
		j.fail("#demo-code shows %q, want a 6-digit code", totp)
	}
	j.shot("totp")
	j.fill("#code", totp)
	j.submit(`form[action="/login/totp"] button[type=submit]`)
	j.wantPath("/")
	j.wantText("main", "系统管理员") // the badge of the sysadmin duty
	j.do("wait for the admin's quick links", chromedp.WaitVisible(chromedp.CSS(`main a[href="/admin/orgs/new"]`)))
	j.shot("admin-home")

	// A new institution with a valid credit code in 天元区.
	j.open("/admin/orgs/new")
	j.do("choose the kind and county",
		chromedp.SetValue(chromedp.ID("kind"), string(xiangpei.OrgInstitution)),
		chromedp.SetValue(chromedp.ID("county"), "430211"))
	j.fill("#name", orgName, "#credit_code", creditCode, "#address", "株洲市天元区湘江南路 16 号",
		"#contact", "周老师", "#phone", "0731-28123456", "#capacity", "80")
	for sel, want := range map[string]string{"#kind": "institution", "#county": "430211"} {
		if got := j.value(sel); got != want {
			j.fail("%s holds %q, want %q", sel, got, want)
		}
	}
	j.shot("new-org")
	j.submit(`form[action="/admin/orgs"] button`)
	orgPath := j.path()
	m := regexp.MustCompile(`^/registry/orgs/(\d+)$`).FindStringSubmatch(orgPath)
	if m == nil {
		j.fail("creating the institution landed on %s, want /registry/orgs/{id}", orgPath)
	}
	orgID := m[1]
	j.wantText("main", orgName, creditCode)
	j.shot("org-created")

	// Its staff account; the one-time password is shown once.
	j.open("/admin/accounts/new")
	j.fill("#org_q", orgName)
	j.submit(`form[action="/admin/accounts/new"] button`)
	j.fill("#login", staffLogin, "#display_name", staffName)
	j.do("choose the role and organisation",
		chromedp.SetValue(chromedp.ID("role"), string(xiangpei.RoleInstitution)),
		chromedp.SetValue(chromedp.ID("org_id"), orgID))
	for sel, want := range map[string]string{"#role": "institution", "#org_id": orgID} {
		if got := j.value(sel); got != want {
			j.fail("%s holds %q, want %q (is the new institution in the list?)", sel, got, want)
		}
	}
	j.shot("new-account")
	if status := j.submit(`form[action="/admin/accounts"] button`); status != 201 {
		j.fail("creating the account answered HTTP %d, want 201", status)
	}
	j.wantText("main", staffLogin, staffName)
	oneTime := j.text("main dl.facts dd.mono strong")
	if len(oneTime) < 10 || strings.ContainsAny(oneTime, " \n") {
		j.fail("the one-time password reads %q", oneTime)
	}
	j.shot("one-time-password")

	// Sign out.
	j.submit(`form[action="/logout"] button`)
	j.wantPath("/login")
	j.shot("signed-out")

	// The staff signs in with the one-time password and must choose a new one first.
	j.signIn(staffLogin, oneTime)
	j.wantPath("/account/password")
	j.wantText(".notice.warn", "请先设置一个新密码")
	j.open("/")
	j.wantPath("/account/password") // nothing else until the password is changed
	j.fill("#current", oneTime, "#new", staffPassword, "#confirm", staffPassword)
	j.shot("must-change-password")
	j.submit(`form[action="/account/password"] button[type=submit]`)
	j.wantPath("/")
	j.wantText("main", orgName, creditCode)
	j.wantText("header .who", staffName, "培训机构")
	j.shot("staff-home")
}

// TestBrowserPersonRegisters: a visitor registers with their phone, the code of the text
// message, their name and ID number, and sees their lifelong record with the ID number masked.
func TestBrowserPersonRegisters(t *testing.T) {
	j := startJourney(t, "person-registers")
	const phone, name = "13907335678", "张晓明"
	id := newID("430211", "19900315", "123")
	password := "Xiangjiang-Boat-58"

	j.open("/register")
	j.wantText("h1", "注册")
	j.shot("register")

	code := j.sendRegistrationCode(phone)
	j.wantPath("/register")
	if got := j.value("#phone"); got != phone {
		t.Errorf("step 2's phone field holds %q after step 1, want %q", got, phone)
	}
	j.shot("code-sent")

	j.fill("#code", code, "#name", name, "#id_number", id, "#password", password, "#confirm", password)
	j.do("choose the county", chromedp.SetValue(chromedp.ID("county"), "430211"))
	if got := j.value("#county"); got != "430211" {
		j.fail("the county select holds %q, want 430211", got)
	}
	j.shot("step2-filled")

	if status := j.submit(`form[action="/register"] button[type=submit]`); status != 200 {
		j.fail("registering landed on HTTP %d", status)
	}
	j.wantPath("/me")
	masked := id[:6] + "********" + id[14:]
	main := j.wantText("main", name, masked)
	if strings.Contains(main, id) || strings.Contains(j.html(), id) {
		j.fail("the record page shows the full ID number %s", id)
	}
	if !strings.HasPrefix(masked, "430211********") {
		t.Fatalf("masked form %q", masked)
	}
	j.shot("record")
}

// TestBrowserLanguageSwitch: the language button switches the interface to English and back.
func TestBrowserLanguageSwitch(t *testing.T) {
	j := startJourney(t, "language-switch")
	j.open("/login")
	j.wantText("h1", "登录")
	if lang := j.lang(); lang != "zh-CN" {
		j.fail(`html lang=%q on the default page, want "zh-CN"`, lang)
	}
	j.shot("chinese")

	j.submit(`button[name=lang][value=en]`)
	j.wantPath("/login")
	j.wantText("h1", "Sign in")
	if lang := j.lang(); lang != "en" {
		j.fail(`html lang=%q after switching to English, want "en"`, lang)
	}
	j.wantText(`form[action="/login"] button[type=submit]`, "Sign in")
	j.shot("english")

	j.submit(`button[name=lang][value="zh-CN"]`)
	j.wantPath("/login")
	j.wantText("h1", "登录")
	if lang := j.lang(); lang != "zh-CN" {
		j.fail(`html lang=%q after switching back, want "zh-CN"`, lang)
	}
	j.shot("chinese-again")
}

// lang returns the lang attribute of the page's html element.
func (j *journey) lang() string {
	j.t.Helper()
	v, err := chromedp.Run(j.ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if err != nil {
		j.fail("html lang: %v", err)
	}
	return v
}

// TestBrowserBadInput: registering with a wrong ID check digit shows the person the catalogue's
// Chinese message, keeps what they typed, and writes nothing.
func TestBrowserBadInput(t *testing.T) {
	j := startJourney(t, "bad-input")
	const phone, name = "13907336789", "刘晓燕"
	good := newID("430211", "19920708", "246")
	bad := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	password := "Lushan-Maple-2026"

	_, perr := xiangpei.ParseIDNumber(bad, time.Now())
	if !xiangpei.IsKind(perr, xiangpei.Invalid) {
		t.Fatalf("ParseIDNumber(%s) = %v, want an invalid-input error", bad, perr)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := cat.Error(i18n.Chinese, perr)
	if !strings.Contains(want, "身份证号最后一位不对") {
		t.Fatalf("the catalogue's message for a wrong check digit is %q", want)
	}

	db := j.openDB()
	ctx := context.Background()
	all := xiangpei.Scope{All: true}
	_, before, err := db.SearchPersons(ctx, all, "", store.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}

	code := j.sendRegistrationCode(phone)
	j.fill("#code", code, "#name", name, "#id_number", bad, "#password", password, "#confirm", password)
	j.do("choose the county", chromedp.SetValue(chromedp.ID("county"), "430211"))
	j.shot("wrong-check-digit")

	if status := j.submit(`form[action="/register"] button[type=submit]`); status != 400 && status != 422 {
		j.fail("registering with a wrong check digit answered HTTP %d, want a refusal", status)
	}
	if got := j.text(".notice.err"); got != want {
		j.fail("the page says %q, want the catalogue's message %q", got, want)
	}
	for sel, w := range map[string]string{"#phone": phone, "#name": name, "#id_number": bad, "#county": "430211"} {
		if got := j.value(sel); got != w {
			t.Errorf("after the refusal %s holds %q, want what was typed, %q", sel, got, w)
		}
	}
	if got := j.value("#password"); got != "" {
		t.Errorf("after the refusal the password field holds %q, want it empty", got)
	}
	j.shot("refused")

	// Nothing was written: no person, no account.
	_, after, err := db.SearchPersons(ctx, all, "", store.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("the registry holds %d persons after the refusal, %d before", after, before)
	}
	for _, id := range []string{bad, good} {
		if p, err := db.PersonByIDNumber(ctx, all, xiangpei.IDNumber(id)); !xiangpei.IsKind(err, xiangpei.NotFound) {
			t.Errorf("PersonByIDNumber(%s) = %+v, %v after the refusal, want not found", id, p, err)
		}
	}
	if _, err := db.AccountByLogin(ctx, phone); !xiangpei.IsKind(err, xiangpei.NotFound) {
		t.Errorf("AccountByLogin(%s) after the refusal: %v, want not found", phone, err)
	}
	// And the person cannot sign in with that phone.
	j.signIn(phone, password)
	j.wantPath("/login")
	j.wantText(".notice.err", cat.T(i18n.Chinese, "auth.bad_credentials"))
	j.shot("sign-in-refused")
}

// logBrowserOutput logs what Chromium printed, without its complaints about the missing D-Bus
// of a container.
func logBrowserOutput(t *testing.T, out string) {
	var keep []string
	for line := range strings.Lines(out) {
		if !strings.Contains(line, "dbus") {
			keep = append(keep, line)
		}
	}
	if len(keep) > 0 {
		t.Logf("browser output:\n%s", strings.Join(keep, ""))
	}
}

// syncBuffer is a bytes.Buffer that goroutines may write to at the same time.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func (b *syncBuffer) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Len()
}
