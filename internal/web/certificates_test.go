package web

import (
	"context"
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

// certEnv is the web fixture of the certificate tests: the training world with an assessment
// body in each county, a certificate each body issued (the own one to the trainee, who has an
// account), and accounts for the people who read and revoke them.
type certEnv struct {
	*trainEnv
	bodyA, bodyB         xiangpei.Organisation
	staffA, staffB       xiangpei.Account
	registrar            xiangpei.Account // 天元区 officer with the registry duty
	holderB              xiangpei.Person
	cert, certB          xiangpei.Certificate
	tA, tB, tReg, tOff   string // tokens: staff of A and B, the registrar, the class_review officer
	tOOff, tHolder, tSys string // the other county's officer, the holder, the system administrator
}

func newCertEnv(t *testing.T, db *store.DB) *certEnv {
	t.Helper()
	te := newTrainEnv(t, db)
	ce := &certEnv{trainEnv: te}
	err := db.Tx(context.Background(), te.w.Admin, func(tx *store.Tx) error {
		var err error
		mk := func(name, county, code17 string) xiangpei.Organisation {
			o, e := tx.CreateOrg(xiangpei.Organisation{Kind: xiangpei.OrgAssessor, Name: name, County: county,
				CreditCode: xiangpei.CreditCode(creditCode(code17, false))})
			if e != nil {
				err = e
			}
			return o
		}
		ce.bodyA = mk("天元职业技能等级认定中心", "430211", "52430211MJ7000001")
		ce.bodyB = mk("荷塘职业技能等级认定中心", "430202", "52430202MJ7000002")
		if err != nil {
			return err
		}
		if ce.holderB, err = tx.CreatePerson(xiangpei.Person{IDNumber: xiangpei.IDNumber(validID("43020219880808123")), Name: "赵荷塘",
			Phone: "13807330888", Household: xiangpei.HouseholdUrban, County: "430202"}); err != nil {
			return err
		}
		if ce.cert, err = tx.IssueCertificate(xiangpei.Certificate{Level: "4", PersonID: te.person.ID, County: "430211",
			OccupationCode: "4-10-01-05", IssuerOrgID: ce.bodyA.ID, Source: xiangpei.CertFromAssessment, SourceID: 1}); err != nil {
			return err
		}
		ce.certB, err = tx.IssueCertificate(xiangpei.Certificate{Level: "special", PersonID: ce.holderB.ID, County: "430202",
			OccupationCode: "4-10-01-05", IssuerOrgID: ce.bodyB.ID, Source: xiangpei.CertFromAssessment, SourceID: 2})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ce.staffA = te.account(xiangpei.AccountInput{Login: "c_a", DisplayName: "天元认定中心", Role: xiangpei.RoleAssessor, OrgID: ce.bodyA.ID}, testPassword)
	ce.staffB = te.account(xiangpei.AccountInput{Login: "c_b", DisplayName: "荷塘认定中心", Role: xiangpei.RoleAssessor, OrgID: ce.bodyB.ID}, testPassword)
	ce.registrar = te.account(xiangpei.AccountInput{Login: "c_reg", DisplayName: "天元区登记", Role: xiangpei.RoleOfficer, Region: "430211",
		Duties: xiangpei.Duties{xiangpei.DutyRegistry}}, testPassword)
	sys := te.account(xiangpei.AccountInput{Login: "c_sys", DisplayName: "系统管理员", Role: xiangpei.RoleAdmin,
		Duties: xiangpei.Duties{xiangpei.DutySysAdmin}}, testPassword)
	ce.tA, ce.tB, ce.tReg, ce.tOff = te.token(ce.staffA.ID), te.token(ce.staffB.ID), te.token(ce.registrar.ID), te.token(te.officer.ID)
	ce.tOOff, ce.tHolder, ce.tSys = te.token(te.oOfficer.ID), te.token(te.trainee.ID), te.token(sys.ID)
	return ce
}

// idForms are the ways an ID number could leak onto a page: whole, its first 17 digits, the
// 15-digit old form, the birth date, and the masked form (which the public page must not show
// either).
func idForms(id xiangpei.IDNumber) []string {
	s := string(id)
	return []string{s, s[:17], s[:6] + s[8:17], s[6:14], id.Masked()}
}

// TestCertificatePages walks the lists, the certificate page, the A4 page with its QR code and
// download, the holder's own list, and revocation, with the scope of every role.
func TestCertificatePages(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ce := newCertEnv(t, db)
			c := ce.cert
			id := "/certificates/" + fmt.Sprint(c.ID)
			idB := "/certificates/" + fmt.Sprint(ce.certB.ID)
			full := string(ce.person.IDNumber)

			// Lists in scope, masked ID numbers.
			code, body, _ := ce.request(ce.tA, "GET", "/certificates", nil)
			if code != 200 || !strings.Contains(string(body), c.Number) || strings.Contains(string(body), ce.certB.Number) ||
				!strings.Contains(string(body), ce.person.IDNumber.Masked()) || strings.Contains(string(body), full) {
				t.Fatalf("the body's list: %d %s", code, body)
			}
			code, body, _ = ce.request(ce.tOOff, "GET", "/api/v1/certificates", nil)
			if m := decode(t, string(body)); code != 200 || fmt.Sprint(m["total"]) != "1" || !strings.Contains(string(body), ce.certB.Number) ||
				strings.Contains(string(body), string(ce.holderB.IDNumber)) {
				t.Errorf("the other county's list: %d %s", code, body)
			}
			code, body, _ = ce.request(ce.tSys, "GET", "/api/v1/certificates?status=valid&year=2026&name="+url.QueryEscape("赵"), nil)
			if m := decode(t, string(body)); code != 200 || fmt.Sprint(m["total"]) != "1" || !strings.Contains(string(body), ce.certB.Number) {
				t.Errorf("filtered: %d %s", code, body)
			}
			code, body, h := ce.request(ce.tReg, "GET", "/certificates?format=xlsx", nil)
			if code != 200 || h.Get("Content-Type") != sheet.ContentType || !strings.HasPrefix(string(body), "PK") ||
				!strings.Contains(h.Get("Content-Disposition"), "certificates.xlsx") {
				t.Errorf("export: %d %s", code, h)
			}

			// One certificate: the holder, the body, the region, the system administrator; not
			// the other county.
			for _, tok := range []string{ce.tHolder, ce.tA, ce.tOff, ce.tSys} {
				if code, body, _ := ce.request(tok, "GET", id, nil); code != 200 || !strings.Contains(string(body), c.Number) ||
					strings.Contains(string(body), full) {
					t.Errorf("certificate page: %d", code)
				}
			}
			for _, tok := range []string{ce.tOOff, ce.tB} {
				if code, _, _ := ce.request(tok, "GET", id, nil); code != 404 {
					t.Errorf("another county's certificate: %d, want 404", code)
				}
				if code, _, _ := ce.request(tok, "GET", id+"/print", nil); code != 404 {
					t.Errorf("another county's certificate page: %d, want 404", code)
				}
				if code, _, _ := ce.request(tok, "GET", id+"/qr.png", nil); code != 404 {
					t.Errorf("another county's QR code: %d, want 404", code)
				}
			}
			if code, _, _ := ce.request(ce.tHolder, "GET", idB, nil); code != 404 {
				t.Errorf("someone else's certificate: %d, want 404", code)
			}
			code, body, _ = ce.request(ce.tA, "GET", "/api/v1"+id, nil)
			if m := decode(t, string(body)); code != 200 || m["may_revoke"] != true || m["holder_id_number"] != ce.person.IDNumber.Masked() ||
				!strings.HasSuffix(fmt.Sprint(m["verify_url"]), "/verify/"+c.Number) {
				t.Errorf("certificate JSON: %d %s", code, body)
			}

			// The holder's own certificates, as cards with the print and download links.
			code, body, _ = ce.request(ce.tHolder, "GET", "/me/certificates", nil)
			if code != 200 || !strings.Contains(string(body), c.Number) || !strings.Contains(string(body), id+"/print?download=1") ||
				strings.Contains(string(body), ce.certB.Number) {
				t.Errorf("my certificates: %d %s", code, body)
			}

			// The A4 page: its own stylesheet, no menu, the QR image of the verification address.
			code, body, h = ce.request(ce.tHolder, "GET", id+"/print", nil)
			page := string(body)
			if code != 200 || !strings.Contains(page, `href="/static/certificate.css"`) || strings.Contains(page, "/static/app.css") ||
				strings.Contains(page, `class="top"`) || !strings.Contains(page, `<img src="`+id+`/qr.png"`) ||
				!strings.Contains(page, "职业技能等级证书") || !strings.Contains(page, "李学员") || !strings.Contains(page, ce.person.IDNumber.Masked()) ||
				strings.Contains(page, full) || !strings.Contains(page, ce.ts.URL+"/verify/"+c.Number) || strings.Contains(page, "cert-revoked-mark") {
				t.Fatalf("print page: %d %s", code, page)
			}
			code, body, h = ce.request(ce.tHolder, "GET", id+"/qr.png", nil)
			if code != 200 || h.Get("Content-Type") != "image/png" || !strings.HasPrefix(string(body), "\x89PNG") {
				t.Errorf("QR image: %d %s", code, h)
			}
			if code, body, _ := ce.srvGet(t, "/static/certificate.css"); code != 200 || !strings.Contains(body, "size: A4") || !strings.Contains(body, "@media print") {
				t.Errorf("stylesheet: %d", code)
			}
			code, body, h = ce.request(ce.tHolder, "GET", id+"/print?download=1", nil)
			if code != 200 || !strings.Contains(h.Get("Content-Disposition"), "attachment") ||
				!strings.Contains(h.Get("Content-Disposition"), c.Number+".html") || !strings.Contains(string(body), "data:image/png;base64,") ||
				!strings.Contains(string(body), "<style>") || strings.Contains(string(body), full) {
				t.Errorf("download: %d %s", code, h)
			}

			// Revocation: not by an officer without the registry or publish duty, not by the
			// other county's body; a stale version and a missing reason are refused.
			revoke := func(tok string, form map[string]any) (int, map[string]any) {
				code, body, _ := ce.request(tok, "POST", "/api/v1"+id+"/revoke", form)
				return code, decode(t, string(body))
			}
			if code, _ := revoke(ce.tOff, map[string]any{"reason": "考评违规", "version": 1}); code != 404 {
				t.Errorf("an officer without the duty: %d, want 404", code)
			}
			if code, _ := revoke(ce.tB, map[string]any{"reason": "考评违规", "version": 1}); code != 404 {
				t.Errorf("another body: %d, want 404", code)
			}
			if code, _ := revoke(ce.tA, map[string]any{"reason": "考评违规", "version": 7}); code != 409 {
				t.Errorf("a stale version: %d, want 409", code)
			}
			if code, m := revoke(ce.tReg, map[string]any{"reason": "", "version": 1}); code != 422 || !strings.Contains(fmt.Sprint(m), "原因") {
				t.Errorf("no reason: %d %v", code, m)
			}
			// The body revokes through the browser form.
			b := ce.browser()
			b.signIn(ce.staffA, testPassword)
			b.get(id)
			code, _, h = b.post(id+"/revoke", url.Values{"reason": {"考评员与培训教师为同一人"}, "version": {"1"}})
			if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), id+"?done=cert_revoked") {
				t.Fatalf("revoke form: %d %s", code, h.Get("Location"))
			}
			_, page, _ = b.get(h.Get("Location"))
			if !strings.Contains(page, "state state-revoked") || !strings.Contains(page, "考评员与培训教师为同一人") || strings.Contains(page, `action="`+id+`/revoke"`) {
				t.Errorf("after revocation: %s", page)
			}
			if code, m := revoke(ce.tReg, map[string]any{"reason": "再次撤销", "version": 2}); code != 409 || !strings.Contains(fmt.Sprint(m), "已撤销") {
				t.Errorf("revoking twice: %d %v", code, m)
			}
			// Revoked everywhere: the holder's message, lists, the A4 page.
			msgs, err := db.Messages(context.Background(), ce.trainee.ID, store.Page{})
			if err != nil || len(msgs) != 1 || msgs[0].Channel != "inbox" || !strings.Contains(msgs[0].Body, c.Number) {
				t.Errorf("the holder's messages: %+v %v", msgs, err)
			}
			if _, body, _ := ce.request(ce.tHolder, "GET", "/me/certificates", nil); !strings.Contains(string(body), "state state-revoked") {
				t.Errorf("my certificates after revocation")
			}
			if _, body, _ := ce.request(ce.tOff, "GET", "/certificates?status=revoked", nil); !strings.Contains(string(body), c.Number) {
				t.Errorf("the revoked filter")
			}
			if _, body, _ := ce.request(ce.tHolder, "GET", id+"/print", nil); !strings.Contains(string(body), "cert-revoked-mark") ||
				!strings.Contains(string(body), "已撤销") {
				t.Errorf("the A4 page of a revoked certificate has no mark")
			}
		})
	}
}

