package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"xiangpei"
	"xiangpei/internal/auth"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// admWorld is the fixture env with a system administrator and a security administrator, each
// calling the API with a Bearer token.
type admWorld struct {
	*env
	sysID int64
	sys   string // the system administrator's API token
	secID int64
	sec   string // the security administrator's API token
}

const admTestPassword = "Quiet-Harbour-Lantern-77"

func newAdmWorld(t *testing.T, db *store.DB) *admWorld {
	t.Helper()
	w := &admWorld{env: newEnv(t, db)}
	w.sysID, w.sys = w.admin("sys.admin", xiangpei.DutySysAdmin)
	w.secID, w.sec = w.admin("sec.admin", xiangpei.DutySecAdmin)
	return w
}

// admin creates an administrator with its second factor enrolled and an API token.
func (w *admWorld) admin(login string, duty xiangpei.Duty) (int64, string) {
	a := w.account(xiangpei.AccountInput{Login: login, DisplayName: "测试管理员", Role: xiangpei.RoleAdmin,
		Duties: xiangpei.Duties{duty}}, admTestPassword)
	return a.ID, w.token(a.ID)
}

// staff creates an account directly in the store with a known password and no forced change.
func (w *admWorld) staff(in xiangpei.AccountInput) xiangpei.Account {
	return w.account(in, admTestPassword)
}

// api calls the JSON API with a token and returns the status and the decoded body.
func (w *admWorld) api(token, method, path string, body any) (int, map[string]any) {
	w.t.Helper()
	status, raw, _ := w.request(token, method, path, body)
	out := map[string]any{}
	if len(raw) > 0 {
		out = decode(w.t, string(raw))
	}
	return status, out
}

// must calls the API and fails the test unless the status is want.
func (w *admWorld) must(want int, token, method, path string, body any) map[string]any {
	w.t.Helper()
	status, out := w.api(token, method, path, body)
	if status != want {
		w.t.Fatalf("%s %s: got %d, want %d: %v", method, path, status, want, out)
	}
	return out
}

// page calls an HTML route with a token (a form body when form is not nil), without
// following redirects.
func (w *admWorld) page(token, method, path string, form url.Values) (int, string, http.Header) {
	w.t.Helper()
	var body any
	if form != nil {
		body = form
	}
	status, b, h := w.request(token, method, path, body)
	return status, string(b), h
}

func (w *admWorld) msg(key string, args ...any) string { return w.srv.msg.T("zh-CN", key, args...) }

// errMessage returns the message of an API error answer.
func errMessage(out map[string]any) string {
	e, _ := out["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

func admID(v any) string {
	if n, ok := v.(json.Number); ok {
		return n.String()
	}
	return fmt.Sprint(v)
}

func TestAdminAccounts(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newAdmWorld(t, db)
			testAdminCreateOfficer(t, w)
			testAdminSeparatedDuties(t, w)
			testAdminStaleDuties(t, w)
			testAdminOwnDuties(t, w)
			testAdminSecAdminCannotCreate(t, w)
			testAdminResetPasswordSignsIn(t, w)
			testAdminDisableEndsSessions(t, w)
		})
	}
}

