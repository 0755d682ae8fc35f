package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store"
	"xiangpei/internal/store/storetest"
)

// claimWebWorld is a closed class of two trainees who attended everything and hold level-5
// certificates issued on the class's last day, with the clock two days later.
func claimWebWorld(t *testing.T, db *store.DB) (*complWorld, map[int64]xiangpei.Certificate) {
	t.Helper()
	cw := newComplWorld(t, db, 2)
	cw.start(t)
	cw.at(cw.c.LastSession.Add(time.Hour))
	cw.attendFully(t, cw.person.ID, cw.c.Sessions...)
	cw.attendFully(t, cw.secondP.ID, cw.c.Sessions...)
	var err error
	cw.c, err = store.Do(t.Context(), db, cw.w.InstA, func(tx *store.Tx) (xiangpei.Class, error) {
		c, _, err := tx.CloseClass(cw.w.InstA.Scope(), cw.c.ID, cw.c.Version)
		return c, err
	})
	if err != nil {
		t.Fatal(err)
	}
	certs := map[int64]xiangpei.Certificate{}
	err = db.Tx(t.Context(), cw.w.Admin, func(tx *store.Tx) error {
		for _, pid := range []int64{cw.person.ID, cw.secondP.ID} {
			c, err := tx.IssueCertificate(xiangpei.Certificate{Level: "5", PersonID: pid, County: "430211", OccupationCode: "4-10-01-05",
				IssuerName: "株洲市职业技能鉴定中心", IssuedOn: cw.c.LastSession.In(xiangpei.ChinaTime).Format(time.DateOnly),
				Source: xiangpei.CertSource("assessment")})
			if err != nil {
				return err
			}
			certs[pid] = c
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cw.at(cw.c.LastSession.Add(48 * time.Hour))
	return cw, certs
}

func claimID(t *testing.T, body []byte) (int64, int64) {
	t.Helper()
	m := decode(t, string(body))
	id, err1 := strconv.ParseInt(fmt.Sprint(m["id"]), 10, 64)
	v, err2 := strconv.ParseInt(fmt.Sprint(m["version"]), 10, 64)
	if err1 != nil || err2 != nil || id == 0 {
		t.Fatalf("no claim in %s", body)
	}
	return id, v
}

// TestClaimsInstitutionFlow: the institution finds its closed class on the claims page, sees
// the preview with amounts and each check as a sentence, makes the claim (the API create is
// idempotent), reads it, exports it, and submits it; another institution and another county do
// not see it; the county's officer does.
func TestClaimsInstitutionFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw, _ := claimWebWorld(t, db)
			office := cw.signedIn(t, cw.inst)
			st, body, _ := office.get("/claims")
			if st != http.StatusOK || !strings.Contains(body, fmt.Sprintf("/claims/new?class=%d", cw.c.ID)) {
				t.Fatalf("claims page: %d %s", st, body)
			}
			st, body, _ = office.get(fmt.Sprintf("/claims/new?class=%d", cw.c.ID))
			if st != http.StatusOK || !strings.Contains(body, "出勤率 100% ≥ 80%：通过") || !strings.Contains(body, "1000.00") ||
				!strings.Contains(body, "2000.00") || !strings.Contains(body, "生成申领草稿") {
				t.Fatalf("preview: %d %s", st, body)
			}
			// the API create, twice with one Idempotency-Key: one claim
			h := http.Header{"Idempotency-Key": {"claim-once-1"}}
			st1, b1, _ := cw.requestWith(cw.instTok, http.MethodPost, "/api/v1/claims", map[string]any{"class": cw.c.ID}, h)
			st2, b2, _ := cw.requestWith(cw.instTok, http.MethodPost, "/api/v1/claims", map[string]any{"class": cw.c.ID}, h)
			if st1 != http.StatusCreated || st2 != http.StatusCreated || string(b1) != string(b2) {
				t.Fatalf("idempotent create: %d %d %s %s", st1, st2, b1, b2)
			}
			id, version := claimID(t, b1)
			if st, body, _ := cw.request(cw.instTok, http.MethodPost, "/api/v1/claims", map[string]any{"class": cw.c.ID}); st != http.StatusConflict || !strings.Contains(string(body), "已有申领") {
				t.Errorf("second claim: %d %s", st, body)
			}
			// the detail over the API: lines with the trace
			st, raw, _ := cw.request(cw.instTok, http.MethodGet, fmt.Sprintf("/api/v1/claims/%d", id), nil)
			m := decode(t, string(raw))
			lines, _ := m["claim_lines"].([]any)
			if st != http.StatusOK || len(lines) != 2 || m["total"] != "2000.00" || m["status"] != "draft" {
				t.Fatalf("claim API: %d %s", st, raw)
			}
			l0 := lines[0].(map[string]any)
			if l0["amount"] != "1000.00" || l0["payable"] != true || l0["intact"] != true || len(l0["trace"].([]any)) < 8 {
				t.Errorf("line: %v", l0)
			}
			// withdraw over the API, then claim in the browser
			if st, body, _ := cw.request(cw.instTok, http.MethodPost, fmt.Sprintf("/api/v1/claims/%d/withdraw", id), map[string]any{"version": version}); st != http.StatusOK {
				t.Fatalf("withdraw: %d %s", st, body)
			}
			st, _, hd := office.post("/claims", url.Values{"class": {fmt.Sprint(cw.c.ID)}})
			if st != http.StatusSeeOther || !strings.Contains(hd.Get("Location"), "done=claim_created") {
				t.Fatalf("create: %d %s", st, hd.Get("Location"))
			}
			path := strings.Split(hd.Get("Location"), "?")[0]
			st, body, _ = office.get(hd.Get("Location"))
			if st != http.StatusOK || !strings.Contains(body, "草稿") || !strings.Contains(body, "申领草稿已生成") ||
				!strings.Contains(body, "证书职业 4-10-01-05 与培训职业 4-10-01-05 一致：通过") || !strings.Contains(body, "提交申领") {
				t.Fatalf("detail: %d %s", st, body)
			}
			// exports
			for p, col := range map[string]string{"/claims?format=xlsx": "申领编号", path + "?format=xlsx": "姓名"} {
				st, body, hd := office.get(p)
				if st != http.StatusOK || hd.Get("Content-Type") != sheet.ContentType {
					t.Errorf("%s: %d %s", p, st, hd.Get("Content-Type"))
				}
				if rows := readXLSX(t, body, col); len(rows) < 1 {
					t.Errorf("%s: %d rows", p, len(rows))
				}
			}
			// other tenants
			otherTok := cw.token(cw.other.ID)
			if st, _, _ := cw.request(otherTok, http.MethodGet, "/api/v1"+path, nil); st != http.StatusNotFound {
				t.Errorf("other institution reads: %d", st)
			}
			if st, _, _ := cw.request(otherTok, http.MethodPost, "/api/v1/claims", map[string]any{"class": cw.c.ID}); st != http.StatusNotFound {
				t.Errorf("other institution claims: %d", st)
			}
			if st, _, _ := cw.request(cw.token(cw.oOfficer.ID), http.MethodGet, "/api/v1"+path, nil); st != http.StatusNotFound {
				t.Errorf("other county reads: %d", st)
			}
			st, raw, _ = cw.request(cw.offTok, http.MethodGet, "/api/v1/claims?status=draft", nil)
			if m := decode(t, string(raw)); st != http.StatusOK || fmt.Sprint(m["total"]) != "1" {
				t.Errorf("county list: %d %s", st, raw)
			}
			if st, body, _ := cw.signedIn(t, cw.officer).get(path); st != http.StatusOK || strings.Contains(body, "提交申领") {
				t.Errorf("officer's detail: %d", st)
			}
			if st, _, _ := cw.request(cw.offTok, http.MethodPost, "/api/v1"+path+"/submit", map[string]any{"version": 1}); st != http.StatusForbidden {
				t.Errorf("officer submits: %d", st)
			}
			// submit in the browser; a submitted claim is not withdrawn
			st, raw, _ = cw.request(cw.instTok, http.MethodGet, "/api/v1"+path, nil)
			_, version = claimID(t, raw)
			st, _, hd = office.post(path+"/submit", url.Values{"version": {fmt.Sprint(version)}})
			if st != http.StatusSeeOther || !strings.Contains(hd.Get("Location"), "done=claim_submitted") {
				t.Fatalf("submit: %d", st)
			}
			if st, _, _ := office.post(path+"/withdraw", url.Values{"version": {fmt.Sprint(version + 1)}}); st != http.StatusConflict {
				t.Errorf("withdraw after submit: %d", st)
			}
			if st, body, _ := office.get("/claims"); st != http.StatusOK || !strings.Contains(body, "已提交") || strings.Contains(body, "/claims/new?class=") {
				t.Errorf("list after submit: %d", st)
			}
		})
	}
}