// srvGet fetches a path without signing in.
func (e *env) srvGet(t *testing.T, path string) (int, string, http.Header) {
	t.Helper()
	code, body, h := e.request("", "GET", path, nil)
	return code, string(body), h
}

// TestCertificateVerify: the public page and its API answer by number and name or by the QR
// link, mask the name, never show any form of the ID number, do not tell a wrong name from an
// unknown number, show the parser's message for a malformed number, and show revocation.
func TestCertificateVerify(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			ce := newCertEnv(t, db)
			c := ce.cert
			noID := func(what, body string) {
				t.Helper()
				for _, f := range idForms(ce.person.IDNumber) {
					if strings.Contains(body, f) {
						t.Errorf("%s shows %q of the ID number", what, f)
					}
				}
			}
			anon := ce.browser()
			if code, body, _ := anon.get("/verify"); code != 200 || !strings.Contains(body, `name="number"`) || !strings.Contains(body, `name="name"`) {
				t.Fatalf("verify form: %d", code)
			}
			typed := strings.ToLower(c.Number[:7]) + "-" + c.Number[7:]
			code, body, _ := anon.get("/verify?number=" + url.QueryEscape(typed) + "&name=" + url.QueryEscape(" 李学员"))
			if code != 200 || !strings.Contains(body, "李**") || !strings.Contains(body, "真实有效") || !strings.Contains(body, "天元职业技能等级认定中心") ||
				!strings.Contains(body, "养老护理员") || !strings.Contains(body, c.Number) {
				t.Fatalf("verdict: %d %s", code, body)
			}
			noID("the verdict page", body)
			// A wrong name and an unknown number get the same answer, with nothing of the certificate.
			code, wrong, _ := anon.get("/verify?number=" + c.Number + "&name=" + url.QueryEscape("张三"))
			other, _ := xiangpei.CertSeries{Kind: xiangpei.CertSkill, Region: "430211", Year: 2026, Level: "4"}.Number(999)
			code2, unknown, _ := anon.get("/verify?number=" + other + "&name=" + url.QueryEscape("李学员"))
			if code != 404 || code2 != 404 || !strings.Contains(wrong, "没有与该编号和姓名相符的证书") || !strings.Contains(unknown, "没有与该编号和姓名相符的证书") ||
				strings.Contains(wrong, "李**") || strings.Contains(wrong, "认定中心") {
				t.Errorf("wrong name %d / unknown number %d: %s", code, code2, wrong)
			}
			if code, body, _ := anon.get("/verify?number=S123&name=" + url.QueryEscape("李学员")); code != 422 || !strings.Contains(body, "不是证书编号") {
				t.Errorf("malformed number: %d", code)
			}
			if code, body, _ := anon.get("/verify?number=" + c.Number[:16] + "0&name=" + url.QueryEscape("李学员")); c.Number[16] != '0' &&
				(code != 422 || !strings.Contains(body, "校验位")) {
				t.Errorf("wrong check character: %d", code)
			}
			if code, _, _ := anon.get("/verify?number=" + c.Number + "&name="); code != 422 {
				t.Errorf("no name: %d", code)
			}
			// The QR link: no name asked.
			code, body, _ = anon.get("/verify/" + c.Number)
			if code != 200 || !strings.Contains(body, "李**") || !strings.Contains(body, "真实有效") {
				t.Errorf("QR link: %d %s", code, body)
			}
			noID("the QR page", body)
			if code, _, _ := anon.get("/verify/" + other); code != 404 {
				t.Errorf("QR link of an unknown number: %d", code)
			}
			// The JSON twins.
			code, raw, _ := ce.request("", "GET", "/api/v1/verify?number="+c.Number+"&name="+url.QueryEscape("李学员"), nil)
			v, _ := decode(t, string(raw))["verdict"].(map[string]any)
			if code != 200 || v["holder_name"] != "李**" || v["status"] != "valid" || v["level"] != "4" || v["revoked_on"] != nil {
				t.Errorf("API verdict: %d %s", code, raw)
			}
			noID("the API verdict", string(raw))
			if code, raw, _ := ce.request("", "GET", "/api/v1/verify?number="+c.Number+"&name="+url.QueryEscape("王五"), nil); code != 404 ||
				strings.Contains(string(raw), "李") {
				t.Errorf("API wrong name: %d %s", code, raw)
			}
			code, raw, _ = ce.request("", "GET", "/api/v1/verify/"+c.Number, nil)
			if code != 200 || !strings.Contains(string(raw), `"holder_name":"李**"`) {
				t.Errorf("API QR: %d %s", code, raw)
			}
			noID("the API QR verdict", string(raw))

			// After revocation the visitor sees it revoked, with the date.
			if code, body, _ := ce.request(ce.tReg, "POST", "/api/v1/certificates/"+fmt.Sprint(c.ID)+"/revoke",
				map[string]any{"reason": "证书信息有误", "version": c.Version}); code != 200 {
				t.Fatalf("revoke: %d %s", code, body)
			}
			day := ce.clock.now().In(xiangpei.ChinaTime).Format(time.DateOnly)
			code, body, _ = anon.get("/verify/" + c.Number)
			if code != 200 || !strings.Contains(body, "state state-revoked") || !strings.Contains(body, "已于 "+day+" 撤销") {
				t.Errorf("revoked verdict: %d %s", code, body)
			}
			noID("the revoked verdict", body)
			code, raw, _ = ce.request("", "GET", "/api/v1/verify/"+c.Number, nil)
			if v, _ := decode(t, string(raw))["verdict"].(map[string]any); code != 200 || v["status"] != "revoked" || v["revoked_on"] != day {
				t.Errorf("API revoked verdict: %d %s", code, raw)
			}
		})
	}
}