func testAdminCreateOfficer(t *testing.T, w *admWorld) {
	out := w.must(http.StatusCreated, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "li.jingban", "display_name": "李经办", "role": "officer",
		"duties": []string{"claim_review_1", "class_review"}, "region": "430211"})
	pw, _ := out["initial_password"].(string)
	if len(pw) < xiangpei.MinPasswordLength || out["must_change"] != true {
		t.Fatalf("initial password %q, must_change %v", pw, out["must_change"])
	}
	acct := out["account"].(map[string]any)
	if acct["region"] != "430211" || fmt.Sprint(acct["duties"]) != "[claim_review_1 class_review]" || acct["must_change"] != true {
		t.Fatalf("created account: %v", acct)
	}
	a, err := w.db.AccountByLogin(context.Background(), "li.jingban")
	if err != nil {
		t.Fatal(err)
	}
	if !a.MustChange || a.Region != "430211" || !a.Duties.Has(xiangpei.DutyClassReview) || !a.Duties.Has(xiangpei.DutyClaimReview1) || len(a.Duties) != 2 {
		t.Fatalf("stored account: %+v", a)
	}
	if !auth.CheckPassword(a.PasswordHash, pw) || strings.Contains(a.PasswordHash, pw) {
		t.Fatal("the initial password is not what was stored (hashed)")
	}
	if err := xiangpei.ProfileGov.CheckPassword(pw, a.Login); err != nil {
		t.Fatalf("initial password %q fails the government profile: %v", pw, err)
	}
	// The same account name twice is a conflict; an unknown region and a person are refused.
	w.must(http.StatusConflict, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "li.jingban", "display_name": "李经办", "role": "officer", "duties": []string{"class_review"}, "region": "430211"})
	out = w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "wang.jingban", "display_name": "王经办", "role": "officer", "region": "439999"})
	if errMessage(out) != w.msg("admin.region_unknown") {
		t.Fatalf("unknown region: %v", out)
	}
	out = w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "13800000000", "display_name": "张三", "role": "person"})
	if errMessage(out) != w.msg("admin.no_person") {
		t.Fatalf("person account: %v", out)
	}
	// The browser form shows the one-time password once, on the answer to the POST.
	code, body, _ := w.page(w.sys, "POST", "/admin/accounts", url.Values{"login": {"zhao.jingban"}, "display_name": {"赵经办"},
		"role": {"officer"}, "duties": {"payment"}, "region": {"430200"}})
	if code != http.StatusCreated || !strings.Contains(body, w.msg("admin.secret_once")) {
		t.Fatalf("create by form: %d %s", code, body)
	}
	z, err := w.db.AccountByLogin(context.Background(), "zhao.jingban")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<dd class="mono"><strong>([^<]+)</strong>`).FindStringSubmatch(body)
	if m == nil || !auth.CheckPassword(z.PasswordHash, m[1]) {
		t.Fatalf("the page does not show the account's one-time password: %s", body)
	}
	if code, body, _ := w.page(w.sys, "GET", "/admin/accounts/"+fmt.Sprint(z.ID), nil); code != http.StatusOK || strings.Contains(body, m[1]) {
		t.Fatalf("account page: %d (the one-time password must not be shown again)", code)
	}
}

func testAdminSeparatedDuties(t *testing.T, w *admWorld) {
	out := w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "two.hats", "display_name": "两顶帽子", "role": "admin", "duties": []string{"sysadmin", "auditor"}})
	if errMessage(out) != w.msg("duty.admin_exactly_one") {
		t.Fatalf("two admin duties: %v", out)
	}
	if _, err := w.db.AccountByLogin(context.Background(), "two.hats"); !xiangpei.IsKind(err, xiangpei.NotFound) {
		t.Fatalf("an account was written: %v", err)
	}
	w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "no.hat", "display_name": "没有职责", "role": "admin"})
	// An officer duty for an administrator, or an admin duty for an officer, is refused too.
	w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "mixed.hat", "display_name": "混合职责", "role": "officer", "duties": []string{"payment", "auditor"}, "region": "430200"})
	// The form shows the same message, keeping what was typed.
	code, body, _ := w.page(w.sys, "POST", "/admin/accounts", url.Values{"login": {"two.hats"}, "display_name": {"两顶帽子"},
		"role": {"admin"}, "duties": {"sysadmin", "secadmin"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, w.msg("duty.admin_exactly_one")) || !strings.Contains(body, `value="two.hats"`) {
		t.Fatalf("form with two admin duties: %d", code)
	}
	// An auditor is created with exactly one duty.
	w.must(http.StatusCreated, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "shen.ji", "display_name": "审计员", "role": "admin", "duties": []string{"auditor"}})
}

func testAdminStaleDuties(t *testing.T, w *admWorld) {
	out := w.must(http.StatusCreated, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "chen.jingban", "display_name": "陈经办", "role": "officer", "duties": []string{"publish"}, "region": "430200"})
	id := admID(out["account"].(map[string]any)["id"])
	out = w.must(http.StatusOK, w.sys, "POST", "/api/v1/accounts/"+id+"/duties", map[string]any{
		"duties": []string{"complaint", "publish"}, "region": "430211", "version": 1})
	if fmt.Sprint(out["duties"]) != "[complaint publish]" || out["region"] != "430211" || admID(out["version"]) != "2" {
		t.Fatalf("duties: %v", out)
	}
	// Someone else's form, still on version 1.
	out = w.must(http.StatusConflict, w.sys, "POST", "/api/v1/accounts/"+id+"/duties", map[string]any{
		"duties": []string{"payment"}, "region": "430200", "version": 1})
	if errMessage(out) != w.msg("version.stale") {
		t.Fatalf("stale duties: %v", out)
	}
	got := w.must(http.StatusOK, w.sys, "GET", "/api/v1/accounts/"+id, nil)
	if fmt.Sprint(got["duties"]) != "[complaint publish]" || got["region"] != "430211" || admID(got["version"]) != "2" {
		t.Fatalf("a stale save changed the account: %v", got)
	}
	// The browser form shows the same message on the account's page.
	code, body, _ := w.page(w.sys, "POST", "/admin/accounts/"+id+"/duties", url.Values{"duties": {"payment"}, "region": {"430200"}, "version": {"1"}})
	if code != http.StatusConflict || !strings.Contains(body, w.msg("version.stale")) {
		t.Fatalf("stale duties by form: %d", code)
	}
	code, _, h := w.page(w.sys, "POST", "/admin/accounts/"+id+"/duties", url.Values{"duties": {"payment"}, "region": {"430200"}, "version": {"2"}})
	if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=admin_duties_saved") {
		t.Fatalf("duties by form: %d %s", code, h.Get("Location"))
	}
	// A missing account is a 404.
	w.must(http.StatusNotFound, w.sys, "POST", "/api/v1/accounts/12345/duties", map[string]any{"duties": []string{}, "version": 1})
}

func testAdminOwnDuties(t *testing.T, w *admWorld) {
	own := w.must(http.StatusOK, w.sys, "GET", fmt.Sprintf("/api/v1/accounts/%d", w.sysID), nil)
	out := w.must(http.StatusForbidden, w.sys, "POST", fmt.Sprintf("/api/v1/accounts/%d/duties", w.sysID), map[string]any{
		"duties": []string{"secadmin"}, "version": own["version"]})
	if errMessage(out) != w.msg("account.own_duties") {
		t.Fatalf("own duties: %v", out)
	}
	a, err := w.db.Account(context.Background(), w.sysID)
	if err != nil || len(a.Duties) != 1 || a.Duties[0] != xiangpei.DutySysAdmin {
		t.Fatalf("own duties changed: %+v %v", a.Duties, err)
	}
	// Nor its own password, second factor or account.
	w.must(http.StatusForbidden, w.sys, "POST", fmt.Sprintf("/api/v1/accounts/%d/password-reset", w.sysID), nil)
	w.must(http.StatusForbidden, w.sys, "POST", fmt.Sprintf("/api/v1/accounts/%d/totp-reset", w.sysID), nil)
	w.must(http.StatusForbidden, w.sys, "POST", fmt.Sprintf("/api/v1/accounts/%d/disable", w.sysID), map[string]any{
		"reason": "测试停用自己", "version": own["version"]})
}

func testAdminSecAdminCannotCreate(t *testing.T, w *admWorld) {
	w.must(http.StatusForbidden, w.sec, "POST", "/api/v1/accounts", map[string]any{
		"login": "sneaky", "display_name": "偷偷建号", "role": "admin", "duties": []string{"sysadmin"}})
	if _, err := w.db.AccountByLogin(context.Background(), "sneaky"); !xiangpei.IsKind(err, xiangpei.NotFound) {
		t.Fatalf("the security administrator created an account: %v", err)
	}
	if code, _, _ := w.page(w.sec, "GET", "/admin/accounts/new", nil); code != http.StatusForbidden {
		t.Fatalf("secadmin on the new-account page: %d", code)
	}
	if code, _, _ := w.page(w.sec, "POST", "/admin/accounts", url.Values{"login": {"sneaky"}, "display_name": {"偷偷建号"}, "role": {"officer"}}); code != http.StatusForbidden {
		t.Fatalf("secadmin posting the new-account form: %d", code)
	}
	w.must(http.StatusForbidden, w.sec, "POST", "/api/v1/reference/occupations/4-10-01-05", map[string]any{"name": "改名", "version": 1})
	// The system administrator has no security duties either.
	w.must(http.StatusForbidden, w.sys, "POST", "/api/v1/security/profile", map[string]any{"profile": "gov"})
}

// admOrg registers an institution through the API and returns its id.
func (w *admWorld) admOrg(name, first17 string) string {
	w.t.Helper()
	out := w.must(http.StatusCreated, w.sys, "POST", "/api/v1/orgs", map[string]any{"kind": "institution", "name": name,
		"credit_code": creditCode(first17, false), "county": "430211", "address": "天元区黄河北路 1 号", "contact": "刘老师",
		"phone": "0731-22837000", "capacity": 60})
	return admID(out["id"])
}

func testAdminResetPasswordSignsIn(t *testing.T, w *admWorld) {
	org := w.admOrg("株洲天元职业培训学校", "52430211MJ0000001")
	out := w.must(http.StatusCreated, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "tianyuan.staff", "display_name": "培训学校职员", "role": "institution", "org_id": json.Number(org)})
	id := admID(out["account"].(map[string]any)["id"])
	first := out["initial_password"].(string)

	out = w.must(http.StatusOK, w.sys, "POST", "/api/v1/accounts/"+id+"/password-reset", nil)
	pw, _ := out["one_time_password"].(string)
	if pw == "" || pw == first || out["must_change"] != true {
		t.Fatalf("reset: %v", out)
	}
	b := w.browser()
	if code, _, _ := b.login("tianyuan.staff", first); code == http.StatusSeeOther {
		t.Fatal("the replaced initial password still signs in")
	}
	code, body, h := b.login("tianyuan.staff", pw)
	if code != http.StatusSeeOther || h.Get("Location") != "/" {
		t.Fatalf("sign-in with the one-time password: %d %s", code, body)
	}
	// Signed in, the owner must first choose a password of their own.
	if code, _, h := b.get("/"); code != http.StatusSeeOther || h.Get("Location") != "/account/password" {
		t.Fatalf("after a reset: %d %s", code, h.Get("Location"))
	}
	// A staff account for an organisation of another kind, or a missing one, is refused.
	out = w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "wrong.kind", "display_name": "类型不符", "role": "employer", "org_id": json.Number(org)})
	if errMessage(out) != w.msg("admin.org_wrong_kind", "株洲天元职业培训学校") {
		t.Fatalf("wrong kind: %v", out)
	}
	w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "no.org", "display_name": "没有单位", "role": "institution", "org_id": 77})
}

func testAdminDisableEndsSessions(t *testing.T, w *admWorld) {
	a := w.staff(xiangpei.AccountInput{Login: "to.disable", DisplayName: "将被停用", Role: xiangpei.RoleEmployer,
		OrgID: mustInt(t, w.admOrgKind("employer", "株洲某用人单位", "91430211MA4L00002"))})
	b := w.browser()
	if code, body, _ := b.login("to.disable", admTestPassword); code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d %s", code, body)
	}
	if code, _, _ := b.get("/api/v1/me"); code != http.StatusOK {
		t.Fatalf("signed in, /api/v1/me answered %d", code)
	}
	id := fmt.Sprint(a.ID)
	w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/accounts/"+id+"/disable", map[string]any{"reason": "", "version": a.Version})
	w.must(http.StatusConflict, w.sys, "POST", "/api/v1/accounts/"+id+"/disable", map[string]any{"reason": "离职，停用账号", "version": a.Version + 5})
	out := w.must(http.StatusOK, w.sys, "POST", "/api/v1/accounts/"+id+"/disable", map[string]any{"reason": "离职，停用账号", "version": a.Version})
	if out["disabled"] != true || out["state"] != "disabled" {
		t.Fatalf("disable: %v", out)
	}
	if code, _, _ := b.get("/api/v1/me"); code != http.StatusUnauthorized {
		t.Fatalf("after disabling, the old session answered %d", code)
	}
	if code, _, _ := b.login("to.disable", admTestPassword); code == http.StatusSeeOther {
		t.Fatal("a disabled account signed in")
	}
	out = w.must(http.StatusOK, w.sys, "POST", "/api/v1/accounts/"+id+"/enable", map[string]any{"reason": "重新入职", "version": out["version"]})
	if out["disabled"] != false {
		t.Fatalf("enable: %v", out)
	}
	if code, body, _ := b.login("to.disable", admTestPassword); code != http.StatusSeeOther {
		t.Fatalf("enabled account cannot sign in: %d %s", code, body)
	}
	// The list shows the account's state in words.
	code, body, _ := w.page(w.sys, "GET", "/admin/accounts?role=employer", nil)
	if code != http.StatusOK || !strings.Contains(body, "to.disable") || !strings.Contains(body, `state-active`) {
		t.Fatalf("account list: %d", code)
	}
	// Resetting the second factor ends the sessions too.
	w.must(http.StatusOK, w.sys, "POST", "/api/v1/accounts/"+id+"/totp-reset", nil)
	if code, _, _ := b.get("/api/v1/me"); code != http.StatusUnauthorized {
		t.Fatalf("after a second-factor reset the old session answered %d", code)
	}
}

func (w *admWorld) admOrgKind(kind, name, first17 string) string {
	w.t.Helper()
	out := w.must(http.StatusCreated, w.sys, "POST", "/api/v1/orgs", map[string]any{"kind": kind, "name": name,
		"credit_code": creditCode(first17, false), "county": "430211"})
	return admID(out["id"])
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAdminOrgs(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newAdmWorld(t, db)
			ctx := context.Background()
			// A malformed code is refused with the domain's message, and nothing is written.
			out := w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/orgs", map[string]any{"kind": "institution",
				"name": "错误代码培训学校", "credit_code": "91430211MA4L0000", "county": "430211"})
			if errMessage(out) != w.msg("credit.length", 16) {
				t.Fatalf("short credit code: %v", out)
			}
			out = w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/orgs", map[string]any{"kind": "institution",
				"name": "错误代码培训学校", "credit_code": "91430211MA4L0000IO", "county": "430211"})
			if errMessage(out) != w.msg("credit.chars", "I") {
				t.Fatalf("bad characters: %v", out)
			}
			if list, _, err := db.SearchOrgs(ctx, xiangpei.Scope{All: true}, "", "错误代码", "", store.Page{}); err != nil || len(list) != 0 {
				t.Fatalf("a refused organisation was written: %v %v", list, err)
			}
			// A code failing only its check character is accepted, pending an officer's confirmation.
			pending := creditCode("52430211MJ0000009", true)
			out = w.must(http.StatusCreated, w.sys, "POST", "/api/v1/orgs", map[string]any{"kind": "institution",
				"name": "早期代码培训学校", "credit_code": pending, "county": "430211"})
			if out["code_status"] != "pending" || out["notice"] != w.msg("done.admin_org_pending") {
				t.Fatalf("check character only: %v", out)
			}
			// The same code twice is a conflict.
			w.must(http.StatusConflict, w.sys, "POST", "/api/v1/orgs", map[string]any{"kind": "institution",
				"name": "重复登记培训学校", "credit_code": pending, "county": "430211"})
			// An unknown county is refused.
			w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/orgs", map[string]any{"kind": "employer",
				"name": "不存在区县的单位", "credit_code": creditCode("91439999MA4L00003", false), "county": "439999"})
			// In the browser: the form, then the organisation's page with the pending notice.
			if code, body, _ := w.page(w.sys, "GET", "/admin/orgs/new", nil); code != http.StatusOK || !strings.Contains(body, `name="credit_code"`) {
				t.Fatalf("new organisation page: %d", code)
			}
			code, _, h := w.page(w.sys, "POST", "/admin/orgs", url.Values{"kind": {"school"}, "name": {"株洲技师学院"},
				"credit_code": {creditCode("12430200MB0000004", true)}, "county": {"430211"}, "capacity": {"500"}})
			if code != http.StatusSeeOther || !regexp.MustCompile(`^/registry/orgs/\d+\?done=admin_org_pending$`).MatchString(h.Get("Location")) {
				t.Fatalf("create by form: %d %s", code, h.Get("Location"))
			}
			code, body, _ := w.page(w.sys, "POST", "/admin/orgs", url.Values{"kind": {"school"}, "name": {"坏代码技工学校"},
				"credit_code": {"12430200MB00000"}, "county": {"430211"}})
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, w.msg("credit.length", 15)) || !strings.Contains(body, "坏代码技工学校") {
				t.Fatalf("bad code by form: %d", code)
			}
		})
	}
}

func TestAdminReference(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newAdmWorld(t, db)
			const path = "/api/v1/reference/occupations/4-10-01-05"
			// Reading is open to every signed-in account, here the security administrator.
			o := w.must(http.StatusOK, w.sec, "GET", path, nil)
			if o["name"] != "养老护理员" {
				t.Fatalf("occupation: %v", o)
			}
			v := o["version"]
			list := w.must(http.StatusOK, w.sec, "GET", "/api/v1/reference/occupations?parent=4-10-01", nil)
			if admID(list["total"]) != "5" {
				t.Fatalf("children of 4-10-01: %v", list["total"])
			}
			// Rename; the levels are kept when the API leaves them out.
			out := w.must(http.StatusOK, w.sys, "POST", path, map[string]any{"name": "养老护理员（更正）", "version": v})
			if out["name"] != "养老护理员（更正）" || fmt.Sprint(out["levels"]) != fmt.Sprint(o["levels"]) {
				t.Fatalf("rename: %v", out)
			}
			// A second rename on the old version is refused and changes nothing.
			out = w.must(http.StatusConflict, w.sys, "POST", path, map[string]any{"name": "别人的名称", "version": v})
			if errMessage(out) != w.msg("version.stale") {
				t.Fatalf("stale rename: %v", out)
			}
			if got := w.must(http.StatusOK, w.sys, "GET", path, nil); got["name"] != "养老护理员（更正）" {
				t.Fatalf("stale rename changed the name: %v", got)
			}
			// The browser form shows the stale message, keeping the typed name.
			code, body, _ := w.page(w.sys, "POST", "/admin/reference/occupations/4-10-01-05", url.Values{
				"name": {"别人的名称"}, "levels": {"", "5", "4"}, "version": {admID(v)}})
			if code != http.StatusConflict || !strings.Contains(body, w.msg("version.stale")) || !strings.Contains(body, "别人的名称") {
				t.Fatalf("stale rename by form: %d", code)
			}
			// Deprecate with a replacement; an unknown replacement is refused.
			cur := w.must(http.StatusOK, w.sys, "GET", path, nil)
			w.must(http.StatusUnprocessableEntity, w.sys, "POST", path+"/deprecate", map[string]any{"replaced_by": "4-10-01-98", "version": cur["version"]})
			out = w.must(http.StatusOK, w.sys, "POST", path+"/deprecate", map[string]any{"replaced_by": "4-10-01-06", "version": cur["version"]})
			if out["deprecated"] != true || out["replaced_by"] != "4-10-01-06" {
				t.Fatalf("deprecate: %v", out)
			}
			// Add a 细类 under a 小类.
			out = w.must(http.StatusCreated, w.sys, "POST", "/api/v1/reference/occupations", map[string]any{
				"code": "4-10-01-99", "name": "智慧康养照护员", "levels": []string{"5", "4", "3"}})
			if out["parent"] != "4-10-01" || fmt.Sprint(out["levels"]) != "[5 4 3]" {
				t.Fatalf("add occupation: %v", out)
			}
			w.must(http.StatusNotFound, w.sec, "GET", "/api/v1/reference/occupations/9-99-99-99", nil)

			// Regions: rename with a version.
			regions := w.must(http.StatusOK, w.sec, "GET", "/api/v1/reference/regions", nil)["regions"].([]any)
			if len(regions) < 20 {
				t.Fatalf("regions: %d", len(regions))
			}
			out = w.must(http.StatusOK, w.sys, "POST", "/api/v1/reference/regions/430212", map[string]any{"name": "渌口区", "version": 1})
			w.must(http.StatusConflict, w.sys, "POST", "/api/v1/reference/regions/430212", map[string]any{"name": "渌口县", "version": 1})
			if admID(out["version"]) != "2" {
				t.Fatalf("region rename: %v", out)
			}

			// Skill levels, key groups, sectors, special actions.
			levels := w.must(http.StatusOK, w.sec, "GET", "/api/v1/reference/levels", nil)["levels"].([]any)
			l0 := levels[0].(map[string]any)
			w.must(http.StatusOK, w.sys, "POST", "/api/v1/reference/levels/"+l0["code"].(string), map[string]any{
				"name_zh": l0["name_zh"], "name_en": l0["name_en"], "rank": l0["rank"], "version": l0["version"]})
			w.must(http.StatusCreated, w.sys, "POST", "/api/v1/reference/key-groups", map[string]any{
				"code": "poverty_relief", "name_zh": "脱贫人口", "name_en": "People lifted out of poverty"})
			w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/reference/key-groups", map[string]any{
				"code": "half_detail", "name_zh": "半个补充", "name_en": "Half detail", "detail_zh": "证号"})
			w.must(http.StatusOK, w.sys, "POST", "/api/v1/reference/key-groups/poverty_relief", map[string]any{
				"name_zh": "脱贫人口（含监测对象）", "name_en": "People lifted out of poverty", "version": 1})
			w.must(http.StatusCreated, w.sys, "POST", "/api/v1/reference/sectors", map[string]any{
				"code": "silver_economy", "name_zh": "银发经济", "name_en": "Silver economy"})
			w.must(http.StatusConflict, w.sys, "POST", "/api/v1/reference/sectors", map[string]any{
				"code": "silver_economy", "name_zh": "银发经济", "name_en": "Silver economy"})
			act := w.must(http.StatusCreated, w.sys, "POST", "/api/v1/reference/actions", map[string]any{
				"year": 2027, "code": "elder_care", "name_zh": "养老护理技能提升", "name_en": "Elderly care skills"})
			w.must(http.StatusOK, w.sys, "POST", "/api/v1/reference/actions/"+admID(act["id"]), map[string]any{
				"name_zh": "养老护理技能提升行动", "name_en": "Elderly care skills", "version": 1})
			acts := w.must(http.StatusOK, w.sec, "GET", "/api/v1/reference/actions?year=2027", nil)["actions"].([]any)
			if len(acts) != 1 || acts[0].(map[string]any)["name_zh"] != "养老护理技能提升行动" {
				t.Fatalf("actions of 2027: %v", acts)
			}

			// The calendar: 2027 has no schedule yet; a day is set and deleted again.
			cal := w.must(http.StatusOK, w.sec, "GET", "/api/v1/reference/calendar?year=2027", nil)
			if cal["has_schedule"] != false || len(cal["days"].([]any)) != 0 {
				t.Fatalf("2027 before: %v", cal)
			}
			if cal := w.must(http.StatusOK, w.sec, "GET", "/api/v1/reference/calendar?year=2026", nil); cal["has_schedule"] != true {
				t.Fatalf("2026 has no schedule: %v", cal)
			}
			if code, body, _ := w.page(w.sys, "GET", "/admin/reference/calendar?year=2027", nil); code != http.StatusOK || !strings.Contains(body, w.msg("admin.calendar_missing", 2027)) {
				t.Fatalf("calendar page without a schedule: %d", code)
			}
			w.must(http.StatusOK, w.sys, "POST", "/api/v1/reference/calendar", map[string]any{"day": "2027-01-01", "kind": "holiday", "name": "元旦"})
			out = w.must(http.StatusUnprocessableEntity, w.sys, "POST", "/api/v1/reference/calendar", map[string]any{"day": "2027-01-04", "kind": "workday"})
			if errMessage(out) != w.msg("ref.calendar_workday_weekday", "2027-01-04", "Monday") {
				t.Fatalf("workday on a Monday: %v", out)
			}
			cal = w.must(http.StatusOK, w.sec, "GET", "/api/v1/reference/calendar?year=2027", nil)
			days := cal["days"].([]any)
			if cal["has_schedule"] != true || len(days) != 1 || days[0].(map[string]any)["name"] != "元旦" {
				t.Fatalf("2027 after setting a day: %v", cal)
			}
			w.must(http.StatusOK, w.sys, "POST", "/api/v1/reference/calendar/2027-01-01/delete", nil)
			w.must(http.StatusNotFound, w.sys, "POST", "/api/v1/reference/calendar/2027-01-01/delete", nil)
			if cal := w.must(http.StatusOK, w.sec, "GET", "/api/v1/reference/calendar?year=2027", nil); len(cal["days"].([]any)) != 0 {
				t.Fatalf("2027 after deleting: %v", cal)
			}
			code, _, h := w.page(w.sys, "POST", "/admin/reference/calendar", url.Values{"day": {"2027-02-06"}, "kind": {"workday"}, "name": {"春节调休上班"}})
			if code != http.StatusSeeOther || h.Get("Location") != "/admin/reference/calendar?year=2027&done=saved" {
				t.Fatalf("set a day by form: %d %s", code, h.Get("Location"))
			}
			code, _, h = w.page(w.sys, "POST", "/admin/reference/calendar/2027-02-06/delete", url.Values{})
			if code != http.StatusSeeOther || h.Get("Location") != "/admin/reference/calendar?year=2027&done=admin_day_deleted" {
				t.Fatalf("delete a day by form: %d %s", code, h.Get("Location"))
			}
		})
	}
}

// TestAdminPages renders every administrator page.
func TestAdminPages(t *testing.T) {
	db := storetest.SQLite(t)
	w := newAdmWorld(t, db)
	org := w.admOrg("页面测试培训学校", "52430211MJ0000010")
	officer := w.must(http.StatusCreated, w.sys, "POST", "/api/v1/accounts", map[string]any{
		"login": "page.officer", "display_name": "页面经办", "role": "officer", "duties": []string{"registry"}, "region": "430200"})
	id := admID(officer["account"].(map[string]any)["id"])
	for _, p := range []string{"/admin/accounts", "/admin/accounts?role=officer&q=page", "/admin/accounts/new", "/admin/accounts/new?org=" + org,
		"/admin/accounts/new?org_q=页面", "/admin/accounts/" + id, fmt.Sprintf("/admin/accounts/%d", w.sysID), "/admin/orgs/new",
		"/admin/reference", "/admin/reference/regions", "/admin/reference/occupations", "/admin/reference/occupations?parent=4-10-01",
		"/admin/reference/occupations?q=护理", "/admin/reference/occupations?parent=4&page=2", "/admin/reference/occupations/4-10-01-05",
		"/admin/reference/occupations/4-10", "/admin/reference/levels", "/admin/reference/key-groups", "/admin/reference/sectors",
		"/admin/reference/actions", "/admin/reference/actions?year=2026", "/admin/reference/calendar", "/admin/reference/calendar?year=2026"} {
		code, body, _ := w.page(w.sys, "GET", p, nil)
		if code != http.StatusOK || !strings.Contains(body, "<main") {
			t.Errorf("GET %s: %d", p, code)
		}
	}
	for _, p := range []string{"/admin/accounts/99", "/admin/reference/occupations/9-99"} {
		if code, _, _ := w.page(w.sys, "GET", p, nil); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, code)
		}
	}
	if code, body, _ := w.page(w.sys, "GET", "/admin/accounts/new?org="+org, nil); code != http.StatusOK || !strings.Contains(body, `value="`+org+`" selected`) {
		t.Errorf("new account for an organisation does not preselect it")
	}
	for _, p := range []string{"/admin/security", "/admin/security?login=page.officer", "/admin/security?login=nobody"} {
		if code, _, _ := w.page(w.sec, "GET", p, nil); code != http.StatusOK {
			t.Errorf("GET %s as secadmin: %d", p, code)
		}
	}
	// The English pages too.
	req, _ := http.NewRequest("GET", w.ts.URL+"/admin/reference/levels", nil)
	req.Header.Set("Authorization", "Bearer "+w.sys)
	req.Header.Set("Accept-Language", "en")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "Skill levels") {
		t.Errorf("English page: %d", resp.StatusCode)
	}
}

func TestAdminSecurity(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			w := newAdmWorld(t, db)
			ctx := context.Background()
			// The password profile.
			if out := w.must(http.StatusOK, w.sec, "GET", "/api/v1/security/profile", nil); out["profile"] != "asvs" {
				t.Fatalf("default profile: %v", out)
			}
			out := w.must(http.StatusUnprocessableEntity, w.sec, "POST", "/api/v1/security/profile", map[string]any{"profile": "weak"})
			if errMessage(out) != w.msg("admin.profile_unknown") {
				t.Fatalf("unknown profile: %v", out)
			}
			w.must(http.StatusOK, w.sec, "POST", "/api/v1/security/profile", map[string]any{"profile": "gov"})
			if v, _ := db.Setting(ctx, store.SettingPasswordProfile, ""); v != "gov" {
				t.Fatalf("profile stored: %q", v)
			}
			code, _, h := w.page(w.sec, "POST", "/admin/security/profile", url.Values{"profile": {"asvs"}})
			if code != http.StatusSeeOther || h.Get("Location") != "/admin/security?done=admin_profile_saved" {
				t.Fatalf("profile by form: %d %s", code, h.Get("Location"))
			}

			// Lock an account with wrong passwords, then unlock it.
			a := w.staff(xiangpei.AccountInput{Login: "forgetful", DisplayName: "健忘的人", Role: xiangpei.RoleAdmin, Duties: xiangpei.Duties{xiangpei.DutyAuditor}})
			b := w.browser()
			for i := 0; i < xiangpei.LockAfter; i++ {
				b.login("forgetful", "wrong-password-"+fmt.Sprint(i))
			}
			locked := w.must(http.StatusOK, w.sec, "GET", "/api/v1/security/locked", nil)["accounts"].([]any)
			if len(locked) != 1 || locked[0].(map[string]any)["login"] != "forgetful" || locked[0].(map[string]any)["state"] != "locked" {
				t.Fatalf("locked accounts: %v", locked)
			}
			if code, body, _ := w.page(w.sec, "GET", "/admin/security", nil); code != http.StatusOK || !strings.Contains(body, "forgetful") {
				t.Fatalf("security page does not list the locked account: %d", code)
			}
			w.must(http.StatusForbidden, w.sys, "POST", fmt.Sprintf("/api/v1/security/unlock/%d", a.ID), nil)
			out = w.must(http.StatusOK, w.sec, "POST", fmt.Sprintf("/api/v1/security/unlock/%d", a.ID), nil)
			if out["locked"] != false {
				t.Fatalf("unlock: %v", out)
			}
			if locked := w.must(http.StatusOK, w.sec, "GET", "/api/v1/security/locked", nil)["accounts"].([]any); len(locked) != 0 {
				t.Fatalf("still locked: %v", locked)
			}
			w.must(http.StatusNotFound, w.sec, "POST", "/api/v1/security/unlock/424242", nil)

			// Tokens: listed and revoked by the security administrator.
			toks := w.must(http.StatusOK, w.sec, "GET", fmt.Sprintf("/api/v1/accounts/%d/tokens", w.sysID), nil)["tokens"].([]any)
			if len(toks) != 1 || toks[0].(map[string]any)["revoked"] != false {
				t.Fatalf("tokens: %v", toks)
			}
			w.must(http.StatusForbidden, w.sys, "GET", fmt.Sprintf("/api/v1/accounts/%d/tokens", w.sysID), nil)
			tok := admID(toks[0].(map[string]any)["id"])
			w.must(http.StatusNotFound, w.sec, "POST", fmt.Sprintf("/api/v1/accounts/%d/tokens/%s/revoke", w.secID, tok), nil)
			w.must(http.StatusOK, w.sec, "POST", fmt.Sprintf("/api/v1/accounts/%d/tokens/%s/revoke", w.sysID, tok), nil)
			if status, _ := w.api(w.sys, "GET", "/api/v1/reference/levels", nil); status != http.StatusUnauthorized {
				t.Fatalf("a revoked token still works: %d", status)
			}
		})
	}
}
