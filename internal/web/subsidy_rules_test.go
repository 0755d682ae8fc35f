package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xiangpei"
	"xiangpei/internal/sheet"
	"xiangpei/internal/store/storetest"
)

// srEnv is the fixture of the subsidy-rule and budget HTTP tests: a server whose clock is
// Monday 2 March 2026, 09:00 China time, a province officer with the targets duty, a city
// officer with the payment duty, a county officer with no such duty, and an administrator.
type srEnv struct {
	*env
	prov, city, county, other xiangpei.Account
}

func newSREnv(t *testing.T, e *env) *srEnv {
	e.clock.mu.Lock()
	e.clock.t = time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)).UTC()
	e.clock.mu.Unlock()
	return &srEnv{env: e,
		prov:   e.account(officerInput("hn_targets", "430000", xiangpei.DutyTargets), testPassword),
		city:   e.account(officerInput("zz_payment", "430200", xiangpei.DutyPayment), testPassword),
		county: e.account(officerInput("ty_review", "430211", xiangpei.DutyClaimReview1), testPassword),
		other:  e.account(officerInput("cs_payment", "430100", xiangpei.DutyPayment), testPassword),
	}
}

func (se *srEnv) msg(key string, args ...any) string {
	return html.EscapeString(se.srv.msg.T("zh-CN", key, args...))
}

// srValues is the form of a new version: the defaults with some changes.
func srValues(region, from string, change map[string]string) url.Values {
	f := srFormOf(xiangpei.DefaultSubsidyRule(region, from))
	v := url.Values{"region": {region}, "effective_from": {from}, "note": {"测试"}}
	for _, fl := range f.fields() {
		v.Set(fl.Name, string(*fl.Value))
	}
	for k, x := range change {
		v.Set(k, x)
	}
	return v
}