// TestCertificateVerifyRateLimit: 30 lookups per 10 minutes from one address, then 429 with a
// message, on the page and the API alike; the window passes with the clock.
func TestCertificateVerifyRateLimit(t *testing.T) {
	db := storetest.SQLite(t)
	ce := newCertEnv(t, db)
	path := "/verify/" + ce.cert.Number
	for i := range certVerifyMax {
		if code, _, _ := ce.srvGet(t, path); code != 200 {
			t.Fatalf("lookup %d: %d", i+1, code)
		}
	}
	code, body, _ := ce.srvGet(t, path)
	if code != http.StatusTooManyRequests || !strings.Contains(body, "查验过于频繁") {
		t.Fatalf("lookup 31: %d %s", code, body)
	}
	if code, _, _ := ce.srvGet(t, "/api/v1/verify?number="+ce.cert.Number+"&name="+url.QueryEscape("李学员")); code != http.StatusTooManyRequests {
		t.Errorf("API lookup 32: %d", code)
	}
	// The form alone is no lookup.
	if code, _, _ := ce.srvGet(t, "/verify"); code != 200 {
		t.Errorf("the empty form while limited: %d", code)
	}
	ce.at(ce.clock.now().Add(certVerifyPeriod + time.Second))
	if code, _, _ := ce.srvGet(t, path); code != 200 {
		t.Errorf("after the window: %d", code)
	}
}