// TestClaimsPersonFlow: a person reads the lines about them with their state and checks,
// claims for their own certificate, and the institution's claim then leaves them out.
func TestClaimsPersonFlow(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			cw, certs := claimWebWorld(t, db)
			me := cw.signedIn(t, cw.trainee)
			st, body, _ := me.get("/me/claims")
			if st != http.StatusOK || !strings.Contains(body, "还没有关于您的补贴申领") || !strings.Contains(body, certs[cw.person.ID].Number) {
				t.Fatalf("my claims, empty: %d %s", st, body)
			}
			// another's certificate is not found; the own one makes a claim
			if st, _, _ := me.post("/me/claims", url.Values{"certificate": {fmt.Sprint(certs[cw.secondP.ID].ID)}}); st != http.StatusNotFound {
				t.Errorf("claiming with another's certificate: %d", st)
			}
			st, _, hd := me.post("/me/claims", url.Values{"certificate": {fmt.Sprint(certs[cw.person.ID].ID)}})
			if st != http.StatusSeeOther || !strings.Contains(hd.Get("Location"), "done=claim_created") {
				t.Fatalf("person claim: %d %s", st, hd.Get("Location"))
			}
			path := strings.Split(hd.Get("Location"), "?")[0]
			if st, body, _ := me.get(path); st != http.StatusOK || !strings.Contains(body, "个人申领") || !strings.Contains(body, "1000.00") {
				t.Errorf("own claim: %d %s", st, body)
			}
			if st, _, _ := me.post("/me/claims", url.Values{"certificate": {fmt.Sprint(certs[cw.person.ID].ID)}}); st != http.StatusConflict {
				t.Errorf("claiming twice: %d", st)
			}
			tok := cw.token(cw.trainee.ID)
			st, raw, _ := cw.request(tok, http.MethodGet, "/api/v1/me/claims", nil)
			m := decode(t, string(raw))
			if lines, _ := m["lines"].([]any); st != http.StatusOK || len(lines) != 1 || lines[0].(map[string]any)["status"] != "draft" {
				t.Fatalf("my claims API: %d %s", st, raw)
			}
			st, raw, _ = cw.request(tok, http.MethodGet, "/api/v1"+path, nil)
			_, version := claimID(t, raw)
			if st, _, _ := cw.request(tok, http.MethodPost, "/api/v1"+path+"/submit", map[string]any{"version": version}); st != http.StatusOK {
				t.Errorf("person submits: %d", st)
			}
			// the institution's claim covers only the other trainee
			st, raw, _ = cw.request(cw.instTok, http.MethodPost, "/api/v1/claims", map[string]any{"class": cw.c.ID})
			if m := decode(t, string(raw)); st != http.StatusCreated || fmt.Sprint(m["lines"]) != "1" || m["total"] != "1000.00" {
				t.Fatalf("institution claim: %d %s", st, raw)
			}
			// the second trainee sees the institution's line with its checks
			st, body, _ = cw.signedIn(t, cw.second).get("/me/claims")
			if st != http.StatusOK || !strings.Contains(body, "机构申领") || !strings.Contains(body, "出勤率 100% ≥ 80%：通过") || !strings.Contains(body, "草稿") {
				t.Errorf("second trainee: %d %s", st, body)
			}
			if st, body, _ := me.get("/me/claims?format=xlsx"); st != http.StatusOK || len(body) == 0 {
				t.Errorf("my export: %d", st)
			}
			// the person does not reach the institution's claims list
			if st, _, _ := cw.request(tok, http.MethodGet, "/api/v1/claims", nil); st != http.StatusForbidden {
				t.Errorf("person on /claims: %d", st)
			}
		})
	}
}