func TestSubsidyRulesWeb(t *testing.T) {
	for _, db := range storetest.Engines(t) {
		t.Run(string(db.Engine), func(t *testing.T) {
			se := newSREnv(t, newEnv(t, db))
			prov := se.browser()
			prov.signIn(se.prov, testPassword)
			county := se.browser()
			county.signIn(se.county, testPassword)

			// Before any version: the county officer reads the defaults; no add button.
			code, body, _ := county.get("/subsidy/rules")
			if code != http.StatusOK || !strings.Contains(body, se.msg("subsidy.mine_defaults")) || strings.Contains(body, `href="/subsidy/rules/new"`) {
				t.Fatalf("county list: %d %s", code, body)
			}
			if code, _, _ := county.get("/subsidy/rules/new"); code != http.StatusForbidden {
				t.Errorf("county new: %d", code)
			}
			// A city officer with the targets duty is told who sets rules, with no form.
			cityTargets := se.browser()
			cityTargets.signIn(se.account(officerInput("zz_targets", "430200", xiangpei.DutyTargets), testPassword), testPassword)
			if code, body, _ := cityTargets.get("/subsidy/rules/new"); code != http.StatusOK ||
				!strings.Contains(body, se.msg("subsidy.not_allowed")) || strings.Contains(body, `name="effective_from"`) {
				t.Errorf("city targets new: %d %s", code, body)
			}

			// The province officer's form is prefilled from the defaults, for today.
			code, body, _ = prov.get("/subsidy/rules/new")
			if code != http.StatusOK || !strings.Contains(body, `value="1500.00"`) || !strings.Contains(body, `value="2026-03-02"`) {
				t.Fatalf("new form: %d %s", code, body)
			}

			// Bad input: the form again with the message, nothing written.
			bad := []struct {
				change map[string]string
				key    string
				args   []any
			}{
				{map[string]string{"std_4": "15a0"}, "subsidy.amount_format", []any{se.srv.msg.T("zh-CN", "subsidy.level.4")}},
				{map[string]string{"std_4": "1500.123"}, "subsidy.amount_format", []any{se.srv.msg.T("zh-CN", "subsidy.level.4")}},
				{map[string]string{"attendance_pct": "x"}, "subsidy.number", []any{se.srv.msg.T("zh-CN", "subsidy.limit.attendance_pct")}},
				{map[string]string{"attendance_pct": "0"}, "subsidy.limit", []any{"attendance_pct"}},
				{map[string]string{"uplift_max_pct": "150"}, "subsidy.uplift", nil},
				{map[string]string{"effective_from": "2026-03-01"}, "subsidy.backdated", []any{"2026-03-02"}},
				{map[string]string{"region": "440000"}, "subsidy.not_allowed", nil},
			}
			for _, b := range bad {
				code, body, _ := prov.post("/subsidy/rules", srValues("430000", "2026-04-01", b.change))
				want := se.msg(b.key, b.args...)
				if code < 400 || code >= 500 || !strings.Contains(body, want) {
					t.Errorf("%v: %d, want %q in %s", b.change, code, want, body)
				}
			}
			if rules, _ := db.SubsidyRules(t.Context(), ""); len(rules) != 0 {
				t.Fatalf("bad input wrote %d versions", len(rules))
			}

			// Version 1 today, version 2 from April with 四级 at ¥1,800.
			code, _, h := prov.post("/subsidy/rules", srValues("430000", "2026-03-02", nil))
			if code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "done=subsidy_rule_added") {
				t.Fatalf("add v1: %d %v", code, h)
			}
			code, _, h = prov.post("/subsidy/rules", srValues("430000", "2026-04-01", map[string]string{"std_4": "1800", "note": "四级提高"}))
			if code != http.StatusSeeOther {
				t.Fatalf("add v2: %d", code)
			}
			v2 := strings.Split(strings.Split(h.Get("Location"), "?")[0], "/")[3]

			// The list marks v1 in force and v2 scheduled; the county officer's own rules are v1.
			code, body, _ = county.get("/subsidy/rules")
			if code != http.StatusOK || strings.Count(body, "state-in_force") != 1 || strings.Count(body, "state-scheduled") != 1 ||
				!strings.Contains(body, se.msg("subsidy.mine_version", "湖南省", 1, "2026-03-02")) {
				t.Errorf("list: %s", body)
			}
			// One version with the diff against the previous: 四级 changed.
			code, body, _ = county.get("/subsidy/rules/" + v2)
			if code != http.StatusOK || !strings.Contains(body, "1500.00 → 1800.00") || strings.Count(body, `class="changed"`) != 1 {
				t.Errorf("show v2: %d %s", code, body)
			}
			if code, _, _ := county.get("/subsidy/rules/12345"); code != http.StatusNotFound {
				t.Errorf("missing version: %d", code)
			}
			// The form now starts the day after the latest version, prefilled from the one in force.
			if _, body, _ := prov.get("/subsidy/rules/new"); !strings.Contains(body, `value="2026-04-02"`) {
				t.Errorf("next day: %s", body)
			}

			// The API: list, one version, a create with numbers; the Excel export.
			tok := se.token(se.prov.ID)
			code, raw, _ := se.request(tok, http.MethodGet, "/api/v1/subsidy/rules?region=430000", nil)
			m := decode(t, string(raw))
			if code != http.StatusOK || fmt.Sprint(m["total"]) != "2" {
				t.Errorf("api list: %d %s", code, raw)
			}
			code, raw, _ = se.request(tok, http.MethodGet, "/api/v1/subsidy/rules/"+v2, nil)
			if code != http.StatusOK || !strings.Contains(string(raw), `"field":"std_4"`) || !strings.Contains(string(raw), `"fen":180000`) {
				t.Errorf("api show: %d %s", code, raw)
			}
			form := map[string]any{}
			for k, v := range srValues("430200", "2026-05-01", nil) {
				form[k] = v[0]
			}
			form["std_5"], form["attendance_pct"] = 1200, 85
			code, raw, _ = se.request(tok, http.MethodPost, "/api/v1/subsidy/rules", form)
			if code != http.StatusCreated || !strings.Contains(string(raw), `"fen":120000`) || !strings.Contains(string(raw), `"attendance_pct":85`) {
				t.Fatalf("api add: %d %s", code, raw)
			}
			// A retried create with the same Idempotency-Key answers the first response and adds nothing.
			form["effective_from"] = "2026-06-01"
			key := http.Header{"Idempotency-Key": {"sr-retry-1"}}
			c1, b1, _ := se.requestWith(tok, http.MethodPost, "/api/v1/subsidy/rules", form, key)
			c2, b2, _ := se.requestWith(tok, http.MethodPost, "/api/v1/subsidy/rules", form, key)
			if c1 != http.StatusCreated || c2 != c1 || string(b1) != string(b2) {
				t.Errorf("idempotent retry: %d %d %s %s", c1, c2, b1, b2)
			}
			if rules, _ := db.SubsidyRules(t.Context(), "430200"); len(rules) != 2 {
				t.Errorf("retry added a version: %d", len(rules))
			}
			r, err := db.RuleInForce(t.Context(), "430211", "2026-05-01")
			if err != nil || r.Region != "430200" || r.Limits.AttendancePct != 85 {
				t.Errorf("in force after the API add: %+v %v", r, err)
			}
			form["effective_from"] = "2026-05-30"
			if code, raw, _ := se.request(tok, http.MethodPost, "/api/v1/subsidy/rules", form); code != http.StatusConflict {
				t.Errorf("api add before the latest: %d %s", code, raw)
			}
			code, raw, h = se.request(tok, http.MethodGet, "/subsidy/rules?region=all&format=xlsx", nil)
			if code != http.StatusOK || h.Get("Content-Type") != sheet.ContentType || len(readWorkbook(t, raw)) != 5 { // header and four versions
				t.Errorf("xlsx: %d %s", code, h)
			}
			// A payment officer reads the rules but may not add.
			pay := se.token(se.city.ID)
			if code, _, _ := se.request(pay, http.MethodGet, "/api/v1/subsidy/rules", nil); code != http.StatusOK {
				t.Errorf("payment officer reads: %d", code)
			}
			if code, _, _ := se.request(pay, http.MethodPost, "/api/v1/subsidy/rules", form); code != http.StatusForbidden {
				t.Errorf("payment officer adds: %d", code)
			}
		})
	}
}
